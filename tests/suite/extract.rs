//! `duixian extract`: accuracy against the hand-labelled gold standard for seed 001 and the
//! editor's pledge file for the unseen Zhanhe report, drafts that `check` accepts, and the
//! command's handling of existing files.
//!
//! Run `cargo test --test suite extract:: -- --nocapture` to see the figures, misses and false alarms.

use crate::common::*;
use duixian::editor::extract::{Category, Proposal, propose, report_index};
use duixian::markdown::{TextIndex, normalize_quote};
use duixian::types::Qualifier;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, Deserialize)]
struct GoldFile {
    report: String,
    targets: Vec<Gold>,
}

#[derive(Debug, Clone, Deserialize)]
struct Gold {
    text: String,
    value: f64,
    unit: String,
    qualifier: Qualifier,
    #[serde(default)]
    optional: bool,
    /// Which occurrence of `text` in the rendered report (1-based).
    #[serde(default)]
    occurrence: Option<usize>,
    /// The editor's category, where the reference has one (not part of the gold standard).
    #[serde(default)]
    category: Option<String>,
}

/// What the extractor scored against a gold list.
#[derive(Debug, Default)]
struct Score {
    required: usize,
    found_required: usize,
    proposals: usize,
    /// Proposals matching a gold entry, required or optional.
    true_proposals: usize,
    fields_right: usize,
    /// Matched proposals whose reference has a category, and how many agree with it.
    with_category: usize,
    category_right: usize,
    misses: Vec<String>,
    false_alarms: Vec<String>,
    wrong_fields: Vec<String>,
    other_category: Vec<String>,
}

impl Score {
    fn recall(&self) -> f64 {
        self.found_required as f64 / self.required as f64
    }
    fn precision(&self) -> f64 {
        self.true_proposals as f64 / self.proposals as f64
    }
    fn field_accuracy(&self) -> f64 {
        self.fields_right as f64 / self.true_proposals as f64
    }
    fn report(&self, name: &str) -> String {
        let mut s = format!(
            "{name}: recall {:.1}% ({}/{}), precision {:.1}% ({}/{}), value+unit+qualifier right {:.1}% ({}/{})\n",
            100.0 * self.recall(),
            self.found_required,
            self.required,
            100.0 * self.precision(),
            self.true_proposals,
            self.proposals,
            100.0 * self.field_accuracy(),
            self.fields_right,
            self.true_proposals
        );
        if self.with_category > 0 {
            s.push_str(&format!(
                "  category as the editor's: {:.1}% ({}/{})\n",
                100.0 * self.category_right as f64 / self.with_category as f64,
                self.category_right,
                self.with_category
            ));
        }
        for (what, list) in [
            ("missed", &self.misses),
            ("false alarm", &self.false_alarms),
            ("wrong field", &self.wrong_fields),
            ("other category", &self.other_category),
        ] {
            for l in list {
                s.push_str(&format!("  {what}: {l}\n"));
            }
        }
        s
    }
}

/// Where a gold entry stands in the rendered text, and where its number stands in it.
fn locate(index: &TextIndex, g: &Gold) -> (std::ops::Range<usize>, Option<usize>) {
    let text = normalize_quote(&g.text);
    let n = g.occurrence.unwrap_or(1);
    let start = index
        .text
        .match_indices(&text)
        .nth(n - 1)
        .unwrap_or_else(|| {
            panic!(
                "gold text «{}» (occurrence {n}) is not in the report",
                g.text
            )
        })
        .0;
    let span = start..start + text.len();
    // The number: the value written out, not inside a longer number.
    let digits = duixian::types::Num(g.value).to_string();
    let anchor = text.match_indices(&digits).find_map(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + digits.len()..].chars().next();
        let inside = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
        (!inside(before) && !inside(after)).then_some(start + i)
    });
    (span, anchor)
}

