//! Validation: raw structs checked against each other and turned into the [`Site`] model.
//!
//! Every rule of the content contract (docs/content-model.md §2–§7) is checked here and every
//! failure is collected, so one run reports all errors.

use super::met::{indicator_met, is_provisional, pledge_met};
use super::*;
use crate::content::locate::{Seg, idx, key};
use crate::content::raw::{RawNews, RawPledge};
use crate::content::{Doc, FileId, Loaded, NewsText, SourceFile};
use crate::diag::Diagnostic;
use crate::markdown::{clean_controls, explain_missing, is_unshown, normalize_quote};
use crate::types::{MAX_ID_LEN, PledgeRef, YEARS, has_id_shape, is_valid_id};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// Choices that change what a build includes.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pledges marked `draft: true`.
    pub drafts: bool,
    /// Replace `base_url` (used by `serve`).
    pub base_url: Option<String>,
}

struct Errors<'a> {
    loaded: &'a Loaded,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn at(&mut self, file: FileId, path: &[Seg], msg: impl Into<String>) {
        let d = self.loaded.file(file).error_at(path, msg);
        self.list.push(d);
    }
    fn top(&mut self, file: FileId, msg: impl Into<String>) {
        let d = self.loaded.file(file).error_at_top(msg);
        self.list.push(d);
    }
    /// An error at `path` unless `d` is a plausible date ([`Date::plausible`]).
    fn date(&mut self, file: FileId, path: &[Seg], d: Option<Date>) {
        if let Some(Err(msg)) = d.map(Date::plausible) {
            self.at(file, path, msg);
        }
    }
    /// An error at `path` unless `n` is a number kept exactly ([`Num::exact`]).
    fn num(&mut self, file: FileId, path: &[Seg], n: Option<Num>) {
        if let Some(Err(msg)) = n.map(Num::exact) {
            self.at(file, path, msg);
        }
    }
    /// An error at each of the `texts` (path, value) that holds a control character.
    fn texts(&mut self, file: FileId, texts: &[(Vec<Seg>, Option<&str>)]) {
        for (path, text) in texts {
            let field = path.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            if let Some(msg) = text.and_then(|t| control_problem(field.unwrap_or("text"), t)) {
                self.at(file, path, msg);
            }
        }
    }
    fn place(&self, file: FileId, path: &[Seg]) -> String {
        let d = self.loaded.file(file).error_at(path, "");
        format!("{}:{}:{}", d.path, d.line, d.col)
    }
}

fn path(segs: &[Seg]) -> Vec<Seg> {
    segs.to_vec()
}

