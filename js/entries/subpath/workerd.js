// Cloudflare Workers (workerd) entry point of quorumkit/SUBPATH. Wrangler, like
// workerd's own module config, imports a .wasm file as a compiled
// WebAssembly.Module, uploaded beside the script: workers may not compile wasm
// from bytes at run time, and have no URL to fetch the package's files from.
// scripts/build.mjs writes one copy per subpath.
import module from '../WASM_FILE';
import { initSync } from '../dist/bind/SUBPATH.js';

initSync(module);

export * from '../dist/subpaths/SUBPATH.js';
