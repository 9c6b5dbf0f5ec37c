//! `serve`'s incremental rebuilds (`duixian::incremental::Session`): after every kind of edit,
//! the served folder holds exactly the bytes a fresh full build of the edited site gives (the
//! search index aside, which only full rebuilds write), and content edits re-render only the
//! files they affect.

use crate::common::*;
use duixian::incremental::{Rebuilt, Session};
use duixian::model::BuildOptions;
use std::collections::BTreeMap;
use std::path::Path;

fn opts() -> BuildOptions {
    BuildOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1234/".into()),
    }
}

/// The output tree without the search index and duixian's marker.
fn served(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(dir);
    t.retain(|k, _| !duixian::search::is_index_file(k) && !k.starts_with(".duixian"));
    t
}

fn full_build(site: &Path) -> BTreeMap<String, Vec<u8>> {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    duixian::build::build(site, &out, &opts()).expect("the edited site builds");
    served(&out)
}

fn edit(site: &Path, rel: &str, from: &str, to: &str) {
    let p = site.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// A site-level `templates/page.html`: the default one with a paragraph added; its path.
fn override_page_template(site: &Path) -> std::path::PathBuf {
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let page = duixian::render::theme::DEFAULT_THEME
        .get_file("templates/page.html")
        .unwrap()
        .contents_utf8()
        .unwrap();
    let over = templates.join("page.html");
    std::fs::write(&over, page.replacen("</h1>", "</h1><p>override</p>", 1)).unwrap();
    over
}

fn assert_same(session_out: &Path, site: &Path, what: &str) {
    let got = served(session_out);
    let want = full_build(site);
    let differ: Vec<&String> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .map(|(k, _)| k)
        .chain(got.keys().filter(|k| !want.contains_key(*k)))
        .collect();
    assert!(
        differ.is_empty(),
        "after {what}: the served files differ from a full build: {differ:?}"
    );
}

#[test]
fn every_kind_of_edit_gives_the_bytes_of_a_full_build() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    let first = s.rebuild().unwrap();
    assert!(first.full);
    let total = first.written;
    assert_same(&out, &site, "the first build");

    // Content edits: incremental, and only a few files written.
    let cases: &[(&str, &str, &str, &str, usize)] = &[
        (
            "a news body edit",
            "content/news/mid-year.md",
            "上半年，全市",
            "今年上半年，全市",
            25,
        ),
        (
            "a news update's status",
            "content/news/mid-year.md",
            "    status: in_progress\n    value: 1200",
            "    status: completed\n    value: 1200",
            60,
        ),
        (
            "a news update that changes a pledge's status",
            "content/news/2024/report-card.md",
            "    status: completed\n    value: 590",
            "    status: in_progress\n    value: 590",
            60,
        ),
        (
            "a news update's value that decides met",
            "content/news/2024/report-card.md",
            "value: 68\n    as_of",
            "value: 60\n    as_of",
            60,
        ),
        (
            "a pledge title",
            "content/pledges/alpha-2024.yaml",
            "title: 拆除违法建设200处以上",
            "title: 拆除违法建设两百处以上",
            60,
        ),
        (
            "a pledge target",
            "content/pledges/alpha-2024.yaml",
            "value: 68, unit: 个",
            "value: 70, unit: 个",
            60,
        ),
        (
            "a pledge's starting status that no other pledge has (a search filter)",
            "content/pledges/alpha-2024.yaml",
            "    status: not_started",
            "    status: dropped",
            60,
        ),
        (
            // The pledges of that section name it on their pages and in the open data; no
            // quote moves, so only the section tells them apart.
            "a report heading of the same length",
            "content/reports/alpha-2024.md",
            "### (一) 提升城市品质",
            "### (一) 提高城市品质",
            60,
        ),
        (
            "an indicator value",
            "content/indicators/alpha.yaml",
            "actual: {value: 7.1, source: alpha-2024}",
            "actual: {value: 7.2, source: alpha-2024}",
            20,
        ),
        (
            "a page body",
            "content/pages/about.md",
            "本站追踪",
            "本网站追踪",
            3,
        ),
    ];
    for &(what, rel, from, to, at_most) in cases {
        edit(&site, rel, from, to);
        // As `serve` does: the watcher names the edited file.
        let r = s.rebuild_changed(Some(&[site.join(rel)])).unwrap();
        assert!(!r.full, "{what} should not need a full rebuild");
        assert_eq!(r.read, 1, "{what}: only the edited file is read again");
        assert_eq!(
            r.patched,
            rel.starts_with("content/news/"),
            "{what}: news edits patch the model, other edits validate the whole site"
        );
        assert!(
            r.written >= 1 && r.written <= at_most,
            "{what}: wrote {} of {total} files, expected at most {at_most}: {:?}",
            r.written,
            r.paths
        );
        assert_same(&out, &site, what);
    }

    // A rebuild with nothing changed writes nothing.
    let r = s.rebuild().unwrap();
    assert_eq!((r.full, r.written, r.read), (false, 0, 0));

    // A broken edit fails and leaves the served files alone; the fix gives a full build's bytes.
    let before = served(&out);
    edit(
        &site,
        "content/news/mid-year.md",
        "status: completed",
        "status: finished",
    );
    assert!(s.rebuild().is_err());
    assert_eq!(
        served(&out),
        before,
        "a failed rebuild changed the served files"
    );
    edit(
        &site,
        "content/news/mid-year.md",
        "status: finished",
        "status: in_progress",
    );
    assert!(!s.rebuild().unwrap().full);
    assert_same(&out, &site, "fixing a broken edit");

    // Site-wide changes: full rebuilds.
    let news = site.join("content/news/added.md");
    std::fs::write(
        &news,
        "---\ntitle: 新增一条\ndate: 2024-08-01\n---\n八月新闻正文，内容足够长以便生成摘要文字。\n",
    )
    .unwrap();
    assert!(s.rebuild().unwrap().full, "an added news item");
    assert_same(&out, &site, "adding a news item");
    std::fs::remove_file(&news).unwrap();
    assert!(s.rebuild().unwrap().full, "a removed news item");
    assert_same(&out, &site, "removing a news item");
    edit(&site, "site.yaml", "title: ", "title: 新");
    assert!(s.rebuild().unwrap().full, "a site title");
    assert_same(&out, &site, "the site title");
    override_page_template(&site);
    assert!(s.rebuild().unwrap().full, "a template override");
    assert_same(&out, &site, "a template override");
}

