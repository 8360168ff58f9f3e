use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chanjiao_domain::validate::Uscc;
use rust_xlsxwriter::Workbook;

use super::read::*;
use super::write::*;
use super::*;

fn fields() -> Vec<(String, String)> {
    [
        ("IM", "智能制造"),
        ("IC", "集成电路"),
        ("NE", "新能源"),
        ("BIO", "生物医药"),
    ]
    .iter()
    .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
    .collect()
}

/// An xlsx whose first sheet holds `rows` as strings (row 0 is the first Excel row).
fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn good_row(login: &str) -> Vec<&str> {
    vec![
        login,
        "李四",
        "13911394320",
        "lisi@example.cn",
        "高级工程师",
        "示例科技有限公司",
        "",
        "320000",
        "IM、集成电路",
        "芯片；封装",
        "20",
        "否",
        "",
    ]
}

fn export_row(login: &str) -> ExpertExportRow {
    ExpertExportRow {
        login: login.into(),
        name: "王五".into(),
        phone: Some("13800138000".into()),
        email: Some("wangwu@example.cn".into()),
        title: "教授".into(),
        affiliation_name: "示例大学".into(),
        affiliation_uscc: None,
        province_code: "110000".into(),
        fields: vec!["NE".into(), "IM".into()],
        keywords: vec!["储能".into(), "光伏".into()],
        max_load: 200,
        available: true,
        conflict_usccs: vec![],
        active_load: 3,
    }
}

fn strip(r: ExpertImportRow) -> ExpertExportRow {
    ExpertExportRow {
        login: r.login,
        name: r.name,
        phone: r.phone,
        email: r.email,
        title: r.title,
        affiliation_name: r.affiliation_name,
        affiliation_uscc: r.affiliation_uscc,
        province_code: r.province_code,
        fields: r.fields,
        keywords: r.keywords,
        max_load: r.max_load,
        available: r.available,
        conflict_usccs: r.conflict_usccs,
        active_load: 0,
    }
}

fn where_(problems: &[RowProblem]) -> Vec<(usize, &str)> {
    problems
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect()
}

#[test]
fn template_parses_to_its_example_row() {
    let bytes = template(&fields());
    let rows = parse(&bytes, &fields()).expect("the template's example is valid");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.row, 2);
    assert_eq!(r.login, "zhangsan");
    assert_eq!(r.name, "张三");
    assert_eq!(r.phone.as_deref(), Some("13800138000"));
    assert_eq!(r.email.as_deref(), Some("zhangsan@example.cn"));
    assert_eq!(r.title, "教授");
    assert_eq!(r.affiliation_name, "示例职业技术学院");
    assert!(Uscc::parse(r.affiliation_uscc.as_deref().unwrap()).is_ok());
    assert_eq!(r.province_code, "320000");
    assert_eq!(r.fields, vec!["IM".to_owned(), "IC".to_owned()]);
    assert_eq!(
        r.keywords,
        vec!["智能制造".to_owned(), "产教融合".to_owned()]
    );
    assert_eq!(r.max_load, 10);
    assert!(r.available);
    assert_eq!(r.conflict_usccs.len(), 1);

    // The second sheet lists the fields and the provinces.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(wb.sheet_names(), vec![SHEET_NAME, CODES_SHEET_NAME]);
    let codes = wb.worksheet_range(CODES_SHEET_NAME).unwrap();
    let text: Vec<String> = codes.cells().map(|(_, _, d)| d.to_string()).collect();
    for needle in [
        "IM",
        "智能制造",
        "BIO",
        "生物医药",
        "320000",
        "江苏省",
        "澳门特别行政区",
    ] {
        assert!(text.iter().any(|t| t == needle), "{needle} missing");
    }
}

