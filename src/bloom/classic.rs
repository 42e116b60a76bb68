//! The classic Bloom filter: `m` bits packed in u64 words, `k` probes.

use crate::prelude::*;
use core::f64::consts::LN_2;

use super::format::{self, BloomError, Reader, Writer};
use super::{check_expected_items, check_fp_rate, swamidass_baldi, Probes};
use super::{MAX_BITS, MAX_HASHES};
use crate::{text, ArgError};

/// A classic Bloom filter: `m` bits, `k` probes per key from one XXH3-64 hash.
///
/// See the [module docs](super) for the sizing formulas, the probe formula and
/// the byte format, all of which are stable contracts.
///
/// # Examples
/// ```
/// use quorumkit::bloom::BloomFilter;
/// let mut f = BloomFilter::with_rate(10_000, 0.01)?;
/// assert!(f.insert(b"user:1"));
/// assert!(!f.insert(b"user:1")); // already (possibly) present
/// assert!(f.contains(b"user:1"));
/// assert!(!f.contains(b"user:2"));
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BloomFilter {
    bits: u64,
    hashes: u32,
    words: Vec<u64>,
    ones: u64,
}

/// Words needed for `bits` bits.
fn word_count(bits: u64) -> usize {
    // bits <= MAX_BITS, so this fits any usize of 32 bits or more.
    bits.div_ceil(64) as usize
}

impl BloomFilter {
    /// A filter sized for `expected_items` keys at false-positive rate `fp_rate`.
    ///
    /// Uses `m = ceil(-n·ln p / ln²2)` bits and `k = max(1, round(m/n·ln 2))`
    /// probes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BloomFilter;
    /// let f = BloomFilter::with_rate(100_000, 0.01)?;
    /// assert_eq!(f.bits(), 958_506);
    /// assert_eq!(f.hashes(), 7);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `expectedItems` if it is not in
    /// `1..=`[`MAX_ITEMS`](super::MAX_ITEMS) or needs more than [`MAX_BITS`]
    /// bits, or `fpRate` if it is not in `[1e-19, 1)`.
    pub fn with_rate(expected_items: u64, fp_rate: f64) -> Result<BloomFilter, ArgError> {
        let (bits, hashes) = Self::optimal_params(expected_items, fp_rate)?;
        BloomFilter::new(bits, hashes)
    }

    /// The `(bits, hashes)` that [`BloomFilter::with_rate`] would choose.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BloomFilter;
    /// assert_eq!(BloomFilter::optimal_params(1_000, 0.001)?, (14_378, 10));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`BloomFilter::with_rate`].
    pub fn optimal_params(expected_items: u64, fp_rate: f64) -> Result<(u64, u32), ArgError> {
        check_expected_items(expected_items)?;
        check_fp_rate(fp_rate)?;
        let n = expected_items as f64;
        // libm's log, not the platform's: native and wasm builds must size a
        // filter identically, since a decoder checks the sizes it reads.
        let m = (-n * libm::log(fp_rate) / (LN_2 * LN_2)).ceil();
        if m.is_nan() || m > MAX_BITS as f64 {
            return Err(ArgError::range(
                "expectedItems",
                text!(
                    "small enough for ",
                    MAX_BITS,
                    " bits at this fpRate (it needs ",
                    &crate::Shown::shown(m),
                    " bits)"
                ),
                expected_items,
            ));
        }
        let m = (m as u64).max(1);
        let k = (m as f64 / n * LN_2)
            .round()
            .clamp(1.0, f64::from(MAX_HASHES)) as u32;
        Ok((m, k))
    }

    /// An empty filter of exactly `bits` bits and `hashes` probes per key.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BloomFilter;
    /// let f = BloomFilter::new(1000, 5)?;
    /// assert_eq!(f.words().len(), 16); // ceil(1000 / 64)
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `bits` unless it is in `1..=MAX_BITS`, or `hashes`
    /// unless it is in `1..=MAX_HASHES`.
    pub fn new(bits: u64, hashes: u32) -> Result<BloomFilter, ArgError> {
        check_bits(bits)?;
        check_hashes(hashes)?;
        Ok(BloomFilter {
            bits,
            hashes,
            words: vec![0; word_count(bits)],
            ones: 0,
        })
    }

