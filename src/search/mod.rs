//! Site search: duixian's own static index of the pledge, report and news pages, made from the
//! model's data (never by parsing the rendered HTML) and written as small JSON files that the
//! search page fetches only as a query needs them. Format, tokens and ranking: `docs/search.md`.
//!
//! Documents are tokenised in parallel ([`prepare`]) and added in job order ([`Indexer::add`]),
//! which numbers them; their records are written in chunks as they come, their postings kept
//! in bounded memory ([`postings`], spilling to files past a budget) and written shard by shard
//! at the end ([`Indexer::finish`]). Every list is sorted and every number fixed by the input,
//! so two builds of one site give the same bytes.

pub mod postings;
pub mod tokens;

use crate::output::OutputFile;
use anyhow::{Context as _, Result};
use postings::Key;
use postings::Postings;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tokens::{DocTokenizer, Token, fnv1a};

/// The output folder of the search page and its index.
pub const INDEX_DIR: &str = crate::routes::SEARCH;

/// Whether an output path is a file of the search index (not the search page beside it).
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix(INDEX_DIR)
        .and_then(|p| p.strip_prefix('/'))
        .is_some_and(|p| {
            p == "meta.json"
                || p.starts_with(FOLD_DIR)
                || ["t/", "d/", "x/"].iter().any(|d| p.starts_with(d))
        })
}

/// Version of the file format, in `meta.json`; the page refuses an index of another version.
/// Version 2: tokens are folded from traditional to simplified characters (`f/<n>.txt`).
pub const FORMAT_VERSION: u32 = 2;

/// The tokeniser's traditional → simplified table for the search page, in shards
/// `search/f/<n>.txt`, so that a query fetches only what its characters need.
pub const FOLD_DIR: &str = "f/";

/// Shards of the folding table: a pair (traditional, simplified) is in the shards of both its
/// characters' code points modulo this, so that the shards of a query's characters tell how to
/// fold them and, for the simplified ones, which traditional characters of a text fold to them
/// (to mark the match in an excerpt). 16 shards of 2,190–2,523 bytes (docs/search.md).
pub const FOLD_SHARDS: u32 = 16;

/// The files of the folding table: path below `search/` and bytes, the pairs of each shard
/// one after the other (traditional, simplified, ...), no separator, then a newline.
pub fn fold_files() -> Vec<(String, Vec<u8>)> {
    let mut shards = vec![String::new(); FOLD_SHARDS as usize];
    for (from, to) in tokens::ts_pairs() {
        let (a, b) = (from as u32 % FOLD_SHARDS, to as u32 % FOLD_SHARDS);
        for n in if a == b { vec![a] } else { vec![a, b] } {
            shards[n as usize].push(from);
            shards[n as usize].push(to);
        }
    }
    shards
        .into_iter()
        .enumerate()
        .map(|(n, mut s)| {
            s.push('\n');
            (format!("{FOLD_DIR}{n}.txt"), s.into_bytes())
        })
        .collect()
}

/// Document records per file of `search/d/`. Results are scattered over the documents, so the
/// first page of results fetches about one chunk per result whatever their size: fewer records
/// a chunk cost a query fewer bytes but make more files (the requests and sizes measured on the
/// 10k portal are in docs/search.md, "Sizes, measured").
pub const DOCS_PER_CHUNK: usize = 4;

/// Characters of a document's text kept in its record for the excerpt; a longer text is cut
/// there and also written whole to `search/x/<doc>.txt`, fetched for an excerpt further in.
pub const INLINE_TEXT_CHARS: usize = 600;

/// Size aimed at for a token shard, in bytes of JSON (the average is ½–1× this, the count being
/// a power of two); the bytes a query fetches for each shard count on the 10k portal are in
/// docs/search.md.
const SHARD_TARGET_BYTES: u64 = 12 << 10;

/// JSON bytes per posting, as estimated to choose the number of shards before writing them.
const BYTES_PER_POSTING: u64 = 4;

const MAX_SHARDS: u64 = 1 << 16;

/// Weight bit of a posting whose token occurs in the document's title.
pub const TITLE_BIT: u8 = 8;

/// Reference text length of the term-frequency weight, in tokens (about 500 characters).
const REFERENCE_TOKENS: f64 = 1000.0;

