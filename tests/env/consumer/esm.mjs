// The root and every subpath, imported together: each workload on the root, and
// whether the subpaths' exports are the root's own values.
import { readFileSync } from 'node:fs';
import * as q from 'quorumkit';
import * as snowflake from 'quorumkit/snowflake';
import * as bloom from 'quorumkit/bloom';
import * as ring from 'quorumkit/ring';
import * as raft from 'quorumkit/raft';
import * as raftSim from 'quorumkit/raft-sim';
import { run, sameAsRoot } from './workload.mjs';

console.log(JSON.stringify({
  root: run(q, readFileSync(process.argv[2])),
  rootExports: Object.keys(q).sort(),
  sameAsRoot: sameAsRoot(q, { snowflake, bloom, ring, raft, 'raft-sim': raftSim }),
}));
