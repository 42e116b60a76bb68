// `npm run fuzz -- [TARGET|all] [SECONDS]`: coverage-guided fuzzing of every
// decoder that takes outside bytes or text, and of a Raft node driven by an
// arbitrary schedule (the targets are in fuzz/fuzz_targets/). Each target
// starts from its committed seed corpus (fuzz/corpus/TARGET, read only) and
// keeps what it finds in fuzz/target/corpus/TARGET. Every run limits one
// input's allocations (-malloc_limit_mb), so an input that makes a decoded
// value allocate far beyond its size is a crash, not a slow run.
//
//   npm run fuzz                      every target for 30 s (what `npm test` runs)
//   npm run fuzz -- raft_node 600     one target for ten minutes (the long mode)
//
// Needs the nightly toolchain and cargo-fuzz; installs them if it can, and
// otherwise says it skipped. Exits non-zero if a target found a crash; the
// input is in fuzz/artifacts/TARGET/.
import { readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, capture, runTee } from './lib.mjs';

/** The most one input may allocate at once, in MB. */
export const MALLOC_LIMIT_MB = 64;

/** Every fuzz target, by file name. */
export function targets() {
  return readdirSync(join(root, 'fuzz', 'fuzz_targets'))
    .filter((f) => f.endsWith('.rs'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Makes sure `cargo +nightly fuzz` runs, installing the nightly toolchain
 * and cargo-fuzz if they are missing. Returns null when ready, else why not.
 */
export function ensureFuzzer() {
  const nightly = () => capture('cargo', ['+nightly', '--version']) !== null;
  const fuzz = () => capture('cargo', ['fuzz', '--version']) !== null;
  try {
    if (!nightly()) {
      console.log('\n▶ installing the nightly Rust toolchain (cargo-fuzz needs it)');
      run('rustup', ['toolchain', 'install', 'nightly', '--profile', 'minimal']);
    }
    if (!fuzz()) {
      console.log('\n▶ installing cargo-fuzz; this takes a few minutes once');
      run('cargo', ['install', 'cargo-fuzz']);
    }
  } catch (e) {
    return `could not install the fuzzer (${e.message})`;
  }
  if (!nightly()) return 'no nightly Rust toolchain';
  if (!fuzz()) return 'cargo-fuzz is not installed';
  return null;
}

/** Reads libFuzzer's final stats from its output. */
function stats(output) {
  const stat = (k) => Number(output.match(new RegExp(`stat::${k}:\\s+(\\d+)`))?.[1] ?? NaN);
  const done = [...output.matchAll(/#\d+\s+(?:DONE|pulse|NEW|REDUCE)\s+cov: (\d+) ft: (\d+) corp: (\d+)/g)].at(-1);
  return {
    execs: stat('number_of_executed_units'),
    perSecond: stat('average_exec_per_sec'),
    cov: Number(done?.[1] ?? NaN),
    features: Number(done?.[2] ?? NaN),
    corpus: Number(done?.[3] ?? NaN),
  };
}

/** Runs one target for `seconds`; resolves with { target, ok, ...stats }. */
export async function fuzz(target, seconds) {
  const work = join(root, 'fuzz', 'target', 'corpus', target);
  mkdirSync(work, { recursive: true });
  mkdirSync(join(root, 'fuzz', 'corpus', target), { recursive: true });
  console.log(`\n━━ fuzz ${target} for ${seconds} s`);
  const { code, output } = await runTee('cargo', [
    '+nightly', 'fuzz', 'run', '--release', target, work, join('fuzz', 'corpus', target), '--',
    `-max_total_time=${seconds}`, `-malloc_limit_mb=${MALLOC_LIMIT_MB}`, '-rss_limit_mb=2048',
    '-print_final_stats=1', '-timeout=10',
  ]);
  const artifact = output.match(/Test unit written to (\S+)/)?.[1];
  return { target, ok: code === 0, artifact, ...stats(output) };
}

/** Prints one line per target run. */
export function report(results) {
  console.log('\n━━ fuzz summary');
  for (const r of results) {
    const line = `${r.target}: ${r.execs.toLocaleString('en')} execs (${r.perSecond.toLocaleString('en')}/s), cov ${r.cov}, ft ${r.features}, corpus ${r.corpus}`;
    console.log(`${r.ok ? '✓' : '✗'} ${line}${r.ok ? '' : ` — CRASH: ${r.artifact ?? 'see the output above'}`}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what = 'all', secs = '30'] = process.argv.slice(2);
  const all = targets();
  const chosen = what === 'all' ? all : [what];
  for (const t of chosen) {
    if (!all.includes(t)) throw new Error(`unknown fuzz target ${t}: one of ${all.join(', ')}, or all`);
  }
  const seconds = Number(secs);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`SECONDS must be a positive integer, got ${secs}`);
  const why = ensureFuzzer();
  if (why) {
    console.log(`fuzzing skipped: ${why}`);
  } else {
    const results = [];
    for (const t of chosen) results.push(await fuzz(t, seconds));
    report(results);
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  }
}