/// What a searchable page is filed under, as stable ids (never interface labels), so that
/// filter URLs such as `?status=completed&year=2024` do not depend on the interface language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `pledge`, `report` or `news`.
    pub kind: &'static str,
    /// Status key of a pledge (`completed` …).
    pub status: Option<&'static str>,
    /// Category id of a pledge.
    pub category: Option<String>,
    /// Years the page is about: a pledge's or report's report year, a news item's date year.
    pub years: Vec<i32>,
    /// Jurisdiction ids.
    pub jurisdictions: Vec<String>,
    /// Labels shown with a result: the kind and, for a pledge, its status in the interface language.
    pub kind_label: String,
    pub status_label: Option<String>,
}

impl Facets {
    /// The filter tokens of the page: `kind:pledge`, `status:completed`, `year:2024` …; they
    /// contain `:`, which no text token does.
    pub fn tokens(&self) -> Vec<String> {
        let mut out = vec![format!("kind:{}", self.kind)];
        out.extend(self.status.map(|s| format!("status:{s}")));
        out.extend(self.category.iter().map(|c| format!("category:{c}")));
        out.extend(self.years.iter().map(|y| format!("year:{y}")));
        out.extend(
            self.jurisdictions
                .iter()
                .map(|j| format!("jurisdiction:{j}")),
        );
        out
    }
}

/// A searchable page as the index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// URL relative to the site's base (`pledges/luohe-2024/dead-end-roads/`).
    pub url: String,
    pub title: String,
    /// The text searched besides the title; its start is the result's excerpt.
    pub text: String,
    pub facets: Facets,
}

