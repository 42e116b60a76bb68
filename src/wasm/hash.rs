//! Hash exports: the boundary pattern in its smallest form.

use super::errors::JsResult;
use super::scratch::with_key;
use wasm_bindgen::prelude::*;

/// CRC-32 (IEEE) of the first `len` bytes of the key buffer.
#[wasm_bindgen]
pub fn crc32_key(len: usize) -> u32 {
    with_key(len, crate::hash::crc32)
}

/// XXH64 of the first `len` bytes of the key buffer with `seed`.
#[wasm_bindgen]
pub fn xxh64_key(len: usize, seed: u64) -> u64 {
    with_key(len, |k| crate::hash::xxh64(k, seed))
}

/// XXH3-64 of the first `len` bytes of the key buffer.
#[wasm_bindgen]
pub fn xxh3_key(len: usize) -> u64 {
    with_key(len, crate::hash::xxh3_64)
}

/// CRC-32 of a JavaScript string passed the default wasm-bindgen way
/// (allocate, copy, free on every call). Kept so the benchmark can show what
/// the scratch-buffer boundary saves; the facade does not use it.
#[wasm_bindgen]
pub fn crc32_str(key: &str) -> u32 {
    crate::hash::crc32(key.as_bytes())
}

/// CRC-32 of every packed key, written as little-endian `u32`s to the output
/// buffer (4 bytes per key).
#[wasm_bindgen]
pub fn crc32_batch(count: usize) -> JsResult<()> {
    super::scratch::with_batch(count, count * 4, |keys, ends, out| {
        let mut start = 0usize;
        for (i, &end) in ends.iter().enumerate() {
            let h = crate::hash::crc32(&keys[start..end as usize]);
            out[i * 4..i * 4 + 4].copy_from_slice(&h.to_le_bytes());
            start = end as usize;
        }
    })
}
