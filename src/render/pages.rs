//! Page contexts: for each template, the struct it receives and, beside it, what of the model
//! the page reads (its fingerprint inputs, for `serve`'s incremental rebuilds).
//!
//! A template sees its context's fields at the top level, the fields of [`PageMeta`] on every
//! page, and the globals `site` and `t` (set once in [`Renderer::new`]). One name has one type
//! in every template (`news` is always one news item; lists are `news_list`, `latest_news`).
//! `docs/themes.md` documents every field; `tests/suite/themes.rs` fails when one is missing there.
//!
//! When a context gains a field read from the model, its `*_inputs` function below must hash
//! that part of the model; `tests/suite/incremental.rs` compares incremental and full builds.

use super::fingerprint::Inputs;
use super::search;
use super::views::{self, Link, NewsItem, PledgeCard, Shared, route};
use super::{HOME_LATEST, NEWS_PER_PAGE, PLEDGES_PER_PAGE, PageKind, Renderer, pages_count};
use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::ix::{
    self, CategoryIx, JurisdictionIx, NewsIx, PageIx, PerIx, PledgeIx, ReportIx,
};
use crate::routes;
use rustc_hash::FxHasher;
use serde::Serialize;
use std::hash::Hash;

/// What every page's context has.
#[derive(Serialize)]
pub struct PageMeta {
    /// The page's path below the site's base (`pledges/luohe-2024/1/`; empty for the home page).
    pub route: String,
    /// The page's full URL (`base_url` + `route`).
    pub canonical: String,
    /// Whether the page is in the search index (pledge, report and news pages).
    pub searchable: bool,
    /// The page's title (the site's title on the home page).
    pub title: String,
    /// A one-line summary for `<meta name="description">`, where the page has one.
    pub description: Option<String>,
    /// Whether the body has highlighted code (then `syntax.css` is linked).
    pub has_code: bool,
}

/// A template's name and the context it is rendered with.
pub(super) struct Rendered {
    pub template: &'static str,
    pub context: tera::Context,
    /// The context as JSON, when asked for ([`Renderer::page_context_json`]).
    pub json: Option<serde_json::Value>,
    /// The rendered text of a news body, for the search index.
    pub body_text: Option<String>,
}

/// How a context is wanted: for rendering only, or also as JSON.
#[derive(Clone, Copy)]
pub(super) struct Want {
    json: bool,
}

impl Want {
    pub const RENDER: Want = Want { json: false };

    fn context<T: Serialize>(self, template: &'static str, value: &T) -> Rendered {
        Rendered {
            template,
            context: tera::Context::from_serialize(value)
                .expect("a context struct serialises to an object"),
            json: self
                .json
                .then(|| serde_json::to_value(value).expect("a context struct serialises to JSON")),
            body_text: None,
        }
    }
}

fn has_code(html: &str) -> bool {
    html.contains("<pre class=\"code\"")
}

