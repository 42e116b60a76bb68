// node:test tier for consistent hashing, against the built package imported
// by name, as a user would: ketama owners against the real npm `hashring`
// 3.2.0 (live), seed owners against the committed guide vectors, batch ==
// per-key, Unicode, views, analytics, every bad argument, free().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import HashRingPeer from 'hashring';
import { HashRing, BoundedLoadRing, Rendezvous, Maglev, jumpHash, jumpHashMany, jumpStats, jumpMovement, crc32, xxh64, xxh3 } from 'quorumkit';

const utf8 = (s) => new TextEncoder().encode(s);

// xorshift32, so every run tests the same keys.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const CHARS = Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-/.é✓日本🙂');
function randomKeys(count, seed) {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    if (i % 3 === 0) return `user:${r() % 10_000_000}`;
    const len = r() % 20;
    let k = '';
    for (let j = 0; j < len; j++) k += CHARS[r() % CHARS.length];
    return k;
  });
}

// ---- ketama: live against npm hashring 3.2.0 -------------------------------

const KETAMA_SETS = [
  {
    label: 'ten equal servers',
    keys: 100_000,
    servers: Array.from({ length: 10 }, (_, i) => [`10.0.0.${i + 1}:11211`, {}]),
    peer: {},
    ours: { hash: 'ketama' },
  },
  {
    label: 'weighted servers',
    keys: 100_000,
    servers: [
      ['cache-a.example:11211', { weight: 1 }],
      ['cache-b.example:11211', { weight: 2 }],
      ['cache-c.example:11212', { weight: 3 }],
      ['cache-d.example', { weight: 1.5 }],
      ['192.168.1.10:6379', { weight: 0.7 }],
      ['cache-é:11211', { weight: 5 }],
    ],
    peer: {},
    ours: { hash: 'ketama' },
  },
  {
    label: "seven servers (39 digests each in double precision)",
    keys: 20_000,
    servers: Array.from({ length: 7 }, (_, i) => [`node${i}:6379`, {}]),
    peer: {},
    ours: { hash: 'ketama' },
  },
  {
    label: "hash_ring compatibility, default port, vnode count, per-server vnodes",
    keys: 20_000,
    servers: [
      ['10.1.0.1:11211', { weight: 1 }],
      ['10.1.0.2:11211', { weight: 3 }],
      ['10.1.0.3:11311', { weight: 2 }],
      ['10.1.0.4:11211', { weight: 1, vnodes: 60 }],
      ['10.1.0.5', { weight: 1 }],
    ],
    peer: { compatibility: 'hash_ring', 'default port': 11211, 'vnode count': 50 },
    ours: { hash: 'hash_ring', defaultPort: 11211, vnodes: 50 },
  },
  {
    // The port is read as JavaScript's Number() reads it: these equal the default port but one.
    label: 'hash_ring compatibility, ports spelled as JavaScript numbers',
    keys: 5_000,
    servers: [
      ['a.example:0x50', { weight: 1 }],
      ['b.example: 80 ', { weight: 1 }],
      ['c.example:8e1', { weight: 1 }],
      ['d.example:80.0', { weight: 1 }],
      ['e.example:80a', { weight: 1 }],
    ],
    peer: { compatibility: 'hash_ring', 'default port': 80 },
    ours: { hash: 'hash_ring', defaultPort: 80 },
  },
];

for (const set of KETAMA_SETS) {
  test(`ketama owners equal npm hashring 3.2.0: ${set.label}`, () => {
    const spec = Object.fromEntries(set.servers.map(([n, o]) => [n, o]));
    const peer = new HashRingPeer(spec, 'md5', { 'max cache size': 1, ...set.peer });
    const ring = new HashRing(set.ours);
    ring.addMany(set.servers);
    const keys = randomKeys(set.keys, 0x9e3779b9 ^ set.keys ^ set.servers.length);
    const ours = ring.getMany(keys);
    for (let i = 0; i < keys.length; i++) {
      if (ours[i] !== peer.get(keys[i])) assert.fail(`key ${JSON.stringify(keys[i])}: ${ours[i]} != ${peer.get(keys[i])}`);
    }
    for (let i = 0; i < 2000; i += 7) assert.equal(ring.get(keys[i]), ours[i]);
    // hashring's range(key, 3) is the same walk as getN.
    for (let i = 0; i < 500; i++) assert.deepEqual(ring.getN(keys[i], 3), peer.range(keys[i], 3));
    ring.free();
  });
}

test('ketama: adding and removing weighted servers keeps matching hashring', () => {
  const servers = { 'a.example:11211': { weight: 1 }, 'b.example:11211': { weight: 2 }, 'c.example:11211': { weight: 3 } };
  const peer = new HashRingPeer(servers, 'md5', { 'max cache size': 1 });
  const ring = new HashRing({ hash: 'ketama' });
  ring.addMany(Object.entries(servers));
  peer.add({ 'd.example:11211': { weight: 2.5 } });
  ring.add('d.example:11211', { weight: 2.5 });
  peer.remove('b.example:11211');
  ring.remove('b.example:11211');
  const keys = randomKeys(20_000, 77);
  const ours = ring.getMany(keys);
  keys.forEach((k, i) => { if (ours[i] !== peer.get(k)) assert.fail(`key ${k}`); });
  ring.free();
});

