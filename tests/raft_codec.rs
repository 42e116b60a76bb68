//! The wire and storage encoding (`quorumkit::raft::codec`):
//!
//! - golden byte vectors: the format is a contract between builds;
//! - round trips of arbitrary messages of every kind, hard states, entry
//!   lists and snapshots;
//! - every strict prefix of a valid encoding is rejected, and so is any
//!   trailing byte;
//! - arbitrary bytes and mutated encodings never panic, and anything that
//!   decodes re-encodes to the same bytes (one encoding per value).

mod common;

use common::proptest_config as config;
use proptest::prelude::*;
use quorumkit::raft::codec::{
    decode_entries, decode_hard_state, decode_message, decode_snapshot, encode_entries,
    encode_hard_state, encode_message, encode_snapshot, CodecError, VERSION,
};
use quorumkit::raft::{
    ConfChange, ConfChangeKind, ConfState, Entry, EntryKind, HardState, Message, MsgKind, Snapshot,
};

/// Every kind this build knows, found through `from_code` so a new kind is
/// covered as soon as it is added there.
fn kinds() -> Vec<MsgKind> {
    (0..=255).filter_map(MsgKind::from_code).collect()
}

/// Small values most of the time (the common case), any `u64` sometimes.
fn num() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0..300u64, 1 => any::<u64>()]
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        num(),
        num(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(term, index, cc, data)| Entry {
            term,
            index,
            data: data.into(),
            kind: if cc {
                EntryKind::ConfChange
            } else {
                EntryKind::Normal
            },
        })
}

/// Entries as an Append carries them: consecutive, terms non-decreasing.
fn run_of_entries(first: u64, term: u64) -> impl Strategy<Value = Vec<Entry>> {
    prop::collection::vec((0..2u64, prop::collection::vec(any::<u8>(), 0..20)), 0..8).prop_map(
        move |v| {
            let mut t = term;
            v.into_iter()
                .enumerate()
                .map(|(i, (bump, data))| {
                    t += bump;
                    Entry::new(t, first + i as u64, data)
                })
                .collect()
        },
    )
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (
        num(),
        num(),
        prop::collection::vec(any::<u32>(), 0..6),
        prop::collection::vec(any::<u32>(), 0..3),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(index, term, voters, learners, data)| Snapshot {
            index,
            term,
            conf: ConfState { voters, learners },
            data: data.into(),
        })
}

fn message() -> impl Strategy<Value = Message> {
    let ks = kinds();
    (
        (0..ks.len(), any::<u32>(), any::<u32>(), num(), num(), num()),
        (num(), any::<bool>(), num(), num()),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => prop::collection::vec(entry(), 1..5),
            1 => (1..1000u64, 0..50u64).prop_flat_map(|(i, t)| run_of_entries(i + 1, t)),
        ],
        prop::option::weighted(0.2, snapshot()),
    )
        .prop_map(
            move |(
                (k, from, to, term, log_term, index),
                (commit, reject, reject_hint, context),
                entries,
                snapshot,
            )| Message {
                kind: ks[k],
                from,
                to,
                term,
                log_term,
                index,
                entries,
                commit,
                reject,
                reject_hint,
                context,
                snapshot,
            },
        )
}

fn hard_state() -> impl Strategy<Value = HardState> {
    (num(), prop_oneof![Just(0u32), any::<u32>()], num())
        .prop_map(|(term, vote, commit)| HardState { term, vote, commit })
}