/// Check everything `loaded` holds and build the site model, or return every error found;
/// warnings (content left out of this build) are added to `warnings` either way.
pub fn build(
    loaded: &Loaded,
    opts: &BuildOptions,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut e = Errors {
        loaded,
        list: Vec::new(),
    };
    let Some(site_doc) = &loaded.site else {
        return Err(e.list);
    };
    let sf = site_doc.file;
    let raw = &site_doc.raw;
    // Report and news files that did not load: references to them say so.
    let unloaded = super::unparsed::unloaded(loaded);

    // ---- site.yaml
    let base_url_in = opts
        .base_url
        .clone()
        .unwrap_or_else(|| raw.base_url.clone());
    let (base_url, base_path) = match parse_base_url(&base_url_in) {
        Ok(v) => v,
        Err(msg) => {
            e.at(sf, &[key("base_url")], format!("base_url {msg}"));
            ("/".to_string(), "/".to_string())
        }
    };
    e.num(sf, &[key("about_tolerance")], raw.about_tolerance);
    let about_tolerance = raw.about_tolerance.map_or(0.05, |n| n.get());
    if !(0.0..1.0).contains(&about_tolerance) {
        e.at(
            sf,
            &[key("about_tolerance")],
            "about_tolerance must be a fraction from 0 to below 1, like 0.05",
        );
    }
    if !is_valid_id(&raw.theme) {
        e.at(
            sf,
            &[key("theme")],
            format!(
                "invalid theme name `{}`: use the name of a folder in themes/",
                raw.theme
            ),
        );
    }
    if raw.title.trim().is_empty() {
        e.at(
            sf,
            &[key("title")],
            "title is empty: give the portal a name",
        );
    }
    let mut texts = vec![
        (path(&[key("title")]), Some(raw.title.as_str())),
        (path(&[key("description")]), raw.description.as_deref()),
    ];
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        texts.push((
            path(&[key("jurisdictions"), idx(i), key("name")]),
            Some(j.name.as_str()),
        ));
    }
    for (i, c) in raw.categories.iter().enumerate() {
        let at = |k: &str| path(&[key("categories"), idx(i), key(k)]);
        texts.push((at("name"), Some(c.name.as_str())));
        texts.push((at("description"), c.description.as_deref()));
    }
    e.texts(sf, &texts);
    let config = SiteConfig {
        title: raw.title.clone(),
        base_url,
        base_path,
        language: raw.language,
        theme: raw.theme.clone(),
        description: raw.description.clone(),
        about_tolerance,
    };

    let mut jur_ix: HashMap<&str, usize> = HashMap::default();
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        if let Some(&first) = jur_ix.get(j.id.as_str()) {
            let place = e.place(sf, &[key("jurisdictions"), idx(first), key("id")]);
            e.at(
                sf,
                &[key("jurisdictions"), idx(i), key("id")],
                format!(
                    "duplicate jurisdiction id `{}`: also defined at {place}",
                    j.id
                ),
            );
        } else {
            jur_ix.insert(j.id.as_str(), i);
        }
    }
    let mut jurisdictions: Vec<Jurisdiction> = Vec::new();
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        let parent = match &j.parent {
            None => None,
            Some(p) if p == &j.id => {
                e.at(
                    sf,
                    &[key("jurisdictions"), idx(i), key("parent")],
                    format!("jurisdiction `{}` cannot be its own parent", j.id),
                );
                None
            }
            Some(p) => match jur_ix.get(p.as_str()) {
                Some(&pi) => Some(pi),
                None => {
                    e.at(
                        sf,
                        &[key("jurisdictions"), idx(i), key("parent")],
                        unknown("jurisdiction", p.as_str(), jur_ix.keys().copied()),
                    );
                    None
                }
            },
        };
        jurisdictions.push(Jurisdiction {
            id: j.id.clone(),
            name: j.name.clone(),
            parent,
        });
    }
    // Parent cycles (a → b → a).
    for start in 0..jurisdictions.len() {
        let mut seen = vec![start];
        let mut cur = start;
        while let Some(p) = jurisdictions[cur].parent {
            if p == start {
                e.at(
                    sf,
                    &[key("jurisdictions"), idx(start), key("parent")],
                    format!(
                        "jurisdiction parents form a cycle through `{}`",
                        jurisdictions[start].id
                    ),
                );
                break;
            }
            if seen.contains(&p) {
                break;
            }
            seen.push(p);
            cur = p;
        }
    }

    let mut cat_ix: HashMap<&str, usize> = HashMap::default();
    let mut categories = Vec::new();
    for (i, c) in raw.categories.iter().enumerate() {
        if let Some(&first) = cat_ix.get(c.id.as_str()) {
            let place = e.place(sf, &[key("categories"), idx(first), key("id")]);
            e.at(
                sf,
                &[key("categories"), idx(i), key("id")],
                format!("duplicate category id `{}`: also defined at {place}", c.id),
            );
            continue;
        }
        cat_ix.insert(c.id.as_str(), categories.len());
        categories.push(Category {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
        });
    }

    // ---- reports
    let mut report_docs: Vec<&Doc<_>> = Vec::new();
    for doc in &loaded.reports {
        if let Some(why) = stem_problem(&doc.stem) {
            e.top(
                doc.file,
                format!(
                    "file name `{}.md` is not a valid report id: {why}",
                    shown_stem(&doc.stem)
                ),
            );
            continue;
        }
        report_docs.push(doc);
    }
    report_docs.sort_by(|a, b| a.stem.cmp(&b.stem));
    let indexes: Vec<Arc<TextIndex>> = report_docs
        .par_iter()
        .map(|d| loaded.body_index(d.file))
        .collect();
    let mut reports: Vec<Report> = Vec::new();
    let mut report_ix: HashMap<&str, usize> = HashMap::default();
    for (doc, index) in report_docs.iter().zip(indexes) {
        let r = &doc.raw;
        let jurisdiction = match jur_ix.get(r.jurisdiction.as_str()) {
            Some(&j) => j,
            None => {
                e.at(
                    doc.file,
                    &[key("jurisdiction")],
                    unknown(
                        "jurisdiction",
                        r.jurisdiction.as_str(),
                        jur_ix.keys().copied(),
                    ),
                );
                0
            }
        };
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
        check_seed(&mut e, doc.file, &r.seed, loaded);
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
        report_ix.insert(doc.stem.as_str(), reports.len());
        reports.push(Report {
            id: crate::types::ReportId::parse(&doc.stem).expect("stem checked above"),
            jurisdiction,
            year: r.year,
            title: r.title.clone(),
            delivered: r.delivered,
            speaker: r.speaker.clone(),
            session: r.session.clone(),
            source: r.source.clone(),
            seed: r.seed.clone(),
            body: super::Body::new(loaded.shared_file(doc.file)),
            index,
            pledges: Vec::new(),
        });
    }

    // ---- pledges: gather all (drafts too), check ids, fields and quotes
    struct PledgeSrc<'a> {
        file: FileId,
        item: usize,
        report: usize,
        raw: &'a RawPledge,
        text: String,
    }
    let mut all: Vec<PledgeSrc> = Vec::new();
    let mut full_ix: HashMap<String, usize> = HashMap::default();
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
            let here = |k: &str| path(&[key("pledges"), idx(i), key(k)]);
            let full = format!("{}/{}", doc.raw.report, p.id);
            if let Some(&first) = full_ix.get(&full) {
                let f = &all[first];
                let place = e.place(f.file, &[key("pledges"), idx(f.item), key("id")]);
                e.at(
                    doc.file,
                    &here("id"),
                    format!(
                        "duplicate pledge id `{}` in report `{}`: also defined at {place}",
                        p.id, doc.raw.report
                    ),
                );
                continue;
            }
            if !cat_ix.contains_key(p.category.as_str()) {
                e.at(
                    doc.file,
                    &here("category"),
                    unknown("category", p.category.as_str(), cat_ix.keys().copied()),
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
            e.texts(doc.file, &texts);
            let text = normalize_quote(&p.text);
            if text.is_empty() {
                e.at(
                    doc.file,
                    &here("text"),
                    "text is empty: quote the pledge verbatim from the report",
                );
            }
            e.date(doc.file, &here("deadline"), p.deadline);
            e.num(
                doc.file,
                &[key("pledges"), idx(i), key("target"), key("value")],
                p.target.as_ref().map(|t| t.value),
            );
            if let Some(t) = &p.target
                && t.unit.contains('\n')
            {
                e.at(
                    doc.file,
                    &[key("pledges"), idx(i), key("target"), key("unit")],
                    "unit must be one line",
                );
            }
            full_ix.insert(full, all.len());
            all.push(PledgeSrc {
                file: doc.file,
                item: i,
                report,
                raw: p,
                text,
            });
        }
    }
    // Quotes: one automaton per report over all its pledge texts.
    let mut by_report: Vec<Vec<usize>> = vec![Vec::new(); reports.len()];
    for (i, p) in all.iter().enumerate() {
        if !p.text.is_empty() {
            by_report[p.report].push(i);
        }
    }
    let found: Vec<Vec<Option<usize>>> = by_report
        .par_iter()
        .enumerate()
        .map(|(r, members)| {
            let texts: Vec<&str> = members.iter().map(|&i| all[i].text.as_str()).collect();
            first_occurrences(&reports[r].index.text, &texts)
        })
        .collect();
    let mut quote_at: Vec<Option<Range<usize>>> = vec![None; all.len()];
    for (r, members) in by_report.iter().enumerate() {
        for (k, &i) in members.iter().enumerate() {
            match found[r][k] {
                Some(start) => quote_at[i] = Some(start..start + all[i].text.len()),
                None => {
                    let p = &all[i];
                    let hint = explain_missing(&reports[r].index.text, &p.text);
                    e.at(
                        p.file,
                        &[key("pledges"), idx(p.item), key("text")],
                        format!(
                            "text does not occur in report `{}`: «{}» ({hint})",
                            reports[r].id,
                            short(&p.text)
                        ),
                    );
                }
            }
        }
    }

    // Which pledges are part of this build.
    let included: Vec<bool> = all.iter().map(|p| opts.drafts || !p.raw.draft).collect();
    let mut model_ix: Vec<Option<usize>> = vec![None; all.len()];
    let mut order: Vec<usize> = (0..all.len()).filter(|&i| included[i]).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&all[a], &all[b]);
        reports[pa.report]
            .id
            .cmp(&reports[pb.report].id)
            .then(pa.raw.id.cmp(&pb.raw.id))
    });
    for (m, &i) in order.iter().enumerate() {
        model_ix[i] = Some(m);
    }
    let lookup = |r: &PledgeRef| -> Option<usize> { full_ix.get(&r.to_string()).copied() };
    // Where each report's pledge ids are, for messages about an unknown one.
    let mut pledge_files_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for doc in &loaded.pledge_files {
        pledge_files_of
            .entry(doc.raw.report.as_str())
            .or_default()
            .insert(loaded.file(doc.file).rel.as_str());
    }
    let unknown_pledge = |r: &PledgeRef| {
        unloaded
            .explain("report", r.report.as_str(), false)
            .unwrap_or_else(|| unknown_pledge(r, &full_ix, &pledge_files_of))
    };

    let mut pledges: Vec<Pledge> = Vec::with_capacity(order.len());
    for &i in &order {
        let p = &all[i];
        let report = &reports[p.report];
        let deadline = p
            .raw
            .deadline
            .or_else(|| Date::end_of_year(report.year))
            .unwrap_or(report.delivered);
        let quote_range = quote_at[i].clone().unwrap_or(0..0);
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
        pledges.push(Pledge {
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
            category: cat_ix.get(p.raw.category.as_str()).copied().unwrap_or(0),
            department: p.raw.department.clone(),
            deadline,
            target: p.raw.target.as_ref().map(|t| Target {
                metric: t
                    .metric
                    .clone()
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| p.raw.title.clone().unwrap_or_else(|| p.text.clone())),
                value: t.value,
                unit: t.unit.clone(),
                qualifier: t.qualifier,
            }),
            tags: p.raw.tags.clone(),
            draft: p.raw.draft,
            quote_range,
            history,
            status: Status::Unrated,
            value: None,
            as_of: None,
            met: None,
            carried_to: None,
            carried_from: Vec::new(),
            news: Vec::new(),
        });
    }
    // carried_to: an existing pledge of a later year's report.
    for (i, p) in all.iter().enumerate() {
        let Some(to) = &p.raw.carried_to else {
            continue;
        };
        let at = [key("pledges"), idx(p.item), key("carried_to")];
        match lookup(to) {
            None => e.at(p.file, &at, unknown_pledge(to)),
            Some(j) => {
                let (ya, yb) = (reports[p.report].year, reports[all[j].report].year);
                if yb <= ya {
                    e.at(p.file, &at, format!("carried_to must name a pledge of a later year's report: `{to}` is in a {yb} report, this pledge in a {ya} one"));
                } else if let (Some(a), Some(b)) = (model_ix[i], model_ix[j]) {
                    pledges[a].carried_to = Some(b);
                    pledges[b].carried_from.push(a);
                }
            }
        }
    }
    // Cycles cannot survive the later-year rule, but check anyway: a chain must end.
    for start in 0..pledges.len() {
        let mut steps = 0;
        let mut cur = start;
        while let Some(n) = pledges[cur].carried_to {
            steps += 1;
            cur = n;
            if cur == start || steps > pledges.len() {
                let p = &all[order[start]];
                e.at(
                    p.file,
                    &[key("pledges"), idx(p.item), key("carried_to")],
                    "carried_to forms a cycle",
                );
                break;
            }
        }
    }
    for p in &mut pledges {
        p.carried_from.sort_unstable();
    }
    for (m, p) in pledges.iter().enumerate() {
        reports[p.report].pledges.push(m);
    }
    for r in &mut reports {
        r.pledges
            .sort_by_key(|&m| (pledges[m].quote_range.start, m));
    }

    // ---- news
    // Duplicates are still checked for their own errors, but only the first is kept.
    let mut news_docs: Vec<(&Doc<_>, bool)> = Vec::new();
    let mut slug_seen: HashMap<&str, FileId> = HashMap::default();
    for doc in &loaded.news {
        if let Some(why) = stem_problem(&doc.stem) {
            e.top(
                doc.file,
                format!(
                    "file name `{}.md` is not a valid news slug: {why}",
                    shown_stem(&doc.stem)
                ),
            );
            continue;
        }
        if let Some(&first) = slug_seen.get(doc.stem.as_str()) {
            let other = loaded.file(first).rel.clone();
            e.top(
                doc.file,
                format!("duplicate news slug `{}`: also used by {other}", doc.stem),
            );
            news_docs.push((doc, false));
            continue;
        }
        slug_seen.insert(doc.stem.as_str(), doc.file);
        news_docs.push((doc, true));
    }
    news_docs.sort_by(|a, b| a.0.stem.cmp(&b.0.stem).then(b.1.cmp(&a.1)));
    // What validation and the pages need of each body's rendered text: found by the loader
    // when it dropped the body (one-off builds), else now, in parallel; the rendered text
    // itself is dropped right after, unless the loader keeps it with its file (`serve`).
    let news_text: Vec<NewsText> = news_docs
        .par_iter()
        .map(|(d, _)| {
            loaded
                .file(d.file)
                .news_text(&d.raw, || loaded.body_index(d.file))
        })
        .collect();
    // Sized once: a vector grown by doubling holds up to twice the items' size (and both
    // copies while it moves), and the news items are the largest part of the model.
    let mut news: Vec<News> = Vec::with_capacity(news_docs.len());
    let mut news_ix: HashMap<&str, usize> = HashMap::default();
    let jurisdiction = |j: &str| -> Result<usize, String> {
        jur_ix
            .get(j)
            .copied()
            .ok_or_else(|| unknown("jurisdiction", j, jur_ix.keys().copied()))
    };
    let pledge = |r: &PledgeRef| -> Result<Option<usize>, String> {
        lookup(r)
            .map(|a| model_ix[a])
            .ok_or_else(|| unknown_pledge(r))
    };
    for ((doc, keep), text) in news_docs.iter().zip(news_text) {
        let n = news.len();
        let item = news_item(
            NewsSource {
                file: loaded.shared_file(doc.file),
                stem: &doc.stem,
                raw: &doc.raw,
                text,
                seeds: &loaded.seeds,
            },
            *keep,
            &jurisdiction,
            &pledge,
            &mut e.list,
            warnings,
        );
        if let Some(item) = item {
            news_ix.insert(doc.stem.as_str(), n);
            news.push(item);
        }
    }

    // ---- history, current state, back-links
    let mut entries: Vec<Vec<EntryKey>> = vec![Vec::new(); pledges.len()];
    for (n, item) in news.iter().enumerate() {
        for (u, up) in item.updates.iter().enumerate() {
            entries[up.pledge].push((up.as_of, item.date, item.slug.as_str(), u, n));
        }
        for &p in &item.pledges {
            pledges[p].news.push(n);
        }
    }
    for (p, list) in entries.into_iter().enumerate() {
        push_history(&mut pledges[p].history, list, &news);
    }
    for p in &mut pledges {
        settle(p, &news, config.about_tolerance);
    }

    // ---- indicators
    let mut indicators: Vec<Indicator> = Vec::new();
    let mut ind_seen: HashMap<(usize, String), (FileId, usize)> = HashMap::default();
    let mut ind_files: Vec<&Doc<_>> = loaded.indicators.iter().collect();
    ind_files.sort_by(|a, b| loaded.file(a.file).rel.cmp(&loaded.file(b.file).rel));
    for doc in ind_files {
        let Some(&j) = jur_ix.get(doc.raw.jurisdiction.as_str()) else {
            e.at(
                doc.file,
                &[key("jurisdiction")],
                unknown(
                    "jurisdiction",
                    doc.raw.jurisdiction.as_str(),
                    jur_ix.keys().copied(),
                ),
            );
            continue;
        };
        for (i, ind) in doc.raw.indicators.iter().enumerate() {
            let k = (j, ind.id.to_string());
            if let Some(&(f, item)) = ind_seen.get(&k) {
                let place = e.place(f, &[key("indicators"), idx(item), key("id")]);
                e.at(
                    doc.file,
                    &[key("indicators"), idx(i), key("id")],
                    format!(
                        "duplicate indicator `{}` for `{}`: also defined at {place}",
                        ind.id, doc.raw.jurisdiction
                    ),
                );
                continue;
            }
            ind_seen.insert(k, (doc.file, i));
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
            let tolerance = ind.tolerance.map_or(config.about_tolerance, |t| t.get());
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

    // ---- free pages
    let mut pages = Vec::new();
    let mut page_seen: BTreeMap<String, FileId> = BTreeMap::new();
    for doc in &loaded.pages {
        let mut segs: Vec<&str> = doc.stem.split('/').collect();
        if segs.len() > 1 && segs.last() == Some(&"index") {
            segs.pop();
        }
        if let Some((bad, why)) = segs
            .iter()
            .find_map(|s| stem_problem(s).map(|why| (shown_stem(s), why)))
        {
            e.top(
                doc.file,
                format!("page path segment `{bad}` is not valid: {why}"),
            );
            continue;
        }
        let chars = doc.stem.chars().count();
        if chars > MAX_PAGE_PATH {
            e.top(
                doc.file,
                format!(
                    "page path `{}…` is {chars} characters long: a page's path under content/pages/ may have at most {MAX_PAGE_PATH}; use fewer or shorter folders",
                    shown_stem(&doc.stem)
                ),
            );
            continue;
        }
        if let Some((section, what)) = crate::routes::reserved_page_section(segs[0]) {
            e.top(
                doc.file,
                format!(
                    "page path `/{section}/` is reserved for generated pages ({what}): rename the file"
                ),
            );
            continue;
        }
        let p = segs.join("/");
        if let Some(&first) = page_seen.get(&p) {
            e.top(
                doc.file,
                format!(
                    "two pages have the URL /{p}/: this one and {}",
                    loaded.file(first).rel
                ),
            );
            continue;
        }
        if doc.raw.title.trim().is_empty() {
            e.at(
                doc.file,
                &[key("title")],
                "title is empty: give the page a title",
            );
        }
        e.texts(
            doc.file,
            &[
                (path(&[key("title")]), Some(doc.raw.title.as_str())),
                (path(&[key("description")]), doc.raw.description.as_deref()),
            ],
        );
        page_seen.insert(p.clone(), doc.file);
        pages.push(Page {
            path: p,
            file: loaded.file(doc.file).rel.clone(),
            title: doc.raw.title.clone(),
            description: doc.raw.description.clone(),
            weight: doc.raw.weight,
            body: loaded.file(doc.file).body_text().to_string(),
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));

    if !e.list.is_empty() {
        return Err(e.list);
    }
    let data_date = data_date(&reports, &news);
    Ok(Site {
        data_date,
        config,
        jurisdictions,
        categories,
        reports,
        pledges,
        news,
        indicators,
        pages,
    })
}

/// One news file as the validation of news items reads it.
pub(crate) struct NewsSource<'a> {
    pub file: Arc<SourceFile>,
    pub stem: &'a str,
    pub raw: &'a RawNews,
    /// What is needed of its body's rendered text ([`NewsText::find`]).
    pub text: NewsText,
    /// File names in `seeds/`.
    pub seeds: &'a BTreeSet<String>,
}

/// Check one news file and make its model item; `None` when it is not `keep` (a duplicate slug,
/// checked for its own errors only). `jurisdiction` and `pledge` resolve references (a pledge
/// left out of the build, a draft, is `Ok(None)`) or give the message for an unknown one. Every
/// error found is added to `errors`, in the order `build` reports them, and every warning (a
/// draft named) to `warnings`.
pub(crate) fn news_item(
    src: NewsSource,
    keep: bool,
    jurisdiction: &dyn Fn(&str) -> Result<usize, String>,
    pledge: &dyn Fn(&PledgeRef) -> Result<Option<usize>, String>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<News> {
    let NewsSource {
        file,
        stem,
        raw: r,
        text,
        seeds,
    } = src;
    if let Some(d) = seed_error(&file, &r.seed, seeds) {
        errors.push(d);
    }
    if let Err(msg) = r.date.plausible() {
        errors.push(file.error_at(&[key("date")], msg));
    }
    for (k, text) in [
        ("title", Some(r.title.as_str())),
        ("source", r.source.as_deref()),
        ("summary", r.summary.as_deref()),
    ] {
        if let Some(msg) = text.and_then(|t| control_problem(k, t)) {
            errors.push(file.error_at(&[key(k)], msg));
        }
    }
    if let Some(u) = &r.source_url
        && let Err(msg) = check_source_url(u)
    {
        errors.push(file.error_at(&[key("source_url")], msg));
    }
    let mut js = Vec::with_capacity(r.jurisdictions.len());
    for (i, j) in r.jurisdictions.iter().enumerate() {
        match jurisdiction(j.as_str()) {
            Ok(x) => js.push(x),
            Err(msg) => errors.push(file.error_at(&[key("jurisdictions"), idx(i)], msg)),
        }
    }
    let draft = |pr: &PledgeRef, what: &str| {
        format!(
            "{what} pledge `{pr}` is left out of the site: the pledge is a draft (build with --drafts to see it, or remove its `draft: true`)"
        )
    };
    let mut mentioned = Vec::with_capacity(r.pledges.len() + r.updates.len());
    for (i, pr) in r.pledges.iter().enumerate() {
        match pledge(pr) {
            Err(msg) => errors.push(file.error_at(&[key("pledges"), idx(i)], msg)),
            Ok(None) => {
                warnings.push(file.error_at(&[key("pledges"), idx(i)], draft(pr, "the mention of")))
            }
            Ok(Some(m)) => mentioned.push(m),
        }
    }
    let mut updates = Vec::with_capacity(r.updates.len());
    for (i, u) in r.updates.iter().enumerate() {
        let at = |k: &str| path(&[key("updates"), idx(i), key(k)]);
        // An unknown pledge is reported, and the rest of the update is still checked.
        let target = match pledge(&u.pledge) {
            Err(msg) => {
                errors.push(file.error_at(&at("pledge"), msg));
                None
            }
            Ok(None) => {
                warnings.push(file.error_at(&at("pledge"), draft(&u.pledge, "this update of")));
                None
            }
            Ok(m) => m,
        };
        if let Some(Err(msg)) = u.value.map(Num::exact) {
            errors.push(file.error_at(&at("value"), msg));
        }
        if let Some(Err(msg)) = u.as_of.map(Date::plausible) {
            errors.push(file.error_at(&at("as_of"), msg));
        } else if let Some(as_of) = u.as_of
            && as_of > r.date
            && r.date.plausible().is_ok()
        {
            errors.push(file.error_at(
                &at("as_of"),
                format!(
                    "as_of {as_of} is after this news item's date {}: evidence cannot speak for a day after it was published; correct `as_of` or the news `date`",
                    r.date
                ),
            ));
        }
        let quote = u.quote.as_deref().map(normalize_quote);
        let mut quote_range = None;
        if let Some(q) = &quote {
            if q.is_empty() {
                errors.push(file.error_at(&at("quote"), "quote is empty: quote the evidence verbatim from this news body, or leave the field out"));
            } else {
                match &text.quotes[i] {
                    Some(Ok(s)) => quote_range = Some(*s..s + q.len()),
                    Some(Err(hint)) => {
                        errors.push(file.error_at(
                            &at("quote"),
                            format!(
                                "quote does not occur in this news body: «{}» ({hint})",
                                short(q)
                            ),
                        ));
                    }
                    None => {}
                }
            }
        }
        if let Some(p) = target {
            updates.push(Update {
                pledge: p,
                status: u.status,
                value: u.value,
                as_of: u.as_of.unwrap_or(r.date),
                quote: quote.map(Arc::from),
                quote_range,
            });
        }
    }
    if !keep {
        return None;
    }
    let mut ps: Vec<usize> = mentioned;
    ps.extend(updates.iter().map(|u| u.pledge));
    ps.sort_unstable();
    ps.dedup();
    if r.title.trim().is_empty() {
        errors.push(file.error_at(
            &[key("title")],
            "title is empty: give the news item its headline",
        ));
    }
    Some(News {
        slug: crate::types::NewsSlug::parse(stem).expect("stem checked by the caller"),
        title: r.title.clone(),
        date: r.date,
        source: r.source.clone(),
        source_url: r.source_url.clone(),
        seed: r.seed.clone(),
        summary: r.summary.clone(),
        jurisdictions: js,
        updates,
        pledges: ps,
        body: super::Body::new(file),
        lead: text.lead,
    })
}

/// The date the data speaks for ([`Site::data_date`]).
pub(crate) fn data_date(reports: &[Report], news: &[News]) -> Option<Date> {
    reports
        .iter()
        .map(|r| r.delivered)
        .chain(news.iter().map(|n| n.date))
        .chain(news.iter().flat_map(|n| n.updates.iter().map(|u| u.as_of)))
        .max()
}

const ID_RULE: &str =
    "ids are lowercase ASCII letters and digits joined by single hyphens, like `luohe-2024`";

/// The longest path of a free page under `content/pages/` (without `.md`), in characters: the
/// output path of a page is its folders, and systems refuse paths over 4,096 bytes.
pub const MAX_PAGE_PATH: usize = 2 * MAX_ID_LEN;

/// What is wrong with a file stem (or page path segment) as an id, for a message after
/// "is not a valid ... id: ".
fn stem_problem(stem: &str) -> Option<String> {
    if !has_id_shape(stem) {
        return Some(ID_RULE.to_string());
    }
    let n = stem.chars().count();
    (n > MAX_ID_LEN).then(|| {
        format!(
            "it is {n} characters long, and ids may have at most {MAX_ID_LEN} (each becomes a folder name of the site); shorten it"
        )
    })
}

/// A file stem as messages show it: cut after 40 characters.
fn shown_stem(stem: &str) -> String {
    if stem.chars().count() > 40 {
        format!("{}…", stem.chars().take(40).collect::<String>())
    } else {
        stem.to_string()
    }
}

/// `site.yaml`'s base_url (or `--base-url`), checked and split into (absolute URL with trailing
/// slash, path). Written as publishers paste it, it is normalised: a missing trailing slash is
/// added, repeated slashes in the path are one (`https://x.org/portal//` from a CI variable
/// ending in `/` plus a `/`), and characters outside ASCII in the path are percent-encoded as
/// browsers send them. What cannot be meant as a site's address is refused: no http(s)
/// scheme or host, a query or fragment, white space or control characters, `.`/`..` in the
/// path, and a host outside ASCII (IDNA is not done here). The message says what and how.
pub fn parse_base_url(s: &str) -> Result<(String, String), String> {
    let s = s.trim();
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https://", r)
    } else if let Some(r) = s.strip_prefix("http://") {
        ("http://", r)
    } else {
        return Err(format!(
            "`{s}` must start with https:// or http://, like https://example.org/portal/"
        ));
    };
    if s.contains(['?', '#']) {
        return Err(format!(
            "`{s}` must be the portal's address without a query (`?…`) or fragment (`#…`): \
             remove them"
        ));
    }
    if let Some(c) = s.chars().find(|&c| not_in_address(c)) {
        return Err(format!(
            "`{s}` contains {c:?}, which an address cannot contain: write a space as %20, \
             or copy the address from the browser's address bar"
        ));
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return Err(format!(
            "`{s}` has no host: write it like https://example.org/portal/"
        ));
    }
    if !host.is_ascii() {
        return Err(format!(
            "the host of `{s}` is not written in ASCII: write it in its xn-- form \
             (as the browser's address bar shows when the address is copied)"
        ));
    }
    let mut clean = String::from("/");
    for seg in path.split('/').filter(|seg| !seg.is_empty()) {
        if seg == "." || seg == ".." {
            return Err(format!(
                "the path of `{s}` holds `{seg}`: write the folder's path without it"
            ));
        }
        for b in seg.bytes() {
            if b.is_ascii() {
                clean.push(char::from(b));
            } else {
                clean.push_str(&format!("%{b:02X}"));
            }
        }
        clean.push('/');
    }
    Ok((format!("{scheme}{host}{clean}"), clean))
}

/// Why a text written in YAML cannot be shown, if it holds a control character (other than tab
/// and line feed) or a noncharacter: YAML refuses them written as they are, but not written as
/// escapes (`"\x01"`), and pages and feeds cannot hold them. (Quotes are cleaned instead, like
/// the bodies they quote: `markdown::clean_controls`.)
fn control_problem(field: &str, text: &str) -> Option<String> {
    if let std::borrow::Cow::Borrowed(_) = clean_controls(text) {
        return None;
    }
    let c = text.chars().find(|&c| is_unshown(c))?;
    Some(format!(
        "{field} holds the control character U+{:04X}, which pages cannot show: remove it (in YAML it is written as an escape, like `\\x01` or `\\0`)",
        c as u32
    ))
}

/// Whether `c` must be encoded in a URL (white space, control characters, quotes, brackets…).
fn not_in_address(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '"' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^')
}

/// A news item's `source_url`: an http(s) address without characters that a URL must encode.
fn check_source_url(u: &str) -> Result<(), String> {
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        return Err("source_url must be an http:// or https:// address".into());
    }
    if let Some(c) = u.chars().find(|&c| not_in_address(c)) {
        return Err(format!(
            "source_url contains {c:?}, which an address cannot contain: copy the address from the browser's address bar"
        ));
    }
    Ok(())
}

