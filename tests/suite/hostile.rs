//! Safe HTML: a site whose every string tries to break out of its context (tests/fixtures/hostile)
//! builds, and nothing executable from it reaches the output. Pages are parsed as a browser
//! would parse them (html5ever through scraper), so escaping mistakes show up as elements or
//! attributes that should not be there.

use crate::common::*;
use scraper::{ElementRef, Html};
use std::path::Path;

const BASE_URL: &str = "https://hostile.example/h/";

/// Attributes whose value is a URL a browser may load or navigate to.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "cite",
    "background",
    "srcset",
    "ping",
    "manifest",
    "icon",
    "codebase",
    "longdesc",
    "usemap",
    "lowsrc",
    "dynsrc",
    "xlink:href",
    "xml:base",
];

/// Elements content must never produce; one the theme's own templates use (the search page's
/// form) is allowed, its attributes still checked.
const FORBIDDEN: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
];

/// The scheme a browser would see: tabs and newlines removed, surrounding controls and spaces
/// trimmed, entities already decoded by the parser.
fn scheme(url: &str) -> Option<String> {
    let u: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = u.find(':')?;
    if u[..colon].contains(['/', '?', '#']) {
        return None;
    }
    Some(u[..colon].to_ascii_lowercase())
}

fn url_is_safe(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto" | "tel"),
    }
}

/// What the theme's own templates contain: the text of each `<script>` element, and the names
/// of all their elements.
struct Theme {
    scripts: Vec<String>,
    elements: std::collections::BTreeSet<String>,
}

fn theme_scripts() -> Theme {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut theme = Theme {
        scripts: Vec::new(),
        elements: Default::default(),
    };
    for (_, bytes) in tree(&dir) {
        let t = String::from_utf8(bytes).unwrap();
        let doc = Html::parse_fragment(&t);
        for el in doc.root_element().descendent_elements() {
            theme.elements.insert(el.value().name().to_string());
            if el.value().name() == "script" {
                theme.scripts.push(el.text().collect());
            }
        }
    }
    theme
}

/// Every problem in one parsed document: executable elements, event handlers, unsafe URLs.
fn problems(doc: &Html, where_: &str, theme: &Theme, out: &mut Vec<String>) {
    for el in doc.root_element().descendent_elements() {
        check_element(el, where_, theme, out);
    }
}

fn check_element(el: ElementRef, where_: &str, theme: &Theme, out: &mut Vec<String>) {
    let v = el.value();
    let name = v.name();
    if name == "script" {
        let text: String = el.text().collect();
        let ty = v.attr("type").unwrap_or("");
        if ty.ends_with("json") {
            if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                out.push(format!(
                    "{where_}: a JSON script that is not JSON: {text:?}"
                ));
            }
        } else if !theme.scripts.contains(&text) {
            out.push(format!(
                "{where_}: <script> not shipped by the theme: {text:?}"
            ));
        }
    }
    if FORBIDDEN.contains(&name) && !theme.elements.contains(name) {
        out.push(format!("{where_}: <{name}> element: {}", el.html()));
    }
    if name == "meta" && v.attr("http-equiv").is_some() {
        out.push(format!("{where_}: <meta http-equiv>: {}", el.html()));
    }
    for (attr, value) in v.attrs() {
        let attr = attr.to_ascii_lowercase();
        if attr.starts_with("on") {
            out.push(format!(
                "{where_}: event handler {attr}={value:?} on <{name}>"
            ));
        }
        if URL_ATTRS.contains(&attr.as_str()) && !url_is_safe(value) {
            out.push(format!("{where_}: unsafe {attr}={value:?} on <{name}>"));
        }
        if attr == "style" && (value.contains("url(") || value.contains("expression")) {
            out.push(format!("{where_}: style loads something: {value:?}"));
        }
    }
    // The embed code shown for copying is HTML that readers paste into their own pages.
    if name == "textarea" {
        let code: String = el.text().collect();
        let frag = Html::parse_fragment(&code);
        for inner in frag.root_element().descendent_elements() {
            let iv = inner.value();
            if iv.name() == "iframe" && iv.attr("src").is_some_and(|s| s.starts_with(BASE_URL)) {
                // The one element the embed code is for; its attributes are still checked.
                for (attr, value) in iv.attrs() {
                    if !matches!(
                        attr,
                        "src" | "title" | "width" | "height" | "style" | "loading"
                    ) {
                        out.push(format!(
                            "{where_}: embed code's iframe has attribute {attr}={value:?}"
                        ));
                    }
                }
                continue;
            }
            check_element(inner, &format!("{where_} (embed code)"), theme, out);
        }
    }
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(&fixture("hostile"), &out, &[]);
    (dir, out)
}

