// node:test tier for RaftNode (the sans-IO node for real transports), against the
// built package imported by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaftNode, crc32 } from 'quorumkit';

/**
 * Nodes wired in memory: a "network" of queued byte messages (which may be cut per
 * node) and a "disk" per node that keeps exactly what the Ready contract says to persist.
 */
class Net {
  constructor(ids, opts = {}) {
    this.ids = ids;
    this.opts = opts;
    this.nodes = new Map();
    this.disk = new Map();
    this.applied = new Map();
    this.reads = new Map(ids.map((id) => [id, []]));
    this.down = new Set();
    this.queue = [];
    for (const id of ids) {
      this.disk.set(id, { hardState: undefined, entries: [], snapshot: undefined });
      this.applied.set(id, []);
      this.start(id);
    }
  }

  start(id) {
    const d = this.disk.get(id);
    const storage = { hardState: d.hardState, entries: d.entries, snapshot: d.snapshot };
    // Each node needs its own seed, or all time out together and split every vote.
    const seed = (this.opts.seed ?? 0) * 100 + id;
    this.nodes.set(id, new RaftNode({ id, peers: this.ids, ...this.opts, seed, storage }));
    this.applied.set(id, []);
  }

  stop(id) {
    this.nodes.get(id).free();
    this.nodes.delete(id);
  }

  /** Handles every node's Ready and delivers messages until nothing moves. */
  pump(limit = 1000) {
    for (let round = 0; round < limit; round++) {
      let busy = false;
      for (const [id, n] of this.nodes) {
        const rd = n.ready();
        if (!rd) continue;
        busy = true;
        const d = this.disk.get(id);
        if (rd.snapshot) {
          d.snapshot = rd.snapshot;
          d.entries = [];
          this.applied.set(id, [`<snapshot ${rd.snapshot.index}: ${new TextDecoder().decode(rd.snapshot.data)}>`]);
        }
        d.entries.push(...rd.entries);
        if (rd.hardState) d.hardState = rd.hardState;
        for (const m of rd.messages) this.queue.push([id, m]);
        for (const e of rd.committed) if (e.kind === 'normal' && e.data.length) this.applied.get(id).push(e.text);
        for (const r of rd.readStates) this.reads.get(id).push({ ...r, applied: n.applied });
        n.advance();
      }
      const q = this.queue;
      this.queue = [];
      for (const [from, m] of q) {
        this.onMessage?.(from, m);
        if (this.down.has(from) || this.down.has(m.to) || !this.nodes.has(m.to)) continue;
        busy = true;
        this.nodes.get(m.to).step(m.bytes);
      }
      if (!busy) return;
    }
    assert.fail('the cluster did not settle');
  }

  tick(times = 1) {
    for (let i = 0; i < times; i++) {
      for (const n of this.nodes.values()) n.tick();
      this.pump();
    }
  }

  leader() {
    const ls = [...this.nodes.values()].filter((n) => n.role === 'leader');
    if (ls.length === 0) return undefined;
    return ls.reduce((a, b) => (b.term > a.term ? b : a));
  }

  untilLeader(limit = 200) {
    for (let i = 0; i < limit; i++) {
      const l = this.leader();
      if (l && [...this.nodes.values()].every((n) => this.down.has(n.id) || n.leader === l.id)) return l;
      this.tick();
    }
    assert.fail('no leader elected');
  }

  free() {
    for (const n of this.nodes.values()) n.free();
  }
}

test('three nodes wired in JS elect a leader by ticking and replicate proposals', () => {
  const net = new Net([1, 2, 3], { seed: 7 });
  const leader = net.untilLeader();
  assert.ok(leader.term >= 1);
  for (const n of net.nodes.values()) {
    assert.equal(n.leader, leader.id);
    assert.equal(n.term, leader.term);
  }
  const indices = ['a=1', 'b=2', 'ü=3'].map((cmd) => leader.propose(cmd));
  assert.deepEqual(indices, [indices[0], indices[0] + 1, indices[0] + 2]);
  net.pump();
  net.tick(2); // a heartbeat carries the final commit index to followers
  for (const id of [1, 2, 3]) {
    assert.deepEqual(net.applied.get(id), ['a=1', 'b=2', 'ü=3'], `node ${id}`);
    assert.equal(net.nodes.get(id).commit, indices[2]);
  }
  // Followers refuse proposals and name the leader.
  const follower = [...net.nodes.values()].find((n) => n.role === 'follower');
  assert.throws(() => follower.propose('x'), { name: 'Error', message: `this node is not the leader (leader: ${leader.id})` });
  net.free();
});

