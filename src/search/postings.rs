//! Postings under construction, in bounded memory: records `(token, doc, weight)` go into one of
//! [`BUCKETS`] byte buffers by the token's hash; when the buffers hold more than their budget,
//! each is appended to its own file in a spill folder and emptied. Read back one group of
//! buckets at a time, they give every posting list of the tokens whose hash falls in the group,
//! in document order (documents are added in order, and a bucket's file holds the older records).

use anyhow::{Context as _, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Number of buckets; a power of two. Shards are grouped by `hash % min(shards, BUCKETS)`.
pub const BUCKETS: usize = 256;

/// Memory budget of the buffers before they are spilled to files.
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// Tokens longer than this many bytes are not stored (the tokeniser never makes them: a word
/// is at most 32 characters of at most 4 bytes, a CJK pair 8 bytes; facets are short ids).
pub const MAX_TOKEN_BYTES: usize = 255;

pub struct Postings {
    buckets: Vec<Vec<u8>>,
    buffered: usize,
    budget: usize,
    dir: PathBuf,
    /// Whether `dir` was created (by the first spill).
    spilled: bool,
    /// Postings added so far.
    count: u64,
}

impl Postings {
    /// Postings that spill into `dir` (created when first needed) once `budget` bytes are buffered.
    pub fn new(dir: PathBuf, budget: usize) -> Postings {
        Postings {
            buckets: vec![Vec::new(); BUCKETS],
            buffered: 0,
            budget,
            dir,
            spilled: false,
            count: 0,
        }
    }

    /// Number of postings added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether anything was written to the spill folder.
    pub fn spilled(&self) -> bool {
        self.spilled
    }

    /// Add one posting. Documents must come in increasing order.
    pub fn add(&mut self, token: &[u8], hash: u32, doc: u32, weight: u8) {
        if token.len() > MAX_TOKEN_BYTES {
            return;
        }
        let buf = &mut self.buckets[hash as usize % BUCKETS];
        if buf.capacity() == 0 {
            // Grow in steps of a fair share of the budget, not by doubling from nothing.
            buf.reserve((self.budget / BUCKETS).clamp(64, 1 << 20));
        }
        let before = buf.len();
        buf.push(token.len() as u8);
        buf.extend_from_slice(token);
        push_varint(buf, doc);
        buf.push(weight);
        self.buffered += buf.len() - before;
        self.count += 1;
    }

    /// Spill every buffer to its file if the budget is exceeded.
    pub fn maybe_spill(&mut self) -> Result<()> {
        if self.buffered <= self.budget {
            return Ok(());
        }
        if !self.spilled {
            std::fs::create_dir_all(&self.dir).with_context(|| {
                format!(
                    "cannot create the search spill folder `{}`",
                    self.dir.display()
                )
            })?;
            self.spilled = true;
        }
        for (b, buf) in self.buckets.iter_mut().enumerate() {
            if buf.is_empty() {
                continue;
            }
            let path = bucket_path(&self.dir, b);
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .with_context(|| format!("cannot open `{}`", path.display()))?;
            f.write_all(buf)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            *buf = Vec::new();
        }
        self.buffered = 0;
        Ok(())
    }

    /// The records of the buckets `b` with `b % groups == group`: spilled ones first, then
    /// those still in memory, bucket by bucket.
    pub fn group(&self, group: usize, groups: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for b in (group..BUCKETS).step_by(groups) {
            if self.spilled {
                let path = bucket_path(&self.dir, b);
                match File::open(&path) {
                    Ok(mut f) => {
                        f.read_to_end(&mut out)
                            .with_context(|| format!("cannot read `{}`", path.display()))?;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot read `{}`", path.display()));
                    }
                }
            }
            out.extend_from_slice(&self.buckets[b]);
        }
        Ok(out)
    }

    /// Remove the spill folder, if there is one.
    pub fn remove_spill(&mut self) -> Result<()> {
        if self.spilled {
            std::fs::remove_dir_all(&self.dir).with_context(|| {
                format!(
                    "cannot remove the search spill folder `{}`",
                    self.dir.display()
                )
            })?;
            self.spilled = false;
        }
        Ok(())
    }
}

impl Drop for Postings {
    fn drop(&mut self) {
        if self.spilled {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn bucket_path(dir: &Path, b: usize) -> PathBuf {
    dir.join(format!("{b:03}"))
}

fn push_varint(buf: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// One record read back from a group.
pub struct Record<'a> {
    pub token: &'a [u8],
    pub doc: u32,
    pub weight: u8,
}

/// The records of a group's bytes, in order. Stops at the first malformed record (which only
/// a bug in this module could write).
pub fn records(mut bytes: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let (&len, rest) = bytes.split_first()?;
        let len = len as usize;
        let token = rest.get(..len)?;
        let mut rest = &rest[len..];
        let mut doc: u32 = 0;
        let mut shift = 0;
        loop {
            let (&b, r) = rest.split_first()?;
            rest = r;
            doc |= u32::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let (&weight, r) = rest.split_first()?;
        bytes = r;
        Some(Record { token, doc, weight })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &Postings) -> Vec<(String, u32, u8)> {
        let mut out = Vec::new();
        for g in 0..BUCKETS {
            let bytes = p.group(g, BUCKETS).unwrap();
            out.extend(records(&bytes).map(|r| {
                (
                    String::from_utf8(r.token.to_vec()).unwrap(),
                    r.doc,
                    r.weight,
                )
            }));
        }
        out.sort();
        out
    }

    #[test]
    fn spilled_and_buffered_records_read_back_the_same_in_document_order() {
        let dir = tempfile::tempdir().unwrap();
        let spill = dir.path().join("spill");
        // A budget of 1 byte spills after every document; a huge one never.
        let mut small = Postings::new(spill.clone(), 1);
        let mut large = Postings::new(dir.path().join("never"), usize::MAX);
        let tokens = ["老旧", "小区", "status:completed", "a", "x"];
        for doc in [0u32, 1, 127, 128, 300, 70_000, u32::MAX] {
            for (i, t) in tokens.iter().enumerate() {
                if (doc as usize + i) % 3 == 0 {
                    continue;
                }
                let h = crate::search::tokens::fnv1a(t.as_bytes());
                small.add(t.as_bytes(), h, doc, (i % 16) as u8);
                large.add(t.as_bytes(), h, doc, (i % 16) as u8);
            }
            small.maybe_spill().unwrap();
            large.maybe_spill().unwrap();
        }
        assert!(small.spilled() && spill.is_dir());
        assert!(!large.spilled());
        assert_eq!(small.count(), large.count());
        assert_eq!(all(&small), all(&large));
        // Within a token, documents come in order.
        let g = crate::search::tokens::fnv1a("老旧".as_bytes()) as usize % BUCKETS;
        let bytes = small.group(g, BUCKETS).unwrap();
        let docs: Vec<u32> = records(&bytes)
            .filter(|r| r.token == "老旧".as_bytes())
            .map(|r| r.doc)
            .collect();
        assert_eq!(docs, [1, 127, 128, 70_000]);
        let g = crate::search::tokens::fnv1a("小区".as_bytes()) as usize % BUCKETS;
        let bytes = small.group(g, BUCKETS).unwrap();
        let docs: Vec<u32> = records(&bytes)
            .filter(|r| r.token == "小区".as_bytes())
            .map(|r| r.doc)
            .collect();
        assert_eq!(docs, [0, 1, 127, 300, 70_000, u32::MAX]);
        small.remove_spill().unwrap();
        assert!(!spill.exists());
    }

    #[test]
    fn groups_partition_the_buckets() {
        let mut p = Postings::new(PathBuf::from("/nonexistent"), usize::MAX);
        for doc in 0..1000u32 {
            let t = format!("t{doc}");
            p.add(
                t.as_bytes(),
                crate::search::tokens::fnv1a(t.as_bytes()),
                doc,
                1,
            );
        }
        for groups in [1, 4, BUCKETS] {
            let n: usize = (0..groups)
                .map(|g| records(&p.group(g, groups).unwrap()).count())
                .sum();
            assert_eq!(n, 1000, "{groups} groups");
        }
    }

    #[test]
    fn truncated_records_end_the_stream() {
        let mut buf = vec![2, b'a', b'b'];
        push_varint(&mut buf, 300);
        buf.push(7);
        let whole = buf.clone();
        assert_eq!(records(&whole).count(), 1);
        buf.pop();
        assert_eq!(records(&buf).count(), 0);
        assert_eq!(records(&[0xff]).count(), 0);
    }
}
