//! Bit layouts: field widths, epoch, time unit and field order, with the
//! presets of the well-known generators and the `decode`/`compose` pair.

use crate::{text, ArgError};

/// The largest timestamp (Unix ms) a layout may reach: 2^53 − 1, the largest
/// integer a JavaScript number holds exactly.
pub const MAX_TIMESTAMP_MS: u64 = (1 << 53) - 1;

/// The largest valid ID: 2^63 − 1 (the sign bit of a signed 64-bit integer is
/// always 0, so IDs fit Java `long`, Postgres `bigint` and `i64`).
pub const MAX_ID: u64 = (1 << 63) - 1;

/// The shortest span a timestamp field may cover: one year (365.2425 days) in ms.
const MIN_SPAN_MS: u128 = 31_556_952_000;

/// The longest allowed time unit: one day in ms.
const MAX_UNIT_MS: u64 = 86_400_000;

/// Where the sequence sits relative to the machine field, below the timestamp.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{FieldOrder, Layout};
/// assert_eq!(Layout::TWITTER.order(), FieldOrder::MachineThenSequence);
/// assert_eq!(Layout::SONYFLAKE.order(), FieldOrder::SequenceThenMachine);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FieldOrder {
    /// `[timestamp | machine | sequence]`, high to low (Twitter, Discord,
    /// Instagram and the default layout).
    #[default]
    MachineThenSequence,
    /// `[timestamp | sequence | machine]`, high to low (Sonyflake).
    SequenceThenMachine,
}

/// A named sub-field of the machine field, e.g. Twitter's datacenter and worker.
///
/// `value = (machine >> shift) & (2^bits − 1)`.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::Layout;
/// let worker = Layout::DISCORD.machine_fields()[0];
/// assert_eq!(worker.name, "workerId");
/// assert_eq!(worker.get(0b00001_00000), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MachineField {
    /// The field's public name, spelled as JavaScript spells it (`workerId`).
    pub name: &'static str,
    /// Width in bits.
    pub bits: u8,
    /// Position of the field's lowest bit inside the machine field.
    pub shift: u8,
}

impl MachineField {
    /// Extracts this sub-field from a machine value.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let [dc, worker] = Layout::TWITTER.machine_fields() else { unreachable!() };
    /// assert_eq!((dc.get(0b10101_00011), worker.get(0b10101_00011)), (21, 3));
    /// ```
    pub fn get(&self, machine: u64) -> u64 {
        (machine >> self.shift) & mask(self.bits)
    }
}

/// The parts of an ID: what [`Layout::decode`] returns and [`Layout::compose`] takes.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::{Layout, Parts};
/// let p = Parts { timestamp: 1_700_000_000_000, machine: 5, sequence: 9 };
/// let id = Layout::DEFAULT.compose(&p).unwrap();
/// assert_eq!(Layout::DEFAULT.decode(id).unwrap(), p);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Parts {
    /// Unix time in ms of the start of the ID's tick: `epoch + tick × timeUnit`.
    pub timestamp: u64,
    /// The machine field (split it with [`Layout::machine_fields`]).
    pub machine: u64,
    /// The sequence number within the tick.
    pub sequence: u64,
}

/// A Snowflake bit layout: three field widths summing to 63, an epoch (Unix
/// ms), a time unit (ms per tick) and the order of the two low fields.
///
/// The presets are associated constants; [`Layout::new`] and the `with_*`
/// methods build and validate custom layouts.
///
/// # Examples
/// ```
/// use quorumkit::snowflake::Layout;
/// let l = Layout::DEFAULT;
/// assert_eq!((l.timestamp_bits(), l.machine_bits(), l.sequence_bits()), (41, 10, 12));
/// assert_eq!(l.epoch(), 1_609_459_200_000);
/// assert_eq!(l.ids_per_second_limit(), 4_096_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    timestamp_bits: u8,
    machine_bits: u8,
    sequence_bits: u8,
    epoch: u64,
    unit_ms: u64,
    order: FieldOrder,
    machine_fields: &'static [MachineField],
}

