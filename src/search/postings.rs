//! Postings under construction, in bounded memory: records `(token, doc, weight)` go into one of
//! [`BUCKETS`] byte buffers by the token's hash, each of a fixed share of the memory budget;
//! a full buffer is appended to its own file in a spill folder and emptied (its memory kept,
//! so refilling it costs no page faults). Read back one bucket at a time, they give every
//! posting list of the tokens whose hash falls in it, in document order (documents are added
//! in order, and a bucket's file holds the older records).
//!
//! A record is the token's length (1–255), its bytes, then, as a LEB128 varint,
//! `delta × 16 + weight`, delta being the document minus that of the bucket's previous record
//! (0 for the first). Postings of one document share a bucket about once in 256, so the varint
//! is mostly one byte, and a CJK character costs 5 bytes, a pair 8.

use super::tokens;
use anyhow::{Context as _, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Number of buckets; a power of two. Shards are grouped by `hash % min(shards, BUCKETS)`.
pub const BUCKETS: usize = 256;

/// Memory budget of the buffers, spilled to files past it. A bucket's buffer, once full, stays
/// allocated, so this much stays resident until the index is finished.
pub const DEFAULT_BUDGET: usize = 32 << 20;

/// Tokens longer than this many bytes are not stored (the tokeniser never makes them: a word
/// is at most 32 characters of at most 4 bytes, a CJK pair 8 bytes; facets are short ids).
pub const MAX_TOKEN_BYTES: usize = 255;

/// The largest record: length, token, a varint of at most 64 bits.
const MAX_RECORD: usize = 1 + MAX_TOKEN_BYTES + 10;

#[derive(Default, Clone)]
struct Bucket {
    buf: Vec<u8>,
    /// Document of the last record added.
    last: u32,
    /// Records added, spilled ones included.
    count: usize,
}

pub struct Postings {
    buckets: Vec<Bucket>,
    /// Bytes a bucket holds in memory before it is spilled.
    share: usize,
    dir: PathBuf,
    /// Whether `dir` was created (by the first spill).
    spilled: bool,
    /// Postings added so far.
    count: u64,
}

impl Postings {
    /// Postings that spill into `dir` (created when first needed) so as to keep at most about
    /// `budget` bytes in memory.
    pub fn new(dir: PathBuf, budget: usize) -> Postings {
        Postings {
            buckets: vec![Bucket::default(); BUCKETS],
            share: (budget / BUCKETS).max(1),
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

    /// Add one posting of a token packed by [`tokens::pack`], whose [`tokens::fnv1a`] is
    /// `hash`. Documents must come in increasing order.
    pub fn add_packed(&mut self, key: u64, hash: u32, doc: u32, weight: u8) -> Result<()> {
        let (bytes, len) = tokens::unpack(key);
        let b = self.bucket(hash);
        // All 8 bytes in one store, then cut to the token's.
        let at = b.buf.len();
        b.buf.push(len as u8);
        b.buf.extend_from_slice(&bytes);
        b.buf.truncate(at + 1 + len);
        self.end_record(hash, doc, weight)
    }

    /// Add one posting of any token. Documents must come in increasing order.
    pub fn add(&mut self, token: &[u8], doc: u32, weight: u8) -> Result<()> {
        if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
            return Ok(());
        }
        self.push(token, tokens::fnv1a(token), doc, weight)
    }

    fn push(&mut self, token: &[u8], hash: u32, doc: u32, weight: u8) -> Result<()> {
        let b = self.bucket(hash);
        b.buf.push(token.len() as u8);
        b.buf.extend_from_slice(token);
        self.end_record(hash, doc, weight)
    }

    /// The bucket of a token hash, its buffer allocated.
    fn bucket(&mut self, hash: u32) -> &mut Bucket {
        let b = &mut self.buckets[hash as usize % BUCKETS];
        if b.buf.capacity() == 0 {
            // Its whole share at once (up to 1 MiB for a huge budget), not by doubling.
            b.buf.reserve(self.share.min(1 << 20) + MAX_RECORD);
        }
        b
    }

    /// Finish the record begun with its token: document and weight; spill a full bucket.
    fn end_record(&mut self, hash: u32, doc: u32, weight: u8) -> Result<()> {
        let i = hash as usize % BUCKETS;
        let b = &mut self.buckets[i];
        let mut v = u64::from(doc - b.last) << 4 | u64::from(weight & 15);
        b.last = doc;
        b.count += 1;
        while v >= 0x80 {
            b.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        b.buf.push(v as u8);
        self.count += 1;
        if b.buf.len() >= self.share {
            self.spill(i)?;
        }
        Ok(())
    }

    /// Append bucket `i` to its file and empty it.
    fn spill(&mut self, i: usize) -> Result<()> {
        if !self.spilled {
            std::fs::create_dir_all(&self.dir).with_context(|| {
                format!(
                    "cannot create the search spill folder `{}`",
                    self.dir.display()
                )
            })?;
            self.spilled = true;
        }
        let path = bucket_path(&self.dir, i);
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        let buf = &mut self.buckets[i].buf;
        f.write_all(buf)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        buf.clear();
        Ok(())
    }

    /// Number of records in bucket `b`.
    pub fn bucket_len(&self, b: usize) -> usize {
        self.buckets[b].count
    }

    /// The records of bucket `b` (spilled ones first, then those still in memory) into `out`,
    /// which is cleared first.
    pub fn read_bucket(&self, b: usize, out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        let in_memory = &self.buckets[b].buf;
        if self.spilled {
            let path = bucket_path(&self.dir, b);
            match File::open(&path) {
                Ok(mut f) => {
                    let len = f.metadata().map_or(0, |m| m.len() as usize);
                    out.reserve_exact(len + in_memory.len());
                    f.read_to_end(out)
                        .with_context(|| format!("cannot read `{}`", path.display()))?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read `{}`", path.display()));
                }
            }
        }
        out.extend_from_slice(in_memory);
        Ok(())
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

/// A token as a bucket holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    /// Packed by [`tokens::pack`].
    Packed(u64),
    Long(&'a [u8]),
}

impl Key<'_> {
    /// The token's bytes.
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match *self {
            Key::Packed(key) => {
                let (b, len) = tokens::unpack(key);
                b[..len].to_vec().into()
            }
            Key::Long(t) => t.into(),
        }
    }
}

/// One record read back from a bucket.
pub struct Record<'a> {
    pub token: Key<'a>,
    pub doc: u32,
    pub weight: u8,
}

/// The records of one bucket's bytes, in order. Stops at the first malformed record (which only
/// a bug in this module could write).
pub fn records(mut bytes: &[u8]) -> impl Iterator<Item = Record<'_>> {
    let mut doc: u32 = 0;
    std::iter::from_fn(move || {
        let (&len, rest) = bytes.split_first()?;
        let len = len as usize;
        let token = rest.get(..len)?;
        let token = match rest.first_chunk::<8>() {
            // The token and what follows it, masked: one load instead of a copy.
            Some(eight) if (1..=8).contains(&len) => {
                Key::Packed(u64::from_le_bytes(*eight) & (u64::MAX >> (64 - 8 * len)))
            }
            _ => match tokens::pack(token) {
                Some(key) if len > 0 => Key::Packed(key),
                _ => Key::Long(token),
            },
        };
        bytes = &rest[len..];
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let (&b, r) = bytes.split_first()?;
            bytes = r;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        doc = doc.checked_add(u32::try_from(v >> 4).ok()?)?;
        Some(Record {
            token,
            doc,
            weight: (v & 15) as u8,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(k: Key) -> String {
        match k {
            Key::Packed(key) => {
                let (b, n) = tokens::unpack(key);
                String::from_utf8(b[..n].to_vec()).unwrap()
            }
            Key::Long(t) => String::from_utf8(t.to_vec()).unwrap(),
        }
    }

    fn bucket(p: &Postings, b: usize) -> Vec<(String, u32, u8)> {
        let mut bytes = Vec::new();
        p.read_bucket(b, &mut bytes).unwrap();
        records(&bytes)
            .map(|r| (token(r.token), r.doc, r.weight))
            .collect()
    }

    fn all(p: &Postings) -> Vec<(String, u32, u8)> {
        let mut out: Vec<_> = (0..BUCKETS).flat_map(|b| bucket(p, b)).collect();
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
        let tokens = [
            "老旧",
            "小区",
            "status:completed",
            "a",
            "x",
            "𠀀𠀀",
            "abcdefgh",
        ];
        for doc in [0u32, 1, 127, 128, 300, 70_000, u32::MAX] {
            for (i, t) in tokens.iter().enumerate() {
                if (doc as usize + i) % 3 == 0 {
                    continue;
                }
                small.add(t.as_bytes(), doc, (i % 16) as u8).unwrap();
                large.add(t.as_bytes(), doc, (i % 16) as u8).unwrap();
            }
        }
        assert!(small.spilled() && spill.is_dir());
        assert!(!large.spilled());
        assert_eq!(small.count(), large.count());
        assert_eq!(all(&small), all(&large));
        // Within a token, documents come in order.
        let docs = |t: &str| -> Vec<u32> {
            let b = tokens::fnv1a(t.as_bytes()) as usize % BUCKETS;
            bucket(&small, b)
                .into_iter()
                .filter(|r| r.0 == t)
                .map(|r| r.1)
                .collect()
        };
        assert_eq!(docs("老旧"), [1, 127, 128, 70_000]);
        assert_eq!(docs("小区"), [0, 1, 127, 300, 70_000, u32::MAX]);
        assert_eq!(docs("status:completed"), [0, 128, 300, u32::MAX]);
        small.remove_spill().unwrap();
        assert!(!spill.exists());
    }

    #[test]
    fn buckets_partition_the_postings() {
        let mut p = Postings::new(PathBuf::from("/nonexistent"), usize::MAX);
        for doc in 0..1000u32 {
            let t = format!("t{doc}");
            p.add(t.as_bytes(), doc, 1).unwrap();
            p.add(format!("long token {t}").as_bytes(), doc, 2).unwrap();
        }
        let n: usize = (0..BUCKETS).map(|b| bucket(&p, b).len()).sum();
        assert_eq!(n, 2000);
        assert_eq!(p.count(), 2000);
    }

    #[test]
    fn truncated_records_end_the_stream() {
        let mut p = Postings::new(PathBuf::from("/nonexistent"), usize::MAX);
        p.add(b"ab", 300, 7).unwrap();
        p.add(b"long word", 301, 2).unwrap();
        let whole = p.buckets[tokens::fnv1a(b"ab") as usize % BUCKETS]
            .buf
            .clone();
        let read: Vec<(u32, u8)> = records(&whole).map(|r| (r.doc, r.weight)).collect();
        assert_eq!(read, [(300, 7)]);
        let mut buf = whole.clone();
        buf.pop();
        assert_eq!(records(&buf).count(), 0);
        assert_eq!(records(&[0xff]).count(), 0);
        assert_eq!(records(&[200, b'a']).count(), 0);
        let long = &p.buckets[tokens::fnv1a(b"long word") as usize % BUCKETS].buf;
        let r: Vec<_> = records(long).collect();
        assert_eq!(
            (r.len(), r[0].token, r[0].doc),
            (1, Key::Long(b"long word"), 301)
        );
    }
}
