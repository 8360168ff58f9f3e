//! Organisations (单位): the programme's staff create and edit them; an organisation's admin
//! edits its own; everyone sees what the policy lets them see.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::policy::{Action, Target, org_visibility};
use chanjiao_store::audit;
use chanjiao_store::{Paging, StoreError, organizations};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::dto::{Organization, PageOf};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}

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

/// The body of create and update: every field of the record (no id, no timestamps).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub kind: String,
    pub name: String,
    /// 统一社会信用代码, 18 characters with its GB 32100-2015 check character.
    pub uscc: String,
    /// GB/T 2260 province code, e.g. 110000.
    pub province_code: String,
    pub city: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub university_type: Option<String>,
    pub university_nature: Option<String>,
    pub srdi_level: Option<String>,
    pub field: Option<String>,
}

impl From<OrganizationInput> for OrganizationDraft {
    fn from(i: OrganizationInput) -> Self {
        OrganizationDraft {
            kind: i.kind,
            name: i.name,
            uscc: i.uscc,
            province_code: i.province_code,
            city: i.city,
            address: i.address,
            postal_code: i.postal_code,
            contact_name: i.contact_name,
            contact_phone: i.contact_phone,
            contact_email: i.contact_email,
            university_type: i.university_type,
            university_nature: i.university_nature,
            srdi_level: i.srdi_level,
            field: i.field,
        }
    }
}

/// Lists the organisations the caller may see.
#[utoipa::path(get, path = "/api/organizations", tag = "organizations", params(ListParams),
    responses((status = 200, body = PageOf<Organization>), (status = 401, body = ErrorBody)))]
async fn list(
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
    request_body = OrganizationInput,
    responses((status = 201, body = Organization), (status = 422, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<OrganizationInput>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    cu.authorize(
        &state,
        Action::OrgCreate,
        &Target::Programme,
        "organization",
        "",
    )
    .await?;
    let org = OrganizationDraft::from(input)
        .validate()
        .map_err(ApiError::fields)?;
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
async fn get(
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
    params(("id" = i64, Path)), request_body = OrganizationInput,
    responses((status = 200, body = Organization), (status = 422, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<OrganizationInput>,
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
    let org = OrganizationDraft::from(input)
        .validate()
        .map_err(ApiError::fields)?;
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
