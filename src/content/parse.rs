//! Text to raw structs: front matter split off, YAML refused when too deep or aliased, parsed
//! with recovery of the good list items, and YAML errors placed where an editor sees them.

use super::{
    Kind, Parsed, SourceFile, anchors, decode::decode, decode::read_text, frontmatter, hints,
    locate, raw,
};
use crate::diag::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A file with no text yet, as a file that could not be read is kept.
pub(super) fn empty_file(rel: String) -> SourceFile {
    SourceFile {
        rel,
        text: String::new(),
        yaml: 0..0,
        yaml_first_line: 1,
        body: 0..0,
        body_first_line: 1,
        dropped: Vec::new(),
        body_index: OnceLock::new(),
        positions: OnceLock::new(),
        dropped_body: None,
    }
}

/// Read the file at `path` (shown as `rel`) and parse it as a file of `kind`.
pub(super) fn read_and_parse(
    kind: Kind,
    path: &Path,
    rel: String,
) -> (SourceFile, Option<Parsed>, Vec<Diagnostic>) {
    match read_text(path) {
        Ok(text) => parse_text(kind, rel, text),
        Err((line, col, msg)) => {
            let d = Diagnostic::new(&rel, line, col, msg);
            (empty_file(rel), None, vec![d])
        }
    }
}

/// Decode and parse the bytes of one content file of `kind` exactly as [`super::load`] does;
/// returns the file, its diagnostics, and whether it gave a raw struct. For fuzzing and tests.
pub fn parse_bytes(kind: Kind, rel: &str, bytes: Vec<u8>) -> (SourceFile, Vec<Diagnostic>, bool) {
    match decode(bytes) {
        Ok(text) => {
            let (file, parsed, diags) = parse_text(kind, rel.to_string(), text);
            (file, diags, parsed.is_some())
        }
        Err((line, col, msg)) => (
            empty_file(rel.to_string()),
            vec![Diagnostic::new(rel, line, col, msg)],
            false,
        ),
    }
}

/// Parse the decoded `text` of a file of `kind`: split, refuse what is not read, then parse.
fn parse_text(
    kind: Kind,
    rel: String,
    text: String,
) -> (SourceFile, Option<Parsed>, Vec<Diagnostic>) {
    let mut file = empty_file(rel);
    if let Err(d) = split(&mut file, kind, text) {
        return (file, None, vec![d]);
    }
    if let Some(d) = refused(&file) {
        return (file, None, vec![d]);
    }
    let (parsed, diags) = parse_kind(&mut file, kind);
    (file, parsed, diags)
}

/// Put `text` in `file` and mark its YAML part and Markdown body: the front matter and the
/// rest for Markdown kinds, the whole text for YAML kinds.
fn split(file: &mut SourceFile, kind: Kind, text: String) -> Result<(), Diagnostic> {
    let is_markdown = matches!(kind, Kind::Report | Kind::News | Kind::Page);
    if !is_markdown {
        file.yaml = 0..text.len();
        file.text = text;
        return Ok(());
    }
    match frontmatter::split(&text) {
        Ok(s) => {
            let base = text.as_ptr() as usize;
            let ys = s.yaml.as_ptr() as usize - base;
            let bs = s.body.as_ptr() as usize - base;
            file.yaml = ys..ys + s.yaml.len();
            file.yaml_first_line = s.yaml_first_line;
            file.body = bs..bs + s.body.len();
            file.body_first_line = s.body_first_line;
            file.text = text;
            Ok(())
        }
        Err(e) => {
            let d = Diagnostic::new(&file.rel, e.line, 1, e.message);
            file.text = text;
            Err(d)
        }
    }
}

