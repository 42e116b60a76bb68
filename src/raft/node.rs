//! The Raft step machine: [`RaftNode`] and its [`Config`]. What it hands to
//! the application ([`Ready`]), its read queue, its membership history and
//! its majority counting are types of their own beside this file.

use crate::prelude::*;
use core::fmt;

use bytes::Bytes;
use rand_core::Rng;
use rand_pcg::Pcg32;

use super::log::RaftLog;
use super::membership::{self, Membership};
use super::progress::{PeerProgress, Progress, ProgressState};
use super::quorum::{self, VoteResult};
use super::read_only::ReadOnly;
use super::ready::{Ready, ReadyTracker};
use super::storage::{Storage, StorageError};
use super::types::at_most;
use super::types::{
    ConfChange, ConfChangeKind, ConfState, Entry, EntryKind, HardState, Message, MsgKind, NodeId,
    ReadState, Role, Snapshot, SoftState, CAMPAIGN_TRANSFER, MAX_INDEX, MAX_TERM, NONE,
};
use crate::ArgError;

/// The most voters a cluster may have.
pub const MAX_PEERS: usize = 255;

/// How a node is set up.
///
/// # Examples
/// ```
/// use quorumkit::raft::Config;
/// let c = Config::new(1, vec![1, 2, 3]);
/// assert_eq!(c.election_tick, 10);
/// assert!(c.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// This node's id (non-zero).
    pub id: NodeId,
    /// The voters of the initial configuration; ids distinct and non-zero.
    /// A snapshot's configuration, and configuration entries in the log,
    /// take precedence on restart. A node outside it starts passive and
    /// waits for the leader to add it ([`RaftNode::propose_conf_change`]).
    pub peers: Vec<NodeId>,
    /// The learners (non-voting members) of the initial configuration.
    pub learners: Vec<NodeId>,
    /// The base election timeout `et`, in ticks. Each timeout is drawn
    /// uniformly from `[et, 2·et)`.
    pub election_tick: u32,
    /// A leader sends heartbeats every `heartbeat_tick` ticks
    /// (`< election_tick`).
    pub heartbeat_tick: u32,
    /// The most entries in one Append message.
    pub max_entries_per_msg: usize,
    /// The most unacknowledged Append messages to one in-sync follower.
    pub max_inflight_msgs: usize,
    /// The last index the application had applied before a restart; the
    /// first [`Ready::committed_entries`] start after it.
    pub applied: u64,
    /// Pre-vote (thesis §9.6): before starting an election a node asks
    /// whether a quorum would vote for it, without raising its term. A
    /// voter says yes only if the candidate's log is up to date **and** it
    /// has not heard from a leader within the last `election_tick` ticks.
    /// A node cut off from the cluster therefore never inflates its term,
    /// and does not depose a healthy leader when it comes back.
    pub pre_vote: bool,
    /// Check-quorum and leader leases: a leader that has not heard from a
    /// quorum of voters during an election timeout steps down to follower
    /// (so a leader cut off in a minority stops accepting proposals), and a
    /// node that heard from a leader within the last `election_tick` ticks
    /// ignores vote requests of higher terms (thesis §4.2.3 and §6.4), except
    /// those of a leadership transfer.
    pub check_quorum: bool,
}

impl Config {
    /// A configuration with the defaults: `election_tick` 10,
    /// `heartbeat_tick` 1, 256 entries per message, 256 messages in flight,
    /// pre-vote and check-quorum off.
    ///
    /// # Examples
    /// ```
    /// let c = quorumkit::raft::Config::new(2, vec![1, 2, 3]);
    /// assert_eq!(c.heartbeat_tick, 1);
    /// ```
    pub fn new(id: NodeId, peers: Vec<NodeId>) -> Config {
        Config {
            id,
            peers,
            election_tick: 10,
            heartbeat_tick: 1,
            max_entries_per_msg: 256,
            max_inflight_msgs: 256,
            applied: 0,
            pre_vote: false,
            check_quorum: false,
            learners: Vec::new(),
        }
    }

    /// Checks every field.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::Config;
    /// let mut c = Config::new(1, vec![1, 2]);
    /// c.heartbeat_tick = 10;
    /// assert_eq!(c.validate().unwrap_err().param, "heartbeatTick");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`] naming the first bad field: `id` zero; `peers`
    /// empty, too many (more than [`MAX_PEERS`]), with a zero or a
    /// duplicate; `learners` with a zero, a duplicate or a peer; `electionTick` zero or above 2³⁰; `heartbeatTick`
    /// zero or not below `electionTick`; `maxEntriesPerMsg` or
    /// `maxInflightMsgs` zero.
    pub fn validate(&self) -> Result<(), ArgError> {
        if self.id == NONE {
            return Err(ArgError::range("id", "a non-zero node id", 0));
        }
        if self.peers.is_empty() || self.peers.len() > MAX_PEERS {
            return Err(ArgError::range(
                "peers",
                "a list of 1..=255 node ids",
                format!("{} ids", self.peers.len()),
            ));
        }
        for (i, &p) in self.peers.iter().enumerate() {
            if p == NONE || self.peers[..i].contains(&p) {
                return Err(ArgError::range(
                    "peers",
                    "distinct non-zero node ids",
                    format!("{:?}", self.peers),
                ));
            }
        }
        for (i, &p) in self.learners.iter().enumerate() {
            if p == NONE || self.learners[..i].contains(&p) || self.peers.contains(&p) {
                return Err(ArgError::range(
                    "learners",
                    "distinct non-zero node ids that are not peers",
                    format!("{:?}", self.learners),
                ));
            }
        }
        if self.election_tick == 0 || self.election_tick > 1 << 30 {
            return Err(ArgError::range(
                "electionTick",
                "an integer in 1..=2^30",
                self.election_tick,
            ));
        }
        if self.heartbeat_tick == 0 || self.heartbeat_tick >= self.election_tick {
            return Err(ArgError::range(
                "heartbeatTick",
                format!(
                    "an integer in 1..{} (below electionTick)",
                    self.election_tick
                ),
                self.heartbeat_tick,
            ));
        }
        if self.max_entries_per_msg == 0 {
            return Err(ArgError::range("maxEntriesPerMsg", "at least 1", 0));
        }
        if self.max_inflight_msgs == 0 {
            return Err(ArgError::range("maxInflightMsgs", "at least 1", 0));
        }
        Ok(())
    }
}

/// Why a node refused a call.
///
/// # Examples
/// ```
/// use quorumkit::raft::RaftError;
/// let e = RaftError::NotLeader { leader: 2 };
/// assert_eq!(e.to_string(), "this node is not the leader (leader: 2)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RaftError {
    /// A bad argument (configuration).
    Arg(ArgError),
    /// Only the leader accepts proposals; `leader` is the one this node
    /// knows, or [`NONE`].
    NotLeader {
        /// The leader this node knows, or [`NONE`].
        leader: NodeId,
    },
    /// The message is addressed to another node.
    WrongRecipient {
        /// The message's `to`.
        to: NodeId,
    },
    /// The message comes from a node that is not a peer.
    UnknownPeer {
        /// The message's `from`.
        from: NodeId,
    },
    /// Storage could not be read or is inconsistent.
    Storage(StorageError),
    /// Leadership is being handed to `to` ([`RaftNode::transfer_leader`]):
    /// proposals are refused until that ends.
    TransferInProgress {
        /// The node taking over.
        to: NodeId,
    },
    /// A membership change is still uncommitted, or the leader has not yet
    /// committed an entry of its own term: one change at a time (thesis
    /// §4.1).
    ConfChangePending,
    /// The log has reached [`MAX_INDEX`]: no entry can be added.
    LogFull,
    /// The persisted commit index lies beyond the persisted log.
    CommitBeyondLog {
        /// The persisted commit index.
        commit: u64,
        /// The last persisted index.
        last: u64,
    },
}

