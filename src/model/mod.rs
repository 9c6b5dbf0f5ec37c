//! The validated site model: every reference resolved to a typed index ([`ix`]), every computed
//! field filled.

pub mod build;
pub mod index;
pub mod ix;
pub mod met;
pub mod patch;
pub mod unparsed;

pub use build::{BuildOptions, build};
pub use ix::{CategoryIx, IndicatorIx, IterIx, JurisdictionIx, NewsIx, PageIx, PledgeIx, ReportIx};

use crate::content::{DiskBody, SourceFile};
use crate::markdown::TextIndex;
use crate::types::{
    Better, CategoryId, Date, IndicatorId, JurisdictionId, Language, NewsSlug, Num, PledgeLocalId,
    Qualifier, ReportId, Status,
};
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, with a trailing slash.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    pub language: Language,
    pub theme: String,
    pub description: Option<String>,
    pub about_tolerance: f64,
}

#[derive(Debug, Clone, Hash)]
pub struct Jurisdiction {
    pub id: JurisdictionId,
    pub name: String,
    pub parent: Option<JurisdictionIx>,
}

#[derive(Debug, Clone, Hash)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub description: Option<String>,
}

/// A Markdown body: the body part of its source file, shared with the loader rather than copied
/// (at 200k news items the copies alone would be hundreds of megabytes). A one-off build does
/// not hold news bodies at all, only where to read them again ([`DiskBody`]).
#[derive(Clone)]
pub struct Body(Held);

#[derive(Clone)]
enum Held {
    File(Arc<SourceFile>),
    Disk(Arc<DiskBody>),
}

impl Body {
    /// The body of `file`: shared with it, or for a body the loader dropped, read again.
    pub fn new(file: Arc<SourceFile>) -> Body {
        match &file.dropped_body {
            Some(d) => Body(Held::Disk(d.disk.clone())),
            None => Body(Held::File(file)),
        }
    }

    /// The Markdown text; an error when a body read again changed since it was checked
    /// ([`DiskBody::read`]).
    pub fn text(&self) -> Result<std::borrow::Cow<'_, str>, crate::diag::Diagnostic> {
        match &self.0 {
            Held::File(f) => Ok(std::borrow::Cow::Borrowed(f.body_text())),
            Held::Disk(d) => Ok(std::borrow::Cow::Owned(d.read()?)),
        }
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match &self.0 {
            Held::File(f) => f.body_text().hash(state),
            Held::Disk(d) => d.hash.hash(state),
        }
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Held::File(file) => file.body_text().fmt(f),
            Held::Disk(d) => write!(f, "<body of {}, read when needed>", d.rel),
        }
    }
}

#[derive(Debug, Hash)]
pub struct Report {
    pub id: ReportId,
    pub jurisdiction: JurisdictionIx,
    pub year: i32,
    pub title: String,
    pub delivered: Date,
    pub speaker: Option<String>,
    pub session: Option<String>,
    pub source: Option<String>,
    pub seed: Option<String>,
    pub body: Body,
    pub index: Arc<TextIndex>,
    /// Its pledges, in the order their quotes appear in the text.
    pub pledges: Vec<PledgeIx>,
}

#[derive(Debug, Clone, Hash)]
pub struct Target {
    pub metric: String,
    pub value: Num,
    pub unit: String,
    pub qualifier: Qualifier,
}

#[derive(Debug, Clone, Hash)]
pub struct HistoryEntry {
    pub date: Date,
    pub status: Status,
    pub value: Option<Num>,
    /// The news item that carries the update; `None` for the starting status of the pledge file.
    pub news: Option<NewsIx>,
    /// Index of the update within that news item.
    pub update: Option<usize>,
    /// The update's evidence quote, shared with it.
    pub quote: Option<Arc<str>>,
}

