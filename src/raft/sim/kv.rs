//! The simulator's key-value state machine and its clients: commands in
//! entry data, the state in snapshots, and the clients' bookkeeping.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::linearizability::{KvInput, KvOp, KvOutput};
use crate::raft::NodeId;
use crate::ArgError;

/// How the simulated key-value clients behave
/// ([`Cluster::start_kv`](super::Cluster::start_kv)).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::KvConfig;
/// let k = KvConfig::new(4);
/// assert_eq!((k.clients, k.keys, k.ops_per_client), (4, 3, 10));
/// assert!(k.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvConfig {
    /// How many clients run concurrently, 1..=16; each has one operation
    /// outstanding at a time.
    pub clients: u32,
    /// Keys are drawn from `0..keys` (1..=1000).
    pub keys: u64,
    /// How many operations each client issues before it stops.
    pub ops_per_client: u32,
    /// A client gives up on an operation after this many ms (at least
    /// 1): the outcome is then unknown.
    pub timeout: u64,
    /// A client waits up to this many ms between operations, and between
    /// attempts at a node that refused (at least 1).
    pub think: u64,
    /// Whether clients also issue compare-and-set operations.
    pub cas: bool,
    /// Seeds the clients' choices (kept apart from the cluster's seed, so a
    /// run without clients is unchanged).
    pub seed: u64,
}

impl KvConfig {
    /// `clients` clients over 3 keys, 10 operations each, a 1,000 ms
    /// timeout, up to 40 ms between operations, compare-and-set on, seed 0.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::sim::KvConfig::new(3).timeout, 1_000);
    /// ```
    pub fn new(clients: u32) -> KvConfig {
        KvConfig {
            clients,
            keys: 3,
            ops_per_client: 10,
            timeout: 1_000,
            think: 40,
            cas: true,
            seed: 0,
        }
    }

    /// Checks every field.
    ///
    /// # Examples
    /// ```
    /// let mut k = quorumkit::raft::sim::KvConfig::new(3);
    /// k.keys = 0;
    /// assert_eq!(k.validate().unwrap_err().param, "keys");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`] naming the first bad field: `clients` outside
    /// 1..=16, `keys` outside 1..=1000, `timeout` or `think` zero or above
    /// 3600000.
    pub fn validate(&self) -> Result<(), ArgError> {
        if !(1..=16).contains(&self.clients) {
            return Err(ArgError::range(
                "clients",
                "an integer in 1..=16",
                self.clients,
            ));
        }
        if !(1..=1000).contains(&self.keys) {
            return Err(ArgError::range("keys", "an integer in 1..=1000", self.keys));
        }
        if !(1..=3_600_000).contains(&self.timeout) {
            return Err(ArgError::range(
                "timeout",
                "an integer in 1..=3600000 (ms)",
                self.timeout,
            ));
        }
        if !(1..=3_600_000).contains(&self.think) {
            return Err(ArgError::range(
                "think",
                "an integer in 1..=3600000 (ms)",
                self.think,
            ));
        }
        Ok(())
    }
}

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

/// Applies a write to a replica; returns its output.
pub(crate) fn apply(map: &mut BTreeMap<u64, u64>, input: &KvInput) -> KvOutput {
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

/// The replica's pairs as snapshot bytes (key, value little-endian).
pub(crate) fn encode_map(map: &BTreeMap<u64, u64>) -> Vec<u8> {
    let mut b = Vec::with_capacity(map.len() * 16);
    for (k, v) in map {
        b.extend_from_slice(&k.to_le_bytes());
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

/// Parses [`encode_map`]'s bytes (a trailing partial pair is ignored).
pub(crate) fn decode_map(b: &[u8]) -> BTreeMap<u64, u64> {
    b.chunks_exact(16)
        .filter_map(|c| Some((u64_at(c, 0)?, u64_at(c, 8)?)))
        .collect()
}

/// Where a client's current operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Not accepted by any node yet: (re)send at `next_at`.
    Send,
    /// Proposed to this node: done when it applies the entry.
    Write(NodeId),
    /// Read asked of this node: done when it serves the read.
    Read(NodeId),
}

#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub(crate) input: KvInput,
    /// Unique in the run: the entry tag of a write, the context of a read.
    pub(crate) tag: u64,
    pub(crate) call: u64,
    pub(crate) deadline: u64,
    pub(crate) wait: Wait,
    /// Its place in the history, once a node took it.
    pub(crate) hist: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) id: u32,
    /// The node it believes leads.
    pub(crate) target: NodeId,
    pub(crate) next_at: u64,
    pub(crate) issued: u32,
    pub(crate) cur: Option<Current>,
}

