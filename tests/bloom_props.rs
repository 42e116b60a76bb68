//! Property tests: no false negatives for every variant, batch = one by one,
//! round trips, and a proptest-driven fuzz corpus for `from_bytes`.
//!
//! Seeds and case counts are fixed so CI is fast and replayable.
//! `QUORUMKIT_LONG=1` raises the fuzz run to 200 000 cases per target
//! (`QUORUMKIT_LONG=1 cargo test --release --test bloom_props`).

use proptest::prelude::*;
use proptest::test_runner::Config;
use quorumkit::bloom::{
    BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter,
};

mod bloom_common;
use bloom_common::{config, key_set, long_mode, pack};

fn fuzz_config(seed: u64) -> Config {
    config(if long_mode() { 200_000 } else { 2_000 }, seed)
}

proptest! {
    #![proptest_config(config(64, 1))]

    #[test]
    fn classic_has_no_false_negatives(keys in key_set(), bits in 1u64..5000, hashes in 1u32..20) {
        let mut f = BloomFilter::new(bits, hashes).unwrap();
        for k in &keys {
            f.insert(k);
        }
        for k in &keys {
            prop_assert!(f.contains(k));
        }
        prop_assert_eq!(BloomFilter::from_bytes(&f.to_bytes()).unwrap(), f);
    }

    #[test]
    fn counting_has_no_false_negatives_even_after_removals(
        keys in key_set(), bits in 1u64..3000, hashes in 1u32..12, cut in 0usize..200,
    ) {
        let mut f = CountingBloomFilter::new(bits, hashes).unwrap();
        for k in &keys {
            f.insert(k);
        }
        for k in &keys {
            prop_assert!(f.contains(k));
        }
        // Remove one insertion of each of the first `cut` keys; every key with
        // insertions left must still be present.
        let cut = cut.min(keys.len());
        for k in &keys[..cut] {
            prop_assert!(f.remove(k));
        }
        for (i, k) in keys.iter().enumerate().skip(cut) {
            prop_assert!(f.contains(k), "key {} lost", i);
        }
        prop_assert_eq!(CountingBloomFilter::from_bytes(&f.to_bytes()).unwrap(), f);
    }

    #[test]
    fn scalable_has_no_false_negatives(keys in key_set(), n0 in 1u64..50, growth in 1.0f64..4.0, r in 0.3f64..0.95) {
        let mut f = ScalableBloomFilter::with_options(n0, 0.01, growth, r).unwrap();
        for k in &keys {
            f.insert(k).unwrap();
        }
        for k in &keys {
            prop_assert!(f.contains(k));
        }
        prop_assert!(f.fp_bound() < 0.01);
        prop_assert_eq!(ScalableBloomFilter::from_bytes(&f.to_bytes()).unwrap(), f);
    }

    #[test]
    fn split_block_has_no_false_negatives(keys in key_set(), blocks in 1u64..40) {
        let mut f = SplitBlockBloomFilter::new(blocks * 256).unwrap();
        for k in &keys {
            f.insert(k);
        }
        for k in &keys {
            prop_assert!(f.contains(k));
        }
        prop_assert_eq!(SplitBlockBloomFilter::from_bytes(&f.to_bytes()).unwrap(), f);
    }

    #[test]
    fn batches_match_single_calls(keys in key_set(), probes in key_set()) {
        let (buf, ends) = pack(&keys);
        let (pbuf, pends) = pack(&probes);
        let mut one = BloomFilter::with_rate(100, 0.05).unwrap();
        let mut many = one.clone();
        let mut out = vec![0u8; keys.len()];
        many.insert_many(&buf, &ends, &mut out).unwrap();
        for (k, o) in keys.iter().zip(&out) {
            prop_assert_eq!(one.insert(k), *o == 1);
        }
        prop_assert_eq!(&one, &many);
        let mut out = vec![0u8; probes.len()];
        many.contains_many(&pbuf, &pends, &mut out).unwrap();
        for (k, o) in probes.iter().zip(&out) {
            prop_assert_eq!(one.contains(k), *o == 1);
        }

        let mut sb_one = SplitBlockBloomFilter::new(1024).unwrap();
        let mut sb_many = sb_one.clone();
        sb_many.insert_many(&buf, &ends, &mut []).unwrap();
        for k in &keys {
            sb_one.insert(k);
        }
        prop_assert_eq!(sb_one, sb_many);

        let mut c = CountingBloomFilter::with_rate(100, 0.05).unwrap();
        c.insert_many(&buf, &ends, &mut []).unwrap();
        let mut s = ScalableBloomFilter::with_rate(10, 0.05).unwrap();
        s.insert_many(&buf, &ends, &mut []).unwrap();
        let mut out_c = vec![0u8; keys.len()];
        let mut out_s = vec![0u8; keys.len()];
        prop_assert_eq!(c.contains_many(&buf, &ends, &mut out_c).unwrap(), keys.len());
        prop_assert_eq!(s.contains_many(&buf, &ends, &mut out_s).unwrap(), keys.len());
    }

    #[test]
    fn union_and_intersect_keep_members(a in key_set(), b in key_set()) {
        let mut fa = BloomFilter::with_rate(300, 0.01).unwrap();
        let mut fb = fa.clone();
        for k in &a { fa.insert(k); }
        for k in &b { fb.insert(k); }
        let mut u = fa.clone();
        u.union(&fb).unwrap();
        for k in a.iter().chain(&b) {
            prop_assert!(u.contains(k));
        }
        let mut x = fa.clone();
        x.intersect(&fb).unwrap();
        for k in a.iter().filter(|k| b.contains(k)) {
            prop_assert!(x.contains(k));
        }
        prop_assert!(x.count_ones() <= fa.count_ones().min(fb.count_ones()));
    }

    #[test]
    fn positions_are_the_probed_bits(key in prop::collection::vec(any::<u8>(), 0..32), bits in 1u64..100_000, hashes in 1u32..30) {
        let mut f = BloomFilter::new(bits, hashes).unwrap();
        f.insert(&key);
        let words = f.words();
        for p in f.positions(&key) {
            prop_assert!(u64::from(p) < bits);
            prop_assert_eq!(words[p as usize / 64] >> (p % 64) & 1, 1);
        }
        let s = SplitBlockBloomFilter::new(256 * (1 + bits % 50)).unwrap();
        let mut s2 = s.clone();
        s2.insert(&key);
        for p in s.positions(&key) {
            prop_assert_eq!(s2.words()[p as usize / 32] >> (p % 32) & 1, 1);
        }
    }
}

