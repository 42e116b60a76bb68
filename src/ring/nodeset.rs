//! Named nodes with stable indices, shared by the table-free algorithms.

use crate::prelude::*;
use crate::ArgError;

/// Node names to indices, as a vector sorted by name: binary search to
/// look up, a shifted tail to insert or remove. As fast as a `BTreeMap` for
/// the node counts rings have, and several kilobytes smaller in wasm.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex(Vec<(Box<[u8]>, u32)>);

impl NameIndex {
    fn find(&self, name: &[u8]) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| (**n).cmp(name))
    }

    pub fn get(&self, name: &[u8]) -> Option<u32> {
        self.find(name).ok().map(|at| self.0[at].1)
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.find(name).is_ok()
    }

    /// Adds `name`; false (and no change) if it is already there.
    pub fn insert(&mut self, name: &[u8], idx: u32) -> bool {
        match self.find(name) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, (name.into(), idx));
                true
            }
        }
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let at = self.find(name).ok()?;
        Some(self.0.remove(at).1)
    }
}

/// For each name, whether an equal name comes earlier in `names`
/// (O(n log n), sorting `(name, position)` pairs).
pub(crate) fn repeats(names: &[&[u8]]) -> Vec<bool> {
    let mut sorted: Vec<(&[u8], u32)> = names.iter().zip(0u32..).map(|(&n, i)| (n, i)).collect();
    sorted.sort_unstable();
    let mut out = vec![false; names.len()];
    for w in sorted.windows(2) {
        if w[0].0 == w[1].0 {
            out[w[1].1 as usize] = true;
        }
    }
    out
}

/// The index the next node takes: the lowest free slot, or one past the
/// last. Every algorithm with named nodes allocates indices by this rule,
/// so an index freed by a removal is the next one given out.
pub(crate) fn lowest_free<T>(slots: &[Option<T>]) -> u32 {
    slots
        .iter()
        .position(Option::is_none)
        .unwrap_or(slots.len()) as u32
}

/// Puts `item` at [`lowest_free`] and returns that index.
pub(crate) fn occupy<T>(slots: &mut Vec<Option<T>>, item: T) -> u32 {
    let idx = lowest_free(slots);
    match slots.get_mut(idx as usize) {
        Some(slot) => *slot = Some(item),
        None => slots.push(Some(item)),
    }
    idx
}

/// Frees slot `idx`, then drops the free slots at the end, so that
/// [`lowest_free`] never exceeds the number of live nodes.
pub(crate) fn vacate<T>(slots: &mut Vec<Option<T>>, idx: u32) {
    if let Some(slot) = slots.get_mut(idx as usize) {
        *slot = None;
    }
    while matches!(slots.last(), Some(None)) {
        slots.pop();
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub name: Box<[u8]>,
    pub weight: f64,
    pub hash: u64,
}

/// Nodes by index (lowest free index reused), in insertion order.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeSet {
    pub slots: Vec<Option<Member>>,
    pub order: Vec<u32>,
    by_name: NameIndex,
}

pub(crate) fn check_weight(w: f64) -> Result<f64, ArgError> {
    if w.is_finite() && w > 0.0 {
        Ok(w)
    } else {
        Err(ArgError::range("weight", "a finite number > 0", w))
    }
}

impl NodeSet {
    pub fn validate(&self, name: &[u8], weight: f64) -> Result<(), ArgError> {
        check_weight(weight)?;
        if self.by_name.contains(name) {
            return Err(ArgError::range(
                "node",
                "a name not already present",
                format!("'{}'", String::from_utf8_lossy(name)),
            ));
        }
        Ok(())
    }

    pub fn insert(&mut self, name: &[u8], weight: f64, hash: u64) -> u32 {
        let m = Member {
            name: name.into(),
            weight,
            hash,
        };
        let idx = occupy(&mut self.slots, m);
        self.order.push(idx);
        self.by_name.insert(name, idx);
        idx
    }

    /// The index the next [`insert`](Self::insert) gives (see [`lowest_free`]).
    pub fn next_index(&self) -> u32 {
        lowest_free(&self.slots)
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.by_name.remove(name)?;
        vacate(&mut self.slots, idx);
        self.order.retain(|&i| i != idx);
        Some(idx)
    }

    pub fn index_of(&self, name: &[u8]) -> Option<u32> {
        self.by_name.get(name)
    }

    pub fn get(&self, idx: u32) -> Option<&Member> {
        self.slots.get(idx as usize).and_then(Option::as_ref)
    }

    pub fn weights(&self) -> Vec<f64> {
        self.slots
            .iter()
            .map(|s| s.as_ref().map_or(0.0, |m| m.weight))
            .collect()
    }
}