// ---- seed: the guide's ring, committed vectors -------------------------------

test('seed mode reproduces the committed guide vectors, collisions included', () => {
  const text = readFileSync(new URL('../testdata/ring/seed_vectors.txt', import.meta.url), 'utf8');
  let ring;
  let checked = 0;
  for (const line of text.split('\n')) {
    const [kind, a, ...rest] = line.split(' ');
    if (kind === 'set') {
      ring?.free();
      ring = new HashRing({ hash: 'seed', vnodes: Number(a) });
      for (const n of rest) ring.add(n);
    } else if (kind === 'key') {
      const key = Buffer.from(a, 'hex').toString('utf8');
      assert.equal(ring.get(key), rest[0], `key ${JSON.stringify(key)}`);
      assert.equal(ring.get(Buffer.from(a, 'hex')), rest[0]);
      checked++;
    }
  }
  ring.free();
  assert.equal(checked, 2000);
});

test('seed mode: the shared point of "a"+"10" and "a1"+"0" goes back to "a" when "a1" leaves', () => {
  const ring = new HashRing({ hash: 'seed', vnodes: 12 });
  ring.add('a').add('a1').add('b');
  assert.equal(ring.get('a10'), 'a1');
  ring.remove('a1');
  assert.equal(ring.get('a10'), 'a');
  ring.free();
});

// ---- behaviour ---------------------------------------------------------------

const MODES = ['seed', 'ketama', 'hash_ring', 'libketama', 'xxh64', 'xxh3'];

test('getMany equals get for every mode and every algorithm', () => {
  const keys = [...randomKeys(3000, 5), '', '日本語', utf8('bytes key'), new Uint8Array(0)];
  const nodes = Array.from({ length: 9 }, (_, i) => `node-${i}`);
  for (const hash of MODES) {
    const ring = new HashRing({ hash });
    ring.addMany(nodes);
    assert.deepEqual(ring.getMany(keys), keys.map((k) => ring.get(k)), hash);
    assert.deepEqual(ring.getMany([]), []);
    ring.free();
  }
  const hrw = new Rendezvous();
  const mag = new Maglev({ tableSize: 4099 });
  nodes.forEach((n, i) => hrw.add(n, { weight: 1 + (i % 3) }));
  mag.addMany(nodes);
  for (const alg of [hrw, mag]) assert.deepEqual(alg.getMany(keys), keys.map((k) => alg.get(k)));
  assert.deepEqual(Array.from(jumpHashMany(keys, 77)), keys.map((k) => jumpHash(k, 77)));
  const b1 = new BoundedLoadRing({ epsilon: 0.1 });
  const b2 = new BoundedLoadRing({ epsilon: 0.1 });
  for (const n of nodes) { b1.add(n); b2.add(n); }
  assert.deepEqual(b1.assignMany(keys), keys.map((k) => b2.assign(k)));
  for (const x of [hrw, mag, b1, b2]) x.free();
});

test('Unicode: a string key and its UTF-8 bytes have the same owner; byte node names work', () => {
  const ring = new HashRing({ hash: 'xxh64' });
  ring.addMany(['東京', 'café', '🙂', 'plain']);
  for (const k of ['日本', 'naïve', '😀x', 'a😀b', '\u0000', 'x'.repeat(200), 'é'.repeat(100), '\ud800']) {
    assert.equal(ring.get(k), ring.get(new TextEncoder().encode(k)), JSON.stringify(k));
  }
  assert.ok(ring.has('東京') && ring.has(utf8('東京')));
  const bytesRing = new HashRing({ hash: 'seed' });
  const a = utf8('node-a');
  const b = new Uint8Array([0xff, 0x00, 0x01]);
  bytesRing.add(a).add(b);
  const owner = bytesRing.get('k');
  assert.ok(owner === a || owner === b, 'returns the node object that was added');
  // A byte name hashes like the equal string.
  const strRing = new HashRing({ hash: 'seed' });
  strRing.add('node-a').add(b);
  for (const k of randomKeys(200, 3)) {
    const x = bytesRing.get(k);
    const y = strRing.get(k);
    assert.equal(x === a ? 'node-a' : x, y);
  }
  for (const r of [ring, bytesRing, strRing]) r.free();
});

test('getN returns n distinct nodes, starting with get', () => {
  const ring = new HashRing({ hash: 'seed', vnodes: 50 });
  ring.addMany(['a', 'b', 'c', 'd', 'e']);
  for (const k of randomKeys(500, 11)) {
    for (const n of [0, 1, 3, 5]) {
      const list = ring.getN(k, n);
      assert.equal(list.length, n);
      assert.equal(new Set(list).size, n);
      if (n > 0) assert.equal(list[0], ring.get(k));
    }
  }
  const hrw = new Rendezvous();
  ['a', 'b', 'c'].forEach((n) => hrw.add(n));
  const l = hrw.getN('k', 3);
  assert.equal(new Set(l).size, 3);
  assert.equal(l[0], hrw.get('k'));
  ring.free();
  hrw.free();
});

