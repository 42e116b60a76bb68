//! A message-level driver for [`RaftNode`]s, after etcd raft's interaction
//! environment: scenario files ([`super::scenario`]) create nodes, tick
//! them, hand their Readies to storage, and deliver, drop or forge the
//! messages between them one step at a time, printing what each step did.
//!
//! ```text
//! add-nodes n=3
//! ----
//! ok
//!
//! campaign id=1
//! ----
//! ok
//!
//! process-ready id=1
//! ----
//! 1: role candidate, leader 0
//! 1: hard state term 1 vote 1 commit 0
//! 1: send 1->2 Vote term 1 index 0 log_term 0
//! 1: send 1->3 Vote term 1 index 0 log_term 0
//! ```
//!
//! Commands (`id` names a node; without it, where allowed, every node in
//! id order):
//! - `add-nodes n= [voters=1,2,3] [learners=] [pre-vote] [check-quorum]
//!   [election=10] [heartbeat=1]`: nodes `1..=n` with empty storage, their
//!   RNG seeded with their id (voters default to `1..=n`).
//! - `campaign id=`, `tick id= [n=1]`, `tick-election id=` (ticks until the
//!   node's randomized timeout has passed), `propose id= data=`,
//!   `read-index id= ctx=`, `transfer-leader id= to=`,
//!   `conf-change id= kind=add-learner|add-voter|remove node=`,
//!   `compact id= index= [data=]`: the node's method; an error is printed.
//! - `process-ready [id=]`: each node's Ready, persisted to its storage and
//!   applied; its messages go to the network.
//! - `deliver-msgs [id=] [from=] [kind=] [drop]`: delivers (or drops) the
//!   queued messages to `id` (from `from`, of `kind`), in the order sent.
//! - `stabilize`: Readies and deliveries until nothing is left to do.
//! - `step id= kind= from= term= [index=] [log_term=] [commit=]
//!   [context=] [hint=] [reject] [entries=term/index,…]`: a message made by
//!   hand, as a peer (or an attacker) could send it.
//! - `isolate id=`, `heal`: messages to or from an isolated node are
//!   dropped when delivered; `heal` ends every isolation.
//! - `restart id=`: the node crashes, losing its queued messages, and comes
//!   back from its storage.
//! - `status [id=]`, `log id=`, `msgs`: what a node or the network holds.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::scenario::Directive;
use quorumkit::raft::{
    ConfChange, ConfChangeKind, Config, Entry, EntryKind, MemStorage, Message, MsgKind, NodeId,
    RaftNode, Role, Storage,
};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

/// One node with its durable state.
struct Peer {
    node: RaftNode,
    storage: MemStorage,
    config: Config,
}

/// The nodes of one scenario and the messages in flight between them.
#[derive(Default)]
pub struct Env {
    peers: BTreeMap<NodeId, Peer>,
    /// Sent and not yet delivered or dropped, in send order.
    network: Vec<Message>,
    /// Nodes whose messages, either way, are dropped on delivery.
    isolated: Vec<NodeId>,
}

impl Env {
    /// An empty environment.
    pub fn new() -> Env {
        Env::default()
    }

