//! The cache-line-blocked Bloom filter: one 512-bit block per key.

use super::classic::check_hashes;
use super::format::{self, BloomError, Reader, Writer};
use super::{blocked_fp, check_expected_items, check_fp_rate, mix64, MAX_BITS, MAX_HASHES};
use crate::prelude::*;
use crate::ArgError;

/// Bits in one block: one 64-byte cache line.
pub const BLOCK_BITS: u64 = 512;

/// Added to the state before each SplitMix64 step that draws bit positions.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// One block, aligned to a cache line so that a key touches exactly one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(64))]
struct Block([u64; 8]);

/// A cache-line-blocked Bloom filter (Putze, Sanders and Singler,
/// "Cache-, hash- and space-efficient Bloom filters", 2007): the bit array is
/// a sequence of 512-bit blocks, each one 64-byte cache line, and a key sets
/// and tests its `k` bits inside the one block its hash picks. A lookup
/// therefore costs one hash and one cache miss, where the classic
/// [`BloomFilter`](super::BloomFilter) costs `k` misses; the price is a few
/// more bits per key at the same false-positive rate, which
/// [`BlockedBloomFilter::with_rate`] pays.
///
/// Hashing (format contract, hash id 3): `h = XXH3-64(key, seed 0)`; the
/// block is `((h >> 32) · blocks) >> 32`; the bit positions inside it are
/// the successive 9-bit fields (least significant first, seven per word) of
/// the SplitMix64 stream seeded with `h`: `g_1 = mix64(h + γ)`,
/// `g_{j+1} = mix64(g_j + γ)`, `γ = 0x9e3779b97f4a7c15`, where `mix64` is the
/// finalizer of the module docs. Positions may repeat for one key. Bit `b`
/// of a block is bit `b % 64` of its word `b / 64`.
///
/// # Examples
/// ```
/// use quorumkit::bloom::BlockedBloomFilter;
/// let mut f = BlockedBloomFilter::with_rate(10_000, 0.01)?;
/// f.insert(b"user:1");
/// assert!(f.contains(b"user:1"));
/// let p = f.positions(b"user:1");
/// assert!(p.iter().all(|&b| b / 512 == p[0] / 512)); // one block
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedBloomFilter {
    blocks: Vec<Block>,
    hashes: u32,
}

impl BlockedBloomFilter {
    /// A filter for `expected_items` keys at false-positive rate `fp_rate`,
    /// sized by [`BlockedBloomFilter::optimal_params`].
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::BlockedBloomFilter::with_rate(1_000_000, 0.01)?;
    /// assert_eq!(f.bits() % 512, 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `expectedItems` (not in
    /// `1..=`[`MAX_ITEMS`](super::MAX_ITEMS), or too many bits) or `fpRate`
    /// (not in `[1e-19, 1)`).
    pub fn with_rate(expected_items: u64, fp_rate: f64) -> Result<BlockedBloomFilter, ArgError> {
        let (bits, hashes) = Self::optimal_params(expected_items, fp_rate)?;
        Self::new(bits, hashes)
    }

