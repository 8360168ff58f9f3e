//! Spreadsheets (Excel .xlsx): the expert pool's template, import and export, the intake list,
//! and a round's results.

pub mod experts;
pub mod intake;
pub mod results;

/// The MIME type of an .xlsx workbook.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
