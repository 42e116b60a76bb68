//! Bloom filter exports: one raw class per filter of [`crate::bloom`].
//!
//! The per-key exports (`add`, `has`, `remove`) read the key from the scratch
//! buffer and return a plain number; they cannot fail, so they cost no
//! `Result` tuple per call. The one per-key failure there is, a scalable
//! filter that cannot grow, comes back as the code [`ADD_FAILED`] with the
//! reason kept in the object (`error_message`), as the Snowflake generator does.
//!
//! Batch exports (`add_many`, `has_many`, …) read packed keys and write one
//! byte per key into the output buffer. The bit arrays stay in wasm memory:
//! `bits_ptr` / `bits_len` let the facade build a typed-array view over them
//! without a copy.
//!
//! Sizes arrive as `f64` and are checked with [`args::int`]; a filter's
//! memory (or a decoded filter's, at most its encoded length) is reserved with
//! `try_reserve` before the core allocates it, and a scalable filter's new
//! stage is allocated fallibly by the core, so an absurd size is an `Error`,
//! never an out-of-memory trap.

use super::args;
use super::errors::{arg_error, JsResult};
use super::scratch::{with_batch, with_key};
use crate::bloom::{
    BlockedBloomFilter, BloomError, BloomFilter, CountingBloomFilter, ScalableBloomFilter,
    SplitBlockBloomFilter, MAX_BITS, MAX_HASHES, MAX_ITEMS,
};
use crate::prelude::*;
use wasm_bindgen::prelude::*;

/// Returned by [`RawScalableBloomFilter::add`] when the filter could not grow.
pub const ADD_FAILED: u8 = 2;

/// Converts a core error: argument errors to `RangeError` / `TypeError`, the
/// rest (corrupt bytes, a full scalable filter) to `Error`.
fn bloom_error(e: BloomError) -> JsValue {
    match e {
        BloomError::Arg(a) => arg_error(a),
        other => js_sys::Error::new(&other.message()).into(),
    }
}

/// Checks that `bytes` more bytes can be allocated in wasm memory, so the
/// core's allocation that follows cannot abort.
fn reserve(bytes: u64) -> JsResult<()> {
    let fail = || -> JsValue {
        js_sys::Error::new(&crate::text!(
            "cannot allocate ",
            bytes,
            " bytes for the filter in wasm memory"
        ))
        .into()
    };
    let n = usize::try_from(bytes).map_err(|_| fail())?;
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(n).map_err(|_| fail())?;
    Ok(())
}

fn expected_items(v: f64) -> JsResult<u64> {
    args::int("expectedItems", v, 1, MAX_ITEMS).map_err(arg_error)
}

fn bits_arg(param: &'static str, v: f64) -> JsResult<u64> {
    args::int(param, v, 1, MAX_BITS).map_err(arg_error)
}

fn hashes_arg(v: f64) -> JsResult<u32> {
    // MAX_HASHES fits in u32.
    args::int("hashes", v, 1, u64::from(MAX_HASHES))
        .map(|h| h as u32)
        .map_err(arg_error)
}

/// Bytes of a classic filter of `bits` bits (u64 words).
fn classic_bytes(bits: u64) -> u64 {
    bits.div_ceil(64) * 8
}

