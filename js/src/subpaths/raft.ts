/**
 * `quorumkit/raft`: `RaftNode`, one sans-IO Raft node whose messages and
 * storage are bytes, and `ClientSessions` for exactly-once requests on its
 * log, without the simulator (that is `quorumkit/raft-sim`). The classes are
 * the ones `quorumkit` exports.
 *
 * ```js
 * import { RaftNode } from 'quorumkit/raft';
 * const node = new RaftNode({ id: 1, peers: [1, 2, 3] });
 * setInterval(() => node.tick(), 100);
 * transport.onmessage = (bytes) => node.step(bytes);
 * ```
 * @module
 */
import '../internal/dispose.js';
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
} from '../raftNode.js';
export {
  ClientSessions,
  type ClientSessionsJSON,
  type ClientSessionsOptions,
  type SessionResult,
} from '../clientSessions.js';
import { raw, init as load, initSync as loadSync } from '../bind/raft.js';
import type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';
export type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';

/**
 * Loads this subpath's wasm module from `source`, for hosts where the import could not
 * (README: "Loading the wasm yourself"). Resolves at once if the module is loaded.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit/raft';
 * await init(fetch('/assets/quorumkit-raft.wasm')); // a URL, a Response, bytes or a WebAssembly.Module
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
 * import { initSync } from 'quorumkit/raft';
 * initSync(readFileSync('node_modules/quorumkit/quorumkit-raft.wasm'));
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
 * import { version } from 'quorumkit/raft';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
