// The side-by-side harness shared by every JS benchmark: contenders run the
// same workload in the same process, one after another, several rounds each,
// and the table gives each one's rate and its ratio to the reference
// contender. Absolute figures move with machine load; ratios measured in one
// run are what to compare.
import { Bench } from 'tinybench';

const QUICK = process.env.BENCH_QUICK === '1';

/**
 * Measures contenders and prints a table.
 * @param {string} title
 * @param {{ name: string, ops: number, fn: () => void, setup?: () => void }[]} contenders
 *   `fn` performs `ops` operations per call.
 * @param {{ reference?: string, unit?: string }} [opts] `reference` names the
 *   contender the ratios are taken against (default: the last one).
 * @returns {Promise<Map<string, number>>} operations per second by name.
 */
export async function compare(title, contenders, opts = {}) {
  const bench = new Bench({ time: QUICK ? 150 : 1000, warmupTime: QUICK ? 50 : 250 });
  for (const c of contenders) bench.add(c.name, c.fn, c.setup ? { beforeAll: c.setup } : {});
  await bench.run();
  const rates = new Map();
  for (const task of bench.tasks) {
    const c = contenders.find((x) => x.name === task.name);
    const hz = task.result?.throughput?.mean ?? task.result?.hz ?? 0;
    rates.set(task.name, hz * c.ops);
  }
  const ref = opts.reference ?? contenders.at(-1).name;
  const unit = opts.unit ?? 'ops/s';
  console.log(`\n## ${title}`);
  console.log(`| contender | ${unit} | × ${ref} |`);
  console.log('|---|---:|---:|');
  for (const [name, rate] of rates) {
    console.log(`| ${name} | ${fmt(rate)} | ${(rate / rates.get(ref)).toFixed(2)} |`);
  }
  return rates;
}

/** Formats a rate with a unit prefix: 12.3 M, 456 k. */
export function fmt(rate) {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k`;
  return rate.toFixed(1);
}

/** `count` keys like `user:<n>`, the workload shape of every keyed benchmark. */
export function userKeys(count, offset = 0) {
  const keys = new Array(count);
  for (let i = 0; i < count; i++) keys[i] = `user:${i + offset}`;
  return keys;
}
