//! Part-2 features on single nodes (named after the thesis section each
//! test checks) and as simulator scenarios. Every simulated run also passes
//! the invariant checker, which watches every event. Pre-vote and
//! check-quorum runs with hand-written faults are scenario files
//! (`tests/testdata/raft_sim/`, run by `raft_scenarios.rs`).

mod common;

use common::{assert_safe, leader, msg, msgs, node_cfg, sim};
use quorumkit::raft::sim::{Cluster, EventKind, SimError};
use quorumkit::raft::{Config, MemStorage, MsgKind, NodeId, RaftNode, Role};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

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

// ----- CheckQuorum and leader leases (§4.2.3, §6.4) --------------------------

#[test]
fn check_quorum_leader_without_a_quorum_steps_down_after_an_election_timeout() {
    let mut n = node_cfg(1, 3, |c| c.check_quorum = true);
    n.campaign();
    n.step({
        let mut r = msg(MsgKind::VoteResp, 2, 1, 1);
        r.reject = false;
        r
    })
    .unwrap();
    assert_eq!(n.role(), Role::Leader);
    msgs(&mut n);
    // The first check counts nobody but the leader.
    for _ in 0..10 {
        n.tick();
    }
    assert_eq!((n.role(), n.term()), (Role::Follower, 1));
}

#[test]
fn check_quorum_leader_that_hears_a_quorum_stays() {
    let mut n = node_cfg(1, 3, |c| c.check_quorum = true);
    n.campaign();
    let mut g = msg(MsgKind::VoteResp, 2, 1, 1);
    g.reject = false;
    n.step(g).unwrap();
    for round in 0..5 {
        for _ in 0..9 {
            n.tick();
        }
        n.step(msg(MsgKind::HeartbeatResp, 2, 1, 1)).unwrap();
        n.tick();
        assert_eq!(n.role(), Role::Leader, "round {round}");
    }
}

#[test]
fn s4_2_3_lease_ignores_a_higher_term_vote_while_the_leader_is_fresh() {
    let mut n = node_cfg(2, 3, |c| c.check_quorum = true);
    n.step(msg(MsgKind::Heartbeat, 1, 2, 2)).unwrap();
    msgs(&mut n);
    let mut v = msg(MsgKind::Vote, 3, 2, 9);
    v.index = 100;
    v.log_term = 8;
    n.step(v.clone()).unwrap();
    assert!(msgs(&mut n).is_empty(), "no answer");
    assert_eq!((n.term(), n.leader()), (2, 1));
    // A transfer campaign overrides the lease.
    v.context = quorumkit::raft::CAMPAIGN_TRANSFER;
    n.step(v).unwrap();
    assert_eq!((n.term(), n.vote()), (9, 3));
}

/// The scenario: the leader is isolated in a minority, steps down,
/// and the majority side elects a new leader.
#[test]
fn check_quorum_isolated_leader_in_a_minority_steps_down() {
    for seed in 1..=4 {
        let mut c = sim(5, seed, |c| c.check_quorum = true);
        let l = leader(&mut c);
        let term = c.node(l).unwrap().term();
        let buddy = if l == 1 { 2 } else { 1 };
        let majority: Vec<NodeId> = (1..=5).filter(|&x| x != l && x != buddy).collect();
        c.partition(&[vec![l, buddy], majority.clone()]).unwrap();
        // Checks run every election timeout (150 ms); the second one after
        // the cut finds no quorum.
        c.advance(310);
        assert_safe(&c);
        assert_ne!(c.node(l).unwrap().role(), Role::Leader, "seed {seed}");
        let l2 = leader(&mut c);
        assert!(majority.contains(&l2));
        assert!(c.node(l2).unwrap().term() > term);
        // Proposals to the old leader are refused rather than left hanging.
        assert!(c.propose_to(l, &b"lost"[..]).is_err());
        c.heal();
        c.propose(&b"after"[..]).unwrap();
        assert!(c.check_liveness(3_000).is_ok());
    }
}

// ----- Leadership transfer (thesis §3.10) ---------------------------------------

