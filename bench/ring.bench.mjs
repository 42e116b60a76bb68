// Consistent hashing against the npm peers `consistent-hash` 1.2.2 and
// `hashring` 3.2.0 (ketama, MD5), on one workload: 10 servers and 1 M random
// keys `user:<n>` (n drawn by a seeded xorshift), the same keys for every
// contender in the same run. Each timed call handles the next 5,000 keys of
// the 1 M (cycling), so a slow contender still sees the same key sequence.
//
// Goals: per-call `.get` ≥ 1.0× the fastest peer in the xxh3 and seed modes,
// and within 15% of the floor (≥ 0.87× its rate); ketama mode ≥ 20×
// `hashring`; `.getMany` ≥ 2.5× the fastest peer. Also: building a ring of
// 1,000 servers.
//
// The floor rows are the cost of any keyed call into wasm with no work in it
// (see `floor` in harness.mjs): a lookup cannot beat its floor, so
// where the floor is itself close to a peer's whole lookup, that row shows it
// in the same run.
import ConsistentHash from 'consistent-hash';
import HashRingPeer from 'hashring';
import { HashRing, Maglev, Rendezvous, jumpHashMany, jumpHash } from 'quorumkit';
import { compare, fmt, goal, floor, FLOOR_PER_KEY, FLOOR_BATCH } from './harness.mjs';
import * as bind from '../pkg/dist/bind/ring.js';

const { perKey: floorPerKey, batch: floorBatch } = floor(bind);