    /// Runs one directive and returns what it printed.
    pub fn handle(&mut self, d: &Directive) -> String {
        let mut out = String::new();
        match d.cmd.as_str() {
            "add-nodes" => self.add_nodes(d),
            "campaign" => self.node(d).campaign(),
            "tick" => {
                let n: u32 = d.opt("n").unwrap_or(1);
                let node = self.node(d);
                for _ in 0..n {
                    node.tick();
                }
            }
            "tick-election" => {
                let node = self.node(d);
                let left = node.election_timeout() - node.election_elapsed();
                for _ in 0..left {
                    node.tick();
                }
            }
            "propose" => {
                let data: String = d.opt("data").unwrap_or_default();
                match self.node(d).propose(data.into_bytes()) {
                    Ok(index) => writeln!(out, "index {index}").unwrap(),
                    Err(e) => writeln!(out, "error: {e}").unwrap(),
                }
            }
            "read-index" => {
                if let Err(e) = self.node(d).read_index(d.arg("ctx")) {
                    writeln!(out, "error: {e}").unwrap();
                }
            }
            "transfer-leader" => {
                if let Err(e) = self.node(d).transfer_leader(d.arg("to")) {
                    writeln!(out, "error: {e}").unwrap();
                }
            }
            "conf-change" => {
                let kind = match d.arg::<String>("kind").as_str() {
                    "add-voter" => ConfChangeKind::AddVoter,
                    "add-learner" => ConfChangeKind::AddLearner,
                    "remove" => ConfChangeKind::Remove,
                    k => panic!("{}: kind={k}: add-voter, add-learner or remove", d.pos),
                };
                let change = ConfChange {
                    kind,
                    node: d.arg("node"),
                };
                match self.node(d).propose_conf_change(change) {
                    Ok(index) => writeln!(out, "index {index}").unwrap(),
                    Err(e) => writeln!(out, "error: {e}").unwrap(),
                }
            }
            "compact" => {
                let data: String = d.opt("data").unwrap_or_default();
                let id: NodeId = d.arg("id");
                let p = self.peer(d, id);
                match p.node.compact(d.arg("index"), data.into_bytes()) {
                    Ok(snap) => {
                        p.storage.apply_snapshot(&snap).unwrap();
                        writeln!(out, "snapshot {}/{}", snap.term, snap.index).unwrap();
                    }
                    Err(e) => writeln!(out, "error: {e}").unwrap(),
                }
            }
            "process-ready" => {
                for id in self.ids(d) {
                    self.process_ready(id, &mut out);
                }
            }
            "deliver-msgs" => self.deliver(d, &mut out),
            "stabilize" => self.stabilize(&mut out),
            "step" => {
                let m = forged(d);
                let id: NodeId = d.arg("id");
                if let Err(e) = self.peer(d, id).node.step(m) {
                    writeln!(out, "error: {e}").unwrap();
                }
            }
            "isolate" => self.isolated.push(d.arg("id")),
            "heal" => self.isolated.clear(),
            "restart" => {
                let id: NodeId = d.arg("id");
                self.network.retain(|m| m.to != id);
                let p = self.peer(d, id);
                let mut config = p.config.clone();
                config.applied = p.storage.initial_state().commit;
                match RaftNode::new(config, &p.storage, Pcg32::seed_from_u64(u64::from(id))) {
                    Ok(node) => p.node = node,
                    Err(e) => writeln!(out, "error: {e}").unwrap(),
                }
            }
            "status" => {
                for id in self.ids(d) {
                    status(&self.peers[&id].node, &mut out);
                }
            }
            "log" => {
                let id: NodeId = d.arg("id");
                let n = &self.peer(d, id).node;
                if n.snapshot_index() > 0 {
                    writeln!(out, "snapshot at {}", n.snapshot_index()).unwrap();
                }
                for e in n.entries() {
                    writeln!(out, "{}", entry(e)).unwrap();
                }
            }
            "msgs" => {
                for m in &self.network {
                    writeln!(out, "{}", message(m)).unwrap();
                }
            }
            c => panic!("{}: unknown command {c}", d.pos),
        }
        out
    }

    fn add_nodes(&mut self, d: &Directive) {
        let n: NodeId = d.arg("n");
        let voters: Vec<NodeId> = if d.has("voters") {
            d.list("voters")
        } else {
            (1..=n).collect()
        };
        for id in 1..=n {
            let mut config = Config::new(id, voters.clone());
            if d.has("learners") {
                config.learners = d.list("learners");
            }
            config.pre_vote = d.has("pre-vote");
            config.check_quorum = d.has("check-quorum");
            config.election_tick = d.opt("election").unwrap_or(config.election_tick);
            config.heartbeat_tick = d.opt("heartbeat").unwrap_or(config.heartbeat_tick);
            let storage = MemStorage::new();
            let node = RaftNode::new(
                config.clone(),
                &storage,
                Pcg32::seed_from_u64(u64::from(id)),
            )
            .unwrap_or_else(|e| panic!("{}: node {id}: {e}", d.pos));
            self.peers.insert(
                id,
                Peer {
                    node,
                    storage,
                    config,
                },
            );
        }
    }

