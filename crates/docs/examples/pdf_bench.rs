//! Rendering speed of the 申报书 PDF.
//!
//! `cargo run --release -p chanjiao-docs --example pdf_bench`
//!
//! Prints the first (cold) render, which includes finding and indexing the fonts, the mean, p50
//! and p95 of 50 warm renders of a full application (~30 KB of text, two partners), the same for
//! 50 renders in which every paragraph is new (so typst's memoised layout of the previous text
//! cannot help), with the process's CPU time per render, and the total time of a batch of 150
//! renders; then the first and the warm (mean, p50 and p95 of 50) renders
//! of a 立项通知书. `--out DIR` also writes the sample PDFs (application, draft, blind, letter) and
//! the DOCX there; `--once` skips the timing loops.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

/// The allocator of the `chanjiao` binary, which renders the PDFs in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time of the whole process (all threads; typst exports with rayon) so far, on Linux.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are the 12th
    // and 13th, in clock ticks of 1/100 s.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split(' ').skip(11);
    let ticks: u64 = f.next()?.parse::<u64>().ok()? + f.next()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Prints the mean, p50 and p95 of `times`, and the CPU time per render when known.
fn report(label: &str, mut times: Vec<Duration>, cpu: Option<Duration>) {
    times.sort();
    let n = times.len();
    let mean = times.iter().sum::<Duration>() / n as u32;
    let pct = |p: f64| times[((n as f64 - 1.0) * p).round() as usize];
    println!(
        "{label} (n={n}): mean {:.1} ms, p50 {:.1} ms, p95 {:.1} ms{}",
        ms(mean),
        ms(pct(0.5)),
        ms(pct(0.95)),
        cpu.map(|c| format!(", CPU {:.1} ms per render", ms(c) / n as f64))
            .unwrap_or_default()
    );
}

/// Times `render` over `inputs`, wall clock per call and process CPU in all.
fn timed<T>(inputs: &[T], mut render: impl FnMut(&T)) -> (Vec<Duration>, Option<Duration>) {
    let cpu = cpu_time();
    let times = inputs
        .iter()
        .map(|x| {
            let t = Instant::now();
            render(x);
            t.elapsed()
        })
        .collect();
    (times, cpu_time().zip(cpu).map(|(b, a)| b - a))
}

fn main() {
    let out_dir = std::env::args().skip_while(|a| a != "--out").nth(1);
    let form = common::complete_form();
    let meta = common::meta();
    println!(
        "sample: {} bytes of form JSON, {} partners",
        common::text_bytes(&form),
        form.partners.len()
    );

    let t = Instant::now();
    let pdf = chanjiao_docs::application_pdf(&form, &meta).expect("render");
    let cold = t.elapsed();
    println!(
        "first render (cold, incl. font discovery): {:.1} ms, {} bytes",
        ms(cold),
        pdf.len()
    );

    let once = std::env::args().any(|a| a == "--once");
    let runs = if once { 1 } else { 50 };
    let batch_n = if once { 1 } else { 150 };
    let metas: Vec<_> = (0..runs)
        .map(|i| {
            let mut m = meta.clone();
            m.version = 3 + i; // different data every time, as in production
            m
        })
        .collect();
    let (times, cpu) = timed(&metas, |m| {
        let pdf = chanjiao_docs::application_pdf(&form, m).expect("render");
        assert!(pdf.len() > 10_000);
    });
    report("warm renders", times, cpu);

    // Every paragraph new in every render: nothing typst memoised for one application's text can
    // serve the next, as when the office prints many different applications.
    let forms: Vec<_> = (0..runs)
        .map(|i| {
            let mut f = form.clone();
            for s in common::long_fields(&mut f) {
                *s = s
                    .lines()
                    .map(|l| format!("{l}（第{}稿）", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            f
        })
        .collect();
    let (times, cpu) = timed(&forms, |f| {
        chanjiao_docs::application_pdf(f, &meta).expect("render");
    });
    report("warm renders, every paragraph new", times, cpu);

    let t = Instant::now();
    for i in 0..batch_n {
        let mut m = meta.clone();
        m.application_no = format!("SQ-2022-{:04}", i + 1);
        chanjiao_docs::application_pdf(&form, &m).expect("render");
    }
    let batch = t.elapsed();
    println!(
        "batch of {batch_n} renders: {:.2} s total ({:.1} ms each)",
        batch.as_secs_f64(),
        ms(batch) / batch_n as f64
    );

    let t = Instant::now();
    let docx = chanjiao_docs::application_docx(&form, &meta).expect("docx");
    println!(
        "docx render: {:.1} ms, {} bytes",
        ms(t.elapsed()),
        docx.len()
    );

    let letter = common::letter();
    let t = Instant::now();
    let letter_pdf = chanjiao_docs::render_initiation_letter(&letter).expect("letter");
    println!(
        "first letter render: {:.1} ms, {} bytes",
        ms(t.elapsed()),
        letter_pdf.len()
    );
    let letters: Vec<_> = (0..runs)
        .map(|i| {
            let mut l = letter.clone();
            l.letter_number = format!("产教立项〔2026〕第 {:03} 号", i + 1);
            l
        })
        .collect();
    let (times, cpu) = timed(&letters, |l| {
        chanjiao_docs::render_initiation_letter(l).expect("letter");
    });
    report("warm letter renders", times, cpu);

    if let Some(dir) = out_dir {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("application.pdf"), &pdf).unwrap();
        std::fs::write(dir.join("application.docx"), &docx).unwrap();
        let mut draft = meta.clone();
        draft.draft = true;
        std::fs::write(
            dir.join("draft.pdf"),
            chanjiao_docs::application_pdf(&form, &draft).unwrap(),
        )
        .unwrap();
        std::fs::write(
            dir.join("blind.pdf"),
            chanjiao_docs::application_pdf_variant(&form, &meta, chanjiao_docs::Variant::Blind)
                .unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join("letter.pdf"), &letter_pdf).unwrap();
        println!("wrote {}", dir.display());
    }
}