test('readIndex: confirmed reads on the leader and through a follower; none for a cut-off leader', () => {
  const net = new Net([1, 2, 3], { seed: 11 });
  const leader = net.untilLeader();
  leader.propose('k=1');
  net.pump();
  net.tick(2);
  const commit = leader.commit;
  leader.readIndex(41);
  net.pump();
  assert.deepEqual(net.reads.get(leader.id).map(({ index, ctx }) => ({ index, ctx })), [{ index: commit, ctx: 41 }]);
  const follower = [...net.nodes.values()].find((n) => n.role === 'follower');
  follower.readIndex(2 ** 53 - 1);
  net.pump();
  const [r] = net.reads.get(follower.id);
  assert.equal(r.ctx, 2 ** 53 - 1);
  assert.equal(r.index, commit, 'the leader answers with its commit index');
  // A leader cut off from the others cannot confirm it still leads: no read state, ever.
  for (const id of net.ids) if (id !== leader.id) net.down.add(id);
  leader.readIndex(99);
  net.tick(5);
  assert.ok(!net.reads.get(leader.id).some((x) => x.ctx === 99), 'an isolated leader must not answer');
  // Bad tags and nodes without a leader.
  for (const bad of [-1, 1.5, 2 ** 53, NaN]) {
    assert.throws(() => follower.readIndex(bad), { name: 'RangeError', message: new RegExp(`^ctx must be an integer in 0\\.\\.=9007199254740991, got ${String(bad)}$`) });
  }
  assert.throws(() => follower.readIndex('1'), { name: 'TypeError', message: /^ctx must be a number, got/ });
  const lone = new RaftNode({ id: 1, peers: [1, 2, 3] });
  assert.throws(() => lone.readIndex(1), { name: 'Error', message: 'this node is not the leader (leader unknown)' });
  lone.free();
  net.free();
});

test('ready() follows the contract: hard state and entries to persist, then messages; null when idle', () => {
  const n = new RaftNode({ id: 1, peers: [1, 2, 3] });
  assert.equal(n.ready(), null);
  n.campaign();
  const rd = n.ready();
  assert.deepEqual(rd.hardState, { term: 1, vote: 1, commit: 0 });
  assert.deepEqual(rd.softState, { leader: 0, role: 'candidate' });
  assert.deepEqual(rd.messages.map((m) => m.to).sort(), [2, 3]);
  for (const m of rd.messages) {
    assert.ok(m.bytes instanceof Uint8Array);
    assert.equal(m.bytes[0], 1, 'format version');
    assert.ok(m.bytes.length <= 8, `a vote request is ${m.bytes.length} bytes`);
  }
  assert.deepEqual(rd.entries, []);
  assert.deepEqual(rd.committed, []);
  assert.deepEqual(rd.readStates, []);
  assert.equal(rd.snapshot, undefined);
  n.advance();
  assert.equal(n.ready(), null);
  n.free();
});

test('a node restarts from its persisted storage and catches up', () => {
  const net = new Net([1, 2, 3], { seed: 3 });
  let leader = net.untilLeader();
  for (let i = 0; i < 5; i++) leader.propose(`k${i}`);
  net.pump();
  net.tick(2);
  const victim = [1, 2, 3].find((id) => id !== leader.id);
  const before = { term: net.nodes.get(victim).term, vote: net.nodes.get(victim).vote, last: net.nodes.get(victim).lastIndex };
  net.stop(victim);
  // While it is down the others go on.
  leader.propose('while-down');
  net.pump();
  net.start(victim);
  const again = net.nodes.get(victim);
  assert.equal(again.term, before.term);
  assert.equal(again.vote, before.vote);
  assert.equal(again.lastIndex, before.last);
  assert.equal(again.role, 'follower');
  net.tick(3);
  leader = net.untilLeader();
  assert.equal(again.commit, leader.commit);
  // Committed entries after the snapshot are handed again, so the state machine rebuilds.
  assert.deepEqual(net.applied.get(victim), ['k0', 'k1', 'k2', 'k3', 'k4', 'while-down']);
  net.free();
});

