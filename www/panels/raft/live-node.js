// One node of a live Raft cluster whose members are the browser tabs of this page:
// a RaftNode from the package with a BroadcastChannel for its network, IndexedDB for
// its disk and a timer for its clock. Everything Raft decides (elections, replication,
// commit, membership, reads) is the package's; this module only moves bytes, keeps
// them durable before they are sent, and applies the committed log to a small
// key-value store with client sessions.
//
// Identity. A node's id is claimed with a Web Lock (`quorumkit-live-id-<id>`) held as
// long as the tab lives: a tab takes the id its session used before (a reload), else the
// lowest id this browser has used whose lock is free (so a tab opened after one was
// closed restarts that node from its IndexedDB state), else a new one, above every id this browser has used.
//
// Membership. The first tab that hears no leader for BOOTSTRAP_TICKS and finds no state
// of its own bootstraps a one-voter cluster. A new tab broadcasts `join`; the leader adds
// it as a learner and, once its log has caught up with the commit index, promotes it to
// voter (up to MAX_VOTERS voters; later tabs stay learners). The leader removes a member
// it has not heard from for REMOVE_AFTER_MS, one change at a time, as the single-server
// changes of the Raft thesis (§4.1) keep every majority overlapping: the removal
// commits only with a majority of the configuration that still counts the absent node.
// A tab that leaves by its button hands over leadership first, asks to be removed, and
// forgets its state and id once the leader says the removal is committed.
import { ClientSessions, RaftNode } from 'quorumkit/raft';
import { LiveStore } from './live-store.js';

/** The BroadcastChannel the tabs talk on. */
export const CHANNEL = 'quorumkit-live-raft';
/** What every envelope carries in `app`, and the envelope version this build speaks. */
export const APP = 'quorumkit-live';
export const ENVELOPE_VERSION = 1;
export const TICK_MS = 100;
export const ELECTION_TICK = 10;
export const HEARTBEAT_TICK = 2;
export const BOOTSTRAP_TICKS = 15;
export const REMOVE_AFTER_MS = 30_000;
export const MAX_VOTERS = 5;
/** Compact the log once this many entries have been applied since the last snapshot. */
export const COMPACT_EVERY = 64;
const RETRY_MS = 1_000;
const GIVE_UP_MS = 10_000;
const MAX_DATA = 4_096;
const IDS_KEY = 'quorumkit-live:ids';
const LAST_ID_KEY = 'quorumkit-live:last-id';
const CLUSTER_KEY = 'quorumkit-live:cluster';
const SESSION_KEY = 'quorumkit-live:id';
const TYPES = new Set(['raft', 'join', 'welcome', 'propose', 'leave', 'removed']);

/** Why an envelope was rejected, as counted: the keys of `LiveNode.rejected`. */
export const REJECT_REASONS = {
  foreign: 'not a quorumkit envelope',
  version: 'another envelope version',
  cluster: 'another cluster',
  malformed: 'malformed envelope',
  bytes: 'undecodable Raft bytes',
  refused: 'refused by the node',
};

/** Kinds of message only a leader sends. */
const LEADER_KINDS = new Set(['Append', 'Heartbeat', 'Snapshot']);

/** The kind of an encoded message, or null if the bytes do not decode. */
function peekKind(bytes) {
  try {
    return RaftNode.decodeMessage(bytes).kind;
  } catch {
    return null;
  }
}

const isId = (x) => Number.isInteger(x) && x >= 1 && x <= 0xffff_ffff;

/**
 * Checks what arrived on the channel: returns the envelope, or the reason (a key of
 * REJECT_REASONS) it is not one this build reads.
 */
export function checkEnvelope(d) {
  if (d === null || typeof d !== 'object' || d.app !== APP) return 'foreign';
  if (d.v !== ENVELOPE_VERSION) return 'version';
  if (!TYPES.has(d.type) || !isId(d.from) || !(d.to === 0 || isId(d.to))) return 'malformed';
  if (!(d.cluster === null || typeof d.cluster === 'string')) return 'malformed';
  if (d.type === 'raft' && !(d.bytes instanceof Uint8Array)) return 'malformed';
  if (d.type === 'propose' && !(typeof d.data === 'string' && d.data.length <= MAX_DATA)) return 'malformed';
  if (d.type === 'welcome' && !(Array.isArray(d.genesis) && d.genesis.length && d.genesis.every(isId) && typeof d.cluster === 'string')) {
    return 'malformed';
  }
  return d;
}

function readIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(IDS_KEY) ?? '[]');
    return Array.isArray(ids) ? ids.filter(isId).sort((a, b) => a - b) : [];
  } catch {
    return [];
  }
}

/** Takes the Web Lock of id `id` if it is free; resolves to its release function, or null. */
function tryLock(id) {
  return new Promise((resolve) => {
    navigator.locks.request(`quorumkit-live-id-${id}`, { ifAvailable: true }, (lock) => {
      if (!lock) return resolve(null);
      return new Promise((release) => resolve(release));
    });
  });
}

/** Claims a node id for this tab (see the module comment); resolves to `{ id, release }`. */
async function claimId() {
  const known = readIds();
  const preferred = Number(sessionStorage.getItem(SESSION_KEY));
  for (const id of [...new Set([...(isId(preferred) ? [preferred] : []), ...known])]) {
    const release = await tryLock(id);
    if (release) return { id, release };
  }
  // A new id is above every id used before, including those of nodes that left: a Raft
  // cluster must not take a removed node back under its old id.
  const used = Number(localStorage.getItem(LAST_ID_KEY));
  for (let id = Math.max(known.at(-1) ?? 0, isId(used) ? used : 0) + 1; ; id++) {
    const release = await tryLock(id);
    if (release) {
      localStorage.setItem(IDS_KEY, JSON.stringify([...new Set([...readIds(), id])]));
      localStorage.setItem(LAST_ID_KEY, String(Math.max(id, Number(localStorage.getItem(LAST_ID_KEY)) || 0)));
      return { id, release };
    }
  }
}

/**
 * A live node. `await LiveNode.start(onChange)` claims an id, restores or joins, and
 * runs until `stop()` (or the tab closes: a crash). `onChange(event)` hears what
 * happened, for the story (`{ time, text }`).
 */
export class LiveNode {
  id = 0;
  /** The RaftNode, once this tab is part of a cluster (null while it asks to join). */
  node = null;
  cluster = null;
  kv = new Map();
  /** When (Date.now()) this replica last applied a write of each key. */
  appliedAt = new Map();
  sessions = new ClientSessions({ expireAfter: 100_000 });
  snapshotIndex = 0;
  /** Rejected envelopes by reason (REJECT_REASONS), and the latest rejection's text. */
  rejected = Object.fromEntries(Object.keys(REJECT_REASONS).map((k) => [k, 0]));
  lastRejection = '';
  /** Messages sent and received lately, for drawing: `{ from, to, kind, entries, granted, at }`. */
  traffic = [];
  /** Per member: the latest time (ms) and term heard from it. */
  heard = new Map();
  /** What a restart found in IndexedDB: `{ term, lastIndex }`, or null (a new node). */
  restoredFrom = null;
  /** The leader this node knows (0: none), and since when (Date.now()) it knows it. */
  leader = 0;
  leaderSince = 0;
  /** True from `leave()` on. */
  leaving = false;

  #release;
  #store;
  #channel;
  #ticker;
  #inbox = [];
  #busy = false;
  #stopped = false;
  #onChange;
  #ticksWithoutLeader = 0;
  #bootstrapping = false;
  /** Set once the leader says this node's removal is committed (after `leave()`). */
  #removedAck = false;
  #welcoming = false;
  #conf = '';
  #removals = new Map();
  #wasLeader = false;
  #client = 0;
  #nonce = Math.random().toString(36).slice(2);
  #registering = null;
  #seq = 0;
  #queue = Promise.resolve();
  #pendingPut = null;
  #reads = new Map();
  #readSeq = 0;

  constructor(onChange) {
    this.#onChange = onChange;
  }

