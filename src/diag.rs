//! Diagnostics: content errors that point into the editor's file as `path:line:col: message`.

use std::fmt;

/// One problem found in the site's files, located in the editor's coordinates (1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        path: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: line.max(1),
            col: col.max(1),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

/// Every content error of one run, sorted by file and position; the error type of `check` and
/// `build`. The second field holds the run's warnings, shown with the errors: a warning often
/// tells the cause of errors (a skipped file whose pledges are then unknown).
#[derive(Debug)]
pub struct ContentErrors(pub Vec<Diagnostic>, pub Vec<Diagnostic>);

impl ContentErrors {
    pub fn new(mut diags: Vec<Diagnostic>) -> Self {
        diags.sort();
        diags.dedup();
        ContentErrors(diags, Vec::new())
    }

    /// The errors with the `warnings` of the same run, sorted likewise.
    pub fn with_warnings(mut self, mut warnings: Vec<Diagnostic>) -> Self {
        warnings.sort();
        warnings.dedup();
        self.1 = warnings;
        self
    }

    /// The warnings of the run.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.1
    }
}

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.1 {
            writeln!(f, "warning: {w}")?;
        }
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for ContentErrors {}

/// The line a diagnostic points at, with a caret under the offending text (rustc style):
///
/// ```text
///    15 |     category: urbna
///       |               ^^^^^
/// ```
///
/// `None` when the file cannot be read again or the line does not exist. For many diagnostics,
/// use [`Snippets`], which reads each file once.
pub fn snippet(root: &std::path::Path, d: &Diagnostic) -> Option<String> {
    Snippets::new(root).get(d)
}

/// [`snippet`] for many diagnostics sorted by file: each file is read once, and its lines found
/// once, so that thousands of errors in one file are shown in time proportional to their number.
pub struct Snippets<'a> {
    root: &'a std::path::Path,
    /// The last file read: its path, its text and where each line starts.
    file: Option<(String, String, Vec<usize>)>,
}

impl<'a> Snippets<'a> {
    pub fn new(root: &'a std::path::Path) -> Self {
        Snippets { root, file: None }
    }

    /// The snippet of `d` ([`snippet`]).
    pub fn get(&mut self, d: &Diagnostic) -> Option<String> {
        if self.file.as_ref().is_none_or(|(p, ..)| *p != d.path) {
            self.file = None;
            let bytes = std::fs::read(self.root.join(&d.path)).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let starts = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            self.file = Some((d.path.clone(), text, starts));
        }
        let (_, text, starts) = self.file.as_ref()?;
        let start = *starts.get(d.line.checked_sub(1)?)?;
        if start >= text.len() && d.line > 1 {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        Some(render(text[start..end].trim_end_matches('\r'), d))
    }
}

fn render(line: &str, d: &Diagnostic) -> String {
    let chars: Vec<char> = line.chars().collect();
    let start = d.col.saturating_sub(1).min(chars.len());
    let len = chars[start..]
        .iter()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '}' | ']' | '#'))
        .count()
        .max(1);
    // Wide (CJK) characters take two columns in a terminal.
    let width = |cs: &[char]| -> usize {
        cs.iter()
            .map(|&c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum()
    };
    let pad = width(&chars[..start]);
    let under = width(&chars[start..(start + len).min(chars.len())]).max(1);
    let num = d.line.to_string();
    let gutter = " ".repeat(num.len());
    format!(
        " {num} | {line}\n {gutter} | {}{}",
        " ".repeat(pad),
        "^".repeat(under)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_underlines_the_value_counting_wide_characters() {
        let dir = std::env::temp_dir().join(format!("duixian-snippet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.yaml"), "a: 1\n  text: 改造老旧小区 category\n").unwrap();
        let d = Diagnostic::new("x.yaml", 2, 9, "m");
        assert_eq!(
            snippet(&dir, &d).unwrap(),
            " 2 |   text: 改造老旧小区 category\n   |         ^^^^^^^^^^^^"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Regression (issue 17, item 3): each snippet read its file again, so thousands of errors
    /// in one large file took minutes to show on a terminal.
    #[test]
    fn snippets_read_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.yaml"), "a: 1\nb: 2\n").unwrap();
        let mut s = Snippets::new(dir.path());
        assert_eq!(
            s.get(&Diagnostic::new("x.yaml", 1, 4, "m")).unwrap(),
            " 1 | a: 1\n   |    ^"
        );
        // Gone from the disk, the file is still shown: it was read once, for both.
        std::fs::remove_file(dir.path().join("x.yaml")).unwrap();
        assert_eq!(
            s.get(&Diagnostic::new("x.yaml", 2, 1, "m")).unwrap(),
            " 2 | b: 2\n   | ^^"
        );
        assert_eq!(s.get(&Diagnostic::new("x.yaml", 3, 1, "m")), None);
        assert_eq!(s.get(&Diagnostic::new("y.yaml", 1, 1, "m")), None);
    }
}
