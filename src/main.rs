//! The `duixian` binary: parse arguments, run, print the outcome or every error, set the exit code.
use clap::Parser;
use duixian::cli::Cli;
use duixian::diag::{ContentErrors, snippet};
use std::io::IsTerminal;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
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
                for d in &errors.0 {
                    eprintln!("{d}");
                    if rich && let Some(s) = snippet(&cli.root, d) {
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
