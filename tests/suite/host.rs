//! The portal on real static hosts: the demo built for a sub-path (`/portal/`) and served by
//! nginx and by Caddy with the very configurations of `docs/hosting/` (only the address and the
//! folder replaced), then checked over HTTP: every internal link of every page and of the
//! sitemap answers 200, every file goes out with the right Content-Type, the bare prefix and
//! slash-less folders redirect, a missing path gets the portal's 404 page with status 404, pages
//! are revalidated and content-hashed assets cached for a year, text is gzipped; and the search
//! page works in Chromium behind nginx. Without a server: docs/publishing.md shows those files as
//! they are, and the `_headers` script for Netlify and Cloudflare Pages writes a well-formed file.
//!
//! The servers are tests' child processes on a free port of 127.0.0.1, with their own folders,
//! pid file and logs in a temporary folder; they are killed when the test ends, and every wait
//! is bounded. The tests that need nginx, Caddy or Chromium are ignored by plain `cargo test`;
//! `.ci/run` installs them and runs `cargo test -- --include-ignored`, where a missing program
//! fails the test (`tests/suite/common/tools.rs`).

use crate::common::tools::{NGINX_BROTLI_MODULE, Tool, require};
use crate::common::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The path the search and `_headers` checks use.
const PREFIX: &str = "/portal/";

/// Where on its host the portal is served, as docs/hosting/ describes both.
#[derive(Clone, Copy, Debug)]
enum At {
    /// Under `/portal/`: the configurations as written.
    SubPath,
    /// At the root of the host: the configurations with the edits their comments give.
    Root,
}

impl At {
    fn prefix(self) -> &'static str {
        match self {
            At::SubPath => PREFIX,
            At::Root => "/",
        }
    }
}

