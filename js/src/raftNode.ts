/**
 * Raft for real transports: one sans-IO Raft node that you drive yourself.
 * You own the clock (`tick()`), the network (send `ready().messages`, pass what
 * arrives to `step(bytes)`) and the disk (persist `ready().entries` and
 * `hardState`); the node owns the algorithm.
 *
 * ```js
 * import { RaftNode } from 'quorumkit';
 * const node = new RaftNode({ id: 1, peers: [1, 2, 3] });
 * setInterval(() => node.tick(), 100);
 * transport.onmessage = (bytes) => node.step(bytes);
 * // after every tick / step / propose:
 * const rd = node.ready();
 * if (rd) {
 *   persist(rd.hardState, rd.entries);                // 1. durable first
 *   for (const m of rd.messages) transport.send(m.to, m.bytes); // 2. then send
 *   for (const e of rd.committed) apply(e);          // 3. then apply
 *   node.advance();
 * }
 * ```
 * @module
 */
import { raw, writeKey, writeKeys, memoryBytes, memoryF64 } from './bind/raft.js';
import { optionalBoolean, optionalNumber, rangeError, requireNumber, seed64, typeError } from './internal/errors.js';
import { freed } from './internal/freed.js';
import { named } from './internal/codes.js';
import {
  MESSAGE_KINDS as KIND_NAMES,
  NODE_CHANGE_TYPES,
  NODE_ENTRY_FIELDS as ENTRY_FIELDS,
  NODE_ENTRY_KINDS,
  NODE_MESSAGE_FIELDS as MESSAGE_FIELDS,
  NODE_MESSAGE_HEADER as MESSAGE_HEADER,
  NODE_PROGRESS_FIELDS as PROGRESS_FIELDS,
  NODE_PROGRESS_STATES,
  NODE_READY_HEADER as READY_HEADER,
  NODE_SNAPSHOT_HEADER as SNAPSHOT_HEADER,
  ROLES as ROLE_NAMES,
} from './raw/layout.js';

/** A node's role. */
export type RaftRole = 'follower' | 'candidate' | 'leader' | 'precandidate';

/** A message's kind: RequestVote, AppendEntries, heartbeats and their answers. */
export type RaftMessageKind =
  | 'Vote'
  | 'VoteResp'
  | 'Append'
  | 'AppendResp'
  | 'Heartbeat'
  | 'HeartbeatResp'
  | 'PreVote'
  | 'PreVoteResp'
  | 'TimeoutNow'
  | 'Snapshot'
  | 'ReadIndex'
  | 'ReadIndexResp';

/**
 * The kind of a log entry: an application command, or a membership change the node applies itself.
 * @example
 * ```js
 * for (const e of rd.committed) if (e.kind === 'normal') apply(e.data);
 * ```
 */
export type RaftEntryKind = 'normal' | 'confChange';

/**
 * A log entry as a node hands it out (in `ready()`) and takes it back (in `storage`).
 * @example
 * ```js
 * const { index, term, kind, data, text } = rd.committed[0];
 * ```
 */
export interface RaftLogEntry {
  /** Position in the log, from 1. */
  readonly index: number;
  /** Term of the leader that created it. */
  readonly term: number;
  /** What `data` holds. Apply `'normal'` entries; skip `'confChange'` ones (the node has applied them). */
  readonly kind: RaftEntryKind;
  /** The proposed bytes; empty for a new leader's no-op entry. */
  readonly data: Uint8Array;
  /** `data` decoded as UTF-8. */
  readonly text: string;
}

/**
 * An entry given back to a node or to {@link RaftNode.encodeEntries}: `kind` defaults to `'normal'`, `data` may be a string.
 * @example
 * ```js
 * RaftNode.encodeEntries([{ index: 1, term: 1, data: 'x=1' }]);
 * ```
 */
export interface RaftLogEntryInput {
  /** Position in the log, from 1. */
  readonly index: number;
  /** Term of the leader that created it. */
  readonly term: number;
  /** Default `'normal'`. */
  readonly kind?: RaftEntryKind;
  /** The entry's bytes (a string is stored as UTF-8). */
  readonly data: Uint8Array | string;
}

/**
 * The state a node must persist before it sends messages.
 * @example
 * ```js
 * if (rd.hardState) save(RaftNode.encodeHardState(rd.hardState)); // { term, vote, commit }
 * ```
 */
export interface RaftHardState {
  /** The latest term the node has seen. */
  readonly term: number;
  /** Whom it voted for in `term`, or 0. */
  readonly vote: number;
  /** The highest index known to be committed. */
  readonly commit: number;
}

/**
 * A snapshot of the application's state that stands for the log up to `index` (log compaction).
 * @example
 * ```js
 * const snap = node.compact(node.applied, JSON.stringify(state)); // { index, term, voters, learners, data }
 * ```
 */
export interface RaftSnapshot {
  /** The last index it covers. */
  readonly index: number;
  /** The term of the entry at `index`. */
  readonly term: number;
  /** The voters in force at `index`. */
  readonly voters: readonly number[];
  /** The learners in force at `index`. */
  readonly learners: readonly number[];
  /** The application's state, as given to {@link RaftNode.compact}. */
  readonly data: Uint8Array;
}

/**
 * A snapshot given back to a node or to {@link RaftNode.encodeSnapshot}: `learners` may be omitted, `data` may be a string.
 * @example
 * ```js
 * RaftNode.encodeSnapshot({ index: 10, term: 2, voters: [1, 2, 3], data: 'state' });
 * ```
 */
