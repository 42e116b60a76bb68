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
//! stored in the module, where they would be a sixth of the ring's download;
//! and MD5 is the same unrolled block function as the `md5` crate's, inlined
//! at one call site instead of five.

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
            self.crc = sliced::update_static(self.crc, bytes);
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

    /// [`update`] over this module's tables. The tables sit at a fixed
    /// address, so with `update` inlined here each lookup is one load at a
    /// constant offset, as with `crc32fast`'s static tables.
    #[cfg(target_arch = "wasm32")]
    pub(super) fn update_static(prev: u32, buf: &[u8]) -> u32 {
        update(tables(), prev, buf)
    }

    /// The CRC `prev` extended by `buf`.
    #[inline(always)]
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
    #[cfg(not(target_arch = "wasm32"))]
    return md5::compute(bytes).0;
    #[cfg(target_arch = "wasm32")]
    return md5_block::digest(bytes);
}

/// MD5 with one copy of the block function: the `md5` crate inlines its
/// 64-step block function into each of its up to five call sites, about
/// 6 KB of wasm; here every block goes through one call site, where the
/// function is inlined. Tested natively against the `md5` crate.
#[cfg(any(target_arch = "wasm32", test))]
mod md5_block {
    /// The digest of `bytes`: its whole blocks, then one or two blocks of
    /// its tail, padding and length, through the one call site of
    /// `transform`, which is inlined there.
    pub(super) fn digest(bytes: &[u8]) -> [u8; 16] {
        let full = bytes.len() / 64;
        let rest = &bytes[full * 64..];
        let mut tail = [0u8; 128];
        tail[..rest.len()].copy_from_slice(rest);
        tail[rest.len()] = 0x80;
        let tail_blocks = if rest.len() < 56 { 1 } else { 2 };
        tail[tail_blocks * 64 - 8..tail_blocks * 64]
            .copy_from_slice(&((bytes.len() as u64) << 3).to_le_bytes());
        let mut state = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
        for i in 0..full + tail_blocks {
            let (from, at) = if i < full {
                (bytes, i * 64)
            } else {
                (&tail[..], (i - full) * 64)
            };
            let Ok(block) = <&[u8; 64]>::try_from(&from[at..at + 64]) else {
                unreachable!("a block is 64 bytes")
            };
            // Constant offsets, as the md5 crate decodes: one load per word.
            let w =
                |j: usize| u32::from_le_bytes([block[j], block[j + 1], block[j + 2], block[j + 3]]);
            let x = [
                w(0),
                w(4),
                w(8),
                w(12),
                w(16),
                w(20),
                w(24),
                w(28),
                w(32),
                w(36),
                w(40),
                w(44),
                w(48),
                w(52),
                w(56),
                w(60),
            ];
            transform(&mut state, &x);
        }
        let mut out = [0u8; 16];
        for (o, s) in out.chunks_exact_mut(4).zip(state) {
            o.copy_from_slice(&s.to_le_bytes());
        }
        out
    }

