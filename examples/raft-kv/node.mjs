// One replica of the key-value store, run in a worker thread: a RaftNode, a write-ahead
// log file, and the state it applies committed commands to: the key-value map and the
// client sessions that make a retried put apply once.
//
// The main thread is this node's network: it sends { type: 'step', bytes } for every
// message addressed to it, and forwards the { type: 'send', messages } this node posts.
import { parentPort, workerData } from 'node:worker_threads';
import { closeSync, fsyncSync, openSync, readFileSync, existsSync, ftruncateSync, writeSync } from 'node:fs';
import { ClientSessions, RaftNode } from 'quorumkit/raft';

const { id, peers, file, tickMs = 20, expireAfter = 100_000 } = workerData;

// ----- the write-ahead log ---------------------------------------------------------
// Append-only records: a type byte (1 hard state, 2 entries), a u32 little-endian
// payload length, and the payload in quorumkit's storage encoding.
const HARD_STATE = 1;
const ENTRIES = 2;

/** Reads every complete record; cuts off a torn tail left by a crash mid-write. */
function load() {
  const storage = { hardState: undefined, entries: [] };
  if (!existsSync(file)) return storage;
  const buf = readFileSync(file);
  let at = 0;
  while (at + 5 <= buf.length) {
    const type = buf[at];
    const len = buf.readUInt32LE(at + 1);
    if (at + 5 + len > buf.length) break;
    const payload = new Uint8Array(buf.buffer, buf.byteOffset + at + 5, len);
    if (type === HARD_STATE) storage.hardState = RaftNode.decodeHardState(payload);
    else if (type === ENTRIES) storage.entries.push(...RaftNode.decodeEntries(payload));
    else throw new Error(`${file}: unknown record type ${type} at byte ${at}`);
    at += 5 + len;
  }
  if (at < buf.length) {
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, at);
    closeSync(fd);
  }
  return storage;
}

function record(type, payload) {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = type;
  out.writeUInt32LE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

// ----- the node --------------------------------------------------------------------
const storage = load();
const restored = { entries: storage.entries.length, term: storage.hardState?.term ?? 0 };
// Entries after a restart start again from the beginning: committed ones come back in
// ready().committed, so the map below is rebuilt by applying them again.
const node = new RaftNode({ id, peers, seed: id * 7919 + Date.now(), preVote: true, storage });
const wal = openSync(file, 'a');
const kv = new Map();
/**
 * Per client, the last put applied and its reply (Raft thesis §6.3). A client retries a
 * put that got no answer, and the first attempt may be in the log already (its leader
 * died after replicating it; the next leader committed it): the retry is then answered
 * from this record instead of being applied again. Rebuilt with the map from the log on
 * restart; a snapshot would have to carry it beside the map.
 */
const sessions = new ClientSessions({ expireAfter });
/**
 * Client requests this node proposed, waiting for their entry to apply: puts by
 * `client:seq`, registrations by the client's nonce.
 */
const pending = new Map();
/** Linearizable reads by ReadIndex tag: waiting for confirmation, then for the apply index. */
const reads = new Map();
let nextRead = 1;

/** Answers the request waiting on `key`, if this node has one. */
function answer(key, reply) {
  const call = pending.get(key);
  if (call === undefined) return;
  pending.delete(key);
  parentPort.postMessage({ type: 'reply', call, ...reply });
}

/** Applies one committed command to the map and the sessions, answering its client. */
function apply(e) {
  const cmd = JSON.parse(e.text);
  if (cmd.op === 'register') {
    // The session's id is the index of this entry: unique, and the same on every replica.
    answer(`register:${cmd.nonce}`, { ok: true, client: sessions.register(e.index) });
    return;
  }
  const key = `${cmd.client}:${cmd.seq}`;
  const r = sessions.apply(cmd.client, cmd.seq, e.index, () => {
    kv.set(cmd.key, cmd.value);
    return e.index;
  });
  if (r.status === 'applied' || r.status === 'duplicate') answer(key, { ok: true, index: r.reply });
  else if (r.status === 'expired') answer(key, { ok: false, expired: true });
  else pending.delete(key); // stale: the client gave up on it long ago
}

/** Answers the confirmed reads whose index this replica has applied. */
function serveReads() {
  for (const [ctx, r] of reads) {
    if (r.index === undefined || node.applied < r.index) continue;
    reads.delete(ctx);
    parentPort.postMessage({ type: 'reply', call: r.call, ok: true, value: kv.get(r.key) ?? null, index: r.index });
  }
}

function handleReady() {
  for (let rd = node.ready(); rd; rd = node.ready()) {
    // 1. Persist, durably, before anything leaves this node.
    const records = [];
    if (rd.entries.length) records.push(record(ENTRIES, RaftNode.encodeEntries(rd.entries)));
    if (rd.hardState) records.push(record(HARD_STATE, RaftNode.encodeHardState(rd.hardState)));
    if (records.length) {
      writeSync(wal, Buffer.concat(records));
      fsyncSync(wal);
    }
    // 2. Send.
    if (rd.messages.length) {
      parentPort.postMessage({ type: 'send', messages: rd.messages }, rd.messages.map((m) => m.bytes.buffer));
    }
    // 3. Apply.
    for (const e of rd.committed) {
      if (e.kind !== 'normal' || e.data.length === 0) continue; // membership change, leader no-op
      apply(e);
    }
    // 4. Confirmed reads: served once applied up to their index.
    for (const { index, ctx } of rd.readStates) {
      const r = reads.get(ctx);
      if (r) r.index = index;
    }
    node.advance();
    serveReads();
  }
}

function status() {
  return {
    id,
    role: node.role,
    term: node.term,
    leader: node.leader,
    commit: node.commit,
    applied: node.applied,
    restored,
    kv: Object.fromEntries(kv),
    sessions: sessions.toJSON().sessions,
  };
}

parentPort.on('message', (msg) => {
  switch (msg.type) {
    case 'step':
      try {
        node.step(msg.bytes);
      } catch {
        // Not for us, or garbage: a real network drops it too.
      }
      break;
    case 'register':
    case 'put':
      if (node.role !== 'leader') {
        parentPort.postMessage({ type: 'reply', call: msg.call, ok: false, leader: node.leader });
        return;
      }
      // Proposed even if this request is in the log already (a retry): applying it then
      // answers from the client's session, which every replica decides the same way.
      if (msg.type === 'register') {
        pending.set(`register:${msg.nonce}`, msg.call);
        node.propose(JSON.stringify({ op: 'register', nonce: msg.nonce }));
      } else {
        pending.set(`${msg.client}:${msg.seq}`, msg.call);
        node.propose(JSON.stringify({ op: 'put', client: msg.client, seq: msg.seq, key: msg.key, value: msg.value }));
      }
      break;
    case 'get': {
      // ReadIndex: a read that sees every write committed before it began, without
      // writing to the log. A follower forwards it to the leader. If leadership changes
      // first, the read is dropped and the caller times out and retries.
      const ctx = nextRead++;
      try {
        node.readIndex(ctx);
        reads.set(ctx, { call: msg.call, key: msg.key, index: undefined });
      } catch {
        parentPort.postMessage({ type: 'reply', call: msg.call, ok: false, leader: node.leader });
      }
      break;
    }
    case 'status':
      parentPort.postMessage({ type: 'reply', call: msg.call, ok: true, status: status() });
      break;
  }
  handleReady();
});

setInterval(() => {
  node.tick();
  handleReady();
}, tickMs);
handleReady();
parentPort.postMessage({ type: 'started', id, restored });
