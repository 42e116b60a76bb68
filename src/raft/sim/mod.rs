//! A deterministic, fault-injecting Raft cluster on virtual time, with an
//! invariant checker that runs after every event.
//!
//! # Model
//!
//! [`Cluster`] holds 1–9 [`RaftNode`]s with ids `1..=n`, each with a
//! [`MemStorage`] that survives its crashes. Time is virtual, in
//! milliseconds. Every live node ticks every `tick` ms (each with its own
//! phase); a message sent at `t` arrives at `t + d`, with `d` drawn uniformly
//! from `latency.min..=latency.max`, plus, with probability `reorderRate`,
//! an extra delay of up to four times `latency.max` (so it overtakes nothing
//! but is overtaken). With probability `dropRate` a message is lost; with
//! probability `dupRate` a second copy is sent with its own latency.
//! Partitions split the nodes into groups that cannot talk; one-way cuts
//! drop messages in one direction only. A message is dropped if its link is
//! cut when it is sent or when it arrives, or if its recipient is down on
//! arrival.
//!
//! After every tick, delivery, proposal or timeout, the node concerned hands
//! over its [`Ready`](crate::raft::Ready) and the simulator honours the
//! contract in one atomic step: entries and hard state to storage, then
//! messages to the network, then committed entries to the (volatile) state
//! machine. A crash therefore keeps exactly what was persisted; a restart
//! rebuilds the node from storage and re-applies from index 1.
//!
//! Optional features follow [`SimConfig`]: pre-vote and check-quorum on
//! every node; log compaction every `snapshot_every` applied entries (the
//! snapshot data is the state fingerprint below, and a restarted node
//! resumes from its snapshot); an initial configuration of the first
//! `voters` nodes, the others waiting outside until
//! [`Cluster::add_learner`], [`Cluster::promote`] and [`Cluster::remove`]
//! change it; [`Cluster::transfer_leader`] hands leadership over.
//!
//! # Key-value clients
//!
//! [`Cluster::start_kv`] runs a small key-value store on top of the log and
//! [`KvConfig::clients`] concurrent clients against it. Each node keeps a
//! replica (a map from `u64` keys to `u64` values), applies the put and
//! compare-and-set commands it finds in committed entries (a 35-byte
//! format: `'K'`, kind, the operation's tag, key, value, expected value),
//! and carries the replica in its snapshots (after the 8-byte state
//! fingerprint). A client has one operation outstanding at a time and
//! sends it to the node it believes leads: a write is proposed there and
//! completes when that node applies it (the answer is that node's result);
//! a get calls [`RaftNode::read_index`] there (a third of the time on a
//! random node, so followers forward) and is answered from that node's
//! replica once it has applied up to the read index. A refused call is
//! retried at the named leader or a random node; an operation not answered
//! within [`KvConfig::timeout`] is recorded with an unknown outcome (it may
//! or may not have taken effect) and the client moves on to another node.
//! A write is therefore accepted by a node at most once and never committed
//! twice, even when its answer is lost with its leader, so the replicas need
//! no client sessions (thesis §6.3); clients that retry an unanswered request,
//! as real ones must, do (see `ClientSessions` in the JavaScript package).
//! [`Cluster::kv_history`] feeds [`linearizability::check_kv`]. The clients
//! draw from their own generator, so a run without them is unchanged.
//!
//! # Determinism
//!
//! All randomness comes from one [`Pcg32`] seeded with `seed` (nodes get
//! generators derived from it), events at equal times run in a fixed order
//! (deliveries by send order, then ticks by node id), and no hash-map order
//! is observable. So the same [`SimConfig`] and the same sequence of calls
//! (or [`Action`]s) give the same [`Event`] log, bit for bit:
//! [`Cluster::history_hash`] fingerprints it.
//!
//! # Checking
//!
//! After every event the checker verifies, over the whole history: Election
//! Safety (one leader per term, ever), Leader Append-Only, Log Matching (by
//! fingerprints of each entry and its prefix), Leader Completeness (checked
//! when a node becomes leader and whenever the committed prefix grows),
//! State Machine Safety, that committed entries never change or vanish,
//! that term and commit index never decrease on a node, and in-order apply.
//! Logs are followed from each node's snapshot on, and every installed
//! snapshot must carry the fingerprint of the committed prefix it claims.
//! None of these depends on a fixed membership; liveness waits only for
//! the members of the leader's configuration.
//! The first failure stops the run and is kept as a [`Violation`] whose
//! report names the seed, the step, the time and every node's log.
//! [`Cluster::check_liveness`] checks, once faults are healed, that a leader
//! appears and every live node applies everything committed within a bound.
//!
//! # Cost
//!
//! Each event costs O(nodes + entries touched) in the checker; the checker
//! keeps one fingerprint per distinct (index, term) ever stored.
//! [`Cluster::state`] borrows the logs rather than copying them, so a
//! visualizer can call it every animation frame.
//!
//! ```
//! use quorumkit::raft::sim::{Cluster, SimConfig};
//! let mut c = Cluster::new(SimConfig::new(5, 1)).unwrap();
//! c.advance(1_000);
//! let old = c.leader().unwrap();
//! c.crash(old).unwrap();
//! c.advance(1_000);
//! let new = c.leader().unwrap();
//! assert_ne!(old, new);
//! c.restart(old).unwrap();
//! c.propose(&b"after"[..]).unwrap();
//! assert_eq!(c.check_liveness(2_000).map(|_| ()), Ok(()));
//! ```

use crate::prelude::*;
mod app;
mod checker;
mod clients;
mod events;
pub mod linearizability;
mod network;

use alloc::collections::BTreeMap;
use core::fmt;
use core::hash::{Hash, Hasher};

use bytes::Bytes;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

pub use checker::{Rule, Violation};
pub use clients::KvConfig;
pub use events::{DropReason, Event, EventKind, MsgInfo};

use self::app::Replica;
use self::checker::{Chain, Checker};
use self::clients::Clients;
use self::linearizability::KvOp;
use self::network::InFlight;
use crate::raft::{
    ConfChange, ConfChangeKind, ConfState, Config, Entry, MemStorage, NodeId, RaftError, RaftNode,
    Role, Storage, NONE,
};
use crate::ArgError;

/// The most nodes a simulated cluster may have.
pub const MAX_NODES: usize = 9;

/// Message latency: uniform in `min..=max` milliseconds.
///
/// # Examples
/// ```
/// let l = quorumkit::raft::sim::Latency { min: 1, max: 10 };
/// assert!(l.min <= l.max);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// The shortest delay, in ms.
    pub min: u64,
    /// The longest delay (before any reordering delay), in ms.
    pub max: u64,
}

