//! Quantities in Chinese text — a number, its unit and how it is qualified (`700万平方米以上`,
//! `约 2.3%`, `3—5%`, `2万余名`) — with years, dates, ordinals, names and descriptors left out.
//!
//! What counts, in a clause:
//!
//! - **Numbers** are written in digits (ASCII or full-width), with an optional decimal part.
//!   Chinese numerals (`七大`, `四个一批`, `“十五五”`) are not read: in work reports they
//!   mostly name things.
//! - **Units** are required: a unit or measure word from a fixed list (`个 家 项 … 公里 平方米
//!   亩 吨 元 % 个百分点 …`), optionally after a magnitude (`万 亿 万亿 千 百`; `700万平方米`
//!   → value 700, unit `万平方米`). A magnitude alone (`300万`) is a unit too, at a clause end,
//!   before a qualifier word, or for `万`/`亿` before the noun it counts (`200万中小学生`).
//!   `套(间)`-style alternatives are kept in the unit. A number followed by anything else (`2026年`, `3月底`,
//!   `107国道`, `15分钟生活圈`, `3515功能鞋靴`) is not a quantity.
//! - **Not quantities**: numbers inside quotes or book-title marks (`“三个五百亿”`), numbers
//!   touching Latin letters (`PM2.5`, `5G`), ordinals (`第21届`), and descriptors — a measure
//!   (not a count word) followed by `以上`/`以下`/`的` and a noun, as in `5000万元以上企业`,
//!   `20万元以上的村`, `10千伏及以下线路`: the number describes what is counted.
//! - **Qualifiers**: `左右`/`上下`/`约`/`近` → about; `以上`/`多`/`余`/`不少于`/`不低于`/`超过`/
//!   `超`/`突破`/`高于` → at least; `以下`/`以内`/`不超过`/`不高于`/`低于`/`控制在` → at most;
//!   `前N名` → at most (a rank). A direction beats `左右` (`控制在3%左右` is at most 3%).
//! - **Ranges** (`1~2个`, `3—5%`, `3%—5%`, `1至2个`) become at least the lower bound, or at most
//!   the upper bound when the wording caps them (`控制在3%—5%`); the other bound is kept.
//! - **Lists** sharing a unit (`分别低于42.5、74微克/立方米`) give each number the unit of the
//!   last and the leading qualifier word of the first; a closing word of the last qualifies the
//!   items before it that have none (`分别增长8%、9%以上`). Items are joined by `、`, `和`, `及`,
//!   `与` or `以及`.

use crate::types::Qualifier;
use std::ops::Range;

/// A quantity found in a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    /// The other bound of a range, when the text gave one.
    pub other_bound: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    /// Byte range in the clause: from the number to the end of its unit and qualifier words.
    pub span: Range<usize>,
    /// A rank (`前120名`), whose other numbers in the clause describe the ranked field.
    pub rank: bool,
}

/// Count words: a number before one of these and a noun counts that noun (`22个项目`).
const COUNT_WORDS: &[&str] = &[
    "个", "家", "项", "条", "座", "栋", "幢", "处", "户", "人次", "人", "名", "位", "场", "种",
    "套", "间", "台", "辆", "艘", "架", "所", "次", "批", "件", "张", "株", "棵", "只", "头", "羽",
    "部", "册", "篇", "款", "块", "片", "根", "盏", "支", "组", "轮", "床", "层", "级", "类", "宗",
    "笔", "份", "门", "期", "户次", "场次", "家次", "人日",
];

/// Units of measure.
const MEASURES: &[&str] = &[
    "%",
    "％",
    "‰",
    "个百分点",
    "百分点",
    "倍",
    "公里",
    "千米",
    "米",
    "平方公里",
    "平方米",
    "立方米",
    "亩",
    "公顷",
    "吨标准煤",
    "吨",
    "斤",
    "公斤",
    "千克",
    "元",
    "美元",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "千伏安",
    "千伏",
    "度",
    "天",
    "微克/立方米",
    "标准箱",
];

const MAGNITUDES: &[&str] = &["万亿", "万", "亿", "千", "百"];

