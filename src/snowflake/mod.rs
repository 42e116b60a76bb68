//! Snowflake IDs: 64-bit, time-ordered IDs that one generator never repeats.
//!
//! # Format
//!
//! An ID is a non-negative 63-bit integer (the sign bit of an `i64` is 0)
//! made of three fields whose widths sum to 63. With `T`, `M`, `S` the widths
//! of the timestamp, machine and sequence fields:
//!
//! ```text
//! tick = floor((unix_ms - epoch) / timeUnit)                   0 <= tick < 2^T
//! [timestamp | machine | sequence]:  id = tick << (M+S) | machine << S | sequence
//! [timestamp | sequence | machine]:  id = tick << (M+S) | sequence << M | machine
//! decode:  timestamp = epoch + (id >> (M+S)) × timeUnit
//! ```
//!
//! The first order is Twitter's and most others'; the second is Sonyflake's
//! ([`FieldOrder`]). A [`Layout`] holds the widths, the epoch (Unix ms), the
//! time unit (ms per tick) and the order; presets are [`Layout::DEFAULT`]
//! (41/10/12 bits, epoch 2021-01-01), [`Layout::TWITTER`], [`Layout::DISCORD`],
//! [`Layout::SONYFLAKE`] and [`Layout::INSTAGRAM`], whose machine fields have
//! named sub-fields ([`Layout::machine_fields`], e.g. Twitter's
//! `datacenterId` and `workerId`). Layouts are validated: every field at
//! least 1 bit, widths summing to 63, a timestamp field spanning at least a
//! year and ending by 2^53 − 1 ms (so every timestamp is an exact JavaScript
//! number), a time unit from 1 ms to a day.
//!
//! [`Layout::decode`] / [`decode`] split an ID into [`Parts`] (timestamp in
//! Unix ms, machine, sequence); [`Layout::compose`] / [`compose`] is its
//! inverse. [`parse_id`] and [`format_id`] convert to and from decimal
//! strings; [`Layout::timestamp_of`] and [`Layout::id_at`] convert to and
//! from dates (Unix ms).
//!
//! # Generating
//!
//! A generator keeps the tick and sequence of its last ID. For each clock
//! reading `now` (Unix ms, from an injected [`Clock`]):
//!
//! - `tick(now)` > last tick: issue `(tick(now), 0)`;
//! - `tick(now)` = last tick: issue `(last, seq + 1)`; if the sequence is used
//!   up (2^S IDs in this tick), wait for the next tick;
//! - `tick(now)` < last tick (the clock went backwards; a reading before the
//!   epoch counts too): apply the [`ClockPolicy`]:
//!   - `Wait`: issue nothing until the clock is back at the last tick; fail
//!     with [`GenerateError::ClockBackwards`] if it is more than
//!     `max_backwards_ms` behind;
//!   - `Error`: fail at once (Twitter's behaviour);
//!   - `Logical` (the default): keep issuing `(last, seq + 1)` while the
//!     sequence lasts (Sonyflake's behaviour), then wait for the next tick,
//!     or fail if the clock is more than `max_backwards_ms` behind.
//!
//! `max_backwards_ms` defaults to [`DEFAULT_MAX_BACKWARDS_MS`] (1000 ms,
//! enough for NTP step corrections and a repeated leap second).
//!
//! **Why `Logical` is the default.** It never issues fewer IDs than `Wait`:
//! both wait only when they must, but `Logical` first spends the sequence
//! left in the current tick. An application that makes fewer than 2^S IDs
//! while its clock is behind never notices the step at all, which matters in
//! a browser tab, where a blocking wait freezes the page and users do change
//! the system clock. Its cost is that an ID's timestamp can be ahead of the
//! current clock reading, by at most how far the clock stepped back; it is
//! never ahead of the latest reading the generator has seen. `Error` suits
//! servers that would rather alert than wait.
//!
//! Waiting means different things at the two levels. [`Sequencer`] is the
//! clock-free state machine: [`Sequencer::try_next_at`] takes the time and
//! returns [`GenerateError::WouldBlock`] with how many ms to wait.
//! [`Generator`] owns a clock: [`Generator::try_next`] reads it once and
//! never blocks; [`Generator::next`] spins, re-reading the clock, until it
//! advances (the core has no timer of its own; the JavaScript binding passes
//! a `Date.now()` clock). When the timestamp field is used up, every call
//! returns [`GenerateError::TimestampExhausted`].
//!
//! # Cost
//!
//! `O(1)` per ID: a clock reading, a comparison, shifts and ors. Batches go
//! through [`Generator::fill`] / [`Sequencer::try_fill_at`], which read the
//! clock once per tick and write the rest of the tick's sequence in one
//! tight loop, so a generator reaches its layout's limit of
//! `2^S × 1000 / timeUnit` IDs per second ([`Layout::ids_per_second_limit`],
//! 4,096,000/s for a 12-bit sequence in ms) while mostly waiting for the
//! clock. No call allocates.
//!
//! # Guarantee
//!
//! The IDs of one generator are strictly increasing, hence never repeat,
//! whatever its clock returns. Proof: the state `(last tick, next sequence)`
//! only grows in lexicographic order (every branch above either moves to a
//! larger tick with sequence 0 or increments the sequence of the same tick,
//! and errors change nothing); every ID is `(last tick, next sequence)` taken
//! just before that increment, the sequence never exceeds `2^S − 1`, and the
//! packing is strictly increasing in `(tick, sequence)` for a fixed machine
//! because the tick occupies the highest bits. Two generators with
//! different machine IDs never collide either; two with the same machine ID
//! can, so each must own its machine ID.
//!
//! # Machine IDs
//!
//! A machine ID must be unique among the generators that write into one ID
//! space. When nothing assigns them, [`random_machine_id`] draws one from an
//! injected RNG; with `n` generators drawing uniformly from `N = 2^M` IDs,
//! the chance that two share one is the birthday bound
//!
//! ```text
//! p(n) = 1 − ∏_{i<n} (1 − i/N)  ≈  1 − e^{−n(n−1)/(2N)}
//! ```
//!
//! ([`machine_id_collision_probability`]). With the default 10-bit field
//! (`N = 1024`): 2 generators ≈ 0.098 %, 10 ≈ 4.3 %, 20 ≈ 17 %, 38 ≈ 50 %.
//! With Sonyflake's 16 bits: 10 ≈ 0.069 %, 100 ≈ 7.3 %, 302 ≈ 50 %. Beyond a
//! handful of generators, assign machine IDs instead (from a config, a
//! lease, or the last octets of a private IP address, as Sonyflake does).
//!
//! # Tests
//!
//! `tests/snowflake_*.rs` drive generators with fake clocks (stall, jumps
//! forward, steps back by 1 ms and by 10 s, sequence wraps) under every
//! policy, check `decode(compose(x)) == x` for every layout with proptest,
//! and check published Discord and Twitter IDs. Set `QUORUMKIT_LONG=1` to
//! run the randomized clock tests with many more cases and longer clock
//! scripts.
//!
//! # Examples
//! ```
//! use quorumkit::snowflake::{decode, format_id, parse_id, Generator, Layout};
//! // A Discord ID decodes to its documented fields.
//! let p = decode(parse_id(b"175928847299117063").unwrap(), &Layout::DISCORD).unwrap();
//! assert_eq!(p.timestamp, 1_462_015_105_796);
//!
//! // A generator with a fake clock.
//! let mut now = 1_700_000_000_000u64;
//! let mut g = Generator::new(&Layout::DEFAULT, 7, move || { now += 1; now }).unwrap();
//! let id = g.next().unwrap();
//! assert_eq!(Layout::DEFAULT.decode(id).unwrap().machine, 7);
//! let mut buf = [0u8; 20];
//! assert_eq!(parse_id(format_id(id, &mut buf).as_bytes()), Ok(id));
//! ```

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
use crate::prelude::F64Math;

