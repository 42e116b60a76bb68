// What `npm pack` puts in the tarball: exactly the expected files (each host's
// entry, the types for import and require, the five modules, the compiled
// facade with its declarations, the user README and both licenses) and
// nothing else; and package.json fields that agree with the docs and with
// what the tarball holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, MODULES, wasmFile } from '../../scripts/lib.mjs';
import { ENTRY_FILES, HOST_ENTRIES } from '../../scripts/build.mjs';

const pkg = join(root, 'pkg');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: pkg, encoding: 'utf8' }));
const files = packed.files.map((f) => f.path).sort();

/** The facade's sources, as paths under js/src without the extension (raw: the glues). */
function facadeModules() {
  const src = join(root, 'js', 'src');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(src)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || (f.includes('/raw/') && f.endsWith('.js')))
    .map((f) => relative(src, f).replace(/\.(ts|js)$/, ''));
}

test('the tarball holds exactly the entries, types, modules, facade, README and licenses', () => {
  const facade = facadeModules();
  const expected = [
    'package.json',
    'README.md',
    'LICENSE-MIT',
    'LICENSE-APACHE',
    ...ENTRY_FILES,
    ...MODULES.flatMap((m) => [wasmFile(m), ...ENTRY_FILES.map((f) => `${m}/${f}`)]),
    ...facade.flatMap((f) => [`dist/${f}.js`, `dist/${f}.d.ts`, `dist/cjs/${f}.d.ts`]),
    'dist/cjs/package.json',
  ].sort();
  assert.deepEqual(files, expected);
  console.log(`${packed.filename}: ${files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
});

test('the README in the tarball is written for users, not the workspace one', () => {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  assert.equal(readme, readFileSync(join(root, 'js', 'README.md'), 'utf8'));
  assert.match(readme, /npm install quorumkit/);
  for (const workspaceOnly of ['npm start', 'npm test', 'rustup', 'cargo']) assert.ok(!readme.includes(workspaceOnly), workspaceOnly);
  // The sizes it states are the workspace README's (which `npm run size` keeps current).
  const sizes = (text) => [...text.matchAll(/^\| `quorumkit(?:\/[\w-]+)?` \|.*\| ([\d.]+ KB \([\d.]+ KB\)) \|$/gm)].map((m) => m[1]);
  assert.deepEqual(sizes(readme), sizes(readFileSync(join(root, 'README.md'), 'utf8')));
  assert.equal(sizes(readme).length, MODULES.length + 1);
});

test("package.json: licenses, engines and side effects agree with the docs and the files", () => {
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  assert.equal(manifest.license, cargo.match(/^license = "(.+)"$/m)[1]);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.match(readFileSync(join(pkg, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(join(pkg, 'LICENSE-MIT'), 'utf8'), /^Copyright .*\n\nPermission is hereby granted, free of charge/);
  assert.deepEqual(manifest.engines, { node: '>=20' });
  assert.match(readFileSync(join(pkg, 'README.md'), 'utf8'), /Node\.js ≥ 20\b/);
  assert.ok(manifest.keywords.length >= 10);
  // Every file with side effects is an entry (which loads a module), and every entry is listed.
  const entries = files.filter((f) => /(^|\/)(index\.js|node\.mjs|node\.cjs|deno\.js|workerd\.js|edge-light\.js)$/.test(f) && !f.startsWith('dist/'));
  assert.deepEqual(manifest.sideEffects.map((f) => f.slice(2)).sort(), entries.sort());
  // The links come from Cargo.toml, one source for both manifests.
  const repository = cargo.match(/^repository = "(.+)"$/m)?.[1];
  assert.ok(repository, 'Cargo.toml names the repository');
  assert.equal(manifest.repository.url, `git+${repository}.git`);
  assert.equal(manifest.homepage, cargo.match(/^homepage = "(.+)"$/m)?.[1]);
  assert.equal(manifest.bugs.url, `${repository}/issues`);
});

test('every entry routes each host to its own file, with types for import and require', () => {
  for (const dir of ['', ...MODULES.map((m) => `${m}/`)]) {
    const c = manifest.exports[dir ? `./${dir.slice(0, -1)}` : '.'];
    assert.deepEqual(Object.keys(c), ['workerd', 'edge-light', 'deno', 'browser', 'node', 'types', 'default']);
    for (const host of ['workerd', 'edge-light', 'deno', 'browser']) {
      assert.deepEqual(c[host], { types: `./${dir}index.d.ts`, default: `./${dir}${HOST_ENTRIES[host]}` });
    }
    assert.deepEqual(c.node, {
      import: { types: `./${dir}index.d.ts`, default: `./${dir}node.mjs` },
      require: { types: `./${dir}index.d.cts`, default: `./${dir}node.cjs` },
    });
    for (const f of [c.types, c.default]) assert.ok(files.includes(f.slice(2)), f);
  }
  for (const m of MODULES) assert.equal(manifest.exports[`./${wasmFile(m)}`], `./${wasmFile(m)}`);
});
