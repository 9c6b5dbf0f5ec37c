//! What can still be checked of a report or news file whose front matter did not parse: its
//! jurisdictions against site.yaml, so that the editor sees those errors in the same run.

use crate::content::{Loaded, locate};
use crate::diag::Diagnostic;
use std::collections::BTreeSet;

/// Unknown jurisdictions named in the report and news files that did not parse.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let Some(site) = &loaded.site else {
        return Vec::new();
    };
    let known: BTreeSet<&str> = site
        .raw
        .jurisdictions
        .iter()
        .map(|j| j.id.as_str())
        .collect();
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
        let Ok(serde_yaml::Value::Mapping(m)) =
            serde_yaml::from_str::<serde_yaml::Value>(file.yaml_text())
        else {
            continue;
        };
        let unknown = |j: &str| {
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
