//! Themes: one owner for every output path (free pages and static files never silently take a
//! generated file's place), the `extra.css` hook, and `theme eject`.

use crate::common::*;
use duixian::model::BuildOptions;
use std::path::Path;

/// A copy of the full fixture to change, and where its output goes.
fn site() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let out = dir.path().join("out");
    (dir, site, out)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Build `site` into `out` expecting failure; its messages.
fn build_fails(site: &Path, out: &Path) -> String {
    let o = run_build(site, out, &[]);
    assert!(!o.status.success(), "the build should fail");
    let err = stderr(&o);
    assert!(err.contains("nothing was written"), "{err}");
    err
}

#[test]
fn a_free_page_named_overdue_is_refused_not_mixed_with_the_generated_list() {
    let (_d, site, out) = site();
    build_ok(&site, &out, &[]);
    let before = tree(&out);
    write(
        &site.join("content/pages/overdue.md"),
        "---\ntitle: 逾期说明\n---\n正文\n",
    );
    let err = build_fails(&site, &out);
    assert!(
        err.contains(
            "content/pages/overdue.md:1:1: page path `/overdue/` is reserved for generated pages (the list of overdue pledges): rename the file"
        ),
        "{err}"
    );
    assert_eq!(tree(&out), before, "the previous output stays");
}

#[test]
fn a_static_feed_xml_is_refused_instead_of_replacing_the_feed() {
    let (_d, site, out) = site();
    write(&site.join("static/feed.xml"), "<feed/>");
    let err = build_fails(&site, &out);
    assert!(
        err.contains("static/feed.xml:1:1: the portal writes /feed.xml itself (the Atom feed of news): a static file may not replace it"),
        "{err}"
    );
}

#[test]
fn a_static_sitemap_xml_is_refused_instead_of_replacing_the_sitemap() {
    let (_d, site, out) = site();
    write(&site.join("static/sitemap.xml"), "<urlset/>");
    let err = build_fails(&site, &out);
    assert!(
        err.contains("static/sitemap.xml:1:1: the portal writes /sitemap.xml itself (the sitemap)"),
        "{err}"
    );
}

#[test]
fn static_files_that_collide_are_all_reported_in_one_run() {
    let (_d, site, out) = site();
    // A pledge's feed, an open data file, a search index file, a free page's folder; a theme
    // folder's static file collides as the site's does.
    write(
        &site.join("static/pledges/alpha-2024/illegal-buildings/feed.xml"),
        "x",
    );
    write(&site.join("static/data/pledges.csv"), "x");
    write(&site.join("static/search/meta.json"), "{}");
    write(&site.join("static/about/index.html"), "x");
    let err = build_fails(&site, &out);
    for expected in [
        "static/pledges/alpha-2024/illegal-buildings/feed.xml:1:1: the portal writes /pledges/alpha-2024/illegal-buildings/feed.xml itself",
        "static/data/pledges.csv:1:1: the portal writes /data/pledges.csv itself (the open data files)",
        "static/search/meta.json:1:1: the portal writes /search/meta.json itself (the search page and its index)",
        "content/pages/about.md:1:1: this page's URL /about/ is also the static file static/about/index.html",
        "4 problems found",
    ] {
        assert!(err.contains(expected), "missing «{expected}» in:\n{err}");
    }
}

#[test]
fn static_files_beside_generated_ones_and_theme_overrides_are_fine() {
    let (_d, site, out) = site();
    // Beside a generated page, not on it; and the site's style.css replacing the theme's.
    write(&site.join("static/news/photo.txt"), "photo");
    write(&site.join("static/about/photo.txt"), "photo");
    write(&site.join("static/style.css"), "body { color: red }");
    build_ok(&site, &out, &[]);
    assert_eq!(std::fs::read(out.join("news/photo.txt")).unwrap(), b"photo");
    assert_eq!(
        std::fs::read(out.join("style.css")).unwrap(),
        b"body { color: red }"
    );
}

/// Every file a build generates lies where the URL table says the generator writes, or is a
/// free page or a static file: a new kind of page cannot be added without reserving its path.
#[test]
fn every_generated_path_is_owned_by_the_url_table() {
    let (site, _) = duixian::build::load_site(
        &fixture("full"),
        &BuildOptions {
            drafts: true,
            base_url: None,
        },
    )
    .unwrap();
    let (r, _) = duixian::build::renderer_and_theme(&fixture("full"), &site).unwrap();
    let pages: Vec<String> = site
        .pages
        .iter()
        .map(|p| format!("{}/index.html", p.path))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for job in r.jobs() {
        let path = r.path_of(&job);
        assert!(seen.insert(path.clone()), "two jobs write {path}");
        // Static files and their content-hashed copies (`style.<hash>.css`) are the theme's.
        if matches!(
            job,
            duixian::render::Job::Static(..) | duixian::render::Job::Asset(..)
        ) || pages.contains(&path)
        {
            continue;
        }
        assert!(
            duixian::routes::owner(&path).is_some(),
            "{path} is generated but not in src/routes.rs"
        );
    }
}