#[test]
fn export_reimports_as_exported() {
    let mut a = export_row("wangwu");
    a.affiliation_uscc = Some(example_row(&fields())[USCC].clone());
    a.conflict_usccs = vec![
        example_row(&fields())[CONFLICTS].clone(),
        example_row(&fields())[USCC].clone(),
    ];
    let mut b = export_row("zhao.liu");
    b.phone = None;
    b.email = None;
    b.keywords = vec![];
    b.available = false;
    b.max_load = 1;
    b.province_code = "820000".into();
    b.fields = vec!["BIO".into()];
    let rows = vec![a, b];
    let bytes = export(&rows);
    let parsed = parse(&bytes, &fields()).expect("an export re-imports");
    assert_eq!(parsed.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2, 3]);
    let back: Vec<ExpertExportRow> = parsed.into_iter().map(strip).collect();
    let expected: Vec<ExpertExportRow> = rows
        .into_iter()
        .map(|r| ExpertExportRow {
            active_load: 0,
            ..r
        })
        .collect();
    assert_eq!(back, expected);
}

#[test]
fn every_problem_of_every_row_is_reported() {
    let h: Vec<&str> = HEADERS.to_vec();
    let mut r2 = good_row("ok.one");
    r2[PHONE] = "12345";
    r2[MAX_LOAD] = "0";
    let mut r3 = good_row("");
    r3[EMAIL] = "not-an-email";
    r3[PROVINCE] = "火星";
    r3[FIELDS] = "IM、量子计算";
    let blank = vec![""; 13];
    let mut r5 = good_row("ok.two");
    r5[AVAILABLE] = "可以";
    r5[USCC] = "91110108MA00000000";
    r5[CONFLICTS] = "91320100MA0000002X、abc";
    r5[NAME] = "";
    let r6 = good_row("ok.three");
    let bytes = xlsx(&[h, r2, r3, blank, r5, r6]);
    let problems = parse(&bytes, &fields()).unwrap_err();
    assert_eq!(
        where_(&problems),
        vec![
            (2, "手机"),
            (2, "最大评审量"),
            (3, "账号"),
            (3, "邮箱"),
            (3, "所在省份"),
            (3, "专业领域"),
            (5, "姓名"),
            (5, "统一社会信用代码"),
            (5, "可参评"),
            (5, "回避单位统一社会信用代码"),
        ],
        "{problems:#?}"
    );
    let msg = |row, col: &str| {
        problems
            .iter()
            .find(|p| p.row == row && p.column == col)
            .unwrap()
            .message
            .clone()
    };
    assert!(msg(2, "手机").contains("11位"));
    assert!(msg(2, "最大评审量").contains("1–200"));
    assert_eq!(msg(3, "账号"), "请填写账号");
    assert!(msg(3, "所在省份").contains("火星"));
    assert!(msg(3, "专业领域").contains("量子计算"));
    assert!(!msg(3, "专业领域").contains("“IM”"));
    assert!(msg(5, "可参评").contains("可以"));
    assert!(msg(5, "回避单位统一社会信用代码").contains("abc"));
    assert_eq!(problems[0].field(), "row 2: 手机");
    assert_eq!(problems[0].code, "mobile_format");
}

#[test]
fn not_an_xlsx() {
    for bytes in [
        &b"hello, world"[..],
        b"",
        b"%PDF-1.7\n",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    ] {
        let p = parse(bytes, &fields()).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].row, p[0].column.as_str()), (0, ""));
        assert!(p[0].message.starts_with(NOT_XLSX), "{}", p[0].message);
        assert_eq!(p[0].field(), "file");
    }
}

#[test]
fn a_zip_that_is_not_an_xlsx() {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("readme.txt", opts).unwrap();
    w.write_all("专家名单".as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let p = parse(&bytes, &fields()).unwrap_err();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].row, 0);
    assert_eq!(p[0].message, NOT_XLSX);

    // A .docx is a zip with the right content types, but not a workbook either.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for name in ["[Content_Types].xml", "word/document.xml"] {
        w.start_file(name, opts).unwrap();
        w.write_all(b"<x/>").unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    assert_eq!(parse(&bytes, &fields()).unwrap_err()[0].message, NOT_XLSX);
}

