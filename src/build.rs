//! The pipeline: load → validate → render → write, and the check that stops before writing.

use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::model::{self, BuildOptions, Site};
use crate::output::{Staging, WriteError, check_output_dir};
use crate::publish::{Publish, PublishSummary, Writer};
use crate::render::{Job, OutputFile, Renderer, theme};
use crate::search::{self, Indexer, Prepared};
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

/// What a successful run did, for the one-line summary.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub pledges: usize,
    pub reports: usize,
    pub news: usize,
    /// Pages in the search index (0 when the theme has no search page, and for `check`).
    pub indexed: usize,
    /// What the search index holds and cost, when one was written.
    pub search: Option<SearchSummary>,
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each phase, in milliseconds, for `--verbose`.
    pub phases: Vec<(&'static str, u128)>,
    /// The process's peak resident memory in bytes at the end of each phase, for `--verbose`
    /// (empty where the system does not tell it).
    pub peak_memory: Vec<(&'static str, u64)>,
    /// With [`Cleanup::Later`]: the folder holding the previous output, for the caller to remove.
    pub leftover: Option<std::path::PathBuf>,
    /// Problems that did not stop the build and are not in the content (a folder left by an
    /// earlier build that could not be removed), for the editor.
    pub notices: Vec<String>,
    /// Files kept, added, changed and removed, and compressed twins (`build` only).
    pub publish: Option<PublishSummary>,
}

/// The search index of a build: its [`search::Stats`], and the time spent tokenising documents,
/// summed over the rendering threads that do it beside rendering, in milliseconds.
#[derive(Debug, Clone, Default)]
pub struct SearchSummary {
    pub stats: search::Stats,
    pub tokenise_ms: u128,
}

/// When the previous output is removed after the new one is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanup {
    /// Before `build` returns.
    Now,
    /// By the caller, from [`Summary::leftover`] (the next build removes it otherwise).
    Later,
}

/// Called with (files done, files in all) while output is rendered and written.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Load and validate the site at `root`; every content error of the run at once.
pub fn load_site(
    root: &Path,
    opts: &BuildOptions,
) -> Result<(Site, Vec<Diagnostic>), ContentErrors> {
    load_site_cached(root, opts, &mut content::Cache::one_shot(), None)
}

/// [`load_site`], reading only the files that changed since the loads that filled `cache`;
/// `changed`: the paths a file watcher reported, if known ([`content::load_changed`]).
pub fn load_site_cached(
    root: &Path,
    opts: &BuildOptions,
    cache: &mut content::Cache,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<(Site, Vec<Diagnostic>), ContentErrors> {
    let (mut loaded, mut errors) = match changed {
        Some(paths) => content::load_changed(root, cache, paths),
        None => content::load_cached(root, cache),
    };
    // What loading freed (on this thread, of memory the parsing threads hold) is given back
    // before the model is built, and the parsed files are before the pages are rendered.
    crate::memory::release();
    let mut warnings = std::mem::take(&mut loaded.warnings);
    let built = model::build(&loaded, opts, &mut warnings);
    if !errors.is_empty() {
        // Files that did not parse are not in the model: check what can be checked of them.
        errors.extend(model::unparsed::check(&loaded));
    }
    drop(loaded);
    crate::memory::release();
    // Warnings are kept with errors: they often tell the cause (a skipped file).
    match built {
        Ok(site) if errors.is_empty() => Ok((site, warnings)),
        Ok(_) => Err(ContentErrors::new(errors).with_warnings(warnings)),
        Err(more) => {
            errors.extend(more);
            Err(ContentErrors::new(errors).with_warnings(warnings))
        }
    }
}

fn renderer<'a>(root: &Path, site: &'a Site) -> Result<Renderer<'a>, ContentErrors> {
    Ok(renderer_and_theme(root, site)?.0)
}

/// The renderer of `site` and the fingerprint of its theme's files.
pub fn renderer_and_theme<'a>(
    root: &Path,
    site: &'a Site,
) -> Result<(Renderer<'a>, u64), ContentErrors> {
    let files = theme::load(root, &site.config.theme).map_err(ContentErrors::new)?;
    let fingerprint = files.fingerprint();
    let r = Renderer::new(site, files).map_err(ContentErrors::new)?;
    Ok((r, fingerprint))
}