impl fmt::Display for RaftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RaftError::Arg(e) => e.fmt(f),
            RaftError::NotLeader { leader } if *leader == NONE => {
                write!(f, "this node is not the leader (leader unknown)")
            }
            RaftError::NotLeader { leader } => {
                write!(f, "this node is not the leader (leader: {leader})")
            }
            RaftError::WrongRecipient { to } => {
                write!(f, "message addressed to node {to}, not this node")
            }
            RaftError::UnknownPeer { from } => write!(f, "message from unknown node {from}"),
            RaftError::ConfChangePending => write!(
                f,
                "a membership change is pending (or the leader has not committed in its term yet)"
            ),
            RaftError::TransferInProgress { to } => {
                write!(f, "leadership is being transferred to node {to}")
            }
            RaftError::Storage(e) => write!(f, "storage: {e}"),
            RaftError::LogFull => write!(
                f,
                "the log has reached index 2^53-1, the largest a node keeps: no entry can be added"
            ),
            RaftError::CommitBeyondLog { commit, last } => write!(
                f,
                "persisted commit index {commit} is beyond the persisted log (last index {last})"
            ),
        }
    }
}

impl core::error::Error for RaftError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            RaftError::Arg(e) => Some(e),
            RaftError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ArgError> for RaftError {
    fn from(e: ArgError) -> Self {
        RaftError::Arg(e)
    }
}

impl From<StorageError> for RaftError {
    fn from(e: StorageError) -> Self {
        RaftError::Storage(e)
    }
}

/// A Raft node with no I/O: the application moves time forward with
/// [`tick`](RaftNode::tick), feeds it messages with [`step`](RaftNode::step),
/// proposes commands with [`propose`](RaftNode::propose), and collects what to
/// persist, send and apply with [`ready`](RaftNode::ready), then calls
/// [`advance`](RaftNode::advance).
///
/// # Examples
/// Three nodes in one process, messages delivered by hand:
/// ```
/// use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
/// use rand_core::SeedableRng;
/// let peers = vec![1, 2, 3];
/// let mut stores = vec![MemStorage::new(), MemStorage::new(), MemStorage::new()];
/// let mut nodes: Vec<RaftNode> = (1..=3)
///     .map(|id| {
///         let rng = rand_pcg::Pcg32::seed_from_u64(id as u64);
///         RaftNode::new(Config::new(id, peers.clone()), &stores[id as usize - 1], rng).unwrap()
///     })
///     .collect();
/// nodes[0].campaign();
/// let mut applied = Vec::new();
/// let mut proposed = false;
/// for _ in 0..20 {
///     if !proposed && nodes[0].role() == Role::Leader {
///         nodes[0].propose(&b"x=1"[..]).unwrap();
///         proposed = true;
///     }
///     let mut inbox = Vec::new();
///     for (i, n) in nodes.iter_mut().enumerate() {
///         let rd = n.ready();
///         stores[i].append(rd.entries).unwrap();
///         if let Some(hs) = rd.hard_state {
///             stores[i].set_hard_state(hs);
///         }
///         inbox.extend(rd.messages);
///         if i == 0 {
///             applied.extend(rd.committed_entries.iter().filter(|e| !e.data.is_empty()).cloned());
///         }
///         n.advance();
///     }
///     for m in inbox {
///         let to = m.to as usize - 1;
///         nodes[to].step(m).unwrap();
///     }
/// }
/// assert_eq!(applied.len(), 1);
/// assert_eq!(&applied[0].data[..], b"x=1");
/// ```
#[derive(Debug, Clone)]
pub struct RaftNode {
    id: NodeId,
    term: u64,
    vote: NodeId,
    role: Role,
    leader: NodeId,
    log: RaftLog,
    /// One per member of the configuration in force (voters, then
    /// learners), plus this node's own when it is not a member
    /// ([`Membership::progress`]).
    prs: Vec<Progress>,
    /// This node's position in `prs`.
    me: usize,
    election_elapsed: u32,
    heartbeat_elapsed: u32,
    election_tick: u32,
    heartbeat_tick: u32,
    randomized_timeout: u32,
    pre_vote: bool,
    check_quorum: bool,
    /// The voter leadership is being handed to, or [`NONE`].
    lead_transferee: NodeId,
    /// The latest snapshot (taken or received), sent to followers that
    /// need compacted entries.
    snapshot: Option<Snapshot>,
    /// A received snapshot the next `Ready` hands over.
    pending_snapshot: Option<Snapshot>,
    /// The configuration at the compaction point and each one the log
    /// leads to; the latest is in force (thesis §4.1: on append, committed
    /// or not).
    membership: Membership,
    max_entries_per_msg: usize,
    max_inflight: usize,
    msgs: Vec<Message>,
    /// An empty vector handed back by [`RaftNode::recycle_messages`], taken
    /// as the next message buffer so that `ready()` allocates nothing.
    spare_msgs: Vec<Message>,
    /// Proposals were appended since the last broadcast: `ready()` sends them.
    pending_bcast: bool,
    rng: Pcg32,
    /// What the last `Ready` handed out, and the states acknowledged.
    ready: ReadyTracker,
    /// Linearizable reads: waiting, pending a round, confirmed.
    reads: ReadOnly,
}

impl RaftNode {
    /// Starts (or restarts) a node from what `storage` holds: its hard state
    /// and log. A fresh storage gives a follower at term 0 with an empty
    /// log. `rng` draws the randomized election timeouts; seed it per node.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, Entry, HardState, MemStorage, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut s = MemStorage::new();
    /// s.append(&[Entry::new(3, 1, &b"a"[..])]).unwrap();
    /// s.set_hard_state(HardState { term: 3, vote: 2, commit: 1 });
    /// let n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &s, rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!((n.term(), n.vote(), n.commit(), n.last_index()), (3, 2, 1, 1));
    /// ```
    ///
    /// # Errors
    /// [`RaftError::Arg`] if the configuration is invalid, or storage holds
    /// what this node never persists (`storage.…`: a term above
    /// [`MAX_TERM`], an index above [`MAX_INDEX`], a snapshot configuration
    /// with a zero or repeated id, a membership change its configuration
    /// does not allow); [`RaftError::Storage`] if the log cannot be read,
    /// and [`RaftError::CommitBeyondLog`] if the persisted commit index
    /// lies beyond the persisted log.
    pub fn new<S: Storage + ?Sized>(
        config: Config,
        storage: &S,
        rng: Pcg32,
    ) -> Result<RaftNode, RaftError> {
        config.validate()?;
        let hs = storage.initial_state();
        let snap = storage.snapshot();
        let first = storage.first_index();
        let last = storage.last_index();
        let entries = storage.entries(first, last.saturating_add(1))?;
        let offset = first.saturating_sub(1);
        let offset_term = storage.term(offset)?;
        if hs.commit > last {
            return Err(RaftError::CommitBeyondLog {
                commit: hs.commit,
                last,
            });
        }
        check_stored(&hs, &snap, last)?;
        let applied = config.applied.min(hs.commit).max(offset);
        let log = RaftLog {
            entries,
            offset,
            offset_term,
            committed: hs.commit.max(offset),
            applied,
            stabled: last,
            written_from: offset + 1,
        };
        let base = if snap.index > 0 && !snap.conf.voters.is_empty() {
            snap.conf.clone()
        } else {
            ConfState {
                voters: config.peers.clone(),
                learners: config.learners.clone(),
            }
        };
        let me = 0;
        let prs = vec![Progress::new(config.id, log.last_index() + 1)];
        let mut node = RaftNode {
            id: config.id,
            term: hs.term,
            vote: hs.vote,
            role: Role::Follower,
            leader: NONE,
            log,
            prs,
            me,
            election_elapsed: 0,
            heartbeat_elapsed: 0,
            election_tick: config.election_tick,
            heartbeat_tick: config.heartbeat_tick,
            randomized_timeout: config.election_tick,
            pre_vote: config.pre_vote,
            check_quorum: config.check_quorum,
            lead_transferee: NONE,
            snapshot: (snap.index > 0).then_some(snap),
            pending_snapshot: None,
            membership: Membership::new(base),
            max_entries_per_msg: config.max_entries_per_msg,
            max_inflight: config.max_inflight_msgs,
            msgs: Vec::new(),
            spare_msgs: Vec::new(),
            pending_bcast: false,
            rng,
            ready: ReadyTracker::default(),
            reads: ReadOnly::default(),
        };
        membership::check_entries(
            node.membership.current().clone(),
            node.log.entries.iter(),
            "storage.entries",
        )?;
        node.sync_conf();
        node.reset_randomized_timeout();
        node.ready = ReadyTracker::new(node.hard_state(), node.soft_state(), node.log.applied);
        Ok(node)
    }