/// A document tokenised and its record serialised: made in parallel, added in order.
pub struct Prepared {
    record: String,
    long_text: Option<String>,
    /// Distinct tokens of at most 8 bytes (nearly all), packed, with their hash and weight.
    packed: Vec<Term>,
    /// `[length][token bytes][weight]` per distinct longer token (long words, facets).
    long: Vec<u8>,
    kind: (&'static str, String),
    status: Option<(&'static str, String)>,
}

/// A token of a document: packed ([`tokens::pack`]), its [`fnv1a`] (computed here, in
/// parallel, rather than by the one thread that adds documents) and its weight.
#[derive(Debug, Clone, Copy)]
struct Term {
    key: u64,
    hash: u32,
    weight: u8,
}

/// The maps that count and group tokens: FxHash, fast on short keys and without a random seed.
type TokenMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The weight of a token in a document, 0–15: [`TITLE_BIT`] if the title has it, plus a level
/// 1–7 if the text has it `tf` times in `len` tokens: BM25's saturating term frequency
/// `tf·(k1+1) / (tf + k1·(1 − b + b·len/L))` with k1 = 1.2, b = 0.75 and a fixed reference
/// length L, times 3, rounded (so a short text with the token ranks above a long one with it
/// once, and repeats count less and less).
pub fn weight(in_title: bool, tf: u32, len: usize) -> u8 {
    let level = if tf == 0 {
        0
    } else {
        let (k1, b) = (1.2, 0.75);
        let tf = f64::from(tf);
        let norm = 1.0 - b + b * len as f64 / REFERENCE_TOKENS;
        let x = tf * (k1 + 1.0) / (tf + k1 * norm);
        (x * 3.0).round().clamp(1.0, 7.0) as u8
    };
    if in_title { TITLE_BIT | level } else { level }
}

/// What [`prepare`] reuses from document to document on each thread.
#[derive(Default)]
struct Scratch {
    tokenizer: DocTokenizer,
    /// Packed token → its place in `terms`.
    index: TokenMap<u64, u32>,
    /// Distinct packed tokens, in order of first occurrence: (token, occurrences in the text,
    /// whether the title has it).
    terms: Vec<(u64, u32, bool)>,
    /// The same for tokens longer than 8 bytes (rare: words of more than 8 letters).
    long: TokenMap<String, (u32, bool)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Tokenise a document and serialise its record (see `docs/search.md`).
pub fn prepare(doc: SearchDoc) -> Prepared {
    let mut long_terms = Vec::new();
    let packed = SCRATCH.with_borrow_mut(|scratch| weigh_terms(scratch, &doc, &mut long_terms));
    for t in doc.facets.tokens() {
        push_long(&mut long_terms, t.as_bytes(), 0);
    }
    let f = &doc.facets;
    let cut = doc
        .text
        .char_indices()
        .nth(INLINE_TEXT_CHARS)
        .map(|(i, _)| i);
    let record = match cut {
        Some(cut) => {
            serde_json::to_string(&(&doc.url, &doc.title, f.kind, f.status, &doc.text[..cut], 1))
        }
        None => serde_json::to_string(&(&doc.url, &doc.title, f.kind, f.status, &doc.text)),
    }
    .expect("strings serialise");
    Prepared {
        record,
        packed,
        long: long_terms,
        kind: (f.kind, f.kind_label.clone()),
        status: f.status.zip(f.status_label.clone()),
        long_text: cut.map(|_| doc.text),
    }
}

/// Append a token that does not pack (and its weight) to a document's `long` terms; a token
/// longer than the index keeps is left out.
fn push_long(long_terms: &mut Vec<u8>, token: &[u8], w: u8) {
    if token.len() <= postings::MAX_TOKEN_BYTES {
        long_terms.push(token.len() as u8);
        long_terms.extend_from_slice(token);
        long_terms.push(w);
    }
}

/// Count the document's tokens in `scratch` and weigh them: the packed terms, in order of
/// first occurrence; the longer ones go to `long_terms`.
fn weigh_terms(scratch: &mut Scratch, doc: &SearchDoc, long_terms: &mut Vec<u8>) -> Vec<Term> {
    let Scratch {
        tokenizer,
        index,
        terms,
        long,
    } = scratch;
    index.clear();
    terms.clear();
    long.clear();
    tokenizer.tokens(&doc.title, |t| count_token(index, terms, long, t, true));
    let mut len = 0;
    tokenizer.tokens(&doc.text, |t| {
        len += 1;
        count_token(index, terms, long, t, false);
    });
    // The weights of the first term frequencies, computed once for the document.
    let levels: [u8; 16] = std::array::from_fn(|tf| weight(false, tf as u32, len));
    let w = |in_title: bool, tf: u32| {
        let level = match levels.get(tf as usize) {
            Some(&level) => level,
            None => weight(false, tf, len),
        };
        if in_title { TITLE_BIT | level } else { level }
    };
    for (word, &(tf, in_title)) in long.iter() {
        push_long(long_terms, word.as_bytes(), w(in_title, tf));
    }
    terms
        .iter()
        .map(|&(key, tf, in_title)| Term {
            key,
            hash: tokens::fnv1a_packed(key),
            weight: w(in_title, tf),
        })
        .collect()
}

/// Count one token: in the title it marks its term, in the text it adds an occurrence.
fn count_token(
    index: &mut TokenMap<u64, u32>,
    terms: &mut Vec<(u64, u32, bool)>,
    long: &mut TokenMap<String, (u32, bool)>,
    t: Token,
    in_title: bool,
) {
    match t {
        Token::Packed(key) => {
            let i = *index.entry(key).or_insert_with(|| {
                terms.push((key, 0, false));
                (terms.len() - 1) as u32
            });
            let term = &mut terms[i as usize];
            if in_title {
                term.2 = true;
            } else {
                term.1 += 1;
            }
        }
        Token::Long(word) => {
            if !long.contains_key(word) {
                long.insert(word.to_string(), (0, false));
            }
            let term = long.get_mut(word).expect("inserted above");
            if in_title {
                term.1 = true;
            } else {
                term.0 += 1;
            }
        }
    }
}

/// Where the index files go: called from several threads at once while the index is finished.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<()> + Sync + 'a;

/// What the index holds, for the build summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub docs: usize,
    pub postings: u64,
    pub shards: usize,
    pub files: usize,
    pub bytes: u64,
    /// Whether postings went through files on disk (the memory budget was exceeded).
    pub spilled: bool,
    /// Time the indexer spent adding documents, and finishing the index, in milliseconds.
    pub add_ms: u128,
    pub finish_ms: u128,
}

/// The search index being filled, document by document.
pub struct Indexer<'a> {
    sink: &'a Sink<'a>,
    postings: Postings,
    docs: u32,
    chunk: String,
    chunk_docs: usize,
    kinds: BTreeMap<&'static str, String>,
    statuses: BTreeMap<&'static str, String>,
    files: usize,
    bytes: u64,
    /// Sum of the hashes of every file written: the build id that keeps browsers from mixing
    /// cached files of two builds.
    build_id: u64,
    add_time: std::time::Duration,
}

impl<'a> Indexer<'a> {
    /// An index whose files go to `sink`; postings past `budget` bytes of memory spill into
    /// `spill_dir` (created when needed, removed at the end).
    pub fn new(sink: &'a Sink<'a>, spill_dir: PathBuf, budget: usize) -> Indexer<'a> {
        Indexer {
            sink,
            postings: Postings::new(spill_dir, budget),
            docs: 0,
            chunk: String::new(),
            chunk_docs: 0,
            kinds: BTreeMap::new(),
            statuses: BTreeMap::new(),
            files: 0,
            bytes: 0,
            build_id: 0,
            add_time: std::time::Duration::ZERO,
        }
    }

