// Builds the npm package in pkg/: one wasm module per subpath (the Rust core
// for wasm32 with only that subpath's cargo feature, its wasm-bindgen glue,
// wasm-opt), the TypeScript facade, the ESM/CJS entry points of every subpath
// and of the root, and the package.json. Usage: node scripts/build.mjs [--dev]
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * wasm-opt's passes for the package's modules. --converge repeats them until nothing
 * shrinks (0.3-0.8% off gzip). --low-memory-unused lets loads and stores fold a constant
 * offset into their immediate: Rust's modules keep their stack in the first MiB, growing
 * down from its end, and their data above it, so nothing lives in the first 1024 bytes
 * (0.5-0.8% off gzip).
 */
const WASM_OPT = ['-Oz', '--converge', '--low-memory-unused', ...WASM_FEATURES];

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
  dropTypeOnlyImports();
  mkdirSync(namedOut, { recursive: true });
  for (const m of MODULES) {
    const out = join(bindgenOut, m);
    cpSync(join(out, `${m}.d.ts`), join(pkg, 'dist', 'raw', `${m}.d.ts`));
    // The glue's fallback URL (used by the public init() without arguments; the entries
    // always pass theirs) names a file beside the glue; the .wasm sits at the package root.
    // Point it there, so bundlers that resolve `new URL(…, import.meta.url)` (webpack, Vite)
    // find it.
    const fallback = `new URL('${m}_bg.wasm', import.meta.url)`;
    const glue = patch(readFileSync(join(out, `${m}.js`), 'utf8'), [
      [fallback, `new URL('../../${wasmFile(m)}', import.meta.url)`],
      ...GLUE_PATCHES,
    ]);
    writeFileSync(join(pkg, 'dist', 'raw', `${m}.js`), glue);

    const wasmIn = join(out, `${m}_bg.wasm`);
    const wasmOut = join(pkg, wasmFile(m));
    if (dev) {
      cpSync(wasmIn, wasmOut);
    } else {
      // Keeping the names (-g) inhibits some optimizations, so the package's module is
      // optimized without them, and a second run with them writes the copy that twiggy reads.
      run('wasm-opt', [...WASM_OPT, '--strip-debug', '--strip-producers', '--strip-target-features', wasmIn, '-o', wasmOut]);
      run('wasm-opt', [...WASM_OPT, '-g', wasmIn, '-o', join(namedOut, wasmFile(m))]);
    }
    writeEntries(m);
  }
  writeRootEntries();
  writeCjsTypes();
  await buildCjs();
  writePackageJson();
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(join(root, f), join(pkg, f));
  cpSync(join(root, 'js', 'README.md'), join(pkg, 'README.md'));
  linkIntoNodeModules();
  console.log(`\npkg/ built (${profile}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * The facade imports internal/dispose.js bare for its global type declaration
 * (`Symbol.dispose`), which the .d.ts files must keep. In the .js files that
 * import loads an empty module that `sideEffects` rightly calls pure, and
 * bundlers warn that they ignore it (esbuild: "ignored-bare-import"), so the
 * build drops it there.
 */
function dropTypeOnlyImports() {
  const dist = join(pkg, 'dist');
  const bare = /^import '(?:\.\.?\/)+internal\/dispose\.js';\n/m;
  for (const f of ['index.js', ...MODULES.map((m) => join('subpaths', `${m}.js`))]) {
    const text = readFileSync(join(dist, f), 'utf8');
    if (!bare.test(text)) throw new Error(`pkg/dist/${f} no longer imports internal/dispose.js`);
    writeFileSync(join(dist, f), text.replace(bare, ''));
  }
}

/**
 * Edits to wasm-bindgen's glue. (1) Before its module is loaded, the glue
 * reads exports off an undefined `wasm`, and a call fails with "Cannot read
 * properties of undefined". With these edits `wasm` starts as an object whose
 * every read throws the error the facade sets (`__wbg_set_unloaded`,
 * internal/wasm.ts), which names the subpath and why its load failed; the
 * glue's "already loaded?" checks test `wasmInstance` instead. (2) `initSync`
 * takes a `WebAssembly.Module` made in another realm (the Next.js edge
 * sandbox compiles the modules outside the realm that runs the code) as the
 * module it is, instead of as bytes to compile.
 */
const GLUE_PATCHES = [
  [
    'let wasmModule, wasmInstance, wasm;',
    'let unloaded = () => new Error(\'the wasm module is not loaded\');\n' +
      'let wasmModule, wasmInstance, wasm = new Proxy({}, { get() { throw unloaded(); } });\n' +
      'export function __wbg_set_unloaded(error) { unloaded = error; }',
  ],
  ['if (wasm !== undefined) return wasm;', 'if (wasmInstance !== undefined) return wasm;', 2],
  [
    'if (!(module instanceof WebAssembly.Module)) {',
    "if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {",
  ],
];

/** Applies `[from, to, count = 1]` edits to `text`; throws unless each `from` occurs exactly `count` times. */
function patch(text, edits) {
  for (const [from, to, count = 1] of edits) {
    const found = text.split(from).length - 1;
    if (found !== count) throw new Error(`wasm-bindgen glue: expected ${count} × ${JSON.stringify(from)}, found ${found}`);
    text = text.replaceAll(from, to);
  }
  return text;
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
  run('wasm-opt', [...WASM_OPT, '--strip-debug', '--strip-producers', '--strip-target-features', wasm, '-o', wasm]);
  const glue = await import(pathToFileURL(join(out, 'loopback.js')).href);
  glue.initSync({ module: readFileSync(wasm) });
  return glue;
}

/**
 * The entry point of each host, by export condition (the types aside): every
 * subpath and the root have one file per host, plus node.cjs (Node's `require`).
 */
export const HOST_ENTRIES = { workerd: 'workerd.js', 'edge-light': 'edge-light.js', deno: 'deno.js', browser: 'index.js', node: 'node.mjs' };

/** pkg/<subpath>/: each host's entry and the types, from the templates in js/entries/subpath/. */
function writeEntries(subpath) {
  const dir = join(pkg, subpath);
  mkdirSync(dir, { recursive: true });
  for (const f of [...Object.values(HOST_ENTRIES), 'index.d.ts', 'index.d.cts']) {
    const text = readFileSync(join(entries, 'subpath', f), 'utf8').replaceAll('WASM_FILE', wasmFile(subpath)).replaceAll('SUBPATH', subpath);
    writeFileSync(join(dir, f), text);
  }
}

/**
 * The root's entry of each host imports every subpath's entry of that host
 * (js/entries/root.js); node.cjs and the types are written by hand: check that
 * node.cjs loads every subpath.
 */
function writeRootEntries() {
  const template = readFileSync(join(entries, 'root.js'), 'utf8');
  for (const [host, f] of Object.entries(HOST_ENTRIES)) {
    const imports = MODULES.map((m) => `import './${m}/${f}';`).join('\n');
    writeFileSync(join(pkg, f), template.replace('HOST', `the "${host}" export condition`).replace('IMPORTS', imports));
  }
  for (const f of ['index.d.ts', 'index.d.cts', 'node.cjs']) cpSync(join(entries, f), join(pkg, f));
  const cjs = readFileSync(join(entries, 'node.cjs'), 'utf8');
  for (const m of MODULES) {
    if (!cjs.includes(`require('./${m}/node.cjs')`)) throw new Error(`js/entries/node.cjs does not load ./${m}/node.cjs`);
  }
}

/**
 * The types of the `require` condition: TypeScript reads a .d.ts in this
 * `"type": "module"` package as an ES module, which a CommonJS project may not
 * require (TS1479), so dist/cjs/ holds the same declarations under a
 * package.json that makes them CommonJS; the index.d.cts files re-export them.
 */
function writeCjsTypes() {
  const dist = join(pkg, 'dist');
  const cjs = join(dist, 'cjs');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const f of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
    const to = join(cjs, f.slice(dist.length + 1));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
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

/**
 * One conditional export. The hosts that import the .wasm as a module come
 * first (workerd, edge-light and deno also match browser or node), then
 * browsers, then Node's import and require, each with its own types, then
 * everything else. Types sit inside each branch, so a CommonJS TypeScript
 * project resolves the .d.cts.
 */
function conditions(dir) {
  const esm = (file) => ({ types: `./${dir}index.d.ts`, default: `./${dir}${file}` });
  return {
    workerd: esm(HOST_ENTRIES.workerd),
    'edge-light': esm(HOST_ENTRIES['edge-light']),
    deno: esm(HOST_ENTRIES.deno),
    browser: esm(HOST_ENTRIES.browser),
    node: {
      import: esm(HOST_ENTRIES.node),
      require: { types: `./${dir}index.d.cts`, default: `./${dir}node.cjs` },
    },
    types: `./${dir}index.d.ts`,
    default: `./${dir}index.js`,
  };
}

/** The files each entry directory (the root and every subpath) ships. */
export const ENTRY_FILES = [...Object.values(HOST_ENTRIES), 'node.cjs', 'index.d.ts', 'index.d.cts'];

/**
 * The package's `repository`, `homepage` and `bugs`, from Cargo.toml's
 * `repository` and `homepage` (one source for both manifests).
 */
function links() {
  const toml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const field = (k) => toml.match(new RegExp(`^${k}\\s*=\\s*"([^"]+)"`, 'm'))?.[1];
  const repository = field('repository');
  if (!repository) throw new Error('Cargo.toml names no repository: the package links to it');
  return {
    repository: { type: 'git', url: `git+${repository}.git` },
    homepage: field('homepage') ?? `${repository}#readme`,
    bugs: { url: `${repository}/issues` },
  };
}