test('storage round-trips through the codec helpers', () => {
  const net = new Net([1, 2, 3], { seed: 5 });
  const leader = net.untilLeader();
  leader.propose('x');
  leader.propose(new Uint8Array([0, 255]));
  net.pump();
  const d = net.disk.get(leader.id);
  const hs = RaftNode.decodeHardState(RaftNode.encodeHardState(d.hardState));
  assert.deepEqual(hs, d.hardState);
  const es = RaftNode.decodeEntries(RaftNode.encodeEntries(d.entries));
  assert.deepEqual(es.map((e) => [e.index, e.term, e.kind, [...e.data]]), d.entries.map((e) => [e.index, e.term, e.kind, [...e.data]]));
  const copy = new RaftNode({ id: leader.id, peers: [1, 2, 3], storage: { hardState: hs, entries: es } });
  assert.equal(copy.lastIndex, leader.lastIndex);
  assert.equal(copy.term, leader.term);
  copy.free();
  // Golden: the stored forms are the documented bytes.
  assert.deepEqual([...RaftNode.encodeHardState({ term: 3, vote: 1, commit: 10 })], [1, 0x80, 7, 3, 1, 10]);
  assert.deepEqual([...RaftNode.encodeEntries([{ index: 1, term: 2, data: 'a' }])], [1, 0x81, 1, 0, 2, 0, 1, 97]);
  const snap = { index: 5, term: 2, voters: [1, 2], learners: [3], data: 'kv' };
  assert.deepEqual(RaftNode.decodeSnapshot(RaftNode.encodeSnapshot(snap)), { ...snap, data: new TextEncoder().encode('kv') });
  assert.throws(() => RaftNode.decodeEntries(RaftNode.encodeHardState(hs)), {
    name: 'Error',
    message: 'expected a stored value of type entry list (tag 0x81), found tag 0x80',
  });
  assert.throws(() => RaftNode.decodeHardState(new Uint8Array([1, 0x80, 7, 3])), /truncated input: vote at byte 4/);
  net.free();
});

test('entries persisted across Readies fold as the contract says: a later run replaces the suffix', () => {
  const e = (index, term, data) => ({ index, term, data });
  const n = new RaftNode({
    id: 2,
    peers: [1, 2, 3],
    storage: {
      hardState: { term: 3, vote: 1, commit: 2 },
      entries: [e(1, 1, 'a'), e(2, 1, 'b'), e(3, 1, 'stale'), e(4, 1, 'stale'), e(3, 3, 'c')],
    },
  });
  assert.equal(n.lastIndex, 3);
  assert.equal(n.term, 3);
  assert.equal(n.commit, 2);
  const rd = n.ready();
  assert.deepEqual(rd.committed.map((x) => x.text), ['a', 'b']);
  n.free();
  assert.throws(
    () => new RaftNode({ id: 2, peers: [1, 2, 3], storage: { entries: [e(1, 1, 'a'), e(3, 1, 'gap')] } }),
    { name: 'RangeError', message: /^entries must be entries that continue the stored log/ },
  );
  assert.throws(
    () => new RaftNode({ id: 2, peers: [1, 2, 3], storage: { hardState: { term: 1, vote: 0, commit: 5 }, entries: [e(1, 1, 'a')] } }),
    { name: 'Error', message: 'persisted commit index 5 is beyond the persisted log (last index 1)' },
  );
});

/** The bytes of a valid heartbeat from 2 to 1 at `term` (a bigint), LEB128 by hand. */
function heartbeat(term, to = 1) {
  const out = [1, 4, 0, 2, to];
  let v = BigInt(term);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return new Uint8Array(out);
}

test('garbage bytes are rejected with the codec message, and the node keeps working', () => {
  const n = new RaftNode({ id: 1, peers: [1, 2, 3] });
  const valid = heartbeat(4n);
  const cases = [
    [new Uint8Array(0), 'empty input: expected an encoded Raft value'],
    [new Uint8Array([2, ...valid.subarray(1)]), 'unsupported encoding version 2 (this build reads version 1)'],
    [valid.subarray(0, 5), 'truncated input: term at byte 5 runs past the end'],
    [new Uint8Array([...valid, 0]), '1 unexpected trailing bytes at byte 6'],
    [new Uint8Array([1, 42, 0, 2, 1, 4]), 'unknown message kind 42'],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => n.step(bytes), { name: 'Error', message }, message);
    assert.equal(n.term, 0, 'a rejected message changes nothing');
  }
  const tooBig = 'message.term must be at most 2^53-2 (a node must be able to start one more election), got 9007199254740992';
  assert.throws(() => n.step(heartbeat(1n << 53n)), { name: 'RangeError', message: tooBig });
  // Random garbage: always an Error, never a crash.
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 500; i++) {
    const b = Uint8Array.from({ length: rand() % 40 }, () => rand() & 0xff);
    if (i % 2 === 0 && b.length > 0) b[0] = 1; // get past the version byte
    try {
      n.step(b);
    } catch (e) {
      assert.ok(e.constructor === Error || e.constructor === RangeError, e.message);
    }
  }
  assert.throws(() => n.step('not bytes'), { name: 'TypeError', message: 'bytes must be a Uint8Array, got "not bytes"' });
  assert.throws(() => n.step([1, 4]), { name: 'TypeError', message: 'bytes must be a Uint8Array, got an array' });
  // Still works: a valid heartbeat of a higher term makes node 2 its leader.
  n.step(heartbeat(1n << 40n));
  assert.equal(n.term, 2 ** 40);
  assert.equal(n.leader, 2);
  n.free();
});

