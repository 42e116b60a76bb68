//! The scalable Bloom filter of Almeida, Baquero, Preguiça and Hutchison,
//! "Scalable Bloom Filters", Information Processing Letters 101(6), 2007.

use super::classic::BloomFilter;
use super::format::{self, BloomError, Reader, Writer};
use super::{check_expected_items, check_fp_rate, for_each_packed};
use super::{MAX_BITS, MAX_STAGES, MIN_FP_RATE};
use crate::prelude::*;
use crate::{text, ArgError};

/// For a set of unknown size: a chain of classic filters that grows, keeping
/// the overall false-positive rate under a fixed bound.
///
/// Stage `i` (from 0) holds up to `capacity_i = ceil(n0 · s^i)` keys at
/// false-positive rate `p_i = P · (1 - r) · r^i`, where `n0` is the expected
/// items, `P` the overall bound, `s` the growth factor and `r` the tightening
/// ratio. A key goes into the newest stage once no stage contains it; when
/// that stage holds `capacity_i` keys, a new stage is added. A lookup asks
/// every stage, so the compound false-positive rate is at most
/// `Σ p_i = P · (1 - r) · Σ r^i < P`, however far the filter grows.
///
/// Defaults: `s = 2` ([`DEFAULT_GROWTH`](Self::DEFAULT_GROWTH)) and `r = 0.9`
/// ([`DEFAULT_TIGHTENING`](Self::DEFAULT_TIGHTENING)), the paper's
/// recommended "slow growth" factor and the upper end of its recommended
/// range for `r` (0.8 to 0.9). With `s = 2` each new stage is about as large
/// as all earlier ones together, so memory stays within about twice what a
/// filter sized for the final count would need, and stages are few (about
/// `log2(n / n0)`). With `r = 0.9` each further stage costs only
/// `1.44 · log2(1/r) ≈ 0.22` more bits per key, at the price of a first stage
/// sized for `P/10`; that trade wins once the filter grows past a few stages,
/// which is the point of using it. Unlike the paper's partitioned stages, each
/// stage here is a classic [`BloomFilter`] (same hashing and format), and a
/// stage is full when it has accepted `capacity_i` keys rather than when half
/// its bits are set; both keep each stage's rate at `p_i`.
///
/// # Examples
/// ```
/// use quorumkit::bloom::ScalableBloomFilter;
/// let mut f = ScalableBloomFilter::with_rate(100, 0.01)?;
/// for i in 0..1_000u32 {
///     f.insert(format!("user:{i}").as_bytes())?;
/// }
/// assert!(f.stage_count() > 1);
/// assert!(f.contains(b"user:999"));
/// assert!(f.fp_bound() < 0.01);
/// # Ok::<(), quorumkit::bloom::BloomError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ScalableBloomFilter {
    initial_capacity: u64,
    fp_rate: f64,
    growth: f64,
    tightening: f64,
    stages: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq)]
struct Stage {
    filter: BloomFilter,
    capacity: u64,
    count: u64,
}

impl ScalableBloomFilter {
    /// The default growth factor `s`.
    pub const DEFAULT_GROWTH: f64 = 2.0;
    /// The default tightening ratio `r`.
    pub const DEFAULT_TIGHTENING: f64 = 0.9;

    /// A filter whose first stage holds `expected_items` keys, with overall
    /// false-positive bound `fp_rate` and the default growth and tightening.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(1000, 0.01)?;
    /// assert_eq!(f.stage_count(), 1);
    /// assert_eq!(f.stage_capacity(0), Some(1000));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`ScalableBloomFilter::with_options`].
    pub fn with_rate(expected_items: u64, fp_rate: f64) -> Result<ScalableBloomFilter, ArgError> {
        Self::with_options(
            expected_items,
            fp_rate,
            Self::DEFAULT_GROWTH,
            Self::DEFAULT_TIGHTENING,
        )
    }

