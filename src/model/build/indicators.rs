//! Validation of indicator files: yearly targets and actuals, their sources, and whether met.

use super::{Errors, UniqueIds, path, unknown};
use crate::content::locate::{idx, key};
use crate::content::{Doc, Loaded};
use crate::model::met::{indicator_met, is_provisional};
use crate::model::unparsed::Unloaded;
use crate::model::{
    Indicator, IndicatorActual, IndicatorTarget, IndicatorYear, Jurisdiction, SourceRef,
};
use crate::types::YEARS;
use rustc_hash::FxHashMap as HashMap;

/// What indicators refer to: jurisdictions, and reports or news items as sources.
pub(super) struct Refs<'r> {
    pub jurisdictions: &'r [Jurisdiction],
    pub jur_ix: &'r UniqueIds<&'r str, usize>,
    pub report_ix: &'r HashMap<&'r str, usize>,
    pub news_ix: &'r HashMap<&'r str, usize>,
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
    let Refs {
        jurisdictions,
        jur_ix,
        report_ix,
        news_ix,
        unloaded,
    } = refs;
    let mut indicators: Vec<Indicator> = Vec::new();
    let mut ids = UniqueIds::new("indicators");
    let mut ind_files: Vec<&Doc<_>> = loaded.indicators.iter().collect();
    ind_files.sort_by(|a, b| loaded.file(a.file).rel.cmp(&loaded.file(b.file).rel));
    for doc in ind_files {
        let Some(j) = jur_ix.get(doc.raw.jurisdiction.as_str()) else {
            e.at(
                doc.file,
                &[key("jurisdiction")],
                unknown(
                    "jurisdiction",
                    doc.raw.jurisdiction.as_str(),
                    jur_ix.ids().copied(),
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
            e.num(
                doc.file,
                &[key("indicators"), idx(i), key("tolerance")],
                ind.tolerance,
            );
            e.texts(
                doc.file,
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
                    doc.file,
                    &[key("indicators"), idx(i), key("tolerance")],
                    "tolerance must be a fraction from 0 to below 1, like 0.05",
                );
            }
            let mut years = Vec::new();
            for (&year, y) in &ind.years {
                let ys = year.to_string();
                let base = [key("indicators"), idx(i), key("years"), key(&ys)];
                if !YEARS.contains(&year) {
                    e.at(
                        doc.file,
                        &base,
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
                    doc.file,
                    &at("target", "value"),
                    y.target.as_ref().map(|t| t.value),
                );
                e.num(
                    doc.file,
                    &at("actual", "value"),
                    y.actual.as_ref().map(|a| a.value),
                );
                e.date(
                    doc.file,
                    &at("actual", "as_of"),
                    y.actual.as_ref().and_then(|a| a.as_of),
                );
                let mut source =
                    |s: &Option<crate::types::Slug>, which: &str| -> Option<SourceRef> {
                        let s = s.as_ref()?;
                        if let Some(&r) = report_ix.get(s.as_str()) {
                            Some(SourceRef::Report(r))
                        } else if let Some(&n) = news_ix.get(s.as_str()) {
                            Some(SourceRef::News(n))
                        } else {
                            let mut p = base.to_vec();
                            p.push(key(which));
                            p.push(key("source"));
                            let known = report_ix.keys().chain(news_ix.keys()).copied();
                            e.at(
                                doc.file,
                                &p,
                                unloaded
                                    .explain("report or news item", s.as_str(), true)
                                    .unwrap_or_else(|| {
                                        unknown("report or news item", s.as_str(), known)
                                    }),
                            );
                            None
                        }
                    };
                let target = y.target.as_ref().map(|t| IndicatorTarget {
                    value: t.value,
                    qualifier: t.qualifier,
                    source: source(&t.source, "target"),
                });
                let actual = y.actual.as_ref().map(|a| IndicatorActual {
                    value: a.value,
                    as_of: a.as_of,
                    source: source(&a.source, "actual"),
                });
                let provisional = actual
                    .as_ref()
                    .is_some_and(|a| is_provisional(year, a.as_of));
                let met = indicator_met(
                    target.as_ref().map(|t| (t.value, t.qualifier)),
                    actual.as_ref().map(|a| a.value),
                    provisional,
                    ind.better,
                    tolerance,
                );
                years.push(IndicatorYear {
                    year,
                    target,
                    actual,
                    provisional,
                    met,
                });
            }
            indicators.push(Indicator {
                jurisdiction: j,
                id: ind.id.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                better: ind.better,
                tolerance,
                years,
            });
        }
    }
    indicators.sort_by(|a, b| {
        jurisdictions[a.jurisdiction]
            .id
            .cmp(&jurisdictions[b.jurisdiction].id)
            .then(a.id.cmp(&b.id))
    });
    indicators
}
