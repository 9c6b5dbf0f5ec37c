//! One render loop for check, build and serve: jobs rendered in parallel batches and handed to a sink.
//!
//! [`Drive::run`] renders jobs in batches of [`BATCH`] on the rayon pool and hands each output
//! file to a [`Sink`]: [`Discard`] (`check`: templates are rendered for their errors, nothing is
//! kept), [`Staging`] (`build`: the publish writer into the staging folder, and the search
//! indexer beside it) or [`InPlace`] (`serve`'s incremental rebuilds: the changed files are kept
//! in memory and written over the served ones only once every one rendered).

use crate::build::Progress;
use crate::diag::Diagnostic;
use crate::output::WriteError;
use crate::publish::Writer;
use crate::render::{Job, OutputFile, Renderer};
use crate::search::{self, Indexer, Prepared};
use anyhow::Result;
use rayon::prelude::*;
use std::borrow::Borrow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock, mpsc};
use std::time::Instant;

/// Jobs rendered between two hand-overs to the sink: this bounds how many rendered files and
/// tokenised documents wait in memory, while the search indexer adds one batch as the next one
/// renders.
pub const BATCH: usize = 256;

/// Memory for search postings before they spill to files (see `search::postings`).
const SEARCH_MEMORY: usize = search::postings::DEFAULT_BUDGET;

/// Where rendered files go. Its methods are called from the rendering threads, with `at` the
/// job's position in the jobs given to [`Drive::run`].
pub trait Sink: Sync {
    /// Whether pages are to give their search documents ([`Sink::docs`] receives them).
    fn wants_docs(&self) -> bool {
        false
    }

    /// Take one rendered file; its length in bytes.
    fn file(&self, at: usize, file: OutputFile) -> Result<u64, WriteError>;

    /// Take the file at `path` that `fill` writes, row by row ([`Renderer::is_streamed`]); its
    /// length in bytes.
    fn stream(
        &self,
        at: usize,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError>;

    /// The search documents of one batch, in job order, while no job has failed yet.
    fn docs(&mut self, _docs: Vec<Prepared>) {}
}

/// What a run of the driver made.
#[derive(Debug, Default)]
pub struct Driven {
    /// The bytes the sink took.
    pub bytes: u64,
    /// The content errors (template errors) of every job, in job order.
    pub errors: Vec<Diagnostic>,
    /// The first file the sink could not write: the run stops after its batch.
    pub write_error: Option<WriteError>,
    /// Time spent tokenising search documents, summed over the rendering threads.
    pub tokenise_ns: u64,
}

/// Why one output file was not made: its content (a template error, reported with every other)
/// or the disk (the run stops).
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

/// The render loop of one renderer.
pub struct Drive<'r, 'a> {
    r: &'r Renderer<'a>,
    progress: Option<Progress<'r>>,
}

/// What one job gave: its length in bytes and, if asked, its search document.
type Done = (u64, Option<Prepared>);

impl<'r, 'a> Drive<'r, 'a> {
    pub fn new(r: &'r Renderer<'a>) -> Self {
        Drive { r, progress: None }
    }

    /// Report (files done, files in all) while rendering, every 64 files and at the end.
    pub fn with_progress(mut self, progress: Option<Progress<'r>>) -> Self {
        self.progress = progress;
        self
    }

    /// Render `jobs` into `sink`, batch after batch; every job is rendered (all content errors
    /// are found) unless the sink cannot write a file.
    pub fn run<J: Borrow<Job> + Sync, S: Sink>(&self, jobs: &[J], sink: &mut S) -> Driven {
        let total = jobs.len() as u64;
        let done = AtomicU64::new(0);
        let tokenise_ns = AtomicU64::new(0);
        let mut out = Driven::default();
        for (b, batch) in jobs.chunks(BATCH).enumerate() {
            // A file that cannot be written is the disk's problem, not the content's: the
            // run stops at the first (a full disk once gave a thousand messages, one a page).
            if out.write_error.is_some() {
                break;
            }
            let results: Vec<Result<Done, JobError>> = {
                let sink = &*sink;
                batch
                    .par_iter()
                    .enumerate()
                    .map(|(k, job)| {
                        let res = self.one(b * BATCH + k, job.borrow(), sink, &tokenise_ns);
                        if res.is_ok() {
                            self.report(&done, total);
                        }
                        res
                    })
                    .collect()
            };
            let mut docs = Vec::new();
            for res in results {
                match res {
                    Ok((len, doc)) => {
                        out.bytes += len;
                        docs.extend(doc);
                    }
                    Err(JobError::Content(d)) => out.errors.push(d),
                    Err(JobError::Write(e)) => {
                        out.write_error.get_or_insert(e);
                    }
                }
            }
            if out.errors.is_empty() && out.write_error.is_none() && !docs.is_empty() {
                sink.docs(docs);
            }
        }
        out.tokenise_ns = tokenise_ns.into_inner();
        out
    }