    /// A filter with explicit growth factor `s` and tightening ratio `r`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::ScalableBloomFilter;
    /// let f = ScalableBloomFilter::with_options(1000, 0.01, 4.0, 0.8)?;
    /// assert_eq!(f.growth(), 4.0);
    /// assert!(ScalableBloomFilter::with_options(1000, 0.01, 0.5, 0.8).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `expectedItems` (not in `1..=`[`MAX_ITEMS`](super::MAX_ITEMS),
    /// or too many keys for the first stage's bits), `fpRate` (not in
    /// `[1e-19, 1)`, or too small for the first stage's `P·(1-r)`), `growth`
    /// (not in `[1, 16]`) or `tightening` (not in `(0, 1)`).
    pub fn with_options(
        expected_items: u64,
        fp_rate: f64,
        growth: f64,
        tightening: f64,
    ) -> Result<ScalableBloomFilter, ArgError> {
        check_options(expected_items, fp_rate, growth, tightening)?;
        let first = BloomFilter::with_rate(expected_items, fp_rate * (1.0 - tightening))?;
        Ok(ScalableBloomFilter {
            initial_capacity: expected_items,
            fp_rate,
            growth,
            tightening,
            stages: vec![Stage {
                filter: first,
                capacity: expected_items,
                count: 0,
            }],
        })
    }