fn score(index: &TextIndex, gold: &[Gold], proposals: &[Proposal]) -> Score {
    let mut s = Score {
        required: gold.iter().filter(|g| !g.optional).count(),
        proposals: proposals.len(),
        ..Default::default()
    };
    let mut taken = vec![false; proposals.len()];
    for g in gold {
        let (span, anchor) = locate(index, g);
        let hit = proposals.iter().enumerate().position(|(k, p)| {
            !taken[k]
                && match anchor {
                    Some(a) => p.quantity_span.contains(&a),
                    None => p.span.start < span.end && span.start < p.span.end,
                }
        });
        match hit {
            Some(k) => {
                taken[k] = true;
                let p = &proposals[k];
                if !g.optional {
                    s.found_required += 1;
                }
                if let Some(c) = &g.category {
                    s.with_category += 1;
                    s.category_right += usize::from(*c == p.category);
                    if *c != p.category {
                        s.other_category
                            .push(format!("«{}»: {} (editor: {c})", p.text, p.category));
                    }
                }
                let q = &p.quantity;
                if (q.value - g.value).abs() < 1e-9
                    && q.unit == g.unit
                    && q.qualifier == g.qualifier
                {
                    s.fields_right += 1;
                } else {
                    s.wrong_fields.push(format!(
                        "«{}»: got {} {} {}, want {} {} {}",
                        p.text,
                        q.value,
                        q.unit,
                        q.qualifier.key(),
                        g.value,
                        g.unit,
                        g.qualifier.key()
                    ));
                }
            }
            None if !g.optional => s.misses.push(format!("«{}»", g.text)),
            None => {}
        }
    }
    s.true_proposals = taken.iter().filter(|&&t| t).count();
    for (k, p) in proposals.iter().enumerate() {
        if !taken[k] {
            s.false_alarms.push(format!(
                "«{}» ({} {} {})",
                p.text,
                p.quantity.value,
                p.quantity.unit,
                p.quantity.qualifier.key()
            ));
        }
    }
    s
}

fn demo_categories() -> Vec<Category> {
    let site: duixian::content::raw::RawSite =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("site.yaml")).unwrap()).unwrap();
    site.categories
        .iter()
        .map(|c| Category {
            id: c.id.to_string(),
            name: c.name.clone(),
            description: c.description.clone(),
        })
        .collect()
}

fn proposals_for(report: &str) -> (TextIndex, Vec<Proposal>) {
    let id = duixian::types::ReportId::parse(report).unwrap();
    let (index, _) = report_index(root(), &id).unwrap();
    let p = propose(&index, &demo_categories(), &BTreeSet::new());
    (index, p)
}

#[test]
fn extract_meets_its_targets_on_the_gold_standard_of_seed_001() {
    let gold: GoldFile = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("tests/extract-gold/luohe-2024.yaml")).unwrap(),
    )
    .unwrap();
    let (index, proposals) = proposals_for(&gold.report);
    let s = score(&index, &gold.targets, &proposals);
    let report = s.report("seed 001 (gold standard)");
    println!("{report}");
    // Thresholds: the figures measured when this test was written (docs/extract.md).
    assert!(s.recall() >= 0.99, "{report}");
    assert!(s.precision() >= 0.97, "{report}");
    assert!(s.field_accuracy() >= 0.99, "{report}");
    // For information: the demo editor's own pledge file for this report as the reference
    // (its texts, choices and categories are the editor's, not the gold standard's).
    let s = score(&index, &editor_targets("luohe-2024"), &proposals);
    println!("{}", s.report("seed 001 (demo editor's pledge file)"));
}

/// The editor's path: import the raw newspaper page of seed 001, then extract from the result.
#[test]
fn extract_from_the_imported_seed_001_meets_the_same_targets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_tree(&root().join("seeds"), &dir.path().join("seeds"));
    let site = dir.path().to_str().unwrap();
    let seed = dir.path().join("seeds/001_f03fcbf8b818b135.txt");
    let o = duixian(&[
        "--root",
        site,
        "import",
        seed.to_str().unwrap(),
        "--report",
        "luohe-2024",
        "--jurisdiction",
        "luohe",
        "--year",
        "2024",
        "--delivered",
        "2024-02-21",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let gold: GoldFile = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("tests/extract-gold/luohe-2024.yaml")).unwrap(),
    )
    .unwrap();
    let id = duixian::types::ReportId::parse("luohe-2024").unwrap();
    let (index, _) = report_index(dir.path(), &id).unwrap();
    let proposals = propose(&index, &demo_categories(), &BTreeSet::new());
    let s = score(&index, &gold.targets, &proposals);
    let report = s.report("seed 001 imported by `duixian import` (gold standard)");
    println!("{report}");
    assert!(s.recall() >= 0.99, "{report}");
    assert!(s.precision() >= 0.97, "{report}");
    assert!(s.field_accuracy() >= 0.99, "{report}");
}

