// The packed package in the other places JavaScript runs: Bun, Deno (with no
// permissions), workerd (Cloudflare Workers' runtime, as wrangler bundles for
// it), a module Web Worker in headless Chromium, webpack 5, esbuild, a
// Next.js App Router app, and TypeScript strict in a `node16` CommonJS
// project and a `nodenext` ES module one (consumer/consumer.ts, compiled).
//
// Every environment runs the same workload (workload.mjs) for each entry: the
// root with every subpath imported beside it ("together"), and each subpath
// alone. The runtimes and bundlers are npm packages at pinned versions,
// installed once into tests/env/.cache/tools/ (git-ignored); the tarball is
// packed and installed once per run into a project inside that folder, so
// the tools resolve from there. A tool that cannot be installed or run is a
// skipped test that says which and why, never a pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import HashRingPeer from 'hashring';
import * as local from 'quorumkit';
import { root, wasmFile } from '../../scripts/lib.mjs';
import { launch, serveStatic, collectProblems } from '../helpers/browser.mjs';
import { EXPORTS, RING_KEYS, RING_SERVERS, SUBPATHS, run } from './workload.mjs';

/** The tools, at exact versions (the env tier's only downloads). */
export const TOOLS = {
  bun: '1.4.4',
  deno: '2.9.6',
  workerd: '1.20261117.1',
  webpack: '5.112.2',
  next: '16.4.6',
  react: '19.3.1',
  'react-dom': '19.3.1',
};
const tools = join(root, 'tests', 'env', '.cache', 'tools');
const app = join(tools, 'run');
const bin = (name) => join(tools, 'node_modules', '.bin', name);
const here = run(local);
const peer = new HashRingPeer(RING_SERVERS);
/** The entries each environment runs: the root with every subpath, and each subpath alone. */
const ENTRIES = ['together', ...SUBPATHS];
let toolsProblem = null;
let browser;

/** What `npm install` of the tools said, if it failed (null: installed). */
function installTools() {
  mkdirSync(tools, { recursive: true });
  const stamp = join(tools, 'node_modules', '.quorumkit-tools.json');
  const want = JSON.stringify(TOOLS);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return null;
  writeFileSync(join(tools, 'package.json'), JSON.stringify({ name: 'quorumkit-env-tools', private: true, dependencies: TOOLS }, null, 2));
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: tools, stdio: 'pipe', timeout: 600_000 });
  } catch (e) {
    return `npm install of ${Object.entries(TOOLS).map(([k, v]) => `${k}@${v}`).join(' ')} failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`;
  }
  writeFileSync(stamp, want);
  return null;
}

/**
 * The source of one entry's workload module for `spec` (how a subpath is
 * imported: a bare specifier for bundlers and runtimes, a path for a browser
 * with no bundler). It exports `result()`.
 */
function entrySource(entry, spec) {
  if (entry !== 'together') {
    return `import * as m from '${spec(entry)}';\nimport { runSubpath } from './workload.mjs';\nexport const result = () => runSubpath('${entry}', m);\n`;
  }
  const ids = SUBPATHS.map((s) => s.replace('-', '_'));
  return [
    `import * as q from '${spec(null)}';`,
    ...SUBPATHS.map((s, i) => `import * as ${ids[i]} from '${spec(s)}';`),
    `import { run, sameAsRoot } from './workload.mjs';`,
    `export const result = () => ({ root: run(q), rootExports: Object.keys(q).sort(), sameAsRoot: sameAsRoot(q, { ${SUBPATHS.map((s, i) => `'${s}': ${ids[i]}`).join(', ')} }) });`,
    '',
  ].join('\n');
}

const bare = (s) => (s ? `quorumkit/${s}` : 'quorumkit');

/** Writes `<dir>/<entry>.mjs` for every entry, and `<dir>/<entry>.<host>.mjs` from `wrap(entry)`. */
function writeSources(dir, spec, host, wrap) {
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'tests', 'env', 'workload.mjs'), join(dir, 'workload.mjs'));
  for (const e of ENTRIES) {
    writeFileSync(join(dir, `${e}.mjs`), entrySource(e, spec));
    writeFileSync(join(dir, `${e}.${host}.mjs`), wrap(e));
  }
}

/** Checks one subpath's workload result (without the Rust-written filter). */
function checkSubpath(subpath, r) {
  const expected = {
    snowflake: { increasing: true, machineId: 5, discord: 1462015105796 },
    bloom: { roundTrip: true, serverKeysFound: null },
    ring: { crc32: 0xcbf43926, xxh64: 'ef46db3751d8e999', owners: RING_KEYS.map((k) => peer.get(k)) },
    raft: { leader: 1, committed: ['register', 'x=1', 'x=1'], results: ['applied', 'duplicate'] },
    'raft-sim': here['raft-sim'],
  };
  assert.deepEqual(r, expected[subpath], subpath);
}

