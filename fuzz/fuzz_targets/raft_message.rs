//! The Raft wire codec on arbitrary bytes: what decodes encodes to the same
//! bytes, and a node stepping it never panics; a refused message leaves the
//! node as it was.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::raft::codec::{decode_message, encode_message};
use quorumkit::raft::{Config, MemStorage, RaftNode};
use rand_core::SeedableRng;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = decode_message(data) else {
        return;
    };
    assert_eq!(
        encode_message(&m),
        data,
        "decoded, but encodes to other bytes"
    );
    let mut cfg = Config::new(m.to.max(1), vec![1, 2, 3]);
    cfg.pre_vote = data.len() % 2 == 0;
    cfg.check_quorum = data.len() % 3 == 0;
    let Ok(mut n) = RaftNode::new(cfg, &MemStorage::new(), rand_pcg::Pcg32::seed_from_u64(1)) else {
        return;
    };
    let before = (n.hard_state(), n.last_index(), n.conf_state().clone());
    if n.step(m).is_err() {
        assert_eq!(
            (n.hard_state(), n.last_index(), n.conf_state().clone()),
            before
        );
    }
    if n.has_ready() {
        let _ = n.ready();
        n.advance();
    }
});
