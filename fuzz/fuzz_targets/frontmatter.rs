//! Front matter splitting on any text, and locating YAML paths in what it yields.
#![no_main]
use duixian::content::frontmatter::split;
use duixian::content::locate::{idx, key, locate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As the loader does: decoded first (BOM removed, line breaks made `\n`).
    let Ok(text) = duixian::content::decode(data.to_vec()) else {
        return;
    };
    let text = text.as_str();
    let Ok(s) = split(text) else {
        return;
    };
    // The YAML and the body are pieces of the text, in order, on the lines they claim.
    let base = text.as_ptr() as usize;
    let (ys, bs) = (
        s.yaml.as_ptr() as usize - base,
        s.body.as_ptr() as usize - base,
    );
    assert!(ys + s.yaml.len() <= bs && bs + s.body.len() == text.len());
    assert_eq!(text[..ys].matches('\n').count() + 1, s.yaml_first_line);
    // (An empty body after a closing fence that ends the file counts as the line after it.)
    if !s.body.is_empty() {
        assert_eq!(text[..bs].matches('\n').count() + 1, s.body_first_line);
    }
    let lines = s.yaml.split('\n').count();
    for path in [
        vec![key("title")],
        vec![key("pledges"), idx(0), key("text")],
        vec![key("updates"), idx(1), key("quote")],
        vec![key("years"), key("2024"), key("target"), key("value")],
        vec![idx(3)],
    ] {
        if let Some((line, col)) = locate(s.yaml, &path) {
            assert!(
                line >= 1 && col >= 1 && line <= lines + 1,
                "{path:?} at {line}:{col}"
            );
        }
    }
});
