//! The byte format: round trips, every truncation, every bit flip, and the
//! native fixtures the JavaScript side loads.
//!
//! The fixtures in `tests/testdata/bloom/` are written by this crate:
//! `native_v1.bin` is a [`BloomFilter`] of `withRate(1000, 0.01)` holding the
//! keys of `native_v1_keys.txt` (one UTF-8 key per line), and
//! `native_v1_probes.txt` lists other keys with the answer (`0` or `1`,
//! tab-separated) that filter must give, false positives included. The other
//! `*_v1.bin` files hold the same keys in the other variants. Set
//! `QUORUMKIT_BLESS=1` to rewrite them after an intended format change (which
//! must also bump the format version).

use std::path::PathBuf;

use quorumkit::bloom::{
    BloomError, BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter,
};

fn fixture_keys() -> Vec<String> {
    (0..1000).map(|i| format!("user:{i}")).collect()
}

fn probe_keys() -> Vec<String> {
    (0..500).map(|i| format!("guest:{i}")).collect()
}

fn classic() -> BloomFilter {
    let mut f = BloomFilter::with_rate(1000, 0.01).unwrap();
    for k in fixture_keys() {
        f.insert(k.as_bytes());
    }
    f
}

fn counting() -> CountingBloomFilter {
    let mut f = CountingBloomFilter::with_rate(1000, 0.01).unwrap();
    for k in fixture_keys() {
        f.insert(k.as_bytes());
    }
    f
}

fn scalable() -> ScalableBloomFilter {
    let mut f = ScalableBloomFilter::with_rate(200, 0.01).unwrap();
    for k in fixture_keys() {
        f.insert(k.as_bytes()).unwrap();
    }
    f
}

fn split_block() -> SplitBlockBloomFilter {
    let mut f = SplitBlockBloomFilter::with_rate(1000, 0.01).unwrap();
    for k in fixture_keys() {
        f.insert(k.as_bytes());
    }
    f
}

type Decoder = fn(&[u8]) -> Result<(), BloomError>;

/// Each variant's serialization and a decoder that discards the result.
fn all_serializations() -> Vec<(&'static str, Vec<u8>, Decoder)> {
    let small_scalable = {
        let mut f = ScalableBloomFilter::with_rate(3, 0.05).unwrap();
        for i in 0..10u32 {
            f.insert(&i.to_le_bytes()).unwrap();
        }
        f
    };
    let mut small_classic = BloomFilter::new(300, 3).unwrap();
    small_classic.insert(b"a");
    let mut small_counting = CountingBloomFilter::new(50, 3).unwrap();
    small_counting.insert(b"a");
    let mut small_sbbf = SplitBlockBloomFilter::new(512).unwrap();
    small_sbbf.insert(b"a");
    vec![
        ("classic", small_classic.to_bytes(), |b| {
            BloomFilter::from_bytes(b).map(drop)
        }),
        ("counting", small_counting.to_bytes(), |b| {
            CountingBloomFilter::from_bytes(b).map(drop)
        }),
        ("scalable", small_scalable.to_bytes(), |b| {
            ScalableBloomFilter::from_bytes(b).map(drop)
        }),
        ("split-block", small_sbbf.to_bytes(), |b| {
            SplitBlockBloomFilter::from_bytes(b).map(drop)
        }),
    ]
}

#[test]
fn round_trips_through_bytes_and_base64() {
    let c = classic();
    assert_eq!(BloomFilter::from_bytes(&c.to_bytes()).unwrap(), c);
    assert_eq!(BloomFilter::from_base64(&c.to_base64()).unwrap(), c);
    let n = counting();
    assert_eq!(CountingBloomFilter::from_bytes(&n.to_bytes()).unwrap(), n);
    assert_eq!(CountingBloomFilter::from_base64(&n.to_base64()).unwrap(), n);
    let s = scalable();
    assert!(s.stage_count() >= 3);
    assert_eq!(ScalableBloomFilter::from_bytes(&s.to_bytes()).unwrap(), s);
    assert_eq!(ScalableBloomFilter::from_base64(&s.to_base64()).unwrap(), s);
    let b = split_block();
    assert_eq!(SplitBlockBloomFilter::from_bytes(&b.to_bytes()).unwrap(), b);
    assert_eq!(
        SplitBlockBloomFilter::from_base64(&b.to_base64()).unwrap(),
        b
    );
    // A loaded filter keeps working: estimates and inserts carry on.
    let mut loaded = BloomFilter::from_bytes(&c.to_bytes()).unwrap();
    assert_eq!(loaded.count_ones(), c.count_ones());
    assert!(loaded.insert(b"brand new key") || loaded.contains(b"brand new key"));
}

