//! Editors' words for YAML mistakes: finds the line behind a YAML parser error (a full-width
//! colon, a tab, a key without its colon) and rewrites parser messages that name internal types.

/// A mistake found in a YAML text, at a 1-based line and column of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// The first line of `yaml` (which did not parse) with a mistake editors often make, if any is
/// at or before line `before` (the parser reports a mistake at or after the line that has it).
pub fn syntax_hint(yaml: &str, before: usize) -> Option<Hint> {
    // Indentation of the last line that holds content, and whether it opened a block scalar
    // (`|` or `>`), whose lines are text, not keys.
    let mut prev_indent: Option<usize> = None;
    let mut prev_opens_mapping = false;
    let mut scalar_indent: Option<usize> = None;
    for (i, line) in yaml.split('\n').enumerate() {
        let line_no = i + 1;
        if line_no > before {
            break;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some(l) = YamlLine::read(line) else {
            continue;
        };
        if let Some(s) = scalar_indent {
            if l.indent_chars > s {
                continue;
            }
            scalar_indent = None;
        }
        // A list item may be a plain value (`- housing`), and a deeper line may continue the
        // value above it: neither is a key.
        let not_continuation =
            l.item == 0 && (prev_indent.is_none_or(|p| l.indent <= p) || prev_opens_mapping);
        let hint = l
            .tab()
            .or_else(|| l.full_width_colon())
            .or_else(|| l.missing_colon(not_continuation));
        if let Some((col, message)) = hint {
            return Some(Hint {
                line: line_no,
                col,
                message,
            });
        }
        let value = l.content.rsplit_once(": ").map_or("", |(_, v)| v).trim();
        if matches!(value.trim_end_matches(['-', '+']), "|" | ">") {
            scalar_indent = Some(l.indent);
        }
        prev_opens_mapping = l.content.ends_with(':');
        prev_indent = Some(l.indent);
    }
    None
}

/// A line of YAML that holds content, cut where [`syntax_hint`] looks for mistakes.
struct YamlLine<'a> {
    line: &'a str,
    /// The line without its indentation.
    content: &'a str,
    /// Bytes of indentation (spaces and tabs).
    indent_chars: usize,
    /// Bytes of a list item's `- ` and the spaces after it (0 on other lines).
    item: usize,
    /// `indent_chars + item`: the indentation of the keys on this line.
    indent: usize,
    /// What follows the list item's `- `, or the content.
    key_part: &'a str,
    /// The leading word of `key_part` (ASCII letters, digits, `_`) and the rest.
    key: &'a str,
    after: &'a str,
    /// Whether `key` could be a key (starts with a letter or `_`).
    key_like: bool,
}