/// Import `fixture` into a copy of the demo's site.yaml as `report`; the report's rendered
/// text and the proposals for it.
fn import_and_propose(
    fixture: &str,
    report: &str,
    jurisdiction: &str,
    year: &str,
) -> (TextIndex, Vec<Proposal>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    let o = duixian(&[
        "--root",
        dir.path().to_str().unwrap(),
        "import",
        root().join(fixture).to_str().unwrap(),
        "--report",
        report,
        "--jurisdiction",
        jurisdiction,
        "--year",
        year,
        "--delivered",
        "2024-02-21",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let id = duixian::types::ReportId::parse(report).unwrap();
    let (index, _) = report_index(dir.path(), &id).unwrap();
    let proposals = propose(&index, &demo_categories(), &BTreeSet::new());
    (index, proposals, stderr(&o))
}

/// Regression (issue #18): text copied from a web page, one paragraph per line with no blank
/// line between, was glued into one paragraph without headings, and extract proposed nothing.
/// The fixture is the demo's seed 001 text as a web page shows it: one paragraph per line,
/// indented with full-width spaces, ASCII `:`, `(一)` headings, a page header on top.
#[test]
fn web_text_with_one_paragraph_per_line_meets_the_gold_standard_targets() {
    let (index, proposals, out) = import_and_propose(
        "tests/fixtures/web-pasted/luohe-2024.txt",
        "luohe-2024",
        "luohe",
        "2024",
    );
    assert!(out.contains("one paragraph per line"), "{out}");
    let gold: GoldFile = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("tests/extract-gold/luohe-2024.yaml")).unwrap(),
    )
    .unwrap();
    let s = score(&index, &gold.targets, &proposals);
    let report = s.report("seed 001 pasted from a web page (gold standard)");
    println!("{report}");
    assert!(s.recall() >= 0.99, "{report}");
    assert!(s.precision() >= 0.97, "{report}");
    assert!(s.field_accuracy() >= 0.99, "{report}");
}

/// The unseen Zhanhe report as a web page shows it (bold lead sentences lost, `（一）` written
/// `(一)`, `：` written `:`), against the demo editor's pledge file with the same `:`.
#[test]
fn web_text_of_the_unseen_zhanhe_report_against_the_editors_pledge_file() {
    let (index, proposals, out) = import_and_propose(
        "tests/fixtures/web-pasted/zhanhe-2026.txt",
        "zhanhe-2026",
        "zhanhe",
        "2026",
    );
    assert!(out.contains("one paragraph per line"), "{out}");
    let gold: Vec<Gold> = editor_targets("zhanhe-2026")
        .into_iter()
        .map(|g| Gold {
            text: g.text.replace('：', ":"),
            ..g
        })
        .collect();
    let s = score(&index, &gold, &proposals);
    let report = s.report("zhanhe-2026 pasted from a web page (unseen, editor's file)");
    println!("{report}");
    assert!(s.recall() >= 0.90, "{report}");
    assert!(s.precision() >= 0.85, "{report}");
    assert!(s.field_accuracy() >= 0.95, "{report}");
}

#[derive(Debug, Deserialize)]
struct EditorFile {
    pledges: Vec<EditorPledge>,
}

#[derive(Debug, Deserialize)]
struct EditorPledge {
    text: String,
    category: String,
    #[serde(default)]
    target: Option<EditorTarget>,
}

#[derive(Debug, Deserialize)]
struct EditorTarget {
    value: f64,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    qualifier: Qualifier,
}

