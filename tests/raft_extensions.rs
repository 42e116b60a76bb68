//! Part-2 features on single nodes (named after the thesis section each
//! test checks) and as simulator scenarios. Every simulated run also passes
//! the invariant checker, which watches every event.

use quorumkit::raft::sim::{Cluster, EventKind, SimConfig};
use quorumkit::raft::{Config, MemStorage, Message, MsgKind, NodeId, RawNode, Role};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

// ----- helpers -------------------------------------------------------------

fn node_cfg(id: NodeId, n: u32, f: impl FnOnce(&mut Config)) -> RawNode {
    let mut c = Config::new(id, (1..=n).collect());
    f(&mut c);
    RawNode::new(c, &MemStorage::new(), Pcg32::seed_from_u64(u64::from(id))).unwrap()
}

fn msgs(n: &mut RawNode) -> Vec<Message> {
    let m = n.ready().messages;
    n.advance();
    m
}

fn msg(kind: MsgKind, from: NodeId, to: NodeId, term: u64) -> Message {
    Message::new(kind, from, to, term)
}

fn assert_safe(c: &Cluster) {
    if let Some(v) = c.violations().first() {
        panic!("{v}");
    }
}

fn sim(n: usize, seed: u64, f: impl FnOnce(&mut SimConfig)) -> Cluster {
    let mut cfg = SimConfig::new(n, seed);
    f(&mut cfg);
    Cluster::new(cfg).unwrap()
}

fn leader(c: &mut Cluster) -> NodeId {
    for _ in 0..60 {
        c.advance(50);
        assert_safe(c);
        if let Some(l) = c.leader() {
            return l;
        }
    }
    panic!("no leader");
}

fn count_sends(c: &Cluster, since: usize, kind: MsgKind) -> usize {
    c.events(since)
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Send(m) if m.kind == kind))
        .count()
}

// ----- PreVote (thesis §9.6) -----------------------------------------------

#[test]
fn s9_6_pre_candidate_keeps_its_term_and_asks_for_term_plus_one() {
    let mut n = node_cfg(1, 3, |c| c.pre_vote = true);
    n.campaign();
    assert_eq!((n.role(), n.term(), n.vote()), (Role::PreCandidate, 0, 0));
    let out = msgs(&mut n);
    assert_eq!(out.len(), 2);
    assert!(out
        .iter()
        .all(|m| m.kind == MsgKind::PreVote && m.term == 1));
    // One grant makes a quorum of three: the real election starts at term 1.
    let mut g = msg(MsgKind::PreVoteResp, 2, 1, 1);
    g.reject = false;
    n.step(g).unwrap();
    assert_eq!((n.role(), n.term(), n.vote()), (Role::Candidate, 1, 1));
    assert!(msgs(&mut n)
        .iter()
        .all(|m| m.kind == MsgKind::Vote && m.term == 1));
}

#[test]
fn s9_6_pre_vote_refused_by_quorum_falls_back_to_follower() {
    let mut n = node_cfg(1, 3, |c| c.pre_vote = true);
    n.campaign();
    msgs(&mut n);
    for from in [2, 3] {
        let mut r = msg(MsgKind::PreVoteResp, from, 1, 0);
        r.reject = true;
        n.step(r).unwrap();
    }
    assert_eq!((n.role(), n.term()), (Role::Follower, 0));
}

#[test]
fn s9_6_voter_refuses_pre_vote_while_it_hears_a_leader_and_keeps_its_term() {
    let mut n = node_cfg(2, 3, |c| c.pre_vote = true);
    n.step(msg(MsgKind::Heartbeat, 1, 2, 3)).unwrap();
    msgs(&mut n);
    let mut pv = msg(MsgKind::PreVote, 3, 2, 4);
    pv.index = 10;
    pv.log_term = 3;
    n.step(pv.clone()).unwrap();
    let r = msgs(&mut n);
    assert_eq!(r[0].kind, MsgKind::PreVoteResp);
    assert!(r[0].reject);
    assert_eq!((n.term(), n.leader(), n.vote()), (3, 1, 0));
    // Once the leader has been silent for a full election timeout, the
    // same request is granted, still without any change of term or vote.
    for _ in 0..10 {
        n.tick();
    }
    let mut n2 = n.clone();
    n2.step(pv).unwrap();
    let r = msgs(&mut n2);
    let grant = r.iter().find(|m| m.kind == MsgKind::PreVoteResp).unwrap();
    assert!(!grant.reject);
    assert_eq!(grant.term, 4);
    assert_eq!(n2.term(), n.term());
}

#[test]
fn s9_6_pre_vote_for_a_stale_log_is_refused() {
    let mut n = node_cfg(2, 3, |c| c.pre_vote = true);
    let mut a = msg(MsgKind::Append, 1, 2, 2);
    a.entries = vec![quorumkit::raft::Entry::new(2, 1, &b"x"[..])];
    n.step(a).unwrap();
    for _ in 0..30 {
        n.tick();
    }
    msgs(&mut n);
    let pv = msg(MsgKind::PreVote, 3, 2, 3); // empty log
    n.step(pv).unwrap();
    let r = msgs(&mut n);
    assert!(r.iter().any(|m| m.kind == MsgKind::PreVoteResp && m.reject));
}

/// The scenario: a node isolated for a long time rejoins; the
/// leader's term is unchanged and there is no election.
#[test]
fn pre_vote_isolated_node_rejoins_without_disrupting_the_leader() {
    let mut c = sim(5, 11, |c| c.pre_vote = true);
    let l = leader(&mut c);
    let term = c.node(l).unwrap().term();
    let victim = if l == 5 { 4 } else { 5 };
    c.isolate(victim).unwrap();
    for i in 0..20u8 {
        c.propose(vec![i]).unwrap();
        c.advance(250);
    }
    // Cut off for 5 s: it keeps canvassing, but its term never moves.
    assert_eq!(c.node(victim).unwrap().term(), term);
    let cur = c.event_cursor();
    c.heal();
    c.advance(3_000);
    assert_safe(&c);
    assert_eq!(c.leader(), Some(l));
    assert_eq!(c.node(l).unwrap().term(), term);
    assert_eq!(count_sends(&c, cur, MsgKind::Vote), 0, "no election");
    assert_eq!(c.node(victim).unwrap().leader(), l);
    assert_eq!(
        c.node(victim).unwrap().commit(),
        c.node(l).unwrap().commit()
    );
}

/// The same scenario without pre-vote: the returning node's inflated term
/// deposes the leader (what pre-vote prevents).
#[test]
fn without_pre_vote_the_rejoining_node_forces_an_election() {
    let mut c = sim(5, 11, |_| {});
    let l = leader(&mut c);
    let term = c.node(l).unwrap().term();
    let victim = if l == 5 { 4 } else { 5 };
    c.isolate(victim).unwrap();
    c.advance(5_000);
    assert!(c.node(victim).unwrap().term() > term + 5);
    c.heal();
    c.advance(3_000);
    assert_safe(&c);
    let l2 = c.leader().unwrap();
    assert!(c.node(l2).unwrap().term() > term + 5);
}