    /// The first stage's capacity, `n0`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.initial_capacity(), 50);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn initial_capacity(&self) -> u64 {
        self.initial_capacity
    }

    /// The overall false-positive bound, `P`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.fp_rate(), 0.01);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn fp_rate(&self) -> f64 {
        self.fp_rate
    }

    /// The growth factor, `s`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.growth(), 2.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn growth(&self) -> f64 {
        self.growth
    }

    /// The tightening ratio, `r`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.tightening(), 0.9);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn tightening(&self) -> f64 {
        self.tightening
    }

    /// The number of stages (at least 1).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.stage_count(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn stage_count(&self) -> usize {
        self.stages.len()
    }

    /// Stage `index` as a classic filter (for its bits and positions).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert!(f.stage(0).is_some());
    /// assert!(f.stage(1).is_none());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn stage(&self, index: usize) -> Option<&BloomFilter> {
        self.stages.get(index).map(|s| &s.filter)
    }

    /// The capacity of stage `index`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.stage_capacity(0), Some(50));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn stage_capacity(&self, index: usize) -> Option<u64> {
        self.stages.get(index).map(|s| s.capacity)
    }

    /// The number of keys stage `index` has accepted.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// f.insert(b"a")?;
    /// assert_eq!(f.stage_len(0), Some(1));
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    pub fn stage_len(&self, index: usize) -> Option<u64> {
        self.stages.get(index).map(|s| s.count)
    }

    /// The number of keys accepted as new (a key that looked present, truly
    /// or falsely, is not counted).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// f.insert(b"a")?;
    /// f.insert(b"a")?;
    /// assert_eq!(f.len(), 1);
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    pub fn len(&self) -> u64 {
        self.stages.iter().map(|s| s.count).sum()
    }

    /// Whether no key has been accepted.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert!(f.is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The total number of bits across stages.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(1000, 0.01)?;
    /// assert_eq!(f.bits(), f.stage(0).unwrap().bits());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn bits(&self) -> u64 {
        self.stages.iter().map(|s| s.filter.bits()).sum()
    }

    /// The designed bound for the current stages, `Σ p_i` (always `< P`).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert!((f.fp_bound() - 0.001).abs() < 1e-12); // P·(1 - r) with one stage
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn fp_bound(&self) -> f64 {
        (0..self.stages.len())
            .map(|i| self.stage_fp_rate(i as u32))
            .sum()
    }

    /// The false-positive rate for a fresh key given the bits set now,
    /// `1 - Π (1 - fill_i^k_i)`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// assert_eq!(f.estimated_fp_rate(), 0.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_fp_rate(&self) -> f64 {
        1.0 - self
            .stages
            .iter()
            .map(|s| 1.0 - s.filter.estimated_fp_rate())
            .product::<f64>()
    }

    fn stage_fp_rate(&self, i: u32) -> f64 {
        self.fp_rate * (1.0 - self.tightening) * self.tightening.powi(i as i32)
    }

    /// Whether `key` is possibly present in some stage.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(50, 0.01)?;
    /// f.insert(b"a")?;
    /// assert!(f.contains(b"a"));
    /// assert!(!f.contains(b"b"));
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    pub fn contains(&self, key: &[u8]) -> bool {
        self.contains_hash(crate::hash::xxh3_64(key))
    }

    fn contains_hash(&self, h: u64) -> bool {
        // Newest (largest) stages first: they hold most keys.
        self.stages.iter().rev().any(|s| s.filter.contains_hash(h))
    }

    /// Adds `key` unless some stage possibly has it; returns whether it was
    /// added (certainly new). Adds a stage when the newest is full.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(1, 0.01)?;
    /// assert!(f.insert(b"a")?);
    /// assert!(!f.insert(b"a")?);
    /// assert!(f.insert(b"b")?);
    /// assert_eq!(f.stage_count(), 2);
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    ///
    /// # Errors
    /// [`BloomError::CapacityExceeded`] if a new stage is needed but would pass
    /// [`MAX_STAGES`], [`MAX_BITS`] in total, or a stage rate below
    /// [`MIN_FP_RATE`]; [`BloomError::OutOfMemory`] if the new stage cannot
    /// be allocated. The filter is unchanged then.
    pub fn insert(&mut self, key: &[u8]) -> Result<bool, BloomError> {
        let h = crate::hash::xxh3_64(key);
        if self.contains_hash(h) {
            return Ok(false);
        }
        if self.stages.last().is_none_or(|s| s.count >= s.capacity) {
            self.grow()?;
        }
        if let Some(s) = self.stages.last_mut() {
            s.filter.insert_hash(h);
            s.count += 1;
        }
        Ok(true)
    }

    fn grow(&mut self) -> Result<(), BloomError> {
        let i = self.stages.len() as u32;
        let bits = self.bits();
        let full = BloomError::CapacityExceeded { stages: i, bits };
        let (capacity, m, k) = self.stage_shape(i).ok_or_else(|| full.clone())?;
        if bits.saturating_add(m) > MAX_BITS {
            return Err(full);
        }
        // Fallible: a stage that does not fit in memory is an error, not an abort.
        let filter = BloomFilter::try_empty(m, k).ok_or(BloomError::OutOfMemory {
            bytes: m.div_ceil(64) * 8,
        })?;
        self.stages.push(Stage {
            filter,
            capacity,
            count: 0,
        });
        Ok(())
    }

    /// The capacity, bits and hashes of stage `i` as the options make it: the
    /// constructor's first stage for `i = 0`, then `ceil(n0 · s^i)` keys at
    /// rate `p_i`. `None` if no such stage can exist (past [`MAX_STAGES`], a
    /// capacity of [`MAX_BITS`] or more, `p_i` below [`MIN_FP_RATE`], or more
    /// than [`MAX_BITS`] bits).
    fn stage_shape(&self, i: u32) -> Option<(u64, u64, u32)> {
        if i >= MAX_STAGES {
            return None;
        }
        let capacity = if i == 0 {
            self.initial_capacity
        } else {
            let c = (self.initial_capacity as f64 * self.growth.powi(i as i32)).ceil();
            if c.is_nan() || c >= MAX_BITS as f64 {
                return None;
            }
            c as u64
        };
        let p = self.stage_fp_rate(i);
        if p < MIN_FP_RATE {
            return None;
        }
        let (m, k) = BloomFilter::optimal_params(capacity, p).ok()?;
        Some((capacity, m, k))
    }

    /// Inserts a packed batch (see [`BloomFilter::insert_many`]).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(1, 0.01)?;
    /// let mut out = [0u8; 3];
    /// assert_eq!(f.insert_many(b"aab", &[1, 2, 3], &mut out)?, 2);
    /// assert_eq!(out, [1, 0, 1]);
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    ///
    /// # Errors
    /// [`BloomError::Arg`] naming `ends` or `out` (nothing inserted), or
    /// [`BloomError::CapacityExceeded`] (the keys before the failing one stay
    /// inserted).
    pub fn insert_many(
        &mut self,
        keys: &[u8],
        ends: &[u32],
        out: &mut [u8],
    ) -> Result<usize, BloomError> {
        for_each_packed(keys, ends, out, true, |key| self.insert(key))
    }

    /// Removes every key and every stage after the first.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::ScalableBloomFilter::with_rate(1, 0.01)?;
    /// f.insert(b"a")?;
    /// f.insert(b"b")?;
    /// f.clear();
    /// assert_eq!((f.stage_count(), f.len()), (1, 0));
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    pub fn clear(&mut self) {
        self.stages.truncate(1);
        for s in &mut self.stages {
            s.filter.clear();
            s.count = 0;
        }
    }

    /// Serializes to the version-1 byte format (kind 3, hash id 1).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::ScalableBloomFilter::with_rate(10, 0.01)?;
    /// assert_eq!(f.to_bytes()[5], 3);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let body: usize = 40
            + self
                .stages
                .iter()
                .map(|s| 16 + format::BLOCK_PARAMS_LEN + 8 * s.filter.words().len())
                .sum::<usize>();
        let mut w = Writer::new(format::KIND_SCALABLE, format::HASH_XXH3_KM, body);
        w.u64(self.initial_capacity);
        w.f64(self.fp_rate);
        w.f64(self.growth);
        w.f64(self.tightening);
        w.u32(self.stages.len() as u32);
        w.u32(0);
        for s in &self.stages {
            w.u64(s.capacity);
            w.u64(s.count);
            s.filter.write_block(&mut w);
        }
        w.finish()
    }

    /// Decodes the version-1 byte format.
    ///
    /// What decodes is a filter the constructor and [`insert`](Self::insert)
    /// could have made, and it re-encodes to the same bytes: the options pass
    /// [`with_options`](Self::with_options)'s checks; stage `i` has exactly
    /// the capacity, bits and hashes the options give it; every stage but the
    /// newest is full; no stage claims more keys than its capacity or than it
    /// has bits set (each new key sets at least one).
    ///
    /// Memory: the stages' bit arrays are the payload, and each stage's
    /// bookkeeping (64 bytes) is less than twice its 40 or more encoded bytes
    /// of record and header, so a decoded filter holds at most 2 bytes per
    /// encoded byte. It grows only through [`insert`](Self::insert) and
    /// [`insert_many`](Self::insert_many), one stage when the newest is
    /// full, sized as above: about 2.1 times the newest stage's bytes at the
    /// defaults, and at most 1,640 times its encoded bytes with `growth` 16
    /// and the smallest `tightening`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::ScalableBloomFilter;
    /// let mut f = ScalableBloomFilter::with_rate(2, 0.01)?;
    /// for k in [&b"a"[..], b"b", b"c"] { f.insert(k)?; }
    /// let bytes = f.to_bytes();
    /// let g = ScalableBloomFilter::from_bytes(&bytes)?;
    /// assert_eq!(g, f);
    /// assert_eq!(g.to_bytes(), bytes);
    /// # Ok::<(), quorumkit::bloom::BloomError>(())
    /// ```
    ///
    /// # Errors
    /// As [`BloomFilter::from_bytes`]; also [`BloomError::Corrupt`] if the
    /// options are invalid or a stage differs from what they give (see above).
    pub fn from_bytes(bytes: &[u8]) -> Result<ScalableBloomFilter, BloomError> {
        let mut r = Reader::open(bytes, format::KIND_SCALABLE, format::HASH_XXH3_KM)?;
        let initial_capacity = r.u64()?;
        let fp_rate = r.f64()?;
        let growth = r.f64()?;
        let tightening = r.f64()?;
        check_options(initial_capacity, fp_rate, growth, tightening)
            .map_err(format::corrupt_param)?;
        let count = r.u32()?;
        r.reserved32()?;
        if !(1..=MAX_STAGES).contains(&count) {
            return Err(BloomError::Corrupt(text!(
                "stage count ",
                count,
                " is not in 1..=",
                MAX_STAGES
            )));
        }
        let mut f = ScalableBloomFilter {
            initial_capacity,
            fp_rate,
            growth,
            tightening,
            stages: Vec::with_capacity(count as usize),
        };
        let mut total_bits = 0u64;
        for i in 0..count {
            let capacity = r.u64()?;
            let inserted = r.u64()?;
            let Some((want_capacity, want_bits, want_hashes)) = f.stage_shape(i) else {
                return Err(BloomError::Corrupt(text!(
                    "stage ",
                    i,
                    " cannot exist with these options"
                )));
            };
            if capacity != want_capacity {
                return Err(BloomError::Corrupt(text!(
                    "stage ",
                    i,
                    " has capacity ",
                    capacity,
                    ", but the options give ",
                    want_capacity
                )));
            }
            let filter = BloomFilter::read_block(&mut r, false)?;
            if (filter.bits(), filter.hashes()) != (want_bits, want_hashes) {
                return Err(BloomError::Corrupt(text!(
                    "stage ",
                    i,
                    " has ",
                    filter.bits(),
                    " bits and ",
                    filter.hashes(),
                    " hashes, but the options give ",
                    want_bits,
                    " and ",
                    want_hashes
                )));
            }
            total_bits += want_bits;
            if total_bits > MAX_BITS {
                return Err(BloomError::Corrupt(text!(
                    "the stages hold ",
                    total_bits,
                    " bits, more than ",
                    MAX_BITS
                )));
            }
            if inserted > capacity || inserted > filter.count_ones() {
                return Err(BloomError::Corrupt(text!(
                    "stage ",
                    i,
                    " claims ",
                    inserted,
                    " items, more than its capacity (",
                    capacity,
                    ") or its set bits (",
                    filter.count_ones(),
                    ")"
                )));
            }
            if f.stages.last().is_some_and(|s| s.count != s.capacity) {
                return Err(BloomError::Corrupt(text!(
                    "stage ",
                    i - 1,
                    " is not full but stage ",
                    i,
                    " follows it"
                )));
            }
            f.stages.push(Stage {
                filter,
                capacity,
                count: inserted,
            });
        }
        r.finish()?;
        Ok(f)
    }
}

