//! Snowflake exports: a layout object and a generator driven by `Date.now()`.
//!
//! The generator is [`Sequencer`]: JavaScript passes the clock reading into
//! every call, so no call leaves wasm to read the time. `next_at` returns the
//! ID as a `u64` (a `bigint`) or [`NO_ID`], and the reason sits in
//! [`RawSnowflake::status`]: a `Result` would cost a tuple per ID.

use super::args;
use super::errors::{arg_error, JsResult};
use super::scratch::with_out_words;
use crate::prelude::*;
use crate::snowflake::{
    machine_id_collision_probability, ClockPolicy, FieldOrder, GenerateError, Layout, Sequencer,
    DEFAULT_MAX_BACKWARDS_MS,
};
use crate::ArgError;
use rand_core::SeedableRng;
use wasm_bindgen::prelude::*;

/// Returned by [`RawSnowflake::next_at`] when no ID was issued. IDs are below
/// 2^63, so this value is never an ID.
pub const NO_ID: u64 = u64::MAX;

/// A validated layout.
#[wasm_bindgen]
pub struct RawLayout {
    layout: Layout,
}

#[wasm_bindgen]
impl RawLayout {
    /// A preset by name (`"default"`, `"twitter"`, …), with an optional epoch override.
    pub fn preset(name: &str, epoch: Option<f64>) -> JsResult<RawLayout> {
        let layout = Layout::preset(name.as_bytes()).map_err(arg_error)?;
        with_epoch(layout, epoch)
    }

    /// A custom layout. `sequence_first` puts the sequence above the machine
    /// field (Sonyflake's order).
    pub fn custom(
        timestamp_bits: f64,
        machine_bits: f64,
        sequence_bits: f64,
        epoch: Option<f64>,
        time_unit: Option<f64>,
        sequence_first: bool,
    ) -> JsResult<RawLayout> {
        let bits = |param, v| args::int(param, v, 1, 53).map(|b| b as u8);
        let build = || -> Result<Layout, ArgError> {
            let t = args::int("timestampBits", timestamp_bits, 1, 61)? as u8;
            // Machine and sequence values must be exact JavaScript numbers.
            let m = bits("machineBits", machine_bits)?;
            let s = bits("sequenceBits", sequence_bits)?;
            let order = if sequence_first {
                FieldOrder::SequenceThenMachine
            } else {
                FieldOrder::MachineThenSequence
            };
            let unit = match time_unit {
                Some(u) => args::int("timeUnit", u, 1, 86_400_000)?,
                None => 1,
            };
            let epoch = match epoch {
                Some(e) => args::unix_ms("epoch", e)?,
                None => Layout::DEFAULT.epoch(),
            };
            Layout::custom(t, m, s, epoch, unit, order)
        };
        build()
            .map(|layout| RawLayout { layout })
            .map_err(arg_error)
    }

    /// The layout's numbers, named by [`DESCRIBED`] in the same order. One
    /// export for all of them, as the facade reads them together.
    pub fn describe(&self) -> Box<[f64]> {
        let l = &self.layout;
        let numbers: [f64; DESCRIBED.len()] = [
            f64::from(l.timestamp_bits()),
            f64::from(l.machine_bits()),
            f64::from(l.sequence_bits()),
            l.epoch() as f64,
            l.time_unit() as f64,
            f64::from(u8::from(l.order() == FieldOrder::SequenceThenMachine)),
            l.end_ms() as f64,
            // Exact: machine fields have at most 53 bits here.
            l.max_machine_id() as f64,
            l.ids_per_second_limit() as f64,
        ];
        Box::new(numbers)
    }
    /// Names of the machine sub-fields, high to low ("" when there are none).
    #[wasm_bindgen(getter)]
    pub fn field_names(&self) -> String {
        let fields = self.layout.machine_fields();
        fields.iter().map(|f| f.name).collect::<Vec<_>>().join(",")
    }

    /// `[timestamp, machine, sequence, …sub-fields]` of `id`.
    pub fn decode(&self, id: u64) -> JsResult<Box<[f64]>> {
        let parts = self.layout.decode(id).map_err(arg_error)?;
        let mut out = vec![
            parts.timestamp as f64,
            parts.machine as f64,
            parts.sequence as f64,
        ];
        out.extend(
            self.layout
                .machine_fields()
                .iter()
                .map(|f| f.get(parts.machine) as f64),
        );
        Ok(out.into_boxed_slice())
    }

    /// The ID with these parts; the timestamp is rounded down to its tick.
    pub fn compose(&self, timestamp: f64, machine: f64, sequence: f64) -> JsResult<u64> {
        let parts = crate::snowflake::Parts {
            timestamp: args::unix_ms("timestamp", timestamp).map_err(arg_error)?,
            machine: args::int("machineId", machine, 0, self.layout.max_machine_id())
                .map_err(arg_error)?,
            sequence: args::int("sequence", sequence, 0, self.layout.max_sequence())
                .map_err(arg_error)?,
        };
        self.layout.compose(&parts).map_err(arg_error)
    }

    /// The machine value made of the preset's sub-field values, high to low.
    pub fn machine_from_fields(&self, values: &[f64]) -> JsResult<f64> {
        let ints: Vec<u64> = values
            .iter()
            .map(|&v| args::int("machineId", v, 0, self.layout.max_machine_id()))
            .collect::<Result<_, _>>()
            .map_err(arg_error)?;
        let m = self.layout.machine_from_fields(&ints).map_err(arg_error)?;
        Ok(m as f64)
    }

