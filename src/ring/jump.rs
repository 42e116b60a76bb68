//! Jump consistent hash (Lamping & Veach, 2014).

use super::packed::{check_out, PackedKeys};
use super::stats::LoadStats;
use super::{KeyMovement, SampleMovement};
use crate::hash;
use crate::prelude::*;
use crate::ArgError;

/// The most buckets [`jump_stats`] counts (one counter per bucket).
pub const MAX_STATS_BUCKETS: u32 = 65_536;

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

/// Load per bucket of jump hash over sample keys (packed as in
/// [`PackedKeys`], each hashed as by [`jump_hash_bytes`]): the same
/// [`LoadStats`] as the other algorithms' `sample_stats`, with bucket `b` at
/// index `b` and every bucket of weight 1.
///
/// # Examples
/// ```
/// use quorumkit::ring::{jump_hash_bytes, jump_stats};
/// let s = jump_stats(b"k1k2k3k4", &[2, 4, 6, 8], 2)?;
/// assert_eq!(s.nodes, 2);
/// let in_0 = [b"k1", b"k2", b"k3", b"k4"].iter().filter(|k| jump_hash_bytes(&k[..], 2) == Ok(0)).count();
/// assert_eq!(s.shares[0], in_0 as f64 / 4.0);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] (`buckets`) when `buckets` is 0 or above
/// [`MAX_STATS_BUCKETS`]; (`ends`) for bad offsets.
pub fn jump_stats(keys: &[u8], ends: &[u32], buckets: u32) -> Result<LoadStats, ArgError> {
    if buckets == 0 || buckets > MAX_STATS_BUCKETS {
        return Err(ArgError::range(
            "buckets",
            format!("an integer in 1..={MAX_STATS_BUCKETS}"),
            buckets,
        ));
    }
    let packed = PackedKeys::new(keys, ends)?;
    let mut counts = vec![0u64; buckets as usize];
    for k in packed {
        counts[jump(hash::xxh64(k, 0), buckets) as usize] += 1;
    }
    Ok(LoadStats::from_counts(
        &counts,
        &vec![1.0; buckets as usize],
    ))
}

/// What growing or shrinking jump hash from `from` to `to` buckets moves,
/// over packed sample keys: the ideal `|to − from| / max(from, to)` (exactly
/// what jump hash moves in expectation: `1/(n+1)` for one bucket), and which
/// keys change bucket (on growth, only into the new buckets).
///
/// # Examples
/// ```
/// use quorumkit::ring::jump_movement;
/// let m = jump_movement(b"k1k2k3", &[2, 4, 6], 4, 5)?;
/// assert_eq!(m.ideal_fraction, 0.2);
/// assert!(m.keys.to.iter().all(|&b| b == 4));
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
///
/// # Errors
/// [`ArgError`] (`from` or `to`) when either is 0; (`ends`) for bad offsets.
pub fn jump_movement(
    keys: &[u8],
    ends: &[u32],
    from: u32,
    to: u32,
) -> Result<SampleMovement, ArgError> {
    for (param, b) in [("from", from), ("to", to)] {
        if b == 0 {
            return Err(ArgError::range(param, "an integer in 1..=4294967295", b));
        }
    }
    let packed = PackedKeys::new(keys, ends)?;
    let (mut before, mut after) = (
        Vec::with_capacity(ends.len()),
        Vec::with_capacity(ends.len()),
    );
    for k in packed {
        let h = hash::xxh64(k, 0);
        before.push(jump(h, from));
        after.push(jump(h, to));
    }
    Ok(SampleMovement {
        ideal_fraction: f64::from(from.abs_diff(to)) / f64::from(from.max(to)),
        table_fraction: None,
        keys: KeyMovement::between(&before, &after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys packed back to back, with their end offsets.
    fn pack(keys: &[String]) -> (Vec<u8>, Vec<u32>) {
        let bytes: Vec<u8> = keys.iter().flat_map(|k| k.bytes()).collect();
        let ends = keys
            .iter()
            .scan(0u32, |at, k| {
                *at += k.len() as u32;
                Some(*at)
            })
            .collect();
        (bytes, ends)
    }

    #[test]
    fn jump_stats_counts_the_buckets_jump_hash_chooses() {
        let keys: Vec<String> = (0..1000).map(|i| format!("user:{i}")).collect();
        let (bytes, ends) = pack(&keys);
        let s = jump_stats(&bytes, &ends, 7).unwrap();
        let mut counts = [0u64; 7];
        for k in &keys {
            counts[jump_hash_bytes(k.as_bytes(), 7).unwrap() as usize] += 1;
        }
        assert_eq!(s, LoadStats::from_counts(&counts, &[1.0; 7]));
        assert!((s.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(
            s.peak_to_mean > 1.0 && s.peak_to_mean < 1.3,
            "{}",
            s.peak_to_mean
        );
    }

    #[test]
    fn jump_stats_rejects_bucket_counts_it_cannot_count() {
        assert_eq!(jump_stats(b"", &[], 0).unwrap_err().param, "buckets");
        assert!(jump_stats(b"", &[], MAX_STATS_BUCKETS + 1).is_err());
        let empty = jump_stats(b"", &[], 3).unwrap();
        assert_eq!((empty.nodes, empty.peak), (3, 0.0));
        assert!(jump_stats(b"ab", &[3], 2).is_err());
    }

    #[test]
    fn jump_movement_moves_only_into_the_new_bucket_about_one_in_n_plus_one() {
        let keys: Vec<String> = (0..4000).map(|i| format!("user:{i}")).collect();
        let (bytes, ends) = pack(&keys);
        let grow = jump_movement(&bytes, &ends, 4, 5).unwrap();
        assert!(grow.keys.to.iter().all(|&b| b == 4));
        assert!(
            (grow.keys.moved_fraction - 0.2).abs() < 0.03,
            "{}",
            grow.keys.moved_fraction
        );
        let shrink = jump_movement(&bytes, &ends, 5, 4).unwrap();
        assert_eq!(shrink.keys.moved, grow.keys.moved);
        assert_eq!(shrink.ideal_fraction, 0.2);
        assert_eq!(
            jump_movement(&bytes, &ends, 3, 3)
                .unwrap()
                .keys
                .moved_fraction,
            0.0
        );
        assert_eq!(jump_movement(b"", &[], 0, 3).unwrap_err().param, "from");
        assert_eq!(jump_movement(b"", &[], 3, 0).unwrap_err().param, "to");
    }
}
