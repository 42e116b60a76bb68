//! Simulator exports (`quorumkit/raft-sim`): the deterministic Raft cluster
//! simulator, and, with the `bench-loopback` feature only (never in the
//! package), the throughput workload of the benchmark.
//!
//! The page calls [`RawRaftCluster::state`] every animation frame, so the
//! snapshot crosses the boundary as numbers: the call writes every node's
//! fields and every message in flight into one `f64` buffer that JavaScript
//! reads through a `Float64Array` view ([`RawRaftCluster::nums_ptr`]), and
//! logs cross *incrementally*: the binding remembers, per node, the terms
//! of the log it last reported, and sends only the entries from the first
//! one that changed (payloads back to back in a byte buffer,
//! [`RawRaftCluster::bytes_ptr`]). By Log Matching, an entry with the same
//! index and term as one reported before is that entry with the same
//! prefix, so the changed suffix is found by walking back from the end of
//! the shorter log: a frame in which no log changed costs O(nodes +
//! messages in flight), whatever the logs' length.
//!
//! Events cross the same way, as fixed-width records ([`EVENT_FIELDS`]
//! numbers each) in the same buffer.

use super::args;
use super::codes::code;
use super::errors::{arg_error, JsResult};
use super::scratch::with_key;
use crate::prelude::*;
#[cfg(feature = "bench-loopback")]
use crate::raft::loopback::Loopback;
use crate::raft::sim::linearizability::{check_kv, KvInput, KvOutput};
use crate::raft::sim::{
    Cluster, DropReason, EventKind, KvConfig, Latency, MsgInfo, SimConfig, SimError,
};
use crate::raft::{MsgKind, NodeId};
use wasm_bindgen::prelude::*;

/// Numbers before the first node in a state snapshot: time, node count,
/// flight count, whether the run stopped at a violation, the leader (0 for
/// none).
pub const STATE_HEADER: usize = 5;
/// Numbers per node in a state snapshot: up, role, term, vote, leader,
/// commit, applied, log length, election elapsed (ms), election timeout
/// (ms), the first log position that changed since the last snapshot, the
/// number of entries sent from there, the index its snapshot covers (the
/// log starts after it), and the node's own view of the membership as two
/// bit masks (bit `id` set for each voter, for each learner; a crashed node
/// shows what it last knew).
pub const NODE_FIELDS: usize = 15;
/// Numbers per message in flight: id, kind, from, to, term, sent, arrive,
/// entries carried, progress in `[0, 1]`, and for a vote reply whether it
/// grants the vote (1) or refuses it (0); -1 for other kinds.
pub const FLIGHT_FIELDS: usize = 10;
/// Numbers per log entry sent: index, term, end offset of its data in the
/// byte buffer.
pub const ENTRY_FIELDS: usize = 3;
/// Numbers per event record: time, type code, then up to nine fields.
pub const EVENT_FIELDS: usize = 11;
/// Event types by code (an event record's second number; see
/// [`RawRaftCluster::events`] for each type's fields).
pub const EVENT_TYPES: [&str; 18] = [
    "send",
    "deliver",
    "drop",
    "role",
    "vote",
    "append",
    "commit",
    "apply",
    "propose",
    "timeout",
    "crash",
    "restart",
    "partition",
    "cut",
    "heal",
    "snapshot",
    "membership",
    "transfer",
];
/// Why a message was dropped, by code (the last field of a drop event).
pub const DROP_REASONS: [&str; 3] = ["lost", "partition", "crashed"];
/// Membership changes by code (the last field of a membership event).
pub const CHANGES: [&str; 3] = ["add-learner", "promote", "remove"];
/// Key-value client operations by code (see [`RawRaftCluster::client_history`]).
pub const OPS: [&str; 3] = ["get", "put", "cas"];

/// The code of an event type, at compile time.
macro_rules! event {
    ($name:literal) => {
        const { code(&EVENT_TYPES, $name) }
    };
}