#[derive(Debug, Hash)]
pub struct Pledge {
    pub report: ReportIx,
    pub id: PledgeLocalId,
    /// `<report-id>/<pledge-id>`.
    pub full_id: String,
    pub text: String,
    pub title: String,
    pub category: CategoryIx,
    pub department: Option<String>,
    pub deadline: Date,
    pub target: Option<Target>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// Where the quote sits in the report's rendered text.
    pub quote_range: Range<usize>,
    pub history: Vec<HistoryEntry>,
    pub status: Status,
    pub value: Option<Num>,
    pub as_of: Option<Date>,
    pub met: Option<bool>,
    pub carried_to: Option<PledgeIx>,
    pub carried_from: Vec<PledgeIx>,
    /// News items that mention or update it, oldest first.
    pub news: Vec<NewsIx>,
}

#[derive(Debug, Clone, Hash)]
pub struct Update {
    pub pledge: PledgeIx,
    pub status: Status,
    pub value: Option<Num>,
    pub as_of: Date,
    pub quote: Option<Arc<str>>,
    pub quote_range: Option<Range<usize>>,
}

#[derive(Debug, Hash)]
pub struct News {
    pub slug: NewsSlug,
    pub title: String,
    pub date: Date,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub seed: Option<String>,
    pub summary: Option<String>,
    pub jurisdictions: Vec<JurisdictionIx>,
    pub updates: Vec<Update>,
    /// Every pledge it mentions or updates, by index, sorted.
    pub pledges: Vec<PledgeIx>,
    pub body: Body,
    /// The first line of the body's rendered text longer than 20 characters, cut after 90 (with
    /// `…`): what lists and feeds show when there is no `summary`. The rendered text itself is
    /// not kept (the search index takes it from the rendering of the news page).
    pub lead: Option<Arc<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceRef {
    Report(ReportIx),
    News(NewsIx),
}

#[derive(Debug, Clone, Hash)]
pub struct IndicatorTarget {
    pub value: Num,
    pub qualifier: Qualifier,
    pub source: Option<SourceRef>,
}

#[derive(Debug, Clone, Hash)]
pub struct IndicatorActual {
    pub value: Num,
    pub as_of: Option<Date>,
    pub source: Option<SourceRef>,
}

#[derive(Debug, Clone)]
pub struct IndicatorYear {
    pub year: i32,
    pub target: Option<IndicatorTarget>,
    pub actual: Option<IndicatorActual>,
    pub provisional: bool,
    pub met: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub jurisdiction: JurisdictionIx,
    pub id: IndicatorId,
    pub name: String,
    pub unit: String,
    pub better: Better,
    pub tolerance: f64,
    /// Ascending by year.
    pub years: Vec<IndicatorYear>,
}

#[derive(Debug, Hash)]
pub struct Page {
    /// Path under `pages/` without `.md` (`about`, `guide/data`); the URL is `/<path>/`.
    pub path: String,
    /// The page's file, as messages name it (`content/pages/about.md`).
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub body: String,
}

/// A whole validated site. Vectors are sorted by id (pledges by full id, news by slug,
/// indicators by jurisdiction then id, pages by path); jurisdictions and categories keep
/// the order of `site.yaml`.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub jurisdictions: Vec<Jurisdiction>,
    pub categories: Vec<Category>,
    pub reports: Vec<Report>,
    pub pledges: Vec<Pledge>,
    pub news: Vec<News>,
    pub indicators: Vec<Indicator>,
    pub pages: Vec<Page>,
    /// The date the data speaks for: the latest report, news or update date in the content.
    /// "Overdue" is judged against it, never against the clock, so builds stay reproducible.
    pub data_date: Option<Date>,
}

/// Where a quantified pledge stands against the calendar (序时进度).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Share of the pledge's time (from Jan 1 of its year to its deadline) elapsed at `as_of`.
    pub time_share: f64,
    /// Share of the target reached by the current value.
    pub target_share: f64,
    pub state: ScheduleState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleState {
    /// 超进度: more than 5 points ahead of the calendar.
    Ahead,
    /// 达进度: within 5 points of it.
    OnSchedule,
    /// 欠进度: more than 5 points behind.
    Behind,
    /// 已完成: the target is reached.
    Done,
}

