//! Site search: a Pagefind index (with Chinese word segmentation) of the rendered pledge, report
//! and news pages, returned as output files for the staging writer.
//!
//! Pages are added one at a time, in the fixed job order, so two builds of one site give the
//! same index bytes; Pagefind keeps only what it extracted from each page (its text, words,
//! filters and meta), not the page's HTML.

use crate::render::OutputFile;
use anyhow::{Context as _, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// The output folder of the index and of Pagefind's JavaScript and WebAssembly.
pub const BUNDLE_DIR: &str = "pagefind";

/// The language the index is segmented for: Chinese, whatever the interface language, because
/// the portals' content (reports, pledges, news) is Chinese.
const INDEX_LANGUAGE: &str = "zh";

/// What a searchable page is filed under, as stable ids (never interface labels), so that
/// filter URLs such as `?status=completed&year=2024` do not depend on the interface language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `pledge`, `report` or `news`.
    pub kind: &'static str,
    /// Status key of a pledge (`completed` …).
    pub status: Option<&'static str>,
    /// Category id of a pledge.
    pub category: Option<String>,
    /// Years the page is about: a pledge's or report's report year, a news item's date year.
    pub years: Vec<i32>,
    /// Jurisdiction ids.
    pub jurisdictions: Vec<String>,
    /// Labels shown with a result: the kind and, for a pledge, its status in the interface language.
    pub kind_label: String,
    pub status_label: Option<String>,
}

/// One rendered page to index: its output path (`pledges/a/b/index.html`), HTML and facets.
pub struct SearchPage {
    path: String,
    html: String,
    facets: Facets,
}

impl SearchPage {
    pub fn new(path: String, html: String, facets: Facets) -> SearchPage {
        SearchPage { path, html, facets }
    }
}

/// A Pagefind index being filled, page by page.
pub struct Indexer {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    pages: usize,
}

impl Indexer {
    pub fn new() -> Result<Indexer> {
        // Pagefind's API is async; its work runs on tokio's blocking pool.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .context("cannot start the search indexer")?;
        let config = PagefindServiceConfig::builder()
            .force_language(INDEX_LANGUAGE.to_string())
            .build();
        let index = PagefindIndex::new(Some(config)).context("cannot set up Pagefind")?;
        Ok(Indexer {
            runtime,
            index,
            pages: 0,
        })
    }

    /// Index one page: the text of its `data-pagefind-body` element (the whole `<body>` if the
    /// theme marks none), filed under its facets.
    pub fn add(&mut self, page: SearchPage) -> Result<()> {
        let html = with_facets(&page.html, &page.facets);
        drop(page.html);
        self.runtime
            .block_on(
                self.index
                    .add_html_file(Some(page.path.clone()), None, html),
            )
            .with_context(|| format!("cannot index `{}` for search", page.path))?;
        self.pages += 1;
        Ok(())
    }

    /// How many pages were added.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Build the index; its files and Pagefind's scripts, under `pagefind/`, sorted by path.
    pub fn finish(mut self) -> Result<Vec<OutputFile>> {
        let files = self
            .runtime
            .block_on(self.index.get_files())
            .context("cannot build the search index")?;
        let mut out: Vec<OutputFile> = files
            .into_iter()
            .map(|f| OutputFile {
                path: format!(
                    "{BUNDLE_DIR}/{}",
                    f.filename.to_string_lossy().replace('\\', "/")
                ),
                bytes: f.contents,
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// The page's HTML with its facets appended as Pagefind filter and meta attributes, in an
/// element Pagefind does not index as text. Only the indexed copy carries them.
fn with_facets(html: &str, f: &Facets) -> String {
    // `data-pagefind-ignore` (not `="all"`, which drops them too) keeps filters and meta
    // but leaves the text out of the index.
    let mut tags = String::from("<div data-pagefind-ignore hidden>");
    let mut filter = |name: &str, value: &str| {
        tags.push_str(&format!(
            "<span data-pagefind-filter=\"{name}\">{}</span>",
            escape(value)
        ));
    };
    filter("kind", f.kind);
    if let Some(s) = f.status {
        filter("status", s);
    }
    if let Some(c) = &f.category {
        filter("category", c);
    }
    for y in &f.years {
        filter("year", &y.to_string());
    }
    for j in &f.jurisdictions {
        filter("jurisdiction", j);
    }
    let mut meta = |name: &str, value: &str| {
        tags.push_str(&format!(
            "<span data-pagefind-meta=\"{name}\">{}</span>",
            escape(value)
        ));
    };
    meta("kind", &f.kind_label);
    if let Some(s) = &f.status_label {
        meta("status", s);
    }
    tags.push_str("</div>");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tags}{}", &html[..at], &html[at..]),
        None => format!("{html}{tags}"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets() -> Facets {
        Facets {
            kind: "pledge",
            status: Some("completed"),
            category: Some("urban".into()),
            years: vec![2024],
            jurisdictions: vec!["luohe".into()],
            kind_label: "承诺".into(),
            status_label: Some("已完成".into()),
        }
    }

    #[test]
    fn facets_go_before_the_end_of_body_and_are_escaped() {
        let mut f = facets();
        f.kind_label = "a<b&c".into();
        let html = with_facets("<html><body><main>x</main></body></html>", &f);
        assert!(html.starts_with("<html><body><main>x</main><div data-pagefind-ignore hidden>"));
        assert!(html.ends_with("</div></body></html>"));
        assert!(html.contains("<span data-pagefind-filter=\"status\">completed</span>"));
        assert!(html.contains("<span data-pagefind-filter=\"year\">2024</span>"));
        assert!(html.contains("<span data-pagefind-meta=\"kind\">a&lt;b&amp;c</span>"));
    }
}