#[test]
fn nothing_executable_reaches_any_page() {
    let (_d, out) = built();
    let theme = theme_scripts();
    let mut found = Vec::new();
    let mut pages = 0;
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        problems(&Html::parse_document(&html), &path, &theme, &mut found);
    }
    assert!(pages > 20, "only {pages} pages built");
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The hostile strings did reach the pages, as text: the test above is not vacuous.
#[test]
fn hostile_text_is_shown_as_text() {
    let (_d, out) = built();
    let page = |p: &str| Html::parse_document(&std::fs::read_to_string(out.join(p)).unwrap());
    let text = |doc: &Html| doc.root_element().text().collect::<String>();
    let report = page("reports/evil-2024/index.html");
    let t = text(&report);
    for shown in [
        "<script>alert(1)</script>",
        "<img src=x onerror=\"alert('img')\">",
        "<a href=\"javascript:alert('raw-a')\">raw link</a>",
        "<script>alert('code')</script>",
        "<script>alert('inline')</script>",
    ] {
        assert!(t.contains(shown), "report page lacks the text {shown:?}");
    }
    // Quotes that contain markup are still found, highlighted and linked.
    let q = scraper::Selector::parse("a.q[href$='/script-quote/']").unwrap();
    let linked: String = report.select(&q).flat_map(|a| a.text()).collect();
    assert_eq!(
        linked,
        "改造老旧小区68个</script><script>alert('quote')</script>"
    );
    // Titles with quotes survive attribute escaping exactly.
    let pledge = page("pledges/evil-2024/double-quotes/index.html");
    let h1 = scraper::Selector::parse("h1").unwrap();
    assert_eq!(
        pledge
            .select(&h1)
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "a\"b'c<d>e&f"
    );
    let titled = scraper::Selector::parse("[title]").unwrap();
    assert!(
        report
            .select(&titled)
            .any(|e| e.value().attr("title").unwrap().contains("a\"b'c<d>e&f")),
        "a title attribute carries the pledge title intact"
    );
    // So does the embed code, escaped once for its own attribute and once for the textarea.
    let textarea = scraper::Selector::parse("textarea").unwrap();
    let code: String = pledge.select(&textarea).next().unwrap().text().collect();
    let iframe = scraper::Selector::parse("iframe").unwrap();
    let frag = Html::parse_fragment(&code);
    let embed = frag
        .select(&iframe)
        .next()
        .expect("the embed code is an iframe");
    assert_eq!(embed.value().attr("title"), Some("a\"b'c<d>e&f"));
    let title = scraper::Selector::parse("title").unwrap();
    let home = page("index.html");
    assert!(
        home.select(&title)
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .contains("</title></script><script>alert('site-title')</script>")
    );
}

#[test]
fn feeds_and_data_stay_well_formed() {
    let (_d, out) = built();
    let mut xml = 0;
    for (path, bytes) in tree(&out) {
        if !(path.ends_with(".xml") || path.ends_with(".json")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        if path.ends_with(".xml") {
            xml += 1;
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
            // The one way out of an XML text node is an element: none from content.
            for n in doc.descendants().filter(|n| n.is_element()) {
                assert_ne!(n.tag_name().name(), "script", "{path}");
            }
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        }
    }
    assert!(xml >= 3, "feed, sitemap and per-pledge feeds");
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("]]></summary><script>alert('summary')</script>")),
        "the hostile summary is a text node of the feed"
    );
}

#[test]
fn the_url_check_of_this_test_can_fail() {
    for bad in [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "\u{1}javascript:x",
        "data:text/html,x",
        "vbscript:x",
    ] {
        assert!(!url_is_safe(bad), "{bad:?}");
    }
    for good in [
        "/a/b",
        "https://x/",
        "#f",
        "mailto:a@b",
        "a/b:c",
        "?q=javascript:",
    ] {
        assert!(url_is_safe(good), "{good:?}");
    }
    let theme = theme_scripts();
    let mut found = Vec::new();
    let doc = Html::parse_document(
        "<p onclick=x><a href=' javascript:x'>a</a><textarea>&lt;b onclick=y&gt;</textarea><script>1</script></p>",
    );
    problems(&doc, "t", &theme, &mut found);
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn every_internal_link_resolves() {
    let (_d, out) = built();
    let broken: Vec<String> = broken_links(&out, "/h/", BASE_URL)
        .into_iter()
        // A relative link the report's author wrote (percent-encoded, so no scheme): content
        // links are passed through as written, and this one leads nowhere.
        .filter(|b| !b.contains("`javascript%3Aalert(1)`"))
        .collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn a_source_url_with_markup_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("hostile"), &site);
    let news = site.join("content/news/2024/evil-news.md");
    let text = std::fs::read_to_string(&news).unwrap();
    let line = text.lines().find(|l| l.starts_with("source_url:")).unwrap();
    std::fs::write(
        &news,
        text.replace(
            line,
            "source_url: \"https://evil.example/\\\"><script>alert(1)</script>\"",
        ),
    )
    .unwrap();
    let o = duixian(&["--root", site.to_str().unwrap(), "check"]);
    assert!(!o.status.success());
    assert_stderr_has(
        &o,
        "content/news/2024/evil-news.md:5:13: source_url contains '\"'",
    );
}