/// The methods every filter type shares; `$core` must offer them.
macro_rules! common {
    ($raw:ident, $core:ident) => {
        #[wasm_bindgen]
        impl $raw {
            /// Whether the key in the key buffer (`len` bytes) is possibly present.
            pub fn has(&self, len: usize) -> bool {
                with_key(len, |k| self.inner.contains(k))
            }

            /// Tests `count` packed keys, writing 1/0 per key to the output
            /// buffer; returns how many are possibly present.
            pub fn has_many(&self, count: usize) -> JsResult<u32> {
                with_batch(count, count, |keys, ends, out| {
                    self.inner.contains_many(keys, ends, out)
                })?
                .map(|n| n as u32)
                .map_err(arg_error)
            }

            /// Removes every key.
            pub fn clear(&mut self) {
                self.inner.clear();
            }

            /// The Swamidass–Baldi estimate of the distinct keys added.
            pub fn estimated_count(&self) -> f64 {
                self.inner.estimated_len()
            }

            /// The estimated false-positive rate given the bits set now.
            pub fn estimated_fp_rate(&self) -> f64 {
                self.inner.estimated_fp_rate()
            }

            /// The version-1 byte format.
            pub fn to_bytes(&self) -> Vec<u8> {
                self.inner.to_bytes()
            }

            /// Decodes the byte format (`Error` with the reason if corrupt).
            /// The filter takes at most as many bytes as its encoding.
            pub fn from_bytes(bytes: &[u8]) -> JsResult<$raw> {
                reserve(bytes.len() as u64)?;
                $core::from_bytes(bytes)
                    .map(|inner| $raw { inner })
                    .map_err(bloom_error)
            }

            /// A deep copy.
            pub fn copy(&self) -> JsResult<$raw> {
                reserve(self.byte_len() as u64)?;
                Ok($raw {
                    inner: self.inner.clone(),
                })
            }
        }
    };
}

/// The per-key and batch adds of the filters whose `insert` cannot fail (all
/// but the scalable one), and their probe positions.
macro_rules! plain_adds {
    ($raw:ident) => {
        #[wasm_bindgen]
        impl $raw {
            /// Adds the key in the key buffer; 1 if it was certainly new.
            pub fn add(&mut self, len: usize) -> bool {
                with_key(len, |k| self.inner.insert(k))
            }

            /// Adds `count` packed keys; with `report`, writes 1/0 (certainly new or
            /// not) per key to the output buffer. Returns the certainly-new count.
            pub fn add_many(&mut self, count: usize, report: bool) -> JsResult<u32> {
                let out_len = if report { count } else { 0 };
                with_batch(count, out_len, |keys, ends, out| {
                    self.inner.insert_many(keys, ends, out)
                })?
                .map(|n| n as u32)
                .map_err(arg_error)
            }

            /// The probe positions (bit or counter indices) of the key in the key buffer.
            pub fn positions(&self, len: usize) -> Vec<u32> {
                with_key(len, |k| self.inner.positions(k))
            }
        }
    };
}

/// The bit-array exports of the filters of plain bits (classic, split-block,
/// blocked); `$word` is the byte size of the core's words.
macro_rules! bitset {
    ($raw:ident, $word:expr) => {
        #[wasm_bindgen]
        impl $raw {
            /// `m`, the number of bits.
            #[wasm_bindgen(getter)]
            pub fn size(&self) -> f64 {
                self.inner.bits() as f64
            }

            /// Address of the bit array (little-endian words: the byte format's payload).
            pub fn bits_ptr(&self) -> *const u8 {
                self.inner.words().as_ptr().cast()
            }

            /// Bytes of the bit array in wasm memory.
            pub fn byte_len(&self) -> usize {
                self.inner.words().len() * $word
            }

            /// Bits set.
            pub fn count_ones(&self) -> f64 {
                self.inner.count_ones() as f64
            }

            /// Fraction of bits set.
            pub fn fill_ratio(&self) -> f64 {
                self.inner.fill_ratio()
            }

            /// ORs `other` in (`RangeError` naming `other` if the sizes differ).
            pub fn union(&mut self, other: &$raw) -> JsResult<()> {
                self.inner.union(&other.inner).map_err(arg_error)
            }

            /// ANDs `other` in (`RangeError` naming `other` if the sizes differ).
            pub fn intersect(&mut self, other: &$raw) -> JsResult<()> {
                self.inner.intersect(&other.inner).map_err(arg_error)
            }
        }
    };
}

/// The classic filter.
#[wasm_bindgen]
pub struct RawBloomFilter {
    inner: BloomFilter,
}

common!(RawBloomFilter, BloomFilter);
plain_adds!(RawBloomFilter);
bitset!(RawBloomFilter, 8);

