//! The command line: one Args struct per subcommand, each owning its `run`.

use crate::build::{self, Summary};
use crate::diag::{ContentErrors, Diagnostic};
use crate::editor::{self, import};
use crate::model::BuildOptions;
use crate::types::{CategoryId, Date, JurisdictionId, NewsSlug, PledgeRef, ReportId};
use anyhow::Result;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
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
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print the time and peak memory of each build phase
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
    /// Create a new portal folder that builds at once
    Init(InitArgs),
    /// Turn a newspaper text into a report or news file
    Import(ImportArgs),
    /// Propose a report's quantified pledges as a draft pledge file
    Extract(ExtractArgs),
    /// Write a news file or a pledge entry to fill in
    New(NewArgs),
    /// Work on the site's theme (`theme eject`: copy the built-in theme to edit it)
    Theme(ThemeArgs),
}

/// What a command has to say; `main` prints it and sets the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Machine-readable output for stdout (`check --format json`).
    pub stdout: Option<String>,
    /// Human lines for stderr (summary).
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
    /// Whether the command failed although it produced an outcome (errors reported as JSON).
    pub failed: bool,
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
    /// Also write .gz and .br files beside text files, for hosts that serve them as they are
    #[arg(long)]
    pub precompress: bool,
    /// Write the paths added, changed and removed since the previous build to FILE
    /// (`A path`, `M path`, `D path`, sorted by path)
    #[arg(long, value_name = "FILE")]
    pub changes: Option<PathBuf>,
}

impl BuildArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        // Refused here, not at site.yaml's line: the value comes from the command line.
        if let Some(url) = &self.base_url {
            crate::model::build::parse_base_url(url)
                .map_err(|msg| anyhow::anyhow!("--base-url {msg}"))?;
        }
        let output = self
            .output
            .clone()
            .unwrap_or_else(|| cli.root.join("output"));
        let opts = BuildOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
        };
        let bar = (!cli.quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} writing {pos}/{len} files {wide_bar} {elapsed}",
                )
                .expect("the template is valid"),
            );
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
            bar
        });
        let report = |done: u64, total: u64| {
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(done);
            }
        };
        let result = build::build_with_progress(
            &cli.root,
            &output,
            &opts,
            Some(&report),
            build::Cleanup::Now,
            &crate::publish::Publish {
                precompress: self.precompress,
                changes: self.changes.clone(),
                ..crate::publish::Publish::build()
            },
        );
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let s = result?;
        Ok(outcome(
            cli,
            &s,
            format!("built {} into {}", describe(&s), output.display()),
        ))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum Format {
    /// `path:line:col: message` lines on stderr
    #[default]
    Text,
    /// A JSON array of {path, line, column, severity, message} on stdout
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Include pledges marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Output format of the problems found (json for editor integrations)
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn json_diag(d: &Diagnostic, severity: &str) -> serde_json::Value {
    serde_json::json!({"path": d.path, "line": d.line, "column": d.col, "severity": severity, "message": d.message})
}

impl CheckArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let opts = BuildOptions {
            drafts: self.drafts,
            base_url: None,
        };
        let result = build::check(&cli.root, &opts);
        match self.format {
            Format::Text => {
                let s = result?;
                Ok(outcome(
                    cli,
                    &s,
                    format!("ok: {} checked, no errors", describe(&s)),
                ))
            }
            Format::Json => {
                let (items, failed) = match result {
                    Ok(s) => (
                        s.warnings
                            .iter()
                            .map(|w| json_diag(w, "warning"))
                            .collect::<Vec<_>>(),
                        false,
                    ),
                    Err(e) => match e.downcast::<ContentErrors>() {
                        Ok(errors) => (
                            errors
                                .warnings()
                                .iter()
                                .map(|w| json_diag(w, "warning"))
                                .chain(errors.0.iter().map(|d| json_diag(d, "error")))
                                .collect(),
                            true,
                        ),
                        Err(other) => return Err(other),
                    },
                };
                let text =
                    serde_json::to_string_pretty(&items).expect("plain JSON values serialise");
                Ok(Outcome {
                    stdout: Some(text + "\n"),
                    failed,
                    ..Outcome::default()
                })
            }
        }
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
            cli.verbose,
        )?;
        Ok(Outcome::default())
    }
}

/// `-v` where it changes nothing (commands that print no build phases, and warnings anyway):
/// accepted, as it is global, but left out of the command's help.
#[derive(Debug, Args)]
pub struct UnusedVerbose {
    #[arg(short, long, hide = true)]
    verbose: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new site folder (must not exist, or be empty)
    pub dir: PathBuf,
    /// `--root` means nothing to `init`, whose folder is its argument: hidden from its help,
    /// refused with the reason when given.
    #[arg(long, hide = true)]
    root: Option<PathBuf>,
    #[command(flatten)]
    _verbose: UnusedVerbose,
    /// Leave out the sample report, pledges, news and indicators (keep site.yaml, the about
    /// page and the folders)
    #[arg(long)]
    pub empty: bool,
}

