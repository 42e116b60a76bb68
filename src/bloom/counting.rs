//! The counting Bloom filter: 4-bit saturating counters, so keys can be removed.

use super::classic::{check_bits, check_hashes};
use super::format::{self, BloomError, Reader, Writer};
use super::{for_each_packed, swamidass_baldi, BloomFilter, Probes};
use crate::prelude::*;
use crate::ArgError;

/// The largest value of a counter; a counter that reaches it stays there.
const SATURATED: u64 = 15;

/// A counting Bloom filter: `m` 4-bit counters instead of bits, so keys can be
/// [removed](CountingBloomFilter::remove).
///
/// It probes exactly the positions a [`BloomFilter`] with the same `m` and `k`
/// would (hash id 1), so [`CountingBloomFilter::to_bloom_filter`] yields the
/// classic filter of the same keys, ready to ship. Counters saturate at 15 and
/// then never change again: they never wrap, and a saturated counter is never
/// decremented, so removals can never cause a false negative for a key that
/// is still present. Removing a key that was never inserted (a false
/// positive) can, as with every counting filter; [`remove`] only removes keys
/// that are possibly present.
///
/// [`remove`]: CountingBloomFilter::remove
///
/// # Examples
/// ```
/// use quorumkit::bloom::CountingBloomFilter;
/// let mut f = CountingBloomFilter::with_rate(1000, 0.01)?;
/// f.insert(b"session:1");
/// assert!(f.contains(b"session:1"));
/// assert!(f.remove(b"session:1"));
/// assert!(!f.contains(b"session:1"));
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountingBloomFilter {
    counters: u64,
    hashes: u32,
    words: Vec<u64>,
}

fn word_count(counters: u64) -> usize {
    counters.div_ceil(16) as usize
}

impl CountingBloomFilter {
    /// A filter sized like [`BloomFilter::with_rate`] (`m` counters, `k` probes).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::CountingBloomFilter::with_rate(100_000, 0.01)?;
    /// assert_eq!((f.counters(), f.hashes()), (958_506, 7));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`BloomFilter::with_rate`].
    pub fn with_rate(expected_items: u64, fp_rate: f64) -> Result<CountingBloomFilter, ArgError> {
        let (m, k) = BloomFilter::optimal_params(expected_items, fp_rate)?;
        CountingBloomFilter::new(m, k)
    }

    /// An empty filter of `counters` counters and `hashes` probes.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::CountingBloomFilter::new(100, 3)?;
    /// assert_eq!(f.words().len(), 7); // ceil(100 / 16)
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `bits` (the counter count, as for the classic
    /// filter) unless in `1..=MAX_BITS`, or `hashes` unless in `1..=MAX_HASHES`.
    pub fn new(counters: u64, hashes: u32) -> Result<CountingBloomFilter, ArgError> {
        check_bits(counters)?;
        check_hashes(hashes)?;
        Ok(CountingBloomFilter {
            counters,
            hashes,
            words: vec![0; word_count(counters)],
        })
    }

    /// The number of counters, `m`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::CountingBloomFilter::new(100, 3)?.counters(), 100);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn counters(&self) -> u64 {
        self.counters
    }