mod generator;
mod layout;

pub use generator::{
    Clock, ClockPolicy, GenerateError, Generator, Sequencer, DEFAULT_MAX_BACKWARDS_MS,
};
pub use layout::{FieldOrder, Layout, MachineField, Parts, MAX_ID, MAX_TIMESTAMP_MS};

use crate::ArgError;

/// Splits `id` into its parts under `layout`: [`Layout::decode`] as a function.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{decode, Layout};
/// let p = decode(175_928_847_299_117_063, &Layout::DISCORD).unwrap();
/// let [worker, process] = Layout::DISCORD.machine_fields() else { unreachable!() };
/// assert_eq!((worker.get(p.machine), process.get(p.machine), p.sequence), (1, 0, 7));
/// ```
///
/// # Errors
/// [`ArgError`] (`id`) if `id` exceeds [`MAX_ID`].
pub fn decode(id: u64, layout: &Layout) -> Result<Parts, ArgError> {
    layout.decode(id)
}

/// Packs `parts` into an ID under `layout`: [`Layout::compose`] as a function.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{compose, decode, Layout};
/// let p = decode(175_928_847_299_117_063, &Layout::DISCORD).unwrap();
/// assert_eq!(compose(&p, &Layout::DISCORD).unwrap(), 175_928_847_299_117_063);
/// ```
///
/// # Errors
/// As [`Layout::compose`].
pub fn compose(parts: &Parts, layout: &Layout) -> Result<u64, ArgError> {
    layout.compose(parts)
}

