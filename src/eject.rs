//! `duixian theme eject`: the built-in theme copied into the site folder, to be edited there.

use crate::render::theme::DEFAULT_THEME;
use crate::types::is_valid_id;
use anyhow::{Context, Result, bail};
use include_dir::Dir;
use std::path::Path;

/// What an eject wrote.
#[derive(Debug)]
pub struct Ejected {
    /// The theme folder, relative to the site folder (`themes/default`).
    pub folder: String,
    /// The files written, relative to the theme folder, in order.
    pub files: Vec<String>,
}

/// Every file of the built-in theme, relative to its root, sorted.
fn builtin_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_THEME, &mut out);
    out.sort();
    out
}

/// Copy the built-in theme into `<root>/themes/<name>/`. Refuses, writing nothing, when `root`
/// has no `site.yaml`, `name` is not an id, or the folder exists and is not empty (unless
/// `force`: then the theme's files are written over, and other files in it are left alone).
pub fn eject(root: &Path, name: &str, force: bool) -> Result<Ejected> {
    if !root.join("site.yaml").is_file() {
        bail!(
            "no site.yaml in `{}`: run `duixian theme eject` in a site folder, or pass --root",
            root.display()
        );
    }
    if !is_valid_id(name) {
        bail!(
            "theme name `{name}` is not valid: use lowercase letters, digits and single hyphens (e.g. `my-theme`)"
        );
    }
    let folder = format!("themes/{name}");
    let dir = root.join(&folder);
    if !force && dir.exists() {
        let mut entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "`{folder}/` already exists and is not empty: nothing was written (use --force to write the built-in theme's files over it; files of yours that the theme does not have are kept)"
            );
        }
    }
    let mut files = Vec::new();
    for (rel, bytes) in builtin_files() {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        files.push(rel);
    }
    Ok(Ejected { folder, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_theme_has_every_required_part() {
        let files: Vec<String> = builtin_files().into_iter().map(|(p, _)| p).collect();
        for needed in [
            "templates/base.html",
            "templates/index.html",
            "static/style.css",
            "i18n/zh-Hans.yaml",
        ] {
            assert!(files.iter().any(|f| f == needed), "missing {needed}");
        }
    }
}
