//! Untrusted input to a Raft node: messages from peers and storage from
//! disk. Each is checked as strictly as the local API checks its arguments;
//! a refused message leaves the node unchanged; terms and indexes stay at
//! most 2^53 - 1 ([`MAX_TERM`], [`MAX_INDEX`]) at every end of their range.

mod common;

use common::conf_entry;
use quorumkit::raft::codec::decode_message;
use quorumkit::raft::{
    ConfChange, ConfChangeKind, ConfState, Config, Entry, EntryKind, HardState, MemStorage,
    Message, MsgKind, NodeId, RaftError, RaftNode, Role, Snapshot, MAX_INDEX, MAX_TERM,
};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

fn node_on(id: NodeId, s: &MemStorage) -> Result<RaftNode, RaftError> {
    RaftNode::new(
        Config::new(id, vec![1, 2, 3]),
        s,
        Pcg32::seed_from_u64(u64::from(id)),
    )
}

fn node(id: NodeId) -> RaftNode {
    node_on(id, &MemStorage::new()).unwrap()
}

/// Persists what `n` hands out, as the Ready contract says.
fn persist(n: &mut RaftNode, s: &mut MemStorage) {
    let rd = n.ready();
    if let Some(hs) = rd.hard_state {
        s.set_hard_state(hs);
    }
    s.append(rd.entries).unwrap();
    n.advance();
}

fn param(e: RaftError) -> String {
    match e {
        RaftError::Arg(a) => a.param.into_owned(),
        other => panic!("expected an argument error, got {other}"),
    }
}

#[test]
fn terms_at_the_end_of_the_range() {
    for (term, ok) in [
        (MAX_TERM - 2, true),
        (MAX_TERM - 1, true),
        (MAX_TERM, false),
        (MAX_TERM + 1, false),
        (u64::MAX, false),
    ] {
        let mut n = node(2);
        let r = n.step(Message::new(MsgKind::Heartbeat, 1, 2, term));
        if ok {
            r.unwrap();
            assert_eq!(n.term(), term);
        } else {
            assert_eq!(param(r.unwrap_err()), "message.term", "term {term}");
            assert_eq!(
                (n.term(), n.leader()),
                (0, 0),
                "a refused message changes nothing"
            );
        }
    }
}

/// The reported case: a TimeoutNow at 2^53 - 1 made the node campaign at
/// 2^53, a term its own storage then refused on restart.
#[test]
fn a_term_that_cannot_grow_is_refused_where_it_enters_never_persisted() {
    let bytes = [1, 8, 0, 1, 2, 255, 255, 255, 255, 255, 255, 255, 15];
    let m = decode_message(&bytes).unwrap();
    assert_eq!((m.kind, m.term), (MsgKind::TimeoutNow, MAX_TERM));
    let mut s = MemStorage::new();
    let mut n = node_on(2, &s).unwrap();
    assert_eq!(param(n.step(m).unwrap_err()), "message.term");
    assert!(!n.has_ready());
    // The largest term it takes in still leaves one election: it reaches
    // MAX_TERM, persists it, restarts from it, and never campaigns again.
    n.step(Message::new(MsgKind::TimeoutNow, 1, 2, MAX_TERM - 1))
        .unwrap();
    assert_eq!((n.role(), n.term()), (Role::Candidate, MAX_TERM));
    persist(&mut n, &mut s);
    let mut r = node_on(2, &s).unwrap();
    assert_eq!(r.term(), MAX_TERM);
    r.campaign();
    for _ in 0..100 {
        r.tick();
    }
    assert_eq!((r.role(), r.term()), (Role::Follower, MAX_TERM));
    // A message of a lower term is answered as stale, as always.
    r.step(Message::new(MsgKind::Heartbeat, 1, 2, MAX_TERM - 1))
        .unwrap();
    assert_eq!(r.term(), MAX_TERM);
    assert!(r.ready().messages.iter().any(|m| m.term == MAX_TERM));
    // Storage beyond the range is refused on restart.
    let mut bad = MemStorage::new();
    bad.set_hard_state(HardState {
        term: MAX_TERM + 1,
        vote: 0,
        commit: 0,
    });
    assert_eq!(
        param(node_on(2, &bad).unwrap_err()),
        "storage.hardState.term"
    );
}

