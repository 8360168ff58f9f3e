//! Renders the 立项通知书 and reads it back with poppler's `pdftotext`, `pdfinfo` and `pdffonts`
//! (required: `apt-get install -y poppler-utils`).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use chanjiao_docs::render_initiation_letter;
use common::letter;

static FILES: AtomicUsize = AtomicUsize::new(0);

/// Runs a poppler tool on the PDF (written to a temporary file) and returns its standard output.
fn poppler(tool: &str, args: &[&str], to_stdout: bool, pdf: &[u8]) -> String {
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    let path: PathBuf = std::env::temp_dir().join(format!(
        "chanjiao-docs-letter-{}-{n}.pdf",
        std::process::id()
    ));
    std::fs::write(&path, pdf).expect("write temp pdf");
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if to_stdout {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|e| {
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

/// The PDF's text in content order, without whitespace (so that wrapped lines still match).
fn text(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-raw", "-enc", "UTF-8"], true, pdf)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", &[], false, pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output: {info}"))
}

fn in_order(text: &str, parts: &[&str]) {
    let mut last = 0;
    for p in parts {
        let p = squash(p);
        let at = text[last..]
            .find(&p)
            .unwrap_or_else(|| panic!("{p} missing or out of order in:\n{text}"));
        last += at + p.len();
    }
}

#[test]
fn the_letter_prints_number_lead_partners_items_closing_and_issuer_in_order() {
    let l = letter();
    let pdf = render_initiation_letter(&l).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    let n = pages(&pdf);
    assert!((1..=2).contains(&n), "{n} pages");
    let t = text(&pdf);
    in_order(
        &t,
        &[
            "专精特新产业学院项目建设办公室", // masthead
            "产教立项〔2026〕第 007 号",      // 发文字号
            "关于同意苏州集成电路职业技术学院牵头建设专精特新产业学院的立项通知",
            "苏州集成电路职业技术学院：",
            "根据《2026年先进半导体领域专精特新产业学院建设》（CASA 联盟函【2026】019 号）有关安排",
            "申报编号：SQ-2026-0001，申报方向：功率半导体器件",
            "经专家评审（2026年度立项评审）和综合评议，现同意立项建设。",
            "联合苏州纳芯碳化硅半导体有限公司、苏州工业园区中小企业服务中心共同建设",
            "现将有关要求通知如下：",
            "一、建设期为三年",
            "二、项目建设办公室将在建设期满一年半时组织中期检查",
            "三、牵头单位应落实申报书承诺的建设经费",
            "特此通知。",
            "专精特新产业学院项目建设办公室", // signature
            "2026年3月5日",
            "抄送：苏州纳芯碳化硅半导体有限公司，苏州工业园区中小企业服务中心。",
        ],
    );
    assert!(t.contains("（盖章）"), "seal placeholder");
    assert!(t.contains("2026年3月5日印发"), "版记");
    // The footer: the letter number again, the page number and the QR code's caption.
    // The footer of every page: the letter number, the page number and the QR code's caption.
    assert_eq!(t.matches(&squash(&l.letter_number)).count(), 1 + n);
    assert_eq!(t.matches("扫码核验本通知真伪").count(), n);
    for i in 1..=n {
        assert!(t.contains(&format!("—{i}—")), "page number {i}");
    }
}

#[test]
fn a_letter_without_optional_parts_still_prints() {
    let mut l = letter();
    l.partner_names.clear();
    l.items.clear();
    l.call_doc_number = None;
    l.verify_url = None;
    l.college_name = Some("苏州先进半导体专精特新产业学院".into());
    let pdf = render_initiation_letter(&l).expect("render");
    let t = text(&pdf);
    in_order(
        &t,
        &[
            "关于同意建设苏州先进半导体专精特新产业学院的立项通知",
            "苏州集成电路职业技术学院：",
            "现同意立项建设“苏州先进半导体专精特新产业学院”。",
            "特此通知。",
            "2026年3月5日",
        ],
    );
    assert!(!t.contains("抄送"), "no partners, no 抄送");
    assert!(!t.contains("通知如下"), "no items, no list");
    assert!(!t.contains("扫码核验"), "no URL, no QR code");
}

#[test]
fn typst_markup_in_the_letter_is_printed_literally() {
    let nasty = [
        r#"#panic("x")"#,
        "$x$",
        "*bold*",
        "]",
        "[",
        "_emph_",
        "<label>",
        "@ref",
        r"\",
        "#set page(width: 1cm)",
        "// not a comment",
        "= Heading",
        r#"#{ let x = 1 }"#,
    ];
    let joined = nasty.join(" ");
    let mut l = letter();
    l.lead_name = joined.clone();
    l.partner_names = vec![r#"#panic("p") ]["#.into(), "$y$".into()];
    l.issuer = "*办公室* #panic()".into();
    l.letter_number = "产教立项〔2026〕第 #1 号 ]".into();
    l.items = vec![nasty.join("\n")];
    l.direction = "`raw` $z$".into();
    l.college_name = Some("#strong[学院]".into());
    let pdf = render_initiation_letter(&l).expect("markup in user text never breaks compilation");
    let t = text(&pdf);
    assert!(
        t.contains(&squash(&format!("{joined}："))),
        "lead name as addressee not printed literally:\n{t}"
    );
    for s in nasty {
        assert!(t.contains(&squash(s)), "{s:?} not printed literally");
    }
    assert!(t.contains(&squash(r#"联合#panic("p") ][、$y$共同建设"#)));
    assert!(t.contains("*办公室*#panic()"));
    assert!(t.contains("产教立项〔2026〕第#1号]"));
    assert!(t.contains("`raw`$z$"));
    assert!(t.contains("关于同意建设#strong[学院]的立项通知"));
}

#[test]
fn the_letter_embeds_its_chinese_fonts() {
    let pdf = render_initiation_letter(&letter()).unwrap();
    let fonts = poppler("pdffonts", &[], false, &pdf);
    let cjk: Vec<&str> = fonts
        .lines()
        .filter(|l| {
            l.contains("CJK")
                || l.contains("SC")
                || l.contains("Song")
                || l.contains("Hei")
                || l.contains("Fang")
        })
        .collect();
    assert!(!cjk.is_empty(), "no CJK font in:\n{fonts}");
    for l in &cjk {
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert!(
            cols.iter().rev().nth(4) == Some(&"yes"),
            "not embedded: {l}"
        );
    }
}
