// `npm run size`: the size of each subpath's .wasm in pkg/ (raw, gzip -9,
// brotli), the ten largest items of each by twiggy, and the gzip budgets.
// Exits non-zero when a module, or all of them together, is over its budget.
//
// Each budget is the goal for that module once the module meets it; until
// then (and for raft-sim, which has no goal) it is the module's measured size
// plus about 2%, so that CI still fails on growth, and the goal is printed
// beside it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { root, capture, MODULES, wasmFile } from './lib.mjs';

/** gzip -9 bytes (1 KB = 1,000 bytes): the goal, and the budget CI enforces. */
export const BUDGETS = {
  // 18.3 KB measured.
  snowflake: { goal: 12_000, budget: 18_700 },
  // Over its goal again since the blocked filter joined the module: 40.5 KB measured.
  bloom: { goal: 40_000, budget: 41_300 },
  ring: { goal: 64_000, budget: 64_000 },
  raft: { goal: 64_000, budget: 64_000 },
  // 84.1 KB measured.
  'raft-sim': { goal: null, budget: 86_000 },
};
/** All five modules together: 249.9 KB measured. */
export const TOTAL = { goal: 160_000, budget: 255_000 };

const kb = (n) => (n / 1000).toFixed(1);

/** Sizes of one module file: raw, gzip -9 and brotli (quality 11) bytes. */
export function sizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * The `n` largest items of the optimized module with its names
 * (target/wasm-named/, written by the build), as twiggy lists them, without
 * the name section itself (the package's module does not carry it).
 */
function twiggyTop(subpath, n) {
  const named = join(root, 'target', 'wasm-named', wasmFile(subpath));
  if (!existsSync(named)) return null;
  const out = capture('twiggy', ['top', '-n', String(n + 4), '-f', 'json', named]);
  if (out === null) return null;
  return JSON.parse(out)
    .filter((item) => !/names" subsection$/.test(item.name))
    .slice(0, n)
    .map((item) => ({
      bytes: item.shallow_size,
      // Symbol hashes and crate disambiguators only get in the way of reading.
      name: item.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, ''),
    }));
}

function main() {
  const pkg = join(root, 'pkg');
  const missing = MODULES.filter((m) => !existsSync(join(pkg, wasmFile(m))));
  if (missing.length) {
    console.error(`no ${missing.map(wasmFile).join(', ')} in pkg/: run \`npm run build\` first`);
    process.exit(1);
  }
  const rows = MODULES.map((m) => ({ m, ...sizes(join(pkg, wasmFile(m))) }));
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  let over = false;
  const verdict = (gzip, { goal, budget }) => {
    const ok = gzip <= budget;
    over ||= !ok;
    const goalText = goal === null ? 'no goal' : gzip <= goal ? `goal ${kb(goal)} met` : `goal ${kb(goal)}, ${kb(gzip - goal)} over`;
    return `${kb(budget).padStart(6)}  ${ok ? '✓' : '✗ over budget'}  (${goalText})`;
  };

  console.log('module (KB)              raw    gzip  brotli  gzip budget');
  for (const r of rows) {
    console.log(`${`quorumkit/${r.m}`.padEnd(20)} ${kb(r.raw).padStart(7)} ${kb(r.gzip).padStart(7)} ${kb(r.brotli).padStart(7)}  ${verdict(r.gzip, BUDGETS[r.m])}`);
  }
  console.log(`${'all five'.padEnd(20)} ${kb(total.raw).padStart(7)} ${kb(total.gzip).padStart(7)} ${kb(total.brotli).padStart(7)}  ${verdict(total.gzip, TOTAL)}`);

  for (const { m } of rows) {
    const top = twiggyTop(m, 10);
    console.log(`\nquorumkit/${m}: largest items (twiggy, bytes before compression)`);
    if (top === null) {
      console.log('  (twiggy or target/wasm-named/ is missing: `cargo install twiggy`, then `npm run build`)');
      continue;
    }
    for (const item of top) console.log(`  ${String(item.bytes).padStart(6)}  ${item.name}`);
  }
  process.exitCode = over ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