#[wasm_bindgen]
impl RawBloomFilter {
    /// A filter sized for `expected_items` keys at `fp_rate`.
    pub fn with_rate(expected_items: f64, fp_rate: f64) -> JsResult<RawBloomFilter> {
        let n = self::expected_items(expected_items)?;
        let (bits, hashes) = BloomFilter::optimal_params(n, fp_rate).map_err(arg_error)?;
        reserve(classic_bytes(bits))?;
        let inner = BloomFilter::new(bits, hashes).map_err(arg_error)?;
        Ok(RawBloomFilter { inner })
    }

    /// A filter of exactly `bits` bits and `hashes` probes.
    #[wasm_bindgen(constructor)]
    pub fn new(bits: f64, hashes: f64) -> JsResult<RawBloomFilter> {
        let bits = bits_arg("bits", bits)?;
        let hashes = hashes_arg(hashes)?;
        reserve(classic_bytes(bits))?;
        let inner = BloomFilter::new(bits, hashes).map_err(arg_error)?;
        Ok(RawBloomFilter { inner })
    }

    /// `k`, the probes per key.
    #[wasm_bindgen(getter)]
    pub fn hashes(&self) -> u32 {
        self.inner.hashes()
    }
}

/// The counting filter (4-bit counters).
#[wasm_bindgen]
pub struct RawCountingBloomFilter {
    inner: CountingBloomFilter,
}

common!(RawCountingBloomFilter, CountingBloomFilter);
plain_adds!(RawCountingBloomFilter);

/// Bytes of a counting filter of `counters` counters (sixteen per u64).
fn counting_bytes(counters: u64) -> u64 {
    counters.div_ceil(16) * 8
}

#[wasm_bindgen]
impl RawCountingBloomFilter {
    /// A filter sized for `expected_items` keys at `fp_rate`.
    pub fn with_rate(expected_items: f64, fp_rate: f64) -> JsResult<RawCountingBloomFilter> {
        let n = self::expected_items(expected_items)?;
        let (m, k) = BloomFilter::optimal_params(n, fp_rate).map_err(arg_error)?;
        reserve(counting_bytes(m))?;
        let inner = CountingBloomFilter::new(m, k).map_err(arg_error)?;
        Ok(RawCountingBloomFilter { inner })
    }

    /// A filter of `counters` counters and `hashes` probes.
    #[wasm_bindgen(constructor)]
    pub fn new(counters: f64, hashes: f64) -> JsResult<RawCountingBloomFilter> {
        let m = bits_arg("counters", counters)?;
        let k = hashes_arg(hashes)?;
        reserve(counting_bytes(m))?;
        let inner = CountingBloomFilter::new(m, k).map_err(arg_error)?;
        Ok(RawCountingBloomFilter { inner })
    }

    /// Removes the key in the key buffer; 1 if it was possibly present.
    pub fn remove(&mut self, len: usize) -> bool {
        with_key(len, |k| self.inner.remove(k))
    }

    /// The key's smallest counter: an upper bound on how often it was added.
    pub fn count(&self, len: usize) -> u8 {
        with_key(len, |k| self.inner.count(k))
    }

    /// Removes `count` packed keys; with `report`, writes 1/0 per key.
    pub fn remove_many(&mut self, count: usize, report: bool) -> JsResult<u32> {
        let out_len = if report { count } else { 0 };
        with_batch(count, out_len, |keys, ends, out| {
            self.inner.remove_many(keys, ends, out)
        })?
        .map(|n| n as u32)
        .map_err(arg_error)
    }

    /// The value of counter `index` (0 past the end).
    pub fn counter(&self, index: u32) -> u8 {
        self.inner.counter(index)
    }

