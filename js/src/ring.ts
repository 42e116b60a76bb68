/**
 * Consistent hashing: which node owns a key, and what moves when nodes come and go.
 *
 * ```js
 * import { HashRing } from 'quorumkit';
 * const ring = new HashRing({ hash: 'ketama' });   // same owners as npm `hashring`
 * ring.add('cache-a:11211').add('cache-b:11211').add('cache-c:11211', { weight: 2 });
 * ring.get('user:42');                              // "cache-c:11211"
 * ```
 *
 * **One class per algorithm.** {@link HashRing} (virtual nodes, six hash
 * modes, analytics), {@link BoundedLoadRing} (a ring whose nodes accept at most
 * (1 + ε)× the mean load), {@link Rendezvous} (highest random weight),
 * {@link Maglev} (a lookup table) and the function {@link jumpHash}. They share
 * the verbs (`add`, `remove`, `get`, `getMany`, `nodes`, `stats`) but not their
 * semantics: a bounded-load ring counts the keys it places (`assign` /
 * `release`), Maglev has no weights, jump hash has no names at all. One class
 * with an `algorithm` option would have to accept options and methods that
 * mean nothing for the algorithm chosen, so each algorithm gets its own class
 * and its own types.
 *
 * **Nodes and keys** are strings (hashed as UTF-8) or `Uint8Array`s. Lookups
 * return the node value you added (the same string, or the same `Uint8Array`
 * object): the wasm core returns a node index and the facade maps it to the
 * value it holds, so no string is created per call.
 * @module
 */
import type { Key } from './internal/keys.js';
import { raw, readOutput, reserveOutput, writeKey, writeKeys, wasm } from './bind/ring.js';
import { integer, optionalNumber, options, rangeError, typeError } from './internal/errors.js';
import { freed } from './internal/freed.js';
import {
  RING_ARC_FIELDS as ARC_FIELDS,
  RING_BOUNDED_MOVEMENT_HEADER as BOUNDED_MOVEMENT_HEADER,
  RING_MOVED_FIELDS as MOVED_FIELDS,
  RING_MOVEMENT_HEADER as MOVEMENT_HEADER,
  RING_NO_INDEX as NO_INDEX,
  RING_SAMPLE_MOVEMENT_HEADER as SAMPLE_MOVEMENT_HEADER,
  RING_STATS_HEADER as STATS_HEADER,
  RING_WALK_HEADER as WALK_HEADER,
} from './raw/layout.js';

/**
 * How a {@link HashRing} places nodes and keys:
 * - `'seed'`: the classic ring, exactly: point `i` of node `n` is `crc32(n + i)`,
 *   a key sits at `crc32(key)`; on equal points the node added last wins.
 * - `'ketama'`: libketama / npm `hashring` 3.x, bit for bit, weights included
 *   (MD5, 40 digests × 4 points per server by default).
 * - `'hash_ring'`: `hashring`'s `compatibility: 'hash_ring'` (3 points per digest).
 * - `'libketama'`: the C library's single-precision digest counts.
 * - `'xxh64'` / `'xxh3'`: 64-bit positions; far better balance than CRC-32 (the default is `'xxh3'`).
 */
export type RingHash = 'seed' | 'ketama' | 'hash_ring' | 'libketama' | 'xxh64' | 'xxh3';

/** Options of `new HashRing(…)`. */
export interface HashRingOptions {
  /** Placement mode (default `'xxh3'`). */
  hash?: RingHash;
  /**
   * Virtual nodes per node at weight 1, 1..=10000 (default 100; for the ketama
   * modes, MD5 digests per server, default 40, as `hashring`'s `vnode count`).
   */
  vnodes?: number;
  /**
   * Ketama modes only: a server `host:port` whose port equals this is hashed as
   * `host` (`hashring`'s `'default port'`). Unset or 0: off.
   */
  defaultPort?: number;
}

/** Options of `add(node, …)`. */
export interface NodeOptions {
  /** Relative capacity, a finite number > 0 (default 1). Scales the node's virtual nodes. */
  weight?: number;
  /**
   * This node's own virtual-node count (1..=10000), replacing `weight × vnodes`.
   * In the ketama modes it applies when it differs from the ring's `vnodes`, as in `hashring`.
   */
  vnodes?: number;
}

/** Summary figures of a load distribution; 1.0 peak/mean is perfect balance. */
export interface LoadSummary {
  /** Live nodes counted. */
  nodes: number;
  /** Mean share, `1 / nodes`. */
  mean: number;
  /** Largest share. */
  peak: number;
  /** Smallest share. */
  min: number;
  /** `peak / mean`. */
  peakToMean: number;
  /** Population standard deviation of the shares. */
  stdDev: number;
  /** Largest ratio of a node's share to its fair share by weight (= `peakToMean` at equal weights). */
  peakOverFair: number;
}

/** Per-node load of {@link HashRing.stats}. */
export interface NodeLoad<N> {
  node: N;
  weight: number;
  /** Points the node owns on the ring. */
  points: number;
  /** Fraction of the hash space the node owns (exact arc length). */
  arcShare: number;
  /** Fraction of the sample keys the node received (when sample keys were given). */
  sampleShare?: number;
}

/** What {@link HashRing.stats} returns. */
export interface RingStats<N> {
  /** One entry per node, in insertion order. */
  nodes: NodeLoad<N>[];
  /** Balance by exact arc length. */
  arc: LoadSummary;
  /** Balance over the sample keys, when given. */
  sample?: LoadSummary;
}

/** The ring's points, as typed-array views over wasm memory (no copy). */
export interface RingPoints<N> {
  /** Position of each point, ascending: `Uint32Array` (32-bit modes) or `BigUint64Array` (`xxh64`, `xxh3`). */
  positions: Uint32Array | BigUint64Array;
  /** Owner of each point, as an index into `names`. */
  owners: Uint32Array;
  /** Width of positions: 32 or 64. Position `p` is at angle `p / 2^bits` of the circle. */
  bits: 32 | 64;
  /** Node by index (holes where a node was removed). */
  names: readonly (N | undefined)[];
}

/** A hash-space range that changes owner; `start`/`end` are fractions of the circle, end exclusive. */
export interface MovedArc<N> {
  start: number;
  end: number;
  from: N;
  to: N;
}

/** What adding or removing a node moves. */
export interface Movement<N> {
  /** Fraction of the hash space that changes owner (exact arc length). */
  movedFraction: number;
  /** The least any scheme must move: the node's weight share, `1/(N+1)` at equal weights. */
  idealFraction: number;
  /** The ranges that change owner, in circle order. */
  arcs: MovedArc<N>[];
  /** With `sampleKeys`: which sample keys change owner. */
  keys?: { movedFraction: number; moved: { index: number; key: Key; from: N; to: N }[] };
}

/**
 * What adding or removing a node moves in an algorithm without arcs
 * ({@link Rendezvous}, {@link Maglev}, {@link jumpMovement}).
 */
export interface SampleMovement<N> {
  /** The least any scheme must move: the node's weight share, `1/(N+1)` at equal weights. */
  idealFraction: number;
  /** Maglev only: the exact fraction of lookup-table entries that change owner. */
  tableFraction?: number;
  /** With `sampleKeys`: which sample keys change owner. */
  keys?: { movedFraction: number; moved: { index: number; key: Key; from: N; to: N }[] };
}

