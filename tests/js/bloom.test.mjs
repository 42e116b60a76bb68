// node:test tier for the Bloom filters, against the built package imported by
// name. The fixtures prove the byte format both ways:
// - tests/testdata/bloom/*_v1.bin are written by Rust (tests/bloom_format.rs);
//   JS loads them, answers every probe exactly and writes identical bytes back;
// - tests/testdata/bloom/js_*_v1.bin are written here from js_v1_keys.txt and
//   checked natively by tests/bloom_js_fixture.rs. `QUORUMKIT_BLESS=1` rewrites
//   them (after an intended format change, which must also bump the version).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BlockedBloomFilter, BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter, crc32,
} from 'quorumkit';

const dir = fileURLToPath(new URL('../testdata/bloom/', import.meta.url));
const read = (name) => new Uint8Array(readFileSync(dir + name));
const lines = (name) => readFileSync(dir + name, 'utf8').split('\n').filter((l) => l !== '');
const utf8 = (s) => new TextEncoder().encode(s);
const BLESS = process.env.QUORUMKIT_BLESS === '1';

const VARIANTS = [
  { name: 'BloomFilter', C: BloomFilter, file: 'native_v1.bin', js: 'js_v1.bin', make: () => BloomFilter.withRate(1000, 0.01) },
  { name: 'CountingBloomFilter', C: CountingBloomFilter, file: 'counting_v1.bin', js: 'js_counting_v1.bin', make: () => CountingBloomFilter.withRate(1000, 0.01) },
  { name: 'ScalableBloomFilter', C: ScalableBloomFilter, file: 'scalable_v1.bin', js: 'js_scalable_v1.bin', make: () => new ScalableBloomFilter(200, 0.01) },
  { name: 'SplitBlockBloomFilter', C: SplitBlockBloomFilter, file: 'split_block_v1.bin', js: 'js_split_block_v1.bin', make: () => SplitBlockBloomFilter.withRate(1000, 0.01) },
];

/**
 * Filters JS writes for the native side to check byte for byte. The blocked
 * filter takes half its keys one call each and half as one batch, so the
 * per-key and the batch paths of the wasm module must both agree with the
 * native one.
 */
const JS_FIXTURES = [
  ...VARIANTS.map(({ name, js, make }) => ({ name, js, make, fill: (f, keys) => { for (const k of keys) f.add(k); } })),
  {
    name: 'BlockedBloomFilter',
    js: 'js_blocked_v1.bin',
    make: () => BlockedBloomFilter.withRate(1000, 0.01),
    fill: (f, keys) => {
      for (const k of keys.slice(0, 500)) f.add(k);
      f.addMany(keys.slice(500));
    },
  },
];

