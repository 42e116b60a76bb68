//! Property tests with fixed seeds and case counts:
//!
//! - a node fed arbitrary (even malformed) messages and read requests never
//!   panics, its term and commit index never decrease, and its commit stays
//!   within its log;
//! - arbitrary action lists on the simulator never break an invariant and
//!   replay to the same history;
//! - `MemStorage::append` matches a naive model.

mod common;

use common::proptest_config as config;
use proptest::prelude::*;
use quorumkit::raft::sim::{Action, Cluster, SimConfig};
use quorumkit::raft::{Config, Entry, MemStorage, Message, MsgKind, RaftNode, Storage};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

const KINDS: [MsgKind; 8] = [
    MsgKind::Vote,
    MsgKind::VoteResp,
    MsgKind::Append,
    MsgKind::AppendResp,
    MsgKind::Heartbeat,
    MsgKind::HeartbeatResp,
    MsgKind::ReadIndex,
    MsgKind::ReadIndexResp,
];

fn message() -> impl Strategy<Value = Message> {
    (
        0..8usize,
        1..=4u32,
        0..8u64,
        0..8u64,
        0..12u64,
        prop::collection::vec((0..8u64, 0..14u64), 0..4),
        0..14u64,
        any::<bool>(),
        0..14u64,
        0..4u64,
    )
        .prop_map(
            |(k, from, term, log_term, index, ents, commit, reject, hint, context)| Message {
                kind: KINDS[k],
                from,
                to: 1,
                term,
                log_term,
                index,
                entries: ents
                    .into_iter()
                    .map(|(t, i)| Entry::new(t, i, Vec::new()))
                    .collect(),
                commit,
                reject,
                reject_hint: hint,
                context,
                ..Message::default()
            },
        )
}

#[derive(Debug, Clone)]
enum Input {
    Tick,
    Campaign,
    Propose,
    Read(u64),
    Step(Message),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        2 => Just(Input::Tick),
        1 => Just(Input::Campaign),
        1 => Just(Input::Propose),
        1 => (0..4u64).prop_map(Input::Read),
        6 => message().prop_map(Input::Step),
    ]
}

proptest! {
    #![proptest_config(config(300, 0x5A17))]

    #[test]
    fn arbitrary_messages_never_panic_or_regress(inputs in prop::collection::vec(input(), 1..60)) {
        let mut store = MemStorage::new();
        let mut n = RaftNode::new(Config::new(1, vec![1, 2, 3]), &store, Pcg32::seed_from_u64(3)).unwrap();
        let (mut term, mut commit) = (0, 0);
        for inp in inputs {
            match inp {
                Input::Tick => n.tick(),
                Input::Campaign => n.campaign(),
                Input::Propose => { let _ = n.propose(&b"p"[..]); }
                Input::Read(ctx) => { let _ = n.read_index(ctx); }
                Input::Step(m) => { let _ = n.step(m); }
            }
            let rd = n.ready();
            store.append(rd.entries).unwrap();
            if let Some(hs) = rd.hard_state {
                store.set_hard_state(hs);
            }
            n.advance();
            prop_assert!(n.term() >= term);
            prop_assert!(n.commit() >= commit);
            prop_assert!(n.commit() <= n.last_index());
            prop_assert_eq!(store.last_index(), n.last_index());
            term = n.term();
            commit = n.commit();
        }
    }

    #[test]
    fn storage_append_matches_a_model(batches in prop::collection::vec((1..12u64, prop::collection::vec(0..5u64, 0..5)), 0..20)) {
        let mut s = MemStorage::new();
        let mut model: Vec<u64> = Vec::new();
        for (first, terms) in batches {
            let ents: Vec<Entry> = terms.iter().enumerate()
                .map(|(k, &t)| Entry::new(t, first + k as u64, Vec::new())).collect();
            let ok = s.append(&ents).is_ok();
            let fits = ents.is_empty() || first <= model.len() as u64 + 1;
            prop_assert_eq!(ok, fits);
            if fits && !ents.is_empty() {
                model.truncate(first as usize - 1);
                model.extend(&terms);
            }
            let got: Vec<u64> = s.all_entries().iter().map(|e| e.term).collect();
            prop_assert_eq!(&got, &model);
            prop_assert_eq!(s.last_index(), model.len() as u64);
        }
    }
}

fn action(n: u32) -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (1..400u64).prop_map(Action::Advance),
        1 => Just(Action::StepEvent),
        2 => any::<u8>().prop_map(|b| Action::Propose(vec![b])),
        1 => (1..=n).prop_map(Action::Crash),
        1 => (1..=n).prop_map(Action::Restart),
        1 => prop::collection::vec(0..3usize, n as usize).prop_map(move |g| {
            let mut groups = vec![Vec::new(); 3];
            for (i, k) in g.into_iter().enumerate() {
                groups[k].push(i as u32 + 1);
            }
            Action::Partition(groups)
        }),
        1 => (1..=n, 1..=n).prop_map(|(a, b)| Action::Cut(a, b)),
        1 => Just(Action::Heal),
        1 => (1..=n).prop_map(Action::Timeout),
        1 => (0..40u32).prop_map(|p| Action::DropRate(f64::from(p) / 100.0)),
        1 => (0..20u32).prop_map(|p| Action::DupRate(f64::from(p) / 100.0)),
        1 => (0..40u32).prop_map(|p| Action::ReorderRate(f64::from(p) / 100.0)),
    ]
}

proptest! {
    #![proptest_config(config(64, 0xC1A5))]

    #[test]
    fn arbitrary_action_lists_are_safe_and_replay(
        seed in any::<u64>(),
        actions in prop::collection::vec(action(5), 0..40),
    ) {
        let mut cfg = SimConfig::new(5, seed);
        cfg.record_events = false;
        let a = Cluster::replay(cfg.clone(), &actions).unwrap();
        if let Some(v) = a.violations().first() {
            return Err(TestCaseError::fail(v.to_string()));
        }
        let b = Cluster::replay(cfg, &actions).unwrap();
        prop_assert_eq!(a.history_hash(), b.history_hash());
        prop_assert_eq!(a.now(), b.now());
    }
}
