//! The pipeline: load → validate → render → write, and the check that stops before writing.

use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::drive::{self, Discard, Drive, Staged};
use crate::model::{self, BuildOptions, Site};
use crate::output::{Staging, check_output_dir};
use crate::publish::{Publish, PublishSummary, Writer};
use crate::render::{Job, Renderer, theme};
use crate::search;
use anyhow::Result;
use std::path::Path;
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

/// Validate everything a build would, rendering every page in memory (batch by batch, each
/// dropped once rendered), writing nothing.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Summary> {
    let start = Instant::now();
    let (site, warnings) = load_site(root, opts)?;
    let r = renderer(root, &site).map_err(|e| e.with_warnings(warnings.clone()))?;
    let jobs = r.jobs();
    let errors = Drive::new(&r).run(&jobs, &mut Discard).errors;
    if !errors.is_empty() {
        return Err(ContentErrors::new(errors).with_warnings(warnings).into());
    }
    Ok(summary(&site, jobs.iter(), start, warnings))
}

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
    let to = WriteTo {
        output: &output,
        progress,
        cleanup,
        publish,
    };
    write_all(&r, &jobs, &to, start, warnings)
}

/// Where and how [`write_all`] writes.
pub struct WriteTo<'a> {
    /// The output folder, one that [`check_output_dir`] accepted.
    pub output: &'a Path,
    pub progress: Option<Progress<'a>>,
    pub cleanup: Cleanup,
    pub publish: &'a Publish,
}

/// Render every job of `r` into a staging folder and swap it in place of `to.output`; `start`
/// is when the build began, for the summary.
pub fn write_all(
    r: &Renderer,
    jobs: &[Job],
    to: &WriteTo,
    start: Instant,
    warnings: Vec<Diagnostic>,
) -> Result<Summary> {
    let loaded_at = start.elapsed().as_millis();
    let mut peaks = Vec::new();
    peaks.extend(peak_memory().map(|b| ("load and validate", b)));
    let mut staging = Staging::create(to.output)?;
    let writer = Writer::new(&staging, to.output, to.publish);
    let drive = Drive::new(r).with_progress(to.progress);
    let staged = drive::stage(&drive, jobs, &writer, &staging.dir);
    peaks.extend(staged.rendered_peak.map(|b| ("render and write", b)));
    let rendered_at = staged.rendered.duration_since(start).as_millis();
    let indexed_at = staged.indexed.duration_since(start).as_millis();
    let (bytes, search) = match checked(staged, to.output, &warnings) {
        Ok(done) => done,
        Err(e) => {
            staging.abandon();
            return Err(e);
        }
    };
    let written_at = start.elapsed().as_millis();
    let finished = writer.finish();
    let mut notices = std::mem::take(&mut staging.notices);
    let leftover = match to.cleanup {
        Cleanup::Now => {
            notices.extend(staging.commit()?);
            None
        }
        Cleanup::Later => staging.commit_keeping_old()?,
    };
    finished.save(to.output)?;
    let mut s = summary(r.site, jobs.iter(), start, warnings);
    s.bytes = bytes + search.as_ref().map_or(0, |x| x.stats.bytes);
    s.files += search.as_ref().map_or(0, |x| x.stats.files);
    s.indexed = search.as_ref().map_or(0, |x| x.stats.docs);
    s.search = search;
    s.leftover = leftover;
    s.notices = notices;
    s.publish = to.publish.keep_unchanged.then_some(finished.summary);
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

/// The bytes written and the search index of a staged build, or why the build stops (a file
/// that could not be written, content errors, the search index's error).
fn checked(
    staged: Staged,
    output: &Path,
    warnings: &[Diagnostic],
) -> Result<(u64, Option<SearchSummary>)> {
    let unchanged = || {
        format!(
            "the build stopped; nothing was replaced: `{}` is as the previous build left it",
            output.display()
        )
    };
    let driven = staged.driven;
    if let Some(e) = driven.write_error {
        return Err(anyhow::anyhow!("{e}; {}", unchanged()));
    }
    if !driven.errors.is_empty() {
        return Err(ContentErrors::new(driven.errors)
            .with_warnings(warnings.to_vec())
            .into());
    }
    match staged.index {
        Some(Ok(stats)) => Ok((
            driven.bytes,
            Some(SearchSummary {
                stats,
                tokenise_ms: u128::from(driven.tokenise_ns / 1_000_000),
            }),
        )),
        Some(Err(e)) => Err(anyhow::anyhow!("{e:#}; {}", unchanged())),
        None => Ok((driven.bytes, None)),
    }
}

/// The peak resident memory of this process so far, in bytes (Linux: `VmHWM`).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
