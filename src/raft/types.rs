//! The values that cross the core's boundary: log entries, messages, and the
//! hard and soft state.

use crate::prelude::*;
use bytes::Bytes;

/// A node's identity. Must be non-zero: `0` means "none" in [`HardState::vote`]
/// and [`SoftState::leader`].
pub type NodeId = u32;

/// "No node": the vote of a node that has not voted in its term, or the
/// leader of a node that knows none.
pub const NONE: NodeId = 0;

/// The largest term a node holds or persists: 2⁵³ − 1, so that every term is
/// an exact JavaScript number. A node takes in terms up to `MAX_TERM − 1`
/// only (from a peer's message or from storage that is not its own term),
/// so it can always start one more election; a node at `MAX_TERM` never
/// campaigns again.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::raft::MAX_TERM, (1 << 53) - 1);
/// ```
pub const MAX_TERM: u64 = (1 << 53) - 1;

/// The largest log index: 2⁵³ − 1. A leader whose log reaches it refuses
/// further proposals; no message or storage may carry a larger index.
///
/// # Examples
/// ```
/// assert_eq!(quorumkit::raft::MAX_INDEX, quorumkit::raft::MAX_TERM);
/// ```
pub const MAX_INDEX: u64 = (1 << 53) - 1;

/// One log entry.
///
/// `data` is reference-counted ([`Bytes`]): handing the same entry to storage,
/// to several followers and to the application clones a pointer, not the
/// payload. An empty `data` is the no-op entry a new leader appends to commit
/// the entries of earlier terms (§5.4.2).
///
/// # Examples
/// ```
/// use quorumkit::raft::Entry;
/// let e = Entry::new(2, 7, &b"set x=1"[..]);
/// assert_eq!((e.term, e.index), (2, 7));
/// assert_eq!(&e.data[..], b"set x=1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Entry {
    /// The term of the leader that created the entry.
    pub term: u64,
    /// The entry's position in the log, from 1.
    pub index: u64,
    /// The application's command; empty for a leader's no-op entry.
    pub data: Bytes,
    /// What `data` holds: an application command, or a
    /// [`ConfChange`] ([`ConfChange::encode`]) for the node itself.
    pub kind: EntryKind,
}

/// What an [`Entry`]'s data holds.
///
/// # Examples
/// ```
/// use quorumkit::raft::{Entry, EntryKind};
/// assert_eq!(Entry::new(1, 1, Vec::new()).kind, EntryKind::Normal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EntryKind {
    /// An application command (or a leader's empty no-op).
    #[default]
    Normal,
    /// A membership change, applied by the node when appended.
    ConfChange,
}

/// A single-server membership change (thesis §4.1).
///
/// # Examples
/// ```
/// use quorumkit::raft::{ConfChange, ConfChangeKind};
/// let cc = ConfChange { kind: ConfChangeKind::AddLearner, node: 4 };
/// assert_eq!(ConfChange::decode(&cc.encode()), Some(cc));
/// assert_eq!(ConfChange::decode(b"junk"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConfChange {
    /// What happens to `node`.
    pub kind: ConfChangeKind,
    /// The node concerned.
    pub node: NodeId,
}

/// The kind of a [`ConfChange`].
///
/// # Examples
/// ```
/// assert_ne!(quorumkit::raft::ConfChangeKind::AddVoter, quorumkit::raft::ConfChangeKind::Remove);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfChangeKind {
    /// Add a non-voting member that receives the log.
    AddLearner,
    /// Make a learner a voter.
    AddVoter,
    /// Remove a voter or learner.
    Remove,
}

impl ConfChange {
    /// The entry data: a version byte (1), the kind (0 learner, 1 voter,
    /// 2 remove) and the node id as 4 little-endian bytes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{ConfChange, ConfChangeKind};
    /// let b = ConfChange { kind: ConfChangeKind::Remove, node: 2 }.encode();
    /// assert_eq!(b, [1, 2, 2, 0, 0, 0]);
    /// ```
    pub fn encode(&self) -> [u8; 6] {
        let k = match self.kind {
            ConfChangeKind::AddLearner => 0,
            ConfChangeKind::AddVoter => 1,
            ConfChangeKind::Remove => 2,
        };
        let id = self.node.to_le_bytes();
        [1, k, id[0], id[1], id[2], id[3]]
    }

