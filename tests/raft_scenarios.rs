//! Scenario tests on the simulated cluster, in the spirit of the well-known
//! Raft lab suites. Every run also passes the invariant checker, which
//! watches every event.

use quorumkit::raft::sim::{Cluster, EventKind, SimConfig};
use quorumkit::raft::{MsgKind, NodeId, Role};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// A leader is elected within this much virtual time after a disturbance
/// (election timeouts are 150–300 ms).
const ELECT: u64 = 1_500;

fn cluster(n: usize, seed: u64) -> Cluster {
    Cluster::new(SimConfig::new(n, seed)).unwrap()
}

fn unreliable(n: usize, seed: u64) -> Cluster {
    let mut cfg = SimConfig::new(n, seed);
    cfg.drop_rate = 0.1;
    cfg.dup_rate = 0.05;
    cfg.reorder_rate = 0.1;
    cfg.record_events = false;
    Cluster::new(cfg).unwrap()
}

fn assert_safe(c: &Cluster) {
    if let Some(v) = c.violations().first() {
        panic!("{v}");
    }
}

/// The live leader, checking that exactly one live node of the top term leads.
fn one_leader(c: &mut Cluster) -> NodeId {
    let deadline = c.now() + ELECT;
    while c.now() < deadline {
        c.advance(50);
        if let Some(l) = c.leader() {
            assert_safe(c);
            return l;
        }
    }
    panic!("no leader within {ELECT} ms");
}

/// How many live nodes hold `data` at `index` and have committed it.
fn n_committed(c: &Cluster, index: u64, data: &[u8]) -> usize {
    (1..=c.len() as NodeId)
        .filter_map(|id| c.node_state(id))
        .filter(|s| s.up && s.commit >= index && &s.log[(index - 1) as usize].data[..] == data)
        .count()
}

/// Proposes `data` (retrying on new leaders) until `expected` nodes commit
/// it; returns its index (the lab suites' `one()`).
fn one(c: &mut Cluster, data: &[u8], expected: usize) -> u64 {
    let deadline = c.now() + 10_000;
    while c.now() < deadline {
        if let Ok((_, index)) = c.propose(data.to_vec()) {
            let until = c.now() + 2_000;
            while c.now() < until {
                c.advance(20);
                assert_safe(c);
                if n_committed(c, index, data) >= expected {
                    return index;
                }
            }
        } else {
            c.advance(50);
        }
    }
    panic!("{:?} not committed on {expected} nodes", data);
}

fn sends(c: &Cluster, since: usize) -> usize {
    c.events(since)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Send(_)))
        .count()
}

#[test]
fn initial_election() {
    let mut c = cluster(3, 1);
    let l = one_leader(&mut c);
    let term = c.node(l).unwrap().term();
    for id in 1..=3 {
        assert_eq!(
            c.node(id).unwrap().term(),
            term,
            "all nodes agree on the term"
        );
    }
    // With no failures the leader and term stay put.
    c.advance(3_000);
    assert_eq!(c.leader(), Some(l));
    assert_eq!(c.node(l).unwrap().term(), term);
    assert_safe(&c);
}

#[test]
fn re_election() {
    let mut c = cluster(3, 2);
    let l1 = one_leader(&mut c);
    // The leader disconnects: a new one is elected.
    c.isolate(l1).unwrap();
    c.advance(ELECT);
    let l2 = c
        .state()
        .nodes
        .iter()
        .filter(|n| n.id != l1 && n.role == Role::Leader)
        .map(|n| n.id)
        .max()
        .expect("a new leader among the connected two");
    // The old leader rejoins: there is still one leader of the top term.
    c.heal();
    c.advance(ELECT);
    let l3 = one_leader(&mut c);
    assert_eq!(
        c.state()
            .nodes
            .iter()
            .filter(|n| n.role == Role::Leader && n.term == c.node(l3).unwrap().term())
            .count(),
        1
    );
    // No quorum: no leader.
    let others: Vec<NodeId> = (1..=3).filter(|&x| x != l3).collect();
    c.partition(&[vec![l3], vec![others[0]], vec![others[1]]])
        .unwrap();
    c.advance(2 * ELECT);
    let top = c.state().nodes.iter().map(|n| n.term).max().unwrap();
    assert!(c
        .state()
        .nodes
        .iter()
        .all(|n| !(n.role == Role::Leader && n.term == top)));
    // A quorum returns: a leader again.
    c.partition(&[vec![l3, others[0]], vec![others[1]]])
        .unwrap();
    one_leader(&mut c);
    c.heal();
    c.advance(ELECT);
    one_leader(&mut c);
    assert_ne!(l1, 0);
    assert_ne!(l2, l1);
    assert_safe(&c);
}

