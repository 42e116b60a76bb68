//! Layout properties and interop vectors: `decode(compose(x)) == x` for every
//! layout, and published Discord and Twitter IDs.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use quorumkit::snowflake::{
    compose, decode, parse_id, FieldOrder, Layout, Parts, MAX_ID, MAX_TIMESTAMP_MS,
};

fn cases() -> u32 {
    if std::env::var_os("QUORUMKIT_LONG").is_some() {
        20_000
    } else {
        256
    }
}

fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Every preset, plus random valid custom layouts.
fn any_layout() -> impl Strategy<Value = Layout> {
    let presets = prop::sample::select(Layout::PRESETS.iter().map(|(_, l)| *l).collect::<Vec<_>>());
    let custom = (
        1u8..=61,
        1u8..=61,
        0u64..=MAX_TIMESTAMP_MS,
        prop::sample::select(vec![1u64, 2, 10, 1000, 86_400_000]),
        any::<bool>(),
    )
        .prop_filter_map("invalid layout", |(t, m, epoch, unit, seq_first)| {
            let s = 63u8.checked_sub(t)?.checked_sub(m)?;
            let order = if seq_first {
                FieldOrder::SequenceThenMachine
            } else {
                FieldOrder::MachineThenSequence
            };
            // Shrink the epoch into range rather than rejecting most draws.
            let span = (1u128 << t).checked_mul(u128::from(unit))?;
            let max_epoch = (u128::from(MAX_TIMESTAMP_MS) + 1).checked_sub(span)?;
            let epoch = u64::try_from(u128::from(epoch) % (max_epoch + 1)).ok()?;
            Layout::custom(t, m, s, epoch, unit, order).ok()
        });
    prop_oneof![presets, custom]
}

/// A layout and valid parts for it (timestamps on tick boundaries).
fn layout_and_parts() -> impl Strategy<Value = (Layout, Parts)> {
    any_layout().prop_flat_map(|l| {
        (
            Just(l),
            0..=l.max_tick(),
            0..=l.max_machine_id(),
            0..=l.max_sequence(),
        )
            .prop_map(|(l, tick, machine, sequence)| {
                let parts = Parts {
                    timestamp: l.epoch() + tick * l.time_unit(),
                    machine,
                    sequence,
                };
                (l, parts)
            })
    })
}

