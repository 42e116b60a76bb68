/**
 * Bloom filters: "definitely not in the set" or "possibly in it", in a few
 * bits per key, with a byte format shared by Rust and JavaScript.
 *
 * The main use: a server (Rust or Node) builds a filter and ships its bytes;
 * a browser loads them and answers membership questions without a round trip.
 *
 * ```js
 * import { BloomFilter } from 'quorumkit';
 * const taken = BloomFilter.withRate(1_000_000, 0.01);
 * taken.add('alice');
 * taken.has('alice'); // true
 * taken.has('bob');   // false (certainly absent), or true 1% of the time
 * ```
 *
 * Five filters share one shape: {@link BloomFilter} (classic),
 * {@link CountingBloomFilter} (supports `remove`), {@link ScalableBloomFilter}
 * (for an unknown number of keys), {@link SplitBlockBloomFilter} (one
 * cache line per key; bit-exact with Apache Parquet) and
 * {@link BlockedBloomFilter} (one 512-bit cache line per key, sized for it). Keys are strings
 * (hashed as their UTF-8 bytes) or `Uint8Array`s. The hashing and the byte format are documented in
 * the Rust crate (`quorumkit::bloom`) and never change within a format version.
 * @module
 */
import type { Key } from './internal/keys.js';
import { raw, readOutput, reserveOutput, writeKey, writeKeys, memoryMayHaveGrown, wasm } from './bind/bloom.js';
import { options, rangeError, requireNumber, typeError } from './internal/errors.js';
import { freed } from './internal/freed.js';
import { decodeBase64, encodeBase64 } from './internal/base64.js';
import { BLOOM_ADD_FAILED as ADD_FAILED } from './raw/layout.js';

/**
 * The largest serialization `fromBytes` accepts: a filter of 2^32 bits
 * (512 MiB) plus headers. Anything longer cannot be a valid filter.
 */
const MAX_INPUT_BYTES = 2 ** 29 + 8192;

/** Set while a facade object adopts a raw object instead of building one. */
let adopting: unknown;

/** Calls `new C()` so that its constructor takes `r` as its raw object. */
function adopt<T>(make: () => T, r: unknown): T {
  adopting = r;
  try {
    return make();
  } finally {
    adopting = undefined;
  }
}

function takeAdopted<R>(): R | undefined {
  const r = adopting as R | undefined;
  adopting = undefined;
  return r;
}

function bytesArg(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array', value);
  if (value.length > MAX_INPUT_BYTES) {
    throw new Error(
      `bloom filter bytes are oversized: at most ${MAX_INPUT_BYTES} bytes can hold a filter, got ${value.length}`,
    );
  }
  return value;
}

function hashArg(value: unknown): bigint {
  if (typeof value !== 'bigint') throw typeError('hash', 'a bigint (an XXH64 hash)', value);
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw rangeError('hash', 'a bigint in 0..=2^64-1', value);
  return value;
}

/** Parquet's physical types whose values a column's bloom filter holds. */
export type ParquetType = 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

const encoder = new TextEncoder();

/**
 * A value as a Parquet bloom filter hashes it: its plain encoding. `INT32` and `INT64` are 4
 * and 8 little-endian bytes of two's complement (an `INT64` as a bigint, or a safe integer);
 * `FLOAT` and `DOUBLE` are IEEE 754 little-endian; `BYTE_ARRAY` (strings: their UTF-8 bytes)
 * and `FIXED_LEN_BYTE_ARRAY` are the bytes themselves. Logical types follow their physical
 * type: a `DATE` is its `INT32` day count, a `TIMESTAMP` its `INT64`.
 * @example
 * ```js
 * f.has(parquetKey(42n, 'INT64'));
 * f.has(parquetKey('Lisbon', 'BYTE_ARRAY'));
 * ```
 * @throws {TypeError} if `value` does not fit `type` (a string for a number column, …).
 * @throws {RangeError} for an unknown `type`, or an integer outside its type's range.
 */
export function parquetKey(value: number | bigint | string | Uint8Array, type: ParquetType): Uint8Array {
  switch (type) {
    case 'INT32': {
      if (typeof value !== 'number') throw typeError('value', 'a number for an INT32 column', value);
      if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1) {
        throw rangeError('value', 'an integer in -2^31..=2^31-1', value);
      }
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, value, true);
      return b;
    }
    case 'INT64': {
      const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
      if (typeof v !== 'bigint') throw typeError('value', 'a bigint or a safe integer for an INT64 column', value);
      if (v < -(2n ** 63n) || v > 2n ** 63n - 1n) throw rangeError('value', 'an integer in -2^63..=2^63-1', v);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, v, true);
      return b;
    }
    case 'FLOAT':
    case 'DOUBLE': {
      if (typeof value !== 'number') throw typeError('value', `a number for a ${type} column`, value);
      const b = new Uint8Array(type === 'FLOAT' ? 4 : 8);
      const d = new DataView(b.buffer);
      if (type === 'FLOAT') d.setFloat32(0, value, true);
      else d.setFloat64(0, value, true);
      return b;
    }
    case 'BYTE_ARRAY':
      if (typeof value === 'string') return encoder.encode(value);
    // falls through: bytes
    case 'FIXED_LEN_BYTE_ARRAY':
      if (!(value instanceof Uint8Array)) throw typeError('value', `a Uint8Array${type === 'BYTE_ARRAY' ? ' or a string' : ''} for a ${type} column`, value);
      return value;
    default:
      throw rangeError('type', 'INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY', type);
  }
}

function textArg(value: unknown): string {
  if (typeof value !== 'string') throw typeError('text', 'a base64 string', value);
  if (value.length > (MAX_INPUT_BYTES / 3) * 4 + 4) {
    throw new Error(`bloom filter base64 is oversized: got ${value.length} characters`);
  }
  return value;
}

/** A view of `len` bytes of wasm memory at `ptr` (no copy). */
function view(ptr: number, len: number): Uint8Array {
  memoryMayHaveGrown();
  return new Uint8Array(wasm().memory.buffer, ptr, len);
}

/** Packs `keys`, runs a batch export that reports one byte per key, copies the bytes out. */
function batchOut(keys: unknown, run: (count: number) => void): Uint8Array {
  const count = writeKeys(keys);
  reserveOutput(count);
  run(count);
  return readOutput(count).slice();
}

/** What the batch methods accept: any array of keys. */
export type Keys = readonly Key[];

/** What the shared body of the filter classes calls on their wasm objects. */
interface RawFilter {
  add(len: number): boolean | number;
  has(len: number): boolean;
  add_many(count: number, report: boolean): number;
  has_many(count: number): number;
  clear(): void;
  estimated_fp_rate(): number;
  to_bytes(): Uint8Array;
  free(): void;
}

