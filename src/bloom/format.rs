//! The versioned byte format shared by every filter (see the module docs).

use crate::prelude::*;
use core::fmt;

use base64::Engine as _;

use crate::{text, ArgError};

pub(crate) const MAGIC: [u8; 4] = *b"QKBF";
pub(crate) const VERSION: u8 = 1;
pub(crate) const HEADER_LEN: usize = 8;
pub(crate) const CRC_LEN: usize = 4;
/// Bytes of a filter block before its payload: m (8), k (4), reserved (4).
pub(crate) const BLOCK_PARAMS_LEN: usize = 16;

pub(crate) const KIND_CLASSIC: u8 = 1;
pub(crate) const KIND_COUNTING: u8 = 2;
pub(crate) const KIND_SCALABLE: u8 = 3;
pub(crate) const KIND_SPLIT_BLOCK: u8 = 4;
pub(crate) const KIND_BLOCKED: u8 = 5;

pub(crate) const HASH_XXH3_KM: u8 = 1;
pub(crate) const HASH_XXH64_PARQUET: u8 = 2;
pub(crate) const HASH_XXH3_BLOCKED: u8 = 3;

/// Why bytes could not be decoded, or a filter could not grow.
///
/// # Examples
/// ```
/// use quorumkit::bloom::{BloomError, BloomFilter};
/// let err = BloomFilter::from_bytes(b"QKBF").unwrap_err();
/// assert!(matches!(err, BloomError::Truncated { .. }));
/// assert!(err.to_string().contains("truncated"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BloomError {
    /// An invalid argument (the same error the constructors return).
    Arg(ArgError),
    /// The input ends before the data its header announces.
    Truncated {
        /// Bytes needed at least.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
    /// The input has bytes after the data its header announces.
    Oversized {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// The input does not start with the magic `"QKBF"`.
    BadMagic,
    /// The format version is not one this release reads (it reads 1).
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
    },
    /// The bytes hold a different kind of filter.
    WrongKind {
        /// The kind this decoder reads.
        expected: u8,
        /// The kind byte found.
        found: u8,
    },
    /// The hash id is not the one this filter kind uses.
    UnknownHash {
        /// The hash id this kind uses.
        expected: u8,
        /// The hash id found.
        found: u8,
    },
    /// The CRC-32 over the data does not match the stored one.
    Checksum {
        /// The checksum stored in the input.
        stored: u32,
        /// The checksum of the data as received.
        computed: u32,
    },
    /// Well-framed bytes whose content is inconsistent (bad parameters, a
    /// non-zero reserved field or padding bit).
    Corrupt(String),
    /// The base64 text could not be decoded.
    Base64(base64::DecodeError),
    /// A scalable filter cannot add another stage (too many stages, too many
    /// bits, or a stage false-positive rate below [`MIN_FP_RATE`](super::MIN_FP_RATE)).
    CapacityExceeded {
        /// Stages in the filter.
        stages: u32,
        /// Bits in the filter.
        bits: u64,
    },
    /// A scalable filter's new stage could not be allocated.
    OutOfMemory {
        /// Bytes the stage needs.
        bytes: u64,
    },
}

