// Vercel Edge Functions and the Next.js edge runtime entry point of
// quorumkit/SUBPATH: the wasm file imported with `?module` is a compiled
// WebAssembly.Module, which the edge runtime requires (it may not compile wasm
// from bytes at run time).
// scripts/build.mjs writes one copy per subpath.
import module from '../WASM_FILE?module';
import { initSync } from '../dist/bind/SUBPATH.js';

initSync(module);

export * from '../dist/subpaths/SUBPATH.js';
