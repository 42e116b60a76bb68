//! What the standard prelude provides and a `no_std` build must import:
//! every module that uses these names starts with `use crate::prelude::*;`.

pub use alloc::boxed::Box;
pub use alloc::string::{String, ToString};
pub use alloc::vec::Vec;
pub use alloc::{format, vec};

/// The float math methods that `core` lacks.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
pub use crate::math::{F32Math, F64Math};
