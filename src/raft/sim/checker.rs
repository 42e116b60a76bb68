//! The invariant checker: Raft's safety properties, checked incrementally
//! over the whole history of a simulated run.

use crate::prelude::*;
use alloc::collections::BTreeMap;
use core::fmt;
use hashbrown::HashMap;

use crate::raft::types::{Entry, NodeId};

/// Which property a [`Violation`] breaks.
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::Rule;
/// assert_eq!(Rule::ElectionSafety.name(), "Election Safety");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// At most one leader per term, ever.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log.
    LeaderAppendOnly,
    /// Two logs with an entry of the same index and term agree on every
    /// entry up to it.
    LogMatching,
    /// A committed entry is in the log of every leader of a later term.
    LeaderCompleteness,
    /// No two nodes apply different entries at the same index.
    StateMachineSafety,
    /// A committed entry never changes or vanishes from a node that
    /// committed it.
    CommittedStable,
    /// A node's term never decreases.
    TermMonotonic,
    /// A node's commit index never decreases.
    CommitMonotonic,
    /// A node applies entries in index order, without gaps.
    ApplyInOrder,
    /// After the faults heal, a leader is elected and every live node
    /// applies everything committed, within the bound.
    Liveness,
}

impl Rule {
    /// The property's name as the paper spells it.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(quorumkit::raft::sim::Rule::LogMatching.name(), "Log Matching");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Rule::ElectionSafety => "Election Safety",
            Rule::LeaderAppendOnly => "Leader Append-Only",
            Rule::LogMatching => "Log Matching",
            Rule::LeaderCompleteness => "Leader Completeness",
            Rule::StateMachineSafety => "State Machine Safety",
            Rule::CommittedStable => "Committed entries never change",
            Rule::TermMonotonic => "Term never decreases",
            Rule::CommitMonotonic => "Commit index never decreases",
            Rule::ApplyInOrder => "In-order apply",
            Rule::Liveness => "Liveness",
        }
    }
}

/// A broken invariant: what, where and when, plus every node's state.
///
/// Its `Display` is a readable report (seed, step, virtual time, the
/// detail, then each node's role, term, vote, commit and log).
///
/// # Examples
/// ```
/// use quorumkit::raft::sim::{Rule, Violation};
/// let v = Violation { rule: Rule::Liveness, seed: 7, step: 3, time: 100,
///     detail: "no leader".into(), nodes: String::new() };
/// assert!(v.to_string().contains("seed 7"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property broken.
    pub rule: Rule,
    /// The run's seed.
    pub seed: u64,
    /// How many events the run had processed.
    pub step: u64,
    /// Virtual time, in ms.
    pub time: u64,
    /// What exactly went wrong.
    pub detail: String,
    /// Every node's state and log at that moment, one per line.
    pub nodes: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "raft invariant violated: {}", self.rule.name())?;
        writeln!(
            f,
            "  seed {}, step {}, time {} ms",
            self.seed, self.step, self.time
        )?;
        writeln!(f, "  {}", self.detail)?;
        write!(f, "{}", self.nodes)
    }
}

impl core::error::Error for Violation {}

/// A fingerprint of an entry and everything before it in its log: equal
/// fingerprints at an index mean equal log prefixes.
pub(crate) fn chain(prev: u64, e: &Entry) -> u64 {
    let d = crate::hash::xxh3_64(&e.data);
    let mut x = prev
        ^ e.term.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ e.index.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ d.rotate_left(17)
        ^ u64::from(e.kind == crate::raft::EntryKind::ConfChange);
    // splitmix64 finalizer
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The fingerprints (and terms) of one node's persisted log, from its
/// snapshot on: `base` stands for everything up to `offset`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chain {
    offset: u64,
    base: u64,
    ents: Vec<(u64, u64)>,
}

impl Chain {
    /// The fingerprint at `index`, if at or after the snapshot and stored.
    pub(crate) fn get(&self, index: u64) -> Option<u64> {
        if index == self.offset {
            return Some(self.base);
        }
        let k = usize::try_from(index.checked_sub(self.offset + 1)?).ok()?;
        self.ents.get(k).map(|e| e.0)
    }