test('a message for another node is rejected, and so is one from itself', () => {
  const n = new RaftNode({ id: 1, peers: [1, 2, 3] });
  assert.throws(() => n.step(heartbeat(5n, 3)), { name: 'Error', message: 'message addressed to node 3, not this node' });
  const own = heartbeat(5n);
  own[3] = 1; // from 1 to 1
  assert.throws(() => n.step(own), { name: 'Error', message: 'message from unknown node 1' });
  assert.equal(n.term, 0);
  n.free();
});

test('bad options: TypeError or RangeError naming the parameter', () => {
  const bad = [
    [undefined, TypeError, 'options must be an options object with id and peers, got undefined'],
    [{ id: '1', peers: [1] }, TypeError, 'id must be a node id (number), got "1"'],
    [{ id: 0, peers: [1] }, RangeError, 'id must be an integer in 1..=4294967295, got 0'],
    [{ id: 1.5, peers: [1] }, RangeError, 'id must be an integer in 1..=4294967295, got 1.5'],
    [{ id: 1, peers: 3 }, TypeError, 'peers must be an array of node ids, got 3'],
    [{ id: 1, peers: [] }, RangeError, 'peers must be a list of 1..=255 node ids, got 0 ids'],
    [{ id: 1, peers: [1, -2] }, RangeError, 'peers must be an integer in 1..=4294967295, got -2'],
    [{ id: 1, peers: [1, 2, 2] }, RangeError, 'peers must be distinct non-zero node ids, got [1, 2, 2]'],
    [{ id: 1, peers: [1, 2], learners: [2] }, RangeError, 'learners must be distinct non-zero node ids that are not peers, got [2]'],
    [{ id: 1, peers: [1], electionTick: '10' }, TypeError, 'electionTick must be a number, got "10"'],
    [{ id: 1, peers: [1], electionTick: 0 }, RangeError, 'electionTick must be an integer in 1..=1073741824, got 0'],
    [{ id: 1, peers: [1], electionTick: 5, heartbeatTick: 5 }, RangeError, 'heartbeatTick must be an integer in 1..=4, got 5'],
    [{ id: 1, peers: [1], preVote: 1 }, TypeError, 'preVote must be a boolean, got 1'],
    [{ id: 1, peers: [1], checkQuorum: 'yes' }, TypeError, 'checkQuorum must be a boolean, got "yes"'],
    [{ id: 1, peers: [1], seed: -1 }, RangeError, 'seed must be an integer in 0..=2^53-1, got -1'],
    [{ id: 1, peers: [1], seed: 2n ** 64n }, RangeError, 'seed must be a bigint in 0..=2^64-1, got 18446744073709551616n'],
    [{ id: 1, peers: [1], storage: 5 }, TypeError, 'storage must be an object { hardState, entries, snapshot }, got 5'],
    [{ id: 1, peers: [1], storage: { hardState: { term: -1, vote: 0, commit: 0 } } }, RangeError, 'hardState.term must be an integer in 0..=9007199254740991, got -1'],
    [{ id: 1, peers: [1], storage: { entries: [{ index: 1, term: 1 }] } }, TypeError, 'storage.entries.data must be a string or Uint8Array, got undefined'],
    [{ id: 1, peers: [1], storage: { entries: [{ index: 1, term: 1, data: '', kind: 'x' }] } }, RangeError, 'storage.entries.kind must be "normal" or "confChange", got "x"'],
    [{ id: 1, peers: [1], storage: { snapshot: { index: 1, term: 1, voters: 'all', data: '' } } }, TypeError, 'storage.snapshot.voters must be an array of node ids, got "all"'],
  ];
  for (const [opts, cls, message] of bad) {
    assert.throws(() => new RaftNode(opts), (e) => {
      assert.equal(e.constructor, cls, message);
      assert.equal(e.message, message);
      return true;
    });
  }
  // The module still works.
  const n = new RaftNode({ id: 1, peers: [1], seed: 2n ** 64n - 1n, preVote: true, checkQuorum: true });
  n.campaign();
  assert.equal(n.role, 'leader');
  n.free();
  assert.equal(crc32('a'), 3904355907);
});

