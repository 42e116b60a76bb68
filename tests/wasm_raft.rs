//! wasm-bindgen-test tier for the Raft binding, in Node and headless Chromium.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::raft::{
    RawRaftCluster, RawRaftLoopback, ENTRY_FIELDS, EVENT_FIELDS, FLIGHT_FIELDS, NODE_FIELDS,
    STATE_HEADER,
};
use quorumkit::wasm::scratch::key_buffer_reserve;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn cluster(nodes: f64, seed: u64) -> RawRaftCluster {
    RawRaftCluster::new(
        nodes, seed, None, None, None, None, None, None, None, None, None, None, None,
    )
    .unwrap()
}

/// The numbers `state` or `events` wrote, as JavaScript reads them.
fn nums(c: &RawRaftCluster, len: usize) -> Vec<f64> {
    // SAFETY: the call just wrote `len` numbers at this pointer, and nothing
    // ran since.
    unsafe { std::slice::from_raw_parts(c.nums_ptr(), len).to_vec() }
}

fn put(data: &[u8]) -> usize {
    let ptr = key_buffer_reserve(data.len()).unwrap();
    // SAFETY: the buffer holds at least data.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr, data.len()) };
    data.len()
}

fn message(e: JsValue) -> (String, String) {
    let class = if e.is_instance_of::<js_sys::RangeError>() {
        "RangeError"
    } else if e.is_instance_of::<js_sys::TypeError>() {
        "TypeError"
    } else {
        "Error"
    };
    let e: js_sys::Error = e.dyn_into().expect("an Error");
    (class.to_string(), e.message().into())
}

#[wasm_bindgen_test]
fn a_leader_is_elected_and_a_proposal_commits_everywhere() {
    let mut c = cluster(5.0, 42);
    c.advance(1_000.0).unwrap();
    let leader = c.leader();
    assert!((1..=5).contains(&leader));
    let index = c.propose(put(b"x=1")).unwrap();
    c.advance(300.0).unwrap();
    let len = c.state(false);
    let n = nums(&c, len);
    assert_eq!(n[0], 1_300.0);
    assert_eq!(n[1], 5.0);
    assert_eq!(n[4], f64::from(leader));
    for i in 0..5 {
        let node = &n[STATE_HEADER + i * NODE_FIELDS..][..NODE_FIELDS];
        assert_eq!(node[0], 1.0, "up");
        assert!(node[5] >= index, "node {} commit {}", i + 1, node[5]);
    }
    assert!(!c.violated());
}

#[wasm_bindgen_test]
fn logs_cross_incrementally() {
    let mut c = cluster(3.0, 7);
    c.advance(1_000.0).unwrap();
    c.propose(put(b"hello")).unwrap();
    c.advance(300.0).unwrap();
    let len = c.state(false);
    let first = nums(&c, len);
    let flights = first[2] as usize;
    let entries_at = STATE_HEADER + 3 * NODE_FIELDS + flights * FLIGHT_FIELDS;
    // Every node sends its whole log (the no-op and "hello") the first time.
    assert_eq!(first.len(), entries_at + 3 * 2 * ENTRY_FIELDS);
    for i in 0..3 {
        let node = &first[STATE_HEADER + i * NODE_FIELDS..][..NODE_FIELDS];
        assert_eq!((node[7], node[10], node[11]), (2.0, 0.0, 2.0));
    }
    // SAFETY: the data of the six entries sent lie back to back: 3 × "hello".
    let data = unsafe { std::slice::from_raw_parts(c.bytes_ptr(), 15) };
    assert_eq!(data, b"hellohellohello");
    // Nothing changed: nothing is sent again.
    let len = c.state(false);
    let again = nums(&c, len);
    assert_eq!(again.len(), entries_at);
    let node = &again[STATE_HEADER..][..NODE_FIELDS];
    assert_eq!((node[10], node[11]), (2.0, 0.0));
    // A full snapshot resends everything.
    assert_eq!(c.state(true), entries_at + 6 * ENTRY_FIELDS);
}

#[wasm_bindgen_test]
fn events_are_fixed_width_records() {
    let mut c = cluster(3.0, 1);
    c.timeout(2.0).unwrap();
    let count = c.events(0.0, 1_000);
    assert!(count >= 3);
    let n = nums(&c, count * EVENT_FIELDS);
    // The first events: node 2 times out, votes for itself (term 1), becomes
    // candidate.
    assert_eq!(&n[1..3], &[9.0, 2.0]);
    let e = EVENT_FIELDS;
    assert_eq!(&n[e + 1..e + 5], &[4.0, 2.0, 1.0, 2.0]);
    assert_eq!(&n[2 * e + 1..2 * e + 4], &[3.0, 2.0, 1.0]);
    assert_eq!(c.event_count(), count as f64);
    assert_eq!(c.events(1e9, 10), 0);
}

#[wasm_bindgen_test]
fn the_same_seed_and_actions_give_the_same_history() {
    let run = |seed| {
        let mut c = cluster(5.0, seed);
        c.advance(800.0).unwrap();
        c.crash(f64::from(c.leader())).unwrap();
        c.partition(&[1, 2, 3, 4], &[2, 2]).unwrap();
        c.advance(700.0).unwrap();
        c.heal();
        c.advance(700.0).unwrap();
        c.history_hash()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
}

#[wasm_bindgen_test]
fn bad_arguments_are_range_errors_and_refusals_are_errors() {
    let e = RawRaftCluster::new(
        0.0, 1, None, None, None, None, None, None, None, None, None, None, None,
    )
    .err()
    .unwrap();
    assert_eq!(
        message(e),
        (
            "RangeError".into(),
            "nodes must be an integer in 1..=9, got 0".into()
        )
    );
    let e = RawRaftCluster::new(
        3.0,
        1,
        None,
        None,
        None,
        None,
        Some(1.5),
        None,
        None,
        None,
        None,
        None,
        None,
    )
    .err()
    .unwrap();
    assert_eq!(
        message(e),
        (
            "RangeError".into(),
            "dropRate must be a probability in [0, 1], got 1.5".into()
        )
    );
    let mut c = cluster(3.0, 1);
    let (class, msg) = message(c.crash(4.0).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        ("RangeError", "id must be an integer in 1..=3, got 4")
    );
    let (class, _) = message(c.advance(-1.0).unwrap_err());
    assert_eq!(class, "RangeError");
    c.crash(2.0).unwrap();
    let (class, msg) = message(c.crash(2.0).unwrap_err());
    assert_eq!((class.as_str(), msg.as_str()), ("Error", "node 2 is down"));
    let (class, msg) = message(c.propose(put(b"x")).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        ("Error", "no live leader to take the proposal")
    );
    let (class, _) = message(c.partition(&[1, 1], &[1, 1]).unwrap_err());
    assert_eq!(class, "RangeError");
    let (class, _) = message(c.partition(&[1], &[2]).unwrap_err());
    assert_eq!(class, "RangeError");
    // The cluster still works.
    c.restart(2.0).unwrap();
    c.advance(1_000.0).unwrap();
    assert_ne!(c.leader(), 0);
}

#[wasm_bindgen_test]
fn the_loopback_workload_applies_every_proposal() {
    for nodes in [3.0, 5.0] {
        let mut l = RawRaftLoopback::new(nodes).unwrap();
        assert_eq!(l.run(1_000.0, 1.0).unwrap(), 1_000.0);
        assert_eq!(l.run(1_000.0, 64.0).unwrap(), 1_000.0);
    }
    assert!(RawRaftLoopback::new(10.0).is_err());
}
