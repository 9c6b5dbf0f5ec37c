//! Invalid sites: every error of a run is reported once, as `path:line:col: message`, and
//! nothing is written.

use crate::common::*;

#[test]
fn broken_site_reports_every_error_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_build(&fixture("broken"), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "nothing is written when the build fails");
    snapshot(&fixture("broken-expected-errors.txt"), &stderr(&o));
}

/// Regression (issue #18): the YAML mistakes editors make most were reported in the parser's
/// words, often a line late (`could not find expected ':'`, `found character that cannot start
/// any token`, `expected struct RawNews`); a typo in a status or qualifier got no suggestion;
/// an unknown pledge id without a near match did not say where the report's ids are;
/// a tab further down a pledge file was reported only on the next run.
#[test]
fn yaml_mistakes_are_named_at_their_line_with_the_fix() {
    let o = duixian(&["--root", fixture("broken-yaml").to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for internal in ["Raw", "struct", "variant", "scanning", "token"] {
        assert!(!err.contains(internal), "`{internal}` in:\n{err}");
    }
    snapshot(&fixture("broken-yaml-expected-errors.txt"), &err);
}

#[test]
fn check_reports_the_same_errors_as_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let b = run_build(&fixture("broken"), &out, &[]);
    let c = duixian(&["--root", fixture("broken").to_str().unwrap(), "check"]);
    assert_eq!(c.status.code(), Some(1));
    assert_eq!(stderr(&b), stderr(&c));
}

#[test]
fn malformed_files_never_panic() {
    let cases: &[(&str, &[u8])] = &[
        ("content/reports/x.md", b""),
        ("content/reports/x.md", b"---"),
        ("content/reports/x.md", b"---\n---\n"),
        ("content/reports/x.md", b"---\n: : :\n---\n"),
        ("content/reports/x.md", b"---\n[1, 2\n---\n"),
        ("content/reports/x.md", b"\xff\xfe\x00\x00"),
        ("content/pledges/x.yaml", b""),
        ("content/pledges/x.yaml", b"- just\n- a list\n"),
        ("content/pledges/x.yaml", b"report: alpha-2024\npledges: 3\n"),
        ("content/pledges/x.yaml", b"a: &a [*a, *a]\n"),
        ("content/news/x.md", b"---\ntitle: x\ndate: 2024-13-45\n---\n"),
        ("content/indicators/x.yaml", b"jurisdiction: alpha\nindicators:\n  - id: x\n    name: x\n    years:\n      abc: {}\n"),
        ("site.yaml", b"title: [\n"),
    ];
    for (path, bytes) in cases {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_tree(&fixture("full"), &site);
        std::fs::write(site.join(path), bytes).unwrap();
        let o = duixian(&["--root", site.to_str().unwrap(), "check"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{path} {bytes:?}: {err}");
        assert!(!err.contains("panicked"), "{path}: {err}");
        assert!(
            err.lines().next().unwrap_or("").starts_with(path),
            "{path} {bytes:?}: error should name the file first:\n{err}"
        );
    }
}

/// The `full` fixture with `edits` applied (file, text replaced, replacement), checked with
/// `args` after `check`: (exit code, stderr, stdout).
fn check_edited(edits: &[(&str, &str, &str)], args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    for (file, from, to) in edits {
        let p = site.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }
    let mut all = vec!["--root", site.to_str().unwrap(), "check"];
    all.extend(args);
    let o = duixian(&all);
    (
        o.status.code(),
        stderr(&o),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

const REPORT_CARD: &str = "content/news/2024/report-card.md";

/// Regression (issue 17, item 5): a news `as_of` of 9999-12-31 was accepted and made every
/// open pledge overdue.
#[test]
fn implausible_dates_are_errors_at_their_position() {
    let (code, err, _) = check_edited(
        &[
            (REPORT_CARD, "as_of: 2024-12-31", "as_of: 9999-12-31"),
            (
                "content/news/mid-year.md",
                "date: 2024-07-20",
                "date: 0001-01-01",
            ),
            (
                "content/pledges/alpha-2024.yaml",
                "deadline: 2024-06-30",
                "deadline: 2999-06-30",
            ),
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    // Each is reported where it is, and the rest of its file is still read: no other error.
    assert!(
        err.ends_with("error: 3 problems found; nothing was written\n"),
        "{err}"
    );
    assert!(
        err.contains("content/pledges/alpha-2024.yaml:28:15: date 2999-06-30 is outside"),
        "{err}"
    );
    assert!(
        err.contains("content/news/2024/report-card.md:14:12: date 9999-12-31 is outside the dates a portal can hold (1949-10-01 to 2100-12-31): check the year"),
        "{err}"
    );
    assert!(
        err.contains("content/news/mid-year.md:3:7: date 0001-01-01 is outside"),
        "{err}"
    );
}

/// Regression (issue 17, item 5): evidence dated after the news that reports it.
#[test]
fn an_as_of_after_the_news_date_is_an_error() {
    let (code, err, _) = check_edited(
        &[(REPORT_CARD, "as_of: 2024-12-31", "as_of: 2025-03-01")],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("content/news/2024/report-card.md:14:12: as_of 2025-03-01 is after this news item's date 2025-01-15"),
        "{err}"
    );
    // The same day is fine.
    let (code, err, _) = check_edited(
        &[(REPORT_CARD, "as_of: 2024-12-31", "as_of: 2025-01-15")],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
}

/// Regression (issue 17, item 4): `check` accepted a pledge id of 256+ characters that
/// `build` could not write (`File name too long`).
#[test]
fn an_id_too_long_for_a_folder_name_is_an_error_in_check() {
    let long = "a".repeat(300);
    let (code, err, _) = check_edited(
        &[
            (
                "content/pledges/alpha-2024.yaml",
                "id: parking",
                &format!("id: {long}"),
            ),
            (
                REPORT_CARD,
                "alpha-2024/parking",
                &format!("alpha-2024/{long}"),
            ),
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("content/pledges/alpha-2024.yaml:25:9: pledges[3].id: id `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` is 300 characters long: ids may have at most 100"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/news/2024/report-card.md:16:13: updates[1].pledge: in pledge reference: id `aaaa"
        ),
        "{err}"
    );
    assert!(
        !err.contains(&long),
        "messages do not repeat the whole id: {err}"
    );
}

/// Regression (issue 17, item 4): a news file name too long to be a folder name.
#[test]
fn a_news_slug_too_long_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let name = format!("{}.md", "n".repeat(120));
    std::fs::copy(
        site.join("content/news/mid-year.md"),
        site.join("content/news").join(&name),
    )
    .unwrap();
    let o = duixian(&["--root", site.to_str().unwrap(), "check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("content/news/{name}:1:1: file name `{}….md` is not a valid news slug: it is 120 characters long, and ids may have at most 100", "n".repeat(40))),
        "{err}"
    );
}

/// Regression (issue 17, item 9): a target of 100000000000000000000001 silently became 1e23.
#[test]
fn a_number_too_large_to_keep_exactly_is_an_error() {
    let (code, err, _) = check_edited(
        &[(
            "content/pledges/alpha-2024.yaml",
            "value: 200",
            "value: 100000000000000000000001",
        )],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "content/pledges/alpha-2024.yaml:10:14: this number is too large to be kept exactly"
        ),
        "{err}"
    );
}

/// Regression (issue 17, item 9): an update naming an unknown pledge had its quote left
/// unchecked, so a second run found a second error.
#[test]
fn the_quote_of_an_update_of_an_unknown_pledge_is_checked_too() {
    let (code, err, _) = check_edited(
        &[(
            REPORT_CARD,
            "pledge: alpha-2024/parking\n    status: partially_completed\n    value: 2500\n    as_of: 2024-12-31\n    quote: 新增停车泊位2500个",
            "pledge: alpha-2024/parkng\n    status: partially_completed\n    value: 2500\n    as_of: 2024-12-31\n    quote: 新增停车泊位2600个",
        )],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("unknown pledge `alpha-2024/parkng`: did you mean `alpha-2024/parking`?"),
        "{err}"
    );
    assert!(
        err.contains("quote does not occur in this news body: «新增停车泊位2600个»"),
        "{err}"
    );
}

/// Regression (issue 17, item 9): an update of a draft pledge disappeared without a word.
#[test]
fn an_update_of_a_draft_pledge_is_a_warning_unless_drafts_are_built() {
    let edit = [(
        REPORT_CARD,
        "pledges: [alpha-2024/old-communities, alpha-2024/gdp]\nupdates:\n",
        "pledges: [alpha-2024/old-communities, alpha-2024/gdp, beta-2024/draft-pledge]\nupdates:\n  - pledge: beta-2024/draft-pledge\n    status: in_progress\n",
    )];
    let (code, err, _) = check_edited(&edit, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: content/news/2024/report-card.md:9:55: the mention of pledge `beta-2024/draft-pledge` is left out of the site: the pledge is a draft (build with --drafts to see it, or remove its `draft: true`)"),
        "{err}"
    );
    assert!(
        err.contains("warning: content/news/2024/report-card.md:11:13: this update of pledge `beta-2024/draft-pledge` is left out of the site"),
        "{err}"
    );
    let (code, err, _) = check_edited(&edit, &["--drafts"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("warning"), "{err}");
}

/// Regression (issue 17, item 9): warnings vanished when there were errors, so a skipped
/// (symbolically linked) pledge file showed only as "unknown pledge" errors.
#[cfg(unix)]
#[test]
fn warnings_are_shown_with_the_errors_they_explain() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let real = dir.path().join("alpha-2024.yaml");
    std::fs::rename(site.join("content/pledges/alpha-2024.yaml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, site.join("content/pledges/alpha-2024.yaml")).unwrap();
    let o = duixian(&["--root", site.to_str().unwrap(), "check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let warning = "warning: content/pledges/alpha-2024.yaml:1:1: skipped: not a regular file (links are not followed)";
    let first_error = err.find("unknown pledge").expect("the errors are shown");
    assert!(
        err.find(warning).is_some_and(|w| w < first_error),
        "the warning comes before the errors:\n{err}"
    );
    // The JSON output has both.
    let o = duixian(&[
        "--root",
        site.to_str().unwrap(),
        "check",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["severity"] == "warning" && i["path"] == "content/pledges/alpha-2024.yaml")
    );
    assert!(items.iter().any(|i| i["severity"] == "error"));
    // `--quiet` prints only errors.
    let o = duixian(&["--root", site.to_str().unwrap(), "--quiet", "check"]);
    let err = stderr(&o);
    assert!(!err.contains("warning"), "{err}");
    assert!(err.contains("unknown pledge"), "{err}");
}

/// Regression (issue 17, item 9): YAML refuses control characters written as they are, but
/// not written as escapes, and they went into pages and feeds raw. Quotes are cleaned to match
/// their bodies; every other text is an error at its position.
#[test]
fn control_characters_written_as_yaml_escapes_are_errors_outside_quotes() {
    let (code, err, _) = check_edited(
        &[
            (
                "content/pledges/alpha-2024.yaml",
                "title: 拆除违法建设200处以上",
                "title: \"拆除\\x01违法建设\"",
            ),
            (
                "content/pledges/alpha-2024.yaml",
                "tags: [民生实事, 住房]",
                "tags: [民生实事, \"住\\0房\"]",
            ),
            (
                REPORT_CARD,
                "summary: 一年过去，承诺兑现得怎么样？",
                "summary: \"\\e[31m一年过去\"",
            ),
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    for expected in [
        "content/news/2024/report-card.md:7:10: summary holds the control character U+001B, which pages cannot show: remove it (in YAML it is written as an escape, like `\\x01` or `\\0`)",
        "content/pledges/alpha-2024.yaml:5:12: title holds the control character U+0001",
        "content/pledges/alpha-2024.yaml:18:18: tags holds the control character U+0000",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(
        err.ends_with("error: 3 problems found; nothing was written\n"),
        "{err}"
    );
}
