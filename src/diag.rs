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
/// `None` when the file cannot be read again or the line does not exist.
pub fn snippet(root: &std::path::Path, d: &Diagnostic) -> Option<String> {
    let bytes = std::fs::read(root.join(&d.path)).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let line = text
        .lines()
        .nth(d.line.checked_sub(1)?)?
        .trim_end_matches('\r');
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
    Some(format!(
        " {num} | {line}\n {gutter} | {}{}",
        " ".repeat(pad),
        "^".repeat(under)
    ))
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
}
