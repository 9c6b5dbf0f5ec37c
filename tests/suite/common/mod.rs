//! Helpers shared by the integration tests: run the binary, copy fixtures, read output trees,
//! run a test that reads process-wide state in a process of its own ([`alone`]).

pub mod generate;
pub mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn duixian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duixian"))
        .args(args)
        .output()
        .expect("the duixian binary runs")
}

/// The variable that marks a child process started by [`alone`].
const ALONE: &str = "DUIXIAN_TEST_ALONE";

/// Run the calling test in a process of its own, for a test that reads process-wide state
/// (a global counter) that the other tests of this binary would change while it runs.
///
/// `test` is the test's path, `concat!(module_path!(), "::name")`. In the test binary's own
/// process this runs the binary again with only that test (`--exact`), asserts that it ran and
/// passed, and returns `false`; in that child it returns `true`, and the test does its work:
///
/// ```ignore
/// if !alone(concat!(module_path!(), "::counts_reads")) { return; }
/// ```
pub fn alone(test: &str) -> bool {
    // libtest names a test by its path without the crate's name.
    let name = test.split_once("::").map_or(test, |(_, rest)| rest);
    if std::env::var_os(ALONE).is_some_and(|v| v == name) {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let out = Command::new(exe)
        .args([name, "--exact", "--include-ignored", "--test-threads=1"])
        .env(ALONE, name)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "`{name}` failed in its own process:\n{stdout}\n{}",
        stderr(&out)
    );
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "`{name}` did not run in its own process (is the name right?):\n{stdout}"
    );
    false
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copy a directory tree (fixtures are small).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// Run `duixian --root <site> build --output <out>` with `extra` arguments; its output.
pub fn run_build(site: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "--root",
        site.to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    duixian(&args)
}

/// Assert that what the command printed on stderr contains `text`, showing all of it if not.
#[track_caller]
pub fn assert_stderr_has(o: &Output, text: &str) {
    let err = stderr(o);
    assert!(err.contains(text), "no {text:?} in:\n{err}");
}

/// Build `site` into `out`, panicking with the tool's messages if it fails.
pub fn build_ok(site: &Path, out: &Path, extra: &[&str]) {
    let o = run_build(site, out, extra);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
}

/// Give `site` a `templates/news.html`: the default one, failing while rendering (not while
/// parsing) the page of a news item titled `boom`, and only that page; its path.
pub fn news_template_failing_on_boom(site: &Path) -> PathBuf {
    let news = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/news.html"),
    )
    .unwrap();
    let failing = news.replacen(
        "<h1>{{ news.title }}</h1>",
        "<h1>{{ news.title }}</h1>{% if news.title == \"boom\" %}{{ no_such_value.x }}{% endif %}",
        1,
    );
    assert_ne!(
        failing, news,
        "the default news template has its title heading"
    );
    let path = site.join("templates/news.html");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(&path, failing).unwrap();
    path
}

/// Compare `actual` with the snapshot file, or rewrite it when SNAPSHOTS=overwrite.
pub fn snapshot(path: &Path, actual: &str) {
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}: run with SNAPSHOTS=overwrite and review it",
            path.display()
        )
    });
    if expected != actual {
        let diff_line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{} differs from the output (first difference at line {}):\nexpected: {:?}\n  actual: {:?}\nRun with SNAPSHOTS=overwrite to accept.",
            path.display(),
            diff_line + 1,
            expected.lines().nth(diff_line),
            actual.lines().nth(diff_line)
        );
    }
}

/// Values of the `attr` attributes of every element, as a browser parses the HTML (text that
/// merely looks like an attribute, such as escaped markup shown from content, does not count).
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    scraper::Html::parse_document(html)
        .root_element()
        .descendent_elements()
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Check every internal link and fragment of a built site; returns the broken ones.
pub fn broken_links(out: &Path, base_path: &str, base_url: &str) -> Vec<String> {
    let files = tree(out);
    // Per page: its ids and its links (href, src), each page parsed once as a browser would.
    let mut ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut links: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (p, b) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = scraper::Html::parse_document(std::str::from_utf8(b).unwrap());
        for e in doc.root_element().descendent_elements() {
            let v = e.value();
            if let Some(id) = v.attr("id") {
                ids.entry(p.as_str()).or_default().push(id.to_string());
            }
            for attr in ["href", "src"] {
                if let Some(l) = v.attr(attr) {
                    links.entry(p.as_str()).or_default().push(l.to_string());
                }
            }
        }
    }
    let mut broken = Vec::new();
    for (page, page_links) in &links {
        let page = page.to_string();
        for raw in page_links {
            let link = raw.clone();
            let local = if let Some(rest) = link.strip_prefix(base_url) {
                format!("{base_path}{rest}")
            } else {
                link.clone()
            };
            let (path, frag) = match local.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (local.clone(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else if let Some(rest) = path.strip_prefix(base_path) {
                if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest.to_string()
                }
            } else if path.starts_with("http://")
                || path.starts_with("https://")
                || path.starts_with("mailto:")
            {
                continue;
            } else if path.starts_with('/') {
                broken.push(format!(
                    "{page}: link `{raw}` does not start with the base path {base_path}"
                ));
                continue;
            } else {
                // Relative to the page's folder.
                let mut segs: Vec<&str> = page.split('/').collect();
                segs.pop();
                for seg in path.split('/') {
                    match seg {
                        ".." => {
                            segs.pop();
                        }
                        "." | "" => {}
                        s => segs.push(s),
                    }
                }
                let joined = segs.join("/");
                if path.ends_with('/') {
                    format!("{joined}/index.html")
                        .trim_start_matches('/')
                        .to_string()
                } else {
                    joined
                }
            };
            if !files.contains_key(&target) {
                broken.push(format!("{page}: `{raw}` → missing {target}"));
                continue;
            }
            if let Some(f) = frag.filter(|f| !f.is_empty())
                && !ids
                    .get(target.as_str())
                    .is_some_and(|list| list.contains(&f))
            {
                broken.push(format!("{page}: `{raw}` → no id `{f}` in {target}"));
            }
        }
    }
    broken
}