    // ----- inputs -------------------------------------------------------

    /// Moves logical time one tick forward. A follower or candidate whose
    /// randomized election timeout elapses starts an election (§5.2); a
    /// leader sends heartbeats every `heartbeat_tick` ticks.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// for _ in 0..20 { n.tick(); } // 20 ticks >= any timeout in [10, 20)
    /// assert_eq!(n.role(), Role::Candidate);
    /// ```
    pub fn tick(&mut self) {
        match self.role {
            Role::Leader => {
                self.heartbeat_elapsed += 1;
                self.election_elapsed = self.election_elapsed.saturating_add(1);
                if self.election_elapsed >= self.election_tick {
                    self.election_elapsed = 0;
                    // A transfer that did not finish within an election
                    // timeout is abandoned (§3.10).
                    self.lead_transferee = NONE;
                    if self.check_quorum && !self.quorum_active() {
                        // Cut off from a quorum for a whole election
                        // timeout: stop leading.
                        self.become_follower(self.term, NONE);
                        return;
                    }
                }
                if self.heartbeat_elapsed >= self.heartbeat_tick {
                    self.heartbeat_elapsed = 0;
                    self.bcast_heartbeat();
                }
            }
            _ => {
                self.election_elapsed = self.election_elapsed.saturating_add(1);
                if self.election_elapsed >= self.randomized_timeout && self.promotable() {
                    self.campaign();
                }
            }
        }
    }

    /// Starts an election now, as if the election timeout had elapsed
    /// (a leader ignores it).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!((n.role(), n.term(), n.vote()), (Role::Candidate, 1, 1));
    /// ```
    pub fn campaign(&mut self) {
        // A node at MAX_TERM has no term left to campaign in; it can still
        // follow a leader of that term.
        if self.role == Role::Leader || !self.promotable() || self.term >= MAX_TERM {
            return;
        }
        if self.pre_vote {
            self.become_pre_candidate();
            self.request_votes(MsgKind::PreVote, 0);
        } else {
            self.become_candidate();
            self.request_votes(MsgKind::Vote, 0);
        }
    }

    /// Votes for itself, then asks every other voter; `kind` is
    /// [`MsgKind::Vote`] or [`MsgKind::PreVote`] (at term + 1).
    fn request_votes(&mut self, kind: MsgKind, context: u64) {
        self.prs[self.me].vote = Some(true);
        if self.poll() {
            return;
        }
        let term = if kind == MsgKind::PreVote {
            self.term.saturating_add(1)
        } else {
            self.term
        };
        let (index, log_term) = (self.log.last_index(), self.log.last_term());
        for i in 0..self.prs.len() {
            if i == self.me {
                continue;
            }
            let mut m = Message::new(kind, self.id, self.prs[i].id, term);
            m.index = index;
            m.log_term = log_term;
            m.context = context;
            self.msgs.push(m);
        }
    }

    /// Proposes `data` as a new log entry and returns its index. Only the
    /// leader accepts; the entry goes out to followers with the next
    /// [`ready`](RaftNode::ready), so proposals made together travel together.
    /// A proposal is not durable until it is committed: if leadership is
    /// lost first it may be overwritten.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftError, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.propose(&b"a"[..]), Err(RaftError::NotLeader { leader: 0 }));
    /// n.campaign(); // a single node wins at once
    /// assert_eq!(n.propose(&b"a"[..]), Ok(2)); // after the no-op at 1
    /// ```
    ///
    /// # Errors
    /// [`RaftError::NotLeader`] unless this node is the leader,
    /// [`RaftError::TransferInProgress`] while it hands leadership over,
    /// [`RaftError::LogFull`] once its log has reached [`MAX_INDEX`].
    pub fn propose(&mut self, data: impl Into<Bytes>) -> Result<u64, RaftError> {
        self.check_accepting()?;
        if self.log.last_index() >= MAX_INDEX {
            return Err(RaftError::LogFull);
        }
        let index = self.log.last_index() + 1;
        self.append_own(Entry {
            term: self.term,
            index,
            data: data.into(),
            kind: EntryKind::Normal,
        });
        self.pending_bcast = true;
        Ok(index)
    }

    /// Asks for a linearizable read (thesis §6.4, etcd's ReadOnlySafe):
    /// the node answers with a [`ReadState`] `{ index, ctx }` in a later
    /// [`Ready::read_states`], and the application then serves the read from
    /// its state machine once it has applied up to `index`. `ctx` is the
    /// application's tag for the request (echoed back; the node never reads
    /// it), so make it unique among the reads in flight.
    ///
    /// - On a leader that has committed an entry of its current term, the
    ///   read index is the commit index now; the leader confirms it still
    ///   leads with a heartbeat round (its round number travels in
    ///   [`Message::context`]) and answers once a quorum of voters has
    ///   acknowledged that round or a later one. Reads taken in between two
    ///   `ready()` calls share one round. A single voter answers at once.
    /// - A leader that has not yet committed an entry of its term (just
    ///   elected; its no-op is in flight) holds the read and starts it as
    ///   soon as it commits one: the request **waits**.
    /// - A follower (or learner) that knows a leader forwards the request
    ///   ([`MsgKind::ReadIndex`]); the leader answers with
    ///   [`MsgKind::ReadIndexResp`] and the read state appears here.
    ///
    /// Reads not yet confirmed are **dropped** when the leader stops leading
    /// (a new term, check-quorum, removal), and a forwarded request or
    /// answer may be lost on the network: nothing is ever answered wrongly,
    /// but a read may go unanswered, so the application retries after a
    /// timeout. A leader cut off from a quorum never answers.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode, ReadState};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign(); // a single voter leads and commits its no-op at once
    /// n.read_index(42).unwrap();
    /// let rd = n.ready();
    /// assert_eq!(rd.read_states, vec![ReadState { index: 1, ctx: 42 }]);
    /// ```
    ///
    /// # Errors
    /// [`RaftError::NotLeader`] with `leader` [`NONE`] if this node neither
    /// leads nor knows a leader (a candidate, or a follower between terms):
    /// the request is refused, not queued.
    pub fn read_index(&mut self, ctx: u64) -> Result<(), RaftError> {
        if self.role == Role::Leader {
            self.take_read(ctx, self.id);
            return Ok(());
        }
        if self.leader == NONE || self.role != Role::Follower {
            return Err(RaftError::NotLeader { leader: NONE });
        }
        let mut m = Message::new(MsgKind::ReadIndex, self.id, self.leader, self.term);
        m.context = ctx;
        self.msgs.push(m);
        Ok(())
    }

