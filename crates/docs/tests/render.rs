//! Renders whole application forms and reads them back: the PDF with poppler's `pdftotext` and
//! `pdfinfo` (required: `apt-get install -y poppler-utils`), the DOCX by unzipping it.

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use chanjiao_docs::{
    DocError, PrintMeta, Variant, application_docx, application_docx_variant, application_pdf,
    application_pdf_variant,
};
use chanjiao_domain::applications::COMMITMENT_TEXT;
use common::{complete_form, long_fields, meta, text_bytes};

static FILES: AtomicUsize = AtomicUsize::new(0);

fn temp_pdf(pdf: &[u8]) -> PathBuf {
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("chanjiao-docs-test-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write temp pdf");
    path
}

fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let path = temp_pdf(pdf);
    let out = Command::new(tool).args(args).arg(&path).arg("-").output().unwrap_or_else(|e| {
        panic!("`{tool}` could not be run ({e}): these tests need poppler-utils — apt-get install -y poppler-utils")
    });
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 from poppler")
}

/// The PDF's text in content order, one string per page.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let text = poppler("pdftotext", &["-raw", "-enc", "UTF-8"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The body text of all pages (header and footer lines left out), in content order.
fn body_text(pdf: &[u8]) -> String {
    pages_text(pdf)
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| {
            !l.contains("校验码")
                && !l.contains("扫码核验本文件真伪")
                && !l.contains("本稿仅供核对")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Without whitespace, so that text wrapped inside a narrow cell still matches.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect()
}

fn page_count(pdf: &[u8]) -> usize {
    let path = temp_pdf(pdf);
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("`pdfinfo` could not be run ({e}): these tests need poppler-utils — apt-get install -y poppler-utils"));
    let _ = std::fs::remove_file(&path);
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output: {info}"))
}

/// The QR codes printed in each page's footer, decoded: the bottom strip of every page rendered
/// at 300 dpi in greyscale by poppler's `pdftoppm`, searched by `rqrr`.
fn footer_qr_codes(pdf: &[u8]) -> Vec<Vec<String>> {
    let path = temp_pdf(pdf);
    let prefix = path.with_extension("");
    // A4 at 300 dpi is 2480 × 3508 pixels; the footer lies in the bottom 15 %.
    let out = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-x", "0", "-y", "2980", "-W", "2480", "-H", "528"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("`pdftoppm` could not be run ({e}): these tests need poppler-utils — apt-get install -y poppler-utils"));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stem = prefix.file_name().unwrap().to_string_lossy().into_owned();
    let mut images: Vec<PathBuf> = std::fs::read_dir(prefix.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&format!("{stem}-")) && name.ends_with(".pgm")
        })
        .collect();
    // pdftoppm pads the page numbers to the same width, so the names sort in page order.
    images.sort();
    images
        .iter()
        .map(|image| {
            let pgm = std::fs::read(image).expect("read the page image");
            let _ = std::fs::remove_file(image);
            let (w, h, pixels) = parse_pgm(&pgm);
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
            prepared
                .detect_grids()
                .iter()
                .map(|g| g.decode().expect("a readable QR code").1)
                .collect()
        })
        .collect()
}

/// Width, height and pixels of a binary 8-bit PGM (`P5`, as pdftoppm writes it).
fn parse_pgm(pgm: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&pgm[start..at]).unwrap());
    }
    assert_eq!((fields[0], fields[3]), ("P5", "255"), "an 8-bit binary PGM");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    // One whitespace byte ends the header.
    let pixels = &pgm[at + 1..];
    assert_eq!(pixels.len(), w * h, "PGM size");
    (w, h, pixels)
}

