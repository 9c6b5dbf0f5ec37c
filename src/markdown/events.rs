//! Markdown → the event stream both the text and the HTML are made from: raw HTML turned into
//! text, unsafe URLs neutralised, control characters replaced, CJK-friendly emphasis applied.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

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
pub(super) fn events<'a>(md: &'a str, link_prefix: &'a str) -> Vec<Event<'a>> {
    let raw = Parser::new_ext(md, options())
        .into_offset_iter()
        .map(move |(ev, range)| (neutralise(ev, link_prefix), range));
    let mut events = cjk_emphasis(raw, md);
    for ev in &mut events {
        clean_event(ev);
    }
    events
}

/// `ev` with raw HTML turned into text (an HTML block into a paragraph) and the address of a
/// link or image made safe and given the site's base path.
fn neutralise<'a>(ev: Event<'a>, link_prefix: &str) -> Event<'a> {
    match ev {
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
    }
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
/// text for quote matching and their HTML alike), and quotes by [`super::normalize_quote`], so
/// quotes still match.
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
    let is_delim = |ev: &Event, r: &Range<usize>| {
        matches!(ev, Event::Text(t) if t.as_ref() == "*")
            && &md[r.clone()] == "*"
            && !md[..r.start].ends_with('\\')
    };
    let mut pairing = Pairing::default();
    let mut iter = events.peekable();
    while let Some((ev, range)) = iter.next() {
        if !is_delim(&ev, &range) {
            pairing.other(ev);
            continue;
        }
        let run = pairing.extend_run(ev);
        if iter.peek().is_some_and(|(e, r)| is_delim(e, r)) {
            continue;
        }
        // A complete run: decide whether it opens or closes.
        pairing.run = None;
        let next_char = match iter.peek() {
            Some((Event::Text(t), _)) | Some((Event::Code(t), _)) => t.chars().next(),
            Some((Event::Start(_), _)) | Some((Event::End(_), _)) => Some('x'),
            _ => None,
        };
        pairing.end_run(run, next_char);
    }
    pairing.out
}

/// A run of `*` kept as text: where it starts in the output, how many, at what inline depth.
#[derive(Clone, Copy)]
struct Run {
    at: usize,
    len: usize,
    depth: usize,
}

/// The state of [`cjk_emphasis`]: the events so far, the run that may open an emphasis, the
/// run being read, and how deep in inline tags (emphasis, links) the current event is.
#[derive(Default)]
struct Pairing<'a> {
    out: Vec<Event<'a>>,
    open: Option<Run>,
    run: Option<Run>,
    depth: usize,
}

impl<'a> Pairing<'a> {
    /// Adds one `*` to the run being read (a new one if none) and gives the run.
    fn extend_run(&mut self, ev: Event<'a>) -> Run {
        let run = match self.run {
            Some(r) => Run {
                len: r.len + 1,
                ..r
            },
            None => Run {
                at: self.out.len(),
                len: 1,
                depth: self.depth,
            },
        };
        self.out.push(ev);
        self.run = Some(run);
        run
    }

    /// A complete run, followed by `next_char`: it closes the open run of its length and depth,
    /// or opens one, or stays text.
    fn end_run(&mut self, run: Run, next_char: Option<char>) {
        if run.len > 2 {
            return;
        }
        let prev_char = self.out[..run.at].iter().rev().find_map(|e| match e {
            Event::Text(t) | Event::Code(t) => t.chars().last(),
            _ => None,
        });
        let can_close = prev_char.is_some_and(|c| !c.is_whitespace());
        let can_open = next_char.is_some_and(|c| !c.is_whitespace());
        if let Some(open) = self.open
            && open.len == run.len
            && open.depth == self.depth
            && can_close
        {
            self.close(open, run);
        } else if can_open {
            self.open = Some(run);
        }
    }

    /// Turns the runs `open` and `close` (of the same length) into emphasis or strong tags.
    fn close(&mut self, open: Run, close: Run) {
        let (s, e) = if close.len == 2 {
            (Tag::Strong, TagEnd::Strong)
        } else {
            (Tag::Emphasis, TagEnd::Emphasis)
        };
        self.out.truncate(close.at);
        self.out[open.at] = Event::Start(s);
        if open.len == 2 {
            self.out.remove(open.at + 1);
        }
        self.out.push(Event::End(e));
        self.open = None;
    }

    /// Any other event: a block boundary forgets the open run, an inline tag changes the depth
    /// (closing it forgets a run opened inside).
    fn other(&mut self, ev: Event<'a>) {
        match &ev {
            Event::Start(tag) if is_block(&tag.to_end()) => self.open = None,
            Event::Start(_) => self.depth += 1,
            Event::End(tag_end) if is_block(tag_end) => self.open = None,
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                if self.open.is_some_and(|o| o.depth > self.depth) {
                    self.open = None;
                }
            }
            _ => {}
        }
        self.out.push(ev);
    }
}

/// `url` if it is safe, with `link_prefix` before a root-relative path; `#` if it is not safe.
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

pub(super) fn is_block(tag_end: &TagEnd) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{normalize_quote, render_html, text_index};

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

    /// How delimiter runs left as text pair up, as they did before the pairing was split into
    /// steps: closing after CJK punctuation, runs of three, escapes, block ends, link bounds.
    #[test]
    fn cjk_emphasis_pairs_runs_within_one_block_and_one_inline_level() {
        let cases = [
            ("甲*斜体。*正文", "<p>甲<em>斜体。</em>正文</p>\n"),
            (
                "**加粗。**正文**再粗。**尾",
                "<p><strong>加粗。<strong>正文</strong>再粗。</strong>尾</p>\n",
            ),
            ("***三个。***后", "<p>***三个。***后</p>\n"),
            ("\\*不是。*正文", "<p>*不是。*正文</p>\n"),
            ("*开头。\n\n另段。*尾", "<p>*开头。</p>\n<p>另段。*尾</p>\n"),
            (
                "[*链接。*内](/x/)外",
                "<p><a href=\"/x/\"><em>链接。</em>内</a>外</p>\n",
            ),
            (
                "*外[链接*内。](/x/)*尾",
                "<p>*外<a href=\"/x/\">链接*内。</a>*尾</p>\n",
            ),
            ("** 空格。**后", "<p>** 空格。**后</p>\n"),
            (
                "*一。**二。**三。*尾",
                "<p>*一。<strong>二。</strong>三。*尾</p>\n",
            ),
            (
                "`*代码*`*斜。*后",
                "<p><code>*代码*</code><em>斜。</em>后</p>\n",
            ),
        ];
        for (md, html) in cases {
            assert_eq!(render_html(md, &[], "").html, html, "{md}");
        }
    }
}
