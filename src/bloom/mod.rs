//! Bloom filters with a stable, portable byte format.
//!
//! A Bloom filter answers "is this key in the set?" with either *definitely
//! not* or *possibly*: it never gives a false negative, and gives a false
//! positive with a probability the caller chooses. The main use here is to
//! build a filter on a server (in Rust or in Node) and ship its bytes to
//! browsers, which then answer "definitely not" without a round trip. The
//! hashing and the byte format below are therefore contracts: they never
//! change within a format version.
//!
//! Five filters share one design (keys are byte strings, `&[u8]`; JavaScript
//! strings arrive as their UTF-8 bytes):
//!
//! | type | use | memory |
//! | --- | --- | --- |
//! | [`BloomFilter`] | the classic filter, sized from `n` and `p` | `m` bits |
//! | [`CountingBloomFilter`] | supports [`remove`](CountingBloomFilter::remove) | 4 bits per counter |
//! | [`ScalableBloomFilter`] | unknown `n`, keeps its overall FP bound | grows in stages |
//! | [`SplitBlockBloomFilter`] | one cache line per key; bit-exact with Apache Parquet | `m` bits |
//! | [`BlockedBloomFilter`] | one 512-bit cache line per key, `k` bits in it; sized for its own FP formula | `m` bits |
//!
//! # Sizing
//!
//! For `n` expected items and a target false-positive rate `p`,
//! [`BloomFilter::with_rate`] picks
//!
//! ```text
//! m = ceil(-n · ln p / (ln 2)²)        bits
//! k = max(1, round(m / n · ln 2))      hash probes
//! ```
//!
//! which is within rounding of the optimum; the false-positive rate at `n`
//! items is then `(1 - e^(-k·n/m))^k ≈ p`, at about `1.44 · log2(1/p)` bits
//! per item. The sizes are computed in `f64`; the serialized parameters are
//! authoritative, so a filter loaded from bytes never re-derives them.
//!
//! # Probe positions (format contract, hash id 1)
//!
//! The classic and counting filters derive all `k` probe positions from one
//! 64-bit hash of the key bytes by *enhanced double hashing* (Kirsch and
//! Mitzenmacher, "Less hashing, same performance", 2006; the cubic correction
//! term is Dillinger and Manolios, 2004):
//!
//! ```text
//! h   = XXH3-64(key, seed 0)
//! x_0 = h mod m
//! y_0 = mix64(h) mod m
//! p_i = x_i                          for i = 0 .. k-1
//! x_{i+1} = (x_i + y_i) mod m
//! y_{i+1} = (y_i + i + 1) mod m
//! ```
//!
//! where `mix64` is the SplitMix64 finalizer (wrapping 64-bit arithmetic):
//!
//! ```text
//! z = (h ^ (h >> 30)) · 0xbf58476d1ce4e5b9
//! z = (z ^ (z >> 27)) · 0x94d049bb133111eb
//! mix64(h) = z ^ (z >> 31)
//! ```
//!
//! Equivalently `p_i = x_0 + i·y_0 + (i³ - i)/6  (mod m)`. The second value
//! goes through a non-linear mix because any linear recombination of `h`'s
//! bits (such as swapping its halves) makes `x_0` and `y_0` agree modulo
//! small factors of `m` for some sizes, which correlates the probes and
//! measurably raises the false-positive rate.
//! Positions may repeat for one key. Bit `p` lives in 64-bit word `p / 64` at
//! bit `p % 64` (least significant bit first), so in the little-endian byte
//! serialization it is bit `p % 8` of byte `p / 8`.
//!
//! The split-block filter instead follows the Parquet specification exactly
//! (hash id 2): `h = XXH64(key, seed 0)`, block `((h >> 32) · blocks) >> 32`,
//! and one bit in each of the block's eight 32-bit words chosen by
//! `(low32(h) · SALT[i]) >> 27` (wrapping 32-bit multiply); see
//! [`SplitBlockBloomFilter`].
//!
//! The blocked filter (hash id 3) takes `h = XXH3-64(key, seed 0)`, block
//! `((h >> 32) · blocks) >> 32` of 512 bits, and its `k` bit positions in
//! the block from the successive 9-bit fields of the SplitMix64 stream
//! seeded with `h` (`g_1 = mix64(h + γ)`, `g_{j+1} = mix64(g_j + γ)`, seven
//! fields per step, `γ = 0x9e3779b97f4a7c15`); see [`BlockedBloomFilter`].
//!
//! # Byte format, version 1
//!
//! All integers are little-endian. Every serialization starts with the same
//! 8-byte header and ends with a CRC-32 (IEEE, as in zlib) of every byte
//! before it:
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 4 | magic `"QKBF"` (`51 4B 42 46`) |
//! | 4 | 1 | format version, `1` |
//! | 5 | 1 | kind: `1` classic, `2` counting, `3` scalable, `4` split-block, `5` blocked |
//! | 6 | 1 | hash id: `1` XXH3-64 + enhanced double hashing, `2` XXH64 (Parquet), `3` XXH3-64 + SplitMix64 in a 512-bit block |
//! | 7 | 1 | reserved, `0` |
//! | 8 | … | kind-specific body |
//! | end − 4 | 4 | CRC-32 of bytes `0 .. end − 4` |
//!
//! The classic, counting, split-block and blocked bodies are a *filter block*:
//!
//! | size | field |
//! | --- | --- |
//! | 8 | `m`: bits (classic, split-block, blocked: a multiple of 512) or counters (counting) |
//! | 4 | `k`: hash probes (`8` for split-block) |
//! | 4 | reserved, `0` |
//! | … | payload: classic `ceil(m/64)` u64 words; counting `ceil(m/16)` u64 words of sixteen 4-bit counters (counter `c` in word `c/16`, bits `4·(c%16) ..`); split-block `m/8` bytes, exactly the Parquet bitset (u32 words); blocked `m/64` u64 words, eight per block |
//!
//! Unused bits after the last bit or counter must be zero. The scalable body
//! is its options and then its stages:
//!
//! | size | field |
//! | --- | --- |
//! | 8 | initial capacity (u64) |
//! | 8 | overall false-positive bound `P` (f64) |
//! | 8 | growth factor `s` (f64) |
//! | 8 | tightening ratio `r` (f64) |
//! | 4 | stage count (u32, at most [`MAX_STAGES`]) |
//! | 4 | reserved, `0` |
//! | per stage: 8 + 8 | capacity, items inserted (u64 each) |
//! | per stage: … | a classic filter block |
//!
//! Decoding checks, in order: length of the header, magic, version, kind,
//! hash id, reserved bytes, parameters, exact total length, checksum, and
//! padding bits. It returns a [`BloomError`] for any failure and never panics.
//! What decodes is a filter the constructors (and, for the scalable filter,
//! `insert`) could have made, and it re-encodes to exactly the bytes it came
//! from. A decoded filter holds at most 2 bytes of memory per encoded byte
//! (its bit array is the payload); only a scalable filter grows later, one
//! stage per `insert` that finds the newest full, sized as its constructor's
//! would be (see [`ScalableBloomFilter::from_bytes`]). The `*_base64` helpers
//! wrap the same bytes in standard, padded, canonical base64 for JSON (3
//! bytes per 4 characters; set bits in the unused low bits of the last
//! character are refused).
//!
//! # Costs
//!
//! `insert` and `contains` cost one hash of the key and `k` random memory
//! accesses (one cache line for the split-block and blocked filters). Length, fill ratio
//! and FP estimates are O(1) for the classic filter (it counts set bits as it
//! goes) and O(m) for the others. Batch methods (`insert_many`,
//! `contains_many`) take many keys packed as one byte buffer plus an `ends`
//! offsets slice (key `i` is `keys[ends[i-1]..ends[i]]`, with `ends[-1] = 0`)
//! and write one byte per key into an output slice.
//!
//! # Limits
//!
//! At most [`MAX_BITS`] bits (512 MiB) per filter, so every bit index fits in
//! a `u32`; at most [`MAX_HASHES`] probes; `fpRate` in
//! `[`[`MIN_FP_RATE`]`, 1)`; `expectedItems` in `1..=`[`MAX_ITEMS`]
//! (2^53 − 1).
//!
//! # Tests
//!
//! `cargo test` runs unit tests, property tests (fixed seeds), the Parquet
//! fixtures (`tests/bloom_parquet.rs`), the byte-format corruption tests and
//! native fixtures (`tests/bloom_format.rs`, fixtures in
//! `tests/testdata/bloom/`), and seeded false-positive measurements at
//! `n = 10^5` and `10^6` (`tests/bloom_fp.rs`, print them with
//! `-- --nocapture`). `QUORUMKIT_LONG=1` turns on the long modes: twice the
//! query sample for the `n = 10^6` checks, and 200 000 cases per target for
//! the proptest-driven `from_bytes` fuzz corpus:
//!
//! ```text
//! QUORUMKIT_LONG=1 cargo test --release --test bloom_props --test bloom_fp
//! ```
//!
//! # Examples
//!
//! ```
//! use quorumkit::bloom::BloomFilter;
//!
//! // Server side: build and serialize.
//! let mut server = BloomFilter::with_rate(1000, 0.01)?;
//! server.insert(b"alice");
//! let wire = server.to_base64();
//!
//! // Browser side: load and query without a round trip.
//! let browser = BloomFilter::from_base64(&wire)?;
//! assert!(browser.contains(b"alice"));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

