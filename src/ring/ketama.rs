//! Compatibility with libketama and npm `hashring`: the options that select
//! a variant, how a server name becomes the string ketama hashes, and the
//! key position. The ring itself (points, lookups) is in `hashring.rs`.

use crate::hash;

/// Default digests per server for the ketama modes (libketama's 40).
pub const KETAMA_VNODES: u32 = 40;

/// How many points each ketama MD5 digest gives.
///
/// # Examples
/// ```
/// use quorumkit::ring::KetamaCompat;
/// assert_eq!(KetamaCompat::Ketama.points_per_digest(), 4);
/// assert_eq!(KetamaCompat::HashRing.points_per_digest(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KetamaCompat {
    /// libketama and npm `hashring`'s default: 4 points per digest.
    #[default]
    Ketama,
    /// Python `hash_ring` (npm `hashring`'s `compatibility: 'hash_ring'`):
    /// 3 points per digest.
    HashRing,
}

impl KetamaCompat {
    /// Points taken from each 16-byte digest.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::KetamaCompat::default().points_per_digest(), 4);
    /// ```
    pub fn points_per_digest(self) -> usize {
        match self {
            KetamaCompat::Ketama => 4,
            KetamaCompat::HashRing => 3,
        }
    }
}

/// The floating-point precision of a ketama server's digest count
/// `floor(weight / total × vnodes × servers)`.
///
/// # Examples
/// ```
/// use quorumkit::ring::ShareFloat;
/// assert_eq!(ShareFloat::default(), ShareFloat::F64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShareFloat {
    /// Double precision, as npm `hashring` computes it. With 7 equal servers
    /// this gives 39 digests each (`1/7 × 40 × 7` rounds below 40).
    #[default]
    F64,
    /// libketama's C expression `floorf(pct * 40.0 * (float)n)` with a
    /// single-precision `pct` (40 digests each for 7 equal servers).
    F32,
}

/// Options of the ketama hash mode.
///
/// # Examples
/// ```
/// use quorumkit::ring::{KetamaCompat, KetamaOptions};
/// let o = KetamaOptions { default_port: Some(11211), ..KetamaOptions::hash_ring() };
/// assert_eq!(o.compat, KetamaCompat::HashRing);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KetamaOptions {
    /// Points per digest.
    pub compat: KetamaCompat,
    /// npm `hashring`'s `'default port'`: a server whose port equals it is
    /// hashed as `host-i` instead of `host:port-i`. `None` or `Some(0)` turns
    /// it off (hashring treats 0 as unset).
    pub default_port: Option<u16>,
    /// Precision of the digest-count formula.
    pub share: ShareFloat,
}

impl KetamaOptions {
    /// npm `hashring`'s `compatibility: 'hash_ring'`: 3 points per digest.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::KetamaOptions::hash_ring().compat.points_per_digest(), 3);
    /// ```
    pub fn hash_ring() -> Self {
        KetamaOptions {
            compat: KetamaCompat::HashRing,
            ..KetamaOptions::default()
        }
    }

    /// libketama (C): 4 points per digest, single-precision digest counts.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{KetamaOptions, ShareFloat};
    /// assert_eq!(KetamaOptions::libketama().share, ShareFloat::F32);
    /// ```
    pub fn libketama() -> Self {
        KetamaOptions {
            share: ShareFloat::F32,
            ..KetamaOptions::default()
        }
    }
}

#[inline]
pub(crate) fn ketama_key(key: &[u8]) -> u32 {
    let d = hash::md5(key);
    u32::from_le_bytes([d[0], d[1], d[2], d[3]])
}

/// JavaScript `Number(s)` for the port part of a server string, or `None`
/// for NaN or text that is not UTF-8: in the package's wasm modules,
/// JavaScript's own `Number(s)`, which spares each of them Rust's float
/// parser and its table of powers of five.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
fn js_number(bytes: &[u8]) -> Option<f64> {
    let x = crate::wasm::number_of(core::str::from_utf8(bytes).ok()?);
    (!x.is_nan()).then_some(x)
}

/// JavaScript `Number(s)` for the port part of a server string, or `None`
/// for NaN (ASCII and the common Unicode white space are trimmed).
#[cfg(not(all(target_arch = "wasm32", not(feature = "std"))))]
fn js_number(bytes: &[u8]) -> Option<f64> {
    let s = core::str::from_utf8(bytes).ok()?;
    let s = s.trim_matches(|c: char| {
        matches!(
            c,
            '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{202f}'
                    | '\u{205f}'
                    | '\u{3000}'
                    | '\u{feff}'
        )
    });
    if s.is_empty() {
        return Some(0.0);
    }
    let radix = |p: &str, r: u32| -> Option<f64> {
        if p.is_empty() {
            return None;
        }
        p.chars().try_fold(0.0f64, |acc, c| {
            Some(acc * f64::from(r) + f64::from(c.to_digit(r)?))
        })
    };
    if let Some(rest) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return radix(rest, 16);
    }
    if let Some(rest) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        return radix(rest, 8);
    }
    if let Some(rest) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        return radix(rest, 2);
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned == "Infinity" {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    // Only JavaScript's decimal grammar: digits, '.', exponent.
    if !unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// The string ketama hashes for a server: the whole name, or the host alone
/// when the port equals the default port (npm `hashring`'s rule: host is the
/// text before the first ':', port is `Number` of the text up to the next).
pub(crate) fn ketama_prefix(name: &[u8], default_port: Option<u16>) -> &[u8] {
    let Some(port) = default_port.filter(|&p| p != 0) else {
        return name;
    };
    let mut parts = name.split(|&b| b == b':');
    let host = parts.next().unwrap_or(name);
    match parts.next() {
        Some(seg) if js_number(seg) == Some(f64::from(port)) => host,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_number_matches_javascript() {
        assert_eq!(js_number(b"11211"), Some(11211.0));
        assert_eq!(js_number(b""), Some(0.0));
        assert_eq!(js_number(b" 80 "), Some(80.0));
        assert_eq!(js_number(b"0x50"), Some(80.0));
        assert_eq!(js_number(b"8e1"), Some(80.0));
        assert_eq!(js_number(b"80.0"), Some(80.0));
        assert_eq!(js_number(b"80a"), None);
        assert_eq!(js_number(b"inf"), None);
        assert_eq!(js_number(b"0x"), None);
    }

    #[test]
    fn ketama_prefix_strips_only_the_default_port() {
        assert_eq!(ketama_prefix(b"h:11211", Some(11211)), b"h");
        assert_eq!(ketama_prefix(b"h:11212", Some(11211)), b"h:11212");
        assert_eq!(ketama_prefix(b"h", Some(11211)), b"h");
        assert_eq!(ketama_prefix(b"h:11211", None), b"h:11211");
        assert_eq!(ketama_prefix(b"h:11211", Some(0)), b"h:11211");
    }
}