test('nodes, size, has, remove; indices are reused', () => {
  const ring = new HashRing();
  ring.add('a').add('b').add('c');
  assert.deepEqual(ring.nodes(), ['a', 'b', 'c']);
  assert.equal(ring.remove('b'), true);
  assert.equal(ring.remove('b'), false);
  assert.equal(ring.size, 2);
  ring.add('d');
  assert.deepEqual(ring.nodes(), ['a', 'c', 'd']);
  assert.ok(ring.has('d') && !ring.has('b'));
  for (const k of randomKeys(300, 8)) assert.ok(['a', 'c', 'd'].includes(ring.get(k)));
  ring.free();
});

test('points() are views over wasm memory: sorted, one owner each, vnodes per node', () => {
  for (const [hash, perNode, Arr] of [['seed', 100, Uint32Array], ['xxh3', 100, BigUint64Array], ['ketama', 160, Uint32Array]]) {
    const ring = new HashRing({ hash });
    ring.addMany(['a', 'b', ['c', { weight: 2 }]]);
    const { positions, owners, bits, names } = ring.points();
    assert.ok(positions instanceof Arr);
    assert.equal(bits, Arr === Uint32Array ? 32 : 64);
    assert.equal(positions.length, owners.length);
    for (let i = 1; i < positions.length; i++) assert.ok(positions[i - 1] <= positions[i]);
    const counts = new Map();
    for (const o of owners) counts.set(names[o], (counts.get(names[o]) ?? 0) + 1);
    if (hash !== 'ketama') {
      assert.deepEqual([counts.get('a'), counts.get('b'), counts.get('c')], [perNode, perNode, 2 * perNode]);
    } else {
      assert.equal(counts.get('a') + counts.get('b') + counts.get('c'), owners.length);
    }
    // The view reads wasm memory directly: it is not a copy.
    assert.equal(positions.buffer, owners.buffer);
    ring.free();
  }
});

test('stats: arc shares sum to 1, sample shares follow the keys; balance of 64-bit vs crc32', () => {
  const nodes = Array.from({ length: 100 }, (_, i) => `node-${i}`);
  const seed = new HashRing({ hash: 'seed' });
  const x = new HashRing({ hash: 'xxh64' });
  seed.addMany(nodes);
  x.addMany(nodes);
  const keys = randomKeys(20_000, 99);
  const s = x.stats(keys);
  assert.equal(s.nodes.length, 100);
  assert.ok(Math.abs(s.nodes.reduce((t, n) => t + n.arcShare, 0) - 1) < 1e-9);
  assert.ok(Math.abs(s.nodes.reduce((t, n) => t + n.sampleShare, 0) - 1) < 1e-9);
  assert.equal(s.arc.nodes, 100);
  assert.ok(Math.abs(s.arc.mean - 0.01) < 1e-12);
  assert.ok(s.arc.peakToMean < 1.5, `xxh64 peak/mean ${s.arc.peakToMean}`);
  assert.ok(seed.stats().arc.peakToMean > s.arc.peakToMean, 'crc32 balances worse');
  assert.equal(s.nodes[0].points, 100);
  assert.equal(x.stats().sample, undefined);
  seed.free();
  x.free();
});

test('movement on add goes only to the new node, near 1/(N+1); on remove only from the node', () => {
  const ring = new HashRing({ hash: 'xxh3', vnodes: 200 });
  ring.addMany(Array.from({ length: 9 }, (_, i) => `n${i}`));
  const keys = randomKeys(5000, 4);
  const add = ring.movementOnAdd('n9', { sampleKeys: keys });
  assert.equal(add.idealFraction, 0.1);
  assert.ok(Math.abs(add.movedFraction - 0.1) < 0.03, `${add.movedFraction}`);
  assert.ok(add.arcs.length > 0 && add.arcs.every((a) => a.to === 'n9' && a.from !== 'n9' && a.start < a.end));
  assert.ok(add.keys.moved.every((m) => m.to === 'n9' && keys[m.index] === m.key));
  assert.ok(Math.abs(add.keys.movedFraction - add.movedFraction) < 0.03);
  assert.equal(ring.has('n9'), false, 'a preview does not change the ring');
  // The keys reported as moved are exactly those whose owner changes.
  const before = ring.getMany(keys);
  ring.add('n9');
  const after = ring.getMany(keys);
  const moved = keys.map((_, i) => i).filter((i) => before[i] !== after[i]);
  assert.deepEqual(add.keys.moved.map((m) => m.index), moved);
  const rem = ring.movementOnRemove('n3');
  assert.ok(rem.arcs.every((a) => a.from === 'n3'));
  assert.ok(Math.abs(rem.movedFraction - ring.stats().nodes.find((n) => n.node === 'n3').arcShare) < 1e-9);
  ring.free();
});

/**
 * Naive bounded-load placement for the tests: keys in order from no load, a linear scan for the
 * first point at or after the key, then a walk over the points to the first node under
 * ⌈(1 + ε) m / N⌉ (equal weights, ε in millionths so the ceiling is exact). Each key's owner and
 * the point indices its walk passed.
 */
