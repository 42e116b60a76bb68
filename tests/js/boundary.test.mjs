// node:test tier for the key boundary and the error convention, against the
// built package imported by name, as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Many, xxh64, xxh3, version, BloomFilter, RaftCluster } from 'quorumkit';
import * as ringModule from '../../pkg/dist/bind/ring.js';
import * as bloomModule from '../../pkg/dist/bind/bloom.js';
import * as simModule from '../../pkg/dist/bind/raft-sim.js';

// A reference CRC-32 in plain JS, to check the wasm result on any bytes.
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function refCrc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const utf8 = (s) => new TextEncoder().encode(s);

test('known vectors', () => {
  assert.equal(crc32('123456789'), 0xcbf43926);
  assert.equal(xxh64(''), 0xef46db3751d8e999n);
  assert.equal(xxh64('a'), 0xd24ec4f1a98c6e5bn);
  assert.equal(xxh3(''), 0x2d06800538d394c2n);
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test('strings are hashed as their UTF-8 bytes, for every kind of character', () => {
  const samples = [
    '', 'a', 'user:1', 'café', 'naïve', '東京', '😀', 'a😀b', 'Ωmega', '\u0000nul', '\u{10FFFF}',
    'x'.repeat(64), 'é'.repeat(64), 'ascii-then-é', 'é-then-ascii', '😀'.repeat(500),
  ];
  for (const s of samples) {
    assert.equal(crc32(s), refCrc32(utf8(s)), JSON.stringify(s));
    assert.equal(crc32(utf8(s)), crc32(s), `bytes of ${JSON.stringify(s)}`);
  }
});

test('lone surrogates are encoded as U+FFFD, like TextEncoder', () => {
  for (const s of ['\ud800', 'a\udc00b', '\ud83d']) {
    assert.equal(crc32(s), refCrc32(utf8(s)));
  }
});

test('short keys are copied a word at a time: every length, a longer key before each, a non-ASCII character at every place', () => {
  const ascii = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_:.';
  for (let len = 0; len <= 65; len++) {
    const s = ascii.slice(0, len).padEnd(len, '~');
    crc32('Z'.repeat(64)); // leaves bytes behind the key that must not count
    assert.equal(crc32(s), refCrc32(utf8(s)), s);
  }
  for (let len = 1; len <= 9; len++) {
    for (let at = 0; at < len; at++) {
      for (const c of ['\u0080', '\u00ff', '\u0100', 'é', '東', '\ud800']) {
        const s = 'k'.repeat(at) + c + 'k'.repeat(len - at - 1);
        assert.equal(crc32(s), refCrc32(utf8(s)), JSON.stringify(s));
      }
    }
  }
});

test('random strings and byte keys agree with the reference', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 2000; i++) {
    const len = Math.floor(rnd() * 40);
    let s = '';
    for (let j = 0; j < len; j++) {
      const r = rnd();
      s += r < 0.6 ? String.fromCharCode(32 + Math.floor(rnd() * 95))
        : r < 0.9 ? String.fromCharCode(0x80 + Math.floor(rnd() * 0x7000))
          : String.fromCodePoint(0x10000 + Math.floor(rnd() * 0xfffff));
    }
    assert.equal(crc32(s), refCrc32(utf8(s)));
  }
});

test('keys larger than the scratch buffer grow it, and later calls stay correct', () => {
  const big = 'k'.repeat(3 << 20); // 3 MiB of ASCII, 9 MiB reserved
  assert.equal(crc32(big), refCrc32(utf8(big)));
  const bytes = new Uint8Array(5 << 20).fill(7);
  assert.equal(crc32(bytes), refCrc32(bytes));
  assert.equal(crc32('123456789'), 0xcbf43926);
});

