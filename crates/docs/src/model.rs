//! The printable view of a form: every choice list resolved to (label, checked), every long text
//! split into paragraphs, in the official table's order. Both the PDF (as JSON data for the
//! typst template) and the DOCX are made from it, so the two always say the same.

use chanjiao_domain::applications::{
    ApplicationForm, COMMITMENT_TEXT, FundingSources, InstitutionTypes, PartnerCategories,
    SupportingProjects,
};
use chanjiao_domain::organizations::UniversityNature;
use serde::Serialize;

use crate::{PrintMeta, Variant};

/// The document's title.
pub(crate) const TITLE: &str = "先进半导体领域专精特新产业学院申报书";
/// The mark of a draft.
pub(crate) const DRAFT_MARK: &str = "草稿 DRAFT（未提交）";
/// Footnote 1 of the official table (under 单位类别).
pub(crate) const PARTNER_NOTE: &str = "联合申报单位需含至少一家专精特新企业（省级以上），在此基础上鼓励联合地方（地市级以上）中小企业中心、行业协会、园区及重点产业链龙头企业建设。如联合申报单位不止一家，可按此格式附后说明。";
/// The mark of the blind-review variant, on every page.
pub(crate) const BLIND_MARK: &str = "盲审版 · 已隐去申报单位信息";
/// What a redacted value prints as (the server's redaction uses the same).
pub(crate) const REDACTED: &str = "■■■";
/// The blank of an unfilled "其他____".
pub(crate) const BLANK: &str = "＿＿＿＿";

/// One option of a choice list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Choice {
    pub label: String,
    pub checked: bool,
    /// For 其他: whether the form has a blank after it.
    pub blank: bool,
    /// The text written in that blank.
    pub fill: String,
}

