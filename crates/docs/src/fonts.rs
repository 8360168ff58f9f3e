//! Font discovery for the PDF renderer: found and indexed once per process.
//!
//! Search order (the first place that has both a CJK Song/serif and a CJK sans face ends the
//! search; everything found up to there is kept):
//! 1. `CHANJIAO_FONT_DIR` (one directory, or several joined like `PATH`);
//! 2. `fonts/node_modules` (the npm font packages, `npm --prefix fonts ci`) under the current
//!    directory, the executable's directory, and each of their ancestors;
//! 3. the operating system's font directories.
//!
//! A FangSong (仿宋) face, if one turns up among the faces found, is the letter's body face;
//! none is required.
//!
//! Typst's own embedded fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) are
//! always added: DejaVu supplies ☑/☐, which the CJK faces lack.
//!
//! Only the names and coverage of each face are read while searching (memory-mapped); a face's
//! data is loaded the first time a document uses it and then kept for the life of the process.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::text::FontInfo;
use typst_kit::fonts::{FontPath, FontStore};

/// Song/serif CJK families, best first (公文 body text).
const SERIF_FAMILIES: &[&str] = &[
    "Noto Serif SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Source Han Serif",
    "Songti SC",
    "STSong",
    "SimSun",
    "NSimSun",
    "FangSong",
    "STFangsong",
    "AR PL UMing CN",
    "FandolSong",
];

/// Sans (黑体) CJK families, best first (headings).
const SANS_FAMILIES: &[&str] = &[
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "PingFang SC",
    "Heiti SC",
    "STHeiti",
    "Microsoft YaHei",
    "SimHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
];

/// FangSong (仿宋) families, best first: the body face of official letters (GB/T 9704). Optional;
/// the letter falls back to the Song/serif chain when none is found.
const FANGSONG_FAMILIES: &[&str] = &[
    "FangSong_GB2312",
    "FangSong",
    "STFangsong",
    "FZFangSong-Z02",
    "FZFangSong-Z02S",
    "Adobe Fangsong Std",
];

/// Faces that carry ☑ (U+2611) and ☐ (U+2610).
const SYMBOL_FAMILIES: &[&str] = &["DejaVu Sans", "DejaVu Sans Mono"];

/// The fonts of the process and the family lists the template uses.
pub(crate) struct FontSet {
    /// All faces found, indexed for typst; loaded lazily.
    pub store: FontStore,
    /// Body text: serif first, then sans, then symbol faces.
    pub body: Vec<String>,
    /// Headings and labels: sans first, then serif, then symbol faces.
    pub heading: Vec<String>,
    /// For ☑/☐.
    pub symbol: Vec<String>,
    /// Official-letter body text: a FangSong face if one was found, then the body chain.
    pub fangsong: Vec<String>,
    /// Their size relative to the text (the faces draw them at different sizes).
    pub symbol_scale: f64,
}

/// Where no CJK face could be found: the directories searched.
#[derive(Debug, Clone)]
pub(crate) struct NoCjkFont {
    pub searched: Vec<PathBuf>,
}

static FONTS: LazyLock<Result<FontSet, NoCjkFont>> = LazyLock::new(discover);

/// The process's fonts, searched for on first use.
pub(crate) fn fonts() -> Result<&'static FontSet, NoCjkFont> {
    FONTS.as_ref().map_err(Clone::clone)
}

fn push_unique(dirs: &mut Vec<PathBuf>, dir: PathBuf) {
    if dir.is_dir() && !dirs.contains(&dir) {
        dirs.push(dir);
    }
}

/// The directories to search, in order.
fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(v) = std::env::var_os("CHANJIAO_FONT_DIR") {
        for d in std::env::split_paths(&v) {
            push_unique(&mut dirs, d);
        }
    }
    let mut bases: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        bases.extend(cwd.ancestors().map(Path::to_path_buf));
    }
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        bases.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    for base in bases {
        push_unique(&mut dirs, base.join("fonts").join("node_modules"));
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    let mut system: Vec<PathBuf> = vec!["/usr/share/fonts".into(), "/usr/local/share/fonts".into()];
    if let Some(h) = &home {
        system.push(h.join(".fonts"));
        system.push(h.join(".local/share/fonts"));
        system.push(h.join("Library/Fonts"));
    }
    system.extend(["/System/Library/Fonts".into(), "/Library/Fonts".into()]);
    if let Some(windir) = std::env::var_os("WINDIR") {
        system.push(PathBuf::from(windir).join("Fonts"));
    }
    system.push(r"C:\Windows\Fonts".into());
    for d in system {
        push_unique(&mut dirs, d);
    }
    dirs
}

fn is_cjk(info: &FontInfo) -> bool {
    // 申报书 — any face with these is good enough to print the form.
    ['申', '报', '书']
        .iter()
        .all(|&c| info.coverage.contains(c as u32))
}

/// The families of `wanted` present among `found` (CJK-capable), in `wanted`'s order.
fn present(found: &[(FontPath, FontInfo)], wanted: &[&str]) -> Vec<String> {
    wanted
        .iter()
        .filter_map(|w| {
            found
                .iter()
                .find(|(_, i)| i.family.eq_ignore_ascii_case(w) && is_cjk(i))
                .map(|(_, i)| i.family.clone())
        })
        .collect()
}

fn discover() -> Result<FontSet, NoCjkFont> {
    let dirs = candidate_dirs();
    let mut found: Vec<(FontPath, FontInfo)> = Vec::new();
    let mut searched = Vec::new();
    for dir in dirs {
        found.extend(typst_kit::fonts::scan(&dir));
        searched.push(dir);
        if !present(&found, SERIF_FAMILIES).is_empty() && !present(&found, SANS_FAMILIES).is_empty()
        {
            break;
        }
    }
    let mut serif = present(&found, SERIF_FAMILIES);
    let mut sans = present(&found, SANS_FAMILIES);
    if serif.is_empty() && sans.is_empty() {
        // Some other CJK face (a KaiTi, a Japanese Mincho…): better than nothing.
        match found.iter().find(|(_, i)| is_cjk(i)) {
            Some((_, i)) => serif.push(i.family.clone()),
            None => return Err(NoCjkFont { searched }),
        }
    }
    if serif.is_empty() {
        serif = sans.clone();
    }
    if sans.is_empty() {
        sans = serif.clone();
    }
    // DejaVu Sans draws the boxes a little larger than the embedded DejaVu Sans Mono.
    let has_sans_symbols = found
        .iter()
        .any(|(_, i)| i.family == SYMBOL_FAMILIES[0] && i.coverage.contains(0x2611));
    let symbol_scale = if has_sans_symbols { 1.0 } else { 1.3 };
    let fangsong = present(&found, FANGSONG_FAMILIES);
    let mut store = FontStore::new();
    store.extend(found);
    store.extend(typst_kit::fonts::embedded());
    let symbol: Vec<String> = SYMBOL_FAMILIES.iter().map(|s| s.to_string()).collect();
    let chain = |first: &[String], second: &[String]| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for f in first.iter().chain(second).chain(&symbol) {
            if !v.contains(f) {
                v.push(f.clone());
            }
        }
        v
    };
    let body = chain(&serif[..1], &sans[..1]);
    let fangsong = chain(&fangsong[..fangsong.len().min(1)], &body);
    Ok(FontSet {
        fangsong,
        body,
        heading: chain(&sans[..1], &serif[..1]),
        symbol: symbol.clone(),
        symbol_scale,
        store,
    })
}
