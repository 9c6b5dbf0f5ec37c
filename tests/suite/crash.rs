//! Crash-safe output (docs/content-model.md §10): builds killed with SIGKILL at many points leave
//! the previous output complete and unchanged, and the next build clears what they left behind.

use crate::common::generate::{Size, generate_site};
use crate::common::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Number of files and one hash over every path and its bytes.
fn digest(dir: &Path) -> (usize, u64) {
    let files = tree(dir);
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    (files.len(), h.finish())
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".duixian-"))
        .collect()
}

#[test]
fn killed_builds_leave_the_previous_output_complete_and_unchanged() {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    generate_site(
        &site,
        Size {
            reports: 6,
            pledges_per_report: 40,
            news: 150,
        },
    );
    let out = d.path().join("out");
    let start = Instant::now();
    build_ok(&site, &out, &[]);
    let full = start.elapsed();
    let before = digest(&out);
    assert!(
        before.0 > 400,
        "the generated site is large: {} files",
        before.0
    );

    // Early kills (while loading), then points spread over the whole build, up to its end.
    let mut delays: Vec<Duration> = [5u64, 10, 20, 40, 80]
        .iter()
        .map(|&ms| Duration::from_millis(ms))
        .collect();
    let steps = 10;
    delays.extend((1..=steps).map(|k| full * k / steps));
    let mut mid_write = 0;
    let mut finished = 0;
    for delay in &delays {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duixian"))
            .args(["--root", site.to_str().unwrap(), "build", "--output"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(*delay);
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if leftovers(d.path())
            .iter()
            .any(|n| n.starts_with(".duixian-tmp-out-"))
        {
            mid_write += 1;
        }
        assert_eq!(
            digest(&out),
            before,
            "output changed after a build killed at {delay:?} (full build: {full:?})"
        );
    }
    eprintln!(
        "full build {full:?}; {} kills, {mid_write} left a staging folder, {finished} had finished",
        delays.len()
    );
    assert!(
        mid_write >= 3,
        "too few kills landed while writing ({mid_write}); the test does not test what it says"
    );
    build_ok(&site, &out, &[]);
    assert_eq!(digest(&out), before);
    assert!(
        leftovers(d.path()).is_empty(),
        "leftovers after a good build: {:?}",
        leftovers(d.path())
    );
}