impl Choice {
    /// ☑ / ☐.
    pub fn mark(&self) -> &'static str {
        if self.checked { "☑" } else { "☐" }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Lead {
    pub institution_type: Vec<Choice>,
    pub name: String,
    pub nature: Vec<Choice>,
    pub contact_name: String,
    pub contact_title: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub profile: Vec<String>,
    pub direction: String,
    pub supporting_projects: Vec<Choice>,
    pub funding_sources: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Partner {
    /// "（一）", "（二）"… when there is more than one partner, else empty.
    pub ordinal: String,
    pub name: String,
    pub uscc: String,
    pub category: Vec<Choice>,
    pub contact: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub profile: Vec<String>,
}

/// A labelled long text (a row of the table, or a sub-heading of 建设规划).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Prose {
    pub label: String,
    /// The official hint under the label, as on the blank form.
    pub hint: String,
    pub paras: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlanSection {
    pub heading: String,
    pub paras: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Commitment {
    pub text: String,
    pub responsible_person: String,
    pub approved: Choice,
    pub meeting_date: String,
}

/// The whole printable form.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct View {
    pub title: String,
    pub call_title: String,
    pub doc_number: String,
    pub application_no: String,
    pub version: i32,
    pub hash12: String,
    pub draft: bool,
    pub draft_mark: String,
    /// The blind-review variant.
    pub blind: bool,
    pub blind_mark: String,
    pub lead: Lead,
    pub partners: Vec<Partner>,
    pub partner_note: String,
    pub industry_education: Vec<Prose>,
    pub goals: Prose,
    pub plan: Vec<PlanSection>,
    pub plan_hint: String,
    pub innovation: Prose,
    pub guarantees: Vec<Prose>,
    pub commitment: Commitment,
}

fn choices(
    all: &[(&str, &str)],
    chosen: &[&str],
    other_fill: &str,
    other_blank: bool,
) -> Vec<Choice> {
    all.iter()
        .map(|(code, label)| {
            let checked = chosen.contains(code);
            let is_other = *code == "other" && other_blank;
            Choice {
                label: (*label).to_owned(),
                checked,
                blank: is_other,
                fill: if is_other {
                    clean_line(other_fill)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

/// Control characters other than newlines and tabs never reach a document.
fn strip_controls(s: &str) -> String {
    s.chars()
        .filter(|c| {
            (!c.is_control() || *c == '\n' || *c == '\t') && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
        })
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect()
}

/// A one-line field: newlines become spaces; long unbreakable runs get break opportunities.
pub(crate) fn clean_line(s: &str) -> String {
    let s = strip_controls(s).replace('\n', " ");
    breakable_within(s.trim(), 14)
}

/// Paragraphs of a long text: one per non-empty line.
pub(crate) fn paragraphs(s: &str) -> Vec<String> {
    strip_controls(&s.replace("\r\n", "\n").replace('\r', "\n"))
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(breakable)
        .collect()
}

/// Gives long runs without a break opportunity (e-mails, URLs, long numbers) places to wrap, so
/// that they stay inside their table cell: runs longer than `max` characters get a zero-width
/// space after each `@ . / - _ ? & = :`, and pieces still longer than `max` get one every `max`
/// characters. CJK text breaks anywhere by itself and is left alone.
fn breakable_within(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, out: &mut String| {
        if word.len() > max {
            let mut piece = 0;
            for (i, c) in word.iter().enumerate() {
                if piece >= max {
                    out.push('\u{200B}');
                    piece = 0;
                }
                out.push(*c);
                piece += 1;
                if "@./-_?&=:".contains(*c) && i + 1 < word.len() {
                    out.push('\u{200B}');
                    piece = 0;
                }
            }
        } else {
            out.extend(word.iter());
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_whitespace() || (c as u32) >= 0x2E80 {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// For text in full-width cells.
fn breakable(s: &str) -> String {
    breakable_within(s, 30)
}

const ORDINALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

/// "一", "二"… for 0, 1…; Arabic digits past twenty.
pub(crate) fn chinese_number(i: usize) -> String {
    match ORDINALS.get(i) {
        Some(o) => (*o).to_owned(),
        None => (i + 1).to_string(),
    }
}

fn ordinal(i: usize) -> String {
    format!("（{}）", chinese_number(i))
}

/// For the blind variant: blanks identifying fields and removes the applicants' names from the
/// texts. A no-op for the full variant.
struct Redactor {
    blind: bool,
    /// Names to remove from texts, longest first.
    names: Vec<String>,
}

impl Redactor {
    fn new(form: &ApplicationForm, variant: Variant) -> Redactor {
        let blind = variant == Variant::Blind;
        let mut names: Vec<String> = Vec::new();
        if blind {
            // A contact is often written "张伟（人力资源总监）": the name is the part before the
            // bracket.
            let person = |s: &str| -> String {
                s.split(['（', '(', '，', ',', '/', '、'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            };
            let l = &form.lead;
            let mut all = vec![
                l.name.trim().to_owned(),
                person(&l.contact_name),
                l.contact_phone.trim().to_owned(),
                l.contact_email.trim().to_owned(),
                person(&form.commitment.responsible_person),
            ];
            for p in &form.partners {
                all.extend([
                    p.name.trim().to_owned(),
                    p.uscc.trim().to_owned(),
                    person(&p.contact),
                    p.contact_phone.trim().to_owned(),
                    p.contact_email.trim().to_owned(),
                ]);
            }
            for n in all {
                // One character is too little to tell a name from ordinary text; what the
                // caller already redacted needs nothing.
                if n.chars().count() >= 2 && !n.contains('■') && !names.contains(&n) {
                    names.push(n);
                }
            }
            names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        }
        Redactor { blind, names }
    }

    /// A field that identifies an applicant: `■■■` in the blind variant (unless empty).
    fn field(&self, s: &str) -> String {
        if self.blind && !s.trim().is_empty() {
            REDACTED.to_owned()
        } else {
            clean_line(s)
        }
    }

    /// A text that may mention an applicant: their names become `■■■` in the blind variant.
    fn text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        let mut out = std::borrow::Cow::Borrowed(s);
        for n in &self.names {
            if out.contains(n.as_str()) {
                out = std::borrow::Cow::Owned(out.replace(n.as_str(), REDACTED));
            }
        }
        out
    }

    fn paragraphs(&self, s: &str) -> Vec<String> {
        paragraphs(&self.text(s))
    }

    fn prose(&self, label: &str, hint: &str, text: &str) -> Prose {
        prose(label, hint, &self.text(text))
    }
}

/// "2022-11-20" → "2022年11月20日"; empty → blanks to fill by hand; anything else as typed.
fn chinese_date(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "＿＿＿＿年＿＿月＿＿日".to_owned();
    }
    let parts: Vec<&str> = s.split('-').collect();
    if let [y, m, d] = parts[..]
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>())
    {
        return format!("{y}年{m}月{d}日");
    }
    clean_line(s)
}

fn one(v: &Option<String>) -> Vec<&str> {
    v.as_deref().into_iter().collect()
}

fn many_codes(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn prose(label: &str, hint: &str, text: &str) -> Prose {
    Prose {
        label: label.to_owned(),
        hint: hint.to_owned(),
        paras: paragraphs(text),
    }
}

impl View {
    pub(crate) fn new(form: &ApplicationForm, meta: &PrintMeta, variant: Variant) -> View {
        let r = Redactor::new(form, variant);
        let l = &form.lead;
        let natures: Vec<(&str, &str)> = UniversityNature::ALL
            .iter()
            .map(|n| (n.as_str(), n.label_zh()))
            .collect();

        let direction = if !meta.direction_label.trim().is_empty() {
            clean_line(&meta.direction_label)
        } else {
            clean_line(l.direction.as_deref().unwrap_or(""))
        };
        let lead = Lead {
            institution_type: choices(InstitutionTypes::ALL, &one(&l.institution_type), "", false),
            name: r.field(&l.name),
            nature: choices(&natures, &one(&l.nature), "", false),
            contact_name: r.field(&l.contact_name),
            contact_title: r.field(&l.contact_title),
            contact_phone: r.field(&l.contact_phone),
            contact_email: r.field(&l.contact_email),
            profile: r.paragraphs(&l.profile),
            direction,
            supporting_projects: choices(
                SupportingProjects::ALL,
                &many_codes(&l.supporting_projects),
                &r.text(&l.supporting_projects_other),
                true,
            ),
            funding_sources: choices(
                FundingSources::ALL,
                &many_codes(&l.funding_sources),
                &r.text(&l.funding_sources_other),
                true,
            ),
        };

        let default_partner = [chanjiao_domain::applications::PartnerBlock::default()];
        let blocks = if form.partners.is_empty() {
            &default_partner[..]
        } else {
            &form.partners[..]
        };
        let many = blocks.len() > 1;
        let partners = blocks
            .iter()
            .enumerate()
            .map(|(i, p)| Partner {
                ordinal: if many { ordinal(i) } else { String::new() },
                name: r.field(&p.name),
                uscc: r.field(&p.uscc),
                category: choices(PartnerCategories::ALL, &one(&p.category), "", false),
                contact: r.field(&p.contact),
                contact_phone: r.field(&p.contact_phone),
                contact_email: r.field(&p.contact_email),
                profile: r.paragraphs(&p.profile),
            })
            .collect();

        let ie = &form.industry_education;
        let g = &form.goals;
        let gu = &form.guarantees;
        let c = &form.commitment;
        let hash12: String = meta
            .content_hash
            .trim()
            .to_ascii_lowercase()
            .chars()
            .take(12)
            .collect();
        View {
            title: TITLE.to_owned(),
            call_title: clean_line(&meta.call_title),
            doc_number: clean_line(&meta.doc_number),
            application_no: clean_line(&meta.application_no),
            version: meta.version,
            hash12,
            draft: meta.draft,
            draft_mark: DRAFT_MARK.to_owned(),
            blind: r.blind,
            blind_mark: BLIND_MARK.to_owned(),
            lead,
            partners,
            partner_note: PARTNER_NOTE.to_owned(),
            industry_education: vec![
                r.prose(
                    "主要工作",
                    "（牵头申报院校开展的产教融合工作情况）",
                    &ie.main_work,
                ),
                r.prose(
                    "成效经验",
                    "（产教融合工作取得的突出成效、成果和经验总结）",
                    &ie.results,
                ),
                r.prose(
                    "特色创新",
                    "（产教融合工作在运营内容、机制、模式等方面的创新和特色）",
                    &ie.innovation,
                ),
            ],
            goals: r.prose(
                "建设目标",
                "（专精特新产业学院在服务地方经济、专业改革、学生发展等方面的工作目标）",
                &g.goals,
            ),
            plan: g
                .plan
                .sections()
                .iter()
                .enumerate()
                .map(|(i, (_, heading, text))| PlanSection {
                    heading: format!("{}{heading}", ordinal(i)),
                    paras: r.paragraphs(text),
                })
                .collect(),
            plan_hint: "（对照建设指南所述建设内容填写）".to_owned(),
            innovation: r.prose(
                "创新特色",
                "（专精特新产业学院在运营内容、机制、模式上的创新和特色）",
                &g.innovation,
            ),
            guarantees: vec![
                r.prose(
                    "设施保障",
                    "（专精特新产业学院建设在场地、空间、设备等方面的保障）",
                    &gu.facilities,
                ),
                r.prose(
                    "组织保障",
                    "（专精特新产业学院建设在人员、组织、实施体系等方面的保障）",
                    &gu.organisation,
                ),
                r.prose(
                    "经费保障",
                    "（需明确专精特新产业学院建设的经费来源）",
                    &gu.funding,
                ),
                r.prose(
                    "其他保障",
                    "（专精特新产业学院在其他方面的保障及从地方政府争取到的支持等）",
                    &gu.other,
                ),
            ],
            commitment: Commitment {
                text: COMMITMENT_TEXT.to_owned(),
                // The signature block of the blind variant names nobody.
                responsible_person: if r.blind {
                    String::new()
                } else {
                    clean_line(&c.responsible_person)
                },
                approved: Choice {
                    label: "经学校办公会议批准".to_owned(),
                    checked: c.office_meeting_approved,
                    blank: false,
                    fill: String::new(),
                },
                meeting_date: chinese_date(&c.office_meeting_date),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_get_break_opportunities_and_cjk_is_untouched() {
        let url = "https://example.com/".to_owned() + &"a".repeat(60);
        let b = breakable(&url);
        assert!(b.contains('\u{200B}'));
        assert_eq!(b.replace('\u{200B}', ""), url);
        assert_eq!(breakable("产教融合 short words"), "产教融合 short words");
        assert_eq!(
            clean_line("lijuan@szicvc.edu.cn"),
            "lijuan@\u{200B}szicvc.\u{200B}edu.\u{200B}cn"
        );
        assert_eq!(clean_line("0512-68601234"), "0512-68601234");
    }

    #[test]
    fn paragraphs_split_on_lines_and_drop_controls() {
        assert_eq!(paragraphs("一\r\n\n 二\u{7}\r三"), vec!["一", "二", "三"]);
    }

    #[test]
    fn dates_print_in_chinese() {
        assert_eq!(chinese_date("2022-11-20"), "2022年11月20日");
        assert_eq!(chinese_date(""), "＿＿＿＿年＿＿月＿＿日");
    }
}
