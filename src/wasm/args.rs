//! Checks for numbers that arrive from JavaScript as `f64`.
//!
//! A JavaScript number reaches Rust as an `f64` unchanged, so NaN, infinities,
//! fractions and negatives are all possible: each is rejected with an
//! [`ArgError`] that names the parameter, instead of being truncated.

#[cfg(not(feature = "std"))]
use crate::prelude::F64Math;
use crate::ArgError;

/// An integer in `min..=max` (both at most 2^53, where every integer is exact).
pub fn int(param: &'static str, value: f64, min: u64, max: u64) -> Result<u64, ArgError> {
    if value.fract() == 0.0 && value >= min as f64 && value <= max as f64 {
        Ok(value as u64)
    } else {
        Err(ArgError::range(
            param,
            crate::text!("an integer in ", min, "..=", max),
            value,
        ))
    }
}

/// A Unix time in ms: an integer in `0..=2^53 - 1`.
pub fn unix_ms(param: &'static str, value: f64) -> Result<u64, ArgError> {
    int(param, value, 0, crate::snowflake::MAX_TIMESTAMP_MS)
}
