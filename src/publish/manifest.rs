//! The manifest beside an output folder: each file's content hash, length, modification time
//! and inode, so that the next build knows which files it would write unchanged.
//!
//! It lives next to the output folder, not in it (`.<folder name>.duixian-manifest`, e.g.
//! `.output.duixian-manifest`), so it is never published. A file's hash is trusted only while
//! the file still has the length, time and inode the manifest recorded: a file edited or
//! replaced by hand, or a manifest left behind by a build killed between the swap and the
//! manifest's writing, is compared by its bytes instead.

use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The first line of a manifest; another first line means "no manifest".
const HEADER: &str = "duixian manifest 1";

/// A 128-bit BLAKE3 content hash.
pub type Hash = [u8; 16];

/// The content hash of `bytes`.
pub fn hash(bytes: &[u8]) -> Hash {
    let mut h = [0; 16];
    h.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    h
}

/// What the file system says of a file, enough to notice that it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    pub secs: i64,
    pub nanos: u32,
    /// The inode (0 where the system has none).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of the file at `path`, links not followed.
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        Ok(Stamp::from_meta(&std::fs::symlink_metadata(path)?))
    }

    pub fn from_meta(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                len: m.len(),
                secs: m.mtime(),
                nanos: m.mtime_nsec() as u32,
                ino: m.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            Stamp {
                len: m.len(),
                secs: t.as_secs() as i64,
                nanos: t.subsec_nanos(),
                ino: 0,
            }
        }
    }
}

/// One file of an output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub hash: Hash,
    pub stamp: Stamp,
}

/// The files of one build of an output folder, by path, and how its compressed twins were made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The compression settings of `.gz`/`.br` twins (`None`: the build made none).
    pub precompress: Option<String>,
    pub files: BTreeMap<String, Entry>,
}

/// Where the manifest of the output folder `output` is kept.
pub fn path_for(output: &Path) -> Option<PathBuf> {
    let name = output.file_name()?.to_string_lossy();
    Some(output.with_file_name(format!(".{name}.duixian-manifest")))
}

fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Hash> {
    if s.len() != 32 {
        return None;
    }
    let mut h = [0; 16];
    for (i, b) in h.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(h)
}

impl Manifest {
    /// The text of the manifest: a header, the compression settings, then one line per file
    /// sorted by path: `<hash> <length> <seconds>.<nanoseconds> <inode> <path>`.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{HEADER}\nprecompress {}\n",
            self.precompress.as_deref().unwrap_or("none")
        );
        for (path, e) in &self.files {
            let s = e.stamp;
            out.push_str(&format!(
                "{} {} {}.{:09} {} {path}\n",
                hex(&e.hash),
                s.len,
                s.secs,
                s.nanos,
                s.ino
            ));
        }
        out
    }

    /// Read a manifest's text; `None` if it is not one (an older format, a damaged file): the
    /// build then compares files by their bytes.
    pub fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let pre = lines.next()?.strip_prefix("precompress ")?;
        let precompress = (pre != "none").then(|| pre.to_string());
        let mut files = BTreeMap::new();
        for line in lines {
            let mut f = line.splitn(5, ' ');
            let hash = unhex(f.next()?)?;
            let len = f.next()?.parse().ok()?;
            let (secs, nanos) = f.next()?.split_once('.')?;
            let ino = f.next()?.parse().ok()?;
            let path = f.next()?.to_string();
            let stamp = Stamp {
                len,
                secs: secs.parse().ok()?,
                nanos: nanos.parse().ok()?,
                ino,
            };
            files.insert(path, Entry { hash, stamp });
        }
        Some(Manifest { precompress, files })
    }

    /// The manifest kept beside `output`, if there is a readable one.
    pub fn load(output: &Path) -> Option<Manifest> {
        Manifest::parse(&std::fs::read_to_string(path_for(output)?).ok()?)
    }

    /// Write the manifest beside `output`, whole or not at all (a temporary file renamed).
    pub fn save(&self, output: &Path) -> Result<()> {
        let path = path_for(output).context("output path has no folder name")?;
        let tmp = path.with_file_name(format!(
            "{}.tmp-{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        std::fs::write(&tmp, self.to_text())
            .with_context(|| format!("cannot write `{}`", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write `{}`", path.display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written_even_with_spaces_in_paths() {
        let mut m = Manifest {
            precompress: Some("gzip-9 brotli-9".into()),
            ..Manifest::default()
        };
        for (i, p) in ["a b/index.html", "style.css"].iter().enumerate() {
            m.files.insert(
                p.to_string(),
                Entry {
                    hash: hash(p.as_bytes()),
                    stamp: Stamp {
                        len: i as u64,
                        secs: 1_700_000_000,
                        nanos: 5,
                        ino: 42,
                    },
                },
            );
        }
        let text = m.to_text();
        assert!(text.contains(".000000005 42 a b/index.html\n"), "{text}");
        assert_eq!(Manifest::parse(&text), Some(m));
        assert_eq!(Manifest::parse("duixian manifest 0\n"), None);
        assert_eq!(Manifest::parse(&text.replace(" 42 ", " x ")), None);
    }
}