#[test]
fn many_elections_seven_nodes() {
    let mut c = cluster(7, 3);
    let mut rng = Pcg32::seed_from_u64(3);
    one_leader(&mut c);
    for _ in 0..10 {
        // Disconnect three random nodes; the other four are a quorum.
        let mut ids: Vec<NodeId> = (1..=7).collect();
        let mut out = Vec::new();
        for _ in 0..3 {
            let k = rng.next_u32() as usize % ids.len();
            out.push(ids.remove(k));
        }
        let mut groups = vec![ids.clone()];
        groups.extend(out.iter().map(|&x| vec![x]));
        c.partition(&groups).unwrap();
        c.advance(ELECT);
        let top = ids
            .iter()
            .map(|&i| c.node(i).unwrap().term())
            .max()
            .unwrap();
        let leaders = ids
            .iter()
            .filter(|&&i| {
                let n = c.node(i).unwrap();
                n.role() == Role::Leader && n.term() == top
            })
            .count();
        assert_eq!(leaders, 1, "the connected four elect one leader");
        c.heal();
        c.advance(200);
    }
    one_leader(&mut c);
    assert_safe(&c);
}

#[test]
fn basic_agreement() {
    let mut c = cluster(3, 4);
    one_leader(&mut c);
    for k in 0..3u8 {
        let idx = one(&mut c, &[b'a', k], 3);
        assert_eq!(idx, u64::from(k) + 2, "after the leader's no-op at 1");
    }
}

#[test]
fn agreement_despite_follower_failure() {
    let mut c = cluster(3, 5);
    let l = one_leader(&mut c);
    one(&mut c, b"101", 3);
    let f1 = if l == 1 { 2 } else { 1 };
    c.isolate(f1).unwrap();
    // The leader and the remaining follower still agree.
    one(&mut c, b"102", 2);
    c.advance(ELECT);
    one(&mut c, b"103", 2);
    // The follower reconnects and catches up.
    c.heal();
    one(&mut c, b"104", 3);
}

#[test]
fn no_agreement_without_majority() {
    let mut c = cluster(5, 6);
    let l = one_leader(&mut c);
    one(&mut c, b"10", 5);
    let followers: Vec<NodeId> = (1..=5).filter(|&x| x != l).collect();
    let mut groups = vec![vec![l, followers[3]]];
    groups.extend(followers[..3].iter().map(|&x| vec![x]));
    c.partition(&groups).unwrap();
    let index = c.propose_to(l, &b"20"[..]).unwrap();
    c.advance(2_000);
    assert!(
        c.node(l).unwrap().commit() < index,
        "committed without a quorum"
    );
    // Repair: the cluster agrees again (the entry may or may not survive).
    c.heal();
    c.advance(ELECT);
    one(&mut c, b"30", 5);
}

#[test]
fn concurrent_proposals() {
    let mut c = cluster(3, 7);
    let l = one_leader(&mut c);
    let mut indices = Vec::new();
    for k in 0..5u8 {
        indices.push(c.propose_to(l, vec![b'c', k]).unwrap());
    }
    c.advance(500);
    for (k, &i) in indices.iter().enumerate() {
        assert_eq!(n_committed(&c, i, &[b'c', k as u8]), 3);
    }
    indices.dedup();
    assert_eq!(indices.len(), 5);
    assert_safe(&c);
}