impl Renderer<'_> {
    fn meta(&self, route: &str, kind: &PageKind, title: String) -> PageMeta {
        PageMeta {
            route: route.to_string(),
            canonical: format!("{}{}", self.site.config.base_url, route),
            // The index is made from the model, not the page; themes that marked the indexed
            // part of a page with it still render.
            searchable: matches!(
                kind,
                PageKind::Pledge(_) | PageKind::Report(_) | PageKind::News(_)
            ),
            title,
            description: None,
            has_code: false,
        }
    }

    /// A page's template and its context as one JSON object (without the globals `site` and
    /// `t`, [`Renderer::site_globals`]): what `docs/themes.md` documents, for its test.
    pub fn page_context_json(
        &self,
        kind: &PageKind,
    ) -> Result<(&'static str, serde_json::Value), Diagnostic> {
        let r = self.page_context(kind, Want { json: true })?;
        Ok((r.template, r.json.expect("asked for")))
    }

    /// The template of a page and its context.
    pub(super) fn page_context(&self, kind: &PageKind, want: Want) -> Result<Rendered, Diagnostic> {
        let route = self.route(kind);
        Ok(match *kind {
            PageKind::Home => want.context("index.html", &self.home(&route, kind)),
            PageKind::Reports => want.context("reports.html", &self.reports_page(&route, kind)),
            PageKind::Report(r) => want.context("report.html", &self.report_page(&route, kind, r)?),
            PageKind::Pledges(_)
            | PageKind::ReportPledges(_)
            | PageKind::Overdue(_)
            | PageKind::Category(..)
            | PageKind::Status(..) => want.context("list.html", &self.list(&route, kind)),
            PageKind::Embed(p) => want.context("embed.html", &self.embed(&route, kind, p)),
            PageKind::Pledge(p) => want.context("pledge.html", &self.pledge_page(&route, kind, p)),
            PageKind::NewsList(n) => {
                want.context("news_list.html", &self.news_list(&route, kind, n))
            }
            PageKind::News(n) => {
                let (page, text) = self.news_page(&route, kind, n)?;
                let mut r = want.context("news.html", &page);
                r.body_text = Some(text);
                r
            }
            PageKind::Jurisdictions => {
                want.context("jurisdictions.html", &self.jurisdictions(&route, kind))
            }
            PageKind::Jurisdiction(j) => {
                want.context("jurisdiction.html", &self.jurisdiction(&route, kind, j))
            }
            PageKind::Compare(j) => want.context("compare.html", &self.compare(&route, kind, j)),
            PageKind::Categories => want.context("index_list.html", &self.categories(&route, kind)),
            PageKind::Statuses => want.context("statuses.html", &self.statuses(&route, kind)),
            PageKind::Page(i) => want.context("page.html", &self.free_page(&route, kind, i)),
            PageKind::Search => want.context(search::TEMPLATE, &self.search_page(&route, kind)),
            PageKind::NotFound => want.context("404.html", &self.not_found(&route, kind)),
        })
    }

    /// Hash into `h` what of the model a page shows (besides the global number).
    pub(super) fn page_inputs(
        &self,
        kind: &PageKind,
        inp: &Inputs,
        h: &mut FxHasher,
        cat_totals: &PerIx<CategoryIx, u64>,
    ) {
        match *kind {
            PageKind::Home => self.home_inputs(inp, h),
            PageKind::Reports | PageKind::Jurisdictions => self.reports_inputs(inp, h),
            PageKind::Report(r) => self.report_inputs(inp, h, r),
            PageKind::Pledges(_)
            | PageKind::ReportPledges(_)
            | PageKind::Overdue(_)
            | PageKind::Category(..)
            | PageKind::Status(..) => self.list_inputs(kind, inp, h, cat_totals),
            PageKind::Pledge(p) | PageKind::Embed(p) => self.pledge_inputs(inp, h, p),
            PageKind::NewsList(n) => self.news_list_inputs(inp, h, n),
            PageKind::News(n) => self.news_inputs(inp, h, n),
            PageKind::Jurisdiction(j) | PageKind::Compare(j) => self.jurisdiction_inputs(inp, h, j),
            PageKind::Categories | PageKind::Statuses => inp.all_pledges.hash(h),
            PageKind::Page(i) => inp.page[i].hash(h),
            // Its filters list the statuses and categories pledges have.
            PageKind::Search => (inp.all_reports, inp.all_news, inp.all_pledges).hash(h),
            PageKind::NotFound => {}
        }
    }
}

// ---- rows shared by several pages

/// A jurisdiction or category with the totals of its pledges.
#[derive(Serialize)]
pub struct TotalsRow {
    pub link: Link,
    pub totals: views::Totals,
}

/// A report with the totals of its pledges.
#[derive(Serialize)]
pub struct ReportRow {
    pub report: views::ReportView,
    pub totals: views::Totals,
}