#[test]
fn s3_10_timeout_now_makes_a_follower_campaign_past_leases() {
    let mut n = node_cfg(2, 3, |c| {
        c.pre_vote = true;
        c.check_quorum = true;
    });
    n.step(msg(MsgKind::Heartbeat, 1, 2, 4)).unwrap();
    msgs(&mut n);
    n.step(msg(MsgKind::TimeoutNow, 1, 2, 4)).unwrap();
    assert_eq!((n.role(), n.term()), (Role::Candidate, 5));
    let out = msgs(&mut n);
    assert!(out
        .iter()
        .all(|m| m.kind == MsgKind::Vote && m.context == quorumkit::raft::CAMPAIGN_TRANSFER));
}

#[test]
fn s3_10_transfer_waits_for_catch_up_and_is_abandoned_after_a_timeout() {
    let mut n = node_cfg(1, 3, |_| {});
    n.campaign();
    let mut g = msg(MsgKind::VoteResp, 2, 1, 1);
    g.reject = false;
    n.step(g).unwrap();
    msgs(&mut n);
    n.transfer_leader(3).unwrap();
    // Node 3 lacks the no-op: no TimeoutNow yet, proposals refused.
    assert!(msgs(&mut n).iter().all(|m| m.kind != MsgKind::TimeoutNow));
    assert!(n.propose(&b"x"[..]).is_err());
    assert!(n.transfer_leader(9).is_err());
    let mut ack = msg(MsgKind::AppendResp, 3, 1, 1);
    ack.index = 1;
    n.step(ack).unwrap();
    let out = msgs(&mut n);
    assert!(out
        .iter()
        .any(|m| m.kind == MsgKind::TimeoutNow && m.to == 3));
    // Nobody answers: after an election timeout the leader takes proposals again.
    for _ in 0..10 {
        n.tick();
    }
    assert_eq!(n.lead_transferee(), 0);
    assert!(n.propose(&b"x"[..]).is_ok());
}

/// The scenario: a transfer under load completes without losing a
/// committed entry.
#[test]
fn s3_10_a_leader_handing_over_refuses_proposals_as_handing_over_not_as_a_non_leader() {
    let mut c = sim(3, 21, |_| {});
    let l = leader(&mut c);
    let target = l % 3 + 1;
    // The target is down, so the TimeoutNow is lost and the transfer stays
    // in progress until the election timeout abandons it.
    c.crash(target).unwrap();
    assert_eq!(c.transfer_leader(target), Ok(l));
    let refused = SimError::TransferInProgress { id: l, to: target };
    assert_eq!(c.propose_to(l, &b"x"[..]), Err(refused.clone()));
    assert_eq!(c.propose(&b"x"[..]), Err(refused.clone()));
    assert_eq!(
        refused.to_string(),
        format!("leader {l} is handing leadership to node {target}: it takes no proposals until that ends")
    );
    // A follower still answers as a non-leader that knows the leader.
    let other = (1..=3).find(|&x| x != l && x != target).unwrap();
    assert_eq!(
        c.propose_to(other, &b"x"[..]),
        Err(SimError::NotLeader {
            id: other,
            leader: l
        })
    );
    // Once the transfer is abandoned the leader takes proposals again.
    c.advance(1_000);
    assert_eq!(c.leader(), Some(l));
    assert!(c.propose_to(l, &b"y"[..]).is_ok());
    assert_safe(&c);
}

#[test]
fn s3_10_transfer_under_load_keeps_every_committed_entry() {
    for seed in 1..=3 {
        let mut c = sim(5, seed, |c| {
            c.pre_vote = true;
            c.check_quorum = true;
        });
        let mut l = leader(&mut c);
        let mut k = 0u32;
        let mut transfers = 0;
        let mut prefixes: Vec<Vec<quorumkit::raft::Entry>> = Vec::new();
        for round in 0..12 {
            // A steady stream of proposals, some refused mid-transfer.
            for _ in 0..30 {
                let _ = c.propose(k.to_le_bytes().to_vec());
                k += 1;
                c.advance(7);
            }
            let target = (l + round) % 5 + 1;
            if target != l {
                let s = c.node_state(l).unwrap();
                prefixes.push(s.log[..s.commit as usize].to_vec());
                c.transfer_leader(target).unwrap();
                c.advance(200);
                assert_safe(&c);
                assert_eq!(c.leader(), Some(target), "seed {seed} round {round}");
                l = target;
                transfers += 1;
            }
        }
        c.check_liveness(3_000).unwrap();
        assert!(transfers >= 8);
        // Every entry an old leader had committed is in the final log.
        let last = c.node_state(l).unwrap().log;
        for p in &prefixes {
            assert!(p.len() > 1 && last.starts_with(p));
        }
        assert!(prefixes.last().unwrap().len() > 200);
    }
}

