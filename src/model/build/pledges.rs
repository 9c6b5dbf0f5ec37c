//! Validation of pledge files: ids, fields, verbatim quotes, drafts and carry-over chains.

use super::{Errors, UniqueIds, first_occurrences, nearest, path, short, unknown};
use crate::content::locate::{idx, key};
use crate::content::raw::RawPledge;
use crate::content::{Doc, FileId, Loaded};
use crate::markdown::{explain_missing, normalize_quote};
use crate::model::ix::{self, IterIx, PerIx};
use crate::model::unparsed::Unloaded;
use crate::model::{CategoryIx, HistoryEntry, Pledge, PledgeIx, Report, ReportIx, Target};
use crate::types::{Date, PledgeRef, Status};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// One pledge as written, drafts too, before it is part of the model.
struct PledgeSrc<'a> {
    file: FileId,
    /// Its index in its file's `pledges` list.
    item: usize,
    report: ReportIx,
    raw: &'a RawPledge,
    /// `text` cleaned like the report's body, to match it.
    text: String,
}

/// What references to pledges (`report/id`) resolve against, and the message for one that
/// does not.
pub(super) struct PledgeRefs<'a> {
    /// Full id → index among all pledges written, drafts too.
    ids: UniqueIds<String, usize>,
    /// Index among all pledges written → index in the model (`None`: a draft left out).
    model_ix: Vec<Option<PledgeIx>>,
    /// Where each report's pledge ids are, for messages about an unknown one.
    files_of: BTreeMap<&'a str, BTreeSet<&'a str>>,
    unloaded: &'a Unloaded<'a>,
}

impl PledgeRefs<'_> {
    fn written(&self, r: &PledgeRef) -> Option<usize> {
        self.ids.get(r.to_string().as_str())
    }

    /// The message for a reference that names no pledge.
    fn unknown(&self, r: &PledgeRef) -> String {
        self.unloaded
            .explain("report", r.report.as_str(), false)
            .unwrap_or_else(|| unknown_pledge(r, &self.ids, &self.files_of))
    }

    /// The pledge's index in the model (`Ok(None)` for a draft left out of this build), or the
    /// message for an unknown one.
    pub(super) fn resolve(&self, r: &PledgeRef) -> Result<Option<PledgeIx>, String> {
        self.written(r)
            .map(|a| self.model_ix[a])
            .ok_or_else(|| self.unknown(r))
    }
}

/// The pledges of this build sorted by full id, linked to their reports (whose pledge lists are
/// filled here, in quote order) and to each other by carry-over; news and history come later.
pub(super) fn pledges<'a>(
    e: &mut Errors,
    loaded: &'a Loaded,
    drafts: bool,
    unloaded: &'a Unloaded<'a>,
    reports: &mut [Report],
    report_ix: &HashMap<&str, ReportIx>,
    cat_ix: &UniqueIds<&str, CategoryIx>,
) -> (Vec<Pledge>, PledgeRefs<'a>) {
    let (all, ids) = gather(e, loaded, unloaded, report_ix, cat_ix);
    let quote_at = quotes(e, &all, reports);

    let order = build_order(&all, drafts, reports);
    let mut model_ix: Vec<Option<PledgeIx>> = vec![None; all.len()];
    for (m, &i) in order.iter().enumerate() {
        model_ix[i] = Some(PledgeIx::new(m));
    }
    let mut files_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for doc in &loaded.pledge_files {
        files_of
            .entry(doc.raw.report.as_str())
            .or_default()
            .insert(loaded.file(doc.file).rel.as_str());
    }
    let refs = PledgeRefs {
        ids,
        model_ix,
        files_of,
        unloaded,
    };

    let mut pledges: Vec<Pledge> = order
        .iter()
        .map(|&i| {
            model(
                &all[i],
                &reports[all[i].report],
                quote_at[i].clone(),
                cat_ix,
            )
        })
        .collect();
    carry_over(e, &all, &order, &refs, reports, &mut pledges);
    for (m, p) in pledges.iter_ix() {
        reports[p.report].pledges.push(m);
    }
    for r in reports.iter_mut() {
        r.pledges
            .sort_by_key(|&m| (pledges[m].quote_range.start, m));
    }
    (pledges, refs)
}

/// The pledges written that are part of this build (drafts only with `drafts`), by their
/// position in `all`, in model order: by report id, then pledge id.
fn build_order(all: &[PledgeSrc], drafts: bool, reports: &[Report]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..all.len())
        .filter(|&i| drafts || !all[i].raw.draft)
        .collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&all[a], &all[b]);
        reports[pa.report]
            .id
            .cmp(&reports[pb.report].id)
            .then(pa.raw.id.cmp(&pb.raw.id))
    });
    order
}

