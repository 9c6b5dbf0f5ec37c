//! Rebuilds for `serve`: after an edit, read again only the files that changed, and render and
//! write only the output files whose inputs changed.
//!
//! Every rebuild still loads and validates the whole site (from a cache of parsed files, see
//! [`content::Cache`]), so errors are found exactly as `build` finds them. It then sums up the
//! inputs of every job ([`Renderer::fingerprints`]) and compares them with the numbers of the
//! files now served: when the site-wide part is unchanged, only the jobs whose number changed
//! are rendered, in memory, and written over the served files (each through a temporary file
//! and a rename, so a request never reads half a file). When the site-wide part changed (site
//! settings, theme, an added or removed report, pledge, news item or page, a new data date) or
//! too many files changed, it is a full build into a staging folder, swapped in as `build` does.
//! The search index is written by full builds only.

use crate::build::{self, Cleanup, Summary};
use crate::content;
use crate::diag::{ContentErrors, Diagnostic};
use crate::model::patch::{NewsEdit, patch_news};
use crate::model::{BuildOptions, Site};
use crate::output::check_output_dir;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Above this many changed files a rebuild is a full one: it bounds the rendered pages held in
/// memory before they are written.
pub const MAX_CHANGED: usize = 2_000;

/// What the files being served were made from.
struct Served {
    global: u64,
    files: HashMap<String, u64>,
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
        }
    }

    /// Rebuild after a change. On error the served files and what is known of them stay as
    /// they were. A full rebuild hands the previous output back in `summary.leftover`.
    pub fn rebuild(&mut self) -> Result<Rebuilt> {
        self.rebuild_changed(None)
    }

    /// [`Session::rebuild`] after a file watcher reported `changed` paths (when it could name
    /// them all): edited content files are read again without walking the site folder, and
    /// when they are all news files the model of the last build is patched
    /// ([`model::patch::patch_news`]) instead of validating the whole site again.
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
    fn load(&mut self, changed: Option<&[PathBuf]>) -> Result<(Vec<Diagnostic>, usize, bool)> {
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
                if patch_news(site, &edits, seeds).is_some() {
                    return Ok((warnings.to_vec(), read, true));
                }
            }
        }
        self.site = None;
        let (site, warnings) =
            build::load_site_cached(&self.root, &self.opts, &mut self.cache, changed)?;
        self.site = Some(site);
        Ok((warnings, read + self.cache.last_read, false))
    }

    fn rebuild_inner(&mut self, changed: Option<&[PathBuf]>) -> Result<Rebuilt> {
        let start = Instant::now();
        let (warnings, read, patched) = self.load(changed)?;
        let site = self.site.as_ref().expect("load leaves a model");
        let loaded_at = start.elapsed().as_millis();
        let (r, theme) = build::renderer_and_theme(&self.root, site)?;
        let jobs = r.jobs();
        let (global, fps) = r.fingerprints(&jobs, theme);
        let paths: Vec<String> = jobs.iter().map(|j| r.path_of(j)).collect();
        let compared_at = start.elapsed().as_millis();
        let changed: Option<Vec<usize>> = match &self.served {
            Some(s) if s.global == global => Some(
                (0..jobs.len())
                    .filter(|&i| s.files.get(&paths[i]) != Some(&fps[i]))
                    .collect(),
            ),
            _ => None,
        };
        let changed = changed.filter(|c| c.len() <= MAX_CHANGED);

        let Some(changed) = changed else {
            let out = check_output_dir(&self.root, &self.out)?;
            self.served = None;
            let summary = build::write_all(&r, &jobs, &out, None, Cleanup::Later, start, warnings)?;
            self.served = Some(Served {
                global,
                files: paths.into_iter().zip(fps).collect(),
            });
            return Ok(Rebuilt {
                written: summary.files,
                paths: Vec::new(),
                summary,
                full: true,
                read,
                patched,
            });
        };

        let rendered: Vec<Result<crate::render::OutputFile, Diagnostic>> =
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
            return Err(ContentErrors::new(errors).into());
        }
        let served = self
            .served
            .as_mut()
            .expect("an incremental rebuild follows a served build");
        let mut bytes = 0;
        for (f, &i) in files.iter().zip(&changed) {
            // Forget the file's number first: if writing fails, the next rebuild writes it again.
            served.files.remove(&f.path);
            write_over(&self.out, &f.path, &f.bytes)?;
            served.files.insert(f.path.clone(), fps[i]);
            bytes += f.bytes.len() as u64;
        }
        let written_at = start.elapsed().as_millis();
        let mut summary = build::summary(site, changed.iter().map(|&i| &jobs[i]), start, warnings);
        summary.bytes = bytes;
        summary.phases = vec![
            ("load and validate", loaded_at),
            ("compare inputs", compared_at - loaded_at),
            ("render", rendered_at - compared_at),
            ("write", written_at - rendered_at),
        ];
        Ok(Rebuilt {
            summary,
            full: false,
            written: files.len(),
            paths: files.into_iter().map(|f| f.path).collect(),
            read,
            patched,
        })
    }
}

/// Replace `out/rel` by `bytes` through a temporary file in the same folder and a rename.
fn write_over(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = out.join(rel);
    let dir = path.parent().unwrap_or(out);
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.duixian-tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            anyhow::anyhow!("cannot write `{}`: {e}", path.display())
        })
}
