/**
 * Exactly-once client requests for a state machine replicated by Raft (Raft thesis §6.3).
 *
 * A client that gets no answer must retry, and the request it retries may already be in
 * the log: its leader crashed after replicating it, and the next leader committed it, as
 * Raft requires. Without sessions the retry is applied a second time. With them, each
 * client registers once (its id is the log index of its registration entry) and numbers
 * its requests 1, 2, 3…; the state machine keeps, per client, the last number applied and
 * its reply, and answers a repeat from that record instead of applying it again.
 *
 * ```js
 * import { ClientSessions } from 'quorumkit';
 * const sessions = new ClientSessions();
 * const kv = new Map();
 * // For every committed entry, in log order, on every replica:
 * const client = sessions.register(7);                      // an entry { op: 'register' } at index 7
 * sessions.apply(client, 1, 8, () => (kv.set('x', 1), 'ok')); // { status: 'applied', reply: 'ok' }
 * sessions.apply(client, 1, 9, () => (kv.set('x', 1), 'ok')); // { status: 'duplicate', reply: 'ok' }: not run
 * ```
 *
 * The table is part of the replicated state: every replica must feed it the same entries
 * in the same order, and a snapshot must carry it ({@link ClientSessions.toJSON}).
 * @module
 */
import { integer, options, typeError } from './internal/errors.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Options of `new ClientSessions(…)`.
 * @example
 * ```js
 * new ClientSessions({ expireAfter: 1_000_000 });
 * ```
 */
export interface ClientSessionsOptions {
  /**
   * A session expires once the log has advanced this many indices past its last use
   * (registration or applied request): the first entry applied at index
   * `lastUse + expireAfter` or later removes it. Default 100,000. Choose it so that no
   * client stays silent, or keeps retrying one request, for that many entries.
   */
  expireAfter?: number;
}

/**
 * What {@link ClientSessions.apply} decided.
 *
 * - `'applied'`: a new request; `run` ran and `reply` is what it returned.
 * - `'duplicate'`: the request applied already; `reply` is its recorded reply, and `run`
 *   did not run. Answer the client with it.
 * - `'stale'`: an older request than the last one applied for this client. The client
 *   has moved on and waits for no answer; nothing ran.
 * - `'expired'`: no session with this id (it expired, or never existed). Nothing ran;
 *   tell the client, which cannot know whether the request ever applied and must
 *   register again.
 * @example
 * ```js
 * const r = sessions.apply(client, seq, index, run);
 * if (r.status === 'applied' || r.status === 'duplicate') answer(r.reply);
 * ```
 */
export type SessionResult<R> =
  | { readonly status: 'applied' | 'duplicate'; readonly reply: R }
  | { readonly status: 'stale' | 'expired' };

/**
 * The table as plain data, for a snapshot: `[client, lastSeq, lastUse, reply]` per
 * session, least recently used first.
 * @example
 * ```js
 * const data = JSON.stringify({ kv: [...kv], sessions: sessions.toJSON() });
 * ```
 */
export interface ClientSessionsJSON<R> {
  /** The option the table was made with. */
  readonly expireAfter: number;
  /** The last index the table was given. */
  readonly index: number;
  /** One record per live session: id, last request number applied (0: none yet), index of its last use, last reply. */
  readonly sessions: readonly (readonly [client: number, seq: number, lastUse: number, reply: R | null])[];
}

interface Session<R> {
  seq: number;
  lastUse: number;
  reply: R | null;
}

/**
 * A table of client sessions: the deduplication every application on a Raft log needs
 * so that a retried request applies at most once. It holds no application state and
 * knows nothing of the log's format: the application decodes its entries and calls
 * {@link register} and {@link apply} while it applies them, in log order.
 *
 * Expiry is by log index, never by clock, so every replica (and a replica rebuilt from
 * the log or from a snapshot) keeps and drops exactly the same sessions.
 * @example
 * ```js
 * const sessions = new ClientSessions({ expireAfter: 100_000 });
 * const id = sessions.register(entry.index);
 * ```
 */
export class ClientSessions<R = unknown> {
  readonly #expireAfter: number;
  /** Sessions by id, least recently used first (a use moves a session to the end). */
  readonly #sessions = new Map<number, Session<R>>();
  #index = 0;

  /**
   * An empty table.
   * @throws {TypeError} if `options` is not an object or `expireAfter` not a number.
   * @throws {RangeError} if `expireAfter` is not an integer in 1..=2^53-1.
   * @example
   * ```js
   * const sessions = new ClientSessions();
   * ```
   */
  constructor(opts?: ClientSessionsOptions) {
    const { expireAfter = 100_000 } = options('options', opts);
    this.#expireAfter = integer('expireAfter', expireAfter, 1, MAX_SAFE);
  }

