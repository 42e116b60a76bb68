// The four ways users load quorumkit, each without an explicit init call, for
// the root and for every subpath (`quorumkit/snowflake`, `/bloom`, `/ring`,
// `/raft`, `/raft-sim`), all from the packed tarball installed into a fresh
// project: (a) Node ESM and (b) Node CommonJS (the project also type-checks a
// TypeScript consumer of every subpath); (c) a browser loading native ES
// modules through an import map; (d) a Vite production build. And (e) a page
// under a strict Content-Security-Policy, with and without 'wasm-unsafe-eval'.
// runtimes.test.mjs has the other hosts and bundlers. Each runs workload.mjs: per
// subpath, a little of its API checked against independent references (npm
// `hashring`, published checksums, a filter written by the Rust crate) and
// against the same run in this process. Each subpath also runs alone, in a
// fresh process or page, which in the browser fetches only its own module;
// and a Vite app that imports only `quorumkit/snowflake` emits only that module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HashRingPeer from 'hashring';
import * as local from 'quorumkit';
import { root, wasmFile } from '../../scripts/lib.mjs';
import { BUDGETS, sizes } from '../../scripts/size.mjs';
import { launch, serveStatic, collectProblems } from '../helpers/browser.mjs';
import { EXPORTS, RING_KEYS, RING_SERVERS, SUBPATHS, run } from './workload.mjs';

const bloomFixtures = join(root, 'tests', 'testdata', 'bloom');
const serverFilter = join(bloomFixtures, 'native_v1.bin');
const peer = new HashRingPeer(RING_SERVERS);
// The deterministic Raft runs, as this process (Node, pkg/ through the root) makes them.
const here = run(local);
const work = mkdtempSync(join(tmpdir(), 'quorumkit-env-'));
const app = join(work, 'app');
/** The package as the tarball installed it. */
const installed = join(app, 'node_modules', 'quorumkit');
let browser;

