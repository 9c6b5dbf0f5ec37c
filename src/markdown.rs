//! Markdown bodies: the rendered text that quotes are matched against, and the HTML in which
//! those quotes are highlighted and linked.
//!
//! Both walk the same event stream through [`Walker`], so an offset found in the text is the
//! same offset when the HTML is written. Raw HTML in content is never passed through: it is
//! shown as text (see README, "Raw HTML").

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;
use std::sync::OnceLock;
use syntect::html::ClassStyle;
use syntect::parsing::SyntaxSet;

/// The CSS class prefix of highlighted code tokens.
pub const CODE_CLASS_PREFIX: &str = "hl-";

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

fn options() -> Options {
    Options::ENABLE_TABLES
}

/// Whether a link or image address is safe to emit (no script or data URLs from content).
pub fn is_safe_url(url: &str) -> bool {
    let u: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    match u.find(':') {
        None => true,
        Some(i) => {
            // A colon after a slash, `?` or `#` is not a scheme.
            if u[..i].contains(['/', '?', '#']) {
                return true;
            }
            matches!(&u[..i], "http" | "https" | "mailto" | "tel")
        }
    }
}

/// The Markdown events of `md`, with raw HTML turned into text, unsafe URLs neutralised and
/// CJK-friendly emphasis applied.
fn events<'a>(md: &'a str, link_prefix: &'a str) -> Vec<Event<'a>> {
    let raw = Parser::new_ext(md, options())
        .into_offset_iter()
        .map(move |(ev, range)| {
            let ev = match ev {
                Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
                Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
                Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: fix_url(dest_url, link_prefix),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: fix_url(dest_url, link_prefix),
                    title,
                    id,
                }),
                other => other,
            };
            (ev, range)
        });
    let mut events = cjk_emphasis(raw, md);
    for ev in &mut events {
        clean_event(ev);
    }
    events
}

/// Whether `c` may not reach a page as it is: a control character other than tab and line
/// feed (C0, DEL, C1: HTML calls them parse errors and XML forbids most of them), or one of
/// the noncharacters U+FDD0–U+FDEF, U+FFFE, U+FFFF.
pub fn is_unshown(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
        || c == '\u{FFFE}'
        || c == '\u{FFFF}'
}

