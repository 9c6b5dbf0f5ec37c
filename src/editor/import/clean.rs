//! Clean a newspaper text into a Markdown body — lines that columns broke are joined,
//! page-jump markers dropped and the report's numbered headings marked — changing no other
//! character.
//!
//! The rules, in the order they run:
//!
//! 1. Page-jump markers such as `(上接01版)`, `（下转第3版）`, `(转A2版)` are dropped wherever
//!    they stand; a line left empty by that counts as blank.
//! 2. Each line is trimmed (ASCII and full-width spaces). Consecutive non-blank lines form a
//!    paragraph and are joined: without a space, except between two Latin letters or digits
//!    (`and` / `the` → `and the`), and never between two digits (a number split by a column).
//!    A Markdown heading line (`## …`) always stands alone.
//! 3. A paragraph that ends mid-sentence is joined with the next one across the blank line
//!    (newspaper columns and page layout also break paragraphs with empty lines). "Ends
//!    mid-sentence" means: its last character is not a sentence end (`。！？；：…—` or a closing
//!    quote or bracket right after one), neither paragraph is a heading, the next one does not
//!    start like a new block (Markdown syntax, `——`, `■`) or with a `上接` marker, and the last
//!    line was cut by the column: in narrow-column text (most paragraphs have several lines) its
//!    width is at least 80% of the column width, the median width of lines inside paragraphs,
//!    and it holds some punctuation (a headline is as wide as the column, but has none);
//!    in text with one line per paragraph it contains clause punctuation (`，、；`), so that a
//!    title, caption or byline (`河南漯河：改革風勁破浪行`, `圖片來源：…`) is never glued to
//!    what follows.
//!    Text copied from a web page has one paragraph per line and often no blank lines: when
//!    most lines directly followed by another line end a sentence or are numbered headings
//!    (at least 3 such lines; newspaper column lines mostly stop mid-sentence), every line is
//!    read as a paragraph of its own, and only lines that stop mid-clause are joined to the
//!    next, by the rule for one-line paragraphs above.
//! 4. A paragraph shaped like a heading (at most 50 characters, no sentence end inside it, not
//!    ending in a comma or colon) that starts `一、` becomes `## `, `（一）`/`(一)` becomes `### `,
//!    and `1．`/`（1）` becomes `#### `. A Markdown heading already in the text keeps its text;
//!    its level is corrected when the text starts with one of those numberings.

/// A page-jump marker that was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// 1-based line of the input.
    pub line: usize,
    pub text: String,
}

/// Two paragraphs joined across a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlankJoin {
    /// 1-based input line where the second paragraph started.
    pub line: usize,
    /// The end of the first paragraph and the start of the second, a few characters each.
    pub before: String,
    pub after: String,
}

/// A heading recognised by its numbering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingFound {
    pub line: usize,
    pub level: u8,
    pub text: String,
    /// The level it had when the input already marked it as a Markdown heading.
    pub was: Option<u8>,
}

/// What [`clean`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Line breaks removed inside paragraphs.
    pub lines_joined: usize,
    /// Paragraphs joined across a blank line.
    pub blank_joins: Vec<BlankJoin>,
    pub markers: Vec<Marker>,
    pub headings: Vec<HeadingFound>,
    /// The column width (in half-width cells) used to judge paragraph ends, when the text is
    /// set in narrow columns.
    pub column_width: Option<usize>,
    /// Set when the text has one paragraph per line (as copied from a web page): how many of
    /// the lines followed by another line end a sentence or are headings, and of how many.
    pub one_per_line: Option<(usize, usize)>,
}

/// A cleaned Markdown body and what was changed to get it.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// Paragraphs separated by one blank line; ends with a newline (empty input: empty).
    pub body: String,
    pub changes: Changes,
}