#[test]
fn duplicate_logins_are_reported_with_the_first_row() {
    let bytes = xlsx(&[
        HEADERS.to_vec(),
        good_row("li.si"),
        good_row("wang.wu"),
        good_row("LI.SI"),
        {
            let mut r = good_row("li.si");
            r[PHONE] = "110";
            r
        },
    ]);
    let p = parse(&bytes, &fields()).unwrap_err();
    assert_eq!(where_(&p), vec![(4, "账号"), (5, "账号"), (5, "手机")]);
    assert!(p[0].message.contains("第2行"), "{}", p[0].message);
    assert_eq!(p[0].code, "duplicate_login");
}

#[test]
fn full_width_digits_in_the_phone_are_normalised() {
    let mut r = good_row("li.si");
    r[PHONE] = "１３９ １１３９ ４３２０";
    r[MAX_LOAD] = "１５";
    r[LOGIN] = "Ｌｉ.Si";
    let rows = parse(&xlsx(&[HEADERS.to_vec(), r]), &fields()).unwrap();
    assert_eq!(rows[0].phone.as_deref(), Some("13911394320"));
    assert_eq!(rows[0].max_load, 15);
    assert_eq!(rows[0].login, "li.si");
    assert_eq!(rows[0].fields, vec!["IM".to_owned(), "IC".to_owned()]);
    assert_eq!(rows[0].keywords, vec!["芯片".to_owned(), "封装".to_owned()]);
    assert!(!rows[0].available);
}

#[test]
fn missing_and_repeated_headers_are_named() {
    let mut h: Vec<&str> = HEADERS.to_vec();
    h[PHONE] = "电话";
    h[EMAIL] = "姓名";
    let p = parse(&xlsx(&[h, good_row("li.si")]), &fields()).unwrap_err();
    assert_eq!(
        where_(&p),
        vec![(1, "姓名"), (1, "手机"), (1, "邮箱")],
        "{p:#?}"
    );
    assert_eq!(p[1].code, "missing_column");
    assert!(p[1].message.contains("手机"));
}

#[test]
fn columns_may_move_under_a_title_line_with_notes_in_headers() {
    // Reordered, a title row above, required marks and notes in the headers, an extra column.
    let order = [
        CONFLICTS,
        AVAILABLE,
        MAX_LOAD,
        KEYWORDS,
        FIELDS,
        PROVINCE,
        USCC,
        AFFILIATION,
        TITLE,
        EMAIL,
        PHONE,
        NAME,
        LOGIN,
    ];
    let mut header: Vec<String> = order.iter().map(|&i| HEADERS[i].to_owned()).collect();
    header[0] = format!("{}（多个用、分隔）", header[0]);
    header[12] = format!("*{}", header[12]);
    header.push("备注".into());
    let good = good_row("li.si");
    let mut row: Vec<&str> = order.iter().map(|&i| good[i]).collect();
    row.push("随便写点什么");
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = xlsx(&[vec!["2024年专家信息表"], vec![], header, row]);
    let rows = parse(&bytes, &fields()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 4);
    assert_eq!(rows[0].province_code, "320000");
    assert_eq!(rows[0].max_load, 20);
}

#[test]
fn too_many_rows_is_one_problem() {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=(MAX_ROWS as u32 + 1) {
        sheet.write_string(r, 0, format!("user{r}")).unwrap();
    }
    let p = parse(&wb.save_to_buffer().unwrap(), &fields()).unwrap_err();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].code, "too_many_rows");
    assert!(p[0].message.contains("5001"), "{}", p[0].message);
}

#[test]
fn a_header_without_rows_is_empty() {
    let p = parse(&xlsx(&[HEADERS.to_vec()]), &fields()).unwrap_err();
    assert_eq!(p[0].code, "empty_file");
    let p = parse(&xlsx(&[]), &fields()).unwrap_err();
    assert_eq!(p[0].code, "empty_file");
}
