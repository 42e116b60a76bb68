//! Scenario tests on the simulated cluster, in the spirit of the well-known
//! Raft lab suites. Every run also passes the invariant checker, which
//! watches every event.
//!
//! The hand-written sequences are scenario files in
//! `tests/testdata/raft_sim/*.txt`, each command followed by the output it
//! gave when recorded ([`common::scenario`]); a change of behaviour shows
//! as a diff. `QUORUMKIT_REWRITE=1 cargo test --test raft_scenarios`
//! records the outputs anew. The randomized runs stay in Rust below.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use common::assert_safe;
use common::scenario::{self, Directive};
use quorumkit::raft::sim::{Cluster, EventKind, NodeState, SimConfig};
use quorumkit::raft::{ConfChange, ConfChangeKind, EntryKind, MsgKind, NodeId, Role};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// A leader is elected within this much virtual time after a disturbance
/// (election timeouts are 150–300 ms).
const ELECT: u64 = 1_500;

fn cluster(n: usize, seed: u64) -> Cluster {
    Cluster::new(SimConfig::new(n, seed)).unwrap()
}

fn unreliable(n: usize, seed: u64) -> Cluster {
    let mut cfg = SimConfig::new(n, seed);
    cfg.drop_rate = 0.1;
    cfg.dup_rate = 0.05;
    cfg.reorder_rate = 0.1;
    cfg.record_events = false;
    Cluster::new(cfg).unwrap()
}

/// The live leader, checking that exactly one live node of the top term leads.
fn one_leader(c: &mut Cluster) -> NodeId {
    let deadline = c.now() + ELECT;
    while c.now() < deadline {
        c.advance(50);
        if let Some(l) = c.leader() {
            assert_safe(c);
            return l;
        }
    }
    panic!("no leader within {ELECT} ms");
}

/// How many live nodes hold `data` at `index` and have committed it.
fn n_committed(c: &Cluster, index: u64, data: &[u8]) -> usize {
    (1..=c.len() as NodeId)
        .filter_map(|id| c.node_state(id))
        .filter(|s| s.up && s.commit >= index && &s.log[(index - 1) as usize].data[..] == data)
        .count()
}

/// Proposes `data` (retrying on new leaders) until `expected` nodes commit
/// it; returns its index (the lab suites' `one()`).
fn one(c: &mut Cluster, data: &[u8], expected: usize) -> u64 {
    let deadline = c.now() + 10_000;
    while c.now() < deadline {
        if let Ok((_, index)) = c.propose(data.to_vec()) {
            let until = c.now() + 2_000;
            while c.now() < until {
                c.advance(20);
                assert_safe(c);
                if n_committed(c, index, data) >= expected {
                    return index;
                }
            }
        } else {
            c.advance(50);
        }
    }
    panic!("{:?} not committed on {expected} nodes", data);
}

// ----- scenario files ------------------------------------------------------

/// The simulator driven by a scenario file's commands.
#[derive(Default)]
struct Driver {
    c: Option<Cluster>,
    /// The event cursor `mark` set, for `sends`.
    mark: usize,
}

fn shown<T, E: std::fmt::Display>(r: Result<T, E>, ok: impl FnOnce(T) -> String) -> String {
    match r {
        Ok(v) => ok(v),
        Err(e) => format!("error: {e}"),
    }
}

impl Driver {
    fn cluster(&mut self) -> &mut Cluster {
        self.c.as_mut().expect("the file starts with `cluster`")
    }

    /// One line per node, `n<id> down` or what `line` says of a live one.
    fn per_node(&mut self, line: impl Fn(&NodeState) -> String) -> String {
        let c = self.cluster();
        let mut out = String::new();
        for id in 1..=c.len() as NodeId {
            let s = c.node_state(id).unwrap();
            let text = if s.up { line(&s) } else { "down".into() };
            let _ = writeln!(out, "n{id} {text}");
        }
        out
    }

    /// Each node's role, term, commit, applied and last index.
    fn status(&mut self) -> String {
        self.per_node(|s| {
            let last = s.snapshot_index + s.log.len() as u64;
            format!(
                "{} term {} commit {} applied {} last {last}",
                s.role.name(),
                s.term,
                s.commit,
                s.applied
            )
        })
    }

