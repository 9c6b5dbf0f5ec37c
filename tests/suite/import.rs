//! `duixian import`: all five seed documents import, the results pass `check`, every character
//! but the page-jump markers is kept, the summary says what changed, and nothing is overwritten.

use crate::common::*;
use duixian::content::frontmatter;
use duixian::editor::import::{drop_markers, kept_chars};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An empty site with the demo's site.yaml and seeds.
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_tree(&root().join("seeds"), &dir.path().join("seeds"));
    dir
}

fn seed(dir: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(dir.join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap()
}

/// The five seeds, each with the arguments an editor would give.
fn seed_args() -> Vec<(&'static str, Vec<&'static str>, &'static str)> {
    vec![
        (
            "000",
            vec![
                "--news",
                "report-card",
                "--date",
                "2024-12-31",
                "--jurisdiction",
                "luohe",
                "--title",
                "说了算：政府工作报告就是对全市人民承诺的责任书",
            ],
            "content/news/report-card.md",
        ),
        (
            "001",
            vec![
                "--report",
                "luohe-2024",
                "--jurisdiction",
                "luohe",
                "--year",
                "2024",
                "--delivered",
                "2024-02-21",
                "--source",
                "漯河日报",
            ],
            "content/reports/luohe-2024.md",
        ),
        (
            "002",
            vec![
                "--report",
                "zhanhe-2026",
                "--jurisdiction",
                "zhanhe",
                "--year",
                "2026",
                "--delivered",
                "2026-02-26",
            ],
            "content/reports/zhanhe-2026.md",
        ),
        (
            "003",
            vec![
                "--news",
                "page-2023-12",
                "--date",
                "2023-12-20",
                "--title",
                "漯河日报2023年12月的一个版面",
            ],
            "content/news/page-2023-12.md",
        ),
        (
            "004",
            vec![
                "--news",
                "reform-2024",
                "--date",
                "2024-10-01",
                "--title",
                "河南漯河：改革風勁破浪行",
            ],
            "content/news/reform-2024.md",
        ),
    ]
}

fn import(site: &Path, seed_file: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec![
        "--root",
        site.to_str().unwrap(),
        "import",
        seed_file.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    duixian(&all)
}

#[test]
fn all_five_seeds_import_and_the_site_checks() {
    let dir = empty_site();
    for (prefix, args, out) in seed_args() {
        let o = import(dir.path(), &seed(dir.path(), prefix), &args);
        assert!(o.status.success(), "seed {prefix}:\n{}", stderr(&o));
        assert!(dir.path().join(out).is_file(), "seed {prefix}: no {out}");
        assert_stderr_has(&o, &format!("into {out}"));
    }
    let o = duixian(&["--root", dir.path().to_str().unwrap(), "check"]);
    assert!(o.status.success(), "check:\n{}", stderr(&o));
    assert_stderr_has(&o, "2 reports, 0 pledges, 3 news items");
}

#[test]
fn every_character_is_kept_except_the_dropped_markers() {
    let dir = empty_site();
    for (prefix, args, out) in seed_args() {
        let input_path = seed(dir.path(), prefix);
        let o = import(dir.path(), &input_path, &args);
        assert!(o.status.success(), "seed {prefix}:\n{}", stderr(&o));
        let input = std::fs::read_to_string(&input_path).unwrap();
        let (without_markers, _) = drop_markers(&input);
        let written = std::fs::read_to_string(dir.path().join(out)).unwrap();
        let body = frontmatter::split(&written).unwrap().body;
        assert_eq!(
            kept_chars(body),
            kept_chars(&without_markers),
            "seed {prefix}: the body's characters differ from the input's"
        );
    }
}

/// The same promise for text read one paragraph per line: every seed with its blank lines
/// removed (as a web page copies), and the web-pasted fixtures.
#[test]
fn every_character_is_kept_in_text_read_one_paragraph_per_line() {
    let mut inputs: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(root().join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let dense: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            inputs.push((path.display().to_string(), dense.join("\n")));
        }
    }
    for name in ["luohe-2024.txt", "zhanhe-2026.txt"] {
        let path = root().join("tests/fixtures/web-pasted").join(name);
        inputs.push((name.to_string(), std::fs::read_to_string(path).unwrap()));
    }
    inputs.sort();
    let mut line_mode = 0;
    for (name, text) in &inputs {
        let c = duixian::editor::import::clean(text);
        line_mode += usize::from(c.changes.one_per_line.is_some());
        assert_eq!(
            kept_chars(&c.body),
            kept_chars(&drop_markers(text).0),
            "{name}: the body's characters differ from the input's"
        );
    }
    assert!(
        line_mode >= 2,
        "the web-pasted fixtures are read one paragraph per line"
    );
}

#[test]
fn a_news_title_taken_from_the_first_paragraph_leaves_the_body() {
    let dir = empty_site();
    let input_path = seed(dir.path(), "000");
    let o = import(dir.path(), &input_path, &["--news", "card"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "title «说了算：政府工作报告就是对» taken from the first paragraph",
    );
    assert_stderr_has(&o, "to do: fill in `date`");
    let written = std::fs::read_to_string(dir.path().join("content/news/card.md")).unwrap();
    let split = frontmatter::split(&written).unwrap();
    assert!(split.yaml.contains("title: 说了算：政府工作报告就是对\n"));
    assert!(split.yaml.contains("date: YYYY-MM-DD  # TODO"));
    let input = std::fs::read_to_string(&input_path).unwrap();
    assert_eq!(
        format!("说了算：政府工作报告就是对{}", kept_chars(split.body)),
        kept_chars(&input)
    );
    // The date placeholder is rejected where it stands.
    let o = duixian(&["--root", dir.path().to_str().unwrap(), "check"]);
    assert!(!o.status.success());
    assert_stderr_has(
        &o,
        "content/news/card.md:3:7: date: still the placeholder `YYYY-MM-DD`",
    );
}

#[test]
fn the_summary_of_each_seed_matches_its_snapshot() {
    let dir = empty_site();
    let mut all = String::new();
    for (prefix, args, _) in seed_args() {
        let o = import(dir.path(), &seed(dir.path(), prefix), &args);
        assert!(o.status.success(), "seed {prefix}:\n{}", stderr(&o));
        all.push_str(&format!(
            "$ duixian import seeds/{prefix}_… {}\n",
            args.join(" ")
        ));
        all.push_str(&stderr(&o).replace(dir.path().to_str().unwrap(), "<site>"));
        all.push('\n');
    }
    snapshot(
        &root().join("tests/fixtures/import-expected/summaries.txt"),
        &all,
    );
    // The cleaned report of seed 001 in full: paragraphs, headings, joins.
    let written =
        std::fs::read_to_string(dir.path().join("content/reports/luohe-2024.md")).unwrap();
    snapshot(
        &root().join("tests/fixtures/import-expected/luohe-2024.md"),
        &written,
    );
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let dir = empty_site();
    let input_path = seed(dir.path(), "001");
    let args = [
        "--report",
        "luohe-2024",
        "--jurisdiction",
        "luohe",
        "--year",
        "2024",
    ];
    assert!(import(dir.path(), &input_path, &args).status.success());
    let path = dir.path().join("content/reports/luohe-2024.md");
    std::fs::write(&path, "edited by hand").unwrap();
    let o = import(dir.path(), &input_path, &args);
    assert!(!o.status.success());
    assert_stderr_has(&o, "already exists");
    assert_stderr_has(&o, "--force");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by hand");
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(import(dir.path(), &input_path, &forced).status.success());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("---\njurisdiction: luohe\n")
    );
}

#[test]
fn a_news_slug_used_anywhere_under_news_is_refused() {
    let dir = empty_site();
    let nested = dir.path().join("content/news/2024");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("card.md"), "x").unwrap();
    let o = import(
        dir.path(),
        &seed(dir.path(), "000"),
        &["--news", "card", "--date", "2024-12-31"],
    );
    assert!(!o.status.success());
    assert_stderr_has(
        &o,
        "news slug `card` is already used by content/news/2024/card.md",
    );
}

