/**
 * Snowflake IDs: 64-bit, time-ordered IDs that one generator never repeats.
 *
 * ```js
 * import { Snowflake } from 'quorumkit';
 * const ids = new Snowflake({ machineId: 7 });
 * const id = ids.next();               // 1234567890123456789n (a bigint)
 * Snowflake.decode(id).date;           // when it was made
 * ```
 * @module
 */
import { raw, memoryBytes, memoryMayHaveGrown } from './bind/snowflake.js';
import { options, rangeError, typeError } from './internal/errors.js';
import { freed } from './internal/freed.js';
import { SNOWFLAKE_DESCRIBED, SNOWFLAKE_STATUSES } from './raw/layout.js';

/** What a generator does when the clock reads earlier than its last ID. */
export type ClockBackwardsPolicy = 'wait' | 'error' | 'logical';

/** A preset layout's name. */
export type SnowflakeLayoutName = 'default' | 'twitter' | 'discord' | 'sonyflake' | 'instagram';

/** A custom layout: field widths summing to 63, plus epoch, tick length and order. */
export interface SnowflakeLayoutSpec {
  /** Width of the timestamp field (1..=61). */
  timestampBits: number;
  /** Width of the machine field (1..=53). */
  machineBits: number;
  /** Width of the sequence field (1..=53). */
  sequenceBits: number;
  /** Unix ms of tick 0 (default 1609459200000, 2021-01-01). */
  epoch?: number;
  /** Milliseconds per tick (default 1; Sonyflake uses 10). */
  timeUnit?: number;
  /** `'machine-sequence'` (default; Twitter) or `'sequence-machine'` (Sonyflake). */
  order?: 'machine-sequence' | 'sequence-machine';
}

/** A resolved layout, as listed in {@link layouts}. */
export interface SnowflakeLayout extends Required<SnowflakeLayoutSpec> {
  /** The preset's name, or `'custom'`. */
  readonly name: SnowflakeLayoutName | 'custom';
  /** Named sub-fields of the machine field, high to low (e.g. `datacenterId`, `workerId`). */
  readonly fields: readonly string[];
  /** The most IDs one generator can make per second. */
  readonly idsPerSecond: number;
  /** The largest machine ID. */
  readonly maxMachineId: number;
  /** The last Unix ms the timestamp field can hold. */
  readonly endMs: number;
}

/**
 * The parts of a decoded ID. A preset's machine sub-fields come in addition, typed by
 * {@link SnowflakePresetFields}: `Snowflake.decode(id, { layout: 'discord' }).workerId` is a
 * `number`.
 */
export interface SnowflakeParts {
  /** The ID itself. */
  id: bigint;
  /** Unix ms of the start of the ID's tick. */
  timestamp: number;
  /** `timestamp` as a `Date`. */
  date: Date;
  /** The whole machine field. */
  machineId: number;
  /** Position within the tick. */
  sequence: number;
}

/** The machine sub-fields each preset names, high to low; custom layouts have none. */
export interface SnowflakePresetFields {
  default: {};
  twitter: { datacenterId: number; workerId: number };
  discord: { workerId: number; processId: number };
  sonyflake: {};
  instagram: { shardId: number };
}

/** What {@link Snowflake.decode} returns for preset `L`: the parts and the preset's sub-fields. */
export type SnowflakePartsOf<L extends SnowflakeLayoutName> = SnowflakeParts & SnowflakePresetFields[L];

/** Options of `new Snowflake(…)`. */
export interface SnowflakeOptions {
  /** This generator's machine ID, unique among generators that run at once. See {@link randomMachineId}. */
  machineId: number;
  /** A preset name (default `'default'`) or a custom layout. */
  layout?: SnowflakeLayoutName | SnowflakeLayoutSpec;
  /** Overrides the layout's epoch (Unix ms); it must not be in the future. */
  epoch?: number;
  /** Policy for a clock that goes backwards (default `'logical'`). */
  onClockBackwards?: ClockBackwardsPolicy;
  /** How far back the clock may jump before `'wait'` and `'logical'` give up (default 1000 ms). */
  maxBackwardsMs?: number;
  /** The clock: a function returning Unix ms as a number (default `Date.now`). Inject one to test clock behaviour. */
  clock?: () => number;
}

