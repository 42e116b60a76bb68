//! Raft consensus as a pure state machine, and a deterministic simulator
//! that breaks it on purpose.
//!
//! # The algorithm
//!
//! Raft (Ongaro & Ousterhout, 2014) keeps a replicated log identical on a
//! cluster of nodes, so that every node applies the same commands in the same
//! order, as long as a majority (a *quorum*, `⌊n/2⌋ + 1` of `n` voters) is up
//! and can talk. Time is divided into *terms*; each term has at most one
//! leader, elected by a quorum of votes (§5.2). The leader appends client
//! commands to its log and replicates them with AppendEntries (§5.3); an entry
//! is *committed* once the leader has stored it on a quorum and it belongs to
//! the leader's current term (§5.4.2, Figure 8). Committed entries are applied
//! in index order and never change.
//!
//! [`RaftNode`] implements, after the design of etcd's raft library:
//!
//! - **elections**: randomized timeouts drawn uniformly from
//!   `[election_tick, 2·election_tick)` ticks with a caller-seeded
//!   [`rand_pcg::Pcg32`]; RequestVote carries the candidate's last log index
//!   and term and is granted only to a log at least as up to date (§5.4.1:
//!   higher last term, or same last term and at least as long); one vote per
//!   term, first come first served, persisted in [`HardState::vote`]; any
//!   message with a higher term turns a node into a follower of that term;
//!   a leader sends heartbeats every `heartbeat_tick` ticks;
//! - **replication**: the consistency check on (`prev index`, `prev term`);
//!   truncation of a follower's conflicting suffix (never below its commit
//!   index); fast backtracking: a rejection carries a hint index `h` (the
//!   highest index not above the rejected one whose term is at most the
//!   leader's prev term) and its term `t`, and the leader resumes from the
//!   highest index `≤ h` in its own log whose term is `≤ t`, skipping whole
//!   terms per round trip; the commit rule above; followers learn the commit
//!   index from Append (`min(leader commit, last new index)`) and from
//!   heartbeats (`min(leader commit, follower's match index)`); in-order
//!   apply through [`Ready::committed_entries`];
//! - **flow control**: a follower whose match point is unknown is *probed*
//!   (one Append outstanding); once one is accepted it is streamed to, with
//!   up to `max_inflight_msgs` unacknowledged Appends of at most
//!   `max_entries_per_msg` entries;
//! - **restart**: [`RaftNode::new`] rebuilds a node from its [`Storage`] (hard
//!   state, snapshot and log); it comes back as a follower with its term,
//!   vote, configuration and log.
//!
//! And the features that production Raft libraries rely on, each off or
//! idle until asked for:
//!
//! - **pre-vote** ([`Config::pre_vote`], thesis §9.6): a node whose
//!   election timer fires first asks, at term + 1 but without adopting it,
//!   whether a quorum would vote for it; a voter says yes only to an
//!   up-to-date log and only if it has not heard from a leader within
//!   `election_tick` ticks. A partitioned node therefore never inflates its
//!   term and cannot depose a healthy leader when it returns;
//! - **check-quorum and leader leases** ([`Config::check_quorum`],
//!   §4.2.3/§6.4): every `election_tick` ticks a leader checks that a quorum
//!   of voters answered it since the last check, and steps down otherwise; a
//!   node that heard from a leader within `election_tick` ticks ignores vote
//!   requests of higher terms (except a transfer's);
//! - **leadership transfer** ([`RaftNode::transfer_leader`], §3.10): the
//!   leader stops taking proposals, brings the target up to date, then sends
//!   [`MsgKind::TimeoutNow`]; the target campaigns at once
//!   ([`CAMPAIGN_TRANSFER`] lets it past leases and pre-vote). Abandoned
//!   after an election timeout;
//! - **log compaction and snapshots** ([`RaftNode::compact`], §7): the
//!   application supplies the state at an applied index; the entries it
//!   covers leave memory (and storage, [`MemStorage::apply_snapshot`]); a
//!   follower whose next entries are gone receives the whole snapshot
//!   ([`MsgKind::Snapshot`], one message), handed to its application in
//!   [`Ready::snapshot`];
//! - **membership changes** ([`RaftNode::propose_conf_change`], §4):
//!   single-server changes ([`ConfChange`]) in force as soon as they are in
//!   a node's log, one uncommitted at a time and only once the leader has
//!   committed an entry of its term; new nodes join as learners, which
//!   receive the log but neither vote nor count, and are promoted only once
//!   their log reaches the commit index; a removed leader steps down when
//!   its removal commits. A node votes for, and follows, a candidate or
//!   leader outside its latest configuration (§4.1): after changes made on
//!   both sides of a partition the members hold different configurations,
//!   and refusing outsiders can leave no electable node. A removed server
//!   that never learnt of its removal is held off by the minimum election
//!   timeout instead (§4.2.3): its vote requests are ignored while a leader
//!   was heard from within `election_tick` ticks. A node may campaign if it
//!   votes in its latest or its committed configuration;
//! - **linearizable reads** ([`RaftNode::read_index`], thesis §6.4, etcd's
//!   ReadOnlySafe): a leader that has committed an entry of its term records
//!   its commit index as the read index, confirms that it still leads with a
//!   heartbeat round (a leader-chosen round number in
//!   [`Message::context`], echoed by followers; later periodic heartbeats
//!   repeat it, so a lost round does not stall), and once a quorum of
//!   voters has acknowledged that round or a later one hands out
//!   [`ReadState`] `{ index, ctx }` in [`Ready::read_states`]; the
//!   application answers the read from its state machine once it has
//!   applied up to `index`. Reads taken in between two `ready()` calls share
//!   a round; a single voter answers at once. A leader that has not yet
//!   committed in its term holds reads until it has (they wait); a follower
//!   forwards them to its leader ([`MsgKind::ReadIndex`], answered by
//!   [`MsgKind::ReadIndexResp`]); a node that knows no leader refuses with
//!   [`RaftError::NotLeader`]. Pending reads are dropped when leadership is
//!   lost, so a client retries after a timeout; a leader cut off from a
//!   quorum never answers, which is what keeps a deposed leader from
//!   serving stale data. Cost: one heartbeat round trip per batch of reads,
//!   no log entry, no disk write.
//!
//! The node owns no clock, network, disk or random source. The caller calls
//! [`RaftNode::tick`] on a timer, passes received messages to
//! [`RaftNode::step`], proposes with [`RaftNode::propose`], and after any of
//! these handles [`RaftNode::ready`]: **persist** its hard state and entries,
//! **then send** its messages, **then apply** its committed entries, then
//! calls [`RaftNode::advance`]. See [`Ready`] for each field's contract.
//!
//! # Cost
//!
//! A node keeps its log from its last snapshot in memory; with periodic
//! [`RaftNode::compact`] that is bounded by the compaction interval.
//! Entry payloads are [`bytes::Bytes`], so the copies handed to storage, to
//! followers and to the application share one buffer. Each step is O(1)
//! except: Append handling is O(entries carried); the commit check sorts the
//! voters' match indices, O(n log n) for n voters; fast backtracking walks
//! back over at most one term of entries. Proposals made between two
//! `ready()` calls go out to each follower as one message.
//!
//! # Guarantees
//!
//! Provided the application honours the [`Ready`] contract, the node keeps
//! the safety properties of §5.4 under message loss, duplication, reordering,
//! partitions and crashes: Election Safety, Leader Append-Only, Log Matching,
//! Leader Completeness and State Machine Safety. The [`sim`] module checks
//! them, and more, after every event of randomized runs.
//!
//! # Simulation
//!
//! [`sim::Cluster`] runs 1–9 nodes on virtual time with a latency
//! distribution, drops, duplicates, reordering, partitions, one-way cuts,
//! crashes and restarts; the same seed and actions give the same history.
//! Its invariant checker stops a run at the first violation with a report.
//!
//! ```
//! use quorumkit::raft::sim::{Cluster, SimConfig};
//! let mut c = Cluster::new(SimConfig::new(3, 42)).unwrap();
//! c.advance(1_000); // a leader is elected within a second of virtual time
//! let leader = c.leader().expect("a leader");
//! c.propose(&b"x=1"[..]).unwrap();
//! c.advance(200);
//! assert!(c.violations().is_empty());
//! assert!(c.node_state(leader).unwrap().commit >= 2);
//! ```
//!
//! # Randomized runs
//!
//! `cargo test --test raft_random` runs 1,000 seeded runs of mixed faults
//! (random cluster sizes 1–9, latency, drops, duplicates, reordering,
//! partitions, one-way cuts, crashes, restarts, forced timeouts and
//! proposals; per seed, at random, pre-vote, check-quorum, leadership
//! transfers, log compaction and membership churn, half of the changes
//! asked of any node, so that a leader cut off in a minority makes them
//! too; then a healed network, every node restarted, and a liveness check:
//! one leader of the highest term and every member's applied index at
//! everything committed within 20 election timeouts). Throughout each run 3–5 simulated key-value
//! clients ([`sim::Cluster::start_kv`]) issue gets through ReadIndex and
//! puts and compare-and-sets through the log, with timeouts; once they
//! finish, their history (timed-out operations as unknown outcomes) must
//! pass the linearizability checker ([`sim::linearizability`]). About 20 s
//! in a debug build, with 6 operations per client. `QUORUMKIT_LONG=1`
//! raises that to 100,000 seeds and 20 operations per client (about 9
//! minutes with `cargo test --release --test raft_random`; 10,000 such seeds
//! take under a minute), `QUORUMKIT_SEEDS=N` sets the
//! seed count to N, and `QUORUMKIT_SEED=S` replays the single seed `S`
//! exactly, printing its fault schedule (the failing seed and this command
//! are printed when a run fails).

pub mod codec;
mod log;
pub mod loopback;
mod membership;
mod node;
mod progress;
mod quorum;
mod read_only;
mod ready;
pub mod sim;
mod storage;
mod types;

pub use node::{Config, RaftError, RaftNode, MAX_PEERS};
pub use progress::{PeerProgress, ProgressState};
pub use ready::Ready;
pub use storage::{MemStorage, Storage, StorageError};
pub use types::{
    ConfChange, ConfChangeKind, ConfState, Entry, EntryKind, HardState, Message, MsgKind, NodeId,
    ReadState, Role, Snapshot, SoftState, CAMPAIGN_TRANSFER, MAX_INDEX, MAX_TERM, NONE,
};
