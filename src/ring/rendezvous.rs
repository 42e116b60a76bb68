//! Rendezvous (highest random weight) hashing, with weights.

use super::nodeset::NodeSet;
use super::packed::{check_out, PackedKeys};
use super::{KeyMovement, LoadStats, RingError, SampleMovement};
use crate::hash;
use crate::prelude::*;
use crate::ArgError;

/// Seed of the node-name hash, distinct from the key hash's seed 0.
const NODE_SEED: u64 = 0x5244_565a_484e_4f44;

/// A strong 64-bit mixer (the SplitMix64 finaliser).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Rendezvous (highest random weight) hashing: every node scores every key,
/// the highest score wins.
///
/// The score of key `k` on node `n` is `u = mix(xxh64(k, 0) ^ h_n)` with
/// `h_n = xxh64(name, 0x5244565a484e4f44)` and `mix` the SplitMix64
/// finaliser. With equal weights the largest `u >> 11` wins; with weights the
/// largest `weight / -ln(x)`, `x = ((u >> 11) + 0.5) / 2^53` (the logarithmic
/// method, which gives node `n` exactly `weight_n / total` of the keys). Ties
/// go to the larger `h_n`. The logarithm is the portable `libm` one, so every
/// platform computes the same owner.
///
/// Balance: each key's owner is an independent draw, so loads are as even as
/// the key sample allows. Keys moved: adding a node moves only the keys it
/// wins (its weight share); removing one moves only its keys. Cost: O(N) per
/// lookup, no memory beyond the node list.
///
/// # Examples
/// ```
/// use quorumkit::ring::Rendezvous;
/// let mut r = Rendezvous::new();
/// let a = r.add(b"a", 1.0)?;
/// let b = r.add(b"b", 3.0)?;
/// let o = r.get(b"user:1")?;
/// assert!(o == a || o == b);
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Rendezvous {
    set: NodeSet,
    uniform: bool,
}

