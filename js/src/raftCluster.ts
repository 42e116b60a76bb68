/**
 * RaftCluster: a deterministic, fault-injecting Raft cluster simulator on virtual time,
 * running the real algorithm (Ongaro & Ousterhout, 2014) and checking its
 * safety properties after every event.
 *
 * ```js
 * import { RaftCluster } from 'quorumkit';
 * const c = new RaftCluster({ nodes: 5, seed: 42 });
 * c.advance(1000);                 // virtual ms: a leader is elected
 * c.propose('x=1');
 * c.advance(200);
 * c.state().nodes.map((n) => n.commit);
 * ```
 * @module
 */
import { raw, writeKey, memoryBytes, memoryF64 } from './bind/raft-sim.js';
import { optionalBoolean, optionalNumber, options, rangeError, seed64, typeError } from './internal/errors.js';
import { freed } from './internal/freed.js';
import { named } from './internal/codes.js';
import type { RaftMessageKind, RaftRole } from './raftNode.js';
import {
  MESSAGE_KINDS as KIND_NAMES,
  ROLES as ROLE_NAMES,
  SIM_CHANGES,
  SIM_DROP_REASONS,
  SIM_ENTRY_FIELDS as ENTRY_FIELDS,
  SIM_EVENT_FIELDS as EVENT_FIELDS,
  SIM_EVENT_TYPES,
  SIM_FLIGHT_FIELDS as FLIGHT_FIELDS,
  SIM_NODE_FIELDS as NODE_FIELDS,
  SIM_OP_FIELDS as OP_FIELDS,
  SIM_OPS,
  SIM_READ_FIELDS as READ_FIELDS,
  SIM_STATE_HEADER as STATE_HEADER,
} from './raw/layout.js';

/** Why a message was lost: the drop rate, a partition or cut, or a crashed recipient. */
export type ClusterDropReason = 'lost' | 'partition' | 'crashed';

/** Options of `new RaftCluster(…)`. Times are virtual milliseconds. */
export interface RaftClusterOptions {
  /** The number of nodes, 1..=9; their ids are `1..=nodes`. */
  nodes: number;
  /**
   * Seeds every random choice: a number (0..=2^53-1) or a bigint (0..=2^64-1). Default: a
   * random one, readable as {@link RaftCluster.seed}, so any run can be replayed.
   */
  seed?: number | bigint;
  /** Base election timeout `et` (default 150); each timeout is drawn from `[et, 2·et)`. */
  electionTimeout?: number;
  /** The leader's heartbeat interval (default 50), at least one 10 ms tick and below `electionTimeout`. */
  heartbeat?: number;
  /** Message latency: a fixed delay, or `{ min, max }` for a uniform one (default 5–25), max ≤ 60000. */
  latency?: number | { min: number; max: number };
  /** Probability that a message is lost (default 0). */
  dropRate?: number;
  /** Probability that a message is delivered twice (default 0). */
  dupRate?: number;
  /** Probability that a message is held back and overtaken (default 0). */
  reorderRate?: number;
  /**
   * Pre-vote (thesis §9.6, default false): a node first asks whether it could win before it
   * raises its term, so a node that rejoins after a partition does not depose a healthy leader.
   */
  preVote?: boolean;
  /**
   * Check-quorum (default false): a leader that has not heard from a majority for an election
   * timeout steps down, and followers that hear from a live leader ignore vote requests (a lease).
   */
  checkQuorum?: boolean;
  /**
   * Log compaction (§7, default 0: never): each node takes a snapshot and drops its log prefix
   * once it has applied this many entries past its last snapshot; a follower that lags behind the
   * leader's log gets the snapshot (an InstallSnapshot message, kind `'Snapshot'`).
   */
  compactEvery?: number;
  /**
   * How many nodes (ids `1..=voters`) form the initial configuration (default 0: all of them).
   * The others run but stay outside the cluster until {@link RaftCluster.addLearner} adds them.
   */
  voters?: number;
}

/** One log entry. Entries with equal `index` and `term` are the same entry (Log Matching). */
export interface ClusterEntry {
  /** Position in the log, from 1. */
  readonly index: number;
  /** Term of the leader that created it. */
  readonly term: number;
  /** The proposed bytes (empty for a new leader's no-op entry). Do not modify. */
  readonly data: Uint8Array;
  /** `data` decoded as UTF-8. */
  readonly text: string;
}

/** A node in a {@link RaftClusterState}. */
export interface ClusterNodeState {
  /** The node's id, 1..=nodes. */
  readonly id: number;
  /** Whether it is running (a crashed node shows its persisted term, vote, commit and log). */
  readonly up: boolean;
  /** Its role (a crashed node shows as follower). */
  readonly role: RaftRole;
  /** Its current term. */
  readonly term: number;
  /** Whom it voted for in `term`, or null. */
  readonly vote: number | null;
  /** The leader it knows, or null. */
  readonly leader: number | null;
  /** Its commit index. */
  readonly commit: number;
  /** The last index its state machine applied. */
  readonly applied: number;
  /** Its log. The array is shared with earlier snapshots while the log is unchanged. */
  readonly log: readonly ClusterEntry[];
  /** Virtual ms since its election timer was reset. */
  readonly electionElapsed: number;
  /** Its current randomized election timeout in ms. */
  readonly electionTimeout: number;
  /** `electionElapsed / electionTimeout`, capped at 1. */
  readonly electionProgress: number;
  /** The index its latest snapshot covers (0 without compaction): `log[0].index` is one more. */
  readonly snapshotIndex: number;
  /** The voting members, in the node's own view of the configuration (what it last knew if down). */
  readonly voters: readonly number[];
  /** The learners (non-voting members) in the node's own view of the configuration. */
  readonly learners: readonly number[];
}