impl BloomError {
    /// The message that `Display` writes, built without `core::fmt` (see
    /// `text!`).
    pub(crate) fn message(&self) -> String {
        match self {
            BloomError::Arg(e) => e.message(),
            BloomError::Truncated { needed, got } => text!(
                "bloom filter bytes are truncated: need at least ",
                *needed,
                " bytes, got ",
                *got
            ),
            BloomError::Oversized { expected, got } => text!(
                "bloom filter bytes are oversized: expected ",
                *expected,
                " bytes, got ",
                *got
            ),
            BloomError::BadMagic => "not bloom filter bytes: the magic \"QKBF\" is missing".into(),
            BloomError::UnsupportedVersion { found } => text!(
                "unsupported bloom filter format version ",
                *found,
                " (this release reads version ",
                VERSION,
                ")"
            ),
            BloomError::WrongKind { expected, found } => text!(
                "wrong bloom filter kind: expected ",
                kind_name(*expected),
                " (",
                *expected,
                "), got ",
                kind_name(*found),
                " (",
                *found,
                ")"
            ),
            BloomError::UnknownHash { expected, found } => text!(
                "unknown bloom filter hash id ",
                *found,
                " (this kind uses hash id ",
                *expected,
                ")"
            ),
            BloomError::Checksum { stored, computed } => text!(
                "bloom filter bytes are corrupted: checksum ",
                &hex32(*computed),
                " does not match stored ",
                &hex32(*stored)
            ),
            BloomError::Corrupt(why) => text!("bloom filter bytes are corrupted: ", why),
            BloomError::Base64(e) => {
                text!("bloom filter base64 is invalid: ", &base64_reason(e))
            }
            BloomError::CapacityExceeded { stages, bits } => text!(
                "scalable bloom filter cannot grow past ",
                *stages,
                " stages and ",
                *bits,
                " bits"
            ),
            BloomError::OutOfMemory { bytes } => text!(
                "cannot allocate ",
                *bytes,
                " bytes for the scalable bloom filter's new stage"
            ),
        }
    }
}

/// `{:#010x}` of `v`: "0x" and eight lowercase hex digits.
fn hex32(v: u32) -> String {
    let mut out = String::from("0x");
    for shift in (0..8).rev() {
        out.push(char::from(
            b"0123456789abcdef"[(v >> (shift * 4)) as usize & 0xF],
        ));
    }
    out
}

