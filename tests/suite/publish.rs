//! What a build does for static hosts: unchanged files keep their bytes, modification times and
//! inodes across builds, `--changes` lists what was added, changed and removed, `--precompress`
//! writes deterministic `.gz`/`.br` twins, and the manifest stays beside the output, unpublished.

use crate::common::*;
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

/// Modification time (seconds, nanoseconds) and inode of every file below `dir`.
fn stamps(dir: &Path) -> BTreeMap<String, (i64, i64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let m = e.metadata().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, (m.mtime(), m.mtime_nsec(), m.ino()));
        }
    }
    out
}

fn site_copy() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = d.path().join("out");
    (d, site, out)
}

fn changes(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_rebuild_of_unchanged_content_keeps_every_file_and_its_time() {
    let (d, site, out) = site_copy();
    let list = d.path().join("changes.txt");
    let list_s = list.to_str().unwrap();
    build_ok(&site, &out, &["--precompress", "--changes", list_s]);
    let first = changes(&list);
    assert!(first.iter().all(|l| l.starts_with("A ")), "{first:?}");
    assert!(first.contains(&"A index.html".to_string()), "{first:?}");
    assert!(
        !first.iter().any(|l| l.contains(".duixian-output")),
        "the marker is not a published file"
    );
    let (before, bytes) = (stamps(&out), tree(&out));
    std::thread::sleep(std::time::Duration::from_millis(20));
    build_ok(&site, &out, &["--precompress", "--changes", list_s]);
    assert_eq!(changes(&list), Vec::<String>::new(), "nothing changed");
    assert_eq!(tree(&out), bytes);
    let after = stamps(&out);
    let moved: Vec<&String> = after
        .keys()
        .filter(|k| *k != ".duixian-output" && after.get(*k) != before.get(*k))
        .collect();
    assert!(moved.is_empty(), "new times or inodes: {moved:?}");
    // The manifest is beside the output, not in it.
    assert!(d.path().join(".out.duixian-manifest").is_file());
    assert!(!bytes.keys().any(|k| k.contains("manifest")));
}

#[test]
fn one_news_edit_gives_new_times_to_exactly_the_files_whose_bytes_changed() {
    let (d, site, out) = site_copy();
    let list = d.path().join("changes.txt");
    build_ok(&site, &out, &["--precompress"]);
    let (before, old) = (stamps(&out), tree(&out));
    let news = site.join("content/news/mid-year.md");
    let text = std::fs::read_to_string(&news).unwrap();
    std::fs::write(&news, format!("{text}\n下半年继续推进。\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    build_ok(
        &site,
        &out,
        &["--precompress", "--changes", list.to_str().unwrap()],
    );
    let (after, new) = (stamps(&out), tree(&out));
    let mut differ: Vec<String> = new
        .keys()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| format!("M {k}"))
        .collect();
    differ.sort();
    let listed = changes(&list);
    assert!(
        listed.contains(&"M news/mid-year/index.html".to_string()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"M news/mid-year/index.html.gz".to_string()),
        "{listed:?}"
    );
    // The marker is written by every build; it is never listed.
    differ.retain(|l| l != "M .duixian-output");
    assert_eq!(
        listed, differ,
        "listed changes are the files with new bytes"
    );
    let touched: Vec<String> = after
        .keys()
        .filter(|k| *k != ".duixian-output" && after.get(*k) != before.get(*k))
        .map(|k| format!("M {k}"))
        .collect();
    assert_eq!(touched, differ, "new times exactly where the bytes changed");
}

#[test]
fn a_removed_page_is_listed_and_an_added_one_too() {
    let (d, site, out) = site_copy();
    let list = d.path().join("changes.txt");
    build_ok(&site, &out, &[]);
    std::fs::rename(
        site.join("content/pages/about.md"),
        site.join("content/pages/contact.md"),
    )
    .unwrap();
    build_ok(&site, &out, &["--changes", list.to_str().unwrap()]);
    let listed = changes(&list);
    assert!(
        listed.contains(&"D about/index.html".to_string()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"A contact/index.html".to_string()),
        "{listed:?}"
    );
    let mut sorted = listed.clone();
    sorted.sort_by(|a, b| a[2..].cmp(&b[2..]));
    assert_eq!(listed, sorted, "sorted by path");
}

#[test]
fn a_file_edited_by_hand_in_the_output_is_written_again_not_kept() {
    // The manifest's hash of a file is trusted only while the file is as it recorded.
    let (_d, site, out) = site_copy();
    build_ok(&site, &out, &[]);
    let page = out.join("index.html");
    let right = std::fs::read(&page).unwrap();
    let mut wrong = right.clone();
    let at = wrong.len() - 10;
    wrong[at] = b'X';
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, &wrong).unwrap();
    build_ok(&site, &out, &[]);
    assert_eq!(std::fs::read(&page).unwrap(), right);
}

#[test]
fn a_first_build_over_an_output_without_manifest_keeps_equal_files() {
    let (d, site, out) = site_copy();
    build_ok(&site, &out, &[]);
    std::fs::remove_file(d.path().join(".out.duixian-manifest")).unwrap();
    let before = stamps(&out);
    let list = d.path().join("changes.txt");
    build_ok(&site, &out, &["--changes", list.to_str().unwrap()]);
    assert_eq!(changes(&list), Vec::<String>::new());
    let after = stamps(&out);
    assert!(
        after
            .iter()
            .all(|(k, v)| k == ".duixian-output" || before.get(k) == Some(v)),
        "files compared by their bytes are kept"
    );
}

#[test]
fn precompressed_twins_decompress_to_their_file_and_are_the_same_in_every_build() {
    let (d, site, out) = site_copy();
    build_ok(&site, &out, &["--precompress"]);
    let other = d.path().join("other");
    build_ok(&site, &other, &["--precompress"]);
    let (one, two) = (tree(&out), tree(&other));
    assert_eq!(one, two, "same input, same bytes");
    let mut twins = 0;
    for (path, bytes) in &one {
        if let Some(orig) = path.strip_suffix(".gz") {
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(&back, &one[orig], "{path}");
            assert!(bytes.len() < one[orig].len(), "{path} saves bytes");
            twins += 1;
        } else if let Some(orig) = path.strip_suffix(".br") {
            let mut back = Vec::new();
            brotli::BrotliDecompress(&mut &bytes[..], &mut back).unwrap();
            assert_eq!(&back, &one[orig], "{path}");
            twins += 1;
        }
    }
    assert!(one.contains_key("index.html.gz") && one.contains_key("data/pledges.json.br"));
    assert!(
        !one.keys()
            .any(|k| k.ends_with(".png.gz") || k.ends_with(".gz.gz"))
    );
    assert!(twins > 100, "{twins}");
}

#[test]
fn a_failed_build_leaves_the_output_and_its_manifest_as_they_were() {
    let (d, site, out) = site_copy();
    build_ok(&site, &out, &["--precompress"]);
    let manifest = d.path().join(".out.duixian-manifest");
    let (before, text) = (tree(&out), std::fs::read(&manifest).unwrap());
    std::fs::write(site.join("content/news/bad.md"), "---\ntitle: [\n---\n").unwrap();
    let list = d.path().join("changes.txt");
    let o = duixian(&[
        "--root",
        site.to_str().unwrap(),
        "build",
        "--precompress",
        "--changes",
        list.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert_eq!(tree(&out), before);
    assert_eq!(std::fs::read(&manifest).unwrap(), text);
    assert!(
        !list.exists(),
        "no list of changes for a build that did not happen"
    );
}
