// Bloom filters against the npm peers `bloomfilter` and `bloom-filters`.
//
// Workload (issue 5): n = 1,000,000 expected keys at p = 1%, keys `user:<i>`,
// add then has, the same keys for every contender in the same run. Each
// contender gets a filter sized for n; every timed call handles the next
// chunk of 65,536 keys, cycling through all n, so the filters hold all n
// keys (queries then hit, the dearer case: all k probes) and the bit arrays
// have their full size (1.2 MB each, far past L1). `bloom-filters` is about
// 100× slower, so its timed calls take 4,096 keys of the same sequence (the
// rate is per key either way). Per-call rows call add/has
// once per key; batch rows pass the chunk as one array (addMany/hasMany).
// `has` is measured on present keys (all k probes) and on absent keys (the
// first clear bit may end the lookup), per call and batched.
// The goals: the blocked filter's per-call add/has at least the peer's rate
// and its batches twice it; the classic filter's per-call has at least 0.9×
// and its hasMany 1.5×.
// The first table builds a filter of all n keys from empty (the
// server-side build), the others add and test against full filters.
// Then: false-positive rate measured on 100,000 absent keys, memory of the
// bit array against m/8, and bits per key against the 1.44·log2(1/p) bound.
// Last, the Parquet filter against hyparquet's split-block code on INT64
// values, after checking that both hold the same bits.
// The floor rows are the cost of any keyed call into wasm with no work in it
// (see `floor` in harness.mjs), for reading how much of each filter's
// time is the boundary and how much its hashing and memory probes.
import { BlockedBloomFilter, BloomFilter, SplitBlockBloomFilter, parquetKey, xxh64 } from 'quorumkit';
import { BloomFilter as JasonBloom } from 'bloomfilter';
import BloomFilters from 'bloom-filters';
import { compare, goal, userKeys, floor, FLOOR_PER_KEY, FLOOR_BATCH } from './harness.mjs';
import * as bind from '../pkg/dist/bind/bloom.js';

const { perKey: floorPerKey, batch: floorBatch } = floor(bind);

const N = 1_000_000;
const P = 0.01;
const CHUNK = 1 << 16;
const SMALL_CHUNK = 1 << 12;

