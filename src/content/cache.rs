//! The parsed-file cache: what each content file gave when last read, so that `serve` reads
//! and parses again only the files that changed (and reloads edited news items alone).

use super::parse::read_and_parse;
use super::walk::{Job, Walk, walk};
use super::{Kind, Parsed, SourceFile, raw::RawNews};
use crate::diag::Diagnostic;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What one file gave when it was last read, kept by [`Cache`].
struct Cached {
    /// File stem as [`super::Doc::stem`] has it.
    stem: String,
    len: u64,
    modified: Option<SystemTime>,
    file: Arc<SourceFile>,
    parsed: Option<Parsed>,
    diags: Vec<Diagnostic>,
}

impl Cached {
    /// Read and parse the file of `job` (as [`read_and_parse`]), whose metadata was `meta`
    /// just before. With the site folder `drop_under`, a news body is dropped once parsed
    /// ([`SourceFile::drop_body`]).
    fn read(job: &Job, meta: Option<&std::fs::Metadata>, drop_under: Option<&Arc<Path>>) -> Cached {
        let (mut file, parsed, diags) = read_and_parse(job.kind, &job.path, job.rel.clone());
        if let (Some(root), Some(Parsed::News(raw))) = (drop_under, &parsed) {
            file.drop_body(&job.path, root, raw);
        }
        Cached {
            stem: job.stem.clone(),
            len: meta.map_or(0, |m| m.len()),
            modified: meta.and_then(|m| m.modified().ok()),
            file: Arc::new(file),
            parsed,
            diags,
        }
    }

    /// The same, under the stem of this load.
    fn again(&self, stem: &str) -> Cached {
        Cached {
            stem: stem.to_string(),
            len: self.len,
            modified: self.modified,
            file: self.file.clone(),
            parsed: self.parsed.clone(),
            diags: self.diags.clone(),
        }
    }
}

/// One content file as a load gives it, in the order of the walk.
pub(super) struct FileRead {
    pub stem: String,
    pub file: Arc<SourceFile>,
    pub parsed: Option<Parsed>,
    pub diags: Vec<Diagnostic>,
}

/// Files read by earlier loads, by path, so that a later load (`serve` after an edit) reads and
/// parses again only the files whose size or modification time changed.
#[derive(Default)]
pub struct Cache {
    /// False for [`Cache::one_shot`]: nothing is kept.
    keep: bool,
    files: HashMap<PathBuf, Cached>,
    /// The last walk of the site folder.
    walk: Option<Arc<Walk>>,
    /// Files read again (not taken from the cache) by the last load.
    pub last_read: usize,
}

impl Cache {
    /// A cache that keeps the files of each load for the next one.
    pub fn new() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }

    /// A cache for a single load (`build`, `check`): it keeps nothing, so the load's files are
    /// freed as soon as the model no longer needs them.
    pub fn one_shot() -> Cache {
        Cache::default()
    }

    /// Whether the cache keeps each load's files for the next one.
    pub(super) fn keeps(&self) -> bool {
        self.keep
    }

    /// What the last walk of the site folder found besides content files: the file names in
    /// `seeds/` and the warnings about skipped files, as [`super::Loaded`] has them.
    pub fn walked(&self) -> Option<(&BTreeSet<String>, &[Diagnostic])> {
        self.walk
            .as_ref()
            .map(|w| (&w.seeds, w.warnings.as_slice()))
    }

    /// Whether each of the `changed` paths is a content file the last load read and that is
    /// still a file, or lies in `themes/`, `templates/` or `static/` of `root`: then a load
    /// need not walk the folder again.
    pub(super) fn knows_all(&self, root: &Path, changed: &[PathBuf]) -> bool {
        let theme_dirs = [
            root.join("themes"),
            root.join("templates"),
            root.join("static"),
        ];
        self.walk.is_some()
            && changed.iter().all(|p| {
                (self.files.contains_key(p) && p.is_file())
                    || theme_dirs.iter().any(|d| p.starts_with(d))
            })
    }

    /// The walk of `root` this load uses: the last one when `reuse` and there is one, a new
    /// one otherwise (kept for the next load if the cache keeps files).
    pub(super) fn walk(&mut self, root: &Path, reuse: bool) -> Arc<Walk> {
        let w = match (reuse, &self.walk) {
            (true, Some(w)) => w.clone(),
            _ => Arc::new(walk(root)),
        };
        if self.keep {
            self.walk = Some(w.clone());
        }
        w
    }

    /// Every file of `jobs` (under `root`), in their order: taken from the cache when it did
    /// not change (not reported in `changed`, when given; else the same size and modification
    /// time), read and parsed otherwise. Sets [`Cache::last_read`].
    pub(super) fn read(
        &mut self,
        root: &Path,
        jobs: &[Job],
        changed: Option<&[PathBuf]>,
    ) -> Vec<FileRead> {
        let changed: Option<FxHashSet<&PathBuf>> = changed.map(|c| c.iter().collect());
        let shared_root: Arc<Path> = Arc::from(root);
        let keep = self.keep;
        let old = std::mem::take(&mut self.files);
        let results: Vec<(Cached, bool)> = jobs
            .par_iter()
            .map(|job| cached_or_read(&old, changed.as_ref(), job, keep, &shared_root))
            .collect();
        drop(old);
        self.last_read = results.iter().filter(|r| r.1).count();
        let mut out = Vec::with_capacity(results.len());
        for ((cached, _), job) in results.into_iter().zip(jobs) {
            out.push(FileRead {
                stem: job.stem.clone(),
                file: cached.file.clone(),
                parsed: cached.parsed.clone(),
                diags: cached.diags.clone(),
            });
            if keep {
                self.files.insert(job.path.clone(), cached);
            }
        }
        out
    }
}

