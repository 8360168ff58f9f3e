//! `chanjiao demo`: a realistic demo programme for the advanced-semiconductor field — the
//! Center, the Alliance, universities of both types, SRDI enterprises at national and
//! provincial level, an SME centre, an association, a park, experts and students — and a
//! printed list of logins. Loading twice changes nothing. The organisations are invented;
//! their 统一社会信用代码 are computed with valid check characters.

use anyhow::{Context, Result};
use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::validate::uscc_check_char;
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{Db, organizations, users};

/// The password of every demo account. Demo data is for trying the platform, never production.
pub const DEMO_PASSWORD: &str = "Chanjiao@2026";

struct DemoOrg {
    key: &'static str,
    kind: &'static str,
    name: &'static str,
    /// The first 17 characters of the USCC; the check character is computed.
    uscc17: &'static str,
    province: &'static str,
    city: &'static str,
    address: &'static str,
    postal: &'static str,
    contact: &'static str,
    phone: &'static str,
    email: &'static str,
    extra: (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    ),
}

const U: (Option<&str>, Option<&str>, Option<&str>, Option<&str>) = (None, None, None, None);

const ORGS: &[DemoOrg] = &[
    DemoOrg {
        key: "center",
        kind: "office",
        name: "工业和信息化部中小企业发展促进中心（演示）",
        uscc17: "12100000MB0C12345",
        province: "110000",
        city: "北京市",
        address: "北京市海淀区西直门北大街32号",
        postal: "100082",
        contact: "陈琛",
        phone: "010-82292097",
        email: "office@demo.chanjiao.cn",
        extra: U,
    },
    DemoOrg {
        key: "alliance",
        kind: "alliance",
        name: "第三代半导体产业技术创新战略联盟（演示）",
        uscc17: "51100000MJ0066543",
        province: "110000",
        city: "北京市",
        address: "北京市海淀区清华东路甲35号",
        postal: "100083",
        contact: "王老师",
        phone: "010-82387600",
        email: "alliance@demo.chanjiao.cn",
        extra: (None, None, None, Some("advanced_semiconductor")),
    },
    DemoOrg {
        key: "jiangnan",
        kind: "university",
        name: "江南半导体科技大学",
        uscc17: "12320000466001234",
        province: "320000",
        city: "无锡市",
        address: "江苏省无锡市滨湖区蠡湖大道1800号",
        postal: "214122",
        contact: "周明",
        phone: "0510-85910001",
        email: "zhouming@jnsu.edu.cn",
        extra: (Some("undergraduate"), Some("public"), None, None),
    },
    DemoOrg {
        key: "suzhou_ic",
        kind: "university",
        name: "苏州集成电路职业技术学院",
        uscc17: "12320500MB1902345",
        province: "320000",
        city: "苏州市",
        address: "江苏省苏州市工业园区若水路99号",
        postal: "215123",
        contact: "李娟",
        phone: "13912345678",
        email: "lijuan@szicvc.edu.cn",
        extra: (Some("higher_vocational"), Some("public"), None, None),
    },
    DemoOrg {
        key: "lingnan",
        kind: "university",
        name: "岭南微电子工程学院",
        uscc17: "52440000MJL123456",
        province: "440000",
        city: "广州市",
        address: "广东省广州市番禺区大学城外环西路100号",
        postal: "510006",
        contact: "黄志强",
        phone: "020-39330001",
        email: "huangzq@lnme.edu.cn",
        extra: (Some("undergraduate"), Some("private"), None, None),
    },
    DemoOrg {
        key: "xiamen_oe",
        kind: "university",
        name: "厦门光电职业技术学院",
        uscc17: "12350200MB0345678",
        province: "350000",
        city: "厦门市",
        address: "福建省厦门市集美区银江路188号",
        postal: "361021",
        contact: "林晓燕",
        phone: "0592-6180001",
        email: "linxy@xmoevc.edu.cn",
        extra: (Some("higher_vocational"), Some("public"), None, None),
    },
    DemoOrg {
        key: "naxin",
        kind: "enterprise",
        name: "苏州纳芯碳化硅半导体有限公司",
        uscc17: "91320594MA1MXK7H3",
        province: "320000",
        city: "苏州市",
        address: "江苏省苏州市工业园区金鸡湖大道88号",
        postal: "215021",
        contact: "张伟（人力资源总监）",
        phone: "13862001234",
        email: "hr@naxin-sic.cn",
        extra: (None, None, Some("little_giant"), None),
    },
    DemoOrg {
        key: "huaxin",
        kind: "enterprise",
        name: "深圳华芯功率器件股份有限公司",
        uscc17: "91440300MA5DQ2R8X",
        province: "440000",
        city: "深圳市",
        address: "广东省深圳市南山区科技园高新南一道9号",
        postal: "518057",
        contact: "刘洋（总经理助理）",
        phone: "0755-86001234",
        email: "contact@huaxin-power.cn",
        extra: (None, None, Some("little_giant"), None),
    },
    DemoOrg {
        key: "jinglian",
        kind: "enterprise",
        name: "厦门晶联射频科技有限公司",
        uscc17: "91350200MA2YL6P4K",
        province: "350000",
        city: "厦门市",
        address: "福建省厦门市火炬高新区创新三路5号",
        postal: "361006",
        contact: "陈静（人事经理）",
        phone: "18959201234",
        email: "hr@jinglian-rf.cn",
        extra: (None, None, Some("provincial_srdi"), None),
    },
    DemoOrg {
        key: "zhongxin",
        kind: "enterprise",
        name: "华东晶圆制造集团有限公司",
        uscc17: "91310115MA1K3B7N2",
        province: "310000",
        city: "上海市",
        address: "上海市浦东新区张江路18号",
        postal: "201203",
        contact: "吴磊（校企合作部）",
        phone: "021-50801234",
        email: "xiaoqi@hdwafer.cn",
        extra: (None, None, Some("chain_leader"), None),
    },
    DemoOrg {
        key: "sme_center",
        kind: "sme_center",
        name: "苏州市中小企业服务中心",
        uscc17: "12320500MB1A23456",
        province: "320000",
        city: "苏州市",
        address: "江苏省苏州市姑苏区三香路120号",
        postal: "215004",
        contact: "徐敏",
        phone: "0512-68601234",
        email: "smec@demo.chanjiao.cn",
        extra: U,
    },
    DemoOrg {
        key: "association",
        kind: "association",
        name: "江苏省半导体行业协会",
        uscc17: "51320000MJ5B12345",
        province: "320000",
        city: "南京市",
        address: "江苏省南京市玄武区珠江路88号",
        postal: "210018",
        contact: "秦凯",
        phone: "025-83201234",
        email: "jssia@demo.chanjiao.cn",
        extra: U,
    },
    DemoOrg {
        key: "park",
        kind: "park",
        name: "苏州工业园区纳米技术产业园",
        uscc17: "12320594MB1C34567",
        province: "320000",
        city: "苏州市",
        address: "江苏省苏州市工业园区若水路388号",
        postal: "215123",
        contact: "沈璐",
        phone: "0512-62951234",
        email: "nanopark@demo.chanjiao.cn",
        extra: U,
    },
];

