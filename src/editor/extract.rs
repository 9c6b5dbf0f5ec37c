//! Extract: propose a report's quantified pledges as draft pledge entries, read from the
//! rendered text of its body.
//!
//! - **Where**: under the report's headings, leaving out sections whose heading (or a parent
//!   heading) contains `回顾` (the review of the past year) and text before the first heading.
//! - **Clauses**: each paragraph is cut at `，；。！？：`; a clause is one pledge per quantity
//!   found in it (see [`super::quantity`]). A clause with several quantities is cut into
//!   non-overlapping texts, each ending after its quantity (`新建供热管网20公里` |
//!   `热交换站38座`); the last runs to the clause end. In a clause with `分别` (respectively),
//!   quantities before `分别` describe the subjects (`35家“管涌工程”…企业年产值分别增长20%以上`)
//!   and are left out; so are the other quantities of a clause that holds a rank (`全国168个
//!   重点城市前120名`).
//! - **Text**: the clause as it stands in the rendered text, so `duixian check` finds it. When
//!   the same words occur earlier in the report, the text is lengthened by the next (or else the
//!   previous) clause until it is unique, without running into another proposal.
//! - **Id**: the numbers of the section headings and a sequence, `3-1-04` for the fourth in
//!   `三、…` / `(一) …`; an id already used in the report's pledge files gets a suffix.
//! - **Category**: the site category sharing the most (rare) two-character words with the
//!   nearest heading, then its parents; when no heading decides, with the pledge's text and its
//!   paragraph's first sentence; the first category when none shares any.

use super::quantity::{self, Quantity};
use super::{files_with_ext, read_site, shown, write_file, yaml_str};
use crate::markdown::{TextIndex, text_index};
use crate::types::ReportId;
use anyhow::{Result, bail};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A site category, as the extractor sees it.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// One proposed pledge.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: String,
    pub text: String,
    /// Where `text` stands in the rendered text.
    pub span: Range<usize>,
    /// Whether `text` first occurs at `span` (else `check` links the earlier occurrence).
    pub unique: bool,
    pub category: String,
    /// The nearest heading above the text.
    pub section: Option<String>,
    pub quantity: Quantity,
    /// Where the quantity stands in the rendered text.
    pub quantity_span: Range<usize>,
    /// For a value of a `分别` list (`A、B分别增长8%、9%以上`), which of how many it is: all of
    /// the list's pledges quote the same text.
    pub list: ListPlace,
}

/// Clause ends; an ASCII `:` ends a clause as `：` does (web pages write it), except between
/// two digits (`1:1`), see [`clauses`].
const CLAUSE_ENDS: &[char] = &[
    '，', '；', '。', '！', '？', '：', ',', ';', ':', '!', '?', '\n',
];

/// What `extract` read of a report: its headings and which of them it looked under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub headings: usize,
    /// Headings skipped as the review of the past year (`回顾`, or under such a heading).
    pub review: usize,
    /// Paragraphs read (under a heading outside the review).
    pub paragraphs: usize,
    /// Paragraphs before the first heading, not read.
    pub before_first_heading: usize,
}

/// What [`propose`] reads of `index`, to tell the editor when it finds nothing.
pub fn scope(index: &TextIndex) -> Scope {
    let chains = heading_chains(index);
    let heading_offsets: BTreeSet<usize> = index.headings.iter().map(|h| h.offset).collect();
    let mut s = Scope {
        headings: index.headings.len(),
        review: chains
            .iter()
            .filter(|c| c.iter().any(|&a| index.headings[a].text.contains("回顾")))
            .count(),
        ..Scope::default()
    };
    let mut start = 0;
    for block in index.text.split('\n') {
        let at = start;
        start += block.len() + 1;
        if block.trim().is_empty() || heading_offsets.contains(&at) {
            continue;
        }
        match index.headings.iter().rposition(|h| h.offset <= at) {
            None => s.before_first_heading += 1,
            Some(h)
                if !chains[h]
                    .iter()
                    .any(|&a| index.headings[a].text.contains("回顾")) =>
            {
                s.paragraphs += 1
            }
            Some(_) => {}
        }
    }
    s
}

/// Whether the ASCII brackets `[ ] { }` of a clause pair up, a few deep at most. Chinese text
/// uses （）【】; a clause with unpaired or deeply nested ASCII brackets is not a pledge, and its
/// quote would trip the loader's bound on YAML nesting (a fuzzing find: 72 `{` in a row).
fn plain_brackets(text: &str) -> bool {
    let mut stack = Vec::new();
    for c in text.chars() {
        match c {
            '[' | '{' => {
                stack.push(c);
                if stack.len() > 4 {
                    return false;
                }
            }
            ']' if stack.pop() != Some('[') => return false,
            '}' if stack.pop() != Some('{') => return false,
            _ => {}
        }
    }
    stack.is_empty()
}

