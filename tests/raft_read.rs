//! Linearizable reads (ReadIndex, thesis §6.4): simulator scenarios (a
//! partitioned old leader, a leadership transfer, a membership change), and
//! the KV clients with the linearizability checker. The message-level
//! cases (one confirmation round per batch, a lost round repeated, reads
//! dropped on leadership loss, a follower forwarding to its leader) are
//! scenario files, `tests/testdata/raft_node/read_index_*.txt`, run by
//! `tests/raft_interaction.rs`.

mod common;

use common::{assert_safe, leader};
use quorumkit::raft::{MsgKind, NodeId, Role};

#[test]
fn new_message_kinds_have_stable_codes() {
    assert_eq!(MsgKind::ReadIndex.code(), 10);
    assert_eq!(MsgKind::ReadIndexResp.code(), 11);
    assert_eq!(MsgKind::ReadIndexResp.name(), "ReadIndexResp");
    assert!(MsgKind::ReadIndexResp.is_response() && !MsgKind::ReadIndex.is_response());
}

// ----- the linearizability checker on hand-made histories --------------------

use quorumkit::raft::sim::linearizability::{check_kv, KvInput, KvOp, KvOutput};

fn put(client: u32, key: u64, value: u64, call: u64, ret: u64) -> KvOp {
    KvOp {
        client,
        input: KvInput::Put { key, value },
        output: Some(KvOutput::Ok),
        call,
        ret,
    }
}

fn get(client: u32, key: u64, v: Option<u64>, call: u64, ret: u64) -> KvOp {
    KvOp {
        client,
        input: KvInput::Get { key },
        output: Some(KvOutput::Value(v)),
        call,
        ret,
    }
}

fn cas(client: u32, key: u64, expect: Option<u64>, value: u64, ok: bool, t: (u64, u64)) -> KvOp {
    KvOp {
        client,
        input: KvInput::Cas { key, expect, value },
        output: Some(KvOutput::Cas(ok)),
        call: t.0,
        ret: t.1,
    }
}

fn unknown(mut op: KvOp) -> KvOp {
    op.output = None;
    op.ret = u64::MAX;
    op
}

#[test]
fn checker_accepts_sequential_and_overlapping_histories() {
    assert!(check_kv(&[]).is_ok());
    // Sequential: put 1, read 1, put 2, read 2.
    let h = [
        put(1, 0, 1, 0, 1),
        get(2, 0, Some(1), 2, 3),
        put(1, 0, 2, 4, 5),
        get(2, 0, Some(2), 6, 7),
    ];
    assert!(check_kv(&h).is_ok());
    // A read overlapping a write may see either value.
    for v in [None, Some(9)] {
        assert!(check_kv(&[put(1, 0, 9, 0, 10), get(2, 0, v, 5, 6)]).is_ok());
    }
    // Writes linearized in the reverse of their call order.
    let h = [
        put(1, 0, 1, 0, 100),
        put(2, 0, 2, 1, 100),
        put(3, 0, 3, 2, 100),
        get(4, 0, Some(3), 10, 11),
        get(4, 0, Some(2), 20, 21),
        get(4, 0, Some(1), 30, 31),
    ];
    assert!(check_kv(&h).is_ok());
}

#[test]
fn checker_rejects_a_stale_read() {
    // The write completed before the read began, yet the read saw the old
    // value: what a deposed leader serving from its own state would return.
    let h = [
        put(1, 0, 1, 0, 1),
        put(1, 0, 2, 2, 3),
        get(2, 0, Some(1), 4, 5),
    ];
    let e = check_kv(&h).unwrap_err();
    assert_eq!(e.key, 0);
    assert!(e.to_string().contains("not linearizable"));
    // Reads that see a value then an older one, in real-time order, while
    // the write is still in flight: sequentially consistent, not
    // linearizable.
    let h = [
        put(1, 0, 1, 0, 100),
        get(2, 0, Some(1), 10, 11),
        get(3, 0, None, 20, 21),
    ];
    assert!(check_kv(&h).is_err());
    // A value nobody wrote.
    assert!(check_kv(&[get(1, 0, Some(7), 0, 1)]).is_err());
}

