//! Selection (入围) and the 立项 letter: deciding, issuing, the letter's PDF.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::Transition;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::lists::direction_name;
use chanjiao_domain::review::results::ResultRow;
use chanjiao_domain::review::status::{Decision, RoundKind, RoundStatus};
use chanjiao_store::applications as apps;
use chanjiao_store::notifications as notes;
use chanjiao_store::review::{self as rv};
use chanjiao_store::{audit, calls};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{move_application, round_for};
use super::results::compute_results;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Ids};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// Records the selection (入围 or not) of one application; revisable until its letter is issued.
#[utoipa::path(put, path = "/api/rounds/{id}/decisions/{application_id}", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = ResultRow), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn decide(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<ResultRow>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.kind() != Some(RoundKind::Initial) {
        return Err(ApiError::conflict(
            "not_initial",
            "入围与立项只适用于立项评审批次",
        ));
    }
    if r.status() != Some(RoundStatus::Closed) {
        return Err(ApiError::conflict(
            "round_open",
            "请先结束评审，再确定入围结果",
        ));
    }
    let transition = match Decision::parse(&input.decision) {
        Some(Decision::Shortlisted) => Transition::Shortlist,
        Some(Decision::NotSelected) => Transition::Reject,
        None => {
            return Err(ApiError::field(
                "decision",
                FieldError::new("invalid", "请选择入围或未入围"),
            ));
        }
    };
    let note = input.note.trim();
    if note.chars().count() > 500 {
        return Err(ApiError::field(
            "note",
            FieldError::new("too_long", "说明不超过 500 字"),
        ));
    }
    if !rv::round_applications(&state.db, id)
        .await?
        .iter()
        .any(|a| a.id == application_id)
    {
        return Err(ApiError::not_found());
    }
    let mut tx = state.db.begin().await?;
    if !rv::set_decision(
        &mut tx,
        id,
        application_id,
        &input.decision,
        note,
        cu.user.id,
    )
    .await?
    {
        return Err(ApiError::conflict(
            "letter_issued",
            "立项通知已签发，不能再修改入围结果",
        ));
    }
    move_application(&mut tx, application_id, transition).await?;
    let mut e = cu.event("review.decision", "application", application_id);
    e.detail = serde_json::json!({ "round": id, "decision": input.decision, "note": note });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let res = compute_results(&state, &r).await?;
    res.applications
        .into_iter()
        .find(|a| a.application_id == application_id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[derive(Serialize, ToSchema)]
pub struct LetterIssued {
    pub letter_number: String,
    pub issued_at: DateTime<Utc>,
}

/// Issues the 立项 letter: numbers it, moves the application to 立项, notifies the lead and the
/// partners in the app and by e-mail.
#[utoipa::path(post, path = "/api/rounds/{id}/decisions/{application_id}/letter", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, body = LetterIssued), (status = 409, body = ErrorBody)))]
pub(super) async fn issue_letter(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
) -> ApiResult<Json<LetterIssued>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let Some(d) = rv::get_decision(&state.db, id, application_id).await? else {
        return Err(ApiError::conflict("not_shortlisted", "该申报尚未入围"));
    };
    if d.decision() != Some(Decision::Shortlisted) {
        return Err(ApiError::conflict("not_shortlisted", "该申报尚未入围"));
    }
    if d.letter_number.is_some() {
        return Err(ApiError::conflict("letter_issued", "立项通知已签发"));
    }
    let row = apps::get(&state.db, application_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let partner_orgs = apps::partner_org_ids(&state.db, application_id).await?;
    let year = chanjiao_domain::time::local_date(state.clock.now())
        .format("%Y")
        .to_string();
    let prefix = format!("产教立项〔{year}〕");
    let mut tx = state.db.begin().await?;
    let Some((number, issued_at)) = rv::issue_letter(&mut tx, id, application_id, &prefix, |n| {
        format!("第 {n:03} 号")
    })
    .await?
    else {
        return Err(ApiError::conflict("letter_issued", "立项通知已签发"));
    };
    move_application(&mut tx, application_id, Transition::Initiate).await?;
    let title = "立项通知";
    let body = format!(
        "“{}”（申报编号 {}）已通过{}，同意立项建设。立项通知书文号：{number}，请登录平台下载。",
        row.lead_name,
        row.number.clone().unwrap_or_default(),
        r.title
    );
    // Each to the page where that organisation sees the application.
    let lead_page = format!("/applications/{application_id}/edit");
    for org in std::iter::once(row.lead_org_id).chain(partner_orgs.iter().copied()) {
        let link = if org == row.lead_org_id {
            lead_page.as_str()
        } else {
            "/partner-applications"
        };
        notes::notify(&mut tx, None, Some(org), title, &body, Some(link)).await?;
        if let Some(o) = chanjiao_store::organizations::get(&state.db, org).await?
            && !o.contact_email.is_empty()
        {
            notes::enqueue_mail(
                &mut tx,
                &o.contact_email,
                &format!("【专精特新产业学院】{title}"),
                &body,
            )
            .await?;
        }
    }
    let mut e = cu.event("review.letter_issue", "application", application_id);
    e.detail = serde_json::json!({ "round": id, "letter_number": number });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(LetterIssued {
        letter_number: number,
        issued_at,
    }))
}

/// The 立项 letter (the programme, the lead and the partners).
#[utoipa::path(get, path = "/api/rounds/{id}/decisions/{application_id}/letter.pdf", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub(super) async fn letter_pdf(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let (row, target) = crate::access::application(&state, application_id).await?;
    cu.authorize(
        &state,
        Action::ApplicationRead,
        &target,
        "application",
        application_id,
    )
    .await?;
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let d = rv::get_decision(&state.db, id, application_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (Some(number), Some(issued_at)) = (d.letter_number.clone(), d.letter_issued_at) else {
        return Err(ApiError::not_found());
    };
    let call = calls::get(&state.db, row.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let direction = form
        .lead
        .direction
        .as_deref()
        .and_then(|c| {
            chanjiao_domain::calls::directions(&call.directions)
                .into_iter()
                .find(|d| d.code == c)
        })
        .map_or_else(|| direction_name(row.direction.as_deref()), |d| d.name);
    let origin = state.public_origin(&headers);
    let letter = chanjiao_docs::InitiationLetter {
        letter_number: number.clone(),
        issuer: "专精特新产业学院项目建设办公室".into(),
        call_title: call.title.clone(),
        call_doc_number: Some(call.doc_number.clone()),
        application_number: row.number.clone().unwrap_or_default(),
        lead_name: row.lead_name.clone(),
        partner_names: form.partners.iter().map(|p| p.name.clone()).collect(),
        college_name: None,
        direction,
        round_title: r.title.clone(),
        decision_date: chanjiao_domain::time::local_date(issued_at),
        items: vec![
            "自本通知印发之日起进入建设期，建设期一般为三年。".into(),
            "请于两个月内在平台完成建设规划备案，按“1+3+1”建设内容细化任务、进度和经费安排。"
                .into(),
            "牵头院校与联合申报单位应按申报书承诺落实设施、组织、经费等保障。".into(),
            "建设期内将组织中期检查与验收评审，结果在平台公布。".into(),
        ],
        verify_url: Some(format!(
            "{}/applications/{application_id}",
            origin.trim_end_matches('/')
        )),
    };
    let bytes = crate::print::initiation_letter(letter).await?;
    Ok(crate::http::download::file_response(
        bytes,
        "application/pdf",
        &format!("立项通知-{}.pdf", row.number.unwrap_or_default()),
    ))
}
