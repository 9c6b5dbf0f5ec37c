//! View structs: what templates see. Built from the model per page; templates never see model types.

use super::strings::Strings;
use crate::diag::Diagnostic;
use crate::markdown::{self, Mark};
use crate::model::ix::PerIx;
use crate::model::{
    CategoryIx, Indicator, IndicatorIx, JurisdictionIx, NewsIx, Pledge, PledgeIx, ReportIx, Site,
    SourceRef,
};
use crate::types::{Better, Num, Status};
use serde::Serialize;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// Routes (paths relative to the site root, ending in `/`), the one place URLs are made, from
/// the folder names of [`crate::routes`].
pub mod route {
    use crate::model::{CategoryIx, JurisdictionIx, NewsIx, PageIx, PledgeIx, ReportIx, Site};
    use crate::routes::{
        CATEGORIES, COMPARE, EMBED, JURISDICTIONS, NEWS, PLEDGES, REPORTS, STATUS,
    };
    use crate::types::Status;

    pub fn pledge(site: &Site, p: PledgeIx) -> String {
        let p = &site.pledges[p];
        format!("{PLEDGES}/{}/{}/", site.reports[p.report].id, p.id)
    }
    /// The list of one report's pledges.
    pub fn report_pledges(site: &Site, r: ReportIx) -> String {
        format!("{PLEDGES}/{}/", site.reports[r].id)
    }
    pub fn embed(site: &Site, p: PledgeIx) -> String {
        format!("{EMBED}/{}", pledge(site, p))
    }
    pub fn report(site: &Site, r: ReportIx) -> String {
        format!("{REPORTS}/{}/", site.reports[r].id)
    }
    pub fn news(site: &Site, n: NewsIx) -> String {
        format!("{NEWS}/{}/", site.news[n].slug)
    }
    pub fn jurisdiction(site: &Site, j: JurisdictionIx) -> String {
        format!("{JURISDICTIONS}/{}/", site.jurisdictions[j].id)
    }
    pub fn compare(site: &Site, j: JurisdictionIx) -> String {
        format!("{COMPARE}/{}/", site.jurisdictions[j].id)
    }
    pub fn category(site: &Site, c: CategoryIx) -> String {
        format!("{CATEGORIES}/{}/", site.categories[c].id)
    }
    pub fn status(s: Status) -> String {
        format!("{STATUS}/{}/", s.url_key())
    }
    pub fn page(site: &Site, i: PageIx) -> String {
        format!("{}/", site.pages[i].path)
    }
    /// A top-level section's first page: `section/`.
    pub fn section(name: &str) -> String {
        format!("{name}/")
    }
    /// Page `n` (1-based) of a paginated list whose first page is `first`.
    pub fn paged(first: &str, n: usize) -> String {
        if n <= 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        }
    }
}

/// Shared helpers for building views: the site, its strings, the base path, and the views that
/// many pages show, built once.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub s: &'a Strings,
    pub base: &'a str,
    pub shared: &'a SharedViews,
}

/// A view serialised for templates once and shared by every page that shows it: cloning it
/// copies a pointer, and Tera takes the serialised value as it is instead of serialising the view
/// again. Templates see exactly the fields of `T`.
pub struct Shared<T> {
    value: tera::Value,
    view: PhantomData<fn() -> T>,
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            value: self.value.clone(),
            view: PhantomData,
        }
    }
}

impl<T: Serialize> Shared<T> {
    pub fn new(view: &T) -> Self {
        Shared {
            value: tera::Value::from_serializable(view),
            view: PhantomData,
        }
    }
}

impl<T> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// The views a pledge card repeats on thousands of pages, each made on first use. (News list
/// entries are not kept: each appears on a few pages only, and keeping them raised the build's
/// peak memory; BENCHMARKS.md has the measurement.)
pub struct SharedViews {
    statuses: Vec<OnceLock<Shared<StatusView>>>,
    reports: PerIx<ReportIx, OnceLock<Shared<Link>>>,
    jurisdictions: PerIx<JurisdictionIx, OnceLock<Shared<Link>>>,
    categories: PerIx<CategoryIx, OnceLock<Shared<Link>>>,
    cards: PerIx<PledgeIx, OnceLock<Shared<PledgeCard>>>,
}