impl Renderer<'_> {
    /// One row per jurisdiction (all, or only those with reports or pledges) with its totals.
    fn jurisdiction_rows(&self, only_active: bool) -> Vec<TotalsRow> {
        let (site, c) = (self.site, self.ctx());
        ix::all(site.jurisdictions.len())
            .filter(|&j| {
                !only_active
                    || !self.index.by_jurisdiction[j].is_empty()
                    || !self.index.reports_of[j].is_empty()
            })
            .map(|j| TotalsRow {
                link: Link {
                    title: site.jurisdictions[j].name.clone(),
                    url: c.url(&route::jurisdiction(site, j)),
                },
                totals: c.totals(self.index.by_jurisdiction[j].iter().copied()),
            })
            .collect()
    }

    /// One row per category with its totals.
    fn category_rows(&self) -> Vec<TotalsRow> {
        let (site, c) = (self.site, self.ctx());
        ix::all::<CategoryIx>(site.categories.len())
            .map(|k| TotalsRow {
                link: Link {
                    title: site.categories[k].name.clone(),
                    url: c.url(&route::category(site, k)),
                },
                totals: c.totals(self.index.by_category[k].iter().copied()),
            })
            .collect()
    }

    fn report_row(&self, r: ReportIx) -> ReportRow {
        let c = self.ctx();
        ReportRow {
            report: c.report(r),
            totals: c.totals(self.site.reports[r].pledges.iter().copied()),
        }
    }
}

// ---- index.html: the home page

/// A status update among the newest of the site.
#[derive(Serialize)]
pub struct LatestUpdate {
    pub pledge: Shared<PledgeCard>,
    pub status: views::StatusView,
    pub date: String,
    pub news: Shared<NewsItem>,
}

#[derive(Serialize)]
pub struct HomeContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub chart: views::BarChart,
    pub totals: views::Totals,
    pub overdue: Vec<Shared<PledgeCard>>,
    pub overdue_count: usize,
    pub data_date: Option<String>,
    pub jurisdiction_rows: Vec<TotalsRow>,
    pub category_rows: Vec<TotalsRow>,
    pub latest_news: Vec<Shared<NewsItem>>,
    pub latest_updates: Vec<LatestUpdate>,
}

impl Renderer<'_> {
    fn home(&self, route: &str, kind: &PageKind) -> HomeContext {
        let (site, c) = (self.site, self.ctx());
        let totals = c.totals(ix::all(site.pledges.len()));
        HomeContext {
            meta: self.meta(route, kind, site.config.title.clone()),
            chart: c.status_chart(&totals),
            totals,
            overdue: self
                .index
                .overdue
                .iter()
                .take(HOME_LATEST)
                .map(|&i| c.card(i))
                .collect(),
            overdue_count: self.index.overdue.len(),
            data_date: site.data_date.map(|d| d.to_string()),
            jurisdiction_rows: self.jurisdiction_rows(true),
            category_rows: self.category_rows(),
            latest_news: self
                .index
                .news_newest_first
                .iter()
                .take(HOME_LATEST)
                .map(|&n| c.news_item(n))
                .collect(),
            latest_updates: self.latest_updates(HOME_LATEST),
        }
    }

    /// The newest status updates across the site.
    fn latest_updates(&self, n: usize) -> Vec<LatestUpdate> {
        let c = self.ctx();
        let mut out = Vec::new();
        for &ni in &self.index.news_newest_first {
            for up in &self.site.news[ni].updates {
                out.push(LatestUpdate {
                    pledge: c.card(up.pledge),
                    status: c.status(up.status),
                    date: up.as_of.to_string(),
                    news: c.news_item(ni),
                });
                if out.len() >= n {
                    return out;
                }
            }
        }
        out
    }

    fn home_inputs(&self, inp: &Inputs, h: &mut FxHasher) {
        (inp.all_pledges, inp.all_news, inp.all_reports).hash(h);
        inp.all_indicators.hash(h);
    }
}

// ---- reports.html: every report; jurisdictions.html: every jurisdiction

#[derive(Serialize)]
pub struct ReportsContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    /// Newest year first, then by id.
    pub reports: Vec<ReportRow>,
}

#[derive(Serialize)]
pub struct JurisdictionsContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub rows: Vec<TotalsRow>,
}