impl Cleaned {
    /// The body's paragraphs (headings included), in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

#[derive(Debug)]
struct Para {
    first_line: usize,
    text: String,
    /// The last input line, trimmed, as it was before joining.
    last_line: String,
    /// Already a Markdown heading in the input: its level.
    atx: Option<u8>,
    /// Shaped like a numbered heading: its level.
    numbered: Option<u8>,
    starts_after_jump: bool,
    ends_before_jump: bool,
}

impl Para {
    fn is_heading(&self) -> bool {
        self.atx.is_some() || self.numbered.is_some()
    }
}

/// Clean `text` (UTF-8, any line endings) into a Markdown body.
pub fn clean(text: &str) -> Cleaned {
    let mut changes = Changes {
        one_per_line: one_paragraph_per_line(text),
        ..Changes::default()
    };
    let mut split = Splitter {
        line_mode: changes.one_per_line.is_some(),
        ..Splitter::default()
    };
    for (i, raw_line) in text.split('\n').enumerate() {
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        split.line(i + 1, raw_line, &mut changes.markers);
    }
    split.flush();
    changes.lines_joined = split.lines_joined;
    changes.column_width = column_width(split.inner_widths, split.paras.len());
    let merged = join_across_blanks(split.paras, changes.column_width, &mut changes.blank_joins);
    let out: Vec<String> = merged
        .into_iter()
        .map(|p| mark_heading(p, &mut changes.headings))
        .collect();
    let mut body = out.join("\n\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Cleaned { body, changes }
}

/// Rules 1 and 2: the input's lines, markers dropped, gathered into paragraphs.
#[derive(Default)]
struct Splitter {
    /// Web text: every line is a paragraph of its own.
    line_mode: bool,
    paras: Vec<Para>,
    current: Option<Para>,
    /// Widths of lines that are followed by another line of the same paragraph.
    inner_widths: Vec<usize>,
    /// Line breaks removed inside paragraphs.
    lines_joined: usize,
    /// A `上接` marker on a line of its own: the next paragraph continues another page.
    jump_in_pending: bool,
}

impl Splitter {
    /// End the current paragraph, noting whether it is shaped like a numbered heading.
    fn flush(&mut self) {
        if let Some(mut p) = self.current.take() {
            p.numbered = p.atx.map_or_else(|| numbered_heading(&p.text), |_| None);
            self.paras.push(p);
        }
    }

    /// Take input line `line_no` (without its line ending); the markers dropped from it go
    /// to `markers`.
    fn line(&mut self, line_no: usize, raw_line: &str, markers: &mut Vec<Marker>) {
        let (without, found) = drop_markers(raw_line);
        let had_jump_in = found.iter().any(|m| is_jump_in(m));
        let had_jump_out = found.iter().any(|m| !is_jump_in(m));
        let leading_jump = had_jump_in && starts_with_marker(raw_line);
        markers.extend(found.into_iter().map(|text| Marker {
            line: line_no,
            text,
        }));
        let line = without.trim();
        if line.is_empty() {
            self.flush();
            if had_jump_out && let Some(p) = self.paras.last_mut() {
                p.ends_before_jump = true;
            }
            self.jump_in_pending |= had_jump_in;
            return;
        }
        let leading_jump = leading_jump || std::mem::take(&mut self.jump_in_pending);
        let atx = atx_level(line);
        // A Markdown heading stands alone. In web text every line is a paragraph; rule 3
        // joins the few that stop mid-sentence.
        if atx.is_some() || self.line_mode {
            self.flush();
        }
        if let Some(p) = self.current.as_mut() {
            self.inner_widths.push(width(&p.last_line));
            push_joined(&mut p.text, line);
            p.last_line = line.to_string();
            p.ends_before_jump |= had_jump_out;
            self.lines_joined += 1;
            return;
        }
        self.current = Some(Para {
            first_line: line_no,
            text: line.to_string(),
            last_line: line.to_string(),
            atx,
            numbered: None,
            starts_after_jump: leading_jump,
            ends_before_jump: had_jump_out,
        });
        if atx.is_some() {
            self.flush();
        }
    }
}

/// The column width of narrow-column text, the median width of lines inside paragraphs; none
/// unless enough lines lie inside paragraphs to know it.
fn column_width(mut inner_widths: Vec<usize>, paragraphs: usize) -> Option<usize> {
    if inner_widths.len() >= 10 && inner_widths.len() * 2 >= paragraphs {
        inner_widths.sort_unstable();
        Some(inner_widths[inner_widths.len() / 2])
    } else {
        None
    }
}

/// Rule 3: each paragraph that ends mid-sentence joined with the next one across the blank
/// line; the joins are recorded in `joins`.
fn join_across_blanks(
    paras: Vec<Para>,
    column_width: Option<usize>,
    joins: &mut Vec<BlankJoin>,
) -> Vec<Para> {
    let mut merged: Vec<Para> = Vec::with_capacity(paras.len());
    for p in paras {
        if let Some(prev) = merged.last_mut()
            && continues(prev, &p, column_width)
        {
            joins.push(BlankJoin {
                line: p.first_line,
                before: tail(&prev.text, 12),
                after: head(&p.text, 12),
            });
            push_joined(&mut prev.text, &p.text);
            prev.last_line = p.last_line;
            prev.ends_before_jump = p.ends_before_jump;
            continue;
        }
        merged.push(p);
    }
    merged
}

/// Rule 4: the paragraph's text, marked `## `…`#### ` when it is a numbered heading (an
/// existing Markdown heading gets its level corrected); the headings go to `headings`.
fn mark_heading(p: Para, headings: &mut Vec<HeadingFound>) -> String {
    match (p.atx, p.numbered) {
        (Some(was), _) => {
            let inner = p.text.trim_start_matches('#').trim();
            let Some(level) = numbered_heading(inner) else {
                return p.text;
            };
            headings.push(HeadingFound {
                line: p.first_line,
                level,
                text: inner.to_string(),
                was: Some(was),
            });
            format!("{} {inner}", "#".repeat(level as usize))
        }
        (None, Some(level)) => {
            headings.push(HeadingFound {
                line: p.first_line,
                level,
                text: p.text.clone(),
                was: None,
            });
            format!("{} {}", "#".repeat(level as usize), p.text)
        }
        (None, None) => p.text,
    }
}

/// Whether `text` has one paragraph per line, as text copied from a web page has: of the
/// lines directly followed by another line (rule 2 would join them), at least 3 and most end
/// a sentence or are numbered headings, where the lines of a newspaper column mostly stop
/// mid-sentence. Returns how many of how many lines did.
fn one_paragraph_per_line(text: &str) -> Option<(usize, usize)> {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| {
            drop_markers(l.strip_suffix('\r').unwrap_or(l))
                .0
                .trim()
                .to_string()
        })
        .collect();
    let mut closed = 0;
    let mut inner = 0;
    for pair in lines.windows(2) {
        let (line, next) = (&pair[0], &pair[1]);
        if line.is_empty() || next.is_empty() || atx_level(line).is_some() {
            continue;
        }
        inner += 1;
        if !ends_open(line) || numbered_heading(line).is_some() {
            closed += 1;
        }
    }
    (inner >= 3 && closed * 2 > inner).then_some((closed, inner))
}

/// Whether paragraph `next` continues `prev` across the blank line between them (rule 3).
fn continues(prev: &Para, next: &Para, column_width: Option<usize>) -> bool {
    if prev.is_heading() || next.is_heading() || prev.ends_before_jump || next.starts_after_jump {
        return false;
    }
    if !ends_open(&prev.text) || starts_block(&next.text) {
        return false;
    }
    match column_width {
        // Headlines are set as wide as the column too, but without punctuation.
        Some(w) => {
            width(&prev.last_line) * 5 >= w * 4
                && prev.last_line.contains([
                    '，', '。', '、', '；', '：', '“', '”', '‘', '’', '（', '）', '！', '？', '…',
                    ',', '.', ';', ':',
                ])
        }
        None => prev.last_line.contains(['，', '、', '；', ',', ';']),
    }
}

/// Whether `text` stops mid-sentence.
fn ends_open(text: &str) -> bool {
    const END: &[char] = &['。', '！', '？', '!', '?', '…', '；', ';', '：', ':', '—'];
    const CLOSE: &[char] = &['”', '’', '」', '』', '）', ')', '》', '】', ']', '*'];
    let mut rev = text.chars().rev();
    let Some(last) = rev.next() else {
        return false;
    };
    if END.contains(&last) {
        return false;
    }
    if CLOSE.contains(&last) {
        // A closing quote or bracket ends a sentence only right after a sentence end.
        for c in rev {
            if CLOSE.contains(&c) {
                continue;
            }
            return !END.contains(&c);
        }
        return false;
    }
    true
}

/// Whether a paragraph starts like a new block rather than a continuation.
fn starts_block(text: &str) -> bool {
    let first = text.chars().next().unwrap_or(' ');
    if matches!(
        first,
        '#' | '>' | '-' | '*' | '+' | '|' | '`' | '—' | '■' | '●' | '◆' | '▲' | '★' | '□' | '○'
    ) {
        return true;
    }
    // An ordered-list marker: digits, `.` or `)`, then a space.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && {
        let rest = &text[digits..];
        (rest.starts_with(". ") || rest.starts_with(") ")) && digits <= 9
    }
}

