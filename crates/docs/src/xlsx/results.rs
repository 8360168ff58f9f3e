//! A round's results as Excel: the ranking with the selection, and per-expert statistics.

use chanjiao_domain::review::lists::{DECISIONS, label};
use chanjiao_domain::review::results::Results;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Scores and ranking (评审排名) and the experts' score distributions (专家评分分布).
pub fn results_workbook(res: &Results) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name("评审排名")?;
    let headers = [
        "排名",
        "申报编号",
        "牵头院校",
        "省份",
        "评审数",
        "平均分",
        "去极值平均分",
        "标准化分",
        "标准差",
        "极差",
        "意见分歧",
        "入围结果",
        "立项文号",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, a) in res.applications.iter().enumerate() {
        let row = (i + 1) as u32;
        if let Some(rank) = a.rank {
            sheet.write_number(row, 0, rank as f64)?;
        }
        sheet.write_string(row, 1, a.number.clone().unwrap_or_default())?;
        sheet.write_string(row, 2, &a.lead_name)?;
        sheet.write_string(row, 3, &a.province_name)?;
        sheet.write_number(row, 4, a.reviews as f64)?;
        sheet.write_number(row, 5, a.mean)?;
        sheet.write_number(row, 6, a.trimmed_mean)?;
        sheet.write_number(row, 7, a.normalized)?;
        sheet.write_number(row, 8, a.stddev)?;
        sheet.write_number(row, 9, a.range)?;
        sheet.write_string(row, 10, if a.flagged { "是" } else { "" })?;
        sheet.write_string(
            row,
            11,
            a.decision
                .as_deref()
                .map_or(String::new(), |d| label(&DECISIONS, d)),
        )?;
        sheet.write_string(row, 12, a.letter_number.clone().unwrap_or_default())?;
    }
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 30)?;
    let experts = wb.add_worksheet();
    experts.set_name("专家评分分布")?;
    for (c, h) in ["专家", "评审数", "平均分", "标准差", "最低分", "最高分"]
        .iter()
        .enumerate()
    {
        experts.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, e) in res.experts.iter().enumerate() {
        let row = (i + 1) as u32;
        experts.write_string(row, 0, &e.name)?;
        experts.write_number(row, 1, e.reviews as f64)?;
        experts.write_number(row, 2, e.mean)?;
        experts.write_number(row, 3, e.stddev)?;
        experts.write_number(row, 4, e.min)?;
        experts.write_number(row, 5, e.max)?;
    }
    wb.save_to_buffer()
}
