//! wasm-bindgen-test tier for the Raft binding, in Node and headless Chromium.
#![cfg(target_arch = "wasm32")]

use quorumkit::wasm::scratch::key_buffer_reserve;
use quorumkit::wasm::sim::{
    RawRaftCluster, RawRaftLoopback, ENTRY_FIELDS, EVENT_FIELDS, FLIGHT_FIELDS, NODE_FIELDS,
    STATE_HEADER,
};
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

fn with_options(
    nodes: f64,
    seed: u64,
    pre_vote: Option<bool>,
    check_quorum: Option<bool>,
    compact_every: Option<f64>,
    voters: Option<f64>,
) -> JsResult {
    RawRaftCluster::new(
        nodes,
        seed,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        pre_vote,
        check_quorum,
        compact_every,
        voters,
    )
}

type JsResult = Result<RawRaftCluster, JsValue>;

/// The node records of the last `state` call.
fn nodes(c: &mut RawRaftCluster) -> Vec<Vec<f64>> {
    let len = c.state(false);
    let n = nums(c, len);
    (0..n[1] as usize)
        .map(|i| n[STATE_HEADER + i * NODE_FIELDS..][..NODE_FIELDS].to_vec())
        .collect()
}

#[wasm_bindgen_test]
fn nodes_report_their_snapshot_index_and_membership_masks() {
    let mut c = with_options(5.0, 6, None, None, Some(5.0), Some(3.0)).unwrap();
    c.advance(1_000.0).unwrap();
    let leader = c.leader() as usize;
    let voters_123 = f64::from((1 << 1) | (1 << 2) | (1 << 3));
    assert_eq!(nodes(&mut c)[leader - 1][13..15], [voters_123, 0.0]);
    c.add_learner(4.0).unwrap();
    c.advance(300.0).unwrap();
    assert_eq!(
        nodes(&mut c)[leader - 1][13..15],
        [voters_123, f64::from(1 << 4)]
    );
    for k in 0..12 {
        c.propose(put(format!("e{k}").as_bytes())).unwrap();
        c.advance(20.0).unwrap();
    }
    c.advance(300.0).unwrap();
    let ns = nodes(&mut c);
    // Compacted every 5 entries: the log starts after the snapshot index.
    assert!(ns[leader - 1][12] >= 5.0);
    assert!(ns[leader - 1][7] < 5.0 + 1.0);
    assert!(!c.violated());
}

#[wasm_bindgen_test]
fn a_compacted_log_is_resent_whole() {
    let mut c = with_options(3.0, 2, None, None, Some(3.0), None).unwrap();
    c.advance(1_000.0).unwrap();
    c.state(false);
    for _ in 0..8 {
        c.propose(put(b"x")).unwrap();
        c.advance(30.0).unwrap();
    }
    c.advance(200.0).unwrap();
    for node in nodes(&mut c) {
        // (log length, first position sent, entries sent): the whole log, from 0.
        let (len, from, sent, snap) = (node[7], node[10], node[11], node[12]);
        assert!(snap >= 3.0);
        assert_eq!(from, 0.0);
        assert_eq!(sent, len);
    }
}

#[wasm_bindgen_test]
fn vote_replies_carry_their_verdict() {
    // Node 2 stands first and wins term 1: every vote reply it gets grants.
    let mut c = cluster(3.0, 1);
    c.timeout(2.0).unwrap();
    let mut replies = 0;
    for _ in 0..40 {
        c.step_event();
        let len = c.state(false);
        let n = nums(&c, len);
        let at = STATE_HEADER + 3 * NODE_FIELDS;
        for k in 0..n[2] as usize {
            let f = &n[at + k * FLIGHT_FIELDS..][..FLIGHT_FIELDS];
            if f[1] == 1.0 {
                // A VoteResp to node 2 in term 1, granted.
                assert_eq!((f[3], f[4], f[9]), (2.0, 1.0, 1.0));
                replies += 1;
            } else if matches!(f[1], 3.0 | 7.0) {
                // AppendResp, PreVoteResp: a verdict too.
                assert!(f[9] == 0.0 || f[9] == 1.0);
            } else {
                assert_eq!(f[9], -1.0);
            }
        }
    }
    assert!(replies > 0);
    // A node that already voted refuses a second candidate of the same term.
    c.advance(1_000.0).unwrap();
    let term = nodes(&mut c)[0][2];
    let leader = c.leader();
    let a = leader % 3 + 1;
    let b = a % 3 + 1;
    c.timeout(f64::from(a)).unwrap();
    c.timeout(f64::from(b)).unwrap();
    let mut refused = 0;
    for _ in 0..40 {
        c.step_event();
        let len = c.state(false);
        let n = nums(&c, len);
        let at = STATE_HEADER + 3 * NODE_FIELDS;
        for k in 0..n[2] as usize {
            let f = &n[at + k * FLIGHT_FIELDS..][..FLIGHT_FIELDS];
            if f[1] == 1.0 && f[4] == term + 1.0 && f[9] == 0.0 {
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
}

#[wasm_bindgen_test]
fn transfer_and_membership_changes_and_their_errors() {
    let mut c = with_options(4.0, 1, Some(true), Some(true), None, Some(3.0)).unwrap();
    let (class, msg) = message(c.transfer_leader(2.0).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        ("Error", "no live leader to take the proposal")
    );
    c.advance(1_000.0).unwrap();
    let from = c.leader();
    let to = from % 3 + 1;
    assert_eq!(c.transfer_leader(f64::from(to)).unwrap(), from);
    c.advance(500.0).unwrap();
    assert_eq!(c.leader(), to);
    let (class, msg) = message(c.transfer_leader(4.0).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        ("RangeError", "to must be a voter of the cluster, got 4")
    );
    let (class, msg) = message(c.promote(4.0).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        (
            "RangeError",
            "id must be a learner whose log has reached the commit index, got 4"
        )
    );
    let (class, _) = message(c.add_learner(5.0).unwrap_err());
    assert_eq!(class, "RangeError");
    assert!(c.add_learner(4.0).unwrap() > 0.0);
    let (class, msg) = message(c.remove(1.0).unwrap_err());
    assert_eq!(
        (class.as_str(), msg.as_str()),
        ("Error", "a membership change is in progress")
    );
    c.advance(500.0).unwrap();
    c.promote(4.0).unwrap();
    c.advance(500.0).unwrap();
    c.remove(f64::from(to % 3 + 1)).unwrap();
    c.advance(500.0).unwrap();
    assert!(!c.violated());
    let e = with_options(3.0, 1, None, None, None, Some(4.0))
        .err()
        .unwrap();
    assert_eq!(
        message(e),
        (
            "RangeError".into(),
            "voters must be an integer in 0..=3 (0: every node), got 4".into()
        )
    );
    assert!(with_options(3.0, 1, None, None, Some(-1.0), None).is_err());
}

#[wasm_bindgen_test]
fn progress_lists_the_leaders_match_and_next_per_member() {
    let mut c = cluster(3.0, 1);
    c.advance(1_000.0).unwrap();
    let leader = c.leader();
    assert_ne!(leader, 0);
    let t = c.progress(f64::from(leader)).unwrap();
    assert_eq!(t.len(), 6, "two members, three numbers each");
    for p in t.chunks(3) {
        assert_ne!(p[0], f64::from(leader));
        assert_eq!(
            p[2],
            p[1] + 1.0,
            "a caught-up member is sent from the entry after its match"
        );
    }
    let follower = leader % 3 + 1;
    assert!(c.progress(f64::from(follower)).unwrap().is_empty());
    assert!(c.progress(4.0).is_err());
}
