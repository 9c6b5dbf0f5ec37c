//! Writing the output folder: every file into a staging folder beside it, swapped in only when
//! the whole build succeeded, so a failed or killed build leaves the previous output as it was.
//!
//! The swap is one atomic `renameat2(RENAME_EXCHANGE)` on Linux, so the output folder is at
//! every instant either the complete previous site or the complete new one. Elsewhere (or on a
//! file system without it) the previous output is moved aside first, and a build killed
//! between the two renames is repaired by the next one, which moves it back. Builds into one
//! output take turns, holding a lock file beside it (`.duixian-lock-<name>`, removed when they
//! are done) from before they look for leftovers until their swap is done; each also locks its
//! staging folder, and only unlocked leftovers are removed.

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// One file of the output: its path relative to the output folder, and its bytes.
#[derive(Debug)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The file duixian leaves in every output folder it writes; only such folders are replaced.
pub const MARKER: &str = ".duixian-output";

/// Refuse output folders whose replacement would destroy something duixian did not write.
/// Returns the output path with every symbolic link resolved: the folder that will be replaced.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    check_output_dir_with_home(root, output, home.as_deref())
}

/// [`check_output_dir`] with the home folder given (tests pass their own).
pub fn check_output_dir_with_home(
    root: &Path,
    output: &Path,
    home: Option<&Path>,
) -> Result<PathBuf> {
    let shown = output.display();
    if let Ok(meta) = std::fs::symlink_metadata(output)
        && meta.file_type().is_symlink()
        && std::fs::metadata(output).is_err()
    {
        bail!(
            "output `{shown}` is a symbolic link to nothing: remove it or choose another --output"
        );
    }
    let out = resolve(output).with_context(|| format!("cannot resolve output `{shown}`"))?;
    let root =
        resolve(root).with_context(|| format!("cannot resolve site `{}`", root.display()))?;
    let is_link = out.as_path() != absolute(output).as_path();
    let via = if is_link {
        format!(" (`{}` leads there)", output.display())
    } else {
        String::new()
    };
    let out_shown = out.display();
    if out.parent().is_none() {
        bail!(
            "refusing to use `{out_shown}` as the output folder{via}: it is the file system root"
        );
    }
    if root.starts_with(&out) {
        let what = if root == out {
            "it is the site folder itself"
        } else {
            "it contains the site folder"
        };
        bail!("refusing to use `{out_shown}` as the output folder{via}: {what}");
    }
    for inside in ["content", "themes", "templates", "static", "seeds"] {
        if out.starts_with(root.join(inside)) {
            bail!(
                "refusing to use `{out_shown}` as the output folder{via}: it is inside the site's {inside}/ folder"
            );
        }
    }
    if let Some(home) = home.and_then(|h| resolve(h).ok())
        && home.starts_with(&out)
    {
        bail!(
            "refusing to use `{out_shown}` as the output folder{via}: it is or contains your home folder `{}`",
            home.display()
        );
    }
    check_replaceable(&out)?;
    Ok(out)
}

/// Whether `out` may be replaced: missing, empty, or a folder carrying duixian's marker.
fn check_replaceable(out: &Path) -> Result<()> {
    let Ok(meta) = std::fs::metadata(out) else {
        return Ok(());
    };
    if !meta.is_dir() {
        bail!("output `{}` is a file, not a folder", out.display());
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let non_empty = std::fs::read_dir(out)
        .with_context(|| format!("cannot read `{}`", out.display()))?
        .next()
        .is_some();
    if non_empty {
        bail!(
            "refusing to replace `{}`: it is not empty and was not written by duixian (no {MARKER} file). Choose another --output or empty it yourself",
            out.display()
        );
    }
    Ok(())
}

/// `p` made absolute against the current folder, `.` and `..` removed lexically.
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The real path of `p`: symbolic links resolved in the part that exists, the rest appended.
fn resolve(p: &Path) -> std::io::Result<PathBuf> {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut existing = p.as_path();
    let mut rest: Vec<Component> = Vec::new();
    loop {
        match std::fs::canonicalize(existing) {
            Ok(real) => {
                let mut out = real;
                for c in rest.iter().rev() {
                    match c {
                        Component::ParentDir => {
                            out.pop();
                        }
                        Component::CurDir => {}
                        other => out.push(other.as_os_str()),
                    }
                }
                return Ok(out);
            }
            Err(e) => {
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(e);
                };
                rest.push(last);
                existing = parent;
            }
        }
    }
}

