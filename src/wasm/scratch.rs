//! The shared scratch buffers through which keys cross the boundary.
//!
//! JavaScript encodes a key's UTF-8 bytes straight into [`key_buffer_ptr`]
//! (a view over wasm memory) and then calls an export with only the byte
//! length. Batch calls put many keys back to back in the same buffer and their
//! end offsets in the offsets buffer ([`ends_buffer_reserve`]). The buffers
//! grow to the largest call, so steady-state calls allocate nothing; any growth
//! may move a buffer and grow wasm memory, so the facade re-reads the pointer
//! after every `*_reserve` call and rebuilds its views when `memory.buffer`
//! changes.
//!
//! A buffer that one call grew past [`KEEP_BYTES`] (a long key, a large batch,
//! a whole snapshot) is given back to the allocator at the next call that does
//! not need it: [`key_buffer_ptr`] shrinks the key buffer to its default
//! capacity, and the offsets and output buffers shrink when a smaller
//! reservation comes. The facade, which caches the key buffer's pointer and
//! capacity, drops that cache after any write that left the buffer larger than
//! [`KEEP_BYTES`], so its next write asks [`key_buffer_ptr`] again.
//!
//! The same area carries batch results back: [`out_buffer_ptr`] is a byte
//! buffer the exports fill and JavaScript copies out.
//!
//! The key and offsets buffers exist only in the modules whose exports take
//! keys (every one but Snowflake's, which uses only the output buffer).

use super::errors::JsResult;
use crate::prelude::*;
use crate::ArgError;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Upper bound on any scratch buffer: 256 MiB, far above any sane key or batch.
const MAX_SCRATCH: usize = 256 << 20;

/// The most memory a scratch buffer keeps between calls: 16 MiB. A call that
/// needs more gets it, and the next call that needs at most this much gives
/// the surplus back. Buffers grow by doubling, so a steady stream of calls
/// that each need between half this and all of it would be given back and
/// grown again every time; at 16 MiB that takes batches of a million short
/// keys, far above the ordinary ones. The facade reads it from the
/// generated layout file.
pub const KEEP_BYTES: usize = 16 << 20;

/// A value owned by the module's one thread. wasm32 modules without the
/// `atomics` target feature cannot share memory between threads, so a plain
/// `static` is never touched by two threads (what `thread_local!` guarantees
/// with std, which these modules do without).
struct Local<T>(RefCell<T>);

// SAFETY: there is only one thread (see above).
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    // Unused in the Snowflake module, which has no key buffer.
    #[allow(dead_code)]
    fn with_borrow<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0.borrow())
    }

    fn with_borrow_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

/// `u64` words so that any typed-array view of it is aligned.
static OUT: Local<Vec<u64>> = Local(RefCell::new(Vec::new()));

fn grow<T: Copy + Default>(v: &mut Vec<T>, len: usize, param: &'static str) -> JsResult<()> {
    let bytes = len.saturating_mul(core::mem::size_of::<T>());
    if bytes > MAX_SCRATCH {
        return Err(super::errors::arg_error(ArgError::range(
            param,
            "at most 256 MiB in one call",
            crate::text!(bytes, " bytes"),
        )));
    }
    if v.len() < len {
        v.resize(len.max(v.len() * 2), T::default());
    }
    Ok(())
}

/// [`grow`] for a buffer whose contents the caller is about to overwrite: one
/// that holds more than [`KEEP_BYTES`] while `len` fits in them is replaced
/// by an exact-size one first, so the memory goes back to the allocator.
fn fit<T: Copy + Default>(v: &mut Vec<T>, len: usize, param: &'static str) -> JsResult<()> {
    let size = core::mem::size_of::<T>();
    if v.len() * size > KEEP_BYTES && len.saturating_mul(size) <= KEEP_BYTES {
        *v = vec![T::default(); len];
    }
    grow(v, len, param)
}

/// Grows the output buffer to at least `len` bytes and returns its pointer
/// (8-byte aligned, so any typed-array view of it is valid).
#[wasm_bindgen]
pub fn out_buffer_reserve(len: usize) -> JsResult<*mut u8> {
    OUT.with_borrow_mut(|out| {
        fit(out, len.div_ceil(8), "keys")?;
        Ok(out.as_mut_ptr().cast())
    })
}

/// Pointer to the output buffer.
#[wasm_bindgen]
pub fn out_buffer_ptr() -> *mut u8 {
    OUT.with_borrow_mut(|out| out.as_mut_ptr().cast())
}

/// Runs `f` on the first `len` words of the output buffer, grown as needed.
pub fn with_out_words<R>(len: usize, f: impl FnOnce(&mut [u64]) -> R) -> JsResult<R> {
    OUT.with_borrow_mut(|out| {
        fit(out, len, "count")?;
        Ok(f(&mut out[..len]))
    })
}

#[cfg(any(
    feature = "bloom",
    feature = "ring",
    feature = "raft",
    feature = "raft-sim"
))]
pub use keys::*;

