//! The base64 text format of every Bloom filter, against a naive reference
//! decoder (`base64_reference`):
//!
//! - any text: `from_base64` refuses it as base64 exactly when the
//!   reference does (only canonical, padded, standard-alphabet text
//!   decodes), and otherwise gives what `from_bytes` gives for the bytes
//!   the reference decodes (the same filter, or the same error, whose
//!   checksum fields would differ if the bytes did);
//! - a filter built from the input: `to_base64` is the reference encoding
//!   of `to_bytes`, and `from_base64` reads it back.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::{
    BloomError, BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter,
};
use quorumkit_fuzz::base64_reference;

/// Checks one filter type's `from_base64` on `text` against the reference.
fn decodes_as_reference<T: PartialEq + std::fmt::Debug>(
    text: &str,
    expected: Option<&[u8]>,
    from_base64: impl Fn(&str) -> Result<T, BloomError>,
    from_bytes: impl Fn(&[u8]) -> Result<T, BloomError>,
) {
    let got = from_base64(text);
    match expected {
        None => assert!(
            matches!(got, Err(BloomError::Base64(_))),
            "the reference refuses {text:?}, from_base64 gave {got:?}"
        ),
        Some(bytes) => assert_eq!(got, from_bytes(bytes), "text {text:?}"),
    }
}

/// Checks one filter's text encoding against the reference.
fn encodes_as_reference<T: PartialEq + std::fmt::Debug>(
    f: &T,
    to_bytes: impl Fn(&T) -> Vec<u8>,
    to_base64: impl Fn(&T) -> String,
    from_base64: impl Fn(&str) -> Result<T, BloomError>,
) {
    let text = to_base64(f);
    let bytes = to_bytes(f);
    assert_eq!(text, base64_reference::encode(&bytes));
    assert_eq!(base64_reference::decode(&text).as_deref(), Some(&bytes[..]));
    assert_eq!(from_base64(&text).as_ref(), Ok(f));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let expected = base64_reference::decode(text);
        let e = expected.as_deref();
        decodes_as_reference(text, e, BloomFilter::from_base64, BloomFilter::from_bytes);
        decodes_as_reference(
            text,
            e,
            CountingBloomFilter::from_base64,
            CountingBloomFilter::from_bytes,
        );
        decodes_as_reference(
            text,
            e,
            ScalableBloomFilter::from_base64,
            ScalableBloomFilter::from_bytes,
        );
        decodes_as_reference(
            text,
            e,
            SplitBlockBloomFilter::from_base64,
            SplitBlockBloomFilter::from_bytes,
        );
    }

    // Filters whose sizes (so serialized lengths modulo 3) and bits come from
    // the input: the first byte sizes them, the rest are keys, 4 bytes each.
    let Some((&size, keys)) = data.split_first() else {
        return;
    };
    let bits = 64 * (1 + u64::from(size % 16));
    let mut classic = BloomFilter::new(bits, 1 + u32::from(size >> 4)).expect("valid sizes");
    let mut counting = CountingBloomFilter::new(bits, 3).expect("valid sizes");
    let mut split = SplitBlockBloomFilter::new(bits * 4).expect("valid sizes");
    let mut scalable =
        ScalableBloomFilter::with_rate(1 + u64::from(size % 8), 0.01).expect("valid sizes");
    for k in keys.chunks(4) {
        classic.insert(k);
        counting.insert(k);
        split.insert(k);
        let _ = scalable.insert(k);
    }
    encodes_as_reference(
        &classic,
        BloomFilter::to_bytes,
        BloomFilter::to_base64,
        BloomFilter::from_base64,
    );
    encodes_as_reference(
        &counting,
        CountingBloomFilter::to_bytes,
        CountingBloomFilter::to_base64,
        CountingBloomFilter::from_base64,
    );
    encodes_as_reference(
        &scalable,
        ScalableBloomFilter::to_bytes,
        ScalableBloomFilter::to_base64,
        ScalableBloomFilter::from_base64,
    );
    encodes_as_reference(
        &split,
        SplitBlockBloomFilter::to_bytes,
        SplitBlockBloomFilter::to_base64,
        SplitBlockBloomFilter::from_base64,
    );
});