/// A staging folder beside `output`; leftovers of earlier killed builds are removed first.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    /// The staging folder, open: files are created relative to it, so that each path is looked
    /// up from here rather than from the root of the file system.
    #[cfg(unix)]
    handle: std::os::fd::OwnedFd,
    /// Held while the build runs, so that a concurrent build does not take this folder for a
    /// leftover; released by the operating system if the process dies.
    _lock: lock::DirLock,
    /// Leftovers of earlier builds that could not be removed, for the editor to remove.
    pub notices: Vec<String>,
    /// Held from before the leftovers are looked at until the swap is done, so that builds into
    /// one output take turns (declared last: released after the staging folder's lock).
    _output_lock: lock::OutputLock,
}

const TMP: &str = "tmp";
const OLD: &str = "old";

fn folder_name(output: &Path) -> Result<String> {
    Ok(output
        .file_name()
        .context("output path has no folder name")?
        .to_string_lossy()
        .into_owned())
}

fn sibling(output: &Path, tag: &str) -> Result<PathBuf> {
    let name = folder_name(output)?;
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(parent.join(format!(".duixian-{tag}-{name}-{}", std::process::id())))
}

/// Remove what killed builds left beside `output`: staging folders, and a previous output that
/// was moved aside; if the output itself is missing, that previous output is put back instead.
/// Returns what could not be removed, as messages for the editor.
fn recover_leftovers(parent: &Path, name: &str, output: &Path) -> Vec<String> {
    let mut notices = Vec::new();
    let Ok(rd) = std::fs::read_dir(parent) else {
        return notices;
    };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        for tag in [TMP, OLD] {
            let prefix = format!(".duixian-{tag}-{name}-");
            if let Some(pid) = n.strip_prefix(&prefix)
                && !pid.is_empty()
                && pid.chars().all(|c| c.is_ascii_digit())
            {
                found.push((tag.to_string(), e.path()));
            }
        }
    }
    // A previous output moved aside comes back first, so that the output is never lost.
    found.sort_by_key(|(tag, _)| tag != OLD);
    for (tag, path) in found {
        // A folder locked by a running build is not a leftover.
        let Some(_held) = lock::DirLock::try_acquire(&path) else {
            continue;
        };
        if tag == OLD
            && std::fs::symlink_metadata(output).is_err()
            && std::fs::rename(&path, output).is_ok()
        {
            continue;
        }
        if let Err(e) = remove_tree(&path) {
            notices.push(not_removed(&path, &e));
        }
    }
    notices
}

/// The message for a leftover folder that could not be removed.
fn not_removed(path: &Path, e: &std::io::Error) -> String {
    format!(
        "could not remove `{}`, a previous output or staging folder of this output: {e}; remove it yourself (it is not used)",
        path.display()
    )
}