impl InitArgs {
    pub fn run(&self, _cli: &Cli) -> Result<Outcome> {
        // The global default `.` reaches this field too: only another folder was given.
        if let Some(r) = self
            .root
            .as_ref()
            .filter(|r| **r != std::path::Path::new("."))
        {
            anyhow::bail!(
                "`init` takes the new portal's folder as its argument, not `--root {}`: `duixian init {}`",
                r.display(),
                r.display()
            );
        }
        let files = crate::init::init_with(&self.dir, self.empty)?;
        let mut lines: Vec<String> = files.iter().map(|f| format!("  created {f}")).collect();
        if !self.empty {
            lines.push(format!(
                "the sample content ({}) shows each file kind: delete those files before adding real \
                 reports (their 2025 dates set the portal's data date and would list real pledges as \
                 overdue), or start with `duixian init --empty`",
                crate::init::SAMPLE.join(", ")
            ));
        }
        lines.push(
            "then replace the sample jurisdiction and categories in site.yaml with the portal's own"
                .to_string(),
        );
        lines.push(format!(
            "new portal in {d}: `duixian --root {d} serve` to see it, `duixian --root {d} check` after each edit",
            d = self.dir.display()
        ));
        Ok(Outcome {
            lines,
            ..Outcome::default()
        })
    }
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("kind").required(true).args(["report", "news"])))]
pub struct ImportArgs {
    /// The text file to import (UTF-8)
    pub file: PathBuf,
    /// Import as report `content/reports/<ID>.md`
    #[arg(long, value_name = "ID", value_parser = ReportId::parse, requires_all = ["jurisdiction", "year"])]
    pub report: Option<ReportId>,
    /// Import as news `content/news/<SLUG>.md`
    #[arg(long, value_name = "SLUG", value_parser = NewsSlug::parse)]
    pub news: Option<NewsSlug>,
    /// The report's jurisdiction (an id in site.yaml); for news, the one it is about
    #[arg(long, value_name = "ID", value_parser = JurisdictionId::parse)]
    pub jurisdiction: Option<JurisdictionId>,
    /// The year whose work the report plans
    #[arg(long, value_parser = clap::value_parser!(i32).range(1949..=2100), conflicts_with = "news")]
    pub year: Option<i32>,
    /// Title (report default: `<year>年<jurisdiction name>人民政府工作报告`; news default: the
    /// text's first paragraph, when it reads as a headline)
    #[arg(long)]
    pub title: Option<String>,
    /// Date the report was delivered (left as a placeholder to fill in if absent)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = Date::parse_plausible, conflicts_with = "news")]
    pub delivered: Option<Date>,
    /// Date the news was published (left as a placeholder to fill in if absent)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = Date::parse_plausible, conflicts_with = "report")]
    pub date: Option<Date>,
    /// Where the text was published (front matter `source`)
    #[arg(long)]
    pub source: Option<String>,
    /// Write here instead of the default path
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    _verbose: UnusedVerbose,
}

