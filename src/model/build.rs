//! Validation: raw structs checked against each other and turned into the [`Site`] model.
//!
//! Every rule of the content contract (docs/content-model.md §2–§7) is checked here and every
//! failure is collected, so one run reports all errors. [`build()`] runs one step per kind of
//! content (the submodules); the checks and helpers they share are here.

mod indicators;
mod news;
mod pages;
mod pledges;
mod reports;
mod site;

pub(super) use news::{EntryKey, push_history, settle};
pub(crate) use news::{NewsSource, news_item};

use super::*;
use crate::content::locate::{Seg, idx, key};
use crate::content::{FileId, Loaded, SourceFile};
use crate::diag::Diagnostic;
use crate::markdown::{clean_controls, is_unshown};
use crate::types::{MAX_ID_LEN, has_id_shape};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::hash::Hash;

/// Choices that change what a build includes.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pledges marked `draft: true`.
    pub drafts: bool,
    /// Replace `base_url` (used by `serve`).
    pub base_url: Option<String>,
}

/// Every error found so far, each at its place in its file (`path:line:col`).
struct Errors<'a> {
    loaded: &'a Loaded,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn at(&mut self, file: FileId, path: &[Seg], msg: impl Into<String>) {
        let d = self.loaded.file(file).error_at(path, msg);
        self.list.push(d);
    }
    fn top(&mut self, file: FileId, msg: impl Into<String>) {
        let d = self.loaded.file(file).error_at_top(msg);
        self.list.push(d);
    }
    /// An error at `path` unless `d` is a plausible date ([`Date::plausible`]).
    fn date(&mut self, file: FileId, path: &[Seg], d: Option<Date>) {
        if let Some(Err(msg)) = d.map(Date::plausible) {
            self.at(file, path, msg);
        }
    }
    /// An error at `path` unless `n` is a number kept exactly ([`Num::exact`]).
    fn num(&mut self, file: FileId, path: &[Seg], n: Option<Num>) {
        if let Some(Err(msg)) = n.map(Num::exact) {
            self.at(file, path, msg);
        }
    }
    /// An error at each of the `texts` (path, value) that holds a control character.
    fn texts(&mut self, file: FileId, texts: &[(Vec<Seg>, Option<&str>)]) {
        for (path, text) in texts {
            let field = path.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            if let Some(msg) = text.and_then(|t| control_problem(field.unwrap_or("text"), t)) {
                self.at(file, path, msg);
            }
        }
    }
    fn place(&self, file: FileId, path: &[Seg]) -> String {
        let d = self.loaded.file(file).error_at(path, "");
        format!("{}:{}:{}", d.path, d.line, d.col)
    }
}

fn path(segs: &[Seg]) -> Vec<Seg> {
    segs.to_vec()
}

/// The first definition of each id in one list of items (`jurisdictions`, `categories`,
/// `pledges`, `indicators`): the value it maps to and where it is, so that a later definition
/// is reported with the place of the first.
pub(super) struct UniqueIds<K, V> {
    /// The key of the list in its files.
    list: &'static str,
    first: HashMap<K, (V, FileId, usize)>,
}

impl<K: Hash + Eq, V: Copy> UniqueIds<K, V> {
    fn new(list: &'static str) -> Self {
        UniqueIds {
            list,
            first: HashMap::default(),
        }
    }

    /// Define `id`, item `item` of the list in `file`, as `value`, and return true; when it is
    /// already defined, report "duplicate {what}: also defined at {first place}" at its `id`
    /// instead, and return false.
    fn define(
        &mut self,
        e: &mut Errors,
        id: K,
        value: V,
        file: FileId,
        item: usize,
        what: impl FnOnce() -> String,
    ) -> bool {
        if let Some(&(_, f, first)) = self.first.get(&id) {
            let place = e.place(f, &[key(self.list), idx(first), key("id")]);
            e.at(
                file,
                &[key(self.list), idx(item), key("id")],
                format!("duplicate {}: also defined at {place}", what()),
            );
            return false;
        }
        self.first.insert(id, (value, file, item));
        true
    }

