//! Raft node exports: one sans-IO node ([`RawRaftNode`]) whose messages
//! cross as bytes of the wire format (`crate::raft::codec`), the staging
//! store ([`RawRaftStore`]) that restores a node from what the application
//! persisted and decodes stored values, and the `raft_encode_*` functions
//! that encode them.
//!
//! Results cross as numbers and bytes: a call writes records of `f64`s into
//! a number buffer ([`RawRaftNode::nums_ptr`]) and payloads back to back
//! into a byte buffer ([`RawRaftNode::bytes_ptr`]), each record holding the
//! end offset of its payload; JavaScript reads both through views and
//! copies out what it keeps.
//!
//! Terms and indices cross as JavaScript numbers. That is exact because the
//! core never holds a term above [`MAX_TERM`] nor an index above
//! [`MAX_INDEX`] (both 2⁵³ − 1): it refuses larger ones in messages and in
//! storage, takes in terms only up to `MAX_TERM − 1` so that it can always
//! campaign once more, and refuses proposals once its log is full. The
//! encoders and decoders here hold stored values to one rule
//! ([`check_entry`], [`check_snapshot`]), so what decodes encodes again, to
//! the same bytes.

use super::args;
use super::codes::code;
use super::errors::{arg_error, JsResult};
use super::scratch::{with_batch, with_key};
use crate::prelude::*;
use crate::raft::codec::{self, CodecError};
use crate::raft::{
    ConfChange, ConfChangeKind, Config, Entry, EntryKind, HardState, MemStorage, Message, MsgKind,
    ProgressState, RaftError, RaftNode, Snapshot, Storage, MAX_INDEX, MAX_TERM,
};
use crate::ArgError;
use rand_core::SeedableRng;
use wasm_bindgen::prelude::*;

/// Numbers at the start of a `ready` record: whether the hard state
/// changed, its term, vote and commit, the role code and leader, the
/// message count, the entry count, the committed entry count, whether a
/// snapshot follows.
pub const READY_HEADER: usize = 11;
/// Numbers per message: recipient, end offset of its bytes.
pub const MESSAGE_FIELDS: usize = 2;
/// Numbers per entry: index, term, kind (its code in [`ENTRY_KINDS`]), end
/// offset of its data.
pub const ENTRY_FIELDS: usize = 4;
/// Entry kinds by code: an application's entry, a membership change.
pub const ENTRY_KINDS: [&str; 2] = ["normal", "confChange"];
/// Membership changes by code, as [`RawRaftNode::propose_conf_change`]
/// takes them.
pub const CHANGE_TYPES: [&str; 3] = ["addLearner", "addVoter", "remove"];
/// A follower's replication state by code, as [`RawRaftNode::progress`]
/// reports it.
pub const PROGRESS_STATES: [&str; 3] = ["probe", "replicate", "snapshot"];
/// Numbers at the start of a snapshot record: index, term, voter count,
/// learner count, end offset of its data; then the voters and learners.
pub const SNAPSHOT_HEADER: usize = 5;
/// Numbers at the start of a decoded message, and in the header an encoded
/// one is made from: kind code, from, to, term, log term, index, commit,
/// reject (0 or 1), reject hint, context; a decoded one adds its entry
/// count and whether a snapshot follows.
pub const MESSAGE_HEADER: usize = 10;
/// Numbers per member in [`RawRaftNode::progress`]: id, match, next, state
/// (its code in [`PROGRESS_STATES`]), voter (0 or 1).
pub const PROGRESS_FIELDS: usize = 5;

fn raft_error(e: RaftError) -> JsValue {
    match e {
        RaftError::Arg(a) => arg_error(a),
        other => js_sys::Error::new(&other.to_string()).into(),
    }
}

fn codec_error(e: CodecError) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

/// What a stored entry must be, encoded or decoded: index in
/// 1..=[`MAX_INDEX`], term at most [`MAX_TERM`].
fn check_entry(param: &'static str, e: &Entry) -> Result<(), ArgError> {
    if e.index == 0 || e.index > MAX_INDEX || e.term > MAX_TERM {
        return Err(ArgError::range(
            param,
            "entries with an index in 1..=2^53-1 and a term in 0..=2^53-1",
            format!("index {} term {}", e.index, e.term),
        ));
    }
    Ok(())
}

