//! The node's in-memory view of its log: every entry after the compaction
//! point, with the commit, apply and stable marks.

use super::types::Entry;
use crate::prelude::*;

/// The log of one node. `entries[i].index == offset + 1 + i`.
#[derive(Debug, Clone, Default)]
pub(crate) struct RaftLog {
    pub(crate) entries: Vec<Entry>,
    /// The index just before `entries[0]` (the compaction point; 0 without
    /// compaction), and its term.
    pub(crate) offset: u64,
    pub(crate) offset_term: u64,
    /// The highest index known committed.
    pub(crate) committed: u64,
    /// The highest index handed to the application and acknowledged by
    /// `advance()`.
    pub(crate) applied: u64,
    /// Entries up to here are in stable storage.
    pub(crate) stabled: u64,
    /// The lowest index rewritten by appends since the node last looked
    /// (`u64::MAX` if none): where configuration entries may have changed.
    pub(crate) written_from: u64,
}

impl RaftLog {
    pub(crate) fn last_index(&self) -> u64 {
        self.offset + self.entries.len() as u64
    }

    pub(crate) fn last_term(&self) -> u64 {
        self.entries.last().map_or(self.offset_term, |e| e.term)
    }

    /// The term at `index`, or `None` if it is compacted or beyond the end.
    #[inline]
    pub(crate) fn term(&self, index: u64) -> Option<u64> {
        if index == self.offset {
            return Some(self.offset_term);
        }
        if index < self.offset {
            return None;
        }
        let i = usize::try_from(index - self.offset - 1).ok()?;
        self.entries.get(i).map(|e| e.term)
    }

    pub(crate) fn match_term(&self, index: u64, term: u64) -> bool {
        self.term(index) == Some(term)
    }

    /// The voter's rule (§5.4.1): a log ending at (`last_index`, `term`) is
    /// at least as up to date as ours.
    pub(crate) fn is_up_to_date(&self, last_index: u64, term: u64) -> bool {
        let lt = self.last_term();
        term > lt || (term == lt && last_index >= self.last_index())
    }

    /// The largest index `<= index` whose term is `<= term` (the compaction
    /// point if none): where a log that disagrees can next be probed.
    pub(crate) fn find_conflict_by_term(&self, index: u64, term: u64) -> u64 {
        let mut i = index.min(self.last_index());
        while i > self.offset {
            match self.term(i) {
                Some(t) if t > term => i -= 1,
                _ => break,
            }
        }
        i
    }

    /// Appends entries that follow the last index (a leader's own).
    pub(crate) fn push(&mut self, e: Entry) {
        self.entries.push(e);
    }

    /// AppendEntries receiver steps 2–5 (§5.3): if the log holds
    /// (`prev_index`, `prev_term`), deletes the first conflicting entry and
    /// all that follow, appends what is new, and returns the index of the
    /// last new entry. `None` if the consistency check fails, or if the
    /// entries would rewrite a committed entry (which a correct leader never
    /// asks for).
    pub(crate) fn maybe_append(
        &mut self,
        prev_index: u64,
        prev_term: u64,
        mut ents: Vec<Entry>,
    ) -> Option<u64> {
        if !self.match_term(prev_index, prev_term) {
            return None;
        }
        let last_new = prev_index.checked_add(ents.len() as u64)?;
        // The first entry whose term differs from ours (or that we lack).
        if ents
            .iter()
            .enumerate()
            .any(|(k, e)| e.index != prev_index + 1 + k as u64)
        {
            return None; // malformed: indices must be consecutive
        }
        let skip = ents
            .iter()
            .position(|e| self.term(e.index) != Some(e.term))
            .unwrap_or(ents.len());
        if skip < ents.len() {
            let first = ents[skip].index;
            if first <= self.committed {
                return None;
            }
            if skip > 0 {
                ents.drain(..skip);
            }
            self.truncate_and_append(ents);
        }
        Some(last_new)
    }

    fn truncate_and_append(&mut self, ents: Vec<Entry>) {
        let first = ents[0].index;
        self.written_from = self.written_from.min(first);
        if first <= self.last_index() {
            let keep = (first - self.offset - 1) as usize;
            self.entries.truncate(keep);
            self.stabled = self.stabled.min(first - 1);
        }
        if self.entries.is_empty() {
            self.entries = ents;
        } else {
            self.entries.extend(ents);
        }
    }

