//! New: write a correctly shaped news file, or append a pledge entry to a report's pledge file,
//! for an editor to fill in — never replacing what exists.
//!
//! Fields the command line does not give are written as placeholders marked `TODO`; those
//! `duixian check` can judge are placeholders it rejects (`title: ""`, `date: YYYY-MM-DD`, a
//! `text` that is not in the report), so a new file cannot be published before it is opened.
//! A news body is left empty rather than given a placeholder that would be published as it
//! stands. Optional fields are written as comments showing their shape.

use super::extract::report_index;
use super::quantity;
use super::{files_with_ext, read_site, shown, write_file, yaml_str};
use crate::content::raw::RawPledgeFile;
use crate::markdown::{explain_missing, normalize_quote};
use crate::types::{CategoryId, Date, NewsSlug, PledgeRef, Status};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// What a `new` command wrote.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    /// Fields left as placeholders.
    pub todo: Vec<&'static str>,
    /// The file was created (a pledge may be appended to an existing file).
    pub created: bool,
    /// What else the editor should know or do, one line each.
    pub notes: Vec<String>,
    /// What may be a mistake (a pledge text another entry already quotes).
    pub warnings: Vec<String>,
}

/// Write `content/news/<slug>.md` for the site at `root`.
pub fn news(
    root: &Path,
    slug: &NewsSlug,
    title: Option<&str>,
    date: Option<Date>,
) -> Result<Written> {
    let news_dir = root.join("content/news");
    if let Some(other) = files_with_ext(&news_dir, &["md"], true)
        .into_iter()
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(slug.as_str()))
    {
        bail!(
            "news slug `{slug}` is already used by {}: nothing was written",
            shown(root, &other)
        );
    }
    let (front_matter, todo) = news_front_matter(root, title, date);
    let path = news_dir.join(format!("{slug}.md"));
    write_file(&path, &front_matter, false)?;
    Ok(Written {
        path,
        todo,
        created: true,
        // No placeholder body: one would be published as the article's text.
        notes: vec![
            "write the article's text below the front matter (the body is empty)".to_string(),
        ],
        warnings: Vec::new(),
    })
}

/// A new news file's front matter: `title` and `date` or their placeholders (named in the
/// list returned), then the optional fields as comments.
fn news_front_matter(
    root: &Path,
    title: Option<&str>,
    date: Option<Date>,
) -> (String, Vec<&'static str>) {
    let mut todo = Vec::new();
    let mut y = String::from("---\n");
    match title {
        Some(t) => y.push_str(&format!("title: {}\n", yaml_str(t.trim()))),
        None => {
            y.push_str("title: \"\"  # TODO: the article's headline\n");
            todo.push("title");
        }
    }
    match date {
        Some(d) => y.push_str(&format!("date: {d}\n")),
        None => {
            y.push_str("date: YYYY-MM-DD  # TODO: the date the article was published\n");
            todo.push("date");
        }
    }
    y.push_str(&news_optional_fields(root));
    (y, todo)
}

/// The optional fields of a news file as comments, with the site's first jurisdiction and
/// one of its pledges as examples, and the closing `---`.
fn news_optional_fields(root: &Path) -> String {
    let site = read_site(root).ok();
    let jurisdiction = site
        .as_ref()
        .and_then(|s| s.jurisdictions.first())
        .map_or("jurisdiction-id".to_string(), |j| j.id.to_string());
    let example = any_pledge(root).unwrap_or_else(|| "report-id/pledge-id".to_string());
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.key()).collect();
    format!(
        "# source: 报纸或网站名称\n\
         # source_url: https://\n\
         # seed: 文件名.txt                 # the file in seeds/ the text was taken from\n\
         # summary: 一句话摘要\n\
         # jurisdictions: [{jurisdiction}]\n\
         # pledges: [{example}]      # pledges this news mentions\n\
         # updates:                         # evidence that changes a pledge's status\n\
         #   - pledge: {example}\n\
         #     status: in_progress          # {}\n\
         #     value: 0                     # optional: progress in the target's unit\n\
         #     as_of: YYYY-MM-DD            # optional; default: the news date\n\
         #     quote: 照录下文中的原句         # evidence, verbatim from the body below\n\
         # The article's text goes below the closing `---`, verbatim (only broken lines joined).\n\
         ---\n\n",
        statuses.join(" | ")
    )
}