/// Append `next` to `text`, with a space only between two Latin words.
fn push_joined(text: &mut String, next: &str) {
    if let (Some(a), Some(b)) = (text.chars().last(), next.chars().next())
        && needs_space(a, b)
    {
        text.push(' ');
    }
    text.push_str(next);
}

fn needs_space(a: char, b: char) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric();
    if a.is_ascii_digit() && b.is_ascii_digit() {
        return false;
    }
    (latin(a) || matches!(a, ',' | '.' | ';' | ':' | '!' | '?' | ')' | '%'))
        && (latin(b) || b == '(')
}

/// Display width in half-width cells: ASCII 1, everything else 2.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

pub(super) fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The level of a Markdown ATX heading line (`# ` to `###### `).
pub(super) fn atx_level(line: &str) -> Option<u8> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then_some(hashes as u8)
}

const CN_DIGITS: &[char] = &[
    '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '〇', '零', '两',
];

/// The heading level of a paragraph shaped like a numbered heading (rule 4).
pub fn numbered_heading(text: &str) -> Option<u8> {
    let level = numbering_level(text)?;
    let n = text.chars().count();
    let inner_end = text
        .char_indices()
        .filter(|&(_, c)| matches!(c, '。' | '！' | '？' | '；' | '!' | '?'))
        .any(|(i, c)| i + c.len_utf8() < text.len());
    let last = text.chars().last()?;
    (n <= 50 && !inner_end && !matches!(last, '，' | '、' | '：' | '；' | ',' | ':'))
        .then_some(level)
}

