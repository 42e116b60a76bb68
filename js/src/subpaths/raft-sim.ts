/**
 * `quorumkit/raft-sim`: `RaftCluster`, a deterministic simulated Raft cluster
 * with a network that drops, delays and partitions, safety checkers and a
 * linearizability checker, in its own wasm module. The class is the one
 * `quorumkit` exports.
 *
 * ```js
 * import { RaftCluster } from 'quorumkit/raft-sim';
 * const cluster = new RaftCluster({ nodes: 5, seed: 7 });
 * cluster.advance(1000);
 * cluster.state().leader; // the elected node's id
 * cluster.free();
 * ```
 * @module
 */
import '../internal/dispose.js';
export {
  RaftCluster,
  type ClusterClientOp,
  type ClusterClientOptions,
  type RaftClusterOptions,
  type RaftClusterState,
  type ClusterDropReason,
  type ClusterEntry,
  type ClusterEvent,
  type ClusterFlight,
  type ClusterMessage,
  type ClusterNodeState,
  type ClusterLinearizability,
  type ClusterPeerProgress,
  type ClusterRead,
  type ClusterViolation,
} from '../raftCluster.js';
export type { RaftMessageKind, RaftRole } from '../raftNode.js';
import { raw } from '../bind/raft-sim.js';

/**
 * The package version, read from this subpath's wasm module.
 *
 * @example
 * ```js
 * import { version } from 'quorumkit/raft-sim';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
