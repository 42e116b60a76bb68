// Browser and bundler entry point of quorumkit: every algorithm. Each subpath's
// entry fetches and instantiates its own wasm module (the five load side by side);
// the classes exported here are the subpaths' own, so `quorumkit` and
// `quorumkit/<subpath>` imports can be mixed.
import './snowflake/index.js';
import './bloom/index.js';
import './ring/index.js';
import './raft/index.js';
import './raft-sim/index.js';

export * from './dist/index.js';
