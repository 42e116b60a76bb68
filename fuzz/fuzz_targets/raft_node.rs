//! Three `RawNode`s driven by an arbitrary schedule: which message arrives
//! next (so any loss, duplication and reordering), ticks, proposals,
//! elections, crashes and restarts from what each persisted, and bytes
//! forged by the fuzzer. Checked after every step:
//!
//! - every node: commit never passes its last index, term and commit never
//!   go back (across restarts too), a Ready's committed entries lie within
//!   the commit index;
//! - while every message is genuine: Election Safety (one leader per term)
//!   and State Machine Safety (committed entries never differ between nodes
//!   or change). A forged message may lie (a vote never cast), so those two
//!   are not expected after one arrives.
#![no_main]
use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quorumkit::raft::codec::decode_message;
use quorumkit::raft::{Config, Entry, MemStorage, Message, RawNode, Role};
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
    Forge(u8, Vec<u8>),
}

struct Node {
    raw: Option<RawNode>,
    disk: MemStorage,
    term: u64,
    commit: u64,
}

struct World {
    nodes: Vec<Node>,
    wire: Vec<Message>,
    forged: bool,
    leaders: BTreeMap<u64, u32>,
    committed: BTreeMap<u64, Entry>,
    boots: u64,
}

impl World {
    fn start(&mut self, i: usize) {
        self.boots += 1;
        let id = i as u32 + 1;
        let mut cfg = Config::new(id, vec![1, 2, 3]);
        cfg.applied = 0;
        let rng = rand_pcg::Pcg32::seed_from_u64(self.boots);
        let raw = RawNode::new(cfg, &self.nodes[i].disk, rng).expect("restart from own storage");
        self.nodes[i].raw = Some(raw);
    }

    /// Hands out node `i`'s Ready: persists, queues messages, checks.
    fn ready(&mut self, i: usize) {
        let World {
            nodes,
            wire,
            forged,
            committed,
            ..
        } = self;
        let n = &mut nodes[i];
        let Some(raw) = n.raw.as_mut() else { return };
        if !raw.has_ready() {
            return;
        }
        let commit = raw.commit();
        let rd = raw.ready();
        if let Some(s) = &rd.snapshot {
            n.disk.apply_snapshot(s).expect("snapshot persists");
        }
        n.disk.append(&rd.entries).expect("entries persist");
        if let Some(hs) = rd.hard_state {
            n.disk.set_hard_state(hs);
        }
        for e in rd.committed_entries {
            assert!(e.index <= commit, "applied past commit");
            if !*forged {
                match committed.get(&e.index) {
                    Some(c) => assert_eq!(c, e, "State Machine Safety"),
                    None => {
                        committed.insert(e.index, e.clone());
                    }
                }
            }
        }
        wire.extend(rd.messages.iter().cloned());
        raw.advance();
    }

    fn check(&mut self, i: usize) {
        let n = &mut self.nodes[i];
        let Some(raw) = n.raw.as_ref() else { return };
        assert!(raw.commit() <= raw.last_index(), "commit past the log");
        assert!(raw.term() >= n.term, "term went back");
        assert!(raw.commit() >= n.commit, "commit went back");
        n.term = raw.term();
        n.commit = raw.commit();
        if raw.role() == Role::Leader && !self.forged {
            let prev = self.leaders.insert(raw.term(), raw.id());
            assert!(prev.is_none_or(|p| p == raw.id()), "Election Safety");
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut w = World {
        nodes: (0..3)
            .map(|_| Node {
                raw: None,
                disk: MemStorage::new(),
                term: 0,
                commit: 0,
            })
            .collect(),
        wire: Vec::new(),
        forged: false,
        leaders: BTreeMap::new(),
        committed: BTreeMap::new(),
        boots: 0,
    };
    for i in 0..3 {
        w.start(i);
    }
    for op in ops.into_iter().take(2_000) {
        let node = |k: u8| usize::from(k) % 3;
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
                if !matches!(op, Op::Drop(_)) && to < 3 {
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
            Op::Forge(k, bytes) => {
                if let Ok(mut m) = decode_message(&bytes) {
                    m.to = node(k) as u32 + 1;
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
        }
        // Keep the wire bounded: the oldest messages are lost first.
        if w.wire.len() > 256 {
            w.wire.drain(..128);
        }
    }
});