    /// Each node's log: `index:term` for no-ops and membership changes,
    /// `index:term:data` for commands.
    fn logs(&mut self) -> String {
        self.per_node(|s| {
            let mut out = String::from("log");
            for e in s.log {
                let _ = write!(out, " {}:{}", e.index, e.term);
                if !e.data.is_empty() && e.kind == EntryKind::Normal {
                    let _ = write!(out, ":{}", String::from_utf8_lossy(&e.data));
                }
            }
            out
        })
    }

    fn run(&mut self, d: &Directive) -> String {
        let out = match d.cmd.as_str() {
            "cluster" => {
                let mut cfg = SimConfig::new(d.arg("nodes"), d.arg("seed"));
                cfg.drop_rate = d.opt("drop").unwrap_or(0.0);
                cfg.dup_rate = d.opt("dup").unwrap_or(0.0);
                cfg.reorder_rate = d.opt("reorder").unwrap_or(0.0);
                cfg.pre_vote = d.has("pre-vote");
                cfg.check_quorum = d.has("check-quorum");
                cfg.snapshot_every = d.opt("snapshot-every").unwrap_or(0);
                self.c = Some(Cluster::new(cfg).unwrap());
                self.mark = 0;
                String::new()
            }
            "advance" => {
                let ms = d.arg("ms");
                self.cluster().advance(ms);
                String::new()
            }
            // Runs until there is a leader (at most ELECT ms, in 50 ms
            // steps): the live leader of the highest term.
            "elect" => {
                let l = one_leader(self.cluster());
                let c = self.cluster();
                format!(
                    "leader {l} term {} at {} ms",
                    c.node(l).unwrap().term(),
                    c.now()
                )
            }
            "leader" => {
                let c = self.cluster();
                match c.leader() {
                    Some(l) => format!("leader {l} term {}", c.node(l).unwrap().term()),
                    None => "no leader".into(),
                }
            }
            "status" => self.status(),
            "logs" => self.logs(),
            "propose" => {
                let data: String = d.arg("data");
                let c = self.cluster();
                match d.opt::<NodeId>("to") {
                    Some(to) => shown(c.propose_to(to, data.into_bytes()), |i| {
                        format!("index {i} at node {to}")
                    }),
                    None => shown(c.propose(data.into_bytes()), |(l, i)| {
                        format!("index {i} at leader {l}")
                    }),
                }
            }
            // `n` proposals to the leader, `data`0.., one every `ms`.
            "load" => {
                let (n, ms): (u32, u64) = (d.arg("n"), d.arg("ms"));
                let data: String = d.arg("data");
                let c = self.cluster();
                let mut out = Vec::new();
                for k in 0..n {
                    out.push(shown(
                        c.propose(format!("{data}{k}").into_bytes()),
                        |(_, i)| i.to_string(),
                    ));
                    c.advance(ms);
                    assert_safe(c);
                }
                format!("indexes {}", out.join(" "))
            }
            // Node `id`'s links go down for `down` ms, then up for `up` ms,
            // `times` times.
            "flap" => {
                let (id, times): (NodeId, u32) = (d.arg("id"), d.arg("times"));
                let (down, up): (u64, u64) = (d.arg("down"), d.arg("up"));
                let c = self.cluster();
                for _ in 0..times {
                    c.isolate(id).unwrap();
                    c.advance(down);
                    c.heal();
                    c.advance(up);
                    assert_safe(c);
                }
                String::new()
            }
            // Proposes (retrying on new leaders) until `nodes` nodes have
            // committed the entry.
            "commit" => {
                let data: String = d.arg("data");
                let n = d.arg("nodes");
                let index = one(self.cluster(), data.as_bytes(), n);
                format!("index {index} committed on {n} nodes")
            }
            // How many live nodes hold `data` at `index` and committed it.
            "committed" => {
                let data: String = d.arg("data");
                let n = n_committed(self.cluster(), d.arg("index"), data.as_bytes());
                format!("on {n} nodes")
            }
            "crash" => shown(self.cluster().crash(d.arg("id")), |()| String::new()),
            "restart" => shown(self.cluster().restart(d.arg("id")), |()| String::new()),
            "timeout" => shown(self.cluster().timeout(d.arg("id")), |()| String::new()),
            "isolate" => shown(self.cluster().isolate(d.arg("id")), |()| String::new()),
            "cut" => {
                let (from, to) = (d.arg("from"), d.arg("to"));
                shown(self.cluster().cut(from, to), |()| String::new())
            }
            // groups=1,2/3,4,5
            "partition" => {
                let spec: String = d.arg("groups");
                let groups: Vec<Vec<NodeId>> = spec
                    .split('/')
                    .map(|g| g.split(',').map(|x| x.parse().unwrap()).collect())
                    .collect();
                shown(self.cluster().partition(&groups), |()| String::new())
            }
            "heal" => {
                self.cluster().heal();
                String::new()
            }
            "transfer" => shown(self.cluster().transfer_leader(d.arg("to")), |l| {
                format!("asked leader {l}")
            }),
            "add-learner" | "promote" | "remove" => {
                let kind = match d.cmd.as_str() {
                    "add-learner" => ConfChangeKind::AddLearner,
                    "promote" => ConfChangeKind::AddVoter,
                    _ => ConfChangeKind::Remove,
                };
                let node = d.arg("id");
                shown(
                    self.cluster()
                        .conf_change_to(d.arg("to"), ConfChange { kind, node }),
                    |i| format!("index {i}"),
                )
            }
            "mark" => {
                self.mark = self.cluster().event_cursor();
                String::new()
            }
            // Messages sent since `mark`, by kind.
            "sends" => {
                let mark = self.mark;
                let mut by_kind = BTreeMap::new();
                for e in self.cluster().events(mark) {
                    if let EventKind::Send(m) = e.kind {
                        *by_kind.entry(m.kind.name()).or_insert(0) += 1;
                    }
                }
                let total: usize = by_kind.values().sum();
                let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
                format!("{total} sent: {}", kinds.join(", "))
            }
            other => panic!("{}: unknown command {other}", d.pos),
        };
        // Every command also passes the checker.
        assert_safe(self.cluster());
        out
    }
}