/// What a stored snapshot must be, encoded or decoded: index at most
/// [`MAX_INDEX`], term at most [`MAX_TERM`], a configuration a cluster can
/// have ([`crate::raft::ConfState::check`]).
fn check_snapshot(param: &'static str, s: &Snapshot) -> Result<(), ArgError> {
    if s.index > MAX_INDEX || s.term > MAX_TERM {
        return Err(ArgError::range(
            param,
            "an index and a term in 0..=2^53-1",
            format!("index {} term {}", s.index, s.term),
        ));
    }
    s.conf.check(param)
}

/// What a stored hard state must be: term at most [`MAX_TERM`], commit at
/// most [`MAX_INDEX`].
fn check_hard_state(param: &'static str, hs: &HardState) -> Result<(), ArgError> {
    if hs.term > MAX_TERM || hs.commit > MAX_INDEX {
        return Err(ArgError::range(
            param,
            "a term and a commit index in 0..=2^53-1",
            format!("term {} commit {}", hs.term, hs.commit),
        ));
    }
    Ok(())
}

/// The number and byte buffers results are written to.
#[derive(Default)]
struct Out {
    nums: Vec<f64>,
    bytes: Vec<u8>,
}

impl Out {
    fn clear(&mut self) {
        self.nums.clear();
        self.bytes.clear();
    }

    fn entry(&mut self, e: &Entry) {
        self.bytes.extend_from_slice(&e.data);
        let kind = f64::from(match e.kind {
            EntryKind::ConfChange => const { code(&ENTRY_KINDS, "confChange") },
            EntryKind::Normal => const { code(&ENTRY_KINDS, "normal") },
        });
        self.nums.extend_from_slice(&[
            e.index as f64,
            e.term as f64,
            kind,
            self.bytes.len() as f64,
        ]);
    }

    fn snapshot(&mut self, s: &Snapshot) {
        self.bytes.extend_from_slice(&s.data);
        self.nums.extend_from_slice(&[
            s.index as f64,
            s.term as f64,
            s.conf.voters.len() as f64,
            s.conf.learners.len() as f64,
            self.bytes.len() as f64,
        ]);
        let ids = s.conf.voters.iter().chain(&s.conf.learners);
        self.nums.extend(ids.map(|&id| f64::from(id)));
    }
}

/// Staging storage: what a node is restored from, and the persistence
/// codec. The facade fills it from the application's `{ hardState,
/// entries, snapshot }` (snapshot first, then entries), then passes it to
/// [`RawRaftNode::new`]. It also decodes stored values into its buffers
/// (the `raft_encode_*` functions encode them).
#[wasm_bindgen]
#[derive(Default)]
pub struct RawRaftStore {
    s: MemStorage,
    out: Out,
}

#[wasm_bindgen]
impl RawRaftStore {
    /// Empty storage.
    #[wasm_bindgen(constructor)]
    pub fn new() -> RawRaftStore {
        RawRaftStore::default()
    }

    /// Sets the hard state.
    pub fn set_hard_state(&mut self, term: f64, vote: f64, commit: f64) -> JsResult<()> {
        self.s.set_hard_state(hard_state(term, vote, commit)?);
        Ok(())
    }

    /// Sets the snapshot (before any entry is appended); its data is the
    /// first `len` bytes of the key buffer.
    pub fn set_snapshot(
        &mut self,
        index: f64,
        term: f64,
        voters: &[u32],
        learners: &[u32],
        len: usize,
    ) -> JsResult<()> {
        let snap = snapshot(index, term, voters, learners, len)?;
        self.s.apply_snapshot(&snap).map_err(|e| {
            arg_error(ArgError::range(
                "snapshot",
                "set before any entry",
                e.to_string(),
            ))
        })
    }

