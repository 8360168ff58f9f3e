//! Reference data the UI needs before anything else: provinces, kinds, roles, the password
//! policy. Public: none of it is confidential.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::organizations::{Field, OrgKind, SrdiLevel, UniversityNature, UniversityType};
use chanjiao_domain::provinces::PROVINCES;
use chanjiao_domain::users::role::Role;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(meta))
}

#[derive(Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordPolicyDto {
    pub min_length: usize,
    pub min_classes: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Meta {
    pub provinces: Vec<CodeName>,
    pub org_kinds: Vec<String>,
    pub roles: Vec<String>,
    pub university_types: Vec<String>,
    pub university_natures: Vec<String>,
    pub srdi_levels: Vec<String>,
    pub fields: Vec<CodeName>,
    pub password_policy: PasswordPolicyDto,
}

fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| f(*v).to_owned()).collect()
}

/// Reference lists and the password policy.
#[utoipa::path(get, path = "/api/meta", tag = "meta", responses((status = 200, body = Meta)))]
async fn meta(State(state): State<AppState>) -> Json<Meta> {
    Json(Meta {
        provinces: PROVINCES
            .iter()
            .map(|p| CodeName {
                code: p.code.into(),
                name: p.name.into(),
            })
            .collect(),
        org_kinds: names(OrgKind::ALL, OrgKind::as_str),
        roles: names(&Role::ALL, Role::as_str),
        university_types: names(UniversityType::ALL, UniversityType::as_str),
        university_natures: names(UniversityNature::ALL, UniversityNature::as_str),
        srdi_levels: names(SrdiLevel::ALL, SrdiLevel::as_str),
        fields: Field::ALL
            .iter()
            .map(|f| CodeName {
                code: f.as_str().into(),
                name: f.label_zh().into(),
            })
            .collect(),
        password_policy: PasswordPolicyDto {
            min_length: state.settings.password.min_length,
            min_classes: state.settings.password.min_classes,
        },
    })
}
