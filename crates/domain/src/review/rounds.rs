//! A review round's settings (评审批次) and its phases: the input, the default phases, and the
//! validation of a create or an edit.

use serde::Deserialize;

use crate::FieldError;
use crate::review::lists::{PHASE_KINDS, ROUND_KINDS};
use crate::review::rubric::Rubric;
use crate::review::status::PhaseKind;

/// A phase as sent (and, validated, as stored).
#[derive(Debug, Deserialize, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    pub kind: String,
    pub name: String,
    pub blind: bool,
    pub scores_editable: bool,
    pub decider: String,
}

/// A round's problems: (field path, error), in the order of the fields.
pub type RoundErrors = Vec<(String, FieldError)>;

/// A round's validated settings.
#[derive(Debug, Clone)]
pub struct RoundSettings {
    pub kind: String,
    pub title: String,
    pub per_application: i32,
    pub rubric: Rubric,
    pub disagreement_threshold: f64,
}

/// The phases of a round created without a phase list: a blind 网评 decided by the office, then
/// a 会评 decided by the experts.
pub fn default_phases() -> Vec<PhaseSpec> {
    vec![
        PhaseSpec {
            kind: PhaseKind::Online.as_str().into(),
            name: "网评".into(),
            blind: true,
            scores_editable: true,
            decider: "office".into(),
        },
        PhaseSpec {
            kind: PhaseKind::Meeting.as_str().into(),
            name: "会评".into(),
            blind: false,
            scores_editable: true,
            decider: "experts".into(),
        },
    ]
}

/// Validates a round's settings and phases (defaults: the initial rubric, a threshold of 20, the
/// [`default_phases`]); every problem is named, the rubric's last.
pub fn validate_round(
    kind: &str,
    title: &str,
    k: i32,
    rubric: Option<Rubric>,
    phases: Option<Vec<PhaseSpec>>,
    threshold: Option<f64>,
) -> Result<(RoundSettings, Vec<PhaseSpec>), RoundErrors> {
    let mut errs: RoundErrors = Vec::new();
    let mut bad = |field: String, msg: &str| errs.push((field, FieldError::new("invalid", msg)));
    if !ROUND_KINDS.iter().any(|(c, _)| *c == kind) {
        bad("kind".into(), "请选择评审类型");
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        bad("title".into(), "请填写评审批次名称（不超过 100 字）");
    }
    if !(1..=15).contains(&k) {
        bad("per_application".into(), "每项申报的专家人数应为 1–15");
    }
    let threshold = threshold.unwrap_or(20.0);
    if !(threshold.is_finite() && (0.0..=100.0).contains(&threshold)) {
        bad("disagreement_threshold".into(), "分歧阈值应在 0–100 之间");
    }
    let rubric = rubric.unwrap_or_else(Rubric::default_initial);
    let rubric_problems = rubric.validate().err().unwrap_or_default();
    let phases = match phases {
        None => default_phases(),
        Some(list) => {
            if list.is_empty() || list.len() > 6 {
                bad("phases".into(), "评审阶段应为 1–6 个");
            }
            let mut out = Vec::new();
            for (i, p) in list.into_iter().enumerate() {
                if !PHASE_KINDS.iter().any(|(c, _)| *c == p.kind) {
                    bad(format!("phases[{i}].kind"), "请选择阶段类型");
                }
                let n = p.name.trim().chars().count();
                if n == 0 || n > 30 {
                    bad(
                        format!("phases[{i}].name"),
                        "请填写阶段名称（不超过 30 字）",
                    );
                }
                if p.decider != "office" && p.decider != "experts" {
                    bad(format!("phases[{i}].decider"), "请选择决定方");
                }
                out.push(PhaseSpec {
                    kind: p.kind,
                    name: p.name.trim().to_owned(),
                    blind: p.blind,
                    scores_editable: p.scores_editable,
                    decider: p.decider,
                });
            }
            out
        }
    };
    errs.extend(rubric_problems);
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok((
        RoundSettings {
            kind: kind.to_owned(),
            title: title.to_owned(),
            per_application: k,
            rubric,
            disagreement_threshold: threshold,
        },
        phases,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind() -> &'static str {
        ROUND_KINDS[0].0
    }

    fn fields(r: Result<(RoundSettings, Vec<PhaseSpec>), RoundErrors>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn defaults_fill_what_is_not_given() {
        let (r, phases) = validate_round(kind(), " 初评 ", 5, None, None, None).unwrap();
        assert_eq!(r.title, "初评");
        assert_eq!(r.disagreement_threshold, 20.0);
        assert!(r.rubric.validate().is_ok());
        assert_eq!(phases, default_phases());
        assert_eq!(phases.len(), 2);
        assert!(phases[0].blind && !phases[1].blind);
    }

    #[test]
    fn the_settings_are_checked() {
        let errs = fields(validate_round(
            "nonsense",
            " ",
            0,
            None,
            None,
            Some(f64::NAN),
        ));
        assert_eq!(
            errs,
            ["kind", "title", "per_application", "disagreement_threshold"]
        );
        assert_eq!(
            fields(validate_round(kind(), "t", 16, None, None, Some(100.5))),
            ["per_application", "disagreement_threshold"]
        );
    }

    #[test]
    fn a_bad_phase_list_is_refused() {
        assert_eq!(
            fields(validate_round(kind(), "t", 3, None, Some(vec![]), None)),
            ["phases"]
        );
        let seven = vec![default_phases()[0].clone(); 7];
        assert_eq!(
            fields(validate_round(kind(), "t", 3, None, Some(seven), None)),
            ["phases"]
        );
        let bad = PhaseSpec {
            kind: "nonsense".into(),
            name: "  ".into(),
            blind: false,
            scores_editable: false,
            decider: "nobody".into(),
        };
        assert_eq!(
            fields(validate_round(
                kind(),
                "t",
                3,
                None,
                Some(vec![default_phases()[1].clone(), bad]),
                None
            )),
            ["phases[1].kind", "phases[1].name", "phases[1].decider"]
        );
    }

    #[test]
    fn phase_names_are_trimmed() {
        let mut p = default_phases()[0].clone();
        p.name = " 网评 ".into();
        let (_, phases) = validate_round(kind(), "t", 3, None, Some(vec![p]), None).unwrap();
        assert_eq!(phases[0].name, "网评");
    }
}
