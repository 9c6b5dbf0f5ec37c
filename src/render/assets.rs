//! Content-hashed names for the theme's stylesheets and scripts (`style.css` →
//! `style.3f2a1b0c9d.css`), so that a host may let browsers cache them for a year.
//!
//! Every `.css` and `.js` file of the theme's and site's `static/` folders, and the generated
//! `syntax.css`, is written twice: under its own name, as it is, and under `<stem>.<hash>.<ext>`,
//! where `<hash>` is the first 10 lowercase hex digits of the BLAKE3 hash of the hashed file's
//! bytes. Pages name the hashed file (`asset_url(path="style.css")` in templates). In the
//! hashed copy, module imports of other hashed files (`import … from "./search-index.js"`) and
//! CSS `@import`s point at their hashed names too, so a file's hash changes when a file it
//! imports changes; files are hashed after the files they import.

use super::theme::StaticSource;
use crate::diag::Diagnostic;
use std::collections::BTreeMap;

/// How many hex digits of the content hash a hashed name carries (the agreed host rule matches
/// `\.[0-9a-f]{10}\.(css|js)$`).
pub const HASH_DIGITS: usize = 10;

/// One file with a hashed name: that name (a path relative to the output folder) and its bytes.
#[derive(Debug, Clone)]
pub struct Asset {
    pub hashed: String,
    pub bytes: Vec<u8>,
}

/// The hashed files of a site, by the path of the file they copy.
#[derive(Debug, Default, Clone)]
pub struct Assets(pub BTreeMap<String, Asset>);

/// Whether files at `path` get a hashed copy.
pub fn is_hashed_kind(path: &str) -> bool {
    path.ends_with(".css") || path.ends_with(".js")
}

/// Whether a file name already looks like a hashed one (`x.0123456789.js`): a host's cache rule
/// would then keep it for a year although its bytes may change.
pub fn looks_hashed(path: &str) -> bool {
    let Some((rest, ext)) = path.rsplit_once('.') else {
        return false;
    };
    if ext != "css" && ext != "js" {
        return false;
    }
    let Some((_, digits)) = rest.rsplit_once('.') else {
        return false;
    };
    digits.len() == HASH_DIGITS
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `dir/stem.<hash>.ext` for the file `path` holding `bytes`.
pub fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    let hex: String = hash.as_bytes()[..HASH_DIGITS / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
        None => format!("{path}.{hex}"),
    }
}

/// A reference from one asset to another: the byte range of the quoted path in the file, and
/// the asset it names.
#[derive(Debug)]
struct Ref {
    start: usize,
    end: usize,
    target: String,
}

