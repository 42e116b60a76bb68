//! The leader's queue of linearizable reads (thesis §6.4, etcd's
//! ReadOnlySafe): each read waits for a quorum to acknowledge a heartbeat
//! round sent after it was taken in.
//!
//! Invariants: rounds are numbered from 1 and never reused in the node's
//! lifetime; pending reads are in round order, so the confirmed ones are a
//! prefix; a read is confirmed by its round or any later one; a round is
//! due (`round_due`) only while some read waits for it.

use crate::prelude::*;
use alloc::collections::VecDeque;

use super::types::{NodeId, ReadState};

/// A read waiting for a quorum to confirm the leader's round `round`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PendingRead {
    /// The caller's context, echoed in the answer.
    pub(crate) ctx: u64,
    /// The leader's commit index when the read was taken in.
    pub(crate) index: u64,
    /// Who asked: this node, or a follower that forwarded it.
    pub(crate) from: NodeId,
    /// The round whose acknowledgement by a quorum confirms it.
    pub(crate) round: u64,
}

/// Reads in flight on one node: waiting for a commit of the leader's term,
/// waiting for a round, and confirmed (for the next `Ready`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadOnly {
    /// The latest round broadcast (heartbeat context); never reset.
    seq: u64,
    /// Reads were taken in since the last round was broadcast: the next
    /// `Ready` broadcasts round `seq + 1`.
    round_due: bool,
    /// Reads waiting for a quorum, in round order.
    pending: VecDeque<PendingRead>,
    /// Reads that arrived before this leader committed an entry of its
    /// term: (ctx, from).
    waiting: Vec<(u64, NodeId)>,
    /// Confirmed reads of this node's own, for the next `Ready`.
    states: Vec<ReadState>,
}

impl ReadOnly {
    /// The latest round broadcast.
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    /// Holds a read until the leader has committed an entry of its term
    /// (before that its commit index may lag what earlier leaders
    /// committed).
    pub(crate) fn wait(&mut self, ctx: u64, from: NodeId) {
        self.waiting.push((ctx, from));
    }

    /// The reads held by [`wait`](Self::wait), now to be taken in.
    pub(crate) fn take_waiting(&mut self) -> Vec<(u64, NodeId)> {
        core::mem::take(&mut self.waiting)
    }

    /// Takes in a read at commit index `index`: it waits for the next
    /// round, which becomes due.
    pub(crate) fn add(&mut self, ctx: u64, index: u64, from: NodeId) {
        self.pending.push_back(PendingRead {
            ctx,
            index,
            from,
            round: self.seq.saturating_add(1),
        });
        self.round_due = true;
    }

    /// Whether any read waits for a round.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The round every heartbeat asks to be acknowledged while reads wait
    /// (so that a lost round does not stall them), else `None`.
    pub(crate) fn heartbeat_context(&self) -> Option<u64> {
        self.has_pending().then_some(self.seq)
    }

    /// Releases every read whose round, or a later one, is `confirmed`:
    /// this node's own become [`ReadState`]s for the next `Ready`, the
    /// others go to `forward` (to be answered to the follower that asked).
    pub(crate) fn confirm(
        &mut self,
        confirmed: u64,
        me: NodeId,
        mut forward: impl FnMut(PendingRead),
    ) {
        while let Some(r) = self.pending.front().copied() {
            if r.round > confirmed {
                break;
            }
            self.pending.pop_front();
            if r.from == me {
                self.states.push(ReadState {
                    index: r.index,
                    ctx: r.ctx,
                });
            } else {
                forward(r);
            }
        }
        if self.pending.is_empty() {
            // Every read is answered: no round left to broadcast.
            self.round_due = false;
        }
    }

    /// A read the leader confirmed for this follower.
    pub(crate) fn push_state(&mut self, rs: ReadState) {
        self.states.push(rs);
    }

    /// Whether the next `Ready` has something to do for reads.
    pub(crate) fn has_ready(&self) -> bool {
        self.round_due || !self.states.is_empty()
    }

    /// If a round is due, clears it and returns whether to broadcast it
    /// (`lead`: this node still leads), numbering it `seq + 1`.
    pub(crate) fn start_round(&mut self, lead: bool) -> bool {
        if !core::mem::take(&mut self.round_due) || !lead {
            return false;
        }
        self.seq = self.seq.saturating_add(1);
        true
    }

