//! Validation of indicator files: yearly targets and actuals, their sources, and whether met.

use super::{Errors, UniqueIds, path, unknown};
use crate::content::locate::{Seg, idx, key};
use crate::content::raw::{RawIndicator, RawIndicatorYear};
use crate::content::{Doc, FileId, Loaded};
use crate::model::met::{indicator_met, is_provisional};
use crate::model::unparsed::Unloaded;
use crate::model::{
    Indicator, IndicatorActual, IndicatorTarget, IndicatorYear, Jurisdiction, JurisdictionIx,
    NewsIx, ReportIx, SourceRef,
};
use crate::types::{Better, Slug, YEARS};
use rustc_hash::FxHashMap as HashMap;

/// What indicators refer to: jurisdictions, and reports or news items as sources.
pub(super) struct Refs<'r> {
    pub jurisdictions: &'r [Jurisdiction],
    pub jur_ix: &'r UniqueIds<&'r str, JurisdictionIx>,
    pub report_ix: &'r HashMap<&'r str, ReportIx>,
    pub news_ix: &'r HashMap<&'r str, NewsIx>,
    pub unloaded: &'r Unloaded<'r>,
}

/// The indicators sorted by jurisdiction id, then id; an indicator without its own tolerance
/// gets `about_tolerance`.
pub(super) fn indicators(
    e: &mut Errors,
    loaded: &Loaded,
    refs: &Refs,
    about_tolerance: f64,
) -> Vec<Indicator> {
    let mut indicators: Vec<Indicator> = Vec::new();
    let mut ids = UniqueIds::new("indicators");
    let mut ind_files: Vec<&Doc<_>> = loaded.indicators.iter().collect();
    ind_files.sort_by(|a, b| loaded.file(a.file).rel.cmp(&loaded.file(b.file).rel));
    for doc in ind_files {
        let Some(j) = refs.jur_ix.get(doc.raw.jurisdiction.as_str()) else {
            e.at(
                doc.file,
                &[key("jurisdiction")],
                unknown(
                    "jurisdiction",
                    doc.raw.jurisdiction.as_str(),
                    refs.jur_ix.ids().copied(),
                ),
            );
            continue;
        };
        for (i, ind) in doc.raw.indicators.iter().enumerate() {
            if !ids.define(e, (j, ind.id.to_string()), (), doc.file, i, || {
                format!("indicator `{}` for `{}`", ind.id, doc.raw.jurisdiction)
            }) {
                continue;
            }
            indicators.push(indicator(e, refs, doc.file, (i, ind), j, about_tolerance));
        }
    }
    let jurisdictions = refs.jurisdictions;
    indicators.sort_by(|a, b| {
        jurisdictions[a.jurisdiction]
            .id
            .cmp(&jurisdictions[b.jurisdiction].id)
            .then(a.id.cmp(&b.id))
    });
    indicators
}

/// Indicator `i` of a file, for jurisdiction `j`: its fields checked, each year's too.
fn indicator(
    e: &mut Errors,
    refs: &Refs,
    file: FileId,
    (i, ind): (usize, &RawIndicator),
    j: JurisdictionIx,
    about_tolerance: f64,
) -> Indicator {
    let tolerance = check_fields(e, file, i, ind, about_tolerance);
    let years = ind
        .years
        .iter()
        .map(|(&year, y)| {
            let base = [
                key("indicators"),
                idx(i),
                key("years"),
                key(&year.to_string()),
            ];
            indicator_year(e, refs, file, &base, year, y, (ind.better, tolerance))
        })
        .collect();
    Indicator {
        jurisdiction: j,
        id: ind.id.clone(),
        name: ind.name.clone(),
        unit: ind.unit.clone(),
        better: ind.better,
        tolerance,
        years,
    }
}

