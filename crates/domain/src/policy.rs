//! The one place that answers "may this actor do this to this object?".
//!
//! Every handler asks [`decide`] with the object it is about to touch, and every list query is
//! filtered by [`org_visibility`] / [`user_visibility`], which are the same rules that
//! [`decide`] applies to a single object — so a list never shows what a detail page would refuse.
//! An object the actor may not even see answers [`Decision::Hidden`] (HTTP 404, so ids do not
//! leak); a visible object the actor may not change answers [`Decision::Forbidden`] (HTTP 403).

use crate::users::role::{Grant, Role};

/// Who is asking: a logged-in user, their organisation and their grants.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub org_id: Option<i64>,
    /// The kind of the actor's organisation (`university`, `enterprise`…), when they have one.
    pub org_kind: Option<String>,
    pub grants: Vec<Grant>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    fn has_in_org(&self, role: Role, org_id: i64) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.org_id == Some(org_id))
    }

    fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// Whether the actor holds one of `roles` in organisation `org_id`.
    fn works_for(&self, org_id: i64, roles: &[Role]) -> bool {
        self.grants
            .iter()
            .any(|g| roles.contains(&g.role) && g.org_id == Some(org_id))
    }

    /// Whether the actor organises the programme for `field` (office: every field).
    pub fn runs_field(&self, field: &str) -> bool {
        self.has(Role::Office)
            || self
                .grants
                .iter()
                .any(|g| g.role == Role::FieldOrganiser && g.field.as_deref() == Some(field))
    }

    /// The fields the actor organises, or `None` for all of them (office).
    pub fn fields_run(&self) -> Option<Vec<String>> {
        if self.has(Role::Office) {
            return None;
        }
        Some(
            self.grants
                .iter()
                .filter(|g| g.role == Role::FieldOrganiser)
                .filter_map(|g| g.field.clone())
                .collect(),
        )
    }

    /// Organisations whose applications the actor works on (org admin or staff).
    pub fn working_orgs(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| matches!(g.role, Role::OrgAdmin | Role::OrgStaff))
            .filter_map(|g| g.org_id)
            .collect()
    }

    /// Organisations this actor administers (org admin grants).
    fn admin_orgs(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::OrgAdmin)
            .filter_map(|g| g.org_id)
            .collect()
    }
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    OrgRead,
    OrgCreate,
    OrgUpdate,
    UserRead,
    UserCreate,
    UserUpdate,
    RoleGrant,
    RoleRevoke,
    UserUnlock,
    UserResetPassword,
    AuditRead,
    CallRead,
    CallManage,
    ApplicationCreate,
    ApplicationRead,
    /// Edit, submit, withdraw, invite partners, upload attachments: the lead's work.
    ApplicationEdit,
    /// A partner's confirmation or refusal, for the organisation in the target.
    ApplicationRespond,
    /// Formal check, paper copy receipt, intake lists and exports: the programme's work.
    ApplicationIntake,
    /// Run review: the expert pool, rounds, assignment, results, selection, letters, the outbox.
    ReviewManage,
    /// Read a review round (its programme staff, and experts assigned in it).
    RoundRead,
    /// Read an expert's profile (the programme staff; the expert themself).
    ExpertRead,
    /// Change an expert's profile (the programme staff; the expert themself, within limits).
    ExpertUpdate,
    /// An expert's own work on an assignment: answer, read the application, score, submit.
    AssignmentWork,
}

/// The object of the action, with the facts the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Programme-wide actions (create an organisation, read the audit log).
    Programme,
    Org {
        id: i64,
    },
    User {
        id: i64,
        org_id: Option<i64>,
    },
    /// A role grant on a user: the grant's role and organisation scope.
    Grant {
        user_id: i64,
        user_org_id: Option<i64>,
        role: Role,
        org_id: Option<i64>,
    },
    /// A new user to be created in this organisation.
    NewUser {
        org_id: Option<i64>,
    },
    /// A call (批次) of a field; drafts are visible to the field's organisers only.
    Call {
        field: String,
        published: bool,
    },
    /// A call to be opened in this field.
    NewCall {
        field: String,
    },
    /// A new application led by this organisation.
    NewApplication {
        lead_org_id: i64,
    },
    /// An application: its field, lead and the organisations its partner blocks name; whether it
    /// is still a private draft. `respond_as` is the partner organisation a response is made for.
    Application {
        field: String,
        lead_org_id: i64,
        partner_org_ids: Vec<i64>,
        draft: bool,
        respond_as: Option<i64>,
    },
    /// The expert pool and review-wide lists (the outbox).
    ReviewPool,
    /// A review round of a field; `expert_assigned`: the actor is an expert assigned in it.
    Round {
        field: String,
        expert_assigned: bool,
    },
    /// An expert's profile.
    Expert {
        user_id: i64,
    },
    /// One expert's assignment to one application in a round of `field`.
    Assignment {
        field: String,
        expert_user_id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The object exists for the actor but the action is not theirs (403).
    Forbidden,
    /// The actor may not know the object exists (404).
    Hidden,
}

