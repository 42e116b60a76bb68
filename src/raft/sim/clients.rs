//! The simulated key-value clients: each issues gets (through ReadIndex),
//! puts and compare-and-sets (through the log) to a node it believes
//! leads, with timeouts and retries, and records the history the
//! linearizability checker reads.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::linearizability::{KvInput, KvOp, KvOutput};
use super::{app, Cluster, SimError};
use crate::raft::{NodeId, NONE};
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

impl Cluster {
    /// One action of key-value client `ci`: give up on a late operation,
    /// start the next one, or (re)send the current one.
    pub(super) fn client_step(&mut self, ci: usize) {
        let now = self.now;
        let nodes = self.cfg.nodes as u64;
        let Some(k) = self.clients.as_mut() else {
            return;
        };
        let think = k.cfg.think;
        let think_pause = 1 + k.pick(think);
        let random = 1 + k.pick(nodes) as NodeId;
        let spread = k.pick(3) == 0;
        let c = &mut k.list[ci];
        if c.cur.as_ref().is_some_and(|cur| now >= cur.deadline) {
            // Timed out: the outcome stays unknown in the history; the
            // client suspects the node and tries another next time.
            c.cur = None;
            c.next_at = now.saturating_add(think_pause);
            c.target = random;
            return;
        }
        if c.cur.is_none() {
            if c.issued >= k.cfg.ops_per_client {
                c.next_at = u64::MAX;
                return;
            }
            c.issued += 1;
            let tag = u64::from(c.id) << 32 | u64::from(c.issued);
            let deadline = now.saturating_add(k.cfg.timeout);
            let input = k.new_op();
            k.list[ci].cur = Some(Current {
                input,
                tag,
                call: now,
                deadline,
                wait: Wait::Send,
                hist: None,
            });
        }
        let c = &mut k.list[ci];
        let Some(cur) = c.cur.as_mut() else {
            return;
        };
        if cur.wait != Wait::Send {
            c.next_at = cur.deadline;
            return;
        }
        let read = matches!(cur.input, KvInput::Get { .. });
        let target = if read && spread { random } else { c.target };
        cur.wait = if read {
            Wait::Read(target)
        } else {
            Wait::Write(target)
        };
        c.next_at = cur.deadline;
        let (tag, input, call, fresh) = (cur.tag, cur.input, cur.call, cur.hist.is_none());
        let client = c.id;
        if fresh {
            let h = k.history.len();
            k.history.push(KvOp {
                client,
                input,
                output: None,
                call,
                ret: 0,
            });
            if let Some(cur) = k.list[ci].cur.as_mut() {
                cur.hist = Some(h);
            }
        }
        let r = match app::encode(tag, &input) {
            None => self.read_index(target, tag),
            Some(data) => self.propose_to(target, data).map(|_| ()),
        };
        if let Err(e) = r {
            // Refused: nothing happened; try again elsewhere soon.
            let Some(k) = self.clients.as_mut() else {
                return;
            };
            let next = match e {
                SimError::NotLeader { leader, .. } if leader != NONE => leader,
                _ => random,
            };
            if fresh {
                k.history.pop();
            }
            let c = &mut k.list[ci];
            if let Some(cur) = c.cur.as_mut() {
                cur.wait = Wait::Send;
                if fresh {
                    cur.hist = None;
                }
                c.next_at = now.saturating_add(think_pause).min(cur.deadline);
            }
            c.target = next;
        }
    }
}
