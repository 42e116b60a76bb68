//! Paper-sentence tests: each checks one rule of the Raft paper (Ongaro &
//! Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014)
//! and is named after its section.

mod common;

use common::{msg, msgs};
use quorumkit::raft::{
    Config, Entry, HardState, MemStorage, Message, MsgKind, NodeId, RaftError, RaftNode, Role, NONE,
};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

const ET: u32 = 10;

fn ids(n: u32) -> Vec<NodeId> {
    (1..=n).collect()
}

fn node_with(id: NodeId, peers: Vec<NodeId>, store: &MemStorage) -> RaftNode {
    let mut c = Config::new(id, peers);
    c.election_tick = ET;
    c.heartbeat_tick = 1;
    RaftNode::new(c, store, Pcg32::seed_from_u64(u64::from(id) * 7919)).unwrap()
}

fn node(id: NodeId, n: u32) -> RaftNode {
    node_with(id, ids(n), &MemStorage::new())
}

/// A store holding entries with the given terms at indices 1.., and `term`.
fn store_with(terms: &[u64], term: u64) -> MemStorage {
    let mut s = MemStorage::new();
    let ents: Vec<Entry> = terms
        .iter()
        .enumerate()
        .map(|(i, &t)| Entry::new(t, i as u64 + 1, Vec::new()))
        .collect();
    s.append(&ents).unwrap();
    s.set_hard_state(HardState {
        term,
        vote: NONE,
        commit: 0,
    });
    s
}

fn become_leader(n: &mut RaftNode) {
    n.campaign();
    let term = n.term();
    let peers: Vec<NodeId> = ids(5).into_iter().filter(|&p| p != n.id()).collect();
    for p in peers {
        if n.role() == Role::Leader {
            break;
        }
        let _ = n.step(msg(MsgKind::VoteResp, p, n.id(), term));
    }
    assert_eq!(n.role(), Role::Leader);
}

/// A tiny synchronous network: delivers every message until quiet.
struct Net {
    nodes: Vec<RaftNode>,
    stores: Vec<MemStorage>,
    /// Nodes whose incoming and outgoing messages are dropped.
    down: Vec<NodeId>,
}

impl Net {
    fn new(nodes: Vec<RaftNode>) -> Net {
        let stores = vec![MemStorage::new(); nodes.len()];
        Net {
            nodes,
            stores,
            down: Vec::new(),
        }
    }

    fn idx(&self, id: NodeId) -> usize {
        self.nodes.iter().position(|n| n.id() == id).unwrap()
    }

    fn settle(&mut self) {
        loop {
            let mut out = Vec::new();
            for (i, n) in self.nodes.iter_mut().enumerate() {
                if !n.has_ready() {
                    continue;
                }
                let rd = n.ready();
                self.stores[i].append(rd.entries).unwrap();
                if let Some(hs) = rd.hard_state {
                    self.stores[i].set_hard_state(hs);
                }
                out.extend(rd.messages);
                n.advance();
            }
            if out.is_empty() {
                return;
            }
            for m in out {
                if self.down.contains(&m.from) || self.down.contains(&m.to) {
                    continue;
                }
                let i = self.idx(m.to);
                self.nodes[i].step(m).unwrap();
            }
        }
    }

    fn log_terms(&self, id: NodeId) -> Vec<u64> {
        self.nodes[self.idx(id)]
            .entries()
            .iter()
            .map(|e| e.term)
            .collect()
    }
}

// ----- §5.1 -----------------------------------------------------------------

fn check_update_term_from_message(role: Role) {
    let mut n = node(1, 3);
    match role {
        Role::Candidate => n.campaign(),
        Role::Leader => {
            n.campaign();
            n.step(msg(MsgKind::VoteResp, 2, 1, 1)).unwrap();
        }
        _ => {}
    }
    assert_eq!(n.role(), role);
    n.step(msg(MsgKind::Append, 2, 1, 2)).unwrap();
    assert_eq!(n.term(), 2);
    assert_eq!(n.role(), Role::Follower);
}

/// §5.1 "If one server's current term is smaller than the other's, then it
/// updates its current term to the larger value. If a candidate or leader
/// discovers that its term is out of date, it immediately reverts to
/// follower state."
#[test]
fn test_follower_update_term_from_message_5_1() {
    check_update_term_from_message(Role::Follower);
}