    /// An empty filter of validated `bits` and `hashes`, or `None` if its
    /// words cannot be allocated.
    pub(crate) fn try_empty(bits: u64, hashes: u32) -> Option<BloomFilter> {
        let n = word_count(bits);
        let mut words = Vec::new();
        words.try_reserve_exact(n).ok()?;
        words.resize(n, 0);
        Some(BloomFilter {
            bits,
            hashes,
            words,
            ones: 0,
        })
    }

    /// A filter from validated parts (`words.len() == ceil(bits / 64)`).
    pub(crate) fn from_words(bits: u64, hashes: u32, words: Vec<u64>) -> BloomFilter {
        let ones = words.iter().map(|w| u64::from(w.count_ones())).sum();
        BloomFilter {
            bits,
            hashes,
            words,
            ones,
        }
    }

    /// The number of bits, `m`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BloomFilter::new(100, 3)?.bits(), 100);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn bits(&self) -> u64 {
        self.bits
    }

    /// The number of probes per key, `k`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BloomFilter::new(100, 3)?.hashes(), 3);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn hashes(&self) -> u32 {
        self.hashes
    }

    /// The bit array as u64 words (bit `p` is bit `p % 64` of word `p / 64`),
    /// for zero-copy views.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::new(128, 2)?;
    /// f.insert(b"k");
    /// let set: u32 = f.words().iter().map(|w| w.count_ones()).sum();
    /// assert!((1..=2).contains(&set));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The `k` probe positions of `key` (bit indices, possibly repeated).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::new(1000, 4)?;
    /// let p = f.positions(b"alice");
    /// assert_eq!(p.len(), 4);
    /// f.insert(b"alice");
    /// assert!(p.iter().all(|&i| f.words()[i as usize / 64] >> (i % 64) & 1 == 1));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn positions(&self, key: &[u8]) -> Vec<u32> {
        // Positions are < bits <= 2^32.
        Probes::new(key, self.bits, self.hashes)
            .map(|p| p as u32)
            .collect()
    }

    /// Adds `key`; returns `true` if it was certainly not present before
    /// (some probed bit was 0), `false` if it possibly was.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::with_rate(100, 0.01)?;
    /// assert!(f.insert(b"x"));
    /// assert!(!f.insert(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn insert(&mut self, key: &[u8]) -> bool {
        self.insert_hash(crate::hash::xxh3_64(key))
    }

    /// [`BloomFilter::insert`] for a precomputed `XXH3-64(key)`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::{bloom::BloomFilter, hash::xxh3_64};
    /// let mut f = BloomFilter::with_rate(100, 0.01)?;
    /// f.insert_hash(xxh3_64(b"x"));
    /// assert!(f.contains(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn insert_hash(&mut self, hash: u64) -> bool {
        // Branch-free: whether a bit was clear is data the CPU cannot
        // predict, and a mispredicted branch would wait on that probe's
        // cache miss before the next probe's load could start.
        let mut set = 0u64;
        for p in Probes::from_hash(hash, self.bits, self.hashes) {
            let mask = 1u64 << (p & 63);
            if let Some(w) = self.words.get_mut((p >> 6) as usize) {
                let was_clear = (!*w & mask) >> (p & 63);
                *w |= mask;
                set += was_clear;
            }
        }
        self.ones += set;
        set != 0
    }

    /// Whether `key` is possibly present (`false` means certainly absent).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// assert!(f.contains(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn contains(&self, key: &[u8]) -> bool {
        self.contains_hash(crate::hash::xxh3_64(key))
    }

    /// [`BloomFilter::contains`] for a precomputed `XXH3-64(key)`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::{bloom::BloomFilter, hash::xxh3_64};
    /// let mut f = BloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// assert!(f.contains_hash(xxh3_64(b"x")));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn contains_hash(&self, hash: u64) -> bool {
        // Branch-free: AND every probed bit. On an absent key, which probe
        // finds a clear bit is unpredictable, and a mispredicted exit costs
        // more than the probes it would have saved.
        Probes::from_hash(hash, self.bits, self.hashes).fold(1u64, |all, p| {
            all & self
                .words
                .get((p >> 6) as usize)
                .map_or(0, |w| w >> (p & 63))
        }) & 1
            == 1
    }

    /// Removes every key.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// f.clear();
    /// assert!(f.is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn clear(&mut self) {
        self.words.fill(0);
        self.ones = 0;
    }

    /// Whether no bit is set.
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::bloom::BloomFilter::new(64, 1)?.is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ones == 0
    }

    /// The number of set bits, `X`.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::new(1 << 20, 1)?;
    /// f.insert(b"x");
    /// assert_eq!(f.count_ones(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn count_ones(&self) -> u64 {
        self.ones
    }

    /// The fraction of bits set, `X / m`.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::new(4, 1)?;
    /// f.insert(b"x");
    /// assert_eq!(f.fill_ratio(), 0.25);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn fill_ratio(&self) -> f64 {
        self.ones as f64 / self.bits as f64
    }

    /// The Swamidass–Baldi estimate of the number of distinct keys inserted,
    /// `-(m/k)·ln(1 - X/m)`; infinite when every bit is set.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::with_rate(10_000, 0.01)?;
    /// for i in 0..5_000u32 {
    ///     f.insert(&i.to_le_bytes());
    /// }
    /// assert!((f.estimated_len() - 5_000.0).abs() < 100.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_len(&self) -> f64 {
        swamidass_baldi(self.bits, self.hashes, self.ones)
    }

    /// The false-positive rate for a fresh key given the bits set now,
    /// `(X/m)^k`.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BloomFilter::with_rate(1_000, 0.01)?;
    /// assert_eq!(f.estimated_fp_rate(), 0.0);
    /// for i in 0..1_000u32 {
    ///     f.insert(&i.to_le_bytes());
    /// }
    /// assert!((f.estimated_fp_rate() - 0.01).abs() < 0.003);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_fp_rate(&self) -> f64 {
        self.fill_ratio().powi(self.hashes as i32)
    }

    /// Adds every key of `other` (bitwise OR).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BloomFilter;
    /// let mut a = BloomFilter::with_rate(100, 0.01)?;
    /// let mut b = a.clone();
    /// a.insert(b"a");
    /// b.insert(b"b");
    /// a.union(&b)?;
    /// assert!(a.contains(b"a") && a.contains(b"b"));
    /// assert!(a.union(&BloomFilter::new(64, 1)?).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `other` if its bits or hashes differ.
    pub fn union(&mut self, other: &BloomFilter) -> Result<(), ArgError> {
        self.combine(other, |a, b| a | b)
    }

    /// Keeps only bits set in both (bitwise AND): every key in both filters
    /// stays present; the FP rate may be higher than a filter built from the
    /// intersection directly.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BloomFilter;
    /// let mut a = BloomFilter::with_rate(100, 0.01)?;
    /// let mut b = a.clone();
    /// a.insert(b"both");
    /// a.insert(b"a only");
    /// b.insert(b"both");
    /// a.intersect(&b)?;
    /// assert!(a.contains(b"both"));
    /// assert!(!a.contains(b"a only"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `other` if its bits or hashes differ.
    pub fn intersect(&mut self, other: &BloomFilter) -> Result<(), ArgError> {
        self.combine(other, |a, b| a & b)
    }

    fn combine(
        &mut self,
        other: &BloomFilter,
        op: impl Fn(u64, u64) -> u64,
    ) -> Result<(), ArgError> {
        if self.bits != other.bits || self.hashes != other.hashes {
            return Err(ArgError::range(
                "other",
                text!(
                    "a filter with the same bits and hashes (",
                    self.bits,
                    ", ",
                    self.hashes,
                    ")"
                ),
                text!("(", other.bits, ", ", other.hashes, ")"),
            ));
        }
        let mut ones = 0u64;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a = op(*a, *b);
            ones += u64::from(a.count_ones());
        }
        self.ones = ones;
        Ok(())
    }

    /// Serializes to the version-1 byte format (kind 1, hash id 1).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::BloomFilter::new(64, 3)?;
    /// let bytes = f.to_bytes();
    /// assert_eq!(&bytes[..4], b"QKBF");
    /// assert_eq!(bytes.len(), 8 + 16 + 8 + 4);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(
            format::KIND_CLASSIC,
            format::HASH_XXH3_KM,
            format::BLOCK_PARAMS_LEN + 8 * self.words.len(),
        );
        self.write_block(&mut w);
        w.finish()
    }

    /// Writes this filter as a filter block (params then words).
    pub(crate) fn write_block(&self, w: &mut Writer) {
        w.block_params(self.bits, self.hashes);
        w.words64(&self.words);
    }

    /// Reads a filter block; `exact` requires it to end the body.
    pub(crate) fn read_block(r: &mut Reader<'_>, exact: bool) -> Result<BloomFilter, BloomError> {
        let (bits, hashes) = r.block_params()?;
        check_bits(bits).map_err(format::corrupt_param)?;
        check_hashes(hashes).map_err(format::corrupt_param)?;
        let n = word_count(bits);
        if exact {
            r.expect_exact(8 * n as u64)?;
        }
        let words = r.words64(n)?;
        let pad = bits % 64;
        if pad != 0 && words.last().is_some_and(|w| w >> pad != 0) {
            return Err(BloomError::Corrupt(
                "padding bits after the last bit are set".into(),
            ));
        }
        let ones = words.iter().map(|w| u64::from(w.count_ones())).sum();
        Ok(BloomFilter {
            bits,
            hashes,
            words,
            ones,
        })
    }

    /// Decodes the version-1 byte format.
    ///
    /// What decodes is a filter [`BloomFilter::new`] could have made (bits in
    /// `1..=`[`MAX_BITS`], hashes in `1..=`[`MAX_HASHES`], no bit set past
    /// the last), and it re-encodes to exactly `bytes`. It holds at most 2
    /// bytes of memory per encoded byte (the bit array is the payload) and
    /// never grows.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::{BloomError, BloomFilter};
    /// let mut f = BloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// let mut bytes = f.to_bytes();
    /// assert_eq!(BloomFilter::from_bytes(&bytes)?, f);
    /// bytes[30] ^= 4;
    /// assert!(matches!(BloomFilter::from_bytes(&bytes), Err(BloomError::Checksum { .. })));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`BloomError`] describing the first problem found: truncated,
    /// oversized, bad magic, unsupported version, wrong kind or hash id,
    /// invalid parameters, checksum mismatch, or set padding bits.
    pub fn from_bytes(bytes: &[u8]) -> Result<BloomFilter, BloomError> {
        let mut r = Reader::open(bytes, format::KIND_CLASSIC, format::HASH_XXH3_KM)?;
        // Check the parameters and exact length, then the checksum, before
        // anything is allocated.
        let mut probe = Reader::open(bytes, format::KIND_CLASSIC, format::HASH_XXH3_KM)?;
        let (bits, hashes) = probe.block_params()?;
        check_bits(bits).map_err(format::corrupt_param)?;
        check_hashes(hashes).map_err(format::corrupt_param)?;
        probe.expect_exact(8 * word_count(bits) as u64)?;
        format::verify_crc(bytes)?;
        let f = BloomFilter::read_block(&mut r, true)?;
        r.finish()?;
        Ok(f)
    }
}

