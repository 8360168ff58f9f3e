//! Invitations seen from outside (no login): what an invitation is for, and the invited partner
//! registering its organisation and admin account while answering.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{DecisionInput, PartnerBlock, parse_decision};
use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::users::account::parse_login;
use chanjiao_domain::users::contact::parse_contact;
use chanjiao_domain::users::role::{Grant, Role};
use chanjiao_domain::validate::bounded_text;
use chanjiao_store::applications as apps;
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{StoreError, calls, organizations, users};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{
    ANON_CSRF_COOKIE, CSRF_HEADER, cookie, hash_password_blocking, token_hash, tokens_equal,
};
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ClientInfo, header_str};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct InviteView {
    pub application_id: i64,
    pub lead_name: String,
    pub call_title: String,
    #[schema(value_type = Object)]
    pub partner: PartnerBlock,
    pub expires_at: DateTime<Utc>,
}

fn invalid_invite() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invite_invalid",
        "邀请链接无效、已使用或已过期",
    )
}

async fn live_invite(state: &AppState, token: &str) -> ApiResult<apps::InviteRow> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid_invite());
    }
    apps::invite_by_token(&state.db, &token_hash(token))
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > Utc::now())
        .ok_or_else(invalid_invite)
}

/// What an invitation is for.
#[utoipa::path(get, path = "/api/public/invites/{token}", tag = "public", params(("token" = String, Path)),
    responses((status = 200, body = InviteView), (status = 404, body = ErrorBody)))]