#[test]
fn a_report_body_edit_rewrites_its_report_and_pledge_pages_only() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    s.rebuild().unwrap();
    let report = site.join("content/reports/alpha-2024.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n新增的一段结尾文字。\n")).unwrap();
    let r = s.rebuild().unwrap();
    assert!(!r.full);
    assert_same(&out, &site, "a report body edit");
    let pledges_of_report = std::fs::read_to_string(site.join("content/pledges/alpha-2024.yaml"))
        .unwrap()
        .matches("  - id: ")
        .count();
    // The report page, the pages summing up reports and the data files, and each of its
    // pledges' page, card, JSON and feed (they quote the report's sentences).
    assert!(
        r.written <= 12 + 4 * pledges_of_report,
        "wrote {} files for a report edit: {:?}",
        r.written,
        r.paths
    );
}

#[test]
fn paths_reported_by_the_watcher_are_read_without_walking_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    s.rebuild().unwrap();
    let news = site.join("content/news/mid-year.md");
    edit(
        &site,
        "content/news/mid-year.md",
        "上半年，全市",
        "今年上半年，全市",
    );
    let r = s
        .rebuild_changed(Some(std::slice::from_ref(&news)))
        .unwrap();
    assert!(!r.full);
    assert_eq!(r.read, 1);
    assert_same(&out, &site, "an edit reported by the watcher");

    // A reported path the last load did not read (a new file) makes it walk the folder.
    let added = site.join("content/news/added.md");
    std::fs::write(
        &added,
        "---\ntitle: 新增一条\ndate: 2024-08-01\n---\n八月新闻正文。\n",
    )
    .unwrap();
    let r = s
        .rebuild_changed(Some(std::slice::from_ref(&added)))
        .unwrap();
    assert!(r.full, "an added news item is found");
    assert_same(&out, &site, "a new file reported by the watcher");

    // A reported theme file needs no walk either; the theme is read again by the renderer.
    let over = override_page_template(&site);
    let r = s
        .rebuild_changed(Some(std::slice::from_ref(&over)))
        .unwrap();
    assert!(
        r.full && r.read == 0,
        "a template change rebuilds all, reading no content"
    );
    assert_same(&out, &site, "a template reported by the watcher");
}

