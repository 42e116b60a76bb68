//! Stable storage: the trait a node is restarted from, and an in-memory
//! implementation.

use crate::prelude::*;
use core::fmt;

use super::types::{Entry, HardState, Snapshot};

/// Why a [`Storage`] read failed.
///
/// # Examples
/// ```
/// use quorumkit::raft::StorageError;
/// assert_eq!(StorageError::Unavailable.to_string(), "requested entries are not in storage");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The entries were discarded by log compaction.
    Compacted,
    /// The entries lie beyond the last stored index.
    Unavailable,
    /// The snapshot is older than the one already stored.
    SnapshotOutOfDate {
        /// The stored snapshot's index.
        stored: u64,
    },
    /// An append would leave a gap or rewrite compacted entries.
    Gap {
        /// The first index of the rejected batch.
        first: u64,
        /// The last index in storage.
        last: u64,
    },
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Compacted => write!(f, "requested entries were compacted"),
            StorageError::Unavailable => write!(f, "requested entries are not in storage"),
            StorageError::SnapshotOutOfDate { stored } => {
                write!(f, "snapshot is older than the stored one (index {stored})")
            }
            StorageError::Gap { first, last } => write!(
                f,
                "appending entries from index {first} to a log ending at {last} would leave a gap"
            ),
        }
    }
}

impl core::error::Error for StorageError {}

/// What a node reads when it is (re)started: its persisted hard state and
/// log.
///
/// The node itself never writes to storage: the application persists what
/// each [`Ready`](super::Ready) hands it (hard state and entries) and then
/// calls [`RaftNode::advance`](super::RaftNode::advance). Indices start at 1;
/// without compaction `first_index()` is 1 and an empty log has
/// `last_index() == 0`.
///
/// # Examples
/// ```
/// use quorumkit::raft::{Entry, MemStorage, Storage};
/// let mut s = MemStorage::new();
/// s.append(&[Entry::new(1, 1, &b"x"[..])]).unwrap();
/// assert_eq!((s.first_index(), s.last_index()), (1, 1));
/// assert_eq!(s.term(1), Ok(1));
/// ```
pub trait Storage {
    /// The persisted term, vote and commit index.
    fn initial_state(&self) -> HardState;
    /// The index of the first entry available.
    fn first_index(&self) -> u64;
    /// The index of the last entry (`first_index() - 1` when empty).
    fn last_index(&self) -> u64;
    /// The entries with indices in `lo..hi`.
    ///
    /// # Errors
    /// [`StorageError::Compacted`] if `lo < first_index()`,
    /// [`StorageError::Unavailable`] if `hi > last_index() + 1`.
    fn entries(&self, lo: u64, hi: u64) -> Result<Vec<Entry>, StorageError>;
    /// The term of the entry at `index` (0 for index 0).
    ///
    /// # Errors
    /// As for [`Storage::entries`].
    fn term(&self, index: u64) -> Result<u64, StorageError>;
    /// The latest persisted snapshot; `first_index()` is its index plus
    /// one. The default is the empty snapshot (index 0: no compaction).
    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
    }
}

/// Storage held in memory: what a simulated node keeps across a crash.
///
/// # Examples
/// ```
/// use quorumkit::raft::{Entry, HardState, MemStorage, Storage};
/// let mut s = MemStorage::new();
/// s.append(&[Entry::new(1, 1, &b"a"[..]), Entry::new(1, 2, &b"b"[..])]).unwrap();
/// // A conflicting append truncates the suffix it replaces.
/// s.append(&[Entry::new(2, 2, &b"c"[..])]).unwrap();
/// assert_eq!(s.term(2), Ok(2));
/// s.set_hard_state(HardState { term: 2, vote: 1, commit: 1 });
/// assert_eq!(s.initial_state().vote, 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemStorage {
    hard_state: HardState,
    /// Entries after `snapshot.index`.
    entries: Vec<Entry>,
    snapshot: Snapshot,
}

impl MemStorage {
    /// Empty storage: term 0, no vote, no entries.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{MemStorage, Storage};
    /// assert_eq!(MemStorage::new().last_index(), 0);
    /// ```
    pub fn new() -> MemStorage {
        MemStorage::default()
    }

    /// Persists the hard state.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{HardState, MemStorage, Storage};
    /// let mut s = MemStorage::new();
    /// s.set_hard_state(HardState { term: 4, vote: 2, commit: 0 });
    /// assert_eq!(s.initial_state().term, 4);
    /// ```
    pub fn set_hard_state(&mut self, hs: HardState) {
        self.hard_state = hs;
    }