impl SharedViews {
    pub fn new(site: &Site) -> Self {
        fn slots<C: FromIterator<OnceLock<T>>, T>(n: usize) -> C {
            (0..n).map(|_| OnceLock::new()).collect()
        }
        SharedViews {
            statuses: slots(Status::ALL.len()),
            reports: slots(site.reports.len()),
            jurisdictions: slots(site.jurisdictions.len()),
            categories: slots(site.categories.len()),
            cards: slots(site.pledges.len()),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct StatusView {
    pub key: &'static str,
    pub label: String,
    pub hint: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct PledgeCard {
    pub id: String,
    pub url: String,
    pub title: String,
    pub text: String,
    pub status: Shared<StatusView>,
    pub year: i32,
    pub report: Shared<Link>,
    pub jurisdiction: Shared<Link>,
    pub category: Shared<Link>,
    pub deadline: String,
    pub target: Option<String>,
    pub value: Option<String>,
    pub met: Option<bool>,
    pub met_label: String,
    /// Share of the target reached, in whole percent ([`super::charts::progress`]).
    pub progress: Option<u32>,
    /// A capped pledge's value: `within` or `over` its cap ([`super::charts::cap_state`]).
    pub cap: Option<&'static str>,
    pub department: Option<String>,
}

#[derive(Serialize)]
pub struct HistoryView {
    pub date: String,
    pub status: Shared<StatusView>,
    pub value: Option<String>,
    pub quote: Option<String>,
    pub news: Option<Link>,
    pub news_date: Option<String>,
    pub source: Option<String>,
}

#[derive(Serialize)]
pub struct ChainItem {
    pub title: String,
    pub url: String,
    pub year: i32,
    pub status: StatusView,
    pub current: bool,
}

#[derive(Serialize)]
pub struct NewsItem {
    pub title: String,
    pub url: String,
    pub date: String,
    pub source: Option<String>,
    pub summary: Option<String>,
}

#[derive(Serialize)]
pub struct PledgeView {
    pub card: Shared<PledgeCard>,
    pub quote_url: String,
    pub sentence: SentenceView,
    pub section: Option<Link>,
    pub department: Option<String>,
    pub metric: Option<String>,
    pub as_of: Option<String>,
    pub progress: Option<u32>,
    pub history: Vec<HistoryView>,
    pub news: Vec<Shared<NewsItem>>,
    pub chain: Vec<ChainItem>,
    pub carried_from: Vec<Link>,
    pub carried_to: Option<Link>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub schedule: Option<ScheduleView>,
    /// Pledges of the same jurisdiction with the same `target.metric` in other years.
    pub same_metric: Vec<Shared<PledgeCard>>,
    pub json_url: String,
    pub feed_url: String,
    pub embed_url: String,
}

/// 序时进度: time elapsed against target reached.
#[derive(Serialize)]
pub struct ScheduleView {
    pub time_pct: u32,
    pub target_pct: u32,
    pub state: &'static str,
    pub label: String,
    pub as_of: String,
}

/// A bar chart drawn as SVG at build time, with its numbers also given as text.
#[derive(Serialize)]
pub struct BarChart {
    pub height: u32,
    pub bars: Vec<Bar>,
}

#[derive(Serialize)]
pub struct Bar {
    pub key: &'static str,
    pub label: String,
    pub count: usize,
    pub y: u32,
    pub text_y: u32,
    pub w: u32,
    pub count_x: u32,
}

/// A small per-indicator trend chart: actual values as a line, targets as ticks.
#[derive(Serialize)]
pub struct Spark {
    pub width: u32,
    pub height: u32,
    pub line: String,
    pub actuals: Vec<Point>,
    pub targets: Vec<Point>,
    pub desc: String,
}

#[derive(Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub provisional: bool,
}

/// The sentence around a quote, cut into before / quote / after.
#[derive(Serialize)]
pub struct SentenceView {
    pub before: String,
    pub quote: String,
    pub after: String,
}

#[derive(Serialize)]
pub struct Count {
    pub status: StatusView,
    pub count: usize,
    pub percent: String,
}

#[derive(Serialize)]
pub struct Totals {
    pub total: usize,
    pub completed: usize,
    pub by_status: Vec<Count>,
    pub quantified: usize,
    pub met: usize,
    pub missed: usize,
    pub met_percent: String,
}

#[derive(Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

#[derive(Serialize)]
pub struct ReportView {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub url: String,
    pub jurisdiction: Link,
    pub delivered: String,
    pub speaker: Option<String>,
    pub session: Option<String>,
    pub source: Option<String>,
    pub seed: Option<String>,
    pub pledge_count: usize,
}

#[derive(Serialize)]
pub struct CellView {
    pub year: i32,
    pub target: Option<String>,
    pub target_source: Option<Link>,
    pub actual: Option<String>,
    pub actual_source: Option<Link>,
    pub as_of: Option<String>,
    pub provisional: bool,
    /// `met`, `missed`, `provisional`, `pending` (target but no actual) or `none`.
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Serialize)]
pub struct IndicatorRow {
    pub spark: Option<Spark>,
    /// The year-by-year chart of the compare page, with `desc` as its text.
    pub chart: Option<super::charts::YearChart>,
    pub desc: String,
    pub id: String,
    pub name: String,
    pub unit: String,
    pub better: &'static str,
    pub better_label: String,
    pub cells: Vec<CellView>,
}

#[derive(Serialize)]
pub struct MetricRow {
    pub metric: String,
    /// Target and value by year (the first pledge of each year), with `desc` as its text;
    /// none when the years' units differ.
    pub chart: Option<super::charts::YearChart>,
    pub desc: String,
    pub cells: Vec<MetricCell>,
}

#[derive(Serialize)]
pub struct MetricCell {
    pub year: i32,
    pub pledges: Vec<Shared<PledgeCard>>,
}

#[derive(Serialize)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub n: usize,
    pub url: String,
    pub current: bool,
}

pub fn num(n: Num) -> String {
    n.to_string()
}

fn percent(part: usize, total: usize) -> String {
    if total == 0 {
        "0".into()
    } else {
        format!("{:.0}", part as f64 * 100.0 / total as f64)
    }
}

impl<'a> Ctx<'a> {
    pub fn url(&self, route: &str) -> String {
        format!("{}{}", self.base, route)
    }