shared_methods!(BloomFilter, "BloomFilter::with_rate(100, 0.01)", insert);

/// Checks a bit (or counter) count: `1..=MAX_BITS`.
pub(crate) fn check_bits(bits: u64) -> Result<(), ArgError> {
    if (1..=MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(ArgError::range(
            "bits",
            text!("an integer in 1..=", MAX_BITS),
            bits,
        ))
    }
}

/// Checks a probe count: `1..=MAX_HASHES`.
pub(crate) fn check_hashes(hashes: u32) -> Result<(), ArgError> {
    if (1..=MAX_HASHES).contains(&hashes) {
        Ok(())
    } else {
        Err(ArgError::range(
            "hashes",
            text!("an integer in 1..=", MAX_HASHES),
            hashes,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_counts_each_new_bit_once() {
        // Small filters make probes of one key share words and bits, and
        // repeated keys set nothing: the running count must still equal the
        // bits actually set, and `insert` report exactly whether any was new.
        for (m, k) in [(1, 1), (7, 5), (64, 9), (200, 7), (1000, 3)] {
            let mut f = BloomFilter::new(m, k).unwrap();
            for i in 0..300u32 {
                let key = (i % 97).to_le_bytes();
                let before: Vec<u64> = f.words().to_vec();
                let new = f.insert(&key);
                assert_eq!(new, before != f.words(), "m={m} k={k} key {i}");
                let ones: u64 = f.words().iter().map(|w| u64::from(w.count_ones())).sum();
                assert_eq!(f.count_ones(), ones, "m={m} k={k} key {i}");
            }
        }
    }

    #[test]
    fn sizing_matches_the_formulas() {
        // m = ceil(-n ln p / ln^2 2), k = round(m/n ln 2)
        assert_eq!(BloomFilter::optimal_params(1, 0.5).unwrap(), (2, 1));
        assert_eq!(
            BloomFilter::optimal_params(1_000_000, 0.01).unwrap(),
            (9_585_059, 7)
        );
        assert_eq!(
            BloomFilter::optimal_params(100_000, 0.001).unwrap(),
            (1_437_759, 10)
        );
        // p near 1 still gives at least one probe.
        assert_eq!(BloomFilter::optimal_params(10, 0.999).unwrap().1, 1);
        assert!(BloomFilter::optimal_params(1, 1e-19).unwrap().1 <= MAX_HASHES);
    }

    #[test]
    fn invalid_arguments_name_the_parameter() {
        assert_eq!(
            BloomFilter::with_rate(0, 0.01).unwrap_err().param,
            "expectedItems"
        );
        assert_eq!(BloomFilter::with_rate(10, 0.0).unwrap_err().param, "fpRate");
        assert_eq!(BloomFilter::with_rate(10, 1.0).unwrap_err().param, "fpRate");
        assert_eq!(
            BloomFilter::with_rate(10, f64::NAN).unwrap_err().param,
            "fpRate"
        );
        let huge = BloomFilter::with_rate(1_000_000_000_000_000, 0.01).unwrap_err();
        assert_eq!(huge.param, "expectedItems");
        assert!(huge.to_string().contains("bits"));
        let inexact = BloomFilter::with_rate(u64::MAX, 0.01).unwrap_err();
        assert!(inexact.to_string().contains("1..=9007199254740991"));
        assert_eq!(BloomFilter::new(0, 1).unwrap_err().param, "bits");
        assert_eq!(BloomFilter::new(MAX_BITS + 1, 1).unwrap_err().param, "bits");
        assert_eq!(BloomFilter::new(10, 0).unwrap_err().param, "hashes");
        assert_eq!(BloomFilter::new(10, 65).unwrap_err().param, "hashes");
    }

    #[test]
    fn tiny_filters_work() {
        let mut f = BloomFilter::new(1, 64).unwrap();
        assert!(!f.contains(b"a"));
        assert!(f.insert(b"a"));
        assert!(f.contains(b"zzz"));
        assert_eq!(f.fill_ratio(), 1.0);
        assert!(f.estimated_len().is_infinite());
        let b = BloomFilter::from_bytes(&f.to_bytes()).unwrap();
        assert_eq!(b, f);
    }

    #[test]
    fn union_and_intersect_recount_bits() {
        let mut a = BloomFilter::new(1000, 3).unwrap();
        let mut b = a.clone();
        for i in 0..50u32 {
            a.insert(&i.to_le_bytes());
            b.insert(&(i + 25).to_le_bytes());
        }
        let mut u = a.clone();
        u.union(&b).unwrap();
        let mut x = a.clone();
        x.intersect(&b).unwrap();
        let pop = |f: &BloomFilter| f.words().iter().map(|w| u64::from(w.count_ones())).sum();
        assert_eq!(u.count_ones(), pop(&u));
        assert_eq!(x.count_ones(), pop(&x));
        for i in 0..75u32 {
            assert!(u.contains(&i.to_le_bytes()));
        }
        for i in 25..50u32 {
            assert!(x.contains(&i.to_le_bytes()));
        }
        let e = a.union(&BloomFilter::new(1000, 4).unwrap()).unwrap_err();
        assert_eq!(e.param, "other");
        assert_eq!(
            e.to_string(),
            "other must be a filter with the same bits and hashes (1000, 3), got (1000, 4)"
        );
    }

    #[test]
    fn batch_errors_leave_the_filter_untouched() {
        let mut f = BloomFilter::new(1000, 3).unwrap();
        assert_eq!(
            f.insert_many(b"abc", &[1, 5], &mut []).unwrap_err().param,
            "ends"
        );
        assert_eq!(
            f.insert_many(b"abc", &[1, 3], &mut [0; 1])
                .unwrap_err()
                .param,
            "out"
        );
        assert_eq!(
            f.contains_many(b"abc", &[1, 3], &mut []).unwrap_err().param,
            "out"
        );
        assert!(f.is_empty());
    }

    #[test]
    fn padding_bits_are_rejected() {
        let f = BloomFilter::new(10, 2).unwrap();
        let mut bytes = f.to_bytes();
        bytes[24 + 7] = 0x80; // bit 63 of the only word
        let n = bytes.len();
        let crc = crate::hash::crc32(&bytes[..n - 4]);
        bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert!(matches!(
            BloomFilter::from_bytes(&bytes),
            Err(BloomError::Corrupt(_))
        ));
    }
}