    /// Appends `entries`, first discarding any stored entries at or after
    /// `entries[0].index` (a follower's conflicting suffix).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Entry, MemStorage, Storage};
    /// let mut s = MemStorage::new();
    /// s.append(&[Entry::new(1, 1, Vec::new())]).unwrap();
    /// assert!(s.append(&[Entry::new(1, 5, Vec::new())]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`StorageError::Gap`] if `entries[0].index` is beyond `last_index() + 1`
    /// or the indices in `entries` are not consecutive.
    pub fn append(&mut self, entries: &[Entry]) -> Result<(), StorageError> {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let last = self.last_index();
        let consecutive = entries
            .windows(2)
            .all(|w| w[0].index.checked_add(1) == Some(w[1].index));
        if first.index <= self.snapshot.index
            || first.index > last.saturating_add(1)
            || !consecutive
        {
            return Err(StorageError::Gap {
                first: first.index,
                last,
            });
        }
        // entries[i].index == snapshot.index + 1 + i.
        let keep = usize::try_from(first.index - self.snapshot.index - 1).unwrap_or(usize::MAX);
        self.entries.truncate(keep);
        self.entries.extend_from_slice(entries);
        Ok(())
    }

    /// All stored entries after the snapshot:
    /// `all_entries()[i].index == first_index() + i` (`i + 1` without
    /// compaction).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::MemStorage;
    /// assert!(MemStorage::new().all_entries().is_empty());
    /// ```
    pub fn all_entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Stores `snap` as the latest snapshot. If the log holds the entry at
    /// `snap.index` with `snap.term` (a snapshot this node took), the
    /// entries after it are kept; otherwise (a snapshot from the leader)
    /// the whole log is discarded.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Entry, MemStorage, Snapshot, Storage};
    /// let mut s = MemStorage::new();
    /// let e = |i| Entry::new(1, i, Vec::new());
    /// s.append(&[e(1), e(2), e(3)]).unwrap();
    /// s.apply_snapshot(&Snapshot { index: 2, term: 1, ..Snapshot::default() }).unwrap();
    /// assert_eq!((s.first_index(), s.last_index(), s.term(2)), (3, 3, Ok(1)));
    /// assert!(s.entries(1, 3).is_err()); // compacted
    /// ```
    ///
    /// # Errors
    /// [`StorageError::SnapshotOutOfDate`] if `snap.index` is below the
    /// stored snapshot's.
    pub fn apply_snapshot(&mut self, snap: &Snapshot) -> Result<(), StorageError> {
        if snap.index < self.snapshot.index {
            return Err(StorageError::SnapshotOutOfDate {
                stored: self.snapshot.index,
            });
        }
        if self.term(snap.index) == Ok(snap.term) {
            let n = usize::try_from(snap.index - self.snapshot.index).unwrap_or(usize::MAX);
            self.entries.drain(..n.min(self.entries.len()));
        } else {
            self.entries.clear();
        }
        self.snapshot = snap.clone();
        Ok(())
    }
}

impl Storage for MemStorage {
    fn initial_state(&self) -> HardState {
        self.hard_state
    }

    fn first_index(&self) -> u64 {
        self.snapshot.index + 1
    }

    fn last_index(&self) -> u64 {
        self.snapshot.index + self.entries.len() as u64
    }

    fn entries(&self, lo: u64, hi: u64) -> Result<Vec<Entry>, StorageError> {
        if lo < self.first_index() {
            return Err(StorageError::Compacted);
        }
        if hi > self.last_index() + 1 || lo > hi {
            return Err(StorageError::Unavailable);
        }
        let o = self.snapshot.index;
        Ok(self.entries[(lo - o - 1) as usize..(hi - o - 1) as usize].to_vec())
    }

    fn term(&self, index: u64) -> Result<u64, StorageError> {
        let o = self.snapshot.index;
        if index == o {
            return Ok(self.snapshot.term);
        }
        if index < o {
            return Err(StorageError::Compacted);
        }
        match self.entries.get((index - o - 1) as usize) {
            Some(e) => Ok(e.term),
            None => Err(StorageError::Unavailable),
        }
    }

    fn snapshot(&self) -> Snapshot {
        self.snapshot.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_truncates_and_rejects_gaps() {
        let mut s = MemStorage::new();
        let e = |t, i| Entry::new(t, i, Vec::new());
        s.append(&[e(1, 1), e(1, 2), e(1, 3)]).unwrap();
        s.append(&[e(2, 2)]).unwrap();
        assert_eq!(s.last_index(), 2);
        assert_eq!(s.term(2), Ok(2));
        assert_eq!(
            s.append(&[e(2, 4)]),
            Err(StorageError::Gap { first: 4, last: 2 })
        );
        assert!(s.append(&[e(2, 3), e(2, 5)]).is_err());
        assert_eq!(s.entries(1, 3).unwrap().len(), 2);
        assert_eq!(s.entries(0, 1), Err(StorageError::Compacted));
        assert_eq!(s.entries(1, 9), Err(StorageError::Unavailable));
        assert_eq!(s.term(7), Err(StorageError::Unavailable));
    }
}