    /// Number of documents added.
    pub fn docs(&self) -> usize {
        self.docs as usize
    }

    fn write(&mut self, path: String, bytes: Vec<u8>) -> Result<()> {
        let (hash, len) = (file_hash(&path, &bytes), bytes.len() as u64);
        (self.sink)(OutputFile { path, bytes })?;
        self.build_id = self.build_id.wrapping_add(hash);
        self.files += 1;
        self.bytes += len;
        Ok(())
    }

    /// Add the next document.
    pub fn add(&mut self, doc: Prepared) -> Result<()> {
        let start = std::time::Instant::now();
        let added = self.add_timed(doc);
        self.add_time += start.elapsed();
        added
    }

    fn add_timed(&mut self, doc: Prepared) -> Result<()> {
        let id = self.docs;
        self.docs = id
            .checked_add(1)
            .context("too many documents for the search index")?;
        for t in &doc.packed {
            self.postings.add_packed(t.key, t.hash, id, t.weight)?;
        }
        let mut long = &doc.long[..];
        while let Some((&len, rest)) = long.split_first() {
            let token = &rest[..len as usize];
            let w = rest[len as usize];
            self.postings.add(token, id, w)?;
            long = &rest[len as usize + 1..];
        }
        self.kinds.entry(doc.kind.0).or_insert(doc.kind.1);
        if let Some((key, label)) = doc.status {
            self.statuses.entry(key).or_insert(label);
        }
        if let Some(text) = doc.long_text {
            self.write(format!("{INDEX_DIR}/x/{id}.txt"), text.into_bytes())?;
        }
        self.chunk
            .push(if self.chunk_docs == 0 { '[' } else { ',' });
        self.chunk.push_str(&doc.record);
        self.chunk_docs += 1;
        if self.chunk_docs == DOCS_PER_CHUNK {
            self.flush_chunk()?;
        }
        Ok(())
    }

    fn flush_chunk(&mut self) -> Result<()> {
        if self.chunk_docs == 0 {
            return Ok(());
        }
        let n = (self.docs as usize - 1) / DOCS_PER_CHUNK;
        let mut json = std::mem::take(&mut self.chunk);
        json.push_str("]\n");
        self.chunk_docs = 0;
        self.write(format!("{INDEX_DIR}/d/{n}.json"), json.into_bytes())
    }

    /// Write the token shards and `meta.json`; remove the spill folder.
    pub fn finish(mut self) -> Result<Stats> {
        let start = std::time::Instant::now();
        self.flush_chunk()?;
        let shards = shard_count(self.postings.count());
        let groups = shards.min(postings::BUCKETS);
        let postings = &self.postings;
        let sink = self.sink;
        let written: Vec<(usize, u64, u64)> = (0..groups)
            .into_par_iter()
            .map_init(GroupScratch::default, |scratch, g| {
                write_group(postings, g, groups, shards, sink, scratch)
            })
            .collect::<Result<_>>()?;
        for (files, bytes, hash) in written {
            self.files += files;
            self.bytes += bytes;
            self.build_id = self.build_id.wrapping_add(hash);
        }
        let meta = serde_json::json!({
            "version": FORMAT_VERSION,
            "build": format!("{:016x}", self.build_id),
            "docs": self.docs,
            "shards": shards,
            "chunk": DOCS_PER_CHUNK,
            "fold": FOLD_SHARDS,
            "kinds": self.kinds,
            "statuses": self.statuses,
        });
        for (path, bytes) in fold_files() {
            self.write(format!("{INDEX_DIR}/{path}"), bytes)?;
        }
        let mut bytes = serde_json::to_vec(&meta).expect("meta serialises");
        bytes.push(b'\n');
        self.write(format!("{INDEX_DIR}/meta.json"), bytes)?;
        let spilled = self.postings.spilled();
        self.postings.remove_spill()?;
        Ok(Stats {
            docs: self.docs as usize,
            postings: self.postings.count(),
            shards,
            files: self.files,
            bytes: self.bytes,
            spilled,
            add_ms: self.add_time.as_millis(),
            finish_ms: start.elapsed().as_millis(),
        })
    }
}

