//! Helpers shared by the Raft integration tests (`mod common;` in each):
//! nodes and messages by hand, simulated clusters, and the scenario-file
//! runner ([`scenario`]) with its message-level driver ([`interaction`]).
//! Each test file uses some of them.
#![allow(dead_code)]

pub mod interaction;
pub mod scenario;

use proptest::test_runner::{Config as PtConfig, RngSeed};
use quorumkit::raft::sim::{Cluster, SimConfig};
use quorumkit::raft::{
    ConfChange, ConfChangeKind, Config, Entry, EntryKind, MemStorage, Message, MsgKind, NodeId,
    RaftNode,
};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

/// Node `id` of a fresh cluster of voters `1..=n`, its RNG seeded with its
/// id.
pub fn node(id: NodeId, n: u32) -> RaftNode {
    node_cfg(id, n, |_| {})
}

/// [`node`], with `f` adjusting the configuration first.
pub fn node_cfg(id: NodeId, n: u32, f: impl FnOnce(&mut Config)) -> RaftNode {
    let mut c = Config::new(id, (1..=n).collect());
    f(&mut c);
    RaftNode::new(c, &MemStorage::new(), Pcg32::seed_from_u64(u64::from(id))).unwrap()
}

/// Handles a Ready (nothing to persist in these tests) and returns its
/// messages.
pub fn msgs(n: &mut RaftNode) -> Vec<Message> {
    let out = n.ready().messages;
    n.advance();
    out
}

/// A message with only its kind, ends and term set.
pub fn msg(kind: MsgKind, from: NodeId, to: NodeId, term: u64) -> Message {
    Message::new(kind, from, to, term)
}

/// A membership-change entry.
pub fn conf_entry(term: u64, index: u64, kind: ConfChangeKind, node: NodeId) -> Entry {
    let mut e = Entry::new(term, index, ConfChange { kind, node }.encode().to_vec());
    e.kind = EntryKind::ConfChange;
    e
}

/// A simulated cluster of `n` nodes, with `f` adjusting the configuration
/// first.
pub fn sim(n: usize, seed: u64, f: impl FnOnce(&mut SimConfig)) -> Cluster {
    let mut cfg = SimConfig::new(n, seed);
    f(&mut cfg);
    Cluster::new(cfg).unwrap()
}

/// Fails with the checker's report if the run broke an invariant.
pub fn assert_safe(c: &Cluster) {
    if let Some(v) = c.violations().first() {
        panic!("{v}");
    }
}

/// Runs the cluster until it has a leader (at most 3 s of virtual time),
/// checking safety on the way.
pub fn leader(c: &mut Cluster) -> NodeId {
    for _ in 0..60 {
        c.advance(50);
        assert_safe(c);
        if let Some(l) = c.leader() {
            return l;
        }
    }
    panic!("no leader");
}

/// A proptest configuration with a fixed seed and case count, so that a
/// run is a replay.
pub fn proptest_config(cases: u32, seed: u64) -> PtConfig {
    PtConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..PtConfig::default()
    }
}
