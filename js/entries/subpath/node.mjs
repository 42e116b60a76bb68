// Node.js (and Bun) ES module entry point of quorumkit/SUBPATH. The wasm bytes are
// read and compiled synchronously, so the import needs no top-level await and the
// same file can also be bundled into the CommonJS entry (node.cjs). If the file
// cannot be read (a bundle that moved the code away from it), the import still
// completes and the module waits for init(source) or initSync(module).
// scripts/build.mjs writes one copy per subpath.
import { readFileSync } from 'node:fs';
import { autoloadSync } from '../dist/bind/SUBPATH.js';

autoloadSync(() => readFileSync(new URL('../WASM_FILE', import.meta.url)));

export * from '../dist/subpaths/SUBPATH.js';
