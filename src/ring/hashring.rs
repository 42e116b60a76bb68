//! The consistent-hash ring: virtual nodes, weights, four hash modes (the
//! rules of ketama and its variants are in `ketama.rs`).

use super::buckets::Buckets;
use super::ketama::{
    ketama_key, ketama_prefix, KetamaCompat, KetamaOptions, ShareFloat, KETAMA_VNODES,
};
use super::movement::{KeyMovement, MovedArcs, Movement};
use super::nodeset::{check_weight, lowest_free, occupy, repeats, vacate, NameIndex};
use super::packed::{check_out, PackedKeys};
use super::{LoadStats, RingError};
use crate::hash;
use crate::prelude::*;
use crate::ArgError;

/// The largest virtual-node count one node may have (`vnodes`, or
/// `weight × vnodes`): 10 000 points per node already gives a per-node load
/// spread of about 1 %, and bounds the memory a single `add` can allocate.
pub const MAX_VNODES: u32 = 10_000;

/// Default virtual nodes per node for the `seed`, `xxh64` and `xxh3` modes.
pub const DEFAULT_VNODES: u32 = 100;

/// How node names become ring points and keys become positions.
///
/// | mode | point `i` of node `name` | key position | width |
/// |---|---|---|---|
/// | `Seed` | `crc32(name ++ decimal(i))` | `crc32(key)` | 32 |
/// | `Ketama` | LE u32 slices of `md5(name ++ "-" ++ decimal(d))` | LE u32 of `md5(key)[0..4]` | 32 |
/// | `Xxh64` | `xxh64(name, seed = i)` | `xxh64(key, 0)` | 64 |
/// | `Xxh3` | `xxh3_64(name ‖ u32_le(i))` | `xxh3_64(key)` | 64 |
///
/// # Examples
/// ```
/// use quorumkit::ring::HashMode;
/// assert_eq!(HashMode::parse("xxh64")?, HashMode::Xxh64);
/// assert_eq!(HashMode::Xxh64.name(), "xxh64");
/// assert_eq!(HashMode::Seed.position_bits(), 32);
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashMode {
    /// The guide's ring, exactly: CRC-32 (IEEE) points; on equal points the
    /// node added last owns the point.
    Seed,
    /// libketama / npm `hashring` 3.x: MD5 digests; on equal points the
    /// server added first owns the point.
    Ketama(KetamaOptions),
    /// XXH64, 64-bit positions: far better balance than CRC-32.
    Xxh64,
    /// XXH3 (64-bit), 64-bit positions: like `Xxh64`, faster on short keys.
    Xxh3,
}

impl HashMode {
    /// Parses the JavaScript option spelling: `seed`, `ketama`, `libketama`,
    /// `hash_ring`, `xxh64`, `xxh3`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, KetamaOptions};
    /// assert_eq!(HashMode::parse("hash_ring")?, HashMode::Ketama(KetamaOptions::hash_ring()));
    /// assert!(HashMode::parse("sha1").is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`hash`) for any other name.
    pub fn parse(name: &str) -> Result<HashMode, ArgError> {
        Ok(match name {
            "seed" => HashMode::Seed,
            "ketama" => HashMode::Ketama(KetamaOptions::default()),
            "libketama" => HashMode::Ketama(KetamaOptions::libketama()),
            "hash_ring" => HashMode::Ketama(KetamaOptions::hash_ring()),
            "xxh64" => HashMode::Xxh64,
            "xxh3" => HashMode::Xxh3,
            other => {
                return Err(ArgError::range(
                    "hash",
                    "one of 'seed', 'ketama', 'libketama', 'hash_ring', 'xxh64', 'xxh3'",
                    format!("'{other}'"),
                ))
            }
        })
    }

    /// The JavaScript spelling of the mode (ketama variants by their preset).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, KetamaOptions};
    /// assert_eq!(HashMode::Ketama(KetamaOptions::libketama()).name(), "libketama");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            HashMode::Seed => "seed",
            HashMode::Ketama(o) if o.compat == KetamaCompat::HashRing => "hash_ring",
            HashMode::Ketama(o) if o.share == ShareFloat::F32 => "libketama",
            HashMode::Ketama(_) => "ketama",
            HashMode::Xxh64 => "xxh64",
            HashMode::Xxh3 => "xxh3",
        }
    }

    /// Width of ring positions in bits: 32 or 64.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::HashMode::Xxh3.position_bits(), 64);
    /// ```
    pub fn position_bits(self) -> u32 {
        match self {
            HashMode::Seed | HashMode::Ketama(_) => 32,
            HashMode::Xxh64 | HashMode::Xxh3 => 64,
        }
    }

    /// The default virtual-node count: 40 digests for ketama, 100 otherwise.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::HashMode::Seed.default_vnodes(), 100);
    /// ```
    pub fn default_vnodes(self) -> u32 {
        match self {
            HashMode::Ketama(_) => KETAMA_VNODES,
            _ => DEFAULT_VNODES,
        }
    }

    /// The ring position of `key` (widened to `u64` for 32-bit modes).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::HashMode;
    /// assert_eq!(HashMode::Seed.key_position(b"123456789"), 0xCBF4_3926);
    /// ```
    pub fn key_position(self, key: &[u8]) -> u64 {
        match self {
            HashMode::Seed | HashMode::Ketama(_) => u64::from(self.key32(key)),
            HashMode::Xxh64 | HashMode::Xxh3 => self.key64(key),
        }
    }

    #[inline]
    fn key32(self, key: &[u8]) -> u32 {
        match self {
            HashMode::Ketama(_) => ketama_key(key),
            _ => hash::crc32(key),
        }
    }

    #[inline]
    fn key64(self, key: &[u8]) -> u64 {
        match self {
            HashMode::Xxh3 => hash::xxh3_64(key),
            _ => hash::xxh64(key, 0),
        }
    }
}

