//! `SplitBlockBloomFilter::from_bytes` / `from_base64` and the Parquet
//! readers (bitset, header and bitset) on arbitrary input.
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
    // A Parquet header may carry fields this reader skips, so the property
    // is that what it loads writes out in a form it loads back the same.
    if let Ok(f) = SplitBlockBloomFilter::from_parquet(data) {
        let again = SplitBlockBloomFilter::from_parquet(&f.to_parquet()).expect("reloads");
        assert_eq!(again, f, "a loaded Parquet filter reloads unchanged");
        work(f);
    }
    round_trip_text(
        data,
        SplitBlockBloomFilter::from_base64,
        SplitBlockBloomFilter::to_base64,
        work,
    );
});
