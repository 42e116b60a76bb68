//! Consistent-hashing exports: thin wrappers over [`crate::ring`].
//!
//! Every lookup returns a node **index** (`u32`), never a name: the facade
//! keeps the names in an array by the index `add` returned (and asks
//! `next_index` for the one a node would get), so `ring.get(key)` creates no
//! string in wasm. The per-key exports (`get`, `peek`, `assign`, `jump_key`)
//! are infallible and return [`NO_INDEX`] when there is nothing to return (an
//! empty ring); the facade checks the result after the call and throws, so
//! `NO_INDEX` only reaches a caller of the raw layer.
//!
//! Batch results go to the scratch output buffer as little-endian `u32`
//! indices. Read-only state that the page draws (ring points and owners, the
//! Maglev table) is exposed as pointers for typed-array views.
//!
//! Cold paths (statistics, movement analytics) return one packed `f64` array;
//! the layouts are documented on each export and read by `js/src/ring.ts`.

use super::args;
use super::errors::{arg_error, JsResult};
use super::scratch::{with_batch, with_key, with_out_words};
use crate::prelude::*;
use crate::ring::{
    jump_hash, jump_hash_bytes, jump_many, jump_movement, jump_stats, BoundedLoadRing,
    BoundedMovement, HashMode, HashRing, KeyWalk, LoadStats, Maglev, MovedArcs, Movement,
    NodeOptions, PointPositions, Rendezvous, RingError, SampleMovement, MAX_VNODES,
};
use crate::ArgError;
use wasm_bindgen::prelude::*;

/// Returned by the infallible per-key exports when there is no owner (an
/// empty ring or an invalid argument). No node index reaches it.
pub const NO_INDEX: u32 = u32::MAX;

/// Numbers before the shares in a packed load summary (see `pack_stats`).
pub const STATS_HEADER: usize = 7;
/// Numbers before the arcs in a packed ring movement (see `pack_movement`).
pub const MOVEMENT_HEADER: usize = 5;
/// Numbers per moved arc: start, end, from, to.
pub const ARC_FIELDS: usize = 4;
/// Numbers per moved sample key: index, from, to.
pub const MOVED_FIELDS: usize = 3;
/// Numbers before the moved keys in a packed sample movement (see
/// `pack_sample_movement`).
pub const SAMPLE_MOVEMENT_HEADER: usize = 4;
/// Numbers before the moved keys in a packed bounded-load movement (see
/// `pack_bounded_movement`).
pub const BOUNDED_MOVEMENT_HEADER: usize = 5;
/// Numbers before the skipped points in a packed key walk (see `pack_walk`).
pub const WALK_HEADER: usize = 4;

fn ring_error(e: RingError) -> JsValue {
    match e {
        RingError::Arg(a) => arg_error(a),
        RingError::Empty => js_sys::Error::new(&RingError::Empty.to_string()).into(),
    }
}

fn vnodes_arg(param: &'static str, v: f64) -> Result<u32, ArgError> {
    args::int(param, v, 1, u64::from(MAX_VNODES)).map(|v| v as u32)
}

fn node_options(weight: f64, vnodes: Option<f64>) -> Result<NodeOptions, ArgError> {
    Ok(NodeOptions {
        weight,
        vnodes: vnodes.map(|v| vnodes_arg("vnodes", v)).transpose()?,
    })
}

/// `[nodes, mean, peak, min, peakToMean, stdDev, peakOverFair, …shares]`,
/// shares indexed by node index.
fn pack_stats(s: &LoadStats) -> Box<[f64]> {
    let mut v = Vec::with_capacity(STATS_HEADER + s.shares.len());
    v.extend_from_slice(&[
        f64::from(s.nodes),
        s.mean,
        s.peak,
        s.min,
        s.peak_to_mean,
        s.std_dev,
        s.peak_over_fair,
    ]);
    v.extend_from_slice(&s.shares);
    v.into_boxed_slice()
}

