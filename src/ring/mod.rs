//! Consistent hashing: which node owns a key, and what moves when nodes
//! come and go.
//!
//! Five placement algorithms share one vocabulary: nodes are byte strings
//! (JavaScript strings arrive as UTF-8), each gets a stable **node index**
//! (`u32`, lowest free index reused), and every lookup returns that index so
//! a caller maps it to the name it already holds. Many keys travel packed as
//! one byte buffer plus end offsets ([`PackedKeys`]) and owners are written
//! into an output slice. Invalid input returns [`ArgError`](crate::ArgError)
//! (inside [`RingError::Arg`] where a lookup can also fail on an empty set);
//! nothing panics.
//!
//! # [`HashRing`]: virtual nodes, weights, four hash modes
//!
//! Each node puts `round(weight × vnodes)` points (at least 1, at most
//! [`MAX_VNODES`]) on a circle; a key belongs to the first point at or after
//! its position, wrapping to the first point. Points live in two parallel
//! sorted arrays (positions, owners) exposed by [`HashRing::points`].
//!
//! - **`seed`** reproduces the guide's ring exactly: point `i` of node `name`
//!   is `crc32_ieee(name ++ decimal(i))` for `i in 0..vnodes`, a key sits at
//!   `crc32_ieee(key)`, the owner is the first point `>= hash` (binary
//!   search), wrapping to index 0. Where points coincide, the node added last
//!   owns the point; after that node is removed the point goes back to the
//!   newest remaining node that has it (as if the ring were rebuilt).
//! - **`ketama`** is bit-compatible with npm `hashring` 3.x and libketama:
//!   server `s` gets `floor(weight_s / Σweight × vnodes × N)` digests
//!   `md5(name ++ "-" ++ decimal(d))` (vnodes = 40 by default; an explicit
//!   per-node `vnodes` different from the ring's replaces the formula), each
//!   cut into 4 little-endian `u32` points; a key sits at the little-endian
//!   `u32` of `md5(key)[0..4]`; equal points belong to the server added
//!   first. [`KetamaOptions`] selects the `hash_ring` variant (3 points per
//!   digest), the `default port` rule (a server `host:port` whose port equals
//!   it is hashed as `host-d`), and libketama's single-precision count.
//!   Since counts depend on the total weight, adding or removing a server of
//!   unequal weight rebuilds the ring, as `hashring` does.
//! - **`xxh64`** / **`xxh3`**: point `i` is `xxh64(name, seed = i)` (or
//!   `xxh3_64` of the name followed by `i` as 4 little-endian bytes: XXH3's
//!   seed is too weak on 1–3-byte names), keys `xxh64(key, 0)`
//!   (`xxh3_64(key)`), 64-bit positions. Equal points: the node added last
//!   wins, as in `seed`.
//!
//! Costs: `get` O(1) expected for P points (a bucket index over the
//! positions: a few points compared per lookup, O(log P) at worst);
//! `get_n` O(1) + points walked;
//! `add` O(V log V + P) (merge of the new node's V sorted points);
//! `remove` O(P); [`HashRing::build`] / [`HashRing::add_many`] sort once,
//! O(P log P). Keys moved: adding a node moves only keys that now belong to
//! it, removing one moves only its keys (ketama with unequal weights is the
//! exception: every server's digest count changes with the total weight).
//!
//! # Other algorithms
//!
//! Figures at N = 100 from `tests/ring_balance.rs` (names `node-{i}`, keys
//! `user:{i}`); "arc" is exact arc length, "keys" a key sample. The CRC-32
//! ring depends on the names: 1.67 (`node{i}`), 1.69 (`node-{i}`), 1.70
//! (`cache-{i}.example`), 2.39 (`10.0.0.{i}:11211`); the 64-bit modes stay
//! at 1.23–1.39 for all four patterns (the relative spread of 100 uniform
//! points, 1/√100).
//!
//! | algorithm | balance (peak/mean, N=100) | keys moved on add | lookup cost | memory |
//! |---|---|---|---|---|
//! | [`HashRing`] `seed`, 100 vnodes | 1.69 (arc), std dev 0.38/N | only to the new node, ≈ 1/(N+1) | O(1) expected (bucket index), O(log P) worst | 8 B/point + index ≤ 16 B/point |
//! | [`HashRing`] `xxh64`/`xxh3`, 100 vnodes | 1.25 / 1.27 (arc), std dev 0.10/N | only to the new node, ≈ 1/(N+1) | O(1) expected (bucket index), O(log P) worst | 12 B/point + index ≤ 16 B/point |
//! | [`HashRing`] `ketama`, 160 points | 1.17 (arc) | only to the new node with equal weights | O(1) expected + MD5 | 8 B/point + index ≤ 16 B/point |
//! | [`jump_hash`] | 1.026 (1M keys) | exactly the new bucket's keys, 1/(N+1) | O(ln N), no state | none |
//! | [`Rendezvous`] | 1.05 (200k keys) | only to the new node (its weight share) | O(N) | ≈ 40 B/node |
//! | [`BoundedLoadRing`] ε = 0.1 | 1.100 (100k keys), ≤ 1 + ε by construction | share + cascaded overflow, O(1/ε²) expected per op | O(log P + 1/ε) | ring + 8 B/node |
//! | [`Maglev`] M = 65537 | 1.001 (table), 1.019 (1M keys) | share + < 5 % reshuffled between old nodes | O(1) | 4 B × M |
//!
//! The key-sample figures include sampling noise (±1/√(keys/N)); with 1M
//! keys that noise alone gives about 1.03.
//!
//! # Analytics
//!
//! [`HashRing::arc_stats`] gives each node's share of the hash space by
//! exact arc length (point `k` owns `(p[k-1], p[k]]`, the first point also
//! the wrap-around); the `sample_stats` methods count a sample of keys. Both
//! return [`LoadStats`]: per-index shares, peak/mean, standard deviation.
//! [`HashRing::movement_on_add`] / [`HashRing::movement_on_remove`] list the
//! hash ranges that change owner ([`MovedArcs`]) with the moved fraction
//! against the ideal (the node's weight share, `1/(N+1)` for equal weights);
//! [`HashRing::key_movement`] lists which sample keys moved.
//! [`BoundedLoadRing::movement_on_add`] / [`BoundedLoadRing::movement_on_remove`]
//! replay keys in order before and after the change ([`BoundedMovement`],
//! counting the cascades between nodes that stay), and
//! [`BoundedLoadRing::walk`] gives a key's walk past full nodes ([`KeyWalk`]).
//!
//! # Tests
//!
//! `cargo test` runs the ring suite in a few seconds. Setting
//! `QUORUMKIT_LONG=1` multiplies the property-test cases and sample sizes.
//!
//! # Examples
//! ```
//! use quorumkit::ring::{HashMode, HashRing, NodeOptions};
//! let servers = ["cache-a:11211", "cache-b:11211", "cache-c:11211"];
//! let ring = HashRing::build(
//!     HashMode::Ketama(Default::default()),
//!     40,
//!     servers.iter().map(|s| (s.as_bytes(), NodeOptions::default())),
//! )?;
//! let owner = ring.get(b"user:1234")?;
//! println!("user:1234 lives on {}", servers[owner as usize]);
//! # Ok::<(), quorumkit::ring::RingError>(())
//! ```