#[test]
fn scenario_files() {
    for path in scenario::files("raft_sim") {
        let mut driver = Driver::default();
        scenario::run_file(&path, |d| driver.run(d));
    }
}

#[test]
fn a_changed_transcript_fails_with_a_diff_and_a_rewrite_records_it() {
    let dir = std::env::temp_dir().join(format!("quorumkit-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.txt");
    let text = "# echo\necho words=a,b\n----\na\nb\n\necho words=c\n----\nc\n";
    std::fs::write(&path, text).unwrap();
    let echo = |d: &Directive| d.list::<String>("words").join("\n");
    scenario::run_file_as(&path, false, echo);
    let changed = |d: &Directive| {
        let mut w = d.list::<String>("words");
        w.push("z".into());
        w.join("\n")
    };
    let err =
        std::panic::catch_unwind(|| scenario::run_file_as(&path, false, changed)).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("t.txt:2 `echo words=a,b`"), "{msg}");
    assert!(msg.contains("  b\n+ z\n"), "{msg}");
    assert!(msg.contains("t.txt:7 `echo words=c`"), "{msg}");
    // Rewriting records the new outputs and keeps comments and commands.
    scenario::run_file_as(&path, true, changed);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# echo\necho words=a,b\n----\na\nb\nz\n\necho words=c\n----\nc\nz\n"
    );
    scenario::run_file_as(&path, false, changed);
    assert_eq!(
        scenario::diff(&["a".into(), "b".into()], &["b".into(), "c".into()]),
        "- a\n  b\n+ c\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn many_elections_seven_nodes() {
    let mut c = cluster(7, 3);
    let mut rng = Pcg32::seed_from_u64(3);
    one_leader(&mut c);
    for _ in 0..10 {
        // Disconnect three random nodes; the other four are a quorum.
        let mut ids: Vec<NodeId> = (1..=7).collect();
        let mut out = Vec::new();
        for _ in 0..3 {
            let k = rng.next_u32() as usize % ids.len();
            out.push(ids.remove(k));
        }
        let mut groups = vec![ids.clone()];
        groups.extend(out.iter().map(|&x| vec![x]));
        c.partition(&groups).unwrap();
        c.advance(ELECT);
        let top = ids
            .iter()
            .map(|&i| c.node(i).unwrap().term())
            .max()
            .unwrap();
        let leaders = ids
            .iter()
            .filter(|&&i| {
                let n = c.node(i).unwrap();
                n.role() == Role::Leader && n.term() == top
            })
            .count();
        assert_eq!(leaders, 1, "the connected four elect one leader");
        c.heal();
        c.advance(200);
    }
    one_leader(&mut c);
    assert_safe(&c);
}

