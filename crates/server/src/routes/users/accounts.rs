//! Accounts: list, create, read and edit (name, contacts, disabled).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::{Action, Target, user_visibility};
use chanjiao_domain::users::account::parse_login;
use chanjiao_domain::validate::bounded_text;
use chanjiao_store::users::{self, UserListRow, UserRow};
use chanjiao_store::{Paging, StoreError, audit, organizations, users::sessions};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::{CurrentUser, hash_password_blocking};
use crate::http::dto::{PageOf, User};
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Login or name contains.
    pub q: Option<String>,
    pub org_id: Option<i64>,
    pub role: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub(super) async fn user_dto(state: &AppState, row: UserRow) -> ApiResult<User> {
    let grants = users::grants_of(&state.db, row.id).await?;
    let org_name = match row.org_id {
        Some(id) => organizations::get(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    let locked_until = users::throttle(&state.db, &row.login)
        .await?
        .and_then(|t| t.locked_until)
        .filter(|u| *u > chrono::Utc::now());
    Ok(User::new(
        UserListRow {
            user: row,
            org_name,
            locked_until,
        },
        &grants,
    ))
}

/// Lists the accounts the caller may see.
#[utoipa::path(get, path = "/api/users", tag = "users", params(ListParams),
    responses((status = 200, body = PageOf<User>), (status = 401, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<User>>> {
    let vis = user_visibility(&cu.actor);
    let filter = users::Filter {
        q: p.q,
        org_id: p.org_id,
        role: p.role,
    };
    let page = users::list(
        &state.db,
        &vis,
        cu.user.id,
        &filter,
        Paging::new(p.page, p.per_page),
    )
    .await?;
    let ids: Vec<i64> = page.items.iter().map(|u| u.user.id).collect();
    let grants = users::grants_of_many(&state.db, &ids).await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|u| User::new(u, &grants))
            .collect(),
        total: page.total,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    /// 3–32 characters: lowercase letters, digits, `_`, `.`, `-`.
    pub login: String,
    pub name: String,
    pub password: String,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

type Contact = (Option<String>, Option<String>);

/// Parses optional phone and e-mail (blank means none; the domain's rule), pushing problems as
/// `phone`/`email`.
fn parse_contact(
    phone: Option<&str>,
    email: Option<&str>,
    errors: &mut Vec<FieldProblem>,
) -> Contact {
    let mut found = Vec::new();
    let contact = chanjiao_domain::users::contact::parse_contact(phone, email, &mut found);
    errors.extend(
        found
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(f, e)),
    );
    contact
}

/// Creates an account.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = NewUserInput,
    responses((status = 201, body = User), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    cu.authorize(
        &state,
        Action::UserCreate,
        &Target::NewUser {
            org_id: input.org_id,
        },
        "user",
        "",
    )
    .await?;
    let mut errors = Vec::new();
    let login = parse_login(&input.login)
        .map_err(|e| errors.push(FieldProblem::from_error("login", e)))
        .ok();
    let name = bounded_text("姓名", &input.name, 50, true)
        .map_err(|e| errors.push(FieldProblem::from_error("name", e)))
        .ok();
    if let Err(e) = state
        .settings
        .password
        .check(&input.password, login.as_deref().unwrap_or(&input.login))
    {
        errors.push(FieldProblem::from_error("password", e));
    }
    let (phone, email) = parse_contact(input.phone.as_deref(), input.email.as_deref(), &mut errors);
    if let Some(org_id) = input.org_id
        && organizations::get(&state.db, org_id).await?.is_none()
    {
        errors.push(FieldProblem::from_error(
            "org_id",
            FieldError::new("not_found", "所选单位不存在"),
        ));
    }
    let (Some(login), Some(name), true) = (login, name, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let password_hash = hash_password_blocking(input.password).await?;
    let mut tx = state.db.begin().await?;
    let new = users::NewUser {
        login,
        name,
        password_hash,
        org_id: input.org_id,
        phone,
        email,
    };
    let row = users::insert(&mut tx, &new).await.map_err(|e| match e {
        StoreError::Conflict(_) => {
            ApiError::field("login", FieldError::new("login_taken", "该登录名已被使用"))
        }
        other => other.into(),
    })?;
    let mut e = cu.event("user.create", "user", row.id);
    e.detail = serde_json::json!({ "login": row.login, "org_id": row.org_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(user_dto(&state, row).await?)))
}

pub(super) async fn visible_user(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<UserRow> {
    let row = users::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    cu.authorize(
        state,
        action,
        &Target::User {
            id,
            org_id: row.org_id,
        },
        "user",
        id,
    )
    .await?;
    Ok(row)
}

/// One account.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<User>> {
    let row = visible_user(&state, &cu, id, Action::UserRead).await?;
    Ok(Json(user_dto(&state, row).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserInput {
    pub name: String,
    /// Absent: unchanged (the API only ever shows it masked); null or "": cleared; a value: set.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Absent: unchanged; null or "": cleared; a value: set.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub disabled: bool,
}

/// Tells an absent field (`None`, by `default`) from an explicit null (`Some(None)`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Edits an account's name, contacts and whether it is disabled (disabling ends its sessions).
#[utoipa::path(put, path = "/api/users/{id}", tag = "users", params(("id" = i64, Path)),
    request_body = UpdateUserInput,
    responses((status = 200, body = User), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<UpdateUserInput>,
) -> ApiResult<Json<User>> {
    let before = visible_user(&state, &cu, id, Action::UserUpdate).await?;
    let mut errors = Vec::new();
    let name = bounded_text("姓名", &input.name, 50, true)
        .map_err(|e| errors.push(FieldProblem::from_error("name", e)))
        .ok();
    let (new_phone, new_email) = parse_contact(
        input.phone.clone().flatten().as_deref(),
        input.email.clone().flatten().as_deref(),
        &mut errors,
    );
    let phone = if input.phone.is_some() {
        new_phone
    } else {
        before.phone.clone()
    };
    let email = if input.email.is_some() {
        new_email
    } else {
        before.email.clone()
    };
    if input.disabled && id == cu.user.id {
        errors.push(FieldProblem::from_error(
            "disabled",
            FieldError::new("self_disable", "不能停用自己的账号"),
        ));
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let mut tx = state.db.begin().await?;
    let row = users::update_profile(
        &mut tx,
        id,
        &name,
        phone.as_deref(),
        email.as_deref(),
        input.disabled,
    )
    .await?;
    if input.disabled {
        sessions::revoke_all_of(&mut tx, id, None).await?;
    }
    let mut e = cu.event("user.update", "user", id);
    e.detail = serde_json::json!({ "disabled": input.disabled, "was_disabled": before.disabled });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(user_dto(&state, row).await?))
}