    /// Parses [`ConfChange::encode`]'s format; `None` for anything else.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::ConfChange;
    /// assert!(ConfChange::decode(&[1, 1, 4, 0, 0, 0]).is_some());
    /// assert!(ConfChange::decode(&[2, 1, 4, 0, 0, 0]).is_none());
    /// ```
    pub fn decode(b: &[u8]) -> Option<ConfChange> {
        let [1, k, a, b2, c, d] = *b else {
            return None;
        };
        let kind = match k {
            0 => ConfChangeKind::AddLearner,
            1 => ConfChangeKind::AddVoter,
            2 => ConfChangeKind::Remove,
            _ => return None,
        };
        Some(ConfChange {
            kind,
            node: u32::from_le_bytes([a, b2, c, d]),
        })
    }

    /// The configuration after this change, if the change is one a leader
    /// may make in configuration `c`: adding a node that is not a member
    /// (never node 0) as a learner, making a learner a voter (up to
    /// [`MAX_PEERS`](super::MAX_PEERS) voters), removing a member other than
    /// the last voter. Whether a learner has caught up before its promotion
    /// is the leader's own check.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{ConfChange, ConfChangeKind, ConfState};
    /// let c = ConfState { voters: vec![1, 2], learners: vec![3] };
    /// let add = |node| ConfChange { kind: ConfChangeKind::AddVoter, node };
    /// assert_eq!(add(3).check(&c).unwrap().voters, vec![1, 2, 3]);
    /// assert_eq!(add(4).check(&c).unwrap_err().param, "change");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`](crate::ArgError) (`change`) saying what the change
    /// must be instead.
    pub fn check(&self, c: &ConfState) -> Result<ConfState, crate::ArgError> {
        let id = self.node;
        let why = match self.kind {
            ConfChangeKind::AddLearner if c.contains(id) || id == NONE => {
                "a node that is not a member yet"
            }
            ConfChangeKind::AddVoter if !c.learners.contains(&id) => {
                "a learner (a node added by AddLearner)"
            }
            ConfChangeKind::AddVoter if c.voters.len() >= super::MAX_PEERS => {
                "a learner, with fewer than 255 voters"
            }
            ConfChangeKind::Remove if !c.contains(id) || c.voters == [id] => {
                "a member other than the last voter"
            }
            _ => return Ok(self.apply(c)),
        };
        Err(crate::ArgError::range("change", why, format!("{self:?}")))
    }

    /// The configuration after this change, unchecked: the node leaves
    /// both lists, then joins the one its kind names. A change
    /// [`ConfChange::check`] refuses gives a configuration no node adopts
    /// (AddLearner of a voter would demote it; the node only ever appends
    /// checked changes and refuses unchecked ones from storage or peers), so
    /// use `check` for a change that may be invalid.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{ConfChange, ConfChangeKind, ConfState};
    /// let c = ConfState { voters: vec![1, 2], learners: vec![3] };
    /// let d = ConfChange { kind: ConfChangeKind::AddVoter, node: 3 }.apply(&c);
    /// assert_eq!(d.voters, vec![1, 2, 3]);
    /// ```
    pub fn apply(&self, c: &ConfState) -> ConfState {
        let mut out = c.clone();
        out.voters.retain(|&x| x != self.node);
        out.learners.retain(|&x| x != self.node);
        match self.kind {
            ConfChangeKind::AddLearner => out.learners.push(self.node),
            ConfChangeKind::AddVoter => out.voters.push(self.node),
            ConfChangeKind::Remove => {}
        }
        out
    }
}

impl Entry {
    /// An entry with the given term, index and data (copied if borrowed).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::Entry;
    /// let e = Entry::new(1, 1, Vec::from("a"));
    /// assert_eq!(e.data.len(), 1);
    /// ```
    pub fn new(term: u64, index: u64, data: impl Into<Bytes>) -> Entry {
        Entry {
            term,
            index,
            data: data.into(),
            kind: EntryKind::Normal,
        }
    }
}