    /// The bits and hashes [`BlockedBloomFilter::with_rate`] picks: the
    /// fewest blocks `B` for which some `k` in `1..=`[`MAX_HASHES`] keeps the
    /// expected false-positive rate at `n` keys within `p`, and that `k`.
    ///
    /// Keys spread over blocks as a Poisson process, so a block holds `j` keys
    /// with probability `Pois(λ; j)`, `λ = n / B`, and a fresh key then hits
    /// as in a classic filter of 512 bits holding `j` keys (Putze, Sanders
    /// and Singler, 2007, section 3):
    ///
    /// ```text
    /// fp(λ, k) = Σ_j e^(-λ) λ^j / j! · (1 - (1 - 1/512)^(j·k))^k
    /// ```
    ///
    /// This gives 6.3 bits per key at 5% (k = 4), 9.9 at 1% (k = 6), 15.5 at
    /// 0.1% (k = 9) and 21.9 at 0.01% (k = 12), where the classic filter
    /// needs 6.2, 9.6, 14.4 and 19.2: the blocks' uneven load costs more as
    /// `p` falls.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BlockedBloomFilter;
    /// let (bits, hashes) = BlockedBloomFilter::optimal_params(1_000_000, 0.01)?;
    /// assert!((bits as f64 / 1e6 - 9.9).abs() < 0.05);
    /// assert_eq!(hashes, 6);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`BlockedBloomFilter::with_rate`].
    pub fn optimal_params(expected_items: u64, fp_rate: f64) -> Result<(u64, u32), ArgError> {
        check_expected_items(expected_items)?;
        check_fp_rate(fp_rate)?;
        let n = expected_items as f64;
        let max_blocks = MAX_BITS / BLOCK_BITS;
        if best_k(n / max_blocks as f64).1 > fp_rate {
            return Err(ArgError::range(
                "expectedItems",
                crate::text!("small enough for ", MAX_BITS, " bits at this fpRate"),
                expected_items,
            ));
        }
        // The best fp decreases as blocks grow: find the fewest that suffice.
        let (mut lo, mut hi) = (1u64, max_blocks);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if best_k(n / mid as f64).1 <= fp_rate {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok((lo * BLOCK_BITS, best_k(n / lo as f64).0))
    }

    /// The expected false-positive rate of a filter of `bits` bits and
    /// `hashes` probes holding `items` keys (the formula of
    /// [`BlockedBloomFilter::optimal_params`]).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BlockedBloomFilter;
    /// let fp = BlockedBloomFilter::expected_fp_rate(9_896_448, 6, 1_000_000);
    /// assert!((fp - 0.01).abs() < 0.0002);
    /// ```
    pub fn expected_fp_rate(bits: u64, hashes: u32, items: u64) -> f64 {
        let blocks = (bits / BLOCK_BITS).max(1);
        expected_fp(items as f64 / blocks as f64, hashes)
    }

    /// An empty filter of `bits` bits (a positive multiple of 512) and
    /// `hashes` probes per key.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BlockedBloomFilter;
    /// assert_eq!(BlockedBloomFilter::new(2048, 7)?.blocks(), 4);
    /// assert_eq!(BlockedBloomFilter::new(1000, 7).unwrap_err().param, "bits");
    /// assert_eq!(BlockedBloomFilter::new(512, 0).unwrap_err().param, "hashes");
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `bits` unless it is a multiple of 512 in
    /// `512..=`[`MAX_BITS`], or `hashes` unless it is in `1..=`[`MAX_HASHES`].
    pub fn new(bits: u64, hashes: u32) -> Result<BlockedBloomFilter, ArgError> {
        check_blocked_bits(bits)?;
        check_hashes(hashes)?;
        Ok(BlockedBloomFilter {
            blocks: vec![Block::default(); (bits / BLOCK_BITS) as usize],
            hashes,
        })
    }

    /// The number of bits, `m` (512 per block).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BlockedBloomFilter::new(1024, 3)?.bits(), 1024);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn bits(&self) -> u64 {
        self.blocks.len() as u64 * BLOCK_BITS
    }

