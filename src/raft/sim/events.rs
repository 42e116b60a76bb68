//! The simulator's event log: what the page animates.

use crate::prelude::*;
use crate::raft::types::{MsgKind, NodeId, Role};

/// One message's identity and timing, as shown on the page.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::MsgInfo;
/// use quorumkit::raft::MsgKind;
/// let m = MsgInfo { id: 1, kind: MsgKind::Vote, from: 1, to: 2, term: 3, sent: 10, arrive: 25, entries: 0, reject: false };
/// assert_eq!(m.arrive - m.sent, 15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MsgInfo {
    /// A number unique within the run (a duplicate gets its own).
    pub id: u64,
    /// The message kind.
    pub kind: MsgKind,
    /// The sender.
    pub from: NodeId,
    /// The recipient.
    pub to: NodeId,
    /// The sender's term.
    pub term: u64,
    /// When it was sent (virtual ms).
    pub sent: u64,
    /// When it arrives or arrived (equal to `sent` if dropped at once).
    pub arrive: u64,
    /// How many log entries it carries.
    pub entries: u32,
    /// Whether a response refuses its request (a vote or pre-vote not
    /// granted, an append that failed the consistency check).
    pub reject: bool,
}

/// Why a message was lost.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::raft::sim::DropReason::Partition.name(), "partition");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// The network lost it (the drop rate).
    Lost,
    /// A partition or one-way cut separates sender and recipient.
    Partition,
    /// The recipient was down when it arrived.
    Crashed,
}

impl DropReason {
    /// The reason's lowercase name.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::sim::DropReason::Lost.name(), "lost");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partition => "partition",
            DropReason::Crashed => "crashed",
        }
    }
}

/// What happened.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::EventKind;
/// let e = EventKind::Commit { node: 1, index: 4 };
/// assert!(matches!(e, EventKind::Commit { index: 4, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// A message left its sender.
    Send(MsgInfo),
    /// A message reached its recipient, which processed it.
    Deliver(MsgInfo),
    /// A message was lost.
    Drop(MsgInfo, DropReason),
    /// A node's role or known leader changed.
    Role {
        /// The node.
        node: NodeId,
        /// Its new role.
        role: Role,
        /// Its term.
        term: u64,
        /// The leader it knows, or 0.
        leader: NodeId,
    },
    /// A node cast (and persisted) its vote.
    Vote {
        /// The voter.
        node: NodeId,
        /// The term of the vote.
        term: u64,
        /// Who it voted for.
        candidate: NodeId,
    },
    /// A node persisted entries `first..=last` (replacing any it had from
    /// `first` on).
    Append {
        /// The node.
        node: NodeId,
        /// The first index written.
        first: u64,
        /// The last index written.
        last: u64,
        /// The term of the last entry.
        term: u64,
    },
    /// A node's commit index rose to `index`.
    Commit {
        /// The node.
        node: NodeId,
        /// The new commit index.
        index: u64,
    },
    /// A node applied entries `first..=last` to its state machine.
    Apply {
        /// The node.
        node: NodeId,
        /// The first index applied.
        first: u64,
        /// The last index applied.
        last: u64,
    },
    /// A client proposal was accepted by leader `node` at `index`.
    Propose {
        /// The leader.
        node: NodeId,
        /// The index of the new entry.
        index: u64,
    },
    /// A node's election timeout was triggered explicitly.
    Timeout {
        /// The node.
        node: NodeId,
    },
    /// A node crashed; only its persisted state survives.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// A node restarted from its persisted state.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// The network was split into these groups (nodes in no group are
    /// isolated).
    Partition {
        /// The groups.
        groups: Vec<Vec<NodeId>>,
    },
    /// Messages from `from` to `to` are now lost (one way).
    Cut {
        /// The sender side.
        from: NodeId,
        /// The receiver side.
        to: NodeId,
    },
    /// All partitions and cuts were removed.
    Heal,
    /// A node took a snapshot at `index` and compacted its log
    /// (`received` false), or installed one sent by the leader (true).
    Snapshot {
        /// The node.
        node: NodeId,
        /// The last index the snapshot covers.
        index: u64,
        /// Whether it came from the leader.
        received: bool,
    },
    /// Leader `leader` appended a membership change at `index` for `node`:
    /// added as a learner, promoted to voter (`voter`), or removed
    /// (`removed`).
    ConfChange {
        /// The leader.
        leader: NodeId,
        /// The index of the change entry.
        index: u64,
        /// The node concerned.
        node: NodeId,
        /// Promoted to voter.
        voter: bool,
        /// Removed.
        removed: bool,
    },
    /// Leader `from` was asked to hand leadership to `to`.
    Transfer {
        /// The leader.
        from: NodeId,
        /// The node to take over.
        to: NodeId,
    },
}

/// One entry of the event log.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Event, EventKind};
/// let e = Event { time: 5, kind: EventKind::Heal };
/// assert_eq!(e.time, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// Virtual time, in ms.
    pub time: u64,
    /// What happened.
    pub kind: EventKind,
}
