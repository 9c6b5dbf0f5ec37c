//! Validation of free pages under `content/pages/`: their URL paths, titles and texts.

use super::MAX_PAGE_PATH;
use super::{Errors, path, shown_stem, stem_problem};
use crate::content::locate::key;
use crate::content::raw::RawPage;
use crate::content::{Doc, FileId, Loaded};
use crate::model::Page;
use std::collections::BTreeMap;

/// The pages whose path is valid and free, sorted by path.
pub(super) fn pages(e: &mut Errors, loaded: &Loaded) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut page_seen: BTreeMap<String, FileId> = BTreeMap::new();
    for doc in &loaded.pages {
        let Some(p) = page_path(e, doc.file, &doc.stem) else {
            continue;
        };
        if let Some(&first) = page_seen.get(&p) {
            e.top(
                doc.file,
                format!(
                    "two pages have the URL /{p}/: this one and {}",
                    loaded.file(first).rel
                ),
            );
            continue;
        }
        check_fields(e, doc);
        page_seen.insert(p.clone(), doc.file);
        pages.push(Page {
            path: p,
            file: loaded.file(doc.file).rel.clone(),
            title: doc.raw.title.clone(),
            description: doc.raw.description.clone(),
            weight: doc.raw.weight,
            body: loaded.file(doc.file).body_text().to_string(),
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

/// The URL path of the page file with stem `stem` (`guide/index` is `guide`), or an error when a
/// segment is not valid, it is too long or it is reserved for generated pages.
fn page_path(e: &mut Errors, file: FileId, stem: &str) -> Option<String> {
    let mut segs: Vec<&str> = stem.split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"index") {
        segs.pop();
    }
    if let Some((bad, why)) = segs
        .iter()
        .find_map(|s| stem_problem(s).map(|why| (shown_stem(s), why)))
    {
        e.top(
            file,
            format!("page path segment `{bad}` is not valid: {why}"),
        );
        return None;
    }
    let chars = stem.chars().count();
    if chars > MAX_PAGE_PATH {
        e.top(
            file,
            format!(
                "page path `{}…` is {chars} characters long: a page's path under content/pages/ may have at most {MAX_PAGE_PATH}; use fewer or shorter folders",
                shown_stem(stem)
            ),
        );
        return None;
    }
    if let Some((section, what)) = crate::routes::reserved_page_section(segs[0]) {
        e.top(
            file,
            format!(
                "page path `/{section}/` is reserved for generated pages ({what}): rename the file"
            ),
        );
        return None;
    }
    Some(segs.join("/"))
}

/// Check a page's title and description.
fn check_fields(e: &mut Errors, doc: &Doc<RawPage>) {
    if doc.raw.title.trim().is_empty() {
        e.at(
            doc.file,
            &[key("title")],
            "title is empty: give the page a title",
        );
    }
    e.texts(
        doc.file,
        &[
            (path(&[key("title")]), Some(doc.raw.title.as_str())),
            (path(&[key("description")]), doc.raw.description.as_deref()),
        ],
    );
}
