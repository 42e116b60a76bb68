//! Snowflake throughput: IDs per second from `next` and `fill`, against the
//! layout's limit (2^sequenceBits per tick: 4,096,000/s for the default).
//!
//! Two views: criterion timings of the CPU cost per ID (with a fake clock
//! that never makes the generator wait), and a sustained run on the real
//! system clock, printed side by side with the layout's limit.
//!
//! Run: `cargo bench --bench snowflake`.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput};
use quorumkit::snowflake::{Generator, Layout, Sequencer};

const T0: u64 = 1_700_000_000_000;

/// The real clock, allowed here only: the core never reads one.
fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A fake clock that advances 1 ms every 4096 readings, so `next` never waits
/// and the timing is the generator's own cost.
fn counting_clock() -> impl FnMut() -> u64 {
    let mut reads = 0u64;
    move || {
        reads += 1;
        T0 + reads / 4096
    }
}

fn cpu_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("snowflake/cpu");
    group.throughput(Throughput::Elements(1));
    group.bench_function("next (fake clock)", |b| {
        let mut g = Generator::new(&Layout::DEFAULT, 1, counting_clock()).unwrap();
        b.iter(|| black_box(g.next().unwrap()));
    });
    group.bench_function("try_next_at (no clock)", |b| {
        let mut s = Sequencer::new(&Layout::DEFAULT, 1, T0).unwrap();
        let mut now = T0;
        b.iter(|| match s.try_next_at(now) {
            Ok(id) => black_box(id),
            Err(_) => {
                now += 1;
                s.try_next_at(now).unwrap()
            }
        });
    });
    for n in [4096usize, 65_536] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("try_fill_at (no clock)", n),
            &n,
            |b, &n| {
                let mut s = Sequencer::new(&Layout::DEFAULT, 1, T0).unwrap();
                let mut out = vec![0u64; n];
                let mut now = T0;
                b.iter(|| {
                    let mut done = 0;
                    while done < n {
                        now += 1; // every call starts a fresh tick
                        done += s.try_fill_at(now, &mut out[done..]).unwrap();
                    }
                    black_box(out[n - 1])
                });
            },
        );
    }
    group.finish();
}

fn real_clock(c: &mut Criterion) {
    let mut group = c.benchmark_group("snowflake/system-clock");
    // A 65536-ID fill takes 16 ms at the layout's limit.
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("next", |b| {
        let mut g = Generator::new(&Layout::DEFAULT, 1, system_ms).unwrap();
        b.iter(|| black_box(g.next().unwrap()));
    });
    let n = 65_536;
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("fill", n), |b| {
        let mut g = Generator::new(&Layout::DEFAULT, 1, system_ms).unwrap();
        let mut out = vec![0u64; n];
        b.iter(|| {
            g.fill(&mut out).unwrap();
            black_box(out[n - 1])
        });
    });
    group.finish();
}

/// Sustained unique IDs per second on the system clock, one `next` at a time
/// (`batch == 0`) or by `fill` of `batch`, for `secs`, counting IDs that are
/// not above their predecessor (duplicates or reorders) on the way.
///
/// A tick the process spends descheduled is capacity lost for good, so on
/// a loaded machine this measures the scheduler as much as the generator.
fn sustained(layout: &Layout, secs: f64, batch: usize) -> (f64, u64) {
    let mut g = Generator::new(layout, 1, system_ms).unwrap();
    let mut out = vec![0u64; batch.max(1)];
    let mut count = 0u64;
    let mut dups = 0u64;
    let mut prev = 0u64;
    let start = Instant::now();
    let limit = Duration::from_secs_f64(secs);
    while start.elapsed() < limit {
        if batch == 0 {
            let id = g.next().unwrap();
            dups += u64::from(id <= prev);
            prev = id;
            count += 1;
        } else {
            g.fill(&mut out).unwrap();
            for &id in &out {
                dups += u64::from(id <= prev);
                prev = id;
            }
            count += out.len() as u64;
        }
    }
    (count as f64 / start.elapsed().as_secs_f64(), dups)
}

fn summary() {
    println!("\nsnowflake: sustained IDs/s on the system clock (2 s each) vs the layout's limit");
    println!(
        "{:<12} {:<14} {:>14} {:>14} {:>9} {:>6}",
        "layout", "call", "ids/s", "limit", "of limit", "dups"
    );
    for (name, layout) in [
        ("default", Layout::DEFAULT),
        ("sonyflake", Layout::SONYFLAKE),
    ] {
        let limit = layout.ids_per_second_limit() as f64;
        for (call, batch) in [("next", 0usize), ("fill(65536)", 65_536)] {
            let (rate, dups) = sustained(&layout, 2.0, batch);
            println!(
                "{:<12} {:<14} {:>14.0} {:>14.0} {:>8.2}% {:>6}",
                name,
                call,
                rate,
                limit,
                100.0 * rate / limit,
                dups
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    cpu_cost(&mut c);
    real_clock(&mut c);
    c.final_summary();
    // Skipped under `cargo test --benches` (criterion's test mode).
    if !std::env::args().any(|a| a == "--test") {
        summary();
    }
}