impl Renderer<'_> {
    fn reports_page(&self, route: &str, kind: &PageKind) -> ReportsContext {
        let site = self.site;
        let mut order: Vec<ReportIx> = ix::all(site.reports.len()).collect();
        order.sort_by(|&a, &b| {
            site.reports[b]
                .year
                .cmp(&site.reports[a].year)
                .then(site.reports[a].id.cmp(&site.reports[b].id))
        });
        ReportsContext {
            meta: self.meta(route, kind, self.strings.get("reports_title")),
            reports: order.iter().map(|&r| self.report_row(r)).collect(),
        }
    }

    fn jurisdictions(&self, route: &str, kind: &PageKind) -> JurisdictionsContext {
        JurisdictionsContext {
            meta: self.meta(route, kind, self.strings.get("jurisdictions_title")),
            rows: self.jurisdiction_rows(false),
        }
    }

    /// Both pages: every report's header and every pledge (the totals).
    fn reports_inputs(&self, inp: &Inputs, h: &mut FxHasher) {
        (inp.all_reports, inp.all_pledges).hash(h)
    }
}

// ---- report.html: a report's full text

#[derive(Serialize)]
pub struct ReportContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub report: views::ReportView,
    /// The report's text as HTML, every pledge quote highlighted and linked.
    pub body: String,
    pub toc: Vec<views::TocEntry>,
    pub totals: views::Totals,
}

impl Renderer<'_> {
    fn report_page(
        &self,
        route: &str,
        kind: &PageKind,
        r: ReportIx,
    ) -> Result<ReportContext, Diagnostic> {
        let c = self.ctx();
        let report = c.report(r);
        let (body, toc) = c.report_html(r)?;
        let mut meta = self.meta(route, kind, report.title.clone());
        meta.has_code = has_code(&body);
        Ok(ReportContext {
            meta,
            report,
            body,
            toc,
            totals: c.totals(self.site.reports[r].pledges.iter().copied()),
        })
    }

    fn report_inputs(&self, inp: &Inputs, h: &mut FxHasher, r: ReportIx) {
        inp.report_full[r].hash(h);
        for &i in &self.site.reports[r].pledges {
            inp.card[i].hash(h);
        }
    }
}

// ---- list.html: a list of pledge cards (all, a report's, overdue, a category's, a status's)

#[derive(Serialize)]
pub struct ListContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub heading: String,
    /// A line under the heading (a category's description, a status's meaning).
    pub intro: Option<String>,
    /// The cards of this page of the list.
    pub pledges: Vec<Shared<PledgeCard>>,
    /// How many pledges the whole list has.
    pub count: usize,
    /// Absent for a report's pledges, which are one page.
    pub pager: Option<views::Pager>,
    /// The report, on a report's list of pledges.
    pub back: Option<Link>,
    /// The whole list's totals, on a category's pages.
    pub totals: Option<views::Totals>,
    /// The status, on a status's pages.
    pub status_key: Option<&'static str>,
}

