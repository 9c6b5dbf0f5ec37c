//! `duixian new news` and `duixian new pledge`: correctly shaped files to fill in, placeholders
//! that `check` rejects until filled, and nothing existing replaced.

use crate::common::*;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the demo portal (content, seeds, site.yaml).
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_tree(&root().join("content"), &dir.path().join("content"));
    copy_tree(&root().join("seeds"), &dir.path().join("seeds"));
    dir
}

fn run(site: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--root", site.to_str().unwrap()];
    all.extend_from_slice(args);
    duixian(&all)
}

#[test]
fn new_news_writes_a_file_that_check_rejects_until_the_date_is_filled_in() {
    let dir = demo_copy();
    let o = run(dir.path(), &["new", "news", "follow-up"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "wrote news `follow-up` in content/news/follow-up.md");
    assert!(
        stderr(&o).contains("to do: fill in `title`, `date` (marked TODO"),
        "{}",
        stderr(&o)
    );
    assert_stderr_has(
        &o,
        "write the article's text below the front matter (the body is empty)",
    );
    let path = dir.path().join("content/news/follow-up.md");
    let text = std::fs::read_to_string(&path).unwrap();
    // The commented example names a real pledge and the status vocabulary.
    assert!(text.contains("#   - pledge: luohe-2024/"), "{text}");
    assert!(text.contains("in_progress | completed"), "{text}");
    let o = run(dir.path(), &["check"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o)
            .contains("content/news/follow-up.md:3:7: date: still the placeholder `YYYY-MM-DD`"),
        "{}",
        stderr(&o)
    );
    // Regression (issue #18): the title and body placeholders (`标题（待填写）`, `正文（…）`)
    // passed `check` and would have been published; the title is now empty, which `check`
    // rejects, and the body is left empty.
    assert_stderr_has(&o, "content/news/follow-up.md:2:8: title is empty");
    assert!(text.ends_with("---\n\n"), "{text}");
    // Filled in, the file is valid as it stands, comments and all.
    let text = text
        .replace("date: YYYY-MM-DD", "date: 2025-01-02")
        .replace("title: \"\"", "title: 进展");
    std::fs::write(&path, text + "正文。\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn new_news_with_title_and_date_checks_at_once_and_is_never_written_twice() {
    let dir = demo_copy();
    let args = [
        "new",
        "news",
        "mid-2025",
        "--title",
        "年中进展: 一览",
        "--date",
        "2025-07-01",
    ];
    let o = run(dir.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("to do"), "{}", stderr(&o));
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = dir.path().join("content/news/mid-2025.md");
    std::fs::write(&path, "edited").unwrap();
    let o = run(dir.path(), &args);
    assert!(!o.status.success());
    assert_stderr_has(&o, "already used by content/news/mid-2025.md");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited");
    // An existing slug in a subfolder counts too.
    let o = run(dir.path(), &["new", "news", "luohe-reform-2024"]);
    assert!(!o.status.success());
}

#[test]
fn new_pledge_with_text_appends_a_checked_entry_with_its_target() {
    let dir = demo_copy();
    let file = dir.path().join("content/pledges/luohe-2024.yaml");
    let before = std::fs::read_to_string(&file).unwrap();
    let o = run(
        dir.path(),
        &[
            "new",
            "pledge",
            "luohe-2024/toilets-again",
            "--text",
            "新改户厕6000户",
            "--category",
            "rural",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "appended pledge `luohe-2024/toilets-again` in content/pledges/luohe-2024.yaml",
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.starts_with(before.trim_end()),
        "existing text is kept as it was"
    );
    assert!(after.contains("  - id: toilets-again\n    text: 新改户厕6000户\n    category: rural"));
    assert!(after.contains("    target: {value: 6000, unit: 户, qualifier: exact}"));
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The same id again is refused.
    let o = run(dir.path(), &["new", "pledge", "luohe-2024/toilets-again"]);
    assert!(!o.status.success());
    assert_stderr_has(&o, "already exists in content/pledges/luohe-2024.yaml");
}

#[test]
fn new_pledge_without_text_leaves_a_placeholder_that_check_rejects() {
    let dir = demo_copy();
    let o = run(dir.path(), &["new", "pledge", "zhanhe-2026/new-one"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "to do: fill in `text`");
    let o = run(dir.path(), &["check"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("content/pledges/zhanhe-2026.yaml")
            && stderr(&o).contains("text does not occur in report `zhanhe-2026`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn new_pledge_creates_the_pledge_file_of_a_report_that_has_none() {
    let dir = demo_copy();
    std::fs::remove_file(dir.path().join("content/pledges/zhanhe-2026.yaml")).unwrap();
    let o = run(
        dir.path(),
        &[
            "new",
            "pledge",
            "zhanhe-2026/gdp",
            "--text",
            "经济增长 5.5%左右",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "wrote pledge");
    let y = std::fs::read_to_string(dir.path().join("content/pledges/zhanhe-2026.yaml")).unwrap();
    assert!(
        y.starts_with("report: zhanhe-2026\npledges:\n  - id: gdp\n"),
        "{y}"
    );
    assert!(
        y.contains("target: {value: 5.5, unit: '%', qualifier: about}"),
        "{y}"
    );
    // The first category of site.yaml is the default.
    assert!(
        y.contains("    category: economy  # economy | innovation"),
        "{y}"
    );
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn new_pledge_explains_what_is_wrong() {
    let dir = demo_copy();
    let file = dir.path().join("content/pledges/luohe-2024.yaml");
    let before = std::fs::read(&file).unwrap();
    let o = run(
        dir.path(),
        &[
            "new",
            "pledge",
            "luohe-2024/x",
            "--text",
            "改造老旧小区86个",
        ],
    );
    assert!(!o.status.success());
    assert_stderr_has(&o, "the text has «改造老旧小区» but continues «68个");
    let o = run(
        dir.path(),
        &["new", "pledge", "luohe-2024/x", "--category", "urbna"],
    );
    assert_stderr_has(&o, "unknown category `urbna`");
    let o = run(dir.path(), &["new", "pledge", "nowhere-2024/x"]);
    assert_stderr_has(&o, "no report `nowhere-2024`");
    let o = run(dir.path(), &["new", "pledge", "luohe-2024"]);
    assert_stderr_has(&o, "<report-id>/<pledge-id>");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// Regression (issue #18): `new pledge` accepted a text another entry already quotes, without
/// a word; entering the same pledge twice is the likely mistake.
#[test]
fn new_pledge_warns_when_another_entry_quotes_the_same_text() {
    let dir = demo_copy();
    let o = run(
        dir.path(),
        &[
            "new",
            "pledge",
            "zhanhe-2026/gdp-again",
            "--text",
            "经济增长 5.5%左右",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: pledge `zhanhe-2026/")
            && stderr(&o).contains("in content/pledges/zhanhe-2026.yaml already quotes the same text, «经济增长 5.5%左右»"),
        "{}",
        stderr(&o)
    );
    let o = run(
        dir.path(),
        &["new", "pledge", "zhanhe-2026/growth", "--text", "5.5%左右"],
    );
    assert_stderr_has(&o, "already quotes overlapping text");
    // A text no entry quotes gets no warning.
    let o = run(
        dir.path(),
        &[
            "new",
            "pledge",
            "zhanhe-2026/other",
            "--text",
            "现在，我代表区人民政府",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
