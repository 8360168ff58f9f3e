//! The expert pool (专家库) in Excel: the import template, parsing an uploaded file into
//! validated rows, and the export (which re-imports cleanly).
//!
//! Columns are found by their Chinese header, so their order does not matter and extra
//! columns (the export's 当前评审量, a user's own notes) are ignored; every one of
//! [`HEADERS`] must be present. Values are checked with the domain's validators (login names,
//! mobile numbers, e-mail addresses, 统一社会信用代码, provinces), which also normalise
//! full-width characters and stray spaces. Every problem of every row is reported, so a user
//! fixes the whole file in one go.
//!
//! Uploaded bytes are untrusted: [`parse_upload`] has the caller's upload check vet the zip
//! (entry count, expansion, ratio; the server's `files::sniff`) before calamine opens it, and the sheet is read cell by cell rather than
//! as a dense range, so a file with one cell at `XFD1048576` costs nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chanjiao_domain::FieldError;
use chanjiao_domain::provinces::{PROVINCES, ProvinceCode, province_by_code};
use chanjiao_domain::users::account::parse_login;
use chanjiao_domain::validate::{
    Email, MobilePhone, Uscc, bounded_text, normalize_compact, normalize_text, uscc_check_char,
};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};
use serde::Serialize;

/// The columns, in the template's order.
pub const HEADERS: [&str; 13] = [
    "账号",
    "姓名",
    "手机",
    "邮箱",
    "职称",
    "工作单位",
    "统一社会信用代码",
    "所在省份",
    "专业领域",
    "关键词",
    "最大评审量",
    "可参评",
    "回避单位统一社会信用代码",
];
/// The export's extra, read-only column.
pub const ACTIVE_LOAD_HEADER: &str = "当前评审量";
/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 5000;
/// The range of 最大评审量.
pub const MAX_LOAD_RANGE: std::ops::RangeInclusive<i32> = 1..=200;
/// Most keywords per expert, and characters per keyword.
pub const MAX_KEYWORDS: usize = 20;
pub const MAX_KEYWORD_CHARS: usize = 30;
/// Most 回避单位 per expert.
pub const MAX_CONFLICTS: usize = 50;

/// The message for anything that is not a readable .xlsx file.
pub const NOT_XLSX: &str = "文件不是有效的 Excel（.xlsx）文件";

/// Separators between the items of a list cell: 、 , ; (full-width ，； too) and line breaks.
const SEPARATORS: [char; 7] = ['、', ',', ';', '，', '；', '\n', '\r'];

const SHEET_NAME: &str = "专家库";
const CODES_SHEET_NAME: &str = "代码表";
/// Rows of the template that get drop-downs and text formats.
const TEMPLATE_ROWS: u32 = MAX_ROWS as u32 + 1;
/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Rows above the header that are tolerated (a title line, a note).
const HEADER_SEARCH_ROWS: usize = 10;
/// Columns beyond this are never read.
const MAX_COLUMNS: u32 = 64;

// Column positions in `HEADERS`.
const LOGIN: usize = 0;
const NAME: usize = 1;
const PHONE: usize = 2;
const EMAIL: usize = 3;
const TITLE: usize = 4;
const AFFILIATION: usize = 5;
const USCC: usize = 6;
const PROVINCE: usize = 7;
const FIELDS: usize = 8;
const KEYWORDS: usize = 9;
const MAX_LOAD: usize = 10;
const AVAILABLE: usize = 11;
const CONFLICTS: usize = 12;

/// One valid row of an imported file, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpertImportRow {
    /// The 1-based Excel row number (for messages).
    pub row: usize,
    /// Lower-case, as `account::parse_login` gives it.
    pub login: String,
    pub name: String,
    /// 11 digits.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub title: String,
    pub affiliation_name: String,
    /// The affiliation's 统一社会信用代码, upper-case.
    pub affiliation_uscc: Option<String>,
    /// 6-digit GB/T 2260 code.
    pub province_code: String,
    /// Field codes from the controlled list, without duplicates, in the file's order.
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    /// 统一社会信用代码 of organisations the expert must not review, upper-case, deduplicated.
    pub conflict_usccs: Vec<String>,
}

