// node:test tier for RaftCluster, against the built package imported by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaftCluster, crc32 } from 'quorumkit';

const leaders = (s) => s.nodes.filter((n) => n.up && n.role === 'leader');

/** Advances in small steps until `pred(state)` holds; returns the virtual ms it took. */
function until(c, pred, limit = 5_000, step = 10) {
  const t0 = c.now;
  while (!pred(c.state())) {
    assert.ok(c.now - t0 < limit, `condition not met within ${limit} ms`);
    c.advance(step);
  }
  return c.now - t0;
}

test('a leader is elected, and every node follows it in its term', () => {
  const c = new RaftCluster({ nodes: 5, seed: 1 });
  assert.equal(c.state().leader, null);
  const took = until(c, (s) => s.leader !== null);
  assert.ok(took <= 1_000, `elected after ${took} ms`);
  c.advance(200); // a heartbeat round reaches everyone
  const s = c.state();
  assert.equal(leaders(s).length, 1);
  const l = leaders(s)[0];
  assert.equal(s.leader, l.id);
  for (const n of s.nodes) {
    assert.equal(n.term, l.term);
    assert.equal(n.leader, l.id);
    assert.equal(n.log[0].index, 1); // the leader's no-op
    assert.equal(n.log[0].data.length, 0);
  }
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('after the leader crashes, a new one is elected within bounded virtual time', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const c = new RaftCluster({ nodes: 5, seed });
    until(c, (s) => s.leader !== null);
    const old = c.state().leader;
    const oldTerm = c.state().nodes[old - 1].term;
    c.crash(old);
    assert.equal(c.state().nodes[old - 1].up, false);
    // An election timeout is below 2 × 150 ms; allow a few split votes.
    const took = until(c, (s) => s.leader !== null && s.leader !== old, 1_500);
    const s = c.state();
    assert.ok(s.nodes[s.leader - 1].term > oldTerm, `seed ${seed}`);
    assert.ok(took <= 1_500, `seed ${seed}: ${took} ms`);
    c.restart(old);
    c.advance(500);
    assert.equal(c.state().nodes[old - 1].role, 'follower');
    assert.deepEqual(c.violations(), []);
    c.free();
  }
});

