//! The ID generator: a clock-free state machine ([`Sequencer`]) and a
//! wrapper that owns an injected [`Clock`] and blocks ([`Generator`]).

use crate::prelude::*;
use core::fmt;

use super::layout::Layout;
use crate::{text, ArgError};

/// A source of Unix time in milliseconds, injected into a [`Generator`].
///
/// Any `FnMut() -> u64` closure is a clock. The core never reads a system
/// clock itself: the JavaScript binding passes one built on `Date.now()`,
/// tests pass fake clocks that stall, jump and step back.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::Clock;
/// let mut t = 1_700_000_000_000u64;
/// let mut clock = move || { t += 1; t };
/// assert_eq!(clock.now_ms(), 1_700_000_000_001);
/// ```
pub trait Clock {
    /// The current Unix time in ms. It may stall, jump or go backwards; the
    /// generator stays correct whatever it returns.
    fn now_ms(&mut self) -> u64;
}

impl<F: FnMut() -> u64> Clock for F {
    fn now_ms(&mut self) -> u64 {
        self()
    }
}

/// What a generator does when the clock reads earlier than its last ID.
///
/// `max_backwards_ms` (default [`DEFAULT_MAX_BACKWARDS_MS`]) bounds how far
/// behind the clock may be for the generator to wait instead of failing.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::ClockPolicy;
/// assert_eq!(ClockPolicy::default(), ClockPolicy::Logical);
/// assert_eq!(ClockPolicy::parse(b"wait").unwrap(), ClockPolicy::Wait);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClockPolicy {
    /// Issue nothing until the clock is back at the last ID's tick: `try_next`
    /// reports `WouldBlock`, `next` spins. If the clock is more than
    /// `max_backwards_ms` behind, fail with [`GenerateError::ClockBackwards`].
    Wait,
    /// Fail at once with [`GenerateError::ClockBackwards`] (Twitter's refusal).
    Error,
    /// Keep issuing from the last ID's tick while its sequence lasts
    /// (Sonyflake style), then wait for the clock to pass that tick, or fail
    /// if it is more than `max_backwards_ms` behind. The default: see the
    /// module docs.
    #[default]
    Logical,
}

impl ClockPolicy {
    /// Parses the JavaScript spelling: `"wait"`, `"error"` or `"logical"`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::ClockPolicy;
    /// assert_eq!(ClockPolicy::parse(b"error").unwrap(), ClockPolicy::Error);
    /// assert_eq!(ClockPolicy::parse(b"skip").unwrap_err().param, "onClockBackwards");
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`onClockBackwards`) for any other value.
    pub fn parse(name: &[u8]) -> Result<ClockPolicy, ArgError> {
        match name {
            b"wait" => Ok(ClockPolicy::Wait),
            b"error" => Ok(ClockPolicy::Error),
            b"logical" => Ok(ClockPolicy::Logical),
            _ => Err(ArgError::range(
                "onClockBackwards",
                "one of \"wait\", \"error\", \"logical\"",
                crate::error::quoted(name),
            )),
        }
    }

    /// The JavaScript spelling of this policy.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::ClockPolicy::Wait.name(), "wait");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ClockPolicy::Wait => "wait",
            ClockPolicy::Error => "error",
            ClockPolicy::Logical => "logical",
        }
    }
}

/// Default bound on how far behind the clock may be for the generator to
/// wait rather than fail: 1000 ms, which covers NTP step corrections and a
/// repeated leap second.
pub const DEFAULT_MAX_BACKWARDS_MS: u64 = 1000;

/// Why no ID was issued.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::GenerateError;
/// let e = GenerateError::WouldBlock { retry_after_ms: 1 };
/// assert_eq!(e.to_string(), "no ID is available for 1 ms");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GenerateError {
    /// Only from the non-blocking calls: the sequence of the current tick is
    /// used up, or the clock is behind and the policy waits. Try again once
    /// the clock has advanced by `retry_after_ms` (at least 1).
    WouldBlock {
        /// How long until an ID can be issued, by the clock that was read.
        retry_after_ms: u64,
    },
    /// The clock reads `behind_ms` earlier than the last ID's tick and the
    /// policy refuses (`Error`), or the gap exceeds `max_backwards_ms`.
    /// Nothing was issued; later calls succeed once the clock recovers.
    ClockBackwards {
        /// How far the clock is behind the start of the last ID's tick.
        behind_ms: u64,
    },
    /// The clock is past the layout's last tick, or that tick's sequence is
    /// used up: this layout and epoch can issue no more IDs.
    TimestampExhausted {
        /// The last timestamp the layout can hold (Unix ms).
        end_ms: u64,
    },
}

