//! The `Ready` hand-off (after etcd's `rawnode.go`): what a node gives the
//! application to persist, send and apply, and the bookkeeping that lets
//! `advance` mark exactly what was handed out as done.
//!
//! Invariants: a `Ready` reports the hard and soft state only when they
//! differ from the last ones handed out; `advance` marks entries stable only
//! up to the last one handed out, and only if the log still holds it (it
//! may have been truncated meanwhile); what was applied never goes back.

use crate::prelude::*;

use super::types::{Entry, HardState, Message, ReadState, Snapshot, SoftState};

/// Everything the node needs the application to do, in one value.
///
/// The application handles a `Ready` in this order, then calls
/// [`RaftNode::advance`](super::RaftNode::advance):
///
/// 1. **Persist** `entries` (appending, after discarding any stored entries
///    at or beyond `entries[0].index`) and `hard_state` (if `Some`) to stable
///    storage. Both must be durable **before** any of `messages` is sent:
///    a vote or an acknowledgement that is forgotten in a crash breaks
///    safety.
/// 2. **Send** `messages`, in any order, over a network that may lose,
///    duplicate or reorder them.
/// 3. **Apply** `committed_entries` to the state machine, in order. They
///    are committed by a quorum and never change. They may include entries
///    from this same `entries` batch, which step 1 has made durable.
/// 4. Note `soft_state` (if `Some`): the role or leader changed. Nothing to
///    persist.
/// 5. Answer the reads in `read_states` once the state machine has applied
///    up to each one's `index`
///    ([`RaftNode::read_index`](super::RaftNode::read_index)).
///
/// # Examples
/// ```
/// use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
/// use rand_core::SeedableRng;
/// let storage = MemStorage::new();
/// let mut node = RaftNode::new(Config::new(1, vec![1]), &storage, rand_pcg::Pcg32::seed_from_u64(7)).unwrap();
/// node.campaign();
/// let rd = node.ready();
/// assert_eq!(rd.soft_state.unwrap().role, Role::Leader);
/// assert_eq!(rd.hard_state.unwrap().term, 1);
/// assert_eq!(rd.entries.len(), 1); // the new leader's no-op
/// node.advance();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ready<'a> {
    /// The new role or leader, if either changed since the last `Ready`.
    pub soft_state: Option<SoftState>,
    /// The term, vote and commit index to persist, if any changed. Persist
    /// before sending `messages`.
    pub hard_state: Option<HardState>,
    /// Entries to append to stable storage before sending `messages`. The
    /// first may overwrite stored entries from the same index on: discard
    /// those first. Borrowed from the node's log: copy what you keep.
    pub entries: &'a [Entry],
    /// Messages to send, after `entries` and `hard_state` are durable.
    pub messages: Vec<Message>,
    /// Committed entries to apply, in order, after persisting. Borrowed
    /// from the node's log.
    pub committed_entries: &'a [Entry],
    /// A snapshot received from the leader (§7) that replaces the node's
    /// whole log. A node hands one out only when its log lacks the
    /// snapshot's last entry (else it keeps its log and just commits up to
    /// it), and then none of the entries it held can follow the snapshot:
    /// it has dropped them all. Persist it **first**, discarding every
    /// stored entry, and restore the state machine from its `data` before
    /// applying `committed_entries`, which then start after
    /// `snapshot.index`.
    pub snapshot: Option<Snapshot>,
    /// Linearizable reads confirmed since the last `Ready`
    /// ([`RaftNode::read_index`](super::RaftNode::read_index)): answer each
    /// from the state machine once it has applied up to its `index`
    /// (possibly after applying this Ready's `committed_entries`, possibly
    /// later). Empty unless reads were asked.
    pub read_states: Vec<ReadState>,
}

/// What the last `Ready` handed out, and what the one before it had, so
/// that the next `Ready` reports only changes and `advance` marks the
/// handed-out work done.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReadyTracker {
    /// The hard state and soft state the application last acknowledged.
    prev_hs: HardState,
    prev_ss: SoftState,
    /// The last `Ready`'s: (index, term) of its last entry to persist, the
    /// index its committed entries reach, its states.
    stable_to: Option<(u64, u64)>,
    applied_to: u64,
    hs: HardState,
    ss: SoftState,
}

impl ReadyTracker {
    /// A node starting with states `hs` and `ss` (as persisted) and
    /// everything up to `applied` applied.
    pub(crate) fn new(hs: HardState, ss: SoftState, applied: u64) -> ReadyTracker {
        ReadyTracker {
            prev_hs: hs,
            prev_ss: ss,
            stable_to: None,
            applied_to: applied,
            hs,
            ss,
        }
    }

    /// Whether `hs` or `ss` differs from what was last acknowledged.
    pub(crate) fn changed(&self, hs: HardState, ss: SoftState) -> bool {
        hs != self.prev_hs || ss != self.prev_ss
    }

    /// Records a `Ready` that hands out `entries` to persist and
    /// `committed` to apply (`applied`: the index applied before them), with
    /// states `hs` and `ss`; returns those states that changed.
    pub(crate) fn hand_out(
        &mut self,
        entries: &[Entry],
        committed: &[Entry],
        applied: u64,
        hs: HardState,
        ss: SoftState,
    ) -> (Option<HardState>, Option<SoftState>) {
        self.stable_to = entries.last().map(|e| (e.index, e.term));
        self.applied_to = committed.last().map_or(applied, |e| e.index);
        self.hs = hs;
        self.ss = ss;
        (
            (hs != self.prev_hs).then_some(hs),
            (ss != self.prev_ss).then_some(ss),
        )
    }

    /// The last `Ready` is handled: its states count as acknowledged.
    /// Returns the (index, term) of its last entry to persist (once: a
    /// second `advance` returns `None`), and the index applied.
    pub(crate) fn advance(&mut self) -> (Option<(u64, u64)>, u64) {
        self.prev_hs = self.hs;
        self.prev_ss = self.ss;
        (self.stable_to.take(), self.applied_to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Role;

    fn hs(term: u64, commit: u64) -> HardState {
        HardState {
            term,
            vote: 0,
            commit,
        }
    }

    #[test]
    fn only_changed_states_are_handed_out() {
        let ss = SoftState::default();
        let mut t = ReadyTracker::new(hs(1, 0), ss, 0);
        assert!(!t.changed(hs(1, 0), ss));
        assert!(t.changed(hs(2, 0), ss));
        assert_eq!(t.hand_out(&[], &[], 0, hs(1, 0), ss), (None, None));
        let lead = SoftState {
            leader: 1,
            role: Role::Leader,
        };
        assert_eq!(
            t.hand_out(&[], &[], 0, hs(2, 0), lead),
            (Some(hs(2, 0)), Some(lead))
        );
        // Not acknowledged yet: still a change.
        assert!(t.changed(hs(2, 0), lead));
        t.advance();
        assert!(!t.changed(hs(2, 0), lead));
    }

    #[test]
    fn advance_reports_the_last_entry_handed_out_once() {
        let ss = SoftState::default();
        let mut t = ReadyTracker::new(hs(0, 0), ss, 3);
        let entries = [Entry::new(1, 4, Vec::new()), Entry::new(2, 5, Vec::new())];
        t.hand_out(&entries, &entries[..1], 3, hs(2, 4), ss);
        assert_eq!(t.advance(), (Some((5, 2)), 4));
        assert_eq!(t.advance(), (None, 4));
        // Nothing committed: the applied index stays where it was.
        t.hand_out(&[], &[], 4, hs(2, 4), ss);
        assert_eq!(t.advance(), (None, 4));
    }
}
