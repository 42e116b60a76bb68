// Node.js ES module entry point of quorumkit. The wasm bytes are read and
// compiled synchronously, so the import needs no top-level await and the same
// file can also be bundled into the CommonJS entry (node.cjs).
import { readFileSync } from 'node:fs';
import { initSync } from './dist/raw/quorumkit.js';
import { bindExports } from './dist/internal/wasm.js';

bindExports(initSync({ module: readFileSync(new URL('./quorumkit_bg.wasm', import.meta.url)) }));

export * from './dist/index.js';