/// The kind of a [`Message`].
///
/// The set grows in later versions (pre-vote, snapshots, leadership
/// transfer), so match it with a wildcard arm.
///
/// # Examples
/// ```
/// use quorumkit::raft::MsgKind;
/// assert_eq!(MsgKind::Append.name(), "Append");
/// assert!(MsgKind::VoteResp.is_response());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MsgKind {
    /// RequestVote (§5.2): `index`/`log_term` are the candidate's last log
    /// index and term.
    Vote,
    /// The answer to [`MsgKind::Vote`]; `reject` is false when granted.
    VoteResp,
    /// AppendEntries (§5.3): `index`/`log_term` identify the entry that
    /// precedes `entries`; `commit` is the leader's commit index.
    Append,
    /// The answer to [`MsgKind::Append`]. Accepted: `index` is the follower's
    /// last index that now matches the leader. Rejected: `index` is the
    /// rejected `prev` index, `reject_hint` is the index the follower
    /// suggests probing next and `log_term` the term of its entry there
    /// (the conflict index/term hint, §5.3).
    AppendResp,
    /// A heartbeat from the leader; `commit` is the commit index the follower
    /// may safely adopt (at most what it is known to hold). The default kind.
    #[default]
    Heartbeat,
    /// The answer to [`MsgKind::Heartbeat`]; `context` echoes the
    /// heartbeat's (the read-index round it confirms).
    HeartbeatResp,
    /// A pre-vote request (thesis §9.6): "would you vote for me at `term`?"
    /// `term` is the sender's term plus one, which it has **not** adopted;
    /// `index`/`log_term` are its last log index and term. Granting one
    /// changes nothing on the voter.
    PreVote,
    /// The answer to [`MsgKind::PreVote`]; `reject` is false when granted,
    /// in which case `term` is the request's term.
    PreVoteResp,
    /// Sent by a leader transferring leadership (thesis §3.10) to a
    /// caught-up follower: start an election now, skipping pre-vote and
    /// leader leases.
    TimeoutNow,
    /// InstallSnapshot (§7), sent whole: `snapshot` replaces the log of a
    /// follower whose needed entries the leader has compacted away. The
    /// follower answers with an [`MsgKind::AppendResp`] whose `index` is the
    /// snapshot's.
    Snapshot,
    /// A linearizable read forwarded by a follower to its leader
    /// ([`RaftNode::read_index`](super::RaftNode::read_index), thesis §6.4):
    /// `context` is the application's request context.
    ReadIndex,
    /// The leader's answer to [`MsgKind::ReadIndex`], once a quorum has
    /// confirmed its leadership: `index` is the read index (its commit index
    /// when the request arrived) and `context` echoes the request's.
    ReadIndexResp,
}

