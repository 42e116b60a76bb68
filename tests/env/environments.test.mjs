// The four ways users load quorumkit, each without an explicit init call:
// (a) Node ESM and (b) Node CommonJS, from the packed tarball installed into a
// fresh project (which also type-checks a TypeScript consumer); (c) a browser
// loading native ES modules through an import map; (d) a Vite production build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { launch, serveStatic, collectProblems } from '../helpers/browser.mjs';

const expected = { crc32: 0xcbf43926, xxh64: 'ef46db3751d8e999' };
const work = mkdtempSync(join(tmpdir(), 'quorumkit-env-'));
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

function checkResult(json) {
  const r = JSON.parse(json);
  assert.equal(r.crc32, expected.crc32);
  assert.equal(r.xxh64, expected.xxh64);
  assert.match(r.version, /^\d+\.\d+\.\d+/);
}

test('the packed package installs and loads in Node ESM, CommonJS and TypeScript', () => {
  const packed = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8' });
  const tarball = join(work, JSON.parse(packed)[0].filename);
  const app = join(work, 'app');
  cpSync(join(root, 'tests', 'env', 'consumer'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--silent', tarball], { cwd: app, stdio: 'pipe' });

  checkResult(execFileSync(process.execPath, ['esm.mjs'], { cwd: app, encoding: 'utf8' }));
  checkResult(execFileSync(process.execPath, ['cjs.cjs'], { cwd: app, encoding: 'utf8' }));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
});

test('a browser loads the package as native ES modules, with no bundler and no network, and makes IDs', async () => {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = 'http://quorumkit.test';
  await serveStatic(page, origin, {
    '/node_modules/quorumkit/': join(root, 'pkg'),
    '/': join(root, 'tests', 'env', 'native-esm'),
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 10_000 });
  const result = await page.getAttribute('body', 'data-result');
  checkResult(result);
  assert.deepEqual(JSON.parse(result).snowflake, { increasing: true, machineId: 5, discord: 1462015105796 });
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
  checkResult(await page.getAttribute('body', 'data-result'));
  assert.deepEqual(problems, []);
  await page.close();
});
