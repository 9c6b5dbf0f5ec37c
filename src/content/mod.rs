//! Loading a site folder from disk into raw structs: walk, read and parse every file in parallel.

pub mod anchors;
pub mod evidence;
pub mod frontmatter;
pub mod hints;
pub mod locate;
pub mod raw;

use crate::diag::Diagnostic;
use crate::markdown::{TextIndex, text_index};
pub use evidence::NewsText;
use locate::{Positions, Seg};
use raw::{RawIndicatorFile, RawNews, RawPage, RawPledgeFile, RawReport, RawSite};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;
use walkdir::WalkDir;

/// Largest content file read, so that a stray dump cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Index of a file in [`Loaded::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A content file's text, kept so that later errors can point into it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated, as shown in messages.
    pub rel: String,
    pub text: String,
    /// Byte range of the YAML part (the whole file for `.yaml`).
    pub yaml: Range<usize>,
    /// 1-based line of the file where the YAML part starts.
    pub yaml_first_line: usize,
    /// Byte range of the Markdown body (empty for `.yaml`).
    pub body: Range<usize>,
    pub body_first_line: usize,
    /// List items dropped because they did not parse, as (list key, original index), ascending.
    pub dropped: Vec<(String, usize)>,
    /// The rendered text of the Markdown body, made on first use and kept with the file, so
    /// that `serve` does not render unchanged bodies again.
    body_index: OnceLock<Arc<TextIndex>>,
    /// Set when the body's text was dropped after parsing ([`SourceFile::drop_body`]).
    pub dropped_body: Option<Box<DroppedBody>>,
    /// Where each YAML value sits, read on the first error located in this file and kept for
    /// the others ([`SourceFile::error_at`]).
    positions: OnceLock<Positions>,
}

/// A news body that a one-off build does not hold: what it gave when parsed, and how to read it
/// again when its page is rendered.
#[derive(Debug)]
pub struct DroppedBody {
    /// Where to read it again; the model keeps this alone once the load is over.
    pub disk: Arc<DiskBody>,
    /// What the checks and pages need of the body's rendered text.
    pub news: NewsText,
}

/// The body of a content file on disk, to be read again ([`DiskBody::read`]).
#[derive(Debug)]
pub struct DiskBody {
    /// Path relative to the site root, as messages show it; the file is `root` joined with it.
    pub rel: String,
    /// The site folder, shared by every body.
    pub root: Arc<Path>,
    /// [`text_hash`] of the whole decoded text as parsed, to tell a file changed since.
    pub hash: u64,
    /// Byte range of the body in the decoded text.
    pub range: Range<usize>,
}

impl DiskBody {
    /// The whole decoded text of the file, read again: it must be as it was when parsed (an
    /// error otherwise, rather than pages that disagree with the checks).
    pub fn read_file(&self) -> Result<String, Diagnostic> {
        let text = read_text(&self.path()).map_err(|(line, col, msg)| {
            Diagnostic::new(&self.rel, line, col, format!("{msg} (during the build)"))
        })?;
        if text_hash(&text) != self.hash || text.len() < self.range.end {
            return Err(Diagnostic::new(
                &self.rel,
                1,
                1,
                "file changed during the build: run the build again",
            ));
        }
        Ok(text)
    }

    /// The body, read again ([`DiskBody::read_file`]).
    pub fn read(&self) -> Result<String, Diagnostic> {
        let mut text = self.read_file()?;
        text.truncate(self.range.end);
        text.replace_range(..self.range.start, "");
        Ok(text)
    }

    pub fn path(&self) -> PathBuf {
        self.root.join(&self.rel)
    }
}

/// The hash of a file's decoded text, to tell whether it changed between two reads.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

impl SourceFile {
    /// The YAML part (empty once [`SourceFile::drop_body`] dropped the text).
    pub fn yaml_text(&self) -> &str {
        self.text.get(self.yaml.clone()).unwrap_or_default()
    }

    /// The Markdown body. Empty once [`SourceFile::drop_body`] dropped it: [`DiskBody::read`]
    /// reads it then.
    pub fn body_text(&self) -> &str {
        debug_assert!(self.dropped_body.is_none(), "{}: body dropped", self.rel);
        self.text.get(self.body.clone()).unwrap_or_default()
    }

    /// Drop the text of a parsed news file, keeping what the checks and pages need of its body
    /// ([`NewsText`]); the file at `path`, which is `root` joined with [`SourceFile::rel`], is
    /// where [`DiskBody::read`] reads the body again and [`SourceFile::error_at`] the front
    /// matter. A file whose path `rel` does not give back (a folder name that is not UTF-8)
    /// keeps its text.
    pub fn drop_body(&mut self, path: &Path, root: &Arc<Path>, raw: &RawNews) {
        if self.dropped_body.is_some() || root.join(&self.rel) != path {
            return;
        }
        let news = NewsText::find(raw, &text_index(self.body_text()));
        let disk = Arc::new(DiskBody {
            rel: self.rel.clone(),
            root: root.clone(),
            hash: text_hash(&self.text),
            range: self.body.clone(),
        });
        // The front matter goes too: an error found later reads it again (see `error_at`).
        self.text = String::new();
        self.dropped_body = Some(Box::new(DroppedBody { disk, news }));
    }

