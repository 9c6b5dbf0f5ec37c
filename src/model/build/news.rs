//! Validation of news files, then what news adds to pledges: history, current state, back-links.

use super::pledges::PledgeRefs;
use super::{
    Errors, UniqueIds, check_source_url, control_problem, path, seed_error, short, stem_is_id,
    unknown,
};
use crate::content::locate::{Seg, idx, key};
use crate::content::raw::{RawNews, RawUpdate};
use crate::content::{Doc, FileId, Loaded, NewsText, SourceFile};
use crate::diag::Diagnostic;
use crate::markdown::normalize_quote;
use crate::model::ix::PerIx;
use crate::model::met::pledge_met;
use crate::model::{HistoryEntry, IterIx, JurisdictionIx, News, NewsIx, Pledge, PledgeIx, Update};
use crate::types::{Date, Num, PledgeRef, Status};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

/// The news items sorted by slug (the first file of a duplicate slug kept), each slug mapped to
/// its index; warnings (a draft pledge named) go to `warnings`.
pub(super) fn news<'a>(
    e: &mut Errors,
    loaded: &'a Loaded,
    jur_ix: &UniqueIds<&str, JurisdictionIx>,
    pledges: &PledgeRefs,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<News>, HashMap<&'a str, NewsIx>) {
    let news_docs = named_docs(e, loaded);
    // What validation and the pages need of each body's rendered text: found by the loader
    // when it dropped the body (one-off builds), else now, in parallel; the rendered text
    // itself is dropped right after, unless the loader keeps it with its file (`serve`).
    let news_text: Vec<NewsText> = news_docs
        .par_iter()
        .map(|(d, _)| {
            loaded
                .file(d.file)
                .news_text(&d.raw, || loaded.body_index(d.file))
        })
        .collect();
    // Sized once: a vector grown by doubling holds up to twice the items' size (and both
    // copies while it moves), and the news items are the largest part of the model.
    let mut news: Vec<News> = Vec::with_capacity(news_docs.len());
    let mut news_ix: HashMap<&str, NewsIx> = HashMap::default();
    let jurisdiction = |j: &str| -> Result<JurisdictionIx, String> {
        jur_ix
            .get(j)
            .ok_or_else(|| unknown("jurisdiction", j, jur_ix.ids().copied()))
    };
    let pledge = |r: &PledgeRef| pledges.resolve(r);
    for ((doc, keep), text) in news_docs.iter().zip(news_text) {
        let n = NewsIx::new(news.len());
        let item = news_item(
            NewsSource {
                file: loaded.shared_file(doc.file),
                stem: &doc.stem,
                raw: &doc.raw,
                text,
                seeds: &loaded.seeds,
            },
            *keep,
            &jurisdiction,
            &pledge,
            &mut e.list,
            warnings,
        );
        if let Some(item) = item {
            news_ix.insert(doc.stem.as_str(), n);
            news.push(item);
        }
    }
    (news, news_ix)
}

/// The news files whose name is a valid slug, sorted by it, each with whether it is kept: a
/// later file of a duplicate slug is checked for its own errors, but not kept.
fn named_docs<'a>(e: &mut Errors, loaded: &'a Loaded) -> Vec<(&'a Doc<RawNews>, bool)> {
    // Duplicates are still checked for their own errors, but only the first is kept.
    let mut news_docs: Vec<(&Doc<_>, bool)> = Vec::new();
    let mut slug_seen: HashMap<&str, FileId> = HashMap::default();
    for doc in &loaded.news {
        if !stem_is_id(e, doc, "news slug") {
            continue;
        }
        if let Some(&first) = slug_seen.get(doc.stem.as_str()) {
            let other = loaded.file(first).rel.clone();
            e.top(
                doc.file,
                format!("duplicate news slug `{}`: also used by {other}", doc.stem),
            );
            news_docs.push((doc, false));
            continue;
        }
        slug_seen.insert(doc.stem.as_str(), doc.file);
        news_docs.push((doc, true));
    }
    news_docs.sort_by(|a, b| a.0.stem.cmp(&b.0.stem).then(b.1.cmp(&a.1)));
    news_docs
}

/// Each pledge's history from the news updates about it, its news back-links, and its current
/// state from its history.
pub(super) fn history(pledges: &mut [Pledge], news: &[News], about_tolerance: f64) {
    let mut entries: PerIx<PledgeIx, Vec<EntryKey>> = PerIx::filled(pledges.len(), Vec::new());
    for (n, item) in news.iter_ix() {
        for (u, up) in item.updates.iter().enumerate() {
            entries[up.pledge].push((up.as_of, item.date, item.slug.as_str(), u, n));
        }
        for &p in &item.pledges {
            pledges[p].news.push(n);
        }
    }
    for (p, list) in pledges.iter_mut().zip(entries) {
        push_history(&mut p.history, list, news);
    }
    for p in pledges {
        settle(p, news, about_tolerance);
    }
}