/// The summary of a run that rendered `jobs` of `site` (bytes, phases and the rest left empty).
pub(crate) fn summary<'a>(
    site: &Site,
    jobs: impl ExactSizeIterator<Item = &'a Job> + Clone,
    start: Instant,
    warnings: Vec<Diagnostic>,
) -> Summary {
    Summary {
        pages: jobs
            .clone()
            .filter(|j| matches!(j, Job::Html { .. }))
            .count(),
        files: jobs.len(),
        bytes: 0,
        pledges: site.pledges.len(),
        reports: site.reports.len(),
        news: site.news.len(),
        indexed: 0,
        search: None,
        millis: start.elapsed().as_millis(),
        warnings,
        phases: Vec::new(),
        peak_memory: Vec::new(),
        leftover: None,
        notices: Vec::new(),
        publish: None,
    }
}

/// Validate everything a build would, rendering every page in memory, writing nothing.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Summary> {
    let start = Instant::now();
    let (site, warnings) = load_site(root, opts)?;
    let r = renderer(root, &site).map_err(|e| e.with_warnings(warnings.clone()))?;
    let jobs = r.jobs();
    let errors: Vec<Diagnostic> = jobs.par_iter().filter_map(|j| r.render(j).err()).collect();
    if !errors.is_empty() {
        return Err(ContentErrors::new(errors).with_warnings(warnings).into());
    }
    Ok(summary(&site, jobs.iter(), start, warnings))
}

/// Jobs rendered between two hand-overs to the search indexer: this bounds how many tokenised
/// documents wait in memory for it, while it adds one batch as the next one renders.
const SEARCH_BATCH: usize = 256;

/// Memory for search postings before they spill to files (see `search::postings`).
const SEARCH_MEMORY: usize = search::postings::DEFAULT_BUDGET;

/// Build the site at `root` into `output`, replacing it whole only on success.
pub fn build(root: &Path, output: &Path, opts: &BuildOptions) -> Result<Summary> {
    build_with_progress(root, output, opts, None, Cleanup::Now, &Publish::build())
}

/// [`build`], reporting progress while files are rendered and written.
pub fn build_with_progress(
    root: &Path,
    output: &Path,
    opts: &BuildOptions,
    progress: Option<Progress>,
    cleanup: Cleanup,
    publish: &Publish,
) -> Result<Summary> {
    let start = Instant::now();
    let output = check_output_dir(root, output)?;
    let (site, warnings) = load_site(root, opts)?;
    let r = renderer(root, &site).map_err(|e| e.with_warnings(warnings.clone()))?;
    let jobs = r.jobs();
    write_all(
        &r, &jobs, &output, progress, cleanup, publish, start, warnings,
    )
}