test('a call that grew the key buffer past 16 MiB gives the memory back at the next call', () => {
  const KEEP = 16 << 20;
  const keyBuffer = () => ringModule.raw.key_buffer_len();
  crc32('a');
  assert.ok(keyBuffer() <= KEEP, `key buffer of ${keyBuffer()} bytes before any large call`);
  const bytes = new Uint8Array(KEEP + 1).fill(1);
  assert.equal(crc32(bytes), refCrc32(bytes));
  assert.ok(keyBuffer() > KEEP, 'the large call had its memory');
  assert.equal(crc32('123456789'), 0xcbf43926);
  assert.ok(keyBuffer() <= KEEP, 'given back at the next single key');
  const batch = ['a'.repeat(9 << 20), 'b'.repeat(9 << 20)];
  assert.deepEqual([...crc32Many(batch)], batch.map((k) => crc32(utf8(k))));
  assert.ok(keyBuffer() <= KEEP, 'given back after a large batch');
  assert.deepEqual([...crc32Many(['123456789', 'x'])], [0xcbf43926, crc32('x')]);
  assert.ok(keyBuffer() <= KEEP, 'and after the next batch');

  // The other modules have their own buffers, with the same rule.
  const f = new BloomFilter(1 << 16, 4);
  const big = new Uint8Array(KEEP + 1).fill(2);
  f.add(big);
  assert.ok(f.has(big));
  assert.ok(bloomModule.raw.key_buffer_len() > KEEP);
  assert.ok(!f.has('y'));
  assert.ok(bloomModule.raw.key_buffer_len() <= KEEP);
  f.free();
  const c = new RaftCluster({ nodes: 3, seed: 1 });
  c.advance(1000);
  c.propose(new Uint8Array(KEEP + 1).fill(9));
  c.propose('small');
  assert.ok(simModule.raw.key_buffer_len() <= KEEP);
  c.advance(500);
  const log = c.state().nodes[0].log;
  assert.equal(log.at(-2).data.length, KEEP + 1);
  assert.equal(log.at(-1).text, 'small');
  c.free();
});

test('batch results equal per-key results, including after memory growth', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => (i % 3 ? `user:${i}` : utf8(`ключ-${i}`)));
  const many = crc32Many(keys);
  assert.ok(many instanceof Uint32Array);
  assert.equal(many.length, keys.length);
  keys.forEach((k, i) => assert.equal(many[i], crc32(k)));
  assert.deepEqual([...crc32Many([])], []);
  const huge = crc32Many(['x'.repeat(1 << 20), 'y']);
  assert.equal(huge[1], crc32('y'));
});

test('string batches spanning several native chunks equal per-key results, whatever breaks the ASCII fast path and where', () => {
  const ascii = Array.from({ length: 5_000 }, (_, i) => `user:${i}`);
  const variants = [
    ascii,
    ascii.map((k, i) => (i === 4_999 ? 'é-last' : k)), // non-ASCII in the last chunk
    ascii.map((k, i) => (i === 2_048 ? '東京' : k)), // first key of the second chunk
    ascii.map((k, i) => (i === 3_000 ? utf8(k) : k)), // a byte key among strings
    ascii.map((k, i) => (i === 10 ? '\ud800' : k)), // a lone surrogate
    Array.from({ length: 2_048 }, (_, i) => `k${i}`), // exactly one chunk
  ];
  for (const keys of variants) {
    const many = crc32Many(keys);
    assert.equal(many.length, keys.length);
    keys.forEach((k, i) => assert.equal(many[i], refCrc32(typeof k === 'string' ? utf8(k) : k)));
  }
});

test('wrong types get a TypeError naming the parameter, and the module keeps working', () => {
  for (const bad of [42, null, undefined, {}, [1], 10n, Symbol('k')]) {
    assert.throws(() => crc32(bad), (e) => e instanceof TypeError && /^key must be a string or Uint8Array, got /.test(e.message));
  }
  assert.throws(() => crc32Many('abc'), (e) => e instanceof TypeError && e.message.startsWith('keys must be an array'));
  assert.throws(() => crc32Many(['a', 3]), (e) => e instanceof TypeError && e.message.startsWith('keys must be'));
  assert.throws(() => xxh64('a', 1), (e) => e instanceof TypeError && e.message.startsWith('seed must be a bigint'));
  assert.throws(() => xxh64('a', -1n), (e) => e instanceof RangeError && e.message.startsWith('seed must be'));
  assert.throws(() => xxh64('a', 1n << 64n), RangeError);
  assert.equal(crc32('123456789'), 0xcbf43926);
});