#[test]
fn test_candidate_update_term_from_message_5_1() {
    check_update_term_from_message(Role::Candidate);
}

#[test]
fn test_leader_update_term_from_message_5_1() {
    check_update_term_from_message(Role::Leader);
}

/// §5.1 "If a server receives a request with a stale term number, it rejects
/// the request."
#[test]
fn test_reject_stale_term_message_5_1() {
    let store = store_with(&[1], 2);
    let mut n = node_with(1, ids(3), &store);
    let mut m = msg(MsgKind::Append, 2, 1, 1);
    m.index = 1;
    m.log_term = 1;
    m.entries = vec![Entry::new(1, 2, &b"stale"[..])];
    n.step(m).unwrap();
    assert_eq!(n.last_index(), 1, "stale entries are not appended");
    assert_eq!(n.leader(), NONE);
    let out = msgs(&mut n);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].kind, MsgKind::AppendResp);
    assert!(out[0].reject);
    assert_eq!(out[0].term, 2, "the refusal carries the newer term");

    let mut v = msg(MsgKind::Vote, 3, 1, 1);
    v.index = 9;
    v.log_term = 9;
    n.step(v).unwrap();
    assert_eq!(n.vote(), NONE);
    let out = msgs(&mut n);
    assert!(out[0].reject && out[0].kind == MsgKind::VoteResp);
}

// ----- §5.2 -----------------------------------------------------------------

/// §5.2 "When servers start up, they begin as followers."
#[test]
fn test_start_as_follower_5_2() {
    let n = node(1, 3);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!((n.term(), n.vote(), n.leader()), (0, NONE, NONE));
}

/// §5.2 "Leaders send periodic heartbeats (AppendEntries RPCs that carry no
/// log entries) to all followers in order to maintain their authority."
#[test]
fn test_leader_bcast_beat_5_2() {
    let mut n = node(1, 3);
    become_leader(&mut n);
    msgs(&mut n);
    n.tick(); // heartbeat_tick = 1
    let mut out = msgs(&mut n);
    out.sort_by_key(|m| m.to);
    assert_eq!(out.len(), 2);
    for (m, to) in out.iter().zip([2, 3]) {
        assert_eq!(
            (m.kind, m.from, m.to, m.term),
            (MsgKind::Heartbeat, 1, to, 1)
        );
        assert!(m.entries.is_empty());
    }
}

fn check_nonleader_start_election(role: Role) {
    let mut n = node(1, 3);
    if role == Role::Candidate {
        n.campaign();
        msgs(&mut n);
    }
    let term0 = n.term();
    for _ in 0..2 * ET {
        n.tick();
    }
    assert_eq!(n.term(), term0 + 1, "a new term starts");
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.vote(), 1, "it votes for itself");
    let mut out = msgs(&mut n);
    out.sort_by_key(|m| m.to);
    let to: Vec<NodeId> = out.iter().map(|m| m.to).collect();
    assert_eq!(to, vec![2, 3]);
    assert!(out
        .iter()
        .all(|m| m.kind == MsgKind::Vote && m.term == term0 + 1));
}

/// §5.2 "If a follower receives no communication over a period of time called
/// the election timeout, then it ... begins an election ... it increments its
/// current term and transitions to candidate state. It then votes for itself
/// and issues RequestVote RPCs in parallel to each of the other servers."
#[test]
fn test_follower_start_election_5_2() {
    check_nonleader_start_election(Role::Follower);
}

/// §5.2 "... if many followers become candidates at the same time, votes could
/// be split ... each candidate will time out and start a new election by
/// incrementing its term and initiating another round of RequestVote RPCs."
#[test]
fn test_candidate_start_new_election_5_2() {
    check_nonleader_start_election(Role::Candidate);
}