test('bad arguments to methods', () => {
  const n = new RaftNode({ id: 1, peers: [1, 2] });
  assert.throws(() => n.propose(5), { name: 'TypeError', message: 'data must be a string or Uint8Array, got 5' });
  assert.throws(() => n.transferLeader('2'), { name: 'TypeError', message: 'id must be a node id (number), got "2"' });
  assert.throws(() => n.proposeConfChange({ type: 'promote', node: 2 }), { name: 'RangeError', message: 'change.type must be "addLearner", "addVoter" or "remove", got "promote"' });
  assert.throws(() => n.proposeConfChange(null), { name: 'TypeError', message: 'change must be an object { type, node }, got null' });
  assert.throws(() => n.compact(1, 'x'), { name: 'RangeError', message: 'index must be an applied index in 1..=0, got 1' });
  assert.throws(() => n.transferLeader(2), { name: 'Error', message: 'this node is not the leader (leader unknown)' });
  n.free();
});

test('leadership transfer and membership changes from JS', () => {
  const net = new Net([1, 2, 3], { seed: 11 });
  const leader = net.untilLeader();
  leader.propose('before');
  net.pump();
  const target = [1, 2, 3].find((id) => id !== leader.id);
  leader.transferLeader(target);
  net.pump();
  assert.equal(net.nodes.get(target).role, 'leader');
  assert.equal(leader.role, 'follower');
  const l2 = net.nodes.get(target);
  assert.throws(() => l2.transferLeader(9), { name: 'RangeError', message: 'id must be a voter of the cluster, got 9' });
  // Shrink to two voters, then add node 3 back as a learner and promote it.
  const removed = [1, 2, 3].find((id) => id !== target);
  l2.proposeConfChange({ type: 'remove', node: removed });
  net.pump();
  net.tick(2);
  assert.deepEqual(l2.conf().voters.sort(), [1, 2, 3].filter((id) => id !== removed).sort());
  l2.proposeConfChange({ type: 'addLearner', node: removed });
  net.pump();
  net.tick(2);
  assert.deepEqual(l2.conf().learners, [removed]);
  l2.proposeConfChange({ type: 'addVoter', node: removed });
  net.pump();
  assert.deepEqual(l2.conf().voters.sort(), [1, 2, 3]);
  l2.propose('after');
  net.pump();
  net.tick(2);
  for (const id of [1, 2, 3]) assert.deepEqual(net.applied.get(id), ['before', 'after'], `node ${id}`);
  net.free();
});

test('compaction: a lagging follower catches up from a snapshot', () => {
  const net = new Net([1, 2, 3], { seed: 2 });
  const leader = net.untilLeader();
  const lagging = [1, 2, 3].find((id) => id !== leader.id);
  net.down.add(lagging);
  for (let i = 0; i < 10; i++) leader.propose(`v${i}`);
  net.pump();
  net.tick(2);
  const snap = leader.compact(leader.applied, 'state@' + leader.applied);
  assert.equal(snap.index, leader.applied);
  assert.equal(snap.term, leader.term);
  assert.deepEqual(snap.voters.sort(), [1, 2, 3]);
  assert.equal(new TextDecoder().decode(snap.data), `state@${snap.index}`);
  net.down.delete(lagging);
  net.tick(3);
  const l = net.nodes.get(lagging);
  assert.equal(l.commit, leader.commit);
  assert.equal(net.disk.get(lagging).snapshot.index, snap.index);
  assert.deepEqual(net.applied.get(lagging), [`<snapshot ${snap.index}: state@${snap.index}>`]);
  // A node restarted from that snapshot (and the entries after it) comes back whole.
  net.stop(lagging);
  net.start(lagging);
  assert.equal(net.nodes.get(lagging).lastIndex, leader.lastIndex);
  net.free();
});

test('free() releases the node; [Symbol.dispose] does the same', () => {
  const n = new RaftNode({ id: 1, peers: [1] });
  n.free();
  assert.throws(() => n.tick());
  const m = new RaftNode({ id: 1, peers: [1] });
  m.campaign();
  assert.equal(m.role, 'leader');
  m[Symbol.dispose]();
  assert.throws(() => m.role);
  // Many nodes created and freed: memory is reused.
  for (let i = 0; i < 200; i++) new RaftNode({ id: 1, peers: [1, 2, 3] }).free();
});