/// Which organisations (or users' organisations) a list may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    /// Only these organisation ids (for users: users of these organisations), plus, for user
    /// lists, the actor themselves.
    Orgs(Vec<i64>),
}

impl Visibility {
    pub fn contains(&self, org_id: Option<i64>) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Orgs(ids) => org_id.is_some_and(|o| ids.contains(&o)),
        }
    }
}

const PROGRAMME_READERS: &[Role] = &[Role::Office, Role::FieldOrganiser, Role::SysAdmin];
/// Who runs expert review: the programme office, and field organisers for their field.
const REVIEW_MANAGERS: &[Role] = &[Role::Office, Role::FieldOrganiser];

const ORG_EDITORS: &[Role] = &[Role::Office, Role::FieldOrganiser];
const USER_READERS: &[Role] = &[Role::SysAdmin, Role::SecurityAdmin];

/// Organisations the actor may see: all for the programme's staff and the system admin,
/// otherwise their own.
pub fn org_visibility(actor: &Actor) -> Visibility {
    if actor.any(PROGRAMME_READERS) {
        Visibility::All
    } else {
        Visibility::Orgs(actor.org_id.into_iter().collect())
    }
}

/// Users the actor may see: everyone for the system and security admins, the members of the
/// organisations they administer for org admins, and always themselves.
pub fn user_visibility(actor: &Actor) -> Visibility {
    if actor.any(USER_READERS) {
        Visibility::All
    } else {
        Visibility::Orgs(actor.admin_orgs())
    }
}

fn user_visible(actor: &Actor, id: i64, org_id: Option<i64>) -> bool {
    id == actor.user_id || user_visibility(actor).contains(org_id)
}