/// The level implied by the numbering at the start of `text`, if any.
fn numbering_level(text: &str) -> Option<u8> {
    let count_cn = |s: &str| s.chars().take_while(|c| CN_DIGITS.contains(c)).count();
    // 一、
    let n = count_cn(text);
    if n > 0 {
        let rest: &str = &text[text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)..];
        return rest.starts_with('、').then_some(2);
    }
    // （一） (一) （1） (1)
    if let Some(rest) = text.strip_prefix('（').or_else(|| text.strip_prefix('(')) {
        let cn = count_cn(rest);
        let (n, level) = if cn > 0 {
            (
                rest.char_indices().nth(cn).map_or(rest.len(), |(i, _)| i),
                3,
            )
        } else {
            (rest.chars().take_while(char::is_ascii_digit).count(), 4)
        };
        return (n > 0 && rest[n..].starts_with(['）', ')'])).then_some(level);
    }
    // 1． 1. 1、 followed by text (not a decimal such as 2.3%)
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 2 {
        let rest = &text[digits..];
        let mut it = rest.chars();
        let sep = it.next()?;
        let next = it.next()?;
        return (matches!(sep, '．' | '.' | '、')
            && !next.is_ascii_digit()
            && !next.is_whitespace())
        .then_some(4);
    }
    None
}

