//! The pipeline: load → validate → render → write, and the check that stops before writing.

use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::model::{self, BuildOptions, Site};
use crate::output::{Staging, check_output_dir};
use crate::render::{Job, Renderer, theme};
use anyhow::Result;
use rayon::prelude::*;
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
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each phase, in milliseconds, for `--verbose`.
    pub phases: Vec<(&'static str, u128)>,
    /// With [`Cleanup::Later`]: the folder holding the previous output, for the caller to remove.
    pub leftover: Option<std::path::PathBuf>,
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
    let (loaded, mut errors) = content::load(root);
    match model::build(&loaded, opts) {
        Ok(site) if errors.is_empty() => Ok((site, loaded.warnings)),
        Ok(_) => Err(ContentErrors::new(errors)),
        Err(more) => {
            errors.extend(more);
            Err(ContentErrors::new(errors))
        }
    }
}

fn renderer<'a>(root: &Path, site: &'a Site) -> Result<Renderer<'a>, ContentErrors> {
    let files = theme::load(root, &site.config.theme).map_err(ContentErrors::new)?;
    Renderer::new(site, files).map_err(ContentErrors::new)
}

fn summary(site: &Site, jobs: &[Job], start: Instant, warnings: Vec<Diagnostic>) -> Summary {
    Summary {
        pages: jobs
            .iter()
            .filter(|j| matches!(j, Job::Html { .. }))
            .count(),
        files: jobs.len(),
        bytes: 0,
        pledges: site.pledges.len(),
        reports: site.reports.len(),
        news: site.news.len(),
        millis: start.elapsed().as_millis(),
        warnings,
        phases: Vec::new(),
        leftover: None,
    }
}

/// Validate everything a build would, rendering every page in memory, writing nothing.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Summary> {
    let start = Instant::now();
    let (site, warnings) = load_site(root, opts)?;
    let r = renderer(root, &site)?;
    let jobs = r.jobs();
    let errors: Vec<Diagnostic> = jobs.par_iter().filter_map(|j| r.render(j).err()).collect();
    if !errors.is_empty() {
        return Err(ContentErrors::new(errors).into());
    }
    Ok(summary(&site, &jobs, start, warnings))
}

/// Build the site at `root` into `output`, replacing it whole only on success.
pub fn build(root: &Path, output: &Path, opts: &BuildOptions) -> Result<Summary> {
    build_with_progress(root, output, opts, None, Cleanup::Now)
}

/// [`build`], reporting progress while files are rendered and written.
pub fn build_with_progress(
    root: &Path,
    output: &Path,
    opts: &BuildOptions,
    progress: Option<Progress>,
    cleanup: Cleanup,
) -> Result<Summary> {
    let start = Instant::now();
    let output = check_output_dir(root, output)?;
    let (site, warnings) = load_site(root, opts)?;
    let loaded_at = start.elapsed().as_millis();
    let r = renderer(root, &site)?;
    let jobs = r.jobs();
    let staging = Staging::create(&output)?;
    let total = jobs.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let results: Vec<Result<u64, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let file = r.render(job)?;
            staging.write(&file)?;
            if let Some(report) = progress {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n % 64 == 0 || n == total {
                    report(n, total);
                }
            }
            Ok(file.bytes.len() as u64)
        })
        .collect();
    let rendered_at = start.elapsed().as_millis();
    let mut errors = Vec::new();
    let mut bytes = 0;
    for res in results {
        match res {
            Ok(b) => bytes += b,
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        staging.abandon();
        return Err(ContentErrors::new(errors).into());
    }
    let leftover = match cleanup {
        Cleanup::Now => {
            staging.commit()?;
            None
        }
        Cleanup::Later => staging.commit_keeping_old()?,
    };
    let mut s = summary(&site, &jobs, start, warnings);
    s.bytes = bytes;
    s.leftover = leftover;
    s.phases = vec![
        ("load and validate", loaded_at),
        ("render and write", rendered_at - loaded_at),
        ("swap into place", s.millis - rendered_at),
    ];
    Ok(s)
}
