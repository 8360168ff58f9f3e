//! The review rubric (评审指标): the criteria an expert scores, their weights and scales, and
//! the recommendations (推荐意见) an expert chooses from.
//!
//! A round stores its rubric as JSON; [`Rubric::validate`] checks one the office configures,
//! [`Rubric::check_scores`] checks an expert's scores against it (a draft may be partial, a
//! submission must be complete), and [`Rubric::total`] is the weighted total on a 0–100 scale
//! that aggregation ([`super::aggregate`]) works with.
//!
//! Problems are reported as `(path, FieldError)` pairs: `rubric.criteria[1].weight` for the
//! rubric, `scores.<code>` and `recommendation` for a review.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::validate::bounded_text;

/// The longest criterion or recommendation name, in characters.
pub const NAME_MAX: usize = 50;
/// The longest criterion or recommendation code, in characters.
pub const CODE_MAX: usize = 32;
/// The largest `max` a criterion may have.
pub const MAX_LIMIT: f64 = 1000.0;
/// How far the weights' sum may be from 100.
pub const WEIGHT_TOLERANCE: f64 = 0.001;

/// One problem, at a JSON path (`rubric.criteria[1].weight`, `scores.rationality`).
pub type RubricErrors = Vec<(String, FieldError)>;

/// The whole rubric of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Rubric {
    /// The criteria, in display order.
    pub criteria: Vec<Criterion>,
    /// The recommendations an expert picks one of.
    pub recommendations: Vec<Choice>,
}

/// One criterion (评审指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Criterion {
    /// Stable code, `[a-z0-9_]{1,32}`; the key of the scores map.
    pub code: String,
    /// Display name, e.g. 合理性.
    pub name: String,
    /// Weight in percent; the weights of a rubric sum to 100.
    pub weight: f64,
    /// How the criterion is scored.
    pub scale: Scale,
    /// The full mark. A [`Scale::Level`] criterion has `max` 100 (its level values are on
    /// that scale).
    pub max: f64,
}

/// How a criterion is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// A number from 0 to the criterion's `max`.
    Score,
    /// One of the [`LEVELS`], recorded as its value (95/85/70/50).
    Level,
}

/// A recommendation (推荐意见) or other coded choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Choice {
    pub code: String,
    pub name: String,
}

/// One grade of a [`Scale::Level`] criterion and the number it counts as.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Level {
    pub code: &'static str,
    pub name: &'static str,
    pub value: f64,
}

/// The grades of a [`Scale::Level`] criterion, best first.
pub const LEVELS: [Level; 4] = [
    Level {
        code: "A",
        name: "优秀",
        value: 95.0,
    },
    Level {
        code: "B",
        name: "良好",
        value: 85.0,
    },
    Level {
        code: "C",
        name: "合格",
        value: 70.0,
    },
    Level {
        code: "D",
        name: "不合格",
        value: 50.0,
    },
];

impl Scale {
    /// The grades of the level scale, best first: 优秀 A 95, 良好 B 85, 合格 C 70, 不合格 D 50.
    /// A level criterion's score is one of these values.
    pub fn levels() -> &'static [Level] {
        &LEVELS
    }
}

/// The label of criterion `i` in a message: its quoted name, or its position when unnamed.
fn criterion_label(i: usize, c: &Criterion) -> String {
    let name = c.name.trim();
    if name.is_empty() {
        format!("第{}项指标", i + 1)
    } else {
        format!("“{name}”")
    }
}

