// Deno entry point of quorumkit/SUBPATH. The wasm module is imported as a compiled
// module (a source phase import), which Deno loads with the module graph: no read
// permission is needed.
// scripts/build.mjs writes one copy per subpath.
import source module from '../WASM_FILE';
import { initSync } from '../dist/bind/SUBPATH.js';

initSync(module);

export * from '../dist/subpaths/SUBPATH.js';