    /// Raises the commit index to `min(to, last_index)`; never lowers it.
    pub(crate) fn commit_to(&mut self, to: u64) -> bool {
        let to = to.min(self.last_index());
        if to > self.committed {
            self.committed = to;
            true
        } else {
            false
        }
    }

    /// Entries `lo..=hi` (clamped to the log), at most `max` of them.
    pub(crate) fn slice(&self, lo: u64, hi: u64, max: usize) -> &[Entry] {
        let hi = hi.min(self.last_index());
        if lo > hi || lo <= self.offset {
            return &[];
        }
        let a = (lo - self.offset - 1) as usize;
        let b = ((hi - self.offset) as usize).min(a.saturating_add(max));
        &self.entries[a..b]
    }

    /// Entries not yet in stable storage.
    pub(crate) fn unstable(&self) -> &[Entry] {
        let from = self.stabled.max(self.offset);
        let a = (from - self.offset) as usize;
        &self.entries[a.min(self.entries.len())..]
    }

    /// Discards the entries up to `index` (which must be in the log),
    /// making it the new compaction point.
    pub(crate) fn compact_to(&mut self, index: u64, term: u64) {
        let n = usize::try_from(index - self.offset).unwrap_or(usize::MAX);
        self.entries.drain(..n.min(self.entries.len()));
        self.offset = index;
        self.offset_term = term;
    }

    /// Replaces the whole log with a snapshot's position: everything up to
    /// `index` is committed, applied (from the snapshot) and stable.
    pub(crate) fn restore(&mut self, index: u64, term: u64) {
        self.entries.clear();
        self.offset = index;
        self.offset_term = term;
        self.committed = index;
        self.applied = index;
        self.stabled = index;
    }

    /// Committed entries not yet applied.
    pub(crate) fn next_committed(&self) -> &[Entry] {
        self.slice(self.applied + 1, self.committed, usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[u64]) -> RaftLog {
        RaftLog {
            entries: terms
                .iter()
                .enumerate()
                .map(|(i, &t)| Entry::new(t, i as u64 + 1, Vec::new()))
                .collect(),
            ..RaftLog::default()
        }
    }

    fn ents(first: u64, terms: &[u64]) -> Vec<Entry> {
        terms
            .iter()
            .enumerate()
            .map(|(i, &t)| Entry::new(t, first + i as u64, Vec::new()))
            .collect()
    }

    #[test]
    fn maybe_append_truncates_only_on_conflict() {
        let mut l = log(&[1, 1, 2, 2]);
        l.stabled = 4;
        // Everything already present: no truncation.
        assert_eq!(l.maybe_append(1, 1, ents(2, &[1, 2])), Some(3));
        assert_eq!(l.last_index(), 4);
        // Conflict at 3: entries 3.. replaced.
        assert_eq!(l.maybe_append(2, 1, ents(3, &[3])), Some(3));
        assert_eq!(l.last_index(), 3);
        assert_eq!(l.term(3), Some(3));
        assert_eq!(l.stabled, 2);
        // Mismatched prev term.
        assert_eq!(l.maybe_append(3, 2, ents(4, &[3])), None);
        // A conflict at or below the commit index is refused.
        l.committed = 3;
        assert_eq!(l.maybe_append(2, 1, ents(3, &[4])), None);
    }

    #[test]
    fn conflict_by_term_and_up_to_date() {
        let l = log(&[1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
        assert_eq!(l.find_conflict_by_term(10, 5), 7);
        assert_eq!(l.find_conflict_by_term(10, 3), 3);
        assert_eq!(l.find_conflict_by_term(20, 9), 10);
        assert_eq!(l.find_conflict_by_term(10, 0), 0);
        assert!(l.is_up_to_date(10, 6));
        assert!(!l.is_up_to_date(9, 6));
        assert!(l.is_up_to_date(1, 7));
        assert_eq!(l.slice(2, 5, 2).len(), 2);
        assert_eq!(l.slice(9, 99, 100).len(), 2);
    }
}