/// Remove `dir`, a staging or previous-output folder of a process that has ended, unless a
/// running build holds its lock.
pub fn remove_leftover(dir: &Path) {
    if let Some(_held) = lock::DirLock::try_acquire(dir) {
        let _ = remove_tree(dir);
    }
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging> {
        let name = folder_name(output)?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
        // Another build writing this output finishes first: two builds that each took the
        // other's new staging folder for a leftover failed (1 in 30 concurrent builds).
        let lock_path = parent.join(format!(".duixian-lock-{name}"));
        let output_lock = lock::OutputLock::acquire(&lock_path).with_context(|| {
            format!(
                "cannot lock `{}`, which keeps two builds from writing `{}` at once",
                lock_path.display(),
                output.display()
            )
        })?;
        let notices = recover_leftovers(&parent, &name, output);
        let dir = sibling(output, TMP)?;
        if dir.exists() {
            // Only possible if this process id was used by a killed build before.
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create staging folder `{}`", dir.display()))?;
        let lock = lock::DirLock::try_acquire(&dir)
            .with_context(|| format!("cannot lock staging folder `{}`", dir.display()))?;
        #[cfg(unix)]
        let handle = rustix::fs::open(
            &dir,
            rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .with_context(|| format!("cannot open staging folder `{}`", dir.display()))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            #[cfg(unix)]
            handle,
            _lock: lock,
            notices,
            _output_lock: output_lock,
        })
    }

    /// Write one rendered file into the staging folder.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let mut f = self.create_file(&file.path)?;
        f.write_all(&file.bytes)
            .map_err(|e| self.write_error(&file.path, e))
    }

    /// Write the file `rel` of the staging folder through `fill`, buffered, without holding
    /// it in memory; its length in bytes.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<u64, WriteError> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, self.create_file(rel)?);
        fill(&mut w)
            .and_then(|()| w.flush())
            .map_err(|e| self.write_error(rel, e))?;
        let f = w
            .into_inner()
            .map_err(|e| self.write_error(rel, e.into_error()))?;
        f.metadata()
            .map(|m| m.len())
            .map_err(|e| self.write_error(rel, e))
    }

    fn create_file(&self, rel: &str) -> Result<File, WriteError> {
        // Most files go into a folder that exists already: try first, create folders on demand.
        match self.open_new(rel) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = self.dir.join(rel).parent() {
                    std::fs::create_dir_all(parent).map_err(|source| WriteError {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                self.open_new(rel).map_err(|e| self.write_error(rel, e))
            }
            Err(e) => Err(self.write_error(rel, e)),
        }
    }

    /// `File::create` of `rel` in the staging folder.
    #[cfg(unix)]
    fn open_new(&self, rel: &str) -> std::io::Result<File> {
        use rustix::fs::{Mode, OFlags, openat};
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = openat(&self.handle, rel, flags, Mode::from_raw_mode(0o666))?;
        Ok(File::from(fd))
    }

    #[cfg(not(unix))]
    fn open_new(&self, rel: &str) -> std::io::Result<File> {
        File::create(self.dir.join(rel))
    }

    /// Replace the output folder with the staging folder, and remove the previous output; a
    /// message for the editor if that could not be removed (the next build tries again).
    pub fn commit(self) -> Result<Option<String>> {
        let old = self.swap()?;
        // Removed before the locks are released, so that no other build removes it at once.
        Ok(old.and_then(|old| remove_tree(&old).err().map(|e| not_removed(&old, &e))))
    }

    /// [`Staging::commit`], but hand back the folder that now holds the previous output instead
    /// of removing it, for callers that remove it later (`serve` does, after the reload). If it
    /// is never removed, the next build removes it as an unlocked leftover.
    pub fn commit_keeping_old(self) -> Result<Option<PathBuf>> {
        self.swap()
    }

    /// Swap the staging folder in; the folder that now holds the previous output, if any.
    fn swap(&self) -> Result<Option<PathBuf>> {
        let marker = self.dir.join(MARKER);
        std::fs::write(
            &marker,
            "This folder is written by duixian build; it is replaced whole by every build.\n",
        )
        .with_context(|| format!("cannot write `{}`", marker.display()))?;
        // The output may have changed while the site was rendered: check it again.
        if let Err(e) = check_replaceable(&self.output) {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        if std::fs::symlink_metadata(&self.output).is_err() {
            return std::fs::rename(&self.dir, &self.output)
                .map(|()| None)
                .with_context(|| {
                    format!(
                        "cannot move the new output into `{}`",
                        self.output.display()
                    )
                });
        }
        match exchange(&self.dir, &self.output) {
            // The staging folder now holds the previous output. If removing it fails or is cut
            // short, the next build removes the rest.
            Ok(true) => Ok(Some(self.dir.clone())),
            Ok(false) => self.move_aside_and_rename().map(Some),
            Err(e) => Err(e).with_context(|| {
                format!(
                    "cannot swap the new output into `{}`",
                    self.output.display()
                )
            }),
        }
    }

    /// The portable swap: previous output aside, new one in, previous one removed. A kill
    /// between the first two steps is repaired by [`recover_leftovers`].
    fn move_aside_and_rename(&self) -> Result<PathBuf> {
        let old = sibling(&self.output, OLD)?;
        // Lock the previous output before it becomes `old`, so that a concurrent build does not
        // take it for a leftover in the moment before the new output is in place.
        let held = lock::DirLock::try_acquire(&self.output);
        std::fs::rename(&self.output, &old).with_context(|| {
            format!(
                "cannot move the previous output `{}` aside",
                self.output.display()
            )
        })?;
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&old, &self.output);
            return Err(e).with_context(|| {
                format!(
                    "cannot move the new output into `{}`",
                    self.output.display()
                )
            });
        }
        drop(held);
        Ok(old)
    }

    /// Give up: remove the staging folder, leaving the output untouched.
    pub fn abandon(self) {
        let _ = remove_tree(&self.dir);
    }
}

