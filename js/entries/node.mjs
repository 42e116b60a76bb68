// Node.js ES module entry point of quorumkit: every subpath's Node entry (each
// compiles its own wasm module synchronously), and their exports.
import './snowflake/node.mjs';
import './bloom/node.mjs';
import './ring/node.mjs';
import './raft/node.mjs';
import './raft-sim/node.mjs';

export * from './dist/index.js';