impl GenerateError {
    /// The message that `Display` writes, built without `core::fmt` (see
    /// `text!`).
    pub(crate) fn message(&self) -> String {
        match *self {
            GenerateError::WouldBlock { retry_after_ms } => {
                text!("no ID is available for ", retry_after_ms, " ms")
            }
            GenerateError::ClockBackwards { behind_ms } => text!(
                "the clock moved backwards by ",
                behind_ms,
                " ms; no ID was issued"
            ),
            GenerateError::TimestampExhausted { end_ms } => text!(
                "the timestamp field is exhausted: the layout ends at ",
                end_ms,
                " ms; choose a later epoch or a wider layout"
            ),
        }
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for GenerateError {}

/// The generator's state machine, without a clock: each call takes the
/// current Unix time in ms.
///
/// This is what a binding drives when it already holds the time (JavaScript
/// passes `Date.now()` in, saving a call back out of WebAssembly).
/// [`Generator`] wraps it with a [`Clock`] and blocking calls.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{GenerateError, Layout, Sequencer};
/// let t = 1_700_000_000_000;
/// let mut s = Sequencer::new(&Layout::DEFAULT, 7, t).unwrap();
/// let a = s.try_next_at(t).unwrap();
/// let b = s.try_next_at(t).unwrap();
/// assert!(b > a);
/// let mut out = [0u64; 5000];
/// assert_eq!(s.try_fill_at(t, &mut out), Ok(4094)); // the rest of this ms
/// assert_eq!(s.try_next_at(t), Err(GenerateError::WouldBlock { retry_after_ms: 1 }));
/// ```
#[derive(Debug, Clone)]
pub struct Sequencer {
    layout: Layout,
    machine_id: u64,
    policy: ClockPolicy,
    max_backwards_ms: u64,
    /// Tick of the last ID (or of construction, before the first ID).
    last_tick: u64,
    /// The next sequence number to issue at `last_tick`; `max_seq + 1` when used up.
    next_seq: u64,
    // Cached from the layout for the hot path.
    epoch: u64,
    unit: u64,
    max_tick: u64,
    max_seq: u64,
    ts_shift: u32,
    seq_shift: u32,
    machine_part: u64,
}

impl Sequencer {
    /// A generator state for `machine_id`, starting at the clock reading `now_ms`.
    ///
    /// The default policy is [`ClockPolicy::Logical`] with
    /// [`DEFAULT_MAX_BACKWARDS_MS`].
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Sequencer};
    /// assert!(Sequencer::new(&Layout::DEFAULT, 1023, 1_700_000_000_000).is_ok());
    /// let e = Sequencer::new(&Layout::DEFAULT, 1024, 1_700_000_000_000).unwrap_err();
    /// assert_eq!(e.to_string(), "machineId must be an integer in 0..=1023, got 1024");
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] if `machine_id` does not fit the machine field
    /// (`machineId`), if the epoch is after `now_ms` (`epoch`), if the
    /// layout's timestamp field has already run out at `now_ms` (`epoch`), or
    /// if the layout is invalid.
    pub fn new(layout: &Layout, machine_id: u64, now_ms: u64) -> Result<Sequencer, ArgError> {
        layout.validate()?;
        if machine_id > layout.max_machine_id() {
            return Err(ArgError::range(
                "machineId",
                text!("an integer in 0..=", layout.max_machine_id()),
                machine_id,
            ));
        }
        if now_ms < layout.epoch() {
            return Err(ArgError::range(
                "epoch",
                text!("at most the current time (", now_ms, " ms)"),
                layout.epoch(),
            ));
        }
        let tick = (now_ms - layout.epoch()) / layout.time_unit();
        if tick > layout.max_tick() {
            return Err(ArgError::range(
                "epoch",
                text!(
                    "recent enough that the layout's timestamp field has not run out \
                     (it ended at ",
                    layout.end_ms(),
                    " ms, the time is ",
                    now_ms,
                    " ms)"
                ),
                layout.epoch(),
            ));
        }
        Ok(Sequencer {
            layout: *layout,
            machine_id,
            policy: ClockPolicy::default(),
            max_backwards_ms: DEFAULT_MAX_BACKWARDS_MS,
            last_tick: tick,
            next_seq: 0,
            epoch: layout.epoch(),
            unit: layout.time_unit(),
            max_tick: layout.max_tick(),
            max_seq: layout.max_sequence(),
            ts_shift: layout.timestamp_shift(),
            seq_shift: layout.sequence_shift(),
            machine_part: machine_id << layout.machine_shift(),
        })
    }