  static async start(onChange = () => {}) {
    const me = new LiveNode(onChange);
    const { id, release } = await claimId();
    me.id = id;
    me.#release = release;
    sessionStorage.setItem(SESSION_KEY, String(id));
    me.#store = await LiveStore.open(id);
    let { cluster, storage } = await me.#store.load();
    const current = localStorage.getItem(CLUSTER_KEY);
    if (cluster && current && cluster.id !== current) {
      // This node's cluster was replaced by a newer one bootstrapped since: its state is moot.
      await me.#store.clear();
      cluster = null;
    }
    me.#channel = new BroadcastChannel(CHANNEL);
    me.#channel.onmessage = (e) => me.#receive(e.data);
    me.#channel.onmessageerror = () => me.#reject('foreign', 'a message that could not be deserialized');
    if (cluster) {
      me.#startNode(cluster, storage);
      me.restoredFrom = { term: storage.hardState?.term ?? 0, lastIndex: me.node.lastIndex };
      me.#tell(`restarted as n${id} from IndexedDB: term ${me.restoredFrom.term}, log up to ${me.node.lastIndex}`);
    } else {
      me.#tell(`n${id} asks the open tabs for a leader to join`);
      me.#sendJoin();
    }
    me.#ticker = startTicker(() => me.#tick());
    me.#pump();
    return me;
  }

  // ----- the node and its state machine ---------------------------------------

