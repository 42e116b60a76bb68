//! Measured false-positive rates against the targets, with fixed seeds.
//!
//! Inserted keys and query keys are random 8-byte strings from a seeded PCG,
//! tagged with a different first byte so no query was inserted. Each check
//! prints its measurement (`cargo test --test bloom_fp -- --nocapture`).
//! `QUORUMKIT_LONG=1` doubles the query sample of the `n = 10^6` checks to
//! 2 M.

use quorumkit::bloom::{
    BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter,
};

mod bloom_common;
use bloom_common::{keys, long_mode};

fn rate(hits: usize, queries: usize) -> f64 {
    hits as f64 / queries as f64
}

fn assert_within_15pct(label: &str, measured: f64, target: f64) {
    let rel = (measured - target) / target;
    println!(
        "{label}: measured {measured:.6}, target {target}, off by {:+.1}%",
        rel * 100.0
    );
    assert!(
        rel.abs() <= 0.15,
        "{label}: measured {measured} vs target {target}"
    );
}

fn classic_fp(n: usize, p: f64, queries: usize, seed: u64) -> f64 {
    let mut f = BloomFilter::with_rate(n as u64, p).unwrap();
    let (k, e) = keys(seed, 0, n);
    f.insert_many(&k, &e, &mut []).unwrap();
    // No false negatives at capacity either.
    let mut out = vec![0u8; n];
    assert_eq!(f.contains_many(&k, &e, &mut out).unwrap(), n);
    let (q, qe) = keys(seed + 1, 1, queries);
    let mut out = vec![0u8; queries];
    let hits = f.contains_many(&q, &qe, &mut out).unwrap();
    let measured = rate(hits, queries);
    println!(
        "  classic n={n} p={p}: m={} k={} bits/key={:.3} (bound 1.44*log2(1/p)={:.3}), estimated FP {:.6}",
        f.bits(),
        f.hashes(),
        f.bits() as f64 / n as f64,
        1.44 * (1.0 / p).log2(),
        f.estimated_fp_rate()
    );
    measured
}

#[test]
fn classic_at_capacity_n_1e5() {
    assert_within_15pct(
        "classic n=1e5 p=1%",
        classic_fp(100_000, 0.01, 200_000, 11),
        0.01,
    );
    assert_within_15pct(
        "classic n=1e5 p=0.1%",
        classic_fp(100_000, 0.001, 1_000_000, 12),
        0.001,
    );
}

#[test]
fn classic_at_capacity_n_1e6() {
    // A debug build inserts 10^6 keys and answers 10^6 queries in about a
    // second: about 10 000 expected false positives at p = 1% and 1 000 at
    // p = 0.1%, a standard error of 1% and 3%. The long mode doubles the
    // query sample.
    let queries = if long_mode() { 2_000_000 } else { 1_000_000 };
    assert_within_15pct(
        "classic n=1e6 p=1%",
        classic_fp(1_000_000, 0.01, queries, 21),
        0.01,
    );
    assert_within_15pct(
        "classic n=1e6 p=0.1%",
        classic_fp(1_000_000, 0.001, queries, 22),
        0.001,
    );
}

#[test]
fn counting_filter_has_the_classic_rate() {
    let n = 20_000;
    let mut f = CountingBloomFilter::with_rate(n as u64, 0.01).unwrap();
    let (k, e) = keys(31, 0, n);
    f.insert_many(&k, &e, &mut []).unwrap();
    let (q, qe) = keys(32, 1, 200_000);
    let mut out = vec![0u8; 200_000];
    let hits = f.contains_many(&q, &qe, &mut out).unwrap();
    assert_within_15pct("counting n=2e4 p=1%", rate(hits, 200_000), 0.01);
    // Removing every key empties it again (no counter saturates at this load).
    assert_eq!(f.count_saturated(), 0);
    assert_eq!(f.remove_many(&k, &e, &mut []).unwrap(), n);
    assert_eq!(f.count_nonzero(), 0);
}

#[test]
fn split_block_rate_at_capacity() {
    // Sized with the Poisson spread of keys over blocks, the split-block
    // filter meets the same ±15% as the classic one.
    for (p, queries, seed) in [(0.01, 200_000, 41), (0.001, 1_000_000, 42)] {
        let n = 100_000;
        let mut f = SplitBlockBloomFilter::with_rate(n as u64, p).unwrap();
        let (k, e) = keys(seed, 0, n);
        f.insert_many(&k, &e, &mut []).unwrap();
        let mut out = vec![0u8; n];
        assert_eq!(f.contains_many(&k, &e, &mut out).unwrap(), n);
        let (q, qe) = keys(seed + 1, 1, queries);
        let mut out = vec![0u8; queries];
        let measured = rate(f.contains_many(&q, &qe, &mut out).unwrap(), queries);
        println!(
            "  split-block n=1e5 p={p}: estimated {:.6}, bits/key {:.3}",
            f.estimated_fp_rate(),
            f.bits() as f64 / n as f64
        );
        assert_within_15pct(&format!("split-block n=1e5 p={p}"), measured, p);
        // The bit-level estimate tracks the measurement.
        assert!((f.estimated_fp_rate() / measured - 1.0).abs() < 0.15);
    }
}

#[test]
fn scalable_keeps_its_bound_beyond_initial_capacity() {
    for (n0, n, p) in [
        (10_000u64, 100_000usize, 0.01),
        (1_000, 100_000, 0.01),
        (10_000, 100_000, 0.001),
    ] {
        let mut f = ScalableBloomFilter::with_rate(n0, p).unwrap();
        let (k, e) = keys(51 + n0, 0, n);
        let accepted = f.insert_many(&k, &e, &mut []).unwrap();
        let mut out = vec![0u8; n];
        assert_eq!(f.contains_many(&k, &e, &mut out).unwrap(), n);
        let queries = 400_000;
        let (q, qe) = keys(52 + n0, 1, queries);
        let mut out = vec![0u8; queries];
        let measured = rate(f.contains_many(&q, &qe, &mut out).unwrap(), queries);
        println!(
            "scalable n0={n0} n={n} ({}x) P={p}: stages={} measured {measured:.6}, designed bound {:.6}, estimated {:.6}, bits/key {:.3}, accepted {accepted}",
            n as u64 / n0,
            f.stage_count(),
            f.fp_bound(),
            f.estimated_fp_rate(),
            f.bits() as f64 / n as f64
        );
        assert!(f.fp_bound() < p);
        assert!(measured <= p, "measured {measured} over the bound {p}");
    }
}