function writePackageJson() {
  const manifest = {
    name: 'quorumkit',
    version: crateVersion(),
    description:
      'Consistent hashing, Snowflake IDs, Bloom filters and Raft for JavaScript: one Rust core compiled to WebAssembly',
    license: 'MIT OR Apache-2.0',
    ...links(),
    type: 'module',
    keywords: [
      'consistent-hashing', 'hashring', 'ketama', 'maglev', 'jump-hash', 'snowflake', 'snowflake-id',
      'bloom-filter', 'parquet', 'raft', 'consensus', 'wasm', 'webassembly', 'cloudflare-workers', 'deno',
    ],
    main: './node.cjs',
    module: './index.js',
    types: './index.d.ts',
    exports: {
      '.': conditions(''),
      ...Object.fromEntries(MODULES.map((m) => [`./${m}`, conditions(`${m}/`)])),
      // For bundlers that import a module as a URL or a WebAssembly.Module, to pass to init().
      ...Object.fromEntries(MODULES.map((m) => [`./${wasmFile(m)}`, `./${wasmFile(m)}`])),
      './package.json': './package.json',
    },
    files: [...ENTRY_FILES, ...MODULES.flatMap((m) => [`${m}/`, wasmFile(m)]), 'dist/', 'LICENSE-MIT', 'LICENSE-APACHE'],
    // The entries load the wasm modules when imported; the facade under dist/ has no side effects.
    sideEffects: [...ENTRY_FILES, ...MODULES.flatMap((m) => ENTRY_FILES.map((f) => `${m}/${f}`))]
      .filter((f) => !f.includes('.d.'))
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