/// The methods whose bodies every filter shares: packed batches and base64.
///
/// `$t` is the filter type, `$make` an expression (as text) that makes an
/// empty one for the examples. With `insert`, also `insert_many` for a filter
/// whose `insert` cannot fail (the scalable filter's can, and has its own).
macro_rules! shared_methods {
    ($t:ident, $make:literal, insert) => {
        impl $t {
            /// Inserts a packed batch of keys (key `i` is `keys[ends[i-1]..ends[i]]`).
            ///
            /// Writes 1 into `out[i]` if key `i` was certainly new when it was
            /// inserted, else 0; pass an empty `out` to skip the report. Returns the
            /// number of certainly-new keys.
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let mut f = quorumkit::bloom::", $make, "?;")]
            /// let mut out = [0u8; 3];
            /// let new = f.insert_many(b"aabb", &[2, 4, 4], &mut out)?;
            /// assert_eq!(out, [1, 1, 1]); // "aa", "bb" and the empty key
            /// assert_eq!(new, 3);
            /// assert_eq!(f.insert_many(b"aa", &[2], &mut [])?, 0);
            /// # Ok::<(), quorumkit::ArgError>(())
            /// ```
            ///
            /// # Errors
            /// [`ArgError`] naming `ends` if the offsets decrease or pass the end of
            /// `keys`, or `out` if it is neither empty nor one byte per key. Nothing
            /// is inserted then.
            pub fn insert_many(
                &mut self,
                keys: &[u8],
                ends: &[u32],
                out: &mut [u8],
            ) -> Result<usize, ArgError> {
                super::for_each_packed(keys, ends, out, true, |key| {
                    Ok::<_, ArgError>(self.insert(key))
                })
            }
        }
        shared_methods!($t, $make);
    };
    ($t:ident, $make:literal) => {
        impl $t {
            /// Tests a packed batch of keys (key `i` is `keys[ends[i-1]..ends[i]]`),
            /// writing 1 (possibly present) or 0 (absent) into `out[i]`; returns how
            /// many are possibly present.
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let mut f = quorumkit::bloom::", $make, "?;")]
            /// f.insert_many(b"aa", &[2], &mut [])?;
            /// let mut out = [9u8; 2];
            /// assert_eq!(f.contains_many(b"aabb", &[2, 4], &mut out)?, 1);
            /// assert_eq!(out, [1, 0]);
            /// # Ok::<(), Box<dyn core::error::Error>>(())
            /// ```
            ///
            /// # Errors
            /// [`ArgError`] naming `ends` (bad offsets) or `out` (not one byte per key).
            pub fn contains_many(
                &self,
                keys: &[u8],
                ends: &[u32],
                out: &mut [u8],
            ) -> Result<usize, ArgError> {
                super::for_each_packed(keys, ends, out, false, |key| {
                    Ok::<_, ArgError>(self.contains(key))
                })
            }

            #[doc = concat!("[`", stringify!($t), "::to_bytes`] as standard padded base64, for JSON.")]
            ///
            /// # Examples
            /// ```
            #[doc = concat!("let f = quorumkit::bloom::", $make, "?;")]
            /// assert!(f.to_base64().starts_with("UUtCRg")); // "QKBF"
            /// # Ok::<(), quorumkit::ArgError>(())
            /// ```
            pub fn to_base64(&self) -> String {
                super::format::encode_base64(&self.to_bytes())
            }

            #[doc = concat!("Decodes [`", stringify!($t), "::to_base64`] output: canonical padded")]
            #[doc = concat!("base64 (3 bytes per 4 characters), then as [`", stringify!($t), "::from_bytes`].")]
            ///
            /// # Examples
            /// ```
            #[doc = concat!("use quorumkit::bloom::", stringify!($t), ";")]
            #[doc = concat!("let f = quorumkit::bloom::", $make, "?;")]
            #[doc = concat!("assert_eq!(", stringify!($t), "::from_base64(&f.to_base64())?, f);")]
            #[doc = concat!("assert!(", stringify!($t), "::from_base64(\"not base64!\").is_err());")]
            /// # Ok::<(), Box<dyn core::error::Error>>(())
            /// ```
            ///
            /// # Errors
            /// [`BloomError::Base64`] for invalid base64, else as
            #[doc = concat!("[`", stringify!($t), "::from_bytes`].")]
            pub fn from_base64(text: &str) -> Result<$t, BloomError> {
                $t::from_bytes(&super::format::decode_base64(text)?)
            }
        }
    };
}