/// How a simulated cluster is set up.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::SimConfig;
/// let c = SimConfig::new(3, 42);
/// assert_eq!((c.election_timeout, c.heartbeat, c.tick), (150, 50, 10));
/// assert!(c.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// The number of nodes, 1..=9; ids are `1..=nodes`.
    pub nodes: usize,
    /// Seeds every random choice of the run.
    pub seed: u64,
    /// The base election timeout `et` in ms; timeouts are drawn from
    /// `[et, 2·et)` (rounded to ticks).
    pub election_timeout: u64,
    /// The leader's heartbeat interval in ms (below `election_timeout`).
    pub heartbeat: u64,
    /// The tick interval in ms.
    pub tick: u64,
    /// The message latency.
    pub latency: Latency,
    /// The probability that a message is lost.
    pub drop_rate: f64,
    /// The probability that a message is delivered twice.
    pub dup_rate: f64,
    /// The probability that a message is held back (reordered).
    pub reorder_rate: f64,
    /// Whether to keep the event log (the checker runs either way).
    pub record_events: bool,
    /// Whether nodes run pre-vote ([`Config::pre_vote`]).
    pub pre_vote: bool,
    /// Whether nodes run check-quorum and leader leases
    /// ([`Config::check_quorum`]).
    pub check_quorum: bool,
    /// Each node takes a snapshot (and compacts its log) once it has
    /// applied this many entries past its last one; 0 never compacts.
    pub snapshot_every: u64,
    /// How many of the nodes (ids `1..=voters`) form the initial
    /// configuration; the others start outside it, waiting for
    /// [`Cluster::add_learner`]. 0 means all.
    pub voters: usize,
}

impl SimConfig {
    /// `nodes` nodes seeded with `seed`: election timeout 150 ms, heartbeat
    /// 50 ms, tick 10 ms, latency 5–25 ms, a reliable network, events
    /// recorded, and the optional features (pre-vote, check-quorum, log
    /// compaction) off.
    ///
    /// # Examples
    /// ```
    /// let c = quorumkit::raft::sim::SimConfig::new(5, 7);
    /// assert_eq!(c.latency.max, 25);
    /// ```
    pub fn new(nodes: usize, seed: u64) -> SimConfig {
        SimConfig {
            nodes,
            seed,
            election_timeout: 150,
            heartbeat: 50,
            tick: 10,
            latency: Latency { min: 5, max: 25 },
            drop_rate: 0.0,
            dup_rate: 0.0,
            reorder_rate: 0.0,
            record_events: true,
            pre_vote: false,
            check_quorum: false,
            snapshot_every: 0,
            voters: 0,
        }
    }

    /// Checks every field.
    ///
    /// # Examples
    /// ```
    /// let mut c = quorumkit::raft::sim::SimConfig::new(10, 1);
    /// assert_eq!(c.validate().unwrap_err().param, "nodes");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`] naming the first bad field: `nodes` outside 1..=9;
    /// `tick` outside 1..=60000; `electionTimeout` below `tick` or above
    /// 3600000; `heartbeat` below `tick` or not below `electionTimeout`;
    /// `latency` with `min > max` or `max` above 60000; `dropRate`,
    /// `dupRate` or `reorderRate` outside `[0, 1]`.
    pub fn validate(&self) -> Result<(), ArgError> {
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(ArgError::range("nodes", "an integer in 1..=9", self.nodes));
        }
        if self.voters > self.nodes {
            return Err(ArgError::range(
                "voters",
                format!("0..={} (0: every node)", self.nodes),
                self.voters,
            ));
        }
        if self.tick == 0 || self.tick > 60_000 {
            return Err(ArgError::range(
                "tick",
                "an integer in 1..=60000 (ms)",
                self.tick,
            ));
        }
        if self.election_timeout < self.tick || self.election_timeout > 3_600_000 {
            return Err(ArgError::range(
                "electionTimeout",
                format!(
                    "an integer in {}..=3600000 (ms, at least one tick)",
                    self.tick
                ),
                self.election_timeout,
            ));
        }
        if self.heartbeat < self.tick || self.heartbeat / self.tick >= self.election_ticks() {
            return Err(ArgError::range(
                "heartbeat",
                format!(
                    "at least one tick ({} ms) and below electionTimeout ({} ms)",
                    self.tick, self.election_timeout
                ),
                self.heartbeat,
            ));
        }
        if self.latency.min > self.latency.max || self.latency.max > 60_000 {
            return Err(ArgError::range(
                "latency",
                "min <= max <= 60000 (ms)",
                format!("{}..{}", self.latency.min, self.latency.max),
            ));
        }
        for (name, p) in [
            ("dropRate", self.drop_rate),
            ("dupRate", self.dup_rate),
            ("reorderRate", self.reorder_rate),
        ] {
            check_rate(name, p)?;
        }
        Ok(())
    }

    fn election_ticks(&self) -> u64 {
        (self.election_timeout / self.tick).max(1)
    }
}

fn check_rate(name: &'static str, p: f64) -> Result<(), ArgError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ArgError::range(name, "a probability in [0, 1]", p))
    }
}

/// Why a simulator call was refused.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::SimError;
/// assert_eq!(SimError::NoLeader.to_string(), "no live leader to take the proposal");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SimError {
    /// A bad argument.
    Arg(ArgError),
    /// No live node is leader.
    NoLeader,
    /// The node is down.
    NodeDown {
        /// The node.
        id: NodeId,
    },
    /// The node is up but not the leader.
    NotLeader {
        /// The node asked.
        id: NodeId,
        /// The leader it knows, or 0.
        leader: NodeId,
    },
    /// The node is already up.
    AlreadyUp {
        /// The node.
        id: NodeId,
    },
    /// The run stopped at an invariant violation.
    Stopped,
    /// A membership change is already in progress.
    ConfChangePending,
    /// The node leads but is handing leadership to `to`
    /// ([`Cluster::transfer_leader`]); it refuses proposals until that ends.
    TransferInProgress {
        /// The node asked.
        id: NodeId,
        /// The node taking over.
        to: NodeId,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Arg(e) => e.fmt(f),
            SimError::NoLeader => write!(f, "no live leader to take the proposal"),
            SimError::NodeDown { id } => write!(f, "node {id} is down"),
            SimError::NotLeader { id, leader } => {
                write!(f, "node {id} is not the leader (it knows leader {leader})")
            }
            SimError::AlreadyUp { id } => write!(f, "node {id} is already up"),
            SimError::Stopped => write!(f, "the run stopped at an invariant violation"),
            SimError::ConfChangePending => write!(f, "a membership change is in progress"),
            SimError::TransferInProgress { id, to } => write!(
                f,
                "leader {id} is handing leadership to node {to}: it takes no proposals until that ends"
            ),
        }
    }
}

impl core::error::Error for SimError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            SimError::Arg(e) => Some(e),
            _ => None,
        }
    }
}