/// Runs a batch lookup: `count` packed keys in, `count` `u32` owners out.
fn batch_u32(
    count: usize,
    f: impl FnOnce(&[u8], &[u32], &mut [u32]) -> Result<(), RingError>,
) -> JsResult<()> {
    with_batch(count, count.saturating_mul(4), |keys, ends, out| {
        f(keys, ends, bytemuck::cast_slice_mut(out))
    })?
    .map_err(ring_error)
}

/// Writes `owners` to the output buffer as `u32`s and returns how many.
fn out_indices(owners: &[u32]) -> JsResult<usize> {
    with_out_words(owners.len().div_ceil(2), |words| {
        let out: &mut [u32] = bytemuck::cast_slice_mut(words);
        out[..owners.len()].copy_from_slice(owners);
        owners.len()
    })
}

/// `[movedFraction, idealFraction, arcCount, keyMovedFraction, keyCount,
/// …arcs (startFraction, endFraction, from, to), …keys (index, from, to)]`.
/// Arc `k` covers `[start, end)` as fractions of the circle; `keyMovedFraction`
/// is NaN without sample keys.
fn pack_movement(m: &Movement, bits: u32, keys: Option<&crate::ring::KeyMovement>) -> Box<[f64]> {
    let MovedArcs {
        starts,
        ends,
        from,
        to,
        moved_fraction,
    } = &m.arcs;
    let circle = if bits == 64 {
        18_446_744_073_709_551_616.0
    } else {
        4_294_967_296.0
    };
    let n = starts.len();
    let k = keys.map_or(0, |k| k.moved.len());
    let mut v = Vec::with_capacity(MOVEMENT_HEADER + ARC_FIELDS * n + MOVED_FIELDS * k);
    v.extend_from_slice(&[
        *moved_fraction,
        m.ideal_fraction,
        n as f64,
        keys.map_or(f64::NAN, |k| k.moved_fraction),
        k as f64,
    ]);
    for i in 0..n {
        v.push(starts[i] as f64 / circle);
        // Inclusive end + 1, so arcs tile the circle.
        v.push((ends[i] as f64 + 1.0) / circle);
        v.push(f64::from(from[i]));
        v.push(f64::from(to[i]));
    }
    if let Some(km) = keys {
        push_moved(&mut v, km);
    }
    v.into_boxed_slice()
}

/// Appends each moved key as (index, from, to).
fn push_moved(v: &mut Vec<f64>, k: &crate::ring::KeyMovement) {
    for ((&i, &from), &to) in k.moved.iter().zip(&k.from).zip(&k.to) {
        v.extend_from_slice(&[f64::from(i), f64::from(from), f64::from(to)]);
    }
}

/// `[idealFraction, tableFraction, keyMovedFraction, movedCount, …moved
/// (index, from, to)]`; `tableFraction` is NaN except for Maglev.
fn pack_sample_movement(m: &SampleMovement) -> Box<[f64]> {
    let k = &m.keys;
    let mut v = Vec::with_capacity(SAMPLE_MOVEMENT_HEADER + MOVED_FIELDS * k.moved.len());
    v.extend_from_slice(&[
        m.ideal_fraction,
        m.table_fraction.unwrap_or(f64::NAN),
        k.moved_fraction,
        k.moved.len() as f64,
    ]);
    push_moved(&mut v, k);
    v.into_boxed_slice()
}

/// `[idealFraction, arcFraction, keyMovedFraction, movedCount, cascaded,
/// …moved (index, from, to)]`.
fn pack_bounded_movement(m: &BoundedMovement) -> Box<[f64]> {
    let k = &m.keys;
    let mut v = Vec::with_capacity(BOUNDED_MOVEMENT_HEADER + MOVED_FIELDS * k.moved.len());
    v.extend_from_slice(&[
        m.ideal_fraction,
        m.arc_fraction,
        k.moved_fraction,
        k.moved.len() as f64,
        f64::from(m.cascaded),
    ]);
    push_moved(&mut v, k);
    v.into_boxed_slice()
}

