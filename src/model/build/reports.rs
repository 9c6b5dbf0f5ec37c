//! Validation of report files: one [`Report`] per valid file, in id order, with its text index.

use super::{Errors, UniqueIds, check_seed, path, stem_is_id, unknown};
use crate::content::locate::key;
use crate::content::raw::RawReport;
use crate::content::{Doc, Loaded};
use crate::markdown::TextIndex;
use crate::model::{Body, JurisdictionIx, Report, ReportIx};
use crate::types::YEARS;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The reports whose file name is a valid id, sorted by id, each id mapped to its index; their
/// pledge lists are filled by the pledge step.
pub(super) fn reports<'a>(
    e: &mut Errors,
    loaded: &'a Loaded,
    jur_ix: &UniqueIds<&str, JurisdictionIx>,
) -> (Vec<Report>, HashMap<&'a str, ReportIx>) {
    let report_docs = named_docs(e, loaded);
    let indexes: Vec<Arc<TextIndex>> = report_docs
        .par_iter()
        .map(|d| loaded.body_index(d.file))
        .collect();
    let mut reports: Vec<Report> = Vec::new();
    let mut report_ix: HashMap<&str, ReportIx> = HashMap::default();
    for (doc, index) in report_docs.iter().zip(indexes) {
        let r = &doc.raw;
        let jurisdiction = match jur_ix.get(r.jurisdiction.as_str()) {
            Some(j) => j,
            None => {
                e.at(
                    doc.file,
                    &[key("jurisdiction")],
                    unknown(
                        "jurisdiction",
                        r.jurisdiction.as_str(),
                        jur_ix.ids().copied(),
                    ),
                );
                JurisdictionIx::new(0)
            }
        };
        check_fields(e, loaded, doc);
        report_ix.insert(doc.stem.as_str(), ReportIx::new(reports.len()));
        reports.push(Report {
            id: crate::types::ReportId::parse(&doc.stem).expect("stem checked by named_docs"),
            jurisdiction,
            year: r.year,
            title: r.title.clone(),
            delivered: r.delivered,
            speaker: r.speaker.clone(),
            session: r.session.clone(),
            source: r.source.clone(),
            seed: r.seed.clone(),
            body: Body::new(loaded.shared_file(doc.file)),
            index,
            pledges: Vec::new(),
        });
    }
    (reports, report_ix)
}

/// The report files whose name is a valid report id, sorted by it; an error for each other one.
fn named_docs<'a>(e: &mut Errors, loaded: &'a Loaded) -> Vec<&'a Doc<RawReport>> {
    let mut report_docs: Vec<&Doc<_>> = Vec::new();
    for doc in &loaded.reports {
        if !stem_is_id(e, doc, "report id") {
            continue;
        }
        report_docs.push(doc);
    }
    report_docs.sort_by(|a, b| a.stem.cmp(&b.stem));
    report_docs
}

/// Check a report's own fields: its year, delivery date, seed file, title and texts.
fn check_fields(e: &mut Errors, loaded: &Loaded, doc: &Doc<RawReport>) {
    let r = &doc.raw;
    if !YEARS.contains(&r.year) {
        e.at(
            doc.file,
            &[key("year")],
            format!(
                "year {} is out of range ({} to {}): write the four-digit year the report plans",
                r.year,
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
    e.date(doc.file, &[key("delivered")], Some(r.delivered));
    check_seed(e, doc.file, &r.seed, loaded);
    if r.title.trim().is_empty() {
        e.at(
            doc.file,
            &[key("title")],
            "title is empty: give the report its title",
        );
    }
    e.texts(
        doc.file,
        &[
            (path(&[key("title")]), Some(r.title.as_str())),
            (path(&[key("speaker")]), r.speaker.as_deref()),
            (path(&[key("session")]), r.session.as_deref()),
            (path(&[key("source")]), r.source.as_deref()),
        ],
    );
}