/// `s` with every [`is_unshown`] character replaced by U+FFFD (the replacement character, �),
/// so that the page shows where something was. Bodies are cleaned as they are rendered (their
/// text for quote matching and their HTML alike), and quotes by [`normalize_quote`], so quotes
/// still match.
pub fn clean_controls(s: &str) -> std::borrow::Cow<'_, str> {
    // One pass over the bytes (most text has none): C0 and DEL are single bytes, C1 is 0xC2
    // 0x80–0x9F, U+FDD0–U+FDEF is 0xEF 0xB7 0x90–0xAF, U+FFFE and U+FFFF 0xEF 0xBF 0xBE/0xBF.
    let b = s.as_bytes();
    let found = b.iter().enumerate().any(|(i, &c)| match c {
        b'\t' | b'\n' => false,
        0..0x20 | 0x7F => true,
        0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        0xEF => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0xB7), Some(n)) => (0x90..=0xAF).contains(n),
            (Some(0xBF), Some(n)) => *n >= 0xBE,
            _ => false,
        },
        _ => false,
    });
    if !found {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| if is_unshown(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// [`clean_controls`] on the text an event carries.
fn clean_event(ev: &mut Event) {
    let clean = |t: &mut CowStr| {
        if let std::borrow::Cow::Owned(c) = clean_controls(t) {
            *t = CowStr::from(c);
        }
    };
    match ev {
        Event::Text(t) | Event::Code(t) => clean(t),
        Event::Start(Tag::Link { title, .. } | Tag::Image { title, .. }) => clean(title),
        _ => {}
    }
}

/// CommonMark does not let `**加粗。**正文` close its emphasis (a closing run after punctuation
/// must be followed by space or punctuation), which is how Chinese text is written. Pair the
/// delimiter runs that were left as literal text within one block, as a CJK-friendly parser would.
fn cjk_emphasis<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    md: &str,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    // (index in `out` of the placeholder, run length, inline depth)
    let mut open: Option<(usize, usize, usize)> = None;
    let mut depth = 0usize;
    let mut pending_run: Option<(usize, usize)> = None; // (first index in out, length)
    let is_delim = |ev: &Event, r: &Range<usize>| {
        matches!(ev, Event::Text(t) if t.as_ref() == "*")
            && &md[r.clone()] == "*"
            && !md[..r.start].ends_with('\\')
    };
    let mut iter = events.peekable();
    while let Some((ev, range)) = iter.next() {
        if is_delim(&ev, &range) {
            let start = pending_run.map_or(out.len(), |(s, _)| s);
            let len = pending_run.map_or(0, |(_, l)| l) + 1;
            out.push(ev);
            pending_run = Some((start, len));
            let next_is_delim = iter.peek().is_some_and(|(e, r)| is_delim(e, r));
            if next_is_delim {
                continue;
            }
            // A complete run: decide whether it opens or closes.
            pending_run = None;
            let prev_char = out[..start].iter().rev().find_map(|e| match e {
                Event::Text(t) | Event::Code(t) => t.chars().last(),
                _ => None,
            });
            let next_char = match iter.peek() {
                Some((Event::Text(t), _)) | Some((Event::Code(t), _)) => t.chars().next(),
                Some((Event::Start(_), _)) | Some((Event::End(_), _)) => Some('x'),
                _ => None,
            };
            let can_close = prev_char.is_some_and(|c| !c.is_whitespace());
            let can_open = next_char.is_some_and(|c| !c.is_whitespace());
            if len <= 2 {
                if let Some((o, olen, odepth)) = open
                    && olen == len
                    && odepth == depth
                    && can_close
                {
                    let (s, e) = if len == 2 {
                        (Tag::Strong, TagEnd::Strong)
                    } else {
                        (Tag::Emphasis, TagEnd::Emphasis)
                    };
                    out.truncate(start);
                    out[o] = Event::Start(s);
                    if olen == 2 {
                        out.remove(o + 1);
                    }
                    out.push(Event::End(e));
                    open = None;
                    continue;
                }
                if can_open {
                    open = Some((start, len, depth));
                }
            }
            continue;
        }
        match &ev {
            Event::Start(tag) => {
                if is_block(&tag.to_end()) {
                    open = None;
                } else {
                    depth += 1;
                }
            }
            Event::End(tag_end) => {
                if is_block(tag_end) {
                    open = None;
                } else {
                    depth = depth.saturating_sub(1);
                    if open.is_some_and(|(_, _, d)| d > depth) {
                        open = None;
                    }
                }
            }
            _ => {}
        }
        out.push(ev);
    }
    out
}

fn fix_url<'a>(url: CowStr<'a>, link_prefix: &str) -> CowStr<'a> {
    if !is_safe_url(&url) {
        return CowStr::Borrowed("#");
    }
    if url.starts_with('/') && !url.starts_with("//") && !link_prefix.is_empty() {
        return CowStr::Boxed(
            format!("{}{}", link_prefix.trim_end_matches('/'), url).into_boxed_str(),
        );
    }
    url
}

