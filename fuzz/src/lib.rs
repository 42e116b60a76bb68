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
