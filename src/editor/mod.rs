//! Editors' tools: import a newspaper text as a report or news file, propose a report's
//! quantified pledges, and write new files to fill in; they return what they did and never print.

pub mod extract;
pub mod import;
pub mod new;
pub mod quantity;

use crate::content::raw::RawSite;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `contents` to `path`, creating its folder. An existing file is an error unless `force`.
pub fn write_file(path: &Path, contents: &str, force: bool) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder `{}`", dir.display()))?;
    }
    if force {
        return std::fs::write(path, contents)
            .with_context(|| format!("cannot write `{}`", path.display()));
    }
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "`{}` already exists: nothing was written (use --force to replace it)",
                path.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create `{}`", path.display())),
    };
    f.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// `s` as a one-line YAML scalar, quoted only when YAML needs it.
pub fn yaml_str(s: &str) -> String {
    let out = serde_yaml::to_string(s).expect("a string always serialises to YAML");
    out.trim_end_matches('\n').to_string()
}

/// The site's `site.yaml`, parsed.
pub fn read_site(root: &Path) -> Result<RawSite> {
    let path = root.join("site.yaml");
    let text = crate::content::read_text(&path)
        .map_err(|(l, c, m)| anyhow::anyhow!("{}:{l}:{c}: {m}", path.display()))?;
    if let Some(r) = crate::content::anchors::refuse_anchors(&text) {
        anyhow::bail!("{}:{}:{}: {}", path.display(), r.line, r.col, r.message);
    }
    serde_yaml::from_str(&text).with_context(|| {
        format!(
            "cannot read `{}` (run `duixian check` for details)",
            path.display()
        )
    })
}

/// `path` shown relative to `root` when it lies inside it.
pub fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string())
}

/// The file name of `input` when it is a file in the site's `seeds/` folder.
pub fn seed_name(root: &Path, input: &Path) -> Option<String> {
    let seeds = std::fs::canonicalize(root.join("seeds")).ok()?;
    let file = std::fs::canonicalize(input).ok()?;
    (file.parent()? == seeds)
        .then(|| file.file_name()?.to_str().map(str::to_string))
        .flatten()
}

/// Every file under `dir` with extension `ext`, sorted (a missing folder has none).
pub fn files_with_ext(dir: &Path, ext: &[&str], recursive: bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(if recursive { 64 } else { 1 })
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ext.contains(&e))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_quoted_only_when_needed() {
        assert_eq!(yaml_str("改造老旧小区68个"), "改造老旧小区68个");
        assert_eq!(yaml_str("%"), "'%'");
        assert_eq!(yaml_str("a: b"), "'a: b'");
        assert_eq!(yaml_str("2024"), "'2024'");
        let back: String = serde_yaml::from_str(&yaml_str("“五一”前: #1")).unwrap();
        assert_eq!(back, "“五一”前: #1");
    }

    #[test]
    fn existing_files_are_not_overwritten_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.md");
        write_file(&p, "one", false).unwrap();
        let err = write_file(&p, "two", false).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        write_file(&p, "three", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "three");
    }
}
