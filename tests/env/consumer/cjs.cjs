// The root and every subpath, required together: each workload on the root, and
// whether the subpaths' exports are the root's own values.
const { readFileSync } = require('node:fs');
const q = require('quorumkit');
const subpaths = {
  snowflake: require('quorumkit/snowflake'),
  bloom: require('quorumkit/bloom'),
  ring: require('quorumkit/ring'),
  raft: require('quorumkit/raft'),
  'raft-sim': require('quorumkit/raft-sim'),
};

import('./workload.mjs').then(({ run, sameAsRoot }) =>
  console.log(JSON.stringify({
    root: run(q, readFileSync(process.argv[2])),
    rootExports: Object.keys(q).sort(),
    sameAsRoot: sameAsRoot(q, subpaths),
  })),
);