    /// Render job `at` into `sink`; its search document tokenised, when the sink wants it.
    fn one<S: Sink>(
        &self,
        at: usize,
        job: &Job,
        sink: &S,
        tokenise_ns: &AtomicU64,
    ) -> Result<Done, JobError> {
        let r = self.r;
        let (len, doc) = if Renderer::is_streamed(job) {
            let path = r.path_of(job);
            (sink.stream(at, &path, &mut |w| r.write_into(job, w))?, None)
        } else {
            let (file, doc) = r.render_with_doc(job, sink.wants_docs())?;
            (sink.file(at, file)?, doc)
        };
        let doc = doc.map(|d| {
            let t = Instant::now();
            let doc = search::prepare(d);
            tokenise_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            doc
        });
        Ok((len, doc))
    }

    /// Count one job done, and tell the progress callback every 64 jobs and at the end.
    fn report(&self, done: &AtomicU64, total: u64) {
        if let Some(report) = self.progress {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n % 64 == 0 || n == total {
                report(n, total);
            }
        }
    }
}

/// `check`'s sink: files are rendered for their errors and dropped.
pub struct Discard;

impl Sink for Discard {
    fn file(&self, _at: usize, file: OutputFile) -> Result<u64, WriteError> {
        Ok(file.bytes.len() as u64)
    }

    fn stream(
        &self,
        _at: usize,
        _path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError> {
        let mut counted = Counted(0);
        fill(&mut counted).expect("the open data files fail only when their writer does");
        Ok(counted.0)
    }
}

/// A writer that keeps nothing and counts the bytes written into it.
struct Counted(u64);

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `build`'s sink: each file written by the publish [`Writer`] into the staging folder, and the
/// search documents of each batch handed to the indexer thread (when the theme has search).
pub struct Staging<'w> {
    writer: &'w Writer<'w>,
    indexer: Option<mpsc::SyncSender<Vec<Prepared>>>,
}

impl Sink for Staging<'_> {
    fn wants_docs(&self) -> bool {
        self.indexer.is_some()
    }

    fn file(&self, _at: usize, file: OutputFile) -> Result<u64, WriteError> {
        self.writer.write(&file)?;
        Ok(file.bytes.len() as u64)
    }

    fn stream(
        &self,
        _at: usize,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError> {
        self.writer.write_with(path, fill)
    }

    fn docs(&mut self, docs: Vec<Prepared>) {
        if let Some(tx) = &self.indexer {
            // A closed channel means the indexer stopped on an error, which its join reports.
            let _ = tx.send(docs);
        }
    }
}

/// What [`stage`] did: the driver's run, the search index's, and when each ended.
pub struct Staged {
    pub driven: Driven,
    /// The search index's statistics or error, when the theme has search.
    pub index: Option<Result<search::Stats>>,
    /// When the last job was written.
    pub rendered: Instant,
    /// The process's peak memory then.
    pub rendered_peak: Option<u64>,
    /// When the search index was finished.
    pub indexed: Instant,
}

/// Render `jobs` through `drive` into `writer`'s staging folder `staging_dir`, with the search
/// index of the searchable pages when the theme has a search page.
pub fn stage(drive: &Drive, jobs: &[Job], writer: &Writer, staging_dir: &Path) -> Staged {
    // Index files go straight into the staging folder, from the indexer thread and, while the
    // index is finished, from the rayon pool; postings past the budget spill into a folder
    // inside staging that is removed before the swap (or with the staging folder on failure).
    let write = |file: OutputFile| -> Result<()> { Ok(writer.write(&file)?) };
    let spill_dir = staging_dir.join(".duixian-search-spill");
    std::thread::scope(|scope| {
        // Batches go to the indexer in job order, so the index is the same on every build.
        let (tx, rx) = mpsc::sync_channel::<Vec<Prepared>>(1);
        let write = &write;
        let indexer = drive
            .r
            .has_search()
            .then(|| scope.spawn(move || index_docs(rx, write, spill_dir)));
        let mut sink = Staging {
            writer,
            indexer: indexer.is_some().then_some(tx),
        };
        let driven = drive.run(jobs, &mut sink);
        drop(sink);
        let rendered = Instant::now();
        let rendered_peak = crate::build::peak_memory();
        let index = indexer.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the search indexer crashed")))
        });
        Staged {
            driven,
            index,
            rendered,
            rendered_peak,
            indexed: Instant::now(),
        }
    })
}

