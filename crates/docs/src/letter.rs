//! The 立项通知书 (initiation letter): an official notice (GB/T 9704 style) that an application
//! passed review and is approved for construction.
//!
//! The wording is composed here, in Rust, from plain strings; the template
//! (`templates/initiation_letter.typ`) only places them, so no text of the caller's is ever read
//! as typst markup.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::DocError;
use crate::model::{chinese_number, clean_line, paragraphs};

/// What the 立项通知书 says. Every text is printed literally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiationLetter {
    /// 发文字号, printed under the masthead and in the footer, e.g. `产教立项〔2026〕第 007 号`.
    pub letter_number: String,
    /// 发文机关: the masthead (红头), the signature and the 版记, e.g.
    /// `专精特新产业学院项目建设办公室`.
    pub issuer: String,
    /// The call, e.g. `2026年先进半导体领域专精特新产业学院建设`.
    pub call_title: String,
    /// The call's document number, e.g. `CASA 联盟函【2026】019 号`.
    pub call_doc_number: Option<String>,
    /// The application's number, e.g. `SQ-2026-0001`.
    pub application_number: String,
    /// The lead institution: the addressee.
    pub lead_name: String,
    /// The partner organisations, in the application's order (may be empty).
    pub partner_names: Vec<String>,
    /// The industry college's name, when known; printed as given, never derived.
    pub college_name: Option<String>,
    /// The 申报方向 as a Chinese label, e.g. `功率半导体器件` (empty: not printed).
    pub direction: String,
    /// The review round, e.g. `2026年度立项评审` (empty: not printed).
    pub round_title: String,
    /// 成文日期.
    pub decision_date: NaiveDate,
    /// Numbered requirements (建设期、备案、中期检查…), one paragraph each (a newline starts a
    /// new paragraph within an item). Printed as 一、二、…
    pub items: Vec<String>,
    /// The verification page's URL; when given, the footer carries its QR code.
    pub verify_url: Option<String>,
}

/// The closing line.
pub(crate) const CLOSING: &str = "特此通知。";
/// The seal placeholder.
pub(crate) const SEAL: &str = "（盖章）";

#[derive(Debug, Clone, Serialize)]
struct Item {
    /// "一、"
    num: String,
    paras: Vec<String>,
}

/// The letter as the template prints it.
#[derive(Debug, Clone, Serialize)]
struct LetterView {
    doc_title: String,
    issuer: String,
    letter_number: String,
    title: String,
    /// "<lead>："
    addressee: String,
    /// Body paragraphs before the items.
    body: Vec<String>,
    /// "现将有关要求通知如下：", when there are items.
    items_intro: String,
    items: Vec<Item>,
    closing: String,
    seal: String,
    date: String,
    /// 版记: "抄送：…。" (empty without partners) and "<issuer>　<date>印发".
    cc: String,
    printed: String,
}

/// "2026年3月5日" (GB/T 9704-2012: Arabic numerals, no leading zeros).
pub(crate) fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A single-line field with nothing but whitespace counted as absent.
fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(clean_line).filter(|s| !s.is_empty())
}

impl LetterView {
    fn new(l: &InitiationLetter) -> LetterView {
        let issuer = clean_line(&l.issuer);
        let letter_number = clean_line(&l.letter_number);
        let lead = clean_line(&l.lead_name);
        let college = opt(&l.college_name);
        let partners: Vec<String> = l
            .partner_names
            .iter()
            .map(|p| clean_line(p))
            .filter(|p| !p.is_empty())
            .collect();
        let date = chinese_date(l.decision_date);

        let title = match &college {
            Some(c) => format!("关于同意建设{c}的立项通知"),
            None => format!("关于同意{lead}牵头建设专精特新产业学院的立项通知"),
        };

        // 根据《<call>》（<doc>）有关安排，你单位牵头申报的专精特新产业学院建设项目（申报编号：…，
        // 申报方向：…），经专家评审（<round>）和综合评议，现同意立项建设“<college>”。
        let mut p1 = String::new();
        let call = clean_line(&l.call_title);
        if !call.is_empty() {
            p1.push_str("根据");
            if call.starts_with('《') {
                p1.push_str(&call);
            } else {
                p1.push_str(&format!("《{call}》"));
            }
            if let Some(doc) = opt(&l.call_doc_number) {
                p1.push_str(&format!("（{doc}）"));
            }
            p1.push_str("有关安排，");
        }
        p1.push_str("你单位牵头申报的专精特新产业学院建设项目（申报编号：");
        p1.push_str(&clean_line(&l.application_number));
        let direction = clean_line(&l.direction);
        if !direction.is_empty() {
            p1.push_str(&format!("，申报方向：{direction}"));
        }
        p1.push_str("），经专家评审");
        let round = clean_line(&l.round_title);
        if !round.is_empty() {
            p1.push_str(&format!("（{round}）"));
        }
        p1.push_str("和综合评议，现同意立项建设");
        if let Some(c) = &college {
            p1.push_str(&format!("“{c}”"));
        }
        p1.push('。');

        let p2 = if partners.is_empty() {
            "请你单位按照申报书明确的建设目标、建设内容和保障措施，认真组织实施，确保按期完成各项建设任务。".to_owned()
        } else {
            format!(
                "该产业学院由你单位牵头，联合{}共同建设。请你单位会同联合建设单位按照申报书明确的建设目标、建设内容和保障措施，认真组织实施，确保按期完成各项建设任务。",
                partners.join("、")
            )
        };

        let items: Vec<Item> = l
            .items
            .iter()
            .map(|t| paragraphs(t))
            .filter(|ps| !ps.is_empty())
            .enumerate()
            .map(|(i, paras)| Item {
                num: format!("{}、", chinese_number(i)),
                paras,
            })
            .collect();

        LetterView {
            doc_title: if letter_number.is_empty() {
                title.clone()
            } else {
                format!("{title}（{letter_number}）")
            },
            issuer: issuer.clone(),
            letter_number,
            title,
            addressee: format!("{lead}："),
            body: vec![p1, p2],
            items_intro: if items.is_empty() {
                String::new()
            } else {
                "现将有关要求通知如下：".to_owned()
            },
            items,
            closing: CLOSING.to_owned(),
            seal: SEAL.to_owned(),
            cc: if partners.is_empty() {
                String::new()
            } else {
                format!("抄送：{}。", partners.join("，"))
            },
            printed: format!("{issuer}　　{date}印发"),
            date,
        }
    }
}