/** A message's identity and timing. */
export interface ClusterMessage {
  /** Unique within the run (a duplicate gets its own). */
  readonly id: number;
  /** What it is. */
  readonly kind: RaftMessageKind;
  /** Sender. */
  readonly from: number;
  /** Recipient. */
  readonly to: number;
  /** The sender's term. */
  readonly term: number;
  /** Virtual ms it was sent at. */
  readonly sent: number;
  /** Virtual ms it arrives (or arrived) at; equal to `sent` if dropped at once. */
  readonly arrive: number;
  /** How many log entries it carries. */
  readonly entries: number;
}

/** A message in flight. */
export interface ClusterFlight extends ClusterMessage {
  /** `(now - sent) / (arrive - sent)`, in [0, 1]: where to draw it. */
  readonly progress: number;
  /**
   * For a reply that can refuse: `'VoteResp'` and `'PreVoteResp'` (whether the vote is
   * granted) and `'AppendResp'` (whether the entries matched and were stored; a refusal
   * makes the leader back up). `null` for every other kind.
   */
  readonly granted: boolean | null;
}

/**
 * A leader's view of one follower or learner: `match` is the highest log index known to be
 * replicated on `node`, `next` the index the leader sends from (Raft §5.3).
 * @example
 * ```js
 * const [p] = c.progress(c.state().leader); // { node: 2, match: 7, next: 8 }
 * ```
 */
export interface ClusterPeerProgress {
  readonly node: number;
  readonly match: number;
  readonly next: number;
}

/** Everything a visualizer draws in one frame. */
export interface RaftClusterState {
  /** Virtual time, ms. */
  readonly time: number;
  /** The live leader with the highest term, or null. */
  readonly leader: number | null;
  /** Whether the run stopped at an invariant violation (see {@link RaftCluster.violations}). */
  readonly stopped: boolean;
  /** Every node, by id (`nodes[0]` is node 1). */
  readonly nodes: readonly ClusterNodeState[];
  /** Every message in flight, by arrival time. */
  readonly messages: readonly ClusterFlight[];
}

/** One entry of the event log. Every event has `type` and `time` (virtual ms). */
export type ClusterEvent =
  | { type: 'send' | 'deliver'; time: number; message: ClusterMessage }
  | { type: 'drop'; time: number; message: ClusterMessage; reason: ClusterDropReason }
  | { type: 'role'; time: number; node: number; role: RaftRole; term: number; leader: number | null }
  | { type: 'vote'; time: number; node: number; term: number; candidate: number }
  | { type: 'append'; time: number; node: number; first: number; last: number; term: number }
  | { type: 'commit'; time: number; node: number; index: number }
  | { type: 'apply'; time: number; node: number; first: number; last: number }
  | { type: 'propose'; time: number; node: number; index: number }
  | { type: 'timeout' | 'crash' | 'restart'; time: number; node: number }
  | { type: 'partition'; time: number; groups: number[][] }
  | { type: 'cut'; time: number; from: number; to: number }
  | { type: 'heal'; time: number }
  | { type: 'snapshot'; time: number; node: number; index: number; received: boolean }
  | { type: 'membership'; time: number; leader: number; index: number; node: number; change: 'add-learner' | 'promote' | 'remove' }
  | { type: 'transfer'; time: number; from: number; to: number };

/** A broken safety property, with a readable report. */
export interface ClusterViolation {
  /** The property, as the paper names it: `"Election Safety"`, `"Log Matching"`, … */
  readonly rule: string;
  /** The run's seed: replay it with the same actions to see it again. */
  readonly seed: bigint;
  /** How many events had run. */
  readonly step: number;
  /** Virtual ms. */
  readonly time: number;
  /** What exactly went wrong. */
  readonly detail: string;
  /** Every node's role, term, vote, commit and log, one line each. */
  readonly nodes: string;
  /** The whole report, as printed by the Rust simulator. */
  readonly report: string;
}

/** A linearizable read a node confirmed ({@link RaftCluster.readIndex}, or a client's get). */
export interface ClusterRead {
  /** The node that confirmed it. */
  readonly node: number;
  /** The read's tag. */
  readonly ctx: number;
  /** Its read index: the read sees every write up to it. */
  readonly index: number;
  /** When it was confirmed (virtual ms). */
  readonly time: number;
}

/** Options of {@link RaftCluster.startClients}. Times are virtual milliseconds. */
export interface ClusterClientOptions {
  /** How many clients run at once, 1..=16; each has one operation outstanding at a time. */
  clients: number;
  /** Keys are drawn from `0..keys`, 1..=1000 (default 3). */
  keys?: number;
  /** Operations each client issues before it stops, 0..=1000000 (default 10). */
  opsPerClient?: number;
  /** A client gives up on an operation after this long: its outcome is then unknown (default 1000). */
  timeout?: number;
  /** The most a client waits between operations, and before retrying a refused one (default 40). */
  think?: number;
  /** Whether clients also issue compare-and-set operations (default true). */
  cas?: boolean;
  /** Seeds the clients' choices (default: the cluster's seed). */
  seed?: number | bigint;
}

