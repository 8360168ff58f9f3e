//! The application as the API shows it, built from what the handlers read; shared by the
//! area's handlers, with the authorisation every one of them starts with.

use chanjiao_domain::applications::{
    self as form_rules, ApplicationForm, Confirmation, Eligibility, PartnerState, Status,
    Transition,
};
use chanjiao_domain::calls::Status as CallStatus;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::applications::{self as apps, AppRow};
use chanjiao_store::attachments;
use chanjiao_store::calls::CallRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::error::{ApiResult, FieldProblem};
use crate::state::AppState;

pub(super) async fn authorized(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<(AppRow, Target)> {
    let (ctx, target) = authorized_context(state, cu, id, action, apps::Form::Read).await?;
    Ok((ctx.app, target))
}

pub(super) async fn authorized_context(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
    form: apps::Form,
) -> ApiResult<(apps::Context, Target)> {
    let (ctx, target) = crate::access::application_context(state, id, form).await?;
    cu.authorize(state, action, &target, "application", id)
        .await?;
    Ok((ctx, target))
}

#[derive(Serialize, ToSchema)]
pub struct PartnerStatus {
    /// Position of the block in `form.partners`.
    pub index: usize,
    pub name: String,
    pub org_id: Option<i64>,
    pub category: Option<String>,
    /// unregistered | pending | confirmed | declined.
    pub status: String,
    pub reason: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub invite: Option<InviteInfo>,
}

#[derive(Serialize, ToSchema)]
pub struct InviteInfo {
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Paper {
    pub received_on: String,
    pub courier: String,
    pub tracking_no: String,
    pub printed_hash: String,
    pub matches_version: Option<i32>,
    pub matches_submitted: bool,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// An application as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct Application {
    pub id: i64,
    pub number: Option<String>,
    pub call_id: i64,
    pub call_title: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub status: String,
    pub status_label: String,
    pub revision: i64,
    #[schema(value_type = Object)]
    pub form: ApplicationForm,
    /// What still blocks submission.
    pub form_errors: Vec<FieldProblem>,
    pub partners: Vec<PartnerStatus>,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub effective_deadline: DateTime<Utc>,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_withdraw: bool,
    pub return_reasons: Option<String>,
    pub correction_due: Option<DateTime<Utc>>,
    pub paper: Option<Paper>,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn prefixed(errors: form_rules::FormErrors) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|(p, e)| FieldProblem::from_error(&format!("form.{p}"), e))
        .collect()
}

/// The partner blocks joined with their confirmations and (read here, if any block needs
/// them) invitations.
pub(super) async fn partner_statuses(
    state: &AppState,
    id: i64,
    form: &ApplicationForm,
    confirmations: &[apps::PartnerRow],
) -> ApiResult<Vec<PartnerStatus>> {
    let invites = invites_if_needed(state, id, form).await?;
    Ok(join_partners(form, confirmations, &invites))
}

/// Invitations matter only for partner blocks without a registered organisation.
pub(super) async fn invites_if_needed(
    state: &AppState,
    id: i64,
    form: &ApplicationForm,
) -> ApiResult<Vec<apps::InviteRow>> {
    Ok(if form.partners.iter().any(|p| p.org_id.is_none()) {
        apps::invites(&state.db, id).await?
    } else {
        Vec::new()
    })
}

/// The partner blocks joined with confirmations and invitations already read.
pub(super) fn join_partners(
    form: &ApplicationForm,
    confirmations: &[apps::PartnerRow],
    invites: &[apps::InviteRow],
) -> Vec<PartnerStatus> {
    form.partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let conf = p
                .org_id
                .and_then(|o| confirmations.iter().find(|c| c.org_id == o));
            let invite = invites
                .iter()
                .rev()
                .find(|v| v.partner_index as usize == i && p.org_id.is_none());
            PartnerStatus {
                index: i,
                name: p.name.clone(),
                org_id: p.org_id,
                category: p.category.clone(),
                status: conf
                    .map_or("unregistered", |c| c.status.as_str())
                    .to_owned(),
                reason: conf.and_then(|c| c.reason.clone()),
                responded_at: conf.and_then(|c| c.responded_at),
                invite: invite.map(|v| InviteInfo {
                    expires_at: v.expires_at,
                    used: v.used_at.is_some(),
                }),
            }
        })
        .collect()
}

