import { readFileSync } from 'node:fs';
import * as q from 'quorumkit';
import { run } from './workload.mjs';

console.log(JSON.stringify(run(q, readFileSync(process.argv[2]))));