#[test]
fn checker_with_many_unknown_writes_stays_fast_and_exact() {
    // Forty concurrent writes that timed out and that nobody observed: the
    // full search is exponential in them, the history is trivially
    // linearizable (each may be placed last).
    let mut h: Vec<KvOp> = (0..40)
        .map(|i| unknown(put(i, 0, 100 + u64::from(i), u64::from(i), 0)))
        .collect();
    h.push(put(50, 0, 1, 0, 1));
    h.push(get(51, 0, Some(1), 2, 3));
    assert!(check_kv(&h).is_ok());
    // An unobserved unknown write whose effect a completed operation needs:
    // the compare-and-set of the absent key failed, so the write of 7 must
    // have happened first. The quick check without it fails, the full one
    // passes.
    let h = [
        unknown(put(1, 0, 7, 0, 0)),
        cas(2, 0, None, 8, false, (5, 6)),
    ];
    assert!(check_kv(&h).is_ok());
    // The unknown writes do not hide a stale read.
    let mut h: Vec<KvOp> = (0..40)
        .map(|i| unknown(put(i, 0, 100 + u64::from(i), u64::from(i), 0)))
        .collect();
    h.extend([
        put(50, 0, 1, 0, 1),
        put(50, 0, 2, 2, 3),
        get(51, 0, Some(1), 4, 5),
    ]);
    assert!(check_kv(&h).is_err());
}

#[test]
fn checker_splits_by_key_and_names_the_bad_one() {
    let h = [
        put(1, 0, 1, 0, 1),
        put(1, 5, 2, 0, 1),
        get(2, 0, Some(1), 2, 3),
        get(2, 5, None, 2, 3), // stale on key 5 only
    ];
    let e = check_kv(&h).unwrap_err();
    assert_eq!(e.key, 5);
    assert_eq!(e.ops.len(), 2);
}

#[test]
fn checker_handles_unknown_outcomes() {
    // A timed-out write may have taken effect...
    let h = [unknown(put(1, 0, 1, 0, 0)), get(2, 0, Some(1), 50, 51)];
    assert!(check_kv(&h).is_ok());
    // ...or not...
    let h = [unknown(put(1, 0, 1, 0, 0)), get(2, 0, None, 50, 51)];
    assert!(check_kv(&h).is_ok());
    // ...but not both ways: once seen, it cannot be unseen.
    let h = [
        unknown(put(1, 0, 1, 0, 0)),
        get(2, 0, Some(1), 50, 51),
        get(2, 0, None, 60, 61),
    ];
    assert!(check_kv(&h).is_err());
    // And it cannot take effect before it was invoked.
    let h = [get(2, 0, Some(1), 0, 5), unknown(put(1, 0, 1, 10, 0))];
    assert!(check_kv(&h).is_err());
    // A timed-out read constrains nothing.
    let h = [put(1, 0, 1, 0, 1), unknown(get(2, 0, Some(42), 5, 0))];
    assert!(check_kv(&h).is_ok());
}

#[test]
fn checker_follows_compare_and_set() {
    let h = [
        put(1, 0, 1, 0, 1),
        cas(2, 0, Some(1), 2, true, (2, 3)),
        cas(3, 0, Some(1), 3, false, (4, 5)),
        get(1, 0, Some(2), 6, 7),
    ];
    assert!(check_kv(&h).is_ok());
    // Two overlapping cas from the same value cannot both succeed.
    let h = [
        put(1, 0, 1, 0, 1),
        cas(2, 0, Some(1), 2, true, (2, 10)),
        cas(3, 0, Some(1), 3, true, (2, 10)),
    ];
    assert!(check_kv(&h).is_err());
    // A failed cas needs a state it fails in.
    let h = [cas(2, 0, None, 2, false, (0, 1))];
    assert!(check_kv(&h).is_err());
    let h = [
        unknown(put(1, 0, 5, 0, 0)),
        cas(2, 0, None, 2, false, (10, 11)),
    ];
    assert!(check_kv(&h).is_ok());
}