/// `[positionLow, positionHigh, owner, skippedCount, …skipped, …points]`
/// (the position's two 32-bit halves; points are indices into the ring's points).
fn pack_walk(w: &KeyWalk) -> Box<[u32]> {
    let mut v = Vec::with_capacity(WALK_HEADER + w.skipped.len() + w.points.len());
    v.extend_from_slice(&[
        w.position as u32,
        (w.position >> 32) as u32,
        w.owner,
        w.skipped.len() as u32,
    ]);
    v.extend_from_slice(&w.skipped);
    v.extend_from_slice(&w.points);
    v.into_boxed_slice()
}

/// Runs a movement analysis over `count` packed sample keys.
fn sample_movement(
    count: usize,
    f: impl FnOnce(&[u8], &[u32]) -> Result<SampleMovement, RingError>,
) -> JsResult<Box<[f64]>> {
    with_batch(count, 0, |keys, ends, _| f(keys, ends))?
        .map(|m| pack_sample_movement(&m))
        .map_err(ring_error)
}

fn parse_mode(hash: &str, default_port: Option<f64>) -> Result<HashMode, ArgError> {
    let mut mode = HashMode::parse(hash)?;
    if let Some(p) = default_port {
        let port = args::int("defaultPort", p, 0, 65_535)? as u16;
        match &mut mode {
            HashMode::Ketama(o) => o.default_port = Some(port),
            _ => {
                return Err(ArgError::range(
                    "defaultPort",
                    "used with hash 'ketama', 'libketama' or 'hash_ring'",
                    format!("hash '{hash}'"),
                ))
            }
        }
    }
    Ok(mode)
}

/// The exports every node set of this module has, written once for the four
/// classes: `remove` through the object in `$field` (a bounded ring forgets
/// the node's load there), the names through `$names` (a bounded ring's
/// inner ring).
macro_rules! node_set_exports {
    ($raw:ident, $field:ident, |$s:ident| $names:expr) => {
        #[wasm_bindgen]
        impl $raw {
            /// Removes the named node; returns its freed index or [`NO_INDEX`] if absent.
            pub fn remove(&mut self, len: usize) -> u32 {
                with_key(len, |name| self.$field.remove(name)).unwrap_or(NO_INDEX)
            }

            /// The index of the named node, or [`NO_INDEX`].
            pub fn index_of(&self, len: usize) -> u32 {
                let $s = &self.$field;
                with_key(len, |name| $names.index_of(name)).unwrap_or(NO_INDEX)
            }

            /// The index the next `add` gives: the lowest one no live node holds.
            #[wasm_bindgen(getter)]
            pub fn next_index(&self) -> u32 {
                let $s = &self.$field;
                $names.next_index()
            }

            /// Node indices in insertion order.
            pub fn nodes(&self) -> Box<[u32]> {
                let $s = &self.$field;
                $names.nodes().into()
            }
        }
    };
}

/// The lookups of the node sets that place a key without counting it.
macro_rules! lookup_exports {
    ($raw:ident, $field:ident) => {
        #[wasm_bindgen]
        impl $raw {
            /// The owner index of the key in the key buffer, or [`NO_INDEX`] when empty.
            pub fn get(&self, len: usize) -> u32 {
                with_key(len, |key| self.$field.get(key).unwrap_or(NO_INDEX))
            }

            /// Owners of `count` packed keys, as `u32`s in the output buffer.
            pub fn get_many(&self, count: usize) -> JsResult<()> {
                batch_u32(count, |keys, ends, out| {
                    self.$field.get_many(keys, ends, out)
                })
            }
        }
    };
}

/// The preference lists of the node sets that have them.
macro_rules! preference_exports {
    ($raw:ident, $field:ident) => {
        #[wasm_bindgen]
        impl $raw {
            /// The key's first `n` nodes in preference order (distinct), as
            /// `u32`s in the output buffer; returns `n`.
            pub fn get_n(&self, len: usize, n: f64) -> JsResult<usize> {
                let n = args::int("n", n, 0, u64::from(u32::MAX)).map_err(arg_error)? as usize;
                let list = with_key(len, |key| self.$field.get_n(key, n)).map_err(ring_error)?;
                out_indices(&list)
            }
        }
    };
}

