//! Markdown and [`Mark`]s → HTML: each mark becomes a highlighted (and linked, anchored) quote,
//! headings get their anchors, code blocks are highlighted.

use super::events::events;
use super::highlight::{highlight_code_within, highlight_limits};
use super::text::{Step, Walker, heading_anchor};
use super::{Mark, RenderedHtml, escape_html};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::ops::Range;

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

/// The opening tag of `m`: a link, or `<mark>` inside a link or without a target; its `id`
/// only on the first piece (`with_anchor`).
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

/// The closing tag of `m`, followed by its label where the mark ends (`ends_here`).
fn close_tag(m: &Mark, in_link: bool, ends_here: bool) -> String {
    let mut s = String::from(if in_link || m.href.is_none() {
        "</mark>"
    } else {
        "</a>"
    });
    if ends_here && let Some(label) = &m.label {
        s.push_str(&format!("<span class=\"ql\">{}</span>", escape_html(label)));
    }
    s
}

/// Render `md` to HTML, wrapping each [`Mark`] (offsets into the text of
/// [`text_index`](super::text_index)) in a link. Root-relative links in the content get
/// `link_prefix` (the site's base path).
pub fn render_html(md: &str, marks: &[Mark], link_prefix: &str) -> RenderedHtml {
    let mut writer = HtmlWriter::new(marks);
    for ev in events(md, link_prefix) {
        writer.push(ev);
    }
    writer.finish(md.len() * 3 / 2)
}

/// A code block being collected, to be highlighted as one piece at its end.
struct CodeBlock {
    lang: Option<String>,
    text: String,
}

/// The HTML events of one body as they are made: the walker that tells where each text lands
/// in the rendered text, the marks not yet passed, and the state of links and code blocks.
struct HtmlWriter<'m, 'e> {
    walker: Walker,
    out: Vec<Event<'e>>,
    marks: Vec<&'m Mark>,
    /// Anchors of marks that overlap a kept one: an empty span at their start.
    anchors: Vec<(usize, &'m str)>,
    /// The first mark and anchor that may still lie at or after the current text.
    next_mark: usize,
    next_anchor: usize,
    link_depth: usize,
    code: Option<CodeBlock>,
    highlight_budget: usize,
}

impl<'m, 'e> HtmlWriter<'m, 'e> {
    fn new(marks: &'m [Mark]) -> Self {
        let (marks, anchors) = disjoint(marks);
        HtmlWriter {
            walker: Walker::default(),
            out: Vec::new(),
            marks,
            anchors,
            next_mark: 0,
            next_anchor: 0,
            link_depth: 0,
            code: None,
            highlight_budget: highlight_limits::PER_DOCUMENT,
        }
    }

    fn push(&mut self, ev: Event<'e>) {
        let Some(ev) = self.collect_code(ev) else {
            return;
        };
        if let Event::Start(Tag::CodeBlock(kind)) = &ev {
            self.walker.step(&ev);
            self.code = Some(CodeBlock {
                lang: fence_language(kind),
                text: String::new(),
            });
            return;
        }
        match &ev {
            Event::Start(Tag::Link { .. }) => self.link_depth += 1,
            Event::End(TagEnd::Link) => self.link_depth = self.link_depth.saturating_sub(1),
            _ => {}
        }
        let ev = with_heading_anchor(ev, self.walker.headings.len() + 1);
        match self.walker.step(&ev) {
            Step::DropBreak => {}
            Step::Other => self.out.push(ev),
            Step::Text(range) => self.push_text(ev, range),
        }
    }

