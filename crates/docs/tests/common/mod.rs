//! A complete, realistic 申报书 for tests and the benchmark (about 30 KB of text).
#![allow(dead_code)]

use chanjiao_docs::{InitiationLetter, PrintMeta};
use chanjiao_domain::applications::*;

const SENTENCES: &[&str] = &[
    "学校坚持“产教融合、校企合作、工学结合、知行合一”的办学理念，紧密对接长三角集成电路产业集群发展需求。",
    "近五年来，学校累计为区域半导体企业输送技术技能人才四千余名，毕业生本地就业率保持在百分之七十以上。",
    "学校与多家国家级专精特新“小巨人”企业共建功率器件封装测试、碳化硅外延工艺等生产性实训基地，年均开展企业真实项目实训二百余项。",
    "围绕第三代半导体材料、功率器件设计与制造、先进封装测试等细分领域，学校构建了“岗课赛证”融通的专业群课程体系。",
    "学校牵头组建了区域集成电路职业教育集团，吸纳成员单位八十余家，形成了人才共育、过程共管、成果共享、责任共担的协同机制。",
    "依托产业学院，校企双方共同制定人才培养方案，共同开发模块化课程二十门、活页式教材十二部，共同组建结构化教学创新团队。",
    "企业工程师以产业导师身份全程参与教学，学校教师每五年累计不少于六个月到企业实践，双师型教师占专业课教师比例达到百分之八十五。",
    "学校建有晶圆制造虚拟仿真实训中心、芯片测试实训中心和可靠性分析实验室，设备总值超过一亿二千万元。",
    "近三年，学校承担企业横向技术服务项目一百三十余项，到账经费二千六百余万元，为中小企业解决工艺改进、良率提升等技术难题六十余项。",
    "产业学院实行理事会领导下的院长负责制，理事会由学校、企业、行业协会和地方中小企业服务中心代表组成，每学期至少召开一次全体会议。",
    "学校将专精特新企业的技术标准、工艺规范和质量体系融入课程内容，实现教学过程与生产过程对接、课程内容与职业标准对接。",
    "面向中小企业在职员工，学校每年开展半导体工艺、设备维护、质量管理等技能提升培训三千人次以上。",
    "通过共建共享智慧云平台，汇聚课程资源、岗位需求、实训项目和技术成果，实现校企信息实时互通和资源动态更新。",
    "学校设立产业学院建设专项资金，每年安排不少于八百万元用于实训条件建设、师资队伍建设和课程资源开发。",
    "地方政府将产业学院纳入区域集成电路产业发展规划，在用地、税收、人才引进等方面给予政策支持。",
    "产业学院坚持以服务求支持、以贡献求发展，着力打造集人才培养、技术研发、社会服务、创新创业于一体的产教融合共同体。",
];

/// Prose of about `chars` characters, in paragraphs of three sentences, starting at sentence `seed`.
pub fn prose(seed: usize, chars: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut i = seed;
    while out.chars().count() < chars {
        if n > 0 && n % 3 == 0 {
            out.push('\n');
        }
        out.push_str(SENTENCES[i % SENTENCES.len()]);
        i += 1;
        n += 1;
    }
    out
}

pub fn complete_form() -> ApplicationForm {
    ApplicationForm {
        lead: LeadInstitution {
            institution_type: Some("higher_vocational".into()),
            name: "苏州集成电路职业技术学院".into(),
            nature: Some("public".into()),
            contact_name: "李娟".into(),
            contact_title: "教务处处长/教授".into(),
            contact_phone: "13912345678".into(),
            contact_email: "lijuan@szicvc.edu.cn".into(),
            profile: prose(0, 1000),
            direction: Some("power_devices".into()),
            supporting_projects: vec![
                "provincial_high_level".into(),
                "national_training_base".into(),
                "other".into(),
            ],
            supporting_projects_other: "江苏省产教融合型品牌专业".into(),
            funding_sources: vec![
                "self_raised".into(),
                "provincial_finance".into(),
                "other".into(),
            ],
            funding_sources_other: "地方政府专项资金".into(),
        },
        partners: vec![
            PartnerBlock {
                org_id: None,
                name: "苏州纳芯碳化硅半导体有限公司".into(),
                uscc: "91320594MA1XYZ1234".into(),
                category: Some("little_giant".into()),
                contact: "张伟（人力资源总监）".into(),
                contact_phone: "0512-68601234".into(),
                contact_email: "hr@naxin-sic.cn".into(),
                profile: prose(2, 700),
            },
            PartnerBlock {
                org_id: Some(42),
                name: "苏州工业园区中小企业服务中心".into(),
                uscc: String::new(),
                category: Some("sme_center".into()),
                contact: "王芳（主任）".into(),
                contact_phone: "0512-66681234".into(),
                contact_email: "service@sipsme.org.cn".into(),
                profile: prose(9, 600),
            },
        ],
        industry_education: IndustryEducationWork {
            main_work: prose(3, 700),
            results: prose(8, 600),
            innovation: prose(10, 500),
        },
        goals: GoalsAndPlan {
            goals: prose(15, 600),
            plan: ConstructionPlan {
                management_body: prose(9, 450),
                research_institute: "围绕产教融合研究院建设，".to_owned() + &prose(4, 500),
                teaching_resource_center: prose(5, 500),
                practice_training_center: prose(7, 500),
                innovation_cooperation_center: prose(8, 450),
                smart_cloud_platform: prose(12, 450),
            },
            innovation: prose(1, 500),
        },
        guarantees: Guarantees {
            facilities: prose(7, 400),
            organisation: prose(9, 400),
            funding: "学校自筹800万元，地方政府专项资金400万元。".to_owned() + &prose(13, 300),
            other: prose(14, 300),
        },
        commitment: Commitment {
            responsible_person: "王建国".into(),
            agreed: true,
            office_meeting_approved: true,
            office_meeting_date: "2022-11-20".into(),
        },
    }
}

