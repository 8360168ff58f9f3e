//! Applications (申报): a university fills the 申报书 (autosaved drafts), its partners confirm,
//! it submits before the deadline (a frozen, hashed version), may withdraw before the deadline;
//! the programme runs the formal check (形式审查) and records the sealed paper copy. Also the
//! pages that need no login: partner invitations and the verification of a printed 申报书.

mod drafts;
mod intake;
mod invites;
mod partners;
mod print;
mod submission;
mod view;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(intake::list, drafts::create))
        .routes(routes!(intake::export))
        .routes(routes!(drafts::get))
        .routes(routes!(drafts::save_form))
        .routes(routes!(submission::submit))
        .routes(routes!(submission::withdraw))
        .routes(routes!(partners::invite))
        .routes(routes!(partners::partner_decision))
        .routes(routes!(print::print))
        .routes(routes!(submission::versions))
        .routes(routes!(submission::version))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(drafts::upload)),
        ))
        .routes(routes!(intake::formal_check))
        .routes(routes!(intake::paper_copy))
        .routes(routes!(partners::directory))
        .routes(routes!(drafts::form_meta))
        // No login: the partner's invitation and the printed 申报书's verification.
        .routes(routes!(invites::invite))
        .routes(routes!(invites::accept))
        .routes(routes!(print::verify))
}