fn check_seed(e: &mut Errors, file: FileId, seed: &Option<String>, loaded: &Loaded) {
    if let Some(d) = seed_error(loaded.file(file), seed, &loaded.seeds) {
        e.list.push(d);
    }
}

/// The error of a `seed` field that does not name a file in `seeds/`.
fn seed_error(
    file: &SourceFile,
    seed: &Option<String>,
    seeds: &BTreeSet<String>,
) -> Option<Diagnostic> {
    let s = seed.as_ref()?;
    (s.contains(['/', '\\']) || s.starts_with('.') || !seeds.contains(s)).then(|| {
        file.error_at(
            &[key("seed")],
            format!("seed `{s}` is not a file in seeds/"),
        )
    })
}

/// Needles longer than this are searched one by one: an automaton's size grows with them.
const LONG_NEEDLE: usize = 4096;

/// Leftmost first occurrence of each needle in `hay` (byte offset), in one pass for the short
/// ones and in linear time per long one.
pub fn first_occurrences(hay: &str, needles: &[&str]) -> Vec<Option<usize>> {
    let mut out = vec![None; needles.len()];
    let short: Vec<usize> = (0..needles.len())
        .filter(|&i| needles[i].len() <= LONG_NEEDLE)
        .collect();
    for (i, n) in needles.iter().enumerate() {
        if n.len() > LONG_NEEDLE {
            out[i] = hay.find(n);
        }
    }
    if short.is_empty() {
        return out;
    }
    // Each distinct needle is one pattern: the automaton's construction is quadratic in the
    // number of identical patterns (200,000 pledges quoting one sentence took minutes).
    let mut ids: HashMap<&str, usize> = HashMap::default();
    let mut patterns: Vec<&str> = Vec::new();
    let of: Vec<usize> = short
        .iter()
        .map(|&i| {
            *ids.entry(needles[i]).or_insert_with(|| {
                patterns.push(needles[i]);
                patterns.len() - 1
            })
        })
        .collect();
    // One search per automaton: a contiguous NFA is built several times faster than the DFA
    // that the builder would pick for a few dozen patterns, and searches one report as fast.
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        // Fall back to one search per needle if the automaton cannot be built.
        for &i in &short {
            out[i] = hay.find(needles[i]);
        }
        return out;
    };
    // Overlapping search reports every occurrence of every pattern, so a needle not found
    // here does not occur.
    let mut first: Vec<Option<usize>> = vec![None; patterns.len()];
    let mut remaining = patterns.len();
    for m in ac.find_overlapping_iter(hay) {
        let slot = &mut first[m.pattern().as_usize()];
        if slot.is_none() {
            *slot = Some(m.start());
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
    }
    for (&i, &p) in short.iter().zip(&of) {
        out[i] = first[p];
    }
    out
}