const fn mask(bits: u8) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

const fn preset(
    t: u8,
    m: u8,
    s: u8,
    epoch: u64,
    unit_ms: u64,
    order: FieldOrder,
    machine_fields: &'static [MachineField],
) -> Layout {
    Layout {
        timestamp_bits: t,
        machine_bits: m,
        sequence_bits: s,
        epoch,
        unit_ms,
        order,
        machine_fields,
    }
}

impl Layout {
    /// `[1 sign | 41 ms since 2021-01-01 | 10 machine | 12 sequence]`, epoch
    /// 1609459200000: about 69.7 years of IDs, 1024 machines, 4096 IDs/ms each.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::DEFAULT.max_machine_id(), 1023);
    /// ```
    pub const DEFAULT: Layout = preset(
        41,
        10,
        12,
        1_609_459_200_000,
        1,
        FieldOrder::MachineThenSequence,
        &[],
    );

    /// Twitter: 41 ms bits since 1288834974657 (2010-11-04T01:42:54.657Z),
    /// machine = 5-bit `datacenterId` + 5-bit `workerId`, 12-bit sequence.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let p = Layout::TWITTER.decode(1_050_118_621_198_921_728).unwrap();
    /// assert_eq!(p.timestamp, 1_539_202_764_211); // 2018-10-10T20:19:24.211Z
    /// ```
    pub const TWITTER: Layout = preset(
        41,
        10,
        12,
        1_288_834_974_657,
        1,
        FieldOrder::MachineThenSequence,
        &[
            MachineField {
                name: "datacenterId",
                bits: 5,
                shift: 5,
            },
            MachineField {
                name: "workerId",
                bits: 5,
                shift: 0,
            },
        ],
    );

    /// Discord: ms since 1420070400000 (2015-01-01), machine = 5-bit
    /// `workerId` + 5-bit `processId`, 12-bit increment (the sequence).
    ///
    /// Discord documents a 42-bit timestamp; its top bit is the sign bit
    /// here and stays 0 until 2084, so this 41-bit preset decodes every
    /// Discord ID issued until then identically.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let p = Layout::DISCORD.decode(175_928_847_299_117_063).unwrap();
    /// assert_eq!((p.timestamp, p.machine >> 5, p.machine & 31, p.sequence),
    ///            (1_462_015_105_796, 1, 0, 7));
    /// ```
    pub const DISCORD: Layout = preset(
        41,
        10,
        12,
        1_420_070_400_000,
        1,
        FieldOrder::MachineThenSequence,
        &[
            MachineField {
                name: "workerId",
                bits: 5,
                shift: 5,
            },
            MachineField {
                name: "processId",
                bits: 5,
                shift: 0,
            },
        ],
    );

    /// Sonyflake: 39 bits of 10 ms units since 2014-09-01 (1409529600000),
    /// then an 8-bit sequence, then a 16-bit machine ID (sequence *before*
    /// machine): about 174 years, 65536 machines, 256 IDs per 10 ms each.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::SONYFLAKE.time_unit(), 10);
    /// assert_eq!(Layout::SONYFLAKE.ids_per_second_limit(), 25_600);
    /// ```
    pub const SONYFLAKE: Layout = preset(
        39,
        16,
        8,
        1_409_529_600_000,
        10,
        FieldOrder::SequenceThenMachine,
        &[],
    );

    /// Instagram: ms since 1314220021721 (2011-08-24), 13-bit `shardId`,
    /// 10-bit sequence.
    ///
    /// Instagram's scheme gives the timestamp 41 bits but stores IDs in a
    /// signed Postgres `bigint`, so its top bit must stay 0: this preset
    /// models that with a 40-bit timestamp (valid until 2046), and decodes
    /// every storable Instagram ID exactly.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::INSTAGRAM.machine_fields()[0].name, "shardId");
    /// ```
    pub const INSTAGRAM: Layout = preset(
        40,
        13,
        10,
        1_314_220_021_721,
        1,
        FieldOrder::MachineThenSequence,
        &[MachineField {
            name: "shardId",
            bits: 13,
            shift: 0,
        }],
    );

