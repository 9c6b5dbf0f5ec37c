//! Markdown bodies: the rendered text that quotes are matched against, and the HTML in which
//! those quotes are highlighted and linked.
//!
//! Both walk the same event stream through one text walker, so an offset found in the text is
//! the same offset when the HTML is written. Raw HTML in content is never passed through: it is
//! shown as text (see README, "Raw HTML").
//!
//! The parts, in the order a body passes through them:
//! - `events`: Markdown → cleaned events (raw HTML as text, safe URLs, control characters
//!   replaced, CJK-friendly emphasis);
//! - `text`: events → the rendered text with its offsets and headings, quote normalisation, and
//!   the hint for a quote that is not found;
//! - `html`: events and [`Mark`]s → HTML with highlighted, anchored quotes;
//! - `highlight`: code blocks → classed HTML, and the stylesheet for it.

mod events;
mod highlight;
mod html;
mod text;

pub use events::{clean_controls, is_safe_url, is_unshown};
pub use highlight::{
    CODE_CLASS_PREFIX, code_css, contrast, highlight_code, highlight_code_within, highlight_limits,
};
pub use html::render_html;
pub use text::{explain_missing, normalize_quote, text_index};

use std::ops::Range;

/// A heading of a body: its text, level, where it starts in the rendered text, and its anchor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub offset: usize,
    pub anchor: String,
}

/// The rendered text of a body (blocks separated by `\n`) and its headings.
#[derive(Debug, Clone, Default, Hash)]
pub struct TextIndex {
    pub text: String,
    pub headings: Vec<Heading>,
}

/// A span of the rendered text to highlight in the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub range: Range<usize>,
    /// `id` attribute placed on the first piece of the highlight.
    pub anchor: Option<String>,
    /// Link target; `None` highlights without linking.
    pub href: Option<String>,
    pub class: String,
    /// Tooltip / accessible description.
    pub title: Option<String>,
    /// A short text label shown right after the highlight (so status is never colour alone).
    pub label: Option<String>,
}

/// Escape text for an HTML attribute or element.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A body rendered to HTML, with its headings for a table of contents.
#[derive(Debug, Clone, Default)]
pub struct RenderedHtml {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The rendered text, as [`text_index`] gives it (made on the way, at no extra parse).
    pub text: String,
}
