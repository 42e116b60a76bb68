//! Property tests: what moves when membership changes, preference lists,
//! and malformed batch arguments. `QUORUMKIT_LONG=1` runs 16× the cases.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use quorumkit::ring::{
    jump_hash, HashMode, HashRing, KetamaOptions, Maglev, NodeOptions, PointPositions, Rendezvous,
};

fn config(cases: u32) -> Config {
    let long = std::env::var("QUORUMKIT_LONG").is_ok_and(|v| v == "1");
    Config {
        cases: if long { cases * 16 } else { cases },
        rng_seed: RngSeed::Fixed(0x5eed_0004),
        failure_persistence: None,
        ..Config::default()
    }
}

fn mode_of(i: u8) -> HashMode {
    match i % 4 {
        0 => HashMode::Seed,
        1 => HashMode::Ketama(KetamaOptions::default()),
        2 => HashMode::Xxh64,
        _ => HashMode::Xxh3,
    }
}

fn packed(keys: &[String]) -> (Vec<u8>, Vec<u32>) {
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    for k in keys {
        bytes.extend_from_slice(k.as_bytes());
        ends.push(bytes.len() as u32);
    }
    (bytes, ends)
}

fn sample_keys(tag: u64, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("key:{tag}:{i}")).collect()
}

fn ring_with(mode: HashMode, vnodes: u32, n: usize, prefix: &str) -> HashRing {
    HashRing::build(
        mode,
        vnodes,
        (0..n).map(|i| (format!("{prefix}{i}"), NodeOptions::default())),
    )
    .unwrap()
}

/// Whether the nodes on both rings kept their point counts.
fn same_counts(a: &HashRing, b: &HashRing) -> bool {
    a.nodes()
        .iter()
        .all(|&i| b.point_count(i).is_none() || a.point_count(i) == b.point_count(i))
}

