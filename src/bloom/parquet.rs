//! Parquet's `BloomFilterHeader`: the Thrift struct (compact protocol) that
//! precedes a split-block bitset in a Parquet file, so that the bytes a
//! column chunk's `bloom_filter_offset` / `bloom_filter_length` point at load
//! as one filter.
//!
//! ```text
//! struct BloomFilterHeader {
//!   1: required i32 numBytes;                        // the bitset's length
//!   2: required BloomFilterAlgorithm algorithm;      // union { 1: SplitBlockAlgorithm {} }
//!   3: required BloomFilterHash hash;                // union { 1: XxHash {} }
//!   4: required BloomFilterCompression compression;  // union { 1: Uncompressed {} }
//! }
//! ```
//!
//! Only the compact protocol's skipping of unknown fields is needed beyond
//! these four, so the reader is written here (about a hundred lines) rather
//! than taken from a Thrift crate, which would bring a general code generator
//! runtime into the `.wasm` for one struct. It reads at most the input,
//! recurses at most [`MAX_DEPTH`] structs deep and allocates nothing.

use crate::prelude::*;
use crate::{text, ArgError};

/// The deepest nesting of structs, lists and maps the reader skips through.
const MAX_DEPTH: u32 = 16;

// Compact protocol field types.
const T_TRUE: u8 = 1;
const T_FALSE: u8 = 2;
const T_BYTE: u8 = 3;
const T_I16: u8 = 4;
const T_I32: u8 = 5;
const T_I64: u8 = 6;
const T_DOUBLE: u8 = 7;
const T_BINARY: u8 = 8;
const T_LIST: u8 = 9;
const T_SET: u8 = 10;
const T_MAP: u8 = 11;
const T_STRUCT: u8 = 12;

/// The header a writer puts before a bitset of `num_bytes`, byte for byte
/// as parquet-mr, Arrow and DuckDB write it.
pub(super) fn write_header(num_bytes: u32, out: &mut Vec<u8>) {
    out.push(0x15); // field 1, i32
    let mut v = (num_bytes as i32 as u32) << 1; // zigzag of a non-negative i32
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    // Fields 2, 3 and 4: a union whose field 1 is an empty struct.
    for _ in 0..3 {
        out.extend_from_slice(&[0x1c, 0x1c, 0x00, 0x00]);
    }
    out.push(0x00); // stop
}