#[test]
fn extra_css_is_linked_after_the_theme_stylesheet_only_when_present() {
    let (_d, site, out) = site();
    build_ok(&site, &out, &[]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("extra.css"), "no extra.css, no link");

    write(
        &site.join("static/extra.css"),
        ":root { --accent: #004d40; }",
    );
    build_ok(&site, &out, &[]);
    for page in [
        "index.html",
        "pledges/alpha-2024/illegal-buildings/index.html",
        "about/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        // Both are linked by their content-hashed names (docs/publishing.md, "Cached assets").
        let main = html
            .find("href=\"/sub/path/style.")
            .expect("the theme stylesheet");
        let extra = html
            .find("href=\"/sub/path/extra.")
            .unwrap_or_else(|| panic!("{page} links extra.css under the base path"));
        assert!(main < extra, "{page}: extra.css comes after style.css");
        let start = extra + "href=\"/sub/path/".len();
        let linked = &html[start..start + html[start..].find('"').unwrap()];
        assert_eq!(
            std::fs::read(out.join(linked)).unwrap(),
            b":root { --accent: #004d40; }",
            "{page} links {linked}"
        );
    }
    assert_eq!(
        std::fs::read(out.join("extra.css")).unwrap(),
        b":root { --accent: #004d40; }"
    );
}

