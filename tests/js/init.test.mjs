// init(source) / initSync(module): loading the wasm yourself, per subpath and
// at the root, in ESM and CommonJS. Where the entry's own load fails (here:
// the browser entry in Node, whose fetch of a file: URL Node does not do), the
// import still completes, calls throw naming that failure as their cause, and
// init or initSync then loads the module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ring from 'quorumkit/ring';
import * as q from 'quorumkit';
import { root, MODULES, wasmFile } from '../../scripts/lib.mjs';

const pkg = join(root, 'pkg');
const bytes = (m) => readFileSync(join(pkg, wasmFile(m)));

/** Runs `code` as an ES module in a fresh Node process and returns its stdout. */
function fresh(code) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

test('init and initSync return at once when the module is loaded, and check their argument', async () => {
  assert.equal(await ring.init(), undefined);
  assert.equal(await ring.init(new URL('https://example.invalid/never-fetched.wasm')), undefined);
  assert.equal(ring.initSync(bytes('ring')), undefined);
  assert.equal(ring.initSync(new WebAssembly.Module(bytes('ring'))), undefined);
  assert.throws(() => ring.initSync('quorumkit-ring.wasm'), { name: 'TypeError', message: /^module must be a WebAssembly\.Module.*got string/ });
  assert.throws(() => ring.initSync(null), { name: 'TypeError', message: /got null$/ });
  assert.equal(ring.crc32('123456789'), 0xcbf43926);
});

test("the root's init and initSync take an object keyed by subpath name", async () => {
  assert.equal(await q.init(), undefined);
  assert.equal(q.initSync({}), undefined, 'every module is loaded: none is needed');
  assert.equal(q.initSync({ ring: bytes('ring') }), undefined);
  await assert.rejects(q.init(null), { name: 'TypeError', message: /^sources must be an object keyed by subpath name, got null/ });
  assert.throws(() => q.initSync(), { name: 'TypeError', message: /^modules must be an object/ });
  assert.throws(() => q.initSync({ bloom: 42 }), { name: 'TypeError', message: /got number/ });
});

test('CommonJS: the same init and initSync, with the root taking one module per subpath', async () => {
  const require = createRequire(import.meta.url);
  const cjs = require('quorumkit');
  assert.equal(cjs.initSync({}), undefined);
  assert.equal(await cjs.init({ snowflake: bytes('snowflake') }), undefined);
  assert.throws(() => cjs.initSync(null), { name: 'TypeError', message: /^modules must be an object/ });
  assert.notEqual(cjs.init, require('quorumkit/ring').init, "the root's init loads all five");
  assert.equal(typeof require('quorumkit/ring').initSync, 'function');
});

test('where the entry cannot load its module, the import completes and initSync loads it later', () => {
  const out = fresh(`
    import assert from 'node:assert/strict';
    import { readFileSync } from 'node:fs';
    const ring = await import(${JSON.stringify(join(pkg, 'ring', 'index.js'))});
    let error;
    try { ring.crc32('a'); } catch (e) { error = e; }
    assert.match(error.message, /^quorumkit\\/ring: the wasm module is not loaded: loading it failed \\(.+\\); call init\\(source\\) or initSync\\(module\\)/);
    assert.ok(error.cause instanceof Error, 'the failed load is the cause');
    ring.initSync(readFileSync(${JSON.stringify(join(pkg, wasmFile('ring')))}));
    console.log(ring.crc32('123456789'));
  `);
  assert.equal(Number(out), 0xcbf43926);
});

test("where the root's entry cannot load, init names a missing module, and loads all five from what it is given", () => {
  const out = fresh(`
    import assert from 'node:assert/strict';
    import { readFileSync } from 'node:fs';
    const q = await import(${JSON.stringify(join(pkg, 'index.js'))});
    const read = (m) => readFileSync(${JSON.stringify(pkg)} + '/quorumkit-' + m + '.wasm');
    assert.throws(() => q.initSync({ snowflake: read('snowflake') }), { name: 'TypeError', message: "modules['bloom'] is missing, and the bloom module is not loaded yet" });
    await q.init(Object.fromEntries(${JSON.stringify(MODULES)}.map((m) => [m, read(m)])));
    const c = new q.RaftCluster({ nodes: 3, seed: 1 });
    c.advance(1000);
    console.log(JSON.stringify({ crc: q.crc32('123456789'), leader: c.state().leader !== null, id: typeof new q.Snowflake({ machineId: 1 }).next() }));
  `);
  assert.deepEqual(JSON.parse(out), { crc: 0xcbf43926, leader: true, id: 'bigint' });
});