pub(super) async fn invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<InviteView>> {
    let inv = live_invite(&state, &token).await?;
    let row = apps::get(&state.db, inv.application_id)
        .await?
        .ok_or_else(invalid_invite)?;
    let call = calls::get(&state.db, row.call_id)
        .await?
        .ok_or_else(invalid_invite)?;
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let partner = form
        .partners
        .get(inv.partner_index as usize)
        .cloned()
        .unwrap_or_default();
    Ok(Json(InviteView {
        application_id: row.id,
        lead_name: row.lead_name,
        call_title: call.title,
        partner,
        expires_at: inv.expires_at,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminAccount {
    pub login: String,
    pub name: String,
    pub password: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    pub organization: OrganizationDraft,
    pub admin: AdminAccount,
    /// confirm | decline.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub org_id: i64,
    pub login: String,
}

fn nested(prefix: &str, errors: Vec<FieldProblem>) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|mut f| {
            f.field = format!("{prefix}.{}", f.field);
            f
        })
        .collect()
}

/// Registers the invited organisation and its admin account, records its answer and binds the
/// partner block to it. The link works once.
#[utoipa::path(post, path = "/api/public/invites/{token}/accept", tag = "public", params(("token" = String, Path)), request_body = AcceptInvite,
    responses((status = 201, body = Accepted), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<AcceptInvite>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let sent = header_str(&headers, CSRF_HEADER).unwrap_or("");
    let anon = cookie(&headers, ANON_CSRF_COOKIE).unwrap_or("");
    if anon.is_empty() || !tokens_equal(sent, anon) {
        return Err(ApiError::csrf());
    }
    let inv = live_invite(&state, &token).await?;
    let mut errors = Vec::new();
    let org = input.organization.validate().map_err(|e| {
        errors.extend(nested(
            "organization",
            e.into_iter()
                .map(|(f, e)| FieldProblem::from_error(f, e))
                .collect(),
        ));
    });
    if let Ok(o) = &org
        && matches!(o.kind.as_str(), "office" | "alliance" | "university")
    {
        errors.push(FieldProblem::from_error(
            "organization.kind",
            FieldError::new("invalid_choice", "联合申报单位不能是高校、中心或联盟"),
        ));
    }
    let login = parse_login(&input.admin.login)
        .map_err(|e| errors.push(FieldProblem::from_error("admin.login", e)))
        .ok();
    let name = bounded_text("姓名", &input.admin.name, 50, true)
        .map_err(|e| errors.push(FieldProblem::from_error("admin.name", e)))
        .ok();
    if let Err(e) = state
        .settings
        .password
        .check(&input.admin.password, login.as_deref().unwrap_or(""))
    {
        errors.push(FieldProblem::from_error("admin.password", e));
    }
    let mut contact_errors = Vec::new();
    let (phone, email) = parse_contact(
        input.admin.phone.as_deref(),
        input.admin.email.as_deref(),
        &mut contact_errors,
    );
    errors.extend(nested(
        "admin",
        contact_errors
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(f, e))
            .collect(),
    ));
    let decision = DecisionInput {
        decision: input.decision,
        reason: input.reason,
    };
    let decided = parse_decision(&decision)
        .map_err(|(f, e)| errors.push(FieldProblem::from_error(f, e)))
        .ok();
    let (Ok(org), Some(login), Some(name), Some(decided), true) =
        (org, login, name, decided, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };
    let (status, reason) = (decided.status.as_str(), decided.reason);
    let row = apps::get(&state.db, inv.application_id)
        .await?
        .ok_or_else(invalid_invite)?;
    let hash = hash_password_blocking(input.admin.password).await?;

    let mut tx = state.db.begin().await?;
    if !apps::use_invite(&mut tx, inv.id).await? {
        return Err(invalid_invite());
    }
    let org_row = organizations::insert(&mut tx, &org)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::field(
                "organization.uscc",
                FieldError::new(
                    "uscc_taken",
                    "该统一社会信用代码已登记：请由该单位已有账号登录后确认",
                ),
            ),
            e => e.into(),
        })?;
    apps::use_invite_bind(&mut tx, inv.id, org_row.id).await?;
    let user = users::insert(
        &mut tx,
        &users::NewUser {
            login: login.clone(),
            name,
            password_hash: hash,
            org_id: Some(org_row.id),
            phone,
            email,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => ApiError::field(
            "admin.login",
            FieldError::new("login_taken", "该登录名已被使用"),
        ),
        e => e.into(),
    })?;
    users::insert_grant(
        &mut tx,
        user.id,
        &Grant {
            role: Role::OrgAdmin,
            org_id: Some(org_row.id),
            field: None,
        },
        None,
    )
    .await?;
    // Bind the partner block to the new organisation and record its answer.
    let mut form = chanjiao_domain::applications::ApplicationForm::from_json(
        &apps::get_tx(&mut tx, row.id)
            .await?
            .ok_or_else(invalid_invite)?
            .form,
    );
    let category = org.srdi_level.map(|l| l.as_str().to_owned());
    if let Some(block) = form.partners.get_mut(inv.partner_index as usize) {
        block.org_id = Some(org_row.id);
        if block.uscc.is_empty() {
            block.uscc = org_row.uscc.clone();
        }
    }
    let named: Vec<(i64, Option<String>)> = form
        .partners
        .iter()
        .filter_map(|p| {
            p.org_id.map(|o| {
                (
                    o,
                    p.category
                        .clone()
                        .or_else(|| (o == org_row.id).then(|| category.clone()).flatten()),
                )
            })
        })
        .collect();
    apps::replace_form(
        &mut tx,
        row.id,
        &serde_json::to_string(&form).map_err(|_| ApiError::internal())?,
    )
    .await?;
    apps::sync_partners(&mut tx, row.id, &named).await?;
    apps::respond(
        &mut tx,
        row.id,
        org_row.id,
        status,
        reason.as_deref(),
        user.id,
    )
    .await?;
    let base = NewEvent {
        actor_id: Some(user.id),
        actor_login: Some(login.clone()),
        org_id: Some(org_row.id),
        ip: client.ip.clone(),
        request_id: client.request_id.clone(),
        result: audit::result::SUCCESS,
        ..Default::default()
    };
    for (action, object_type, object_id, detail) in [
        (
            "org.create",
            "organization",
            org_row.id,
            serde_json::json!({ "via": "invite", "name": org_row.name, "uscc": org_row.uscc }),
        ),
        (
            "user.create",
            "user",
            user.id,
            serde_json::json!({ "via": "invite", "login": login }),
        ),
        (
            "application.partner_decision",
            "application",
            row.id,
            serde_json::json!({ "org_id": org_row.id, "status": status, "reason": reason, "via": "invite" }),
        ),
    ] {
        let mut e = base.clone();
        e.action = action.into();
        e.object_type = Some(object_type.into());
        e.object_id = Some(object_id.to_string());
        e.detail = detail;
        audit::append(&mut tx, e).await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Accepted {
            org_id: org_row.id,
            login,
        }),
    ))
}