    /// What the checks and pages need of a news body's rendered text: kept from parsing when
    /// the body was dropped, found now otherwise.
    pub fn news_text(&self, raw: &RawNews, index: impl FnOnce() -> Arc<TextIndex>) -> NewsText {
        match &self.dropped_body {
            Some(d) => d.news.clone(),
            None => NewsText::find(raw, &index()),
        }
    }

    /// The rendered text and headings of the Markdown body ([`text_index`]), made once.
    pub fn body_index(&self) -> Arc<TextIndex> {
        self.body_index
            .get_or_init(|| Arc::new(text_index(self.body_text())))
            .clone()
    }

    /// A diagnostic at the YAML value found at `path` (or its nearest existing parent).
    /// `path` indexes lists as the model sees them, without the items dropped at load time.
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let mut path = path.to_vec();
        if let [Seg::Key(k), Seg::Index(i), ..] = path.as_mut_slice() {
            for (dk, d) in &self.dropped {
                if dk == k && *d <= *i {
                    *i += 1;
                }
            }
        }
        let positions = self.positions.get_or_init(|| match &self.dropped_body {
            // Dropped with the body: read again, rarely, as only errors need it.
            Some(d) => {
                let again = d.disk.read_file().unwrap_or_default();
                Positions::of(again.get(self.yaml.clone()).unwrap_or_default())
            }
            None => Positions::of(self.yaml_text()),
        });
        let (line, col) = positions.find(&path).unwrap_or((1, 1));
        Diagnostic::new(&self.rel, line + self.yaml_first_line - 1, col, message)
    }

    /// A diagnostic at the first line of the file.
    pub fn error_at_top(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.rel, 1, 1, message)
    }
}

/// One parsed file of a kind: its raw struct and where it came from.
#[derive(Debug)]
pub struct Doc<T> {
    pub file: FileId,
    /// File stem (reports, news) or path under `pages/` without `.md`, `/`-separated.
    pub stem: String,
    /// Shared with the load cache, so that `serve` does not copy unchanged files' structs.
    pub raw: Arc<T>,
}

/// Everything read from a site folder, not yet checked against each other.
#[derive(Debug, Default)]
pub struct Loaded {
    pub root: PathBuf,
    pub files: Vec<Arc<SourceFile>>,
    pub site: Option<Doc<RawSite>>,
    pub reports: Vec<Doc<RawReport>>,
    pub pledge_files: Vec<Doc<RawPledgeFile>>,
    pub news: Vec<Doc<RawNews>>,
    pub indicators: Vec<Doc<RawIndicatorFile>>,
    pub pages: Vec<Doc<RawPage>>,
    /// File names present in `seeds/`.
    pub seeds: BTreeSet<String>,
    pub warnings: Vec<Diagnostic>,
    /// Whether the files outlive this load (a [`Cache`] that keeps them, as `serve`'s does), so
    /// that the text indexes of their bodies are worth keeping with them.
    pub kept: bool,
}

impl Loaded {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The file itself, to share with the model (a body is not copied).
    pub fn shared_file(&self, id: FileId) -> Arc<SourceFile> {
        self.files[id.0].clone()
    }

    /// The rendered text of the file's body: kept with the file when the files are kept between
    /// loads, made afresh (and freed by the caller) otherwise, so that a one-off build does not
    /// hold the text of every news item at once.
    pub fn body_index(&self, id: FileId) -> Arc<TextIndex> {
        let file = self.file(id);
        if self.kept {
            file.body_index()
        } else {
            file.body_index
                .get()
                .cloned()
                .unwrap_or_else(|| Arc::new(text_index(file.body_text())))
        }
    }
}

/// What a content file is, by where it sits in the site folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Site,
    Report,
    Pledges,
    News,
    Indicators,
    Page,
}

#[derive(Clone)]
enum Parsed {
    Site(Arc<RawSite>),
    Report(Arc<RawReport>),
    Pledges(Arc<RawPledgeFile>),
    News(Arc<RawNews>),
    Indicators(Arc<RawIndicatorFile>),
    Page(Arc<RawPage>),
}