/** Checks an entry's result (JSON text or a parsed object). */
function check(entry, json) {
  const r = typeof json === 'string' ? JSON.parse(json) : json;
  if (entry === 'together') {
    assert.match(r.root.version, /^\d+\.\d+\.\d+/);
    for (const s of SUBPATHS) checkSubpath(s, r.root[s]);
    assert.deepEqual(r.rootExports, Object.keys(local).sort(), 'the root exports what it exports in Node');
    assert.deepEqual(r.sameAsRoot, Object.fromEntries(SUBPATHS.map((s) => [s, true])), "the subpaths' exports are the root's");
  } else {
    assert.match(r.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(r.exports, EXPORTS[entry]);
    checkSubpath(entry, r.result);
  }
}

/** Runs `fn(entry)` as one subtest per entry; `fn` returns the entry's result. */
async function eachEntry(t, fn) {
  for (const entry of ENTRIES) {
    await t.test(entry === 'together' ? 'quorumkit with every subpath' : `quorumkit/${entry} alone`, async () => check(entry, await fn(entry)));
  }
}

/**
 * The path of tool `name`'s binary, or null after marking `t` skipped with
 * the reason (not installed, or does not run here).
 */
function toolBinary(t, name, path = bin(name)) {
  if (toolsProblem) {
    t.skip(`${name}: not installed (${toolsProblem})`);
    return null;
  }
  try {
    execFileSync(path, ['--version'], { stdio: 'pipe', timeout: 60_000 });
  } catch (e) {
    t.skip(`${name}@${TOOLS[name]}: its binary does not run on this machine (${String(e.stderr || e.message).trim().split('\n')[0]})`);
    return null;
  }
  return path;
}

before(async () => {
  toolsProblem = installTools();
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', app, '--json', '--silent'], { encoding: 'utf8' }));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'quorumkit-env-app', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--silent', join(app, packed[0].filename)], { cwd: app, stdio: 'pipe' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(app, { recursive: true, force: true });
});

test('Bun runs the package through its ES module and CommonJS entries', async (t) => {
  const bun = toolBinary(t, 'bun');
  if (!bun) return;
  const dir = join(app, 'bun');
  writeSources(dir, bare, 'bun', (e) => `import { result } from './${e}.mjs';\nconsole.log(JSON.stringify(result()));\n`);
  await eachEntry(t, (e) => execFileSync(bun, [`${e}.bun.mjs`], { cwd: dir, encoding: 'utf8' }));
  // CommonJS: the same checks through require().
  writeFileSync(
    join(dir, 'together.cjs'),
    `const q = require('quorumkit');\nconst subpaths = Object.fromEntries(${JSON.stringify(SUBPATHS)}.map((s) => [s, require('quorumkit/' + s)]));\n` +
      `import('./workload.mjs').then(({ run, sameAsRoot }) => console.log(JSON.stringify({ root: run(q), rootExports: Object.keys(q).sort(), sameAsRoot: sameAsRoot(q, subpaths) })));\n`,
  );
  await t.test('require(quorumkit) with every subpath', () => check('together', execFileSync(bun, ['together.cjs'], { cwd: dir, encoding: 'utf8' })));
});

test('Deno runs the package with no permissions (no --allow-read, no --allow-net)', async (t) => {
  const deno = toolBinary(t, 'deno');
  if (!deno) return;
  const dir = join(app, 'deno');
  writeSources(dir, bare, 'deno', (e) => `import { result } from './${e}.mjs';\nconsole.log(JSON.stringify(result()));\n`);
  const env = { ...process.env, DENO_DIR: join(app, '.deno'), NO_COLOR: '1' };
  await eachEntry(t, (e) =>
    execFileSync(deno, ['run', '--no-prompt', '--node-modules-dir=manual', '--no-lock', `${e}.deno.mjs`], { cwd: dir, encoding: 'utf8', env }),
  );
});

/** A free-enough TCP port for a server this test starts (its own range, per process). */
const port = (i) => 20_000 + ((process.pid * 7) % 20_000) + i;

/** Resolves with the response text of `url` once the server answers, polling until `ms`. */
async function whenUp(url, ms, child) {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      const text = await r.text();
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}: ${text}`);
      return text;
    } catch (e) {
      if (child.exitCode !== null || Date.now() - t0 > ms) throw new Error(`${url} did not answer: ${e.message}\n${child.output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Starts `cmd` in `cwd`, keeping its output for error messages. */
function start(cmd, args, cwd, env = process.env) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  return child;
}

/** Stops a server this test started, and waits until it has exited. */
async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('workerd (Cloudflare Workers) runs the package bundled as wrangler bundles it: the .wasm imported as modules', async (t) => {
  const workerd = toolBinary(t, 'workerd');
  if (!workerd) return;
  const dir = join(app, 'workerd');
  writeSources(dir, bare, 'worker', (e) => `import { result } from './${e}.mjs';\nexport default { fetch: () => new Response(JSON.stringify(result())) };\n`);
  // wrangler's bundling: esbuild with the conditions workerd, worker, browser, and each
  // imported .wasm left as a module of its own, uploaded beside the script.
  const esbuild = await import('esbuild');
  const wasmModules = {
    name: 'wasm-modules',
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: a.path.split('/').pop(), external: true }));
    },
  };
  const { warnings } = await esbuild.build({
    entryPoints: ENTRIES.map((e) => join(dir, `${e}.worker.mjs`)),
    outdir: join(dir, 'out'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    plugins: [wasmModules],
    logLevel: 'silent',
  });
  assert.deepEqual(warnings.map((w) => w.text), [], 'esbuild has nothing to warn about');
  for (const s of SUBPATHS) cpSync(join(app, 'node_modules', 'quorumkit', wasmFile(s)), join(dir, 'out', wasmFile(s)));
  const wasm = SUBPATHS.map((s) => `(name = "${wasmFile(s)}", wasm = embed "out/${wasmFile(s)}")`).join(', ');
  const capnp = [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    `  services = [${ENTRIES.map((e) => `(name = "${e}", worker = .w${ENTRIES.indexOf(e)})`).join(', ')}],`,
    `  sockets = [${ENTRIES.map((e, i) => `(name = "${e}", address = "127.0.0.1:${port(i)}", http = (), service = "${e}")`).join(', ')}],`,
    ');',
    ...ENTRIES.map(
      (e, i) =>
        `const w${i} :Workerd.Worker = (modules = [(name = "worker", esModule = embed "out/${e}.worker.js"), ${wasm}], compatibilityDate = "2026-11-01");`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.capnp'), capnp);
  const child = start(workerd, ['serve', 'config.capnp'], dir);
  try {
    await eachEntry(t, (e) => whenUp(`http://127.0.0.1:${port(ENTRIES.indexOf(e))}/`, 60_000, child));
  } finally {
    await stop(child);
  }
});

test('a module Web Worker in Chromium runs the package with no bundler', async (t) => {
  const dir = join(app, 'worker');
  writeSources(dir, (s) => (s ? `/node_modules/quorumkit/${s}/index.js` : '/node_modules/quorumkit/index.js'), 'worker', (e) =>
    `import { result } from './${e}.mjs';\npostMessage(JSON.stringify(result()));\n`,
  );
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script>
      const w = new Worker('/env/' + new URLSearchParams(location.search).get('entry') + '.worker.mjs', { type: 'module' });
      w.onmessage = (m) => { document.body.dataset.result = m.data; };
      w.onerror = (e) => { document.body.dataset.result = JSON.stringify({ error: e.message }); };
    </script><body></body>`,
  );
  await eachEntry(t, async (e) => {
    const page = await browser.newPage();
    const problems = collectProblems(page);
    const origin = 'http://worker.test';
    await serveStatic(page, origin, { '/node_modules/quorumkit/': join(app, 'node_modules', 'quorumkit'), '/env/': dir, '/': dir });
    await page.goto(`${origin}/?entry=${e}`);
    await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 20_000 });
    const json = await page.getAttribute('body', 'data-result');
    assert.deepEqual(problems, []);
    await page.close();
    return json;
  });
});

/** Loads `dir/<entry>.html` (which sets body[data-result]) in Chromium and returns the result. */
async function pageResult(dir, entry, host, allowed = () => false) {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  const origin = `http://${host}.test`;
  await serveStatic(page, origin, { '/': dir });
  await page.goto(`${origin}/${entry}.html`);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 20_000 });
  const json = await page.getAttribute('body', 'data-result');
  assert.deepEqual(problems.filter((p) => !allowed(p)), []);
  await page.close();
  return json;
}