export async function run() {
  const keys = userKeys(N);
  const chunks = [];
  for (let i = 0; i < N; i += CHUNK) chunks.push(keys.slice(i, i + CHUNK));
  const smallChunks = [];
  for (let i = 0; i < N; i += SMALL_CHUNK) smallChunks.push(keys.slice(i, i + SMALL_CHUNK));
  const absent = userKeys(100_000, N);

  const qk = BloomFilter.withRate(N, P);
  const qkBatch = BloomFilter.withRate(N, P);
  const sbbf = SplitBlockBloomFilter.withRate(N, P);
  const sbbfBatch = SplitBlockBloomFilter.withRate(N, P);
  const blocked = BlockedBloomFilter.withRate(N, P);
  const blockedBatch = BlockedBloomFilter.withRate(N, P);
  // bloomfilter sizes by (m, k): give it the same m and k.
  const jason = new JasonBloom(qk.size, qk.hashes);
  const bf = BloomFilters.BloomFilter.create(N, P);

  /** A contender whose fn handles the next chunk, one key per call or one batch. */
  const cycling = (name, perChunk, list = chunks) => {
    let c = 0;
    return { name, ops: list[0].length, fn: () => perChunk(list[c++ % list.length]) };
  };
  let sink = 0;

  // A server building the filter it ships: all n keys into an empty filter,
  // where most probes still find a clear bit. (The rows below keep adding to
  // filters that already hold the keys, so there every probed bit is set.)
  const build = (name, make, fill) => ({
    name,
    ops: N,
    fn: () => { const f = make(); fill(f); sink += f.bits[0]; f.free(); },
  });
  const addManyAll = (f) => { for (const c of chunks) f.addMany(c); };
  await compare('Bloom build: all 1 M keys into an empty filter', [
    build('quorumkit BloomFilter.addMany', () => BloomFilter.withRate(N, P), addManyAll),
    build('quorumkit SplitBlockBloomFilter.addMany', () => SplitBlockBloomFilter.withRate(N, P), addManyAll),
    build('quorumkit BlockedBloomFilter.addMany', () => BlockedBloomFilter.withRate(N, P), addManyAll),
    build('quorumkit BloomFilter.add', () => BloomFilter.withRate(N, P), (f) => { for (const k of keys) f.add(k); }),
    {
      name: 'bloomfilter add',
      ops: N,
      fn: () => { const j = new JasonBloom(qk.size, qk.hashes); for (const k of keys) j.add(k); sink += j.buckets[0]; },
    },
  ], { reference: 'bloomfilter add', unit: 'keys/s' });

  let rates = await compare('Bloom add, one key per call (n = 1 M, p = 1%)', [
    cycling('quorumkit BloomFilter.add', (ks) => { for (const k of ks) qk.add(k); }),
    cycling('quorumkit SplitBlockBloomFilter.add', (ks) => { for (const k of ks) sbbf.add(k); }),
    cycling('quorumkit BlockedBloomFilter.add', (ks) => { for (const k of ks) blocked.add(k); }),
    cycling('bloom-filters add', (ks) => { for (const k of ks) bf.add(k); }, smallChunks),
    cycling('bloomfilter add', (ks) => { for (const k of ks) jason.add(k); }),
    cycling(FLOOR_PER_KEY, (ks) => { for (const k of ks) sink += floorPerKey(k); }),
  ], { reference: 'bloomfilter add', unit: 'keys/s' });
  goal('per-call add', rates, 'quorumkit BloomFilter.add', ['bloomfilter add'], 1.5);
  goal('blocked per-call add', rates, 'quorumkit BlockedBloomFilter.add', ['bloomfilter add'], 1.0);

  // Every contender holds all n keys before the queries.
  qkBatch.addMany(keys);
  sbbfBatch.addMany(keys);
  blockedBatch.addMany(keys);
  for (const k of keys) { qk.add(k); sbbf.add(k); blocked.add(k); jason.add(k); bf.add(k); }
  const absentChunks = [];
  // Whole chunks only, so every timed call handles the same number of keys.
  const ABSENT_CHUNK = CHUNK / 2;
  for (let i = 0; i + ABSENT_CHUNK <= absent.length; i += ABSENT_CHUNK) absentChunks.push(absent.slice(i, i + ABSENT_CHUNK));

  rates = await compare('Bloom has, one key per call (all keys present)', [
    cycling('quorumkit BloomFilter.has', (ks) => { for (const k of ks) sink += qk.has(k); }),
    cycling('quorumkit SplitBlockBloomFilter.has', (ks) => { for (const k of ks) sink += sbbf.has(k); }),
    cycling('quorumkit BlockedBloomFilter.has', (ks) => { for (const k of ks) sink += blocked.has(k); }),
    cycling('bloom-filters has', (ks) => { for (const k of ks) sink += bf.has(k); }, smallChunks),
    cycling('bloomfilter test', (ks) => { for (const k of ks) sink += jason.test(k); }),
    cycling(FLOOR_PER_KEY, (ks) => { for (const k of ks) sink += floorPerKey(k); }),
  ], { reference: 'bloomfilter test', unit: 'keys/s' });
  goal('per-call has (present)', rates, 'quorumkit BloomFilter.has', ['bloomfilter test'], 0.9);
  goal('blocked per-call has (present)', rates, 'quorumkit BlockedBloomFilter.has', ['bloomfilter test'], 1.0);

  rates = await compare('Bloom has, one key per call (absent keys)', [
    cycling('quorumkit BloomFilter.has', (ks) => { for (const k of ks) sink += qk.has(k); }, absentChunks),
    cycling('quorumkit SplitBlockBloomFilter.has', (ks) => { for (const k of ks) sink += sbbf.has(k); }, absentChunks),
    cycling('quorumkit BlockedBloomFilter.has', (ks) => { for (const k of ks) sink += blocked.has(k); }, absentChunks),
    cycling('bloomfilter test', (ks) => { for (const k of ks) sink += jason.test(k); }, absentChunks),
    cycling(FLOOR_PER_KEY, (ks) => { for (const k of ks) sink += floorPerKey(k); }, absentChunks),
  ], { reference: 'bloomfilter test', unit: 'keys/s' });
  goal('per-call has (absent)', rates, 'quorumkit BloomFilter.has', ['bloomfilter test'], 0.9);
  goal('blocked per-call has (absent)', rates, 'quorumkit BlockedBloomFilter.has', ['bloomfilter test'], 1.0);

  rates = await compare(`Bloom addMany (one call per ${CHUNK} keys) against per-key add`, [
    cycling('quorumkit BloomFilter.addMany', (ks) => { sink += qkBatch.addMany(ks); }),
    cycling('quorumkit SplitBlockBloomFilter.addMany', (ks) => { sink += sbbfBatch.addMany(ks); }),
    cycling('quorumkit BlockedBloomFilter.addMany', (ks) => { sink += blockedBatch.addMany(ks); }),
    cycling('bloomfilter add', (ks) => { for (const k of ks) jason.add(k); }),
    cycling(FLOOR_BATCH, (ks) => { sink += floorBatch(ks); }),
  ], { reference: 'bloomfilter add', unit: 'keys/s' });
  goal('addMany', rates, 'quorumkit BloomFilter.addMany', ['bloomfilter add'], 2.5);
  goal('blocked addMany', rates, 'quorumkit BlockedBloomFilter.addMany', ['bloomfilter add'], 2.0);

  rates = await compare(`Bloom hasMany (one call per ${CHUNK} keys) against per-key test`, [
    cycling('quorumkit BloomFilter.hasMany', (ks) => { sink += qkBatch.hasMany(ks)[0]; }),
    cycling('quorumkit SplitBlockBloomFilter.hasMany', (ks) => { sink += sbbfBatch.hasMany(ks)[0]; }),
    cycling('quorumkit BlockedBloomFilter.hasMany', (ks) => { sink += blockedBatch.hasMany(ks)[0]; }),
    cycling('bloomfilter test', (ks) => { for (const k of ks) sink += jason.test(k); }),
    cycling(FLOOR_BATCH, (ks) => { sink += floorBatch(ks); }),
  ], { reference: 'bloomfilter test', unit: 'keys/s' });
  goal('hasMany (present)', rates, 'quorumkit BloomFilter.hasMany', ['bloomfilter test'], 1.5);
  goal('blocked hasMany (present)', rates, 'quorumkit BlockedBloomFilter.hasMany', ['bloomfilter test'], 2.0);

  rates = await compare(`Bloom hasMany on absent keys (one call per ${ABSENT_CHUNK} keys) against per-key test`, [
    cycling('quorumkit BloomFilter.hasMany', (ks) => { sink += qkBatch.hasMany(ks)[0]; }, absentChunks),
    cycling('quorumkit SplitBlockBloomFilter.hasMany', (ks) => { sink += sbbfBatch.hasMany(ks)[0]; }, absentChunks),
    cycling('quorumkit BlockedBloomFilter.hasMany', (ks) => { sink += blockedBatch.hasMany(ks)[0]; }, absentChunks),
    cycling('bloomfilter test', (ks) => { for (const k of ks) sink += jason.test(k); }, absentChunks),
    cycling(FLOOR_BATCH, (ks) => { sink += floorBatch(ks); }, absentChunks),
  ], { reference: 'bloomfilter test', unit: 'keys/s' });
  goal('hasMany (absent)', rates, 'quorumkit BloomFilter.hasMany', ['bloomfilter test'], 1.5);
  goal('blocked hasMany (absent)', rates, 'quorumkit BlockedBloomFilter.hasMany', ['bloomfilter test'], 2.0);

  // Accuracy and memory, same filters, same keys.
  const bound = 1.44 * Math.log2(1 / P);
  const rows = [
    ['quorumkit BloomFilter', qk.size, qk.byteLength, count(absent, (k) => qk.has(k)), qk.hashes],
    ['quorumkit SplitBlockBloomFilter', sbbf.size, sbbf.byteLength, count(absent, (k) => sbbf.has(k)), 8],
    ['quorumkit BlockedBloomFilter', blocked.size, blocked.byteLength, count(absent, (k) => blocked.has(k)), blocked.hashes],
    ['bloomfilter', jason.m, jason.buckets.byteLength, count(absent, (k) => jason.test(k)), jason.k],
    ['bloom-filters', bf._size, bf._filter.array.byteLength, count(absent, (k) => bf.has(k)), bf._nbHashes],
  ];
  console.log(`\n## Bloom accuracy and memory (n = 1 M, p = 1%; bound 1.44·log2(1/p) = ${bound.toFixed(2)} bits/key)`);
  console.log('| filter | m (bits) | k | bits/key | × bound | bit array bytes | × m/8 | FP rate (100 k absent keys) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, m, bytes, fp, k] of rows) {
    const bpk = m / N;
    console.log(`| ${name} | ${m} | ${k} | ${bpk.toFixed(2)} | ${(bpk / bound).toFixed(3)} | ${bytes} | ${(bytes / (m / 8)).toFixed(4)} | ${(fp / absent.length * 100).toFixed(2)}% |`);
  }
  const hm = qkBatch.hasMany(absent);
  const batchFp = hm.reduce((s, b) => s + b, 0);
  console.log(`(hasMany on the same absent keys: ${(batchFp / absent.length * 100).toFixed(2)}%, the same answers as has)`);
  for (const f of [qk, qkBatch, sbbf, sbbfBatch, blocked, blockedBatch]) f.free();
  if (sink === 0.5) console.log(sink);
  await parquet();
}

