//! The bucket index of a ring's sorted positions: a lookup reads the points
//! of one bucket instead of binary-searching the whole ring.

use crate::prelude::*;

/// At most 2^21 buckets (8 MiB of index), reached at half a million points.
const MAX_BUCKET_BITS: u32 = 21;

/// The points per bucket a lookup compares without a branch; a key whose
/// bucket holds more binary-searches the bucket instead.
const COMPARED: usize = 2;

/// Bucket `b` holds the points whose top bits equal `b`. There are two to
/// four buckets per point (the power of two above twice the point count), so
/// on an evenly spread ring most buckets hold no point or one, and fewer
/// than 2% of keys land in a bucket of more than two.
///
/// A lookup takes `h`'s bucket and counts the bucket's points below `h`:
/// the points are sorted, so that count is the answer's offset in the
/// bucket. A bucket of up to [`COMPARED`] points is counted by that many
/// comparisons, with no branch that depends on the key; a fuller one by a
/// binary search of the bucket. Rebuilt whenever the points change; 4 bytes
/// per bucket.
#[derive(Debug, Clone, Default)]
pub(crate) struct Buckets {
    /// `starts[b]` is the first point whose top bits are at least `b`: one
    /// entry per bucket, then the point count.
    starts: Vec<u32>,
    /// Position width minus the bucket bits.
    shift: u32,
}

impl Buckets {
    /// The index of sorted `positions` that are `width` (32 or 64) bits wide.
    pub(crate) fn new<P: Copy + Into<u64>>(positions: &[P], width: u32) -> Buckets {
        let n = positions.len();
        let bits = (usize::BITS - n.leading_zeros() + 1).clamp(1, MAX_BUCKET_BITS);
        let shift = width - bits;
        let buckets = 1u64 << bits;
        let mut starts = Vec::with_capacity(buckets as usize + 1);
        let mut i = 0usize;
        for b in 0..=buckets {
            while i < n && (positions[i].into() >> shift) < b {
                i += 1;
            }
            starts.push(i as u32);
        }
        Buckets { starts, shift }
    }

    /// The first point at or after `h`, wrapping to index 0 past the last
    /// one; `positions` must be the ones the index was built from.
    #[inline]
    pub(crate) fn successor<P: Ord + Copy + Into<u64>>(&self, positions: &[P], h: P) -> usize {
        let b = (h.into() >> self.shift) as usize;
        let (Some(&lo), Some(&hi)) = (self.starts.get(b), self.starts.get(b + 1)) else {
            return wrap(positions.partition_point(|&p| p < h), positions.len());
        };
        let (lo, hi) = (lo as usize, hi as usize);
        let i = if hi - lo <= COMPARED {
            let below = |j: usize| usize::from((j < hi) & positions.get(j).is_some_and(|&p| p < h));
            lo + (lo..lo + COMPARED).map(below).sum::<usize>()
        } else {
            match positions.get(lo..hi) {
                Some(bucket) => lo + bucket.partition_point(|&p| p < h),
                None => positions.partition_point(|&p| p < h),
            }
        };
        wrap(i, positions.len())
    }
}

/// Index `i` of `n` points, with `n` (past the last point) wrapping to 0.
#[inline]
fn wrap(i: usize, n: usize) -> usize {
    if i == n {
        0
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: a binary search of the whole ring.
    fn successor<P: Ord + Copy>(positions: &[P], h: P) -> usize {
        wrap(positions.partition_point(|&p| p < h), positions.len())
    }

    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// Every key in `probes`, each point's own position and its neighbours
    /// give the binary search's answer; `P` is 32 or 64 bits wide.
    fn check<P: Ord + Copy + Into<u64> + TryFrom<u64>>(positions: &[P], probes: &[P]) {
        let width = 8 * core::mem::size_of::<P>() as u32;
        let index = Buckets::new(positions, width);
        let nudge = |p: P, by: fn(u64, u64) -> Option<u64>| {
            by(p.into(), 1).and_then(|v| P::try_from(v).ok())
        };
        let around = positions
            .iter()
            .flat_map(|&p| {
                [
                    Some(p),
                    nudge(p, u64::checked_sub),
                    nudge(p, u64::checked_add),
                ]
            })
            .flatten();
        for h in probes.iter().copied().chain(around) {
            assert_eq!(
                index.successor(positions, h),
                successor(positions, h),
                "{}",
                h.into()
            );
        }
    }

    #[test]
    fn random_rings_of_every_size_agree_with_binary_search() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for n in [1usize, 2, 3, 7, 100, 1000, 4097] {
            let mut p64: Vec<u64> = (0..n).map(|_| next()).collect();
            p64.sort_unstable();
            let mut p32: Vec<u32> = p64.iter().map(|&v| (v >> 32) as u32).collect();
            p32.sort_unstable();
            let probes: Vec<u64> = (0..2000).map(|_| next()).chain([0, u64::MAX]).collect();
            let probes32: Vec<u32> = probes.iter().map(|&h| (h >> 32) as u32).collect();
            check(&p64, &probes);
            check(&p32, &probes32);
        }
    }

    #[test]
    fn keys_past_the_last_point_wrap_to_the_first() {
        let positions = [10u64, 1 << 40, u64::MAX - 5];
        let index = Buckets::new(&positions, 64);
        assert_eq!(index.successor(&positions, u64::MAX - 4), 0);
        assert_eq!(index.successor(&positions, u64::MAX), 0);
        assert_eq!(index.successor(&positions, u64::MAX - 5), 2);
        assert_eq!(index.successor(&positions, 0), 0);
        check(&positions, &[0, 11, u64::MAX]);
    }

    #[test]
    fn a_point_at_the_top_of_the_circle() {
        check(&[0, u64::MAX], &[0, 1, u64::MAX]);
        check(&[u32::MAX], &[0, 1, u32::MAX]);
        check(&[0], &[0, 1, u32::MAX]);
    }

    #[test]
    fn one_point_and_empty_buckets() {
        // One point: every other bucket is empty, on both sides of it.
        for p in [0u32, 1, 0x8000_0000, u32::MAX - 1] {
            check(&[p], &[0, 0x4000_0000, 0xC000_0000, u32::MAX]);
        }
        // All points in one bucket, the rest empty.
        let crowded: Vec<u64> = (0..6).map(|i| (7u64 << 60) + i * 3).collect();
        check(&crowded, &[0, 7 << 60, (7 << 60) + 4, 8 << 60, u64::MAX]);
    }

    #[test]
    fn equal_positions_give_the_first_of_them() {
        // Ties within the compared limit, and a bucket too full to compare.
        let few = [5u32, 9, 9, 9, 200];
        assert_eq!(Buckets::new(&few, 32).successor(&few, 9), 1);
        check(&few, &[0, 8, 10, u32::MAX]);
        let mut many = vec![3u32 << 28; 40];
        many.extend([1, 2, u32::MAX]);
        many.sort_unstable();
        let index = Buckets::new(&many, 32);
        assert_eq!(index.successor(&many, 3 << 28), 2);
        check(&many, &[0, (3 << 28) - 1, (3 << 28) + 1, u32::MAX]);
    }

    #[test]
    fn an_index_of_no_points_falls_back_to_the_search() {
        let index = Buckets::new::<u64>(&[], 64);
        assert_eq!(index.successor::<u64>(&[], 7), 0);
        // A default (never built) index sends every key to the binary search.
        let positions = [1u64, 2, 3];
        assert_eq!(Buckets::default().successor(&positions, 2), 1);
    }
}