#[test]
fn every_truncation_is_rejected() {
    for (name, bytes, decode) in all_serializations() {
        assert!(decode(&bytes).is_ok(), "{name}");
        for len in 0..bytes.len() {
            let err = decode(&bytes[..len]).expect_err(name);
            assert!(
                matches!(err, BloomError::Truncated { got, .. } if got == len)
                    || (len < 4 && !b"QKBF".starts_with(&bytes[..len])),
                "{name} truncated to {len}: {err}"
            );
        }
    }
}

#[test]
fn every_extension_is_rejected() {
    for (name, bytes, decode) in all_serializations() {
        for extra in [1usize, 4, 8, 1000] {
            let mut long = bytes.clone();
            long.extend(std::iter::repeat_n(0u8, extra));
            let err = decode(&long).expect_err(name);
            assert!(
                matches!(err, BloomError::Oversized { .. }),
                "{name} + {extra}: {err}"
            );
        }
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    for (name, bytes, decode) in all_serializations() {
        for i in 0..bytes.len() * 8 {
            let mut bad = bytes.clone();
            bad[i / 8] ^= 1 << (i % 8);
            let err = decode(&bad).expect_err(name);
            // Every error renders a message.
            assert!(!err.to_string().is_empty());
        }
    }
}

#[test]
fn header_errors_are_specific() {
    let bytes = classic().to_bytes();
    let mut v = bytes.clone();
    v[4] = 2;
    assert_eq!(
        BloomFilter::from_bytes(&v),
        Err(BloomError::UnsupportedVersion { found: 2 })
    );
    assert!(BloomFilter::from_bytes(&v)
        .unwrap_err()
        .to_string()
        .contains("version 2"));
    let mut v = bytes.clone();
    v[0] = b'X';
    assert_eq!(BloomFilter::from_bytes(&v), Err(BloomError::BadMagic));
    assert!(matches!(
        CountingBloomFilter::from_bytes(&bytes),
        Err(BloomError::WrongKind {
            expected: 2,
            found: 1
        })
    ));
    assert!(matches!(
        SplitBlockBloomFilter::from_bytes(&bytes),
        Err(BloomError::WrongKind { .. })
    ));
    let mut v = bytes.clone();
    let last = v.len() - 1;
    v[last] ^= 0xff;
    assert!(matches!(
        BloomFilter::from_bytes(&v),
        Err(BloomError::Checksum { .. })
    ));
    assert!(matches!(
        BloomFilter::from_base64("QKBF!!"),
        Err(BloomError::Base64(_))
    ));
}

#[test]
fn huge_size_fields_do_not_allocate() {
    // A header announcing MAX_BITS bits, with no payload: rejected as
    // truncated before anything is allocated.
    let mut v = BloomFilter::new(64, 3).unwrap().to_bytes();
    v[8..16].copy_from_slice(&(1u64 << 32).to_le_bytes());
    assert!(matches!(
        BloomFilter::from_bytes(&v),
        Err(BloomError::Truncated { .. })
    ));
    v[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        BloomFilter::from_bytes(&v),
        Err(BloomError::Corrupt(_))
    ));
    let mut s = ScalableBloomFilter::with_rate(10, 0.01).unwrap().to_bytes();
    s[40..44].copy_from_slice(&u32::MAX.to_le_bytes()); // stage count
    assert!(matches!(
        ScalableBloomFilter::from_bytes(&s),
        Err(BloomError::Corrupt(_))
    ));
}

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/bloom")
        .join(name)
}

/// Compares `bytes` with a committed fixture, or rewrites it when blessing.
fn check_fixture(name: &str, bytes: &[u8]) {
    let path = testdata(name);
    if std::env::var("QUORUMKIT_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, bytes).unwrap();
    }
    let stored = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(stored == bytes, "{name} differs from the bytes written now");
}

#[test]
fn native_fixtures_are_stable() {
    let keys = fixture_keys();
    let mut key_list = keys.join("\n");
    key_list.push('\n');
    check_fixture("native_v1_keys.txt", key_list.as_bytes());

    let c = classic();
    let mut probes = String::new();
    let mut false_positives = 0;
    for k in probe_keys() {
        let hit = c.contains(k.as_bytes());
        false_positives += usize::from(hit);
        probes.push_str(&format!("{k}\t{}\n", u8::from(hit)));
    }
    // The probe list exercises false positives too (about 1% of 500).
    assert!((1..=20).contains(&false_positives), "{false_positives}");
    check_fixture("native_v1_probes.txt", probes.as_bytes());
    check_fixture("native_v1.bin", &c.to_bytes());
    check_fixture("counting_v1.bin", &counting().to_bytes());
    check_fixture("scalable_v1.bin", &scalable().to_bytes());
    check_fixture("split_block_v1.bin", &split_block().to_bytes());
}