const KEYS = 1_000_000;
const CHUNK = 5_000;
const SERVERS = Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 1}:11211`);

function randomUserKeys(count) {
  let s = 0x2545f491;
  const keys = new Array(count);
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    keys[i] = `user:${s % 100_000_000}`;
  }
  return keys;
}

/** Slices of CHUNK keys, so every contender walks the same 1 M keys in the same order. */
function chunks(keys) {
  const out = [];
  for (let i = 0; i < keys.length; i += CHUNK) out.push(keys.slice(i, i + CHUNK));
  return out;
}

function cycler(parts) {
  let i = 0;
  return () => parts[i++ % parts.length];
}

export async function run() {
  const keys = randomUserKeys(KEYS);
  const parts = chunks(keys);
  let sink = 0;

  const ring = new HashRing(); // xxh3, 100 vnodes
  ring.addMany(SERVERS);
  const seed = new HashRing({ hash: 'seed' });
  seed.addMany(SERVERS);
  const ketama = new HashRing({ hash: 'ketama' });
  ketama.addMany(SERVERS);
  const ch = new ConsistentHash();
  for (const s of SERVERS) ch.add(s);
  const hr = new HashRingPeer(SERVERS);
  // Sanity: ketama mode and hashring agree on the workload's keys.
  for (const k of parts[0].slice(0, 2000)) {
    if (ketama.get(k) !== hr.get(k)) throw new Error(`ketama mismatch on ${k}`);
  }

  const perCall = (name, get) => {
    const next = cycler(parts);
    return { name, ops: CHUNK, fn: () => { for (const k of next()) sink += get(k).length; } };
  };
  const floorPerCallRow = () => {
    const next = cycler(parts);
    return { name: FLOOR_PER_KEY, ops: CHUNK, fn: () => { for (const k of next()) sink += floorPerKey(k); } };
  };
  const floorBatchRow = () => {
    const next = cycler(parts);
    return { name: FLOOR_BATCH, ops: CHUNK, fn: () => { sink += floorBatch(next()); } };
  };
  const batch = (name, r) => {
    const next = cycler(parts);
    return { name, ops: CHUNK, fn: () => { sink += r.getMany(next()).length; } };
  };

  let rates = await compare('Ring: per-call get, 10 servers, 1 M random user:<n> keys', [
    perCall('quorumkit HashRing.get (xxh3)', (k) => ring.get(k)),
    perCall('quorumkit HashRing.get (seed)', (k) => seed.get(k)),
    perCall('consistent-hash get', (k) => ch.get(k)),
    perCall('hashring get', (k) => hr.get(k)),
    floorPerCallRow(),
  ], { reference: 'consistent-hash get', unit: 'keys/s' });
  for (const mode of ['xxh3', 'seed']) {
    const ours = `quorumkit HashRing.get (${mode})`;
    goal(`per-call get (${mode})`, rates, ours, ['consistent-hash get', 'hashring get'], 1);
    goal(`per-call get (${mode}) against the floor`, rates, ours, [FLOOR_PER_KEY], 0.87);
  }

  rates = await compare('Ring: batch getMany (5,000 keys per call) against the peers per key', [
    batch('quorumkit HashRing.getMany (xxh3)', ring),
    batch('quorumkit HashRing.getMany (seed)', seed),
    perCall('consistent-hash get', (k) => ch.get(k)),
    perCall('hashring get', (k) => hr.get(k)),
    floorBatchRow(),
  ], { reference: 'consistent-hash get', unit: 'keys/s' });
  for (const mode of ['xxh3', 'seed']) {
    goal(`getMany (${mode})`, rates, `quorumkit HashRing.getMany (${mode})`, ['consistent-hash get', 'hashring get'], 2.5);
  }

  rates = await compare('Ring: ketama (same owners as hashring)', [
    perCall("quorumkit HashRing.get ({ hash: 'ketama' })", (k) => ketama.get(k)),
    batch("quorumkit HashRing.getMany ({ hash: 'ketama' })", ketama),
    perCall('hashring get', (k) => hr.get(k)),
  ], { reference: 'hashring get', unit: 'keys/s' });
  goal('ketama get', rates, "quorumkit HashRing.get ({ hash: 'ketama' })", ['hashring get'], 20);

  const mag = new Maglev();
  mag.addMany(SERVERS);
  const hrw = new Rendezvous();
  for (const s of SERVERS) hrw.add(s);
  await compare('Other algorithms, per call and batch (same keys)', [
    perCall('quorumkit jumpHash', (k) => SERVERS[jumpHash(k, 10)]),
    { name: 'quorumkit jumpHashMany', ops: CHUNK, fn: (() => { const next = cycler(parts); return () => { sink += jumpHashMany(next(), 10).length; }; })() },
    perCall('quorumkit Maglev.get', (k) => mag.get(k)),
    batch('quorumkit Maglev.getMany', mag),
    perCall('quorumkit Rendezvous.get', (k) => hrw.get(k)),
    perCall('consistent-hash get', (k) => ch.get(k)),
  ], { reference: 'consistent-hash get', unit: 'keys/s' });

  // One-by-one `add` merges each node into the ring (O(P) per add, about 1 s
  // for 1,000 servers here), which would dominate the run; only the batch
  // builds are timed.
  const many = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.1:11211`);
  await compare('Building a ring of 1,000 servers', [
    { name: 'quorumkit HashRing.addMany (xxh3, 100 vnodes)', ops: 1, fn: () => { const r = new HashRing(); r.addMany(many); sink += r.size; r.free(); } },
    { name: "quorumkit HashRing.addMany ({ hash: 'ketama' }, 160 points)", ops: 1, fn: () => { const r = new HashRing({ hash: 'ketama' }); r.addMany(many); sink += r.size; r.free(); } },
    { name: 'consistent-hash add × 1000 (+ first get)', ops: 1, fn: () => { const c = new ConsistentHash(); for (const s of many) c.add(s); sink += c.get('x').length; } },
    { name: 'hashring constructor', ops: 1, fn: () => { const h = new HashRingPeer(many); sink += h.get('x').length; } },
  ], { reference: 'hashring constructor', unit: 'rings/s' });

  for (const r of [ring, seed, ketama, mag, hrw]) r.free();
  if (sink === 0.5) console.log(fmt(sink));
}
