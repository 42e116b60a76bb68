//! Randomized runs: mixed faults on random clusters, checked after every
//! event, then healed and checked for liveness. Each seed also turns on, at
//! random, pre-vote, check-quorum, leadership transfers, log compaction
//! (every 2–13 entries) and membership churn (a smaller initial
//! configuration, random learner additions, promotions and removals, half of
//! them asked of any node, so a leader cut off by a partition makes changes
//! too). After the last fault every link heals and every node restarts; the
//! cluster must then elect one leader and bring every member's applied
//! index to everything committed within 20 election timeouts (liveness).
//! Throughout, 3–5 key-value clients issue gets (ReadIndex), puts and
//! compare-and-sets with timeouts; once they finish, their history must be
//! linearizable.
//!
//! - default: 1,000 seeds (CI), 6 operations per client;
//! - `QUORUMKIT_LONG=1`: 100,000 seeds, 20 operations per client;
//! - `QUORUMKIT_SEEDS=N`: seeds 0..N; `QUORUMKIT_SEEDS=A..B`: seeds A..B;
//! - `QUORUMKIT_SEED=S`: replay seed S alone, printing its actions.
//!
//! A failure prints the seed, the report and the command that replays it.

use quorumkit::raft::sim::linearizability::check_kv;
use quorumkit::raft::sim::{Action, Cluster, KvConfig, Latency, SimConfig};
use quorumkit::raft::{ConfChange, ConfChangeKind, NodeId};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Liveness bound, in election timeouts: once every fault is healed and
/// every node restarted, one leader of the highest term must exist and every
/// member must have applied everything committed within this many base
/// election timeouts (150 ms each in these runs).
const LIVENESS_TIMEOUTS: u64 = 20;

fn pick(rng: &mut Pcg32, n: u32) -> u32 {
    rng.next_u32() % n
}

fn rate(rng: &mut Pcg32, max_percent: u32) -> f64 {
    f64::from(pick(rng, max_percent + 1)) / 100.0
}

/// The configuration and fault schedule of one seed.
fn plan(seed: u64) -> (SimConfig, Vec<Action>) {
    let mut rng = Pcg32::seed_from_u64(seed);
    let nodes = [1, 2, 3, 3, 3, 4, 5, 5, 5, 7, 9][pick(&mut rng, 11) as usize];
    let mut cfg = SimConfig::new(nodes, seed);
    cfg.record_events = false;
    let min = u64::from(pick(&mut rng, 10));
    cfg.latency = Latency {
        min,
        max: min + u64::from(pick(&mut rng, 30)),
    };
    cfg.drop_rate = rate(&mut rng, 20);
    cfg.dup_rate = rate(&mut rng, 10);
    cfg.reorder_rate = rate(&mut rng, 20);
    let features = pick(&mut rng, 1 << 8);
    cfg.pre_vote = features & 1 != 0;
    cfg.check_quorum = features & 2 != 0;
    if features & 8 != 0 {
        cfg.snapshot_every = u64::from(2 + pick(&mut rng, 12));
    }
    let churn = features & 16 != 0 && nodes > 1;
    if churn {
        cfg.voters = 1 + pick(&mut rng, nodes as u32) as usize;
    }
    let n = nodes as u32;
    let id = |rng: &mut Pcg32| 1 + pick(rng, n) as NodeId;
    let mut actions = Vec::new();
    let steps = 20 + pick(&mut rng, 30);
    for k in 0..steps {
        let a = match pick(&mut rng, 20) {
            5 | 9 | 16 | 17 if churn => {
                let node = id(&mut rng);
                let kind = [
                    ConfChangeKind::AddLearner,
                    ConfChangeKind::AddVoter,
                    ConfChangeKind::Remove,
                ][pick(&mut rng, 3) as usize];
                // Half go to the leader of the highest term, half to any
                // node: a leader cut off by a partition takes them too, so
                // both sides of a partition change their membership.
                match (pick(&mut rng, 2), kind) {
                    (0, ConfChangeKind::AddLearner) => Action::AddLearner(node),
                    (0, ConfChangeKind::AddVoter) => Action::Promote(node),
                    (0, _) => Action::Remove(node),
                    _ => Action::ConfChangeTo(id(&mut rng), ConfChange { kind, node }),
                }
            }
            0..=5 => Action::Advance(u64::from(10 + pick(&mut rng, 300))),
            6..=9 => Action::Propose(k.to_le_bytes().to_vec()),
            10 | 11 => Action::Crash(id(&mut rng)),
            12 | 13 => Action::Restart(id(&mut rng)),
            14 => {
                let groups = 1 + pick(&mut rng, n.min(3));
                let mut g: Vec<Vec<NodeId>> = vec![Vec::new(); groups as usize];
                for x in 1..=n {
                    g[pick(&mut rng, groups) as usize].push(x as NodeId);
                }
                Action::Partition(g)
            }
            15 => Action::Cut(id(&mut rng), id(&mut rng)),
            16 => Action::Heal,
            17 if features & 4 != 0 => Action::TransferLeader(id(&mut rng)),
            17 => Action::Timeout(id(&mut rng)),
            18 => Action::DropRate(rate(&mut rng, 30)),
            _ => Action::ReorderRate(rate(&mut rng, 30)),
        };
        actions.push(a);
        actions.push(Action::Advance(u64::from(pick(&mut rng, 60))));
    }
    // Heal everything.
    actions.push(Action::Heal);
    actions.push(Action::DropRate(0.0));
    actions.push(Action::DupRate(0.0));
    actions.push(Action::ReorderRate(0.0));
    // Restart every node: a crashed one comes back, a live one loses what
    // it held only in memory.
    for x in 1..=n {
        actions.push(Action::Crash(x as NodeId));
        actions.push(Action::Restart(x as NodeId));
    }
    actions.push(Action::Propose(b"final".to_vec()));
    (cfg, actions)
}

