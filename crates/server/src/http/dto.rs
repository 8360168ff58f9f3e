//! The JSON shapes of the API, with their OpenAPI schemas. Personal data is masked here, by the
//! viewer's rights, so no handler can forget to.

use chanjiao_domain::policy::{self, Actor};
use chanjiao_domain::users::role::Role;
use chanjiao_domain::validate::{mask_email, mask_phone};
use chanjiao_store::attachments::AttachmentRow;
use chanjiao_store::organizations::OrgRow;
use chanjiao_store::users::{GrantRow, UserListRow, UserRow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct RoleGrantDto {
    pub id: i64,
    pub role: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub field: Option<String>,
}

impl From<&GrantRow> for RoleGrantDto {
    fn from(g: &GrantRow) -> Self {
        Self {
            id: g.id,
            role: g.role.clone(),
            org_id: g.org_id,
            org_name: g.org_name.clone(),
            field: g.field.clone(),
        }
    }
}

/// The logged-in user, with the capabilities the UI shows menus for.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub org: Option<OrgRef>,
    pub roles: Vec<RoleGrantDto>,
    pub capabilities: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Me {
    pub fn new(user: &UserRow, org: Option<&OrgRow>, grants: &[GrantRow], actor: &Actor) -> Self {
        Me {
            id: user.id,
            login: user.login.clone(),
            name: user.name.clone(),
            org: org.map(|o| OrgRef {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind.clone(),
            }),
            roles: grants.iter().map(RoleGrantDto::from).collect(),
            capabilities: policy::capabilities(actor)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            phone: user.phone.as_deref().map(mask_phone),
            email: user.email.as_deref().map(mask_email),
        }
    }
}

/// An organisation (单位).
#[derive(Serialize, ToSchema)]
pub struct Organization {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uscc: String,
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Contact details are shown in full to the programme's staff and the organisation's own
/// people; others (the system admin) see them masked.
fn sees_org_contacts(viewer: &Actor, org_id: i64) -> bool {
    viewer.org_id == Some(org_id) || viewer.has(Role::Office) || viewer.has(Role::FieldOrganiser)
}

impl Organization {
    pub fn for_viewer(o: OrgRow, viewer: &Actor) -> Self {
        let full = sees_org_contacts(viewer, o.id);
        Organization {
            contact_phone: if full {
                o.contact_phone
            } else {
                mask_phone(&o.contact_phone)
            },
            contact_email: if full {
                o.contact_email
            } else {
                mask_email(&o.contact_email)
            },
            id: o.id,
            kind: o.kind,
            name: o.name,
            uscc: o.uscc,
            province_code: o.province_code,
            city: o.city,
            address: o.address,
            postal_code: o.postal_code,
            contact_name: o.contact_name,
            university_type: o.university_type,
            university_nature: o.university_nature,
            srdi_level: o.srdi_level,
            field: o.field,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A user account as administrators see it; phone and e-mail are always masked.
#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub roles: Vec<RoleGrantDto>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn new(row: UserListRow, grants: &[GrantRow]) -> Self {
        let u = row.user;
        User {
            roles: grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(RoleGrantDto::from)
                .collect(),
            phone: u.phone.as_deref().map(mask_phone),
            email: u.email.as_deref().map(mask_email),
            id: u.id,
            login: u.login,
            name: u.name,
            org_id: u.org_id,
            org_name: row.org_name,
            disabled: u.disabled,
            locked_until: row.locked_until,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// A stored file as the API lists it (of a call, an application or an expert).
#[derive(Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<AttachmentRow> for Attachment {
    fn from(a: AttachmentRow) -> Self {
        Attachment {
            id: a.id,
            kind: a.kind,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}
