//! The cache-line-blocked filter: measured false-positive rates against the
//! sizing formula's target, no false negatives, batch = one by one, round
//! trips, and every corrupted encoding rejected.
//!
//! Keys are random 8-byte strings from a seeded PCG, tagged with a different
//! first byte so no query was inserted; each rate check prints its
//! measurement (`cargo test --test bloom_blocked -- --nocapture`).

use proptest::prelude::*;
use quorumkit::bloom::{BlockedBloomFilter, BloomError};

mod bloom_common;
use bloom_common::{config, key_set, keys, pack};

/// Fills a filter sized for `n` at `p` and measures its rate on fresh keys.
fn measured_fp(n: usize, p: f64, seed: u64) -> f64 {
    let mut f = BlockedBloomFilter::with_rate(n as u64, p).unwrap();
    let (k, e) = keys(seed, 0, n);
    f.insert_many(&k, &e, &mut []).unwrap();
    let mut out = vec![0u8; n];
    assert_eq!(
        f.contains_many(&k, &e, &mut out).unwrap(),
        n,
        "false negative"
    );
    // Enough queries for about 2 000 expected hits (1 M at most).
    let queries = ((2_000.0 / p) as usize).clamp(100_000, 1_000_000);
    let (q, qe) = keys(seed + 1, 1, queries);
    let mut out = vec![0u8; queries];
    let hits = f.contains_many(&q, &qe, &mut out).unwrap();
    let measured = hits as f64 / queries as f64;
    let rel = (measured - p) / p;
    println!(
        "blocked n={n} p={p}: m={} k={} bits/key={:.3}, formula {:.6}, measured {measured:.6} ({:+.1}%)",
        f.bits(),
        f.hashes(),
        f.bits() as f64 / n as f64,
        BlockedBloomFilter::expected_fp_rate(f.bits(), f.hashes(), n as u64),
        rel * 100.0
    );
    assert!(rel.abs() <= 0.15, "n={n} p={p}: measured {measured}");
    measured
}

#[test]
fn fp_rate_within_15_percent_at_10k() {
    for (i, p) in [0.01, 0.001, 0.05].into_iter().enumerate() {
        measured_fp(10_000, p, 100 + i as u64);
    }
}

#[test]
fn fp_rate_within_15_percent_at_100k() {
    measured_fp(100_000, 0.01, 200);
}

#[test]
fn fp_rate_within_15_percent_at_1m() {
    for (i, p) in [0.01, 0.001, 0.05].into_iter().enumerate() {
        measured_fp(1_000_000, p, 300 + i as u64);
    }
}

#[test]
fn estimated_count_tracks_the_keys() {
    let mut f = BlockedBloomFilter::with_rate(100_000, 0.01).unwrap();
    let (k, e) = keys(7, 0, 100_000);
    f.insert_many(&k, &e, &mut []).unwrap();
    let est = f.estimated_len();
    assert!((est - 100_000.0).abs() < 1_500.0, "estimate {est}");
    let fp = f.estimated_fp_rate();
    assert!((fp - 0.01).abs() < 0.002, "estimated fp {fp}");
}

