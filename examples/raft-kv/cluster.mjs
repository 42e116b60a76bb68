// The main thread: starts one worker per replica and is their network, routing each
// { to, bytes } message to the worker it is addressed to (and dropping those for a
// worker that is down, as a real network would). Also a small client: put, status.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

const NODE = new URL('./node.mjs', import.meta.url);

export class Cluster {
  /**
   * @param {{ dir: string, ids?: number[], tickMs?: number }} opts  `dir` holds one
   *   write-ahead log file per node (`node-<id>.wal`).
   */
  constructor({ dir, ids = [1, 2, 3], tickMs = 20 }) {
    this.dir = dir;
    this.ids = ids;
    this.tickMs = tickMs;
    this.workers = new Map();
    this.calls = new Map();
    this.nextCall = 1;
    this.nextReq = 1;
  }

  /** Starts (or restarts, from its file) the worker of node `id`; resolves once it runs. */
  start(id) {
    const file = join(this.dir, `node-${id}.wal`);
    const w = new Worker(NODE, { workerData: { id, peers: this.ids, file, tickMs: this.tickMs } });
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

  /**
   * Sets `key` to `value`; resolves with the entry's index once the leader has applied
   * it (so it is committed). Retries on the leader the nodes name, until `timeoutMs`.
   */
  async put(key, value, { timeoutMs = 10_000 } = {}) {
    const req = `${process.pid}:${this.nextReq++}`;
    const end = Date.now() + timeoutMs;
    let target = this.ids.find((id) => this.workers.has(id));
    while (Date.now() < end) {
      const r = await this.#call(target, { type: 'put', key, value, req });
      if (r.ok) return r.index;
      if (r.leader && this.workers.has(r.leader)) target = r.leader;
      else {
        const live = [...this.workers.keys()];
        target = live[(live.indexOf(target) + 1) % live.length];
        await sleep(this.tickMs * 2);
      }
    }
    throw new Error(`put ${key}: no leader accepted it in time`);
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

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
