//! Search: the demo portal's index is written with the site, identical across builds, served
//! from a sub-path, and finds the right pledges for Chinese queries — with the theme's own
//! `search-index.js` in Node, and on the search page in headless Chromium; the page's
//! tokeniser agrees with the indexer's on the shared cases.
//!
//! The Node and Chromium parts need `node`, Chromium and `npm ci --prefix tests/browser`, so
//! plain `cargo test` ignores them; `.ci/run` installs those and runs
//! `cargo test -- --include-ignored`, where a missing program fails the test
//! (`tests/suite/common/tools.rs`).

use crate::common::tools::{Tool, require};
use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASE_URL: &str = "https://demo.example/sub/dir/";
const BASE: &str = "/sub/dir/";

/// Queries from the issue, with a pledge each must find and how near the top. Six pledges of
/// the demo have 老旧小区 in their titles, and title matches come first: both are in the top six.
const EXPECTED: &[(&str, &str, usize)] = &[
    ("老旧小区", "pledges/luohe-2024/old-communities/", 6),
    (
        "老旧小区",
        "pledges/zhanhe-2026/old-community-elevators/",
        6,
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

/// The file a page names after `attr` (an address under [`BASE`]), checked to be a hashed name
/// `<stem><10 hex digits><ext>`; its path in the output.
fn hashed_ref(page: &str, attr: &str, stem: &str, ext: &str) -> String {
    let start = format!("{attr}{BASE}{stem}");
    let hash = page
        .split(&start)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("the page has no {start}"));
    let file = format!("{stem}{hash}");
    let hash = hash
        .strip_suffix(ext)
        .unwrap_or_else(|| panic!("{file} is not {stem}<hash>{ext}"));
    assert!(
        hash.len() == 10 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "{file}: not 10 lowercase hex digits"
    );
    file
}

fn pledges_json(out: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&read(out, "data/pledges.json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
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
        "search/meta.json",
        "search/t/0.json",
        "search/d/0.json",
        "search/index.html",
        "search.js",
        "search-index.js",
        "search.css",
    ] {
        assert!(one.contains_key(file), "{file} missing from the output");
    }
    assert!(!one.keys().any(|k| k.starts_with("pagefind/")));
    assert!(
        !one.keys().any(|k| k.contains("spill")),
        "the spill folder is left out"
    );
    // One document per pledge, report and news page, each in exactly one record.
    let meta: Value = serde_json::from_str(&read(&first, "search/meta.json")).unwrap();
    let pledges = pledges_json(&first).len();
    let reports = std::fs::read_dir(root().join("content/reports"))
        .unwrap()
        .count();
    let news = std::fs::read_dir(root().join("content/news"))
        .unwrap()
        .count();
    let docs = pledges + reports + news;
    assert_eq!(meta["docs"].as_u64().unwrap() as usize, docs);
    let chunk = meta["chunk"].as_u64().unwrap() as usize;
    let mut urls = Vec::new();
    for c in 0..docs.div_ceil(chunk) {
        let records: Value =
            serde_json::from_str(&read(&first, &format!("search/d/{c}.json"))).unwrap();
        for r in records.as_array().unwrap() {
            let url = r[0].as_str().unwrap().to_string();
            assert!(first.join(&url).join("index.html").is_file(), "{url}");
            urls.push(url);
        }
    }
    assert_eq!(urls.len(), docs);
    assert!(
        urls.iter().all(|u| !u.starts_with('/')),
        "URLs are relative to the base"
    );
    let shards = meta["shards"].as_u64().unwrap() as usize;
    assert!(shards.is_power_of_two());
    for s in 0..shards {
        assert!(one.contains_key(&format!("search/t/{s}.json")), "shard {s}");
    }
    assert_eq!(meta["kinds"]["pledge"], "承诺");
}

#[test]
fn the_search_page_honours_the_base_path() {
    let (_d, out) = build_demo();
    let home = read(&out, "index.html");
    assert!(home.contains(&format!(r#"href="{BASE}search/""#)));

    let search = read(&out, "search/index.html");
    for needle in [
        format!(r#"data-index="{BASE}search/""#),
        format!(r#"data-base="{BASE}""#),
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
    // The page loads the content-hashed script and stylesheet, and the script imports the
    // hashed index reader, so that hosts may cache both for a year.
    let script = hashed_ref(&search, r#"<script type="module" src=""#, "search.", ".js");
    hashed_ref(
        &search,
        r#"<link rel="stylesheet" href=""#,
        "search.",
        ".css",
    );
    let module = read(&out, &script);
    let reader = module
        .split("from \"./")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no relative import in {script}"));
    assert!(reader.starts_with("search-index.") && reader.len() == "search-index.".len() + 13);
    assert!(
        out.join(reader).is_file(),
        "{reader} is imported but missing"
    );
    assert!(
        read(&out, "search.js").contains(r#"from "./search-index.js""#),
        "the unhashed copy is the theme's file as it is"
    );
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
    assert!(
        err.contains("  search index: ") && err.contains(" postings, "),
        "{err}"
    );
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
    assert!(!out.join("search").exists());
    assert!(!out.join("pagefind").exists());
    assert!(!read(&out, "index.html").contains("/search/"));
}

#[test]
#[ignore = "needs node; run by .ci/run with --include-ignored"]
fn chinese_queries_find_the_expected_pledges_from_a_sub_path() {
    require(&[Tool::Node]);
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
    let roads_status = status_of("luohe-2024/dead-end-roads");
    let all_facets = format!(
        "断头路|kind=pledge&status={roads_status}&year=2024&jurisdiction=luohe&category=urban"
    );
    let mut queries: Vec<String> = EXPECTED.iter().map(|(q, _, _)| q.to_string()).collect();
    queries.extend([
        "供热|jurisdiction=zhanhe".to_string(),
        "断头路|year=2026".to_string(),
        "|kind=pledge&status=completed".to_string(),
        "供热|kind=report".to_string(),
        all_facets.clone(),
        "路".to_string(),
        "ＣＯＮＳＴＲＵＣＴＯＲ __proto__".to_string(),
        "断头路 不存在的词语".to_string(),
        "斷頭路".to_string(),
        "老舊小區".to_string(),
        "生产总值同比增长".to_string(),
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
        // Pages with the query in their title come first.
        let in_title: Vec<bool> = results
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().contains(query))
            .collect();
        assert!(
            in_title.windows(2).all(|w| w[0] || !w[1]),
            "{query}: {results:#}"
        );
        // The excerpt marks what was searched for.
        assert!(
            results[0]["excerpt"]
                .as_str()
                .unwrap()
                .contains(&format!("[{query}]")),
            "{query}: {:#}",
            results[0]
        );
    }
    // Filters: jurisdiction, year, kind, status, category, as ids.
    let zhanhe = q["供热|jurisdiction=zhanhe"]["results"].as_array().unwrap();
    assert!(!zhanhe.is_empty());
    for r in zhanhe {
        assert!(r["url"].as_str().unwrap().contains("zhanhe-"), "{r}");
    }
    assert!(
        position(
            &q["断头路|year=2026"]["results"],
            &format!("{BASE}pledges/luohe-2024/dead-end-roads/")
        )
        .is_none()
    );
    assert_eq!(q["|kind=pledge&status=completed"]["count"], completed);
    for r in q["|kind=pledge&status=completed"]["results"]
        .as_array()
        .unwrap()
    {
        assert_eq!(r["status"], "completed", "{r}");
    }
    let reports = &q["供热|kind=report"]["results"];
    assert!(!reports.as_array().unwrap().is_empty());
    for r in reports.as_array().unwrap() {
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{BASE}reports/"))
        );
        // A report's text is long: its excerpt comes from the whole text, around the match.
        assert!(r["excerpt"].as_str().unwrap().contains("[供热]"), "{r}");
    }
    let roads = &q["断头路"]["results"][0];
    assert_eq!(roads["title"], "打通断头路10条以上");
    assert_eq!(roads["kind"], "pledge");
    assert_eq!(roads["status"].as_str().unwrap(), roads_status);
    assert_eq!(
        q[all_facets.as_str()]["results"][0]["url"],
        format!("{BASE}pledges/luohe-2024/dead-end-roads/")
    );
    // One character finds it too; words that are nowhere find nothing (and break nothing).
    assert!(position(&q["路"]["results"], roads["url"].as_str().unwrap()).is_some());
    assert_eq!(q["ＣＯＮＳＴＲＵＣＴＯＲ __proto__"]["count"], 0);
    assert_eq!(q["断头路 不存在的词语"]["count"], 0);
    // Traditional characters find simplified text (regression: `traditional_queries_found_nothing`),
    // the same pages in the same order, with the match marked in the simplified excerpt; the
    // folding table's shards are fetched for such queries only, only those of their characters
    // and of what these fold to.
    for (traditional, simplified) in [("斷頭路", "断头路"), ("老舊小區", "老旧小区")]
    {
        assert_eq!(q[traditional]["ids"], q[simplified]["ids"], "{traditional}");
        assert!(q[traditional]["count"].as_u64().unwrap() > 0);
        let excerpt = q[traditional]["results"][0]["excerpt"].as_str().unwrap();
        assert!(excerpt.contains(&format!("[{simplified}]")), "{excerpt}");
        let shards = |query: &str| -> Vec<String> {
            q[query]["files"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f.as_str().filter(|f| f.starts_with("search/f/")))
                .map(str::to_string)
                .collect()
        };
        let mut expected: Vec<String> = traditional
            .chars()
            .chain(simplified.chars())
            .map(|c| format!("search/f/{}.txt", c as u32 % duixian::search::FOLD_SHARDS))
            .collect();
        expected.sort();
        expected.dedup();
        let mut got = shards(traditional);
        got.sort();
        assert_eq!(got, expected, "{traditional}");
    }
    // And the reverse: the demo's news item in traditional characters is found in simplified
    // ones, its own characters marked in the excerpt.
    let reform = &q["生产总值同比增长"]["results"];
    let at = position(reform, &format!("{BASE}news/luohe-reform-2024/"));
    assert!(at.is_some(), "{reform:#}");
    assert!(
        reform[at.unwrap()]["excerpt"]
            .as_str()
            .unwrap()
            .contains("[生產總值同比增長]"),
        "{reform:#}"
    );
    assert!(
        !q["ＣＯＮＳＴＲＵＣＴＯＲ __proto__"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("search/f/"))
    );
    // Only index files are fetched, from below the sub-path.
    for (query, r) in q.as_object().unwrap() {
        let files = r["files"].as_array().unwrap();
        assert_eq!(files[0], "search/meta.json", "{query}");
        assert!(
            files
                .iter()
                .all(|f| f.as_str().unwrap().starts_with("search/")),
            "{query}: {files:?}"
        );
    }
    assert_eq!(report["outside"], Value::Array(vec![]));
}

#[test]
#[ignore = "needs node; run by .ci/run with --include-ignored"]
fn the_page_tokenises_as_the_index_does() {
    require(&[Tool::Node]);
    let module = root().join("themes/default/static/search-index.js");
    let cases = root().join("tests/fixtures/search-tokens.json");
    let fold = root().join("src/search/ts-fold.txt");
    let report = node(
        "search-tokens.mjs",
        &[
            module.to_str().unwrap(),
            cases.to_str().unwrap(),
            fold.to_str().unwrap(),
        ],
    );
    assert!(report["checked"].as_u64().unwrap() >= 30, "{report}");
    assert_eq!(report["failures"], Value::Array(vec![]), "{report:#}");
}

#[test]
#[ignore = "needs chromium, node and `npm ci --prefix tests/browser`; run by .ci/run with --include-ignored"]
fn the_search_page_finds_pledges_in_chromium() {
    require(&[Tool::Chromium, Tool::Node, Tool::BrowserModules]);
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