#[test]
fn bad_requests_are_explained() {
    let dir = empty_site();
    let site = dir.path().to_str().unwrap();
    let seed1 = seed(dir.path(), "001");
    let s = seed1.to_str().unwrap();
    // --report needs --jurisdiction and --year.
    let o = duixian(&["--root", site, "import", s, "--report", "luohe-2024"]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "--jurisdiction");
    // Exactly one of --report and --news.
    let o = duixian(&["--root", site, "import", s]);
    assert!(!o.status.success());
    // Ids and dates are checked at the boundary.
    let o = duixian(&[
        "--root",
        site,
        "import",
        s,
        "--report",
        "Luohe 2024",
        "--jurisdiction",
        "luohe",
        "--year",
        "2024",
    ]);
    assert_stderr_has(&o, "invalid id");
    let o = duixian(&[
        "--root",
        site,
        "import",
        s,
        "--news",
        "x",
        "--date",
        "2024-02-30",
    ]);
    assert_stderr_has(&o, "invalid date");
    // A missing input file is named.
    let o = duixian(&[
        "--root",
        site,
        "import",
        "nope.txt",
        "--report",
        "a",
        "--jurisdiction",
        "luohe",
        "--year",
        "2024",
    ]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "nope.txt");
    // A news text whose first paragraph is no headline needs --title.
    let o = import(dir.path(), &seed(dir.path(), "003"), &["--news", "page"]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "give the news title with --title");
    // An unknown jurisdiction without --title: no title can be built.
    let o = duixian(&[
        "--root",
        site,
        "import",
        s,
        "--report",
        "x-2024",
        "--jurisdiction",
        "nowhere",
        "--year",
        "2024",
    ]);
    assert!(!o.status.success());
    // Regression (issue #18): it asked for --title; the fix is to add the jurisdiction.
    assert_stderr_has(
        &o,
        "error: jurisdiction `nowhere` is not in site.yaml: add it under `jurisdictions:`",
    );
    // Nothing was written by any of these.
    assert!(!dir.path().join("content").exists());
}

