//! The membership history of a node's log (after etcd's `confchange/` and
//! `tracker/`): the configuration at the compaction point, each
//! configuration a membership-change entry in the log leads to, and the
//! progress table rebuilt from the configuration in force.
//!
//! Invariants: changes are kept in index order, all after the base's
//! index; the configuration in force is the latest one in the log,
//! committed or not (thesis §4.1); rewriting the log from an index drops
//! the changes from that index on before the new entries add theirs.

use crate::prelude::*;

use super::progress::Progress;
use super::types::{ConfChange, ConfState, Entry, EntryKind, NodeId};
use crate::ArgError;

/// A node's configurations: the base (at the snapshot) and one per
/// membership-change entry in its log.
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    /// The configuration at the compaction point.
    base: ConfState,
    /// Each configuration entry in the log after it: (index, term, the
    /// configuration it leads to), in index order.
    changes: Vec<(u64, u64, ConfState)>,
}

impl Membership {
    /// A history with configuration `base` and no change in the log yet.
    pub(crate) fn new(base: ConfState) -> Membership {
        Membership {
            base,
            changes: Vec::new(),
        }
    }

    /// The configuration in force: the latest in the log.
    pub(crate) fn current(&self) -> &ConfState {
        self.changes.last().map_or(&self.base, |c| &c.2)
    }

    /// The configuration in force at `index` (at or after the base).
    pub(crate) fn at(&self, index: u64) -> ConfState {
        self.changes
            .iter()
            .rev()
            .find(|c| c.0 <= index)
            .map_or_else(|| self.base.clone(), |c| c.2.clone())
    }

    /// The index of the latest change in the log, if any.
    pub(crate) fn last_change(&self) -> Option<u64> {
        self.changes.last().map(|c| c.0)
    }

    /// Records the change at `index` (after every one recorded) that
    /// leads to `conf`.
    pub(crate) fn push(&mut self, index: u64, term: u64, conf: ConfState) {
        self.changes.push((index, term, conf));
    }

    /// The log was compacted up to `index`: the configuration there becomes
    /// the base, and is returned (a snapshot carries it).
    pub(crate) fn compact(&mut self, index: u64) -> ConfState {
        let conf = self.at(index);
        self.base = conf.clone();
        self.changes.retain(|c| c.0 > index);
        conf
    }

    /// The log was replaced by a snapshot carrying `conf` (an empty one
    /// keeps the base): no change is left in the log.
    pub(crate) fn restore(&mut self, conf: &ConfState) {
        if !conf.voters.is_empty() {
            self.base = conf.clone();
        }
        self.changes.clear();
    }

    /// The log was rewritten from index `from` on, and now holds `entries`
    /// from there: drops the changes at or after `from`, then records
    /// those among `entries`.
    pub(crate) fn rewrite(&mut self, from: u64, entries: &[Entry]) {
        self.changes.retain(|c| c.0 < from);
        let mut cur = self.current().clone();
        for e in entries {
            if e.kind == EntryKind::ConfChange {
                if let Some(cc) = ConfChange::decode(&e.data) {
                    cur = cc.apply(&cur);
                    self.changes.push((e.index, e.term, cur.clone()));
                }
            }
        }
    }

    /// One progress per member of the configuration in force (voters, then
    /// learners), plus node `me`'s own even if it is not a member; known
    /// members keep theirs, new ones start at `last_index + 1`. Returns the
    /// table and `me`'s position in it.
    pub(crate) fn progress(
        &self,
        old: Vec<Progress>,
        me: NodeId,
        last_index: u64,
    ) -> (Vec<Progress>, usize) {
        let conf = self.current();
        let mut old = old;
        let mut ids: Vec<NodeId> = conf.voters.iter().chain(&conf.learners).copied().collect();
        if !ids.contains(&me) {
            ids.push(me);
        }
        let mut prs = Vec::with_capacity(ids.len());
        for id in ids {
            let mut p = match old.iter().position(|p| p.id == id) {
                Some(k) => old.swap_remove(k),
                None => {
                    let mut p = Progress::new(id, last_index + 1);
                    if id == me {
                        p.matched = last_index;
                    }
                    p
                }
            };
            p.voter = conf.is_voter(id);
            prs.push(p);
        }
        let at = prs.iter().position(|p| p.id == me).unwrap_or(0);
        (prs, at)
    }
}

