//! The URL table: the folders and root files the generator writes, the one list that routes, the
//! free-page check and the static-file check all read.
//!
//! `render::views::route` builds every URL from these names, and a test there renders the full
//! fixture and checks that every generated file's path is owned by an entry here, so a new
//! kind of page cannot be added without reserving its folder.

pub const REPORTS: &str = "reports";
pub const PLEDGES: &str = "pledges";
pub const NEWS: &str = "news";
pub const JURISDICTIONS: &str = "jurisdictions";
pub const CATEGORIES: &str = "categories";
pub const STATUS: &str = "status";
pub const COMPARE: &str = "compare";
/// The search page's folder, which also holds the search index (`search/meta.json`,
/// `search/t/`, `search/d/`, `search/x/`), whose file names depend on the content.
pub const SEARCH: &str = "search";
pub const EMBED: &str = "embed";
pub const OVERDUE: &str = "overdue";
/// The open data files' folder.
pub const DATA: &str = "data";

pub const INDEX: &str = "index.html";
pub const NOT_FOUND: &str = "404.html";
pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
pub const SYNTAX_CSS: &str = "syntax.css";

/// Folders of generated pages, each with what it holds (for messages). A free page may not
/// start with one of these: its URL would share a folder with generated pages.
pub const PAGE_SECTIONS: &[(&str, &str)] = &[
    (REPORTS, "the report pages"),
    (PLEDGES, "the pledge pages"),
    (NEWS, "the news pages"),
    (JURISDICTIONS, "the jurisdiction pages"),
    (CATEGORIES, "the category pages"),
    (STATUS, "the status pages"),
    (COMPARE, "the year-by-year comparison pages"),
    (SEARCH, "the search page and its index"),
    (EMBED, "the embeddable pledge cards"),
    (OVERDUE, "the list of overdue pledges"),
];

/// Files the generator writes at the root of the output, each with what it is.
pub const ROOT_FILES: &[(&str, &str)] = &[
    (INDEX, "the home page"),
    (NOT_FOUND, "the page shown for a missing address"),
    (FEED, "the Atom feed of news"),
    (SITEMAP, "the sitemap"),
    (ROBOTS, "the robots.txt file"),
    (SYNTAX_CSS, "the stylesheet of highlighted code"),
];

/// The section of a page path (`about`, `guide/data`) and what it holds, when the section is
/// reserved for generated pages.
pub fn reserved_page_section(page_path: &str) -> Option<(&'static str, &'static str)> {
    let first = page_path.split('/').next().unwrap_or_default();
    PAGE_SECTIONS.iter().find(|(s, _)| *s == first).copied()
}

/// What the generator may write at `path` (relative to the output folder, `/`-separated):
/// `Some(description)` when `path` is a root file of the table or lies in one of its folders
/// (including `data/`), `None` when the generator never writes there.
pub fn owner(path: &str) -> Option<&'static str> {
    if let Some((_, what)) = ROOT_FILES.iter().find(|(f, _)| *f == path) {
        return Some(what);
    }
    let (first, _) = path.split_once('/')?;
    if first == DATA {
        return Some("the open data files");
    }
    PAGE_SECTIONS
        .iter()
        .find(|(s, _)| *s == first)
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_reserved_for_pages() {
        let overdue = Some((OVERDUE, "the list of overdue pledges"));
        assert_eq!(reserved_page_section("overdue"), overdue);
        assert_eq!(reserved_page_section("overdue/notes"), overdue);
        assert_eq!(reserved_page_section("about"), None);
        // The demo's data guide lives at /data/: `data/` holds files, not pages.
        assert_eq!(reserved_page_section("data"), None);
    }

    #[test]
    fn owner_covers_root_files_and_folders_only() {
        assert!(owner("feed.xml").is_some());
        assert!(owner("sitemap.xml").is_some());
        assert!(owner("data/pledges.json").is_some());
        assert!(owner("pledges/a/b/feed.xml").is_some());
        assert_eq!(owner("style.css"), None);
        assert_eq!(owner("about/index.html"), None);
        assert_eq!(owner("img/feed.xml"), None);
    }
}