#[test]
fn decode_inverts_compose_for_every_layout() {
    runner(1)
        .run(&layout_and_parts(), |(l, p)| {
            let id = compose(&p, &l).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(id <= MAX_ID);
            prop_assert_eq!(decode(id, &l).unwrap(), p);
            prop_assert_eq!(l.timestamp_of(id).unwrap(), p.timestamp);
            // The machine field splits into its named sub-fields and back.
            if !l.machine_fields().is_empty() {
                let values: Vec<u64> = l
                    .machine_fields()
                    .iter()
                    .map(|f| f.get(p.machine))
                    .collect();
                prop_assert_eq!(l.machine_from_fields(&values).unwrap(), p.machine);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn compose_inverts_decode_for_every_id() {
    runner(2)
        .run(&(any_layout(), 0..=MAX_ID), |(l, id)| {
            let p = decode(id, &l).unwrap();
            prop_assert!(p.timestamp >= l.epoch() && p.timestamp <= l.end_ms());
            prop_assert_eq!(compose(&p, &l).unwrap(), id);
            Ok(())
        })
        .unwrap();
}

#[test]
fn ids_order_by_time_then_sequence() {
    // For one machine, the ID order is the (timestamp, sequence) order: the
    // property the generator's monotonicity rests on.
    let strategy = layout_and_parts()
        .prop_flat_map(|(l, a)| (Just(l), Just(a), 0..=l.max_tick(), 0..=l.max_sequence()));
    runner(3)
        .run(&strategy, |(l, a, tick, sequence)| {
            let b = Parts {
                timestamp: l.epoch() + tick * l.time_unit(),
                sequence,
                ..a
            };
            let (ia, ib) = (compose(&a, &l).unwrap(), compose(&b, &l).unwrap());
            prop_assert_eq!(
                ia.cmp(&ib),
                (a.timestamp, a.sequence).cmp(&(b.timestamp, b.sequence))
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn discord_documented_id() {
    // Discord's developer docs: 175928847299117063 was created at
    // 1462015105796 by worker 1, process 0, increment 7.
    let id = parse_id(b"175928847299117063").unwrap();
    let l = Layout::DISCORD;
    let p = decode(id, &l).unwrap();
    assert_eq!(p.timestamp, 1_462_015_105_796);
    let fields: Vec<(&str, u64)> = l
        .machine_fields()
        .iter()
        .map(|f| (f.name, f.get(p.machine)))
        .collect();
    assert_eq!(fields, [("workerId", 1), ("processId", 0)]);
    assert_eq!(p.sequence, 7);
    assert_eq!(
        compose(&p, &l).unwrap(),
        id,
        "composing the documented parts gives the ID back"
    );
    let m = l.machine_from_fields(&[1, 0]).unwrap();
    assert_eq!(
        l.compose(&Parts {
            timestamp: 1_462_015_105_796,
            machine: m,
            sequence: 7
        }),
        Ok(id)
    );
}

/// Real tweet IDs and their published `created_at` (UTC, whole seconds).
/// `created_at` drops the milliseconds, so the decoded timestamp must fall
/// inside that second.
const TWEETS: [(&str, u64, &str); 2] = [
    // The Tweet object example in Twitter's API documentation:
    // "created_at": "Wed Oct 10 20:19:24 +0000 2018".
    ("1050118621198921728", 1_539_202_764, "2018-10-10T20:19:24Z"),
    // A tweet posted through the API: created_at 2013-03-08 13:40:22 -0600.
    ("310112778675425281", 1_362_771_622, "2013-03-08T19:40:22Z"),
];

#[test]
fn twitter_ids_decode_to_their_created_at_second() {
    for (text, second, when) in TWEETS {
        let id = parse_id(text.as_bytes()).unwrap();
        let ms = Layout::TWITTER.timestamp_of(id).unwrap();
        assert_eq!(ms / 1000, second, "{text} should date from {when}");
    }
}

#[test]
fn twitter_ids_decode_to_their_day() {
    // Embedded tweets show the UTC date: Obama's "Four more years." on
    // 2012-11-07 and the Oscars selfie on 2014-03-03.
    const DAY: u64 = 86_400_000;
    for (id, day_start) in [
        (266_031_293_945_503_744u64, 1_352_246_400_000u64),
        (440_322_224_407_314_432, 1_393_804_800_000),
    ] {
        let ms = Layout::TWITTER.timestamp_of(id).unwrap();
        assert!(
            (day_start..day_start + DAY).contains(&ms),
            "{id} decoded to {ms}"
        );
    }
    // The Twitter layout's epoch is the first Snowflake millisecond.
    assert_eq!(Layout::TWITTER.timestamp_of(0), Ok(1_288_834_974_657));
    assert_eq!(Layout::TWITTER.id_at(1_288_834_974_657), Ok(0));
}

#[test]
fn twitter_id_order_is_time_order() {
    let mut ids: Vec<u64> = TWEETS
        .iter()
        .map(|(t, _, _)| parse_id(t.as_bytes()).unwrap())
        .chain([266_031_293_945_503_744, 440_322_224_407_314_432])
        .collect();
    ids.sort_unstable();
    let times: Vec<u64> = ids
        .iter()
        .map(|&id| Layout::TWITTER.timestamp_of(id).unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
}

#[test]
fn every_preset_decodes_its_own_extremes() {
    for (name, l) in Layout::PRESETS {
        let top = Parts {
            timestamp: l.end_ms(),
            machine: l.max_machine_id(),
            sequence: l.max_sequence(),
        };
        assert_eq!(compose(&top, &l), Ok(MAX_ID), "{name}");
        assert_eq!(decode(MAX_ID, &l), Ok(top), "{name}");
        assert_eq!(decode(0, &l).unwrap().timestamp, l.epoch(), "{name}");
    }
}

/// Found by fuzzing: "0234567891023456…" parsed to an ID that prints without
/// its leading zero. IDs parse only from the text they print as.
#[test]
fn parse_id_takes_only_the_text_an_id_prints_as() {
    for text in ["02345678910234567889", "00", "07", "0000000000000000001"] {
        assert_eq!(parse_id(text.as_bytes()).unwrap_err().param, "id", "{text}");
    }
    for id in [0, 7, 175_928_847_299_117_063, MAX_ID] {
        let text = id.to_string();
        assert_eq!(parse_id(text.as_bytes()), Ok(id));
    }
}
