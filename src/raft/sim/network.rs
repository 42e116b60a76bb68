//! The simulated network and its faults: crashes and restarts; latency,
//! loss, duplication and reordering of each message sent; partitions and
//! one-way cuts; delivery in arrival order.

use crate::prelude::*;

use rand_core::Rng;

use super::app::Replica;
use super::{check_rate, Cluster, DropReason, EventKind, MsgInfo, SimError};
use crate::raft::{Message, NodeId};
use crate::ArgError;

/// A message on its way, with what the event log says of it.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub(super) info: MsgInfo,
    pub(super) msg: Message,
}

impl Cluster {
    /// Crashes node `id`: it stops, losing everything not persisted.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.crash(2).unwrap();
    /// assert!(!c.node_state(2).unwrap().up);
    /// assert!(c.crash(2).is_err());
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id, [`SimError::NodeDown`] if it is
    /// already down.
    pub fn crash(&mut self, id: NodeId) -> Result<(), SimError> {
        let i = self.index(id)?;
        let Some(raft) = self.nodes[i].raft.take() else {
            return Err(SimError::NodeDown { id });
        };
        self.nodes[i].conf = raft.conf_state().clone();
        self.nodes[i].app = Replica::default();
        self.record(EventKind::Crash { node: id });
        Ok(())
    }

    /// Restarts node `id` from its persisted state.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.crash(2).unwrap();
    /// c.restart(2).unwrap();
    /// assert!(c.node_state(2).unwrap().up);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id, [`SimError::AlreadyUp`] if it is
    /// running.
    pub fn restart(&mut self, id: NodeId) -> Result<(), SimError> {
        let i = self.index(id)?;
        if self.nodes[i].raft.is_some() {
            return Err(SimError::AlreadyUp { id });
        }
        self.boot(i);
        self.record(EventKind::Restart { node: id });
        if let Some(raft) = &self.nodes[i].raft {
            let (term, commit) = (raft.term(), raft.commit());
            let r = self.checker_hard_state(i, term, commit);
            self.check(r);
        }
        Ok(())
    }

