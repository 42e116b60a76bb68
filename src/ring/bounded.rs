//! Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2017).

use super::packed::{check_out, PackedKeys};
use super::{HashRing, KeyMovement, LoadStats, RingError};
use crate::prelude::*;
use crate::ArgError;

/// What adding or removing a node moves on a [`BoundedLoadRing`], measured
/// by placing a list of keys, in order, on the ring before and after the
/// change (see [`BoundedLoadRing::movement_on_add`]).
///
/// On a plain ring a change moves keys only to or from the node that joins
/// or leaves. With bounded loads it can also move keys **between two nodes
/// present both before and after** (a *cascade*): the capacities change
/// with `N`, so a node that was full may now have room, or a key that was
/// skipped past a full node now lands elsewhere, and every later key in the
/// order can follow. [`cascaded`](BoundedMovement::cascaded) counts them.
///
/// # Examples
/// ```
/// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
/// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 50, 0.1)?;
/// for n in ["a", "b", "c"] { b.add(n.as_bytes(), NodeOptions::default())?; }
/// let keys: Vec<u8> = (0..100).flat_map(|i| format!("k{i:03}").into_bytes()).collect();
/// let ends: Vec<u32> = (1..=100).map(|i| 4 * i).collect();
/// let m = b.movement_on_add(b"d", NodeOptions::default(), &keys, &ends)?;
/// assert_eq!(m.ideal_fraction, 0.25); // 1/(N+1)
/// let to_d = m.keys.to.iter().filter(|&&t| t == 3).count() as u32;
/// assert_eq!(to_d + m.cascaded, m.keys.moved.len() as u32);
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BoundedMovement {
    /// The least any scheme must move: the joining or leaving node's weight
    /// share (`1/(N+1)` on add, `1/N` on remove, at equal weights).
    pub ideal_fraction: f64,
    /// What the same ring without load bounds would move: the fraction of
    /// the hash space that changes owner (exact arc length).
    pub arc_fraction: f64,
    /// Which of the keys change owner (indices into the packed keys), and
    /// the fraction moved.
    pub keys: KeyMovement,
    /// How many of the moved keys go between two nodes that are present both
    /// before and after the change (cascades; 0 on a plain ring).
    pub cascaded: u32,
}

/// The clockwise walk of one key on a [`BoundedLoadRing`]: from its position
/// past the points of full nodes to a point of its owner.
///
/// # Examples
/// ```
/// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
/// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
/// b.add(b"a", NodeOptions::default())?;
/// let w = b.walk(b"k")?;
/// assert_eq!((w.owner, w.points.len(), w.skipped.len()), (0, 1, 0));
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyWalk {
    /// The key's position on the circle (the ring's hash mode; a 32-bit
    /// mode's positions are below `2^32`).
    pub position: u64,
    /// The points passed, as indices into the ring's
    /// [`points`](HashRing::points), in walk order: from the first point at
    /// or after `position` (wrapping to 0) to the owner's point, inclusive.
    /// Every point but the last belongs to a node in `skipped`.
    pub points: Vec<u32>,
    /// The distinct nodes passed because they were full, in walk order.
    pub skipped: Vec<u32>,
    /// The node the walk ends at (the last point's owner).
    pub owner: u32,
}