/// §5.2 "A candidate wins an election if it receives votes from a majority
/// of the servers in the full cluster for the same term ... (b) another server
/// establishes itself as leader, or (c) a period of time goes by with no
/// winner."
#[test]
fn test_leader_election_in_one_round_rpc_5_2() {
    // (size, votes granted by the others, votes refused, expected role)
    let cases: &[(u32, &[NodeId], &[NodeId], Role)] = &[
        (1, &[], &[], Role::Leader),
        (3, &[2, 3], &[], Role::Leader),
        (3, &[2], &[], Role::Leader),
        (5, &[2, 3, 4, 5], &[], Role::Leader),
        (5, &[2, 3, 4], &[], Role::Leader),
        (5, &[2, 3], &[], Role::Leader),
        (3, &[], &[], Role::Candidate),
        (5, &[2], &[], Role::Candidate),
        (5, &[2], &[3, 4], Role::Candidate),
        (3, &[], &[2, 3], Role::Follower),
        (5, &[], &[2, 3, 4], Role::Follower),
    ];
    for &(size, yes, no, want) in cases {
        let mut n = node(1, size);
        n.campaign();
        for &p in yes {
            n.step(msg(MsgKind::VoteResp, p, 1, 1)).unwrap();
        }
        for &p in no {
            let mut m = msg(MsgKind::VoteResp, p, 1, 1);
            m.reject = true;
            n.step(m).unwrap();
        }
        assert_eq!(n.role(), want, "size {size} yes {yes:?} no {no:?}");
        assert_eq!(n.term(), 1);
    }
}

/// §5.2 "Each server will vote for at most one candidate in a given term, on a
/// first-come-first-served basis."
#[test]
fn test_follower_vote_5_2() {
    // (already voted for, candidate, rejected?)
    let cases = [
        (NONE, 2, false),
        (NONE, 3, false),
        (2, 2, false),
        (3, 3, false),
        (2, 3, true),
        (3, 2, true),
    ];
    for (voted, cand, reject) in cases {
        let mut s = MemStorage::new();
        s.set_hard_state(HardState {
            term: 1,
            vote: voted,
            commit: 0,
        });
        let mut n = node_with(1, ids(3), &s);
        n.step(msg(MsgKind::Vote, cand, 1, 1)).unwrap();
        let out = msgs(&mut n);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, MsgKind::VoteResp);
        assert_eq!(out[0].reject, reject, "voted {voted} candidate {cand}");
        if !reject {
            assert_eq!(n.vote(), cand);
        }
    }
}

/// §5.2 "While waiting for votes, a candidate may receive an AppendEntries RPC
/// from another server claiming to be leader. If the leader's term ... is at
/// least as large as the candidate's current term, then the candidate
/// recognizes the leader as legitimate and returns to follower state."
#[test]
fn test_candidate_fallback_5_2() {
    for term in [1, 2] {
        let mut n = node(1, 3);
        n.campaign();
        assert_eq!(n.role(), Role::Candidate);
        n.step(msg(MsgKind::Append, 2, 1, term)).unwrap();
        assert_eq!(n.role(), Role::Follower);
        assert_eq!((n.term(), n.leader()), (term, 2));
    }
}

fn timeouts_observed(role: Role) -> Vec<u32> {
    let mut seen = Vec::new();
    let mut n = node(1, 3);
    for round in 0..400u64 {
        if role == Role::Candidate {
            // Each campaign redraws the timeout.
            n.campaign();
        } else {
            n.step(msg(MsgKind::Heartbeat, 2, 1, round + 1)).unwrap();
        }
        msgs(&mut n);
        let term = n.term();
        let mut t = 0;
        while n.term() == term {
            n.tick();
            t += 1;
        }
        seen.push(t);
    }
    seen
}

/// §5.2 "Raft uses randomized election timeouts ... election timeouts are
/// chosen randomly from a fixed interval" — here [et, 2et).
#[test]
fn test_follower_election_timeout_randomized_5_2() {
    let seen = timeouts_observed(Role::Follower);
    for t in ET..2 * ET {
        assert!(seen.contains(&t), "timeout {t} never drawn");
    }
    assert!(seen.iter().all(|&t| (ET..2 * ET).contains(&t)));
}

#[test]
fn test_candidate_election_timeout_randomized_5_2() {
    let seen = timeouts_observed(Role::Candidate);
    for t in ET..2 * ET {
        assert!(seen.contains(&t), "timeout {t} never drawn");
    }
    assert!(seen.iter().all(|&t| (ET..2 * ET).contains(&t)));
}