node_set_exports!(RawHashRing, ring, |r| r);
lookup_exports!(RawHashRing, ring);
preference_exports!(RawHashRing, ring);
node_set_exports!(RawBoundedLoadRing, ring, |r| r.ring());
node_set_exports!(RawRendezvous, set, |s| s);
lookup_exports!(RawRendezvous, set);
preference_exports!(RawRendezvous, set);
node_set_exports!(RawMaglev, table, |t| t);
lookup_exports!(RawMaglev, table);

/// A [`HashRing`].
#[wasm_bindgen]
pub struct RawHashRing {
    ring: HashRing,
}

#[wasm_bindgen]
impl RawHashRing {
    /// An empty ring: `hash` is a mode name (`seed`, `ketama`, `libketama`,
    /// `hash_ring`, `xxh64`, `xxh3`); `vnodes` defaults by mode (ketama 40,
    /// else 100); `default_port` only with the ketama modes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        hash: &str,
        vnodes: Option<f64>,
        default_port: Option<f64>,
    ) -> JsResult<RawHashRing> {
        let build = || -> Result<HashRing, ArgError> {
            let mode = parse_mode(hash, default_port)?;
            match vnodes {
                Some(v) => HashRing::with_vnodes(mode, vnodes_arg("vnodes", v)?),
                None => Ok(HashRing::new(mode)),
            }
        };
        build().map(|ring| RawHashRing { ring }).map_err(arg_error)
    }

    /// The mode's name as parsed.
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.ring.mode().name().to_string()
    }

    /// Virtual nodes per node at weight 1 (ketama: digests per server).
    #[wasm_bindgen(getter)]
    pub fn vnodes(&self) -> u32 {
        self.ring.vnodes()
    }

    /// Width of positions: 32 or 64.
    #[wasm_bindgen(getter)]
    pub fn position_bits(&self) -> u32 {
        self.ring.mode().position_bits()
    }

    /// Adds the node named by the key buffer's first `len` bytes; returns its index.
    pub fn add(&mut self, len: usize, weight: f64, vnodes: Option<f64>) -> JsResult<u32> {
        let opts = node_options(weight, vnodes).map_err(arg_error)?;
        with_key(len, |name| self.ring.add(name, opts)).map_err(arg_error)
    }

    /// Adds `count` packed names with `weights[i]` and `vnodes[i]` (NaN: the
    /// ring's count), all or nothing, sorting the ring once; returns their
    /// indices.
    pub fn add_many(
        &mut self,
        count: usize,
        weights: &[f64],
        vnodes: &[f64],
    ) -> JsResult<Box<[u32]>> {
        if weights.len() != count || vnodes.len() != count {
            return Err(arg_error(ArgError::range(
                "weights",
                format!("one weight and vnodes value per node ({count})"),
                format!("{} and {}", weights.len(), vnodes.len()),
            )));
        }
        let opts: Vec<NodeOptions> = weights
            .iter()
            .zip(vnodes)
            .map(|(&w, &v)| node_options(w, (!v.is_nan()).then_some(v)))
            .collect::<Result<_, _>>()
            .map_err(arg_error)?;
        let ring = &mut self.ring;
        with_batch(count, 0, |keys, ends, _| {
            let mut start = 0usize;
            let nodes = ends.iter().zip(opts).map(|(&end, o)| {
                let name = &keys[start..end as usize];
                start = end as usize;
                (name, o)
            });
            ring.add_many(nodes)
        })?
        .map(Vec::into_boxed_slice)
        .map_err(arg_error)
    }

    /// How many points node `index` owns (0 for a free index).
    pub fn point_count_of(&self, index: u32) -> u32 {
        self.ring.point_count(index).unwrap_or(0)
    }

    /// The weight of node `index` (0 for a free index).
    pub fn weight_of(&self, index: u32) -> f64 {
        self.ring.weight(index).unwrap_or(0.0)
    }

    /// Number of points on the ring.
    #[wasm_bindgen(getter)]
    pub fn point_count(&self) -> usize {
        self.ring.points().owners.len()
    }

    /// The ring position of the key in the key buffer, in the ring's hash
    /// mode (ketama included), widened to `u64` (a BigInt in JavaScript).
    pub fn key_position(&self, len: usize) -> u64 {
        with_key(len, |key| self.ring.mode().key_position(key))
    }

    /// The index (into the points) of the point owning the key: the first
    /// point at or after its position, wrapping to 0; [`NO_INDEX`] when empty.
    pub fn point_index(&self, len: usize) -> u32 {
        with_key(len, |key| {
            self.ring.point_index(key).map_or(NO_INDEX, |k| k as u32)
        })
    }

    /// Pointer to the sorted positions (`u32` or `u64` by `position_bits`).
    pub fn positions_ptr(&self) -> *const u8 {
        match self.ring.points().positions {
            PointPositions::U32(p) => p.as_ptr().cast(),
            PointPositions::U64(p) => p.as_ptr().cast(),
        }
    }

    /// Pointer to the owner index of each point (`u32`).
    pub fn owners_ptr(&self) -> *const u32 {
        self.ring.points().owners.as_ptr()
    }

    /// Load by exact arc length (layout: see `pack_stats`).
    pub fn arc_stats(&self) -> Box<[f64]> {
        pack_stats(&self.ring.arc_stats())
    }

    /// Load over `count` packed sample keys.
    pub fn sample_stats(&self, count: usize) -> JsResult<Box<[f64]>> {
        with_batch(count, 0, |keys, ends, _| self.ring.sample_stats(keys, ends))?
            .map(|s| pack_stats(&s))
            .map_err(ring_error)
    }

    /// What adding `name` would move (layout: see `pack_movement`); with
    /// `sample_count > 0`, also which of the packed sample keys move.
    pub fn movement_on_add(
        &self,
        name: &[u8],
        weight: f64,
        vnodes: Option<f64>,
        sample_count: usize,
    ) -> JsResult<Box<[f64]>> {
        let opts = node_options(weight, vnodes).map_err(arg_error)?;
        let m = self.ring.movement_on_add(name, opts).map_err(ring_error)?;
        let keys = if sample_count > 0 {
            let mut after = self.ring.clone();
            after.add(name, opts).map_err(arg_error)?;
            Some(self.key_movement(&after, sample_count)?)
        } else {
            None
        };
        Ok(pack_movement(&m, self.position_bits(), keys.as_ref()))
    }

    /// What removing `name` would move (as `movement_on_add`).
    pub fn movement_on_remove(&self, name: &[u8], sample_count: usize) -> JsResult<Box<[f64]>> {
        let m = self.ring.movement_on_remove(name).map_err(ring_error)?;
        let keys = if sample_count > 0 {
            let mut after = self.ring.clone();
            after.remove(name);
            Some(self.key_movement(&after, sample_count)?)
        } else {
            None
        };
        Ok(pack_movement(&m, self.position_bits(), keys.as_ref()))
    }
}

