//! Many keys packed into one byte buffer plus an offsets slice.

use crate::prelude::*;
use crate::ArgError;

/// An iterator over keys packed as one byte buffer and an `ends` slice.
///
/// Key `i` is `keys[ends[i - 1]..ends[i]]` (key 0 starts at offset 0), the
/// layout the WebAssembly binding receives from JavaScript: one `Uint8Array`
/// holding every key's UTF-8 bytes and one `Uint32Array` of end offsets.
///
/// # Examples
/// ```
/// use quorumkit::ring::PackedKeys;
/// let keys = PackedKeys::new(b"applepear", &[5, 9])?;
/// let all: Vec<&[u8]> = keys.collect();
/// assert_eq!(all, vec![&b"apple"[..], &b"pear"[..]]);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PackedKeys<'a> {
    keys: &'a [u8],
    ends: core::slice::Iter<'a, u32>,
    start: usize,
}

impl<'a> PackedKeys<'a> {
    /// Checks the offsets and returns an iterator over the keys.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::PackedKeys;
    /// assert_eq!(PackedKeys::new(b"ab", &[1, 1, 2])?.count(), 3);
    /// assert!(PackedKeys::new(b"ab", &[2, 1]).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`ends`) when the offsets decrease or pass the end of `keys`.
    pub fn new(keys: &'a [u8], ends: &'a [u32]) -> Result<Self, ArgError> {
        let mut prev = 0u32;
        for (i, &end) in ends.iter().enumerate() {
            if end < prev || end as usize > keys.len() {
                return Err(ArgError::range(
                    "ends",
                    format!(
                        "non-decreasing offsets no larger than keys.length ({})",
                        keys.len()
                    ),
                    format!("{end} at index {i}"),
                ));
            }
            prev = end;
        }
        Ok(PackedKeys {
            keys,
            ends: ends.iter(),
            start: 0,
        })
    }
}

impl<'a> Iterator for PackedKeys<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let end = *self.ends.next()? as usize;
        // The offsets were checked in `new`, so the range is always in bounds.
        let key = self.keys.get(self.start..end).unwrap_or(&[]);
        self.start = end;
        Some(key)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ends.size_hint()
    }
}

impl ExactSizeIterator for PackedKeys<'_> {}

/// Checks that an output slice has one slot per key.
pub(crate) fn check_out(param: &'static str, out_len: usize, keys: usize) -> Result<(), ArgError> {
    if out_len == keys {
        Ok(())
    } else {
        Err(ArgError::range(
            param,
            format!("a buffer with one slot per key ({keys})"),
            format!("length {out_len}"),
        ))
    }
}
