//! Rendering: the site model and a theme in, one output file per job out (pure, no disk writes).

pub mod assets;
pub mod charts;
pub mod data;
pub mod feeds;
pub mod fingerprint;
pub mod pages;
pub mod search;
pub mod strings;
pub mod theme;
pub mod views;

use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::index::SiteIndex;
use crate::model::ix::{self, CategoryIx, JurisdictionIx, NewsIx, PageIx, PledgeIx, ReportIx};
use crate::model::{IterIx, Site};
use crate::routes;
use crate::types::Status;
use serde::Serialize;
use std::collections::BTreeMap;
use strings::Strings;
use tera::Tera;
use theme::{StaticSource, ThemeFiles};
use views::{Ctx, Link, SharedViews, route};

pub const PLEDGES_PER_PAGE: usize = 50;
pub const NEWS_PER_PAGE: usize = 20;
pub const HOME_LATEST: usize = 8;
/// A site's (or theme's) own stylesheet, linked after the theme's when present.
pub const EXTRA_CSS: &str = "extra.css";

/// Rendering returns output files; the type belongs to the output (`search` and `publish` use it
/// without depending on rendering).
pub use crate::output::OutputFile;

/// A page whose template renders it.
#[derive(Debug, Clone)]
pub enum PageKind {
    Home,
    Reports,
    Report(ReportIx),
    /// Page n (1-based) of all pledges.
    Pledges(usize),
    ReportPledges(ReportIx),
    Pledge(PledgeIx),
    /// The small framable card of a pledge.
    Embed(PledgeIx),
    /// Page n of pledges past their deadline with no verdict and no successor.
    Overdue(usize),
    NewsList(usize),
    News(NewsIx),
    Jurisdictions,
    Jurisdiction(JurisdictionIx),
    Categories,
    Category(CategoryIx, usize),
    Statuses,
    Status(Status, usize),
    Compare(JurisdictionIx),
    Page(PageIx),
    Search,
    NotFound,
}

/// One unit of rendering work.
#[derive(Debug, Clone)]
pub enum Job {
    /// A page; its route is [`Renderer::route`].
    Html {
        kind: PageKind,
    },
    /// `pledges/<r>/<p>/pledge.json`: the pledge's open-data row.
    PledgeJson(PledgeIx),
    /// `pledges/<r>/<p>/feed.xml`: the pledge's status updates.
    PledgeFeed(PledgeIx),
    Feed,
    Sitemap,
    Robots,
    PledgesJson,
    PledgesCsv,
    IndicatorsJson,
    IndicatorsCsv,
    CodeCss,
    Static(String, StaticSource),
    /// The content-hashed copy of a stylesheet or script ([`assets`]), by the path it copies.
    Asset(String),
}

/// Everything needed to render any job of one site.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: Tera,
    /// The global `site` of every template.
    site_globals: tera::Value,
    strings: Strings,
    statics: BTreeMap<String, StaticSource>,
    assets: assets::Assets,
    /// The lists of pledges, reports, news … that pages show.
    index: SiteIndex<'a>,
    shared: SharedViews,
    /// The rows `data/pledges.{json,csv}` are written from when `serve` keeps them
    /// ([`Renderer::use_kept_rows`]); made from the model otherwise.
    kept_rows: Option<std::sync::Arc<data::PledgeRows>>,
}

#[derive(Serialize)]
struct SiteGlobals<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base: &'a str,
    base_url: &'a str,
    lang: &'static str,
    nav: Vec<Link>,
    pages: Vec<Link>,
    jurisdictions: Vec<Link>,
    categories: Vec<Link>,
    statuses: Vec<views::StatusView>,
    feed_url: String,
    data: Vec<Link>,
    /// The URL of `extra.css` when the site or theme has `static/extra.css`.
    extra_css: Option<String>,
}

