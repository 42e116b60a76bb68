//! quorumkit's Raft core against raft-rs (tikv's `raft` 0.7) on the same
//! workload, in the same process: committed proposals per second of host
//! time.
//!
//! Workload: 3 or 5 nodes in one thread, in-memory storage, instant
//! delivery (messages are stepped into their recipients as soon as the
//! sender's `Ready` is handled), node 1 the leader; each round the leader
//! proposes 1 or 64 payloads of 16 bytes and every node's `Ready` is handled
//! until no message is left. The count is the entries the leader applies.
//! quorumkit runs [`Loopback`], the loop shared with its criterion bench and
//! its wasm export; raft-rs runs the same loop through its `RawNode` Ready /
//! `advance` / `LightReady` / `advance_apply` cycle, logging to
//! `slog::Discard`.
//!
//! Run: `cargo run --release --manifest-path bench/raft-rs-compare/Cargo.toml`
//! (`-- --quick` for a short run, `--proposals=N` and `--reps=N` to choose
//! the run, `--json` for one JSON line per workload, as
//! `bench/raft.bench.mjs` reads it). Rates are per second of the thread's
//! CPU time, best of the repetitions, so that other load on the machine
//! distorts them less than wall time would.

use quorumkit::raft::loopback::Loopback;
use raft::prelude::{ConfState, Message};
use raft::storage::MemStorage;
use raft::{Config, RawNode, StateRole, NO_LIMIT};

/// raft-rs nodes wired exactly like [`Loopback`].
struct RaftRs {
    nodes: Vec<RawNode<MemStorage>>,
    inbox: Vec<Message>,
    spare: Vec<Message>,
    applied: u64,
    proposed: u64,
}

impl RaftRs {
    fn new(n: u64) -> RaftRs {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let voters: Vec<u64> = (1..=n).collect();
        let nodes = (1..=n)
            .map(|id| {
                let cfg = Config {
                    id,
                    election_tick: 10,
                    heartbeat_tick: 1,
                    max_size_per_msg: NO_LIMIT,
                    max_inflight_msgs: 4096,
                    ..Config::default()
                };
                let store =
                    MemStorage::new_with_conf_state(ConfState::from((voters.clone(), vec![])));
                RawNode::new(&cfg, store, &logger).expect("raft-rs node")
            })
            .collect();
        let mut c = RaftRs {
            nodes,
            inbox: Vec::new(),
            spare: Vec::new(),
            applied: 0,
            proposed: 0,
        };
        c.nodes[0].campaign().expect("campaign");
        c.settle();
        assert_eq!(c.nodes[0].raft.state, StateRole::Leader);
        c.applied = 0;
        c
    }

    fn handle(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        if !node.has_ready() {
            return;
        }
        let mut rd = node.ready();
        self.inbox.extend(rd.take_messages());
        let committed = rd.take_committed_entries();
        if i == 0 {
            self.applied += committed.len() as u64;
        }
        std::hint::black_box(committed);
        if !rd.entries().is_empty() {
            node.mut_store().wl().append(rd.entries()).expect("append");
        }
        if let Some(hs) = rd.hs() {
            node.mut_store().wl().set_hardstate(hs.clone());
        }
        self.inbox.extend(rd.take_persisted_messages());
        let mut light = node.advance(rd);
        if let Some(commit) = light.commit_index() {
            node.mut_store().wl().mut_hard_state().set_commit(commit);
        }
        self.inbox.extend(light.take_messages());
        let committed = light.take_committed_entries();
        if i == 0 {
            self.applied += committed.len() as u64;
        }
        std::hint::black_box(committed);
        node.advance_apply();
    }

    fn settle(&mut self) {
        loop {
            for i in 0..self.nodes.len() {
                self.handle(i);
            }
            if self.inbox.is_empty() {
                return;
            }
            std::mem::swap(&mut self.inbox, &mut self.spare);
            for m in self.spare.drain(..) {
                let to = m.to as usize - 1;
                self.nodes[to].step(m).expect("step");
            }
        }
    }

    fn run(&mut self, proposals: u64, per_round: usize) -> u64 {
        let before = self.applied;
        let mut left = proposals;
        while left > 0 {
            let k = (per_round as u64).min(left);
            for _ in 0..k {
                let mut data = [0u8; 16];
                data[..8].copy_from_slice(&self.proposed.to_le_bytes());
                self.proposed += 1;
                self.nodes[0]
                    .propose(vec![], data.to_vec())
                    .expect("propose");
            }
            self.settle();
            left -= k;
        }
        self.applied - before
    }
}

/// CPU time of this thread, in seconds: unlike wall time, it does not count
/// the time other processes on a busy machine take from this one.
fn cpu_now() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// One timed run of `proposals` on a fresh cluster: proposals/s of CPU time.
fn rate(proposals: u64, run: impl FnOnce() -> u64) -> f64 {
    let t = cpu_now();
    let applied = run();
    let secs = cpu_now() - t;
    assert_eq!(applied, proposals, "every proposal must be applied");
    applied as f64 / secs
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick =
        args.iter().any(|a| a == "--quick") || std::env::var("BENCH_QUICK").as_deref() == Ok("1");
    let json = args.iter().any(|a| a == "--json");
    let mut proposals = if quick { 20_000u64 } else { 200_000 };
    let mut reps = if quick { 3 } else { 7 };
    if let Some(r) = args.iter().find_map(|a| a.strip_prefix("--reps=")) {
        reps = r.parse().expect("--reps=N");
    }
    if let Some(p) = args.iter().find_map(|a| a.strip_prefix("--proposals=")) {
        proposals = p.parse().expect("--proposals=N");
    }
    if !json {
        println!(
            "## Raft: committed proposals/s of CPU time, native ({proposals} proposals, best of {reps})"
        );
        println!("| workload | quorumkit | raft-rs 0.7 | × raft-rs |");
        println!("|---|---:|---:|---:|");
    }
    for n in [3usize, 5] {
        for per_round in [1usize, 64] {
            // Alternate the two so that machine load hits both alike.
            let mut ours = 0f64;
            let mut theirs = 0f64;
            for _ in 0..reps {
                let mut c = Loopback::new(n).expect("loopback");
                ours = ours.max(rate(proposals, || c.run(proposals, per_round)));
                let mut c = RaftRs::new(n as u64);
                theirs = theirs.max(rate(proposals, || c.run(proposals, per_round)));
            }
            if json {
                println!(
                    "{{\"nodes\":{n},\"perRound\":{per_round},\"quorumkit\":{ours:.0},\"raftRs\":{theirs:.0}}}"
                );
            } else {
                println!(
                    "| {n} nodes, {per_round}/round | {:.2} M/s | {:.2} M/s | {:.2} |",
                    ours / 1e6,
                    theirs / 1e6,
                    ours / theirs
                );
            }
        }
    }
}