/// The base64 engine's reason, as its `Display` (`core::fmt`) writes it. The
/// package's wasm modules never decode base64 (the facade uses `atob`), so
/// there the reason is left out rather than linking `core::fmt`.
#[cfg(not(all(target_arch = "wasm32", not(feature = "std"))))]
fn base64_reason(e: &base64::DecodeError) -> String {
    e.to_string()
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
fn base64_reason(_: &base64::DecodeError) -> String {
    String::new()
}

impl fmt::Display for BloomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for BloomError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            BloomError::Arg(e) => Some(e),
            // `base64`'s error implements `Error` only with its std feature,
            // which the wasm32 builds leave off (the facade decodes base64 in JS).
            #[cfg(not(target_arch = "wasm32"))]
            BloomError::Base64(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ArgError> for BloomError {
    fn from(e: ArgError) -> Self {
        BloomError::Arg(e)
    }
}

fn kind_name(kind: u8) -> &'static str {
    match kind {
        KIND_CLASSIC => "BloomFilter",
        KIND_COUNTING => "CountingBloomFilter",
        KIND_SCALABLE => "ScalableBloomFilter",
        KIND_SPLIT_BLOCK => "SplitBlockBloomFilter",
        KIND_BLOCKED => "BlockedBloomFilter",
        _ => "unknown",
    }
}

/// Builds a serialization: header, body, then CRC-32.
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn new(kind: u8, hash: u8, body_len: usize) -> Writer {
        let mut buf = Vec::with_capacity(HEADER_LEN + body_len + CRC_LEN);
        buf.extend_from_slice(&MAGIC);
        buf.extend_from_slice(&[VERSION, kind, hash, 0]);
        Writer { buf }
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// A filter block's parameters: m, k, reserved.
    pub(crate) fn block_params(&mut self, m: u64, k: u32) {
        self.u64(m);
        self.u32(k);
        self.u32(0);
    }

    pub(crate) fn words64(&mut self, words: &[u64]) {
        for w in words {
            self.u64(*w);
        }
    }

    pub(crate) fn words32(&mut self, words: &[u32]) {
        for w in words {
            self.u32(*w);
        }
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        let crc = crate::hash::crc32(&self.buf);
        self.u32(crc);
        self.buf
    }
}

/// Reads a serialization front to back; every read is bounds-checked.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Checks the header (magic, version, kind, hash id, reserved byte).
    pub(crate) fn open(buf: &'a [u8], kind: u8, hash: u8) -> Result<Reader<'a>, BloomError> {
        if buf.len() < MAGIC.len() || buf[..MAGIC.len()] != MAGIC {
            return if buf.len() < MAGIC.len() && MAGIC.starts_with(buf) {
                Err(BloomError::Truncated {
                    needed: HEADER_LEN + CRC_LEN,
                    got: buf.len(),
                })
            } else {
                Err(BloomError::BadMagic)
            };
        }
        if buf.len() < HEADER_LEN + CRC_LEN {
            return Err(BloomError::Truncated {
                needed: HEADER_LEN + CRC_LEN,
                got: buf.len(),
            });
        }
        if buf[4] != VERSION {
            return Err(BloomError::UnsupportedVersion { found: buf[4] });
        }
        if buf[5] != kind {
            return Err(BloomError::WrongKind {
                expected: kind,
                found: buf[5],
            });
        }
        if buf[6] != hash {
            return Err(BloomError::UnknownHash {
                expected: hash,
                found: buf[6],
            });
        }
        if buf[7] != 0 {
            return Err(BloomError::Corrupt(text!(
                "reserved header byte is ",
                buf[7],
                ", not 0"
            )));
        }
        Ok(Reader {
            buf,
            pos: HEADER_LEN,
        })
    }

    /// Takes the next `n` bytes, or reports truncation (the CRC still follows).
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], BloomError> {
        let end = self.pos.checked_add(n);
        match end {
            Some(end) if end <= self.buf.len().saturating_sub(CRC_LEN) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            _ => Err(BloomError::Truncated {
                needed: self.pos.saturating_add(n).saturating_add(CRC_LEN),
                got: self.buf.len(),
            }),
        }
    }

    pub(crate) fn u32(&mut self) -> Result<u32, BloomError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, BloomError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub(crate) fn f64(&mut self) -> Result<f64, BloomError> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// Reads a reserved u32 that must be zero.
    pub(crate) fn reserved32(&mut self) -> Result<(), BloomError> {
        match self.u32()? {
            0 => Ok(()),
            v => Err(BloomError::Corrupt(text!(
                "reserved field is ",
                v,
                ", not 0"
            ))),
        }
    }

    /// Reads a filter block's parameters: (m, k).
    pub(crate) fn block_params(&mut self) -> Result<(u64, u32), BloomError> {
        let m = self.u64()?;
        let k = self.u32()?;
        self.reserved32()?;
        Ok((m, k))
    }

    /// Requires exactly `n` more payload bytes before the CRC.
    pub(crate) fn expect_exact(&self, n: u64) -> Result<(), BloomError> {
        let expected = (self.pos as u64)
            .saturating_add(n)
            .saturating_add(CRC_LEN as u64);
        let got = self.buf.len() as u64;
        let clamp = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        if got < expected {
            Err(BloomError::Truncated {
                needed: clamp(expected),
                got: self.buf.len(),
            })
        } else if got > expected {
            Err(BloomError::Oversized {
                expected: clamp(expected),
                got: self.buf.len(),
            })
        } else {
            Ok(())
        }
    }

    /// Reads `count` u64 words (the bytes must already be known to exist, or
    /// truncation is reported before anything is allocated).
    pub(crate) fn words64(&mut self, count: usize) -> Result<Vec<u64>, BloomError> {
        let bytes = self.take(count.checked_mul(8).ok_or(BloomError::Truncated {
            needed: usize::MAX,
            got: self.buf.len(),
        })?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                u64::from_le_bytes(a)
            })
            .collect())
    }

    /// Reads `count` u32 words (see [`Reader::words64`]).
    pub(crate) fn words32(&mut self, count: usize) -> Result<Vec<u32>, BloomError> {
        let bytes = self.take(count.checked_mul(4).ok_or(BloomError::Truncated {
            needed: usize::MAX,
            got: self.buf.len(),
        })?)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Requires that only the CRC remains, then checks it.
    pub(crate) fn finish(self) -> Result<(), BloomError> {
        let expected = self.pos + CRC_LEN;
        if self.buf.len() > expected {
            return Err(BloomError::Oversized {
                expected,
                got: self.buf.len(),
            });
        }
        verify_crc(self.buf)
    }
}