impl MsgKind {
    /// The kind's name, as shown in the simulator's event log.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::MsgKind::Heartbeat.name(), "Heartbeat");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MsgKind::Vote => "Vote",
            MsgKind::VoteResp => "VoteResp",
            MsgKind::Append => "Append",
            MsgKind::AppendResp => "AppendResp",
            MsgKind::Heartbeat => "Heartbeat",
            MsgKind::HeartbeatResp => "HeartbeatResp",
            MsgKind::PreVote => "PreVote",
            MsgKind::PreVoteResp => "PreVoteResp",
            MsgKind::TimeoutNow => "TimeoutNow",
            MsgKind::Snapshot => "Snapshot",
            MsgKind::ReadIndex => "ReadIndex",
            MsgKind::ReadIndexResp => "ReadIndexResp",
        }
    }

    /// A small stable number for the kind (for compact encodings).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::MsgKind::Vote.code(), 0);
    /// ```
    pub fn code(self) -> u8 {
        match self {
            MsgKind::Vote => 0,
            MsgKind::VoteResp => 1,
            MsgKind::Append => 2,
            MsgKind::AppendResp => 3,
            MsgKind::Heartbeat => 4,
            MsgKind::HeartbeatResp => 5,
            MsgKind::PreVote => 6,
            MsgKind::PreVoteResp => 7,
            MsgKind::TimeoutNow => 8,
            MsgKind::Snapshot => 9,
            MsgKind::ReadIndex => 10,
            MsgKind::ReadIndexResp => 11,
        }
    }

    /// The kind whose [`code`](MsgKind::code) is `code`, or `None` for a
    /// code no kind has (the wire decoder's one place to learn a new kind).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::MsgKind;
    /// assert_eq!(MsgKind::from_code(MsgKind::Snapshot.code()), Some(MsgKind::Snapshot));
    /// assert_eq!(MsgKind::from_code(200), None);
    /// ```
    pub fn from_code(code: u8) -> Option<MsgKind> {
        Some(match code {
            0 => MsgKind::Vote,
            1 => MsgKind::VoteResp,
            2 => MsgKind::Append,
            3 => MsgKind::AppendResp,
            4 => MsgKind::Heartbeat,
            5 => MsgKind::HeartbeatResp,
            6 => MsgKind::PreVote,
            7 => MsgKind::PreVoteResp,
            8 => MsgKind::TimeoutNow,
            9 => MsgKind::Snapshot,
            10 => MsgKind::ReadIndex,
            11 => MsgKind::ReadIndexResp,
            _ => return None,
        })
    }

    /// Whether this kind answers a request.
    ///
    /// # Examples
    /// ```
    /// assert!(!quorumkit::raft::MsgKind::Append.is_response());
    /// ```
    pub fn is_response(self) -> bool {
        matches!(
            self,
            MsgKind::VoteResp
                | MsgKind::AppendResp
                | MsgKind::HeartbeatResp
                | MsgKind::PreVoteResp
                | MsgKind::ReadIndexResp
        )
    }
}

/// A message between two nodes. One flat shape serves every kind; the
/// meaning of `index`, `log_term` and `reject_hint` per kind is given on
/// [`MsgKind`].
///
/// # Examples
/// ```
/// use quorumkit::raft::{Message, MsgKind};
/// let m = Message::new(MsgKind::Heartbeat, 1, 2, 3);
/// assert_eq!((m.from, m.to, m.term), (1, 2, 3));
/// assert!(m.entries.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// What the message is.
    pub kind: MsgKind,
    /// The sender.
    pub from: NodeId,
    /// The recipient.
    pub to: NodeId,
    /// The sender's current term.
    pub term: u64,
    /// A log term; see [`MsgKind`].
    pub log_term: u64,
    /// A log index; see [`MsgKind`].
    pub index: u64,
    /// The entries carried by [`MsgKind::Append`].
    pub entries: Vec<Entry>,
    /// The leader's commit index (Append, Heartbeat).
    pub commit: u64,
    /// Whether a response refuses the request.
    pub reject: bool,
    /// The conflict index hint of a rejected [`MsgKind::AppendResp`].
    pub reject_hint: u64,
    /// A small per-kind tag: on [`MsgKind::Vote`] and [`MsgKind::PreVote`],
    /// [`CAMPAIGN_TRANSFER`] marks an election started by a leadership
    /// transfer (voters then ignore their leader lease); on
    /// [`MsgKind::Heartbeat`] and [`MsgKind::HeartbeatResp`], the read-index
    /// round being confirmed (a leader-chosen number, never the
    /// application's); on [`MsgKind::ReadIndex`] and
    /// [`MsgKind::ReadIndexResp`], the application's request context. Zero
    /// otherwise.
    pub context: u64,
    /// The snapshot carried by [`MsgKind::Snapshot`].
    pub snapshot: Option<Snapshot>,
}

/// [`Message::context`] of a vote request sent because the leader handed
/// over leadership ([`MsgKind::TimeoutNow`]).
pub const CAMPAIGN_TRANSFER: u64 = 1;

impl Message {
    /// A message of `kind` from `from` to `to` at `term`, other fields zero.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Message, MsgKind};
    /// let m = Message::new(MsgKind::Vote, 2, 1, 5);
    /// assert_eq!(m.kind, MsgKind::Vote);
    /// ```
    pub fn new(kind: MsgKind, from: NodeId, to: NodeId, term: u64) -> Message {
        Message {
            kind,
            from,
            to,
            term,
            ..Message::default()
        }
    }
}