function naiveBounded(lb, epsilon, keys) {
  const { positions, owners, names } = lb.points();
  const pos = Array.from(positions);
  const own = Array.from(owners);
  const n = lb.size;
  const eps = Math.round(epsilon * 1e6);
  const loads = new Map();
  return keys.map((key, done) => {
    const m = done + 1;
    const cap = Math.ceil((m * (1e6 + eps)) / (n * 1e6));
    const kp = lb.keyPosition(key);
    let start = pos.findIndex((p) => p >= kp);
    if (start < 0) start = 0;
    const points = [];
    for (let s = 0; s < pos.length; s++) {
      const k = (start + s) % pos.length;
      points.push(k);
      const o = names[own[k]];
      if ((loads.get(o) ?? 0) < cap) {
        loads.set(o, (loads.get(o) ?? 0) + 1);
        return { owner: o, points };
      }
    }
    throw new Error('equal weights always leave room');
  });
}

test('BoundedLoadRing.walk: the points passed and the full nodes skipped match a naive walk, key by key', () => {
  for (const [hash, vnodes, epsilon, n] of [['seed', 5, 0.1, 4], ['xxh3', 20, 0.25, 6], ['ketama', 3, 0.05, 3], ['xxh64', 40, 1, 8]]) {
    const lb = new BoundedLoadRing({ hash, vnodes, epsilon });
    for (let i = 0; i < n; i++) lb.add(`node-${i}`);
    const keys = randomKeys(400, 21);
    const want = naiveBounded(lb, epsilon, keys);
    const { owners, names } = lb.points();
    const ownersCopy = owners.slice();
    let skips = 0;
    keys.forEach((key, i) => {
      const w = lb.walk(key);
      assert.equal(w.owner, want[i].owner, `${hash}: owner of ${key}`);
      assert.deepEqual(Array.from(w.points), want[i].points, `${hash}: walk of ${key}`);
      assert.equal(w.position, lb.keyPosition(key));
      assert.equal(w.fraction, Number(w.position) / 2 ** (typeof w.position === 'bigint' ? 64 : 32));
      assert.ok(w.fraction >= 0 && w.fraction < 1);
      // Every point but the last belongs to a skipped node, and skipped lists each once, in order.
      const passed = Array.from(w.points.subarray(0, -1), (k) => names[ownersCopy[k]]);
      assert.deepEqual(w.skipped, [...new Set(passed)]);
      assert.ok(!w.skipped.includes(w.owner));
      assert.equal(w.owner, lb.peek(key));
      assert.equal(lb.assign(key), w.owner);
      // Afterwards, the walk to the owner it was given retraces the same points.
      const again = lb.walk(key, { owner: w.owner });
      assert.deepEqual([Array.from(again.points), again.skipped, again.owner], [Array.from(w.points), w.skipped, w.owner]);
      skips += w.skipped.length;
    });
    if (epsilon < 1) assert.ok(skips > 0, `${hash}: some keys skip a full node`);
    lb.free();
  }
});

test('BoundedLoadRing.movementOnAdd/Remove: the moved keys and cascades equal two naive placements compared', () => {
  let cascades = 0;
  for (const [hash, vnodes, epsilon, n] of [['xxh3', 10, 0.1, 4], ['seed', 20, 0.25, 5], ['xxh64', 8, 0.05, 3]]) {
    const make = (names) => {
      const lb = new BoundedLoadRing({ hash, vnodes, epsilon });
      for (const x of names) lb.add(x);
      return lb;
    };
    const names = Array.from({ length: n }, (_, i) => `node-${i}`);
    const lb = make(names);
    lb.assignMany(['counted', 'before']); // the current loads are not used
    const keys = randomKeys(500, 33);
    const before = naiveBounded(lb, epsilon, keys).map((x) => x.owner);

    const grown = make([...names, 'node-new']);
    const after = naiveBounded(grown, epsilon, keys).map((x) => x.owner);
    const add = lb.movementOnAdd('node-new', { sampleKeys: keys });
    const moved = keys.flatMap((_, i) => (before[i] !== after[i] ? [i] : []));
    assert.deepEqual(add.keys.moved.map((m) => m.index), moved, hash);
    assert.deepEqual(add.keys.moved.map((m) => [m.key, m.from, m.to]), moved.map((i) => [keys[i], before[i], after[i]]));
    assert.equal(add.keys.movedFraction, moved.length / keys.length);
    assert.equal(add.keys.cascaded, moved.filter((i) => after[i] !== 'node-new').length);
    assert.ok(Math.abs(add.idealFraction - 1 / (n + 1)) < 1e-12);
    cascades += add.keys.cascaded;

    const shrunk = make(names.filter((x) => x !== 'node-1'));
    const after2 = naiveBounded(shrunk, epsilon, keys).map((x) => x.owner);
    const rem = lb.movementOnRemove('node-1', { sampleKeys: keys });
    const moved2 = keys.flatMap((_, i) => (before[i] !== after2[i] ? [i] : []));
    assert.deepEqual(rem.keys.moved.map((m) => m.index), moved2);
    assert.ok(rem.keys.moved.every((m) => m.to !== 'node-1'));
    assert.equal(rem.keys.cascaded, rem.keys.moved.filter((m) => m.from !== 'node-1').length);
    assert.ok(Math.abs(rem.idealFraction - 1 / n) < 1e-12);
    cascades += rem.keys.cascaded;
    // Without sample keys: the ideal and the plain ring's figure only.
    const bare = lb.movementOnAdd('node-new');
    assert.equal(bare.keys, undefined);
    assert.equal(bare.arcFraction, add.arcFraction);
    assert.ok(!lb.has('node-new') && lb.has('node-1') && lb.total === 2, 'nothing changed');
    for (const x of [lb, grown, shrunk]) x.free();
  }
  assert.ok(cascades > 0, 'bounded loads cascade somewhere in these cases');
});