/** Reads `count` moved sample keys (`push_moved`'s layout) from `v[p]` on. */
function movedKeys<N>(v: Float64Array, p: number, count: number, samples: readonly Key[], name: (i: number) => N) {
  const moved = [];
  for (let k = 0; k < count; k++, p += MOVED_FIELDS) {
    moved.push({ index: v[p], key: samples[v[p]], from: name(v[p + 1]), to: name(v[p + 2]) });
  }
  return moved;
}

/** Reads `pack_sample_movement`'s layout. */
function sampleMovement<N>(v: Float64Array, samples: readonly Key[] | undefined, name: (i: number) => N): SampleMovement<N> {
  const m: SampleMovement<N> = { idealFraction: v[0] };
  if (!Number.isNaN(v[1])) m.tableFraction = v[1];
  if (samples !== undefined) {
    m.keys = { movedFraction: v[2], moved: movedKeys(v, SAMPLE_MOVEMENT_HEADER, v[3], samples, name) };
  }
  return m;
}

/** Reads `pack_bounded_movement`'s layout. */
function boundedMovement<N>(v: Float64Array, samples: readonly Key[] | undefined, name: (i: number) => N): BoundedMovement<N> {
  const m: BoundedMovement<N> = { idealFraction: v[0], arcFraction: v[1] };
  if (samples !== undefined) {
    m.keys = { movedFraction: v[2], moved: movedKeys(v, BOUNDED_MOVEMENT_HEADER, v[3], samples, name), cascaded: v[4] };
  }
  return m;
}

/** Options of the movement analytics. */
export interface MovementOptions {
  /** Also report which of these keys would change owner. */
  sampleKeys?: readonly Key[];
}

const MAX_U32 = 0xffff_ffff;
const EMPTY = 'the ring is empty: add a node first';
const HASHES: readonly string[] = ['seed', 'ketama', 'hash_ring', 'libketama', 'xxh64', 'xxh3'];
const encoder = new TextEncoder();

function hashName(v: unknown, fallback: RingHash): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw typeError('hash', `one of ${HASHES.map((h) => `'${h}'`).join(', ')}`, v);
  return v;
}

function nodeOpts(opts: NodeOptions | undefined): [number, number | undefined] {
  const o = options('options', opts);
  return [optionalNumber('weight', o.weight) ?? 1, optionalNumber('vnodes', o.vnodes)];
}

function bytesOf(node: unknown, param: string): Uint8Array {
  if (typeof node === 'string') return encoder.encode(node);
  if (node instanceof Uint8Array) return node;
  throw typeError(param, 'a string or Uint8Array', node);
}

function sampleCount(sample: unknown): number {
  return sample === undefined ? 0 : writeKeys(sample, 'sampleKeys');
}

function summary(v: Float64Array): LoadSummary {
  return { nodes: v[0], mean: v[1], peak: v[2], min: v[3], peakToMean: v[4], stdDev: v[5], peakOverFair: v[6] };
}

/** The exports every node set of the ring module has (a ring, Rendezvous, Maglev). */
interface RawNodes {
  remove(len: number): number;
  index_of(len: number): number;
  nodes(): Uint32Array;
  readonly next_index: number;
  free(): void;
}

/** The exports of a node set that places one key per call and batches of them. */
interface RawLookups extends RawNodes {
  get(len: number): number;
  get_many(count: number): void;
}

/**
 * A node set's wasm object and the node values by the index the core gave
 * each (`add` returns it), so an owner index maps to a node with one array
 * read. Each class keeps one; the verbs that mean the same for every
 * algorithm (`remove`, `has`, `nodes`, owner lookups, `free`) live here once.
 */
class NodeSet<N, R extends RawNodes> {
  byIndex: (N | undefined)[] = [];
  count = 0;

  /** `kind` names the class in the error a call after `free()` throws. */
  constructor(
    public raw: R,
    private readonly kind: string,
  ) {}

  set(i: number, node: N): void {
    this.byIndex[i] = node;
    this.count++;
  }

  /** Records the indices `add_many` returned for `nodes`, in order. */
  setAll(ids: ArrayLike<number>, nodes: readonly N[]): void {
    for (let i = 0; i < ids.length; i++) this.set(ids[i], nodes[i]);
  }

  clear(i: number): void {
    this.byIndex[i] = undefined;
    this.count--;
    while (this.byIndex.length > 0 && this.byIndex[this.byIndex.length - 1] === undefined) this.byIndex.pop();
  }

  remove(node: N): boolean {
    const i = this.raw.remove(writeKey(node, 'node'));
    if (i === NO_INDEX) return false;
    this.clear(i);
    return true;
  }

  has(node: N): boolean {
    return this.raw.index_of(writeKey(node, 'node')) !== NO_INDEX;
  }

  /** The nodes in insertion order. */
  nodes(): N[] {
    return this.list(this.raw.nodes());
  }

  /** The node of an owner index a per-key export returned; throws on an empty set. */
  owner(i: number): N {
    if (i === NO_INDEX) throw new Error(EMPTY);
    return this.byIndex[i] as N;
  }

  /** Node by index, for reading movements. */
  at = (i: number): N => this.byIndex[i] as N;

  /** {@link NodeSet.at} as it will be once `node` is added (at the core's `next_index`). */
  withNext(node: N): (i: number) => N {
    const next = this.raw.next_index;
    return (i) => (i === next ? node : this.at(i));
  }

  list(indices: ArrayLike<number>): N[] {
    return Array.from(indices, (i) => this.byIndex[i] as N);
  }

  /** Packs keys, runs a batch export that writes `u32` owners, and maps them to nodes. */
  batch(keys: readonly Key[], call: (count: number) => void): N[] {
    const count = writeKeys(keys);
    if (count === 0) return [];
    reserveOutput(count * 4);
    call(count);
    return this.owners(count);
  }

  /** Maps `count` owner indices from the output buffer to nodes. */
  owners(count: number): N[] {
    const bytes = readOutput(count * 4);
    const idx = new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    const names = this.byIndex;
    const out = new Array<N>(count);
    for (let i = 0; i < count; i++) out[i] = names[idx[i]] as N;
    return out;
  }

  /** Frees the wasm object; every later use of it throws. */
  free(): void {
    this.raw.free();
    this.raw = freed(this.kind);
  }
}

/** The owner of one key, in one wasm call. */
function lookup<N>(set: NodeSet<N, RawLookups>, key: Key): N {
  return set.owner(set.raw.get(writeKey(key)));
}

/** The owners of many keys, in one wasm call. */
function lookupMany<N>(set: NodeSet<N, RawLookups>, keys: readonly Key[]): N[] {
  return set.batch(keys, (count) => set.raw.get_many(count));
}

/** The exports of a node set with preference lists. */
interface RawPreferences extends RawNodes {
  get_n(len: number, n: number): number;
}

/** `n` nodes for `key` in preference order, read from the output buffer. */
function preferences<N>(set: NodeSet<N, RawPreferences>, key: Key, n: number): N[] {
  if (typeof n !== 'number') throw typeError('n', 'a number', n);
  const len = writeKey(key);
  return set.owners(set.raw.get_n(len, n));
}

