//! The Raft storage encoding on arbitrary bytes, and a node restarted from
//! what decodes: each stored value round-trips, and `RaftNode::new` either
//! refuses the storage or gives a node that works.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::raft::codec::{
    decode_entries, decode_hard_state, decode_snapshot, encode_entries, encode_hard_state,
    encode_snapshot,
};
use quorumkit::raft::{Config, MemStorage, RaftNode};
use quorumkit_fuzz::round_trip;
use rand_core::SeedableRng;

/// Splits `data` into up to three length-prefixed parts.
fn parts(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while out.len() < 3 {
        let Some((&len, rest)) = data.split_first() else {
            break;
        };
        let len = usize::from(len).min(rest.len());
        out.push(&rest[..len]);
        data = &rest[len..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let p = parts(data);
    let mut storage = MemStorage::new();
    let mut usable = true;
    if let Some(b) = p.first() {
        round_trip(b, decode_snapshot, encode_snapshot, |_| {});
        match decode_snapshot(b) {
            Ok(s) => usable &= storage.apply_snapshot(&s).is_ok(),
            Err(_) => usable &= b.is_empty(),
        }
    }
    if let Some(b) = p.get(1) {
        round_trip(b, decode_entries, |e| encode_entries(e), |_| {});
        match decode_entries(b) {
            Ok(es) => usable &= storage.append(&es).is_ok(),
            Err(_) => usable &= b.is_empty(),
        }
    }
    if let Some(b) = p.get(2) {
        round_trip(b, decode_hard_state, encode_hard_state, |_| {});
        match decode_hard_state(b) {
            Ok(hs) => storage.set_hard_state(hs),
            Err(_) => usable &= b.is_empty(),
        }
    }
    if !usable {
        return;
    }
    let Ok(mut n) = RaftNode::new(
        Config::new(1, vec![1, 2, 3]),
        &storage,
        rand_pcg::Pcg32::seed_from_u64(7),
    ) else {
        return;
    };
    // A restarted node works: it ticks, campaigns, and hands out a Ready.
    for _ in 0..25 {
        n.tick();
    }
    n.campaign();
    if n.has_ready() {
        let commit = n.commit();
        let rd = n.ready();
        assert!(rd.committed_entries.iter().all(|e| e.index <= commit));
        n.advance();
    }
    assert!(n.commit() <= n.last_index());
});