/// Every client and the history they recorded.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    pub(crate) cfg: KvConfig,
    pub(crate) rng: Pcg32,
    pub(crate) list: Vec<Client>,
    pub(crate) history: Vec<KvOp>,
    /// The next value to write (each write's value is unique in the run).
    next_value: u64,
    /// The value clients last saw at each key (for compare-and-set).
    seen: BTreeMap<u64, Option<u64>>,
}

impl Clients {
    pub(crate) fn new(cfg: KvConfig, nodes: u32, now: u64) -> Clients {
        let mut rng = Pcg32::seed_from_u64(cfg.seed ^ 0x6b76_5f63_6c69_656e);
        let list = (1..=cfg.clients)
            .map(|id| Client {
                id,
                target: 1 + rng.next_u32() % nodes,
                next_at: now.saturating_add(1 + rng.next_u64() % cfg.think),
                issued: 0,
                cur: None,
            })
            .collect();
        Clients {
            cfg,
            rng,
            list,
            history: Vec::new(),
            next_value: 1,
            seen: BTreeMap::new(),
        }
    }

    /// The earliest client action: (time, client index).
    pub(crate) fn next(&self) -> Option<(u64, usize)> {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, c)| c.next_at != u64::MAX)
            .min_by_key(|(_, c)| c.next_at)
            .map(|(i, c)| (c.next_at, i))
    }

    pub(crate) fn pick(&mut self, n: u64) -> u64 {
        self.rng.next_u64() % n.max(1)
    }

    /// A fresh operation.
    pub(crate) fn new_op(&mut self) -> KvInput {
        let key = self.pick(self.cfg.keys);
        let roll = self.pick(10);
        let value = self.next_value;
        self.next_value += 1;
        if roll < 4 {
            KvInput::Get { key }
        } else if roll < 8 || !self.cfg.cas {
            KvInput::Put { key, value }
        } else {
            // Mostly expect the value last seen at the key, so that some
            // succeed and some fail.
            let expect = match self.pick(4) {
                0 => None,
                1 => Some(1 + self.pick(value)),
                _ => self.seen.get(&key).copied().flatten(),
            };
            KvInput::Cas { key, expect, value }
        }
    }

    /// Completes client `ci`'s operation with `output` at `now`.
    pub(crate) fn complete(&mut self, ci: usize, output: KvOutput, now: u64, node: NodeId) {
        let think = self.pick(self.cfg.think) + 1;
        let c = &mut self.list[ci];
        let Some(cur) = c.cur.take() else {
            return;
        };
        if let Some(h) = cur.hist.and_then(|h| self.history.get_mut(h)) {
            h.output = Some(output);
            h.ret = now;
        }
        let seen = match (cur.input, output) {
            (KvInput::Get { .. }, KvOutput::Value(v)) => Some(v),
            (KvInput::Put { value, .. }, _) | (KvInput::Cas { value, .. }, KvOutput::Cas(true)) => {
                Some(Some(value))
            }
            _ => None,
        };
        if let Some(v) = seen {
            self.seen.insert(cur.input.key(), v);
        }
        c.target = node;
        c.next_at = now.saturating_add(think);
    }

    /// The client waiting on `tag` at `node` for a write or read.
    pub(crate) fn waiting(&self, tag: u64, node: NodeId, write: bool) -> Option<usize> {
        self.list.iter().position(|c| {
            c.cur.as_ref().is_some_and(|cur| {
                cur.tag == tag
                    && cur.wait
                        == if write {
                            Wait::Write(node)
                        } else {
                            Wait::Read(node)
                        }
            })
        })
    }

    /// Whether every client has finished all its operations.
    pub(crate) fn idle(&self) -> bool {
        self.list
            .iter()
            .all(|c| c.cur.is_none() && c.issued >= self.cfg.ops_per_client)
    }
}