/// §5.2 "... spread out the servers so that in most cases only a single
/// server will time out": with randomized timeouts, several followers rarely
/// time out on the same tick.
#[test]
fn test_follower_election_timeout_nonconflict_5_2() {
    let mut conflicts = 0;
    for round in 0..200u64 {
        let mut nodes: Vec<RaftNode> = (1..=5)
            .map(|id| {
                let mut c = Config::new(id, ids(5));
                c.election_tick = ET;
                RaftNode::new(
                    c,
                    &MemStorage::new(),
                    Pcg32::seed_from_u64(round * 31 + u64::from(id)),
                )
                .unwrap()
            })
            .collect();
        let mut first = 0;
        while first == 0 {
            for n in &mut nodes {
                n.tick();
            }
            first = nodes.iter().filter(|n| n.role() == Role::Candidate).count();
        }
        if first > 1 {
            conflicts += 1;
        }
    }
    assert!(
        conflicts < 200 * 3 / 10,
        "{conflicts} of 200 rounds conflicted"
    );
}

/// §5.2/§5.4.1 "RequestVote RPC: term, candidateId, lastLogIndex, lastLogTerm."
#[test]
fn test_vote_request_5_2() {
    let store = store_with(&[1, 2, 2], 2);
    let mut n = node_with(1, ids(3), &store);
    for _ in 0..2 * ET {
        n.tick();
    }
    let out = msgs(&mut n);
    assert_eq!(out.len(), 2);
    for m in out {
        assert_eq!(m.kind, MsgKind::Vote);
        assert_eq!((m.from, m.term, m.index, m.log_term), (1, 3, 3, 2));
    }
}

/// §5.4.1 "Raft determines which of two logs is more up-to-date by comparing
/// the index and term of the last entries in the logs ... the voter denies its
/// vote if its own log is more up-to-date than that of the candidate."
#[test]
fn test_voter_5_4_1() {
    // voter log terms, candidate (last index, last term), rejected?
    let cases: &[(&[u64], u64, u64, bool)] = &[
        (&[1], 1, 1, false),
        (&[1], 2, 1, false),
        (&[1, 1], 1, 1, true),
        (&[1], 1, 2, false),
        (&[1], 2, 2, false),
        (&[1, 1], 1, 2, false),
        (&[2], 1, 1, true),
        (&[2], 2, 1, true),
        (&[1, 2], 1, 1, true),
    ];
    for &(log, index, log_term, reject) in cases {
        let store = store_with(log, 1);
        let mut n = node_with(1, ids(3), &store);
        let mut m = msg(MsgKind::Vote, 2, 1, 3);
        m.index = index;
        m.log_term = log_term;
        n.step(m).unwrap();
        let out = msgs(&mut n);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].reject, reject,
            "log {log:?} cand ({index},{log_term})"
        );
    }
}

// ----- §5.3 -----------------------------------------------------------------

/// §5.3 "The leader appends the command to its log as a new entry, then issues
/// AppendEntries RPCs in parallel to each of the other servers to replicate
/// the entry."
#[test]
fn test_leader_start_replication_5_3() {
    let mut n = node(1, 3);
    become_leader(&mut n);
    // Followers accept the no-op, so they are in sync.
    for p in [2, 3] {
        let mut r = msg(MsgKind::AppendResp, p, 1, 1);
        r.index = 1;
        n.step(r).unwrap();
    }
    msgs(&mut n);
    let li = n.last_index();
    assert_eq!(n.propose(&b"some data"[..]), Ok(li + 1));
    let rd = n.ready();
    assert_eq!(rd.entries, vec![Entry::new(1, li + 1, &b"some data"[..])]);
    let mut out = rd.messages;
    n.advance();
    out.sort_by_key(|m| m.to);
    assert_eq!(out.len(), 2);
    for m in out {
        assert_eq!(
            (m.kind, m.index, m.log_term, m.commit),
            (MsgKind::Append, li, 1, li)
        );
        assert_eq!(m.entries, vec![Entry::new(1, li + 1, &b"some data"[..])]);
    }
}