/// Rebuild after `rel` was edited as `serve` does (the watcher names the file); the result.
fn rebuild_after(s: &mut Session, site: &Path, rel: &str) -> anyhow::Result<Rebuilt> {
    s.rebuild_changed(Some(&[site.join(rel)]))
}

/// The errors `duixian check` reports for the site, as text.
fn check_errors(site: &Path) -> String {
    shown(&duixian::build::check(site, &opts()).expect_err("the site is broken"))
}

/// An error as the editor sees it: the content errors' listing, or the error chain.
fn shown(e: &anyhow::Error) -> String {
    match e.downcast_ref::<duixian::diag::ContentErrors>() {
        Some(c) => c.to_string(),
        None => format!("{e:#}"),
    }
}

/// Regression (issue 17, follow-up 2): an error found while rendering a rebuild (a template that
/// does not parse, or fails on one page only) lost the run's warnings, which `build` shows with
/// its errors.
#[test]
fn rebuild_errors_keep_the_warnings_of_the_run() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    // A warning: a file that is skipped.
    std::fs::write(site.join("content/news/notes.txt"), "notes").unwrap();
    let template = news_template_failing_on_boom(&site);
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    let first = s.rebuild().expect("the site builds");
    let skipped = "content/news/notes.txt";
    assert!(
        first.summary.warnings.iter().any(|w| w.path == skipped),
        "{:?}",
        first.summary.warnings
    );
    // An error in rendering the edited item's page (an incremental rebuild).
    edit(
        &site,
        "content/news/mid-year.md",
        "title: 上半年经济运行情况",
        "title: boom",
    );
    let e = rebuild_after(&mut s, &site, "content/news/mid-year.md").expect_err("the page fails");
    let keeps_warnings = |e: &anyhow::Error| {
        let c = e
            .downcast_ref::<duixian::diag::ContentErrors>()
            .expect("content errors");
        assert!(!c.0.is_empty());
        assert!(
            c.warnings().iter().any(|w| w.path == skipped),
            "{}",
            shown(e)
        );
    };
    keeps_warnings(&e);
    // A template that does not parse (the renderer cannot be set up).
    edit(
        &site,
        "content/news/mid-year.md",
        "title: boom",
        "title: 上半年经济运行情况",
    );
    std::fs::write(&template, "{% if %}").unwrap();
    let e = rebuild_after(&mut s, &site, "templates/news.html").expect_err("the template fails");
    keeps_warnings(&e);
}