    /// A leader takes in a read from `from` (itself or a follower).
    fn take_read(&mut self, ctx: u64, from: NodeId) {
        if self.log.term(self.log.committed) != Some(self.term) {
            // Until an entry of this term commits, the commit index may lag
            // entries earlier leaders committed: wait for it.
            self.reads.wait(ctx, from);
            return;
        }
        self.reads.add(ctx, self.log.committed, from);
        self.release_reads();
    }

    /// Answers every pending read whose round (or a later one) a quorum of
    /// voters has acknowledged; this node counts for every round.
    fn release_reads(&mut self) {
        if !self.reads.has_pending() {
            return;
        }
        let me = self.me;
        let acks = self
            .prs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.voter)
            .map(move |(i, p)| if i == me { u64::MAX } else { p.read_ack });
        let Some(confirmed) = quorum::committed_index(acks) else {
            return;
        };
        let (id, term, msgs) = (self.id, self.term, &mut self.msgs);
        self.reads.confirm(confirmed, id, |r| {
            let mut m = Message::new(MsgKind::ReadIndexResp, id, r.from, term);
            m.index = r.index;
            m.context = r.ctx;
            msgs.push(m);
        });
    }

    /// Hands leadership to voter `target` (thesis §3.10): the leader stops
    /// taking proposals, brings `target`'s log up to date, then sends it
    /// [`MsgKind::TimeoutNow`], on which `target` starts an election at once
    /// (skipping pre-vote and leases) and, with the most up-to-date log,
    /// wins it. A transfer that has not completed within an election
    /// timeout is abandoned and proposals resume. Transferring to the
    /// leader itself does nothing.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, Message, MsgKind, RaftError, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// let mut g = Message::new(MsgKind::VoteResp, 2, 1, 1);
    /// n.step(g).unwrap();
    /// n.ready(); n.advance();
    /// let mut ack = Message::new(MsgKind::AppendResp, 2, 1, 1);
    /// ack.index = 1; // node 2 holds the no-op: it is caught up
    /// n.step(ack).unwrap();
    /// n.ready(); n.advance();
    /// n.transfer_leader(2).unwrap();
    /// assert!(n.ready().messages.iter().any(|m| m.kind == MsgKind::TimeoutNow));
    /// assert_eq!(n.propose(&b"x"[..]), Err(RaftError::TransferInProgress { to: 2 }));
    /// ```
    ///
    /// # Errors
    /// [`RaftError::NotLeader`] unless this node leads;
    /// [`RaftError::Arg`] (`target`) if `target` is not a voter.
    pub fn transfer_leader(&mut self, target: NodeId) -> Result<(), RaftError> {
        if self.role != Role::Leader {
            return Err(RaftError::NotLeader {
                leader: self.leader,
            });
        }
        if target == self.id {
            return Ok(());
        }
        let Some(i) = self.peer_index(target) else {
            return Err(ArgError::range("target", "a voter of the cluster", target).into());
        };
        if self.lead_transferee == target {
            return Ok(());
        }
        self.lead_transferee = target;
        self.election_elapsed = 0;
        if self.prs[i].matched == self.log.last_index() {
            self.send_timeout_now(i);
        } else {
            self.send_append(i, true);
        }
        Ok(())
    }

    /// Compacts the log (§7): records a snapshot of the application's state
    /// at `index` (which it must have applied), with `data` supplied by the
    /// application, and drops the entries up to `index` from memory.
    /// Returns the snapshot: persist it (e.g.
    /// [`MemStorage::apply_snapshot`](super::MemStorage::apply_snapshot)),
    /// which lets storage drop the same entries. Followers that later need
    /// them get the snapshot.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode, Storage};
    /// use rand_core::SeedableRng;
    /// let mut s = MemStorage::new();
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &s, rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// n.propose(&b"a"[..]).unwrap();
    /// let rd = n.ready();
    /// s.append(rd.entries).unwrap();
    /// n.advance();
    /// let snap = n.compact(2, &b"state after a"[..]).unwrap();
    /// s.apply_snapshot(&snap).unwrap();
    /// assert_eq!((n.snapshot_index(), n.entries().len(), s.first_index()), (2, 0, 3));
    /// ```
    ///
    /// # Errors
    /// [`RaftError::Arg`] (`index`) unless the snapshot index is above the
    /// current one and at most the applied index.
    pub fn compact(&mut self, index: u64, data: impl Into<Bytes>) -> Result<Snapshot, RaftError> {
        let Some(term) = self
            .log
            .term(index)
            .filter(|_| index > self.log.offset && index <= self.log.applied)
        else {
            return Err(ArgError::range(
                "index",
                format!(
                    "an applied index in {}..={}",
                    self.log.offset + 1,
                    self.log.applied
                ),
                index,
            )
            .into());
        };
        let snap = Snapshot {
            index,
            term,
            conf: self.membership.compact(index),
            data: data.into(),
        };
        self.log.compact_to(index, term);
        self.snapshot = Some(snap.clone());
        Ok(snap)
    }

    /// The index of the latest snapshot (0 if none): entries up to it are
    /// no longer in memory.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.snapshot_index(), 0);
    /// ```
    pub fn snapshot_index(&self) -> u64 {
        self.log.offset
    }

    /// The voter leadership is being transferred to, or [`NONE`].
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode, NONE};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.lead_transferee(), NONE);
    /// ```
    pub fn lead_transferee(&self) -> NodeId {
        self.lead_transferee
    }

    /// The configuration in force: the latest in the log.
    fn conf(&self) -> &ConfState {
        self.membership.current()
    }

    /// Brings the configuration history in line with the log after entries
    /// from `log.written_from` on were (re)written, then rebuilds the
    /// progress table.
    fn sync_conf(&mut self) {
        let from = core::mem::replace(&mut self.log.written_from, u64::MAX);
        if from != u64::MAX {
            let written = self.log.slice(
                from.max(self.log.offset + 1),
                self.log.last_index(),
                usize::MAX,
            );
            self.membership.rewrite(from, written);
        }
        self.rebuild_progress();
    }

    /// One progress per member, plus this node's own even if it is not a
    /// member; known members keep theirs.
    fn rebuild_progress(&mut self) {
        let old = core::mem::take(&mut self.prs);
        (self.prs, self.me) = self
            .membership
            .progress(old, self.id, self.log.last_index());
        if self.lead_transferee != NONE && !self.conf().is_voter(self.lead_transferee) {
            self.lead_transferee = NONE;
        }
    }

    /// Whether this node may campaign: it votes in its latest
    /// configuration, or in the committed one (a node whose uncommitted
    /// entries remove it may hold the only up-to-date log; it can still win
    /// a majority of its latest configuration and finish the change).
    fn promotable(&self) -> bool {
        self.prs[self.me].voter || self.membership.at(self.log.committed).is_voter(self.id)
    }

    /// After a commit: a leader that is no longer a voter steps down once
    /// the configuration that removed it is committed (thesis §4.2.2).
    fn maybe_step_down_removed(&mut self) {
        if self.role == Role::Leader
            && !self.prs[self.me].voter
            && self
                .membership
                .last_change()
                .is_none_or(|at| at <= self.log.committed)
        {
            self.become_follower(self.term, NONE);
        }
    }

    /// Proposes a single-server membership change (thesis §4.1): it takes
    /// effect on every node as soon as the entry is in its log, so only one
    /// may be uncommitted at a time, and a new leader first commits an entry
    /// of its own term (the known fix for single-server changes). A node is
    /// added as a learner, catches up, and only then is promoted: promotion
    /// requires its log to reach the leader's commit index.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{ConfChange, ConfChangeKind, Config, MemStorage, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign(); // a single voter: leader, no-op committed at once
    /// let at = n.propose_conf_change(ConfChange { kind: ConfChangeKind::AddLearner, node: 2 }).unwrap();
    /// assert_eq!(at, 2);
    /// assert_eq!(n.conf_state().learners, vec![2]);
    /// ```
    ///
    /// # Errors
    /// [`RaftError::NotLeader`], [`RaftError::TransferInProgress`],
    /// [`RaftError::ConfChangePending`], [`RaftError::LogFull`], and
    /// [`RaftError::Arg`] (`change`) for a change that does nothing or is
    /// not allowed ([`ConfChange::check`]): adding a member twice or node 0,
    /// promoting a node that is not a caught-up learner, removing a
    /// non-member or the last voter.
    pub fn propose_conf_change(&mut self, change: ConfChange) -> Result<u64, RaftError> {
        self.check_accepting()?;
        if self
            .membership
            .last_change()
            .is_some_and(|at| at > self.log.committed)
            || self.log.term(self.log.committed) != Some(self.term)
        {
            return Err(RaftError::ConfChangePending);
        }
        if change.kind == ConfChangeKind::AddVoter
            && !(self.conf().learners.contains(&change.node)
                && self
                    .prs
                    .iter()
                    .any(|p| p.id == change.node && p.matched >= self.log.committed))
        {
            return Err(ArgError::range(
                "change",
                "a learner whose log has reached the commit index",
                format!("{change:?}"),
            )
            .into());
        }
        let next = change.check(self.conf())?;
        if self.log.last_index() >= MAX_INDEX {
            return Err(RaftError::LogFull);
        }
        let index = self.log.last_index() + 1;
        self.append_own(Entry {
            term: self.term,
            index,
            data: Bytes::copy_from_slice(&change.encode()),
            kind: EntryKind::ConfChange,
        });
        self.membership.push(index, self.term, next);
        self.rebuild_progress();
        self.pending_bcast = true;
        if self.maybe_commit() {
            self.maybe_step_down_removed();
        }
        Ok(index)
    }

    /// Whether this node takes proposals: it leads, and is not handing
    /// leadership over.
    fn check_accepting(&self) -> Result<(), RaftError> {
        if self.role != Role::Leader {
            return Err(RaftError::NotLeader {
                leader: self.leader,
            });
        }
        if self.lead_transferee != NONE {
            return Err(RaftError::TransferInProgress {
                to: self.lead_transferee,
            });
        }
        Ok(())
    }

    /// The configuration in force (the latest in the log, committed or
    /// not).
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.conf_state().voters, vec![1, 2, 3]);
    /// ```
    pub fn conf_state(&self) -> &ConfState {
        self.conf()
    }

    fn send_timeout_now(&mut self, i: usize) {
        let m = Message::new(MsgKind::TimeoutNow, self.id, self.prs[i].id, self.term);
        self.msgs.push(m);
    }

    /// Feeds a message from a peer into the node.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, Message, MsgKind, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.step(Message::new(MsgKind::Heartbeat, 2, 1, 5)).unwrap();
    /// assert_eq!((n.term(), n.leader()), (5, 2));
    /// ```
    ///
    /// # Errors
    /// The message is then ignored, and the node is unchanged:
    /// [`RaftError::WrongRecipient`] if `msg.to` is not this node,
    /// [`RaftError::UnknownPeer`] if `msg.from` is this node or 0, or an
    /// answer comes from outside the configuration, and [`RaftError::Arg`]
    /// (`message.…`) for a message no correct peer sends: a term above
    /// [`MAX_TERM`] − 1 (a node must be able to start one more election),
    /// an index, commit, hint or context above [`MAX_INDEX`], entries that
    /// do not follow `index` one by one or whose terms go down, a snapshot without voters or with a zero or repeated id,
    /// and membership changes the configuration they change does not allow
    /// ([`ConfChange::check`]).
    pub fn step(&mut self, m: Message) -> Result<(), RaftError> {
        if m.to != self.id {
            return Err(RaftError::WrongRecipient { to: m.to });
        }
        if m.from == self.id || m.from == NONE {
            return Err(RaftError::UnknownPeer { from: m.from });
        }
        m.check()?;
        if m.kind == MsgKind::Append
            && m.term >= self.term
            && self.log.match_term(m.index, m.log_term)
        {
            // Where the log matches the leader's, its membership changes
            // apply to the configuration this node has there: check them
            // as the leader did, before anything is appended.
            let base = m.index.max(self.log.offset);
            let entries = m.entries.iter().filter(|e| e.index > base);
            membership::check_entries(self.membership.at(base), entries, "message.entries")?;
        }
        // Requests from outside this node's latest configuration are served
        // as from members (thesis §4.1): a server votes for such a candidate
        // and follows such a leader, whose log may hold a configuration this
        // node lacks yet, or whose configuration this node's uncommitted
        // entries will lose. Refusing them can leave a healed cluster with no
        // electable node. Answers only count from members.
        let from_idx = self.peer_index(m.from);
        let Some(from_idx) = from_idx.or(if m.kind.is_response() {
            None
        } else {
            Some(usize::MAX)
        }) else {
            return Err(RaftError::UnknownPeer { from: m.from });
        };
        if m.term > self.term {
            // Minimum election timeout (§4.2.3): a leader was heard from
            // within it, so this candidate is disruptive (removed, or cut
            // off and back): ignore it, term unchanged. Always for a
            // candidate outside the configuration (a removed server that
            // never learnt it was removed campaigns forever otherwise); for
            // members, only with check-quorum, whose leader steps down when
            // it loses its quorum and so lets the lease lapse.
            if (self.check_quorum || from_idx == usize::MAX)
                && matches!(m.kind, MsgKind::Vote | MsgKind::PreVote)
                && m.context != CAMPAIGN_TRANSFER
                && self.leader_is_fresh()
            {
                return Ok(());
            }
            match m.kind {
                // A pre-vote asks about a term the sender has not adopted;
                // a granted pre-vote answer carries that term. Neither
                // changes ours.
                MsgKind::PreVote => {}
                MsgKind::PreVoteResp if !m.reject => {}
                _ => {
                    // §5.1: a larger term makes this node a follower of
                    // that term.
                    let leader = match m.kind {
                        MsgKind::Append | MsgKind::Heartbeat | MsgKind::Snapshot => m.from,
                        _ => NONE,
                    };
                    let elapsed = self.election_elapsed;
                    self.become_follower(m.term, leader);
                    if m.kind == MsgKind::Vote {
                        // Figure 2: only a leader's append or a granted
                        // vote restarts the election timer. A candidate
                        // whose log is behind must not keep one whose log
                        // is up to date from ever timing out.
                        self.election_elapsed = elapsed;
                    }
                }
            }
        } else if m.term < self.term {
            // §5.1: a request with a stale term is rejected; the answer
            // carries our term so the sender steps down.
            match m.kind {
                MsgKind::Append | MsgKind::Heartbeat | MsgKind::Snapshot => {
                    let mut r = Message::new(MsgKind::AppendResp, self.id, m.from, self.term);
                    r.reject = true;
                    r.index = m.index;
                    r.reject_hint = m.index;
                    self.msgs.push(r);
                }
                MsgKind::Vote | MsgKind::PreVote => {
                    let kind = if m.kind == MsgKind::Vote {
                        MsgKind::VoteResp
                    } else {
                        MsgKind::PreVoteResp
                    };
                    let mut r = Message::new(kind, self.id, m.from, self.term);
                    r.reject = true;
                    self.msgs.push(r);
                }
                _ => {}
            }
            return Ok(());
        }
        if matches!(m.kind, MsgKind::Vote | MsgKind::PreVote) {
            self.handle_vote(m);
            return Ok(());
        }
        if self.role == Role::Leader {
            if let Some(p) = self.prs.get_mut(from_idx) {
                p.recent_active = true;
            }
        }
        match self.role {
            Role::Leader => match m.kind {
                MsgKind::AppendResp => self.handle_append_resp(from_idx, &m),
                MsgKind::HeartbeatResp => {
                    self.handle_heartbeat_resp(from_idx);
                    if m.context > 0 {
                        let p = &mut self.prs[from_idx];
                        p.read_ack = p.read_ack.max(m.context.min(self.reads.seq()));
                        self.release_reads();
                    }
                }
                MsgKind::ReadIndex => self.take_read(m.context, m.from),
                _ => {}
            },
            Role::Candidate | Role::PreCandidate => {
                let resp = if self.role == Role::Candidate {
                    MsgKind::VoteResp
                } else {
                    MsgKind::PreVoteResp
                };
                match m.kind {
                    k if k == resp => {
                        self.prs[from_idx].vote.get_or_insert(!m.reject);
                        self.poll();
                    }
                    MsgKind::Append | MsgKind::Heartbeat | MsgKind::Snapshot => {
                        // §5.2: a leader of our term exists; we lost.
                        self.become_follower(m.term, m.from);
                        self.follower_receive(m);
                    }
                    _ => {}
                }
            }
            _ => self.follower_receive(m),
        }
        Ok(())
    }

    // ----- outputs ------------------------------------------------------

    /// Whether [`ready`](RaftNode::ready) has anything to hand out.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert!(!n.has_ready());
    /// n.campaign();
    /// assert!(n.has_ready());
    /// ```
    pub fn has_ready(&self) -> bool {
        !self.msgs.is_empty()
            || self.pending_snapshot.is_some()
            || self.pending_bcast
            || self.reads.has_ready()
            || self.log.stabled < self.log.last_index()
            || self.log.committed > self.log.applied
            || self.ready.changed(self.hard_state(), self.soft_state())
    }

    /// Collects what to persist, send and apply; see [`Ready`] for the
    /// contract. Call [`advance`](RaftNode::advance) once it is handled and
    /// before the next `ready()`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, MsgKind, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// let rd = n.ready();
    /// assert_eq!(rd.hard_state.unwrap().vote, 1);
    /// assert!(rd.messages.iter().all(|m| m.kind == MsgKind::Vote));
    /// n.advance();
    /// assert!(!n.has_ready());
    /// ```
    pub fn ready(&mut self) -> Ready<'_> {
        let snapshot = self.pending_snapshot.take();
        if self.pending_bcast {
            self.pending_bcast = false;
            if self.role == Role::Leader {
                self.bcast_append();
            }
        }
        if self.reads.start_round(self.role == Role::Leader) {
            self.bcast_heartbeat();
        }
        let read_states = self.reads.take_states();
        let hs = self.hard_state();
        let ss = self.soft_state();
        let messages = core::mem::replace(&mut self.msgs, core::mem::take(&mut self.spare_msgs));
        let entries = self.log.unstable();
        let committed_entries = self.log.next_committed();
        let (hard_state, soft_state) =
            self.ready
                .hand_out(entries, committed_entries, self.log.applied, hs, ss);
        Ready {
            soft_state,
            hard_state,
            entries,
            messages,
            committed_entries,
            snapshot,
            read_states,
        }
    }

    /// Marks the last [`Ready`] as handled: its entries as stable, its
    /// committed entries as applied, its states as persisted.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// let rd = n.ready();
    /// assert_eq!(rd.committed_entries.len(), 1);
    /// n.advance();
    /// assert_eq!(n.applied(), 1);
    /// ```
    pub fn advance(&mut self) {
        let (stable_to, applied_to) = self.ready.advance();
        if let Some((index, term)) = stable_to {
            // Only if that entry is still ours (not truncated meanwhile).
            if self.log.match_term(index, term) && index > self.log.stabled {
                self.log.stabled = index;
            }
        }
        self.log.applied = self.log.applied.max(applied_to);
    }

    /// Hands back a [`Ready::messages`] vector once its messages are sent
    /// (it is cleared here), so that a later `ready()` reuses its capacity
    /// instead of allocating. Optional: a hot loop saves an allocation per
    /// `Ready`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(),
    ///     rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// let mut sent = Vec::new();
    /// let rd = n.ready();
    /// let mut msgs = rd.messages;
    /// sent.append(&mut msgs); // "send" them
    /// n.advance();
    /// n.recycle_messages(msgs);
    /// assert_eq!(sent.len(), 2);
    /// ```
    pub fn recycle_messages(&mut self, mut v: Vec<Message>) {
        if v.capacity() > self.spare_msgs.capacity() {
            v.clear();
            self.spare_msgs = v;
        }
    }

    // ----- observers ----------------------------------------------------

    /// This node's id.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(4, vec![4]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.id(), 4);
    /// ```
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The current term.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.term(), 0);
    /// ```
    pub fn term(&self) -> u64 {
        self.term
    }

    /// The node voted for in the current term, or [`NONE`].
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode, NONE};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.vote(), NONE);
    /// ```
    pub fn vote(&self) -> NodeId {
        self.vote
    }

    /// The current role.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.role(), Role::Follower); // every node starts as a follower
    /// ```
    pub fn role(&self) -> Role {
        self.role
    }

    /// The leader this node knows in its term, or [`NONE`].
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!(n.leader(), 1);
    /// ```
    pub fn leader(&self) -> NodeId {
        self.leader
    }

    /// The commit index.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!(n.commit(), 1); // a single node commits its no-op at once
    /// ```
    pub fn commit(&self) -> u64 {
        self.log.committed
    }

    /// The last index the application acknowledged applying.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.applied(), 0);
    /// ```
    pub fn applied(&self) -> u64 {
        self.log.applied
    }

    /// The index of the last log entry.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.last_index(), 0);
    /// ```
    pub fn last_index(&self) -> u64 {
        self.log.last_index()
    }

    /// The term of the entry at `index`, if the log holds it (0 for index 0).
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!((n.log_term(0), n.log_term(1), n.log_term(2)), (Some(0), Some(1), None));
    /// ```
    pub fn log_term(&self, index: u64) -> Option<u64> {
        self.log.term(index)
    }

    /// The entries in memory, in index order (all of them, as long as the log
    /// is not compacted).
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!(n.entries()[0].index, 1);
    /// ```
    pub fn entries(&self) -> &[Entry] {
        &self.log.entries
    }

    /// The term, vote and commit index as they stand.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.campaign();
    /// assert_eq!(n.hard_state().vote, 1);
    /// ```
    pub fn hard_state(&self) -> HardState {
        HardState {
            term: self.term,
            vote: self.vote,
            commit: self.log.committed,
        }
    }

    /// The role and known leader as they stand.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode, Role};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.soft_state().role, Role::Follower);
    /// ```
    pub fn soft_state(&self) -> SoftState {
        SoftState {
            role: self.role,
            leader: self.leader,
        }
    }

    /// Ticks since the election timer was last reset (for a leader: since
    /// the last full election timeout).
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// n.tick();
    /// assert_eq!(n.election_elapsed(), 1);
    /// ```
    pub fn election_elapsed(&self) -> u32 {
        self.election_elapsed
    }

    /// The current randomized election timeout in ticks, in
    /// `[election_tick, 2·election_tick)`.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let n = RaftNode::new(Config::new(1, vec![1, 2]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert!((10..20).contains(&n.election_timeout()));
    /// ```
    pub fn election_timeout(&self) -> u32 {
        self.randomized_timeout
    }

    /// The leader's view of member `peer` (itself included), if this node
    /// leads and `peer` is a member.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert_eq!(n.progress(1), None); // not leading
    /// n.campaign();
    /// let p = n.progress(1).unwrap();
    /// assert_eq!((p.matched, p.next), (1, 2));
    /// ```
    pub fn progress(&self, peer: NodeId) -> Option<PeerProgress> {
        if self.role != Role::Leader {
            return None;
        }
        let p = &self.prs[self.peer_index(peer)?];
        if !p.voter && !self.conf().learners.contains(&peer) {
            return None; // this node itself, removed and stepping down
        }
        Some(PeerProgress {
            id: p.id,
            matched: p.matched,
            next: p.next,
            state: p.state,
            voter: p.voter,
        })
    }

    /// The leader's view of every member, in the order of the
    /// configuration (voters, then learners); empty unless this node leads.
    ///
    /// # Examples
    /// ```
    /// # use quorumkit::raft::{Config, MemStorage, RaftNode};
    /// # use rand_core::SeedableRng;
    /// let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)).unwrap();
    /// assert!(n.progress_all().is_empty());
    /// ```
    pub fn progress_all(&self) -> Vec<PeerProgress> {
        let conf = self.conf();
        conf.voters
            .iter()
            .chain(&conf.learners)
            .filter_map(|&id| self.progress(id))
            .collect()
    }

    // ----- role changes -------------------------------------------------

    fn peer_index(&self, id: NodeId) -> Option<usize> {
        self.prs.iter().position(|p| p.id == id)
    }

    /// Check-quorum: whether a quorum of voters (this node included) was
    /// heard from since the last check; clears the marks for the next one.
    fn quorum_active(&mut self) -> bool {
        let me = self.me;
        let active = quorum::has_majority(
            self.prs
                .iter()
                .enumerate()
                .filter(|(_, p)| p.voter)
                .map(|(i, p)| i == me || p.recent_active),
        );
        for p in &mut self.prs {
            p.recent_active = false;
        }
        active
    }

    fn reset_randomized_timeout(&mut self) {
        let et = self.election_tick;
        self.randomized_timeout = et + (self.rng.next_u32() % et);
    }

    fn reset(&mut self, term: u64) {
        if term != self.term {
            self.term = term;
            self.vote = NONE;
        }
        self.leader = NONE;
        self.lead_transferee = NONE;
        self.election_elapsed = 0;
        self.heartbeat_elapsed = 0;
        self.reset_randomized_timeout();
        self.pending_bcast = false;
        // Leadership (if any) ends: reads not yet confirmed are dropped; the
        // application retries them (after a timeout, as for a lost message).
        self.reads.reset();
        let next = self.log.last_index() + 1;
        for p in &mut self.prs {
            p.reset(next);
        }
        self.prs[self.me].matched = self.log.last_index();
    }

    fn become_follower(&mut self, term: u64, leader: NodeId) {
        self.reset(term);
        self.role = Role::Follower;
        self.leader = leader;
    }

    fn become_candidate(&mut self) {
        // Below MAX_TERM: campaign() and TimeoutNow check, and no message
        // brings a term above MAX_TERM - 1.
        let term = self.term + 1;
        self.reset(term);
        self.vote = self.id;
        self.role = Role::Candidate;
    }

    /// Pre-vote (§9.6): canvass without raising the term or voting.
    fn become_pre_candidate(&mut self) {
        self.role = Role::PreCandidate;
        self.leader = NONE;
        self.election_elapsed = 0;
        self.reset_randomized_timeout();
        for p in &mut self.prs {
            p.vote = None;
        }
    }

    fn become_leader(&mut self) {
        self.reset(self.term);
        self.role = Role::Leader;
        self.leader = self.id;
        for i in 0..self.prs.len() {
            if i != self.me {
                self.prs[i].probe_sent = false;
            }
        }
        // The leader holds its own log: it replicates to itself, never probes.
        self.prs[self.me].state = ProgressState::Replicate;
        // §5.4.2/§8: a no-op of the new term lets earlier entries commit.
        let index = self.log.last_index() + 1;
        self.append_own(Entry {
            term: self.term,
            index,
            data: Bytes::new(),
            kind: EntryKind::Normal,
        });
        self.bcast_append();
    }

    /// Counts votes; becomes leader on a quorum of grants, follower on a
    /// quorum of refusals. Returns whether the election is decided.
    fn poll(&mut self) -> bool {
        let votes = self.prs.iter().filter(|p| p.voter).map(|p| p.vote);
        match quorum::vote_result(votes) {
            VoteResult::Won => {
                if self.role == Role::PreCandidate {
                    // A quorum would vote for us: hold the real election.
                    self.become_candidate();
                    self.request_votes(MsgKind::Vote, 0);
                } else {
                    self.become_leader();
                }
                true
            }
            VoteResult::Lost => {
                self.become_follower(self.term, NONE);
                true
            }
            VoteResult::Pending => false,
        }
    }

    // ----- message handling --------------------------------------------

    /// Whether this node heard from a leader (or is one) within the last
    /// `election_tick` ticks.
    fn leader_is_fresh(&self) -> bool {
        self.leader != NONE && self.election_elapsed < self.election_tick
    }

    fn handle_vote(&mut self, m: Message) {
        if m.kind == MsgKind::PreVote {
            // §9.6: yes to a later term and an up-to-date log, unless a
            // leader is known to be alive (a transfer overrides that).
            let grant = m.term > self.term
                && (m.context == CAMPAIGN_TRANSFER || !self.leader_is_fresh())
                && self.log.is_up_to_date(m.index, m.log_term);
            let term = if grant { m.term } else { self.term };
            let mut r = Message::new(MsgKind::PreVoteResp, self.id, m.from, term);
            r.reject = !grant;
            self.msgs.push(r);
            return;
        }
        // §5.2 one vote per term, first come first served (repeatable for
        // the same candidate); §5.4.1 only for an up-to-date log.
        let can_vote = self.vote == m.from || (self.vote == NONE && self.leader == NONE);
        let grant = can_vote && self.log.is_up_to_date(m.index, m.log_term);
        let mut r = Message::new(MsgKind::VoteResp, self.id, m.from, self.term);
        r.reject = !grant;
        if grant {
            self.vote = m.from;
            self.election_elapsed = 0;
        }
        self.msgs.push(r);
    }

    fn follower_receive(&mut self, m: Message) {
        match m.kind {
            MsgKind::Append => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.handle_append(m);
            }
            MsgKind::Snapshot => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.handle_snapshot(m);
            }
            MsgKind::TimeoutNow if self.promotable() && self.term < MAX_TERM => {
                // §3.10: the leader hands over; campaign now, for real.
                self.become_candidate();
                self.request_votes(MsgKind::Vote, CAMPAIGN_TRANSFER);
            }
            MsgKind::Heartbeat => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.log.commit_to(m.commit);
                let mut r = Message::new(MsgKind::HeartbeatResp, self.id, m.from, self.term);
                r.context = m.context;
                self.msgs.push(r);
            }
            MsgKind::ReadIndexResp if m.from == self.leader => {
                self.reads.push_state(ReadState {
                    index: m.index,
                    ctx: m.context,
                });
            }
            _ => {}
        }
    }

    fn handle_append(&mut self, m: Message) {
        let mut r = Message::new(MsgKind::AppendResp, self.id, m.from, self.term);
        if m.index < self.log.committed {
            r.index = self.log.committed;
            self.msgs.push(r);
            return;
        }
        let (prev, prev_term, commit) = (m.index, m.log_term, m.commit);
        match self.log.maybe_append(prev, prev_term, m.entries) {
            Some(last_new) => {
                if self.log.written_from != u64::MAX {
                    self.sync_conf();
                }
                // Follower commit: the leader's commit, but only over what
                // is known to match the leader's log.
                self.log.commit_to(commit.min(last_new));
                r.index = last_new;
            }
            None => {
                // Conflict hint: the highest index whose term is at most the
                // leader's prev term; the leader skips a whole term at once.
                let hint = self
                    .log
                    .find_conflict_by_term(prev.min(self.log.last_index()), prev_term);
                r.reject = true;
                r.index = prev;
                r.reject_hint = hint;
                r.log_term = self.log.term(hint).unwrap_or(0);
            }
        }
        self.msgs.push(r);
    }

    /// InstallSnapshot receiver (§7): ignore a snapshot the log already
    /// covers, fast-forward over one whose last entry the log holds, and
    /// otherwise replace the log with it.
    fn handle_snapshot(&mut self, m: Message) {
        let Some(snap) = m.snapshot else {
            return;
        };
        let mut r = Message::new(MsgKind::AppendResp, self.id, m.from, self.term);
        if snap.index <= self.log.committed {
            r.index = self.log.committed;
        } else if self.log.match_term(snap.index, snap.term) {
            self.log.commit_to(snap.index);
            r.index = snap.index;
        } else {
            r.index = snap.index;
            self.log.restore(snap.index, snap.term);
            self.membership.restore(&snap.conf);
            self.rebuild_progress();
            self.snapshot = Some(snap.clone());
            self.pending_snapshot = Some(snap);
        }
        self.msgs.push(r);
    }

    fn handle_append_resp(&mut self, i: usize, m: &Message) {
        if m.reject {
            let hint = if m.log_term > 0 {
                self.log.find_conflict_by_term(m.reject_hint, m.log_term)
            } else {
                m.reject_hint
            };
            if self.prs[i].maybe_decr_to(m.index, hint) {
                if self.prs[i].state == ProgressState::Replicate {
                    self.prs[i].become_probe();
                }
                self.send_append(i, true);
            }
            return;
        }
        if m.index > self.log.last_index() || !self.prs[i].maybe_update(m.index) {
            // Stale, or acknowledging entries we never sent (malformed).
            return;
        }
        let p = &mut self.prs[i];
        if p.state == ProgressState::Probe
            || (p.state == ProgressState::Snapshot && p.matched >= p.pending_snapshot)
        {
            p.become_replicate();
        }
        if self.maybe_commit() {
            // Followers learn the new commit index at once.
            self.bcast_append();
            self.maybe_step_down_removed();
            if self.role != Role::Leader {
                return;
            }
        }
        if self.prs[i].id == self.lead_transferee && self.prs[i].matched == self.log.last_index() {
            self.send_timeout_now(i);
        }
        // Keep streaming while there is more and the window allows.
        while self.send_append(i, false) {}
    }

    fn handle_heartbeat_resp(&mut self, i: usize) {
        let p = &mut self.prs[i];
        p.probe_sent = false;
        if p.state == ProgressState::Snapshot {
            // Alive but no acknowledgement yet: the snapshot may be lost;
            // probe again (which resends it if still needed).
            p.become_probe();
        }
        if p.state == ProgressState::Replicate && p.inflight.len() >= self.max_inflight {
            // The follower is alive: free one slot so a lost Append cannot
            // stall the stream for good.
            p.inflight.pop_front();
        }
        if p.matched < self.log.last_index() {
            // Even with nothing new past `next` (an optimistic stream whose
            // Appends were lost), an empty Append makes the follower reject
            // and the leader back up.
            self.send_append(i, true);
        }
    }

    // ----- replication --------------------------------------------------

    fn append_own(&mut self, e: Entry) {
        self.log.push(e);
        let last = self.log.last_index();
        let me = &mut self.prs[self.me];
        me.matched = last;
        me.next = last + 1;
        self.maybe_commit();
    }

    /// §5.3/§5.4.2: commit the highest index a quorum holds, but only if it
    /// belongs to the current term (Figure 8).
    fn maybe_commit(&mut self) -> bool {
        let matched = self.prs.iter().filter(|p| p.voter).map(|p| p.matched);
        let Some(idx) = quorum::committed_index(matched) else {
            return false;
        };
        if idx > self.log.committed && self.log.term(idx) == Some(self.term) {
            self.log.committed = idx;
            if self.role == Role::Leader {
                for (ctx, from) in self.reads.take_waiting() {
                    self.take_read(ctx, from);
                }
            }
            true
        } else {
            false
        }
    }

    /// Sends entries from the follower's `next` on; returns whether a
    /// message went out.
    fn send_append(&mut self, i: usize, send_if_empty: bool) -> bool {
        let p = &self.prs[i];
        if p.is_paused(self.max_inflight) {
            return false;
        }
        let prev = p.next - 1;
        let Some(prev_term) = self.log.term(prev) else {
            // The entries this follower needs are compacted: send the
            // snapshot instead (§7).
            return self.send_snapshot(i);
        };
        let ents = self
            .log
            .slice(p.next, self.log.last_index(), self.max_entries_per_msg);
        if ents.is_empty() && !send_if_empty {
            return false;
        }
        let mut m = Message::new(MsgKind::Append, self.id, p.id, self.term);
        m.index = prev;
        m.log_term = prev_term;
        m.commit = self.log.committed;
        m.entries = ents.to_vec();
        let p = &mut self.prs[i];
        match p.state {
            ProgressState::Replicate => {
                if let Some(last) = m.entries.last() {
                    p.next = last.index + 1;
                    p.inflight.push_back(last.index);
                }
            }
            ProgressState::Probe => p.probe_sent = true,
            ProgressState::Snapshot => {}
        }
        self.msgs.push(m);
        true
    }

    fn send_snapshot(&mut self, i: usize) -> bool {
        let Some(snap) = &self.snapshot else {
            return false;
        };
        let mut m = Message::new(MsgKind::Snapshot, self.id, self.prs[i].id, self.term);
        m.snapshot = Some(snap.clone());
        self.prs[i].become_snapshot(snap.index);
        self.msgs.push(m);
        true
    }

    fn bcast_append(&mut self) {
        for i in 0..self.prs.len() {
            if i != self.me {
                self.send_append(i, true);
            }
        }
    }

    fn bcast_heartbeat(&mut self) {
        for i in 0..self.prs.len() {
            if i == self.me {
                continue;
            }
            let p = &self.prs[i];
            let mut m = Message::new(MsgKind::Heartbeat, self.id, p.id, self.term);
            // Never tell a follower to commit past what it is known to hold.
            m.commit = p.matched.min(self.log.committed);
            // Every heartbeat re-asks the latest read round while reads wait,
            // so a lost round does not stall them.
            if let Some(round) = self.reads.heartbeat_context() {
                m.context = round;
            }
            self.msgs.push(m);
        }
    }
}

/// What this node's own storage can hold: terms up to [`MAX_TERM`],
/// indexes up to [`MAX_INDEX`], a snapshot configuration (if any) with
/// distinct non-zero ids.
fn check_stored(hs: &HardState, snap: &Snapshot, last: u64) -> Result<(), ArgError> {
    at_most("storage.hardState.term", hs.term, MAX_TERM)?;
    at_most("storage.entries.index", last, MAX_INDEX)?;
    at_most("storage.snapshot.term", snap.term, MAX_TERM)?;
    if !snap.conf.voters.is_empty() {
        snap.conf.check("storage.snapshot.conf")?;
    }
    Ok(())
}
