//! The `duixian` binary: parse arguments, run, print the outcome or every error, set the exit code.
use clap::Parser;
use duixian::cli::Cli;
use duixian::diag::{ContentErrors, Snippets};
use std::io::IsTerminal;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `purge_delay` in mimalloc's `mi_option_e` (mimalloc.h, the same in its v2 and v3; the Rust
/// binding names only the options of older versions).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
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
    let cli = Cli::parse();
    match cli.run() {
        Ok(outcome) => {
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
                std::process::ExitCode::FAILURE
            } else {
                std::process::ExitCode::SUCCESS
            }
        }
        Err(err) => {
            if let Some(errors) = err.downcast_ref::<ContentErrors>() {
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
            } else {
                eprintln!("error: {err:#}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
