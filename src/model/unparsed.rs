//! What can still be checked of a report or news file whose front matter did not parse: an
//! empty title and its jurisdictions against site.yaml, so that the editor sees those errors in
//! the same run (a fresh `import` or `new news` leaves a date placeholder that stops parsing).

use crate::content::{Loaded, SourceFile, locate};
use crate::diag::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};

/// The report and news files that exist but did not load, by id (file stem): the model says
/// so where another file refers to one, rather than calling the id unknown.
#[derive(Debug, Default)]
pub struct Unloaded<'a> {
    pub reports: BTreeMap<&'a str, &'a str>,
    pub news: BTreeMap<&'a str, &'a str>,
}

impl Unloaded<'_> {
    /// Why a reference to report (or news item) `id` finds nothing, when its file did not load.
    pub fn explain(&self, what: &str, id: &str, news_too: bool) -> Option<String> {
        let rel = self
            .reports
            .get(id)
            .or_else(|| news_too.then(|| self.news.get(id)).flatten())?;
        Some(format!(
            "{what} `{id}` did not load: {rel} has errors (see its messages); fix them and this \
             reference is checked"
        ))
    }
}

/// The report and news files (`.md` in `content/reports/` or `content/news/`) that did not
/// parse, each with whether it is a report.
fn unparsed_files(loaded: &Loaded) -> impl Iterator<Item = (&SourceFile, bool)> {
    let parsed: BTreeSet<usize> = loaded
        .reports
        .iter()
        .map(|d| d.file.0)
        .chain(loaded.news.iter().map(|d| d.file.0))
        .collect();
    loaded
        .files
        .iter()
        .enumerate()
        .filter(move |(i, _)| !parsed.contains(i))
        .filter_map(|(_, file)| {
            let is_report = file.rel.starts_with("content/reports/");
            let is_news = file.rel.starts_with("content/news/");
            ((is_report || is_news) && file.rel.ends_with(".md")).then_some((&**file, is_report))
        })
}

/// The [`Unloaded`] files of `loaded`.
pub fn unloaded(loaded: &Loaded) -> Unloaded<'_> {
    let mut out = Unloaded::default();
    for (file, is_report) in unparsed_files(loaded) {
        let rel = file.rel.as_str();
        let stem = rel.strip_suffix(".md").unwrap_or(rel);
        let stem = stem.rsplit('/').next().unwrap_or(stem);
        if is_report {
            out.reports.insert(stem, rel);
        } else {
            out.news.insert(stem, rel);
        }
    }
    out
}

/// Empty titles and unknown jurisdictions in the report and news files that did not parse.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    // Without a site.yaml that parsed, no jurisdiction is known (and none is reported).
    let known: Option<BTreeSet<&str>> = loaded
        .site
        .as_ref()
        .map(|s| s.raw.jurisdictions.iter().map(|j| j.id.as_str()).collect());
    let mut out = Vec::new();
    for (file, is_report) in unparsed_files(loaded) {
        // Deep bracket nesting is refused before parsing, as the YAML scanner slows down with it;
        // anchors and aliases are, as serde_yaml would expand them (an alias bomb).
        if crate::content::too_deep(file.yaml_text()).is_some()
            || crate::content::anchors::refuse_anchors(file.yaml_text()).is_some()
        {
            continue;
        }
        let Ok(serde_yaml::Value::Mapping(m)) =
            serde_yaml::from_str::<serde_yaml::Value>(file.yaml_text())
        else {
            continue;
        };
        // The same messages as for a file that parsed (`model::build`).
        if let Some(serde_yaml::Value::String(t)) = m.get("title")
            && t.trim().is_empty()
        {
            let msg = if is_report {
                "title is empty: give the report its title"
            } else {
                "title is empty: give the news item its headline"
            };
            out.push(file.error_at(&[locate::key("title")], msg));
        }
        let unknown = |j: &str| {
            let known = known.as_ref()?;
            (!known.contains(j))
                .then(|| super::build::unknown("jurisdiction", j, known.iter().copied()))
        };
        if is_report {
            if let Some(j) = m.get("jurisdiction").and_then(|v| v.as_str())
                && let Some(msg) = unknown(j)
            {
                out.push(file.error_at(&[locate::key("jurisdiction")], msg));
            }
        } else if let Some(list) = m.get("jurisdictions").and_then(|v| v.as_sequence()) {
            for (k, j) in list.iter().enumerate() {
                if let Some(msg) = j.as_str().and_then(unknown) {
                    out.push(file.error_at(&[locate::key("jurisdictions"), locate::idx(k)], msg));
                }
            }
        }
    }
    out
}