fn pages_count(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

impl<'a> Renderer<'a> {
    /// Set up templates and strings; template syntax errors are reported here, all at once.
    pub fn new(site: &'a Site, files: ThemeFiles) -> Result<Self, Vec<Diagnostic>> {
        let strings = load_strings(site, &files.i18n)?;
        // Before the templates are added: they are checked for unknown functions then.
        let assets = assets::hash_all(
            &files.statics,
            &[("syntax.css", markdown::code_css().into_bytes())],
        )?;
        let mut tera = Tera::new();
        register_asset_url(&mut tera, &site.config.base_path, &files.statics, &assets);
        let mut tera = load_templates(site, tera, files.templates)?;
        let shared = SharedViews::new(site);
        let ctx = Ctx {
            site,
            s: &strings,
            base: &site.config.base_path,
            shared: &shared,
        };
        let globals = site_globals(
            &ctx,
            tera.contains_template(search::TEMPLATE),
            files.statics.contains_key(EXTRA_CSS),
        );
        let site_globals = tera::Value::from_serializable(&globals);
        tera.global_context()
            .insert_value("site", site_globals.clone());
        tera.global_context().insert("t", &strings.0);

        let renderer = Renderer {
            site,
            tera,
            site_globals,
            strings,
            statics: files.statics,
            assets,
            index: SiteIndex::new(site),
            shared,
            kept_rows: None,
        };
        let conflicts = renderer.path_conflicts(&files.static_files);
        if conflicts.is_empty() {
            Ok(renderer)
        } else {
            Err(conflicts)
        }
    }

    /// Static files that would take the path of a generated file or of a free page, one
    /// message each (a static file of the site replacing one of the theme is an override, not
    /// a conflict). Free pages cannot take a generated page's path: the model refuses their
    /// reserved folders ([`routes::reserved_page_section`]).
    fn path_conflicts(&self, static_files: &BTreeMap<String, String>) -> Vec<Diagnostic> {
        let site = self.site;
        let mut errors = Vec::new();
        let pages: BTreeMap<String, PageIx> = ix::all(site.pages.len())
            .map(|i| (format!("{}{}", route::page(site, i), routes::INDEX), i))
            .collect();
        // Made only when a static file lies where the generator writes.
        let mut generated: Option<rustc_hash::FxHashSet<String>> = None;
        for (path, shown) in static_files {
            if let Some(&i) = pages.get(path) {
                errors.push(Diagnostic::new(
                    &site.pages[i].file,
                    1,
                    1,
                    format!(
                        "this page's URL /{} is also the static file {shown}: rename the page or remove the static file",
                        route::page(site, i)
                    ),
                ));
                continue;
            }
            let Some(owner) = routes::owner(path) else {
                continue;
            };
            let generated = generated.get_or_insert_with(|| {
                self.jobs()
                    .iter()
                    .filter(|j| !matches!(j, Job::Static(..)))
                    .map(|j| self.path_of(j))
                    .collect()
            });
            let search_index =
                self.has_search() && path.starts_with(&route::section(routes::SEARCH));
            if generated.contains(path) || search_index {
                errors.push(Diagnostic::new(
                    shown,
                    1,
                    1,
                    format!(
                        "the portal writes /{path} itself ({owner}): a static file may not replace it; rename or remove {shown}"
                    ),
                ));
            }
        }
        errors
    }

    /// The globals every template sees besides its context: `site` (`SiteGlobals`) and `t`
    /// (the interface strings), as JSON; for `docs/themes.md`'s test.
    pub fn site_globals(&self) -> serde_json::Value {
        serde_json::json!({ "site": &self.site_globals, "t": &self.strings.0 })
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            site: self.site,
            s: &self.strings,
            base: &self.site.config.base_path,
            shared: &self.shared,
        }
    }

    /// Every page of the site, in a fixed order (the 404 page last).
    fn page_kinds(&self) -> Vec<PageKind> {
        let site = self.site;
        let mut html = vec![
            PageKind::Home,
            PageKind::Reports,
            PageKind::NewsList(1),
            PageKind::Jurisdictions,
            PageKind::Categories,
            PageKind::Statuses,
        ];
        html.extend((2..=pages_count(site.news.len(), NEWS_PER_PAGE)).map(PageKind::NewsList));
        html.extend((1..=pages_count(site.pledges.len(), PLEDGES_PER_PAGE)).map(PageKind::Pledges));
        for r in ix::all(site.reports.len()) {
            html.extend([PageKind::Report(r), PageKind::ReportPledges(r)]);
        }
        for p in ix::all(site.pledges.len()) {
            html.extend([PageKind::Pledge(p), PageKind::Embed(p)]);
        }
        html.extend(
            (1..=pages_count(self.index.overdue.len(), PLEDGES_PER_PAGE)).map(PageKind::Overdue),
        );
        html.extend(ix::all(site.news.len()).map(PageKind::News));
        for j in ix::all(site.jurisdictions.len()) {
            html.extend([PageKind::Jurisdiction(j), PageKind::Compare(j)]);
        }
        for c in ix::all(site.categories.len()) {
            let pages = pages_count(self.index.by_category[c].len(), PLEDGES_PER_PAGE);
            html.extend((1..=pages).map(|n| PageKind::Category(c, n)));
        }
        for (k, &st) in Status::ALL.iter().enumerate() {
            let pages = pages_count(self.index.by_status[k].len(), PLEDGES_PER_PAGE);
            html.extend((1..=pages).map(|n| PageKind::Status(st, n)));
        }
        html.extend(ix::all(site.pages.len()).map(PageKind::Page));
        if self.has_search() {
            html.push(PageKind::Search);
        }
        html.push(PageKind::NotFound);
        html
    }

    /// The route of a page: its URL path below the site's base, `/`-terminated (the 404 page's
    /// is its file name). Made when needed rather than kept with each job.
    pub fn route(&self, kind: &PageKind) -> String {
        let site = self.site;
        match *kind {
            PageKind::Home => String::new(),
            PageKind::Reports => route::section(routes::REPORTS),
            PageKind::Jurisdictions => route::section(routes::JURISDICTIONS),
            PageKind::Categories => route::section(routes::CATEGORIES),
            PageKind::Statuses => route::section(routes::STATUS),
            PageKind::NewsList(n) => route::paged(&route::section(routes::NEWS), n),
            PageKind::Pledges(n) => route::paged(&route::section(routes::PLEDGES), n),
            PageKind::Report(r) => route::report(site, r),
            PageKind::ReportPledges(r) => route::report_pledges(site, r),
            PageKind::Pledge(p) => route::pledge(site, p),
            PageKind::Embed(p) => route::embed(site, p),
            PageKind::Overdue(n) => route::paged(&route::section(routes::OVERDUE), n),
            PageKind::News(n) => route::news(site, n),
            PageKind::Jurisdiction(j) => route::jurisdiction(site, j),
            PageKind::Compare(j) => route::compare(site, j),
            PageKind::Category(c, n) => route::paged(&route::category(site, c), n),
            PageKind::Status(st, n) => route::paged(&route::status(st), n),
            PageKind::Page(i) => route::page(site, i),
            PageKind::Search => route::section(routes::SEARCH),
            PageKind::NotFound => routes::NOT_FOUND.into(),
        }
    }

    /// The routes the sitemap lists: every page but embeds and the 404 page, sorted.
    fn sitemap_routes(&self) -> Vec<String> {
        let mut routes: Vec<String> = self
            .page_kinds()
            .iter()
            .filter(|k| !matches!(k, PageKind::Embed(_) | PageKind::NotFound))
            .map(|k| self.route(k))
            .collect();
        routes.sort();
        routes
    }

    /// Every job of the site, in a fixed order.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs: Vec<Job> = self
            .page_kinds()
            .into_iter()
            .map(|kind| Job::Html { kind })
            .collect();
        for p in ix::all(site.pledges.len()) {
            jobs.push(Job::PledgeJson(p));
            jobs.push(Job::PledgeFeed(p));
        }
        jobs.extend([
            Job::Feed,
            Job::Sitemap,
            Job::Robots,
            Job::PledgesJson,
            Job::PledgesCsv,
            Job::IndicatorsJson,
            Job::IndicatorsCsv,
            Job::CodeCss,
        ]);
        for (path, src) in &self.statics {
            jobs.push(Job::Static(path.clone(), src.clone()));
        }
        jobs.extend(self.assets.0.keys().map(|p| Job::Asset(p.clone())));
        jobs
    }

    /// The path of a job's output file, relative to the output folder.
    pub fn path_of(&self, job: &Job) -> String {
        let site = self.site;
        match job {
            Job::Html { kind } => {
                let route = self.route(kind);
                if route.ends_with(".html") {
                    route
                } else {
                    route + routes::INDEX
                }
            }
            Job::Feed => routes::FEED.into(),
            Job::PledgeJson(p) => format!("{}pledge.json", route::pledge(site, *p)),
            Job::PledgeFeed(p) => format!("{}{}", route::pledge(site, *p), routes::FEED),
            Job::Sitemap => routes::SITEMAP.into(),
            Job::Robots => routes::ROBOTS.into(),
            Job::PledgesJson => format!("{}/pledges.json", routes::DATA),
            Job::PledgesCsv => format!("{}/pledges.csv", routes::DATA),
            Job::IndicatorsJson => format!("{}/indicators.json", routes::DATA),
            Job::IndicatorsCsv => format!("{}/indicators.csv", routes::DATA),
            Job::CodeCss => routes::SYNTAX_CSS.into(),
            Job::Static(path, _) => path.clone(),
            Job::Asset(path) => self.asset(path).hashed.clone(),
        }
    }

    /// The hashed copy of the stylesheet or script `path`, which [`Renderer::jobs`] lists.
    fn asset(&self, path: &str) -> &assets::Asset {
        self.assets
            .0
            .get(path)
            .expect("asset jobs are made from the asset map")
    }

    /// Write `data/pledges.{json,csv}` from `rows` (`serve`'s, up to date with the model) rather
    /// than making every row again: the same bytes.
    pub fn use_kept_rows(&mut self, rows: std::sync::Arc<data::PledgeRows>) {
        self.kept_rows = Some(rows);
    }

    /// Where the rows of `data/pledges.{json,csv}` come from.
    fn pledge_lines(&self) -> data::PledgeLines<'_> {
        match &self.kept_rows {
            Some(rows) => data::PledgeLines::Kept(rows),
            None => data::PledgeLines::Made(self.site),
        }
    }

    /// Whether `job` is best written straight into its file ([`Renderer::write_into`]): the
    /// open data files of every pledge, which grow with the site and are the largest files.
    pub fn is_streamed(job: &Job) -> bool {
        matches!(job, Job::PledgesJson | Job::PledgesCsv)
    }

    /// Write the file of a job that [`Renderer::is_streamed`] into `w`, row by row; the same
    /// bytes as [`Renderer::render`].
    pub fn write_into(&self, job: &Job, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        match job {
            Job::PledgesJson => self.pledge_lines().write_json(w),
            Job::PledgesCsv => self.pledge_lines().write_csv(w),
            _ => {
                let file = self
                    .render(job)
                    .map_err(|d| std::io::Error::other(d.to_string()))?;
                w.write_all(&file.bytes)
            }
        }
    }

    /// Render one job into its output file.
    pub fn render(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        Ok(self.render_with_text(job)?.0)
    }

    /// Render one job into its output file, and its search document when `doc` is asked and
    /// the page is searchable ([`Renderer::search_doc`]), made from what rendering made.
    pub fn render_with_doc(
        &self,
        job: &Job,
        doc: bool,
    ) -> Result<(OutputFile, Option<crate::search::SearchDoc>), Diagnostic> {
        let (file, text) = self.render_with_text(job)?;
        let doc = if doc {
            self.search_doc_with(job, text)
        } else {
            None
        };
        Ok((file, doc))
    }

    /// Render one job; for a news page, also the rendered text of its body.
    fn render_with_text(&self, job: &Job) -> Result<(OutputFile, Option<String>), Diagnostic> {
        let path = self.path_of(job);
        let mut text = None;
        let bytes = match job {
            Job::Html { kind } => {
                let page = self.page_context(kind, pages::Want::RENDER)?;
                text = page.body_text;
                // Straight into bytes: `render` would check the UTF-8 of every page again.
                let mut html = Vec::with_capacity(16 * 1024);
                self.tera
                    .render_to(page.template, &page.context, &mut html)
                    .map_err(|e| {
                        Diagnostic::new(
                            format!("templates/{}", page.template),
                            1,
                            1,
                            format!("rendering /{}: {}", self.route(kind), error_chain(&e)),
                        )
                    })?;
                html
            }
            Job::Feed => feeds::atom(self.site, &self.strings),
            Job::PledgeJson(p) => {
                let mut bytes = serde_json::to_vec_pretty(&data::pledge_row(self.site, *p))
                    .expect("serialising plain data to memory cannot fail");
                bytes.push(b'\n');
                bytes
            }
            Job::PledgeFeed(p) => feeds::pledge_atom(self.site, &self.strings, *p),
            Job::Sitemap => feeds::sitemap(self.site, &self.sitemap_routes()),
            Job::Robots => feeds::robots(self.site),
            Job::PledgesJson => data::in_memory(|w| self.pledge_lines().write_json(w)),
            Job::PledgesCsv => data::in_memory(|w| self.pledge_lines().write_csv(w)),
            Job::IndicatorsJson => data::json_lines(data::indicator_rows(self.site).into_iter()),
            Job::IndicatorsCsv => data::indicators_csv(self.site),
            Job::CodeCss => markdown::code_css().into_bytes(),
            Job::Asset(p) => self.asset(p).bytes.clone(),
            Job::Static(_, src) => match src {
                StaticSource::Embedded(b) => b.to_vec(),
                StaticSource::Disk(p) => std::fs::read(p).map_err(|e| {
                    Diagnostic::new(
                        p.to_string_lossy(),
                        1,
                        1,
                        format!("cannot read static file: {e}"),
                    )
                })?,
            },
        };
        Ok((OutputFile { path, bytes }, text))
    }
}

