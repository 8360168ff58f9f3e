//! A deterministic generator of realistic assignment instances for the advanced-semiconductor
//! programme: nine sub-fields with their keywords, organisations spread over the 31 mainland
//! provinces (Jiangsu, Guangdong, Shanghai, Beijing and Zhejiang heavier), a popularity skew
//! (a few big universities and institutes appear in many applications and employ many
//! experts, so some experts are affiliated with applicants), experts with 1–3 fields, loads
//! giving total capacity 1.3–1.6 × demand, a few declared conflicts and 申请回避 requests.

use super::assign::{Application, Expert, Instance, Weights};
use super::rng::{SplitMix64, cumulative};
use crate::provinces::PROVINCES;

/// The sub-fields (directions) of the call.
pub const FIELDS: [&str; 9] = [
    "第三代半导体材料与外延",
    "功率电子器件",
    "射频与微波器件",
    "光电子器件",
    "集成电路设计",
    "制造工艺",
    "封装测试",
    "半导体装备与零部件",
    "可靠性与失效分析",
];

/// Keywords per field: keyword id `6·field + i`.
pub const KEYWORDS: [[&str; 6]; 9] = [
    [
        "碳化硅衬底",
        "氮化镓外延",
        "氧化镓",
        "金刚石半导体",
        "MOCVD",
        "缺陷控制",
    ],
    [
        "SiC MOSFET",
        "GaN HEMT",
        "IGBT",
        "功率模块",
        "栅氧可靠性",
        "驱动电路",
    ],
    [
        "射频前端",
        "毫米波",
        "功率放大器",
        "滤波器",
        "GaN射频",
        "天线集成",
    ],
    [
        "Micro-LED",
        "半导体激光器",
        "光电探测器",
        "硅光集成",
        "紫外LED",
        "光通信芯片",
    ],
    [
        "模拟电路",
        "数字后端",
        "射频集成电路",
        "EDA",
        "低功耗设计",
        "芯粒",
    ],
    [
        "光刻",
        "刻蚀",
        "薄膜沉积",
        "离子注入",
        "化学机械抛光",
        "工艺整合",
    ],
    [
        "先进封装",
        "晶圆级封装",
        "系统级封装",
        "键合",
        "测试技术",
        "散热管理",
    ],
    [
        "外延设备",
        "刻蚀设备",
        "真空部件",
        "精密运动平台",
        "量测设备",
        "射频电源",
    ],
    [
        "失效分析",
        "加速寿命试验",
        "热可靠性",
        "静电防护",
        "辐照效应",
        "缺陷表征",
    ],
];

/// Relative popularity of the fields (applications and experts alike).
const FIELD_WEIGHTS: [u64; 9] = [12, 16, 10, 11, 18, 10, 9, 8, 6];

/// Related fields (an expert's second field is often a neighbour of the first).
const RELATED: [[u16; 2]; 9] = [
    [1, 2],
    [0, 8],
    [0, 4],
    [0, 4],
    [2, 6],
    [7, 0],
    [8, 4],
    [5, 0],
    [1, 6],
];

/// Weight (×10) of each of the 31 mainland provinces, in [`PROVINCES`] order.
const PROVINCE_WEIGHTS: [u64; 31] = [
    100, // 北京
    30,  // 天津
    15,  // 河北
    8,   // 山西
    4,   // 内蒙古
    25,  // 辽宁
    12,  // 吉林
    12,  // 黑龙江
    100, // 上海
    140, // 江苏
    80,  // 浙江
    40,  // 安徽
    35,  // 福建
    12,  // 江西
    40,  // 山东
    20,  // 河南
    45,  // 湖北
    25,  // 湖南
    130, // 广东
    8,   // 广西
    4,   // 海南
    20,  // 重庆
    40,  // 四川
    6,   // 贵州
    6,   // 云南
    1,   // 西藏
    40,  // 陕西
    8,   // 甘肃
    2,   // 青海
    2,   // 宁夏
    4,   // 新疆
];

/// Name of region `r` (index into the 31 mainland provinces).
pub fn region_name(r: u16) -> &'static str {
    PROVINCES.get(r as usize).map_or("?", |p| p.name)
}

/// Generator parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenParams {
    pub applications: u32,
    pub experts: u32,
    pub k: u32,
    pub seed: u64,
}

fn pick_distinct(rng: &mut SplitMix64, from: &[u16], n: usize, out: &mut Vec<u16>) {
    let mut pool = from.to_vec();
    for _ in 0..n.min(pool.len()) {
        let i = rng.below(pool.len() as u64) as usize;
        out.push(pool.swap_remove(i));
    }
}

