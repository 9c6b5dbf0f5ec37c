//! The command line: one Args struct per subcommand, each owning its `run`.

use crate::build::{self, Summary};
use crate::model::BuildOptions;
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "duixian",
    version,
    about = "Static site generator for government work-report accountability portals"
)]
pub struct Cli {
    /// The site folder (the one with site.yaml)
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder
    Build(BuildArgs),
    /// Validate everything a build would; write nothing
    Check(CheckArgs),
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser
    Serve(ServeArgs),
}

/// What a command has to say when it succeeds; `main` prints it.
#[derive(Debug, Default)]
pub struct Outcome {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: <root>/output)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Include pledges marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Override site.yaml's base_url (e.g. for a preview host)
    #[arg(long)]
    pub base_url: Option<String>,
}

impl BuildArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let output = self
            .output
            .clone()
            .unwrap_or_else(|| cli.root.join("output"));
        let opts = BuildOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
        };
        let s = build::build(&cli.root, &output, &opts)?;
        Ok(outcome(
            &s,
            format!("built {} into {}", describe(&s), output.display()),
        ))
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Include pledges marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
}

impl CheckArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let opts = BuildOptions {
            drafts: self.drafts,
            base_url: None,
        };
        let s = build::check(&cli.root, &opts)?;
        Ok(outcome(
            &s,
            format!("ok: {} checked, no errors", describe(&s)),
        ))
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Include pledges marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Stop after serving this many seconds (for tests and scripts)
    #[arg(long, hide = true)]
    pub exit_after: Option<u64>,
}

impl ServeArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        crate::serve::serve(
            &cli.root,
            self.port,
            self.drafts,
            self.exit_after,
            cli.quiet,
        )?;
        Ok(Outcome::default())
    }
}

fn describe(s: &Summary) -> String {
    format!(
        "{} reports, {} pledges, {} news items: {} pages",
        s.reports, s.pledges, s.news, s.pages
    )
}

fn outcome(s: &Summary, line: String) -> Outcome {
    let mb = s.bytes as f64 / 1_048_576.0;
    let line = if s.bytes > 0 {
        format!("{line} ({} files, {mb:.1} MiB) in {} ms", s.files, s.millis)
    } else {
        format!("{line} in {} ms", s.millis)
    };
    Outcome {
        lines: vec![line],
        warnings: s.warnings.iter().map(|w| format!("warning: {w}")).collect(),
    }
}

impl Cli {
    pub fn run(&self) -> Result<Outcome> {
        match &self.command {
            Command::Build(a) => a.run(self),
            Command::Check(a) => a.run(self),
            Command::Serve(a) => a.run(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