/** Options of {@link Snowflake.decode} and the other layout-aware helpers. */
export interface LayoutOptions {
  /** A preset name (default `'default'`) or a custom layout. */
  layout?: SnowflakeLayoutName | SnowflakeLayoutSpec | SnowflakeLayout;
  /** Overrides the layout's epoch (Unix ms). */
  epoch?: number;
}

const PRESETS: readonly SnowflakeLayoutName[] = ['default', 'twitter', 'discord', 'sonyflake', 'instagram'];
const NO_ID = 0xffff_ffff_ffff_ffffn;
/** The core's default `maxBackwardsMs`. */
const DEFAULT_MAX_BACKWARDS_MS = 1000;
const MAX_ID = (1n << 63n) - 1n;
const FILL_CHUNK = 1 << 16;

/** Resolved layouts by their options, so repeated decodes do not rebuild them. */
const rawLayouts = new Map<string, raw.RawLayout>();
const MAX_CACHED_LAYOUTS = 64;

/**
 * Resolves `layout`/`epoch` options to a wasm layout and runs `f` on it. Layouts
 * are cached by value; past the cache's size a layout is freed right after use.
 */
function withLayout<T>(param: string, layout: unknown, epoch: unknown, f: (r: raw.RawLayout) => T): T {
  if (epoch !== undefined && typeof epoch !== 'number') throw typeError('epoch', 'a number (Unix ms)', epoch);
  const key = cacheKey(param, layout, epoch as number | undefined);
  const cached = rawLayouts.get(key);
  if (cached !== undefined) return f(cached);
  const r = buildLayout(layout, epoch as number | undefined);
  if (rawLayouts.size < MAX_CACHED_LAYOUTS) {
    rawLayouts.set(key, r);
    return f(r);
  }
  try {
    return f(r);
  } finally {
    r.free();
  }
}

function cacheKey(param: string, layout: unknown, epoch: number | undefined): string {
  if (layout === undefined || typeof layout === 'string') return `${layout ?? 'default'}@${epoch}`;
  if (typeof layout !== 'object' || layout === null) {
    throw typeError(param, `a preset name (${PRESETS.join(', ')}) or a layout object`, layout);
  }
  // Checked before the key is built, so a value JSON cannot hold (a bigint)
  // or a wrong type gets an error naming its field.
  const l = checkSpec(param, layout as Partial<SnowflakeLayout>);
  if (isPreset(l)) return `${l.name}@${epoch ?? l.epoch}`;
  return JSON.stringify([l.timestampBits, l.machineBits, l.sequenceBits, epoch ?? l.epoch, l.timeUnit, l.order]);
}

function isPreset(l: Partial<SnowflakeLayout>): boolean {
  return typeof l.name === 'string' && l.name !== 'custom';
}

/** Checks the types of a layout object's fields (their ranges are the core's to check). */
function checkSpec(param: string, l: Partial<SnowflakeLayout>): Partial<SnowflakeLayout> {
  const custom = !isPreset(l);
  for (const k of ['timestampBits', 'machineBits', 'sequenceBits', 'epoch', 'timeUnit'] as const) {
    const required = custom && k !== 'epoch' && k !== 'timeUnit';
    if ((required || l[k] !== undefined) && typeof l[k] !== 'number') {
      throw typeError(`${param}.${k}`, k === 'epoch' ? 'a number (Unix ms)' : 'a number', l[k]);
    }
  }
  const order = l.order ?? 'machine-sequence';
  if (custom && order !== 'machine-sequence' && order !== 'sequence-machine') {
    throw rangeError(`${param}.order`, '"machine-sequence" or "sequence-machine"', order);
  }
  return l;
}

function buildLayout(layout: unknown, epoch: number | undefined): raw.RawLayout {
  if (layout === undefined || typeof layout === 'string') return raw.RawLayout.preset(layout ?? 'default', epoch);
  // cacheKey has checked the fields' types.
  const spec = layout as Partial<SnowflakeLayout>;
  if (isPreset(spec)) return raw.RawLayout.preset(spec.name!, epoch ?? spec.epoch);
  return raw.RawLayout.custom(
    spec.timestampBits!, spec.machineBits!, spec.sequenceBits!,
    epoch ?? spec.epoch, spec.timeUnit, spec.order === 'sequence-machine',
  );
}

