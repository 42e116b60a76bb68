// Builds the npm package in pkg/: the Rust core for wasm32, the wasm-bindgen
// glue, wasm-opt, the TypeScript facade, the ESM/CJS entry points and the
// package.json. Usage: node scripts/build.mjs [--dev]
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, ensureToolchain, crateVersion } from './lib.mjs';

const pkg = join(root, 'pkg');
const bindgenOut = join(root, 'target', 'bindgen');
const rawSrc = join(root, 'js', 'src', 'raw');

// Features that rustc enables by default for wasm32 and every current browser
// and Node >= 20 supports; wasm-opt must be told it may keep them.
const WASM_FEATURES = [
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
  run('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', profile]);
  const wasmIn = join(root, 'target', 'wasm32-unknown-unknown', dev ? 'debug' : 'release', 'quorumkit.wasm');

  rmSync(bindgenOut, { recursive: true, force: true });
  run('wasm-bindgen', [wasmIn, '--target', 'web', '--out-dir', bindgenOut, '--out-name', 'quorumkit']);

  // The facade is compiled against the generated glue's types.
  rmSync(rawSrc, { recursive: true, force: true });
  mkdirSync(rawSrc, { recursive: true });
  for (const f of ['quorumkit.js', 'quorumkit.d.ts']) cpSync(join(bindgenOut, f), join(rawSrc, f));

  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(join(pkg, 'dist', 'raw'), { recursive: true });
  run('tsc', ['-p', join('js', 'tsconfig.json')]);
  cpSync(join(bindgenOut, 'quorumkit.d.ts'), join(pkg, 'dist', 'raw', 'quorumkit.d.ts'));
  // The glue's fallback URL (used only by an init() without arguments, which the entries
  // never make) names a file beside the glue; the .wasm sits at the package root. Point it
  // there, so bundlers that resolve `new URL(…, import.meta.url)` (webpack, Vite) find it.
  const glue = readFileSync(join(bindgenOut, 'quorumkit.js'), 'utf8');
  const fallback = "new URL('quorumkit_bg.wasm', import.meta.url)";
  if (!glue.includes(fallback)) throw new Error(`wasm-bindgen glue no longer contains ${fallback}`);
  writeFileSync(join(pkg, 'dist', 'raw', 'quorumkit.js'), glue.replace(fallback, "new URL('../../quorumkit_bg.wasm', import.meta.url)"));

  const wasmOut = join(pkg, 'quorumkit_bg.wasm');
  if (dev) {
    cpSync(join(bindgenOut, 'quorumkit_bg.wasm'), wasmOut);
  } else {
    run('wasm-opt', ['-Oz', ...WASM_FEATURES, '--strip-debug', '--strip-producers', join(bindgenOut, 'quorumkit_bg.wasm'), '-o', wasmOut]);
  }

  for (const f of ['index.js', 'index.d.ts', 'node.mjs']) cpSync(join(root, 'js', 'entries', f), join(pkg, f));
  await buildCjs();
  writePackageJson();
  cpSync(join(root, 'README.md'), join(pkg, 'README.md'));
  linkIntoNodeModules();
  console.log(`\npkg/ built (${profile}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// The CommonJS entry is the Node ESM entry bundled into one file; the only
// translation needed is import.meta.url, which CommonJS spells __filename.
async function buildCjs() {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(pkg, 'node.mjs')],
    outfile: join(pkg, 'node.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: { 'import.meta.url': '__quorumkit_import_meta_url' },
    banner: { js: "const __quorumkit_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
}

function writePackageJson() {
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
      '.': {
        types: './index.d.ts',
        node: { import: './node.mjs', require: './node.cjs' },
        default: './index.js',
      },
      './package.json': './package.json',
    },
    files: ['index.js', 'index.d.ts', 'node.mjs', 'node.cjs', 'quorumkit_bg.wasm', 'dist/', 'README.md'],
    sideEffects: ['./index.js', './node.mjs', './node.cjs'],
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