impl Renderer<'_> {
    /// The paginated list a list page shows, and the route of its first page; `None` for a
    /// report's pledges, which are not paginated.
    fn list_of(&self, kind: &PageKind) -> Option<(&[PledgeIx], String, usize)> {
        let site = self.site;
        Some(match *kind {
            PageKind::Pledges(n) => (&self.index.all_pledges, route::section(routes::PLEDGES), n),
            PageKind::Overdue(n) => (&self.index.overdue, route::section(routes::OVERDUE), n),
            PageKind::Category(k, n) => (&self.index.by_category[k], route::category(site, k), n),
            PageKind::Status(st, n) => (&self.index.by_status[st.pos()], route::status(st), n),
            _ => return None,
        })
    }

    /// A list page of pledge cards: its heading, the cards of its page, and its pager or its
    /// link back to the report.
    fn list(&self, route: &str, kind: &PageKind) -> ListContext {
        let (site, s) = (self.site, &self.strings);
        let (heading, intro) = self.list_heading(kind);
        let title = match *kind {
            PageKind::ReportPledges(r) => {
                format!("{} · {}", site.reports[r].title, s.get("pledges_title"))
            }
            _ => heading.clone(),
        };
        let mut list = ListContext {
            meta: self.meta(route, kind, title),
            heading,
            intro,
            pledges: Vec::new(),
            count: 0,
            pager: None,
            back: None,
            totals: None,
            status_key: None,
        };
        self.list_cards(&mut list, kind);
        match *kind {
            PageKind::Category(k, _) => {
                list.totals = Some(self.ctx().totals(self.index.by_category[k].iter().copied()));
            }
            PageKind::Status(st, _) => list.status_key = Some(st.key()),
            _ => {}
        }
        list
    }

    /// The heading of a list page, and the text under it.
    fn list_heading(&self, kind: &PageKind) -> (String, Option<String>) {
        let (site, s) = (self.site, &self.strings);
        match *kind {
            PageKind::Pledges(_) => (s.get("pledges_title"), None),
            PageKind::ReportPledges(r) => (site.reports[r].title.clone(), None),
            PageKind::Overdue(_) => (
                s.get("overdue_title"),
                Some(s.get("overdue_intro").replace(
                    "{date}",
                    &site.data_date.map(|d| d.to_string()).unwrap_or_default(),
                )),
            ),
            PageKind::Category(k, _) => (
                site.categories[k].name.clone(),
                site.categories[k].description.clone(),
            ),
            PageKind::Status(st, _) => (s.status(st), Some(s.status_hint(st))),
            _ => unreachable!("list pages only"),
        }
    }

    /// The cards of a list page and their count, with the pager of a paginated list or the
    /// link back of a report's list.
    fn list_cards(&self, list: &mut ListContext, kind: &PageKind) {
        let (site, c) = (self.site, self.ctx());
        match self.list_of(kind) {
            Some((all, first_route, n)) => {
                list.pledges = all
                    .iter()
                    .skip((n - 1) * PLEDGES_PER_PAGE)
                    .take(PLEDGES_PER_PAGE)
                    .map(|&i| c.card(i))
                    .collect();
                list.count = all.len();
                list.pager =
                    Some(c.pager(&first_route, n, pages_count(all.len(), PLEDGES_PER_PAGE)));
            }
            None => {
                let PageKind::ReportPledges(r) = *kind else {
                    unreachable!("every other list is paginated")
                };
                let rep = &site.reports[r];
                list.pledges = rep.pledges.iter().map(|&i| c.card(i)).collect();
                list.count = list.pledges.len();
                list.back = Some(Link {
                    title: rep.title.clone(),
                    url: c.url(&route::report(site, r)),
                });
            }
        }
    }

    fn list_inputs(
        &self,
        kind: &PageKind,
        inp: &Inputs,
        h: &mut FxHasher,
        cat_totals: &PerIx<CategoryIx, u64>,
    ) {
        match *kind {
            PageKind::ReportPledges(r) => {
                inp.report_head[r].hash(h);
                for &i in &self.site.reports[r].pledges {
                    inp.card[i].hash(h);
                }
                return;
            }
            // A category's pages show its totals; a status's count is in the list's inputs,
            // and the list of all pledges and of overdue ones show no totals, so a status edit
            // changes only the page with the pledge's card.
            PageKind::Category(k, _) => cat_totals[k].hash(h),
            _ => {}
        }
        let Some((all, _, n)) = self.list_of(kind) else {
            return;
        };
        (all.len(), n, pages_count(all.len(), PLEDGES_PER_PAGE)).hash(h);
        for &i in all
            .iter()
            .skip((n - 1) * PLEDGES_PER_PAGE)
            .take(PLEDGES_PER_PAGE)
        {
            inp.card[i].hash(h);
        }
    }
}

// ---- pledge.html: a pledge; embed.html: its framable card

#[derive(Serialize)]
pub struct PledgeContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub pledge: views::PledgeView,
}

/// The card is all an embed shows: the full pledge view (history, news, chain, same-metric
/// pledges) is left to the pledge page.
#[derive(Serialize)]
pub struct EmbedContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub card: Shared<PledgeCard>,
}

