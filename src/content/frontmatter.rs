//! Splitting a Markdown file into its YAML front matter and its body, keeping line numbers.

/// A Markdown file cut into front matter and body; line numbers are 1-based in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts (the line after the opening `---`).
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// Line of the file on which the body starts.
    pub body_first_line: usize,
}

/// An error in the shape of the file, with the 1-based line it points at.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: String,
}

/// Split `text` (already decoded, BOM removed, line endings `\n`) at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            line: 1,
            message:
                "empty file: a Markdown file here starts with front matter between two `---` lines"
                    .into(),
        });
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError {
            line: 1,
            message: "missing front matter: the first line must be `---`, followed by YAML fields and a closing `---` line".into(),
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError {
        line: 1,
        message: "front matter is not closed: add a line `---` after the YAML fields".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: x\nyear: 1\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: x\nyear: 1\n");
        assert_eq!(s.yaml_first_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_first_line, 5);
    }

    #[test]
    fn body_may_be_empty_and_fence_may_end_the_file() {
        let s = split("---\na: 1\n---").unwrap();
        assert_eq!(s.yaml, "a: 1\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn broken_shapes_are_errors_not_panics() {
        for bad in [
            "",
            "\n\n",
            "---",
            "---\n",
            "---\na: 1\n",
            "a: 1\n---\n",
            "—--\n",
        ] {
            assert!(split(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_later_horizontal_rule_stays_in_the_body() {
        let s = split("---\na: 1\n---\ntext\n\n---\n\nmore").unwrap();
        assert_eq!(s.body, "text\n\n---\n\nmore");
    }
}
