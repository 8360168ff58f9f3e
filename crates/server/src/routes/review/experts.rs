//! The expert pool (专家库): list, profile, changes by the office or the expert themself.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::review::profile::{ExpertInput, Profile, validate_profile};
use chanjiao_domain::validate::{mask_email, mask_phone};
use chanjiao_store::review::{self as rv, ExpertRow};
use chanjiao_store::{Paging, audit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{invalid, json_list, pool_manager, province_name, to_json};
use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

// Expert pool

#[derive(Serialize, ToSchema)]
pub struct Expert {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub province_name: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    pub conflict_org_ids: Vec<i64>,
    pub conflict_application_ids: Vec<i64>,
    pub active_load: i64,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn expert_view(r: ExpertRow, unmasked: bool) -> Expert {
    Expert {
        user_id: r.user_id,
        login: r.login,
        name: r.name,
        phone: r.phone.map(|p| if unmasked { p } else { mask_phone(&p) }),
        email: r.email.map(|e| if unmasked { e } else { mask_email(&e) }),
        title: r.title,
        affiliation_org_id: r.affiliation_org_id,
        affiliation_name: r.affiliation_name,
        province_name: province_name(&r.province_code),
        province_code: r.province_code,
        fields: json_list(&r.fields),
        keywords: json_list(&r.keywords),
        max_load: r.max_load,
        available: r.available,
        conflict_org_ids: json_list(&r.conflict_org_ids),
        conflict_application_ids: json_list(&r.conflict_application_ids),
        active_load: r.active_load,
        updated_at: r.updated_at,
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ExpertQuery {
    pub q: Option<String>,
    pub field: Option<String>,
    pub available: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The expert pool (专家库).
#[utoipa::path(get, path = "/api/experts", tag = "review", params(ExpertQuery),
    responses((status = 200, body = PageOf<Expert>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_experts(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(q): ApiQuery<ExpertQuery>,
) -> ApiResult<Json<PageOf<Expert>>> {
    pool_manager(&state, &cu).await?;
    let page = rv::list_experts(
        &state.db,
        q.q.as_deref().filter(|s| !s.trim().is_empty()),
        q.field.as_deref().filter(|s| !s.is_empty()),
        q.available,
        Paging::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|r| expert_view(r, true))
            .collect(),
        total: page.total,
    }))
}

pub(super) async fn load_expert(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<ExpertRow> {
    // Decide on the target before looking: a stranger learns nothing about who is an expert.
    cu.authorize(state, action, &Target::Expert { user_id: id }, "expert", id)
        .await?;
    rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// An expert's profile (the programme staff; the expert themself).
#[utoipa::path(get, path = "/api/experts/{id}", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Expert), (status = 404, body = ErrorBody)))]
pub(super) async fn get_expert(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Expert>> {
    let row = load_expert(&state, &cu, id, Action::ExpertRead).await?;
    Ok(Json(expert_view(row, true)))
}

/// The profile as the store writes it (JSON arrays encoded).
fn stored(p: &Profile) -> rv::Profile {
    rv::Profile {
        title: p.title.clone(),
        affiliation_org_id: p.affiliation_org_id,
        affiliation_name: p.affiliation_name.clone(),
        province_code: p.province_code.clone(),
        fields: to_json(&p.fields),
        keywords: to_json(&p.keywords),
        max_load: p.max_load,
        available: p.available,
        conflict_org_ids: to_json(&p.conflict_org_ids),
        conflict_application_ids: to_json(&p.conflict_application_ids),
    }
}

/// Validates a profile (domain) and names every problem as the API does.
fn parse_profile(input: &ExpertInput) -> ApiResult<rv::Profile> {
    validate_profile(input).map(|p| stored(&p)).map_err(invalid)
}

/// Changes a profile. The expert themself may change only availability, keywords and declared
/// conflicts; the rest is the office's.
#[utoipa::path(put, path = "/api/experts/{id}", tag = "review", params(("id" = i64, Path)), request_body = ExpertInput,
    responses((status = 200, body = Expert), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_expert(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(mut input): ApiJson<ExpertInput>,
) -> ApiResult<Json<Expert>> {
    cu.authorize(
        &state,
        Action::ExpertUpdate,
        &Target::Expert { user_id: id },
        "expert",
        id,
    )
    .await?;
    let manager = cu.may(Action::ReviewManage, &Target::ReviewPool);
    let current = match rv::get_expert(&state.db, id).await? {
        Some(c) => c,
        None => {
            // A first profile for an account holding the expert role (the office's to write).
            let is_expert = chanjiao_store::users::grants_of(&state.db, id)
                .await?
                .iter()
                .any(|g| g.role == "expert");
            if !is_expert {
                return Err(ApiError::not_found());
            }
            if !manager {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "专家档案由项目办公室建立",
                ));
            }
            return create_profile(&state, &cu, id, &input).await;
        }
    };
    if !manager {
        // Self-service: keep what only the office may set.
        let locked = input.title.trim() != current.title
            || input.affiliation_org_id != current.affiliation_org_id
            || input.affiliation_name.trim() != current.affiliation_name
            || input.province_code != current.province_code
            || input.fields != json_list::<String>(&current.fields)
            || input.max_load != current.max_load;
        if locked {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "职称、单位、省份、专业领域和最大评审量由项目办公室维护",
            ));
        }
        input.title = current.title.clone();
    }
    let profile = parse_profile(&input)?;
    let mut tx = state.db.begin().await?;
    rv::upsert_profile(&mut tx, id, &profile).await?;
    let mut e = cu.event("expert.update", "expert", id);
    e.detail = serde_json::json!({ "self_service": !manager, "available": profile.available });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let row = rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(expert_view(row, true)))
}

pub(super) async fn create_profile(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    input: &ExpertInput,
) -> ApiResult<Json<Expert>> {
    let profile = parse_profile(input)?;
    let mut tx = state.db.begin().await?;
    rv::upsert_profile(&mut tx, id, &profile).await?;
    let mut e = cu.event("expert.create", "expert", id);
    e.detail = serde_json::json!({ "available": profile.available });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let row = rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(expert_view(row, true)))
}