    fn peer(&mut self, d: &Directive, id: NodeId) -> &mut Peer {
        self.peers
            .get_mut(&id)
            .unwrap_or_else(|| panic!("{}: no node {id}", d.pos))
    }

    fn node(&mut self, d: &Directive) -> &mut RaftNode {
        let id: NodeId = d.arg("id");
        &mut self.peer(d, id).node
    }

    /// The node named by `id=`, or every node.
    fn ids(&self, d: &Directive) -> Vec<NodeId> {
        match d.opt::<NodeId>("id") {
            Some(id) => vec![id],
            None => self.peers.keys().copied().collect(),
        }
    }

    /// Hands node `id`'s Ready to its storage and the network, printing it;
    /// whether there was one.
    fn process_ready(&mut self, id: NodeId, out: &mut String) -> bool {
        let p = self.peers.get_mut(&id).unwrap();
        if !p.node.has_ready() {
            return false;
        }
        let rd = p.node.ready();
        if let Some(ss) = rd.soft_state {
            writeln!(out, "{id}: role {}, leader {}", ss.role.name(), ss.leader).unwrap();
        }
        if let Some(snap) = &rd.snapshot {
            writeln!(out, "{id}: install snapshot {}/{}", snap.term, snap.index).unwrap();
            p.storage.apply_snapshot(snap).unwrap();
        }
        if let Some(hs) = rd.hard_state {
            writeln!(
                out,
                "{id}: hard state term {} vote {} commit {}",
                hs.term, hs.vote, hs.commit
            )
            .unwrap();
            p.storage.set_hard_state(hs);
        }
        for e in rd.entries {
            writeln!(out, "{id}: persist {}", entry(e)).unwrap();
        }
        p.storage.append(rd.entries).unwrap();
        for e in rd.committed_entries {
            writeln!(out, "{id}: apply {}", entry(e)).unwrap();
        }
        for r in &rd.read_states {
            writeln!(out, "{id}: read ctx {} at index {}", r.ctx, r.index).unwrap();
        }
        for m in &rd.messages {
            writeln!(out, "{id}: send {}", message(m)).unwrap();
        }
        self.network.extend(rd.messages);
        p.node.advance();
        true
    }

    /// Delivers (or drops) the queued messages the directive selects.
    fn deliver(&mut self, d: &Directive, out: &mut String) {
        let to: Option<NodeId> = d.opt("id");
        let from: Option<NodeId> = d.opt("from");
        let kind: Option<MsgKind> = d.opt::<String>("kind").map(|k| kind(d, &k));
        let (chosen, kept): (Vec<Message>, Vec<Message>) = core::mem::take(&mut self.network)
            .into_iter()
            .partition(|m| {
                to.is_none_or(|t| m.to == t)
                    && from.is_none_or(|f| m.from == f)
                    && kind.is_none_or(|k| m.kind == k)
            });
        self.network = kept;
        for m in chosen {
            if d.has("drop") {
                writeln!(out, "dropped {}", message(&m)).unwrap();
            } else {
                self.send(m, out);
            }
        }
    }

    /// Hands `m` to its recipient, unless an end is isolated.
    fn send(&mut self, m: Message, out: &mut String) {
        if self.isolated.contains(&m.from) || self.isolated.contains(&m.to) {
            writeln!(out, "dropped {}", message(&m)).unwrap();
            return;
        }
        writeln!(out, "{}", message(&m)).unwrap();
        let Some(p) = self.peers.get_mut(&m.to) else {
            writeln!(out, "  no node {}", m.to).unwrap();
            return;
        };
        if let Err(e) = p.node.step(m) {
            writeln!(out, "  error: {e}").unwrap();
        }
    }