/// Per-node options for [`HashRing::add`].
///
/// # Examples
/// ```
/// use quorumkit::ring::NodeOptions;
/// let o = NodeOptions::weight(2.0);
/// assert_eq!(o.weight, 2.0);
/// assert_eq!(o.vnodes, None);
/// assert_eq!(NodeOptions::default().weight, 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeOptions {
    /// Relative capacity: scales the node's virtual-node count (finite, > 0).
    pub weight: f64,
    /// An explicit virtual-node (ketama: digest) count for this node, which
    /// replaces the weighted count. In ketama mode it applies only when it
    /// differs from the ring's `vnodes`, as in npm `hashring`.
    pub vnodes: Option<u32>,
}

impl Default for NodeOptions {
    fn default() -> Self {
        NodeOptions {
            weight: 1.0,
            vnodes: None,
        }
    }
}

impl NodeOptions {
    /// Options with the given weight.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::NodeOptions::weight(0.5).weight, 0.5);
    /// ```
    pub fn weight(weight: f64) -> Self {
        NodeOptions {
            weight,
            vnodes: None,
        }
    }
}

/// A read-only view of ring positions, 32- or 64-bit by hash mode.
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions, PointPositions};
/// let mut r = HashRing::with_vnodes(HashMode::Seed, 3)?;
/// r.add(b"a", NodeOptions::default())?;
/// assert!(matches!(r.points().positions, PointPositions::U32(p) if p.len() == 3));
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointPositions<'a> {
    /// Positions of the 32-bit modes (`seed`, `ketama`).
    U32(&'a [u32]),
    /// Positions of the 64-bit modes (`xxh64`, `xxh3`).
    U64(&'a [u64]),
}

impl PointPositions<'_> {
    /// Number of points.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::PointPositions::U32(&[1, 2]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            PointPositions::U32(p) => p.len(),
            PointPositions::U64(p) => p.len(),
        }
    }

    /// Whether there are no points.
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::ring::PointPositions::U64(&[]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Point `i` as a fraction of the circle in `[0, 1)`, for drawing.
    ///
    /// # Examples
    /// ```
    /// let p = quorumkit::ring::PointPositions::U32(&[1 << 31]);
    /// assert_eq!(p.fraction(0), Some(0.5));
    /// ```
    pub fn fraction(&self, i: usize) -> Option<f64> {
        match self {
            PointPositions::U32(p) => p.get(i).map(|&v| f64::from(v) / 4_294_967_296.0),
            PointPositions::U64(p) => p.get(i).map(|&v| v as f64 / 18_446_744_073_709_551_616.0),
        }
    }
}

/// The sorted ring points and their owners, as parallel slices.
///
/// `owners[k]` is the node index owning `positions[k]`. Positions are sorted
/// ascending; equal positions sit in priority order, the first one owning
/// the arc (the guide: newest node first; ketama: oldest server first).
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
/// let mut r = HashRing::with_vnodes(HashMode::Xxh64, 10)?;
/// let a = r.add(b"a", NodeOptions::default())?;
/// let pts = r.points();
/// assert_eq!(pts.positions.len(), 10);
/// assert!(pts.owners.iter().all(|&o| o == a));
/// # Ok::<(), quorumkit::ArgError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingPoints<'a> {
    /// Point positions, ascending.
    pub positions: PointPositions<'a>,
    /// Owner node index of each point.
    pub owners: &'a [u32],
}

#[derive(Debug, Clone)]
struct Node {
    name: Box<[u8]>,
    weight: f64,
    vnodes: Option<u32>,
    /// Current virtual-node (ketama: digest) count.
    count: u32,
}

#[derive(Debug, Clone)]
enum Positions {
    P32(Vec<u32>),
    P64(Vec<u64>),
}

/// A consistent-hash ring with virtual nodes and weights.
///
/// Nodes are byte strings (JavaScript strings arrive as UTF-8); each gets a
/// stable node index, returned by [`add`](HashRing::add) and by every lookup,
/// so callers map owners to names they already hold. A removed node's index
/// is reused by the next add (lowest free index first).
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
/// let mut ring = HashRing::new(HashMode::Xxh64);
/// let names = ["cache-a", "cache-b", "cache-c"];
/// for n in names { ring.add(n.as_bytes(), NodeOptions::default())?; }
/// let owner = ring.get(b"user:42")?;
/// assert!(names.contains(&names[owner as usize]));
/// let prefs = ring.get_n(b"user:42", 2)?;
/// assert_eq!(prefs[0], owner);
/// assert_ne!(prefs[0], prefs[1]);
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct HashRing {
    mode: HashMode,
    vnodes: u32,
    slots: Vec<Option<Node>>,
    /// Live node indices in insertion order.
    order: Vec<u32>,
    by_name: NameIndex,
    positions: Positions,
    owners: Vec<u32>,
    /// Where each bucket of positions starts, so that a lookup reads about
    /// one point instead of searching the whole ring. Rebuilt on every change.
    buckets: Buckets,
}

fn check_vnodes(param: &'static str, v: u32) -> Result<u32, ArgError> {
    if (1..=MAX_VNODES).contains(&v) {
        Ok(v)
    } else {
        Err(ArgError::range(param, "an integer in 1..=10000", v))
    }
}