/** A message's bytes: version, kind, flags, from, to, term (a bigint), then `rest`. */
function message(kind, flags, term, rest = []) {
  const out = [1, kind, flags, 1, 2];
  for (let v = term; ; v >>= 7n) {
    if (v < 128n) {
      out.push(Number(v));
      break;
    }
    out.push(Number(v & 127n) | 128);
  }
  return Uint8Array.from([...out, ...rest]);
}

test('terms at the end of the range: 2^53-2 is taken in, 2^53-1 is refused where it enters, never persisted', () => {
  const MAX = 2n ** 53n - 1n;
  for (const [term, ok] of [[MAX - 2n, true], [MAX - 1n, true], [MAX, false], [MAX + 1n, false]]) {
    const n = new RaftNode({ id: 2, peers: [1, 2, 3] });
    const hb = message(4, 0, term);
    if (ok) {
      n.step(hb);
      assert.equal(n.term, Number(term));
    } else {
      assert.throws(() => n.step(hb), (e) => e instanceof RangeError && e.message.startsWith('message.term must be at most 2^53-2'));
      assert.equal(n.term, 0);
      assert.equal(n.ready(), null, 'nothing to persist');
    }
    n.free();
  }
  // The reported case: a TimeoutNow at 2^53-1 made the node persist 2^53, which its own
  // storage loader refused on restart.
  const n = new RaftNode({ id: 2, peers: [1, 2, 3] });
  assert.throws(() => n.step(Uint8Array.of(1, 8, 0, 1, 2, 255, 255, 255, 255, 255, 255, 255, 15)), RangeError);
  // The largest term taken in still leaves one election; the node restarts from what it persisted.
  n.step(message(8, 0, MAX - 1n));
  const rd = n.ready();
  assert.equal(rd.hardState.term, 2 ** 53 - 1);
  const again = new RaftNode({ id: 2, peers: [1, 2, 3], storage: { hardState: rd.hardState, entries: rd.entries } });
  assert.equal(again.term, 2 ** 53 - 1);
  for (let i = 0; i < 50; i++) again.tick();
  assert.equal(again.role, 'follower', 'no term left to campaign in');
  assert.throws(
    () => new RaftNode({ id: 2, peers: [1, 2, 3], storage: { hardState: { term: 2 ** 53, vote: 0, commit: 0 }, entries: [] } }),
    (e) => e instanceof RangeError && /hardState\.term/.test(e.message),
  );
  n.free();
  again.free();
});

test('indexes and read contexts at the end of the range; readStates carry exact numbers', () => {
  const MAX = 2 ** 53 - 1;
  // An index in storage: 2^53-1 is kept, 2^53 refused.
  const store = (index) => RaftNode.encodeEntries([{ index, term: 1, data: '' }]);
  assert.equal(RaftNode.decodeEntries(store(MAX))[0].index, MAX);
  assert.throws(() => store(MAX + 1), RangeError);
  // A read context from a peer: at most 2^53-1, so it always comes back exact.
  const n = new RaftNode({ id: 2, peers: [1, 2, 3] });
  n.step(message(4, 0, 1n)); // leader 1, term 1
  n.ready();
  n.advance();
  const ctx = (v) => [...(function* () { for (let x = v; ; x >>= 7n) { if (x < 128n) { yield Number(x); return; } yield Number(x & 127n) | 128; } })()];
  // A ReadIndexResp (kind 11) with index 1 (flag 0x04) and context (flag 0x20).
  n.step(message(11, 0x24, 1n, [1, ...ctx(2n ** 53n - 1n)]));
  assert.deepEqual(n.ready().readStates, [{ index: 1, ctx: MAX }]);
  n.advance();
  assert.throws(() => n.step(message(11, 0x24, 1n, [1, ...ctx(2n ** 64n - 1n)])), (e) => e instanceof RangeError && /message\.context/.test(e.message));
  assert.throws(() => n.readIndex(MAX + 1), RangeError);
  n.free();
});

