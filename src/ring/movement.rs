//! What a membership change moves: the ranges of the hash space and the
//! sample keys that change owner, shared by every algorithm's
//! `movement_on_add` / `movement_on_remove`.

use crate::prelude::*;

/// Ranges of the hash space whose owner differs between two rings.
///
/// Range `k` covers positions `starts[k]..=ends[k]` (inclusive; in the 32-bit
/// modes the values are below 2^32), which moved from node `from[k]` to node
/// `to[k]`. Adjacent ranges with the same move are merged.
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
/// let mut r = HashRing::with_vnodes(HashMode::Xxh64, 50)?;
/// r.add(b"a", NodeOptions::default())?;
/// r.add(b"b", NodeOptions::default())?;
/// let m = r.movement_on_add(b"c", NodeOptions::default())?;
/// // Every moved range goes to the new node, which would get index 2.
/// assert!(m.arcs.to.iter().all(|&t| t == 2));
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MovedArcs {
    /// First position of each moved range.
    pub starts: Vec<u64>,
    /// Last position of each moved range (inclusive).
    pub ends: Vec<u64>,
    /// Previous owner of each range.
    pub from: Vec<u32>,
    /// New owner of each range.
    pub to: Vec<u32>,
    /// Total moved length as a fraction of the circle.
    pub moved_fraction: f64,
}

/// What a membership change moves, measured by exact arc length.
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
/// let mut r = HashRing::with_vnodes(HashMode::Xxh64, 100)?;
/// for name in ["a", "b", "c"] { r.add(name.as_bytes(), NodeOptions::default())?; }
/// let m = r.movement_on_add(b"d", NodeOptions::default())?;
/// assert_eq!(m.ideal_fraction, 0.25);
/// assert!((m.arcs.moved_fraction - 0.25).abs() < 0.1);
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// The ranges that changed owner.
    pub arcs: MovedArcs,
    /// The least any scheme must move: the added or removed node's weight
    /// share (`1 / (N + 1)` for equal weights, N the smaller node count).
    pub ideal_fraction: f64,
}

/// Which sampled keys changed owner between two rings.
///
/// # Examples
/// ```
/// use quorumkit::ring::{HashMode, HashRing, NodeOptions};
/// let mut before = HashRing::with_vnodes(HashMode::Xxh64, 100)?;
/// before.add(b"a", NodeOptions::default())?;
/// let mut after = before.clone();
/// after.add(b"b", NodeOptions::default())?;
/// let m = before.key_movement(&after, b"k1k2k3", &[2, 4, 6])?;
/// assert!(m.to.iter().all(|&t| t == 1));
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyMovement {
    /// Indices (into the packed keys) of the keys that moved.
    pub moved: Vec<u32>,
    /// Owner before, per moved key.
    pub from: Vec<u32>,
    /// Owner after, per moved key.
    pub to: Vec<u32>,
    /// `moved.len() / key count` (0 for no keys).
    pub moved_fraction: f64,
}

impl KeyMovement {
    /// Compares each key's owner before (`before[i]`) and after (`after[i]`)
    /// a change; the slices are parallel (extra entries of the longer one
    /// are ignored).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::KeyMovement;
    /// let m = KeyMovement::between(&[0, 1, 1, 2], &[0, 3, 1, 3]);
    /// assert_eq!((m.moved, m.from, m.to), (vec![1, 3], vec![1, 2], vec![3, 3]));
    /// assert_eq!(m.moved_fraction, 0.5);
    /// ```
    pub fn between(before: &[u32], after: &[u32]) -> KeyMovement {
        let mut m = KeyMovement::default();
        let n = before.len().min(after.len());
        for (i, (&f, &t)) in before.iter().zip(after).enumerate() {
            if f != t {
                m.moved.push(i as u32);
                m.from.push(f);
                m.to.push(t);
            }
        }
        m.moved_fraction = if n == 0 {
            0.0
        } else {
            m.moved.len() as f64 / n as f64
        };
        m
    }
}

/// What a membership change moves in an algorithm without arcs
/// ([`Rendezvous`](super::Rendezvous), [`Maglev`](super::Maglev),
/// [`jump_movement`](super::jump_movement)), measured over sample keys.
///
/// # Examples
/// ```
/// use quorumkit::ring::Rendezvous;
/// let mut r = Rendezvous::new();
/// r.add(b"a", 1.0)?;
/// r.add(b"b", 1.0)?;
/// let m = r.movement_on_add(b"c", 2.0, b"k1k2k3", &[2, 4, 6])?;
/// assert_eq!(m.ideal_fraction, 0.5); // c's weight share: 2 / (1 + 1 + 2)
/// assert!(m.keys.to.iter().all(|&t| t == 2)); // keys move only to c
/// # Ok::<(), quorumkit::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SampleMovement {
    /// The least any scheme must move: the joining or leaving node's weight
    /// share (`1/(N+1)` at equal weights).
    pub ideal_fraction: f64,
    /// Maglev only: the exact fraction of lookup-table entries that change owner.
    pub table_fraction: Option<f64>,
    /// Which sample keys change owner.
    pub keys: KeyMovement,
}