    #[inline(always)]
    fn transform(state: &mut [u32; 4], x: &[u32; 16]) {
        let [mut a, mut b, mut c, mut d] = *state;
        macro_rules! step {
            ($a:ident, $b:ident, $c:ident, $d:ident, $f:expr, $x:expr, $s:expr, $k:expr) => {
                $a = $a
                    .wrapping_add($f)
                    .wrapping_add($x)
                    .wrapping_add($k)
                    .rotate_left($s)
                    .wrapping_add($b);
            };
        }
        macro_rules! f {
            ($a:ident, $b:ident, $c:ident, $d:ident, $x:expr, $s:expr, $k:expr) => {
                step!($a, $b, $c, $d, $d ^ ($b & ($c ^ $d)), $x, $s, $k)
            };
        }
        macro_rules! g {
            ($a:ident, $b:ident, $c:ident, $d:ident, $x:expr, $s:expr, $k:expr) => {
                step!($a, $b, $c, $d, $c ^ ($d & ($b ^ $c)), $x, $s, $k)
            };
        }
        macro_rules! h {
            ($a:ident, $b:ident, $c:ident, $d:ident, $x:expr, $s:expr, $k:expr) => {
                step!($a, $b, $c, $d, $b ^ $c ^ $d, $x, $s, $k)
            };
        }
        macro_rules! i {
            ($a:ident, $b:ident, $c:ident, $d:ident, $x:expr, $s:expr, $k:expr) => {
                step!($a, $b, $c, $d, $c ^ ($b | !$d), $x, $s, $k)
            };
        }
        f!(a, b, c, d, x[0], 7, 0xd76aa478);
        f!(d, a, b, c, x[1], 12, 0xe8c7b756);
        f!(c, d, a, b, x[2], 17, 0x242070db);
        f!(b, c, d, a, x[3], 22, 0xc1bdceee);
        f!(a, b, c, d, x[4], 7, 0xf57c0faf);
        f!(d, a, b, c, x[5], 12, 0x4787c62a);
        f!(c, d, a, b, x[6], 17, 0xa8304613);
        f!(b, c, d, a, x[7], 22, 0xfd469501);
        f!(a, b, c, d, x[8], 7, 0x698098d8);
        f!(d, a, b, c, x[9], 12, 0x8b44f7af);
        f!(c, d, a, b, x[10], 17, 0xffff5bb1);
        f!(b, c, d, a, x[11], 22, 0x895cd7be);
        f!(a, b, c, d, x[12], 7, 0x6b901122);
        f!(d, a, b, c, x[13], 12, 0xfd987193);
        f!(c, d, a, b, x[14], 17, 0xa679438e);
        f!(b, c, d, a, x[15], 22, 0x49b40821);
        g!(a, b, c, d, x[1], 5, 0xf61e2562);
        g!(d, a, b, c, x[6], 9, 0xc040b340);
        g!(c, d, a, b, x[11], 14, 0x265e5a51);
        g!(b, c, d, a, x[0], 20, 0xe9b6c7aa);
        g!(a, b, c, d, x[5], 5, 0xd62f105d);
        g!(d, a, b, c, x[10], 9, 0x02441453);
        g!(c, d, a, b, x[15], 14, 0xd8a1e681);
        g!(b, c, d, a, x[4], 20, 0xe7d3fbc8);
        g!(a, b, c, d, x[9], 5, 0x21e1cde6);
        g!(d, a, b, c, x[14], 9, 0xc33707d6);
        g!(c, d, a, b, x[3], 14, 0xf4d50d87);
        g!(b, c, d, a, x[8], 20, 0x455a14ed);
        g!(a, b, c, d, x[13], 5, 0xa9e3e905);
        g!(d, a, b, c, x[2], 9, 0xfcefa3f8);
        g!(c, d, a, b, x[7], 14, 0x676f02d9);
        g!(b, c, d, a, x[12], 20, 0x8d2a4c8a);
        h!(a, b, c, d, x[5], 4, 0xfffa3942);
        h!(d, a, b, c, x[8], 11, 0x8771f681);
        h!(c, d, a, b, x[11], 16, 0x6d9d6122);
        h!(b, c, d, a, x[14], 23, 0xfde5380c);
        h!(a, b, c, d, x[1], 4, 0xa4beea44);
        h!(d, a, b, c, x[4], 11, 0x4bdecfa9);
        h!(c, d, a, b, x[7], 16, 0xf6bb4b60);
        h!(b, c, d, a, x[10], 23, 0xbebfbc70);
        h!(a, b, c, d, x[13], 4, 0x289b7ec6);
        h!(d, a, b, c, x[0], 11, 0xeaa127fa);
        h!(c, d, a, b, x[3], 16, 0xd4ef3085);
        h!(b, c, d, a, x[6], 23, 0x04881d05);
        h!(a, b, c, d, x[9], 4, 0xd9d4d039);
        h!(d, a, b, c, x[12], 11, 0xe6db99e5);
        h!(c, d, a, b, x[15], 16, 0x1fa27cf8);
        h!(b, c, d, a, x[2], 23, 0xc4ac5665);
        i!(a, b, c, d, x[0], 6, 0xf4292244);
        i!(d, a, b, c, x[7], 10, 0x432aff97);
        i!(c, d, a, b, x[14], 15, 0xab9423a7);
        i!(b, c, d, a, x[5], 21, 0xfc93a039);
        i!(a, b, c, d, x[12], 6, 0x655b59c3);
        i!(d, a, b, c, x[3], 10, 0x8f0ccc92);
        i!(c, d, a, b, x[10], 15, 0xffeff47d);
        i!(b, c, d, a, x[1], 21, 0x85845dd1);
        i!(a, b, c, d, x[8], 6, 0x6fa87e4f);
        i!(d, a, b, c, x[15], 10, 0xfe2ce6e0);
        i!(c, d, a, b, x[6], 15, 0xa3014314);
        i!(b, c, d, a, x[13], 21, 0x4e0811a1);
        i!(a, b, c, d, x[4], 6, 0xf7537e82);
        i!(d, a, b, c, x[11], 10, 0xbd3af235);
        i!(c, d, a, b, x[2], 15, 0x2ad7d2bb);
        i!(b, c, d, a, x[9], 21, 0xeb86d391);
        state[0] = state[0].wrapping_add(a);
        state[1] = state[1].wrapping_add(b);
        state[2] = state[2].wrapping_add(c);
        state[3] = state[3].wrapping_add(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_block_is_the_md5_crate() {
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for len in 0..data.len() {
            assert_eq!(
                md5_block::digest(&data[..len]),
                md5::compute(&data[..len]).0,
                "{len}"
            );
        }
    }

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