fn is_block(tag_end: &TagEnd) -> bool {
    !matches!(
        tag_end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Builds the rendered text while events pass, telling where each piece of text lands.
#[derive(Default)]
struct Walker {
    text: String,
    headings: Vec<Heading>,
    heading: Option<(u8, usize)>,
    image_depth: usize,
}

enum Step {
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

    fn step(&mut self, ev: &Event) -> Step {
        match ev {
            Event::Text(t) | Event::Code(t) => {
                if self.image_depth > 0 {
                    return Step::Other;
                }
                let start = self.text.len();
                self.text.push_str(t);
                Step::Text(start..self.text.len())
            }
            Event::SoftBreak | Event::HardBreak => {
                if self
                    .text
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii() && !c.is_whitespace())
                {
                    let start = self.text.len();
                    self.text.push(' ');
                    Step::Text(start..start + 1)
                } else {
                    Step::DropBreak
                }
            }
            Event::Start(Tag::Image { .. }) => {
                self.image_depth += 1;
                Step::Other
            }
            Event::End(TagEnd::Image) => {
                self.image_depth = self.image_depth.saturating_sub(1);
                Step::Other
            }
            Event::Start(tag) => {
                if is_block(&tag.to_end()) {
                    self.separate();
                }
                if let Tag::Heading { level, .. } = tag {
                    self.heading = Some((heading_level(*level), self.text.len()));
                }
                Step::Other
            }
            Event::End(tag_end) => {
                if let (TagEnd::Heading(_), Some((level, start))) = (tag_end, self.heading.take()) {
                    let n = self.headings.len() + 1;
                    self.headings.push(Heading {
                        level,
                        text: self.text[start..].trim().to_string(),
                        offset: start,
                        anchor: format!("h_{n}"),
                    });
                }
                if is_block(tag_end) {
                    self.separate();
                }
                Step::Other
            }
            Event::Rule => {
                self.separate();
                Step::Other
            }
            _ => Step::Other,
        }
    }
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

/// Marks sorted and made disjoint: overlapping marks keep only their anchor (an empty span).
fn disjoint(marks: &[Mark]) -> (Vec<&Mark>, Vec<(usize, &str)>) {
    let mut sorted: Vec<&Mark> = marks
        .iter()
        .filter(|m| m.range.start < m.range.end)
        .collect();
    sorted.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    let mut kept: Vec<&Mark> = Vec::new();
    let mut anchors = Vec::new();
    for m in sorted {
        match kept.last() {
            Some(last) if m.range.start < last.range.end => {
                if let Some(a) = &m.anchor {
                    anchors.push((m.range.start, a.as_str()));
                }
            }
            _ => kept.push(m),
        }
    }
    (kept, anchors)
}

fn open_tag(m: &Mark, with_anchor: bool, in_link: bool) -> String {
    let mut s = String::new();
    let tag = if in_link || m.href.is_none() {
        "mark"
    } else {
        "a"
    };
    s.push('<');
    s.push_str(tag);
    s.push_str(" class=\"");
    s.push_str(&escape_html(&m.class));
    s.push('"');
    if with_anchor && let Some(a) = &m.anchor {
        s.push_str(" id=\"");
        s.push_str(&escape_html(a));
        s.push('"');
    }
    if tag == "a"
        && let Some(h) = &m.href
    {
        s.push_str(" href=\"");
        s.push_str(&escape_html(h));
        s.push('"');
    }
    if let Some(t) = &m.title {
        s.push_str(" title=\"");
        s.push_str(&escape_html(t));
        s.push('"');
    }
    s.push('>');
    s
}

fn close_tag(m: &Mark, in_link: bool) -> &'static str {
    if in_link || m.href.is_none() {
        "</mark>"
    } else {
        "</a>"
    }
}

/// A body rendered to HTML, with its headings for a table of contents.
#[derive(Debug, Clone, Default)]
pub struct RenderedHtml {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The rendered text, as [`text_index`] gives it (made on the way, at no extra parse).
    pub text: String,
}

/// Render `md` to HTML, wrapping each [`Mark`] (offsets into [`text_index`]'s text) in a link.
/// Root-relative links in the content get `link_prefix` (the site's base path).
pub fn render_html(md: &str, marks: &[Mark], link_prefix: &str) -> RenderedHtml {
    let (marks, anchors) = disjoint(marks);
    let mut w = Walker::default();
    let mut out: Vec<Event> = Vec::new();
    let mut mi = 0;
    let mut ai = 0;
    let mut link_depth = 0usize;
    let mut code: Option<(Option<String>, String)> = None;
    let mut highlight_budget = highlight_limits::PER_DOCUMENT;
    for ev in events(md, link_prefix) {
        // Code blocks are collected and highlighted as one piece.
        if let Some((lang, buf)) = code.as_mut() {
            match &ev {
                Event::Text(t) => {
                    w.step(&ev);
                    buf.push_str(t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    w.step(&ev);
                    let html = highlight_code_within(lang.as_deref(), buf, &mut highlight_budget);
                    out.push(Event::Html(html.into()));
                    code = None;
                    continue;
                }
                _ => {}
            }
        }
        if let Event::Start(Tag::CodeBlock(kind)) = &ev {
            w.step(&ev);
            let lang = match kind {
                CodeBlockKind::Fenced(l) => l
                    .split([' ', ',', '{'])
                    .next()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                CodeBlockKind::Indented => None,
            };
            code = Some((lang, String::new()));
            continue;
        }
        let is_code_span = matches!(ev, Event::Code(_));
        match &ev {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            _ => {}
        }
        let ev = match ev {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let n = w.headings.len() + 1;
                Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::Boxed(format!("h_{n}").into_boxed_str())),
                    classes,
                    attrs,
                })
            }
            other => other,
        };
        match w.step(&ev) {
            Step::DropBreak => {}
            Step::Other => out.push(ev),
            Step::Text(range) => {
                let text: CowStr = match &ev {
                    Event::Text(t) | Event::Code(t) => t.clone(),
                    Event::SoftBreak | Event::HardBreak => {
                        out.push(ev);
                        continue;
                    }
                    _ => unreachable!("Walker returns Text only for text, code and breaks"),
                };
                if is_code_span {
                    out.push(Event::InlineHtml("<code>".into()));
                }
                while mi < marks.len() && marks[mi].range.end <= range.start {
                    mi += 1;
                }
                while ai < anchors.len() && anchors[ai].0 < range.start {
                    ai += 1;
                }
                let mut cuts: Vec<(usize, String)> = Vec::new();
                let mut j = mi;
                while j < marks.len() && marks[j].range.start < range.end {
                    let m = marks[j];
                    let s = m.range.start.max(range.start);
                    let e = m.range.end.min(range.end);
                    cuts.push((s, open_tag(m, m.range.start >= range.start, link_depth > 0)));
                    let mut close = close_tag(m, link_depth > 0).to_string();
                    if let Some(label) = m.label.as_ref().filter(|_| m.range.end <= range.end) {
                        close
                            .push_str(&format!("<span class=\"ql\">{}</span>", escape_html(label)));
                    }
                    cuts.push((e, close));
                    j += 1;
                }
                let mut k = ai;
                while k < anchors.len() && anchors[k].0 < range.end {
                    cuts.push((
                        anchors[k].0,
                        format!("<span id=\"{}\"></span>", escape_html(anchors[k].1)),
                    ));
                    k += 1;
                }
                if cuts.is_empty() {
                    out.push(if is_code_span { Event::Text(text) } else { ev });
                } else {
                    // Closing tags sort before opening ones at the same offset.
                    cuts.sort_by(|a, b| {
                        a.0.cmp(&b.0)
                            .then_with(|| b.1.starts_with("</").cmp(&a.1.starts_with("</")))
                    });
                    let mut cursor = range.start;
                    for (pos, html) in cuts {
                        if pos > cursor {
                            out.push(Event::Text(
                                text[cursor - range.start..pos - range.start]
                                    .to_string()
                                    .into(),
                            ));
                            cursor = pos;
                        }
                        out.push(Event::InlineHtml(html.into()));
                    }
                    if cursor < range.end {
                        out.push(Event::Text(text[cursor - range.start..].to_string().into()));
                    }
                }
                if is_code_span {
                    out.push(Event::InlineHtml("</code>".into()));
                }
            }
        }
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    RenderedHtml {
        html,
        headings: w.headings,
        text: w.text,
    }
}

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Limits on code highlighting. The grammars' regular expressions cost time that grows faster
/// than the input on long lines and deep nesting, so code beyond these is shown as plain text:
/// a pasted log or minified script cannot stall a build, and the output stays deterministic.
pub mod highlight_limits {
    /// Longest line (bytes) of a block that is highlighted.
    pub const LINE: usize = 200;
    /// Deepest scope nesting a block may reach while highlighted.
    pub const DEPTH: usize = 32;
    /// Bytes of code highlighted per document; later blocks are plain.
    pub const PER_DOCUMENT: usize = 32 * 1024;
}

