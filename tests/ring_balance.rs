//! Balance targets at N = 100 with fixed seeds and names, and the figures
//! the module documentation reports (printed with `--nocapture`).

use quorumkit::ring::{
    jump_many_u64, BoundedLoadRing, HashMode, HashRing, LoadStats, Maglev, NodeOptions, Rendezvous,
};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;

const N: usize = 100;

fn long() -> bool {
    std::env::var("QUORUMKIT_LONG").is_ok_and(|v| v == "1")
}

fn names() -> Vec<String> {
    (0..N).map(|i| format!("node-{i}")).collect()
}

fn packed_keys(count: usize) -> (Vec<u8>, Vec<u32>) {
    let mut bytes = Vec::with_capacity(count * 12);
    let mut ends = Vec::with_capacity(count);
    for i in 0..count {
        bytes.extend_from_slice(format!("user:{i}").as_bytes());
        ends.push(bytes.len() as u32);
    }
    (bytes, ends)
}

fn ring(mode: HashMode, vnodes: u32) -> HashRing {
    HashRing::build(
        mode,
        vnodes,
        names()
            .iter()
            .map(|n| (n.as_bytes(), NodeOptions::default())),
    )
    .unwrap()
}

#[test]
fn ring_balance_by_arc_length_crc32_against_64_bit() {
    let seed = ring(HashMode::Seed, 100).arc_stats();
    let x64 = ring(HashMode::Xxh64, 100).arc_stats();
    let x3 = ring(HashMode::Xxh3, 100).arc_stats();
    let ketama = ring(HashMode::Ketama(Default::default()), 40).arc_stats();
    eprintln!(
        "N=100, arc length peak/mean: seed(crc32, 100 vnodes) {:.2}, xxh64(100) {:.2}, \
         xxh3(100) {:.2}, ketama(160 points) {:.2}",
        seed.peak_to_mean, x64.peak_to_mean, x3.peak_to_mean, ketama.peak_to_mean
    );
    eprintln!(
        "std dev of shares (×N): seed {:.3}, xxh64 {:.3}, xxh3 {:.3}, ketama {:.3}",
        seed.std_dev * N as f64,
        x64.std_dev * N as f64,
        x3.std_dev * N as f64,
        ketama.std_dev * N as f64
    );
    // The 64-bit modes behave like 100 uniform points per node (relative
    // spread ≈ 1/√100); CRC-32 of similar names is far from uniform.
    assert!(x64.peak_to_mean < 1.5 && x3.peak_to_mean < 1.5);
    assert!(seed.peak_to_mean > x64.peak_to_mean);
    for s in [&seed, &x64, &x3, &ketama] {
        assert!((s.shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn sampled_loads_agree_with_arc_lengths() {
    let r = ring(HashMode::Xxh64, 100);
    let (bytes, ends) = packed_keys(200_000);
    let sample = r.sample_stats(&bytes, &ends).unwrap();
    let arcs = r.arc_stats();
    for (s, a) in sample.shares.iter().zip(&arcs.shares) {
        // 2,000 keys per node on average: a few percent of noise.
        assert!((s - a).abs() < 0.0025, "{s} vs {a}");
    }
}

#[test]
fn bounded_loads_keep_peak_over_mean_within_epsilon() {
    let mut b = BoundedLoadRing::new(HashMode::Xxh64, 100, 0.1).unwrap();
    for n in names() {
        b.add(n.as_bytes(), NodeOptions::default()).unwrap();
    }
    let keys = if long() { 1_000_000 } else { 100_000 };
    let (bytes, ends) = packed_keys(keys);
    let mut out = vec![0u32; keys];
    b.assign_many(&bytes, &ends, &mut out).unwrap();
    let s = b.load_stats();
    eprintln!(
        "bounded loads eps=0.1, N=100, {keys} keys: peak/mean {:.4}",
        s.peak_to_mean
    );
    assert!(s.peak_to_mean <= 1.10);
    assert_eq!(b.total(), keys as u64);
}

#[test]
fn jump_hash_is_within_five_percent() {
    let mut rng = Pcg64::seed_from_u64(2014);
    let keys: Vec<u64> = (0..1_000_000).map(|_| rng.next_u64()).collect();
    let mut out = vec![0u32; keys.len()];
    jump_many_u64(&keys, N as u32, &mut out).unwrap();
    let mut counts = vec![0u64; N];
    for o in out {
        counts[o as usize] += 1;
    }
    let s = LoadStats::from_counts(&counts, &[1.0; N]);
    eprintln!("jump N=100, 1M keys: peak/mean {:.4}", s.peak_to_mean);
    assert!(s.peak_to_mean <= 1.05);
}

#[test]
fn maglev_is_within_five_percent() {
    let mut m = Maglev::new(Maglev::DEFAULT_TABLE_SIZE).unwrap();
    m.add_many(names()).unwrap();
    let table = m.table_stats();
    let (bytes, ends) = packed_keys(1_000_000);
    let sample = m.sample_stats(&bytes, &ends).unwrap();
    eprintln!(
        "maglev N=100, M=65537: table peak/mean {:.4}, 1M keys {:.4}",
        table.peak_to_mean, sample.peak_to_mean
    );
    assert!(table.peak_to_mean <= 1.05);
    assert!(sample.peak_to_mean <= 1.05);
}

#[test]
fn rendezvous_balance_by_sample() {
    let mut r = Rendezvous::new();
    for n in names() {
        r.add(n.as_bytes(), 1.0).unwrap();
    }
    let (bytes, ends) = packed_keys(200_000);
    let s = r.sample_stats(&bytes, &ends).unwrap();
    eprintln!(
        "rendezvous N=100, 200k keys: peak/mean {:.4}",
        s.peak_to_mean
    );
    assert!(s.peak_to_mean <= 1.10);
    // Weighted: a weight-3 node draws three times the keys of a weight-1 node.
    let mut w = Rendezvous::new();
    w.add(b"small", 1.0).unwrap();
    let big = w.add(b"big", 3.0).unwrap();
    let s = w.sample_stats(&bytes, &ends).unwrap();
    assert!(
        (s.shares[big as usize] - 0.75).abs() < 0.01,
        "{:?}",
        s.shares
    );
}