/// A demo account: login, name, role, organisation key, field.
type DemoAccount = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const ACCOUNTS: &[DemoAccount] = &[
    ("sysadmin", "系统管理员", "sys_admin", None, None),
    ("secadmin", "安全管理员", "security_admin", None, None),
    ("auditor", "审计管理员", "audit_admin", None, None),
    (
        "office",
        "陈琛（中心项目办）",
        "office",
        Some("center"),
        None,
    ),
    (
        "alliance",
        "王敏（联盟秘书处）",
        "field_organiser",
        Some("alliance"),
        Some("advanced_semiconductor"),
    ),
    ("expert.zhao", "赵建国（评审专家）", "expert", None, None),
    ("expert.sun", "孙丽华（评审专家）", "expert", None, None),
    ("expert.qian", "钱志远（评审专家）", "expert", None, None),
    ("expert.zhou", "周慧敏（评审专家）", "expert", None, None),
    ("expert.wu", "吴海峰（评审专家）", "expert", None, None),
    ("expert.zheng", "郑晓东（评审专家）", "expert", None, None),
    (
        "jiangnan.admin",
        "周明（江南半导体科技大学）",
        "org_admin",
        Some("jiangnan"),
        None,
    ),
    (
        "jiangnan.staff",
        "钱鹏（江南半导体科技大学）",
        "org_staff",
        Some("jiangnan"),
        None,
    ),
    (
        "suzhouic.admin",
        "李娟（苏州集成电路职院）",
        "org_admin",
        Some("suzhou_ic"),
        None,
    ),
    (
        "lingnan.admin",
        "黄志强（岭南微电子工程学院）",
        "org_admin",
        Some("lingnan"),
        None,
    ),
    (
        "naxin.admin",
        "张伟（纳芯碳化硅）",
        "org_admin",
        Some("naxin"),
        None,
    ),
    (
        "huaxin.admin",
        "刘洋（华芯功率器件）",
        "org_admin",
        Some("huaxin"),
        None,
    ),
    (
        "jinglian.admin",
        "陈静（晶联射频）",
        "org_admin",
        Some("jinglian"),
        None,
    ),
    (
        "student.wang",
        "王小明（微电子技术专业）",
        "student",
        Some("suzhou_ic"),
        None,
    ),
    (
        "student.li",
        "李思雨（集成电路设计专业）",
        "student",
        Some("jiangnan"),
        None,
    ),
];