    /// The value of the first definition of `id`.
    fn get<Q: Hash + Eq + ?Sized>(&self, id: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.first.get(id).map(|&(v, _, _)| v)
    }

    /// Every id defined, in no particular order.
    fn ids(&self) -> impl Iterator<Item = &K> {
        self.first.keys()
    }
}

/// Check everything `loaded` holds and build the site model, or return every error found;
/// warnings (content left out of this build) are added to `warnings` either way.
///
/// One step per kind of content, each in its own module, in the order their references need:
/// site settings, jurisdictions and categories; reports; pledges (quotes, drafts, carry-over);
/// news, then the history it gives pledges; indicators; free pages.
pub fn build(
    loaded: &Loaded,
    opts: &BuildOptions,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut e = Errors {
        loaded,
        list: Vec::new(),
    };
    let Some(site_doc) = &loaded.site else {
        return Err(e.list);
    };
    // Report and news files that did not load: references to them say so.
    let unloaded = super::unparsed::unloaded(loaded);

    let config = site::config(&mut e, site_doc, opts);
    let (jurisdictions, jur_ix) = site::jurisdictions(&mut e, site_doc);
    let (categories, cat_ix) = site::categories(&mut e, site_doc);
    let (mut reports, report_ix) = reports::reports(&mut e, loaded, &jur_ix);
    let (mut pledges, pledge_refs) = pledges::pledges(
        &mut e,
        loaded,
        opts.drafts,
        &unloaded,
        &mut reports,
        &report_ix,
        &cat_ix,
    );
    let (news, news_ix) = news::news(&mut e, loaded, &jur_ix, &pledge_refs, warnings);
    news::history(&mut pledges, &news, config.about_tolerance);
    let refs = indicators::Refs {
        jurisdictions: &jurisdictions,
        jur_ix: &jur_ix,
        report_ix: &report_ix,
        news_ix: &news_ix,
        unloaded: &unloaded,
    };
    let indicators = indicators::indicators(&mut e, loaded, &refs, config.about_tolerance);
    let pages = pages::pages(&mut e, loaded);

    if !e.list.is_empty() {
        return Err(e.list);
    }
    let data_date = data_date(&reports, &news);
    Ok(Site {
        data_date,
        config,
        jurisdictions,
        categories,
        reports,
        pledges,
        news,
        indicators,
        pages,
    })
}

/// The date the data speaks for ([`Site::data_date`]).
pub(crate) fn data_date(reports: &[Report], news: &[News]) -> Option<Date> {
    reports
        .iter()
        .map(|r| r.delivered)
        .chain(news.iter().map(|n| n.date))
        .chain(news.iter().flat_map(|n| n.updates.iter().map(|u| u.as_of)))
        .max()
}

const ID_RULE: &str =
    "ids are lowercase ASCII letters and digits joined by single hyphens, like `luohe-2024`";

/// The longest path of a free page under `content/pages/` (without `.md`), in characters: the
/// output path of a page is its folders, and systems refuse paths over 4,096 bytes.
pub const MAX_PAGE_PATH: usize = 2 * MAX_ID_LEN;

/// What is wrong with a file stem (or page path segment) as an id, for a message after
/// "is not a valid ... id: ".
fn stem_problem(stem: &str) -> Option<String> {
    if !has_id_shape(stem) {
        return Some(ID_RULE.to_string());
    }
    let n = stem.chars().count();
    (n > MAX_ID_LEN).then(|| {
        format!(
            "it is {n} characters long, and ids may have at most {MAX_ID_LEN} (each becomes a folder name of the site); shorten it"
        )
    })
}

/// Whether `doc`'s file name is a valid id; when it is not, an error at the top of the file:
/// "file name `{stem}.md` is not a valid {what}: {why}".
fn stem_is_id<T>(e: &mut Errors, doc: &crate::content::Doc<T>, what: &str) -> bool {
    let Some(why) = stem_problem(&doc.stem) else {
        return true;
    };
    e.top(
        doc.file,
        format!(
            "file name `{}.md` is not a valid {what}: {why}",
            shown_stem(&doc.stem)
        ),
    );
    false
}