test('BoundedLoadRing.movementOnAdd: arcFraction is what the plain ring with the same points moves', () => {
  const lb = new BoundedLoadRing({ hash: 'xxh3', vnodes: 30 });
  const ring = new HashRing({ hash: 'xxh3', vnodes: 30 });
  for (const x of ['a', 'b', 'c']) { lb.add(x); ring.add(x); }
  assert.deepEqual(Array.from(lb.points().positions), Array.from(ring.points().positions));
  assert.equal(lb.movementOnAdd('d', { weight: 2 }).arcFraction, ring.movementOnAdd('d', { weight: 2 }).movedFraction);
  assert.equal(lb.movementOnAdd('d', { weight: 2 }).idealFraction, 0.4);
  assert.equal(lb.movementOnRemove('b').arcFraction, ring.movementOnRemove('b').movedFraction);
  lb.free();
  ring.free();
});

test('BoundedLoadRing keeps peak/mean within 1 + ε; release frees capacity', () => {
  const lb = new BoundedLoadRing({ epsilon: 0.1 });
  for (let i = 0; i < 20; i++) lb.add(`b${i}`);
  lb.assignMany(randomKeys(20_000, 6));
  assert.equal(lb.total, 20_000);
  assert.ok(lb.stats().peakToMean <= 1.1 + 20 / 20_000, `${lb.stats().peakToMean}`);
  const loads = lb.loads();
  assert.equal(loads.reduce((t, l) => t + l.load, 0), 20_000);
  assert.ok(loads.every((l) => l.load <= l.capacity));
  assert.ok(loads.every((l) => l.share === l.load / 20_000), 'share is load over all keys placed');
  assert.equal(new BoundedLoadRing().add('x').loads()[0].share, 0);
  const node = lb.assign('session');
  lb.release(node);
  assert.equal(lb.total, 20_000);
  assert.equal(lb.peek('session'), lb.peek('session'));
  assert.equal(lb.epsilon, 0.1);
  lb.free();
});

test('Maglev table view and balance; jumpHash reproduces the paper', () => {
  const m = new Maglev({ tableSize: 65537 });
  m.addMany(Array.from({ length: 100 }, (_, i) => `b${i}`));
  const t = m.table();
  assert.equal(t.length, 65537);
  assert.ok(m.stats().table.peakToMean < 1.01);
  assert.equal(m.nodeAt(t[123]), m.nodes().find((_, i) => i === t[123]));
  m.free();
  for (const [key, buckets, want] of [[1n, 1, 0], [42n, 57, 43], [0xdead10ccn, 666, 361], [256n, 1024, 520],
    [1n, 2147483647, 262355607], [0xffffffffffffffffn, 666, 313], [0x123456789abcdefn, 65536, 33301]]) {
    assert.equal(jumpHash(key, buckets), want);
  }
  assert.equal(jumpHash('user:1', 10), jumpHash(utf8('user:1'), 10));
});

test('keyPosition: the key\'s place in every mode, typed like points(); pointIndex ends the walk at the owner', () => {
  const keys = randomKeys(300, 11);
  for (const hash of ['seed', 'ketama', 'hash_ring', 'libketama', 'xxh64', 'xxh3']) {
    const ring = new HashRing({ hash, vnodes: 16 });
    const bits = hash.startsWith('xxh') ? 64 : 32;
    // The position depends on the key and the mode only: known even on an empty ring.
    const empty = ring.keyPosition('user:1');
    assert.equal(typeof empty, bits === 64 ? 'bigint' : 'number', hash);
    throwsLike(() => ring.pointIndex('user:1'), Error, /^the ring is empty: add a node first$/);
    ring.addMany(['a', 'b', ['c', { weight: 2 }], 'd']);
    const { positions, owners, names } = ring.points();
    const pos = positions.slice();
    const own = owners.slice();
    for (const key of keys) {
      const p = ring.keyPosition(key);
      assert.equal(p, ring.keyPosition(utf8(key)), `${hash}: bytes and string agree`);
      if (bits === 32) assert.ok(Number.isInteger(p) && p >= 0 && p < 2 ** 32);
      else assert.ok(p >= 0n && p < 2n ** 64n);
      const i = ring.pointIndex(key);
      // Naive reference: the first point at or after the position, else the first point.
      let first = pos.findIndex((x) => x >= p);
      if (first < 0) first = 0;
      assert.equal(pos[i], pos[first], `${hash}: ${key} lands on the first point at or after it`);
      assert.equal(names[own[i]], ring.get(key), `${hash}: ${key}: the point's owner is get()`);
    }
    ring.free();
  }
  // The positions are the documented hashes.
  assert.equal(new HashRing({ hash: 'seed' }).keyPosition('123456789'), crc32('123456789'));
  assert.equal(new HashRing({ hash: 'xxh64' }).keyPosition('user:42'), xxh64('user:42'));
  assert.equal(new HashRing({ hash: 'xxh3' }).keyPosition('user:42'), xxh3('user:42'));
  throwsLike(() => new HashRing().keyPosition(42), TypeError, /^key must be a string or Uint8Array/);
  throwsLike(() => new HashRing().pointIndex(null), TypeError, /^key must be a string or Uint8Array/);
});