impl RawHashRing {
    fn key_movement(&self, after: &HashRing, count: usize) -> JsResult<crate::ring::KeyMovement> {
        with_batch(count, 0, |keys, ends, _| {
            self.ring.key_movement(after, keys, ends)
        })?
        .map_err(ring_error)
    }
}

/// A [`BoundedLoadRing`].
#[wasm_bindgen]
pub struct RawBoundedLoadRing {
    ring: BoundedLoadRing,
}

#[wasm_bindgen]
impl RawBoundedLoadRing {
    /// An empty ring with balance factor `epsilon`.
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str, vnodes: Option<f64>, epsilon: f64) -> JsResult<RawBoundedLoadRing> {
        let build = || -> Result<BoundedLoadRing, ArgError> {
            let mode = HashMode::parse(hash)?;
            let v = match vnodes {
                Some(v) => vnodes_arg("vnodes", v)?,
                None => mode.default_vnodes(),
            };
            BoundedLoadRing::new(mode, v, epsilon)
        };
        build()
            .map(|ring| RawBoundedLoadRing { ring })
            .map_err(arg_error)
    }

    /// ε as used (six decimals).
    #[wasm_bindgen(getter)]
    pub fn epsilon(&self) -> f64 {
        self.ring.epsilon()
    }

    /// Adds a node with no load; returns its index.
    pub fn add(&mut self, len: usize, weight: f64, vnodes: Option<f64>) -> JsResult<u32> {
        let opts = node_options(weight, vnodes).map_err(arg_error)?;
        with_key(len, |name| self.ring.add(name, opts)).map_err(arg_error)
    }

    /// Where the key would be assigned now, or [`NO_INDEX`] when empty.
    pub fn peek(&self, len: usize) -> u32 {
        with_key(len, |key| self.ring.peek(key).unwrap_or(NO_INDEX))
    }

    /// Assigns the key (counts it) and returns its node, or [`NO_INDEX`] when empty.
    pub fn assign(&mut self, len: usize) -> u32 {
        let ring = &mut self.ring;
        with_key(len, |key| ring.assign(key).unwrap_or(NO_INDEX))
    }

    /// Assigns `count` packed keys in order; owners as `u32`s in the output buffer.
    pub fn assign_many(&mut self, count: usize) -> JsResult<()> {
        let ring = &mut self.ring;
        batch_u32(count, |keys, ends, out| ring.assign_many(keys, ends, out))
    }

    /// Releases one key from the named node.
    pub fn release(&mut self, len: usize) -> JsResult<()> {
        let idx = with_key(len, |name| self.ring.ring().index_of(name));
        let Some(idx) = idx else {
            let name = with_key(len, |n| String::from_utf8_lossy(n).into_owned());
            return Err(arg_error(ArgError::range(
                "node",
                "a name on the ring",
                format!("'{name}'"),
            )));
        };
        self.ring.release(idx).map_err(arg_error)
    }

    /// Keys assigned to node `index`.
    pub fn load_of(&self, index: u32) -> f64 {
        self.ring.loads().get(index as usize).copied().unwrap_or(0) as f64
    }

    /// The capacity of node `index` for the next assignment (0 for a free index).
    pub fn capacity_of(&self, index: u32) -> f64 {
        self.ring.capacity(index).unwrap_or(0) as f64
    }

    /// Total keys assigned.
    #[wasm_bindgen(getter)]
    pub fn total(&self) -> f64 {
        self.ring.total() as f64
    }

    /// Statistics of the assigned keys (layout: see `pack_stats`).
    pub fn load_stats(&self) -> Box<[f64]> {
        pack_stats(&self.ring.load_stats())
    }

    /// Width of the ring's positions: 32 or 64.
    #[wasm_bindgen(getter)]
    pub fn position_bits(&self) -> u32 {
        self.ring.ring().mode().position_bits()
    }

    /// Number of points on the ring.
    #[wasm_bindgen(getter)]
    pub fn point_count(&self) -> usize {
        self.ring.ring().points().owners.len()
    }

    /// Pointer to the sorted positions (`u32` or `u64` by `position_bits`).
    pub fn positions_ptr(&self) -> *const u8 {
        match self.ring.ring().points().positions {
            PointPositions::U32(p) => p.as_ptr().cast(),
            PointPositions::U64(p) => p.as_ptr().cast(),
        }
    }

    /// Pointer to the owner index of each point (`u32`).
    pub fn owners_ptr(&self) -> *const u32 {
        self.ring.ring().points().owners.as_ptr()
    }

    /// The ring position of the key in the key buffer, widened to `u64`.
    pub fn key_position(&self, len: usize) -> u64 {
        with_key(len, |key| self.ring.ring().mode().key_position(key))
    }

    /// The walk `peek` takes for the key now (layout: see `pack_walk`).
    pub fn walk(&self, len: usize) -> JsResult<Box<[u32]>> {
        with_key(len, |key| self.ring.walk(key))
            .map(|w| pack_walk(&w))
            .map_err(ring_error)
    }

    /// The walk the key took to node `owner` when it was assigned (layout:
    /// see `pack_walk`).
    pub fn walk_to(&self, len: usize, owner: u32) -> JsResult<Box<[u32]>> {
        with_key(len, |key| self.ring.walk_to(key, owner))
            .map(|w| pack_walk(&w))
            .map_err(ring_error)
    }

    /// What adding `name` would move for `count` packed keys placed in order
    /// (layout: see `pack_bounded_movement`).
    pub fn movement_on_add(
        &self,
        name: &[u8],
        weight: f64,
        vnodes: Option<f64>,
        count: usize,
    ) -> JsResult<Box<[f64]>> {
        let opts = node_options(weight, vnodes).map_err(arg_error)?;
        with_batch(count, 0, |keys, ends, _| {
            self.ring.movement_on_add(name, opts, keys, ends)
        })?
        .map(|m| pack_bounded_movement(&m))
        .map_err(ring_error)
    }

    /// What removing `name` would move (as `movement_on_add`).
    pub fn movement_on_remove(&self, name: &[u8], count: usize) -> JsResult<Box<[f64]>> {
        with_batch(count, 0, |keys, ends, _| {
            self.ring.movement_on_remove(name, keys, ends)
        })?
        .map(|m| pack_bounded_movement(&m))
        .map_err(ring_error)
    }
}

