//! Partners: invite an unregistered partner by a single-use link, a partner's decision, and the
//! directory of organisations to pick partners from.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{DecisionInput, parse_decision};
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::applications::{self as apps};
use chanjiao_store::{Paging, audit, organizations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{Application, authorized, view};
use crate::access::ensure_editable;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, Id, Ids};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    /// Position of the partner block in `form.partners`.
    pub index: usize,
}

#[derive(Serialize, ToSchema)]
pub struct InviteLink {
    pub url: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Creates a single-use link with which an unregistered partner registers and answers.
#[utoipa::path(post, path = "/api/applications/{id}/invites", tag = "applications", params(("id" = i64, Path)), request_body = InviteInput,
    responses((status = 201, body = InviteLink), (status = 422, body = ErrorBody)))]
pub(super) async fn invite(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<InviteInput>,
) -> ApiResult<(StatusCode, Json<InviteLink>)> {
    let (row, _) = authorized(&state, &cu, id, Action::ApplicationEdit).await?;
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let Some(block) = form.partners.get(input.index) else {
        return Err(ApiError::field(
            "index",
            FieldError::new("not_found", "没有这个联合申报单位"),
        ));
    };
    if block.org_id.is_some() {
        return Err(ApiError::field(
            "index",
            FieldError::new("already_registered", "该单位已注册，请其登录后确认"),
        ));
    }
    if block.name.trim().is_empty() {
        return Err(ApiError::field(
            &format!("form.partners[{}].name", input.index),
            FieldError::new("required", "请先填写单位名称"),
        ));
    }
    let email = chanjiao_domain::validate::Email::parse(&block.contact_email).map_err(|e| {
        ApiError::field(&format!("form.partners[{}].contact_email", input.index), e)
    })?;
    let token = crate::http::auth::random_token();
    let expires_at = chanjiao_store::now() + chrono::Duration::days(14);
    let mut tx = state.db.begin().await?;
    apps::insert_invite(
        &mut tx,
        &apps::NewInvite {
            application_id: id,
            token_hash: &crate::http::auth::token_hash(&token),
            index: input.index as i32,
            name: &block.name,
            email: email.as_str(),
            expires_at,
            by: cu.user.id,
        },
    )
    .await?;
    let mut e = cu.event("application.invite", "application", id);
    e.detail =
        serde_json::json!({ "index": input.index, "partner": block.name, "email": email.as_str() });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(InviteLink {
            url: format!("/invite/{token}"),
            token,
            expires_at,
        }),
    ))
}

/// A partner organisation confirms or declines its participation.
#[utoipa::path(post, path = "/api/applications/{id}/partners/{org_id}/decision", tag = "applications",
    params(("id" = i64, Path), ("org_id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = Application), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn partner_decision(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, org_id): Ids,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<Application>> {
    let (row, mut target) = crate::access::application(&state, id).await?;
    if let Target::Application { respond_as, .. } = &mut target {
        *respond_as = Some(org_id);
    }
    cu.authorize(
        &state,
        Action::ApplicationRespond,
        &target,
        "application",
        id,
    )
    .await?;
    ensure_editable(&row, "申报已提交，不能再更改确认")?;
    let decided = parse_decision(&input).map_err(|(f, e)| ApiError::field(f, e))?;
    let (status, reason) = (decided.status.as_str(), decided.reason);
    let mut tx = state.db.begin().await?;
    if !apps::respond(&mut tx, id, org_id, status, reason.as_deref(), cu.user.id).await? {
        return Err(ApiError::not_found());
    }
    let mut e = cu.event("application.partner_decision", "application", id);
    e.detail = serde_json::json!({ "org_id": org_id, "status": status, "reason": reason });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let (ctx, target) = crate::access::application_context(&state, id, apps::Form::Read).await?;
    Ok(Json(view(&state, &cu, ctx, &target).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DirectoryParams {
    pub q: Option<String>,
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub srdi_level: Option<String>,
    pub province_code: String,
}

/// Registered organisations to pick as partners: names and kinds only, no contact data.
#[utoipa::path(get, path = "/api/directory/organizations", tag = "applications", params(DirectoryParams),
    responses((status = 200, body = Vec<DirectoryEntry>), (status = 401, body = ErrorBody)))]
pub(super) async fn directory(
    State(state): State<AppState>,
    _cu: CurrentUser,
    ApiQuery(p): ApiQuery<DirectoryParams>,
) -> ApiResult<Json<Vec<DirectoryEntry>>> {
    let f = organizations::Filter {
        q: p.q,
        kind: p.kind,
        province_code: None,
    };
    let page = organizations::list(
        &state.db,
        &chanjiao_domain::policy::Visibility::All,
        &f,
        Paging::new(Some(1), Some(20)),
    )
    .await?;
    Ok(Json(
        page.items
            .into_iter()
            .filter(|o| !matches!(o.kind.as_str(), "office" | "alliance"))
            .map(|o| DirectoryEntry {
                id: o.id,
                name: o.name,
                kind: o.kind,
                srdi_level: o.srdi_level,
                province_code: o.province_code,
            })
            .collect(),
    ))
}