/// §5.3 "When the entry has been safely replicated, the leader applies the
/// entry to its state machine and returns the result ... The leader keeps
/// track of the highest index it knows to be committed, and it includes that
/// index in future AppendEntries RPCs."
#[test]
fn test_leader_commit_entry_5_3() {
    let mut net = Net::new((1..=3).map(|id| node(id, 3)).collect());
    net.nodes[0].campaign();
    net.settle();
    let li = net.nodes[0].last_index();
    net.nodes[0].propose(&b"some data"[..]).unwrap();
    // Deliver by hand to see the commit index travel.
    let out = msgs(&mut net.nodes[0]);
    for m in out {
        let i = net.idx(m.to);
        net.nodes[i].step(m).unwrap();
        let resp = msgs(&mut net.nodes[i]);
        for r in resp {
            net.nodes[0].step(r).unwrap();
        }
    }
    assert_eq!(net.nodes[0].commit(), li + 1);
    let rd = net.nodes[0].ready();
    assert_eq!(
        rd.committed_entries.last().unwrap().data.as_ref(),
        b"some data"
    );
    for m in rd.messages.iter().filter(|m| m.kind == MsgKind::Append) {
        assert_eq!(m.commit, li + 1);
    }
    net.nodes[0].advance();
}

/// §5.3 "A log entry is committed once the leader that created the entry has
/// replicated it on a majority of the servers."
#[test]
fn test_leader_acknowledge_commit_5_3() {
    // (cluster size, followers that acknowledge, committed?)
    let cases: &[(u32, &[NodeId], bool)] = &[
        (1, &[], true),
        (3, &[], false),
        (3, &[2], true),
        (3, &[2, 3], true),
        (5, &[], false),
        (5, &[2], false),
        (5, &[2, 3], true),
        (5, &[2, 3, 4], true),
    ];
    for &(size, acks, want) in cases {
        let mut n = node(1, size);
        n.campaign();
        for p in 2..=size {
            n.step(msg(MsgKind::VoteResp, p, 1, 1)).unwrap();
        }
        msgs(&mut n);
        let li = n.propose(&b"x"[..]).unwrap();
        msgs(&mut n);
        for &p in acks {
            let mut r = msg(MsgKind::AppendResp, p, 1, 1);
            r.index = li;
            n.step(r).unwrap();
        }
        assert_eq!(n.commit() == li, want, "size {size} acks {acks:?}");
    }
}

/// §5.3 "This also commits all preceding entries in the leader's log,
/// including entries created by previous leaders."
#[test]
fn test_leader_commit_preceding_entries_5_3() {
    for log in [vec![], vec![2], vec![1, 1], vec![1, 2]] {
        let mut net = Net::new(vec![
            node_with(1, ids(3), &store_with(&log, 2)),
            node_with(2, ids(3), &store_with(&log, 2)),
            node_with(3, ids(3), &store_with(&log, 2)),
        ]);
        net.stores = vec![
            store_with(&log, 2),
            store_with(&log, 2),
            store_with(&log, 2),
        ];
        net.nodes[0].campaign();
        net.settle();
        assert_eq!(net.nodes[0].role(), Role::Leader);
        let li = net.nodes[0].propose(&b"x"[..]).unwrap();
        net.settle();
        assert_eq!(net.nodes[0].commit(), li);
        assert_eq!(li, log.len() as u64 + 2, "old entries, no-op, proposal");
        let applied: Vec<u64> = net.stores[0].all_entries().iter().map(|e| e.term).collect();
        let mut want = log.clone();
        want.extend([3, 3]);
        assert_eq!(applied, want);
    }
}

/// §5.3 "Once a follower learns that a log entry is committed, it applies the
/// entry to its local state machine (in log order)."
#[test]
fn test_follower_commit_entry_5_3() {
    for (n_ents, commit) in [(1u64, 1u64), (2, 2), (2, 1), (3, 2)] {
        let mut f = node(1, 3);
        f.become_follower_for_test();
        let mut m = msg(MsgKind::Append, 2, 1, 1);
        m.entries = (1..=n_ents)
            .map(|i| Entry::new(1, i, format!("d{i}").into_bytes()))
            .collect();
        m.commit = commit;
        f.step(m).unwrap();
        assert_eq!(f.commit(), commit);
        let rd = f.ready();
        let idx: Vec<u64> = rd.committed_entries.iter().map(|e| e.index).collect();
        assert_eq!(idx, (1..=commit).collect::<Vec<_>>());
        f.advance();
    }
}