function describeLayout(name: SnowflakeLayout['name'], r: raw.RawLayout): SnowflakeLayout {
  const fields = r.field_names;
  const numbers = r.describe();
  const n = Object.fromEntries(SNOWFLAKE_DESCRIBED.map((k, i) => [k, numbers[i]])) as Record<(typeof SNOWFLAKE_DESCRIBED)[number], number>;
  return Object.freeze({
    name,
    timestampBits: n.timestampBits,
    machineBits: n.machineBits,
    sequenceBits: n.sequenceBits,
    epoch: n.epoch,
    timeUnit: n.timeUnit,
    order: n.sequenceFirst ? 'sequence-machine' : 'machine-sequence',
    fields: Object.freeze(fields ? fields.split(',') : []),
    idsPerSecond: n.idsPerSecond,
    maxMachineId: n.maxMachineId,
    endMs: n.endMs,
  } as const);
}

/**
 * The preset layouts, by name:
 * - `default`: 41-bit ms timestamp, 10-bit machine, 12-bit sequence, epoch 2021-01-01;
 * - `twitter`: the same widths, epoch 1288834974657, machine = 5-bit `datacenterId` + 5-bit `workerId`;
 * - `discord`: epoch 1420070400000 (2015), `workerId` 5 + `processId` 5, 12-bit increment;
 * - `sonyflake`: 39 bits of 10 ms ticks, 8-bit sequence above a 16-bit machine ID;
 * - `instagram`: 13-bit `shardId`, 10-bit sequence.
 *
 * @example
 * ```js
 * import { layouts } from 'quorumkit';
 * layouts.discord.epoch;        // 1420070400000
 * layouts.default.idsPerSecond; // 4096000
 * ```
 */
export const layouts: Readonly<Record<SnowflakeLayoutName, SnowflakeLayout>> = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(
      PRESETS.map((name) => {
        let cached: SnowflakeLayout | undefined;
        const get = () => (cached ??= withLayout('layout', name, undefined, (r) => describeLayout(name, r)));
        return [name, { get, enumerable: true }];
      }),
    ),
  ),
) as Readonly<Record<SnowflakeLayoutName, SnowflakeLayout>>;

function toId(param: string, id: unknown): bigint {
  if (typeof id === 'bigint') {
    if (id < 0n || id > MAX_ID) throw rangeError(param, 'an ID in 0..=2^63-1', id);
    return id;
  }
  if (typeof id === 'string') {
    // Canonical text only (no leading zero), so what parses prints back the same.
    if (!/^(?:0|[1-9][0-9]{0,18})$/.test(id) || BigInt(id) > MAX_ID) {
      throw rangeError(param, 'a decimal string of an ID in 0..=2^63-1, without leading zeros', id);
    }
    return BigInt(id);
  }
  throw typeError(param, 'a bigint or a decimal string', id);
}

/**
 * A Snowflake ID generator. IDs of one generator are strictly increasing and
 * never repeat, whatever the clock does: a sequence used up within one tick
 * waits for the next tick, and a clock that steps back is handled by
 * `onClockBackwards`:
 *
 * - `'logical'` (default): keep issuing from the last tick's sequence, then
 *   wait for the next tick; fail if the clock is more than `maxBackwardsMs`
 *   behind. A page never freezes for a small step back.
 * - `'wait'`: issue nothing until the clock is back (up to `maxBackwardsMs`).
 * - `'error'`: throw at once, like Twitter's original.
 *
 * Waiting is a busy wait on the clock (JavaScript has no blocking sleep). It
 * re-reads the clock and asks the generator again at every reading, so a
 * clock that keeps stepping back throws once it is more than `maxBackwardsMs`
 * behind, under every policy. A wait also ends: if the clock has not reached
 * the time the generator asked for after that many ms plus `maxBackwardsMs`
 * plus one second, measured by `performance.now()`, the call throws (a
 * stopped clock, such as a fake timer). For a used-up sequence a wait lasts
 * about one tick.
 *
 * @example
 * ```js
 * import { Snowflake, randomMachineId } from 'quorumkit';
 * const gen = new Snowflake({ machineId: randomMachineId() });
 * const id = gen.next();                  // bigint
 * const text = gen.nextString();          // "1234…": safe in JSON
 * const batch = new BigUint64Array(10_000);
 * gen.fill(batch);                        // 10,000 increasing IDs
 * gen.free();                             // or let the GC do it eventually
 * ```
 */
