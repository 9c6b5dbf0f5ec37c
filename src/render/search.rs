//! The search side of rendering: which pages are searchable, under which facets and with which
//! text, and the view of the `/search/` page (its filter choices, the index location).

use super::views::route;
use super::{Job, PageKind, Renderer};
use crate::model::ix::{self, IterIx, JurisdictionIx};
use crate::search::{Facets, INDEX_DIR, SearchDoc};
use crate::types::Status;
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeSet;

/// The template of the search page; a theme without it gets neither the page nor an index.
pub const TEMPLATE: &str = "search.html";

/// One choice of a filter: the value in the index and URL, and the label shown.
#[derive(Serialize)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
}

/// A filter of the search form, named as in the index (`status`, `year` …).
#[derive(Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<FilterOption>,
}

/// What `search.html` sees.
#[derive(Serialize)]
pub struct SearchView {
    /// URL of the index folder (`<base>search/`), ending in `/`.
    pub index_url: String,
    /// The site's base path, which result URLs are relative to.
    pub base: String,
    pub filters: Vec<Filter>,
    pub pledges_url: String,
}

impl Renderer<'_> {
    /// Whether the theme has a search page (and so the build writes a search index).
    pub fn has_search(&self) -> bool {
        self.tera.contains_template(TEMPLATE)
    }

    /// The facets of a searchable page (pledge, report, news); `None` for any other job.
    pub fn search_facets(&self, job: &Job) -> Option<Facets> {
        let Job::Html { kind, .. } = job else {
            return None;
        };
        let site = self.site;
        let s = &self.strings;
        let jid = |j: JurisdictionIx| site.jurisdictions[j].id.to_string();
        Some(match *kind {
            PageKind::Pledge(p) => {
                let pledge = &site.pledges[p];
                let report = &site.reports[pledge.report];
                Facets {
                    kind: "pledge",
                    status: Some(pledge.status.key()),
                    category: Some(site.categories[pledge.category].id.to_string()),
                    years: vec![report.year],
                    jurisdictions: vec![jid(report.jurisdiction)],
                    kind_label: s.get("search_kind_pledge"),
                    status_label: Some(s.status(pledge.status)),
                }
            }
            PageKind::Report(r) => {
                let report = &site.reports[r];
                Facets {
                    kind: "report",
                    years: vec![report.year],
                    jurisdictions: vec![jid(report.jurisdiction)],
                    kind_label: s.get("search_kind_report"),
                    ..Facets::default()
                }
            }
            PageKind::News(n) => {
                let item = &site.news[n];
                // Its own jurisdictions and those of the pledges it names.
                let named = item
                    .pledges
                    .iter()
                    .chain(item.updates.iter().map(|u| &u.pledge))
                    .map(|&p| site.reports[site.pledges[p].report].jurisdiction);
                let js: BTreeSet<JurisdictionIx> =
                    item.jurisdictions.iter().copied().chain(named).collect();
                Facets {
                    kind: "news",
                    years: vec![item.date.0.year()],
                    jurisdictions: js.into_iter().map(jid).collect(),
                    kind_label: s.get("search_kind_news"),
                    ..Facets::default()
                }
            }
            _ => return None,
        })
    }

    /// What the index holds of a searchable page (pledge, report, news), taken from the model:
    /// its URL, title, facets and text. A pledge's text is the sentence it quotes, its
    /// department and tags, and the evidence quoted in its history, as its page shows them; a
    /// report's and a news item's, the rendered text of the body.
    pub fn search_doc(&self, job: &Job) -> Option<SearchDoc> {
        self.search_doc_with(job, None)
    }

    /// [`Renderer::search_doc`], given the rendered text of a news page's body when rendering
    /// made it already (the body is read and rendered again otherwise).
    pub(super) fn search_doc_with(
        &self,
        job: &Job,
        news_text: Option<String>,
    ) -> Option<SearchDoc> {
        let facets = self.search_facets(job)?;
        let Job::Html { kind, .. } = job else {
            return None;
        };
        let site = self.site;
        let (url, title, text) = match *kind {
            PageKind::Pledge(p) => {
                let pledge = &site.pledges[p];
                let idx = &site.reports[pledge.report].index;
                let q = pledge.quote_range.clone();
                let mut text = if q.start < q.end && q.end <= idx.text.len() {
                    idx.text[idx.sentence_around(q)].to_string()
                } else {
                    pledge.text.clone()
                };
                for extra in pledge.department.iter().chain(&pledge.tags) {
                    text.push('\n');
                    text.push_str(extra);
                }
                for quote in pledge.history.iter().filter_map(|h| h.quote.as_deref()) {
                    text.push('\n');
                    text.push_str(quote);
                }
                (route::pledge(site, p), pledge.title.clone(), text)
            }
            PageKind::Report(r) => {
                let report = &site.reports[r];
                (
                    route::report(site, r),
                    report.title.clone(),
                    report.index.text.clone(),
                )
            }
            PageKind::News(n) => {
                let item = &site.news[n];
                (
                    route::news(site, n),
                    item.title.clone(),
                    // The model does not keep news texts (see `News::lead`). A body that
                    // cannot be read again failed its page's rendering already.
                    match news_text {
                        Some(t) => t,
                        None => crate::markdown::text_index(&item.body.text().ok()?).text,
                    },
                )
            }
            _ => return None,
        };
        Some(SearchDoc {
            url,
            title,
            text,
            facets,
        })
    }

    /// The search page's view: filters offer only values that occur among searchable pages.
    pub(super) fn search_view(&self) -> SearchView {
        let (site, s, c) = (self.site, &self.strings, self.ctx());
        let filter = |name: &'static str, options: Vec<FilterOption>| Filter {
            name,
            label: s.get(&format!("search_filter_{name}")),
            options,
        };
        SearchView {
            index_url: c.url(&format!("{INDEX_DIR}/")),
            base: site.config.base_path.clone(),
            filters: vec![
                filter("kind", self.kind_options()),
                filter("status", self.status_options()),
                filter("year", self.year_options()),
                filter("jurisdiction", self.jurisdiction_options()),
                filter("category", self.category_options()),
            ],
            pledges_url: c.url(&route::section(crate::routes::PLEDGES)),
        }
    }

    /// The kinds of searchable page: pledges, reports, news.
    fn kind_options(&self) -> Vec<FilterOption> {
        ["pledge", "report", "news"]
            .iter()
            .map(|k| option(k.to_string(), self.strings.get(&format!("search_kind_{k}"))))
            .collect()
    }

    /// The statuses some pledge has, in their order.
    fn status_options(&self) -> Vec<FilterOption> {
        Status::ALL
            .iter()
            .filter(|&&st| self.site.pledges.iter().any(|p| p.status == st))
            .map(|&st| option(st.key().to_string(), self.strings.status(st)))
            .collect()
    }

    /// The years of reports and news items, latest first.
    fn year_options(&self) -> Vec<FilterOption> {
        let site = self.site;
        let years: BTreeSet<i32> = site
            .reports
            .iter()
            .map(|r| r.year)
            .chain(site.news.iter().map(|n| n.date.0.year()))
            .collect();
        years
            .into_iter()
            .rev()
            .map(|y| option(y.to_string(), y.to_string()))
            .collect()
    }

    /// The jurisdictions a report or a news item belongs to, in the site's order.
    fn jurisdiction_options(&self) -> Vec<FilterOption> {
        let site = self.site;
        let used: BTreeSet<JurisdictionIx> = site
            .reports
            .iter()
            .map(|r| r.jurisdiction)
            .chain(
                site.news
                    .iter()
                    .flat_map(|n| n.jurisdictions.iter().copied()),
            )
            .collect();
        ix::all(site.jurisdictions.len())
            .filter(|j| used.contains(j))
            .map(|j| {
                let x = &site.jurisdictions[j];
                option(x.id.to_string(), x.name.clone())
            })
            .collect()
    }

    /// The categories some pledge is in, in the site's order.
    fn category_options(&self) -> Vec<FilterOption> {
        let site = self.site;
        site.categories
            .iter_ix()
            .filter(|(k, _)| site.pledges.iter().any(|p| p.category == *k))
            .map(|(_, x)| option(x.id.to_string(), x.name.clone()))
            .collect()
    }
}