test('a partition isolates the old leader; its entries never commit, and heal reconciles', () => {
  const c = new RaftCluster({ nodes: 5, seed: 11 });
  until(c, (s) => s.leader !== null);
  const old = c.state().leader;
  const others = [1, 2, 3, 4, 5].filter((id) => id !== old);
  c.partition([[old, others[0]], others.slice(1)]);
  // The old leader still thinks it leads: a proposal to it cannot commit.
  const stale = c.propose('lost');
  assert.equal(stale.leader, old);
  until(c, (s) => leaders(s).some((n) => n.id !== old));
  const fresh = c.propose('kept');
  assert.notEqual(fresh.leader, old);
  c.advance(500);
  let s = c.state();
  assert.ok(s.nodes[old - 1].commit < stale.index, 'minority side cannot commit');
  assert.ok(s.nodes[fresh.leader - 1].commit >= fresh.index);
  c.heal();
  c.advance(1_000);
  s = c.state();
  assert.equal(leaders(s).length, 1);
  const texts = (n) => n.log.map((e) => e.text).filter(Boolean);
  for (const n of s.nodes) {
    assert.deepEqual(texts(n), ['kept'], `node ${n.id}`);
    assert.equal(n.commit, s.nodes[s.leader - 1].commit);
  }
  // The partition and heal are in the event log.
  const kinds = c.events(0).map((e) => e.type);
  assert.ok(kinds.includes('partition') && kinds.includes('heal'));
  const p = c.events(0).find((e) => e.type === 'partition');
  assert.deepEqual(p.groups, [[old, others[0]], others.slice(1)]);
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('proposals commit on every node and are applied in order, bytes and text intact', () => {
  const c = new RaftCluster({ nodes: 3, seed: 5, dropRate: 0.05, dupRate: 0.05, reorderRate: 0.1 });
  until(c, (s) => s.leader !== null);
  const payloads = ['a', 'café', '東京', '😀', '', new Uint8Array([0, 255, 7])];
  const indices = [];
  for (const p of payloads) {
    indices.push(c.propose(p).index);
    c.advance(20);
  }
  for (let i = 1; i < indices.length; i++) assert.ok(indices[i] > indices[i - 1]);
  const last = indices.at(-1);
  until(c, (s) => s.nodes.every((n) => n.applied >= last), 5_000);
  const s = c.state();
  const enc = new TextEncoder();
  for (const n of s.nodes) {
    const byIndex = new Map(n.log.map((e) => [e.index, e]));
    payloads.forEach((p, k) => {
      const e = byIndex.get(indices[k]);
      const bytes = typeof p === 'string' ? enc.encode(p) : p;
      assert.deepEqual([...e.data], [...bytes], `node ${n.id} entry ${indices[k]}`);
      if (typeof p === 'string') assert.equal(e.text, p);
    });
    n.log.forEach((e, i) => assert.equal(e.index, i + 1));
  }
  const applies = c.events(0).filter((e) => e.type === 'apply');
  for (const id of [1, 2, 3]) {
    let next = 1;
    for (const a of applies.filter((x) => x.node === id)) {
      assert.equal(a.first, next, `node ${id} applies in order`);
      next = a.last + 1;
    }
  }
  assert.deepEqual(c.violations(), []);
  c.free();
});

/** A scripted run touching every action; returns its events and hash. */
function script(seed, extra = {}) {
  const c = new RaftCluster({ nodes: 5, seed, latency: { min: 2, max: 30 }, dropRate: 0.1, dupRate: 0.05, ...extra });
  const out = [];
  c.advance(600);
  for (let i = 0; i < 25; i++) c.stepEvent();
  c.timeout(3);
  c.advance(300);
  try {
    c.propose(`p${c.now}`);
  } catch (e) {
    out.push(e.message);
  }
  c.partition([[1, 2], [3, 4, 5]]);
  c.cut(3, 4);
  c.advance(700);
  c.crash(3);
  c.advance(400);
  c.heal();
  c.setRates({ dropRate: 0 });
  c.restart(3);
  c.advance(1_000);
  out.push(c.propose('end'));
  c.advance(500);
  const r = { events: c.events(0), hash: c.historyHash, state: c.state(), out };
  c.free();
  return r;
}

test("progress(): the leader's match and next index per member; empty for followers and crashed nodes", () => {
  const c = new RaftCluster({ nodes: 5, seed: 9 });
  until(c, (s) => s.leader !== null);
  const leader = c.state().leader;
  const { index } = c.propose('x');
  until(c, (s) => s.nodes.every((n) => n.commit >= index), 2_000);
  c.advance(200);
  const prs = c.progress(leader);
  assert.deepEqual(prs.map((p) => p.node).sort(), [1, 2, 3, 4, 5].filter((id) => id !== leader));
  for (const p of prs) {
    // Every follower stores the whole log; the leader sends from the entry after it.
    assert.equal(p.match, c.state().nodes[leader - 1].log.at(-1).index, `node ${p.node}`);
    assert.equal(p.next, p.match + 1);
  }
  // A crashed follower falls behind: its match stays while the leader's log grows.
  const down = prs[0].node;
  c.crash(down);
  const { index: later } = c.propose('y');
  until(c, (s) => s.nodes[leader - 1].commit >= later, 2_000);
  const lagging = c.progress(leader).find((p) => p.node === down);
  assert.ok(lagging.match < later, `match ${lagging.match} < ${later}`);
  const follower = [1, 2, 3, 4, 5].find((id) => id !== leader && id !== down);
  assert.deepEqual(c.progress(follower), []);
  assert.deepEqual(c.progress(down), []);
  assert.throws(() => c.progress(6), { name: 'RangeError', message: 'id must be an integer in 1..=5, got 6' });
  assert.throws(() => c.progress('1'), { name: 'TypeError', message: /^id must be a node id \(number\), got/ });
  c.free();
});

test('determinism: the same seed and the same calls give identical events', () => {
  const a = script(2024);
  const b = script(2024);
  assert.ok(a.events.length > 500);
  assert.deepEqual(a.events, b.events);
  assert.equal(a.hash, b.hash);
  assert.deepEqual(a.state, b.state);
  assert.deepEqual(a.out, b.out);
  const c = script(2025);
  assert.notEqual(c.hash, a.hash);
  assert.notDeepEqual(c.events, a.events);
  // A number seed and the same bigint are the same seed; 64-bit seeds work.
  assert.equal(script(77n).hash, script(77).hash);
  const big = script(2n ** 64n - 1n);
  assert.equal(big.hash, script(0xffff_ffff_ffff_ffffn).hash);
  assert.notEqual(big.hash, script(2n ** 64n - 2n).hash);
});

test('state(): numbers per node, messages with progress, logs shared while unchanged', () => {
  const c = new RaftCluster({ nodes: 3, seed: 8 });
  const s0 = c.state();
  assert.deepEqual(
    Object.keys(s0.nodes[0]).sort(),
    ['applied', 'commit', 'electionElapsed', 'electionProgress', 'electionTimeout', 'id', 'leader', 'learners', 'log', 'role',
      'snapshotIndex', 'term', 'up', 'vote', 'voters'],
  );
  assert.deepEqual(s0.nodes[0].voters, [1, 2, 3]);
  for (const n of s0.nodes) {
    assert.ok(n.electionTimeout >= 150 && n.electionTimeout < 300);
    assert.ok(n.electionProgress >= 0 && n.electionProgress <= 1);
  }
  c.timeout(1);
  const s1 = c.state();
  assert.equal(s1.messages.length, 2);
  for (const m of s1.messages) {
    assert.equal(m.kind, 'Vote');
    assert.equal(m.granted, null);
    assert.equal(m.from, 1);
    assert.equal(m.progress, 0);
    assert.ok(m.arrive >= m.sent + 5 && m.arrive <= m.sent + 25);
  }
  c.advance(4);
  for (const m of c.state().messages) assert.ok(m.progress > 0 && m.progress < 1);
  until(c, (s) => s.leader === 1);
  c.advance(100);
  const a = c.state();
  const b = c.state();
  for (let i = 0; i < 3; i++) assert.equal(a.nodes[i].log, b.nodes[i].log, 'unchanged log: same array');
  c.propose('x');
  c.advance(100);
  const d = c.state();
  assert.equal(a.nodes[0].log.length, 1, 'old snapshots do not change');
  assert.equal(d.nodes[0].log.length, 2);
  assert.equal(d.nodes[0].log[0], a.nodes[0].log[0], 'entries are reused');
  assert.ok(Object.isFrozen(d.nodes[0].log));
  // stepEvent moves the clock to the next event only.
  const t = c.now;
  assert.equal(c.stepEvent(), true);
  assert.ok(c.now > t && c.now <= t + 10);
  c.free();
});

test('a crashed node shows its persisted state; its log stays in sync after a restart', () => {
  const c = new RaftCluster({ nodes: 3, seed: 4 });
  until(c, (s) => s.leader !== null);
  const l = c.state().leader;
  const f = l === 1 ? 2 : 1;
  c.propose('one');
  c.advance(200);
  c.crash(f);
  const down = c.state().nodes[f - 1];
  assert.equal(down.up, false);
  assert.equal(down.role, 'follower');
  assert.deepEqual(down.log.map((e) => e.text), ['', 'one']);
  c.propose('two');
  c.advance(200);
  c.restart(f);
  c.advance(300);
  assert.deepEqual(c.state().nodes[f - 1].log.map((e) => e.text), ['', 'one', 'two']);
  c.free();
});

test('events(sinceCursor) returns what happened since the cursor', () => {
  const c = new RaftCluster({ nodes: 3, seed: 3 });
  assert.deepEqual(c.events(0), []);
  c.advance(1_000);
  const all = c.events(0);
  assert.equal(all.length, c.eventCount);
  const cursor = c.eventCount;
  c.advance(500);
  const later = c.events(cursor);
  assert.deepEqual([...all, ...later], c.events(0));
  assert.deepEqual(c.events(c.eventCount + 10), []);
  const types = new Set(all.map((e) => e.type));
  for (const t of ['send', 'deliver', 'vote', 'role', 'append', 'commit', 'apply']) assert.ok(types.has(t), t);
  const send = all.find((e) => e.type === 'send');
  assert.deepEqual(Object.keys(send.message), ['id', 'kind', 'from', 'to', 'term', 'sent', 'arrive', 'entries']);
  c.crash(1);
  c.crash(2);
  c.advance(100);
  const drops = c.events(cursor).filter((e) => e.type === 'drop');
  assert.ok(drops.length > 0 && drops.every((d) => d.reason === 'crashed'));
  // More events than one chunk (4,096) cross intact.
  const big = new RaftCluster({ nodes: 5, seed: 9, heartbeat: 10 });
  big.advance(6_000);
  const evs = big.events(0);
  assert.ok(evs.length > 2 * 4096, `${evs.length} events`);
  assert.equal(evs.length, big.eventCount);
  for (let i = 1; i < evs.length; i++) assert.ok(evs[i].time >= evs[i - 1].time);
  big.free();
  c.free();
});

test('forgetEvents lets go of events already read: the rest and every cursor stay as they were', () => {
  const all = new RaftCluster({ nodes: 3, seed: 5, dropRate: 0.1 });
  const lean = new RaftCluster({ nodes: 3, seed: 5, dropRate: 0.1 });
  let cursor = 0;
  for (let k = 0; k < 6; k++) {
    all.advance(400);
    lean.advance(400);
    if (k === 3) {
      all.partition([[1], [2, 3]]);
      lean.partition([[1], [2, 3]]);
    }
    const evs = lean.events(cursor);
    assert.deepEqual(evs, all.events(cursor));
    cursor += evs.length;
    lean.forgetEvents(cursor);
    assert.equal(lean.firstEventCursor, cursor);
    assert.deepEqual(lean.events(cursor), []);
  }
  assert.equal(lean.eventCount, all.eventCount);
  assert.equal(lean.historyHash, all.historyHash);
  // Part of a batch: the rest is kept, and a partition's groups are found at its cursor.
  for (const c of [all, lean]) {
    c.advance(100);
    c.partition([[1, 2], [3]]);
    c.advance(100);
  }
  lean.forgetEvents(cursor + 1);
  const rest = lean.events(cursor + 1);
  assert.deepEqual(rest, all.events(cursor + 1));
  assert.deepEqual(rest.find((e) => e.type === 'partition').groups, [[1, 2], [3]]);
  throwsWith(() => lean.events(cursor), RangeError,
    `sinceCursor must be an integer >= ${cursor + 1} (the events before it were forgotten), got ${cursor}`);
  throwsWith(() => lean.events(0), RangeError, /^sinceCursor must be an integer >= \d+ \(the events before it were forgotten\), got 0$/);
  throwsWith(() => lean.forgetEvents(-1), RangeError, 'cursor must be an integer >= 0, got -1');
  throwsWith(() => lean.forgetEvents(0.5), RangeError, 'cursor must be an integer >= 0, got 0.5');
  throwsWith(() => lean.forgetEvents('3'), TypeError, 'cursor must be a number, got "3"');
  // Past the end: everything goes, and cursors go on from the count.
  lean.forgetEvents(Number.MAX_SAFE_INTEGER);
  assert.equal(lean.firstEventCursor, lean.eventCount);
  lean.advance(100);
  assert.ok(lean.events(lean.firstEventCursor).length > 0);
  all.free();
  lean.free();
});

/** Asserts `fn` throws `cls` with exactly `message`. */
function throwsWith(fn, cls, message) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor, cls, `${e.constructor.name}: ${e.message}`);
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

test('bad options: TypeError for types, RangeError for ranges, naming the parameter', () => {
  const make = (o) => () => new RaftCluster(o);
  throwsWith(make(undefined), TypeError, 'options must be an options object with nodes, got undefined');
  throwsWith(make(null), TypeError, /^options must be/);
  throwsWith(make({ seed: 1 }), TypeError, 'nodes must be a number, got undefined');
  throwsWith(make({ nodes: '3', seed: 1 }), TypeError, 'nodes must be a number, got "3"');
  throwsWith(make({ nodes: 0, seed: 1 }), RangeError, 'nodes must be an integer in 1..=9, got 0');
  throwsWith(make({ nodes: 10, seed: 1 }), RangeError, 'nodes must be an integer in 1..=9, got 10');
  throwsWith(make({ nodes: 2.5, seed: 1 }), RangeError, 'nodes must be an integer in 1..=9, got 2.5');
  throwsWith(make({ nodes: 3, seed: '1' }), TypeError, 'seed must be a number or bigint, got "1"');
  throwsWith(make({ nodes: 3, seed: -1 }), RangeError, 'seed must be an integer in 0..=2^53-1, got -1');
  throwsWith(make({ nodes: 3, seed: 1.5 }), RangeError, 'seed must be an integer in 0..=2^53-1, got 1.5');
  throwsWith(make({ nodes: 3, seed: 2 ** 53 }), RangeError, /^seed must be an integer in 0..=2\^53-1/);
  throwsWith(make({ nodes: 3, seed: -1n }), RangeError, 'seed must be a bigint in 0..=2^64-1, got -1n');
  throwsWith(make({ nodes: 3, seed: 2n ** 64n }), RangeError, 'seed must be a bigint in 0..=2^64-1, got 18446744073709551616n');
  throwsWith(make({ nodes: 3, seed: 1, electionTimeout: '150' }), TypeError, 'electionTimeout must be a number, got "150"');
  throwsWith(make({ nodes: 3, seed: 1, electionTimeout: 5 }), RangeError, 'electionTimeout must be an integer in 10..=3600000 (ms, at least one tick), got 5');
  throwsWith(make({ nodes: 3, seed: 1, electionTimeout: -1 }), RangeError, /^electionTimeout must be an integer in 0..=3600000/);
  throwsWith(make({ nodes: 3, seed: 1, heartbeat: null }), TypeError, 'heartbeat must be a number, got null');
  throwsWith(make({ nodes: 3, seed: 1, heartbeat: 150 }), RangeError, 'heartbeat must be at least one tick (10 ms) and below electionTimeout (150 ms), got 150');
  throwsWith(make({ nodes: 3, seed: 1, latency: 'fast' }), TypeError, 'latency must be a number or { min, max } (ms), got "fast"');
  throwsWith(make({ nodes: 3, seed: 1, latency: { min: 1 } }), TypeError, 'latency.max must be a number, got undefined');
  throwsWith(make({ nodes: 3, seed: 1, latency: { min: 9, max: 3 } }), RangeError, 'latency must be min <= max <= 60000 (ms), got 9..3');
  throwsWith(make({ nodes: 3, seed: 1, latency: 70_000 }), RangeError, /^latency.min must be an integer in 0..=3600000|^latency must be min <= max <= 60000/);
  throwsWith(make({ nodes: 3, seed: 1, latency: 1.5 }), RangeError, /^latency.min must be an integer/);
  for (const p of ['dropRate', 'dupRate', 'reorderRate']) {
    throwsWith(make({ nodes: 3, seed: 1, [p]: '0.1' }), TypeError, `${p} must be a number, got "0.1"`);
    throwsWith(make({ nodes: 3, seed: 1, [p]: 1.5 }), RangeError, `${p} must be a probability in [0, 1], got 1.5`);
    throwsWith(make({ nodes: 3, seed: 1, [p]: NaN }), RangeError, `${p} must be a probability in [0, 1], got NaN`);
  }
  // The module still works.
  const c = new RaftCluster({ nodes: 1, seed: 0, latency: 0 });
  c.advance(400);
  assert.equal(c.state().leader, 1);
  assert.equal(crc32('123456789'), 0xcbf43926);
  c.free();
});

test('bad arguments to methods, and refused actions', () => {
  const c = new RaftCluster({ nodes: 3, seed: 1 });
  throwsWith(() => c.advance('10'), TypeError, 'ms must be a number, got "10"');
  throwsWith(() => c.advance(-1), RangeError, /^ms must be an integer in 0\.\.=\d+, got -1$/);
  throwsWith(() => c.advance(1.5), RangeError, /^ms must be an integer/);
  throwsWith(() => c.advance(2 ** 53), RangeError, /^ms must be an integer/);
  for (const m of ['crash', 'restart', 'timeout']) {
    throwsWith(() => c[m]('1'), TypeError, 'id must be a node id (number), got "1"');
    throwsWith(() => c[m](0), RangeError, 'id must be an integer in 1..=3, got 0');
    throwsWith(() => c[m](4), RangeError, 'id must be an integer in 1..=3, got 4');
    throwsWith(() => c[m](1.5), RangeError, 'id must be an integer in 1..=3, got 1.5');
  }
  throwsWith(() => c.restart(1), Error, 'node 1 is already up');
  throwsWith(() => c.propose('x'), Error, 'no live leader to take the proposal');
  throwsWith(() => c.propose(42), TypeError, 'data must be a string or Uint8Array, got 42');
  c.crash(2);
  throwsWith(() => c.crash(2), Error, 'node 2 is down');
  throwsWith(() => c.timeout(2), Error, 'node 2 is down');
  throwsWith(() => c.partition('1,2'), TypeError, 'groups must be an array of arrays of node ids, got "1,2"');
  throwsWith(() => c.partition([1, 2]), TypeError, 'groups must be an array of arrays of node ids, got 1');
  throwsWith(() => c.partition([['1']]), TypeError, 'groups must be arrays of node ids (numbers), got "1"');
  throwsWith(() => c.partition([[4]]), RangeError, 'groups must be node ids in 1..=3, got 4');
  throwsWith(() => c.partition([[1], [1, 2]]), RangeError, 'groups must be each node in at most one group, got 1');
  throwsWith(() => c.cut(1, 1), RangeError, 'to must be a node other than from, got 1');
  throwsWith(() => c.cut(1, 9), RangeError, 'to must be an integer in 1..=3, got 9');
  throwsWith(() => c.cut('1', 2), TypeError, 'from must be a node id (number), got "1"');
  throwsWith(() => c.events(-1), RangeError, 'sinceCursor must be an integer >= 0, got -1');
  throwsWith(() => c.events('0'), TypeError, 'sinceCursor must be a number, got "0"');
  throwsWith(() => c.setRates(null), TypeError, 'rates must be an options object, got null');
  throwsWith(() => c.setRates({ dropRate: 2 }), RangeError, 'dropRate must be a probability in [0, 1], got 2');
  throwsWith(() => c.setRates({ dupRate: 0.5, reorderRate: -1 }), RangeError, 'reorderRate must be a probability in [0, 1], got -1');
  // Nothing changed by the refused calls; the cluster still works.
  c.restart(2);
  c.advance(1_000);
  assert.notEqual(c.state().leader, null);
  assert.ok(c.propose('ok').index >= 2);
  c.advance(200);
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('free() releases the cluster; Symbol.dispose does the same', () => {
  const c = new RaftCluster({ nodes: 3, seed: 1 });
  c.advance(100);
  c.free();
  assert.throws(() => c.advance(1));
  const d = new RaftCluster({ nodes: 3, seed: 1 });
  d[Symbol.dispose]();
  assert.throws(() => d.state());
  // Many clusters made and freed leave the module usable.
  for (let i = 0; i < 200; i++) {
    const x = new RaftCluster({ nodes: 9, seed: i });
    x.advance(300);
    x.state();
    x.free();
  }
  const y = new RaftCluster({ nodes: 3, seed: 5 });
  y.advance(1_000);
  assert.notEqual(y.state().leader, null);
  y.free();
});

test('faults at random for many seeds: never a violation, and liveness after healing', () => {
  let seed = 12345;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let run = 0; run < 25; run++) {
    const nodes = 1 + rnd(7);
    const c = new RaftCluster({ nodes, seed: run, dropRate: 0.1, dupRate: 0.05, reorderRate: 0.1 });
    for (let k = 0; k < 30; k++) {
      const id = 1 + rnd(nodes);
      try {
        switch (rnd(6)) {
          case 0: c.crash(id); break;
          case 1: c.restart(id); break;
          case 2: c.partition([[id], [1, 2, 3, 4, 5, 6, 7].filter((x) => x !== id && x <= nodes && rnd(2))]); break;
          case 3: c.heal(); break;
          case 4: c.propose(`r${run}k${k}`); break;
          default: c.timeout(id);
        }
      } catch (e) {
        assert.ok(!(e instanceof RangeError || e instanceof TypeError), e.message);
      }
      c.advance(rnd(200));
    }
    for (let id = 1; id <= nodes; id++) if (!c.state().nodes[id - 1].up) c.restart(id);
    c.heal();
    c.setRates({ dropRate: 0, dupRate: 0, reorderRate: 0 });
    until(c, (s) => s.leader !== null, 5_000);
    c.propose('final');
    until(c, (s) => s.leader !== null && s.nodes.every((n) => !n.up || n.applied === s.nodes[s.leader - 1].log.length), 5_000);
    assert.deepEqual(c.violations(), [], `run ${run}`);
    c.free();
  }
});

test('part 2 options: pre-vote keeps a rejoining node from deposing the leader; check-quorum steps an isolated leader down', () => {
  // Pre-vote: a follower cut off for a long time rejoins without raising anyone's term.
  const c = new RaftCluster({ nodes: 5, seed: 21, preVote: true, checkQuorum: true });
  until(c, (s) => s.leader !== null);
  c.advance(300);
  const { leader } = c.state();
  const term = c.state().nodes[leader - 1].term;
  const lonely = (leader % 5) + 1;
  c.partition([[lonely], [1, 2, 3, 4, 5].filter((id) => id !== lonely)]);
  c.advance(3_000);
  assert.equal(c.state().nodes[lonely - 1].term, term, 'pre-vote: the isolated node did not raise its term');
  assert.ok(c.state().nodes[lonely - 1].role === 'precandidate' || c.state().nodes[lonely - 1].role === 'follower');
  c.heal();
  c.advance(1_000);
  assert.equal(c.state().leader, leader);
  assert.equal(c.state().nodes[leader - 1].term, term);
  // Check-quorum: the leader isolated in a minority steps down by itself.
  c.partition([[leader], [1, 2, 3, 4, 5].filter((id) => id !== leader)]);
  until(c, (s) => s.nodes[leader - 1].role !== 'leader', 1_000);
  until(c, (s) => s.leader !== null && s.leader !== leader, 2_000);
  assert.deepEqual(c.violations(), []);
  c.free();

  // Without pre-vote the same isolation inflates the lonely node's term.
  const d = new RaftCluster({ nodes: 5, seed: 21 });
  until(d, (s) => s.leader !== null);
  const l2 = d.state().leader;
  const t2 = d.state().nodes[l2 - 1].term;
  const lone2 = (l2 % 5) + 1;
  d.partition([[lone2], [1, 2, 3, 4, 5].filter((id) => id !== lone2)]);
  d.advance(3_000);
  assert.ok(d.state().nodes[lone2 - 1].term > t2 + 3);
  d.free();
});

test('compactEvery: logs are compacted into snapshots, a lagging node catches up by InstallSnapshot, logs stay short', () => {
  const c = new RaftCluster({ nodes: 3, seed: 4, compactEvery: 10 });
  until(c, (s) => s.leader !== null);
  const { leader } = c.state();
  const lag = (leader % 3) + 1;
  c.crash(lag);
  let last = 0;
  for (let i = 0; i < 60; i++) {
    last = c.propose(`e${i}`).index;
    c.advance(10);
  }
  until(c, (s) => s.nodes[leader - 1].commit >= last);
  c.restart(lag);
  until(c, (s) => s.nodes[lag - 1].commit >= last, 3_000);
  const s = c.state();
  for (const n of s.nodes) {
    assert.ok(n.snapshotIndex > 0, `node ${n.id} compacted`);
    assert.ok(n.log.length <= 20, `node ${n.id} keeps a short log (${n.log.length})`);
    n.log.forEach((e, i) => assert.equal(e.index, n.snapshotIndex + 1 + i));
  }
  assert.ok(c.events(0).some((e) => e.type === 'snapshot' && e.node === lag && e.received));
  assert.ok(c.events(0).some((e) => e.type === 'send' && e.message.kind === 'Snapshot'));
  // A node's log array survives compaction: after a restart, still in sync with its index.
  assert.equal(s.nodes[lag - 1].log.at(-1)?.index ?? s.nodes[lag - 1].snapshotIndex, last);
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('transferLeader hands leadership to the target; vote replies in flight say granted or refused', () => {
  const c = new RaftCluster({ nodes: 5, seed: 8 });
  until(c, (s) => s.leader !== null);
  const from = c.state().leader;
  const to = (from % 5) + 1;
  assert.equal(c.transferLeader(to), from);
  until(c, (s) => s.leader === to, 1_000);
  const ev = c.events(0).find((e) => e.type === 'transfer');
  assert.deepEqual([ev.from, ev.to], [from, to]);
  assert.ok(c.events(0).some((e) => e.type === 'send' && e.message.kind === 'TimeoutNow'));

  // Every VoteResp in flight carries a verdict that matches the sender's recorded vote.
  let granted = 0;
  let refused = 0;
  const d = new RaftCluster({ nodes: 5, seed: 2, dropRate: 0.2 });
  for (let t = 0; t < 3_000; t += 2) {
    d.advance(2);
    for (const m of d.state().messages) {
      if (m.kind === 'AppendResp' || m.kind === 'PreVoteResp') {
        assert.equal(typeof m.granted, 'boolean', `${m.kind} carries a verdict`);
        continue;
      }
      if (m.kind !== 'VoteResp') {
        assert.equal(m.granted, null);
        continue;
      }
      const voted = d.events(0).some((e) => e.type === 'vote' && e.node === m.from && e.term === m.term && e.candidate === m.to);
      assert.equal(m.granted, voted, `message ${m.id}`);
      if (m.granted) granted++;
      else refused++;
    }
    if (t % 500 === 0) d.timeout((t / 500) % 5 + 1);
  }
  assert.ok(granted > 0 && refused > 0, `saw ${granted} granted and ${refused} refused replies`);
  c.free();
  d.free();
});

test('membership: add a learner, promote it, remove a voter; each node reports its view of the configuration', () => {
  const c = new RaftCluster({ nodes: 5, seed: 6, voters: 3 });
  until(c, (s) => s.leader !== null);
  c.advance(200); // a new leader takes no change until its first entry commits
  let s = c.state();
  assert.deepEqual(s.nodes[s.leader - 1].voters, [1, 2, 3]);
  assert.deepEqual(s.nodes[s.leader - 1].learners, []);
  assert.equal(s.nodes[3].log.length, 0, 'node 4 is outside: it gets nothing');
  const at = c.addLearner(4);
  assert.ok(at > 0);
  c.advance(300);
  s = c.state();
  assert.deepEqual(s.nodes[s.leader - 1].learners, [4]);
  assert.ok(s.nodes[3].commit >= at, 'the learner catches up');
  c.promote(4);
  c.advance(300);
  s = c.state();
  assert.deepEqual(s.nodes[s.leader - 1].voters, [1, 2, 3, 4]);
  assert.deepEqual(s.nodes[3].voters, [1, 2, 3, 4], 'node 4 knows it votes');
  const gone = [1, 2, 3].find((id) => id !== s.leader);
  c.remove(gone);
  c.advance(300);
  s = c.state();
  assert.ok(!s.nodes[s.leader - 1].voters.includes(gone));
  const kinds = c.events(0).filter((e) => e.type === 'membership').map((e) => `${e.change}:${e.node}`);
  assert.deepEqual(kinds, ['add-learner:4', 'promote:4', `remove:${gone}`]);
  // The same arrays are shared between frames while the configuration is unchanged.
  assert.equal(c.state().nodes[0].voters, c.state().nodes[0].voters);
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('part 2 bad inputs: TypeError for types, RangeError for ranges, Error for refusals', () => {
  const bad = (f, cls, re) => assert.throws(f, (e) => e.constructor === cls && re.test(e.message), String(f));
  bad(() => new RaftCluster({ nodes: 3, seed: 1, preVote: 'yes' }), TypeError, /^preVote must be a boolean/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, checkQuorum: 1 }), TypeError, /^checkQuorum must be a boolean/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, compactEvery: -1 }), RangeError, /^compactEvery must be an integer/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, compactEvery: 1.5 }), RangeError, /^compactEvery/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, compactEvery: '5' }), TypeError, /^compactEvery must be a number/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, voters: 4 }), RangeError, /^voters must be an integer in 0\.\.=3/);
  bad(() => new RaftCluster({ nodes: 3, seed: 1, voters: -1 }), RangeError, /^voters/);
  const c = new RaftCluster({ nodes: 4, seed: 1, voters: 3 });
  bad(() => c.transferLeader(2), Error, /^no live leader/);
  bad(() => c.addLearner(4), Error, /^no live leader/);
  until(c, (s) => s.leader !== null);
  c.advance(200);
  bad(() => c.transferLeader(0), RangeError, /^to must be an integer in 1\.\.=4, got 0/);
  bad(() => c.transferLeader('2'), TypeError, /^to must be a node id/);
  bad(() => c.transferLeader(4), RangeError, /^to must be a voter of the cluster, got 4$/);
  bad(() => c.addLearner(5), RangeError, /^id must be an integer in 1\.\.=4, got 5/);
  bad(() => c.promote(4), RangeError, /^id must be a learner whose log has reached the commit index, got 4$/);
  bad(() => c.addLearner(1), RangeError, /^id must be a node that is not a member yet, got 1$/);
  bad(() => c.remove(4), RangeError, /^id must be a member other than the last voter, got 4$/);
  bad(() => c.remove(null), TypeError, /^id must be a node id/);
  c.addLearner(4);
  bad(() => c.addLearner(4), Error, /^a membership change is in progress$/);
  c.advance(300);
  assert.deepEqual(c.violations(), []);
  c.free();
});

