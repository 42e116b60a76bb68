//! `BlockedBloomFilter::from_bytes` / `from_base64` on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::BlockedBloomFilter;
use quorumkit_fuzz::{round_trip, round_trip_text, KEYS};

fn work(mut f: BlockedBloomFilter) {
    for k in KEYS {
        f.insert(k);
        assert!(f.contains(k), "false negative");
    }
    let copy = f.clone();
    f.union(&copy).expect("same parameters");
    for k in KEYS {
        assert!(f.contains(k), "false negative after union");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(data, BlockedBloomFilter::from_bytes, BlockedBloomFilter::to_bytes, work);
    round_trip_text(data, BlockedBloomFilter::from_base64, BlockedBloomFilter::to_base64, work);
});
