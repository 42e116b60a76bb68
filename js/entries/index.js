// Browser and bundler entry point of quorumkit (also any runtime without a
// "node" export condition). The wasm module is fetched and compiled once, with
// top-level await, before any import of this module completes: users never call
// an init function.
import init from './dist/raw/quorumkit.js';
import { bindExports } from './dist/internal/wasm.js';

bindExports(await init({ module_or_path: new URL('./quorumkit_bg.wasm', import.meta.url) }));

export * from './dist/index.js';
