// Browser and bundler entry point of quorumkit/SUBPATH (also any runtime without a
// more specific export condition). Its wasm module is fetched and compiled once,
// with top-level await, before any import of this module completes, so users call
// no init function. If that load cannot happen here (no import.meta.url, the file
// not served, a Content-Security-Policy), the import still completes and the
// module waits for init(source) or initSync(module); until then every call into
// it throws an error whose cause is the failed load.
// scripts/build.mjs writes one copy per subpath.
import { autoload } from '../dist/bind/SUBPATH.js';

await autoload(() => new URL('../WASM_FILE', import.meta.url));

export * from '../dist/subpaths/SUBPATH.js';
