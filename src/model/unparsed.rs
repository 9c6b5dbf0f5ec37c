//! What can still be checked of a report or news file whose front matter did not parse: an
//! empty title and its jurisdictions against site.yaml, so that the editor sees those errors in
//! the same run (a fresh `import` or `new news` leaves a date placeholder that stops parsing).

use crate::content::{Loaded, locate};
use crate::diag::Diagnostic;
use std::collections::BTreeSet;

/// Empty titles and unknown jurisdictions in the report and news files that did not parse.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    // Without a site.yaml that parsed, no jurisdiction is known (and none is reported).
    let known: Option<BTreeSet<&str>> = loaded
        .site
        .as_ref()
        .map(|s| s.raw.jurisdictions.iter().map(|j| j.id.as_str()).collect());
    let parsed: BTreeSet<usize> = loaded
        .reports
        .iter()
        .map(|d| d.file.0)
        .chain(loaded.news.iter().map(|d| d.file.0))
        .collect();
    let mut out = Vec::new();
    for (i, file) in loaded.files.iter().enumerate() {
        let is_report = file.rel.starts_with("content/reports/");
        let is_news = file.rel.starts_with("content/news/");
        if parsed.contains(&i) || !(is_report || is_news) || !file.rel.ends_with(".md") {
            continue;
        }
        // Deep bracket nesting is refused before parsing, as the YAML scanner slows down with it.
        if crate::content::too_deep(file.yaml_text()).is_some() {
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