/// Every strict prefix fails, and so does any extra byte.
fn assert_strict<T: std::fmt::Debug>(
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, CodecError>,
) {
    for cut in 0..bytes.len() {
        assert!(
            decode(&bytes[..cut]).is_err(),
            "prefix of {cut}/{} bytes decoded: {bytes:02x?}",
            bytes.len()
        );
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert!(matches!(
        decode(&longer),
        Err(CodecError::TrailingBytes { count: 1, .. })
    ));
}

proptest! {
    #![proptest_config(config(2_000, 0xC0DEC))]

    #[test]
    fn messages_round_trip_and_every_truncation_is_rejected(m in message()) {
        let b = encode_message(&m);
        prop_assert_eq!(b[0], VERSION);
        prop_assert_eq!(decode_message(&b), Ok(m));
        assert_strict(&b, decode_message);
    }

    #[test]
    fn stored_values_round_trip_and_every_truncation_is_rejected(
        hs in hard_state(),
        es in prop::collection::vec(entry(), 0..6),
        run in run_of_entries(1, 1),
        s in snapshot(),
    ) {
        let b = encode_hard_state(&hs);
        prop_assert_eq!(decode_hard_state(&b), Ok(hs));
        assert_strict(&b, decode_hard_state);
        for list in [&es, &run] {
            let b = encode_entries(list);
            prop_assert_eq!(&decode_entries(&b), &Ok(list.clone()));
            assert_strict(&b, decode_entries);
        }
        let b = encode_snapshot(&s);
        prop_assert_eq!(decode_snapshot(&b), Ok(s));
        assert_strict(&b, decode_snapshot);
    }

    #[test]
    fn garbage_never_panics_and_what_decodes_is_canonical(
        tail in prop::collection::vec(any::<u8>(), 0..64),
        head in prop_oneof![Just(vec![]), Just(vec![1u8]), (0..12u8).prop_map(|k| vec![1, k]),
            (0x80..0x83u8).prop_map(|t| vec![1, t])],
    ) {
        let mut b = head;
        b.extend(tail);
        if let Ok(m) = decode_message(&b) {
            prop_assert_eq!(encode_message(&m), b.clone());
        }
        if let Ok(hs) = decode_hard_state(&b) {
            prop_assert_eq!(encode_hard_state(&hs), b.clone());
        }
        if let Ok(es) = decode_entries(&b) {
            prop_assert_eq!(encode_entries(&es), b.clone());
        }
        if let Ok(s) = decode_snapshot(&b) {
            prop_assert_eq!(encode_snapshot(&s), b.clone());
        }
    }

    #[test]
    fn mutated_encodings_never_panic_and_stay_canonical(
        m in message(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut b = encode_message(&m);
        for (i, v) in flips {
            let i = i.index(b.len());
            b[i] = v;
        }
        if let Ok(m2) = decode_message(&b) {
            prop_assert_eq!(encode_message(&m2), b);
        }
    }
}

#[test]
fn golden_messages() {
    // Heartbeat 1 → 2, term 3, commit 5: version, kind 4, flags (commit),
    // from, to, term, commit.
    let mut hb = Message::new(MsgKind::Heartbeat, 1, 2, 3);
    hb.commit = 5;
    assert_eq!(
        encode_message(&hb),
        [0x01, 0x04, 0x08, 0x01, 0x02, 0x03, 0x05]
    );

    // Vote 3 → 1 at term 7 for a log ending at (index 300, term 6):
    // flags log term | index; 300 = ac 02.
    let mut v = Message::new(MsgKind::Vote, 3, 1, 7);
    v.log_term = 6;
    v.index = 300;
    assert_eq!(
        encode_message(&v),
        [0x01, 0x00, 0x06, 0x03, 0x01, 0x07, 0x06, 0xac, 0x02]
    );

    // Append 1 → 2 at term 2 after (index 3, term 1), commit 3, carrying
    // entry 4 of term 2 "x" and a membership change at 5: flags 0x4e; each
    // entry: index delta, term delta, kind, data length, data.
    let mut a = Message::new(MsgKind::Append, 1, 2, 2);
    a.log_term = 1;
    a.index = 3;
    a.commit = 3;
    let cc = ConfChange {
        kind: ConfChangeKind::AddLearner,
        node: 4,
    };
    a.entries = vec![
        Entry::new(2, 4, &b"x"[..]),
        Entry {
            term: 2,
            index: 5,
            data: cc.encode().to_vec().into(),
            kind: EntryKind::ConfChange,
        },
    ];
    assert_eq!(
        encode_message(&a),
        [
            0x01, 0x02, 0x4e, 0x01, 0x02, 0x02, 0x01, 0x03, 0x03, // header
            0x02, // two entries
            0x00, 0x01, 0x00, 0x01, b'x', // index 4 (3 + 1 + 0), term 2 (1 + 1)
            0x00, 0x00, 0x01, 0x06, 1, 0, 4, 0, 0, 0, // index 5, term 2, conf change
        ]
    );

    // A rejected AppendResp 2 → 1 at term 2: index 9, hint 4, log term 1.
    let mut r = Message::new(MsgKind::AppendResp, 2, 1, 2);
    r.reject = true;
    r.index = 9;
    r.reject_hint = 4;
    r.log_term = 1;
    assert_eq!(
        encode_message(&r),
        [0x01, 0x03, 0x17, 0x02, 0x01, 0x02, 0x01, 0x09, 0x04]
    );

    // Snapshot 1 → 3 at term 4: index 10, term 3, voters 1 2 3, no learner,
    // data "kv".
    let mut s = Message::new(MsgKind::Snapshot, 1, 3, 4);
    s.snapshot = Some(Snapshot {
        index: 10,
        term: 3,
        conf: ConfState {
            voters: vec![1, 2, 3],
            learners: vec![],
        },
        data: b"kv"[..].into(),
    });
    assert_eq!(
        encode_message(&s),
        [
            0x01, 0x09, 0x80, 0x01, 0x01, 0x03, 0x04, // header: flags 0x80 as a varint
            0x0a, 0x03, 0x03, 0x01, 0x02, 0x03, 0x00, 0x02, b'k', b'v', // body
        ]
    );
    for m in [hb, v, a, r, s] {
        assert_eq!(decode_message(&encode_message(&m)), Ok(m));
    }
}

#[test]
fn golden_stored_values() {
    let hs = HardState {
        term: 3,
        vote: 0,
        commit: 200,
    };
    assert_eq!(encode_hard_state(&hs), [0x01, 0x80, 0x05, 0x03, 0xc8, 0x01]);
    assert_eq!(encode_hard_state(&HardState::default()), [0x01, 0x80, 0x00]);
    let es = [Entry::new(1, 1, Vec::new()), Entry::new(2, 2, &b"ab"[..])];
    assert_eq!(
        encode_entries(&es),
        [0x01, 0x81, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, b'a', b'b']
    );
    assert_eq!(encode_entries(&[]), [0x01, 0x81, 0x00]);
}

#[test]
fn errors_name_the_problem() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![], "empty input: expected an encoded Raft value"),
        (
            vec![7, 4, 0, 1, 2, 3],
            "unsupported encoding version 7 (this build reads version 1)",
        ),
        (
            vec![1, 4, 0x08, 1, 2, 3],
            "truncated input: commit at byte 6 runs past the end",
        ),
        (vec![1, 77, 0, 1, 2, 3], "unknown message kind 77"),
        (
            vec![1, 4, 0, 1, 2, 3, 9, 9],
            "2 unexpected trailing bytes at byte 6",
        ),
        (
            vec![1, 4, 0x08, 1, 2, 3, 0],
            "non-canonical encoding of commit at byte 6",
        ),
        (
            vec![1, 4, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 2, 3],
            "from at byte 3 is too large",
        ),
        (
            vec![1, 2, 0x40, 1, 2, 3, 0xff, 0x01],
            "truncated input: entry count at byte 6 runs past the end",
        ),
        (
            vec![1, 2, 0x40, 1, 2, 3, 1, 0, 0, 5, 0],
            "unknown entry kind 5 at byte 9",
        ),
        (
            vec![1, 2, 0x40, 1, 2, 3, 1, 0, 0, 0, 200, 1],
            "truncated input: entry data at byte 10 runs past the end",
        ),
    ];
    for (bytes, want) in cases {
        let err = decode_message(&bytes).unwrap_err();
        assert_eq!(err.to_string(), want, "{bytes:02x?}");
    }
    assert_eq!(
        decode_entries(&[1, 4, 0, 1, 2, 3]).unwrap_err().to_string(),
        "expected a stored value of type entry list (tag 0x81), found a message (kind byte 4)"
    );
    assert_eq!(
        decode_message(&[1, 0x80, 0]).unwrap_err(),
        CodecError::UnknownKind { code: 0x80 }
    );
    assert_eq!(
        decode_hard_state(&[1, 0x80, 0x09, 1, 1])
            .unwrap_err()
            .to_string(),
        "unknown flag bits in 0x09 at byte 2"
    );
    assert_eq!(
        decode_snapshot(&[1, 0x81, 0]).unwrap_err().to_string(),
        "expected a stored value of type snapshot (tag 0x82), found tag 0x81"
    );
}

#[test]
fn a_huge_count_allocates_nothing() {
    // Claims 2^62 entries (and 2^62 voters) in a few bytes: rejected before
    // any reservation, as a truncation.
    let mut b = vec![1, 0x81];
    b.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    assert!(matches!(
        decode_entries(&b),
        Err(CodecError::Truncated {
            what: "entry count",
            ..
        })
    ));
    let b = [1, 0x82, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f];
    assert!(matches!(
        decode_snapshot(&b),
        Err(CodecError::Truncated {
            what: "snapshot voters",
            ..
        })
    ));
}
