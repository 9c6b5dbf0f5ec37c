//! Never destroy what duixian did not write: `build` refuses every output folder whose
//! replacement would lose someone's work, by path and through symbolic links, and says why.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Setup {
    _dir: tempfile::TempDir,
    base: PathBuf,
    site: PathBuf,
    home: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let site = base.join("site");
    copy_tree(&fixture("full"), &site);
    let home = base.join("home");
    std::fs::create_dir_all(home.join("Documents")).unwrap();
    std::fs::write(home.join("Documents/thesis.txt"), "years of work").unwrap();
    Setup {
        _dir: dir,
        base,
        site,
        home,
    }
}

/// Run `duixian build --output <output>` on the site with HOME set to the setup's home.
fn build_to(s: &Setup, output: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duixian"))
        .env("HOME", &s.home)
        .args(["--root", s.site.to_str().unwrap(), "build", "--output"])
        .arg(output)
        .output()
        .unwrap()
}

/// The build into `output` fails with `message`, and nothing under `base` changes.
fn refused(s: &Setup, output: &Path, message: &str) {
    let before = tree(&s.base);
    let o = build_to(s, output);
    let err = stderr(&o);
    assert!(
        !o.status.success(),
        "--output {} was accepted",
        output.display()
    );
    assert!(
        err.contains(message),
        "--output {}: expected «{message}» in:\n{err}",
        output.display()
    );
    assert!(
        tree(&s.base) == before,
        "--output {} changed files",
        output.display()
    );
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn refuses_the_site_folder() {
    let s = setup();
    refused(&s, &s.site, "it is the site folder itself");
    refused(
        &s,
        &s.site.join("content/.."),
        "it is the site folder itself",
    );
}

#[test]
fn refuses_folders_of_the_site() {
    let s = setup();
    refused(
        &s,
        &s.site.join("content"),
        "inside the site's content/ folder",
    );
    refused(
        &s,
        &s.site.join("content/news/2024"),
        "inside the site's content/ folder",
    );
    refused(
        &s,
        &s.site.join("content/new-folder"),
        "inside the site's content/ folder",
    );
    refused(&s, &s.site.join("seeds"), "inside the site's seeds/ folder");
    refused(&s, &s.site.join("site.yaml"), "is a file, not a folder");
}

#[test]
fn refuses_parents_of_the_site() {
    let s = setup();
    refused(&s, &s.base, "it contains the site folder");
    refused(&s, &s.site.join(".."), "it contains the site folder");
    refused(&s, Path::new("/"), "it is the file system root");
}

#[test]
fn refuses_the_home_folder_and_its_parents() {
    let s = setup();
    refused(&s, &s.home, "your home folder");
    // An empty home is still home.
    let s2 = setup();
    std::fs::remove_dir_all(s2.home.join("Documents")).unwrap();
    refused(&s2, &s2.home, "your home folder");
    // A folder above home (here it also holds the site, but home is named first).
    refused(&s, &s.base, "contains the site folder");
}

#[test]
fn refuses_a_non_empty_folder_without_the_marker() {
    let s = setup();
    refused(&s, &s.home.join("Documents"), "not written by duixian");
    let hidden = s.base.join("hidden");
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::write(hidden.join(".keep"), "").unwrap();
    refused(&s, &hidden, "not written by duixian");
}

#[test]
fn accepts_new_empty_and_own_folders() {
    let s = setup();
    let out = s.base.join("out");
    assert!(build_to(&s, &out).status.success(), "a new folder");
    assert!(out.join(".duixian-output").is_file());
    assert!(
        build_to(&s, &out).status.success(),
        "its own earlier output"
    );
    let empty = s.base.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(build_to(&s, &empty).status.success(), "an empty folder");
    let inside = s.site.join("output");
    assert!(
        build_to(&s, &inside).status.success(),
        "the default <site>/output"
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_before_judging() {
    let s = setup();
    let l = |name: &str| s.base.join(name);
    link(&s.site, &l("to-site"));
    refused(&s, &l("to-site"), "it is the site folder itself");
    link(&s.site.join("content"), &l("to-content"));
    refused(&s, &l("to-content"), "inside the site's content/ folder");
    refused(
        &s,
        &l("to-content").join("fresh"),
        "inside the site's content/ folder",
    );
    link(&s.base, &l("to-base"));
    refused(&s, &l("to-base"), "it contains the site folder");
    link(Path::new("/"), &l("to-root"));
    refused(&s, &l("to-root"), "it is the file system root");
    link(&s.home, &l("to-home"));
    refused(&s, &l("to-home"), "your home folder");
    link(&s.home.join("Documents"), &l("to-docs"));
    refused(&s, &l("to-docs"), "not written by duixian");
    // `..` after a link climbs from where the link leads, as the operating system does.
    link(&s.site.join("content/news"), &l("to-news"));
    refused(
        &s,
        &l("to-news").join(".."),
        "inside the site's content/ folder",
    );
    link(&s.base.join("nowhere"), &l("dangling"));
    refused(&s, &l("dangling"), "symbolic link to nothing");
}

#[cfg(unix)]
#[test]
fn a_link_to_an_earlier_output_is_kept_and_its_target_rebuilt() {
    let s = setup();
    let real = s.base.join("www");
    assert!(build_to(&s, &real).status.success());
    std::fs::write(real.join("stale.html"), "old").unwrap();
    let l = s.base.join("current");
    link(&real, &l);
    let o = build_to(&s, &l);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&l)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a folder"
    );
    assert!(real.join("index.html").is_file());
    assert!(
        !real.join("stale.html").exists(),
        "the link's target was not rebuilt"
    );
}

/// The `.duixian-*` entries beside an output (staging folders, previous outputs, lock files).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".duixian-"))
        .collect();
    v.sort();
    v
}