/// Runs every decoder on `bytes`; none may panic, and what one accepts must
/// re-encode to exactly `bytes`. Returns how many accepted.
fn decode_all(bytes: &[u8]) -> usize {
    let encoded = [
        BloomFilter::from_bytes(bytes).map(|f| f.to_bytes()),
        CountingBloomFilter::from_bytes(bytes).map(|f| f.to_bytes()),
        ScalableBloomFilter::from_bytes(bytes).map(|f| f.to_bytes()),
        SplitBlockBloomFilter::from_bytes(bytes).map(|f| f.to_bytes()),
    ];
    let mut accepted = 0;
    for again in encoded.into_iter().flatten() {
        assert_eq!(again, bytes, "a decoded filter re-encodes differently");
        accepted += 1;
    }
    accepted
}

/// A small valid serialization of each kind, as fuzz seeds.
fn seeds() -> Vec<Vec<u8>> {
    let mut c = BloomFilter::new(200, 3).unwrap();
    c.insert(b"a");
    let mut n = CountingBloomFilter::new(40, 2).unwrap();
    n.insert(b"a");
    let mut s = ScalableBloomFilter::with_rate(2, 0.1).unwrap();
    for k in [&b"a"[..], b"b", b"c", b"d", b"e"] {
        s.insert(k).unwrap();
    }
    let mut b = SplitBlockBloomFilter::new(256).unwrap();
    b.insert(b"a");
    vec![c.to_bytes(), n.to_bytes(), s.to_bytes(), b.to_bytes()]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Set { at: usize, value: u8 },
    Truncate { len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Remove { at: usize, count: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Set { at, value }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..16).prop_map(|(at, count)| Mutation::Remove { at, count }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip { at, mask } => {
            if let Some(b) = bytes.get_mut(at % n) {
                *b ^= mask;
            }
        }
        Mutation::Set { at, value } => {
            if let Some(b) = bytes.get_mut(at % n) {
                *b = *value;
            }
        }
        Mutation::Truncate { len } => bytes.truncate(len % n),
        Mutation::Insert { at, bytes: extra } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, extra.iter().copied());
        }
        Mutation::Remove { at, count } => {
            let at = at % n;
            let end = (at + count).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
    }
}

proptest! {
    #![proptest_config(fuzz_config(2))]

    /// Arbitrary bytes, with and without a valid-looking header.
    #[test]
    fn fuzz_from_bytes_arbitrary(mut bytes in prop::collection::vec(any::<u8>(), 0..256), header in any::<bool>(), kind in 1u8..=4) {
        if header && bytes.len() >= 8 {
            bytes[..8].copy_from_slice(&[b'Q', b'K', b'B', b'F', 1, kind, if kind == 4 { 2 } else { 1 }, 0]);
        }
        // Random bytes essentially never carry a matching CRC-32.
        prop_assert_eq!(decode_all(&bytes), 0);
    }

    /// Valid serializations with one to four mutations: all rejected, unless
    /// the mutations cancelled out.
    #[test]
    fn fuzz_from_bytes_mutated(which in 0usize..4, muts in prop::collection::vec(mutation(), 1..5)) {
        let seed = seeds().swap_remove(which);
        let mut bytes = seed.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let accepted = decode_all(&bytes);
        if bytes == seed {
            prop_assert_eq!(accepted, 1);
        } else {
            prop_assert_eq!(accepted, 0, "accepted mutated bytes {:?}", muts);
        }
    }

    /// Base64 text of any shape never panics the decoders.
    #[test]
    fn fuzz_from_base64(text in "[A-Za-z0-9+/=]{0,120}") {
        prop_assert!(BloomFilter::from_base64(&text).is_err());
        prop_assert!(SplitBlockBloomFilter::from_base64(&text).is_err());
    }
}
