//! What each output file is made from, summed up as one number per job, so that `serve` can
//! re-render only the files whose inputs changed since its previous build.
//!
//! A job's number hashes every part of the model its page reads: the pledges, reports, news
//! items and indicators it shows (by their whole model value, computed fields included), plus
//! the *global* number — site settings, jurisdictions, categories, page titles, the data date,
//! the theme, and the ids of everything. The reads listed here are deliberately wider than the
//! templates need (a card stands for the whole pledge and its report's header; a page that
//! shows any news item reads all of them); a missing read would leave a page stale, a wider one
//! only renders a page more. `tests/serve.rs` checks that an incremental rebuild after each kind
//! of edit gives the same bytes as a full build.

use super::{Job, NEWS_PER_PAGE, PLEDGES_PER_PAGE, PageKind, Renderer, pages_count, status_pos};
use crate::model::patch::Patched;
use crate::model::{Report, SourceRef};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

fn hash_of<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = FxHasher::default();
    t.hash(&mut h);
    h.finish()
}

/// A report without its body: what cards, lists and links show of it.
fn report_head(r: &Report) -> u64 {
    hash_of(&(
        &r.id,
        r.jurisdiction,
        r.year,
        &r.title,
        r.delivered,
        &r.speaker,
        &r.session,
        &r.source,
        &r.seed,
        &r.pledges,
    ))
}

/// The per-entity numbers every job's number is combined from. `serve` keeps them between
/// rebuilds, so that after a patched model ([`Patched`]) only the entities it changed are
/// summed up again ([`Renderer::update_inputs`]).
#[derive(Debug, Clone)]
pub struct Inputs {
    global: u64,
    /// The part of `global` that news edits cannot change: site settings, jurisdictions,
    /// categories, page titles and the ids of everything.
    ids: u64,
    pledge: Vec<u64>,
    /// A pledge as a card: the pledge and its report's header.
    card: Vec<u64>,
    report_head: Vec<u64>,
    report_full: Vec<u64>,
    news: Vec<u64>,
    indicator: Vec<u64>,
    page: Vec<u64>,
    all_pledges: u64,
    all_news: u64,
    all_reports: u64,
    all_indicators: u64,
}

impl Inputs {
    /// The site-wide number: when it changes, every file may change.
    pub fn global(&self) -> u64 {
        self.global
    }
}

/// Status and met/missed counts of a list of pledges: what its totals show.
fn totals(r: &Renderer, list: &[usize]) -> u64 {
    let mut counts = [[0u32; 3]; 8];
    for &i in list {
        let p = &r.site.pledges[i];
        let met = match p.met {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        };
        counts[status_pos(p.status)][met] += 1;
    }
    let quantified = list
        .iter()
        .filter(|&&i| r.site.pledges[i].target.is_some())
        .count();
    hash_of(&(counts, quantified, list.len()))
}