mod blocked;
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
use crate::prelude::F64Math;
mod classic;
mod counting;
mod format;
mod parquet;
mod scalable;
mod split_block;

pub use blocked::BlockedBloomFilter;
pub use classic::BloomFilter;
pub use counting::CountingBloomFilter;
pub use format::BloomError;
pub use scalable::ScalableBloomFilter;
pub use split_block::SplitBlockBloomFilter;

use crate::{text, ArgError};

/// The largest filter, in bits (2^32, 512 MiB), so every bit index fits a `u32`.
///
/// # Examples
/// ```
/// use quorumkit::bloom::{BloomFilter, MAX_BITS};
/// assert!(BloomFilter::new(MAX_BITS + 1, 3).is_err());
/// ```
pub const MAX_BITS: u64 = 1 << 32;

/// The most hash probes per key.
///
/// # Examples
/// ```
/// use quorumkit::bloom::{BloomFilter, MAX_HASHES};
/// assert!(BloomFilter::new(1024, MAX_HASHES).is_ok());
/// assert!(BloomFilter::new(1024, MAX_HASHES + 1).is_err());
/// ```
pub const MAX_HASHES: u32 = 64;

/// The smallest accepted false-positive rate (it needs 63 probes).
///
/// # Examples
/// ```
/// use quorumkit::bloom::{BloomFilter, MIN_FP_RATE};
/// assert!(BloomFilter::with_rate(10, MIN_FP_RATE).is_ok());
/// assert!(BloomFilter::with_rate(10, MIN_FP_RATE / 2.0).is_err());
/// ```
pub const MIN_FP_RATE: f64 = 1e-19;

