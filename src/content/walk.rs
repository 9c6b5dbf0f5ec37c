//! Finding the content files: which files under the site folder are read as what, and what is
//! refused (links, non-UTF-8 names) or skipped (other extensions) with a message.

use super::Kind;
use crate::diag::Diagnostic;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use walkdir::{DirEntry, WalkDir};

/// One content file to read.
#[derive(Debug, Clone)]
pub(super) struct Job {
    pub kind: Kind,
    pub path: PathBuf,
    /// Path relative to the site root, as messages show it ([`rel_path`]).
    pub rel: String,
    /// File stem as [`super::Doc::stem`] has it.
    pub stem: String,
}

/// What walking a site folder found: the content files to read, and what was said of the rest.
#[derive(Default)]
pub(super) struct Walk {
    pub jobs: Vec<Job>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// File names present in `seeds/`.
    pub seeds: BTreeSet<String>,
}

/// The folders under `content/`, what each holds, and the extensions read there.
const KINDS: [(&str, Kind, &[&str]); 5] = [
    ("reports", Kind::Report, &["md"]),
    ("pledges", Kind::Pledges, &["yaml", "yml"]),
    ("news", Kind::News, &["md"]),
    ("indicators", Kind::Indicators, &["yaml", "yml"]),
    ("pages", Kind::Page, &["md"]),
];

/// Walk the site folder at `root`: `site.yaml`, the folders of [`KINDS`] in file-name order,
/// and the names in `seeds/`.
pub(super) fn walk(root: &Path) -> Walk {
    let mut w = Walk::default();
    w.site_yaml(root);
    for (dir, kind, exts) in KINDS {
        w.content_dir(root, dir, kind, exts);
    }
    w.seeds = seeds(root);
    w
}

impl Walk {
    /// `site.yaml`, which every site has.
    fn site_yaml(&mut self, root: &Path) {
        let site_yaml = root.join("site.yaml");
        if is_link(&site_yaml) {
            self.errors.push(link_error("site.yaml"));
        } else if site_yaml.is_file() {
            self.jobs.push(Job {
                kind: Kind::Site,
                path: site_yaml,
                rel: "site.yaml".into(),
                stem: "site".into(),
            });
        } else {
            self.errors.push(Diagnostic::new(
                "site.yaml",
                1,
                1,
                format!(
                    "no site.yaml in `{}`: is this a duixian site folder? (use --root <dir>)",
                    root.display()
                ),
            ));
        }
    }

    /// The files of `content/<dir>/` (and its subfolders for news and pages), read as `kind`
    /// when they end in one of `exts`.
    fn content_dir(&mut self, root: &Path, dir: &str, kind: Kind, exts: &[&str]) {
        let content = root.join("content");
        let base = content.join(dir);
        if is_link(&content) || is_link(&base) {
            let rel = if is_link(&content) {
                "content".to_string()
            } else {
                format!("content/{dir}")
            };
            if !self.errors.iter().any(|d| d.path == rel) {
                self.errors.push(link_error(&rel));
            }
            return;
        }
        if !base.is_dir() {
            return;
        }
        let recursive = matches!(kind, Kind::News | Kind::Page);
        let walker = WalkDir::new(&base)
            .min_depth(1)
            .max_depth(if recursive { 64 } else { 1 })
            .sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(e) => self.entry(root, &base, dir, kind, exts, &e),
                Err(e) => {
                    let p = e
                        .path()
                        .map(|p| rel_path(root, p))
                        .unwrap_or_else(|| format!("content/{dir}"));
                    self.errors
                        .push(Diagnostic::new(p, 1, 1, format!("cannot read: {e}")));
                }
            }
        }
    }

    /// One entry found under `content/<dir>/` (`base`): a job, an error, a warning, or nothing
    /// (folders and hidden files).
    fn entry(
        &mut self,
        root: &Path,
        base: &Path,
        dir: &str,
        kind: Kind,
        exts: &[&str],
        entry: &DirEntry,
    ) {
        let path = entry.path();
        let rel = rel_path(root, path);
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || entry.file_type().is_dir() {
            return;
        }
        let said = |message: String| Diagnostic::new(rel.clone(), 1, 1, message);
        if entry.file_name().to_str().is_none() {
            let e = said("file name is not valid UTF-8: rename the file".into());
            self.errors.push(e);
        } else if !entry.file_type().is_file() {
            let w = said("skipped: not a regular file (links are not followed)".into());
            self.warnings.push(w);
        } else if !exts.contains(&path.extension().and_then(|e| e.to_str()).unwrap_or("")) {
            let w = said(format!(
                "skipped: files in content/{dir}/ end in .{}",
                exts.join(" or .")
            ));
            self.warnings.push(w);
        } else {
            let stem = stem(base, kind, path);
            let path = path.to_path_buf();
            self.jobs.push(Job {
                kind,
                path,
                rel,
                stem,
            });
        }
    }
}

/// The [`super::Doc::stem`] of the file at `path` under `base`: its path without `.md`,
/// `/`-separated, for a free page; its file stem otherwise.
fn stem(base: &Path, kind: Kind, path: &Path) -> String {
    if kind == Kind::Page {
        let under = path.strip_prefix(base).unwrap_or(path).with_extension("");
        under.to_string_lossy().replace('\\', "/")
    } else {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The file names in `seeds/` that are UTF-8 (none when there is no such folder).
fn seeds(root: &Path) -> BTreeSet<String> {
    let mut seeds = BTreeSet::new();
    if let Ok(rd) = std::fs::read_dir(root.join("seeds")) {
        for e in rd.flatten() {
            if let Some(n) = e.file_name().to_str() {
                seeds.insert(n.to_string());
            }
        }
    }
    seeds
}

/// The error for a symbolic link at `rel` where a file or folder of the site was expected.
fn link_error(rel: &str) -> Diagnostic {
    Diagnostic::new(
        rel,
        1,
        1,
        "is a symbolic link: duixian does not follow links inside the site folder; put the real file or folder here",
    )
}

/// Whether `path` is a symbolic link (not followed: its target may lie anywhere).
fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// `path` relative to `root`, `/`-separated, for messages.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_reads_each_folder_in_name_order_and_says_what_it_skips() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in [
            "site.yaml",
            "content/news/b.md",
            "content/news/2024/a.md",
            "content/news/.draft.md",
            "content/pages/guide/data.md",
            "content/pledges/p.txt",
            "seeds/s.csv",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "").unwrap();
        }
        let w = walk(root);
        let jobs: Vec<(&str, &str)> = w
            .jobs
            .iter()
            .map(|j| (j.rel.as_str(), j.stem.as_str()))
            .collect();
        assert_eq!(
            jobs,
            [
                ("site.yaml", "site"),
                ("content/news/2024/a.md", "a"),
                ("content/news/b.md", "b"),
                ("content/pages/guide/data.md", "guide/data"),
            ]
        );
        assert!(w.errors.is_empty(), "{:?}", w.errors);
        let warned: Vec<String> = w.warnings.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            warned,
            ["content/pledges/p.txt:1:1: skipped: files in content/pledges/ end in .yaml or .yml"]
        );
        assert_eq!(w.seeds, BTreeSet::from(["s.csv".to_string()]));

        let empty = tempfile::tempdir().unwrap();
        let w = walk(empty.path());
        assert!(w.jobs.is_empty());
        assert!(
            w.errors[0].message.starts_with("no site.yaml in"),
            "{:?}",
            w.errors
        );
    }
}