impl SimError {
    /// What node `id` refusing a call with `e` means.
    fn refused(id: NodeId, e: RaftError) -> SimError {
        match e {
            RaftError::Arg(a) => SimError::Arg(a),
            RaftError::ConfChangePending => SimError::ConfChangePending,
            RaftError::TransferInProgress { to } => SimError::TransferInProgress { id, to },
            RaftError::NotLeader { leader } => SimError::NotLeader { id, leader },
            // Not reachable from a local call: the message errors.
            _ => SimError::NotLeader { id, leader: NONE },
        }
    }
}

impl From<ArgError> for SimError {
    fn from(e: ArgError) -> Self {
        SimError::Arg(e)
    }
}

/// One call on a [`Cluster`], so a run can be recorded and replayed.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Action, Cluster, SimConfig};
/// let actions = [Action::Advance(500), Action::Propose(b"x".to_vec()), Action::Advance(200)];
/// let a = Cluster::replay(SimConfig::new(3, 9), &actions).unwrap();
/// let b = Cluster::replay(SimConfig::new(3, 9), &actions).unwrap();
/// assert_eq!(a.history_hash(), b.history_hash());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// [`Cluster::advance`].
    Advance(u64),
    /// [`Cluster::step_event`].
    StepEvent,
    /// [`Cluster::crash`].
    Crash(NodeId),
    /// [`Cluster::restart`].
    Restart(NodeId),
    /// [`Cluster::partition`].
    Partition(Vec<Vec<NodeId>>),
    /// [`Cluster::cut`].
    Cut(NodeId, NodeId),
    /// [`Cluster::heal`].
    Heal,
    /// [`Cluster::timeout`].
    Timeout(NodeId),
    /// [`Cluster::propose`].
    Propose(Vec<u8>),
    /// [`Cluster::set_drop_rate`].
    DropRate(f64),
    /// [`Cluster::set_dup_rate`].
    DupRate(f64),
    /// [`Cluster::set_reorder_rate`].
    ReorderRate(f64),
    /// [`Cluster::transfer_leader`].
    TransferLeader(NodeId),
    /// [`Cluster::add_learner`].
    AddLearner(NodeId),
    /// [`Cluster::promote`].
    Promote(NodeId),
    /// [`Cluster::remove`].
    Remove(NodeId),
    /// [`Cluster::conf_change_to`]: a change asked of one node, which may
    /// be a leader cut off from the cluster.
    ConfChangeTo(NodeId, ConfChange),
}

/// A node as the page draws it, borrowed from the cluster (no copying).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Cluster, SimConfig};
/// let c = Cluster::new(SimConfig::new(3, 1)).unwrap();
/// let n = c.node_state(1).unwrap();
/// assert!(n.up && n.log.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeState<'a> {
    /// The node's id.
    pub id: NodeId,
    /// Whether it is running.
    pub up: bool,
    /// Its role (a down node shows as follower).
    pub role: Role,
    /// Its term (persisted term if down).
    pub term: u64,
    /// Its vote in that term, or 0.
    pub vote: NodeId,
    /// The leader it knows, or 0.
    pub leader: NodeId,
    /// Its commit index.
    pub commit: u64,
    /// The last index its state machine applied.
    pub applied: u64,
    /// Its log (term, index, data of each entry) after its snapshot:
    /// `log[k].index == snapshot_index + 1 + k`.
    pub log: &'a [Entry],
    /// The index its latest snapshot covers (0 without compaction).
    pub snapshot_index: u64,
    /// Milliseconds since its election timer was reset.
    pub election_elapsed: u64,
    /// Its current randomized election timeout in ms.
    pub election_timeout: u64,
    /// Its latest configuration (as of its crash if down: what it last
    /// knew, which is also what it restarts with).
    pub conf: &'a ConfState,
}

/// A message in flight, with how far along it is.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Cluster, SimConfig};
/// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
/// c.timeout(1).unwrap();
/// let f: Vec<_> = c.in_flight().collect();
/// assert_eq!(f.len(), 2);
/// assert_eq!(f[0].progress, 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flight {
    /// The message.
    pub msg: MsgInfo,
    /// `(now - sent) / (arrive - sent)`, in `[0, 1]`.
    pub progress: f64,
}

/// Everything the page draws in one frame.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Cluster, SimConfig};
/// let c = Cluster::new(SimConfig::new(3, 1)).unwrap();
/// let s = c.state();
/// assert_eq!((s.time, s.nodes.len(), s.flights.len()), (0, 3, 0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterState<'a> {
    /// Virtual time, in ms.
    pub time: u64,
    /// Every node, by id.
    pub nodes: Vec<NodeState<'a>>,
    /// Every message in flight, by arrival time.
    pub flights: Vec<Flight>,
}

#[derive(Debug, Clone)]
struct SimNode {
    raft: Option<RaftNode>,
    storage: MemStorage,
    /// Fingerprint of each stored entry and its prefix, from the snapshot.
    chain: Chain,
    next_tick: u64,
    boots: u64,
    /// The application: the key-value replica and the reads waiting for
    /// it (volatile).
    app: Replica,
    /// The configuration it last knew while up.
    conf: ConfState,
}

/// A read a node confirmed ([`Cluster::read_index`], or a client's).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Cluster, SimConfig};
/// let mut c = Cluster::new(SimConfig::new(1, 1)).unwrap();
/// c.advance(1_000);
/// c.read_index(1, 9).unwrap();
/// let r = c.reads()[0];
/// assert_eq!((r.node, r.ctx, r.index), (1, 9, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimRead {
    /// The node whose `Ready` handed it out.
    pub node: NodeId,
    /// The read's context.
    pub ctx: u64,
    /// Its read index.
    pub index: u64,
    /// When it was handed out (virtual ms).
    pub time: u64,
}

/// A simulated cluster; see the [module docs](self).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Cluster, SimConfig};
/// let mut cfg = SimConfig::new(3, 5);
/// cfg.drop_rate = 0.1;
/// let mut c = Cluster::new(cfg).unwrap();
/// c.advance(2_000);
/// assert!(c.violations().is_empty());
/// assert!(c.events(0).len() > 10);
/// ```
#[derive(Debug, Clone)]
pub struct Cluster {
    cfg: SimConfig,
    now: u64,
    steps: u64,
    rng: Pcg32,
    nodes: Vec<SimNode>,
    flights: BTreeMap<(u64, u64), InFlight>,
    seq: u64,
    next_msg_id: u64,
    /// `cut[from * n + to]`: messages from `from` to `to` are lost.
    cut: Vec<bool>,
    /// The recorded events from cursor `events_forgotten` on.
    events: Vec<Event>,
    /// How many events [`Cluster::forget_events`] dropped from the front.
    events_forgotten: usize,
    event_count: u64,
    checker: Checker,
    violation: Option<Violation>,
    /// The key-value clients, once started.
    clients: Option<Clients>,
    /// Every read confirmed so far.
    reads: Vec<SimRead>,
}

