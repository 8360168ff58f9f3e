//! The printed 申报书 (PDF or DOCX) of an application: a submitted version (the latest by
//! default), or the current draft, marked as such, when nothing was submitted yet.

use chanjiao_docs::PrintMeta;
use chanjiao_store::applications as apps;
use chanjiao_store::{Db, calls};

use crate::error::{ApiError, ApiResult};
use crate::routes::applications::{content_hash, parse_form};
use crate::routes::calls::directions_of;

/// PDF or DOCX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
    fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// A rendered document and its file name.
pub struct Printed {
    pub bytes: Vec<u8>,
    pub filename: String,
    pub mime: &'static str,
}

/// Renders application `id`. `origin` is the public origin the QR code's verification URL
/// starts with (`https://chanjiao.example.cn`).
pub async fn print_application(
    db: &Db,
    id: i64,
    version: Option<i32>,
    format: Format,
    origin: &str,
) -> ApiResult<Printed> {
    let row = apps::get(db, id).await?.ok_or_else(ApiError::not_found)?;
    let call = calls::get(db, row.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let number = row.number.clone().unwrap_or_default();
    let (form_json, version, hash, draft) = match version.or(row.submitted_version) {
        Some(v) => {
            let found = apps::versions(db, id)
                .await?
                .into_iter()
                .find(|x| x.version == v)
                .ok_or_else(ApiError::not_found)?;
            (found.form, v, found.content_hash, false)
        }
        None => {
            let hash = content_hash(&number, 0, &row.form);
            (row.form.clone(), 0, hash, true)
        }
    };
    let form = parse_form(&form_json);
    let direction_label = form
        .lead
        .direction
        .as_deref()
        .and_then(|code| {
            directions_of(&call)
                .into_iter()
                .find(|d| d.code == code)
                .map(|d| d.name)
        })
        .unwrap_or_default();
    let meta = PrintMeta {
        verify_url: format!(
            "{}/verify?number={number}&version={version}&hash={}",
            origin.trim_end_matches('/'),
            &hash[..12]
        ),
        application_no: number.clone(),
        version,
        content_hash: hash,
        call_title: call.title.clone(),
        doc_number: call.doc_number.clone(),
        direction_label,
        draft,
    };
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Pdf => chanjiao_docs::application_pdf(&form, &meta),
        Format::Docx => chanjiao_docs::application_docx(&form, &meta),
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, application = id, "rendering the 申报书 failed");
        ApiError::internal()
    })?;
    let label = if draft {
        "草稿".to_owned()
    } else {
        format!("v{version}")
    };
    Ok(Printed {
        bytes,
        filename: format!("申报书-{number}-{label}.{}", format.extension()),
        mime: format.mime(),
    })
}

/// The 申报书 an expert reviews: the submitted version `form` (already redacted when `blind`),
/// printed as the blind variant in blind phases (no verification QR code, which would name the
/// application's public number).
pub async fn print_for_review(
    db: &Db,
    row: &apps::AppRow,
    form: chanjiao_domain::application::ApplicationForm,
    version: Option<i32>,
    blind: bool,
    origin: &str,
) -> ApiResult<Printed> {
    let call = calls::get(db, row.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let number = row.number.clone().unwrap_or_default();
    let version = version.unwrap_or(0);
    let hash = apps::versions(db, row.id)
        .await?
        .into_iter()
        .find(|x| x.version == version)
        .map(|x| x.content_hash)
        .unwrap_or_default();
    let direction_label = form
        .lead
        .direction
        .as_deref()
        .and_then(|code| {
            directions_of(&call)
                .into_iter()
                .find(|d| d.code == code)
                .map(|d| d.name)
        })
        .unwrap_or_default();
    let meta = PrintMeta {
        verify_url: if blind || hash.len() < 12 {
            String::new()
        } else {
            format!(
                "{}/verify?number={number}&version={version}&hash={}",
                origin.trim_end_matches('/'),
                &hash[..12]
            )
        },
        application_no: number.clone(),
        version,
        content_hash: hash,
        call_title: call.title.clone(),
        doc_number: call.doc_number.clone(),
        direction_label,
        draft: false,
    };
    let variant = if blind {
        chanjiao_docs::Variant::Blind
    } else {
        chanjiao_docs::Variant::Full
    };
    let bytes = tokio::task::spawn_blocking(move || {
        chanjiao_docs::application_pdf_variant(&form, &meta, variant)
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, application = row.id, "rendering the review copy failed");
        ApiError::internal()
    })?;
    Ok(Printed {
        bytes,
        filename: format!(
            "申报书-{number}-{}.pdf",
            if blind { "盲审版" } else { "评审版" }
        ),
        mime: Format::Pdf.mime(),
    })
}

/// The 立项 notification letter of a decision.
pub async fn initiation_letter(letter: chanjiao_docs::InitiationLetter) -> ApiResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || chanjiao_docs::render_initiation_letter(&letter))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "rendering the 立项 letter failed");
            ApiError::internal()
        })
}
