//! wasm-bindgen-test tier for the Snowflake binding, in Node and headless Chromium.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::scratch::out_buffer_ptr;
use quorumkit::wasm::snowflake::{RawLayout, RawSnowflake, DESCRIBED, NO_ID, STATUSES};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

const N: usize = 1_000_000;

fn generator() -> RawSnowflake {
    let layout = RawLayout::preset("default", None).unwrap();
    RawSnowflake::new(&layout, 7.0, js_sys::Date::now(), "logical", None).unwrap()
}

#[wasm_bindgen_test]
fn a_million_ids_from_next_are_unique_and_increasing() {
    let mut g = generator();
    let mut last = 0u64;
    let mut made = 0;
    while made < N {
        let id = g.next_at(js_sys::Date::now());
        if id == NO_ID {
            assert_eq!(g.status(), 1, "only waiting for the next ms is expected");
            continue;
        }
        assert!(id > last, "{id} after {last}");
        last = id;
        made += 1;
    }
}

#[wasm_bindgen_test]
fn a_million_ids_from_fill_are_unique_and_increasing() {
    let mut g = generator();
    let mut last = 0u64;
    let mut made = 0;
    while made < N {
        let n = g.fill_at(js_sys::Date::now(), 65_536).unwrap();
        // SAFETY: fill_at wrote n u64s at the start of the output buffer.
        let ids = unsafe { std::slice::from_raw_parts(out_buffer_ptr().cast::<u64>(), n) };
        for &id in ids {
            assert!(id > last);
            last = id;
        }
        made += n;
    }
}

#[wasm_bindgen_test]
fn discord_vector_decodes_exactly() {
    let l = RawLayout::preset("discord", None).unwrap();
    let v = l.decode(175_928_847_299_117_063).unwrap();
    assert_eq!(&*v, &[1_462_015_105_796.0, 32.0, 7.0, 1.0, 0.0]);
    assert_eq!(
        l.compose(1_462_015_105_796.0, 32.0, 7.0).unwrap(),
        175_928_847_299_117_063
    );
}

#[wasm_bindgen_test]
fn bad_arguments_are_range_errors_naming_the_parameter() {
    let l = RawLayout::preset("default", None).unwrap();
    let now = js_sys::Date::now();
    for (machine, policy, param) in [
        (1024.0, "logical", "machineId"),
        (1.5, "logical", "machineId"),
        (f64::NAN, "logical", "machineId"),
        (1.0, "sometimes", "onClockBackwards"),
    ] {
        let err = RawSnowflake::new(&l, machine, now, policy, None)
            .err()
            .expect("rejected");
        let err: js_sys::RangeError = err.dyn_into().expect("a RangeError");
        let msg = String::from(err.message());
        assert!(msg.starts_with(param), "{msg}");
    }
    let err = RawLayout::preset("default", Some(now + 1e7)).map(|l| {
        RawSnowflake::new(&l, 1.0, now, "logical", None)
            .err()
            .expect("a future epoch is rejected")
    });
    assert!(err.is_ok());
    assert!(RawLayout::custom(40.0, 10.0, 12.0, None, None, false).is_err());
    assert!(RawLayout::preset("flickr", None).is_err());
    // The module keeps working.
    assert!(generator().next_at(now) != NO_ID);
}

#[wasm_bindgen_test]
fn describe_gives_the_numbers_in_the_order_described_names_them() {
    let d = RawLayout::preset("twitter", None).unwrap().describe();
    assert_eq!(d.len(), DESCRIBED.len());
    let get = |name| d[DESCRIBED.iter().position(|&n| n == name).unwrap()];
    assert_eq!(
        (
            get("timestampBits"),
            get("machineBits"),
            get("sequenceBits")
        ),
        (41.0, 10.0, 12.0)
    );
    assert_eq!(get("epoch"), 1_288_834_974_657.0);
    assert_eq!((get("timeUnit"), get("sequenceFirst")), (1.0, 0.0));
    assert_eq!(get("maxMachineId"), 1023.0);
    assert_eq!(get("idsPerSecond"), 4_096_000.0);
}

#[wasm_bindgen_test]
fn a_refused_backwards_clock_is_reported_with_how_far_it_went_back() {
    let layout = RawLayout::preset("default", None).unwrap();
    let now = 1_700_000_000_000.0;
    let mut g = RawSnowflake::new(&layout, 7.0, now, "error", None).unwrap();
    assert_eq!(STATUSES[usize::from(g.status())], "none");
    assert_ne!(g.next_at(now), NO_ID);
    assert_eq!(g.next_at(now - 5.0), NO_ID);
    assert_eq!(STATUSES[usize::from(g.status())], "clockBackwards");
    assert_eq!(g.error_ms(), 5.0);
}