const AT_LEAST_BEFORE: &[&str] = &[
    "不少于",
    "不低于",
    "不小于",
    "超过",
    "突破",
    "高于",
    "多于",
    "大于",
    "超",
];
const AT_MOST_BEFORE: &[&str] = &[
    "不超过",
    "不高于",
    "不多于",
    "低于",
    "少于",
    "小于",
    "控制在",
    "控制到",
];
const ABOUT_BEFORE: &[&str] = &["大约", "约", "近"];

/// Every quantity in `clause`, in order.
pub fn find(clause: &str) -> Vec<Quantity> {
    let mut f = Finder {
        clause,
        quoted: quoted_mask(clause),
        out: Vec::new(),
        worded: Vec::new(),
        pending: Vec::new(),
    };
    let mut i = 0;
    while i < clause.len() {
        i = match number_at(clause, i) {
            Some((num_end, value)) => f.number(i, num_end, value),
            None => i + clause[i..].chars().next().map_or(1, char::len_utf8),
        };
    }
    close_lists(clause, &mut f.out, &f.worded);
    f.out
}

/// The quantities of a clause, found one number at a time.
struct Finder<'a> {
    clause: &'a str,
    /// For each byte of the clause: whether it lies inside quotes or book-title marks.
    quoted: Vec<bool>,
    out: Vec<Quantity>,
    /// Whether each quantity of `out` has a qualifier word of its own.
    worded: Vec<bool>,
    /// Numbers waiting for a unit later in a list (`42.5、74微克/立方米`): (start, end, value).
    pending: Vec<(usize, usize, f64)>,
}

impl Finder<'_> {
    /// Read the number `value` at `start..num_end`: a quantity when a unit follows. Returns
    /// where to read on.
    fn number(&mut self, start: usize, num_end: usize, value: f64) -> usize {
        let clause = self.clause;
        if self.in_name(start, num_end) {
            self.pending.clear();
            // Skip the rest of a name such as `1+1+4+N` or `7—11`.
            return skip_number_run(clause, num_end);
        }
        let (unit, other_bound) = match unit_and_range(clause, num_end) {
            Ok(found) => found,
            Err(read_on) => {
                self.pending.clear();
                return read_on;
            }
        };
        let Some(unit) = unit else {
            self.wait_for_unit(start, num_end, value);
            return num_end;
        };
        let (post, end) = post_qualifier(clause, unit.end);
        let (pre, rank) = pre_qualifier(clause, start, &unit.text);
        if !unit.count_word && is_descriptor(clause, unit.end) {
            self.pending.clear();
            return end;
        }
        let mut qualifier = self.qualifier(start, &unit, pre, post);
        let (value, other_bound) = bounds(value, other_bound, &mut qualifier);
        self.take_pending(&unit, post, qualifier);
        self.out.push(Quantity {
            value,
            other_bound,
            unit: unit.canonical,
            qualifier,
            span: start..end,
            rank,
        });
        self.worded
            .push(pre.is_some() || post.is_some() || unit.approx.is_some());
        end
    }

    /// Whether the number at `start..num_end` is part of a name: quoted, touching Latin
    /// letters (`PM2.5`, `5G`) or an ordinal (`第21届`).
    fn in_name(&self, start: usize, num_end: usize) -> bool {
        let prev = self.clause[..start].chars().next_back();
        let next = self.clause[num_end..].chars().next();
        let touches_latin = prev.is_some_and(|c| c.is_ascii_alphabetic() || c == '.')
            || next.is_some_and(|c| c.is_ascii_alphabetic());
        self.quoted[start] || touches_latin || prev == Some('第')
    }

    /// A bare number followed by `、` and another number may share that number's unit: keep
    /// it waiting; any other bare number ends the list.
    fn wait_for_unit(&mut self, start: usize, num_end: usize, value: f64) {
        let after = skip_space(self.clause, num_end);
        if self.clause[after..].starts_with('、')
            && number_at(self.clause, after + '、'.len_utf8()).is_some()
        {
            self.pending.push((start, num_end, value));
        } else {
            self.pending.clear();
        }
    }

    /// The qualifier of the quantity with `unit` at `start`, from its own words. Without a
    /// word of its own, a list item takes the leading word of the list: that of the numbers
    /// waiting for this unit (`低于42.5、74微克/立方米`), or of the quantity just before it
    /// (`分别突破60亿元、35亿元`).
    fn qualifier(
        &self,
        start: usize,
        unit: &Unit,
        pre: Option<Qualifier>,
        post: Option<Qualifier>,
    ) -> Qualifier {
        let own = combine(pre, post.or(unit.approx));
        if pre.is_some() || post.is_some() || unit.approx.is_some() {
            return own;
        }
        let waiting = self
            .pending
            .first()
            .and_then(|&(s, _, _)| pre_qualifier(self.clause, s, &unit.text).0);
        let previous = self
            .out
            .last()
            .filter(|q| follows_in_list(self.clause, q.span.end, start))
            .map(|q| q.qualifier)
            .filter(|&q| q != Qualifier::Exact);
        waiting.or(previous).unwrap_or(own)
    }

    /// The numbers waiting for `unit` become quantities in it, each with its own leading word
    /// (and the list's closing word `post`) or else the list's `qualifier`.
    fn take_pending(&mut self, unit: &Unit, post: Option<Qualifier>, qualifier: Qualifier) {
        for (s, e, v) in std::mem::take(&mut self.pending) {
            let item = match pre_qualifier(self.clause, s, &unit.text).0 {
                Some(p) => combine(Some(p), post),
                None => qualifier,
            };
            self.out.push(Quantity {
                value: v,
                other_bound: None,
                unit: unit.canonical.clone(),
                qualifier: item,
                span: s..e,
                rank: false,
            });
            self.worded.push(true);
        }
    }
}