    fn term(&self, index: u64) -> Option<u64> {
        let k = usize::try_from(index.checked_sub(self.offset + 1)?).ok()?;
        self.ents.get(k).map(|e| e.1)
    }

    pub(crate) fn last_index(&self) -> u64 {
        self.offset + self.ents.len() as u64
    }

    /// Replaces everything from `entries[0].index` on by `entries`.
    pub(crate) fn append(&mut self, entries: &[Entry]) {
        let Some(first) = entries.first() else {
            return;
        };
        let keep = first.index.saturating_sub(self.offset + 1) as usize;
        self.ents.truncate(keep);
        for e in entries {
            let prev = self.ents.last().map_or(self.base, |x| x.0);
            self.ents.push((chain(prev, e), e.term));
        }
    }

    /// A snapshot at `index` with fingerprint `fp`: keeps the suffix if
    /// the chain agrees at `index`, else starts over from it.
    pub(crate) fn snapshot(&mut self, index: u64, fp: u64) {
        if self.get(index) == Some(fp) && index >= self.offset {
            let n = (index - self.offset) as usize;
            self.ents.drain(..n.min(self.ents.len()));
        } else {
            self.ents.clear();
        }
        self.offset = index;
        self.base = fp;
    }
}

/// What the checker remembers about the whole history.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checker {
    /// term -> the node that led it.
    leaders: BTreeMap<u64, NodeId>,
    /// Fingerprints of the committed prefix, index i at i - 1, with the
    /// term of each entry.
    committed: Vec<(u64, u64)>,
    /// For each committed index, the term in which it became committed, as
    /// far as the history shows: the term of the first node that reported
    /// it committed (never below the committing leader's term). Non-decreasing.
    commit_terms: Vec<u64>,
    /// (index, term) -> fingerprint, for every entry ever stored.
    seen: HashMap<(u64, u64), u64>,
    /// Fingerprint of the entry applied at each index.
    applied: Vec<u64>,
    /// Per node: highest term and commit ever seen.
    last_term: Vec<u64>,
    last_commit: Vec<u64>,
}

/// One failed check, before it is dressed as a [`Violation`].
pub(crate) type Fail = (Rule, String);

impl Checker {
    pub(crate) fn new(nodes: usize) -> Checker {
        Checker {
            last_term: vec![0; nodes],
            last_commit: vec![0; nodes],
            ..Checker::default()
        }
    }

    /// A node became leader of `term`; `chain` is its log's fingerprints.
    pub(crate) fn on_leader(&mut self, node: NodeId, term: u64, chain: &Chain) -> Result<(), Fail> {
        if let Some(&other) = self.leaders.get(&term) {
            if other != node {
                return Err((
                    Rule::ElectionSafety,
                    format!("nodes {other} and {node} were both leader in term {term}"),
                ));
            }
        }
        self.leaders.insert(term, node);
        self.check_contains_committed(node, term, chain)
    }

    /// Leader Completeness for a leader of `term`: it must hold every entry
    /// committed in an earlier term. An entry committed in `term` or later
    /// is not its concern: a candidate can still win an older term with a
    /// delayed vote after a newer leader has committed more.
    fn check_contains_committed(&self, node: NodeId, term: u64, chain: &Chain) -> Result<(), Fail> {
        let c = self.commit_terms.partition_point(|&t| t < term);
        if c == 0 {
            return Ok(());
        }
        if chain.get(c as u64) != Some(self.committed[c - 1].0) {
            return Err((
                Rule::LeaderCompleteness,
                format!(
                    "leader {node} of term {term} lacks committed entries up to index {c} \
                     (its log ends at {})",
                    chain.last_index()
                ),
            ));
        }
        Ok(())
    }

