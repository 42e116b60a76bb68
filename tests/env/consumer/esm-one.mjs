// One subpath alone in a fresh process (argv: the subpath, the Rust-written filter).
import { readFileSync } from 'node:fs';
import { runSubpath } from './workload.mjs';

const [subpath, filter] = process.argv.slice(2);
const m = await import(`quorumkit/${subpath}`);
console.log(JSON.stringify(runSubpath(subpath, m, readFileSync(filter))));