#[test]
fn theme_eject_copies_the_builtin_theme_which_then_builds_the_same_site() {
    let (_d, site, out) = site();
    build_ok(&site, &out, &[]);
    let builtin = tree(&out);
    let root = site.to_str().unwrap();

    let o = duixian(&["--root", root, "theme", "eject"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_stderr_has(&o, "copied the built-in theme into themes/default/");
    assert!(site.join("themes/default/templates/base.html").is_file());
    assert!(site.join("themes/default/i18n/zh-Hans.yaml").is_file());
    build_ok(&site, &out, &[]);
    assert!(
        tree(&out) == builtin,
        "the ejected theme builds the same bytes"
    );

    // An edit is kept: a second eject refuses, writing nothing.
    let style = site.join("themes/default/static/style.css");
    std::fs::write(&style, "/* mine */").unwrap();
    let again = duixian(&["--root", root, "theme", "eject"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again)
            .contains("`themes/default/` already exists and is not empty: nothing was written"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&style).unwrap(), b"/* mine */");
    let forced = duixian(&["--root", root, "theme", "eject", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_ne!(std::fs::read(&style).unwrap(), b"/* mine */");

    // Another name is used once site.yaml names it; a name that is not an id is refused.
    let o = duixian(&["--root", root, "theme", "eject", "civic"]);
    assert_stderr_has(&o, "set `theme: civic` in site.yaml");
    assert!(site.join("themes/civic/templates/pledge.html").is_file());
    let bad = duixian(&["--root", root, "theme", "eject", "../elsewhere"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("theme name `../elsewhere` is not valid"));
    assert!(!site.join("elsewhere").exists() && !site.join("themes/elsewhere").exists());
}

/// `docs/themes.md`'s tables: section (a template or a type, as in `### \`name\``, or a `##`
/// heading) → field → documented type.
type DocTables = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

fn doc_tables(text: &str) -> DocTables {
    let mut tables = DocTables::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(h) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            section = h.trim().trim_matches('`').to_string();
        } else if line.starts_with("| `") {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells[1].trim_matches('`').to_string();
            let ty = cells[2].trim_matches('`').to_string();
            tables.entry(section.clone()).or_default().insert(name, ty);
        }
    }
    tables
}

/// Check `v` against the documented type `ty`, recording which (section, field) were seen.
fn check_type(
    v: &serde_json::Value,
    ty: &str,
    docs: &DocTables,
    path: &str,
    errors: &mut std::collections::BTreeSet<String>,
    seen: &mut std::collections::BTreeSet<(String, String)>,
) {
    if let Some(inner) = ty.strip_suffix('?') {
        if !v.is_null() {
            check_type(v, inner, docs, path, errors, seen);
        }
        return;
    }
    if let Some(inner) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        match v.as_array() {
            Some(items) => {
                for x in items {
                    check_type(x, inner, docs, &format!("{path}[]"), errors, seen);
                }
            }
            None => {
                errors.insert(format!("{path}: documented as a list ({ty}), is {v}"));
            }
        }
        return;
    }
    let ok = match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "bool" => v.is_boolean(),
        _ => {
            let Some(fields) = docs.get(ty) else {
                errors.insert(format!("{path}: type `{ty}` has no `### \\`{ty}\\`` table"));
                return;
            };
            let Some(obj) = v.as_object() else {
                errors.insert(format!("{path}: documented as {ty}, is {v}"));
                return;
            };
            for (k, x) in obj {
                match fields.get(k) {
                    Some(t) => {
                        seen.insert((ty.to_string(), k.clone()));
                        check_type(x, t, docs, &format!("{path}.{k}"), errors, seen);
                    }
                    None => {
                        errors.insert(format!("{path}.{k}: not documented in `### {ty}`"));
                    }
                }
            }
            true
        }
    };
    if !ok {
        errors.insert(format!("{path}: documented as {ty}, is {v}"));
    }
}

/// Every variable every template receives, for the full fixture and the demo portal, is in
/// docs/themes.md with its type; and everything documented there is received by some page.
#[test]
fn docs_themes_md_documents_every_template_variable_and_field() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = doc_tables(&std::fs::read_to_string(root.join("docs/themes.md")).unwrap());
    let every_page = docs.get("Every page").expect("an `## Every page` table");
    let mut errors = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut templates = std::collections::BTreeSet::new();
    for site_root in [fixture("full"), root.to_path_buf()] {
        let opts = BuildOptions {
            drafts: true,
            base_url: None,
        };
        let (site, _) = duixian::build::load_site(&site_root, &opts).unwrap();
        let (r, _) = duixian::build::renderer_and_theme(&site_root, &site).unwrap();
        let globals = r.site_globals();
        check_type(
            &globals["site"],
            "Site",
            &docs,
            "site",
            &mut errors,
            &mut seen,
        );
        assert!(
            globals["t"]
                .as_object()
                .is_some_and(|t| t.values().all(|v| v.is_string())),
            "t is a map of strings"
        );
        for job in r.jobs() {
            let duixian::render::Job::Html { kind } = job else {
                continue;
            };
            let (template, ctx) = r.page_context_json(&kind).unwrap();
            templates.insert(template);
            let own = docs.get(template);
            for (k, v) in ctx.as_object().expect("a context is an object") {
                let (section, ty) = match (every_page.get(k), own.and_then(|o| o.get(k))) {
                    (Some(t), _) => ("Every page", t),
                    (None, Some(t)) => (template, t),
                    (None, None) => {
                        errors.insert(format!("{template}: `{k}` not documented"));
                        continue;
                    }
                };
                seen.insert((section.to_string(), k.clone()));
                check_type(
                    v,
                    ty,
                    &docs,
                    &format!("{template}: {k}"),
                    &mut errors,
                    &mut seen,
                );
            }
        }
    }
    // One name, one type: a variable has the same type in every template (`T` and `T?` agree).
    let mut types_of: std::collections::BTreeMap<&str, (&str, &str)> = Default::default();
    for (template, vars) in docs.iter().filter(|(s, _)| s.ends_with(".html")) {
        for (name, ty) in vars {
            let ty = ty.trim_end_matches('?');
            match types_of.get(name.as_str()) {
                Some(&(other, t)) if t != ty => {
                    errors.insert(format!(
                        "`{name}` is {ty} in {template} but {t} in {other}: give one of them another name"
                    ));
                }
                _ => {
                    types_of.insert(name, (template, ty));
                }
            }
        }
    }
    // Documented but received by no page: a template's variable, a type's field, a type.
    for (section, fields) in &docs {
        let is_type = section.starts_with(|c: char| c.is_ascii_uppercase())
            && section.chars().all(|c| c.is_ascii_alphanumeric());
        if !(is_type || templates.contains(section.as_str()) || section == "Every page") {
            continue;
        }
        for field in fields.keys() {
            if !seen.contains(&(section.clone(), field.clone())) {
                errors.insert(format!(
                    "docs/themes.md: `{section}`.`{field}` is received by no page"
                ));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "docs/themes.md and the template contexts differ:\n{}",
        errors.into_iter().collect::<Vec<_>>().join("\n")
    );
}
