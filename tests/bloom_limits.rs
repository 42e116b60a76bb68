//! Both ends of every numeric range of the Bloom filters, at max − 1, max and
//! max + 1 (for floats, the neighbouring representable values): sizes,
//! probes, expected items, false-positive rates, growth, tightening and the
//! scalable filter's stage count, through the constructors and through the
//! decoders (a header announcing a size with no payload behind it is
//! `Truncated` when the size is valid and `Corrupt` when it is not, so the
//! decoders' ranges are checked without allocating).

use quorumkit::bloom::{
    BloomError, BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter,
    MAX_BITS, MAX_HASHES, MAX_ITEMS, MAX_STAGES, MIN_FP_RATE,
};

fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

fn next_down(x: f64) -> f64 {
    f64::from_bits(x.to_bits() - 1)
}

/// A serialization of kind `kind` (hash id `hash`) announcing `m` and `k`,
/// without the payload they need, and with a valid CRC.
fn header_only(kind: u8, hash: u8, m: u64, k: u32) -> Vec<u8> {
    let mut b = b"QKBF".to_vec();
    b.extend_from_slice(&[1, kind, hash, 0]);
    b.extend_from_slice(&m.to_le_bytes());
    b.extend_from_slice(&k.to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    let crc = quorumkit::hash::crc32(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b
}

fn param_of(e: BloomError) -> String {
    match e {
        BloomError::Corrupt(why) => why,
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn classic_and_counting_sizes_and_probes() {
    type Decode = fn(&[u8]) -> Result<(), BloomError>;
    let kinds: [(&str, u8, Decode); 2] = [
        ("bits", 1, |b| BloomFilter::from_bytes(b).map(drop)),
        ("bits", 2, |b| CountingBloomFilter::from_bytes(b).map(drop)),
    ];
    for (param, kind, decode) in kinds {
        for (m, ok) in [(0, false), (1, true), (2, true)].into_iter().chain([
            (MAX_BITS - 1, true),
            (MAX_BITS, true),
            (MAX_BITS + 1, false),
        ]) {
            match decode(&header_only(kind, 1, m, 3)) {
                Err(BloomError::Truncated { .. }) if ok => {}
                Err(e) if !ok => assert!(
                    param_of(e).contains(&format!(
                        "{param} must be an integer in 1..=4294967296, got {m}"
                    )),
                    "kind {kind}, m {m}"
                ),
                r => panic!("kind {kind}, m {m}: {r:?}"),
            }
        }
        for (k, ok) in [
            (0, false),
            (1, true),
            (2, true),
            (MAX_HASHES - 1, true),
            (MAX_HASHES, true),
            (MAX_HASHES + 1, false),
        ] {
            match decode(&header_only(kind, 1, 64, k)) {
                Err(BloomError::Truncated { .. }) if ok => {}
                Err(e) if !ok => {
                    assert!(param_of(e).contains("hashes must be an integer in 1..=64"))
                }
                r => panic!("kind {kind}, k {k}: {r:?}"),
            }
        }
    }
    // The constructors: the same ends (the largest filters are allocated
    // lazily by the system, so they cost no real memory here).
    for bits in [MAX_BITS - 1, MAX_BITS] {
        let f = BloomFilter::new(bits, MAX_HASHES).unwrap();
        assert_eq!((f.bits(), f.words().len() as u64), (bits, MAX_BITS / 64));
    }
    assert_eq!(BloomFilter::new(MAX_BITS + 1, 1).unwrap_err().param, "bits");
    assert_eq!(
        BloomFilter::new(1, MAX_HASHES + 1).unwrap_err().param,
        "hashes"
    );
    assert_eq!(BloomFilter::new(0, 1).unwrap_err().param, "bits");
    assert_eq!(BloomFilter::new(1, 0).unwrap_err().param, "hashes");
    assert_eq!(
        CountingBloomFilter::new(MAX_BITS + 1, 1).unwrap_err().param,
        "bits"
    );
    assert_eq!(
        CountingBloomFilter::new(1, MAX_HASHES + 1)
            .unwrap_err()
            .param,
        "hashes"
    );
    assert_eq!(
        CountingBloomFilter::new(1, MAX_HASHES).unwrap().counters(),
        1
    );
}

#[test]
fn split_block_sizes() {
    for (m, ok) in [
        (0, false),
        (255, false),
        (256, true),
        (257, false),
        (MAX_BITS - 256, true),
        (MAX_BITS - 1, false),
        (MAX_BITS, true),
        (MAX_BITS + 256, false),
    ] {
        match SplitBlockBloomFilter::from_bytes(&header_only(4, 2, m, 8)) {
            Err(BloomError::Truncated { .. }) if ok => {}
            Err(e) if !ok => assert!(param_of(e).contains(&format!(
                "bits must be a positive multiple of 256, at most 4294967296, got {m}"
            ))),
            r => panic!("m {m}: {r:?}"),
        }
        assert_eq!(SplitBlockBloomFilter::new(m).is_ok(), ok, "m {m}");
    }
    for k in [7, 9] {
        let e = SplitBlockBloomFilter::from_bytes(&header_only(4, 2, 256, k)).unwrap_err();
        assert!(param_of(e).contains("use 8 hashes"));
    }
}

/// The largest `n` that `optimal(n)` accepts, by bisection (it is monotone).
fn largest_ok(optimal: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (1u64, MAX_ITEMS);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if optimal(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[test]
fn expected_items() {
    // The cap, 2^53 - 1: at a rate close to 1 it is the binding limit.
    let p = 0.999_999_999;
    for (n, ok) in [
        (0, false),
        (1, true),
        (2, true),
        (MAX_ITEMS - 1, true),
        (MAX_ITEMS, true),
        (MAX_ITEMS + 1, false),
    ] {
        let r = BloomFilter::optimal_params(n, p);
        assert_eq!(r.is_ok(), ok, "n {n}");
        if let Err(e) = r {
            assert_eq!(
                e.to_string(),
                format!("expectedItems must be an integer in 1..=9007199254740991, got {n}")
            );
        }
    }
    // The split-block filter cannot hold that many keys in MAX_BITS at any
    // rate, so past the cap it names the cap, and at the cap the bits.
    let e = SplitBlockBloomFilter::optimal_bits(MAX_ITEMS + 1, p).unwrap_err();
    assert!(e.to_string().contains("1..=9007199254740991"), "{e}");
    let e = SplitBlockBloomFilter::optimal_bits(MAX_ITEMS, p).unwrap_err();
    assert!(
        e.to_string().contains("small enough for 4294967296 bits"),
        "{e}"
    );
    // At 1%, MAX_BITS binds first: the last n that fits, and the one after.
    let classic = largest_ok(|n| BloomFilter::optimal_params(n, 0.01).is_ok());
    assert!(BloomFilter::optimal_params(classic - 1, 0.01).is_ok());
    assert!(BloomFilter::optimal_params(classic, 0.01).unwrap().0 <= MAX_BITS);
    let e = BloomFilter::optimal_params(classic + 1, 0.01).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("expectedItems must be small enough for 4294967296 bits"),
        "{e}"
    );
    let sbbf = largest_ok(|n| SplitBlockBloomFilter::optimal_bits(n, 0.01).is_ok());
    assert!(SplitBlockBloomFilter::optimal_bits(sbbf - 1, 0.01).is_ok());
    assert!(SplitBlockBloomFilter::optimal_bits(sbbf, 0.01).unwrap() <= MAX_BITS);
    assert_eq!(
        SplitBlockBloomFilter::optimal_bits(sbbf + 1, 0.01)
            .unwrap_err()
            .param,
        "expectedItems"
    );
}

#[test]
fn false_positive_rates() {
    for (p, ok) in [
        (next_down(MIN_FP_RATE), false),
        (MIN_FP_RATE, true),
        (next_up(MIN_FP_RATE), true),
        (next_down(1.0), true),
        (1.0, false),
        (next_up(1.0), false),
        (0.0, false),
        (f64::NAN, false),
    ] {
        assert_eq!(BloomFilter::optimal_params(1, p).is_ok(), ok, "p {p:e}");
        assert_eq!(
            SplitBlockBloomFilter::optimal_bits(1, p).is_ok(),
            ok,
            "p {p:e}"
        );
        if !ok {
            assert_eq!(
                BloomFilter::optimal_params(1, p).unwrap_err().param,
                "fpRate"
            );
        }
    }
    // A scalable filter's first stage needs fpRate · (1 - tightening) >= 1e-19.
    let first = |p: f64| ScalableBloomFilter::with_options(1, p, 2.0, 0.9).is_ok();
    // Bisect on the bits (monotone for positive floats) for the smallest accepted.
    let (mut bad, mut good) = (MIN_FP_RATE.to_bits(), 1e-17f64.to_bits());
    assert!(!first(f64::from_bits(bad)) && first(f64::from_bits(good)));
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if first(f64::from_bits(mid)) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    let lo = f64::from_bits(good);
    assert!(!first(next_down(lo)) && first(lo) && first(next_up(lo)));
    assert!(lo * (1.0 - 0.9) >= MIN_FP_RATE && next_down(lo) * (1.0 - 0.9) < MIN_FP_RATE);
    let e = ScalableBloomFilter::with_options(1, next_down(lo), 2.0, 0.9).unwrap_err();
    assert_eq!(e.param, "fpRate");
    assert!(ScalableBloomFilter::with_options(1, next_down(1.0), 2.0, 0.9).is_ok());
    assert_eq!(
        ScalableBloomFilter::with_options(1, 1.0, 2.0, 0.9)
            .unwrap_err()
            .param,
        "fpRate"
    );
}

#[test]
fn growth_and_tightening() {
    let make = |s, r| ScalableBloomFilter::with_options(10, 0.01, s, r);
    for (s, ok) in [
        (next_down(1.0), false),
        (1.0, true),
        (next_up(1.0), true),
        (next_down(16.0), true),
        (16.0, true),
        (next_up(16.0), false),
    ] {
        assert_eq!(make(s, 0.9).is_ok(), ok, "growth {s}");
        if !ok {
            assert_eq!(
                make(s, 0.9).unwrap_err().to_string(),
                format!("growth must be a number in [1, 16], got {s}")
            );
        }
    }
    for (r, ok) in [
        (0.0, false),
        (next_up(0.0), true),
        (next_down(1.0), true),
        (1.0, false),
        (next_up(1.0), false),
    ] {
        assert_eq!(make(2.0, r).is_ok(), ok, "tightening {r:e}");
        if !ok {
            assert_eq!(make(2.0, r).unwrap_err().param, "tightening");
        }
    }
    // The decoder applies the same ranges: edit the options of valid bytes.
    let good = make(16.0, 0.9).unwrap().to_bytes();
    for (at, v, param) in [
        (24, next_up(16.0), "growth"),
        (24, next_down(1.0), "growth"),
        (32, 1.0, "tightening"),
        (32, 0.0, "tightening"),
    ] {
        let mut b = good.clone();
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        let n = b.len();
        let crc = quorumkit::hash::crc32(&b[..n - 4]);
        b[n - 4..].copy_from_slice(&crc.to_le_bytes());
        let why = param_of(ScalableBloomFilter::from_bytes(&b).unwrap_err());
        assert!(
            why.starts_with(&format!("invalid parameter: {param} must be")),
            "{why}"
        );
    }
}

#[test]
fn scalable_stage_count() {
    // Capacity 1 per stage and a mild tightening reach MAX_STAGES quickly.
    let mut f = ScalableBloomFilter::with_options(1, 0.5, 1.0, 0.9).unwrap();
    // The bytes when the filter first holds 63, then 64, full stages.
    let mut snapshots: Vec<Vec<u8>> = Vec::new();
    let mut i = 0u32;
    loop {
        if let Err(e) = f.insert(&i.to_le_bytes()) {
            let full = BloomError::CapacityExceeded {
                stages: MAX_STAGES,
                bits: f.bits(),
            };
            assert_eq!(e, full);
            break;
        }
        i += 1;
        let stages = f.stage_count();
        let newest_full = f.stage_len(stages - 1) == f.stage_capacity(stages - 1);
        if newest_full && stages + 1 >= MAX_STAGES as usize + snapshots.len() {
            snapshots.push(f.to_bytes());
        }
    }
    // 63 and 64 full stages load and re-encode; a 65th stage cannot exist.
    let counts: Vec<usize> = snapshots
        .iter()
        .map(|b| {
            let g = ScalableBloomFilter::from_bytes(b).unwrap();
            assert_eq!(&g.to_bytes(), b);
            g.stage_count()
        })
        .collect();
    assert_eq!(counts, [MAX_STAGES as usize - 1, MAX_STAGES as usize]);
    let mut b = snapshots.pop().unwrap();
    b[40..44].copy_from_slice(&(MAX_STAGES + 1).to_le_bytes());
    let n = b.len();
    let crc = quorumkit::hash::crc32(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        param_of(ScalableBloomFilter::from_bytes(&b).unwrap_err()),
        "stage count 65 is not in 1..=64"
    );
}