/// The unit after the number ending at `num_end`, and the other bound when the number starts
/// a range (`3—5%`, `3%—5%`); `Err(where to read on)` when the dash joins a name
/// (`7—11便利店`).
fn unit_and_range(clause: &str, num_end: usize) -> Result<(Option<Unit>, Option<f64>), usize> {
    let at = skip_space(clause, num_end);
    let unit = parse_unit(clause, at);
    let range_from = unit.as_ref().map_or(at, |u| u.end);
    let Some((end2, value2)) = range_dash(clause, range_from) else {
        return Ok((unit, None));
    };
    match (unit, parse_unit(clause, skip_space(clause, end2))) {
        (None, Some(u2)) => Ok((Some(u2), Some(value2))),
        (Some(u1), Some(u2)) if u1.text == u2.text => Ok((Some(u2), Some(value2))),
        (None, None) => Err(skip_number_run(clause, end2)),
        // `增长102.5%——2024年`: a dash after a whole quantity.
        (unit, _) => Ok((unit, None)),
    }
}

/// A range's value and other bound: at most the upper bound when the wording caps it
/// (`控制在3%—5%`), else at least the lower bound (which sets `qualifier`).
fn bounds(value: f64, other: Option<f64>, qualifier: &mut Qualifier) -> (f64, Option<f64>) {
    match (other, *qualifier) {
        (Some(hi), Qualifier::AtMost) => (hi, Some(value)),
        (Some(hi), _) => {
            *qualifier = Qualifier::AtLeast;
            (value, Some(hi))
        }
        (None, _) => (value, None),
    }
}

/// A list's closing word qualifies the items before it that have none of their own
/// (`分别增长8%、9%以上`: both at least).
fn close_lists(clause: &str, out: &mut [Quantity], worded: &[bool]) {
    for k in (0..out.len().saturating_sub(1)).rev() {
        let next = &out[k + 1];
        if !worded[k]
            && out[k].qualifier == Qualifier::Exact
            && next.qualifier != Qualifier::Exact
            && !next.rank
            && next.unit == out[k].unit
            && follows_in_list(clause, out[k].span.end, next.span.start)
        {
            out[k].qualifier = next.qualifier;
        }
    }
}

/// Whether the quantity starting at `next_start` continues a list after one ending at `prev_end`.
pub fn follows_in_list(clause: &str, prev_end: usize, next_start: usize) -> bool {
    prev_end <= next_start
        && matches!(
            clause[prev_end..next_start].trim(),
            "、" | "和" | "及" | "与" | "以及"
        )
}

/// Before and after words together: a direction beats `about`; after beats before otherwise.
fn combine(pre: Option<Qualifier>, post: Option<Qualifier>) -> Qualifier {
    let dir =
        |q: Option<Qualifier>| q.filter(|q| matches!(q, Qualifier::AtLeast | Qualifier::AtMost));
    dir(post)
        .or(dir(pre))
        .or(post)
        .or(pre)
        .unwrap_or(Qualifier::Exact)
}