    /// Sets the backwards-clock policy.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{ClockPolicy, GenerateError, Layout, Sequencer};
    /// let t = 1_700_000_000_000;
    /// let mut s = Sequencer::new(&Layout::DEFAULT, 0, t).unwrap().on_clock_backwards(ClockPolicy::Error);
    /// s.try_next_at(t).unwrap();
    /// assert_eq!(s.try_next_at(t - 5), Err(GenerateError::ClockBackwards { behind_ms: 5 }));
    /// ```
    pub fn on_clock_backwards(mut self, policy: ClockPolicy) -> Sequencer {
        self.policy = policy;
        self
    }

    /// Sets how far behind (ms) the clock may be for the `Wait` and
    /// `Logical` policies to wait instead of failing.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{ClockPolicy, GenerateError, Layout, Sequencer};
    /// let t = 1_700_000_000_000;
    /// let mut s = Sequencer::new(&Layout::DEFAULT, 0, t).unwrap()
    ///     .on_clock_backwards(ClockPolicy::Wait)
    ///     .max_backwards_ms(10);
    /// s.try_next_at(t).unwrap();
    /// assert_eq!(s.try_next_at(t - 10), Err(GenerateError::WouldBlock { retry_after_ms: 10 }));
    /// assert_eq!(s.try_next_at(t - 11), Err(GenerateError::ClockBackwards { behind_ms: 11 }));
    /// ```
    pub fn max_backwards_ms(mut self, ms: u64) -> Sequencer {
        self.max_backwards_ms = ms;
        self
    }