export class Snowflake {
  #raw: raw.RawSnowflake;
  #clock: () => number;
  #maxBackwardsMs: number;
  /** The layout IDs are made with. */
  readonly layout: SnowflakeLayout;
  /** This generator's machine ID. */
  readonly machineId: number;

  /**
   * @throws {TypeError} if `machineId` is missing or not a number, an option or layout field has
   *   the wrong type (a bigint included), or `clock()` returns something other than a number.
   * @throws {RangeError} if `machineId` does not fit the layout, the epoch is in the future or
   *   invalid, the layout's widths do not sum to 63, or `onClockBackwards` is unknown.
   */
  constructor(opts: SnowflakeOptions) {
    if (opts === null || typeof opts !== 'object') throw typeError('options', 'an options object with machineId', opts);
    const { machineId, layout, epoch, onClockBackwards = 'logical', maxBackwardsMs, clock = Date.now } = opts;
    if (typeof machineId !== 'number') throw typeError('machineId', 'a number', machineId);
    if (typeof onClockBackwards !== 'string') {
      throw typeError('onClockBackwards', '"wait", "error" or "logical"', onClockBackwards);
    }
    if (maxBackwardsMs !== undefined && typeof maxBackwardsMs !== 'number') {
      throw typeError('maxBackwardsMs', 'a number', maxBackwardsMs);
    }
    if (typeof clock !== 'function') throw typeError('clock', 'a function returning Unix ms', clock);
    this.#clock = clock;
    const name = (typeof layout === 'string' ? layout : (layout as Partial<SnowflakeLayout> | undefined)?.name ?? (layout ? 'custom' : 'default')) as SnowflakeLayout['name'];
    [this.#raw, this.layout] = withLayout('layout', layout, epoch, (r) => [
      new raw.RawSnowflake(r, machineId, this.#now(), onClockBackwards, maxBackwardsMs),
      describeLayout(name, r),
    ] as const);
    this.#maxBackwardsMs = maxBackwardsMs ?? DEFAULT_MAX_BACKWARDS_MS;
    this.machineId = machineId;
  }

  /**
   * The next ID, as a `bigint`. Waits (busy) when the current tick's sequence is used up,
   * or, under `'wait'`, until a clock that stepped back is back.
   * @example
   * ```js
   * const id = gen.next(); // 175928847299117063n
   * ```
   * @throws {TypeError} if the clock returns something other than a number.
   * @throws {Error} if the clock moved backwards beyond what the policy allows (at any
   *   reading, waiting included), did not come back within the wait's bound, or the
   *   layout's timestamp field is exhausted. Nothing is issued; later calls work again
   *   once the clock recovers.
   */
  next(): bigint {
    const id = this.#raw.next_at(this.#now());
    return id !== NO_ID ? id : this.#waitFor(() => this.#raw.next_at(this.#now()), NO_ID);
  }

  /**
   * The next ID as a decimal string (what JSON and most databases' drivers want).
   * @example
   * ```js
   * gen.nextString(); // "175928847299117063"
   * ```
   */
  nextString(): string {
    return this.next().toString();
  }

  /**
   * The next ID, or `undefined` if one cannot be issued without waiting.
   * @throws {Error} as {@link Snowflake.next}, for failures other than waiting.
   */
  tryNext(): bigint | undefined {
    const id = this.#raw.next_at(this.#now());
    if (id !== NO_ID) return id;
    this.#throwIfFailed();
    return undefined;
  }