/// News edits patch the last build's model instead of validating the whole site: each kind of
/// change to what news feeds (histories, states, news lists, list order and pagination, the
/// data date) still gives a full build's bytes, and an error gives `check`'s exact messages.
#[test]
fn news_edits_that_patch_the_model_give_the_bytes_of_a_full_build() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    // Enough news items for two pages of the news list (20 a page), dated between the two
    // news items of the fixture, some naming a pledge the fixture's items update.
    for i in 1..=24 {
        let pledges = if i % 3 == 0 {
            "pledges: [alpha-2024/gdp]\n"
        } else {
            ""
        };
        std::fs::write(
            site.join(format!("content/news/extra-{i:02}.md")),
            format!(
                "---\ntitle: 八月新闻{i}\ndate: 2024-08-{i:02}\n{pledges}---\n第{i}条八月新闻的正文。\n"
            ),
        )
        .unwrap();
    }
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    assert!(s.rebuild().unwrap().full);
    assert_same(&out, &site, "the first build");

    let mid = "content/news/mid-year.md";
    let card = "content/news/2024/report-card.md";
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "an update moved to another pledge",
            mid,
            "  - pledge: alpha-2024/parking\n    status: in_progress",
            "  - pledge: alpha-2024/projects\n    status: in_progress",
        ),
        (
            "an update removed",
            mid,
            "  - pledge: alpha-2024/gdp\n    status: in_progress\n    value: 7.8\n    as_of: 2024-06-30\n    quote: 生产总值增长7.8%\n",
            "",
        ),
        (
            "a pledge mentioned",
            mid,
            "title: 上半年经济运行情况\n",
            "title: 上半年经济运行情况\npledges: [alpha-2024/cpi, alpha-2024/gdp]\n",
        ),
        (
            "a date that moves the item to the first page of the news list",
            mid,
            "date: 2024-07-20",
            "date: 2024-08-15",
        ),
        (
            "an update's as_of that reorders a pledge's history",
            card,
            "    value: 2500\n    as_of: 2024-12-31",
            "    value: 2500\n    as_of: 2024-06-01",
        ),
        (
            "the only update of a pledge removed: unrated again",
            card,
            "  - pledge: alpha-2024/illegal-buildings\n    status: completed\n    value: 590\n    as_of: 2024-12-31\n    quote: 累计拆除违建590处\n",
            "",
        ),
        (
            "the latest update of a pledge removed",
            card,
            "  - pledge: alpha-2024/old-communities\n    status: completed\n    value: 68\n    as_of: 2024-12-31\n    quote: 68个老旧小区全部完成改造\n",
            "",
        ),
        (
            "a date that moves the data date",
            card,
            "date: 2025-01-15",
            "date: 2026-01-15",
        ),
    ];
    for &(what, rel, from, to) in cases {
        edit(&site, rel, from, to);
        let r = rebuild_after(&mut s, &site, rel).unwrap();
        assert!(r.patched, "{what}: the model is patched");
        assert_eq!(r.read, 1, "{what}: only the edited file is read");
        assert_same(&out, &site, what);
    }

    // An edit with an error: `check`'s exact messages, the served files left alone; the fix
    // is patched again.
    let before = served(&out);
    edit(
        &site,
        mid,
        "quote: 新增停车泊位1200个",
        "quote: 新增停车泊位1300个",
    );
    let err = rebuild_after(&mut s, &site, mid).unwrap_err();
    assert_eq!(shown(&err), check_errors(&site));
    assert_eq!(
        served(&out),
        before,
        "a failed rebuild changed the served files"
    );
    edit(
        &site,
        mid,
        "quote: 新增停车泊位1300个",
        "quote: 新增停车泊位1200个",
    );
    let r = rebuild_after(&mut s, &site, mid).unwrap();
    assert!(
        !r.patched,
        "after an error the whole site is validated again"
    );
    assert_same(&out, &site, "fixing a broken news edit");
    edit(&site, mid, "status: in_progress", "status: completed");
    assert!(rebuild_after(&mut s, &site, mid).unwrap().patched);
    assert_same(&out, &site, "a news edit after the fix");

    // A broken pledge file, then a news edit: the news edit must not hide the pledge error.
    let pledges = "content/pledges/alpha-2024.yaml";
    edit(&site, pledges, "category: urban", "category: urbn");
    assert!(rebuild_after(&mut s, &site, pledges).is_err());
    edit(&site, mid, "上半年，全市", "今年上半年，全市");
    let err = rebuild_after(&mut s, &site, mid).unwrap_err();
    assert!(format!("{err:#}").contains("urbn"), "{err:#}");
    edit(&site, pledges, "category: urbn", "category: urban");
    assert!(rebuild_after(&mut s, &site, pledges).is_ok());
    assert_same(&out, &site, "fixing the pledge file");

    // An update naming a draft pledge (left out of the build): validated whole, same bytes.
    edit(
        &site,
        mid,
        "  - pledge: alpha-2024/old-communities",
        "  - pledge: beta-2024/draft-pledge\n    status: in_progress\n  - pledge: alpha-2024/old-communities",
    );
    let r = rebuild_after(&mut s, &site, mid).unwrap();
    assert!(
        !r.patched,
        "a draft is not in the model: the whole site is validated"
    );
    assert_same(&out, &site, "an update of a draft pledge");

    // A news file that no longer parses, then fixed.
    edit(&site, mid, "title: 上半年", "title: [上半年");
    let err = rebuild_after(&mut s, &site, mid).unwrap_err();
    assert_eq!(shown(&err), check_errors(&site));
    edit(&site, mid, "title: [上半年", "title: 上半年");
    rebuild_after(&mut s, &site, mid).unwrap();
    assert_same(&out, &site, "fixing a news file that did not parse");
}