shared_methods!(
    ScalableBloomFilter,
    "ScalableBloomFilter::with_rate(100, 0.01)"
);

fn check_options(n0: u64, p: f64, growth: f64, tightening: f64) -> Result<(), ArgError> {
    check_expected_items(n0)?;
    check_fp_rate(p)?;
    if !(1.0..=16.0).contains(&growth) {
        return Err(ArgError::range("growth", "a number in [1, 16]", growth));
    }
    if !(tightening > 0.0 && tightening < 1.0) {
        return Err(ArgError::range(
            "tightening",
            "a number in (0, 1)",
            tightening,
        ));
    }
    if p * (1.0 - tightening) < MIN_FP_RATE {
        return Err(ArgError::range(
            "fpRate",
            "at least 1e-19 / (1 - tightening), so the first stage can be sized",
            p,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_paper() {
        let mut f = ScalableBloomFilter::with_options(100, 0.01, 2.0, 0.5).unwrap();
        let mut i = 0u32;
        while f.stage_count() < 4 {
            f.insert(&i.to_le_bytes()).unwrap();
            i += 1;
        }
        for s in 0..4 {
            assert_eq!(f.stage_capacity(s), Some(100 << s));
            let p = 0.01 * 0.5 * 0.5f64.powi(s as i32);
            let want = BloomFilter::optimal_params(100 << s, p).unwrap();
            let st = f.stage(s).unwrap();
            assert_eq!((st.bits(), st.hashes()), want);
        }
        // Keys that looked present (false positives) are not counted.
        assert!(f.len() <= u64::from(i) && f.len() + 10 > u64::from(i));
        for s in 0..3 {
            assert_eq!(f.stage_len(s), f.stage_capacity(s));
        }
        assert!(f.fp_bound() < 0.01);
    }

    #[test]
    fn options_are_validated() {
        let e = |n, p, s, r| {
            ScalableBloomFilter::with_options(n, p, s, r)
                .unwrap_err()
                .param
        };
        assert_eq!(e(0, 0.01, 2.0, 0.9), "expectedItems");
        assert_eq!(e(10, 1.5, 2.0, 0.9), "fpRate");
        assert_eq!(e(10, 0.01, 0.99, 0.9), "growth");
        assert_eq!(e(10, 0.01, f64::NAN, 0.9), "growth");
        assert_eq!(e(10, 0.01, 2.0, 1.0), "tightening");
        assert_eq!(e(10, 0.01, 2.0, 0.0), "tightening");
        assert_eq!(e(10, 1e-19, 2.0, 0.9), "fpRate");
    }

    #[test]
    fn growth_stops_with_an_error_not_a_panic() {
        // Tightening so strong that stage 2's rate falls below MIN_FP_RATE.
        let mut f = ScalableBloomFilter::with_options(1, 1e-3, 1.0, 1e-8).unwrap();
        let mut err = None;
        for i in 0..10u32 {
            if let Err(e) = f.insert(&i.to_le_bytes()) {
                err = Some(e);
                break;
            }
        }
        assert!(matches!(err, Some(BloomError::CapacityExceeded { .. })));
        let before = f.clone();
        assert!(f.insert(b"another new key").is_err());
        assert_eq!(f, before);
    }

    #[test]
    fn stage_bookkeeping_fits_the_documented_bound() {
        // from_bytes documents 64 bytes per stage besides its bit array.
        assert!(core::mem::size_of::<Stage>() <= 64);
    }

    #[test]
    fn inconsistent_stages_are_rejected() {
        let mut f = ScalableBloomFilter::with_rate(1, 0.01).unwrap();
        f.insert(b"a").unwrap();
        f.insert(b"b").unwrap();
        let mut bytes = f.to_bytes();
        // Stage 0's item count (offset 8 + 40 + 8) := 0: stage 0 not full.
        bytes[56] = 0;
        let n = bytes.len();
        let crc = crate::hash::crc32(&bytes[..n - 4]);
        bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert!(matches!(
            ScalableBloomFilter::from_bytes(&bytes),
            Err(BloomError::Corrupt(_))
        ));
    }
}