  /**
   * Fills `out` with increasing IDs, reading the clock once per tick; the fast way to
   * make many IDs. Returns `out`.
   * @throws {TypeError} if `out` is not a `BigUint64Array`.
   * @throws {Error} as {@link Snowflake.next}; IDs already written stay valid.
   */
  fill(out: BigUint64Array): BigUint64Array {
    if (!(out instanceof BigUint64Array)) throw typeError('out', 'a BigUint64Array', out);
    let done = 0;
    while (done < out.length) {
      const want = Math.min(out.length - done, FILL_CHUNK);
      let n = this.#raw.fill_at(this.#now(), want);
      if (n === 0) n = this.#waitFor(() => this.#raw.fill_at(this.#now(), want), 0);
      memoryMayHaveGrown();
      const ptr = raw.out_buffer_ptr();
      out.set(new BigUint64Array(memoryBytes().buffer, ptr, n), done);
      done += n;
    }
    return out;
  }

  /** Frees the generator's wasm memory; later calls throw. @example `gen.free();` */
  free(): void {
    this.#raw.free();
    this.#raw = freed('Snowflake');
  }

  /** Same as {@link Snowflake.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }

  /** Reads the injected clock; anything but a number is a `TypeError` naming it. */
  #now(): number {
    const t = this.#clock();
    if (typeof t !== 'number') throw typeError('clock()', 'a number (Unix ms)', t);
    return t;
  }

  /**
   * Busy-waits until `attempt` (one clock reading given to the generator) issues something
   * other than `none`. Every reading goes through the generator, which throws on a clock
   * that is too far behind; the wait itself is bounded by the platform's monotonic clock.
   */
  #waitFor<T>(attempt: () => T, none: T): T {
    this.#throwIfFailed();
    // After a would-block, error_ms is how long until an ID can be issued.
    const bound = this.#raw.error_ms + this.#maxBackwardsMs + 1000;
    const deadline = performance.now() + bound;
    for (;;) {
      const got = attempt();
      if (got !== none) return got;
      this.#throwIfFailed();
      if (performance.now() > deadline) {
        throw new Error(`the clock did not reach the time an ID needs within ${bound} ms of waiting; no ID was issued`);
      }
    }
  }

  /** Throws the core's `GenerateError` message for a failure; returns after a would-block. */
  #throwIfFailed(): void {
    const code = this.#raw.status;
    switch (SNOWFLAKE_STATUSES[code]) {
      case 'none':
      case 'wouldBlock':
        return;
      case 'clockBackwards':
        throw new Error(`the clock moved backwards by ${this.#raw.error_ms} ms; no ID was issued`);
      case 'timestampExhausted':
        throw new Error(
          `the timestamp field is exhausted: the layout ends at ${this.#raw.error_ms} ms; choose a later epoch or a wider layout`,
        );
      default:
        throw new Error(`unknown Snowflake status code ${code}`);
    }
  }

  /**
   * Splits an ID into its parts. Every ID up to 2^63-1 (a bigint, or a decimal string of
   * at most 19 digits) decodes to one small object, and {@link Snowflake.compose} of its
   * parts gives the ID back.
   *
   * @example
   * ```js
   * Snowflake.decode(175928847299117063n, { layout: 'discord' });
   * // { id: 175928847299117063n, timestamp: 1462015105796, date: 2016-04-30T11:18:25.796Z,
   * //   machineId: 32, sequence: 7, workerId: 1, processId: 0 }
   * Snowflake.decode('1050118621198921728', { layout: 'twitter' }).date;
   * ```
   * @throws {TypeError} if `id` is not a bigint or string.
   * @throws {RangeError} if `id` is negative, above 2^63-1, or not a decimal string.
   */
  static decode<L extends SnowflakeLayoutName = 'default'>(id: bigint | string, opts?: { layout?: L; epoch?: number }): SnowflakePartsOf<L>;
  static decode(id: bigint | string, opts?: LayoutOptions): SnowflakeParts;
  static decode(id: bigint | string, opts?: LayoutOptions): SnowflakeParts {
    const { layout, epoch } = options('options', opts);
    const value = toId('id', id);
    return withLayout('layout', layout, epoch, (r) => {
      const v = r.decode(value);
      const parts: SnowflakeParts & Record<string, number | bigint | Date> = {
        id: value, timestamp: v[0], date: new Date(v[0]), machineId: v[1], sequence: v[2],
      };
      const names = r.field_names;
      if (names) names.split(',').forEach((name, i) => (parts[name] = v[3 + i]));
      return parts;
    });
  }

  /**
   * Builds an ID from its parts (the inverse of {@link Snowflake.decode}); the timestamp is
   * rounded down to its tick.
   *
   * @example
   * ```js
   * Snowflake.compose({ timestamp: 1462015105796, workerId: 1, processId: 0, sequence: 7 }, { layout: 'discord' });
   * // 175928847299117063n
   * ```
   * @throws {RangeError} if a part does not fit its field.
   */
  static compose(parts: ComposeParts, opts?: LayoutOptions): bigint {
    if (parts === null || typeof parts !== 'object') throw typeError('parts', 'an object', parts);
    const { layout, epoch } = options('options', opts);
    return withLayout('layout', layout, epoch, (r) => composeWith(r, parts));
  }

  /**
   * The smallest ID with the given time: a bound for "IDs made since …" range queries.
   *
   * @example
   * ```js
   * const since = Snowflake.fromDate(new Date('2024-01-01'));
   * rows.filter((r) => r.id >= since);
   * ```
   * @throws {RangeError} if the date lies outside the layout's range.
   */
  static fromDate(date: Date | number, opts?: LayoutOptions): bigint {
    const ms = date instanceof Date ? date.getTime() : date;
    if (typeof ms !== 'number') throw typeError('date', 'a Date or Unix ms', date);
    const { layout, epoch } = options('options', opts);
    return withLayout('layout', layout, epoch, (r) => r.id_at(ms));
  }
}

