//! Maglev hashing (Eisenbud et al., NSDI 2016).

use super::nodeset::{repeats, NodeSet};
use super::packed::{check_out, PackedKeys};
use super::{KeyMovement, LoadStats, RingError, SampleMovement};
use crate::hash;
use crate::prelude::*;
use crate::ArgError;

const OFFSET_SEED: u64 = 0x4d41_474c_4556_4f46;
const SKIP_SEED: u64 = 0x4d41_474c_4556_534b;

/// The largest lookup-table size accepted (2^24 entries, 64 MiB).
pub const MAX_TABLE_SIZE: u32 = 1 << 24;

fn is_prime(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2u32;
    while d.saturating_mul(d) <= n {
        if n % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

/// Maglev hashing: a lookup table of prime size M filled by the nodes in
/// turn, each taking the next free entry of its own permutation
/// `(offset + j × skip) mod M`, with `offset = xxh64(name, s1) mod M` and
/// `skip = xxh64(name, s2) mod (M − 1) + 1`. A key goes to
/// `table[xxh64(key, 0) mod M]`.
///
/// Nodes take turns in byte order of their names, so the table depends only
/// on the set of names, not on the order they were added.
///
/// Balance: every node holds `floor(M/N)` or `ceil(M/N)` entries, so the
/// table is balanced to within `N/M` (0.15 % for N = 100, M = 65537).
/// Keys moved: minimal but not perfect; a change moves its share plus a few
/// percent of entries reshuffled between other nodes. Cost: O(1) lookups;
/// O(M log M) to rebuild the table on each membership change; 4 bytes per
/// entry. Weights are not part of the published algorithm and not offered.
///
/// # Examples
/// ```
/// use quorumkit::ring::Maglev;
/// let mut m = Maglev::new(Maglev::DEFAULT_TABLE_SIZE)?;
/// m.add_many([&b"a"[..], b"b", b"c"])?;
/// let o = m.get(b"user:1")?;
/// assert!(o < 3);
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Maglev {
    size: u32,
    set: NodeSet,
    table: Vec<u32>,
}

impl Maglev {
    /// The default table size, a prime (65537).
    pub const DEFAULT_TABLE_SIZE: u32 = 65_537;

    /// An empty Maglev table of prime size `table_size`.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::Maglev;
    /// assert!(Maglev::new(251).is_ok());
    /// assert!(Maglev::new(250).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ArgError`] (`tableSize`) unless a prime in `3..=16777216`.
    pub fn new(table_size: u32) -> Result<Maglev, ArgError> {
        if !(3..=MAX_TABLE_SIZE).contains(&table_size) || !is_prime(table_size) {
            return Err(ArgError::range(
                "tableSize",
                "a prime in 3..=16777216",
                table_size,
            ));
        }
        Ok(Maglev {
            size: table_size,
            set: NodeSet::default(),
            table: Vec::new(),
        })
    }

    /// Adds a node and rebuilds the table; returns its index.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// assert_eq!(m.add(b"a")?, 0);
    /// assert!(m.add(b"a").is_err());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// As [`add_many`](Maglev::add_many).
    pub fn add(&mut self, name: &[u8]) -> Result<u32, ArgError> {
        let ids = self.add_many([name])?;
        Ok(ids.first().copied().unwrap_or(0))
    }

    /// Adds many nodes and rebuilds the table once. All or nothing.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// assert_eq!(m.add_many([&b"a"[..], b"b"])?, vec![0, 1]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    ///
    /// # Errors
    /// [`ArgError`]: `node` already present (or repeated), or the node count
    /// would reach `tableSize`.
    pub fn add_many<I, N>(&mut self, names: I) -> Result<Vec<u32>, ArgError>
    where
        I: IntoIterator<Item = N>,
        N: AsRef<[u8]>,
    {
        let names: Vec<N> = names.into_iter().collect();
        let refs: Vec<&[u8]> = names.iter().map(AsRef::as_ref).collect();
        let repeated = repeats(&refs);
        for (n, &again) in names.iter().zip(&repeated) {
            self.set.validate(n.as_ref(), 1.0)?;
            if again {
                return Err(ArgError::range(
                    "node",
                    "a name not already present",
                    format!("'{}'", String::from_utf8_lossy(n.as_ref())),
                ));
            }
        }
        if self.set.order.len() + names.len() >= self.size as usize {
            return Err(ArgError::range(
                "tableSize",
                "larger than the node count",
                format!(
                    "{} for {} nodes",
                    self.size,
                    self.set.order.len() + names.len()
                ),
            ));
        }
        let ids = names
            .iter()
            .map(|n| self.set.insert(n.as_ref(), 1.0, 0))
            .collect();
        self.populate();
        Ok(ids)
    }

    /// Removes a node and rebuilds the table; returns its freed index.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.remove(b"a"), Some(0));
    /// assert!(m.table().is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.set.remove(name)?;
        self.populate();
        Some(idx)
    }

    fn populate(&mut self) {
        let m = self.size as usize;
        if self.set.order.is_empty() {
            self.table.clear();
            return;
        }
        let mut nodes: Vec<(&[u8], u32)> = self
            .set
            .order
            .iter()
            .filter_map(|&i| self.set.get(i).map(|x| (&*x.name, i)))
            .collect();
        nodes.sort_unstable();
        let m64 = u64::from(self.size);
        let perm: Vec<(u64, u64, u32)> = nodes
            .iter()
            .map(|&(name, i)| {
                let offset = hash::xxh64(name, OFFSET_SEED) % m64;
                let skip = hash::xxh64(name, SKIP_SEED) % (m64 - 1) + 1;
                (offset, skip, i)
            })
            .collect();
        let mut next = vec![0u64; perm.len()];
        let mut table = vec![u32::MAX; m];
        let mut filled = 0usize;
        'fill: loop {
            for (t, &(offset, skip, idx)) in perm.iter().enumerate() {
                // (offset + next × skip) mod M, kept in u64 (all below 2^48).
                let mut c = ((offset + next[t] * skip) % m64) as usize;
                while table[c] != u32::MAX {
                    next[t] += 1;
                    c = ((offset + next[t] * skip) % m64) as usize;
                }
                table[c] = idx;
                next[t] += 1;
                filled += 1;
                if filled == m {
                    break 'fill;
                }
            }
        }
        self.table = table;
    }

    /// The lookup table: entry `e` holds the node index for keys with
    /// `xxh64(key, 0) mod M == e` (empty with no nodes).
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add_many([&b"a"[..], b"b"])?;
    /// assert_eq!(m.table().len(), 7);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn table(&self) -> &[u32] {
        &self.table
    }

    /// Number of nodes.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::ring::Maglev::new(7)?.len(), 0);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.set.order.len()
    }

    /// Whether there are no nodes.
    ///
    /// # Examples
    /// ```
    /// assert!(quorumkit::ring::Maglev::new(7)?.is_empty());
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.set.order.is_empty()
    }

    /// Live node indices in insertion order.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.nodes(), &[0]);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn nodes(&self) -> &[u32] {
        &self.set.order
    }

    /// The index of `name`.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.index_of(b"a"), Some(0));
    /// assert!(m.contains(b"a"));
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
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.next_index(), 1);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn next_index(&self) -> u32 {
        self.set.next_index()
    }

    /// Whether `name` is present.
    ///
    /// # Examples
    /// ```
    /// assert!(!quorumkit::ring::Maglev::new(7)?.contains(b"a"));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn contains(&self, name: &[u8]) -> bool {
        self.set.index_of(name).is_some()
    }

    /// The name of node `index`.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.name(0), Some(&b"a"[..]));
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn name(&self, index: u32) -> Option<&[u8]> {
        self.set.get(index).map(|m| &*m.name)
    }

    #[inline]
    fn entry(&self, key: &[u8]) -> u32 {
        let e = (hash::xxh64(key, 0) % u64::from(self.size)) as usize;
        self.table.get(e).copied().unwrap_or(0)
    }

    /// The node index owning `key`.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.get(b"k")?, 0);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Empty`] with no nodes.
    pub fn get(&self, key: &[u8]) -> Result<u32, RingError> {
        if self.table.is_empty() {
            return Err(RingError::Empty);
        }
        Ok(self.entry(key))
    }

    /// Owners of packed keys (see [`PackedKeys`]), written into `out`.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// let mut out = [9u32; 2];
    /// m.get_many(b"xy", &[1, 2], &mut out)?;
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
        if self.table.is_empty() {
            return Err(RingError::Empty);
        }
        for (o, k) in out.iter_mut().zip(packed) {
            *o = self.entry(k);
        }
        Ok(())
    }

    /// Load per node by table entries (the exact share of uniform keys).
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(65537)?;
    /// m.add_many((0..100).map(|i| format!("n{i}")))?;
    /// assert!(m.table_stats().peak_to_mean < 1.01);
    /// # Ok::<(), quorumkit::ArgError>(())
    /// ```
    pub fn table_stats(&self) -> LoadStats {
        let mut counts = vec![0u64; self.set.slots.len()];
        for &o in &self.table {
            if let Some(c) = counts.get_mut(o as usize) {
                *c += 1;
            }
        }
        LoadStats::from_counts(&counts, &self.set.weights())
    }

    /// What adding `name` would move, without adding it: the exact fraction
    /// of table entries that change owner, the ideal `1/(N+1)`, and which of
    /// the packed sample keys change owner.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::Maglev;
    /// let mut m = Maglev::new(65_537)?;
    /// m.add_many([&b"a"[..], b"b", b"c"])?;
    /// let mv = m.movement_on_add(b"d", b"k1k2", &[2, 4])?;
    /// assert_eq!(mv.ideal_fraction, 0.25);
    /// let t = mv.table_fraction.unwrap();
    /// assert!(t > 0.24 && t < 0.3, "{t}"); // d's share plus a little reshuffling
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// [`RingError::Arg`] as [`add`](Maglev::add) or for bad `ends`;
    /// [`RingError::Empty`] when there are no nodes yet.
    pub fn movement_on_add(
        &self,
        name: &[u8],
        keys: &[u8],
        ends: &[u32],
    ) -> Result<SampleMovement, RingError> {
        let mut after = self.clone();
        after.add(name)?;
        self.movement_to(&after, 1.0 / after.len() as f64, keys, ends)
    }

    /// What removing `name` would move, without removing it (as
    /// [`movement_on_add`](Maglev::movement_on_add); the ideal is `1/N`).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::Maglev;
    /// let mut m = Maglev::new(251)?;
    /// m.add_many([&b"a"[..], b"b"])?;
    /// let mv = m.movement_on_remove(b"b", b"k1k2", &[2, 4])?;
    /// assert_eq!(mv.ideal_fraction, 0.5);
    /// assert!(mv.keys.to.iter().all(|&t| t == 0));
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
        if !self.contains(name) {
            return Err(super::rendezvous::not_present(name));
        }
        let mut after = self.clone();
        after.remove(name);
        self.movement_to(&after, 1.0 / self.len() as f64, keys, ends)
    }

    fn movement_to(
        &self,
        after: &Maglev,
        ideal_fraction: f64,
        keys: &[u8],
        ends: &[u32],
    ) -> Result<SampleMovement, RingError> {
        if self.table.is_empty() || after.table.is_empty() {
            return Err(RingError::Empty);
        }
        let changed = self
            .table
            .iter()
            .zip(&after.table)
            .filter(|(a, b)| a != b)
            .count();
        let mut before_owners = vec![0u32; ends.len()];
        let mut after_owners = vec![0u32; ends.len()];
        self.get_many(keys, ends, &mut before_owners)?;
        after.get_many(keys, ends, &mut after_owners)?;
        Ok(SampleMovement {
            ideal_fraction,
            table_fraction: Some(changed as f64 / self.table.len() as f64),
            keys: KeyMovement::between(&before_owners, &after_owners),
        })
    }

    /// Load per node over a sample of packed keys.
    ///
    /// # Examples
    /// ```
    /// let mut m = quorumkit::ring::Maglev::new(7)?;
    /// m.add(b"a")?;
    /// assert_eq!(m.sample_stats(b"k", &[1])?.shares, vec![1.0]);
    /// # Ok::<(), quorumkit::ring::RingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`get_many`](Maglev::get_many).
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