fn long() -> bool {
    std::env::var("QUORUMKIT_LONG").is_ok_and(|v| v == "1")
}

/// The key-value clients of one seed.
fn clients(seed: u64) -> KvConfig {
    let mut rng = Pcg32::seed_from_u64(seed ^ 0x5eed);
    let mut k = KvConfig::new(3 + pick(&mut rng, 3));
    k.seed = seed;
    k.keys = u64::from(1 + pick(&mut rng, 3));
    k.ops_per_client = if long() { 20 } else { 6 };
    k.timeout = u64::from(300 + pick(&mut rng, 700));
    k.think = u64::from(10 + pick(&mut rng, 200));
    k.cas = pick(&mut rng, 2) == 0;
    k
}

/// What one seed's run gives.
struct Outcome {
    /// The highest commit index.
    committed: u64,
    /// Key-value operations answered.
    answered: usize,
    /// Virtual ms from the last restart to a converged leader.
    recovery_ms: u64,
}

/// Runs one seed; `Err` carries a readable report.
fn run(seed: u64) -> Result<Outcome, String> {
    let (cfg, actions) = plan(seed);
    let bound = LIVENESS_TIMEOUTS * cfg.election_timeout;
    let mut c = Cluster::new(cfg).map_err(|e| e.to_string())?;
    c.start_kv(clients(seed)).map_err(|e| e.to_string())?;
    for a in &actions {
        let _ = c.apply(a);
    }
    if let Some(v) = c.violations().first() {
        return Err(v.to_string());
    }
    let healed = c.now();
    if std::env::var("DBG").is_ok() {
        for k in 0..10 {
            for id in 1..=c.len() as NodeId {
                if let Some(n) = c.node(id) {
                    let log: Vec<(u64, u64, bool)> = n
                        .entries()
                        .iter()
                        .map(|e| {
                            (
                                e.index,
                                e.term,
                                e.kind == quorumkit::raft::EntryKind::ConfChange,
                            )
                        })
                        .collect();
                    eprintln!("{k} {id}: {:?} term {} vote {} lead {} commit {} conf {:?} snap {} log {:?}", n.role(), n.term(), n.vote(), n.leader(), n.commit(), n.conf_state(), n.snapshot_index(), &log[log.len().saturating_sub(4)..]);
                }
            }
            c.advance(500);
        }
    }
    c.check_liveness(bound).map_err(|v| v.to_string())?;
    let recovery_ms = c.now() - healed;
    // Let the clients finish: every operation answers or times out.
    for _ in 0..600 {
        if c.kv_idle() {
            break;
        }
        c.advance(100);
    }
    if let Some(v) = c.violations().first() {
        return Err(v.to_string());
    }
    if !c.kv_idle() {
        return Err("the key-value clients did not finish".to_string());
    }
    check_kv(c.kv_history()).map_err(|e| e.to_string())?;
    Ok(Outcome {
        committed: c.max_commit(),
        answered: c.kv_history().iter().filter(|o| o.output.is_some()).count(),
        recovery_ms,
    })
}

