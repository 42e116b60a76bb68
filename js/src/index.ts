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
  BlockedBloomFilter,
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
export type { WasmModuleOrBytes, WasmSource } from './internal/wasm.js';

import * as snowflake from './bind/snowflake.js';
import * as bloom from './bind/bloom.js';
import * as ring from './bind/ring.js';
import * as raft from './bind/raft.js';
import * as raftSim from './bind/raft-sim.js';
import type { WasmModule, WasmModuleOrBytes, WasmSource } from './internal/wasm.js';

/**
 * The five wasm modules the root loads, by subpath name: the keys of the root's
 * `init` and `initSync`.
 *
 * @example
 * ```ts
 * import { init, type Subpath } from 'quorumkit';
 * const names: Subpath[] = ['snowflake', 'bloom', 'ring', 'raft', 'raft-sim'];
 * await init(Object.fromEntries(names.map((m) => [m, fetch(`/assets/quorumkit-${m}.wasm`)])));
 * ```
 */
export type Subpath = 'snowflake' | 'bloom' | 'ring' | 'raft' | 'raft-sim';

const loaders: Record<Subpath, Pick<WasmModule<never>, 'init' | 'initSync' | 'loaded'>> = {
  snowflake,
  bloom,
  ring,
  raft,
  'raft-sim': raftSim,
};

/**
 * Loads the root's five wasm modules yourself, for hosts where the import could not
 * (README: "Loading the wasm yourself"): `sources` maps a subpath name to where its
 * module is (as each subpath's `init` takes it). A module left out is loaded from its
 * default URL beside the package's glue, unless it is loaded already.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit';
 * const at = (m) => fetch(`/assets/quorumkit-${m}.wasm`);
 * await init({ snowflake: at('snowflake'), bloom: at('bloom'), ring: at('ring'), raft: at('raft'), 'raft-sim': at('raft-sim') });
 * ```
 */
export async function init(sources: Partial<Record<Subpath, WasmSource>> = {}): Promise<void> {
  if (typeof sources !== 'object' || sources === null) {
    throw new TypeError(`sources must be an object keyed by subpath name, got ${sources === null ? 'null' : typeof sources}`);
  }
  await Promise.all(Object.entries(loaders).map(([name, l]) => l.init(sources[name as Subpath])));
}

/**
 * Instantiates the root's five wasm modules synchronously: `modules` maps each subpath
 * name to its compiled `WebAssembly.Module` or its bytes. A module already loaded may be
 * left out; any other missing one is a `TypeError` naming it.
 *
 * @example
 * ```js
 * import { initSync } from 'quorumkit';
 * import { readFileSync } from 'node:fs';
 * const read = (m) => readFileSync(`node_modules/quorumkit/quorumkit-${m}.wasm`);
 * initSync({ snowflake: read('snowflake'), bloom: read('bloom'), ring: read('ring'), raft: read('raft'), 'raft-sim': read('raft-sim') });
 * ```
 */
export function initSync(modules: Partial<Record<Subpath, WasmModuleOrBytes>>): void {
  if (typeof modules !== 'object' || modules === null) {
    throw new TypeError(`modules must be an object keyed by subpath name, got ${modules === null ? 'null' : typeof modules}`);
  }
  for (const [name, l] of Object.entries(loaders)) {
    const m = modules[name as Subpath];
    if (m !== undefined) l.initSync(m);
    else if (!l.loaded()) throw new TypeError(`modules['${name}'] is missing, and the ${name} module is not loaded yet`);
  }
  // js/entries/node.cjs has the CommonJS twin of init and initSync.
}
