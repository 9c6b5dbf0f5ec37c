//! Import: write a newspaper text as a report or news file — its body cleaned (see [`clean()`])
//! under front matter from the command line and site.yaml — and summarize what was changed.

mod clean;

pub use clean::{
    BlankJoin, Changes, Cleaned, HeadingFound, Marker, clean, drop_markers, kept_chars,
    numbered_heading,
};

use super::{files_with_ext, read_site, seed_name, shown, write_file, yaml_str};
use crate::content::raw::RawSite;
use crate::types::{Date, JurisdictionId, NewsSlug, ReportId};
use anyhow::{Result, bail};
use clean::{atx_level, head};
use std::path::{Path, PathBuf};

/// What to import and as what.
#[derive(Debug, Clone)]
pub enum Kind {
    Report {
        id: ReportId,
        jurisdiction: JurisdictionId,
        year: i32,
        delivered: Option<Date>,
    },
    News {
        slug: NewsSlug,
        date: Option<Date>,
        jurisdictions: Vec<JurisdictionId>,
    },
}

/// An import request, as the command line gives it.
#[derive(Debug, Clone)]
pub struct Request {
    pub input: PathBuf,
    pub kind: Kind,
    pub title: Option<String>,
    pub source: Option<String>,
    /// Where to write; default `content/reports/<id>.md` or `content/news/<slug>.md`.
    pub output: Option<PathBuf>,
    pub force: bool,
}

/// Where a file's title came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TitleFrom {
    Flag,
    /// Built from the year and the jurisdiction's name in site.yaml.
    Jurisdiction,
    /// The text's first paragraph, moved out of the body.
    FirstParagraph,
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct Imported {
    pub path: PathBuf,
    pub title: String,
    pub title_from: TitleFrom,
    pub changes: Changes,
    /// Front-matter fields left as placeholders that `check` rejects until filled in.
    pub todo: Vec<&'static str>,
    pub warnings: Vec<String>,
}

/// Import `req.input` into the site at `root`: clean it, add front matter, write the file.
pub fn import(root: &Path, req: &Request) -> Result<Imported> {
    let text = crate::content::read_text(&req.input)
        .map_err(|(l, c, m)| anyhow::anyhow!("{}:{l}:{c}: {m}", req.input.display()))?;
    let mut cleaned = clean(&text);
    if cleaned.body.is_empty() {
        bail!("`{}` has no text to import", req.input.display());
    }
    let mut warnings = Vec::new();
    let mut fm = FrontMatter::default();
    let (path, title, title_from) = kind_fields(root, req, &mut cleaned, &mut fm, &mut warnings)?;
    if let Some(s) = &req.source {
        fm.line(format!("source: {}\n", yaml_str(s)));
    }
    if let Some(s) = &seed_name(root, &req.input) {
        fm.line(format!("seed: {}\n", yaml_str(s)));
    }
    warnings.extend(sample_content_warning(root));
    if matches!(req.kind, Kind::Report { .. }) {
        warnings.extend(no_headings_warning(&cleaned));
    }
    let contents = format!("---\n{}---\n\n{}", fm.yaml, cleaned.body);
    write_file(&path, &contents, req.force)?;
    Ok(Imported {
        path,
        title,
        title_from,
        changes: cleaned.changes,
        todo: fm.todo,
        warnings,
    })
}

/// Write the fields of a report's or a news item's own front matter into `fm` (a news title
/// taken from the body is moved out of `cleaned`); the file to write, the title and where the
/// title came from.
fn kind_fields(
    root: &Path,
    req: &Request,
    cleaned: &mut Cleaned,
    fm: &mut FrontMatter,
    warnings: &mut Vec<String>,
) -> Result<(PathBuf, String, TitleFrom)> {
    Ok(match &req.kind {
        Kind::Report {
            id,
            jurisdiction,
            year,
            delivered,
        } => {
            let (title, from) = report_title(root, req, jurisdiction, *year, warnings)?;
            fm.line(format!("jurisdiction: {jurisdiction}\nyear: {year}\n"));
            fm.line(format!("title: {}\n", yaml_str(&title)));
            fm.date(
                "delivered",
                delivered.as_ref(),
                "the date the report was delivered",
            );
            let path = req
                .output
                .clone()
                .unwrap_or_else(|| root.join("content/reports").join(format!("{id}.md")));
            (path, title, from)
        }
        Kind::News {
            slug,
            date,
            jurisdictions,
        } => {
            let (title, from) = news_title(req, cleaned)?;
            fm.line(format!("title: {}\n", yaml_str(&title)));
            fm.date("date", date.as_ref(), "the date the article was published");
            if !jurisdictions.is_empty() {
                let list: Vec<&str> = jurisdictions.iter().map(|j| j.as_str()).collect();
                fm.line(format!("jurisdictions: [{}]\n", list.join(", ")));
            }
            (news_path(root, req, slug)?, title, from)
        }
    })
}