impl ScheduleState {
    pub fn key(self) -> &'static str {
        match self {
            ScheduleState::Ahead => "ahead",
            ScheduleState::OnSchedule => "on_schedule",
            ScheduleState::Behind => "behind",
            ScheduleState::Done => "done",
        }
    }
}

/// Whether a unit measures a rate (`%`, `个百分点`, `‰`): such targets are not reached bit by bit
/// over the year, so neither a progress bar nor schedule progress means anything for them.
pub fn is_rate(unit: &str) -> bool {
    unit.contains('%') || unit.contains('％') || unit.contains('‰') || unit.contains("百分点")
}

/// Points of difference between time and target shares that still count as on schedule.
pub const SCHEDULE_SLACK: f64 = 0.05;

impl Site {
    /// The heading of the report section that pledge `p`'s quote sits in (found from the quote,
    /// not kept with every pledge).
    pub fn section(&self, p: PledgeIx) -> Option<&crate::markdown::Heading> {
        let pl = &self.pledges[p];
        if pl.quote_range.end == 0 {
            return None;
        }
        self.reports[pl.report]
            .index
            .section_at(pl.quote_range.start)
    }

    /// Schedule progress of a pledge: only for targets to reach (not `at_most` caps) with a
    /// current value dated before the deadline.
    pub fn schedule(&self, p: PledgeIx) -> Option<Schedule> {
        let pl = &self.pledges[p];
        let t = pl.target.as_ref()?;
        let (value, as_of) = (pl.value?, pl.as_of?);
        if t.qualifier == crate::types::Qualifier::AtMost
            || t.value.get() <= 0.0
            || is_rate(&t.unit)
        {
            return None;
        }
        let start = Date::start_of_year(self.reports[pl.report].year)?;
        let span = start.days_until(pl.deadline);
        if span <= 0 {
            return None;
        }
        let time_share = (start.days_until(as_of) as f64 / span as f64).clamp(0.0, 1.0);
        let target_share = (value.get() / t.value.get()).max(0.0);
        let state = if pl.met == Some(true) {
            ScheduleState::Done
        } else if target_share > time_share + SCHEDULE_SLACK {
            ScheduleState::Ahead
        } else if target_share < time_share - SCHEDULE_SLACK {
            ScheduleState::Behind
        } else {
            ScheduleState::OnSchedule
        };
        Some(Schedule {
            time_share,
            target_share,
            state,
        })
    }

    /// Pledges past their deadline at the data date, still unrated, not started or in progress,
    /// and not carried into a later pledge: the silent drops.
    pub fn overdue(&self) -> Vec<PledgeIx> {
        let Some(today) = self.data_date else {
            return Vec::new();
        };
        let mut out: Vec<PledgeIx> = ix::all::<PledgeIx>(self.pledges.len())
            .filter(|&i| {
                let p = &self.pledges[i];
                p.deadline < today
                    && p.carried_to.is_none()
                    && matches!(
                        p.status,
                        Status::Unrated | Status::NotStarted | Status::InProgress
                    )
            })
            .collect();
        out.sort_by_key(|&i| (self.pledges[i].deadline, i));
        out
    }

    /// Follow `carried_to` from `p` to the end of its chain, predecessors first.
    pub fn chain(&self, p: PledgeIx) -> Vec<PledgeIx> {
        let mut back = vec![p];
        let mut cur = p;
        while let Some(&prev) = self.pledges[cur].carried_from.first() {
            if back.contains(&prev) {
                break;
            }
            back.push(prev);
            cur = prev;
        }
        back.reverse();
        let mut cur = p;
        while let Some(next) = self.pledges[cur].carried_to {
            if back.contains(&next) {
                break;
            }
            back.push(next);
            cur = next;
        }
        back
    }
}
