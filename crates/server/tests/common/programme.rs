//! A programme to test applications against: the office, a call, universities and partners.
#![allow(dead_code)]

use chanjiao_domain::users::role::Role;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Client, TestApp};

pub struct Programme {
    pub office: i64,
    pub call: i64,
    pub uni: i64,
    pub uni2: i64,
    pub ent: i64,
    pub ent2: i64,
}

/// Seconds-precise Asia/Shanghai time.
pub fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    let local = chrono::NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, s))
        .unwrap();
    chanjiao_domain::time::from_local(local).unwrap()
}

pub fn call_json(deadline: DateTime<Utc>, opens_at: DateTime<Utc>) -> Value {
    json!({
        "field": "advanced_semiconductor",
        "title": "2022年先进半导体领域专精特新产业学院建设",
        "doc_number": "CASA 联盟函【2022】019 号",
        "opens_at": opens_at, "deadline": deadline, "status": "published",
        "contacts": [{ "name": "黄老师", "phone": "18122931209", "email": "csahn@china-led.net" }, { "name": "办公室", "phone": "010-82387600", "email": "" }],
        "postal_address": "北京市海淀区清华东路甲35号中科院半导体研究所5号楼5层",
        "postal_code": "100083", "postal_recipient": "联盟秘书处",
        "directions": [{ "code": "power_devices", "name": "功率电子器件" }, { "code": "rf_devices", "name": "射频与微波器件" }],
    })
}

impl Programme {
    /// The office (login `office`), a published call open from the past until `deadline`, two
    /// universities (admins `uni.admin`, `uni2.admin`, staff `uni.staff`), two SRDI enterprises
    /// (admins `ent.admin`, `ent2.admin`, staff `ent.staff`).
    pub async fn set_up(app: &TestApp, deadline: DateTime<Utc>) -> Programme {
        let office = app.org("office", "中心", 1).await;
        app.user("office", Role::Office, Some(office)).await;
        let uni = app.org("university", "苏州集成电路职业技术学院", 2).await;
        let uni2 = app.org("university", "江南半导体科技大学", 3).await;
        let ent = app
            .org("enterprise", "苏州纳芯碳化硅半导体有限公司", 4)
            .await;
        let ent2 = app
            .org("enterprise", "深圳华芯功率器件股份有限公司", 5)
            .await;
        app.user("uni.admin", Role::OrgAdmin, Some(uni)).await;
        app.user("uni.staff", Role::OrgStaff, Some(uni)).await;
        app.user("uni2.admin", Role::OrgAdmin, Some(uni2)).await;
        app.user("ent.admin", Role::OrgAdmin, Some(ent)).await;
        app.user("ent.staff", Role::OrgStaff, Some(ent)).await;
        app.user("ent2.admin", Role::OrgAdmin, Some(ent2)).await;
        let c = app.login("office").await;
        let opens = deadline - chrono::Duration::days(60);
        let r = c.post("/api/calls", call_json(deadline, opens)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        Programme {
            office,
            call: r.body["id"].as_i64().unwrap(),
            uni,
            uni2,
            ent,
            ent2,
        }
    }

    /// Creates the university's application and fills the whole form naming `partner`.
    pub async fn filled_application(&self, c: &Client, partner: i64) -> i64 {
        let r = c
            .post("/api/applications", json!({ "call_id": self.call }))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let rev = r.body["revision"].as_i64().unwrap();
        let saved = c
            .put(
                &format!("/api/applications/{id}/form"),
                json!({ "revision": rev, "form": complete_form(partner) }),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        id
    }
}

/// About 30 KB of text, as a real 申报书.
pub fn complete_form(partner: i64) -> Value {
    let para = |topic: &str| {
        format!("{topic}：学校围绕第三代半导体产业链，联合专精特新企业共建实训基地与联合实验室，开展订单式人才培养。").repeat(12)
    };
    json!({
        "lead": {
            "institution_type": "higher_vocational", "name": "苏州集成电路职业技术学院", "nature": "public",
            "contact_name": "李娟", "contact_title": "教务处处长/教授", "contact_phone": "１３９１２３４５６７８",
            "contact_email": "lijuan@szicvc.edu.cn", "profile": para("院校简介"), "direction": "power_devices",
            "supporting_projects": ["provincial_high_level", "national_training_base"], "supporting_projects_other": "",
            "funding_sources": ["self_raised", "other"], "funding_sources_other": "地方政府专项资金"
        },
        "partners": [{
            "org_id": partner, "name": "苏州纳芯碳化硅半导体有限公司", "uscc": "", "category": "little_giant",
            "contact": "张伟（人力资源总监）", "contact_phone": "0512-68601234", "contact_email": "hr@naxin-sic.cn",
            "profile": para("单位简介")
        }],
        "industry_education": { "main_work": para("主要工作"), "results": para("成效经验"), "innovation": para("特色创新") },
        "goals": {
            "goals": para("建设目标"),
            "plan": {
                "management_body": para("联合管理机构"), "research_institute": para("产教融合研究院"),
                "teaching_resource_center": para("教育教学与资源中心"), "practice_training_center": para("实践与实训中心"),
                "innovation_cooperation_center": para("创新合作中心"), "smart_cloud_platform": para("智慧云平台")
            },
            "innovation": para("创新特色")
        },
        "guarantees": { "facilities": para("设施保障"), "organisation": para("组织保障"), "funding": "学校自筹800万元，地方政府配套500万元。", "other": "" },
        "commitment": { "responsible_person": "王校长", "agreed": true, "office_meeting_approved": true, "office_meeting_date": "2022-11-20" }
    })
}
