//! `CountingBloomFilter::from_bytes` / `from_base64` on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::CountingBloomFilter;
use quorumkit_fuzz::{round_trip, round_trip_text, KEYS};

fn work(mut f: CountingBloomFilter) {
    for k in KEYS {
        f.insert(k);
        assert!(f.contains(k), "false negative");
    }
    for k in KEYS {
        f.remove(k);
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(
        data,
        CountingBloomFilter::from_bytes,
        CountingBloomFilter::to_bytes,
        work,
    );
    round_trip_text(
        data,
        CountingBloomFilter::from_base64,
        CountingBloomFilter::to_base64,
        work,
    );
});
