//! The hash functions the algorithms are built on, exposed for callers that
//! want to see or reproduce a placement (the visualizer shows them on hover).
//!
//! Each is a thin, stable wrapper over a maintained crate: `crc32fast` for
//! CRC-32 (IEEE), `xxhash-rust` for XXH64 and XXH3, and `md5` for the ketama
//! digests. They are part of the on-the-wire contracts of the ring and the
//! Bloom filters, so their outputs never change between releases.
//!
//! On wasm32, CRC-32 is `crc32fast`'s portable algorithm (slicing by 16, 8
//! and 4 bytes) with its 16 KiB of tables computed at first use instead of
//! stored in the module, where they would be a sixth of the ring's download.

/// CRC-32 (IEEE 802.3, the polynomial of zlib and Go's `crc32.ChecksumIEEE`).
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::hash::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut h = Crc32::new();
    h.update(bytes);
    h.finalize()
}

/// CRC-32 fed in pieces: a ring hashes a node's name once, then each of its
/// virtual-node suffixes from a copy.
#[derive(Clone)]
pub(crate) struct Crc32 {
    #[cfg(not(target_arch = "wasm32"))]
    inner: crc32fast::Hasher,
    #[cfg(target_arch = "wasm32")]
    crc: u32,
}

impl Crc32 {
    /// An empty CRC.
    pub(crate) fn new() -> Crc32 {
        Crc32 {
            #[cfg(not(target_arch = "wasm32"))]
            inner: crc32fast::Hasher::new(),
            #[cfg(target_arch = "wasm32")]
            crc: 0,
        }
    }

    /// Appends `bytes`.
    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        #[cfg(not(target_arch = "wasm32"))]
        self.inner.update(bytes);
        #[cfg(target_arch = "wasm32")]
        {
            self.crc = sliced::update(sliced::tables(), self.crc, bytes);
        }
    }

    /// The CRC of everything appended.
    pub(crate) fn finalize(self) -> u32 {
        #[cfg(not(target_arch = "wasm32"))]
        return self.inner.finalize();
        #[cfg(target_arch = "wasm32")]
        return self.crc;
    }
}

/// `crc32fast`'s portable CRC-32 (its `baseline` module), over tables passed
/// in: on wasm32 they are computed once at first use. Tested natively
/// against `crc32fast` itself.
#[cfg(any(target_arch = "wasm32", test))]
mod sliced {
    /// `t[0]` is the byte-at-a-time table; `t[k][b]` is byte `b`'s CRC
    /// followed by `k` zero bytes.
    pub(super) type Tables = [[u32; 256]; 16];

    /// Computes the tables (about 10 µs).
    pub(super) fn fill(t: &mut Tables) {
        for (b, entry) in t[0].iter_mut().enumerate() {
            let mut c = b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *entry = c;
        }
        for k in 1..16 {
            for b in 0..256 {
                let prev = t[k - 1][b];
                t[k][b] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            }
        }
    }

    /// The tables of this module's one thread, computed at first use.
    #[cfg(target_arch = "wasm32")]
    pub(super) fn tables() -> &'static Tables {
        use core::cell::UnsafeCell;
        use core::sync::atomic::{AtomicBool, Ordering};

        struct Shared(UnsafeCell<Tables>);
        // SAFETY: wasm32 modules without the `atomics` target feature cannot
        // share memory between threads, so only one thread ever touches it.
        unsafe impl Sync for Shared {}
        static TABLES: Shared = Shared(UnsafeCell::new([[0; 256]; 16]));
        static READY: AtomicBool = AtomicBool::new(false);

        if !READY.load(Ordering::Relaxed) {
            // SAFETY: one thread (see above), and no reference to the tables
            // exists before READY is set.
            fill(unsafe { &mut *TABLES.0.get() });
            READY.store(true, Ordering::Relaxed);
        }
        // SAFETY: filled, and never written again.
        unsafe { &*TABLES.0.get() }
    }

    #[inline(always)]
    fn word(b: &[u8]) -> u32 {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    #[inline(always)]
    fn fold_16(t: &Tables, crc: u32, b: &[u8]) -> u32 {
        let w = word(b) ^ crc;
        t[0x0][b[0xf] as usize]
            ^ t[0x1][b[0xe] as usize]
            ^ t[0x2][b[0xd] as usize]
            ^ t[0x3][b[0xc] as usize]
            ^ t[0x4][b[0xb] as usize]
            ^ t[0x5][b[0xa] as usize]
            ^ t[0x6][b[0x9] as usize]
            ^ t[0x7][b[0x8] as usize]
            ^ t[0x8][b[0x7] as usize]
            ^ t[0x9][b[0x6] as usize]
            ^ t[0xa][b[0x5] as usize]
            ^ t[0xb][b[0x4] as usize]
            ^ t[0xc][(w >> 24) as usize]
            ^ t[0xd][((w >> 16) & 0xFF) as usize]
            ^ t[0xe][((w >> 8) & 0xFF) as usize]
            ^ t[0xf][(w & 0xFF) as usize]
    }

    #[inline(always)]
    fn fold_8(t: &Tables, crc: u32, b: &[u8]) -> u32 {
        let w = word(b) ^ crc;
        t[0x0][b[7] as usize]
            ^ t[0x1][b[6] as usize]
            ^ t[0x2][b[5] as usize]
            ^ t[0x3][b[4] as usize]
            ^ t[0x4][(w >> 24) as usize]
            ^ t[0x5][((w >> 16) & 0xFF) as usize]
            ^ t[0x6][((w >> 8) & 0xFF) as usize]
            ^ t[0x7][(w & 0xFF) as usize]
    }

    #[inline(always)]
    fn fold_4(t: &Tables, crc: u32, b: &[u8]) -> u32 {
        let w = word(b) ^ crc;
        t[0x0][(w >> 24) as usize]
            ^ t[0x1][((w >> 16) & 0xFF) as usize]
            ^ t[0x2][((w >> 8) & 0xFF) as usize]
            ^ t[0x3][(w & 0xFF) as usize]
    }

    /// The CRC `prev` extended by `buf`.
    pub(super) fn update(t: &Tables, prev: u32, mut buf: &[u8]) -> u32 {
        let mut crc = !prev;
        while buf.len() >= 16 {
            crc = fold_16(t, crc, buf);
            buf = &buf[16..];
        }
        if buf.len() >= 8 {
            crc = fold_8(t, crc, buf);
            buf = &buf[8..];
        }
        if buf.len() >= 4 {
            crc = fold_4(t, crc, buf);
            buf = &buf[4..];
        }
        for &byte in buf {
            crc = t[0][((crc as u8) ^ byte) as usize] ^ (crc >> 8);
        }
        !crc
    }
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
    fn sliced_crc32_is_crc32fast() {
        let mut t = [[0; 256]; 16];
        sliced::fill(&mut t);
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in 0..data.len() {
            for start in [0, 1, 3] {
                let piece = &data[start.min(len)..len];
                assert_eq!(
                    sliced::update(&t, 0, piece),
                    crc32fast::hash(piece),
                    "{len}"
                );
                let mut h = crc32fast::Hasher::new_with_initial(0x1234_5678);
                h.update(piece);
                assert_eq!(sliced::update(&t, 0x1234_5678, piece), h.finalize());
            }
        }
    }

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
