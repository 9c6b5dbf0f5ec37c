//! The theme: templates, static files and interface strings, from `themes/<name>/` in the site
//! folder or, for `default`, built into the binary; site-level `templates/` and `static/` win.

use crate::content::{read_text, rel_path};
use crate::diag::Diagnostic;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The default theme, compiled in so that any site folder builds without copying it.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// A theme's files after overrides: templates by name, static files by output path, strings by language.
#[derive(Debug, Default)]
pub struct ThemeFiles {
    /// name → (text, path shown in messages)
    pub templates: BTreeMap<String, (String, String)>,
    pub statics: BTreeMap<String, StaticSource>,
    /// Static file's output path → its file as messages name it (the one that won).
    pub static_files: BTreeMap<String, String>,
    pub i18n: BTreeMap<String, String>,
}

impl ThemeFiles {
    /// A hash of everything in the theme, read from disk for files there; two loads of an
    /// unchanged theme give the same number within one process.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.templates.hash(&mut h);
        self.i18n.hash(&mut h);
        for (path, src) in &self.statics {
            path.hash(&mut h);
            match src {
                StaticSource::Embedded(b) => b.hash(&mut h),
                StaticSource::Disk(p) => std::fs::read(p).ok().hash(&mut h),
            }
        }
        h.finish()
    }
}

fn walk_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for e in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if e.file_type().is_file() {
            let rel = rel_path(dir, e.path());
            if !rel.split('/').any(|s| s.starts_with('.')) {
                out.push((rel, e.path().to_path_buf()));
            }
        }
    }
    out
}

fn embedded_files(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        embedded_files(d, out);
    }
}

/// Collect the theme `name` for the site at `root`, with site-level overrides applied.
pub fn load(root: &Path, name: &str) -> Result<ThemeFiles, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut files = ThemeFiles::default();
    let theme_dir = root.join("themes").join(name);
    if theme_dir.is_dir() {
        load_theme_dir(root, &theme_dir, &mut files, &mut errors);
    } else if name == "default" {
        load_builtin(&mut files);
    } else {
        errors.push(Diagnostic::new(
            "site.yaml",
            1,
            1,
            format!("theme `{name}` not found: no folder themes/{name}/ (the built-in theme is `default`)"),
        ));
    }
    for (rel, path) in walk_files(&root.join("templates")) {
        let shown = rel_path(root, &path);
        match read_text(&path) {
            Ok(t) => {
                files.templates.insert(rel, (t, shown));
            }
            Err((l, c, m)) => errors.push(Diagnostic::new(shown, l, c, m)),
        }
    }
    add_static_dir(root, &root.join("static"), &mut files);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// The templates, translations and static files of the theme folder `theme_dir`; files that
/// cannot be read go to `errors`.
fn load_theme_dir(
    root: &Path,
    theme_dir: &Path,
    files: &mut ThemeFiles,
    errors: &mut Vec<Diagnostic>,
) {
    for kind in ["templates", "i18n"] {
        for (rel, path) in walk_files(&theme_dir.join(kind)) {
            let shown = rel_path(root, &path);
            match read_text(&path) {
                Ok(t) => add_text(files, kind, &rel, t, shown),
                Err((l, c, m)) => errors.push(Diagnostic::new(shown, l, c, m)),
            }
        }
    }
    add_static_dir(root, &theme_dir.join("static"), files);
}

/// The files of the built-in theme, compiled into the program.
fn load_builtin(files: &mut ThemeFiles) {
    let mut all = Vec::new();
    embedded_files(&DEFAULT_THEME, &mut all);
    for (path, bytes) in all {
        let Some((kind, rel)) = path.split_once('/') else {
            continue;
        };
        match kind {
            "static" => {
                files
                    .static_files
                    .insert(rel.to_string(), format!("(built-in theme)/{path}"));
                files
                    .statics
                    .insert(rel.to_string(), StaticSource::Embedded(bytes));
            }
            "templates" | "i18n" => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                add_text(files, kind, rel, text, format!("(built-in theme)/{path}"));
            }
            _ => {}
        }
    }
}

/// A template (`kind` "templates") or translation ("i18n") at `rel`, shown to editors as
/// `shown`.
fn add_text(files: &mut ThemeFiles, kind: &str, rel: &str, text: String, shown: String) {
    match kind {
        "templates" => {
            files.templates.insert(rel.to_string(), (text, shown));
        }
        "i18n" => {
            files
                .i18n
                .insert(rel.trim_end_matches(".yaml").to_string(), text);
        }
        _ => {}
    }
}

/// Every file under the folder `dir` as a static file, replacing one of the same path.
fn add_static_dir(root: &Path, dir: &Path, files: &mut ThemeFiles) {
    for (rel, path) in walk_files(dir) {
        files
            .static_files
            .insert(rel.clone(), rel_path(root, &path));
        files.statics.insert(rel, StaticSource::Disk(path));
    }
}

#[cfg(test)]
mod tests {
    /// The default theme's stylesheet.
    const STYLE: &str = include_str!("../../themes/default/static/style.css");

    /// The custom properties set in the first rule after `marker` (`:root {` for light, the dark
    /// query for dark): name → `#rrggbb`.
    fn colours(marker: &str) -> std::collections::BTreeMap<String, [u8; 3]> {
        let start = STYLE.find(marker).expect("the block is in style.css");
        let block = &STYLE[start + marker.len()..];
        let block = &block[..block.find('}').expect("the block ends")];
        block
            .split(';')
            .filter_map(|decl| {
                let (name, value) = decl.split_once(':')?;
                let hex = value.trim().strip_prefix('#')?;
                let rgb = [0, 2, 4].map(|k| u8::from_str_radix(hex.get(k..k + 2)?, 16).ok());
                Some((
                    name.trim().rsplit([' ', '\n']).next()?.to_string(),
                    [rgb[0]?, rgb[1]?, rgb[2]?],
                ))
            })
            .collect()
    }

    fn luminance(c: [u8; 3]) -> f64 {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
    }

    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// WCAG AA in both schemes: text and links 4.5:1 on the page and on panels, the text of status
    /// badges and report-card segments 4.5:1 on each status colour, status colours 3:1 on the page
    /// (graphics: bars, dots, chart marks).
    #[test]
    fn light_and_dark_colours_reach_aa_contrast() {
        for (scheme, marker, on_status) in [
            ("light", ":root {", [0xff, 0xff, 0xff]),
            (
                "dark",
                "@media (prefers-color-scheme: dark) {\n  :root {",
                [0x11; 3],
            ),
        ] {
            let c = colours(marker);
            let get = |k: &str| {
                *c.get(k)
                    .unwrap_or_else(|| panic!("{scheme}: no {k} in {c:?}"))
            };
            for text in ["--fg", "--muted", "--link", "--accent"] {
                for bg in ["--bg", "--panel"] {
                    let r = contrast(get(text), get(bg));
                    assert!(r >= 4.5, "{scheme}: {text} on {bg} is {r:.2}:1");
                }
            }
            let statuses: Vec<_> = c.keys().filter(|k| k.starts_with("--st-")).collect();
            assert_eq!(statuses.len(), 8, "{scheme}: {statuses:?}");
            for st in statuses {
                let r = contrast(on_status, get(st));
                assert!(r >= 4.5, "{scheme}: badge text on {st} is {r:.2}:1");
                let r = contrast(get(st), get("--bg"));
                assert!(r >= 3.0, "{scheme}: {st} on the page is {r:.2}:1");
            }
        }
    }
}