/**
 * What every Bloom filter class shares: adding and testing keys, one per call or many
 * in one wasm call, the false-positive estimate, the byte format, and freeing. The
 * classes ({@link BloomFilter}, {@link CountingBloomFilter}, {@link ScalableBloomFilter},
 * {@link SplitBlockBloomFilter}, {@link BlockedBloomFilter}) extend it; it is not made
 * directly.
 *
 * @example
 * ```js
 * const f = BloomFilter.withRate(1000, 0.01);
 * f.addMany(['alice', 'bob']);
 * f.has('alice'); // true
 * ```
 */
export abstract class BloomFilterBase {
  #raw: RawFilter;
  readonly #name: string;

  /** @internal */
  protected constructor(r: RawFilter, name: string) {
    this.#raw = r;
    this.#name = name;
  }

  /** The wasm object. @internal */
  protected get raw(): RawFilter {
    return this.#raw;
  }

  /**
   * Adds `key`. Returns `true` if it was certainly new (some probed bit was 0),
   * `false` if it was possibly present already.
   * @example
   * ```js
   * f.add('alice'); // true
   * f.add('alice'); // false
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  add(key: Key): boolean {
    return this.#raw.add(writeKey(key)) as boolean;
  }

  /**
   * Whether `key` is possibly present; `false` means certainly absent.
   * @example
   * ```js
   * f.has('alice'); // true
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  has(key: Key): boolean {
    return this.#raw.has(writeKey(key));
  }

  /**
   * Adds many keys in one wasm call (much faster than `add` in a loop).
   * Returns how many were certainly new.
   * @example
   * ```js
   * f.addMany(['a', 'b', 'c']); // 3
   * ```
   * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s (nothing is added).
   */
  addMany(keys: Keys): number {
    return this.#raw.add_many(writeKeys(keys), false);
  }