    /// Splits the network into `groups`: nodes in different groups cannot
    /// exchange messages; a node in no group is isolated. Replaces any
    /// previous partition or cut.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(5, 1)).unwrap();
    /// c.partition(&[vec![1, 2], vec![3, 4, 5]]).unwrap();
    /// c.advance(2_000);
    /// let l = c.leader().unwrap();
    /// assert!(l >= 3); // only the majority side can elect
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] (`groups`) if an id is unknown or listed twice.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), SimError> {
        let n = self.cfg.nodes;
        let mut group_of = vec![usize::MAX; n];
        for (g, members) in groups.iter().enumerate() {
            for &id in members {
                let i = self
                    .index(id)
                    .map_err(|_| ArgError::range("groups", format!("node ids in 1..={n}"), id))?;
                if group_of[i] != usize::MAX {
                    return Err(
                        ArgError::range("groups", "each node in at most one group", id).into(),
                    );
                }
                group_of[i] = g;
            }
        }
        for a in 0..n {
            for b in 0..n {
                let same = a == b || (group_of[a] != usize::MAX && group_of[a] == group_of[b]);
                self.cut[a * n + b] = !same;
            }
        }
        self.record(EventKind::Partition {
            groups: groups.to_vec(),
        });
        Ok(())
    }

    /// Isolates node `id` from every other node (both directions).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.isolate(1).unwrap();
    /// c.timeout(1).unwrap();
    /// c.advance(100);
    /// assert_eq!(c.leader(), None);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id.
    pub fn isolate(&mut self, id: NodeId) -> Result<(), SimError> {
        let i = self.index(id)?;
        let n = self.cfg.nodes;
        for j in 0..n {
            if j != i {
                self.cut[i * n + j] = true;
                self.cut[j * n + i] = true;
            }
        }
        let rest: Vec<NodeId> = (1..=n as NodeId).filter(|&x| x != id).collect();
        self.record(EventKind::Partition {
            groups: vec![vec![id], rest],
        });
        Ok(())
    }

    /// Cuts the link from `from` to `to` (one way): messages in that
    /// direction are lost.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.cut(1, 2).unwrap();
    /// assert!(c.cut(1, 1).is_err());
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id or `from == to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        let a = self.index(from)?;
        let b = self.index(to)?;
        if a == b {
            return Err(ArgError::range("to", "a node other than from", to).into());
        }
        self.cut[a * self.cfg.nodes + b] = true;
        self.record(EventKind::Cut { from, to });
        Ok(())
    }

    /// Removes every partition and cut.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.partition(&[vec![1], vec![2], vec![3]]).unwrap();
    /// c.heal();
    /// c.advance(1_000);
    /// assert!(c.leader().is_some());
    /// ```
    pub fn heal(&mut self) {
        self.cut.iter_mut().for_each(|c| *c = false);
        self.record(EventKind::Heal);
    }

    /// Sets the probability that a message is lost.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert!(c.set_drop_rate(1.5).is_err());
    /// c.set_drop_rate(0.2).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] (`dropRate`) outside `[0, 1]`.
    pub fn set_drop_rate(&mut self, p: f64) -> Result<(), SimError> {
        check_rate("dropRate", p)?;
        self.cfg.drop_rate = p;
        Ok(())
    }

    /// Sets the probability that a message is duplicated.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.set_dup_rate(0.1).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] (`dupRate`) outside `[0, 1]`.
    pub fn set_dup_rate(&mut self, p: f64) -> Result<(), SimError> {
        check_rate("dupRate", p)?;
        self.cfg.dup_rate = p;
        Ok(())
    }

    /// Sets the probability that a message is held back (reordered).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.set_reorder_rate(0.3).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] (`reorderRate`) outside `[0, 1]`.
    pub fn set_reorder_rate(&mut self, p: f64) -> Result<(), SimError> {
        check_rate("reorderRate", p)?;
        self.cfg.reorder_rate = p;
        Ok(())
    }

    pub(super) fn deliver_next(&mut self) {
        let Some((&(t, _), _)) = self.flights.iter().next() else {
            return;
        };
        let Some((_, f)) = self.flights.pop_first() else {
            return;
        };
        self.now = self.now.max(t);
        self.steps += 1;
        let to = f.info.to as usize - 1;
        let from = f.info.from as usize - 1;
        if self.nodes[to].raft.is_none() {
            self.record(EventKind::Drop(f.info, DropReason::Crashed));
            return;
        }
        if self.cut[from * self.cfg.nodes + to] {
            self.record(EventKind::Drop(f.info, DropReason::Partition));
            return;
        }
        self.record(EventKind::Deliver(f.info));
        let before = self.lead_term(to);
        if let Some(raft) = self.nodes[to].raft.as_mut() {
            // Every message the simulator routes is addressed correctly.
            let _ = raft.step(f.msg);
        }
        self.process(to, before);
    }

    pub(super) fn rand_unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn latency(&mut self) -> u64 {
        let l = self.cfg.latency;
        let span = l.max - l.min + 1;
        let mut d = l.min + self.rng.next_u64() % span;
        if self.cfg.reorder_rate > 0.0 && self.rand_unit() < self.cfg.reorder_rate {
            d += self.rng.next_u64() % (4 * l.max + 1);
        }
        d
    }

    pub(super) fn send(&mut self, m: Message) {
        let n = self.cfg.nodes;
        let mut info = MsgInfo {
            id: self.next_msg_id,
            kind: m.kind,
            from: m.from,
            to: m.to,
            term: m.term,
            sent: self.now,
            arrive: self.now,
            entries: u32::try_from(m.entries.len()).unwrap_or(u32::MAX),
            reject: m.reject,
        };
        self.next_msg_id += 1;
        let (a, b) = (m.from as usize - 1, m.to as usize - 1);
        if self.cut[a * n + b] {
            self.record(EventKind::Drop(info, DropReason::Partition));
            return;
        }
        if self.cfg.drop_rate > 0.0 && self.rand_unit() < self.cfg.drop_rate {
            self.record(EventKind::Drop(info, DropReason::Lost));
            return;
        }
        let dup = self.cfg.dup_rate > 0.0 && self.rand_unit() < self.cfg.dup_rate;
        if dup {
            let mut info2 = info;
            info2.id = self.next_msg_id;
            self.next_msg_id += 1;
            info2.arrive = self.now + self.latency();
            self.record(EventKind::Send(info2));
            self.seq += 1;
            self.flights.insert(
                (info2.arrive, self.seq),
                InFlight {
                    info: info2,
                    msg: m.clone(),
                },
            );
        }
        info.arrive = self.now + self.latency();
        self.record(EventKind::Send(info));
        self.seq += 1;
        self.flights
            .insert((info.arrive, self.seq), InFlight { info, msg: m });
    }
}