/// A quantity found under heading `heading` (an index into the report's headings), before its
/// text is made unique and given an id.
struct Found {
    heading: usize,
    span: Range<usize>,
    quantity: Quantity,
    quantity_span: Range<usize>,
    list: ListPlace,
}

/// Propose the quantified pledges of a report body's rendered text. `taken` are pledge ids
/// already used for the report.
pub fn propose(
    index: &TextIndex,
    categories: &[Category],
    taken: &BTreeSet<String>,
) -> Vec<Proposal> {
    let text = index.text.as_str();
    let chains = heading_chains(index);
    let doc_freq = bigram_doc_freq(index);
    let found = find_in_sections(index, &chains);
    let spans: Vec<Range<usize>> = found.iter().map(|f| f.span.clone()).collect();
    let mut seq: HashMap<usize, usize> = HashMap::new();
    let mut used: BTreeSet<String> = taken.clone();
    let mut out = Vec::with_capacity(found.len());
    for (k, f) in found.into_iter().enumerate() {
        let (span, unique) = make_unique(text, f.span, k, &spans);
        // Checked again on the final quote: making it unique may have taken in more text.
        if !plain_brackets(&text[span.clone()]) {
            continue;
        }
        let n = seq.entry(f.heading).or_insert(0);
        *n += 1;
        let chain = &chains[f.heading];
        let id = pledge_id(index, chain, *n, &mut used);
        let heading_texts: Vec<&str> = chain
            .iter()
            .rev()
            .map(|&a| index.headings[a].text.as_str())
            .collect();
        let category = choose_category(
            &heading_texts,
            [
                &text[span.clone()],
                lead_sentence(index.block_around(span.clone())),
            ],
            categories,
            &doc_freq,
        );
        out.push(Proposal {
            id,
            text: text[span.clone()].to_string(),
            span,
            unique,
            category,
            section: Some(index.headings[f.heading].text.clone()),
            quantity: f.quantity,
            quantity_span: f.quantity_span,
            list: f.list,
        });
    }
    out
}

/// The quantities of every paragraph in scope: under a heading, outside review sections.
fn find_in_sections(index: &TextIndex, chains: &[Vec<usize>]) -> Vec<Found> {
    let heading_offsets: BTreeSet<usize> = index.headings.iter().map(|h| h.offset).collect();
    let mut found: Vec<Found> = Vec::new();
    let mut block_start = 0;
    for block in index.text.split('\n') {
        let start = block_start;
        block_start += block.len() + 1;
        if block.trim().is_empty() || heading_offsets.contains(&start) {
            continue;
        }
        let Some(h) = index.headings.iter().rposition(|h| h.offset <= start) else {
            continue;
        };
        if chains[h]
            .iter()
            .any(|&a| index.headings[a].text.contains("回顾"))
        {
            continue;
        }
        find_in_block(block, start, h, &mut found);
    }
    found
}

/// The quantities of `block` (starting at byte `start` of the text, under heading `h`), one
/// per piece of a clause, pushed onto `found`.
fn find_in_block(block: &str, start: usize, h: usize, found: &mut Vec<Found>) {
    for clause in clauses(block) {
        let abs = start + clause.start;
        for (piece, q, list) in pieces(&block[clause.clone()]) {
            if !plain_brackets(&block[clause.start + piece.start..clause.start + piece.end]) {
                continue;
            }
            found.push(Found {
                heading: h,
                span: abs + piece.start..abs + piece.end,
                quantity_span: abs + q.span.start..abs + q.span.end,
                quantity: q,
                list,
            });
        }
    }
}

/// The id of the `n`th proposal under the heading `chain`: the section numbers and `n`
/// (`3-1-04`, `p-04` without numbers), with a suffix when `used` holds it; added to `used`.
fn pledge_id(index: &TextIndex, chain: &[usize], n: usize, used: &mut BTreeSet<String>) -> String {
    let path: Vec<String> = chain
        .iter()
        .filter_map(|&a| heading_number(&index.headings[a].text))
        .map(|n| n.to_string())
        .collect();
    let base = if path.is_empty() {
        format!("p-{:02}", n)
    } else {
        format!("{}-{:02}", path.join("-"), n)
    };
    let mut id = base.clone();
    let mut suffix = 1;
    while used.contains(&id) {
        suffix += 1;
        id = format!("{base}-{suffix}");
    }
    used.insert(id.clone());
    id
}