    /// Appends `count` entries (see [`raft_encode_entries`] for how they
    /// arrive). Entries are applied in order as a `Ready`'s are persisted:
    /// one that starts a run at index `i` replaces the stored entries from
    /// `i` on; entries at or below the snapshot's index are skipped.
    pub fn append(
        &mut self,
        count: usize,
        indexes: &[f64],
        terms: &[f64],
        kinds: &[u8],
    ) -> JsResult<()> {
        let es = entries(count, indexes, terms, kinds)?;
        self.append_entries(&es)
    }

    /// Decodes a hard state from the first `len` bytes of the key buffer:
    /// term, vote, commit.
    pub fn decode_hard_state(&mut self, len: usize) -> JsResult<Box<[f64]>> {
        let hs = with_key(len, codec::decode_hard_state).map_err(codec_error)?;
        check_hard_state("bytes", &hs).map_err(arg_error)?;
        Ok(Box::new([
            hs.term as f64,
            f64::from(hs.vote),
            hs.commit as f64,
        ]))
    }

    /// Decodes an entry list from the first `len` bytes of the key buffer
    /// into the buffers ([`ENTRY_FIELDS`] numbers each); returns the count.
    pub fn decode_entries(&mut self, len: usize) -> JsResult<usize> {
        let es = with_key(len, codec::decode_entries).map_err(codec_error)?;
        for e in &es {
            check_entry("bytes", e).map_err(arg_error)?;
        }
        self.out.clear();
        for e in &es {
            self.out.entry(e);
        }
        Ok(es.len())
    }

    /// Decodes a snapshot from the first `len` bytes of the key buffer into
    /// the buffers (one snapshot record).
    pub fn decode_snapshot(&mut self, len: usize) -> JsResult<()> {
        let s = with_key(len, codec::decode_snapshot).map_err(codec_error)?;
        check_snapshot("bytes", &s).map_err(arg_error)?;
        self.out.clear();
        self.out.snapshot(&s);
        Ok(())
    }

    /// Decodes a message from the first `len` bytes of the key buffer into
    /// the buffers: [`MESSAGE_HEADER`] numbers, its entry count, whether a
    /// snapshot follows, then the entries and the snapshot record. Only a
    /// message a correct peer could send decodes ([`Message::check`]).
    pub fn decode_message(&mut self, len: usize) -> JsResult<()> {
        let m = with_key(len, codec::decode_message).map_err(codec_error)?;
        m.check().map_err(arg_error)?;
        self.out.clear();
        self.out.nums.extend_from_slice(&[
            f64::from(m.kind.code()),
            f64::from(m.from),
            f64::from(m.to),
            m.term as f64,
            m.log_term as f64,
            m.index as f64,
            m.commit as f64,
            f64::from(u8::from(m.reject)),
            m.reject_hint as f64,
            m.context as f64,
            m.entries.len() as f64,
            f64::from(u8::from(m.snapshot.is_some())),
        ]);
        for e in &m.entries {
            self.out.entry(e);
        }
        if let Some(s) = &m.snapshot {
            self.out.snapshot(s);
        }
        Ok(())
    }

    /// Pointer to the number buffer.
    pub fn nums_ptr(&self) -> *const f64 {
        self.out.nums.as_ptr()
    }

    /// Pointer to the byte buffer.
    pub fn bytes_ptr(&self) -> *const u8 {
        self.out.bytes.as_ptr()
    }
}

impl RawRaftStore {
    /// Appends runs of consecutive entries in order, each replacing what
    /// it overlaps, skipping what the snapshot covers.
    fn append_entries(&mut self, es: &[Entry]) -> JsResult<()> {
        let snap = self.s.snapshot().index;
        let mut rest = es;
        while !rest.is_empty() {
            let run = 1 + rest
                .windows(2)
                .take_while(|w| w[0].index.checked_add(1) == Some(w[1].index))
                .count();
            let (head, tail) = rest.split_at(run);
            rest = tail;
            let keep = head.iter().position(|e| e.index > snap);
            let Some(k) = keep else { continue };
            self.s.append(&head[k..]).map_err(|e| {
                arg_error(ArgError::range(
                    "entries",
                    "entries that continue the stored log (or the snapshot) without a gap",
                    e.to_string(),
                ))
            })?;
        }
        Ok(())
    }
}

