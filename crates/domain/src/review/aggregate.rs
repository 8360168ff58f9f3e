//! Score aggregation (汇总) for the programme office: per application the mean, the trimmed
//! mean (去掉一个最高分和一个最低分), the expert-normalised score, the spread and a
//! disagreement flag, and the rank; per expert the leniency statistics; and the distribution of
//! the selection by province or institution type.
//!
//! Input is the totals of *submitted* reviews ([`super::rubric::Rubric::total`]), one per
//! (application, expert) — the latest version when a correction was allowed; a duplicate pair
//! counts as two reviews. Totals are assumed finite.
//!
//! **Normalisation.** Experts differ in leniency, so each review is also expressed as a z-score
//! within its expert: (total − the expert's mean) / the expert's population standard deviation,
//! over all of that expert's reviews in the input. An expert with a single review, or whose
//! totals are all equal, carries no information about relative quality and contributes 0.0.
//! An application's `normalized` is the mean z-score of its reviews.
//!
//! **Ranking.** Competition ranking ("1224"): by trimmed mean, highest first; equal trimmed
//! means by `normalized`, highest first; equal on both share a rank and the next rank skips.
//! Applications without a review get no rank and come last.
//!
//! **Rounding.** Every statistic is first snapped to 9 decimals, which removes floating-point
//! noise (`(70.0 + 70.02) / 2` is `70.00999999999999`) so that equal values compare equal; ranks
//! and the disagreement flag use the snapped values; the displayed values round those to 2
//! decimals (z-based ones to 3). So two applications share a rank exactly when they agree to 6
//! decimals, and tied applications always display the same numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The total of one submitted review.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewScore {
    pub application: i64,
    pub expert: i64,
    /// The weighted total, 0–100.
    pub total: f64,
}

/// The statistics of one application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppStats {
    pub application: i64,
    /// Number of submitted reviews. With 0 every statistic below is 0.0 and `rank` is `None`.
    pub reviews: usize,
    /// Mean of the totals, 2 decimals.
    pub mean: f64,
    /// Mean without one highest and one lowest total when there are ≥ 3 reviews (else the
    /// mean), 2 decimals.
    pub trimmed_mean: f64,
    /// Mean of the reviews' per-expert z-scores, 3 decimals.
    pub normalized: f64,
    /// Competition rank (1 is best); `None` without reviews.
    pub rank: Option<usize>,
    /// Population standard deviation of the totals, 2 decimals.
    pub stddev: f64,
    /// Highest − lowest total, 2 decimals.
    pub range: f64,
    /// At least 2 reviews and `range` above the disagreement threshold (意见分歧).
    pub flagged: bool,
}

/// The statistics of one expert's submitted reviews (how lenient or severe, how spread).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpertStats {
    pub expert: i64,
    pub reviews: usize,
    /// 2 decimals, as are the others.
    pub mean: f64,
    /// Population standard deviation.
    pub stddev: f64,
    pub min: f64,
    pub max: f64,
}

/// The whole aggregation of a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    /// By rank (unranked last), then by application id.
    pub applications: Vec<AppStats>,
    /// By expert id.
    pub experts: Vec<ExpertStats>,
}

/// Rounds to `places` decimals (half away from zero).
fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Snaps to 9 decimals (floating-point noise here is around 1e-13): what ranks and flags
/// compare.
fn snap(x: f64) -> f64 {
    round_to(x, 9)
}

/// Sum in ascending order, so the same multiset of values always gives the same sum.
fn sorted_sum(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.iter().sum()
}

/// Mean, population standard deviation, min and max of a non-empty list.
struct Summary {
    n: usize,
    mean: f64,
    stddev: f64,
    min: f64,
    max: f64,
}

impl Summary {
    fn of(values: &[f64]) -> Self {
        debug_assert!(!values.is_empty());
        let mut v = values.to_vec();
        let n = v.len();
        let mean = sorted_sum(&mut v) / n as f64;
        let mut sq: Vec<f64> = v.iter().map(|x| (x - mean) * (x - mean)).collect();
        let stddev = (sorted_sum(&mut sq) / n as f64).sqrt();
        Self {
            n,
            mean,
            stddev,
            min: v[0],
            max: v[n - 1],
        }
    }