    /// Inside a code block, takes its text and, at its end, writes it highlighted; any other
    /// event is given back.
    fn collect_code(&mut self, ev: Event<'e>) -> Option<Event<'e>> {
        let Some(code) = self.code.as_mut() else {
            return Some(ev);
        };
        match &ev {
            Event::Text(t) => {
                self.walker.step(&ev);
                code.text.push_str(t);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.walker.step(&ev);
                let html = highlight_code_within(
                    code.lang.as_deref(),
                    &code.text,
                    &mut self.highlight_budget,
                );
                self.out.push(Event::Html(html.into()));
                self.code = None;
            }
            _ => return Some(ev),
        }
        None
    }

    /// Writes a text, code span or kept line break that occupies `range` of the rendered text,
    /// cut where marks open and close.
    fn push_text(&mut self, ev: Event<'e>, range: Range<usize>) {
        let (text, is_code_span) = match &ev {
            Event::Text(t) => (t.clone(), false),
            Event::Code(t) => (t.clone(), true),
            _ => {
                self.out.push(ev);
                return;
            }
        };
        if is_code_span {
            self.out.push(Event::InlineHtml("<code>".into()));
        }
        let cuts = self.cuts(range.clone());
        if cuts.is_empty() {
            self.out
                .push(if is_code_span { Event::Text(text) } else { ev });
        } else {
            self.push_pieces(&text, range, cuts);
        }
        if is_code_span {
            self.out.push(Event::InlineHtml("</code>".into()));
        }
    }

    /// The tags to insert in the text at `range`: where each mark opens and closes (its label
    /// after its end), and the anchors of overlapped marks; by offset, closing tags first.
    fn cuts(&mut self, range: Range<usize>) -> Vec<(usize, String)> {
        while self.next_mark < self.marks.len()
            && self.marks[self.next_mark].range.end <= range.start
        {
            self.next_mark += 1;
        }
        while self.next_anchor < self.anchors.len()
            && self.anchors[self.next_anchor].0 < range.start
        {
            self.next_anchor += 1;
        }
        let in_link = self.link_depth > 0;
        let mut cuts: Vec<(usize, String)> = Vec::new();
        let marks = self.marks[self.next_mark..].iter();
        for m in marks.take_while(|m| m.range.start < range.end) {
            let opens_here = m.range.start >= range.start;
            let ends_here = m.range.end <= range.end;
            cuts.push((
                m.range.start.max(range.start),
                open_tag(m, opens_here, in_link),
            ));
            cuts.push((m.range.end.min(range.end), close_tag(m, in_link, ends_here)));
        }
        let anchors = self.anchors[self.next_anchor..].iter();
        for &(at, id) in anchors.take_while(|(at, _)| *at < range.end) {
            cuts.push((at, format!("<span id=\"{}\"></span>", escape_html(id))));
        }
        cuts.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| b.1.starts_with("</").cmp(&a.1.starts_with("</")))
        });
        cuts
    }

    /// Writes `text` (at `range` of the rendered text) in pieces, with the tags of `cuts`
    /// between them.
    fn push_pieces(&mut self, text: &str, range: Range<usize>, cuts: Vec<(usize, String)>) {
        let piece = |from: usize, to: usize| {
            Event::Text(
                text[from - range.start..to - range.start]
                    .to_string()
                    .into(),
            )
        };
        let mut cursor = range.start;
        for (pos, html) in cuts {
            if pos > cursor {
                self.out.push(piece(cursor, pos));
                cursor = pos;
            }
            self.out.push(Event::InlineHtml(html.into()));
        }
        if cursor < range.end {
            self.out.push(piece(cursor, range.end));
        }
    }

    fn finish(self, capacity: usize) -> RenderedHtml {
        let mut html = String::with_capacity(capacity);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        RenderedHtml {
            html,
            headings: self.walker.headings,
            text: self.walker.text,
        }
    }
}

/// The language of a fenced code block: the first word of its info string.
fn fence_language(kind: &CodeBlockKind) -> Option<String> {
    match kind {
        CodeBlockKind::Fenced(info) => info
            .split([' ', ',', '{'])
            .next()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        CodeBlockKind::Indented => None,
    }
}

/// `ev` with the anchor of the `n`th heading if it starts a heading.
fn with_heading_anchor(ev: Event<'_>, n: usize) -> Event<'_> {
    match ev {
        Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) => Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::Boxed(heading_anchor(n).into_boxed_str())),
            classes,
            attrs,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::text_index;

    /// The byte range of `q` (its first occurrence) in the rendered text of `md`.
    fn span_of(md: &str, q: &str) -> Range<usize> {
        let start = text_index(md)
            .text
            .find(q)
            .expect("the quote is in the text");
        start..start + q.len()
    }

    /// A mark of class `q` on `range`, with `anchor` on its first piece and a link to `href`,
    /// and no title or label.
    fn mark(range: Range<usize>, anchor: &str, href: &str) -> Mark {
        Mark {
            range,
            anchor: Some(anchor.into()),
            href: Some(href.into()),
            class: "q".into(),
            title: None,
            label: None,
        }
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
    fn quote_across_bold_is_highlighted_in_pieces_with_one_anchor() {
        let md = "前文**加粗。**正文后";
        let html = render_html(md, &[mark(span_of(md, "加粗。正文"), "p1", "/x/")], "").html;
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
        let html = render_html(md, &[mark(0..idx.text.trim_end().len(), "a", "/p/")], "").html;
        assert_eq!(
            html,
            "<p><a class=\"q\" id=\"a\" href=\"/p/\">新建供热</a><a class=\"q\" href=\"/p/\">管网20公里</a></p>\n"
        );
    }

    #[test]
    fn overlapping_marks_keep_their_anchor() {
        let md = "甲乙丙丁";
        let html = render_html(md, &[mark(0..6, "x", "/"), mark(3..9, "y", "/")], "").html;
        assert_eq!(
            html,
            "<p><a class=\"q\" id=\"x\" href=\"/\">甲<span id=\"y\"></span>乙</a>丙丁</p>\n"
        );
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

    /// A mark on `q` (its first occurrence in the text of `md`), with anchor, link, title and
    /// label, rendered under the base path `/b/`.
    fn render_one(md: &str, q: &str) -> String {
        let mark = Mark {
            title: Some("t\"".into()),
            label: Some("已完成".into()),
            ..mark(span_of(md, q), "p1", "/t/")
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
