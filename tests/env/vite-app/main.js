// The root and every subpath in one bundle, as in Node's esm.mjs.
import * as q from 'quorumkit';
import * as snowflake from 'quorumkit/snowflake';
import * as bloom from 'quorumkit/bloom';
import * as ring from 'quorumkit/ring';
import * as raft from 'quorumkit/raft';
import * as raftSim from 'quorumkit/raft-sim';
import { run, sameAsRoot } from '../workload.mjs';

document.body.dataset.result = JSON.stringify({
  root: run(q),
  rootExports: Object.keys(q).sort(),
  sameAsRoot: sameAsRoot(q, { snowflake, bloom, ring, raft, 'raft-sim': raftSim }),
});