// ----- Log compaction and snapshots (§7) -------------------------------------

use quorumkit::raft::{Entry, HardState, Snapshot};

/// Drives a single-node leader through `n` proposals, persisting as it goes.
fn solo_with(n: u8) -> (RaftNode, MemStorage) {
    let mut s = MemStorage::new();
    let mut node = RaftNode::new(Config::new(1, vec![1]), &s, Pcg32::seed_from_u64(1)).unwrap();
    node.campaign();
    for i in 0..n {
        node.propose(vec![i]).unwrap();
    }
    let rd = node.ready();
    s.append(rd.entries).unwrap();
    s.set_hard_state(rd.hard_state.unwrap());
    node.advance();
    (node, s)
}

#[test]
fn s7_compaction_drops_entries_and_refuses_unapplied_indices() {
    let (mut n, mut s) = solo_with(10);
    assert_eq!((n.commit(), n.applied()), (11, 11));
    assert!(n.compact(12, Vec::new()).is_err(), "beyond applied");
    let snap = n.compact(6, &b"six"[..]).unwrap();
    assert_eq!(
        (snap.index, snap.term, snap.conf.voters.clone()),
        (6, 1, vec![1])
    );
    s.apply_snapshot(&snap).unwrap();
    assert_eq!(n.snapshot_index(), 6);
    assert_eq!(n.entries().first().map(|e| e.index), Some(7));
    assert_eq!(n.log_term(5), None);
    assert!(
        n.compact(6, Vec::new()).is_err(),
        "not above the current snapshot"
    );
    // Restart from snapshot plus log.
    let r = RaftNode::new(Config::new(1, vec![1]), &s, Pcg32::seed_from_u64(2)).unwrap();
    assert_eq!(
        (r.snapshot_index(), r.last_index(), r.commit(), r.applied()),
        (6, 11, 11, 6)
    );
    assert_eq!(r.entries().len(), 5);
}

#[test]
fn s7_follower_installs_a_snapshot_and_applies_after_it() {
    let mut f = node_cfg(2, 3, |_| {});
    let mut m = msg(MsgKind::Snapshot, 1, 2, 3);
    m.snapshot = Some(Snapshot {
        index: 50,
        term: 2,
        conf: quorumkit::raft::ConfState {
            voters: vec![1, 2, 3],
            learners: vec![],
        },
        data: (&b"state@50"[..]).into(),
    });
    f.step(m).unwrap();
    let rd = f.ready();
    let snap = rd.snapshot.clone().expect("handed to the application");
    assert_eq!(&snap.data[..], b"state@50");
    assert!(rd.committed_entries.is_empty());
    let ack = rd
        .messages
        .iter()
        .find(|m| m.kind == MsgKind::AppendResp)
        .unwrap();
    assert_eq!((ack.index, ack.reject), (50, false));
    assert_eq!(rd.hard_state.unwrap().commit, 50);
    f.advance();
    assert_eq!(
        (f.snapshot_index(), f.commit(), f.applied(), f.last_index()),
        (50, 50, 50, 50)
    );
    // Appends continue after the snapshot.
    let mut a = msg(MsgKind::Append, 1, 2, 3);
    a.index = 50;
    a.log_term = 2;
    a.commit = 51;
    a.entries = vec![Entry::new(3, 51, &b"x"[..])];
    f.step(a).unwrap();
    let rd = f.ready();
    assert_eq!(rd.committed_entries.len(), 1);
    assert_eq!(rd.committed_entries[0].index, 51);
}