/// §5.3 "When sending an AppendEntries RPC, the leader includes the index and
/// term of the entry in its log that immediately precedes the new entries. If
/// the follower does not find an entry in its log with the same index and
/// term, then it refuses the new entries."
#[test]
fn test_follower_check_append_5_3() {
    // follower log [1, 2]; (prev term, prev index, rejected?, hint)
    let cases = [
        (0, 0, false, 0),
        (1, 1, false, 0),
        (2, 2, false, 0),
        (1, 2, true, 1), // term mismatch at 2: hint the last index of term <= 1
        (3, 3, true, 2), // beyond the log: hint the last index
    ];
    for (log_term, index, reject, hint) in cases {
        let store = store_with(&[1, 2], 1);
        let mut f = node_with(1, ids(3), &store);
        let mut m = msg(MsgKind::Append, 2, 1, 2);
        m.index = index;
        m.log_term = log_term;
        f.step(m).unwrap();
        let out = msgs(&mut f);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].reject, reject, "prev ({index},{log_term})");
        if reject {
            assert_eq!((out[0].index, out[0].reject_hint), (index, hint));
        } else {
            assert_eq!(out[0].index, index);
        }
    }
}

/// §5.3 "If an existing entry conflicts with a new one (same index but
/// different terms), delete the existing entry and all that follow it; append
/// any new entries not already in the log."
#[test]
fn test_follower_append_entries_5_3() {
    // (prev index, prev term, new entries (index, term), resulting log terms,
    //  entries handed to storage)
    type Case = (
        u64,
        u64,
        &'static [(u64, u64)],
        &'static [u64],
        &'static [u64],
    );
    let cases: &[Case] = &[
        (2, 2, &[(3, 3)], &[1, 2, 3], &[3]),
        (1, 1, &[(2, 3), (3, 4)], &[1, 3, 4], &[3, 4]),
        (0, 0, &[(1, 1)], &[1, 2], &[]),
        (0, 0, &[(1, 3)], &[3], &[3]),
    ];
    for &(index, log_term, ents, want, unstable) in cases {
        let store = store_with(&[1, 2], 1);
        let mut f = node_with(1, ids(3), &store);
        let mut m = msg(MsgKind::Append, 2, 1, 2);
        m.index = index;
        m.log_term = log_term;
        m.entries = ents
            .iter()
            .map(|&(i, t)| Entry::new(t, i, Vec::new()))
            .collect();
        f.step(m).unwrap();
        let terms: Vec<u64> = f.entries().iter().map(|e| e.term).collect();
        assert_eq!(terms, want);
        let rd = f.ready();
        let got: Vec<u64> = rd.entries.iter().map(|e| e.term).collect();
        assert_eq!(got, unstable);
    }
}

