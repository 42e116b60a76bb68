//! wasm-bindgen-test tier: the binding layer, run inside Node and inside
//! headless Chromium (`WASM_BINDGEN_USE_BROWSER=1`) by `npm test`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn hash_exports_read_the_key_buffer() {
    let key = b"123456789";
    let ptr = quorumkit::wasm::scratch::key_buffer_reserve(key.len()).unwrap();
    // SAFETY: the buffer holds at least key.len() bytes; this is what the JS
    // facade does through a Uint8Array view.
    unsafe { std::ptr::copy_nonoverlapping(key.as_ptr(), ptr, key.len()) };
    assert_eq!(quorumkit::wasm::hash::crc32_key(key.len()), 0xCBF4_3926);
    assert_eq!(
        quorumkit::wasm::hash::xxh64_key(0, 0),
        0xEF46_DB37_51D8_E999
    );
}

#[wasm_bindgen_test]
fn an_overlong_length_is_clamped_not_read_out_of_bounds() {
    let cap = quorumkit::wasm::scratch::key_buffer_len();
    let whole = quorumkit::wasm::hash::crc32_key(cap);
    assert_eq!(quorumkit::wasm::hash::crc32_key(usize::MAX), whole);
}

#[wasm_bindgen_test]
fn an_oversized_reservation_is_a_range_error_and_the_module_keeps_working() {
    let err = quorumkit::wasm::scratch::key_buffer_reserve(1 << 30).unwrap_err();
    let err: js_sys::RangeError = err.dyn_into().expect("a RangeError");
    let msg: String = err.message().into();
    assert!(msg.starts_with("key must be at most 256 MiB"), "{msg}");
    assert!(msg.ends_with("1073741824 bytes"), "{msg}");
    assert!(quorumkit::wasm::scratch::key_buffer_reserve(16).is_ok());
    assert_eq!(quorumkit::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn batch_offsets_are_validated() {
    let ends = quorumkit::wasm::scratch::ends_buffer_reserve(2).unwrap();
    // SAFETY: two u32 slots were reserved.
    unsafe {
        *ends = 5;
        *ends.add(1) = 3; // decreasing: rejected
    }
    assert!(quorumkit::wasm::hash::crc32_batch(2).is_err());
    unsafe { *ends.add(1) = 7 };
    quorumkit::wasm::scratch::out_buffer_reserve(8).unwrap();
    assert!(quorumkit::wasm::hash::crc32_batch(2).is_ok());
}