/// The template function `asset_url(path="style.css")`: the address of a static file below
/// the site's base, naming the content-hashed copy of stylesheets and scripts.
fn register_asset_url(
    tera: &mut Tera,
    base: &str,
    statics: &BTreeMap<String, StaticSource>,
    hashed: &assets::Assets,
) {
    let mut urls: BTreeMap<String, String> = statics
        .keys()
        .map(|p| (p.clone(), format!("{base}{p}")))
        .collect();
    for (p, a) in &hashed.0 {
        urls.insert(p.clone(), format!("{base}{}", a.hashed));
    }
    tera.register_function(
        "asset_url",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            urls.get(path).cloned().ok_or_else(|| {
                tera::Error::message(format!(
                    "asset_url: no static file `{path}` in the theme's or the site's static/ folder"
                ))
            })
        },
    );
}

/// The theme's strings for the site's language over the Chinese ones (every key needed), or the
/// error naming the theme's `i18n/` folder.
fn load_strings(site: &Site, i18n: &BTreeMap<String, String>) -> Result<Strings, Vec<Diagnostic>> {
    let lang = site.config.language;
    let base_strings = i18n.get("zh-Hans").cloned().unwrap_or_default();
    strings::parse(
        &base_strings,
        i18n.get(lang.tag()).map(String::as_str),
        lang,
    )
    .map_err(|m| {
        vec![Diagnostic::new(
            format!("themes/{}/i18n/", site.config.theme),
            1,
            1,
            m,
        )]
    })
}