/** One operation of a simulated key-value client, as recorded for the linearizability check. */
export interface ClusterClientOp {
  /** The client, from 0. */
  readonly client: number;
  /** A get (ReadIndex), a put, or a compare-and-set (both proposed as log entries). */
  readonly type: 'get' | 'put' | 'cas';
  readonly key: number;
  /** The value a put or compare-and-set writes (absent for a get). */
  readonly value?: number;
  /** The value a compare-and-set expects, or null for "the key is absent" (absent otherwise). */
  readonly expect?: number | null;
  /** When the client issued it (virtual ms). */
  readonly invoked: number;
  /** When the answer came back, or null if the client timed out: the outcome is unknown. */
  readonly completed: number | null;
  /**
   * The answer: for a get the value read (null: absent), for a put true, for a
   * compare-and-set whether it wrote. Absent when the outcome is unknown.
   */
  readonly result?: number | null | boolean;
}

/** The verdict of {@link RaftCluster.checkLinearizable}. */
export type ClusterLinearizability =
  | { readonly linearizable: true; readonly operations: number }
  | { readonly linearizable: false; readonly operations: number; readonly key: number; readonly report: string };

// Names by code, from the Rust tables (raw/layout.ts); typed here, so a name the
// Rust side adds that these types lack fails to compile.
const ROLES: readonly RaftRole[] = ROLE_NAMES;
const KINDS: readonly RaftMessageKind[] = KIND_NAMES;
const REASONS: readonly ClusterDropReason[] = SIM_DROP_REASONS;
const CHANGES: readonly Extract<ClusterEvent, { type: 'membership' }>['change'][] = SIM_CHANGES;
const OPS: readonly ClusterClientOp['type'][] = SIM_OPS;
const EVENT_TYPES: readonly ClusterEvent['type'][] = SIM_EVENT_TYPES;
const EVENT_CHUNK = 4096;
const EMPTY: readonly ClusterEntry[] = Object.freeze([]);

const decoder = new TextDecoder();

class Entry implements ClusterEntry {
  readonly index: number;
  readonly term: number;
  readonly data: Uint8Array;
  #text: string | undefined;
  constructor(index: number, term: number, data: Uint8Array) {
    this.index = index;
    this.term = term;
    this.data = data;
  }
  get text(): string {
    return (this.#text ??= decoder.decode(this.data));
  }
}

/** A random 64-bit seed, from the platform's cryptographic generator. */
function randomSeed(): bigint {
  const w = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(w[0]) << 32n) | BigInt(w[1]);
}

const MEMBERS = new Map<number, readonly number[]>();

/** The ids whose bits are set in `mask`, as one frozen array per distinct mask. */
function members(mask: number): readonly number[] {
  let ids = MEMBERS.get(mask);
  if (ids === undefined) {
    const out: number[] = [];
    for (let id = 1; id < 32; id++) if (mask & (1 << id)) out.push(id);
    ids = Object.freeze(out);
    MEMBERS.set(mask, ids);
  }
  return ids;
}

function nodeId(param: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(param, 'a node id (number)', v);
  return v;
}

function message(n: Float64Array, at: number): ClusterMessage {
  return {
    id: n[at],
    kind: named(KINDS, n[at + 1], 'message kind'),
    from: n[at + 2],
    to: n[at + 3],
    term: n[at + 4],
    sent: n[at + 5],
    arrive: n[at + 6],
    entries: n[at + 7],
  };
}

/**
 * A simulated Raft cluster on virtual time: nodes `1..=nodes`, a network with
 * latency, loss, duplication, reordering, partitions and one-way cuts, and
 * crashes and restarts that keep exactly what each node persisted. Nothing
 * happens until you advance time. The same seed and the same calls give the
 * same history, event for event.
 *
 * An invariant checker runs after every event over the whole history (Election
 * Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine
 * Safety, committed entries never change, terms and commit indices never go
 * back); the first violation stops the run and appears in {@link violations}.
 *
 * The cluster lives in wasm memory: call {@link free} when done.
 *
 * @example
 * ```js
 * import { RaftCluster } from 'quorumkit';
 * const c = new RaftCluster({ nodes: 5, seed: 7, dropRate: 0.05 });
 * c.advance(1000);
 * const leader = c.state().leader;
 * c.crash(leader);
 * c.advance(1000);                 // a new leader takes over
 * c.partition([[1, 2], [3, 4, 5]]);
 * c.propose('hello');
 * c.heal();
 * c.advance(500);
 * for (const e of c.events(0)) if (e.type === 'role') console.log(e.time, e.node, e.role);
 * c.violations();                  // []
 * c.free();
 * ```
 */
export class RaftCluster {
  #raw: raw.RawRaftCluster;
  #logs: (readonly ClusterEntry[])[];
  /** The number of nodes. */
  readonly size: number;
  /** The seed the run was made with (given, or drawn at random): replay the run with it. */
  readonly seed: bigint;

