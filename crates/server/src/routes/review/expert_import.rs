//! The expert pool in Excel: the import template, the export, the all-or-nothing import.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::response::Response;
use chanjiao_docs::xlsx::experts::Vetted;
use chanjiao_domain::FieldError;
use chanjiao_domain::review::lists::expertise_list;
use chanjiao_store::audit;
use chanjiao_store::review::{self as rv};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{json_list, pool_manager, to_json, xlsx_response};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::state::AppState;

/// The upload check every file goes through, as the expert import needs its answer.
pub(super) fn vet_upload(bytes: &[u8]) -> Vetted {
    match crate::files::sniff(bytes) {
        Ok(crate::files::FileType::Xlsx) => Vetted::Xlsx,
        Err(e)
            if e.fields
                .first()
                .is_some_and(|f| f.code == "archive_too_large") =>
        {
            Vetted::Refused {
                code: "archive_too_large",
                message: e.fields[0].message.clone(),
            }
        }
        _ => Vetted::NotXlsx,
    }
}

/// The import template (Excel).
#[utoipa::path(get, path = "/api/experts/template.xlsx", tag = "review",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(super) async fn expert_template(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Response> {
    pool_manager(&state, &cu).await?;
    xlsx_response(
        chanjiao_docs::xlsx::experts::template(&expertise_list()),
        "专家导入模板.xlsx",
    )
}

/// The pool as Excel (re-importable).
#[utoipa::path(get, path = "/api/experts/export.xlsx", tag = "review",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(super) async fn export_experts(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Response> {
    pool_manager(&state, &cu).await?;
    let experts = rv::all_experts(&state.db).await?;
    let mut usccs: HashMap<i64, String> = HashMap::new();
    for e in &experts {
        let ids = e
            .affiliation_org_id
            .into_iter()
            .chain(json_list::<i64>(&e.conflict_org_ids));
        for id in ids {
            if let std::collections::hash_map::Entry::Vacant(v) = usccs.entry(id)
                && let Some(o) = chanjiao_store::organizations::get(&state.db, id).await?
            {
                v.insert(o.uscc);
            }
        }
    }
    let rows: Vec<chanjiao_docs::xlsx::experts::ExpertExportRow> = experts
        .into_iter()
        .map(|e| chanjiao_docs::xlsx::experts::ExpertExportRow {
            login: e.login,
            name: e.name,
            phone: e.phone,
            email: e.email,
            title: e.title,
            affiliation_name: e.affiliation_name,
            affiliation_uscc: e.affiliation_org_id.and_then(|o| usccs.get(&o).cloned()),
            province_code: e.province_code,
            fields: json_list(&e.fields),
            keywords: json_list(&e.keywords),
            max_load: e.max_load,
            available: e.available,
            conflict_usccs: json_list::<i64>(&e.conflict_org_ids)
                .into_iter()
                .filter_map(|o| usccs.get(&o).cloned())
                .collect(),
            active_load: e.active_load,
        })
        .collect();
    let mut ev = cu.event("expert.export", "expert_pool", "");
    ev.detail = serde_json::json!({ "rows": rows.len() });
    audit::record(&state.db, ev).await?;
    xlsx_response(chanjiao_docs::xlsx::experts::export(&rows), "专家库.xlsx")
}

#[derive(Serialize, ToSchema)]
pub struct InitialPassword {
    pub login: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    /// One-time passwords of the accounts created; shown once, never stored in clear.
    pub initial_passwords: Vec<InitialPassword>,
}

/// A random initial password meeting the policy (letters, digits, a symbol).
pub(super) fn initial_password() -> String {
    let token = crate::http::auth::random_token();
    format!("Cj#{}{}", &token[..10], &token[10..14].to_uppercase())
}

/// The registered organisation with this USCC, or the row problem saying it is not registered.
pub(super) async fn org_by_uscc(
    state: &AppState,
    uscc: &str,
    row: usize,
    column: &str,
) -> ApiResult<Result<i64, FieldProblem>> {
    let found = chanjiao_store::organizations::find_by_uscc(&state.db, uscc).await?;
    Ok(found.map(|o| o.id).ok_or(FieldProblem {
        field: format!("row {row}: {column}"),
        code: "unknown_org".into(),
        message: format!("统一社会信用代码 {uscc} 的单位尚未在平台注册"),
    }))
}

/// Imports experts from Excel: every row is checked first; one bad row imports nothing.
#[utoipa::path(post, path = "/api/experts/import", tag = "review",
    responses((status = 200, body = ImportResult), (status = 422, body = ErrorBody)))]