  /**
   * Tests many keys in one wasm call: `1` (possibly present) or `0` (absent) per key.
   * @example
   * ```js
   * f.hasMany(['a', 'zzz']); // Uint8Array [1, 0]
   * ```
   * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s.
   */
  hasMany(keys: Keys): Uint8Array {
    return batchOut(keys, (n) => this.#raw.has_many(n));
  }

  /**
   * False-positive rate for a fresh key given the bits set now (for the classic
   * filter `fillRatio^k`). @example `f.estimatedFpRate(); // ≈ 0.01 at capacity`
   */
  estimatedFpRate(): number {
    return this.#raw.estimated_fp_rate();
  }

  /**
   * Removes every key (a scalable filter goes back to one empty stage).
   * @example `f.clear(); f.has('alice'); // false`
   */
  clear(): void {
    this.#raw.clear();
  }

  /**
   * The version-1 byte format (magic `QKBF`, version, kind, parameters, payload, CRC-32),
   * loadable by the class's `fromBytes` and by the Rust type's `from_bytes`.
   * @example
   * ```js
   * await writeFile('taken.bin', f.toBytes());
   * ```
   */
  toBytes(): Uint8Array {
    return this.#raw.to_bytes();
  }

  /**
   * {@link BloomFilterBase.toBytes} as standard padded base64, for JSON; the class's
   * `fromBase64` reads it. @example `JSON.stringify({ filter: f.toBase64() })`
   */
  toBase64(): string {
    return encodeBase64(this.#raw.to_bytes());
  }

  /** Frees the filter's wasm memory; later calls throw. @example `f.free();` */
  free(): void {
    this.#raw.free();
    this.#raw = freed(this.#name);
  }

  /** Same as {@link BloomFilterBase.free}, for `using` declarations. @example `using f = BloomFilter.withRate(1000, 0.01);` */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * The classic Bloom filter: `size` bits, `hashes` probes per key, all derived
 * from one XXH3-64 hash of the key by enhanced double hashing.
 *
 * Sizing from `n` expected keys and a false-positive rate `p`:
 * `size = ceil(-n·ln p / ln²2)` bits and `hashes = round(size/n · ln 2)` —
 * about 9.6 bits per key at 1%, 14.4 at 0.1%.
 *
 * The bit array lives in wasm memory: call {@link BloomFilter.free} when done
 * (or rely on the garbage collector, eventually).
 *
 * @example
 * ```js
 * import { BloomFilter } from 'quorumkit';
 * // Server: build and ship.
 * const f = BloomFilter.withRate(10_000, 0.01);
 * f.addMany(['alice', 'bob']);
 * const wire = f.toBase64();
 * // Browser: load and check, no round trip.
 * const g = BloomFilter.fromBase64(wire);
 * g.has('alice'); // true
 * g.hasMany(['alice', 'carol']); // Uint8Array [1, 0]
 * ```
 */
export class BloomFilter extends BloomFilterBase {
  /** The wasm object, typed for this class. */
  get #r(): raw.RawBloomFilter {
    return this.raw as raw.RawBloomFilter;
  }

  /**
   * An empty filter of exactly `bits` bits and `hashes` probes per key.
   * Prefer {@link BloomFilter.withRate} unless you must match given parameters.
   *
   * @example
   * ```js
   * const f = new BloomFilter(9586, 7); // what withRate(1000, 0.01) picks
   * ```
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} if `bits` is not an integer in 1..=2^32 or `hashes` not in 1..=64.
   * @throws {Error} if wasm memory cannot hold the filter.
   */
  constructor(bits: number, hashes: number) {
    super(takeAdopted<raw.RawBloomFilter>() ?? new raw.RawBloomFilter(requireNumber('bits', bits), requireNumber('hashes', hashes)), 'BloomFilter');
  }

  /**
   * A filter sized for `expectedItems` keys at false-positive rate `fpRate`.
   *
   * @example
   * ```js
   * const f = BloomFilter.withRate(1_000_000, 0.01);
   * f.size;   // 9585059 bits (1.2 MB)
   * f.hashes; // 7
   * ```
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} if `expectedItems` is not an integer in 1..=2^53-1 or needs more than
   *   2^32 bits, or `fpRate` is not in [1e-19, 1).
   */
  static withRate(expectedItems: number, fpRate: number): BloomFilter {
    const r = raw.RawBloomFilter.with_rate(requireNumber('expectedItems', expectedItems), requireNumber('fpRate', fpRate));
    return adopt(() => new BloomFilter(0, 0), r);
  }

  /**
   * Loads bytes written by {@link BloomFilter.toBytes} (in JS or in Rust).
   *
   * Untrusted bytes are safe: what loads is a filter the constructor could have made
   * (`size` in 1..=2^32, `hashes` in 1..=64, no bit set past the last), and `toBytes()`
   * gives back exactly these bytes. It takes at most 2 bytes of wasm memory per byte
   * loaded (the bit array is the payload) and never grows.
   *
   * @example
   * ```js
   * const f = BloomFilter.fromBytes(new Uint8Array(await (await fetch('/taken.bin')).arrayBuffer()));
   * ```
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} naming `bytes` if they are truncated, oversized, of another version or filter
   *   kind, or corrupted (checksum); the message says which.
   */
  static fromBytes(bytes: Uint8Array): BloomFilter {
    const r = decodeBytes('BloomFilter', (b) => raw.RawBloomFilter.from_bytes(b), bytes);
    return adopt(() => new BloomFilter(0, 0), r);
  }

  /**
   * Loads the base64 text written by {@link BloomFilter.toBase64}: canonical padded
   * base64 only (3 bytes per 4 characters), so `toBase64()` gives back exactly this
   * text; then as {@link BloomFilter.fromBytes}.
   *
   * @example
   * ```js
   * const f = BloomFilter.fromBase64(json.filter);
   * ```
   * @throws {TypeError} if `text` is not a string.
   * @throws {RangeError} naming `text` if it is not base64, or as {@link BloomFilter.fromBytes}.
   */
  static fromBase64(text: string): BloomFilter {
    const r = decodeText('BloomFilter', (b) => raw.RawBloomFilter.from_bytes(b), text);
    return adopt(() => new BloomFilter(0, 0), r);
  }

  /** The number of bits, `m`. @example `BloomFilter.withRate(1000, 0.01).size; // 9586` */
  get size(): number {
    return this.#r.size;
  }

  /** Probes per key, `k`. @example `BloomFilter.withRate(1000, 0.01).hashes; // 7` */
  get hashes(): number {
    return this.#r.hashes;
  }

  /**
   * Bytes of wasm memory the bit array takes: `ceil(size / 64) · 8`.
   * @example `BloomFilter.withRate(1000, 0.01).byteLength; // 1200`
   */
  get byteLength(): number {
    return this.#r.byte_len();
  }

  /**
   * The bit array, as a read-only view over wasm memory (no copy): bit `i` is
   * `(bits[i >> 3] >> (i & 7)) & 1`, exactly the payload of the byte format.
   * `ceil(size / 8)` bytes. The view is valid until the next call that may
   * grow wasm memory (creating or loading a filter, a batch call, a long
   * key); read it again after those. Do not write to it.
   *
   * @example
   * ```js
   * const f = new BloomFilter(64, 2);
   * f.add('x');
   * [...f.positions('x')].every((i) => (f.bits[i >> 3] >> (i & 7)) & 1); // true
   * ```
   */
  get bits(): Uint8Array {
    return view(this.#r.bits_ptr(), Math.ceil(this.#r.size / 8));
  }

  /**
   * The `hashes` bit positions `key` maps to (possibly repeated), for drawing.
   * @example
   * ```js
   * new BloomFilter(1000, 3).positions('alice'); // Uint32Array(3) [ … ]
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  positions(key: Key): Uint32Array {
    return this.#r.positions(writeKey(key));
  }

  /** Bits set. @example `f.countOnes();` */
  countOnes(): number {
    return this.#r.count_ones();
  }

  /** Fraction of bits set, 0..1. @example `f.fillRatio(); // ≈ 0.5 at capacity` */
  fillRatio(): number {
    return this.#r.fill_ratio();
  }

  /**
   * Estimated number of distinct keys added (Swamidass–Baldi,
   * `-(m/k)·ln(1 - X/m)`); `Infinity` once every bit is set.
   * @example `f.estimatedCount(); // ≈ 1000`
   */
  estimatedCount(): number {
    return this.#r.estimated_count();
  }

  /**
   * Adds every key of `other` (bitwise OR). Returns `this`.
   * @example
   * ```js
   * a.union(b); // a now answers true for b's keys too
   * ```
   * @throws {TypeError} if `other` is not a `BloomFilter`.
   * @throws {RangeError} if `other` has a different `size` or `hashes`.
   */
  union(other: BloomFilter): this {
    if (!(other instanceof BloomFilter)) throw typeError('other', 'a BloomFilter', other);
    if (other !== this) this.#r.union(other.#r);
    return this;
  }

  /**
   * Keeps only the bits set in both (bitwise AND): keys in both stay present.
   * Returns `this`.
   * @example
   * ```js
   * a.intersect(b);
   * ```
   * @throws {TypeError} if `other` is not a `BloomFilter`.
   * @throws {RangeError} if `other` has a different `size` or `hashes`.
   */
  intersect(other: BloomFilter): this {
    if (!(other instanceof BloomFilter)) throw typeError('other', 'a BloomFilter', other);
    if (other !== this) this.#r.intersect(other.#r);
    return this;
  }

  /** An independent copy. @example `const g = f.clone();` */
  clone(): BloomFilter {
    return adopt(() => new BloomFilter(0, 0), this.#r.copy());
  }
}

/**
 * A Bloom filter that supports {@link CountingBloomFilter.remove}: each
 * position is a 4-bit counter (so 4× the memory of {@link BloomFilter}).
 * Counters saturate at 15 and then never change, so a very frequent key can
 * never be removed (no false negatives, ever). Removing a key that was never
 * added can cause false negatives for others: remove only what you added.
 *
 * @example
 * ```js
 * import { CountingBloomFilter } from 'quorumkit';
 * const sessions = CountingBloomFilter.withRate(10_000, 0.01);
 * sessions.add('s:1');
 * sessions.remove('s:1'); // true
 * sessions.has('s:1');    // false
 * ```
 */
export class CountingBloomFilter extends BloomFilterBase {
  /** The wasm object, typed for this class. */
  get #r(): raw.RawCountingBloomFilter {
    return this.raw as raw.RawCountingBloomFilter;
  }

  /**
   * An empty filter of `counters` 4-bit counters and `hashes` probes per key.
   * @example `new CountingBloomFilter(9586, 7);`
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} if `counters` is not an integer in 1..=2^32 or `hashes` not in 1..=64.
   * @throws {Error} if wasm memory cannot hold the filter.
   */
  constructor(counters: number, hashes: number) {
    super(
      takeAdopted<raw.RawCountingBloomFilter>() ?? new raw.RawCountingBloomFilter(requireNumber('counters', counters), requireNumber('hashes', hashes)),
      'CountingBloomFilter',
    );
  }

  /**
   * Sized as {@link BloomFilter.withRate} (same number of counters as bits).
   * @example `CountingBloomFilter.withRate(1000, 0.01).size; // 9586`
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} as {@link BloomFilter.withRate}.
   */
  static withRate(expectedItems: number, fpRate: number): CountingBloomFilter {
    const r = raw.RawCountingBloomFilter.with_rate(requireNumber('expectedItems', expectedItems), requireNumber('fpRate', fpRate));
    return adopt(() => new CountingBloomFilter(0, 0), r);
  }

  /**
   * Loads bytes written by {@link CountingBloomFilter.toBytes}. What loads is a filter the
   * constructor could have made (`size` in 1..=2^32, `hashes` in 1..=64, no counter set
   * past the last), `toBytes()` gives back exactly these bytes, and it takes at most 2
   * bytes of wasm memory per byte loaded and never grows.
   * @example `CountingBloomFilter.fromBytes(bytes);`
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} naming `bytes` if they are not a valid counting filter (the message says why).
   */
  static fromBytes(bytes: Uint8Array): CountingBloomFilter {
    const r = decodeBytes('CountingBloomFilter', (b) => raw.RawCountingBloomFilter.from_bytes(b), bytes);
    return adopt(() => new CountingBloomFilter(0, 0), r);
  }

  /**
   * Loads base64 written by {@link CountingBloomFilter.toBase64}: canonical padded base64
   * only (3 bytes per 4 characters), then as {@link CountingBloomFilter.fromBytes}.
   * @example `CountingBloomFilter.fromBase64(text);`
   * @throws {TypeError} if `text` is not a string.
   * @throws {RangeError} naming `text` if it is not base64 of a valid counting filter.
   */
  static fromBase64(text: string): CountingBloomFilter {
    const r = decodeText('CountingBloomFilter', (b) => raw.RawCountingBloomFilter.from_bytes(b), text);
    return adopt(() => new CountingBloomFilter(0, 0), r);
  }

  /** The number of counters, `m`. @example `f.size;` */
  get size(): number {
    return this.#r.size;
  }

  /** Probes per key, `k`. @example `f.hashes;` */
  get hashes(): number {
    return this.#r.hashes;
  }

  /** Bytes of wasm memory the counters take: `ceil(size / 16) · 8`. @example `f.byteLength;` */
  get byteLength(): number {
    return this.#r.byte_len();
  }

  /**
   * The counters, as a read-only view over wasm memory (no copy): counter `i`
   * is `(bits[i >> 1] >> (4 * (i & 1))) & 15`. `ceil(size / 2)` bytes, valid
   * until the next call that may grow wasm memory (see {@link BloomFilter.bits}).
   * @example
   * ```js
   * const i = f.positions('x')[0];
   * (f.bits[i >> 1] >> (4 * (i & 1))) & 15; // same as f.counter(i)
   * ```
   */
  get bits(): Uint8Array {
    return view(this.#r.bits_ptr(), Math.ceil(this.#r.size / 2));
  }

  /**
   * Removes one occurrence of `key`: `true` if it was possibly present (its
   * counters were decremented), `false` if it was certainly absent (nothing changed).
   * @example `f.remove('x'); // true`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  remove(key: Key): boolean {
    return this.#r.remove(writeKey(key));
  }

  /**
   * The smallest of `key`'s counters: an upper bound on how many times it was
   * added (0..15; 15 means saturated).
   * @example `f.add('x'); f.add('x'); f.count('x'); // 2 (or more)`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  count(key: Key): number {
    return this.#r.count(writeKey(key));
  }

  /**
   * The value of counter `index` (0..15).
   * @example `f.counter(f.positions('x')[0]);`
   * @throws {TypeError} if `index` is not a number.
   * @throws {RangeError} if `index` is not an integer in 0..size-1.
   */
  counter(index: number): number {
    if (typeof index !== 'number') throw typeError('index', 'a number', index);
    const size = this.#r.size;
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw rangeError('index', `an integer in 0..=${size - 1}`, index);
    }
    return this.#r.counter(index);
  }

  /**
   * Removes many keys in one call; `1` per key that was possibly present (and removed).
   * @example `f.removeMany(['a', 'zzz']); // Uint8Array [1, 0]`
   * @throws {TypeError} if `keys` is not an array of keys.
   */
  removeMany(keys: Keys): Uint8Array {
    return batchOut(keys, (n) => this.#r.remove_many(n, true));
  }

  /**
   * The counter indices `key` maps to.
   * @example `f.positions('x'); // Uint32Array(k)`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  positions(key: Key): Uint32Array {
    return this.#r.positions(writeKey(key));
  }

  /** Counters that are not zero. @example `f.countOnes();` */
  countOnes(): number {
    return this.#r.count_ones();
  }

  /** Counters stuck at 15 (they never change again). @example `f.countSaturated(); // 0 normally` */
  countSaturated(): number {
    return this.#r.count_saturated();
  }

  /** Fraction of counters that are not zero. @example `f.fillRatio();` */
  fillRatio(): number {
    return this.#r.fill_ratio();
  }

  /** Estimated number of distinct keys present (Swamidass–Baldi). @example `f.estimatedCount();` */
  estimatedCount(): number {
    return this.#r.estimated_count();
  }

  /**
   * The classic filter with the same keys (a counter that is not zero is a set bit),
   * to ship at a quarter of the size.
   * @example `const shipped = counting.toBloomFilter().toBytes();`
   */
  toBloomFilter(): BloomFilter {
    return adopt(() => new BloomFilter(0, 0), this.#r.to_bloom_filter());
  }

  /** An independent copy. @example `f.clone();` */
  clone(): CountingBloomFilter {
    return adopt(() => new CountingBloomFilter(0, 0), this.#r.copy());
  }
}

/** Options of {@link ScalableBloomFilter}. @example `{ growth: 2, tightening: 0.9 }` */
export interface ScalableBloomFilterOptions {
  /** Capacity growth per stage, in [1, 16] (default 2). */
  growth?: number;
  /** Each stage's false-positive rate is this times the previous one's, in (0, 1) (default 0.9). */
  tightening?: number;
}

/** One stage of a {@link ScalableBloomFilter}. @example `f.stage(0).capacity;` */
export interface ScalableBloomFilterStage {
  /** Bits in the stage. */
  size: number;
  /** Probes per key in the stage. */
  hashes: number;
  /** Keys the stage holds before the next one starts. */
  capacity: number;
  /** Keys added to the stage. */
  count: number;
  /** Bits set. */
  ones: number;
}

/** The wasm object of `new ScalableBloomFilter(expectedItems, fpRate, opts)`. */
function newScalable(expectedItems: number, fpRate: number, opts?: ScalableBloomFilterOptions): raw.RawScalableBloomFilter {
  const { growth, tightening } = options('options', opts);
  if (growth !== undefined && typeof growth !== 'number') throw typeError('growth', 'a number', growth);
  if (tightening !== undefined && typeof tightening !== 'number') {
    throw typeError('tightening', 'a number', tightening);
  }
  return new raw.RawScalableBloomFilter(requireNumber('expectedItems', expectedItems), requireNumber('fpRate', fpRate), growth, tightening);
}

/**
 * A Bloom filter for an unknown number of keys (Almeida et al., 2007): when
 * a stage is full a larger one is added, `growth` times the capacity at a
 * `tightening` times smaller false-positive rate, so the overall rate stays
 * below `fpRate` however many keys arrive. Stage `i` uses rate
 * `fpRate · (1 − tightening) · tightening^i`; the defaults (growth 2,
 * tightening 0.9) are the paper's "slow growth" factor, which keeps memory
 * within about twice a filter sized for the final count, and the upper end of
 * its recommended tightening range.
 *
 * @example
 * ```js
 * import { ScalableBloomFilter } from 'quorumkit';
 * const seen = new ScalableBloomFilter(1000, 0.01);
 * for (let i = 0; i < 100_000; i++) seen.add(`url:${i}`);
 * seen.stages;     // 7
 * seen.fpBound();  // < 0.01
 * ```
 */
export class ScalableBloomFilter extends BloomFilterBase {
  /** The wasm object, typed for this class. */
  get #r(): raw.RawScalableBloomFilter {
    return this.raw as raw.RawScalableBloomFilter;
  }

  /**
   * An empty filter whose first stage holds `expectedItems` keys, keeping the
   * overall false-positive rate below `fpRate`.
   * @example `new ScalableBloomFilter(1000, 0.001, { growth: 4 });`
   * @throws {TypeError} if an argument or option has the wrong type.
   * @throws {RangeError} if `expectedItems` is not an integer in 1..=2^53-1, `fpRate` is not in
   *   [1e-19, 1), `growth` not in [1, 16] or `tightening` not in (0, 1).
   */
  constructor(expectedItems: number, fpRate: number, opts?: ScalableBloomFilterOptions) {
    super(takeAdopted<raw.RawScalableBloomFilter>() ?? newScalable(expectedItems, fpRate, opts), 'ScalableBloomFilter');
  }

  /**
   * Same as `new ScalableBloomFilter(expectedItems, fpRate, opts)`.
   * @example `ScalableBloomFilter.withRate(1000, 0.01);`
   * @throws {TypeError} / {RangeError} as the constructor.
   */
  static withRate(expectedItems: number, fpRate: number, opts?: ScalableBloomFilterOptions): ScalableBloomFilter {
    return new ScalableBloomFilter(expectedItems, fpRate, opts);
  }

  /**
   * Loads bytes written by {@link ScalableBloomFilter.toBytes}. What loads is a filter the
   * constructor and `add()` could have made: its options pass the constructor's checks,
   * stage `i` has exactly the capacity (`ceil(initialCapacity · growth^i)`), bits and
   * hashes they give, every stage but the newest is full, and no stage claims more keys
   * than it has bits set; `toBytes()` gives back exactly these bytes. It takes at most 2
   * bytes of wasm memory per byte loaded, and grows only through `add()`/`addMany()`, one
   * stage when the newest is full: about 2.1 times the newest stage at the default
   * options, at most 1,640 times its encoded bytes with `growth` 16 and the smallest
   * `tightening`.
   * @example `ScalableBloomFilter.fromBytes(bytes);`
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} naming `bytes` if they are not a valid scalable filter (the message says why).
   */
  static fromBytes(bytes: Uint8Array): ScalableBloomFilter {
    const r = decodeBytes('ScalableBloomFilter', (b) => raw.RawScalableBloomFilter.from_bytes(b), bytes);
    return adopt(() => new ScalableBloomFilter(0, 0), r);
  }

  /**
   * Loads base64 written by {@link ScalableBloomFilter.toBase64}: canonical padded base64
   * only (3 bytes per 4 characters), then as {@link ScalableBloomFilter.fromBytes}.
   * @example `ScalableBloomFilter.fromBase64(text);`
   * @throws {TypeError} if `text` is not a string.
   * @throws {RangeError} naming `text` if it is not base64 of a valid scalable filter.
   */
  static fromBase64(text: string): ScalableBloomFilter {
    const r = decodeText('ScalableBloomFilter', (b) => raw.RawScalableBloomFilter.from_bytes(b), text);
    return adopt(() => new ScalableBloomFilter(0, 0), r);
  }

  /** Bits over all stages. @example `f.size;` */
  get size(): number {
    return this.#r.size;
  }

  /** Probes per key of the newest stage. @example `f.hashes;` */
  get hashes(): number {
    return this.stage(this.stages - 1).hashes;
  }

  /** Bytes of wasm memory the stages' bit arrays take. @example `f.byteLength;` */
  get byteLength(): number {
    let total = 0;
    for (let i = 0; i < this.#r.stage_count; i++) total += this.#r.byte_len(i);
    return total;
  }

  /** The number of stages (at least 1, at most 64). @example `f.stages;` */
  get stages(): number {
    return this.#r.stage_count;
  }

  /** The first stage's capacity. @example `f.initialCapacity;` */
  get initialCapacity(): number {
    return this.#r.initial_capacity;
  }

  /** The overall false-positive bound. @example `f.fpRate; // 0.01` */
  get fpRate(): number {
    return this.#r.fp_rate;
  }

  /** Capacity growth per stage. @example `f.growth; // 2` */
  get growth(): number {
    return this.#r.growth;
  }

  /** False-positive tightening per stage. @example `f.tightening; // 0.9` */
  get tightening(): number {
    return this.#r.tightening;
  }

  /**
   * The newest stage's bit array, as a read-only view over wasm memory (see
   * {@link BloomFilter.bits}); other stages through {@link ScalableBloomFilter.stageBits}.
   * @example `f.bits;`
   */
  get bits(): Uint8Array {
    return this.stageBits(this.#r.stage_count - 1);
  }

  /**
   * Stage `index`'s bit array, as a read-only view over wasm memory.
   * @example `f.stageBits(0);`
   * @throws {RangeError} if `index` is not a stage.
   */
  stageBits(index: number): Uint8Array {
    const s = this.stage(index);
    return view(this.#r.bits_ptr(index), Math.ceil(s.size / 8));
  }

  /**
   * Stage `index`'s parameters and fill.
   * @example `f.stage(0); // { size, hashes, capacity, count, ones }`
   * @throws {TypeError} if `index` is not a number.
   * @throws {RangeError} if `index` is not a stage.
   */
  stage(index: number): ScalableBloomFilterStage {
    const n = this.#r.stage_count;
    if (typeof index !== 'number') throw typeError('index', 'a number', index);
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw rangeError('index', `an integer in 0..=${n - 1}`, index);
    }
    const [size, hashes, capacity, count, ones] = this.#r.stage_info(index);
    return { size, hashes, capacity, count, ones };
  }

  /**
   * Adds `key`: `true` if it was new (and was counted), `false` if possibly present.
   * @example `f.add('x'); // true`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   * @throws {Error} if the filter needs a new stage and cannot grow (64 stages, 2^32 bits,
   *   or out of memory); nothing changed, and the filter keeps answering `has`.
   */
  override add(key: Key): boolean {
    const r = this.#r.add(writeKey(key));
    if (r === ADD_FAILED) throw new Error(this.#r.error_message);
    return r === 1;
  }

  /**
   * The bit positions `key` maps to in stage `stage` (default: the newest).
   * @example `f.positions('x', 0);`
   * @throws {TypeError} if `key` is not a key or `stage` not a number.
   * @throws {RangeError} if `stage` is not a stage.
   */
  positions(key: Key, stage?: number): Uint32Array {
    const s = stage ?? this.#r.stage_count - 1;
    this.stage(s);
    return this.#r.positions(writeKey(key), s);
  }

  /** Keys added (exact: each new key is counted). @example `f.estimatedCount();` */
  estimatedCount(): number {
    return this.#r.count();
  }

  /** Fraction of all bits set. @example `f.fillRatio();` */
  fillRatio(): number {
    let ones = 0;
    for (let i = 0; i < this.#r.stage_count; i++) ones += this.#r.stage_info(i)[4];
    return ones / this.#r.size;
  }

  /** The false-positive bound of the stages made so far (always below `fpRate`). @example `f.fpBound();` */
  fpBound(): number {
    return this.#r.fp_bound();
  }

  /** An independent copy. @example `f.clone();` */
  clone(): ScalableBloomFilter {
    return adopt(() => new ScalableBloomFilter(0, 0), this.#r.copy());
  }
}


/**
 * The split-block Bloom filter of Apache Parquet, bit for bit: 256-bit blocks
 * of eight 32-bit words; a key (XXH64, seed 0) picks one block and sets one
 * bit in each of its words. Every lookup touches one 32-byte block, so it
 * takes one cache miss where the classic filter takes k, at about 10.5 bits
 * per key for 1% (a little more than the classic filter's 9.6). From
 * JavaScript it measures a little slower than the classic filter: its hash,
 * XXH64 as Parquet requires, costs more than the classic filter's XXH3 on
 * short keys, and the classic filter's misses overlap
 * (`npm run bench -- --js bloom`). It reads and writes Parquet column filters
 * ({@link SplitBlockBloomFilter.fromParquetBitset}).
 *
 * @example
 * ```js
 * import { SplitBlockBloomFilter } from 'quorumkit';
 * const f = SplitBlockBloomFilter.withRate(1_000_000, 0.01);
 * f.addMany(keys);
 * f.hasMany(queries);
 * ```
 */
export class SplitBlockBloomFilter extends BloomFilterBase {
  /** The wasm object, typed for this class. */
  get #r(): raw.RawSplitBlockBloomFilter {
    return this.raw as raw.RawSplitBlockBloomFilter;
  }

  /**
   * An empty filter of `bits` bits, a positive multiple of 256.
   * @example `new SplitBlockBloomFilter(1024);`
   * @throws {TypeError} if `bits` is not a number.
   * @throws {RangeError} if `bits` is not a multiple of 256 in 256..=2^32.
   * @throws {Error} if wasm memory cannot hold the filter.
   */
  constructor(bits: number) {
    super(takeAdopted<raw.RawSplitBlockBloomFilter>() ?? new raw.RawSplitBlockBloomFilter(requireNumber('bits', bits)), 'SplitBlockBloomFilter');
  }

  /**
   * The fewest blocks whose expected false-positive rate at `expectedItems` keys is at most `fpRate`.
   * @example `SplitBlockBloomFilter.withRate(1000, 0.01).size; // 10752`
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} as {@link BloomFilter.withRate}.
   */
  static withRate(expectedItems: number, fpRate: number): SplitBlockBloomFilter {
    const r = raw.RawSplitBlockBloomFilter.with_rate(requireNumber('expectedItems', expectedItems), requireNumber('fpRate', fpRate));
    return adopt(() => new SplitBlockBloomFilter(0), r);
  }

  /**
   * Loads bytes written by {@link SplitBlockBloomFilter.toBytes}. What loads is a filter
   * the constructor could have made (`size` a positive multiple of 256, at most 2^32),
   * `toBytes()` gives back exactly these bytes, and it takes at most 1 byte of wasm memory
   * per byte loaded and never grows.
   * @example `SplitBlockBloomFilter.fromBytes(bytes);`
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} naming `bytes` if they are not a valid split-block filter (the message says why).
   */
  static fromBytes(bytes: Uint8Array): SplitBlockBloomFilter {
    const r = decodeBytes('SplitBlockBloomFilter', (b) => raw.RawSplitBlockBloomFilter.from_bytes(b), bytes);
    return adopt(() => new SplitBlockBloomFilter(0), r);
  }

  /**
   * Loads base64 written by {@link SplitBlockBloomFilter.toBase64}: canonical padded base64
   * only (3 bytes per 4 characters), then as {@link SplitBlockBloomFilter.fromBytes}.
   * @example `SplitBlockBloomFilter.fromBase64(text);`
   * @throws {TypeError} if `text` is not a string.
   * @throws {RangeError} naming `text` if it is not base64 of a valid split-block filter.
   */
  static fromBase64(text: string): SplitBlockBloomFilter {
    const r = decodeText('SplitBlockBloomFilter', (b) => raw.RawSplitBlockBloomFilter.from_bytes(b), text);
    return adopt(() => new SplitBlockBloomFilter(0), r);
  }

  /**
   * Loads a raw Parquet bitset (the bytes after a column chunk's `BloomFilterHeader`).
   * Parquet hashes a value's plain encoding: a string column's values as their
   * bytes, an `INT64` as 8 little-endian bytes; pass those bytes as keys.
   * @example `SplitBlockBloomFilter.fromParquetBitset(bitset).has('value');`
   * @throws {TypeError} if `bitset` is not a `Uint8Array`.
   * @throws {RangeError} if its length is not a positive multiple of 32 bytes (at most 512 MiB).
   */
  static fromParquetBitset(bitset: Uint8Array): SplitBlockBloomFilter {
    if (!(bitset instanceof Uint8Array)) throw typeError('bitset', 'a Uint8Array', bitset);
    if (bitset.length === 0 || bitset.length % 32 !== 0 || bitset.length > 2 ** 29) {
      throw rangeError('bitset', `a positive multiple of 32 bytes, at most ${2 ** 29}`, `${bitset.length} bytes`);
    }
    const r = raw.RawSplitBlockBloomFilter.from_parquet_bitset(bitset);
    return adopt(() => new SplitBlockBloomFilter(0), r);
  }

  /**
   * Loads a filter as a Parquet file stores it: the Thrift `BloomFilterHeader`, then the
   * bitset. These are the bytes a column chunk's `bloom_filter_offset` and
   * `bloom_filter_length` point at, so a filter read from a file loads in one call. Unknown
   * header fields are skipped; the header must name the split-block algorithm, the XXH64 hash
   * and no compression, and its `numBytes` must be the bitset's length. Keys are values in
   * Parquet's plain encoding: see {@link parquetKey}.
   * @example
   * ```js
   * const { bloom_filter_offset: at, bloom_filter_length: len } = columnChunk.meta_data;
   * const f = SplitBlockBloomFilter.fromParquet(file.subarray(Number(at), Number(at) + len));
   * f.has(parquetKey(42n, 'INT64'));
   * ```
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} (`bytes`) for a header that is truncated, nested too deep, lacks a
   *   required field, names another algorithm, hash or compression, or whose `numBytes` is
   *   not the length of the bitset after it (or not a positive multiple of 32).
   */
  static fromParquet(bytes: Uint8Array): SplitBlockBloomFilter {
    const r = raw.RawSplitBlockBloomFilter.from_parquet(bytesArg(bytes));
    return adopt(() => new SplitBlockBloomFilter(0), r);
  }

  /**
   * The filter as a Parquet file stores it: a `BloomFilterHeader` as Parquet's own writers
   * emit it, then the bitset ({@link fromParquet} reads it back).
   * @example `fs.writeFileSync('filter.bin', f.toParquet());`
   */
  toParquet(): Uint8Array {
    return this.#r.to_parquet();
  }

  /**
   * Adds a key by its XXH64 hash (seed 0), for callers that hash the values themselves;
   * `true` if it was certainly new. `f.addHash(xxh64(k))` is `f.add(k)`.
   * @example `f.addHash(xxh64(parquetKey(42n, 'INT64')));`
   * @throws {TypeError} if `hash` is not a bigint. @throws {RangeError} if it is outside 0..=2^64-1.
   */
  addHash(hash: bigint): boolean {
    return this.#r.add_hash(hashArg(hash));
  }

  /**
   * Whether the key of XXH64 hash `hash` (seed 0) is possibly present.
   * @example `f.hasHash(xxh64('x')) === f.has('x'); // true`
   * @throws {TypeError} if `hash` is not a bigint. @throws {RangeError} if it is outside 0..=2^64-1.
   */
  hasHash(hash: bigint): boolean {
    return this.#r.has_hash(hashArg(hash));
  }

  /** The number of bits (256 per block). @example `f.size;` */
  get size(): number {
    return this.#r.size;
  }

  /** Bits set per key: always 8. @example `f.hashes; // 8` */
  get hashes(): number {
    return 8;
  }

  /** Bytes of wasm memory the bitset takes: `size / 8`. @example `f.byteLength;` */
  get byteLength(): number {
    return this.#r.byte_len();
  }

  /**
   * The bitset, as a read-only view over wasm memory (no copy): exactly the
   * Parquet bitset (u32 words, little-endian), `size / 8` bytes. Valid until
   * the next call that may grow wasm memory (see {@link BloomFilter.bits}).
   * @example `f.bits;`
   */
  get bits(): Uint8Array {
    return view(this.#r.bits_ptr(), this.#r.byte_len());
  }

  /**
   * The eight bit positions `key` sets (one per 32-bit word of its block).
   * @example `f.positions('x'); // Uint32Array(8)`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  positions(key: Key): Uint32Array {
    return this.#r.positions(writeKey(key));
  }

  /** Bits set. @example `f.countOnes();` */
  countOnes(): number {
    return this.#r.count_ones();
  }

  /** Fraction of bits set. @example `f.fillRatio();` */
  fillRatio(): number {
    return this.#r.fill_ratio();
  }

  /** Estimated number of distinct keys added. @example `f.estimatedCount();` */
  estimatedCount(): number {
    return this.#r.estimated_count();
  }

  /**
   * Adds every key of `other` (bitwise OR). Returns `this`.
   * @example `a.union(b);`
   * @throws {TypeError} if `other` is not a `SplitBlockBloomFilter`.
   * @throws {RangeError} if `other` has a different `size`.
   */
  union(other: SplitBlockBloomFilter): this {
    if (!(other instanceof SplitBlockBloomFilter)) throw typeError('other', 'a SplitBlockBloomFilter', other);
    if (other !== this) this.#r.union(other.#r);
    return this;
  }

  /**
   * Keeps only the bits set in both (bitwise AND). Returns `this`.
   * @example `a.intersect(b);`
   * @throws {TypeError} if `other` is not a `SplitBlockBloomFilter`.
   * @throws {RangeError} if `other` has a different `size`.
   */
  intersect(other: SplitBlockBloomFilter): this {
    if (!(other instanceof SplitBlockBloomFilter)) throw typeError('other', 'a SplitBlockBloomFilter', other);
    if (other !== this) this.#r.intersect(other.#r);
    return this;
  }

  /** An independent copy. @example `f.clone();` */
  clone(): SplitBlockBloomFilter {
    return adopt(() => new SplitBlockBloomFilter(0), this.#r.copy());
  }

  /** The raw Parquet bitset (a copy of {@link SplitBlockBloomFilter.bits}). @example `f.toParquetBitset();` */
  toParquetBitset(): Uint8Array {
    return this.#r.to_parquet_bitset();
  }
}

/**
 * Runs `load`, turning a rejection of the input (a plain `Error`: truncated, oversized,
 * corrupt, of another kind or version, invalid base64) into a `RangeError` naming `param`
 * and what it must be; a `TypeError`, or wasm memory that cannot hold the filter, stays.
 */
function rejectAs<T>(param: string, allowed: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof Error && e.constructor === Error && !e.message.startsWith('cannot allocate')) {
      throw new RangeError(`${param} must be ${allowed}: ${e.message}`);
    }
    throw e;
  }
}

/** A filter `name` decoded from `bytes` by `from`; rejected input is a `RangeError` naming `bytes`. */
function decodeBytes<T>(name: string, from: (b: Uint8Array) => T, bytes: Uint8Array): T {
  return rejectAs('bytes', `a ${name} in the version-1 byte format`, () => from(bytesArg(bytes)));
}

/** {@link decodeBytes} of base64 `text`; rejected input is a `RangeError` naming `text`. */
function decodeText<T>(name: string, from: (b: Uint8Array) => T, text: string): T {
  return rejectAs('text', `base64 of a ${name} in the version-1 byte format`, () => from(decodeBase64(textArg(text), 'bloom filter')));
}

/**
 * A cache-line-blocked Bloom filter (Putze, Sanders and Singler, 2007): the bits are
 * 512-bit blocks, one 64-byte cache line each, and a key sets and tests its `hashes`
 * bits inside the one block its XXH3-64 hash picks. A lookup costs one hash and one
 * cache miss, where {@link BloomFilter} costs `hashes` misses; the price is a few more
 * bits per key at the same false-positive rate (about 9.9 at 1%, where the classic
 * filter takes 9.6), which {@link BlockedBloomFilter.withRate} pays from the blocked
 * filter's own false-positive formula, so the measured rate is the one asked for.
 *
 * @example
 * ```js
 * import { BlockedBloomFilter } from 'quorumkit';
 * const seen = BlockedBloomFilter.withRate(1_000_000, 0.01);
 * seen.addMany(['alice', 'bob']);
 * seen.has('alice'); // true
 * const copy = BlockedBloomFilter.fromBase64(seen.toBase64());
 * copy.hasMany(['bob', 'carol']); // Uint8Array [1, 0]
 * ```
 */
export class BlockedBloomFilter extends BloomFilterBase {
  /** The wasm object, typed for this class. */
  get #r(): raw.RawBlockedBloomFilter {
    return this.raw as raw.RawBlockedBloomFilter;
  }

  /**
   * An empty filter of `bits` bits (a positive multiple of 512) and `hashes` bits set per
   * key. Prefer {@link BlockedBloomFilter.withRate} unless you must match given parameters.
   * @example `new BlockedBloomFilter(10_240, 7);`
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} if `bits` is not a multiple of 512 in 512..=2^32 or `hashes` not in 1..=64.
   * @throws {Error} if wasm memory cannot hold the filter.
   */
  constructor(bits: number, hashes: number) {
    super(
      takeAdopted<raw.RawBlockedBloomFilter>() ?? new raw.RawBlockedBloomFilter(requireNumber('bits', bits), requireNumber('hashes', hashes)),
      'BlockedBloomFilter',
    );
  }

  /**
   * A filter sized for `expectedItems` keys at false-positive rate `fpRate`: the fewest
   * blocks for which some `hashes` keeps the blocked filter's expected rate,
   * `Σ_j Pois(n/B; j)·(1 − (1 − 1/512)^(j·k))^k`, within `fpRate`.
   * @example
   * ```js
   * const f = BlockedBloomFilter.withRate(1_000_000, 0.01);
   * f.hashes; // 6
   * ```
   * @throws {TypeError} if an argument is not a number.
   * @throws {RangeError} as {@link BloomFilter.withRate}.
   */
  static withRate(expectedItems: number, fpRate: number): BlockedBloomFilter {
    const r = raw.RawBlockedBloomFilter.with_rate(requireNumber('expectedItems', expectedItems), requireNumber('fpRate', fpRate));
    return adopt(() => new BlockedBloomFilter(0, 0), r);
  }

  /**
   * Loads bytes written by {@link BlockedBloomFilter.toBytes} (in JS or in Rust). What
   * loads is a filter the constructor could have made (`size` a positive multiple of 512,
   * at most 2^32; `hashes` in 1..=64), `toBytes()` gives back exactly these bytes, and it
   * takes at most 1 byte of wasm memory per byte loaded and never grows.
   * @example `BlockedBloomFilter.fromBytes(bytes);`
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {RangeError} (`bytes`) if the bytes are truncated, oversized, of another
   *   version or filter kind, or corrupted; the message says which.
   */
  static fromBytes(bytes: Uint8Array): BlockedBloomFilter {
    const r = decodeBytes('BlockedBloomFilter', (b) => raw.RawBlockedBloomFilter.from_bytes(b), bytes);
    return adopt(() => new BlockedBloomFilter(0, 0), r);
  }

  /**
   * Loads base64 written by {@link BlockedBloomFilter.toBase64}: canonical padded base64
   * only (3 bytes per 4 characters), then as {@link BlockedBloomFilter.fromBytes}.
   * @example `BlockedBloomFilter.fromBase64(text);`
   * @throws {TypeError} if `text` is not a string.
   * @throws {RangeError} (`text`) if the text is not base64 of a valid blocked filter.
   */
  static fromBase64(text: string): BlockedBloomFilter {
    const r = decodeText('BlockedBloomFilter', (b) => raw.RawBlockedBloomFilter.from_bytes(b), text);
    return adopt(() => new BlockedBloomFilter(0, 0), r);
  }

  /** The number of bits, `m` (512 per block). @example `BlockedBloomFilter.withRate(1000, 0.01).size; // 10240` */
  get size(): number {
    return this.#r.size;
  }

  /** Bits each key sets in its block, `k`. @example `BlockedBloomFilter.withRate(1000, 0.01).hashes; // 7` */
  get hashes(): number {
    return this.#r.hashes;
  }

  /** The number of 512-bit blocks, `size / 512`. @example `f.blocks;` */
  get blocks(): number {
    return this.#r.size / 512;
  }

  /** Bytes of wasm memory the bit array takes: `size / 8`. @example `f.byteLength;` */
  get byteLength(): number {
    return this.#r.byte_len();
  }

  /**
   * The bit array, as a read-only view over wasm memory (no copy): bit `i` is
   * `(bits[i >> 3] >> (i & 7)) & 1`, exactly the payload of the byte format; block `b`
   * is bytes `64·b .. 64·b + 64`. Valid until the next call that may grow wasm memory
   * (see {@link BloomFilter.bits}).
   * @example
   * ```js
   * const [first] = f.positions('x');
   * const block = f.bits.subarray((first >> 9) * 64, (first >> 9) * 64 + 64); // the key's cache line
   * ```
   */
  get bits(): Uint8Array {
    return view(this.#r.bits_ptr(), this.#r.byte_len());
  }

  /**
   * The `hashes` bit positions `key` maps to (possibly repeated), all in one block:
   * `Math.floor(p / 512)` is the block for each.
   * @example `f.positions('x'); // Uint32Array(7)`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  positions(key: Key): Uint32Array {
    return this.#r.positions(writeKey(key));
  }

  /** Bits set. @example `f.countOnes();` */
  countOnes(): number {
    return this.#r.count_ones();
  }

  /** Fraction of bits set, 0..1. @example `f.fillRatio();` */
  fillRatio(): number {
    return this.#r.fill_ratio();
  }

  /**
   * Estimated number of distinct keys added, from the bits set; `Infinity` once every
   * bit is set. @example `f.estimatedCount(); // ≈ 1000`
   */
  estimatedCount(): number {
    return this.#r.estimated_count();
  }

  /**
   * Adds every key of `other` (bitwise OR). Returns `this`.
   * @example `a.union(b);`
   * @throws {TypeError} if `other` is not a `BlockedBloomFilter`.
   * @throws {RangeError} if `other` has a different `size` or `hashes`.
   */
  union(other: BlockedBloomFilter): this {
    if (!(other instanceof BlockedBloomFilter)) throw typeError('other', 'a BlockedBloomFilter', other);
    if (other !== this) this.#r.union(other.#r);
    return this;
  }

  /**
   * Keeps only the bits set in both (bitwise AND). Returns `this`.
   * @example `a.intersect(b);`
   * @throws {TypeError} if `other` is not a `BlockedBloomFilter`.
   * @throws {RangeError} if `other` has a different `size` or `hashes`.
   */
  intersect(other: BlockedBloomFilter): this {
    if (!(other instanceof BlockedBloomFilter)) throw typeError('other', 'a BlockedBloomFilter', other);
    if (other !== this) this.#r.intersect(other.#r);
    return this;
  }

  /** An independent copy. @example `const g = f.clone();` */
  clone(): BlockedBloomFilter {
    return adopt(() => new BlockedBloomFilter(0, 0), this.#r.copy());
  }
}