/// What one file gave when it was last read, kept by [`Cache`].
struct Cached {
    /// File stem as [`Doc::stem`] has it.
    stem: String,
    len: u64,
    modified: Option<SystemTime>,
    file: Arc<SourceFile>,
    parsed: Option<Parsed>,
    diags: Vec<Diagnostic>,
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
    /// a later load reports the problem as [`load`] would (the files read stay in the cache).
    /// `None` without reading anything when a path is not such a news file (a new or removed
    /// file, another kind of content, a theme file).
    pub fn reload_news(&mut self, changed: &[PathBuf]) -> Option<Vec<ReloadedNews>> {
        self.last_read = 0;
        self.walk.as_ref()?;
        let mut paths: Vec<&PathBuf> = changed.iter().collect();
        paths.sort();
        paths.dedup();
        let known = paths.iter().all(|p| {
            self.files
                .get(*p)
                .is_some_and(|c| matches!(c.parsed, Some(Parsed::News(_))))
                && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file())
        });
        if !known {
            return None;
        }
        let fresh: Vec<(PathBuf, Cached)> = paths
            .par_iter()
            .map(|&p| {
                let old = &self.files[p];
                let meta = std::fs::metadata(p).ok();
                let (file, parsed, diags) = read_and_parse(Kind::News, p, old.file.rel.clone());
                let c = Cached {
                    stem: old.stem.clone(),
                    len: meta.as_ref().map_or(0, |m| m.len()),
                    modified: meta.as_ref().and_then(|m| m.modified().ok()),
                    file: Arc::new(file),
                    parsed,
                    diags,
                };
                (p.clone(), c)
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

    /// What the last walk of the site folder found besides content files: the file names in
    /// `seeds/` and the warnings about skipped files, as [`Loaded`] has them.
    pub fn walked(&self) -> Option<(&BTreeSet<String>, &[Diagnostic])> {
        self.walk
            .as_ref()
            .map(|w| (&w.seeds, w.warnings.as_slice()))
    }
}

/// Read every file of the site at `root`. Returns all that parsed plus every error met on the way.
pub fn load(root: &Path) -> (Loaded, Vec<Diagnostic>) {
    load_cached(root, &mut Cache::one_shot())
}

/// [`load`], taking unchanged files from `cache` and leaving this load's files in it.
pub fn load_cached(root: &Path, cache: &mut Cache) -> (Loaded, Vec<Diagnostic>) {
    load_with(root, cache, None)
}

/// [`load_cached`] after a file watcher reported the `changed` paths. When each of them is a
/// content file the previous load read (an edit, not an added or removed file) or a theme file
/// (`themes/`, `templates/`, `static/`: read by the renderer anyway), the folder is not walked
/// again and no other content file is looked at; otherwise it is [`load_cached`].
pub fn load_changed(
    root: &Path,
    cache: &mut Cache,
    changed: &[PathBuf],
) -> (Loaded, Vec<Diagnostic>) {
    let theme_dirs = [
        root.join("themes"),
        root.join("templates"),
        root.join("static"),
    ];
    let known = cache.walk.is_some()
        && changed.iter().all(|p| {
            (cache.files.contains_key(p) && p.is_file())
                || theme_dirs.iter().any(|d| p.starts_with(d))
        });
    if known {
        load_with(root, cache, Some(changed))
    } else {
        load_with(root, cache, None)
    }
}

/// What walking a site folder found: the content files to read, and what was said of the rest.
#[derive(Default)]
struct Walk {
    jobs: Vec<(Kind, PathBuf, String, String)>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    seeds: BTreeSet<String>,
}

fn walk(root: &Path) -> Walk {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut seeds = BTreeSet::new();
    let mut jobs: Vec<(Kind, PathBuf, String, String)> = Vec::new();
    let site_yaml = root.join("site.yaml");
    let link_error = |rel: &str| {
        Diagnostic::new(
            rel,
            1,
            1,
            "is a symbolic link: duixian does not follow links inside the site folder; put the real file or folder here",
        )
    };
    if is_link(&site_yaml) {
        errors.push(link_error("site.yaml"));
    } else if site_yaml.is_file() {
        jobs.push((Kind::Site, site_yaml, "site.yaml".into(), "site".into()));
    } else {
        errors.push(Diagnostic::new(
            "site.yaml",
            1,
            1,
            format!(
                "no site.yaml in `{}`: is this a duixian site folder? (use --root <dir>)",
                root.display()
            ),
        ));
    }
    let content = root.join("content");
    let kinds: [(&str, Kind, &[&str]); 5] = [
        ("reports", Kind::Report, &["md"]),
        ("pledges", Kind::Pledges, &["yaml", "yml"]),
        ("news", Kind::News, &["md"]),
        ("indicators", Kind::Indicators, &["yaml", "yml"]),
        ("pages", Kind::Page, &["md"]),
    ];
    for (dir, kind, exts) in kinds {
        let base = content.join(dir);
        if is_link(&content) || is_link(&base) {
            let rel = if is_link(&content) {
                "content".to_string()
            } else {
                format!("content/{dir}")
            };
            if !errors.iter().any(|d| d.path == rel) {
                errors.push(link_error(&rel));
            }
            continue;
        }
        if !base.is_dir() {
            continue;
        }
        let recursive = matches!(kind, Kind::News | Kind::Page);
        let walker = WalkDir::new(&base)
            .min_depth(1)
            .max_depth(if recursive { 64 } else { 1 })
            .sort_by_file_name();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let p = e
                        .path()
                        .map(|p| rel_path(root, p))
                        .unwrap_or_else(|| format!("content/{dir}"));
                    errors.push(Diagnostic::new(p, 1, 1, format!("cannot read: {e}")));
                    continue;
                }
            };
            let path = entry.path();
            let rel = rel_path(root, path);
            let name = entry.file_name().to_string_lossy();
            if name.starts_with('.') || entry.file_type().is_dir() {
                continue;
            }
            if entry.file_name().to_str().is_none() {
                errors.push(Diagnostic::new(
                    rel,
                    1,
                    1,
                    "file name is not valid UTF-8: rename the file",
                ));
                continue;
            }
            if !entry.file_type().is_file() {
                warnings.push(Diagnostic::new(
                    rel,
                    1,
                    1,
                    "skipped: not a regular file (links are not followed)",
                ));
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !exts.contains(&ext) {
                warnings.push(Diagnostic::new(
                    rel,
                    1,
                    1,
                    format!(
                        "skipped: files in content/{dir}/ end in .{}",
                        exts.join(" or .")
                    ),
                ));
                continue;
            }
            let stem = if kind == Kind::Page {
                let under = path.strip_prefix(&base).unwrap_or(path).with_extension("");
                under.to_string_lossy().replace('\\', "/")
            } else {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            jobs.push((kind, path.to_path_buf(), rel, stem));
        }
    }
    let seeds_dir = root.join("seeds");
    if let Ok(rd) = std::fs::read_dir(&seeds_dir) {
        for e in rd.flatten() {
            if let Some(n) = e.file_name().to_str() {
                seeds.insert(n.to_string());
            }
        }
    }

    Walk {
        jobs,
        errors,
        warnings,
        seeds,
    }
}

fn load_with(
    root: &Path,
    cache: &mut Cache,
    changed: Option<&[PathBuf]>,
) -> (Loaded, Vec<Diagnostic>) {
    let w = match (changed, &cache.walk) {
        (Some(_), Some(w)) => w.clone(),
        _ => Arc::new(walk(root)),
    };
    if cache.keep {
        cache.walk = Some(w.clone());
    }
    let changed: Option<FxHashSet<&PathBuf>> = changed.map(|c| c.iter().collect());
    let mut errors = w.errors.clone();
    let mut loaded = Loaded {
        root: root.to_path_buf(),
        warnings: w.warnings.clone(),
        seeds: w.seeds.clone(),
        kept: cache.keep,
        ..Default::default()
    };
    let jobs = w.jobs.clone();
    let keep = cache.keep;
    let shared_root: Arc<Path> = Arc::from(root);
    let old = std::mem::take(&mut cache.files);
    let results: Vec<(PathBuf, Cached, bool, String)> = jobs
        .into_par_iter()
        .map(|(kind, path, rel, stem)| {
            // A file the watcher did not report is as it was: not even its metadata is read.
            if let (Some(changed), Some(c)) = (&changed, old.get(&path))
                && !changed.contains(&path)
            {
                let again = Cached {
                    stem: stem.clone(),
                    len: c.len,
                    modified: c.modified,
                    file: c.file.clone(),
                    parsed: c.parsed.clone(),
                    diags: c.diags.clone(),
                };
                return (path, again, false, stem);
            }
            let meta = std::fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            if let Some(c) = old.get(&path)
                && meta.is_some()
                && c.len == len
                && c.modified == modified
                && c.file.rel == rel
            {
                let again = Cached {
                    stem: stem.clone(),
                    len,
                    modified,
                    file: c.file.clone(),
                    parsed: c.parsed.clone(),
                    diags: c.diags.clone(),
                };
                return (path, again, false, stem);
            }
            let (mut file, parsed, diags) = read_and_parse(kind, &path, rel);
            // A one-off load holds no news body: what the checks need of it is found now, and
            // its page reads it again (news bodies are most of a large site's input).
            if !keep && let Some(Parsed::News(raw)) = &parsed {
                file.drop_body(&path, &shared_root, raw);
            }
            let fresh = Cached {
                stem: stem.clone(),
                len,
                modified,
                file: Arc::new(file),
                parsed,
                diags,
            };
            (path, fresh, true, stem)
        })
        .collect();
    drop(old);
    cache.last_read = results.iter().filter(|r| r.2).count();

    for (i, (path, cached, _, stem)) in results.into_iter().enumerate() {
        let (file, parsed, diags) = (
            cached.file.clone(),
            cached.parsed.clone(),
            cached.diags.clone(),
        );
        if cache.keep {
            cache.files.insert(path, cached);
        }
        let id = FileId(i);
        loaded.files.push(file);
        errors.extend(diags);
        match parsed {
            None => {}
            Some(p) => match p {
                Parsed::Site(raw) => {
                    loaded.site = Some(Doc {
                        file: id,
                        stem,
                        raw,
                    })
                }
                Parsed::Report(raw) => loaded.reports.push(Doc {
                    file: id,
                    stem,
                    raw,
                }),
                Parsed::Pledges(raw) => loaded.pledge_files.push(Doc {
                    file: id,
                    stem,
                    raw,
                }),
                Parsed::News(raw) => loaded.news.push(Doc {
                    file: id,
                    stem,
                    raw,
                }),
                Parsed::Indicators(raw) => loaded.indicators.push(Doc {
                    file: id,
                    stem,
                    raw,
                }),
                Parsed::Page(raw) => loaded.pages.push(Doc {
                    file: id,
                    stem,
                    raw,
                }),
            },
        }
    }
    (loaded, errors)
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

fn empty_file(rel: String) -> SourceFile {
    SourceFile {
        rel,
        text: String::new(),
        yaml: 0..0,
        yaml_first_line: 1,
        body: 0..0,
        body_first_line: 1,
        dropped: Vec::new(),
        body_index: OnceLock::new(),
        positions: OnceLock::new(),
        dropped_body: None,
    }
}

fn read_and_parse(
    kind: Kind,
    path: &Path,
    rel: String,
) -> (SourceFile, Option<Parsed>, Vec<Diagnostic>) {
    match read_text(path) {
        Ok(text) => parse_text(kind, rel, text),
        Err((line, col, msg)) => {
            let d = Diagnostic::new(&rel, line, col, msg);
            (empty_file(rel), None, vec![d])
        }
    }
}

/// Decode and parse the bytes of one content file of `kind` exactly as [`load`] does; returns
/// the file, its diagnostics, and whether it gave a raw struct. For fuzzing and tests.
pub fn parse_bytes(kind: Kind, rel: &str, bytes: Vec<u8>) -> (SourceFile, Vec<Diagnostic>, bool) {
    match decode(bytes) {
        Ok(text) => {
            let (file, parsed, diags) = parse_text(kind, rel.to_string(), text);
            (file, diags, parsed.is_some())
        }
        Err((line, col, msg)) => (
            empty_file(rel.to_string()),
            vec![Diagnostic::new(rel, line, col, msg)],
            false,
        ),
    }
}

fn parse_text(
    kind: Kind,
    rel: String,
    text: String,
) -> (SourceFile, Option<Parsed>, Vec<Diagnostic>) {
    let is_markdown = matches!(kind, Kind::Report | Kind::News | Kind::Page);
    let mut file = empty_file(rel);
    if is_markdown {
        match frontmatter::split(&text) {
            Ok(s) => {
                let base = text.as_ptr() as usize;
                let ys = s.yaml.as_ptr() as usize - base;
                let bs = s.body.as_ptr() as usize - base;
                file.yaml = ys..ys + s.yaml.len();
                file.yaml_first_line = s.yaml_first_line;
                file.body = bs..bs + s.body.len();
                file.body_first_line = s.body_first_line;
            }
            Err(e) => {
                let d = Diagnostic::new(&file.rel, e.line, 1, e.message);
                file.text = text;
                return (file, None, vec![d]);
            }
        }
    } else {
        file.yaml = 0..text.len();
    }
    file.text = text;
    if let Some((line, col)) = too_deep(file.yaml_text()) {
        let d = Diagnostic::new(
            &file.rel,
            line + file.yaml_first_line - 1,
            col,
            format!(
                "YAML nested more than {MAX_FLOW_DEPTH} levels deep in [ ] or {{ }}: not read (is a bracket missing its pair?)"
            ),
        );
        return (file, None, vec![d]);
    }
    if let Some(r) = anchors::refuse_anchors(file.yaml_text()) {
        let (line, col) = (r.line + file.yaml_first_line - 1, r.col);
        let d = Diagnostic::new(&file.rel, line, col, r.message);
        return (file, None, vec![d]);
    }
    let one = |r: Result<Parsed, Diagnostic>| match r {
        Ok(p) => (Some(p), Vec::new()),
        Err(d) => (None, vec![d]),
    };
    let (parsed, diags) = match kind {
        Kind::Site => {
            let lists: [(&str, ItemCheck); 2] = [
                ("jurisdictions", item_check::<raw::RawJurisdiction>),
                ("categories", item_check::<raw::RawCategory>),
            ];
            let (p, d) = parse_with_recovery(&mut file, "site settings", &lists);
            (p.map(|r| Parsed::Site(Arc::new(r))), d)
        }
        Kind::Report => {
            one(parse_yaml(&file, "report front matter").map(|r| Parsed::Report(Arc::new(r))))
        }
        Kind::Pledges => {
            let lists: [(&str, ItemCheck); 1] = [("pledges", item_check::<raw::RawPledge>)];
            let (p, d) = parse_with_recovery(&mut file, "pledge file", &lists);
            (p.map(|r| Parsed::Pledges(Arc::new(r))), d)
        }
        Kind::News => {
            one(parse_yaml(&file, "news front matter").map(|r| Parsed::News(Arc::new(r))))
        }
        Kind::Indicators => {
            let lists: [(&str, ItemCheck); 1] = [("indicators", item_check::<raw::RawIndicator>)];
            let (p, d) = parse_with_recovery(&mut file, "indicator file", &lists);
            (p.map(|r| Parsed::Indicators(Arc::new(r))), d)
        }
        Kind::Page => {
            one(parse_yaml(&file, "page front matter").map(|r| Parsed::Page(Arc::new(r))))
        }
    };
    (file, parsed, diags)
}

/// The deepest nesting of `[ ]` and `{ }` read in a YAML text. The YAML scanner spends time
/// proportional to the depth on every token, so deeper nesting could stall a build.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Where `yaml` first nests brackets deeper than [`MAX_FLOW_DEPTH`] (1-based line, column).
/// Counts every bracket, even in quotes and comments, so that no quoting trick hides depth;
/// real content never has that many unclosed brackets.
pub(crate) fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1, 0);
    for c in yaml.chars() {
        col += 1;
        match c {
            '\n' => (line, col) = (line + 1, 0),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, col));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Checks that one list item deserialises; used only on the error path.
type ItemCheck = fn(serde_yaml::Value) -> Result<(), serde_yaml::Error>;

fn item_check<I: DeserializeOwned>(v: serde_yaml::Value) -> Result<(), serde_yaml::Error> {
    serde_yaml::from_value::<I>(v).map(|_| ())
}

/// Parse a file made mostly of lists (`pledges:`, `indicators:`, `jurisdictions:`). When the
/// file as a whole does not parse, drop only the list items that do not, report each of them,
/// and keep the rest, so that one bad item neither hides the errors of the others nor makes
/// everything that refers to the good ones fail too. Dropped items are remembered in the
/// file so that later messages still point at the right lines.
fn parse_with_recovery<T: DeserializeOwned>(
    file: &mut SourceFile,
    what: &str,
    lists: &[(&str, ItemCheck)],
) -> (Option<T>, Vec<Diagnostic>) {
    let first = match parse_yaml::<T>(file, what) {
        Ok(t) => return (Some(t), Vec::new()),
        Err(d) => d,
    };
    let mut diags = vec![first];
    let value = serde_yaml::from_str::<serde_yaml::Value>(file.yaml_text());
    let Ok(serde_yaml::Value::Mapping(mut map)) = value else {
        // A syntax error further down than the first error: report it too, in this run.
        if let Err(e) = value {
            let d = yaml_error(file, &e, true);
            if d.line != diags[0].line {
                diags.push(d);
            }
        }
        return (None, diags);
    };
    let mut dropped = Vec::new();
    for (list_key, check) in lists {
        // The item the whole-file error already points at (`pledges[3]...`).
        let reported = diags[0]
            .message
            .strip_prefix(&format!("{list_key}["))
            .and_then(|rest| rest.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        let Some(serde_yaml::Value::Sequence(items)) = map.get_mut(*list_key) else {
            continue;
        };
        let all = std::mem::take(items);
        for (i, v) in all.into_iter().enumerate() {
            match check(v.clone()) {
                Ok(()) => items.push(v),
                Err(e) => {
                    if reported != Some(i) {
                        let msg =
                            format!("{list_key}[{i}]: {}", clean_yaml_message(&e.to_string()));
                        diags.push(file.error_at(&[locate::key(list_key), locate::idx(i)], msg));
                    }
                    dropped.push((list_key.to_string(), i));
                }
            }
        }
    }
    match serde_yaml::from_value::<T>(serde_yaml::Value::Mapping(map)) {
        Ok(t) if !dropped.is_empty() => {
            file.dropped = dropped;
            (Some(t), diags)
        }
        _ => (None, diags),
    }
}

/// Read a file as UTF-8 text: BOM removed, CRLF and CR turned into LF; other encodings are errors.
pub fn read_text(path: &Path) -> Result<String, (usize, usize, String)> {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// [`read_text`] with the size limit given. Never reads more than `max + 1` bytes, even from a
/// file that grows while it is read or that reports no size.
pub fn read_text_limited(path: &Path, max: u64) -> Result<String, (usize, usize, String)> {
    use std::io::Read;
    let cannot = |e: std::io::Error| (1, 1, format!("cannot read: {e}"));
    let too_big = |len: u64| {
        (
            1,
            1,
            format!(
                "file is {}, over the limit of {} for content files",
                size(len),
                size(max)
            ),
        )
    };
    let f = std::fs::File::open(path).map_err(cannot)?;
    let len = f.metadata().map_err(cannot)?.len();
    if len > max {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    decode(bytes)
}

/// A file size for messages: whole MiB when large, else bytes.
fn size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// Decode bytes as UTF-8 text (see [`read_text`]).
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, usize, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((1, 1, "file is UTF-16: save it as UTF-8".into()));
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.as_bytes();
            let upto = e.utf8_error().valid_up_to();
            let good = std::str::from_utf8(&bytes[..upto]).unwrap_or("");
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err((
                line,
                col,
                format!(
                    "file is not valid UTF-8 (byte 0x{:02X} at offset {upto}): save it as UTF-8 (GBK/GB18030 text must be converted)",
                    bytes.get(upto).copied().unwrap_or(0)
                ),
            ));
        }
    };
    if text.starts_with('\u{FEFF}') {
        text.drain(..3);
    }
    if text.contains('\r') {
        // CRLF, and a lone CR (old Mac files) that YAML and editors also count as a line break.
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    Ok(text)
}

/// The line and column in `yaml` as editors count them (lines end at `\n` only) of a position
/// the YAML parser gives (1-based): it also ends lines at U+0085, U+2028 and U+2029 (YAML 1.1),
/// which editors show within a line. A position past the end is clamped to the end.
fn yaml_to_text_position(yaml: &str, line: usize, col: usize) -> (usize, usize) {
    let (mut yl, mut yc) = (1, 1);
    let (mut tl, mut tc) = (1, 1);
    for ch in yaml.chars() {
        if yl >= line && yc >= col {
            return (tl, tc);
        }
        match ch {
            '\n' => {
                (yl, yc) = (yl + 1, 1);
                (tl, tc) = (tl + 1, 1);
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' => {
                (yl, yc) = (yl + 1, 1);
                tc += 1;
            }
            _ => {
                yc += 1;
                tc += 1;
            }
        }
    }
    (tl, tc)
}

fn parse_yaml<T: DeserializeOwned>(file: &SourceFile, what: &str) -> Result<T, Diagnostic> {
    let yaml = file.yaml_text();
    if yaml.trim().is_empty() {
        return Err(Diagnostic::new(
            &file.rel,
            file.yaml_first_line,
            1,
            format!("{what} is empty"),
        ));
    }
    serde_yaml::from_str::<T>(yaml).map_err(|e| {
        // A syntax error, or a document that is not a mapping at all: look for the editor's
        // mistake behind it (the parser names it in its own terms, often a line later).
        let whole = e.to_string().contains("expected struct ");
        let syntax = whole || serde_yaml::from_str::<serde_yaml::Value>(yaml).is_err();
        yaml_error(file, &e, syntax)
    })
}

/// The diagnostic for a YAML error `e` in `file`; when the text does not parse as YAML
/// (`syntax`), the editor's mistake behind it if one is found at or before the error.
fn yaml_error(file: &SourceFile, e: &serde_yaml::Error, syntax: bool) -> Diagnostic {
    let yaml = file.yaml_text();
    let (line, col) = e
        .location()
        .map(|l| yaml_to_text_position(yaml, l.line(), l.column()))
        .unwrap_or((1, 1));
    if syntax {
        let before = if e.to_string().contains("expected struct ") {
            usize::MAX
        } else {
            line
        };
        if let Some(h) = hints::syntax_hint(yaml, before) {
            return Diagnostic::new(
                &file.rel,
                h.line + file.yaml_first_line - 1,
                h.col,
                h.message,
            );
        }
    }
    Diagnostic::new(
        &file.rel,
        line + file.yaml_first_line - 1,
        col,
        clean_yaml_message(&e.to_string()),
    )
}

/// serde_yaml appends " at line N column M" to its messages; the position is given separately.
fn clean_yaml_message(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(" column ") => &msg[..i],
        _ => msg,
    };
    hints::editor_message(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_news_body_is_read_again_as_it_was_and_a_changed_file_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let root: Arc<Path> = Arc::from(d.path());
        std::fs::create_dir_all(d.path().join("content/news")).unwrap();
        let path = d.path().join("content/news/a.md");
        let text = "\u{feff}---\r\ntitle: 标题\r\ndate: 2024-01-02\r\nupdates:\r\n  - pledge: r/p\r\n    status: in_progress\r\n    quote: 新建道路5公里\r\n---\r\n本报讯 今年以来新建道路5公里，比计划提前。\r\n\r\n第二段。\r\n";
        std::fs::write(&path, text).unwrap();
        let (mut file, parsed, diags) =
            read_and_parse(Kind::News, &path, "content/news/a.md".into());
        assert!(diags.is_empty(), "{diags:?}");
        let Some(Parsed::News(raw)) = parsed else {
            panic!("not parsed as news")
        };
        let held = file.body_text().to_string();
        let found = NewsText::find(&raw, &text_index(&held));
        // A path that the shown path does not give back keeps its text.
        file.drop_body(&d.path().join("elsewhere/a.md"), &root, &raw);
        assert!(file.dropped_body.is_none());
        file.drop_body(&path, &root, &raw);
        assert!(file.text.is_empty(), "the text is not held");
        let disk = file.dropped_body.as_ref().unwrap().disk.clone();
        assert_eq!(disk.read().unwrap(), held);
        let kept = file.news_text(&raw, || unreachable!("found when parsed"));
        assert_eq!(format!("{kept:?}"), format!("{found:?}"));
        assert!(matches!(kept.quotes[0], Some(Ok(_))));
        // Errors still point into the front matter.
        let e = file.error_at(
            &[locate::key("updates"), locate::idx(0), locate::key("quote")],
            "x",
        );
        assert_eq!((e.line, e.col), (7, 12), "{e}");

        std::fs::write(&path, text.replace("5公里", "6公里")).unwrap();
        let e = disk.read().unwrap_err();
        assert_eq!(e.path, "content/news/a.md");
        assert!(e.message.contains("changed during the build"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let e = disk.read().unwrap_err();
        assert!(e.message.contains("cannot read"), "{e}");
    }

    #[test]
    fn decode_accepts_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
        // A lone CR is a line break too (YAML counts it as one), so positions agree.
        assert_eq!(decode(b"a\rb\r\n\rc".to_vec()).unwrap(), "a\nb\n\nc");
    }

    #[test]
    fn decode_locates_bad_bytes() {
        let (line, col, msg) = decode(b"ab\ncd\xB0\xA1".to_vec()).unwrap_err();
        assert_eq!((line, col), (2, 3));
        assert!(msg.contains("UTF-8"), "{msg}");
        assert!(
            decode(b"\xFF\xFEa\x00".to_vec())
                .unwrap_err()
                .2
                .contains("UTF-16")
        );
    }

    /// Regression (fuzz, frontmatter target): YAML counts a lone CR as a line break, the rest
    /// of duixian did not, so positions pointed past the end of the file.
    #[test]
    fn lone_cr_line_breaks_count_as_lines() {
        let bytes = b"report: r\rpledges:\r  - id: a\r    bogus: 1\r".to_vec();
        let (file, diags, _) = parse_bytes(Kind::Pledges, "p.yaml", bytes);
        assert_eq!(file.text.lines().count(), 4);
        assert_eq!(diags[0].line, 4, "{}", diags[0]);
    }

    #[test]
    fn deep_bracket_nesting_is_refused_before_parsing() {
        let ok = format!(
            "a: {}1{}",
            "[".repeat(MAX_FLOW_DEPTH),
            "]".repeat(MAX_FLOW_DEPTH)
        );
        assert_eq!(too_deep(&ok), None);
        let deep = format!("a: 1\nb: {}", "[{".repeat(1000));
        assert_eq!(too_deep(&deep), Some((2, 4 + MAX_FLOW_DEPTH)));
        // Closed brackets do not add up, quoted or not.
        assert_eq!(too_deep(&"a: '[x]' [1] {b: 2}\n".repeat(1000)), None);
        let (_, diags, parsed) = parse_bytes(Kind::Pledges, "p.yaml", deep.into_bytes());
        assert!(!parsed);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("nested more than"),
            "{}",
            diags[0]
        );
    }

    #[test]
    fn the_size_limit_is_checked_before_and_while_reading() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.md");
        std::fs::write(&p, "x".repeat(1000)).unwrap();
        assert_eq!(read_text_limited(&p, 1000).unwrap().len(), 1000);
        let (line, col, msg) = read_text_limited(&p, 999).unwrap_err();
        assert_eq!((line, col), (1, 1));
        assert_eq!(
            msg,
            "file is 1000 bytes, over the limit of 999 bytes for content files"
        );
    }