test('jumpStats counts jumpHashMany\'s answers in wasm, shaped like the other sample stats', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `user:${i}`);
  for (const buckets of [1, 3, 8]) {
    const s = jumpStats(keys, buckets);
    const counts = new Array(buckets).fill(0);
    for (const b of jumpHashMany(keys, buckets)) counts[b]++;
    assert.deepEqual(s.nodes, counts.map((c, b) => ({ node: b, sampleShare: c / keys.length })));
    assert.equal(s.sample.nodes, buckets);
    assert.equal(s.sample.mean, 1 / buckets);
    assert.equal(s.sample.peak, Math.max(...counts) / keys.length);
    assert.ok(Math.abs(s.sample.peakToMean - s.sample.peak * buckets) < 1e-12);
    assert.ok(s.sample.peakToMean < 1.1, `balanced: ${s.sample.peakToMean}`);
  }
  // The same shape as Rendezvous.stats: nodes[].sampleShare and a sample summary.
  const hrw = new Rendezvous().add('a').add('b');
  assert.deepEqual(Object.keys(jumpStats(keys, 2)).sort(), Object.keys(hrw.stats(keys)).sort());
  hrw.free();
  assert.equal(jumpStats([], 2).sample.peak, 0);
  throwsLike(() => jumpStats(keys, 0), RangeError, /^buckets must be an integer in 1\.\.=65536, got 0$/);
  throwsLike(() => jumpStats(keys, 65537), RangeError, /^buckets must be an integer in 1\.\.=65536, got 65537$/);
  throwsLike(() => jumpStats(keys, 2.5), RangeError, /^buckets must be/);
  throwsLike(() => jumpStats(keys, '2'), TypeError, /^buckets must be a number/);
  throwsLike(() => jumpStats('user:1', 2), TypeError, /^keys must be/);
});

test('movementOnAdd/Remove for Rendezvous and Maglev, jumpMovement: ideal share, moved keys against a naive count', () => {
  const keys = randomKeys(4000, 5);
  /** Naive reference: owners before and after, compared key by key. */
  const naive = (before, after) => {
    const moved = [];
    before.forEach((b, i) => { if (b !== after[i]) moved.push({ index: i, key: keys[i], from: b, to: after[i] }); });
    return { movedFraction: moved.length / keys.length, moved };
  };

  const hrw = new Rendezvous().add('a').add('b', { weight: 2 }).add('c');
  const before = hrw.getMany(keys);
  const add = hrw.movementOnAdd('d', { weight: 1, sampleKeys: keys });
  assert.equal(add.idealFraction, 1 / 5);
  assert.equal(add.tableFraction, undefined);
  const grown = new Rendezvous().add('a').add('b', { weight: 2 }).add('c').add('d');
  assert.deepEqual(add.keys, naive(before, grown.getMany(keys)));
  assert.ok(add.keys.moved.every((m) => m.to === 'd'), 'keys move only to the new node');
  assert.ok(Math.abs(add.keys.movedFraction - 0.2) < 0.03, `${add.keys.movedFraction}`);
  assert.equal(hrw.size, 3, 'nothing was added');
  const rem = hrw.movementOnRemove('b', { sampleKeys: keys });
  assert.equal(rem.idealFraction, 2 / 4);
  assert.ok(rem.keys.moved.every((m) => m.from === 'b'));
  assert.equal(hrw.movementOnRemove('b').keys, undefined);
  throwsLike(() => hrw.movementOnRemove('zz'), RangeError, /^node must be a name in the set, got 'zz'$/);
  throwsLike(() => hrw.movementOnAdd('a'), RangeError, /^node/);
  throwsLike(() => new Rendezvous().movementOnAdd('a', { sampleKeys: keys }), Error, /ring is empty/);
  grown.free();
  hrw.free();

  const m = new Maglev({ tableSize: 4099 });
  m.addMany(['lb-1', 'lb-2', 'lb-3']);
  const mb = m.getMany(keys);
  const madd = m.movementOnAdd('lb-4', { sampleKeys: keys });
  assert.equal(madd.idealFraction, 1 / 4);
  assert.ok(madd.tableFraction > 0.24 && madd.tableFraction < 0.3, `table ${madd.tableFraction}`);
  const after = new Maglev({ tableSize: 4099 });
  after.addMany(['lb-1', 'lb-2', 'lb-3', 'lb-4']);
  assert.deepEqual(madd.keys, naive(mb, after.getMany(keys)));
  const t0 = m.table().slice();
  const t1 = after.table();
  let changed = 0;
  for (let i = 0; i < t0.length; i++) if (t0[i] !== t1[i]) changed++;
  assert.equal(madd.tableFraction, changed / t0.length, 'table fraction is exact');
  const mrem = m.movementOnRemove('lb-2', { sampleKeys: keys });
  assert.equal(mrem.idealFraction, 1 / 3);
  assert.ok(mrem.keys.moved.some((k) => k.from === 'lb-2'));
  throwsLike(() => m.movementOnRemove('nope'), RangeError, /^node must be a name in the set/);
  const one = new Maglev({ tableSize: 251 }).add('x');
  throwsLike(() => one.movementOnRemove('x'), Error, /ring is empty/);
  for (const x of [m, after, one]) x.free();

  const jb = jumpHashMany(keys, 4);
  const jm = jumpMovement(keys, 4, 5);
  assert.equal(jm.idealFraction, 0.2);
  assert.deepEqual(jm.keys, naive(Array.from(jb), Array.from(jumpHashMany(keys, 5))));
  assert.ok(jm.keys.moved.every((k) => k.to === 4));
  assert.equal(jumpMovement(keys, 5, 4).keys.movedFraction, jm.keys.movedFraction);
  throwsLike(() => jumpMovement(keys, 0, 4), RangeError, /^from must be an integer in 1\.\.=4294967295, got 0$/);
  throwsLike(() => jumpMovement(keys, 4, 1.5), RangeError, /^to must be an integer/);
  throwsLike(() => jumpMovement(keys, 4, '5'), TypeError, /^to must be a number/);
});

