//! Validation of news files, then what news adds to pledges: history, current state, back-links.

use super::pledges::PledgeRefs;
use super::{
    EntryKey, Errors, NewsSource, UniqueIds, news_item, push_history, settle, shown_stem,
    stem_problem, unknown,
};
use crate::content::{Doc, FileId, Loaded, NewsText};
use crate::diag::Diagnostic;
use crate::model::{News, Pledge};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// The news items sorted by slug (the first file of a duplicate slug kept), each slug mapped to
/// its index; warnings (a draft pledge named) go to `warnings`.
pub(super) fn news<'a>(
    e: &mut Errors,
    loaded: &'a Loaded,
    jur_ix: &UniqueIds<&str, usize>,
    pledges: &PledgeRefs,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<News>, HashMap<&'a str, usize>) {
    // Duplicates are still checked for their own errors, but only the first is kept.
    let mut news_docs: Vec<(&Doc<_>, bool)> = Vec::new();
    let mut slug_seen: HashMap<&str, FileId> = HashMap::default();
    for doc in &loaded.news {
        if let Some(why) = stem_problem(&doc.stem) {
            e.top(
                doc.file,
                format!(
                    "file name `{}.md` is not a valid news slug: {why}",
                    shown_stem(&doc.stem)
                ),
            );
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
    let mut news_ix: HashMap<&str, usize> = HashMap::default();
    let jurisdiction = |j: &str| -> Result<usize, String> {
        jur_ix
            .get(j)
            .ok_or_else(|| unknown("jurisdiction", j, jur_ix.ids().copied()))
    };
    let pledge = |r: &crate::types::PledgeRef| pledges.resolve(r);
    for ((doc, keep), text) in news_docs.iter().zip(news_text) {
        let n = news.len();
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

/// Each pledge's history from the news updates about it, its news back-links, and its current
/// state from its history.
pub(super) fn history(pledges: &mut [Pledge], news: &[News], about_tolerance: f64) {
    let mut entries: Vec<Vec<EntryKey>> = vec![Vec::new(); pledges.len()];
    for (n, item) in news.iter().enumerate() {
        for (u, up) in item.updates.iter().enumerate() {
            entries[up.pledge].push((up.as_of, item.date, item.slug.as_str(), u, n));
        }
        for &p in &item.pledges {
            pledges[p].news.push(n);
        }
    }
    for (p, list) in entries.into_iter().enumerate() {
        push_history(&mut pledges[p].history, list, news);
    }
    for p in pledges {
        settle(p, news, about_tolerance);
    }
}