fn hard_state(term: f64, vote: f64, commit: f64) -> JsResult<HardState> {
    Ok(HardState {
        term: args::int("hardState.term", term, 0, MAX_TERM).map_err(arg_error)?,
        vote: args::int("hardState.vote", vote, 0, u64::from(u32::MAX)).map_err(arg_error)? as u32,
        commit: args::int("hardState.commit", commit, 0, MAX_INDEX).map_err(arg_error)?,
    })
}

fn snapshot(
    index: f64,
    term: f64,
    voters: &[u32],
    learners: &[u32],
    len: usize,
) -> JsResult<Snapshot> {
    let s = Snapshot {
        index: args::int("snapshot.index", index, 0, MAX_INDEX).map_err(arg_error)?,
        term: args::int("snapshot.term", term, 0, MAX_TERM).map_err(arg_error)?,
        conf: crate::raft::ConfState {
            voters: voters.to_vec(),
            learners: learners.to_vec(),
        },
        data: with_key(len, bytes::Bytes::copy_from_slice),
    };
    check_snapshot("snapshot", &s).map_err(arg_error)?;
    Ok(s)
}

/// `count` entries: data packed in the key buffer (ends in the offsets
/// buffer), indices, terms and kinds (codes in [`ENTRY_KINDS`]) as arrays.
fn entries(count: usize, indexes: &[f64], terms: &[f64], kinds: &[u8]) -> JsResult<Vec<Entry>> {
    if indexes.len() != count || terms.len() != count || kinds.len() != count {
        return Err(arg_error(ArgError::range(
            "entries",
            "index, term and kind for every entry",
            format!("{count} entries"),
        )));
    }
    with_batch(count, 0, |keys, ends, _| -> JsResult<Vec<Entry>> {
        let mut start = 0usize;
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let end = ends[i] as usize;
            out.push(Entry {
                index: args::int("entries.index", indexes[i], 1, MAX_INDEX).map_err(arg_error)?,
                term: args::int("entries.term", terms[i], 0, MAX_TERM).map_err(arg_error)?,
                data: bytes::Bytes::copy_from_slice(&keys[start..end]),
                kind: match kinds[i] {
                    k if k == const { code(&ENTRY_KINDS, "normal") } => EntryKind::Normal,
                    k if k == const { code(&ENTRY_KINDS, "confChange") } => EntryKind::ConfChange,
                    k => {
                        return Err(arg_error(ArgError::range(
                            "entries.kind",
                            "a code in ENTRY_KINDS",
                            k,
                        )))
                    }
                },
            });
            start = end;
        }
        Ok(out)
    })?
}

/// Encodes a message in the wire format: `header` holds
/// [`MESSAGE_HEADER`] numbers; its entries arrive as for
/// [`raft_encode_entries`], or (with none) a snapshot as for
/// [`raft_encode_snapshot`] when `snapshot_index` is given. Only a message
/// a correct peer could send encodes ([`Message::check`]).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn raft_encode_message(
    header: &[f64],
    count: usize,
    indexes: &[f64],
    terms: &[f64],
    kinds: &[u8],
    snapshot_index: Option<f64>,
    snapshot_term: f64,
    voters: &[u32],
    learners: &[u32],
    snapshot_len: usize,
) -> JsResult<Vec<u8>> {
    let [kind, from, to, term, log_term, index, commit, reject, reject_hint, context] =
        <[f64; MESSAGE_HEADER]>::try_from(header).map_err(|_| {
            arg_error(ArgError::range(
                "message",
                "ten header numbers",
                header.len(),
            ))
        })?;
    let id = |param, v| args::int(param, v, 1, u64::from(u32::MAX)).map_err(arg_error);
    let n = |param, v| args::int(param, v, 0, MAX_INDEX).map_err(arg_error);
    let kind =
        MsgKind::from_code(args::int("message.kind", kind, 0, 255).map_err(arg_error)? as u8)
            .ok_or_else(|| arg_error(ArgError::range("message.kind", "a message kind", kind)))?;
    let mut m = Message::new(
        kind,
        id("message.from", from)? as u32,
        id("message.to", to)? as u32,
        n("message.term", term)?,
    );
    m.log_term = n("message.logTerm", log_term)?;
    m.index = n("message.index", index)?;
    m.commit = n("message.commit", commit)?;
    m.reject = reject == 1.0;
    m.reject_hint = n("message.rejectHint", reject_hint)?;
    m.context = n("message.context", context)?;
    m.entries = entries(count, indexes, terms, kinds)?;
    if let Some(index) = snapshot_index {
        m.snapshot = Some(snapshot(
            index,
            snapshot_term,
            voters,
            learners,
            snapshot_len,
        )?);
    }
    m.check().map_err(arg_error)?;
    Ok(codec::encode_message(&m))
}