fn allow(b: bool) -> Decision {
    if b {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// Decides (actor, action, target). Pair each action with the target it is about.
pub fn decide(actor: &Actor, action: Action, target: &Target) -> Decision {
    use Action::*;
    match (action, target) {
        (OrgRead, Target::Org { id }) => {
            if org_visibility(actor).contains(Some(*id)) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        (OrgCreate, Target::Programme) => allow(actor.any(ORG_EDITORS)),
        (OrgUpdate, Target::Org { id }) => match decide(actor, OrgRead, target) {
            Decision::Allow => {
                allow(actor.any(ORG_EDITORS) || actor.has_in_org(Role::OrgAdmin, *id))
            }
            other => other,
        },
        (UserRead, Target::User { id, org_id }) => {
            if user_visible(actor, *id, *org_id) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        (UserCreate, Target::NewUser { org_id }) => allow(
            actor.has(Role::SysAdmin)
                || org_id.is_some_and(|o| actor.has_in_org(Role::OrgAdmin, o)),
        ),
        (UserUpdate, Target::User { id, org_id }) => {
            if !user_visible(actor, *id, *org_id) {
                return Decision::Hidden;
            }
            allow(
                actor.has(Role::SysAdmin)
                    || org_id.is_some_and(|o| actor.has_in_org(Role::OrgAdmin, o)),
            )
        }
        (
            RoleGrant | RoleRevoke,
            Target::Grant {
                user_id,
                user_org_id,
                role,
                org_id,
            },
        ) => {
            if !user_visible(actor, *user_id, *user_org_id) {
                return Decision::Hidden;
            }
            // The three separated admin roles are granted only by the operator on the server
            // (`chanjiao admin`), and nobody changes their own roles.
            if role.is_separated_admin() || *user_id == actor.user_id {
                return Decision::Forbidden;
            }
            if actor.has(Role::SysAdmin) {
                return Decision::Allow;
            }
            let org_level = matches!(role, Role::OrgAdmin | Role::OrgStaff | Role::Student);
            allow(
                org_level
                    && org_id.is_some()
                    && *org_id == *user_org_id
                    && org_id.is_some_and(|o| actor.has_in_org(Role::OrgAdmin, o)),
            )
        }
        (UserUnlock | UserResetPassword, Target::User { id, org_id }) => {
            if !user_visible(actor, *id, *org_id) {
                return Decision::Hidden;
            }
            allow(actor.has(Role::SecurityAdmin) && *id != actor.user_id)
        }
        (AuditRead, Target::Programme) => allow(actor.has(Role::AuditAdmin)),
        (CallRead, Target::Call { field, published }) => {
            if *published || actor.runs_field(field) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        (CallManage, Target::Call { field, published }) => {
            if actor.runs_field(field) {
                Decision::Allow
            } else if *published {
                Decision::Forbidden
            } else {
                Decision::Hidden
            }
        }
        (CallManage, Target::NewCall { field }) => allow(actor.runs_field(field)),
        (ApplicationCreate, Target::NewApplication { lead_org_id }) => {
            allow(actor.works_for(*lead_org_id, &[Role::OrgAdmin, Role::OrgStaff]))
        }
        (
            action @ (ApplicationRead | ApplicationEdit | ApplicationRespond | ApplicationIntake),
            Target::Application {
                field,
                lead_org_id,
                partner_org_ids,
                draft,
                respond_as,
            },
        ) => {
            let staff = [Role::OrgAdmin, Role::OrgStaff];
            // Drafts are the applicant's own: the programme sees an application once submitted.
            let programme = actor.runs_field(field) && !*draft;
            let lead = actor.works_for(*lead_org_id, &staff);
            let partner = partner_org_ids.iter().any(|o| actor.works_for(*o, &staff));
            if !(programme || lead || partner) {
                return Decision::Hidden;
            }
            allow(match action {
                ApplicationRead => true,
                ApplicationEdit => lead,
                ApplicationRespond => respond_as.is_some_and(|o| {
                    partner_org_ids.contains(&o) && actor.works_for(o, &[Role::OrgAdmin])
                }),
                _ => programme,
            })
        }
        (ReviewManage, Target::ReviewPool) => allow(actor.any(REVIEW_MANAGERS)),
        (
            ReviewManage | RoundRead,
            Target::Round {
                field,
                expert_assigned,
            },
        ) => {
            if actor.runs_field(field) {
                Decision::Allow
            } else if *expert_assigned && actor.has(Role::Expert) {
                allow(action == RoundRead)
            } else {
                Decision::Hidden
            }
        }
        (ExpertRead | ExpertUpdate, Target::Expert { user_id }) => {
            if actor.any(REVIEW_MANAGERS) || *user_id == actor.user_id {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        (
            ReviewManage | AssignmentWork,
            Target::Assignment {
                field,
                expert_user_id,
            },
        ) => {
            let own = *expert_user_id == actor.user_id && actor.has(Role::Expert);
            let runs = actor.runs_field(field);
            if !(own || runs) {
                return Decision::Hidden;
            }
            allow(match action {
                AssignmentWork => own,
                _ => runs,
            })
        }
        // An action paired with the wrong kind of target is a programming error: refuse.
        _ => Decision::Forbidden,
    }
}

/// The capabilities the UI shows menus and buttons for. The UI never infers rights from
/// role names; the server derives them here from the same rules.
pub fn capabilities(actor: &Actor) -> Vec<&'static str> {
    let mut caps = Vec::new();
    let mut add = |c: &'static str, ok: bool| {
        if ok {
            caps.push(c)
        }
    };
    add("org.list", org_visibility(actor) == Visibility::All);
    add(
        "org.create",
        decide(actor, Action::OrgCreate, &Target::Programme) == Decision::Allow,
    );
    add(
        "org.edit_own",
        actor
            .org_id
            .is_some_and(|o| actor.has_in_org(Role::OrgAdmin, o)),
    );
    add(
        "user.list",
        actor.any(USER_READERS) || actor.has(Role::OrgAdmin),
    );
    add(
        "user.create",
        actor.has(Role::SysAdmin) || actor.has(Role::OrgAdmin),
    );
    add(
        "role.grant",
        actor.has(Role::SysAdmin) || actor.has(Role::OrgAdmin),
    );
    add("user.unlock", actor.has(Role::SecurityAdmin));
    add("user.reset_password", actor.has(Role::SecurityAdmin));
    add("audit.read", actor.has(Role::AuditAdmin));
    let programme = actor.has(Role::Office) || actor.has(Role::FieldOrganiser);
    add("call.manage", programme);
    add("application.intake", programme);
    add("review.manage", actor.any(REVIEW_MANAGERS));
    add("review.expert", actor.has(Role::Expert));
    let in_university = actor.org_kind.as_deref() == Some("university");
    let staff = !actor.working_orgs().is_empty();
    add("application.create", staff && in_university);
    add(
        "application.partner",
        actor.has(Role::OrgAdmin) && !in_university && actor.org_id.is_some(),
    );
    caps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user_id: i64, org_id: Option<i64>, roles: &[(Role, Option<i64>)]) -> Actor {
        Actor {
            user_id,
            org_id,
            org_kind: None,
            grants: roles
                .iter()
                .map(|(role, org_id)| Grant {
                    role: *role,
                    org_id: *org_id,
                    field: None,
                })
                .collect(),
        }
    }

    #[test]
    fn org_admin_edits_own_org_only_and_cannot_see_others() {
        let a = actor(1, Some(10), &[(Role::OrgAdmin, Some(10))]);
        assert_eq!(
            decide(&a, Action::OrgUpdate, &Target::Org { id: 10 }),
            Decision::Allow
        );
        assert_eq!(
            decide(&a, Action::OrgUpdate, &Target::Org { id: 11 }),
            Decision::Hidden
        );
        assert_eq!(
            decide(&a, Action::OrgCreate, &Target::Programme),
            Decision::Forbidden
        );
    }

    #[test]
    fn staff_reads_own_org_but_cannot_edit_it() {
        let a = actor(1, Some(10), &[(Role::OrgStaff, Some(10))]);
        assert_eq!(
            decide(&a, Action::OrgRead, &Target::Org { id: 10 }),
            Decision::Allow
        );
        assert_eq!(
            decide(&a, Action::OrgUpdate, &Target::Org { id: 10 }),
            Decision::Forbidden
        );
    }

    #[test]
    fn separated_admins_cannot_be_granted_through_the_api() {
        let sys = actor(1, None, &[(Role::SysAdmin, None)]);
        for role in [Role::SysAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            let t = Target::Grant {
                user_id: 2,
                user_org_id: None,
                role,
                org_id: None,
            };
            assert_eq!(decide(&sys, Action::RoleGrant, &t), Decision::Forbidden);
        }
        let t = Target::Grant {
            user_id: 2,
            user_org_id: Some(5),
            role: Role::Office,
            org_id: Some(5),
        };
        assert_eq!(decide(&sys, Action::RoleGrant, &t), Decision::Allow);
        let own = Target::Grant {
            user_id: 1,
            user_org_id: None,
            role: Role::Office,
            org_id: Some(5),
        };
        assert_eq!(decide(&sys, Action::RoleGrant, &own), Decision::Forbidden);
    }

    #[test]
    fn org_admin_grants_org_roles_within_own_org_only() {
        let a = actor(1, Some(10), &[(Role::OrgAdmin, Some(10))]);
        let ok = Target::Grant {
            user_id: 2,
            user_org_id: Some(10),
            role: Role::OrgStaff,
            org_id: Some(10),
        };
        assert_eq!(decide(&a, Action::RoleGrant, &ok), Decision::Allow);
        let office = Target::Grant {
            user_id: 2,
            user_org_id: Some(10),
            role: Role::Office,
            org_id: Some(10),
        };
        assert_eq!(decide(&a, Action::RoleGrant, &office), Decision::Forbidden);
        let other = Target::Grant {
            user_id: 3,
            user_org_id: Some(11),
            role: Role::OrgStaff,
            org_id: Some(11),
        };
        assert_eq!(decide(&a, Action::RoleGrant, &other), Decision::Hidden);
    }

    #[test]
    fn applications_are_seen_by_lead_partners_and_the_fields_organisers_only() {
        let app = |respond_as| Target::Application {
            field: "advanced_semiconductor".into(),
            lead_org_id: 10,
            partner_org_ids: vec![20],
            draft: false,
            respond_as,
        };
        let lead = actor(1, Some(10), &[(Role::OrgStaff, Some(10))]);
        assert_eq!(
            decide(&lead, Action::ApplicationEdit, &app(None)),
            Decision::Allow
        );
        assert_eq!(
            decide(&lead, Action::ApplicationIntake, &app(None)),
            Decision::Forbidden
        );
        let partner = actor(2, Some(20), &[(Role::OrgAdmin, Some(20))]);
        assert_eq!(
            decide(&partner, Action::ApplicationRead, &app(None)),
            Decision::Allow
        );
        assert_eq!(
            decide(&partner, Action::ApplicationEdit, &app(None)),
            Decision::Forbidden
        );
        assert_eq!(
            decide(&partner, Action::ApplicationRespond, &app(Some(20))),
            Decision::Allow
        );
        assert_eq!(
            decide(&partner, Action::ApplicationRespond, &app(Some(10))),
            Decision::Forbidden
        );
        let partner_staff = actor(3, Some(20), &[(Role::OrgStaff, Some(20))]);
        assert_eq!(
            decide(&partner_staff, Action::ApplicationRespond, &app(Some(20))),
            Decision::Forbidden
        );
        let stranger = actor(4, Some(30), &[(Role::OrgAdmin, Some(30))]);
        assert_eq!(
            decide(&stranger, Action::ApplicationRead, &app(None)),
            Decision::Hidden
        );
        let student = actor(5, Some(10), &[(Role::Student, Some(10))]);
        assert_eq!(
            decide(&student, Action::ApplicationRead, &app(None)),
            Decision::Hidden
        );
        let mut alliance = actor(6, Some(40), &[(Role::FieldOrganiser, Some(40))]);
        alliance.grants[0].field = Some("advanced_semiconductor".into());
        assert_eq!(
            decide(&alliance, Action::ApplicationIntake, &app(None)),
            Decision::Allow
        );
        alliance.grants[0].field = Some("other_field".into());
        assert_eq!(
            decide(&alliance, Action::ApplicationRead, &app(None)),
            Decision::Hidden
        );
        let office = actor(7, Some(50), &[(Role::Office, Some(50))]);
        assert_eq!(
            decide(&office, Action::ApplicationIntake, &app(None)),
            Decision::Allow
        );
        let draft = Target::Application {
            field: "advanced_semiconductor".into(),
            lead_org_id: 10,
            partner_org_ids: vec![20],
            draft: true,
            respond_as: None,
        };
        assert_eq!(
            decide(&office, Action::ApplicationRead, &draft),
            Decision::Hidden
        );
        assert_eq!(
            decide(&lead, Action::ApplicationRead, &draft),
            Decision::Allow
        );
    }

    #[test]
    fn draft_calls_are_hidden_from_everyone_but_their_organisers() {
        let draft = Target::Call {
            field: "advanced_semiconductor".into(),
            published: false,
        };
        let published = Target::Call {
            field: "advanced_semiconductor".into(),
            published: true,
        };
        let uni = actor(1, Some(10), &[(Role::OrgAdmin, Some(10))]);
        assert_eq!(decide(&uni, Action::CallRead, &draft), Decision::Hidden);
        assert_eq!(decide(&uni, Action::CallRead, &published), Decision::Allow);
        assert_eq!(
            decide(&uni, Action::CallManage, &published),
            Decision::Forbidden
        );
        let office = actor(2, Some(50), &[(Role::Office, Some(50))]);
        assert_eq!(decide(&office, Action::CallManage, &draft), Decision::Allow);
    }

    #[test]
    fn only_the_audit_admin_reads_the_audit_log() {
        for role in Role::ALL {
            let a = actor(1, None, &[(role, None)]);
            let d = decide(&a, Action::AuditRead, &Target::Programme);
            assert_eq!(d == Decision::Allow, role == Role::AuditAdmin, "{role}");
        }
    }

    #[test]
    fn list_visibility_agrees_with_detail_decisions() {
        let orgs = [10, 11, 12];
        for role in Role::ALL {
            for org in [None, Some(10)] {
                let a = actor(1, org, &[(role, org)]);
                let vis = org_visibility(&a);
                for id in orgs {
                    let detail = decide(&a, Action::OrgRead, &Target::Org { id });
                    assert_eq!(
                        vis.contains(Some(id)),
                        detail == Decision::Allow,
                        "{role} {id}"
                    );
                }
                let uvis = user_visibility(&a);
                for (uid, uorg) in [(2, Some(10)), (3, Some(11)), (4, None)] {
                    let detail = decide(
                        &a,
                        Action::UserRead,
                        &Target::User {
                            id: uid,
                            org_id: uorg,
                        },
                    );
                    assert_eq!(
                        uvis.contains(uorg),
                        detail == Decision::Allow,
                        "{role} user {uid}"
                    );
                }
            }
        }
    }
}