/// The file of `job`, from `old` when unchanged, else read now; and whether it was read. A
/// one-off load (not `keep`) drops a news body once parsed ([`SourceFile::drop_body`]).
fn cached_or_read(
    old: &HashMap<PathBuf, Cached>,
    changed: Option<&FxHashSet<&PathBuf>>,
    job: &Job,
    keep: bool,
    root: &Arc<Path>,
) -> (Cached, bool) {
    // A file the watcher did not report is as it was: not even its metadata is read.
    if let (Some(changed), Some(c)) = (changed, old.get(&job.path))
        && !changed.contains(&job.path)
    {
        return (c.again(&job.stem), false);
    }
    let meta = std::fs::metadata(&job.path).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    let modified = meta.as_ref().and_then(|m| m.modified().ok());
    if let Some(c) = old.get(&job.path)
        && meta.is_some()
        && c.len == len
        && c.modified == modified
        && c.file.rel == job.rel
    {
        return (c.again(&job.stem), false);
    }
    // A one-off load holds no news body: what the checks need of it is found now, and its page
    // reads it again (news bodies are most of a large site's input).
    let drop_under = (!keep).then_some(root);
    (Cached::read(job, meta.as_ref(), drop_under), true)
}

/// A news file read again by [`Cache::reload_news`].
pub struct ReloadedNews {
    pub file: Arc<SourceFile>,
    pub stem: String,
    pub raw: Arc<RawNews>,
}

impl Cache {
    /// Read again the news files at `changed` (paths a file watcher reported), each of which the
    /// last load read as a news item, and keep them in the cache. Gives the new versions when
    /// each is a regular file that parsed without an error or a warning; otherwise `None`, and
    /// a later load reports the problem as [`super::load`] would (the files read stay in the
    /// cache). `None` without reading anything when a path is not such a news file (a new or
    /// removed file, another kind of content, a theme file).
    pub fn reload_news(&mut self, changed: &[PathBuf]) -> Option<Vec<ReloadedNews>> {
        self.last_read = 0;
        self.walk.as_ref()?;
        let mut paths: Vec<&PathBuf> = changed.iter().collect();
        paths.sort();
        paths.dedup();
        if !paths.iter().all(|p| self.is_news_file(p)) {
            return None;
        }
        let fresh: Vec<(PathBuf, Cached)> = paths
            .par_iter()
            .map(|&p| {
                let old = &self.files[p];
                let meta = std::fs::metadata(p).ok();
                let job = Job {
                    kind: Kind::News,
                    path: p.clone(),
                    rel: old.file.rel.clone(),
                    stem: old.stem.clone(),
                };
                (p.clone(), Cached::read(&job, meta.as_ref(), None))
            })
            .collect();
        self.last_read = fresh.len();
        let mut out = Vec::with_capacity(fresh.len());
        let mut clean = true;
        for (p, c) in fresh {
            match (&c.parsed, c.diags.is_empty()) {
                (Some(Parsed::News(raw)), true) => out.push(ReloadedNews {
                    file: c.file.clone(),
                    stem: c.stem.clone(),
                    raw: raw.clone(),
                }),
                _ => clean = false,
            }
            self.files.insert(p, c);
        }
        clean.then_some(out)
    }

    /// Whether the last load read `path` as a news item and it is still a regular file.
    fn is_news_file(&self, path: &Path) -> bool {
        self.files
            .get(path)
            .is_some_and(|c| matches!(c.parsed, Some(Parsed::News(_))))
            && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
    }
}