/// Regression (issue 17, item 8): of 30 builds started at once into one output, about one
/// failed with `cannot lock staging folder`, another build having taken its new staging folder
/// for a leftover and removed it between its creation and its lock. Builds now take turns.
#[test]
fn concurrent_builds_into_one_output_all_succeed() {
    let s = setup();
    let out = s.base.join("www");
    for round in 0..3 {
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_duixian"))
                    .env("HOME", &s.home)
                    .args(["--root", s.site.to_str().unwrap(), "build", "--output"])
                    .arg(&out)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", stderr(&o));
        }
        assert!(out.join("index.html").is_file());
        assert!(out.join(".duixian-output").is_file());
        assert_eq!(leftovers(&s.base), Vec::<String>::new(), "round {round}");
    }
}

/// Whether this process runs as root (which may write anywhere, so that permission tests must
/// run the binary as another user).
#[cfg(unix)]
fn is_root(base: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = base.join("uid-probe");
    std::fs::write(&probe, "").unwrap();
    let uid = std::fs::metadata(&probe).unwrap().uid();
    std::fs::remove_file(&probe).unwrap();
    uid == 0
}

/// `duixian build --output <output>` as an ordinary user: as `nobody` (with everything under
/// `base` given to it) when the tests run as root, as the current user otherwise.
#[cfg(unix)]
fn build_unprivileged(s: &Setup, output: &Path) -> Output {
    if !is_root(&s.base) {
        return build_to(s, output);
    }
    use std::os::unix::fs::MetadataExt;
    // Given once, before the first build: what the test adds later stays root's.
    if std::fs::metadata(&s.base).unwrap().uid() != 65534 {
        chown_tree(&s.base, 65534);
    }
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_duixian"))
        .env("HOME", &s.home)
        .args(["--root", s.site.to_str().unwrap(), "build", "--output"])
        .arg(output)
        .output()
        .unwrap()
}

#[cfg(unix)]
fn chown_tree(p: &Path, uid: u32) {
    std::os::unix::fs::lchown(p, Some(uid), Some(uid)).unwrap();
    if std::fs::symlink_metadata(p).unwrap().is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chown_tree(&e.unwrap().path(), uid);
        }
    }
}

/// `chmod -R a-w`.
#[cfg(unix)]
fn make_read_only(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::symlink_metadata(p).unwrap().is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            make_read_only(&e.unwrap().path());
        }
    }
    let mode = std::fs::metadata(p).unwrap().permissions().mode();
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode & !0o222)).unwrap();
}

/// Regression (issue 17, item 8): a previous output made read-only was swapped out but could
/// not be removed, and stayed beside the output as `.duixian-tmp-*` for ever.
#[cfg(unix)]
#[test]
fn a_read_only_previous_output_is_removed_after_the_swap() {
    let s = setup();
    let out = s.base.join("www");
    let o = build_unprivileged(&s, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(out.join("stale.html"), "old").unwrap();
    make_read_only(&out);
    let o = build_unprivileged(&s, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("stale.html").exists());
    assert_eq!(leftovers(&s.base), Vec::<String>::new(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

/// A leftover that the build cannot remove (another user's) is named in a warning, and the
/// build still succeeds. Needs root, to make a folder the build's user cannot remove.
#[cfg(unix)]
#[test]
fn a_leftover_that_cannot_be_removed_is_named() {
    let s = setup();
    if !is_root(&s.base) {
        eprintln!("skipped: needs root to make a folder another user owns");
        return;
    }
    let out = s.base.join("www");
    let o = build_unprivileged(&s, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    // Root's, inside the folder that `nobody` owns: `nobody` may not empty it.
    let foreign = s.base.join(".duixian-tmp-www-4242");
    std::fs::create_dir_all(foreign.join("sub")).unwrap();
    std::fs::write(foreign.join("sub/index.html"), "x").unwrap();
    let o = build_unprivileged(&s, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "warning: could not remove `{}`",
            foreign.display()
        )) && err.contains("remove it yourself"),
        "{err}"
    );
    assert!(foreign.join("sub/index.html").is_file());
}

/// Regression (issue 17, item 7): a full disk printed a thousand `404.html:1:1: cannot write
/// output file` lines, one a page, looking like content errors. Now the build stops at the first
/// file it cannot write, says so once with the path and the system's reason, and the previous
/// output stays as it was. The disk is filled by a file size limit (`ulimit -f`, with the
/// signal it sends ignored, so that writes fail with EFBIG as they fail with ENOSPC).
#[cfg(unix)]
#[test]
fn a_disk_that_refuses_writes_gives_one_error_and_keeps_the_output() {
    let s = setup();
    let out = s.base.join("www");
    assert!(build_to(&s, &out).status.success());
    let before = tree(&out);
    let o = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 8 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_duixian"))
        .env("HOME", &s.home)
        .args(["--root", s.site.to_str().unwrap(), "build", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one message, not one a file:\n{err}");
    let staging = s.base.join(".duixian-tmp-www-");
    assert!(
        lines[0].starts_with(&format!("error: cannot write `{}", staging.display())),
        "{err}"
    );
    assert!(lines[0].contains("File too large"), "{err}");
    assert!(
        lines[0].ends_with(&format!(
            "nothing was replaced: `{}` is as the previous build left it",
            out.display()
        )),
        "{err}"
    );
    assert!(tree(&out) == before, "the previous output changed");
    assert_eq!(leftovers(&s.base), Vec::<String>::new());
}