/// One expert as exported: the import row's fields (without `row`) plus the current load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpertExportRow {
    pub login: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub title: String,
    pub affiliation_name: String,
    pub affiliation_uscc: Option<String>,
    pub province_code: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    pub conflict_usccs: Vec<String>,
    /// Assignments currently open (written, never read back).
    pub active_load: i64,
}

/// A problem with an imported file. `row` is the 1-based Excel row (0: the file as a whole),
/// `column` the Chinese header ("" for the file as a whole), `message` says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    /// A stable code (the domain validator's, or this module's).
    pub code: &'static str,
    pub message: String,
}

impl RowProblem {
    fn new(row: usize, column: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: column.to_owned(),
            code,
            message: message.into(),
        }
    }

    fn file(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(0, "", code, message)
    }

    /// The `field` of the API's 422 answer: `"row 5: 手机"`, or `"file"` for the whole file.
    pub fn field(&self) -> String {
        match (self.row, self.column.is_empty()) {
            (0, true) => "file".to_owned(),
            (0, false) => self.column.clone(),
            (r, true) => format!("row {r}"),
            (r, false) => format!("row {r}: {}", self.column),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

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

fn write_template(fields: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
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

fn write_export(rows: &[ExpertExportRow]) -> Result<Vec<u8>, XlsxError> {
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
fn write_headers(sheet: &mut Worksheet, with_active_load: bool) -> Result<(), XlsxError> {
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
fn write_row(sheet: &mut Worksheet, row: u32, cells: &[String; 13]) -> Result<(), XlsxError> {
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

fn cells_of(r: &ExpertExportRow) -> [String; 13] {
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
fn example_row(fields: &[(String, String)]) -> [String; 13] {
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
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Parses an uploaded file against the controlled list of fields `(code, name)`. Either every
/// row is valid, or every problem found is returned (sorted by row, then column order).
///
/// For bytes this program made itself (an export read back); an upload goes through
/// [`parse_upload`].
pub fn parse(
    bytes: &[u8],
    fields: &[(String, String)],
) -> Result<Vec<ExpertImportRow>, Vec<RowProblem>> {
    parse_upload(bytes, fields, |_| Vetted::Xlsx)
}

/// What the caller's upload check says about the bytes before calamine opens them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vetted {
    /// A well-formed workbook within the archive limits.
    Xlsx,
    /// Something else (another type, or not a valid zip).
    NotXlsx,
    /// Refused with the check's own code and message (e.g. `archive_too_large`).
    Refused { code: &'static str, message: String },
}

/// [`parse`] for an uploaded file: `vet` inspects the untrusted bytes first.
pub fn parse_upload(
    bytes: &[u8],
    fields: &[(String, String)],
    vet: impl FnOnce(&[u8]) -> Vetted,
) -> Result<Vec<ExpertImportRow>, Vec<RowProblem>> {
    let (cells, rows_beyond_cap) = read_cells(bytes, vet).map_err(|p| vec![p])?;
    let mut rows = cells.into_iter().filter(|(_, r)| !r.is_empty());

    // The header: the first row naming 账号 among the first few; otherwise the first row.
    let head: Vec<(u32, BTreeMap<u32, String>)> = rows.by_ref().take(HEADER_SEARCH_ROWS).collect();
    let Some(header_at) = head
        .iter()
        .position(|(_, r)| r.values().any(|v| header_name(v) == HEADERS[LOGIN]))
        .or(if head.is_empty() { None } else { Some(0) })
    else {
        return Err(vec![RowProblem::file(
            "empty_file",
            "文件中没有数据，请使用平台下载的模板填写",
        )]);
    };
    let (header_row, header) = &head[header_at];
    let columns = map_columns(*header_row as usize + 1, header)?;
    let data: Vec<(u32, BTreeMap<u32, String>)> =
        head[header_at + 1..].iter().cloned().chain(rows).collect();

    let n = data
        .iter()
        .filter(|(_, r)| columns.iter().any(|c| r.get(c).is_some()))
        .count()
        + rows_beyond_cap;
    if n > MAX_ROWS {
        return Err(vec![RowProblem::file(
            "too_many_rows",
            format!("一次最多导入{MAX_ROWS}行，文件中有{n}行，请分成几个文件导入"),
        )]);
    }

    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut logins: HashMap<String, usize> = HashMap::new();
    for (r, cells) in &data {
        let values: [&str; 13] =
            std::array::from_fn(|i| cells.get(&columns[i]).map_or("", String::as_str));
        if values.iter().all(|v| v.is_empty()) {
            continue;
        }
        let row = *r as usize + 1;
        let mut row_problems = Vec::new();
        let parsed = parse_row(row, &values, fields, &mut row_problems);
        // Checked whatever else is wrong with the row, so a fix of the rest does not reveal it.
        if let Ok(login) = parse_login(values[LOGIN]) {
            if let Some(first) = logins.get(&login) {
                row_problems.push(RowProblem::new(
                    row,
                    HEADERS[LOGIN],
                    "duplicate_login",
                    format!("账号“{login}”与第{first}行重复，同一文件中每个账号只能出现一次"),
                ));
            } else {
                logins.insert(login, row);
            }
        }
        match parsed {
            Some(p) if row_problems.is_empty() => out.push(p),
            _ => problems.extend(row_problems),
        }
    }
    if !problems.is_empty() {
        let column_order = |p: &RowProblem| HEADERS.iter().position(|h| *h == p.column);
        problems.sort_by_key(|p| (p.row, column_order(p)));
        return Err(problems);
    }
    if out.is_empty() {
        return Err(vec![RowProblem::file(
            "empty_file",
            "文件中没有专家数据（表头下方的行都是空的）",
        )]);
    }
    Ok(out)
}

/// The first sheet's non-empty cells as text, by row then column (0-based). At most
/// `MAX_ROWS` + a margin rows are kept (a larger file is refused anyway); the number of
/// further non-empty rows is returned beside them.
type Cells = BTreeMap<u32, BTreeMap<u32, String>>;

fn read_cells(
    bytes: &[u8],
    vet: impl FnOnce(&[u8]) -> Vetted,
) -> Result<(Cells, usize), RowProblem> {
    let not_xlsx = || RowProblem::file("invalid_file", NOT_XLSX);
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE compound file: an .xls workbook, or an encrypted .xlsx.
        return Err(RowProblem::file(
            "invalid_file",
            format!(
                "{NOT_XLSX}：旧版 .xls 或设置了密码的文件请在 Excel 中另存为 .xlsx（不加密）后再导入"
            ),
        ));
    }
    match vet(bytes) {
        Vetted::Xlsx => {}
        Vetted::Refused { code, message } => return Err(RowProblem::file(code, message)),
        Vetted::NotXlsx => return Err(not_xlsx()),
    }
    let mut wb: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let Some(first) = wb.sheet_names().into_iter().next() else {
        return Err(not_xlsx());
    };
    let mut reader = match wb.worksheet_cells_reader(&first) {
        Ok(r) => r,
        // A sheet without any cell (`<sheetData/>`).
        Err(calamine::XlsxError::NotAWorksheet(_) | calamine::XlsxError::XmlEof(_)) => {
            return Ok((Cells::new(), 0));
        }
        Err(_) => return Err(not_xlsx()),
    };
    let cap = MAX_ROWS + HEADER_SEARCH_ROWS + 2;
    let mut rows = Cells::new();
    let mut beyond: std::collections::HashSet<u32> = std::collections::HashSet::new();
    while let Some(cell) = reader.next_cell().map_err(|_| not_xlsx())? {
        let (r, c) = cell.get_position();
        if c >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        if !rows.contains_key(&r) && rows.len() >= cap {
            // Enough to know the file is too large: only count the rest.
            beyond.insert(r);
            continue;
        }
        rows.entry(r).or_default().insert(c, text);
    }
    Ok((rows, beyond.len()))
}

/// A cell's value as the text a person sees (integers without `.0`).
fn cell_text(v: &DataRef<'_>) -> String {
    let number = |f: f64| {
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", f as i64)
        } else {
            f.to_string()
        }
    };
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        DataRef::DateTime(d) => number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A header cell as its plain name: normalised, without required-marks (`*`) or a trailing
/// note in brackets (`最大评审量（1–200）`).
fn header_name(cell: &str) -> String {
    let mut s = normalize_text(cell);
    s = s
        .trim_matches(|c| c == '*' || c == '＊' || c == ' ')
        .to_owned();
    if (s.ends_with(')') || s.ends_with('）'))
        && let Some(i) = s.rfind(['(', '（'])
    {
        s.truncate(i);
    }
    s.trim_matches(|c| c == '*' || c == '＊' || c == ' ')
        .to_owned()
}

/// Finds each of `HEADERS` in the header row: their column numbers, or a problem for each
/// missing or repeated one.
fn map_columns(
    excel_row: usize,
    header: &BTreeMap<u32, String>,
) -> Result<[u32; 13], Vec<RowProblem>> {
    let mut found: [Option<u32>; 13] = [None; 13];
    let mut problems = Vec::new();
    for (&c, v) in header {
        let name = header_name(v);
        if let Some(i) = HEADERS.iter().position(|h| *h == name) {
            if found[i].is_some() {
                problems.push(RowProblem::new(
                    excel_row,
                    HEADERS[i],
                    "duplicate_column",
                    format!("表头中“{}”出现了不止一次，请只保留一列", HEADERS[i]),
                ));
            } else {
                found[i] = Some(c);
            }
        }
    }
    for (i, f) in found.iter().enumerate() {
        if f.is_none() {
            problems.push(RowProblem::new(
                excel_row,
                HEADERS[i],
                "missing_column",
                format!(
                    "缺少“{}”列，请使用平台下载的模板（表头须包含：{}）",
                    HEADERS[i],
                    HEADERS.join("、")
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(found.map(|f| f.unwrap_or_default()))
    } else {
        Err(problems)
    }
}

/// Validates one row; every problem goes to `problems`. `Some` only when all columns parsed.
fn parse_row(
    row: usize,
    v: &[&str; 13],
    fields: &[(String, String)],
    problems: &mut Vec<RowProblem>,
) -> Option<ExpertImportRow> {
    let mut fail = |col: usize, e: FieldError| {
        problems.push(RowProblem::new(row, HEADERS[col], e.code, e.message));
    };
    let required = |col: usize| FieldError::new("required", format!("请填写{}", HEADERS[col]));

    let login = if normalize_compact(v[LOGIN]).is_empty() {
        Err(required(LOGIN))
    } else {
        parse_login(v[LOGIN])
    };
    let name = bounded_text(HEADERS[NAME], v[NAME], 50, true);
    let phone = optional(v[PHONE], |s| {
        MobilePhone::parse(s).map(|p| p.as_str().to_owned())
    });
    let email = optional(v[EMAIL], |s| Email::parse(s).map(|e| e.as_str().to_owned()));
    let title = bounded_text(HEADERS[TITLE], v[TITLE], 50, true);
    let affiliation = bounded_text(HEADERS[AFFILIATION], v[AFFILIATION], 100, true);
    let uscc = optional(v[USCC], |s| Uscc::parse(s).map(|u| u.as_str().to_owned()));
    let province = if normalize_compact(v[PROVINCE]).is_empty() {
        Err(required(PROVINCE))
    } else {
        ProvinceCode::parse(v[PROVINCE])
            .map(|p| p.as_str().to_owned())
            .map_err(|e| {
                FieldError::new(
                    e.code,
                    format!(
                        "“{}”不是有效的省级行政区，请填写省份名称（如 江苏省）或6位代码（如 320000）",
                        v[PROVINCE].trim()
                    ),
                )
            })
    };
    let field_codes = parse_fields(v[FIELDS], fields);
    let keywords = parse_keywords(v[KEYWORDS]);
    let max_load = parse_max_load(v[MAX_LOAD]);
    let available = parse_yes_no(v[AVAILABLE]);
    let conflicts = parse_usccs(v[CONFLICTS]);

    macro_rules! take {
        ($col:expr, $r:expr) => {
            match $r {
                Ok(x) => Some(x),
                Err(e) => {
                    fail($col, e);
                    None
                }
            }
        };
    }
    let login = take!(LOGIN, login);
    let name = take!(NAME, name);
    let phone = take!(PHONE, phone);
    let email = take!(EMAIL, email);
    let title = take!(TITLE, title);
    let affiliation = take!(AFFILIATION, affiliation);
    let uscc = take!(USCC, uscc);
    let province = take!(PROVINCE, province);
    let field_codes = take!(FIELDS, field_codes);
    let keywords = take!(KEYWORDS, keywords);
    let max_load = take!(MAX_LOAD, max_load);
    let available = take!(AVAILABLE, available);
    let conflicts = take!(CONFLICTS, conflicts);
    Some(ExpertImportRow {
        row,
        login: login?,
        name: name?,
        phone: phone?,
        email: email?,
        title: title?,
        affiliation_name: affiliation?,
        affiliation_uscc: uscc?,
        province_code: province?,
        fields: field_codes?,
        keywords: keywords?,
        max_load: max_load?,
        available: available?,
        conflict_usccs: conflicts?,
    })
}

/// An optional value: empty is `None`, anything else must parse.
fn optional(
    raw: &str,
    parse: impl FnOnce(&str) -> Result<String, FieldError>,
) -> Result<Option<String>, FieldError> {
    if normalize_compact(raw).is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// The items of a list cell, normalised, empty ones dropped.
fn split_list(raw: &str) -> Vec<String> {
    raw.split(SEPARATORS)
        .map(normalize_text)
        .filter(|s| !s.is_empty())
        .collect()
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

fn parse_fields(raw: &str, fields: &[(String, String)]) -> Result<Vec<String>, FieldError> {
    let mut codes = Vec::new();
    let mut unknown = Vec::new();
    for item in split_list(raw) {
        let compact = normalize_compact(&item);
        let hit = fields
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(&compact))
            .or_else(|| fields.iter().find(|(_, name)| normalize_text(name) == item));
        match hit {
            Some((code, _)) => push_unique(&mut codes, code.clone()),
            None => unknown.push(format!("“{item}”")),
        }
    }
    if !unknown.is_empty() {
        return Err(FieldError::new(
            "unknown_field",
            format!(
                "专业领域{}不在可选范围内，请填写模板“{CODES_SHEET_NAME}”页中的代码或名称",
                unknown.join("、")
            ),
        ));
    }
    if codes.is_empty() {
        return Err(FieldError::new(
            "required",
            "请至少填写一个专业领域（代码或名称，多个用“、”分隔）",
        ));
    }
    Ok(codes)
}

fn parse_keywords(raw: &str) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for k in split_list(raw) {
        let n = k.chars().count();
        if n > MAX_KEYWORD_CHARS {
            return Err(FieldError::new(
                "keyword_too_long",
                format!("关键词“{k}”有{n}个字，每个关键词不能超过{MAX_KEYWORD_CHARS}个字"),
            ));
        }
        push_unique(&mut out, k);
    }
    if out.len() > MAX_KEYWORDS {
        return Err(FieldError::new(
            "too_many_keywords",
            format!("关键词最多{MAX_KEYWORDS}个，当前{}个，请删减", out.len()),
        ));
    }
    Ok(out)
}

fn parse_max_load(raw: &str) -> Result<i32, FieldError> {
    let s = normalize_compact(raw);
    if s.is_empty() {
        return Err(FieldError::new(
            "required",
            "请填写最大评审量（1–200 的整数）",
        ));
    }
    let (lo, hi) = (*MAX_LOAD_RANGE.start(), *MAX_LOAD_RANGE.end());
    match s.parse::<i64>() {
        Ok(n) if (i64::from(lo)..=i64::from(hi)).contains(&n) => Ok(n as i32),
        _ => Err(FieldError::new(
            "max_load_range",
            format!("最大评审量应为{lo}–{hi}之间的整数，当前为“{}”", raw.trim()),
        )),
    }
}

fn parse_yes_no(raw: &str) -> Result<bool, FieldError> {
    match normalize_compact(raw).to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" => Ok(true),
        "否" | "n" | "no" | "false" | "0" => Ok(false),
        "" => Err(FieldError::new("required", "请填写可参评：“是”或“否”")),
        _ => Err(FieldError::new(
            "yes_no",
            format!("可参评应填写“是”或“否”，当前为“{}”", raw.trim()),
        )),
    }
}

fn parse_usccs(raw: &str) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut code = "uscc_format";
    for item in split_list(raw) {
        match Uscc::parse(&item) {
            Ok(u) => push_unique(&mut out, u.as_str().to_owned()),
            Err(e) => {
                code = e.code;
                bad.push(format!("“{item}”：{}", e.message));
            }
        }
    }
    if !bad.is_empty() {
        return Err(FieldError::new(code, bad.join("；")));
    }
    if out.len() > MAX_CONFLICTS {
        return Err(FieldError::new(
            "too_many_conflicts",
            format!("回避单位最多{MAX_CONFLICTS}个，当前{}个", out.len()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<(String, String)> {
        [
            ("IM", "智能制造"),
            ("IC", "集成电路"),
            ("NE", "新能源"),
            ("BIO", "生物医药"),
        ]
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect()
    }

    /// An xlsx whose first sheet holds `rows` as strings (row 0 is the first Excel row).
    fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (r, cells) in rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn good_row(login: &str) -> Vec<&str> {
        vec![
            login,
            "李四",
            "13911394320",
            "lisi@example.cn",
            "高级工程师",
            "示例科技有限公司",
            "",
            "320000",
            "IM、集成电路",
            "芯片；封装",
            "20",
            "否",
            "",
        ]
    }

    fn export_row(login: &str) -> ExpertExportRow {
        ExpertExportRow {
            login: login.into(),
            name: "王五".into(),
            phone: Some("13800138000".into()),
            email: Some("wangwu@example.cn".into()),
            title: "教授".into(),
            affiliation_name: "示例大学".into(),
            affiliation_uscc: None,
            province_code: "110000".into(),
            fields: vec!["NE".into(), "IM".into()],
            keywords: vec!["储能".into(), "光伏".into()],
            max_load: 200,
            available: true,
            conflict_usccs: vec![],
            active_load: 3,
        }
    }

    fn strip(r: ExpertImportRow) -> ExpertExportRow {
        ExpertExportRow {
            login: r.login,
            name: r.name,
            phone: r.phone,
            email: r.email,
            title: r.title,
            affiliation_name: r.affiliation_name,
            affiliation_uscc: r.affiliation_uscc,
            province_code: r.province_code,
            fields: r.fields,
            keywords: r.keywords,
            max_load: r.max_load,
            available: r.available,
            conflict_usccs: r.conflict_usccs,
            active_load: 0,
        }
    }

    fn where_(problems: &[RowProblem]) -> Vec<(usize, &str)> {
        problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect()
    }

    #[test]
    fn template_parses_to_its_example_row() {
        let bytes = template(&fields());
        let rows = parse(&bytes, &fields()).expect("the template's example is valid");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.row, 2);
        assert_eq!(r.login, "zhangsan");
        assert_eq!(r.name, "张三");
        assert_eq!(r.phone.as_deref(), Some("13800138000"));
        assert_eq!(r.email.as_deref(), Some("zhangsan@example.cn"));
        assert_eq!(r.title, "教授");
        assert_eq!(r.affiliation_name, "示例职业技术学院");
        assert!(Uscc::parse(r.affiliation_uscc.as_deref().unwrap()).is_ok());
        assert_eq!(r.province_code, "320000");
        assert_eq!(r.fields, vec!["IM".to_owned(), "IC".to_owned()]);
        assert_eq!(
            r.keywords,
            vec!["智能制造".to_owned(), "产教融合".to_owned()]
        );
        assert_eq!(r.max_load, 10);
        assert!(r.available);
        assert_eq!(r.conflict_usccs.len(), 1);

        // The second sheet lists the fields and the provinces.
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
        assert_eq!(wb.sheet_names(), vec![SHEET_NAME, CODES_SHEET_NAME]);
        let codes = wb.worksheet_range(CODES_SHEET_NAME).unwrap();
        let text: Vec<String> = codes.cells().map(|(_, _, d)| d.to_string()).collect();
        for needle in [
            "IM",
            "智能制造",
            "BIO",
            "生物医药",
            "320000",
            "江苏省",
            "澳门特别行政区",
        ] {
            assert!(text.iter().any(|t| t == needle), "{needle} missing");
        }
    }

    #[test]
    fn export_reimports_as_exported() {
        let mut a = export_row("wangwu");
        a.affiliation_uscc = Some(example_row(&fields())[USCC].clone());
        a.conflict_usccs = vec![
            example_row(&fields())[CONFLICTS].clone(),
            example_row(&fields())[USCC].clone(),
        ];
        let mut b = export_row("zhao.liu");
        b.phone = None;
        b.email = None;
        b.keywords = vec![];
        b.available = false;
        b.max_load = 1;
        b.province_code = "820000".into();
        b.fields = vec!["BIO".into()];
        let rows = vec![a, b];
        let bytes = export(&rows);
        let parsed = parse(&bytes, &fields()).expect("an export re-imports");
        assert_eq!(parsed.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2, 3]);
        let back: Vec<ExpertExportRow> = parsed.into_iter().map(strip).collect();
        let expected: Vec<ExpertExportRow> = rows
            .into_iter()
            .map(|r| ExpertExportRow {
                active_load: 0,
                ..r
            })
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn every_problem_of_every_row_is_reported() {
        let h: Vec<&str> = HEADERS.to_vec();
        let mut r2 = good_row("ok.one");
        r2[PHONE] = "12345";
        r2[MAX_LOAD] = "0";
        let mut r3 = good_row("");
        r3[EMAIL] = "not-an-email";
        r3[PROVINCE] = "火星";
        r3[FIELDS] = "IM、量子计算";
        let blank = vec![""; 13];
        let mut r5 = good_row("ok.two");
        r5[AVAILABLE] = "可以";
        r5[USCC] = "91110108MA00000000";
        r5[CONFLICTS] = "91320100MA0000002X、abc";
        r5[NAME] = "";
        let r6 = good_row("ok.three");
        let bytes = xlsx(&[h, r2, r3, blank, r5, r6]);
        let problems = parse(&bytes, &fields()).unwrap_err();
        assert_eq!(
            where_(&problems),
            vec![
                (2, "手机"),
                (2, "最大评审量"),
                (3, "账号"),
                (3, "邮箱"),
                (3, "所在省份"),
                (3, "专业领域"),
                (5, "姓名"),
                (5, "统一社会信用代码"),
                (5, "可参评"),
                (5, "回避单位统一社会信用代码"),
            ],
            "{problems:#?}"
        );
        let msg = |row, col: &str| {
            problems
                .iter()
                .find(|p| p.row == row && p.column == col)
                .unwrap()
                .message
                .clone()
        };
        assert!(msg(2, "手机").contains("11位"));
        assert!(msg(2, "最大评审量").contains("1–200"));
        assert_eq!(msg(3, "账号"), "请填写账号");
        assert!(msg(3, "所在省份").contains("火星"));
        assert!(msg(3, "专业领域").contains("量子计算"));
        assert!(!msg(3, "专业领域").contains("“IM”"));
        assert!(msg(5, "可参评").contains("可以"));
        assert!(msg(5, "回避单位统一社会信用代码").contains("abc"));
        assert_eq!(problems[0].field(), "row 2: 手机");
        assert_eq!(problems[0].code, "mobile_format");
    }

    #[test]
    fn not_an_xlsx() {
        for bytes in [
            &b"hello, world"[..],
            b"",
            b"%PDF-1.7\n",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        ] {
            let p = parse(bytes, &fields()).unwrap_err();
            assert_eq!(p.len(), 1);
            assert_eq!((p[0].row, p[0].column.as_str()), (0, ""));
            assert!(p[0].message.starts_with(NOT_XLSX), "{}", p[0].message);
            assert_eq!(p[0].field(), "file");
        }
    }

    #[test]
    fn a_zip_that_is_not_an_xlsx() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("readme.txt", opts).unwrap();
        w.write_all("专家名单".as_bytes()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let p = parse(&bytes, &fields()).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].row, 0);
        assert_eq!(p[0].message, NOT_XLSX);

        // A .docx is a zip with the right content types, but not a workbook either.
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in ["[Content_Types].xml", "word/document.xml"] {
            w.start_file(name, opts).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(parse(&bytes, &fields()).unwrap_err()[0].message, NOT_XLSX);
    }

    #[test]
    fn duplicate_logins_are_reported_with_the_first_row() {
        let bytes = xlsx(&[
            HEADERS.to_vec(),
            good_row("li.si"),
            good_row("wang.wu"),
            good_row("LI.SI"),
            {
                let mut r = good_row("li.si");
                r[PHONE] = "110";
                r
            },
        ]);
        let p = parse(&bytes, &fields()).unwrap_err();
        assert_eq!(where_(&p), vec![(4, "账号"), (5, "账号"), (5, "手机")]);
        assert!(p[0].message.contains("第2行"), "{}", p[0].message);
        assert_eq!(p[0].code, "duplicate_login");
    }

    #[test]
    fn full_width_digits_in_the_phone_are_normalised() {
        let mut r = good_row("li.si");
        r[PHONE] = "１３９ １１３９ ４３２０";
        r[MAX_LOAD] = "１５";
        r[LOGIN] = "Ｌｉ.Si";
        let rows = parse(&xlsx(&[HEADERS.to_vec(), r]), &fields()).unwrap();
        assert_eq!(rows[0].phone.as_deref(), Some("13911394320"));
        assert_eq!(rows[0].max_load, 15);
        assert_eq!(rows[0].login, "li.si");
        assert_eq!(rows[0].fields, vec!["IM".to_owned(), "IC".to_owned()]);
        assert_eq!(rows[0].keywords, vec!["芯片".to_owned(), "封装".to_owned()]);
        assert!(!rows[0].available);
    }

    #[test]
    fn missing_and_repeated_headers_are_named() {
        let mut h: Vec<&str> = HEADERS.to_vec();
        h[PHONE] = "电话";
        h[EMAIL] = "姓名";
        let p = parse(&xlsx(&[h, good_row("li.si")]), &fields()).unwrap_err();
        assert_eq!(
            where_(&p),
            vec![(1, "姓名"), (1, "手机"), (1, "邮箱")],
            "{p:#?}"
        );
        assert_eq!(p[1].code, "missing_column");
        assert!(p[1].message.contains("手机"));
    }

    #[test]
    fn columns_may_move_under_a_title_line_with_notes_in_headers() {
        // Reordered, a title row above, required marks and notes in the headers, an extra column.
        let order = [
            CONFLICTS,
            AVAILABLE,
            MAX_LOAD,
            KEYWORDS,
            FIELDS,
            PROVINCE,
            USCC,
            AFFILIATION,
            TITLE,
            EMAIL,
            PHONE,
            NAME,
            LOGIN,
        ];
        let mut header: Vec<String> = order.iter().map(|&i| HEADERS[i].to_owned()).collect();
        header[0] = format!("{}（多个用、分隔）", header[0]);
        header[12] = format!("*{}", header[12]);
        header.push("备注".into());
        let good = good_row("li.si");
        let mut row: Vec<&str> = order.iter().map(|&i| good[i]).collect();
        row.push("随便写点什么");
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let bytes = xlsx(&[vec!["2024年专家信息表"], vec![], header, row]);
        let rows = parse(&bytes, &fields()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 4);
        assert_eq!(rows[0].province_code, "320000");
        assert_eq!(rows[0].max_load, 20);
    }

    #[test]
    fn too_many_rows_is_one_problem() {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=(MAX_ROWS as u32 + 1) {
            sheet.write_string(r, 0, format!("user{r}")).unwrap();
        }
        let p = parse(&wb.save_to_buffer().unwrap(), &fields()).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "too_many_rows");
        assert!(p[0].message.contains("5001"), "{}", p[0].message);
    }

    #[test]
    fn a_header_without_rows_is_empty() {
        let p = parse(&xlsx(&[HEADERS.to_vec()]), &fields()).unwrap_err();
        assert_eq!(p[0].code, "empty_file");
        let p = parse(&xlsx(&[]), &fields()).unwrap_err();
        assert_eq!(p[0].code, "empty_file");
    }
}
