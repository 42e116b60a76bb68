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
import { raw } from '../bind/raft.js';

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