/**
 * A random machine ID for `layout` (default: the default layout), drawn with
 * `crypto.getRandomValues`. Use it when generators cannot be given unique IDs.
 *
 * Two generators collide with probability 1/2^M (M = machine bits); among n
 * generators the chance that any two collide is about n(n−1)/2^(M+1): for the
 * default 10-bit field, 10 generators ≈ 4.3 %, 38 ≈ 50 %. See
 * {@link machineIdCollisionProbability}. Colliding generators can issue equal IDs
 * in the same millisecond, so prefer assigned IDs when you have a coordinator.
 *
 * @example
 * ```js
 * const gen = new Snowflake({ machineId: randomMachineId() });
 * ```
 */
export function randomMachineId(opts?: LayoutOptions): number {
  const { layout, epoch } = options('options', opts);
  const seed = crypto.getRandomValues(new BigUint64Array(1))[0];
  return withLayout('layout', layout, epoch, (r) => r.random_machine_id(seed));
}

/**
 * The chance that some two of `generators` random machine IDs are equal.
 *
 * @example
 * ```js
 * machineIdCollisionProbability(10);                          // ≈ 0.0431
 * machineIdCollisionProbability(10, { layout: 'sonyflake' }); // ≈ 0.00069
 * ```
 */
export function machineIdCollisionProbability(generators: number, opts?: LayoutOptions): number {
  if (typeof generators !== 'number') throw typeError('generators', 'a number', generators);
  const { layout, epoch } = options('options', opts);
  return withLayout('layout', layout, epoch, (r) => r.collision_probability(generators));
}

type ComposeParts = { timestamp: number | Date; machineId?: number; sequence?: number; [field: string]: unknown };

function composeWith(r: raw.RawLayout, parts: ComposeParts): bigint {
  const ts = parts.timestamp instanceof Date ? parts.timestamp.getTime() : parts.timestamp;
  if (typeof ts !== 'number') throw typeError('timestamp', 'a number (Unix ms) or Date', parts.timestamp);
  let machine = parts.machineId;
  const names = r.field_names ? r.field_names.split(',') : [];
  if (machine === undefined && names.length > 0 && names.some((n) => parts[n] !== undefined)) {
    const values = names.map((n) => {
      const v = parts[n] ?? 0;
      if (typeof v !== 'number') throw typeError(n, 'a number', v);
      return v;
    });
    machine = r.machine_from_fields(Float64Array.from(values));
  }
  const sequence = parts.sequence ?? 0;
  if (typeof machine !== 'number' && machine !== undefined) throw typeError('machineId', 'a number', machine);
  if (typeof sequence !== 'number') throw typeError('sequence', 'a number', sequence);
  return r.compose(ts, machine ?? 0, sequence);
}
