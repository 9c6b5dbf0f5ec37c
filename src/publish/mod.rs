//! What `build` does for static hosts while it writes the staging folder: files whose bytes
//! equal the previous output's are hard-linked from it (same bytes, same modification time, so
//! `rsync -a` and `s3 sync` skip them), `.gz`/`.br` twins are made beside text files, and the
//! added, changed and removed paths are listed for CDN purges.
//!
//! Whether a file is unchanged is read from the [`manifest`] of the previous build (a content
//! hash per file, trusted only while the file's length, time and inode are as recorded), so
//! that the previous files are read only when the manifest does not know them. The previous
//! output is never written to: a link adds a name to its file, and the swap and the "previous
//! output untouched" guarantees of [`crate::output`] stay as they were.

pub mod compress;
pub mod manifest;

use crate::output::OutputFile;
use crate::output::WriteError;
use crate::output::{MARKER, Staging};
use anyhow::{Context as _, Result};
use manifest::{Entry, Hash, Manifest, Stamp};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What `build` does besides writing the site.
#[derive(Debug, Clone, Default)]
pub struct Publish {
    /// Link files whose bytes did not change from the previous output and keep the manifest
    /// beside the output (`build` always does; `serve` does not).
    pub keep_unchanged: bool,
    /// Write `.gz` and `.br` twins of text files (`build --precompress`).
    pub precompress: bool,
    /// Write the list of added, changed and removed paths here (`build --changes FILE`).
    pub changes: Option<PathBuf>,
}

impl Publish {
    /// What `duixian build` does without options.
    pub fn build() -> Publish {
        Publish {
            keep_unchanged: true,
            ..Publish::default()
        }
    }
}

/// How a file of the new output compares with the previous output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Same,
}

/// What a build did for hosts, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishSummary {
    /// Files kept from the previous output (linked, or copied with their time).
    pub kept: usize,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// `.gz` and `.br` twins in the output, and their bytes.
    pub twins: usize,
    pub twin_bytes: u64,
    /// The bytes of the files that have twins.
    pub twinned_bytes: u64,
}

/// The new file's bytes: in memory, or already in the staging folder (streamed files).
#[derive(Clone, Copy)]
enum Src<'b> {
    Bytes(&'b [u8]),
    Staged,
    /// Nothing new: a twin kept from the previous output without compressing again.
    Previous,
}

struct Record {
    path: String,
    entry: Entry,
    change: Change,
    /// For a twin: the length of the file it compresses.
    twin_of: Option<u64>,
}

/// Writes output files into a staging folder, keeping the previous output's unchanged files.
pub struct Writer<'a> {
    staging: &'a Staging,
    opts: &'a Publish,
    /// The previous output folder, if there is one and unchanged files are kept.
    previous: Option<PathBuf>,
    manifest: Option<Manifest>,
    /// The previous output's files when it had no manifest and changes were asked for.
    walked: Option<BTreeSet<String>>,
    records: Mutex<Vec<Record>>,
}