/// Some pledge of the site, `report/pledge`, to show in examples.
fn any_pledge(root: &Path) -> Option<String> {
    files_with_ext(&root.join("content/pledges"), &["yaml", "yml"], false)
        .into_iter()
        .filter_map(|p| crate::content::read_text(&p).ok())
        // A file with anchors is not read (an alias bomb); `check` names it.
        .filter(|t| crate::content::anchors::refuse_anchors(t).is_none())
        .filter_map(|t| serde_yaml::from_str::<RawPledgeFile>(&t).ok())
        .find_map(|f| f.pledges.first().map(|p| format!("{}/{}", f.report, p.id)))
}

/// A report's pledge file as read: its path, its text and its entries.
type PledgeFile = (PathBuf, String, RawPledgeFile);

/// Append a pledge entry for `pledge` to its report's pledge file (created when there is none).
pub fn pledge(
    root: &Path,
    pledge: &PledgeRef,
    text: Option<&str>,
    category: Option<&CategoryId>,
) -> Result<Written> {
    let report = pledge.report.as_str();
    let (index, report_rel) = report_index(root, &pledge.report)?;
    let site = read_site(root)?;
    let known: Vec<String> = site.categories.iter().map(|c| c.id.to_string()).collect();
    let category = pick_category(&known, category)?;
    let mut todo = Vec::new();
    let text_line = match text {
        Some(t) => {
            let q = normalize_quote(t);
            if !index.text.contains(&q) {
                bail!(
                    "text does not occur in report `{report}` ({report_rel}): «{q}» ({})",
                    explain_missing(&index.text, &q)
                );
            }
            format!("    text: {}\n", yaml_str(&q))
        }
        None => {
            todo.push("text");
            "    text: 照录报告原文（待填写）  # TODO: the pledge's sentence, verbatim from the report\n".to_string()
        }
    };
    let entry = pledge_entry(pledge, &text_line, &category, &known, text);
    let files = report_pledge_files(root, report);
    if let Some((p, _, _)) = files
        .iter()
        .find(|(_, _, f)| f.pledges.iter().any(|x| x.id == pledge.pledge))
    {
        bail!(
            "pledge `{pledge}` already exists in {}: nothing was written",
            shown(root, p)
        );
    }
    let warnings = text
        .map(|t| same_text_warnings(root, report, &normalize_quote(t), &files))
        .unwrap_or_default();
    let (path, created) = add_entry(root, pledge, &files, &entry)?;
    Ok(Written {
        path,
        todo,
        created,
        notes: Vec::new(),
        warnings,
    })
}

/// The YAML entry of a new pledge: its id, `text_line`, its category (the `known` ones in a
/// comment), a target proposed from `text`, and the optional fields as comments.
fn pledge_entry(
    pledge: &PledgeRef,
    text_line: &str,
    category: &str,
    known: &[String],
    text: Option<&str>,
) -> String {
    format!(
        "  - id: {id}\n{text_line}    category: {category}  # {cats}\n\
         {target_line}\
         \x20   # title: 短标题\n\
         \x20   # department: 责任单位\n\
         \x20   # deadline: YYYY-MM-DD          # default: Dec 31 of the report's year\n\
         \x20   # status: unrated               # starting status: {statuses}\n\
         \x20   # tags: []\n",
        id = pledge.pledge,
        cats = known.join(" | "),
        target_line = target_line(text),
        statuses = Status::ALL
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(" | "),
    )
}

/// The category to write: `category` when site.yaml defines it (`known`), else the first.
fn pick_category(known: &[String], category: Option<&CategoryId>) -> Result<String> {
    match category {
        Some(c) if known.iter().any(|k| k == c.as_str()) => Ok(c.to_string()),
        Some(c) => bail!(
            "unknown category `{c}`: site.yaml defines {}",
            list_or_none(known)
        ),
        None => match known.first() {
            Some(c) => Ok(c.clone()),
            None => {
                bail!("site.yaml defines no categories: add one first, pledges need a category")
            }
        },
    }
}