/// Apply the edits a configuration's comment gives for a portal at the root of its host,
/// failing if the text they change is no longer there.
fn edited(config: String, at: At, edits: &[(&str, &str)]) -> String {
    match at {
        At::SubPath => config,
        At::Root => edits.iter().fold(config, |c, (from, to)| {
            assert!(c.contains(from), "the configuration no longer has `{from}`");
            c.replace(from, to)
        }),
    }
}
/// The content-hashed asset names agreed for the build: `<stem>.<10 hex>.<css|js>`.
const HASHED_CACHE: &str = "public, max-age=31536000, immutable";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn hosting(file: &str) -> String {
    let path = root().join("docs/hosting").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A free port on 127.0.0.1 (the kernel picks it; the listener is closed before the server binds).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The demo portal built for `http://127.0.0.1:PORT<prefix>` into `<dir>/www/portal`, as a
/// publisher uploads it.
fn build_for(dir: &Path, port: u16, at: At) -> PathBuf {
    build_with(dir, port, at, &[])
}

/// [`build_for`] with more `build` arguments.
fn build_with(dir: &Path, port: u16, at: At, extra: &[&str]) -> PathBuf {
    let out = dir.join("www/portal");
    std::fs::create_dir_all(dir.join("www")).unwrap();
    let base_url = format!("http://127.0.0.1:{port}{}", at.prefix());
    let mut args = vec!["--base-url", &base_url];
    args.extend_from_slice(extra);
    build_ok(root(), &out, &args);
    out
}

/// A server running as a child process; killed (and waited for) when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    /// A file the server writes once it listens (nginx's pid file), if it has one.
    ready_file: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Wait until the port accepts connections, at most 20 s; fail with the server's log if it
    /// exits or never listens.
    fn wait_ready(mut self) -> Self {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) before listening:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            let started = self.ready_file.as_ref().is_none_or(|f| f.exists());
            if started && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                // Still running a moment later: the port is ours, not another process's that
                // took it between free_port() and the server's start (nginx writes its pid
                // file only once it has bound the port).
                std::thread::sleep(Duration::from_millis(200));
                if let Some(status) = self.child.try_wait().unwrap() {
                    panic!(
                        "the server exited ({status}); port {} is taken by another program:\n{}",
                        self.port,
                        std::fs::read_to_string(&self.log).unwrap_or_default()
                    );
                }
                return self;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not listen on port {} within 20 s:\n{}",
                self.port,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// nginx in the foreground, one process, everything it writes inside `dir`. The main
/// configuration is Debian's `/etc/nginx/nginx.conf` reduced to what serving needs (its MIME
/// table and default type); the server block is `docs/hosting/nginx.conf`.
fn start_nginx(dir: &Path, www: &Path, port: u16, at: At) -> Server {
    start_nginx_with(dir, www, port, at, false)
}

/// [`start_nginx`], with `brotli`: Debian's brotli module loaded and `brotli_static on;` added
/// after `gzip_static on;`, as the configuration's comment says.
fn start_nginx_with(dir: &Path, www: &Path, port: u16, at: At, brotli: bool) -> Server {
    let root_edits = [
        ("root /srv/www;", "root /srv/www/portal;"),
        ("location /portal/ {", "location / {"),
        (
            "error_page 404 /portal/404.html;",
            "error_page 404 /404.html;",
        ),
    ];
    let site = edited(hosting("nginx.conf"), at, &root_edits)
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("/srv/www", www.to_str().unwrap());
    assert!(site.contains(&format!("listen 127.0.0.1:{port};")));
    let (site, load) = match brotli {
        false => (site, String::new()),
        true => {
            assert!(site.contains("add `brotli_static on;`") && site.contains("gzip_static on;"));
            let site = site.replace("gzip_static on;", "gzip_static on;\n    brotli_static on;");
            (site, format!("load_module {NGINX_BROTLI_MODULE};\n"))
        }
    };
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let d = dir.display();
    let main = format!(
        "{load}daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  \
         access_log off;\n  client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n  \
         fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n  \
         include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let log = dir.join("error.log");
    let child = Command::new(Tool::Nginx.find().unwrap())
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(&log)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
        .spawn()
        .expect("nginx starts");
    let ready_file = Some(dir.join("nginx.pid"));
    Server {
        child,
        port,
        log,
        ready_file,
    }
    .wait_ready()
}

/// Caddy with `docs/hosting/Caddyfile`, its admin endpoint off and its state inside `dir`.
fn start_caddy(dir: &Path, www: &Path, port: u16, at: At) -> Server {
    let root_edits = [
        ("root * /srv/www\n", "root * /srv/www/portal\n"),
        (
            "rewrite @missing /portal/404.html",
            "rewrite @missing /404.html",
        ),
    ];
    let site = edited(hosting("Caddyfile"), at, &root_edits)
        .replace(
            "\nportal.example.org {",
            &format!("\nhttp://127.0.0.1:{port} {{"),
        )
        .replace("/srv/www", www.to_str().unwrap());
    assert!(site.contains(&format!("http://127.0.0.1:{port} {{")));
    let config = dir.join("Caddyfile");
    std::fs::write(&config, format!("{{\n\tadmin off\n}}\n{site}")).unwrap();
    let log = dir.join("caddy.log");
    let child = Command::new(Tool::Caddy.find().unwrap())
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&config)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("caddy starts");
    // Caddy exits at once when it cannot bind its port.
    Server {
        child,
        port,
        log,
        ready_file: None,
    }
    .wait_ready()
}

/// One HTTP response.
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    /// How many lines each header field had (lowercase names).
    lines: BTreeMap<String, usize>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// Percent-encode what may not stand in a request line (non-ASCII, spaces).
fn encode(path: &str) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// GET `path` over HTTP/1.1 with `Connection: close`, 10 s timeouts; redirects not followed.
fn get(port: u16, path: &str, extra: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{extra}\r\n",
        encode(path)
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no end of headers"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("GET {path}: bad status line in {head:?}"));
    let fields: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut counts = BTreeMap::new();
    for (k, _) in &fields {
        *counts.entry(k.clone()).or_insert(0) += 1;
    }
    let headers: BTreeMap<String, String> = fields.into_iter().collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        lines: counts,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
}

/// The Content-Types a file may go out with, by extension; `None`: not expected in the output.
fn expected_types(path: &str) -> Option<&'static [&'static str]> {
    let name = path.rsplit('/').next().unwrap();
    let ext = if name.is_empty() {
        "html"
    } else {
        name.rsplit_once('.').map_or("", |(_, e)| e)
    };
    Some(match ext {
        "html" => &["text/html; charset=utf-8"],
        "css" => &["text/css; charset=utf-8"],
        "js" => &[
            "application/javascript; charset=utf-8",
            "text/javascript; charset=utf-8",
        ],
        // JSON and SVG are UTF-8 by their own rules: a charset is allowed, not needed.
        "json" => &["application/json", "application/json; charset=utf-8"],
        "svg" => &["image/svg+xml", "image/svg+xml; charset=utf-8"],
        "csv" => &["text/csv; charset=utf-8"],
        "xml" => &[
            "text/xml; charset=utf-8",
            "application/xml; charset=utf-8",
            "application/atom+xml; charset=utf-8",
        ],
        "txt" => &["text/plain; charset=utf-8"],
        _ => return None,
    })
}