#[test]
fn rejoining_partitioned_leader_is_overwritten() {
    let mut c = cluster(3, 8);
    let l1 = one_leader(&mut c);
    one(&mut c, b"101", 3);
    // The leader is cut off and takes proposals it can never commit.
    c.isolate(l1).unwrap();
    let mut stale = Vec::new();
    for k in 0..3u8 {
        stale.push(c.propose_to(l1, vec![b's', k]).unwrap());
    }
    // The other two elect and commit.
    c.advance(ELECT);
    one(&mut c, b"103", 2);
    // The new leader is cut off too; the old one comes back.
    let l2 = c.leader().filter(|&x| x != l1).unwrap();
    c.partition(&[vec![l1, 6 - l1 - l2], vec![l2]]).unwrap();
    one(&mut c, b"104", 2);
    c.heal();
    one(&mut c, b"105", 3);
    // Every log agrees; the stale entries are gone.
    let logs: Vec<Vec<(u64, Vec<u8>)>> = (1..=3)
        .map(|id| {
            c.node(id)
                .unwrap()
                .entries()
                .iter()
                .map(|e| (e.term, e.data.to_vec()))
                .collect()
        })
        .collect();
    assert!(logs.iter().all(|l| *l == logs[0]));
    assert!(!logs[0].iter().any(|(_, d)| d.first() == Some(&b's')));
}

#[test]
fn leader_backs_up_quickly_over_incorrect_follower_logs() {
    let mut c = cluster(5, 9);
    let l1 = one_leader(&mut c);
    one(&mut c, b"first", 5);
    let others: Vec<NodeId> = (1..=5).filter(|&x| x != l1).collect();
    // The leader and one follower are cut off; 50 entries go nowhere.
    c.partition(&[vec![l1, others[0]], others[1..].to_vec()])
        .unwrap();
    for k in 0..50u8 {
        c.propose_to(l1, vec![b'x', k]).unwrap();
    }
    c.advance(300);
    // The other three elect a leader and commit 50 entries.
    c.advance(ELECT);
    for k in 0..50u8 {
        let _ = c.propose(vec![b'y', k]);
    }
    c.advance(1_000);
    // Now the old pair rejoins one of the three and must be rewritten.
    let l2 = c.leader().filter(|&x| x != l1).unwrap();
    let other3 = *others[1..].iter().find(|&&x| x != l2).unwrap();
    c.partition(&[
        vec![l1, others[0], other3],
        others[1..]
            .iter()
            .copied()
            .filter(|&x| x != other3)
            .collect(),
    ])
    .unwrap();
    c.advance(ELECT);
    for k in 0..50u8 {
        let _ = c.propose(vec![b'z', k]);
    }
    c.advance(1_000);
    c.heal();
    let cur = c.event_cursor();
    let index = one(&mut c, b"last", 5);
    assert!(index > 100);
    // Repairing two logs of ~100 divergent entries takes few messages.
    let appends = c
        .events(cur)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Send(m) if m.kind == MsgKind::Append))
        .count();
    assert!(appends < 200, "{appends} Append messages to back up");
}

#[test]
fn message_count_budgets() {
    // An election costs at most a few messages per node.
    let mut c = cluster(3, 10);
    c.timeout(1).unwrap();
    c.advance(100);
    assert_eq!(c.leader(), Some(1));
    let votes = c
        .events(0)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Send(m) if matches!(m.kind, MsgKind::Vote | MsgKind::VoteResp)))
        .count();
    assert_eq!(votes, 4, "one request and one answer per other node");
    let election = sends(&c, 0);
    assert!(
        election <= 20,
        "{election} messages in the election's first 100 ms"
    );
    // Idle: one heartbeat and one answer per follower per 50 ms.
    let cur = c.event_cursor();
    c.advance(1_000);
    let idle = sends(&c, cur);
    assert!(idle <= 2 * 2 * 21, "{idle} messages in an idle second");
    assert!(idle >= 2 * 2 * 19);
    // Agreement: per entry and follower, one Append and its answer, then
    // the commit notice and its answer, plus an empty Append when a
    // heartbeat answer overtakes an Append answer (latencies here vary from
    // 5 to 25 ms, so that is frequent): at most five per entry and follower.
    let cur = c.event_cursor();
    for k in 0..10u8 {
        c.propose_to(1, vec![k]).unwrap();
        c.advance(100);
    }
    assert_eq!(c.node(1).unwrap().commit(), 11);
    let agree = c
        .events(cur)
        .iter()
        .filter(|e| {
            matches!(e.kind, EventKind::Send(m)
                if m.kind != MsgKind::Heartbeat && m.kind != MsgKind::HeartbeatResp)
        })
        .count();
    assert!(
        agree <= 10 * 2 * 5,
        "{agree} messages to agree on 10 entries"
    );
}