impl Renderer<'_> {
    fn pledge_page(&self, route: &str, kind: &PageKind, p: PledgeIx) -> PledgeContext {
        let site = self.site;
        let pl = &site.pledges[p];
        let same = pl
            .target
            .as_ref()
            .and_then(|t| {
                self.index
                    .same_metric
                    .get(&(site.reports[pl.report].jurisdiction, t.metric.as_str()))
            })
            .map_or(&[][..], |v| v.as_slice());
        let mut meta = self.meta(route, kind, pl.title.clone());
        meta.description = Some(pl.text.clone());
        PledgeContext {
            meta,
            pledge: self.ctx().pledge(p, same),
        }
    }

    fn embed(&self, route: &str, kind: &PageKind, p: PledgeIx) -> EmbedContext {
        let pl = &self.site.pledges[p];
        let mut meta = self.meta(route, kind, pl.title.clone());
        meta.description = Some(pl.text.clone());
        EmbedContext {
            meta,
            card: self.ctx().card(p),
        }
    }

    /// A pledge page's reads (also its JSON twin's and feed's): the pledge, its report (the
    /// sentence, the section), the cards of its chain, predecessors, successor and same-metric
    /// pledges, and its news items.
    pub(super) fn pledge_inputs(&self, inp: &Inputs, h: &mut FxHasher, p: PledgeIx) {
        let site = self.site;
        let pl = &site.pledges[p];
        inp.pledge[p].hash(h);
        inp.report_full[pl.report].hash(h);
        for c in site.chain(p) {
            inp.card[c].hash(h);
        }
        for &c in pl.carried_from.iter().chain(pl.carried_to.iter()) {
            inp.card[c].hash(h);
        }
        if let Some(t) = &pl.target
            && let Some(same) = self
                .index
                .same_metric
                .get(&(site.reports[pl.report].jurisdiction, t.metric.as_str()))
        {
            for &o in same {
                inp.card[o].hash(h);
            }
        }
        for &n in &pl.news {
            inp.news[n].hash(h);
        }
        for e in &pl.history {
            if let Some(n) = e.news {
                inp.news[n].hash(h);
            }
        }
    }
}

// ---- news_list.html: the news, newest first

#[derive(Serialize)]
pub struct NewsListContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub news_list: Vec<Shared<NewsItem>>,
    pub pager: views::Pager,
}

impl Renderer<'_> {
    fn news_list(&self, route: &str, kind: &PageKind, n: usize) -> NewsListContext {
        let c = self.ctx();
        NewsListContext {
            meta: self.meta(route, kind, self.strings.get("news_title")),
            news_list: self
                .index
                .news_newest_first
                .iter()
                .skip((n - 1) * NEWS_PER_PAGE)
                .take(NEWS_PER_PAGE)
                .map(|&i| c.news_item(i))
                .collect(),
            pager: c.pager(
                &route::section(routes::NEWS),
                n,
                pages_count(self.site.news.len(), NEWS_PER_PAGE),
            ),
        }
    }

    fn news_list_inputs(&self, inp: &Inputs, h: &mut FxHasher, n: usize) {
        let len = self.site.news.len();
        (len, n, pages_count(len, NEWS_PER_PAGE)).hash(h);
        for &i in self
            .index
            .news_newest_first
            .iter()
            .skip((n - 1) * NEWS_PER_PAGE)
            .take(NEWS_PER_PAGE)
        {
            inp.news[i].hash(h);
        }
    }
}

// ---- news.html: a news item

/// A status update that a news item reports.
#[derive(Serialize)]
pub struct UpdateView {
    /// The id of the highlighted evidence in the body (`u_0`), when the update quotes it.
    pub anchor: String,
    pub has_quote: bool,
    pub pledge: Shared<PledgeCard>,
    pub status: views::StatusView,
    pub value: Option<String>,
    pub as_of: String,
    pub quote: Option<String>,
}