#[test]
fn leader_backs_up_quickly_over_incorrect_follower_logs() {
    let mut c = cluster(5, 9);
    let l1 = one_leader(&mut c);
    one(&mut c, b"first", 5);
    let others: Vec<NodeId> = (1..=5).filter(|&x| x != l1).collect();
    // The leader and one follower are cut off; 50 entries go nowhere.
    c.partition(&[vec![l1, others[0]], others[1..].to_vec()])
        .unwrap();
    for k in 0..50u8 {
        c.propose_to(l1, vec![b'x', k]).unwrap();
    }
    c.advance(300);
    // The other three elect a leader and commit 50 entries.
    c.advance(ELECT);
    for k in 0..50u8 {
        let _ = c.propose(vec![b'y', k]);
    }
    c.advance(1_000);
    // Now the old pair rejoins one of the three and must be rewritten.
    let l2 = c.leader().filter(|&x| x != l1).unwrap();
    let other3 = *others[1..].iter().find(|&&x| x != l2).unwrap();
    c.partition(&[
        vec![l1, others[0], other3],
        others[1..]
            .iter()
            .copied()
            .filter(|&x| x != other3)
            .collect(),
    ])
    .unwrap();
    c.advance(ELECT);
    for k in 0..50u8 {
        let _ = c.propose(vec![b'z', k]);
    }
    c.advance(1_000);
    c.heal();
    let cur = c.event_cursor();
    let index = one(&mut c, b"last", 5);
    assert!(index > 100);
    // Repairing two logs of ~100 divergent entries takes few messages.
    let appends = c
        .events(cur)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Send(m) if m.kind == MsgKind::Append))
        .count();
    assert!(appends < 200, "{appends} Append messages to back up");
}

/// The lab suites' Figure 8 test: leaders crash at awkward moments, with
/// random proposals in between; committed entries must survive.
fn figure_8(seed: u64, unreliable_net: bool, iterations: usize) {
    let mut c = if unreliable_net {
        unreliable(5, seed)
    } else {
        let mut cfg = SimConfig::new(5, seed);
        cfg.record_events = false;
        Cluster::new(cfg).unwrap()
    };
    let mut rng = Pcg32::seed_from_u64(seed ^ 0xF8);
    let mut up = 5;
    one(&mut c, b"start", 1);
    for it in 0..iterations {
        let _ = c.propose(vec![b'f', it as u8]);
        let ms = if rng.next_u32() % 10 == 0 {
            u64::from(rng.next_u32() % 300)
        } else {
            u64::from(rng.next_u32() % 15)
        };
        c.advance(ms);
        if unreliable_net && rng.next_u32() % 8 == 0 {
            let a = 1 + rng.next_u32() % 5;
            let b = 1 + (a + rng.next_u32() % 4) % 5;
            let _ = c.cut(a, b);
        }
        if unreliable_net && rng.next_u32() % 6 == 0 {
            c.heal();
        }
        if let Some(l) = c.leader() {
            if rng.next_u32() % 2 == 0 {
                c.crash(l).unwrap();
                up -= 1;
            }
        }
        if up < 3 {
            let down: Vec<NodeId> = (1..=5).filter(|&i| c.node(i).is_none()).collect();
            let r = down[rng.next_u32() as usize % down.len()];
            c.restart(r).unwrap();
            up += 1;
        }
        assert_safe(&c);
    }
    for id in 1..=5 {
        if c.node(id).is_none() {
            c.restart(id).unwrap();
        }
    }
    c.heal();
    c.set_drop_rate(0.0).unwrap();
    c.set_dup_rate(0.0).unwrap();
    c.set_reorder_rate(0.0).unwrap();
    one(&mut c, b"end", 5);
    if let Err(v) = c.check_liveness(10_000) {
        panic!("{v}");
    }
}

#[test]
fn figure_8_reliable() {
    for seed in 0..8 {
        figure_8(100 + seed, false, 300);
    }
}

#[test]
fn figure_8_unreliable() {
    for seed in 0..8 {
        figure_8(200 + seed, true, 300);
    }
}