#[test]
fn persistence_across_crashes() {
    let mut c = cluster(3, 11);
    one_leader(&mut c);
    one(&mut c, b"11", 3);
    // Crash and restart every node.
    for id in 1..=3 {
        c.crash(id).unwrap();
    }
    for id in 1..=3 {
        c.restart(id).unwrap();
    }
    one(&mut c, b"12", 3);
    // The leader.
    let l = one_leader(&mut c);
    c.crash(l).unwrap();
    c.restart(l).unwrap();
    one(&mut c, b"13", 3);
    // A follower, while work continues.
    let l = one_leader(&mut c);
    let f = if l == 1 { 2 } else { 1 };
    one(&mut c, b"14", 3);
    c.crash(f).unwrap();
    one(&mut c, b"15", 2);
    c.restart(f).unwrap();
    one(&mut c, b"16", 3);
    // The log survived: entries committed before the crashes are still there.
    let log = c.node(f).unwrap().entries();
    assert!(log.iter().any(|e| &e.data[..] == b"11"));
}

/// The lab suites' Figure 8 test: leaders crash at awkward moments, with
/// random proposals in between; committed entries must survive.
fn figure_8(seed: u64, unreliable_net: bool, iterations: usize) {
    let mut c = if unreliable_net {
        unreliable(5, seed)
    } else {
        let mut cfg = SimConfig::new(5, seed);
        cfg.record_events = false;
        Cluster::new(cfg).unwrap()
    };
    let mut rng = Pcg32::seed_from_u64(seed ^ 0xF8);
    let mut up = 5;
    one(&mut c, b"start", 1);
    for it in 0..iterations {
        let _ = c.propose(vec![b'f', it as u8]);
        let ms = if rng.next_u32() % 10 == 0 {
            u64::from(rng.next_u32() % 300)
        } else {
            u64::from(rng.next_u32() % 15)
        };
        c.advance(ms);
        if unreliable_net && rng.next_u32() % 8 == 0 {
            let a = 1 + rng.next_u32() % 5;
            let b = 1 + (a + rng.next_u32() % 4) % 5;
            let _ = c.cut(a, b);
        }
        if unreliable_net && rng.next_u32() % 6 == 0 {
            c.heal();
        }
        if let Some(l) = c.leader() {
            if rng.next_u32() % 2 == 0 {
                c.crash(l).unwrap();
                up -= 1;
            }
        }
        if up < 3 {
            let down: Vec<NodeId> = (1..=5).filter(|&i| c.node(i).is_none()).collect();
            let r = down[rng.next_u32() as usize % down.len()];
            c.restart(r).unwrap();
            up += 1;
        }
        assert_safe(&c);
    }
    for id in 1..=5 {
        if c.node(id).is_none() {
            c.restart(id).unwrap();
        }
    }
    c.heal();
    c.set_drop_rate(0.0).unwrap();
    c.set_dup_rate(0.0).unwrap();
    c.set_reorder_rate(0.0).unwrap();
    one(&mut c, b"end", 5);
    if let Err(v) = c.check_liveness(10_000) {
        panic!("{v}");
    }
}

#[test]
fn figure_8_reliable() {
    for seed in 0..8 {
        figure_8(100 + seed, false, 300);
    }
}

#[test]
fn figure_8_unreliable() {
    for seed in 0..8 {
        figure_8(200 + seed, true, 300);
    }
}

#[test]
fn churn_under_unreliable_network() {
    for seed in 0..3u64 {
        let mut c = unreliable(5, 300 + seed);
        let mut rng = Pcg32::seed_from_u64(seed);
        for round in 0..60u32 {
            let _ = c.propose(round.to_le_bytes().to_vec());
            let id = 1 + rng.next_u32() % 5;
            match rng.next_u32() % 4 {
                0 => {
                    let _ = c.crash(id);
                }
                1 => {
                    let _ = c.restart(id);
                }
                _ => {}
            }
            c.advance(u64::from(rng.next_u32() % 200));
            assert_safe(&c);
        }
        for id in 1..=5 {
            let _ = c.restart(id);
        }
        c.set_drop_rate(0.0).unwrap();
        c.set_dup_rate(0.0).unwrap();
        c.set_reorder_rate(0.0).unwrap();
        if let Err(v) = c.check_liveness(10_000) {
            panic!("{v}");
        }
        assert!(c.max_commit() > 10, "little progress: {}", c.max_commit());
    }
}

