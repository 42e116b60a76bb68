//! Compatibility with reference placements: the guide's ring (seed mode),
//! npm `hashring` 3.2.0 (ketama), and the jump hash paper's algorithm.

use quorumkit::hash::crc32;
use quorumkit::ring::{
    jump_hash, HashMode, HashRing, KetamaCompat, KetamaOptions, NodeOptions, PointPositions,
};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The guide's Go ring, written as plainly as possible: append every point,
/// a map from point to node where the last write wins, sort, linear search.
struct NaiveGuideRing {
    keys: Vec<u32>,
    owner: std::collections::HashMap<u32, usize>,
}

impl NaiveGuideRing {
    fn new(nodes: &[(usize, String)], replicas: u32) -> Self {
        let mut keys = Vec::new();
        let mut owner = std::collections::HashMap::new();
        for (id, node) in nodes {
            for i in 0..replicas {
                let h = crc32(format!("{node}{i}").as_bytes());
                keys.push(h);
                owner.insert(h, *id);
            }
        }
        keys.sort();
        NaiveGuideRing { keys, owner }
    }

    fn get(&self, key: &[u8]) -> usize {
        let h = crc32(key);
        let mut idx = 0;
        while idx < self.keys.len() && self.keys[idx] < h {
            idx += 1;
        }
        if idx == self.keys.len() {
            idx = 0;
        }
        self.owner[&self.keys[idx]]
    }
}

fn random_key(rng: &mut Pcg64) -> Vec<u8> {
    let len = (rng.next_u32() % 16) as usize;
    (0..len)
        .map(|_| b"ab01:-"[(rng.next_u32() % 6) as usize])
        .collect()
}

#[test]
fn seed_mode_collision_goes_to_the_node_added_last() {
    // "a" ++ "10" and "a1" ++ "0" are the same string, so the same point;
    // the key "a10" hashes exactly onto it. Vectors from Python's zlib.crc32.
    let mut r = HashRing::with_vnodes(HashMode::Seed, 12).unwrap();
    let a = r.add(b"a", NodeOptions::default()).unwrap();
    let a1 = r.add(b"a1", NodeOptions::default()).unwrap();
    let b = r.add(b"b", NodeOptions::default()).unwrap();
    let want = [
        ("user:1", a),
        ("user:2", a),
        ("user:3", b),
        ("hello", b),
        ("", a1),
        ("x", b),
        ("a10", a1),
        ("zzz", a1),
        ("key-99", a),
        ("日本", a1),
    ];
    for (key, owner) in want {
        assert_eq!(r.get(key.as_bytes()).unwrap(), owner, "key {key:?}");
    }
    // Removing the last writer hands the shared point back to "a".
    r.remove(b"a1");
    assert_eq!(r.get(b"a10").unwrap(), a);
    // Re-adding makes "a1" the newest node again.
    let a1 = r.add(b"a1", NodeOptions::default()).unwrap();
    assert_eq!(r.get(b"a10").unwrap(), a1);
}