/**
 * Parquet split-block filters against hyparquet's (the JS Parquet reader's own
 * sbbfInsert/sbbfContains over hashParquetValue): the same INT64 values, the same
 * filter size, the same bits (checked), per value as a Parquet reader probes them.
 */
async function parquet() {
  const { sbbfInsert, sbbfContains, hashParquetValue } = await import('hyparquet/src/bloom.js');
  const element = { type: 'INT64', name: 'user_id' };
  const values = Array.from({ length: N }, (_, i) => BigInt(i) * 7919n);
  const ours = SplitBlockBloomFilter.withRate(N, P);
  const words = new Uint32Array(ours.size / 32);
  for (const v of values) {
    ours.add(parquetKey(v, 'INT64'));
    sbbfInsert(words, hashParquetValue(v, element));
  }
  const same = new Uint8Array(words.buffer).every((b, i) => b === ours.bits[i]);
  if (!same) throw new Error('the two filters hold different bits for the same values');
  const chunks = [];
  for (let i = 0; i < N; i += CHUNK) chunks.push(values.slice(i, i + CHUNK));
  let at = 0;
  const cycling = (name, fn) => ({ name, ops: CHUNK, fn: () => fn(chunks[at++ % chunks.length]) });
  let sink = 0;
  await compare(`Parquet split-block has, INT64 values, one per call (n = 1 M, p = 1%, identical bits: ${same})`, [
    cycling('quorumkit has(parquetKey(v))', (vs) => { for (const v of vs) sink += ours.has(parquetKey(v, 'INT64')); }),
    cycling('quorumkit hasHash(xxh64 in wasm)', (vs) => { for (const v of vs) sink += ours.hasHash(xxh64(parquetKey(v, 'INT64'))); }),
    cycling('hyparquet sbbfContains(hashParquetValue(v))', (vs) => { for (const v of vs) sink += sbbfContains(words, hashParquetValue(v, element)); }),
  ], { reference: 'hyparquet sbbfContains(hashParquetValue(v))', unit: 'values/s' });
  ours.free();
  if (sink === 0.5) console.log(sink);
}

function count(keys, has) {
  let n = 0;
  for (const k of keys) n += has(k) ? 1 : 0;
  return n;
}
