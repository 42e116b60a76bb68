// One subpath alone in a fresh process (argv: the subpath, the Rust-written filter).
const { readFileSync } = require('node:fs');

const [subpath, filter] = process.argv.slice(2);
const m = require(`quorumkit/${subpath}`);
import('./workload.mjs').then(({ runSubpath }) => console.log(JSON.stringify(runSubpath(subpath, m, readFileSync(filter)))));
