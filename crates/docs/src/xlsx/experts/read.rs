//! Reading an uploaded expert-pool file into validated rows, or every problem found.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chanjiao_domain::FieldError;
use chanjiao_domain::provinces::ProvinceCode;
use chanjiao_domain::users::account::parse_login;
use chanjiao_domain::validate::{
    Email, MobilePhone, Uscc, bounded_text, normalize_compact, normalize_text,
};

use super::*;

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

pub(super) fn read_cells(
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
pub(super) fn cell_text(v: &DataRef<'_>) -> String {
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
pub(super) fn header_name(cell: &str) -> String {
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
pub(super) fn map_columns(
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
pub(super) fn parse_row(
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
pub(super) fn optional(
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
pub(super) fn split_list(raw: &str) -> Vec<String> {
    raw.split(SEPARATORS)
        .map(normalize_text)
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

pub(super) fn parse_fields(
    raw: &str,
    fields: &[(String, String)],
) -> Result<Vec<String>, FieldError> {
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

pub(super) fn parse_keywords(raw: &str) -> Result<Vec<String>, FieldError> {
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

pub(super) fn parse_max_load(raw: &str) -> Result<i32, FieldError> {
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

pub(super) fn parse_yes_no(raw: &str) -> Result<bool, FieldError> {
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

pub(super) fn parse_usccs(raw: &str) -> Result<Vec<String>, FieldError> {
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