/// A news edit that gives a status list a second page adds a file; the edit back takes it
/// away, which a rebuild of the changed files alone would leave behind: both give the files of
/// a full build.
#[test]
fn a_status_list_that_gains_or_loses_a_page_gives_the_files_of_a_full_build() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    // Fifty pledges that start dropped: one full page of `status/dropped/`.
    let body: String = (1..=50)
        .map(|i| format!("第{i}项重点工作按期推进。"))
        .collect();
    std::fs::write(
        site.join("content/reports/gamma-2024.md"),
        format!(
            "---\njurisdiction: gamma\nyear: 2024\ntitle: 2024年丙市政府工作报告\ndelivered: 2024-03-01\n---\n{body}\n"
        ),
    )
    .unwrap();
    let pledges: String = (1..=50)
        .map(|i| {
            format!("  - id: w{i:02}\n    text: 第{i}项重点工作按期推进\n    category: urban\n    status: dropped\n")
        })
        .collect();
    std::fs::write(
        site.join("content/pledges/gamma-2024.yaml"),
        format!("report: gamma-2024\npledges:\n{pledges}"),
    )
    .unwrap();
    let news = "content/news/gamma-news.md";
    std::fs::write(
        site.join(news),
        "---\ntitle: 丙市工作进展\ndate: 2024-05-01\npledges: [gamma-2024/w01]\n---\n丙市各项工作有序推进。\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    assert!(s.rebuild().unwrap().full);
    let second = out.join("status/dropped/page/2/index.html");
    assert!(!second.exists());

    let (from, to) = (
        "pledges: [gamma-2024/w01]\n",
        "pledges: [gamma-2024/w01]\nupdates:\n  - pledge: alpha-2024/cpi\n    status: dropped\n",
    );
    edit(&site, news, from, to);
    let r = rebuild_after(&mut s, &site, news).unwrap();
    assert!(
        r.patched && !r.full,
        "a page added is an incremental rebuild"
    );
    assert!(second.exists());
    assert_same(&out, &site, "a status list that gains a page");

    edit(&site, news, to, from);
    let r = rebuild_after(&mut s, &site, news).unwrap();
    assert!(r.patched && r.full, "a page removed is a full rebuild");
    assert!(!second.exists());
    assert_same(&out, &site, "a status list that loses a page");
}

use crate::gen_corpus;

/// A pledge's status changed by a news update, on a portal with several pages of pledges:
/// the lists that show the pledge's card, count or totals are written again, and nothing more
/// (not every page of all pledges, not the indicators' open data).
#[test]
fn a_status_edit_rewrites_only_the_list_pages_that_show_the_pledge() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    gen_corpus::generate(&gen_corpus::Options {
        pledges: 400,
        news: 800,
        plain: None,
        seed: 3,
        out: site.clone(),
    })
    .unwrap();
    let out = d.path().join("out");
    let mut s = Session::new(&site, &out, opts());
    let total = s.rebuild().unwrap().written;
    let pages_of_all = served(&out)
        .keys()
        .filter(|k| k.starts_with("pledges/page/"))
        .count();
    assert!(
        pages_of_all >= 5,
        "the portal has {pages_of_all} more pages of pledges"
    );

    // The first update of the first news file that has one, from in progress to completed.
    let news = walkdir::WalkDir::new(site.join("content/news"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .find(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.contains("\n    status: in_progress\n"))
        })
        .expect("a news update in progress");
    let text = std::fs::read_to_string(&news).unwrap();
    std::fs::write(
        &news,
        text.replacen(
            "\n    status: in_progress\n",
            "\n    status: completed\n",
            1,
        ),
    )
    .unwrap();
    let r = s.rebuild_changed(Some(&[news])).unwrap();
    assert!(!r.full && r.patched);
    assert_same(&out, &site, "a status edit on a larger portal");
    let all_lists = r
        .paths
        .iter()
        .filter(|p| p.starts_with("pledges/page/") || *p == "pledges/index.html")
        .count();
    assert_eq!(
        all_lists, 1,
        "only the page of all pledges with the card: {:?}",
        r.paths
    );
    assert!(
        !r.paths.iter().any(|p| p.starts_with("data/indicators")),
        "{:?}",
        r.paths
    );
    assert!(r.written < total / 10, "wrote {} of {total}", r.written);
}
