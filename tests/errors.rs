//! Invalid sites: every error of a run is reported once, as `path:line:col: message`, and
//! nothing is written.

mod common;
use common::*;

#[test]
fn broken_site_reports_every_error_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = duixian(&[
        "--root",
        fixture("broken").to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ]);
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
    let b = duixian(&[
        "--root",
        fixture("broken").to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ]);
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
