//! The 申报书 as PDF: typst as a library.
//!
//! The template (`templates/application.typ`) is the only source file. User data never becomes
//! markup: it is serialised to `/data.json`, which the template reads with `json(...)` and places
//! as string values (typst shows strings literally). The QR code is `/qr.svg`.

use std::sync::LazyLock;

use qrcode::QrCode;
use qrcode::render::svg;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::fonts::{FontSet, fonts};
use crate::model::View;
use crate::{DocError, PrintMeta};

const TEMPLATE: &str = include_str!("../templates/application.typ");

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/application.typ"));
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/data.json"));
static QR_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/qr.svg"));
static MAIN: LazyLock<Source> = LazyLock::new(|| Source::new(*MAIN_ID, TEMPLATE.to_owned()));
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// One render: the shared template, library and fonts plus this form's data and QR code.
struct DocWorld {
    fonts: &'static FontSet,
    data: Bytes,
    qr: Bytes,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        *MAIN_ID
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN_ID {
            Ok(MAIN.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == *QR_ID {
            Ok(self.qr.clone())
        } else if id == *MAIN_ID {
            Ok(Bytes::from_string(MAIN.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        let date = match offset {
            None => chrono::Local::now().date_naive(),
            Some(o) => {
                (chrono::Utc::now() + chrono::Duration::seconds(o.seconds() as i64)).date_naive()
            }
        };
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
    }
}

/// The QR code of `url` as a black-on-white SVG without quiet zone (the footer gives it room).
pub(crate) fn qr_svg(url: &str) -> Result<String, DocError> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| DocError::QrCode(e.to_string()))?;
    Ok(code
        .render::<svg::Color>()
        .quiet_zone(false)
        .module_dimensions(4, 4)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

fn diagnostics(errors: &EcoVec<SourceDiagnostic>) -> String {
    errors
        .iter()
        .map(|d| {
            let mut s = d.message.to_string();
            for h in &d.hints {
                s.push_str("; hint: ");
                s.push_str(&h.v);
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

pub(crate) fn render(
    form: &chanjiao_domain::application::ApplicationForm,
    meta: &PrintMeta,
) -> Result<Vec<u8>, DocError> {
    let fonts = fonts().map_err(|e| DocError::NoCjkFont {
        searched: e
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let view = View::new(form, meta);
    let mut data = serde_json::to_value(&view).map_err(|e| DocError::Data(e.to_string()))?;
    data["fonts"] = serde_json::json!({ "body": fonts.body, "heading": fonts.heading, "symbol": fonts.symbol, "symbol_scale": fonts.symbol_scale });
    let data = serde_json::to_vec(&data).map_err(|e| DocError::Data(e.to_string()))?;
    let world = DocWorld {
        fonts,
        data: Bytes::new(data),
        qr: Bytes::from_string(qr_svg(&meta.verify_url)?),
    };

    let result = typst::compile::<PagedDocument>(&world);
    let document = result
        .output
        .map_err(|e| DocError::Typeset(diagnostics(&e)))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!(
            "{}-v{}",
            meta.application_no, meta.version
        )),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|e| DocError::PdfExport(diagnostics(&e)));

    // Every render has new data, so its memoised results are rarely hit again; results not hit
    // in the last few renders go, while what the template and fonts share stays warm.
    typst::comemo::evict(3);
    pdf
}