#[test]
fn s7_leader_sends_the_snapshot_to_a_follower_behind_its_compaction_point() {
    let mut s = MemStorage::new();
    let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &s, Pcg32::seed_from_u64(1)).unwrap();
    n.campaign();
    let mut g = msg(MsgKind::VoteResp, 2, 1, 1);
    g.reject = false;
    n.step(g).unwrap();
    for i in 0..5u8 {
        n.propose(vec![i]).unwrap();
    }
    let rd = n.ready();
    s.append(rd.entries).unwrap();
    n.advance();
    // Node 2 holds everything; node 3 has said nothing.
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = 6;
    n.step(ack).unwrap();
    n.ready();
    n.advance();
    assert_eq!(n.applied(), 6);
    n.compact(6, &b"img"[..]).unwrap();
    // Node 3 turns up: the entries it needs are gone, so it gets the snapshot.
    n.step(msg(MsgKind::HeartbeatResp, 3, 1, 1)).unwrap();
    let out = msgs(&mut n);
    let sm = out
        .iter()
        .find(|m| m.kind == MsgKind::Snapshot)
        .expect("a snapshot");
    assert_eq!((sm.to, sm.snapshot.as_ref().unwrap().index), (3, 6));
    // Acknowledged: replication resumes after it.
    let mut ack = msg(MsgKind::AppendResp, 3, 1, 1);
    ack.index = 6;
    n.step(ack).unwrap();
    n.propose(&b"next"[..]).unwrap();
    let out = msgs(&mut n);
    assert!(out
        .iter()
        .any(|m| m.to == 3 && m.kind == MsgKind::Append && m.index == 6));
    let _ = HardState::default();
}

fn max_log_in_memory(c: &Cluster) -> usize {
    (1..=c.len() as NodeId)
        .filter_map(|id| c.node_state(id))
        .map(|s| s.log.len())
        .max()
        .unwrap_or(0)
}

/// The scenario: a follower that was down for 10k entries catches
/// up through a snapshot, not entry by entry.
#[test]
fn s7_follower_down_for_10k_entries_catches_up_via_snapshot() {
    let mut c = sim(3, 5, |c| {
        c.snapshot_every = 500;
        c.record_events = true;
    });
    let l = leader(&mut c);
    let down = if l == 3 { 2 } else { 3 };
    c.crash(down).unwrap();
    let mut k = 0u32;
    while c.max_commit() < 10_050 {
        for _ in 0..100 {
            if c.propose(k.to_le_bytes().to_vec()).is_ok() {
                k += 1;
            }
        }
        c.advance(40);
        assert_safe(&c);
    }
    assert!(c.node(l).unwrap().snapshot_index() >= 9_500);
    let cur = c.event_cursor();
    c.restart(down).unwrap();
    let leader_now = c.check_liveness(3_000).unwrap();
    let installed = c.events(cur).iter().any(
        |e| matches!(e.kind, EventKind::Snapshot { node, received: true, .. } if node == down),
    );
    assert!(installed, "caught up through a snapshot");
    let s = c.node_state(down).unwrap();
    assert_eq!(s.applied, c.node(leader_now).unwrap().applied());
    assert!(s.snapshot_index >= 9_500);
    // Only the entries after the snapshot were sent one by one.
    let entries_sent: u64 = c
        .events(cur)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send(m) if m.to == down && m.kind == MsgKind::Append => {
                Some(u64::from(m.entries))
            }
            _ => None,
        })
        .sum();
    assert!(entries_sent < 2_000, "{entries_sent} entries sent");
    assert!(max_log_in_memory(&c) <= 1_200);
}