    /// The number of counters.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.counters() as f64
    }

    /// `k`, the probes per key.
    #[wasm_bindgen(getter)]
    pub fn hashes(&self) -> u32 {
        self.inner.hashes()
    }

    /// Address of the counters (sixteen 4-bit counters per u64 word).
    pub fn bits_ptr(&self) -> *const u8 {
        self.inner.words().as_ptr().cast()
    }

    /// Bytes of the counters in wasm memory.
    pub fn byte_len(&self) -> usize {
        self.inner.words().len() * 8
    }

    /// Counters that are not zero.
    pub fn count_ones(&self) -> f64 {
        self.inner.count_nonzero() as f64
    }

    /// Counters stuck at 15.
    pub fn count_saturated(&self) -> f64 {
        self.inner.count_saturated() as f64
    }

    /// Fraction of counters that are not zero.
    pub fn fill_ratio(&self) -> f64 {
        self.inner.fill_ratio()
    }

    /// The classic filter with the same keys.
    pub fn to_bloom_filter(&self) -> JsResult<RawBloomFilter> {
        reserve(classic_bytes(self.inner.counters()))?;
        Ok(RawBloomFilter {
            inner: self.inner.to_bloom_filter(),
        })
    }
}

/// The split-block (Parquet) filter.
#[wasm_bindgen]
pub struct RawSplitBlockBloomFilter {
    inner: SplitBlockBloomFilter,
}

common!(RawSplitBlockBloomFilter, SplitBlockBloomFilter);
plain_adds!(RawSplitBlockBloomFilter);
bitset!(RawSplitBlockBloomFilter, 4);

#[wasm_bindgen]
impl RawSplitBlockBloomFilter {
    /// A filter sized for `expected_items` keys at `fp_rate`.
    pub fn with_rate(expected_items: f64, fp_rate: f64) -> JsResult<RawSplitBlockBloomFilter> {
        let n = self::expected_items(expected_items)?;
        let bits = SplitBlockBloomFilter::optimal_bits(n, fp_rate).map_err(arg_error)?;
        reserve(bits / 8)?;
        let inner = SplitBlockBloomFilter::new(bits).map_err(arg_error)?;
        Ok(RawSplitBlockBloomFilter { inner })
    }

    /// A filter of `bits` bits (a positive multiple of 256).
    #[wasm_bindgen(constructor)]
    pub fn new(bits: f64) -> JsResult<RawSplitBlockBloomFilter> {
        let bits = bits_arg("bits", bits)?;
        // The core rejects a size that is not whole blocks before allocating.
        if bits % 256 == 0 {
            reserve(bits / 8)?;
        }
        let inner = SplitBlockBloomFilter::new(bits).map_err(arg_error)?;
        Ok(RawSplitBlockBloomFilter { inner })
    }

    /// Loads a raw Parquet bitset.
    pub fn from_parquet_bitset(bitset: &[u8]) -> JsResult<RawSplitBlockBloomFilter> {
        reserve(bitset.len() as u64)?;
        SplitBlockBloomFilter::from_parquet_bitset(bitset)
            .map(|inner| RawSplitBlockBloomFilter { inner })
            .map_err(arg_error)
    }

    /// The raw Parquet bitset.
    pub fn to_parquet_bitset(&self) -> Vec<u8> {
        self.inner.to_parquet_bitset()
    }

    /// Loads a Parquet `BloomFilterHeader` and its bitset.
    pub fn from_parquet(bytes: &[u8]) -> JsResult<RawSplitBlockBloomFilter> {
        reserve(bytes.len() as u64)?;
        SplitBlockBloomFilter::from_parquet(bytes)
            .map(|inner| RawSplitBlockBloomFilter { inner })
            .map_err(arg_error)
    }

    /// The filter as Parquet stores it: header, then bitset.
    pub fn to_parquet(&self) -> Vec<u8> {
        self.inner.to_parquet()
    }

    /// Adds a key by its XXH64 hash (seed 0); true if it was certainly new.
    pub fn add_hash(&mut self, hash: u64) -> bool {
        self.inner.insert_hash(hash)
    }

    /// Whether the key of XXH64 hash `hash` is possibly present.
    pub fn has_hash(&self, hash: u64) -> bool {
        self.inner.contains_hash(hash)
    }
}

/// The scalable filter, plus the reason its last add failed.
#[wasm_bindgen]
pub struct RawScalableBloomFilter {
    inner: ScalableBloomFilter,
    error: String,
}