/// The largest virtual time, so that every time crosses as an exact number.
const MAX_TIME: u64 = (1 << 53) - 1;
/// Numbers per confirmed read: node, ctx, read index, time.
pub const READ_FIELDS: usize = 4;
/// Numbers per key-value client operation (see
/// [`RawRaftCluster::client_history`]).
pub const OP_FIELDS: usize = 8;

fn sim_error(e: SimError) -> JsValue {
    match e {
        SimError::Arg(a) => arg_error(a),
        other => js_sys::Error::new(&other.to_string()).into(),
    }
}

/// A simulated cluster (see `crate::raft::sim`), with the buffers its
/// snapshots and events cross in.
#[wasm_bindgen]
pub struct RawRaftCluster {
    c: Cluster,
    nums: Vec<f64>,
    bytes: Vec<u8>,
    /// Per node, the terms of the log as last reported by `state`.
    synced: Vec<Vec<u64>>,
    /// Per node, the snapshot index of the log as last reported.
    synced_from: Vec<u64>,
}

#[wasm_bindgen]
impl RawRaftCluster {
    /// A cluster of `nodes` nodes seeded with `seed`; absent options take
    /// the simulator's defaults (election timeout 150 ms, heartbeat 50 ms,
    /// latency 5–25 ms, a reliable network, no pre-vote, no check-quorum,
    /// no compaction, every node a voter). `compact_every`: each node
    /// snapshots and compacts its log after applying that many entries (0
    /// never); `voters`: only nodes `1..=voters` start in the
    /// configuration (0 all), the others wait to be added.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        nodes: f64,
        seed: u64,
        election_timeout: Option<f64>,
        heartbeat: Option<f64>,
        latency_min: Option<f64>,
        latency_max: Option<f64>,
        drop_rate: Option<f64>,
        dup_rate: Option<f64>,
        reorder_rate: Option<f64>,
        pre_vote: Option<bool>,
        check_quorum: Option<bool>,
        compact_every: Option<f64>,
        voters: Option<f64>,
    ) -> JsResult<RawRaftCluster> {
        let n =
            args::int("nodes", nodes, 1, crate::raft::sim::MAX_NODES as u64).map_err(arg_error)?;
        let mut cfg = SimConfig::new(n as usize, seed);
        let ms = |param, v: Option<f64>, default| match v {
            Some(v) => args::int(param, v, 0, 3_600_000).map_err(arg_error),
            None => Ok(default),
        };
        cfg.election_timeout = ms("electionTimeout", election_timeout, cfg.election_timeout)?;
        cfg.heartbeat = ms("heartbeat", heartbeat, cfg.heartbeat)?;
        cfg.latency = Latency {
            min: ms("latency.min", latency_min, cfg.latency.min)?,
            max: ms("latency.max", latency_max, cfg.latency.max)?,
        };
        cfg.drop_rate = drop_rate.unwrap_or(0.0);
        cfg.dup_rate = dup_rate.unwrap_or(0.0);
        cfg.reorder_rate = reorder_rate.unwrap_or(0.0);
        cfg.pre_vote = pre_vote.unwrap_or(false);
        cfg.check_quorum = check_quorum.unwrap_or(false);
        if let Some(k) = compact_every {
            cfg.snapshot_every = args::int("compactEvery", k, 0, 1 << 40).map_err(arg_error)?;
        }
        if let Some(v) = voters {
            let upto = format!("an integer in 0..={n} (0: every node)");
            if !(v.is_finite() && v.fract() == 0.0 && v >= 0.0 && v <= n as f64) {
                return Err(arg_error(crate::ArgError::range("voters", upto, v)));
            }
            cfg.voters = v as usize;
        }
        let c = Cluster::new(cfg).map_err(sim_error)?;
        let n = c.len();
        Ok(RawRaftCluster {
            synced: vec![Vec::new(); n],
            synced_from: vec![0; n],
            c,
            nums: Vec::new(),
            bytes: Vec::new(),
        })
    }

    /// Runs every event due in the next `ms` milliseconds of virtual time.
    pub fn advance(&mut self, ms: f64) -> JsResult<()> {
        let room = MAX_TIME - self.c.now().min(MAX_TIME);
        let ms = args::int("ms", ms, 0, room).map_err(arg_error)?;
        self.c.advance(ms);
        Ok(())
    }

    /// Runs the next event; false if there is none or the run stopped.
    pub fn step_event(&mut self) -> bool {
        self.c.step_event()
    }

    /// Crashes node `id`.
    pub fn crash(&mut self, id: f64) -> JsResult<()> {
        let id = self.id("id", id)?;
        self.c.crash(id).map_err(sim_error)
    }

    /// Restarts node `id` from its persisted state.
    pub fn restart(&mut self, id: f64) -> JsResult<()> {
        let id = self.id("id", id)?;
        self.c.restart(id).map_err(sim_error)
    }

    /// Fires node `id`'s election timeout now.
    pub fn timeout(&mut self, id: f64) -> JsResult<()> {
        let id = self.id("id", id)?;
        self.c.timeout(id).map_err(sim_error)
    }

    /// Splits the network into groups: `ids` holds the members of every
    /// group back to back, `sizes` each group's length.
    pub fn partition(&mut self, ids: &[u32], sizes: &[u32]) -> JsResult<()> {
        let mut groups = Vec::with_capacity(sizes.len());
        let mut at = 0usize;
        for &s in sizes {
            let end = at.saturating_add(s as usize);
            let Some(members) = ids.get(at..end) else {
                return Err(arg_error(crate::ArgError::range(
                    "groups",
                    "groups whose sizes match the ids given",
                    format!("{} ids", ids.len()),
                )));
            };
            groups.push(members.to_vec());
            at = end;
        }
        self.c.partition(&groups).map_err(sim_error)
    }

    /// Cuts the link from `from` to `to`, one way.
    pub fn cut(&mut self, from: f64, to: f64) -> JsResult<()> {
        let from = self.id("from", from)?;
        let to = self.id("to", to)?;
        self.c.cut(from, to).map_err(sim_error)
    }

    /// Removes every partition and cut.
    pub fn heal(&mut self) {
        self.c.heal();
    }

    /// Proposes the first `len` bytes of the key buffer to the leader and
    /// returns the new entry's index (the leader is then [`Self::leader`]).
    pub fn propose(&mut self, len: usize) -> JsResult<f64> {
        let r = with_key(len, |data| {
            self.c.propose(bytes::Bytes::copy_from_slice(data))
        });
        r.map(|(_, index)| index as f64).map_err(sim_error)
    }

    /// Sets the network's drop, duplicate and reorder probabilities (absent
    /// ones keep their value). Checks all before changing any.
    pub fn set_rates(
        &mut self,
        drop_rate: Option<f64>,
        dup_rate: Option<f64>,
        reorder_rate: Option<f64>,
    ) -> JsResult<()> {
        let mut probe = self.c.config().clone();
        probe.drop_rate = drop_rate.unwrap_or(probe.drop_rate);
        probe.dup_rate = dup_rate.unwrap_or(probe.dup_rate);
        probe.reorder_rate = reorder_rate.unwrap_or(probe.reorder_rate);
        probe.validate().map_err(arg_error)?;
        self.c.set_drop_rate(probe.drop_rate).map_err(sim_error)?;
        self.c.set_dup_rate(probe.dup_rate).map_err(sim_error)?;
        self.c
            .set_reorder_rate(probe.reorder_rate)
            .map_err(sim_error)
    }

    /// Asks the leader to hand leadership to voter `id` (thesis §3.10);
    /// returns the leader asked.
    pub fn transfer_leader(&mut self, id: f64) -> JsResult<u32> {
        let id = self.id("to", id)?;
        self.c
            .transfer_leader(id)
            .map_err(|e| sim_error(name_node(e, "to", id)))
    }

    /// Asks the leader to add node `id` as a learner; returns the index of
    /// the change in the log.
    pub fn add_learner(&mut self, id: f64) -> JsResult<f64> {
        self.conf_change(id, Cluster::add_learner)
    }

    /// Asks the leader to make learner `id` a voter; returns the index of
    /// the change.
    pub fn promote(&mut self, id: f64) -> JsResult<f64> {
        self.conf_change(id, Cluster::promote)
    }

    /// Asks the leader to remove member `id`; returns the index of the
    /// change.
    pub fn remove(&mut self, id: f64) -> JsResult<f64> {
        self.conf_change(id, Cluster::remove)
    }

    /// Asks node `id` for a linearizable read tagged `ctx` (ReadIndex).
    pub fn read_index(&mut self, id: f64, ctx: f64) -> JsResult<()> {
        let id = self.id("id", id)?;
        let ctx = args::int("ctx", ctx, 0, MAX_TIME).map_err(arg_error)?;
        self.c.read_index(id, ctx).map_err(sim_error)
    }

    /// The reads confirmed from position `since` on, as [`READ_FIELDS`]
    /// numbers each: node, ctx, read index, virtual time.
    pub fn reads(&self, since: f64) -> Box<[f64]> {
        let all = self.c.reads();
        let from = (since.max(0.0) as usize).min(all.len());
        all[from..]
            .iter()
            .flat_map(|r| {
                [
                    f64::from(r.node),
                    r.ctx as f64,
                    r.index as f64,
                    r.time as f64,
                ]
            })
            .collect()
    }

    /// Starts simulated key-value clients (see `Cluster::start_kv`);
    /// absent options keep `KvConfig::new`'s defaults.
    #[allow(clippy::too_many_arguments)]
    pub fn start_clients(
        &mut self,
        clients: f64,
        keys: Option<f64>,
        ops_per_client: Option<f64>,
        timeout: Option<f64>,
        think: Option<f64>,
        cas: Option<bool>,
        seed: Option<u64>,
    ) -> JsResult<()> {
        let n = args::int("clients", clients, 1, 16).map_err(arg_error)?;
        let mut k = KvConfig::new(n as u32);
        let opt = |param, v: Option<f64>, min, max, default| match v {
            Some(v) => args::int(param, v, min, max).map_err(arg_error),
            None => Ok(default),
        };
        k.keys = opt("keys", keys, 1, 1_000, k.keys)?;
        k.ops_per_client = opt(
            "opsPerClient",
            ops_per_client,
            0,
            1_000_000,
            u64::from(k.ops_per_client),
        )? as u32;
        k.timeout = opt("timeout", timeout, 1, 3_600_000, k.timeout)?;
        k.think = opt("think", think, 1, 3_600_000, k.think)?;
        k.cas = cas.unwrap_or(k.cas);
        k.seed = seed.unwrap_or(self.c.config().seed);
        self.c.start_kv(k).map_err(sim_error)
    }

    /// Whether every key-value client has finished (true if none started).
    #[wasm_bindgen(getter)]
    pub fn clients_idle(&self) -> bool {
        self.c.kv_idle()
    }

    /// The clients' history as [`OP_FIELDS`] numbers per operation: client,
    /// kind (its code in [`OPS`]: get, put, compare-and-set), key, value written (-1 for a
    /// get), value expected by a compare-and-set (-1 for none: the key
    /// absent), invoked at, answered at (-1: unknown outcome), then the
    /// output: for a get the value read (-1: absent), for a put 1, for a
    /// compare-and-set 1 if it wrote and 0 if not; -2 when unknown.
    pub fn client_history(&self) -> Box<[f64]> {
        let num = |v: Option<u64>| v.map_or(-1.0, |v| v as f64);
        self.c
            .kv_history()
            .iter()
            .flat_map(|op| {
                let (kind, key, value, expect) = match op.input {
                    KvInput::Get { key } => (const { code(&OPS, "get") }, key, None, None),
                    KvInput::Put { key, value } => {
                        (const { code(&OPS, "put") }, key, Some(value), None)
                    }
                    KvInput::Cas { key, expect, value } => {
                        (const { code(&OPS, "cas") }, key, Some(value), expect)
                    }
                };
                let (ret, out) = match op.output {
                    None => (-1.0, -2.0),
                    Some(KvOutput::Value(v)) => (op.ret as f64, num(v)),
                    Some(KvOutput::Ok) => (op.ret as f64, 1.0),
                    Some(KvOutput::Cas(hit)) => (op.ret as f64, f64::from(u8::from(hit))),
                };
                [
                    f64::from(op.client),
                    f64::from(kind),
                    key as f64,
                    num(value),
                    num(expect),
                    op.call as f64,
                    ret,
                    out,
                ]
            })
            .collect()
    }

    /// Checks the clients' history for linearizability: empty if it is,
    /// else the key whose history is not and the readable report.
    pub fn check_linearizable(&self) -> Vec<String> {
        match check_kv(self.c.kv_history()) {
            Ok(()) => Vec::new(),
            Err(e) => vec![e.key.to_string(), e.to_string()],
        }
    }

    /// Runs until a leader of the highest term exists and every live
    /// member applied everything committed, for at most `within` ms;
    /// returns the leader, or 0 if it did not happen (the run then stops
    /// at a liveness violation).
    pub fn check_liveness(&mut self, within: f64) -> JsResult<u32> {
        let room = MAX_TIME - self.c.now().min(MAX_TIME);
        let within = args::int("withinMs", within, 0, room).map_err(arg_error)?;
        Ok(self.c.check_liveness(within).unwrap_or(0))
    }

    /// Virtual time in ms.
    #[wasm_bindgen(getter)]
    pub fn now(&self) -> f64 {
        self.c.now() as f64
    }

    /// The live leader with the highest term, or 0.
    #[wasm_bindgen(getter)]
    pub fn leader(&self) -> u32 {
        self.c.leader().unwrap_or(0)
    }

    /// What leader `id` knows of each other member's log, as (node, match
    /// index, next index) triples: match is the highest index known to be
    /// replicated there, next the index the leader sends from. Empty if `id`
    /// is down or not leading.
    pub fn progress(&self, id: f64) -> JsResult<Box<[f64]>> {
        let id = self.id("id", id)?;
        let mut out = Vec::new();
        if let Some(n) = self.c.node(id) {
            for peer in 1..=self.c.len() as NodeId {
                if peer == id {
                    continue;
                }
                if let Some(p) = n.progress(peer) {
                    out.extend_from_slice(&[f64::from(peer), p.matched as f64, p.next as f64]);
                }
            }
        }
        Ok(out.into_boxed_slice())
    }

    /// The number of events in the log: the cursor past the last one.
    #[wasm_bindgen(getter)]
    pub fn event_count(&self) -> f64 {
        self.c.event_cursor() as f64
    }

    /// The cursor of the oldest event kept (see `forget_events`).
    #[wasm_bindgen(getter)]
    pub fn first_event(&self) -> f64 {
        self.c.first_event_cursor() as f64
    }

    /// Forgets the events before cursor `before` (the facade checks it).
    pub fn forget_events(&mut self, before: f64) {
        self.c.forget_events(before as usize);
    }

    /// A fingerprint of the whole history.
    #[wasm_bindgen(getter)]
    pub fn history_hash(&self) -> u64 {
        self.c.history_hash()
    }

    /// Pointer to the number buffer written by `state` and `events`.
    pub fn nums_ptr(&self) -> *const f64 {
        self.nums.as_ptr()
    }

    /// Pointer to the byte buffer of log entry data written by `state`.
    pub fn bytes_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }

    /// Writes a snapshot into the number and byte buffers and returns how
    /// many numbers it takes. Layout: [`STATE_HEADER`] numbers, then
    /// [`NODE_FIELDS`] per node, [`FLIGHT_FIELDS`] per message in flight,
    /// then [`ENTRY_FIELDS`] per log entry sent, node after node. With
    /// `full`, every log is sent whole (the caller dropped its copies).
    pub fn state(&mut self, full: bool) -> usize {
        if full {
            self.synced.iter_mut().for_each(Vec::clear);
        }
        let RawRaftCluster {
            c,
            nums,
            bytes,
            synced,
            synced_from,
            ..
        } = self;
        nums.clear();
        bytes.clear();
        let nodes = c.len();
        let flights_at = STATE_HEADER + nodes * NODE_FIELDS;
        nums.resize(flights_at, 0.0);
        nums[0] = c.now() as f64;
        nums[1] = nodes as f64;
        nums[3] = f64::from(u8::from(!c.violations().is_empty()));
        nums[4] = f64::from(c.leader().unwrap_or(0));
        let mut flights = 0usize;
        for f in c.in_flight() {
            push_msg(nums, &f.msg);
            nums.push(f.progress);
            let m = &f.msg;
            nums.push(match m.kind {
                MsgKind::VoteResp | MsgKind::PreVoteResp | MsgKind::AppendResp => {
                    f64::from(u8::from(!m.reject))
                }
                _ => -1.0,
            });
            flights += 1;
        }
        nums[2] = flights as f64;
        for (i, old) in synced.iter_mut().enumerate() {
            let Some(s) = c.node_state(i as NodeId + 1) else {
                continue;
            };
            let log = s.log;
            // After a compaction the log starts at another index: resend it.
            if synced_from[i] != s.snapshot_index {
                old.clear();
                synced_from[i] = s.snapshot_index;
            }
            let mask = |ids: &[NodeId]| ids.iter().fold(0u32, |m, &id| m | (1 << id));
            // Log Matching: an entry equal in index and term to one reported
            // earlier carries the same data and prefix.
            let mut from = old.len().min(log.len());
            while from > 0 && old[from - 1] != log[from - 1].term {
                from -= 1;
            }
            old.truncate(from);
            for e in &log[from..] {
                old.push(e.term);
                bytes.extend_from_slice(&e.data);
                nums.extend_from_slice(&[e.index as f64, e.term as f64, bytes.len() as f64]);
            }
            let base = STATE_HEADER + i * NODE_FIELDS;
            nums[base..base + NODE_FIELDS].copy_from_slice(&[
                f64::from(u8::from(s.up)),
                f64::from(s.role.code()),
                s.term as f64,
                f64::from(s.vote),
                f64::from(s.leader),
                s.commit as f64,
                s.applied as f64,
                log.len() as f64,
                s.election_elapsed as f64,
                s.election_timeout as f64,
                from as f64,
                (log.len() - from) as f64,
                s.snapshot_index as f64,
                f64::from(mask(&s.conf.voters)),
                f64::from(mask(&s.conf.learners)),
            ]);
        }
        nums.len()
    }

    /// Writes up to `max` events from position `since` as records of
    /// [`EVENT_FIELDS`] numbers and returns how many: time, the type's code
    /// in [`EVENT_TYPES`], then its fields. send, deliver, drop: message id,
    /// kind, from, to, term, sent, arrive, entries, and for a drop the
    /// reason's code in [`DROP_REASONS`]; role: node, role, term, leader;
    /// vote: node, term, candidate; append: node, first, last, term; commit:
    /// node, index; apply: node, first, last; propose: node, index; timeout,
    /// crash, restart: node; partition: group count (see `event_groups`);
    /// cut: from, to; heal: none; snapshot: node, index, received;
    /// membership: leader, index, node, the change's code in [`CHANGES`];
    /// transfer: from, to.
    pub fn events(&mut self, since: f64, max: usize) -> usize {
        let since = if since >= 0.0 { since as usize } else { 0 };
        let evs = self.c.events(since);
        let evs = &evs[..evs.len().min(max)];
        let nums = &mut self.nums;
        nums.clear();
        for ev in evs {
            let at = nums.len();
            nums.push(ev.time as f64);
            let (code, fields): (u8, [f64; 4]) = match &ev.kind {
                EventKind::Send(m) => {
                    nums.push(f64::from(event!("send")));
                    push_msg(nums, m);
                    nums.push(0.0);
                    continue;
                }
                EventKind::Deliver(m) => {
                    nums.push(f64::from(event!("deliver")));
                    push_msg(nums, m);
                    nums.push(0.0);
                    continue;
                }
                EventKind::Drop(m, reason) => {
                    nums.push(f64::from(event!("drop")));
                    push_msg(nums, m);
                    nums.push(f64::from(match reason {
                        DropReason::Lost => const { code(&DROP_REASONS, "lost") },
                        DropReason::Partition => const { code(&DROP_REASONS, "partition") },
                        DropReason::Crashed => const { code(&DROP_REASONS, "crashed") },
                    }));
                    continue;
                }
                EventKind::Role {
                    node,
                    role,
                    term,
                    leader,
                } => (
                    event!("role"),
                    [
                        f64::from(*node),
                        f64::from(role.code()),
                        *term as f64,
                        f64::from(*leader),
                    ],
                ),
                EventKind::Vote {
                    node,
                    term,
                    candidate,
                } => (
                    event!("vote"),
                    [f64::from(*node), *term as f64, f64::from(*candidate), 0.0],
                ),
                EventKind::Append {
                    node,
                    first,
                    last,
                    term,
                } => (
                    event!("append"),
                    [f64::from(*node), *first as f64, *last as f64, *term as f64],
                ),
                EventKind::Commit { node, index } => (
                    event!("commit"),
                    [f64::from(*node), *index as f64, 0.0, 0.0],
                ),
                EventKind::Apply { node, first, last } => (
                    event!("apply"),
                    [f64::from(*node), *first as f64, *last as f64, 0.0],
                ),
                EventKind::Propose { node, index } => (
                    event!("propose"),
                    [f64::from(*node), *index as f64, 0.0, 0.0],
                ),
                EventKind::Timeout { node } => {
                    (event!("timeout"), [f64::from(*node), 0.0, 0.0, 0.0])
                }
                EventKind::Crash { node } => (event!("crash"), [f64::from(*node), 0.0, 0.0, 0.0]),
                EventKind::Restart { node } => {
                    (event!("restart"), [f64::from(*node), 0.0, 0.0, 0.0])
                }
                EventKind::Partition { groups } => {
                    (event!("partition"), [groups.len() as f64, 0.0, 0.0, 0.0])
                }
                EventKind::Cut { from, to } => {
                    (event!("cut"), [f64::from(*from), f64::from(*to), 0.0, 0.0])
                }
                EventKind::Heal => (event!("heal"), [0.0; 4]),
                EventKind::Snapshot {
                    node,
                    index,
                    received,
                } => (
                    event!("snapshot"),
                    [
                        f64::from(*node),
                        *index as f64,
                        f64::from(u8::from(*received)),
                        0.0,
                    ],
                ),
                EventKind::ConfChange {
                    leader,
                    index,
                    node,
                    voter,
                    removed,
                } => (
                    event!("membership"),
                    [
                        f64::from(*leader),
                        *index as f64,
                        f64::from(*node),
                        f64::from(if *removed {
                            const { code(&CHANGES, "remove") }
                        } else if *voter {
                            const { code(&CHANGES, "promote") }
                        } else {
                            const { code(&CHANGES, "add-learner") }
                        }),
                    ],
                ),
                EventKind::Transfer { from, to } => (
                    event!("transfer"),
                    [f64::from(*from), f64::from(*to), 0.0, 0.0],
                ),
            };
            nums.push(f64::from(code));
            nums.extend_from_slice(&fields);
            nums.resize(at + EVENT_FIELDS, 0.0);
        }
        evs.len()
    }

    /// The groups of the partition event at position `at`, as each group's
    /// size followed by its members; empty if that event is not a partition.
    pub fn event_groups(&self, at: f64) -> Vec<u32> {
        let at = if at >= self.c.first_event_cursor() as f64 {
            at as usize
        } else {
            usize::MAX
        };
        let mut out = Vec::new();
        if let Some(EventKind::Partition { groups }) = self.c.events(at).first().map(|e| &e.kind) {
            for g in groups {
                out.push(g.len() as u32);
                out.extend_from_slice(g);
            }
        }
        out
    }

    /// Whether the run stopped at an invariant violation.
    #[wasm_bindgen(getter)]
    pub fn violated(&self) -> bool {
        !self.c.violations().is_empty()
    }

    /// The violation as strings: rule name, detail, every node's state, and
    /// the whole readable report; empty if there is none.
    pub fn violation_text(&self) -> Vec<String> {
        match self.c.violations().first() {
            Some(v) => vec![
                v.rule.name().to_string(),
                v.detail.clone(),
                v.nodes.clone(),
                v.to_string(),
            ],
            None => Vec::new(),
        }
    }

    /// The violation's step and virtual time (ms); empty if there is none.
    pub fn violation_numbers(&self) -> Box<[f64]> {
        match self.c.violations().first() {
            Some(v) => Box::new([v.step as f64, v.time as f64]),
            None => Box::new([]),
        }
    }

    /// The seed the cluster was made with.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> u64 {
        self.c.config().seed
    }
}

