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
    let add_text =
        |files: &mut ThemeFiles, kind: &str, rel: &str, text: String, shown: String| match kind {
            "templates" => {
                files.templates.insert(rel.to_string(), (text, shown));
            }
            "i18n" => {
                files
                    .i18n
                    .insert(rel.trim_end_matches(".yaml").to_string(), text);
            }
            _ => {}
        };
    if theme_dir.is_dir() {
        for kind in ["templates", "i18n"] {
            for (rel, path) in walk_files(&theme_dir.join(kind)) {
                let shown = rel_path(root, &path);
                match read_text(&path) {
                    Ok(t) => add_text(&mut files, kind, &rel, t, shown),
                    Err((l, c, m)) => errors.push(Diagnostic::new(shown, l, c, m)),
                }
            }
        }
        for (rel, path) in walk_files(&theme_dir.join("static")) {
            files
                .static_files
                .insert(rel.clone(), rel_path(root, &path));
            files.statics.insert(rel, StaticSource::Disk(path));
        }
    } else if name == "default" {
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
                    add_text(
                        &mut files,
                        kind,
                        rel,
                        text,
                        format!("(built-in theme)/{path}"),
                    );
                }
                _ => {}
            }
        }
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
    for (rel, path) in walk_files(&root.join("static")) {
        files
            .static_files
            .insert(rel.clone(), rel_path(root, &path));
        files.statics.insert(rel, StaticSource::Disk(path));
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
