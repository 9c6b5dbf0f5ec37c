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

/// Every content error of one run, sorted by file and position; the error type of `check` and `build`.
#[derive(Debug)]
pub struct ContentErrors(pub Vec<Diagnostic>);

impl ContentErrors {
    pub fn new(mut diags: Vec<Diagnostic>) -> Self {
        diags.sort();
        diags.dedup();
        ContentErrors(diags)
    }
}

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for ContentErrors {}