/// For each heading, its chain of headings from the top level down to itself.
fn heading_chains(index: &TextIndex) -> Vec<Vec<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(index.headings.len());
    for (i, h) in index.headings.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&t| index.headings[t].level >= h.level)
        {
            stack.pop();
        }
        stack.push(i);
        out.push(stack.clone());
    }
    out
}

/// The clauses of a block, as byte ranges without their ending punctuation or outer spaces.
fn clauses(block: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in block.char_indices() {
        let ratio = c == ':'
            && block[..i].ends_with(|c: char| c.is_ascii_digit())
            && block[i + 1..].starts_with(|c: char| c.is_ascii_digit());
        if CLAUSE_ENDS.contains(&c) && !ratio {
            push_trimmed(&mut out, block, start..i);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(&mut out, block, start..block.len());
    out
}

fn push_trimmed(out: &mut Vec<Range<usize>>, s: &str, r: Range<usize>) {
    let piece = &s[r.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Words that join two targets of one clause, like `、` (`新建学校5所和医院3家`).
const JOINERS: &[&str] = &["、", "以及", "和", "及", "与"];

/// Which value of a `分别` list a pledge is, and of how many.
type ListPlace = Option<(usize, usize)>;

/// The pledge texts of one clause with their quantities (byte ranges within the clause), and
/// for the values of a `分别` list, which of how many each is.
fn pieces(clause: &str) -> Vec<(Range<usize>, Quantity, ListPlace)> {
    let mut qs = quantity::find(clause);
    // `分别`: quantities before it name the subjects.
    if let Some(at) = clause.find("分别")
        && qs.iter().any(|q| q.span.start > at)
    {
        qs.retain(|q| q.span.start > at);
        // A list of values, one per subject (`A、B分别增长8%、9%以上`): every pledge quotes
        // the subjects and the whole list, so that each says what its value is about.
        let list = qs.len() >= 2
            && qs
                .windows(2)
                .all(|w| quantity::follows_in_list(clause, w[0].span.end, w[1].span.start));
        if list {
            let n = qs.len();
            let whole = trim_range(clause, 0..clause.len());
            return qs
                .into_iter()
                .enumerate()
                .map(|(k, q)| (whole.clone(), q, Some((k + 1, n))))
                .collect();
        }
    }
    // A rank: the other numbers describe the ranked field.
    if let Some(r) = qs.iter().position(|q| q.rank) {
        let rank_start = qs[r].span.start;
        qs.retain(|q| q.rank || q.span.start > rank_start);
    }
    let mut out = Vec::with_capacity(qs.len());
    let mut start = 0;
    for (k, q) in qs.iter().enumerate() {
        let end = match qs.get(k + 1) {
            None => clause.len(),
            // End at the last `、` (or `和`, `及`…) between this quantity and the next, else
            // right after it.
            Some(next) => {
                let gap = &clause[q.span.end..next.span.start];
                JOINERS
                    .iter()
                    .filter_map(|j| gap.rfind(j))
                    .max()
                    .map_or(q.span.end, |i| q.span.end + i)
            }
        };
        let piece = trim_range(clause, start..end);
        out.push((piece, q.clone(), None));
        start = end;
        // Skip the joining word that ends this piece.
        let rest = clause[start..].trim_start();
        if let Some(j) = JOINERS.iter().find(|j| rest.starts_with(**j)) {
            start = clause.len() - rest.len() + j.len();
        }
    }
    out
}

fn trim_range(s: &str, r: Range<usize>) -> Range<usize> {
    let piece = &s[r.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    r.start + lead..(r.end - trail).max(r.start + lead)
}

/// Lengthen `span` until its text first occurs there, without overlapping another proposal.
fn make_unique(
    text: &str,
    mut span: Range<usize>,
    me: usize,
    all: &[Range<usize>],
) -> (Range<usize>, bool) {
    let is_unique = |s: &Range<usize>| text.find(&text[s.clone()]) == Some(s.start);
    let free = |s: &Range<usize>| {
        all.iter()
            .enumerate()
            .all(|(k, o)| k == me || o.end <= s.start || o.start >= s.end)
    };
    for _ in 0..3 {
        if is_unique(&span) {
            return (span, true);
        }
        let block_end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i);
        let block_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        // Forward: through the next clause end.
        let forward = text[span.end..block_end]
            .char_indices()
            .skip(1)
            .find(|&(_, c)| CLAUSE_ENDS.contains(&c))
            .map_or(block_end, |(i, _)| span.end + i);
        let ahead = span.start..forward;
        if forward > span.end && free(&ahead) {
            span = ahead;
            continue;
        }
        // Backward: from the previous clause's start.
        let before = &text[block_start..span.start];
        let mut cut = before.trim_end_matches(CLAUSE_ENDS);
        cut = &cut[..cut
            .rfind(CLAUSE_ENDS)
            .map_or(0, |i| i + cut[i..].chars().next().map_or(1, char::len_utf8))];
        let back = block_start + cut.len()..span.end;
        if back.start < span.start && free(&back) {
            span = back;
            continue;
        }
        break;
    }
    let unique = is_unique(&span);
    (span, unique)
}

/// The number of a heading's numbering: `三、…` → 3, `(一) …` → 1, `1．…` → 1.
pub fn heading_number(h: &str) -> Option<u32> {
    let s = h.trim_start_matches(['(', '（']);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let cn: String = s
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    let rest = &s[cn.len()..];
    if cn.is_empty() || !rest.starts_with(['、', ')', '）']) {
        return None;
    }
    chinese_number(&cn)
}

/// `一` … `九十九`.
fn chinese_number(s: &str) -> Option<u32> {
    let d = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => d(*c),
        ['十', u] => Some(10 + d(*u)?),
        [t, '十'] => Some(d(*t)? * 10),
        [t, '十', u] => Some(d(*t)? * 10 + d(*u)?),
        _ => None,
    }
}

fn bigrams(s: &str) -> BTreeSet<String> {
    let cs: Vec<char> = s.chars().collect();
    cs.windows(2)
        .filter(|w| w.iter().all(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        .map(|w| w.iter().collect())
        .collect()
}

/// In how many of the report's headings each two-character word occurs.
fn bigram_doc_freq(index: &TextIndex) -> BTreeMap<String, usize> {
    let mut df = BTreeMap::new();
    for h in &index.headings {
        for b in bigrams(&h.text) {
            *df.entry(b).or_insert(0) += 1;
        }
    }
    df
}

/// A paragraph's first sentence, which in a work report often names its topic
/// (`强化科技创新战略支撑。`).
fn lead_sentence(block: &str) -> &str {
    block
        .find(['。', '！', '？', '；'])
        .map_or(block, |i| &block[..i])
}

/// The category for a pledge under `headings` (nearest first); when no heading shares a word
/// with a category, the one that shares the most with the pledge's own `words` (its text and
/// its paragraph's first sentence), words that fewer categories hold counting more; else the
/// first category.
fn choose_category(
    headings: &[&str],
    words: [&str; 2],
    cats: &[Category],
    df: &BTreeMap<String, usize>,
) -> String {
    let Some(first) = cats.first() else {
        return String::new();
    };
    let cat_words: Vec<BTreeSet<String>> = cats
        .iter()
        .map(|c| {
            bigrams(&format!(
                "{} {}",
                c.name,
                c.description.as_deref().unwrap_or("")
            ))
        })
        .collect();
    for h in headings {
        let words = bigrams(h);
        let mut best: Option<(f64, usize)> = None;
        for (i, cw) in cat_words.iter().enumerate() {
            let score: f64 = words
                .intersection(cw)
                .map(|w| 1.0 / df.get(w).copied().unwrap_or(1).max(1) as f64)
                .sum();
            if score > 0.0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, i));
            }
        }
        if let Some((_, i)) = best {
            return cats[i].id.clone();
        }
    }
    let in_cats = |w: &String| cat_words.iter().filter(|cw| cw.contains(w)).count();
    let own: BTreeSet<String> = words.iter().flat_map(|t| bigrams(t)).collect();
    let mut best: Option<(f64, usize)> = None;
    for (i, cw) in cat_words.iter().enumerate() {
        let score: f64 = own.intersection(cw).map(|w| 1.0 / in_cats(w) as f64).sum();
        if score > 0.0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    best.map_or_else(|| first.id.clone(), |(_, i)| cats[i].id.clone())
}

/// Draft pledge-file YAML for `proposals` of `report`.
pub fn to_yaml(report: &str, source: &str, proposals: &[Proposal]) -> String {
    let mut y = format!(
        "# Draft pledges proposed by `duixian extract` from {source}.\n\
         # Each entry is a draft: check its text, target and category, give it a meaningful id,\n\
         # add a title or metric if you like, then delete `draft: true` to publish it.\n\
         report: {report}\n"
    );
    if proposals.is_empty() {
        y.push_str("pledges: []\n");
        return y;
    }
    y.push_str("pledges:\n");
    let mut section: Option<&str> = None;
    for p in proposals {
        if p.section.as_deref() != section {
            section = p.section.as_deref();
            if let Some(s) = section {
                y.push_str(&format!("\n  # ---- {} ----\n", comment_text(s)));
            }
        }
        let q = &p.quantity;
        y.push_str(&format!("  - id: {}\n", yaml_str(&p.id)));
        y.push_str(&format!("    text: {}\n", yaml_str(&p.text)));
        if !p.unique {
            y.push_str(
                "    # this text also occurs earlier in the report: lengthen it so that it is unique\n",
            );
        }
        if let Some((k, n)) = p.list {
            y.push_str(&format!(
                "    # value {k} of the {n} after `分别`: the target of subject {k} of those named before it\n"
            ));
        }
        y.push_str(&format!("    category: {}\n", yaml_str(&p.category)));
        if let Some(other) = q.other_bound {
            y.push_str(&format!(
                "    # a range in the text; the other bound is {}\n",
                number(other)
            ));
        }
        y.push_str(&format!(
            "    target: {{value: {}, unit: {}, qualifier: {}}}\n",
            number(q.value),
            yaml_str(&q.unit),
            q.qualifier.key()
        ));
        y.push_str("    draft: true\n");
    }
    y
}

/// `heading` made safe for a one-line YAML comment.
fn comment_text(heading: &str) -> String {
    heading
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                // A comment ends at a line break, and YAML refuses control characters.
                ' '
            } else if matches!(c, '[' | ']' | '{' | '}') {
                // The loader counts brackets everywhere, comments included, to bound YAML
                // nesting; a heading's brackets need not count.
                '·'
            } else {
                c
            }
        })
        .collect()
}