/// Every pledge written for a known report, drafts too, in file order, fields checked and
/// duplicates left out, with the full-id map.
fn gather<'a>(
    e: &mut Errors,
    loaded: &'a Loaded,
    unloaded: &Unloaded,
    report_ix: &HashMap<&str, ReportIx>,
    cat_ix: &UniqueIds<&str, CategoryIx>,
) -> (Vec<PledgeSrc<'a>>, UniqueIds<String, usize>) {
    let mut all: Vec<PledgeSrc> = Vec::new();
    let mut ids = UniqueIds::new("pledges");
    let mut pledge_files: Vec<&Doc<_>> = loaded.pledge_files.iter().collect();
    pledge_files.sort_by(|a, b| loaded.file(a.file).rel.cmp(&loaded.file(b.file).rel));
    for doc in pledge_files {
        let Some(&report) = report_ix.get(doc.raw.report.as_str()) else {
            e.at(
                doc.file,
                &[key("report")],
                unloaded
                    .explain("report", doc.raw.report.as_str(), false)
                    .unwrap_or_else(|| {
                        unknown("report", doc.raw.report.as_str(), report_ix.keys().copied())
                    }),
            );
            continue;
        };
        for (i, p) in doc.raw.pledges.iter().enumerate() {
            let full = format!("{}/{}", doc.raw.report, p.id);
            if !ids.define(e, full, all.len(), doc.file, i, || {
                format!("pledge id `{}` in report `{}`", p.id, doc.raw.report)
            }) {
                continue;
            }
            let text = check_pledge(e, doc.file, i, p, cat_ix);
            all.push(PledgeSrc {
                file: doc.file,
                item: i,
                report,
                raw: p,
                text,
            });
        }
    }
    (all, ids)
}

/// Check pledge `i` of a pledge file: its category, texts, deadline and target; return its
/// `text` cleaned like the report's body, to match it.
fn check_pledge(
    e: &mut Errors,
    file: FileId,
    i: usize,
    p: &RawPledge,
    cat_ix: &UniqueIds<&str, CategoryIx>,
) -> String {
    let here = |k: &str| path(&[key("pledges"), idx(i), key(k)]);
    if cat_ix.get(p.category.as_str()).is_none() {
        e.at(
            file,
            &here("category"),
            unknown("category", p.category.as_str(), cat_ix.ids().copied()),
        );
    }
    // `text` is a quote: cleaned like the report's body, to match it.
    let mut texts = vec![
        (here("title"), p.title.as_deref()),
        (here("department"), p.department.as_deref()),
    ];
    if let Some(t) = &p.target {
        let at = |k: &str| path(&[key("pledges"), idx(i), key("target"), key(k)]);
        texts.push((at("metric"), t.metric.as_deref()));
        texts.push((at("unit"), Some(t.unit.as_str())));
    }
    for (j, tag) in p.tags.iter().enumerate() {
        texts.push((
            path(&[key("pledges"), idx(i), key("tags"), idx(j)]),
            Some(tag.as_str()),
        ));
    }
    e.texts(file, &texts);
    let text = normalize_quote(&p.text);
    if text.is_empty() {
        e.at(
            file,
            &here("text"),
            "text is empty: quote the pledge verbatim from the report",
        );
    }
    e.date(file, &here("deadline"), p.deadline);
    e.num(
        file,
        &[key("pledges"), idx(i), key("target"), key("value")],
        p.target.as_ref().map(|t| t.value),
    );
    if let Some(t) = &p.target
        && t.unit.contains('\n')
    {
        e.at(
            file,
            &[key("pledges"), idx(i), key("target"), key("unit")],
            "unit must be one line",
        );
    }
    text
}

/// Where each pledge's quote is in its report's text (`None` when empty or not found, the
/// latter reported): one automaton per report over all its pledge texts.
fn quotes(e: &mut Errors, all: &[PledgeSrc], reports: &[Report]) -> Vec<Option<Range<usize>>> {
    let mut by_report: PerIx<ReportIx, Vec<usize>> = PerIx::filled(reports.len(), Vec::new());
    for (i, p) in all.iter().enumerate() {
        if !p.text.is_empty() {
            by_report[p.report].push(i);
        }
    }
    let found: Vec<Vec<Option<usize>>> = by_report
        .as_slice()
        .par_iter()
        .zip(reports)
        .map(|(members, report)| {
            let texts: Vec<&str> = members.iter().map(|&i| all[i].text.as_str()).collect();
            first_occurrences(&report.index.text, &texts)
        })
        .collect();
    let mut quote_at: Vec<Option<Range<usize>>> = vec![None; all.len()];
    for ((members, found), report) in by_report.values().zip(&found).zip(reports) {
        for (&i, &found) in members.iter().zip(found) {
            match found {
                Some(start) => quote_at[i] = Some(start..start + all[i].text.len()),
                None => {
                    let p = &all[i];
                    let hint = explain_missing(&report.index.text, &p.text);
                    e.at(
                        p.file,
                        &[key("pledges"), idx(p.item), key("text")],
                        format!(
                            "text does not occur in report `{}`: «{}» ({hint})",
                            report.id,
                            short(&p.text)
                        ),
                    );
                }
            }
        }
    }
    quote_at
}

