//! The generator's guarantee under hostile clocks: for every backwards-clock
//! policy, IDs are strictly increasing (so never repeat) whether the clock
//! stalls, jumps forward, steps back by 1 ms or by 10 s, or the sequence
//! wraps again and again; and no ID's timestamp is ahead of the latest
//! clock reading.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use quorumkit::snowflake::{ClockPolicy, GenerateError, Generator, Layout, Sequencer};

const T0: u64 = 1_700_000_000_000;
const POLICIES: [ClockPolicy; 3] = [ClockPolicy::Wait, ClockPolicy::Error, ClockPolicy::Logical];

fn long() -> bool {
    std::env::var_os("QUORUMKIT_LONG").is_some()
}

/// A scripted fake clock: time advances 1 ms every `reads_per_ms` readings,
/// and at given reading counts it jumps by a signed offset that stays.
struct Script {
    reads: Cell<u64>,
    max_seen: Cell<u64>,
    reads_per_ms: u64,
    /// (reading index, offset in ms added from then on)
    jumps: Vec<(u64, i64)>,
}

impl Script {
    fn new(reads_per_ms: u64, jumps: &[(u64, i64)]) -> Script {
        Script {
            reads: Cell::new(0),
            max_seen: Cell::new(0),
            reads_per_ms,
            jumps: jumps.to_vec(),
        }
    }

    fn read(&self) -> u64 {
        let i = self.reads.get();
        self.reads.set(i + 1);
        let offset: i64 = self
            .jumps
            .iter()
            .filter(|(at, _)| *at <= i)
            .map(|(_, d)| d)
            .sum();
        let t = (T0 + i / self.reads_per_ms).saturating_add_signed(offset);
        self.max_seen.set(self.max_seen.get().max(t));
        t
    }
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Next,
    TryNext,
    Fill,
}

#[derive(Default, Debug)]
struct Outcome {
    ids: Vec<u64>,
    backwards_errors: u64,
    would_block: u64,
}

/// Draws `want` IDs from a generator on `script`, retrying after errors,
/// and checks every ID as it arrives.
fn run(layout: &Layout, policy: ClockPolicy, mode: Mode, script: &Script, want: usize) -> Outcome {
    let machine = layout.max_machine_id() / 3;
    let mut g = Generator::new(layout, machine, || script.read())
        .unwrap()
        .on_clock_backwards(policy);
    let mut out = Outcome::default();
    let mut buf = vec![0u64; 5000];
    let mut attempts = 0u64;
    // Run until `want` IDs are out and every scripted jump has happened
    // well before (batches read the clock once per tick, so reads lag IDs).
    let settle = script
        .jumps
        .iter()
        .map(|(at, _)| at + 2000)
        .max()
        .unwrap_or(0);
    while out.ids.len() < want || script.reads.get() < settle {
        attempts += 1;
        assert!(attempts < 50_000_000, "no progress: {out:?}");
        let r = match mode {
            Mode::Next => g.next().map(|id| vec![id]),
            Mode::TryNext => g.try_next().map(|id| vec![id]),
            Mode::Fill => {
                // Mostly small batches (one reading each), now and then one
                // larger than a tick's sequence, which must wait inside.
                let n = if attempts % 64 == 0 { buf.len() } else { 7 };
                g.fill(&mut buf[..n]).map(|()| buf[..n].to_vec())
            }
        };
        match r {
            Ok(ids) => {
                for id in ids {
                    let p = layout.decode(id).unwrap();
                    assert_eq!(p.machine, machine);
                    assert!(
                        p.timestamp <= script.max_seen.get(),
                        "ID from {} is ahead of every reading ({})",
                        p.timestamp,
                        script.max_seen.get()
                    );
                    if let Some(&last) = out.ids.last() {
                        assert!(
                            id > last,
                            "{policy:?} {mode:?}: {id} after {last} (not increasing)"
                        );
                    }
                    out.ids.push(id);
                }
            }
            Err(GenerateError::WouldBlock { retry_after_ms }) => {
                assert!(
                    !matches!(mode, Mode::Next | Mode::Fill),
                    "blocking call returned WouldBlock"
                );
                assert!(retry_after_ms >= 1);
                out.would_block += 1;
            }
            Err(GenerateError::ClockBackwards { behind_ms }) => {
                assert!(behind_ms >= 1);
                out.backwards_errors += 1;
            }
            Err(e @ GenerateError::TimestampExhausted { .. }) => panic!("{e}"),
        }
    }
    out
}

