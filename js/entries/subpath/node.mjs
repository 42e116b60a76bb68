// Node.js ES module entry point of quorumkit/SUBPATH. The wasm bytes are read and
// compiled synchronously, so the import needs no top-level await and the same
// file can also be bundled into the CommonJS entry (node.cjs).
// scripts/build.mjs writes one copy per subpath.
import { readFileSync } from 'node:fs';
import { initSync } from '../dist/raw/SUBPATH.js';
import { bind } from '../dist/bind/SUBPATH.js';

bind(initSync({ module: readFileSync(new URL('../WASM_FILE', import.meta.url)) }));

export * from '../dist/subpaths/SUBPATH.js';