/// A file stem as messages show it: cut after 40 characters.
fn shown_stem(stem: &str) -> String {
    if stem.chars().count() > 40 {
        format!("{}…", stem.chars().take(40).collect::<String>())
    } else {
        stem.to_string()
    }
}

/// `site.yaml`'s base_url (or `--base-url`), checked and split into (absolute URL with trailing
/// slash, path). Written as publishers paste it, it is normalised: a missing trailing slash is
/// added, repeated slashes in the path are one (`https://x.org/portal//` from a CI variable
/// ending in `/` plus a `/`), and characters outside ASCII in the path are percent-encoded as
/// browsers send them. What cannot be meant as a site's address is refused: no http(s)
/// scheme or host, a query or fragment, white space or control characters, `.`/`..` in the
/// path, and a host outside ASCII (IDNA is not done here). The message says what and how.
pub fn parse_base_url(s: &str) -> Result<(String, String), String> {
    let s = s.trim();
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https://", r)
    } else if let Some(r) = s.strip_prefix("http://") {
        ("http://", r)
    } else {
        return Err(format!(
            "`{s}` must start with https:// or http://, like https://example.org/portal/"
        ));
    };
    if s.contains(['?', '#']) {
        return Err(format!(
            "`{s}` must be the portal's address without a query (`?…`) or fragment (`#…`): \
             remove them"
        ));
    }
    if let Some(c) = s.chars().find(|&c| not_in_address(c)) {
        return Err(format!(
            "`{s}` contains {c:?}, which an address cannot contain: write a space as %20, \
             or copy the address from the browser's address bar"
        ));
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return Err(format!(
            "`{s}` has no host: write it like https://example.org/portal/"
        ));
    }
    if !host.is_ascii() {
        return Err(format!(
            "the host of `{s}` is not written in ASCII: write it in its xn-- form \
             (as the browser's address bar shows when the address is copied)"
        ));
    }
    let mut clean = String::from("/");
    for seg in path.split('/').filter(|seg| !seg.is_empty()) {
        if seg == "." || seg == ".." {
            return Err(format!(
                "the path of `{s}` holds `{seg}`: write the folder's path without it"
            ));
        }
        for b in seg.bytes() {
            if b.is_ascii() {
                clean.push(char::from(b));
            } else {
                clean.push_str(&format!("%{b:02X}"));
            }
        }
        clean.push('/');
    }
    Ok((format!("{scheme}{host}{clean}"), clean))
}

/// Why a text written in YAML cannot be shown, if it holds a control character (other than tab
/// and line feed) or a noncharacter: YAML refuses them written as they are, but not written as
/// escapes (`"\x01"`), and pages and feeds cannot hold them. (Quotes are cleaned instead, like
/// the bodies they quote: `markdown::clean_controls`.)
fn control_problem(field: &str, text: &str) -> Option<String> {
    if let std::borrow::Cow::Borrowed(_) = clean_controls(text) {
        return None;
    }
    let c = text.chars().find(|&c| is_unshown(c))?;
    Some(format!(
        "{field} holds the control character U+{:04X}, which pages cannot show: remove it (in YAML it is written as an escape, like `\\x01` or `\\0`)",
        c as u32
    ))
}

/// Whether `c` must be encoded in a URL (white space, control characters, quotes, brackets…).
fn not_in_address(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '"' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^')
}

/// A news item's `source_url`: an http(s) address without characters that a URL must encode.
fn check_source_url(u: &str) -> Result<(), String> {
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        return Err("source_url must be an http:// or https:// address".into());
    }
    if let Some(c) = u.chars().find(|&c| not_in_address(c)) {
        return Err(format!(
            "source_url contains {c:?}, which an address cannot contain: copy the address from the browser's address bar"
        ));
    }
    Ok(())
}

fn check_seed(e: &mut Errors, file: FileId, seed: &Option<String>, loaded: &Loaded) {
    if let Some(d) = seed_error(loaded.file(file), seed, &loaded.seeds) {
        e.list.push(d);
    }
}

