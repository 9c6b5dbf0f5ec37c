//! Bounded input: huge files, very long lines, deep nesting, YAML alias bombs, symbolic links
//! and file names that are not UTF-8 each give an error or warning that names the file, within
//! a time limit and a memory limit, and never a crash.

use crate::common::generate::{Size, generate_site};
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one limited run of the binary did.
struct Run {
    ok: bool,
    stderr: String,
    took: Duration,
}

/// Run `duixian --root <site> <args>` under a 1 GiB address-space limit; fail the test if it
/// takes longer than `secs` (a hang) or dies from a signal (a crash).
fn run_limited(site: &Path, args: &[&str], secs: u64) -> Run {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_duixian"))
        .arg("--root")
        .arg(site)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read stderr while the child runs, so that a long message cannot block it on a full pipe.
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut pipe, &mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("duixian {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = reader.join().unwrap();
    assert!(
        status.code().is_some(),
        "duixian {args:?} was killed by a signal ({status:?}):\n{stderr}"
    );
    Run {
        ok: status.success(),
        stderr,
        took: start.elapsed(),
    }
}

/// A small valid site to spoil.
fn small_site() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    generate_site(
        &site,
        Size {
            reports: 3,
            pledges_per_report: 4,
            news: 6,
        },
    );
    (d, site)
}