/// The most keys a filter may be sized for: 2^53 − 1, the largest integer a
/// JavaScript number holds exactly, so every count a filter reports is exact
/// on both sides of the boundary.
///
/// # Examples
/// ```
/// use quorumkit::bloom::{BloomFilter, MAX_ITEMS};
/// // Only a false-positive rate close to 1 sizes this many keys within MAX_BITS.
/// assert!(BloomFilter::optimal_params(MAX_ITEMS, 0.999_999_999).is_ok());
/// let e = BloomFilter::optimal_params(MAX_ITEMS + 1, 0.999_999_999).unwrap_err();
/// assert_eq!(e.to_string(), "expectedItems must be an integer in 1..=9007199254740991, got 9007199254740992");
/// ```
pub const MAX_ITEMS: u64 = (1 << 53) - 1;

/// The most stages a [`ScalableBloomFilter`] may grow to.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::bloom::MAX_STAGES, 64);
/// ```
pub const MAX_STAGES: u32 = 64;

/// Checks `fpRate`: finite, in `[MIN_FP_RATE, 1)`.
pub(crate) fn check_fp_rate(p: f64) -> Result<(), ArgError> {
    if p.is_finite() && (MIN_FP_RATE..1.0).contains(&p) {
        Ok(())
    } else {
        Err(ArgError::range("fpRate", "a number in [1e-19, 1)", p))
    }
}

