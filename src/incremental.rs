//! Rebuilds for `serve`: after an edit, read again only the files that changed, and render and
//! write only the output files whose inputs changed.
//!
//! Every rebuild still loads and validates the whole site (from a cache of parsed files, see
//! [`content::Cache`]), so errors are found exactly as `build` finds them. It then sums up the
//! inputs of every job ([`crate::render::Renderer::job_fingerprints`]) and compares them with the numbers of the
//! files now served: when the site-wide part is unchanged, only the jobs whose number changed
//! are rendered, in memory, and written over the served files in place while requests wait
//! ([`Session::files_lock`]: a request never reads half a file). When the site-wide part
//! changed (site settings, theme, an added or removed report, pledge, news item or page, a new
//! data date) or too many files changed, it is a full build into a staging folder, swapped in
//! as `build` does.
//! The search index is written by full builds only.

use crate::build::{self, Cleanup, Summary};
use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::model::patch::{NewsEdit, Patched, patch_news};
use crate::model::{BuildOptions, Site};
use crate::output::check_output_dir;
use crate::render::data::PledgeRows;
use crate::render::fingerprint::Inputs;
use crate::render::{Job, OutputFile};
use anyhow::Result;
use rayon::prelude::*;
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
        let site = self.site.as_ref().expect("load leaves a model");
        let loaded_at = start.elapsed().as_millis();
        // Errors carry the run's warnings, as `build`'s do: they often tell the cause.
        let (mut r, theme) = build::renderer_and_theme(&self.root, site)
            .map_err(|e| e.with_warnings(warnings.clone()))?;
        let renderer_at = start.elapsed().as_millis();
        // After a patch, the served build's numbers are those of the model before it.
        let inputs = match (&patched, &self.served) {
            (Some(p), Some(s)) => {
                let mut inputs = s.inputs.clone();
                r.update_inputs(&mut inputs, p, theme);
                inputs
            }
            _ => r.inputs(theme),
        };
        let global = inputs.global();
        let shape = r.shape(&inputs);
        let same_jobs = self.served.as_ref().is_some_and(|s| s.shape == shape);
        let (jobs, paths) = match &self.served {
            Some(s) if same_jobs => (s.jobs.clone(), s.paths.clone()),
            _ => {
                let jobs = r.jobs();
                let paths: Vec<String> = jobs.iter().map(|j| r.path_of(j)).collect();
                (Arc::new(jobs), Arc::new(paths))
            }
        };
        let fps = r.job_fingerprints(&jobs, &inputs);
        let changed: Option<Vec<usize>> = match &self.served {
            Some(s) if same_jobs => Some(
                (0..jobs.len())
                    .filter(|&i| s.fps[i] != Some(fps[i]))
                    .collect(),
            ),
            Some(s) if s.global == global => {
                // Lists gained or lost pages: compare by path. A file that is no longer made
                // would stay behind, so that is a full rebuild (as it is rare).
                let now: FxHashSet<&str> = paths.iter().map(String::as_str).collect();
                if s.paths.iter().all(|p| now.contains(p.as_str())) {
                    let before: FxHashMap<&str, Option<u64>> = s
                        .paths
                        .iter()
                        .map(String::as_str)
                        .zip(s.fps.iter().copied())
                        .collect();
                    Some(
                        (0..jobs.len())
                            .filter(|&i| before.get(paths[i].as_str()) != Some(&Some(fps[i])))
                            .collect(),
                    )
                } else {
                    None
                }
            }
            _ => None,
        };
        let changed = changed.filter(|c| c.len() <= MAX_CHANGED);
        let compared_at = start.elapsed().as_millis();

        let Some(changed) = changed else {
            let out = check_output_dir(&self.root, &self.out)?;
            self.served = None;
            // Served from a temporary folder: no manifest, no kept files, no compressed twins.
            let summary = build::write_all(
                &r,
                &jobs,
                &out,
                None,
                Cleanup::Later,
                &crate::publish::Publish::default(),
                start,
                warnings,
            )?;
            // Ready for the next edit of a pledge (all rows are made again after a full build:
            // their numbers hold the global one).
            Arc::make_mut(&mut self.rows).update(site, &r.row_inputs(&inputs));
            self.served = Some(Served {
                global,
                shape,
                jobs,
                paths,
                fps: fps.into_iter().map(Some).collect(),
                inputs,
            });
            return Ok(Rebuilt {
                written: summary.files,
                paths: Vec::new(),
                summary,
                full: true,
                read,
                patched: patched.is_some(),
            });
        };

        if changed
            .iter()
            .any(|&i| matches!(jobs[i], Job::PledgesJson | Job::PledgesCsv))
        {
            Arc::make_mut(&mut self.rows).update(site, &r.row_inputs(&inputs));
        }
        r.use_kept_rows(self.rows.clone());
        let rendered: Vec<Result<OutputFile, Diagnostic>> =
            changed.par_iter().map(|&i| r.render(&jobs[i])).collect();
        let rendered_at = start.elapsed().as_millis();
        let mut files = Vec::with_capacity(rendered.len());
        let mut errors = Vec::new();
        for f in rendered {
            match f {
                Ok(f) => files.push(f),
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(ContentErrors::new(errors).with_warnings(warnings).into());
        }
        // The files to write are marked unknown first: if writing fails, the next rebuild
        // writes them again.
        let mut known: Vec<Option<u64>> = fps.iter().copied().map(Some).collect();
        for &i in &changed {
            known[i] = None;
        }
        let served = self.served.insert(Served {
            global,
            shape,
            jobs: jobs.clone(),
            paths,
            fps: known,
            inputs,
        });
        // In place and in parallel. A temporary file and a rename for each file took ~0.25 ms
        // on this machine's ext4 (making a new inode, freeing the old one), ~100 ms after a
        // status edit (300 files); writing over the file's blocks takes ~0.01 ms.
        let out = &self.out;
        let written: Vec<Result<()>> = {
            let _no_reads = self.files.write().unwrap_or_else(|e| e.into_inner());
            files
                .par_iter()
                .map(|f| write_in_place(out, &f.path, &f.bytes))
                .collect()
        };
        let mut bytes = 0;
        let mut failed = None;
        for ((w, f), &i) in written.into_iter().zip(&files).zip(&changed) {
            match w {
                Ok(()) => {
                    served.fps[i] = Some(fps[i]);
                    bytes += f.bytes.len() as u64;
                }
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let written_at = start.elapsed().as_millis();
        let mut summary = build::summary(site, changed.iter().map(|&i| &jobs[i]), start, warnings);
        summary.bytes = bytes;
        summary.phases = vec![
            ("load and validate", loaded_at),
            ("set up the renderer", renderer_at - loaded_at),
            ("compare inputs", compared_at - renderer_at),
            ("render", rendered_at - compared_at),
            ("write", written_at - rendered_at),
        ];
        Ok(Rebuilt {
            summary,
            full: false,
            written: files.len(),
            paths: files.into_iter().map(|f| f.path).collect(),
            read,
            patched: patched.is_some(),
        })
    }
}

/// Make `out/rel` hold `bytes`, writing over its blocks (not truncating it first: ext4 frees and
/// allocates the blocks again then) and cutting it to the new length.
fn write_in_place(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let path = out.join(rel);
    let dir = path.parent().unwrap_or(out);
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.set_len(bytes.len() as u64)
        })
        .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", path.display()))
}