/// Parses an ID from its decimal string (the UTF-8 bytes): ASCII digits
/// only, no sign, no spaces, no leading zero, at most [`MAX_ID`]. That is
/// exactly how IDs print, so what parses prints back to the same text.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::parse_id;
/// assert_eq!(parse_id(b"175928847299117063"), Ok(175_928_847_299_117_063));
/// assert_eq!(parse_id(b"9223372036854775808").unwrap_err().param, "id");
/// assert!(parse_id(b"-1").is_err() && parse_id(b"").is_err() && parse_id(b"1e3").is_err());
/// assert!(parse_id(b"0").is_ok() && parse_id(b"07").is_err());
/// ```
///
/// # Errors
/// [`ArgError`] (`id`) for anything else.
pub fn parse_id(text: &[u8]) -> Result<u64, ArgError> {
    let bad = || {
        ArgError::range(
            "id",
            "a decimal string of an integer in 0..=9223372036854775807, without leading zeros",
            crate::error::quoted(&text[..text.len().min(40)]),
        )
    };
    if text.is_empty() || (text.len() > 1 && text[0] == b'0') {
        return Err(bad());
    }
    let mut value: u64 = 0;
    for &b in text {
        if !b.is_ascii_digit() {
            return Err(bad());
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .filter(|&v| v <= MAX_ID)
            .ok_or_else(bad)?;
    }
    Ok(value)
}

/// Writes `id` in decimal into `buf` and returns the digits, without allocating.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::format_id;
/// let mut buf = [0u8; 20];
/// assert_eq!(format_id(175_928_847_299_117_063, &mut buf), "175928847299117063");
/// assert_eq!(format_id(0, &mut buf), "0");
/// ```
pub fn format_id(id: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    let mut v = id;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written, so this never fails.
    core::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// Draws a machine ID uniformly from `0..=layout.max_machine_id()` using the
/// caller's RNG (the JavaScript binding seeds it from `crypto.getRandomValues`).
///
/// See the module docs for the chance that two generators draw the same one.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{random_machine_id, Layout};
/// use rand_core::SeedableRng;
/// let mut rng = rand_pcg::Pcg64::seed_from_u64(1);
/// assert!(random_machine_id(&Layout::DEFAULT, &mut rng) <= 1023);
/// ```
pub fn random_machine_id<R: rand_core::Rng + ?Sized>(layout: &Layout, rng: &mut R) -> u64 {
    // The high bits of the draw: machine_bits is in 1..=61.
    rng.next_u64() >> (64 - u32::from(layout.machine_bits()))
}

/// The chance that some two of `generators` machine IDs drawn uniformly at
/// random from `layout`'s machine field are equal:
/// `1 − ∏_{i<n} (1 − i/2^M)`.
///
/// Exact (in floating point) up to a million generators, the approximation
/// `1 − e^{−n(n−1)/2^{M+1}}` beyond.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{machine_id_collision_probability, Layout};
/// let p = machine_id_collision_probability(10, &Layout::DEFAULT);
/// assert!((p - 0.0431).abs() < 1e-4);
/// assert_eq!(machine_id_collision_probability(1025, &Layout::DEFAULT), 1.0);
/// ```
pub fn machine_id_collision_probability(generators: u64, layout: &Layout) -> f64 {
    let space = layout.max_machine_id() as f64 + 1.0;
    if generators <= 1 {
        return 0.0;
    }
    if generators - 1 > layout.max_machine_id() {
        return 1.0; // more generators than machine IDs
    }
    let n = generators as f64;
    if generators <= 1_000_000 {
        let log_none: f64 = (1..generators).map(|i| (-(i as f64) / space).ln_1p()).sum();
        -log_none.exp_m1()
    } else {
        -(-n * (n - 1.0) / (2.0 * space)).exp_m1()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn decimal_round_trip_and_edges() {
        let mut buf = [0u8; 20];
        for id in [0, 1, 9, 10, 4095, MAX_ID, 175_928_847_299_117_063] {
            assert_eq!(parse_id(format_id(id, &mut buf).as_bytes()), Ok(id));
        }
        assert_eq!(format_id(u64::MAX, &mut buf), "18446744073709551615");
        assert_eq!(parse_id(b"9223372036854775807"), Ok(MAX_ID));
        for bad in [
            &b""[..],
            b"0007",
            b"00",
            b" 1",
            b"+1",
            b"1.0",
            b"18446744073709551616",
            b"99999999999999999999999",
        ] {
            assert_eq!(parse_id(bad).unwrap_err().param, "id");
        }
        let long = [b'9'; 100];
        let e = parse_id(&long).unwrap_err();
        assert!(e.got.len() < 50, "the message quotes at most 40 bytes");
    }

    #[test]
    fn random_machine_ids_cover_the_field() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let l = Layout::new(41, 2, 20).unwrap();
        let mut seen = [false; 4];
        for _ in 0..200 {
            let m = random_machine_id(&l, &mut rng);
            seen[usize::try_from(m).unwrap()] = true;
        }
        assert_eq!(seen, [true; 4]);
        for _ in 0..100 {
            assert!(random_machine_id(&Layout::SONYFLAKE, &mut rng) <= 65_535);
        }
    }

    #[test]
    fn collision_probability_matches_the_birthday_bound() {
        let l = Layout::DEFAULT;
        assert_eq!(machine_id_collision_probability(0, &l), 0.0);
        assert_eq!(machine_id_collision_probability(1, &l), 0.0);
        assert!((machine_id_collision_probability(2, &l) - 1.0 / 1024.0).abs() < 1e-12);
        let p38 = machine_id_collision_probability(38, &l);
        assert!((p38 - 0.500956).abs() < 1e-5, "{p38}");
        // 1024 generators in 1024 slots: certain unless all distinct (tiny).
        assert!(machine_id_collision_probability(1024, &l) > 0.999_999);
        assert_eq!(machine_id_collision_probability(1025, &l), 1.0);
        let wide = Layout::custom(11, 50, 2, 0, 86_400_000, FieldOrder::default()).unwrap();
        let exact = machine_id_collision_probability(1_000_000, &wide);
        let approx = machine_id_collision_probability(1_000_001, &wide);
        assert!(exact > 0.0 && (approx - exact).abs() / exact < 1e-3);
    }
}