#[derive(Serialize)]
pub struct NewsContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub news: Shared<NewsItem>,
    /// The body as HTML, every evidence quote highlighted and linked to its pledge.
    pub body: String,
    pub source_url: Option<String>,
    pub seed: Option<String>,
    pub jurisdictions: Vec<Link>,
    pub updates: Vec<UpdateView>,
    /// The pledges the item mentions without a status update.
    pub pledges: Vec<Shared<PledgeCard>>,
}

impl Renderer<'_> {
    /// The news page's context and the rendered text of its body (for the search index).
    fn news_page(
        &self,
        route: &str,
        kind: &PageKind,
        n: NewsIx,
    ) -> Result<(NewsContext, String), Diagnostic> {
        let (site, c, s) = (self.site, self.ctx(), &self.strings);
        let item = &site.news[n];
        let rendered = c.news_html(n)?;
        let mut meta = self.meta(route, kind, item.title.clone());
        meta.has_code = has_code(&rendered.html);
        let updates = item
            .updates
            .iter()
            .enumerate()
            .map(|(u, up)| UpdateView {
                anchor: format!("u_{u}"),
                has_quote: up.quote_range.is_some(),
                pledge: c.card(up.pledge),
                status: c.status(up.status),
                value: up.value.map(|v| {
                    s.value(
                        &views::num(v),
                        site.pledges[up.pledge]
                            .target
                            .as_ref()
                            .map_or("", |t| t.unit.as_str()),
                    )
                }),
                as_of: up.as_of.to_string(),
                quote: up.quote.as_deref().map(str::to_string),
            })
            .collect();
        let page = NewsContext {
            meta,
            news: c.news_item(n),
            body: rendered.html,
            source_url: item.source_url.clone(),
            seed: item.seed.clone(),
            jurisdictions: item
                .jurisdictions
                .iter()
                .map(|&j| Link {
                    title: site.jurisdictions[j].name.clone(),
                    url: c.url(&route::jurisdiction(site, j)),
                })
                .collect(),
            updates,
            pledges: item.pledges.iter().map(|&i| c.card(i)).collect(),
        };
        Ok((page, rendered.text))
    }

    fn news_inputs(&self, inp: &Inputs, h: &mut FxHasher, n: NewsIx) {
        inp.news[n].hash(h);
        let item = &self.site.news[n];
        for i in item
            .updates
            .iter()
            .map(|u| u.pledge)
            .chain(item.pledges.iter().copied())
        {
            inp.card[i].hash(h);
        }
    }
}

// ---- jurisdiction.html: a jurisdiction; compare.html: its years side by side

#[derive(Serialize)]
pub struct JurisdictionContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub name: String,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    pub reports: Vec<ReportRow>,
    pub totals: views::Totals,
    /// The indicator table's years (its columns).
    pub years: Vec<i32>,
    pub indicators: Vec<views::IndicatorRow>,
    pub compare_url: String,
}

#[derive(Serialize)]
pub struct CompareContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub name: String,
    pub jurisdiction_url: String,
    pub years: Vec<i32>,
    pub indicators: Vec<views::IndicatorRow>,
    /// The years of the metrics table (its columns).
    pub metric_years: Vec<i32>,
    /// Pledge metrics that recur in more than one year's report.
    pub metrics: Vec<views::MetricRow>,
}