test('membership changes from a peer are checked as the leader checks them', () => {
  // The reported case: "add voter 0" in a leader's Append was applied.
  const n = new RaftNode({ id: 2, peers: [1, 2, 3] });
  assert.throws(
    () => n.step(Uint8Array.of(1, 2, 0x40, 1, 2, 1, 1, 0, 1, 1, 6, 1, 1, 0, 0, 0, 0)),
    (e) => e instanceof RangeError && e.message.startsWith('message.entries must be membership changes'),
  );
  assert.deepEqual(n.conf(), { voters: [1, 2, 3], learners: [] });
  assert.equal(n.lastIndex, 0);
  // The same from storage.
  const entries = [{ index: 1, term: 1, kind: 'confChange', data: Uint8Array.of(1, 2, 9, 0, 0, 0) }]; // remove 9
  assert.throws(() => new RaftNode({ id: 2, peers: [1, 2, 3], storage: { entries } }), (e) => e instanceof RangeError && /storage\.entries/.test(e.message));
  n.free();
});

test('decoders accept only what the encoders write: whatever decodes encodes again to the same bytes', () => {
  // The reported case: an entry at index 0 decoded, then could not be encoded.
  assert.throws(
    () => RaftNode.decodeEntries(Uint8Array.of(1, 0x81, 1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0)),
    (e) => e instanceof RangeError && /^bytes must be entries with an index in 1\.\.=2\^53-1/.test(e.message),
  );
  // A snapshot with no voters: refused by both sides.
  const noVoters = Uint8Array.of(1, 0x82, 3, 1, 0, 0, 0);
  assert.throws(() => RaftNode.decodeSnapshot(noVoters), RangeError);
  assert.throws(() => RaftNode.encodeSnapshot({ index: 3, term: 1, voters: [], data: '' }), RangeError);
  assert.throws(() => RaftNode.encodeSnapshot({ index: 3, term: 1, voters: [1, 1], data: '' }), RangeError);
  // Round trips, at the ends of the ranges.
  const MAX = 2 ** 53 - 1;
  const snap = RaftNode.encodeSnapshot({ index: MAX, term: MAX, voters: [1, 2], learners: [3], data: 'x' });
  assert.deepEqual(RaftNode.encodeSnapshot(RaftNode.decodeSnapshot(snap)), snap);
  const es = RaftNode.encodeEntries([{ index: MAX - 1, term: MAX, data: 'a' }, { index: MAX, term: MAX, data: 'b' }]);
  assert.deepEqual(RaftNode.encodeEntries(RaftNode.decodeEntries(es)), es);
  const hs = RaftNode.encodeHardState({ term: MAX, vote: 2 ** 32 - 1, commit: MAX });
  assert.deepEqual(RaftNode.encodeHardState(RaftNode.decodeHardState(hs)), hs);
  assert.throws(() => RaftNode.encodeHardState({ term: MAX + 1, vote: 0, commit: 0 }), RangeError);
  // Valid encodings with one byte changed at random: each either fails to decode, or
  // decodes to a value that encodes back to the very same bytes.
  let seed = 99;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const kinds = [
    [RaftNode.decodeHardState, RaftNode.encodeHardState, () => ({ term: rand(), vote: rand() % 4, commit: rand() % 300 })],
    [RaftNode.decodeEntries, RaftNode.encodeEntries, () => Array.from({ length: rand() % 4 }, (_, k) => ({ index: 5 + k, term: 2, kind: k === 1 ? 'confChange' : 'normal', data: 'ab'.slice(0, rand() % 3) }))],
    [RaftNode.decodeSnapshot, RaftNode.encodeSnapshot, () => ({ index: rand() % 500, term: rand() % 9, voters: [1, 2 + (rand() % 3)], learners: rand() % 2 ? [7] : [], data: 'xyz'.slice(0, rand() % 4) })],
  ];
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const [decode, encode, make] = kinds[i % 3];
    const b = encode(make());
    if (i % 4 !== 0) b[2 + (rand() % (b.length - 2))] = rand() & 0xff;
    let v;
    try {
      v = decode(b);
    } catch (e) {
      assert.ok(e.constructor === Error || e.constructor === RangeError, e.message);
      continue;
    }
    decoded++;
    assert.deepEqual(encode(v), b);
  }
  assert.ok(decoded > 1000, `only ${decoded} inputs decoded`);
});