#[test]
fn checker_copes_with_many_concurrent_unknown_writes() {
    // 12 timed-out writes, concurrent with each other and with 6 reads
    // that pin the state: the search is exponential in such writes (every
    // subset may have taken effect), the memo keeps 12 manageable.
    let mut h: Vec<KvOp> = (0..12).map(|v| unknown(put(1, 0, v + 1, v, 0))).collect();
    for r in 0..6 {
        h.push(get(2, 0, Some(12 - r), 100 + 2 * r, 101 + 2 * r));
    }
    assert!(check_kv(&h).is_ok());
    h.push(get(3, 0, Some(12), 200, 201)); // 12 cannot come back after 7
    assert!(check_kv(&h).is_err());
}

// ----- simulator scenarios ---------------------------------------------------

use quorumkit::raft::sim::{Cluster, KvConfig, SimConfig};

/// A cluster that keeps no event log (the checker still sees every event).
fn sim(n: usize, seed: u64, f: impl FnOnce(&mut SimConfig)) -> Cluster {
    common::sim(n, seed, |c| {
        c.record_events = false;
        f(c);
    })
}

/// Runs the clients to completion and checks the history.
fn finish_and_check(c: &mut Cluster) -> usize {
    for _ in 0..200 {
        if c.kv_idle() {
            break;
        }
        c.advance(100);
    }
    assert_safe(c);
    assert!(
        c.kv_idle(),
        "clients finish (every op answers or times out)"
    );
    if let Err(e) = check_kv(c.kv_history()) {
        panic!("{e}");
    }
    c.kv_history()
        .iter()
        .filter(|o| matches!(o.input, KvInput::Get { .. }) && o.output.is_some())
        .count()
}

fn read_answered(c: &Cluster, node: NodeId, ctx: u64) -> bool {
    c.reads().iter().any(|r| r.node == node && r.ctx == ctx)
}

#[test]
fn s6_4_a_partitioned_old_leader_never_answers_a_read() {
    for check_quorum in [false, true] {
        let mut c = sim(5, 11, |cfg| cfg.check_quorum = check_quorum);
        let old = leader(&mut c);
        c.propose(&b"before"[..]).unwrap();
        c.advance(300);
        let buddy = old % 5 + 1;
        let rest: Vec<NodeId> = (1..=5).filter(|&x| x != old && x != buddy).collect();
        c.partition(&[vec![old, buddy], rest.clone()]).unwrap();
        // Ask at once, while the old leader still believes it leads, on it
        // and on the follower on its side (which forwards to it).
        c.read_index(old, 1001).unwrap();
        c.read_index(buddy, 1002).unwrap();
        // The majority moves on and commits a newer write.
        c.advance(2_000);
        let new = c.leader().unwrap();
        assert!(rest.contains(&new));
        c.propose(&b"after"[..]).unwrap();
        for _ in 0..40 {
            c.advance(100);
            // Keep asking on the minority side; nothing may ever answer.
            let _ = c.read_index(old, 1003);
            let _ = c.read_index(buddy, 1004);
        }
        assert_safe(&c);
        for ctx in 1001..=1004 {
            assert!(!read_answered(&c, old, ctx) && !read_answered(&c, buddy, ctx));
        }
        // The majority side answers reads.
        c.read_index(new, 2001).unwrap();
        c.advance(300);
        assert!(read_answered(&c, new, 2001));
        // Healed, the old leader steps down; its dropped reads never come.
        c.heal();
        c.advance(2_000);
        assert_ne!(c.node(old).unwrap().role(), Role::Leader);
        assert!(!read_answered(&c, old, 1001) && !read_answered(&c, old, 1003));
    }
}