    /// The layout IDs are issued in.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Sequencer};
    /// let s = Sequencer::new(&Layout::TWITTER, 0, 1_700_000_000_000).unwrap();
    /// assert_eq!(*s.layout(), Layout::TWITTER);
    /// ```
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The machine ID stamped into every ID.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Sequencer};
    /// let s = Sequencer::new(&Layout::DEFAULT, 42, 1_700_000_000_000).unwrap();
    /// assert_eq!(s.machine_id(), 42);
    /// ```
    pub fn machine_id(&self) -> u64 {
        self.machine_id
    }

    /// The backwards-clock policy in force.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{ClockPolicy, Layout, Sequencer};
    /// let s = Sequencer::new(&Layout::DEFAULT, 0, 1_700_000_000_000).unwrap();
    /// assert_eq!(s.policy(), ClockPolicy::Logical);
    /// ```
    pub fn policy(&self) -> ClockPolicy {
        self.policy
    }

    #[inline]
    fn id(&self, tick: u64, seq: u64) -> u64 {
        (tick << self.ts_shift) | self.machine_part | (seq << self.seq_shift)
    }

    #[inline]
    fn tick_start(&self, tick: u64) -> u64 {
        // tick <= max_tick + 1, and validation keeps epoch + 2^bits × unit <= 2^53.
        self.epoch.saturating_add(tick.saturating_mul(self.unit))
    }

    /// Issues the next sequence number at `last_tick`, or reports how long
    /// until the next tick. `now_ms` is below the start of `last_tick + 1`.
    #[inline]
    fn continue_tick(&mut self, now_ms: u64) -> Result<u64, GenerateError> {
        if self.next_seq <= self.max_seq {
            let id = self.id(self.last_tick, self.next_seq);
            self.next_seq += 1;
            return Ok(id);
        }
        if self.last_tick >= self.max_tick {
            return Err(GenerateError::TimestampExhausted {
                end_ms: self.layout.end_ms(),
            });
        }
        Err(GenerateError::WouldBlock {
            retry_after_ms: self
                .tick_start(self.last_tick + 1)
                .saturating_sub(now_ms)
                .max(1),
        })
    }

    /// Issues one ID for the clock reading `now_ms`, or says why not.
    ///
    /// IDs are strictly increasing across all calls, whatever the readings.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Sequencer};
    /// let t = 1_700_000_000_000;
    /// let mut s = Sequencer::new(&Layout::DEFAULT, 3, t).unwrap();
    /// let id = s.try_next_at(t).unwrap();
    /// let p = Layout::DEFAULT.decode(id).unwrap();
    /// assert_eq!((p.timestamp, p.machine, p.sequence), (t, 3, 0));
    /// ```
    ///
    /// # Errors
    /// [`GenerateError::WouldBlock`] when the tick's sequence is used up or
    /// the policy waits for a backwards clock; [`GenerateError::ClockBackwards`]
    /// when the policy refuses; [`GenerateError::TimestampExhausted`] past the
    /// layout's end. The state is unchanged on error.
    #[inline]
    pub fn try_next_at(&mut self, now_ms: u64) -> Result<u64, GenerateError> {
        match now_ms.checked_sub(self.epoch).map(|d| d / self.unit) {
            Some(tick) if tick > self.last_tick => {
                if tick > self.max_tick {
                    return Err(GenerateError::TimestampExhausted {
                        end_ms: self.layout.end_ms(),
                    });
                }
                self.last_tick = tick;
                self.next_seq = 1;
                Ok(self.id(tick, 0))
            }
            Some(tick) if tick == self.last_tick => self.continue_tick(now_ms),
            _ => self.behind(now_ms),
        }
    }

    /// The clock reads before the start of `last_tick`.
    #[cold]
    fn behind(&mut self, now_ms: u64) -> Result<u64, GenerateError> {
        let behind_ms = self.tick_start(self.last_tick).saturating_sub(now_ms);
        match self.policy {
            ClockPolicy::Error => Err(GenerateError::ClockBackwards { behind_ms }),
            ClockPolicy::Wait if behind_ms <= self.max_backwards_ms => {
                Err(GenerateError::WouldBlock {
                    retry_after_ms: behind_ms.max(1),
                })
            }
            ClockPolicy::Wait => Err(GenerateError::ClockBackwards { behind_ms }),
            ClockPolicy::Logical => {
                if self.next_seq > self.max_seq && behind_ms > self.max_backwards_ms {
                    return Err(GenerateError::ClockBackwards { behind_ms });
                }
                self.continue_tick(now_ms)
            }
        }
    }

    /// Issues as many IDs as the clock reading `now_ms` allows, up to
    /// `out.len()`, into `out[..n]`, and returns `n`.
    ///
    /// One reading yields at most the rest of the current tick's sequence,
    /// written in one tight loop: callers read the clock once per tick, not
    /// once per ID. `Ok(0)` only for an empty `out`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Sequencer};
    /// let t = 1_700_000_000_000;
    /// let mut s = Sequencer::new(&Layout::INSTAGRAM, 9, t).unwrap();
    /// let mut out = vec![0u64; 3000];
    /// assert_eq!(s.try_fill_at(t, &mut out), Ok(1024));
    /// assert_eq!(s.try_fill_at(t + 1, &mut out[1024..]), Ok(1024));
    /// assert!(out[..2048].windows(2).all(|w| w[0] < w[1]));
    /// ```
    ///
    /// # Errors
    /// As [`Sequencer::try_next_at`], when not even one ID can be issued.
    pub fn try_fill_at(&mut self, now_ms: u64, out: &mut [u64]) -> Result<usize, GenerateError> {
        let Some((first, rest)) = out.split_first_mut() else {
            return Ok(0);
        };
        *first = self.try_next_at(now_ms)?;
        // The first ID was issued at `last_tick` for this reading, so the rest
        // of that tick's sequence is issuable for the same reading.
        let available = self.max_seq + 1 - self.next_seq;
        let n = usize::try_from(available).map_or(rest.len(), |a| a.min(rest.len()));
        let base = self.id(self.last_tick, 0);
        let (seq0, shift) = (self.next_seq, self.seq_shift);
        for (seq, slot) in (seq0..).zip(rest[..n].iter_mut()) {
            *slot = base | (seq << shift);
        }
        self.next_seq += n as u64;
        Ok(n + 1)
    }
}