test('removals made on both sides of a partition: the healed cluster elects a leader again', () => {
  // A cut-off leader logs "remove 1" (its view: {2, 3}); the majority's new leader logs
  // "remove 2" (view {1, 3}). A node votes for, and follows, a candidate outside its own
  // latest configuration (thesis §4.1), so the healed cluster recovers.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    const c = new RaftCluster({ nodes: 3, seed, checkQuorum: true });
    c.advance(1000); // a leader, with its first entry committed
    const old = c.state().leader;
    const [a, b] = [1, 2, 3].filter((id) => id !== old);
    c.partition([[a, b], [old]]);
    c.remove(a); // the highest term still belongs to the cut-off leader
    c.timeout(b);
    until(c, (s) => s.leader !== null && s.leader !== old);
    const fresh = c.state().leader;
    for (let tries = 0; ; tries++) {
      try {
        c.remove(fresh);
        break;
      } catch (e) {
        assert.match(e.message, /membership change/); // its first entry is not committed yet
        assert.ok(tries < 100);
        c.advance(10);
      }
    }
    c.advance(1000);
    c.heal();
    for (const id of [1, 2, 3]) {
      c.crash(id);
      c.restart(id);
    }
    const leader = c.checkLiveness(20 * 150);
    assert.ok(leader !== null, `seed ${seed}: ${c.violations()[0]?.report}`);
    assert.equal(c.state().leader, leader);
    assert.deepEqual(c.violations(), []);
    c.free();
  }
});

