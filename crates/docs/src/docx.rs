//! The 申报书 as an editable Word document: the same table, rows and wording as the PDF, with
//! simpler styling. Header: the call, the draft mark and the blind-review mark; footer: number, version, 校验码, page
//! X / Y and the verification address.

use docx_rs::{
    AlignmentType, Docx, Footer, Header, LineSpacing, NumPages, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Table, TableCell, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use crate::model::{BLANK, Choice, Prose, View};
use crate::{DocError, PrintMeta, Variant};

/// Font sizes are in half-points.
const BODY: usize = 21; // 五号
const SMALL: usize = 16;
const TITLE: usize = 36;

/// A4 in twips, margins 2.2 cm.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN: i32 = 1247;
/// Column widths (twips) of the six-column grid: group, label, sub-label, value, label, value.
const COLS: [usize; 6] = [1191, 1304, 964, 2353, 1247, 2353];

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("宋体")
}

fn heading_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Arial")
        .hi_ansi("Arial")
        .east_asia("黑体")
}

fn run(text: &str) -> Run {
    Run::new().add_text(text).size(BODY).fonts(body_fonts())
}

fn bold_run(text: &str) -> Run {
    Run::new()
        .add_text(text)
        .size(BODY)
        .bold()
        .fonts(heading_fonts())
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn hint_para(text: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(text)
            .size(SMALL)
            .color("6E6E6E")
            .fonts(body_fonts()),
    )
}

/// Body paragraph with a two-character first-line indent.
fn indented(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text)).first_line_chars(200)
}

fn choices_para(options: &[Choice]) -> Paragraph {
    let mut p = Paragraph::new();
    for (i, c) in options.iter().enumerate() {
        let mut t = String::new();
        if i > 0 {
            t.push('　');
        }
        t.push_str(c.mark());
        t.push(' ');
        t.push_str(&c.label);
        p = p.add_run(run(&t));
        if c.blank {
            if c.fill.is_empty() {
                p = p.add_run(run(BLANK));
            } else {
                p = p
                    .add_run(run("："))
                    .add_run(run(&c.fill).underline("single"));
            }
        }
    }
    p
}

/// A cell: its paragraphs, the grid columns it spans, and whether it starts or continues a
/// vertical merge.
struct Cell {
    paras: Vec<Paragraph>,
    span: usize,
    merge: Option<VMergeType>,
    center: bool,
}

impl Cell {
    fn text(paras: Vec<Paragraph>, span: usize) -> Cell {
        Cell {
            paras,
            span,
            merge: None,
            center: false,
        }
    }
    fn label(text: &str) -> Cell {
        Cell {
            paras: vec![
                Paragraph::new()
                    .add_run(bold_run(text))
                    .align(AlignmentType::Center),
            ],
            span: 1,
            merge: None,
            center: true,
        }
    }
    fn span(mut self, span: usize) -> Cell {
        self.span = span;
        self
    }
    fn restart(mut self) -> Cell {
        self.merge = Some(VMergeType::Restart);
        self
    }
    fn cont() -> Cell {
        Cell {
            paras: vec![Paragraph::new()],
            span: 1,
            merge: Some(VMergeType::Continue),
            center: false,
        }
    }
    fn build(self, first_col: usize) -> TableCell {
        let width: usize = COLS[first_col..first_col + self.span].iter().sum();
        let mut c = TableCell::new().width(width, WidthType::Dxa);
        if self.span > 1 {
            c = c.grid_span(self.span);
        }
        if let Some(m) = self.merge {
            c = c.vertical_merge(m);
        }
        if self.center {
            c = c.vertical_align(VAlignType::Center);
        }
        let paras = if self.paras.is_empty() {
            vec![Paragraph::new()]
        } else {
            self.paras
        };
        for p in paras {
            c = c.add_paragraph(p);
        }
        c
    }
}

fn row(cells: Vec<Cell>) -> TableRow {
    let mut col = 0;
    let built = cells
        .into_iter()
        .map(|c| {
            let span = c.span;
            let b = c.build(col);
            col += span;
            b
        })
        .collect();
    TableRow::new(built)
}

fn prose_paras(pr: &Prose) -> Vec<Paragraph> {
    let mut v = vec![hint_para(&pr.hint)];
    v.extend(pr.paras.iter().map(|p| indented(p)));
    v
}

