//! The I/O floor of a build, for BENCHMARKS.md: the file system work of a build and nothing else.
//!
//! ```sh
//! io-floor manifest OUTPUT > M   # list the files of a built output: size and path
//! io-floor run --input SITE --manifest M --out DIR
//! ```
//!
//! `run` reads every file under SITE, then does what `duixian build` does to the file system
//! with the same number of files and bytes: writes them (two threads, like the build) into a
//! staging folder beside DIR, moves the previous DIR aside, moves the staging folder into place
//! and removes the previous output. No parsing, no rendering.

use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("manifest") if args.len() == 2 => manifest(Path::new(&args[1])),
        Some("run") => run(&args[1..]),
        _ => Err(
            "usage: io-floor manifest OUTPUT | io-floor run --input SITE --manifest FILE --out DIR"
                .into(),
        ),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("io-floor: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn files_under(dir: &Path) -> Vec<(PathBuf, u64)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            (e.path().to_path_buf(), len)
        })
        .collect()
}

fn manifest(output: &Path) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (path, len) in files_under(output) {
        let rel = path.strip_prefix(output).map_err(|e| e.to_string())?;
        writeln!(out, "{len}\t{}", rel.display()).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn run(args: &[String]) -> Result<(), String> {
    let (mut input, mut list, mut out) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--input" => input = Some(PathBuf::from(v)),
            "--manifest" => list = Some(PathBuf::from(v)),
            "--out" => out = Some(PathBuf::from(v)),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    let (input, list, out) = match (input, list, out) {
        (Some(i), Some(m), Some(o)) => (i, m, o),
        _ => return Err("--input, --manifest and --out are required".into()),
    };
    let text = std::fs::read_to_string(&list).map_err(|e| format!("{}: {e}", list.display()))?;
    let files: Vec<(u64, &str)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, p)| (n.parse().unwrap_or(0), p))
        .collect();

    // Read the input, as a build must.
    let inputs = files_under(&input);
    let read: u64 = inputs
        .par_iter()
        .map(|(p, _)| std::fs::read(p).map(|b| b.len() as u64).unwrap_or(0))
        .sum();

    // Write the same files and bytes into a staging folder beside the output.
    let name = out.file_name().ok_or("--out has no folder name")?;
    let parent = out.parent().unwrap_or(Path::new("."));
    let staging = parent.join(format!(".floor-tmp-{}", name.to_string_lossy()));
    let old = parent.join(format!(".floor-old-{}", name.to_string_lossy()));
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    let biggest = files.iter().map(|f| f.0).max().unwrap_or(0) as usize;
    let filler = vec![b'x'; biggest];
    files
        .par_iter()
        .try_for_each(|&(len, rel)| {
            let path = staging.join(rel);
            let mut f = match std::fs::File::create(&path) {
                Ok(f) => f,
                Err(_) => {
                    if let Some(p) = path.parent() {
                        std::fs::create_dir_all(p)?;
                    }
                    std::fs::File::create(&path)?
                }
            };
            f.write_all(&filler[..len as usize])
        })
        .map_err(|e| e.to_string())?;

    // Swap it in and remove the previous output.
    let had_old = out.exists();
    if had_old {
        std::fs::rename(&out, &old).map_err(|e| e.to_string())?;
    }
    std::fs::rename(&staging, &out).map_err(|e| e.to_string())?;
    if had_old {
        duixian::output::remove_tree(&old).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "read {} files ({read} bytes), wrote {} files",
        inputs.len(),
        files.len()
    );
    Ok(())
}