test('a crashed node reports the configuration it last knew, even if state() never ran while it was up', () => {
  const c = new RaftCluster({ nodes: 3, seed: 1 });
  c.crash(2);
  assert.deepEqual(c.state().nodes[1].voters, [1, 2, 3]);
  c.free();
});

test('propose() during a leadership transfer says so, on the leader itself', () => {
  const c = new RaftCluster({ nodes: 3, seed: 1 });
  until(c, (s) => s.leader !== null);
  const l = c.state().leader;
  const to = (l % 3) + 1;
  c.crash(to); // the transfer waits for a target that never answers
  c.transferLeader(to);
  assert.throws(() => c.propose('x'), (e) => e instanceof Error && e.message.includes(`leader ${l} is handing leadership to node ${to}`));
  c.free();
});

test('readIndex(): a read confirmed through a follower and the leader; reads(since) returns only new ones', () => {
  const c = new RaftCluster({ nodes: 3, seed: 4 });
  until(c, (s) => s.leader !== null);
  const l = c.state().leader;
  c.propose('x');
  c.advance(200);
  const follower = (l % 3) + 1;
  c.readIndex(follower, 7);
  c.readIndex(l, 8);
  c.advance(200);
  const reads = c.reads();
  assert.deepEqual(reads.map((r) => [r.node, r.ctx, r.index]).sort(), [[follower, 7, 2], [l, 8, 2]].sort());
  for (const r of reads) assert.ok(r.time > 0 && r.time <= c.now);
  assert.deepEqual(c.reads(reads.length), []);
  assert.throws(() => c.readIndex(1, -1), (e) => e instanceof RangeError && /ctx/.test(e.message));
  assert.throws(() => c.readIndex(1, 'a'), (e) => e instanceof TypeError && /ctx/.test(e.message));
  assert.throws(() => c.readIndex(4, 1), (e) => e instanceof RangeError && /\bid\b/.test(e.message));
  c.crash(follower);
  assert.throws(() => c.readIndex(follower, 9), /down/);
  c.free();
});

