//! The argument error shared by every module.
//!
//! The core never panics on bad input: each constructor and method that takes
//! a caller-supplied value checks it and returns an [`ArgError`] naming the
//! parameter, what is allowed and what was given. The WebAssembly binding turns
//! it into a JavaScript `RangeError` (or `TypeError` for [`ArgKind::Type`]) with
//! the same message, so Rust and JavaScript users read the same words.

use std::borrow::Cow;
use std::fmt;

/// Which JavaScript error class an [`ArgError`] maps to.
///
/// # Examples
/// ```
/// use quorumkit::{ArgError, ArgKind};
/// let e = ArgError::range("fpRate", "a number in (0, 1)", 1.5);
/// assert_eq!(e.kind, ArgKind::Range);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// The value has the right type but lies outside the allowed range
    /// (JavaScript `RangeError`).
    Range,
    /// The value has the wrong type or shape (JavaScript `TypeError`).
    Type,
}

/// An invalid argument: names the parameter, what is allowed, and what was given.
///
/// Parameter names are the public ones, written the way JavaScript spells them
/// (`expectedItems`, `machineId`), because the same message reaches both Rust
/// and JavaScript callers.
///
/// # Examples
/// ```
/// use quorumkit::ArgError;
/// let e = ArgError::range("vnodes", "an integer in 1..=10000", 0);
/// assert_eq!(e.to_string(), "vnodes must be an integer in 1..=10000, got 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    /// The parameter's public name.
    pub param: Cow<'static, str>,
    /// What the parameter allows, phrased to follow "must be".
    pub allowed: Cow<'static, str>,
    /// The rejected value, rendered for the message.
    pub got: String,
    /// Which JavaScript error class this maps to.
    pub kind: ArgKind,
}

impl ArgError {
    /// A value outside its allowed range.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ArgError;
    /// let e = ArgError::range("n", "at most the node count (3)", 5);
    /// assert!(e.to_string().starts_with("n must be at most"));
    /// ```
    pub fn range(
        param: impl Into<Cow<'static, str>>,
        allowed: impl Into<Cow<'static, str>>,
        got: impl fmt::Display,
    ) -> Self {
        ArgError {
            param: param.into(),
            allowed: allowed.into(),
            got: got.to_string(),
            kind: ArgKind::Range,
        }
    }

    /// A value of the wrong type or shape.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::{ArgError, ArgKind};
    /// let e = ArgError::type_error("key", "a string or Uint8Array", "number");
    /// assert_eq!(e.kind, ArgKind::Type);
    /// ```
    pub fn type_error(
        param: impl Into<Cow<'static, str>>,
        allowed: impl Into<Cow<'static, str>>,
        got: impl fmt::Display,
    ) -> Self {
        ArgError {
            kind: ArgKind::Type,
            ..ArgError::range(param, allowed, got)
        }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} must be {}, got {}",
            self.param, self.allowed, self.got
        )
    }
}

impl std::error::Error for ArgError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_param_allowed_and_value() {
        let e = ArgError::range("fpRate", "a number in (0, 1)", 1.5);
        assert_eq!(e.to_string(), "fpRate must be a number in (0, 1), got 1.5");
        assert_eq!(e.kind, ArgKind::Range);
        let t = ArgError::type_error("key", "a string or Uint8Array", "object");
        assert_eq!(t.kind, ArgKind::Type);
        assert_eq!(t.param, "key");
    }
}