/// Index the documents that arrive, in order, writing the index files to `sink`.
fn index_docs(
    rx: mpsc::Receiver<Vec<Prepared>>,
    sink: &search::Sink,
    spill_dir: PathBuf,
) -> Result<search::Stats> {
    let mut indexer = Indexer::new(sink, spill_dir, SEARCH_MEMORY);
    for batch in rx {
        for doc in batch {
            indexer.add(doc)?;
        }
    }
    indexer.finish()
}

/// `serve`'s sink for an incremental rebuild: the changed files kept in memory, to be written
/// over the served files ([`InPlace::write`]) only once all of them rendered, so that the
/// served output is untouched when one fails.
#[derive(Default)]
pub struct InPlace {
    files: Mutex<Vec<(usize, OutputFile)>>,
}

impl Sink for InPlace {
    fn file(&self, at: usize, file: OutputFile) -> Result<u64, WriteError> {
        let len = file.bytes.len() as u64;
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((at, file));
        Ok(len)
    }

    fn stream(
        &self,
        at: usize,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError> {
        let mut bytes = Vec::new();
        fill(&mut bytes).expect("writing to memory cannot fail");
        let path = path.to_string();
        self.file(at, OutputFile { path, bytes })
    }
}

impl InPlace {
    /// Write the files over those of `out`, in parallel, holding `lock` for writing meanwhile
    /// (the server reads through it: no request sees half a file); in job order, each file's
    /// path and its length or why it could not be written.
    pub fn write(self, out: &Path, lock: &RwLock<()>) -> Vec<(String, Result<u64>)> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_unstable_by_key(|(at, _)| *at);
        // In place: a temporary file and a rename for each file cost far more on ext4
        // (docs/serve.md, "Status edits").
        let written: Vec<Result<u64>> = {
            let _no_reads = lock.write().unwrap_or_else(|e| e.into_inner());
            files
                .par_iter()
                .map(|(_, f)| write_in_place(out, &f.path, &f.bytes).map(|()| f.bytes.len() as u64))
                .collect()
        };
        files
            .into_iter()
            .map(|(_, f)| f.path)
            .zip(written)
            .collect()
    }
}

/// Make `out/rel` hold `bytes`, writing over its blocks (not truncating it first: ext4 frees and
/// allocates the blocks again then) and cutting it to the new length.
fn write_in_place(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{Cleanup, WriteTo, load_site, renderer_and_theme, write_all};
    use crate::model::BuildOptions;
    use crate::publish::Publish;
    use crate::render::data::PledgeRows;
    use std::sync::Arc;

    /// `serve` writes `data/pledges.{json,csv}` from its kept rows through the in-place sink;
    /// `build` makes the rows from the model as it streams them into the staging folder. Both
    /// must give the same bytes.
    #[test]
    fn kept_rows_in_place_give_the_bytes_of_a_full_build() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full");
        let (site, _) = load_site(&root, &BuildOptions::default()).expect("the fixture builds");
        let (mut r, theme) = renderer_and_theme(&root, &site).expect("the theme loads");
        let jobs = [Job::PledgesJson, Job::PledgesCsv];
        let dir = tempfile::tempdir().expect("a temporary folder");

        let full = dir.path().join("full");
        let to = WriteTo {
            output: &full,
            progress: None,
            cleanup: Cleanup::Now,
            publish: &Publish::default(),
        };
        write_all(&r, &jobs, &to, Instant::now(), Vec::new()).expect("the full build writes");

        let mut rows = PledgeRows::default();
        rows.update(&site, &r.row_inputs(&r.inputs(theme)));
        r.use_kept_rows(Arc::new(rows));
        let served = dir.path().join("served");
        let mut sink = InPlace::default();
        let driven = Drive::new(&r).run(&jobs, &mut sink);
        assert!(driven.errors.is_empty());
        let written = sink.write(&served, &RwLock::new(()));

        assert_eq!(written.len(), 2);
        for (path, w) in written {
            let len = w.expect("written in place");
            let kept = std::fs::read(served.join(&path)).expect("the served file");
            let made = std::fs::read(full.join(&path)).expect("the built file");
            assert_eq!(len, kept.len() as u64, "{path}");
            assert!(made.len() > 200, "{path} holds the fixture's pledges");
            assert!(kept == made, "{path}: kept rows differ from a full build's");
        }
    }
}