/// Consistent hashing with bounded loads: a ring whose nodes each accept at
/// most `ceil((1 + ε) × m / N)` keys, `m` the number of keys assigned
/// (counting the one being placed). A key walks clockwise from its position
/// to the first node below that capacity.
///
/// ε is used to six decimal places, and capacities are computed in exact
/// integer arithmetic, so with equal weights the peak load never exceeds
/// `ceil((1 + ε) m / N)` at the moment a key is assigned. With weights, node
/// `i` accepts `ceil((1 + ε) × m × weight_i / total)` (double precision).
///
/// Balance: peak/mean ≤ 1 + ε (plus one key of rounding). Keys moved: the
/// paper bounds the expected moves per insertion or removal by O(1/ε²);
/// adding or removing a node moves its ring share plus the overflow that
/// cascades. Cost: O(log P) plus the expected O(1/ε) points walked per key.
/// Loads are tracked by the caller's `assign`/`release` calls; releasing keys
/// does not move other keys back (the bound holds at assignment time).
///
/// # Examples
/// ```
/// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
/// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 100, 0.25)?;
/// for n in ["a", "b", "c", "d"] { b.add(n.as_bytes(), NodeOptions::default())?; }
/// for i in 0..1000 { b.assign(format!("req-{i}").as_bytes())?; }
/// assert!(b.loads().iter().all(|&l| l <= 313)); // ceil(1.25 × 1000 / 4)
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BoundedLoadRing {
    ring: HashRing,
    eps_micros: u64,
    loads: Vec<u64>,
    total: u64,
}

impl BoundedLoadRing {
    /// An empty ring with a hash mode, virtual nodes and balance factor ε.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode};
    /// assert!(BoundedLoadRing::new(HashMode::Xxh64, 100, 0.1).is_ok());
    /// assert!(BoundedLoadRing::new(HashMode::Xxh64, 100, 0.0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ArgError`]: `epsilon` not in `[0.000001, 1000000]`; `vnodes` as
    /// [`HashRing::with_vnodes`].
    pub fn new(mode: super::HashMode, vnodes: u32, epsilon: f64) -> Result<Self, ArgError> {
        if !(1e-6..=1e6).contains(&epsilon) {
            return Err(ArgError::range(
                "epsilon",
                "a number in [0.000001, 1000000]",
                epsilon,
            ));
        }
        Ok(BoundedLoadRing {
            ring: HashRing::with_vnodes(mode, vnodes)?,
            eps_micros: (epsilon * 1e6).round() as u64,
            loads: Vec::new(),
            total: 0,
        })
    }

