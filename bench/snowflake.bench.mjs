// Snowflake IDs: sustained unique IDs per second from JS, against the
// layout's limit (2^12 IDs per ms = 4,096,000/s for a 12-bit sequence), and
// how many duplicates each generator produced in a tight loop.
//
// Each contender makes COUNT IDs as fast as it can; the rate is COUNT divided
// by the wall time, and duplicates are counted exactly (sort + adjacent
// compare for 64-bit IDs, a Set for string IDs).
import { createRequire } from 'node:module';
import { Snowflake } from 'quorumkit';
import { Snowflake as SapphireSnowflake } from '@sapphire/snowflake';
import { v7 as uuidv7 } from 'uuid';
import { monotonicFactory } from 'ulid';
import { fmt } from './harness.mjs';

const require = createRequire(import.meta.url);
const NodejsSnowflake = require('nodejs-snowflake').Snowflake;

const QUICK = process.env.BENCH_QUICK === '1';
const COUNT = QUICK ? 500_000 : 4_000_000;
const LIMIT = 4_096_000;
const EPOCH = 1609459200000;

function duplicates64(ids) {
  const sorted = BigUint64Array.from(ids).sort();
  let d = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) d++;
  return d;
}

function duplicatesOf(values) {
  return values.length - new Set(values).size;
}

// The output array is allocated before the clock starts, so the figure is the
// generator's own rate.
function measure(bits, make) {
  const alloc = (n) => (bits === 64 ? new BigUint64Array(n) : new Array(n).fill(''));
  make(alloc(200_000)); // warm up the JIT
  const ids = alloc(COUNT);
  const t = performance.now();
  make(ids);
  const secs = (performance.now() - t) / 1000;
  return { rate: COUNT / secs, ids };
}

export async function run() {
  const ours = new Snowflake({ machineId: 1 });
  const sapphire = new SapphireSnowflake(BigInt(EPOCH));
  const nodejsSnowflake = new NodejsSnowflake({ custom_epoch: EPOCH, instance_id: 1 });
  const ulid = monotonicFactory();

  const contenders = [
    ['quorumkit .fill() (batch)', 64, (a) => ours.fill(a)],
    ['quorumkit .next()', 64, (a) => { for (let i = 0; i < a.length; i++) a[i] = ours.next(); }],
    ['quorumkit .nextString()', 0, (a) => { for (let i = 0; i < a.length; i++) a[i] = ours.nextString(); }],
    ['@sapphire/snowflake', 64, (a) => { for (let i = 0; i < a.length; i++) a[i] = sapphire.generate(); }],
    ['nodejs-snowflake', 64, (a) => { for (let i = 0; i < a.length; i++) a[i] = nodejsSnowflake.getUniqueID(); }],
    ['uuid v7', 0, (a) => { for (let i = 0; i < a.length; i++) a[i] = uuidv7(); }],
    ['ulid (monotonic)', 0, (a) => { for (let i = 0; i < a.length; i++) a[i] = ulid(); }],
  ];

  console.log(`\n## Snowflake: sustained IDs per second, ${COUNT.toLocaleString('en')} IDs each`);
  console.log('| contender | IDs/s | × 12-bit layout limit | duplicates |');
  console.log('|---|---:|---:|---:|');
  for (const [name, bits, make] of contenders) {
    const { rate, ids } = measure(bits, make);
    const dups = bits === 64 ? duplicates64(ids) : duplicatesOf(ids);
    console.log(`| ${name} | ${fmt(rate)} | ${(rate / LIMIT).toFixed(3)} | ${dups.toLocaleString('en')} |`);
  }
  ours.free();
  nodejsSnowflake.free();
}