fn short(s: &str) -> String {
    let n = s.chars().count();
    if n <= 60 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}

/// "unknown X `y`" with a did-you-mean hint or the list of valid values.
pub(crate) fn unknown<'a>(what: &str, got: &str, known: impl Iterator<Item = &'a str>) -> String {
    let mut known: Vec<&str> = known.collect();
    known.sort_unstable();
    let mut msg = format!("unknown {what} `{got}`");
    if let Some(best) = nearest(got, &known) {
        msg.push_str(&format!(": did you mean `{best}`?"));
    } else if known.is_empty() {
        msg.push_str(&format!(": no {what} is defined"));
    } else if known.len() <= 12 {
        msg.push_str(&format!(
            ": expected one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    msg
}

fn unknown_pledge(
    r: &PledgeRef,
    full_ix: &HashMap<String, usize>,
    files_of: &BTreeMap<&str, BTreeSet<&str>>,
) -> String {
    let wanted = r.to_string();
    let prefix = format!("{}/", r.report);
    let same_report: Vec<&str> = full_ix
        .keys()
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
        full_ix.keys().filter_map(|k| k.split('/').next()).collect();
    let mut msg = format!(
        "unknown pledge `{wanted}`: report `{}` has no pledges",
        r.report
    );
    if let Some(b) = nearest(r.report.as_str(), &reports.into_iter().collect::<Vec<_>>()) {
        msg.push_str(&format!("; did you mean report `{b}`?"));
    }
    msg
}

/// The known value closest to `got` by edit distance, if close enough to be a likely typo.
pub(crate) fn nearest<'a>(got: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (got.chars().count() / 3).clamp(2, 4);
    known
        .iter()
        .map(|k| (levenshtein(got, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A pledge's history entry from news: (as_of, news date, news slug, update index, news index),
/// in the order that sorts the history.
pub(super) type EntryKey<'s> = (Date, Date, &'s str, usize, usize);

/// Append the updates in `list`, sorted into history order, to `history`: what `build` does for
/// every pledge, and `patch` for the pledges an edit of news touches.
pub(super) fn push_history(
    history: &mut Vec<HistoryEntry>,
    mut list: Vec<EntryKey>,
    news: &[News],
) {
    list.sort();
    for (as_of, _, _, u, n) in list {
        let up = &news[n].updates[u];
        history.push(HistoryEntry {
            date: as_of,
            status: up.status,
            value: up.value,
            news: Some(n),
            update: Some(u),
            quote: up.quote.clone(),
        });
    }
}

/// A pledge's news list in date order and its current state from its history (the last entry;
/// unrated without one): what `build` does for every pledge, and `patch` for the pledges an edit
/// of news touches.
pub(super) fn settle(p: &mut Pledge, news: &[News], tolerance: f64) {
    p.news.sort_by(|&a, &b| {
        news[a]
            .date
            .cmp(&news[b].date)
            .then(news[a].slug.cmp(&news[b].slug))
    });
    p.news.dedup();
    // Both are pushed to one by one (capacity 4 at least, often twice the length): there is
    // one of each per pledge, so the slack adds up.
    p.news.shrink_to_fit();
    p.history.shrink_to_fit();
    (p.status, p.value, p.as_of) = match p.history.last() {
        Some(last) => (last.status, last.value, Some(last.date)),
        None => (Status::Unrated, None, None),
    };
    p.met = pledge_met(
        p.target.as_ref().map(|t| (t.value, t.qualifier)),
        p.value,
        p.as_of,
        p.deadline,
        tolerance,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path_prefix() {
        assert_eq!(
            parse_base_url("https://example.org/acc").unwrap(),
            ("https://example.org/acc/".into(), "/acc/".into())
        );
        assert_eq!(parse_base_url("https://example.org").unwrap().1, "/");
        assert!(parse_base_url("example.org").is_err());
        assert!(parse_base_url("https:///x").is_err());
    }

    /// Regression (issue 17, follow-up 1): `https://x.org/portal//` (a CI variable ending in `/`
    /// followed by `/`) wrote links to `/portal//style.css`.
    #[test]
    fn base_url_with_repeated_slashes_is_normalised() {
        for s in [
            "https://x.org/portal//",
            "https://x.org//portal/",
            "https://x.org/portal",
            "  https://x.org///portal///  ",
        ] {
            assert_eq!(
                parse_base_url(s).unwrap(),
                ("https://x.org/portal/".into(), "/portal/".into()),
                "{s}"
            );
        }
        assert_eq!(
            parse_base_url("http://x.org//").unwrap(),
            ("http://x.org/".into(), "/".into())
        );
        assert_eq!(
            parse_base_url("https://x.org:8080/a//b").unwrap(),
            ("https://x.org:8080/a/b/".into(), "/a/b/".into())
        );
    }

    #[test]
    fn base_url_path_outside_ascii_is_percent_encoded() {
        assert_eq!(
            parse_base_url("https://x.org/政府/").unwrap(),
            (
                "https://x.org/%E6%94%BF%E5%BA%9C/".into(),
                "/%E6%94%BF%E5%BA%9C/".into()
            )
        );
        // Already encoded: kept as written.
        assert_eq!(parse_base_url("https://x.org/a%20b/").unwrap().1, "/a%20b/");
    }

    #[test]
    fn base_url_that_cannot_be_an_address_is_refused_with_the_fix() {
        for (s, says) in [
            ("https://x.org/portal/?v=1", "without a query"),
            ("https://x.org/portal/#top", "fragment"),
            ("https://x.org/my portal/", "%20"),
            ("https://x.org/a\tb/", "%20"),
            ("https://政府.cn/", "xn--"),
            ("https://x.org/a/../b/", "`..`"),
            ("ftp://x.org/", "https://"),
            ("https://", "no host"),
        ] {
            let msg = parse_base_url(s).unwrap_err();
            assert!(msg.contains(says), "{s}: {msg}");
        }
    }

    #[test]
    fn first_occurrences_finds_overlapping_and_repeated_needles() {
        let hay = "甲乙丙甲乙";
        assert_eq!(
            first_occurrences(hay, &["乙丙", "甲乙", "丁", "甲乙"]),
            vec![Some(3), Some(0), None, Some(0)]
        );
    }

    /// Regression (issue 17, item 3, found measuring it): 200,000 pledges quoting one sentence
    /// built an automaton of 200,000 identical patterns, quadratic in their number; needles
    /// not found were then searched one by one. Each distinct needle is one pattern now.
    #[test]
    fn identical_and_missing_needles_are_found_once_each() {
        let hay = "今年新建道路5公里，改造老旧小区。";
        let mut needles = vec!["新建道路5公里"; 20_000];
        needles.extend(vec!["新建道路6公里"; 20_000]);
        needles.push("老旧小区");
        let found = first_occurrences(hay, &needles);
        assert!(found[..20_000].iter().all(|f| *f == Some(6)));
        assert!(found[20_000..40_000].iter().all(Option::is_none));
        assert_eq!(found[40_000], hay.find("老旧小区"));
    }

    #[test]
    fn source_urls_are_plain_addresses() {
        assert!(check_source_url("https://example.org/新闻/1?a=b&c='d'#e").is_ok());
        assert!(check_source_url("ftp://example.org/").is_err());
        for bad in [
            "https://x/\"><script>",
            "https://x/a b",
            "https://x/\\y",
            "https://x/\n",
        ] {
            assert!(check_source_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn long_needles_are_found_without_an_automaton() {
        let long = "长".repeat(LONG_NEEDLE);
        let hay = format!("前{long}后");
        let missing = format!("{long}无");
        assert_eq!(
            first_occurrences(&hay, &[&long, "后", &missing]),
            vec![Some(3), Some(3 + long.len()), None]
        );
    }

    #[test]
    fn near_misses_get_a_suggestion() {
        assert_eq!(
            nearest("old-comunities", &["old-communities", "heating"]),
            Some("old-communities")
        );
        assert_eq!(nearest("xyz", &["old-communities"]), None);
        assert!(
            unknown("category", "urbn", ["urban", "economy"].into_iter())
                .contains("did you mean `urban`")
        );
        assert!(
            unknown("category", "zzz", ["urban", "economy"].into_iter())
                .contains("expected one of `economy`, `urban`")
        );
    }
}