    pub fn status(&self, s: Status) -> StatusView {
        StatusView {
            key: s.key(),
            label: self.s.status(s),
            hint: self.s.status_hint(s),
            url: self.url(&route::status(s)),
        }
    }

    pub fn statuses(&self) -> Vec<StatusView> {
        Status::ALL.iter().map(|&s| self.status(s)).collect()
    }

    /// [`Ctx::status`], made once per build.
    pub fn shared_status(&self, s: Status) -> Shared<StatusView> {
        self.shared.statuses[s.pos()]
            .get_or_init(|| Shared::new(&self.status(s)))
            .clone()
    }

    fn report_link(&self, r: ReportIx) -> Shared<Link> {
        self.shared.reports[r]
            .get_or_init(|| {
                Shared::new(&Link {
                    title: self.site.reports[r].title.clone(),
                    url: self.url(&route::report(self.site, r)),
                })
            })
            .clone()
    }

    fn jurisdiction_link(&self, j: JurisdictionIx) -> Shared<Link> {
        self.shared.jurisdictions[j]
            .get_or_init(|| {
                Shared::new(&Link {
                    title: self.site.jurisdictions[j].name.clone(),
                    url: self.url(&route::jurisdiction(self.site, j)),
                })
            })
            .clone()
    }

    fn category_link(&self, c: CategoryIx) -> Shared<Link> {
        self.shared.categories[c]
            .get_or_init(|| {
                Shared::new(&Link {
                    title: self.site.categories[c].name.clone(),
                    url: self.url(&route::category(self.site, c)),
                })
            })
            .clone()
    }

    fn target_text(&self, p: &Pledge) -> Option<String> {
        p.target
            .as_ref()
            .map(|t| self.s.target(&num(t.value), &t.unit, t.qualifier))
    }

    fn value_text(&self, p: &Pledge, v: Option<Num>) -> Option<String> {
        let unit = p.target.as_ref().map_or("", |t| t.unit.as_str());
        v.map(|v| self.s.value(&num(v), unit))
    }

    /// The card of pledge `i`, made once per build.
    pub fn card(&self, i: PledgeIx) -> Shared<PledgeCard> {
        self.shared.cards[i]
            .get_or_init(|| Shared::new(&self.make_card(i)))
            .clone()
    }

