//! Named nodes with stable indices, shared by the table-free algorithms.

use std::collections::BTreeMap;

use crate::ArgError;

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
    by_name: BTreeMap<Box<[u8]>, u32>,
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
        if self.by_name.contains_key(name) {
            return Err(ArgError::range(
                "node",
                "a name not already present",
                format!("'{}'", String::from_utf8_lossy(name)),
            ));
        }
        Ok(())
    }

    pub fn insert(&mut self, name: &[u8], weight: f64, hash: u64) -> u32 {
        let idx = self
            .slots
            .iter()
            .position(Option::is_none)
            .unwrap_or(self.slots.len());
        let m = Member {
            name: name.into(),
            weight,
            hash,
        };
        if idx < self.slots.len() {
            self.slots[idx] = Some(m);
        } else {
            self.slots.push(Some(m));
        }
        self.order.push(idx as u32);
        self.by_name.insert(name.into(), idx as u32);
        idx as u32
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<u32> {
        let idx = self.by_name.remove(name)?;
        if let Some(s) = self.slots.get_mut(idx as usize) {
            *s = None;
        }
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        self.order.retain(|&i| i != idx);
        Some(idx)
    }

    pub fn index_of(&self, name: &[u8]) -> Option<u32> {
        self.by_name.get(name).copied()
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
