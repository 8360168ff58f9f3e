//! Loading an object together with the policy target that describes it, for every area that
//! acts on that object (an application is read by its own area, by attachments and by review).
//! Rights are then decided by `CurrentUser::authorize` with that target.

use chanjiao_domain::applications::Status;
use chanjiao_domain::policy::Target;
use chanjiao_store::applications::{self as apps, AppRow};

use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Refuses changes to an application that is no longer with its applicant.
pub fn ensure_editable(row: &AppRow, message: &str) -> ApiResult<()> {
    if row.status().editable() {
        Ok(())
    } else {
        Err(ApiError::conflict("not_editable", message))
    }
}

/// Loads an application and the policy target describing it.
pub async fn application(state: &AppState, id: i64) -> ApiResult<(AppRow, Target)> {
    let (ctx, target) = application_context(state, id, apps::Form::Read).await?;
    Ok((ctx.app, target))
}

/// [`application`] with the call, the partners' confirmations and the applicant's deadline — all
/// read in one round trip, since saving and submitting need every one of them.
pub async fn application_context(
    state: &AppState,
    id: i64,
    form: apps::Form,
) -> ApiResult<(apps::Context, Target)> {
    let ctx = apps::context(&state.db, id, form)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let row = &ctx.app;
    let target = Target::Application {
        field: ctx.call.field.clone(),
        lead_org_id: row.lead_org_id,
        partner_org_ids: ctx.partners.iter().map(|p| p.org_id).collect(),
        draft: row.status() == Status::Draft
            || (row.status() == Status::Withdrawn && row.submitted_version.is_none()),
        respond_as: None,
    };
    Ok((ctx, target))
}
