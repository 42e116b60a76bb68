//! Jump consistent hash (Lamping & Veach, 2014).

use super::packed::{check_out, PackedKeys};
use crate::hash;
use crate::ArgError;

fn check_buckets(buckets: u32) -> Result<(), ArgError> {
    if buckets == 0 {
        Err(ArgError::range(
            "buckets",
            "an integer in 1..=4294967295",
            buckets,
        ))
    } else {
        Ok(())
    }
}

#[inline]
fn jump(mut key: u64, buckets: u32) -> u32 {
    // The paper's loop, with the candidate kept as a double: truncating it
    // and comparing with `buckets` is the same as comparing the double, and
    // it stays exact for bucket counts above 2^31.
    let mut b: u64 = 0;
    let mut j: f64 = 0.0;
    let n = f64::from(buckets);
    while j < n {
        b = j as u64;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = (b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64);
    }
    b as u32
}

/// The bucket in `0..buckets` of a 64-bit key, by jump consistent hash.
///
/// Balance is near perfect (each bucket gets 1/n of the keys, up to the
/// quality of the key hash); growing from n to n+1 buckets moves exactly the
/// keys that land in the new bucket, 1/(n+1) of them; it costs O(ln n) time
/// and no memory. Buckets are numbered, so only the last one can be removed.
///
/// # Examples
/// ```
/// use quorumkit::ring::jump_hash;
/// assert_eq!(jump_hash(256, 1024)?, 520);
/// assert_eq!(jump_hash(0xDEAD_10CC, 666)?, 361);
/// assert!(jump_hash(1, 0).is_err());
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] (`buckets`) when `buckets` is 0.
pub fn jump_hash(key: u64, buckets: u32) -> Result<u32, ArgError> {
    check_buckets(buckets)?;
    Ok(jump(key, buckets))
}

/// Jump hash of a byte-string key, hashed first with `xxh64(key, 0)`.
///
/// # Examples
/// ```
/// use quorumkit::ring::{jump_hash, jump_hash_bytes};
/// let k = quorumkit::hash::xxh64(b"user:1", 0);
/// assert_eq!(jump_hash_bytes(b"user:1", 10)?, jump_hash(k, 10)?);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] (`buckets`) when `buckets` is 0.
pub fn jump_hash_bytes(key: &[u8], buckets: u32) -> Result<u32, ArgError> {
    jump_hash(hash::xxh64(key, 0), buckets)
}

/// Jump hash of many byte-string keys (packed as in
/// [`PackedKeys`]), written into `out`.
///
/// # Examples
/// ```
/// use quorumkit::ring::{jump_hash_bytes, jump_many};
/// let mut out = [0u32; 2];
/// jump_many(b"ab", &[1, 2], 7, &mut out)?;
/// assert_eq!(out[1], jump_hash_bytes(b"b", 7)?);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] for `buckets` 0, bad `ends`, or an `out` of the wrong length.
pub fn jump_many(keys: &[u8], ends: &[u32], buckets: u32, out: &mut [u32]) -> Result<(), ArgError> {
    check_buckets(buckets)?;
    let packed = PackedKeys::new(keys, ends)?;
    check_out("out", out.len(), ends.len())?;
    for (o, k) in out.iter_mut().zip(packed) {
        *o = jump(hash::xxh64(k, 0), buckets);
    }
    Ok(())
}

/// Jump hash of many 64-bit keys, written into `out`.
///
/// # Examples
/// ```
/// use quorumkit::ring::jump_many_u64;
/// let mut out = [0u32; 2];
/// jump_many_u64(&[1, 42], 57, &mut out)?;
/// assert_eq!(out, [55, 43]);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] for `buckets` 0 or an `out` of the wrong length.
pub fn jump_many_u64(keys: &[u64], buckets: u32, out: &mut [u32]) -> Result<(), ArgError> {
    check_buckets(buckets)?;
    check_out("out", out.len(), keys.len())?;
    for (o, &k) in out.iter_mut().zip(keys) {
        *o = jump(k, buckets);
    }
    Ok(())
}
