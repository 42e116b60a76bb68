//! A linearizability checker for histories of concurrent operations, and
//! the key-value model the simulator's clients use.
//!
//! # The question
//!
//! A history is a set of operations, each with the time its client invoked
//! it, the time the answer came back (or none: the client timed out and the
//! outcome is unknown), its input and its output. It is *linearizable*
//! (Herlihy & Wing, 1990) if every operation can be given a single point in
//! time between its invocation and its response at which it takes effect
//! atomically, such that the outputs are those of a sequential [`Model`]
//! run in that order.
//!
//! # The algorithm
//!
//! Wing & Gong's search (1993) with Lowe's memoization (2017), as Porcupine
//! runs it:
//!
//! 1. Every operation becomes two entries, *call* and *return*, sorted by
//!    time (a call before a return at the same time, so operations that
//!    touch at an instant count as concurrent, never wrongly ordered). An
//!    operation with an unknown outcome returns at time infinity, after
//!    everything; its output is not checked (it may have taken effect at any
//!    point after its call, or never, which is the same as at the very end).
//! 2. The search walks a linked list of the entries left. At a call whose
//!    operation the model accepts in the current state, it *linearizes* it:
//!    removes its call and return from the list, pushes it on a stack and
//!    starts again from the head. Reaching a return whose call is still in
//!    the list means some operation that had to precede it could not be
//!    placed: backtrack (pop the last operation, restore it and the state,
//!    and try the next call after it). An empty list is a linearization; an
//!    empty stack to backtrack from means there is none.
//! 3. Memoization: a linearized set of operations (a bitset) together with
//!    the model state it leads to is explored once; a pair seen before is
//!    skipped, because what remains to check depends only on that pair.
//! 4. P-compositionality (Horn & Kroening, 2015): a history is
//!    linearizable iff each of its partitions is, when the model's
//!    operations on different partitions never interact. For a key-value
//!    store every key is its own register, so [`check_kv`] checks one key
//!    at a time.
//! 5. Unobserved unknown writes: the cost grows exponentially with
//!    concurrent writes of unknown outcome, and most are never seen. Since
//!    such a write may be linearized last, [`check_kv`] first checks each
//!    key without the unknown writes whose value no completed operation
//!    observed; only if that fails does it search the full history.
//!
//! # Cost and limits
//!
//! Exponential in the worst case (the problem is NP-complete), in the number
//! of mutually concurrent operations of one partition: each step is O(n)
//! for the bitset and the list, and the memo holds at most one entry per
//! reachable (linearized set, state) pair. With histories of tens of
//! operations per key, as the simulator's runs produce, a check takes
//! microseconds to milliseconds; operations with unknown outcomes are the
//! expensive ones, since each stays concurrent with everything after its
//! call. The checker answers yes or no; it does not bound its own time, so
//! keep histories short (the randomized runs do), and it returns one
//! failing partition, not a minimal witness.
//!
//! A maintained crate was looked for first: `todc-utils` (0.1) implements
//! Wing & Gong with memoization, but it has no partitioning and no
//! operations of unknown outcome, and it panics on a call without a return,
//! which the simulator's timed-out clients produce; hence this module.
//!
//! # Examples
//! ```
//! use quorumkit::raft::sim::linearizability::{check_kv, KvInput, KvOp, KvOutput};
//! // Client 1 writes 5 to key 0 during [0, 10]; client 2 reads key 0 during
//! // [20, 30] and sees the old value: a stale read.
//! let h = [
//!     KvOp { client: 1, input: KvInput::Put { key: 0, value: 5 }, output: Some(KvOutput::Ok), call: 0, ret: 10 },
//!     KvOp { client: 2, input: KvInput::Get { key: 0 }, output: Some(KvOutput::Value(None)), call: 20, ret: 30 },
//! ];
//! assert_eq!(check_kv(&h).unwrap_err().key, 0);
//! ```

use crate::prelude::*;
use alloc::collections::BTreeMap;
use core::fmt;
use core::hash::Hash;
use hashbrown::HashSet;