impl<'a> Writer<'a> {
    /// A writer into `staging`, whose output folder is `output`.
    pub fn new(staging: &'a Staging, output: &Path, opts: &'a Publish) -> Writer<'a> {
        let previous = (opts.keep_unchanged && output.is_dir()).then(|| output.to_path_buf());
        let manifest = previous.as_ref().and_then(|_| Manifest::load(output));
        let walked = match (&previous, &manifest, &opts.changes) {
            (Some(dir), None, Some(_)) => Some(walk(dir)),
            _ => None,
        };
        Writer {
            staging,
            opts,
            previous,
            manifest,
            walked,
            records: Mutex::new(Vec::new()),
        }
    }

    /// Write one rendered file (and its twins).
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        if !self.opts.keep_unchanged {
            self.staging.write(file)?;
            return self.plain_twins(&file.path, &file.bytes);
        }
        let hash = manifest::hash(&file.bytes);
        let src = Src::Bytes(&file.bytes);
        let (change, trusted) = self.put(&file.path, src, hash, None)?;
        self.twins(&file.path, src, change, trusted)
    }

    /// Write the file `rel` through `fill` (and its twins); its length in bytes.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError> {
        if !self.opts.keep_unchanged && !self.opts.precompress {
            return self.staging.write_with(rel, fill);
        }
        let mut hasher = blake3::Hasher::new();
        let len = self.staging.write_with(rel, |w| {
            fill(&mut Tee {
                inner: w,
                hasher: &mut hasher,
            })
        })?;
        if !self.opts.keep_unchanged {
            self.plain_twins(rel, &self.read_staged(rel)?)?;
            return Ok(len);
        }
        let mut hash = [0; 16];
        hash.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        let (change, trusted) = self.put(rel, Src::Staged, hash, None)?;
        self.twins(rel, Src::Staged, change, trusted)?;
        Ok(len)
    }

    /// The twins of `path`, compressed and written, without comparing with a previous output.
    fn plain_twins(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if !self.opts.precompress || !compress::wanted(path) {
            return Ok(());
        }
        for (ext, f) in compress::ENCODINGS {
            let z = f(bytes);
            if z.len() < bytes.len() {
                self.staging.write(&OutputFile {
                    path: format!("{path}{ext}"),
                    bytes: z,
                })?;
            }
        }
        Ok(())
    }

    fn read_staged(&self, rel: &str) -> Result<Vec<u8>, WriteError> {
        std::fs::read(self.staging.dir.join(rel)).map_err(|e| self.staging.write_error(rel, e))
    }

    /// The previous build's entry for `path`, if its file is still as recorded.
    fn trusted_entry(&self, path: &str) -> Option<(&Entry, PathBuf)> {
        let dir = self.previous.as_ref()?;
        let e = self.manifest.as_ref()?.files.get(path)?;
        let old = dir.join(path);
        (Stamp::of(&old).ok()? == e.stamp).then_some((e, old))
    }

    /// Put the file `path` with content `hash` into the staging folder: linked from the previous
    /// output when its bytes are the same there, written otherwise. How it compares, and whether
    /// that was known from the manifest (rather than by reading the previous file).
    fn put(
        &self,
        path: &str,
        src: Src,
        hash: Hash,
        twin_of: Option<u64>,
    ) -> Result<(Change, bool), WriteError> {
        let Some(dir) = &self.previous else {
            self.write_new(path, src)?;
            self.record(path, hash, Change::Added, twin_of)?;
            return Ok((Change::Added, false));
        };
        let old = dir.join(path);
        if let Some((e, old)) = self.trusted_entry(path) {
            if e.hash == hash {
                let stamp = self.keep(path, &old, src, e.stamp)?;
                self.push(path, hash, stamp, Change::Same, twin_of);
                return Ok((Change::Same, true));
            }
            self.write_new(path, src)?;
            self.record(path, hash, Change::Changed, twin_of)?;
            return Ok((Change::Changed, true));
        }
        // Not known from the manifest: compare with the previous file's bytes.
        let change = match std::fs::symlink_metadata(&old) {
            Ok(m) if m.is_file() => {
                let same = m.len() == self.len_of(path, src)?
                    && std::fs::read(&old).is_ok_and(|b| match src {
                        Src::Bytes(new) => b == new,
                        Src::Staged => self.read_staged(path).is_ok_and(|new| b == new),
                        Src::Previous => false,
                    });
                if same {
                    let stamp = self.keep(path, &old, src, Stamp::from_meta(&m))?;
                    self.push(path, hash, stamp, Change::Same, twin_of);
                    return Ok((Change::Same, false));
                }
                Change::Changed
            }
            _ => Change::Added,
        };
        self.write_new(path, src)?;
        self.record(path, hash, change, twin_of)?;
        Ok((change, false))
    }

    fn len_of(&self, path: &str, src: Src) -> Result<u64, WriteError> {
        match src {
            Src::Bytes(b) => Ok(b.len() as u64),
            Src::Staged | Src::Previous => std::fs::metadata(self.staging.dir.join(path))
                .map(|m| m.len())
                .map_err(|e| self.staging.write_error(path, e)),
        }
    }

    fn write_new(&self, path: &str, src: Src) -> Result<(), WriteError> {
        match src {
            Src::Bytes(bytes) => self.staging.write(&OutputFile {
                path: path.to_string(),
                bytes: bytes.to_vec(),
            }),
            Src::Staged | Src::Previous => Ok(()),
        }
    }

    /// The previous file `old` into the staging folder as `path`: a hard link, or where the file
    /// system refuses one, the new bytes with the previous file's time. The file's stamp.
    fn keep(&self, path: &str, old: &Path, src: Src, was: Stamp) -> Result<Stamp, WriteError> {
        let new = self.staging.dir.join(path);
        if let Src::Staged = src {
            std::fs::remove_file(&new).map_err(|e| self.staging.write_error(path, e))?;
        }
        let linked = std::fs::hard_link(old, &new).or_else(|e| {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(e);
            }
            let parent = new
                .parent()
                .expect("a file in the staging folder has a parent");
            std::fs::create_dir_all(parent)?;
            std::fs::hard_link(old, &new)
        });
        if linked.is_ok() {
            // One file under two names: the same time and inode.
            return Ok(was);
        }
        // Copy: the bytes are the same; the time is the previous file's.
        let bytes = match src {
            Src::Bytes(b) => b.to_vec(),
            Src::Staged | Src::Previous => {
                std::fs::read(old).map_err(|e| self.staging.write_error(path, e))?
            }
        };
        let _ = std::fs::remove_file(&new);
        self.staging.write(&OutputFile {
            path: path.to_string(),
            bytes,
        })?;
        let time =
            std::time::UNIX_EPOCH + std::time::Duration::new(was.secs.max(0) as u64, was.nanos);
        std::fs::File::options()
            .write(true)
            .open(&new)
            .and_then(|f| f.set_modified(time))
            .map_err(|e| self.staging.write_error(path, e))?;
        Stamp::of(&new).map_err(|e| self.staging.write_error(path, e))
    }

    /// Make the `.gz`/`.br` twins of `path`; `trusted`: its sameness was known from a manifest,
    /// so the previous build's twins (or their absence) are those of the same bytes.
    fn twins(&self, path: &str, src: Src, change: Change, trusted: bool) -> Result<(), WriteError> {
        if !self.opts.precompress || !compress::wanted(path) {
            return Ok(());
        }
        let same_settings = self
            .manifest
            .as_ref()
            .and_then(|m| m.precompress.as_deref())
            == Some(compress::settings().as_str());
        let reuse = change == Change::Same && trusted && same_settings;
        let mut bytes: Option<std::borrow::Cow<[u8]>> = None;
        for (ext, f) in compress::ENCODINGS {
            let twin = format!("{path}{ext}");
            if reuse {
                let had = self.manifest.as_ref().and_then(|m| m.files.get(&twin));
                if had.is_none() {
                    // The previous build found that compressing did not save bytes.
                    continue;
                }
                if let Some((e, old)) = self.trusted_entry(&twin) {
                    let len = self.len_of(path, src)?;
                    let stamp = self.keep(&twin, &old, Src::Previous, e.stamp)?;
                    self.push(&twin, e.hash, stamp, Change::Same, Some(len));
                    continue;
                }
            }
            let bytes = match &mut bytes {
                Some(b) => b,
                none => none.insert(match src {
                    Src::Bytes(b) => std::borrow::Cow::Borrowed(b),
                    Src::Staged | Src::Previous => std::borrow::Cow::Owned(self.read_staged(path)?),
                }),
            };
            let z = f(bytes);
            if z.len() < bytes.len() {
                let h = manifest::hash(&z);
                self.put(&twin, Src::Bytes(&z), h, Some(bytes.len() as u64))?;
            }
        }
        Ok(())
    }

    /// Note a file written anew, with its stamp read from the staging folder.
    fn record(
        &self,
        path: &str,
        hash: Hash,
        change: Change,
        twin_of: Option<u64>,
    ) -> Result<(), WriteError> {
        let stamp = Stamp::of(&self.staging.dir.join(path))
            .map_err(|e| self.staging.write_error(path, e))?;
        self.push(path, hash, stamp, change, twin_of);
        Ok(())
    }

    fn push(&self, path: &str, hash: Hash, stamp: Stamp, change: Change, twin_of: Option<u64>) {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Record {
                path: path.to_string(),
                entry: Entry { hash, stamp },
                change,
                twin_of,
            });
    }

    /// The manifest of the new output and the list of changes, once every file is written.
    pub fn finish(self) -> Finished {
        let records = self.records.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut summary = PublishSummary::default();
        let mut changes: Vec<(char, String)> = Vec::new();
        let mut manifest = Manifest {
            precompress: self.opts.precompress.then(compress::settings),
            ..Manifest::default()
        };
        for r in records {
            match r.change {
                Change::Same => summary.kept += 1,
                Change::Added => {
                    summary.added += 1;
                    changes.push(('A', r.path.clone()));
                }
                Change::Changed => {
                    summary.changed += 1;
                    changes.push(('M', r.path.clone()));
                }
            }
            if let Some(len) = r.twin_of {
                summary.twins += 1;
                summary.twin_bytes += r.entry.stamp.len;
                summary.twinned_bytes += len;
            }
            manifest.files.insert(r.path, r.entry);
        }
        let before: Box<dyn Iterator<Item = &String>> = match (&self.manifest, &self.walked) {
            (Some(m), _) => Box::new(m.files.keys()),
            (None, Some(w)) => Box::new(w.iter()),
            (None, None) => Box::new(std::iter::empty()),
        };
        for p in before {
            if !manifest.files.contains_key(p) {
                summary.removed += 1;
                changes.push(('D', p.clone()));
            }
        }
        changes.sort_by(|a, b| a.1.cmp(&b.1));
        Finished {
            keep: self.opts.keep_unchanged,
            changes_file: self.opts.changes.clone(),
            manifest,
            changes,
            summary,
        }
    }
}