impl Rendezvous {
    /// An empty node set.
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::ring::Rendezvous::new().is_empty());
    /// ```
    pub fn new() -> Rendezvous {
        Rendezvous {
            set: NodeSet::default(),
            uniform: true,
        }
    }

    /// Adds a node with a weight; returns its index (lowest free first).
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// assert_eq!(r.add(b"a", 1.0)?, 0);
    /// assert!(r.add(b"a", 1.0).is_err());
    /// assert!(r.add(b"b", f64::NAN).is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`]: `weight` not finite and positive, or `node` present.
    pub fn add(&mut self, name: &[u8], weight: f64) -> Result<u32, ArgError> {
        self.set.validate(name, weight)?;
        let idx = self.set.insert(name, weight, hash::xxh64(name, NODE_SEED));
        self.refresh();
        Ok(idx)
    }

    /// Removes a node; returns its freed index, or `None` if absent.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert_eq!(r.remove(b"a"), Some(0));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.set.remove(name)?;
        self.refresh();
        Some(idx)
    }

    fn refresh(&mut self) {
        let mut w = self
            .set
            .order
            .iter()
            .filter_map(|&i| self.set.get(i))
            .map(|m| m.weight);
        let first = w.next();
        self.uniform = w.all(|x| Some(x) == first);
    }

    /// Number of nodes.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::Rendezvous::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.set.order.len()
    }

    /// Whether there are no nodes.
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::ring::Rendezvous::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.set.order.is_empty()
    }

    /// Live node indices in insertion order.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert_eq!(r.nodes(), &[0]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn nodes(&self) -> &[u32] {
        &self.set.order
    }

    /// Whether `name` is present.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert!(r.contains(b"a"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn contains(&self, name: &[u8]) -> bool {
        self.set.index_of(name).is_some()
    }

    /// The index of `name`.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert_eq!(r.index_of(b"a"), Some(0));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn index_of(&self, name: &[u8]) -> Option<u32> {
        self.set.index_of(name)
    }

    /// The index the next [`add`](Self::add) gives: the lowest index no live
    /// node holds.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// r.add(b"b", 1.0)?;
    /// r.remove(b"a");
    /// assert_eq!(r.next_index(), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn next_index(&self) -> u32 {
        self.set.next_index()
    }

    /// The name of node `index`.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert_eq!(r.name(0), Some(&b"a"[..]));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn name(&self, index: u32) -> Option<&[u8]> {
        self.set.get(index).map(|m| &*m.name)
    }

    #[inline]
    fn best(&self, kh: u64) -> u32 {
        let mut best = 0u32;
        if self.uniform {
            let mut top = (0u64, 0u64);
            for &i in &self.set.order {
                if let Some(m) = self.set.get(i) {
                    let s = (mix(kh ^ m.hash) >> 11, m.hash);
                    if s >= top {
                        top = s;
                        best = i;
                    }
                }
            }
        } else {
            let mut top = (f64::NEG_INFINITY, 0u64);
            for &i in &self.set.order {
                if let Some(m) = self.set.get(i) {
                    let s = (score(m.weight, mix(kh ^ m.hash)), m.hash);
                    if s.0 > top.0 || (s.0 == top.0 && s.1 >= top.1) {
                        top = s;
                        best = i;
                    }
                }
            }
        }
        best
    }

    /// The node index owning `key`.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"only", 1.0)?;
    /// assert_eq!(r.get(b"k")?, 0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes.
    pub fn get(&self, key: &[u8]) -> Result<u32, RingError> {
        if self.is_empty() {
            return Err(RingError::Empty);
        }
        Ok(self.best(hash::xxh64(key, 0)))
    }

    /// Owners of packed keys (see [`PackedKeys`]), written into `out`.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// let mut out = [7u32; 2];
    /// r.get_many(b"xy", &[1, 2], &mut out)?;
    /// assert_eq!(out, [0, 0]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`]; [`RingError::Arg`] for bad `ends` or `out`.
    pub fn get_many(&self, keys: &[u8], ends: &[u32], out: &mut [u32]) -> Result<(), RingError> {
        let packed = PackedKeys::new(keys, ends)?;
        check_out("out", out.len(), ends.len())?;
        if ends.is_empty() {
            return Ok(());
        }
        if self.is_empty() {
            return Err(RingError::Empty);
        }
        for (o, k) in out.iter_mut().zip(packed) {
            *o = self.best(hash::xxh64(k, 0));
        }
        Ok(())
    }

    /// The `n` highest-scoring nodes for `key`, best first.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// for n in ["a", "b", "c"] { r.add(n.as_bytes(), 1.0)?; }
    /// let l = r.get_n(b"k", 2)?;
    /// assert_eq!(l[0], r.get(b"k")?);
    /// assert_ne!(l[0], l[1]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`]; [`RingError::Arg`] (`n`) above the node count.
    pub fn get_n(&self, key: &[u8], n: usize) -> Result<Vec<u32>, RingError> {
        if self.is_empty() {
            return Err(RingError::Empty);
        }
        if n > self.len() {
            return Err(ArgError::range(
                "n",
                format!("at most the node count ({})", self.len()),
                n,
            )
            .into());
        }
        let kh = hash::xxh64(key, 0);
        let mut scored: Vec<(f64, u64, u32)> = self
            .set
            .order
            .iter()
            .filter_map(|&i| self.set.get(i).map(|m| (i, m)))
            .map(|(i, m)| {
                let u = mix(kh ^ m.hash);
                let s = if self.uniform {
                    (u >> 11) as f64
                } else {
                    score(m.weight, u)
                };
                (s, m.hash, i)
            })
            .collect();
        // Best first: higher score, then higher node hash.
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        Ok(scored.into_iter().take(n).map(|(_, _, i)| i).collect())
    }

    /// What adding `name` with `weight` would move, without adding it: the
    /// ideal (its weight share) and which of the packed sample keys change
    /// owner (all of them to the new node).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::Rendezvous;
    /// let mut r = Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// let m = r.movement_on_add(b"b", 1.0, b"k1k2", &[2, 4])?;
    /// assert_eq!(m.ideal_fraction, 0.5);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Arg`] as [`add`](Rendezvous::add) or for bad `ends`;
    /// [`RingError::Empty`] when there are no nodes yet.
    pub fn movement_on_add(
        &self,
        name: &[u8],
        weight: f64,
        keys: &[u8],
        ends: &[u32],
    ) -> Result<SampleMovement, RingError> {
        let mut after = self.clone();
        after.add(name, weight)?;
        let total: f64 = after.set.weights().iter().sum();
        self.movement_to(&after, weight / total, keys, ends)
    }

    /// What removing `name` would move, without removing it: the ideal (its
    /// weight share) and which sample keys change owner (all of them from it).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::Rendezvous;
    /// let mut r = Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// r.add(b"b", 3.0)?;
    /// let m = r.movement_on_remove(b"b", b"k1k2", &[2, 4])?;
    /// assert_eq!(m.ideal_fraction, 0.75);
    /// assert!(m.keys.from.iter().all(|&f| f == 1));
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Arg`] (`node`) if `name` is not present, or for bad
    /// `ends`; [`RingError::Empty`] if it is the only node.
    pub fn movement_on_remove(
        &self,
        name: &[u8],
        keys: &[u8],
        ends: &[u32],
    ) -> Result<SampleMovement, RingError> {
        let Some(weight) = self
            .set
            .index_of(name)
            .and_then(|i| self.set.get(i))
            .map(|m| m.weight)
        else {
            return Err(not_present(name));
        };
        let total: f64 = self.set.weights().iter().sum();
        let mut after = self.clone();
        after.remove(name);
        self.movement_to(&after, weight / total, keys, ends)
    }

    fn movement_to(
        &self,
        after: &Rendezvous,
        ideal_fraction: f64,
        keys: &[u8],
        ends: &[u32],
    ) -> Result<SampleMovement, RingError> {
        let mut before_owners = vec![0u32; ends.len()];
        let mut after_owners = vec![0u32; ends.len()];
        self.get_many(keys, ends, &mut before_owners)?;
        after.get_many(keys, ends, &mut after_owners)?;
        Ok(SampleMovement {
            ideal_fraction,
            table_fraction: None,
            keys: KeyMovement::between(&before_owners, &after_owners),
        })
    }

    /// Load per node over a sample of packed keys.
    ///
    /// # Examples
    /// ```
    /// let mut r = quorumkit::ring::Rendezvous::new();
    /// r.add(b"a", 1.0)?;
    /// assert_eq!(r.sample_stats(b"k", &[1])?.peak_to_mean, 1.0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`get_many`](Rendezvous::get_many).
    pub fn sample_stats(&self, keys: &[u8], ends: &[u32]) -> Result<LoadStats, RingError> {
        let mut owners = vec![0u32; ends.len()];
        self.get_many(keys, ends, &mut owners)?;
        let mut counts = vec![0u64; self.set.slots.len()];
        for o in owners {
            if let Some(c) = counts.get_mut(o as usize) {
                *c += 1;
            }
        }
        Ok(LoadStats::from_counts(&counts, &self.set.weights()))
    }
}

/// `weight / -ln(x)` with `x` in (0, 1) taken from the top 53 bits of `u`.
#[inline]
fn score(weight: f64, u: u64) -> f64 {
    let x = ((u >> 11) as f64 + 0.5) / 9_007_199_254_740_992.0;
    weight / -libm::log(x)
}

pub(super) fn not_present(name: &[u8]) -> RingError {
    ArgError::range(
        "node",
        "a name in the set",
        format!("'{}'", String::from_utf8_lossy(name)),
    )
    .into()
}