  /**
   * Opens a session for the registration entry applied at `index` and returns its id,
   * which is `index` itself: unique, and the same on every replica. A client that
   * retries its registration just opens a second session; the unused one expires.
   * @throws {TypeError} / {RangeError} if `index` is not an integer in 1..=2^53-1 or is
   *   below an index given before.
   * @example
   * ```js
   * if (cmd.op === 'register') reply({ client: sessions.register(entry.index) });
   * ```
   */
  register(index: number): number {
    this.#advance(index);
    // Indices never go back and an id is its registration's index, so ids never repeat.
    if (this.#sessions.has(index)) throw new RangeError(`index must not register a session twice, got ${index}`);
    this.#sessions.set(index, { seq: 0, lastUse: index, reply: null });
    return index;
  }

  /**
   * Applies request `seq` of session `client`, found in the entry at `index`: runs
   * `run` and records its result as the reply if `seq` is above the last number applied
   * for that client; answers from the record if it equals it; otherwise runs nothing
   * (see {@link SessionResult}). A client must have at most one request outstanding,
   * since only the last reply is kept. If `run` throws, nothing is recorded and the
   * error propagates.
   * @param client - the session id ({@link register}'s result).
   * @param seq - the request's number, from 1, increasing per client; a retry reuses it.
   * @param index - the log index of the entry being applied.
   * @param run - applies the request to the application's state; returns the reply.
   *   It must be deterministic: every replica runs it on the same state.
   * @throws {TypeError} / {RangeError} if `client`, `seq` or `index` is not an integer in
   *   1..=2^53-1, if `index` is below an index given before, or if `run` is not a function.
   * @example
   * ```js
   * const r = sessions.apply(cmd.client, cmd.seq, entry.index, () => {
   *   kv.set(cmd.key, cmd.value);
   *   return entry.index;
   * });
   * ```
   */
  apply(client: number, seq: number, index: number, run: () => R): SessionResult<R> {
    integer('client', client, 1, MAX_SAFE);
    integer('seq', seq, 1, MAX_SAFE);
    if (typeof run !== 'function') throw typeError('run', 'a function', run);
    this.#advance(index);
    const s = this.#sessions.get(client);
    if (s === undefined) return { status: 'expired' };
    if (seq < s.seq) return { status: 'stale' };
    this.#sessions.delete(client);
    this.#sessions.set(client, s);
    s.lastUse = index;
    if (seq === s.seq) return { status: 'duplicate', reply: s.reply as R };
    const reply = run();
    s.seq = seq;
    s.reply = reply;
    return { status: 'applied', reply };
  }

  /**
   * Whether session `client` is open.
   * @example
   * ```js
   * sessions.has(7); // false once it expired
   * ```
   */
  has(client: number): boolean {
    return this.#sessions.has(client);
  }

  /**
   * How many sessions are open.
   * @example
   * ```js
   * sessions.size;
   * ```
   */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * The option the table was made with.
   * @example
   * ```js
   * sessions.expireAfter; // 100000
   * ```
   */
  get expireAfter(): number {
    return this.#expireAfter;
  }

  /**
   * The table as plain data, to store in a snapshot beside the application's state;
   * {@link fromJSON} restores it. Replies are included as they are, so keep them
   * serializable the way you serialize the snapshot (e.g. JSON).
   * @example
   * ```js
   * const snap = node.compact(node.applied, JSON.stringify({ kv: [...kv], sessions }));
   * ```
   */
  toJSON(): ClientSessionsJSON<R> {
    return {
      expireAfter: this.#expireAfter,
      index: this.#index,
      sessions: [...this.#sessions].map(([client, s]) => [client, s.seq, s.lastUse, s.reply] as const),
    };
  }

  /**
   * Restores a table from {@link toJSON}'s data (e.g. after `JSON.parse`): it then
   * decides every later entry exactly as the table it was taken from.
   * @throws {TypeError} / {RangeError} if `data` is not such an object.
   * @example
   * ```js
   * const { kv, sessions } = JSON.parse(new TextDecoder().decode(snapshot.data));
   * const table = ClientSessions.fromJSON(sessions);
   * ```
   */
  static fromJSON<R = unknown>(data: ClientSessionsJSON<R>): ClientSessions<R> {
    if (data === null || typeof data !== 'object' || !Array.isArray(data.sessions)) {
      throw typeError('data', 'an object { expireAfter, index, sessions }', data);
    }
    const t = new ClientSessions<R>({ expireAfter: data.expireAfter });
    t.#index = integer('data.index', data.index, 0, MAX_SAFE);
    let last = 0;
    for (const rec of data.sessions) {
      if (!Array.isArray(rec) || rec.length !== 4) {
        throw typeError('data.sessions', 'an array of [client, seq, lastUse, reply]', rec);
      }
      const client = integer('data.sessions client', rec[0], 1, t.#index);
      if (t.#sessions.has(client)) throw new RangeError(`data.sessions must list each client once, got ${client} twice`);
      const seq = integer('data.sessions seq', rec[1], 0, MAX_SAFE);
      last = integer('data.sessions lastUse', rec[2], last, t.#index);
      t.#sessions.set(client, { seq, lastUse: last, reply: rec[3] });
    }
    return t;
  }

  /** Moves to `index` and drops the sessions that expire there. */
  #advance(index: number): void {
    integer('index', index, Math.max(1, this.#index), MAX_SAFE);
    this.#index = index;
    for (const [client, s] of this.#sessions) {
      if (s.lastUse + this.#expireAfter > index) break;
      this.#sessions.delete(client);
    }
  }
}