/// Encodes a hard state for storage.
#[wasm_bindgen]
pub fn raft_encode_hard_state(term: f64, vote: f64, commit: f64) -> JsResult<Vec<u8>> {
    Ok(codec::encode_hard_state(&hard_state(term, vote, commit)?))
}

/// Encodes `count` entries for storage: their data packed in the key
/// buffer with end offsets in the offsets buffer, their indices, terms and
/// kinds (1 membership change, else normal) here.
#[wasm_bindgen]
pub fn raft_encode_entries(
    count: usize,
    indexes: &[f64],
    terms: &[f64],
    kinds: &[u8],
) -> JsResult<Vec<u8>> {
    Ok(codec::encode_entries(&entries(
        count, indexes, terms, kinds,
    )?))
}

/// Encodes a snapshot for storage; its data is the first `len` bytes of the
/// key buffer.
#[wasm_bindgen]
pub fn raft_encode_snapshot(
    index: f64,
    term: f64,
    voters: &[u32],
    learners: &[u32],
    len: usize,
) -> JsResult<Vec<u8>> {
    Ok(codec::encode_snapshot(&snapshot(
        index, term, voters, learners, len,
    )?))
}

/// One Raft node: the facade's `RaftNode`.
#[wasm_bindgen]
pub struct RawRaftNode {
    n: RaftNode,
    out: Out,
}

