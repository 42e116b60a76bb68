// `npm run size`: raw and gzip size of each .wasm in pkg/, against the budget
// for the finished package (all four algorithms): 250 KB raw, 90 KB gzip.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './lib.mjs';

const BUDGET = { raw: 250_000, gzip: 90_000 };
const pkg = join(root, 'pkg');
let files;
try {
  files = readdirSync(pkg, { recursive: true }).filter((f) => f.endsWith('.wasm'));
} catch {
  files = [];
}
if (files.length === 0) {
  console.error('no .wasm in pkg/: run `npm run build` first');
  process.exit(1);
}
let over = false;
for (const f of files) {
  const bytes = readFileSync(join(pkg, f));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const ok = bytes.length <= BUDGET.raw && gz <= BUDGET.gzip;
  over ||= !ok;
  console.log(`${f}: ${(bytes.length / 1000).toFixed(1)} KB raw, ${(gz / 1000).toFixed(1)} KB gzip (budget ${BUDGET.raw / 1000} KB / ${BUDGET.gzip / 1000} KB) ${ok ? '✓' : '✗ over budget'}`);
}
process.exitCode = over ? 1 : 0;
