//! The WebAssembly binding layer: the only code that knows about JavaScript.
//!
//! Each submodule is a thin `#[wasm_bindgen]` wrapper over one core module.
//! The typed facade in `js/src` sits on top and is all that users see; the
//! raw exports here follow the boundary rules of `docs/ARCHITECTURE.md`:
//!
//! - keys arrive through the shared scratch buffer ([`scratch`]), so a call
//!   passes only a length and nothing is allocated per call;
//! - results are numbers, indices, `u64` (a JavaScript `BigInt`) or views
//!   into wasm memory, not fresh strings;
//! - invalid arguments come back as `RangeError` / `TypeError` through
//!   [`errors`], never as a panic.
//!
//! Each binding module is behind the cargo feature of its npm subpath
//! (`snowflake`, `bloom`, `ring` with `hash`, `raft` for `raft_node`,
//! `raft-sim` for `sim`), so a build with one feature exports only that
//! module, and links only what its exports reach.

use crate::prelude::*;
pub mod args;
#[cfg(feature = "bloom")]
pub mod bloom;
#[cfg(any(feature = "raft", feature = "raft-sim"))]
pub mod codes;
pub mod errors;
#[cfg(feature = "ring")]
pub mod hash;
#[cfg(feature = "raft")]
pub mod raft_node;
#[cfg(feature = "ring")]
pub mod ring;
pub mod scratch;
#[cfg(feature = "raft-sim")]
pub mod sim;
#[cfg(feature = "snowflake")]
pub mod snowflake;

#[cfg(not(feature = "std"))]
mod runtime;

use wasm_bindgen::prelude::*;

/// `String(x)`, by JavaScript: how the modules' error messages quote a number
/// (see `Shown`).
#[cfg(not(feature = "std"))]
pub(crate) fn number_text(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

#[cfg(not(feature = "std"))]
#[wasm_bindgen]
extern "C" {
    /// `Number(text)`, by JavaScript: how a ketama ring reads a server's
    /// port (see `ring::hashring`).
    #[wasm_bindgen(js_name = Number)]
    pub(crate) fn number_of(text: &str) -> f64;
}

/// The crate version, for the page and for bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
