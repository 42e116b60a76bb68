// Codes the Raft core gives message kinds on the wire and in the simulator's
// records (`MsgKind::code`), shared by the node and the simulator facades
// without either loading the other's module.
import type { RaftMessageKind } from '../raft.js';

/** Message kinds by wire code (`MsgKind::code` in the core). */
export const MESSAGE_KINDS: readonly RaftMessageKind[] = [
  'Vote', 'VoteResp', 'Append', 'AppendResp', 'Heartbeat', 'HeartbeatResp',
  'PreVote', 'PreVoteResp', 'TimeoutNow', 'Snapshot', 'ReadIndex', 'ReadIndexResp',
];