/// The key and offsets buffers.
#[cfg(any(
    feature = "bloom",
    feature = "ring",
    feature = "raft",
    feature = "raft-sim"
))]
mod keys {
    use super::{fit, grow, JsResult, Local, KEEP_BYTES, OUT};
    use crate::prelude::*;
    use crate::ArgError;
    use core::cell::RefCell;
    use wasm_bindgen::prelude::*;

    struct Keys {
        /// The key bytes, in `u64` words so that the facade may write a short
        /// key four bytes at a time through a `Uint32Array` view (aligned).
        keys: Vec<u64>,
        ends: Vec<u32>,
    }

    impl Keys {
        fn bytes(&self) -> &[u8] {
            bytemuck::cast_slice(&self.keys)
        }
    }

    static KEYS: Local<Keys> = Local(RefCell::new(Keys {
        keys: Vec::new(),
        ends: Vec::new(),
    }));

    /// The smallest key buffer the facade sees, in words (1 KiB): it copies
    /// a short key (up to 64 UTF-16 units, 3 bytes each at most) without
    /// checking the capacity.
    const MIN_KEY_WORDS: usize = 128;
    /// [`KEEP_BYTES`] in words.
    const KEEP_WORDS: usize = KEEP_BYTES / 8;

    /// Pointer to the key buffer (at least 1 KiB, 8-byte aligned; see
    /// [`key_buffer_reserve`]).
    ///
    /// The facade asks for it before a write when it holds no pointer: at
    /// its first write, and after a write that grew the buffer past
    /// [`KEEP_BYTES`]. Nothing in the buffer is needed then, so a buffer
    /// larger than that shrinks back to the default 1 KiB here.
    #[wasm_bindgen]
    pub fn key_buffer_ptr() -> *mut u8 {
        KEYS.with_borrow_mut(|s| {
            if s.keys.len() < MIN_KEY_WORDS || s.keys.len() > KEEP_WORDS {
                s.keys = vec![0; MIN_KEY_WORDS];
            }
            s.keys.as_mut_ptr().cast()
        })
    }

    /// Current capacity of the key buffer in bytes (at least 1 KiB).
    #[wasm_bindgen]
    pub fn key_buffer_len() -> usize {
        KEYS.with_borrow_mut(|s| {
            if s.keys.len() < MIN_KEY_WORDS {
                s.keys.resize(MIN_KEY_WORDS, 0);
            }
            s.keys.len() * 8
        })
    }

    /// Grows the key buffer to at least `len` bytes, keeping its contents, and
    /// returns its (possibly moved) pointer.
    #[wasm_bindgen]
    pub fn key_buffer_reserve(len: usize) -> JsResult<*mut u8> {
        KEYS.with_borrow_mut(|s| {
            grow(&mut s.keys, len.div_ceil(8), "key")?;
            Ok(s.keys.as_mut_ptr().cast())
        })
    }

    /// Grows the offsets buffer to at least `count` `u32` slots and returns its pointer.
    #[wasm_bindgen]
    pub fn ends_buffer_reserve(count: usize) -> JsResult<*mut u32> {
        KEYS.with_borrow_mut(|s| {
            fit(&mut s.ends, count, "keys")?;
            Ok(s.ends.as_mut_ptr())
        })
    }

    /// Runs `f` on the first `len` bytes of the key buffer.
    ///
    /// Hot single-key exports are infallible, because a `Result` return costs a
    /// multi-value tuple per call in JavaScript. The facade always passes the
    /// length it has just written; a larger `len` (only possible by calling the
    /// raw layer directly) is clamped to the buffer, never read out of bounds.
    pub fn with_key<R>(len: usize, f: impl FnOnce(&[u8]) -> R) -> R {
        KEYS.with_borrow(|s| {
            let keys = s.bytes();
            f(&keys[..len.min(keys.len())])
        })
    }

    /// Runs `f` on `count` packed keys (`keys`, `ends`) and the output buffer,
    /// which holds at least `out_len` bytes.
    ///
    /// The offsets are checked: they must be non-decreasing and within the key
    /// buffer, otherwise the call fails with a `RangeError`.
    pub fn with_batch<R>(
        count: usize,
        out_len: usize,
        f: impl FnOnce(&[u8], &[u32], &mut [u8]) -> R,
    ) -> JsResult<R> {
        KEYS.with_borrow(|s| {
            OUT.with_borrow_mut(|out| {
                let bad = |what: String| {
                    Err(super::super::errors::arg_error(ArgError::range(
                        "keys",
                        "a packed batch within the scratch buffers",
                        what,
                    )))
                };
                let Some(ends) = s.ends.get(..count) else {
                    return bad(crate::text!(count, " keys"));
                };
                let mut prev = 0u32;
                for &e in ends {
                    if e < prev || e as usize > s.bytes().len() {
                        return bad(crate::text!("offset ", e));
                    }
                    prev = e;
                }
                let out: &mut [u8] = bytemuck::cast_slice_mut(out);
                if out.len() < out_len {
                    return bad(crate::text!("output of ", out_len, " bytes"));
                }
                Ok(f(s.bytes(), ends, &mut out[..out_len]))
            })
        })
    }
}