#[wasm_bindgen]
impl RawRaftNode {
    /// A node `id` with voters `peers` and `learners` (the initial
    /// configuration), restored from `store`. Absent ticks take the core's
    /// defaults (election 10, heartbeat 1).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: f64,
        peers: &[u32],
        learners: &[u32],
        election_tick: Option<f64>,
        heartbeat_tick: Option<f64>,
        pre_vote: bool,
        check_quorum: bool,
        seed: u64,
        store: &RawRaftStore,
    ) -> JsResult<RawRaftNode> {
        let id = args::int("id", id, 1, u64::from(u32::MAX)).map_err(arg_error)? as u32;
        let mut cfg = Config::new(id, peers.to_vec());
        cfg.learners = learners.to_vec();
        if let Some(t) = election_tick {
            cfg.election_tick = args::int("electionTick", t, 1, 1 << 30).map_err(arg_error)? as u32;
        }
        if let Some(t) = heartbeat_tick {
            let max = u64::from(cfg.election_tick.saturating_sub(1).max(1));
            cfg.heartbeat_tick = args::int("heartbeatTick", t, 1, max).map_err(arg_error)? as u32;
        }
        cfg.pre_vote = pre_vote;
        cfg.check_quorum = check_quorum;
        let rng = rand_pcg::Pcg32::seed_from_u64(seed);
        let n = RaftNode::new(cfg, &store.s, rng).map_err(raft_error)?;
        Ok(RawRaftNode {
            n,
            out: Out::default(),
        })
    }

    /// One tick of logical time.
    pub fn tick(&mut self) {
        self.n.tick();
    }

    /// Starts an election now.
    pub fn campaign(&mut self) {
        self.n.campaign();
    }

    /// Decodes the first `len` bytes of the key buffer as a message and
    /// steps it. Nothing changes if it fails.
    pub fn step(&mut self, len: usize) -> JsResult<()> {
        let m = with_key(len, codec::decode_message).map_err(codec_error)?;
        self.n.step(m).map_err(raft_error)
    }

    /// Proposes the first `len` bytes of the key buffer; returns the index.
    pub fn propose(&mut self, len: usize) -> JsResult<f64> {
        let data = with_key(len, bytes::Bytes::copy_from_slice);
        self.n.propose(data).map(|i| i as f64).map_err(raft_error)
    }

    /// Asks for a linearizable read tagged `ctx` (ReadIndex): answered by a
    /// read state in a later `ready`.
    pub fn read_index(&mut self, ctx: f64) -> JsResult<()> {
        let ctx = args::int("ctx", ctx, 0, MAX_INDEX).map_err(arg_error)?;
        self.n.read_index(ctx).map_err(raft_error)
    }

    /// Proposes a membership change of `node`: `kind` is its code in
    /// [`CHANGE_TYPES`] (add a learner, promote a learner to voter, remove).
    /// Returns the index.
    pub fn propose_conf_change(&mut self, kind: u8, node: f64) -> JsResult<f64> {
        let node = args::int("change.node", node, 1, u64::from(u32::MAX)).map_err(arg_error)?;
        let kind = match kind {
            k if k == const { code(&CHANGE_TYPES, "addLearner") } => ConfChangeKind::AddLearner,
            k if k == const { code(&CHANGE_TYPES, "addVoter") } => ConfChangeKind::AddVoter,
            k if k == const { code(&CHANGE_TYPES, "remove") } => ConfChangeKind::Remove,
            k => {
                return Err(arg_error(ArgError::range(
                    "change.type",
                    "a code in CHANGE_TYPES",
                    k,
                )))
            }
        };
        let cc = ConfChange {
            kind,
            node: node as u32,
        };
        self.n
            .propose_conf_change(cc)
            .map(|i| i as f64)
            .map_err(raft_error)
    }

    /// Hands leadership to voter `target`.
    pub fn transfer_leader(&mut self, target: f64) -> JsResult<()> {
        let t = args::int("id", target, 1, u64::from(u32::MAX)).map_err(arg_error)?;
        self.n.transfer_leader(t as u32).map_err(|e| match e {
            RaftError::Arg(a) => arg_error(ArgError {
                param: "id".into(),
                ..a
            }),
            other => raft_error(other),
        })
    }

    /// Compacts the log up to `index` with the first `len` bytes of the key
    /// buffer as the snapshot's data; writes the snapshot record.
    pub fn compact(&mut self, index: f64, len: usize) -> JsResult<()> {
        let index = args::int("index", index, 1, MAX_INDEX).map_err(arg_error)?;
        let data = with_key(len, bytes::Bytes::copy_from_slice);
        let s = self.n.compact(index, data).map_err(raft_error)?;
        self.out.clear();
        self.out.snapshot(&s);
        Ok(())
    }

    /// Writes the next `Ready` into the buffers and returns how many
    /// numbers it takes, or 0 if there is nothing to do. Layout:
    /// [`READY_HEADER`], then [`MESSAGE_FIELDS`] per message (its bytes
    /// are the wire format), [`ENTRY_FIELDS`] per entry to persist, then
    /// per committed entry, then (index, ctx) per read state, then a
    /// snapshot record if there is one.
    pub fn ready(&mut self) -> usize {
        if !self.n.has_ready() {
            return 0;
        }
        let RawRaftNode { n, out } = self;
        out.clear();
        let hs_now = n.hard_state();
        let ss = n.soft_state();
        let rd = n.ready();
        let hs = rd.hard_state;
        out.nums.extend_from_slice(&[
            f64::from(u8::from(hs.is_some())),
            hs_now.term as f64,
            f64::from(hs_now.vote),
            hs_now.commit as f64,
            f64::from(ss.role.code()),
            f64::from(ss.leader),
            rd.messages.len() as f64,
            rd.entries.len() as f64,
            rd.committed_entries.len() as f64,
            f64::from(u8::from(rd.snapshot.is_some())),
            rd.read_states.len() as f64,
        ]);
        for m in &rd.messages {
            codec::encode_message_into(m, &mut out.bytes);
            out.nums
                .extend_from_slice(&[f64::from(m.to), out.bytes.len() as f64]);
        }
        for e in rd.entries.iter().chain(rd.committed_entries) {
            out.entry(e);
        }
        for r in &rd.read_states {
            out.nums.extend_from_slice(&[r.index as f64, r.ctx as f64]);
        }
        if let Some(s) = &rd.snapshot {
            out.snapshot(s);
        }
        let msgs = rd.messages;
        n.recycle_messages(msgs);
        out.nums.len()
    }

    /// Marks the last `ready` as handled.
    pub fn advance(&mut self) {
        self.n.advance();
    }

    /// Pointer to the number buffer.
    pub fn nums_ptr(&self) -> *const f64 {
        self.out.nums.as_ptr()
    }

    /// Pointer to the byte buffer.
    pub fn bytes_ptr(&self) -> *const u8 {
        self.out.bytes.as_ptr()
    }

    /// This node's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> u32 {
        self.n.id()
    }

    /// The role code: 0 follower, 1 candidate, 2 leader, 3 pre-candidate.
    #[wasm_bindgen(getter)]
    pub fn role(&self) -> u8 {
        self.n.role().code()
    }

    /// The leader this node knows, or 0.
    #[wasm_bindgen(getter)]
    pub fn leader(&self) -> u32 {
        self.n.leader()
    }

    /// The current term.
    #[wasm_bindgen(getter)]
    pub fn term(&self) -> f64 {
        self.n.term() as f64
    }

    /// The vote in the current term, or 0.
    #[wasm_bindgen(getter)]
    pub fn vote(&self) -> u32 {
        self.n.vote()
    }

    /// The commit index.
    #[wasm_bindgen(getter)]
    pub fn commit(&self) -> f64 {
        self.n.commit() as f64
    }

    /// The last index handed out for applying.
    #[wasm_bindgen(getter)]
    pub fn applied(&self) -> f64 {
        self.n.applied() as f64
    }

    /// The last index of the log.
    #[wasm_bindgen(getter)]
    pub fn last_index(&self) -> f64 {
        self.n.last_index() as f64
    }

    /// Writes the log entries with indexes in `lo..hi` into the buffers
    /// ([`ENTRY_FIELDS`] numbers each); returns how many.
    pub fn entries(&mut self, lo: f64, hi: f64) -> JsResult<usize> {
        let first = self.n.snapshot_index() + 1;
        let end = self.n.last_index() + 1;
        let lo = args::int("lo", lo, first, end).map_err(arg_error)?;
        let hi = args::int("hi", hi, lo, end).map_err(arg_error)?;
        let log = self.n.entries();
        self.out.clear();
        for e in &log[(lo - first) as usize..(hi - first) as usize] {
            self.out.entry(e);
        }
        Ok((hi - lo) as usize)
    }

    /// The leader's view of every member ([`PROGRESS_FIELDS`] numbers
    /// each); empty unless this node leads.
    pub fn progress(&self) -> Box<[f64]> {
        self.n
            .progress_all()
            .iter()
            .flat_map(|p| {
                let state = f64::from(match p.state {
                    ProgressState::Probe => const { code(&PROGRESS_STATES, "probe") },
                    ProgressState::Replicate => const { code(&PROGRESS_STATES, "replicate") },
                    ProgressState::Snapshot => const { code(&PROGRESS_STATES, "snapshot") },
                });
                [
                    f64::from(p.id),
                    p.matched as f64,
                    p.next as f64,
                    state,
                    f64::from(u8::from(p.voter)),
                ]
            })
            .collect()
    }

    /// Ticks since the election timer was last reset.
    #[wasm_bindgen(getter)]
    pub fn election_elapsed(&self) -> u32 {
        self.n.election_elapsed()
    }

    /// The current randomized election timeout, in ticks.
    #[wasm_bindgen(getter)]
    pub fn election_timeout(&self) -> u32 {
        self.n.election_timeout()
    }

    /// The configuration in force: voter count, then voters, then learners.
    pub fn conf(&self) -> Vec<u32> {
        let c = self.n.conf_state();
        let mut v = Vec::with_capacity(1 + c.voters.len() + c.learners.len());
        v.push(c.voters.len() as u32);
        v.extend_from_slice(&c.voters);
        v.extend_from_slice(&c.learners);
        v
    }
}