/// The path `spec` (as written in the file `from`) names, relative to the output folder;
/// `None` for absolute paths, URLs and paths leaving the output folder.
fn resolve(from: &str, spec: &str) -> Option<String> {
    if spec.starts_with('/') || spec.contains("://") || spec.contains('?') || spec.contains('#') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The quoted string starting at `i` (at its opening quote): the range of its contents.
fn quoted(text: &[u8], i: usize) -> Option<(usize, usize)> {
    let q = *text.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let end = text[i + 1..].iter().position(|&b| b == q || b == b'\n')? + i + 1;
    (text[end] == q).then_some((i + 1, end))
}

fn skip_space(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && text[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Where the keyword `word` stands on its own in `text` (not inside a longer name).
fn keyword_ends(text: &[u8], word: &str) -> Vec<usize> {
    let w = word.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = text[i..].windows(w.len()).position(|x| x == w) {
        let s = i + p;
        let e = s + w.len();
        let before_ok = s == 0 || !is_word(text[s - 1]);
        let after_ok = e == text.len() || !is_word(text[e]);
        if before_ok && after_ok {
            out.push(e);
        }
        i = s + 1;
    }
    out
}

/// The module specifiers of a script: `from "…"`, `import "…"` and `import("…")`, relative
/// ones (`./`, `../`) only, as browsers resolve those against the script's own address.
fn js_refs(path: &str, text: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for kw in ["from", "import"] {
        for e in keyword_ends(text, kw) {
            let mut i = skip_space(text, e);
            if kw == "import" && text.get(i) == Some(&b'(') {
                i = skip_space(text, i + 1);
            }
            if let Some((s, t)) = quoted(text, i) {
                let spec = String::from_utf8_lossy(&text[s..t]);
                if (spec.starts_with("./") || spec.starts_with("../"))
                    && let Some(target) = resolve(path, &spec)
                {
                    out.push((s, t, target));
                }
            }
        }
    }
    out
}

/// The stylesheets a stylesheet imports: `@import "…"` and `@import url(…)`.
fn css_refs(path: &str, text: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for e in keyword_ends(text, "@import") {
        let mut i = skip_space(text, e);
        let range = if text[i..].starts_with(b"url(") {
            i = skip_space(text, i + 4);
            quoted(text, i).or_else(|| {
                let end = text[i..].iter().position(|&b| b == b')')? + i;
                let mut t = end;
                while t > i && text[t - 1].is_ascii_whitespace() {
                    t -= 1;
                }
                Some((i, t))
            })
        } else {
            quoted(text, i)
        };
        if let Some((s, t)) = range
            && let Some(target) = resolve(path, &String::from_utf8_lossy(&text[s..t]))
        {
            out.push((s, t, target));
        }
    }
    out
}

/// `spec` with its last segment replaced by that of `hashed`.
fn respell(spec: &str, hashed: &str) -> String {
    let name = hashed.rsplit('/').next().unwrap_or(hashed);
    match spec.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_string(),
    }
}

/// Line and column (1-based) of byte `at` in `text`.
fn line_col(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Hash every stylesheet and script: `statics` by output path, with their sources, and the
/// generated files (`syntax.css`) with their bytes. `shown` names a static file in messages.
pub fn hash_all(
    statics: &BTreeMap<String, StaticSource>,
    generated: &[(&str, Vec<u8>)],
) -> Result<Assets, Vec<Diagnostic>> {
    let shown = |path: &str| match statics.get(path) {
        Some(StaticSource::Disk(p)) => p.to_string_lossy().into_owned(),
        _ => format!("(built-in theme)/static/{path}"),
    };
    let (mut files, mut errors) = read_hashed_statics(statics, &shown);
    for (path, bytes) in generated {
        files
            .entry(path.to_string())
            .or_insert_with(|| bytes.clone());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let refs = references(&files);
    let mut done = Assets::default();
    for path in files.keys() {
        let mut stack = Vec::new();
        if let Err(d) = hash_one(path, &files, &refs, &mut done, &mut stack, &shown) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        Err(errors)
    }
}

/// The stylesheets and scripts of `statics` by output path; a name that looks hashed or a file
/// that cannot be read is an error.
fn read_hashed_statics(
    statics: &BTreeMap<String, StaticSource>,
    shown: &impl Fn(&str) -> String,
) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, src) in statics {
        if !is_hashed_kind(path) {
            continue;
        }
        if looks_hashed(path) {
            errors.push(Diagnostic::new(
                shown(path),
                1,
                1,
                format!(
                    "static file name `{path}` looks like a content-hashed name (a dot, 10 hex digits, .css or .js), which hosts cache for a year: rename it, e.g. without the digits"
                ),
            ));
            continue;
        }
        match src {
            StaticSource::Embedded(b) => {
                files.insert(path.clone(), b.to_vec());
            }
            StaticSource::Disk(p) => match std::fs::read(p) {
                Ok(b) => {
                    files.insert(path.clone(), b);
                }
                Err(e) => errors.push(Diagnostic::new(
                    p.to_string_lossy(),
                    1,
                    1,
                    format!("cannot read static file: {e}"),
                )),
            },
        }
    }
    (files, errors)
}

/// Each file's references to other files of `files`, by position, one per position.
fn references(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<Ref>> {
    let mut refs: BTreeMap<String, Vec<Ref>> = BTreeMap::new();
    for (path, bytes) in files {
        let found = if path.ends_with(".js") {
            js_refs(path, bytes)
        } else {
            css_refs(path, bytes)
        };
        let mut list: Vec<Ref> = found
            .into_iter()
            .filter(|(_, _, t)| files.contains_key(t))
            .map(|(start, end, target)| Ref { start, end, target })
            .collect();
        list.sort_by_key(|r| r.start);
        list.dedup_by_key(|r| r.start);
        refs.insert(path.clone(), list);
    }
    refs
}

/// Hash `path` after the files it imports; `stack` holds the files being hashed, to find cycles.
fn hash_one(
    path: &str,
    files: &BTreeMap<String, Vec<u8>>,
    refs: &BTreeMap<String, Vec<Ref>>,
    done: &mut Assets,
    stack: &mut Vec<String>,
    shown: &dyn Fn(&str) -> String,
) -> Result<(), Diagnostic> {
    if done.0.contains_key(path) {
        return Ok(());
    }
    let bytes = &files[path];
    let list = &refs[path];
    if stack.iter().any(|p| p == path) {
        let first = &list[0];
        let (line, col) = line_col(bytes, first.start);
        let mut chain = stack.clone();
        chain.push(path.to_string());
        return Err(Diagnostic::new(
            shown(path),
            line,
            col,
            format!(
                "these files import each other in a circle ({}): a content-hashed name cannot name a file that names it back; move what they share into a file that imports neither",
                chain.join(" → ")
            ),
        ));
    }
    stack.push(path.to_string());
    for r in list {
        hash_one(&r.target, files, refs, done, stack, shown)?;
    }
    stack.pop();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for r in list {
        out.extend_from_slice(&bytes[at..r.start]);
        let spec = String::from_utf8_lossy(&bytes[r.start..r.end]);
        out.extend_from_slice(respell(&spec, &done.0[&r.target].hashed).as_bytes());
        at = r.end;
    }
    out.extend_from_slice(&bytes[at..]);
    let hashed = hashed_name(path, &out);
    done.0
        .insert(path.to_string(), Asset { hashed, bytes: out });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(files: &[(&str, &'static str)]) -> BTreeMap<String, StaticSource> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), StaticSource::Embedded(t.as_bytes())))
            .collect()
    }

    #[test]
    fn hashed_names_carry_ten_hex_digits_of_the_content() {
        let a = hashed_name("js/app.js", b"one");
        let b = hashed_name("js/app.js", b"two");
        assert_ne!(a, b);
        assert!(a.starts_with("js/app.") && a.ends_with(".js"), "{a}");
        assert!(looks_hashed(&a), "{a}");
        assert_eq!(a.len(), "js/app.".len() + HASH_DIGITS + ".js".len());
        assert_eq!(a, hashed_name("js/app.js", b"one"), "same bytes, same name");
        assert!(!looks_hashed("style.css"));
        assert!(!looks_hashed("jquery.3.7.1.js"));
        assert!(!looks_hashed("x.0123456789.svg"));
    }

    #[test]
    fn an_import_points_at_the_hashed_name_and_its_change_changes_the_importer() {
        let main = r#"import { A } from "./lib/a.js";
import "./b.js";
const later = import( './b.js');
// "./b.js" in a comment is not an import
export { x } from "../out.js";
"#;
        let statics = embedded(&[
            ("main.js", main),
            ("lib/a.js", "export const A = 1;"),
            ("b.js", "console.log(1)"),
        ]);
        let assets = hash_all(&statics, &[]).unwrap();
        let a = &assets.0["lib/a.js"].hashed;
        let b = &assets.0["b.js"].hashed;
        let text = String::from_utf8(assets.0["main.js"].bytes.clone()).unwrap();
        let a_name = a.rsplit('/').next().unwrap();
        assert!(
            text.contains(&format!(r#"from "./lib/{a_name}";"#)),
            "{text}"
        );
        assert!(text.contains(&format!(r#"import "./{b}";"#)), "{text}");
        assert!(text.contains(&format!(r#"import( './{b}')"#)), "{text}");
        assert!(text.contains(r#"// "./b.js" in a comment"#), "{text}");
        assert!(
            text.contains(r#"from "../out.js""#),
            "outside the output: {text}"
        );

        let changed = embedded(&[
            ("main.js", main),
            ("lib/a.js", "export const A = 2;"),
            ("b.js", "console.log(1)"),
        ]);
        let again = hash_all(&changed, &[]).unwrap();
        assert_eq!(again.0["b.js"].hashed, *b);
        assert_ne!(again.0["main.js"].hashed, assets.0["main.js"].hashed);
    }

    #[test]
    fn css_imports_are_respelled_too() {
        let statics = embedded(&[
            (
                "style.css",
                "@import \"base.css\";\n@import url(print.css) print;\nbody{}",
            ),
            ("base.css", "p{}"),
            ("print.css", "a{}"),
        ]);
        let assets = hash_all(&statics, &[]).unwrap();
        let text = String::from_utf8(assets.0["style.css"].bytes.clone()).unwrap();
        assert!(
            text.contains(&format!("@import \"{}\";", assets.0["base.css"].hashed)),
            "{text}"
        );
        assert!(
            text.contains(&format!("url({}) print", assets.0["print.css"].hashed)),
            "{text}"
        );
    }

    #[test]
    fn a_circle_of_imports_is_an_error_naming_the_file_and_line() {
        let statics = embedded(&[
            ("a.js", "import \"./b.js\";"),
            ("b.js", "\nimport \"./a.js\";"),
        ]);
        let errors = hash_all(&statics, &[]).unwrap_err();
        let msg = errors[0].to_string();
        assert!(msg.contains("a.js → b.js → a.js"), "{msg}");
        assert!(msg.contains("static/a.js:1:9"), "{msg}");
    }

    #[test]
    fn a_static_file_named_like_a_hashed_one_is_refused() {
        let statics = embedded(&[("vendor.0123456789.js", "x")]);
        let errors = hash_all(&statics, &[]).unwrap_err();
        assert!(errors[0].to_string().contains("rename it"), "{:?}", errors);
    }
}