pub fn meta() -> PrintMeta {
    PrintMeta {
        application_no: "SQ-2022-0001".into(),
        version: 3,
        content_hash: "3f9a1c0b7e2d4a5968b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d".into(),
        verify_url: "https://chanjiao.example.cn/verify/SQ-2022-0001/3?h=3f9a1c0b7e2d".into(),
        call_title: "2022年先进半导体领域专精特新产业学院建设".into(),
        doc_number: "CASA 联盟函【2022】019 号".into(),
        direction_label: "功率半导体器件".into(),
        draft: false,
    }
}

/// Every long text of the form, for filling them all.
pub fn long_fields(f: &mut ApplicationForm) -> Vec<&mut String> {
    let mut v: Vec<&mut String> = vec![&mut f.lead.profile];
    for p in &mut f.partners {
        v.push(&mut p.profile);
    }
    let ie = &mut f.industry_education;
    v.extend([&mut ie.main_work, &mut ie.results, &mut ie.innovation]);
    let g = &mut f.goals;
    v.extend([&mut g.goals, &mut g.innovation]);
    let p = &mut g.plan;
    v.extend([
        &mut p.management_body,
        &mut p.research_institute,
        &mut p.teaching_resource_center,
        &mut p.practice_training_center,
        &mut p.innovation_cooperation_center,
        &mut p.smart_cloud_platform,
    ]);
    let gu = &mut f.guarantees;
    v.extend([
        &mut gu.facilities,
        &mut gu.organisation,
        &mut gu.funding,
        &mut gu.other,
    ]);
    v
}

/// Text size of the form's fields in bytes.
pub fn text_bytes(f: &ApplicationForm) -> usize {
    serde_json::to_string(f).map(|s| s.len()).unwrap_or(0)
}

/// A realistic 立项通知书 with two partners, three requirements and a verification URL.
pub fn letter() -> InitiationLetter {
    InitiationLetter {
        letter_number: "产教立项〔2026〕第 007 号".into(),
        issuer: "专精特新产业学院项目建设办公室".into(),
        call_title: "2026年先进半导体领域专精特新产业学院建设".into(),
        call_doc_number: Some("CASA 联盟函【2026】019 号".into()),
        application_number: "SQ-2026-0001".into(),
        lead_name: "苏州集成电路职业技术学院".into(),
        partner_names: vec![
            "苏州纳芯碳化硅半导体有限公司".into(),
            "苏州工业园区中小企业服务中心".into(),
        ],
        college_name: None,
        direction: "功率半导体器件".into(),
        round_title: "2026年度立项评审".into(),
        decision_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
        items: vec![
            "建设期为三年，自本通知印发之日起计算。请于收到本通知后30日内，将经学校和联合建设单位确认的建设任务书报项目建设办公室备案。".into(),
            "项目建设办公室将在建设期满一年半时组织中期检查，建设期满后组织验收。中期检查不合格的，限期整改；整改后仍不合格的，撤销立项。".into(),
            "牵头单位应落实申报书承诺的建设经费，专款专用，并于每年12月31日前报送年度建设进展报告。".into(),
        ],
        verify_url: Some("https://chanjiao.example.cn/verify/letter?number=007&year=2026".into()),
    }
}