fn number(v: f64) -> String {
    crate::types::Num(v).to_string()
}

/// What `extract` wrote.
#[derive(Debug)]
pub struct Extracted {
    pub path: PathBuf,
    pub proposals: Vec<Proposal>,
    /// What the editor should know: a report without headings or without a forward-looking
    /// section, or nothing found.
    pub warnings: Vec<String>,
}

/// The warnings for a report whose `scope` gave `found` proposals.
fn scope_warnings(rel: &str, scope: &Scope, found: usize) -> Vec<String> {
    let mut w = Vec::new();
    if scope.headings == 0 {
        w.push(format!(
            "`{rel}` has no headings, so nothing was read: extract reads only under the report's \
             section headings (it looked at {} paragraphs, all before any heading). Mark the sections \
             in the file (`## 三、2024年重点工作安排`, `### (一) …`), or import the text again with \
             `duixian import`, which marks headings numbered `一、`, `(一)` and `1．`",
            scope.before_first_heading
        ));
    } else if scope.paragraphs == 0 {
        w.push(format!(
            "`{rel}` has no forward-looking section: all {} of its headings are the review of past \
             work (`回顾` in the heading or a heading above it), which extract skips. If the plan for \
             the year is in the file, give it a heading of its own (`## 三、2024年重点工作安排`)",
            scope.headings
        ));
    } else if found == 0 {
        w.push(format!(
            "found no number with a unit in the {} paragraphs read under {} of the {} headings of \
             `{rel}` ({} under review headings and {} before the first heading were skipped)",
            scope.paragraphs,
            scope.headings - scope.review,
            scope.headings,
            scope.review,
            scope.before_first_heading
        ));
    }
    w
}