#[test]
fn native_fixture_loads_and_answers() {
    let bytes = std::fs::read(testdata("native_v1.bin")).unwrap();
    let f = BloomFilter::from_bytes(&bytes).unwrap();
    assert_eq!((f.bits(), f.hashes()), (9586, 7));
    let keys = std::fs::read_to_string(testdata("native_v1_keys.txt")).unwrap();
    for k in keys.lines() {
        assert!(f.contains(k.as_bytes()), "{k}");
    }
    let probes = std::fs::read_to_string(testdata("native_v1_probes.txt")).unwrap();
    for line in probes.lines() {
        let (k, want) = line.split_once('\t').unwrap();
        assert_eq!(f.contains(k.as_bytes()), want == "1", "{k}");
    }
    for (name, decode) in [
        (
            "counting_v1.bin",
            (|b| CountingBloomFilter::from_bytes(b).map(drop)) as Decoder,
        ),
        ("scalable_v1.bin", |b| {
            ScalableBloomFilter::from_bytes(b).map(drop)
        }),
        ("split_block_v1.bin", |b| {
            SplitBlockBloomFilter::from_bytes(b).map(drop)
        }),
    ] {
        decode(&std::fs::read(testdata(name)).unwrap()).unwrap();
    }
}

/// Rewrites the trailing CRC-32 after an edit, so the edit itself is judged.
fn fix_crc(bytes: &mut [u8]) {
    let n = bytes.len();
    let crc = quorumkit::hash::crc32(&bytes[..n - 4]);
    bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn corrupt_reason(r: Result<ScalableBloomFilter, BloomError>) -> String {
    match r {
        Err(BloomError::Corrupt(why)) => why,
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn scalable_initial_capacity_is_capped_like_the_constructor() {
    use quorumkit::bloom::MAX_ITEMS;
    // Only a bound close to 1 sizes 2^53 - 1 keys in a first stage.
    let (p, r) = (1.0 - 1e-12, 1e-12);
    for n0 in [MAX_ITEMS - 1, MAX_ITEMS] {
        let f = ScalableBloomFilter::with_options(n0, p, 2.0, r).unwrap();
        let bytes = f.to_bytes();
        let g = ScalableBloomFilter::from_bytes(&bytes).unwrap();
        assert_eq!(g.initial_capacity(), n0);
        assert_eq!(g.to_bytes(), bytes);
    }
    let e = ScalableBloomFilter::with_options(MAX_ITEMS + 1, p, 2.0, r).unwrap_err();
    assert_eq!(e.param, "expectedItems");
    let mut b = ScalableBloomFilter::with_options(MAX_ITEMS, p, 2.0, r)
        .unwrap()
        .to_bytes();
    for n0 in [MAX_ITEMS + 1, u64::MAX] {
        put_u64(&mut b, 8, n0);
        put_u64(&mut b, 48, n0);
        fix_crc(&mut b);
        assert_eq!(
            corrupt_reason(ScalableBloomFilter::from_bytes(&b)),
            format!(
                "invalid parameter: expectedItems must be an integer in 1..=9007199254740991, got {n0}"
            )
        );
    }
}

/// Offsets of each stage's record (capacity, items, then its filter block)
/// in a scalable filter's serialization.
fn stage_offsets(bytes: &[u8]) -> Vec<usize> {
    let count = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
    let mut at = 48;
    let mut out = Vec::new();
    for _ in 0..count {
        out.push(at);
        let bits = u64::from_le_bytes(bytes[at + 16..at + 24].try_into().unwrap());
        at += 32 + 8 * bits.div_ceil(64) as usize;
    }
    out
}

#[test]
fn scalable_stage_capacities_must_follow_the_options() {
    // 92 bytes whose first stage claims capacity 1 under an initial capacity
    // of 2^28: the next add() would have allocated a 2^28-key stage (467 MiB).
    let bomb = "UUtCRgEDAQAAAAAQAAAAAHsUrkfheoQ/AAAAAAAA8D/NzMzMzMzsPwEAAAAAAAAAAQAAAAAAAAABAAAAAAAAAEAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAMWuct0=";
    let why = corrupt_reason(ScalableBloomFilter::from_base64(bomb));
    assert_eq!(
        why,
        "stage 0 has capacity 1, but the options give 268435456"
    );

    let mut f = ScalableBloomFilter::with_options(3, 0.05, 2.0, 0.9).unwrap();
    for i in 0..40u32 {
        f.insert(&i.to_le_bytes()).unwrap();
    }
    assert!(f.stage_count() >= 3);
    let good = f.to_bytes();
    let stages = stage_offsets(&good);
    for (i, &at) in stages.iter().enumerate() {
        let cap = f.stage_capacity(i).unwrap();
        for wrong in [cap - 1, cap + 1, cap * 2, u64::MAX] {
            let mut b = good.clone();
            put_u64(&mut b, at, wrong);
            fix_crc(&mut b);
            let why = corrupt_reason(ScalableBloomFilter::from_bytes(&b));
            assert!(
                why.starts_with(&format!("stage {i} has capacity {wrong}")),
                "{why}"
            );
        }
        // One probe more or less than the options give.
        let k = f.stage(i).unwrap().hashes();
        let mut b = good.clone();
        b[at + 24..at + 28].copy_from_slice(&(k + 1).to_le_bytes());
        fix_crc(&mut b);
        let why = corrupt_reason(ScalableBloomFilter::from_bytes(&b));
        assert!(why.contains("hashes, but the options give"), "{why}");
    }
    // Another initial capacity makes every recorded capacity wrong.
    let mut b = good.clone();
    put_u64(&mut b, 8, 4);
    fix_crc(&mut b);
    assert!(
        corrupt_reason(ScalableBloomFilter::from_bytes(&b)).starts_with("stage 0 has capacity 3")
    );
}

#[test]
fn scalable_stages_claim_no_more_items_than_set_bits() {
    // Each accepted key sets at least one bit of the newest stage, so a stage
    // with more items than set bits was not written by this crate.
    let mut f = ScalableBloomFilter::with_rate(1000, 0.01).unwrap();
    f.insert(b"only").unwrap();
    let ones = f.stage(0).unwrap().count_ones();
    let mut b = f.to_bytes();
    for items in [ones, ones + 1, 1000] {
        put_u64(&mut b, 56, items);
        fix_crc(&mut b);
        let r = ScalableBloomFilter::from_bytes(&b);
        if items <= ones {
            assert_eq!(r.unwrap().stage_len(0), Some(items));
        } else {
            let why = corrupt_reason(r);
            assert!(
                why.starts_with(&format!("stage 0 claims {items} items")),
                "{why}"
            );
        }
    }
}

#[test]
fn decoded_filters_reencode_to_the_loaded_bytes() {
    for (name, bytes, _) in all_serializations() {
        let again = match name {
            "classic" => BloomFilter::from_bytes(&bytes).unwrap().to_bytes(),
            "counting" => CountingBloomFilter::from_bytes(&bytes).unwrap().to_bytes(),
            "scalable" => ScalableBloomFilter::from_bytes(&bytes).unwrap().to_bytes(),
            _ => SplitBlockBloomFilter::from_bytes(&bytes)
                .unwrap()
                .to_bytes(),
        };
        assert_eq!(again, bytes, "{name}");
    }
}

#[test]
fn base64_with_stray_low_bits_is_rejected() {
    // Sizes whose serializations end in "=" and in "==". A last data
    // character with its unused low bits set decodes to the same bytes under
    // a lax decoder, so it must be refused for to_base64 to give back the text.
    let texts = [
        BloomFilter::new(128, 3).unwrap().to_base64(),
        BloomFilter::new(192, 3).unwrap().to_base64(),
        CountingBloomFilter::new(32, 3).unwrap().to_base64(),
        CountingBloomFilter::new(48, 3).unwrap().to_base64(),
        ScalableBloomFilter::with_rate(1, 0.01).unwrap().to_base64(),
        ScalableBloomFilter::with_rate(5, 0.01).unwrap().to_base64(),
        SplitBlockBloomFilter::new(512).unwrap().to_base64(),
        SplitBlockBloomFilter::new(768).unwrap().to_base64(),
    ];
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut pads = Vec::new();
    for text in &texts {
        let pad = text.bytes().rev().take_while(|&c| c == b'=').count();
        pads.push(pad);
        let at = text.len() - pad - 1;
        let v = ALPHABET
            .iter()
            .position(|&c| c == text.as_bytes()[at])
            .unwrap();
        let stray = if pad == 2 { 0b1111 } else { 0b11 };
        assert_eq!(v & stray, 0, "canonical text has no stray bits");
        let mut bad = text.clone().into_bytes();
        bad[at] = ALPHABET[v | 1];
        let bad = String::from_utf8(bad).unwrap();
        for r in [
            BloomFilter::from_base64(&bad).map(drop),
            CountingBloomFilter::from_base64(&bad).map(drop),
            ScalableBloomFilter::from_base64(&bad).map(drop),
            SplitBlockBloomFilter::from_base64(&bad).map(drop),
        ] {
            assert!(matches!(r, Err(BloomError::Base64(_))), "{bad}: {r:?}");
        }
    }
    assert_eq!(pads, [1, 2, 1, 2, 1, 2, 1, 2]);
}

#[test]
fn decoded_filters_hold_at_most_the_documented_bytes_per_encoded_byte() {
    use std::mem::size_of;
    // The smallest filters are the worst case: fixed costs weigh most there.
    for bits in [1u64, 64, 65, 1000, 1 << 20] {
        let b = BloomFilter::new(bits, 3).unwrap().to_bytes();
        let f = BloomFilter::from_bytes(&b).unwrap();
        let held = size_of::<BloomFilter>() + 8 * f.words().len();
        assert!(
            held <= 2 * b.len(),
            "classic {bits}: {held} > 2 × {}",
            b.len()
        );
        let b = CountingBloomFilter::new(bits, 3).unwrap().to_bytes();
        let f = CountingBloomFilter::from_bytes(&b).unwrap();
        let held = size_of::<CountingBloomFilter>() + 8 * f.words().len();
        assert!(
            held <= 2 * b.len(),
            "counting {bits}: {held} > 2 × {}",
            b.len()
        );
        let b = SplitBlockBloomFilter::new(bits.next_multiple_of(256))
            .unwrap()
            .to_bytes();
        let f = SplitBlockBloomFilter::from_bytes(&b).unwrap();
        let held = size_of::<SplitBlockBloomFilter>() + 4 * f.words().len();
        assert!(held <= b.len(), "split-block {bits}: {held} > {}", b.len());
    }
    // A stage's bookkeeping is at most 64 bytes (checked where it is defined).
    for (n0, keys) in [(1u64, 0u32), (1, 40), (3, 500), (1000, 5000)] {
        let mut s = ScalableBloomFilter::with_rate(n0, 0.01).unwrap();
        for i in 0..keys {
            s.insert(&i.to_le_bytes()).unwrap();
        }
        let b = s.to_bytes();
        let f = ScalableBloomFilter::from_bytes(&b).unwrap();
        let stages = f.stage_count();
        let held = size_of::<ScalableBloomFilter>()
            + (0..stages)
                .map(|i| 64 + 8 * f.stage(i).unwrap().words().len())
                .sum::<usize>();
        assert!(
            held <= 2 * b.len(),
            "scalable {n0}/{keys}: {held} > 2 × {}",
            b.len()
        );
    }
}

#[test]
fn a_scalable_stage_added_by_insert_is_bounded_by_the_newest_stage() {
    // from_bytes documents: the stage an insert adds is about 2.1 times the
    // newest stage's bytes at the defaults, and at most 1,640 times its
    // encoded bytes (growth 16, the smallest tightening, a rate near 1 that
    // still gives every key a bit).
    for n0 in [1u64, 1000, 50_000] {
        for (p, s, r) in [(0.01, 2.0, 0.9), (0.6, 16.0, 2e-19), (0.01, 16.0, 1.1e-17)] {
            let mut f = ScalableBloomFilter::with_options(n0, p, s, r).unwrap();
            let mut i = 0u64;
            while f.stage_count() == 1 {
                f.insert(&i.to_le_bytes()).unwrap();
                i += 1;
                assert!(i < 50 * n0 + 1000, "stage 0 never filled");
            }
            let enc0 = 32 + 8 * f.stage(0).unwrap().words().len();
            let new = 8 * f.stage(1).unwrap().words().len();
            let ratio = new as f64 / enc0 as f64;
            assert!(ratio <= 1640.0, "n0 {n0}, p {p}, s {s}, r {r}: {ratio}");
            if (s, r) == (2.0, 0.9) {
                let bytes0 = 8 * f.stage(0).unwrap().words().len();
                assert!(
                    new as f64 <= 2.2 * bytes0 as f64 + 16.0,
                    "defaults: {new} vs {bytes0}"
                );
            }
        }
    }
}
