//! Loading a site folder from disk into raw structs: walk, read and parse every file in parallel.
//!
//! The steps, each in its own module: `walk.rs` finds the content files, `cache.rs` keeps what
//! each gave for the next load (`serve`), `decode.rs` turns a file's bytes into text, `parse.rs`
//! turns the text into the raw structs of [`raw`] (with [`frontmatter`], [`anchors`] and
//! [`hints`]); [`locate`] finds a YAML value's position for later messages. This file holds
//! the types a load gives ([`Loaded`], [`Doc`], [`SourceFile`]) and its three entry points,
//! [`load`], [`load_cached`] and [`load_changed`].

pub mod anchors;
mod cache;
mod decode;
pub mod evidence;
pub mod frontmatter;
pub mod hints;
pub mod locate;
mod parse;
pub mod raw;
mod walk;

use crate::diag::Diagnostic;
use crate::markdown::{TextIndex, text_index};
pub use cache::{Cache, ReloadedNews};
pub use decode::{MAX_FILE_BYTES, decode, read_text, read_text_limited};
pub use evidence::NewsText;
use locate::{Positions, Seg};
pub(crate) use parse::too_deep;
pub use parse::{MAX_FLOW_DEPTH, parse_bytes};
use raw::{RawIndicatorFile, RawNews, RawPage, RawPledgeFile, RawReport, RawSite};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
pub use walk::rel_path;

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
    if cache.knows_all(root, changed) {
        load_with(root, cache, Some(changed))
    } else {
        load_with(root, cache, None)
    }
}

/// The three loads above: walk the folder (or take the last walk when only `changed` files
/// changed), read the files the cache does not hold, and sort them by kind.
fn load_with(
    root: &Path,
    cache: &mut Cache,
    changed: Option<&[PathBuf]>,
) -> (Loaded, Vec<Diagnostic>) {
    let walked = cache.walk(root, changed.is_some());
    let files = cache.read(root, &walked.jobs, changed);
    let mut errors = walked.errors.clone();
    let mut loaded = Loaded {
        root: root.to_path_buf(),
        warnings: walked.warnings.clone(),
        seeds: walked.seeds.clone(),
        kept: cache.keeps(),
        ..Default::default()
    };
    for (i, f) in files.into_iter().enumerate() {
        errors.extend(f.diags);
        loaded.add(FileId(i), f.stem, f.file, f.parsed);
    }
    (loaded, errors)
}

impl Loaded {
    /// Add the file `id` (the next one), and the raw struct it gave, if any, under `stem`.
    fn add(&mut self, id: FileId, stem: String, file: Arc<SourceFile>, parsed: Option<Parsed>) {
        debug_assert_eq!(id.0, self.files.len());
        self.files.push(file);
        let Some(parsed) = parsed else { return };
        match parsed {
            Parsed::Site(raw) => {
                self.site = Some(Doc {
                    file: id,
                    stem,
                    raw,
                })
            }
            Parsed::Report(raw) => self.reports.push(Doc {
                file: id,
                stem,
                raw,
            }),
            Parsed::Pledges(raw) => self.pledge_files.push(Doc {
                file: id,
                stem,
                raw,
            }),
            Parsed::News(raw) => self.news.push(Doc {
                file: id,
                stem,
                raw,
            }),
            Parsed::Indicators(raw) => self.indicators.push(Doc {
                file: id,
                stem,
                raw,
            }),
            Parsed::Page(raw) => self.pages.push(Doc {
                file: id,
                stem,
                raw,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parse::read_and_parse;

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
}