#[wasm_bindgen]
impl RawScalableBloomFilter {
    /// A filter whose first stage holds `expected_items` keys, keeping the
    /// overall false-positive bound `fp_rate`; `growth` and `tightening`
    /// default to the core's.
    #[wasm_bindgen(constructor)]
    pub fn new(
        expected_items: f64,
        fp_rate: f64,
        growth: Option<f64>,
        tightening: Option<f64>,
    ) -> JsResult<RawScalableBloomFilter> {
        let n = self::expected_items(expected_items)?;
        let s = growth.unwrap_or(ScalableBloomFilter::DEFAULT_GROWTH);
        let r = tightening.unwrap_or(ScalableBloomFilter::DEFAULT_TIGHTENING);
        // Sizes are checked (and the first stage's memory reserved) first.
        if let Ok((bits, _)) = BloomFilter::optimal_params(n, fp_rate * (1.0 - r)) {
            reserve(classic_bytes(bits))?;
        }
        let inner = ScalableBloomFilter::with_options(n, fp_rate, s, r).map_err(arg_error)?;
        Ok(RawScalableBloomFilter {
            inner,
            error: String::new(),
        })
    }

    /// Decodes the byte format. The stages take at most as many bytes as
    /// their encoding.
    pub fn from_bytes(bytes: &[u8]) -> JsResult<RawScalableBloomFilter> {
        reserve(bytes.len() as u64)?;
        ScalableBloomFilter::from_bytes(bytes)
            .map(|inner| RawScalableBloomFilter {
                inner,
                error: String::new(),
            })
            .map_err(bloom_error)
    }

    /// A deep copy.
    pub fn copy(&self) -> JsResult<RawScalableBloomFilter> {
        reserve(self.inner.bits() / 8 + 64 * 64)?;
        Ok(RawScalableBloomFilter {
            inner: self.inner.clone(),
            error: String::new(),
        })
    }

    /// Adds the key in the key buffer: 1 if new, 0 if possibly present,
    /// [`ADD_FAILED`] if a new stage was needed and could not be made or
    /// allocated (see `error_message`; nothing changed).
    pub fn add(&mut self, len: usize) -> u8 {
        match with_key(len, |k| self.inner.insert(k)) {
            Ok(new) => u8::from(new),
            Err(e) => {
                self.error = e.message();
                ADD_FAILED
            }
        }
    }

    /// Why the last `add` returned [`ADD_FAILED`].
    #[wasm_bindgen(getter)]
    pub fn error_message(&self) -> String {
        self.error.clone()
    }

    /// Adds `count` packed keys; with `report`, writes 1/0 per key. Fails
    /// with `Error` if the filter cannot grow (keys before that stay added).
    pub fn add_many(&mut self, count: usize, report: bool) -> JsResult<u32> {
        let out_len = if report { count } else { 0 };
        with_batch(count, out_len, |keys, ends, out| {
            self.inner.insert_many(keys, ends, out)
        })?
        .map(|n| n as u32)
        .map_err(bloom_error)
    }

    /// Whether the key in the key buffer is possibly present.
    pub fn has(&self, len: usize) -> bool {
        with_key(len, |k| self.inner.contains(k))
    }

    /// Tests `count` packed keys (see [`RawBloomFilter::has_many`]).
    pub fn has_many(&self, count: usize) -> JsResult<u32> {
        with_batch(count, count, |keys, ends, out| {
            self.inner.contains_many(keys, ends, out)
        })?
        .map(|n| n as u32)
        .map_err(arg_error)
    }

    /// The probe positions of the key in stage `stage`.
    pub fn positions(&self, len: usize, stage: usize) -> Vec<u32> {
        match self.inner.stage(stage) {
            Some(f) => with_key(len, |k| f.positions(k)),
            None => Vec::new(),
        }
    }

    /// Removes every key (back to one empty stage).
    pub fn clear(&mut self) {
        self.inner.clear();
        self.error.clear();
    }

    /// Keys added (exact: the scalable filter counts them).
    pub fn count(&self) -> f64 {
        self.inner.len() as f64
    }

