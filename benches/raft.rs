//! Raft throughput: committed proposals per second of host time.
//!
//! Workload ([`Loopback`]): a 3- or 5-node cluster in one process, in-memory
//! storage, instant delivery (every message is stepped into its recipient as
//! soon as its sender's `Ready` is handled). Each round the leader proposes 1
//! or 64 payloads of 16 bytes, then every node's `Ready` is handled (persist,
//! send, apply, advance) until no message is left. The count is the entries
//! the leader applies. The same loop runs in wasm (`npm run bench -- --js
//! raft`) and against raft-rs (`bench/raft-rs-compare`).
//!
//! Run: `cargo bench --bench raft`. A sustained summary line per workload
//! (M proposals/s) is printed after the criterion timings.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use quorumkit::raft::loopback::Loopback;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft/committed");
    group.measurement_time(Duration::from_secs(3));
    for n in [3usize, 5] {
        for per_round in [1usize, 64] {
            group.throughput(Throughput::Elements(per_round as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("{n} nodes"), format!("{per_round}/round")),
                &per_round,
                |b, &per_round| {
                    b.iter_custom(|iters| {
                        // A fresh cluster per sample keeps logs bounded.
                        let mut cl = Loopback::new(n).unwrap();
                        let start = Instant::now();
                        for _ in 0..iters {
                            cl.round(per_round);
                        }
                        let t = start.elapsed();
                        assert_eq!(cl.applied(), iters * per_round as u64);
                        t
                    });
                },
            );
        }
    }
    group.finish();
}

fn summary() {
    println!("\nraft committed proposals/s (host time, sustained 200k proposals):");
    for n in [3usize, 5] {
        for per_round in [1usize, 64] {
            let mut cl = Loopback::new(n).unwrap();
            let start = Instant::now();
            let applied = cl.run(200_000, per_round);
            let secs = start.elapsed().as_secs_f64();
            println!(
                "  {n} nodes, {per_round:>2}/round: {:.2} M/s",
                applied as f64 / secs / 1e6
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    summary();
}