    /// The presets by name, as the JavaScript API exports them.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert!(Layout::PRESETS.iter().any(|(name, l)| *name == "discord" && *l == Layout::DISCORD));
    /// ```
    pub const PRESETS: [(&'static str, Layout); 5] = [
        ("default", Layout::DEFAULT),
        ("twitter", Layout::TWITTER),
        ("discord", Layout::DISCORD),
        ("sonyflake", Layout::SONYFLAKE),
        ("instagram", Layout::INSTAGRAM),
    ];

    /// Looks a preset up by its name (the UTF-8 bytes of `"twitter"` etc.).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::preset(b"sonyflake").unwrap(), Layout::SONYFLAKE);
    /// assert!(Layout::preset(b"flickr").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`layout`) if no preset has that name.
    pub fn preset(name: &[u8]) -> Result<Layout, ArgError> {
        Layout::PRESETS
            .iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map(|(_, l)| *l)
            .ok_or_else(|| {
                ArgError::range(
                    "layout",
                    "one of \"default\", \"twitter\", \"discord\", \"sonyflake\", \"instagram\"",
                    crate::error::quoted(name),
                )
            })
    }

    /// A custom layout with the default epoch (1609459200000), 1 ms ticks,
    /// `[timestamp | machine | sequence]` order and no named machine sub-fields.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let l = Layout::new(42, 8, 13).unwrap();
    /// assert_eq!(l.max_sequence(), 8191);
    /// assert!(Layout::new(41, 10, 13).is_err()); // sums to 64
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] if a width is 0 or above 61 (`timestampBits`,
    /// `machineBits`, `sequenceBits`), if they do not sum to 63 (`layout`),
    /// or if the timestamp field spans less than a year or ends after
    /// [`MAX_TIMESTAMP_MS`] (`timestampBits`).
    pub fn new(
        timestamp_bits: u8,
        machine_bits: u8,
        sequence_bits: u8,
    ) -> Result<Layout, ArgError> {
        preset(
            timestamp_bits,
            machine_bits,
            sequence_bits,
            Layout::DEFAULT.epoch,
            1,
            FieldOrder::MachineThenSequence,
            &[],
        )
        .validated()
    }

    /// A custom layout with every parameter given: widths, epoch (Unix ms),
    /// time unit (ms per tick) and field order.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{FieldOrder, Layout};
    /// let daily = Layout::custom(20, 20, 23, 0, 86_400_000, FieldOrder::MachineThenSequence).unwrap();
    /// assert_eq!(daily.decode(1 << 43).unwrap().timestamp, 86_400_000);
    /// assert_eq!(Layout::custom(41, 10, 12, 0, 0, FieldOrder::default()).unwrap_err().param, "timeUnit");
    /// ```
    ///
    /// # Errors
    /// As [`Layout::new`], [`Layout::with_epoch`] and [`Layout::with_time_unit`].
    pub fn custom(
        timestamp_bits: u8,
        machine_bits: u8,
        sequence_bits: u8,
        epoch: u64,
        unit_ms: u64,
        order: FieldOrder,
    ) -> Result<Layout, ArgError> {
        preset(
            timestamp_bits,
            machine_bits,
            sequence_bits,
            epoch,
            unit_ms,
            order,
            &[],
        )
        .validated()
    }

    /// This layout with another epoch (Unix ms).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let l = Layout::TWITTER.with_epoch(0).unwrap();
    /// assert_eq!(l.decode(1 << 22).unwrap().timestamp, 1);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`epoch`) if the timestamp field would end after
    /// [`MAX_TIMESTAMP_MS`].
    pub fn with_epoch(self, epoch: u64) -> Result<Layout, ArgError> {
        Layout { epoch, ..self }.validated()
    }

    /// This layout with another time unit (ms per tick).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let l = Layout::DEFAULT.with_time_unit(10).unwrap();
    /// assert_eq!(l.ids_per_second_limit(), 409_600);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`timeUnit`) unless `1 <= unit_ms <= 86400000`, or as
    /// [`Layout::with_epoch`] if the field would end too late.
    pub fn with_time_unit(self, unit_ms: u64) -> Result<Layout, ArgError> {
        Layout { unit_ms, ..self }.validated()
    }

    /// This layout with the given order of the machine and sequence fields.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{FieldOrder, Layout};
    /// let l = Layout::DEFAULT.with_order(FieldOrder::SequenceThenMachine);
    /// assert_eq!(l.compose_raw(0, 1, 0), 1);
    /// ```
    pub fn with_order(self, order: FieldOrder) -> Layout {
        Layout { order, ..self }
    }

    fn validated(self) -> Result<Layout, ArgError> {
        for (param, bits) in [
            ("timestampBits", self.timestamp_bits),
            ("machineBits", self.machine_bits),
            ("sequenceBits", self.sequence_bits),
        ] {
            if !(1..=61).contains(&bits) {
                return Err(ArgError::range(param, "an integer in 1..=61", bits));
            }
        }
        let sum = u32::from(self.timestamp_bits)
            + u32::from(self.machine_bits)
            + u32::from(self.sequence_bits);
        if sum != 63 {
            return Err(ArgError::range(
                "layout",
                "bit widths with timestampBits + machineBits + sequenceBits = 63",
                sum,
            ));
        }
        if !(1..=MAX_UNIT_MS).contains(&self.unit_ms) {
            return Err(ArgError::range(
                "timeUnit",
                "an integer number of ms in 1..=86400000",
                self.unit_ms,
            ));
        }
        let span = (1u128 << self.timestamp_bits) * u128::from(self.unit_ms);
        if span < MIN_SPAN_MS {
            return Err(ArgError::range(
                "timestampBits",
                text!(
                    "large enough that the timestamp field spans a year (2^timestampBits × ",
                    self.unit_ms,
                    " ms)"
                ),
                self.timestamp_bits,
            ));
        }
        let limit = u128::from(MAX_TIMESTAMP_MS) + 1;
        if span > limit {
            return Err(ArgError::range(
                "timestampBits",
                text!(
                    "small enough that the timestamp field spans at most 2^53 ms (2^timestampBits × ",
                    self.unit_ms,
                    " ms)"
                ),
                self.timestamp_bits,
            ));
        }
        if u128::from(self.epoch) + span > limit {
            return Err(ArgError::range(
                "epoch",
                // At most 2^53 here, as the span is.
                text!(
                    "at most ",
                    (limit - span) as u64,
                    " so the timestamp field ends by 2^53 - 1 ms"
                ),
                self.epoch,
            ));
        }
        Ok(self)
    }

    /// Checks a layout built by hand (the presets always pass).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert!(Layout::PRESETS.iter().all(|(_, l)| l.validate().is_ok()));
    /// ```
    ///
    /// # Errors
    /// As [`Layout::new`], [`Layout::with_epoch`] and [`Layout::with_time_unit`].
    pub fn validate(&self) -> Result<(), ArgError> {
        self.validated().map(|_| ())
    }

    /// Width of the timestamp field in bits.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::SONYFLAKE.timestamp_bits(), 39);
    /// ```
    pub fn timestamp_bits(&self) -> u8 {
        self.timestamp_bits
    }

    /// Width of the machine field in bits.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::INSTAGRAM.machine_bits(), 13);
    /// ```
    pub fn machine_bits(&self) -> u8 {
        self.machine_bits
    }

    /// Width of the sequence field in bits.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::SONYFLAKE.sequence_bits(), 8);
    /// ```
    pub fn sequence_bits(&self) -> u8 {
        self.sequence_bits
    }

    /// The epoch: the Unix time in ms of tick 0.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::DISCORD.epoch(), 1_420_070_400_000);
    /// ```
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The time unit: ms per tick.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::DEFAULT.time_unit(), 1);
    /// ```
    pub fn time_unit(&self) -> u64 {
        self.unit_ms
    }