/// Highlight a fenced code block with CSS classes; unknown languages are escaped plain text.
pub fn highlight_code(lang: Option<&str>, code: &str) -> String {
    highlight_code_within(lang, code, &mut highlight_limits::PER_DOCUMENT.clone())
}

/// [`highlight_code`], drawing the block's size from `budget` (bytes left for this document);
/// blocks over any limit of [`highlight_limits`] are plain text.
pub fn highlight_code_within(lang: Option<&str>, code: &str, budget: &mut usize) -> String {
    let lang_attr = lang
        .map(|l| format!(" class=\"language-{}\"", escape_html(l)))
        .unwrap_or_default();
    let alias = lang.map(|l| match l {
        "sh" | "shell" | "console" => "bash",
        "js" => "javascript",
        "py" => "python",
        "yml" => "yaml",
        other => other,
    });
    let ss = syntax_set();
    let syntax = alias.and_then(|l| ss.find_syntax_by_token(l));
    let within_limits =
        code.len() <= *budget && code.split('\n').all(|l| l.len() <= highlight_limits::LINE);
    let body = match syntax.filter(|_| within_limits) {
        None => escape_html(code),
        Some(syntax) => {
            *budget -= code.len();
            classed(syntax, ss, code).unwrap_or_else(|| escape_html(code))
        }
    };
    // tabindex: a block that can scroll sideways must be reachable from the keyboard.
    format!("<pre class=\"code\" tabindex=\"0\"><code{lang_attr}>{body}</code></pre>\n")
}