/// A clock that reads `T0` twice, then one ms earlier at every reading while
/// `falling` is set, and `T0 + 1` once it is cleared.
fn falling_clock<'a>(reads: &'a Cell<u64>, falling: &'a Cell<bool>) -> impl FnMut() -> u64 + 'a {
    move || {
        let i = reads.get();
        reads.set(i + 1);
        if falling.get() {
            T0 - i.saturating_sub(1)
        } else {
            T0 + 1
        }
    }
}

#[test]
fn a_clock_that_keeps_falling_back_fails_under_every_policy() {
    // The docs: a step back beyond max_backwards_ms fails under every policy.
    // The blocking calls check every reading, so they stop once the clock is
    // that far behind instead of waiting for it forever.
    for policy in POLICIES {
        for max_back in [0, 1, 1000] {
            for fill in [false, true] {
                let (reads, falling) = (Cell::new(0), Cell::new(true));
                let mut g = Generator::new(&Layout::DEFAULT, 1, falling_clock(&reads, &falling))
                    .unwrap()
                    .on_clock_backwards(policy)
                    .max_backwards_ms(max_back);
                let first = g.next().unwrap();
                let mut out = vec![0u64; 10_000];
                let r = if fill {
                    g.fill(&mut out).map(|()| out[0])
                } else {
                    // Logical spends the rest of the tick's sequence first.
                    (0..4096)
                        .map(|_| g.next())
                        .find(|r| r.is_err())
                        .unwrap_or(Ok(0))
                };
                let ctx = format!("{policy:?}, max {max_back}, fill {fill}: {r:?}");
                match r {
                    Err(GenerateError::ClockBackwards { behind_ms }) => match policy {
                        ClockPolicy::Error => assert_eq!(behind_ms, 1, "{ctx}"),
                        _ => assert!(behind_ms > max_back, "{ctx}"),
                    },
                    _ => panic!("{ctx}"),
                }
                // Bounded: one reading per ms of the allowed step back, plus
                // one per ID that Logical issues from the last tick.
                assert!(
                    reads.get() <= max_back + 4100,
                    "{ctx}: {} readings",
                    reads.get()
                );
                // Once the clock is back, the generator carries on.
                falling.set(false);
                assert!(g.next().unwrap() > first, "{ctx}");
            }
        }
    }
}

fn all_modes(
    layout: &Layout,
    script: impl Fn() -> Script,
    want: usize,
    check: impl Fn(ClockPolicy, &Outcome),
) {
    for policy in POLICIES {
        for mode in [Mode::Next, Mode::TryNext, Mode::Fill] {
            let s = script();
            let out = run(layout, policy, mode, &s, want);
            assert!(out.ids.len() >= want);
            check(policy, &out);
        }
    }
}

#[test]
fn stalled_clock() {
    // The clock sticks at one ms for 20 000 readings, far more than the
    // 4096 IDs a ms holds, then crawls.
    all_modes(
        &Layout::DEFAULT,
        || Script::new(20_000, &[]),
        20_000,
        |_, out| assert_eq!(out.backwards_errors, 0),
    );
}

#[test]
fn clock_jumps_forward() {
    all_modes(
        &Layout::DEFAULT,
        || Script::new(4, &[(3000, 3_600_000), (9000, 86_400_000 * 365)]),
        20_000,
        |_, out| {
            assert_eq!(out.backwards_errors, 0);
            // The IDs follow the clock forward, a year in one step.
            let last = Layout::DEFAULT
                .timestamp_of(*out.ids.last().unwrap())
                .unwrap();
            assert!(last > T0 + 86_400_000 * 365);
        },
    );
}