/// Why the YAML part of `file` is not parsed at all, if it is not: brackets nested too deep,
/// or anchors and aliases.
fn refused(file: &SourceFile) -> Option<Diagnostic> {
    if let Some((line, col)) = too_deep(file.yaml_text()) {
        return Some(Diagnostic::new(
            &file.rel,
            line + file.yaml_first_line - 1,
            col,
            format!(
                "YAML nested more than {MAX_FLOW_DEPTH} levels deep in [ ] or {{ }}: not read (is a bracket missing its pair?)"
            ),
        ));
    }
    let r = anchors::refuse_anchors(file.yaml_text())?;
    let (line, col) = (r.line + file.yaml_first_line - 1, r.col);
    Some(Diagnostic::new(&file.rel, line, col, r.message))
}

/// Parse the YAML part of `file` into the raw struct of `kind`; files made of lists keep the
/// items that parse ([`parse_with_recovery`]).
fn parse_kind(file: &mut SourceFile, kind: Kind) -> (Option<Parsed>, Vec<Diagnostic>) {
    let one = |r: Result<Parsed, Diagnostic>| match r {
        Ok(p) => (Some(p), Vec::new()),
        Err(d) => (None, vec![d]),
    };
    match kind {
        Kind::Site => {
            let lists: [(&str, ItemCheck); 2] = [
                ("jurisdictions", item_check::<raw::RawJurisdiction>),
                ("categories", item_check::<raw::RawCategory>),
            ];
            let (p, d) = parse_with_recovery(file, "site settings", &lists);
            (p.map(|r| Parsed::Site(Arc::new(r))), d)
        }
        Kind::Report => {
            one(parse_yaml(file, "report front matter").map(|r| Parsed::Report(Arc::new(r))))
        }
        Kind::Pledges => {
            let lists: [(&str, ItemCheck); 1] = [("pledges", item_check::<raw::RawPledge>)];
            let (p, d) = parse_with_recovery(file, "pledge file", &lists);
            (p.map(|r| Parsed::Pledges(Arc::new(r))), d)
        }
        Kind::News => one(parse_yaml(file, "news front matter").map(|r| Parsed::News(Arc::new(r)))),
        Kind::Indicators => {
            let lists: [(&str, ItemCheck); 1] = [("indicators", item_check::<raw::RawIndicator>)];
            let (p, d) = parse_with_recovery(file, "indicator file", &lists);
            (p.map(|r| Parsed::Indicators(Arc::new(r))), d)
        }
        Kind::Page => one(parse_yaml(file, "page front matter").map(|r| Parsed::Page(Arc::new(r)))),
    }
}

/// The deepest nesting of `[ ]` and `{ }` read in a YAML text. The YAML scanner spends time
/// proportional to the depth on every token, so deeper nesting could stall a build.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Where `yaml` first nests brackets deeper than [`MAX_FLOW_DEPTH`] (1-based line, column).
/// Counts every bracket, even in quotes and comments, so that no quoting trick hides depth;
/// real content never has that many unclosed brackets.
pub(crate) fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1, 0);
    for c in yaml.chars() {
        col += 1;
        match c {
            '\n' => (line, col) = (line + 1, 0),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, col));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Checks that one list item deserialises; used only on the error path.
type ItemCheck = fn(serde_yaml::Value) -> Result<(), serde_yaml::Error>;

fn item_check<I: DeserializeOwned>(v: serde_yaml::Value) -> Result<(), serde_yaml::Error> {
    serde_yaml::from_value::<I>(v).map(|_| ())
}

/// Parse a file made mostly of lists (`pledges:`, `indicators:`, `jurisdictions:`). When the
/// file as a whole does not parse, drop only the list items that do not, report each of them,
/// and keep the rest, so that one bad item neither hides the errors of the others nor makes
/// everything that refers to the good ones fail too. Dropped items are remembered in the
/// file so that later messages still point at the right lines.
fn parse_with_recovery<T: DeserializeOwned>(
    file: &mut SourceFile,
    what: &str,
    lists: &[(&str, ItemCheck)],
) -> (Option<T>, Vec<Diagnostic>) {
    let first = match parse_yaml::<T>(file, what) {
        Ok(t) => return (Some(t), Vec::new()),
        Err(d) => d,
    };
    let mut diags = vec![first];
    let value = serde_yaml::from_str::<serde_yaml::Value>(file.yaml_text());
    let Ok(serde_yaml::Value::Mapping(mut map)) = value else {
        // A syntax error further down than the first error: report it too, in this run.
        if let Err(e) = value {
            let d = yaml_error(file, &e, true);
            if d.line != diags[0].line {
                diags.push(d);
            }
        }
        return (None, diags);
    };
    let mut dropped = Vec::new();
    for (list_key, check) in lists {
        if let Some(serde_yaml::Value::Sequence(items)) = map.get_mut(*list_key) {
            drop_bad_items(file, list_key, *check, items, &mut diags, &mut dropped);
        }
    }
    match serde_yaml::from_value::<T>(serde_yaml::Value::Mapping(map)) {
        Ok(t) if !dropped.is_empty() => {
            file.dropped = dropped;
            (Some(t), diags)
        }
        _ => (None, diags),
    }
}