impl Message {
    /// Checks that this is a message a correct peer could send: a term of at
    /// most [`MAX_TERM`] − 1 (a node must be able to start one more
    /// election), a log term at most [`MAX_TERM`], an index, commit, hint
    /// and context at most [`MAX_INDEX`], entries that follow `index` one
    /// by one with terms that never go down, and a snapshot whose
    /// configuration a cluster can have ([`ConfState::check`]).
    /// [`RaftNode::step`](super::RaftNode::step) refuses anything else.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::{Message, MsgKind, MAX_TERM};
    /// assert!(Message::new(MsgKind::Heartbeat, 1, 2, MAX_TERM - 1).check().is_ok());
    /// let e = Message::new(MsgKind::Heartbeat, 1, 2, MAX_TERM).check().unwrap_err();
    /// assert_eq!(e.param, "message.term");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`](crate::ArgError) naming the field (`message.term`,
    /// `message.entries`, …).
    pub fn check(&self) -> Result<(), crate::ArgError> {
        at_most("message.term", self.term, MAX_TERM - 1)?;
        at_most("message.logTerm", self.log_term, MAX_TERM)?;
        at_most("message.index", self.index, MAX_INDEX)?;
        at_most("message.commit", self.commit, MAX_INDEX)?;
        at_most("message.rejectHint", self.reject_hint, MAX_INDEX)?;
        at_most("message.context", self.context, MAX_INDEX)?;
        let mut prev = (self.index, self.log_term);
        for e in &self.entries {
            if e.index != prev.0.wrapping_add(1) || e.term < prev.1 {
                return Err(crate::ArgError::range(
                    "message.entries",
                    "entries that follow the message's index one by one, with terms that never go down",
                    format!(
                        "index {} term {} after index {} term {}",
                        e.index, e.term, prev.0, prev.1
                    ),
                ));
            }
            at_most("message.entries.index", e.index, MAX_INDEX)?;
            at_most("message.entries.term", e.term, MAX_TERM)?;
            prev = (e.index, e.term);
        }
        if let Some(s) = &self.snapshot {
            at_most("message.snapshot.index", s.index, MAX_INDEX)?;
            at_most("message.snapshot.term", s.term, MAX_TERM)?;
            s.conf.check("message.snapshot.conf")?;
        }
        Ok(())
    }
}

/// `Ok` if `v` is at most `max` (one of the range limits), else an
/// argument error naming `param`.
pub(crate) fn at_most(param: &'static str, v: u64, max: u64) -> Result<(), crate::ArgError> {
    if v <= max {
        return Ok(());
    }
    let allowed = if max == MAX_TERM - 1 {
        "at most 2^53-2 (a node must be able to start one more election)"
    } else {
        "at most 2^53-1"
    };
    Err(crate::ArgError::range(param, allowed, v))
}

/// A cluster configuration: who votes, and who only receives the log.
///
/// # Examples
/// ```
/// use quorumkit::raft::ConfState;
/// let c = ConfState { voters: vec![1, 2, 3], learners: vec![4] };
/// assert!(c.is_voter(2) && !c.is_voter(4) && c.contains(4));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ConfState {
    /// The voting members.
    pub voters: Vec<NodeId>,
    /// Non-voting members (learners): they receive the log but neither
    /// vote nor count toward a quorum.
    pub learners: Vec<NodeId>,
}

impl ConfState {
    /// Checks that this is a configuration a cluster can have: 1..=255
    /// voters ([`MAX_PEERS`](super::MAX_PEERS)) and any learners, all
    /// distinct non-zero ids.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::ConfState;
    /// assert!(ConfState { voters: vec![1, 2], learners: vec![3] }.check("conf").is_ok());
    /// let e = ConfState { voters: vec![1, 0], learners: vec![] }.check("conf").unwrap_err();
    /// assert_eq!(e.param, "conf");
    /// ```
    ///
    /// # Errors
    /// An [`ArgError`](crate::ArgError) naming `param`.
    pub fn check(&self, param: &'static str) -> Result<(), crate::ArgError> {
        let all: Vec<NodeId> = self.voters.iter().chain(&self.learners).copied().collect();
        let distinct = all
            .iter()
            .enumerate()
            .all(|(i, id)| *id != NONE && !all[..i].contains(id));
        if self.voters.is_empty() || self.voters.len() > super::MAX_PEERS || !distinct {
            return Err(crate::ArgError::range(
                param,
                "1..=255 voters and any learners, all distinct non-zero node ids",
                format!("{self:?}"),
            ));
        }
        Ok(())
    }