/// The number of token shards: a power of two, so that a shard is a group of spill buckets or
/// a part of one, chosen for shards of about [`SHARD_TARGET_BYTES`].
fn shard_count(postings: u64) -> usize {
    let wanted = (postings * BYTES_PER_POSTING).div_ceil(SHARD_TARGET_BYTES);
    wanted.clamp(1, MAX_SHARDS).next_power_of_two() as usize
}

/// A 64-bit hash of a file's path and bytes, eight bytes a step (FxHash's step: every index
/// byte is hashed, and byte by byte FNV-1a was too slow: docs/search.md, Cost).
fn file_hash(path: &str, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0;
    let mut add = |w: u64| h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    for part in [path.as_bytes(), bytes] {
        let mut words = part.chunks_exact(8);
        for w in &mut words {
            add(u64::from_le_bytes(w.try_into().expect("chunks of 8 bytes")));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        add(u64::from_le_bytes(tail));
        add(part.len() as u64);
    }
    h
}

/// What a thread writing shards reuses from group to group (no growing, no page faults).
#[derive(Default)]
struct GroupScratch {
    /// Packed token → its number.
    numbers: TokenMap<u64, u32>,
    /// Per posting in bucket order: (token number, document, weight).
    all: Vec<(u32, u32, u8)>,
    counts: Vec<u32>,
    starts: Vec<usize>,
    next: Vec<usize>,
    lists: Vec<(u32, u8)>,
}

/// Write the shards `s ≡ g (mod groups)` from the spill buckets of group `g`; the number of
/// files, their bytes and the sum of their hashes.
fn write_group(
    postings: &Postings,
    g: usize,
    groups: usize,
    shards: usize,
    sink: &Sink,
    scratch: &mut GroupScratch,
) -> Result<(usize, u64, u64)> {
    let in_group = || (g..postings::BUCKETS).step_by(groups);
    let buckets = in_group()
        .map(|b| {
            let mut bytes = Vec::new();
            postings.read_bucket(b, &mut bytes)?;
            Ok(bytes)
        })
        .collect::<Result<Vec<Vec<u8>>>>()?;
    let postings_in_group = in_group().map(|b| postings.bucket_len(b)).sum();
    let keys = number_tokens(&buckets, postings_in_group, scratch);
    lay_out_lists(scratch);
    let order = shard_order(&keys, shards, groups);
    let mut out = (0, 0, 0u64);
    let mut rest = &order[..];
    let mut capacity = 64;
    for k in 0..shards / groups {
        let s = k * groups + g;
        let here = rest.iter().take_while(|t| t.0 as usize == k).count();
        let json = shard_json(&keys, &rest[..here], scratch, capacity);
        rest = &rest[here..];
        capacity = capacity.max(json.len());
        let path = format!("{INDEX_DIR}/t/{s}.json");
        out.2 = out.2.wrapping_add(file_hash(&path, &json));
        out.1 += json.len() as u64;
        out.0 += 1;
        sink(OutputFile { path, bytes: json })?;
    }
    Ok(out)
}

/// Each distinct token of the group's `buckets` gets a number, each posting its token's number
/// (in `scratch.all`, with `scratch.counts` per token): a token's postings all come from one
/// bucket, in document order. The tokens, by number.
fn number_tokens<'b>(
    buckets: &'b [Vec<u8>],
    postings_in_group: usize,
    scratch: &mut GroupScratch,
) -> Vec<Key<'b>> {
    let GroupScratch {
        numbers,
        all,
        counts,
        ..
    } = scratch;
    numbers.clear();
    all.clear();
    counts.clear();
    all.reserve(postings_in_group);
    let mut long: TokenMap<&[u8], u32> = TokenMap::default();
    let mut keys: Vec<Key> = Vec::new();
    for bytes in buckets {
        for r in postings::records(bytes) {
            let number = || {
                keys.push(r.token);
                counts.push(0);
                (keys.len() - 1) as u32
            };
            let n = match r.token {
                Key::Packed(key) => *numbers.entry(key).or_insert_with(number),
                Key::Long(t) => *long.entry(t).or_insert_with(number),
            };
            counts[n as usize] += 1;
            all.push((n, r.doc, r.weight));
        }
    }
    keys
}