/// `remove_dir_all`, with the entries of each folder removed in parallel: removing tens of
/// thousands of small files is the file system's work per file, and it spreads over the cores.
/// Links are removed, never followed; `dir` itself must not be a link (a planted link would
/// lead the removal into a folder that is not ours). A folder without write permission for its
/// owner (a previous output made read-only) is given it first, so that it can be emptied: `dir`
/// is a folder duixian wrote and is removing.
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(std::io::Error::other(format!(
            "`{}` is a symbolic link, not a folder duixian made: left as it is",
            dir.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if meta.is_dir() && mode & 0o700 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Atomically exchange two folders. `Ok(false)` when the system or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(unix)]
mod lock {
    //! An advisory `flock` on a folder, released when the holder exits or is killed.
    use std::fs::File;
    use std::path::Path;

    pub struct DirLock(#[allow(dead_code)] File);

    /// An exclusive lock on the file at a path beside the output, removed when released, so
    /// that nothing stays behind. A build that locked a file the previous holder had just
    /// removed sees that the path no longer leads to it, and locks the path again.
    pub struct OutputLock {
        path: std::path::PathBuf,
        /// Closed (unlocked) after `drop` removed the path.
        _file: File,
    }

    impl OutputLock {
        /// Lock `path` (created if missing), waiting while another process holds it.
        pub fn acquire(path: &Path) -> std::io::Result<OutputLock> {
            use rustix::fs::{FlockOperation, flock, fstat, stat};
            loop {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(path)?;
                flock(&file, FlockOperation::LockExclusive)?;
                let held = fstat(&file)?;
                match stat(path) {
                    Ok(now) if (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino) => {
                        return Ok(OutputLock {
                            path: path.to_path_buf(),
                            _file: file,
                        });
                    }
                    // Removed or replaced by the holder before us: lock the path as it is now.
                    Ok(_) => {}
                    Err(e) if e == rustix::io::Errno::NOENT => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    impl Drop for OutputLock {
        fn drop(&mut self) {
            // Removed while still locked: whoever waits on this file then finds the path gone.
            let _ = std::fs::remove_file(&self.path);
        }
    }

    impl DirLock {
        /// Lock the folder at `path`; `None` if another process holds it or it cannot be opened.
        pub fn try_acquire(path: &Path) -> Option<DirLock> {
            use rustix::fs::{FlockOperation, flock};
            let f = File::open(path).ok()?;
            flock(&f, FlockOperation::NonBlockingLockExclusive).ok()?;
            Some(DirLock(f))
        }
    }
}

#[cfg(not(unix))]
mod lock {
    //! No folder locks here: every leftover is taken for a killed build's.
    use std::path::Path;

    pub struct DirLock;

    impl DirLock {
        pub fn try_acquire(_path: &Path) -> Option<DirLock> {
            Some(DirLock)
        }
    }

    /// No lock: concurrent builds into one output are not kept apart here.
    pub struct OutputLock;

    impl OutputLock {
        pub fn acquire(_path: &Path) -> std::io::Result<OutputLock> {
            Ok(OutputLock)
        }
    }
}

/// A file or folder of the output that could not be written: a problem of the disk, not of the
/// content, so the build stops at the first one and names it with the system's reason.
#[derive(Debug)]
pub struct WriteError {
    /// The file or folder in the staging folder.
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write `{}`: {}", self.path.display(), self.source)?;
        match self.source.raw_os_error() {
            // ENOSPC, EDQUOT (quota), EFBIG (file size limit): the usual causes, with the cure.
            Some(28) => write!(
                f,
                " (the disk is full: free some space on it, or build into another --output)"
            ),
            Some(122) => write!(
                f,
                " (your disk quota is used up: free some space, or build into another --output)"
            ),
            Some(27) => write!(f, " (a file size limit was reached: see `ulimit -f`)"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl Staging {
    /// The error for `rel` in the staging folder, from the system's `source`.
    pub fn write_error(&self, rel: &str, source: std::io::Error) -> WriteError {
        WriteError {
            path: self.dir.join(rel),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_tree_removes_everything_below_and_follows_no_link() {
        let d = tempfile::tempdir().unwrap();
        let keep = d.path().join("keep");
        std::fs::create_dir(&keep).unwrap();
        std::fs::write(keep.join("precious.txt"), "x").unwrap();
        let gone = d.path().join("gone");
        for i in 0..40 {
            let sub = gone.join(format!("a{i}/b/c"));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join("index.html"), "x").unwrap();
            std::fs::write(gone.join(format!("a{i}/f.txt")), "y").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&keep, gone.join("link")).unwrap();
        remove_tree(&gone).unwrap();
        assert!(!gone.exists());
        assert!(keep.join("precious.txt").is_file());
        assert!(remove_tree(&gone).is_err(), "a missing folder is an error");
    }

    /// Issue 17 item 6: `serve` removed a killed server's staging folder by name in the shared
    /// temporary folder; a link planted under that name led the removal into its target.
    #[cfg(unix)]
    #[test]
    fn remove_tree_refuses_a_link_given_as_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let keep = d.path().join("keep");
        std::fs::create_dir(&keep).unwrap();
        std::fs::write(keep.join("precious.txt"), "x").unwrap();
        let link = d.path().join(".duixian-tmp-duixian-serve-1-1");
        std::os::unix::fs::symlink(&keep, &link).unwrap();
        assert!(remove_tree(&link).is_err());
        remove_leftover(&link);
        assert!(keep.join("precious.txt").is_file());
        assert!(std::fs::symlink_metadata(&link).is_ok());
    }

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn build_into(output: &Path, text: &str) {
        let s = Staging::create(output).unwrap();
        s.write(&file("index.html", text)).unwrap();
        assert_eq!(s.commit().unwrap(), None);
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".duixian-"))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_replaces_the_output_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        build_into(&out, "one");
        std::fs::write(out.join("stale.html"), "x").unwrap();
        build_into(&out, "two");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("stale.html").exists());
        assert!(out.join(MARKER).is_file());
        assert!(leftovers(d.path()).is_empty(), "{:?}", leftovers(d.path()));
    }

    #[test]
    fn portable_swap_also_replaces_the_output() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        build_into(&out, "one");
        let s = Staging::create(&out).unwrap();
        s.write(&file("index.html", "two")).unwrap();
        std::fs::write(s.dir.join(MARKER), "").unwrap();
        // It hands the previous output back; `commit` removes it (`serve` after the reload).
        let old = s.move_aside_and_rename().unwrap();
        drop(s);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert_eq!(
            leftovers(d.path()),
            vec![old.file_name().unwrap().to_string_lossy().into_owned()]
        );
        remove_tree(&old).unwrap();
        assert!(leftovers(d.path()).is_empty(), "{:?}", leftovers(d.path()));
    }

    #[test]
    fn a_build_killed_between_the_portable_renames_is_repaired() {
        // The state a kill leaves after `output → old` and before `staging → output`.
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        build_into(&out, "previous");
        let old = d.path().join(".duixian-old-out-4242");
        let tmp = d.path().join(".duixian-tmp-out-4242");
        std::fs::rename(&out, &old).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join("index.html"), "half").unwrap();
        // The next build starts, puts the previous output back, clears the staging leftover...
        let s = Staging::create(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        // (its own staging folder and, while it runs, the lock file)
        let mut expected = vec![format!(".duixian-tmp-out-{}", std::process::id())];
        if cfg!(unix) {
            expected.insert(0, ".duixian-lock-out".to_string());
        }
        assert_eq!(leftovers(d.path()), expected);
        // ...and if it fails, the previous output is still there.
        s.abandon();
        assert!(out.join(MARKER).is_file());
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn a_leftover_beside_a_complete_output_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        build_into(&out, "new");
        for n in [".duixian-old-out-7", ".duixian-tmp-out-8"] {
            std::fs::create_dir_all(d.path().join(n).join("sub")).unwrap();
        }
        // Not ours: other names are never touched.
        std::fs::create_dir_all(d.path().join(".duixian-tmp-out-x1")).unwrap();
        std::fs::create_dir_all(d.path().join(".duixian-tmp-other-9")).unwrap();
        build_into(&out, "newer");
        assert_eq!(
            leftovers(d.path()),
            vec![".duixian-tmp-other-9", ".duixian-tmp-out-x1"]
        );
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "newer"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_staging_folder_of_a_running_build_is_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let busy = d.path().join(".duixian-tmp-out-99999999");
        std::fs::create_dir_all(&busy).unwrap();
        let held = lock::DirLock::try_acquire(&busy).expect("lock a fresh folder");
        build_into(&out, "x");
        assert!(busy.is_dir(), "a locked staging folder was removed");
        drop(held);
        build_into(&out, "y");
        assert!(!busy.exists(), "an unlocked leftover was kept");
    }

    /// Regression (issue 17, item 8): a second build into the same output waits for the first
    /// to finish instead of racing it for the staging folders (which failed 1 build in 30).
    #[cfg(unix)]
    #[test]
    fn a_second_build_into_one_output_waits_for_the_first() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let first = Staging::create(&out).unwrap();
        first.write(&file("index.html", "first")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let second = std::thread::spawn({
            let out = out.clone();
            move || {
                let s = Staging::create(&out).unwrap();
                tx.send(()).unwrap();
                s.write(&file("index.html", "second")).unwrap();
                s.commit().unwrap();
            }
        });
        // Correct code never passes this point early; racing code does at once.
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(300))
                .is_err(),
            "the second build did not wait"
        );
        assert_eq!(first.commit().unwrap(), None);
        rx.recv().unwrap();
        second.join().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "second"
        );
        assert!(leftovers(d.path()).is_empty(), "{:?}", leftovers(d.path()));
    }

    #[test]
    fn commit_refuses_an_output_that_became_foreign_meanwhile() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let s = Staging::create(&out).unwrap();
        s.write(&file("index.html", "x")).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("thesis.txt"), "mine").unwrap();
        let err = s.commit().unwrap_err().to_string();
        assert!(err.contains("not written by duixian"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
            "mine"
        );
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn resolve_keeps_missing_tails_and_cleans_dots() {
        let d = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(d.path()).unwrap();
        assert_eq!(
            resolve(&d.path().join("a/./b/../c")).unwrap(),
            real.join("a/c")
        );
        std::fs::create_dir_all(d.path().join("x/y")).unwrap();
        assert_eq!(resolve(&d.path().join("x/y/..")).unwrap(), real.join("x"));
    }
}