/// Reads a header from the start of `b`; returns `numBytes` and the
/// header's length.
pub(super) fn read_header(b: &[u8]) -> Result<(usize, usize), ArgError> {
    let mut r = Reader { b, at: 0 };
    let mut num_bytes = None;
    let mut seen = [false; 3];
    r.fields(0, |r, id, ty| match (id, ty) {
        (1, T_I32) => {
            let v = r.zigzag()?;
            if !(0..=i64::from(i32::MAX)).contains(&v) {
                return Err(r.bad("numBytes in 0..=2^31-1"));
            }
            num_bytes = Some(v as usize);
            Ok(())
        }
        (2..=4, T_STRUCT) => {
            // A union: exactly one field, number 1 (SPLIT_BLOCK, XXHASH,
            // UNCOMPRESSED: the only values the format defines).
            let mut found = false;
            r.fields(1, |r, id, ty| {
                if id != 1 || ty != T_STRUCT || found {
                    return Err(r.bad(match id {
                        _ if found => "one value per union",
                        _ => "the split-block algorithm, the XXH64 hash and no compression",
                    }));
                }
                found = true;
                r.skip(T_STRUCT, 2)
            })?;
            if !found {
                return Err(r.bad("a value in each union"));
            }
            seen[id as usize - 2] = true;
            Ok(())
        }
        (1..=4, _) => Err(r.bad("fields 1-4 of their declared types")),
        _ => r.skip(ty, 1),
    })?;
    match num_bytes {
        Some(n) if seen.iter().all(|&s| s) => Ok((n, r.at)),
        _ => Err(r.bad("all four required fields (numBytes, algorithm, hash, compression)")),
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn bad(&self, allowed: &str) -> ArgError {
        ArgError::range(
            "bytes",
            text!(
                "a Parquet BloomFilterHeader with ",
                allowed,
                ", then its bitset"
            ),
            text!("byte ", self.at, " of the header"),
        )
    }

    fn byte(&mut self) -> Result<u8, ArgError> {
        let v = *self
            .b
            .get(self.at)
            .ok_or_else(|| self.bad("no truncation"))?;
        self.at += 1;
        Ok(v)
    }

    fn varint(&mut self) -> Result<u64, ArgError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.bad("varints of at most 10 bytes"))
    }

    fn zigzag(&mut self) -> Result<i64, ArgError> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// Calls `f(field id, type)` for each field of a struct until its stop
    /// byte; `f` must consume the field's value.
    fn fields(
        &mut self,
        depth: u32,
        mut f: impl FnMut(&mut Self, i16, u8) -> Result<(), ArgError>,
    ) -> Result<(), ArgError> {
        if depth > MAX_DEPTH {
            return Err(self.bad(&text!("at most ", MAX_DEPTH, " levels of nesting")));
        }
        let mut last: i16 = 0;
        loop {
            let h = self.byte()?;
            if h == 0 {
                return Ok(());
            }
            let ty = h & 0x0f;
            let id = match h >> 4 {
                0 => i16::try_from(self.zigzag()?).map_err(|_| self.bad("16-bit field ids"))?,
                delta => last
                    .checked_add(i16::from(delta))
                    .ok_or_else(|| self.bad("16-bit field ids"))?,
            };
            last = id;
            f(self, id, ty)?;
        }
    }

    /// Skips one value of type `ty`.
    fn skip(&mut self, ty: u8, depth: u32) -> Result<(), ArgError> {
        match ty {
            T_TRUE | T_FALSE => Ok(()),
            T_BYTE => self.byte().map(drop),
            T_I16 | T_I32 | T_I64 => self.varint().map(drop),
            T_DOUBLE => self.take(8),
            T_BINARY => {
                let n = self.varint()?;
                self.take(n)
            }
            T_LIST | T_SET => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                self.items(n, &[h & 0x0f], depth)
            }
            T_MAP => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                self.items(n, &[kv >> 4, kv & 0x0f], depth)
            }
            T_STRUCT => self.fields(depth, |r, _, ty| r.skip(ty, depth + 1)),
            _ => Err(self.bad("known field types")),
        }
    }

    /// Skips `n` items of the element types in `types` (one for a list, two
    /// for a map). Each takes at least a byte, so `n` is bounded by the input.
    fn items(&mut self, n: u64, types: &[u8], depth: u32) -> Result<(), ArgError> {
        if depth > MAX_DEPTH {
            return Err(self.bad(&text!("at most ", MAX_DEPTH, " levels of nesting")));
        }
        if n > (self.b.len() - self.at) as u64 {
            return Err(self.bad("no truncation"));
        }
        for _ in 0..n {
            for &t in types {
                // In a collection a boolean is a byte of its own.
                if t == T_TRUE || t == T_FALSE {
                    self.byte()?;
                } else {
                    self.skip(t, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn take(&mut self, n: u64) -> Result<(), ArgError> {
        match usize::try_from(n).ok().and_then(|n| self.at.checked_add(n)) {
            Some(end) if end <= self.b.len() => {
                self.at = end;
                Ok(())
            }
            _ => Err(self.bad("no truncation")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_round_trips_and_matches_what_writers_write() {
        // DuckDB's header for a 512-byte bitset.
        let duckdb = [
            0x15, 0x80, 0x08, 0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x1c, 0x00,
            0x00, 0x00,
        ];
        let mut out = Vec::new();
        write_header(512, &mut out);
        assert_eq!(out, duckdb);
        assert_eq!(read_header(&duckdb), Ok((512, 16)));
        for n in [0, 32, 1 << 20, i32::MAX as u32] {
            let mut h = Vec::new();
            write_header(n, &mut h);
            assert_eq!(read_header(&h), Ok((n as usize, h.len())));
        }
    }

    #[test]
    fn unknown_fields_are_skipped_and_bad_headers_refused() {
        // numBytes 32, then an unknown field 9 holding a list of two strings,
        // a map and a nested struct, then the three unions.
        let mut h = vec![0x15, 0x40];
        h.extend_from_slice(&[0x59, 0x28, 0x01, b'a', 0x02, b'b', b'c']); // field 6: list<binary>
        h.extend_from_slice(&[0x1b, 0x01, 0x55, 0x02, 0x04]); // field 7: map<i32,i32> {1: 2}
        h.extend_from_slice(&[0x1c, 0x11, 0x00]); // field 8: struct { 1: true }
        h.extend_from_slice(&[0x0c, 0x04]); // field 2 in long form: a struct
        h.extend_from_slice(&[0x1c, 0x00, 0x00]);
        h.extend_from_slice(&[0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x1c, 0x00, 0x00, 0x00]);
        assert_eq!(read_header(&h), Ok((32, h.len())));
        let cases: [&[u8]; 6] = [
            &[],
            &[0x15, 0x40, 0x00], // unions missing
            &[
                0x15, 0x01, 0x1c, 0x1c, 0, 0, 0x1c, 0x1c, 0, 0, 0x1c, 0x1c, 0, 0, 0,
            ], // numBytes -1
            &[
                0x15, 0x40, 0x1c, 0x2c, 0, 0, 0x1c, 0x1c, 0, 0, 0x1c, 0x1c, 0, 0, 0,
            ], // algorithm 2
            &[0x15, 0x40, 0x1c, 0x1c, 0, 0x1c, 0, 0], // two values in a union
            &[0x15, 0x40, 0x19, 0xf8, 0xff, 0xff, 0xff, 0x0f], // a list longer than the input
        ];
        for c in cases {
            assert_eq!(read_header(c).unwrap_err().param, "bytes", "{c:02x?}");
        }
        // Nesting deeper than MAX_DEPTH is refused, not recursed into.
        let mut deep = vec![0x15, 0x40];
        deep.extend(std::iter::repeat_n(0x1c, 100));
        assert!(read_header(&deep).is_err());
    }
}
