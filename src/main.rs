//! The `duixian` binary: parse arguments, run, print the outcome or every error, set the exit code.
use clap::Parser;
use duixian::cli::{Cli, Outcome};
use duixian::diag::{ContentErrors, Snippets};
use std::io::IsTerminal;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `purge_delay` in mimalloc's `mi_option_e` (mimalloc.h, the same in its v2 and v3; the Rust
/// binding names only the options of older versions).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match cli.run() {
        Ok(outcome) => print_outcome(&cli, &outcome),
        Err(err) => {
            print_error(&cli, &err);
            ExitCode::FAILURE
        }
    }
}

/// Set mimalloc up for builds that free and allocate hundreds of megabytes, and register its
/// collection with [`duixian::memory`].
fn tune_allocator() {
    // Memory freed is given back to the system after 10 ms instead of mimalloc v3's 1 s: a
    // build frees and allocates hundreds of megabytes as it goes from loading to rendering,
    // and with the long delay both stay resident at once (the peaks at 100k pledges are in
    // benches/notes.md).
    // SAFETY: sets one integer option of the allocator, before any thread is started.
    unsafe {
        if libmimalloc_sys::mi_version() >= 20000 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
        }
    }
    // No transparent huge pages for this process. mimalloc asks for them on its arenas, and a
    // huge page partly in use stays resident whole, which raises the peak of a large build and
    // makes it no faster (benches/notes.md, sixth session).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // SAFETY: `mi_collect` only frees memory the calling thread's heap no longer uses.
    duixian::memory::set_collector(|| unsafe { libmimalloc_sys::mi_collect(true) });
}

/// Print a command's output, warnings (unless `--quiet`) and summary lines; failure if the
/// command says it failed.
fn print_outcome(cli: &Cli, outcome: &Outcome) -> ExitCode {
    if let Some(text) = &outcome.stdout {
        print!("{text}");
    }
    if !cli.quiet || cli.verbose {
        for w in &outcome.warnings {
            eprintln!("{w}");
        }
    }
    if !cli.quiet {
        for l in &outcome.lines {
            eprintln!("{l}");
        }
    }
    if outcome.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Print the error that stopped a command: every content error with its warnings and a count,
/// or the error chain.
fn print_error(cli: &Cli, err: &anyhow::Error) {
    let Some(errors) = err.downcast_ref::<ContentErrors>() else {
        eprintln!("error: {err:#}");
        return;
    };
    // On a terminal, show the offending line with a caret under it, like rustc.
    let rich = std::io::stderr().is_terminal();
    // Warnings first: they often tell the cause of the errors (a skipped file).
    if !cli.quiet {
        for w in errors.warnings() {
            eprintln!("warning: {w}");
        }
    }
    let mut snippets = Snippets::new(&cli.root);
    for d in &errors.0 {
        eprintln!("{d}");
        if rich && let Some(s) = snippets.get(d) {
            eprintln!("{s}");
        }
    }
    let n = errors.0.len();
    eprintln!(
        "error: {n} problem{} found; nothing was written",
        if n == 1 { "" } else { "s" }
    );
}