impl RawRaftCluster {
    /// Runs one membership change on node `id`, a JavaScript number; returns
    /// the change's log index, or the refusal naming `id`.
    fn conf_change(
        &mut self,
        id: f64,
        change: fn(&mut Cluster, NodeId) -> Result<u64, SimError>,
    ) -> JsResult<f64> {
        let id = self.id("id", id)?;
        change(&mut self.c, id)
            .map(|i| i as f64)
            .map_err(|e| sim_error(name_node(e, "id", id)))
    }

    fn id(&self, param: &'static str, v: f64) -> JsResult<NodeId> {
        let n = self.c.len() as u64;
        args::int(param, v, 1, n)
            .map(|id| id as NodeId)
            .map_err(arg_error)
    }
}

/// The core names a refused membership change `change` and shows it whole;
/// JavaScript callers passed a node id, so the message names their parameter
/// and value (`id must be a learner whose log has reached the commit index,
/// got 4`).
fn name_node(e: SimError, param: &'static str, id: NodeId) -> SimError {
    match e {
        SimError::Arg(mut a) if a.param != param => {
            a.param = param.into();
            a.got = id.to_string();
            SimError::Arg(a)
        }
        other => other,
    }
}

fn push_msg(nums: &mut Vec<f64>, m: &MsgInfo) {
    nums.extend_from_slice(&[
        m.id as f64,
        f64::from(m.kind.code()),
        f64::from(m.from),
        f64::from(m.to),
        m.term as f64,
        m.sent as f64,
        m.arrive as f64,
        f64::from(m.entries),
    ]);
}

