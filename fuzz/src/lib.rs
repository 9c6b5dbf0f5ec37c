//! What the fuzz targets check beyond "no panic": shared by every target in `fuzz_targets/`.

use duixian::content::{Kind, parse_bytes};
use duixian::markdown::is_safe_url;

/// Parse `data` as a content file of `kind`, as the loader does, and check that every
/// diagnostic points at a line of the file.
pub fn parse(kind: Kind, rel: &str, data: &[u8]) {
    let (file, diags, _parsed) = parse_bytes(kind, rel, data.to_vec());
    // Lines of the decoded text, or of the raw bytes when they could not be decoded.
    let raw_lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    let lines = file.text.split('\n').count().max(raw_lines);
    for d in &diags {
        assert_eq!(d.path, rel);
        assert!(d.line >= 1 && d.col >= 1, "{d}");
        assert!(
            d.line <= lines + 1,
            "diagnostic beyond the end of a {lines}-line file: {d}"
        );
    }
}

/// Panics if `html` (our own renderer's output) holds anything executable: a script, style or
/// frame element, an `on*` attribute, or a link or source address that is not a safe URL.
/// Text `<` is always escaped in that output, so every literal `<` opens a tag.
pub fn assert_html_inert(html: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let end = after.find('>').expect("every tag is closed");
        let tag = &after[..end];
        rest = &after[end + 1..];
        let body = tag.trim_start_matches('/');
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            !matches!(
                name.as_str(),
                "script"
                    | "style"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "base"
                    | "form"
                    | "meta"
                    | "link"
            ),
            "element <{name}> in {html:?}"
        );
        // Attributes: name="value" with values escaped, so quotes delimit them exactly.
        let mut attrs = &body[name.len()..];
        while let Some(eq) = attrs.find("=\"") {
            let attr = attrs[..eq]
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let value_start = eq + 2;
            let value_end = attrs[value_start..]
                .find('"')
                .map(|i| value_start + i)
                .expect("attribute value is closed");
            let value = &attrs[value_start..value_end];
            assert!(!attr.starts_with("on"), "attribute {attr} in {html:?}");
            if matches!(attr.as_str(), "href" | "src") {
                let decoded = value.replace("&amp;", "&");
                assert!(is_safe_url(&decoded), "unsafe {attr}={value:?} in {html:?}");
            }
            attrs = &attrs[value_end + 1..];
        }
    }
}