    /// The number of probes per key, `k`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::CountingBloomFilter::new(100, 3)?.hashes(), 3);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn hashes(&self) -> u32 {
        self.hashes
    }

    /// The counters packed sixteen to a u64 word: counter `c` is bits
    /// `4·(c%16) .. 4·(c%16)+4` of word `c/16`.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::new(16, 1)?;
    /// f.insert(b"k");
    /// f.insert(b"k");
    /// let c = f.positions(b"k")[0];
    /// assert_eq!(f.words()[0] >> (4 * c) & 0xF, 2);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The value of counter `index` (0 if out of range).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::new(100, 1)?;
    /// f.insert(b"k");
    /// assert_eq!(f.counter(f.positions(b"k")[0]), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn counter(&self, index: u32) -> u8 {
        self.get(u64::from(index)) as u8
    }

    /// The `k` probe positions of `key` (counter indices, possibly repeated).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::{BloomFilter, CountingBloomFilter};
    /// let c = CountingBloomFilter::new(1000, 4)?;
    /// assert_eq!(c.positions(b"a"), BloomFilter::new(1000, 4)?.positions(b"a"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn positions(&self, key: &[u8]) -> Vec<u32> {
        self.probes(key).map(|p| p as u32).collect()
    }

    fn probes(&self, key: &[u8]) -> Probes {
        Probes::new(key, self.counters, self.hashes)
    }

    #[inline]
    fn get(&self, p: u64) -> u64 {
        self.words
            .get((p >> 4) as usize)
            .map_or(0, |w| w >> ((p & 15) * 4) & 0xF)
    }

    /// Adds `key`, incrementing its counters (saturating at 15). Returns
    /// `true` if it was certainly not present before.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// assert!(f.insert(b"x"));
    /// assert!(!f.insert(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn insert(&mut self, key: &[u8]) -> bool {
        let mut new = false;
        for p in self.probes(key) {
            let shift = (p & 15) * 4;
            if let Some(w) = self.words.get_mut((p >> 4) as usize) {
                let c = *w >> shift & 0xF;
                new |= c == 0;
                if c < SATURATED {
                    *w += 1 << shift;
                }
            }
        }
        new
    }

    /// Removes one insertion of `key` if it is possibly present, decrementing
    /// its counters (saturated counters stay at 15). Returns whether it did.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// f.insert(b"x");
    /// assert!(f.remove(b"x"));
    /// assert!(f.contains(b"x")); // inserted twice, removed once
    /// assert!(f.remove(b"x"));
    /// assert!(!f.remove(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn remove(&mut self, key: &[u8]) -> bool {
        if !self.contains(key) {
            return false;
        }
        for p in self.probes(key) {
            let shift = (p & 15) * 4;
            if let Some(w) = self.words.get_mut((p >> 4) as usize) {
                let c = *w >> shift & 0xF;
                if c != 0 && c < SATURATED {
                    *w -= 1 << shift;
                }
            }
        }
        true
    }

    /// Whether `key` is possibly present (every counter non-zero).
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// assert!(!f.contains(b"x"));
    /// f.insert(b"x");
    /// assert!(f.contains(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn contains(&self, key: &[u8]) -> bool {
        self.probes(key).all(|p| self.get(p) != 0)
    }

    /// The smallest counter of `key`: an upper bound on how many times it
    /// was inserted (and not removed), capped at 15.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// f.insert(b"x");
    /// assert_eq!(f.count(b"x"), 2);
    /// assert_eq!(f.count(b"y"), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn count(&self, key: &[u8]) -> u8 {
        self.probes(key).map(|p| self.get(p)).min().unwrap_or(0) as u8
    }

    /// Removes a packed batch, writing 1 into `out[i]` if key `i` was removed
    /// (pass an empty `out` to skip); returns how many were removed.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"a");
    /// let mut out = [0u8; 2];
    /// assert_eq!(f.remove_many(b"ab", &[1, 2], &mut out)?, 1);
    /// assert_eq!(out, [1, 0]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `ends` or `out`; nothing is removed then.
    pub fn remove_many(
        &mut self,
        keys: &[u8],
        ends: &[u32],
        out: &mut [u8],
    ) -> Result<usize, ArgError> {
        for_each_packed(keys, ends, out, true, |key| {
            Ok::<_, ArgError>(self.remove(key))
        })
    }

    /// Resets every counter to 0.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// f.clear();
    /// assert_eq!(f.count_nonzero(), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn clear(&mut self) {
        self.words.fill(0);
    }

    /// The number of non-zero counters.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::new(1 << 20, 2)?;
    /// f.insert(b"x");
    /// assert_eq!(f.count_nonzero(), 2);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn count_nonzero(&self) -> u64 {
        self.words
            .iter()
            .map(|&w| u64::from(nonzero_nibbles(w)))
            .sum()
    }

    /// The number of counters stuck at 15.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::new(100, 1)?;
    /// for _ in 0..20 { f.insert(b"x"); }
    /// assert_eq!(f.count_saturated(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn count_saturated(&self) -> u64 {
        self.words
            .iter()
            .map(|&w| u64::from(16 - nonzero_nibbles(!w)))
            .sum()
    }

    /// The fraction of non-zero counters.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::new(4, 1)?;
    /// f.insert(b"x");
    /// assert_eq!(f.fill_ratio(), 0.25);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn fill_ratio(&self) -> f64 {
        self.count_nonzero() as f64 / self.counters as f64
    }

    /// The Swamidass–Baldi estimate of the distinct keys present, from the
    /// non-zero counters.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::CountingBloomFilter::with_rate(1000, 0.01)?;
    /// for i in 0..500u32 { f.insert(&i.to_le_bytes()); }
    /// assert!((f.estimated_len() - 500.0).abs() < 25.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_len(&self) -> f64 {
        swamidass_baldi(self.counters, self.hashes, self.count_nonzero())
    }

    /// The false-positive rate for a fresh key now, `fill_ratio^k`.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::CountingBloomFilter::with_rate(1000, 0.01)?;
    /// assert_eq!(f.estimated_fp_rate(), 0.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_fp_rate(&self) -> f64 {
        self.fill_ratio().powi(self.hashes as i32)
    }

    /// The classic filter of the same keys (a bit per non-zero counter), to
    /// ship to readers that never remove.
    ///
    /// # Examples
    /// ```
    /// let mut c = quorumkit::bloom::CountingBloomFilter::with_rate(100, 0.01)?;
    /// c.insert(b"x");
    /// let b = c.to_bloom_filter();
    /// assert!(b.contains(b"x"));
    /// assert_eq!(b.bits(), c.counters());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn to_bloom_filter(&self) -> BloomFilter {
        let mut words = vec![0u64; self.counters.div_ceil(64) as usize];
        for (c, &w) in self.words.iter().enumerate() {
            let mut w = w;
            let mut i = 0;
            while w != 0 {
                if w & 0xF != 0 {
                    let p = c * 16 + i;
                    if let Some(word) = words.get_mut(p / 64) {
                        *word |= 1 << (p % 64);
                    }
                }
                w >>= 4;
                i += 1;
            }
        }
        BloomFilter::from_words(self.counters, self.hashes, words)
    }

    /// Serializes to the version-1 byte format (kind 2, hash id 1).
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::CountingBloomFilter::new(16, 3)?;
    /// assert_eq!(f.to_bytes().len(), 8 + 16 + 8 + 4);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(
            format::KIND_COUNTING,
            format::HASH_XXH3_KM,
            format::BLOCK_PARAMS_LEN + 8 * self.words.len(),
        );
        w.block_params(self.counters, self.hashes);
        w.words64(&self.words);
        w.finish()
    }

    /// Decodes the version-1 byte format.
    ///
    /// What decodes is a filter [`CountingBloomFilter::new`] could have made
    /// (counters in `1..=`[`MAX_BITS`](super::MAX_BITS), hashes in
    /// `1..=`[`MAX_HASHES`](super::MAX_HASHES), no counter set past the last),
    /// and it re-encodes to exactly `bytes`. It holds at most 2 bytes of
    /// memory per encoded byte (the counters are the payload) and never grows.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::CountingBloomFilter;
    /// let mut f = CountingBloomFilter::with_rate(100, 0.01)?;
    /// f.insert(b"x");
    /// assert_eq!(CountingBloomFilter::from_bytes(&f.to_bytes())?, f);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`BloomFilter::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<CountingBloomFilter, BloomError> {
        let mut r = Reader::open(bytes, format::KIND_COUNTING, format::HASH_XXH3_KM)?;
        let (counters, hashes) = r.block_params()?;
        check_bits(counters).map_err(format::corrupt_param)?;
        check_hashes(hashes).map_err(format::corrupt_param)?;
        let n = word_count(counters);
        r.expect_exact(8 * n as u64)?;
        format::verify_crc(bytes)?;
        let words = r.words64(n)?;
        r.finish()?;
        let pad = counters % 16;
        if pad != 0 && words.last().is_some_and(|w| w >> (4 * pad) != 0) {
            return Err(BloomError::Corrupt(
                "padding counters after the last counter are set".into(),
            ));
        }
        Ok(CountingBloomFilter {
            counters,
            hashes,
            words,
        })
    }
}