proptest! {
    #![proptest_config(config(64, 11))]

    #[test]
    fn no_false_negatives_and_round_trips(keys in key_set(), blocks in 1u64..20, hashes in 1u32..=64) {
        let mut f = BlockedBloomFilter::new(blocks * 512, hashes).unwrap();
        for k in &keys {
            f.insert(k);
        }
        for k in &keys {
            prop_assert!(f.contains(k));
        }
        let bytes = f.to_bytes();
        let g = BlockedBloomFilter::from_bytes(&bytes).unwrap();
        prop_assert_eq!(g.to_bytes(), bytes);
        prop_assert_eq!(&g, &f);
        prop_assert_eq!(BlockedBloomFilter::from_base64(&f.to_base64()).unwrap(), f);
    }

    #[test]
    fn batches_answer_as_one_by_one(keys in key_set(), probes in key_set()) {
        let mut one = BlockedBloomFilter::new(2048, 6).unwrap();
        let mut many = one.clone();
        let (buf, ends) = pack(&keys);
        let mut out = vec![0u8; keys.len()];
        let new = many.insert_many(&buf, &ends, &mut out).unwrap();
        let mut want_new = 0;
        for (i, k) in keys.iter().enumerate() {
            let n = one.insert(k);
            want_new += usize::from(n);
            prop_assert_eq!(out[i], u8::from(n));
        }
        prop_assert_eq!(new, want_new);
        prop_assert_eq!(&one, &many);
        let (pbuf, pends) = pack(&probes);
        let mut out = vec![0u8; probes.len()];
        many.contains_many(&pbuf, &pends, &mut out).unwrap();
        for (i, k) in probes.iter().enumerate() {
            prop_assert_eq!(out[i], u8::from(one.contains(k)));
        }
    }

    #[test]
    fn every_corruption_is_rejected(keys in key_set(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut f = BlockedBloomFilter::new(1024, 5).unwrap();
        for k in &keys {
            f.insert(k);
        }
        let bytes = f.to_bytes();
        // Any changed byte: the checksum or a header check catches it.
        let mut bad = bytes.clone();
        let i = at.index(bad.len());
        bad[i] ^= flip;
        prop_assert!(BlockedBloomFilter::from_bytes(&bad).is_err());
        // Any truncation, and any extra byte.
        let cut = at.index(bytes.len());
        prop_assert!(BlockedBloomFilter::from_bytes(&bytes[..cut]).is_err());
        let mut long = bytes.clone();
        long.push(flip);
        prop_assert!(BlockedBloomFilter::from_bytes(&long).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(f) = BlockedBloomFilter::from_bytes(&data) {
            prop_assert_eq!(f.to_bytes(), data);
        }
    }
}

#[test]
fn corrupt_inputs_say_why() {
    let f = BlockedBloomFilter::new(512, 7).unwrap();
    let bytes = f.to_bytes();
    assert!(matches!(
        BlockedBloomFilter::from_bytes(&bytes[..10]),
        Err(BloomError::Truncated { .. })
    ));
    let mut long = bytes.clone();
    long.extend_from_slice(&[0; 8]);
    assert!(matches!(
        BlockedBloomFilter::from_bytes(&long),
        Err(BloomError::Oversized { .. })
    ));
    let mut other = bytes.clone();
    other[5] = 1; // the classic kind
    assert!(matches!(
        BlockedBloomFilter::from_bytes(&other),
        Err(BloomError::WrongKind {
            expected: 5,
            found: 1
        })
    ));
    let classic = quorumkit::bloom::BloomFilter::new(512, 7)
        .unwrap()
        .to_bytes();
    assert!(matches!(
        BlockedBloomFilter::from_bytes(&classic),
        Err(BloomError::WrongKind { .. })
    ));
    let mut version = bytes.clone();
    version[4] = 2;
    assert!(matches!(
        BlockedBloomFilter::from_bytes(&version),
        Err(BloomError::UnsupportedVersion { found: 2 })
    ));
    // Parameters a constructor refuses, with a valid checksum.
    for (m, k) in [(1000u64, 7u32), (0, 7), (512, 0), (512, 65)] {
        let mut b = bytes.clone();
        b[8..16].copy_from_slice(&m.to_le_bytes());
        b[16..20].copy_from_slice(&k.to_le_bytes());
        let n = b.len();
        let crc = quorumkit::hash::crc32(&b[..n - 4]);
        b[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert!(BlockedBloomFilter::from_bytes(&b).is_err(), "m={m} k={k}");
    }
    assert!(matches!(
        BlockedBloomFilter::from_base64("QKBF"),
        Err(BloomError::Base64(_)) | Err(BloomError::Truncated { .. }) | Err(BloomError::BadMagic)
    ));
}
