//! `BloomFilter::from_bytes` / `from_base64` on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::BloomFilter;
use quorumkit_fuzz::{round_trip, round_trip_text, KEYS};

fn work(mut f: BloomFilter) {
    for k in KEYS {
        f.insert(k);
        assert!(f.contains(k), "false negative");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(data, BloomFilter::from_bytes, BloomFilter::to_bytes, work);
    round_trip_text(data, BloomFilter::from_base64, BloomFilter::to_base64, work);
});
