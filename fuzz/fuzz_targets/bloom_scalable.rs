//! `ScalableBloomFilter::from_bytes` / `from_base64` on arbitrary input. Run
//! with a low `-malloc_limit_mb`: adding to a decoded filter may grow it by
//! one stage, whose size its header must not be able to inflate.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::ScalableBloomFilter;
use quorumkit_fuzz::{round_trip, round_trip_text, KEYS};

fn work(mut f: ScalableBloomFilter) {
    for k in KEYS {
        if f.insert(k).is_ok() {
            assert!(f.contains(k), "false negative");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(
        data,
        ScalableBloomFilter::from_bytes,
        ScalableBloomFilter::to_bytes,
        work,
    );
    round_trip_text(
        data,
        ScalableBloomFilter::from_base64,
        ScalableBloomFilter::to_base64,
        work,
    );
});
