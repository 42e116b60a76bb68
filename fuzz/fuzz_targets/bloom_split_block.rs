//! `SplitBlockBloomFilter::from_bytes` / `from_base64` and the Parquet
//! bitset reader on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::bloom::SplitBlockBloomFilter;
use quorumkit_fuzz::{round_trip, round_trip_text, KEYS};

fn work(mut f: SplitBlockBloomFilter) {
    for k in KEYS {
        f.insert(k);
        assert!(f.contains(k), "false negative");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(
        data,
        SplitBlockBloomFilter::from_bytes,
        SplitBlockBloomFilter::to_bytes,
        work,
    );
    round_trip(
        data,
        SplitBlockBloomFilter::from_parquet_bitset,
        SplitBlockBloomFilter::to_parquet_bitset,
        work,
    );
    round_trip_text(
        data,
        SplitBlockBloomFilter::from_base64,
        SplitBlockBloomFilter::to_base64,
        work,
    );
});
