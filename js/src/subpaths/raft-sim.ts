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
import { raw, init as load, initSync as loadSync } from '../bind/raft-sim.js';
import type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';
export type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';

/**
 * Loads this subpath's wasm module from `source`, for hosts where the import could not
 * (README: "Loading the wasm yourself"). Resolves at once if the module is loaded.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit/raft-sim';
 * await init(fetch('/assets/quorumkit-raft-sim.wasm')); // a URL, a Response, bytes or a WebAssembly.Module
 * ```
 */
export function init(source?: WasmSource): Promise<void> {
  return load(source);
}

/**
 * Instantiates this subpath's wasm module synchronously from a compiled
 * `WebAssembly.Module` or the module's bytes. Returns at once if the module is loaded.
 *
 * @example
 * ```js
 * import { initSync } from 'quorumkit/raft-sim';
 * initSync(readFileSync('node_modules/quorumkit/quorumkit-raft-sim.wasm'));
 * ```
 */
export function initSync(module: WasmModuleOrBytes): void {
  loadSync(module);
}

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
