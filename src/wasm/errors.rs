//! Turning core errors into JavaScript exceptions.

use crate::{ArgError, ArgKind};
use wasm_bindgen::JsValue;

/// Converts an [`ArgError`] into a `RangeError` or `TypeError` with the same message.
pub fn arg_error(e: ArgError) -> JsValue {
    let msg = e.message();
    match e.kind {
        ArgKind::Range => js_sys::RangeError::new(&msg).into(),
        ArgKind::Type => js_sys::TypeError::new(&msg).into(),
    }
}

/// Result type of the raw exports.
pub type JsResult<T> = Result<T, JsValue>;
