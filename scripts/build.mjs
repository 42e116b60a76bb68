// Builds the npm package in pkg/: one wasm module per subpath (the Rust core
// for wasm32 with only that subpath's cargo feature, its wasm-bindgen glue,
// wasm-opt), the TypeScript facade, the ESM/CJS entry points of every subpath
// and of the root, and the package.json. Usage: node scripts/build.mjs [--dev]
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, ensureToolchain, crateVersion, MODULES, wasmFile } from './lib.mjs';
import { writeLayout } from './layout.mjs';

const pkg = join(root, 'pkg');
const bindgenOut = join(root, 'target', 'bindgen');
/** The optimized modules with their name section kept, for `npm run size` (twiggy). */
export const namedOut = join(root, 'target', 'wasm-named');
const rawSrc = join(root, 'js', 'src', 'raw');
const entries = join(root, 'js', 'entries');

// Features that rustc enables by default for wasm32 and every current browser
// and Node >= 20 supports; wasm-opt must be told it may keep them.
export const WASM_FEATURES = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];

export async function build({ dev = false } = {}) {
  const t0 = Date.now();
  const profile = dev ? 'dev' : 'release';
  rmSync(bindgenOut, { recursive: true, force: true });
  rmSync(rawSrc, { recursive: true, force: true });
  mkdirSync(rawSrc, { recursive: true });
  writeLayout(rawSrc);
  for (const m of MODULES) bindgen(m, profile);

  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(join(pkg, 'dist', 'raw'), { recursive: true });
  // The facade is compiled against the generated glues' types.
  run('tsc', ['-p', join('js', 'tsconfig.json')]);
  mkdirSync(namedOut, { recursive: true });
  for (const m of MODULES) {
    const out = join(bindgenOut, m);
    cpSync(join(out, `${m}.d.ts`), join(pkg, 'dist', 'raw', `${m}.d.ts`));
    // The glue's fallback URL (used only by an init() without arguments, which the entries
    // never make) names a file beside the glue; the .wasm sits at the package root. Point it
    // there, so bundlers that resolve `new URL(…, import.meta.url)` (webpack, Vite) find it.
    const glue = readFileSync(join(out, `${m}.js`), 'utf8');
    const fallback = `new URL('${m}_bg.wasm', import.meta.url)`;
    if (!glue.includes(fallback)) throw new Error(`wasm-bindgen glue no longer contains ${fallback}`);
    writeFileSync(join(pkg, 'dist', 'raw', `${m}.js`), glue.replace(fallback, `new URL('../../${wasmFile(m)}', import.meta.url)`));

    const wasmIn = join(out, `${m}_bg.wasm`);
    const wasmOut = join(pkg, wasmFile(m));
    if (dev) {
      cpSync(wasmIn, wasmOut);
    } else {
      // --converge repeats the passes until nothing shrinks (0.3-0.8% off gzip). Keeping the
      // names (-g) inhibits some optimizations, so the package's module is optimized without
      // them, and a second run with them writes the copy that twiggy reads.
      run('wasm-opt', ['-Oz', '--converge', ...WASM_FEATURES, '--strip-debug', '--strip-producers', wasmIn, '-o', wasmOut]);
      run('wasm-opt', ['-Oz', '--converge', ...WASM_FEATURES, '-g', wasmIn, '-o', join(namedOut, wasmFile(m))]);
    }
    writeEntries(m);
  }
  for (const f of ['index.js', 'index.d.ts', 'node.mjs', 'node.cjs']) cpSync(join(entries, f), join(pkg, f));
  checkRootEntries();
  await buildCjs();
  writePackageJson();
  cpSync(join(root, 'README.md'), join(pkg, 'README.md'));
  linkIntoNodeModules();
  console.log(`\npkg/ built (${profile}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Compiles the crate with only `subpath`'s feature and runs wasm-bindgen on it
 * into target/bindgen/<subpath>/; copies the glue's types where tsc reads them.
 * Each feature set keeps its own artifact in cargo's cache, so a rebuild with
 * nothing changed compiles nothing.
 */
function bindgen(subpath, profile) {
  run('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', profile, '--no-default-features', '--features', subpath]);
  const wasmIn = join(root, 'target', 'wasm32-unknown-unknown', profile === 'dev' ? 'debug' : 'release', 'quorumkit.wasm');
  const out = join(bindgenOut, subpath);
  run('wasm-bindgen', [wasmIn, '--target', 'web', '--out-dir', out, '--out-name', subpath]);
  for (const ext of ['js', 'd.ts']) cpSync(join(out, `${subpath}.${ext}`), join(rawSrc, `${subpath}.${ext}`));
}

/**
 * The simulator's module with the benchmark-only `bench-loopback` feature
 * (the Raft throughput workload as a wasm export, which the package leaves
 * out), optimized as the package's modules are, in target/bench-loopback/;
 * returns its instantiated glue. Used by bench/raft.bench.mjs.
 */
export async function benchLoopback() {
  run('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--release', '--no-default-features', '--features', 'raft-sim,bench-loopback']);
  const out = join(root, 'target', 'bench-loopback');
  run('wasm-bindgen', [join(root, 'target', 'wasm32-unknown-unknown', 'release', 'quorumkit.wasm'), '--target', 'web', '--out-dir', out, '--out-name', 'loopback']);
  const wasm = join(out, 'loopback_bg.wasm');
  run('wasm-opt', ['-Oz', '--converge', ...WASM_FEATURES, '--strip-debug', '--strip-producers', wasm, '-o', wasm]);
  const glue = await import(pathToFileURL(join(out, 'loopback.js')).href);
  glue.initSync({ module: readFileSync(wasm) });
  return glue;
}

/** pkg/<subpath>/{index.js,index.d.ts,node.mjs}, from the templates in js/entries/subpath/. */
function writeEntries(subpath) {
  const dir = join(pkg, subpath);
  mkdirSync(dir, { recursive: true });
  for (const f of ['index.js', 'index.d.ts', 'node.mjs']) {
    const text = readFileSync(join(entries, 'subpath', f), 'utf8').replaceAll('WASM_FILE', wasmFile(subpath)).replaceAll('SUBPATH', subpath);
    writeFileSync(join(dir, f), text);
  }
}

/** The root entries are written by hand: check that each loads every subpath. */
function checkRootEntries() {
  for (const [f, entry] of [['index.js', 'index.js'], ['node.mjs', 'node.mjs'], ['node.cjs', 'node.cjs']]) {
    const text = readFileSync(join(entries, f), 'utf8');
    for (const m of MODULES) {
      if (!text.includes(`'./${m}/${entry}'`)) throw new Error(`js/entries/${f} does not load ./${m}/${entry}`);
    }
  }
}

// Each subpath's CommonJS entry is its Node ESM entry bundled into one file; the
// only translation needed is import.meta.url, which CommonJS spells __filename.
// The root's node.cjs (js/entries) merges them, so it shares their instances.
async function buildCjs() {
  const esbuild = await import('esbuild');
  await Promise.all(
    MODULES.map((m) =>
      esbuild.build({
        entryPoints: [join(pkg, m, 'node.mjs')],
        outfile: join(pkg, m, 'node.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'warning',
        define: { 'import.meta.url': '__quorumkit_import_meta_url' },
        banner: { js: "const __quorumkit_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
      }),
    ),
  );
}

/** One conditional export: types, then Node's import/require, then everything else. */
function conditions(dir) {
  return {
    types: `./${dir}index.d.ts`,
    node: { import: `./${dir}node.mjs`, require: `./${dir}node.cjs` },
    default: `./${dir}index.js`,
  };
}

function writePackageJson() {
  const entryFiles = ['index.js', 'index.d.ts', 'node.mjs', 'node.cjs'];
  const manifest = {
    name: 'quorumkit',
    version: crateVersion(),
    description:
      'Consistent hashing, Snowflake IDs, Bloom filters and Raft for JavaScript: one Rust core compiled to WebAssembly',
    license: 'MIT OR Apache-2.0',
    type: 'module',
    keywords: ['consistent-hashing', 'hashring', 'ketama', 'snowflake', 'bloom-filter', 'raft', 'wasm'],
    main: './node.cjs',
    module: './index.js',
    types: './index.d.ts',
    exports: {
      '.': conditions(''),
      ...Object.fromEntries(MODULES.map((m) => [`./${m}`, conditions(`${m}/`)])),
      './package.json': './package.json',
    },
    files: [...entryFiles, ...MODULES.flatMap((m) => [`${m}/`, wasmFile(m)]), 'dist/', 'README.md'],
    sideEffects: [...entryFiles, ...MODULES.flatMap((m) => entryFiles.map((f) => `${m}/${f}`))]
      .filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.cjs'))
      .map((f) => `./${f}`),
    engines: { node: '>=20' },
  };
  writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
}

// Lets the tests, the benchmarks and the page import 'quorumkit' exactly as a
// user would, resolved through pkg/package.json.
function linkIntoNodeModules() {
  const link = join(root, 'node_modules', 'quorumkit');
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === '../pkg') return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // no link yet
  }
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  symlinkSync('../pkg', link, 'dir');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureToolchain();
  await build({ dev: process.argv.includes('--dev') });
}
