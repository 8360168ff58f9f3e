//! The PDF documents (the 申报书 and the 立项通知书): typst as a library.
//!
//! Each document has one template (`templates/*.typ`), its only source file. User data never
//! becomes markup: it is serialised to `/data.json`, which the template reads with `json(...)` and
//! places as string values (typst shows strings literally). The QR code is `/qr.svg`.

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
use crate::{DocError, PrintMeta, Variant};

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

/// A document's template: the main (and only) typst source of its renders.
pub(crate) struct Template {
    id: FileId,
    source: Source,
}

impl Template {
    fn new(path: &str, text: &str) -> Template {
        let id = file_id(path);
        Template {
            id,
            source: Source::new(id, text.to_owned()),
        }
    }
}

/// The 申报书.
pub(crate) static APPLICATION: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "/application.typ",
        include_str!("../templates/application.typ"),
    )
});
/// The 立项通知书.
pub(crate) static INITIATION_LETTER: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "/initiation_letter.typ",
        include_str!("../templates/initiation_letter.typ"),
    )
});

static DATA_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/data.json"));
static QR_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/qr.svg"));
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// One render: a shared template, library and fonts plus this document's data and QR code.
struct DocWorld {
    fonts: &'static FontSet,
    template: &'static Template,
    data: Bytes,
    qr: Option<Bytes>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.template.id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.template.id {
            Ok(self.template.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == *QR_ID
            && let Some(qr) = &self.qr
        {
            Ok(qr.clone())
        } else if id == self.template.id {
            Ok(Bytes::from_string(self.template.source.clone()))
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

/// Typesets `template` with `data` (plus a `fonts` entry with the family lists and a `qr` flag)
/// and the QR code of `qr_url` when given, and exports the PDF with the identifier `ident`.
pub(crate) fn compile(
    template: &'static Template,
    mut data: serde_json::Value,
    qr_url: Option<&str>,
    ident: String,
) -> Result<Vec<u8>, DocError> {
    let fonts = fonts().map_err(|e| DocError::NoCjkFont {
        searched: e
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let qr_url = qr_url.map(str::trim).filter(|u| !u.is_empty());
    let qr = match qr_url {
        Some(url) => Some(Bytes::from_string(qr_svg(url)?)),
        None => None,
    };
    data["fonts"] = serde_json::json!({
        "body": fonts.body,
        "heading": fonts.heading,
        "symbol": fonts.symbol,
        "symbol_scale": fonts.symbol_scale,
        "fangsong": fonts.fangsong,
    });
    data["qr"] = serde_json::Value::Bool(qr.is_some());
    let data = serde_json::to_vec(&data).map_err(|e| DocError::Data(e.to_string()))?;
    let world = DocWorld {
        fonts,
        template,
        data: Bytes::new(data),
        qr,
    };

    let result = typst::compile::<PagedDocument>(&world);
    let pdf = result
        .output
        .map_err(|e| DocError::Typeset(diagnostics(&e)))
        .and_then(|document| {
            let options = typst_pdf::PdfOptions {
                ident: typst::foundations::Smart::Custom(ident),
                ..Default::default()
            };
            typst_pdf::pdf(&document, &options).map_err(|e| DocError::PdfExport(diagnostics(&e)))
        });

    // Every render has new data, so its memoised results are rarely hit again; results not hit
    // in the last few renders go, while what the templates and fonts share stays warm.
    typst::comemo::evict(3);
    pdf
}

/// The 申报书.
pub(crate) fn render(
    form: &chanjiao_domain::applications::ApplicationForm,
    meta: &PrintMeta,
    variant: Variant,
) -> Result<Vec<u8>, DocError> {
    let view = View::new(form, meta, variant);
    let data = serde_json::to_value(&view).map_err(|e| DocError::Data(e.to_string()))?;
    compile(
        &APPLICATION,
        data,
        Some(&meta.verify_url),
        match variant {
            Variant::Full => format!("{}-v{}", meta.application_no, meta.version),
            Variant::Blind => format!("{}-v{}-blind", meta.application_no, meta.version),
        },
    )
}