  /**
   * @throws {TypeError} if an option has the wrong type (`seed` must be a number or bigint).
   * @throws {RangeError} if `nodes` is outside 1..=9, `seed` is negative, fractional or
   *   too large, `electionTimeout` or `heartbeat` is out of range (the heartbeat must be
   *   at least a 10 ms tick and below the election timeout), `latency` has `min > max`
   *   or `max > 60000`, a rate lies outside [0, 1], `compactEvery` is negative or fractional,
   *   or `voters` is outside 0..=nodes. (`preVote` and `checkQuorum` must be booleans.)
   * @example
   * ```js
   * // Pre-vote and check-quorum on, logs compacted every 50 entries, node 5 outside the cluster.
   * const c = new RaftCluster({ nodes: 5, seed: 3, preVote: true, checkQuorum: true, compactEvery: 50, voters: 4 });
   * const r = new RaftCluster({ nodes: 3 }); // a random seed: r.seed replays it
   * ```
   */
  constructor(opts: RaftClusterOptions) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
      throw typeError('options', 'an options object with nodes', opts);
    }
    const {
      nodes, seed, electionTimeout, heartbeat, latency, dropRate, dupRate, reorderRate,
      preVote, checkQuorum, compactEvery, voters,
    } = opts;
    if (typeof nodes !== 'number') throw typeError('nodes', 'a number', nodes);
    const s = seed === undefined ? randomSeed() : seed64('seed', seed);
    let lmin: number | undefined;
    let lmax: number | undefined;
    if (typeof latency === 'number') {
      lmin = lmax = latency;
    } else if (latency !== undefined) {
      if (latency === null || typeof latency !== 'object') {
        throw typeError('latency', 'a number or { min, max } (ms)', latency);
      }
      lmin = optionalNumber('latency.min', latency.min);
      lmax = optionalNumber('latency.max', latency.max);
      if (lmin === undefined) throw typeError('latency.min', 'a number', undefined);
      if (lmax === undefined) throw typeError('latency.max', 'a number', undefined);
    }
    this.#raw = new raw.RawRaftCluster(
      nodes, s,
      optionalNumber('electionTimeout', electionTimeout), optionalNumber('heartbeat', heartbeat), lmin, lmax,
      optionalNumber('dropRate', dropRate), optionalNumber('dupRate', dupRate), optionalNumber('reorderRate', reorderRate),
      optionalBoolean('preVote', preVote), optionalBoolean('checkQuorum', checkQuorum),
      optionalNumber('compactEvery', compactEvery), optionalNumber('voters', voters),
    );
    this.size = nodes;
    this.seed = s;
    this.#logs = Array.from({ length: nodes }, () => EMPTY);
  }

  /**
   * Runs every event (deliveries, ticks) due in the next `ms` virtual milliseconds and
   * sets the clock to `now + ms`. Stops early if the run hits a violation.
   * @example
   * ```js
   * c.advance(16); // one animation frame at real-time speed
   * ```
   * @throws {TypeError} if `ms` is not a number. @throws {RangeError} if it is negative or fractional.
   */
  advance(ms: number): void {
    if (typeof ms !== 'number') throw typeError('ms', 'a number', ms);
    this.#raw.advance(ms);
  }

  /**
   * Runs only the next event (one delivery or one tick), moving the clock to it.
   * Returns false if nothing is scheduled or the run stopped.
   * @example
   * ```js
   * while (c.stepEvent() && c.now < 100) {} // event by event
   * ```
   */
  stepEvent(): boolean {
    return this.#raw.step_event();
  }

  /**
   * Crashes node `id`: it stops, and everything it had not persisted is lost.
   * @example
   * ```js
   * c.crash(c.state().leader);
   * ```
   * @throws {RangeError} for an unknown id. @throws {Error} if the node is already down.
   */
  crash(id: number): void {
    this.#raw.crash(nodeId('id', id));
  }

  /**
   * Restarts node `id` from its persisted term, vote and log.
   * @example
   * ```js
   * c.restart(3);
   * ```
   * @throws {RangeError} for an unknown id. @throws {Error} if the node is up.
   */
  restart(id: number): void {
    this.#raw.restart(nodeId('id', id));
  }

  /**
   * Splits the network into groups that cannot talk to each other; a node in no
   * group is isolated. Replaces any earlier partition or cut.
   * @example
   * ```js
   * c.partition([[1, 2], [3, 4, 5]]); // only 3, 4, 5 can elect a leader
   * ```
   * @throws {TypeError} if `groups` is not an array of arrays of numbers.
   * @throws {RangeError} if an id is unknown or listed twice.
   */
  partition(groups: readonly (readonly number[])[]): void {
    if (!Array.isArray(groups)) throw typeError('groups', 'an array of arrays of node ids', groups);
    const ids: number[] = [];
    const sizes: number[] = [];
    for (const g of groups) {
      if (!Array.isArray(g)) throw typeError('groups', 'an array of arrays of node ids', g);
      for (const id of g) {
        if (typeof id !== 'number') throw typeError('groups', 'arrays of node ids (numbers)', id);
        if (!Number.isInteger(id) || id < 1 || id > this.size) {
          throw rangeError('groups', `node ids in 1..=${this.size}`, id);
        }
        ids.push(id);
      }
      sizes.push(g.length);
    }
    this.#raw.partition(Uint32Array.from(ids), Uint32Array.from(sizes));
  }

  /**
   * Cuts the link from `from` to `to` in one direction only (a one-way partition).
   * @example
   * ```js
   * c.cut(1, 2); // 1 can no longer reach 2; 2 still reaches 1
   * ```
   * @throws {RangeError} for unknown ids or `from === to`.
   */
  cut(from: number, to: number): void {
    this.#raw.cut(nodeId('from', from), nodeId('to', to));
  }

  /**
   * Removes every partition and cut.
   * @example
   * ```js
   * c.heal();
   * ```
   */
  heal(): void {
    this.#raw.heal();
  }

  /**
   * What leader `id` knows of each other member (the leader's `matchIndex` and
   * `nextIndex`, Raft §5.3): `match` is the highest entry known to be stored there, `next`
   * the entry it sends from. Empty if `id` is down or not the leader.
   * @example
   * ```js
   * c.progress(c.state().leader); // [{ node: 2, match: 7, next: 8 }, { node: 3, match: 5, next: 6 }, …]
   * ```
   * @throws {TypeError} if `id` is not a number. @throws {RangeError} for an unknown id.
   */
  progress(id: number): ClusterPeerProgress[] {
    const t = this.#raw.progress(nodeId('id', id));
    const out: ClusterPeerProgress[] = [];
    for (let i = 0; i + 2 < t.length; i += 3) out.push({ node: t[i], match: t[i + 1], next: t[i + 2] });
    return out;
  }

  /**
   * Fires node `id`'s election timeout now: it becomes a candidate of the next term.
   * @example
   * ```js
   * c.timeout(2);
   * c.advance(100); // node 2 wins unless its log is behind
   * ```
   * @throws {RangeError} for an unknown id. @throws {Error} if the node is down.
   */
  timeout(id: number): void {
    this.#raw.timeout(nodeId('id', id));
  }

  /**
   * Proposes `data` (a string, stored as UTF-8, or bytes) to the current leader; it
   * commits once a majority stores it. Returns the leader and the entry's index.
   * @example
   * ```js
   * const { leader, index } = c.propose('x=1');
   * ```
   * @throws {TypeError} if `data` is not a string or `Uint8Array`.
   * @throws {Error} if no live node leads (advance time first), the leader is handing
   *   leadership over ({@link transferLeader}: retry once it ends), or the run stopped.
   */
  propose(data: string | Uint8Array): { leader: number; index: number } {
    const index = this.#raw.propose(writeKey(data, 'data'));
    return { leader: this.#raw.leader, index };
  }

  /**
   * Asks the leader to hand leadership to voter `to` (thesis §3.10): the leader stops taking
   * proposals, brings `to`'s log up to date, then tells it to start an election at once
   * (TimeoutNow). The transfer completes, or is abandoned after an election timeout, as time
   * advances. Returns the leader that was asked.
   * @example
   * ```js
   * c.advance(1000);
   * const from = c.transferLeader(3);
   * c.advance(300);
   * c.state().leader; // 3
   * ```
   * @throws {TypeError} if `to` is not a number. @throws {RangeError} for an unknown id, or a
   *   node that is not a voter. @throws {Error} if no live node leads, or the run stopped.
   */
  transferLeader(to: number): number {
    return this.#raw.transfer_leader(nodeId('to', to));
  }

  /**
   * Asks the leader to add node `id` as a learner (thesis §4.2.1): it receives the log but does
   * not vote or count toward a quorum until {@link promote}d. Only one membership change may be
   * in progress at a time. Returns the index of the change in the leader's log; it takes effect
   * when appended.
   * @example
   * ```js
   * const c = new RaftCluster({ nodes: 5, seed: 1, voters: 3 }); // 4 and 5 start outside
   * c.advance(1000);
   * c.addLearner(4);
   * c.advance(300);
   * c.promote(4);                    // now 4 of 5 nodes vote
   * ```
   * @throws {TypeError} if `id` is not a number. @throws {RangeError} for an unknown id, or a
   *   node that is already a member. @throws {Error} if no live node leads, a change is in
   *   progress, or the run stopped.
   */
  addLearner(id: number): number {
    return this.#raw.add_learner(nodeId('id', id));
  }

  /**
   * Asks the leader to make learner `id` a voter. Returns the index of the change.
   * @example
   * ```js
   * c.promote(4);
   * ```
   * @throws {TypeError} if `id` is not a number. @throws {RangeError} for an unknown id or a
   *   node that is not a learner. @throws {Error} as for {@link addLearner}.
   */
  promote(id: number): number {
    return this.#raw.promote(nodeId('id', id));
  }

  /**
   * Asks the leader to remove member `id` (voter or learner) from the configuration. A removed
   * leader steps down once the change commits; a removed node keeps running, outside the
   * cluster. Returns the index of the change.
   * @example
   * ```js
   * c.remove(2);
   * c.advance(300);
   * c.state().nodes[0].voters; // no 2
   * ```
   * @throws {TypeError} if `id` is not a number. @throws {RangeError} for an unknown id or a
   *   node that is not a member. @throws {Error} as for {@link addLearner}.
   */
  remove(id: number): number {
    return this.#raw.remove(nodeId('id', id));
  }

  /**
   * Changes the network's loss, duplication and reordering probabilities; omitted
   * ones keep their value.
   * @example
   * ```js
   * c.setRates({ dropRate: 0.2 });
   * ```
   * @throws {RangeError} if a rate lies outside [0, 1] (nothing changes then).
   */
  setRates(rates: { dropRate?: number; dupRate?: number; reorderRate?: number }): void {
    const { dropRate, dupRate, reorderRate } = options('rates', rates);
    this.#raw.set_rates(optionalNumber('dropRate', dropRate), optionalNumber('dupRate', dupRate), optionalNumber('reorderRate', reorderRate));
  }

  /**
   * Asks node `id` for a linearizable read tagged `ctx` (ReadIndex, thesis §6.4): the leader
   * confirms with a heartbeat round that a majority still follows it, then the read is served
   * once the node has applied up to the read index. A follower forwards it to the leader; a new
   * leader holds it until it has committed an entry of its term. A read is never answered by a
   * leader lease (the simulator has none), so it stays linearizable through clock-free faults.
   * Confirmed reads appear in {@link reads}.
   * @example
   * ```js
   * c.advance(1000);
   * c.readIndex(2, 7);       // node 2 forwards it to the leader
   * c.advance(200);
   * c.reads().at(-1);        // { node: 2, ctx: 7, index: 1, time: … }
   * ```
   * @throws {TypeError} if `id` or `ctx` is not a number. @throws {RangeError} for an unknown
   *   id, or a `ctx` outside 0..=2^53-1. @throws {Error} if the node is down, knows no leader
   *   (a candidate, or between terms: retry later), or the run stopped.
   */
  readIndex(id: number, ctx: number): void {
    if (typeof ctx !== 'number') throw typeError('ctx', 'a number', ctx);
    this.#raw.read_index(nodeId('id', id), ctx);
  }

  /**
   * The reads confirmed so far, in order, from position `since` on (pass the length of an
   * earlier result to get only the new ones). Client gets ({@link startClients}) are among them.
   * @example
   * ```js
   * const seen = c.reads().length;
   * c.advance(100);
   * c.reads(seen); // confirmed in the last 100 ms
   * ```
   * @throws {TypeError} if `since` is not a number.
   */
  reads(since = 0): ClusterRead[] {
    if (typeof since !== 'number') throw typeError('since', 'a number', since);
    const n = this.#raw.reads(since);
    const out: ClusterRead[] = [];
    for (let at = 0; at < n.length; at += READ_FIELDS) {
      out.push({ node: n[at], ctx: n[at + 1], index: n[at + 2], time: n[at + 3] });
    }
    return out;
  }

  /**
   * Starts simulated key-value clients (replacing any earlier ones), as a Jepsen test runs
   * them: each issues gets (ReadIndex), puts and compare-and-sets one at a time to the node it
   * believes leads, retries a refused call elsewhere, and records an operation it gets no answer
   * to within `timeout` as of unknown outcome (and never sends it again). Their history ({@link clientHistory}) is what {@link checkLinearizable} checks.
   * @example
   * ```js
   * const c = new RaftCluster({ nodes: 3, seed: 1, dropRate: 0.05 });
   * c.startClients({ clients: 4, keys: 2, opsPerClient: 20 });
   * while (!c.clientsIdle) c.advance(100);
   * c.checkLinearizable(); // { linearizable: true, operations: 80 }
   * ```
   * @throws {TypeError} if an option has the wrong type. @throws {RangeError} if `clients` is
   *   outside 1..=16, `keys` outside 1..=1000, `opsPerClient` outside 0..=1000000, or
   *   `timeout` or `think` outside 1..=3600000.
   */
  startClients(opts: ClusterClientOptions): void {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
      throw typeError('options', 'an options object with clients', opts);
    }
    const { clients, keys, opsPerClient, timeout, think, cas, seed } = opts;
    if (typeof clients !== 'number') throw typeError('clients', 'a number', clients);
    this.#raw.start_clients(
      clients, optionalNumber('keys', keys), optionalNumber('opsPerClient', opsPerClient), optionalNumber('timeout', timeout),
      optionalNumber('think', think), optionalBoolean('cas', cas), seed === undefined ? undefined : seed64('seed', seed),
    );
  }

  /**
   * Whether every client has finished: each operation answered or timed out (true if no
   * clients were started).
   * @example
   * ```js
   * while (!c.clientsIdle) c.advance(100);
   * ```
   */
  get clientsIdle(): boolean {
    return this.#raw.clients_idle;
  }

  /**
   * The clients' history: every operation a node accepted, in the order issued.
   * @example
   * ```js
   * const unknown = c.clientHistory().filter((op) => op.completed === null).length;
   * ```
   */
  clientHistory(): ClusterClientOp[] {
    const n = this.#raw.client_history();
    const out: ClusterClientOp[] = [];
    for (let at = 0; at < n.length; at += OP_FIELDS) {
      const type = named(OPS, n[at + 1], 'operation');
      if (type === undefined) throw new Error(`unknown client operation code ${n[at + 1]}`);
      const op: {
        client: number; type: ClusterClientOp['type']; key: number; value?: number;
        expect?: number | null; invoked: number; completed: number | null; result?: number | null | boolean;
      } = { client: n[at], type, key: n[at + 2], invoked: n[at + 5], completed: n[at + 6] < 0 ? null : n[at + 6] };
      if (type !== 'get') op.value = n[at + 3];
      if (type === 'cas') op.expect = n[at + 4] < 0 ? null : n[at + 4];
      const r = n[at + 7];
      if (r !== -2) op.result = type === 'get' ? (r < 0 ? null : r) : type === 'put' ? true : r === 1;
      out.push(op);
    }
    return out;
  }

  /**
   * Checks the clients' history for linearizability (Wing & Gong's search with Lowe's
   * memoization, one key at a time): whether every operation can be given one instant between
   * its invocation and its answer at which it took effect, in an order a single register per
   * key explains. Operations of unknown outcome may have taken effect at any point after their
   * invocation, or never.
   * @example
   * ```js
   * const v = c.checkLinearizable();
   * if (!v.linearizable) console.error(v.report);
   * ```
   */
  checkLinearizable(): ClusterLinearizability {
    const operations = this.#raw.client_history().length / OP_FIELDS;
    const r = this.#raw.check_linearizable();
    if (r.length === 0) return { linearizable: true, operations };
    return { linearizable: false, operations, key: Number(r[0]), report: r[1] };
  }

  /**
   * Liveness, checked: runs until one leader of the highest term exists and every live member
   * has applied everything committed, for at most `withinMs`. Returns that leader, or null if it
   * did not happen in time; the run then stops with a `'Liveness'` violation
   * ({@link violations}). Call it once the faults are healed.
   * @example
   * ```js
   * c.heal();
   * c.checkLiveness(3000); // the leader's id, within 20 election timeouts
   * ```
   * @throws {TypeError} if `withinMs` is not a number. @throws {RangeError} if it is negative,
   *   fractional, or takes virtual time past 2^53-1.
   */
  checkLiveness(withinMs: number): number | null {
    if (typeof withinMs !== 'number') throw typeError('withinMs', 'a number', withinMs);
    return this.#raw.check_liveness(withinMs) || null;
  }

  /**
   * Virtual time, ms.
   * @example
   * ```js
   * c.now; // 0 for a new cluster
   * ```
   */
  get now(): number {
    return this.#raw.now;
  }

  /**
   * How many events have been recorded: pass it to {@link events} later to get only
   * what happened since.
   * @example
   * ```js
   * const cursor = c.eventCount;
   * c.advance(100);
   * c.events(cursor); // the last 100 ms
   * ```
   */
  get eventCount(): number {
    return this.#raw.event_count;
  }

  /**
   * The cursor of the oldest event still kept: 0 unless {@link forgetEvents} dropped some.
   * @example
   * ```js
   * c.forgetEvents(c.eventCount);
   * c.firstEventCursor === c.eventCount; // true
   * ```
   */
  get firstEventCursor(): number {
    return this.#raw.first_event;
  }

  /**
   * Forgets the events before `cursor` (all of them if it is past {@link eventCount}), so
   * that a cluster played for hours keeps only the events not yet read: every event is
   * kept until forgotten. Cursors keep their meaning.
   * @example
   * ```js
   * // An animation loop: read what is new, then let it go.
   * const evs = c.events(cursor);
   * cursor += evs.length;
   * c.forgetEvents(cursor);
   * ```
   * @throws {TypeError} if `cursor` is not a number. @throws {RangeError} if it is
   *   negative or fractional.
   */
  forgetEvents(cursor: number): void {
    if (typeof cursor !== 'number') throw typeError('cursor', 'a number', cursor);
    if (!Number.isInteger(cursor) || cursor < 0) throw rangeError('cursor', 'an integer >= 0', cursor);
    this.#raw.forget_events(cursor);
  }

  /**
   * A 64-bit fingerprint of the whole history: equal for runs with the same seed and
   * the same calls.
   * @example
   * ```js
   * a.historyHash === b.historyHash;
   * ```
   */
  get historyHash(): bigint {
    return this.#raw.history_hash;
  }

  /**
   * A snapshot of every node and message: cheap enough for every animation frame.
   * Numbers cross from wasm in one buffer, and only log entries new since the last
   * call are copied; a node's `log` array is reused while its log is unchanged.
   * Snapshots are immutable: keep old ones as long as you like.
   * @example
   * ```js
   * function frame() {
   *   c.advance(16);
   *   const s = c.state();
   *   for (const n of s.nodes) draw(n.id, n.role, n.term, n.log.length, n.electionProgress);
   *   for (const m of s.messages) drawMessage(m.from, m.to, m.kind, m.progress);
   *   requestAnimationFrame(frame);
   * }
   * ```
   */
  state(): RaftClusterState {
    this.#raw.state(false);
    const base = this.#raw.nums_ptr() / 8;
    const bytesPtr = this.#raw.bytes_ptr();
    const n = memoryF64();
    const bytes = memoryBytes();
    const count = n[base + 1];
    const flightCount = n[base + 2];
    const flightsAt = base + STATE_HEADER + count * NODE_FIELDS;
    let e = flightsAt + flightCount * FLIGHT_FIELDS;
    let dataStart = 0;
    const nodes: ClusterNodeState[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const at = base + STATE_HEADER + i * NODE_FIELDS;
      const from = n[at + 10];
      const added = n[at + 11];
      let log = this.#logs[i];
      if (added > 0 || from < log.length) {
        const next = log.slice(0, from);
        for (let k = 0; k < added; k++, e += ENTRY_FIELDS) {
          const end = n[e + 2];
          next.push(new Entry(n[e], n[e + 1], bytes.slice(bytesPtr + dataStart, bytesPtr + end)));
          dataStart = end;
        }
        log = this.#logs[i] = Object.freeze(next);
      }
      const elapsed = n[at + 8];
      const timeout = n[at + 9];
      nodes[i] = {
        id: i + 1,
        up: n[at] === 1,
        role: named(ROLES, n[at + 1], 'role'),
        term: n[at + 2],
        vote: n[at + 3] || null,
        leader: n[at + 4] || null,
        commit: n[at + 5],
        applied: n[at + 6],
        log,
        electionElapsed: elapsed,
        electionTimeout: timeout,
        electionProgress: timeout > 0 ? Math.min(1, elapsed / timeout) : 0,
        snapshotIndex: n[at + 12],
        voters: members(n[at + 13]),
        learners: members(n[at + 14]),
      };
    }
    const messages: ClusterFlight[] = new Array(flightCount);
    for (let k = 0; k < flightCount; k++) {
      const at = flightsAt + k * FLIGHT_FIELDS;
      // A flight is a message record followed by its progress and vote.
      messages[k] = {
        ...message(n, at),
        progress: n[at + 8],
        granted: n[at + 9] < 0 ? null : n[at + 9] === 1,
      };
    }
    return { time: n[base], leader: n[base + 4] || null, stopped: n[base + 3] === 1, nodes, messages };
  }

  /**
   * The events recorded from position `sinceCursor` on (0: the whole log, unless
   * {@link forgetEvents} dropped its start). The next cursor is
   * `sinceCursor + events.length`, or {@link eventCount}.
   * @example
   * ```js
   * let cursor = 0;
   * c.advance(500);
   * const evs = c.events(cursor);
   * cursor += evs.length;
   * evs.filter((e) => e.type === 'vote'); // who voted for whom, when
   * ```
   * @throws {TypeError} if `sinceCursor` is not a number. @throws {RangeError} if it is
   *   fractional, negative, or before {@link firstEventCursor} (those events were forgotten).
   */
  events(sinceCursor = 0): ClusterEvent[] {
    if (typeof sinceCursor !== 'number') throw typeError('sinceCursor', 'a number', sinceCursor);
    const first = this.#raw.first_event;
    if (!Number.isInteger(sinceCursor) || sinceCursor < first) {
      const allowed = first === 0 ? 'an integer >= 0' : `an integer >= ${first} (the events before it were forgotten)`;
      throw rangeError('sinceCursor', allowed, sinceCursor);
    }
    const out: ClusterEvent[] = [];
    let cursor = sinceCursor;
    for (;;) {
      const got = this.#raw.events(cursor, EVENT_CHUNK);
      if (got === 0) return out;
      const base = this.#raw.nums_ptr() / 8;
      const n = memoryF64();
      const partitions: number[] = [];
      for (let k = 0; k < got; k++) {
        const at = base + k * EVENT_FIELDS;
        const ev = this.#event(n, at);
        if (ev.type === 'partition') partitions.push(out.length);
        out.push(ev);
      }
      // Group lists are fetched after reading the chunk: each call may reuse the buffer.
      for (const i of partitions) {
        (out[i] as { groups: number[][] }).groups = this.#groups(sinceCursor + i);
      }
      cursor += got;
      if (got < EVENT_CHUNK) return out;
    }
  }

  #event(n: Float64Array, at: number): ClusterEvent {
    const time = n[at];
    const type = named(EVENT_TYPES, n[at + 1], 'event type');
    const a = n[at + 2];
    const b = n[at + 3];
    const c = n[at + 4];
    const d = n[at + 5];
    switch (type) {
      case 'send':
      case 'deliver':
        return { type, time, message: message(n, at + 2) };
      case 'drop':
        return { type, time, message: message(n, at + 2), reason: named(REASONS, n[at + 10], 'drop reason') };
      case 'role':
        return { type, time, node: a, role: named(ROLES, b, 'role'), term: c, leader: d || null };
      case 'vote':
        return { type, time, node: a, term: b, candidate: c };
      case 'append':
        return { type, time, node: a, first: b, last: c, term: d };
      case 'commit':
        return { type, time, node: a, index: b };
      case 'apply':
        return { type, time, node: a, first: b, last: c };
      case 'propose':
        return { type, time, node: a, index: b };
      case 'timeout':
      case 'crash':
      case 'restart':
        return { type, time, node: a };
      case 'partition':
        return { type, time, groups: [] };
      case 'cut':
        return { type, time, from: a, to: b };
      case 'heal':
        return { type, time };
      case 'snapshot':
        return { type, time, node: a, index: b, received: c === 1 };
      case 'membership':
        return { type, time, leader: a, index: b, node: c, change: named(CHANGES, d, 'membership change') };
      case 'transfer':
        return { type, time, from: a, to: b };
    }
  }

  #groups(at: number): number[][] {
    const flat = this.#raw.event_groups(at);
    const groups: number[][] = [];
    for (let i = 0; i < flat.length; ) {
      const len = flat[i++];
      groups.push(Array.from(flat.subarray(i, i + len)));
      i += len;
    }
    return groups;
  }

  /**
   * The invariant violation that stopped the run: an empty array, or one entry with a
   * readable report (seed, step, time, every node's log). A correct Raft never has one;
   * the checker is what proves it, run after run.
   * @example
   * ```js
   * const [v] = c.violations();
   * if (v) console.error(v.report);
   * ```
   */
  violations(): ClusterViolation[] {
    if (!this.#raw.violated) return [];
    const [rule, detail, nodes, report] = this.#raw.violation_text();
    const [step, time] = this.#raw.violation_numbers();
    return [{ rule, seed: this.seed, step, time, detail, nodes, report }];
  }

  /**
   * Frees the cluster's wasm memory; later calls throw.
   * @example
   * ```js
   * c.free();
   * ```
   */
  free(): void {
    this.#raw.free();
    this.#raw = freed('RaftCluster');
  }

  /** Same as {@link RaftCluster.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }
}