export interface RaftSnapshotInput {
  /** The last index it covers. */
  readonly index: number;
  /** The term of the entry at `index`. */
  readonly term: number;
  /** The voters in force at `index`. */
  readonly voters: readonly number[];
  /** The learners in force at `index` (default none). */
  readonly learners?: readonly number[];
  /** The application's state (a string is stored as UTF-8). */
  readonly data: Uint8Array | string;
}

/**
 * What a node persisted, to restart it from: the `storage` option.
 * @example
 * ```js
 * new RaftNode({ id: 1, peers: [1, 2, 3], storage: { hardState, entries, snapshot } });
 * ```
 */
export interface RaftStorage {
  /** The last hard state persisted (absent: a fresh node). */
  hardState?: RaftHardState;
  /**
   * Every entry persisted since the snapshot (or since the start), in the order they were
   * persisted: later ones replace earlier ones from their index on, exactly as `ready()`
   * asks them to be written. Entries the snapshot covers are skipped.
   */
  entries?: readonly RaftLogEntryInput[];
  /** The last snapshot persisted, if any. */
  snapshot?: RaftSnapshotInput;
}

/**
 * Options of `new RaftNode(…)`.
 * @example
 * ```js
 * new RaftNode({ id: 1, peers: [1, 2, 3], electionTick: 10, heartbeatTick: 1, preVote: true, seed: 42 });
 * ```
 */
export interface RaftNodeOptions {
  /** This node's id: an integer in 1..=2^32-1. */
  id: number;
  /** The voters of the initial configuration (ids, distinct), usually including `id`. */
  peers: readonly number[];
  /** Non-voting members of the initial configuration. */
  learners?: readonly number[];
  /** Base election timeout in ticks (default 10); each timeout is drawn from `[t, 2t)`. */
  electionTick?: number;
  /** A leader sends heartbeats every `heartbeatTick` ticks (default 1, below `electionTick`). */
  heartbeatTick?: number;
  /** Ask "would you vote for me?" before raising the term (default false), so a node that rejoins never disrupts a healthy leader. */
  preVote?: boolean;
  /** A leader that has not heard from a quorum for an election timeout steps down (default false). */
  checkQuorum?: boolean;
  /** Seeds the randomized election timeouts: a number (0..=2^53-1) or bigint (default: `id`). */
  seed?: number | bigint;
  /** What the node persisted before a restart (see {@link RaftStorage}). */
  storage?: RaftStorage;
}

/**
 * A message to send: its recipient and its bytes (the versioned wire format).
 * @example
 * ```js
 * for (const { to, bytes } of rd.messages) socket(to).send(bytes);
 * ```
 */
export interface RaftOutMessage {
  /** The recipient's id. */
  readonly to: number;
  /** The encoded message; pass it to the recipient's `step`. */
  readonly bytes: Uint8Array;
}

/**
 * A confirmed linearizable read (ReadIndex, Raft thesis §6.4): the state machine answers
 * the read tagged `ctx` correctly once it has applied every entry up to `index`.
 * @example
 * ```js
 * for (const { index, ctx } of rd.readStates) pending.get(ctx).resolveAfterApplied(index);
 * ```
 */
export interface RaftReadState {
  /** The commit index the leader held when the read arrived. */
  readonly index: number;
  /** The caller's tag from {@link RaftNode.readIndex}. */
  readonly ctx: number;
}

/**
 * Everything a node needs done, in one value. Handle it in this order, then call
 * {@link RaftNode.advance}:
 *
 * 1. persist `snapshot` (if any), then `entries` and `hardState` (if not null), durably;
 * 2. only then send `messages` (any order; the network may lose, duplicate or reorder them);
 * 3. restore the state machine from `snapshot.data` (if any), then apply `committed` in order;
 * 4. answer each of `readStates` once you have applied up to its `index`.
 * @example
 * ```js
 * const rd = node.ready();
 * if (rd && rd.softState.role === 'leader') console.log('leading');
 * ```
 */
export interface RaftReady {
  /** Messages to send, after persisting. */
  readonly messages: readonly RaftOutMessage[];
  /**
   * Entries to append to stable storage before sending. The first may overwrite stored
   * entries from its index on: discard those.
   */
  readonly entries: readonly RaftLogEntry[];
  /** The term, vote and commit to persist before sending, or null if unchanged. */
  readonly hardState: RaftHardState | null;
  /** Committed entries to apply, in order: they never change. */
  readonly committed: readonly RaftLogEntry[];
  /**
   * A snapshot from the leader that replaces the node's whole log: it comes only when the
   * node's log lacks the snapshot's last entry, and the node then drops every entry it held
   * (none can follow the snapshot). Persist it first, discarding every stored entry, then
   * restore the state machine from its `data`.
   */
  readonly snapshot?: RaftSnapshot;
  /**
   * Reads asked for with {@link RaftNode.readIndex} that are now confirmed: serve the read
   * tagged `ctx` from your state machine once it has applied up to `index`.
   */
  readonly readStates: readonly RaftReadState[];
  /** The node's role and the leader it knows (0: none). */
  readonly softState: { readonly leader: number; readonly role: RaftRole };
}

/**
 * A membership change (one node at a time): add a learner, promote a caught-up learner, remove a member.
 * @example
 * ```js
 * leader.proposeConfChange({ type: 'addLearner', node: 4 });
 * ```
 */
export interface RaftConfChange {
  /** What happens to `node`. */
  readonly type: 'addLearner' | 'addVoter' | 'remove';
  /** The node concerned. */
  readonly node: number;
}

