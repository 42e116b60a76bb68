//! Three or four `RaftNode`s driven by an arbitrary schedule: which message
//! arrives next (so any loss, duplication and reordering), ticks, proposals,
//! elections, crashes and restarts from what each persisted, linearizable
//! reads, leadership transfers, log compaction, membership changes (a fourth
//! node starts outside the configuration), and bytes forged by the fuzzer;
//! pre-vote and check-quorum on or off. Checked after every step:
//!
//! - every node: commit never passes its last index, its snapshot never
//!   passes its commit, term and commit never go back (across restarts too),
//!   a Ready's committed entries lie within the commit index;
//! - while every message is genuine: Election Safety (one leader per term),
//!   Leader Append-Only (a leader's log only grows within its term), Log
//!   Matching (two logs that hold an entry of the same index and term agree
//!   on every entry up to it), Leader Completeness (a new leader holds every
//!   committed entry), State Machine Safety (committed entries, and the
//!   snapshots that stand for them, never differ between nodes or change),
//!   and read safety (a read's index is at least every commit index seen
//!   before the read was asked). A forged message may lie (a vote never
//!   cast), so these are not expected after one arrives.
#![no_main]
use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quorumkit::raft::codec::decode_message;
use quorumkit::raft::{
    ConfChange, ConfChangeKind, Config, Entry, MemStorage, Message, RaftNode, Role, Storage,
};
use rand_core::SeedableRng;