#[test]
fn clock_steps_back_one_ms() {
    // Several steps back of 1 ms, each persisting.
    let jumps: Vec<(u64, i64)> = (1..=5).map(|k| (k * 2000, -1)).collect();
    all_modes(
        &Layout::DEFAULT,
        || Script::new(3, &jumps),
        20_000,
        |policy, out| match policy {
            // Refuses each time, so errors were seen.
            ClockPolicy::Error => assert!(out.backwards_errors > 0),
            // 1 ms is within the wait bound; logical never even waits.
            ClockPolicy::Wait | ClockPolicy::Logical => assert_eq!(out.backwards_errors, 0),
        },
    );
}

#[test]
fn clock_steps_back_ten_seconds() {
    // 10 s is beyond the default 1 s wait bound. Few readings per ms, so the
    // clock catches up in ~30 000 readings.
    all_modes(
        &Layout::DEFAULT,
        || Script::new(3, &[(1000, -10_000)]),
        12_000,
        |_, out| {
            assert!(out.backwards_errors > 0);
        },
    );
}

#[test]
fn logical_policy_rides_out_a_ten_second_step_at_low_rate() {
    // 8 readings per ms and a 10 s step back: fewer than 4096 IDs are
    // needed before the clock catches up, so the logical policy never fails.
    let s = Script::new(8, &[(100, -10_000)]);
    let out = run(&Layout::DEFAULT, ClockPolicy::Logical, Mode::Next, &s, 4000);
    assert_eq!(out.backwards_errors, 0);
    // ...and its IDs kept the pre-step timestamp.
    let stamps: Vec<u64> = out
        .ids
        .iter()
        .map(|&id| Layout::DEFAULT.timestamp_of(id).unwrap())
        .collect();
    assert!(stamps[150..].iter().all(|&t| t == stamps[99]));
}

#[test]
fn sequence_wraps_repeatedly() {
    // Instagram's 10-bit sequence with 3000 readings per ms wraps in every
    // ms; Sonyflake's 8-bit sequence with 1000 readings per 10 ms tick too.
    for (layout, reads_per_ms) in [(Layout::INSTAGRAM, 3000), (Layout::SONYFLAKE, 100)] {
        all_modes(
            &layout,
            || Script::new(reads_per_ms, &[]),
            12_000,
            |_, out| {
                assert_eq!(out.backwards_errors, 0);
                let per_tick = layout.max_sequence() + 1;
                let ticks = out.ids[..12_000]
                    .windows(2)
                    .filter(|w| layout.timestamp_of(w[0]) != layout.timestamp_of(w[1]))
                    .count() as u64;
                assert!(ticks >= 12_000 / per_tick - 1, "{ticks} ticks");
            },
        );
    }
}

#[test]
fn sawtooth_clock() {
    // Back and forth: +5 s, −10 s, +3 s, −1 ms, −700 ms, +20 s, −20 s.
    let jumps = [
        (500, 5_000),
        (1500, -10_000),
        (2500, 3_000),
        (3500, -1),
        (4500, -700),
        (5500, 20_000),
        (6500, -20_000),
    ];
    all_modes(
        &Layout::TWITTER,
        || Script::new(2, &jumps),
        15_000,
        |_, _| {},
    );
}

/// One step of a random clock: a signed delta in ms.
fn clock_steps(len: usize) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(
        prop_oneof![
            6 => Just(0i64),
            6 => 1i64..=2,
            2 => -2i64..=-1,
            1 => -20_000i64..=20_000,
        ],
        1..len,
    )
}

