//! Randomized runs: mixed faults on random clusters, checked after every
//! event, then healed and checked for liveness. Each seed also turns on, at
//! random, pre-vote, check-quorum, leadership transfers, log compaction
//! (every 2–13 entries) and membership churn (a smaller initial
//! configuration, random learner additions, promotions and removals).
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
use quorumkit::raft::NodeId;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Virtual time allowed for a leader and full apply once faults heal.
const LIVENESS_MS: u64 = 10_000;

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
            5 | 9 | 16 | 17 if churn => match pick(&mut rng, 3) {
                0 => Action::AddLearner(id(&mut rng)),
                1 => Action::Promote(id(&mut rng)),
                _ => Action::Remove(id(&mut rng)),
            },
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
    for x in 1..=n {
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

/// Runs one seed; `Err` carries a readable report. Returns the highest
/// commit index and the number of completed operations.
fn run(seed: u64) -> Result<(u64, usize), String> {
    let (cfg, actions) = plan(seed);
    let mut c = Cluster::new(cfg).map_err(|e| e.to_string())?;
    c.start_kv(clients(seed)).map_err(|e| e.to_string())?;
    for a in &actions {
        let _ = c.apply(a);
    }
    if let Some(v) = c.violations().first() {
        return Err(v.to_string());
    }
    c.check_liveness(LIVENESS_MS).map_err(|v| v.to_string())?;
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
    let done = c.kv_history().iter().filter(|o| o.output.is_some()).count();
    Ok((c.max_commit(), done))
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
    let mut slowest = (0u64, std::time::Duration::ZERO);
    for &seed in &seeds {
        let started = std::time::Instant::now();
        let result = run(seed);
        if started.elapsed() > slowest.1 {
            slowest = (seed, started.elapsed());
        }
        match result {
            Ok((c, done)) => {
                committed += c;
                ops += done;
            }
            Err(report) => panic!(
                "seed {seed} failed:\n{report}\nreplay: QUORUMKIT_SEED={seed} cargo test --test raft_random"
            ),
        }
    }
    eprintln!(
        "{} seeded runs, zero violations, {committed} entries committed in total, \
         {ops} key-value operations answered, every history linearizable; \
         slowest: seed {} in {:.2} s",
        seeds.len(),
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
