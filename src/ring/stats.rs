//! Load statistics shared by every placement algorithm.

use crate::prelude::*;
/// How evenly load is spread over the nodes.
///
/// `shares[i]` is node `i`'s fraction of the load (arc length, table entries
/// or sampled keys); it is indexed by node index like every owner the module
/// returns, with `0.0` for indices that hold no node. The summary figures are
/// taken over the live nodes only.
///
/// # Examples
/// ```
/// use quorumkit::ring::LoadStats;
/// let s = LoadStats::from_counts(&[30, 10, 20], &[1.0, 1.0, 1.0]);
/// assert_eq!(s.nodes, 3);
/// assert!((s.peak_to_mean - 1.5).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LoadStats {
    /// Each node's share of the load, indexed by node index; shares sum to 1.
    pub shares: Vec<f64>,
    /// How many live nodes the figures cover.
    pub nodes: u32,
    /// Mean share over live nodes (`1 / nodes`).
    pub mean: f64,
    /// The largest share.
    pub peak: f64,
    /// The smallest share.
    pub min: f64,
    /// `peak / mean`: 1.0 is perfect balance.
    pub peak_to_mean: f64,
    /// Population standard deviation of the shares.
    pub std_dev: f64,
    /// The largest ratio of a node's share to its fair share by weight
    /// (`weight / total weight`); equals `peak_to_mean` when weights are equal.
    pub peak_over_fair: f64,
}

impl LoadStats {
    /// Summarises per-node loads; `weights[i] <= 0` (or not finite) marks index
    /// `i` as holding no node.
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::LoadStats;
    /// // Index 1 holds no node.
    /// let s = LoadStats::from_counts(&[5, 0, 5], &[1.0, 0.0, 1.0]);
    /// assert_eq!(s.nodes, 2);
    /// assert_eq!(s.peak_to_mean, 1.0);
    /// ```
    pub fn from_counts(counts: &[u64], weights: &[f64]) -> LoadStats {
        let loads: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
        LoadStats::from_loads(&loads, weights)
    }

    /// Like [`LoadStats::from_counts`] with fractional loads (arc lengths).
    ///
    /// # Examples
    /// ```
    /// use quorumkit::ring::LoadStats;
    /// let s = LoadStats::from_loads(&[0.25, 0.75], &[1.0, 3.0]);
    /// assert_eq!(s.peak_to_mean, 1.5);
    /// assert!((s.peak_over_fair - 1.0).abs() < 1e-12);
    /// ```
    pub fn from_loads(loads: &[f64], weights: &[f64]) -> LoadStats {
        let live = |i: usize| weights.get(i).is_some_and(|w| w.is_finite() && *w > 0.0);
        let total: f64 = (0..loads.len())
            .filter(|&i| live(i))
            .map(|i| loads[i])
            .sum();
        let total_weight: f64 = (0..loads.len())
            .filter(|&i| live(i))
            .map(|i| weights[i])
            .sum();
        let shares: Vec<f64> = (0..loads.len())
            .map(|i| {
                if live(i) && total > 0.0 {
                    loads[i] / total
                } else {
                    0.0
                }
            })
            .collect();
        let nodes = (0..loads.len()).filter(|&i| live(i)).count();
        if nodes == 0 {
            return LoadStats {
                shares,
                nodes: 0,
                mean: 0.0,
                peak: 0.0,
                min: 0.0,
                peak_to_mean: 0.0,
                std_dev: 0.0,
                peak_over_fair: 0.0,
            };
        }
        let mean = 1.0 / nodes as f64;
        let (mut peak, mut min, mut var, mut over) = (f64::MIN, f64::MAX, 0.0, 0.0f64);
        for i in (0..shares.len()).filter(|&i| live(i)) {
            let s = shares[i];
            peak = peak.max(s);
            min = min.min(s);
            var += (s - mean) * (s - mean);
            over = over.max(s / (weights[i] / total_weight));
        }
        LoadStats {
            shares,
            nodes: nodes as u32,
            mean,
            peak,
            min,
            peak_to_mean: peak / mean,
            std_dev: (var / nodes as f64).sqrt(),
            peak_over_fair: over,
        }
    }
}
