// node:test tier for BlockedBloomFilter, against the built package imported by
// name: the hashing contract (block and bit positions recomputed here from
// XXH3-64 and SplitMix64), sizing and the measured false-positive rate, the
// batch calls, the byte format (round trips, and every kind of bad input
// refused with a RangeError naming the parameter), union/intersect, free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockedBloomFilter, BloomFilter, xxh3 } from 'quorumkit';

const M64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
function mix64(h) {
  let z = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/** The positions the format documents: block from the hash's high half, bits from SplitMix64. */
function documentedPositions(key, blocks, k) {
  const h = xxh3(key);
  const block = Number(((h >> 32n) * BigInt(blocks)) >> 32n);
  const out = [];
  let state = h;
  let fields = 0n;
  let left = 0;
  for (let i = 0; i < k; i++) {
    if (left === 0) {
      state = mix64((state + GOLDEN) & M64);
      fields = state;
      left = 7;
    }
    out.push(block * 512 + Number(fields & 511n));
    fields >>= 9n;
    left--;
  }
  return out;
}

/** Asserts that `fn` throws exactly `Class` with a message matching `re`. */
function throwsExactly(fn, Class, re) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor, Class, `${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('blocked: positions follow the documented hashing, all in one 512-bit block', () => {
  const f = new BlockedBloomFilter(512 * 37, 20);
  assert.equal(f.blocks, 37);
  for (const key of ['', 'alice', 'user:42', new Uint8Array([0xff, 0, 0x10]), 'ключ']) {
    const p = [...f.positions(key)];
    assert.deepEqual(p, documentedPositions(key, 37, 20));
    assert.ok(p.every((b) => Math.floor(b / 512) === Math.floor(p[0] / 512)));
  }
  f.free();
});

test('blocked: withRate sizes for the blocked formula and measures the rate asked for', () => {
  for (const [p, bitsPerKey, k] of [[0.01, 9.9, 6], [0.001, 15.5, 9], [0.05, 6.3, 4]]) {
    const n = 20_000;
    const f = BlockedBloomFilter.withRate(n, p);
    assert.equal(f.size % 512, 0);
    assert.equal(f.hashes, k);
    assert.ok(Math.abs(f.size / n - bitsPerKey) < 0.2, `${f.size / n} bits per key at p=${p}`);
    const keys = Array.from({ length: n }, (_, i) => `user:${i}`);
    const fresh = f.addMany(keys); // a key already answered 'possibly present' is not new
    assert.ok(fresh <= n && fresh >= n * (1 - p), `${fresh} new`);
    assert.ok(f.hasMany(keys).every((b) => b === 1), 'no false negatives');
    const queries = Math.min(400_000, Math.round(2000 / p));
    const absent = Array.from({ length: queries }, (_, i) => `absent:${i}`);
    const hits = f.hasMany(absent).reduce((a, b) => a + b, 0);
    const measured = hits / queries;
    assert.ok(Math.abs(measured - p) / p <= 0.15, `measured ${measured} at p=${p}`);
    assert.ok(Math.abs(f.estimatedCount() - n) / n < 0.03, `estimated ${f.estimatedCount()}`);
    assert.ok(Math.abs(f.estimatedFpRate() - p) / p < 0.25, `estimated fp ${f.estimatedFpRate()}`);
    f.free();
  }
});

test('blocked: per-key and batch calls agree, and report what was new', () => {
  const one = BlockedBloomFilter.withRate(1000, 0.01);
  const many = BlockedBloomFilter.withRate(1000, 0.01);
  const keys = Array.from({ length: 500 }, (_, i) => (i % 2 ? `k${i}` : new TextEncoder().encode(`b${i}`)));
  let fresh = 0;
  for (const k of keys) fresh += one.add(k) ? 1 : 0;
  assert.equal(many.addMany(keys), fresh);
  assert.deepEqual(one.toBytes(), many.toBytes());
  assert.equal(one.add('k1'), false);
  const probes = [...keys.slice(0, 50), ...Array.from({ length: 50 }, (_, i) => `zz${i}`)];
  assert.deepEqual([...many.hasMany(probes)], probes.map((k) => (one.has(k) ? 1 : 0)));
  assert.equal(one.countOnes(), many.countOnes());
  assert.equal(one.fillRatio(), one.countOnes() / one.size);
  assert.ok(one.bits.length === one.byteLength && one.byteLength === one.size / 8);
  for (const b of one.positions('k1')) assert.equal((one.bits[b >> 3] >> (b & 7)) & 1, 1);
  one.clear();
  assert.equal(one.countOnes(), 0);
  throwsExactly(() => one.add(42), TypeError, /^key must be/);
  throwsExactly(() => one.addMany('abc'), TypeError, /keys/);
  one.free();
  many.free();
});

test('blocked: bytes and base64 round trip exactly, and load in a fresh filter', () => {
  const f = BlockedBloomFilter.withRate(2000, 0.01);
  f.addMany(['alice', 'bob', 'carol']);
  const bytes = f.toBytes();
  assert.deepEqual([...bytes.subarray(0, 8)], [0x51, 0x4b, 0x42, 0x46, 1, 5, 3, 0]); // QKBF, v1, kind 5, hash 3
  assert.equal(bytes.length, 8 + 16 + f.size / 8 + 4);
  const g = BlockedBloomFilter.fromBytes(bytes);
  assert.deepEqual(g.toBytes(), bytes);
  assert.equal(g.hashes, f.hashes);
  assert.ok(g.has('alice') && g.has('carol'));
  const text = f.toBase64();
  const h = BlockedBloomFilter.fromBase64(text);
  assert.equal(h.toBase64(), text);
  const c = f.clone();
  c.add('dave');
  assert.ok(!f.has('dave') || f.has('dave') === BlockedBloomFilter.fromBytes(bytes).has('dave'));
  for (const x of [f, g, h, c]) x.free();
});

test('blocked: truncated, oversized, corrupt and mismatched input is a RangeError naming the parameter', () => {
  const f = new BlockedBloomFilter(1024, 5);
  f.add('x');
  const good = f.toBytes();
  const cases = {
    truncated: good.subarray(0, good.length - 1),
    'header only': good.subarray(0, 8),
    empty: new Uint8Array(0),
    oversized: Uint8Array.of(...good, 0),
    'bad magic': Uint8Array.from(good, (b, i) => (i === 0 ? 0x52 : b)),
    'version 2': Uint8Array.from(good, (b, i) => (i === 4 ? 2 : b)),
    'classic kind': new BloomFilter(1024, 5).toBytes(),
    'flipped payload bit': Uint8Array.from(good, (b, i) => (i === 40 ? b ^ 1 : b)),
    'flipped checksum': Uint8Array.from(good, (b, i) => (i === good.length - 1 ? b ^ 0x80 : b)),
  };
  for (const [what, bytes] of Object.entries(cases)) {
    throwsExactly(() => BlockedBloomFilter.fromBytes(bytes), RangeError, /^bytes must be a BlockedBloomFilter/);
    assert.ok(what);
  }
  throwsExactly(() => BlockedBloomFilter.fromBytes(new Uint8Array(2 ** 29 + 8193)), RangeError, /^bytes must be.*oversized/);
  throwsExactly(() => BlockedBloomFilter.fromBase64('not base64!'), RangeError, /^text must be base64 of a BlockedBloomFilter.*base64 is invalid/);
  throwsExactly(() => BlockedBloomFilter.fromBase64(new BloomFilter(64, 3).toBase64()), RangeError, /^text must be.*kind/);
  throwsExactly(() => BlockedBloomFilter.fromBytes('QKBF'), TypeError, /^bytes must be a Uint8Array/);
  throwsExactly(() => BlockedBloomFilter.fromBase64(7), TypeError, /^text must be/);
  // The module keeps working.
  assert.deepEqual(BlockedBloomFilter.fromBytes(good).toBytes(), good);
  f.free();
});

test('blocked: sizes and parameters out of range are refused, naming them', () => {
  throwsExactly(() => new BlockedBloomFilter(1000, 7), RangeError, /^bits must be a positive multiple of 512/);
  throwsExactly(() => new BlockedBloomFilter(0, 7), RangeError, /^bits must be/);
  throwsExactly(() => new BlockedBloomFilter(512, 0), RangeError, /^hashes must be/);
  throwsExactly(() => new BlockedBloomFilter(512, 65), RangeError, /^hashes must be/);
  throwsExactly(() => new BlockedBloomFilter('512', 7), TypeError, /^bits must be a number/);
  throwsExactly(() => BlockedBloomFilter.withRate(0, 0.01), RangeError, /^expectedItems must be/);
  throwsExactly(() => BlockedBloomFilter.withRate(100, 1), RangeError, /^fpRate must be/);
  throwsExactly(() => BlockedBloomFilter.withRate(2 ** 40, 0.01), RangeError, /^expectedItems must be/);
});

test('blocked: union and intersect, with the same parameters only', () => {
  const a = new BlockedBloomFilter(2048, 6);
  const b = new BlockedBloomFilter(2048, 6);
  a.add('a');
  b.add('b');
  a.union(b);
  assert.ok(a.has('a') && a.has('b'));
  a.intersect(b);
  assert.ok(a.has('b'));
  throwsExactly(() => a.union(new BlockedBloomFilter(2048, 5)), RangeError, /^other must be/);
  throwsExactly(() => a.union(new BlockedBloomFilter(1024, 6)), RangeError, /^other must be/);
  throwsExactly(() => a.union(new BloomFilter(2048, 6)), TypeError, /^other must be a BlockedBloomFilter/);
  assert.equal(a.union(a), a);
  a.free();
  b.free();
});

test('blocked: free and Symbol.dispose release it; later calls throw a clear error', () => {
  const f = BlockedBloomFilter.withRate(100, 0.01);
  f.free();
  throwsExactly(() => f.has('x'), Error, /^BlockedBloomFilter was freed/);
  f.free(); // twice is harmless
  const g = BlockedBloomFilter.withRate(100, 0.01);
  g.add('x');
  g[Symbol.dispose]();
  throwsExactly(() => g.add('x'), Error, /^BlockedBloomFilter was freed/);
});