    /// The balance factor ε (as used: rounded to six decimals).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode};
    /// assert_eq!(BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?.epsilon(), 0.1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn epsilon(&self) -> f64 {
        self.eps_micros as f64 / 1e6
    }

    /// The underlying ring (points, names, arc statistics).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode};
    /// assert!(BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?.ring().is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// Adds a node with no load; returns its index.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// assert_eq!(b.add(b"a", NodeOptions::default())?, 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`HashRing::add`].
    pub fn add(&mut self, name: &[u8], options: super::NodeOptions) -> Result<u32, ArgError> {
        let idx = self.ring.add(name, options)?;
        let i = idx as usize;
        if self.loads.len() <= i {
            self.loads.resize(i + 1, 0);
        }
        self.loads[i] = 0;
        Ok(idx)
    }

    /// Removes a node; its keys are forgotten (the caller re-assigns them).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.assign(b"k")?;
    /// assert_eq!(b.remove(b"a"), Some(0));
    /// assert_eq!(b.total(), 0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.ring.remove(name)?;
        if let Some(l) = self.loads.get_mut(idx as usize) {
            self.total -= *l;
            *l = 0;
        }
        Some(idx)
    }

    /// Keys assigned per node index.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.assign(b"k")?;
    /// assert_eq!(b.loads(), &[1]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    pub fn loads(&self) -> &[u64] {
        &self.loads
    }

    /// Total keys assigned.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode};
    /// assert_eq!(BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?.total(), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The capacity of node `index` for the next assignment (`m = total + 1`).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.5)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.add(b"b", NodeOptions::default())?;
    /// assert_eq!(b.capacity(0), Some(1)); // ceil(1.5 × 1 / 2)
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn capacity(&self, index: u32) -> Option<u64> {
        self.ring.weight(index)?;
        Some(self.cap(index, self.total + 1, self.uniform_weights()))
    }

    fn uniform_weights(&self) -> Option<f64> {
        let mut w = self
            .ring
            .nodes()
            .iter()
            .filter_map(|&i| self.ring.weight(i));
        let first = w.next()?;
        w.all(|x| x == first).then_some(first)
    }

    fn cap(&self, index: u32, m: u64, uniform: Option<f64>) -> u64 {
        let n = self.ring.len() as u128;
        if uniform.is_some() {
            let num = u128::from(m) * u128::from(1_000_000 + self.eps_micros);
            let den = n * 1_000_000;
            num.div_ceil(den).min(u128::from(u64::MAX)) as u64
        } else {
            let total: f64 = self
                .ring
                .nodes()
                .iter()
                .filter_map(|&i| self.ring.weight(i))
                .sum();
            let w = self.ring.weight(index).unwrap_or(0.0);
            let c = (1.0 + self.epsilon()) * m as f64 * (w / total);
            c.ceil() as u64
        }
    }

    fn place(&self, key: &[u8], uniform: Option<f64>) -> Result<u32, RingError> {
        let start = self.ring.point_index(key)?;
        let owners = self.ring.points().owners;
        let m = self.total + 1;
        let len = owners.len();
        let mut last = u32::MAX;
        for step in 0..len {
            let k = if start + step < len {
                start + step
            } else {
                start + step - len
            };
            let o = owners[k];
            if o == last {
                continue;
            }
            last = o;
            if self.loads.get(o as usize).copied().unwrap_or(0) < self.cap(o, m, uniform) {
                return Ok(o);
            }
        }
        // Only reachable when nodes without points hold the spare capacity.
        Ok(owners[start])
    }

    /// Where `key` would be assigned now, without assigning it.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// assert_eq!(b.peek(b"k")?, 0);
    /// assert_eq!(b.total(), 0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes.
    pub fn peek(&self, key: &[u8]) -> Result<u32, RingError> {
        self.place(key, self.uniform_weights())
    }

    /// Assigns `key` to the first node clockwise with spare capacity, counts
    /// it, and returns the node index.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.add(b"b", NodeOptions::default())?;
    /// // The same key four times: the capacity ceil(1.1 × m / 2) is 1, 2, 2,
    /// // 3 for m = 1..=4, so the third request spills to the other node.
    /// for _ in 0..4 { b.assign(b"k")?; }
    /// let mut loads = b.loads().to_vec();
    /// loads.sort();
    /// assert_eq!(loads, [1, 3]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes.
    pub fn assign(&mut self, key: &[u8]) -> Result<u32, RingError> {
        let o = self.place(key, self.uniform_weights())?;
        if let Some(l) = self.loads.get_mut(o as usize) {
            *l += 1;
            self.total += 1;
        }
        Ok(o)
    }

    /// Assigns many packed keys in order, writing each node index into `out`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// let mut out = [9u32; 3];
    /// b.assign_many(b"abc", &[1, 2, 3], &mut out)?;
    /// assert_eq!((out, b.total()), ([0, 0, 0], 3));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`]; [`RingError::Arg`] for bad `ends` or `out`.
    /// Nothing is assigned on an error.
    pub fn assign_many(
        &mut self,
        keys: &[u8],
        ends: &[u32],
        out: &mut [u32],
    ) -> Result<(), RingError> {
        let packed = PackedKeys::new(keys, ends)?;
        check_out("out", out.len(), ends.len())?;
        if !ends.is_empty() && self.ring.is_empty() {
            return Err(RingError::Empty);
        }
        let uniform = self.uniform_weights();
        for (o, k) in out.iter_mut().zip(packed) {
            let node = self.place(k, uniform)?;
            if let Some(l) = self.loads.get_mut(node as usize) {
                *l += 1;
                self.total += 1;
            }
            *o = node;
        }
        Ok(())
    }

    /// Releases one key from node `index` (a request finished).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// let o = b.assign(b"k")?;
    /// b.release(o)?;
    /// assert!(b.release(o).is_err());
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`node`) for an index holding no node or no load.
    pub fn release(&mut self, index: u32) -> Result<(), ArgError> {
        match self.loads.get_mut(index as usize) {
            Some(l) if *l > 0 && self.ring.name(index).is_some() => {
                *l -= 1;
                self.total -= 1;
                Ok(())
            }
            _ => Err(ArgError::range(
                "node",
                "the index of a node with assigned keys",
                index,
            )),
        }
    }

    /// The walk [`peek`](BoundedLoadRing::peek) takes for `key` now: its
    /// position, the points it passes and the full nodes it skips, ending at
    /// a point of the node it would be assigned to.
    ///
    /// When every node with points is full (possible only when nodes without
    /// points hold the spare capacity), the key stays at its first point, as
    /// `peek` does: `points` has one entry and `skipped` is empty.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.5)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.add(b"b", NodeOptions::default())?;
    /// let first = b.assign(b"k")?;
    /// // Capacity ceil(1.5 × 2 / 2) = 2: k fits on its node again.
    /// assert_eq!(b.walk(b"k")?.owner, first);
    /// b.assign(b"k")?;
    /// // Capacity ceil(1.5 × 3 / 2) = 3: still room.
    /// b.assign(b"k")?;
    /// // 3 keys on `first`, capacity ceil(1.5 × 4 / 2) = 3: it is skipped.
    /// let w = b.walk(b"k")?;
    /// assert_eq!((w.skipped.as_slice(), w.owner), (&[first][..], 1 - first));
    /// assert_eq!(w.owner, b.peek(b"k")?);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes.
    pub fn walk(&self, key: &[u8]) -> Result<KeyWalk, RingError> {
        let uniform = self.uniform_weights();
        let m = self.total + 1;
        self.walk_until(key, |o| {
            self.loads.get(o as usize).copied().unwrap_or(0) < self.cap(o, m, uniform)
        })
    }

    /// The walk `key` took when it was assigned to `owner` (the node
    /// [`assign`](BoundedLoadRing::assign) returned): clockwise from its
    /// position to the first point of `owner`. Every node passed was full at
    /// that moment, which is why the key went on; the ring does not keep
    /// history, so this trusts `owner`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.add(b"b", NodeOptions::default())?;
    /// let seen = b.walk(b"k")?;
    /// let o = b.assign(b"k")?;
    /// assert_eq!(b.walk_to(b"k", o)?, seen);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes; [`RingError::Arg`] (`owner`) if
    /// `owner` is not the index of a node with points.
    pub fn walk_to(&self, key: &[u8], owner: u32) -> Result<KeyWalk, RingError> {
        if self.ring.is_empty() {
            return Err(RingError::Empty);
        }
        if self.ring.point_count(owner).unwrap_or(0) == 0 {
            return Err(ArgError::range("owner", "the index of a node on the ring", owner).into());
        }
        self.walk_until(key, |o| o == owner)
    }

    fn walk_until(&self, key: &[u8], stop: impl Fn(u32) -> bool) -> Result<KeyWalk, RingError> {
        let start = self.ring.point_index(key)?;
        let position = self.ring.mode().key_position(key);
        let owners = self.ring.points().owners;
        let len = owners.len();
        let mut walk = KeyWalk {
            position,
            points: Vec::new(),
            skipped: Vec::new(),
            owner: owners[start],
        };
        let mut last = u32::MAX;
        for step in 0..len {
            let k = (start + step) % len;
            let o = owners[k];
            walk.points.push(k as u32);
            if o == last {
                continue;
            }
            last = o;
            if stop(o) {
                walk.owner = o;
                return Ok(walk);
            }
            if !walk.skipped.contains(&o) {
                walk.skipped.push(o);
            }
        }
        // No node with room among those with points: the key stays at its first point.
        walk.points.truncate(1);
        walk.skipped.clear();
        Ok(walk)
    }

    /// This ring with no keys counted (same nodes, points and ε).
    fn emptied(&self) -> BoundedLoadRing {
        let mut b = self.clone();
        b.loads.iter_mut().for_each(|l| *l = 0);
        b.total = 0;
        b
    }

    /// Owners of the packed keys placed in order on `self` emptied.
    fn replay(&self, keys: &[u8], ends: &[u32]) -> Result<Vec<u32>, RingError> {
        let mut out = vec![0u32; ends.len()];
        self.emptied().assign_many(keys, ends, &mut out)?;
        Ok(out)
    }

    fn movement_to(
        &self,
        after: &BoundedLoadRing,
        ideal_fraction: f64,
        arc_fraction: f64,
        keys: &[u8],
        ends: &[u32],
        cascade: impl Fn(u32, u32) -> bool,
    ) -> Result<BoundedMovement, RingError> {
        let before = self.replay(keys, ends)?;
        let now = after.replay(keys, ends)?;
        let keys = KeyMovement::between(&before, &now);
        let cascaded = keys
            .from
            .iter()
            .zip(&keys.to)
            .filter(|&(&f, &t)| cascade(f, t))
            .count() as u32;
        Ok(BoundedMovement {
            ideal_fraction,
            arc_fraction,
            keys,
            cascaded,
        })
    }

    /// What adding `name` would move, without adding it: the packed keys
    /// are placed in order on this ring and on the ring with `name`, both
    /// starting with no load (the ring's current counts are not used), and
    /// compared. Besides the keys that move to the new node, some may move
    /// between old nodes ([`BoundedMovement::cascaded`]).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// let m = b.movement_on_add(b"b", NodeOptions::default(), b"k1k2", &[2, 4])?;
    /// assert_eq!((m.ideal_fraction, m.cascaded), (0.5, 0));
    /// assert!(!b.ring().contains(b"b"));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] when the ring is empty; [`RingError::Arg`] as
    /// [`add`](BoundedLoadRing::add) or for bad `ends`.
    pub fn movement_on_add(
        &self,
        name: &[u8],
        options: super::NodeOptions,
        keys: &[u8],
        ends: &[u32],
    ) -> Result<BoundedMovement, RingError> {
        let plain = self.ring.movement_on_add(name, options)?;
        let mut after = self.clone();
        let new = after.add(name, options)?;
        self.movement_to(
            &after,
            plain.ideal_fraction,
            plain.arcs.moved_fraction,
            keys,
            ends,
            |_, to| to != new,
        )
    }

    /// What removing `name` would move, without removing it (as
    /// [`movement_on_add`](BoundedLoadRing::movement_on_add); cascades are
    /// moved keys that were not on `name`).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.add(b"b", NodeOptions::default())?;
    /// let m = b.movement_on_remove(b"b", b"k1k2k3", &[2, 4, 6])?;
    /// assert!(m.keys.to.iter().all(|&t| t == 0));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Arg`] (`node`) if `name` is not on the ring, or for bad
    /// `ends`; [`RingError::Empty`] if it is the only node.
    pub fn movement_on_remove(
        &self,
        name: &[u8],
        keys: &[u8],
        ends: &[u32],
    ) -> Result<BoundedMovement, RingError> {
        let plain = self.ring.movement_on_remove(name)?;
        let mut after = self.clone();
        let gone = after.remove(name).ok_or(RingError::Empty)?;
        self.movement_to(
            &after,
            plain.ideal_fraction,
            plain.arcs.moved_fraction,
            keys,
            ends,
            |from, _| from != gone,
        )
    }

    /// Load statistics of the assigned keys.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::{BoundedLoadRing, HashMode, NodeOptions};
    /// let mut b = BoundedLoadRing::new(HashMode::Xxh64, 10, 0.1)?;
    /// b.add(b"a", NodeOptions::default())?;
    /// b.assign(b"k")?;
    /// assert_eq!(b.load_stats().peak_to_mean, 1.0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    pub fn load_stats(&self) -> LoadStats {
        let weights: Vec<f64> = (0..self.loads.len() as u32)
            .map(|i| self.ring.weight(i).unwrap_or(0.0))
            .collect();
        LoadStats::from_counts(&self.loads, &weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::{HashMode, NodeOptions, PointPositions};

    /// The naive bounded-load placement: a linear scan for the first point
    /// at or after the key, then a walk over every point, capacities
    /// recomputed from scratch with equal weights. Returns each key's owner
    /// and the point indices its walk passed.
    fn naive(ring: &HashRing, eps_micros: u64, keys: &[Vec<u8>]) -> Vec<(u32, Vec<u32>)> {
        let p = ring.points();
        let pos: Vec<u64> = match p.positions {
            PointPositions::U32(v) => v.iter().map(|&x| u64::from(x)).collect(),
            PointPositions::U64(v) => v.to_vec(),
        };
        let n = ring.len() as u64;
        let mut loads = std::collections::HashMap::<u32, u64>::new();
        let mut out = Vec::new();
        for (done, key) in keys.iter().enumerate() {
            let m = done as u64 + 1;
            let cap = (m * (1_000_000 + eps_micros)).div_ceil(n * 1_000_000);
            let kp = ring.mode().key_position(key);
            let start = pos.iter().position(|&x| x >= kp).unwrap_or(0);
            let mut walked = Vec::new();
            let mut owner = None;
            for s in 0..pos.len() {
                let k = (start + s) % pos.len();
                walked.push(k as u32);
                let o = p.owners[k];
                if loads.get(&o).copied().unwrap_or(0) < cap {
                    owner = Some(o);
                    break;
                }
            }
            let o = owner.expect("equal weights always leave room");
            *loads.entry(o).or_default() += 1;
            out.push((o, walked));
        }
        out
    }

    fn keys(count: usize, tag: &str) -> (Vec<Vec<u8>>, Vec<u8>, Vec<u32>) {
        let list: Vec<Vec<u8>> = (0..count)
            .map(|i| format!("{tag}:{i}").into_bytes())
            .collect();
        let mut packed = Vec::new();
        let mut ends = Vec::new();
        for k in &list {
            packed.extend_from_slice(k);
            ends.push(packed.len() as u32);
        }
        (list, packed, ends)
    }

    fn ring(mode: HashMode, vnodes: u32, eps: f64, names: &[String]) -> BoundedLoadRing {
        let mut b = BoundedLoadRing::new(mode, vnodes, eps).unwrap();
        for n in names {
            b.add(n.as_bytes(), NodeOptions::default()).unwrap();
        }
        b
    }

    const CASES: [(HashMode, u32, f64, usize); 4] = [
        (HashMode::Seed, 5, 0.1, 4),
        (HashMode::Xxh64, 20, 0.25, 6),
        (HashMode::Xxh3, 3, 0.05, 3),
        (HashMode::Xxh3, 50, 1.0, 8),
    ];

    #[test]
    fn walks_match_the_naive_reference_key_by_key() {
        for (c, &(mode, vnodes, eps, n)) in CASES.iter().enumerate() {
            let names: Vec<String> = (0..n).map(|i| format!("node-{c}-{i}")).collect();
            let mut b = ring(mode, vnodes, eps, &names);
            let (list, _, _) = keys(400, "user");
            let want = naive(b.ring(), b.eps_micros, &list);
            for (key, (owner, walked)) in list.iter().zip(&want) {
                let w = b.walk(key).unwrap();
                assert_eq!((&w.owner, &w.points), (owner, walked), "walk of {key:?}");
                assert_eq!(w.position, mode.key_position(key));
                assert_eq!(b.assign(key).unwrap(), *owner);
                // After the fact, the walk to the owner retraces it.
                assert_eq!(b.walk_to(key, *owner).unwrap(), w);
                // Every skipped node was full; none is the owner.
                assert!(!w.skipped.contains(owner));
            }
        }
    }

    #[test]
    fn movement_matches_the_naive_reference_and_counts_cascades() {
        let mut cascades_seen = 0;
        for (c, &(mode, vnodes, eps, n)) in CASES.iter().enumerate() {
            let names: Vec<String> = (0..n).map(|i| format!("node-{c}-{i}")).collect();
            let mut b = ring(mode, vnodes, eps, &names);
            let (list, packed, ends) = keys(300, "k");
            b.assign(b"already counted").unwrap(); // current loads are not used
            let before: Vec<u32> = naive(b.ring(), b.eps_micros, &list)
                .into_iter()
                .map(|x| x.0)
                .collect();

            let mut grown = names.clone();
            grown.push(format!("node-{c}-new"));
            let g = ring(mode, vnodes, eps, &grown);
            let after: Vec<u32> = naive(g.ring(), g.eps_micros, &list)
                .into_iter()
                .map(|x| x.0)
                .collect();
            let m = b
                .movement_on_add(grown[n].as_bytes(), NodeOptions::default(), &packed, &ends)
                .unwrap();
            let moved: Vec<u32> = (0..list.len() as u32)
                .filter(|&i| before[i as usize] != after[i as usize])
                .collect();
            assert_eq!(m.keys.moved, moved);
            let new = n as u32;
            let cascaded = moved.iter().filter(|&&i| after[i as usize] != new).count() as u32;
            assert_eq!(m.cascaded, cascaded);
            assert!((m.ideal_fraction - 1.0 / (n as f64 + 1.0)).abs() < 1e-12);
            let plain = b
                .ring()
                .movement_on_add(grown[n].as_bytes(), NodeOptions::default())
                .unwrap();
            assert_eq!(m.arc_fraction, plain.arcs.moved_fraction);
            cascades_seen += cascaded;

            let gone = names[1].as_bytes();
            let shrunk: Vec<String> = names
                .iter()
                .filter(|x| x.as_bytes() != gone)
                .cloned()
                .collect();
            let s = ring(mode, vnodes, eps, &shrunk);
            // Indices: the survivors keep theirs; map the shrunk ring's to the original's.
            let map = |i: u32| b.ring().index_of(s.ring().name(i).unwrap()).unwrap();
            let after: Vec<u32> = naive(s.ring(), s.eps_micros, &list)
                .into_iter()
                .map(|x| map(x.0))
                .collect();
            let m = b.movement_on_remove(gone, &packed, &ends).unwrap();
            let moved: Vec<u32> = (0..list.len() as u32)
                .filter(|&i| before[i as usize] != after[i as usize])
                .collect();
            assert_eq!(m.keys.moved, moved);
            assert!(m.keys.to.iter().all(|&t| t != 1));
            let cascaded = moved.iter().filter(|&&i| before[i as usize] != 1).count() as u32;
            assert_eq!(m.cascaded, cascaded);
            assert!((m.ideal_fraction - 1.0 / n as f64).abs() < 1e-12);
            cascades_seen += cascaded;
        }
        assert!(
            cascades_seen > 0,
            "bounded loads cascade somewhere in these cases"
        );
    }

    #[test]
    fn errors() {
        let b = BoundedLoadRing::new(HashMode::Xxh3, 10, 0.1).unwrap();
        assert_eq!(b.walk(b"k"), Err(RingError::Empty));
        assert_eq!(b.walk_to(b"k", 0), Err(RingError::Empty));
        assert_eq!(
            b.movement_on_add(b"a", NodeOptions::default(), b"", &[]),
            Err(RingError::Empty)
        );
        let b = ring(HashMode::Xxh3, 10, 0.1, &["a".into()]);
        assert!(
            matches!(b.walk_to(b"k", 5), Err(RingError::Arg(e)) if e.to_string().starts_with("owner"))
        );
        assert!(
            matches!(b.movement_on_remove(b"zz", b"", &[]), Err(RingError::Arg(e)) if e.to_string().starts_with("node"))
        );
        assert_eq!(b.movement_on_remove(b"a", b"", &[]), Err(RingError::Empty));
        assert!(matches!(
            b.movement_on_add(b"a", NodeOptions::default(), b"", &[]),
            Err(RingError::Arg(_))
        ));
        assert!(matches!(
            b.movement_on_add(b"b", NodeOptions::default(), b"k", &[2]),
            Err(RingError::Arg(_))
        ));
    }
}
