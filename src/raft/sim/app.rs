//! The simulated application: each node's key-value replica, the commands
//! it applies from the log, and the one place that knows its snapshot
//! format.
//!
//! A snapshot's data is the checker's fingerprint of the applied log prefix
//! (8 bytes, little-endian), then the replica's pairs (key and value, 8
//! little-endian bytes each, in key order). The fingerprint lets the
//! checker tell that a node restored from a snapshot holds the state the
//! leader's log led to.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use super::linearizability::{KvInput, KvOutput};
use super::{Cluster, EventKind};
use crate::raft::{Entry, EntryKind, NodeId, ReadState};

/// The first byte of a key-value command's entry data.
const MAGIC: u8 = b'K';
/// The length of every command: magic, kind, tag, key, value, expect flag,
/// expect.
const CMD_LEN: usize = 2 + 8 + 8 + 8 + 1 + 8;

/// A write command as entry data: `'K'`, kind (0 put, 1 cas), the client's
/// tag, key, value (little-endian u64s), then for a cas whether a value is
/// expected (0/1) and which.
pub(crate) fn encode(tag: u64, input: &KvInput) -> Option<Vec<u8>> {
    let (kind, key, value, expect) = match *input {
        KvInput::Get { .. } => return None,
        KvInput::Put { key, value } => (0u8, key, value, None),
        KvInput::Cas { key, expect, value } => (1u8, key, value, expect),
    };
    let mut b = Vec::with_capacity(CMD_LEN);
    b.push(MAGIC);
    b.push(kind);
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&key.to_le_bytes());
    b.extend_from_slice(&value.to_le_bytes());
    b.push(u8::from(expect.is_some()));
    b.extend_from_slice(&expect.unwrap_or(0).to_le_bytes());
    Some(b)
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    Some(u64::from_le_bytes(s.try_into().ok()?))
}

/// Parses [`encode`]'s format: (tag, input); `None` for other data.
pub(crate) fn decode(b: &[u8]) -> Option<(u64, KvInput)> {
    if b.len() != CMD_LEN || b[0] != MAGIC {
        return None;
    }
    let tag = u64_at(b, 2)?;
    let key = u64_at(b, 10)?;
    let value = u64_at(b, 18)?;
    let input = match b[1] {
        0 => KvInput::Put { key, value },
        1 => KvInput::Cas {
            key,
            value,
            expect: (b[26] == 1).then(|| u64_at(b, 27)).flatten(),
        },
        _ => return None,
    };
    Some((tag, input))
}

/// Applies a command to a replica's pairs; returns its output.
fn apply(map: &mut BTreeMap<u64, u64>, input: &KvInput) -> KvOutput {
    match *input {
        KvInput::Get { key } => KvOutput::Value(map.get(&key).copied()),
        KvInput::Put { key, value } => {
            map.insert(key, value);
            KvOutput::Ok
        }
        KvInput::Cas { key, expect, value } => {
            if map.get(&key).copied() == expect {
                map.insert(key, value);
                KvOutput::Cas(true)
            } else {
                KvOutput::Cas(false)
            }
        }
    }
}