/// Keep only the `items` of the list `list_key` that pass `check`; report each other one,
/// unless the whole-file error (`diags[0]`) already points at it, and note it in `dropped` as
/// (list key, original index).
fn drop_bad_items(
    file: &SourceFile,
    list_key: &str,
    check: ItemCheck,
    items: &mut Vec<serde_yaml::Value>,
    diags: &mut Vec<Diagnostic>,
    dropped: &mut Vec<(String, usize)>,
) {
    // The item the whole-file error already points at (`pledges[3]...`).
    let reported = diags[0]
        .message
        .strip_prefix(&format!("{list_key}["))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    let all = std::mem::take(items);
    for (i, v) in all.into_iter().enumerate() {
        match check(v.clone()) {
            Ok(()) => items.push(v),
            Err(e) => {
                if reported != Some(i) {
                    let msg = format!("{list_key}[{i}]: {}", clean_yaml_message(&e.to_string()));
                    diags.push(file.error_at(&[locate::key(list_key), locate::idx(i)], msg));
                }
                dropped.push((list_key.to_string(), i));
            }
        }
    }
}

/// The line and column in `yaml` as editors count them (lines end at `\n` only) of a position
/// the YAML parser gives (1-based): it also ends lines at U+0085, U+2028 and U+2029 (YAML 1.1),
/// which editors show within a line. A position past the end is clamped to the end.
fn yaml_to_text_position(yaml: &str, line: usize, col: usize) -> (usize, usize) {
    let (mut yl, mut yc) = (1, 1);
    let (mut tl, mut tc) = (1, 1);
    for ch in yaml.chars() {
        if yl >= line && yc >= col {
            return (tl, tc);
        }
        match ch {
            '\n' => {
                (yl, yc) = (yl + 1, 1);
                (tl, tc) = (tl + 1, 1);
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' => {
                (yl, yc) = (yl + 1, 1);
                tc += 1;
            }
            _ => {
                yc += 1;
                tc += 1;
            }
        }
    }
    (tl, tc)
}

fn parse_yaml<T: DeserializeOwned>(file: &SourceFile, what: &str) -> Result<T, Diagnostic> {
    let yaml = file.yaml_text();
    if yaml.trim().is_empty() {
        return Err(Diagnostic::new(
            &file.rel,
            file.yaml_first_line,
            1,
            format!("{what} is empty"),
        ));
    }
    serde_yaml::from_str::<T>(yaml).map_err(|e| {
        // A syntax error, or a document that is not a mapping at all: look for the editor's
        // mistake behind it (the parser names it in its own terms, often a line later).
        let whole = e.to_string().contains("expected struct ");
        let syntax = whole || serde_yaml::from_str::<serde_yaml::Value>(yaml).is_err();
        yaml_error(file, &e, syntax)
    })
}