/// Writes `v` in decimal into `buf`, returning the digits.
fn decimal(mut v: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Merges one node's sorted points into the ring's sorted arrays, in place
/// from the back (no reallocation beyond growth). On equal positions the new
/// points go first when `new_first` (the guide's "last added wins"), else
/// after the existing ones (ketama's "first added wins").
fn merge_points<P: Ord + Copy>(
    positions: &mut Vec<P>,
    owners: &mut Vec<u32>,
    new: &[P],
    owner: u32,
    new_first: bool,
) {
    let mut i = positions.len();
    let mut j = new.len();
    positions.extend_from_slice(new);
    owners.resize(positions.len(), owner);
    let mut w = positions.len();
    while j > 0 {
        w -= 1;
        let q = new[j - 1];
        let take_old = i > 0 && {
            let p = positions[i - 1];
            p > q || (p == q && new_first)
        };
        if take_old {
            positions[w] = positions[i - 1];
            owners[w] = owners[i - 1];
            i -= 1;
        } else {
            positions[w] = q;
            owners[w] = owner;
            j -= 1;
        }
    }
}

/// A point as one sortable key: position, then the owner's rank among equal
/// points, then the owner. One `u128` sort serves both position widths (each
/// sort instantiation costs kilobytes of wasm).
fn point_key(position: u64, rank: usize, owner: u32) -> u128 {
    (u128::from(position) << 64) | ((rank as u128) << 32) | u128::from(owner)
}

/// Sorts [`point_key`]s and splits them into positions and owners.
fn sorted_arrays<P>(mut keys: Vec<u128>, narrow: impl Fn(u64) -> P) -> (Vec<P>, Vec<u32>) {
    keys.sort_unstable();
    keys.iter()
        .map(|&k| (narrow((k >> 64) as u64), k as u32))
        .unzip()
}

/// Exact length of each point's arc: point k owns `(p[k-1], p[k]]`, point 0
/// also the wrap-around part. Adds each arc to its owner's total.
fn arc_lengths<P: Copy + Into<u64>>(positions: &[P], owners: &[u32], bits: u32, acc: &mut [u128]) {
    let circle: u128 = 1u128 << bits;
    let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
        return;
    };
    let mut prev: u128 = u128::from(last.into());
    for (k, (&p, &o)) in positions.iter().zip(owners).enumerate() {
        let p = u128::from(p.into());
        let len = if k == 0 {
            circle - prev + u128::from(first.into())
        } else {
            p - prev
        };
        if let Some(a) = acc.get_mut(o as usize) {
            *a += len;
        }
        prev = p;
    }
}

