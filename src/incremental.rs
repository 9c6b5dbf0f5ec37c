//! Rebuilds for `serve`: after an edit, read again only the files that changed, and render and
//! write only the output files whose inputs changed.
//!
//! Every rebuild still loads and validates the whole site (from a cache of parsed files, see
//! [`content::Cache`]), so errors are found exactly as `build` finds them. It then sums up the
//! inputs of every job ([`crate::render::Renderer::job_fingerprints`]) and compares them with
//! the numbers of the files now served: when the site-wide part is unchanged, only the jobs
//! whose number changed are rendered, in memory, and written over the served files in place
//! while requests wait ([`crate::drive::InPlace`], [`Session::files_lock`]: a request never
//! reads half a file). When the site-wide part changed (site settings, theme, an added or
//! removed report, pledge, news item or page, a new data date) or too many files changed, it is
//! a full build into a staging folder, swapped in as `build` does.
//! The search index is written by full builds only.

use crate::build::{self, Cleanup, Summary, WriteTo};
use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::drive::{Drive, InPlace};
use crate::model::patch::{NewsEdit, Patched, patch_news};
use crate::model::{BuildOptions, Site};
use crate::output::check_output_dir;
use crate::publish::Publish;
use crate::render::data::PledgeRows;
use crate::render::fingerprint::Inputs;
use crate::render::{Job, Renderer};
use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// Above this many changed files a rebuild is a full one: it bounds the rendered pages held in
/// memory before they are written.
pub const MAX_CHANGED: usize = 2_000;

/// What the files being served were made from.
struct Served {
    global: u64,
    /// [`crate::render::Renderer::shape`]: while it is the same, so are `jobs` and `paths`.
    shape: u64,
    jobs: Arc<Vec<Job>>,
    /// Each job's output path.
    paths: Arc<Vec<String>>,
    /// Each job's number; `None` when its file may not hold it (a write failed).
    fps: Vec<Option<u64>>,
    /// The entities' numbers of the model served.
    inputs: Inputs,
}

/// A site being served: its folder, its output folder, and what is known of the last build.
pub struct Session {
    root: PathBuf,
    out: PathBuf,
    opts: BuildOptions,
    cache: content::Cache,
    served: Option<Served>,
    /// The model of the last successful rebuild, patched after news edits.
    site: Option<Site>,
    /// The rows of `data/pledges.{json,csv}` served.
    rows: Arc<PledgeRows>,
    /// Held for writing while an incremental rebuild writes over served files.
    files: Arc<RwLock<()>>,
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub summary: Summary,
    /// Whether every file was written again (into a staging folder swapped in).
    pub full: bool,
    /// Files rendered and written.
    pub written: usize,
    /// Their paths, for an incremental rebuild (empty for a full one).
    pub paths: Vec<String>,
    /// Content files read again (the others came from the cache).
    pub read: usize,
    /// Whether the model of the previous rebuild was patched (news edits) rather than the
    /// whole site validated again.
    pub patched: bool,
}

impl Session {
    pub fn new(root: &Path, out: &Path, opts: BuildOptions) -> Session {
        Session {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            opts,
            cache: content::Cache::new(),
            served: None,
            site: None,
            rows: Arc::default(),
            files: Arc::default(),
        }
    }

    /// The lock a server reading the output folder holds for reading while it reads a file:
    /// an incremental rebuild writes files over in place and holds it for writing meanwhile,
    /// so that no request sees half a file. (A full rebuild swaps in a new folder and needs
    /// no lock: a file read from the old one is whole.)
    pub fn files_lock(&self) -> Arc<RwLock<()>> {
        self.files.clone()
    }

    /// Rebuild after a change. On error the served files and what is known of them stay as
    /// they were. A full rebuild hands the previous output back in `summary.leftover`.
    pub fn rebuild(&mut self) -> Result<Rebuilt> {
        self.rebuild_changed(None)
    }

    /// [`Session::rebuild`] after a file watcher reported `changed` paths (when it could name
    /// them all): edited content files are read again without walking the site folder, and
    /// when they are all news files the model of the last build is patched
    /// ([`patch_news`]) instead of validating the whole site again.
    pub fn rebuild_changed(&mut self, changed: Option<&[PathBuf]>) -> Result<Rebuilt> {
        let result = self.rebuild_inner(changed);
        if result.is_err() {
            // The next rebuild validates the whole site: the model is that of an older state.
            self.site = None;
        }
        result
    }