mod bounded;
mod buckets;
mod hashring;
mod jump;
mod ketama;
mod maglev;
mod movement;
mod nodeset;
mod packed;
mod rendezvous;
mod stats;

use core::fmt;

pub use bounded::{BoundedLoadRing, BoundedMovement, KeyWalk};
pub use hashring::{
    HashMode, HashRing, NodeOptions, PointPositions, RingPoints, DEFAULT_VNODES, MAX_VNODES,
};
pub use jump::{
    jump_hash, jump_hash_bytes, jump_many, jump_many_u64, jump_movement, jump_stats,
    MAX_STATS_BUCKETS,
};
pub use ketama::{KetamaCompat, KetamaOptions, ShareFloat, KETAMA_VNODES};
pub use maglev::{Maglev, MAX_TABLE_SIZE};
pub use movement::{KeyMovement, MovedArcs, Movement, SampleMovement};
pub use packed::PackedKeys;
pub use rendezvous::Rendezvous;
pub use stats::LoadStats;

use crate::ArgError;

/// Why a lookup failed.
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, RingError};
/// let r = HashRing::new(HashMode::Seed);
/// assert_eq!(r.get(b"k"), Err(RingError::Empty));
/// assert_eq!(RingError::Empty.to_string(), "the ring is empty: add a node first");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RingError {
    /// There is no node (or no node owns a point) to map a key to.
    Empty,
    /// An argument was invalid.
    Arg(ArgError),
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::Empty => f.write_str("the ring is empty: add a node first"),
            RingError::Arg(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for RingError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            RingError::Arg(e) => Some(e),
            RingError::Empty => None,
        }
    }
}

impl From<ArgError> for RingError {
    fn from(e: ArgError) -> Self {
        RingError::Arg(e)
    }
}