/// No path escapes: every file a build writes is named from validated ids and stays inside the
/// output folder, whatever the content says.
#[test]
fn output_paths_stay_inside_the_output_folder() {
    use duixian::render::{Renderer, theme};
    for name in ["hostile", "full"] {
        let root = fixture(name);
        let (site, _) =
            duixian::build::load_site(&root, &duixian::model::BuildOptions::default()).unwrap();
        let r = Renderer::new(&site, theme::load(&root, &site.config.theme).unwrap()).unwrap();
        for job in r.jobs() {
            let path = r.render(&job).unwrap().path;
            let p = Path::new(&path);
            assert!(
                p.is_relative()
                    && !path.contains('\\')
                    && path
                        .split('/')
                        .all(|s| !s.is_empty() && s != "." && s != ".."),
                "{name}: output path `{path}`"
            );
        }
    }
}

/// The cells of a CSV file of the output (after its byte order mark), by header name.
fn csv_rows(out: &Path, file: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let bytes = std::fs::read(out.join("data").join(file)).unwrap();
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a byte order mark");
    let mut r = csv::Reader::from_reader(body);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Regression (issue 17, item 1): texts starting with `=`, `+`, `-`, `@`, tab or CR went into
/// the CSV files unchanged, and spreadsheets ran them as formulas (`=HYPERLINK(...)`).
#[test]
fn csv_cells_never_start_a_formula_and_numbers_stay_numbers() {
    let (_d, out) = built();
    let starts_formula = |c: &str| c.starts_with(['=', '+', '-', '@', '\t', '\r']);
    for file in ["pledges.csv", "indicators.csv"] {
        for row in csv_rows(&out, file) {
            for (col, cell) in &row {
                assert!(
                    !starts_formula(cell) || cell.parse::<f64>().is_ok(),
                    "{file} {col}: {cell:?}"
                );
            }
        }
    }
    let pledges = csv_rows(&out, "pledges.csv");
    let p = pledges
        .iter()
        .find(|r| r["id"] == "evil-2024/formula")
        .expect("the formula pledge is in the CSV");
    assert_eq!(
        p["text"],
        "'=HYPERLINK(\"https://evil.example/\",\"点击领取\")"
    );
    assert_eq!(p["title"], "'+cmd|' /C calc'!A0");
    assert_eq!(p["department"], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(p["target_metric"], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(p["target_unit"], "'\t=1+1");
    assert_eq!(p["tags"], "'=1+1");
    assert_eq!(p["target_value"], "-3.5", "a number stays a number");
    let indicators = csv_rows(&out, "indicators.csv");
    let i = indicators
        .iter()
        .find(|r| r["indicator"] == "formula")
        .unwrap();
    assert_eq!(i["name"], "'=HYPERLINK(\"https://evil.example/\",\"指标\")");
    assert_eq!(i["unit"], "'@A1+1");
    assert_eq!((i["target"].as_str(), i["actual"].as_str()), ("-3.5", "-4"));

    // The JSON files are data, not spreadsheets: verbatim.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/pledges.json")).unwrap()).unwrap();
    let p = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "evil-2024/formula")
        .unwrap();
    assert_eq!(p["title"], "+cmd|' /C calc'!A0");
    assert_eq!(p["target"]["value"], -3.5);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/indicators.json")).unwrap()).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "=HYPERLINK(\"https://evil.example/\",\"指标\")")
    );
}

/// Regression (issue 17, item 9): NUL and other control characters of a body were copied raw
/// into the pages (HTML calls them parse errors; XML feeds may not hold them at all). They are
/// shown as U+FFFD, and a quote that contains them still matches.
#[test]
fn control_characters_never_reach_the_output() {
    let (_d, out) = built();
    let unshown = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let mut files = 0;
    for (path, bytes) in tree(&out) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        files += 1;
        if let Some(c) = text.chars().find(|&c| unshown(c)) {
            panic!("{path} holds {c:?}");
        }
    }
    assert!(files > 30, "only {files} text files");
    let report = std::fs::read_to_string(out.join("reports/evil-2024/index.html")).unwrap();
    assert!(
        report.contains("控制\u{FFFD}字符\u{FFFD}在此\u{FFFD}"),
        "the characters are shown replaced"
    );
    let doc = Html::parse_document(&report);
    let q = scraper::Selector::parse("a.q[href$='/control-chars/']").unwrap();
    let linked: String = doc.select(&q).flat_map(|a| a.text()).collect();
    assert_eq!(
        linked, "控制\u{FFFD}字符\u{FFFD}在此\u{FFFD}",
        "the quote is found"
    );
    let news = std::fs::read_to_string(out.join("news/evil-news/index.html")).unwrap();
    assert!(
        news.contains("控制\u{FFFD}字符\u{FFFD}[31m"),
        "news bodies too"
    );
}