    #[test]
    fn yaml_line_breaks_editors_do_not_show_keep_positions_on_the_line() {
        // U+0085 ends a line for the YAML parser, not for an editor (a fuzzing find: a
        // diagnostic pointed at line 3 of a one-line file).
        assert_eq!(yaml_to_text_position("a\u{85}b\u{85}c", 3, 1), (1, 5));
        assert_eq!(yaml_to_text_position("a\nb", 2, 1), (2, 1));
        assert_eq!(yaml_to_text_position("ab", 9, 9), (1, 3));
        let text = "\'\'\'500MMMMMMMMMMMM-\u{85}\u{85}0xMMMMMM\'\'".to_string();
        let (file, diags, _) = parse_bytes(Kind::Site, "site.yaml", text.into_bytes());
        assert_eq!(file.text.lines().count(), 1);
        assert!(diags.iter().all(|d| d.line == 1), "{diags:?}");
    }

    #[test]
    fn yaml_errors_are_shifted_to_file_lines() {
        let text = "---\ntitle: x\ndate: 2024-01-01\nbogus: 1\n---\nbody".to_string();
        let s = frontmatter::split(&text).unwrap();
        let file = SourceFile {
            rel: "content/news/a.md".into(),
            yaml: 4..4 + s.yaml.len(),
            yaml_first_line: 2,
            body: 0..0,
            body_first_line: 6,
            dropped: Vec::new(),
            text: text.clone(),
            body_index: OnceLock::new(),
            positions: OnceLock::new(),
            dropped_body: None,
        };
        let d = parse_yaml::<RawNews>(&file, "news").unwrap_err();
        assert_eq!((d.line, d.col), (4, 1), "{d}");
        assert!(d.message.contains("unknown field `bogus`"), "{d}");
    }
}