fn seeds() -> Vec<u64> {
    if let Ok(s) = std::env::var("QUORUMKIT_SEED") {
        let seed: u64 = s.trim().parse().expect("QUORUMKIT_SEED must be an integer");
        let (cfg, actions) = plan(seed);
        eprintln!("replaying seed {seed}: {cfg:?}");
        for a in &actions {
            eprintln!("  {a:?}");
        }
        return vec![seed];
    }
    let bad = "QUORUMKIT_SEEDS must be a count N or a range A..B";
    match std::env::var("QUORUMKIT_SEEDS") {
        Ok(s) => match s.trim().split_once("..") {
            Some((a, b)) => (a.parse().expect(bad)..b.parse().expect(bad)).collect(),
            None => (0..s.trim().parse().expect(bad)).collect(),
        },
        Err(_) if long() => (0..100_000).collect(),
        Err(_) => (0..1_000).collect(),
    }
}

#[test]
fn randomized_mixed_faults_zero_violations() {
    let seeds = seeds();
    let mut committed = 0u64;
    let mut ops = 0usize;
    let mut recovery = Vec::with_capacity(seeds.len());
    let mut slowest = (0u64, std::time::Duration::ZERO);
    for &seed in &seeds {
        let started = std::time::Instant::now();
        let result = run(seed);
        if started.elapsed() > slowest.1 {
            slowest = (seed, started.elapsed());
        }
        match result {
            Ok(o) => {
                committed += o.committed;
                ops += o.answered;
                recovery.push((o.recovery_ms, seed));
            }
            Err(report) => panic!(
                "seed {seed} failed:\n{report}\nreplay: QUORUMKIT_SEED={seed} cargo test --test raft_random"
            ),
        }
    }
    recovery.sort_unstable();
    let at = |q: f64| recovery[((recovery.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{} seeded runs, zero violations, {committed} entries committed in total, \
         {ops} key-value operations answered, every history linearizable; \
         every healed cluster converged within {LIVENESS_TIMEOUTS} election timeouts \
         (median {} ms, p99 {} ms, max {} ms at seed {}); slowest: seed {} in {:.2} s",
        seeds.len(),
        at(0.5).0,
        at(0.99).0,
        at(1.0).0,
        at(1.0).1,
        slowest.0,
        slowest.1.as_secs_f64()
    );
    assert!(
        committed >= seeds.len() as u64,
        "every run commits something"
    );
    assert!(ops >= seeds.len(), "clients get answers");
}

#[test]
fn a_seed_replays_exactly() {
    for seed in [1, 77, 12_345] {
        let (cfg, actions) = plan(seed);
        let mut traced = cfg.clone();
        traced.record_events = true;
        let a = Cluster::replay(traced.clone(), &actions).unwrap();
        let b = Cluster::replay(traced, &actions).unwrap();
        assert_eq!(a.events(0), b.events(0));
        assert_eq!(a.history_hash(), b.history_hash());
        // Recording events does not change the history.
        let c = Cluster::replay(cfg.clone(), &actions).unwrap();
        assert_eq!(a.history_hash(), c.history_hash());
        // Nor do key-value clients replay any differently.
        let with_kv = || {
            let mut c = Cluster::new(cfg.clone()).unwrap();
            c.start_kv(clients(seed)).unwrap();
            for a in &actions {
                let _ = c.apply(a);
            }
            c.advance(5_000);
            (c.history_hash(), c.kv_history().to_vec())
        };
        let (h1, k1) = with_kv();
        assert_eq!((h1, &k1), (with_kv().0, &with_kv().1));
    }
}
