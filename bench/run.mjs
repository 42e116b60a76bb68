// `npm run bench`: every side-by-side benchmark. JS benchmarks (bench/*.bench.mjs)
// run against the built package and the npm peers; the Rust criterion benches
// run natively. Flags: --js, --rust (only that half), BENCH_QUICK=1 (short runs).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, ensureToolchain } from '../scripts/lib.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const js = !args.includes('--rust');
const rust = !args.includes('--js');

ensureToolchain();
const { build } = await import('../scripts/build.mjs');
await build();

if (js) {
  console.log(`# JS benchmarks (Node ${process.version}, ${process.arch})`);
  const files = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.mjs')).sort();
  for (const f of files) {
    if (only.length && !only.some((o) => f.startsWith(o))) continue;
    const mod = await import(pathToFileURL(join(root, 'bench', f)).href);
    await mod.run();
  }
}
if (rust) {
  console.log('\n# Rust benchmarks (criterion, native)');
  run('cargo', ['bench', ...(only.length ? ['--bench', ...only] : []), '--', '--noplot']);
}