#[test]
fn s6_4_kv_clients_against_a_partitioned_leader_stay_linearizable() {
    let mut stale_seen = 0;
    for seed in 0..6 {
        let mut c = sim(5, seed, |_| {});
        let old = leader(&mut c);
        let mut k = KvConfig::new(4);
        k.seed = seed;
        k.ops_per_client = 25;
        k.timeout = 400;
        c.start_kv(k).unwrap();
        c.advance(300);
        // Cut the leader off with one follower: clients that still talk to
        // it get no answers (unknown), never stale ones.
        let buddy = old % 5 + 1;
        let rest: Vec<NodeId> = (1..=5).filter(|&x| x != old && x != buddy).collect();
        c.partition(&[vec![old, buddy], rest]).unwrap();
        c.advance(3_000);
        // Had the old leader answered from its own replica, the history
        // would show a stale read the checker rejects.
        let new = c.leader().unwrap();
        let now = c.now();
        // The write a value came from, if it completed (known outcome).
        let writer = |v: Option<u64>| {
            c.kv_history()
                .iter()
                .copied()
                .find(|o| match (o.input, o.output) {
                    (KvInput::Put { value, .. }, Some(_))
                    | (KvInput::Cas { value, .. }, Some(KvOutput::Cas(true))) => Some(value) == v,
                    _ => false,
                })
        };
        let stale = (0..3).find_map(|key| {
            let (mine, theirs) = (c.kv_value(old, key), c.kv_value(new, key));
            // Stale for sure: the majority's value was written (and
            // answered) strictly after the old leader's was answered.
            let newer = writer(theirs)?;
            let older_done = mine.map_or(Some(0), |_| writer(mine).map(|o| o.ret))?;
            (mine != theirs && older_done < newer.call && newer.ret < now)
                .then(|| get(99, key, mine, now, now + 1))
        });
        if let Some(op) = stale {
            let mut h = c.kv_history().to_vec();
            h.retain(|o| o.output.is_some());
            h.push(op);
            assert!(check_kv(&h).is_err(), "seed {seed}: a local read is stale");
            stale_seen += 1;
        }
        c.heal();
        let reads = finish_and_check(&mut c);
        assert!(reads > 0);
    }
    assert!(stale_seen > 0, "some run diverged while partitioned");
}

#[test]
fn s6_4_reads_during_leadership_transfers() {
    for seed in 0..4 {
        let mut c = sim(3, seed, |cfg| cfg.pre_vote = true);
        leader(&mut c);
        let mut k = KvConfig::new(4);
        k.seed = seed;
        k.ops_per_client = 15;
        c.start_kv(k).unwrap();
        let mut transfers = 0;
        for round in 0..8 {
            c.advance(120);
            if let Some(l) = c.leader() {
                let to = (l + round) % 3 + 1;
                if to != l && c.transfer_leader(to).is_ok() {
                    transfers += 1;
                }
            }
            // A read asked during the hand-over, on the leader.
            if let Some(l) = c.leader() {
                let _ = c.read_index(l, 9_000 + u64::from(round));
            }
        }
        assert!(transfers > 0);
        let reads = finish_and_check(&mut c);
        assert!(reads > 0);
    }
}

#[test]
fn s6_4_reads_across_membership_changes() {
    for seed in 0..4 {
        let mut c = sim(5, seed, |cfg| cfg.voters = 3);
        leader(&mut c);
        let mut k = KvConfig::new(3);
        k.seed = seed;
        k.ops_per_client = 20;
        c.start_kv(k).unwrap();
        let mut plan = vec![(0, 4), (1, 4), (0, 5), (1, 5), (2, 1), (2, 2)];
        plan.reverse();
        for _ in 0..200 {
            let Some(&(what, id)) = plan.last() else {
                break;
            };
            c.advance(100);
            let r = match what {
                0 => c.add_learner(id),
                1 => c.promote(id),
                _ => c.remove(id),
            };
            if r.is_ok() {
                plan.pop();
            }
        }
        assert!(plan.is_empty(), "every change went through");
        let reads = finish_and_check(&mut c);
        assert!(reads > 0);
        let l = c.leader().unwrap();
        assert_eq!(c.node(l).unwrap().conf_state().voters.len(), 3);
    }
}