#[test]
fn churn_under_unreliable_network() {
    for seed in 0..3u64 {
        let mut c = unreliable(5, 300 + seed);
        let mut rng = Pcg32::seed_from_u64(seed);
        for round in 0..60u32 {
            let _ = c.propose(round.to_le_bytes().to_vec());
            let id = 1 + rng.next_u32() % 5;
            match rng.next_u32() % 4 {
                0 => {
                    let _ = c.crash(id);
                }
                1 => {
                    let _ = c.restart(id);
                }
                _ => {}
            }
            c.advance(u64::from(rng.next_u32() % 200));
            assert_safe(&c);
        }
        for id in 1..=5 {
            let _ = c.restart(id);
        }
        c.set_drop_rate(0.0).unwrap();
        c.set_dup_rate(0.0).unwrap();
        c.set_reorder_rate(0.0).unwrap();
        if let Err(v) = c.check_liveness(10_000) {
            panic!("{v}");
        }
        assert!(c.max_commit() > 10, "little progress: {}", c.max_commit());
    }
}

#[test]
fn same_seed_same_history() {
    let run = |seed| {
        let mut c = unreliable(5, seed);
        c.advance(500);
        for k in 0..20u8 {
            let _ = c.propose(vec![k]);
            c.advance(37);
            if k == 7 {
                let _ = c.crash(2);
            }
            if k == 12 {
                let _ = c.restart(2);
                c.partition(&[vec![1, 2], vec![3, 4, 5]]).unwrap();
            }
        }
        (c.history_hash(), c.steps(), c.max_commit())
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42).0, run(43).0);
}

/// A reader that forgets each batch of events once read (what the page does
/// every frame) keeps none of them, sees exactly the events of a run that
/// keeps them all, and leaves the run itself unchanged.
#[test]
fn forgotten_events_free_the_log_and_keep_cursors_and_history() {
    let mut cfg = SimConfig::new(5, 11);
    cfg.drop_rate = 0.1;
    cfg.dup_rate = 0.05;
    let mut all = Cluster::new(cfg.clone()).unwrap();
    let mut lean = Cluster::new(cfg).unwrap();
    let mut cursor = 0;
    for k in 0..100u8 {
        all.advance(250);
        lean.advance(250);
        if k % 10 == 0 {
            let _ = all.propose(vec![k]);
            let _ = lean.propose(vec![k]);
        }
        let read = lean.events(cursor);
        assert_eq!(read, all.events(cursor));
        cursor += read.len();
        lean.forget_events(cursor);
        assert_eq!(lean.first_event_cursor(), cursor);
        assert!(lean.events(0).is_empty(), "nothing kept once read");
    }
    assert!(cursor > 5_000, "{cursor} events read");
    assert_eq!(lean.event_cursor(), all.event_cursor());
    assert_eq!(lean.history_hash(), all.history_hash());
    assert_eq!(lean.max_commit(), all.max_commit());
    assert_safe(&lean);

    // Forgetting part of a batch keeps the rest, at the same cursors.
    all.advance(250);
    lean.advance(250);
    lean.forget_events(cursor + 3);
    assert_eq!(lean.first_event_cursor(), cursor + 3);
    assert_eq!(lean.events(cursor + 3), all.events(cursor + 3));
    assert_eq!(
        lean.events(0),
        all.events(cursor + 3),
        "from the oldest kept"
    );
    // An older cursor forgets nothing more; one past the end forgets the rest.
    lean.forget_events(cursor);
    assert_eq!(lean.first_event_cursor(), cursor + 3);
    lean.forget_events(usize::MAX);
    assert_eq!(lean.first_event_cursor(), all.event_cursor());
    assert_eq!(lean.event_cursor(), all.event_cursor());
}

#[test]
fn state_snapshot_shows_timers_and_flights() {
    let mut c = cluster(3, 12);
    c.advance(55);
    for n in c.state().nodes {
        assert!(n.election_elapsed <= n.election_timeout);
        assert!((150..300).contains(&n.election_timeout));
    }
    c.timeout(2).unwrap();
    c.advance(1);
    let s = c.state();
    assert_eq!(s.flights.len(), 2);
    for f in &s.flights {
        assert_eq!(f.msg.kind, MsgKind::Vote);
        assert!(f.progress > 0.0 && f.progress <= 1.0);
    }
    c.advance(1_000);
    let leader = c.leader().unwrap();
    assert_eq!(
        c.node_state(leader).unwrap().log[0].term,
        c.node(leader).unwrap().term()
    );
}
