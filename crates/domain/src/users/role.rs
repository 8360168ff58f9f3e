//! Roles (角色) and the scopes they are granted in.
//!
//! 三员分立 (separation of the three administrators): system, security and audit admin are
//! exclusive — no account may hold two of them. The store enforces this with a partial unique
//! index as well, so the rule holds even against a buggy handler.

use serde::{Deserialize, Serialize};

/// Every role the platform knows. The string forms are stable API and database values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: accounts and system settings, never business data or the audit log.
    SysAdmin,
    /// 安全管理员: unlocks accounts, resets passwords, security settings.
    SecurityAdmin,
    /// 审计管理员: reads the audit log, changes nothing.
    AuditAdmin,
    /// 项目建设办公室 (the Center): runs the programme.
    Office,
    /// 领域组织单位 (the Alliance for a field): organises its field's call.
    FieldOrganiser,
    /// 评审专家.
    Expert,
    /// 单位管理员: manages its own organisation and its people.
    OrgAdmin,
    /// 单位工作人员.
    OrgStaff,
    /// 学生.
    Student,
}

/// How a role is scoped when granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Whole system or programme: no organisation, no field.
    Global,
    /// Needs an organisation.
    Organisation,
    /// Needs an organisation (the alliance) and a field.
    OrganisationField,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::SysAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::Office,
        Role::FieldOrganiser,
        Role::Expert,
        Role::OrgAdmin,
        Role::OrgStaff,
        Role::Student,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SysAdmin => "sys_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
            Role::Office => "office",
            Role::FieldOrganiser => "field_organiser",
            Role::Expert => "expert",
            Role::OrgAdmin => "org_admin",
            Role::OrgStaff => "org_staff",
            Role::Student => "student",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Chinese name, for CLI output and documents.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::SysAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
            Role::Office => "项目建设办公室",
            Role::FieldOrganiser => "领域组织单位",
            Role::Expert => "评审专家",
            Role::OrgAdmin => "单位管理员",
            Role::OrgStaff => "单位工作人员",
            Role::Student => "学生",
        }
    }

    /// One of the three separated administrator roles (三员).
    pub fn is_separated_admin(self) -> bool {
        matches!(
            self,
            Role::SysAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    pub fn scope(self) -> Scope {
        match self {
            Role::SysAdmin | Role::SecurityAdmin | Role::AuditAdmin | Role::Expert => Scope::Global,
            Role::Office | Role::OrgAdmin | Role::OrgStaff | Role::Student => Scope::Organisation,
            Role::FieldOrganiser => Scope::OrganisationField,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role held by a user, within its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub org_id: Option<i64>,
    pub field: Option<String>,
}

/// Checks that a grant names exactly the scope its role needs: an organisation for office,
/// field-organiser and organisation roles, a valid field for a field organiser, nothing else for
/// global roles. The error names the offending input field.
pub fn validate_scope(
    role: Role,
    org_id: Option<i64>,
    field: Option<&str>,
) -> Result<Grant, (&'static str, crate::FieldError)> {
    use crate::FieldError;
    let field = field.map(str::trim).filter(|f| !f.is_empty());
    let need_org = role.scope() != Scope::Global;
    let need_field = role.scope() == Scope::OrganisationField;
    match (need_org, org_id) {
        (true, None) => {
            return Err((
                "org_id",
                FieldError::new("required", "请选择该角色所属单位"),
            ));
        }
        (false, Some(_)) => {
            return Err((
                "org_id",
                FieldError::new("not_applicable", "该角色不属于具体单位"),
            ));
        }
        _ => {}
    }
    match (need_field, field) {
        (true, None) => return Err(("field", FieldError::new("required", "请选择领域"))),
        (true, Some(f)) if crate::organizations::Field::parse(f).is_none() => {
            return Err(("field", FieldError::new("invalid_choice", "领域无效")));
        }
        (false, Some(_)) => {
            return Err((
                "field",
                FieldError::new("not_applicable", "该角色不区分领域"),
            ));
        }
        _ => {}
    }
    Ok(Grant {
        role,
        org_id,
        field: field.map(str::to_owned),
    })
}

/// Why a set of grants is not allowed to coexist on one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantConflict {
    /// 三员分立: two separated admin roles on one account.
    SeparatedAdmins(Role, Role),
}

/// Checks that adding `new` to `existing` keeps the account within the separation rules.
pub fn check_grant(existing: &[Role], new: Role) -> Result<(), GrantConflict> {
    if new.is_separated_admin()
        && let Some(&other) = existing
            .iter()
            .find(|r| r.is_separated_admin() && **r != new)
    {
        return Err(GrantConflict::SeparatedAdmins(other, new));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_checked() {
        assert!(validate_scope(Role::Expert, None, None).is_ok());
        assert_eq!(
            validate_scope(Role::Expert, Some(1), None).unwrap_err().0,
            "org_id"
        );
        assert_eq!(
            validate_scope(Role::OrgAdmin, None, None).unwrap_err().0,
            "org_id"
        );
        assert_eq!(
            validate_scope(Role::FieldOrganiser, Some(1), None)
                .unwrap_err()
                .0,
            "field"
        );
        assert_eq!(
            validate_scope(Role::FieldOrganiser, Some(1), Some("x"))
                .unwrap_err()
                .0,
            "field"
        );
        let g = validate_scope(
            Role::FieldOrganiser,
            Some(1),
            Some("advanced_semiconductor"),
        )
        .unwrap();
        assert_eq!(g.field.as_deref(), Some("advanced_semiconductor"));
        assert_eq!(
            validate_scope(Role::Office, Some(1), Some("advanced_semiconductor"))
                .unwrap_err()
                .0,
            "field"
        );
    }

    #[test]
    fn role_strings_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn no_account_holds_two_separated_admin_roles() {
        let admins = [Role::SysAdmin, Role::SecurityAdmin, Role::AuditAdmin];
        for a in admins {
            for b in admins {
                let r = check_grant(&[a], b);
                if a == b {
                    assert!(r.is_ok());
                } else {
                    assert_eq!(r, Err(GrantConflict::SeparatedAdmins(a, b)));
                }
            }
            assert!(check_grant(&[a], Role::Expert).is_ok());
            assert!(check_grant(&[Role::Office, Role::Expert], a).is_ok());
        }
    }
}