    /// Whether every value is the same (exactly: then the spread carries no information).
    fn constant(&self) -> bool {
        self.min == self.max
    }
}

/// Each review's z-score within its expert, in the order of `reviews`: (total − the expert's
/// mean) / the expert's population standard deviation; 0.0 for an expert with one review or
/// with all totals equal. Unrounded.
pub fn z_scores(reviews: &[ReviewScore]) -> Vec<f64> {
    let mut by_expert: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for r in reviews {
        by_expert.entry(r.expert).or_default().push(r.total);
    }
    let summaries: BTreeMap<i64, Summary> = by_expert
        .into_iter()
        .map(|(e, totals)| (e, Summary::of(&totals)))
        .collect();
    reviews
        .iter()
        .map(|r| {
            let s = &summaries[&r.expert];
            if s.n < 2 || s.constant() || s.stddev <= 0.0 {
                0.0
            } else {
                (r.total - s.mean) / s.stddev
            }
        })
        .collect()
}

/// Aggregates the submitted reviews of a round; only applications with a review appear. See
/// [`aggregate_for`] to list every application of the round.
pub fn aggregate(reviews: &[ReviewScore], threshold: f64) -> Aggregate {
    aggregate_for(&[], reviews, threshold)
}

/// Aggregates the submitted reviews of a round. Every application in `applications` appears,
/// also without reviews (then unranked, statistics 0.0), as does every application that has a
/// review. `threshold` is the disagreement threshold on max − min: an application with at
/// least 2 reviews is flagged when its range exceeds it (a range exactly at the threshold is
/// not flagged).
pub fn aggregate_for(applications: &[i64], reviews: &[ReviewScore], threshold: f64) -> Aggregate {
    let z = z_scores(reviews);

    // Per application: its totals and its reviews' z-scores.
    let mut by_app: BTreeMap<i64, (Vec<f64>, Vec<f64>)> = applications
        .iter()
        .map(|&a| (a, Default::default()))
        .collect();
    let mut by_expert: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (r, z) in reviews.iter().zip(z) {
        let (totals, zs) = by_app.entry(r.application).or_default();
        totals.push(r.total);
        zs.push(z);
        by_expert.entry(r.expert).or_default().push(r.total);
    }

    // Snapped (9-decimal) statistics, ranked below.
    struct Row {
        application: i64,
        reviews: usize,
        mean: f64,
        trimmed_mean: f64,
        normalized: f64,
        stddev: f64,
        range: f64,
    }
    let mut rows: Vec<Row> = by_app
        .into_iter()
        .map(|(application, (totals, mut zs))| {
            if totals.is_empty() {
                return Row {
                    application,
                    reviews: 0,
                    mean: 0.0,
                    trimmed_mean: 0.0,
                    normalized: 0.0,
                    stddev: 0.0,
                    range: 0.0,
                };
            }
            let s = Summary::of(&totals);
            let trimmed_mean = if s.n >= 3 {
                let mut sorted = totals.clone();
                sorted.sort_by(f64::total_cmp);
                let inner = &mut sorted[1..s.n - 1];
                sorted_sum(inner) / (s.n - 2) as f64
            } else {
                s.mean
            };
            let normalized = sorted_sum(&mut zs) / zs.len() as f64;
            Row {
                application,
                reviews: s.n,
                mean: snap(s.mean),
                trimmed_mean: snap(trimmed_mean),
                normalized: snap(normalized),
                stddev: snap(s.stddev),
                range: snap(s.max - s.min),
            }
        })
        .collect();

    // Best first; unreviewed last; then by id.
    rows.sort_by(|a, b| {
        (a.reviews == 0)
            .cmp(&(b.reviews == 0))
            .then(b.trimmed_mean.total_cmp(&a.trimmed_mean))
            .then(b.normalized.total_cmp(&a.normalized))
            .then(a.application.cmp(&b.application))
    });
    let mut applications = Vec::with_capacity(rows.len());
    let mut previous: Option<(f64, f64, usize)> = None;
    for (i, row) in rows.iter().enumerate() {
        let rank = (row.reviews > 0).then(|| match previous {
            Some((t, n, r)) if t == row.trimmed_mean && n == row.normalized => r,
            _ => i + 1,
        });
        if let Some(r) = rank {
            previous = Some((row.trimmed_mean, row.normalized, r));
        }
        applications.push(AppStats {
            application: row.application,
            reviews: row.reviews,
            mean: round_to(row.mean, 2),
            trimmed_mean: round_to(row.trimmed_mean, 2),
            normalized: round_to(row.normalized, 3),
            rank,
            stddev: round_to(row.stddev, 2),
            range: round_to(row.range, 2),
            flagged: row.reviews >= 2 && row.range > threshold,
        });
    }

    let experts = by_expert
        .into_iter()
        .map(|(expert, totals)| {
            let s = Summary::of(&totals);
            ExpertStats {
                expert,
                reviews: s.n,
                mean: round_to(snap(s.mean), 2),
                stddev: round_to(snap(s.stddev), 2),
                min: round_to(snap(s.min), 2),
                max: round_to(snap(s.max), 2),
            }
        })
        .collect();

    Aggregate {
        applications,
        experts,
    }
}