    fn make_card(&self, i: PledgeIx) -> PledgeCard {
        let site = self.site;
        let p = &site.pledges[i];
        let r = &site.reports[p.report];
        PledgeCard {
            id: p.full_id.clone(),
            url: self.url(&route::pledge(site, i)),
            title: p.title.clone(),
            text: p.text.clone(),
            status: self.shared_status(p.status),
            year: r.year,
            report: self.report_link(p.report),
            jurisdiction: self.jurisdiction_link(r.jurisdiction),
            category: self.category_link(p.category),
            deadline: p.deadline.to_string(),
            target: self.target_text(p),
            value: self.value_text(p, p.value),
            met: p.met,
            met_label: self.s.met(p.met),
            progress: super::charts::progress(p),
            cap: super::charts::cap_state(p),
            department: p.department.clone(),
        }
    }

    /// The list entry of news item `n`, made afresh each time.
    pub fn news_item(&self, n: NewsIx) -> Shared<NewsItem> {
        Shared::new(&self.make_news_item(n))
    }

    fn make_news_item(&self, n: NewsIx) -> NewsItem {
        let item = &self.site.news[n];
        NewsItem {
            title: item.title.clone(),
            url: self.url(&route::news(self.site, n)),
            date: item.date.to_string(),
            source: item.source.clone(),
            summary: item
                .summary
                .clone()
                .or_else(|| item.lead.as_deref().map(str::to_string)),
        }
    }

    pub fn source_link(&self, s: Option<SourceRef>) -> Option<Link> {
        Some(match s? {
            SourceRef::Report(r) => Link {
                title: self.site.reports[r].title.clone(),
                url: self.url(&route::report(self.site, r)),
            },
            SourceRef::News(n) => Link {
                title: self.site.news[n].title.clone(),
                url: self.url(&route::news(self.site, n)),
            },
        })
    }

    /// The view of pledge `i`'s page; `same_metric`: the pledges tracking the same metric (the
    /// pledge itself among them or not).
    pub fn pledge(&self, i: PledgeIx, same_metric: &[PledgeIx]) -> PledgeView {
        let site = self.site;
        let p = &site.pledges[i];
        let report_url = self.url(&route::report(site, p.report));
        let history = self.pledge_history(i);
        let chain = self.pledge_chain(i);
        let link = |c: PledgeIx| Link {
            title: site.pledges[c].title.clone(),
            url: self.url(&route::pledge(site, c)),
        };
        let progress = super::charts::progress(p);
        let sentence = self.pledge_sentence(i);
        PledgeView {
            card: self.card(i),
            quote_url: format!("{report_url}#{}", p.id),
            sentence,
            section: site.section(i).map(|h| Link {
                title: h.text.clone(),
                url: format!("{report_url}#{}", h.anchor),
            }),
            department: p.department.clone(),
            metric: p.target.as_ref().map(|t| t.metric.clone()),
            as_of: p.as_of.map(|d| d.to_string()),
            progress,
            history,
            news: p.news.iter().map(|&n| self.news_item(n)).collect(),
            chain,
            carried_from: p.carried_from.iter().map(|&c| link(c)).collect(),
            carried_to: p.carried_to.map(link),
            tags: p.tags.clone(),
            draft: p.draft,
            schedule: site.schedule(i).map(|s| ScheduleView {
                time_pct: (s.time_share * 100.0).round() as u32,
                target_pct: (s.target_share * 100.0).round() as u32,
                state: s.state.key(),
                label: self.s.get(&format!("schedule_{}", s.state.key())),
                as_of: p.as_of.map(|d| d.to_string()).unwrap_or_default(),
            }),
            same_metric: same_metric
                .iter()
                .filter(|&&o| o != i)
                .map(|&o| self.card(o))
                .collect(),
            json_url: self.url(&format!("{}pledge.json", route::pledge(site, i))),
            feed_url: self.url(&format!("{}feed.xml", route::pledge(site, i))),
            embed_url: self.url(&route::embed(site, i)),
        }
    }

    /// A pledge's status history, each entry with the news item that reported it.
    fn pledge_history(&self, i: PledgeIx) -> Vec<HistoryView> {
        let site = self.site;
        let p = &site.pledges[i];
        let r = &site.reports[p.report];
        p.history
            .iter()
            .map(|h| {
                let news = h.news.map(|n| {
                    // Only an update with a quote has its anchor (the highlighted evidence).
                    let anchor = h
                        .update
                        .filter(|_| h.quote.is_some())
                        .map(|u| format!("#u_{u}"))
                        .unwrap_or_default();
                    Link {
                        title: site.news[n].title.clone(),
                        url: format!("{}{anchor}", self.url(&route::news(site, n))),
                    }
                });
                HistoryView {
                    date: h.date.to_string(),
                    status: self.shared_status(h.status),
                    value: self.value_text(p, h.value),
                    quote: h.quote.as_deref().map(str::to_string),
                    news,
                    news_date: h.news.map(|n| site.news[n].date.to_string()),
                    source: match h.news {
                        Some(n) => site.news[n].source.clone(),
                        None => Some(r.title.clone()),
                    },
                }
            })
            .collect()
    }