    /// The number of 512-bit blocks.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BlockedBloomFilter::new(1024, 3)?.blocks(), 2);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// `k`, the bits each key sets in its block.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BlockedBloomFilter::new(1024, 3)?.hashes(), 3);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn hashes(&self) -> u32 {
        self.hashes
    }

    /// The bit array as u64 words, eight per block, for zero-copy views.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::bloom::BlockedBloomFilter::new(1024, 3)?.words().len(), 16);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn words(&self) -> &[u64] {
        // SAFETY: `Block` is `repr(C)` around `[u64; 8]` with an alignment of
        // 64, its size: no padding, so the blocks are `8 · len` contiguous
        // initialized u64s, borrowed for as long as `self`.
        unsafe {
            core::slice::from_raw_parts(self.blocks.as_ptr().cast::<u64>(), self.blocks.len() * 8)
        }
    }

    /// The block a hash picks: `((h >> 32) · blocks) >> 32`.
    #[inline]
    fn block_of(&self, h: u64) -> usize {
        // blocks <= 2^23 and h >> 32 < 2^32: the product fits in u64.
        (((h >> 32) * self.blocks.len() as u64) >> 32) as usize
    }

    /// The `k` bit indices `key` maps to (block·512 + bit), possibly repeated.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::BlockedBloomFilter::new(1024, 5)?;
    /// assert_eq!(f.positions(b"a").len(), 5);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn positions(&self, key: &[u8]) -> Vec<u32> {
        let h = crate::hash::xxh3_64(key);
        // block · 512 + bit < MAX_BITS = 2^32.
        let base = (self.block_of(h) as u64 * BLOCK_BITS) as u32;
        BlockBits::new(h, self.hashes).map(|b| base + b).collect()
    }

    /// Adds `key`; returns `true` if it was certainly not present before.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 7)?;
    /// assert!(f.insert(b"x"));
    /// assert!(!f.insert(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn insert(&mut self, key: &[u8]) -> bool {
        self.insert_hash(crate::hash::xxh3_64(key))
    }

    /// [`BlockedBloomFilter::insert`] for a precomputed `XXH3-64(key)`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::{bloom::BlockedBloomFilter, hash::xxh3_64};
    /// let mut f = BlockedBloomFilter::new(512, 7)?;
    /// f.insert_hash(xxh3_64(b"x"));
    /// assert!(f.contains(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn insert_hash(&mut self, h: u64) -> bool {
        let b = self.block_of(h);
        let k = self.hashes;
        let Some(block) = self.blocks.get_mut(b) else {
            return false;
        };
        // Straight into the block's words: the block is one cache line, so
        // after the first touch every access hits L1.
        let mut clear = 0u64;
        for bit in BlockBits::new(h, k) {
            let w = &mut block.0[(bit >> 6) as usize];
            clear |= (!*w >> (bit & 63)) & 1;
            *w |= 1 << (bit & 63);
        }
        clear != 0
    }

    /// Whether `key` is possibly present.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 7)?;
    /// f.insert(b"x");
    /// assert!(f.contains(b"x"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn contains(&self, key: &[u8]) -> bool {
        self.contains_hash(crate::hash::xxh3_64(key))
    }

    /// [`BlockedBloomFilter::contains`] for a precomputed `XXH3-64(key)`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::{bloom::BlockedBloomFilter, hash::xxh3_64};
    /// let mut f = BlockedBloomFilter::new(512, 7)?;
    /// f.insert(b"x");
    /// assert!(f.contains_hash(xxh3_64(b"x")));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    #[inline]
    pub fn contains_hash(&self, h: u64) -> bool {
        let b = self.block_of(h);
        self.blocks.get(b).is_some_and(|block| {
            // Branch-free: AND every probed bit, no exit per probe.
            BlockBits::new(h, self.hashes).fold(1u64, |all, bit| {
                all & (block.0[(bit >> 6) as usize] >> (bit & 63))
            }) & 1
                == 1
        })
    }

    /// Removes every key.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 7)?;
    /// f.insert(b"x");
    /// f.clear();
    /// assert_eq!(f.count_ones(), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn clear(&mut self) {
        self.blocks.fill(Block::default());
    }

    /// The number of set bits.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 1)?;
    /// f.insert(b"x");
    /// assert_eq!(f.count_ones(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn count_ones(&self) -> u64 {
        self.words().iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// The fraction of bits set.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 1)?;
    /// f.insert(b"x");
    /// assert_eq!(f.fill_ratio(), 1.0 / 512.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn fill_ratio(&self) -> f64 {
        self.count_ones() as f64 / self.bits() as f64
    }

    /// The estimated number of distinct keys inserted. A key sets a given bit
    /// with probability `q = (1 - (1 - 1/512)^k) / blocks`, independently of
    /// other keys, so `x` set bits of `m` estimate `ln(1 - x/m) / ln(1 - q)`
    /// keys; `f64::INFINITY` once every bit is set.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::with_rate(10_000, 0.01)?;
    /// for i in 0..5_000u32 { f.insert(&i.to_le_bytes()); }
    /// assert!((f.estimated_len() - 5_000.0).abs() < 150.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_len(&self) -> f64 {
        let m = self.bits() as f64;
        let x = self.count_ones() as f64;
        if x >= m {
            return f64::INFINITY;
        }
        let per_block = 1.0 - (1.0 - 1.0 / BLOCK_BITS as f64).powi(self.hashes as i32);
        let q = per_block / self.blocks.len() as f64;
        (1.0 - x / m).ln() / (1.0 - q).ln()
    }

    /// The false-positive rate for a fresh key given the bits set now: the
    /// mean over blocks of the block's fill ratio to the power `k`.
    ///
    /// # Examples
    /// ```
    /// let mut f = quorumkit::bloom::BlockedBloomFilter::new(512, 1)?;
    /// assert_eq!(f.estimated_fp_rate(), 0.0);
    /// f.insert(b"x");
    /// assert_eq!(f.estimated_fp_rate(), 1.0 / 512.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn estimated_fp_rate(&self) -> f64 {
        let k = self.hashes as i32;
        let sum: f64 = self
            .blocks
            .iter()
            .map(|b| {
                let ones: u32 = b.0.iter().map(|w| w.count_ones()).sum();
                (f64::from(ones) / BLOCK_BITS as f64).powi(k)
            })
            .sum();
        sum / self.blocks.len().max(1) as f64
    }

    /// Adds every key of `other` (bitwise OR).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BlockedBloomFilter;
    /// let mut a = BlockedBloomFilter::new(1024, 7)?;
    /// let mut b = a.clone();
    /// b.insert(b"b");
    /// a.union(&b)?;
    /// assert!(a.contains(b"b"));
    /// assert!(a.union(&BlockedBloomFilter::new(512, 7)?).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `other` if its bits or hashes differ.
    pub fn union(&mut self, other: &BlockedBloomFilter) -> Result<(), ArgError> {
        self.combine(other, |a, b| a | b)
    }

    /// Keeps only bits set in both (bitwise AND).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::BlockedBloomFilter;
    /// let mut a = BlockedBloomFilter::new(1024, 7)?;
    /// a.insert(b"a");
    /// let b = a.clone();
    /// a.intersect(&b)?;
    /// assert!(a.contains(b"a"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] naming `other` if its bits or hashes differ.
    pub fn intersect(&mut self, other: &BlockedBloomFilter) -> Result<(), ArgError> {
        self.combine(other, |a, b| a & b)
    }

    fn combine(
        &mut self,
        other: &BlockedBloomFilter,
        op: impl Fn(u64, u64) -> u64,
    ) -> Result<(), ArgError> {
        if self.blocks.len() != other.blocks.len() || self.hashes != other.hashes {
            return Err(ArgError::range(
                "other",
                crate::text!(
                    "a filter with the same bits (",
                    self.bits(),
                    ") and hashes (",
                    self.hashes,
                    ")"
                ),
                crate::text!(other.bits(), " bits, ", other.hashes, " hashes"),
            ));
        }
        for (a, b) in self.blocks.iter_mut().zip(&other.blocks) {
            for (x, y) in a.0.iter_mut().zip(b.0) {
                *x = op(*x, y);
            }
        }
        Ok(())
    }

    /// Serializes to the version-1 byte format (kind 5, hash id 3): the
    /// filter block (`m`, `k`, reserved), then the `m / 64` words.
    ///
    /// # Examples
    /// ```
    /// let f = quorumkit::bloom::BlockedBloomFilter::new(512, 7)?;
    /// assert_eq!(f.to_bytes().len(), 8 + 16 + 64 + 4);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let words = self.words();
        let mut w = Writer::new(
            format::KIND_BLOCKED,
            format::HASH_XXH3_BLOCKED,
            format::BLOCK_PARAMS_LEN + 8 * words.len(),
        );
        w.block_params(self.bits(), self.hashes);
        w.words64(words);
        w.finish()
    }

    /// Decodes the version-1 byte format.
    ///
    /// What decodes is a filter [`BlockedBloomFilter::new`] could have made
    /// (bits a positive multiple of 512, at most [`MAX_BITS`], hashes in
    /// `1..=`[`MAX_HASHES`]), and it re-encodes to exactly `bytes`. It holds
    /// at most 1 byte of memory per encoded byte and never grows.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::bloom::{BloomError, BlockedBloomFilter};
    /// let mut f = BlockedBloomFilter::new(512, 7)?;
    /// f.insert(b"x");
    /// let mut bytes = f.to_bytes();
    /// assert_eq!(BlockedBloomFilter::from_bytes(&bytes)?, f);
    /// bytes[30] ^= 4;
    /// assert!(matches!(BlockedBloomFilter::from_bytes(&bytes), Err(BloomError::Checksum { .. })));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`BloomFilter::from_bytes`](super::BloomFilter::from_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<BlockedBloomFilter, BloomError> {
        let mut r = Reader::open(bytes, format::KIND_BLOCKED, format::HASH_XXH3_BLOCKED)?;
        let (bits, hashes) = r.block_params()?;
        check_blocked_bits(bits).map_err(format::corrupt_param)?;
        check_hashes(hashes).map_err(format::corrupt_param)?;
        let n = (bits / 64) as usize;
        r.expect_exact(8 * n as u64)?;
        format::verify_crc(bytes)?;
        let words = r.words64(n)?;
        r.finish()?;
        let blocks = words
            .chunks_exact(8)
            .map(|c| {
                let mut b = Block::default();
                b.0.copy_from_slice(c);
                b
            })
            .collect();
        Ok(BlockedBloomFilter { blocks, hashes })
    }
}