/// Rows of one group: the group label (merged down) followed by each row's cells.
fn group(label: &str, rows: Vec<Vec<Cell>>) -> Vec<TableRow> {
    rows.into_iter()
        .enumerate()
        .map(|(i, mut cells)| {
            let head = if i == 0 {
                Cell::label(label).restart()
            } else {
                Cell::cont()
            };
            cells.insert(0, head);
            row(cells)
        })
        .collect()
}

fn table(v: &View) -> Table {
    let l = &v.lead;
    let mut rows: Vec<TableRow> = Vec::new();
    rows.extend(group(
        "牵头申报院校情况",
        vec![
            vec![
                Cell::label("院校类型"),
                Cell::text(vec![choices_para(&l.institution_type)], 4),
            ],
            vec![
                Cell::label("单位名称"),
                Cell::text(vec![para(&l.name)], 2),
                Cell::label("单位性质"),
                Cell::text(vec![choices_para(&l.nature)], 1),
            ],
            vec![
                Cell::label("联系人").restart(),
                Cell::label("姓名"),
                Cell::text(vec![para(&l.contact_name)], 1),
                Cell::label("职务/职称"),
                Cell::text(vec![para(&l.contact_title)], 1),
            ],
            vec![
                Cell::cont(),
                Cell::label("联系电话"),
                Cell::text(vec![para(&l.contact_phone)], 1),
                Cell::label("电子邮箱"),
                Cell::text(vec![para(&l.contact_email)], 1),
            ],
            vec![
                Cell::label("院校简介"),
                Cell::text(
                    prose_paras(&Prose {
                        label: String::new(),
                        hint: "（办学历史、成绩、校企合作主要成果等内容）".into(),
                        paras: l.profile.clone(),
                    }),
                    4,
                ),
            ],
            vec![
                Cell::label("申报方向"),
                Cell::text(
                    vec![
                        hint_para(
                            "（需符合《优质中小企业梯度培育管理暂行办法》重点支持的细分领域）",
                        ),
                        para(&l.direction),
                    ],
                    4,
                ),
            ],
            vec![
                Cell::label("依托项目"),
                Cell::text(vec![choices_para(&l.supporting_projects)], 4),
            ],
        ],
    ));
    rows.push(row(vec![
        Cell::label("项目建设资金主要来源").span(2),
        Cell::text(vec![choices_para(&l.funding_sources)], 4),
    ]));

    for p in &v.partners {
        let mut contact = vec![para(&p.contact_phone)];
        if !p.contact_email.is_empty() {
            contact.push(para(&p.contact_email));
        }
        let mut name = vec![para(&p.name)];
        if !p.uscc.is_empty() {
            name.push(
                Paragraph::new().add_run(
                    Run::new()
                        .add_text(format!("统一社会信用代码：{}", p.uscc))
                        .size(SMALL)
                        .fonts(body_fonts()),
                ),
            );
        }
        let mut profile = vec![hint_para(
            "（联合申报单位的行业地位、具备的资质和条件、经营状况、产教融合工作基础以及产业学院建设中的分工等）",
        )];
        profile.extend(p.profile.iter().map(|s| indented(s)));
        rows.extend(group(
            &format!("联合申报单位情况{}", p.ordinal),
            vec![
                vec![Cell::label("单位名称"), Cell::text(name, 4)],
                vec![
                    Cell::label("单位类别¹"),
                    Cell::text(vec![choices_para(&p.category)], 4),
                ],
                vec![
                    Cell::label("联系人（职务）"),
                    Cell::text(vec![para(&p.contact)], 2),
                    Cell::label("联系方式（电话及邮箱）"),
                    Cell::text(contact, 1),
                ],
                vec![
                    Cell::label("单位简介及产教融合工作基础"),
                    Cell::text(profile, 4),
                ],
            ],
        ));
    }
    rows.push(row(vec![Cell::text(
        vec![
            Paragraph::new().add_run(
                Run::new()
                    .add_text(format!("¹ {}", v.partner_note))
                    .size(SMALL)
                    .fonts(body_fonts()),
            ),
        ],
        6,
    )]));

    let prose_rows = |list: &[Prose]| -> Vec<Vec<Cell>> {
        list.iter()
            .map(|pr| vec![Cell::label(&pr.label), Cell::text(prose_paras(pr), 4)])
            .collect()
    };
    rows.extend(group(
        "牵头申报院校产教融合工作情况",
        prose_rows(&v.industry_education),
    ));

    let mut plan = vec![hint_para(&v.plan_hint)];
    for s in &v.plan {
        plan.push(
            Paragraph::new()
                .add_run(bold_run(&s.heading))
                .keep_next(true),
        );
        plan.extend(s.paras.iter().map(|p| indented(p)));
    }
    rows.extend(group(
        "建设目标与规划",
        vec![
            vec![
                Cell::label(&v.goals.label),
                Cell::text(prose_paras(&v.goals), 4),
            ],
            vec![Cell::label("建设规划"), Cell::text(plan, 4)],
            vec![
                Cell::label(&v.innovation.label),
                Cell::text(prose_paras(&v.innovation), 4),
            ],
        ],
    ));
    rows.extend(group("保障与支持", prose_rows(&v.guarantees)));

    let c = &v.commitment;
    let right = |t: &str| Paragraph::new().add_run(run(t)).align(AlignmentType::Right);
    let mut commitment = vec![
        indented(&c.text),
        para(&format!(
            "{} {}　　会议日期：{}",
            c.approved.mark(),
            c.approved.label,
            c.meeting_date
        )),
        para(""),
    ];
    if !c.responsible_person.is_empty() {
        commitment.push(right(&format!("单位负责人：{}", c.responsible_person)));
    }
    commitment.extend([
        right("单位负责人（签字）：＿＿＿＿＿＿"),
        para(""),
        right("（盖章）"),
        para(""),
        right("年　　月　　日"),
    ]);
    rows.push(row(vec![
        Cell::label("牵头申报单位承诺意见").span(2),
        Cell::text(commitment, 4),
    ]));

    Table::new(rows)
        .set_grid(COLS.to_vec())
        .width(COLS.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

pub(crate) fn render(
    form: &chanjiao_domain::applications::ApplicationForm,
    meta: &PrintMeta,
    variant: Variant,
) -> Result<Vec<u8>, DocError> {
    let v = View::new(form, meta, variant);

    let mut header = Header::new();
    if v.blind {
        header = header.add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text(&v.blind_mark)
                        .bold()
                        .size(20)
                        .fonts(heading_fonts()),
                )
                .align(AlignmentType::Center),
        );
    }
    if v.draft {
        header = header.add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text(format!(
                            "{} · 本稿仅供核对，不作为正式申报材料",
                            v.draft_mark
                        ))
                        .bold()
                        .color("C00000")
                        .size(20)
                        .fonts(heading_fonts()),
                )
                .align(AlignmentType::Center),
        );
    }
    header = header.add_paragraph(
        Paragraph::new()
            .add_run(
                Run::new()
                    .add_text(
                        format!("{}　{}", v.call_title, v.doc_number)
                            .trim()
                            .to_owned(),
                    )
                    .size(SMALL)
                    .fonts(body_fonts()),
            )
            .align(AlignmentType::Center),
    );

    let small = |t: &str| Run::new().add_text(t).size(SMALL).fonts(heading_fonts());
    let mut footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(small(&format!(
                "申报编号 {}　版本 {}　校验码 {}　第 ",
                v.application_no, v.version, v.hash12
            )))
            .add_page_num(PageNum::new())
            .add_run(small(" / "))
            .add_num_pages(NumPages::new())
            .add_run(small(" 页")),
    );
    if !meta.verify_url.trim().is_empty() {
        footer = footer.add_paragraph(Paragraph::new().add_run(small(&format!(
            "核验：{}",
            crate::model::clean_line(&meta.verify_url)
        ))));
    }

    let title = Paragraph::new()
        .add_run(
            Run::new()
                .add_text(&v.title)
                .bold()
                .size(TITLE)
                .fonts(heading_fonts()),
        )
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().after(120));
    let sub = Paragraph::new()
        .add_run(
            Run::new()
                .add_text(format!(
                    "申报编号：{}　版本：{}",
                    v.application_no, v.version
                ))
                .size(18)
                .fonts(heading_fonts()),
        )
        .align(AlignmentType::Right);

    let docx = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(1304)
                .bottom(1304)
                .left(MARGIN)
                .right(MARGIN)
                .header(720)
                .footer(600),
        )
        .default_fonts(body_fonts())
        .default_size(BODY)
        .header(header)
        .footer(footer)
        .add_paragraph(title)
        .add_paragraph(sub)
        .add_table(table(&v));

    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