    /// The confirmed reads, for a `Ready`.
    pub(crate) fn take_states(&mut self) -> Vec<ReadState> {
        core::mem::take(&mut self.states)
    }

    /// Leadership ends: reads not yet confirmed are dropped (the
    /// application retries them after a timeout, as for a lost message).
    pub(crate) fn reset(&mut self) {
        self.round_due = false;
        self.pending.clear();
        self.waiting.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(index: u64, ctx: u64) -> ReadState {
        ReadState { index, ctx }
    }

    #[test]
    fn reads_taken_in_between_rounds_share_the_next_round() {
        let mut q = ReadOnly::default();
        assert!(!q.has_ready());
        q.add(1, 5, 1);
        q.add(2, 5, 1);
        assert!(q.has_ready());
        assert_eq!(q.heartbeat_context(), Some(0));
        assert!(q.start_round(true));
        assert_eq!(q.seq(), 1);
        assert!(!q.start_round(true), "one round per batch");
        assert_eq!(q.heartbeat_context(), Some(1));
        q.confirm(0, 1, |_| panic!("no follower read"));
        assert!(q.take_states().is_empty(), "round 0 confirms nothing");
        q.confirm(1, 1, |_| panic!("no follower read"));
        assert_eq!(q.take_states(), vec![rs(5, 1), rs(5, 2)]);
        assert!(!q.has_pending());
        assert_eq!(q.heartbeat_context(), None);
    }

    #[test]
    fn a_later_round_confirms_earlier_reads_in_order() {
        let mut q = ReadOnly::default();
        q.add(1, 3, 1);
        assert!(q.start_round(true));
        q.add(2, 4, 7);
        assert!(q.start_round(true));
        q.add(3, 4, 1);
        let mut forwarded = Vec::new();
        q.confirm(2, 1, |r| forwarded.push(r));
        assert_eq!(q.take_states(), vec![rs(3, 1)]);
        assert_eq!(
            forwarded,
            vec![PendingRead {
                ctx: 2,
                index: 4,
                from: 7,
                round: 2
            }]
        );
        // Round 3 is still due for the last read.
        assert!(q.has_pending());
        assert!(q.start_round(true));
        assert_eq!(q.seq(), 3);
    }

    #[test]
    fn answering_every_read_cancels_the_due_round() {
        let mut q = ReadOnly::default();
        q.add(1, 3, 1);
        q.confirm(u64::MAX, 1, |_| {});
        assert_eq!(q.take_states(), vec![rs(3, 1)]);
        assert!(!q.has_ready());
        assert!(!q.start_round(true));
        assert_eq!(q.seq(), 0);
    }

    #[test]
    fn a_round_is_not_broadcast_once_leadership_is_lost() {
        let mut q = ReadOnly::default();
        q.add(1, 3, 1);
        assert!(!q.start_round(false));
        assert_eq!(q.seq(), 0);
        assert!(!q.has_ready(), "the due round is cleared either way");
    }

    #[test]
    fn reset_drops_unconfirmed_reads_but_not_answers_or_rounds() {
        let mut q = ReadOnly::default();
        q.add(1, 3, 1);
        assert!(q.start_round(true));
        q.confirm(1, 1, |_| {});
        q.add(2, 3, 1);
        q.wait(3, 1);
        q.reset();
        assert!(!q.has_pending());
        assert!(q.take_waiting().is_empty());
        assert_eq!(q.take_states(), vec![rs(3, 1)]);
        q.add(4, 9, 1);
        assert!(q.start_round(true));
        assert_eq!(q.seq(), 2, "rounds are never reused");
    }

    #[test]
    fn waiting_reads_are_handed_back_once() {
        let mut q = ReadOnly::default();
        q.wait(1, 1);
        q.wait(2, 3);
        assert!(!q.has_ready(), "a waiting read needs no round yet");
        assert_eq!(q.take_waiting(), vec![(1, 1), (2, 3)]);
        assert!(q.take_waiting().is_empty());
    }

    #[test]
    fn follower_reads_go_to_the_next_ready() {
        let mut q = ReadOnly::default();
        q.push_state(rs(8, 4));
        assert!(q.has_ready());
        assert_eq!(q.take_states(), vec![rs(8, 4)]);
        assert!(!q.has_ready());
    }
}
