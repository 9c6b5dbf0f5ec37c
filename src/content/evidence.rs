//! What a news item's checks and pages need of its body's rendered text, found once per file.
//!
//! A one-off build finds it while the file is parsed and then drops the body's text (see
//! [`super::SourceFile::drop_body`]), so that 200k news bodies are not all held at once.

use super::raw::RawNews;
use crate::markdown::{TextIndex, explain_missing, normalize_quote};
use std::sync::Arc;

/// What a news item's checks and pages need of its body's rendered text.
#[derive(Debug, Clone)]
pub struct NewsText {
    /// Per update: where its normalised, non-empty quote starts in the text, or a hint why it
    /// does not occur; `None` without such a quote.
    pub quotes: Vec<Option<Result<usize, String>>>,
    /// The first line of the text longer than 20 characters, cut after 90 (with `…`): what
    /// lists and feeds show of an item without a `summary`.
    pub lead: Option<Arc<str>>,
}

impl NewsText {
    pub fn find(raw: &RawNews, index: &TextIndex) -> NewsText {
        let quotes = raw
            .updates
            .iter()
            .map(|u| {
                let q = normalize_quote(u.quote.as_deref()?);
                if q.is_empty() {
                    return None;
                }
                Some(
                    index
                        .text
                        .find(q.as_str())
                        .ok_or_else(|| explain_missing(&index.text, &q)),
                )
            })
            .collect();
        NewsText {
            quotes,
            lead: lead(&index.text).map(Arc::from),
        }
    }
}

/// The first line of `text` longer than 20 characters, cut after 90 with `…`.
fn lead(text: &str) -> Option<String> {
    let first = text.lines().find(|l| l.chars().count() > 20)?;
    let mut s: String = first.chars().take(90).collect();
    if first.chars().count() > 90 {
        s.push('…');
    }
    Some(s)
}