/// The replica's pairs as bytes (key, value little-endian).
fn encode_map(map: &BTreeMap<u64, u64>) -> Vec<u8> {
    let mut b = Vec::with_capacity(map.len() * 16);
    for (k, v) in map {
        b.extend_from_slice(&k.to_le_bytes());
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

/// Parses [`encode_map`]'s bytes (a trailing partial pair is ignored).
fn decode_map(b: &[u8]) -> BTreeMap<u64, u64> {
    b.chunks_exact(16)
        .filter_map(|c| Some((u64_at(c, 0)?, u64_at(c, 8)?)))
        .collect()
}

/// The bytes of a snapshot's fingerprint, before the pairs.
const FP_LEN: usize = 8;

/// Snapshot data: fingerprint `fp`, then the pairs of `map`.
fn encode_snapshot(fp: u64, map: &BTreeMap<u64, u64>) -> Vec<u8> {
    let mut data = fp.to_le_bytes().to_vec();
    data.extend_from_slice(&encode_map(map));
    data
}

/// Parses [`encode_snapshot`]'s bytes: (fingerprint, pairs). Data too short
/// for a fingerprint (an empty snapshot) gives fingerprint 0 and no pairs.
fn decode_snapshot(data: &[u8]) -> (u64, BTreeMap<u64, u64>) {
    let fp = u64_at(data, 0).unwrap_or(0);
    (fp, decode_map(data.get(FP_LEN..).unwrap_or(&[])))
}

/// A node's application state: volatile, lost in a crash and rebuilt from
/// its snapshot and log.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replica {
    /// The index applied up to.
    pub(crate) applied: u64,
    /// The key-value pairs, as of `applied`.
    map: BTreeMap<u64, u64>,
    /// Confirmed reads waiting for `applied` to reach their index.
    pub(crate) read_wait: Vec<ReadState>,
}

impl Replica {
    /// Restores the state a snapshot at `index` holds; returns the
    /// snapshot's fingerprint. Reads waiting stay.
    pub(crate) fn restore(&mut self, index: u64, data: &[u8]) -> u64 {
        let (fp, map) = decode_snapshot(data);
        self.applied = index;
        self.map = map;
        fp
    }

    /// The snapshot data of the state as of `applied`, whose log prefix has
    /// fingerprint `fp`.
    pub(crate) fn snapshot(&self, fp: u64) -> Vec<u8> {
        encode_snapshot(fp, &self.map)
    }

    /// Applies `e` if it is a key-value command: its tag and output.
    pub(crate) fn apply(&mut self, e: &Entry) -> Option<(u64, KvOutput)> {
        if e.kind != EntryKind::Normal {
            return None;
        }
        let (tag, input) = decode(&e.data)?;
        Some((tag, apply(&mut self.map, &input)))
    }

    /// The value at `key`, as of `applied`.
    pub(crate) fn get(&self, key: u64) -> Option<u64> {
        self.map.get(&key).copied()
    }

    /// Takes the waiting reads whose index is applied.
    pub(crate) fn servable_reads(&mut self) -> Vec<ReadState> {
        if self.read_wait.is_empty() {
            return Vec::new();
        }
        let applied = self.applied;
        let (ready, wait) = self.read_wait.iter().partition(|r| r.index <= applied);
        self.read_wait = wait;
        ready
    }
}

impl Cluster {
    /// Takes a snapshot once `snapshot_every` entries were applied since
    /// the last one; its data is the replica's ([`Replica::snapshot`]).
    pub(super) fn maybe_compact(&mut self, i: usize) {
        let every = self.cfg.snapshot_every;
        let node = &mut self.nodes[i];
        let Some(raft) = node.raft.as_mut() else {
            return;
        };
        let at = node.app.applied;
        if every == 0 || at < raft.snapshot_index().saturating_add(every) {
            return;
        }
        let Some(fp) = node.chain.get(at) else {
            return;
        };
        let Ok(snap) = raft.compact(at, node.app.snapshot(fp)) else {
            return;
        };
        // Newer than the stored snapshot by construction.
        let _ = node.storage.apply_snapshot(&snap);
        node.chain.snapshot(at, fp);
        self.record(EventKind::Snapshot {
            node: i as NodeId + 1,
            index: at,
            received: false,
        });
    }

    /// Applies the key-value commands among `entries` to node `i`'s
    /// replica, completing the writes clients wait on there.
    pub(super) fn apply_kv(&mut self, i: usize, entries: &[Entry]) {
        let id = i as NodeId + 1;
        for e in entries {
            let Some((tag, out)) = self.nodes[i].app.apply(e) else {
                continue;
            };
            let now = self.now;
            if let Some(k) = self.clients.as_mut() {
                if let Some(ci) = k.waiting(tag, id, true) {
                    k.complete(ci, out, now, id);
                }
            }
        }
    }

    /// Serves node `i`'s confirmed reads whose index it has applied.
    pub(super) fn serve_reads(&mut self, i: usize) {
        let id = i as NodeId + 1;
        let ready = self.nodes[i].app.servable_reads();
        let now = self.now;
        for r in ready {
            let Some(k) = self.clients.as_mut() else {
                return;
            };
            let Some(ci) = k.waiting(r.ctx, id, false) else {
                continue;
            };
            let key = k.list[ci].cur.as_ref().map_or(0, |c| c.input.key());
            let out = KvOutput::Value(self.nodes[i].app.get(key));
            k.complete(ci, out, now, id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_and_other_data_is_not_one() {
        let inputs = [
            KvInput::Put { key: 1, value: 2 },
            KvInput::Cas {
                key: 3,
                expect: None,
                value: 4,
            },
            KvInput::Cas {
                key: 5,
                expect: Some(6),
                value: 7,
            },
        ];
        for input in inputs {
            let b = encode(99, &input).unwrap();
            assert_eq!(decode(&b), Some((99, input)));
        }
        assert_eq!(encode(1, &KvInput::Get { key: 1 }), None);
        assert_eq!(decode(b""), None);
        assert_eq!(decode(&[b'X'; CMD_LEN]), None);
    }

    #[test]
    fn a_snapshot_restores_the_pairs_and_gives_back_its_fingerprint() {
        let mut a = Replica::default();
        let put = |index, key, value| {
            Entry::new(
                1,
                index,
                encode(index, &KvInput::Put { key, value }).unwrap(),
            )
        };
        assert_eq!(a.apply(&put(1, 7, 70)), Some((1, KvOutput::Ok)));
        assert_eq!(a.apply(&put(2, 3, 30)), Some((2, KvOutput::Ok)));
        assert_eq!(a.apply(&Entry::new(1, 3, &b"not a command"[..])), None);
        let data = a.snapshot(0xfeed);
        assert_eq!(data.len(), FP_LEN + 2 * 16);
        assert_eq!(&data[..FP_LEN], &0xfeed_u64.to_le_bytes());
        let mut b = Replica::default();
        assert_eq!(b.restore(2, &data), 0xfeed);
        assert_eq!(
            (b.applied, b.get(3), b.get(7), b.get(1)),
            (2, Some(30), Some(70), None)
        );
        // An empty snapshot: no fingerprint, no pairs.
        assert_eq!(b.restore(0, &[]), 0);
        assert_eq!(b.get(3), None);
    }

    #[test]
    fn reads_are_served_once_applied() {
        let mut r = Replica::default();
        r.read_wait.push(ReadState { index: 2, ctx: 1 });
        r.read_wait.push(ReadState { index: 5, ctx: 2 });
        r.applied = 3;
        assert_eq!(r.servable_reads(), vec![ReadState { index: 2, ctx: 1 }]);
        assert!(r.servable_reads().is_empty());
        r.applied = 5;
        assert_eq!(r.servable_reads(), vec![ReadState { index: 5, ctx: 2 }]);
        assert!(r.read_wait.is_empty());
    }
}