/// Checks the membership changes among `entries`, in order, starting from
/// configuration `conf`: each must decode and be allowed
/// ([`ConfChange::check`]) in the configuration before it.
pub(crate) fn check_entries<'a>(
    mut conf: ConfState,
    entries: impl Iterator<Item = &'a Entry>,
    param: &'static str,
) -> Result<(), ArgError> {
    for e in entries.filter(|e| e.kind == EntryKind::ConfChange) {
        let Some(cc) = ConfChange::decode(&e.data) else {
            return Err(ArgError::range(
                param,
                "membership-change entries in ConfChange's encoding",
                format!("index {}: {} bytes", e.index, e.data.len()),
            ));
        };
        conf = cc.check(&conf).map_err(|err| {
            ArgError::range(
                param,
                format!(
                    "membership changes the configuration before each allows (here: {})",
                    err.allowed
                ),
                format!("index {}: {cc:?}", e.index),
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::ConfChangeKind;
    use bytes::Bytes;

    fn conf(voters: &[NodeId], learners: &[NodeId]) -> ConfState {
        ConfState {
            voters: voters.to_vec(),
            learners: learners.to_vec(),
        }
    }

    fn change(index: u64, kind: ConfChangeKind, node: NodeId) -> Entry {
        Entry {
            term: 1,
            index,
            data: Bytes::copy_from_slice(&ConfChange { kind, node }.encode()),
            kind: EntryKind::ConfChange,
        }
    }

    fn history() -> Membership {
        let mut m = Membership::new(conf(&[1, 2], &[]));
        m.rewrite(
            1,
            &[
                Entry::new(1, 1, Vec::new()),
                change(2, ConfChangeKind::AddLearner, 3),
                Entry::new(1, 3, &b"x"[..]),
                change(4, ConfChangeKind::AddVoter, 3),
            ],
        );
        m
    }

    #[test]
    fn each_change_is_in_force_from_its_index() {
        let m = history();
        assert_eq!(m.at(1), conf(&[1, 2], &[]));
        assert_eq!(m.at(2), conf(&[1, 2], &[3]));
        assert_eq!(m.at(3), conf(&[1, 2], &[3]));
        assert_eq!(m.at(9), conf(&[1, 2, 3], &[]));
        assert_eq!(m.current(), &conf(&[1, 2, 3], &[]));
        assert_eq!(m.last_change(), Some(4));
    }

    #[test]
    fn rewriting_the_log_drops_the_changes_it_overwrites() {
        let mut m = history();
        // A new leader's log differs from index 4 on: the promotion is gone.
        m.rewrite(4, &[Entry::new(2, 4, &b"y"[..])]);
        assert_eq!(m.current(), &conf(&[1, 2], &[3]));
        assert_eq!(m.last_change(), Some(2));
        m.rewrite(2, &[]);
        assert_eq!(m.current(), &conf(&[1, 2], &[]));
        assert_eq!(m.last_change(), None);
    }

    #[test]
    fn compaction_moves_the_base_and_keeps_later_changes() {
        let mut m = history();
        assert_eq!(m.compact(3), conf(&[1, 2], &[3]));
        assert_eq!(m.last_change(), Some(4));
        assert_eq!(m.at(3), conf(&[1, 2], &[3]));
        assert_eq!(m.compact(4), conf(&[1, 2, 3], &[]));
        assert_eq!(m.last_change(), None);
        assert_eq!(m.current(), &conf(&[1, 2, 3], &[]));
    }

    #[test]
    fn a_snapshot_replaces_the_history() {
        let mut m = history();
        m.restore(&conf(&[4, 5, 6], &[7]));
        assert_eq!(m.current(), &conf(&[4, 5, 6], &[7]));
        assert_eq!(m.last_change(), None);
        // A snapshot without a configuration keeps the base.
        let mut m = history();
        m.restore(&ConfState::default());
        assert_eq!(m.current(), &conf(&[1, 2], &[]));
    }

    #[test]
    fn progress_keeps_known_members_and_adds_this_node() {
        let mut m = Membership::new(conf(&[1, 2], &[3]));
        let mut two = Progress::new(2, 4);
        two.matched = 3;
        let (prs, me) = m.progress(vec![Progress::new(9, 1), two], 5, 6);
        let ids: Vec<NodeId> = prs.iter().map(|p| p.id).collect();
        assert_eq!(ids, [1, 2, 3, 5], "members, then this node; 9 is gone");
        assert_eq!(me, 3);
        assert_eq!((prs[1].matched, prs[1].next), (3, 4), "kept");
        assert_eq!((prs[0].matched, prs[0].next), (0, 7), "new");
        assert_eq!((prs[3].matched, prs[3].next), (6, 7), "own");
        let voters: Vec<bool> = prs.iter().map(|p| p.voter).collect();
        assert_eq!(voters, [true, true, false, false]);
        m.push(7, 1, conf(&[1, 2, 3], &[]));
        let (prs, _) = m.progress(prs, 5, 7);
        assert!(prs[2].voter, "promoted");
    }

    #[test]
    fn entries_are_checked_against_the_configuration_before_each() {
        let base = conf(&[1, 2], &[]);
        let ok = [
            change(1, ConfChangeKind::AddLearner, 3),
            change(2, ConfChangeKind::AddVoter, 3),
        ];
        assert!(check_entries(base.clone(), ok.iter(), "p").is_ok());
        let twice = [
            change(1, ConfChangeKind::AddLearner, 3),
            change(2, ConfChangeKind::AddLearner, 3),
        ];
        let e = check_entries(base.clone(), twice.iter(), "p").unwrap_err();
        assert_eq!(e.param, "p");
        let mut junk = change(1, ConfChangeKind::Remove, 1);
        junk.data = Bytes::from_static(b"junk");
        let e = check_entries(base, [junk].iter(), "q").unwrap_err();
        assert_eq!(e.param, "q");
    }
}