pub(crate) fn render(letter: &InitiationLetter) -> Result<Vec<u8>, DocError> {
    let view = LetterView::new(letter);
    let data = serde_json::to_value(&view).map_err(|e| DocError::Data(e.to_string()))?;
    let ident = if view.letter_number.is_empty() {
        format!("letter-{}", clean_line(&letter.application_number))
    } else {
        view.letter_number.clone()
    };
    crate::pdf::compile(
        &crate::pdf::INITIATION_LETTER,
        data,
        letter.verify_url.as_deref(),
        ident,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> InitiationLetter {
        InitiationLetter {
            letter_number: "产教立项〔2026〕第 007 号".into(),
            issuer: "专精特新产业学院项目建设办公室".into(),
            call_title: "2026年先进半导体领域专精特新产业学院建设".into(),
            call_doc_number: Some("CASA 联盟函【2026】019 号".into()),
            application_number: "SQ-2026-0001".into(),
            lead_name: "苏州集成电路职业技术学院".into(),
            partner_names: vec!["甲公司".into(), " ".into(), "乙中心".into()],
            college_name: None,
            direction: "功率半导体器件".into(),
            round_title: "2026年度立项评审".into(),
            decision_date: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
            items: vec!["建设期三年。".into(), "  ".into(), "按期备案。".into()],
            verify_url: None,
        }
    }

    #[test]
    fn the_wording_is_composed_from_the_fields() {
        let v = LetterView::new(&letter());
        assert_eq!(
            v.title,
            "关于同意苏州集成电路职业技术学院牵头建设专精特新产业学院的立项通知"
        );
        assert_eq!(v.addressee, "苏州集成电路职业技术学院：");
        assert_eq!(
            v.body[0],
            "根据《2026年先进半导体领域专精特新产业学院建设》（CASA 联盟函【2026】019 号）有关安排，你单位牵头申报的专精特新产业学院建设项目（申报编号：SQ-2026-0001，申报方向：功率半导体器件），经专家评审（2026年度立项评审）和综合评议，现同意立项建设。"
        );
        assert!(v.body[1].contains("联合甲公司、乙中心共同建设"));
        assert_eq!(v.cc, "抄送：甲公司，乙中心。");
        assert_eq!(v.date, "2026年3月5日");
        assert_eq!(v.items.len(), 2, "blank items are dropped");
        assert_eq!(v.items[1].num, "二、");
        assert_eq!(
            v.printed,
            "专精特新产业学院项目建设办公室　　2026年3月5日印发"
        );
    }

    #[test]
    fn a_known_college_name_is_the_title() {
        let mut l = letter();
        l.college_name = Some("苏州先进半导体专精特新产业学院".into());
        l.partner_names.clear();
        l.call_doc_number = Some("  ".into());
        let v = LetterView::new(&l);
        assert_eq!(
            v.title,
            "关于同意建设苏州先进半导体专精特新产业学院的立项通知"
        );
        assert!(
            v.body[0].contains("》有关安排"),
            "a blank doc number is left out"
        );
        assert!(v.body[0].ends_with("现同意立项建设“苏州先进半导体专精特新产业学院”。"));
        assert!(v.cc.is_empty());
        assert!(!v.body[1].contains("联合"));
    }
}
