// Browser and bundler entry point of quorumkit/SUBPATH (also any runtime without a
// "node" export condition). Its wasm module is fetched and compiled once, with
// top-level await, before any import of this module completes: users never call
// an init function. scripts/build.mjs writes one copy per subpath.
import init from '../dist/raw/SUBPATH.js';
import { bind } from '../dist/bind/SUBPATH.js';

bind(await init({ module_or_path: new URL('../WASM_FILE', import.meta.url) }));

export * from '../dist/subpaths/SUBPATH.js';