/** The exports of a ring (plain or bounded): its points and key positions. */
interface RawPoints extends RawNodes {
  readonly point_count: number;
  readonly position_bits: number;
  positions_ptr(): number;
  owners_ptr(): number;
  key_position(len: number): bigint;
}

/** A ring's points as views over wasm memory (see {@link HashRing.points}). */
function ringPoints<N>(set: NodeSet<N, RawPoints>): RingPoints<N> {
  const r = set.raw;
  const count = r.point_count;
  const bits = r.position_bits as 32 | 64;
  const buf = wasm().memory.buffer;
  const positions = bits === 32
    ? new Uint32Array(buf, r.positions_ptr(), count)
    : new BigUint64Array(buf, r.positions_ptr(), count);
  return { positions, owners: new Uint32Array(buf, r.owners_ptr(), count), bits, names: set.byIndex.slice() };
}

/** A key's ring position: a number in the 32-bit modes, a bigint in the 64-bit ones. */
function ringKeyPosition(set: NodeSet<unknown, RawPoints>, key: Key): number | bigint {
  const p = set.raw.key_position(writeKey(key));
  return set.raw.position_bits === 32 ? Number(p) : p;
}

/** The exports of a node set whose movements are counted on sample keys only. */
interface RawSampleMovements extends RawNodes {
  movement_on_remove(name: Uint8Array, count: number): Float64Array;
}

/** What removing `node` would move, over the sample keys of `opts` (Rendezvous, Maglev). */
function sampleMovementOnRemove<N>(set: NodeSet<N, RawSampleMovements>, node: N, opts: MovementOptions | undefined): SampleMovement<N> {
  const o = options('options', opts);
  const name = bytesOf(node, 'node');
  const samples = o.sampleKeys;
  const v = set.raw.movement_on_remove(name, sampleCount(samples));
  return sampleMovement(v, samples, set.at);
}

/**
 * A consistent-hash ring with virtual nodes, weights and six hash modes
 * ({@link RingHash}), plus the analytics the page draws: arc and sample loads,
 * and what a membership change moves.
 *
 * Costs: `get` O(1) expected (a bucket index over the P points, O(log P) at
 * worst); `add` O(V log V + P); `remove` O(P);
 * `addMany` sorts once. Memory: 8 bytes per point (12 in the 64-bit modes).
 *
 * @example
 * ```js
 * import { HashRing } from 'quorumkit';
 * const ring = new HashRing({ hash: 'xxh3', vnodes: 160 });
 * ring.addMany(['cache-a', 'cache-b', 'cache-c']);
 * ring.get('user:1');                     // "cache-b"
 * ring.getN('user:1', 2);                 // ["cache-b", "cache-c"]: replicas, distinct
 * ring.getMany(['user:1', 'user:2']);     // one wasm call for the whole batch
 * ring.movementOnAdd('cache-d').movedFraction; // ≈ 0.25 = 1/(N+1)
 * ring.free();
 * ```
 * @typeParam N - the node type: `string` (default) or `Uint8Array`.
 */
export class HashRing<N extends Key = string> {
  #set: NodeSet<N, raw.RawHashRing>;

