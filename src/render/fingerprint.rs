//! What each output file is made from, summed up as one number per job, so that `serve` can
//! re-render only the files whose inputs changed since its previous build.
//!
//! A job's number hashes every part of the model its page reads: the pledges, reports, news
//! items and indicators it shows (by their whole model value, computed fields included), plus
//! the *global* number — site settings, jurisdictions, categories, page titles, the data date,
//! the theme, and the ids of everything. A page's reads are listed beside its context, in
//! `pages.rs`; the other files' here. They are deliberately wider than the templates need (a card stands for the whole pledge and its report's header; a page that
//! shows any news item reads all of them); a missing read would leave a page stale, a wider one
//! only renders a page more. `tests/suite/incremental.rs` checks that an incremental rebuild after each kind
//! of edit gives the same bytes as a full build.

use super::{Job, PLEDGES_PER_PAGE, Renderer, pages_count};
use crate::model::ix::{CategoryIx, IndicatorIx, NewsIx, PageIx, PerIx, PledgeIx, ReportIx};
use crate::model::patch::Patched;
use crate::model::{IterIx, Report, Site};
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
    pub(super) global: u64,
    /// The part of `global` that news edits cannot change: site settings, jurisdictions,
    /// categories, page titles and the ids of everything.
    pub(super) ids: u64,
    pub(super) pledge: PerIx<PledgeIx, u64>,
    /// A pledge as a card: the pledge and its report's header.
    pub(super) card: PerIx<PledgeIx, u64>,
    pub(super) report_head: PerIx<ReportIx, u64>,
    pub(super) report_full: PerIx<ReportIx, u64>,
    pub(super) news: PerIx<NewsIx, u64>,
    pub(super) indicator: PerIx<IndicatorIx, u64>,
    pub(super) page: PerIx<PageIx, u64>,
    pub(super) all_pledges: u64,
    pub(super) all_news: u64,
    pub(super) all_reports: u64,
    pub(super) all_indicators: u64,
}

impl Inputs {
    /// The site-wide number: when it changes, every file may change.
    pub fn global(&self) -> u64 {
        self.global
    }
}

/// [`Inputs::ids`]: site settings, jurisdictions, categories, page titles and the ids of
/// everything.
fn ids_of(site: &Site) -> u64 {
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
    g.finish()
}

/// Status and met/missed counts of a list of pledges: what its totals show.
fn totals(r: &Renderer, list: &[PledgeIx]) -> u64 {
    let mut counts = [[0u32; 3]; 8];
    for &i in list {
        let p = &r.site.pledges[i];
        let met = match p.met {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        };
        counts[p.status.pos()][met] += 1;
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
        let pledge: PerIx<PledgeIx, u64> = site
            .pledges
            .par_iter()
            .map(hash_of)
            .collect::<Vec<_>>()
            .into();
        let report_head: PerIx<ReportIx, u64> = site.reports.iter().map(report_head).collect();
        let report_full: PerIx<ReportIx, u64> = site
            .reports
            .iter()
            .zip(report_head.values())
            .map(|(r, &h)| hash_of(&(h, &r.body)))
            .collect();
        let card: PerIx<PledgeIx, u64> = site
            .pledges
            .iter()
            .zip(pledge.values())
            .map(|(p, &h)| hash_of(&(h, report_head[p.report])))
            .collect();
        let news: PerIx<NewsIx, u64> = site.news.par_iter().map(hash_of).collect::<Vec<_>>().into();
        let indicator: PerIx<IndicatorIx, u64> = site
            .indicators
            .iter()
            .map(|i| hash_of(&format!("{i:?}")))
            .collect();
        let page: PerIx<PageIx, u64> = site.pages.iter().map(hash_of).collect();
        let ids = ids_of(site);
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

    /// One number per job, from the entities' numbers.
    pub fn job_fingerprints(&self, jobs: &[Job], inp: &Inputs) -> Vec<u64> {
        use rayon::prelude::*;
        let cat_totals: PerIx<CategoryIx, u64> = self
            .index
            .by_category
            .values()
            .map(|l| totals(self, l))
            .collect();
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
    pub fn row_inputs(&self, inp: &Inputs) -> PerIx<PledgeIx, u64> {
        self.site
            .pledges
            .iter_ix()
            .map(|(i, p)| hash_of(&(inp.global, inp.pledge[i], inp.report_full[p.report])))
            .collect()
    }

    /// What the list of jobs ([`Renderer::jobs`]) is made from: the global number and the
    /// number of pages of each paginated list. Equal shapes give equal job lists.
    pub fn shape(&self, inp: &Inputs) -> u64 {
        let pages = |l: &Vec<PledgeIx>| pages_count(l.len(), PLEDGES_PER_PAGE);
        hash_of(&(
            inp.global,
            self.index.by_status.iter().map(pages).collect::<Vec<_>>(),
            self.index
                .by_category
                .values()
                .map(pages)
                .collect::<Vec<_>>(),
            pages(&self.index.overdue),
        ))
    }

    fn job_inputs(
        &self,
        job: &Job,
        inp: &Inputs,
        h: &mut FxHasher,
        cat_totals: &PerIx<CategoryIx, u64>,
    ) {
        std::mem::discriminant(job).hash(h);
        match job {
            Job::Html { kind } => {
                self.route(kind).hash(h);
                self.page_inputs(kind, inp, h, cat_totals);
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