    /// The order of the machine and sequence fields.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{FieldOrder, Layout};
    /// assert_eq!(Layout::DISCORD.order(), FieldOrder::MachineThenSequence);
    /// ```
    pub fn order(&self) -> FieldOrder {
        self.order
    }

    /// The named sub-fields of the machine field, high to low (empty when
    /// the machine field has no parts of its own).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let names: Vec<_> = Layout::TWITTER.machine_fields().iter().map(|f| f.name).collect();
    /// assert_eq!(names, ["datacenterId", "workerId"]);
    /// assert!(Layout::DEFAULT.machine_fields().is_empty());
    /// ```
    pub fn machine_fields(&self) -> &'static [MachineField] {
        self.machine_fields
    }

    /// The largest machine ID: 2^machineBits − 1.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::SONYFLAKE.max_machine_id(), 65_535);
    /// ```
    pub fn max_machine_id(&self) -> u64 {
        mask(self.machine_bits)
    }

    /// The largest sequence number: 2^sequenceBits − 1.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::INSTAGRAM.max_sequence(), 1023);
    /// ```
    pub fn max_sequence(&self) -> u64 {
        mask(self.sequence_bits)
    }

    /// The largest tick: 2^timestampBits − 1.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::DEFAULT.max_tick(), (1 << 41) - 1);
    /// ```
    pub fn max_tick(&self) -> u64 {
        mask(self.timestamp_bits)
    }

    /// The last Unix time in ms the timestamp field can hold:
    /// `epoch + max_tick × timeUnit` (the start of the last tick).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::DEFAULT.end_ms(), 1_609_459_200_000 + (1 << 41) - 1);
    /// ```
    pub fn end_ms(&self) -> u64 {
        self.tick_start(self.max_tick())
    }

    /// How many IDs one generator can issue per second at most:
    /// `2^sequenceBits × 1000 / timeUnit` (rounded down).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::snowflake::Layout::TWITTER.ids_per_second_limit(), 4_096_000);
    /// ```
    pub fn ids_per_second_limit(&self) -> u64 {
        ((self.max_sequence() + 1).saturating_mul(1000)) / self.unit_ms
    }

    /// Unix time in ms of the start of `tick` (saturating).
    pub(crate) fn tick_start(&self, tick: u64) -> u64 {
        self.epoch.saturating_add(tick.saturating_mul(self.unit_ms))
    }

    pub(crate) fn timestamp_shift(&self) -> u32 {
        u32::from(self.machine_bits) + u32::from(self.sequence_bits)
    }

    pub(crate) fn machine_shift(&self) -> u32 {
        match self.order {
            FieldOrder::MachineThenSequence => u32::from(self.sequence_bits),
            FieldOrder::SequenceThenMachine => 0,
        }
    }

    pub(crate) fn sequence_shift(&self) -> u32 {
        match self.order {
            FieldOrder::MachineThenSequence => 0,
            FieldOrder::SequenceThenMachine => u32::from(self.machine_bits),
        }
    }

    /// Packs raw field values without checking them: each is masked to its
    /// width. `tick` counts time units since the epoch.
    ///
    /// This is the formula of the format; [`Layout::compose`] is the checked
    /// version that takes a Unix timestamp.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::DEFAULT.compose_raw(1, 2, 3), (1 << 22) | (2 << 12) | 3);
    /// ```
    pub fn compose_raw(&self, tick: u64, machine: u64, sequence: u64) -> u64 {
        ((tick & self.max_tick()) << self.timestamp_shift())
            | ((machine & self.max_machine_id()) << self.machine_shift())
            | ((sequence & self.max_sequence()) << self.sequence_shift())
    }

    /// Splits an ID into its parts; the timestamp is Unix ms.
    ///
    /// `timestamp = epoch + (id >> (machineBits + sequenceBits)) × timeUnit`;
    /// machine and sequence are the masked fields at their positions. Every
    /// `id` up to [`MAX_ID`] decodes, nothing is allocated, and
    /// [`Layout::compose`] of the parts gives `id` back.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let p = Layout::DISCORD.decode(175_928_847_299_117_063).unwrap();
    /// assert_eq!(p.timestamp, 1_462_015_105_796);
    /// assert_eq!(p.sequence, 7);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`id`) if `id` exceeds [`MAX_ID`] (the sign bit is set).
    pub fn decode(&self, id: u64) -> Result<Parts, ArgError> {
        check_id(id)?;
        Ok(Parts {
            timestamp: self.tick_start(id >> self.timestamp_shift()),
            machine: (id >> self.machine_shift()) & self.max_machine_id(),
            sequence: (id >> self.sequence_shift()) & self.max_sequence(),
        })
    }

    /// The timestamp (Unix ms) of an ID, without the other fields.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::TWITTER.timestamp_of(1_050_118_621_198_921_728).unwrap(), 1_539_202_764_211);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`id`) if `id` exceeds [`MAX_ID`].
    pub fn timestamp_of(&self, id: u64) -> Result<u64, ArgError> {
        check_id(id)?;
        Ok(self.tick_start(id >> self.timestamp_shift()))
    }

    /// Packs parts into an ID: the inverse of [`Layout::decode`].
    ///
    /// The timestamp is rounded down to its tick, so `compose` of any time
    /// gives the smallest ID of that tick for the machine and sequence, and
    /// `decode(compose(p)) == p` whenever `p` came from `decode`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::{Layout, Parts};
    /// let p = Parts { timestamp: 1_462_015_105_796, machine: 1 << 5, sequence: 7 };
    /// assert_eq!(Layout::DISCORD.compose(&p).unwrap(), 175_928_847_299_117_063);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] if `timestamp` lies outside `epoch..=end_ms()`
    /// (`timestamp`), or `machine` (`machineId`) or `sequence` (`sequence`)
    /// does not fit its field.
    pub fn compose(&self, parts: &Parts) -> Result<u64, ArgError> {
        let tick = self.tick_for(parts.timestamp)?;
        if parts.machine > self.max_machine_id() {
            return Err(ArgError::range(
                "machineId",
                text!("an integer in 0..=", self.max_machine_id()),
                parts.machine,
            ));
        }
        if parts.sequence > self.max_sequence() {
            return Err(ArgError::range(
                "sequence",
                text!("an integer in 0..=", self.max_sequence()),
                parts.sequence,
            ));
        }
        Ok(self.compose_raw(tick, parts.machine, parts.sequence))
    }

    /// The smallest ID whose timestamp is the tick containing `timestamp`
    /// (machine 0, sequence 0): a lower bound for "IDs created since".
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// let id = Layout::DISCORD.id_at(1_462_015_105_796).unwrap();
    /// assert!(id <= 175_928_847_299_117_063 && 175_928_847_299_117_063 - id < 1 << 22);
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`timestamp`) outside `epoch..=end_ms()`.
    pub fn id_at(&self, timestamp: u64) -> Result<u64, ArgError> {
        Ok(self.tick_for(timestamp)? << self.timestamp_shift())
    }

    fn tick_for(&self, timestamp: u64) -> Result<u64, ArgError> {
        if timestamp < self.epoch || timestamp > self.end_ms() {
            return Err(ArgError::range(
                "timestamp",
                text!("a Unix time in ms in ", self.epoch, "..=", self.end_ms()),
                timestamp,
            ));
        }
        Ok((timestamp - self.epoch) / self.unit_ms)
    }

    /// Builds a machine value from its named sub-fields, given in the order
    /// of [`Layout::machine_fields`].
    ///
    /// # Examples
    /// ```
    /// use quorumkit::snowflake::Layout;
    /// assert_eq!(Layout::TWITTER.machine_from_fields(&[3, 17]).unwrap(), (3 << 5) | 17);
    /// assert!(Layout::TWITTER.machine_from_fields(&[32, 0]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] if the count differs from the sub-field count
    /// (`machineFields`) or a value does not fit (named after its field,
    /// e.g. `workerId`).
    pub fn machine_from_fields(&self, values: &[u64]) -> Result<u64, ArgError> {
        if values.len() != self.machine_fields.len() {
            return Err(ArgError::range(
                "machineFields",
                text!(self.machine_fields.len(), " values"),
                values.len(),
            ));
        }
        let mut machine = 0;
        for (f, &v) in self.machine_fields.iter().zip(values) {
            if v > mask(f.bits) {
                return Err(ArgError::range(
                    f.name,
                    text!("an integer in 0..=", mask(f.bits)),
                    v,
                ));
            }
            machine |= v << f.shift;
        }
        Ok(machine)
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout::DEFAULT
    }
}