test('encodeMessage / decodeMessage: every message a cluster sends round-trips, fields typed', () => {
  const net = new Net([1, 2, 3]);
  const seen = new Set();
  let checked = 0;
  net.onMessage = (from, { to, bytes }) => {
    const m = RaftNode.decodeMessage(bytes);
    assert.deepEqual([m.from, m.to], [from, to]);
    assert.deepEqual(RaftNode.encodeMessage(m), bytes);
    seen.add(m.kind);
    checked++;
  };
  const l = net.untilLeader();
  l.propose('x');
  net.tick(5);
  assert.ok(checked > 20, `${checked} messages`);
  for (const k of ['Vote', 'VoteResp', 'Append', 'AppendResp', 'Heartbeat', 'HeartbeatResp']) assert.ok(seen.has(k), k);
  net.free();
  // Every field, and a snapshot.
  const full = {
    kind: 'Append', from: 1, to: 2, term: 9, logTerm: 8, index: 4, commit: 3, reject: false, rejectHint: 0, context: 7,
    entries: [{ index: 5, term: 9, data: 'a' }, { index: 6, term: 9, kind: 'confChange', data: Uint8Array.of(1, 0, 4, 0, 0, 0) }],
  };
  const m = RaftNode.decodeMessage(RaftNode.encodeMessage(full));
  assert.deepEqual({ ...m, entries: m.entries.map((e) => [e.index, e.term, e.kind, [...e.data]]) }, {
    ...full, entries: [[5, 9, 'normal', [97]], [6, 9, 'confChange', [1, 0, 4, 0, 0, 0]]],
  });
  const snap = { kind: 'Snapshot', from: 1, to: 2, term: 3, snapshot: { index: 40, term: 2, voters: [1, 2, 3], learners: [4], data: 'state' } };
  const s = RaftNode.decodeMessage(RaftNode.encodeMessage(snap));
  assert.deepEqual({ ...s.snapshot, data: new TextDecoder().decode(s.snapshot.data) }, snap.snapshot);
  // The rules step applies.
  assert.throws(() => RaftNode.encodeMessage({ kind: 'Nope', from: 1, to: 2, term: 1 }), (e) => e instanceof RangeError && /message\.kind/.test(e.message));
  assert.throws(() => RaftNode.encodeMessage({ kind: 'Heartbeat', from: 1, to: 2, term: 2 ** 53 - 1 }), (e) => e instanceof RangeError && /message\.term/.test(e.message));
  assert.throws(() => RaftNode.encodeMessage({ ...full, entries: [{ index: 9, term: 9, data: '' }] }), (e) => e instanceof RangeError && /message\.entries/.test(e.message));
  assert.throws(() => RaftNode.encodeMessage({ ...snap, entries: [{ index: 1, term: 1, data: '' }] }), RangeError);
  assert.throws(() => RaftNode.encodeMessage({ kind: 'Heartbeat', from: '1', to: 2, term: 1 }), TypeError);
  assert.throws(() => RaftNode.decodeMessage(Uint8Array.of(1, 4, 0, 1, 2, 255, 255, 255, 255, 255, 255, 255, 15)), RangeError);
  assert.throws(() => RaftNode.decodeMessage(Uint8Array.of(1, 99, 0, 1, 2, 1)), { name: 'Error', message: 'unknown message kind 99' });
});

test('entries(lo, hi), progress() and the election timer: what a transport and a dashboard read', () => {
  const net = new Net([1, 2, 3]);
  const l = net.untilLeader();
  for (const x of ['a', 'b', 'c']) l.propose(x);
  net.tick(3);
  const all = l.entries(1, l.lastIndex + 1);
  assert.deepEqual(all.map((e) => e.index), Array.from({ length: l.lastIndex }, (_, k) => k + 1));
  assert.deepEqual(all.slice(-3).map((e) => e.text), ['a', 'b', 'c']);
  assert.deepEqual(l.entries(2, 2), []);
  assert.throws(() => l.entries(0, 1), (e) => e instanceof RangeError && /^lo must be/.test(e.message));
  assert.throws(() => l.entries(2, l.lastIndex + 2), (e) => e instanceof RangeError && /^hi must be/.test(e.message));
  assert.throws(() => l.entries(3, 2), RangeError);
  assert.throws(() => l.entries('1', 2), TypeError);
  const prs = l.progress();
  assert.deepEqual(prs.map((p) => p.node).sort(), [1, 2, 3]);
  for (const p of prs) {
    assert.equal(p.voter, true);
    assert.equal(p.match, l.lastIndex);
    assert.equal(p.next, l.lastIndex + 1);
    assert.ok(['probe', 'replicate'].includes(p.state), p.state);
  }
  const f = [...net.nodes.values()].find((n) => n.role === 'follower');
  assert.deepEqual(f.progress(), []);
  assert.ok(f.electionTimeout >= 10 && f.electionTimeout < 20, String(f.electionTimeout));
  const before = f.electionElapsed;
  f.tick();
  assert.equal(f.electionElapsed, before + 1);
  net.free();
});