/// Whether `pos` falls in one of the moved ranges.
fn in_arcs(arcs: &quorumkit::ring::MovedArcs, pos: u64) -> Option<(u32, u32)> {
    (0..arcs.starts.len())
        .find(|&k| arcs.starts[k] <= pos && pos <= arcs.ends[k])
        .map(|k| (arcs.from[k], arcs.to[k]))
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn adding_a_node_moves_keys_only_to_it(
        m in 0u8..4, n in 1usize..16, vnodes in 1u32..60, tag in any::<u64>()
    ) {
        let mode = mode_of(m);
        let before = ring_with(mode, vnodes, n, "node-");
        let mut after = before.clone();
        let new = after.add(b"newcomer", NodeOptions::default()).unwrap();
        // Ketama's double-precision digest count can drop for every server
        // (floor(1/3 × 25 × 3) = 24): then hashring moves other keys too.
        prop_assume!(same_counts(&before, &after));
        let keys = sample_keys(tag, 300);
        let (bytes, ends) = packed(&keys);
        let mv = before.key_movement(&after, &bytes, &ends).unwrap();
        prop_assert!(mv.to.iter().all(|&t| t == new));
        let arcs = before.moved_arcs(&after).unwrap();
        prop_assert!(arcs.to.iter().all(|&t| t == new));
        // A sampled key moved exactly when its position lies in a moved arc.
        for (i, k) in keys.iter().enumerate() {
            let pos = mode.key_position(k.as_bytes());
            let moved = mv.moved.binary_search(&(i as u32)).is_ok();
            prop_assert_eq!(moved, in_arcs(&arcs, pos).is_some());
        }
    }

    #[test]
    fn removing_a_node_moves_only_its_keys(
        m in 0u8..4, n in 2usize..16, vnodes in 1u32..60, victim in any::<prop::sample::Index>(),
        tag in any::<u64>()
    ) {
        let mode = mode_of(m);
        let before = ring_with(mode, vnodes, n, "n");
        let name = format!("n{}", victim.index(n));
        let gone = before.index_of(name.as_bytes()).unwrap();
        let mut after = before.clone();
        after.remove(name.as_bytes());
        prop_assume!(same_counts(&before, &after));
        let keys = sample_keys(tag, 300);
        let (bytes, ends) = packed(&keys);
        let mv = before.key_movement(&after, &bytes, &ends).unwrap();
        prop_assert!(mv.from.iter().all(|&f| f == gone));
        let arcs = before.moved_arcs(&after).unwrap();
        prop_assert!(arcs.from.iter().all(|&f| f == gone));
        // Every key the removed node owned did move.
        let mut owners = vec![0u32; ends.len()];
        before.get_many(&bytes, &ends, &mut owners).unwrap();
        prop_assert_eq!(owners.iter().filter(|&&o| o == gone).count(), mv.moved.len());
    }

    #[test]
    fn moved_fraction_is_near_the_ideal(n in 5usize..40, tag in any::<u32>()) {
        let prefix = format!("host{tag}-");
        let ring = ring_with(HashMode::Xxh64, 400, n, &prefix);
        let add = ring.movement_on_add(b"fresh", NodeOptions::default()).unwrap();
        prop_assert!((add.ideal_fraction - 1.0 / (n as f64 + 1.0)).abs() < 1e-12);
        let ratio = add.arcs.moved_fraction / add.ideal_fraction;
        prop_assert!((0.7..1.3).contains(&ratio), "add ratio {}", ratio);
        let victim = format!("{prefix}0");
        let rem = ring.movement_on_remove(victim.as_bytes()).unwrap();
        let ratio = rem.arcs.moved_fraction / rem.ideal_fraction;
        prop_assert!((0.7..1.3).contains(&ratio), "remove ratio {}", ratio);
    }

    #[test]
    fn get_n_lists_distinct_nodes_starting_with_the_owner(
        m in 0u8..4, n in 1usize..24, vnodes in 1u32..20, key in ".{0,12}", want in 0usize..30
    ) {
        let ring = ring_with(mode_of(m), vnodes, n, "s");
        let got = ring.get_n(key.as_bytes(), want);
        if want > n {
            prop_assert!(got.is_err());
        } else {
            let got = got.unwrap();
            prop_assert_eq!(got.len(), want);
            let mut sorted = got.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), want);
            if want > 0 {
                prop_assert_eq!(got[0], ring.get(key.as_bytes()).unwrap());
            }
        }
    }

    #[test]
    fn rendezvous_moves_only_what_it_must(
        n in 1usize..20, weighted in any::<bool>(), tag in any::<u64>()
    ) {
        let mut before = Rendezvous::new();
        for i in 0..n {
            let w = if weighted { 1.0 + (i % 3) as f64 } else { 1.0 };
            before.add(format!("r{i}").as_bytes(), w).unwrap();
        }
        let keys = sample_keys(tag, 300);
        let (bytes, ends) = packed(&keys);
        let mut old = vec![0u32; keys.len()];
        before.get_many(&bytes, &ends, &mut old).unwrap();
        let mut grown = before.clone();
        let new = grown.add(b"new", 2.0).unwrap();
        let mut now = vec![0u32; keys.len()];
        grown.get_many(&bytes, &ends, &mut now).unwrap();
        for (o, a) in old.iter().zip(&now) {
            prop_assert!(o == a || *a == new);
        }
        if n > 1 {
            let mut shrunk = before.clone();
            let gone = shrunk.remove(b"r0").unwrap();
            shrunk.get_many(&bytes, &ends, &mut now).unwrap();
            for (o, a) in old.iter().zip(&now) {
                prop_assert!(o == a || *o == gone);
            }
            let l = before.get_n(keys[0].as_bytes(), n).unwrap();
            let mut s = l.clone();
            s.sort();
            s.dedup();
            prop_assert_eq!(s.len(), n);
        }
    }

    #[test]
    fn jump_growth_moves_keys_only_to_the_new_bucket(n in 1u32..500, seed in any::<u64>()) {
        let mut moved = 0;
        for i in 0..400u64 {
            let k = seed.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let a = jump_hash(k, n).unwrap();
            let b = jump_hash(k, n + 1).unwrap();
            prop_assert!(a < n && b <= n);
            if a != b {
                prop_assert_eq!(b, n);
                moved += 1;
            }
        }
        // 400 keys: the moved fraction is 1/(n+1) up to sampling noise.
        let ideal = 400.0 / (f64::from(n) + 1.0);
        prop_assert!((f64::from(moved) - ideal).abs() <= 5.0 * ideal.sqrt() + 3.0);
    }

    /// The bucket index is rebuilt on every change: after each add, weighted
    /// add, remove and re-add (a new weight), every lookup equals a search of
    /// the points themselves, one node and an empty ring included.
    #[test]
    fn lookups_search_the_points_after_every_change(
        mode in any::<u8>().prop_map(mode_of),
        vnodes in 1u32..60,
        ops in prop::collection::vec((0usize..6, 0u8..4, 1u32..40), 1..14),
        tag in any::<u32>()
    ) {
        let mut ring = HashRing::with_vnodes(mode, vnodes).unwrap();
        let keys = sample_keys(u64::from(tag), 150);
        let (bytes, ends) = packed(&keys);
        for (node, op, weight) in ops {
            let name = format!("node-{node}");
            match op {
                0 | 1 => {
                    let _ = ring.add(name.as_bytes(), NodeOptions::weight(f64::from(weight) / 8.0));
                }
                2 => {
                    ring.remove(name.as_bytes());
                }
                _ => {
                    ring.remove(name.as_bytes());
                    let _ = ring.add(name.as_bytes(), NodeOptions::weight(f64::from(weight) / 4.0));
                }
            }
            let points = ring.points();
            let wide: Vec<u64> = match points.positions {
                PointPositions::U32(p) => p.iter().map(|&v| u64::from(v)).collect(),
                PointPositions::U64(p) => p.to_vec(),
            };
            let mut out = vec![0u32; keys.len()];
            let batch = ring.get_many(&bytes, &ends, &mut out);
            prop_assert_eq!(batch.is_ok(), !wide.is_empty());
            for (k, key) in keys.iter().enumerate() {
                let h = mode.key_position(key.as_bytes());
                let i = wide.partition_point(|&p| p < h);
                let want = if wide.is_empty() { None } else { Some(if i == wide.len() { 0 } else { i }) };
                prop_assert_eq!(ring.point_index(key.as_bytes()).ok(), want);
                prop_assert_eq!(ring.get(key.as_bytes()).ok(), want.map(|i| points.owners[i]));
                if let Some(i) = want {
                    prop_assert_eq!(out[k], points.owners[i]);
                }
            }
        }
    }

    #[test]
    fn packed_key_arguments_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..40),
        ends in prop::collection::vec(0u32..50, 0..10),
        out_len in 0usize..12
    ) {
        let ring = ring_with(HashMode::Seed, 4, 3, "p");
        let mut out = vec![0u32; out_len];
        let ok = ring.get_many(&bytes, &ends, &mut out).is_ok();
        let valid = out_len == ends.len()
            && ends.windows(2).all(|w| w[0] <= w[1])
            && ends.iter().all(|&e| e as usize <= bytes.len());
        prop_assert_eq!(ok, valid);
    }
}

