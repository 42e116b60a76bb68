// The main thread: starts one worker per replica and is their network, routing each
// { to, bytes } message to the worker it is addressed to (and dropping those for a
// worker that is down, as a real network would). Also the clients: put, get, status.
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

const NODE = new URL('./node.mjs', import.meta.url);

export class Cluster {
  #client;

  /**
   * @param {{ dir: string, ids?: number[], tickMs?: number, expireAfter?: number }} opts
   *   `dir` holds one write-ahead log file per node (`node-<id>.wal`); a client session
   *   unused for `expireAfter` log entries expires.
   */
  constructor({ dir, ids = [1, 2, 3], tickMs = 20, expireAfter = 100_000 }) {
    this.dir = dir;
    this.ids = ids;
    this.tickMs = tickMs;
    this.expireAfter = expireAfter;
    this.workers = new Map();
    this.calls = new Map();
    this.nextCall = 1;
  }

  /** Starts (or restarts, from its file) the worker of node `id`; resolves once it runs. */
  start(id) {
    const file = join(this.dir, `node-${id}.wal`);
    const w = new Worker(NODE, {
      workerData: { id, peers: this.ids, file, tickMs: this.tickMs, expireAfter: this.expireAfter },
    });
    this.workers.set(id, w);
    return new Promise((resolve, reject) => {
      w.once('error', reject);
      w.on('message', (msg) => {
        if (msg.type === 'started') resolve(msg.restored);
        else if (msg.type === 'send') this.#route(msg.messages);
        else if (msg.type === 'reply') {
          const c = this.calls.get(msg.call);
          if (c) {
            this.calls.delete(msg.call);
            clearTimeout(c.timer);
            c.resolve(msg);
          }
        }
      });
    });
  }

  startAll() {
    return Promise.all(this.ids.map((id) => this.start(id)));
  }

  /** Kills node `id`'s worker at once: whatever it had not fsync'd is lost. */
  async kill(id) {
    const w = this.workers.get(id);
    this.workers.delete(id);
    await w.terminate();
  }

  #route(messages) {
    for (const { to, bytes } of messages) {
      this.workers.get(to)?.postMessage({ type: 'step', bytes }, [bytes.buffer]);
    }
  }

  #call(id, msg, timeoutMs = 1000) {
    const w = this.workers.get(id);
    if (!w) return Promise.resolve({ ok: false, leader: 0, down: true });
    const call = this.nextCall++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.calls.delete(call);
        resolve({ ok: false, leader: 0, timeout: true });
      }, timeoutMs);
      this.calls.set(call, { resolve, timer });
      w.postMessage({ ...msg, call });
    });
  }

  /** Node `id`'s role, term, leader, commit and applied indices, and its key-value map. */
  async status(id) {
    const r = await this.#call(id, { type: 'status' });
    return r.ok ? r.status : undefined;
  }

  /** The node every live node agrees leads, with its status; undefined if none yet. */
  async leader() {
    const all = (await Promise.all([...this.workers.keys()].map((id) => this.status(id)))).filter(Boolean);
    const l = all.find((s) => s.role === 'leader' && all.every((o) => o.leader === s.id && o.term === s.term));
    return l;
  }

  /** Waits until a leader is agreed on (other than `not`, if given). */
  async waitForLeader({ not, timeoutMs = 10_000 } = {}) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const l = await this.leader();
      if (l && l.id !== not) return l;
      await sleep(this.tickMs * 2);
    }
    throw new Error('no leader elected in time');
  }

  /** A new client, with its own session: clients that run concurrently need one each. */
  client() {
    return new KvClient((msg, end) => this.#toLeader(msg, end), (key, opts) => this.get(key, opts));
  }

  /** `put` through this cluster's own client (calls run one at a time). */
  put(key, value, opts) {
    return (this.#client ??= this.client()).put(key, value, opts);
  }

  /**
   * Sends `msg` to the leader, following the leader the nodes name and moving on from
   * nodes that are down or do not answer within a second, until it is answered or the
   * time `end` passes (then resolves with undefined).
   */
  async #toLeader(msg, end) {
    let target = this.ids.find((id) => this.workers.has(id));
    while (Date.now() < end) {
      const r = await this.#call(target, msg, Math.max(1, Math.min(1000, end - Date.now())));
      if (r.ok || r.expired) return r;
      const live = [...this.workers.keys()];
      if (r.leader && this.workers.has(r.leader)) target = r.leader;
      else {
        target = live[(live.indexOf(target) + 1) % live.length];
        await sleep(this.tickMs * 2);
      }
    }
    return undefined;
  }

  /**
   * Reads `key` linearizably (ReadIndex): the answer reflects every write that completed
   * before the call. Asks node `via` (default: the first live one; followers forward to
   * the leader), retrying elsewhere until `timeoutMs`. Resolves with the value or null.
   */
  async get(key, { via, timeoutMs = 10_000 } = {}) {
    const end = Date.now() + timeoutMs;
    let target = via ?? this.ids.find((id) => this.workers.has(id));
    while (Date.now() < end) {
      const r = await this.#call(target, { type: 'get', key }, this.tickMs * 20);
      if (r.ok) return r.value;
      const live = [...this.workers.keys()];
      target = r.leader && this.workers.has(r.leader) ? r.leader : live[(live.indexOf(target) + 1) % live.length];
      await sleep(this.tickMs * 2);
    }
    throw new Error(`get ${key}: no node answered in time`);
  }

  async close() {
    await Promise.all([...this.workers.keys()].map((id) => this.kill(id)));
  }
}

/**
 * A client of the store. Its puts apply exactly once however often they are retried
 * (Raft thesis §6.3): it registers a session on first use (its id is the log index of
 * the registration), numbers its puts 1, 2, 3… and sends a retry with the same number;
 * the replicas apply a number once and answer a repeat from the session's record. Calls
 * run one at a time, since a session keeps only its last reply.
 */
export class KvClient {
  #send;
  #read;
  #id = 0;
  #seq = 0;
  #tail = Promise.resolve();

  constructor(send, read) {
    this.#send = send;
    this.#read = read;
  }

  /** This client's session id (0 until its first put registers one). */
  get id() {
    return this.#id;
  }

  /**
   * Sets `key` to `value`; resolves with the log index at which it applied, once the
   * leader has applied it (so it is committed). Retried on the leader the nodes name,
   * until `timeoutMs`. If that runs out, it rejects and the put may still apply, once.
   */
  put(key, value, { timeoutMs = 10_000 } = {}) {
    return this.#serial(async () => {
      const end = Date.now() + timeoutMs;
      if (this.#id === 0) {
        const r = await this.#send({ type: 'register', nonce: randomUUID() }, end);
        if (!r?.ok) throw new Error(`put ${key}: no leader registered the client in time`);
        [this.#id, this.#seq] = [r.client, 0];
      }
      const seq = ++this.#seq;
      const r = await this.#send({ type: 'put', client: this.#id, seq, key, value }, end);
      if (r?.ok) return r.index;
      if (r?.expired) {
        this.#id = 0; // the next put registers a new session
        throw new Error(`put ${key}: the client's session expired; the put may have applied or not`);
      }
      throw new Error(`put ${key}: no leader answered in time; the put may still apply, once`);
    });
  }

  /** Reads `key` linearizably, as {@link Cluster.get} does (reads need no session). */
  get(key, opts) {
    return this.#serial(() => this.#read(key, opts));
  }

  #serial(fn) {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