#[test]
fn same_seed_same_history() {
    let run = |seed| {
        let mut c = unreliable(5, seed);
        c.advance(500);
        for k in 0..20u8 {
            let _ = c.propose(vec![k]);
            c.advance(37);
            if k == 7 {
                let _ = c.crash(2);
            }
            if k == 12 {
                let _ = c.restart(2);
                c.partition(&[vec![1, 2], vec![3, 4, 5]]).unwrap();
            }
        }
        (c.history_hash(), c.steps(), c.max_commit())
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42).0, run(43).0);
}

/// A reader that forgets each batch of events once read (what the page does
/// every frame) keeps none of them, sees exactly the events of a run that
/// keeps them all, and leaves the run itself unchanged.
#[test]
fn forgotten_events_free_the_log_and_keep_cursors_and_history() {
    let mut cfg = SimConfig::new(5, 11);
    cfg.drop_rate = 0.1;
    cfg.dup_rate = 0.05;
    let mut all = Cluster::new(cfg.clone()).unwrap();
    let mut lean = Cluster::new(cfg).unwrap();
    let mut cursor = 0;
    for k in 0..100u8 {
        all.advance(250);
        lean.advance(250);
        if k % 10 == 0 {
            let _ = all.propose(vec![k]);
            let _ = lean.propose(vec![k]);
        }
        let read = lean.events(cursor);
        assert_eq!(read, all.events(cursor));
        cursor += read.len();
        lean.forget_events(cursor);
        assert_eq!(lean.first_event_cursor(), cursor);
        assert!(lean.events(0).is_empty(), "nothing kept once read");
    }
    assert!(cursor > 5_000, "{cursor} events read");
    assert_eq!(lean.event_cursor(), all.event_cursor());
    assert_eq!(lean.history_hash(), all.history_hash());
    assert_eq!(lean.max_commit(), all.max_commit());
    assert_safe(&lean);

    // Forgetting part of a batch keeps the rest, at the same cursors.
    all.advance(250);
    lean.advance(250);
    lean.forget_events(cursor + 3);
    assert_eq!(lean.first_event_cursor(), cursor + 3);
    assert_eq!(lean.events(cursor + 3), all.events(cursor + 3));
    assert_eq!(
        lean.events(0),
        all.events(cursor + 3),
        "from the oldest kept"
    );
    // An older cursor forgets nothing more; one past the end forgets the rest.
    lean.forget_events(cursor);
    assert_eq!(lean.first_event_cursor(), cursor + 3);
    lean.forget_events(usize::MAX);
    assert_eq!(lean.first_event_cursor(), all.event_cursor());
    assert_eq!(lean.event_cursor(), all.event_cursor());
}

#[test]
fn state_snapshot_shows_timers_and_flights() {
    let mut c = cluster(3, 12);
    c.advance(55);
    for n in c.state().nodes {
        assert!(n.election_elapsed <= n.election_timeout);
        assert!((150..300).contains(&n.election_timeout));
    }
    c.timeout(2).unwrap();
    c.advance(1);
    let s = c.state();
    assert_eq!(s.flights.len(), 2);
    for f in &s.flights {
        assert_eq!(f.msg.kind, MsgKind::Vote);
        assert!(f.progress > 0.0 && f.progress <= 1.0);
    }
    c.advance(1_000);
    let leader = c.leader().unwrap();
    assert_eq!(
        c.node_state(leader).unwrap().log[0].term,
        c.node(leader).unwrap().term()
    );
}

#[test]
fn single_node_cluster() {
    let mut c = cluster(1, 13);
    let l = one_leader(&mut c);
    assert_eq!(l, 1);
    one(&mut c, b"solo", 1);
}