/// The error of a `seed` field that does not name a file in `seeds/`.
fn seed_error(
    file: &SourceFile,
    seed: &Option<String>,
    seeds: &BTreeSet<String>,
) -> Option<Diagnostic> {
    let s = seed.as_ref()?;
    (s.contains(['/', '\\']) || s.starts_with('.') || !seeds.contains(s)).then(|| {
        file.error_at(
            &[key("seed")],
            format!("seed `{s}` is not a file in seeds/"),
        )
    })
}

/// Needles longer than this are searched one by one: an automaton's size grows with them.
const LONG_NEEDLE: usize = 4096;

/// Leftmost first occurrence of each needle in `hay` (byte offset), in one pass for the short
/// ones and in linear time per long one.
pub fn first_occurrences(hay: &str, needles: &[&str]) -> Vec<Option<usize>> {
    let mut out = vec![None; needles.len()];
    let short: Vec<usize> = (0..needles.len())
        .filter(|&i| needles[i].len() <= LONG_NEEDLE)
        .collect();
    for (i, n) in needles.iter().enumerate() {
        if n.len() > LONG_NEEDLE {
            out[i] = hay.find(n);
        }
    }
    if short.is_empty() {
        return out;
    }
    // Each distinct needle is one pattern: the automaton's construction is quadratic in the
    // number of identical patterns (200,000 pledges quoting one sentence took minutes).
    let mut ids: HashMap<&str, usize> = HashMap::default();
    let mut patterns: Vec<&str> = Vec::new();
    let of: Vec<usize> = short
        .iter()
        .map(|&i| {
            *ids.entry(needles[i]).or_insert_with(|| {
                patterns.push(needles[i]);
                patterns.len() - 1
            })
        })
        .collect();
    // One search per automaton: a contiguous NFA is built several times faster than the DFA
    // that the builder would pick for a few dozen patterns, and searches one report as fast.
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        // Fall back to one search per needle if the automaton cannot be built.
        for &i in &short {
            out[i] = hay.find(needles[i]);
        }
        return out;
    };
    // Overlapping search reports every occurrence of every pattern, so a needle not found
    // here does not occur.
    let mut first: Vec<Option<usize>> = vec![None; patterns.len()];
    let mut remaining = patterns.len();
    for m in ac.find_overlapping_iter(hay) {
        let slot = &mut first[m.pattern().as_usize()];
        if slot.is_none() {
            *slot = Some(m.start());
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
    }
    for (&i, &p) in short.iter().zip(&of) {
        out[i] = first[p];
    }
    out
}

fn short(s: &str) -> String {
    let n = s.chars().count();
    if n <= 60 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}

