//! Nodes in one process with instant delivery: the throughput workload.
//!
//! [`Loopback`] is the workload the throughput figures are measured on, kept
//! in one place so that the native criterion bench, the WebAssembly bench
//! export and the comparison with other Raft libraries run exactly the same
//! loop: in-memory storage, every message stepped into its recipient as soon
//! as its sender's [`Ready`](super::Ready) is handled, node 1 the leader,
//! 16-byte payloads, and the count of entries the leader applies.

use crate::prelude::*;
use bytes::Bytes;
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

use super::{Config, MemStorage, Message, NodeId, RaftNode, Role};
use crate::ArgError;

/// The most nodes a loopback cluster may have.
pub const MAX_LOOPBACK_NODES: usize = 9;

/// A cluster whose messages are delivered instantly, in one thread.
///
/// # Examples
/// ```
/// use quorumkit::raft::loopback::Loopback;
/// let mut c = Loopback::new(3).unwrap();
/// assert_eq!(c.run(1_000, 64), 1_000);
/// assert_eq!(c.applied(), 1_000);
/// ```
#[derive(Debug, Clone)]
pub struct Loopback {
    nodes: Vec<RaftNode>,
    stores: Vec<MemStorage>,
    inbox: Vec<Message>,
    spare: Vec<Message>,
    applied: u64,
    proposed: u64,
}

impl Loopback {
    /// `nodes` fresh nodes; node 1 campaigns and, every message arriving at
    /// once, is leader when this returns. Up to 4,096 Appends may be in
    /// flight to a follower, so a round of proposals goes out in one message.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::loopback::Loopback;
    /// assert!(Loopback::new(0).is_err());
    /// assert_eq!(Loopback::new(5).unwrap().applied(), 0);
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`] (`nodes`) outside `1..=9`.
    pub fn new(nodes: usize) -> Result<Loopback, ArgError> {
        if nodes == 0 || nodes > MAX_LOOPBACK_NODES {
            return Err(ArgError::range("nodes", "an integer in 1..=9", nodes));
        }
        let peers: Vec<NodeId> = (1..=nodes as NodeId).collect();
        let stores = vec![MemStorage::new(); nodes];
        let mut nodes = Vec::with_capacity(nodes);
        for &id in &peers {
            let mut c = Config::new(id, peers.clone());
            c.max_inflight_msgs = 4096;
            let rng = Pcg32::seed_from_u64(id.into());
            // Fresh storage and a valid config: construction cannot fail.
            if let Ok(node) = RaftNode::new(c, &stores[id as usize - 1], rng) {
                nodes.push(node);
            }
        }
        let mut c = Loopback {
            nodes,
            stores,
            inbox: Vec::new(),
            spare: Vec::new(),
            applied: 0,
            proposed: 0,
        };
        if let Some(first) = c.nodes.first_mut() {
            first.campaign();
        }
        c.settle();
        c.applied = 0;
        Ok(c)
    }

    /// Whether node 1 leads (it always does once built).
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::raft::loopback::Loopback::new(3).unwrap().has_leader());
    /// ```
    pub fn has_leader(&self) -> bool {
        self.nodes.first().map(|n| n.role()) == Some(Role::Leader)
    }

    /// Entries the leader has applied since construction (its election's
    /// no-op excluded).
    ///
    /// # Examples
    /// ```
    /// let mut c = quorumkit::raft::loopback::Loopback::new(1).unwrap();
    /// c.round(3);
    /// assert_eq!(c.applied(), 3);
    /// ```
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// One round: the leader proposes `per_round` payloads of 16 bytes, then
    /// every node's `Ready` is handled (persist, send, apply, advance) until
    /// no message is left.
    ///
    /// # Examples
    /// ```
    /// let mut c = quorumkit::raft::loopback::Loopback::new(5).unwrap();
    /// c.round(64);
    /// assert_eq!(c.applied(), 64);
    /// ```
    pub fn round(&mut self, per_round: usize) {
        if let Some(leader) = self.nodes.first_mut() {
            for _ in 0..per_round {
                let mut data = [0u8; 16];
                data[..8].copy_from_slice(&self.proposed.to_le_bytes());
                self.proposed += 1;
                // Node 1 leads for the whole run, so a proposal is accepted.
                let _ = leader.propose(Bytes::copy_from_slice(&data));
            }
        }
        self.settle();
    }

    /// Runs rounds of `per_round` proposals (at least 1) until `proposals`
    /// have been made (the last round may be short) and returns the entries
    /// the leader applied meanwhile.
    ///
    /// # Examples
    /// ```
    /// let mut c = quorumkit::raft::loopback::Loopback::new(3).unwrap();
    /// assert_eq!(c.run(100, 1), 100);
    /// assert_eq!(c.run(100, 64), 100);
    /// ```
    pub fn run(&mut self, proposals: u64, per_round: usize) -> u64 {
        let per_round = per_round.max(1);
        let before = self.applied;
        let mut left = proposals;
        while left > 0 {
            let k = (per_round as u64).min(left);
            self.round(k as usize);
            left -= k;
        }
        self.applied - before
    }

    fn handle(&mut self, i: usize) {
        let n = &mut self.nodes[i];
        if !n.has_ready() {
            return;
        }
        let rd = n.ready();
        let s = &mut self.stores[i];
        // The node never hands out a gap, so appending cannot fail.
        let _ = s.append(rd.entries);
        if let Some(hs) = rd.hard_state {
            s.set_hard_state(hs);
        }
        let mut msgs = rd.messages;
        self.inbox.append(&mut msgs);
        if i == 0 {
            self.applied += rd.committed_entries.len() as u64;
        }
        core::hint::black_box(rd.committed_entries);
        n.advance();
        n.recycle_messages(msgs);
    }

    fn settle(&mut self) {
        loop {
            for i in 0..self.nodes.len() {
                self.handle(i);
            }
            if self.inbox.is_empty() {
                return;
            }
            // Swap buffers so both keep their capacity.
            core::mem::swap(&mut self.inbox, &mut self.spare);
            for m in self.spare.drain(..) {
                let to = m.to as usize - 1;
                // Every message is addressed to a node of the cluster.
                let _ = self.nodes[to].step(m);
            }
        }
    }
}