/// The entry's `target` line: prefilled from the text when it holds exactly one quantity, else
/// a comment showing its shape.
fn target_line(text: Option<&str>) -> String {
    let found = text.map(quantity::find).unwrap_or_default();
    match found.as_slice() {
        [q] => format!(
            "    target: {{value: {}, unit: {}, qualifier: {}}}  # metric: optional name to compare across years\n",
            crate::types::Num(q.value),
            yaml_str(&q.unit),
            q.qualifier.key()
        ),
        _ => "    # target: {metric: 指标名, value: 0, unit: 个, qualifier: exact}  # exact | about | at_least | at_most\n".to_string(),
    }
}

/// The pledge files of `report` that can be read, sorted by path.
fn report_pledge_files(root: &Path, report: &str) -> Vec<PledgeFile> {
    let mut files = Vec::new();
    for p in files_with_ext(&root.join("content/pledges"), &["yaml", "yml"], false) {
        let Ok(t) = crate::content::read_text(&p) else {
            continue;
        };
        if crate::content::anchors::refuse_anchors(&t).is_some() {
            continue;
        }
        if let Ok(f) = serde_yaml::from_str::<RawPledgeFile>(&t)
            && f.report.as_str() == report
        {
            files.push((p, t, f));
        }
    }
    files
}

/// A warning for each entry of `files` quoting the same or overlapping words as `text`
/// (normalized): most often the same pledge entered twice.
fn same_text_warnings(root: &Path, report: &str, text: &str, files: &[PledgeFile]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (p, _, f) in files {
        for other in &f.pledges {
            let o = normalize_quote(&other.text);
            if o.is_empty() || !(o.contains(text) || text.contains(&o)) {
                continue;
            }
            let how = if o == text {
                "the same text"
            } else {
                "overlapping text"
            };
            warnings.push(format!(
                "pledge `{report}/{}` in {} already quotes {how}, «{o}»: if it is the same pledge, \
                 delete the new entry; if not, quote more of the sentence to tell them apart",
                other.id,
                shown(root, p)
            ));
        }
    }
    warnings
}