    /// The estimated false-positive rate given the bits set now.
    pub fn estimated_fp_rate(&self) -> f64 {
        self.inner.estimated_fp_rate()
    }

    /// The false-positive bound of the stages so far (below `fp_rate`).
    pub fn fp_bound(&self) -> f64 {
        self.inner.fp_bound()
    }

    /// Bits over all stages.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.bits() as f64
    }

    /// The number of stages.
    #[wasm_bindgen(getter)]
    pub fn stage_count(&self) -> usize {
        self.inner.stage_count()
    }

    /// The first stage's capacity.
    #[wasm_bindgen(getter)]
    pub fn initial_capacity(&self) -> f64 {
        self.inner.initial_capacity() as f64
    }

    /// The overall false-positive bound.
    #[wasm_bindgen(getter)]
    pub fn fp_rate(&self) -> f64 {
        self.inner.fp_rate()
    }

    /// The growth factor.
    #[wasm_bindgen(getter)]
    pub fn growth(&self) -> f64 {
        self.inner.growth()
    }

    /// The tightening ratio.
    #[wasm_bindgen(getter)]
    pub fn tightening(&self) -> f64 {
        self.inner.tightening()
    }

    /// `[bits, hashes, capacity, count, set bits]` of stage `index` (empty past the end).
    pub fn stage_info(&self, index: usize) -> Vec<f64> {
        match self.inner.stage(index) {
            Some(f) => vec![
                f.bits() as f64,
                f64::from(f.hashes()),
                self.inner.stage_capacity(index).unwrap_or(0) as f64,
                self.inner.stage_len(index).unwrap_or(0) as f64,
                f.count_ones() as f64,
            ],
            None => Vec::new(),
        }
    }

    /// Address of stage `index`'s bit array (null past the end).
    pub fn bits_ptr(&self, index: usize) -> *const u8 {
        self.inner
            .stage(index)
            .map_or(core::ptr::null(), |f| f.words().as_ptr().cast())
    }

    /// Bytes of stage `index`'s bit array (0 past the end).
    pub fn byte_len(&self, index: usize) -> usize {
        self.inner.stage(index).map_or(0, |f| f.words().len() * 8)
    }

    /// The version-1 byte format.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }
}

/// The cache-line-blocked filter.
#[wasm_bindgen]
pub struct RawBlockedBloomFilter {
    inner: BlockedBloomFilter,
}

common!(RawBlockedBloomFilter, BlockedBloomFilter);
plain_adds!(RawBlockedBloomFilter);
bitset!(RawBlockedBloomFilter, 8);

#[wasm_bindgen]
impl RawBlockedBloomFilter {
    /// A filter sized for `expected_items` keys at `fp_rate`.
    pub fn with_rate(expected_items: f64, fp_rate: f64) -> JsResult<RawBlockedBloomFilter> {
        let n = self::expected_items(expected_items)?;
        let (bits, hashes) = BlockedBloomFilter::optimal_params(n, fp_rate).map_err(arg_error)?;
        reserve(bits / 8)?;
        let inner = BlockedBloomFilter::new(bits, hashes).map_err(arg_error)?;
        Ok(RawBlockedBloomFilter { inner })
    }

    /// A filter of `bits` bits (a positive multiple of 512) and `hashes` probes.
    #[wasm_bindgen(constructor)]
    pub fn new(bits: f64, hashes: f64) -> JsResult<RawBlockedBloomFilter> {
        let bits = bits_arg("bits", bits)?;
        let hashes = hashes_arg(hashes)?;
        // The core rejects a size that is not whole blocks before allocating.
        if bits % 512 == 0 {
            reserve(bits / 8)?;
        }
        let inner = BlockedBloomFilter::new(bits, hashes).map_err(arg_error)?;
        Ok(RawBlockedBloomFilter { inner })
    }

    /// `k`, the bits each key sets in its block.
    #[wasm_bindgen(getter)]
    pub fn hashes(&self) -> u32 {
        self.inner.hashes()
    }
}