/// A sequential specification: the state an object starts in, and which
/// outputs each operation may give in each state.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::{check, Model, Operation};
/// /// A counter: `true` increments (output ignored), `false` reads it.
/// struct Counter;
/// impl Model for Counter {
///     type State = u32;
///     type Input = bool;
///     type Output = u32;
///     fn init(&self) -> u32 { 0 }
///     fn step(&self, s: &u32, inc: &bool, out: Option<&u32>) -> Option<u32> {
///         if *inc { Some(s + 1) } else { (out.is_none_or(|o| o == s)).then_some(*s) }
///     }
/// }
/// let ops = [
///     Operation { input: true, output: Some(0), call: 0, ret: 5 },
///     Operation { input: false, output: Some(1), call: 1, ret: 2 }, // overlaps the increment
/// ];
/// assert!(check(&Counter, &ops));
/// ```
pub trait Model {
    /// The object's state; compared and hashed for memoization.
    type State: Clone + Eq + Hash;
    /// What an operation asks.
    type Input;
    /// What it answered.
    type Output;
    /// The initial state.
    fn init(&self) -> Self::State;
    /// Applies `input` to `state`: the next state if `output` is a possible
    /// answer (`None`: unknown, any answer goes), else `None`.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Option<Self::State>;
}

/// One operation of a history, for [`check`].
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::Operation;
/// let op = Operation { input: 1u8, output: None::<u8>, call: 3, ret: u64::MAX };
/// assert!(op.output.is_none()); // unknown outcome
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The input.
    pub input: I,
    /// The output, or `None` if the outcome is unknown (the client gave up
    /// waiting): the operation may or may not have taken effect, and its
    /// `ret` is ignored (taken as infinity).
    pub output: Option<O>,
    /// When the client invoked it.
    pub call: u64,
    /// When the answer came back (`>= call`).
    pub ret: u64,
}

/// Whether `ops` is linearizable with respect to `model` (Wing & Gong
/// with Lowe's memoization; see the [module docs](self)). No partitioning:
/// split the history first where the model allows it.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::{check, KvInput, KvModel, KvOutput, Operation};
/// let ops = [
///     Operation { input: KvInput::Put { key: 0, value: 1 }, output: Some(KvOutput::Ok), call: 0, ret: 1 },
///     Operation { input: KvInput::Get { key: 0 }, output: Some(KvOutput::Value(Some(1))), call: 2, ret: 3 },
/// ];
/// assert!(check(&KvModel, &ops));
/// ```
pub fn check<M: Model>(model: &M, ops: &[Operation<M::Input, M::Output>]) -> bool {
    let n = ops.len();
    if n == 0 {
        return true;
    }
    // Entries: 2k is op k's call, 2k+1 its return. Sorted by time, calls
    // first at equal times; unknown outcomes return at infinity.
    let ret_time = |k: usize| {
        if ops[k].output.is_some() {
            ops[k].ret.max(ops[k].call)
        } else {
            u64::MAX
        }
    };
    let mut order: Vec<usize> = (0..2 * n).collect();
    order.sort_by_key(|&e| {
        let k = e / 2;
        if e % 2 == 0 {
            (ops[k].call, 0u8, k)
        } else {
            (ret_time(k), 1u8, k)
        }
    });
    // A doubly linked list over positions 1..=2n; 0 is the head sentinel.
    let len = 2 * n + 1;
    let mut next: Vec<usize> = (1..=len).collect();
    let mut prev: Vec<usize> = (0..len).map(|p| p.saturating_sub(1)).collect();
    next[len - 1] = 0; // the end: 0 means none after
    let entry = |p: usize| order[p - 1];
    // Where each op's call and return sit.
    let mut pos_call = vec![0; n];
    let mut pos_ret = vec![0; n];
    for p in 1..len {
        let e = entry(p);
        if e % 2 == 0 {
            pos_call[e / 2] = p;
        } else {
            pos_ret[e / 2] = p;
        }
    }
    let words = n.div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut seen: HashSet<(Vec<u64>, M::State)> = HashSet::new();
    let mut stack: Vec<(usize, M::State)> = Vec::new();
    let mut state = model.init();
    let lift = |p: usize, next: &mut [usize], prev: &mut [usize]| {
        let (a, b) = (prev[p], next[p]);
        next[a] = b;
        if b != 0 {
            prev[b] = a;
        }
    };
    let unlift = |p: usize, next: &mut [usize], prev: &mut [usize]| {
        let (a, b) = (prev[p], next[p]);
        next[a] = p;
        if b != 0 {
            prev[b] = p;
        }
    };
    let mut cur = next[0];
    while next[0] != 0 {
        if cur == 0 {
            // Walked off the end without meeting a return: cannot happen
            // (every remaining call has its return after it), but treat it
            // like a dead end.
            let Some((k, old)) = stack.pop() else {
                return false;
            };
            state = old;
            linearized[k / 64] &= !(1 << (k % 64));
            unlift(pos_ret[k], &mut next, &mut prev);
            unlift(pos_call[k], &mut next, &mut prev);
            cur = next[pos_call[k]];
            continue;
        }
        let e = entry(cur);
        let k = e / 2;
        if e % 2 == 0 {
            let op = &ops[k];
            if let Some(s2) = model.step(&state, &op.input, op.output.as_ref()) {
                let mut bits = linearized.clone();
                bits[k / 64] |= 1 << (k % 64);
                if seen.insert((bits.clone(), s2.clone())) {
                    stack.push((k, core::mem::replace(&mut state, s2)));
                    linearized = bits;
                    lift(pos_call[k], &mut next, &mut prev);
                    lift(pos_ret[k], &mut next, &mut prev);
                    cur = next[0];
                    continue;
                }
            }
            cur = next[cur];
        } else {
            // A return whose call is still here: backtrack.
            let Some((k, old)) = stack.pop() else {
                return false;
            };
            state = old;
            linearized[k / 64] &= !(1 << (k % 64));
            unlift(pos_ret[k], &mut next, &mut prev);
            unlift(pos_call[k], &mut next, &mut prev);
            cur = next[pos_call[k]];
        }
    }
    true
}