/// Generates an instance; the same parameters give the same instance.
pub fn generate(p: &GenParams) -> Instance {
    let mut rng = SplitMix64::derive(p.seed, 0x6368_616e_6a69_616f);
    let na = p.applications as usize;
    let ne = p.experts as usize;
    let regions = cumulative(&PROVINCE_WEIGHTS);
    let fields = cumulative(&FIELD_WEIGHTS);

    // Organisations: region, popularity ∝ 1/(rank+1)^0.75 (a few big ones).
    let n_orgs = (na / 5 + ne / 4).max(12);
    let org_region: Vec<u16> = (0..n_orgs).map(|_| rng.weighted(&regions) as u16).collect();
    let pop: Vec<u64> = (0..n_orgs)
        .map(|i| (100_000.0 / ((i + 1) as f64).powf(0.75)) as u64 + 1)
        .collect();
    let orgs = cumulative(&pop);

    // Experts (loads set after the demand is known).
    let mut experts: Vec<Expert> = Vec::with_capacity(ne);
    let mut by_field: Vec<Vec<u32>> = vec![Vec::new(); FIELDS.len()];
    for e in 0..ne {
        let org = rng.weighted(&orgs) as u32;
        let nf = match rng.below(100) {
            0..45 => 1,
            45..85 => 2,
            _ => 3,
        };
        let mut fs: Vec<u16> = vec![rng.weighted(&fields) as u16];
        while fs.len() < nf {
            let f = if rng.below(100) < 60 {
                RELATED[fs[0] as usize][rng.below(2) as usize]
            } else {
                rng.weighted(&fields) as u16
            };
            if !fs.contains(&f) {
                fs.push(f);
            }
        }
        fs.sort_unstable();
        let mut kws = Vec::new();
        for &f in &fs {
            let own: Vec<u16> = (0..6).map(|i| f * 6 + i).collect();
            let n = 1 + rng.below(3) as usize;
            pick_distinct(&mut rng, &own, n, &mut kws);
        }
        kws.sort_unstable();
        for &f in &fs {
            by_field[f as usize].push(e as u32);
        }
        experts.push(Expert {
            org,
            fields: fs,
            keywords: kws,
            region: org_region[org as usize],
            max_load: 0,
            conflict_orgs: Vec::new(),
            conflict_applications: Vec::new(),
        });
    }

    // Applications.
    let mut applications = Vec::with_capacity(na);
    for _ in 0..na {
        let lead = rng.weighted(&orgs) as u32;
        let np = 1 + rng.below(3) as usize;
        let mut partners: Vec<u32> = Vec::new();
        let mut tries = 0;
        while partners.len() < np && tries < 50 {
            tries += 1;
            let o = rng.weighted(&orgs) as u32;
            if o != lead && !partners.contains(&o) {
                partners.push(o);
            }
        }
        let f = rng.weighted(&fields) as u16;
        let own: Vec<u16> = (0..6).map(|i| f * 6 + i).collect();
        let mut kws = Vec::new();
        let n = 2 + rng.below(3) as usize;
        pick_distinct(&mut rng, &own, n, &mut kws);
        kws.sort_unstable();
        let mut avoid = Vec::new();
        let pool = &by_field[f as usize];
        if rng.below(100) < 12 && !pool.is_empty() {
            for _ in 0..1 + rng.below(3) {
                let e = pool[rng.below(pool.len() as u64) as usize];
                if !avoid.contains(&e) {
                    avoid.push(e);
                }
            }
            avoid.sort_unstable();
        }
        applications.push(Application {
            k: p.k,
            lead,
            partners,
            fields: vec![f],
            keywords: kws,
            region: org_region[lead as usize],
            avoid_experts: avoid,
        });
    }

    // Declared conflicts and loads: total capacity ≈ ratio × demand, ratio ∈ [1.3, 1.6).
    let demand = (na as f64) * f64::from(p.k);
    let ratio = 1.3 + 0.3 * rng.unit();
    let mean = if ne > 0 {
        ratio * demand / ne as f64
    } else {
        0.0
    };
    for ex in &mut experts {
        ex.max_load = ((mean * (0.6 + 0.8 * rng.unit())).round() as u32).max(1);
        if rng.below(100) < 4 {
            for _ in 0..1 + rng.below(2) {
                let o = rng.weighted(&orgs) as u32;
                if o != ex.org && !ex.conflict_orgs.contains(&o) {
                    ex.conflict_orgs.push(o);
                }
            }
        }
        if na > 0 && rng.below(100) < 3 {
            ex.conflict_applications.push(rng.below(na as u64) as u32);
        }
    }
    Instance {
        applications,
        experts,
        weights: Weights::default(),
    }
}