impl Renderer<'_> {
    /// Every entity's number. `theme` is a hash of the theme's files
    /// ([`super::theme::ThemeFiles::fingerprint`]).
    pub fn inputs(&self, theme: u64) -> Inputs {
        use rayon::prelude::*;
        let site = self.site;
        let pledge: Vec<u64> = site.pledges.par_iter().map(hash_of).collect();
        let report_head: Vec<u64> = site.reports.iter().map(report_head).collect();
        let report_full: Vec<u64> = site
            .reports
            .iter()
            .zip(&report_head)
            .map(|(r, &h)| hash_of(&(h, &r.body)))
            .collect();
        let card: Vec<u64> = site
            .pledges
            .iter()
            .zip(&pledge)
            .map(|(p, &h)| hash_of(&(h, report_head[p.report])))
            .collect();
        let news: Vec<u64> = site.news.par_iter().map(hash_of).collect();
        let indicator: Vec<u64> = site
            .indicators
            .iter()
            .map(|i| hash_of(&format!("{i:?}")))
            .collect();
        let page: Vec<u64> = site.pages.iter().map(hash_of).collect();
        let mut g = FxHasher::default();
        format!("{:?}", site.config).hash(&mut g);
        site.jurisdictions.hash(&mut g);
        site.categories.hash(&mut g);
        for p in &site.pages {
            (&p.path, &p.title, &p.description, p.weight).hash(&mut g);
        }
        for r in &site.reports {
            r.id.hash(&mut g);
        }
        for p in &site.pledges {
            p.full_id.hash(&mut g);
        }
        for n in &site.news {
            n.slug.hash(&mut g);
        }
        for i in &site.indicators {
            (i.jurisdiction, &i.id).hash(&mut g);
        }
        let ids = g.finish();
        Inputs {
            global: self.global(ids, theme),
            ids,
            all_pledges: hash_of(&pledge),
            all_news: hash_of(&news),
            all_reports: hash_of(&report_full),
            all_indicators: hash_of(&indicator),
            pledge,
            card,
            report_head,
            report_full,
            news,
            indicator,
            page,
        }
    }

    fn global(&self, ids: u64, theme: u64) -> u64 {
        hash_of(&(ids, self.site.data_date, theme, self.has_search()))
    }

    /// Bring `inp`, the numbers of the model before `patched` changed it, up to date with this
    /// renderer's model: only the news items and pledges the patch names are summed up again
    /// (a patch changes nothing else but the data date).
    pub fn update_inputs(&self, inp: &mut Inputs, patched: &Patched, theme: u64) {
        let site = self.site;
        for &n in &patched.news {
            inp.news[n] = hash_of(&site.news[n]);
        }
        for &p in &patched.pledges {
            inp.pledge[p] = hash_of(&site.pledges[p]);
            inp.card[p] = hash_of(&(inp.pledge[p], inp.report_head[site.pledges[p].report]));
        }
        inp.all_pledges = hash_of(&inp.pledge);
        inp.all_news = hash_of(&inp.news);
        inp.global = self.global(inp.ids, theme);
    }

    /// The global number (a change of it means every file changes) and one number per job.
    /// `theme` is a hash of the theme's files ([`super::theme::ThemeFiles::fingerprint`]).
    pub fn fingerprints(&self, jobs: &[Job], theme: u64) -> (u64, Vec<u64>) {
        let inp = self.inputs(theme);
        (inp.global, self.job_fingerprints(jobs, &inp))
    }

    /// One number per job, from the entities' numbers.
    pub fn job_fingerprints(&self, jobs: &[Job], inp: &Inputs) -> Vec<u64> {
        use rayon::prelude::*;
        let cat_totals: Vec<u64> = self.by_category.iter().map(|l| totals(self, l)).collect();
        jobs.par_iter()
            .map(|job| {
                let mut h = FxHasher::default();
                inp.global.hash(&mut h);
                self.job_inputs(job, inp, &mut h, &cat_totals);
                h.finish()
            })
            .collect()
    }

    /// One number per pledge for its row of the open data files
    /// ([`super::data::PledgeRows`]): the pledge, its report (the row shows its section) and
    /// the global number (the ids of everything).
    pub fn row_inputs(&self, inp: &Inputs) -> Vec<u64> {
        self.site
            .pledges
            .iter()
            .enumerate()
            .map(|(i, p)| hash_of(&(inp.global, inp.pledge[i], inp.report_full[p.report])))
            .collect()
    }

    /// What the list of jobs ([`Renderer::jobs`]) is made from: the global number and the
    /// number of pages of each paginated list. Equal shapes give equal job lists.
    pub fn shape(&self, inp: &Inputs) -> u64 {
        let pages = |l: &Vec<usize>| pages_count(l.len(), PLEDGES_PER_PAGE);
        hash_of(&(
            inp.global,
            self.by_status.iter().map(pages).collect::<Vec<_>>(),
            self.by_category.iter().map(pages).collect::<Vec<_>>(),
            pages(&self.overdue),
        ))
    }

    fn list_inputs(&self, inp: &Inputs, h: &mut FxHasher, all: &[usize], n: usize) {
        (all.len(), n, pages_count(all.len(), PLEDGES_PER_PAGE)).hash(h);
        for &i in all
            .iter()
            .skip((n - 1) * PLEDGES_PER_PAGE)
            .take(PLEDGES_PER_PAGE)
        {
            inp.card[i].hash(h);
        }
    }

    fn pledge_inputs(&self, inp: &Inputs, h: &mut FxHasher, p: usize) {
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

    fn indicator_inputs(&self, inp: &Inputs, h: &mut FxHasher, j: usize) {
        for &i in &self.indicators_of[j] {
            inp.indicator[i].hash(h);
            for y in &self.site.indicators[i].years {
                let sources = [
                    y.target.as_ref().and_then(|t| t.source),
                    y.actual.as_ref().and_then(|a| a.source),
                ];
                for s in sources.into_iter().flatten() {
                    match s {
                        SourceRef::Report(r) => inp.report_head[r].hash(h),
                        SourceRef::News(n) => inp.news[n].hash(h),
                    }
                }
            }
        }
    }

    fn job_inputs(&self, job: &Job, inp: &Inputs, h: &mut FxHasher, cat_totals: &[u64]) {
        let site = self.site;
        std::mem::discriminant(job).hash(h);
        match job {
            Job::Html { kind } => {
                self.route(kind).hash(h);
                match *kind {
                    PageKind::Home => {
                        (inp.all_pledges, inp.all_news, inp.all_reports).hash(h);
                        inp.all_indicators.hash(h);
                    }
                    PageKind::Reports | PageKind::Jurisdictions => {
                        (inp.all_reports, inp.all_pledges).hash(h)
                    }
                    PageKind::Report(r) => {
                        inp.report_full[r].hash(h);
                        for &i in &site.reports[r].pledges {
                            inp.card[i].hash(h);
                        }
                    }
                    PageKind::ReportPledges(r) => {
                        inp.report_head[r].hash(h);
                        for &i in &site.reports[r].pledges {
                            inp.card[i].hash(h);
                        }
                    }
                    // Its pages show no totals (unlike a category's): a status edit changes
                    // only the page with the pledge's card.
                    PageKind::Pledges(n) => self.list_inputs(inp, h, &self.all_pledges, n),
                    PageKind::Overdue(n) => self.list_inputs(inp, h, &self.overdue, n),
                    PageKind::Category(k, n) => {
                        cat_totals[k].hash(h);
                        self.list_inputs(inp, h, &self.by_category[k], n);
                    }
                    // No totals either: its count is in the list's inputs.
                    PageKind::Status(s, n) => {
                        self.list_inputs(inp, h, &self.by_status[status_pos(s)], n)
                    }
                    PageKind::Pledge(p) | PageKind::Embed(p) => self.pledge_inputs(inp, h, p),
                    PageKind::NewsList(n) => {
                        (
                            site.news.len(),
                            n,
                            pages_count(site.news.len(), NEWS_PER_PAGE),
                        )
                            .hash(h);
                        for &i in self
                            .news_newest_first
                            .iter()
                            .skip((n - 1) * NEWS_PER_PAGE)
                            .take(NEWS_PER_PAGE)
                        {
                            inp.news[i].hash(h);
                        }
                    }
                    PageKind::News(n) => {
                        inp.news[n].hash(h);
                        let item = &site.news[n];
                        for i in item
                            .updates
                            .iter()
                            .map(|u| u.pledge)
                            .chain(item.pledges.iter().copied())
                        {
                            inp.card[i].hash(h);
                        }
                    }
                    PageKind::Jurisdiction(j) | PageKind::Compare(j) => {
                        for &r in &self.reports_of[j] {
                            inp.report_head[r].hash(h);
                        }
                        for &i in &self.by_jurisdiction[j] {
                            inp.card[i].hash(h);
                        }
                        self.indicator_inputs(inp, h, j);
                    }
                    PageKind::Categories | PageKind::Statuses => inp.all_pledges.hash(h),
                    PageKind::Page(i) => inp.page[i].hash(h),
                    // Its filters list the statuses and categories pledges have.
                    PageKind::Search => (inp.all_reports, inp.all_news, inp.all_pledges).hash(h),
                    PageKind::NotFound => {}
                }
            }
            Job::PledgeJson(p) | Job::PledgeFeed(p) => {
                p.hash(h);
                self.pledge_inputs(inp, h, *p);
            }
            Job::Feed => (inp.all_news, inp.all_pledges, inp.all_reports).hash(h),
            // The routes and the base URL (in the global number) only.
            Job::Sitemap => self.sitemap_routes().hash(h),
            Job::PledgesJson | Job::PledgesCsv => (inp.all_pledges, inp.all_reports).hash(h),
            // Indicators name their news sources by slug only (the slugs are in the global
            // number): a news edit does not change these files.
            Job::IndicatorsJson | Job::IndicatorsCsv => {
                (inp.all_indicators, inp.all_reports).hash(h)
            }
            Job::Robots | Job::CodeCss => {}
            Job::Static(path, _) | Job::Asset(path) => path.hash(h),
        }
    }
}