test('simulated clients under faults: a linearizable history, recorded with unknown outcomes', () => {
  const c = new RaftCluster({ nodes: 5, seed: 11, dropRate: 0.05, dupRate: 0.02, reorderRate: 0.05 });
  c.startClients({ clients: 4, keys: 2, opsPerClient: 15, timeout: 500, seed: 3n });
  assert.equal(c.clientsIdle, false);
  c.advance(600);
  c.crash(c.state().leader || 1);
  c.advance(600);
  for (let i = 1; i <= 5; i++) if (!c.state().nodes[i - 1].up) c.restart(i);
  while (!c.clientsIdle) c.advance(100);
  const h = c.clientHistory();
  assert.equal(h.length, 60);
  for (const op of h) {
    assert.ok(['get', 'put', 'cas'].includes(op.type));
    assert.ok(op.key === 0 || op.key === 1);
    if (op.completed === null) assert.equal('result' in op, false);
    else assert.ok(op.completed >= op.invoked);
    if (op.type === 'put' && op.completed !== null) assert.equal(op.result, true);
  }
  const v = c.checkLinearizable();
  assert.deepEqual(v, { linearizable: true, operations: 60 });
  assert.ok(c.reads().length > 0, 'client gets are ReadIndex reads');
  assert.throws(() => c.startClients({ clients: 0 }), (e) => e instanceof RangeError && /clients/.test(e.message));
  assert.throws(() => c.startClients({ clients: 2, keys: 'x' }), (e) => e instanceof TypeError && /keys/.test(e.message));
  assert.throws(() => c.startClients(null), TypeError);
  c.free();
});