fn is_hashed(path: &str) -> bool {
    let Some((rest, ext)) = path.rsplit_once('.') else {
        return false;
    };
    let Some((_, hash)) = rest.rsplit_once('.') else {
        return false;
    };
    matches!(ext, "css" | "js")
        && hash.len() == 10
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Internal links of an HTML page or of a sitemap/feed, as paths on this host (queries kept,
/// fragments dropped). External links are left out.
fn links(origin: &str, page: &str, body: &[u8], content_type: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let raw: Vec<String> = if content_type.starts_with("text/html") {
        let mut l = attr_values(&text, "href");
        l.extend(attr_values(&text, "src"));
        l
    } else if content_type.contains("xml") {
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{page} is not well-formed XML: {e}"));
        doc.descendants()
            .filter_map(|n| match n.tag_name().name() {
                "loc" => n.text().map(str::to_string),
                "link" => n.attribute("href").map(str::to_string),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let dir = &page[..page.rfind('/').unwrap() + 1];
    raw.into_iter()
        .filter_map(|l| {
            let l = l.split('#').next().unwrap().to_string();
            if l.is_empty() || l.starts_with("mailto:") {
                None
            } else if let Some(rest) = l.strip_prefix(origin) {
                Some(rest.to_string())
            } else if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("//") {
                None
            } else if l.starts_with('/') {
                Some(l)
            } else {
                Some(normalise(&format!("{dir}{l}")))
            }
        })
        .collect()
}

/// Resolve `.` and `..` segments of an absolute path.
fn normalise(path: &str) -> String {
    let (p, query) = path
        .split_once('?')
        .map_or((path, None), |(p, q)| (p, Some(q)));
    let mut segs: Vec<&str> = Vec::new();
    for s in p.split('/').skip(1) {
        match s {
            "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Every check that does not need a browser, against a server on `port` serving `out` under
/// `prefix`. Returns the problems found.
fn check_host(port: u16, out: &Path, prefix: &str) -> Vec<String> {
    let origin = format!("http://127.0.0.1:{port}");
    let mut problems = Vec::new();

    // Crawl: every internal link of every page, feed and sitemap answers 200 (no redirect: links
    // are written as their final addresses) with the right Content-Type.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    for start in ["", "sitemap.xml", "feed.xml", "robots.txt"] {
        let path = format!("{prefix}{start}");
        seen.insert(path.clone());
        queue.push_back((path, "(start)".to_string()));
    }
    let mut types_seen: BTreeSet<String> = BTreeSet::new();
    let mut pages = 0;
    while let Some((path, from)) = queue.pop_front() {
        let r = get(port, &path, "");
        if r.status != 200 {
            problems.push(format!(
                "{path} (linked from {from}): HTTP {} {}",
                r.status,
                r.header("location")
            ));
            continue;
        }
        let ct = r.header("content-type").to_string();
        let file = path.split('?').next().unwrap();
        match expected_types(file) {
            Some(ok) if ok.contains(&ct.as_str()) => {}
            _ => problems.push(format!("{path}: Content-Type `{ct}`")),
        }
        if let Some(ext) = file.rsplit('/').next().and_then(|n| n.rsplit_once('.')) {
            types_seen.insert(ext.1.to_string());
        } else {
            types_seen.insert("html".to_string());
        }
        if ct.starts_with("text/html") {
            pages += 1;
            if r.header("cache-control") != "no-cache" {
                problems.push(format!(
                    "{path}: Cache-Control `{}` for a page (want no-cache)",
                    r.header("cache-control")
                ));
            }
        }
        for l in links(&origin, &path, &r.body, &ct) {
            if !l.starts_with(prefix) {
                problems.push(format!("{path}: link `{l}` leaves the portal's prefix"));
            } else if seen.insert(l.clone()) {
                queue.push_back((l, path.clone()));
            }
        }
    }
    let files = tree(out);
    let html_files = files.keys().filter(|p| p.ends_with(".html")).count();
    eprintln!(
        "crawled {} addresses ({pages} pages of the {html_files} HTML files)",
        seen.len()
    );
    // The crawl reached (nearly) every page: only the 404 page and the embed cards' own
    // documents may be unlinked.
    if pages * 10 < html_files * 9 {
        problems.push(format!(
            "the crawl reached only {pages} of {html_files} pages"
        ));
    }
    for ext in ["html", "css", "js", "json", "csv", "xml", "svg"] {
        if !types_seen.contains(ext) {
            problems.push(format!(
                "no .{ext} file was linked, so its type went unchecked"
            ));
        }
    }

    // Every file of the output, linked or not (the search index is fetched by script), is
    // served with its type; hashed assets are cached for a year, the rest revalidated.
    for rel in files.keys() {
        if rel.starts_with('.') || rel.ends_with(".gz") || rel.ends_with(".br") {
            continue;
        }
        let path = format!("{prefix}{rel}");
        let r = get(port, &path, "");
        let ct = r.header("content-type");
        if r.status != 200 {
            problems.push(format!("{path}: HTTP {}", r.status));
        } else if !expected_types(rel).is_some_and(|ok| ok.contains(&ct)) {
            problems.push(format!("{path}: Content-Type `{ct}`"));
        }
        let cache = r.header("cache-control");
        let want = if is_hashed(rel) {
            HASHED_CACHE
        } else {
            "no-cache"
        };
        if cache != want {
            problems.push(format!("{path}: Cache-Control `{cache}`, want `{want}`"));
        }
    }
    if !files.keys().any(|p| is_hashed(p)) {
        problems.push("the probe of a content-hashed asset is missing".into());
    }

    // The bare prefix and a folder without its slash redirect to the slashed address.
    let mut redirects = vec![(format!("{prefix}about"), format!("{prefix}about/"))];
    if let Some(bare) = prefix.strip_suffix('/').filter(|b| !b.is_empty()) {
        redirects.push((bare.to_string(), prefix.to_string()));
    }
    for (from, to) in &redirects {
        let r = get(port, from, "");
        let location = r.header("location");
        if !matches!(r.status, 301 | 308)
            || !(location == to || location == format!("{origin}{to}"))
        {
            problems.push(format!(
                "{from}: HTTP {} to `{location}`, want a permanent redirect to {to}",
                r.status
            ));
        }
    }

    // A missing address under the prefix: status 404 and the portal's own 404 page.
    let page404 = files.get("404.html").expect("the build writes 404.html");
    for missing in ["no-such-page/", "pledges/luohe-2024/nothing-here/", "x.css"] {
        let missing = format!("{prefix}{missing}");
        let r = get(port, &missing, "");
        if r.header("cache-control") != "no-cache" {
            problems.push(format!(
                "{missing}: Cache-Control `{}` on the 404 answer (want no-cache)",
                r.header("cache-control")
            ));
        }
        if r.status != 404 || &r.body != page404 {
            problems.push(format!(
                "{missing}: HTTP {} with {} bytes, want 404 with the portal's 404.html ({} bytes)",
                r.status,
                r.body.len(),
                page404.len()
            ));
        }
    }

    // Text is compressed for browsers that accept it, and says so to caches.
    for file in ["", "data/pledges.csv", "data/pledges.json"] {
        let path = format!("{prefix}{file}");
        let r = get(port, &path, "Accept-Encoding: gzip\r\n");
        if r.status != 200
            || r.header("content-encoding") != "gzip"
            || !r.header("vary").contains("Accept-Encoding")
        {
            problems.push(format!(
                "{path} with Accept-Encoding: gzip: HTTP {}, Content-Encoding `{}`, Vary `{}`",
                r.status,
                r.header("content-encoding"),
                r.header("vary")
            ));
        }
    }
    // A file's precompressed copy (`build --precompress`) is sent as it is.
    let gz = files
        .keys()
        .find(|p| p.ends_with(".json.gz"))
        .expect("a precompressed JSON file or its probe");
    let path = format!("{prefix}{}", gz.trim_end_matches(".gz"));
    let r = get(port, &path, "Accept-Encoding: gzip\r\n");
    if r.status != 200
        || r.header("content-encoding") != "gzip"
        || &r.body != files.get(gz).unwrap()
    {
        problems.push(format!(
            "{path}: HTTP {}, Content-Encoding `{}`, not the bytes of {gz}",
            r.status,
            r.header("content-encoding")
        ));
    }

    // "Ask again each time" is cheap: an unchanged page or data file answers 304 to a browser
    // that has it.
    for file in ["", "data/pledges.json"] {
        let path = format!("{prefix}{file}");
        let etag = get(port, &path, "").header("etag").to_string();
        let r = get(port, &path, &format!("If-None-Match: {etag}\r\n"));
        if etag.is_empty() || r.status != 304 {
            problems.push(format!(
                "{path}: ETag `{etag}`, asked again with it: HTTP {} (want 304)",
                r.status
            ));
        }
    }
    problems
}

/// Until the build names its assets by content hash, a hashed copy of `style.css` stands in, so
/// that the configurations' long-cache rule is checked all the same; and a gzipped copy of
/// `data/pledges.json` stands in for `build --precompress` (made with a different compression
/// level than a server's on-the-fly gzip, so the bytes tell which one was sent).
fn add_probes(out: &Path) {
    let files = tree(out);
    if !files.keys().any(|p| is_hashed(p)) {
        std::fs::copy(out.join("style.css"), out.join("style.0123456789.css")).unwrap();
    }
    if !files.keys().any(|p| p.ends_with(".json.gz")) {
        let o = Command::new("gzip")
            .args(["-9", "-k", "-n"])
            .arg(out.join("data/pledges.json"))
            .output()
            .expect("gzip runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Which server.
#[derive(Clone, Copy, Debug)]
enum Host {
    Nginx,
    Caddy,
}

/// Build the demo for `at`, serve it with `host` and the configuration of docs/hosting/, and
/// check it.
fn serve_and_check(host: Host, at: At) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = build_for(dir.path(), port, at);
    add_probes(&out);
    let www = dir.path().join("www");
    let (server, file) = match host {
        Host::Nginx => (start_nginx(dir.path(), &www, port, at), "nginx.conf"),
        Host::Caddy => (start_caddy(dir.path(), &www, port, at), "Caddyfile"),
    };
    let problems = check_host(server.port, &out, at.prefix());
    assert!(
        problems.is_empty(),
        "{host:?} with docs/hosting/{file}, portal {at:?}:\n{}",
        problems.join("\n")
    );
}

#[test]
#[ignore = "needs nginx (apt-get install nginx-light); run by .ci/run with --include-ignored"]
fn nginx_serves_the_portal_from_a_sub_path() {
    require(&[Tool::Nginx]);
    serve_and_check(Host::Nginx, At::SubPath);
}

#[test]
#[ignore = "needs nginx (apt-get install nginx-light); run by .ci/run with --include-ignored"]
fn nginx_serves_the_portal_at_the_root_of_its_host() {
    require(&[Tool::Nginx]);
    serve_and_check(Host::Nginx, At::Root);
}

#[test]
#[ignore = "needs caddy (apt-get install caddy); run by .ci/run with --include-ignored"]
fn caddy_serves_the_portal_from_a_sub_path() {
    require(&[Tool::Caddy]);
    serve_and_check(Host::Caddy, At::SubPath);
}

#[test]
#[ignore = "needs caddy (apt-get install caddy); run by .ci/run with --include-ignored"]
fn caddy_serves_the_portal_at_the_root_of_its_host() {
    require(&[Tool::Caddy]);
    serve_and_check(Host::Caddy, At::Root);
}

/// The `.br` and `.gz` twins of `build --precompress` are what a browser gets when it accepts
/// that encoding, byte for byte, with `Vary: Accept-Encoding` (once); one that accepts neither
/// gets the file itself. Pages are asked for by their folder URL, as readers do.
fn precompressed_twins_are_sent_as_they_are(host: Host) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = build_with(dir.path(), port, At::SubPath, &["--precompress"]);
    let www = dir.path().join("www");
    let _server = match host {
        Host::Nginx => start_nginx_with(dir.path(), &www, port, At::SubPath, true),
        Host::Caddy => start_caddy(dir.path(), &www, port, At::SubPath),
    };
    let mut problems = Vec::new();
    for file in [
        "index.html",
        "pledges/index.html",
        "style.css",
        "data/pledges.json",
        "data/pledges.csv",
    ] {
        let path = format!("{PREFIX}{}", file.trim_end_matches("index.html"));
        for (encoding, ext) in [("br", "br"), ("gzip", "gz"), ("", "")] {
            let want = match ext {
                "" => std::fs::read(out.join(file)).unwrap(),
                _ => std::fs::read(out.join(format!("{file}.{ext}"))).unwrap(),
            };
            let accept = match encoding {
                "" => String::new(),
                _ => format!("Accept-Encoding: {encoding}\r\n"),
            };
            let r = get(port, &path, &accept);
            let sent = r.header("content-encoding");
            if r.status != 200
                || sent != encoding
                || r.body != want
                || !r.header("vary").contains("Accept-Encoding")
                || r.lines.get("vary") != Some(&1)
            {
                problems.push(format!(
                    "{path}, Accept-Encoding `{encoding}`: HTTP {}, Content-Encoding `{sent}`, \
                     Vary `{}` ({:?} lines), {} bytes where {} were {}",
                    r.status,
                    r.header("vary"),
                    r.lines.get("vary"),
                    r.body.len(),
                    want.len(),
                    if ext.is_empty() {
                        file.to_string()
                    } else {
                        format!("{file}.{ext}")
                    }
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{host:?}:\n{}", problems.join("\n"));
}

#[test]
#[ignore = "needs nginx and libnginx-mod-http-brotli-static; run by .ci/run with --include-ignored"]
fn nginx_sends_the_precompressed_twins_with_the_brotli_module() {
    require(&[Tool::Nginx, Tool::NginxBrotli]);
    precompressed_twins_are_sent_as_they_are(Host::Nginx);
}

#[test]
#[ignore = "needs caddy (apt-get install caddy); run by .ci/run with --include-ignored"]
fn caddy_sends_the_precompressed_twins() {
    require(&[Tool::Caddy]);
    precompressed_twins_are_sent_as_they_are(Host::Caddy);
}

#[test]
#[ignore = "needs nginx, chromium, node and `npm ci --prefix tests/browser`; run by .ci/run with --include-ignored"]
fn the_search_page_works_behind_nginx() {
    require(&[
        Tool::Nginx,
        Tool::Chromium,
        Tool::Node,
        Tool::BrowserModules,
    ]);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = build_for(dir.path(), port, At::SubPath);
    let _server = start_nginx(dir.path(), &dir.path().join("www"), port, At::SubPath);
    let shots = dir.path().join("screenshots");
    let o = Command::new("node")
        .current_dir(root().join("tests/browser"))
        .env("SEARCH_ORIGIN", format!("http://127.0.0.1:{port}"))
        .arg("search-page.mjs")
        .arg(&out)
        .arg(PREFIX)
        .arg(&shots)
        .args(["断头路", "充电桩"])
        .output()
        .expect("node runs");
    assert!(
        o.status.success(),
        "search-page.mjs failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("search-page.mjs prints JSON");
    let mut problems = Vec::new();
    for (query, pledge, within) in [
        ("断头路", "pledges/luohe-2024/dead-end-roads/", 1),
        ("充电桩", "pledges/luohe-2024/charging-piles/", 3),
    ] {
        let url = format!("{PREFIX}{pledge}");
        let results = &report["queries"][query]["results"];
        let at = results
            .as_array()
            .and_then(|r| r.iter().position(|x| x["url"] == url.as_str()));
        if at.is_none_or(|i| i >= within) {
            problems.push(format!(
                "?q={query}: {url} not among the first {within}: {results}"
            ));
        }
    }
    if report["typed"]["url"] != format!("{PREFIX}search/?q=%E4%BE%9B%E7%83%AD&kind=pledge") {
        problems.push(format!("typing and filtering: {}", report["typed"]["url"]));
    }
    if report["filter_only"]["results"]
        .as_array()
        .is_none_or(|r| r.is_empty())
    {
        problems.push(format!("?status=completed: {}", report["filter_only"]));
    }
    for key in ["external", "outside", "errors"] {
        for e in report[key].as_array().unwrap() {
            problems.push(format!("{key}: {e}"));
        }
    }
    assert!(
        problems.is_empty(),
        "the search page behind nginx:\n{}",
        problems.join("\n")
    );
}

/// docs/publishing.md shows each file of docs/hosting/ that it embeds exactly as it is, so the
/// page cannot drift from the configurations the tests serve.
#[test]
fn publishing_md_shows_the_tested_files_as_they_are() {
    let doc_path = root().join("docs/publishing.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let mut shown = Vec::new();
    for (i, part) in doc.split("<!-- file: ").enumerate().skip(1) {
        let (file, rest) = part
            .split_once(" -->\n")
            .unwrap_or_else(|| panic!("marker {i} of docs/publishing.md is not closed"));
        let body = rest
            .split_once("```")
            .and_then(|(_, b)| b.split_once('\n'))
            .and_then(|(_, b)| b.split_once("\n```\n"))
            .map(|(b, _)| format!("{b}\n"))
            .unwrap_or_else(|| panic!("no code block after the marker of {file}"));
        let actual = std::fs::read_to_string(root().join(file))
            .unwrap_or_else(|e| panic!("{file}, named in docs/publishing.md: {e}"));
        assert!(
            body == actual,
            "docs/publishing.md shows {file} differently from the file: copy the file into the page"
        );
        shown.push(file.to_string());
    }
    for file in [
        "docs/hosting/nginx.conf",
        "docs/hosting/Caddyfile",
        "docs/hosting/github-pages.yml",
        "docs/hosting/gitlab-ci.yml",
    ] {
        assert!(
            shown.iter().any(|f| f == file),
            "docs/publishing.md does not show {file}"
        );
    }
}

/// docs/hosting/cache-headers.sh writes a `_headers` file for Netlify and Cloudflare Pages:
/// blocks of a path under the base path and indented `Name: value` lines, one block per hashed
/// asset of the build and nothing else.
#[test]
fn cache_headers_script_lists_every_hashed_asset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(
        root(),
        &out,
        &["--base-url", "https://portal.example.org/portal/"],
    );
    add_probes(&out);
    let o = Command::new("sh")
        .arg(root().join("docs/hosting/cache-headers.sh"))
        .arg(&out)
        .arg(PREFIX)
        .output()
        .expect("sh runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("_headers")).unwrap();
    let mut listed = Vec::new();
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(header) = line.strip_prefix("  ") {
            let (name, value) = header
                .split_once(": ")
                .unwrap_or_else(|| panic!("_headers:{}: not `Name: value`: {line:?}", n + 1));
            assert!(
                current.is_some(),
                "_headers:{}: a header before any path",
                n + 1
            );
            assert_eq!((name, value), ("Cache-Control", HASHED_CACHE));
        } else {
            assert!(
                line.starts_with(PREFIX) && !line.contains(' '),
                "_headers:{}: not a path under {PREFIX}: {line:?}",
                n + 1
            );
            current = Some(line.to_string());
            listed.push(line.to_string());
        }
    }
    let hashed: Vec<String> = tree(&out)
        .keys()
        .filter(|p| is_hashed(p))
        .map(|p| format!("{PREFIX}{p}"))
        .collect();
    assert!(!hashed.is_empty());
    assert_eq!(listed, hashed);
}

/// The workflow files `duixian init` writes (the same bytes as docs/hosting/) pass the schemas
/// of GitHub Actions and GitLab CI that check-jsonschema ships; a misspelt key fails it.
#[test]
#[ignore = "needs check-jsonschema (pip install check-jsonschema); run by .ci/run with --include-ignored"]
fn workflows_pass_the_github_and_gitlab_schemas() {
    require(&[Tool::CheckJsonschema]);
    let check = |schema: &str, file: &Path| {
        Command::new("check-jsonschema")
            .args(["--builtin-schema", schema])
            .arg(file)
            .output()
            .expect("check-jsonschema runs")
    };
    for (schema, file) in [
        ("vendor.github-workflows", "github-pages.yml"),
        ("vendor.gitlab-ci", "gitlab-ci.yml"),
    ] {
        let path = root().join("docs/hosting").join(file);
        let o = check(schema, &path);
        assert!(
            o.status.success(),
            "{file} against {schema}:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        // The check can fail: the same file with a misspelt key does not pass.
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = if file == "gitlab-ci.yml" {
            text.replace("  script:", "  scripts:")
        } else {
            text.replace("runs-on:", "run-on:")
        };
        assert_ne!(broken, text);
        std::fs::write(&bad, broken).unwrap();
        assert!(
            !check(schema, &bad).status.success(),
            "{file}: the broken copy passed"
        );
    }
}
