//! wasm-bindgen-test tier for the Raft node binding, in Node and headless
//! Chromium: three nodes exchanging wire-format bytes through the binding's
//! buffers, restart from a store, garbage and bad arguments.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::raft_node::{
    raft_encode_hard_state, RawRaftNode, RawRaftStore, ENTRY_FIELDS, MESSAGE_FIELDS, READY_HEADER,
};
use quorumkit::wasm::scratch::key_buffer_reserve;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn put(data: &[u8]) -> usize {
    let ptr = key_buffer_reserve(data.len()).unwrap();
    // SAFETY: the buffer holds at least data.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr, data.len()) };
    data.len()
}

fn node(id: u32, store: &RawRaftStore) -> RawRaftNode {
    RawRaftNode::new(
        f64::from(id),
        &[1, 2, 3],
        &[],
        None,
        None,
        false,
        false,
        u64::from(id),
        store,
    )
    .unwrap()
}

fn error(e: JsValue) -> (String, String) {
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

/// What one `ready` wrote, as JavaScript reads it.
struct Ready {
    hard_state: Option<(f64, f64, f64)>,
    role: f64,
    messages: Vec<(u32, Vec<u8>)>,
    entries: Vec<(f64, f64)>,
    committed: Vec<(f64, Vec<u8>)>,
}

fn ready(n: &mut RawRaftNode) -> Option<Ready> {
    let len = n.ready();
    if len == 0 {
        return None;
    }
    // SAFETY: `ready` just wrote `len` numbers, and the byte buffer holds
    // at least the last end offset; nothing ran since.
    let nums = unsafe { std::slice::from_raw_parts(n.nums_ptr(), len) };
    let (msgs, es, cs) = (nums[6] as usize, nums[7] as usize, nums[8] as usize);
    let end_at = |i: usize| nums[i] as usize;
    let byte_len = (0..msgs)
        .map(|k| end_at(READY_HEADER + k * MESSAGE_FIELDS + 1))
        .chain(
            (0..es + cs)
                .map(|k| end_at(READY_HEADER + msgs * MESSAGE_FIELDS + k * ENTRY_FIELDS + 3)),
        )
        .max()
        .unwrap_or(0);
    let bytes = unsafe { std::slice::from_raw_parts(n.bytes_ptr(), byte_len) };
    let mut at = READY_HEADER;
    let mut start = 0;
    let mut messages = Vec::new();
    for _ in 0..msgs {
        let end = end_at(at + 1);
        messages.push((nums[at] as u32, bytes[start..end].to_vec()));
        start = end;
        at += MESSAGE_FIELDS;
    }
    let mut entries = Vec::new();
    for _ in 0..es {
        entries.push((nums[at], nums[at + 1]));
        start = end_at(at + 3);
        at += ENTRY_FIELDS;
    }
    let mut committed = Vec::new();
    for _ in 0..cs {
        let end = end_at(at + 3);
        committed.push((nums[at], bytes[start..end].to_vec()));
        start = end;
        at += ENTRY_FIELDS;
    }
    Some(Ready {
        hard_state: (nums[0] == 1.0).then(|| (nums[1], nums[2], nums[3])),
        role: nums[4],
        messages,
        entries,
        committed,
    })
}

/// Handles every Ready and delivers every message until nothing moves;
/// returns what node 1 applied.
fn pump(nodes: &mut [RawRaftNode]) -> Vec<Vec<u8>> {
    let mut applied = Vec::new();
    loop {
        let mut inbox = Vec::new();
        for (i, n) in nodes.iter_mut().enumerate() {
            if let Some(rd) = ready(n) {
                inbox.extend(rd.messages);
                if i == 0 {
                    applied.extend(
                        rd.committed
                            .into_iter()
                            .map(|c| c.1)
                            .filter(|d| !d.is_empty()),
                    );
                }
                n.advance();
            }
        }
        if inbox.is_empty() && nodes.iter_mut().all(|n| n.ready() == 0) {
            return applied;
        }
        for (to, bytes) in inbox {
            nodes[to as usize - 1].step(put(&bytes)).unwrap();
        }
    }
}

#[wasm_bindgen_test]
fn three_nodes_elect_and_replicate_through_bytes() {
    let store = RawRaftStore::new();
    let mut nodes: Vec<RawRaftNode> = (1..=3).map(|id| node(id, &store)).collect();
    nodes[0].campaign();
    let rd = ready(&mut nodes[0]).unwrap();
    assert_eq!(rd.hard_state, Some((1.0, 1.0, 0.0)));
    assert_eq!(rd.role, 1.0); // candidate
    assert_eq!(rd.messages.len(), 2);
    for (_, b) in &rd.messages {
        assert_eq!(b[0], 1); // the format version
    }
    for (to, b) in rd.messages {
        nodes[to as usize - 1].step(put(&b)).unwrap();
    }
    nodes[0].advance();
    pump(&mut nodes);
    assert_eq!(nodes[0].role(), 2);
    assert_eq!(nodes[1].leader(), 1);
    let index = nodes[0].propose(put(b"x=1")).unwrap();
    let applied = pump(&mut nodes);
    assert_eq!(applied, vec![b"x=1".to_vec()]);
    assert_eq!(nodes[0].commit(), index);
}

#[wasm_bindgen_test]
fn a_node_restarts_from_a_store() {
    let mut store = RawRaftStore::new();
    store.set_hard_state(3.0, 1.0, 1.0).unwrap();
    let data = b"ab";
    let ptr = key_buffer_reserve(2).unwrap();
    // SAFETY: the buffer holds 2 bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr, 2) };
    let ends = quorumkit::wasm::scratch::ends_buffer_reserve(2).unwrap();
    // SAFETY: the offsets buffer holds 2 slots.
    unsafe { std::ptr::copy_nonoverlapping([1u32, 2].as_ptr(), ends, 2) };
    store.append(2, &[1.0, 2.0], &[3.0, 3.0], &[0, 0]).unwrap();
    let mut n = node(2, &store);
    assert_eq!(
        (n.term(), n.vote(), n.commit(), n.last_index()),
        (3.0, 1, 1.0, 2.0)
    );
    let rd = ready(&mut n).unwrap();
    assert_eq!(rd.committed, vec![(1.0, b"a".to_vec())]);
    assert!(rd.entries.is_empty());
    assert_eq!(
        raft_encode_hard_state(3.0, 1.0, 10.0).unwrap(),
        vec![1, 0x80, 7, 3, 1, 10]
    );
}

#[wasm_bindgen_test]
fn garbage_and_bad_arguments_are_errors() {
    let store = RawRaftStore::new();
    let mut n = node(1, &store);
    assert_eq!(
        error(n.step(put(&[])).unwrap_err()),
        (
            "Error".into(),
            "empty input: expected an encoded Raft value".into()
        )
    );
    assert_eq!(
        error(n.step(put(&[1, 4, 0, 2, 3, 5])).unwrap_err()),
        (
            "Error".into(),
            "message addressed to node 3, not this node".into()
        )
    );
    assert_eq!(
        error(n.step(put(&[1, 4, 0, 2])).unwrap_err()).1,
        "truncated input: to at byte 4 runs past the end"
    );
    assert_eq!(n.term(), 0.0);
    n.step(put(&[1, 4, 0, 2, 1, 5])).unwrap();
    assert_eq!((n.term(), n.leader()), (5.0, 2));
    let bad = RawRaftNode::new(0.0, &[1], &[], None, None, false, false, 0, &store);
    assert_eq!(
        error(bad.err().unwrap()),
        (
            "RangeError".into(),
            "id must be an integer in 1..=4294967295, got 0".into()
        )
    );
    let bad = RawRaftNode::new(
        1.0,
        &[1],
        &[],
        Some(3.0),
        Some(3.0),
        false,
        false,
        0,
        &store,
    );
    assert_eq!(
        error(bad.err().unwrap()).1,
        "heartbeatTick must be an integer in 1..=2, got 3"
    );
    let mut s = RawRaftStore::new();
    assert_eq!(
        error(s.set_hard_state(-1.0, 0.0, 0.0).unwrap_err()).0,
        "RangeError"
    );
    assert_eq!(
        error(s.decode_entries(put(&[1, 0x80, 0])).unwrap_err()).1,
        "expected a stored value of type entry list (tag 0x81), found tag 0x80"
    );
}