/// Checks `expectedItems`: an integer in `1..=MAX_ITEMS`.
pub(crate) fn check_expected_items(n: u64) -> Result<(), ArgError> {
    if (1..=MAX_ITEMS).contains(&n) {
        Ok(())
    } else {
        Err(ArgError::range(
            "expectedItems",
            text!("an integer in 1..=", MAX_ITEMS),
            n,
        ))
    }
}

/// Validates a packed key batch: `ends` non-decreasing and within `keys`.
pub(crate) fn check_packed(keys: &[u8], ends: &[u32]) -> Result<(), ArgError> {
    let mut prev = 0u32;
    for (i, &e) in ends.iter().enumerate() {
        if e < prev || e as usize > keys.len() {
            return Err(ArgError::range(
                "ends",
                text!(
                    "non-decreasing offsets no larger than the key buffer (",
                    keys.len(),
                    " bytes)"
                ),
                text!(e, " at index ", i),
            ));
        }
        prev = e;
    }
    Ok(())
}

/// Checks that a batch output slice has one byte per key.
pub(crate) fn check_out(out_len: usize, n: usize, allow_empty: bool) -> Result<(), ArgError> {
    if out_len == n || (allow_empty && out_len == 0) {
        Ok(())
    } else {
        Err(ArgError::range(
            "out",
            text!("a buffer of one byte per key (", n, ")"),
            text!(out_len, " bytes"),
        ))
    }
}

/// Iterates a validated packed batch (see [`check_packed`]).
pub(crate) fn packed<'a>(keys: &'a [u8], ends: &'a [u32]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut start = 0usize;
    ends.iter().map(move |&e| {
        let end = e as usize;
        let key = keys.get(start..end).unwrap_or(&[]);
        start = end;
        key
    })
}

/// Runs `op` on every key of a packed batch and returns how many keys it
/// answered `true` for. Writes each answer (1 or 0) to `out[i]`; with
/// `out_optional`, an empty `out` skips the report. The batch and `out` are
/// checked first, so `op` never runs on a malformed batch. An `op` error
/// stops the batch there (the keys before it stay done).
pub(crate) fn for_each_packed<E: From<ArgError>>(
    keys: &[u8],
    ends: &[u32],
    out: &mut [u8],
    out_optional: bool,
    mut op: impl FnMut(&[u8]) -> Result<bool, E>,
) -> Result<usize, E> {
    check_packed(keys, ends)?;
    check_out(out.len(), ends.len(), out_optional)?;
    let mut count = 0;
    for (i, key) in packed(keys, ends).enumerate() {
        let yes = op(key)?;
        count += usize::from(yes);
        if let Some(o) = out.get_mut(i) {
            *o = u8::from(yes);
        }
    }
    Ok(count)
}

/// The probe sequence of hash id 1 (see the module docs for the formula).
#[derive(Clone, Debug)]
pub(crate) struct Probes {
    x: u64,
    y: u64,
    i: u64,
    k: u64,
    m: u64,
}

impl Probes {
    /// Probes for `key` in a filter of `m >= 1` positions and `k` probes.
    #[inline]
    pub(crate) fn new(key: &[u8], m: u64, k: u32) -> Probes {
        Probes::from_hash(crate::hash::xxh3_64(key), m, k)
    }

    /// Probes for a precomputed XXH3-64 hash.
    #[inline]
    pub(crate) fn from_hash(h: u64, m: u64, k: u32) -> Probes {
        // m >= 1 is an invariant of every filter type.
        let m = m.max(1);
        Probes {
            x: h % m,
            y: mix64(h) % m,
            i: 0,
            k: u64::from(k),
            m,
        }
    }
}