impl Cluster {
    /// A cluster of fresh nodes at time 0, none of them leader yet.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert!(Cluster::new(SimConfig::new(0, 1)).is_err());
    /// assert_eq!(Cluster::new(SimConfig::new(9, 1)).unwrap().len(), 9);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] if the configuration is invalid (see
    /// [`SimConfig::validate`]).
    pub fn new(cfg: SimConfig) -> Result<Cluster, SimError> {
        cfg.validate()?;
        let n = cfg.nodes;
        let mut rng = Pcg32::seed_from_u64(cfg.seed);
        let mut nodes = Vec::with_capacity(n);
        for _ in 0..n {
            let phase = 1 + u64::from(rng.next_u32()) % cfg.tick;
            nodes.push(SimNode {
                raft: None,
                storage: MemStorage::new(),
                chain: Chain::default(),
                next_tick: phase,
                boots: 0,
                app: Replica::default(),
                conf: ConfState::default(),
            });
        }
        let mut c = Cluster {
            now: 0,
            steps: 0,
            rng,
            nodes,
            flights: BTreeMap::new(),
            seq: 0,
            next_msg_id: 1,
            cut: vec![false; n * n],
            events: Vec::new(),
            events_forgotten: 0,
            event_count: 0,
            checker: Checker::new(n),
            violation: None,
            clients: None,
            reads: Vec::new(),
            cfg,
        };
        for i in 0..n {
            c.boot(i);
        }
        Ok(c)
    }