    /// The smallest ID whose timestamp is `timestamp` (Unix ms).
    pub fn id_at(&self, timestamp: f64) -> JsResult<u64> {
        let t = args::unix_ms("date", timestamp).map_err(arg_error)?;
        self.layout.id_at(t).map_err(arg_error)
    }

    /// A machine ID drawn uniformly by a PCG seeded with `seed` (64 random bits
    /// from `crypto.getRandomValues`).
    pub fn random_machine_id(&self, seed: u64) -> f64 {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        crate::snowflake::random_machine_id(&self.layout, &mut rng) as f64
    }

    /// Chance that two of `generators` random machine IDs collide.
    pub fn collision_probability(&self, generators: f64) -> JsResult<f64> {
        let n = args::int("generators", generators, 0, 1 << 53).map_err(arg_error)?;
        Ok(machine_id_collision_probability(n, &self.layout))
    }
}

/// The names of [`RawLayout::describe`]'s numbers, in order: the field
/// widths, the epoch (Unix ms), ms per tick, 1 if the sequence sits above the
/// machine field (else 0), the last timestamp the layout can hold (Unix ms),
/// the largest machine ID and the most IDs one generator can issue per second.
pub const DESCRIBED: [&str; 9] = [
    "timestampBits",
    "machineBits",
    "sequenceBits",
    "epoch",
    "timeUnit",
    "sequenceFirst",
    "endMs",
    "maxMachineId",
    "idsPerSecond",
];

fn with_epoch(layout: Layout, epoch: Option<f64>) -> JsResult<RawLayout> {
    let layout = match epoch {
        Some(e) => args::unix_ms("epoch", e)
            .and_then(|e| layout.with_epoch(e))
            .map_err(arg_error)?,
        None => layout,
    };
    Ok(RawLayout { layout })
}

/// What the last call that issued nothing ran into, by the code
/// [`RawSnowflake::status`] returns: nothing yet, [`GenerateError::WouldBlock`],
/// [`GenerateError::ClockBackwards`], [`GenerateError::TimestampExhausted`].
/// The facade words the two failures' messages from [`RawSnowflake::error_ms`].
pub const STATUSES: [&str; 4] = ["none", "wouldBlock", "clockBackwards", "timestampExhausted"];

/// A generator: [`Sequencer`] plus the reason the last call failed.
#[wasm_bindgen]
pub struct RawSnowflake {
    seq: Sequencer,
    error: Option<GenerateError>,
}

#[wasm_bindgen]
impl RawSnowflake {
    /// A generator for `machine_id` on `layout`, with the clock reading `now_ms`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        layout: &RawLayout,
        machine_id: f64,
        now_ms: f64,
        policy: &str,
        max_backwards_ms: Option<f64>,
    ) -> JsResult<RawSnowflake> {
        let build = || -> Result<Sequencer, ArgError> {
            let l = &layout.layout;
            let machine = args::int("machineId", machine_id, 0, l.max_machine_id())?;
            let now = args::unix_ms("clock()", now_ms)?;
            let policy = ClockPolicy::parse(policy.as_bytes())?;
            let max_back = match max_backwards_ms {
                Some(v) => args::int("maxBackwardsMs", v, 0, 86_400_000)?,
                None => DEFAULT_MAX_BACKWARDS_MS,
            };
            Ok(Sequencer::new(l, machine, now)?
                .on_clock_backwards(policy)
                .max_backwards_ms(max_back))
        };
        let seq = build().map_err(arg_error)?;
        Ok(RawSnowflake { seq, error: None })
    }

    /// The next ID for the clock reading `now_ms`, or [`NO_ID`] (see `status`).
    pub fn next_at(&mut self, now_ms: f64) -> u64 {
        // A reading that is not a valid time is treated as the epoch's
        // start, i.e. a clock far behind: the policy decides what happens.
        let now = if now_ms >= 0.0 { now_ms as u64 } else { 0 };
        match self.seq.try_next_at(now) {
            Ok(id) => id,
            Err(e) => {
                self.error = Some(e);
                NO_ID
            }
        }
    }

    /// Issues up to `max` IDs for the clock reading `now_ms` into the output
    /// buffer (as `u64`s) and returns how many; 0 means see `status`.
    pub fn fill_at(&mut self, now_ms: f64, max: usize) -> JsResult<usize> {
        let now = if now_ms >= 0.0 { now_ms as u64 } else { 0 };
        with_out_words(max, |out| match self.seq.try_fill_at(now, out) {
            Ok(n) => n,
            Err(e) => {
                self.error = Some(e);
                0
            }
        })
    }

    /// What the last call that issued nothing ran into: its index in
    /// [`STATUSES`] (0 before any).
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u8 {
        match self.error {
            None => 0,
            Some(GenerateError::WouldBlock { .. }) => 1,
            Some(GenerateError::ClockBackwards { .. }) => 2,
            Some(GenerateError::TimestampExhausted { .. }) => 3,
        }
    }

    /// The number that goes with [`status`](Self::status): how long until
    /// an ID can be issued, how far the clock is behind, or the layout's last
    /// timestamp (Unix ms); 0 before any.
    #[wasm_bindgen(getter)]
    pub fn error_ms(&self) -> f64 {
        match self.error {
            None => 0.0,
            Some(GenerateError::WouldBlock { retry_after_ms: ms })
            | Some(GenerateError::ClockBackwards { behind_ms: ms })
            | Some(GenerateError::TimestampExhausted { end_ms: ms }) => ms as f64,
        }
    }
}
