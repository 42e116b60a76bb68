//! wasm-bindgen-test tier for the ring binding, in Node and headless Chromium:
//! keys through the scratch buffer, indices out, errors as JS exceptions.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::ring::{
    jump_batch, jump_key, jump_sample_movement, jump_sample_stats, jump_u64, RawBoundedLoadRing,
    RawHashRing, RawMaglev, RawRendezvous, NO_INDEX,
};
use quorumkit::wasm::scratch::{ends_buffer_reserve, key_buffer_reserve, out_buffer_ptr};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// Writes `key` into the key buffer, as the facade does, and returns its length.
fn key(k: &[u8]) -> usize {
    let ptr = key_buffer_reserve(k.len()).unwrap();
    // SAFETY: the buffer holds at least k.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(k.as_ptr(), ptr, k.len()) };
    k.len()
}

/// Packs `keys` into the key and offsets buffers; returns their count.
fn pack(keys: &[&[u8]]) -> usize {
    let all: Vec<u8> = keys.concat();
    key(&all);
    let ends = ends_buffer_reserve(keys.len()).unwrap();
    let mut at = 0u32;
    for (i, k) in keys.iter().enumerate() {
        at += k.len() as u32;
        // SAFETY: keys.len() slots were reserved.
        unsafe { *ends.add(i) = at };
    }
    quorumkit::wasm::scratch::out_buffer_reserve(keys.len() * 4).unwrap();
    keys.len()
}

fn out(count: usize) -> Vec<u32> {
    let p = out_buffer_ptr().cast::<u32>();
    // SAFETY: the batch export wrote `count` u32s there.
    (0..count).map(|i| unsafe { *p.add(i) }).collect()
}

fn message(e: wasm_bindgen::JsValue) -> (String, String) {
    let err: js_sys::Error = e.dyn_into().expect("an Error");
    (err.name().into(), err.message().into())
}

#[wasm_bindgen_test]
fn seed_ring_follows_the_guide_including_a_collision() {
    let mut r = RawHashRing::new("seed", Some(12.0), None).unwrap();
    let a = r.add(key(b"a"), 1.0, None).unwrap();
    let a1 = r.add(key(b"a1"), 1.0, None).unwrap();
    r.add(key(b"b"), 1.0, None).unwrap();
    // "a" ++ "10" and "a1" ++ "0" share a point; the node added last owns it.
    assert_eq!(r.get(key(b"a10")), a1);
    assert_eq!(r.remove(key(b"a1")), a1);
    assert_eq!(r.get(key(b"a10")), a);
    assert_eq!(r.remove(key(b"a1")), NO_INDEX);
}

#[wasm_bindgen_test]
fn empty_ring_returns_none_and_batch_is_an_error() {
    let r = RawHashRing::new("xxh3", None, None).unwrap();
    assert_eq!(r.get(key(b"k")), NO_INDEX);
    let n = pack(&[b"k"]);
    let (name, msg) = message(r.get_many(n).unwrap_err());
    assert_eq!(name, "Error");
    assert_eq!(msg, "the ring is empty: add a node first");
}