fn uscc(prefix: &str) -> Result<String> {
    let c = uscc_check_char(prefix).with_context(|| format!("bad demo USCC prefix {prefix}"))?;
    Ok(format!("{prefix}{c}"))
}

/// Loads the demo programme unless it is already there, then prints the logins.
pub async fn load(db: &Db) -> Result<()> {
    let center_uscc = uscc(ORGS[0].uscc17)?;
    if organizations::find_by_uscc(db, &center_uscc)
        .await?
        .is_some()
    {
        eprintln!("demo data already loaded");
        print_logins();
        return Ok(());
    }
    let hash = chanjiao_server::http::auth::hash_password(DEMO_PASSWORD)
        .map_err(|_| anyhow::anyhow!("hashing failed"))?;
    let mut tx = db.begin().await?;
    let mut ids = std::collections::HashMap::new();
    for o in ORGS {
        let draft = OrganizationDraft {
            kind: o.kind.into(),
            name: o.name.into(),
            uscc: uscc(o.uscc17)?,
            province_code: o.province.into(),
            city: Some(o.city.into()),
            address: Some(o.address.into()),
            postal_code: Some(o.postal.into()),
            contact_name: o.contact.into(),
            contact_phone: o.phone.into(),
            contact_email: o.email.into(),
            university_type: o.extra.0.map(Into::into),
            university_nature: o.extra.1.map(Into::into),
            srdi_level: o.extra.2.map(Into::into),
            field: o.extra.3.map(Into::into),
        };
        let valid = draft
            .validate()
            .map_err(|e| anyhow::anyhow!("demo org {}: {e:?}", o.name))?;
        let row = organizations::insert(&mut tx, &valid).await?;
        ids.insert(o.key, row.id);
    }
    let mut office_user = 0;
    let mut user_ids = std::collections::HashMap::new();
    for (i, (login, name, role, org, field)) in ACCOUNTS.iter().enumerate() {
        let org_id = org.and_then(|k| ids.get(k).copied());
        let new = users::NewUser {
            login: (*login).into(),
            name: (*name).into(),
            password_hash: hash.clone(),
            org_id,
            phone: Some(format!("139{:08}", 10_000_000 + i as u64 * 7_919)),
            email: Some(format!("{login}@demo.chanjiao.cn")),
        };
        let user = users::insert(&mut tx, &new).await?;
        user_ids.insert(*login, user.id);
        if *login == "office" {
            office_user = user.id;
        }
        let role = chanjiao_domain::users::role::Role::parse(role).context("demo role")?;
        let g = chanjiao_domain::users::role::validate_scope(role, org_id, *field)
            .map_err(|(f, e)| anyhow::anyhow!("demo grant {login} {f}: {}", e.message))?;
        users::insert_grant(&mut tx, user.id, &g, None).await?;
    }
    let mut call_ids = Vec::new();
    for call in demo_calls() {
        call_ids.push(
            chanjiao_store::calls::insert(&mut tx, &call, office_user)
                .await?
                .id,
        );
    }
    review_demo(&mut tx, &ids, &user_ids, call_ids[0], office_user).await?;
    audit::append(
        &mut tx,
        NewEvent {
            actor_login: Some("system:cli".into()),
            action: "demo.load".into(),
            object_type: Some("programme".into()),
            result: audit::result::SUCCESS,
            detail: serde_json::json!({ "organizations": ORGS.len(), "accounts": ACCOUNTS.len() }),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    eprintln!(
        "demo programme loaded: {} organisations, {} accounts",
        ORGS.len(),
        ACCOUNTS.len()
    );
    print_logins();
    Ok(())
}

/// login, title, affiliation (demo organisation key), affiliation name, province, fields, keywords.
type DemoExpert = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// Expert profiles; in the 2022 call, two applications accepted for review (a 高职 in Jiangsu
/// with 纳芯, an 本科 in Guangdong with 华芯) and a review round in set-up, ready to assign.
async fn review_demo(
    tx: &mut chanjiao_store::Tx,
    orgs: &std::collections::HashMap<&str, i64>,
    users: &std::collections::HashMap<&str, i64>,
    call_id: i64,
    office_user: i64,
) -> Result<()> {
    use chanjiao_store::applications as apps;
    use chanjiao_store::review as rv;
    let experts: [DemoExpert; 6] = [
        (
            "expert.zhao",
            "教授",
            None,
            "清华大学集成电路学院",
            "110000",
            &["power_devices", "materials_epitaxy"],
            &["碳化硅", "功率模块"],
        ),
        (
            "expert.sun",
            "研究员",
            None,
            "中国科学院半导体研究所",
            "110000",
            &["power_devices", "rf_devices"],
            &["氮化镓", "实训基地"],
        ),
        (
            "expert.qian",
            "教授级高工",
            Some("naxin"),
            "苏州纳芯碳化硅半导体有限公司",
            "320000",
            &["power_devices", "materials_epitaxy"],
            &["碳化硅衬底"],
        ),
        (
            "expert.zhou",
            "教授",
            None,
            "复旦大学微电子学院",
            "310000",
            &["ic_design", "power_devices"],
            &["产教融合"],
        ),
        (
            "expert.wu",
            "正高级工程师",
            None,
            "中国电子科技集团第五十五研究所",
            "320000",
            &["rf_devices", "power_devices"],
            &["射频", "封装"],
        ),
        (
            "expert.zheng",
            "副教授",
            None,
            "西安电子科技大学",
            "610000",
            &["power_devices", "reliability"],
            &["可靠性", "实训"],
        ),
    ];
    for (login, title, org, affiliation, province, fields, keywords) in experts {
        let Some(&uid) = users.get(login) else {
            continue;
        };
        let profile = rv::Profile {
            title: title.into(),
            affiliation_org_id: org.and_then(|k| orgs.get(k).copied()),
            affiliation_name: affiliation.into(),
            province_code: province.into(),
            fields: serde_json::to_string(fields)?,
            keywords: serde_json::to_string(keywords)?,
            max_load: 5,
            available: true,
            conflict_org_ids: "[]".into(),
            conflict_application_ids: "[]".into(),
        };
        rv::upsert_profile(tx, uid, &profile).await?;
    }
    let leads = [
        (
            "suzhou_ic",
            "naxin",
            "naxin.admin",
            "苏州集成电路职业技术学院",
            "higher_vocational",
            "little_giant",
        ),
        (
            "lingnan",
            "huaxin",
            "huaxin.admin",
            "岭南微电子工程学院",
            "undergraduate",
            "provincial_srdi",
        ),
    ];
    for (lead, partner, partner_admin, lead_name, itype, category) in leads {
        let (Some(&lead_id), Some(&partner_id)) = (orgs.get(lead), orgs.get(partner)) else {
            continue;
        };
        let form = demo_form(lead_name, itype, partner_id, category);
        let keys = apps::KeyColumns {
            lead_name: lead_name.into(),
            institution_type: Some(itype.into()),
            direction: Some("power_devices".into()),
        };
        let row = apps::insert(
            tx,
            &apps::NewApplication {
                call_id,
                lead_org_id: lead_id,
                form: &form,
                schema: chanjiao_domain::applications::FORM_SCHEMA_VERSION,
                keys: &keys,
                number_prefix: "SQ-2022-",
                by: office_user,
            },
        )
        .await?;
        apps::sync_partners(tx, row.id, &[(partner_id, Some(category.into()))]).await?;
        let by = users.get(partner_admin).copied().unwrap_or(office_user);
        apps::respond(tx, row.id, partner_id, "confirmed", None, by).await?;
        apps::set_status(tx, row.id, &["draft"], "submitted").await?;
        let number = row.number.clone().unwrap_or_default();
        let hash = chanjiao_domain::applications::content_hash(&number, 1, &form);
        apps::freeze_version(tx, row.id, 1, &form, &hash, office_user).await?;
        apps::set_status(tx, row.id, &["submitted"], "accepted_for_review").await?;
    }
    let round = rv::RoundInput {
        kind: "initial".into(),
        title: "2022年先进半导体领域 立项评审".into(),
        per_application: 3,
        rubric: serde_json::to_string(&chanjiao_domain::review::rubric::Rubric::default_initial())?,
        disagreement_threshold: 20.0,
    };
    let phases = [
        rv::PhaseInput {
            kind: "online".into(),
            name: "网评".into(),
            blind: true,
            scores_editable: true,
            decider: "office".into(),
        },
        rv::PhaseInput {
            kind: "meeting".into(),
            name: "会评".into(),
            blind: false,
            scores_editable: true,
            decider: "experts".into(),
        },
    ];
    rv::insert_round(tx, call_id, &round, &phases, office_user).await?;
    Ok(())
}

/// A complete 申报书 for the demo's applications.
fn demo_form(lead: &str, itype: &str, partner: i64, category: &str) -> String {
    let para = |topic: &str| {
        format!("{topic}：学校围绕第三代半导体功率器件产业链，联合专精特新企业共建碳化硅功率模块实训基地与联合实验室，开展订单式人才培养和产教融合项目。").repeat(4)
    };
    let partner_name = if category == "little_giant" {
        "苏州纳芯碳化硅半导体有限公司"
    } else {
        "深圳华芯功率器件股份有限公司"
    };
    serde_json::json!({
        "lead": {
            "institution_type": itype, "name": lead, "nature": "public",
            "contact_name": "李娟", "contact_title": "教务处处长/教授", "contact_phone": "13912345678",
            "contact_email": "contact@demo.chanjiao.cn", "profile": para("院校简介"), "direction": "power_devices",
            "supporting_projects": ["provincial_high_level"], "supporting_projects_other": "",
            "funding_sources": ["self_raised"], "funding_sources_other": ""
        },
        "partners": [{
            "org_id": partner, "name": partner_name, "uscc": "", "category": category,
            "contact": "张伟", "contact_phone": "0512-68601234", "contact_email": "hr@demo.chanjiao.cn",
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
    .to_string()
}

/// The seed's own call (2022, closed) and an open second round, so the demo can be applied to.
fn demo_calls() -> Vec<chanjiao_store::calls::CallData> {
    let at = |y, m, d| {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .and_then(chanjiao_domain::time::start_of)
            .expect("date")
    };
    let contacts = serde_json::json!([
        { "name": "黄老师", "phone": "18122931209", "email": "csahn@china-led.net" },
        { "name": "王老师", "phone": "18910598672", "email": "Jenny-wang@casa-china.cn" },
        { "name": "联盟办公室", "phone": "010-82387600", "email": "" }
    ])
    .to_string();
    let directions = serde_json::json!([
        { "code": "materials_epitaxy", "name": "第三代半导体材料与外延" },
        { "code": "power_devices", "name": "功率电子器件" },
        { "code": "rf_devices", "name": "射频与微波器件" },
        { "code": "optoelectronics", "name": "光电子器件" },
        { "code": "ic_design", "name": "集成电路设计" },
        { "code": "manufacturing", "name": "制造工艺" },
        { "code": "packaging_test", "name": "封装测试" },
        { "code": "equipment_parts", "name": "半导体装备与零部件" }
    ])
    .to_string();
    let call = |title: &str, doc: &str, opens, deadline| chanjiao_store::calls::CallData {
        field: "advanced_semiconductor".into(),
        title: title.into(),
        doc_number: doc.into(),
        opens_at: opens,
        deadline,
        status: "published".into(),
        contacts: contacts.clone(),
        postal_address: "北京市海淀区清华东路甲35号中科院半导体研究所5号楼5层".into(),
        postal_code: "100083".into(),
        postal_recipient: "第三代半导体产业技术创新战略联盟".into(),
        directions: directions.clone(),
    };
    vec![
        // "2022年11月30日前" — 24:00 that day, Beijing time.
        call(
            "2022年先进半导体领域专精特新产业学院建设",
            "CASA 联盟函【2022】019 号",
            at(2022, 9, 29),
            at(2022, 12, 1),
        ),
        call(
            "2026年先进半导体领域专精特新产业学院建设（第二批）",
            "CASA 联盟函【2026】041 号",
            at(2026, 10, 8),
            at(2027, 2, 1),
        ),
    ]
}

fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for (login, name, role, _, _) in ACCOUNTS {
        let label = chanjiao_domain::users::role::Role::parse(role).map_or("", |r| r.label_zh());
        println!("  {login:<16} {label:<8} {name}");
    }
}