#[test]
fn indexes_and_contexts_at_the_end_of_the_range() {
    for (field, set) in [
        (
            "message.index",
            (|m: &mut Message, v| m.index = v) as fn(&mut Message, u64),
        ),
        ("message.commit", |m, v| m.commit = v),
        ("message.rejectHint", |m, v| m.reject_hint = v),
        ("message.context", |m, v| m.context = v),
        ("message.logTerm", |m, v| m.log_term = v),
    ] {
        for (v, ok) in [
            (MAX_INDEX - 1, true),
            (MAX_INDEX, true),
            (MAX_INDEX + 1, false),
        ] {
            let mut n = node(2);
            let mut m = Message::new(MsgKind::HeartbeatResp, 1, 2, 1);
            set(&mut m, v);
            let r = n.step(m);
            assert_eq!(r.is_ok(), ok, "{field} = {v}");
            if !ok {
                assert_eq!(param(r.unwrap_err()), field);
                assert_eq!(n.term(), 0);
            }
        }
    }
}

#[test]
fn a_full_log_refuses_proposals() {
    // A snapshot one short of the end: the leader's no-op takes the last
    // index.
    let mut s = MemStorage::new();
    let conf = ConfState {
        voters: vec![1],
        learners: vec![],
    };
    s.apply_snapshot(&Snapshot {
        index: MAX_INDEX - 1,
        term: 1,
        conf,
        data: Default::default(),
    })
    .unwrap();
    s.set_hard_state(HardState {
        term: 1,
        vote: 0,
        commit: MAX_INDEX - 1,
    });
    let mut n = RaftNode::new(Config::new(1, vec![1]), &s, Pcg32::seed_from_u64(1)).unwrap();
    n.campaign();
    assert_eq!((n.role(), n.last_index()), (Role::Leader, MAX_INDEX));
    assert_eq!(n.propose(&b"x"[..]), Err(RaftError::LogFull));
    let cc = ConfChange {
        kind: ConfChangeKind::AddLearner,
        node: 2,
    };
    assert_eq!(n.propose_conf_change(cc), Err(RaftError::LogFull));
    assert!(RaftError::LogFull.to_string().contains("2^53-1"));
    // Storage past the end is refused.
    let mut bad = MemStorage::new();
    bad.apply_snapshot(&Snapshot {
        index: MAX_INDEX,
        term: 1,
        ..Snapshot::default()
    })
    .unwrap();
    bad.append(&[Entry::new(1, MAX_INDEX + 1, Vec::new())])
        .unwrap();
    assert_eq!(
        param(node_on(1, &bad).unwrap_err()),
        "storage.entries.index"
    );
}

/// The reported case: "add voter 0" in a leader's Append was applied, and
/// the node then addressed messages to node 0.
#[test]
fn membership_changes_from_a_leader_are_checked_as_the_leader_checks_them() {
    let bytes = [1, 2, 0x40, 1, 2, 1, 1, 0, 1, 1, 6, 1, 1, 0, 0, 0, 0];
    let m = decode_message(&bytes).unwrap();
    let mut n = node(2);
    assert_eq!(param(n.step(m).unwrap_err()), "message.entries");
    assert_eq!(n.conf_state().voters, vec![1, 2, 3]);
    assert_eq!(
        (n.term(), n.last_index()),
        (0, 0),
        "nothing appended, term unchanged"
    );
    let cases: [(&str, Entry); 5] = [
        (
            "add learner 0",
            conf_entry(1, 1, ConfChangeKind::AddLearner, 0),
        ),
        (
            "add a voter as learner",
            conf_entry(1, 1, ConfChangeKind::AddLearner, 3),
        ),
        (
            "promote a non-learner",
            conf_entry(1, 1, ConfChangeKind::AddVoter, 9),
        ),
        (
            "remove a non-member",
            conf_entry(1, 1, ConfChangeKind::Remove, 9),
        ),
        ("undecodable change", {
            let mut e = Entry::new(1, 1, vec![1, 7, 0, 0, 0, 0]);
            e.kind = EntryKind::ConfChange;
            e
        }),
    ];
    for (what, e) in cases {
        let mut n = node(2);
        let mut a = Message::new(MsgKind::Append, 1, 2, 1);
        a.entries = vec![e];
        assert_eq!(param(n.step(a).unwrap_err()), "message.entries", "{what}");
        assert_eq!(n.last_index(), 0, "{what}");
    }
    // A valid sequence in one message: each change checked against the
    // configuration the one before it made.
    let mut n = node(2);
    let mut a = Message::new(MsgKind::Append, 1, 2, 1);
    a.entries = vec![
        conf_entry(1, 1, ConfChangeKind::AddLearner, 4),
        conf_entry(1, 2, ConfChangeKind::AddVoter, 4),
        conf_entry(1, 3, ConfChangeKind::Remove, 1),
    ];
    n.step(a).unwrap();
    assert_eq!(n.conf_state().voters, vec![2, 3, 4]);
    // The same checks on restart from storage.
    let mut s = MemStorage::new();
    s.append(&[conf_entry(1, 1, ConfChangeKind::AddVoter, 0)])
        .unwrap();
    assert_eq!(param(node_on(2, &s).unwrap_err()), "storage.entries");
}