#[derive(Debug, Arbitrary)]
enum Op {
    Tick(u8),
    Deliver(u8),
    Duplicate(u8),
    Drop(u8),
    Propose(u8, u8),
    Campaign(u8),
    Crash(u8),
    Restart(u8),
    Read(u8),
    Transfer(u8, u8),
    Compact(u8),
    Change(u8, u8, u8),
    Forge(u8, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Schedule {
    pre_vote: bool,
    check_quorum: bool,
    /// A fourth node, outside the configuration until added.
    outsider: bool,
    ops: Vec<Op>,
}

struct Node {
    raw: Option<RaftNode>,
    disk: MemStorage,
    term: u64,
    commit: u64,
    /// (term, last index, term of the last entry) when last seen leading.
    led: Option<(u64, u64, u64)>,
}

struct World {
    nodes: Vec<Node>,
    wire: Vec<Message>,
    pre_vote: bool,
    check_quorum: bool,
    forged: bool,
    leaders: BTreeMap<u64, u32>,
    /// Committed entries, each with the highest term any node had reached
    /// when it was first applied (at least the term that committed it).
    committed: BTreeMap<u64, (Entry, u64)>,
    /// The highest commit index any node has reported.
    max_commit: u64,
    /// The highest term any node has reached.
    max_term: u64,
    /// Read context → the highest commit index seen when it was asked.
    reads: BTreeMap<u64, u64>,
    boots: u64,
}

impl World {
    fn start(&mut self, i: usize) {
        self.boots += 1;
        let id = i as u32 + 1;
        let mut cfg = Config::new(id, vec![1, 2, 3]);
        cfg.pre_vote = self.pre_vote;
        cfg.check_quorum = self.check_quorum;
        // The state machine restarts from the snapshot, if any.
        cfg.applied = self.nodes[i].disk.first_index() - 1;
        let rng = rand_pcg::Pcg32::seed_from_u64(self.boots);
        let raw = RaftNode::new(cfg, &self.nodes[i].disk, rng).expect("restart from own storage");
        self.nodes[i].raw = Some(raw);
        self.nodes[i].led = None;
    }

    /// Hands out node `i`'s Ready: persists, queues messages, checks.
    fn ready(&mut self, i: usize) {
        let World {
            nodes,
            wire,
            forged,
            committed,
            reads,
            max_term,
            ..
        } = self;
        let n = &mut nodes[i];
        let Some(raw) = n.raw.as_mut() else { return };
        if !raw.has_ready() {
            return;
        }
        let commit = raw.commit();
        *max_term = (*max_term).max(raw.term());
        let rd = raw.ready();
        if let Some(s) = &rd.snapshot {
            if !*forged {
                if let Some((e, _)) = committed.get(&s.index) {
                    assert_eq!(e.term, s.term, "a snapshot stands for other entries");
                }
            }
            n.disk.apply_snapshot(s).expect("snapshot persists");
        }
        n.disk.append(rd.entries).expect("entries persist");
        if let Some(hs) = rd.hard_state {
            n.disk.set_hard_state(hs);
        }
        for e in rd.committed_entries {
            assert!(e.index <= commit, "applied past commit");
            if !*forged {
                match committed.get(&e.index) {
                    Some((c, _)) => assert_eq!(c, e, "State Machine Safety"),
                    None => {
                        committed.insert(e.index, (e.clone(), *max_term));
                    }
                }
            }
        }
        if !*forged {
            for r in &rd.read_states {
                let before = reads
                    .get(&r.ctx)
                    .expect("a read state answers a read asked");
                assert!(
                    r.index >= *before,
                    "read index {} below commit {before} seen before the read",
                    r.index
                );
            }
        }
        wire.extend(rd.messages.iter().cloned());
        raw.advance();
    }

    fn check(&mut self, i: usize) {
        let n = &mut self.nodes[i];
        let Some(raw) = n.raw.as_ref() else { return };
        assert!(raw.commit() <= raw.last_index(), "commit past the log");
        assert!(raw.snapshot_index() <= raw.commit(), "snapshot past commit");
        assert!(raw.term() >= n.term, "term went back");
        assert!(raw.commit() >= n.commit, "commit went back");
        n.term = raw.term();
        n.commit = raw.commit();
        self.max_commit = self.max_commit.max(raw.commit());
        self.max_term = self.max_term.max(raw.term());
        if self.forged {
            return;
        }
        if raw.role() != Role::Leader {
            n.led = None;
            return;
        }
        let prev = self.leaders.insert(raw.term(), raw.id());
        assert!(prev.is_none_or(|p| p == raw.id()), "Election Safety");
        let last = raw.last_index();
        let last_term = raw.log_term(last).expect("the last entry's term");
        match n.led {
            Some((term, idx, t)) if term == raw.term() => {
                assert!(last >= idx, "Leader Append-Only: the log shrank");
                if idx > raw.snapshot_index() {
                    assert_eq!(raw.log_term(idx), Some(t), "Leader Append-Only");
                }
            }
            _ => {
                // A new leader holds every entry committed in an earlier term.
                let committed = self.committed.range(raw.snapshot_index() + 1..);
                for (&k, (e, _)) in committed.filter(|(_, (_, t))| *t < raw.term()) {
                    assert_eq!(
                        raw.log_term(k),
                        Some(e.term),
                        "Leader Completeness: entry {k}"
                    );
                }
            }
        }
        n.led = Some((raw.term(), last, last_term));
    }

    /// Log Matching between node `i` and every other live node.
    fn log_matching(&self, i: usize) {
        let Some(a) = self.nodes[i].raw.as_ref() else {
            return;
        };
        for (j, other) in self.nodes.iter().enumerate() {
            let Some(b) = other.raw.as_ref().filter(|_| j != i) else {
                continue;
            };
            let lo = a.snapshot_index().max(b.snapshot_index()) + 1;
            let hi = a.last_index().min(b.last_index());
            // The highest index both hold with the same term, then every
            // entry from `lo` up to it must be the same.
            let Some(top) = (lo..=hi).rev().find(|&k| a.log_term(k) == b.log_term(k)) else {
                continue;
            };
            let ea = &a.entries()[(lo - a.snapshot_index() - 1) as usize..];
            let eb = &b.entries()[(lo - b.snapshot_index() - 1) as usize..];
            let len = (top - lo + 1) as usize;
            assert_eq!(ea[..len], eb[..len], "Log Matching up to {top}");
        }
    }
}

fuzz_target!(|s: Schedule| {
    let count = if s.outsider { 4 } else { 3 };
    let mut w = World {
        nodes: (0..count)
            .map(|_| Node {
                raw: None,
                disk: MemStorage::new(),
                term: 0,
                commit: 0,
                led: None,
            })
            .collect(),
        wire: Vec::new(),
        pre_vote: s.pre_vote,
        check_quorum: s.check_quorum,
        forged: false,
        leaders: BTreeMap::new(),
        committed: BTreeMap::new(),
        max_commit: 0,
        max_term: 0,
        reads: BTreeMap::new(),
        boots: 0,
    };
    for i in 0..count {
        w.start(i);
    }
    for op in s.ops.into_iter().take(2_000) {
        let node = |k: u8| usize::from(k) % count;
        let id = |k: u8| node(k) as u32 + 1;
        let mut touched = None;
        match op {
            Op::Tick(k) => {
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    r.tick();
                }
                touched = Some(node(k));
            }
            Op::Deliver(k) | Op::Duplicate(k) | Op::Drop(k) if !w.wire.is_empty() => {
                let at = usize::from(k) % w.wire.len();
                let m = match op {
                    Op::Duplicate(_) => w.wire[at].clone(),
                    _ => w.wire.swap_remove(at),
                };
                // A node answers a forged sender too: such replies go nowhere.
                let to = (m.to as usize).wrapping_sub(1);
                if !matches!(op, Op::Drop(_)) && to < count {
                    if let Some(r) = w.nodes[to].raw.as_mut() {
                        let _ = r.step(m);
                    }
                    touched = Some(to);
                }
            }
            Op::Propose(k, b) => {
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    let _ = r.propose(vec![b]);
                }
                touched = Some(node(k));
            }
            Op::Campaign(k) => {
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    r.campaign();
                }
                touched = Some(node(k));
            }
            Op::Crash(k) => w.nodes[node(k)].raw = None,
            Op::Restart(k) if w.nodes[node(k)].raw.is_none() => {
                w.start(node(k));
                touched = Some(node(k));
            }
            Op::Read(k) => {
                let ctx = w.reads.len() as u64 + 1;
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    if r.read_index(ctx).is_ok() {
                        w.reads.insert(ctx, w.max_commit);
                    }
                }
                touched = Some(node(k));
            }
            Op::Transfer(k, t) => {
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    let _ = r.transfer_leader(id(t));
                }
                touched = Some(node(k));
            }
            Op::Compact(k) => {
                let n = &mut w.nodes[node(k)];
                if let Some(r) = n.raw.as_mut() {
                    let at = r.applied();
                    if let Ok(snap) = r.compact(at, at.to_le_bytes().to_vec()) {
                        n.disk.apply_snapshot(&snap).expect("snapshot persists");
                    }
                }
                touched = Some(node(k));
            }
            Op::Change(k, kind, t) => {
                let kind = match kind % 3 {
                    0 => ConfChangeKind::AddLearner,
                    1 => ConfChangeKind::AddVoter,
                    _ => ConfChangeKind::Remove,
                };
                if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                    let _ = r.propose_conf_change(ConfChange { kind, node: id(t) });
                }
                touched = Some(node(k));
            }
            Op::Forge(k, bytes) => {
                if let Ok(mut m) = decode_message(&bytes) {
                    m.to = id(k);
                    if let Some(r) = w.nodes[node(k)].raw.as_mut() {
                        if r.step(m).is_ok() {
                            w.forged = true;
                        }
                    }
                    touched = Some(node(k));
                }
            }
            _ => {}
        }
        if let Some(i) = touched {
            w.ready(i);
            w.check(i);
            if !w.forged {
                w.log_matching(i);
            }
        }
        // Keep the wire bounded: the oldest messages are lost first.
        if w.wire.len() > 256 {
            w.wire.drain(..128);
        }
    }
});