/// A key-value operation's input. Keys and values are numbers: the
/// simulator's clients write values unique per run, so a read names the
/// write it saw.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::KvInput;
/// assert_eq!(KvInput::Get { key: 3 }.key(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KvInput {
    /// Read the key.
    Get {
        /// The key.
        key: u64,
    },
    /// Write `value`.
    Put {
        /// The key.
        key: u64,
        /// The value.
        value: u64,
    },
    /// Write `value` if the key holds `expect` (`None`: absent).
    Cas {
        /// The key.
        key: u64,
        /// The value required.
        expect: Option<u64>,
        /// The value to write.
        value: u64,
    },
}

impl KvInput {
    /// The key the operation touches.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::raft::sim::linearizability::KvInput;
    /// assert_eq!(KvInput::Put { key: 1, value: 2 }.key(), 1);
    /// ```
    pub fn key(&self) -> u64 {
        match *self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Cas { key, .. } => key,
        }
    }
}

/// A key-value operation's output.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::KvOutput;
/// assert_ne!(KvOutput::Ok, KvOutput::Value(None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KvOutput {
    /// A put took effect.
    Ok,
    /// What a get read (`None`: absent).
    Value(Option<u64>),
    /// Whether a compare-and-set wrote.
    Cas(bool),
}

/// One key-value register: the model [`check_kv`] runs per key (the state
/// is the key's value, `None` when absent).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::{KvInput, KvModel, KvOutput, Model};
/// let s = KvModel.init();
/// let get = KvInput::Get { key: 0 };
/// assert_eq!(KvModel.step(&s, &get, Some(&KvOutput::Value(None))), Some(None));
/// assert_eq!(KvModel.step(&s, &get, Some(&KvOutput::Value(Some(1)))), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KvModel;

impl Model for KvModel {
    type State = Option<u64>;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> Option<u64> {
        None
    }

    fn step(&self, s: &Option<u64>, i: &KvInput, o: Option<&KvOutput>) -> Option<Option<u64>> {
        match (*i, o) {
            (KvInput::Get { .. }, None) => Some(*s),
            (KvInput::Get { .. }, Some(KvOutput::Value(v))) => (v == s).then_some(*s),
            (KvInput::Put { value, .. }, None | Some(KvOutput::Ok)) => Some(Some(value)),
            (KvInput::Cas { expect, value, .. }, out) => {
                let hit = *s == expect;
                match out {
                    None => Some(if hit { Some(value) } else { *s }),
                    Some(KvOutput::Cas(true)) => hit.then_some(Some(value)),
                    Some(KvOutput::Cas(false)) => (!hit).then_some(*s),
                    Some(_) => None,
                }
            }
            _ => None,
        }
    }
}

