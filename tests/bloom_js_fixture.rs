//! Bytes written by JavaScript load natively.
//!
//! `tests/testdata/bloom/js_*_v1.bin` are written by the JS test
//! (`tests/js/bloom.test.mjs`, rewritten with `QUORUMKIT_BLESS=1`) from the
//! keys of `js_v1_keys.txt`: ASCII keys and, every tenth, a key with
//! two-, three- and four-byte UTF-8 characters. Here each file must decode,
//! contain every key, and equal byte for byte the filter Rust builds from the
//! same keys, so both sides hash, size and serialize identically.

use std::path::PathBuf;

use quorumkit::bloom::{
    BlockedBloomFilter, BloomFilter, CountingBloomFilter, ScalableBloomFilter,
    SplitBlockBloomFilter,
};

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/bloom")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(testdata(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn keys() -> Vec<String> {
    let text = std::fs::read_to_string(testdata("js_v1_keys.txt")).unwrap();
    let keys: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(keys.len(), 1000);
    assert!(
        keys.iter().any(|k| k.contains('😀')),
        "the keys include non-ASCII"
    );
    keys
}

#[test]
fn js_classic_filter_loads_and_matches() {
    let bytes = read("js_v1.bin");
    let f = BloomFilter::from_bytes(&bytes).unwrap();
    assert_eq!((f.bits(), f.hashes()), (9586, 7));
    let mut native = BloomFilter::with_rate(1000, 0.01).unwrap();
    for k in keys() {
        assert!(f.contains(k.as_bytes()), "{k}");
        native.insert(k.as_bytes());
    }
    assert_eq!(native.to_bytes(), bytes);
    // Probes outside the set answer as the native filter does.
    for i in 0..500 {
        let k = format!("guest:{i}");
        assert_eq!(f.contains(k.as_bytes()), native.contains(k.as_bytes()));
    }
}

#[test]
fn js_counting_filter_loads_and_matches() {
    let bytes = read("js_counting_v1.bin");
    let f = CountingBloomFilter::from_bytes(&bytes).unwrap();
    let mut native = CountingBloomFilter::with_rate(1000, 0.01).unwrap();
    for k in keys() {
        assert!(f.contains(k.as_bytes()), "{k}");
        native.insert(k.as_bytes());
    }
    assert_eq!(native.to_bytes(), bytes);
}

#[test]
fn js_scalable_filter_loads_and_matches() {
    let bytes = read("js_scalable_v1.bin");
    let f = ScalableBloomFilter::from_bytes(&bytes).unwrap();
    assert!(f.stage_count() >= 3);
    let mut native = ScalableBloomFilter::with_rate(200, 0.01).unwrap();
    for k in keys() {
        assert!(f.contains(k.as_bytes()), "{k}");
        native.insert(k.as_bytes()).unwrap();
    }
    assert_eq!(native.to_bytes(), bytes);
}

#[test]
fn js_split_block_filter_loads_and_matches() {
    let bytes = read("js_split_block_v1.bin");
    let f = SplitBlockBloomFilter::from_bytes(&bytes).unwrap();
    let mut native = SplitBlockBloomFilter::with_rate(1000, 0.01).unwrap();
    for k in keys() {
        assert!(f.contains(k.as_bytes()), "{k}");
        native.insert(k.as_bytes());
    }
    assert_eq!(native.to_bytes(), bytes);
}

/// The wasm module's blocked filter (its per-key and batch paths: the JS test
/// adds half the keys each way) sets exactly the bits the native one does.
#[test]
fn js_blocked_filter_loads_and_matches() {
    let bytes = read("js_blocked_v1.bin");
    let f = BlockedBloomFilter::from_bytes(&bytes).unwrap();
    assert_eq!((f.bits(), f.hashes()), (10_240, 7));
    let mut native = BlockedBloomFilter::with_rate(1000, 0.01).unwrap();
    for k in keys() {
        assert!(f.contains(k.as_bytes()), "{k}");
        native.insert(k.as_bytes());
    }
    assert_eq!(native.to_bytes(), bytes);
    for i in 0..500 {
        let k = format!("guest:{i}");
        assert_eq!(f.contains(k.as_bytes()), native.contains(k.as_bytes()));
    }
}