/// A filter's option: the value the index holds, and the label shown.
fn option(value: String, label: String) -> FilterOption {
    FilterOption { value, label }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::load_site;
    use crate::model::BuildOptions;
    use crate::render::theme;
    use std::path::Path;

    /// Facets of every searchable page of the full fixture, by route; and how many pledges,
    /// reports and news items the fixture has.
    fn full_fixture() -> (Vec<(String, Facets)>, [usize; 3]) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full");
        let (site, _) = load_site(&root, &BuildOptions::default()).expect("the fixture builds");
        let files = theme::load(&root, &site.config.theme).expect("the theme loads");
        let r = Renderer::new(&site, files).expect("the templates parse");
        assert!(r.has_search());
        let counts = [site.pledges.len(), site.reports.len(), site.news.len()];
        let facets = r
            .jobs()
            .iter()
            .filter_map(|job| {
                let facets = r.search_facets(job)?;
                let Job::Html { kind } = job else {
                    unreachable!("only pages have facets")
                };
                Some((r.route(kind), facets))
            })
            .collect();
        (facets, counts)
    }

    #[test]
    fn pledges_reports_and_news_are_searchable_and_nothing_else() {
        let (all, counts) = full_fixture();
        // One page per pledge (`pledges/<report>/<id>/`), report and news item, of its kind.
        for ((kind, folder, slashes), count) in [
            ("pledge", "pledges/", 3),
            ("report", "reports/", 2),
            ("news", "news/", 2),
        ]
        .into_iter()
        .zip(counts)
        {
            let pages: Vec<&String> = all
                .iter()
                .filter(|(_, f)| f.kind == kind)
                .map(|(route, _)| route)
                .collect();
            assert_eq!(pages.len(), count, "{kind} pages: {pages:?}");
            assert!(
                pages
                    .iter()
                    .all(|r| r.starts_with(folder) && r.matches('/').count() == slashes),
                "{kind} pages: {pages:?}"
            );
        }
        assert_eq!(all.len(), counts.iter().sum::<usize>());
    }

    #[test]
    fn news_is_filed_under_the_places_of_the_pledges_it_updates() {
        let (all, _) = full_fixture();
        let (_, mid_year) = all
            .iter()
            .find(|(route, _)| route == "news/mid-year/")
            .expect("the fixture's mid-year news");
        // It names no jurisdiction itself, only updates of alpha-2024 pledges.
        assert_eq!(mid_year.jurisdictions, ["alpha"]);
        assert_eq!(mid_year.years, [2024]);
        assert_eq!(mid_year.status, None);
        assert_eq!(mid_year.kind_label, "动态");
    }

    #[test]
    fn a_pledge_is_searched_by_its_sentence_department_and_evidence() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full");
        let (site, _) = load_site(&root, &BuildOptions::default()).expect("the fixture builds");
        let files = theme::load(&root, &site.config.theme).expect("the theme loads");
        let r = Renderer::new(&site, files).expect("the templates parse");
        let docs: Vec<SearchDoc> = r.jobs().iter().filter_map(|j| r.search_doc(j)).collect();
        let (_, counts) = full_fixture();
        assert_eq!(docs.len(), counts.iter().sum::<usize>());
        let d = docs
            .iter()
            .find(|d| d.url == "pledges/alpha-2024/illegal-buildings/")
            .expect("the fixture's illegal-buildings pledge");
        assert_eq!(d.title, "拆除违法建设200处以上");
        assert_eq!(d.facets.status, Some("completed"));
        // The sentence around the quote, then the department, then the evidence.
        let lines: Vec<&str> = d.text.lines().collect();
        assert!(lines[0].contains("完成200处以上违法建设拆除"), "{lines:?}");
        assert!(
            lines[0].ends_with('。') || lines[0].ends_with('；'),
            "{lines:?}"
        );
        assert_eq!(lines[1], "市城市管理局");
        assert!(lines.contains(&"累计拆除违建590处"), "{lines:?}");
        let report = docs
            .iter()
            .find(|d| d.url == "reports/alpha-2024/")
            .unwrap();
        let model = site
            .reports
            .iter()
            .find(|r| r.title == report.title)
            .unwrap();
        assert!(report.text.len() > 100);
        assert_eq!(report.text, model.index.text);
        let news = docs.iter().find(|d| d.url == "news/mid-year/").unwrap();
        assert!(!news.text.is_empty() && !news.title.is_empty());
    }

    #[test]
    fn a_pledge_is_filed_under_its_status_category_year_and_place() {
        let (all, _) = full_fixture();
        let (_, p) = all
            .iter()
            .find(|(route, _)| route == "pledges/alpha-2024/illegal-buildings/")
            .expect("the fixture's illegal-buildings pledge");
        assert_eq!(p.kind, "pledge");
        assert_eq!(p.status, Some("completed"));
        assert_eq!(p.status_label.as_deref(), Some("已完成"));
        assert_eq!(p.years, [2024]);
        assert_eq!(p.jurisdictions, ["alpha"]);
        assert_eq!(p.category.as_deref(), Some("urban"));
    }
}
