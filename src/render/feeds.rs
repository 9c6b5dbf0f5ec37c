//! Machine-read files written without templates: Atom feed, sitemap, robots.txt.

use super::strings::Strings;
use super::views::route;
use crate::markdown::escape_html as esc;
use crate::model::{IterIx, NewsIx, PledgeIx, Site};
use crate::types::Date;

/// How many entries the site feed carries (newest first).
pub const FEED_ENTRIES: usize = 100;

fn rfc3339(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// `feed.xml`: news items and the status updates they carry, newest first.
pub fn atom(site: &Site, s: &Strings) -> Vec<u8> {
    let base = &site.config.base_url;
    let entries: Vec<(Date, String)> = newest_entries(site)
        .into_iter()
        .map(|(date, n, update)| {
            let xml = match update {
                None => news_entry(site, n),
                Some(u) => update_entry(site, s, n, u, date),
            };
            (date, xml)
        })
        .collect();
    let updated = entries
        .first()
        .map(|e| e.0)
        .or_else(|| site.reports.iter().map(|r| r.delivered).max());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("<title>{}</title>\n", esc(&site.config.title)));
    out.push_str(&format!(
        "<link href=\"{}\"/>\n<link rel=\"self\" href=\"{}feed.xml\"/>\n<id>{}</id>\n",
        esc(base),
        esc(base),
        esc(base)
    ));
    if let Some(d) = updated {
        out.push_str(&format!("<updated>{}</updated>\n", rfc3339(d)));
    }
    for (_, e) in entries {
        out.push_str(&e);
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// The feed's entries, newest first, at most [`FEED_ENTRIES`]: (date, news item, the update
/// it carries or `None` for the item itself); equal dates in order of a key made of the item's
/// slug and the update's number.
fn newest_entries(site: &Site) -> Vec<(Date, NewsIx, Option<usize>)> {
    // Choose the newest entries first, then write only those: (date, tie-break key, news, update).
    // Only entries at least as new as the FEED_ENTRIES-th newest can be chosen; the tie-break
    // keys are made for those only.
    let mut dated: Vec<(Date, NewsIx, Option<usize>)> = Vec::new();
    for (n, item) in site.news.iter_ix() {
        dated.push((item.date, n, None));
        for (u, up) in item.updates.iter().enumerate() {
            dated.push((up.as_of.max(item.date), n, Some(u)));
        }
    }
    if dated.len() > FEED_ENTRIES {
        let (_, nth, _) = dated.select_nth_unstable_by(FEED_ENTRIES - 1, |a, b| b.0.cmp(&a.0));
        let oldest = nth.0;
        dated.retain(|d| d.0 >= oldest);
    }
    let mut chosen: Vec<(Date, String, NewsIx, Option<usize>)> = dated
        .into_iter()
        .map(|(date, n, update)| {
            let slug = &site.news[n].slug;
            let key = match update {
                None => format!("n:{slug}"),
                Some(u) => format!("u:{slug}:{u:06}"),
            };
            (date, key, n, update)
        })
        .collect();
    chosen.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    chosen.truncate(FEED_ENTRIES);
    chosen
        .into_iter()
        .map(|(date, _, n, update)| (date, n, update))
        .collect()
}

/// The entry of news item `n`: its title, its page, its summary (or lead).
fn news_entry(site: &Site, n: NewsIx) -> String {
    let item = &site.news[n];
    let url = format!("{}{}", site.config.base_url, route::news(site, n));
    let summary = item
        .summary
        .clone()
        .or_else(|| item.lead.as_deref().map(str::to_string))
        .unwrap_or_default();
    entry_xml(&item.title, &url, &url, item.date, &summary)
}

/// The entry of update `u` of news item `n`, dated `date`: the new status and the pledge it
/// is about, linking to the pledge's page.
fn update_entry(site: &Site, s: &Strings, n: NewsIx, u: usize, date: Date) -> String {
    let base = &site.config.base_url;
    let item = &site.news[n];
    let url = format!("{base}{}", route::news(site, n));
    let up = &item.updates[u];
    let p = &site.pledges[up.pledge];
    let purl = format!("{base}{}", route::pledge(site, up.pledge));
    let id = format!("{url}#u_{u}");
    let mut text = format!("{}：{}", s.status(up.status), p.title);
    if let Some(q) = &up.quote {
        text.push_str(&format!(" —— «{q}»"));
    }
    let title = format!("{} · {}", s.status(up.status), p.title);
    entry_xml(&title, &purl, &id, date, &text)
}

/// One `<entry>` line, every value escaped.
fn entry_xml(title: &str, link: &str, id: &str, updated: Date, summary: &str) -> String {
    format!(
        "<entry><title>{}</title><link href=\"{}\"/><id>{}</id><updated>{}</updated><summary>{}</summary></entry>\n",
        esc(title),
        esc(link),
        esc(id),
        rfc3339(updated),
        esc(summary)
    )
}

/// `sitemap.xml` from the routes of every HTML page (already sorted by the caller).
pub fn sitemap(site: &Site, routes: &[String]) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for r in routes {
        out.push_str(&format!(
            "<url><loc>{}{}</loc></url>\n",
            esc(&site.config.base_url),
            esc(r)
        ));
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

pub fn robots(site: &Site) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
    .into_bytes()
}

/// `pledges/<r>/<p>/feed.xml`: one entry per history entry of the pledge, newest first.
pub fn pledge_atom(site: &Site, s: &Strings, p: PledgeIx) -> Vec<u8> {
    let base = &site.config.base_url;
    let pl = &site.pledges[p];
    let url = format!("{base}{}", route::pledge(site, p));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!(
        "<title>{}</title>\n",
        esc(&format!("{} · {}", pl.title, site.config.title))
    ));
    out.push_str(&format!(
        "<link href=\"{}\"/>\n<link rel=\"self\" href=\"{}feed.xml\"/>\n<id>{}</id>\n",
        esc(&url),
        esc(&url),
        esc(&url)
    ));
    let updated = pl
        .history
        .last()
        .map(|h| h.date)
        .unwrap_or(site.reports[pl.report].delivered);
    out.push_str(&format!("<updated>{}</updated>\n", rfc3339(updated)));
    for (k, h) in pl.history.iter().enumerate().rev() {
        let link = match h.news {
            Some(n) => format!("{base}{}", route::news(site, n)),
            None => format!("{base}{}", route::report(site, pl.report)),
        };
        let mut summary = s.status(h.status);
        if let Some(v) = h.value {
            summary.push_str(&format!(" · {v}"));
        }
        if let Some(q) = &h.quote {
            summary.push_str(&format!(" —— «{q}»"));
        }
        out.push_str(&format!(
            "<entry><title>{}</title><link href=\"{}\"/><id>{}#history-{k}</id><updated>{}</updated><summary>{}</summary></entry>\n",
            esc(&format!("{} · {}", s.status(h.status), pl.title)),
            esc(&link),
            esc(&url),
            rfc3339(h.date),
            esc(&summary)
        ));
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}