/// What a finished [`Writer`] knows, to be saved once the new output is in place.
pub struct Finished {
    keep: bool,
    changes_file: Option<PathBuf>,
    pub manifest: Manifest,
    /// `(marker, path)`, sorted by path: `A` added, `M` changed, `D` removed.
    pub changes: Vec<(char, String)>,
    pub summary: PublishSummary,
}

impl Finished {
    /// Save the manifest beside `output` and write the list of changes, after the swap.
    pub fn save(&self, output: &Path) -> Result<()> {
        if self.keep {
            self.manifest.save(output)?;
        }
        if let Some(file) = &self.changes_file {
            let mut text = String::new();
            for (m, p) in &self.changes {
                text.push(*m);
                text.push(' ');
                text.push_str(p);
                text.push('\n');
            }
            std::fs::write(file, text).with_context(|| {
                format!(
                    "the site was built, but the list of changes could not be written to `{}`",
                    file.display()
                )
            })?;
        }
        Ok(())
    }
}

/// The files below `dir`, `/`-separated, without duixian's marker.
fn walk(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel != MARKER).then_some(rel)
        })
        .collect()
}

/// A writer that also hashes what passes through it.
struct Tee<'w> {
    inner: &'w mut dyn Write,
    hasher: &'w mut blake3::Hasher,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
