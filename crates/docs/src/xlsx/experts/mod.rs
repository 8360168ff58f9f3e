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

mod read;
mod write;

pub use read::{Vetted, parse, parse_upload};
pub use write::{export, template};

#[cfg(test)]
mod tests;