/// A [`Rendezvous`] node set.
#[wasm_bindgen]
pub struct RawRendezvous {
    set: Rendezvous,
}

impl Default for RawRendezvous {
    fn default() -> Self {
        RawRendezvous::new()
    }
}

#[wasm_bindgen]
impl RawRendezvous {
    /// An empty node set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> RawRendezvous {
        RawRendezvous {
            set: Rendezvous::new(),
        }
    }

    /// Adds a weighted node; returns its index.
    pub fn add(&mut self, len: usize, weight: f64) -> JsResult<u32> {
        with_key(len, |name| self.set.add(name, weight)).map_err(arg_error)
    }

    /// What adding `name` with `weight` would move, over `count` packed
    /// sample keys (layout: see `pack_sample_movement`).
    pub fn movement_on_add(&self, name: &[u8], weight: f64, count: usize) -> JsResult<Box<[f64]>> {
        sample_movement(count, |keys, ends| {
            self.set.movement_on_add(name, weight, keys, ends)
        })
    }

    /// What removing `name` would move, over `count` packed sample keys.
    pub fn movement_on_remove(&self, name: &[u8], count: usize) -> JsResult<Box<[f64]>> {
        sample_movement(count, |keys, ends| {
            self.set.movement_on_remove(name, keys, ends)
        })
    }

    /// Load over `count` packed sample keys.
    pub fn sample_stats(&self, count: usize) -> JsResult<Box<[f64]>> {
        with_batch(count, 0, |keys, ends, _| self.set.sample_stats(keys, ends))?
            .map(|s| pack_stats(&s))
            .map_err(ring_error)
    }
}

