//! Writing the expert pool: the import template and the export.

use chanjiao_domain::provinces::{PROVINCES, province_by_code};
use chanjiao_domain::validate::uscc_check_char;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};

use super::*;

/// The import template: the headers, one example row, drop-downs for 所在省份 and 可参评, and
/// a second sheet listing the field codes and names and the provinces. `fields` is the
/// controlled list of 专业领域 as `(code, name)`.
pub fn template(fields: &[(String, String)]) -> Vec<u8> {
    write_template(fields).expect("the template's layout is static and within Excel's limits")
}

/// The expert pool with the template's columns plus 当前评审量, which re-imports as is.
pub fn export(rows: &[ExpertExportRow]) -> Vec<u8> {
    write_export(rows).expect("cell values are clipped to Excel's limits")
}

pub(super) fn write_template(fields: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    write_headers(sheet, false)?;
    let example = example_row(fields);
    write_row(sheet, 1, &example)?;
    sheet.insert_note(
        1,
        0,
        &rust_xlsxwriter::Note::new("第2行是示例，导入前请删除或改为真实信息。").set_author("平台"),
    )?;

    // Drop-downs: provinces from the code sheet, 是/否.
    let province_list = DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "='{CODES_SHEET_NAME}'!$E$2:$E${}",
            PROVINCES.len() + 1
        )))
        .ignore_blank(true);
    sheet.add_data_validation(
        1,
        PROVINCE as u16,
        TEMPLATE_ROWS,
        PROVINCE as u16,
        &province_list,
    )?;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["是", "否"])?
        .ignore_blank(true);
    sheet.add_data_validation(
        1,
        AVAILABLE as u16,
        TEMPLATE_ROWS,
        AVAILABLE as u16,
        &yes_no,
    )?;

    let codes = wb.add_worksheet();
    codes.set_name(CODES_SHEET_NAME)?;
    let bold = Format::new().set_bold();
    codes.write_string_with_format(0, 0, "专业领域代码", &bold)?;
    codes.write_string_with_format(0, 1, "专业领域名称", &bold)?;
    for (i, (code, name)) in fields.iter().enumerate() {
        let r = i as u32 + 1;
        codes.write_string(r, 0, clip(code))?;
        codes.write_string(r, 1, clip(name))?;
    }
    codes.write_string_with_format(0, 3, "省份代码", &bold)?;
    codes.write_string_with_format(0, 4, "省份名称", &bold)?;
    for (i, p) in PROVINCES.iter().enumerate() {
        let r = i as u32 + 1;
        codes.write_string(r, 3, p.code)?;
        codes.write_string(r, 4, p.name)?;
    }
    codes.write_string_with_format(0, 6, "填写说明", &bold)?;
    let notes = [
        "专业领域：填写左侧的代码或名称，多个用“、”或逗号、分号分隔。",
        "所在省份：填写省份名称（如 江苏省）或6位代码（如 320000）。",
        "关键词、回避单位统一社会信用代码：多个用“、”或逗号、分号分隔。",
        "最大评审量：1–200 的整数；可参评：是 或 否。",
        "手机、邮箱、统一社会信用代码、关键词、回避单位可不填，其余各列必填。",
        "账号为3–32位小写字母、数字或 _ . -，同一文件内不可重复。",
    ];
    for (i, n) in notes.iter().enumerate() {
        codes.write_string(i as u32 + 1, 6, *n)?;
    }
    codes.set_column_width(0, 14)?;
    codes.set_column_width(1, 24)?;
    codes.set_column_width(3, 10)?;
    codes.set_column_width(4, 18)?;
    codes.set_column_width(6, 70)?;
    wb.save_to_buffer()
}

pub(super) fn write_export(rows: &[ExpertExportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    write_headers(sheet, true)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        write_row(sheet, row, &cells_of(r))?;
        sheet.write_number(row, HEADERS.len() as u16, r.active_load as f64)?;
    }
    wb.save_to_buffer()
}

/// The header row, column widths, text format for the code-like columns, a frozen top row.
pub(super) fn write_headers(
    sheet: &mut Worksheet,
    with_active_load: bool,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    if with_active_load {
        sheet.write_string_with_format(0, HEADERS.len() as u16, ACTIVE_LOAD_HEADER, &bold)?;
    }
    // Typed as text, so Excel keeps 11-digit phones and leading zeros as they are.
    for c in [LOGIN, PHONE, USCC, CONFLICTS] {
        sheet.set_column_format(c as u16, &text)?;
    }
    let widths: [(usize, f64); 13] = [
        (LOGIN, 14.0),
        (NAME, 10.0),
        (PHONE, 14.0),
        (EMAIL, 24.0),
        (TITLE, 12.0),
        (AFFILIATION, 28.0),
        (USCC, 22.0),
        (PROVINCE, 12.0),
        (FIELDS, 24.0),
        (KEYWORDS, 24.0),
        (MAX_LOAD, 10.0),
        (AVAILABLE, 8.0),
        (CONFLICTS, 40.0),
    ];
    for (c, w) in widths {
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One row's cells as text, in `HEADERS` order; 最大评审量 is written as a number.
pub(super) fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String; 13],
) -> Result<(), XlsxError> {
    for (c, v) in cells.iter().enumerate() {
        if c == MAX_LOAD
            && let Ok(n) = v.parse::<f64>()
        {
            sheet.write_number(row, c as u16, n)?;
            continue;
        }
        if !v.is_empty() {
            sheet.write_string(row, c as u16, clip(v))?;
        }
    }
    Ok(())
}

pub(super) fn cells_of(r: &ExpertExportRow) -> [String; 13] {
    [
        r.login.clone(),
        r.name.clone(),
        r.phone.clone().unwrap_or_default(),
        r.email.clone().unwrap_or_default(),
        r.title.clone(),
        r.affiliation_name.clone(),
        r.affiliation_uscc.clone().unwrap_or_default(),
        province_by_code(&r.province_code)
            .map_or_else(|| r.province_code.clone(), |p| p.name.to_owned()),
        r.fields.join("、"),
        r.keywords.join("、"),
        r.max_load.to_string(),
        if r.available { "是" } else { "否" }.to_owned(),
        r.conflict_usccs.join("、"),
    ]
}

/// The example row of the template (fictitious values that pass every check).
pub(super) fn example_row(fields: &[(String, String)]) -> [String; 13] {
    let uscc = |first17: &str| {
        let check = uscc_check_char(first17).expect("17 valid characters");
        format!("{first17}{check}")
    };
    [
        "zhangsan".into(),
        "张三".into(),
        "13800138000".into(),
        "zhangsan@example.cn".into(),
        "教授".into(),
        "示例职业技术学院".into(),
        uscc("12320000MB0000001"),
        "江苏省".into(),
        fields
            .iter()
            .take(2)
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        "智能制造、产教融合".into(),
        "10".into(),
        "是".into(),
        uscc("91320100MA0000002"),
    ]
}

/// Cuts a value to what one Excel cell holds.
pub(super) fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