test('checkLiveness(): null and a Liveness violation when no leader can be elected in time', () => {
  const c = new RaftCluster({ nodes: 3, seed: 2 });
  c.partition([[1], [2], [3]]);
  assert.equal(c.checkLiveness(2000), null);
  const [v] = c.violations();
  assert.equal(v.rule, 'Liveness');
  assert.match(v.detail, /no leader within 2000 ms/);
  assert.throws(() => c.checkLiveness(-1), RangeError);
  c.free();
});

test('without a seed, a cluster draws a random one and exposes it, so the run replays', () => {
  const a = new RaftCluster({ nodes: 3 });
  const b = new RaftCluster({ nodes: 3 });
  assert.equal(typeof a.seed, 'bigint');
  assert.notEqual(a.seed, b.seed, 'two random seeds (a 2^-64 chance of a spurious failure)');
  const again = new RaftCluster({ nodes: 3, seed: a.seed });
  for (const c of [a, again]) {
    c.advance(1000);
    c.propose('x');
    c.advance(300);
  }
  assert.equal(again.historyHash, a.historyHash);
  // No leader reads as null, never as a node id.
  const lone = new RaftCluster({ nodes: 3, seed: 1 });
  assert.equal(lone.state().leader, null);
  assert.ok(lone.state().nodes.every((n) => n.leader === null && n.vote === null));
  for (const c of [a, b, again, lone]) c.free();
});