/// A [`Maglev`] table.
#[wasm_bindgen]
pub struct RawMaglev {
    table: Maglev,
}

#[wasm_bindgen]
impl RawMaglev {
    /// An empty table of prime size `table_size` (default 65537).
    #[wasm_bindgen(constructor)]
    pub fn new(table_size: Option<f64>) -> JsResult<RawMaglev> {
        let size = match table_size {
            Some(s) => args::int("tableSize", s, 3, u64::from(crate::ring::MAX_TABLE_SIZE))
                .map_err(arg_error)? as u32,
            None => Maglev::DEFAULT_TABLE_SIZE,
        };
        Maglev::new(size)
            .map(|table| RawMaglev { table })
            .map_err(arg_error)
    }

    /// Adds a node and rebuilds the table; returns its index.
    pub fn add(&mut self, len: usize) -> JsResult<u32> {
        with_key(len, |name| self.table.add(name)).map_err(arg_error)
    }

    /// Adds `count` packed names, rebuilding once; returns their indices.
    pub fn add_many(&mut self, count: usize) -> JsResult<Box<[u32]>> {
        let table = &mut self.table;
        with_batch(count, 0, |keys, ends, _| {
            let mut start = 0usize;
            let names: Vec<&[u8]> = ends
                .iter()
                .map(|&end| {
                    let name = &keys[start..end as usize];
                    start = end as usize;
                    name
                })
                .collect();
            table.add_many(names)
        })?
        .map(Vec::into_boxed_slice)
        .map_err(arg_error)
    }