/// The posting lists one after the other, token by token, in `scratch.lists`:
/// `starts[n]..starts[n + 1]` for token `n`.
fn lay_out_lists(scratch: &mut GroupScratch) {
    let GroupScratch {
        all,
        counts,
        starts,
        next,
        lists,
        ..
    } = scratch;
    starts.clear();
    let mut sum = 0;
    for &c in counts.iter() {
        starts.push(sum);
        sum += c as usize;
    }
    starts.push(sum);
    next.clear();
    next.extend_from_slice(starts);
    lists.clear();
    lists.resize(all.len(), (0, 0));
    for &(n, doc, w) in all.iter() {
        let at = &mut next[n as usize];
        lists[*at] = (doc, w);
        *at += 1;
    }
}

/// The tokens as (shard within the group, token number), by shard, then by their bytes.
fn shard_order(keys: &[Key], shards: usize, groups: usize) -> Vec<(u32, u32)> {
    let mut order: Vec<(u32, u32)> = keys
        .iter()
        .enumerate()
        .map(|(n, k)| {
            let hash = match *k {
                Key::Packed(key) => tokens::fnv1a_packed(key),
                Key::Long(t) => fnv1a(t),
            };
            ((hash as usize % shards / groups) as u32, n as u32)
        })
        .collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| match (keys[a.1 as usize], keys[b.1 as usize]) {
                (Key::Packed(x), Key::Packed(y)) => x.swap_bytes().cmp(&y.swap_bytes()),
                // A longer token (rare: long words, facets): compared as bytes.
                (x, y) => x.bytes().cmp(&y.bytes()),
            })
    });
    order
}

/// One shard file: the tokens of `here` (from [`shard_order`]) with their posting lists.
fn shard_json(
    keys: &[Key],
    here: &[(u32, u32)],
    scratch: &GroupScratch,
    capacity: usize,
) -> Vec<u8> {
    let GroupScratch { starts, lists, .. } = scratch;
    let mut json = Vec::with_capacity(capacity);
    json.push(b'{');
    let mut first = true;
    for &(_, n) in here {
        let n = n as usize;
        let packed;
        let bytes = match keys[n] {
            Key::Packed(key) => {
                packed = tokens::unpack(key);
                &packed.0[..packed.1]
            }
            Key::Long(t) => t,
        };
        let Ok(token) = std::str::from_utf8(bytes) else {
            continue;
        };
        if !first {
            json.push(b',');
        }
        first = false;
        push_json_string(&mut json, token);
        json.extend_from_slice(b":[");
        push_list(&mut json, &lists[starts[n]..starts[n + 1]]);
        json.push(b']');
    }
    json.extend_from_slice(b"}\n");
    json
}

/// A token as a JSON string, as `serde_json` writes it.
fn push_json_string(json: &mut Vec<u8>, token: &str) {
    if token.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        serde_json::to_writer(json, token).expect("strings serialise");
    } else {
        json.push(b'"');
        json.extend_from_slice(token.as_bytes());
        json.push(b'"');
    }
}

/// A posting list's numbers, `,`-separated (see [`encode_list`]).
fn push_list(json: &mut Vec<u8>, list: &[(u32, u8)]) {
    let mut first = true;
    encode_list(list, |v| {
        if !first {
            json.push(b',');
        }
        first = false;
        if v < 0 {
            json.push(b'-');
        }
        push_decimal(json, v.unsigned_abs());
    });
}

/// The numbers of one posting list, as `{"token":[…],…}` holds them: each posting as
/// `delta·16 + weight`, the first delta counted from 0, except that a run of more than one
/// posting each one document after the one before and of the same weight as it is written as
/// one negative number, minus its length (a filter such as `kind:pledge` is then a few numbers,
/// not one per pledge).
fn encode_list(list: &[(u32, u8)], mut out: impl FnMut(i64)) {
    let mut prev: Option<(u32, u8)> = None;
    let mut run = 0i64;
    for &(doc, w) in list {
        if let Some((p, pw)) = prev
            && doc == p + 1
            && w == pw
        {
            run += 1;
        } else {
            flush_run(&mut run, &mut out, prev);
            let delta = i64::from(doc) - prev.map_or(0, |(p, _)| i64::from(p));
            out(delta * 16 + i64::from(w));
        }
        prev = Some((doc, w));
    }
    flush_run(&mut run, &mut out, prev);
}

fn flush_run(run: &mut i64, out: &mut impl FnMut(i64), prev: Option<(u32, u8)>) {
    match *run {
        0 => {}
        // One consecutive posting: as short written out.
        1 => out(16 + i64::from(prev.map_or(0, |(_, w)| w))),
        n => out(-n),
    }
    *run = 0;
}

/// Append `n` in decimal (the shards are mostly numbers: `write!` costs twice as much).
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests;