#[derive(Debug)]
struct Unit {
    text: String,
    /// The unit as written in the pledge file (`％` → `%`).
    canonical: String,
    end: usize,
    count_word: bool,
    /// `多`/`余` inside the unit (`2万余名`, `50多个`): at least.
    approx: Option<Qualifier>,
}

/// A unit at byte `at`: `[多|余] [magnitude] [多|余] [measure or count word] [(alternative)]`.
fn parse_unit(s: &str, at: usize) -> Option<Unit> {
    let mut i = at;
    let mut approx = None;
    let mut text = String::new();
    let eat_approx = |i: &mut usize, approx: &mut Option<Qualifier>| {
        if let Some(c) = s[*i..].chars().next()
            && (c == '多' || c == '余')
        {
            *i += c.len_utf8();
            *approx = Some(Qualifier::AtLeast);
        }
    };
    eat_approx(&mut i, &mut approx);
    // A measure that starts like a magnitude (`千米`, `百分点`) wins over the magnitude.
    let base_here = longest(&s[i..], MEASURES).or_else(|| longest(&s[i..], COUNT_WORDS));
    if base_here.is_none()
        && let Some(m) = longest(&s[i..], MAGNITUDES)
    {
        text.push_str(m);
        i += m.len();
        eat_approx(&mut i, &mut approx);
    }
    let (base, count_word) = match longest(&s[i..], MEASURES) {
        Some(m) => (Some(m), false),
        None => match longest(&s[i..], COUNT_WORDS) {
            Some(c) => (Some(c), true),
            None => (None, false),
        },
    };
    match base {
        Some(b) => {
            text.push_str(b);
            i += b.len();
        }
        // A magnitude alone may be a unit (`300万`).
        None if magnitude_is_unit(&text, &s[i..]) => {}
        None => return None,
    }
    if let Some(alt) = alternative(&s[i..]) {
        text.push_str(alt);
        i += alt.len();
    }
    let canonical = text.replace('％', "%");
    Some(Unit {
        text,
        canonical,
        end: i,
        count_word,
        approx,
    })
}

/// Whether a magnitude `magnitude` (possibly empty) followed by `rest` is a unit by itself: at
/// a clause end, before a qualifier word, or (`万`, `亿`) before the noun it counts
/// (`200万中小学生`; `500万以上企业` is a descriptor).
fn magnitude_is_unit(magnitude: &str, rest: &str) -> bool {
    if magnitude.is_empty() {
        return false;
    }
    let counts_noun =
        matches!(magnitude, "万" | "亿" | "万亿") && rest.chars().next().is_some_and(is_ideograph);
    counts_noun
        || rest.is_empty()
        || rest.starts_with(['、', '，', '。', '；', ',', ';'])
        || ["以上", "以下", "以内", "左右"]
            .iter()
            .any(|w| rest.starts_with(w))
}

/// An alternative unit in brackets at the start of `s` (`(间)` in `套(间)`), brackets included.
fn alternative(s: &str) -> Option<&str> {
    [('(', ')'), ('（', '）')]
        .into_iter()
        .find_map(|(open, close)| {
            let rest = s.strip_prefix(open)?;
            let alt = longest(rest, COUNT_WORDS).or_else(|| longest(rest, MEASURES))?;
            rest[alt.len()..]
                .starts_with(close)
                .then(|| &s[..open.len_utf8() + alt.len() + close.len_utf8()])
        })
}

fn longest<'a>(s: &str, list: &[&'a str]) -> Option<&'a str> {
    list.iter()
        .filter(|w| s.starts_with(**w))
        .max_by_key(|w| w.len())
        .copied()
}

/// Qualifier words right after a unit, and where they end.
fn post_qualifier(s: &str, at: usize) -> (Option<Qualifier>, usize) {
    let at2 = skip_space(s, at);
    for (w, q) in [
        ("及以上", Qualifier::AtLeast),
        ("以上", Qualifier::AtLeast),
        ("及以下", Qualifier::AtMost),
        ("以下", Qualifier::AtMost),
        ("以内", Qualifier::AtMost),
        ("之内", Qualifier::AtMost),
        ("左右", Qualifier::About),
        ("上下", Qualifier::About),
    ] {
        if s[at2..].starts_with(w) {
            return (Some(q), at2 + w.len());
        }
    }
    (None, at)
}