    /// Pointer to the lookup table (`u32` owner per entry; empty without nodes).
    pub fn table_ptr(&self) -> *const u32 {
        self.table.table().as_ptr()
    }

    /// Entries in the lookup table (0 without nodes).
    #[wasm_bindgen(getter)]
    pub fn table_len(&self) -> usize {
        self.table.table().len()
    }

    /// Load by table entries (layout: see `pack_stats`).
    pub fn table_stats(&self) -> Box<[f64]> {
        pack_stats(&self.table.table_stats())
    }

    /// What adding `name` would move: table entries and `count` packed
    /// sample keys (layout: see `pack_sample_movement`).
    pub fn movement_on_add(&self, name: &[u8], count: usize) -> JsResult<Box<[f64]>> {
        sample_movement(count, |keys, ends| {
            self.table.movement_on_add(name, keys, ends)
        })
    }

    /// What removing `name` would move (as `movement_on_add`).
    pub fn movement_on_remove(&self, name: &[u8], count: usize) -> JsResult<Box<[f64]>> {
        sample_movement(count, |keys, ends| {
            self.table.movement_on_remove(name, keys, ends)
        })
    }

    /// Load over `count` packed sample keys.
    pub fn sample_stats(&self, count: usize) -> JsResult<Box<[f64]>> {
        with_batch(count, 0, |keys, ends, _| {
            self.table.sample_stats(keys, ends)
        })?
        .map(|s| pack_stats(&s))
        .map_err(ring_error)
    }
}

fn buckets_arg(buckets: f64) -> Result<u32, ArgError> {
    args::int("buckets", buckets, 1, u64::from(u32::MAX)).map(|b| b as u32)
}

/// Jump hash of the key buffer's first `len` bytes (hashed with XXH64), or
/// [`NO_INDEX`] for invalid `buckets` (the facade checks it first).
#[wasm_bindgen]
pub fn jump_key(len: usize, buckets: f64) -> u32 {
    match buckets_arg(buckets) {
        Ok(b) => with_key(len, |key| jump_hash_bytes(key, b).unwrap_or(NO_INDEX)),
        Err(_) => NO_INDEX,
    }
}

/// Jump hash of a 64-bit key, or [`NO_INDEX`] for invalid `buckets`.
#[wasm_bindgen]
pub fn jump_u64(key: u64, buckets: f64) -> u32 {
    match buckets_arg(buckets) {
        Ok(b) => jump_hash(key, b).unwrap_or(NO_INDEX),
        Err(_) => NO_INDEX,
    }
}

/// Jump hash of `count` packed keys, as `u32`s in the output buffer.
#[wasm_bindgen]
pub fn jump_batch(count: usize, buckets: f64) -> JsResult<()> {
    let b = buckets_arg(buckets).map_err(arg_error)?;
    batch_u32(count, |keys, ends, out| {
        jump_many(keys, ends, b, out).map_err(RingError::Arg)
    })
}

/// Load per bucket of jump hash over `count` packed sample keys (layout: see
/// `pack_stats`, bucket `b` at share index `b`).
#[wasm_bindgen]
pub fn jump_sample_stats(count: usize, buckets: f64) -> JsResult<Box<[f64]>> {
    let b = args::int(
        "buckets",
        buckets,
        1,
        u64::from(crate::ring::MAX_STATS_BUCKETS),
    )
    .map_err(arg_error)? as u32;
    with_batch(count, 0, |keys, ends, _| jump_stats(keys, ends, b))?
        .map(|s| pack_stats(&s))
        .map_err(arg_error)
}

/// What changing jump hash from `from` to `to` buckets moves, over `count`
/// packed sample keys (layout: see `pack_sample_movement`).
#[wasm_bindgen]
pub fn jump_sample_movement(count: usize, from: f64, to: f64) -> JsResult<Box<[f64]>> {
    let from = args::int("from", from, 1, u64::from(u32::MAX)).map_err(arg_error)? as u32;
    let to = args::int("to", to, 1, u64::from(u32::MAX)).map_err(arg_error)? as u32;
    sample_movement(count, |keys, ends| {
        jump_movement(keys, ends, from, to).map_err(RingError::Arg)
    })
}