/// Regression (issue #18): a report pasted from a web page (one paragraph per line, no blank
/// lines) was imported as one paragraph with 0 headings, and `extract` then proposed nothing
/// without saying why.
#[test]
fn a_report_pasted_from_a_web_page_keeps_its_paragraphs_and_headings() {
    let dir = empty_site();
    let web = root().join("tests/fixtures/web-pasted/luohe-2024.txt");
    let o = import(
        dir.path(),
        &web,
        &[
            "--report",
            "luohe-2024",
            "--jurisdiction",
            "luohe",
            "--year",
            "2024",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stderr(&o);
    assert!(
        out.contains("one paragraph per line, as text copied from a web page"),
        "{out}"
    );
    assert!(out.contains("marked 11 headings (3 ##, 8 ###)"), "{out}");
    assert!(
        out.contains("line 9: ## 二、2024年工作总体要求和主要目标"),
        "{out}"
    );
    let body = std::fs::read_to_string(dir.path().join("content/reports/luohe-2024.md")).unwrap();
    assert!(body.contains("\n\n### (一) 构建“顶天立地”创新体系，塑造发展新动能新优势\n\n"));
    // 48 input lines: 48 paragraphs, so 47 blank lines between them and one after the front matter.
    assert_eq!(
        body.matches("\n\n").count(),
        48,
        "one paragraph per input line"
    );
}

/// Regression (issue #18): a text without any heading imported silently, and `extract` then
/// proposed 0 pledges without a reason. Both now say what is missing and how to fix it.
#[test]
fn a_report_without_headings_is_flagged_by_import_and_extract() {
    let dir = empty_site();
    let site = dir.path().to_str().unwrap();
    let text = dir.path().join("plain.txt");
    std::fs::write(
        &text,
        "新建供热管网20公里，热交换站38座。\n\n改造老旧小区68个。\n",
    )
    .unwrap();
    let o = import(
        dir.path(),
        &text,
        &[
            "--report",
            "luohe-2024",
            "--jurisdiction",
            "luohe",
            "--year",
            "2024",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "warning: no headings found");
    let o = duixian(&["--root", site, "extract", "luohe-2024"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "warning: `content/reports/luohe-2024.md` has no headings, so nothing was read",
    );
    assert_stderr_has(&o, "it looked at 2 paragraphs");
    // Headings, but only the review of the past year.
    let review = "---\njurisdiction: luohe\nyear: 2024\ntitle: t\ndelivered: 2024-02-21\n---\n## 一、2023年工作回顾\n\n新建供热管网20公里。\n";
    std::fs::write(dir.path().join("content/reports/luohe-2024.md"), review).unwrap();
    let o = duixian(&["--root", site, "extract", "luohe-2024", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "has no forward-looking section: all 1 of its headings");
}

/// Regression (issue #18): `check` on a fresh import reported only the `delivered`
/// placeholder, and the unknown jurisdiction only on the next run, after the date was fixed.
#[test]
fn check_on_a_fresh_import_reports_the_placeholder_and_the_unknown_jurisdiction_at_once() {
    let dir = empty_site();
    let site = dir.path().to_str().unwrap();
    let o = import(
        dir.path(),
        &seed(dir.path(), "001"),
        &[
            "--report",
            "x-2024",
            "--jurisdiction",
            "nowhere",
            "--year",
            "2024",
            "--title",
            "报告",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: jurisdiction `nowhere` is not in site.yaml"));
    let o = duixian(&["--root", site, "check"]);
    assert_eq!(
        stderr(&o),
        "content/reports/x-2024.md:2:15: unknown jurisdiction `nowhere`: expected one of `luohe`, `pingdingshan`, `zhanhe`\n\
         content/reports/x-2024.md:5:12: delivered: still the placeholder `YYYY-MM-DD`: fill in the real date, like 2024-12-31\n\
         error: 2 problems found; nothing was written\n"
    );
}

/// Regression (issue #18): on a fresh import and extract, the report's date placeholder kept
/// the report from loading, and its pledge file was told `unknown report `luohe-2024`: no report
/// is defined`, sending the editor to the wrong file. The reference now says why it finds nothing.
#[test]
fn a_reference_to_a_report_that_did_not_load_says_why() {
    let dir = empty_site();
    let site = dir.path().to_str().unwrap();
    let o = import(
        dir.path(),
        &seed(dir.path(), "001"),
        &[
            "--report",
            "luohe-2024",
            "--jurisdiction",
            "luohe",
            "--year",
            "2024",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = duixian(&["--root", site, "extract", "luohe-2024"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = duixian(&["--root", site, "check", "--drafts"]);
    assert_eq!(
        stderr(&o),
        "content/pledges/luohe-2024.yaml:4:9: report `luohe-2024` did not load: content/reports/luohe-2024.md has errors (see its messages); fix them and this reference is checked\n\
         content/reports/luohe-2024.md:5:12: delivered: still the placeholder `YYYY-MM-DD`: fill in the real date, like 2024-12-31\n\
         error: 2 problems found; nothing was written\n"
    );
}