/// A Snowflake ID generator with an injected clock.
///
/// `next` and `fill` block by re-reading the clock until it advances (the
/// core owns no timer, so waiting is a spin on the injected clock);
/// `try_next` and `try_fill` never block. Every reading goes through the
/// policy, so a clock that keeps falling back fails with
/// [`GenerateError::ClockBackwards`] once it is more than `max_backwards_ms`
/// behind, under every policy. A clock that never advances makes the blocking
/// calls spin forever: use the `try_` calls with such a clock. (The
/// JavaScript facade also bounds a wait by the platform's monotonic clock.)
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{Generator, Layout};
/// let mut t = 1_700_000_000_000u64;
/// let clock = move || { t += 1; t }; // a fake clock: 1 ms per reading
/// let mut g = Generator::new(&Layout::DEFAULT, 1, clock).unwrap();
/// let a = g.next().unwrap();
/// let mut batch = [0u64; 10_000];
/// g.fill(&mut batch).unwrap();
/// assert!(a < batch[0] && batch.windows(2).all(|w| w[0] < w[1]));
/// ```
#[derive(Clone)]
pub struct Generator<C: Clock> {
    state: Sequencer,
    clock: C,
}

// Clocks are usually closures, which have no `Debug`: show the state only.
impl<C: Clock> fmt::Debug for Generator<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<C: Clock> Generator<C> {
    /// A generator for `machine_id`; reads the clock once to validate the epoch.
    ///
    /// Policy [`ClockPolicy::Logical`], bound [`DEFAULT_MAX_BACKWARDS_MS`].
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let e = Generator::new(&Layout::DEFAULT, 1, || 1_600_000_000_000).unwrap_err();
    /// assert_eq!(e.param, "epoch"); // 2021-01-01 is after this clock's 2020-09-13
    /// ```
    ///
    /// # Errors
    /// As [`Sequencer::new`].
    pub fn new(layout: &Layout, machine_id: u64, mut clock: C) -> Result<Generator<C>, ArgError> {
        let now = clock.now_ms();
        Ok(Generator {
            state: Sequencer::new(layout, machine_id, now)?,
            clock,
        })
    }

    /// Sets the backwards-clock policy.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{ClockPolicy, Generator, Layout};
    /// let g = Generator::new(&Layout::DEFAULT, 1, || 1_700_000_000_000).unwrap()
    ///     .on_clock_backwards(ClockPolicy::Wait);
    /// assert_eq!(g.sequencer().policy(), ClockPolicy::Wait);
    /// ```
    pub fn on_clock_backwards(mut self, policy: ClockPolicy) -> Generator<C> {
        self.state = self.state.on_clock_backwards(policy);
        self
    }

    /// Sets how far behind (ms) the clock may be for the generator to wait
    /// instead of failing.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let g = Generator::new(&Layout::DEFAULT, 1, || 1_700_000_000_000).unwrap()
    ///     .max_backwards_ms(50);
    /// assert_eq!(g.sequencer().machine_id(), 1);
    /// ```
    pub fn max_backwards_ms(mut self, ms: u64) -> Generator<C> {
        self.state = self.state.max_backwards_ms(ms);
        self
    }

    /// The clock-free state inside.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let g = Generator::new(&Layout::TWITTER, 5, || 1_700_000_000_000).unwrap();
    /// assert_eq!(*g.sequencer().layout(), Layout::TWITTER);
    /// ```
    pub fn sequencer(&self) -> &Sequencer {
        &self.state
    }

    /// The injected clock (tests use it to move a fake clock).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Clock, Generator, Layout};
    /// let mut g = Generator::new(&Layout::DEFAULT, 1, || 1_700_000_000_000).unwrap();
    /// assert_eq!(g.clock_mut().now_ms(), 1_700_000_000_000);
    /// ```
    pub fn clock_mut(&mut self) -> &mut C {
        &mut self.clock
    }