/// The unseen report: the extractor was not tuned on it. Its reference is the targets of the
/// pledge file another editor wrote by hand, which may itself have left quantities out.
#[test]
fn extract_on_the_unseen_zhanhe_report_against_the_editors_pledge_file() {
    let gold = editor_targets("zhanhe-2026");
    let (index, proposals) = proposals_for("zhanhe-2026");
    let s = score(&index, &gold, &proposals);
    let report = s.report("zhanhe-2026 (unseen, editor's file)");
    println!("{report}");
    // A floor at the aims set for seed 001, below the first measurement (docs/extract.md),
    // to catch regressions only: the extractor is not tuned on this report.
    assert!(s.recall() >= 0.90, "{report}");
    assert!(s.precision() >= 0.85, "{report}");
    assert!(s.field_accuracy() >= 0.95, "{report}");
}

/// The targets of the demo's hand-written pledge file for `report`, as a reference.
fn editor_targets(report: &str) -> Vec<Gold> {
    let file: EditorFile = serde_yaml::from_str(
        &std::fs::read_to_string(root().join(format!("content/pledges/{report}.yaml"))).unwrap(),
    )
    .unwrap();
    file.pledges
        .into_iter()
        .filter_map(|p| {
            p.target.map(|t| Gold {
                text: p.text,
                value: t.value,
                unit: t.unit,
                qualifier: t.qualifier,
                optional: false,
                occurrence: None,
                category: Some(p.category),
            })
        })
        .collect()
}

/// A copy of the demo portal (content, seeds, site.yaml) in a temporary folder.
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_tree(&root().join("content"), &dir.path().join("content"));
    copy_tree(&root().join("seeds"), &dir.path().join("seeds"));
    dir
}

#[test]
fn check_accepts_the_drafts_of_both_demo_reports_with_and_without_draft_marks() {
    let dir = demo_copy();
    let site = dir.path().to_str().unwrap();
    for report in ["luohe-2024", "zhanhe-2026"] {
        let out = dir
            .path()
            .join(format!("content/pledges/{report}-draft.yaml"));
        let o = duixian(&[
            "--root",
            site,
            "extract",
            report,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_stderr_has(&o, "draft pledges in");
        let y = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            y.matches("\n    draft: true\n").count(),
            y.matches("\n  - id: ").count(),
            "every entry is a draft"
        );
    }
    let o = duixian(&["--root", site, "check", "--drafts"]);
    assert!(o.status.success(), "check --drafts:\n{}", stderr(&o));
    for report in ["luohe-2024", "zhanhe-2026"] {
        let out = dir
            .path()
            .join(format!("content/pledges/{report}-draft.yaml"));
        let y = std::fs::read_to_string(&out).unwrap();
        std::fs::write(&out, y.replace("    draft: true\n", "")).unwrap();
    }
    let o = duixian(&["--root", site, "check"]);
    assert!(
        o.status.success(),
        "check without draft marks:\n{}",
        stderr(&o)
    );
}

#[test]
fn extract_refuses_to_replace_an_existing_pledge_file() {
    let dir = demo_copy();
    let site = dir.path().to_str().unwrap();
    let file = dir.path().join("content/pledges/luohe-2024.yaml");
    let before = std::fs::read(&file).unwrap();
    let o = duixian(&["--root", site, "extract", "luohe-2024"]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "already exists");
    assert_stderr_has(&o, "--output");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let o = duixian(&["--root", site, "extract", "no-such-report"]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "no report `no-such-report`");
}

#[test]
fn extract_writes_the_default_pledge_file_when_there_is_none() {
    let dir = demo_copy();
    let site = dir.path().to_str().unwrap();
    std::fs::remove_file(dir.path().join("content/pledges/zhanhe-2026.yaml")).unwrap();
    let o = duixian(&["--root", site, "extract", "zhanhe-2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let y = std::fs::read_to_string(dir.path().join("content/pledges/zhanhe-2026.yaml")).unwrap();
    assert!(y.starts_with(
        "# Draft pledges proposed by `duixian extract` from content/reports/zhanhe-2026.md."
    ));
    assert!(y.contains("\nreport: zhanhe-2026\npledges:\n"));
    let o = duixian(&["--root", site, "check", "--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
}
