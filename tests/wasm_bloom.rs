//! wasm-bindgen-test tier for the Bloom filter binding, in Node and headless
//! Chromium: keys through the scratch buffer, batch exports, the error
//! classes, the fixtures, and that absurd sizes are errors rather than traps.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::bloom::{
    RawBlockedBloomFilter, RawBloomFilter, RawCountingBloomFilter, RawScalableBloomFilter,
    RawSplitBlockBloomFilter, ADD_FAILED,
};
use quorumkit::wasm::scratch::{ends_buffer_reserve, key_buffer_reserve, out_buffer_reserve};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// Writes `key` into the key buffer, as the facade does, and returns its length.
fn key(k: &[u8]) -> usize {
    let ptr = key_buffer_reserve(k.len()).unwrap();
    // SAFETY: the buffer holds at least k.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(k.as_ptr(), ptr, k.len()) };
    k.len()
}

/// Packs `keys` into the key and offsets buffers and returns their count.
fn keys(ks: &[&[u8]]) -> usize {
    let total: usize = ks.iter().map(|k| k.len()).sum();
    let kp = key_buffer_reserve(total).unwrap();
    let ep = ends_buffer_reserve(ks.len()).unwrap();
    let mut at = 0;
    for (i, k) in ks.iter().enumerate() {
        // SAFETY: both buffers were reserved large enough above.
        unsafe {
            std::ptr::copy_nonoverlapping(k.as_ptr(), kp.add(at), k.len());
            at += k.len();
            *ep.add(i) = at as u32;
        }
    }
    out_buffer_reserve(ks.len()).unwrap();
    ks.len()
}

fn out(n: usize) -> Vec<u8> {
    let p = quorumkit::wasm::scratch::out_buffer_ptr();
    // SAFETY: n bytes were reserved and written by the batch export.
    unsafe { std::slice::from_raw_parts(p, n).to_vec() }
}

fn message_of<T: JsCast + AsRef<js_sys::Error>>(e: JsValue) -> String {
    let e: T = e.dyn_into().expect("the expected error class");
    AsRef::<js_sys::Error>::as_ref(&e).message().into()
}

fn plain_error(e: JsValue) -> String {
    assert!(!e.is_instance_of::<js_sys::RangeError>() && !e.is_instance_of::<js_sys::TypeError>());
    message_of::<js_sys::Error>(e)
}

#[wasm_bindgen_test]
fn add_has_and_batches_agree() {
    let mut f = RawBloomFilter::with_rate(1000.0, 0.01).unwrap();
    assert_eq!((f.size(), f.hashes()), (9586.0, 7));
    assert!(f.add(key(b"alice")));
    assert!(!f.add(key(b"alice")));
    assert!(f.has(key(b"alice")));
    assert!(!f.has(key(b"bob")));
    let n = keys(&[b"alice", b"bob", "東京".as_bytes(), b""]);
    assert_eq!(f.add_many(n, true).unwrap(), 3);
    assert_eq!(out(n), [0, 1, 1, 1]);
    let n = keys(&[b"bob", b"carol", b""]);
    assert_eq!(f.has_many(n).unwrap(), 2);
    assert_eq!(out(n), [1, 0, 1]);
    assert_eq!(f.positions(key(b"bob")).len(), 7);
}

#[wasm_bindgen_test]
fn an_overlong_key_length_is_clamped() {
    let f = RawBloomFilter::new(1024.0, 3.0).unwrap();
    let cap = quorumkit::wasm::scratch::key_buffer_len();
    assert_eq!(f.has(usize::MAX), f.has(cap));
}

#[wasm_bindgen_test]
fn argument_errors_are_range_errors() {
    let e = RawBloomFilter::with_rate(0.0, 0.01).err().unwrap();
    assert!(message_of::<js_sys::RangeError>(e).starts_with("expectedItems must be"));
    let e = RawBloomFilter::with_rate(10.0, 1.5).err().unwrap();
    assert!(message_of::<js_sys::RangeError>(e).starts_with("fpRate must be"));
    let e = RawBloomFilter::new(f64::NAN, 3.0).err().unwrap();
    assert!(message_of::<js_sys::RangeError>(e).starts_with("bits must be"));
    let e = RawSplitBlockBloomFilter::new(1000.0).err().unwrap();
    assert!(
        message_of::<js_sys::RangeError>(e).starts_with("bits must be a positive multiple of 256")
    );
    let mut a = RawBloomFilter::new(100.0, 3.0).unwrap();
    let b = RawBloomFilter::new(101.0, 3.0).unwrap();
    let e = a.union(&b).err().unwrap();
    assert!(message_of::<js_sys::RangeError>(e).starts_with("other must be"));
    // Offsets past the key buffer are rejected, not read.
    let ep = ends_buffer_reserve(1).unwrap();
    // SAFETY: one slot was reserved.
    unsafe { *ep = u32::MAX };
    assert!(a.has_many(1).is_err());
}

