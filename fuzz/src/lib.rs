//! What every quorumkit decoder promises, as one check the fuzz targets
//! share: bytes (or base64 text) either fail to decode, or decode to a value
//! that encodes to exactly the same bytes (text), and that then works: a
//! key added to a decoded filter is always found.

/// Checks one decoder pair on `data`: `decode` then `encode` must give back
/// `data` whenever `decode` succeeds; `use_it` runs on the decoded value.
pub fn round_trip<T, E>(
    data: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, E>,
    encode: impl Fn(&T) -> Vec<u8>,
    use_it: impl FnOnce(T),
) {
    if let Ok(v) = decode(data) {
        assert_eq!(encode(&v), data, "decoded, but encodes to other bytes");
        use_it(v);
    }
}

/// As [`round_trip`], for text (base64).
pub fn round_trip_text<T, E>(
    data: &[u8],
    decode: impl Fn(&str) -> Result<T, E>,
    encode: impl Fn(&T) -> String,
    use_it: impl FnOnce(T),
) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = decode(text) {
        assert_eq!(encode(&v), text, "decoded, but encodes to other text");
        use_it(v);
    }
}

/// Keys to add to a decoded filter.
pub const KEYS: [&[u8]; 3] = [b"", b"fuzz", b"a longer key than the others"];

/// A naive reference for standard padded base64 (RFC 4648 §4), canonical
/// only (§3.5: the unused low bits of the last character are zero), written
/// for clarity, not speed: the fuzz targets compare quorumkit's text format
/// against it.
pub mod base64_reference {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `bytes` as standard padded base64.
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The bytes of canonical standard padded base64 `text`, or `None` if
    /// `text` is anything else.
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let t = text.as_bytes();
        if t.len() % 4 != 0 {
            return None;
        }
        let mut out = Vec::new();
        for (q, quad) in t.chunks(4).enumerate() {
            let last = q + 1 == t.len() / 4;
            let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
            if pad > 2 || (pad > 0 && !last) {
                return None;
            }
            let mut n = 0u32;
            for &c in &quad[..4 - pad] {
                let v = ALPHABET.iter().position(|&a| a == c)?;
                n = (n << 6) | v as u32;
            }
            n <<= 6 * pad as u32;
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            let keep = 3 - pad;
            // Bits below the kept bytes must be zero (canonical).
            if bytes[keep..].iter().any(|&b| b != 0) {
                return None;
            }
            out.extend_from_slice(&bytes[..keep]);
        }
        Some(out)
    }
}