/// Read report `id` of the site at `root`, propose its pledges and write them as a draft file.
pub fn extract(
    root: &Path,
    id: &ReportId,
    output: Option<&Path>,
    force: bool,
) -> Result<Extracted> {
    let (index, report_rel) = report_index(root, id)?;
    let site = read_site(root)?;
    let categories: Vec<Category> = site
        .categories
        .iter()
        .map(|c| Category {
            id: c.id.to_string(),
            name: c.name.clone(),
            description: c.description.clone(),
        })
        .collect();
    if categories.is_empty() {
        bail!("site.yaml defines no categories: add at least one, pledges need a category");
    }
    let sample = crate::init::SAMPLE_CATEGORIES;
    if categories.len() == sample.len()
        && categories
            .iter()
            .zip(sample)
            .all(|(c, (id, name))| c.id == *id && c.name == *name)
    {
        bail!(
            "site.yaml still has only the sample categories of `duixian init` ({}): define the \
             portal's own categories first (for example 科技创新, 城市建设与管理, 民生保障, one `- id:` and \
             `name:` each), since every draft pledge gets the category whose name is closest to its \
             section heading; then run extract again",
            sample
                .iter()
                .map(|(id, name)| format!("`{id}` {name}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let taken = pledge_ids(root, id.as_str());
    let proposals = propose(&index, &categories, &taken);
    let path = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join("content/pledges").join(format!("{id}.yaml")));
    if output.is_none() && path.exists() && !force {
        bail!(
            "`{}` already exists: write the drafts elsewhere with --output {}, or replace the file with --force",
            shown(root, &path),
            root.join("content/pledges")
                .join(format!("{id}-draft.yaml"))
                .display()
        );
    }
    write_file(&path, &to_yaml(id.as_str(), &report_rel, &proposals), force)?;
    let warnings = scope_warnings(&report_rel, &scope(&index), proposals.len());
    Ok(Extracted {
        path,
        proposals,
        warnings,
    })
}

/// The rendered text of report `id`'s body, and the report's path relative to `root`.
pub fn report_index(root: &Path, id: &ReportId) -> Result<(TextIndex, String)> {
    let path = root.join("content/reports").join(format!("{id}.md"));
    let rel = shown(root, &path);
    if !path.is_file() {
        bail!("no report `{id}`: `{rel}` does not exist");
    }
    let text = crate::content::read_text(&path)
        .map_err(|(l, c, m)| anyhow::anyhow!("{rel}:{l}:{c}: {m}"))?;
    let split = crate::content::frontmatter::split(&text)
        .map_err(|e| anyhow::anyhow!("{rel}:{}:1: {}", e.line, e.message))?;
    Ok((text_index(split.body), rel))
}

/// Pledge ids already used for `report` in the site's pledge files (files that do not parse
/// are skipped: `check` reports them).
pub fn pledge_ids(root: &Path, report: &str) -> BTreeSet<String> {
    #[derive(serde::Deserialize)]
    struct Ids {
        report: String,
        #[serde(default)]
        pledges: Vec<IdOnly>,
    }
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: String,
    }
    files_with_ext(&root.join("content/pledges"), &["yaml", "yml"], false)
        .into_iter()
        .filter_map(|p| crate::content::read_text(&p).ok())
        .filter(|t| crate::content::anchors::refuse_anchors(t).is_none())
        .filter_map(|t| serde_yaml::from_str::<Ids>(&t).ok())
        .filter(|f| f.report == report)
        .flat_map(|f| f.pledges.into_iter().map(|p| p.id))
        .collect()
}

impl Extracted {
    /// What was written, by section, for the command's output.
    pub fn summary(&self, root: &Path) -> Vec<String> {
        let n = self.proposals.len();
        let mut lines = vec![format!(
            "proposed {n} draft pledge{} in {}",
            if n == 1 { "" } else { "s" },
            shown(root, &self.path)
        )];
        let mut by_section: Vec<(String, usize)> = Vec::new();
        for p in &self.proposals {
            let s = p.section.clone().unwrap_or_default();
            match by_section.last_mut() {
                Some((last, k)) if *last == s => *k += 1,
                _ => by_section.push((s, 1)),
            }
        }
        for (s, k) in by_section {
            lines.push(format!("  {k:>3}  {s}"));
        }
        let ranges = self
            .proposals
            .iter()
            .filter(|p| p.quantity.other_bound.is_some())
            .count();
        let dup = self.proposals.iter().filter(|p| !p.unique).count();
        if ranges > 0 {
            lines.push(format!("  {ranges} range(s): value is the lower bound (upper when capped), noted in a comment"));
        }
        if dup > 0 {
            lines.push(format!(
                "  {dup} text(s) also occur earlier in the report: lengthen them (marked with a comment)"
            ));
        }
        lines.push(
            "  review each entry, then delete `draft: true`; `duixian check --drafts` validates them now"
                .to_string(),
        );
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<Category> {
        [
            ("economy", "主要预期目标"),
            ("innovation", "科技创新"),
            ("industry", "产业发展"),
            ("urban", "城市建设与管理"),
        ]
        .into_iter()
        .map(|(id, name)| Category {
            id: id.into(),
            name: name.into(),
            description: None,
        })
        .collect()
    }

    fn run(md: &str) -> Vec<Proposal> {
        propose(&text_index(md), &cats(), &BTreeSet::new())
    }

    /// Regression (issue #18): web pages write `:` where the report has `：`; the target after
    /// it was glued to the words before.
    #[test]
    fn an_ascii_colon_ends_a_clause_like_a_full_width_one_but_not_in_a_ratio() {
        let p =
            run("## 二、主要目标\n\n主要预期目标是:生产总值增长7%左右，按1:1比例配套资金5亿元。\n");
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["生产总值增长7%左右", "按1:1比例配套资金5亿元"]);
    }

    /// Regression (issue #18): under a heading that names no category, every pledge fell to
    /// the first category.
    #[test]
    fn a_heading_that_names_no_category_leaves_the_choice_to_the_pledges_words() {
        let p = run(
            "## 三、重点工作\n\n### (九) 其他工作\n\n推进科技创新平台建设10个。\n\n老旧小区改造68个。\n\n强化科技创新。完成任务5项。\n",
        );
        let cats: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.text.as_str(), p.category.as_str()))
            .collect();
        assert_eq!(
            cats,
            [
                ("推进科技创新平台建设10个", "innovation"),
                ("老旧小区改造68个", "economy"),
                ("完成任务5项", "innovation")
            ]
        );
    }

    /// Regression (issue #18): `A、B分别增长8%、9%以上` gave 8% exact and a text `9%以上`
    /// without its subject; `和` between two targets started the second text.
    #[test]
    fn a_list_after_fenbie_quotes_its_subjects_and_shares_its_closing_word() {
        let p = run(
            "## 二、主要目标\n\n规上工业增加值、固定资产投资分别增长8%、9%以上，新建学校5所和医院3家。\n",
        );
        use crate::types::Qualifier::{self, *};
        let got: Vec<(&str, f64, Qualifier, ListPlace)> = p
            .iter()
            .map(|p| {
                (
                    p.text.as_str(),
                    p.quantity.value,
                    p.quantity.qualifier,
                    p.list,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "规上工业增加值、固定资产投资分别增长8%、9%以上",
                    8.0,
                    AtLeast,
                    Some((1, 2))
                ),
                (
                    "规上工业增加值、固定资产投资分别增长8%、9%以上",
                    9.0,
                    AtLeast,
                    Some((2, 2))
                ),
                ("新建学校5所", 5.0, Exact, None),
                ("医院3家", 3.0, Exact, None),
            ]
        );
        let y = to_yaml("r", "x", &p);
        assert!(y.contains("# value 2 of the 2 after `分别`"), "{y}");
    }

    #[test]
    fn clauses_with_two_targets_become_two_non_overlapping_pledges() {
        let p = run(
            "## 三、重点工作\n\n### (四) 提升城市品质\n\n新建供热管网20公里，热交换站38座，新增供热面积700万平方米以上、主城区供热覆盖率达到75%以上。解决7000户2万余名群众用水安全问题。\n",
        );
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "新建供热管网20公里",
                "热交换站38座",
                "新增供热面积700万平方米以上",
                "主城区供热覆盖率达到75%以上",
                "解决7000户",
                "2万余名群众用水安全问题"
            ]
        );
        for w in p.windows(2) {
            assert!(w[0].span.end <= w[1].span.start);
        }
        assert_eq!(p[0].id, "3-4-01");
        assert_eq!(p[5].id, "3-4-06");
        assert!(p.iter().all(|p| p.category == "urban"));
    }

    #[test]
    fn review_sections_and_text_before_the_first_heading_are_skipped() {
        let p = run(
            "去年完成投资100亿元。\n\n## 一、2023年工作回顾\n\n### (一) 经济\n\n增长8%。\n\n## 二、主要目标\n\n生产总值增长7%左右。\n",
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text, "生产总值增长7%左右");
        assert_eq!(p[0].category, "economy");
    }

    #[test]
    fn subjects_before_fenbie_and_the_field_of_a_rank_are_not_targets() {
        let p = run(
            "## 三、工作\n\n推动35家“管涌工程”、107家“亿元企业培育工程”企业年产值分别增长20%以上、10%以上。空气质量排名跻身全国168个重点城市前120名、全省前6名。\n",
        );
        let v: Vec<(f64, &str)> = p
            .iter()
            .map(|p| (p.quantity.value, p.text.as_str()))
            .collect();
        assert_eq!(
            v,
            [
                (
                    20.0,
                    "推动35家“管涌工程”、107家“亿元企业培育工程”企业年产值分别增长20%以上、10%以上"
                ),
                (
                    10.0,
                    "推动35家“管涌工程”、107家“亿元企业培育工程”企业年产值分别增长20%以上、10%以上"
                ),
                (120.0, "空气质量排名跻身全国168个重点城市前120名"),
                (6.0, "全省前6名")
            ]
        );
    }

    #[test]
    fn repeated_texts_are_lengthened_until_unique() {
        let md = "## 三、工作\n\n### (二) 产业\n\n发布标准3个以上，力争年底产业链规模达到30亿元。围绕食品包装产业链，培育企业2家以上。力争年底产业链规模达到30亿元。围绕电力装备产业链，推动发展。\n";
        let p = run(md);
        let t: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "发布标准3个以上",
                "力争年底产业链规模达到30亿元",
                "培育企业2家以上",
                "力争年底产业链规模达到30亿元。围绕电力装备产业链"
            ]
        );
        assert!(p.iter().all(|p| p.unique));
        assert_eq!(p[0].category, "industry");
    }

    #[test]
    fn heading_numbers_and_categories() {
        assert_eq!(heading_number("三、2024年重点工作安排"), Some(3));
        assert_eq!(heading_number("(一) 构建创新体系"), Some(1));
        assert_eq!(heading_number("（十二）其他"), Some(12));
        assert_eq!(heading_number("二十一、附则"), Some(21));
        assert_eq!(heading_number("1．强化谋划"), Some(1));
        assert_eq!(heading_number("政府工作报告"), None);
        let idx = text_index(
            "## (一) 构建“顶天立地”创新体系，塑造发展新动能新优势\n\n## (七) 推动绿色低碳发展\n",
        );
        let df = bigram_doc_freq(&idx);
        // `创新` occurs in one heading, `发展` in two: innovation wins over industry.
        assert_eq!(
            choose_category(&[&idx.headings[0].text], ["", ""], &cats(), &df),
            "innovation"
        );
        assert_eq!(
            choose_category(&["其他"], ["", ""], &cats(), &df),
            "economy"
        );
    }

    #[test]
    fn ids_already_taken_get_a_suffix() {
        let taken: BTreeSet<String> = ["2-01".to_string()].into();
        let p = propose(
            &text_index("## 二、目标\n\n增长7%左右，增长8%。\n"),
            &cats(),
            &taken,
        );
        assert_eq!(p[0].id, "2-01-2");
        assert_eq!(p[1].id, "2-02");
    }

    #[test]
    fn yaml_output_parses_as_a_pledge_file() {
        let p = run("## 二、目标\n\n生产总值增长7%左右，增长3—5%。\n");
        let y = to_yaml("r-2024", "content/reports/r-2024.md", &p);
        let raw: crate::content::raw::RawPledgeFile = serde_yaml::from_str(&y).unwrap();
        assert_eq!(raw.pledges.len(), 2);
        assert!(raw.pledges.iter().all(|p| p.draft));
        let t = raw.pledges[1].target.as_ref().unwrap();
        assert_eq!(
            (t.value.get(), t.unit.as_str(), t.qualifier),
            (3.0, "%", crate::types::Qualifier::AtLeast)
        );
        assert!(y.contains("# a range in the text; the other bound is 5"));
    }

    /// Regression (fuzz, extract target): a heading with a control character went raw into the
    /// section comment, and the draft file did not parse.
    #[test]
    fn headings_with_control_characters_stay_inside_their_comment() {
        let p = run("## 二、目标\u{0}\u{2028}x: 1\n\n生产总值增长7%左右。\n");
        let y = to_yaml("r-2024", "content/reports/r-2024.md", &p);
        let raw: crate::content::raw::RawPledgeFile = serde_yaml::from_str(&y).unwrap();
        assert_eq!(raw.pledges.len(), 1);
        assert_eq!(
            comment_text("二、目标\u{0}\u{2028}[x]{y}"),
            "二、目标  ·x··y·"
        );
    }

    /// Regression (fuzz, extract target): a clause with 72 `{` became a quote that the loader's
    /// bound on YAML nesting refused, so the draft file did not read back.
    #[test]
    fn clauses_with_unpaired_brackets_are_not_proposed_and_headings_lose_theirs() {
        assert!(plain_brackets("新建[A]区{B}道路3条"));
        assert!(!plain_brackets("新建{{{{{道路3条"));
        assert!(!plain_brackets("新建]道路[3条"));
        let md =
            std::fs::read_to_string("tests/fixtures/fuzz-regressions/extract-deep-brackets.md")
                .unwrap();
        for body in [
            md.as_str(),
            "## [[[[[[ 目标 {{{{{{\n\n生产总值增长7%左右。\n",
        ] {
            let p = run(body);
            let y = to_yaml("r-2024", "content/reports/r-2024.md", &p);
            let (_, diags, parsed) = crate::content::parse_bytes(
                crate::content::Kind::Pledges,
                "p.yaml",
                y.into_bytes(),
            );
            assert!(parsed && diags.is_empty(), "{diags:?}");
        }
    }
}