    /// Readies and deliveries, round after round, until nothing is left.
    fn stabilize(&mut self, out: &mut String) {
        for _ in 0..1_000 {
            let ids: Vec<NodeId> = self.peers.keys().copied().collect();
            let mut busy = false;
            for id in ids {
                busy |= self.process_ready(id, out);
            }
            if !self.network.is_empty() {
                busy = true;
                for m in core::mem::take(&mut self.network) {
                    self.send(m, out);
                }
            }
            if !busy {
                return;
            }
        }
        panic!("stabilize: still busy after 1,000 rounds");
    }
}

fn status(n: &RaftNode, out: &mut String) {
    let hs = n.hard_state();
    write!(
        out,
        "{}: {} term {} vote {} leader {} commit {} applied {} last {}",
        n.id(),
        n.role().name(),
        hs.term,
        hs.vote,
        n.leader(),
        hs.commit,
        n.applied(),
        n.last_index()
    )
    .unwrap();
    if n.role() == Role::Leader {
        for p in n.progress_all() {
            let kind = if p.voter { "" } else { " learner" };
            write!(
                out,
                "\n  {}{kind}: match {} next {} {:?}",
                p.id, p.matched, p.next, p.state
            )
            .unwrap();
        }
    }
    out.push('\n');
}

fn entry(e: &Entry) -> String {
    let what = match e.kind {
        EntryKind::ConfChange => match ConfChange::decode(&e.data) {
            Some(c) => format!("{:?} {}", c.kind, c.node),
            None => "ConfChange ?".to_string(),
        },
        _ => format!("{:?}", String::from_utf8_lossy(&e.data)),
    };
    format!("{}/{} {what}", e.term, e.index)
}

/// A message as one line: its ends, kind and term, then its non-zero fields.
pub fn message(m: &Message) -> String {
    let mut s = format!("{}->{} {} term {}", m.from, m.to, m.kind.name(), m.term);
    let carries_log = matches!(
        m.kind,
        MsgKind::Vote | MsgKind::PreVote | MsgKind::Append | MsgKind::AppendResp
    );
    if carries_log || m.index != 0 {
        write!(s, " index {}", m.index).unwrap();
    }
    if carries_log || m.log_term != 0 {
        write!(s, " log_term {}", m.log_term).unwrap();
    }
    if m.commit != 0 || matches!(m.kind, MsgKind::Append | MsgKind::Heartbeat) {
        write!(s, " commit {}", m.commit).unwrap();
    }
    if m.reject {
        s.push_str(" reject");
    }
    if m.reject_hint != 0 || (m.reject && m.kind == MsgKind::AppendResp) {
        write!(s, " hint {}", m.reject_hint).unwrap();
    }
    if m.context != 0 {
        write!(s, " context {}", m.context).unwrap();
    }
    if !m.entries.is_empty() {
        let es: Vec<String> = m.entries.iter().map(entry).collect();
        write!(s, " entries [{}]", es.join(", ")).unwrap();
    }
    if let Some(snap) = &m.snapshot {
        write!(s, " snapshot {}/{}", snap.term, snap.index).unwrap();
    }
    s
}

fn kind(d: &Directive, name: &str) -> MsgKind {
    (0..=u8::MAX)
        .filter_map(MsgKind::from_code)
        .find(|k| k.name() == name)
        .unwrap_or_else(|| panic!("{}: no message kind {name}", d.pos))
}

/// The message a `step` directive describes.
fn forged(d: &Directive) -> Message {
    let mut m = Message::new(
        kind(d, &d.arg::<String>("kind")),
        d.arg("from"),
        d.arg("id"),
        d.arg("term"),
    );
    m.index = d.opt("index").unwrap_or(0);
    m.log_term = d.opt("log_term").unwrap_or(0);
    m.commit = d.opt("commit").unwrap_or(0);
    m.context = d.opt("context").unwrap_or(0);
    m.reject_hint = d.opt("hint").unwrap_or(0);
    m.reject = d.has("reject");
    if d.has("entries") {
        m.entries = d
            .list::<String>("entries")
            .iter()
            .map(|e| {
                let (t, i) = e
                    .split_once('/')
                    .unwrap_or_else(|| panic!("{}: entries are term/index", d.pos));
                Entry::new(t.parse().unwrap(), i.parse().unwrap(), Vec::new())
            })
            .collect();
    }
    m
}