/// The qualifier word just before the number at `start`, and whether it is a rank (`前`).
fn pre_qualifier(s: &str, start: usize, unit: &str) -> (Option<Qualifier>, bool) {
    let before = s[..start].trim_end_matches([' ', '\u{3000}']);
    if before.ends_with('前') && matches!(unit, "名" | "位") {
        return (Some(Qualifier::AtMost), true);
    }
    // The longest word wins: `不少于` is at least, though it ends with `少于`.
    [
        (AT_LEAST_BEFORE, Qualifier::AtLeast),
        (AT_MOST_BEFORE, Qualifier::AtMost),
        (ABOUT_BEFORE, Qualifier::About),
    ]
    .into_iter()
    .flat_map(|(words, q)| words.iter().map(move |w| (*w, q)))
    .filter(|(w, _)| before.ends_with(w))
    .max_by_key(|(w, _)| w.len())
    .map_or((None, false), |(_, q)| (Some(q), false))
}

/// A measure at `at` (after its unit) that describes a noun: `以上`/`以下`/`的` then a noun.
fn is_descriptor(s: &str, at: usize) -> bool {
    let mut rest = &s[at..];
    let mut worded = false;
    for w in ["及以上", "以上", "及以下", "以下"] {
        if let Some(r) = rest.strip_prefix(w) {
            rest = r;
            worded = true;
            break;
        }
    }
    if let Some(r) = rest.strip_prefix('的') {
        rest = r;
        worded = true;
    }
    worded && rest.chars().next().is_some_and(is_ideograph)
}

fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// A range's second number after `at`: `—`, `－`, `-`, `~`, `～`, `至` or `到`, then a number.
fn range_dash(s: &str, at: usize) -> Option<(usize, f64)> {
    let at = skip_space(s, at);
    let rest = &s[at..];
    let dash = ["——", "—", "－", "-", "~", "～", "至", "到"]
        .into_iter()
        .find(|d| rest.starts_with(d))?;
    number_at(s, skip_space(s, at + dash.len()))
}

/// A number (digits with an optional decimal part) starting exactly at `i`.
fn number_at(s: &str, i: usize) -> Option<(usize, f64)> {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut digits = String::new();
    let mut j = i;
    let mut seen_point = false;
    while let Some(c) = s[j..].chars().next() {
        if digit(c) {
            digits.push(to_ascii_digit(c));
        } else if (c == '.' || c == '．') && !seen_point && !digits.is_empty() {
            // A point counts only when a digit follows.
            let after = &s[j + c.len_utf8()..];
            if !after.chars().next().is_some_and(digit) {
                break;
            }
            seen_point = true;
            digits.push('.');
        } else {
            break;
        }
        j += c.len_utf8();
    }
    if digits.is_empty() {
        return None;
    }
    digits.parse::<f64>().ok().map(|v| (j, v))
}

fn to_ascii_digit(c: char) -> char {
    if c.is_ascii_digit() {
        c
    } else {
        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0')
    }
}