impl Renderer<'_> {
    fn jurisdiction(&self, route: &str, kind: &PageKind, j: JurisdictionIx) -> JurisdictionContext {
        let (site, c) = (self.site, self.ctx());
        let jur = &site.jurisdictions[j];
        let (years, indicators) = c.indicator_rows(&self.index.indicators_of[j]);
        let link = |k: JurisdictionIx| Link {
            title: site.jurisdictions[k].name.clone(),
            url: c.url(&route::jurisdiction(site, k)),
        };
        JurisdictionContext {
            meta: self.meta(route, kind, jur.name.clone()),
            name: jur.name.clone(),
            parent: jur.parent.map(link),
            children: self.index.children_of[j].iter().map(|&k| link(k)).collect(),
            reports: self.index.reports_of[j]
                .iter()
                .map(|&r| self.report_row(r))
                .collect(),
            totals: c.totals(self.index.by_jurisdiction[j].iter().copied()),
            years,
            indicators,
            compare_url: c.url(&route::compare(site, j)),
        }
    }

    fn compare(&self, route: &str, kind: &PageKind, j: JurisdictionIx) -> CompareContext {
        let (site, c) = (self.site, self.ctx());
        let jur = &site.jurisdictions[j];
        let (years, indicators) = c.indicator_rows(&self.index.indicators_of[j]);
        let (metric_years, metrics) = c.metric_rows(&self.index.by_jurisdiction[j]);
        CompareContext {
            meta: self.meta(
                route,
                kind,
                format!("{} · {}", jur.name, self.strings.get("compare_title")),
            ),
            name: jur.name.clone(),
            jurisdiction_url: c.url(&route::jurisdiction(site, j)),
            years,
            indicators,
            metric_years,
            metrics,
        }
    }

    /// Both pages: the jurisdiction's reports' headers, its pledges' cards, its indicators and
    /// the reports and news items they cite.
    fn jurisdiction_inputs(&self, inp: &Inputs, h: &mut FxHasher, j: JurisdictionIx) {
        for &r in &self.index.reports_of[j] {
            inp.report_head[r].hash(h);
        }
        for &i in &self.index.by_jurisdiction[j] {
            inp.card[i].hash(h);
        }
        for &i in &self.index.indicators_of[j] {
            inp.indicator[i].hash(h);
            for y in &self.site.indicators[i].years {
                let sources = [
                    y.target.as_ref().and_then(|t| t.source),
                    y.actual.as_ref().and_then(|a| a.source),
                ];
                for s in sources.into_iter().flatten() {
                    match s {
                        crate::model::SourceRef::Report(r) => inp.report_head[r].hash(h),
                        crate::model::SourceRef::News(n) => inp.news[n].hash(h),
                    }
                }
            }
        }
    }
}

// ---- index_list.html: the categories; statuses.html: the statuses

#[derive(Serialize)]
pub struct CategoriesContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub heading: String,
    pub rows: Vec<TotalsRow>,
}

#[derive(Serialize)]
pub struct StatusesContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub totals: views::Totals,
}

impl Renderer<'_> {
    fn categories(&self, route: &str, kind: &PageKind) -> CategoriesContext {
        let title = self.strings.get("categories_title");
        CategoriesContext {
            meta: self.meta(route, kind, title.clone()),
            heading: title,
            rows: self.category_rows(),
        }
    }

    fn statuses(&self, route: &str, kind: &PageKind) -> StatusesContext {
        StatusesContext {
            meta: self.meta(route, kind, self.strings.get("statuses_title")),
            totals: self.ctx().totals(ix::all(self.site.pledges.len())),
        }
    }
}

// ---- page.html: a free page; search.html; 404.html

#[derive(Serialize)]
pub struct FreePageContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    /// The page's Markdown as HTML.
    pub body: String,
}

#[derive(Serialize)]
pub struct SearchContext {
    #[serde(flatten)]
    pub meta: PageMeta,
    pub search: search::SearchView,
}

#[derive(Serialize)]
pub struct NotFoundContext {
    #[serde(flatten)]
    pub meta: PageMeta,
}

impl Renderer<'_> {
    fn free_page(&self, route: &str, kind: &PageKind, i: PageIx) -> FreePageContext {
        let site = self.site;
        let page = &site.pages[i];
        let html = markdown::render_html(&page.body, &[], &site.config.base_path);
        let mut meta = self.meta(route, kind, page.title.clone());
        meta.description = page.description.clone();
        meta.has_code = has_code(&html.html);
        FreePageContext {
            meta,
            body: html.html,
        }
    }

    fn search_page(&self, route: &str, kind: &PageKind) -> SearchContext {
        SearchContext {
            meta: self.meta(route, kind, self.strings.get("search_title")),
            search: self.search_view(),
        }
    }

    fn not_found(&self, route: &str, kind: &PageKind) -> NotFoundContext {
        NotFoundContext {
            meta: self.meta(route, kind, self.strings.get("not_found_title")),
        }
    }
}