/// The theme's templates parsed, with the ones every site needs; a syntax error or a missing
/// template is reported in the theme's file.
fn load_templates(
    site: &Site,
    mut tera: Tera,
    templates: BTreeMap<String, (String, String)>,
) -> Result<Tera, Vec<Diagnostic>> {
    tera.autoescape_on(vec![".html", ".xml"]);
    let names: BTreeMap<String, String> = templates
        .iter()
        .map(|(n, (_, shown))| (n.clone(), shown.clone()))
        .collect();
    let list: Vec<(String, String)> = templates.into_iter().map(|(n, (t, _))| (n, t)).collect();
    if let Err(err) = tera.add_raw_templates(list) {
        return Err(vec![template_error(&err, &names)]);
    }
    for needed in [
        "index.html",
        "report.html",
        "pledge.html",
        "news.html",
        "page.html",
        "404.html",
    ] {
        if !tera.contains_template(needed) {
            return Err(vec![Diagnostic::new(
                format!("themes/{}/templates/{needed}", site.config.theme),
                1,
                1,
                "template missing: the theme must provide it",
            )]);
        }
    }
    Ok(tera)
}

/// The global `site` of every template: navigation (with search when the theme has its page),
/// free pages, jurisdictions, categories, statuses, feed and data links, `extra.css`.
fn site_globals<'s>(ctx: &Ctx<'s>, search: bool, extra_css: bool) -> SiteGlobals<'s> {
    let site = ctx.site;
    let pages = top_pages(ctx);
    let mut nav = section_links(ctx, search);
    nav.extend(pages.iter().take(3).cloned());
    SiteGlobals {
        title: &site.config.title,
        description: site.config.description.as_deref(),
        base: &site.config.base_path,
        base_url: &site.config.base_url,
        lang: site.config.language.tag(),
        nav,
        pages,
        jurisdictions: site
            .jurisdictions
            .iter_ix()
            .map(|(j, x)| Link {
                title: x.name.clone(),
                url: ctx.url(&route::jurisdiction(site, j)),
            })
            .collect(),
        categories: site
            .categories
            .iter_ix()
            .map(|(c, x)| Link {
                title: x.name.clone(),
                url: ctx.url(&route::category(site, c)),
            })
            .collect(),
        statuses: ctx.statuses(),
        feed_url: ctx.url(routes::FEED),
        data: data_links(ctx),
        extra_css: extra_css.then(|| ctx.url(EXTRA_CSS)),
    }
}