/**
 * A message as {@link RaftNode.decodeMessage} reads it from the wire, and as
 * {@link RaftNode.encodeMessage} writes it: for transports that log, route or test messages.
 * Fields a kind does not use are 0 (or false, or empty).
 * @example
 * ```js
 * const m = RaftNode.decodeMessage(bytes);
 * console.log(`${m.kind} ${m.from}→${m.to} term ${m.term}, ${m.entries.length} entries`);
 * ```
 */
export interface RaftWireMessage {
  readonly kind: RaftMessageKind;
  readonly from: number;
  readonly to: number;
  readonly term: number;
  /** The term of the entry at `index` (Append), or of the sender's last entry (votes). */
  readonly logTerm: number;
  /** The entry the message's entries follow (Append), the sender's last index (votes), an answer's index. */
  readonly index: number;
  readonly commit: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** A read's context, or a read-index round. */
  readonly context: number;
  readonly entries: readonly RaftLogEntry[];
  readonly snapshot?: RaftSnapshot;
}

/** A message to encode: {@link RaftWireMessage}, with every field but `kind`, `from`, `to` and `term` optional. */
export interface RaftWireMessageInput {
  kind: RaftMessageKind;
  from: number;
  to: number;
  term: number;
  logTerm?: number;
  index?: number;
  commit?: number;
  reject?: boolean;
  rejectHint?: number;
  context?: number;
  entries?: readonly RaftLogEntryInput[];
  snapshot?: RaftSnapshotInput;
}

/**
 * What a leader knows of one member's log ({@link RaftNode.progress}): the Raft paper's
 * `matchIndex` and `nextIndex`, and how it is sending: `'probe'` (match point unknown, one
 * Append at a time), `'replicate'` (in sync, streaming) or `'snapshot'` (a snapshot is on its way).
 * @example
 * ```js
 * leader.progress(); // [{ node: 1, match: 9, next: 10, state: 'replicate', voter: true }, …]
 * ```
 */
export interface RaftProgress {
  readonly node: number;
  readonly match: number;
  readonly next: number;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly voter: boolean;
}

// Names by code, from the Rust tables (raw/layout.ts); typed here, so a name the
// Rust side adds that these types lack fails to compile.
const PROGRESS_STATES: readonly RaftProgress['state'][] = NODE_PROGRESS_STATES;
const ROLES: readonly RaftRole[] = ROLE_NAMES;
const KINDS: readonly RaftMessageKind[] = KIND_NAMES;
const ENTRY_KINDS: readonly RaftEntryKind[] = NODE_ENTRY_KINDS;
const CHANGE_TYPES: readonly RaftConfChange['type'][] = NODE_CHANGE_TYPES;
const MAX_ID = 0xffff_ffff;