impl ImportArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let kind = match (&self.report, &self.news) {
            (Some(id), _) => import::Kind::Report {
                id: id.clone(),
                jurisdiction: self
                    .jurisdiction
                    .clone()
                    .expect("clap requires --jurisdiction with --report"),
                year: self.year.expect("clap requires --year with --report"),
                delivered: self.delivered,
            },
            (None, Some(slug)) => import::Kind::News {
                slug: slug.clone(),
                date: self.date,
                jurisdictions: self.jurisdiction.iter().cloned().collect(),
            },
            (None, None) => unreachable!("clap requires --report or --news"),
        };
        let req = import::Request {
            input: self.file.clone(),
            kind,
            title: self.title.clone(),
            source: self.source.clone(),
            output: self.output.clone(),
            force: self.force,
        };
        let done = import::import(&cli.root, &req)?;
        Ok(Outcome {
            lines: done.summary(&cli.root, &self.file),
            warnings: done
                .warnings
                .iter()
                .map(|w| format!("warning: {w}"))
                .collect(),
            ..Outcome::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The report to read (`content/reports/<REPORT>.md`)
    #[arg(value_parser = ReportId::parse)]
    pub report: ReportId,
    /// Write the drafts here (default: content/pledges/<REPORT>.yaml, which must not exist)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    _verbose: UnusedVerbose,
}

impl ExtractArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let done =
            editor::extract::extract(&cli.root, &self.report, self.output.as_deref(), self.force)?;
        Ok(Outcome {
            lines: done.summary(&cli.root),
            warnings: done
                .warnings
                .iter()
                .map(|w| format!("warning: {w}"))
                .collect(),
            ..Outcome::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewCommand,
    #[command(flatten)]
    _verbose: UnusedVerbose,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write content/news/<SLUG>.md to fill in
    News(NewNewsArgs),
    /// Append an entry for <REPORT>/<PLEDGE> to the report's pledge file
    Pledge(NewPledgeArgs),
}

#[derive(Debug, Args)]
pub struct NewNewsArgs {
    /// The news item's id and file name: `content/news/<SLUG>.md` (lowercase letters, digits
    /// and hyphens, unique across content/news)
    #[arg(value_parser = NewsSlug::parse)]
    pub slug: NewsSlug,
    /// The headline (left empty to fill in if absent; `check` rejects it until then)
    #[arg(long)]
    pub title: Option<String>,
    /// Publication date (left as a placeholder to fill in if absent)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = Date::parse_plausible)]
    pub date: Option<Date>,
    #[command(flatten)]
    _verbose: UnusedVerbose,
}

#[derive(Debug, Args)]
pub struct NewPledgeArgs {
    /// `<report-id>/<pledge-id>`
    #[arg(value_parser = PledgeRef::parse)]
    pub pledge: PledgeRef,
    /// The pledge's sentence, verbatim from the report (checked now; its number fills `target`)
    #[arg(long)]
    pub text: Option<String>,
    /// A category of site.yaml (default: the first)
    #[arg(long, value_parser = CategoryId::parse)]
    pub category: Option<CategoryId>,
    #[command(flatten)]
    _verbose: UnusedVerbose,
}

impl NewArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let (written, what) = match &self.what {
            NewCommand::News(a) => (
                editor::new::news(&cli.root, &a.slug, a.title.as_deref(), a.date)?,
                format!("news `{}`", a.slug),
            ),
            NewCommand::Pledge(a) => (
                editor::new::pledge(&cli.root, &a.pledge, a.text.as_deref(), a.category.as_ref())?,
                format!("pledge `{}`", a.pledge),
            ),
        };
        let verb = if written.created { "wrote" } else { "appended" };
        let mut lines = vec![format!(
            "{verb} {what} in {}",
            editor::shown(&cli.root, &written.path)
        )];
        if !written.todo.is_empty() {
            lines.push(format!(
                "  to do: fill in `{}` (marked TODO in the file)",
                written.todo.join("`, `")
            ));
        }
        lines.extend(written.notes.iter().map(|n| format!("  {n}")));
        Ok(Outcome {
            lines,
            warnings: written
                .warnings
                .iter()
                .map(|w| format!("warning: {w}"))
                .collect(),
            ..Outcome::default()
        })
    }
}

fn describe(s: &Summary) -> String {
    format!(
        "{} reports, {} pledges, {} news items: {} pages",
        s.reports, s.pledges, s.news, s.pages
    )
}

fn outcome(cli: &Cli, s: &Summary, line: String) -> Outcome {
    let mb = s.bytes as f64 / 1_048_576.0;
    let line = if s.bytes > 0 {
        format!("{line} ({} files, {mb:.1} MiB) in {} ms", s.files, s.millis)
    } else {
        format!("{line} in {} ms", s.millis)
    };
    let mut lines = vec![line];
    if let Some(p) = &s.publish {
        lines.push(format!(
            "  since the previous build: {} files added, {} changed, {} removed, {} kept as they were",
            p.added, p.changed, p.removed, p.kept
        ));
        if p.twins > 0 {
            lines.push(format!(
                "  compressed: {} .gz and .br files, {:.1} MiB ({:.1} MiB less than the files they compress)",
                p.twins,
                p.twin_bytes as f64 / 1_048_576.0,
                p.twinned_bytes.saturating_sub(p.twin_bytes) as f64 / 1_048_576.0
            ));
        }
    }
    if cli.verbose {
        lines.extend(
            s.phases
                .iter()
                .map(|(name, ms)| format!("  {name}: {ms} ms")),
        );
        if !s.peak_memory.is_empty() {
            let peaks: Vec<String> = s
                .peak_memory
                .iter()
                .map(|(phase, b)| format!("{} MiB after {phase}", b >> 20))
                .collect();
            lines.push(format!("  peak memory (resident): {}", peaks.join(", ")));
        }
        if s.indexed > 0 {
            lines.push(format!("  pages in the search index: {}", s.indexed));
        }
        if let Some(search) = &s.search {
            let st = &search.stats;
            lines.push(format!(
                "  search index: {} postings, {} shards, {} files, {:.1} MiB{}; tokenising {} ms \
                 (summed over the rendering threads), adding {} ms, finishing {} ms",
                st.postings,
                st.shards,
                st.files,
                st.bytes as f64 / 1_048_576.0,
                if st.spilled { ", spilled to disk" } else { "" },
                search.tokenise_ms,
                st.add_ms,
                st.finish_ms,
            ));
        }
    }
    Outcome {
        lines,
        warnings: warning_lines(s),
        ..Outcome::default()
    }
}