/// The diagnostic for a YAML error `e` in `file`; when the text does not parse as YAML
/// (`syntax`), the editor's mistake behind it if one is found at or before the error.
fn yaml_error(file: &SourceFile, e: &serde_yaml::Error, syntax: bool) -> Diagnostic {
    let yaml = file.yaml_text();
    let (line, col) = e
        .location()
        .map(|l| yaml_to_text_position(yaml, l.line(), l.column()))
        .unwrap_or((1, 1));
    if syntax {
        let before = if e.to_string().contains("expected struct ") {
            usize::MAX
        } else {
            line
        };
        if let Some(h) = hints::syntax_hint(yaml, before) {
            return Diagnostic::new(
                &file.rel,
                h.line + file.yaml_first_line - 1,
                h.col,
                h.message,
            );
        }
    }
    Diagnostic::new(
        &file.rel,
        line + file.yaml_first_line - 1,
        col,
        clean_yaml_message(&e.to_string()),
    )
}

/// serde_yaml appends " at line N column M" to its messages; the position is given separately.
fn clean_yaml_message(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(" column ") => &msg[..i],
        _ => msg,
    };
    hints::editor_message(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raw::RawNews;

    /// Regression (fuzz, frontmatter target): YAML counts a lone CR as a line break, the rest
    /// of duixian did not, so positions pointed past the end of the file.
    #[test]
    fn lone_cr_line_breaks_count_as_lines() {
        let bytes = b"report: r\rpledges:\r  - id: a\r    bogus: 1\r".to_vec();
        let (file, diags, _) = parse_bytes(Kind::Pledges, "p.yaml", bytes);
        assert_eq!(file.text.lines().count(), 4);
        assert_eq!(diags[0].line, 4, "{}", diags[0]);
    }

    #[test]
    fn deep_bracket_nesting_is_refused_before_parsing() {
        let ok = format!(
            "a: {}1{}",
            "[".repeat(MAX_FLOW_DEPTH),
            "]".repeat(MAX_FLOW_DEPTH)
        );
        assert_eq!(too_deep(&ok), None);
        let deep = format!("a: 1\nb: {}", "[{".repeat(1000));
        assert_eq!(too_deep(&deep), Some((2, 4 + MAX_FLOW_DEPTH)));
        // Closed brackets do not add up, quoted or not.
        assert_eq!(too_deep(&"a: '[x]' [1] {b: 2}\n".repeat(1000)), None);
        let (_, diags, parsed) = parse_bytes(Kind::Pledges, "p.yaml", deep.into_bytes());
        assert!(!parsed);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("nested more than"),
            "{}",
            diags[0]
        );
    }

    #[test]
    fn yaml_line_breaks_editors_do_not_show_keep_positions_on_the_line() {
        // U+0085 ends a line for the YAML parser, not for an editor (a fuzzing find: a
        // diagnostic pointed at line 3 of a one-line file).
        assert_eq!(yaml_to_text_position("a\u{85}b\u{85}c", 3, 1), (1, 5));
        assert_eq!(yaml_to_text_position("a\nb", 2, 1), (2, 1));
        assert_eq!(yaml_to_text_position("ab", 9, 9), (1, 3));
        let text = "\'\'\'500MMMMMMMMMMMM-\u{85}\u{85}0xMMMMMM\'\'".to_string();
        let (file, diags, _) = parse_bytes(Kind::Site, "site.yaml", text.into_bytes());
        assert_eq!(file.text.lines().count(), 1);
        assert!(diags.iter().all(|d| d.line == 1), "{diags:?}");
    }

    #[test]
    fn yaml_errors_are_shifted_to_file_lines() {
        let text = "---\ntitle: x\ndate: 2024-01-01\nbogus: 1\n---\nbody".to_string();
        let s = frontmatter::split(&text).unwrap();
        let file = SourceFile {
            rel: "content/news/a.md".into(),
            yaml: 4..4 + s.yaml.len(),
            yaml_first_line: 2,
            body: 0..0,
            body_first_line: 6,
            dropped: Vec::new(),
            text: text.clone(),
            body_index: OnceLock::new(),
            positions: OnceLock::new(),
            dropped_body: None,
        };
        let d = parse_yaml::<RawNews>(&file, "news").unwrap_err();
        assert_eq!((d.line, d.col), (4, 1), "{d}");
        assert!(d.message.contains("unknown field `bogus`"), "{d}");
    }
}