/** `"a", "b" or "c"`, for an error message. */
function oneOf(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length < 2 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

const decoder = new TextDecoder();
const NO_IDS = new Uint32Array(0);

class LogEntry implements RaftLogEntry {
  readonly index: number;
  readonly term: number;
  readonly kind: RaftEntryKind;
  readonly data: Uint8Array;
  #text: string | undefined;
  constructor(index: number, term: number, kind: RaftEntryKind, data: Uint8Array) {
    this.index = index;
    this.term = term;
    this.kind = kind;
    this.data = data;
  }
  get text(): string {
    return (this.#text ??= decoder.decode(this.data));
  }
}

/** Reads `count` entry records at number `at`, data from `bytesPtr + start`; returns the next position. */
function readEntries(
  n: Float64Array, at: number, count: number, bytesPtr: number, start: number, out: RaftLogEntry[],
): [number, number] {
  const mem = memoryBytes();
  for (let k = 0; k < count; k++, at += ENTRY_FIELDS) {
    const end = n[at + 3];
    out.push(new LogEntry(n[at], n[at + 1], named(ENTRY_KINDS, n[at + 2], 'entry kind'),
      mem.slice(bytesPtr + start, bytesPtr + end)));
    start = end;
  }
  return [at, start];
}

function readSnapshot(n: Float64Array, at: number, bytesPtr: number, start: number): RaftSnapshot {
  const voters = n[at + 2];
  const learners = n[at + 3];
  const end = n[at + 4];
  const ids = at + SNAPSHOT_HEADER;
  return {
    index: n[at],
    term: n[at + 1],
    voters: Array.from(n.subarray(ids, ids + voters)),
    learners: Array.from(n.subarray(ids + voters, ids + voters + learners)),
    data: memoryBytes().slice(bytesPtr + start, bytesPtr + end),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}


function nodeId(param: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(param, 'a node id (number)', v);
  if (!Number.isInteger(v) || v < 1 || v > MAX_ID) throw rangeError(param, `an integer in 1..=${MAX_ID}`, v);
  return v;
}

function ids(param: string, v: unknown, optional = false): Uint32Array {
  if (v === undefined && optional) return NO_IDS;
  if (!Array.isArray(v)) throw typeError(param, 'an array of node ids', v);
  const out = new Uint32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = nodeId(param, v[i]);
  return out;
}

function bytesOrString(param: string, v: unknown): Uint8Array | string {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  throw typeError(param, 'a string or Uint8Array', v);
}

function hardStateArgs(param: string, hs: unknown): [number, number, number] {
  if (!isObject(hs)) throw typeError(param, 'an object { term, vote, commit }', hs);
  return [requireNumber(`${param}.term`, hs.term), requireNumber(`${param}.vote`, hs.vote), requireNumber(`${param}.commit`, hs.commit)];
}

/** Packs entries into the scratch buffers; returns the arguments of an entries export. */
function entryArgs(param: string, entries: unknown): [number, Float64Array, Float64Array, Uint8Array] {
  if (!Array.isArray(entries)) throw typeError(param, 'an array of entries', entries);
  const count = entries.length;
  const indexes = new Float64Array(count);
  const terms = new Float64Array(count);
  const kinds = new Uint8Array(count);
  const data: (Uint8Array | string)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const e: unknown = entries[i];
    if (!isObject(e)) throw typeError(param, 'an array of { index, term, data } objects', e);
    indexes[i] = requireNumber(`${param}.index`, e.index);
    terms[i] = requireNumber(`${param}.term`, e.term);
    const kind = ENTRY_KINDS.indexOf((e.kind ?? 'normal') as RaftEntryKind);
    if (kind < 0) throw rangeError(`${param}.kind`, oneOf(ENTRY_KINDS), e.kind);
    kinds[i] = kind;
    data[i] = bytesOrString(`${param}.data`, e.data);
  }
  writeKeys(data, `${param}.data`);
  return [count, indexes, terms, kinds];
}

/** Checks a snapshot and writes its data to the key buffer; returns the arguments of a snapshot export. */
function snapshotArgs(param: string, s: unknown): [number, number, Uint32Array, Uint32Array, number] {
  if (!isObject(s)) throw typeError(param, 'an object { index, term, voters, data }', s);
  const index = requireNumber(`${param}.index`, s.index);
  const term = requireNumber(`${param}.term`, s.term);
  const voters = ids(`${param}.voters`, s.voters);
  const learners = ids(`${param}.learners`, s.learners, true);
  const len = writeKey(bytesOrString(`${param}.data`, s.data), `${param}.data`);
  return [index, term, voters, learners, len];
}

let decodeStore: raw.RawRaftStore | undefined;
function store(): raw.RawRaftStore {
  return (decodeStore ??= new raw.RawRaftStore());
}

/**
 * One Raft node with no I/O of its own (the design of etcd's raft `RawNode`): elections,
 * log replication, pre-vote, check-quorum, leadership transfer, log compaction and
 * single-server membership changes, compiled from the same Rust core as the simulator.
 *
 * Drive it with {@link tick} on a timer, {@link step} for each message received and
 * {@link propose} for commands; after any of these, handle {@link ready} (persist, then
 * send, then apply) and call {@link advance}.
 *
 * **Messages** are `Uint8Array`s in a compact, versioned binary format (a heartbeat is
 * about 7 bytes; the first byte is the format version). Bytes that are not a valid
 * message, of this version, are rejected by `step` with an `Error` that says what is
 * wrong, and the node is unchanged.
 *
 * **Numbers.** Terms and indices are JavaScript numbers. They are exact: `step` rejects
 * any message, and the constructor any storage, holding a term or index above 2^53-1, and
 * a node advances past the largest value it was given only by one per election or proposal.
 *
 * The node lives in wasm memory: call {@link free} when done (or `using`).
 *
 * @example
 * ```js
 * import { RaftNode } from 'quorumkit';
 * // Three nodes in one process, with an in-memory "network".
 * const nodes = new Map([1, 2, 3].map((id) => [id, new RaftNode({ id, peers: [1, 2, 3] })]));
 * const applied = [];
 * function pump() {
 *   for (let busy = true; busy; ) {
 *     busy = false;
 *     for (const [id, n] of nodes) {
 *       const rd = n.ready();
 *       if (!rd) continue;
 *       busy = true;
 *       // (persist rd.hardState and rd.entries here)
 *       for (const m of rd.messages) nodes.get(m.to).step(m.bytes);
 *       if (id === 1) applied.push(...rd.committed.filter((e) => e.data.length).map((e) => e.text));
 *       n.advance();
 *     }
 *   }
 * }
 * nodes.get(1).campaign();
 * pump();
 * nodes.get(1).propose('x=1');
 * pump();
 * applied; // ['x=1']
 * ```
 */
export class RaftNode {
  #raw: raw.RawRaftNode;

  /**
   * Creates a node, or restarts one from what it persisted (`storage`).
   * @throws {TypeError} if an option has the wrong type.
   * @throws {RangeError} if `id` is not in 1..=2^32-1, `peers` is empty or has a zero,
   *   fractional or repeated id, `learners` overlaps `peers`, `electionTick` is outside
   *   1..=2^30, `heartbeatTick` is not below `electionTick`, `seed` is out of range, or
   *   `storage` holds an invalid value (a term or index above 2^53-1, entries with a gap).
   * @throws {Error} if the stored commit index lies beyond the stored log.
   * @example
   * ```js
   * const node = new RaftNode({ id: 2, peers: [1, 2, 3], preVote: true, checkQuorum: true });
   * // after a restart, from what the app persisted:
   * const again = new RaftNode({ id: 2, peers: [1, 2, 3], storage: { hardState, entries } });
   * ```
   */
  constructor(opts: RaftNodeOptions) {
    if (!isObject(opts)) throw typeError('options', 'an options object with id and peers', opts);
    const { id, peers, learners, electionTick, heartbeatTick, preVote, checkQuorum, seed, storage } = opts;
    const nid = nodeId('id', id);
    const p = ids('peers', peers);
    const l = ids('learners', learners, true);
    const et = optionalNumber('electionTick', electionTick);
    const ht = optionalNumber('heartbeatTick', heartbeatTick);
    const pv = optionalBoolean('preVote', preVote) ?? false;
    const cq = optionalBoolean('checkQuorum', checkQuorum) ?? false;
    const s = seed === undefined ? BigInt(nid) : seed64('seed', seed);
    const st = new raw.RawRaftStore();
    try {
      if (storage !== undefined) {
        if (!isObject(storage)) throw typeError('storage', 'an object { hardState, entries, snapshot }', storage);
        const { hardState, entries, snapshot } = storage;
        if (snapshot !== undefined) st.set_snapshot(...snapshotArgs('storage.snapshot', snapshot));
        if (entries !== undefined) st.append(...entryArgs('storage.entries', entries));
        if (hardState !== undefined) st.set_hard_state(...hardStateArgs('storage.hardState', hardState));
      }
      this.#raw = new raw.RawRaftNode(nid, p, l, et, ht, pv, cq, s, st);
    } finally {
      st.free();
    }
  }

  /**
   * Moves logical time one tick forward: call it on a timer (e.g. every 100 ms). A
   * follower whose randomized election timeout elapses starts an election; a leader
   * sends heartbeats.
   * @example
   * ```js
   * setInterval(() => { node.tick(); handleReady(); }, 100);
   * ```
   */
  tick(): void {
    this.#raw.tick();
  }

  /**
   * Starts an election now, as if the election timeout had elapsed (a leader ignores it).
   * @example
   * ```js
   * node.campaign(); // then handle ready(): the vote requests
   * ```
   */
  campaign(): void {
    this.#raw.campaign();
  }

  /**
   * Feeds a message received from a peer (the `bytes` of another node's `ready().messages`).
   * @throws {TypeError} if `bytes` is not a `Uint8Array`.
   * @throws {Error} if the bytes are not a valid message (wrong version, truncated, trailing
   *   bytes, unknown kind…: the message says which), are addressed to another node, or come from
   *   an unknown one. @throws {RangeError} (`message.…`) for a message no correct peer sends: a
   *   term above 2^53-2 (a node must be able to start one more election), an index, commit or
   *   read context above 2^53-1, entries that do not follow one by one, a snapshot without
   *   voters or with a repeated or zero id, a membership change its configuration does not
   *   allow. The node is unchanged then, and keeps working.
   * @example
   * ```js
   * socket.on('message', (bytes) => {
   *   try { node.step(bytes); } catch (e) { console.warn('dropped:', e.message); }
   * });
   * ```
   */
  step(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array', bytes);
    this.#raw.step(writeKey(bytes, 'bytes'));
  }

  /**
   * Proposes a command (a string, stored as UTF-8, or bytes); returns its log index. Only
   * the leader accepts; the entry is committed once a quorum stores it and then comes
   * back in `ready().committed` on every node. Until then it may be lost with leadership,
   * or committed by the next leader although this one never answered: a client that
   * retries may then be in the log twice, so apply client requests through
   * `ClientSessions`.
   * @throws {TypeError} if `data` is not a string or `Uint8Array`.
   * @throws {Error} if this node is not the leader (the message names the leader it knows),
   *   or is handing leadership over.
   * @example
   * ```js
   * if (node.role === 'leader') node.propose(JSON.stringify({ set: 'x', to: 1 }));
   * ```
   */
  propose(data: string | Uint8Array): number {
    return this.#raw.propose(writeKey(data, 'data'));
  }

  /**
   * Proposes a single-server membership change; returns its log index. It takes effect
   * as soon as it is in a node's log; one may be pending at a time. Add a node as a
   * learner, let it catch up, then promote it with `addVoter`.
   * @throws {TypeError} if `change` is not `{ type, node }`.
   * @throws {RangeError} if `type` is unknown, `node` is not an id, or the change is not
   *   allowed (adding a member twice, promoting a learner that has not caught up,
   *   removing a non-member or the last voter).
   * @throws {Error} if this node is not the leader or a change is pending.
   * @example
   * ```js
   * leader.proposeConfChange({ type: 'addLearner', node: 4 });
   * // …once node 4 has caught up:
   * leader.proposeConfChange({ type: 'addVoter', node: 4 });
   * ```
   */
  proposeConfChange(change: RaftConfChange): number {
    if (!isObject(change)) throw typeError('change', 'an object { type, node }', change);
    const k = CHANGE_TYPES.indexOf(change.type);
    if (k < 0) throw rangeError('change.type', oneOf(CHANGE_TYPES), change.type);
    return this.#raw.propose_conf_change(k, nodeId('change.node', change.node));
  }

  /**
   * Asks for a linearizable read without writing to the log (ReadIndex). The leader
   * records its commit index, confirms with a round of heartbeats that a quorum still
   * follows it, and then a later {@link ready} lists `{ index, ctx }` in `readStates`;
   * serve the read once your state machine has applied up to `index`. A follower forwards
   * the request to its leader and gets the answer back the same way. A new leader holds
   * reads until it has committed an entry of its term; reads not yet confirmed are dropped
   * if leadership changes, so time them out and retry.
   * @param ctx - your tag for the read, an integer in 0..=2^53-1, echoed in the read state.
   * @throws {TypeError} / {RangeError} if `ctx` is not such an integer.
   * @throws {Error} if the node neither leads nor knows a leader.
   * @example
   * ```js
   * node.readIndex(7);
   * // later: node.ready().readStates → [{ index: 12, ctx: 7 }]; read once applied ≥ 12
   * ```
   */
  readIndex(ctx: number): void {
    this.#raw.read_index(requireNumber('ctx', ctx));
  }

  /**
   * Hands leadership to voter `id`: the leader brings it up to date, then tells it to
   * start an election, which it wins. Proposals are refused meanwhile; a transfer that
   * does not finish within an election timeout is abandoned.
   * @throws {TypeError} if `id` is not a number.
   * @throws {RangeError} if `id` is not a voter. @throws {Error} if this node is not the leader.
   * @example
   * ```js
   * leader.transferLeader(3);
   * ```
   */
  transferLeader(id: number): void {
    this.#raw.transfer_leader(nodeId('id', id));
  }

  /**
   * Compacts the log: records a snapshot of your state machine at `index` (which must be
   * applied already), with `data` (your serialized state), and drops the entries it covers
   * from memory. Returns the snapshot: persist it, after which the stored entries up to
   * `index` may be dropped too. Followers that fall behind receive it whole.
   * @throws {TypeError} if `index` is not a number or `data` not a string or `Uint8Array`.
   * @throws {RangeError} if `index` is not an applied index above the last snapshot.
   * @example
   * ```js
   * const snap = node.compact(node.applied, JSON.stringify([...kv]));
   * await saveSnapshot(RaftNode.encodeSnapshot(snap));
   * ```
   */
  compact(index: number, data: string | Uint8Array): RaftSnapshot {
    const i = requireNumber('index', index);
    this.#raw.compact(i, writeKey(bytesOrString('data', data), 'data'));
    return readSnapshot(memoryF64(), this.#raw.nums_ptr() / 8, this.#raw.bytes_ptr(), 0);
  }

  /**
   * What the node needs done now, or `null` if nothing. See {@link RaftReady} for the
   * order: persist, send, apply; then call {@link advance} before the next `ready()`.
   * Everything in it is a copy: keep it as long as you like.
   * @example
   * ```js
   * const rd = node.ready();
   * if (rd) {
   *   if (rd.snapshot) await saveSnapshot(rd.snapshot);
   *   await appendToLog(rd.entries, rd.hardState); // fsync before sending
   *   for (const { to, bytes } of rd.messages) send(to, bytes);
   *   for (const e of rd.committed) if (e.kind === 'normal' && e.data.length) apply(e.text);
   *   node.advance();
   * }
   * ```
   */
  ready(): RaftReady | null {
    const len = this.#raw.ready();
    if (len === 0) return null;
    const n = memoryF64();
    const base = this.#raw.nums_ptr() / 8;
    const bp = this.#raw.bytes_ptr();
    const mem = memoryBytes();
    const msgCount = n[base + 6];
    const entryCount = n[base + 7];
    const committedCount = n[base + 8];
    let at = base + READY_HEADER;
    let start = 0;
    const messages: RaftOutMessage[] = new Array(msgCount);
    for (let k = 0; k < msgCount; k++, at += MESSAGE_FIELDS) {
      const end = n[at + 1];
      messages[k] = { to: n[at], bytes: mem.slice(bp + start, bp + end) };
      start = end;
    }
    const entries: RaftLogEntry[] = [];
    const committed: RaftLogEntry[] = [];
    [at, start] = readEntries(n, at, entryCount, bp, start, entries);
    [at, start] = readEntries(n, at, committedCount, bp, start, committed);
    const readCount = n[base + 10];
    const readStates: RaftReadState[] = new Array(readCount);
    for (let k = 0; k < readCount; k++, at += 2) readStates[k] = { index: n[at], ctx: n[at + 1] };
    const rd: {
      messages: RaftOutMessage[]; entries: RaftLogEntry[]; hardState: RaftHardState | null;
      committed: RaftLogEntry[]; readStates: RaftReadState[]; snapshot?: RaftSnapshot;
      softState: { leader: number; role: RaftRole };
    } = {
      messages,
      entries,
      hardState: n[base] === 1 ? { term: n[base + 1], vote: n[base + 2], commit: n[base + 3] } : null,
      committed,
      readStates,
      softState: { leader: n[base + 5], role: named(ROLES, n[base + 4], 'role') },
    };
    if (n[base + 9] === 1) rd.snapshot = readSnapshot(n, at, bp, start);
    return rd;
  }

  /**
   * Tells the node that the last {@link ready} has been handled: its entries are durable,
   * its messages sent, its committed entries applied.
   * @example
   * ```js
   * node.advance();
   * ```
   */
  advance(): void {
    this.#raw.advance();
  }

  /**
   * This node's id.
   * @example
   * ```js
   * node.id; // 1
   * ```
   */
  get id(): number {
    return this.#raw.id;
  }

  /**
   * The node's role: `'follower'`, `'candidate'`, `'leader'` or `'precandidate'` (pre-vote).
   * @example
   * ```js
   * if (node.role === 'leader') node.propose('x');
   * ```
   */
  get role(): RaftRole {
    return named(ROLES, this.#raw.role, 'role');
  }

  /**
   * The leader this node knows in its term, or 0: where to redirect clients.
   * @example
   * ```js
   * if (node.role !== 'leader') redirect(node.leader);
   * ```
   */
  get leader(): number {
    return this.#raw.leader;
  }

  /**
   * The node's current term.
   * @example
   * ```js
   * node.term; // 0 for a new node
   * ```
   */
  get term(): number {
    return this.#raw.term;
  }

  /**
   * Whom the node voted for in its current term, or 0.
   * @example
   * ```js
   * node.vote;
   * ```
   */
  get vote(): number {
    return this.#raw.vote;
  }

  /**
   * The highest log index known to be committed.
   * @example
   * ```js
   * node.commit >= index; // the proposal at `index` is durable on a quorum
   * ```
   */
  get commit(): number {
    return this.#raw.commit;
  }

  /**
   * The last index handed out in `ready().committed` (and acknowledged by `advance()`).
   * @example
   * ```js
   * node.compact(node.applied, state);
   * ```
   */
  get applied(): number {
    return this.#raw.applied;
  }

  /**
   * The index of the last entry in the node's log.
   * @example
   * ```js
   * node.lastIndex;
   * ```
   */
  get lastIndex(): number {
    return this.#raw.last_index;
  }

  /**
   * The configuration in force (the latest in the log, committed or not).
   * @example
   * ```js
   * node.conf(); // { voters: [1, 2, 3], learners: [] }
   * ```
   */
  conf(): { voters: number[]; learners: number[] } {
    const v = this.#raw.conf();
    const nv = v[0];
    return { voters: Array.from(v.subarray(1, 1 + nv)), learners: Array.from(v.subarray(1 + nv)) };
  }

  /**
   * The log entries with indexes in `lo..hi` (`hi` exclusive), from memory: what the node
   * holds after its latest snapshot, persisted or not.
   * @throws {TypeError} if `lo` or `hi` is not a number. @throws {RangeError} unless
   *   `snapshotIndex + 1 <= lo <= hi <= lastIndex + 1`.
   * @example
   * ```js
   * node.entries(1, node.lastIndex + 1); // the whole log (without compaction)
   * ```
   */
  entries(lo: number, hi: number): RaftLogEntry[] {
    const count = this.#raw.entries(requireNumber('lo', lo), requireNumber('hi', hi));
    const out: RaftLogEntry[] = [];
    readEntries(memoryF64(), this.#raw.nums_ptr() / 8, count, this.#raw.bytes_ptr(), 0, out);
    return out;
  }

  /**
   * The leader's view of every member (voters, then learners, itself included): empty unless
   * this node leads.
   * @example
   * ```js
   * const lagging = leader.progress().filter((p) => p.match < leader.commit);
   * ```
   */
  progress(): RaftProgress[] {
    const n = this.#raw.progress();
    const out: RaftProgress[] = [];
    for (let at = 0; at < n.length; at += PROGRESS_FIELDS) {
      const state = named(PROGRESS_STATES, n[at + 3], 'progress state');
      out.push({ node: n[at], match: n[at + 1], next: n[at + 2], state, voter: n[at + 4] === 1 });
    }
    return out;
  }

  /**
   * Ticks since the election timer was last reset (by a leader's message, a granted vote, or a
   * new term of this node's own); a follower campaigns once it reaches {@link electionTimeout}.
   * @example
   * ```js
   * const progress = node.electionElapsed / node.electionTimeout; // 0..1, for a timer bar
   * ```
   */
  get electionElapsed(): number {
    return this.#raw.election_elapsed;
  }

  /**
   * The current randomized election timeout, in ticks: drawn from
   * `[electionTick, 2 × electionTick)` at each reset.
   * @example
   * ```js
   * node.electionTimeout; // 10..19 with the default electionTick
   * ```
   */
  get electionTimeout(): number {
    return this.#raw.election_timeout;
  }

  /**
   * Frees the node's wasm memory; later calls throw.
   * @example
   * ```js
   * node.free();
   * ```
   */
  free(): void {
    this.#raw.free();
    this.#raw = freed('RaftNode');
  }

  /** Same as {@link RaftNode.free}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.free();
  }

  /**
   * Encodes a hard state for storage (a few bytes, versioned).
   * @throws {TypeError} / {RangeError} for a malformed hard state.
   * @example
   * ```js
   * fs.appendFileSync(file, RaftNode.encodeHardState(rd.hardState));
   * ```
   */
  static encodeHardState(hardState: RaftHardState): Uint8Array {
    return raw.raft_encode_hard_state(...hardStateArgs('hardState', hardState));
  }

  /**
   * Encodes a message in the wire format {@link step} reads: for tests, proxies and tools
   * that make or rewrite messages. Only a message a correct peer could send encodes (the
   * rules {@link step} applies).
   * @throws {TypeError} for a field of the wrong type. @throws {RangeError} for an unknown
   *   kind, a field out of range, entries that do not follow `index` one by one, both entries
   *   and a snapshot, or a snapshot configuration a cluster cannot have.
   * @example
   * ```js
   * const bytes = RaftNode.encodeMessage({ kind: 'Heartbeat', from: 1, to: 2, term: 3, commit: 5 });
   * node2.step(bytes);
   * ```
   */
  static encodeMessage(message: RaftWireMessageInput): Uint8Array {
    if (!isObject(message)) throw typeError('message', 'an object { kind, from, to, term, … }', message);
    const m = message;
    const kind = KINDS.indexOf(m.kind as RaftMessageKind);
    if (kind < 0) throw rangeError('message.kind', `one of ${KINDS.join(', ')}`, m.kind);
    const opt = (k: string) => optionalNumber(`message.${k}`, m[k]) ?? 0;
    const header = new Float64Array([
      kind, requireNumber('message.from', m.from), requireNumber('message.to', m.to), requireNumber('message.term', m.term),
      opt('logTerm'), opt('index'), opt('commit'), (optionalBoolean('message.reject', m.reject) ?? false) ? 1 : 0,
      opt('rejectHint'), opt('context'),
    ]);
    const entries = m.entries ?? [];
    if (m.snapshot !== undefined) {
      if (!Array.isArray(entries) || entries.length > 0) {
        throw rangeError('message', 'either entries or a snapshot, not both', 'both');
      }
      const [index, term, voters, learners, len] = snapshotArgs('message.snapshot', m.snapshot);
      return raw.raft_encode_message(header, 0, new Float64Array(0), new Float64Array(0), new Uint8Array(0),
        index, term, voters, learners, len);
    }
    return raw.raft_encode_message(header, ...entryArgs('message.entries', entries), undefined, 0, NO_IDS, NO_IDS, 0);
  }

  /**
   * Decodes a message from the wire (what {@link ready} hands out in `messages[i].bytes`), to
   * log, route or inspect it; {@link step} decodes on its own. Only a message a correct peer
   * could send decodes, and it encodes back to the same bytes ({@link encodeMessage}).
   * @throws {TypeError} if `bytes` is not a `Uint8Array`. @throws {Error} if the bytes are not
   *   an encoded message. @throws {RangeError} (`message.…`) if it breaks the rules of {@link step}.
   * @example
   * ```js
   * for (const { to, bytes } of rd.messages) console.log(to, RaftNode.decodeMessage(bytes).kind);
   * ```
   */
  static decodeMessage(bytes: Uint8Array): RaftWireMessage {
    const s = store();
    s.decode_message(writeKey(bytes, 'bytes'));
    const n = memoryF64();
    const base = s.nums_ptr() / 8;
    const bp = s.bytes_ptr();
    const kind = named(KINDS, n[base], 'message kind');
    const entries: RaftLogEntry[] = [];
    const [at, start] = readEntries(n, base + MESSAGE_HEADER + 2, n[base + MESSAGE_HEADER], bp, 0, entries);
    const m: { -readonly [K in keyof RaftWireMessage]: RaftWireMessage[K] } = {
      kind, from: n[base + 1], to: n[base + 2], term: n[base + 3], logTerm: n[base + 4],
      index: n[base + 5], commit: n[base + 6], reject: n[base + 7] === 1, rejectHint: n[base + 8],
      context: n[base + 9], entries,
    };
    if (n[base + MESSAGE_HEADER + 1] === 1) m.snapshot = readSnapshot(n, at, bp, start);
    return m;
  }

  /**
   * Decodes what {@link encodeHardState} wrote. Bytes from disk are untrusted: what decodes is a
   * hard state {@link encodeHardState} accepts (term and commit at most 2^53-1) and encodes
   * again to the same bytes; decoding allocates a fixed few bytes.
   * @throws {TypeError} if `bytes` is not a `Uint8Array`. @throws {Error} if it is not an encoded
   *   hard state. @throws {RangeError} (`bytes`) if its term or commit exceeds 2^53-1.
   * @example
   * ```js
   * const hs = RaftNode.decodeHardState(bytes); // { term, vote, commit }
   * ```
   */
  static decodeHardState(bytes: Uint8Array): RaftHardState {
    if (!(bytes instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array', bytes);
    const [term, vote, commit] = store().decode_hard_state(writeKey(bytes, 'bytes'));
    return { term, vote, commit };
  }

  /**
   * Encodes a list of entries (typically one `ready().entries`) for storage.
   * @throws {TypeError} / {RangeError} for malformed entries.
   * @example
   * ```js
   * fs.appendFileSync(file, RaftNode.encodeEntries(rd.entries));
   * ```
   */
  static encodeEntries(entries: readonly RaftLogEntryInput[]): Uint8Array {
    return raw.raft_encode_entries(...entryArgs('entries', entries));
  }

  /**
   * Decodes what {@link encodeEntries} wrote. Bytes from disk are untrusted: what decodes is a
   * list {@link encodeEntries} accepts (indexes in 1..=2^53-1, terms at most 2^53-1) and encodes
   * again to the same bytes; every count is checked against the bytes that remain before
   * anything is allocated, so the memory taken is at most 15 times `bytes.length` in wasm
   * (one 56-byte entry per 4 encoded bytes at worst, plus the data) before the copy into JS.
   * @throws {TypeError} if `bytes` is not a `Uint8Array`. @throws {Error} if it is not an encoded
   *   entry list. @throws {RangeError} (`bytes`) if an index or term lies outside those ranges.
   * @example
   * ```js
   * const entries = RaftNode.decodeEntries(bytes);
   * ```
   */
  static decodeEntries(bytes: Uint8Array): RaftLogEntry[] {
    if (!(bytes instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array', bytes);
    const s = store();
    const count = s.decode_entries(writeKey(bytes, 'bytes'));
    const out: RaftLogEntry[] = [];
    readEntries(memoryF64(), s.nums_ptr() / 8, count, s.bytes_ptr(), 0, out);
    return out;
  }

  /**
   * Encodes a snapshot for storage.
   * @throws {TypeError} / {RangeError} for a malformed snapshot.
   * @example
   * ```js
   * fs.writeFileSync(snapFile, RaftNode.encodeSnapshot(node.compact(node.applied, state)));
   * ```
   */
  static encodeSnapshot(snapshot: RaftSnapshotInput): Uint8Array {
    return raw.raft_encode_snapshot(...snapshotArgs('snapshot', snapshot));
  }

  /**
   * Decodes what {@link encodeSnapshot} wrote. Bytes from disk are untrusted: what decodes is a
   * snapshot {@link encodeSnapshot} accepts (index and term at most 2^53-1; 1..=255 voters and
   * any learners, distinct non-zero ids) and encodes again to the same bytes; the memory taken
   * is at most 4 times `bytes.length` plus a fixed few bytes.
   * @throws {TypeError} if `bytes` is not a `Uint8Array`. @throws {Error} if it is not an encoded
   *   snapshot. @throws {RangeError} (`bytes`) if it breaks those rules.
   * @example
   * ```js
   * const snapshot = RaftNode.decodeSnapshot(fs.readFileSync(snapFile));
   * ```
   */
  static decodeSnapshot(bytes: Uint8Array): RaftSnapshot {
    if (!(bytes instanceof Uint8Array)) throw typeError('bytes', 'a Uint8Array', bytes);
    const s = store();
    s.decode_snapshot(writeKey(bytes, 'bytes'));
    return readSnapshot(memoryF64(), s.nums_ptr() / 8, s.bytes_ptr(), 0);
  }
}
