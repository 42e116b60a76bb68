//! Message-level scenarios for single Raft nodes: each file in
//! `tests/testdata/raft_node/*.txt` drives a few [`RaftNode`]s by hand
//! (ticks, Readies, which message is delivered, dropped or forged), and
//! every step's output is checked against the recorded transcript
//! ([`common::interaction`] lists the commands). A change of behaviour
//! shows as a diff; `QUORUMKIT_REWRITE=1 cargo test --test
//! raft_interaction` records the outputs anew, to review with `git diff`.
//!
//! [`RaftNode`]: quorumkit::raft::RaftNode

mod common;

use common::interaction::Env;
use common::scenario;

#[test]
fn node_scenarios_match_their_transcripts() {
    for path in scenario::files("raft_node") {
        let mut env = Env::new();
        scenario::run_file(&path, |d| env.handle(d));
    }
}
