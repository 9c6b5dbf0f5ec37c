//! Patching a validated site after edits of news files, for `serve`: only what news feeds is
//! computed again (the edited items, the histories, states and news lists of the pledges they
//! name, the data date), instead of validating the whole site.
//!
//! A patch gives the model that [`super::build()`] would give for the edited files, or nothing:
//! it refuses whenever that cannot be shown, and the caller then validates the whole site.

use super::build::{NewsSource, news_item};
use super::{JurisdictionIx, News, NewsIx, Pledge, PledgeIx, Site};
use crate::content::NewsText;
use crate::content::SourceFile;
use crate::content::raw::RawNews;
use crate::types::PledgeRef;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A news file of the site, edited, read and parsed without errors.
pub struct NewsEdit<'a> {
    pub file: &'a Arc<SourceFile>,
    /// Its file stem (the item's slug).
    pub stem: &'a str,
    pub raw: &'a RawNews,
}

/// What a patch changed, by index, ascending.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Patched {
    /// The news items replaced.
    pub news: Vec<NewsIx>,
    /// The pledges named by those items before or after the edit: their history, news list,
    /// status, value and met were computed again.
    pub pledges: Vec<PledgeIx>,
}

/// Replace the news items of `site` that `edits` are new versions of, and compute again what
/// depends on them. `site` must be the model of the site's files before the edits (built
/// without errors) and `seeds` the file names in `seeds/`, as [`super::build()`] read them.
///
/// Returns `None`, leaving `site` as it was, when validating the whole site might give a
/// different result: an edit with an error or a warning (the whole validation reports it, with
/// its exact message), one naming a pledge the model does not hold (a draft), a file whose item the
/// model does not hold, or the same item twice.
pub fn patch_news(
    site: &mut Site,
    edits: &[NewsEdit],
    seeds: &BTreeSet<String>,
) -> Option<Patched> {
    let items = checked_items(site, edits, seeds)?;
    let mut touched: Vec<PledgeIx> = Vec::new();
    for (n, item) in &items {
        touched.extend(&site.news[*n].pledges);
        touched.extend(&item.pledges);
    }
    touched.sort_unstable();
    touched.dedup();
    let changed: Vec<NewsIx> = items.iter().map(|(n, _)| *n).collect();
    for (n, item) in items {
        site.news[n] = item;
    }
    let tolerance = site.config.about_tolerance;
    for &p in &touched {
        refresh_pledge(&mut site.pledges[p], p, &site.news, &changed, tolerance);
    }
    site.data_date = super::build::data_date(&site.reports, &site.news);
    Some(Patched {
        news: changed,
        pledges: touched,
    })
}

/// The new item of each edit with the index of the item it replaces, sorted by that index; `None`
/// when an edit is not a clean replacement (see [`patch_news`]).
fn checked_items(
    site: &Site,
    edits: &[NewsEdit],
    seeds: &BTreeSet<String>,
) -> Option<Vec<(NewsIx, News)>> {
    let mut items: Vec<(NewsIx, News)> = Vec::with_capacity(edits.len());
    for ed in edits {
        let n = site
            .news
            .binary_search_by(|x| x.slug.as_str().cmp(ed.stem))
            .map(NewsIx::new)
            .ok()?;
        if items.iter().any(|(m, _)| *m == n) {
            return None;
        }
        items.push((n, checked_item(site, ed, seeds)?));
    }
    items.sort_by_key(|(n, _)| *n);
    Some(items)
}

/// The model item of one edited file, validated against `site`; `None` on any error or warning.
fn checked_item(site: &Site, ed: &NewsEdit, seeds: &BTreeSet<String>) -> Option<News> {
    // Any error makes the whole validation run, so the messages here are never shown.
    let jurisdiction = |j: &str| -> Result<JurisdictionIx, String> {
        site.jurisdictions
            .iter()
            .position(|x| x.id.as_str() == j)
            .map(JurisdictionIx::new)
            .ok_or_else(String::new)
    };
    let pledge = |r: &PledgeRef| -> Result<Option<PledgeIx>, String> {
        find_pledge(site, r).map(Some).ok_or_else(String::new)
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let item = news_item(
        NewsSource {
            file: ed.file.clone(),
            stem: ed.stem,
            raw: ed.raw,
            text: NewsText::find(ed.raw, &ed.file.body_index()),
            seeds,
        },
        true,
        &jurisdiction,
        &pledge,
        &mut errors,
        &mut warnings,
    )?;
    (errors.is_empty() && warnings.is_empty()).then_some(item)
}

/// Compute again pledge `p`'s history, news list and current state, after the news items
/// `changed` were replaced in `news`.
fn refresh_pledge(pl: &mut Pledge, p: PledgeIx, news: &[News], changed: &[NewsIx], tolerance: f64) {
    // As `build` orders them: (as_of, news date, news slug, update index, news index).
    let mut list: Vec<super::build::EntryKey> = pl
        .history
        .iter()
        .filter_map(|e| {
            let (n, u) = (e.news?, e.update?);
            (!changed.contains(&n)).then(|| (e.date, news[n].date, news[n].slug.as_str(), u, n))
        })
        .collect();
    for &n in changed {
        for (u, up) in news[n].updates.iter().enumerate() {
            if up.pledge == p {
                list.push((up.as_of, news[n].date, news[n].slug.as_str(), u, n));
            }
        }
    }
    // The starting status of the pledge file, if any, comes first.
    pl.history.retain(|e| e.news.is_none());
    super::build::push_history(&mut pl.history, list, news);
    pl.news.retain(|n| !changed.contains(n));
    for &n in changed {
        if news[n].pledges.binary_search(&p).is_ok() {
            pl.news.push(n);
        }
    }
    super::build::settle(pl, news, tolerance);
}

/// The model index of the pledge `r` names; pledges are sorted by report id, then pledge id.
fn find_pledge(site: &Site, r: &PledgeRef) -> Option<PledgeIx> {
    site.pledges
        .binary_search_by(|p| {
            site.reports[p.report]
                .id
                .as_str()
                .cmp(r.report.as_str())
                .then(p.id.as_str().cmp(r.pledge.as_str()))
        })
        .map(PledgeIx::new)
        .ok()
}