/// One operation of a key-value history, as the simulator records it.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::{KvInput, KvOp};
/// let op = KvOp { client: 1, input: KvInput::Get { key: 0 }, output: None, call: 5, ret: u64::MAX };
/// assert!(op.output.is_none()); // timed out: unknown outcome
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KvOp {
    /// The client that issued it.
    pub client: u32,
    /// What it asked.
    pub input: KvInput,
    /// What it got, or `None` if it timed out (unknown outcome).
    pub output: Option<KvOutput>,
    /// Invocation time (virtual ms).
    pub call: u64,
    /// Response time (virtual ms); meaningless when `output` is `None`.
    pub ret: u64,
}

/// A key whose history is not linearizable.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::NotLinearizable;
/// let e = NotLinearizable { key: 4, ops: Vec::new() };
/// assert!(e.to_string().contains("key 4"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotLinearizable {
    /// The key.
    pub key: u64,
    /// Its operations, by call time.
    pub ops: Vec<KvOp>,
}

impl fmt::Display for NotLinearizable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the history of key {} is not linearizable ({} operations):",
            self.key,
            self.ops.len()
        )?;
        for op in &self.ops {
            let ret = if op.output.is_some() {
                op.ret.to_string()
            } else {
                "?".to_string()
            };
            writeln!(
                f,
                "  client {} [{}, {}] {:?} -> {:?}",
                op.client, op.call, ret, op.input, op.output
            )?;
        }
        Ok(())
    }
}

impl core::error::Error for NotLinearizable {}

/// Checks a key-value history key by key (P-compositionality): every key
/// is an independent register. Reads with an unknown outcome constrain
/// nothing and are left out; writes with an unknown outcome stay in.
///
/// The search is exponential in the number of concurrent writes with an
/// unknown outcome, so each key is first checked without those whose value
/// no completed operation observed (no get returned it, no successful
/// compare-and-set expected it). That is sound: such a write never returns,
/// so a linearization of the rest extends to the whole history by placing it
/// last, where any write is legal. Only if that check fails is the full
/// history searched, so the answer is always the full history's.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::linearizability::{check_kv, KvInput, KvOp, KvOutput};
/// let put = |key, value, call, ret| KvOp { client: 1, input: KvInput::Put { key, value }, output: Some(KvOutput::Ok), call, ret };
/// let get = |key, v, call, ret| KvOp { client: 2, input: KvInput::Get { key }, output: Some(KvOutput::Value(v)), call, ret };
/// assert!(check_kv(&[put(0, 1, 0, 10), get(0, Some(1), 5, 6), get(1, None, 5, 6)]).is_ok());
/// ```
///
/// # Errors
/// [`NotLinearizable`] for the first key (in key order) whose history has
/// no linearization.
pub fn check_kv(history: &[KvOp]) -> Result<(), NotLinearizable> {
    let mut by_key: BTreeMap<u64, Vec<KvOp>> = BTreeMap::new();
    for op in history {
        if op.output.is_none() && matches!(op.input, KvInput::Get { .. }) {
            continue;
        }
        by_key.entry(op.input.key()).or_default().push(*op);
    }
    for (key, mut ops) in by_key {
        ops.sort_by_key(|o| (o.call, o.client));
        let part: Vec<Operation<KvInput, KvOutput>> = ops
            .iter()
            .map(|o| Operation {
                input: o.input,
                output: o.output,
                call: o.call,
                ret: o.ret,
            })
            .collect();
        let observed: HashSet<u64> = ops
            .iter()
            .filter_map(|o| match (o.input, o.output) {
                (_, Some(KvOutput::Value(Some(v)))) => Some(v),
                (
                    KvInput::Cas {
                        expect: Some(v), ..
                    },
                    Some(KvOutput::Cas(true)),
                ) => Some(v),
                _ => None,
            })
            .collect();
        let unobserved_unknown = |o: &Operation<KvInput, KvOutput>| {
            o.output.is_none()
                && match o.input {
                    KvInput::Put { value, .. } | KvInput::Cas { value, .. } => {
                        !observed.contains(&value)
                    }
                    KvInput::Get { .. } => false,
                }
        };
        let reduced: Vec<_> = part
            .iter()
            .filter(|o| !unobserved_unknown(o))
            .cloned()
            .collect();
        if reduced.len() < part.len() && check(&KvModel, &reduced) {
            continue;
        }
        if !check(&KvModel, &part) {
            return Err(NotLinearizable { key, ops });
        }
    }
    Ok(())
}