fn put(site: &Path, rel: &str, text: &str) {
    let p = site.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `check` fails, and its messages include each of `expected` (`path:line:col: message` parts).
fn fails_with(site: &Path, expected: &[&str]) -> Run {
    let r = run_limited(site, &["check"], 30);
    assert!(!r.ok, "check passed; expected errors {expected:?}");
    for e in expected {
        assert!(r.stderr.contains(e), "expected «{e}» in:\n{}", r.stderr);
    }
    r
}

#[test]
fn a_file_over_the_size_limit_is_an_error_without_being_read() {
    let (_d, site) = small_site();
    let p = site.join("content/news/huge.md");
    // Sparse: 65 MiB long, nothing written.
    std::fs::File::create(&p)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let r = fails_with(
        &site,
        &["content/news/huge.md:1:1: file is 65 MiB, over the limit of 64 MiB for content files"],
    );
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
}

#[test]
fn very_long_lines_are_handled_in_linear_time() {
    let (_d, site) = small_site();
    // One paragraph of 4 MiB on a single line, the pledge quote at its very end.
    let filler = "长".repeat((4 << 20) / 3);
    put(
        &site,
        "content/reports/long.md",
        &format!(
            "---\njurisdiction: north\nyear: 2030\ntitle: 长\ndelivered: 2030-02-01\n---\n{filler}完成长行任务\n"
        ),
    );
    // A YAML scalar of 1 MiB on one line, quoted from the report.
    let long_title = "题".repeat((1 << 20) / 3);
    put(
        &site,
        "content/pledges/long.yaml",
        &format!(
            "report: long\npledges:\n  - id: end\n    text: 完成长行任务\n    title: {long_title}\n    category: urban\n"
        ),
    );
    let r = run_limited(&site, &["check"], 120);
    assert!(r.ok, "{}", r.stderr);
    eprintln!("long lines: check took {:?}", r.took);
    // A quote of 1 MiB that does not occur: the error shows a short form of it.
    put(
        &site,
        "content/pledges/long.yaml",
        &format!(
            "report: long\npledges:\n  - id: end\n    text: {filler}无\n    category: urban\n"
        ),
    );
    let r = fails_with(
        &site,
        &["content/pledges/long.yaml:4:11: text does not occur"],
    );
    assert!(
        r.stderr.len() < 10_000,
        "the message repeats the whole quote"
    );
}

#[test]
fn deeply_nested_yaml_is_an_error_in_every_kind_of_file() {
    let deep = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let deep_map = format!("{}1", "{a: ".repeat(20_000)) + &"}".repeat(20_000);
    let (_d, site) = small_site();
    let site_yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    put(
        &site,
        "site.yaml",
        &format!("{site_yaml}description: {deep}\n"),
    );
    put(
        &site,
        "content/pledges/deep.yaml",
        &format!(
            "report: r0\npledges:\n  - id: deep\n    text: x\n    category: urban\n    tags: {deep_map}\n"
        ),
    );
    put(
        &site,
        "content/news/deep.md",
        &format!("---\ntitle: t\ndate: 2024-01-01\nsummary: {deep}\n---\nbody\n"),
    );
    put(
        &site,
        "content/indicators/north.yaml",
        &format!("jurisdiction: north\nindicators:\n  - id: x\n    name: {deep}\n"),
    );
    put(
        &site,
        "content/pages/deep.md",
        &format!("---\ntitle: {deep_map}\n---\nbody\n"),
    );
    fails_with(
        &site,
        &[
            "site.yaml:",
            "content/pledges/deep.yaml:",
            "content/news/deep.md:",
            "content/indicators/north.yaml:",
            "content/pages/deep.md:",
            "nested more than 64 levels deep in [ ] or { }",
        ],
    );
    // Block nesting is cut short by the YAML parser's own recursion limit.
    let (_d, site) = small_site();
    let block = "- ".repeat(20_000) + "x";
    put(
        &site,
        "content/pledges/deep.yaml",
        &format!(
            "report: r0\npledges:\n  - id: deep\n    text: x\n    category: urban\n    tags: {block}\n"
        ),
    );
    put(
        &site,
        "content/news/deep.md",
        &format!("---\ntitle: t\ndate: 2024-01-01\njurisdictions:\n{block}\n---\nbody\n"),
    );
    fails_with(
        &site,
        &["content/pledges/deep.yaml:", "content/news/deep.md:"],
    );
}

/// Nine levels of nine aliases: 387 million strings if expanded.
fn alias_bomb(indent: &str) -> String {
    let mut s = format!("{indent}- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        s.push_str(&format!("{indent}- &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn yaml_alias_bombs_are_an_error_in_every_kind_of_file() {
    let (_d, site) = small_site();
    let site_yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    put(
        &site,
        "site.yaml",
        &format!("{site_yaml}description:\n{}", alias_bomb("  ")),
    );
    put(
        &site,
        "content/pledges/bomb.yaml",
        &format!(
            "report: r0\npledges:\n  - id: bomb\n    text: x\n    category: urban\n    tags:\n{}",
            alias_bomb("      ")
        ),
    );
    put(
        &site,
        "content/news/bomb.md",
        &format!(
            "---\ntitle: t\ndate: 2024-01-01\njurisdictions:\n{}---\nbody\n",
            alias_bomb("  ")
        ),
    );
    put(
        &site,
        "content/indicators/north.yaml",
        &format!(
            "jurisdiction: north\nindicators:\n  - id: x\n    name: n\n    years:\n{}",
            alias_bomb("      ")
        ),
    );
    put(
        &site,
        "content/reports/bomb.md",
        &format!(
            "---\njurisdiction: north\nyear: 2024\ntitle: t\ndelivered: 2024-01-01\nspeaker:\n{}---\nbody\n",
            alias_bomb("  ")
        ),
    );
    let r = fails_with(
        &site,
        &[
            "site.yaml:",
            "content/pledges/bomb.yaml:",
            "content/news/bomb.md:",
            "content/indicators/north.yaml:",
            "content/reports/bomb.md:",
        ],
    );
    eprintln!("alias bombs: check took {:?}\n{}", r.took, r.stderr);
}

/// A bomb by bytes (issue 17, item 2): one long string and four levels of 64 aliases to it.
/// It is 70 KB, but serde_yaml would expand it into 64⁴ copies of the string: it must be
/// refused at its first alias, in every kind of file, before anything is expanded.
fn byte_bomb(indent: &str) -> String {
    let mut s = format!("{indent}- &s \"{}\"\n", "长".repeat(20_000));
    for i in 0..4 {
        let prev = if i == 0 {
            "s".to_string()
        } else {
            format!("l{}", i - 1)
        };
        let refs = vec![format!("*{prev}"); 64].join(", ");
        s.push_str(&format!("{indent}- &l{i} [{refs}]\n"));
    }
    s
}

/// `path:line:col` of the first `*` in `text`, as an editor counts (1-based, in characters).
fn first_star(path: &str, text: &str) -> String {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains('*'))
        .unwrap();
    let col = line[..line.find('*').unwrap()].chars().count() + 1;
    format!("{path}:{}:{col}: YAML alias `*s` is not accepted", i + 1)
}

#[test]
fn yaml_alias_bombs_by_bytes_are_refused_at_the_first_alias() {
    let (_d, site) = small_site();
    let site_yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let site_text = format!("{site_yaml}description:\n{}", byte_bomb("  "));
    let pledges = format!(
        "report: r0\npledges:\n  - id: bomb\n    text: x\n    category: urban\n    tags:\n{}",
        byte_bomb("      ")
    );
    let news = format!(
        "---\ntitle: t\ndate: 2024-01-01\njurisdictions:\n{}---\nbody\n",
        byte_bomb("  ")
    );
    let indicators = format!(
        "jurisdiction: north\nindicators:\n  - id: x\n    name: n\n    years:\n{}",
        byte_bomb("      ")
    );
    let report = format!(
        "---\njurisdiction: north\nyear: 2024\ntitle: t\ndelivered: 2024-01-01\nspeaker:\n{}---\nbody\n",
        byte_bomb("  ")
    );
    let files = [
        ("site.yaml", site_text),
        ("content/pledges/bomb.yaml", pledges),
        ("content/news/bomb.md", news),
        ("content/indicators/north.yaml", indicators),
        ("content/reports/bomb.md", report),
    ];
    for (path, text) in &files {
        put(&site, path, text);
    }
    // `&` and `*` inside text are not anchors or aliases.
    put(
        &site,
        "content/news/ampersand.md",
        "---\ntitle: \"A&B*C\"\ndate: 2024-01-01\nsummary: 增长5%*2 & 更多\n---\nbody\n",
    );
    let expected: Vec<String> = files.iter().map(|(p, t)| first_star(p, t)).collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let r = fails_with(&site, &expected);
    assert!(!r.stderr.contains("ampersand.md"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("YAML alias").count(), 5, "{}", r.stderr);
    let r = run_limited(&site, &["build"], 30);
    assert!(!r.ok);
    for e in &expected {
        assert!(r.stderr.contains(e), "expected «{e}» in:\n{}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn links_are_not_followed_and_each_is_named() {
    use std::os::unix::fs::symlink;
    let (d, site) = small_site();
    let outside = d.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("secret.md"),
        "---\ntitle: secret\ndate: 2024-01-01\n---\nsecret\n",
    )
    .unwrap();
    // Files and folders inside content/ that lead out of the site, or round in a loop.
    symlink(
        outside.join("secret.md"),
        site.join("content/news/secret.md"),
    )
    .unwrap();
    symlink(&outside, site.join("content/news/outside")).unwrap();
    symlink(
        site.join("content/news"),
        site.join("content/news/2020/loop"),
    )
    .unwrap();
    symlink("/etc/passwd", site.join("content/pages/passwd.md")).unwrap();
    symlink("nowhere.md", site.join("content/pages/dangling.md")).unwrap();
    let r = run_limited(&site, &["check"], 30);
    assert!(r.ok, "{}", r.stderr);
    for rel in [
        "content/news/secret.md",
        "content/news/outside",
        "content/news/2020/loop",
        "content/pages/passwd.md",
        "content/pages/dangling.md",
    ] {
        assert!(
            r.stderr.contains(&format!(
                "warning: {rel}:1:1: skipped: not a regular file (links are not followed)"
            )),
            "no warning for {rel}:\n{}",
            r.stderr
        );
    }
    let out = d.path().join("out");
    let o = run_build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("news/secret").exists(), "a linked file was read");

    // A linked content folder, or a linked site.yaml, is an error: its files would come from
    // anywhere, and skipping them would publish a site without them.
    std::fs::rename(site.join("content/pledges"), d.path().join("pledges")).unwrap();
    symlink(d.path().join("pledges"), site.join("content/pledges")).unwrap();
    std::fs::rename(site.join("site.yaml"), d.path().join("site.yaml")).unwrap();
    symlink(d.path().join("site.yaml"), site.join("site.yaml")).unwrap();
    fails_with(
        &site,
        &[
            "content/pledges:1:1: is a symbolic link",
            "site.yaml:1:1: is a symbolic link",
        ],
    );
}

#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8_are_named_and_refused() {
    use std::os::unix::ffi::OsStrExt;
    let (_d, site) = small_site();
    let bad = |dir: &str, name: &[u8]| site.join(dir).join(std::ffi::OsStr::from_bytes(name));
    // GBK for 新闻.md, as an archive made on a Chinese Windows machine would name it.
    std::fs::write(
        bad("content/news/2021", b"\xd0\xc2\xce\xc5.md"),
        "---\ntitle: t\ndate: 2024-01-01\n---\nx\n",
    )
    .unwrap();
    // A folder with such a name: the file inside is reported by its folder's lossy name.
    let folder = bad("content/pages", b"\xff\xfe");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.md"), "---\ntitle: t\n---\nx\n").unwrap();
    std::fs::create_dir_all(site.join("seeds")).unwrap();
    std::fs::write(bad("seeds", b"\xb0\xa1.txt"), "seed").unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(bad("static", b"\xb0\xa1.css"), "a{}").unwrap();
    let r = fails_with(
        &site,
        &[
            // Each byte that is not UTF-8 shows as U+FFFD.
            "content/news/2021/\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}.md:1:1: file name is not valid UTF-8: rename the file",
            "content/pages/\u{FFFD}\u{FFFD}/a.md:1:1: page path segment `\u{FFFD}\u{FFFD}` is not valid",
        ],
    );
    // Seeds and static files with such names are no reason to fail, and never a panic.
    assert_eq!(
        r.stderr.matches("error: 2 problems").count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn pathological_markdown_renders_in_bounded_time() {
    let (_d, site) = small_site();
    let n = 100_000;
    let bodies = [
        ("quotes", "> ".repeat(n) + "x"),
        ("lists", "- ".repeat(n / 10) + "x"),
        ("brackets", "[".repeat(n) + "x" + &"](y)".repeat(100)),
        ("stars", "*".repeat(n) + "x"),
        ("emphasis", "*加粗。*正文 ".repeat(n)),
        ("strong", "**加粗。**正文".repeat(n)),
        ("backticks", "`".repeat(n) + "x"),
        ("html", "<".repeat(n) + "x"),
        ("links", "[a](b) ".repeat(n)),
        ("entities", "&#106;".repeat(n)),
        (
            "table",
            "|a".repeat(2_000)
                + "|\n"
                + &"|-".repeat(2_000)
                + "|\n"
                + &"|x".repeat(2_000).repeat(50),
        ),
        ("code", format!("```python\n{}\n```\n", "x = [".repeat(n))),
    ];
    for (name, body) in &bodies {
        put(
            &site,
            &format!("content/pages/{name}.md"),
            &format!("---\ntitle: {name}\n---\n{body}\n"),
        );
    }
    let r = run_limited(&site, &["check"], 120);
    assert!(r.ok, "{}", r.stderr);
    eprintln!("pathological markdown: check took {:?}", r.took);
}