/// Every page carries the footer: number, version, 校验码 and "第 X / Y 页".
fn assert_footer_on_every_page(pdf: &[u8], meta: &PrintMeta) {
    let n = page_count(pdf);
    let pages = pages_text(pdf);
    assert_eq!(pages.len(), n, "pdftotext pages vs pdfinfo");
    for (i, page) in pages.iter().enumerate() {
        let p = squash(page);
        assert!(
            p.contains(&format!("校验码{}", &meta.content_hash[..12])),
            "page {} has no 校验码: {p}",
            i + 1
        );
        assert!(
            p.contains(&format!("申报编号{}", meta.application_no)),
            "page {} has no number",
            i + 1
        );
        assert!(
            p.contains(&format!("版本{}", meta.version)),
            "page {} has no version",
            i + 1
        );
        assert!(
            p.contains(&format!("第{}/{}页", i + 1, n)),
            "page {} has no page X / Y",
            i + 1
        );
        assert_eq!(
            p.matches("校验码").count(),
            1,
            "page {} footer count",
            i + 1
        );
    }
}

#[test]
fn a_complete_form_prints_in_the_official_order_with_choices_commitment_and_footer() {
    let form = complete_form();
    let bytes = text_bytes(&form);
    assert!(
        (25_000..40_000).contains(&bytes),
        "the sample form has about 30 KB of text, not {bytes}"
    );
    let meta = meta();
    let pdf = application_pdf(&form, &meta).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = squash(&pages_text(&pdf).join("\n"));

    // Every page's QR code opens the verification page of this very version.
    let codes = footer_qr_codes(&pdf);
    assert_eq!(codes.len(), page_count(&pdf), "a rendered footer per page");
    for (i, page) in codes.iter().enumerate() {
        assert_eq!(
            page,
            std::slice::from_ref(&meta.verify_url),
            "the QR code of page {}",
            i + 1
        );
    }

    assert!(text.contains("先进半导体领域专精特新产业学院申报书"));
    // The rows, top to bottom (the second column's labels and the full-width rows). The group
    // labels of the first column span several rows; typst draws them after their rows, so they are
    // only checked for presence.
    let rows = [
        "院校类型",
        "单位名称",
        "单位性质",
        "联系人",
        "院校简介",
        "申报方向",
        "依托项目",
        "项目建设资金主要来源",
        "单位名称",
        "单位类别",
        "联系人（职务）",
        "单位简介及产教融合工作基础",
        "单位名称",
        "单位简介及产教融合工作基础",
        "主要工作",
        "成效经验",
        "特色创新",
        "建设目标",
        "建设规划",
        "（一）联合管理机构",
        "（二）产教融合研究院",
        "（三）教育教学与资源中心",
        "（四）实践与实训中心",
        "（五）创新合作中心",
        "（六）专精特新产教融合智慧云平台",
        "创新特色",
        "设施保障",
        "组织保障",
        "经费保障",
        "其他保障",
        "牵头申报单位承诺意见",
        COMMITMENT_TEXT,
        "经学校办公会议批准",
        "单位负责人（签字）",
    ];
    let mut last = 0;
    for h in rows {
        let at = text[last..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order"));
        last += at + h.len();
    }
    for group in [
        "牵头申报院校情况",
        "联合申报单位情况",
        "牵头申报院校产教融合工作情况",
        "建设目标与规划",
        "保障与支持",
    ] {
        assert!(text.contains(group), "group {group} missing");
    }
    // Both partner blocks, each with its own 联合申报单位情况 heading.
    assert!(
        text.contains("苏州纳芯碳化硅半导体有限公司")
            && text.contains("苏州工业园区中小企业服务中心")
    );
    assert_eq!(text.matches("联合申报单位情况").count(), 2);
    assert!(
        text.contains("联合申报单位需含至少一家专精特新企业"),
        "footnote 1"
    );

    assert!(text.contains(COMMITMENT_TEXT), "commitment sentence");
    assert!(text.contains("☑经学校办公会议批准"));
    assert!(text.contains("2022年11月20日"));
    assert!(
        text.contains("单位负责人（签字）：＿＿＿＿")
            && text.contains("（盖章）")
            && text.contains("年月日"),
        "signature lines"
    );

    // Choices: 1 institution type + 1 nature + 3 projects + 3 funding + 1 category per partner + meeting.
    assert_eq!(text.matches('☑').count(), 11, "chosen options");
    assert_eq!(
        text.matches('☐').count(),
        2 + 2 + 6 + 6 + 6 * 2 + 1 - 11,
        "unchosen options"
    );
    assert!(text.contains("☑高等职业院校") && text.contains("☐本科院校"));
    assert!(text.contains("☑公办") && text.contains("☐民办"));
    assert!(text.contains("其他：江苏省产教融合型品牌专业"));
    assert!(text.contains("其他：地方政府专项资金"));
    assert!(
        text.contains("☑国家专精特新“小巨人”企业")
            && text.contains("☑地方（地市级以上）中小企业中心")
    );
    assert!(text.contains("功率半导体器件"), "direction label");
    assert!(text.contains("CASA联盟函【2022】019号"));

    assert_footer_on_every_page(&pdf, &meta);
    assert!(
        !text.contains("草稿"),
        "a submitted version has no draft mark"
    );
}

#[test]
fn five_thousand_characters_per_field_paginate_with_the_footer_on_every_page() {
    let mut form = complete_form();
    for (i, f) in long_fields(&mut form).into_iter().enumerate() {
        *f = common::prose(i, 5000);
        assert!(f.chars().count() >= 5000);
    }
    // One paragraph of 5,000 characters with no line breaks at all, too.
    form.goals.innovation = "创新".repeat(2500);
    // The longest 其他 text the form accepts wraps inside its cell.
    form.lead.supporting_projects_other = "校企共建集成电路产教融合实训基地".repeat(6) + "END";
    let meta = meta();
    let pdf = application_pdf(&form, &meta).expect("render");
    let pages = page_count(&pdf);
    assert!(pages >= 20, "only {pages} pages for ~90,000 characters");
    assert_footer_on_every_page(&pdf, &meta);
    let text = squash(&body_text(&pdf));
    // Nothing clipped: the whole unbroken paragraph is there, and the commitment after it.
    assert!(text.contains(&"创新".repeat(2500)));
    assert!(text.contains(COMMITMENT_TEXT));
    assert!(text.contains(&format!("其他：{}", form.lead.supporting_projects_other)));
}

#[test]
fn typst_markup_in_user_text_is_printed_literally() {
    let nasty = [
        r#"#panic("x")"#,
        "*bold*",
        "$x$",
        "<label>",
        "@ref",
        "]",
        "[",
        r"\",
        "#set page(width: 1cm)",
        "_emph_ `raw` // not a comment /* nor this */",
        "= Heading",
        r#"#{ let x = 1 }"#,
        "&lt;&amp;",
    ];
    let joined = nasty.join(" ");
    let mut form = complete_form();
    form.lead.name = joined.clone();
    form.lead.profile = nasty.join("\n");
    form.partners[0].contact = r#"#panic("x") ]["#.into();
    form.goals.plan.research_institute = joined.clone();
    form.lead.supporting_projects_other = "$x$ #panic(\"y\")".into();
    form.commitment.office_meeting_date = "#panic(\"date\")".into();
    let mut meta = meta();
    meta.direction_label = "*direction* <d> @e".into();
    meta.application_no = "SQ-#x-[0]".into();
    let pdf = application_pdf(&form, &meta).expect("markup in user text never breaks compilation");
    let text = squash(&pages_text(&pdf).join("\n"));
    for s in nasty {
        assert!(text.contains(&squash(s)), "{s:?} not printed literally");
    }
    assert!(text.contains(&squash(r#"其他：$x$ #panic("y")"#)));
    assert!(text.contains(&squash(r#"#panic("date")"#)));
    assert!(text.contains("*direction*<d>@e"));
    assert!(text.contains("申报编号SQ-#x-[0]"));
}

#[test]
fn a_draft_is_marked_and_an_empty_form_still_prints() {
    let mut meta = meta();
    meta.draft = true;
    let pdf = application_pdf(&Default::default(), &meta).expect("an empty draft renders");
    let text = squash(&pages_text(&pdf).join("\n"));
    assert!(text.contains("草稿DRAFT（未提交）"));
    assert!(text.contains("牵头申报单位承诺意见"));
    assert!(
        text.contains("联合申报单位情况"),
        "an empty partner block is printed"
    );
    assert!(!text.contains('☑'), "nothing chosen");
    assert_footer_on_every_page(&pdf, &meta);
}

#[test]
fn chinese_fonts_are_embedded() {
    let pdf = application_pdf(&complete_form(), &meta()).unwrap();
    let path = temp_pdf(&pdf);
    let out = Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts (poppler-utils) is required");
    let _ = std::fs::remove_file(&path);
    let fonts = String::from_utf8_lossy(&out.stdout);
    let cjk: Vec<&str> = fonts
        .lines()
        .filter(|l| {
            l.contains("CJK") || l.contains("SC") || l.contains("Song") || l.contains("Hei")
        })
        .collect();
    assert!(!cjk.is_empty(), "no CJK font in:\n{fonts}");
    for l in &cjk {
        let cols: Vec<&str> = l.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" is the 4th column from the end but two.
        assert!(
            cols.iter().rev().nth(4) == Some(&"yes"),
            "not embedded: {l}"
        );
    }
}

#[test]
fn the_docx_is_a_word_document_with_the_same_rows() {
    let mut meta = meta();
    meta.draft = true;
    let mut form = complete_form();
    form.lead.name = "A & B <学院> \"引号\"".into();
    let docx = application_docx(&form, &meta).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip file");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains("A &amp; B &lt;学院&gt;"),
        "user text is escaped"
    );
    let mut last = 0;
    for h in [
        "先进半导体领域专精特新产业学院申报书",
        "牵头申报院校情况",
        "项目建设资金主要来源",
        "联合申报单位情况（一）",
        "联合申报单位情况（二）",
        "牵头申报院校产教融合工作情况",
        "建设目标与规划",
        "产教融合研究院",
        "保障与支持",
        "牵头申报单位承诺意见",
        COMMITMENT_TEXT,
        "经学校办公会议批准",
        "单位负责人（签字）",
        "（盖章）",
    ] {
        let at = xml[last..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order in document.xml"));
        last += at;
    }
    assert!(xml.contains("☑ 高等职业院校") && xml.contains("☐ 本科院校"));
    let mut parts = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().starts_with("word/header") || f.name().starts_with("word/footer") {
            f.read_to_string(&mut parts).unwrap();
        }
    }
    assert!(
        parts.contains("SQ-2022-0001")
            && parts.contains("版本 3")
            && parts.contains("校验码 3f9a1c0b7e2d")
    );
    assert!(parts.contains("PAGE") && parts.contains("NUMPAGES"));
    assert!(parts.contains("草稿 DRAFT（未提交）"));
}

const BLIND_MARK: &str = "盲审版 · 已隐去申报单位信息";

/// The form as the server redacts it for blind review: names, people and contacts as ■■■.
fn redacted_form() -> chanjiao_domain::applications::ApplicationForm {
    let mut form = complete_form();
    let r = "■■■".to_owned();
    let l = &mut form.lead;
    l.name = r.clone();
    l.contact_name = r.clone();
    l.contact_phone = r.clone();
    l.contact_email = r.clone();
    for p in &mut form.partners {
        p.name = r.clone();
        p.uscc = r.clone();
        p.contact = r.clone();
        p.contact_phone = r.clone();
        p.contact_email = r.clone();
    }
    form
}

#[test]
fn the_blind_variant_carries_its_mark_on_every_page() {
    let meta = meta();
    let pdf = application_pdf_variant(&redacted_form(), &meta, Variant::Blind).expect("render");
    let n = page_count(&pdf);
    assert!(n >= 2);
    let mark = squash(BLIND_MARK);
    for (i, page) in pages_text(&pdf).iter().enumerate() {
        assert_eq!(
            squash(page).matches(&mark).count(),
            1,
            "page {} lacks the blind mark",
            i + 1
        );
    }
    // The rest of the document is unchanged: footer, rows, commitment.
    assert_footer_on_every_page(&pdf, &meta);
    let text = squash(&pages_text(&pdf).join("\n"));
    assert!(text.contains("牵头申报单位承诺意见") && text.contains(COMMITMENT_TEXT));
    assert!(text.contains("■■■"));
    // The signature block names nobody; its blank lines stay.
    assert!(!text.contains("王建国"), "responsible person printed");
    assert!(!text.contains("单位负责人：") && text.contains("单位负责人（签字）"));
    // The full variant has no mark.
    let full = application_pdf_variant(&redacted_form(), &meta, Variant::Full).unwrap();
    assert!(!squash(&pages_text(&full).join("")).contains(&mark));
}

#[test]
fn the_blind_variant_blanks_identifying_fields_the_caller_missed() {
    let mut form = complete_form();
    // Unredacted fields, and names inside the long texts and a 其他 fill.
    form.lead.profile = format!(
        "苏州集成电路职业技术学院与苏州纳芯碳化硅半导体有限公司合作多年，联系人李娟、张伟。\n{}",
        form.lead.profile
    );
    form.goals.plan.research_institute = "由苏州工业园区中小企业服务中心协调。".into();
    form.lead.funding_sources_other = "王建国争取的专项资金".into();
    let mut meta = meta();
    meta.draft = true;
    meta.verify_url = String::new();
    let pdf = application_pdf_variant(&form, &meta, Variant::Blind).expect("render");
    let text = squash(&pages_text(&pdf).join("\n"));
    for name in [
        "苏州集成电路职业技术学院",
        "苏州纳芯碳化硅半导体有限公司",
        "苏州工业园区中小企业服务中心",
        "91320594MA1XYZ1234",
        "李娟",
        "张伟",
        "王建国",
        "13912345678",
        "0512-68601234",
        "lijuan@",
        "hr@",
    ] {
        assert!(!text.contains(name), "{name} printed in the blind variant");
    }
    assert!(text.contains("■■■与■■■合作多年，联系人■■■、■■■。"));
    assert!(text.contains("由■■■协调。"));
    assert!(text.contains("其他：■■■争取的专项资金"));
    // A draft that is blind carries both marks; without a URL there is no QR code caption.
    assert!(text.contains(&squash(BLIND_MARK)) && text.contains("草稿DRAFT（未提交）"));
    assert!(!text.contains("扫码核验"));
    let codes = footer_qr_codes(&pdf);
    assert!(
        !codes.is_empty() && codes.iter().all(Vec::is_empty),
        "no QR code without a URL: {codes:?}"
    );
}

#[test]
fn the_blind_docx_has_the_mark_in_its_header_and_no_responsible_person() {
    let docx = application_docx_variant(&complete_form(), &meta(), Variant::Blind).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip file");
    let mut all = String::new();
    let mut headers = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        if f.name().starts_with("word/header") {
            headers.push_str(&s);
        }
        all.push_str(&s);
    }
    assert!(headers.contains(BLIND_MARK));
    for name in [
        "苏州集成电路职业技术学院",
        "苏州纳芯碳化硅半导体有限公司",
        "王建国",
        "李娟",
    ] {
        assert!(!all.contains(name), "{name} in the blind docx");
    }
}

#[test]
fn the_missing_font_error_says_what_to_install() {
    let e = DocError::NoCjkFont {
        searched: "/usr/share/fonts".into(),
    };
    let msg = e.to_string();
    assert!(
        msg.contains("no CJK font found")
            && msg.contains("fonts-noto-cjk")
            && msg.contains("npm --prefix fonts ci")
    );
}
