/**
 * quorumkit: consistent hashing, Snowflake IDs, Bloom filters and Raft, from
 * one Rust core compiled to WebAssembly.
 *
 * Import it and use it; the entry point instantiates the wasm modules for you:
 *
 * ```js
 * import { crc32, version } from 'quorumkit';
 * console.log(version(), crc32('hello'));
 * ```
 *
 * Each algorithm is also a subpath with its own, smaller wasm module
 * (`quorumkit/snowflake`, `quorumkit/bloom`, `quorumkit/ring`,
 * `quorumkit/raft`, `quorumkit/raft-sim`); this entry point loads all five,
 * and its classes are the subpaths' own, so the two kinds of import mix.
 * @module
 */
import './internal/dispose.js';
export type { Key } from './internal/keys.js';
export { crc32, crc32Many, xxh64, xxh3 } from './hash.js';
export {
  BloomFilter,
  CountingBloomFilter,
  ScalableBloomFilter,
  SplitBlockBloomFilter,
  parquetKey,
  type Keys,
  type ParquetType,
  type ScalableBloomFilterOptions,
  type ScalableBloomFilterStage,
} from './bloom.js';
export {
  Snowflake,
  layouts,
  randomMachineId,
  machineIdCollisionProbability,
  type ClockBackwardsPolicy,
  type LayoutOptions,
  type SnowflakeLayout,
  type SnowflakeLayoutName,
  type SnowflakeLayoutSpec,
  type SnowflakeOptions,
  type SnowflakeParts,
  type SnowflakePartsOf,
  type SnowflakePresetFields,
} from './snowflake.js';
export {
  HashRing,
  BoundedLoadRing,
  Rendezvous,
  Maglev,
  jumpHash,
  jumpHashMany,
  jumpStats,
  jumpMovement,
  type SampleMovement,
  type RingHash,
  type HashRingOptions,
  type NodeOptions,
  type LoadSummary,
  type NodeLoad,
  type RingStats,
  type RingPoints,
  type MovedArc,
  type Movement,
  type MovementOptions,
  type BoundedLoadOptions,
  type BoundedLoad,
  type BoundedMovement,
  type KeyWalk,
  type MaglevOptions,
} from './ring.js';
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
} from './raftCluster.js';
export {
  RaftNode,
  type RaftConfChange,
  type RaftEntryKind,
  type RaftHardState,
  type RaftLogEntry,
  type RaftLogEntryInput,
  type RaftMessageKind,
  type RaftNodeOptions,
  type RaftOutMessage,
  type RaftProgress,
  type RaftReadState,
  type RaftReady,
  type RaftRole,
  type RaftSnapshot,
  type RaftSnapshotInput,
  type RaftStorage,
  type RaftWireMessage,
  type RaftWireMessageInput,
} from './raftNode.js';
export {
  ClientSessions,
  type ClientSessionsJSON,
  type ClientSessionsOptions,
  type SessionResult,
} from './clientSessions.js';
export { version } from './subpaths/snowflake.js';