/// The lines a successful run prints before its summary (`build`, `check`, and `serve` after
/// each rebuild): the content's warnings, then what the build could not tidy up.
pub fn warning_lines(s: &Summary) -> Vec<String> {
    (s.warnings.iter().map(|w| format!("warning: {w}")))
        .chain(s.notices.iter().map(|n| format!("warning: {n}")))
        .collect()
}

#[derive(Debug, Args)]
pub struct ThemeArgs {
    #[command(subcommand)]
    pub what: ThemeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the built-in theme into themes/<NAME>/ to edit it
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// The new theme's folder name; `default` (the default) replaces the built-in theme at
    /// once, any other name is used once site.yaml says `theme: NAME`
    #[arg(default_value = "default")]
    pub name: String,
    /// Write over an existing, non-empty themes/<NAME>/ (files not in the theme are kept)
    #[arg(long)]
    pub force: bool,
}

impl ThemeArgs {
    pub fn run(&self, cli: &Cli) -> Result<Outcome> {
        let ThemeCommand::Eject(a) = &self.what;
        let done = crate::eject::eject(&cli.root, &a.name, a.force)?;
        let mut lines = vec![format!(
            "copied the built-in theme into {}/ ({} files: templates/, static/, i18n/)",
            done.folder,
            done.files.len()
        )];
        // The theme site.yaml names (`default` when it names none); an unreadable site.yaml
        // is left to `check` to report.
        let configured = crate::content::read_text(&cli.root.join("site.yaml"))
            .ok()
            .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(&t).ok())
            .and_then(|v| v.get("theme").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_else(|| "default".into());
        if configured == a.name {
            lines.push(format!(
                "the site uses it from now on (site.yaml says `theme: {}`); docs/themes.md lists what each template receives",
                a.name
            ));
        } else {
            lines.push(format!(
                "to use it, set `theme: {}` in site.yaml; docs/themes.md lists what each template receives",
                a.name
            ));
        }
        Ok(Outcome {
            lines,
            ..Outcome::default()
        })
    }
}

impl Cli {
    pub fn run(&self) -> Result<Outcome> {
        match &self.command {
            Command::Build(a) => a.run(self),
            Command::Check(a) => a.run(self),
            Command::Serve(a) => a.run(self),
            Command::Init(a) => a.run(self),
            Command::Import(a) => a.run(self),
            Command::Extract(a) => a.run(self),
            Command::New(a) => a.run(self),
            Command::Theme(a) => a.run(self),
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

    /// Regression (issue 17, follow-up 2): `serve` printed neither the content's warnings nor a
    /// leftover folder its build could not remove; it prints these lines, as `build` does.
    #[test]
    fn warning_lines_are_the_warnings_then_the_notices() {
        let s = Summary {
            warnings: vec![Diagnostic::new("content/news/a.txt", 1, 1, "skipped")],
            notices: vec!["could not remove `/tmp/x`".to_string()],
            ..Summary::default()
        };
        assert_eq!(
            warning_lines(&s),
            [
                "warning: content/news/a.txt:1:1: skipped",
                "warning: could not remove `/tmp/x`"
            ]
        );
    }

    /// Regression (issue #18): `new news <SLUG>` had no description, and `init --help` offered
    /// `--root` and `-v`, which mean nothing to it.
    #[test]
    fn every_argument_shown_has_a_description_and_init_shows_no_root_or_verbose() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                let builtin = matches!(a.get_id().as_str(), "help" | "version");
                if !a.is_hide_set() && !builtin && a.get_help().is_none() {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
            for sc in cmd.get_subcommands() {
                if sc.get_about().is_none() && sc.get_name() != "help" {
                    missing.push(format!("{path} {} (command)", sc.get_name()));
                }
                walk(sc, &format!("{path} {}", sc.get_name()), missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "duixian", &mut missing);
        assert!(missing.is_empty(), "without a description: {missing:?}");
        let init = cmd.find_subcommand("init").expect("init exists");
        for id in ["root", "verbose"] {
            let a = init
                .get_arguments()
                .find(|a| a.get_id() == id)
                .expect("accepted, as it is global");
            assert!(a.is_hide_set(), "init --help shows {id}");
        }
        for name in ["import", "extract", "new"] {
            let sc = cmd.find_subcommand(name).expect("exists");
            let v = sc
                .get_arguments()
                .find(|a| a.get_id() == "verbose")
                .unwrap();
            assert!(v.is_hide_set(), "{name} --help shows -v");
        }
    }
}