    /// The pledges carried over into one another with pledge `i`, when there are more than one.
    fn pledge_chain(&self, i: PledgeIx) -> Vec<ChainItem> {
        let site = self.site;
        let chain_ids = site.chain(i);
        if chain_ids.len() > 1 {
            chain_ids
                .iter()
                .map(|&c| ChainItem {
                    title: site.pledges[c].title.clone(),
                    url: self.url(&route::pledge(site, c)),
                    year: site.reports[site.pledges[c].report].year,
                    status: self.status(site.pledges[c].status),
                    current: c == i,
                })
                .collect()
        } else {
            Vec::new()
        }
    }

    /// The sentence of the report that holds pledge `i`'s quote, split around it; the pledge's
    /// text alone when the quote has no place in the report's text.
    fn pledge_sentence(&self, i: PledgeIx) -> SentenceView {
        let p = &self.site.pledges[i];
        let r = &self.site.reports[p.report];
        let idx = &r.index;
        let q = p.quote_range.clone();
        if q.end > q.start && q.end <= idx.text.len() {
            let s = idx.sentence_around(q.clone());
            SentenceView {
                before: idx.text[s.start..q.start].to_string(),
                quote: idx.text[q.clone()].to_string(),
                after: idx.text[q.end..s.end].to_string(),
            }
        } else {
            SentenceView {
                before: String::new(),
                quote: p.text.clone(),
                after: String::new(),
            }
        }
    }