    /// Bring `self.site` up to date with the files; the warnings, the content files read and
    /// whether the model was patched.
    fn load(
        &mut self,
        changed: Option<&[PathBuf]>,
    ) -> Result<(Vec<Diagnostic>, usize, Option<Patched>)> {
        let mut read = 0;
        if let (Some(paths), Some(site)) = (changed, self.site.as_mut()) {
            let news = self.cache.reload_news(paths);
            read = self.cache.last_read;
            if let (Some(news), Some((seeds, warnings))) = (news, self.cache.walked()) {
                let edits: Vec<NewsEdit> = news
                    .iter()
                    .map(|n| NewsEdit {
                        file: &n.file,
                        stem: &n.stem,
                        raw: &n.raw,
                    })
                    .collect();
                if let Some(p) = patch_news(site, &edits, seeds) {
                    return Ok((warnings.to_vec(), read, Some(p)));
                }
            }
        }
        self.site = None;
        let (site, warnings) =
            build::load_site_cached(&self.root, &self.opts, &mut self.cache, changed)?;
        self.site = Some(site);
        Ok((warnings, read + self.cache.last_read, None))
    }

    fn rebuild_inner(&mut self, changed: Option<&[PathBuf]>) -> Result<Rebuilt> {
        let start = Instant::now();
        let (warnings, read, patched) = self.load(changed)?;
        // Out of `self` while its files are made: the steps below change the rest of it.
        let site = self.site.take().expect("load leaves a model");
        let result = self.rebuild_site(&site, start, warnings, patched.as_ref());
        self.site = Some(site);
        let rebuilt = result?;
        Ok(Rebuilt {
            read,
            patched: patched.is_some(),
            ..rebuilt
        })
    }

    /// Render and write what changed in `site` since the served build: the changed files in
    /// place, or every file (a full build) when the site-wide part changed.
    fn rebuild_site(
        &mut self,
        site: &Site,
        start: Instant,
        warnings: Vec<Diagnostic>,
        patched: Option<&Patched>,
    ) -> Result<Rebuilt> {
        let mut times = Times::new(start);
        // Errors carry the run's warnings, as `build`'s do: they often tell the cause.
        let (mut r, theme) = build::renderer_and_theme(&self.root, site)
            .map_err(|e| e.with_warnings(warnings.clone()))?;
        times.renderer = times.now();
        let now = Now::of(&r, theme, patched, self.served.as_ref());
        let changed = now.compare(self.served.as_ref());
        times.compared = times.now();
        let Some(changed) = changed else {
            return self.full(&r, now, start, warnings);
        };
        if changed
            .iter()
            .any(|&i| matches!(now.jobs[i], Job::PledgesJson | Job::PledgesCsv))
        {
            Arc::make_mut(&mut self.rows).update(site, &r.row_inputs(&now.inputs));
        }
        r.use_kept_rows(self.rows.clone());
        self.incremental(&r, now, &changed, times, warnings)
    }

    /// A full build into a staging folder swapped in place of the served one.
    fn full(
        &mut self,
        r: &Renderer,
        now: Now,
        start: Instant,
        warnings: Vec<Diagnostic>,
    ) -> Result<Rebuilt> {
        let out = check_output_dir(&self.root, &self.out)?;
        self.served = None;
        // Served from a temporary folder: no manifest, no kept files, no compressed twins.
        let to = WriteTo {
            output: &out,
            progress: None,
            cleanup: Cleanup::Later,
            publish: &Publish::default(),
        };
        let summary = build::write_all(r, &now.jobs, &to, start, warnings)?;
        // Ready for the next edit of a pledge (all rows are made again after a full build:
        // their numbers hold the global one).
        Arc::make_mut(&mut self.rows).update(r.site, &r.row_inputs(&now.inputs));
        let fps = now.fps.iter().copied().map(Some).collect();
        self.served = Some(now.served(fps));
        Ok(Rebuilt {
            written: summary.files,
            paths: Vec::new(),
            summary,
            full: true,
            read: 0,
            patched: false,
        })
    }

    /// Render the `changed` jobs in memory, then write them over the served files.
    fn incremental(
        &mut self,
        r: &Renderer,
        now: Now,
        changed: &[usize],
        mut times: Times,
        warnings: Vec<Diagnostic>,
    ) -> Result<Rebuilt> {
        let all = now.jobs.clone();
        let jobs: Vec<&Job> = changed.iter().map(|&i| &all[i]).collect();
        let mut sink = InPlace::default();
        let errors = Drive::new(r).run(&jobs, &mut sink).errors;
        times.rendered = times.now();
        if !errors.is_empty() {
            return Err(ContentErrors::new(errors).with_warnings(warnings).into());
        }
        // The files to write are marked unknown first: if writing fails, the next rebuild
        // writes them again.
        let mut known: Vec<Option<u64>> = now.fps.iter().copied().map(Some).collect();
        for &i in changed {
            known[i] = None;
        }
        let fps: Vec<u64> = changed.iter().map(|&i| now.fps[i]).collect();
        let served = self.served.insert(now.served(known));
        let written = sink.write(&self.out, &self.files);
        let mut bytes = 0;
        let mut failed = None;
        let mut paths = Vec::with_capacity(written.len());
        for ((path, w), (&i, fp)) in written.into_iter().zip(changed.iter().zip(fps)) {
            match w {
                Ok(len) => {
                    served.fps[i] = Some(fp);
                    bytes += len;
                }
                Err(e) => failed = failed.or(Some(e)),
            }
            paths.push(path);
        }
        if let Some(e) = failed {
            return Err(e);
        }
        times.written = times.now();
        let mut summary = build::summary(r.site, jobs.into_iter(), times.start, warnings);
        summary.bytes = bytes;
        summary.phases = times.phases();
        Ok(Rebuilt {
            summary,
            full: false,
            written: paths.len(),
            paths,
            read: 0,
            patched: false,
        })
    }
}