shared_methods!(
    BlockedBloomFilter,
    "BlockedBloomFilter::with_rate(100, 0.01)",
    insert
);

/// The `k` bit positions (0..512) of a hash inside its block: successive
/// 9-bit fields, seven per step, of the SplitMix64 stream seeded with `h`.
struct BlockBits {
    state: u64,
    fields: u64,
    left: u32,
    remaining: u32,
}

impl BlockBits {
    #[inline]
    fn new(h: u64, k: u32) -> BlockBits {
        BlockBits {
            state: h,
            fields: 0,
            left: 0,
            remaining: k,
        }
    }
}

impl Iterator for BlockBits {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        if self.left == 0 {
            self.state = mix64(self.state.wrapping_add(GOLDEN));
            self.fields = self.state;
            self.left = 7;
        }
        let bit = (self.fields & 511) as u32;
        self.fields >>= 9;
        self.left -= 1;
        Some(bit)
    }
}

/// The `k` in `1..=MAX_HASHES` with the lowest expected false-positive rate
/// at `lambda` keys per block, and that rate.
fn best_k(lambda: f64) -> (u32, f64) {
    let mut best = (1, expected_fp(lambda, 1));
    for k in 2..=MAX_HASHES {
        let fp = expected_fp(lambda, k);
        if fp < best.1 {
            best = (k, fp);
        } else if fp > best.1 {
            // fp(λ, k) falls, then rises, in k: past the minimum.
            break;
        }
    }
    best
}