#[wasm_bindgen_test]
fn absurd_sizes_are_errors_not_traps() {
    let e = RawCountingBloomFilter::new(4_294_967_296.0, 3.0)
        .err()
        .unwrap();
    assert!(plain_error(e).starts_with("cannot allocate"));
    let e = RawBloomFilter::new(1e300, 3.0).err().unwrap();
    assert!(message_of::<js_sys::RangeError>(e).starts_with("bits must be"));
    // The module still works.
    let mut f = RawBloomFilter::new(64.0, 2.0).unwrap();
    f.add(key(b"x"));
    assert!(f.has(key(b"x")));
}

#[wasm_bindgen_test]
fn fixtures_load_and_corruption_is_a_plain_error() {
    let bytes = include_bytes!("testdata/bloom/native_v1.bin");
    let f = RawBloomFilter::from_bytes(bytes).unwrap();
    let keys_txt = include_str!("testdata/bloom/native_v1_keys.txt");
    for k in keys_txt.lines() {
        assert!(f.has(key(k.as_bytes())), "{k}");
    }
    for line in include_str!("testdata/bloom/native_v1_probes.txt").lines() {
        let (k, want) = line.split_once('\t').unwrap();
        assert_eq!(f.has(key(k.as_bytes())), want == "1", "{k}");
    }
    assert_eq!(f.to_bytes(), bytes);
    for len in [0, 3, 11, 100, bytes.len() - 1] {
        let e = RawBloomFilter::from_bytes(&bytes[..len]).err().unwrap();
        let msg = plain_error(e);
        assert!(msg.contains("truncated") || msg.contains("magic"), "{msg}");
    }
    let mut bad = bytes.to_vec();
    bad[100] ^= 8;
    assert!(plain_error(RawBloomFilter::from_bytes(&bad).err().unwrap()).contains("checksum"));
    RawCountingBloomFilter::from_bytes(include_bytes!("testdata/bloom/counting_v1.bin")).unwrap();
    RawScalableBloomFilter::from_bytes(include_bytes!("testdata/bloom/scalable_v1.bin")).unwrap();
    RawSplitBlockBloomFilter::from_bytes(include_bytes!("testdata/bloom/split_block_v1.bin"))
        .unwrap();
    RawBloomFilter::from_bytes(include_bytes!("testdata/bloom/js_v1.bin")).unwrap();
}

#[wasm_bindgen_test]
fn scalable_growth_failure_is_a_status_not_a_trap() {
    let mut f = RawScalableBloomFilter::new(1.0, 1e-3, Some(1.0), Some(1e-8)).unwrap();
    let mut failed = false;
    for i in 0..100u32 {
        if f.add(key(&i.to_le_bytes())) == ADD_FAILED {
            failed = true;
            break;
        }
    }
    assert!(failed);
    assert!(f.error_message().contains("cannot grow"));
    assert!(f.has(key(&0u32.to_le_bytes())));
}

#[wasm_bindgen_test]
fn counting_remove() {
    let mut f = RawCountingBloomFilter::with_rate(100.0, 0.01).unwrap();
    f.add(key(b"s"));
    assert!(f.has(key(b"s")));
    assert!(f.remove(key(b"s")));
    assert!(!f.has(key(b"s")));
}

#[wasm_bindgen_test]
fn blocked_filter_keys_batches_bytes_and_errors() {
    let mut f = RawBlockedBloomFilter::with_rate(1000.0, 0.01).unwrap();
    assert_eq!((f.size(), f.hashes()), (10240.0, 7));
    assert!(f.add(key(b"alice")));
    assert!(f.has(key(b"alice")));
    let p = f.positions(key(b"alice"));
    assert_eq!(p.len(), 7);
    assert!(p.iter().all(|&b| b / 512 == p[0] / 512));
    let n = keys(&[b"alice", b"bob", b""]);
    assert_eq!(f.add_many(n, true).unwrap(), 2);
    assert_eq!(out(n), [0, 1, 1]);
    let n = keys(&[b"bob", b"carol"]);
    f.has_many(n).unwrap();
    assert_eq!(out(n)[0], 1);
    let bytes = f.to_bytes();
    let g = RawBlockedBloomFilter::from_bytes(&bytes).unwrap();
    assert_eq!(g.to_bytes(), bytes);
    // A corrupt encoding is an Error saying why (the facade names the parameter).
    let e = RawBlockedBloomFilter::from_bytes(&bytes[..bytes.len() - 1])
        .err()
        .unwrap();
    assert!(plain_error(e).contains("truncated"));
    let e = RawBlockedBloomFilter::new(1000.0, 7.0).err().unwrap();
    assert!(
        message_of::<js_sys::RangeError>(e).starts_with("bits must be a positive multiple of 512")
    );
}
