//! Ring lookups with 10 servers and ring construction with 1,000 servers.
//!
//! `cargo bench --bench ring`. Keys are `user:<n>`, the same for every
//! contender in one run.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quorumkit::ring::{
    jump_hash_bytes, jump_many, BoundedLoadRing, HashMode, HashRing, KetamaOptions, Maglev,
    NodeOptions, Rendezvous,
};

const KEYS: usize = 10_000;

fn servers(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("10.0.{}.{}:11211", i / 256, i % 256))
        .collect()
}

fn keys() -> (Vec<String>, Vec<u8>, Vec<u32>) {
    let list: Vec<String> = (0..KEYS).map(|i| format!("user:{}", i * 7919)).collect();
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    for k in &list {
        bytes.extend_from_slice(k.as_bytes());
        ends.push(bytes.len() as u32);
    }
    (list, bytes, ends)
}

const MODES: [(&str, HashMode); 4] = [
    ("seed", HashMode::Seed),
    (
        "ketama",
        HashMode::Ketama(KetamaOptions {
            compat: quorumkit::ring::KetamaCompat::Ketama,
            default_port: None,
            share: quorumkit::ring::ShareFloat::F64,
        }),
    ),
    ("xxh64", HashMode::Xxh64),
    ("xxh3", HashMode::Xxh3),
];

fn get_10_servers(c: &mut Criterion) {
    let (list, bytes, ends) = keys();
    let names = servers(10);
    let mut g = c.benchmark_group("get/10 servers");
    g.throughput(Throughput::Elements(KEYS as u64));
    for (label, mode) in MODES {
        let ring = HashRing::build(
            mode,
            mode.default_vnodes(),
            names.iter().map(|n| (n.as_bytes(), NodeOptions::default())),
        )
        .unwrap();
        // The hash alone: what a lookup costs before it searches the ring.
        g.bench_function(BenchmarkId::new("key_position", label), |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for k in &list {
                    acc = acc.wrapping_add(mode.key_position(black_box(k.as_bytes())));
                }
                acc
            })
        });
        g.bench_function(BenchmarkId::new("ring.get", label), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for k in &list {
                    acc = acc.wrapping_add(ring.get(black_box(k.as_bytes())).unwrap());
                }
                acc
            })
        });
        let mut out = vec![0u32; KEYS];
        g.bench_function(BenchmarkId::new("ring.get_many", label), |b| {
            b.iter(|| ring.get_many(black_box(&bytes), &ends, &mut out).unwrap())
        });
    }
    g.bench_function("jump_hash_bytes", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for k in &list {
                acc = acc.wrapping_add(jump_hash_bytes(black_box(k.as_bytes()), 10).unwrap());
            }
            acc
        })
    });
    let mut out = vec![0u32; KEYS];
    g.bench_function("jump_many", |b| {
        b.iter(|| jump_many(black_box(&bytes), &ends, 10, &mut out).unwrap())
    });
    let mut rdv = Rendezvous::new();
    let mut maglev = Maglev::new(Maglev::DEFAULT_TABLE_SIZE).unwrap();
    for n in &names {
        rdv.add(n.as_bytes(), 1.0).unwrap();
    }
    maglev.add_many(&names).unwrap();
    g.bench_function("rendezvous.get_many", |b| {
        b.iter(|| rdv.get_many(black_box(&bytes), &ends, &mut out).unwrap())
    });
    g.bench_function("maglev.get_many", |b| {
        b.iter(|| maglev.get_many(black_box(&bytes), &ends, &mut out).unwrap())
    });
    g.bench_function("bounded(eps=0.25).assign_many", |b| {
        b.iter_batched(
            || {
                let mut r = BoundedLoadRing::new(HashMode::Xxh64, 100, 0.25).unwrap();
                for n in &names {
                    r.add(n.as_bytes(), NodeOptions::default()).unwrap();
                }
                r
            },
            |mut r| r.assign_many(&bytes, &ends, &mut out).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn build_1000_servers(c: &mut Criterion) {
    let names = servers(1000);
    let mut g = c.benchmark_group("build/1000 servers");
    g.sample_size(10);
    for (label, mode) in MODES {
        g.bench_function(BenchmarkId::new("HashRing::build", label), |b| {
            b.iter(|| {
                HashRing::build(
                    mode,
                    mode.default_vnodes(),
                    names.iter().map(|n| (n.as_bytes(), NodeOptions::default())),
                )
                .unwrap()
            })
        });
    }
    g.bench_function("HashRing::add one by one/xxh64", |b| {
        b.iter(|| {
            let mut r = HashRing::new(HashMode::Xxh64);
            for n in &names {
                r.add(n.as_bytes(), NodeOptions::default()).unwrap();
            }
            r
        })
    });
    g.bench_function("Maglev::add_many/65537", |b| {
        b.iter(|| {
            let mut m = Maglev::new(Maglev::DEFAULT_TABLE_SIZE).unwrap();
            m.add_many(&names).unwrap();
            m
        })
    });
    g.finish();
}

criterion_group!(benches, get_10_servers, build_1000_servers);
criterion_main!(benches);