/// One news file as the validation of news items reads it.
pub(crate) struct NewsSource<'a> {
    pub file: Arc<SourceFile>,
    pub stem: &'a str,
    pub raw: &'a RawNews,
    /// What is needed of its body's rendered text ([`NewsText::find`]).
    pub text: NewsText,
    /// File names in `seeds/`.
    pub seeds: &'a BTreeSet<String>,
}

/// Check one news file and make its model item; `None` when it is not `keep` (a duplicate slug,
/// checked for its own errors only). `jurisdiction` and `pledge` resolve references (a pledge
/// left out of the build, a draft, is `Ok(None)`) or give the message for an unknown one. Every
/// error found is added to `errors`, in the order `build` reports them, and every warning (a
/// draft named) to `warnings`.
pub(crate) fn news_item(
    src: NewsSource,
    keep: bool,
    jurisdiction: &dyn Fn(&str) -> Result<JurisdictionIx, String>,
    pledge: &dyn Fn(&PledgeRef) -> Result<Option<PledgeIx>, String>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<News> {
    let NewsSource {
        file,
        stem,
        raw: r,
        text,
        seeds,
    } = src;
    check_fields(&file, r, seeds, errors);
    let js = jurisdictions(&file, r, jurisdiction, errors);
    let mentioned = mentions(&file, r, pledge, errors, warnings);
    let mut updates = Vec::with_capacity(r.updates.len());
    for (i, u) in r.updates.iter().enumerate() {
        let found = &text.quotes[i];
        if let Some(up) = update(&file, r, (i, u), found, pledge, errors, warnings) {
            updates.push(up);
        }
    }
    if !keep {
        return None;
    }
    let mut ps: Vec<PledgeIx> = mentioned;
    ps.extend(updates.iter().map(|u| u.pledge));
    ps.sort_unstable();
    ps.dedup();
    if r.title.trim().is_empty() {
        errors.push(file.error_at(
            &[key("title")],
            "title is empty: give the news item its headline",
        ));
    }
    Some(News {
        slug: crate::types::NewsSlug::parse(stem).expect("stem checked by the caller"),
        title: r.title.clone(),
        date: r.date,
        source: r.source.clone(),
        source_url: r.source_url.clone(),
        seed: r.seed.clone(),
        summary: r.summary.clone(),
        jurisdictions: js,
        updates,
        pledges: ps,
        body: super::Body::new(file),
        lead: text.lead,
    })
}

/// Check the news item's own fields: its seed file, date, texts and source address.
fn check_fields(
    file: &SourceFile,
    r: &RawNews,
    seeds: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(d) = seed_error(file, &r.seed, seeds) {
        errors.push(d);
    }
    if let Err(msg) = r.date.plausible() {
        errors.push(file.error_at(&[key("date")], msg));
    }
    for (k, text) in [
        ("title", Some(r.title.as_str())),
        ("source", r.source.as_deref()),
        ("summary", r.summary.as_deref()),
    ] {
        if let Some(msg) = text.and_then(|t| control_problem(k, t)) {
            errors.push(file.error_at(&[key(k)], msg));
        }
    }
    if let Some(u) = &r.source_url
        && let Err(msg) = check_source_url(u)
    {
        errors.push(file.error_at(&[key("source_url")], msg));
    }
}

/// The jurisdictions the news item names, resolved; an error for each unknown one.
fn jurisdictions(
    file: &SourceFile,
    r: &RawNews,
    jurisdiction: &dyn Fn(&str) -> Result<JurisdictionIx, String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<JurisdictionIx> {
    let mut js = Vec::with_capacity(r.jurisdictions.len());
    for (i, j) in r.jurisdictions.iter().enumerate() {
        match jurisdiction(j.as_str()) {
            Ok(x) => js.push(x),
            Err(msg) => errors.push(file.error_at(&[key("jurisdictions"), idx(i)], msg)),
        }
    }
    js
}

/// The warning for a pledge named by a news item but left out of the site as a draft.
fn draft_named(pr: &PledgeRef, what: &str) -> String {
    format!(
        "{what} pledge `{pr}` is left out of the site: the pledge is a draft (build with --drafts to see it, or remove its `draft: true`)"
    )
}

/// The pledges the news item mentions (`pledges:`), resolved: an error for an unknown one, a
/// warning for a draft.
fn mentions(
    file: &SourceFile,
    r: &RawNews,
    pledge: &dyn Fn(&PledgeRef) -> Result<Option<PledgeIx>, String>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<PledgeIx> {
    let mut mentioned = Vec::with_capacity(r.pledges.len() + r.updates.len());
    for (i, pr) in r.pledges.iter().enumerate() {
        match pledge(pr) {
            Err(msg) => errors.push(file.error_at(&[key("pledges"), idx(i)], msg)),
            Ok(None) => warnings
                .push(file.error_at(&[key("pledges"), idx(i)], draft_named(pr, "the mention of"))),
            Ok(Some(m)) => mentioned.push(m),
        }
    }
    mentioned
}

/// Update `i` of the news item, checked; `None` when its pledge is unknown or a draft (the rest
/// of it is still checked). `found` is where its quote occurs in the body ([`NewsText`]).
fn update(
    file: &SourceFile,
    r: &RawNews,
    (i, u): (usize, &RawUpdate),
    found: &Option<Result<usize, String>>,
    pledge: &dyn Fn(&PledgeRef) -> Result<Option<PledgeIx>, String>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Update> {
    let at = |k: &str| path(&[key("updates"), idx(i), key(k)]);
    // An unknown pledge is reported, and the rest of the update is still checked.
    let target = match pledge(&u.pledge) {
        Err(msg) => {
            errors.push(file.error_at(&at("pledge"), msg));
            None
        }
        Ok(None) => {
            warnings.push(file.error_at(&at("pledge"), draft_named(&u.pledge, "this update of")));
            None
        }
        Ok(m) => m,
    };
    if let Some(Err(msg)) = u.value.map(Num::exact) {
        errors.push(file.error_at(&at("value"), msg));
    }
    check_as_of(file, r, u.as_of, &at("as_of"), errors);
    let quote = u.quote.as_deref().map(normalize_quote);
    let quote_range = quote
        .as_deref()
        .and_then(|q| quote_range(file, q, found, &at("quote"), errors));
    Some(Update {
        pledge: target?,
        status: u.status,
        value: u.value,
        as_of: u.as_of.unwrap_or(r.date),
        quote: quote.map(Arc::from),
        quote_range,
    })
}

/// An error at `place` when an update's `as_of` is implausible or after the news item's date.
fn check_as_of(
    file: &SourceFile,
    r: &RawNews,
    as_of: Option<Date>,
    place: &[Seg],
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(Err(msg)) = as_of.map(Date::plausible) {
        errors.push(file.error_at(place, msg));
    } else if let Some(as_of) = as_of
        && as_of > r.date
        && r.date.plausible().is_ok()
    {
        errors.push(file.error_at(
            place,
            format!(
                "as_of {as_of} is after this news item's date {}: evidence cannot speak for a day after it was published; correct `as_of` or the news `date`",
                r.date
            ),
        ));
    }
}

/// Where the normalised quote `q` sits in the body, from `found`; an error at `place` when it
/// is empty or does not occur.
fn quote_range(
    file: &SourceFile,
    q: &str,
    found: &Option<Result<usize, String>>,
    place: &[Seg],
    errors: &mut Vec<Diagnostic>,
) -> Option<Range<usize>> {
    if q.is_empty() {
        errors.push(file.error_at(place, "quote is empty: quote the evidence verbatim from this news body, or leave the field out"));
        return None;
    }
    match found {
        Some(Ok(s)) => Some(*s..s + q.len()),
        Some(Err(hint)) => {
            errors.push(file.error_at(
                place,
                format!(
                    "quote does not occur in this news body: «{}» ({hint})",
                    short(q)
                ),
            ));
            None
        }
        None => None,
    }
}

/// A pledge's history entry from news: (as_of, news date, news slug, update index, news index),
/// in the order that sorts the history.
pub(in crate::model) type EntryKey<'s> = (Date, Date, &'s str, usize, NewsIx);

/// Append the updates in `list`, sorted into history order, to `history`: what `build` does for
/// every pledge, and `patch` for the pledges an edit of news touches.
pub(in crate::model) fn push_history(
    history: &mut Vec<HistoryEntry>,
    mut list: Vec<EntryKey>,
    news: &[News],
) {
    list.sort();
    for (as_of, _, _, u, n) in list {
        let up = &news[n].updates[u];
        history.push(HistoryEntry {
            date: as_of,
            status: up.status,
            value: up.value,
            news: Some(n),
            update: Some(u),
            quote: up.quote.clone(),
        });
    }
}

/// A pledge's news list in date order and its current state from its history (the last entry;
/// unrated without one): what `build` does for every pledge, and `patch` for the pledges an edit
/// of news touches.
pub(in crate::model) fn settle(p: &mut Pledge, news: &[News], tolerance: f64) {
    p.news.sort_by(|&a, &b| {
        news[a]
            .date
            .cmp(&news[b].date)
            .then(news[a].slug.cmp(&news[b].slug))
    });
    p.news.dedup();
    // Both are pushed to one by one (capacity 4 at least, often twice the length): there is
    // one of each per pledge, so the slack adds up.
    p.news.shrink_to_fit();
    p.history.shrink_to_fit();
    (p.status, p.value, p.as_of) = match p.history.last() {
        Some(last) => (last.status, last.value, Some(last.date)),
        None => (Status::Unrated, None, None),
    };
    p.met = pledge_met(
        p.target.as_ref().map(|t| (t.value, t.qualifier)),
        p.value,
        p.as_of,
        p.deadline,
        tolerance,
    );
}
