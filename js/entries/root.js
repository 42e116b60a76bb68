// The entry point of quorumkit for HOST: each subpath's entry for the same host
// (each loads its own wasm module, side by side), and every export. The classes
// are the subpaths' own, so `quorumkit` and `quorumkit/<subpath>` imports mix.
// scripts/build.mjs writes one copy per host, importing every subpath.
IMPORTS

export * from './dist/index.js';
