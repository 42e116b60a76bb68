//! Liveness after membership changes made during partitions (thesis §4.1,
//! §4.2.3): a server votes for, and follows, a candidate or leader outside
//! its latest configuration, so a cluster whose members hold different
//! uncommitted configurations still elects a leader once healed.

mod common;

use common::{conf_entry, node, sim};
use quorumkit::raft::sim::{Action, Cluster, Latency, SimConfig, SimError};
use quorumkit::raft::{ConfChangeKind, Entry, Message, MsgKind, NodeId, Role};

/// Twenty election timeouts of the default simulator (150 ms each).
const BOUND_MS: u64 = 20 * 150;

/// Advances until a leader other than `stale` leads with the highest term.
fn majority_leader(c: &mut Cluster, stale: NodeId) -> NodeId {
    for _ in 0..100 {
        c.advance(100);
        match c.leader() {
            Some(m) if m != stale => return m,
            _ => {}
        }
    }
    panic!("the majority side never elected a leader");
}

fn assert_live(c: &mut Cluster, what: &str) {
    if let Err(v) = c.check_liveness(BOUND_MS) {
        panic!("{what}: {v}");
    }
    assert!(c.violations().is_empty(), "{what}: {:?}", c.violations());
}

/// The reported case: the cut-off leader 3 logs "remove 1" (its view
/// {2,3}); the majority's new leader 2 logs "remove 2" (view {1,3}). Node 3
/// must vote for node 1, which is outside its latest configuration.
#[test]
fn s4_1_removals_on_both_sides_of_a_partition_then_heal() {
    for seed in 1..=300 {
        for (cq, pv) in [(true, false), (false, false), (true, true), (false, true)] {
            let mut c = sim(3, seed, |c| {
                c.check_quorum = cq;
                c.pre_vote = pv;
            });
            c.advance(1_000);
            let l = c.leader().unwrap();
            let others: Vec<NodeId> = (1..=3).filter(|&x| x != l).collect();
            let (a, b) = (others[0], others[1]);
            c.partition(&[vec![a, b], vec![l]]).unwrap();
            c.remove(a).unwrap(); // goes to the cut-off leader l
            c.timeout(b).unwrap();
            // The majority side's new leader removes itself.
            let m = majority_leader(&mut c, l);
            while c.remove(m) == Err(SimError::ConfChangePending) {
                c.advance(10);
            }
            c.advance(1_000);
            c.heal();
            for id in 1..=3 {
                c.crash(id).unwrap();
                c.restart(id).unwrap();
            }
            assert_live(
                &mut c,
                &format!("seed {seed} check_quorum {cq} pre_vote {pv}"),
            );
        }
    }
}

/// §4.1: a server grants its vote to a candidate outside its latest
/// configuration when the candidate's log is up to date and its term current.
#[test]
fn s4_1_votes_for_a_candidate_outside_its_latest_configuration() {
    let mut n = node(3, 3);
    let mut a = Message::new(MsgKind::Append, 2, 3, 1);
    a.entries = vec![conf_entry(1, 1, ConfChangeKind::Remove, 1)];
    n.step(a).unwrap();
    assert!(!n.conf_state().contains(1));
    let _ = n.ready();
    n.advance();
    let mut v = Message::new(MsgKind::Vote, 1, 3, 5);
    v.index = 1;
    v.log_term = 2;
    // §4.2.3: within the minimum election timeout of hearing leader 2, a
    // candidate outside the configuration is ignored (term unchanged).
    n.step(v.clone()).unwrap();
    assert_eq!(n.term(), 1);
    assert!(n.ready().messages.is_empty());
    n.advance();
    for _ in 0..10 {
        n.tick();
    }
    let _ = n.ready();
    n.advance();
    n.step(v).unwrap();
    let out = n.ready().messages;
    n.advance();
    let resp = out.iter().find(|m| m.kind == MsgKind::VoteResp).unwrap();
    assert!(!resp.reject, "votes for the up-to-date candidate 1");
    assert_eq!((n.term(), n.vote()), (5, 1));
    // And it follows that leader's appends.
    n.step(Message::new(MsgKind::Heartbeat, 1, 3, 5)).unwrap();
    assert_eq!((n.role(), n.leader()), (Role::Follower, 1));
}

/// Shrunk from a randomized run (seed 224): with votes from outside the
/// latest configuration dropped, this cluster never elected a leader again.
/// Two removals, asked of the leaders of two sides of successive partitions,
/// leave the members with different configurations.
#[test]
fn shrunk_removals_across_partitions_under_lossy_links() {
    let mut cfg = SimConfig::new(5, 224);
    cfg.latency = Latency { min: 0, max: 16 };
    cfg.drop_rate = 0.09;
    cfg.dup_rate = 0.01;
    cfg.reorder_rate = 0.15;
    cfg.check_quorum = true;
    cfg.voters = 3;
    use Action::*;
    let mut actions = vec![
        Advance(82),
        Partition(vec![vec![2, 3, 4, 5], vec![1]]),
        Advance(63),
        Crash(3),
        Advance(34),
        Heal,
        Advance(12),
        Restart(3),
        Advance(629),
        Partition(vec![vec![1, 2], vec![3, 4, 5]]),
        Advance(177),
        Remove(1),
        Partition(vec![vec![1, 3, 4, 5], vec![2]]),
        Advance(231),
        Remove(3),
        Heal,
        DropRate(0.0),
        DupRate(0.0),
        ReorderRate(0.0),
    ];
    for id in 1..=5 {
        actions.extend([Crash(id), Restart(id)]);
    }
    let mut c = Cluster::new(cfg).unwrap();
    for a in &actions {
        let _ = c.apply(a);
    }
    assert_live(&mut c, "seed 224, shrunk");
}

/// Figure 2: refusing a candidate whose log is behind does not restart the
/// election timer, so the node with the up-to-date log still times out and
/// wins, however often the stale candidate campaigns.
#[test]
fn s5_2_refusing_a_stale_candidate_keeps_the_election_timer() {
    let mut n = node(1, 3);
    let mut a = Message::new(MsgKind::Append, 2, 1, 1);
    a.entries = vec![Entry::new(1, 1, Vec::new()), Entry::new(1, 2, Vec::new())];
    n.step(a).unwrap();
    for _ in 0..5 {
        n.tick();
    }
    let elapsed = n.election_elapsed();
    let mut v = Message::new(MsgKind::Vote, 3, 1, 7);
    v.index = 1;
    v.log_term = 1;
    n.step(v).unwrap();
    let out = n.ready().messages;
    n.advance();
    assert!(out.iter().any(|m| m.kind == MsgKind::VoteResp && m.reject));
    assert_eq!((n.term(), n.vote(), n.election_elapsed()), (7, 0, elapsed));
    // A granted vote does restart it.
    let mut v = Message::new(MsgKind::Vote, 2, 1, 8);
    v.index = 2;
    v.log_term = 1;
    n.step(v).unwrap();
    assert_eq!((n.vote(), n.election_elapsed()), (2, 0));
}