/// The ranges where two rings' owners differ.
fn diff_arcs<P: Ord + Copy + Into<u64>>(
    a_pos: &[P],
    a_own: &[u32],
    b_pos: &[P],
    b_own: &[u32],
    bits: u32,
) -> MovedArcs {
    let mut out = MovedArcs::default();
    let (Some(&a0), Some(&b0)) = (a_own.first(), b_own.first()) else {
        return out;
    };
    let max: u64 = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    // Sweep the union of breakpoints; between consecutive breakpoints each
    // ring's owner is constant. Before the first breakpoint and after the
    // last, both rings wrap to their first point.
    let (mut i, mut j) = (0usize, 0usize);
    let mut start: u64 = 0;
    let mut done = false;
    loop {
        let next = match (a_pos.get(i), b_pos.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let from = a_own.get(i).copied().unwrap_or(a0);
        let to = b_own.get(j).copied().unwrap_or(b0);
        let end: u64 = next.into();
        push_arc(&mut out, start, end, from, to);
        while a_pos.get(i).is_some_and(|&x| x == next) {
            i += 1;
        }
        while b_pos.get(j).is_some_and(|&y| y == next) {
            j += 1;
        }
        if end >= max {
            done = true;
            break;
        }
        start = end + 1;
    }
    if !done {
        push_arc(&mut out, start, max, a0, b0);
    }
    let moved: u128 = out
        .starts
        .iter()
        .zip(&out.ends)
        .map(|(&s, &e)| u128::from(e - s) + 1)
        .sum();
    out.moved_fraction = moved as f64 / (1u128 << bits) as f64;
    out
}

/// Appends a moved range, merging it with the previous one when adjacent.
fn push_arc(out: &mut MovedArcs, start: u64, end: u64, from: u32, to: u32) {
    if from == to {
        return;
    }
    if let (Some(e), Some(&f), Some(&t)) = (out.ends.last_mut(), out.from.last(), out.to.last()) {
        if e.checked_add(1) == Some(start) && f == from && t == to {
            *e = end;
            return;
        }
    }
    out.starts.push(start);
    out.ends.push(end);
    out.from.push(from);
    out.to.push(to);
}

impl HashRing {
    /// An empty ring with the mode's default virtual-node count
    /// ([`HashMode::default_vnodes`]).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing};
    /// let r = HashRing::new(HashMode::Seed);
    /// assert_eq!(r.vnodes(), 100);
    /// assert!(r.is_empty());
    /// ```
    pub fn new(mode: HashMode) -> HashRing {
        HashRing {
            mode,
            vnodes: mode.default_vnodes(),
            slots: Vec::new(),
            order: Vec::new(),
            by_name: NameIndex::default(),
            positions: match mode.position_bits() {
                32 => Positions::P32(Vec::new()),
                _ => Positions::P64(Vec::new()),
            },
            owners: Vec::new(),
            buckets: Buckets::default(),
        }
    }

    /// An empty ring with `vnodes` virtual nodes per weight-1 node (ketama:
    /// digests per server at equal weights; npm `hashring`'s `vnode count`).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing};
    /// assert_eq!(HashRing::with_vnodes(HashMode::Seed, 3)?.vnodes(), 3);
    /// assert!(HashRing::with_vnodes(HashMode::Seed, 0).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`vnodes`) unless `1 <= vnodes <= 10_000`.
    pub fn with_vnodes(mode: HashMode, vnodes: u32) -> Result<HashRing, ArgError> {
        let mut r = HashRing::new(mode);
        r.vnodes = check_vnodes("vnodes", vnodes)?;
        Ok(r)
    }

    /// Builds a ring from many nodes at once, sorting the points once.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let r = HashRing::build(HashMode::Xxh3, 100, [
    ///     ("a", NodeOptions::default()),
    ///     ("b", NodeOptions::weight(2.0)),
    /// ])?;
    /// assert_eq!(r.points().positions.len(), 300);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`HashRing::with_vnodes`] and [`HashRing::add_many`].
    pub fn build<I, N>(mode: HashMode, vnodes: u32, nodes: I) -> Result<HashRing, ArgError>
    where
        I: IntoIterator<Item = (N, NodeOptions)>,
        N: AsRef<[u8]>,
    {
        let mut r = HashRing::with_vnodes(mode, vnodes)?;
        r.add_many(nodes)?;
        Ok(r)
    }

    /// The hash mode.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing};
    /// assert_eq!(HashRing::new(HashMode::Xxh64).mode(), HashMode::Xxh64);
    /// ```
    pub fn mode(&self) -> HashMode {
        self.mode
    }

    /// Virtual nodes per weight-1 node.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing};
    /// assert_eq!(HashRing::new(HashMode::Ketama(Default::default())).vnodes(), 40);
    /// ```
    pub fn vnodes(&self) -> u32 {
        self.vnodes
    }

    /// Number of nodes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// r.add(b"a", NodeOptions::default())?;
    /// assert_eq!(r.len(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the ring has no nodes.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing};
    /// assert!(HashRing::new(HashMode::Seed).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Live node indices in insertion order.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let a = r.add(b"a", NodeOptions::default())?;
    /// let b = r.add(b"b", NodeOptions::default())?;
    /// r.remove(b"a");
    /// let c = r.add(b"c", NodeOptions::default())?;
    /// assert_eq!(c, a); // the freed index is reused
    /// assert_eq!(r.nodes(), &[b, c]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn nodes(&self) -> &[u32] {
        &self.order
    }

    /// The index the next [`add`](Self::add) gives: the lowest index no
    /// live node holds (a removed node's index is reused first).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// assert_eq!(r.next_index(), 0);
    /// let a = r.add(b"a", NodeOptions::default())?;
    /// r.add(b"b", NodeOptions::default())?;
    /// assert_eq!(r.next_index(), 2);
    /// r.remove(b"a");
    /// assert_eq!(r.next_index(), a);
    /// assert_eq!(r.add(b"c", NodeOptions::default())?, a);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn next_index(&self) -> u32 {
        lowest_free(&self.slots)
    }

    /// The name of node `index`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let i = r.add(b"cache-1", NodeOptions::default())?;
    /// assert_eq!(r.name(i), Some(&b"cache-1"[..]));
    /// assert_eq!(r.name(99), None);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn name(&self, index: u32) -> Option<&[u8]> {
        self.node(index).map(|n| &*n.name)
    }

    /// The weight of node `index`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let i = r.add(b"a", NodeOptions::weight(2.5))?;
    /// assert_eq!(r.weight(i), Some(2.5));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn weight(&self, index: u32) -> Option<f64> {
        self.node(index).map(|n| n.weight)
    }

    /// How many points node `index` has on the ring.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Ketama(Default::default()));
    /// let i = r.add(b"10.0.0.1:11211", NodeOptions::default())?;
    /// assert_eq!(r.point_count(i), Some(160));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn point_count(&self, index: u32) -> Option<u32> {
        self.node(index).map(|n| n.count * self.points_per_vnode())
    }

    /// The index of the node called `name`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let i = r.add(b"a", NodeOptions::default())?;
    /// assert_eq!(r.index_of(b"a"), Some(i));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn index_of(&self, name: &[u8]) -> Option<u32> {
        self.by_name.get(name)
    }

    /// Whether a node called `name` is on the ring.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// r.add(b"a", NodeOptions::default())?;
    /// assert!(r.contains(b"a") && !r.contains(b"b"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn contains(&self, name: &[u8]) -> bool {
        self.by_name.contains(name)
    }

    fn node(&self, index: u32) -> Option<&Node> {
        self.slots.get(index as usize).and_then(Option::as_ref)
    }

    fn points_per_vnode(&self) -> u32 {
        match self.mode {
            HashMode::Ketama(o) => o.compat.points_per_digest() as u32,
            _ => 1,
        }
    }

    fn new_first_on_ties(&self) -> bool {
        !matches!(self.mode, HashMode::Ketama(_))
    }

    /// Adds a node; returns its index. Costs O(V log V + P) for V new points
    /// and P existing ones (ketama with unequal weights: a rebuild, since
    /// every server's digest count depends on the total weight).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::with_vnodes(HashMode::Seed, 10)?;
    /// let i = r.add(b"a", NodeOptions::weight(2.0))?;
    /// assert_eq!(r.point_count(i), Some(20));
    /// assert!(r.add(b"a", NodeOptions::default()).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`]: `node` already on the ring; `weight` not finite and
    /// positive, or `weight × vnodes` above 10 000 (non-ketama modes);
    /// `vnodes` override outside `1..=10000`.
    pub fn add(&mut self, name: &[u8], options: NodeOptions) -> Result<u32, ArgError> {
        let ids = self.add_many([(name, options)])?;
        Ok(ids.first().copied().unwrap_or(0))
    }

    /// Adds many nodes, in order, sorting the points once (O(P log P)).
    /// Either every node is added or, on an error, none is.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let ids = r.add_many([("a", NodeOptions::default()), ("b", NodeOptions::default())])?;
    /// assert_eq!(ids, vec![0, 1]);
    /// assert!(r.add_many([("c", NodeOptions::default()), ("c", NodeOptions::default())]).is_err());
    /// assert_eq!(r.len(), 2);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`HashRing::add`], also for a name repeated within the batch.
    pub fn add_many<I, N>(&mut self, nodes: I) -> Result<Vec<u32>, ArgError>
    where
        I: IntoIterator<Item = (N, NodeOptions)>,
        N: AsRef<[u8]>,
    {
        let mut batch: Vec<(Box<[u8]>, NodeOptions, u32)> = Vec::new();
        let nodes: Vec<(N, NodeOptions)> = nodes.into_iter().collect();
        let names: Vec<&[u8]> = nodes.iter().map(|(n, _)| n.as_ref()).collect();
        let repeated = repeats(&names);
        for (at, (name, opts)) in nodes.iter().enumerate() {
            let (name, opts) = (name.as_ref(), *opts);
            check_weight(opts.weight)?;
            if let Some(v) = opts.vnodes {
                check_vnodes("vnodes", v)?;
            }
            if self.by_name.contains(name) || repeated[at] {
                return Err(ArgError::range(
                    "node",
                    "a name not already on the ring",
                    format!("'{}'", String::from_utf8_lossy(name)),
                ));
            }
            let count = match (self.mode, opts.vnodes) {
                (HashMode::Ketama(_), _) => 0, // computed below from the total weight
                (_, Some(v)) => v,
                (_, None) => {
                    let c = (opts.weight * f64::from(self.vnodes)).round();
                    if c > f64::from(MAX_VNODES) {
                        return Err(ArgError::range(
                            "weight",
                            format!(
                                "at most 10000 / vnodes ({}) so a node has at most 10000 points",
                                self.vnodes
                            ),
                            opts.weight,
                        ));
                    }
                    (c as u32).max(1)
                }
            };
            batch.push((name.into(), opts, count));
        }
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let old_counts: Vec<(u32, u32)> =
            self.order.iter().map(|&i| (i, self.count_of(i))).collect();
        let mut ids = Vec::with_capacity(batch.len());
        for (name, opts, count) in batch {
            let node = Node {
                name: name.clone(),
                weight: opts.weight,
                vnodes: opts.vnodes,
                count,
            };
            let idx = occupy(&mut self.slots, node);
            self.order.push(idx);
            self.by_name.insert(&name, idx);
            ids.push(idx);
        }
        let unchanged = self.recount_ketama(&old_counts);
        if ids.len() == 1 && unchanged {
            let idx = ids[0];
            self.merge_node(idx);
        } else {
            self.rebuild();
        }
        self.reindex();
        Ok(ids)
    }

    fn reindex(&mut self) {
        self.buckets = match &self.positions {
            Positions::P32(p) => Buckets::new(p, 32),
            Positions::P64(p) => Buckets::new(p, 64),
        };
    }

    fn count_of(&self, index: u32) -> u32 {
        self.node(index).map_or(0, |n| n.count)
    }

    /// In ketama mode, recomputes every server's digest count from the
    /// weights; returns whether the servers in `old` kept their counts.
    fn recount_ketama(&mut self, old: &[(u32, u32)]) -> bool {
        let HashMode::Ketama(opts) = self.mode else {
            return true;
        };
        let live: Vec<u32> = self.order.clone();
        // npm hashring sums weights in server order, in double precision.
        let total: f64 = live
            .iter()
            .filter_map(|&i| self.node(i))
            .map(|n| n.weight)
            .sum();
        let n = live.len();
        let vn = self.vnodes;
        for &i in &live {
            if let Some(Some(node)) = self.slots.get_mut(i as usize) {
                node.count = match node.vnodes {
                    Some(v) if v != vn => v,
                    _ => match opts.share {
                        ShareFloat::F64 => {
                            (node.weight / total * f64::from(vn) * n as f64).floor() as u32
                        }
                        ShareFloat::F32 => {
                            let pct = node.weight as f32 / total as f32;
                            ((f64::from(pct) * f64::from(vn) * f64::from(n as f32)) as f32).floor()
                                as u32
                        }
                    },
                };
            }
        }
        old.iter().all(|&(i, c)| self.count_of(i) == c)
    }

    fn gen32(&self, node: &Node, out: &mut Vec<u32>) {
        let mut digits = [0u8; 10];
        match self.mode {
            HashMode::Ketama(opts) => {
                let prefix = ketama_prefix(&node.name, opts.default_port);
                let ppd = opts.compat.points_per_digest();
                let mut buf = Vec::with_capacity(prefix.len() + 11);
                for d in 0..node.count {
                    buf.clear();
                    buf.extend_from_slice(prefix);
                    buf.push(b'-');
                    buf.extend_from_slice(decimal(d, &mut digits));
                    let x = hash::md5(&buf);
                    for c in x.chunks_exact(4).take(ppd) {
                        out.push(u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
                    }
                }
            }
            _ => {
                let mut base = hash::Crc32::new();
                base.update(&node.name);
                for i in 0..node.count {
                    let mut h = base.clone();
                    h.update(decimal(i, &mut digits));
                    out.push(h.finalize());
                }
            }
        }
    }

    fn gen64(&self, node: &Node, out: &mut Vec<u64>) {
        if self.mode == HashMode::Xxh3 {
            // Not xxh3_64_with_seed(name, i): for inputs of 1-3 bytes XXH3 folds the
            // seed into the same low bits as the input, so short names at small seeds
            // collide (three 3-byte names, 100 vnodes each: 103 distinct points of 300).
            let mut buf = node.name.to_vec();
            let at = buf.len();
            for i in 0..node.count {
                buf.truncate(at);
                buf.extend_from_slice(&i.to_le_bytes());
                out.push(hash::xxh3_64(&buf));
            }
        } else {
            for i in 0..node.count {
                out.push(hash::xxh64(&node.name, u64::from(i)));
            }
        }
    }

    fn merge_node(&mut self, idx: u32) {
        let Some(node) = self.node(idx) else {
            return;
        };
        let new_first = self.new_first_on_ties();
        match &self.positions {
            Positions::P32(_) => {
                let mut pts = Vec::new();
                self.gen32(node, &mut pts);
                // Sorted as u64, the instantiation the 64-bit modes need anyway.
                let mut wide: Vec<u64> = pts.iter().map(|&p| u64::from(p)).collect();
                wide.sort_unstable();
                let pts: Vec<u32> = wide.into_iter().map(|p| p as u32).collect();
                if let Positions::P32(pos) = &mut self.positions {
                    merge_points(pos, &mut self.owners, &pts, idx, new_first);
                }
            }
            Positions::P64(_) => {
                let mut pts = Vec::new();
                self.gen64(node, &mut pts);
                pts.sort_unstable();
                if let Positions::P64(pos) = &mut self.positions {
                    merge_points(pos, &mut self.owners, &pts, idx, new_first);
                }
            }
        }
    }

    fn rebuild(&mut self) {
        let mut buf32 = Vec::new();
        let mut buf64 = Vec::new();
        // `order` is insertion order, so a node's place in it ranks it among
        // the owners of an equal point: newest first, except in ketama mode.
        let n = self.order.len();
        let new_first = self.new_first_on_ties();
        let rank = |at: usize| if new_first { n - 1 - at } else { at };
        match self.positions {
            Positions::P32(_) => {
                let mut all = Vec::new();
                for (at, &i) in self.order.iter().enumerate() {
                    if let Some(node) = self.node(i) {
                        buf32.clear();
                        self.gen32(node, &mut buf32);
                        let r = rank(at);
                        all.extend(buf32.iter().map(|&p| point_key(u64::from(p), r, i)));
                    }
                }
                let (pos, own) = sorted_arrays(all, |p| p as u32);
                self.positions = Positions::P32(pos);
                self.owners = own;
            }
            Positions::P64(_) => {
                let mut all = Vec::new();
                for (at, &i) in self.order.iter().enumerate() {
                    if let Some(node) = self.node(i) {
                        buf64.clear();
                        self.gen64(node, &mut buf64);
                        let r = rank(at);
                        all.extend(buf64.iter().map(|&p| point_key(p, r, i)));
                    }
                }
                let (pos, own) = sorted_arrays(all, |p| p);
                self.positions = Positions::P64(pos);
                self.owners = own;
            }
        }
    }

    /// Removes the node called `name`; returns its (now free) index, or
    /// `None` if it was not on the ring. Costs O(P); where points of other
    /// nodes coincided with the removed node's, they own them again.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// let a = r.add(b"a", NodeOptions::default())?;
    /// assert_eq!(r.remove(b"a"), Some(a));
    /// assert_eq!(r.remove(b"a"), None);
    /// assert!(r.points().owners.is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.by_name.remove(name)?;
        let old_counts: Vec<(u32, u32)> = self
            .order
            .iter()
            .filter(|&&i| i != idx)
            .map(|&i| (i, self.count_of(i)))
            .collect();
        vacate(&mut self.slots, idx);
        self.order.retain(|&i| i != idx);
        if self.recount_ketama(&old_counts) {
            let owners = &self.owners;
            match &mut self.positions {
                Positions::P32(pos) => {
                    let mut k = 0;
                    pos.retain(|_| {
                        k += 1;
                        owners[k - 1] != idx
                    });
                }
                Positions::P64(pos) => {
                    let mut k = 0;
                    pos.retain(|_| {
                        k += 1;
                        owners[k - 1] != idx
                    });
                }
            }
            self.owners.retain(|&o| o != idx);
        } else {
            self.rebuild();
        }
        self.reindex();
        Some(idx)
    }

    /// The points and their owners, for drawing or external lookups.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions, PointPositions};
    /// let mut r = HashRing::with_vnodes(HashMode::Seed, 2)?;
    /// r.add(b"a", NodeOptions::default())?;
    /// let PointPositions::U32(p) = r.points().positions else { unreachable!() };
    /// let mut want = vec![quorumkit::hash::crc32(b"a0"), quorumkit::hash::crc32(b"a1")];
    /// want.sort();
    /// assert_eq!(p, &want[..]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn points(&self) -> RingPoints<'_> {
        RingPoints {
            positions: match &self.positions {
                Positions::P32(p) => PointPositions::U32(p),
                Positions::P64(p) => PointPositions::U64(p),
            },
            owners: &self.owners,
        }
    }

    /// The index (into [`points`](HashRing::points)) of the point owning
    /// `key`: the first point at or after the key's position, wrapping to 0.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// r.add(b"a", NodeOptions::default())?;
    /// let k = r.point_index(b"key")?;
    /// assert_eq!(r.points().owners[k], r.get(b"key")?);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] when the ring has no points.
    #[inline]
    pub fn point_index(&self, key: &[u8]) -> Result<usize, RingError> {
        if self.owners.is_empty() {
            return Err(RingError::Empty);
        }
        Ok(match &self.positions {
            Positions::P32(p) => self.buckets.successor(p, self.mode.key32(key)),
            Positions::P64(p) => self.buckets.successor(p, self.mode.key64(key)),
        })
    }

    /// The node index owning `key`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Ketama(Default::default()));
    /// r.add(b"10.0.0.1:11211", NodeOptions::default())?;
    /// assert_eq!(r.get(b"anything")?, 0);
    /// assert!(HashRing::new(HashMode::Seed).get(b"k").is_err());
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] when the ring has no points.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Result<u32, RingError> {
        let k = self.point_index(key)?;
        Ok(self.owners.get(k).copied().unwrap_or(0))
    }

    /// Owners of many keys, packed as bytes plus end offsets (see
    /// [`PackedKeys`]), written into `out` (one slot per key).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Xxh64);
    /// r.add_many([("a", NodeOptions::default()), ("b", NodeOptions::default())])?;
    /// let mut out = [0u32; 2];
    /// r.get_many(b"k1k2", &[2, 4], &mut out)?;
    /// assert_eq!(out, [r.get(b"k1")?, r.get(b"k2")?]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`]; [`RingError::Arg`] for bad `ends` or an `out`
    /// of the wrong length.
    pub fn get_many(&self, keys: &[u8], ends: &[u32], out: &mut [u32]) -> Result<(), RingError> {
        let packed = PackedKeys::new(keys, ends)?;
        check_out("out", out.len(), ends.len())?;
        if ends.is_empty() {
            return Ok(());
        }
        if self.owners.is_empty() {
            return Err(RingError::Empty);
        }
        // The position width is resolved once per batch, not once per key.
        let mode = self.mode;
        match &self.positions {
            Positions::P32(p) => self.owners_into(p, packed, out, |k| mode.key32(k)),
            Positions::P64(p) => self.owners_into(p, packed, out, |k| mode.key64(k)),
        }
        Ok(())
    }

    /// The owner of each key of `keys` into `out`, with `hash` the mode's key
    /// position; the loop of [`get_many`](HashRing::get_many).
    #[inline(always)]
    fn owners_into<P: Ord + Copy + Into<u64>>(
        &self,
        positions: &[P],
        keys: PackedKeys<'_>,
        out: &mut [u32],
        hash: impl Fn(&[u8]) -> P,
    ) {
        for (o, k) in out.iter_mut().zip(keys) {
            let i = self.buckets.successor(positions, hash(k));
            *o = self.owners.get(i).copied().unwrap_or(0);
        }
    }

    /// Number of distinct nodes that own at least one point.
    fn placed(&self) -> usize {
        self.order.iter().filter(|&&i| self.count_of(i) > 0).count()
    }

    /// The preference list of `key`: `n` distinct nodes met walking clockwise
    /// from the key (Dynamo/Cassandra replica placement). Entry 0 is
    /// [`get`](HashRing::get)'s owner. Costs O(log P + points walked).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// for n in ["a", "b", "c"] { r.add(n.as_bytes(), NodeOptions::default())?; }
    /// let mut l = r.get_n(b"key", 3)?;
    /// l.sort();
    /// assert_eq!(l, vec![0, 1, 2]);
    /// assert!(r.get_n(b"key", 4).is_err());
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`]; [`RingError::Arg`] (`n`) when `n` exceeds the
    /// number of nodes that own points.
    pub fn get_n(&self, key: &[u8], n: usize) -> Result<Vec<u32>, RingError> {
        let placed = self.placed();
        if n > placed && placed > 0 {
            return Err(
                ArgError::range("n", format!("at most the node count ({placed})"), n).into(),
            );
        }
        let mut out = vec![0u32; n];
        self.get_n_into(key, &mut out)?;
        Ok(out)
    }

    /// Like [`get_n`](HashRing::get_n), writing `out.len()` nodes into `out`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// r.add_many([("a", NodeOptions::default()), ("b", NodeOptions::default())])?;
    /// let mut out = [9u32; 2];
    /// r.get_n_into(b"key", &mut out)?;
    /// assert_ne!(out[0], out[1]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`get_n`](HashRing::get_n) with `n = out.len()`.
    pub fn get_n_into(&self, key: &[u8], out: &mut [u32]) -> Result<(), RingError> {
        let n = out.len();
        let start = self.point_index(key)?;
        let placed = self.placed();
        if n > placed {
            return Err(
                ArgError::range("n", format!("at most the node count ({placed})"), n).into(),
            );
        }
        let len = self.owners.len();
        let mut seen = if n > 8 {
            vec![false; self.slots.len()]
        } else {
            Vec::new()
        };
        let mut filled = 0;
        for step in 0..len {
            if filled == n {
                break;
            }
            let k = if start + step < len {
                start + step
            } else {
                start + step - len
            };
            let o = self.owners[k];
            let dup = if n > 8 {
                core::mem::replace(&mut seen[o as usize], true)
            } else {
                out[..filled].contains(&o)
            };
            if !dup {
                out[filled] = o;
                filled += 1;
            }
        }
        Ok(())
    }

    /// Load per node by exact arc length: each node's fraction of the hash
    /// space (the share of uniformly random keys it receives).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Xxh64);
    /// r.add_many([("a", NodeOptions::default()), ("b", NodeOptions::default())])?;
    /// let s = r.arc_stats();
    /// assert!((s.shares[0] + s.shares[1] - 1.0).abs() < 1e-12);
    /// assert!(s.peak_to_mean >= 1.0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn arc_stats(&self) -> LoadStats {
        let mut acc = vec![0u128; self.slots.len()];
        match &self.positions {
            Positions::P32(p) => arc_lengths(p, &self.owners, 32, &mut acc),
            Positions::P64(p) => arc_lengths(p, &self.owners, 64, &mut acc),
        }
        let loads: Vec<f64> = acc.iter().map(|&a| a as f64).collect();
        LoadStats::from_loads(&loads, &self.weights_by_index())
    }

    fn weights_by_index(&self) -> Vec<f64> {
        self.slots
            .iter()
            .map(|s| s.as_ref().map_or(0.0, |n| n.weight))
            .collect()
    }

    /// Load per node over a sample of keys (packed as in
    /// [`get_many`](HashRing::get_many)).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Seed);
    /// r.add(b"a", NodeOptions::default())?;
    /// let s = r.sample_stats(b"k1k2", &[2, 4])?;
    /// assert_eq!(s.shares, vec![1.0]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`get_many`](HashRing::get_many).
    pub fn sample_stats(&self, keys: &[u8], ends: &[u32]) -> Result<LoadStats, RingError> {
        let mut owners = vec![0u32; ends.len()];
        self.get_many(keys, ends, &mut owners)?;
        let mut counts = vec![0u64; self.slots.len()];
        for o in owners {
            if let Some(c) = counts.get_mut(o as usize) {
                *c += 1;
            }
        }
        Ok(LoadStats::from_counts(&counts, &self.weights_by_index()))
    }

    /// The hash-space ranges whose owner differs between `self` and `after`
    /// (the same ring after membership changes), by exact arc length.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut a = HashRing::new(HashMode::Seed);
    /// a.add(b"x", NodeOptions::default())?;
    /// let m = a.moved_arcs(&a.clone())?;
    /// assert_eq!(m.moved_fraction, 0.0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] if either ring is empty; [`RingError::Arg`]
    /// (`after`) if the hash modes differ.
    pub fn moved_arcs(&self, after: &HashRing) -> Result<MovedArcs, RingError> {
        if self.owners.is_empty() || after.owners.is_empty() {
            return Err(RingError::Empty);
        }
        match (&self.positions, &after.positions) {
            (Positions::P32(a), Positions::P32(b)) if self.mode == after.mode => {
                Ok(diff_arcs(a, &self.owners, b, &after.owners, 32))
            }
            (Positions::P64(a), Positions::P64(b)) if self.mode == after.mode => {
                Ok(diff_arcs(a, &self.owners, b, &after.owners, 64))
            }
            _ => Err(ArgError::type_error(
                "after",
                format!("a ring with the same hash mode ('{}')", self.mode.name()),
                format!("'{}'", after.mode.name()),
            )
            .into()),
        }
    }

    /// What adding `name` would move, without changing `self`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Xxh64);
    /// r.add(b"a", NodeOptions::default())?;
    /// let m = r.movement_on_add(b"b", NodeOptions::default())?;
    /// assert_eq!(m.ideal_fraction, 0.5);
    /// assert!(!r.contains(b"b"));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] when the ring is empty; as [`HashRing::add`].
    pub fn movement_on_add(
        &self,
        name: &[u8],
        options: NodeOptions,
    ) -> Result<Movement, RingError> {
        let mut after = self.clone();
        after.add(name, options)?;
        let total: f64 = after.order.iter().filter_map(|&i| after.weight(i)).sum();
        let arcs = self.moved_arcs(&after)?;
        Ok(Movement {
            arcs,
            ideal_fraction: options.weight / total,
        })
    }

    /// What removing `name` would move, without changing `self`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut r = HashRing::new(HashMode::Xxh64);
    /// r.add_many([("a", NodeOptions::default()), ("b", NodeOptions::default())])?;
    /// let m = r.movement_on_remove(b"b")?;
    /// assert!(m.arcs.from.iter().all(|&f| f == 1));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Arg`] (`node`) if `name` is not on the ring;
    /// [`RingError::Empty`] if it is the only node.
    pub fn movement_on_remove(&self, name: &[u8]) -> Result<Movement, RingError> {
        let Some(weight) = self.index_of(name).and_then(|i| self.weight(i)) else {
            return Err(ArgError::range(
                "node",
                "a name on the ring",
                format!("'{}'", String::from_utf8_lossy(name)),
            )
            .into());
        };
        let total: f64 = self.order.iter().filter_map(|&i| self.weight(i)).sum();
        let mut after = self.clone();
        after.remove(name);
        let arcs = self.moved_arcs(&after)?;
        Ok(Movement {
            arcs,
            ideal_fraction: weight / total,
        })
    }

    /// Which of the packed sample keys change owner from `self` to `after`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
    /// let mut a = HashRing::new(HashMode::Seed);
    /// a.add(b"x", NodeOptions::default())?;
    /// let m = a.key_movement(&a, b"k", &[1])?;
    /// assert!(m.moved.is_empty());
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`get_many`](HashRing::get_many) on either ring.
    pub fn key_movement(
        &self,
        after: &HashRing,
        keys: &[u8],
        ends: &[u32],
    ) -> Result<KeyMovement, RingError> {
        let mut before_owners = vec![0u32; ends.len()];
        let mut after_owners = vec![0u32; ends.len()];
        self.get_many(keys, ends, &mut before_owners)?;
        after.get_many(keys, ends, &mut after_owners)?;
        Ok(KeyMovement::between(&before_owners, &after_owners))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_get_distinct_points_in_every_64_bit_mode() {
        // XXH3's seeded form folds a small seed into the same bits as a 1-3-byte
        // input; points must not depend on it.
        for mode in [HashMode::Xxh3, HashMode::Xxh64] {
            for names in [
                vec!["b-1", "b-2", "b-3"],
                vec!["a", "b", "c", "d", "e", "f"],
            ] {
                let r = HashRing::build(
                    mode,
                    100,
                    names.iter().map(|n| (*n, NodeOptions::default())),
                )
                .unwrap();
                let Positions::P64(p) = &r.positions else {
                    panic!("64-bit positions")
                };
                let mut distinct = p.clone();
                distinct.dedup();
                assert_eq!(distinct.len(), names.len() * 100, "{mode:?} {names:?}");
                let s = r.arc_stats();
                assert!(
                    s.peak_to_mean < 1.5,
                    "{mode:?} {names:?}: peak/mean {}",
                    s.peak_to_mean
                );
            }
        }
    }

    #[test]
    fn merge_places_ties_by_rule() {
        let (mut p, mut o) = (vec![1u32, 5, 5, 9], vec![0, 1, 2, 3]);
        merge_points(&mut p, &mut o, &[0, 5, 10], 7, true);
        assert_eq!(p, vec![0, 1, 5, 5, 5, 9, 10]);
        assert_eq!(o, vec![7, 0, 7, 1, 2, 3, 7]);
        let (mut p, mut o) = (vec![1u32, 5, 5, 9], vec![0, 1, 2, 3]);
        merge_points(&mut p, &mut o, &[5], 7, false);
        assert_eq!(o, vec![0, 1, 2, 7, 3]);
    }

    #[test]
    fn decimal_digits() {
        let mut b = [0u8; 10];
        assert_eq!(decimal(0, &mut b), b"0");
        assert_eq!(decimal(42, &mut b), b"42");
        assert_eq!(decimal(u32::MAX, &mut b), b"4294967295");
    }

    #[test]
    fn diff_of_single_point_rings() {
        // a: one point of node 0 at 10; b: adds node 1 at 5.
        let m = diff_arcs(&[10u32], &[0], &[5u32, 10], &[1, 0], 32);
        assert_eq!(m.starts, vec![0, 11]);
        assert_eq!(m.ends, vec![5, u64::from(u32::MAX)]);
        assert!(m.to.iter().all(|&t| t == 1));
        let want = (f64::from(u32::MAX) - 10.0 + 6.0) / 4_294_967_296.0;
        assert!((m.moved_fraction - want).abs() < 1e-15);
    }
}
