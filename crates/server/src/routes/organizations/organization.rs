//! An organisation's record: list, create, read, replace.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::policy::{Action, Target, org_visibility};
use chanjiao_store::audit;
use chanjiao_store::{Paging, StoreError, organizations};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::auth::CurrentUser;
use crate::http::dto::{Organization, PageOf};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Name or USCC contains.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub province_code: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Lists the organisations the caller may see.
#[utoipa::path(get, path = "/api/organizations", tag = "organizations", params(ListParams),
    responses((status = 200, body = PageOf<Organization>), (status = 401, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<Organization>>> {
    let vis = org_visibility(&cu.actor);
    let filter = organizations::Filter {
        q: p.q,
        kind: p.kind,
        province_code: p.province_code,
    };
    let page =
        organizations::list(&state.db, &vis, &filter, Paging::new(p.page, p.per_page)).await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|o| Organization::for_viewer(o, &cu.actor))
            .collect(),
        total: page.total,
    }))
}

fn uscc_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::field(
            "uscc",
            FieldError::new("uscc_taken", "该统一社会信用代码已登记，请勿重复创建"),
        ),
        other => other.into(),
    }
}

/// Creates an organisation.
#[utoipa::path(post, path = "/api/organizations", tag = "organizations",
    request_body = OrganizationDraft,
    responses((status = 201, body = Organization), (status = 422, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<OrganizationDraft>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    cu.authorize(
        &state,
        Action::OrgCreate,
        &Target::Programme,
        "organization",
        "",
    )
    .await?;
    let org = input.validate().map_err(ApiError::fields)?;
    let mut tx = state.db.begin().await?;
    let row = organizations::insert(&mut tx, &org)
        .await
        .map_err(uscc_taken)?;
    let mut e = cu.event("org.create", "organization", row.id);
    e.detail = serde_json::json!({ "name": row.name, "kind": row.kind, "uscc": row.uscc });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Organization::for_viewer(row, &cu.actor)),
    ))
}

/// One organisation.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations",
    params(("id" = i64, Path)),
    responses((status = 200, body = Organization), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Organization>> {
    let row = organizations::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    cu.authorize(
        &state,
        Action::OrgRead,
        &Target::Org { id },
        "organization",
        id,
    )
    .await?;
    Ok(Json(Organization::for_viewer(row, &cu.actor)))
}

/// Replaces an organisation's record.
#[utoipa::path(put, path = "/api/organizations/{id}", tag = "organizations",
    params(("id" = i64, Path)), request_body = OrganizationDraft,
    responses((status = 200, body = Organization), (status = 422, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<OrganizationDraft>,
) -> ApiResult<Json<Organization>> {
    let before = organizations::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    cu.authorize(
        &state,
        Action::OrgUpdate,
        &Target::Org { id },
        "organization",
        id,
    )
    .await?;
    let org = input.validate().map_err(ApiError::fields)?;
    let mut tx = state.db.begin().await?;
    let row = organizations::update(&mut tx, id, &org)
        .await
        .map_err(uscc_taken)?;
    let mut e = cu.event("org.update", "organization", id);
    e.detail = serde_json::json!({ "changed": changed_fields(&before, &row) });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(Organization::for_viewer(row, &cu.actor)))
}

/// The names of the fields an update changed, for the audit trail.
fn changed_fields(a: &organizations::OrgRow, b: &organizations::OrgRow) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 14] = [
        ("kind", a.kind != b.kind),
        ("name", a.name != b.name),
        ("uscc", a.uscc != b.uscc),
        ("province_code", a.province_code != b.province_code),
        ("city", a.city != b.city),
        ("address", a.address != b.address),
        ("postal_code", a.postal_code != b.postal_code),
        ("contact_name", a.contact_name != b.contact_name),
        ("contact_phone", a.contact_phone != b.contact_phone),
        ("contact_email", a.contact_email != b.contact_email),
        ("university_type", a.university_type != b.university_type),
        (
            "university_nature",
            a.university_nature != b.university_nature,
        ),
        ("srdi_level", a.srdi_level != b.srdi_level),
        ("field", a.field != b.field),
    ];
    pairs
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(n, _)| n)
        .collect()
}