fn check_id(id: u64) -> Result<(), ArgError> {
    if id > MAX_ID {
        return Err(ArgError::range(
            "id",
            "an integer in 0..=9223372036854775807",
            id,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_sub_fields_tile_the_machine_field() {
        for (name, l) in Layout::PRESETS {
            assert_eq!(l.validate(), Ok(()), "{name}");
            if !l.machine_fields().is_empty() {
                let bits: u32 = l.machine_fields().iter().map(|f| u32::from(f.bits)).sum();
                assert_eq!(bits, u32::from(l.machine_bits()), "{name}");
                let mut covered = 0u64;
                for f in l.machine_fields() {
                    let m = mask(f.bits) << f.shift;
                    assert_eq!(covered & m, 0, "{name}: overlapping sub-fields");
                    covered |= m;
                }
                assert_eq!(covered, l.max_machine_id(), "{name}");
            }
        }
    }

    #[test]
    fn invalid_layouts_name_the_parameter() {
        assert_eq!(Layout::new(0, 50, 13).unwrap_err().param, "timestampBits");
        assert_eq!(Layout::new(41, 0, 22).unwrap_err().param, "machineBits");
        assert_eq!(Layout::new(41, 22, 0).unwrap_err().param, "sequenceBits");
        assert_eq!(Layout::new(41, 10, 11).unwrap_err().param, "layout");
        assert_eq!(Layout::new(41, 10, 13).unwrap_err().param, "layout");
        // A 20-bit ms timestamp lasts 17 minutes.
        assert_eq!(Layout::new(20, 21, 22).unwrap_err().param, "timestampBits");
        // 54 bits of ms outrun 2^53.
        assert_eq!(Layout::new(54, 4, 5).unwrap_err().param, "timestampBits");
        assert_eq!(
            Layout::DEFAULT.with_time_unit(0).unwrap_err().param,
            "timeUnit"
        );
        assert_eq!(
            Layout::DEFAULT
                .with_time_unit(MAX_UNIT_MS + 1)
                .unwrap_err()
                .param,
            "timeUnit"
        );
        let e = Layout::DEFAULT.with_epoch(MAX_TIMESTAMP_MS).unwrap_err();
        assert_eq!(e.param, "epoch");
        assert_eq!(
            e.to_string(),
            format!(
                "epoch must be at most {} so the timestamp field ends by 2^53 - 1 ms, got {}",
                (1u64 << 53) - (1u64 << 41),
                MAX_TIMESTAMP_MS
            )
        );
        // The largest epoch is accepted and its last tick is exactly 2^53 - 1.
        let edge = Layout::DEFAULT
            .with_epoch((1u64 << 53) - (1u64 << 41))
            .unwrap();
        assert_eq!(edge.end_ms(), MAX_TIMESTAMP_MS);
        // A 1-day unit with 9 bits spans 1.4 years: allowed.
        assert!(Layout::custom(9, 27, 27, 0, MAX_UNIT_MS, FieldOrder::default()).is_ok());
        assert_eq!(
            Layout::custom(8, 27, 28, 0, MAX_UNIT_MS, FieldOrder::default())
                .unwrap_err()
                .param,
            "timestampBits"
        );
    }

    #[test]
    fn decode_rejects_the_sign_bit_and_compose_checks_ranges() {
        let l = Layout::DEFAULT;
        assert_eq!(l.decode(1 << 63).unwrap_err().param, "id");
        assert_eq!(l.timestamp_of(u64::MAX).unwrap_err().param, "id");
        assert!(l.decode(MAX_ID).is_ok());
        let ok = Parts {
            timestamp: l.epoch(),
            machine: 0,
            sequence: 0,
        };
        assert_eq!(l.compose(&ok), Ok(0));
        let bad = |p: Parts| l.compose(&p).unwrap_err().param;
        assert_eq!(
            bad(Parts {
                timestamp: l.epoch() - 1,
                ..ok
            }),
            "timestamp"
        );
        assert_eq!(
            bad(Parts {
                timestamp: l.end_ms() + 1,
                ..ok
            }),
            "timestamp"
        );
        assert_eq!(
            bad(Parts {
                machine: 1024,
                ..ok
            }),
            "machineId"
        );
        assert_eq!(
            bad(Parts {
                sequence: 4096,
                ..ok
            }),
            "sequence"
        );
        assert_eq!(
            l.compose(&Parts {
                timestamp: l.end_ms(),
                machine: 1023,
                sequence: 4095
            }),
            Ok(MAX_ID)
        );
    }

    #[test]
    fn sonyflake_puts_the_sequence_above_the_machine() {
        let l = Layout::SONYFLAKE;
        let id = l.compose_raw(3, 0xBEEF, 0x12);
        assert_eq!(id, (3 << 24) | (0x12 << 16) | 0xBEEF);
        let p = l.decode(id).unwrap();
        assert_eq!(
            (p.timestamp, p.machine, p.sequence),
            (l.epoch() + 30, 0xBEEF, 0x12)
        );
    }

    #[test]
    fn timestamps_round_down_to_their_tick() {
        let l = Layout::SONYFLAKE;
        let p = Parts {
            timestamp: l.epoch() + 19,
            machine: 1,
            sequence: 2,
        };
        let id = l.compose(&p).unwrap();
        assert_eq!(l.decode(id).unwrap().timestamp, l.epoch() + 10);
        assert_eq!(l.id_at(l.epoch() + 19), Ok(1 << 24));
    }

    #[test]
    fn preset_lookup() {
        for (name, l) in Layout::PRESETS {
            assert_eq!(Layout::preset(name.as_bytes()), Ok(l));
        }
        let e = Layout::preset(b"Twitter").unwrap_err();
        assert_eq!(e.param, "layout");
        assert!(e.to_string().ends_with("got \"Twitter\""));
        assert_eq!(Layout::default(), Layout::DEFAULT);
    }

    #[test]
    fn machine_fields_round_trip() {
        let l = Layout::DISCORD;
        let m = l.machine_from_fields(&[1, 0]).unwrap();
        let parts: Vec<u64> = l.machine_fields().iter().map(|f| f.get(m)).collect();
        assert_eq!(parts, [1, 0]);
        assert_eq!(
            l.machine_from_fields(&[1]).unwrap_err().param,
            "machineFields"
        );
        assert_eq!(
            l.machine_from_fields(&[0, 32]).unwrap_err().param,
            "processId"
        );
        assert_eq!(Layout::DEFAULT.machine_from_fields(&[]), Ok(0));
    }
}