impl Iterator for Probes {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i >= self.k {
            return None;
        }
        let p = self.x;
        // x, y < m <= 2^32, so these sums cannot overflow.
        self.x += self.y;
        if self.x >= self.m {
            self.x -= self.m;
        }
        self.i += 1;
        self.y += self.i;
        if self.y >= self.m {
            self.y %= self.m;
        }
        Some(p)
    }
}

/// The SplitMix64 finalizer: a fixed non-linear bijection of u64.
#[inline]
pub(crate) fn mix64(h: u64) -> u64 {
    let z = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Swamidass–Baldi estimate of the items in a filter of `m` cells with `x`
/// set, `k` probes: `-(m/k) · ln(1 - x/m)`.
pub(crate) fn swamidass_baldi(m: u64, k: u32, x: u64) -> f64 {
    if x >= m {
        return f64::INFINITY;
    }
    let m = m as f64;
    -(m / f64::from(k.max(1))) * (1.0 - x as f64 / m).ln()
}

/// The expected false-positive rate of a blocked filter whose blocks hold
/// `lambda` keys on average: `hit(j)`, the rate of a block holding `j` keys,
/// averaged over the Poisson(`lambda`) distribution of keys per block
/// (Putze, Sanders and Singler). The sum runs to `λ + 12√λ + 40`, past which
/// the terms no longer count.
pub(crate) fn blocked_fp(lambda: f64, hit: impl Fn(f64) -> f64) -> f64 {
    if lambda > 600.0 {
        // e^(-λ) underflows; the spread no longer matters: fp ≈ 1.
        return hit(lambda);
    }
    let last = (lambda + 12.0 * lambda.sqrt() + 40.0).ceil() as u32;
    let mut term = (-lambda).exp();
    let mut sum = 0.0;
    for j in 0..=last {
        if j > 0 {
            term *= lambda / f64::from(j);
        }
        sum += term * hit(f64::from(j));
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_match_the_closed_form() {
        for &(m, k) in &[
            (1u64, 7u32),
            (2, 30),
            (97, 12),
            (1 << 20, 7),
            (MAX_BITS, 64),
        ] {
            for key in [&b""[..], b"a", b"user:42", b"\xff\x00\x10"] {
                let h = crate::hash::xxh3_64(key);
                let (a, b) = (h % m, mix64(h) % m);
                let got: Vec<u64> = Probes::new(key, m, k).collect();
                assert_eq!(got.len(), k as usize);
                for (i, &p) in got.iter().enumerate() {
                    let i = i as u128;
                    let want =
                        (u128::from(a) + i * u128::from(b) + (i * i * i - i) / 6) % u128::from(m);
                    assert_eq!(u128::from(p), want, "m={m} k={k} i={i}");
                }
            }
        }
    }

    #[test]
    fn mix64_known_values() {
        // SplitMix64's first output for state 0 is mix64(0x9e3779b97f4a7c15).
        assert_eq!(mix64(0x9e37_79b9_7f4a_7c15), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix64(0), 0);
    }

    #[test]
    fn packed_batches_are_validated() {
        assert!(check_packed(b"abc", &[1, 3]).is_ok());
        assert!(check_packed(b"abc", &[]).is_ok());
        let e = check_packed(b"abc", &[2, 1]).unwrap_err();
        assert_eq!(e.param, "ends");
        assert!(check_packed(b"abc", &[4]).is_err());
        let keys: Vec<&[u8]> = packed(b"abcd", &[1, 1, 4]).collect();
        assert_eq!(keys, vec![&b"a"[..], b"", b"bcd"]);
    }

    #[test]
    fn fp_rate_range() {
        assert!(check_fp_rate(0.5).is_ok());
        for bad in [0.0, 1.0, -0.1, f64::NAN, f64::INFINITY, 1e-20] {
            assert_eq!(check_fp_rate(bad).unwrap_err().param, "fpRate");
        }
    }

    #[test]
    fn swamidass_baldi_edges() {
        assert_eq!(swamidass_baldi(100, 3, 0), 0.0);
        assert!(swamidass_baldi(100, 3, 100).is_infinite());
        // One key, one probe, in a huge filter: about one item.
        assert!((swamidass_baldi(1 << 30, 1, 1) - 1.0).abs() < 1e-6);
    }
}
