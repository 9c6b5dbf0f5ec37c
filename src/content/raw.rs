//! Raw serde mirrors of the editors' YAML, exactly as written; unknown keys are errors.

use crate::types::{
    Better, CategoryId, Date, IndicatorId, JurisdictionId, Language, Num, PledgeLocalId, PledgeRef,
    Qualifier, ReportId, Slug, Status,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub title: String,
    pub base_url: String,
    pub language: Language,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub about_tolerance: Option<Num>,
    #[serde(default)]
    pub jurisdictions: Vec<RawJurisdiction>,
    #[serde(default)]
    pub categories: Vec<RawCategory>,
}

fn default_theme() -> String {
    "default".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJurisdiction {
    pub id: JurisdictionId,
    pub name: String,
    #[serde(default)]
    pub parent: Option<JurisdictionId>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: CategoryId,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Front matter of `content/reports/<id>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub jurisdiction: JurisdictionId,
    pub year: i32,
    pub title: String,
    pub delivered: Date,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub seed: Option<String>,
}

/// `content/pledges/*.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPledgeFile {
    pub report: ReportId,
    #[serde(default)]
    pub pledges: Vec<RawPledge>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPledge {
    pub id: PledgeLocalId,
    pub text: String,
    #[serde(default)]
    pub title: Option<String>,
    pub category: CategoryId,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub deadline: Option<Date>,
    #[serde(default)]
    pub target: Option<RawTarget>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub carried_to: Option<PledgeRef>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    #[serde(default)]
    pub metric: Option<String>,
    pub value: Num,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub qualifier: Qualifier,
}

/// Front matter of `content/news/**/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNews {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub seed: Option<String>,
    /// Extension: a one-line summary for lists and link previews.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub jurisdictions: Vec<JurisdictionId>,
    #[serde(default)]
    pub pledges: Vec<PledgeRef>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate {
    pub pledge: PledgeRef,
    pub status: Status,
    #[serde(default)]
    pub value: Option<Num>,
    #[serde(default)]
    pub as_of: Option<Date>,
    #[serde(default)]
    pub quote: Option<String>,
}

/// `content/indicators/<jurisdiction>.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorFile {
    pub jurisdiction: JurisdictionId,
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub id: IndicatorId,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub better: Better,
    #[serde(default)]
    pub tolerance: Option<Num>,
    #[serde(default)]
    pub years: BTreeMap<i32, RawIndicatorYear>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorYear {
    #[serde(default)]
    pub target: Option<RawIndicatorTarget>,
    #[serde(default)]
    pub actual: Option<RawIndicatorActual>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorTarget {
    pub value: Num,
    #[serde(default)]
    pub qualifier: Qualifier,
    #[serde(default)]
    pub source: Option<Slug>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorActual {
    pub value: Num,
    #[serde(default)]
    pub as_of: Option<Date>,
    #[serde(default)]
    pub source: Option<Slug>,
}

/// Front matter of `content/pages/**/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Order in the navigation (lower first); pages without weight come last, by path.
    #[serde(default)]
    pub weight: Option<i64>,
}