/// The front matter being written (without its `---` lines), and the fields left as
/// placeholders for the editor to fill in.
#[derive(Default)]
struct FrontMatter {
    yaml: String,
    todo: Vec<&'static str>,
}

impl FrontMatter {
    /// Append `lines`, each ending in a newline.
    fn line(&mut self, lines: String) {
        self.yaml.push_str(&lines);
    }

    /// Append the date field `key`, or a placeholder saying what `what` date to fill in.
    fn date(&mut self, key: &'static str, date: Option<&Date>, what: &str) {
        match date {
            Some(d) => self.line(format!("{key}: {d}\n")),
            None => {
                self.line(format!("{key}: YYYY-MM-DD  # TODO: {what}\n"));
                self.todo.push(key);
            }
        }
    }
}

/// A report's title: from `--title`, or built from the year and the jurisdiction's name in
/// site.yaml. A jurisdiction missing from site.yaml (or a site.yaml that cannot be read) is a
/// warning when `--title` is given and an error otherwise.
fn report_title(
    root: &Path,
    req: &Request,
    jurisdiction: &JurisdictionId,
    year: i32,
    warnings: &mut Vec<String>,
) -> Result<(String, TitleFrom)> {
    let site = read_site(root);
    let name = match &site {
        Ok(s) => {
            let j = s.jurisdictions.iter().find(|j| j.id == *jurisdiction);
            if j.is_none() {
                warnings.push(format!(
                    "jurisdiction `{jurisdiction}` is not in site.yaml: add it there, or `duixian check` will reject the report"
                ));
            }
            j.map(|j| j.name.clone())
        }
        Err(e) => {
            warnings.push(format!("{e:#}"));
            None
        }
    };
    match (&req.title, name) {
        (Some(t), _) => Ok((t.trim().to_string(), TitleFrom::Flag)),
        (None, Some(name)) => Ok((
            format!("{year}年{name}人民政府工作报告"),
            TitleFrom::Jurisdiction,
        )),
        (None, None) => bail!(
            "jurisdiction `{jurisdiction}` is not in site.yaml: add it under `jurisdictions:` \
             (`- id: {jurisdiction}` and its `name:`), then import again{}",
            known_jurisdictions(site.as_ref().ok())
        ),
    }
}

