//! What a leader knows about each follower's log (§5.3's `nextIndex` and
//! `matchIndex`), plus flow control.

use alloc::collections::VecDeque;

use super::types::NodeId;

/// How a leader is sending to a follower (etcd's `StateProbe`,
/// `StateReplicate`, `StateSnapshot`).
///
/// # Examples
/// ```
/// use quorumkit::raft::{Config, MemStorage, ProgressState, RaftNode};
/// use rand_core::SeedableRng;
/// let mut n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(),
///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
/// n.campaign();
/// // Node 2 has not answered yet: its match point is unknown.
/// # n.step(quorumkit::raft::Message::new(quorumkit::raft::MsgKind::VoteResp, 2, 1, 1)).unwrap();
/// assert_eq!(n.progress(2).unwrap().state, ProgressState::Probe);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgressState {
    /// The match point is unknown: send one Append per heartbeat interval
    /// (or per response) until one is accepted.
    Probe,
    /// The follower is in sync: stream entries optimistically, up to
    /// `max_inflight` unacknowledged messages.
    Replicate,
    /// A snapshot was sent: wait for its acknowledgement.
    Snapshot,
}

/// What a leader knows of one member's log ([`RaftNode::progress`]): §5.3's
/// `matchIndex` and `nextIndex`, and how it is sending.
///
/// [`RaftNode::progress`]: super::RaftNode::progress
///
/// # Examples
/// ```
/// use quorumkit::raft::{Config, MemStorage, RaftNode};
/// use rand_core::SeedableRng;
/// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(),
///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
/// n.campaign();
/// let p = n.progress(1).unwrap();
/// assert_eq!((p.matched, p.next, p.voter), (1, 2, true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerProgress {
    /// The member.
    pub id: NodeId,
    /// The highest index known to be replicated on it.
    pub matched: u64,
    /// The index the leader sends from next.
    pub next: u64,
    /// How the leader is sending to it.
    pub state: ProgressState,
    /// Whether it votes (else it is a learner).
    pub voter: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Progress {
    pub(crate) id: NodeId,
    pub(crate) matched: u64,
    pub(crate) next: u64,
    pub(crate) state: ProgressState,
    /// In `Probe`: an Append is outstanding.
    pub(crate) probe_sent: bool,
    /// In `Replicate`: the last index of each unacknowledged Append.
    pub(crate) inflight: VecDeque<u64>,
    /// Granted (`Some(true)`), refused (`Some(false)`) or no answer, for the
    /// current election.
    pub(crate) vote: Option<bool>,
    /// The leader heard from it during the current election timeout
    /// (check-quorum).
    pub(crate) recent_active: bool,
    /// In `Snapshot`: the index of the snapshot sent.
    pub(crate) pending_snapshot: u64,
    /// Whether it votes in the current configuration (this node's own
    /// entry is kept even when it is not a member, with `voter` false).
    pub(crate) voter: bool,
    /// The highest read-index round (heartbeat context) it acknowledged in
    /// the leader's current term.
    pub(crate) read_ack: u64,
}

impl Progress {
    pub(crate) fn new(id: NodeId, next: u64) -> Progress {
        Progress {
            id,
            matched: 0,
            next,
            state: ProgressState::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
            vote: None,
            recent_active: false,
            pending_snapshot: 0,
            voter: true,
            read_ack: 0,
        }
    }

    pub(crate) fn reset(&mut self, next: u64) {
        self.matched = 0;
        self.next = next;
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.inflight.clear();
        self.vote = None;
        self.recent_active = false;
        self.read_ack = 0;
    }

    pub(crate) fn become_probe(&mut self) {
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.inflight.clear();
        self.next = self.matched + 1;
    }

    pub(crate) fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
        self.inflight.clear();
        self.next = self.matched + 1;
    }

    pub(crate) fn become_snapshot(&mut self, index: u64) {
        self.state = ProgressState::Snapshot;
        self.probe_sent = false;
        self.inflight.clear();
        self.pending_snapshot = index;
    }

    pub(crate) fn is_paused(&self, max_inflight: usize) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflight.len() >= max_inflight,
            ProgressState::Snapshot => true,
        }
    }

    /// Records an acknowledgement up to `n`; returns whether `matched` grew.
    pub(crate) fn maybe_update(&mut self, n: u64) -> bool {
        let grew = n > self.matched;
        if grew {
            self.matched = n;
            self.probe_sent = false;
        }
        self.next = self.next.max(n + 1);
        while self.inflight.front().is_some_and(|&i| i <= n) {
            self.inflight.pop_front();
        }
        grew
    }

    /// Handles a rejection of the Append whose previous index was
    /// `rejected`; `hint` is the highest index the logs may agree on.
    /// Returns false if the rejection is stale.
    pub(crate) fn maybe_decr_to(&mut self, rejected: u64, hint: u64) -> bool {
        match self.state {
            ProgressState::Replicate => {
                if rejected <= self.matched {
                    return false;
                }
                self.next = self.matched + 1;
                true
            }
            ProgressState::Probe => {
                if self.next.checked_sub(1) != Some(rejected) {
                    return false;
                }
                self.next = rejected.min(hint.saturating_add(1)).max(self.matched + 1);
                self.probe_sent = false;
                true
            }
            ProgressState::Snapshot => false,
        }
    }
}