  /**
   * @throws {TypeError} if an option has the wrong type.
   * @throws {RangeError} if `hash` is unknown, `vnodes` is not an integer in 1..=10000,
   *   or `defaultPort` is not a port or is given for a non-ketama mode.
   */
  constructor(opts?: HashRingOptions) {
    const o = options('options', opts);
    this.#set = new NodeSet(
      new raw.RawHashRing(hashName(o.hash, 'xxh3'), optionalNumber('vnodes', o.vnodes), optionalNumber('defaultPort', o.defaultPort)),
      'HashRing',
    );
  }

  /** The hash mode. @example `new HashRing({ hash: 'seed' }).hash; // "seed"` */
  get hash(): RingHash {
    return this.#set.raw.hash as RingHash;
  }

  /** Virtual nodes per node at weight 1. @example `new HashRing().vnodes; // 100` */
  get vnodes(): number {
    return this.#set.raw.vnodes;
  }

  /** Number of nodes. @example `new HashRing().add('a').size; // 1` */
  get size(): number {
    return this.#set.count;
  }

  /**
   * Adds a node and returns the ring (for chaining).
   *
   * @example
   * ```js
   * ring.add('cache-a').add('cache-b', { weight: 2 });
   * ```
   * @throws {TypeError} if `node` is not a string or `Uint8Array`, or an option is not a number.
   * @throws {RangeError} if `node` is already on the ring, `weight` is not finite and > 0,
   *   `vnodes` is not in 1..=10000, or `weight × vnodes` exceeds 10000 points.
   */
  add(node: N, opts?: NodeOptions): this {
    const [weight, vnodes] = nodeOpts(opts);
    this.#set.set(this.#set.raw.add(writeKey(node, 'node'), weight, vnodes), node);
    return this;
  }

  /**
   * Adds many nodes at once, sorting the ring once: the fast way to build a
   * big ring. All or nothing. Entries are nodes or `[node, options]` pairs.
   *
   * @example
   * ```js
   * ring.addMany(['a', 'b', ['c', { weight: 3 }]]);
   * ```
   * @throws {TypeError} / {RangeError} as {@link HashRing.add}, for any entry.
   */
  addMany(nodes: readonly (N | readonly [N, NodeOptions])[]): this {
    if (!Array.isArray(nodes)) throw typeError('nodes', 'an array of nodes or [node, options] pairs', nodes);
    const list: N[] = [];
    const weights = new Float64Array(nodes.length);
    const vnodes = new Float64Array(nodes.length);
    nodes.forEach((entry, i) => {
      const [node, o] = Array.isArray(entry) ? (entry as unknown as readonly [N, NodeOptions]) : [entry as N, undefined];
      const [w, v] = nodeOpts(o);
      list.push(node);
      weights[i] = w;
      vnodes[i] = v === undefined ? NaN : v;
      if (v !== undefined && Number.isNaN(v)) throw rangeError('vnodes', 'an integer in 1..=10000', v);
    });
    const count = writeKeys(list, 'node');
    this.#set.setAll(this.#set.raw.add_many(count, weights, vnodes), list);
    return this;
  }

  /**
   * Removes a node; returns whether it was on the ring.
   *
   * @example
   * ```js
   * ring.remove('cache-b'); // true
   * ```
   * @throws {TypeError} if `node` is not a string or `Uint8Array`.
   */
  remove(node: N): boolean {
    return this.#set.remove(node);
  }

  /** Whether `node` is on the ring. @example `ring.has('cache-a'); // true` */
  has(node: N): boolean {
    return this.#set.has(node);
  }

  /**
   * The node that owns `key`.
   *
   * @example
   * ```js
   * ring.get('user:42');                          // "cache-b"
   * ring.get(new TextEncoder().encode('user:42')); // the same node
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   * @throws {Error} if the ring is empty.
   */
  get(key: Key): N {
    return lookup(this.#set, key);
  }

  /**
   * The owners of many keys in one wasm call; equal to `keys.map((k) => ring.get(k))`.
   *
   * @example
   * ```js
   * ring.getMany(['user:1', 'user:2', 'user:3']); // ["cache-b", "cache-a", "cache-a"]
   * ```
   * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s.
   * @throws {Error} if the ring is empty (and `keys` is not).
   */
  getMany(keys: readonly Key[]): N[] {
    return lookupMany(this.#set, keys);
  }

  /**
   * The preference list of `key`: `n` distinct nodes met walking clockwise
   * from it (Dynamo/Cassandra replicas). Entry 0 is `get(key)`.
   *
   * @example
   * ```js
   * ring.getN('user:42', 3); // ["cache-c", "cache-a", "cache-b"]
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`, or `n` is not a number.
   * @throws {RangeError} if `n` is not an integer or exceeds the node count.
   * @throws {Error} if the ring is empty.
   */
  getN(key: Key, n: number): N[] {
    return preferences(this.#set, key, n);
  }

  /** The nodes, in insertion order. @example `ring.nodes(); // ["cache-a", "cache-b"]` */
  nodes(): N[] {
    return this.#set.nodes();
  }

  /**
   * The ring's points for drawing: positions and owner indices as typed-array
   * views over wasm memory (no copy). The views stay valid until the next call
   * that may grow wasm memory (any add, batch or stats call); take them again
   * after that, or copy with `.slice()`.
   *
   * @example
   * ```js
   * const { positions, owners, bits, names } = ring.points();
   * for (let k = 0; k < owners.length; k++) {
   *   const angle = 2 * Math.PI * Number(positions[k]) / 2 ** bits;
   *   draw(angle, names[owners[k]]);
   * }
   * ```
   */
  points(): RingPoints<N> {
    return ringPoints(this.#set);
  }

  /**
   * The position of `key` on the circle, in the ring's hash mode (every mode,
   * ketama included): the number compared with {@link HashRing.points}'
   * `positions`. Like them it is a `number` in the 32-bit modes (`seed`, the
   * ketama modes) and a `bigint` in the 64-bit modes (`xxh64`, `xxh3`); the
   * angle is `Number(position) / 2 ** bits` of the circle. Works on an empty
   * ring (the position depends only on the key and the mode).
   *
   * @example
   * ```js
   * new HashRing({ hash: 'seed' }).keyPosition('123456789'); // 3421780262 (= crc32)
   * new HashRing({ hash: 'ketama' }).keyPosition('user:42');  // a number below 2 ** 32 (MD5)
   * new HashRing({ hash: 'xxh3' }).keyPosition('user:42');    // a bigint below 2n ** 64n
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  keyPosition(key: Key): number | bigint {
    return ringKeyPosition(this.#set, key);
  }

  /**
   * Where the walk of `key` ends: the index, into {@link HashRing.points}, of
   * the point that owns it, the first point at or after
   * {@link HashRing.keyPosition} (wrapping to 0 past the last point; among
   * equal positions, the one that owns them). `points().owners[i]` is
   * `get(key)`'s index, and the points between the key's position and `i`
   * are the ones it passes (none: on a plain ring the owner is the next point).
   *
   * @example
   * ```js
   * const i = ring.pointIndex('user:42');
   * const { positions, owners, names } = ring.points();
   * names[owners[i]] === ring.get('user:42');  // true
   * positions[i] >= ring.keyPosition('user:42') || i === 0; // true
   * ```
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   * @throws {Error} if the ring is empty.
   */
  pointIndex(key: Key): number {
    const i = this.#set.raw.point_index(writeKey(key));
    if (i === NO_INDEX) throw new Error(EMPTY);
    return i;
  }

  /**
   * Load per node: by exact arc length (the share of uniformly random keys
   * each node receives) and, given sample keys, by counting them. With
   * peak/mean and standard deviation of the shares.
   *
   * @example
   * ```js
   * const s = ring.stats(Array.from({ length: 10000 }, (_, i) => `user:${i}`));
   * s.arc.peakToMean;        // 1.12
   * s.sample.peakToMean;     // 1.15
   * s.nodes[0].arcShare;     // 0.34
   * ```
   * @throws {TypeError} if `sampleKeys` is not an array of strings or `Uint8Array`s.
   * @throws {Error} if sample keys are given and the ring is empty.
   */
  stats(sampleKeys?: readonly Key[]): RingStats<N> {
    const r = this.#set.raw;
    const arc = r.arc_stats();
    const sample = sampleKeys === undefined ? undefined : r.sample_stats(writeKeys(sampleKeys, 'sampleKeys'));
    const nodes = Array.from(r.nodes(), (i): NodeLoad<N> => {
      const load: NodeLoad<N> = {
        node: this.#set.at(i),
        weight: r.weight_of(i),
        points: r.point_count_of(i),
        arcShare: arc[STATS_HEADER + i],
      };
      if (sample) load.sampleShare = sample[STATS_HEADER + i];
      return load;
    });
    return sample ? { nodes, arc: summary(arc), sample: summary(sample) } : { nodes, arc: summary(arc) };
  }

  /**
   * What adding `node` would move, without adding it: the moved fraction of
   * the hash space against the ideal `weight share` (`1/(N+1)` at equal
   * weights), the moved ranges, and optionally which sample keys move.
   *
   * @example
   * ```js
   * const m = ring.movementOnAdd('cache-d', { sampleKeys: keys });
   * m.movedFraction / m.idealFraction; // ≈ 1: only keys for the new node move
   * m.arcs.every((a) => a.to === 'cache-d'); // true
   * ```
   * @throws {TypeError} / {RangeError} as {@link HashRing.add}.
   * @throws {Error} if the ring is empty.
   */
  movementOnAdd(node: N, opts?: NodeOptions & MovementOptions): Movement<N> {
    const o = options('options', opts);
    const [weight, vnodes] = nodeOpts(o);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const count = sampleCount(samples);
    const packed = this.#set.raw.movement_on_add(name, weight, vnodes, count);
    return this.#movement(packed, samples, this.#set.withNext(node));
  }

  /**
   * What removing `node` would move, without removing it.
   *
   * @example
   * ```js
   * ring.movementOnRemove('cache-b').arcs.every((a) => a.from === 'cache-b'); // true
   * ```
   * @throws {RangeError} if `node` is not on the ring.
   * @throws {Error} if it is the only node (nothing would own the keys).
   */
  movementOnRemove(node: N, opts?: MovementOptions): Movement<N> {
    const o = options('options', opts);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const count = sampleCount(samples);
    const packed = this.#set.raw.movement_on_remove(name, count);
    return this.#movement(packed, samples, this.#set.at);
  }

  #movement(v: Float64Array, samples: readonly Key[] | undefined, name: (i: number) => N): Movement<N> {
    const arcCount = v[2];
    const arcs: MovedArc<N>[] = new Array(arcCount);
    let p = MOVEMENT_HEADER;
    for (let k = 0; k < arcCount; k++, p += ARC_FIELDS) {
      arcs[k] = { start: v[p], end: v[p + 1], from: name(v[p + 2]), to: name(v[p + 3]) };
    }
    const m: Movement<N> = { movedFraction: v[0], idealFraction: v[1], arcs };
    if (samples !== undefined) m.keys = { movedFraction: v[3], moved: movedKeys(v, p, v[4], samples, name) };
    return m;
  }

  /** Frees the ring's wasm memory; later calls throw. @example `ring.free();` */
  free(): void {
    this.#set.free();
  }

  /** Same as {@link HashRing.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Options of `new BoundedLoadRing(…)`. */
export interface BoundedLoadOptions {
  /** Balance factor ε in [0.000001, 1000000] (default 0.25): no node takes more than ⌈(1 + ε) × mean⌉ keys. */
  epsilon?: number;
  /** The underlying ring's hash mode (default `'xxh3'`). */
  hash?: RingHash;
  /** The underlying ring's virtual nodes (default 100). */
  vnodes?: number;
}

/** One node's assigned load, from {@link BoundedLoadRing.loads}. */
export interface BoundedLoad<N> {
  node: N;
  /** Keys assigned and not released. */
  load: number;
  /** `load` as a fraction of all keys assigned (0 when none are). */
  share: number;
  /** How many keys the node may hold after the next assignment. */
  capacity: number;
}

/**
 * What adding or removing a node moves on a {@link BoundedLoadRing}: the keys
 * are placed in order on the ring before and after the change, both starting
 * with no load, and compared.
 *
 * With bounded loads a change can also move keys **between two nodes that
 * stay** (a cascade): capacities change with the node count, so a node that
 * was full may now have room (or the other way round), and the keys placed
 * after it follow. `keys.cascaded` counts them; on a plain ring it is 0.
 */
export interface BoundedMovement<N> {
  /** The least any scheme must move: the node's weight share, `1/(N+1)` on add and `1/N` on remove at equal weights. */
  idealFraction: number;
  /** What the same ring without load bounds would move: the share of the hash space that changes owner. */
  arcFraction: number;
  /** With `sampleKeys`: which of them change owner, and how many of those move between two old nodes. */
  keys?: { movedFraction: number; moved: { index: number; key: Key; from: N; to: N }[]; cascaded: number };
}

/** The clockwise walk of one key on a {@link BoundedLoadRing}, from {@link BoundedLoadRing.walk}. */
export interface KeyWalk<N> {
  /** The key's position, as {@link HashRing.keyPosition}: a `number` in the 32-bit modes, a `bigint` in the 64-bit ones. */
  position: number | bigint;
  /** `position / 2 ** bits`: where the key sits on the circle, from 0 (top) clockwise to 1. */
  fraction: number;
  /**
   * The points passed, as indices into {@link BoundedLoadRing.points}, in walk
   * order: from the first point at or after the key (wrapping) to the owner's
   * point, inclusive. All but the last belong to nodes in `skipped`.
   */
  points: Uint32Array;
  /** The distinct nodes passed because they were full, in walk order. */
  skipped: N[];
  /** The node the walk ends at. */
  owner: N;
}

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam
 * 2017): a ring whose nodes each accept at most `⌈(1 + ε) × m / N⌉` of the
 * `m` keys assigned (weighted: their weight share). A key walks clockwise to
 * the first node with room. The ring counts what it places: `assign` a key
 * when a request or session starts, `release` its node when it ends.
 *
 * Balance: peak/mean ≤ 1 + ε (plus one key of rounding). Cost: O(log P) plus
 * O(1/ε) expected points walked.
 *
 * @example
 * ```js
 * import { BoundedLoadRing } from 'quorumkit';
 * const lb = new BoundedLoadRing({ epsilon: 0.1 });
 * lb.add('backend-1').add('backend-2').add('backend-3');
 * const backend = lb.assign('session:9f2c'); // counted against backend's capacity
 * lb.release(backend);                      // the session ended
 * lb.stats().peakToMean;                    // ≤ 1.1
 * ```
 */
export class BoundedLoadRing<N extends Key = string> {
  #set: NodeSet<N, raw.RawBoundedLoadRing>;

  /**
   * @throws {TypeError} if an option has the wrong type.
   * @throws {RangeError} if `epsilon`, `hash` or `vnodes` is out of range.
   */
  constructor(opts?: BoundedLoadOptions) {
    const o = options('options', opts);
    this.#set = new NodeSet(
      new raw.RawBoundedLoadRing(hashName(o.hash, 'xxh3'), optionalNumber('vnodes', o.vnodes), optionalNumber('epsilon', o.epsilon) ?? 0.25),
      'BoundedLoadRing',
    );
  }

  /** ε as used (six decimals). @example `new BoundedLoadRing({ epsilon: 0.1 }).epsilon; // 0.1` */
  get epsilon(): number {
    return this.#set.raw.epsilon;
  }

  /** Number of nodes. @example `lb.size; // 3` */
  get size(): number {
    return this.#set.count;
  }

  /** Keys assigned and not released. @example `lb.total; // 120` */
  get total(): number {
    return this.#set.raw.total;
  }

  /**
   * Adds a node with no load.
   * @example `lb.add('backend-4', { weight: 2 });`
   * @throws {TypeError} / {RangeError} as {@link HashRing.add}.
   */
  add(node: N, opts?: NodeOptions): this {
    const [weight, vnodes] = nodeOpts(opts);
    this.#set.set(this.#set.raw.add(writeKey(node, 'node'), weight, vnodes), node);
    return this;
  }

  /**
   * Removes a node and forgets its load (re-assign its keys); returns whether it was present.
   * @example `lb.remove('backend-2'); // true`
   */
  remove(node: N): boolean {
    return this.#set.remove(node);
  }

  /** Whether `node` is present. @example `lb.has('backend-1'); // true` */
  has(node: N): boolean {
    return this.#set.has(node);
  }

  /**
   * Assigns `key` to the first node clockwise with spare capacity, counts it, and returns the node.
   * @example `const node = lb.assign('session:1');`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   * @throws {Error} if the ring is empty.
   */
  assign(key: Key): N {
    return this.#set.owner(this.#set.raw.assign(writeKey(key)));
  }

  /**
   * Where `key` would be assigned now, without counting it.
   * @example `lb.peek('session:1');`
   * @throws {Error} if the ring is empty.
   */
  peek(key: Key): N {
    return this.#set.owner(this.#set.raw.peek(writeKey(key)));
  }

  /**
   * Assigns many keys in order, in one wasm call (nothing is assigned on an error).
   * @example `lb.assignMany(['s:1', 's:2']); // ["backend-3", "backend-1"]`
   */
  assignMany(keys: readonly Key[]): N[] {
    return this.#set.batch(keys, (count) => this.#set.raw.assign_many(count));
  }

  /**
   * Releases one key from `node` (a request or session ended).
   * @example `lb.release('backend-1');`
   * @throws {RangeError} if `node` is not present or holds no keys.
   */
  release(node: N): void {
    this.#set.raw.release(writeKey(node, 'node'));
  }

  /** Nodes in insertion order. @example `lb.nodes(); // ["backend-1", "backend-2"]` */
  nodes(): N[] {
    return this.#set.nodes();
  }

  /**
   * Each node's load and its capacity for the next assignment.
   * @example `lb.loads(); // [{ node: "backend-1", load: 40, share: 0.33, capacity: 45 }, …]`
   */
  loads(): BoundedLoad<N>[] {
    const r = this.#set.raw;
    const s = r.load_stats();
    return Array.from(r.nodes(), (i) => ({
      node: this.#set.at(i),
      load: r.load_of(i),
      share: s[STATS_HEADER + i],
      capacity: r.capacity_of(i),
    }));
  }

  /**
   * Balance of the assigned keys.
   * @example `lb.stats().peakToMean; // ≤ 1 + ε`
   */
  stats(): LoadSummary {
    return summary(this.#set.raw.load_stats());
  }

  /**
   * The ring's points, as {@link HashRing.points}: typed-array views over wasm
   * memory (valid until the next call that may grow it; take them again after
   * an `add`, a batch or a movement call).
   *
   * @example
   * ```js
   * const { positions, owners, bits, names } = lb.points();
   * names[owners[0]];                 // the node owning the first point
   * Number(positions[0]) / 2 ** bits; // its place on the circle, 0..1
   * ```
   */
  points(): RingPoints<N> {
    return ringPoints(this.#set);
  }

  /**
   * The position of `key` on the circle, as {@link HashRing.keyPosition}.
   * @example `new BoundedLoadRing({ hash: 'seed' }).keyPosition('123456789'); // 3421780262 (= crc32)`
   * @throws {TypeError} if `key` is not a string or `Uint8Array`.
   */
  keyPosition(key: Key): number | bigint {
    return ringKeyPosition(this.#set, key);
  }

  /**
   * The clockwise walk of `key`: its position, the points it passes, the full
   * nodes it skips, and the owner it ends at.
   *
   * Without `owner`, the walk {@link BoundedLoadRing.peek} takes now (with the
   * current loads). With `owner`, the node {@link BoundedLoadRing.assign}
   * returned for the key, the walk it took then: on from its position to the
   * first point of `owner`; every node passed was full at that moment (the
   * ring keeps no history, so this trusts `owner`).
   *
   * @example
   * ```js
   * const lb = new BoundedLoadRing({ epsilon: 0.5 }).add('a').add('b');
   * for (let i = 0; i < 3; i++) lb.assign('hot-key');
   * const w = lb.walk('hot-key');   // its first node holds 3, capacity ⌈1.5 × 4 / 2⌉ = 3
   * w.skipped;                      // ["a"] (or ["b"]): full, passed by
   * w.owner === lb.peek('hot-key'); // true
   * lb.points().positions[w.points[0]] >= lb.keyPosition('hot-key'); // true (unless it wrapped)
   * lb.walk('hot-key', { owner: 'a' }); // the walk of a key assign() sent to "a"
   * ```
   * @throws {TypeError} if `key` or `owner` is not a string or `Uint8Array`.
   * @throws {RangeError} if `owner` is not on the ring.
   * @throws {Error} if the ring is empty.
   */
  walk(key: Key, opts?: { owner?: N }): KeyWalk<N> {
    const o = options('options', opts);
    const r = this.#set.raw;
    let v: Uint32Array;
    if (o.owner === undefined) {
      v = r.walk(writeKey(key));
    } else {
      const i = r.index_of(writeKey(o.owner, 'owner'));
      if (i === NO_INDEX) {
        const shown = typeof o.owner === 'string' ? o.owner : new TextDecoder().decode(o.owner);
        throw new RangeError(`owner must be a name on the ring, got '${shown}'`);
      }
      v = r.walk_to(writeKey(key), i);
    }
    const bits = r.position_bits;
    const big = BigInt(v[0]) | (BigInt(v[1]) << 32n);
    const position = bits === 32 ? v[0] : big;
    const skipped = v[3];
    return {
      position,
      fraction: bits === 32 ? v[0] / 2 ** 32 : Number(big) / 2 ** 64,
      points: v.slice(WALK_HEADER + skipped),
      skipped: this.#set.list(v.subarray(WALK_HEADER, WALK_HEADER + skipped)),
      owner: this.#set.at(v[2]),
    };
  }

  /**
   * What adding `node` would move, without adding it: `sampleKeys` (the keys
   * as assigned, in order) are placed on the ring as it is and with `node`,
   * both from no load (the current counts are not used), and compared. Gives
   * the ideal (the node's weight share), what a plain ring would move, and
   * which keys move, counting the cascades between old nodes
   * ({@link BoundedMovement}).
   *
   * @example
   * ```js
   * const keys = Array.from({ length: 1000 }, (_, i) => `s:${i}`);
   * const m = lb.movementOnAdd('backend-4', { sampleKeys: keys });
   * m.idealFraction;       // 0.25 = 1/(N+1)
   * m.keys.movedFraction;  // ≈ 0.27: the new node's share plus cascades
   * m.keys.cascaded;       // keys that moved between two old nodes
   * ```
   * @throws {TypeError} / {RangeError} as {@link BoundedLoadRing.add}.
   * @throws {Error} if the ring is empty.
   */
  movementOnAdd(node: N, opts?: NodeOptions & MovementOptions): BoundedMovement<N> {
    const o = options('options', opts);
    const [weight, vnodes] = nodeOpts(o);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const v = this.#set.raw.movement_on_add(name, weight, vnodes, sampleCount(samples));
    return boundedMovement(v, samples, this.#set.withNext(node));
  }

  /**
   * What removing `node` would move, without removing it (as
   * {@link BoundedLoadRing.movementOnAdd}; cascades are moved keys that were
   * not on `node`).
   *
   * @example
   * ```js
   * const m = lb.movementOnRemove('backend-2', { sampleKeys: keys });
   * m.keys.moved.filter((k) => k.from !== 'backend-2').length === m.keys.cascaded; // true
   * ```
   * @throws {RangeError} if `node` is not on the ring.
   * @throws {Error} if it is the only node.
   */
  movementOnRemove(node: N, opts?: MovementOptions): BoundedMovement<N> {
    const o = options('options', opts);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const v = this.#set.raw.movement_on_remove(name, sampleCount(samples));
    return boundedMovement(v, samples, this.#set.at);
  }

  /** Frees the wasm memory; later calls throw. @example `lb.free();` */
  free(): void {
    this.#set.free();
  }

  /** Same as {@link BoundedLoadRing.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Rendezvous (highest random weight) hashing, with weights: every node scores
 * every key and the highest score wins. Adding a node moves only the keys it
 * wins (its weight share); removing one moves only its keys. Balance is as
 * even as independent draws allow. Cost: O(N) per lookup, no tables: the
 * choice for tens of nodes, or when `getN` must stay stable under churn.
 *
 * @example
 * ```js
 * import { Rendezvous } from 'quorumkit';
 * const hrw = new Rendezvous();
 * hrw.add('shard-a').add('shard-b', { weight: 2 }).add('shard-c');
 * hrw.get('user:7');      // "shard-b"
 * hrw.getN('user:7', 2);  // ["shard-b", "shard-c"]
 * ```
 */
export class Rendezvous<N extends Key = string> {
  #set = new NodeSet<N, raw.RawRendezvous>(new raw.RawRendezvous(), 'Rendezvous');

  /** Number of nodes. @example `hrw.size; // 3` */
  get size(): number {
    return this.#set.count;
  }

  /**
   * Adds a weighted node.
   * @example `hrw.add('shard-d', { weight: 0.5 });`
   * @throws {TypeError} if `node` is not a string or `Uint8Array`.
   * @throws {RangeError} if `node` is present or `weight` is not finite and > 0.
   */
  add(node: N, opts?: Pick<NodeOptions, 'weight'>): this {
    const [weight] = nodeOpts(opts);
    this.#set.set(this.#set.raw.add(writeKey(node, 'node'), weight), node);
    return this;
  }

  /** Removes a node; returns whether it was present. @example `hrw.remove('shard-a');` */
  remove(node: N): boolean {
    return this.#set.remove(node);
  }

  /** Whether `node` is present. @example `hrw.has('shard-a');` */
  has(node: N): boolean {
    return this.#set.has(node);
  }

  /**
   * The node with the highest score for `key`.
   * @example `hrw.get('user:7');`
   * @throws {Error} if there are no nodes.
   */
  get(key: Key): N {
    return lookup(this.#set, key);
  }

  /** The owners of many keys in one call. @example `hrw.getMany(['a', 'b']);` */
  getMany(keys: readonly Key[]): N[] {
    return lookupMany(this.#set, keys);
  }

  /**
   * The `n` highest-scoring nodes, best first.
   * @example `hrw.getN('user:7', 2);`
   * @throws {RangeError} if `n` is not an integer or exceeds the node count.
   */
  getN(key: Key, n: number): N[] {
    return preferences(this.#set, key, n);
  }

  /** Nodes in insertion order. @example `hrw.nodes();` */
  nodes(): N[] {
    return this.#set.nodes();
  }

  /**
   * What adding `node` would move, without adding it: the ideal (its weight
   * share) and, given sample keys, which of them change owner (all to `node`).
   *
   * @example
   * ```js
   * const m = hrw.movementOnAdd('shard-d', { weight: 1, sampleKeys: keys });
   * m.idealFraction;        // 0.2: shard-d's weight share, 1 / (1 + 2 + 1 + 1)
   * m.keys.movedFraction;   // ≈ 0.2
   * ```
   * @throws {TypeError} / {RangeError} as {@link Rendezvous.add}.
   * @throws {Error} if there are no nodes yet.
   */
  movementOnAdd(node: N, opts?: Pick<NodeOptions, 'weight'> & MovementOptions): SampleMovement<N> {
    const o = options('options', opts);
    const [weight] = nodeOpts(o);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const v = this.#set.raw.movement_on_add(name, weight, sampleCount(samples));
    return sampleMovement(v, samples, this.#set.withNext(node));
  }

  /**
   * What removing `node` would move, without removing it (its weight share, and the sample keys it held).
   *
   * @example
   * ```js
   * hrw.movementOnRemove('shard-b', { sampleKeys: keys }).keys.moved.every((m) => m.from === 'shard-b'); // true
   * ```
   * @throws {RangeError} if `node` is not present.
   * @throws {Error} if it is the only node.
   */
  movementOnRemove(node: N, opts?: MovementOptions): SampleMovement<N> {
    return sampleMovementOnRemove(this.#set, node, opts);
  }

  /**
   * Load per node over sample keys.
   * @example `hrw.stats(keys).sample.peakToMean; // ≈ 1.01 for 100k keys`
   */
  stats(sampleKeys: readonly Key[]): { nodes: { node: N; sampleShare: number }[]; sample: LoadSummary } {
    const s = this.#set.raw.sample_stats(writeKeys(sampleKeys, 'sampleKeys'));
    const nodes = Array.from(this.#set.raw.nodes(), (i) => ({ node: this.#set.at(i), sampleShare: s[STATS_HEADER + i] }));
    return { nodes, sample: summary(s) };
  }

  /** Frees the wasm memory; later calls throw. @example `hrw.free();` */
  free(): void {
    this.#set.free();
  }

  /** Same as {@link Rendezvous.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Options of `new Maglev(…)`. */
export interface MaglevOptions {
  /** Lookup-table size, a prime in 3..=16777216 larger than the node count (default 65537). */
  tableSize?: number;
}

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): a prime-sized lookup table
 * that the nodes fill in turn, each along its own permutation. Every node
 * holds ⌊M/N⌋ or ⌈M/N⌉ entries, so balance is within N/M; a change moves the
 * node's share plus a few percent reshuffled between others. O(1) lookups;
 * each membership change rebuilds the table (O(M log M)); 4 bytes per entry.
 * No weights. The table depends only on the set of names, not on their order.
 *
 * @example
 * ```js
 * import { Maglev } from 'quorumkit';
 * const m = new Maglev({ tableSize: 65537 });
 * m.addMany(['lb-1', 'lb-2', 'lb-3']);
 * m.get('10.1.2.3:5555');   // "lb-2"
 * m.table();                // Uint32Array view of the 65537 owner indices
 * ```
 */
export class Maglev<N extends Key = string> {
  #set: NodeSet<N, raw.RawMaglev>;

  /**
   * @throws {TypeError} if `tableSize` is not a number.
   * @throws {RangeError} if `tableSize` is not a prime in 3..=16777216.
   */
  constructor(opts?: MaglevOptions) {
    const o = options('options', opts);
    this.#set = new NodeSet(new raw.RawMaglev(optionalNumber('tableSize', o.tableSize)), 'Maglev');
  }

  /** Number of nodes. @example `m.size; // 3` */
  get size(): number {
    return this.#set.count;
  }

  /**
   * Adds a node and rebuilds the table.
   * @example `m.add('lb-4');`
   * @throws {TypeError} if `node` is not a string or `Uint8Array`.
   * @throws {RangeError} if `node` is present or the table is not larger than the node count.
   */
  add(node: N): this {
    this.#set.set(this.#set.raw.add(writeKey(node, 'node')), node);
    return this;
  }

  /**
   * Adds many nodes, rebuilding the table once. All or nothing.
   * @example `m.addMany(['lb-1', 'lb-2']);`
   */
  addMany(nodes: readonly N[]): this {
    this.#set.setAll(this.#set.raw.add_many(writeKeys(nodes, 'nodes')), nodes);
    return this;
  }

  /** Removes a node and rebuilds the table; returns whether it was present. @example `m.remove('lb-1');` */
  remove(node: N): boolean {
    return this.#set.remove(node);
  }

  /** Whether `node` is present. @example `m.has('lb-1');` */
  has(node: N): boolean {
    return this.#set.has(node);
  }

  /**
   * The node owning `key`.
   * @example `m.get('flow:1');`
   * @throws {Error} if there are no nodes.
   */
  get(key: Key): N {
    return lookup(this.#set, key);
  }

  /** The owners of many keys in one call. @example `m.getMany(['a', 'b']);` */
  getMany(keys: readonly Key[]): N[] {
    return lookupMany(this.#set, keys);
  }

  /** Nodes in insertion order. @example `m.nodes();` */
  nodes(): N[] {
    return this.#set.nodes();
  }

  /**
   * The lookup table: owner index per entry (into `nodes` by index, see
   * {@link HashRing.points}), a view over wasm memory valid until the next
   * call that may grow memory. Empty without nodes.
   * @example `const t = m.table(); t.length; // 65537`
   */
  table(): Uint32Array {
    const r = this.#set.raw;
    return new Uint32Array(wasm().memory.buffer, r.table_ptr(), r.table_len);
  }

  /** Node by index, for reading {@link Maglev.table}. @example `m.nodeAt(m.table()[0]);` */
  nodeAt(index: number): N | undefined {
    return this.#set.byIndex[index];
  }

  /**
   * What adding `node` would move, without adding it: the exact fraction of
   * table entries that change owner, the ideal `1/(N+1)`, and, given sample
   * keys, which of them change owner.
   *
   * @example
   * ```js
   * const mv = m.movementOnAdd('lb-4', { sampleKeys: keys });
   * mv.tableFraction;   // 0.26: lb-4's quarter plus a little reshuffling
   * mv.idealFraction;   // 0.25
   * ```
   * @throws {TypeError} / {RangeError} as {@link Maglev.add}.
   * @throws {Error} if there are no nodes yet.
   */
  movementOnAdd(node: N, opts?: MovementOptions): SampleMovement<N> {
    const o = options('options', opts);
    const name = bytesOf(node, 'node');
    const samples = o.sampleKeys;
    const v = this.#set.raw.movement_on_add(name, sampleCount(samples));
    return sampleMovement(v, samples, this.#set.withNext(node));
  }

  /**
   * What removing `node` would move, without removing it (ideal `1/N`).
   * @example `m.movementOnRemove('lb-2').tableFraction; // ≈ 0.35 of 3 nodes`
   * @throws {RangeError} if `node` is not present.
   * @throws {Error} if it is the only node.
   */
  movementOnRemove(node: N, opts?: MovementOptions): SampleMovement<N> {
    return sampleMovementOnRemove(this.#set, node, opts);
  }

  /**
   * Load per node by table entries and, given sample keys, by counting them.
   * @example `m.stats().table.peakToMean; // 1.0005`
   */
  stats(sampleKeys?: readonly Key[]): { nodes: { node: N; tableShare: number; sampleShare?: number }[]; table: LoadSummary; sample?: LoadSummary } {
    const r = this.#set.raw;
    const t = r.table_stats();
    const s = sampleKeys === undefined ? undefined : r.sample_stats(writeKeys(sampleKeys, 'sampleKeys'));
    const nodes = Array.from(r.nodes(), (i) => {
      const e: { node: N; tableShare: number; sampleShare?: number } = { node: this.#set.at(i), tableShare: t[STATS_HEADER + i] };
      if (s) e.sampleShare = s[STATS_HEADER + i];
      return e;
    });
    return s ? { nodes, table: summary(t), sample: summary(s) } : { nodes, table: summary(t) };
  }

  /** Frees the table's wasm memory; later calls throw. @example `m.free();` */
  free(): void {
    this.#set.free();
  }

  /** Same as {@link Maglev.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }
}

function buckets(b: unknown): number {
  if (typeof b !== 'number') throw typeError('buckets', 'a number', b);
  if (!Number.isInteger(b) || b < 1 || b > MAX_U32) throw rangeError('buckets', 'an integer in 1..=4294967295', b);
  return b;
}

/**
 * Jump consistent hash (Lamping & Veach 2014): the bucket in `0..buckets` of
 * `key`. A `bigint` key (0..2^64-1) is used as is, exactly as in the paper; a
 * string or `Uint8Array` is hashed with XXH64 first. Near-perfect balance, no
 * memory, O(ln n); growing to n+1 buckets moves exactly 1/(n+1) of the keys,
 * all into the new bucket. Buckets are numbered, so only the last one can be
 * removed: for named nodes that come and go, use {@link HashRing} or
 * {@link Rendezvous}.
 *
 * @example
 * ```js
 * import { jumpHash } from 'quorumkit';
 * jumpHash('user:42', 10);   // 0..9
 * jumpHash(1n, 2 ** 31);     // the paper's function on a 64-bit key
 * ```
 * @throws {TypeError} if `key` is not a string, `Uint8Array` or bigint, or `buckets` not a number.
 * @throws {RangeError} if `buckets` is not an integer in 1..=2^32-1 or a bigint key is out of range.
 */
export function jumpHash(key: Key | bigint, buckets_: number): number {
  const b = buckets(buckets_);
  if (typeof key === 'bigint') {
    if (key < 0n || key > 0xffff_ffff_ffff_ffffn) throw rangeError('key', 'a bigint in 0..=2^64-1', key);
    return raw.jump_u64(key, b);
  }
  return raw.jump_key(writeKey(key), b);
}

/**
 * Jump hash of many keys in one call.
 *
 * @example
 * ```js
 * import { jumpHashMany } from 'quorumkit';
 * jumpHashMany(['user:1', 'user:2'], 10); // Uint32Array [ 3, 8 ]
 * ```
 * @throws {TypeError} / {RangeError} as {@link jumpHash}.
 */
export function jumpHashMany(keys: readonly Key[], buckets_: number): Uint32Array {
  const b = buckets(buckets_);
  const count = writeKeys(keys);
  reserveOutput(count * 4);
  raw.jump_batch(count, b);
  const out = readOutput(count * 4);
  return new Uint32Array(out.slice().buffer);
}

/**
 * Load per bucket of jump hash over sample keys, counted in wasm: the same
 * shape as {@link Rendezvous.stats} and {@link Maglev.stats}, with the bucket
 * number as `node`. Each key is hashed as by {@link jumpHash}.
 *
 * @example
 * ```js
 * import { jumpStats } from 'quorumkit';
 * const keys = Array.from({ length: 10000 }, (_, i) => `user:${i}`);
 * const s = jumpStats(keys, 4);
 * s.nodes;               // [{ node: 0, sampleShare: 0.2513 }, { node: 1, … }, …]
 * s.sample.peakToMean;   // ≈ 1.02
 * ```
 * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s, or `buckets` is not a number.
 * @throws {RangeError} if `buckets` is not an integer in 1..=65536 (one counter per bucket).
 */
export function jumpStats(keys: readonly Key[], buckets_: number): { nodes: { node: number; sampleShare: number }[]; sample: LoadSummary } {
  const b = integer('buckets', buckets_, 1, 65536);
  const s = raw.jump_sample_stats(writeKeys(keys, 'keys'), b);
  const nodes = Array.from({ length: b }, (_, i) => ({ node: i, sampleShare: s[STATS_HEADER + i] }));
  return { nodes, sample: summary(s) };
}

/**
 * What changing jump hash from `from` to `to` buckets moves, over sample
 * keys: the ideal `|to − from| / max(from, to)` (`1/(n+1)` for one bucket,
 * which jump hash meets in expectation) and which keys change bucket (on
 * growth, only into the new buckets). Bucket numbers stand for the nodes.
 *
 * @example
 * ```js
 * import { jumpMovement } from 'quorumkit';
 * const m = jumpMovement(keys, 4, 5);
 * m.idealFraction;                              // 0.2
 * m.keys.moved.every((k) => k.to === 4);        // true
 * ```
 * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s, or `from`/`to` not numbers.
 * @throws {RangeError} if `from` or `to` is not an integer in 1..=4294967295.
 */
export function jumpMovement(keys: readonly Key[], from: number, to: number): SampleMovement<number> & { keys: NonNullable<SampleMovement<number>['keys']> } {
  const f = integer('from', from, 1, MAX_U32);
  const t = integer('to', to, 1, MAX_U32);
  const v = raw.jump_sample_movement(writeKeys(keys, 'keys'), f, t);
  return sampleMovement(v, keys, (i) => i) as SampleMovement<number> & { keys: NonNullable<SampleMovement<number>['keys']> };
}
