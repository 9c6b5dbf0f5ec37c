//! The benchmark corpus generator (`benches/gen_corpus.rs`, the `gen-corpus` example): same seed,
//! same files; what it writes passes `duixian check`, builds without broken links and uses the
//! contract's features (sections, evidence quotes, carry-over, indicators).

use crate::common::*;
use crate::gen_corpus::{Options, generate};
use std::path::Path;

fn portal(dir: &Path, pledges: usize, news: usize, seed: u64) {
    generate(&Options {
        pledges,
        news,
        plain: None,
        seed,
        out: dir.to_path_buf(),
    })
    .expect("the generator writes into a fresh folder");
}

fn plain(dir: &Path, pages: usize, seed: u64) {
    generate(&Options {
        pledges: 0,
        news: 0,
        plain: Some(pages),
        seed,
        out: dir.to_path_buf(),
    })
    .expect("the generator writes into a fresh folder");
}

#[test]
fn same_seed_gives_identical_trees_and_another_seed_does_not() {
    let d = tempfile::tempdir().unwrap();
    let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
    portal(&a, 160, 320, 7);
    portal(&b, 160, 320, 7);
    portal(&c, 160, 320, 8);
    let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
    assert!(ta.len() > 300, "only {} files", ta.len());
    assert!(ta == tb, "two runs with seed 7 differ");
    assert!(ta != tc, "seeds 7 and 8 gave the same corpus");

    let (p, q) = (d.path().join("p"), d.path().join("q"));
    plain(&p, 50, 3);
    plain(&q, 50, 3);
    assert!(tree(&p) == tree(&q), "two plain runs with seed 3 differ");
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("keep.txt"), "x").unwrap();
    let err = generate(&Options {
        pledges: 10,
        news: 0,
        plain: None,
        seed: 1,
        out: d.path().to_path_buf(),
    });
    assert!(err.is_err());
    assert!(d.path().join("keep.txt").is_file());
}

#[test]
fn a_small_portal_checks_and_builds_with_every_feature_in_use() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    portal(&site, 250, 500, 11);
    let o = duixian(&["--root", site.to_str().unwrap(), "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "250 pledges, 500 news items");

    let out = d.path().join("out");
    build_ok(&site, &out, &[]);
    let broken = broken_links(&out, "/portal/", "https://bench.example.org/portal/");
    assert!(broken.is_empty(), "broken links: {broken:?}");

    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/pledges.json")).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 250);
    let count = |f: &dyn Fn(&serde_json::Value) -> bool| rows.iter().filter(|r| f(r)).count();
    // Every quote sits under a heading of the work-plan part of its report.
    assert_eq!(count(&|r| r["section"].is_string()), 250);
    assert!(count(&|r| r["target"].is_object()) > 150);
    assert!(count(&|r| r["carried_to"].is_string()) > 0, "no carry-over");
    assert!(count(&|r| r["met"] == true) > 0, "no pledge met");
    assert!(
        count(&|r| r["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["quote"].is_string()))
            > 50,
        "too few pledges with quoted evidence"
    );
    let indicators: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/indicators.json")).unwrap()).unwrap();
    let indicators = indicators.as_array().unwrap();
    assert!(indicators.iter().any(|r| r["met"] == true));
    assert!(indicators.iter().any(|r| r["provisional"] == true));
}

#[test]
fn the_plain_workload_builds_with_its_own_theme() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    plain(&site, 60, 5);
    let out = d.path().join("out");
    build_ok(&site, &out, &[]);
    let files = tree(&out);
    let pages = files
        .keys()
        .filter(|p| p.starts_with("news/s") && p.ends_with("/index.html"))
        .count();
    assert_eq!(pages, 60);
    let page = std::str::from_utf8(&files["news/s01-000001/index.html"]).unwrap();
    for part in [
        "<h2 id=\"h_1\">",
        "<ul>",
        "<table>",
        "href=\"https://www.gov.cn/zhengce/\"",
        "href=\"/jurisdictions/",
    ] {
        assert!(page.contains(part), "no {part} in {page}");
    }
    // The list pages: 60 items, 20 a page.
    assert!(files.contains_key("news/page/3/index.html"));
    assert!(!files.contains_key("news/page/4/index.html"));
    let broken = broken_links(&out, "/", "https://bench.example.org/");
    assert!(broken.is_empty(), "broken links: {broken:?}");
    // The same folder is a Hugo site.
    assert!(site.join("hugo.toml").is_file());
    assert!(site.join("layouts/_default/single.html").is_file());
}
