//! Site-wide indexes over the model (pledges by status, category, jurisdiction and metric; news
//! newest first; …), computed once per build for the pages that list them.

use super::ix::{self, PerIx};
use super::{CategoryIx, IndicatorIx, IterIx, JurisdictionIx, NewsIx, PledgeIx, ReportIx, Site};
use crate::types::Status;
use rustc_hash::FxHashMap as HashMap;

/// Lists of model indexes, each sorted as the pages show it.
pub struct SiteIndex<'a> {
    /// Pledges by [`Status::pos`], in pledge order.
    pub by_status: Vec<Vec<PledgeIx>>,
    /// Pledges by category, in pledge order.
    pub by_category: PerIx<CategoryIx, Vec<PledgeIx>>,
    /// Pledges by their report's jurisdiction, in pledge order.
    pub by_jurisdiction: PerIx<JurisdictionIx, Vec<PledgeIx>>,
    /// Every pledge, in pledge order.
    pub all_pledges: Vec<PledgeIx>,
    /// Reports by jurisdiction, in report order.
    pub reports_of: PerIx<JurisdictionIx, Vec<ReportIx>>,
    /// Jurisdictions by parent, in jurisdiction order.
    pub children_of: PerIx<JurisdictionIx, Vec<JurisdictionIx>>,
    /// Indicators by jurisdiction, in indicator order.
    pub indicators_of: PerIx<JurisdictionIx, Vec<IndicatorIx>>,
    /// Pledges with a target by (jurisdiction, target metric), by report year then pledge, for
    /// year-over-year links.
    pub same_metric: HashMap<(JurisdictionIx, &'a str), Vec<PledgeIx>>,
    /// [`Site::overdue`].
    pub overdue: Vec<PledgeIx>,
    /// News items newest first, then by slug.
    pub news_newest_first: Vec<NewsIx>,
}

impl<'a> SiteIndex<'a> {
    pub fn new(site: &'a Site) -> Self {
        let mut by_status = vec![Vec::new(); Status::ALL.len()];
        let mut by_category = PerIx::filled(site.categories.len(), Vec::new());
        let mut by_jurisdiction = PerIx::filled(site.jurisdictions.len(), Vec::new());
        for (i, p) in site.pledges.iter_ix() {
            by_status[p.status.pos()].push(i);
            by_category[p.category].push(i);
            by_jurisdiction[site.reports[p.report].jurisdiction].push(i);
        }
        let mut reports_of = PerIx::filled(site.jurisdictions.len(), Vec::new());
        for (r, rep) in site.reports.iter_ix() {
            reports_of[rep.jurisdiction].push(r);
        }
        let mut children_of = PerIx::filled(site.jurisdictions.len(), Vec::new());
        for (k, j) in site.jurisdictions.iter_ix() {
            if let Some(p) = j.parent {
                children_of[p].push(k);
            }
        }
        let mut indicators_of = PerIx::filled(site.jurisdictions.len(), Vec::new());
        for (i, ind) in site.indicators.iter_ix() {
            indicators_of[ind.jurisdiction].push(i);
        }
        let all_pledges = ix::all(site.pledges.len()).collect();
        // Hashed by Fx: this map is rebuilt for every `serve` rebuild.
        let mut same_metric: HashMap<(JurisdictionIx, &str), Vec<PledgeIx>> = HashMap::default();
        for (i, p) in site.pledges.iter_ix() {
            if let Some(t) = &p.target {
                same_metric
                    .entry((site.reports[p.report].jurisdiction, t.metric.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        for list in same_metric.values_mut() {
            list.sort_by_key(|&i| (site.reports[site.pledges[i].report].year, i));
        }
        let overdue = site.overdue();
        // Newest first, then by slug: the news items are in slug order, so a stable sort by
        // date alone gives that, without comparing slugs.
        debug_assert!(site.news.windows(2).all(|w| w[0].slug < w[1].slug));
        let mut news_newest_first: Vec<NewsIx> = ix::all(site.news.len()).collect();
        news_newest_first.sort_by_key(|&n| std::cmp::Reverse(site.news[n].date));
        SiteIndex {
            by_status,
            by_category,
            by_jurisdiction,
            all_pledges,
            reports_of,
            children_of,
            indicators_of,
            same_metric,
            overdue,
            news_newest_first,
        }
    }
}