    /// A node installed a snapshot at `index` whose state fingerprint is
    /// `fp`: it must be the committed prefix.
    pub(crate) fn on_snapshot(&self, node: NodeId, index: u64, fp: u64) -> Result<(), Fail> {
        let k = usize::try_from(index).unwrap_or(usize::MAX);
        match self.committed.get(k.wrapping_sub(1)) {
            Some(&(h, _)) if h == fp => Ok(()),
            _ if index == 0 => Ok(()),
            _ => Err((
                Rule::StateMachineSafety,
                format!(
                    "node {node} installed a snapshot at index {index} that is not the \
                     committed prefix (committed up to {})",
                    self.committed.len()
                ),
            )),
        }
    }

    /// A node stored `entries` (first index `first`), replacing its entries
    /// from `first` on. `was_leader` is its leader term if it led before and
    /// after the change; `commit` its commit index before the append.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_append(
        &mut self,
        node: NodeId,
        old_last: u64,
        first: u64,
        entries: &[Entry],
        chain: &Chain,
        was_leader: Option<u64>,
        commit: u64,
    ) -> Result<(), Fail> {
        if first <= old_last {
            if let Some(term) = was_leader {
                return Err((
                    Rule::LeaderAppendOnly,
                    format!(
                        "leader {node} of term {term} overwrote its entries from index {first} \
                         (log ended at {old_last})"
                    ),
                ));
            }
            if first <= commit {
                return Err((
                    Rule::CommittedStable,
                    format!(
                        "node {node} overwrote committed entry {first} (commit index {commit})"
                    ),
                ));
            }
        }
        for e in entries {
            let h = chain.get(e.index).unwrap_or(0);
            match self.seen.get(&(e.index, e.term)) {
                Some(&prev) if prev != h => {
                    return Err((
                        Rule::LogMatching,
                        format!(
                            "node {node} holds entry {}@term {} whose preceding log differs \
                             from another node's entry with the same index and term",
                            e.index, e.term
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    self.seen.insert((e.index, e.term), h);
                }
            }
        }
        Ok(())
    }

    /// A node's persisted term and commit are now `term` and `commit`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_hard_state(
        &mut self,
        i: usize,
        node: NodeId,
        term: u64,
        commit: u64,
        chain: &Chain,
        leaders: &[(NodeId, u64, &Chain)],
    ) -> Result<(), Fail> {
        if term < self.last_term[i] {
            return Err((
                Rule::TermMonotonic,
                format!(
                    "node {node}'s term went from {} to {term}",
                    self.last_term[i]
                ),
            ));
        }
        self.last_term[i] = term;
        if commit < self.last_commit[i] {
            return Err((
                Rule::CommitMonotonic,
                format!(
                    "node {node}'s commit index went from {} to {commit}",
                    self.last_commit[i]
                ),
            ));
        }
        if commit == self.last_commit[i] {
            return Ok(());
        }
        self.last_commit[i] = commit;
        let c = commit as usize;
        if chain.last_index() < commit {
            return Err((
                Rule::CommittedStable,
                format!(
                    "node {node} commits {commit} but its log ends at {}",
                    chain.last_index()
                ),
            ));
        }
        let known = self.committed.len();
        let check_at = c.min(known);
        if check_at > 0 && chain.get(check_at as u64) != Some(self.committed[check_at - 1].0) {
            return Err((
                Rule::CommittedStable,
                format!(
                    "node {node} commits a log that differs from the committed log at or \
                     before index {check_at}"
                ),
            ));
        }
        if c > known {
            // The first node to commit these: extend the committed prefix.
            // `leaders` gives each live leader's term and fingerprints.
            let commit_term = term.max(self.commit_terms.last().copied().unwrap_or(0));
            for k in known as u64 + 1..=commit {
                let (Some(h), Some(t)) = (chain.get(k), chain.term(k)) else {
                    return Err((
                        Rule::CommittedStable,
                        format!("node {node} commits index {k}, which it no longer holds"),
                    ));
                };
                self.committed.push((h, t));
                self.commit_terms.push(commit_term);
            }
            for &(l, lterm, lchain) in leaders {
                if lterm > commit_term {
                    self.check_contains_committed(l, lterm, lchain)?;
                }
            }
        }
        Ok(())
    }

    /// A node applied `entries`, whose fingerprints are `chain[index - 1]`;
    /// `prev_applied` is what it had applied before.
    pub(crate) fn on_apply(
        &mut self,
        node: NodeId,
        prev_applied: u64,
        entries: &[Entry],
        chain: &Chain,
    ) -> Result<(), Fail> {
        for (expect, e) in (prev_applied + 1..).zip(entries) {
            if e.index != expect {
                return Err((
                    Rule::ApplyInOrder,
                    format!("node {node} applied index {} after {}", e.index, expect - 1),
                ));
            }
            let k = (e.index - 1) as usize;
            let h = chain.get(e.index).unwrap_or(0);
            match self.applied.get(k) {
                Some(&prev) if prev != h => {
                    return Err((
                        Rule::StateMachineSafety,
                        format!(
                            "node {node} applied a different entry at index {} \
                             (term {}) than another node did",
                            e.index, e.term
                        ),
                    ));
                }
                Some(_) => {}
                None => self.applied.push(h),
            }
        }
        Ok(())
    }

    /// The highest committed index any node ever reported.
    pub(crate) fn max_commit(&self) -> u64 {
        self.committed.len() as u64
    }
}

/// The simulator's side of the checker: what it passes in, and the report
/// of a failed check.
impl super::Cluster {
    pub(super) fn checker_hard_state(
        &mut self,
        i: usize,
        term: u64,
        commit: u64,
    ) -> Result<(), Fail> {
        let leaders: Vec<(NodeId, u64, &Chain)> = self
            .nodes
            .iter()
            .filter_map(|n| {
                let r = n.raft.as_ref()?;
                (r.role() == crate::raft::Role::Leader).then_some((r.id(), r.term(), &n.chain))
            })
            .collect();
        let node = &self.nodes[i];
        self.checker
            .on_hard_state(i, i as NodeId + 1, term, commit, &node.chain, &leaders)
    }

    /// Records a failed check; returns whether the run may go on.
    pub(super) fn check(&mut self, r: Result<(), Fail>) -> bool {
        match r {
            Ok(()) => true,
            Err(f) => {
                self.fail(f);
                false
            }
        }
    }

    pub(super) fn fail(&mut self, (rule, detail): Fail) {
        if self.violation.is_none() {
            self.violation = Some(self.make_violation(rule, detail));
        }
    }

    pub(super) fn make_violation(&self, rule: Rule, detail: String) -> Violation {
        let mut nodes = String::new();
        for id in 1..=self.nodes.len() as NodeId {
            let Some(s) = self.node_state(id) else {
                continue;
            };
            let skip = s.log.len().saturating_sub(40);
            let mut log = String::new();
            if skip > 0 {
                log.push_str(&format!("[{skip} earlier] "));
            }
            if s.snapshot_index > 0 {
                log.push_str(&format!("[snapshot at {}] ", s.snapshot_index));
            }
            for e in &s.log[skip..] {
                log.push_str(&format!("{}:{} ", e.index, e.term));
            }
            if let Some(r) = self.node(id) {
                let c = r.conf_state();
                log.push_str(&format!(
                    "(voters {:?}, learners {:?}) ",
                    c.voters, c.learners
                ));
            }
            nodes.push_str(&format!(
                "  node {id} ({}, {}, term {}, vote {}, commit {}, applied {}): log (index:term) {}\n",
                if s.up { "up" } else { "down" },
                s.role.name(),
                s.term,
                s.vote,
                s.commit,
                s.applied,
                log.trim_end()
            ));
        }
        Violation {
            rule,
            seed: self.cfg.seed,
            step: self.steps,
            time: self.now,
            detail,
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[u64]) -> (Vec<Entry>, Chain) {
        let ents: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(i, &t)| Entry::new(t, i as u64 + 1, vec![i as u8]))
            .collect();
        let mut ch = Chain::default();
        ch.append(&ents);
        (ents, ch)
    }

    #[test]
    fn a_stale_term_leader_need_not_hold_entries_committed_in_a_later_term() {
        // Seed 77290 of the long randomized run: node 3 led term 6 and
        // committed 8:6; then a delayed term-5 vote made node 1 leader of
        // term 5 with 8:5. That is legal Raft; only later terms are bound.
        let mut c = Checker::new(3);
        let (_, newer) = log(&[1, 1, 3, 6]);
        let (_, stale) = log(&[1, 1, 3, 5]);
        c.on_leader(3, 6, &newer).unwrap();
        c.on_hard_state(2, 3, 6, 4, &newer, &[]).unwrap();
        c.on_leader(1, 5, &stale).unwrap();
        // A leader of a later term must hold it.
        assert_eq!(
            c.on_leader(1, 7, &stale).unwrap_err().0,
            Rule::LeaderCompleteness
        );
    }

    #[test]
    fn two_leaders_in_a_term_break_election_safety() {
        let mut c = Checker::new(3);
        let e = Chain::default();
        c.on_leader(1, 2, &e).unwrap();
        c.on_leader(1, 2, &e).unwrap();
        assert_eq!(c.on_leader(2, 2, &e).unwrap_err().0, Rule::ElectionSafety);
    }

    #[test]
    fn same_index_and_term_with_other_prefix_breaks_log_matching() {
        let mut c = Checker::new(2);
        let (a, ca) = log(&[1, 2]);
        let (mut b, _) = log(&[1, 2]);
        b[0].data = vec![9].into();
        let mut cb = Chain::default();
        cb.append(&b);
        c.on_append(1, 0, 1, &a, &ca, None, 0).unwrap();
        let err = c.on_append(2, 0, 1, &b, &cb, None, 0).unwrap_err();
        assert_eq!(err.0, Rule::LogMatching);
    }

    #[test]
    fn overwrites_by_leaders_or_below_commit_are_caught() {
        let mut c = Checker::new(2);
        let (a, ca) = log(&[1, 1]);
        let err = c.on_append(1, 2, 2, &a[1..], &ca, Some(1), 0).unwrap_err();
        assert_eq!(err.0, Rule::LeaderAppendOnly);
        let err = c.on_append(1, 2, 2, &a[1..], &ca, None, 2).unwrap_err();
        assert_eq!(err.0, Rule::CommittedStable);
    }

    #[test]
    fn commits_must_agree_and_never_decrease() {
        let mut c = Checker::new(2);
        let (a, ca) = log(&[1, 1, 2]);
        let (b, cb) = log(&[1, 3, 3]);
        let _ = (&a, &b);
        c.on_hard_state(0, 1, 2, 2, &ca, &[]).unwrap();
        let err = c.on_hard_state(1, 2, 3, 2, &cb, &[]).unwrap_err();
        assert_eq!(err.0, Rule::CommittedStable);
        assert_eq!(
            c.on_hard_state(0, 1, 2, 1, &ca, &[]).unwrap_err().0,
            Rule::CommitMonotonic
        );
        assert_eq!(
            c.on_hard_state(0, 1, 1, 2, &ca, &[]).unwrap_err().0,
            Rule::TermMonotonic
        );
        // A leader of a later term that lacks the committed prefix.
        let err = c.on_leader(2, 3, &cb).unwrap_err();
        assert_eq!(err.0, Rule::LeaderCompleteness);
        // A newly committed entry that a later-term leader lacks.
        let mut c = Checker::new(2);
        let (_, cx) = log(&[1]);
        let empty = Chain::default();
        let err = c
            .on_hard_state(0, 1, 1, 1, &cx, &[(2, 5, &empty)])
            .unwrap_err();
        assert_eq!(err.0, Rule::LeaderCompleteness);
    }

    #[test]
    fn applies_must_agree_and_be_in_order() {
        let mut c = Checker::new(2);
        let (a, ca) = log(&[1, 1]);
        let (b, cb) = log(&[1, 2]);
        c.on_apply(1, 0, &a, &ca).unwrap();
        assert_eq!(
            c.on_apply(2, 0, &b, &cb).unwrap_err().0,
            Rule::StateMachineSafety
        );
        assert_eq!(
            c.on_apply(2, 0, &a[1..], &ca).unwrap_err().0,
            Rule::ApplyInOrder
        );
    }
}