/// The scenario: with compaction, memory stays bounded however long
/// the run, through crashes and an unreliable network.
#[test]
fn s7_memory_stays_bounded_in_a_long_run_with_compaction() {
    let mut c = sim(5, 9, |c| {
        c.snapshot_every = 200;
        c.record_events = false;
        c.drop_rate = 0.02;
        c.pre_vote = true;
    });
    leader(&mut c);
    let mut peak = 0;
    let mut k = 0u32;
    for round in 0..300u32 {
        for _ in 0..50 {
            if c.propose(k.to_le_bytes().to_vec()).is_ok() {
                k += 1;
            }
        }
        c.advance(60);
        if round % 60 == 30 {
            let victim = 1 + (round / 60) % 5;
            let _ = c.crash(victim);
            c.advance(400);
            c.restart(victim).unwrap();
        }
        assert_safe(&c);
        peak = peak.max(max_log_in_memory(&c));
    }
    c.check_liveness(5_000).unwrap();
    assert!(c.max_commit() > 10_000, "committed {}", c.max_commit());
    // Never more than the compaction interval plus what is in flight.
    assert!(peak <= 1_000, "peak in-memory log {peak}");
}

// ----- Membership changes (thesis §4) ------------------------------------------

use quorumkit::raft::{ConfChange, ConfChangeKind, RaftError};

fn solo_leader() -> (RaftNode, MemStorage) {
    solo_with(0)
}

#[test]
fn s4_1_one_change_at_a_time_and_only_after_committing_in_the_term() {
    let mut n = node_cfg(1, 3, |_| {});
    n.campaign();
    let mut g = msg(MsgKind::VoteResp, 2, 1, 1);
    g.reject = false;
    n.step(g).unwrap();
    let add = ConfChange {
        kind: ConfChangeKind::AddLearner,
        node: 4,
    };
    // The no-op of the new term is not committed yet.
    assert_eq!(
        n.propose_conf_change(add),
        Err(RaftError::ConfChangePending)
    );
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = 1;
    n.step(ack).unwrap();
    let at = n.propose_conf_change(add).unwrap();
    // In force at once, before it commits.
    assert_eq!(n.conf_state().learners, vec![4]);
    let rm = ConfChange {
        kind: ConfChangeKind::Remove,
        node: 3,
    };
    assert_eq!(n.propose_conf_change(rm), Err(RaftError::ConfChangePending));
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = at;
    n.step(ack).unwrap();
    assert_eq!(n.commit(), at);
    // A learner that has not caught up cannot be promoted.
    let up = ConfChange {
        kind: ConfChangeKind::AddVoter,
        node: 4,
    };
    assert!(matches!(n.propose_conf_change(up), Err(RaftError::Arg(_))));
    let mut ack = msg(MsgKind::AppendResp, 4, 1, 1);
    ack.index = at;
    n.step(ack).unwrap();
    n.propose_conf_change(up).unwrap();
    assert_eq!(n.conf_state().voters, vec![1, 2, 3, 4]);
}

#[test]
fn s4_1_followers_adopt_and_drop_configurations_with_their_log() {
    let mut f = node_cfg(2, 3, |_| {});
    let cc = ConfChange {
        kind: ConfChangeKind::AddLearner,
        node: 4,
    };
    let mut e = Entry::new(1, 1, cc.encode().to_vec());
    e.kind = quorumkit::raft::EntryKind::ConfChange;
    let mut a = msg(MsgKind::Append, 1, 2, 1);
    a.entries = vec![e];
    f.step(a).unwrap();
    assert_eq!(f.conf_state().learners, vec![4]);
    // A new leader overwrites the uncommitted change: it is undone.
    let mut a = msg(MsgKind::Append, 3, 2, 2);
    a.entries = vec![Entry::new(2, 1, Vec::new())];
    f.step(a).unwrap();
    assert!(f.conf_state().learners.is_empty());
}

#[test]
fn s4_2_learners_and_outsiders_never_campaign() {
    let mut n = node_cfg(4, 3, |_| {}); // not in 1..=3
    for _ in 0..100 {
        n.tick();
    }
    n.campaign();
    assert_eq!((n.role(), n.term()), (Role::Follower, 0));
    let mut l = node_cfg(4, 3, |c| c.learners = vec![]);
    l.step(msg(MsgKind::TimeoutNow, 1, 4, 1)).unwrap();
    assert_eq!(l.role(), Role::Follower);
}

