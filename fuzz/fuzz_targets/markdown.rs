//! Markdown bodies: the text index, quote matching and HTML with highlighted, linked quotes.
//! The first bytes choose quotes from the rendered text; the rest is the Markdown.
#![no_main]
use duixian::markdown::{Mark, explain_missing, normalize_quote, render_html, text_index};
use duixian::model::build::first_occurrences;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let (params, md) = data.split_at(6);
    let Ok(md) = std::str::from_utf8(md) else {
        return;
    };
    let index = text_index(md);
    let text = &index.text;
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    // Quotes as editors write them: pieces of the rendered text, normalised like pledge texts.
    let mut quotes = Vec::new();
    for k in 0..3 {
        let a = params[2 * k] as usize % bounds.len();
        let b = (a + params[2 * k + 1] as usize % 48).min(bounds.len() - 1);
        let q = normalize_quote(&text[bounds[a]..bounds[b]]);
        if !q.is_empty() {
            quotes.push(q);
        }
    }
    let needles: Vec<&str> = quotes.iter().map(String::as_str).collect();
    let found = first_occurrences(text, &needles);
    let mut marks = Vec::new();
    for (k, (q, at)) in needles.iter().zip(&found).enumerate() {
        assert_eq!(*at, text.find(q), "first occurrence of {q:?}");
        match at {
            Some(start) => {
                let range = *start..start + q.len();
                let _ = index.section_at(range.start);
                let _ = index.block_around(range.clone());
                let s = index.sentence_around(range.clone());
                assert!(s.start <= range.start && s.end >= range.end);
                marks.push(Mark {
                    range,
                    anchor: Some(format!("q{k}")),
                    href: (k != 1).then(|| format!("/p/{k}/")),
                    class: "q".into(),
                    title: Some(format!("\"{q}\" <t>")),
                    label: (k != 2).then(|| format!("<{k}> & \"x\"")),
                });
            }
            None => {
                let _ = explain_missing(text, q);
            }
        }
    }
    let html = render_html(md, &marks, "/base/").html;
    duixian_fuzz::assert_html_inert(&html);
    // Every anchor of a mark that was placed appears exactly once.
    for m in &marks {
        let id = format!("id=\"{}\"", m.anchor.as_deref().unwrap_or(""));
        assert!(html.matches(&id).count() <= 1, "{id} twice in {html}");
    }
});
