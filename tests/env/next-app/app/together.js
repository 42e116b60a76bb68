// The root and every subpath, imported together: the workload on the root, and
// whether the subpaths' exports are the root's own values.
import * as q from 'quorumkit';
import * as snowflake from 'quorumkit/snowflake';
import * as bloom from 'quorumkit/bloom';
import * as ring from 'quorumkit/ring';
import * as raft from 'quorumkit/raft';
import * as raftSim from 'quorumkit/raft-sim';
import { run, sameAsRoot } from '../workload.mjs';

export function together() {
  return {
    root: run(q),
    rootExports: Object.keys(q).sort(),
    sameAsRoot: sameAsRoot(q, { snowflake, bloom, ring, raft, 'raft-sim': raftSim }),
  };
}