    /// Runs `actions` on a new cluster, ignoring refused calls (they are
    /// part of the history too).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Action, Cluster, SimConfig};
    /// let c = Cluster::replay(SimConfig::new(3, 1), &[Action::Advance(800)]).unwrap();
    /// assert!(c.leader().is_some());
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] if the configuration is invalid.
    pub fn replay(cfg: SimConfig, actions: &[Action]) -> Result<Cluster, SimError> {
        let mut c = Cluster::new(cfg)?;
        for a in actions {
            let _ = c.apply(a);
        }
        Ok(c)
    }

    /// Performs one [`Action`].
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Action, Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.apply(&Action::Timeout(2)).unwrap();
    /// c.apply(&Action::Advance(100)).unwrap();
    /// assert_eq!(c.leader(), Some(2));
    /// ```
    ///
    /// # Errors
    /// Whatever the corresponding method returns.
    pub fn apply(&mut self, a: &Action) -> Result<(), SimError> {
        match a {
            Action::Advance(ms) => self.advance(*ms),
            Action::StepEvent => {
                self.step_event();
            }
            Action::Crash(id) => self.crash(*id)?,
            Action::Restart(id) => self.restart(*id)?,
            Action::Partition(groups) => self.partition(groups)?,
            Action::Cut(from, to) => self.cut(*from, *to)?,
            Action::Heal => self.heal(),
            Action::Timeout(id) => self.timeout(*id)?,
            Action::Propose(data) => {
                self.propose(data.clone())?;
            }
            Action::DropRate(p) => self.set_drop_rate(*p)?,
            Action::DupRate(p) => self.set_dup_rate(*p)?,
            Action::ReorderRate(p) => self.set_reorder_rate(*p)?,
            Action::TransferLeader(id) => {
                self.transfer_leader(*id)?;
            }
            Action::AddLearner(id) => {
                self.add_learner(*id)?;
            }
            Action::Promote(id) => {
                self.promote(*id)?;
            }
            Action::Remove(id) => {
                self.remove(*id)?;
            }
            Action::ConfChangeTo(id, cc) => {
                self.conf_change_to(*id, *cc)?;
            }
        }
        Ok(())
    }

    // ----- time ---------------------------------------------------------

    /// Runs every event due in the next `ms` milliseconds, then sets the
    /// clock to `now + ms`. Stops early at a violation.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(250);
    /// assert_eq!(c.now(), 250);
    /// ```
    pub fn advance(&mut self, ms: u64) {
        let target = self.now.saturating_add(ms);
        while self.violation.is_none() {
            match self.next_time() {
                Some(t) if t <= target => {
                    self.step_event();
                }
                _ => break,
            }
        }
        if self.violation.is_none() {
            self.now = target;
        }
    }

    /// Runs the next event (a delivery or a tick), moving the clock to it.
    /// Returns false if there is none or the run has stopped.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert!(c.step_event());
    /// assert!(c.now() > 0);
    /// ```
    pub fn step_event(&mut self) -> bool {
        if self.violation.is_some() {
            return false;
        }
        let flight = self.flights.keys().next().map(|&(t, _)| t);
        let tick = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.raft.is_some())
            .min_by_key(|(_, n)| n.next_tick)
            .map(|(i, n)| (n.next_tick, i));
        // Clients act after the cluster's own events of the same time.
        if let Some((ct, ci)) = self.clients.as_ref().and_then(Clients::next) {
            let first = flight.into_iter().chain(tick.map(|t| t.0)).min();
            if first.is_none_or(|t| ct < t) {
                self.now = self.now.max(ct);
                self.steps += 1;
                self.client_step(ci);
                return true;
            }
        }
        match (flight, tick) {
            (Some(ft), Some((tt, _))) if ft <= tt => self.deliver_next(),
            (Some(_), None) => self.deliver_next(),
            (_, Some((tt, i))) => {
                self.now = self.now.max(tt);
                self.steps += 1;
                let before = self.lead_term(i);
                if let Some(raft) = self.nodes[i].raft.as_mut() {
                    raft.tick();
                }
                self.nodes[i].next_tick = tt + self.cfg.tick;
                self.process(i, before);
            }
            (None, None) => return false,
        }
        true
    }

    fn next_time(&self) -> Option<u64> {
        let flight = self.flights.keys().next().map(|&(t, _)| t);
        let tick = self
            .nodes
            .iter()
            .filter(|n| n.raft.is_some())
            .map(|n| n.next_tick)
            .min();
        let client = self.clients.as_ref().and_then(Clients::next).map(|c| c.0);
        [flight, tick, client].into_iter().flatten().min()
    }

    // ----- elections, proposals, membership and reads --------------------

    fn boot(&mut self, i: usize) {
        let id = i as NodeId + 1;
        let voters = if self.cfg.voters == 0 {
            self.cfg.nodes
        } else {
            self.cfg.voters.min(self.cfg.nodes)
        };
        let mut config = Config::new(id, (1..=voters as NodeId).collect());
        config.election_tick = u32::try_from(self.cfg.election_ticks()).unwrap_or(u32::MAX);
        config.heartbeat_tick =
            u32::try_from((self.cfg.heartbeat / self.cfg.tick).max(1)).unwrap_or(u32::MAX);
        config.pre_vote = self.cfg.pre_vote;
        config.check_quorum = self.cfg.check_quorum;
        let node = &mut self.nodes[i];
        node.boots += 1;
        let seed = self
            .cfg
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(u64::from(id) << 32 | node.boots);
        let rng = Pcg32::seed_from_u64(seed);
        // The state machine restarts from the snapshot, if any.
        let snap_index = node.storage.first_index() - 1;
        config.applied = snap_index;
        // The simulator's storage is always consistent and the config valid.
        node.raft = RaftNode::new(config, &node.storage, rng).ok();
        node.app = Replica::default();
        node.app.restore(snap_index, &node.storage.snapshot().data);
        node.next_tick = self.now + 1 + u64::from(self.rng.next_u32()) % self.cfg.tick;
    }

    /// Triggers node `id`'s election timeout now.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// use quorumkit::raft::Role;
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.timeout(3).unwrap();
    /// assert_eq!(c.node_state(3).unwrap().role, Role::Candidate);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id, [`SimError::NodeDown`] if it is
    /// down, [`SimError::Stopped`] after a violation.
    pub fn timeout(&mut self, id: NodeId) -> Result<(), SimError> {
        let i = self.index(id)?;
        self.running()?;
        let before = self.lead_term(i);
        let Some(raft) = self.nodes[i].raft.as_mut() else {
            return Err(SimError::NodeDown { id });
        };
        raft.campaign();
        self.steps += 1;
        self.record(EventKind::Timeout { node: id });
        self.process(i, before);
        Ok(())
    }

    /// Proposes `data` to the current leader (the live leader with the
    /// highest term). Returns the leader and the entry's index.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig, SimError};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert_eq!(c.propose(&b"x"[..]), Err(SimError::NoLeader));
    /// c.advance(1_000);
    /// let (leader, index) = c.propose(&b"x"[..]).unwrap();
    /// assert_eq!(Some(leader), c.leader());
    /// assert!(index >= 2);
    /// ```
    ///
    /// # Errors
    /// [`SimError::NoLeader`] if no live node leads,
    /// [`SimError::TransferInProgress`] while it hands leadership over,
    /// [`SimError::Stopped`] after a violation.
    pub fn propose(&mut self, data: impl Into<Bytes>) -> Result<(NodeId, u64), SimError> {
        self.running()?;
        let id = self.leader().ok_or(SimError::NoLeader)?;
        let index = self.propose_to(id, data)?;
        Ok((id, index))
    }

    /// Proposes `data` to node `id`, which must be leader.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig, SimError};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert_eq!(c.propose_to(1, &b"x"[..]), Err(SimError::NotLeader { id: 1, leader: 0 }));
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id, [`SimError::NodeDown`],
    /// [`SimError::NotLeader`], [`SimError::TransferInProgress`] (the
    /// leader is handing over), [`SimError::Stopped`].
    pub fn propose_to(&mut self, id: NodeId, data: impl Into<Bytes>) -> Result<u64, SimError> {
        let i = self.index(id)?;
        self.running()?;
        let before = self.lead_term(i);
        let Some(raft) = self.nodes[i].raft.as_mut() else {
            return Err(SimError::NodeDown { id });
        };
        let index = raft.propose(data).map_err(|e| SimError::refused(id, e))?;
        self.steps += 1;
        self.record(EventKind::Propose { node: id, index });
        self.process(i, before);
        Ok(index)
    }

    /// Asks the current leader to hand leadership to node `target`
    /// ([`RaftNode::transfer_leader`]); returns the leader asked. The
    /// transfer completes, or is abandoned, as the run goes on.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let old = c.leader().unwrap();
    /// let target = old % 3 + 1;
    /// assert_eq!(c.transfer_leader(target), Ok(old));
    /// c.advance(300);
    /// assert_eq!(c.leader(), Some(target));
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] (`target`) for an unknown id or a non-voter,
    /// [`SimError::NoLeader`], [`SimError::Stopped`].
    pub fn transfer_leader(&mut self, target: NodeId) -> Result<NodeId, SimError> {
        self.index(target)?;
        self.running()?;
        let id = self.leader().ok_or(SimError::NoLeader)?;
        let i = self.index(id)?;
        let before = self.lead_term(i);
        if let Some(raft) = self.nodes[i].raft.as_mut() {
            raft.transfer_leader(target).map_err(|e| match e {
                crate::raft::RaftError::Arg(a) => SimError::Arg(a),
                _ => SimError::NoLeader,
            })?;
        }
        self.steps += 1;
        self.record(EventKind::Transfer {
            from: id,
            to: target,
        });
        self.process(i, before);
        Ok(id)
    }

    /// Asks the leader to add node `id` as a learner (thesis §4.2.1: it
    /// catches up before it votes). Returns the index of the change.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut cfg = SimConfig::new(4, 1);
    /// cfg.voters = 3;
    /// let mut c = Cluster::new(cfg).unwrap();
    /// c.advance(1_000);
    /// c.add_learner(4).unwrap();
    /// c.advance(500);
    /// c.promote(4).unwrap();
    /// c.advance(500);
    /// assert_eq!(c.node(c.leader().unwrap()).unwrap().conf_state().voters.len(), 4);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id or a change the leader refuses
    /// (see [`RaftNode::propose_conf_change`]), [`SimError::NoLeader`],
    /// [`SimError::ConfChangePending`], [`SimError::Stopped`].
    pub fn add_learner(&mut self, id: NodeId) -> Result<u64, SimError> {
        self.conf_change(ConfChange {
            kind: ConfChangeKind::AddLearner,
            node: id,
        })
    }

    /// Asks the leader to make learner `id` a voter (once caught up).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// assert!(c.promote(2).is_err()); // already a voter
    /// ```
    ///
    /// # Errors
    /// As for [`Cluster::add_learner`].
    pub fn promote(&mut self, id: NodeId) -> Result<u64, SimError> {
        self.conf_change(ConfChange {
            kind: ConfChangeKind::AddVoter,
            node: id,
        })
    }

    /// Asks the leader to remove member `id` (a removed leader steps down
    /// once the change commits). The node keeps running, outside the
    /// cluster.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let l = c.leader().unwrap();
    /// c.remove(l % 3 + 1).unwrap();
    /// c.advance(500);
    /// assert_eq!(c.node(c.leader().unwrap()).unwrap().conf_state().voters.len(), 2);
    /// ```
    ///
    /// # Errors
    /// As for [`Cluster::add_learner`].
    pub fn remove(&mut self, id: NodeId) -> Result<u64, SimError> {
        self.conf_change(ConfChange {
            kind: ConfChangeKind::Remove,
            node: id,
        })
    }

    fn conf_change(&mut self, cc: ConfChange) -> Result<u64, SimError> {
        self.index(cc.node)?;
        self.running()?;
        let id = self.leader().ok_or(SimError::NoLeader)?;
        self.conf_change_to(id, cc)
    }

    /// Asks node `id`, which must believe it leads, for membership change
    /// `cc` ([`RaftNode::propose_conf_change`]). Unlike
    /// [`Cluster::add_learner`], [`Cluster::promote`] and
    /// [`Cluster::remove`], which ask the leader of the highest term, this
    /// reaches a leader cut off in a minority too, so a run can make
    /// changes on both sides of a partition.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// use quorumkit::raft::{ConfChange, ConfChangeKind};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let l = c.leader().unwrap();
    /// c.isolate(l).unwrap();
    /// let cc = ConfChange { kind: ConfChangeKind::Remove, node: l % 3 + 1 };
    /// assert!(c.conf_change_to(l, cc).is_ok()); // logged, never committed
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id or a change the node refuses,
    /// [`SimError::NodeDown`], [`SimError::NotLeader`],
    /// [`SimError::ConfChangePending`], [`SimError::Stopped`].
    pub fn conf_change_to(&mut self, id: NodeId, cc: ConfChange) -> Result<u64, SimError> {
        self.index(cc.node)?;
        let i = self.index(id)?;
        self.running()?;
        let before = self.lead_term(i);
        let Some(raft) = self.nodes[i].raft.as_mut() else {
            return Err(SimError::NodeDown { id });
        };
        let index = raft
            .propose_conf_change(cc)
            .map_err(|e| SimError::refused(id, e))?;
        self.steps += 1;
        self.record(EventKind::ConfChange {
            leader: id,
            index,
            node: cc.node,
            voter: cc.kind == ConfChangeKind::AddVoter,
            removed: cc.kind == ConfChangeKind::Remove,
        });
        self.process(i, before);
        Ok(index)
    }

    /// Asks node `id` for a linearizable read tagged `ctx`
    /// ([`RaftNode::read_index`]). When the node confirms it, a [`SimRead`]
    /// is added to [`Cluster::reads`].
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let l = c.leader().unwrap();
    /// c.read_index(l % 3 + 1, 5).unwrap(); // a follower forwards it
    /// c.advance(200);
    /// assert_eq!(c.reads().len(), 1);
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] for an unknown id, [`SimError::NodeDown`],
    /// [`SimError::NotLeader`] (with leader 0) if the node knows no leader,
    /// [`SimError::Stopped`].
    pub fn read_index(&mut self, id: NodeId, ctx: u64) -> Result<(), SimError> {
        let i = self.index(id)?;
        self.running()?;
        let before = self.lead_term(i);
        let Some(raft) = self.nodes[i].raft.as_mut() else {
            return Err(SimError::NodeDown { id });
        };
        raft.read_index(ctx).map_err(|e| SimError::refused(id, e))?;
        self.steps += 1;
        self.process(i, before);
        Ok(())
    }

    /// Every read confirmed so far, in order.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert!(Cluster::new(SimConfig::new(3, 1)).unwrap().reads().is_empty());
    /// ```
    pub fn reads(&self) -> &[SimRead] {
        &self.reads
    }

    /// Starts simulated key-value clients (replacing any earlier ones):
    /// each issues `ops_per_client` operations, one at a time, to the node
    /// it believes leads. Writes (put, compare-and-set) are proposed as log
    /// entries and complete when that node applies them; reads go through
    /// [`RaftNode::read_index`] (a third of them to a random node, so that
    /// followers forward some) and are served from that node's replica once
    /// it has applied up to the read index. A refused call is retried at
    /// another node (the one named as leader, if any); an operation not
    /// answered within `timeout` ms is recorded with an unknown outcome
    /// and the client moves on. [`Cluster::kv_history`] holds the history.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, KvConfig, SimConfig};
    /// use quorumkit::raft::sim::linearizability::check_kv;
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.start_kv(KvConfig::new(3)).unwrap();
    /// c.advance(5_000);
    /// assert!(c.kv_idle());
    /// assert_eq!(c.kv_history().len(), 30);
    /// assert!(check_kv(c.kv_history()).is_ok());
    /// ```
    ///
    /// # Errors
    /// [`SimError::Arg`] if `cfg` is invalid ([`KvConfig::validate`]).
    pub fn start_kv(&mut self, cfg: KvConfig) -> Result<(), SimError> {
        cfg.validate()?;
        self.clients = Some(Clients::new(cfg, self.cfg.nodes as u32, self.now));
        Ok(())
    }

    /// The history the key-value clients recorded: every operation some
    /// node accepted, by invocation order; those without an output timed out
    /// (unknown outcome).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert!(Cluster::new(SimConfig::new(3, 1)).unwrap().kv_history().is_empty());
    /// ```
    pub fn kv_history(&self) -> &[KvOp] {
        self.clients.as_ref().map_or(&[], |k| &k.history)
    }

    /// Whether the key-value clients have all finished (true if none were
    /// started).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert!(Cluster::new(SimConfig::new(3, 1)).unwrap().kv_idle());
    /// ```
    pub fn kv_idle(&self) -> bool {
        self.clients.as_ref().is_none_or(Clients::idle)
    }

    /// The value of `key` in node `id`'s key-value replica (as of its
    /// applied index), if the node is up and the key set.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert_eq!(Cluster::new(SimConfig::new(3, 1)).unwrap().kv_value(1, 0), None);
    /// ```
    pub fn kv_value(&self, id: NodeId, key: u64) -> Option<u64> {
        let n = self.nodes.get((id as usize).checked_sub(1)?)?;
        n.raft.as_ref()?;
        n.app.get(key)
    }

    // ----- observation --------------------------------------------------

    /// The number of nodes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert_eq!(Cluster::new(SimConfig::new(3, 1)).unwrap().len(), 3);
    /// ```
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The configuration in force (rates reflect later changes).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert_eq!(Cluster::new(SimConfig::new(3, 8)).unwrap().config().seed, 8);
    /// ```
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// Virtual time, in ms.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert_eq!(Cluster::new(SimConfig::new(3, 1)).unwrap().now(), 0);
    /// ```
    pub fn now(&self) -> u64 {
        self.now
    }

    /// How many events (ticks, deliveries, drops on arrival, proposals,
    /// timeouts) have run.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(100);
    /// assert!(c.steps() >= 27);
    /// ```
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The live leader with the highest term, if any.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert_eq!(c.leader(), None);
    /// c.advance(1_000);
    /// assert!(c.leader().is_some());
    /// ```
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter_map(|n| n.raft.as_ref())
            .filter(|r| r.role() == Role::Leader)
            .max_by_key(|r| r.term())
            .map(|r| r.id())
    }

    /// The [`RaftNode`] of node `id`, if it is up.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert_eq!(c.node(2).unwrap().id(), 2);
    /// ```
    pub fn node(&self, id: NodeId) -> Option<&RaftNode> {
        self.nodes.get((id as usize).checked_sub(1)?)?.raft.as_ref()
    }

    /// Node `id` as the page draws it.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert!(c.node_state(4).is_none());
    /// assert!(c.node_state(3).unwrap().election_timeout >= 150);
    /// ```
    pub fn node_state(&self, id: NodeId) -> Option<NodeState<'_>> {
        let n = self.nodes.get((id as usize).checked_sub(1)?)?;
        let tick = self.cfg.tick;
        Some(match &n.raft {
            Some(r) => {
                let since_tick = (self.now + tick).saturating_sub(n.next_tick).min(tick - 1);
                NodeState {
                    id,
                    up: true,
                    role: r.role(),
                    term: r.term(),
                    vote: r.vote(),
                    leader: r.leader(),
                    commit: r.commit(),
                    applied: n.app.applied,
                    log: r.entries(),
                    snapshot_index: r.snapshot_index(),
                    election_elapsed: u64::from(r.election_elapsed()) * tick + since_tick,
                    election_timeout: u64::from(r.election_timeout()) * tick,
                    conf: r.conf_state(),
                }
            }
            None => {
                let hs = n.storage.initial_state();
                NodeState {
                    id,
                    up: false,
                    role: Role::Follower,
                    term: hs.term,
                    vote: hs.vote,
                    leader: NONE,
                    commit: hs.commit,
                    applied: 0,
                    log: n.storage.all_entries(),
                    snapshot_index: n.storage.first_index() - 1,
                    election_elapsed: 0,
                    election_timeout: self.cfg.election_ticks() * tick,
                    conf: &n.conf,
                }
            }
        })
    }

    /// Every message in flight, by arrival time.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// assert_eq!(c.in_flight().count(), 0);
    /// ```
    pub fn in_flight(&self) -> impl Iterator<Item = Flight> + '_ {
        let now = self.now;
        self.flights.values().map(move |f| {
            let span = f.info.arrive.saturating_sub(f.info.sent);
            let progress = if span == 0 {
                1.0
            } else {
                (now.saturating_sub(f.info.sent) as f64 / span as f64).min(1.0)
            };
            Flight {
                msg: f.info,
                progress,
            }
        })
    }

    /// A snapshot of every node and message for one animation frame; logs
    /// are borrowed, not copied.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let s = c.state();
    /// assert_eq!(s.nodes.iter().filter(|n| n.role == quorumkit::raft::Role::Leader).count(), 1);
    /// ```
    pub fn state(&self) -> ClusterState<'_> {
        ClusterState {
            time: self.now,
            nodes: (1..=self.nodes.len() as NodeId)
                .filter_map(|id| self.node_state(id))
                .collect(),
            flights: self.in_flight().collect(),
        }
    }

    /// The events recorded since `cursor` (an earlier
    /// [`event_cursor`](Cluster::event_cursor)); `events(0)` is the whole log
    /// unless [`forget_events`](Cluster::forget_events) dropped its start: a
    /// cursor before [`first_event_cursor`](Cluster::first_event_cursor)
    /// gives the events kept, from there on.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// let cur = c.event_cursor();
    /// c.advance(100);
    /// assert_eq!(c.events(cur).len(), c.event_cursor() - cur);
    /// ```
    pub fn events(&self, cursor: usize) -> &[Event] {
        let from = cursor.saturating_sub(self.events_forgotten);
        self.events.get(from..).unwrap_or(&[])
    }

    /// The cursor just past the last recorded event. Cursors count every
    /// event recorded since the start of the run, forgotten or not.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// assert_eq!(Cluster::new(SimConfig::new(3, 1)).unwrap().event_cursor(), 0);
    /// ```
    pub fn event_cursor(&self) -> usize {
        self.events_forgotten + self.events.len()
    }

    /// The cursor of the oldest event kept: 0 unless
    /// [`forget_events`](Cluster::forget_events) dropped some.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// c.forget_events(10);
    /// assert_eq!(c.first_event_cursor(), 10);
    /// ```
    pub fn first_event_cursor(&self) -> usize {
        self.events_forgotten
    }

    /// Forgets the events before cursor `before` (all of them if `before`
    /// is past [`event_cursor`](Cluster::event_cursor)); cursors keep their
    /// meaning. A run animated for hours records millions of events: a
    /// reader that forgets each batch once it has read it keeps memory flat.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// let mut cursor = 0;
    /// for _ in 0..10 {
    ///     c.advance(1_000);
    ///     let read = c.events(cursor).len(); // … draw them …
    ///     cursor += read;
    ///     c.forget_events(cursor);
    /// }
    /// assert_eq!(c.first_event_cursor(), c.event_cursor());
    /// assert!(c.events(0).is_empty());
    /// ```
    pub fn forget_events(&mut self, before: usize) {
        let n = before
            .saturating_sub(self.events_forgotten)
            .min(self.events.len());
        self.events.drain(..n);
        self.events_forgotten += n;
    }

    /// A fingerprint of the whole history (every event, recorded or not):
    /// equal runs give equal hashes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut a = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// let mut b = Cluster::new(SimConfig::new(3, 2)).unwrap();
    /// a.advance(1_000);
    /// b.advance(1_000);
    /// assert_ne!(a.history_hash(), b.history_hash());
    /// ```
    pub fn history_hash(&self) -> u64 {
        self.event_count
    }

    /// The invariant violation that stopped the run, if any (at most one).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// assert!(c.violations().is_empty());
    /// ```
    pub fn violations(&self) -> &[Violation] {
        self.violation.as_slice()
    }

    /// The highest index ever committed by any node.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(3, 1)).unwrap();
    /// c.advance(1_000);
    /// assert_eq!(c.max_commit(), 1); // the leader's no-op
    /// ```
    pub fn max_commit(&self) -> u64 {
        self.checker.max_commit()
    }

    /// Liveness: advances until a leader exists whose term is the highest
    /// among live nodes, then until every live node has applied everything
    /// ever committed plus the leader's own entries. Call it once faults are
    /// healed. Returns the leader.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::{Cluster, SimConfig};
    /// let mut c = Cluster::new(SimConfig::new(5, 3)).unwrap();
    /// c.partition(&[vec![1], vec![2], vec![3], vec![4, 5]]).unwrap();
    /// c.advance(1_000);
    /// c.heal();
    /// assert!(c.check_liveness(3_000).is_ok());
    /// ```
    ///
    /// # Errors
    /// A [`Violation`] (rule [`Rule::Liveness`]) if that takes more than
    /// `within_ms` of virtual time (the run then stops), or the safety
    /// violation that stopped the run.
    pub fn check_liveness(&mut self, within_ms: u64) -> Result<NodeId, Violation> {
        let deadline = self.now.saturating_add(within_ms);
        let step = self.cfg.tick;
        loop {
            if let Some(v) = &self.violation {
                return Err(v.clone());
            }
            if let Some(l) = self.converged_leader() {
                return Ok(l);
            }
            if self.now >= deadline {
                let detail = match self.leader() {
                    None => format!("no leader within {within_ms} ms after the faults healed"),
                    Some(l) => format!(
                        "leader {l} elected, but not every live node applied everything \
                         committed (index {}) within {within_ms} ms",
                        self.max_commit()
                    ),
                };
                self.fail((Rule::Liveness, detail));
                return Err(self
                    .violation
                    .clone()
                    .unwrap_or_else(|| self.make_violation(Rule::Liveness, String::new())));
            }
            self.advance(step.min(deadline - self.now));
        }
    }

    fn converged_leader(&self) -> Option<NodeId> {
        let l = self.node(self.leader()?)?;
        let max_term = self
            .nodes
            .iter()
            .filter_map(|n| n.raft.as_ref())
            .filter(|r| l.conf_state().contains(r.id()))
            .map(|r| r.term())
            .max()?;
        if l.term() < max_term || l.commit() < l.last_index() {
            return None;
        }
        let target = l.last_index().max(self.max_commit());
        // Every live member: nodes outside the leader's configuration
        // (removed, or never added) need not follow.
        let conf = l.conf_state();
        let all = self
            .nodes
            .iter()
            .filter_map(|n| n.raft.as_ref().map(|r| (r.id(), n.app.applied)))
            .filter(|&(id, _)| conf.contains(id))
            .all(|(_, applied)| applied >= target);
        all.then_some(l.id())
    }

    // ----- internals ----------------------------------------------------

    fn index(&self, id: NodeId) -> Result<usize, SimError> {
        let n = self.nodes.len();
        if id == 0 || id as usize > n {
            return Err(ArgError::range("id", format!("a node id in 1..={n}"), id).into());
        }
        Ok(id as usize - 1)
    }

    fn running(&self) -> Result<(), SimError> {
        if self.violation.is_some() {
            Err(SimError::Stopped)
        } else {
            Ok(())
        }
    }

    fn lead_term(&self, i: usize) -> Option<u64> {
        self.nodes[i]
            .raft
            .as_ref()
            .filter(|r| r.role() == Role::Leader)
            .map(|r| r.term())
    }

    fn record(&mut self, kind: EventKind) {
        let ev = Event {
            time: self.now,
            kind,
        };
        let mut h = Fnv64::default();
        self.event_count.hash(&mut h);
        ev.hash(&mut h);
        self.event_count = h.finish();
        if self.cfg.record_events {
            self.events.push(ev);
        }
    }

    /// Handles every Ready of node `i`, honouring the contract atomically,
    /// and runs the checker. `lead_before` is the term it led before the
    /// event, if it was leader.
    fn process(&mut self, i: usize, lead_before: Option<u64>) {
        let id = i as NodeId + 1;
        loop {
            if self.violation.is_some() {
                return;
            }
            let Some(raft) = self.nodes[i].raft.as_mut() else {
                return;
            };
            if !raft.has_ready() {
                return;
            }
            let (role, term) = (raft.role(), raft.term());
            let rd = raft.ready();
            let entries = rd.entries.to_vec();
            let committed_entries = rd.committed_entries.to_vec();
            let (hard_state, soft_state, messages) = (rd.hard_state, rd.soft_state, rd.messages);
            let read_states = rd.read_states;
            let still_leader = lead_before.filter(|&t| role == Role::Leader && term == t);

            // 0. A snapshot from the leader replaces the log; the state
            //    machine restarts from it.
            if let Some(snap) = rd.snapshot {
                let node = &mut self.nodes[i];
                // Received snapshots are always newer than the stored one.
                let _ = node.storage.apply_snapshot(&snap);
                let fp = node.app.restore(snap.index, &snap.data);
                node.chain.snapshot(snap.index, fp);
                self.record(EventKind::Snapshot {
                    node: id,
                    index: snap.index,
                    received: true,
                });
                let r = self.checker.on_snapshot(id, snap.index, fp);
                if !self.check(r) {
                    return;
                }
            }
            // 1. Persist entries, keeping the fingerprints in step.
            if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
                let node = &mut self.nodes[i];
                let old_last = node.storage.last_index();
                // The node never hands out a gap, so this cannot fail.
                let _ = node.storage.append(&entries);
                node.chain.append(&entries);
                let (fi, li, lt) = (first.index, last.index, last.term);
                let commit = node.storage.initial_state().commit;
                let r = self.checker.on_append(
                    id,
                    old_last,
                    fi,
                    &entries,
                    &self.nodes[i].chain,
                    still_leader,
                    commit,
                );
                self.record(EventKind::Append {
                    node: id,
                    first: fi,
                    last: li,
                    term: lt,
                });
                if !self.check(r) {
                    return;
                }
            }
            // 2. Persist the hard state.
            if let Some(hs) = hard_state {
                let prev = self.nodes[i].storage.initial_state();
                self.nodes[i].storage.set_hard_state(hs);
                if hs.vote != NONE && (hs.vote != prev.vote || hs.term != prev.term) {
                    self.record(EventKind::Vote {
                        node: id,
                        term: hs.term,
                        candidate: hs.vote,
                    });
                }
                if hs.commit > prev.commit {
                    self.record(EventKind::Commit {
                        node: id,
                        index: hs.commit,
                    });
                }
                let r = self.checker_hard_state(i, hs.term, hs.commit);
                if !self.check(r) {
                    return;
                }
            }
            // 3. Role changes.
            if let Some(ss) = soft_state {
                self.record(EventKind::Role {
                    node: id,
                    role: ss.role,
                    term,
                    leader: ss.leader,
                });
                if ss.role == Role::Leader {
                    let r = self.checker.on_leader(id, term, &self.nodes[i].chain);
                    if !self.check(r) {
                        return;
                    }
                }
            }
            // 4. Send.
            for m in messages {
                self.send(m);
            }
            // 5. Apply.
            if let (Some(first), Some(last)) = (committed_entries.first(), committed_entries.last())
            {
                let (fi, li) = (first.index, last.index);
                let node = &self.nodes[i];
                let r =
                    self.checker
                        .on_apply(id, node.app.applied, &committed_entries, &node.chain);
                self.nodes[i].app.applied = li;
                self.record(EventKind::Apply {
                    node: id,
                    first: fi,
                    last: li,
                });
                if !self.check(r) {
                    return;
                }
                self.apply_kv(i, &committed_entries);
            }
            // 6. Reads: serve those whose index is applied.
            for rs in read_states {
                self.reads.push(SimRead {
                    node: id,
                    ctx: rs.ctx,
                    index: rs.index,
                    time: self.now,
                });
                self.nodes[i].app.read_wait.push(rs);
            }
            self.serve_reads(i);
            if let Some(raft) = self.nodes[i].raft.as_mut() {
                raft.advance();
            }
            self.maybe_compact(i);
        }
    }
}

/// FNV-1a, 64-bit: folds each event into [`Cluster::history_hash`]. It has no
/// per-process keys, so runs with the same configuration and seed give the
/// same fingerprint.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