/** Asserts that `fn` throws exactly `Class` (not a subclass) with a message matching `re`. */
function throwsExactly(fn, Class, re) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor, Class, `${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

/** The module still works: a fresh filter answers correctly. */
function stillWorks() {
  const f = BloomFilter.withRate(10, 0.01);
  f.add('ok');
  assert.ok(f.has('ok'));
  assert.equal(crc32('123456789'), 0xcbf43926);
  f.free();
}

/** Rewrites the trailing CRC-32 of a serialization after an edit, so the edit itself is judged. */
function fixCrc(bytes) {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.length).setUint32(bytes.length - 4, crc32(bytes.subarray(0, -4)), true);
  return bytes;
}

/** Sets the little-endian u64 at `at` (a bigint). */
function putU64(bytes, at, v) {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.length).setBigUint64(at, v, true);
}

test('JS loads the Rust-written fixture and answers every probe exactly', () => {
  const bytes = read('native_v1.bin');
  const f = BloomFilter.fromBytes(bytes);
  assert.equal(f.size, 9586);
  assert.equal(f.hashes, 7);
  const keys = lines('native_v1_keys.txt');
  assert.equal(keys.length, 1000);
  for (const k of keys) assert.ok(f.has(k), k);
  assert.ok(f.hasMany(keys).every((b) => b === 1));
  const probes = lines('native_v1_probes.txt').map((l) => l.split('\t'));
  assert.equal(probes.length, 500);
  let positives = 0;
  for (const [k, want] of probes) {
    assert.equal(f.has(k), want === '1', k);
    positives += Number(want);
  }
  assert.ok(positives > 0, 'the probe list includes false positives');
  assert.deepEqual([...f.hasMany(probes.map(([k]) => k))], probes.map(([, w]) => Number(w)));
  // JS writes back exactly the bytes Rust wrote.
  assert.deepEqual(f.toBytes(), bytes);
  assert.ok(Math.abs(f.estimatedCount() - 1000) < 50, `${f.estimatedCount()}`);
  f.free();
});

test('JS loads every Rust-written variant, and writes identical bytes', () => {
  const keys = lines('native_v1_keys.txt');
  for (const { name, C, file } of VARIANTS) {
    const bytes = read(file);
    const f = C.fromBytes(bytes);
    for (const k of keys) assert.ok(f.has(k), `${name} ${k}`);
    assert.deepEqual(f.toBytes(), bytes, name);
    // Building the same filter in JS gives the same bytes.
    const g = VARIANTS.find((v) => v.C === C).make();
    g.addMany(keys);
    if (C === ScalableBloomFilter) {
      // The Rust fixture was built one key at a time; so was this one.
      g.clear();
      for (const k of keys) g.add(k);
    }
    assert.deepEqual(g.toBytes(), bytes, `${name} built in JS`);
    f.free();
    g.free();
  }
});

test('bytes written in JS match the committed JS fixtures (checked natively too)', () => {
  const keys = BLESS ? [] : lines('js_v1_keys.txt');
  if (BLESS) {
    // Deterministic keys: ASCII, non-ASCII and 4-byte UTF-8.
    const fresh = [];
    for (let i = 0; i < 1000; i++) fresh.push(i % 10 === 0 ? `js:${i}:café東京😀` : `js:${i}`);
    writeFileSync(dir + 'js_v1_keys.txt', fresh.join('\n') + '\n');
    keys.splice(0, keys.length, ...fresh);
  }
  assert.equal(keys.length, 1000);
  for (const { name, js, make, fill } of JS_FIXTURES) {
    const f = make();
    fill(f, keys);
    const bytes = f.toBytes();
    if (BLESS) writeFileSync(dir + js, bytes);
    assert.deepEqual(bytes, read(js), `${name}: ${js} differs from the bytes JS writes now`);
    f.free();
  }
});

test('every truncation and every single-bit flip is a RangeError naming bytes, and the module keeps working', () => {
  for (const { name, C, make } of VARIANTS) {
    const f = make();
    f.addMany(['a', 'b', 'c']);
    // Small filters keep the exhaustive loops fast.
    const bytes = C === BloomFilter ? new BloomFilter(300, 3).toBytes()
      : C === CountingBloomFilter ? new CountingBloomFilter(50, 3).toBytes()
        : C === SplitBlockBloomFilter ? new SplitBlockBloomFilter(512).toBytes()
          : (() => { const s = new ScalableBloomFilter(3, 0.05); for (let i = 0; i < 10; i++) s.add(`k${i}`); return s.toBytes(); })();
    C.fromBytes(bytes).free();
    for (let len = 0; len < bytes.length; len++) {
      throwsExactly(() => C.fromBytes(bytes.subarray(0, len)), RangeError, new RegExp(`^bytes must be a ${name} in the version-1 byte format: .*(truncated|magic)`));
    }
    for (let i = 0; i < bytes.length * 8; i++) {
      const bad = bytes.slice();
      bad[i >> 3] ^= 1 << (i & 7);
      throwsExactly(() => C.fromBytes(bad), RangeError, /^bytes must be .*: .*bloom filter/);
    }
    const long = new Uint8Array(bytes.length + 8);
    long.set(bytes);
    throwsExactly(() => C.fromBytes(long), RangeError, /^bytes must be .*oversized/);
    // The filter made before all that still works.
    assert.ok(f.has('a') && f.has('b') && f.has('c'), name);
    f.free();
  }
  throwsExactly(() => BloomFilter.fromBytes(read('counting_v1.bin')), RangeError, /^bytes must be a BloomFilter in the version-1 byte format: wrong bloom filter kind: expected BloomFilter \(1\), got CountingBloomFilter \(2\)/);
  const v2 = read('native_v1.bin');
  v2[4] = 2;
  throwsExactly(() => BloomFilter.fromBytes(v2), RangeError, /unsupported bloom filter format version 2/);
  throwsExactly(() => BloomFilter.fromBase64('QKBF!!'), RangeError, /^text must be base64 of a BloomFilter in the version-1 byte format: .*base64/);
  throwsExactly(() => BloomFilter.fromBytes(new Uint8Array(2 ** 29 + 8193)), RangeError, /oversized/);
  stillWorks();
});

test('invalid arguments: class, message, and the module keeps working', () => {
  const cases = [
    [() => BloomFilter.withRate(0, 0.01), RangeError, /^expectedItems must be an integer in 1\.\.=9007199254740991, got 0$/],
    [() => BloomFilter.withRate(1.5, 0.01), RangeError, /^expectedItems must be an integer/],
    [() => BloomFilter.withRate(1e15, 0.01), RangeError, /^expectedItems must be small enough for 4294967296 bits/],
    [() => BloomFilter.withRate('10', 0.01), TypeError, /^expectedItems must be a number, got "10"$/],
    [() => BloomFilter.withRate(10, 0), RangeError, /^fpRate must be a number in \[1e-19, 1\), got 0$/],
    [() => BloomFilter.withRate(10, 1), RangeError, /^fpRate must be a number in \[1e-19, 1\), got 1$/],
    [() => BloomFilter.withRate(10, -0.5), RangeError, /^fpRate must be/],
    [() => BloomFilter.withRate(10, NaN), RangeError, /^fpRate must be .*got NaN$/],
    [() => BloomFilter.withRate(10), TypeError, /^fpRate must be a number, got undefined$/],
    [() => new BloomFilter(0, 3), RangeError, /^bits must be an integer in 1\.\.=4294967296, got 0$/],
    [() => new BloomFilter(2 ** 40, 3), RangeError, /^bits must be an integer in 1\.\.=4294967296/],
    [() => new BloomFilter(100, 0), RangeError, /^hashes must be an integer in 1\.\.=64, got 0$/],
    [() => new BloomFilter(100, 65), RangeError, /^hashes must be an integer in 1\.\.=64, got 65$/],
    [() => new BloomFilter(100, 2.5), RangeError, /^hashes must be/],
    [() => new BloomFilter(null, 3), TypeError, /^bits must be a number, got null$/],
    [() => new CountingBloomFilter(0, 3), RangeError, /^counters must be an integer/],
    // 2^32 four-bit counters (2 GiB) cannot fit in wasm memory: an Error, not a trap.
    [() => new CountingBloomFilter(2 ** 32, 3), Error, /^cannot allocate 2147483648 bytes/],
    [() => new SplitBlockBloomFilter(1000), RangeError, /^bits must be a positive multiple of 256, at most 4294967296, got 1000$/],
    [() => SplitBlockBloomFilter.withRate(0, 0.01), RangeError, /^expectedItems must be/],
    [() => SplitBlockBloomFilter.fromParquetBitset(new Uint8Array(33)), RangeError, /^bitset must be a positive multiple of 32 bytes/],
    [() => new ScalableBloomFilter(100, 0.01, { growth: 0.5 }), RangeError, /^growth must be a number in \[1, 16\], got 0\.5$/],
    [() => new ScalableBloomFilter(100, 0.01, { tightening: 1 }), RangeError, /^tightening must be a number in \(0, 1\), got 1$/],
    [() => new ScalableBloomFilter(100, 0.01, { tightening: '0.5' }), TypeError, /^tightening must be a number/],
    [() => new ScalableBloomFilter(100, 0.01, 7), TypeError, /^options must be an options object, got 7$/],
    [() => new ScalableBloomFilter(0, 0.01), RangeError, /^expectedItems must be/],
    [() => new ScalableBloomFilter(10, 2), RangeError, /^fpRate must be/],
    [() => BloomFilter.fromBytes('QKBF'), TypeError, /^bytes must be a Uint8Array, got "QKBF"$/],
    [() => BloomFilter.fromBytes([1, 2]), TypeError, /^bytes must be a Uint8Array, got an array$/],
    [() => BloomFilter.fromBase64(42), TypeError, /^text must be a base64 string, got 42$/],
  ];
  for (const [fn, C, re] of cases) {
    throwsExactly(fn, C, re);
    stillWorks();
  }
  const f = BloomFilter.withRate(1000, 0.01);
  f.add('kept');
  for (const [fn, C, re] of [
    [() => f.add(42), TypeError, /^key must be a string or Uint8Array, got 42$/],
    [() => f.has(null), TypeError, /^key must be a string or Uint8Array, got null$/],
    [() => f.has({}), TypeError, /^key must be a string or Uint8Array, got an object \(Object\)$/],
    [() => f.positions(1n), TypeError, /^key must be/],
    [() => f.addMany('abc'), TypeError, /^keys must be an array of strings or Uint8Arrays, got "abc"$/],
    [() => f.hasMany(['a', 7]), TypeError, /^keys must be a string or Uint8Array, got 7$/],
    [() => f.union(BloomFilter.withRate(10, 0.01)), RangeError, /^other must be a filter with the same bits and hashes \(9586, 7\), got \(96, 7\)$/],
    [() => f.intersect(new BloomFilter(9586, 6)), RangeError, /^other must be a filter with the same bits and hashes/],
    [() => f.union(new SplitBlockBloomFilter(256)), TypeError, /^other must be a BloomFilter/],
    [() => new SplitBlockBloomFilter(256).union(new SplitBlockBloomFilter(512)), RangeError, /^other must be/],
    [() => CountingBloomFilter.withRate(10, 0.01).counter(-1), RangeError, /^index must be an integer in 0\.\.=95, got -1$/],
    [() => new ScalableBloomFilter(10, 0.01).stage(1), RangeError, /^index must be an integer in 0\.\.=0, got 1$/],
  ]) {
    throwsExactly(fn, C, re);
    assert.ok(f.has('kept'));
  }
  f.free();
});

test('no false negatives, for every variant, with string and byte keys', () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const { name, make } of VARIANTS) {
    for (let round = 0; round < 3; round++) {
      const f = make();
      const keys = [];
      for (let i = 0; i < 800; i++) {
        const len = Math.floor(rnd() * 24);
        if (rnd() < 0.3) {
          keys.push(Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)));
        } else {
          let s = '';
          for (let j = 0; j < len; j++) {
            const r = rnd();
            s += r < 0.7 ? String.fromCharCode(32 + Math.floor(rnd() * 95))
              : r < 0.9 ? String.fromCharCode(0x80 + Math.floor(rnd() * 0x7000))
                : String.fromCodePoint(0x10000 + Math.floor(rnd() * 0xfffff));
          }
          keys.push(s);
        }
      }
      const half = keys.length / 2;
      for (const k of keys.slice(0, half)) f.add(k);
      f.addMany(keys.slice(half));
      for (const k of keys) assert.ok(f.has(k), `${name}: ${String(k)}`);
      assert.ok(f.hasMany(keys).every((b) => b === 1), name);
      f.free();
    }
  }
});

test('batch calls agree with per-key calls', () => {
  for (const { name, make } of VARIANTS) {
    const a = make();
    const b = make();
    const keys = Array.from({ length: 3000 }, (_, i) => (i % 7 ? `user:${i}` : `ü:${i}`));
    const news = keys.map((k) => a.add(k)).filter(Boolean).length;
    assert.equal(b.addMany(keys), news, name);
    assert.deepEqual(a.toBytes(), b.toBytes(), name);
    const queries = Array.from({ length: 5000 }, (_, i) => `user:${i * 3}`);
    assert.deepEqual([...b.hasMany(queries)], queries.map((q) => (a.has(q) ? 1 : 0)), name);
    assert.deepEqual([...b.hasMany([])], []);
    a.free();
    b.free();
  }
});

test('strings are hashed as their UTF-8 bytes; lone surrogates as U+FFFD', () => {
  const f = new BloomFilter(1 << 16, 5);
  for (const s of ['', 'café', '東京', '😀', 'a😀b', '\u0000', 'é'.repeat(100), 'x'.repeat(5000)]) {
    assert.deepEqual(f.positions(s), f.positions(utf8(s)), s);
    f.add(s);
    assert.ok(f.has(utf8(s)));
  }
  assert.deepEqual(f.positions('\ud800'), f.positions('\ufffd'));
  assert.deepEqual(f.positions('a\udc00b'), f.positions(utf8('a\udc00b')));
  f.free();
});

test('bits is a live view over wasm memory, equal to the serialized payload', () => {
  const f = BloomFilter.withRate(1000, 0.01);
  const before = f.bits;
  assert.equal(before.length, Math.ceil(f.size / 8));
  f.add('alice');
  // A view, not a copy: the earlier view sees the new bits (no memory growth in between).
  for (const p of f.positions('alice')) assert.equal((before[p >> 3] >> (p & 7)) & 1, 1);
  assert.equal(f.bits.byteOffset, before.byteOffset);
  // The payload of the byte format (after the 8-byte header and 16-byte params) is the same bits.
  assert.deepEqual(f.bits, f.toBytes().subarray(24, 24 + f.bits.length));
  let ones = 0;
  for (const b of f.bits) for (let x = b; x; x &= x - 1) ones++;
  assert.equal(ones, f.countOnes());
  assert.equal(f.byteLength, Math.ceil(f.size / 64) * 8);
  // After memory grows, reading `bits` again gives a valid view.
  const big = BloomFilter.withRate(2_000_000, 0.01);
  assert.ok(f.bits.length > 0 && f.has('alice'));
  big.free();

  const c = new CountingBloomFilter(100, 3);
  c.add('x');
  c.add('x');
  for (const i of c.positions('x')) {
    assert.equal((c.bits[i >> 1] >> (4 * (i & 1))) & 15, c.counter(i));
    assert.ok(c.counter(i) >= 2);
  }
  const s = new SplitBlockBloomFilter(1024);
  s.add('x');
  assert.deepEqual(s.bits, s.toParquetBitset());
  const pos = s.positions('x');
  assert.equal(pos.length, 8);
  for (const p of pos) assert.equal((s.bits[p >> 3] >> (p & 7)) & 1, 1);
  const sc = new ScalableBloomFilter(5, 0.01);
  for (let i = 0; i < 40; i++) sc.add(`k${i}`);
  assert.ok(sc.stages > 1);
  for (let i = 0; i < sc.stages; i++) assert.equal(sc.stageBits(i).length, Math.ceil(sc.stage(i).size / 8));
  assert.deepEqual(sc.bits, sc.stageBits(sc.stages - 1));
  for (const x of [f, c, s, sc]) x.free();
});

test('estimates, clear, clone, union and intersect', () => {
  const f = BloomFilter.withRate(10_000, 0.01);
  f.addMany(Array.from({ length: 10_000 }, (_, i) => `user:${i}`));
  assert.ok(Math.abs(f.estimatedCount() - 10_000) < 300, `${f.estimatedCount()}`);
  assert.ok(Math.abs(f.fillRatio() - 0.5) < 0.03, `${f.fillRatio()}`);
  assert.ok(Math.abs(f.estimatedFpRate() - 0.01) < 0.003, `${f.estimatedFpRate()}`);
  const g = f.clone();
  f.clear();
  assert.equal(f.countOnes(), 0);
  assert.ok(g.has('user:1') && !f.has('user:1'));
  const a = BloomFilter.withRate(100, 0.01);
  const b = BloomFilter.withRate(100, 0.01);
  a.add('a');
  a.add('both');
  b.add('b');
  b.add('both');
  assert.equal(a.clone().union(b).hasMany(['a', 'b', 'both']).join(), '1,1,1');
  const x = a.clone().intersect(b);
  assert.ok(x.has('both') && !x.has('a') && !x.has('b'));
  assert.equal(a.union(a), a); // a filter with itself: unchanged
  assert.equal(BloomFilter.fromBase64(a.toBase64()).toBase64(), Buffer.from(a.toBytes()).toString('base64'));
  for (const y of [f, g, a, b, x]) y.free();
});

test('counting: remove, saturation and the classic filter it becomes', () => {
  const c = CountingBloomFilter.withRate(1000, 0.01);
  const keys = Array.from({ length: 500 }, (_, i) => `s:${i}`);
  c.addMany(keys);
  assert.deepEqual([...c.removeMany(keys.slice(0, 250))], new Array(250).fill(1));
  for (const k of keys.slice(250)) assert.ok(c.has(k));
  assert.ok(keys.slice(0, 250).filter((k) => c.has(k)).length < 10);
  const absent = 'never:added';
  if (!c.has(absent)) assert.equal(c.remove(absent), false);
  const hot = new CountingBloomFilter(64, 1);
  for (let i = 0; i < 40; i++) hot.add('hot');
  assert.equal(hot.count('hot'), 15);
  assert.equal(hot.countSaturated(), 1);
  for (let i = 0; i < 40; i++) hot.remove('hot');
  assert.ok(hot.has('hot'), 'a saturated counter never goes back to zero');
  const classic = c.toBloomFilter();
  for (const k of keys.slice(250)) assert.ok(classic.has(k));
  assert.equal(classic.size, c.size);
  for (const y of [c, hot, classic]) y.free();
});

test('scalable: grows past its capacity and keeps its bound', () => {
  const f = new ScalableBloomFilter(1000, 0.01);
  const keys = Array.from({ length: 20_000 }, (_, i) => `url:${i}`);
  f.addMany(keys);
  assert.equal(f.stages, 5);
  assert.ok(f.fpBound() < 0.01);
  assert.ok(f.hasMany(keys).every((b) => b === 1));
  assert.ok(f.estimatedCount() <= keys.length && f.estimatedCount() > keys.length - 100);
  let fp = 0;
  for (let i = 0; i < 20_000; i++) fp += f.has(`other:${i}`);
  assert.ok(fp / 20_000 < 0.01, `${fp}`);
  assert.deepEqual(
    { fpRate: f.fpRate, growth: f.growth, tightening: f.tightening, initialCapacity: f.initialCapacity },
    { fpRate: 0.01, growth: 2, tightening: 0.9, initialCapacity: 1000 },
  );
  const g = ScalableBloomFilter.fromBytes(f.toBytes());
  assert.equal(g.stages, 5);
  assert.deepEqual(g.toBytes(), f.toBytes());
  // A filter that cannot grow reports an Error and keeps working.
  const tiny = new ScalableBloomFilter(1, 1e-3, { growth: 1, tightening: 1e-8 });
  assert.throws(() => { for (let i = 0; i < 100; i++) tiny.add(`k${i}`); }, (e) => e.constructor === Error && /cannot grow/.test(e.message));
  assert.ok(tiny.has('k0'));
  for (const y of [f, g, tiny]) y.free();
});

test('free() releases the filter; a freed filter throws; using-declarations work', () => {
  const f = BloomFilter.withRate(100, 0.01);
  f.free();
  assert.throws(() => f.has('x'));
  stillWorks();
  for (const { make } of VARIANTS) {
    const g = make();
    assert.equal(typeof g[Symbol.dispose], 'function');
    g[Symbol.dispose]();
    assert.throws(() => g.add('x'));
  }
  stillWorks();
});

test('a scalable filter decodes an initial capacity up to 2^53 - 1, the constructor\'s cap, and no more', () => {
  // Only a bound close to 1 sizes that many keys in a first stage.
  const [p, opts] = [1 - 1e-12, { tightening: 1e-12 }];
  for (const n of [2 ** 53 - 2, 2 ** 53 - 1]) {
    const f = new ScalableBloomFilter(n, p, opts);
    const bytes = f.toBytes();
    const g = ScalableBloomFilter.fromBytes(bytes);
    assert.equal(g.initialCapacity, n);
    assert.deepEqual(g.toBytes(), bytes);
    f.free();
    g.free();
  }
  throwsExactly(() => new ScalableBloomFilter(2 ** 53, p, opts), RangeError, /^expectedItems must be an integer in 1\.\.=9007199254740991, got 9007199254740992$/);
  const bytes = new ScalableBloomFilter(2 ** 53 - 1, p, opts).toBytes();
  for (const n0 of [2n ** 53n, 2n ** 64n - 1n]) {
    putU64(bytes, 8, n0); // the initial capacity
    putU64(bytes, 48, n0); // stage 0's capacity
    throwsExactly(
      () => ScalableBloomFilter.fromBytes(fixCrc(bytes)),
      RangeError,
      new RegExp(`^bytes must be a ScalableBloomFilter in the version-1 byte format: bloom filter bytes are corrupted: invalid parameter: expectedItems must be an integer in 1\\.\\.=9007199254740991, got ${n0}$`),
    );
    stillWorks();
  }
});

test('a scalable filter whose stages differ from what its options give is refused, before any add() can allocate', () => {
  // 92 bytes whose first stage claims capacity 1 under an initial capacity of
  // 2^28: one add() used to allocate a 2^28-key stage (467 MiB of wasm memory).
  const bomb = 'UUtCRgEDAQAAAAAQAAAAAHsUrkfheoQ/AAAAAAAA8D/NzMzMzMzsPwEAAAAAAAAAAQAAAAAAAAABAAAAAAAAAEAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAMWuct0=';
  throwsExactly(
    () => ScalableBloomFilter.fromBase64(bomb).add('x'),
    RangeError,
    /^text must be base64 of a ScalableBloomFilter in the version-1 byte format: bloom filter bytes are corrupted: stage 0 has capacity 1, but the options give 268435456$/,
  );
  stillWorks();
  // A filter that decodes grows exactly as the one that was encoded.
  const f = new ScalableBloomFilter(3, 0.05);
  for (let i = 0; i < 40; i++) f.add(`k${i}`);
  const g = ScalableBloomFilter.fromBytes(f.toBytes());
  for (let i = 40; i < 200; i++) assert.equal(g.add(`k${i}`), f.add(`k${i}`));
  assert.ok(g.stages > 3);
  assert.deepEqual(g.toBytes(), f.toBytes());
  // A stage claiming more keys than it has bits set cannot come from add().
  const one = new ScalableBloomFilter(1000, 0.01);
  one.add('only');
  const bytes = one.toBytes();
  putU64(bytes, 56, BigInt(one.stage(0).ones + 1)); // stage 0's item count
  throwsExactly(() => ScalableBloomFilter.fromBytes(fixCrc(bytes)), RangeError, /^bytes must be a ScalableBloomFilter in the version-1 byte format: bloom filter bytes are corrupted: stage 0 claims \d+ items, more than its capacity \(1000\) or its set bits/);
  for (const y of [f, g, one]) y.free();
  stillWorks();
});

test('fromBase64 accepts only canonical base64, so toBase64() gives back the text loaded', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  // Sizes whose serializations end in "=" and in "==".
  const filters = [
    new BloomFilter(128, 3), new BloomFilter(192, 3),
    new CountingBloomFilter(32, 3), new CountingBloomFilter(48, 3),
    new ScalableBloomFilter(1, 0.01), new ScalableBloomFilter(5, 0.01),
    new SplitBlockBloomFilter(512), new SplitBlockBloomFilter(768),
  ];
  const pads = [];
  for (const f of filters) {
    const C = f.constructor;
    const text = f.toBase64();
    assert.equal(C.fromBase64(text).toBase64(), text);
    const pad = text.length - text.replace(/=+$/, '').length;
    pads.push(pad);
    // The character before the padding carries 6 - 2·pad unused low bits; set the lowest.
    const at = text.length - pad - 1;
    const v = ALPHABET.indexOf(text[at]);
    const bad = text.slice(0, at) + ALPHABET[v | 1] + text.slice(at + 1);
    assert.notEqual(bad, text);
    for (const D of [BloomFilter, CountingBloomFilter, ScalableBloomFilter, SplitBlockBloomFilter]) {
      throwsExactly(
        () => D.fromBase64(bad),
        RangeError,
        new RegExp(`^text must be base64 of a ${D.name} in the version-1 byte format: bloom filter base64 is invalid: character "${ALPHABET[v | 1]}" at offset ${at} sets bits that encode no data \\(the canonical text has "${text[at].replace(/[+/]/, '\\$&')}"\\)$`),
      );
    }
    f.free();
    stillWorks();
  }
  assert.deepEqual(pads, [1, 2, 1, 2, 1, 2, 1, 2]);
});

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The next representable double above / below `x` (x > 0). */
const nextUp = (x) => ((f64[0] = x), (u64[0] += 1n), f64[0]);
const nextDown = (x) => ((f64[0] = x), (u64[0] -= 1n), f64[0]);

/** Bytes of kind `kind` announcing `m` and `k` with no payload behind them (valid CRC). */
function headerOnly(kind, hash, m, k) {
  const b = new Uint8Array(28);
  b.set([0x51, 0x4b, 0x42, 0x46, 1, kind, hash, 0]);
  putU64(b, 8, BigInt(m));
  new DataView(b.buffer).setUint32(16, k, true);
  return fixCrc(b);
}

test('range ends of sizes and probes: max - 1 and max load, max + 1 is refused', () => {
  // A valid size with no payload is "truncated"; an invalid one names the parameter.
  const MAX = 2 ** 32;
  for (const [C, kind, hash, name] of [[BloomFilter, 1, 1, 'bits'], [CountingBloomFilter, 2, 1, 'bits'], [SplitBlockBloomFilter, 4, 2, 'bits']]) {
    const step = C === SplitBlockBloomFilter ? 256 : 1;
    const k = C === SplitBlockBloomFilter ? 8 : 3;
    const allowed = C === SplitBlockBloomFilter ? 'a positive multiple of 256, at most 4294967296' : 'an integer in 1\\.\\.=4294967296';
    for (const [m, ok] of [[0, false], [step, true], [2 * step, true], [MAX - step, true], [MAX, true], [MAX + step, false]]) {
      const re = ok ? /truncated/ : new RegExp(`: bloom filter bytes are corrupted: invalid parameter: ${name} must be ${allowed}, got ${m}$`);
      throwsExactly(() => C.fromBytes(headerOnly(kind, hash, m, k)), RangeError, re);
    }
    if (C !== SplitBlockBloomFilter) {
      for (const [h, ok] of [[0, false], [1, true], [2, true], [63, true], [64, true], [65, false]]) {
        const re = ok ? /truncated/ : new RegExp(`invalid parameter: hashes must be an integer in 1\\.\\.=64, got ${h}$`);
        throwsExactly(() => C.fromBytes(headerOnly(kind, hash, 64, h)), RangeError, re);
      }
    }
  }
  // The constructors at the same ends. The largest classic filter takes 512 MiB of wasm
  // memory (once: the second reuses the first's).
  for (const bits of [MAX - 1, MAX]) {
    const f = new BloomFilter(bits, 64);
    assert.equal(f.size, bits);
    assert.equal(f.byteLength, MAX / 8);
    f.free();
  }
  throwsExactly(() => new BloomFilter(MAX + 1, 1), RangeError, /^bits must be an integer in 1\.\.=4294967296, got 4294967297$/);
  throwsExactly(() => new BloomFilter(1, 65), RangeError, /^hashes must be an integer in 1\.\.=64, got 65$/);
  assert.equal(new BloomFilter(1, 64).hashes, 64);
  throwsExactly(() => new CountingBloomFilter(MAX + 1, 1), RangeError, /^counters must be an integer in 1\.\.=4294967296/);
  throwsExactly(() => new SplitBlockBloomFilter(MAX + 256), RangeError, /^bits must be an integer in 1\.\.=4294967296, got 4294967552$/);
  assert.equal(new SplitBlockBloomFilter(256).size, 256);
  stillWorks();
});

test('range ends of expectedItems, fpRate, growth and tightening', () => {
  // expectedItems: 1..=2^53-1 (a rate close to 1 sizes that many keys in few bits).
  for (const [n, ok] of [[0, false], [1, true], [2, true], [2 ** 53 - 2, true], [2 ** 53 - 1, true], [2 ** 53, false]]) {
    const make = () => BloomFilter.withRate(n, 0.999999999);
    if (ok) assert.equal(make().hashes, 1);
    else throwsExactly(make, RangeError, new RegExp(`^expectedItems must be an integer in 1\\.\\.=9007199254740991, got ${n}$`));
  }
  // fpRate: [1e-19, 1).
  for (const [p, ok] of [[nextDown(1e-19), false], [1e-19, true], [nextUp(1e-19), true], [nextDown(1), true], [1, false], [nextUp(1), false]]) {
    for (const C of [BloomFilter, CountingBloomFilter, SplitBlockBloomFilter]) {
      if (ok) C.withRate(1, p).free();
      else throwsExactly(() => C.withRate(1, p), RangeError, /^fpRate must be a number in \[1e-19, 1\), got /);
    }
  }
  // growth: [1, 16]; tightening: (0, 1).
  for (const [growth, ok] of [[nextDown(1), false], [1, true], [nextUp(1), true], [nextDown(16), true], [16, true], [nextUp(16), false]]) {
    const make = () => new ScalableBloomFilter(10, 0.01, { growth });
    if (ok) assert.equal(make().growth, growth);
    else throwsExactly(make, RangeError, new RegExp(`^growth must be a number in \\[1, 16\\], got ${growth}$`));
  }
  for (const [tightening, ok] of [[0, false], [Number.MIN_VALUE, true], [nextDown(1), true], [1, false], [nextUp(1), false]]) {
    const make = () => new ScalableBloomFilter(10, 0.01, { tightening });
    if (ok) assert.equal(make().tightening, tightening);
    else throwsExactly(make, RangeError, /^tightening must be a number in \(0, 1\), got /);
  }
  // A scalable filter's fpRate must leave its first stage at least 1e-19 at tightening 0.9.
  throwsExactly(() => new ScalableBloomFilter(1, 1e-18), RangeError, /^fpRate must be at least 1e-19 \/ \(1 - tightening\)/);
  assert.equal(new ScalableBloomFilter(1, 1.0000000000000002e-18).stages, 1);
  stillWorks();
});

test('range ends of the stage count: 63 and 64 stages load, a 65th is refused', () => {
  const f = new ScalableBloomFilter(1, 0.5, { growth: 1, tightening: 0.9 });
  const snapshots = [];
  let i = 0;
  assert.throws(() => {
    for (;;) {
      f.add(`k${i++}`);
      const s = f.stage(f.stages - 1);
      if (s.count === s.capacity && f.stages + 1 >= 64 + snapshots.length) snapshots.push(f.toBytes());
    }
  }, (e) => e.constructor === Error && /^scalable bloom filter cannot grow past 64 stages/.test(e.message));
  assert.deepEqual(snapshots.map((b) => {
    const g = ScalableBloomFilter.fromBytes(b);
    assert.deepEqual(g.toBytes(), b);
    return g.stages;
  }), [63, 64]);
  const b = snapshots[1];
  new DataView(b.buffer, b.byteOffset).setUint32(40, 65, true);
  throwsExactly(() => ScalableBloomFilter.fromBytes(fixCrc(b)), RangeError, /^bytes must be a ScalableBloomFilter in the version-1 byte format: bloom filter bytes are corrupted: stage count 65 is not in 1\.\.=64$/);
  f.free();
  stillWorks();
});

test('Parquet: fromParquet/toParquet with the header, parquetKey for physical types, addHash/hasHash', async () => {
  const { SplitBlockBloomFilter: S, parquetKey, xxh64 } = await import('quorumkit');
  const f = new S(512);
  f.add(parquetKey(42n, 'INT64'));
  f.add(parquetKey('Lisbon', 'BYTE_ARRAY'));
  const bytes = f.toParquet();
  assert.deepEqual([...bytes.subarray(0, 3)], [0x15, 0x80, 0x01]); // numBytes 64, zigzag varint
  assert.equal(bytes.length, 16 + 64);
  const g = S.fromParquet(bytes);
  assert.deepEqual(g.toParquet(), bytes);
  assert.ok(g.has(parquetKey(42, 'INT64')) && g.has(parquetKey('Lisbon', 'BYTE_ARRAY')));
  assert.deepEqual(S.fromParquetBitset(bytes.subarray(16)).toParquet(), bytes);
  // Physical types, as the spec encodes them.
  assert.deepEqual([...parquetKey(-2, 'INT32')], [0xfe, 0xff, 0xff, 0xff]);
  assert.deepEqual([...parquetKey(-1n, 'INT64')], [255, 255, 255, 255, 255, 255, 255, 255]);
  assert.deepEqual([...parquetKey(1.5, 'FLOAT')], [0, 0, 0xc0, 0x3f]);
  assert.deepEqual([...parquetKey(1.5, 'DOUBLE')], [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
  assert.deepEqual([...parquetKey('é', 'BYTE_ARRAY')], [0xc3, 0xa9]);
  assert.deepEqual([...parquetKey(Uint8Array.of(1, 2), 'FIXED_LEN_BYTE_ARRAY')], [1, 2]);
  assert.throws(() => parquetKey(2 ** 31, 'INT32'), (e) => e instanceof RangeError && /^value must be an integer in -2\^31/.test(e.message));
  assert.throws(() => parquetKey(2n ** 63n, 'INT64'), RangeError);
  assert.throws(() => parquetKey('1', 'INT64'), TypeError);
  assert.throws(() => parquetKey('x', 'FIXED_LEN_BYTE_ARRAY'), TypeError);
  assert.throws(() => parquetKey(1, 'INT96'), (e) => e instanceof RangeError && /^type must be/.test(e.message));
  // By hash: the same bits as by key.
  const h = new S(256);
  assert.equal(h.addHash(xxh64('x')), true);
  assert.equal(h.has('x'), true);
  assert.equal(h.hasHash(xxh64('x')), true);
  assert.throws(() => h.addHash(1), (e) => e instanceof TypeError && /^hash must be a bigint/.test(e.message));
  assert.throws(() => h.hasHash(2n ** 64n), RangeError);
  // Bad headers: a RangeError naming bytes; the filter type keeps working.
  for (const bad of [bytes.subarray(0, 10), Uint8Array.of(0x15, 0x40, 0), new Uint8Array([...bytes, 0])]) {
    assert.throws(() => S.fromParquet(bad), (e) => e instanceof RangeError && /^bytes must be/.test(e.message));
  }
  assert.throws(() => S.fromParquet('x'), TypeError);
  assert.ok(S.fromParquet(bytes).has(parquetKey(42n, 'INT64')));
  for (const x of [f, g, h]) x.free();
});