shared_methods!(
    CountingBloomFilter,
    "CountingBloomFilter::with_rate(100, 0.01)",
    insert
);

/// The number of non-zero nibbles in `w`.
fn nonzero_nibbles(w: u64) -> u32 {
    const LOW: u64 = 0x1111_1111_1111_1111;
    // Fold each nibble's bits into its lowest bit.
    let x = w | (w >> 1);
    let x = x | (x >> 2);
    (x & LOW).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nibble_counts() {
        assert_eq!(nonzero_nibbles(0), 0);
        assert_eq!(nonzero_nibbles(u64::MAX), 16);
        assert_eq!(nonzero_nibbles(0x8000_0000_0000_0010), 2);
        assert_eq!(nonzero_nibbles(0x0F0F), 2);
    }

    #[test]
    fn counters_saturate_and_never_wrap() {
        let mut f = CountingBloomFilter::new(64, 1).unwrap();
        for _ in 0..40 {
            f.insert(b"hot");
        }
        assert_eq!(f.count(b"hot"), 15);
        assert_eq!(f.count_saturated(), 1);
        // A saturated counter is sticky: removals never bring it to zero.
        for _ in 0..40 {
            assert!(f.remove(b"hot"));
        }
        assert_eq!(f.count(b"hot"), 15);
        assert!(f.contains(b"hot"));
    }

    #[test]
    fn matches_the_classic_filter() {
        let mut c = CountingBloomFilter::with_rate(500, 0.02).unwrap();
        let mut b = BloomFilter::with_rate(500, 0.02).unwrap();
        for i in 0..400u32 {
            let k = format!("user:{i}");
            assert_eq!(c.insert(k.as_bytes()), b.insert(k.as_bytes()));
        }
        assert_eq!(c.to_bloom_filter(), b);
        assert!((c.estimated_len() - b.estimated_len()).abs() < 1e-9);
        assert_eq!(c.fill_ratio(), b.fill_ratio());
    }

    #[test]
    fn padding_counters_are_rejected() {
        let f = CountingBloomFilter::new(3, 2).unwrap();
        let mut bytes = f.to_bytes();
        bytes[24 + 2] = 0x01; // counter 4, past the 3 counters
        let n = bytes.len();
        let crc = crate::hash::crc32(&bytes[..n - 4]);
        bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert!(matches!(
            CountingBloomFilter::from_bytes(&bytes),
            Err(BloomError::Corrupt(_))
        ));
    }
}
