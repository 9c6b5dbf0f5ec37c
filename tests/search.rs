//! Search: the demo portal's Pagefind index is written with the site, identical across builds,
//! served from a sub-path, and finds the right pledges for Chinese queries — with Pagefind's own
//! JavaScript in Node, and on the search page in headless Chromium.
//!
//! The Node and Chromium parts skip with a message when `node`, Chromium or
//! `tests/browser/node_modules` is missing; `.ci/run` installs them and sets
//! DUIXIAN_BROWSER_TESTS=1, which turns a skip into a failure.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASE_URL: &str = "https://demo.example/sub/dir/";
const BASE: &str = "/sub/dir/";

/// Queries from the issue, with a pledge each must find and how near the top.
const EXPECTED: &[(&str, &str, usize)] = &[
    ("老旧小区", "pledges/luohe-2024/old-communities/", 5),
    (
        "老旧小区",
        "pledges/zhanhe-2026/old-community-elevators/",
        5,
    ),
    ("充电桩", "pledges/luohe-2024/charging-piles/", 3),
    ("充电桩", "pledges/zhanhe-2026/ev-chargers/", 3),
    ("供热", "pledges/luohe-2024/heating-pipes/", 5),
    ("断头路", "pledges/luohe-2024/dead-end-roads/", 1),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build_demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(root(), &out, &["--base-url", BASE_URL]);
    (dir, out)
}

fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn pledges_json(out: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&read(out, "data/pledges.json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Whether a tool the test needs is there; without it the test skips, unless CI requires it.
fn available(what: &str, present: bool) -> bool {
    let required = std::env::var("DUIXIAN_BROWSER_TESTS").is_ok_and(|v| v == "1");
    assert!(
        present || !required,
        "DUIXIAN_BROWSER_TESTS=1 but {what} is missing"
    );
    if !present {
        eprintln!("skipped: {what} is missing (install it, or run .ci/run)");
    }
    present
}

fn have_node() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Run a script of `tests/browser/` and parse the JSON it prints.
fn node(script: &str, args: &[&str]) -> Value {
    let o = Command::new("node")
        .current_dir(root().join("tests/browser"))
        .arg(script)
        .args(args)
        .output()
        .expect("node runs");
    assert!(
        o.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} prints JSON ({e}):\n{}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn position(results: &Value, url: &str) -> Option<usize> {
    results
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["url"] == url)
}

#[test]
fn the_index_is_written_with_the_site_and_identical_across_builds() {
    let (_a, first) = build_demo();
    let (_b, second) = build_demo();
    let (one, two) = (tree(&first), tree(&second));
    let differing: Vec<&String> = one
        .keys()
        .chain(two.keys())
        .filter(|k| one.get(*k) != two.get(*k))
        .collect();
    assert!(differing.is_empty(), "differ between builds: {differing:?}");

    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.unknown.pagefind",
        "search/index.html",
        "search.js",
        "search-query.js",
        "search.css",
    ] {
        assert!(one.contains_key(file), "{file} missing from the output");
    }
    // One index, Chinese, holding every pledge, report and news page.
    let entry: Value = serde_json::from_str(&read(&first, "pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert_eq!(languages.keys().collect::<Vec<_>>(), ["zh"]);
    let pledges = pledges_json(&first).len();
    let reports = std::fs::read_dir(root().join("content/reports"))
        .unwrap()
        .count();
    let news = std::fs::read_dir(root().join("content/news"))
        .unwrap()
        .count();
    assert_eq!(
        languages["zh"]["page_count"].as_u64().unwrap() as usize,
        pledges + reports + news
    );
    let fragments = one
        .keys()
        .filter(|k| k.starts_with("pagefind/fragment/"))
        .count();
    assert_eq!(fragments, pledges + reports + news);
}

#[test]
fn searchable_pages_are_marked_and_the_search_page_honours_the_base_path() {
    let (_d, out) = build_demo();
    let pledge = read(&out, "pledges/luohe-2024/dead-end-roads/index.html");
    assert!(pledge.contains(r#"<main id="main" class="wrap" data-pagefind-body>"#));
    let report = read(&out, "reports/luohe-2024/index.html");
    assert!(report.contains("data-pagefind-body"));
    // Lists, the home page and the search page itself are not in the index.
    for page in ["index.html", "pledges/index.html", "search/index.html"] {
        assert!(
            !read(&out, page).contains("data-pagefind-body"),
            "{page} is marked for the index"
        );
    }
    let home = read(&out, "index.html");
    assert!(home.contains(&format!(r#"href="{BASE}search/""#)));

    let search = read(&out, "search/index.html");
    for needle in [
        format!(r#"data-bundle="{BASE}pagefind/""#),
        format!(r#"data-base="{BASE}""#),
        format!(r#"<script type="module" src="{BASE}search.js">"#),
        format!(r#"<link rel="stylesheet" href="{BASE}search.css">"#),
        // Without JavaScript: the form stays hidden and the note links to the pledge list.
        r#"role="search" method="get" hidden"#.to_string(),
        r#"<noscript><p class="panel">"#.to_string(),
        format!(r#"<a href="{BASE}pledges/">"#),
        r#"<select id="f-status" name="status">"#.to_string(),
        r#"<option value="luohe">漯河市</option>"#.to_string(),
        r#"<option value="2026">2026</option>"#.to_string(),
        r#"<option value="pledge">承诺</option>"#.to_string(),
    ] {
        assert!(search.contains(&needle), "search page lacks {needle}");
    }
    // Only statuses that occur are offered.
    let statuses: Vec<String> = pledges_json(&out)
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_string())
        .collect();
    if !statuses.iter().any(|s| s == "dropped") {
        assert!(!search.contains(r#"<option value="dropped">"#));
    }
}

#[test]
fn a_verbose_build_counts_the_indexed_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let site = fixture("full");
    let o = duixian(&[
        "--root",
        site.to_str().unwrap(),
        "-v",
        "build",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md_files = |dir: &str| {
        walkdir::WalkDir::new(site.join(dir))
            .into_iter()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "md")
            })
            .count()
    };
    let searchable =
        pledges_json(&out).len() + md_files("content/reports") + md_files("content/news");
    let err = stderr(&o);
    assert!(
        err.contains(&format!("  pages in the search index: {searchable}\n")),
        "{err}"
    );
    assert!(err.contains("finish the search index:"), "{err}");
}

#[test]
fn a_theme_without_a_search_page_gets_no_index() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    copy_tree(&root().join("themes/default"), &site.join("themes/plain"));
    std::fs::remove_file(site.join("themes/plain/templates/search.html")).unwrap();
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml: String = yaml
        .lines()
        .map(|l| {
            if l.starts_with("theme:") {
                "theme: plain"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(yaml.contains("theme: plain"), "the fixture names its theme");
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    let out = dir.path().join("out");
    build_ok(&site, &out, &[]);
    assert!(!out.join("pagefind").exists());
    assert!(!out.join("search").exists());
    assert!(!read(&out, "index.html").contains("/search/"));
}

#[test]
fn chinese_queries_find_the_expected_pledges_from_a_sub_path() {
    if !available("node", have_node()) {
        return;
    }
    let (_d, out) = build_demo();
    let pledges = pledges_json(&out);
    let status_of = |id: &str| {
        pledges.iter().find(|p| p["id"] == id).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let completed = pledges
        .iter()
        .filter(|p| p["status"] == "completed")
        .count();
    assert!(completed > 0, "the demo has completed pledges");
    let mut queries: Vec<String> = EXPECTED.iter().map(|(q, _, _)| q.to_string()).collect();
    queries.extend([
        "供热|jurisdiction=zhanhe".to_string(),
        "断头路|year=2026".to_string(),
        "|kind=pledge&status=completed".to_string(),
        "供热|kind=report".to_string(),
    ]);
    let mut args = vec![out.to_str().unwrap(), BASE];
    args.extend(queries.iter().map(String::as_str));
    let report = node("search-index.mjs", &args);
    let q = &report["queries"];

    for (query, pledge, within) in EXPECTED {
        let url = format!("{BASE}{pledge}");
        let results = &q[*query]["results"];
        let at = position(results, &url);
        assert!(
            at.is_some_and(|i| i < *within),
            "{query}: expected {url} among the first {within}, got {results:#}"
        );
    }
    // Filters: jurisdiction, year, kind, status, as ids; facets of a result.
    for r in q["供热|jurisdiction=zhanhe"]["results"].as_array().unwrap() {
        assert_eq!(r["filters"]["jurisdiction"][0], "zhanhe", "{r}");
    }
    assert!(
        position(
            &q["断头路|year=2026"]["results"],
            &format!("{BASE}pledges/luohe-2024/dead-end-roads/")
        )
        .is_none()
    );
    assert_eq!(q["|kind=pledge&status=completed"]["count"], completed);
    let reports = &q["供热|kind=report"]["results"];
    assert!(!reports.as_array().unwrap().is_empty());
    for r in reports.as_array().unwrap() {
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{BASE}reports/"))
        );
    }
    let roads = &q["断头路"]["results"][0];
    assert_eq!(roads["title"], "打通断头路10条以上");
    assert_eq!(roads["filters"]["kind"][0], "pledge");
    assert_eq!(roads["filters"]["year"][0], "2024");
    assert_eq!(roads["filters"]["jurisdiction"][0], "luohe");
    assert_eq!(roads["filters"]["category"][0], "urban");
    assert_eq!(
        roads["filters"]["status"][0].as_str().unwrap(),
        status_of("luohe-2024/dead-end-roads")
    );
    assert_eq!(report["outside"], Value::Array(vec![]));
}

#[test]
fn the_search_page_finds_pledges_in_chromium() {
    let browser_dir = root().join("tests/browser");
    let have = (Path::new("/usr/bin/chromium").exists() || std::env::var("CHROMIUM").is_ok())
        && browser_dir.join("node_modules/playwright-core").is_dir()
        && have_node();
    if !available("chromium or tests/browser/node_modules", have) {
        return;
    }
    let (_d, out) = build_demo();
    let shots = root().join("target/screenshots");
    let mut args = vec![out.to_str().unwrap(), BASE, shots.to_str().unwrap()];
    let queries: Vec<&str> = EXPECTED.iter().map(|(q, _, _)| *q).collect();
    args.extend(&queries);
    let report = node("search-page.mjs", &args);

    let mut problems = Vec::new();
    for (query, pledge, within) in EXPECTED {
        let url = format!("{BASE}{pledge}");
        let results = &report["queries"][*query]["results"];
        if position(results, &url).is_none_or(|i| i >= *within) {
            problems.push(format!(
                "?q={query}: {url} not among the first {within}: {results}"
            ));
        }
    }
    let typed = &report["typed"];
    if typed["url"] != format!("{BASE}search/?q=%E4%BE%9B%E7%83%AD&kind=pledge") {
        problems.push(format!(
            "typing and filtering left the URL at {}",
            typed["url"]
        ));
    }
    let filtered = typed["results"].as_array().unwrap();
    if filtered.is_empty()
        || filtered.iter().any(|r| r["kind"] != "承诺")
        || typed["before_filter"].as_array().unwrap().len() <= filtered.len()
    {
        problems.push(format!(
            "the kind filter did not narrow the results: {typed}"
        ));
    }
    if filtered.iter().all(|r| r["marks"] == 0) {
        problems.push("no excerpt highlights the query".into());
    }
    let completed = report["filter_only"]["results"].as_array().unwrap();
    if completed.is_empty() || completed.iter().any(|r| r["status"] != "已完成") {
        problems.push(format!(
            "?status=completed listed {}",
            report["filter_only"]
        ));
    }
    if report["form_visible"] != true {
        problems.push("the search form is hidden with JavaScript on".into());
    }
    if report["nojs"]["form_visible"] != false || report["nojs"]["pledges_link_visible"] != true {
        problems.push(format!("without JavaScript: {}", report["nojs"]));
    }
    if report["overflow360"].as_i64().unwrap_or(1) > 0 {
        problems.push(format!(
            "{} px of overflow at 360 px",
            report["overflow360"]
        ));
    }
    for v in report["violations"].as_array().unwrap() {
        problems.push(format!(
            "axe {} ({}): {} at {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        ));
    }
    if report["axe_rules_passed"].as_u64().unwrap_or(0) < 10 {
        problems.push("axe-core does not seem to have run".into());
    }
    for key in ["external", "outside", "errors"] {
        for e in report[key].as_array().unwrap() {
            problems.push(format!("{key}: {e}"));
        }
    }
    assert!(problems.is_empty(), "search page:\n{}", problems.join("\n"));
}