#[test]
fn any_clock_any_policy_ids_increase() {
    let (cases, len) = if long() { (3000, 3000) } else { (96, 400) };
    let layouts = vec![
        Layout::DEFAULT,
        Layout::SONYFLAKE,
        Layout::INSTAGRAM,
        // A tiny 2-bit sequence wraps constantly.
        Layout::new(41, 20, 2).unwrap(),
    ];
    let strategy = (
        prop::sample::select(layouts),
        prop::sample::select(POLICIES.to_vec()),
        0u64..3000,
        clock_steps(len),
        prop::collection::vec(0usize..300, 1..8),
    );
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[9; 32]),
    );
    runner
        .run(&strategy, |(layout, policy, bound, steps, batch_sizes)| {
            let machine = layout.max_machine_id();
            let mut s = Sequencer::new(&layout, machine, T0)
                .unwrap()
                .on_clock_backwards(policy)
                .max_backwards_ms(bound);
            let mut now = T0;
            let mut max_seen = T0;
            let mut last: Option<u64> = None;
            let mut buf = vec![0u64; 300];
            for (i, d) in steps.iter().enumerate() {
                now = now.saturating_add_signed(*d);
                max_seen = max_seen.max(now);
                // Alternate single IDs and batches of varying size.
                let n = batch_sizes[i % batch_sizes.len()];
                let issued: Vec<u64> = if i % 2 == 0 {
                    match s.try_next_at(now) {
                        Ok(id) => vec![id],
                        Err(e) => {
                            check_error(&s, policy, now, e)?;
                            vec![]
                        }
                    }
                } else {
                    match s.try_fill_at(now, &mut buf[..n]) {
                        Ok(k) => {
                            prop_assert!(k <= n && (k > 0 || n == 0));
                            buf[..k].to_vec()
                        }
                        Err(e) => {
                            check_error(&s, policy, now, e)?;
                            vec![]
                        }
                    }
                };
                for id in issued {
                    let p = layout.decode(id).unwrap();
                    prop_assert_eq!(p.machine, machine);
                    prop_assert!(p.timestamp <= max_seen);
                    if let Some(l) = last {
                        prop_assert!(id > l, "{} after {}", id, l);
                    }
                    last = Some(id);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// The error a sequencer reported is consistent with its policy, and a
/// `WouldBlock` delay is exact: nothing is issued a ms earlier, and for the
/// non-waiting cases something is issued right on time.
fn check_error(
    s: &Sequencer,
    policy: ClockPolicy,
    now: u64,
    e: GenerateError,
) -> Result<(), TestCaseError> {
    match e {
        GenerateError::WouldBlock { retry_after_ms } => {
            prop_assert!(retry_after_ms >= 1);
            prop_assert!(policy != ClockPolicy::Error || retry_after_ms <= s.layout().time_unit());
            let mut early = s.clone();
            prop_assert!(early.try_next_at(now + retry_after_ms - 1).is_err());
            let mut on_time = s.clone();
            match on_time.try_next_at(now + retry_after_ms) {
                Ok(_) => {}
                // Waiting out a backwards clock can land in a used-up tick.
                Err(GenerateError::WouldBlock { .. }) => prop_assert_eq!(policy, ClockPolicy::Wait),
                Err(other) => prop_assert!(false, "{} after waiting", other),
            }
        }
        GenerateError::ClockBackwards { behind_ms } => {
            prop_assert!(behind_ms >= 1);
        }
        GenerateError::TimestampExhausted { .. } => prop_assert!(false, "exhausted"),
    }
    Ok(())
}

#[test]
fn a_million_ids_from_next_and_fill_are_unique_and_increasing() {
    // The Rust side of the wasm-level check: 1 M IDs at full speed on a
    // clock advancing 1 ms per 3000 readings, so the sequence wraps often.
    let n = if long() { 10_000_000 } else { 1_000_000 };
    let s = Script::new(3000, &[]);
    let mut g = Generator::new(&Layout::DEFAULT, 5, || s.read()).unwrap();
    let mut prev = 0;
    for _ in 0..n / 2 {
        let id = g.next().unwrap();
        assert!(id > prev);
        prev = id;
    }
    let mut out = vec![0u64; n / 2];
    g.fill(&mut out).unwrap();
    assert!(out[0] > prev);
    assert!(out.windows(2).all(|w| w[0] < w[1]));
}
