// `npm test`: install what is missing, then run every tier and end with one
// line "N passed, N failed" (tests across all tiers; each lint or build step
// counts as one). Exits non-zero if anything failed.
//
//   tiers: fmt, clippy (native, wasm32, and wasm32 per subpath feature),
//          cargo test (native), build of pkg/ and its size budgets,
//          wasm-bindgen-test in Node and in headless Chromium, node:test
//          (package API, the four load environments, the page in Playwright),
//          and every fuzz target for 30 s (`npm run fuzz` has the long mode;
//          skipped, and said so, where no nightly toolchain can be installed)
//   QUORUMKIT_LONG=1 npm test   runs every test that has a long mode in it (README: the commands).
//   npm test -- --only=cargo,node   runs the named tiers only.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, runTee, ensureToolchain, CHROMEDRIVER, MODULES } from './lib.mjs';
import { ensureFuzzer, fuzz, report, targets } from './fuzz.mjs';

const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice(7).split(',') : null;
const t0 = Date.now();

ensureToolchain({ browsers: true });

const results = [];
// wasm-bindgen-test suites: tests/wasm*.rs (the others use native-only dev-dependencies).
const wasmTests = readdirSync(join(root, 'tests'))
  .filter((f) => /^wasm.*\.rs$/.test(f))
  .flatMap((f) => ['--test', f.slice(0, -3)]);
const wasmEnv = { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner' };

/** Sums cargo's "test result: ok. N passed; M failed" lines. */
function cargoCounts(output) {
  let passed = 0;
  let failed = 0;
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed };
}

/** Reads node:test's spec summary ("ℹ pass N", "ℹ fail N"). */
function nodeCounts(output) {
  const n = (k) => Number(output.match(new RegExp(`^ℹ ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: n('pass'), failed: n('fail') + n('cancelled') };
}

const check = () => ({ passed: 1, failed: 0 });

async function tier(name, group, cmd, args, { env, counts = check } = {}) {
  if (only && !only.includes(group)) return true;
  console.log(`\n━━ ${name}: ${cmd} ${args.join(' ')}`);
  const t = Date.now();
  const { code, output } = await runTee(cmd, args, { env: env ?? process.env });
  let { passed, failed } = code === 0 || counts !== check ? counts(output) : { passed: 0, failed: 1 };
  if (code !== 0 && failed === 0) failed = 1; // did not build, or crashed before reporting
  if (code === 0 && passed === 0) failed = 1; // a tier that ran no test is a failure
  results.push({ name, passed, failed, secs: (Date.now() - t) / 1000 });
  return code === 0;
}

await tier('rustfmt', 'lint', 'cargo', ['fmt', '--all', '--check']);
await tier('clippy (native)', 'lint', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']);
await tier('clippy (wasm32)', 'lint', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', ...wasmTests, '--', '-D', 'warnings']);
// Each subpath's module is built with only its feature: each combination must be clean too.
for (const m of MODULES) {
  await tier(`clippy (wasm32, ${m} alone)`, 'lint', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features', '--features', m, '--', '-D', 'warnings']);
}
await tier('cargo test (native)', 'cargo', 'cargo', ['test'], { counts: cargoCounts });
const built = await tier('build pkg/', 'build', process.execPath, [join(root, 'scripts', 'build.mjs')]);
if (built) await tier('size budgets (npm run size)', 'build', process.execPath, [join(root, 'scripts', 'size.mjs')]);
await tier('wasm-bindgen-test (Node)', 'wasm', 'cargo', ['test', '--target', 'wasm32-unknown-unknown', ...wasmTests], { env: wasmEnv, counts: cargoCounts });
await tier('wasm-bindgen-test (Chromium)', 'wasm', 'cargo', ['test', '--target', 'wasm32-unknown-unknown', ...wasmTests], {
  env: { ...wasmEnv, WASM_BINDGEN_USE_BROWSER: '1', CHROMEDRIVER },
  counts: cargoCounts,
});
if (built || (only && !only.includes('build'))) {
  await tier('node:test (package, environments, page)', 'node', process.execPath, [
    '--test', '--test-reporter=spec',
    'tests/js/', 'tests/examples/', 'tests/env/', 'tests/page/',
  ], { counts: nodeCounts });
} else {
  results.push({ name: 'node:test (package, environments, page): skipped, pkg/ did not build', passed: 0, failed: 1, secs: 0 });
}

if (!only || only.includes('fuzz')) {
  const why = ensureFuzzer();
  if (why) {
    results.push({ name: `fuzz: SKIPPED, ${why}`, passed: 0, failed: 0, secs: 0 });
  } else {
    const t = Date.now();
    const runs = [];
    for (const target of targets()) runs.push(await fuzz(target, 30));
    report(runs);
    const failed = runs.filter((r) => !r.ok).length;
    results.push({ name: `fuzz (${runs.length} targets, 30 s each)`, passed: runs.length - failed, failed, secs: (Date.now() - t) / 1000 });
  }
}

const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log('\n━━ Summary');
for (const r of results) {
  console.log(`${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.secs.toFixed(1)} s)`);
}
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
