//! The hash functions the algorithms are built on, exposed for callers that
//! want to see or reproduce a placement (the visualizer shows them on hover).
//!
//! Each is a thin, stable wrapper over a maintained crate: `crc32fast` for
//! CRC-32 (IEEE), `xxhash-rust` for XXH64 and XXH3, and `md5` for the ketama
//! digests. They are part of the on-the-wire contracts of the ring and the
//! Bloom filters, so their outputs never change between releases.

/// CRC-32 (IEEE 802.3, the polynomial of zlib and Go's `crc32.ChecksumIEEE`).
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::hash::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// XXH64 of `bytes` with `seed`.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::hash::xxh64(b"", 0), 0xEF46_DB37_51D8_E999);
/// ```
pub fn xxh64(bytes: &[u8], seed: u64) -> u64 {
    xxhash_rust::xxh64::xxh64(bytes, seed)
}

/// XXH3, 64-bit variant, with seed 0.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::hash::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
/// ```
pub fn xxh3_64(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The MD5 digest of `bytes` (used by the ketama ring, never for security).
///
/// # Examples
/// ```
/// let d = quorumkit::hash::md5(b"");
/// assert_eq!(d[0], 0xd4);
/// assert_eq!(d[15], 0x7e);
/// ```
pub fn md5(bytes: &[u8]) -> [u8; 16] {
    md5::compute(bytes).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
        assert_eq!(xxh64(b"a", 0), 0xD24E_C4F1_A98C_6E5B);
        assert_eq!(
            md5(b"abc"),
            [
                0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0, 0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1,
                0x7f, 0x72
            ]
        );
    }
}