/// `; site.yaml has `id` (name), …` when site.yaml lists jurisdictions, else nothing.
fn known_jurisdictions(site: Option<&RawSite>) -> String {
    match site {
        Some(s) if !s.jurisdictions.is_empty() => format!(
            "; site.yaml has {}",
            s.jurisdictions
                .iter()
                .map(|j| format!("`{}` ({})", j.id, j.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}

/// A news file's title: from `--title`, or the first paragraph when it reads as a headline
/// (then moved out of the body).
fn news_title(req: &Request, cleaned: &mut Cleaned) -> Result<(String, TitleFrom)> {
    if let Some(t) = &req.title {
        return Ok((t.trim().to_string(), TitleFrom::Flag));
    }
    match headline(&cleaned.body) {
        Some((t, rest)) => {
            let t = t.to_string();
            cleaned.body = rest.to_string();
            Ok((t, TitleFrom::FirstParagraph))
        }
        None => bail!(
            "give the news title with --title: the first paragraph «{}» does not look like a headline",
            head(cleaned.paragraphs().next().unwrap_or(""), 30)
        ),
    }
}

/// Where a news file goes: `--output`, or `content/news/<slug>.md`; an error when another
/// news file already uses the slug.
fn news_path(root: &Path, req: &Request, slug: &NewsSlug) -> Result<PathBuf> {
    let default = root.join("content/news").join(format!("{slug}.md"));
    let path = req.output.clone().unwrap_or(default);
    if let Some(other) = news_slug_in_use(root, slug.as_str(), &path) {
        bail!(
            "news slug `{slug}` is already used by {}: slugs are unique across content/news",
            shown(root, &other)
        );
    }
    Ok(path)
}

/// A warning when the site still holds the sample content of `duixian init`.
fn sample_content_warning(root: &Path) -> Option<String> {
    let samples: Vec<&str> = crate::init::SAMPLE
        .iter()
        .copied()
        .filter(|rel| root.join(rel).is_file())
        .collect();
    (!samples.is_empty()).then(|| {
        format!(
            "the site still holds the sample content of `duixian init` ({}): delete it before \
             publishing, or its 2025 dates set the portal's data date and list real pledges as overdue",
            samples.join(", ")
        )
    })
}

/// A warning when a report has no headings, under which `extract` proposes pledges.
fn no_headings_warning(cleaned: &Cleaned) -> Option<String> {
    (!cleaned.paragraphs().any(|p| atx_level(p).is_some())).then(|| {
        "no headings found (numbered `一、`, `(一)` or `1．` at the start of a short line, or Markdown `## `): \
         `duixian extract` proposes pledges only under headings, so mark the report's sections with `## ` in the written file"
            .to_string()
    })
}

/// The first paragraph of `body` when it reads as a headline (short, no sentence end inside,
/// not a heading), and the body without it.
fn headline(body: &str) -> Option<(&str, &str)> {
    let (first, rest) = body.split_once("\n\n")?;
    let n = first.chars().count();
    let ok = (2..=40).contains(&n)
        && !first.starts_with('#')
        && !first.contains(['。', '！', '？', '；', '!', '?']);
    ok.then_some((first.trim(), rest))
}

/// Another news file that already uses `slug` (a file at `path` itself does not count).
fn news_slug_in_use(root: &Path, slug: &str, path: &Path) -> Option<PathBuf> {
    files_with_ext(&root.join("content/news"), &["md"], true)
        .into_iter()
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(slug) && p != path)
}

impl Imported {
    /// A few lines telling the editor what was written and what was changed.
    pub fn summary(&self, root: &Path, input: &Path) -> Vec<String> {
        let mut lines = vec![
            format!(
                "imported {} into {}",
                input.display(),
                shown(root, &self.path)
            ),
            format!("  {}", self.changes.counts()),
        ];
        lines.extend(self.changes.details());
        match self.title_from {
            TitleFrom::Flag => {}
            TitleFrom::Jurisdiction => lines.push(format!(
                "  title «{}» built from site.yaml (use --title to set another)",
                self.title
            )),
            TitleFrom::FirstParagraph => lines.push(format!(
                "  title «{}» taken from the first paragraph (use --title to set another)",
                self.title
            )),
        }
        if !self.todo.is_empty() {
            lines.push(format!(
                "  to do: fill in `{}` in the front matter; `duixian check` rejects the file until then",
                self.todo.join("`, `")
            ));
        }
        lines
    }
}

impl Changes {
    /// One line counting the joins, dropped markers and headings (by level).
    fn counts(&self) -> String {
        let joins = self.blank_joins.len();
        let joined = match self.one_per_line {
            Some((closed, of)) => format!(
                "one paragraph per line, as text copied from a web page ({closed} of {of} lines end a sentence or are headings): joined {joins} line{} that stop mid-sentence",
                plural(joins),
            ),
            None => format!(
                "joined {} broken line{} ({joins} across a blank line)",
                self.lines_joined + joins,
                plural(self.lines_joined + joins),
            ),
        };
        let levels = |l: u8| self.headings.iter().filter(|h| h.level == l).count();
        let heading_counts: Vec<String> = (2..=4)
            .filter(|&l| levels(l) > 0)
            .map(|l| format!("{} {}", levels(l), "#".repeat(l as usize)))
            .collect();
        format!(
            "{joined}, dropped {} page-jump marker{}, marked {} heading{}{}",
            self.markers.len(),
            plural(self.markers.len()),
            self.headings.len(),
            plural(self.headings.len()),
            if heading_counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", heading_counts.join(", "))
            }
        )
    }

    /// One line per change, with its input line: markers, then joins, then headings.
    fn details(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for m in &self.markers {
            lines.push(format!("  line {}: dropped {}", m.line, m.text));
        }
        let joined = if self.one_per_line.is_some() {
            "joined to the line before, which stops mid-sentence"
        } else {
            "joined across a blank line"
        };
        for j in &self.blank_joins {
            lines.push(format!(
                "  line {}: {joined}: …{}|{}…",
                j.line, j.before, j.after
            ));
        }
        for h in &self.headings {
            let was = h
                .was
                .filter(|&w| w != h.level)
                .map(|w| format!(" (was {})", "#".repeat(w as usize)))
                .unwrap_or_default();
            lines.push(format!(
                "  line {}: {} {}{was}",
                h.line,
                "#".repeat(h.level as usize),
                h.text
            ));
        }
        lines
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary of a web-pasted news import: the one branch the seed summaries
    /// (tests/fixtures/import-expected/summaries.txt) do not show.
    #[test]
    fn summary_of_web_text_counts_lines_that_stop_mid_sentence() {
        let imported = Imported {
            path: PathBuf::from("/site/content/news/a.md"),
            title: "标题".to_string(),
            title_from: TitleFrom::FirstParagraph,
            changes: Changes {
                blank_joins: vec![BlankJoin {
                    line: 3,
                    before: "前文".to_string(),
                    after: "后文".to_string(),
                }],
                one_per_line: Some((5, 6)),
                ..Changes::default()
            },
            todo: vec!["date"],
            warnings: Vec::new(),
        };
        assert_eq!(
            imported.summary(Path::new("/site"), Path::new("in.txt")),
            [
                "imported in.txt into content/news/a.md",
                "  one paragraph per line, as text copied from a web page (5 of 6 lines end a \
                 sentence or are headings): joined 1 line that stop mid-sentence, dropped 0 \
                 page-jump markers, marked 0 headings",
                "  line 3: joined to the line before, which stops mid-sentence: …前文|后文…",
                "  title «标题» taken from the first paragraph (use --title to set another)",
                "  to do: fill in `date` in the front matter; `duixian check` rejects the file \
                 until then",
            ]
        );
    }
}