pub(super) async fn import_experts(
    State(state): State<AppState>,
    cu: CurrentUser,
    req: axum::extract::Request,
) -> ApiResult<Json<ImportResult>> {
    pool_manager(&state, &cu).await?;
    let mut multipart = Multipart::from_request(req, &state).await.map_err(|_| {
        ApiError::field(
            "file",
            FieldError::new("invalid_upload", "请以 multipart/form-data 上传 Excel 文件"),
        )
    })?;
    let mut bytes = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| ApiError::bad_request("invalid_upload", "上传内容无法读取"))?
    {
        if field.name() == Some("file") {
            bytes = Some(
                field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::bad_request("invalid_upload", "上传内容无法读取"))?,
            );
        }
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::field(
            "file",
            FieldError::new("required", "请选择要导入的 Excel 文件"),
        )
    })?;
    let rows = chanjiao_docs::xlsx::experts::parse_upload(&bytes, &expertise_list(), vet_upload)
        .map_err(|problems| {
            ApiError::validation(
                problems
                    .into_iter()
                    .map(|p| FieldProblem {
                        field: if p.row == 0 {
                            "file".into()
                        } else {
                            format!("row {}: {}", p.row, p.column)
                        },
                        code: "invalid_row".into(),
                        message: p.message,
                    })
                    .collect(),
            )
        })?;
    // Second pass: what needs the database (organisations by USCC, existing accounts).
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for r in &rows {
        let existing = chanjiao_store::users::find_by_login(&state.db, &r.login).await?;
        if let Some(u) = &existing {
            let grants = chanjiao_store::users::grants_of(&state.db, u.id).await?;
            if !grants.iter().any(|g| g.role == "expert") {
                problems.push(FieldProblem {
                    field: format!("row {}: 账号", r.row),
                    code: "login_taken".into(),
                    message: format!("账号“{}”已被非专家用户使用，请换一个账号", r.login),
                });
                continue;
            }
        }
        let affiliation = match &r.affiliation_uscc {
            Some(u) => match org_by_uscc(&state, u, r.row, "统一社会信用代码").await? {
                Ok(id) => Some(id),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
            None => None,
        };
        let mut conflicts = Vec::new();
        for u in &r.conflict_usccs {
            match org_by_uscc(&state, u, r.row, "回避单位统一社会信用代码").await? {
                Ok(id) => conflicts.push(id),
                Err(p) => problems.push(p),
            }
        }
        resolved.push((r, existing, affiliation, conflicts));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let mut created = 0;
    let mut updated = 0;
    let mut passwords = Vec::new();
    let mut tx = state.db.begin().await?;
    for (r, existing, affiliation, conflicts) in resolved {
        let user_id = match existing {
            Some(u) => {
                updated += 1;
                u.id
            }
            None => {
                let password = initial_password();
                let hash = crate::http::auth::hash_password_blocking(password.clone()).await?;
                let user = chanjiao_store::users::insert(
                    &mut tx,
                    &chanjiao_store::users::NewUser {
                        login: r.login.clone(),
                        name: r.name.clone(),
                        password_hash: hash,
                        org_id: None,
                        phone: r.phone.clone(),
                        email: r.email.clone(),
                    },
                )
                .await?;
                let grant = chanjiao_domain::users::role::validate_scope(
                    chanjiao_domain::users::role::Role::Expert,
                    None,
                    None,
                )
                .map_err(|_| ApiError::internal())?;
                chanjiao_store::users::insert_grant(&mut tx, user.id, &grant, Some(cu.user.id))
                    .await?;
                passwords.push(InitialPassword {
                    login: r.login.clone(),
                    password,
                });
                created += 1;
                user.id
            }
        };
        let profile = rv::Profile {
            title: r.title.clone(),
            affiliation_org_id: affiliation,
            affiliation_name: r.affiliation_name.clone(),
            province_code: r.province_code.clone(),
            fields: to_json(&r.fields),
            keywords: to_json(&r.keywords),
            max_load: r.max_load,
            available: r.available,
            conflict_org_ids: to_json(&conflicts),
            conflict_application_ids: "[]".into(),
        };
        rv::upsert_profile(&mut tx, user_id, &profile).await?;
    }
    let mut e = cu.event("expert.import", "expert_pool", "");
    e.detail = serde_json::json!({ "created": created, "updated": updated });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(ImportResult {
        created,
        updated,
        initial_passwords: passwords,
    }))
}