const pageWrap = (e) => `import { result } from './${e}.mjs';\ndocument.body.dataset.result = JSON.stringify(result());\n`;
const html = (script, type) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body><script ${type} src="${script}"></script></body>`;

test('webpack 5 bundles the package with no configuration, emitting each subpath module as an asset', async (t) => {
  if (toolsProblem) return t.skip(`webpack: not installed (${toolsProblem})`);
  const webpack = createRequire(join(tools, 'package.json'))('webpack');
  const dir = join(app, 'webpack');
  writeSources(dir, bare, 'page', pageWrap);
  const out = join(dir, 'dist');
  const stats = await new Promise((resolve, reject) =>
    webpack(
      {
        mode: 'production',
        target: 'web',
        context: dir,
        entry: Object.fromEntries(ENTRIES.map((e) => [e, `./${e}.page.mjs`])),
        output: { path: out, filename: '[name].js' },
      },
      (err, s) => (err ? reject(err) : resolve(s)),
    ),
  );
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  const wasm = readdirSync(out).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, SUBPATHS.length, `one .wasm asset per subpath: ${wasm}`);
  for (const e of ENTRIES) writeFileSync(join(out, `${e}.html`), html(`/${e}.js`, ''));
  await eachEntry(t, (e) => pageResult(out, e, 'webpack'));
});

test("esbuild bundles the package with the README's configuration (the .wasm through the file loader, given to init)", async (t) => {
  const esbuild = await import('esbuild');
  const dir = join(app, 'esbuild');
  // What the README shows: import each module's URL, and pass it to init.
  writeSources(dir, bare, 'page', (e) => {
    const mods = e === 'together' ? SUBPATHS : [e];
    const ids = mods.map((s) => s.replace('-', '_'));
    const imports = mods.map((s, i) => `import ${ids[i]} from 'quorumkit/${wasmFile(s)}';`).join('\n');
    const init =
      e === 'together'
        ? `import { init } from 'quorumkit';\nawait init({ ${mods.map((s, i) => `'${s}': ${ids[i]}`).join(', ')} });`
        : `import { init } from 'quorumkit/${e}';\nawait init(${ids[0]});`;
    return `${imports}\n${init}\n${pageWrap(e)}`;
  });
  const out = join(dir, 'dist');
  const { warnings } = await esbuild.build({
    entryPoints: ENTRIES.map((e) => join(dir, `${e}.page.mjs`)),
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    loader: { '.wasm': 'file' },
    logLevel: 'silent',
  });
  assert.deepEqual(warnings.map((w) => w.text), [], 'esbuild has nothing to warn about');
  for (const e of ENTRIES) writeFileSync(join(out, `${e}.html`), html(`/${e}.page.js`, 'type="module"'));
  // The entries' own load looks for each module beside the package's files, where esbuild
  // put nothing: that fetch fails (the browser logs the 404) before init loads the module.
  const fallback = (p) => /Failed to load resource: the server responded with a status of 404/.test(p);
  await eachEntry(t, (e) => pageResult(out, e, 'esbuild', fallback));
});

test('TypeScript strict type-checks a node16 CommonJS project (the .d.cts types) and a nodenext ES module project', async (t) => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [name, type, mod] of [['node16 CommonJS', 'commonjs', 'node16'], ['nodenext ES module', 'module', 'nodenext']]) {
    await t.test(name, () => {
      const dir = join(app, `ts-${mod}`);
      mkdirSync(dir, { recursive: true });
      cpSync(join(root, 'tests', 'env', 'consumer', 'consumer.ts'), join(dir, 'consumer.ts'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
      const options = { target: 'es2022', module: mod, moduleResolution: mod, strict: true, outDir: 'out', types: [] };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['consumer.ts'] }));
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
      // The program is in that format, so the types checked were the ones for require or import.
      const js = readFileSync(join(dir, 'out', 'consumer.js'), 'utf8');
      assert.match(js, type === 'commonjs' ? /require\("quorumkit"\)/ : /from 'quorumkit'/);
    });
  }
});

test('a Next.js App Router app builds (next build) and runs the package in a server component, a client component and an edge route', async (t) => {
  const next = toolBinary(t, 'next', bin('next'));
  if (!next) return;
  const dir = join(app, 'next');
  cpSync(join(root, 'tests', 'env', 'next-app'), dir, { recursive: true });
  cpSync(join(root, 'tests', 'env', 'workload.mjs'), join(dir, 'workload.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'quorumkit-next-app', private: true }));
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', QUORUMKIT_ENV_ROOT: tools };
  execFileSync(next, ['build'], { cwd: dir, env, stdio: 'pipe', timeout: 600_000 });
  const p = port(ENTRIES.length + 1);
  const child = start(next, ['start', '-p', String(p), '-H', '127.0.0.1'], dir, env);
  try {
    await whenUp(`http://127.0.0.1:${p}/edge`, 60_000, child).then((json) => t.test('edge route (runtime "edge")', () => check('together', json)));
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.goto(`http://127.0.0.1:${p}/`);
    await page.waitForSelector('#client', { timeout: 30_000 });
    await t.test('server component', async () => check('together', await page.textContent('#server')));
    await t.test('client component', async () => check('together', await page.textContent('#client')));
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await stop(child);
  }
});
