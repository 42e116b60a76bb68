//! The argument error shared by every module.
//!
//! The core never panics on bad input: each constructor and method that takes
//! a caller-supplied value checks it and returns an [`ArgError`] naming the
//! parameter, what is allowed and what was given. The WebAssembly binding turns
//! it into a JavaScript `RangeError` (or `TypeError` for [`ArgKind::Type`]) with
//! the same message, so Rust and JavaScript users read the same words.

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

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
        got: impl Shown,
    ) -> Self {
        ArgError {
            param: param.into(),
            allowed: allowed.into(),
            got: got.shown(),
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
        got: impl Shown,
    ) -> Self {
        ArgError {
            kind: ArgKind::Type,
            ..ArgError::range(param, allowed, got)
        }
    }
}

impl ArgError {
    /// The message: "`param` must be `allowed`, got `got`". Built without
    /// `core::fmt` (see [`text!`](crate::text)), so the WebAssembly modules
    /// that only print messages carry no formatting machinery.
    pub(crate) fn message(&self) -> String {
        crate::text!(
            &*self.param,
            " must be ",
            &*self.allowed,
            ", got ",
            &*self.got
        )
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ArgError {}

/// A value that an [`ArgError`] can quote as "got …".
///
/// Numbers are written the way JavaScript's `String(x)` writes them
/// (`NaN`, `Infinity`, `1e+21`, `0.000001`), because most of them arrive
/// from JavaScript and the message should quote what the caller passed.
/// Floats use the shortest digits that read back to the same value (from the
/// `ryu` crate) laid out by ECMAScript's `Number::toString` rules, which keeps
/// the float formatting machinery of `core::fmt` out of the WebAssembly
/// modules; the npm package's modules go further and ask JavaScript's own
/// `String(x)`, so they carry no float printing at all.
///
/// # Examples
/// ```
/// use quorumkit::Shown;
/// assert_eq!(1.5f64.shown(), "1.5");
/// assert_eq!(f64::INFINITY.shown(), "Infinity");
/// assert_eq!(1e21f64.shown(), "1e+21");
/// assert_eq!(0.000001f64.shown(), "0.000001");
/// assert_eq!(42u32.shown(), "42");
/// assert_eq!("object".shown(), "object");
/// ```
pub trait Shown {
    /// The value as the message quotes it.
    fn shown(self) -> String;
}

impl Shown for f64 {
    fn shown(self) -> String {
        js_number(self)
    }
}

impl Shown for f32 {
    fn shown(self) -> String {
        js_number(f64::from(self))
    }
}

macro_rules! shown_as_part {
    ($($t:ty),*) => {$(
        impl Shown for $t {
            fn shown(self) -> String {
                crate::text!(self)
            }
        }
    )*};
}
shown_as_part!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, char, bool);

macro_rules! shown_as_string {
    ($($t:ty),*) => {$(
        impl Shown for $t {
            fn shown(self) -> String {
                self.into()
            }
        }
    )*};
}
shown_as_string!(&str, String, &String, Cow<'_, str>);

macro_rules! shown_by_display {
    ($($t:ty),*) => {$(
        impl Shown for $t {
            fn shown(self) -> String {
                self.to_string()
            }
        }
    )*};
}
shown_by_display!(u128, i128);

/// Concatenates message parts (text, integers, chars, bools) into a
/// `String`, as `format!` with plain `{}` placeholders would, but without
/// `core::fmt`: its `Formatter`, padding and 128-bit integer printing would
/// otherwise be linked into every WebAssembly module that builds a message.
/// Each call site only lists its parts; one function ([`concat`]) joins them.
///
/// For example `text!("an integer in ", 1u8, "..=", max)` is
/// `format!("an integer in 1..={max}")`.
macro_rules! text {
    ($($part:expr),* $(,)?) => {
        $crate::error::concat(&[$($crate::error::Part::from($part)),*])
    };
}
pub(crate) use text;

/// One part of a message that [`text!`](crate::text) joins.
pub(crate) enum Part<'a> {
    /// Text, as it is.
    Str(&'a str),
    /// An integer, in decimal.
    Int { negative: bool, magnitude: u64 },
    /// One character.
    Char(char),
}

/// Joins `parts` as `Display` writes each.
#[inline(never)]
pub(crate) fn concat(parts: &[Part<'_>]) -> String {
    let mut out = String::new();
    for part in parts {
        match *part {
            Part::Str(s) => out.push_str(s),
            Part::Char(c) => out.push(c),
            Part::Int {
                negative,
                mut magnitude,
            } => {
                if negative {
                    out.push('-');
                }
                let mut digits = [0u8; 20];
                let mut at = digits.len();
                loop {
                    at -= 1;
                    digits[at] = b'0' + (magnitude % 10) as u8;
                    magnitude /= 10;
                    if magnitude == 0 {
                        break;
                    }
                }
                for &d in &digits[at..] {
                    out.push(char::from(d));
                }
            }
        }
    }
    out
}

impl<'a> From<&'a str> for Part<'a> {
    fn from(s: &'a str) -> Self {
        Part::Str(s)
    }
}

impl<'a> From<&'a String> for Part<'a> {
    fn from(s: &'a String) -> Self {
        Part::Str(s)
    }
}

impl From<char> for Part<'_> {
    fn from(c: char) -> Self {
        Part::Char(c)
    }
}

