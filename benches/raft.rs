//! Raft throughput: committed proposals per second of host time.
//!
//! Workload: a 3- or 5-node cluster in one process, in-memory storage,
//! instant delivery (every message is stepped into its recipient as soon as
//! its sender's `Ready` is handled). Each round the leader proposes 1 or 64
//! payloads of 16 bytes, then every node's `Ready` is handled (persist, send,
//! apply, advance) until no message is left. The count is the entries the
//! leader applies.
//!
//! Run: `cargo bench --bench raft`. A sustained summary line per workload
//! (M proposals/s) is printed after the criterion timings.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use quorumkit::raft::{Config, MemStorage, Message, RawNode, Role};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

struct Bench {
    nodes: Vec<RawNode>,
    stores: Vec<MemStorage>,
    inbox: Vec<Message>,
    spare: Vec<Message>,
    applied: u64,
}

impl Bench {
    fn new(n: u32) -> Bench {
        let peers: Vec<u32> = (1..=n).collect();
        let stores = vec![MemStorage::new(); n as usize];
        let nodes = (1..=n)
            .map(|id| {
                let mut c = Config::new(id, peers.clone());
                c.max_inflight_msgs = 4096;
                RawNode::new(c, &stores[id as usize - 1], Pcg32::seed_from_u64(id.into())).unwrap()
            })
            .collect();
        let mut b = Bench {
            nodes,
            stores,
            inbox: Vec::new(),
            spare: Vec::new(),
            applied: 0,
        };
        b.nodes[0].campaign();
        b.settle();
        assert_eq!(b.nodes[0].role(), Role::Leader);
        b.applied = 0;
        b
    }

    fn handle(&mut self, i: usize) {
        let n = &mut self.nodes[i];
        if !n.has_ready() {
            return;
        }
        let rd = n.ready();
        let s = &mut self.stores[i];
        s.append(rd.entries).unwrap();
        if let Some(hs) = rd.hard_state {
            s.set_hard_state(hs);
        }
        self.inbox.extend(rd.messages);
        if i == 0 {
            self.applied += rd.committed_entries.len() as u64;
        }
        black_box(rd.committed_entries);
        n.advance();
    }

    fn settle(&mut self) {
        loop {
            for i in 0..self.nodes.len() {
                self.handle(i);
            }
            if self.inbox.is_empty() {
                return;
            }
            // Swap buffers so both keep their capacity.
            std::mem::swap(&mut self.inbox, &mut self.spare);
            for m in self.spare.drain(..) {
                let to = m.to as usize - 1;
                self.nodes[to].step(m).unwrap();
            }
        }
    }

    fn round(&mut self, per_round: usize) {
        for k in 0..per_round {
            let mut data = [0u8; 16];
            data[..8].copy_from_slice(&(k as u64).to_le_bytes());
            self.nodes[0].propose(data.to_vec()).unwrap();
        }
        self.settle();
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft/committed");
    group.measurement_time(Duration::from_secs(3));
    for n in [3u32, 5] {
        for per_round in [1usize, 64] {
            group.throughput(Throughput::Elements(per_round as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("{n} nodes"), format!("{per_round}/round")),
                &per_round,
                |b, &per_round| {
                    b.iter_custom(|iters| {
                        // A fresh cluster per sample keeps logs bounded.
                        let mut cl = Bench::new(n);
                        let start = Instant::now();
                        for _ in 0..iters {
                            cl.round(per_round);
                        }
                        let t = start.elapsed();
                        assert_eq!(cl.applied, iters * per_round as u64);
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
    for n in [3u32, 5] {
        for per_round in [1usize, 64] {
            let total = 200_000u64;
            let rounds = total / per_round as u64;
            let mut cl = Bench::new(n);
            let start = Instant::now();
            for _ in 0..rounds {
                cl.round(per_round);
            }
            let secs = start.elapsed().as_secs_f64();
            println!(
                "  {n} nodes, {per_round:>2}/round: {:.2} M/s",
                cl.applied as f64 / secs / 1e6
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
