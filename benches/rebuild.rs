//! Incremental rebuild time without the HTTP server and the file watcher: what `serve` does
//! after an editor saves a news file.
//!
//!     cargo run --release --example rebuild -- <site> [edits] [--load-only] [--file <rel>] [--update] [--paths] [--no-collect]
//!
//! Builds `<site>` (which it edits: pass a copy) into a temporary folder through
//! `duixian::incremental::Session`, then `edits` times appends a sentence to the first news file
//! (or `--file`, a path relative to the site) and rebuilds, printing each rebuild's phases and
//! the median, in milliseconds. With `--update` each edit instead switches the status of the
//! file's first update between `in_progress` and `completed`, which changes a pledge. With
//! `--load-only` it times only reading (from the cache) and validating the site, twice per edit,
//! which is the part to profile (`perf record`). `--paths` lists the files each rebuild wrote.
#![allow(clippy::print_stdout)]

use duixian::incremental::Session;
use duixian::model::BuildOptions;
use std::path::PathBuf;
use std::time::Instant;

// The allocator of the `duixian` binary, so that the times are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // As the `duixian` binary does (src/main.rs), unless `--no-collect` (to measure its cost).
    if !args.iter().any(|a| a == "--no-collect") {
        // SAFETY: `mi_collect` only frees memory the calling thread's heap no longer uses.
        duixian::memory::set_collector(|| unsafe { libmimalloc_sys::mi_collect(true) });
    }
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: rebuild <site> [edits] [--load-only]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let load_only = args.iter().any(|a| a == "--load-only");
    let update = args.iter().any(|a| a == "--update");
    let show_paths = args.iter().any(|a| a == "--paths");
    let file = args
        .iter()
        .position(|a| a == "--file")
        .and_then(|i| args.get(i + 1));
    let news = match file {
        Some(rel) => site.join(rel),
        None => walkdir::WalkDir::new(site.join("content/news"))
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.path().to_path_buf())
            .expect("the site has a news file"),
    };
    let opts = BuildOptions::default();
    let edit = |i: usize| {
        let mut text = std::fs::read_to_string(&news).unwrap();
        if update {
            let at = text
                .find("\n    status: ")
                .expect("the news file has an update")
                + 1;
            let end = at + text[at..].find('\n').unwrap();
            let to = if text[at..end].contains("in_progress") {
                "completed"
            } else {
                "in_progress"
            };
            text.replace_range(at..end, &format!("    status: {to}"));
        } else {
            text.push_str(&format!("\n编辑第{i}次。\n"));
        }
        std::fs::write(&news, text).unwrap();
    };
    let mut times = Vec::new();
    if load_only {
        let mut cache = duixian::content::Cache::new();
        duixian::build::load_site_cached(&site, &opts, &mut cache, None).expect("the site loads");
        for i in 0..edits {
            edit(i);
            let t = Instant::now();
            duixian::build::load_site_cached(
                &site,
                &opts,
                &mut cache,
                Some(std::slice::from_ref(&news)),
            )
            .expect("the site loads");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    } else {
        let out = tempfile::tempdir().unwrap();
        let mut s = Session::new(&site, &out.path().join("out"), opts);
        let t = Instant::now();
        let first = s.rebuild().expect("the site builds");
        println!(
            "first build: {} files in {:.0} ms",
            first.written,
            t.elapsed().as_secs_f64() * 1000.0
        );
        for i in 0..edits {
            edit(i);
            let t = Instant::now();
            let r = s
                .rebuild_changed(Some(std::slice::from_ref(&news)))
                .expect("the edited site builds");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let phases: Vec<String> = r
                .summary
                .phases
                .iter()
                .map(|(p, ms)| format!("{p} {ms}"))
                .collect();
            println!(
                "rebuild {i}: {} files{} in {ms:.0} ms ({})",
                r.written,
                if r.full { " (full)" } else { "" },
                phases.join(", ")
            );
            if show_paths {
                for p in &r.paths {
                    println!("  {p}");
                }
            }
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    if let Some(m) = times.get(times.len() / 2) {
        println!("median: {m:.0} ms over {edits} edits");
    }
}