impl From<bool> for Part<'_> {
    fn from(b: bool) -> Self {
        Part::Str(if b { "true" } else { "false" })
    }
}

macro_rules! unsigned_part {
    ($($t:ty),*) => {$(
        impl From<$t> for Part<'_> {
            fn from(n: $t) -> Self {
                Part::Int { negative: false, magnitude: n as u64 }
            }
        }
    )*};
}
unsigned_part!(u8, u16, u32, u64, usize);

macro_rules! signed_part {
    ($($t:ty),*) => {$(
        impl From<$t> for Part<'_> {
            fn from(n: $t) -> Self {
                Part::Int { negative: n < 0, magnitude: (n as i64).unsigned_abs() }
            }
        }
    )*};
}
signed_part!(i8, i16, i32, i64, isize);

/// A caller's text, quoted for a message: between double quotes, with `"`,
/// `\\`, tabs, newlines, carriage returns, NUL and other control characters
/// escaped as Rust's `{:?}` escapes them; invalid UTF-8 becomes U+FFFD. Unlike
/// `{:?}`, other characters are kept as they are, which spares every wasm
/// module the tables that decide what Unicode considers printable.
pub(crate) fn quoted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_ascii_control() => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as u8;
                out.push_str("\\u{");
                if b >= 0x10 {
                    out.push(HEX[usize::from(b >> 4)] as char);
                }
                out.push(HEX[usize::from(b & 0xF)] as char);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `String(x)` for a JavaScript number: in the package's wasm modules,
/// JavaScript's own `String(x)`, so the digits come from the engine instead of
/// a float-printing algorithm in every module.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
fn js_number(x: f64) -> String {
    crate::wasm::number_text(x)
}

/// `String(x)` for a JavaScript number (ECMAScript `Number::toString`).
#[cfg(not(all(target_arch = "wasm32", not(feature = "std"))))]
fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    if x.is_infinite() {
        return format!("{sign}Infinity");
    }
    // Shortest round-trip digits, then ECMAScript's layout: x = 0.d1d2…dk × 10^n.
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(x);
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let int_len = mantissa.find('.').unwrap_or(mantissa.len()) as i32;
    let all: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let trimmed = all.trim_start_matches('0');
    let n = int_len - (all.len() - trimmed.len()) as i32 + exp;
    let digits = trimmed.trim_end_matches('0');
    let k = digits.len() as i32;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        format!("{a}.{b}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let e = n - 1;
        let point = if rest.is_empty() { "" } else { "." };
        let esign = if e < 0 { "-" } else { "+" };
        format!("{first}{point}{rest}e{esign}{}", e.abs())
    };
    format!("{sign}{body}")
}

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

    #[test]
    fn numbers_are_quoted_as_javascript_writes_them() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123456789.0, "123456789"),
            (1e16, "10000000000000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (0.000001, "0.000001"),
            (0.0000015, "0.0000015"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (9007199254740993.0, "9007199254740992"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for &(x, want) in cases {
            assert_eq!(x.shown(), want, "{x:e}");
        }
        assert_eq!(0.5f32.shown(), "0.5");
    }

    #[test]
    fn text_writes_pieces_as_display_does() {
        for n in [0u64, 7, 10, 1023, 9_007_199_254_740_991, u64::MAX] {
            assert_eq!(crate::text!(n), n.to_string());
        }
        for n in [0i64, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(crate::text!(n), n.to_string());
        }
        assert_eq!(crate::text!(-5i8, 'x', true, false), "-5xtruefalse");
        let name = String::from("seed");
        assert_eq!(
            crate::text!(&name, " in ", 1u8, "..=", 255usize, ", ", &*name),
            "seed in 1..=255, seed"
        );
        assert_eq!(crate::text!(), "");
        assert_eq!(u128::MAX.shown(), u128::MAX.to_string());
    }

    #[test]
    fn quoted_escapes_as_debug_does_for_ascii() {
        for text in [
            "flickr",
            "a\"b\\c",
            "tab\there\nnew\rline\0",
            "\u{1}\u{1f}\u{7f}",
            "café 東京",
            "",
        ] {
            assert_eq!(quoted(text.as_bytes()), format!("{text:?}"), "{text}");
        }
        assert_eq!(quoted(b"a\xffb"), "\"a\u{fffd}b\"");
    }
}
