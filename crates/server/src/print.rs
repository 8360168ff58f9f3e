//! The printed 申报书 (PDF or DOCX) of an application: a submitted version (the latest by
//! default), or the current draft, marked as such, when nothing was submitted yet.

use chanjiao_docs::PrintMeta;
use chanjiao_store::applications as apps;
use chanjiao_store::{Db, calls};

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::http::error::{ApiError, ApiResult};
use chanjiao_domain::applications::content_hash;

/// How many documents render at once: one per core. A render is CPU-bound (≈ 40–60 ms of one
/// core for a 申报书, tens of MB while it runs), so more at once only makes each slower, and a
/// burst of downloads — an office fetching a list's PDFs, or a flood — would otherwise start a
/// blocking thread per request (up to tokio's 512) and take the memory and both cores from
/// every other request. Downloads beyond it wait their turn, in order.
static RENDERS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(render_slots()));

fn render_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs a document render on the blocking pool, at most [`render_slots`] at once.
async fn render<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed. A waiter whose client goes away is dropped with its place.
    let _turn = RENDERS
        .acquire()
        .await
        .expect("the render semaphore is never closed");
    tokio::task::spawn_blocking(f).await
}

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
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&form_json);
    let direction_label = form
        .lead
        .direction
        .as_deref()
        .and_then(|code| {
            chanjiao_domain::calls::directions(&call.directions)
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
    let bytes = render(move || match format {
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
    form: chanjiao_domain::applications::ApplicationForm,
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
            chanjiao_domain::calls::directions(&call.directions)
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
    let bytes = render(move || chanjiao_docs::application_pdf_variant(&form, &meta, variant))
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
    render(move || chanjiao_docs::render_initiation_letter(&letter))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "rendering the 立项 letter failed");
            ApiError::internal()
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// A burst of renders never runs more than one per core, and every one of them finishes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_renders_runs_at_most_one_per_core() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let burst = 6 * render_slots();
        let tasks: Vec<_> = (0..burst)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(render(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }))
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap().unwrap());
        }
        assert_eq!(done, (0..burst).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=render_slots()).contains(&most),
            "{most} renders ran at once, more than {} cores",
            render_slots()
        );
    }
}