impl<'a> YamlLine<'a> {
    /// The line cut in parts; `None` for a blank line or a comment.
    fn read(line: &'a str) -> Option<YamlLine<'a>> {
        let content = line.trim_start_matches([' ', '\t']);
        if content.is_empty() || content.starts_with('#') {
            return None;
        }
        let indent_chars = line.len() - content.len();
        // `- ` of a list item counts as indentation for the keys after it.
        let (item, key_part) = match content.strip_prefix("- ") {
            Some(rest) => {
                let rest_trim = rest.trim_start_matches(' ');
                (content.len() - rest_trim.len(), rest_trim)
            }
            None => (0, content),
        };
        let key_len = key_part
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(key_part.len(), |(i, _)| i);
        let key = &key_part[..key_len];
        Some(YamlLine {
            line,
            content,
            indent_chars,
            item,
            indent: indent_chars + item,
            key_part,
            key,
            after: &key_part[key_len..],
            key_like: key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'),
        })
    }

    /// A tab in the indentation: (column, message).
    fn tab(&self) -> Option<(usize, String)> {
        let tab = self.line[..self.indent_chars].find('\t')?;
        let message = "a tab indents this line: YAML indents with spaces only; replace the tab \
                       with spaces, as many as the lines above use";
        Some((tab + 1, message.to_string()))
    }

    /// A key followed by a full-width colon: (column of the colon, message).
    fn full_width_colon(&self) -> Option<(usize, String)> {
        let rest = self.after.trim_start_matches(' ');
        if !(self.key_like && rest.starts_with('：')) {
            return None;
        }
        let col = self.line[..self.line.len() - rest.len()].chars().count() + 1;
        let key = self.key;
        Some((
            col,
            format!(
                "full-width colon `：` after `{key}`: YAML needs an ASCII colon and a space, \
                 `{key}: …` (switch the input method to half-width, or type it in English mode)"
            ),
        ))
    }

    /// A key with no colon after it, on a line that does not continue the value above
    /// (`not_continuation`): (column of the key, message).
    fn missing_colon(&self, not_continuation: bool) -> Option<(usize, String)> {
        let (content, after, key) = (self.content, self.after, self.key);
        let has_colon = after.starts_with(':')
            && (after.len() == 1 || after[1..].starts_with([' ', '\t']))
            || content.contains(": ")
            || content.ends_with(':');
        if !(self.key_like
            && !has_colon
            && not_continuation
            && (after.is_empty() || after.starts_with(' ')))
        {
            return None;
        }
        let value = after.trim();
        let message = if value.is_empty() {
            format!(
                "`{key}` is a key without its colon: write `{key}: ` and the value \
                 (an ASCII colon and a space after the key), or delete the line"
            )
        } else {
            format!(
                "no colon after the key `{key}`: write `{key}: {value}` \
                 (an ASCII colon and a space after the key)"
            )
        };
        let col = self.indent_chars
            + 1
            + content[..content.len() - self.key_part.len()]
                .chars()
                .count();
        Some((col, message))
    }
}

/// What each raw structure is, in an editor's words, for messages that would name it.
const STRUCTS: &[(&str, &str)] = &[
    (
        "RawSite",
        "the site settings (`title:`, `base_url:`, … lines)",
    ),
    (
        "RawJurisdiction",
        "a jurisdiction (`id:` and `name:` lines)",
    ),
    ("RawCategory", "a category (`id:` and `name:` lines)"),
    (
        "RawReport",
        "the report's fields (`key: value` lines between the `---` lines)",
    ),
    (
        "RawPledgeFile",
        "a pledge file (`report:` and a `pledges:` list)",
    ),
    (
        "RawPledge",
        "a pledge (`id:`, `text:`, `category:` … lines)",
    ),
    ("RawTarget", "a target (`value:`, `unit:`, `qualifier:` …)"),
    (
        "RawNews",
        "the news item's fields (`key: value` lines between the `---` lines)",
    ),
    (
        "RawUpdate",
        "a status update (`pledge:`, `status:`, `quote:` … lines)",
    ),
    (
        "RawIndicatorFile",
        "an indicator file (`jurisdiction:` and an `indicators:` list)",
    ),
    (
        "RawIndicator",
        "an indicator (`id:`, `name:`, `years:` … lines)",
    ),
    (
        "RawIndicatorYear",
        "a year of an indicator (`target:` and `actual:`)",
    ),
    ("RawIndicatorTarget", "an indicator's target (`value:` …)"),
    (
        "RawIndicatorActual",
        "an indicator's actual value (`value:` …)",
    ),
    (
        "RawPage",
        "the page's fields (`key: value` lines between the `---` lines)",
    ),
];

/// A YAML parser message in an editor's words: no internal type names, an empty value named
/// as such, and a did-you-mean for a misspelt word of a fixed vocabulary (status, qualifier).
pub fn editor_message(msg: &str) -> String {
    let mut msg = msg.replace("invalid type: ", "wrong type: ");
    for (raw, words) in STRUCTS {
        msg = msg.replace(&format!("struct {raw}"), words);
    }
    // Rust's number types, at the end of `expected …`.
    for (ty, words) in [
        ("f64", "a number"),
        ("f32", "a number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("u8", "a whole number, 0 or more"),
        ("u16", "a whole number, 0 or more"),
        ("u32", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
    ] {
        if let Some(head) = msg.strip_suffix(&format!("expected {ty}")) {
            msg = format!("{head}expected {words}");
        }
    }
    // `unknown variant `x`, expected one of `a`, `b`` (also `expected `a` or `b``).
    if let Some(start) = msg.find("unknown variant `") {
        let rest = &msg[start + "unknown variant `".len()..];
        if let Some(end) = rest.find('`') {
            let got = &rest[..end];
            let list = &rest[end + 1..];
            let known: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
            let head = &msg[..start];
            let listed = list
                .trim_start_matches(',')
                .trim()
                .trim_start_matches("expected one of ")
                .trim_start_matches("expected ");
            return if got.is_empty() {
                format!("{head}no value: write one of {listed}")
            } else if let Some(best) = crate::model::build::nearest(got, &known) {
                format!("{head}unknown value `{got}`: did you mean `{best}`?")
            } else {
                format!("{head}unknown value `{got}`: write one of {listed}")
            };
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_width_colon_after_a_key_is_named_at_its_line() {
        let y = "title: 上半年\ndate： 2024-07-20\nupdates: []\n";
        let h = syntax_hint(y, 3).unwrap();
        assert_eq!((h.line, h.col), (2, 5));
        assert!(
            h.message.starts_with("full-width colon `：` after `date`"),
            "{}",
            h.message
        );
        // In a list item, without a space after it.
        let y = "updates:\n  - pledge: a/b\n    status：in_progress\n";
        let h = syntax_hint(y, 3).unwrap();
        assert_eq!((h.line, h.col), (3, 11));
        // A full-width colon inside a value is text.
        assert_eq!(syntax_hint("title: 说了算：政府工作报告\n", 1), None);
    }

    #[test]
    fn a_tab_in_the_indentation_is_named_at_its_line() {
        let y = "updates:\n  - pledge: a/b\n\tstatus: in_progress\n";
        let h = syntax_hint(y, 3).unwrap();
        assert_eq!((h.line, h.col), (3, 1));
        assert!(h.message.starts_with("a tab indents this line"));
    }

    #[test]
    fn a_key_without_its_colon_is_named_at_its_line_not_the_next() {
        let y = "title: 上半年\ndate 2024-07-20\nupdates: []\n";
        let h = syntax_hint(y, 3).unwrap();
        assert_eq!((h.line, h.col), (2, 1));
        assert_eq!(
            h.message,
            "no colon after the key `date`: write `date: 2024-07-20` (an ASCII colon and a space after the key)"
        );
        let h = syntax_hint("title\ndate: 2024-07-20\n", 1).unwrap();
        assert_eq!(h.line, 1);
        assert!(h.message.starts_with("`title` is a key without its colon"));
        let y = "pledges:\n  - id: a\n    text\n";
        let h = syntax_hint(y, 3).unwrap();
        assert_eq!((h.line, h.col), (3, 5));
    }

    #[test]
    fn continued_values_and_block_text_are_not_taken_for_keys() {
        let y = "summary: 第一行\n  continued here\nbody: |\n  plain words\n  more words\ntags:\n  - housing\n  - old town\nx: [\n";
        assert_eq!(syntax_hint(y, 9), None);
    }

    #[test]
    fn messages_name_no_internal_type_and_suggest_the_nearest_word() {
        assert_eq!(
            editor_message("updates[0].value: wrong type: sequence, expected f64"),
            "updates[0].value: wrong type: sequence, expected a number"
        );
        assert_eq!(
            editor_message("wrong type: string \"title date\", expected struct RawNews"),
            "wrong type: string \"title date\", expected the news item's fields (`key: value` lines between the `---` lines)"
        );
        assert_eq!(
            editor_message(
                "updates[0].status: unknown variant `in_progres`, expected one of `unrated`, `in_progress`"
            ),
            "updates[0].status: unknown value `in_progres`: did you mean `in_progress`?"
        );
        assert_eq!(
            editor_message(
                "updates[0].status: unknown variant ``, expected one of `unrated`, `in_progress`"
            ),
            "updates[0].status: no value: write one of `unrated`, `in_progress`"
        );
        assert_eq!(
            editor_message(
                "target.qualifier: unknown variant `roughly`, expected one of `exact`, `about`"
            ),
            "target.qualifier: unknown value `roughly`: write one of `exact`, `about`"
        );
    }
}
