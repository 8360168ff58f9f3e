//! Role grants of an account, with their scopes and the separation of the three admin roles
//! (三员分立).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::users::role::{Grant, Role, check_grant, validate_scope};
use chanjiao_store::users::{self};
use chanjiao_store::{StoreError, audit, organizations};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;
use crate::http::dto::RoleGrantDto;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id, Ids};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub role: String,
    /// The organisation the role is held in (required for office, field organiser, org roles).
    pub org_id: Option<i64>,
    /// The field, for a field organiser.
    pub field: Option<String>,
}

/// Grants a role to an account.
#[utoipa::path(post, path = "/api/users/{id}/roles", tag = "users", params(("id" = i64, Path)),
    request_body = GrantInput,
    responses((status = 201, body = RoleGrantDto), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn grant_role(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<GrantInput>,
) -> ApiResult<(StatusCode, Json<RoleGrantDto>)> {
    let target_user = users::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let role = Role::parse(&input.role)
        .ok_or_else(|| ApiError::field("role", FieldError::new("invalid_choice", "角色无效")))?;
    let target = Target::Grant {
        user_id: id,
        user_org_id: target_user.org_id,
        role,
        org_id: input.org_id,
    };
    cu.authorize(&state, Action::RoleGrant, &target, "user", id)
        .await?;
    let grant = scoped_grant(&state, role, input.org_id, input.field).await?;
    let existing: Vec<Role> = users::grants_of(&state.db, id)
        .await?
        .iter()
        .filter_map(|g| Role::parse(&g.role))
        .collect();
    if check_grant(&existing, role).is_err() {
        return Err(role_conflict());
    }
    let mut tx = state.db.begin().await?;
    let grant_id = users::insert_grant(&mut tx, id, &grant, Some(cu.user.id))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(c) if c.contains("separated") => role_conflict(),
            StoreError::Conflict(_) => ApiError::conflict("conflict", "该账号已有此角色"),
            other => other.into(),
        })?;
    let mut e = cu.event("role.grant", "user", id);
    e.detail = serde_json::json!({ "role": role.as_str(), "org_id": grant.org_id, "field": grant.field, "grant_id": grant_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let row = users::get_grant(&state.db, grant_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(RoleGrantDto::from(&row))))
}

pub fn role_conflict() -> ApiError {
    let mut e = ApiError::conflict(
        "role_conflict",
        "三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任",
    );
    e.fields.push(FieldProblem {
        field: "role".into(),
        code: "role_conflict".into(),
        message: e.message.clone(),
    });
    e
}

/// Checks a role's scope, and that its organisation exists.
pub(super) async fn scoped_grant(
    state: &AppState,
    role: Role,
    org_id: Option<i64>,
    field: Option<String>,
) -> ApiResult<Grant> {
    let grant =
        validate_scope(role, org_id, field.as_deref()).map_err(|(f, e)| ApiError::field(f, e))?;
    if let Some(o) = grant.org_id
        && organizations::get(&state.db, o).await?.is_none()
    {
        return Err(ApiError::field(
            "org_id",
            FieldError::new("not_found", "所选单位不存在"),
        ));
    }
    Ok(grant)
}

/// Revokes a role grant.
#[utoipa::path(delete, path = "/api/users/{id}/roles/{grant_id}", tag = "users",
    params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn revoke_role(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, grant_id): Ids,
) -> ApiResult<StatusCode> {
    let target_user = users::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let grant = users::get_grant(&state.db, grant_id)
        .await?
        .filter(|g| g.user_id == id)
        .ok_or_else(ApiError::not_found)?;
    let role = Role::parse(&grant.role).ok_or_else(ApiError::not_found)?;
    let target = Target::Grant {
        user_id: id,
        user_org_id: target_user.org_id,
        role,
        org_id: grant.org_id,
    };
    cu.authorize(&state, Action::RoleRevoke, &target, "user", id)
        .await?;
    let mut tx = state.db.begin().await?;
    users::delete_grant(&mut tx, grant_id).await?;
    let mut e = cu.event("role.revoke", "user", id);
    e.detail = serde_json::json!({ "role": grant.role, "org_id": grant.org_id, "field": grant.field, "grant_id": grant_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
