// The four ways users load quorumkit, each without an explicit init call:
// (a) Node ESM and (b) Node CommonJS, from the packed tarball installed into a
// fresh project (which also type-checks a TypeScript consumer); (c) a browser
// loading native ES modules through an import map; (d) a Vite production build.
// Each then runs workload.mjs: a ketama ring checked owner for owner against
// npm `hashring`, a Bloom filter round trip through base64 and, where the
// environment can read files, a filter written by the Rust crate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HashRingPeer from 'hashring';
import { root } from '../../scripts/lib.mjs';
import { launch, serveStatic, collectProblems } from '../helpers/browser.mjs';
import { RING_KEYS, RING_SERVERS } from './workload.mjs';

const peer = new HashRingPeer(RING_SERVERS);
const expected = { crc32: 0xcbf43926, xxh64: 'ef46db3751d8e999', ring: RING_KEYS.map((k) => peer.get(k)) };
const bloomFixtures = join(root, 'tests', 'testdata', 'bloom');
const serverFilter = join(bloomFixtures, 'native_v1.bin');
const work = mkdtempSync(join(tmpdir(), 'quorumkit-env-'));
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Checks an environment's workload result; `withServerFilter` if it was given the Rust-written filter. */
function checkResult(json, withServerFilter = true) {
  const r = JSON.parse(json);
  assert.equal(r.crc32, expected.crc32);
  assert.equal(r.xxh64, expected.xxh64);
  assert.match(r.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(r.ring, expected.ring);
  assert.equal(r.bloom.roundTrip, true);
  assert.equal(r.bloom.serverKeysFound, withServerFilter ? 1000 : null);
  return r;
}

test('the packed package installs and runs in Node ESM, CommonJS and TypeScript, and reads a filter built natively', () => {
  const packed = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8' });
  const tarball = join(work, JSON.parse(packed)[0].filename);
  const app = join(work, 'app');
  cpSync(join(root, 'tests', 'env', 'consumer'), app, { recursive: true });
  cpSync(join(root, 'tests', 'env', 'workload.mjs'), join(app, 'workload.mjs'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--silent', tarball], { cwd: app, stdio: 'pipe' });

  checkResult(execFileSync(process.execPath, ['esm.mjs', serverFilter], { cwd: app, encoding: 'utf8' }));
  checkResult(execFileSync(process.execPath, ['cjs.cjs', serverFilter], { cwd: app, encoding: 'utf8' }));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
});

test('a browser loads the package as native ES modules, with no bundler and no network, makes IDs and reads a filter built natively', async () => {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = 'http://quorumkit.test';
  await serveStatic(page, origin, {
    '/node_modules/quorumkit/': join(root, 'pkg'),
    '/env/': join(root, 'tests', 'env'),
    '/fixtures/': bloomFixtures,
    '/': join(root, 'tests', 'env', 'native-esm'),
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  const result = checkResult(await page.getAttribute('body', 'data-result'));
  assert.deepEqual(result.snowflake, { increasing: true, machineId: 5, discord: 1462015105796 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a Vite production build bundles the package and its wasm, and runs', async () => {
  const { build } = await import('vite');
  const outDir = join(work, 'vite-dist');
  await build({
    root: join(root, 'tests', 'env', 'vite-app'),
    configFile: false,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  const assets = readdirSync(join(outDir, 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `wasm emitted as an asset: ${assets}`);

  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = 'http://vite-app.test';
  await serveStatic(page, origin, { '/': outDir });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  checkResult(await page.getAttribute('body', 'data-result'), false);
  assert.deepEqual(problems, []);
  await page.close();
});
