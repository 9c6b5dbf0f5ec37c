//! Writing the output folder: every file into a staging folder beside it, swapped in only when
//! the whole build succeeded, so a failed or killed build leaves the previous output as it was.

use crate::diag::Diagnostic;
use crate::render::OutputFile;
use anyhow::{Context as _, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file duixian leaves in every output folder it writes; only such folders are replaced.
pub const MARKER: &str = ".duixian-output";

/// Refuse output folders whose replacement would destroy something duixian did not write.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        normalize(&p)
    };
    let (root, out) = (abs(root), abs(output));
    let home = std::env::var_os("HOME").map(PathBuf::from).map(|h| abs(&h));
    if out.parent().is_none() {
        bail!(
            "refusing to use `{}` as the output folder: it is the file system root",
            out.display()
        );
    }
    if root.starts_with(&out) {
        bail!(
            "refusing to use `{}` as the output folder: it contains the site itself",
            out.display()
        );
    }
    for inside in ["content", "themes", "templates", "static", "seeds"] {
        if out.starts_with(root.join(inside)) {
            bail!(
                "refusing to use `{}` as the output folder: it is inside the site's {inside}/ folder",
                out.display()
            );
        }
    }
    if home.as_deref() == Some(out.as_path()) {
        bail!(
            "refusing to use your home folder `{}` as the output folder",
            out.display()
        );
    }
    if out.is_file() {
        bail!("output `{}` is a file, not a folder", out.display());
    }
    if out.is_dir() && !out.join(MARKER).is_file() {
        let non_empty = std::fs::read_dir(&out)
            .with_context(|| format!("cannot read `{}`", out.display()))?
            .next()
            .is_some();
        if non_empty {
            bail!(
                "refusing to replace `{}`: it is not empty and was not written by duixian (no {MARKER} file). Choose another --output or empty it yourself",
                out.display()
            );
        }
    }
    Ok(())
}

/// Lexically clean `.` and `..` so that the checks above compare like with like.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A staging folder beside `output`; leftovers of earlier killed builds are removed first.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
}

fn sibling(output: &Path, tag: &str) -> Result<PathBuf> {
    let name = output
        .file_name()
        .context("output path has no folder name")?
        .to_string_lossy()
        .into_owned();
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(parent.join(format!(".duixian-{tag}-{name}-{}", std::process::id())))
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging> {
        let name = output
            .file_name()
            .context("output path has no folder name")?
            .to_string_lossy()
            .into_owned();
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
        // Remove leftovers of builds that were killed: `.duixian-tmp-<name>-<pid>` / `-old-`.
        if let Ok(rd) = std::fs::read_dir(&parent) {
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                for tag in ["tmp", "old"] {
                    let prefix = format!(".duixian-{tag}-{name}-");
                    if n.starts_with(&prefix)
                        && n[prefix.len()..].chars().all(|c| c.is_ascii_digit())
                    {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let dir = sibling(output, "tmp")?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create staging folder `{}`", dir.display()))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    /// Write one rendered file into the staging folder.
    pub fn write(&self, file: &OutputFile) -> Result<(), Diagnostic> {
        let path = self.dir.join(&file.path);
        let fail = |e: std::io::Error| {
            Diagnostic::new(
                file.path.clone(),
                1,
                1,
                format!("cannot write output file: {e}"),
            )
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut f = std::fs::File::create(&path).map_err(fail)?;
        f.write_all(&file.bytes).map_err(fail)?;
        Ok(())
    }

    /// Replace the output folder with the staging folder.
    pub fn commit(self) -> Result<()> {
        std::fs::write(
            self.dir.join(MARKER),
            "This folder is written by duixian build; it is replaced whole by every build.\n",
        )
        .context("cannot write the output marker")?;
        let old = sibling(&self.output, "old")?;
        let had_old = self.output.exists();
        if had_old {
            std::fs::rename(&self.output, &old).with_context(|| {
                format!(
                    "cannot move the previous output `{}` aside",
                    self.output.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_old {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e).with_context(|| {
                format!(
                    "cannot move the new output into `{}`",
                    self.output.display()
                )
            });
        }
        if had_old {
            std::fs::remove_dir_all(&old).with_context(|| {
                format!("cannot remove the previous output `{}`", old.display())
            })?;
        }
        Ok(())
    }

    /// Give up: remove the staging folder, leaving the output untouched.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