/// The expected false-positive rate at `lambda` keys per block on average
/// and `k` probes (see [`BlockedBloomFilter::optimal_params`]).
fn expected_fp(lambda: f64, k: u32) -> f64 {
    let probes = k as i32;
    let k = f64::from(k);
    let ln_q = (1.0 - 1.0 / BLOCK_BITS as f64).ln();
    let hit = |j: f64| (1.0 - (j * k * ln_q).exp()).powi(probes);
    blocked_fp(lambda, hit)
}

fn check_blocked_bits(bits: u64) -> Result<(), ArgError> {
    if (BLOCK_BITS..=MAX_BITS).contains(&bits) && bits % BLOCK_BITS == 0 {
        Ok(())
    } else {
        Err(ArgError::range(
            "bits",
            crate::text!("a positive multiple of 512, at most ", MAX_BITS),
            bits,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bloom::BloomFilter;

    #[test]
    fn block_bits_match_positions() {
        let f = BlockedBloomFilter::new(512 * 3, 20).unwrap();
        for key in [&b""[..], b"a", b"user:42"] {
            let h = crate::hash::xxh3_64(key);
            let mut masks = [0u64; 8];
            for bit in BlockBits::new(h, 20) {
                masks[(bit >> 6) as usize] |= 1 << (bit & 63);
            }
            let mut from_positions = [0u64; 8];
            let p = f.positions(key);
            assert_eq!(p.len(), 20);
            for &b in &p {
                assert_eq!(u64::from(b) / 512, f.block_of(h) as u64);
                let bit = b % 512;
                from_positions[(bit / 64) as usize] |= 1 << (bit % 64);
            }
            assert_eq!(masks, from_positions);
        }
    }

    #[test]
    fn positions_follow_the_documented_stream() {
        // k = 8 needs a second SplitMix64 step after seven 9-bit fields.
        let h = crate::hash::xxh3_64(b"k");
        let g1 = mix64(h.wrapping_add(GOLDEN));
        let g2 = mix64(g1.wrapping_add(GOLDEN));
        let f = BlockedBloomFilter::new(512, 8).unwrap();
        let p = f.positions(b"k");
        for (i, &b) in p.iter().take(7).enumerate() {
            assert_eq!(u64::from(b), (g1 >> (9 * i)) & 511);
        }
        assert_eq!(u64::from(p[7]), g2 & 511);
    }

    #[test]
    fn block_index_uses_the_high_half() {
        let f = BlockedBloomFilter::new(512 * 10, 3).unwrap();
        assert_eq!(f.block_of(0), 0);
        assert_eq!(f.block_of(u64::MAX), 9);
        assert_eq!(f.block_of(0x8000_0000_0000_0000), 5);
    }

    #[test]
    fn blocks_are_cache_line_aligned() {
        let f = BlockedBloomFilter::new(512 * 4, 3).unwrap();
        assert_eq!(core::mem::size_of::<Block>(), 64);
        assert_eq!(f.words().as_ptr() as usize % 64, 0);
    }

    #[test]
    fn sizing_pays_for_blocking() {
        // Bits per key from the formula, against the classic filter's.
        for p in [0.05, 0.01, 0.001, 1e-4, 1e-6] {
            let (bits, k) = BlockedBloomFilter::optimal_params(1_000_000, p).unwrap();
            let per_key = bits as f64 / 1e6;
            let classic = BloomFilter::optimal_params(1_000_000, p).unwrap().0 as f64 / 1e6;
            println!("p={p}: {per_key} bits per key, k={k} (classic {classic})");
            assert!(per_key > classic && per_key < 1.4 * classic, "p={p}");
            let fp = BlockedBloomFilter::expected_fp_rate(bits, k, 1_000_000);
            assert!(fp <= p && fp > 0.97 * p, "p={p}: fp {fp}");
        }
        assert!(expected_fp(0.0, 7) == 0.0);
        assert!(expected_fp(1e6, 7) > 0.99);
        assert_eq!(BlockedBloomFilter::optimal_params(1, 0.5).unwrap().0, 512);
        assert_eq!(
            BlockedBloomFilter::optimal_params(u64::MAX, 0.01)
                .unwrap_err()
                .param,
            "expectedItems"
        );
        assert_eq!(
            BlockedBloomFilter::optimal_params(1 << 40, 0.01)
                .unwrap_err()
                .param,
            "expectedItems"
        );
        assert!(BlockedBloomFilter::optimal_params(1000, 1e-19).is_ok());
    }

    #[test]
    fn bad_sizes_are_rejected() {
        assert_eq!(BlockedBloomFilter::new(0, 3).unwrap_err().param, "bits");
        assert_eq!(BlockedBloomFilter::new(256, 3).unwrap_err().param, "bits");
        assert_eq!(
            BlockedBloomFilter::new(MAX_BITS + 512, 3)
                .unwrap_err()
                .param,
            "bits"
        );
        assert_eq!(
            BlockedBloomFilter::new(512, 65).unwrap_err().param,
            "hashes"
        );
        assert_eq!(
            BlockedBloomFilter::with_rate(0, 0.1).unwrap_err().param,
            "expectedItems"
        );
        assert_eq!(
            BlockedBloomFilter::with_rate(10, 1.0).unwrap_err().param,
            "fpRate"
        );
    }
}
