//! The `duixian` binary: parse arguments, run, print the outcome or every error, set the exit code.
use clap::Parser;
use duixian::cli::Cli;
use duixian::diag::ContentErrors;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.run() {
        Ok(outcome) => {
            for w in &outcome.warnings {
                eprintln!("{w}");
            }
            if !cli.quiet {
                for l in &outcome.lines {
                    eprintln!("{l}");
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            if let Some(errors) = err.downcast_ref::<ContentErrors>() {
                for d in &errors.0 {
                    eprintln!("{d}");
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