#[test]
fn s6_4_kv_clients_under_drops_and_crashes_stay_linearizable() {
    for seed in 0..6 {
        let mut c = sim(3, seed, |cfg| {
            cfg.drop_rate = 0.1;
            cfg.dup_rate = 0.05;
            cfg.reorder_rate = 0.1;
            cfg.snapshot_every = 5;
        });
        leader(&mut c);
        let mut k = KvConfig::new(5);
        k.seed = seed;
        c.start_kv(k).unwrap();
        c.advance(400);
        let l = c.leader().unwrap_or(1);
        c.crash(l).unwrap();
        c.advance(800);
        c.restart(l).unwrap();
        finish_and_check(&mut c);
        // Once healed, every replica (some rebuilt from snapshots) agrees.
        c.set_drop_rate(0.0).unwrap();
        let l = c.check_liveness(5_000).unwrap();
        for id in 1..=3 {
            for key in 0..3 {
                assert_eq!(c.kv_value(id, key), c.kv_value(l, key), "seed {seed}");
            }
        }
        assert!((0..3).any(|key| c.kv_value(l, key).is_some()));
    }
}

// ----- writes apply once (thesis §6.3) --------------------------------------

/// The value a committed key-value write carries, read from the simulator's
/// documented 35-byte command format (`'K'`, kind, tag, key, value, …).
fn written_value(data: &[u8]) -> Option<u64> {
    (data.len() == 35 && data[0] == b'K')
        .then(|| u64::from_le_bytes(data[18..26].try_into().unwrap()))
}

/// How often each written value occurs in the committed log of node `id`
/// (whole logs: no compaction in these runs).
fn committed_writes(c: &Cluster, id: NodeId) -> std::collections::BTreeMap<u64, u32> {
    let s = c.node_state(id).unwrap();
    assert_eq!(s.snapshot_index, 0);
    let mut n = std::collections::BTreeMap::new();
    for e in s.log.iter().take_while(|e| e.index <= s.commit) {
        if let Some(v) = written_value(&e.data) {
            *n.entry(v).or_insert(0) += 1;
        }
    }
    n
}

/// The leader dies again and again while the clients write; a write whose
/// answer died with its leader is often committed by the next one. The
/// simulated clients re-send only a proposal that was refused (nothing was
/// appended) and never one that a node accepted: once accepted, they wait for
/// the answer and, without one, record the outcome as unknown and move on. So
/// no write is committed twice, not even one whose answer was lost, and the
/// key-value replicas need no client sessions. (Clients that re-sent an
/// accepted write after their timeout make this test fail: a write comes back
/// after it was overwritten, and the history is not linearizable.)
#[test]
fn s6_3_a_write_whose_answer_was_lost_is_committed_at_most_once() {
    let (mut lost_but_committed, mut lost) = (0, 0);
    for seed in 0..10 {
        let mut c = sim(if seed % 2 == 0 { 3 } else { 5 }, seed, |cfg| {
            cfg.pre_vote = true;
            cfg.drop_rate = 0.02;
            cfg.dup_rate = 0.05;
            cfg.reorder_rate = 0.05;
        });
        leader(&mut c);
        let mut k = KvConfig::new(4);
        k.seed = seed;
        k.keys = 2;
        k.ops_per_client = 40;
        k.timeout = 300;
        k.think = 10;
        c.start_kv(k).unwrap();
        for round in 0..8 {
            c.advance(150 + 20 * round);
            if let Some(l) = c.leader() {
                c.crash(l).unwrap();
                c.advance(100);
                c.restart(l).unwrap();
            }
        }
        finish_and_check(&mut c);
        let l = c.check_liveness(5_000).unwrap();
        let applied = committed_writes(&c, l);
        assert!(
            applied.values().all(|&n| n == 1),
            "seed {seed}: a write was committed twice"
        );
        for op in c.kv_history() {
            let (KvInput::Put { value, .. } | KvInput::Cas { value, .. }) = op.input else {
                continue;
            };
            let times = applied.get(&value).copied().unwrap_or(0);
            if op.output.is_some() {
                // Answered: applied, once.
                assert_eq!(times, 1, "seed {seed}: {op:?}");
            } else {
                lost += 1;
                lost_but_committed += times;
            }
        }
        // Every replica holds the same committed writes.
        for id in 1..=c.state().nodes.len() as NodeId {
            assert_eq!(committed_writes(&c, id), applied, "seed {seed}: node {id}");
        }
    }
    // The case that matters happened: writes whose answer was lost, yet
    // committed (once) by a later leader.
    assert!(
        lost_but_committed > 0 && lost > lost_but_committed,
        "{lost_but_committed} of {lost}"
    );
}

