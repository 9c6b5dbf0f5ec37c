//! Readers' view in real headless Chromium (Debian's `chromium`, driven by playwright-core from
//! `tests/browser/`): every page kind of the demo portal, served under a sub-path, at phone and
//! desktop widths — no horizontal overflow at 360 px, zero axe-core violations (WCAG 2.2 AA and
//! best practices), no colour-contrast violation in dark mode, printed pages without navigation
//! or search and with pledge lists as tables whose rows do not break, no request leaving the
//! site. Screenshots (phone, desktop, phone in dark mode) land in `target/screenshots/`.
//!
//! Needs `apt-get install chromium` and `npm ci --prefix tests/browser`, so plain `cargo test`
//! ignores it; `.ci/run` installs both and runs `cargo test -- --include-ignored`, where a missing
//! program fails the test (`tests/suite/common/tools.rs`).

use crate::common::tools::{Tool, require};
use crate::common::*;
use std::path::Path;
use std::process::Command;

const PAGES: &[&str] = &[
    "",
    "reports/",
    "reports/luohe-2024/",
    "reports/zhanhe-2026/",
    "pledges/",
    "pledges/luohe-2024/",
    "pledges/luohe-2024/illegal-buildings/",
    "pledges/luohe-2024/good-air-days/",
    "pledges/luohe-2024/gdp-growth/",
    "news/",
    "news/luohe-2024-report-card/",
    "jurisdictions/",
    "jurisdictions/luohe/",
    "categories/urban/",
    "status/completed/",
    "compare/luohe/",
    "compare/zhanhe/",
    "overdue/",
    "about/",
    "data/",
    "embed/pledges/luohe-2024/illegal-buildings/",
    "404.html",
];

#[test]
#[ignore = "needs chromium, node and `npm ci --prefix tests/browser`; run by .ci/run with --include-ignored"]
fn every_page_kind_passes_the_reader_checks_in_chromium() {
    require(&[Tool::Chromium, Tool::Node, Tool::BrowserModules]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(root, &out, &["--base-url", "https://demo.example/portal/"]);
    let shots = root.join("target/screenshots");
    let mut cmd = Command::new("node");
    cmd.current_dir(&browser_dir)
        .arg("readers.mjs")
        .arg(&out)
        .arg("/portal/")
        .arg(&shots)
        .args(PAGES);
    let o = cmd.output().expect("node runs");
    assert!(
        o.status.success(),
        "readers.mjs failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("readers.mjs prints JSON");
    let mut problems = Vec::new();
    for p in report["pages"].as_array().unwrap() {
        let page = p["page"].as_str().unwrap();
        if p["status"] != 200 {
            problems.push(format!("/{page}: HTTP {}", p["status"]));
        }
        if p["overflow360"].as_i64().unwrap_or(1) > 0 {
            problems.push(format!(
                "/{page}: {} px of horizontal overflow at 360 px",
                p["overflow360"]
            ));
        }
        for v in p["violations"].as_array().unwrap() {
            problems.push(format!(
                "/{page}: axe {} ({}): {} at {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            ));
        }
        for v in p["dark_violations"].as_array().unwrap() {
            problems.push(format!(
                "/{page}: in dark mode, axe {} ({}): {} at {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            ));
        }
        let print = &p["print"];
        if print["nav_shown"] != 0 {
            problems.push(format!("/{page}: navigation or search printed: {print}"));
        }
        if print["overflow"].as_i64().unwrap_or(1) > 0 {
            problems.push(format!("/{page}: wider than A4 when printed: {print}"));
        }
        if print["print_rows"].as_u64().unwrap_or(0) > 0
            && (print["print_table_shown"] != 1 || print["rows_breakable"] != 0)
        {
            problems.push(format!(
                "/{page}: pledge table not printed whole rows: {print}"
            ));
        }
        for e in p["external"].as_array().unwrap() {
            problems.push(format!("/{page}: third-party request {e}"));
        }
        if p["axe_rules_passed"].as_u64().unwrap_or(0) < 10 {
            problems.push(format!("/{page}: axe-core does not seem to have run"));
        }
    }
    assert!(
        problems.is_empty(),
        "reader checks failed:\n{}",
        problems.join("\n")
    );
}
