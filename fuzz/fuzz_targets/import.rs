//! `duixian import`'s cleaning of a pasted newspaper text: it keeps every character but the
//! page markers it drops, and its body reads as Markdown.
#![no_main]
use duixian::editor::import::{clean, drop_markers, kept_chars};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let c = clean(text);
    assert!(c.body.is_empty() || c.body.ends_with('\n'), "{:?}", c.body);
    let (unmarked, _) = drop_markers(text);
    assert_eq!(
        kept_chars(&c.body),
        kept_chars(&unmarked),
        "characters lost or added"
    );
    let _ = duixian::markdown::text_index(&c.body);
    for p in c.paragraphs() {
        assert!(!p.is_empty());
    }
});
