//! What refusing YAML anchors and aliases costs a load (issue 17, item 2): times the scan
//! `duixian` runs on every YAML text (`content::anchors::refuse_anchors`), the same event scan
//! forced on every text (its cost if every file held a `&` or `*`), and the whole load.
//!
//! `cargo run --release --example anchor-scan -- <site> [runs]`

use duixian::content::{self, anchors::refuse_anchors, frontmatter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use yaml_rust2::parser::{Event, Parser};

/// The YAML part of every content file of the site (front matter of Markdown files).
fn yaml_texts(root: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = vec![root.join("site.yaml")];
    for e in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let e = e.expect("walk the content folder");
        if e.file_type().is_file() {
            paths.push(e.into_path());
        }
    }
    paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            if p.extension().is_some_and(|e| e == "md") {
                Some(frontmatter::split(&text).ok()?.yaml.to_string())
            } else {
                Some(text)
            }
        })
        .collect()
}

/// Every event of `yaml`, read and dropped.
fn full_scan(yaml: &str) -> usize {
    let mut parser = Parser::new_from_str(yaml);
    let mut n = 0;
    while let Ok((ev, _)) = parser.next_token() {
        n += 1;
        if ev == Event::StreamEnd {
            break;
        }
    }
    n
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: anchor-scan <site> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let texts = yaml_texts(&root);
    let bytes: usize = texts.iter().map(String::len).sum();
    let with_sigils = texts.iter().filter(|t| t.contains(['&', '*'])).count();
    let (mut scan, mut forced, mut load) = (Vec::new(), Vec::new(), Vec::new());
    let mut events = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let refused = texts.iter().filter(|t| refuse_anchors(t).is_some()).count();
        scan.push(t.elapsed());
        assert_eq!(refused, 0, "the site has anchors");
        let t = Instant::now();
        events = texts.iter().map(|t| full_scan(t)).sum::<usize>();
        forced.push(t.elapsed());
        let t = Instant::now();
        let (loaded, errors) = content::load(&root);
        load.push(t.elapsed());
        assert!(errors.is_empty(), "{errors:?}");
        drop(loaded);
    }
    println!(
        "{} YAML texts, {:.1} MiB, {with_sigils} holding `&` or `*`; {runs} runs, medians:",
        texts.len(),
        bytes as f64 / 1_048_576.0
    );
    println!(
        "  scan as run by duixian (one thread): {:.1} ms",
        median(scan).as_secs_f64() * 1e3
    );
    println!(
        "  event scan forced on every text (one thread, {events} events): {:.1} ms",
        median(forced).as_secs_f64() * 1e3
    );
    println!(
        "  content::load (all threads, scan included): {:.1} ms",
        median(load).as_secs_f64() * 1e3
    );
}