  #startNode(cluster, storage = {}) {
    this.cluster = cluster;
    this.node = new RaftNode({
      id: this.id, peers: cluster.genesis, electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK,
      preVote: true, checkQuorum: true, storage,
    });
    if (storage.snapshot) this.#restore(storage.snapshot);
  }

  #restore(snapshot) {
    const state = JSON.parse(new TextDecoder().decode(snapshot.data));
    this.kv = new Map(state.kv);
    this.sessions = ClientSessions.fromJSON(state.sessions);
    this.snapshotIndex = snapshot.index;
  }

  /** Applies one committed normal entry, the same way on every replica. */
  #apply(e) {
    let cmd;
    try {
      cmd = JSON.parse(e.text);
    } catch {
      return; // not a command: every replica skips it alike
    }
    if (cmd?.op === 'register') {
      try {
        this.sessions.register(e.index);
      } catch {
        return; // cannot happen on a log (indexes only grow), and is skipped alike if it did
      }
      if (cmd.nonce === this.#nonce && this.#registering) this.#registering.resolve(e.index);
      return;
    }
    if (cmd?.op !== 'put' || typeof cmd.key !== 'string' || typeof cmd.value !== 'string') return;
    let result;
    try {
      result = this.sessions.apply(cmd.client, cmd.seq, e.index, () => {
        this.kv.set(cmd.key, cmd.value);
        this.appliedAt.set(cmd.key, Date.now());
        return e.index;
      });
    } catch {
      return; // a client id or number no client sends
    }
    const p = this.#pendingPut;
    if (p && cmd.client === this.#client && cmd.seq === p.seq) p.resolve(result);
  }

  // ----- the Ready loop: persist, then send, then apply --------------------------

  /** Runs `fn` on the node between two Readies (never while one is being persisted). */
  #do(fn) {
    return new Promise((resolve, reject) => {
      this.#inbox.push(() => {
        try {
          resolve(fn());
        } catch (e) {
          reject(e);
        }
      });
      this.#pump();
    });
  }

  async #pump() {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      for (;;) {
        for (const fn of this.#inbox.splice(0)) fn();
        const rd = this.node?.ready();
        if (!rd) {
          if (!this.#inbox.length) break;
          continue;
        }
        await this.#handle(rd);
        if (this.#stopped) return;
      }
    } catch (e) {
      // The disk refused a write: the node cannot keep the Ready contract, so it stops (a crash).
      if (!this.#stopped) {
        this.#tell(`n${this.id} stops: ${e.message}`);
        this.stop();
      }
    } finally {
      this.#busy = false;
    }
  }

  async #handle(rd) {
    // The node holds the leader's snapshot already: its log starts after it (the view reads that log).
    if (rd.snapshot) this.snapshotIndex = rd.snapshot.index;
    // 1. Durable first: the Ready contract forbids sending before this write commits.
    await this.#store.write({ snapshot: rd.snapshot, dropLog: true, entries: rd.entries, hardState: rd.hardState });
    if (this.#stopped) return;
    // 2. Then send.
    for (const { to, bytes } of rd.messages) {
      this.#post({ type: 'raft', to, bytes });
      this.#see(this.id, to, bytes);
    }
    // 3. Then apply.
    if (rd.snapshot) {
      this.#restore(rd.snapshot);
      this.#tell(`installed a snapshot from the leader up to entry ${rd.snapshot.index}`);
    }
    for (const e of rd.committed) if (e.kind === 'normal' && e.data.length) this.#apply(e);
    const { voters, learners } = this.node.conf();
    const conf = `voters ${voters.join(', ')}${learners.length ? `; learners ${learners.join(', ')}` : ''}`;
    if (conf !== this.#conf) {
      this.#conf = conf;
      this.#tell(`membership as n${this.id} knows it: ${conf}`);
    }
    for (const rs of rd.readStates) {
      const r = this.#reads.get(rs.ctx);
      if (r) r.index = rs.index;
    }
    this.node.advance();
    this.#serveReads();
    if (rd.softState.leader !== this.leader) {
      this.leader = rd.softState.leader;
      this.leaderSince = Date.now();
    }
    const leading = rd.softState.role === 'leader';
    if (leading && !this.#wasLeader) {
      const now = Date.now();
      for (const id of this.#members()) this.heard.set(id, { at: now, term: this.heard.get(id)?.term ?? 0 });
      this.#tell(`n${this.id} won the election: leader of term ${this.node.term}`);
    }
    this.#wasLeader = leading;
    // Compaction: a snapshot of the state machine replaces the applied log, persisted likewise.
    if (this.node.applied - this.snapshotIndex >= COMPACT_EVERY) {
      const snap = this.node.compact(this.node.applied, JSON.stringify({ kv: [...this.kv], sessions: this.sessions }));
      this.snapshotIndex = snap.index;
      await this.#store.write({ snapshot: snap });
    }
  }

  #serveReads() {
    for (const [ctx, r] of this.#reads) {
      if (r.index !== null && this.node.applied >= r.index) {
        this.#reads.delete(ctx);
        r.resolve(this.kv.get(r.key));
      }
    }
  }

  #members() {
    const { voters, learners } = this.node.conf();
    return [...voters, ...learners];
  }

  // ----- the clock ---------------------------------------------------------------

  #tick() {
    if (!this.node) {
      this.#ticksWithoutLeader++;
      if (this.#ticksWithoutLeader % 10 === 0) this.#sendJoin();
      if (this.#ticksWithoutLeader >= BOOTSTRAP_TICKS) this.#maybeBootstrap();
      return;
    }
    this.#do(() => {
      this.node.tick();
      this.#ticksWithoutLeader = this.node.leader ? 0 : this.#ticksWithoutLeader + 1;
      const me = this.#members().includes(this.id);
      // Not (yet, or no longer) a member, or no leader for long: ask to be let in.
      if ((!me || this.#ticksWithoutLeader >= 3 * BOOTSTRAP_TICKS) && this.#ticksWithoutLeader % 10 === 0 && !this.leaving) this.#sendJoin();
      if (this.node.role === 'leader') this.#manageMembers();
    });
  }

  /** The leader's membership duties: promote caught-up learners, remove the long gone. */
  #manageMembers() {
    const { voters, learners } = this.node.conf();
    const now = Date.now();
    const progress = this.node.progress();
    try {
      for (const id of [...voters, ...learners]) {
        if (id === this.id) continue;
        const h = this.heard.get(id);
        if (!h || now - h.at > REMOVE_AFTER_MS) {
          this.node.proposeConfChange({ type: 'remove', node: id });
          this.#tell(`leader n${this.id} removes n${id}, not heard from for ${REMOVE_AFTER_MS / 1000} s`);
          return;
        }
      }
      if (voters.length >= MAX_VOTERS) return;
      for (const id of learners) {
        const p = progress.find((x) => x.node === id);
        if (p && p.match >= this.node.commit) {
          this.node.proposeConfChange({ type: 'addVoter', node: id });
          this.#tell(`leader n${this.id} promotes n${id} to voter: its log has caught up`);
          return;
        }
      }
    } catch {
      // A change is still pending, or the package refused this one: try again next tick.
    }
  }

  #maybeBootstrap() {
    if (this.node || this.#stopped || this.#bootstrapping || this.#welcoming) return;
    this.#bootstrapping = true;
    // One tab at a time decides, and a cluster bootstrapped in the last seconds by another
    // tab (whose leader this one may not have heard yet) is joined, not duplicated.
    navigator.locks.request('quorumkit-live-bootstrap', async () => {
      try {
        const last = Number(localStorage.getItem(`${CLUSTER_KEY}:at`));
        if (this.node || this.#stopped || this.#welcoming || Date.now() - last < 3_000) return;
        const cluster = { id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, genesis: [this.id] };
        await this.#store.clear();
        await this.#store.setCluster(cluster);
        localStorage.setItem(CLUSTER_KEY, cluster.id);
        localStorage.setItem(`${CLUSTER_KEY}:at`, String(Date.now()));
        this.#startNode(cluster);
        this.#tell(`n${this.id} heard no leader: it bootstraps a one-voter cluster`);
        await this.#do(() => this.node.campaign());
      } finally {
        this.#bootstrapping = false;
        this.#ticksWithoutLeader = 0;
      }
    });
  }

  // ----- the network -------------------------------------------------------------

  #post(env) {
    if (this.#stopped) return;
    this.#channel.postMessage({ app: APP, v: ENVELOPE_VERSION, cluster: this.cluster?.id ?? null, from: this.id, ...env });
  }

  #sendJoin() {
    this.#post({ type: 'join', to: 0 });
  }

  #reject(reason, text) {
    this.rejected[reason]++;
    this.lastRejection = `${REJECT_REASONS[reason]}${text ? `: ${text}` : ''}`;
  }

  #receive(data) {
    if (this.#stopped) return;
    const env = checkEnvelope(data);
    if (typeof env === 'string') return this.#reject(env);
    if (env.to !== 0 && env.to !== this.id) return this.#overhear(env);
    if (env.from === this.id) return this.#reject('malformed', `from this node's own id ${this.id}`);
    if (env.type === 'welcome') return this.#welcome(env);
    if (!this.node) {
      // Not in a cluster yet: only a welcome matters, but a cluster with a leader is one to
      // join, not to duplicate (a cluster whose nodes only campaign, a majority gone, is not).
      if (env.type === 'raft' && env.cluster !== null && LEADER_KINDS.has(peekKind(env.bytes))) this.#ticksWithoutLeader = 0;
      return;
    }
    if (env.cluster !== this.cluster.id && !(env.type === 'join' && env.cluster === null)) {
      return this.#reject('cluster', env.cluster ?? 'none');
    }
    this.heard.set(env.from, { at: Date.now(), term: this.heard.get(env.from)?.term ?? 0 });
    switch (env.type) {
      case 'raft': return this.#stepBytes(env);
      case 'join': return this.#do(() => this.#admit(env.from));
      case 'leave': return this.#do(() => this.#releaseMember(env.from)).catch(() => {});
      case 'removed': return this.#do(() => {
        if (env.from === this.node.leader) this.#removedAck = true;
      });
      case 'propose': return this.#do(() => {
        if (this.node.role === 'leader') this.node.propose(env.data);
      }).catch(() => {}); // leadership moved on: the client retries
      default: return undefined;
    }
  }

  /**
   * Notes a message between two other tabs of this cluster (the channel carries every
   * message to every tab): its sender is alive, at that term, and the message is drawn.
   */
  #overhear(env) {
    if (!this.node || env.cluster !== this.cluster.id || env.type !== 'raft') return;
    let m;
    try {
      m = RaftNode.decodeMessage(env.bytes);
    } catch {
      return; // not for this node to judge: its recipient counts it
    }
    if (m.from !== env.from) return;
    this.heard.set(env.from, { at: Date.now(), term: m.term });
    this.#see(m.from, m.to, env.bytes, m);
  }

  #stepBytes(env) {
    let m;
    try {
      m = RaftNode.decodeMessage(env.bytes);
    } catch (e) {
      return this.#reject('bytes', e.message);
    }
    if (m.from !== env.from || m.to !== this.id) return this.#reject('malformed', 'envelope and message disagree on from/to');
    this.heard.get(env.from).term = m.term;
    this.#see(m.from, m.to, env.bytes, m);
    this.#do(() => this.node.step(env.bytes)).catch((e) => this.#reject('refused', e.message));
  }

  /**
   * The leader's answer to a tab that leaves: its removal is proposed, and once the removal
   * is committed the tab is told so (a removed node hears nothing more from the leader).
   */
  #releaseMember(from) {
    if (this.node.role !== 'leader') return;
    if (this.#members().includes(from)) {
      this.#removals.set(from, this.node.proposeConfChange({ type: 'remove', node: from }));
      this.#tell(`leader n${this.id} removes n${from}, which leaves`);
    } else if ((this.#removals.get(from) ?? 0) <= this.node.commit) {
      this.#post({ type: 'removed', to: from });
    }
  }

  /** The leader lets a tab in: as a learner if it is no member yet; tells it the cluster. */
  #admit(from) {
    if (this.node.role !== 'leader' || this.leaving) return;
    if (!this.#members().includes(from)) {
      try {
        this.node.proposeConfChange({ type: 'addLearner', node: from });
      } catch {
        return; // another change is pending: the tab asks again
      }
      this.#tell(`leader n${this.id} adds n${from} as a learner`);
    }
    this.#post({ type: 'welcome', to: from, genesis: this.cluster.genesis });
  }

  async #welcome(env) {
    if (this.node || this.#bootstrapping || this.#welcoming) return;
    this.#welcoming = true;
    const cluster = { id: env.cluster, genesis: env.genesis };
    // The cluster is on disk before the node takes any message of it (the leader resends).
    await this.#store.clear();
    await this.#store.setCluster(cluster);
    if (this.#stopped) return;
    if (!localStorage.getItem(CLUSTER_KEY)) localStorage.setItem(CLUSTER_KEY, cluster.id);
    this.#startNode(cluster);
    this.#tell(`n${this.id} was let in by leader n${env.from}: it catches up as a learner`);
    this.#pump();
  }

  /** Notes a message for drawing. */
  #see(from, to, bytes, decoded) {
    let m = decoded;
    if (!m) {
      try {
        m = RaftNode.decodeMessage(bytes);
      } catch {
        return;
      }
    }
    const granted = m.kind === 'VoteResp' || m.kind === 'PreVoteResp' ? !m.reject : null;
    this.traffic.push({ from, to, kind: m.kind, entries: m.entries.length, granted, at: performance.now() });
    if (this.traffic.length > 200) this.traffic.splice(0, this.traffic.length - 200);
  }

  #tell(text) {
    this.#onChange({ time: Date.now(), text });
  }

  // ----- the key-value store: writes through the log, reads through readIndex ----

  /**
   * Proposes `key = value` through the leader, exactly once (a client session of this
   * tab, retried with the same number until it is applied); resolves to
   * `{ index, status }` once this tab has applied it.
   */
  put(key, value) {
    const run = async () => {
      if (!this.#client) this.#client = await this.#register();
      const seq = ++this.#seq;
      const cmd = JSON.stringify({ op: 'put', client: this.#client, seq, key, value });
      const result = await this.#submit(cmd, (resolve) => { this.#pendingPut = { seq, resolve }; });
      this.#pendingPut = null;
      if (result.status === 'expired') {
        this.#client = 0;
        throw new Error('the client session expired: put again');
      }
      return { index: result.reply, status: result.status };
    };
    const p = this.#queue.then(run);
    this.#queue = p.catch(() => {});
    return p;
  }

  #register() {
    return this.#submit(JSON.stringify({ op: 'register', nonce: this.#nonce }), (resolve) => {
      this.#registering = { resolve };
    }).finally(() => { this.#registering = null; });
  }

  /** Sends `cmd` to the leader every RETRY_MS until `arm`'s resolve is called by #apply. */
  #submit(cmd, arm) {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      let timer;
      const finish = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
      arm(finish);
      const attempt = () => {
        if (this.#stopped) return reject(new Error('this node has stopped'));
        if (Date.now() - t0 > GIVE_UP_MS) return reject(new Error('no leader committed it in time: try again'));
        this.#do(() => {
          const n = this.node;
          if (!n) return;
          if (n.role === 'leader') n.propose(cmd);
          else if (n.leader) this.#post({ type: 'propose', to: n.leader, data: cmd });
        }).catch(() => {});
        timer = setTimeout(attempt, RETRY_MS);
      };
      attempt();
    });
  }

  /** A linearizable read of `key` (ReadIndex), served from this tab's replica once it has applied far enough. */
  get(key) {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const attempt = async () => {
        if (this.#stopped) return reject(new Error('this node has stopped'));
        if (Date.now() - t0 > GIVE_UP_MS) return reject(new Error('no leader confirmed the read in time: try again'));
        const ctx = ++this.#readSeq;
        const timer = setTimeout(() => {
          this.#reads.delete(ctx);
          attempt();
        }, RETRY_MS);
        this.#reads.set(ctx, { key, index: null, resolve: (v) => { clearTimeout(timer); resolve(v); } });
        try {
          await this.#do(() => {
            if (!this.node) throw new Error('not in a cluster yet');
            this.node.readIndex(ctx);
          });
        } catch {
          // No leader known now: the timer asks again.
        }
      };
      attempt();
    });
  }

  // ----- leaving and stopping ----------------------------------------------------

  /**
   * Leaves the cluster for good: a leader hands leadership to another voter first; the
   * leader is asked to remove this node; then its stored state and its id are forgotten.
   */
  async leave() {
    this.leaving = true;
    const until = async (pred, ms) => {
      for (const t0 = Date.now(); !pred() && Date.now() - t0 < ms;) await new Promise((r) => setTimeout(r, 50));
    };
    if (this.node) {
      const others = () => this.node.conf().voters.filter((v) => v !== this.id);
      if (this.node.role === 'leader' && others().length) {
        const to = this.node.progress().filter((p) => p.voter && p.node !== this.id).sort((a, b) => b.match - a.match)[0];
        await this.#do(() => this.node.transferLeader(to.node)).catch(() => {});
        await until(() => this.node.role !== 'leader', 3_000);
      }
      if (others().length || this.node.conf().learners.length) {
        let asked = 0;
        await until(() => {
          if (Date.now() - asked > 250 && this.node.leader && this.node.leader !== this.id) {
            asked = Date.now();
            this.#post({ type: 'leave', to: this.node.leader });
          }
          return this.#removedAck;
        }, 5_000);
      }
    }
    this.#halt();
    await this.#store.destroy();
    localStorage.setItem(IDS_KEY, JSON.stringify(readIds().filter((id) => id !== this.id)));
    sessionStorage.removeItem(SESSION_KEY);
  }

  /** Stops the node as a crash would: the timer, the channel and the id's lock are released, the stored state kept. */
  stop() {
    if (this.#stopped) return;
    this.#halt();
    this.#store.close();
  }

  /** Stops the clock, the network and the node, and gives up the id; the store stays open. */
  #halt() {
    this.#stopped = true;
    this.#ticker();
    this.#channel.close();
    this.#release();
    this.node?.free();
  }
}

/**
 * Calls `fn` every TICK_MS. The timer runs in a small worker when the browser allows one:
 * a hidden tab's own timers are slowed to one a second or less, a worker's are not, so a
 * tab in the background keeps its node's clock. Returns the function that stops it.
 */
function startTicker(fn) {
  try {
    const src = `setInterval(() => postMessage(0), ${TICK_MS});`;
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    w.onmessage = fn;
    return () => w.terminate();
  } catch {
    const t = setInterval(fn, TICK_MS);
    return () => clearInterval(t);
  }
}