#[test]
fn entries_must_follow_the_message_index_with_terms_that_never_go_down() {
    for entries in [
        vec![Entry::new(1, 2, Vec::new())], // a gap
        vec![Entry::new(2, 1, Vec::new()), Entry::new(1, 2, Vec::new())], // term goes down
        vec![Entry::new(MAX_TERM + 1, 1, Vec::new())],
    ] {
        let mut n = node(2);
        let mut a = Message::new(MsgKind::Append, 1, 2, 2);
        a.entries = entries;
        assert!(param(n.step(a).unwrap_err()).starts_with("message.entries"));
        assert_eq!(n.last_index(), 0);
    }
}

#[test]
fn a_snapshot_message_needs_a_configuration_a_cluster_can_have() {
    for conf in [
        ConfState::default(),
        ConfState {
            voters: vec![1, 0],
            learners: vec![],
        },
        ConfState {
            voters: vec![1, 1],
            learners: vec![],
        },
        ConfState {
            voters: vec![1],
            learners: vec![1],
        },
    ] {
        let mut n = node(2);
        let mut m = Message::new(MsgKind::Snapshot, 1, 2, 1);
        m.snapshot = Some(Snapshot {
            index: 5,
            term: 1,
            conf: conf.clone(),
            data: Default::default(),
        });
        assert_eq!(
            param(n.step(m).unwrap_err()),
            "message.snapshot.conf",
            "{conf:?}"
        );
        assert_eq!(n.last_index(), 0);
    }
    let mut n = node(2);
    let mut m = Message::new(MsgKind::Snapshot, 1, 2, 1);
    let conf = ConfState {
        voters: vec![1, 2, 3],
        learners: vec![4],
    };
    m.snapshot = Some(Snapshot {
        index: 5,
        term: 1,
        conf,
        data: Default::default(),
    });
    n.step(m).unwrap();
    assert_eq!(
        (n.snapshot_index(), n.conf_state().learners.clone()),
        (5, vec![4])
    );
}

#[test]
fn the_node_keeps_working_after_refused_messages() {
    let mut s = MemStorage::new();
    let mut n = node_on(2, &s).unwrap();
    let mut a = Message::new(MsgKind::Append, 1, 2, 1);
    a.entries = vec![Entry::new(1, 1, &b"x"[..])];
    n.step(a).unwrap();
    persist(&mut n, &mut s);
    let garbage = [Message::new(MsgKind::Heartbeat, 1, 2, MAX_TERM), {
        let mut m = Message::new(MsgKind::Append, 1, 2, 1);
        m.index = 1;
        m.log_term = 1;
        m.entries = vec![conf_entry(1, 2, ConfChangeKind::AddVoter, 0)];
        m
    }];
    for m in garbage {
        assert!(n.step(m).is_err());
    }
    assert_eq!(
        (n.term(), n.last_index()),
        (1, 1),
        "what was stored is kept"
    );
    let mut a = Message::new(MsgKind::Append, 1, 2, 1);
    a.index = 1;
    a.log_term = 1;
    a.commit = 2;
    a.entries = vec![Entry::new(1, 2, &b"y"[..])];
    n.step(a).unwrap();
    assert_eq!((n.last_index(), n.commit()), (2, 2));
}

/// The decoders' documented bound: at most 15 bytes of memory per encoded
/// byte (an entry takes 4 encoded bytes at least, and one `Entry` plus its
/// data in memory).
#[test]
fn decoding_allocates_at_most_15_bytes_per_encoded_byte() {
    use quorumkit::raft::codec::{decode_entries, encode_entries};
    let size = std::mem::size_of::<Entry>();
    assert!(size <= 56, "Entry is {size} bytes");
    for n in [1usize, 10, 1000] {
        let es: Vec<Entry> = (1..=n as u64)
            .map(|i| Entry::new(1, i, Vec::new()))
            .collect();
        let b = encode_entries(&es);
        let got = decode_entries(&b).unwrap();
        let used = got.capacity() * size + got.iter().map(|e| e.data.len()).sum::<usize>();
        assert!(used <= 15 * b.len(), "{used} bytes for {} encoded", b.len());
    }
}