// ----- the checker against brute force ----------------------------------------

use proptest::prelude::*;
use quorumkit::raft::sim::linearizability::{KvModel, Model};

/// Every order of the operations that respects real time (an operation
/// that returned before another was invoked comes first), run through the
/// model: the definition of linearizability, at factorial cost.
fn brute_force(ops: &[KvOp]) -> bool {
    fn go(ops: &[KvOp], used: &mut Vec<bool>, state: Option<u64>) -> bool {
        if used.iter().all(|&u| u) {
            return true;
        }
        for i in 0..ops.len() {
            if used[i] {
                continue;
            }
            // i may go next only if no other remaining op must precede it.
            let blocked = (0..ops.len())
                .any(|j| j != i && !used[j] && ops[j].output.is_some() && ops[j].ret < ops[i].call);
            if blocked {
                continue;
            }
            let Some(next) = KvModel.step(&state, &ops[i].input, ops[i].output.as_ref()) else {
                continue;
            };
            used[i] = true;
            if go(ops, used, next) {
                return true;
            }
            used[i] = false;
        }
        false
    }
    // Keys are independent: check each on its own.
    let mut keys: Vec<u64> = ops.iter().map(|o| o.input.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter().all(|k| {
        let part: Vec<KvOp> = ops.iter().copied().filter(|o| o.input.key() == k).collect();
        go(&part, &mut vec![false; part.len()], None)
    })
}

fn small_value() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![Just(None), (1..4u64).prop_map(Some)]
}

fn op() -> impl Strategy<Value = KvOp> {
    (
        0..3u32,
        0..2u64,
        0..3u8,
        1..4u64,
        small_value(),
        any::<bool>(),
        0..20u64,
        0..10u64,
        0..5u8,
    )
        .prop_map(|(client, key, kind, value, v, ok, call, len, unknown)| {
            let (input, output) = match kind {
                0 => (KvInput::Get { key }, KvOutput::Value(v)),
                1 => (KvInput::Put { key, value }, KvOutput::Ok),
                _ => (
                    KvInput::Cas {
                        key,
                        expect: v,
                        value,
                    },
                    KvOutput::Cas(ok),
                ),
            };
            KvOp {
                client,
                input,
                output: (unknown != 0).then_some(output),
                call,
                ret: if unknown != 0 { call + len } else { u64::MAX },
            }
        })
}

proptest! {
    #![proptest_config(common::proptest_config(3_000, 6_4))]

    #[test]
    fn checker_agrees_with_brute_force(ops in prop::collection::vec(op(), 0..7)) {
        prop_assert_eq!(check_kv(&ops).is_ok(), brute_force(&ops));
    }
}