#[wasm_bindgen_test]
fn batch_equals_per_key_for_every_algorithm() {
    let keys: Vec<Vec<u8>> = (0..300)
        .map(|i| format!("user:{i}:é").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let mut ring = RawHashRing::new("ketama", None, Some(11211.0)).unwrap();
    let mut hrw = RawRendezvous::new();
    let mut mag = RawMaglev::new(Some(1009.0)).unwrap();
    for i in 0..7 {
        let name = format!("10.0.0.{i}:11211");
        ring.add(key(name.as_bytes()), 1.0 + f64::from(i), None)
            .unwrap();
        hrw.add(key(name.as_bytes()), 1.0).unwrap();
        mag.add(key(name.as_bytes())).unwrap();
    }
    let n = pack(&refs);
    ring.get_many(n).unwrap();
    let batch = out(n);
    let single: Vec<u32> = refs.iter().map(|k| ring.get(key(k))).collect();
    assert_eq!(batch, single);
    let n = pack(&refs);
    hrw.get_many(n).unwrap();
    assert_eq!(
        out(n),
        refs.iter().map(|k| hrw.get(key(k))).collect::<Vec<_>>()
    );
    let n = pack(&refs);
    mag.get_many(n).unwrap();
    assert_eq!(
        out(n),
        refs.iter().map(|k| mag.get(key(k))).collect::<Vec<_>>()
    );
    let n = pack(&refs);
    jump_batch(n, 13.0).unwrap();
    assert_eq!(
        out(n),
        refs.iter()
            .map(|k| jump_key(key(k), 13.0))
            .collect::<Vec<_>>()
    );
}

#[wasm_bindgen_test]
fn get_n_is_distinct_and_bounded() {
    let mut r = RawHashRing::new("xxh64", Some(50.0), None).unwrap();
    for name in [&b"a"[..], b"b", b"c"] {
        r.add(key(name), 1.0, None).unwrap();
    }
    let n = r.get_n(key(b"k"), 3.0).unwrap();
    let mut list = out(n);
    assert_eq!(list[0], r.get(key(b"k")));
    list.sort();
    assert_eq!(list, vec![0, 1, 2]);
    let (name, msg) = message(r.get_n(key(b"k"), 4.0).unwrap_err());
    assert_eq!(
        (name.as_str(), msg.as_str()),
        ("RangeError", "n must be at most the node count (3), got 4")
    );
    assert!(r.get_n(key(b"k"), 1.5).is_err());
}

#[wasm_bindgen_test]
fn argument_errors_are_range_errors_with_the_parameter_named() {
    for (res, want) in [
        (RawHashRing::new("seed", Some(0.0), None).err(), "vnodes must be an integer in 1..=10000, got 0"),
        (RawHashRing::new("seed", Some(f64::NAN), None).err(), "vnodes must be an integer in 1..=10000, got NaN"),
        (RawHashRing::new("md4", None, None).err(), "hash must be one of 'seed', 'ketama', 'libketama', 'hash_ring', 'xxh64', 'xxh3', got 'md4'"),
    ] {
        let (name, msg) = message(res.expect("an error"));
        assert_eq!(name, "RangeError");
        assert_eq!(msg, want);
    }
    let mut r = RawHashRing::new("seed", None, None).unwrap();
    let (_, msg) = message(r.add(key(b"a"), 0.0, None).unwrap_err());
    assert_eq!(msg, "weight must be a finite number > 0, got 0");
    assert!(RawMaglev::new(Some(10.0)).is_err());
    assert!(RawBoundedLoadRing::new("seed", None, 0.0).is_err());
    // The module keeps working.
    r.add(key(b"a"), 1.0, None).unwrap();
    assert_eq!(r.get(key(b"anything")), 0);
}

#[wasm_bindgen_test]
fn an_overlong_length_is_clamped() {
    let mut r = RawHashRing::new("seed", None, None).unwrap();
    r.add(key(b"a"), 1.0, None).unwrap();
    assert_eq!(r.get(usize::MAX), 0);
    assert_eq!(jump_key(usize::MAX, 1.0), 0);
}

#[wasm_bindgen_test]
fn points_are_sorted_views_and_stats_add_up() {
    let mut r = RawHashRing::new("seed", Some(100.0), None).unwrap();
    for name in [&b"a"[..], b"b"] {
        r.add(key(name), 1.0, None).unwrap();
    }
    let count = r.point_count();
    assert_eq!(count, 200);
    // SAFETY: positions_ptr points at `count` u32s in the 32-bit modes.
    let pos = unsafe { std::slice::from_raw_parts(r.positions_ptr().cast::<u32>(), count) };
    assert!(pos.windows(2).all(|w| w[0] <= w[1]));
    let s = r.arc_stats();
    assert_eq!(s[0], 2.0);
    assert!((s[7] + s[8] - 1.0).abs() < 1e-12);
    let m = r.movement_on_add(b"c", 1.0, None, 0).unwrap();
    assert!((m[1] - 1.0 / 3.0).abs() < 1e-12);
    assert!(m[3].is_nan());
}

#[wasm_bindgen_test]
fn bounded_ring_assigns_within_capacity_and_jump_matches_the_paper() {
    let mut b = RawBoundedLoadRing::new("xxh3", None, 0.1).unwrap();
    assert_eq!(b.assign(key(b"k")), NO_INDEX);
    for name in [&b"a"[..], b"b"] {
        b.add(key(name), 1.0, None).unwrap();
    }
    for i in 0..100 {
        b.assign(key(format!("k{i}").as_bytes()));
    }
    assert_eq!(b.total(), 100.0);
    assert!(b.load_of(0) <= 56.0 && b.load_of(1) <= 56.0);
    assert_eq!(jump_u64(0xDEAD_10CC, 666.0), 361);
    assert_eq!(jump_u64(1, 0.0), NO_INDEX);
}

#[wasm_bindgen_test]
fn key_position_and_point_index_locate_keys_in_every_mode() {
    for mode in ["seed", "ketama", "hash_ring", "libketama", "xxh64", "xxh3"] {
        let mut r = RawHashRing::new(mode, Some(10.0), None).unwrap();
        assert_eq!(r.point_index(key(b"k")), NO_INDEX, "{mode}: empty ring");
        for name in [&b"a"[..], b"b", b"c"] {
            r.add(key(name), 1.0, None).unwrap();
        }
        let count = r.point_count();
        let positions: Vec<u64> = if r.position_bits() == 32 {
            // SAFETY: positions_ptr points at `count` u32s in the 32-bit modes.
            unsafe { std::slice::from_raw_parts(r.positions_ptr().cast::<u32>(), count) }
                .iter()
                .map(|&p| u64::from(p))
                .collect()
        } else {
            // SAFETY: and at `count` u64s in the 64-bit modes.
            unsafe { std::slice::from_raw_parts(r.positions_ptr().cast::<u64>(), count) }.to_vec()
        };
        // SAFETY: owners_ptr points at `count` u32s.
        let owners = unsafe { std::slice::from_raw_parts(r.owners_ptr(), count) };
        for i in 0..50 {
            let k = format!("user:{i}");
            let pos = r.key_position(key(k.as_bytes()));
            if r.position_bits() == 32 {
                assert!(pos <= u64::from(u32::MAX), "{mode}: a 32-bit position");
            }
            let p = r.point_index(key(k.as_bytes())) as usize;
            // The first point at or after the position, wrapping to 0 past the last.
            let first = positions.iter().position(|&x| x >= pos).unwrap_or(0);
            assert_eq!(positions[p], positions[first], "{mode}: {k}");
            assert_eq!(owners[p], r.get(key(k.as_bytes())), "{mode}: {k} owner");
        }
    }
    let seed = RawHashRing::new("seed", None, None).unwrap();
    assert_eq!(seed.key_position(key(b"123456789")), 0xCBF4_3926);
}

#[wasm_bindgen_test]
fn jump_sample_stats_count_jump_hash_answers() {
    let keys: Vec<Vec<u8>> = (0..200).map(|i| format!("user:{i}").into_bytes()).collect();
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let count = pack(&refs);
    let s = jump_sample_stats(count, 5.0).unwrap();
    assert_eq!(s[0], 5.0);
    assert_eq!(s.len(), 7 + 5);
    let in_bucket_3 = keys.iter().filter(|k| jump_key(key(k), 5.0) == 3).count();
    assert_eq!(s[7 + 3], in_bucket_3 as f64 / 200.0);
    let (name, msg) = message(jump_sample_stats(0, 0.0).unwrap_err());
    assert_eq!(name, "RangeError");
    assert!(
        msg.starts_with("buckets must be an integer in 1..=65536"),
        "{msg}"
    );
    assert!(jump_sample_stats(0, 65_537.0).is_err());
}

#[wasm_bindgen_test]
fn movement_exports_pack_the_ideal_and_the_moved_keys() {
    let keys: Vec<Vec<u8>> = (0..300).map(|i| format!("k{i}").into_bytes()).collect();
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();

    let mut r = RawRendezvous::new();
    r.add(key(b"a"), 1.0).unwrap();
    r.add(key(b"b"), 1.0).unwrap();
    let v = r.movement_on_add(b"c", 2.0, pack(&refs)).unwrap();
    assert_eq!(v[0], 0.5);
    assert!(v[1].is_nan());
    assert_eq!(v.len(), 4 + 3 * v[3] as usize);
    assert!(
        v[4..].chunks(3).all(|m| m[2] == 2.0),
        "every moved key goes to c (index 2)"
    );
    let (name, _) = message(r.movement_on_remove(b"zz", 0).unwrap_err());
    assert_eq!(name, "RangeError");

    let mut m = RawMaglev::new(Some(251.0)).unwrap();
    m.add(key(b"a")).unwrap();
    let v = m.movement_on_add(b"b", pack(&refs)).unwrap();
    assert_eq!(v[0], 0.5);
    assert!(v[1] > 0.45 && v[1] < 0.6, "{}", v[1]);
    let (name, msg) = message(m.movement_on_remove(b"a", 0).unwrap_err());
    assert_eq!(
        (name.as_str(), msg.as_str()),
        ("Error", "the ring is empty: add a node first")
    );

    let v = jump_sample_movement(pack(&refs), 3.0, 4.0).unwrap();
    assert_eq!(v[0], 0.25);
    assert!(v[4..].chunks(3).all(|m| m[2] == 3.0));
    let (name, msg) = message(jump_sample_movement(0, 0.0, 4.0).unwrap_err());
    assert_eq!(name, "RangeError");
    assert!(msg.starts_with("from must be"), "{msg}");
}

#[wasm_bindgen_test]
fn bounded_walk_and_movement_match_a_naive_reference() {
    let keys: Vec<Vec<u8>> = (0..200).map(|i| format!("user:{i}").into_bytes()).collect();
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let build = |names: &[&[u8]]| {
        let mut b = RawBoundedLoadRing::new("xxh3", Some(8.0), 0.1).unwrap();
        for n in names {
            b.add(key(n), 1.0, None).unwrap();
        }
        b
    };
    let names: [&[u8]; 4] = [b"a", b"b", b"c", b"d"];
    let mut b = build(&names);
    assert_eq!(b.position_bits(), 64);
    let count = b.point_count();
    // SAFETY: 64-bit positions, `count` of them; owners alongside.
    let pos =
        unsafe { std::slice::from_raw_parts(b.positions_ptr().cast::<u64>(), count) }.to_vec();
    let owners = unsafe { std::slice::from_raw_parts(b.owners_ptr(), count) }.to_vec();
    let mut before = Vec::new();
    for k in &refs {
        let w = b.walk(key(k)).unwrap();
        let position = u64::from(w[0]) | (u64::from(w[1]) << 32);
        assert_eq!(position, b.key_position(key(k)));
        let (owner, skipped) = (w[2], w[3] as usize);
        let points = &w[4 + skipped..];
        // Naive: a linear scan for the first point at or after the key, then every point passed
        // belongs to a skipped node and the last one to the owner.
        let first = pos.iter().position(|&p| p >= position).unwrap_or(0) as u32;
        assert_eq!(points[0], first);
        assert_eq!(owners[*points.last().unwrap() as usize], owner);
        for &p in &points[..points.len() - 1] {
            assert!(w[4..4 + skipped].contains(&owners[p as usize]));
        }
        assert_eq!(b.assign(key(k)), owner);
        assert_eq!(b.walk_to(key(k), owner).unwrap(), w);
        before.push(owner);
    }
    // Movement against placing the keys on a ring built with the fifth node.
    let mut grown = build(&[b"a", b"b", b"c", b"d", b"e"]);
    let after: Vec<u32> = refs.iter().map(|k| grown.assign(key(k))).collect();
    let v = b.movement_on_add(b"e", 1.0, None, pack(&refs)).unwrap();
    assert_eq!(v[0], 0.2);
    let moved: Vec<f64> = (0..refs.len())
        .filter(|&i| before[i] != after[i])
        .map(|i| i as f64)
        .collect();
    assert_eq!(v[3] as usize, moved.len());
    assert_eq!(v[5..].chunks(3).map(|m| m[0]).collect::<Vec<_>>(), moved);
    let cascaded = v[5..].chunks(3).filter(|m| m[2] != 4.0).count();
    assert_eq!(v[4] as usize, cascaded);

    let (name, msg) = message(b.walk_to(key(b"k"), 9).unwrap_err());
    assert_eq!(name, "RangeError");
    assert!(msg.starts_with("owner must be"), "{msg}");
    let (name, _) = message(b.movement_on_remove(b"zz", 0).unwrap_err());
    assert_eq!(name, "RangeError");
    let empty = build(&[]);
    let (name, _) = message(empty.walk(key(b"k")).unwrap_err());
    assert_eq!(name, "Error");
}