/// Whether `code` matches `[a-z0-9_]{1,32}`.
fn valid_code(code: &str) -> bool {
    (1..=CODE_MAX).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a code's format and uniqueness, pushing problems at `path`.
fn check_code<'a>(
    errors: &mut RubricErrors,
    seen: &mut HashSet<&'a str>,
    path: String,
    what: &str,
    code: &'a str,
) {
    if code.is_empty() {
        errors.push((
            path,
            FieldError::new("required", format!("请填写{what}代码")),
        ));
    } else if !valid_code(code) {
        errors.push((
            path,
            FieldError::new(
                "code_format",
                format!("{what}代码只能包含小写字母、数字和下划线，最长{CODE_MAX}个字符"),
            ),
        ));
    } else if !seen.insert(code) {
        errors.push((
            path,
            FieldError::new("duplicate_code", format!("{what}代码“{code}”重复")),
        ));
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Rubric {
    /// The rubric of the 申报指南 for the initial review: 合理性 40, 真实性 30, 建设基础 30,
    /// each scored 0–100; recommendations 推荐立项, 修改后立项, 不推荐.
    pub fn default_initial() -> Self {
        let score = |code: &str, name: &str, weight: f64| Criterion {
            code: code.to_owned(),
            name: name.to_owned(),
            weight,
            scale: Scale::Score,
            max: 100.0,
        };
        let choice = |code: &str, name: &str| Choice {
            code: code.to_owned(),
            name: name.to_owned(),
        };
        Self {
            criteria: vec![
                score("rationality", "合理性", 40.0),
                score("authenticity", "真实性", 30.0),
                score("foundation", "建设基础", 30.0),
            ],
            recommendations: vec![
                choice("recommend", "推荐立项"),
                choice("revise", "修改后立项"),
                choice("reject", "不推荐"),
            ],
        }
    }

    /// The criterion with `code`.
    pub fn criterion(&self, code: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.code == code)
    }

    /// Checks the rubric, collecting every problem: at least one criterion; codes
    /// `[a-z0-9_]{1,32}` and unique; names non-empty and at most 50 characters; weights finite,
    /// positive and (when each is valid) summing to 100 ± 0.001; `max` in (0, 1000], and exactly
    /// 100 for a level criterion; at least one recommendation, with codes and names checked
    /// like the criteria's. Paths: `rubric.criteria`, `rubric.criteria[i].code|name|weight|max`,
    /// `rubric.recommendations`, `rubric.recommendations[i].code|name`.
    pub fn validate(&self) -> Result<(), RubricErrors> {
        let mut errors = RubricErrors::new();

        if self.criteria.is_empty() {
            errors.push((
                "rubric.criteria".to_owned(),
                FieldError::new("criteria_required", "请至少设置一项评审指标"),
            ));
        }
        let mut codes = HashSet::new();
        let mut weights_valid = true;
        for (i, c) in self.criteria.iter().enumerate() {
            let path = |field: &str| format!("rubric.criteria[{i}].{field}");
            let label = criterion_label(i, c);
            check_code(&mut errors, &mut codes, path("code"), "指标", &c.code);
            if let Err(e) = bounded_text("指标名称", &c.name, NAME_MAX, true) {
                errors.push((path("name"), e));
            }
            if !(c.weight.is_finite() && c.weight > 0.0) {
                weights_valid = false;
                errors.push((
                    path("weight"),
                    FieldError::new("weight_range", format!("{label}的权重应大于0")),
                ));
            }
            match c.scale {
                Scale::Score if !(c.max > 0.0 && c.max <= MAX_LIMIT) => errors.push((
                    path("max"),
                    FieldError::new(
                        "max_range",
                        format!("{label}的满分应大于0且不超过{MAX_LIMIT}"),
                    ),
                )),
                Scale::Level if c.max != 100.0 => errors.push((
                    path("max"),
                    FieldError::new("level_max", format!("{label}按等级评分，满分应为100")),
                )),
                _ => {}
            }
        }
        if weights_valid && !self.criteria.is_empty() {
            let sum: f64 = self.criteria.iter().map(|c| c.weight).sum();
            if (sum - 100.0).abs() > WEIGHT_TOLERANCE {
                errors.push((
                    "rubric.criteria".to_owned(),
                    FieldError::new(
                        "weight_sum",
                        format!("各项指标的权重之和应为100，当前为{}", round2(sum)),
                    ),
                ));
            }
        }

        if self.recommendations.is_empty() {
            errors.push((
                "rubric.recommendations".to_owned(),
                FieldError::new("recommendations_required", "请至少设置一项推荐意见"),
            ));
        }
        let mut codes = HashSet::new();
        for (i, r) in self.recommendations.iter().enumerate() {
            let path = |field: &str| format!("rubric.recommendations[{i}].{field}");
            check_code(&mut errors, &mut codes, path("code"), "推荐意见", &r.code);
            if let Err(e) = bounded_text("推荐意见名称", &r.name, NAME_MAX, true) {
                errors.push((path("name"), e));
            }
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks an expert's scores and recommendation against the rubric (which is assumed
    /// valid), collecting every problem:
    ///
    /// * each present score is a finite number in `0..=max` (score scale) or one of the level
    ///   values 95/85/70/50 (level scale) — path `scores.<code>`;
    /// * a code that is not a criterion is refused — path `scores.<code>`;
    /// * a recommendation, when given, is one of the rubric's — path `recommendation`;
    /// * when `complete` (submission), every criterion has a score and the recommendation is
    ///   given. An empty recommendation counts as none.
    pub fn check_scores(
        &self,
        scores: &BTreeMap<String, f64>,
        recommendation: Option<&str>,
        complete: bool,
    ) -> Result<(), RubricErrors> {
        let mut errors = RubricErrors::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let path = format!("scores.{}", c.code);
            let label = criterion_label(i, c);
            match (scores.get(&c.code), c.scale) {
                (None, _) if complete => errors.push((
                    path,
                    FieldError::new("required", format!("请填写{label}的分数")),
                )),
                (None, _) => {}
                (Some(&v), Scale::Score) => {
                    if !(v.is_finite() && (0.0..=c.max).contains(&v)) {
                        errors.push((
                            path,
                            FieldError::new(
                                "score_range",
                                format!("{label}的分数应在 0–{} 之间", c.max),
                            ),
                        ));
                    }
                }
                (Some(&v), Scale::Level) => {
                    if !LEVELS.iter().any(|l| l.value == v) {
                        let option = |l: &Level| format!("{}（{}）", l.name, l.value);
                        let (last, first) = LEVELS.split_last().expect("four levels");
                        let first: Vec<String> = first.iter().map(option).collect();
                        errors.push((
                            path,
                            FieldError::new(
                                "score_level",
                                format!("{label}应评为{}或{}", first.join("、"), option(last)),
                            ),
                        ));
                    }
                }
            }
        }
        for code in scores.keys() {
            if self.criterion(code).is_none() {
                errors.push((
                    format!("scores.{code}"),
                    FieldError::new("unknown_criterion", format!("评审指标“{code}”不存在")),
                ));
            }
        }
        match recommendation.filter(|r| !r.is_empty()) {
            None if complete => errors.push((
                "recommendation".to_owned(),
                FieldError::new("required", "请选择推荐意见"),
            )),
            None => {}
            Some(r) if !self.recommendations.iter().any(|c| c.code == r) => errors.push((
                "recommendation".to_owned(),
                FieldError::new("invalid_choice", "推荐意见的选项无效"),
            )),
            Some(_) => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The weighted total on a 0–100 scale: Σ score / max × weight (weights are percent),
    /// rounded to 2 decimals. `None` when a criterion has no score or a non-finite one. Codes
    /// that are not criteria are ignored.
    pub fn total(&self, scores: &BTreeMap<String, f64>) -> Option<f64> {
        let mut sum = 0.0;
        for c in &self.criteria {
            let v = *scores.get(&c.code)?;
            if !v.is_finite() {
                return None;
            }
            sum += v / c.max * c.weight;
        }
        Some(round2(sum))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    /// The (path, code) pairs of an error list.
    fn paths(r: Result<(), RubricErrors>) -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|(p, e)| (p, e.code))
            .collect()
    }

    fn one(r: Result<(), RubricErrors>) -> (String, FieldError) {
        let mut errs = r.unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs.remove(0)
    }

    fn level_rubric() -> Rubric {
        let mut r = Rubric::default_initial();
        r.criteria[2].scale = Scale::Level;
        r
    }

    // --- the default and serde --------------------------------------------------------------

    #[test]
    fn default_initial_is_the_guides_and_valid() {
        let r = Rubric::default_initial();
        assert_eq!(r.validate(), Ok(()));
        let crit: Vec<(&str, &str, f64, Scale, f64)> = r
            .criteria
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str(), c.weight, c.scale, c.max))
            .collect();
        assert_eq!(
            crit,
            [
                ("rationality", "合理性", 40.0, Scale::Score, 100.0),
                ("authenticity", "真实性", 30.0, Scale::Score, 100.0),
                ("foundation", "建设基础", 30.0, Scale::Score, 100.0),
            ]
        );
        let rec: Vec<(&str, &str)> = r
            .recommendations
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            rec,
            [
                ("recommend", "推荐立项"),
                ("revise", "修改后立项"),
                ("reject", "不推荐")
            ]
        );
        assert_eq!(r.criterion("foundation").unwrap().name, "建设基础");
        assert_eq!(r.criterion("nope"), None);
    }

    #[test]
    fn serde_round_trip_and_shape() {
        let r = level_rubric();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["criteria"][0]["scale"], "score");
        assert_eq!(json["criteria"][2]["scale"], "level");
        assert_eq!(json["criteria"][0]["max"], 100.0);
        assert_eq!(json["recommendations"][1]["code"], "revise");
        let back: Rubric = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);

        let bad = r#"{"criteria": [], "recommendations": [], "extra": 1}"#;
        assert!(serde_json::from_str::<Rubric>(bad).is_err());
        let bad_scale = r#"{"code":"a","name":"A","weight":100,"scale":"Score","max":100}"#;
        assert!(serde_json::from_str::<Criterion>(bad_scale).is_err());
    }

    #[test]
    fn levels() {
        let l: Vec<(&str, &str, f64)> = Scale::levels()
            .iter()
            .map(|l| (l.code, l.name, l.value))
            .collect();
        assert_eq!(
            l,
            [
                ("A", "优秀", 95.0),
                ("B", "良好", 85.0),
                ("C", "合格", 70.0),
                ("D", "不合格", 50.0)
            ]
        );
        assert_eq!(
            serde_json::to_value(LEVELS[0]).unwrap(),
            serde_json::json!({"code": "A", "name": "优秀", "value": 95.0})
        );
    }

    // --- validate ---------------------------------------------------------------------------

    #[test]
    fn validate_no_criteria_no_recommendations() {
        let r = Rubric {
            criteria: vec![],
            recommendations: vec![],
        };
        assert_eq!(
            paths(r.validate()),
            [
                ("rubric.criteria".to_owned(), "criteria_required"),
                (
                    "rubric.recommendations".to_owned(),
                    "recommendations_required"
                ),
            ]
        );
        let (_, e) = r.validate().unwrap_err().remove(0);
        assert_eq!(e.message, "请至少设置一项评审指标");
    }

    #[test]
    fn validate_codes() {
        for (code, err) in [
            ("", "required"),
            ("Rationality", "code_format"),
            ("合理性", "code_format"),
            ("a-b", "code_format"),
            ("a b", "code_format"),
            (&"a".repeat(33), "code_format"),
        ] {
            let mut r = Rubric::default_initial();
            r.criteria[1].code = code.to_owned();
            let (p, e) = one(r.validate());
            assert_eq!(
                (p.as_str(), e.code),
                ("rubric.criteria[1].code", err),
                "{code}"
            );
        }
        let mut r = Rubric::default_initial();
        r.criteria[1].code = "a".repeat(32);
        assert_eq!(r.validate(), Ok(()));
        r.criteria[1].code = "x_1".to_owned();
        assert_eq!(r.validate(), Ok(()));

        let mut r = Rubric::default_initial();
        r.criteria[2].code = "rationality".to_owned();
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.criteria[2].code");
        assert_eq!(e.code, "duplicate_code");
        assert_eq!(e.message, "指标代码“rationality”重复");

        let mut r = Rubric::default_initial();
        r.criteria[0].code = "A".to_owned();
        assert_eq!(
            one(r.validate()).1.message,
            "指标代码只能包含小写字母、数字和下划线，最长32个字符"
        );
    }

    #[test]
    fn validate_names() {
        let mut r = Rubric::default_initial();
        r.criteria[0].name = " \u{3000}".to_owned();
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.criteria[0].name");
        assert_eq!((e.code, e.message.as_str()), ("required", "请填写指标名称"));

        let mut r = Rubric::default_initial();
        r.criteria[2].name = "指".repeat(51);
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.criteria[2].name");
        assert_eq!(e.code, "too_long");
        assert_eq!(e.message, "指标名称不能超过50个字符，当前51个");
        r.criteria[2].name = "指".repeat(50);
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn validate_weights() {
        for bad in [0.0, -10.0, f64::NAN, f64::INFINITY] {
            let mut r = Rubric::default_initial();
            r.criteria[1].weight = bad;
            // The sum is not reported on top of a bad weight.
            let (p, e) = one(r.validate());
            assert_eq!(p, "rubric.criteria[1].weight", "{bad}");
            assert_eq!(e.code, "weight_range");
            assert_eq!(e.message, "“真实性”的权重应大于0");
        }
        let mut r = Rubric::default_initial();
        r.criteria[1].name = String::new();
        r.criteria[1].weight = 0.0;
        let errs = r.validate().unwrap_err();
        assert_eq!(errs[1].0, "rubric.criteria[1].weight");
        assert_eq!(errs[1].1.message, "第2项指标的权重应大于0");

        let mut r = Rubric::default_initial();
        r.criteria[0].weight = 30.0;
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.criteria");
        assert_eq!(e.code, "weight_sum");
        assert_eq!(e.message, "各项指标的权重之和应为100，当前为90");

        // Within the tolerance, and thirds that do not add up exactly in binary.
        let mut r = Rubric::default_initial();
        r.criteria[0].weight = 40.0009;
        assert_eq!(r.validate(), Ok(()));
        r.criteria[0].weight = 40.0011;
        assert_eq!(
            paths(r.validate()),
            [("rubric.criteria".to_owned(), "weight_sum")]
        );
        for c in &mut r.criteria {
            c.weight = 100.0 / 3.0;
        }
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn validate_max() {
        for bad in [0.0, -1.0, 1000.5, f64::NAN, f64::INFINITY] {
            let mut r = Rubric::default_initial();
            r.criteria[2].max = bad;
            let (p, e) = one(r.validate());
            assert_eq!(p, "rubric.criteria[2].max", "{bad}");
            assert_eq!(e.code, "max_range");
            assert_eq!(e.message, "“建设基础”的满分应大于0且不超过1000");
        }
        let mut r = Rubric::default_initial();
        r.criteria[2].max = 1000.0;
        assert_eq!(r.validate(), Ok(()));
        r.criteria[2].max = 0.5;
        assert_eq!(r.validate(), Ok(()));

        let mut r = level_rubric();
        assert_eq!(r.validate(), Ok(()));
        r.criteria[2].max = 10.0;
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.criteria[2].max");
        assert_eq!(e.code, "level_max");
        assert_eq!(e.message, "“建设基础”按等级评分，满分应为100");
    }

    #[test]
    fn validate_recommendations() {
        let mut r = Rubric::default_initial();
        r.recommendations[2].code = "recommend".to_owned();
        r.recommendations[1].name = String::new();
        r.recommendations[0].code = "Yes".to_owned();
        assert_eq!(
            paths(r.validate()),
            [
                ("rubric.recommendations[0].code".to_owned(), "code_format"),
                ("rubric.recommendations[1].name".to_owned(), "required"),
                // "recommend" was refused at [0], so [2] is its first valid use.
            ]
        );
        let mut r = Rubric::default_initial();
        r.recommendations[2].code = "recommend".to_owned();
        let (p, e) = one(r.validate());
        assert_eq!(p, "rubric.recommendations[2].code");
        assert_eq!(e.message, "推荐意见代码“recommend”重复");
        let mut r = Rubric::default_initial();
        r.recommendations[1].name = String::new();
        assert_eq!(one(r.validate()).1.message, "请填写推荐意见名称");
    }

    #[test]
    fn validate_collects_everything() {
        let mut r = Rubric::default_initial();
        r.criteria[0].code = String::new();
        r.criteria[1].name = String::new();
        r.criteria[2].max = 0.0;
        r.recommendations.clear();
        assert_eq!(
            paths(r.validate()),
            [
                ("rubric.criteria[0].code".to_owned(), "required"),
                ("rubric.criteria[1].name".to_owned(), "required"),
                ("rubric.criteria[2].max".to_owned(), "max_range"),
                (
                    "rubric.recommendations".to_owned(),
                    "recommendations_required"
                ),
            ]
        );
    }

    // --- check_scores -----------------------------------------------------------------------

    #[test]
    fn scores_valid_complete_and_draft() {
        let r = Rubric::default_initial();
        let full = scores(&[
            ("rationality", 0.0),
            ("authenticity", 100.0),
            ("foundation", 87.5),
        ]);
        assert_eq!(r.check_scores(&full, Some("revise"), true), Ok(()));
        assert_eq!(r.check_scores(&full, Some("revise"), false), Ok(()));
        // A draft may be partial, and may lack a recommendation.
        let part = scores(&[("foundation", 60.0)]);
        assert_eq!(r.check_scores(&part, None, false), Ok(()));
        assert_eq!(r.check_scores(&BTreeMap::new(), Some(""), false), Ok(()));
    }

    #[test]
    fn scores_incomplete_submission() {
        let r = Rubric::default_initial();
        let part = scores(&[("foundation", 60.0)]);
        let errs = r.check_scores(&part, None, true).unwrap_err();
        let got: Vec<(&str, &str, &str)> = errs
            .iter()
            .map(|(p, e)| (p.as_str(), e.code, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("scores.rationality", "required", "请填写“合理性”的分数"),
                ("scores.authenticity", "required", "请填写“真实性”的分数"),
                ("recommendation", "required", "请选择推荐意见"),
            ]
        );
        let full = scores(&[
            ("rationality", 1.0),
            ("authenticity", 1.0),
            ("foundation", 1.0),
        ]);
        assert_eq!(
            paths(r.check_scores(&full, Some(""), true)),
            [("recommendation".to_owned(), "required")]
        );
    }

    #[test]
    fn scores_out_of_range_and_nan() {
        let r = Rubric::default_initial();
        for bad in [-0.5, 100.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (p, e) = one(r.check_scores(&scores(&[("rationality", bad)]), None, false));
            assert_eq!(p, "scores.rationality", "{bad}");
            assert_eq!(e.code, "score_range");
            assert_eq!(e.message, "“合理性”的分数应在 0–100 之间");
        }
        let mut r = Rubric::default_initial();
        r.criteria[1].max = 10.0;
        let (p, e) = one(r.check_scores(&scores(&[("authenticity", 10.5)]), None, false));
        assert_eq!(p, "scores.authenticity");
        assert_eq!(e.message, "“真实性”的分数应在 0–10 之间");
        assert_eq!(
            r.check_scores(&scores(&[("authenticity", 10.0)]), None, false),
            Ok(())
        );
    }

    #[test]
    fn scores_unknown_code_and_recommendation() {
        let r = Rubric::default_initial();
        let s = scores(&[("rationality", 80.0), ("novelty", 90.0)]);
        let (p, e) = one(r.check_scores(&s, None, false));
        assert_eq!(p, "scores.novelty");
        assert_eq!(e.code, "unknown_criterion");
        assert_eq!(e.message, "评审指标“novelty”不存在");

        // An unknown recommendation is refused even in a draft.
        let (p, e) = one(r.check_scores(&BTreeMap::new(), Some("maybe"), false));
        assert_eq!(p, "recommendation");
        assert_eq!(
            (e.code, e.message.as_str()),
            ("invalid_choice", "推荐意见的选项无效")
        );
    }

    #[test]
    fn scores_on_a_level_criterion() {
        let r = level_rubric();
        for l in Scale::levels() {
            let s = scores(&[("foundation", l.value)]);
            assert_eq!(r.check_scores(&s, None, false), Ok(()), "{}", l.name);
        }
        for bad in [90.0, 100.0, 0.0, 94.99, f64::NAN] {
            let (p, e) = one(r.check_scores(&scores(&[("foundation", bad)]), None, false));
            assert_eq!(p, "scores.foundation", "{bad}");
            assert_eq!(e.code, "score_level");
            assert_eq!(
                e.message,
                "“建设基础”应评为优秀（95）、良好（85）、合格（70）或不合格（50）"
            );
        }
    }

    #[test]
    fn scores_collect_everything() {
        let r = level_rubric();
        let s = scores(&[("rationality", 101.0), ("foundation", 80.0), ("x", 1.0)]);
        assert_eq!(
            paths(r.check_scores(&s, Some("nope"), true)),
            [
                ("scores.rationality".to_owned(), "score_range"),
                ("scores.authenticity".to_owned(), "required"),
                ("scores.foundation".to_owned(), "score_level"),
                ("scores.x".to_owned(), "unknown_criterion"),
                ("recommendation".to_owned(), "invalid_choice"),
            ]
        );
    }

    // --- total ------------------------------------------------------------------------------

    #[test]
    fn total_weighted() {
        let r = Rubric::default_initial();
        // 80×0.4 + 90×0.3 + 70×0.3 = 32 + 27 + 21 = 80.
        let s = scores(&[
            ("rationality", 80.0),
            ("authenticity", 90.0),
            ("foundation", 70.0),
        ]);
        assert_eq!(r.total(&s), Some(80.0));
        // 85.5×0.4 + 77×0.3 + 91.3×0.3 = 34.2 + 23.1 + 27.39 = 84.69.
        let s = scores(&[
            ("rationality", 85.5),
            ("authenticity", 77.0),
            ("foundation", 91.3),
        ]);
        assert_eq!(r.total(&s), Some(84.69));
        // Extra codes are ignored; a missing or non-finite score gives no total.
        let mut s = scores(&[
            ("rationality", 100.0),
            ("authenticity", 100.0),
            ("foundation", 100.0),
            ("x", 5.0),
        ]);
        assert_eq!(r.total(&s), Some(100.0));
        s.insert("foundation".to_owned(), f64::NAN);
        assert_eq!(r.total(&s), None);
        s.remove("foundation");
        assert_eq!(r.total(&s), None);
    }

    #[test]
    fn total_scales_by_max_and_rounds() {
        // max 10 (weight 50) and a level criterion (weight 50): 7/10×50 + 50/100×50 = 35 + 25.
        let r = Rubric {
            criteria: vec![
                Criterion {
                    code: "a".into(),
                    name: "甲".into(),
                    weight: 50.0,
                    scale: Scale::Score,
                    max: 10.0,
                },
                Criterion {
                    code: "b".into(),
                    name: "乙".into(),
                    weight: 50.0,
                    scale: Scale::Level,
                    max: 100.0,
                },
            ],
            recommendations: Rubric::default_initial().recommendations,
        };
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.total(&scores(&[("a", 7.0), ("b", 50.0)])), Some(60.0));
        // 1/3 × 50 + 95/100 × 50 = 16.666… + 47.5 = 64.1666… → 64.17.
        assert_eq!(
            r.total(&scores(&[("a", 10.0 / 3.0), ("b", 95.0)])),
            Some(64.17)
        );
    }
}
