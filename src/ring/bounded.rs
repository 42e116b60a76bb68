//! Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2017).

use super::packed::{check_out, PackedKeys};
use super::{HashRing, LoadStats, RingError};
use crate::ArgError;

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