/// Counts per key how many items were selected and how many there are, e.g. the province or
/// institution-type distribution of the shortlist beside the whole field. Returns
/// `(key, selected, total)` sorted by key.
pub fn distribution<K: Ord>(items: impl IntoIterator<Item = (K, bool)>) -> Vec<(K, usize, usize)> {
    let mut counts: BTreeMap<K, (usize, usize)> = BTreeMap::new();
    for (key, selected) in items {
        let c = counts.entry(key).or_default();
        c.0 += usize::from(selected);
        c.1 += 1;
    }
    counts
        .into_iter()
        .map(|(k, (selected, total))| (k, selected, total))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(application: i64, expert: i64, total: f64) -> ReviewScore {
        ReviewScore {
            application,
            expert,
            total,
        }
    }

    /// Reviews of `application`, each by a different expert with no other review (so every
    /// z-score is 0). Expert ids are `application * 100 + i`.
    fn solo(application: i64, totals: &[f64]) -> Vec<ReviewScore> {
        totals
            .iter()
            .enumerate()
            .map(|(i, &t)| r(application, application * 100 + i as i64, t))
            .collect()
    }

    fn app(agg: &Aggregate, application: i64) -> &AppStats {
        agg.applications
            .iter()
            .find(|a| a.application == application)
            .unwrap()
    }

    fn ranks(agg: &Aggregate) -> Vec<(i64, Option<usize>)> {
        agg.applications
            .iter()
            .map(|a| (a.application, a.rank))
            .collect()
    }

    #[test]
    fn empty_input() {
        let agg = aggregate(&[], 20.0);
        assert_eq!(
            agg,
            Aggregate {
                applications: vec![],
                experts: vec![]
            }
        );
        assert_eq!(z_scores(&[]), Vec::<f64>::new());

        // Listed applications without reviews: unranked, zeros, by id.
        let agg = aggregate_for(&[3, 1], &[], 20.0);
        assert_eq!(
            agg.applications,
            [1, 3]
                .map(|application| AppStats {
                    application,
                    reviews: 0,
                    mean: 0.0,
                    trimmed_mean: 0.0,
                    normalized: 0.0,
                    rank: None,
                    stddev: 0.0,
                    range: 0.0,
                    flagged: false,
                })
                .to_vec()
        );
        assert!(agg.experts.is_empty());
    }

    #[test]
    fn mean_trimmed_mean_stddev_range() {
        let mut reviews = solo(1, &[60.0, 100.0, 80.0, 85.0]);
        reviews.extend(solo(2, &[70.0, 91.0]));
        reviews.extend(solo(3, &[95.0, 50.0, 70.0]));
        reviews.extend(solo(4, &[77.7]));
        let agg = aggregate(&reviews, 100.0);

        // [60, 80, 85, 100]: mean 325/4 = 81.25; trimmed (80+85)/2 = 82.5;
        // variance (21.25² + 1.25² + 3.75² + 18.75²)/4 = 818.75/4 = 204.6875, σ = 14.3069…
        let a = app(&agg, 1);
        assert_eq!(
            (a.reviews, a.mean, a.trimmed_mean, a.stddev, a.range),
            (4, 81.25, 82.5, 14.31, 40.0)
        );
        // Two reviews: nothing is trimmed. [70, 91]: mean 80.5, σ 10.5, range 21.
        let a = app(&agg, 2);
        assert_eq!(
            (a.reviews, a.mean, a.trimmed_mean, a.stddev, a.range),
            (2, 80.5, 80.5, 10.5, 21.0)
        );
        // Three: [50, 70, 95] → mean 215/3 = 71.666…, trimmed = the median 70;
        // variance (21.667² + 1.667² + 23.333²)/3 = 338.89, σ = 18.4089…
        let a = app(&agg, 3);
        assert_eq!(
            (a.reviews, a.mean, a.trimmed_mean, a.stddev, a.range),
            (3, 71.67, 70.0, 18.41, 45.0)
        );
        let a = app(&agg, 4);
        assert_eq!(
            (a.reviews, a.mean, a.trimmed_mean, a.stddev, a.range),
            (1, 77.7, 77.7, 0.0, 0.0)
        );
        // Every expert here has one review: no normalisation.
        assert!(agg.applications.iter().all(|a| a.normalized == 0.0));
        // Ranked by trimmed mean: 82.5, 80.5, 77.7, 70.
        assert_eq!(
            ranks(&agg),
            [(1, Some(1)), (2, Some(2)), (4, Some(3)), (3, Some(4))]
        );
    }

    #[test]
    fn trimmed_mean_drops_only_one_of_equal_extremes() {
        // [90, 90, 60, 60, 80]: mean 380/5 = 76; drop one 90 and one 60 → (60 + 80 + 90)/3
        // = 76.666….
        let agg = aggregate(&solo(1, &[90.0, 90.0, 60.0, 60.0, 80.0]), 20.0);
        assert_eq!(agg.applications[0].trimmed_mean, 76.67);
        assert_eq!(agg.applications[0].mean, 76.0);
    }

    /// Expert 1 (A) reviews apps 1, 2, 3 with 60, 80, 100: mean 80, σ = √(800/3) = 16.3299,
    /// z = −1.2247, 0, +1.2247. Expert 2 (B) reviews apps 1, 2 with 90, 70: mean 80, σ 10,
    /// z = +1, −1. Expert 3 (C) has a single review (app 3, 50): z 0. Expert 4 (D) gives
    /// 75 and 75 (apps 1, 2): constant, z 0. Expert 5 (E) gives 80.1 three times (apps 1, 2,
    /// 3), whose float mean is not exactly 80.1: still constant, still z 0.
    fn z_example() -> Vec<ReviewScore> {
        vec![
            r(1, 1, 60.0),
            r(2, 1, 80.0),
            r(3, 1, 100.0),
            r(1, 2, 90.0),
            r(2, 2, 70.0),
            r(3, 3, 50.0),
            r(1, 4, 75.0),
            r(2, 4, 75.0),
            r(1, 5, 80.1),
            r(2, 5, 80.1),
            r(3, 5, 80.1),
        ]
    }

    #[test]
    fn z_scores_by_hand() {
        let z = z_scores(&z_example());
        let want = [
            -1.224_744_871,
            0.0,
            1.224_744_871,
            1.0,
            -1.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
        ];
        assert_eq!(z.len(), want.len());
        for (i, (got, want)) in z.iter().zip(want).enumerate() {
            assert!((got - want).abs() < 1e-9, "review {i}: {got} vs {want}");
        }
        // The constant experts give exactly 0, not noise divided by noise.
        assert_eq!(&z[6..], &[0.0; 5]);
    }

    #[test]
    fn normalized_is_the_mean_z() {
        let agg = aggregate(&z_example(), 20.0);
        // App 1: z = −1.2247 (A), +1 (B), 0 (D), 0 (E) → −0.2247/4 = −0.0562.
        assert_eq!(app(&agg, 1).normalized, -0.056);
        // App 2: 0 (A), −1 (B), 0 (D), 0 (E) → −0.25.
        assert_eq!(app(&agg, 2).normalized, -0.25);
        // App 3: +1.2247 (A), 0 (C, single), 0 (E) → 0.4082.
        assert_eq!(app(&agg, 3).normalized, 0.408);

        // App 1 [60, 90, 75, 80.1] → trimmed (75 + 80.1)/2 = 77.55;
        // App 2 [80, 70, 75, 80.1] → trimmed (75 + 80)/2 = 77.5;
        // App 3 [100, 50, 80.1] → trimmed 80.1.
        assert_eq!(app(&agg, 1).trimmed_mean, 77.55);
        assert_eq!(app(&agg, 2).trimmed_mean, 77.5);
        assert_eq!(app(&agg, 3).trimmed_mean, 80.1);
        assert_eq!(ranks(&agg), [(3, Some(1)), (1, Some(2)), (2, Some(3))]);

        let e: Vec<(i64, usize, f64, f64, f64, f64)> = agg
            .experts
            .iter()
            .map(|e| (e.expert, e.reviews, e.mean, e.stddev, e.min, e.max))
            .collect();
        assert_eq!(
            e,
            [
                (1, 3, 80.0, 16.33, 60.0, 100.0),
                (2, 2, 80.0, 10.0, 70.0, 90.0),
                (3, 1, 50.0, 0.0, 50.0, 50.0),
                (4, 2, 75.0, 0.0, 75.0, 75.0),
                (5, 3, 80.1, 0.0, 80.1, 80.1),
            ]
        );
    }

    #[test]
    fn competition_ranking_with_ties() {
        // Distinct single-review experts: every normalized value is 0, so only the trimmed
        // mean decides. 95 | 90 | 85, 85, 85 | 60 | (none).
        let mut reviews = solo(5, &[95.0]);
        reviews.extend(solo(1, &[90.0]));
        reviews.extend(solo(2, &[80.0, 90.0]));
        reviews.extend(solo(3, &[85.0]));
        reviews.extend(solo(4, &[70.0, 85.0, 100.0]));
        reviews.extend(solo(7, &[60.0]));
        let agg = aggregate_for(&[6, 2], &reviews, 100.0);
        assert_eq!(
            ranks(&agg),
            [
                (5, Some(1)),
                (1, Some(2)),
                (2, Some(3)),
                (3, Some(3)),
                (4, Some(3)),
                (7, Some(6)),
                (6, None),
            ]
        );
    }

    #[test]
    fn ties_broken_by_normalized() {
        // Expert 1: app 1 80, app 3 60 → z +1 (app 1), −1 (app 3).
        // Expert 2: app 2 80, app 3 100 → z −1 (app 2), +1 (app 3).
        // Trimmed means all 80; normalized: app 1 +1, app 3 0, app 2 −1.
        let reviews = [r(1, 1, 80.0), r(3, 1, 60.0), r(2, 2, 80.0), r(3, 2, 100.0)];
        let agg = aggregate(&reviews, 50.0);
        assert_eq!(ranks(&agg), [(1, Some(1)), (3, Some(2)), (2, Some(3))]);
        let n: Vec<f64> = agg.applications.iter().map(|a| a.normalized).collect();
        assert_eq!(n, [1.0, 0.0, -1.0]);
    }

    #[test]
    fn float_noise_does_not_split_a_tie() {
        // (70.0 + 70.02)/2 is 70.00999999999999 in binary floating point; 70.01 is 70.01.
        let mut reviews = solo(1, &[70.0, 70.02]);
        reviews.extend(solo(2, &[70.01]));
        let agg = aggregate(&reviews, 20.0);
        assert_eq!(ranks(&agg), [(1, Some(1)), (2, Some(1))]);
        assert_eq!(app(&agg, 1).trimmed_mean, 70.01);
    }

    #[test]
    fn disagreement_flag() {
        let mut reviews = solo(1, &[70.0, 90.0]); // range 20: at the threshold
        reviews.extend(solo(2, &[70.0, 90.01])); // 20.01: above
        reviews.extend(solo(3, &[12.05, 32.05])); // 19.999999999999996 in floats: 20
        reviews.extend(solo(4, &[12.02, 32.02])); // 20.000000000000004 in floats: 20
        reviews.extend(solo(5, &[50.0, 75.0, 80.0])); // 30
        reviews.extend(solo(6, &[10.0])); // one review: never flagged
        let agg = aggregate(&reviews, 20.0);
        let flags: Vec<(i64, f64, bool)> = (1..=6)
            .map(|a| (a, app(&agg, a).range, app(&agg, a).flagged))
            .collect();
        assert_eq!(
            flags,
            [
                (1, 20.0, false),
                (2, 20.01, true),
                (3, 20.0, false),
                (4, 20.0, false),
                (5, 30.0, true),
                (6, 0.0, false),
            ]
        );
        // Threshold 0: two equal totals are not a disagreement, one review never is.
        let agg = aggregate(&[solo(1, &[80.0, 80.0]), solo(2, &[80.0])].concat(), 0.0);
        assert!(agg.applications.iter().all(|a| !a.flagged));
        let agg = aggregate(&solo(1, &[80.0]), -1.0);
        assert!(!agg.applications[0].flagged);
    }

    #[test]
    fn serialises() {
        let agg = aggregate_for(&[2], &[r(1, 9, 80.0)], 20.0);
        assert_eq!(
            serde_json::to_value(&agg).unwrap(),
            serde_json::json!({
                "applications": [
                    {"application": 1, "reviews": 1, "mean": 80.0, "trimmed_mean": 80.0,
                     "normalized": 0.0, "rank": 1, "stddev": 0.0, "range": 0.0, "flagged": false},
                    {"application": 2, "reviews": 0, "mean": 0.0, "trimmed_mean": 0.0,
                     "normalized": 0.0, "rank": null, "stddev": 0.0, "range": 0.0, "flagged": false},
                ],
                "experts": [
                    {"expert": 9, "reviews": 1, "mean": 80.0, "stddev": 0.0, "min": 80.0, "max": 80.0},
                ],
            })
        );
    }

    #[test]
    fn distribution_counts() {
        let items = [
            ("44", true),
            ("11", false),
            ("44", false),
            ("11", true),
            ("44", true),
            ("32", false),
        ];
        assert_eq!(
            distribution(items),
            [("11", 1, 2), ("32", 0, 1), ("44", 2, 3)]
        );
        assert_eq!(distribution(Vec::<(String, bool)>::new()), []);
    }

    // --- properties -------------------------------------------------------------------------

    fn reviews_strategy() -> impl Strategy<Value = Vec<ReviewScore>> {
        // Integer totals make ties likely; two-decimal ones bring float noise.
        let total = prop_oneof![
            (0u32..=20).prop_map(|t| f64::from(t * 5)),
            (0u32..=10_000).prop_map(|t| f64::from(t) / 100.0),
        ];
        proptest::collection::vec((1i64..=8, 1i64..=6, total), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(application, expert, total)| ReviewScore {
                    application,
                    expert,
                    total,
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Every application appears once; ranks form a valid competition ranking in list order
        /// and agree with the displayed trimmed mean and normalized values.
        #[test]
        fn ranks_are_a_competition_ranking(
            reviews in reviews_strategy(),
            listed in proptest::collection::vec(1i64..=10, 0..4),
            threshold in 0.0f64..40.0,
        ) {
            let agg = aggregate_for(&listed, &reviews, threshold);
            let mut ids: Vec<i64> = reviews.iter().map(|r| r.application).chain(listed).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut got: Vec<i64> = agg.applications.iter().map(|a| a.application).collect();
            got.sort_unstable();
            prop_assert_eq!(got, ids);
            prop_assert_eq!(
                agg.applications.iter().map(|a| a.reviews).sum::<usize>(),
                reviews.len()
            );

            let ranked: Vec<&AppStats> =
                agg.applications.iter().take_while(|a| a.rank.is_some()).collect();
            prop_assert!(agg.applications[ranked.len()..].iter().all(|a| a.rank.is_none()));
            prop_assert!(agg.applications.iter().all(|a| a.rank.is_some() == (a.reviews > 0)));
            // Unranked ones by id.
            let rest: Vec<i64> =
                agg.applications[ranked.len()..].iter().map(|a| a.application).collect();
            prop_assert!(rest.windows(2).all(|w| w[0] < w[1]));

            // The ranking keys, recomputed naively from the input.
            let z = z_scores(&reviews);
            let key = |application: i64| {
                let mut totals: Vec<f64> = Vec::new();
                let mut zs: Vec<f64> = Vec::new();
                for (r, z) in reviews.iter().zip(&z) {
                    if r.application == application {
                        totals.push(r.total);
                        zs.push(*z);
                    }
                }
                totals.sort_by(f64::total_cmp);
                let n = totals.len();
                let kept = if n >= 3 { &totals[1..n - 1] } else { &totals[..] };
                (
                    kept.iter().sum::<f64>() / kept.len() as f64,
                    zs.iter().sum::<f64>() / zs.len() as f64,
                )
            };
            const EPS: f64 = 2e-9;
            for (i, a) in ranked.iter().enumerate() {
                let rank = a.rank.unwrap();
                if i == 0 {
                    prop_assert_eq!(rank, 1);
                    continue;
                }
                let p = ranked[i - 1];
                let prev = p.rank.unwrap();
                let ((pt, pn), (at, an)) = (key(p.application), key(a.application));
                if rank == prev {
                    // A tie: equal keys (up to float noise), the same displayed numbers,
                    // listed by id.
                    prop_assert!((pt - at).abs() < EPS && (pn - an).abs() < EPS);
                    prop_assert_eq!((a.trimmed_mean, a.normalized), (p.trimmed_mean, p.normalized));
                    prop_assert!(p.application < a.application);
                } else {
                    // A new rank skips the tied ones: it is the position. The one before is
                    // better: a higher trimmed mean, or an equal one and a higher normalized.
                    prop_assert_eq!(rank, i + 1);
                    prop_assert!(pt > at + EPS || ((pt - at).abs() < EPS && pn > an - EPS));
                    prop_assert!(p.trimmed_mean >= a.trimmed_mean);
                }
            }
            // Rank = 1 + the number of applications strictly ahead.
            for a in &ranked {
                let ahead = ranked.iter().filter(|b| b.rank.unwrap() < a.rank.unwrap()).count();
                prop_assert_eq!(a.rank.unwrap(), ahead + 1);
            }

            for a in &agg.applications {
                let totals: Vec<f64> = reviews
                    .iter()
                    .filter(|r| r.application == a.application)
                    .map(|r| r.total)
                    .collect();
                if totals.is_empty() {
                    continue;
                }
                let lo = totals.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(lo - 0.005 <= a.mean && a.mean <= hi + 0.005);
                prop_assert!(lo - 0.005 <= a.trimmed_mean && a.trimmed_mean <= hi + 0.005);
                prop_assert!((a.range - (hi - lo)).abs() < 0.0051);
                if a.flagged {
                    prop_assert!(totals.len() >= 2 && a.range >= threshold - 0.0051);
                } else if totals.len() >= 2 {
                    prop_assert!(a.range <= threshold + 0.0051);
                }
            }
        }

        /// Per expert, the z-scores sum to ~0 (and their squares to n unless the expert is
        /// single or constant, when they are all 0); an application's normalized value is the
        /// mean z-score of its reviews.
        #[test]
        fn z_scores_centre_each_expert(reviews in reviews_strategy()) {
            let z = z_scores(&reviews);
            prop_assert_eq!(z.len(), reviews.len());
            let mut by_expert: BTreeMap<i64, Vec<(f64, f64)>> = BTreeMap::new();
            for (r, z) in reviews.iter().zip(&z) {
                by_expert.entry(r.expert).or_default().push((r.total, *z));
            }
            for (expert, v) in &by_expert {
                let sum: f64 = v.iter().map(|(_, z)| z).sum();
                let squares: f64 = v.iter().map(|(_, z)| z * z).sum();
                prop_assert!(sum.abs() < 1e-9, "expert {}: Σz = {}", expert, sum);
                let constant = v.iter().all(|(t, _)| *t == v[0].0);
                if constant {
                    prop_assert!(v.iter().all(|(_, z)| *z == 0.0));
                } else {
                    prop_assert!((squares - v.len() as f64).abs() < 1e-9);
                }
            }

            let agg = aggregate(&reviews, 20.0);
            for a in &agg.applications {
                let zs: Vec<f64> = reviews
                    .iter()
                    .zip(&z)
                    .filter(|(r, _)| r.application == a.application)
                    .map(|(_, z)| *z)
                    .collect();
                let mean = zs.iter().sum::<f64>() / zs.len() as f64;
                prop_assert!((a.normalized - mean).abs() <= 0.0005 + 1e-9);
            }
        }
    }
}