/// The throughput workload (`crate::raft::loopback`) for the benchmark:
/// nodes in one process with instant delivery. Built only with the
/// `bench-loopback` feature, which the package's modules leave out.
#[cfg(feature = "bench-loopback")]
#[wasm_bindgen]
pub struct RawRaftLoopback {
    l: Loopback,
}

#[cfg(feature = "bench-loopback")]
#[wasm_bindgen]
impl RawRaftLoopback {
    /// A loopback cluster of `nodes` nodes with node 1 elected.
    #[wasm_bindgen(constructor)]
    pub fn new(nodes: f64) -> JsResult<RawRaftLoopback> {
        let n = args::int("nodes", nodes, 1, 9).map_err(arg_error)?;
        let l = Loopback::new(n as usize).map_err(arg_error)?;
        Ok(RawRaftLoopback { l })
    }

    /// Makes `proposals` proposals of 16 bytes, `per_round` per round, and
    /// returns the entries the leader applied.
    pub fn run(&mut self, proposals: f64, per_round: f64) -> JsResult<f64> {
        let p = args::int("proposals", proposals, 0, 1 << 40).map_err(arg_error)?;
        let k = args::int("perRound", per_round, 1, 1 << 20).map_err(arg_error)?;
        Ok(self.l.run(p, k as usize) as f64)
    }
}
