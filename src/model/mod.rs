//! The validated site model: every reference resolved to an index, every computed field filled.

pub mod build;
pub mod met;

pub use build::{BuildOptions, build};

use crate::markdown::TextIndex;
use crate::types::{
    Better, CategoryId, Date, IndicatorId, JurisdictionId, Language, NewsSlug, Num, PledgeLocalId,
    Qualifier, ReportId, Status,
};
use std::ops::Range;

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

#[derive(Debug, Clone)]
pub struct Jurisdiction {
    pub id: JurisdictionId,
    pub name: String,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug)]
pub struct Report {
    pub id: ReportId,
    pub jurisdiction: usize,
    pub year: i32,
    pub title: String,
    pub delivered: Date,
    pub speaker: Option<String>,
    pub session: Option<String>,
    pub source: Option<String>,
    pub seed: Option<String>,
    pub body: String,
    pub index: TextIndex,
    /// Its pledges, in the order their quotes appear in the text.
    pub pledges: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub metric: String,
    pub value: Num,
    pub unit: String,
    pub qualifier: Qualifier,
}

#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub date: Date,
    pub status: Status,
    pub value: Option<Num>,
    /// The news item that carries the update; `None` for the starting status of the pledge file.
    pub news: Option<usize>,
    /// Index of the update within that news item.
    pub update: Option<usize>,
    pub quote: Option<String>,
}

#[derive(Debug)]
pub struct Pledge {
    pub report: usize,
    pub id: PledgeLocalId,
    /// `<report-id>/<pledge-id>`.
    pub full_id: String,
    pub text: String,
    pub title: String,
    pub category: usize,
    pub department: Option<String>,
    pub deadline: Date,
    pub target: Option<Target>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// Where the quote sits in the report's rendered text.
    pub quote_range: Range<usize>,
    pub section: Option<String>,
    pub section_anchor: Option<String>,
    pub history: Vec<HistoryEntry>,
    pub status: Status,
    pub value: Option<Num>,
    pub as_of: Option<Date>,
    pub met: Option<bool>,
    pub carried_to: Option<usize>,
    pub carried_from: Vec<usize>,
    /// News items that mention or update it, oldest first.
    pub news: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Update {
    pub pledge: usize,
    pub status: Status,
    pub value: Option<Num>,
    pub as_of: Date,
    pub quote: Option<String>,
    pub quote_range: Option<Range<usize>>,
}

#[derive(Debug)]
pub struct News {
    pub slug: NewsSlug,
    pub title: String,
    pub date: Date,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub seed: Option<String>,
    pub summary: Option<String>,
    pub jurisdictions: Vec<usize>,
    pub updates: Vec<Update>,
    /// Every pledge it mentions or updates, by index, sorted.
    pub pledges: Vec<usize>,
    pub body: String,
    pub index: TextIndex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRef {
    Report(usize),
    News(usize),
}

#[derive(Debug, Clone)]
pub struct IndicatorTarget {
    pub value: Num,
    pub qualifier: Qualifier,
    pub source: Option<SourceRef>,
}

#[derive(Debug, Clone)]
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
    pub jurisdiction: usize,
    pub id: IndicatorId,
    pub name: String,
    pub unit: String,
    pub better: Better,
    pub tolerance: f64,
    /// Ascending by year.
    pub years: Vec<IndicatorYear>,
}

#[derive(Debug)]
pub struct Page {
    /// Path under `pages/` without `.md` (`about`, `guide/data`); the URL is `/<path>/`.
    pub path: String,
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
}

impl Site {
    /// Follow `carried_to` from `p` to the end of its chain, predecessors first.
    pub fn chain(&self, p: usize) -> Vec<usize> {
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