    /// Whether `id` votes.
    ///
    /// # Examples
    /// ```
    /// let c = quorumkit::raft::ConfState { voters: vec![1], learners: vec![] };
    /// assert!(c.is_voter(1));
    /// ```
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id)
    }

    /// Whether `id` is a voter or a learner.
    ///
    /// # Examples
    /// ```
    /// let c = quorumkit::raft::ConfState { voters: vec![1], learners: vec![2] };
    /// assert!(c.contains(2) && !c.contains(3));
    /// ```
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.learners.contains(&id)
    }
}

/// A point-in-time image of the application's state machine that stands
/// for the log up to `index` (§7): log compaction discards the entries it
/// covers, and a leader sends it to a follower that needs them.
///
/// `data` is whatever the application put in
/// [`RaftNode::compact`](super::RaftNode::compact); the node never looks
/// inside.
///
/// # Examples
/// ```
/// use quorumkit::raft::Snapshot;
/// let s = Snapshot { index: 10, term: 2, data: vec![1, 2].into(), ..Snapshot::default() };
/// assert_eq!(s.data.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Snapshot {
    /// The last index the snapshot covers.
    pub index: u64,
    /// The term of the entry at `index`.
    pub term: u64,
    /// The configuration in force at `index`.
    pub conf: ConfState,
    /// The application's state at `index`.
    pub data: Bytes,
}

/// The state a node must persist before it sends messages: its term, its
/// vote in that term and its commit index.
///
/// # Examples
/// ```
/// use quorumkit::raft::HardState;
/// let hs = HardState { term: 3, vote: 1, commit: 10 };
/// assert_ne!(hs, HardState::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HardState {
    /// The latest term the node has seen.
    pub term: u64,
    /// The node it voted for in `term`, or [`NONE`].
    pub vote: NodeId,
    /// The highest index known to be committed.
    pub commit: u64,
}

/// A node's role (§5.1).
///
/// # Examples
/// ```
/// use quorumkit::raft::Role;
/// assert_eq!(Role::Leader.name(), "leader");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Role {
    /// Passive: answers leaders and candidates.
    #[default]
    Follower,
    /// Asking for votes to become leader.
    Candidate,
    /// Accepts proposals and replicates the log.
    Leader,
    /// Asking whether it could win an election before starting one
    /// (pre-vote, thesis §9.6); its term is unchanged.
    PreCandidate,
}

impl Role {
    /// The role's lowercase name.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::Role::Candidate.name(), "candidate");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::PreCandidate => "precandidate",
        }
    }

    /// A small stable number for the role: follower 0, candidate 1, leader 2,
    /// pre-candidate 3.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::Role::Leader.code(), 2);
    /// ```
    pub fn code(self) -> u8 {
        match self {
            Role::Follower => 0,
            Role::Candidate => 1,
            Role::Leader => 2,
            Role::PreCandidate => 3,
        }
    }
}

/// Volatile state the application may want to watch: the role and the
/// leader the node knows. Never needs persisting.
///
/// # Examples
/// ```
/// use quorumkit::raft::{Role, SoftState};
/// let s = SoftState { role: Role::Follower, leader: 0 };
/// assert_eq!(s, SoftState::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SoftState {
    /// The node's role.
    pub role: Role,
    /// The leader it knows in its current term, or [`NONE`].
    pub leader: NodeId,
}

/// A linearizable read the node has confirmed
/// ([`RaftNode::read_index`](super::RaftNode::read_index), thesis §6.4): once the application has
/// applied the log up to `index`, its state machine answers the read tagged
/// `ctx` linearizably.
///
/// # Examples
/// ```
/// use quorumkit::raft::ReadState;
/// let r = ReadState { index: 7, ctx: 42 };
/// assert!(r.index <= 7); // serve it once applied >= 7
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadState {
    /// The read index: serve the read once applied up to here.
    pub index: u64,
    /// The context the application passed to `read_index`.
    pub ctx: u64,
}
