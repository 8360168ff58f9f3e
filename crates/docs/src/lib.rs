//! Official documents of the Chanjiao platform: the 申报书 (application form) of the
//! 先进半导体领域专精特新产业学院 programme, in the official table layout of the call's
//! attachment, as a PDF typeset with typst ([`application_pdf`]) and as an editable Word
//! document ([`application_docx`]); and the 立项通知书 (initiation letter) as a PDF in official
//! document layout ([`render_initiation_letter`]).
//!
//! Both forms of the 申报书 carry the application number, the submitted version and its 校验码
//! (the first 12 hex digits of the version's SHA-256) on every page; the PDF also carries a QR
//! code of the verification address. Drafts are marked 「草稿 DRAFT（未提交）」. The blind
//! variant for 网评盲审 ([`Variant::Blind`], [`application_pdf_variant`]) is marked
//! 「盲审版 · 已隐去申报单位信息」 on every page.
//!
//! Fonts: the PDF needs a Chinese font. The first use searches, once per process,
//! `CHANJIAO_FONT_DIR`, then `fonts/node_modules` (`npm --prefix fonts ci`) near the current
//! directory or the executable, then the system's font directories; see [`DocError::NoCjkFont`].

mod docx;
mod fonts;
mod letter;
mod model;
mod pdf;
pub mod xlsx;

use chanjiao_domain::applications::ApplicationForm;

pub use letter::InitiationLetter;

/// What a printed application shows besides the form itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintMeta {
    /// The application's number, e.g. `SQ-2022-0001`.
    pub application_no: String,
    /// The submitted version number.
    pub version: i32,
    /// Full lowercase hex SHA-256 of the submitted version; the first 12 characters are printed
    /// as 校验码.
    pub content_hash: String,
    /// The verification page's URL, encoded in the QR code (empty: no QR code, and the DOCX
    /// prints no 核验 line).
    pub verify_url: String,
    /// The call, e.g. `2022年先进半导体领域专精特新产业学院建设`.
    pub call_title: String,
    /// The call's document number, e.g. `CASA 联盟函【2022】019 号`.
    pub doc_number: String,
    /// The 中文 label of `lead.direction` (the code list is per call, so the caller resolves it).
    pub direction_label: String,
    /// Marks the document 「草稿 DRAFT（未提交）」 (watermark and header).
    pub draft: bool,
}

/// Which version of the 申报书 to print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Everything the form says.
    #[default]
    Full,
    /// For blind review (网评盲审): every page is marked 「盲审版 · 已隐去申报单位信息」, and
    /// what identifies the applicants is left out or printed as `■■■`.
    ///
    /// The caller is expected to have redacted the form already (names, people and contact
    /// details replaced by `■■■`); as a second line of defence this variant also prints
    /// `■■■` for the lead's and partners' names, USCCs and contact fields, replaces exact
    /// occurrences of those names (and of the contact people's and the responsible person's
    /// names) in the long texts and 其他 fills, and omits the responsible person's name from
    /// the signature block. Other wording that identifies an applicant (abbreviations, places,
    /// project names in free text) is the caller's to blank. The verification QR code is
    /// printed only if `PrintMeta::verify_url` is not empty.
    Blind,
}

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// No font with Chinese characters was found for the PDF.
    #[error(
        "no CJK font found: install fonts-noto-cjk (apt-get install fonts-noto-cjk) or run `npm --prefix fonts ci`, \
         or point CHANJIAO_FONT_DIR at a directory of .ttf/.otf/.ttc files (searched: {searched})"
    )]
    NoCjkFont {
        /// The directories searched, comma-separated.
        searched: String,
    },
    /// The QR code of the verification URL could not be made (the URL is too long).
    #[error("QR code of the verification URL: {0}")]
    QrCode(String),
    /// The form could not be serialised for the template.
    #[error("document data: {0}")]
    Data(String),
    /// Typst reported errors while typesetting (a bug in the template).
    #[error("typesetting failed: {0}")]
    Typeset(String),
    /// Typst could not write the PDF.
    #[error("PDF export failed: {0}")]
    PdfExport(String),
    /// The Word document could not be written.
    #[error("DOCX export failed: {0}")]
    Docx(String),
}

/// The 申报书 as an A4 PDF (CJK fonts embedded as subsets).
///
/// The first call in a process searches and indexes the fonts; later calls reuse them.
pub fn application_pdf(form: &ApplicationForm, meta: &PrintMeta) -> Result<Vec<u8>, DocError> {
    pdf::render(form, meta, Variant::Full)
}

/// The 申报书 as an A4 PDF, full or blind ([`Variant`]).
pub fn application_pdf_variant(
    form: &ApplicationForm,
    meta: &PrintMeta,
    variant: Variant,
) -> Result<Vec<u8>, DocError> {
    pdf::render(form, meta, variant)
}

/// The 申报书 as an editable Word document (.docx), with the same rows and wording as the PDF.
pub fn application_docx(form: &ApplicationForm, meta: &PrintMeta) -> Result<Vec<u8>, DocError> {
    docx::render(form, meta, Variant::Full)
}

/// The 申报书 as a Word document, full or blind ([`Variant`]; the blind mark is in the header).
pub fn application_docx_variant(
    form: &ApplicationForm,
    meta: &PrintMeta,
    variant: Variant,
) -> Result<Vec<u8>, DocError> {
    docx::render(form, meta, variant)
}

/// The 立项通知书 as an A4 PDF in official document layout (红头, 发文字号, title, addressee,
/// body, numbered requirements, 「特此通知。」, issuer and date with a seal placeholder, and a
/// footer with the letter number, page number and, given a `verify_url`, its QR code).
///
/// Every text is printed literally: none is ever read as typst markup.
pub fn render_initiation_letter(letter: &InitiationLetter) -> Result<Vec<u8>, DocError> {
    letter::render(letter)
}