/// Checks the trailing CRC-32 of a whole serialization (length >= 4).
pub(crate) fn verify_crc(buf: &[u8]) -> Result<(), BloomError> {
    let split = buf.len().saturating_sub(CRC_LEN);
    let (data, tail) = buf.split_at(split);
    let stored = match tail {
        [a, b, c, d] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => {
            return Err(BloomError::Truncated {
                needed: HEADER_LEN + CRC_LEN,
                got: buf.len(),
            })
        }
    };
    let computed = crate::hash::crc32(data);
    if stored == computed {
        Ok(())
    } else {
        Err(BloomError::Checksum { stored, computed })
    }
}

/// Maps an invalid stored parameter to [`BloomError::Corrupt`].
pub(crate) fn corrupt_param(e: ArgError) -> BloomError {
    BloomError::Corrupt(text!("invalid parameter: ", &e.message()))
}

/// Standard, padded base64 (what `btoa` and `Buffer.toString("base64")` give).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard, padded base64, canonical only: the engine refuses set
/// bits in the unused low bits of the last character, so exactly one text
/// decodes to given bytes and `encode_base64` gives it back.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, BloomError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(BloomError::Base64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_in_order() {
        let w = Writer::new(KIND_CLASSIC, HASH_XXH3_KM, 0).finish();
        assert_eq!(w.len(), HEADER_LEN + CRC_LEN);
        assert!(Reader::open(&w, KIND_CLASSIC, HASH_XXH3_KM).is_ok());
        assert_eq!(
            Reader::open(&w, KIND_COUNTING, HASH_XXH3_KM).err(),
            Some(BloomError::WrongKind {
                expected: KIND_COUNTING,
                found: KIND_CLASSIC
            })
        );
        assert!(matches!(
            Reader::open(&w, KIND_CLASSIC, HASH_XXH64_PARQUET),
            Err(BloomError::UnknownHash { .. })
        ));
        let mut v2 = w.clone();
        v2[4] = 2;
        assert_eq!(
            Reader::open(&v2, KIND_CLASSIC, HASH_XXH3_KM).err(),
            Some(BloomError::UnsupportedVersion { found: 2 })
        );
        assert_eq!(
            Reader::open(b"nope, not a filter", KIND_CLASSIC, HASH_XXH3_KM).err(),
            Some(BloomError::BadMagic)
        );
        assert!(matches!(
            Reader::open(b"QK", KIND_CLASSIC, HASH_XXH3_KM),
            Err(BloomError::Truncated { got: 2, .. })
        ));
        assert!(verify_crc(&w).is_ok());
        let mut bad = w;
        bad[0] ^= 1;
        assert!(matches!(verify_crc(&bad), Err(BloomError::Checksum { .. })));
    }

    #[test]
    fn errors_display_and_source() {
        use core::error::Error as _;
        let e = BloomError::from(ArgError::range("fpRate", "a number in [1e-19, 1)", 2));
        assert!(e.source().is_some());
        assert!(e.to_string().starts_with("fpRate must be"));
        let e = BloomError::WrongKind {
            expected: KIND_CLASSIC,
            found: KIND_SPLIT_BLOCK,
        };
        assert_eq!(
            e.to_string(),
            "wrong bloom filter kind: expected BloomFilter (1), got SplitBlockBloomFilter (4)"
        );
        assert!(decode_base64("!!!").is_err());
        assert_eq!(decode_base64(&encode_base64(b"xyz")).unwrap(), b"xyz");
    }
}