before(async () => {
  const packed = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8' });
  const tarball = join(work, JSON.parse(packed)[0].filename);
  cpSync(join(root, 'tests', 'env', 'consumer'), app, { recursive: true });
  cpSync(join(root, 'tests', 'env', 'workload.mjs'), join(app, 'workload.mjs'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--silent', tarball], { cwd: app, stdio: 'pipe' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Checks one subpath's workload result; `withServerFilter` if it was given the Rust-written filter. */
function checkSubpath(subpath, r, withServerFilter) {
  switch (subpath) {
    case 'snowflake':
      assert.deepEqual(r, { increasing: true, machineId: 5, discord: 1462015105796 });
      break;
    case 'bloom':
      assert.deepEqual(r, { roundTrip: true, serverKeysFound: withServerFilter ? 1000 : null });
      break;
    case 'ring':
      assert.deepEqual(r, { crc32: 0xcbf43926, xxh64: 'ef46db3751d8e999', owners: RING_KEYS.map((k) => peer.get(k)) });
      break;
    case 'raft':
      assert.deepEqual(r, { leader: 1, committed: ['register', 'x=1', 'x=1'], results: ['applied', 'duplicate'] });
      break;
    case 'raft-sim':
      assert.equal(r.violations, 0);
      assert.notEqual(r.first, r.second, 'a new leader after the crash');
      assert.deepEqual(r, here['raft-sim']);
      break;
    default:
      assert.fail(`unknown subpath ${subpath}`);
  }
}

/** Checks a run of the root and every subpath together (esm.mjs, cjs.cjs, the pages, the Vite app). */
function checkAll(json, withServerFilter = true) {
  const r = JSON.parse(json);
  assert.match(r.root.version, /^\d+\.\d+\.\d+/);
  for (const s of SUBPATHS) checkSubpath(s, r.root[s], withServerFilter);
  assert.deepEqual(r.rootExports, Object.keys(local).sort(), 'the root exports what it exports in Node ESM');
  assert.deepEqual(r.sameAsRoot, Object.fromEntries(SUBPATHS.map((s) => [s, true])), "the subpaths' exports are the root's");
  return r;
}

/** Checks a run of one subpath alone (esm-one.mjs, cjs-one.cjs, the ?only= pages). */
function checkOne(subpath, json, withServerFilter = true) {
  const r = JSON.parse(json);
  assert.match(r.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(r.exports, EXPORTS[subpath]);
  checkSubpath(subpath, r.result, withServerFilter);
  return r;
}

test('the packed package installs and runs in Node ESM, CommonJS and TypeScript, root and every subpath, alone and together', () => {
  const node = (...args) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });

  checkAll(node('esm.mjs', serverFilter));
  checkAll(node('cjs.cjs', serverFilter));
  for (const s of SUBPATHS) {
    checkOne(s, node('esm-one.mjs', s, serverFilter));
    checkOne(s, node('cjs-one.cjs', s, serverFilter));
  }
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
});

/** Loads the native-ESM page with `query` and returns its result (JSON text). */
async function nativePage(query) {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = 'http://quorumkit.test';
  await serveStatic(page, origin, {
    '/node_modules/quorumkit/': installed,
    '/env/': join(root, 'tests', 'env'),
    '/fixtures/': bloomFixtures,
    '/': join(root, 'tests', 'env', 'native-esm'),
  });
  await page.goto(`${origin}/${query}`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  const json = await page.getAttribute('body', 'data-result');
  assert.deepEqual(problems, []);
  await page.close();
  return json;
}

test('a browser loads the package as native ES modules, with no bundler and no network: the root, and each subpath fetching only its own module', async () => {
  const all = checkAll(await nativePage(''));
  assert.deepEqual(all.wasm, SUBPATHS.map((s) => `/node_modules/quorumkit/${wasmFile(s)}`).sort());
  for (const s of SUBPATHS) {
    const one = checkOne(s, await nativePage(`?only=${s}`));
    assert.deepEqual(one.wasm, [`/node_modules/quorumkit/${wasmFile(s)}`]);
  }
});

/** Builds the Vite app tests/env/<name>, copied into the project with the tarball, and returns its output directory. */
async function viteBuild(name) {
  const { build } = await import('vite');
  const outDir = join(work, `${name}-dist`);
  cpSync(join(root, 'tests', 'env', name), join(app, name), { recursive: true });
  await build({
    root: join(app, name),
    configFile: false,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return outDir;
}

/** Serves a Vite build and returns the page's result (JSON text). */
async function viteRun(outDir, host) {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = `http://${host}.test`;
  await serveStatic(page, origin, { '/': outDir });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  const json = await page.getAttribute('body', 'data-result');
  assert.deepEqual(problems, []);
  await page.close();
  return json;
}

test('a Vite production build bundles the root and every subpath with their wasm modules, and runs', async () => {
  const outDir = await viteBuild('vite-app');
  const wasm = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, SUBPATHS.length, `one wasm asset per subpath: ${wasm}`);
  for (const s of SUBPATHS) assert.ok(wasm.some((f) => f.startsWith(`quorumkit-${s}-`)), `${s} in ${wasm}`);
  checkAll(await viteRun(outDir, 'vite-app'), false);
});

test('a Vite app that imports only quorumkit/snowflake emits only the Snowflake module, within its size budget', async () => {
  const outDir = await viteBuild('vite-snowflake');
  const assets = readdirSync(join(outDir, 'assets')).sort();
  assert.equal(assets.length, 2, `one script and one module: ${assets}`);
  const [script, module] = [assets.find((f) => f.endsWith('.js')), assets.find((f) => f.endsWith('.wasm'))];
  assert.match(script ?? '', /^index-[\w-]+\.js$/);
  assert.match(module ?? '', /^quorumkit-snowflake-[\w-]+\.wasm$/);
  // The asset is the package's module byte for byte, so the budget of `npm run size` holds for it.
  const shipped = readFileSync(join(root, 'pkg', wasmFile('snowflake')));
  assert.ok(readFileSync(join(outDir, 'assets', module)).equals(shipped), 'the emitted module is pkg/' + wasmFile('snowflake'));
  const { raw, gzip } = sizes(join(outDir, 'assets', module));
  assert.equal(raw, statSync(join(root, 'pkg', wasmFile('snowflake'))).size);
  assert.ok(gzip <= BUDGETS.snowflake.budget, `gzip ${gzip} B within the budget of ${BUDGETS.snowflake.budget} B`);
  // Nothing of the other modules' glue rides along in the script.
  const js = readFileSync(join(outDir, 'assets', script), 'utf8');
  for (const other of ['RawBloomFilter', 'RawHashRing', 'RawRaftNode', 'RawRaftCluster']) {
    assert.ok(!js.includes(other), `${other} is not in the Snowflake app's script`);
  }
  checkOne('snowflake', await viteRun(outDir, 'vite-snowflake'), false);
});

/** Loads tests/env/csp/ served with `policy` and returns its result (parsed) and the page's problems. */
async function cspPage(policy) {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = 'http://csp.test';
  await serveStatic(page, origin, { '/node_modules/quorumkit/': installed, '/csp/': join(root, 'tests', 'env', 'csp') });
  await page.route(`${origin}/`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': policy }, body: readFileSync(join(root, 'tests', 'env', 'csp', 'index.html')) }),
  );
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  const result = JSON.parse(await page.getAttribute('body', 'data-result'));
  await page.close();
  return { result, problems };
}

test("under a strict Content-Security-Policy the package needs 'wasm-unsafe-eval', as the README says; without it the import completes and calls name the CompileError", async () => {
  const allowed = await cspPage("default-src 'self'; img-src data:; script-src 'self' 'wasm-unsafe-eval'");
  assert.deepEqual(allowed, { result: { crc32: 0xcbf43926 }, problems: [] });
  const strict = await cspPage("default-src 'self'; img-src data:; script-src 'self'");
  assert.equal(strict.result.cause, 'CompileError');
  assert.match(strict.result.error, /^quorumkit\/ring: the wasm module is not loaded: loading it failed \(CompileError: .*/);
});