    /// Issues the next ID, spinning on the clock while none is available.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let mut t = 1_700_000_000_000u64;
    /// let mut g = Generator::new(&Layout::DEFAULT, 1, move || { t += 1; t }).unwrap();
    /// assert!(g.next().unwrap() < g.next().unwrap());
    /// ```
    ///
    /// # Errors
    /// [`GenerateError::ClockBackwards`] or
    /// [`GenerateError::TimestampExhausted`]; never `WouldBlock`.
    // `next` is the name of the JavaScript API; an `Iterator` would hide
    // both the blocking and the errors.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<u64, GenerateError> {
        loop {
            match self.state.try_next_at(self.clock.now_ms()) {
                Err(GenerateError::WouldBlock { .. }) => core::hint::spin_loop(),
                r => return r,
            }
        }
    }

    /// Issues the next ID if one is available now.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{GenerateError, Generator, Layout};
    /// let mut g = Generator::new(&Layout::INSTAGRAM, 1, || 1_700_000_000_000).unwrap();
    /// for _ in 0..1024 { g.try_next().unwrap(); }
    /// assert_eq!(g.try_next(), Err(GenerateError::WouldBlock { retry_after_ms: 1 }));
    /// ```
    ///
    /// # Errors
    /// As [`Sequencer::try_next_at`].
    pub fn try_next(&mut self) -> Result<u64, GenerateError> {
        self.state.try_next_at(self.clock.now_ms())
    }

    /// Fills `out` with fresh IDs, in increasing order, spinning on the clock
    /// when a tick's sequence is used up. Reads the clock once per tick.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let mut t = 1_700_000_000_000u64;
    /// let mut g = Generator::new(&Layout::DEFAULT, 1, move || { t += 1; t }).unwrap();
    /// let mut out = vec![0u64; 100_000];
    /// g.fill(&mut out).unwrap();
    /// assert!(out.windows(2).all(|w| w[0] < w[1]));
    /// ```
    ///
    /// # Errors
    /// As [`Generator::next`]. On error a prefix of `out` may already hold
    /// issued IDs; they are valid and never issued again.
    pub fn fill(&mut self, out: &mut [u64]) -> Result<(), GenerateError> {
        let mut done = 0;
        while done < out.len() {
            match self
                .state
                .try_fill_at(self.clock.now_ms(), &mut out[done..])
            {
                Ok(n) => done += n,
                Err(GenerateError::WouldBlock { .. }) => core::hint::spin_loop(),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Fills a prefix of `out` with the IDs available at one clock reading
    /// and returns its length.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Generator, Layout};
    /// let mut g = Generator::new(&Layout::DEFAULT, 1, || 1_700_000_000_000).unwrap();
    /// let mut out = [0u64; 5000];
    /// assert_eq!(g.try_fill(&mut out), Ok(4096));
    /// ```
    ///
    /// # Errors
    /// As [`Sequencer::try_fill_at`].
    pub fn try_fill(&mut self, out: &mut [u64]) -> Result<usize, GenerateError> {
        self.state.try_fill_at(self.clock.now_ms(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_700_000_000_000;

    #[test]
    fn construction_validates_machine_and_epoch() {
        let l = Layout::DEFAULT;
        assert_eq!(Sequencer::new(&l, 1024, T).unwrap_err().param, "machineId");
        let e = Sequencer::new(&l, 0, l.epoch() - 1).unwrap_err();
        assert_eq!(e.param, "epoch");
        assert!(e.to_string().contains("at most the current time"));
        assert!(Sequencer::new(&l, 0, l.epoch()).is_ok());
        let e = Sequencer::new(&l, 0, l.end_ms() + 1).unwrap_err();
        assert_eq!(e.param, "epoch");
        assert!(Sequencer::new(&l, 0, l.end_ms()).is_ok());
    }

    #[test]
    fn overflow_waits_for_the_next_tick() {
        let mut s = Sequencer::new(&Layout::SONYFLAKE, 1, T).unwrap();
        for _ in 0..256 {
            s.try_next_at(T).unwrap();
        }
        // Sonyflake ticks are 10 ms: the next one starts at the next multiple.
        let next_tick_start =
            Layout::SONYFLAKE.epoch() + ((T - Layout::SONYFLAKE.epoch()) / 10 + 1) * 10;
        assert_eq!(
            s.try_next_at(T),
            Err(GenerateError::WouldBlock {
                retry_after_ms: next_tick_start - T
            })
        );
        assert!(s.try_next_at(next_tick_start).is_ok());
    }

    #[test]
    fn exhaustion_at_the_end_of_the_layout() {
        let l = Layout::INSTAGRAM;
        let end = l.end_ms();
        let mut s = Sequencer::new(&l, 0, end).unwrap();
        let mut out = vec![0; 1024];
        assert_eq!(s.try_fill_at(end, &mut out), Ok(1024));
        assert_eq!(*out.last().unwrap(), l.compose_raw(l.max_tick(), 0, 1023));
        let ex = GenerateError::TimestampExhausted { end_ms: end };
        assert_eq!(s.try_next_at(end), Err(ex));
        assert_eq!(s.try_next_at(end + 1), Err(ex));
        assert_eq!(s.try_next_at(u64::MAX), Err(ex));
        assert!(ex.to_string().contains("exhausted"));
    }

    #[test]
    fn a_far_future_reading_does_not_poison_the_state() {
        let mut s = Sequencer::new(&Layout::DEFAULT, 0, T).unwrap();
        let a = s.try_next_at(T).unwrap();
        assert!(matches!(
            s.try_next_at(u64::MAX),
            Err(GenerateError::TimestampExhausted { .. })
        ));
        assert!(s.try_next_at(T).unwrap() > a);
    }

    #[test]
    fn policies_when_the_clock_is_behind() {
        let base = || Sequencer::new(&Layout::DEFAULT, 0, T).unwrap();
        // Error refuses even 1 ms.
        let mut e = base().on_clock_backwards(ClockPolicy::Error);
        e.try_next_at(T).unwrap();
        assert_eq!(
            e.try_next_at(T - 1),
            Err(GenerateError::ClockBackwards { behind_ms: 1 })
        );
        // Logical keeps the last tick while its sequence lasts.
        let mut l = base();
        let first = l.try_next_at(T).unwrap();
        let second = l.try_next_at(T - 10_000).unwrap();
        assert_eq!(second, first + 1);
        // ...then waits if within the bound, else fails.
        let mut out = vec![0; 4094];
        assert_eq!(l.try_fill_at(T - 500, &mut out), Ok(4094));
        assert_eq!(
            l.try_next_at(T - 500),
            Err(GenerateError::WouldBlock {
                retry_after_ms: 501
            })
        );
        assert_eq!(
            l.try_next_at(T - 1001),
            Err(GenerateError::ClockBackwards { behind_ms: 1001 })
        );
        // Readings before the epoch are "behind" too.
        assert_eq!(
            l.try_next_at(0),
            Err(GenerateError::ClockBackwards { behind_ms: T })
        );
        assert!(l.try_next_at(T + 1).unwrap() > out[4093]);
    }

    #[test]
    fn policy_names_round_trip() {
        for p in [ClockPolicy::Wait, ClockPolicy::Error, ClockPolicy::Logical] {
            assert_eq!(ClockPolicy::parse(p.name().as_bytes()), Ok(p));
        }
        let e = ClockPolicy::parse(b"Wait").unwrap_err();
        assert_eq!(
            e.to_string(),
            "onClockBackwards must be one of \"wait\", \"error\", \"logical\", got \"Wait\""
        );
    }

    #[test]
    fn fill_with_empty_output_reads_nothing() {
        let mut s = Sequencer::new(&Layout::DEFAULT, 0, T).unwrap();
        assert_eq!(s.try_fill_at(0, &mut []), Ok(0));
        let mut reads = 0;
        {
            let mut g = Generator::new(&Layout::DEFAULT, 0, || {
                reads += 1;
                T
            })
            .unwrap();
            g.fill(&mut []).unwrap();
        }
        assert_eq!(reads, 1); // only the construction read
    }

    #[test]
    fn fill_reads_the_clock_once_per_tick() {
        let mut reads = 0u64;
        let mut t = T;
        let clock = || {
            reads += 1;
            t += 1;
            t
        };
        let mut out = vec![0; 4096 * 10];
        Generator::new(&Layout::DEFAULT, 0, clock)
            .unwrap()
            .fill(&mut out)
            .unwrap();
        // One read at construction, then one per ms (each yields 4096 IDs).
        assert_eq!(reads, 11);
        assert!(out.windows(2).all(|w| w[0] < w[1]));
    }
}