/// `s` without its page-jump markers, and the markers removed.
pub fn drop_markers(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(len) = marker_len(rest) {
            found.push(rest[..len].to_string());
            i += len;
            continue;
        }
        let c = rest
            .chars()
            .next()
            .expect("i is below len, on a char boundary");
        out.push(c);
        i += c.len_utf8();
    }
    (out, found)
}

fn starts_with_marker(line: &str) -> bool {
    marker_len(line.trim_start()).is_some()
}

/// A marker that says where the text came from (`上接`), rather than where it goes (`下转`).
fn is_jump_in(marker: &str) -> bool {
    marker.contains('接') || marker.contains('续')
}

/// The byte length of a page-jump marker at the start of `s`: an opening bracket, `上接`,
/// `下转`, `接`, `转` or `续`, an optional `第`, a page number (digits, full-width digits or
/// Chinese numerals, optionally after a capital letter), `版`, a closing bracket.
fn marker_len(s: &str) -> Option<usize> {
    let mut i = 0;
    let bump = |i: &mut usize, c: char| *i += c.len_utf8();
    let peek = |i: usize| s[i..].chars().next();
    // Spaces inside a marker are skipped, line breaks are not: markers are found line by line
    // (a fuzzing find: on a whole text, `(\n上接01版)` was a marker, line by line it was not).
    let skip_ws = |i: &mut usize| {
        while let Some(c) = s[*i..].chars().next() {
            if !c.is_whitespace() || c == '\n' || c == '\r' {
                break;
            }
            *i += c.len_utf8();
        }
    };
    match peek(i)? {
        c @ ('(' | '（') => bump(&mut i, c),
        _ => return None,
    }
    skip_ws(&mut i);
    let word = ["上接", "下转", "接", "转", "续"]
        .into_iter()
        .find(|w| s[i..].starts_with(w))?;
    i += word.len();
    skip_ws(&mut i);
    if let Some(c @ '第') = peek(i) {
        bump(&mut i, c);
        skip_ws(&mut i);
    }
    if let Some(c) = peek(i)
        && c.is_ascii_uppercase()
    {
        bump(&mut i, c);
    }
    let mut digits = 0;
    while let Some(c) = peek(i) {
        let is_num = c.is_ascii_digit() || ('０'..='９').contains(&c) || CN_DIGITS.contains(&c);
        if !is_num || digits == 3 {
            break;
        }
        bump(&mut i, c);
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    skip_ws(&mut i);
    match peek(i)? {
        c @ '版' => bump(&mut i, c),
        _ => return None,
    }
    skip_ws(&mut i);
    match peek(i)? {
        c @ (')' | '）') => bump(&mut i, c),
        _ => return None,
    }
    Some(i)
}

/// The non-whitespace characters of a Markdown body or input text, without the `#` marks that
/// open heading lines: what [`clean`] promises to keep, apart from the markers it drops.
pub fn kept_chars(text: &str) -> String {
    // Lines as `clean` reads them: a CR before the line break, or at the end, is not part of it.
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|l| {
            // Trimmed at both ends, as `clean` trims every line (a vertical tab after `#` made
            // it a heading there and text here).
            let l = l.trim();
            match atx_level(l) {
                Some(_) => l.trim_start_matches('#'),
                None => l,
            }
        })
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Regression (fuzz, import target): a marker broken over two lines was one for
    /// `drop_markers` on the whole text and none for `clean`, which works line by line; markers
    /// are now found within a line only, and `clean` keeps every other character.
    /// Regression (fuzz, import target): `[f\0\0\n#\r`: `clean` read the last line as `#` (an
    /// empty heading), the character count read it as `#\r` (text), so a `#` seemed lost.
    #[test]
    fn lines_are_read_alike_when_counting_characters() {
        let text = "[f\0\0\n#\r";
        assert_eq!(
            kept_chars(&clean(text).body),
            kept_chars(&drop_markers(text).0)
        );
    }

    #[test]
    fn a_marker_broken_over_lines_is_kept_as_text_everywhere() {
        let text = "政府工作报告\n(\n上接01版)\n\n(八) 民生福祉日益增进";
        let (unmarked, found) = drop_markers(text);
        assert!(found.is_empty(), "{found:?}");
        let c = clean(text);
        assert_eq!(kept_chars(&c.body), kept_chars(&unmarked));
        let fuzzed =
            std::fs::read_to_string("tests/fixtures/fuzz-regressions/import-marker-over-lines.txt")
                .unwrap();
        let c = clean(&fuzzed);
        assert_eq!(kept_chars(&c.body), kept_chars(&drop_markers(&fuzzed).0));
    }

    #[test]
    fn markers_in_half_and_full_width_forms_are_dropped() {
        for m in [
            "(上接01版)",
            "（上接01版）",
            "(下转03版)",
            "（下转第3版）",
            "( 上接 第 一 版 )",
            "(转A2版)",
            "（接１２版）",
            "(续2版)",
        ] {
            let (out, found) = drop_markers(&format!("前文{m}后文"));
            assert_eq!(out, "前文后文", "{m}");
            assert_eq!(found, vec![m.to_string()]);
        }
        for not in ["(上接)", "(上接01)", "(一)", "(见01版", "（转载）"] {
            let (out, found) = drop_markers(not);
            assert_eq!(out, not);
            assert!(found.is_empty(), "{not}");
        }
    }

    #[test]
    fn lines_of_a_paragraph_join_without_space_except_between_latin_words() {
        let c = clean("改造老旧小区68\n个，新建供热管网\nand\nthe 2024\n年 12\n345\n");
        assert_eq!(
            c.body,
            "改造老旧小区68个，新建供热管网and the 2024年 12345\n"
        );
        assert_eq!(c.changes.lines_joined, 5);
    }

    #[test]
    fn a_paragraph_broken_by_a_blank_line_is_joined_when_it_stops_mid_sentence() {
        let text = "做好今年工作总的要求是，全面贯彻落实党的二十\n\n届二中全会精神。\n\n下一段。\n";
        let c = clean(text);
        assert_eq!(
            c.body,
            "做好今年工作总的要求是，全面贯彻落实党的二十届二中全会精神。\n\n下一段。\n"
        );
        assert_eq!(c.changes.blank_joins.len(), 1);
        assert_eq!(c.changes.blank_joins[0].line, 3);
    }

    #[test]
    fn titles_and_bylines_without_punctuation_are_not_glued_to_the_next_paragraph() {
        let text = "——2026年2月26日在湛河区第六届人民代表大会  \n第六次会议上\n\n湛河区人民政府区长 马培翼\n\n各位代表：\n\n现在，我代表区人民政府。";
        let c = clean(text);
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            [
                "——2026年2月26日在湛河区第六届人民代表大会第六次会议上",
                "湛河区人民政府区长 马培翼",
                "各位代表：",
                "现在，我代表区人民政府。"
            ]
        );
        assert!(c.changes.blank_joins.is_empty());
    }

    #[test]
    fn a_closing_quote_ends_a_paragraph_only_after_a_sentence_end() {
        assert!(!ends_open("他说：“好。”"));
        assert!(ends_open("全面梳理存量土地，“一地一策”"));
        assert!(!ends_open("各位代表："));
        assert!(ends_open("新增智能车间(工厂)"));
        let c = clean("全面梳理存量土地，“一地一策”\n\n专班推进，高效盘活。");
        assert_eq!(c.body, "全面梳理存量土地，“一地一策”专班推进，高效盘活。\n");
    }

    #[test]
    fn in_narrow_columns_a_short_last_line_ends_the_paragraph() {
        // Ten full lines make the column width known; the headline's short line is kept apart.
        let mut text = String::new();
        for i in 0..6 {
            text.push_str("一二三四五六七八九十一二三四五六\n七八九十一二三四五六七八九十一二\n");
            // The first five stop mid-word at the end of a full line; the sixth ends a sentence.
            text.push_str(if i < 5 {
                "三四五六七八九十一二三，五六七八\n\n"
            } else {
                "三四五六七八九十一二三四五六七。\n\n"
            });
        }
        text.push_str(
            "市领导调研医疗保障工作\n\n本报讯（记者 王） 12\n月19日，市政协召开提案工作会议。\n",
        );
        let c = clean(&text);
        assert!(c.changes.column_width.is_some());
        assert!(c.paragraphs().any(|p| p == "市领导调研医疗保障工作"));
        assert!(
            c.paragraphs()
                .any(|p| p == "本报讯（记者 王） 12月19日，市政协召开提案工作会议。")
        );
        // Full-width last lines ending mid-word are continued across the blank line.
        assert_eq!(c.changes.blank_joins.len(), 5);
    }

    #[test]
    fn a_continued_story_is_not_joined_to_the_headline_above_it() {
        let text = "以高品质生态环境增强市民幸福感\n\n（上接01版）请国务院派工作组前往灾\n区指导。";
        let c = clean(text);
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            [
                "以高品质生态环境增强市民幸福感",
                "请国务院派工作组前往灾区指导。"
            ]
        );
        assert_eq!(c.changes.markers[0].line, 3);
        // The marker on a line of its own, after a paragraph that stops mid-sentence.
        let c = clean("灾区各项工作，正在紧张\n\n（上接01版）\n\n我市蓬勃的发展势头。");
        assert_eq!(c.paragraphs().count(), 2);
        let c = clean("前一版的文字，到此\n\n(下转03版)\n\n另一篇，开头。");
        assert_eq!(c.paragraphs().count(), 2);
    }

    #[test]
    fn in_narrow_columns_a_headline_as_wide_as_the_column_stands_alone() {
        let mut text = String::new();
        for _ in 0..6 {
            text.push_str("一二三四五六七八九十一二三，五六\n七八九十一二三四五六七八九十一二\n三四五六七八九十一二三四五六七。\n\n");
        }
        text.push_str("精准对接长三角 跑出发展加速度\n\n主题教育整改整治工作开展以来，\n我市各单位认真学习。\n");
        let c = clean(&text);
        assert!(c.changes.column_width.is_some());
        assert!(c.paragraphs().any(|p| p == "精准对接长三角 跑出发展加速度"));
    }

    #[test]
    fn numbered_headings_become_markdown_headings() {
        let text = "二、2024年工作总体要求和主要目标\n\n(一) 构建“顶天立地”创新体系，塑造发展新动能新优势\n\n（二）坚持聚链成群\n\n1．强化项目谋划\n\n(八) 民生福祉日益增进。财政民生支出172.3亿元，39项省、市定民生实事顺利完成。\n\n2.3%左右，规上工业增加值增长8%以上。\n";
        let c = clean(text);
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            [
                "## 二、2024年工作总体要求和主要目标",
                "### (一) 构建“顶天立地”创新体系，塑造发展新动能新优势",
                "### （二）坚持聚链成群",
                "#### 1．强化项目谋划",
                "(八) 民生福祉日益增进。财政民生支出172.3亿元，39项省、市定民生实事顺利完成。",
                "2.3%左右，规上工业增加值增长8%以上。",
            ]
        );
        assert_eq!(c.changes.headings.len(), 4);
    }

    #[test]
    fn markdown_headings_keep_their_text_and_get_the_level_of_their_numbering() {
        let c = clean("# 政府工作报告\n\n#### （四）民生福祉\n### 三、2026 年重点工作安排\n正文。");
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            [
                "# 政府工作报告",
                "### （四）民生福祉",
                "## 三、2026 年重点工作安排",
                "正文。"
            ]
        );
        assert_eq!(c.changes.headings[0].was, Some(4));
    }

    #[test]
    fn kept_characters_are_those_of_the_input_minus_markers() {
        let input = "  政府工作报告\n\n(上接01版)\n\n二、主要目标\n\n生产总值增长\n7%左右。(下转03版)\n## （一）标题\n5#机组";
        let c = clean(input);
        let (unmarked, _) = drop_markers(input);
        assert_eq!(kept_chars(&c.body), kept_chars(&unmarked));
        assert_eq!(c.changes.markers.len(), 2);
    }

    /// Regression (issue #18): text copied from a web page has one paragraph per line and no
    /// blank lines; it was joined into one paragraph with no headings.
    #[test]
    fn web_text_with_one_paragraph_per_line_keeps_its_paragraphs_and_headings() {
        let text = "2024年政府工作报告\n来源:日报  发布时间:2024-02-22\n\u{3000}\u{3000}各位代表:\n\u{3000}\u{3000}三、2024年重点工作安排\n\u{3000}\u{3000}围绕今年发展目标，重点做好八个方面的工作:\n\u{3000}\u{3000}(一)构建创新体系\n\u{3000}\u{3000}新建供热管网20公里。改造老旧小区68个。\n\u{3000}\u{3000}1.强化项目谋划\n\u{3000}\u{3000}全年谋划项目300个以上。\n";
        let c = clean(text);
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            [
                "2024年政府工作报告",
                "来源:日报  发布时间:2024-02-22",
                "各位代表:",
                "## 三、2024年重点工作安排",
                "围绕今年发展目标，重点做好八个方面的工作:",
                "### (一)构建创新体系",
                "新建供热管网20公里。改造老旧小区68个。",
                "#### 1.强化项目谋划",
                "全年谋划项目300个以上。",
            ]
        );
        assert_eq!(c.changes.one_per_line, Some((6, 8)));
        assert_eq!(kept_chars(&c.body), kept_chars(text));
    }

    #[test]
    fn in_web_text_a_line_that_stops_mid_clause_is_joined_to_the_next() {
        let c = clean("第一段。\n第二段。\n第三段，被网页\n折断了。\n第四段。\n");
        assert_eq!(
            c.paragraphs().collect::<Vec<_>>(),
            ["第一段。", "第二段。", "第三段，被网页折断了。", "第四段。"]
        );
        assert_eq!(c.changes.blank_joins.len(), 1);
    }

    #[test]
    fn newspaper_columns_are_not_taken_for_one_paragraph_per_line() {
        let c = clean(
            "改造老旧小区68个，新建供热\n管网20公里，热交换站38座，新\n增供热面积700万平方米以上。\n\n下一段。\n",
        );
        assert_eq!(c.changes.one_per_line, None);
        assert_eq!(c.paragraphs().count(), 2);
    }

    #[test]
    fn crlf_line_endings_are_read_like_lf() {
        assert_eq!(
            clean("改造\r\n小区。\r\n\r\n下一段。\r\n").body,
            "改造小区。\n\n下一段。\n"
        );
    }

    #[test]
    fn empty_input_gives_an_empty_body() {
        assert_eq!(clean("").body, "");
        assert_eq!(clean("\n \n\u{3000}\n").body, "");
    }
}