/// `code` as HTML spans with CSS classes, or `None` if the grammar fails or nests too deep.
fn classed(
    syntax: &syntect::parsing::SyntaxReference,
    ss: &SyntaxSet,
    code: &str,
) -> Option<String> {
    use syntect::html::line_tokens_to_classed_spans;
    use syntect::parsing::{ParseState, ScopeStack};
    let style = ClassStyle::SpacedPrefixed {
        prefix: CODE_CLASS_PREFIX,
    };
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 2);
    let mut open: isize = 0;
    for line in syntect::util::LinesWithEndings::from(code) {
        let ops = state.parse_line(line, ss).ok()?;
        let (spans, delta) = line_tokens_to_classed_spans(line, &ops, style, &mut stack).ok()?;
        if stack.len() > highlight_limits::DEPTH {
            return None;
        }
        open += delta;
        html.push_str(&spans);
    }
    for _ in 0..open.max(0) {
        html.push_str("</span>");
    }
    Some(html)
}

/// The stylesheet for highlighted code: a light theme, and a dark one under `prefers-color-scheme`.
pub fn code_css() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let style = ClassStyle::SpacedPrefixed {
        prefix: CODE_CLASS_PREFIX,
    };
    let light = themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| css_for_theme_with_class_style(t, style).ok());
    let dark = themes
        .themes
        .get("base16-ocean.dark")
        .and_then(|t| css_for_theme_with_class_style(t, style).ok());
    let mut css = String::from(
        "/* Generated by duixian from syntect's themes, colours adjusted to a 4.5:1 contrast with the theme's code background. */\n",
    );
    // Each theme only in its own scheme: a light rule with no dark counterpart of its
    // specificity would otherwise keep its colour on the dark background.
    css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    css.push_str(&with_contrast(
        &light.unwrap_or_default(),
        CODE_BG_LIGHT,
        false,
    ));
    css.push_str("\n}\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&with_contrast(
        &dark.unwrap_or_default(),
        CODE_BG_DARK,
        true,
    ));
    css.push_str("\n}\n");
    css
}

/// The code block backgrounds of the default theme (`--panel` in style.css).
const CODE_BG_LIGHT: [u8; 3] = [0xf4, 0xf2, 0xee];
const CODE_BG_DARK: [u8; 3] = [0x1f, 0x1e, 0x1c];

