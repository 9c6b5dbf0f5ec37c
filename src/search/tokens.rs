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

/// A document token as the index keeps it: a token of at most 8 bytes (every CJK character and
/// pair, most words) packed into a number by [`pack`], a longer one as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Packed(u64),
    Long(&'a str),
}

/// A token of at most 8 bytes as a number: its UTF-8 bytes, little-endian, zero-padded. No
/// token holds a zero byte, so this is exact, and comparing `key.swap_bytes()` orders packed
/// tokens as their bytes.
pub fn pack(bytes: &[u8]) -> Option<u64> {
    (bytes.len() <= 8).then(|| {
        let mut b = [0u8; 8];
        b[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(b)
    })
}

/// The bytes of a packed token, and how many of them there are.
pub fn unpack(key: u64) -> ([u8; 8], usize) {
    (key.to_le_bytes(), 8 - (key.leading_zeros() / 8) as usize)
}

/// [`fnv1a`] of a packed token's bytes.
pub fn fnv1a_packed(key: u64) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut k = key;
    while k != 0 {
        h ^= (k & 0xff) as u32;
        h = h.wrapping_mul(0x0100_0193);
        k >>= 8;
    }
    h
}

/// The tokenizer of documents: the tokens of a text in one pass over its characters, as the
/// rules give them (every word; every character and every pair of adjacent characters of a CJK
/// run), building no text but the current word; reused from document to document.
#[derive(Debug, Default)]
pub struct DocTokenizer {
    word: String,
}

impl DocTokenizer {
    /// Every token occurrence of `input`, in text order.
    pub fn tokens(&mut self, input: &str, mut f: impl FnMut(Token<'_>)) {
        // The previous character of the current CJK run, packed (0: none), and its bits.
        let mut prev: u64 = 0;
        let mut prev_bits = 0;
        let mut word_chars = 0;
        self.word.clear();
        for c in input.chars() {
            let c = fold(c);
            if is_cjk(c) {
                self.end_word(&mut f);
                let mut utf8 = [0u8; 4];
                let n = c.encode_utf8(&mut utf8).len();
                let key = u64::from(u32::from_le_bytes(utf8));
                if prev != 0 {
                    f(Token::Packed(prev | key << prev_bits));
                }
                f(Token::Packed(key));
                (prev, prev_bits) = (key, 8 * n);
            } else if c.is_ascii_alphanumeric() {
                prev = 0;
                if self.word.is_empty() {
                    word_chars = 0;
                }
                if word_chars < MAX_WORD_CHARS {
                    self.word.push(c.to_ascii_lowercase());
                    word_chars += 1;
                }
            } else if !c.is_ascii() && (c.is_alphabetic() || c.is_numeric()) {
                prev = 0;
                if self.word.is_empty() {
                    word_chars = 0;
                }
                for l in c.to_lowercase() {
                    if word_chars < MAX_WORD_CHARS {
                        self.word.push(l);
                        word_chars += 1;
                    }
                }
            } else {
                prev = 0;
                self.end_word(&mut f);
            }
        }
        self.end_word(&mut f);
    }

    fn end_word(&mut self, f: &mut impl FnMut(Token<'_>)) {
        if self.word.is_empty() {
            return;
        }
        f(match pack(self.word.as_bytes()) {
            Some(key) => Token::Packed(key),
            None => Token::Long(&self.word),
        });
        self.word.clear();
    }
}

/// The tokens of a document text, as owned strings (for tests and small texts).
pub fn doc_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    DocTokenizer::default().tokens(text, |t| {
        out.push(match t {
            Token::Packed(key) => {
                let (bytes, n) = unpack(key);
                String::from_utf8(bytes[..n].to_vec()).expect("a packed token is whole characters")
            }
            Token::Long(t) => t.to_string(),
        })
    });
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

    /// The document tokens by the rules, step by step (fold, runs, tokens of each run): what
    /// the one-pass [`DocTokenizer`] must give.
    fn doc_tokens_by_runs(text: &str) -> Vec<String> {
        let n = Normalized::new(text);
        let mut out = Vec::new();
        for (cjk, range) in &n.runs {
            let run = &n.text[range.clone()];
            if !cjk {
                out.push(run.to_string());
                continue;
            }
            let chars: Vec<char> = run.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if i > 0 {
                    out.push(format!("{}{c}", chars[i - 1]));
                }
                out.push(c.to_string());
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_tokenizer_follows_the_rules(
            text in "([a-zA-Z0-9ＡＢＣ１２３ΣİẞŉǅⅫ²]|[老旧小区々〇かカ㐀豈𠀀]|[ ,.:_　！。\\-]){0,40}"
        ) {
            proptest::prop_assert_eq!(doc_tokens(&text), doc_tokens_by_runs(&text));
        }
    }

    #[test]
    fn a_buffer_is_reused_without_leftovers() {
        let mut n = Normalized::new("老旧小区 ABC");
        n.fill("x");
        assert_eq!(n.query_tokens(), ["x"]);
        n.fill("");
        assert!(n.query_tokens().is_empty());
        let mut t = DocTokenizer::default();
        t.tokens("ABC", |_| {});
        let mut seen = Vec::new();
        t.tokens("老x", |t| seen.push(format!("{t:?}")));
        let packed = |t: &str| format!("{:?}", Token::Packed(pack(t.as_bytes()).unwrap()));
        assert_eq!(seen, [packed("老"), packed("x")]);
        t.tokens("", |t| panic!("token {t:?} from nothing"));
    }

    #[test]
    fn packed_tokens_hash_and_sort_as_their_bytes() {
        let mut tokens = ["老旧", "老", "a", "ab", "𠀀𠀀", "z9", "々"];
        for t in tokens {
            let key = pack(t.as_bytes()).unwrap();
            assert_eq!(fnv1a_packed(key), fnv1a(t.as_bytes()), "{t}");
            let (bytes, n) = unpack(key);
            assert_eq!(&bytes[..n], t.as_bytes());
        }
        let mut keys: Vec<u64> = tokens.iter().map(|t| pack(t.as_bytes()).unwrap()).collect();
        keys.sort_by_key(|k| k.swap_bytes());
        tokens.sort();
        let sorted: Vec<u64> = tokens.iter().map(|t| pack(t.as_bytes()).unwrap()).collect();
        assert_eq!(keys, sorted);
        assert_eq!(pack("123456789".as_bytes()), None);
    }

    #[test]
    fn long_words_are_cut_and_huge_inputs_stay_linear() {
        let word = "a".repeat(100_000);
        assert_eq!(doc_tokens(&word), ["a".repeat(MAX_WORD_CHARS)]);
        let han = "改".repeat(100_000);
        let n = Normalized::new(&han);
        // A run of identical characters: 100,000 unigrams and 99,999 pairs.
        let mut count = 0;
        DocTokenizer::default().tokens(&han, |_| count += 1);
        assert_eq!(count, 199_999);
        assert_eq!(n.query_tokens(), ["改改"]);
    }
}
