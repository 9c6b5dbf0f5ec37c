//! The full fixture site: every contract URL, the open data and the built pages, link integrity,
//! determinism and the output guarantees of docs/content-model.md §10.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const BASE_PATH: &str = "/sub/path/";
const BASE_URL: &str = "https://example.org/sub/path/";

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(&fixture("full"), &out, &[]);
    (dir, out)
}

fn json(out: &Path, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(out.join(file)).unwrap()).unwrap()
}

fn pledge<'a>(all: &'a Value, id: &str) -> &'a Value {
    all.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no pledge {id}"))
}

#[test]
fn check_passes_on_the_full_fixture() {
    let o = duixian(&["--root", fixture("full").to_str().unwrap(), "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "12 pledges");
}

#[test]
fn every_contract_url_is_built() {
    let (_d, out) = built();
    for path in [
        "index.html",
        "reports/index.html",
        "reports/alpha-2024/index.html",
        "pledges/index.html",
        "pledges/alpha-2024/illegal-buildings/index.html",
        "news/index.html",
        "news/report-card/index.html",
        "news/mid-year/index.html",
        "jurisdictions/alpha/index.html",
        "jurisdictions/gamma/index.html",
        "categories/urban/index.html",
        "status/completed/index.html",
        "status/carried_over/index.html",
        "status/unrated/index.html",
        "compare/alpha/index.html",
        "compare/beta/index.html",
        "about/index.html",
        "guide/data/index.html",
        "feed.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "data/pledges.json",
        "data/pledges.csv",
        "data/indicators.json",
        "data/indicators.csv",
        "style.css",
        "syntax.css",
    ] {
        assert!(out.join(path).is_file(), "missing {path}");
    }
    assert!(
        !out.join("pledges/beta-2024/draft-pledge/index.html")
            .exists(),
        "drafts are left out by default"
    );
}

#[test]
fn each_pledge_has_a_json_twin_a_feed_and_an_embeddable_card() {
    let (_d, out) = built();
    let dir = out.join("pledges/alpha-2024/old-communities");
    let twin: Value =
        serde_json::from_slice(&std::fs::read(dir.join("pledge.json")).unwrap()).unwrap();
    let all = json(&out, "data/pledges.json");
    assert_eq!(
        &twin,
        pledge(&all, "alpha-2024/old-communities"),
        "the twin is the open-data row"
    );
    let feed = std::fs::read_to_string(dir.join("feed.xml")).unwrap();
    assert_eq!(
        feed.matches("<entry>").count(),
        3,
        "one entry per history entry"
    );
    let embed =
        std::fs::read_to_string(out.join("embed/pledges/alpha-2024/old-communities/index.html"))
            .unwrap();
    assert!(embed.contains(r#"href="https://example.org/sub/path/pledges/alpha-2024/old-communities/" target="_top""#), "{embed}");
    assert!(!embed.contains("stylesheet"), "the card is self-contained");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("/embed/"),
        "embed cards are not listed for search engines"
    );
}

#[test]
fn overdue_pledges_are_judged_against_the_data_date() {
    let (_d, out) = built();
    let page = std::fs::read_to_string(out.join("overdue/index.html")).unwrap();
    // Data date: 2025-02-20 (the 2025 report). Past deadline, no verdict, no successor:
    for id in [
        "alpha-2024/cpi",
        "alpha-2024/gdp",
        "alpha-2024/projects",
        "alpha-2024/investment",
        "beta-2024/revenue",
    ] {
        assert!(
            page.contains(&format!("/pledges/{id}/")),
            "{id} should be overdue"
        );
    }
    // Completed, partially completed, carried over, or not yet due are not:
    for id in [
        "alpha-2024/illegal-buildings",
        "alpha-2024/parking",
        "alpha-2024/heat-network",
        "alpha-2023/heating-pipes",
        "alpha-2025/heat-network",
    ] {
        assert!(
            !page.contains(&format!("/pledges/{id}/\"")),
            "{id} should not be overdue"
        );
    }
    assert!(page.contains("2025-02-20"));
}

#[test]
fn report_quotes_carry_a_text_label_not_only_colour() {
    let (_d, out) = built();
    let html = std::fs::read_to_string(out.join("reports/alpha-2024/index.html")).unwrap();
    assert!(
        html.contains(r#"完成200处以上违法建设拆除</a><span class="ql">已完成</span>"#),
        "{html}"
    );
}

#[test]
fn computed_fields_follow_the_contract() {
    let (_d, out) = built();
    let all = json(&out, "data/pledges.json");
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "pledges.json is ordered by full id");

    let ib = pledge(&all, "alpha-2024/illegal-buildings");
    assert_eq!(ib["status"], "completed");
    assert_eq!(ib["value"], 590);
    assert_eq!(ib["met"], true);
    assert_eq!(ib["section"], "(一) 提升城市品质");
    assert_eq!(ib["department"], "市城市管理局");
    assert_eq!(ib["url"], "/pledges/alpha-2024/illegal-buildings/");
    assert_eq!(ib["history"][0]["news"], "report-card");

    // History: starting status first (dated the report's delivery), then updates by as_of.
    let oc = pledge(&all, "alpha-2024/old-communities");
    let hist: Vec<(&str, &str)> = oc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["date"].as_str().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        hist,
        vec![
            ("2024-02-21", "in_progress"),
            ("2024-06-30", "in_progress"),
            ("2024-12-31", "completed")
        ]
    );
    assert_eq!(oc["history"][0]["news"], Value::Null);
    assert_eq!(oc["news"], serde_json::json!(["mid-year", "report-card"]));
    assert_eq!(oc["title"], "改造老旧小区68个", "title defaults to text");

    // Deadline passed without reaching the target: missed.
    let parking = pledge(&all, "alpha-2024/parking");
    assert_eq!(parking["deadline"], "2024-06-30");
    assert_eq!(parking["met"], false);
    // Not yet at the deadline and not met: undecided. Met once reached, even mid-year.
    assert_eq!(pledge(&all, "alpha-2024/gdp")["met"], true);
    assert_eq!(pledge(&all, "alpha-2024/cpi")["met"], Value::Null);

    // Carry-over chain 2023 → 2024 → 2025 and its reverse links.
    let h = pledge(&all, "alpha-2024/heat-network");
    assert_eq!(h["carried_from"], "alpha-2023/heating-pipes");
    assert_eq!(h["carried_to"], "alpha-2025/heat-network");
    assert_eq!(h["status"], "carried_over");
    assert_eq!(
        h["target"]["qualifier"], "exact",
        "qualifier defaults to exact"
    );
    assert_eq!(
        pledge(&all, "alpha-2025/heat-network")["carried_from"],
        "alpha-2024/heat-network"
    );

    // Every key is always present.
    for p in all.as_array().unwrap() {
        for k in [
            "id",
            "report",
            "jurisdiction",
            "year",
            "text",
            "title",
            "section",
            "category",
            "department",
            "tags",
            "deadline",
            "status",
            "target",
            "value",
            "as_of",
            "met",
            "history",
            "news",
            "carried_from",
            "carried_to",
            "url",
        ] {
            assert!(p.get(k).is_some(), "{} lacks {k}", p["id"]);
        }
    }

    let ind = json(&out, "data/indicators.json");
    let rows = ind.as_array().unwrap();
    let key = |r: &Value| {
        format!(
            "{}/{}/{}",
            r["jurisdiction"].as_str().unwrap(),
            r["indicator"].as_str().unwrap(),
            r["year"]
        )
    };
    let keys: Vec<String> = rows.iter().map(key).collect();
    assert_eq!(
        keys,
        vec![
            "alpha/cpi/2024",
            "alpha/gdp-growth/2023",
            "alpha/gdp-growth/2024",
            "beta/unemployment/2024"
        ]
    );
    assert_eq!(
        rows[0]["met"], true,
        "lower is better, about 3 with tolerance 0.1: 3.2 <= 3.3"
    );
    assert_eq!(rows[2]["provisional"], true);
    assert_eq!(
        rows[2]["met"],
        Value::Null,
        "provisional actuals are never judged"
    );
    assert_eq!(rows[3]["met"], false);
    assert_eq!(rows[1]["target"], Value::Null);
}

#[test]
fn open_data_and_key_pages_match_snapshots() {
    let (_d, out) = built();
    let expected = fixture("full-expected");
    for f in [
        "data/pledges.json",
        "data/pledges.csv",
        "data/indicators.json",
        "data/indicators.csv",
        "feed.xml",
        "sitemap.xml",
        "pledges/alpha-2024/old-communities/index.html",
        "reports/alpha-2024/index.html",
        "news/report-card/index.html",
        "compare/alpha/index.html",
    ] {
        let actual = String::from_utf8(std::fs::read(out.join(f)).unwrap()).unwrap();
        snapshot(&expected.join(f), &actual);
    }
}

#[test]
fn csv_files_open_in_spreadsheets() {
    let (_d, out) = built();
    let csv = std::fs::read(out.join("data/pledges.csv")).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 13, "header plus 12 pledges");
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let (_d, out) = built();
    let broken = broken_links(&out, BASE_PATH, BASE_URL);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn quotes_are_highlighted_and_linked_across_markup() {
    let (_d, out) = built();
    let html = std::fs::read_to_string(out.join("reports/alpha-2024/index.html")).unwrap();
    // The quote spans `**新建供热管网。**` and the text after it: two pieces, one anchor.
    assert!(html.contains(r#"<strong><a class="q st-carried_over" id="heat-network" href="/sub/path/pledges/alpha-2024/heat-network/""#), "{html}");
    assert_eq!(html.matches(r#"id="heat-network""#).count(), 1);
    let news = std::fs::read_to_string(out.join("news/report-card/index.html")).unwrap();
    assert!(
        news.contains(r#"id="u_0" href="/sub/path/pledges/alpha-2024/illegal-buildings/""#),
        "{news}"
    );
    assert!(
        news.contains("class=\"hl-"),
        "code blocks are highlighted with classes"
    );
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(
        !about.contains("<script>alert"),
        "raw HTML from content is not executed"
    );
    assert!(
        about.contains(r#"href="/sub/path/guide/data/""#),
        "root-relative content links get the base path"
    );
}

#[test]
fn rebuilds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_ok(&fixture("full"), &a, &[]);
    build_ok(&fixture("full"), &b, &[]);
    assert!(tree(&a) == tree(&b), "two builds of one site differ");
}

#[test]
fn drafts_are_built_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(&fixture("full"), &out, &["--drafts"]);
    assert!(
        out.join("pledges/beta-2024/draft-pledge/index.html")
            .is_file()
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = dir.path().join("out");
    build_ok(&site, &out, &[]);
    let before = tree(&out);
    std::fs::write(
        site.join("content/pledges/alpha-2025.yaml"),
        "report: alpha-2025\npledges:\n  - id: x\n    text: 不存在的句子\n    category: urban\n",
    )
    .unwrap();
    let o = run_build(&site, &out, &[]);
    assert!(!o.status.success());
    assert_stderr_has(
        &o,
        "content/pledges/alpha-2025.yaml:4:11: text does not occur",
    );
    assert!(tree(&out) == before, "output changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".duixian-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
}

#[test]
fn pages_of_deleted_content_disappear() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = dir.path().join("out");
    build_ok(&site, &out, &[]);
    assert!(out.join("about/index.html").is_file());
    std::fs::remove_file(site.join("content/pages/about.md")).unwrap();
    build_ok(&site, &out, &[]);
    assert!(!out.join("about").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("precious");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "years of work").unwrap();
    let o = run_build(&fixture("full"), &out, &[]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "not written by duixian");
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "years of work"
    );
    let o = run_build(&fixture("full"), &fixture("full"), &[]);
    assert!(!o.status.success(), "the site folder itself is refused");
}

#[test]
fn a_root_base_url_needs_no_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(
        &fixture("full"),
        &out,
        &["--base-url", "https://accountability.example/"],
    );
    let broken = broken_links(&out, "/", "https://accountability.example/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Regression (issue 17, follow-up 1): a base_url ending in `//` (`--base-url "$CI_PAGES_URL/"`
/// where the variable already ends in `/`) wrote links like `/portal//style.css`.
#[test]
fn base_url_with_a_doubled_slash_gives_the_same_site_as_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    build_ok(
        &fixture("full"),
        &one,
        &["--base-url", "https://x.org/portal/"],
    );
    build_ok(
        &fixture("full"),
        &two,
        &["--base-url", "https://x.org/portal//"],
    );
    assert!(tree(&one) == tree(&two), "the two builds differ");
    let home = std::fs::read_to_string(two.join("index.html")).unwrap();
    assert!(home.contains("href=\"/portal/style."), "{home}");
    assert!(!home.contains("/portal//"), "{home}");
    // Likewise in site.yaml.
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let line = yaml.lines().find(|l| l.starts_with("base_url:")).unwrap();
    std::fs::write(
        site.join("site.yaml"),
        yaml.replace(line, "base_url: https://x.org/portal//"),
    )
    .unwrap();
    let three = dir.path().join("three");
    build_ok(&site, &three, &[]);
    assert!(
        tree(&one) == tree(&three),
        "site.yaml's base_url is not normalised"
    );
}

/// A `--base-url` with a query is refused by its name (not at site.yaml's line), and the
/// previous output stays as it was.
#[test]
fn a_base_url_with_a_query_is_refused_and_the_output_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(&fixture("full"), &out, &[]);
    let before = tree(&out);
    let o = run_build(
        &fixture("full"),
        &out,
        &["--base-url", "https://x.org/portal/?preview=1"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("--base-url `https://x.org/portal/?preview=1`"),
        "{err}"
    );
    assert!(err.contains("without a query"), "{err}");
    assert!(!err.contains("site.yaml"), "{err}");
    assert!(tree(&out) == before, "the previous output changed");
}

#[test]
fn interface_language_follows_site_yaml() {
    for (lang, completed, html_lang) in [
        ("en", "Completed", "en"),
        ("zh-Hant", "已完成", "zh-Hant"),
        ("zh-Hans", "已完成", "zh-Hans"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_tree(&fixture("full"), &site);
        let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
        std::fs::write(
            site.join("site.yaml"),
            yaml.replace("language: zh-Hans", &format!("language: {lang}")),
        )
        .unwrap();
        let out = dir.path().join("out");
        build_ok(&site, &out, &[]);
        let page =
            std::fs::read_to_string(out.join("pledges/alpha-2024/illegal-buildings/index.html"))
                .unwrap();
        assert!(
            page.contains(&format!("<html lang=\"{html_lang}\">")),
            "{lang}"
        );
        assert!(
            page.contains(&format!(">{completed}</a>")),
            "{lang}: status label"
        );
        if lang == "zh-Hant" {
            assert!(page.contains("狀態記錄"), "traditional strings are used");
        }
    }
}

#[test]
fn stylesheets_and_scripts_have_hashed_copies_that_pages_name() {
    let (_d, out) = built();
    let hashed = |name: &str| {
        let (rest, _) = name.rsplit_once('.').unwrap();
        rest.rsplit_once('.').is_some_and(|(_, h)| {
            h.len() == 10 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
    };
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".css") || n.ends_with(".js"))
        .collect();
    names.sort();
    let plain: Vec<&String> = names.iter().filter(|n| !hashed(n)).collect();
    assert!(plain.iter().any(|n| *n == "style.css"), "{names:?}");
    for name in &plain {
        let (stem, ext) = name.rsplit_once('.').unwrap();
        let copies: Vec<&String> = names
            .iter()
            .filter(|n| hashed(n) && n.starts_with(&format!("{stem}.")) && n.ends_with(ext))
            .filter(|n| n.len() == name.len() + 11)
            .collect();
        assert_eq!(copies.len(), 1, "{name}: {copies:?}");
        // Without imports, the copy holds the same bytes.
        if !name.starts_with("search") {
            assert_eq!(
                std::fs::read(out.join(name)).unwrap(),
                std::fs::read(out.join(copies[0])).unwrap(),
                "{name}"
            );
        }
    }
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("/style.css\""), "pages name the hashed copy");
    assert!(
        home.contains(&format!("href=\"{BASE_PATH}style.")),
        "under the base path"
    );
}

#[test]
fn robots_txt_names_the_sitemap_by_its_absolute_address() {
    // Crawlers read robots.txt at the host's root only: under a sub-path it is copied there
    // (docs/publishing.md), so its sitemap address must not be relative.
    let (_d, out) = built();
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE_URL}sitemap.xml")),
        "{robots}"
    );
}