/// Check indicator `i`'s own fields (tolerance, name, unit) and return its tolerance:
/// its own, or `about_tolerance`.
fn check_fields(
    e: &mut Errors,
    file: FileId,
    i: usize,
    ind: &RawIndicator,
    about_tolerance: f64,
) -> f64 {
    e.num(
        file,
        &[key("indicators"), idx(i), key("tolerance")],
        ind.tolerance,
    );
    e.texts(
        file,
        &[
            (
                path(&[key("indicators"), idx(i), key("name")]),
                Some(ind.name.as_str()),
            ),
            (
                path(&[key("indicators"), idx(i), key("unit")]),
                Some(ind.unit.as_str()),
            ),
        ],
    );
    let tolerance = ind.tolerance.map_or(about_tolerance, |t| t.get());
    if !(0.0..1.0).contains(&tolerance) {
        e.at(
            file,
            &[key("indicators"), idx(i), key("tolerance")],
            "tolerance must be a fraction from 0 to below 1, like 0.05",
        );
    }
    tolerance
}

/// One year of an indicator, at `base` in its file: the year in range, its numbers and date
/// checked, its sources resolved, and whether it was met (`judge` is the indicator's
/// direction and tolerance).
fn indicator_year(
    e: &mut Errors,
    refs: &Refs,
    file: FileId,
    base: &[Seg],
    year: i32,
    y: &RawIndicatorYear,
    judge: (Better, f64),
) -> IndicatorYear {
    let at = |which: &str, k: &str| {
        let mut p = base.to_vec();
        p.extend([key(which), key(k)]);
        p
    };
    check_year(e, file, base, year, y);
    let target = y.target.as_ref().map(|t| IndicatorTarget {
        value: t.value,
        qualifier: t.qualifier,
        source: source(e, refs, file, &at("target", "source"), &t.source),
    });
    let actual = y.actual.as_ref().map(|a| IndicatorActual {
        value: a.value,
        as_of: a.as_of,
        source: source(e, refs, file, &at("actual", "source"), &a.source),
    });
    let provisional = actual
        .as_ref()
        .is_some_and(|a| is_provisional(year, a.as_of));
    let met = indicator_met(
        target.as_ref().map(|t| (t.value, t.qualifier)),
        actual.as_ref().map(|a| a.value),
        provisional,
        judge.0,
        judge.1,
    );
    IndicatorYear {
        year,
        target,
        actual,
        provisional,
        met,
    }
}

/// Check one year's entry at `base`: the year in range, its values and date.
fn check_year(e: &mut Errors, file: FileId, base: &[Seg], year: i32, y: &RawIndicatorYear) {
    if !YEARS.contains(&year) {
        e.at(
            file,
            base,
            format!(
                "year {year} is out of range ({} to {})",
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
    let at = |which: &str, k: &str| {
        let mut p = base.to_vec();
        p.extend([key(which), key(k)]);
        p
    };
    e.num(
        file,
        &at("target", "value"),
        y.target.as_ref().map(|t| t.value),
    );
    e.num(
        file,
        &at("actual", "value"),
        y.actual.as_ref().map(|a| a.value),
    );
    e.date(
        file,
        &at("actual", "as_of"),
        y.actual.as_ref().and_then(|a| a.as_of),
    );
}

/// The report or news item a target or actual names as its `source` (at `place`), or an
/// error there when it names neither.
fn source(
    e: &mut Errors,
    refs: &Refs,
    file: FileId,
    place: &[Seg],
    s: &Option<Slug>,
) -> Option<SourceRef> {
    let s = s.as_ref()?;
    if let Some(&r) = refs.report_ix.get(s.as_str()) {
        Some(SourceRef::Report(r))
    } else if let Some(&n) = refs.news_ix.get(s.as_str()) {
        Some(SourceRef::News(n))
    } else {
        let known = refs.report_ix.keys().chain(refs.news_ix.keys()).copied();
        e.at(
            file,
            place,
            refs.unloaded
                .explain("report or news item", s.as_str(), true)
                .unwrap_or_else(|| unknown("report or news item", s.as_str(), known)),
        );
        None
    }
}
