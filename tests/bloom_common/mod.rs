//! Helpers shared by the Bloom filter integration tests (`mod bloom_common;`
//! in each): seeded random keys, packing, and the proptest set-up. Each test
//! file uses some of them.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Whether `QUORUMKIT_LONG=1` asks for the long runs.
pub fn long_mode() -> bool {
    std::env::var("QUORUMKIT_LONG").is_ok_and(|v| v == "1")
}

/// `count` keys `tag ++ 8 random bytes`, packed, with their `ends`.
pub fn keys(seed: u64, tag: u8, count: usize) -> (Vec<u8>, Vec<u32>) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut buf = Vec::with_capacity(count * 9);
    let mut ends = Vec::with_capacity(count);
    for _ in 0..count {
        buf.push(tag);
        buf.extend_from_slice(&rng.next_u64().to_le_bytes());
        ends.push(buf.len() as u32);
    }
    (buf, ends)
}

/// `keys` packed back to back, with their end offsets.
pub fn pack(keys: &[Vec<u8>]) -> (Vec<u8>, Vec<u32>) {
    let mut buf = Vec::new();
    let mut ends = Vec::new();
    for k in keys {
        buf.extend_from_slice(k);
        ends.push(buf.len() as u32);
    }
    (buf, ends)
}

/// A proptest configuration of `cases` cases from a fixed seed, persisting nothing.
pub fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Up to 200 keys of up to 23 arbitrary bytes.
pub fn key_set() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..24), 0..200)
}
