//! Expert review (评审, SPEC §6): the expert pool, 申请回避, rounds with phases and a rubric,
//! optimal or randomised assignment with manual adjustment, the experts' answers and reviews,
//! aggregation, selection and 立项 letters.
//!
//! Blindness: an expert sees only their own assignments, in the phase's visibility (blind
//! phases redact the applicant), never another expert's scores; applicants never see expert
//! identities; aggregates are the programme's only.

mod assignment;
mod avoid;
mod common;
mod decisions;
mod expert_import;
mod expert_work;
mod experts;
mod meta;
mod proposal;
mod results;
mod reviews;
mod rounds;
mod visits;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(meta::review_meta))
        .routes(routes!(experts::list_experts))
        .routes(routes!(experts::get_expert, experts::update_expert))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(expert_import::import_experts)),
        ))
        .routes(routes!(expert_import::expert_template))
        .routes(routes!(expert_import::export_experts))
        .routes(routes!(avoid::get_avoid, avoid::put_avoid))
        .routes(routes!(rounds::list_rounds, rounds::create_round))
        .routes(routes!(rounds::get_round, rounds::update_round))
        .routes(routes!(rounds::activate_phase))
        .routes(routes!(rounds::close_round))
        .routes(routes!(proposal::propose))
        .routes(routes!(assignment::check_pairs))
        .routes(routes!(assignment::commit))
        .routes(routes!(assignment::round_assignments))
        .routes(routes!(assignment::confirm_replacement))
        .routes(routes!(expert_work::my_assignments))
        .routes(routes!(expert_work::accept))
        .routes(routes!(expert_work::decline))
        .routes(routes!(expert_work::pledge))
        .routes(routes!(expert_work::assigned_application))
        .routes(routes!(expert_work::assigned_application_pdf))
        .routes(routes!(reviews::get_review, reviews::save_review))
        .routes(routes!(reviews::submit_review))
        .routes(routes!(reviews::allow_correction))
        .routes(routes!(visits::list_visits, visits::add_visit))
        .routes(routes!(results::results))
        .routes(routes!(results::results_xlsx))
        .routes(routes!(decisions::decide))
        .routes(routes!(decisions::issue_letter))
        .routes(routes!(decisions::letter_pdf))
}