/// What the site makes now: its jobs, their paths and the numbers of their inputs.
struct Now {
    global: u64,
    shape: u64,
    jobs: Arc<Vec<Job>>,
    paths: Arc<Vec<String>>,
    fps: Vec<u64>,
    inputs: Inputs,
}

impl Now {
    /// The jobs of `r` and their numbers; the served build's list of jobs while the shape is
    /// the same, and after a patch the served build's numbers updated (they are those of the
    /// model before it).
    fn of(r: &Renderer, theme: u64, patched: Option<&Patched>, served: Option<&Served>) -> Now {
        let inputs = match (patched, served) {
            (Some(p), Some(s)) => {
                let mut inputs = s.inputs.clone();
                r.update_inputs(&mut inputs, p, theme);
                inputs
            }
            _ => r.inputs(theme),
        };
        let shape = r.shape(&inputs);
        let (jobs, paths) = match served {
            Some(s) if s.shape == shape => (s.jobs.clone(), s.paths.clone()),
            _ => {
                let jobs = r.jobs();
                let paths: Vec<String> = jobs.iter().map(|j| r.path_of(j)).collect();
                (Arc::new(jobs), Arc::new(paths))
            }
        };
        Now {
            global: inputs.global(),
            shape,
            fps: r.job_fingerprints(&jobs, &inputs),
            jobs,
            paths,
            inputs,
        }
    }

    /// The positions of the jobs whose files changed since `served`, or `None` when the
    /// rebuild is a full one (nothing served, the site-wide part changed, a file is no longer
    /// made, or more than [`MAX_CHANGED`] files changed).
    fn compare(&self, served: Option<&Served>) -> Option<Vec<usize>> {
        let changed = match served {
            Some(s) if s.shape == self.shape => Some(
                (0..self.jobs.len())
                    .filter(|&i| s.fps[i] != Some(self.fps[i]))
                    .collect(),
            ),
            Some(s) if s.global == self.global => self.compare_paths(s),
            _ => None,
        };
        changed.filter(|c| c.len() <= MAX_CHANGED)
    }

    /// [`Now::compare`] when lists gained or lost pages: by path. A file that is no longer made
    /// would stay behind, so that is a full rebuild (as it is rare).
    fn compare_paths(&self, s: &Served) -> Option<Vec<usize>> {
        let now: FxHashSet<&str> = self.paths.iter().map(String::as_str).collect();
        if !s.paths.iter().all(|p| now.contains(p.as_str())) {
            return None;
        }
        let before: FxHashMap<&str, Option<u64>> = s
            .paths
            .iter()
            .map(String::as_str)
            .zip(s.fps.iter().copied())
            .collect();
        Some(
            (0..self.jobs.len())
                .filter(|&i| before.get(self.paths[i].as_str()) != Some(&Some(self.fps[i])))
                .collect(),
        )
    }

    /// What is served once the files are written: `fps`, each job's number as its file holds it.
    fn served(self, fps: Vec<Option<u64>>) -> Served {
        Served {
            global: self.global,
            shape: self.shape,
            jobs: self.jobs,
            paths: self.paths,
            fps,
            inputs: self.inputs,
        }
    }
}

/// When each step of an incremental rebuild ended, in milliseconds from its start.
struct Times {
    start: Instant,
    loaded: u128,
    renderer: u128,
    compared: u128,
    rendered: u128,
    written: u128,
}

impl Times {
    fn new(start: Instant) -> Times {
        let loaded = start.elapsed().as_millis();
        Times {
            start,
            loaded,
            renderer: loaded,
            compared: loaded,
            rendered: loaded,
            written: loaded,
        }
    }

    fn now(&self) -> u128 {
        self.start.elapsed().as_millis()
    }

    /// The phases for `--verbose`.
    fn phases(&self) -> Vec<(&'static str, u128)> {
        vec![
            ("load and validate", self.loaded),
            ("set up the renderer", self.renderer - self.loaded),
            ("compare inputs", self.compared - self.renderer),
            ("render", self.rendered - self.compared),
            ("write", self.written - self.rendered),
        ]
    }
}