/// "unknown X `y`" with a did-you-mean hint or the list of valid values.
pub(crate) fn unknown<'a>(what: &str, got: &str, known: impl Iterator<Item = &'a str>) -> String {
    let mut known: Vec<&str> = known.collect();
    known.sort_unstable();
    let mut msg = format!("unknown {what} `{got}`");
    if let Some(best) = nearest(got, &known) {
        msg.push_str(&format!(": did you mean `{best}`?"));
    } else if known.is_empty() {
        msg.push_str(&format!(": no {what} is defined"));
    } else if known.len() <= 12 {
        msg.push_str(&format!(
            ": expected one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    msg
}

/// The known value closest to `got` by edit distance, if close enough to be a likely typo.
pub(crate) fn nearest<'a>(got: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (got.chars().count() / 3).clamp(2, 4);
    known
        .iter()
        .map(|k| (levenshtein(got, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path_prefix() {
        assert_eq!(
            parse_base_url("https://example.org/acc").unwrap(),
            ("https://example.org/acc/".into(), "/acc/".into())
        );
        assert_eq!(parse_base_url("https://example.org").unwrap().1, "/");
        assert!(parse_base_url("example.org").is_err());
        assert!(parse_base_url("https:///x").is_err());
    }

    /// Regression (issue 17, follow-up 1): `https://x.org/portal//` (a CI variable ending in `/`
    /// followed by `/`) wrote links to `/portal//style.css`.
    #[test]
    fn base_url_with_repeated_slashes_is_normalised() {
        for s in [
            "https://x.org/portal//",
            "https://x.org//portal/",
            "https://x.org/portal",
            "  https://x.org///portal///  ",
        ] {
            assert_eq!(
                parse_base_url(s).unwrap(),
                ("https://x.org/portal/".into(), "/portal/".into()),
                "{s}"
            );
        }
        assert_eq!(
            parse_base_url("http://x.org//").unwrap(),
            ("http://x.org/".into(), "/".into())
        );
        assert_eq!(
            parse_base_url("https://x.org:8080/a//b").unwrap(),
            ("https://x.org:8080/a/b/".into(), "/a/b/".into())
        );
    }

    #[test]
    fn base_url_path_outside_ascii_is_percent_encoded() {
        assert_eq!(
            parse_base_url("https://x.org/政府/").unwrap(),
            (
                "https://x.org/%E6%94%BF%E5%BA%9C/".into(),
                "/%E6%94%BF%E5%BA%9C/".into()
            )
        );
        // Already encoded: kept as written.
        assert_eq!(parse_base_url("https://x.org/a%20b/").unwrap().1, "/a%20b/");
    }

    #[test]
    fn base_url_that_cannot_be_an_address_is_refused_with_the_fix() {
        for (s, says) in [
            ("https://x.org/portal/?v=1", "without a query"),
            ("https://x.org/portal/#top", "fragment"),
            ("https://x.org/my portal/", "%20"),
            ("https://x.org/a\tb/", "%20"),
            ("https://政府.cn/", "xn--"),
            ("https://x.org/a/../b/", "`..`"),
            ("ftp://x.org/", "https://"),
            ("https://", "no host"),
        ] {
            let msg = parse_base_url(s).unwrap_err();
            assert!(msg.contains(says), "{s}: {msg}");
        }
    }

    #[test]
    fn first_occurrences_finds_overlapping_and_repeated_needles() {
        let hay = "甲乙丙甲乙";
        assert_eq!(
            first_occurrences(hay, &["乙丙", "甲乙", "丁", "甲乙"]),
            vec![Some(3), Some(0), None, Some(0)]
        );
    }

    /// Regression (issue 17, item 3, found measuring it): 200,000 pledges quoting one sentence
    /// built an automaton of 200,000 identical patterns, quadratic in their number; needles
    /// not found were then searched one by one. Each distinct needle is one pattern now.
    #[test]
    fn identical_and_missing_needles_are_found_once_each() {
        let hay = "今年新建道路5公里，改造老旧小区。";
        let mut needles = vec!["新建道路5公里"; 20_000];
        needles.extend(vec!["新建道路6公里"; 20_000]);
        needles.push("老旧小区");
        let found = first_occurrences(hay, &needles);
        assert!(found[..20_000].iter().all(|f| *f == Some(6)));
        assert!(found[20_000..40_000].iter().all(Option::is_none));
        assert_eq!(found[40_000], hay.find("老旧小区"));
    }

    #[test]
    fn source_urls_are_plain_addresses() {
        assert!(check_source_url("https://example.org/新闻/1?a=b&c='d'#e").is_ok());
        assert!(check_source_url("ftp://example.org/").is_err());
        for bad in [
            "https://x/\"><script>",
            "https://x/a b",
            "https://x/\\y",
            "https://x/\n",
        ] {
            assert!(check_source_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn long_needles_are_found_without_an_automaton() {
        let long = "长".repeat(LONG_NEEDLE);
        let hay = format!("前{long}后");
        let missing = format!("{long}无");
        assert_eq!(
            first_occurrences(&hay, &[&long, "后", &missing]),
            vec![Some(3), Some(3 + long.len()), None]
        );
    }

    #[test]
    fn near_misses_get_a_suggestion() {
        assert_eq!(
            nearest("old-comunities", &["old-communities", "heating"]),
            Some("old-communities")
        );
        assert_eq!(nearest("xyz", &["old-communities"]), None);
        assert!(
            unknown("category", "urbn", ["urban", "economy"].into_iter())
                .contains("did you mean `urban`")
        );
        assert!(
            unknown("category", "zzz", ["urban", "economy"].into_iter())
                .contains("expected one of `economy`, `urban`")
        );
    }
}
