//! Validation of `site.yaml`: the portal's settings, its jurisdictions and its categories.

use super::{Errors, UniqueIds, parse_base_url, path, unknown};
use crate::content::locate::{idx, key};
use crate::content::raw::RawSite;
use crate::content::{Doc, FileId};
use crate::model::ix::{self, CategoryIx, JurisdictionIx};
use crate::model::{Category, Jurisdiction, SiteConfig};
use crate::types::is_valid_id;

/// The portal's settings, with `opts.base_url` in place of the file's when given.
pub(super) fn config(e: &mut Errors, doc: &Doc<RawSite>, opts: &super::BuildOptions) -> SiteConfig {
    let sf = doc.file;
    let raw = &doc.raw;
    let base_url_in = opts
        .base_url
        .clone()
        .unwrap_or_else(|| raw.base_url.clone());
    let (base_url, base_path) = match parse_base_url(&base_url_in) {
        Ok(v) => v,
        Err(msg) => {
            e.at(sf, &[key("base_url")], format!("base_url {msg}"));
            ("/".to_string(), "/".to_string())
        }
    };
    e.num(sf, &[key("about_tolerance")], raw.about_tolerance);
    let about_tolerance = raw.about_tolerance.map_or(0.05, |n| n.get());
    if !(0.0..1.0).contains(&about_tolerance) {
        e.at(
            sf,
            &[key("about_tolerance")],
            "about_tolerance must be a fraction from 0 to below 1, like 0.05",
        );
    }
    if !is_valid_id(&raw.theme) {
        e.at(
            sf,
            &[key("theme")],
            format!(
                "invalid theme name `{}`: use the name of a folder in themes/",
                raw.theme
            ),
        );
    }
    if raw.title.trim().is_empty() {
        e.at(
            sf,
            &[key("title")],
            "title is empty: give the portal a name",
        );
    }
    check_texts(e, doc);
    SiteConfig {
        title: raw.title.clone(),
        base_url,
        base_path,
        language: raw.language,
        theme: raw.theme.clone(),
        description: raw.description.clone(),
        about_tolerance,
    }
}

/// An error at each text of `site.yaml` (title, description, jurisdiction and category names
/// and descriptions) that holds a control character.
fn check_texts(e: &mut Errors, doc: &Doc<RawSite>) {
    let (sf, raw) = (doc.file, &doc.raw);
    let mut texts = vec![
        (path(&[key("title")]), Some(raw.title.as_str())),
        (path(&[key("description")]), raw.description.as_deref()),
    ];
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        texts.push((
            path(&[key("jurisdictions"), idx(i), key("name")]),
            Some(j.name.as_str()),
        ));
    }
    for (i, c) in raw.categories.iter().enumerate() {
        let at = |k: &str| path(&[key("categories"), idx(i), key(k)]);
        texts.push((at("name"), Some(c.name.as_str())));
        texts.push((at("description"), c.description.as_deref()));
    }
    e.texts(sf, &texts);
}

/// The jurisdictions in file order, each id mapped to its index (the first of duplicates),
/// parents resolved and checked for cycles.
pub(super) fn jurisdictions<'a>(
    e: &mut Errors,
    doc: &'a Doc<RawSite>,
) -> (Vec<Jurisdiction>, UniqueIds<&'a str, JurisdictionIx>) {
    let sf = doc.file;
    let raw = &doc.raw;
    let mut ids = UniqueIds::new("jurisdictions");
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        ids.define(e, j.id.as_str(), JurisdictionIx::new(i), sf, i, || {
            format!("jurisdiction id `{}`", j.id)
        });
    }
    let mut jurisdictions: Vec<Jurisdiction> = Vec::new();
    for (i, j) in raw.jurisdictions.iter().enumerate() {
        let parent = match &j.parent {
            None => None,
            Some(p) if p == &j.id => {
                e.at(
                    sf,
                    &[key("jurisdictions"), idx(i), key("parent")],
                    format!("jurisdiction `{}` cannot be its own parent", j.id),
                );
                None
            }
            Some(p) => match ids.get(p.as_str()) {
                Some(pi) => Some(pi),
                None => {
                    e.at(
                        sf,
                        &[key("jurisdictions"), idx(i), key("parent")],
                        unknown("jurisdiction", p.as_str(), ids.ids().copied()),
                    );
                    None
                }
            },
        };
        jurisdictions.push(Jurisdiction {
            id: j.id.clone(),
            name: j.name.clone(),
            parent,
        });
    }
    check_parent_cycles(e, doc.file, &jurisdictions);
    (jurisdictions, ids)
}

/// An error at the parent of each jurisdiction whose parents lead back to it (a → b → a).
fn check_parent_cycles(e: &mut Errors, sf: FileId, jurisdictions: &[Jurisdiction]) {
    for start in ix::all::<JurisdictionIx>(jurisdictions.len()) {
        let mut seen = vec![start];
        let mut cur = start;
        while let Some(p) = jurisdictions[cur].parent {
            if p == start {
                e.at(
                    sf,
                    &[key("jurisdictions"), idx(start.get()), key("parent")],
                    format!(
                        "jurisdiction parents form a cycle through `{}`",
                        jurisdictions[start].id
                    ),
                );
                break;
            }
            if seen.contains(&p) {
                break;
            }
            seen.push(p);
            cur = p;
        }
    }
}

/// The categories in file order, duplicates left out, each id mapped to its index.
pub(super) fn categories<'a>(
    e: &mut Errors,
    doc: &'a Doc<RawSite>,
) -> (Vec<Category>, UniqueIds<&'a str, CategoryIx>) {
    let mut ids = UniqueIds::new("categories");
    let mut categories = Vec::new();
    for (i, c) in doc.raw.categories.iter().enumerate() {
        if !ids.define(
            e,
            c.id.as_str(),
            CategoryIx::new(categories.len()),
            doc.file,
            i,
            || format!("category id `{}`", c.id),
        ) {
            continue;
        }
        categories.push(Category {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
        });
    }
    (categories, ids)
}