#[test]
fn maglev_moves_little_beyond_the_ideal() {
    let mut m = Maglev::new(65_537).unwrap();
    m.add_many((0..20).map(|i| format!("m{i}"))).unwrap();
    let before = m.table().to_vec();
    let new = m.add(b"m-new").unwrap();
    let changed = before.iter().zip(m.table()).filter(|(a, b)| a != b).count();
    let to_new = m.table().iter().filter(|&&o| o == new).count();
    let ideal = 65_537.0 / 21.0;
    assert!((to_new as f64 - ideal).abs() <= 1.0);
    // Some entries reshuffle between old nodes, but few.
    let extra = (changed - to_new) as f64 / 65_537.0;
    eprintln!(
        "maglev 20 -> 21 nodes: {:.2}% entries moved between old nodes",
        extra * 100.0
    );
    assert!(extra < 0.05);
}

#[test]
fn membership_order_does_not_matter_for_maglev() {
    let mut a = Maglev::new(251).unwrap();
    let mut b = Maglev::new(251).unwrap();
    a.add_many(["x", "y", "z"]).unwrap();
    b.add_many(["z", "x", "y"]).unwrap();
    let names = |m: &Maglev| {
        m.table()
            .iter()
            .map(|&i| m.name(i).unwrap().to_vec())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
}

#[test]
fn weighted_nodes_get_their_share_of_arcs() {
    let mut r = HashRing::with_vnodes(HashMode::Xxh64, 500).unwrap();
    let a = r.add(b"a", NodeOptions::weight(1.0)).unwrap();
    let b = r.add(b"b", NodeOptions::weight(3.0)).unwrap();
    assert_eq!(r.point_count(b), Some(1500));
    let s = r.arc_stats();
    assert!((s.shares[a as usize] - 0.25).abs() < 0.05, "{:?}", s.shares);
    assert!((s.shares[b as usize] - 0.75).abs() < 0.05);
    assert!(s.peak_over_fair < 1.2);
}

#[test]
fn argument_errors_name_the_parameter() {
    let err = |e: quorumkit::ArgError| e.param.to_string();
    assert_eq!(
        err(HashRing::with_vnodes(HashMode::Seed, 0).unwrap_err()),
        "vnodes"
    );
    assert_eq!(
        err(HashRing::with_vnodes(HashMode::Seed, 10_001).unwrap_err()),
        "vnodes"
    );
    let mut r = HashRing::with_vnodes(HashMode::Seed, 100).unwrap();
    for w in [0.0, -1.0, f64::NAN, f64::INFINITY, 101.0] {
        assert_eq!(
            err(r.add(b"a", NodeOptions::weight(w)).unwrap_err()),
            "weight"
        );
    }
    let bad_vnodes = NodeOptions {
        weight: 1.0,
        vnodes: Some(0),
    };
    assert_eq!(err(r.add(b"a", bad_vnodes).unwrap_err()), "vnodes");
    r.add(b"a", NodeOptions::default()).unwrap();
    assert_eq!(
        err(r.add(b"a", NodeOptions::default()).unwrap_err()),
        "node"
    );
    match r.get_n(b"k", 2) {
        Err(quorumkit::ring::RingError::Arg(e)) => assert_eq!(e.param, "n"),
        other => panic!("{other:?}"),
    }
    assert_eq!(err(HashMode::parse("md4").unwrap_err()), "hash");
    assert_eq!(err(Maglev::new(100).unwrap_err()), "tableSize");
    assert_eq!(err(jump_hash(0, 0).unwrap_err()), "buckets");
    let empty = HashRing::new(HashMode::Xxh3);
    assert_eq!(empty.get(b"k"), Err(quorumkit::ring::RingError::Empty));
    assert_eq!(
        Rendezvous::new().get(b"k"),
        Err(quorumkit::ring::RingError::Empty)
    );
}