/// §5.3 Figure 7: whatever the followers' logs, the leader brings each into
/// agreement with its own, erasing extraneous entries and filling in missing
/// ones.
#[test]
fn test_leader_sync_follower_log_5_3() {
    let leader: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: [&[u64]; 6] = [
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for f in followers {
        let mut ls = store_with(leader, 8);
        ls.set_hard_state(HardState {
            term: 8,
            vote: NONE,
            commit: 0,
        });
        let fs = store_with(f, 7);
        // Node 3 votes for the leader but is then cut off.
        let mut net = Net::new(vec![
            node_with(1, ids(3), &ls),
            node_with(2, ids(3), &fs),
            node_with(3, ids(3), &MemStorage::new()),
        ]);
        net.stores = vec![ls.clone(), fs.clone(), MemStorage::new()];
        net.nodes[0].campaign();
        let term = net.nodes[0].term();
        msgs(&mut net.nodes[0]);
        net.nodes[0]
            .step(msg(MsgKind::VoteResp, 3, 1, term))
            .unwrap();
        assert_eq!(net.nodes[0].role(), Role::Leader);
        net.down = vec![3];
        net.nodes[0].propose(Vec::new()).unwrap();
        net.settle();
        assert_eq!(net.log_terms(1), net.log_terms(2), "follower {f:?}");
        let mut want = leader.to_vec();
        want.extend([9, 9]);
        assert_eq!(net.log_terms(2), want);
    }
}

// ----- §5.4 -----------------------------------------------------------------

/// §5.4.2 "Raft never commits log entries from previous terms by counting
/// replicas. Only log entries from the leader's current term are committed
/// by counting replicas."
#[test]
fn test_leader_only_commits_log_from_current_term_5_4_2() {
    // An acknowledgement up to `index` commits only once it covers the no-op
    // of term 3 at index 3.
    for (index, want_commit) in [(1, 0), (2, 0), (3, 3)] {
        let mut n = node_with(1, ids(3), &store_with(&[1, 2], 2));
        n.campaign();
        n.step(msg(MsgKind::VoteResp, 2, 1, 3)).unwrap();
        assert_eq!(n.role(), Role::Leader);
        msgs(&mut n);
        let mut r = msg(MsgKind::AppendResp, 2, 1, 3);
        r.index = index;
        n.step(r).unwrap();
        assert_eq!(n.commit(), want_commit, "ack up to {index}");
    }
}

/// §5.3 fast backtracking: a follower with many conflicting entries is
/// brought back in a couple of round trips, not one per entry.
#[test]
fn test_conflict_hint_skips_whole_terms_5_3() {
    let mut bad = vec![1];
    bad.extend(std::iter::repeat_n(2, 50));
    let mut good = vec![1];
    good.extend(std::iter::repeat_n(3, 60));
    let ls = store_with(&good, 3);
    let fs = store_with(&bad, 2);
    let mut net = Net::new(vec![
        node_with(1, ids(3), &ls),
        node_with(2, ids(3), &fs),
        node_with(3, ids(3), &MemStorage::new()),
    ]);
    net.stores = vec![ls, fs, MemStorage::new()];
    net.nodes[0].campaign();
    msgs(&mut net.nodes[0]);
    net.nodes[0].step(msg(MsgKind::VoteResp, 3, 1, 4)).unwrap();
    net.down = vec![3];
    let mut round_trips = 0;
    loop {
        let out: Vec<Message> = msgs(&mut net.nodes[0])
            .into_iter()
            .filter(|m| m.to == 2)
            .collect();
        if out.is_empty() {
            break;
        }
        for m in out {
            net.nodes[1].step(m).unwrap();
        }
        let back = msgs(&mut net.nodes[1]);
        round_trips += 1;
        for r in back {
            net.nodes[0].step(r).unwrap();
        }
        assert!(round_trips < 10);
    }
    assert_eq!(net.log_terms(1), net.log_terms(2));
    assert!(round_trips <= 3, "took {round_trips} round trips");
}

#[test]
fn test_propose_and_step_errors() {
    let mut n = node(1, 3);
    assert_eq!(
        n.propose(&b"x"[..]),
        Err(RaftError::NotLeader { leader: NONE })
    );
    assert_eq!(
        n.step(msg(MsgKind::Append, 2, 9, 1)),
        Err(RaftError::WrongRecipient { to: 9 })
    );
    // Answers count only from members; requests from outside the
    // configuration are served (a leader added by an entry not yet here).
    assert_eq!(
        n.step(msg(MsgKind::AppendResp, 7, 1, 1)),
        Err(RaftError::UnknownPeer { from: 7 })
    );
    n.step(msg(MsgKind::Heartbeat, 2, 1, 1)).unwrap();
    assert_eq!(
        n.propose(&b"x"[..]),
        Err(RaftError::NotLeader { leader: 2 })
    );
}

/// A restarted node keeps its term, vote and log, and rejoins as a follower.
#[test]
fn test_restart_from_persisted_state() {
    let mut net = Net::new((1..=3).map(|id| node(id, 3)).collect());
    net.nodes[0].campaign();
    net.settle();
    for i in 0..5u8 {
        net.nodes[0].propose(vec![i]).unwrap();
        net.settle();
    }
    let before = net.nodes[1].hard_state();
    let restarted = node_with(2, ids(3), &net.stores[1]);
    assert_eq!(restarted.hard_state(), before);
    assert_eq!(restarted.role(), Role::Follower);
    assert_eq!(restarted.entries(), net.nodes[1].entries());
    net.nodes[1] = restarted;
    net.nodes[0].propose(vec![9]).unwrap();
    net.settle();
    net.nodes[0].tick();
    net.settle();
    assert_eq!(net.nodes[1].commit(), net.nodes[0].commit());
}

trait TestExt {
    fn become_follower_for_test(&mut self);
}

impl TestExt for RaftNode {
    fn become_follower_for_test(&mut self) {
        self.step(msg(MsgKind::Heartbeat, 2, self.id(), 1)).unwrap();
        msgs(self);
    }
}
