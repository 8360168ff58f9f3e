//! The intake list (申报汇总) as Excel: the list people keep in spreadsheets.

use chanjiao_domain::applications::{InstitutionTypes, Status};
use chanjiao_domain::provinces::province_by_code;
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One application of the list, as the caller read it.
#[derive(Debug, Clone)]
pub struct IntakeRow {
    pub number: Option<String>,
    pub call_title: String,
    pub lead_name: String,
    pub province_code: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    /// The stored status code (its Chinese label is printed).
    pub status: String,
    pub partner_count: i64,
    pub confirmed_count: i64,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub paper_received_on: Option<String>,
}

/// The intake list: one row per application, with Chinese headers and labels.
pub fn applications_xlsx(rows: &[IntakeRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("申报汇总")?;
    let bold = Format::new().set_bold();
    let headers = [
        "申报编号",
        "批次",
        "牵头院校",
        "省份",
        "院校类型",
        "申报方向",
        "状态",
        "联合单位数",
        "已确认",
        "提交版本",
        "提交时间",
        "纸质件签收",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let cells = [
            r.number.clone().unwrap_or_default(),
            r.call_title.clone(),
            r.lead_name.clone(),
            province_by_code(&r.province_code)
                .map_or_else(|| r.province_code.clone(), |p| p.name.to_owned()),
            r.institution_type
                .as_deref()
                .and_then(InstitutionTypes::label)
                .unwrap_or("")
                .to_owned(),
            r.direction.clone().unwrap_or_default(),
            Status::parse(&r.status).map_or_else(|| r.status.clone(), |s| s.label_zh().to_owned()),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(row, c as u16, v)?;
        }
        sheet.write_number(row, 7, r.partner_count as f64)?;
        sheet.write_number(row, 8, r.confirmed_count as f64)?;
        if let Some(v) = r.submitted_version {
            sheet.write_number(row, 9, f64::from(v))?;
        }
        if let Some(t) = r.submitted_at {
            sheet.write_string(
                row,
                10,
                chanjiao_domain::time::local(t)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            )?;
        }
        sheet.write_string(row, 11, r.paper_received_on.clone().unwrap_or_default())?;
    }
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(2, 30)?;
    sheet.set_column_width(10, 20)?;
    wb.save_to_buffer()
}