#[test]
fn seed_mode_matches_the_naive_guide_ring_under_churn() {
    let mut rng = Pcg64::seed_from_u64(7);
    // Names like "n1" and "n12" share points with "n" ++ digits, so
    // collisions are frequent.
    let pool: Vec<String> = ["n", "n1", "n12", "n2", "n21", "n3", "x", "x1", "y"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let replicas = 25;
    let mut ring = HashRing::with_vnodes(HashMode::Seed, replicas).unwrap();
    let mut live: Vec<(usize, String)> = Vec::new();
    for step in 0..120 {
        let name = &pool[(rng.next_u32() as usize) % pool.len()];
        if ring.contains(name.as_bytes()) {
            ring.remove(name.as_bytes());
            live.retain(|(_, n)| n != name);
        } else {
            let id = ring.add(name.as_bytes(), NodeOptions::default()).unwrap() as usize;
            live.push((id, name.clone()));
        }
        if live.is_empty() {
            assert!(ring.get(b"k").is_err());
            continue;
        }
        // A from-scratch build of the live nodes in insertion order.
        let naive = NaiveGuideRing::new(&live, replicas);
        for _ in 0..60 {
            let key = random_key(&mut rng);
            assert_eq!(
                ring.get(&key).unwrap() as usize,
                naive.get(&key),
                "step {step}"
            );
        }
        for k in ["a10", "n10", "n120", "n121", "n1", "x10"] {
            assert_eq!(
                ring.get(k.as_bytes()).unwrap() as usize,
                naive.get(k.as_bytes())
            );
        }
    }
}

#[test]
fn seed_mode_batch_build_equals_one_by_one() {
    let names: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
    let built = HashRing::build(
        HashMode::Seed,
        30,
        names.iter().map(|n| (n.as_bytes(), NodeOptions::default())),
    )
    .unwrap();
    let mut inc = HashRing::with_vnodes(HashMode::Seed, 30).unwrap();
    for n in &names {
        inc.add(n.as_bytes(), NodeOptions::default()).unwrap();
    }
    assert_eq!(built.points(), inc.points());
}

// ---- ketama: npm hashring 3.2.0 vectors --------------------------------

struct VectorSet {
    label: String,
    opts: KetamaOptions,
    vnodes: u32,
    servers: Vec<(String, f64, u32)>,
    edits: Vec<(bool, String, f64)>,
    order: Vec<String>,
    keys: Vec<(Vec<u8>, usize)>,
    ranges: Vec<(Vec<u8>, Vec<usize>)>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn load_vectors() -> Vec<VectorSet> {
    let text = include_str!("testdata/ring/ketama_vectors.txt");
    let mut sets: Vec<VectorSet> = Vec::new();
    for line in text.lines() {
        let (tag, rest) = line.split_once(' ').unwrap();
        if tag == "set" {
            sets.push(VectorSet {
                label: rest.to_string(),
                opts: KetamaOptions::default(),
                vnodes: 40,
                servers: vec![],
                edits: vec![],
                order: vec![],
                keys: vec![],
                ranges: vec![],
            });
            continue;
        }
        let s = sets.last_mut().unwrap();
        match tag {
            "option" => {
                let (k, v) = rest.split_once(' ').unwrap();
                match k {
                    "replicas" => {
                        s.opts.compat = if v == "3" {
                            KetamaCompat::HashRing
                        } else {
                            KetamaCompat::Ketama
                        }
                    }
                    "vnodes" => s.vnodes = v.parse().unwrap(),
                    "default_port" => s.opts.default_port = Some(v.parse().unwrap()),
                    _ => panic!("unknown option {k}"),
                }
            }
            "server" => {
                let mut it = rest.splitn(3, ' ');
                let w = it.next().unwrap().parse().unwrap();
                let v = it.next().unwrap().parse().unwrap();
                s.servers.push((it.next().unwrap().to_string(), w, v));
            }
            "add" => {
                let (w, n) = rest.split_once(' ').unwrap();
                s.edits.push((true, n.to_string(), w.parse().unwrap()));
            }
            "remove" => s.edits.push((false, rest.to_string(), 0.0)),
            "order" => s.order = rest.split(' ').map(String::from).collect(),
            "key" => {
                let (k, o) = rest.split_once(' ').unwrap();
                s.keys.push((unhex(k), o.parse().unwrap()));
            }
            "range" => {
                let (k, o) = rest.split_once(' ').unwrap();
                s.ranges
                    .push((unhex(k), o.split(',').map(|x| x.parse().unwrap()).collect()));
            }
            _ => panic!("unknown record {tag}"),
        }
    }
    sets
}

#[test]
fn ketama_owners_equal_npm_hashring() {
    let sets = load_vectors();
    assert_eq!(sets.len(), 5);
    for s in sets {
        let mut ring = HashRing::build(
            HashMode::Ketama(s.opts),
            s.vnodes,
            s.servers.iter().map(|(n, w, v)| {
                (
                    n.as_bytes(),
                    NodeOptions {
                        weight: *w,
                        vnodes: (*v > 0).then_some(*v),
                    },
                )
            }),
        )
        .unwrap();
        for (add, name, w) in &s.edits {
            if *add {
                ring.add(name.as_bytes(), NodeOptions::weight(*w)).unwrap();
            } else {
                ring.remove(name.as_bytes()).unwrap();
            }
        }
        // Map hashring's server order to our node indices.
        let idx: Vec<u32> = s
            .order
            .iter()
            .map(|n| ring.index_of(n.as_bytes()).unwrap())
            .collect();
        assert_eq!(s.keys.len(), 2000);
        for (key, owner) in &s.keys {
            assert_eq!(
                ring.get(key).unwrap(),
                idx[*owner],
                "{}: key {:?}",
                s.label,
                key
            );
        }
        for (key, want) in &s.ranges {
            let want: Vec<u32> = want.iter().map(|&o| idx[o]).collect();
            assert_eq!(ring.get_n(key, 3).unwrap(), want, "{}: range", s.label);
        }
        let mut out = vec![0u32; s.keys.len()];
        let mut packed = Vec::new();
        let mut ends = Vec::new();
        for (k, _) in &s.keys {
            packed.extend_from_slice(k);
            ends.push(packed.len() as u32);
        }
        ring.get_many(&packed, &ends, &mut out).unwrap();
        for (o, (_, want)) in out.iter().zip(&s.keys) {
            assert_eq!(*o, idx[*want]);
        }
    }
}

#[test]
fn ketama_point_counts_follow_the_share_formula() {
    // Seven equal servers: double precision gives 39 digests, libketama's
    // single precision 40.
    let names: Vec<String> = (0..7).map(|i| format!("node{i}:6379")).collect();
    for (opts, digests) in [
        (KetamaOptions::default(), 39),
        (KetamaOptions::libketama(), 40),
    ] {
        let r = HashRing::build(
            HashMode::Ketama(opts),
            40,
            names.iter().map(|n| (n.as_bytes(), NodeOptions::default())),
        )
        .unwrap();
        assert_eq!(r.point_count(0), Some(digests * 4));
    }
    // The first digest of "10.0.0.1:11211" gives the first four points.
    let mut r = HashRing::with_vnodes(HashMode::Ketama(KetamaOptions::default()), 1).unwrap();
    r.add(b"10.0.0.1:11211", NodeOptions::default()).unwrap();
    let d = quorumkit::hash::md5(b"10.0.0.1:11211-0");
    let mut want: Vec<u32> = d
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    want.sort();
    assert_eq!(r.points().positions, PointPositions::U32(&want));
}

#[test]
fn ketama_unequal_weights_rebuild_keeps_equality_with_a_fresh_build() {
    let mut r = HashRing::new(HashMode::Ketama(KetamaOptions::default()));
    r.add(b"a:1", NodeOptions::weight(1.0)).unwrap();
    r.add(b"b:1", NodeOptions::weight(3.0)).unwrap();
    r.add(b"c:1", NodeOptions::weight(2.0)).unwrap();
    r.remove(b"b:1");
    let fresh = HashRing::build(
        HashMode::Ketama(KetamaOptions::default()),
        40,
        [
            ("a:1", NodeOptions::weight(1.0)),
            ("c:1", NodeOptions::weight(2.0)),
        ],
    )
    .unwrap();
    // Same positions; the freed index 1 makes the owner numbering differ.
    assert_eq!(r.points().positions, fresh.points().positions);
}

// ---- jump hash -----------------------------------------------------------

#[test]
fn jump_hash_reproduces_the_paper_algorithm() {
    // The widely published vectors of the paper's reference function.
    for (key, buckets, want) in [
        (1u64, 1u32, 0u32),
        (42, 57, 43),
        (0xDEAD_10CC, 1, 0),
        (0xDEAD_10CC, 666, 361),
        (256, 1024, 520),
    ] {
        assert_eq!(jump_hash(key, buckets).unwrap(), want);
    }
    // Outputs of the paper's C listing, compiled and run independently.
    let c_outputs: &[(u64, u32, u32)] = &[
        (0x1, 10, 6),
        (0x1, 65536, 21134),
        (0x1, 2147483647, 262355607),
        (0x2, 57, 46),
        (0x2, 2147483647, 736532115),
        (0x2a, 2, 1),
        (0x2a, 65536, 5747),
        (0xdead10cc, 100, 94),
        (0xdead10cc, 2147483647, 1321988195),
        (0x100, 65536, 8799),
        (0xffffffffffffffff, 10, 9),
        (0xffffffffffffffff, 666, 313),
        (0xffffffffffffffff, 2147483647, 699554662),
        (0x123456789abcdef, 100, 57),
        (0x123456789abcdef, 65536, 33301),
        (0xf4243, 666, 111),
        (0xf4243, 2147483647, 1383310104),
        (0x0, 2147483647, 0),
    ];
    for &(key, buckets, want) in c_outputs {
        assert_eq!(
            jump_hash(key, buckets).unwrap(),
            want,
            "key {key:#x} buckets {buckets}"
        );
    }
    assert!(jump_hash(1, 0).is_err());
    assert!(jump_hash(u64::MAX, u32::MAX).unwrap() < u32::MAX);
}