/// Everything that blocks submission at `now` (the domain's [`Eligibility`] rule): form
/// problems, partners, the deadline. Returns them with the deadline that applies:
/// `applicant_deadline` (the call's or an extension's), or the correction term of a returned
/// application.
pub(super) fn blocking(
    now: DateTime<Utc>,
    row: &AppRow,
    call: &CallRow,
    applicant_deadline: DateTime<Utc>,
    form: &ApplicationForm,
    partners: &[PartnerStatus],
) -> (Vec<FieldProblem>, DateTime<Utc>) {
    let directions: Vec<String> = chanjiao_domain::calls::directions(&call.directions)
        .into_iter()
        .map(|d| d.code)
        .collect();
    let partners: Vec<PartnerState<'_>> = partners
        .iter()
        .map(|p| PartnerState {
            index: p.index,
            name: &p.name,
            confirmation: Confirmation::parse(&p.status),
        })
        .collect();
    let (problems, deadline) = Eligibility {
        now,
        status: row.status(),
        correction_due: row.correction_due,
        call_published: call.status() == CallStatus::Published,
        call_opens_at: call.opens_at,
        applicant_deadline,
        directions: &directions,
        form,
        partners: &partners,
    }
    .blockers();
    (
        problems
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(&f, e))
            .collect(),
        deadline,
    )
}

pub(super) async fn view(
    state: &AppState,
    cu: &CurrentUser,
    ctx: apps::Context,
    target: &Target,
) -> ApiResult<Application> {
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&ctx.app.form);
    let partners = partner_statuses(state, ctx.app.id, &form, &ctx.partners).await?;
    let applicant_deadline = ctx.deadline();
    let (problems, deadline) = blocking(
        state.clock.now(),
        &ctx.app,
        &ctx.call,
        applicant_deadline,
        &form,
        &partners,
    );
    view_of(
        state,
        cu,
        ctx.app,
        target,
        Known {
            call: ctx.call,
            form,
            partners,
            problems,
            deadline,
            attachments: ctx.attachments,
        },
    )
    .await
}

/// What a handler already knows about the application it shows.
pub(super) struct Known {
    pub(super) call: CallRow,
    pub(super) form: ApplicationForm,
    pub(super) partners: Vec<PartnerStatus>,
    pub(super) problems: Vec<FieldProblem>,
    pub(super) deadline: DateTime<Utc>,
    /// From the context query when it read them; otherwise they are read here.
    pub(super) attachments: Option<Vec<attachments::AttachmentRow>>,
}

pub(super) async fn view_of(
    state: &AppState,
    cu: &CurrentUser,
    row: AppRow,
    target: &Target,
    known: Known,
) -> ApiResult<Application> {
    let Known {
        call,
        form,
        partners,
        problems,
        deadline,
        attachments: files,
    } = known;
    let status = row.status();
    let may_edit = cu.may(Action::ApplicationEdit, target);
    let now = state.clock.now();
    let files = match files {
        Some(files) => files,
        None => attachments::of_owner(&state.db, "application", row.id).await?,
    };
    let paper = row.paper_received_on.clone().map(|received_on| Paper {
        received_on,
        courier: row.paper_courier.clone().unwrap_or_default(),
        tracking_no: row.paper_tracking_no.clone().unwrap_or_default(),
        printed_hash: row.paper_printed_hash.clone().unwrap_or_default(),
        matches_version: row.paper_matches_version,
        matches_submitted: row.paper_matches_version.is_some()
            && row.paper_matches_version == row.submitted_version,
        recorded_at: row.paper_recorded_at,
    });
    Ok(Application {
        id: row.id,
        number: row.number.clone(),
        call_id: row.call_id,
        call_title: call.title,
        lead_org_id: row.lead_org_id,
        lead_name: row.lead_name.clone(),
        status: row.status.clone(),
        status_label: status.label_zh().to_owned(),
        revision: row.revision,
        can_edit: may_edit && status.editable(),
        can_submit: may_edit
            && form_rules::next(status, Transition::Submit).is_some()
            && problems.is_empty(),
        can_withdraw: may_edit && status == Status::Submitted && now < deadline,
        form_errors: problems,
        form,
        partners,
        submitted_version: row.submitted_version,
        submitted_at: row.submitted_at,
        effective_deadline: deadline,
        return_reasons: row.return_reasons.clone(),
        correction_due: row.correction_due,
        paper,
        attachments: files.into_iter().map(Attachment::from).collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