/// Past a run of digits, letters and joining signs (`1+1+4+N`, `7—11`).
fn skip_number_run(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if c.is_ascii_alphanumeric() || ('０'..='９').contains(&c) || "+-—.．~～".contains(c)
        {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

fn skip_space(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// For each byte of `s`: whether it lies inside quotes or book-title marks.
fn quoted_mask(s: &str) -> Vec<bool> {
    let mut mask = vec![false; s.len() + 1];
    let mut depth: i32 = 0;
    let mut ascii_open = false;
    for (i, c) in s.char_indices() {
        match c {
            '“' | '‘' | '《' | '「' | '『' | '〈' => depth += 1,
            '”' | '’' | '》' | '」' | '』' | '〉' => depth = (depth - 1).max(0),
            '"' => ascii_open = !ascii_open,
            _ => {}
        }
        let inside = depth > 0 || ascii_open;
        mask[i..i + c.len_utf8()].fill(inside);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use Qualifier::*;

    /// (value, unit, qualifier) of every quantity in `s`.
    fn q(s: &str) -> Vec<(f64, String, Qualifier)> {
        find(s)
            .into_iter()
            .map(|q| (q.value, q.unit, q.qualifier))
            .collect()
    }

    fn one(v: f64, u: &str, k: Qualifier) -> Vec<(f64, String, Qualifier)> {
        vec![(v, u.to_string(), k)]
    }

    #[test]
    fn integers_and_decimals_with_units() {
        assert_eq!(q("改造老旧小区68个"), one(68.0, "个", Exact));
        assert_eq!(q("完成仪器设备安装1.3亿元"), one(1.3, "亿元", Exact));
        assert_eq!(q("研发经费投入强度2.3%左右"), one(2.3, "%", About));
        assert_eq!(q("增长８．５％"), one(8.5, "%", Exact));
    }

    #[test]
    fn magnitudes_join_the_unit_and_spaces_are_allowed() {
        assert_eq!(
            q("新增供热面积700万平方米以上"),
            one(700.0, "万平方米", AtLeast)
        );
        assert_eq!(
            q("技术合同成交额完成 5 亿元以上"),
            one(5.0, "亿元", AtLeast)
        );
        assert_eq!(
            q("确保投资总额始终保持在2万亿元以上"),
            one(2.0, "万亿元", AtLeast)
        );
        assert_eq!(q("节能量超过3万吨标准煤"), one(3.0, "万吨标准煤", AtLeast));
        assert_eq!(q("新改建农村公路80公里以上"), one(80.0, "公里", AtLeast));
        assert_eq!(q("新建改造线路500千米"), one(500.0, "千米", Exact));
        assert_eq!(q("常住人口达到300万"), one(300.0, "万", Exact));
        // Regression (issue #18): a bare `万` before the noun it counts.
        assert_eq!(q("为200万中小学生提供免费午餐"), one(200.0, "万", Exact));
        assert_eq!(q("惠及10万群众"), one(10.0, "万", Exact));
        assert_eq!(q("年营收500万以上企业达到30家"), one(30.0, "家", Exact));
        assert_eq!(q("总投资50亿的项目3个"), one(3.0, "个", Exact));
    }

    #[test]
    fn percentage_points_and_alternative_units() {
        assert_eq!(
            q("常住人口城镇化率提高1个百分点左右"),
            one(1.0, "个百分点", About)
        );
        assert_eq!(q("提供500套(间)住房"), one(500.0, "套(间)", Exact));
        assert_eq!(q("提供500套（间）住房"), one(500.0, "套（间）", Exact));
        // Not an alternative: the bracket holds no unit, or is not closed right after it.
        assert_eq!(q("提供500套(公租房)"), one(500.0, "套", Exact));
        assert_eq!(q("提供500套(间住房"), one(500.0, "套", Exact));
    }

    #[test]
    fn qualifier_words_before_and_after() {
        for (s, k) in [
            ("优良天数不少于263天", AtLeast),
            ("不低于263天", AtLeast),
            ("企业超过35家", AtLeast),
            ("资金突破1亿元", AtLeast),
            ("集采药品超800种", AtLeast),
            ("约263天", About),
            ("263天以下", AtMost),
            ("263天以内", AtMost),
            ("不超过263天", AtMost),
            ("控制在263天", AtMost),
            ("控制在263天左右", AtMost),
            ("低于263天", AtMost),
            ("2万余名群众", AtLeast),
            ("50多个", AtLeast),
        ] {
            assert_eq!(q(s).first().map(|x| x.2), Some(k), "{s}");
        }
        assert_eq!(q("全省前6名"), one(6.0, "名", AtMost));
        assert_eq!(q("2万余名群众")[0].1, "万名");
    }

    #[test]
    fn ranges_take_the_lower_bound_unless_capped() {
        let r = find("新增1~2 个");
        assert_eq!(
            (r[0].value, r[0].other_bound, r[0].qualifier),
            (1.0, Some(2.0), AtLeast)
        );
        assert_eq!(r[0].unit, "个");
        let r = find("增长3—5%");
        assert_eq!(
            (r[0].value, r[0].other_bound, r[0].qualifier),
            (3.0, Some(5.0), AtLeast)
        );
        let r = find("增长3%—5%");
        assert_eq!((r[0].value, r[0].unit.as_str()), (3.0, "%"));
        let r = find("涨幅控制在3%至5%");
        assert_eq!(
            (r[0].value, r[0].other_bound, r[0].qualifier),
            (5.0, Some(3.0), AtMost)
        );
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn years_dates_ordinals_and_names_are_not_quantities() {
        for s in [
            "2026年",
            "3月底前完成城市体检",
            "“十五五”",
            "四个一批",
            "15分钟生活圈",
            "第二十一届",
            "第21届",
            "107国道老漯周路以北段建成通车",
            "3515功能鞋靴研发中心",
            "推动“三个五百亿”项目",
            "构建“1+1+4+N”整体布局",
            "PM2.5、PM10年均浓度",
            "12345政务服务便民热线",
            "谋划2024中国(漯河)首届汉字文化旅游节",
            "《2025年工作要点》",
        ] {
            assert_eq!(q(s), vec![], "{s}");
        }
        assert_eq!(q("5G基站达到4600个"), one(4600.0, "个", Exact));
        assert_eq!(q("新开业7—11便利店5家以上"), one(5.0, "家", AtLeast));
        assert_eq!(q("推动2023年131个项目"), one(131.0, "个", Exact));
    }

    #[test]
    fn descriptors_of_the_counted_thing_are_left_out() {
        assert_eq!(
            q("进出口额5000万元以上企业超过35家"),
            one(35.0, "家", AtLeast)
        );
        assert_eq!(
            q("村集体收入20万元以上的村占比达到50%"),
            one(50.0, "%", Exact)
        );
        assert_eq!(
            q("新建改造10千伏及以下线路500千米"),
            one(500.0, "千米", Exact)
        );
        // A count before its noun is the target itself.
        assert_eq!(q("实施22个餐饮美食项目"), one(22.0, "个", Exact));
        assert_eq!(q("1个以上开发区进入示范序列"), one(1.0, "个", AtLeast));
    }

    #[test]
    fn lists_share_the_last_unit_and_the_first_qualifier_word() {
        assert_eq!(
            q("确保PM2.5、PM10年均浓度分别低于42.5、74微克/立方米"),
            vec![
                (42.5, "微克/立方米".to_string(), AtMost),
                (74.0, "微克/立方米".to_string(), AtMost)
            ]
        );
        assert_eq!(
            q("外贸进出口额、跨境电商交易额分别突破60亿元、35亿元"),
            vec![
                (60.0, "亿元".to_string(), AtLeast),
                (35.0, "亿元".to_string(), AtLeast)
            ]
        );
        assert_eq!(
            q("分别增长20%以上、10%以上"),
            vec![
                (20.0, "%".to_string(), AtLeast),
                (10.0, "%".to_string(), AtLeast)
            ]
        );
        // Regression (issue #18): the closing `以上` qualifies the whole list; `和` joins a list.
        assert_eq!(
            q("规上工业增加值、固定资产投资分别增长8%、9%以上"),
            vec![
                (8.0, "%".to_string(), AtLeast),
                (9.0, "%".to_string(), AtLeast)
            ]
        );
        assert_eq!(
            q("城镇、农村居民人均可支配收入分别增长 5.6%和 6.4%左右"),
            vec![(5.6, "%".to_string(), About), (6.4, "%".to_string(), About)]
        );
        assert_eq!(
            q("新建学校5所和医院3家以上"),
            vec![
                (5.0, "所".to_string(), Exact),
                (3.0, "家".to_string(), AtLeast)
            ]
        );
        assert_eq!(
            q("发放小额贷款1000万户2500万元"),
            vec![
                (1000.0, "万户".to_string(), Exact),
                (2500.0, "万元".to_string(), Exact)
            ]
        );
    }

    #[test]
    fn spans_cover_number_unit_and_qualifier() {
        let s = "新增供热面积700万平方米以上，主城区";
        let f = find(s);
        assert_eq!(&s[f[0].span.clone()], "700万平方米以上");
        let s = "全国168个重点城市前120名";
        let f = find(s);
        assert!(f.iter().any(|q| q.rank && &s[q.span.clone()] == "120名"));
    }
}
