//! The search tokeniser: how text becomes index tokens, rule for rule the same as the search
//! page's `search-index.js` (the rules are in `docs/search.md`; both sides are tested against
//! the cases in `tests/fixtures/search-tokens.json`).
//!
//! 1. Fold: full-width ASCII forms (`！`–`～`, U+FF01–U+FF5E) become ASCII, the ideographic space
//!    a space.
//! 2. Classify each folded character: *CJK* (Han ideographs, kana, 々, 〇), *word* (any other
//!    character that is alphabetic or numeric) or *separator* (everything else).
//! 3. Runs of one class are cut at every change of class and at separators. Word runs are
//!    lower-cased and cut to their first [`MAX_WORD_CHARS`] characters.
//! 4. A word run is one token. A CJK run of a document gives every character and every pair of
//!    adjacent characters; of a query, its pairs, or its one character if it has only one.

use std::ops::Range;

/// Word tokens are cut to this many characters (after lower-casing).
pub const MAX_WORD_CHARS: usize = 32;

/// Whether a (folded) character is written without spaces between words: Han ideographs of
/// every block, the iteration mark 々, the ideographic zero 〇, hiragana and katakana.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Full-width ASCII forms to ASCII, the ideographic space to a space; other characters as they are.
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Separator,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphabetic() || c.is_numeric() {
        Class::Word
    } else {
        Class::Separator
    }
}

/// A text folded and lower-cased, cut into CJK and word runs (byte ranges of `text`).
#[derive(Debug, Default)]
pub struct Normalized {
    text: String,
    runs: Vec<(bool, Range<usize>)>,
}

impl Normalized {
    pub fn new(input: &str) -> Normalized {
        let mut n = Normalized {
            text: String::with_capacity(input.len()),
            runs: Vec::new(),
        };
        n.fill(input);
        n
    }

    /// Normalise `input` into this buffer, reusing its allocations.
    pub fn fill(&mut self, input: &str) {
        self.text.clear();
        self.runs.clear();
        let mut current = Class::Separator;
        let mut start = 0;
        let mut word_chars = 0;
        for c in input.chars().map(fold) {
            let k = class(c);
            if k != current {
                self.close(current, start);
                current = k;
                start = self.text.len();
                word_chars = 0;
            }
            match k {
                Class::Cjk => self.text.push(c),
                Class::Word => {
                    for l in c.to_lowercase() {
                        if word_chars < MAX_WORD_CHARS {
                            self.text.push(l);
                            word_chars += 1;
                        }
                    }
                }
                Class::Separator => {}
            }
        }
        self.close(current, start);
    }

    fn close(&mut self, class: Class, start: usize) {
        if class != Class::Separator && self.text.len() > start {
            self.runs
                .push((class == Class::Cjk, start..self.text.len()));
        }
    }

    /// Every token occurrence of a document, in text order: each word; each character and each
    /// pair of adjacent characters of a CJK run.
    pub fn for_each_doc_token<'s>(&'s self, mut f: impl FnMut(&'s str)) {
        for (cjk, range) in &self.runs {
            let run = &self.text[range.clone()];
            if !cjk {
                f(run);
                continue;
            }
            // Start of the previous character, and of the one before it.
            let mut chars = run.char_indices().map(|(i, _)| i).chain([run.len()]);
            let Some(mut a) = chars.next() else { continue };
            let mut b = chars.next().unwrap_or(run.len());
            for c in chars {
                f(&run[a..b]);
                f(&run[a..c]);
                (a, b) = (b, c);
            }
            f(&run[a..b]);
        }
    }

    /// The distinct tokens of a query, in order of first occurrence: each word; the pairs of
    /// adjacent characters of a CJK run, or its character if it has only one.
    pub fn query_tokens(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (cjk, range) in &self.runs {
            let run = &self.text[range.clone()];
            if *cjk {
                out.extend(cjk_pairs(run));
            } else {
                out.push(run);
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|t| seen.insert(*t));
        out
    }

    /// The runs: CJK runs and words, as normalised text.
    pub fn runs(&self) -> impl Iterator<Item = &str> {
        self.runs.iter().map(|(_, r)| &self.text[r.clone()])
    }
}

/// The pairs of adjacent characters of a CJK run, or its character if it has only one.
fn cjk_pairs(run: &str) -> impl Iterator<Item = &str> {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()))
        .collect();
    let chars = bounds.len() - 1;
    let mut out = Vec::with_capacity(chars);
    if chars == 1 {
        out.push(run);
    }
    for i in 2..=chars {
        out.push(&run[bounds[i - 2]..bounds[i]]);
    }
    out.into_iter()
}

/// The tokens of a document text, as owned strings (for tests and small texts).
pub fn doc_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    Normalized::new(text).for_each_doc_token(|t| out.push(t.to_string()));
    out
}

/// The distinct tokens of a query, as owned strings.
pub fn query_tokens(query: &str) -> Vec<String> {
    Normalized::new(query)
        .query_tokens()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// 32-bit FNV-1a of the token's UTF-8 bytes: the hash that picks a token's shard, on both sides.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The cases the search page's tokeniser is tested against too (`tests/browser/search-tokens.mjs`).
    const CASES: &str = include_str!("../../tests/fixtures/search-tokens.json");

    #[test]
    fn the_shared_cases_hold() {
        let cases: Value = serde_json::from_str(CASES).expect("the cases are JSON");
        let cases = cases["cases"].as_array().expect("a list of cases");
        assert!(cases.len() >= 10);
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let list = |key: &str| -> Vec<String> {
                case[key]
                    .as_array()
                    .unwrap_or_else(|| panic!("{key} of {text:?}"))
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            assert_eq!(doc_tokens(text), list("doc"), "document tokens of {text:?}");
            assert_eq!(
                query_tokens(text),
                list("query"),
                "query tokens of {text:?}"
            );
        }
        let hashes = serde_json::from_str::<Value>(CASES).unwrap()["fnv1a"].clone();
        for (token, hash) in hashes.as_object().unwrap() {
            assert_eq!(
                u64::from(fnv1a(token.as_bytes())),
                hash.as_u64().unwrap(),
                "{token}"
            );
        }
    }

    #[test]
    fn a_buffer_is_reused_without_leftovers() {
        let mut n = Normalized::new("老旧小区 ABC");
        n.fill("x");
        let mut seen = Vec::new();
        n.for_each_doc_token(|t| seen.push(t.to_string()));
        assert_eq!(seen, ["x"]);
        n.fill("");
        n.for_each_doc_token(|t| panic!("token {t} from nothing"));
        assert!(n.query_tokens().is_empty());
    }

    #[test]
    fn long_words_are_cut_and_huge_inputs_stay_linear() {
        let word = "a".repeat(100_000);
        assert_eq!(doc_tokens(&word), ["a".repeat(MAX_WORD_CHARS)]);
        let han = "改".repeat(100_000);
        let n = Normalized::new(&han);
        // A run of identical characters: 100,000 unigrams and 99,999 pairs.
        let mut count = 0;
        n.for_each_doc_token(|_| count += 1);
        assert_eq!(count, 199_999);
        assert_eq!(n.query_tokens(), ["改改"]);
    }
}