    /// Pledge counts by status as a horizontal bar chart.
    pub fn status_chart(&self, totals: &Totals) -> BarChart {
        const ROW: u32 = 30;
        const BAR_X: u32 = 100;
        const BAR_MAX: u32 = 170;
        let max = totals
            .by_status
            .iter()
            .map(|c| c.count)
            .max()
            .unwrap_or(0)
            .max(1);
        let bars = totals
            .by_status
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let w = if c.count == 0 {
                    0
                } else {
                    ((c.count as f64 / max as f64) * BAR_MAX as f64)
                        .round()
                        .max(2.0) as u32
                };
                Bar {
                    key: c.status.key,
                    label: c.status.label.clone(),
                    count: c.count,
                    y: k as u32 * ROW + 6,
                    text_y: k as u32 * ROW + 21,
                    w,
                    count_x: BAR_X + w + 6,
                }
            })
            .collect();
        BarChart {
            height: totals.by_status.len() as u32 * ROW,
            bars,
        }
    }

    pub fn totals(&self, pledges: impl Iterator<Item = PledgeIx>) -> Totals {
        let mut counts = [0usize; 8];
        let (mut total, mut quantified, mut met, mut missed) = (0, 0, 0, 0);
        for i in pledges {
            let p = &self.site.pledges[i];
            total += 1;
            counts[p.status.pos()] += 1;
            if p.target.is_some() {
                quantified += 1;
            }
            match p.met {
                Some(true) => met += 1,
                Some(false) => missed += 1,
                None => {}
            }
        }
        Totals {
            total,
            completed: counts[Status::Completed.pos()],
            by_status: Status::ALL
                .iter()
                .zip(counts)
                .map(|(&s, c)| Count {
                    status: self.status(s),
                    count: c,
                    percent: percent(c, total),
                })
                .collect(),
            quantified,
            met,
            missed,
            met_percent: percent(met, quantified),
        }
    }

    pub fn report(&self, r: ReportIx) -> ReportView {
        let site = self.site;
        let rep = &site.reports[r];
        ReportView {
            id: rep.id.to_string(),
            title: rep.title.clone(),
            year: rep.year,
            url: self.url(&route::report(site, r)),
            jurisdiction: Link {
                title: site.jurisdictions[rep.jurisdiction].name.clone(),
                url: self.url(&route::jurisdiction(site, rep.jurisdiction)),
            },
            delivered: rep.delivered.to_string(),
            speaker: rep.speaker.clone(),
            session: rep.session.clone(),
            source: rep.source.clone(),
            seed: rep.seed.clone(),
            pledge_count: rep.pledges.len(),
        }
    }

    /// The report body with every pledge quote highlighted and linked.
    pub fn report_html(&self, r: ReportIx) -> Result<(String, Vec<TocEntry>), Diagnostic> {
        let site = self.site;
        let rep = &site.reports[r];
        let marks: Vec<Mark> = rep
            .pledges
            .iter()
            .filter(|&&i| site.pledges[i].quote_range.end > 0)
            .map(|&i| {
                let p = &site.pledges[i];
                Mark {
                    range: p.quote_range.clone(),
                    anchor: Some(p.id.to_string()),
                    href: Some(self.url(&route::pledge(site, i))),
                    class: format!("q st-{}", p.status.key()),
                    title: Some(format!("{} · {}", p.title, self.s.status(p.status))),
                    label: Some(self.s.status(p.status)),
                }
            })
            .collect();
        let out = markdown::render_html(&rep.body.text()?, &marks, self.base);
        let toc = out
            .headings
            .into_iter()
            .map(|h| TocEntry {
                level: h.level,
                text: h.text,
                anchor: h.anchor,
            })
            .collect();
        Ok((out.html, toc))
    }

    /// A news body with every evidence quote highlighted and linked to its pledge.
    /// Its rendered text comes with it, for the search index.
    pub fn news_html(&self, n: NewsIx) -> Result<markdown::RenderedHtml, Diagnostic> {
        let site = self.site;
        let item = &site.news[n];
        let marks: Vec<Mark> = item
            .updates
            .iter()
            .enumerate()
            .filter_map(|(u, up)| {
                let p = &site.pledges[up.pledge];
                Some(Mark {
                    range: up.quote_range.clone()?,
                    anchor: Some(format!("u_{u}")),
                    href: Some(self.url(&route::pledge(site, up.pledge))),
                    class: format!("ev st-{}", up.status.key()),
                    title: Some(format!("{} · {}", p.title, self.s.status(up.status))),
                    label: None,
                })
            })
            .collect();
        Ok(markdown::render_html(&item.body.text()?, &marks, self.base))
    }

    /// The indicator table of one jurisdiction, given the indices of its indicators.
    pub fn indicator_rows(&self, indicators: &[IndicatorIx]) -> (Vec<i32>, Vec<IndicatorRow>) {
        let site = self.site;
        let inds: Vec<_> = indicators.iter().map(|&i| &site.indicators[i]).collect();
        let mut years: Vec<i32> = inds
            .iter()
            .flat_map(|i| i.years.iter().map(|y| y.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let rows = inds
            .iter()
            .map(|ind| {
                let cells = years
                    .iter()
                    .map(|&year| self.indicator_cell(ind, year))
                    .collect();
                let values: Vec<_> = years
                    .iter()
                    .map(|&year| {
                        let y = ind.years.iter().find(|y| y.year == year);
                        super::charts::YearValues {
                            year,
                            target: y.and_then(|y| y.target.as_ref()).map(|t| t.value.get()),
                            actual: y.and_then(|y| y.actual.as_ref()).map(|a| a.value.get()),
                            provisional: y.is_some_and(|y| y.provisional),
                        }
                    })
                    .collect();
                IndicatorRow {
                    spark: self.spark(ind, &years),
                    chart: super::charts::year_chart(&values),
                    desc: self.indicator_desc(ind),
                    id: ind.id.to_string(),
                    name: ind.name.clone(),
                    unit: ind.unit.clone(),
                    better: match ind.better {
                        Better::Higher => "higher",
                        Better::Lower => "lower",
                    },
                    better_label: self.s.get(match ind.better {
                        Better::Higher => "better_higher",
                        Better::Lower => "better_lower",
                    }),
                    cells,
                }
            })
            .collect();
        (years, rows)
    }

    /// The cell of indicator `ind` for `year`: its target and value with their sources, and
    /// whether the target was met.
    fn indicator_cell(&self, ind: &Indicator, year: i32) -> CellView {
        let y = ind.years.iter().find(|y| y.year == year);
        let target = y.and_then(|y| y.target.as_ref());
        let actual = y.and_then(|y| y.actual.as_ref());
        let provisional = y.is_some_and(|y| y.provisional);
        let state = match (y.and_then(|y| y.met), provisional, target, actual) {
            (Some(true), ..) => "met",
            (Some(false), ..) => "missed",
            (None, true, _, _) => "provisional",
            (None, false, Some(_), None) => "pending",
            _ => "none",
        };
        CellView {
            year,
            target: target.map(|t| self.s.target(&num(t.value), &ind.unit, t.qualifier)),
            target_source: target.and_then(|t| self.source_link(t.source)),
            actual: actual.map(|a| self.s.value(&num(a.value), &ind.unit)),
            actual_source: actual.and_then(|a| self.source_link(a.source)),
            as_of: actual.and_then(|a| a.as_of).map(|d| d.to_string()),
            provisional,
            state,
            state_label: self.s.get(&format!("state_{state}")),
        }
    }

    /// A trend chart for one indicator over `years` (shared by the table's columns).
    fn spark(&self, ind: &crate::model::Indicator, years: &[i32]) -> Option<Spark> {
        let scale = SparkScale::of(ind, years)?;
        let (actuals, targets) = scale.points(ind);
        let line = actuals
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ");
        Some(Spark {
            width: SparkScale::W as u32,
            height: SparkScale::H as u32,
            line,
            actuals,
            targets,
            desc: self.indicator_desc(ind),
        })
    }

    /// An indicator's numbers year by year as one sentence: the text of its charts.
    fn indicator_desc(&self, ind: &crate::model::Indicator) -> String {
        let mut desc = vec![ind.name.clone()];
        for yr in &ind.years {
            let mut parts = Vec::new();
            if let Some(t) = &yr.target {
                parts.push(format!(
                    "{} {}",
                    self.s.get("col_target"),
                    self.s.target(&num(t.value), &ind.unit, t.qualifier)
                ));
            }
            if let Some(a) = &yr.actual {
                let mut s = format!(
                    "{} {}",
                    self.s.get("col_actual"),
                    self.s.value(&num(a.value), &ind.unit)
                );
                if yr.provisional {
                    s.push_str(&format!("（{}）", self.s.get("state_provisional")));
                }
                parts.push(s);
            }
            desc.push(format!("{}：{}", yr.year, parts.join("，")));
        }
        desc.join("；")
    }

    /// Pledge metrics of a jurisdiction that recur in more than one year's report.
    pub fn metric_rows(&self, pledges: &[PledgeIx]) -> (Vec<i32>, Vec<MetricRow>) {
        use std::collections::BTreeMap;
        let site = self.site;
        let mut by_metric: BTreeMap<&str, BTreeMap<i32, Vec<PledgeIx>>> = BTreeMap::new();
        for &i in pledges {
            let p = &site.pledges[i];
            let r = &site.reports[p.report];
            if let Some(t) = &p.target {
                by_metric
                    .entry(t.metric.as_str())
                    .or_default()
                    .entry(r.year)
                    .or_default()
                    .push(i);
            }
        }
        by_metric.retain(|_, years| years.len() > 1);
        let mut years: Vec<i32> = by_metric.values().flat_map(|y| y.keys().copied()).collect();
        years.sort_unstable();
        years.dedup();
        let rows = by_metric
            .into_iter()
            .map(|(metric, ys)| MetricRow {
                chart: self.metric_chart(&years, &ys),
                desc: self.metric_desc(metric, &ys),
                metric: metric.to_string(),
                cells: years
                    .iter()
                    .map(|y| MetricCell {
                        year: *y,
                        pledges: ys
                            .get(y)
                            .map(|v| v.iter().map(|&i| self.card(i)).collect())
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect();
        (years, rows)
    }

    /// The chart of a recurring metric: each year's first pledge, its target and current value;
    /// none when the pledges' units differ (their numbers would not share an axis).
    fn metric_chart(
        &self,
        years: &[i32],
        by_year: &std::collections::BTreeMap<i32, Vec<PledgeIx>>,
    ) -> Option<super::charts::YearChart> {
        let first = |y: &i32| {
            by_year
                .get(y)
                .and_then(|v| v.first())
                .map(|&i| &self.site.pledges[i])
        };
        let mut units = years
            .iter()
            .filter_map(first)
            .filter_map(|p| p.target.as_ref().map(|t| t.unit.as_str()));
        let unit = units.next()?;
        if units.any(|u| u != unit) {
            return None;
        }
        let values: Vec<_> = years
            .iter()
            .map(|y| {
                let p = first(y);
                super::charts::YearValues {
                    year: *y,
                    target: p.and_then(|p| p.target.as_ref()).map(|t| t.value.get()),
                    actual: p.and_then(|p| p.value).map(|v| v.get()),
                    // A value not yet judged against its target is drawn as provisional.
                    provisional: p.is_some_and(|p| p.met.is_none()),
                }
            })
            .collect();
        super::charts::year_chart(&values)
    }

    /// A recurring metric's pledges year by year as one sentence: the text of its chart.
    fn metric_desc(
        &self,
        metric: &str,
        by_year: &std::collections::BTreeMap<i32, Vec<PledgeIx>>,
    ) -> String {
        let mut desc = vec![metric.to_string()];
        for (year, pledges) in by_year {
            for &i in pledges {
                let p = &self.site.pledges[i];
                let mut parts = Vec::new();
                if let Some(t) = self.target_text(p) {
                    parts.push(format!("{} {t}", self.s.get("col_target")));
                }
                if let Some(v) = self.value_text(p, p.value) {
                    parts.push(format!("{} {v}", self.s.get("pledge_value")));
                }
                parts.push(self.s.status(p.status));
                desc.push(format!("{year}：{}", parts.join("，")));
            }
        }
        desc.join("；")
    }

    pub fn pager(&self, first_route: &str, current: usize, total: usize) -> Pager {
        let url = |n: usize| self.url(&route::paged(first_route, n));
        Pager {
            current,
            total,
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            pages: (1..=total)
                .filter(|&n| n == 1 || n == total || n.abs_diff(current) <= 2)
                .map(|n| PagerLink {
                    n,
                    url: url(n),
                    current: n == current,
                })
                .collect(),
        }
    }
}

/// Where a trend chart's points go: `years` evenly across its width, values from the lowest
/// (`lo`, at the bottom) to the highest (`hi`, at the top); a flat series along the middle.
struct SparkScale<'y> {
    years: &'y [i32],
    lo: f64,
    hi: f64,
}

impl<'y> SparkScale<'y> {
    const W: f64 = 160.0;
    const H: f64 = 48.0;
    const PAD: f64 = 6.0;

    /// The scale of `ind`'s targets and values over `years`; `None` with fewer than two values
    /// or fewer than two years that have one.
    fn of(ind: &Indicator, years: &'y [i32]) -> Option<SparkScale<'y>> {
        let values: Vec<f64> = ind
            .years
            .iter()
            .flat_map(|y| {
                y.target
                    .iter()
                    .map(|t| t.value.get())
                    .chain(y.actual.iter().map(|a| a.value.get()))
            })
            .collect();
        let years_with_data = ind
            .years
            .iter()
            .filter(|y| y.target.is_some() || y.actual.is_some())
            .count();
        if values.len() < 2 || years_with_data < 2 {
            return None;
        }
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        Some(SparkScale { years, lo, hi })
    }

    /// The points of `ind`'s actual values and of its targets, in the order of its years.
    fn points(&self, ind: &Indicator) -> (Vec<Point>, Vec<Point>) {
        let mut actuals = Vec::new();
        let mut targets = Vec::new();
        for yr in &ind.years {
            if let Some(t) = &yr.target {
                targets.push(self.point(yr.year, t.value.get(), false));
            }
            if let Some(a) = &yr.actual {
                actuals.push(self.point(yr.year, a.value.get(), yr.provisional));
            }
        }
        (actuals, targets)
    }

    /// The point of value `v` in `year`, its coordinates rounded to a tenth.
    fn point(&self, year: i32, v: f64, provisional: bool) -> Point {
        let round = |v: f64| (v * 10.0).round() / 10.0;
        Point {
            x: round(self.x(year)),
            y: round(self.y(v)),
            provisional,
        }
    }

    /// The position of `year` across the chart.
    fn x(&self, year: i32) -> f64 {
        let k = self.years.iter().position(|&y| y == year).unwrap_or(0) as f64;
        Self::PAD + k * (Self::W - 2.0 * Self::PAD) / (self.years.len() as f64 - 1.0)
    }

    /// The height of value `v` in the chart (down from its top).
    fn y(&self, v: f64) -> f64 {
        if self.hi > self.lo {
            (Self::H - Self::PAD)
                - (v - self.lo) / (self.hi - self.lo) * (Self::H - 2.0 * Self::PAD)
        } else {
            Self::H / 2.0
        }
    }
}
