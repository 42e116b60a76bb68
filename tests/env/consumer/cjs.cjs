const { readFileSync } = require('node:fs');
const q = require('quorumkit');

import('./workload.mjs').then(({ run }) => console.log(JSON.stringify(run(q, readFileSync(process.argv[2])))));
