// What one live Raft node persists, in IndexedDB (one database per node id): its hard
// state, its log entries and its latest snapshot, each in the package's stored byte form
// (RaftNode.encodeHardState / encodeEntries / encodeSnapshot), plus which cluster it
// belongs to. A write resolves once its transaction has committed: only then may the
// node send the messages of that Ready.
import { RaftNode } from 'quorumkit/raft';

const PREFIX = 'quorumkit-live-node-';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The stored state of node `id`: open it, read it back, write each Ready durably. */
export class LiveStore {
  #db;

  constructor(db) {
    this.#db = db;
  }

  /** Opens (creating if need be) the database of node `id`. */
  static async open(id) {
    const req = indexedDB.open(`${PREFIX}${id}`, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('meta');
      req.result.createObjectStore('log');
    };
    return new LiveStore(await request(req));
  }

  /**
   * What was persisted: `{ cluster, storage }` where `cluster` is `{ id, genesis }` (null if
   * this node never joined one) and `storage` the `RaftNode` option to restart from.
   */
  async load() {
    const tx = this.#db.transaction(['meta', 'log'], 'readonly');
    const meta = tx.objectStore('meta');
    const [cluster, hard, snap, rows] = await Promise.all([
      request(meta.get('cluster')), request(meta.get('hardState')), request(meta.get('snapshot')),
      request(tx.objectStore('log').getAll()),
    ]);
    const storage = { entries: rows.flatMap((bytes) => RaftNode.decodeEntries(bytes)) };
    if (hard) storage.hardState = RaftNode.decodeHardState(hard);
    if (snap) storage.snapshot = RaftNode.decodeSnapshot(snap);
    return { cluster: cluster ?? null, storage };
  }

  /** Records the cluster this node belongs to: `{ id, genesis }`. */
  async setCluster(cluster) {
    const tx = this.#db.transaction('meta', 'readwrite', { durability: 'strict' });
    tx.objectStore('meta').put(cluster, 'cluster');
    await done(tx);
  }

  /**
   * Persists what a Ready (or `compact`) asks: a snapshot (which replaces the stored log
   * up to its index, or all of it if it came from the leader), entries (each batch
   * replaces the stored ones from its first index on) and the hard state, in one
   * transaction; resolves once it has committed.
   */
  async write({ snapshot, entries = [], hardState = null, dropLog = false }) {
    if (!snapshot && !entries.length && !hardState) return;
    const tx = this.#db.transaction(['meta', 'log'], 'readwrite', { durability: 'strict' });
    const meta = tx.objectStore('meta');
    const log = tx.objectStore('log');
    if (snapshot) {
      meta.put(RaftNode.encodeSnapshot(snapshot), 'snapshot');
      log.delete(dropLog ? IDBKeyRange.lowerBound(0) : IDBKeyRange.upperBound(snapshot.index));
    }
    if (entries.length) {
      log.delete(IDBKeyRange.lowerBound(entries[0].index));
      for (const e of entries) log.put(RaftNode.encodeEntries([e]), e.index);
    }
    if (hardState) meta.put(RaftNode.encodeHardState(hardState), 'hardState');
    await done(tx);
  }

  /** Forgets everything this node persisted (its cluster is gone, or it joins a new one). */
  async clear() {
    const tx = this.#db.transaction(['meta', 'log'], 'readwrite', { durability: 'strict' });
    tx.objectStore('meta').clear();
    tx.objectStore('log').clear();
    await done(tx);
  }

  close() {
    this.#db.close();
  }

  /** Closes the database and deletes it (the node left for good). */
  async destroy() {
    const name = this.#db.name;
    this.#db.close();
    await request(indexedDB.deleteDatabase(name));
  }
}
