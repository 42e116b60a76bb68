//! The split-block filter against bitsets written by Apache Parquet's
//! reference writer (parquet-mr, via Spark 3.2.1).
//!
//! Provenance of the expected bytes: both 32-byte bitsets (one block each)
//! were produced by parquet-mr through Spark 3.2.1 with
//! `parquet.bloom.filter.enabled = true`, `expected.ndv = 10` and
//! `max.bytes = 32`, and are published as test fixtures in
//! jorgecarleitao/parquet2 (`src/bloom_filter/mod.rs`, tests `basics` and
//! `binary`); the string fixture also appears in apache/arrow-rs
//! (`parquet/src/bloom_filter/mod.rs`, test `test_with_fixture`). Only the
//! published byte values are used here; the filter is this crate's own.

use quorumkit::bloom::SplitBlockBloomFilter;

/// Column of strings "a0" .. "a9" (a BYTE_ARRAY column: hashed as UTF-8 bytes).
const STRINGS_A0_A9: [u8; 32] = [
    200, 1, 80, 20, 64, 68, 8, 109, 6, 37, 4, 67, 144, 80, 96, 32, 8, 132, 43, 33, 0, 5, 99, 65, 2,
    0, 224, 44, 64, 78, 96, 4,
];

/// Column of INT64 values 0 .. 9 (hashed as 8 little-endian bytes).
const INT64_0_9: [u8; 32] = [
    24, 130, 24, 8, 134, 8, 68, 6, 2, 101, 128, 10, 64, 2, 38, 78, 114, 1, 64, 38, 1, 192, 194,
    152, 64, 70, 0, 36, 56, 121, 64, 0,
];

#[test]
fn string_column_fixture_matches_bit_for_bit() {
    let mut f = SplitBlockBloomFilter::new(256).unwrap();
    for i in 0..10 {
        f.insert(format!("a{i}").as_bytes());
    }
    assert_eq!(f.to_parquet_bitset(), STRINGS_A0_A9);

    let loaded = SplitBlockBloomFilter::from_parquet_bitset(&STRINGS_A0_A9).unwrap();
    assert_eq!(loaded, f);
    for i in 0..10 {
        assert!(loaded.contains(format!("a{i}").as_bytes()));
    }
}

#[test]
fn int64_column_fixture_matches_bit_for_bit() {
    let mut f = SplitBlockBloomFilter::new(256).unwrap();
    let mut out = [0u8; 10];
    let keys: Vec<u8> = (0..10i64).flat_map(|v| v.to_le_bytes()).collect();
    let ends: Vec<u32> = (1..=10).map(|i| i * 8).collect();
    f.insert_many(&keys, &ends, &mut out).unwrap();
    assert_eq!(f.to_parquet_bitset(), INT64_0_9);

    // The published test also checks that 10, absent, reads as absent.
    let loaded = SplitBlockBloomFilter::from_parquet_bitset(&INT64_0_9).unwrap();
    for v in 0..11i64 {
        assert_eq!(loaded.contains(&v.to_le_bytes()), v < 10, "value {v}");
    }
}

#[test]
fn empty_key_hash_is_the_published_xxh64_seed_0() {
    // XXH64("", 0) = 17241709254077376921, the value Parquet implementations test.
    assert_eq!(quorumkit::hash::xxh64(b"", 0), 17_241_709_254_077_376_921);
}

#[test]
fn fixture_survives_the_native_format() {
    let f = SplitBlockBloomFilter::from_parquet_bitset(&STRINGS_A0_A9).unwrap();
    let bytes = f.to_bytes();
    // Payload is the Parquet bitset verbatim, after the 24-byte header.
    assert_eq!(&bytes[24..56], &STRINGS_A0_A9);
    assert_eq!(SplitBlockBloomFilter::from_bytes(&bytes).unwrap(), f);
}

/// A file written by DuckDB (examples/parquet-prune/make_data.py): the bytes a
/// column chunk's bloom_filter_offset and bloom_filter_length point at, header
/// and bitset, load whole and write back bit for bit, and hold every value of
/// their row group. Offsets as the file's footer gives them (hyparquet reads
/// the same; the example's test checks them against the footer).
#[test]
fn filters_written_by_duckdb_load_whole_and_hold_every_value() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/parquet-prune/events.parquet"
    );
    let file = std::fs::read(path).unwrap();
    // (row group, column, offset, length)
    let chunks = [
        (0, "user_id", 6_984, 272),
        (0, "country", 7_256, 47),
        (3, "user_id", 7_941, 272),
        (3, "country", 8_213, 47),
    ];
    for (g, column, at, len) in chunks {
        let bytes = &file[at..at + len];
        let f = SplitBlockBloomFilter::from_parquet(bytes).unwrap();
        assert_eq!(
            f.to_parquet(),
            bytes,
            "row group {g} {column}: written back bit for bit"
        );
        let (present, absent): (Vec<Vec<u8>>, Vec<Vec<u8>>) = if column == "user_id" {
            // INT64: 8 little-endian bytes. Row group g holds users g*1000 .. g*1000+199.
            let key = |v: i64| v.to_le_bytes().to_vec();
            (
                (0..200).map(|i| key(g * 1000 + i)).collect(),
                (0..2000).map(|i| key(100_000 + i)).collect(),
            )
        } else {
            // BYTE_ARRAY: the UTF-8 bytes. Countries g*9 .. g*9+11.
            let key = |v: i64| format!("country-{v:03}").into_bytes();
            (
                (0..12).map(|i| key(g * 9 + i)).collect(),
                (500..700).map(key).collect(),
            )
        };
        assert!(
            present.iter().all(|k| f.contains(k)),
            "row group {g} {column}: a false negative"
        );
        let fp = absent.iter().filter(|k| f.contains(k)).count();
        assert!(
            fp * 10 < absent.len(),
            "row group {g} {column}: {fp} of {} absent keys found",
            absent.len()
        );
    }
    // What follows the filter is not part of it: one byte more is refused.
    let e = SplitBlockBloomFilter::from_parquet(&file[6_984..6_984 + 273]).unwrap_err();
    assert_eq!(e.param, "bytes");
}
