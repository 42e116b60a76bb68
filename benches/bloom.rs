//! Bloom filter throughput: n = 1 M keys `user:<i>`, p = 1%, insert then
//! contains (present keys, and absent ones), one by one and batched, for the
//! classic, split-block and blocked filters.
//!
//! `cargo bench --bench bloom`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quorumkit::bloom::{BlockedBloomFilter, BloomFilter, SplitBlockBloomFilter};

const N: usize = 1_000_000;
const P: f64 = 0.01;

fn workload(offset: usize) -> (Vec<String>, Vec<u8>, Vec<u32>) {
    let keys: Vec<String> = (offset..offset + N).map(|i| format!("user:{i}")).collect();
    let mut buf = Vec::new();
    let mut ends = Vec::with_capacity(N);
    for k in &keys {
        buf.extend_from_slice(k.as_bytes());
        ends.push(buf.len() as u32);
    }
    (keys, buf, ends)
}

fn bench(c: &mut Criterion) {
    let (keys, buf, ends) = workload(0);
    let (absent, absent_buf, absent_ends) = workload(N);
    let mut g = c.benchmark_group("bloom_1M_p1%");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);

    g.bench_function(BenchmarkId::new("classic", "insert"), |b| {
        b.iter(|| {
            let mut f = BloomFilter::with_rate(N as u64, P).unwrap();
            for k in &keys {
                f.insert(k.as_bytes());
            }
            black_box(f.count_ones())
        })
    });
    g.bench_function(BenchmarkId::new("classic", "insert_many"), |b| {
        b.iter(|| {
            let mut f = BloomFilter::with_rate(N as u64, P).unwrap();
            black_box(f.insert_many(&buf, &ends, &mut []).unwrap())
        })
    });
    let mut full = BloomFilter::with_rate(N as u64, P).unwrap();
    full.insert_many(&buf, &ends, &mut []).unwrap();
    g.bench_function(BenchmarkId::new("classic", "contains"), |b| {
        b.iter(|| keys.iter().filter(|k| full.contains(k.as_bytes())).count())
    });
    let mut out = vec![0u8; N];
    g.bench_function(BenchmarkId::new("classic", "contains_many"), |b| {
        b.iter(|| full.contains_many(&buf, &ends, &mut out).unwrap())
    });
    g.bench_function(BenchmarkId::new("classic", "contains absent"), |b| {
        b.iter(|| {
            absent
                .iter()
                .filter(|k| full.contains(k.as_bytes()))
                .count()
        })
    });
    g.bench_function(BenchmarkId::new("classic", "contains_many absent"), |b| {
        b.iter(|| {
            full.contains_many(&absent_buf, &absent_ends, &mut out)
                .unwrap()
        })
    });

    g.bench_function(BenchmarkId::new("split_block", "insert"), |b| {
        b.iter(|| {
            let mut f = SplitBlockBloomFilter::with_rate(N as u64, P).unwrap();
            for k in &keys {
                f.insert(k.as_bytes());
            }
            black_box(f.blocks())
        })
    });
    let mut sbbf = SplitBlockBloomFilter::with_rate(N as u64, P).unwrap();
    sbbf.insert_many(&buf, &ends, &mut []).unwrap();
    g.bench_function(BenchmarkId::new("split_block", "contains"), |b| {
        b.iter(|| keys.iter().filter(|k| sbbf.contains(k.as_bytes())).count())
    });
    g.bench_function(BenchmarkId::new("split_block", "contains_many"), |b| {
        b.iter(|| sbbf.contains_many(&buf, &ends, &mut out).unwrap())
    });

    g.bench_function(BenchmarkId::new("blocked", "insert"), |b| {
        b.iter(|| {
            let mut f = BlockedBloomFilter::with_rate(N as u64, P).unwrap();
            for k in &keys {
                f.insert(k.as_bytes());
            }
            black_box(f.blocks())
        })
    });
    g.bench_function(BenchmarkId::new("blocked", "insert_many"), |b| {
        b.iter(|| {
            let mut f = BlockedBloomFilter::with_rate(N as u64, P).unwrap();
            black_box(f.insert_many(&buf, &ends, &mut []).unwrap())
        })
    });
    let mut blocked = BlockedBloomFilter::with_rate(N as u64, P).unwrap();
    blocked.insert_many(&buf, &ends, &mut []).unwrap();
    g.bench_function(BenchmarkId::new("blocked", "contains"), |b| {
        b.iter(|| {
            keys.iter()
                .filter(|k| blocked.contains(k.as_bytes()))
                .count()
        })
    });
    g.bench_function(BenchmarkId::new("blocked", "contains_many"), |b| {
        b.iter(|| blocked.contains_many(&buf, &ends, &mut out).unwrap())
    });
    g.bench_function(BenchmarkId::new("blocked", "contains absent"), |b| {
        b.iter(|| {
            absent
                .iter()
                .filter(|k| blocked.contains(k.as_bytes()))
                .count()
        })
    });
    g.bench_function(BenchmarkId::new("blocked", "contains_many absent"), |b| {
        b.iter(|| {
            blocked
                .contains_many(&absent_buf, &absent_ends, &mut out)
                .unwrap()
        })
    });
    g.finish();

    println!(
        "memory: classic {} bytes for m/8 = {} ({:.2} bits/key, bound 1.44*log2(1/p) = {:.2}); split-block {:.2} bits/key; blocked {:.2} bits/key",
        full.words().len() * 8,
        full.bits().div_ceil(8),
        full.bits() as f64 / N as f64,
        1.44 * (1.0 / P).log2(),
        sbbf.bits() as f64 / N as f64,
        blocked.bits() as f64 / N as f64
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