fn luminance(c: [u8; 3]) -> f64 {
    let ch = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Rewrite every `color: #rrggbb` of a stylesheet (not background colours) so that it reaches a
/// 4.5:1 contrast with `bg`, moving it towards black (light) or white (dark) as little as needed.
fn with_contrast(css: &str, bg: [u8; 3], dark: bool) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("color: #") {
        let is_background = rest[..i].ends_with("background-");
        let hex_start = i + "color: #".len();
        out.push_str(&rest[..hex_start]);
        rest = &rest[hex_start..];
        let hex: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        if is_background || hex.len() < 6 {
            continue;
        }
        let parse = |k: usize| u8::from_str_radix(&hex[k..k + 2], 16).unwrap_or(0);
        let mut c = [parse(0), parse(2), parse(4)];
        let target = if dark { 255.0 } else { 0.0 };
        let mut steps = 0;
        while contrast(c, bg) < 4.6 && steps < 40 {
            for v in &mut c {
                *v = (*v as f64 + (target - *v as f64) * 0.1).round() as u8;
            }
            steps += 1;
        }
        out.push_str(&format!("{:02x}{:02x}{:02x}", c[0], c[1], c[2]));
        rest = &rest[6..];
    }
    out.push_str(rest);
    out
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

    /// Regression (issue 17, item 9): NUL and control characters of a body were copied raw
    /// into the HTML (and into feeds, where XML forbids them).
    #[test]
    fn control_characters_in_a_body_become_replacement_characters() {
        let md = "## 标\u{1}题\n\n改造\u{0}老旧\u{7}小区\u{7f}68个\u{85}，`代\u{1b}码`\u{FFFE}。\t制表\n\n```\n代\u{8}码块\n```\n\n[链接](/x/ \"提\u{2}示\")\n";
        let index = text_index(md);
        let bad = |s: &str| s.chars().any(is_unshown);
        assert!(!bad(&index.text), "{:?}", index.text);
        assert!(
            index
                .text
                .contains("改造\u{FFFD}老旧\u{FFFD}小区\u{FFFD}68个\u{FFFD}")
        );
        assert!(index.text.contains('\t'), "tab is kept");
        assert_eq!(index.headings[0].text, "标\u{FFFD}题");
        let html = render_html(md, &[], "/").html;
        assert!(!bad(&html), "{html:?}");
        assert!(
            html.contains("代\u{FFFD}码块") && html.contains("提\u{FFFD}示"),
            "{html}"
        );
        // A quote written with the same characters (YAML escapes) still matches.
        let q = normalize_quote("改造\u{0}老旧\u{7}小区\u{7f}68个\u{85}");
        assert!(index.text.contains(&q), "{q:?}");
        assert!(matches!(
            clean_controls("改造老旧小区，ＧＤＰ\u{a0}é\u{FDCF}\u{FDF0}\u{FFFD}"),
            std::borrow::Cow::Borrowed(_)
        ));
        // The byte scan of the fast path agrees with the definition on every character of the
        // BMP and the start of the next plane.
        for c in ('\0'..='\u{FFFF}').chain('\u{10000}'..='\u{10100}') {
            let t = format!("a{c}b");
            assert_eq!(
                matches!(clean_controls(&t), std::borrow::Cow::Owned(_)),
                is_unshown(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

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
    fn rendering_gives_the_same_text_as_the_text_index() {
        let mut bodies: Vec<String> = vec![
            "# 标题\n\n本报讯 新建道路\n5公里，**提前**完成。\n\n- 一\n- [二](/x/)\n\n> 引\n> 文\n".into(),
            "```rust\nfn main() {}\n```\n\nText  \nhard break ![图](a.png \"t\") `code`\n\n---\n\n|a|b|\n|-|-|\n|1|2|\n".into(),
            "<div>html</div>\n\n1. x\n2. y\n\n## 二、\n\n正文[^1]\n\n[^1]: 注\n".into(),
        ];
        for dir in ["content/news", "content/reports", "content/pages"] {
            for e in std::fs::read_dir(dir).unwrap() {
                bodies.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
            }
        }
        for md in &bodies {
            assert_eq!(
                render_html(md, &[], "/base/").text,
                text_index(md).text,
                "{md}"
            );
        }
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
    fn quote_across_bold_is_highlighted_in_pieces_with_one_anchor() {
        let md = "前文**加粗。**正文后";
        let idx = text_index(md);
        let start = idx.text.find("加粗。正文").unwrap();
        let mark = Mark {
            range: start..start + "加粗。正文".len(),
            anchor: Some("p1".into()),
            href: Some("/x/".into()),
            class: "q".into(),
            title: None,
            label: None,
        };
        let html = render_html(md, &[mark], "").html;
        assert_eq!(
            html,
            "<p>前文<strong><a class=\"q\" id=\"p1\" href=\"/x/\">加粗。</a></strong><a class=\"q\" href=\"/x/\">正文</a>后</p>\n"
        );
    }

    #[test]
    fn quote_across_a_soft_break_drops_the_break() {
        let md = "新建供热\n管网20公里";
        let idx = text_index(md);
        assert_eq!(idx.text.trim_end(), "新建供热管网20公里");
        let mark = Mark {
            range: 0..idx.text.trim_end().len(),
            anchor: Some("a".into()),
            href: Some("/p/".into()),
            class: "q".into(),
            title: None,
            label: None,
        };
        let html = render_html(md, &[mark], "").html;
        assert_eq!(
            html,
            "<p><a class=\"q\" id=\"a\" href=\"/p/\">新建供热</a><a class=\"q\" href=\"/p/\">管网20公里</a></p>\n"
        );
    }

    #[test]
    fn overlapping_marks_keep_their_anchor() {
        let md = "甲乙丙丁";
        let m = |r: Range<usize>, a: &str| Mark {
            range: r,
            anchor: Some(a.into()),
            href: Some("/".into()),
            class: "q".into(),
            title: None,
            label: None,
        };
        let html = render_html(md, &[m(0..6, "x"), m(3..9, "y")], "").html;
        assert_eq!(
            html,
            "<p><a class=\"q\" id=\"x\" href=\"/\">甲<span id=\"y\"></span>乙</a>丙丁</p>\n"
        );
    }

    #[test]
    fn raw_html_and_script_urls_never_pass_through() {
        let html = render_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=\"x\">y</b>",
            &[],
            "",
        )
        .html;
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn root_relative_links_get_the_base_path() {
        let html = render_html("[关于](/about/)", &[], "/sub/").html;
        assert!(html.contains("href=\"/sub/about/\""), "{html}");
    }

    #[test]
    fn headings_get_stable_anchors_and_sections() {
        let md = "## 一\n\n甲\n\n### (一) 二\n\n乙丙";
        let idx = text_index(md);
        let at = idx.text.find("乙").unwrap();
        assert_eq!(idx.section_at(at).unwrap().text, "(一) 二");
        let html = render_html(md, &[], "").html;
        assert!(html.contains("<h3 id=\"h_2\">"), "{html}");
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes() {
        let html = render_html("```python\nimport json\n```\n", &[], "").html;
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(code_css().contains(".hl-"));
    }

    #[test]
    fn code_colours_reach_aa_contrast() {
        let css = code_css();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .unwrap();
        let mut checked = 0;
        for (part, bg) in [(light, CODE_BG_LIGHT), (dark, CODE_BG_DARK)] {
            for decl in part.split([';', '{']) {
                let decl = decl.trim();
                if let Some(hex) = decl.strip_prefix("color: #") {
                    let c = [0, 2, 4].map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap());
                    assert!(contrast(c, bg) >= 4.5, "{decl} on {bg:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10, "only {checked} colours found");
    }

    /// Regression: `light_code_colours_leaked_into_dark_mode` — light rules more specific than
    /// any dark one (`.hl-constant.hl-other`) kept their dark-on-light colours in dark mode.
    #[test]
    fn light_code_colours_do_not_apply_in_dark_mode() {
        let css = code_css();
        let light_start = css
            .find("@media not all and (prefers-color-scheme: dark) {")
            .expect("light rules in a query that excludes dark mode");
        let dark_start = css.find("@media (prefers-color-scheme: dark) {").unwrap();
        let before = &css[..light_start];
        assert!(
            !before.contains('{'),
            "a rule outside both queries: {before}"
        );
        let light = &css[light_start..dark_start];
        assert!(light.contains(".hl-constant.hl-other"));
        assert_eq!(light.matches('{').count(), light.matches('}').count());
    }

    #[test]
    fn code_over_the_highlighting_limits_is_plain_text() {
        let long_line = format!("x = {}\n", "1 + ".repeat(highlight_limits::LINE));
        let html = highlight_code(Some("python"), &long_line);
        assert!(!html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("x = 1 + 1"), "{html}");
        let nested = "x = [".repeat(highlight_limits::DEPTH * 2);
        assert!(!highlight_code(Some("python"), &nested).contains("class=\"hl-"));
        // The budget is per document: a block that no longer fits is plain, a small one after
        // it still fits.
        let block = "import json\n".repeat(highlight_limits::PER_DOCUMENT / 12 / 2 + 1);
        let md = format!(
            "```python\n{block}```\n\n```python\n{block}```\n\n```python\nimport os\n```\n"
        );
        let html = render_html(&md, &[], "").html;
        let blocks: Vec<&str> = html.split("<pre class=\"code\"").skip(1).collect();
        let highlighted: Vec<bool> = blocks.iter().map(|b| b.contains("class=\"hl-")).collect();
        assert_eq!(highlighted, vec![true, false, true]);
        assert!(highlight_code(Some("python"), "import json\n").contains("class=\"hl-"));
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

    /// A mark on `q` (its first occurrence in the text of `md`), with anchor, link, title and
    /// label, rendered under the base path `/b/`.
    fn render_one(md: &str, q: &str) -> String {
        let idx = text_index(md);
        let s = idx.text.find(q).unwrap();
        let mark = Mark {
            range: s..s + q.len(),
            anchor: Some("p1".into()),
            href: Some("/t/".into()),
            class: "q".into(),
            title: Some("t\"".into()),
            label: Some("已完成".into()),
        };
        render_html(md, &[mark], "/b/").html
    }

    #[test]
    fn a_mark_inside_a_link_is_a_mark_element_across_inline_tags() {
        assert_eq!(
            render_one("前文[链接*强调*文字](/x/)后文", "链接强调文字"),
            "<p>前文<a href=\"/b/x/\"><mark class=\"q\" id=\"p1\" title=\"t&quot;\">链接</mark><em><mark class=\"q\" title=\"t&quot;\">强调</mark></em><mark class=\"q\" title=\"t&quot;\">文字</mark><span class=\"ql\">已完成</span></a>后文</p>\n"
        );
    }

    #[test]
    fn a_mark_from_a_code_span_into_text_keeps_the_code_element() {
        assert_eq!(
            render_one("甲`代码`乙丙", "代码乙"),
            "<p>甲<code><a class=\"q\" id=\"p1\" href=\"/t/\" title=\"t&quot;\">代码</a></code><a class=\"q\" href=\"/t/\" title=\"t&quot;\">乙</a><span class=\"ql\">已完成</span>丙</p>\n"
        );
    }

    #[test]
    fn a_mark_from_a_heading_into_a_paragraph_keeps_heading_anchors() {
        assert_eq!(
            render_one("## 标题一\n\n正文甲乙\n\n## 标题二", "标题一\n正文"),
            "<h2 id=\"h_1\"><a class=\"q\" id=\"p1\" href=\"/t/\" title=\"t&quot;\">标题一</a></h2>\n<p><a class=\"q\" href=\"/t/\" title=\"t&quot;\">正文</a><span class=\"ql\">已完成</span>甲乙</p>\n<h2 id=\"h_2\">标题二</h2>\n"
        );
    }

    #[test]
    fn a_mark_spanning_paragraphs_is_split_with_the_label_at_its_end() {
        assert_eq!(
            render_one("第一段甲乙。\n\n第二段丙丁。", "甲乙。\n第二段"),
            "<p>第一段<a class=\"q\" id=\"p1\" href=\"/t/\" title=\"t&quot;\">甲乙。</a></p>\n<p><a class=\"q\" href=\"/t/\" title=\"t&quot;\">第二段</a><span class=\"ql\">已完成</span>丙丁。</p>\n"
        );
        assert_eq!(
            render_one("句子*斜体*粗体尾巴", "体粗体"),
            "<p>句子<em>斜<a class=\"q\" id=\"p1\" href=\"/t/\" title=\"t&quot;\">体</a></em><a class=\"q\" href=\"/t/\" title=\"t&quot;\">粗体</a><span class=\"ql\">已完成</span>尾巴</p>\n"
        );
    }

    #[test]
    fn a_mark_in_a_code_block_is_not_drawn_and_a_break_between_words_stays() {
        let html = render_one("```python\nimport json\n```\n\n后文", "import");
        assert!(html.starts_with("<pre class=\"code\" tabindex=\"0\"><code class=\"language-python\"><span class=\"hl-source hl-python\">"), "{html}");
        assert!(
            !html.contains("class=\"q\"") && !html.contains("已完成"),
            "{html}"
        );
        assert!(html.ends_with("</code></pre>\n<p>后文</p>\n"), "{html}");
        assert_eq!(
            render_one("a\nb c", "a b"),
            "<p><a class=\"q\" id=\"p1\" href=\"/t/\" title=\"t&quot;\">a</a>\n<a class=\"q\" href=\"/t/\" title=\"t&quot;\">b</a><span class=\"ql\">已完成</span> c</p>\n"
        );
    }
}
