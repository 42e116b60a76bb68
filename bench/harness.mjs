// The side-by-side harness shared by every JS benchmark: contenders run the
// same workload in the same process, interleaved: every round gives each
// contender a short time slice, in a rotating order, so a change in machine
// load falls on all of them alike. The table gives each contender's median
// rate and its ratio to the reference contender, the median of the per-round
// ratios, with their range across rounds. Absolute figures move with machine
// load; ratios measured in one run are what to compare.


const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 3 : 9;
const SLICE_MS = QUICK ? 60 : 200;
const WARMUP_MS = QUICK ? 50 : 250;

/** Calls `fn` for at least `ms` milliseconds (at least once); returns calls per second. */
function callsPerSecond(fn, ms) {
  let calls = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return calls / (elapsed / 1000);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Measures contenders and prints a table.
 * @param {string} title
 * @param {{ name: string, ops: number, fn: () => void }[]} contenders
 *   `fn` performs `ops` operations per call.
 * @param {{ reference?: string, unit?: string }} [opts] `reference` names the
 *   contender the ratios are taken against (default: the last one).
 * @returns {Promise<Map<string, number[]>>} operations per second by name, one per round
 *   (round r of every contender ran close together in time; see {@link medianRatio}).
 */
export async function compare(title, contenders, opts = {}) {
  const ref = opts.reference ?? contenders.at(-1).name;
  const unit = opts.unit ?? 'ops/s';
  for (const c of contenders) callsPerSecond(c.fn, WARMUP_MS);
  const perRound = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + r) % contenders.length;
      perRound[i].push(callsPerSecond(contenders[i].fn, SLICE_MS) * contenders[i].ops);
    }
  }
  const rates = new Map(contenders.map((c, i) => [c.name, perRound[i]]));
  console.log(`\n## ${title}`);
  console.log(`| contender | ${unit} | × ${ref} | range over ${ROUNDS} rounds |`);
  console.log('|---|---:|---:|---:|');
  for (const [name, rs] of rates) {
    const ratios = roundRatios(rates, name, ref);
    console.log(`| ${name} | ${fmt(median(rs))} | ${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`);
  }
  return rates;
}

function roundRatios(rates, a, b) {
  const rb = rates.get(b);
  return rates.get(a).map((rate, r) => rate / rb[r]);
}

/** The median over rounds of `a`'s rate divided by `b`'s in the same round. */
export function medianRatio(rates, a, b) {
  return median(roundRatios(rates, a, b));
}

/** The median of a contender's per-round rates. */
export function medianRate(rates, name) {
  return median(rates.get(name));
}

/**
 * Prints whether `ours` reaches `want` times the fastest of `peers` (by
 * median rate), as the median of the per-round ratios.
 */
export function goal(label, rates, ours, peers, want) {
  const best = peers.reduce((a, b) => (medianRate(rates, b) > medianRate(rates, a) ? b : a));
  const ratio = medianRatio(rates, ours, best);
  console.log(`\n${ratio >= want ? '✓' : '✗'} ${label}: ${ratio.toFixed(2)}× ${best} (goal ${want}×)`);
}

/**
 * The floor of any keyed call into wasm, as the facade makes it, in the module
 * of `bind` (a binding of pkg/dist/bind/, e.g. `ring.js`): `perKey(key)` writes
 * the key's UTF-8 into wasm memory, then makes one wasm call that does no
 * work; `batch(keys)` packs the keys the same way, then makes the one call. A
 * contender cannot beat its floor; the floor's ratio to a peer is the most
 * any design that hashes in wasm could reach.
 */
export function floor(bind) {
  const { writeKey, writeKeys } = bind;
  const emptyCall = bind.raw.key_buffer_len;
  return {
    perKey: (key) => writeKey(key) + emptyCall(),
    batch: (keys) => writeKeys(keys) + emptyCall(),
  };
}
export const FLOOR_PER_KEY = 'floor: key written into wasm + empty call';
export const FLOOR_BATCH = 'floor: keys packed into wasm + empty call';

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
