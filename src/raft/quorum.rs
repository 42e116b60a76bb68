//! Majority counting, in one place: the commit index, the vote tally, the
//! read-index acknowledgements and check-quorum all ask "has a majority of
//! the voters reached this?". A majority of `n` voters is `⌊n/2⌋ + 1`; with
//! no voters nothing is ever reached.

use crate::prelude::*;

/// The number of voters that makes a majority of `voters`: `⌊n/2⌋ + 1`.
pub(crate) fn majority(voters: usize) -> usize {
    voters / 2 + 1
}

/// The highest value that a majority of voters has reached, given one value
/// per voter (match indices give the commit index, acknowledged read
/// rounds the confirmed round); `None` with no voters. A majority holds a
/// value at least this high, and no higher value is held by a majority.
pub(crate) fn committed_index(values: impl Iterator<Item = u64> + Clone) -> Option<u64> {
    let n = values.clone().count();
    if n == 0 {
        return None;
    }
    // Up to 16 voters sort on the stack, so the hot path allocates nothing.
    let mut small = [0u64; 16];
    let mut big = Vec::new();
    let m: &mut [u64] = if n <= small.len() {
        &mut small[..n]
    } else {
        big.resize(n, 0);
        &mut big
    };
    for (slot, v) in m.iter_mut().zip(values) {
        *slot = v;
    }
    m.sort_unstable_by(|a, b| b.cmp(a));
    Some(m[majority(n) - 1])
}

/// The outcome of an election so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VoteResult {
    /// Neither side has a majority yet.
    Pending,
    /// A majority granted the vote.
    Won,
    /// A majority refused it: the election cannot be won.
    Lost,
}

/// Tallies one answer per voter: `Some(true)` granted, `Some(false)`
/// refused, `None` not heard from.
pub(crate) fn vote_result(votes: impl Iterator<Item = Option<bool>>) -> VoteResult {
    let (mut n, mut granted, mut refused) = (0, 0, 0);
    for v in votes {
        n += 1;
        match v {
            Some(true) => granted += 1,
            Some(false) => refused += 1,
            None => {}
        }
    }
    let q = majority(n);
    if granted >= q {
        VoteResult::Won
    } else if refused >= q {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

/// Whether a majority of voters is marked, given one mark per voter (for
/// check-quorum: heard from since the last check).
pub(crate) fn has_majority(marks: impl Iterator<Item = bool>) -> bool {
    let (mut n, mut marked) = (0, 0);
    for m in marks {
        n += 1;
        marked += usize::from(m);
    }
    marked >= majority(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_majority_is_more_than_half() {
        let sizes: Vec<usize> = (0..=6).map(majority).collect();
        assert_eq!(sizes, [1, 1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn the_committed_index_is_the_one_a_majority_holds() {
        assert_eq!(committed_index([].into_iter()), None);
        assert_eq!(committed_index([5].into_iter()), Some(5));
        assert_eq!(committed_index([5, 1].into_iter()), Some(1));
        assert_eq!(committed_index([1, 9, 5].into_iter()), Some(5));
        assert_eq!(committed_index([2, 9, 5, 7].into_iter()), Some(5));
        assert_eq!(committed_index([0, 0, 3, 3, 3].into_iter()), Some(3));
        // More voters than the stack buffer holds.
        let many: Vec<u64> = (1..=21).collect();
        assert_eq!(committed_index(many.iter().copied()), Some(11));
    }

    #[test]
    fn the_committed_index_agrees_with_counting_by_hand() {
        for n in 1..=20usize {
            let values: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 13).collect();
            let got = committed_index(values.iter().copied()).unwrap();
            let holding = |x: u64| values.iter().filter(|&&v| v >= x).count();
            assert!(holding(got) >= majority(n), "{values:?}");
            assert!(holding(got + 1) < majority(n), "{values:?}");
        }
    }

    #[test]
    fn votes_are_won_lost_or_pending() {
        use VoteResult::*;
        assert_eq!(vote_result([].into_iter()), Pending);
        assert_eq!(vote_result([Some(true)].into_iter()), Won);
        assert_eq!(vote_result([Some(false)].into_iter()), Lost);
        assert_eq!(vote_result([Some(true), None, None].into_iter()), Pending);
        assert_eq!(vote_result([Some(true), Some(true), None].into_iter()), Won);
        assert_eq!(
            vote_result([Some(true), Some(false), Some(false)].into_iter()),
            Lost
        );
        // Four voters: two is not a majority either way.
        assert_eq!(
            vote_result([Some(true), Some(true), Some(false), Some(false)].into_iter()),
            Pending
        );
    }

    #[test]
    fn check_quorum_needs_a_majority_marked() {
        assert!(!has_majority([].into_iter()));
        assert!(has_majority([true].into_iter()));
        assert!(!has_majority([true, false].into_iter()));
        assert!(has_majority([true, false, true].into_iter()));
        assert!(!has_majority([true, false, true, false].into_iter()));
    }
}
