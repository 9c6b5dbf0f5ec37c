//! Refusing YAML anchors (`&name`) and aliases (`*name`) before serde_yaml reads a file, so that
//! a small file cannot expand into gigabytes (an alias bomb).
//!
//! The content contract needs neither, and serde_yaml expands every alias into a copy of what it
//! names: a small file whose aliases repeat a long string made a build run out of memory (the
//! files tried are in docs/reliability.md, "YAML alias bombs by bytes"). The scan reads the YAML
//! events (yaml-rust2), so a `&` or `*` inside a scalar (`text: "A&B*C"`, `目标*2`) is text, not
//! an anchor; it runs only on YAML that holds a `&` or a `*` at all.

use yaml_rust2::parser::{Event, Parser};

/// Why a YAML text is refused, at a 1-based (line, column) of the text.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// The first alias in `yaml`, or else its first anchor, refused with its position. When the YAML cannot be read
/// before one is found and it holds a `*` (an alias may follow), the syntax error is given
/// instead: serde_yaml's parser may accept what this one does not, and would expand the alias.
pub fn refuse_anchors(yaml: &str) -> Option<Refused> {
    if !yaml.contains(['&', '*']) {
        return None;
    }
    let mut parser = Parser::new_from_str(yaml);
    // An alias is what expands, so it is the one pointed at; an anchor alone is refused too.
    let mut anchor = None;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            Err(_) if anchor.is_some() => return anchor,
            Err(e) if e.info().contains("unknown anchor") => {
                let m = e.marker();
                let (line, col) = find_sigil(yaml, m.line(), m.col() + 1, '*');
                return Some(alias(yaml, line, col));
            }
            Err(e) if yaml.contains('*') => {
                let m = e.marker();
                return Some(Refused {
                    line: m.line(),
                    col: m.col() + 1,
                    message: format!("YAML syntax error: {}", e.info()),
                });
            }
            Err(_) => return None,
        };
        let (line, col) = (mark.line(), mark.col() + 1);
        match event {
            Event::StreamEnd => return anchor,
            Event::Alias(_) => return Some(alias(yaml, line, col)),
            Event::Scalar(_, _, id, _)
            | Event::SequenceStart(id, _)
            | Event::MappingStart(id, _)
                if id > 0 && anchor.is_none() =>
            {
                let (line, col) = find_sigil(yaml, line, col, '&');
                let name = name_at(yaml, line, col, '&');
                anchor = Some(Refused {
                    line,
                    col,
                    message: format!(
                        "YAML anchor `&{name}` is not accepted in content files: remove it (duixian reads no anchors or aliases; to write a text that starts with `&`, put it in quotes)"
                    ),
                });
            }
            _ => {}
        }
    }
}

/// The refusal of the alias written at (line, col).
fn alias(yaml: &str, line: usize, col: usize) -> Refused {
    let name = name_at(yaml, line, col, '*');
    Refused {
        line,
        col,
        message: format!(
            "YAML alias `*{name}` is not accepted in content files: write the value out in full where it is needed (aliases are refused because a few of them can make a small file expand into gigabytes)"
        ),
    }
}

/// The position of the `sigil` at or before (line, col) where the parser reported a node: the
/// parser gives the node's own position, after its anchor. Falls back to (line, col).
fn find_sigil(yaml: &str, line: usize, col: usize, sigil: char) -> (usize, usize) {
    let lines: Vec<&str> = yaml.split('\n').collect();
    let mut l = line.min(lines.len());
    let mut limit = Some(col);
    while l >= 1 {
        let chars: Vec<char> = lines[l - 1].chars().collect();
        let end = limit.map_or(chars.len(), |c| c.min(chars.len()));
        if let Some(i) = chars[..end].iter().rposition(|&c| c == sigil) {
            return (l, i + 1);
        }
        limit = None;
        l -= 1;
        if line - l > 3 {
            break;
        }
    }
    (line, col)
}

/// The anchor name written after the `sigil` at (line, col), for the message.
fn name_at(yaml: &str, line: usize, col: usize, sigil: char) -> String {
    let Some(text) = yaml.split('\n').nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let mut chars = text.chars().skip(col.saturating_sub(1)).peekable();
    if chars.peek() == Some(&sigil) {
        chars.next();
    }
    chars
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_is_refused_where_it_is_written() {
        let r = refuse_anchors("a: x\nb: *x\n").unwrap();
        assert_eq!((r.line, r.col), (2, 4), "{r:?}");
        assert!(r.message.contains("`*x`"), "{}", r.message);
    }

    #[test]
    fn with_an_anchor_and_its_alias_the_alias_is_pointed_at() {
        let r = refuse_anchors("a: &s long\nb:\n  - x\n  - *s\n").unwrap();
        assert_eq!((r.line, r.col), (4, 5), "{r:?}");
        assert!(r.message.contains("alias `*s`"), "{}", r.message);
    }

    #[test]
    fn an_anchor_is_refused_where_it_is_written() {
        for (yaml, at) in [
            ("a: &name value\n", (1, 4)),
            ("a:\n  - &list [1, 2]\n", (2, 5)),
            ("a: &m\n  k: v\n", (1, 4)),
            ("title: &国务院\nyear: 1\n", (1, 8)),
        ] {
            let r = refuse_anchors(yaml).unwrap_or_else(|| panic!("{yaml:?} accepted"));
            assert_eq!((r.line, r.col), at, "{yaml:?}: {r:?}");
            assert!(r.message.contains("anchor `&"), "{}", r.message);
        }
        let r = refuse_anchors("title: &国务院\n").unwrap();
        assert!(r.message.contains("`&国务院`"), "{}", r.message);
    }

    #[test]
    fn ampersands_and_stars_inside_text_are_text() {
        for yaml in [
            "text: \"A&B*C\"\n",
            "text: A&B*C\n",
            "text: 'x *y &z'\n",
            "text: 增长5%*2 & 更多\n",
            "list: [a&b, c*d]\n",
            "text: |\n  *不是别名\n  &也不是锚点\n",
            "# a comment with *star and &amp\nk: v\n",
        ] {
            assert_eq!(refuse_anchors(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn unreadable_yaml_with_a_star_is_refused_and_without_one_left_to_serde() {
        let r = refuse_anchors("a: [*x\nb: }\n").unwrap();
        assert!(
            r.message.contains("alias") || r.message.contains("syntax"),
            "{}",
            r.message
        );
        assert_eq!(refuse_anchors("a: \"A&B\nb: }}\n"), None);
    }
}
