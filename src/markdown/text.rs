//! Markdown → its rendered text with offsets and headings (what quotes are found in), quote
//! normalisation, and the hint shown when a quote is not found.

use super::events::{events, is_block};
use super::{Heading, TextIndex, clean_controls};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

impl TextIndex {
    /// The nearest heading at or above byte `offset` of the text.
    pub fn section_at(&self, offset: usize) -> Option<&Heading> {
        let n = self.headings.partition_point(|h| h.offset <= offset);
        n.checked_sub(1).map(|i| &self.headings[i])
    }

    /// The text of the block (paragraph, list item, cell) around `range`.
    pub fn block_around(&self, range: Range<usize>) -> &str {
        let start = self.text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[range.end..]
            .find('\n')
            .map_or(self.text.len(), |i| range.end + i);
        &self.text[start..end]
    }

    /// The sentence around `range`: from the previous sentence end (。！？；) to the next one.
    pub fn sentence_around(&self, range: Range<usize>) -> Range<usize> {
        let is_end = |c: char| matches!(c, '。' | '！' | '？' | '；' | '\n');
        let start = self.text[..range.start]
            .char_indices()
            .rev()
            .find(|&(_, c)| is_end(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = self.text[range.end..]
            .char_indices()
            .find(|&(_, c)| is_end(c))
            .map_or(self.text.len(), |(i, c)| {
                range.end + i + if c == '\n' { 0 } else { c.len_utf8() }
            });
        start.min(range.start)..end.max(range.end)
    }
}

/// How quotes are normalised before matching: line breaks joined as in the rendered text, and
/// control characters replaced as in bodies ([`clean_controls`]).
pub fn normalize_quote(q: &str) -> String {
    let cleaned = clean_controls(q.trim());
    let q = cleaned.as_ref();
    if !q.contains('\n') {
        return q.to_string();
    }
    let mut out = String::with_capacity(q.len());
    for (i, line) in q.split('\n').enumerate() {
        let line = line.trim();
        if i > 0
            && !line.is_empty()
            && out
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii() && !c.is_whitespace())
        {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Builds the rendered text while events pass, telling where each piece of text lands.
#[derive(Default)]
pub(super) struct Walker {
    pub(super) text: String,
    pub(super) headings: Vec<Heading>,
    heading: Option<(u8, usize)>,
    image_depth: usize,
}

pub(super) enum Step {
    /// This text event occupies the range of the rendered text.
    Text(Range<usize>),
    /// A line break that adds nothing to the text (between CJK characters): drop it.
    DropBreak,
    Other,
}

impl Walker {
    fn separate(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    pub(super) fn step(&mut self, ev: &Event) -> Step {
        match ev {
            Event::Text(t) | Event::Code(t) => {
                if self.image_depth > 0 {
                    return Step::Other;
                }
                let start = self.text.len();
                self.text.push_str(t);
                Step::Text(start..self.text.len())
            }
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::Start(Tag::Image { .. }) => {
                self.image_depth += 1;
                Step::Other
            }
            Event::End(TagEnd::Image) => {
                self.image_depth = self.image_depth.saturating_sub(1);
                Step::Other
            }
            Event::Start(tag) => {
                self.start_tag(tag);
                Step::Other
            }
            Event::End(tag_end) => {
                self.end_tag(tag_end);
                Step::Other
            }
            Event::Rule => {
                self.separate();
                Step::Other
            }
            _ => Step::Other,
        }
    }

    /// A line break is a space after a Latin letter, digit or sign, and nothing between CJK
    /// characters.
    fn line_break(&mut self) -> Step {
        let after_ascii = self
            .text
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii() && !c.is_whitespace());
        if !after_ascii {
            return Step::DropBreak;
        }
        let start = self.text.len();
        self.text.push(' ');
        Step::Text(start..start + 1)
    }

    fn start_tag(&mut self, tag: &Tag) {
        if is_block(&tag.to_end()) {
            self.separate();
        }
        if let Tag::Heading { level, .. } = tag {
            self.heading = Some((heading_level(*level), self.text.len()));
        }
    }

    fn end_tag(&mut self, tag_end: &TagEnd) {
        if let TagEnd::Heading(_) = tag_end
            && let Some((level, start)) = self.heading.take()
        {
            let n = self.headings.len() + 1;
            self.headings.push(Heading {
                level,
                text: self.text[start..].trim().to_string(),
                offset: start,
                anchor: heading_anchor(n),
            });
        }
        if is_block(tag_end) {
            self.separate();
        }
    }
}

/// The anchor (`id`) of the `n`th heading of a body, counted from 1.
pub(super) fn heading_anchor(n: usize) -> String {
    format!("h_{n}")
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The rendered text and headings of a Markdown body.
pub fn text_index(md: &str) -> TextIndex {
    let mut w = Walker::default();
    for ev in events(md, "") {
        w.step(&ev);
    }
    TextIndex {
        text: w.text,
        headings: w.headings,
    }
}

/// Find the first occurrence of `quote` in `text`; on failure, describe the nearest text.
pub fn explain_missing(text: &str, quote: &str) -> String {
    // Longest prefix of the quote that occurs: binary search over char boundaries.
    let bounds: Vec<usize> = quote
        .char_indices()
        .map(|(i, _)| i)
        .chain([quote.len()])
        .collect();
    let (mut lo, mut hi) = (0usize, bounds.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text.contains(&quote[..bounds[mid]]) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let matched = bounds[lo];
    if lo == 0 {
        return "no part of it occurs in the text".to_string();
    }
    let prefix = &quote[..matched];
    let at = text.find(prefix).unwrap_or(0);
    // Up to the end of the paragraph: a message stays on one line.
    let after: String = text[at + matched..]
        .chars()
        .take_while(|&c| c != '\n')
        .take(12)
        .collect();
    let expected: String = quote[matched..].chars().take(12).collect();
    // A long common part is shown by its end, where the two part ways.
    let n = prefix.chars().count();
    let shown = if n > 24 {
        let tail: String = prefix.chars().skip(n - 24).collect();
        format!("…{tail}")
    } else {
        prefix.to_string()
    };
    if after.is_empty() {
        return format!("the text has «{shown}» but its paragraph ends there, not «{expected}»");
    }
    format!("the text has «{shown}» but continues «{after}», not «{expected}»")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 17): the hint of a missing quote near a paragraph's end held its line
    /// break, so the message took two lines.
    #[test]
    fn a_missing_quote_hint_stays_on_one_line() {
        let text = "重点项目开工50个。\n下一段。\n";
        let hint = explain_missing(text, "重点项目开工60个");
        assert_eq!(
            hint,
            "the text has «重点项目开工» but continues «50个。», not «60个»"
        );
        let hint = explain_missing(text, "重点项目开工50个。还有");
        assert_eq!(
            hint,
            "the text has «重点项目开工50个。» but its paragraph ends there, not «还有»"
        );
    }

    #[test]
    fn text_ignores_markup_and_cjk_line_breaks() {
        let idx = text_index("## 一、标题\n\n改造老旧\n小区68个，**加粗。**正文\n\nword\nwrap");
        assert_eq!(
            idx.text,
            "一、标题\n改造老旧小区68个，加粗。正文\nword wrap\n"
        );
        assert_eq!(idx.headings.len(), 1);
        assert_eq!(idx.headings[0].text, "一、标题");
    }

    #[test]
    fn explains_where_a_quote_diverges() {
        let msg = explain_missing("改造老旧小区68个", "改造老旧小区86个");
        assert!(msg.contains("«改造老旧小区»"), "{msg}");
        // A long common part is cut to its end, however long the quote.
        let long = "长".repeat(100_000);
        let msg = explain_missing(&format!("{long}甲"), &format!("{long}乙"));
        assert_eq!(
            msg,
            format!(
                "the text has «…{}» but continues «甲», not «乙»",
                "长".repeat(24)
            )
        );
    }

    #[test]
    fn sentence_around_a_quote() {
        let idx = text_index("前一句。今年改造老旧小区68个，完成任务。后一句");
        let s = idx.text.find("改造").unwrap();
        let r = idx.sentence_around(s..s + "改造老旧小区68个".len());
        assert_eq!(&idx.text[r], "今年改造老旧小区68个，完成任务。");
    }

    /// Regression: `heading_lost_after_an_inline_end_tag` — the end of emphasis, a link or any
    /// inline tag inside a heading dropped the heading, so it had no section and the next
    /// heading took its anchor (two `h_1` on one page).
    #[test]
    fn a_heading_with_inline_tags_keeps_its_section_and_anchor() {
        let md = "## 一 *二* [三](/x/)\n\n正文\n\n## 四\n";
        let idx = text_index(md);
        let names: Vec<(&str, &str)> = idx
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.anchor.as_str()))
            .collect();
        assert_eq!(names, [("一 二 三", "h_1"), ("四", "h_2")]);
        let at = idx.text.find("正文").unwrap();
        assert_eq!(idx.section_at(at).unwrap().text, "一 二 三");
        let html = crate::markdown::render_html(md, &[], "").html;
        assert!(html.contains("<h2 id=\"h_1\">一 <em>二</em>"), "{html}");
        assert!(html.contains("<h2 id=\"h_2\">四</h2>"), "{html}");
    }
}