/// Write `entry` into `<report>.yaml` when it is one of the report's pledge `files`, else the
/// first of them, else a new `<report>.yaml`. Returns the path and whether it was created.
fn add_entry(
    root: &Path,
    pledge: &PledgeRef,
    files: &[PledgeFile],
    entry: &str,
) -> Result<(PathBuf, bool)> {
    let report = pledge.report.as_str();
    let preferred = root.join("content/pledges").join(format!("{report}.yaml"));
    let target = files
        .iter()
        .position(|(p, _, _)| *p == preferred)
        .or(if files.is_empty() { None } else { Some(0) });
    let Some(k) = target else {
        let y = format!("report: {report}\npledges:\n{entry}");
        check_appended(&y, pledge, 1)?;
        write_file(&preferred, &y, false)?;
        return Ok((preferred, true));
    };
    let (path, old, parsed) = &files[k];
    let new = append_entry(old, entry).with_context(|| {
        format!(
            "cannot append to `{}`: add the entry by hand",
            shown(root, path)
        )
    })?;
    check_appended(&new, pledge, parsed.pledges.len() + 1)?;
    write_file(path, &new, true)?;
    Ok((path.clone(), false))
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The pledge file text with `entry` (indented two spaces) added to its `pledges:` list.
fn append_entry(old: &str, entry: &str) -> Result<String> {
    let lines: Vec<&str> = old.lines().collect();
    let Some(at) = lines.iter().position(|l| l.starts_with("pledges:")) else {
        let mut s = old.trim_end().to_string();
        s.push_str("\npledges:\n");
        s.push_str(entry);
        return Ok(s);
    };
    let after_key = lines[at]["pledges:".len()..].trim();
    // `pledges` must be the last top-level key, so that appending lands in its list.
    let later_key = lines[at + 1..].iter().any(|l| {
        let first = l.chars().next();
        first.is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
    });
    if later_key {
        bail!("`pledges:` is not the last key of the file");
    }
    let value = after_key.split(" #").next().unwrap_or("").trim();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match value {
        "" => {}
        "[]" => out[at] = "pledges:".to_string(),
        _ => bail!("`pledges:` is written in flow style"),
    }
    // Items written at column 0 (`- id:`) take the new entry at column 0 too.
    let zero = lines[at + 1..].iter().any(|l| l.starts_with("- "));
    let entry = if zero {
        entry
            .lines()
            .map(|l| l.strip_prefix("  ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    } else {
        entry.to_string()
    };
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s.push_str(&entry);
    // Keep the file's line endings.
    if old.contains("\r\n") {
        s = s.replace('\n', "\r\n");
    }
    Ok(s)
}

/// The new file text parses as a pledge file whose last entry is the new pledge.
fn check_appended(y: &str, pledge: &PledgeRef, count: usize) -> Result<()> {
    let f: RawPledgeFile =
        serde_yaml::from_str(y).context("the file would not parse after appending (a bug)")?;
    let ok = f.pledges.len() == count && f.pledges.last().is_some_and(|p| p.id == pledge.pledge);
    if !ok {
        bail!("the entry would not land in the `pledges:` list: add it by hand");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "  - id: new\n    text: 新\n    category: urban\n";

    /// The category of a new pledge: the one given when site.yaml defines it, else the first;
    /// a site with no categories cannot take a pledge.
    #[test]
    fn category_is_the_one_given_or_the_first_of_the_site() {
        let known = ["economy".to_string(), "urban".to_string()];
        let urban = CategoryId::parse("urban").unwrap();
        assert_eq!(pick_category(&known, Some(&urban)).unwrap(), "urban");
        assert_eq!(pick_category(&known, None).unwrap(), "economy");
        let unknown = CategoryId::parse("urbna").unwrap();
        assert_eq!(
            pick_category(&known, Some(&unknown))
                .unwrap_err()
                .to_string(),
            "unknown category `urbna`: site.yaml defines `economy`, `urban`"
        );
        assert_eq!(
            pick_category(&[], None).unwrap_err().to_string(),
            "site.yaml defines no categories: add one first, pledges need a category"
        );
    }

    #[test]
    fn entries_are_appended_to_the_list_with_its_indentation() {
        let two = append_entry(
            "report: r\npledges:\n  - id: a\n    text: x\n    category: urban\n\n",
            ENTRY,
        )
        .unwrap();
        assert!(two.ends_with("category: urban\n  - id: new\n    text: 新\n    category: urban\n"));
        let zero = append_entry(
            "report: r\npledges:\n- id: a\n  text: x\n  category: urban\n",
            ENTRY,
        )
        .unwrap();
        assert!(
            zero.ends_with("\n- id: new\n  text: 新\n  category: urban\n"),
            "{zero}"
        );
        let empty = append_entry("report: r\npledges: []\n", ENTRY).unwrap();
        assert_eq!(empty, format!("report: r\npledges:\n{ENTRY}"));
        for y in [&two, &zero, &empty] {
            let f: RawPledgeFile = serde_yaml::from_str(y).unwrap();
            assert_eq!(f.pledges.last().unwrap().id.as_str(), "new");
        }
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let out = append_entry(
            "report: r\r\npledges:\r\n  - id: a\r\n    text: x\r\n",
            ENTRY,
        )
        .unwrap();
        assert_eq!(out.matches("\r\n").count(), out.matches('\n').count());
        assert!(out.ends_with("  - id: new\r\n    text: 新\r\n    category: urban\r\n"));
    }

    #[test]
    fn files_where_appending_is_unsafe_are_refused() {
        assert!(append_entry("pledges:\n  - id: a\nreport: r\n", ENTRY).is_err());
        assert!(append_entry("report: r\npledges: [{id: a}]\n", ENTRY).is_err());
    }
}