#[test]
fn s4_2_2_a_removed_leader_steps_down_once_the_change_commits() {
    let (mut n, _) = solo_leader();
    let add = |k, node| ConfChange { kind: k, node };
    n.propose_conf_change(add(ConfChangeKind::AddLearner, 2))
        .unwrap();
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = 2;
    n.step(ack).unwrap();
    n.propose_conf_change(add(ConfChangeKind::AddVoter, 2))
        .unwrap();
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = 3;
    n.step(ack).unwrap();
    assert_eq!(n.commit(), 3);
    let at = n
        .propose_conf_change(add(ConfChangeKind::Remove, 1))
        .unwrap();
    assert_eq!(
        n.role(),
        Role::Leader,
        "still leads until the change commits"
    );
    let mut ack = msg(MsgKind::AppendResp, 2, 1, 1);
    ack.index = at;
    n.step(ack).unwrap();
    assert_eq!((n.commit(), n.role()), (at, Role::Follower));
    n.campaign();
    assert_eq!(n.role(), Role::Follower, "a non-member never campaigns");
}

fn wait_change(
    c: &mut Cluster,
    f: impl Fn(&mut Cluster) -> Result<u64, quorumkit::raft::sim::SimError>,
) {
    for _ in 0..200 {
        if let Ok(index) = f(c) {
            // Wait until it commits.
            for _ in 0..200 {
                c.advance(20);
                assert_safe(c);
                if c.max_commit() >= index {
                    return;
                }
            }
        }
        c.advance(50);
        assert_safe(c);
    }
    panic!("membership change never committed");
}

fn voters(c: &mut Cluster) -> Vec<NodeId> {
    let l = leader(c);
    let mut v = c.node(l).unwrap().conf_state().voters.clone();
    v.sort_unstable();
    v
}

/// The scenario: grow from 3 to 5 and shrink back to 3 while faults
/// continue, with zero violations.
#[test]
fn s4_grow_3_to_5_and_shrink_to_3_under_faults() {
    for seed in 1..=3 {
        let mut c = sim(5, seed, |c| {
            c.voters = 3;
            c.drop_rate = 0.05;
            c.dup_rate = 0.02;
            c.reorder_rate = 0.05;
            c.pre_vote = seed != 2;
            c.check_quorum = seed != 2;
            c.snapshot_every = if seed == 3 { 20 } else { 0 };
            c.record_events = false;
        });
        leader(&mut c);
        let mut k = 0u32;
        let mut load = |c: &mut Cluster| {
            for _ in 0..5 {
                let _ = c.propose(k.to_le_bytes().to_vec());
                k += 1;
                c.advance(10);
            }
        };
        for id in [4, 5] {
            load(&mut c);
            wait_change(&mut c, |c| c.add_learner(id));
            load(&mut c);
            // A fault while the learner catches up.
            let victim = 1 + (id + seed as u32) % 3;
            let _ = c.crash(victim);
            load(&mut c);
            c.restart(victim).unwrap();
            wait_change(&mut c, |c| c.promote(id));
        }
        assert_eq!(voters(&mut c), vec![1, 2, 3, 4, 5]);
        // Shrink, removing the leader among others, with a partition.
        let l = leader(&mut c);
        let others: Vec<NodeId> = (1..=5).filter(|&x| x != l).collect();
        c.partition(&[vec![l, others[0], others[1], others[2]], vec![others[3]]])
            .unwrap();
        wait_change(&mut c, |c| c.remove(l));
        load(&mut c);
        c.heal();
        let gone = c.leader().map_or(others[0], |x| {
            if x == others[0] {
                others[1]
            } else {
                others[0]
            }
        });
        wait_change(&mut c, |c| c.remove(gone));
        load(&mut c);
        let v = voters(&mut c);
        assert_eq!(v.len(), 3, "{v:?}");
        assert!(!v.contains(&l) && !v.contains(&gone));
        c.set_drop_rate(0.0).unwrap();
        c.set_dup_rate(0.0).unwrap();
        c.set_reorder_rate(0.0).unwrap();
        c.propose(&b"done"[..]).unwrap();
        let fin = c.check_liveness(5_000).unwrap();
        assert!(v.contains(&fin));
        assert_safe(&c);
    }
}