/// Render every job of `r` into a staging folder and swap it in place of `output` (a folder
/// that [`check_output_dir`] accepted); `start` is when the build began, for the summary.
#[allow(clippy::too_many_arguments)]
pub fn write_all(
    r: &Renderer,
    jobs: &[Job],
    output: &Path,
    progress: Option<Progress>,
    cleanup: Cleanup,
    publish: &Publish,
    start: Instant,
    warnings: Vec<Diagnostic>,
) -> Result<Summary> {
    let site = r.site;
    let loaded_at = start.elapsed().as_millis();
    let mut peaks = Vec::new();
    peaks.extend(peak_memory().map(|b| ("load and validate", b)));
    let mut staging = Staging::create(output)?;
    let writer = Writer::new(&staging, output, publish);
    let total = jobs.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut rendered_at = 0;
    // Index files go straight into the staging folder, from the indexer thread and, while the
    // index is finished, from the rayon pool; postings past the budget spill into a folder
    // inside staging that is removed before the swap (or with the staging folder on failure).
    let sink = |file: OutputFile| -> Result<()> { Ok(writer.write(&file)?) };
    let spill_dir = staging.dir.join(".duixian-search-spill");
    let tokenise_ns = std::sync::atomic::AtomicU64::new(0);
    let (mut bytes, errors, write_error, index, indexed_at) = std::thread::scope(|scope| {
        // Batches go to the indexer in job order, so the index is the same on every build.
        let (tx, rx) = mpsc::sync_channel::<Vec<Prepared>>(1);
        let sink = &sink;
        let indexer = r
            .has_search()
            .then(|| scope.spawn(move || index_docs(rx, sink, spill_dir)));
        let mut bytes = 0;
        let mut errors = Vec::new();
        let mut write_error: Option<WriteError> = None;
        for batch in jobs.chunks(SEARCH_BATCH) {
            // A file that cannot be written is the disk's problem, not the content's: the
            // build stops at the first (a full disk once gave a thousand messages, one a page).
            if write_error.is_some() {
                break;
            }
            let results: Vec<Result<(u64, Option<Prepared>), JobError>> = batch
                .par_iter()
                .map(|job| {
                    let (len, doc) = if Renderer::is_streamed(job) {
                        let path = r.path_of(job);
                        (writer.write_with(&path, |w| r.write_into(job, w))?, None)
                    } else {
                        let (file, doc) = r.render_with_doc(job, indexer.is_some())?;
                        writer.write(&file)?;
                        (file.bytes.len() as u64, doc)
                    };
                    if let Some(report) = progress {
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n % 64 == 0 || n == total {
                            report(n, total);
                        }
                    }
                    let doc = doc.map(|d| {
                        let t = Instant::now();
                        let doc = search::prepare(d);
                        tokenise_ns.fetch_add(
                            t.elapsed().as_nanos() as u64,
                            std::sync::atomic::Ordering::Relaxed,
                        );
                        doc
                    });
                    Ok((len, doc))
                })
                .collect();
            let mut docs = Vec::new();
            for res in results {
                match res {
                    Ok((b, doc)) => {
                        bytes += b;
                        docs.extend(doc);
                    }
                    Err(JobError::Content(d)) => errors.push(d),
                    Err(JobError::Write(e)) => {
                        write_error.get_or_insert(e);
                    }
                }
            }
            // A closed channel means the indexer stopped on an error, which join reports.
            if errors.is_empty() && write_error.is_none() && !docs.is_empty() {
                let _ = tx.send(docs);
            }
        }
        drop(tx);
        rendered_at = start.elapsed().as_millis();
        peaks.extend(peak_memory().map(|b| ("render and write", b)));
        let index = indexer.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the search indexer crashed")))
        });
        (
            bytes,
            errors,
            write_error,
            index,
            start.elapsed().as_millis(),
        )
    });
    let unchanged = || {
        format!(
            "the build stopped; nothing was replaced: `{}` is as the previous build left it",
            output.display()
        )
    };
    if let Some(e) = write_error {
        staging.abandon();
        return Err(anyhow::anyhow!("{e}; {}", unchanged()));
    }
    let mut index_files = 0;
    let mut indexed = 0;
    let mut search_summary = None;
    if errors.is_empty() {
        match index {
            Some(Ok(stats)) => {
                indexed = stats.docs;
                index_files = stats.files;
                bytes += stats.bytes;
                search_summary = Some(SearchSummary {
                    stats,
                    tokenise_ms: u128::from(tokenise_ns.into_inner() / 1_000_000),
                });
            }
            Some(Err(e)) => {
                staging.abandon();
                return Err(anyhow::anyhow!("{e:#}; {}", unchanged()));
            }
            None => {}
        }
    }
    if !errors.is_empty() {
        staging.abandon();
        return Err(ContentErrors::new(errors).with_warnings(warnings).into());
    }
    let written_at = start.elapsed().as_millis();
    let finished = writer.finish();
    let mut notices = std::mem::take(&mut staging.notices);
    let leftover = match cleanup {
        Cleanup::Now => {
            notices.extend(staging.commit()?);
            None
        }
        Cleanup::Later => staging.commit_keeping_old()?,
    };
    finished.save(output)?;
    let mut s = summary(site, jobs.iter(), start, warnings);
    s.bytes = bytes;
    s.files += index_files;
    s.indexed = indexed;
    s.search = search_summary;
    s.leftover = leftover;
    s.notices = notices;
    s.publish = publish.keep_unchanged.then_some(finished.summary);
    peaks.extend(peak_memory().map(|b| ("swap into place", b)));
    s.peak_memory = peaks;
    s.phases = vec![
        ("load and validate", loaded_at),
        ("render and write", rendered_at - loaded_at),
        ("finish the search index", indexed_at - rendered_at),
        ("swap into place", s.millis - written_at),
    ];
    Ok(s)
}

/// Why one output file was not made: its content (a template error, reported with every other)
/// or the disk (the build stops).
enum JobError {
    Content(Diagnostic),
    Write(WriteError),
}

impl From<Diagnostic> for JobError {
    fn from(d: Diagnostic) -> Self {
        JobError::Content(d)
    }
}

impl From<WriteError> for JobError {
    fn from(e: WriteError) -> Self {
        JobError::Write(e)
    }
}

/// Index the documents that arrive, in order, writing the index files to `sink`.
fn index_docs(
    rx: mpsc::Receiver<Vec<Prepared>>,
    sink: &search::Sink,
    spill_dir: std::path::PathBuf,
) -> Result<search::Stats> {
    let mut indexer = Indexer::new(sink, spill_dir, SEARCH_MEMORY);
    for batch in rx {
        for doc in batch {
            indexer.add(doc)?;
        }
    }
    indexer.finish()
}

/// The peak resident memory of this process so far, in bytes (Linux: `VmHWM`).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