// ---- errors --------------------------------------------------------------------

function throwsLike(fn, Cls, re) {
  assert.throws(fn, (e) => e instanceof Cls && re.test(e.message), `${Cls.name} ${re}`);
}

test('bad arguments: clear errors, and the module keeps working', () => {
  const empty = new HashRing();
  throwsLike(() => empty.get('k'), Error, /^the ring is empty: add a node first$/);
  throwsLike(() => empty.getMany(['k']), Error, /ring is empty/);
  throwsLike(() => empty.getN('k', 1), Error, /ring is empty/);
  assert.deepEqual(empty.getMany([]), []);
  throwsLike(() => new HashRing({ vnodes: 0 }), RangeError, /^vnodes must be an integer in 1\.\.=10000, got 0$/);
  throwsLike(() => new HashRing({ vnodes: 1e9 }), RangeError, /^vnodes must be an integer in 1\.\.=10000, got 1000000000$/);
  throwsLike(() => new HashRing({ vnodes: 2.5 }), RangeError, /^vnodes must be an integer/);
  throwsLike(() => new HashRing({ vnodes: '100' }), TypeError, /^vnodes must be a number, got "100"$/);
  throwsLike(() => new HashRing({ hash: 'sha1' }), RangeError, /^hash must be one of 'seed', 'ketama'.*got 'sha1'$/);
  throwsLike(() => new HashRing({ hash: 5 }), TypeError, /^hash must be one of/);
  throwsLike(() => new HashRing({ hash: 'seed', defaultPort: 11211 }), RangeError, /^defaultPort must be used with hash 'ketama'/);
  throwsLike(() => new HashRing({ hash: 'ketama', defaultPort: 70000 }), RangeError, /^defaultPort must be an integer in 0\.\.=65535/);
  throwsLike(() => new HashRing(42), TypeError, /^options must be an options object, got 42$/);
  const ring = new HashRing();
  throwsLike(() => ring.add(42), TypeError, /^node must be a string or Uint8Array, got 42$/);
  throwsLike(() => ring.add('a', { weight: 0 }), RangeError, /^weight must be a finite number > 0, got 0$/);
  throwsLike(() => ring.add('a', { weight: NaN }), RangeError, /^weight must be a finite number > 0, got NaN$/);
  throwsLike(() => ring.add('a', { weight: '2' }), TypeError, /^weight must be a number, got "2"$/);
  throwsLike(() => ring.add('a', { weight: 1000 }), RangeError, /^weight must be at most 10000 \/ vnodes/);
  throwsLike(() => ring.add('a', { vnodes: 0 }), RangeError, /^vnodes must be an integer in 1\.\.=10000, got 0$/);
  throwsLike(() => ring.add('a', 'heavy'), TypeError, /^options must be an options object/);
  ring.add('a');
  throwsLike(() => ring.add('a'), RangeError, /^node must be a name not already on the ring, got 'a'$/);
  throwsLike(() => ring.addMany(['b', 'b']), RangeError, /^node must be a name not already on the ring, got 'b'$/);
  throwsLike(() => ring.addMany('b'), TypeError, /^nodes must be an array/);
  assert.equal(ring.size, 1, 'a failed addMany adds nothing');
  throwsLike(() => ring.get(42), TypeError, /^key must be a string or Uint8Array, got 42$/);
  throwsLike(() => ring.get(null), TypeError, /^key must be a string or Uint8Array, got null$/);
  throwsLike(() => ring.getMany('abc'), TypeError, /^keys must be an array of strings or Uint8Arrays/);
  throwsLike(() => ring.getMany(['a', 7]), TypeError, /^keys must be a string or Uint8Array, got 7$/);
  throwsLike(() => ring.getN('k', 2), RangeError, /^n must be at most the node count \(1\), got 2$/);
  throwsLike(() => ring.getN('k', -1), RangeError, /^n must be an integer in 0\.\.=4294967295, got -1$/);
  throwsLike(() => ring.getN('k', '1'), TypeError, /^n must be a number/);
  throwsLike(() => ring.stats('abc'), TypeError, /^sampleKeys must be an array/);
  throwsLike(() => ring.movementOnRemove('zzz'), RangeError, /^node must be a name on the ring, got 'zzz'$/);
  throwsLike(() => ring.movementOnRemove('a'), Error, /ring is empty/);
  throwsLike(() => ring.movementOnAdd('a'), RangeError, /already on the ring/);
  throwsLike(() => new BoundedLoadRing({ epsilon: 0 }), RangeError, /^epsilon must be a number in \[0\.000001, 1000000\], got 0$/);
  throwsLike(() => new BoundedLoadRing({ epsilon: 'x' }), TypeError, /^epsilon must be a number/);
  const lb = new BoundedLoadRing();
  throwsLike(() => lb.assign('k'), Error, /ring is empty/);
  lb.add('x');
  throwsLike(() => lb.release('x'), RangeError, /^node must be the index of a node with assigned keys/);
  throwsLike(() => lb.release('y'), RangeError, /^node must be a name on the ring, got 'y'$/);
  throwsLike(() => lb.walk('k', { owner: 'y' }), RangeError, /^owner must be a name on the ring, got 'y'$/);
  throwsLike(() => lb.walk('k', { owner: 7 }), TypeError, /^owner must be a string or Uint8Array, got 7$/);
  throwsLike(() => lb.walk(7), TypeError, /^key must be a string or Uint8Array, got 7$/);
  throwsLike(() => lb.movementOnRemove('y'), RangeError, /^node must be a name on the ring, got 'y'$/);
  throwsLike(() => lb.movementOnRemove('x'), Error, /ring is empty/);
  throwsLike(() => lb.movementOnAdd('x'), RangeError, /already on the ring/);
  throwsLike(() => lb.movementOnAdd('z', { weight: 0 }), RangeError, /^weight must be a finite number > 0, got 0$/);
  throwsLike(() => lb.movementOnAdd('z', { sampleKeys: 'abc' }), TypeError, /^sampleKeys must be an array/);
  throwsLike(() => new BoundedLoadRing().walk('k'), Error, /ring is empty/);
  throwsLike(() => new BoundedLoadRing().movementOnAdd('a'), Error, /ring is empty/);
  throwsLike(() => new Maglev({ tableSize: 100 }), RangeError, /^tableSize must be a prime in 3\.\.=16777216, got 100$/);
  throwsLike(() => new Maglev({ tableSize: 2 ** 40 }), RangeError, /^tableSize must be an integer in 3\.\.=16777216/);
  const small = new Maglev({ tableSize: 3 });
  small.add('a').add('b');
  throwsLike(() => small.add('c'), RangeError, /^tableSize must be larger than the node count, got 3 for 3 nodes$/);
  throwsLike(() => new Maglev().get('k'), Error, /ring is empty/);
  throwsLike(() => new Rendezvous().get('k'), Error, /ring is empty/);
  throwsLike(() => new Rendezvous().add('a', { weight: -1 }), RangeError, /^weight must be a finite number > 0, got -1$/);
  throwsLike(() => jumpHash('k', 0), RangeError, /^buckets must be an integer in 1\.\.=4294967295, got 0$/);
  throwsLike(() => jumpHash('k', 2 ** 32), RangeError, /^buckets must be an integer/);
  throwsLike(() => jumpHash('k', '3'), TypeError, /^buckets must be a number/);
  throwsLike(() => jumpHash(-1n, 3), RangeError, /^key must be a bigint in 0\.\.=2\^64-1, got -1n$/);
  throwsLike(() => jumpHash(3, 3), TypeError, /^key must be a string or Uint8Array, got 3$/);
  throwsLike(() => jumpHashMany(['a'], 0), RangeError, /^buckets must be/);
  // Still working.
  assert.equal(ring.get('k'), 'a');
  assert.equal(crc32('123456789'), 0xcbf43926);
  for (const x of [empty, ring, lb, small]) x.free();
});

test('free(): later calls throw a clear error; free twice is harmless; Symbol.dispose frees', () => {
  for (const make of [() => new HashRing().add('a'), () => new BoundedLoadRing().add('a'), () => new Rendezvous().add('a'), () => new Maglev().add('a')]) {
    const x = make();
    assert.equal(typeof x.get === 'function' ? x.get('k') : x.assign('k'), 'a');
    x.free();
    assert.throws(() => (x.get ? x.get('k') : x.assign('k')), /was freed; create a new one/);
    x.free();
    const y = make();
    y[Symbol.dispose]();
    assert.throws(() => y.nodes(), /was freed/);
  }
});

test('many rings: memory is reused after free', () => {
  for (let i = 0; i < 200; i++) {
    const r = new HashRing({ vnodes: 1000 });
    r.addMany(Array.from({ length: 10 }, (_, j) => `n${j}`));
    assert.equal(r.points().owners.length, 10_000);
    r.free();
  }
});