/// The model pledge of `p`, in `report`: defaults filled, its status from the file as the first
/// history entry, nothing linked yet.
fn model(
    p: &PledgeSrc,
    report: &Report,
    quote_at: Option<Range<usize>>,
    cat_ix: &UniqueIds<&str, CategoryIx>,
) -> Pledge {
    let deadline = p
        .raw
        .deadline
        .or_else(|| Date::end_of_year(report.year))
        .unwrap_or(report.delivered);
    let mut history = Vec::new();
    if let Some(s) = p.raw.status {
        history.push(HistoryEntry {
            date: report.delivered,
            status: s,
            value: None,
            news: None,
            update: None,
            quote: None,
        });
    }
    Pledge {
        report: p.report,
        id: p.raw.id.clone(),
        full_id: format!("{}/{}", report.id, p.raw.id),
        text: p.text.clone(),
        title: p
            .raw
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| p.text.clone()),
        category: cat_ix
            .get(p.raw.category.as_str())
            .unwrap_or(CategoryIx::new(0)),
        department: p.raw.department.clone(),
        deadline,
        target: target(p),
        tags: p.raw.tags.clone(),
        draft: p.raw.draft,
        quote_range: quote_at.unwrap_or(0..0),
        history,
        status: Status::Unrated,
        value: None,
        as_of: None,
        met: None,
        carried_to: None,
        carried_from: Vec::new(),
        news: Vec::new(),
    }
}

/// The pledge's target; its metric defaults to the pledge's title, else its text.
fn target(p: &PledgeSrc) -> Option<Target> {
    p.raw.target.as_ref().map(|t| Target {
        metric: t
            .metric
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| p.raw.title.clone().unwrap_or_else(|| p.text.clone())),
        value: t.value,
        unit: t.unit.clone(),
        qualifier: t.qualifier,
    })
}

/// `carried_to` of every pledge written: an existing pledge of a later year's report; the links
/// both ways between pledges of this build, and a check that every chain ends.
fn carry_over(
    e: &mut Errors,
    all: &[PledgeSrc],
    order: &[usize],
    refs: &PledgeRefs,
    reports: &[Report],
    pledges: &mut [Pledge],
) {
    for (i, p) in all.iter().enumerate() {
        let Some(to) = &p.raw.carried_to else {
            continue;
        };
        let at = [key("pledges"), idx(p.item), key("carried_to")];
        match refs.written(to) {
            None => e.at(p.file, &at, refs.unknown(to)),
            Some(j) => {
                let (ya, yb) = (reports[p.report].year, reports[all[j].report].year);
                if yb <= ya {
                    e.at(p.file, &at, format!("carried_to must name a pledge of a later year's report: `{to}` is in a {yb} report, this pledge in a {ya} one"));
                } else if let (Some(a), Some(b)) = (refs.model_ix[i], refs.model_ix[j]) {
                    pledges[a].carried_to = Some(b);
                    pledges[b].carried_from.push(a);
                }
            }
        }
    }
    // Cycles cannot survive the later-year rule, but check anyway: a chain must end.
    for start in ix::all::<PledgeIx>(pledges.len()) {
        let mut steps = 0;
        let mut cur = start;
        while let Some(n) = pledges[cur].carried_to {
            steps += 1;
            cur = n;
            if cur == start || steps > pledges.len() {
                let p = &all[order[start.get()]];
                e.at(
                    p.file,
                    &[key("pledges"), idx(p.item), key("carried_to")],
                    "carried_to forms a cycle",
                );
                break;
            }
        }
    }
    for p in pledges.iter_mut() {
        p.carried_from.sort_unstable();
    }
}

fn unknown_pledge(
    r: &PledgeRef,
    ids: &UniqueIds<String, usize>,
    files_of: &BTreeMap<&str, BTreeSet<&str>>,
) -> String {
    let wanted = r.to_string();
    let prefix = format!("{}/", r.report);
    let same_report: Vec<&str> = ids
        .ids()
        .filter(|k| k.starts_with(&prefix))
        .map(String::as_str)
        .collect();
    if !same_report.is_empty() {
        let mut msg = unknown("pledge", &wanted, same_report.into_iter());
        // Without a likely typo, say where to look the id up.
        if !msg.contains("did you mean")
            && let Some(files) = files_of.get(r.report.as_str())
        {
            msg.push_str(&format!(
                "; the pledge ids of report `{}` are in {}",
                r.report,
                files.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        return msg;
    }
    let reports: std::collections::BTreeSet<&str> =
        ids.ids().filter_map(|k| k.split('/').next()).collect();
    let mut msg = format!(
        "unknown pledge `{wanted}`: report `{}` has no pledges",
        r.report
    );
    if let Some(b) = nearest(r.report.as_str(), &reports.into_iter().collect::<Vec<_>>()) {
        msg.push_str(&format!("; did you mean report `{b}`?"));
    }
    msg
}