/// The navigation's section links, in the site's strings; search only when the theme has it.
fn section_links(ctx: &Ctx, search: bool) -> Vec<Link> {
    let sections = [
        ("nav_pledges", routes::PLEDGES),
        ("nav_reports", routes::REPORTS),
        ("nav_news", routes::NEWS),
        ("nav_jurisdictions", routes::JURISDICTIONS),
        ("nav_search", routes::SEARCH),
    ];
    sections
        .iter()
        .filter(|(_, section)| search || *section != routes::SEARCH)
        .map(|&(key, section)| Link {
            title: ctx.s.get(key),
            url: ctx.url(&route::section(section)),
        })
        .collect()
}

/// The free pages at the top of `content/pages/` (not in a folder), by weight, then path.
fn top_pages(ctx: &Ctx) -> Vec<Link> {
    let site = ctx.site;
    let mut page_order: Vec<PageIx> = ix::all(site.pages.len()).collect();
    page_order.sort_by_key(|&i| {
        (
            site.pages[i].weight.unwrap_or(i64::MAX),
            site.pages[i].path.clone(),
        )
    });
    page_order
        .iter()
        .filter(|&&i| !site.pages[i].path.contains('/'))
        .map(|&i| Link {
            title: site.pages[i].title.clone(),
            url: ctx.url(&route::page(site, i)),
        })
        .collect()
}

/// The links to the open-data files.
fn data_links(ctx: &Ctx) -> Vec<Link> {
    [
        "pledges.json",
        "pledges.csv",
        "indicators.json",
        "indicators.csv",
    ]
    .iter()
    .map(|f| Link {
        title: f.to_string(),
        url: ctx.url(&format!("{}/{f}", routes::DATA)),
    })
    .collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

fn template_error(err: &tera::Error, names: &BTreeMap<String, String>) -> Diagnostic {
    let msg = error_chain(err);
    // Name the file the error is in when the message mentions a template name.
    let shown = names
        .iter()
        .find(|(n, _)| msg.contains(n.as_str()))
        .map(|(_, shown)| shown.clone())
        .unwrap_or_else(|| "templates".to_string());
    Diagnostic::new(shown, 1, 1, format!("template error: {msg}"))
}
