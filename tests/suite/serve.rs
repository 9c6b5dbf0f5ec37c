//! `duixian serve` over real HTTP on loopback: pages are served, an edit triggers a rebuild and a
//! reload event, and broken content keeps the last good build served while reporting the errors.
//! The server stands up to hostile clients (issue 17 item 6): foreign Host names, other methods,
//! oversized and slow requests, running out of file descriptors, links out of its folder.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `duixian serve`, killed when dropped, with what it printed so far.
struct Serve {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Serve {
    /// Start `serve` on a free port for `site`, with `TMPDIR` set to `tmp` if given and the
    /// number of open files limited to `nofile` if given.
    fn start(site: &Path, tmp: Option<&Path>, nofile: Option<u64>) -> Serve {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_duixian"));
        cmd.args([
            "--root",
            site.to_str().unwrap(),
            "serve",
            "--port",
            "0",
            "--exit-after",
            "120",
        ])
        .stderr(Stdio::piped());
        if let Some(tmp) = tmp {
            cmd.env("TMPDIR", tmp);
        }
        // A build's parallel file writes need descriptors too: a fixed number of threads makes
        // the same limit fit every machine.
        if nofile.is_some() {
            cmd.env("RAYON_NUM_THREADS", "2");
        }
        #[cfg(target_os = "linux")]
        if let Some(n) = nofile {
            use std::os::unix::process::CommandExt;
            let limit = rustix::process::Rlimit {
                current: Some(n),
                maximum: Some(n),
            };
            // SAFETY: setrlimit is one system call, safe between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    rustix::process::setrlimit(rustix::process::Resource::Nofile, limit)
                        .map_err(std::io::Error::from)
                });
            }
        }
        #[cfg(not(target_os = "linux"))]
        assert!(nofile.is_none(), "limits are set on Linux only");
        let mut child = cmd.spawn().unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        // What it printed before it said its address (the first build's) is kept too.
        let mut before = String::new();
        let port: u16 = loop {
            line.clear();
            assert!(err.read_line(&mut line).unwrap() > 0, "serve exited early");
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
            before.push_str(&line);
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(before));
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for l in err.lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&(l + "\n"));
                }
            });
        }
        Serve { child, port, log }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Send `request` as it is and read the whole answer (the server must close the connection).
fn raw(port: u16, request: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

fn status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn site_copy(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_tree(&fixture("full"), &site);
    site
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Connect to the reload events of the server on `port`.
fn reload_events(port: u16) -> BufReader<TcpStream> {
    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        sse,
        "GET /__duixian/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    BufReader::new(sse)
}

/// Replace the first `from` in the file at `path` with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{path:?} does not contain {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Read SSE events from the reload endpoint until one satisfies `want`.
fn wait_event(reader: &mut BufReader<TcpStream>, want: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(data) = line.strip_prefix("data: ")
            && want(data)
        {
            return data.to_string();
        }
    }
    panic!("no matching reload event");
}

#[test]
fn serve_rebuilds_and_reloads_on_change() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_copy(dir.path());
    let server = Serve::start(&site, None, None);
    let port = server.port;

    let (status, body) = get(port, "/pledges/alpha-2024/gdp/");
    assert_eq!(status, 200);
    assert!(body.contains("生产总值增长7%左右"), "{body}");
    assert!(
        body.contains("/__duixian/events"),
        "the reload script is injected"
    );
    assert_eq!(get(port, "/no/such/page/").0, 404);
    assert_eq!(get(port, "/../../etc/passwd").0, 404);

    let mut events = reload_events(port);
    let first = wait_event(&mut events, |_| true);
    assert!(first.contains("\"errors\":null"), "{first}");

    // An edit: the page changes and open pages are told to reload.
    let pledges = site.join("content/pledges/alpha-2024.yaml");
    edit(
        &pledges,
        "  - id: gdp\n",
        "  - id: gdp\n    title: 经济增速目标\n",
    );
    wait_event(&mut events, |d| d != first && d.contains("\"errors\":null"));
    assert!(
        get(port, "/pledges/alpha-2024/gdp/")
            .1
            .contains("经济增速目标")
    );

    // Broken content: errors are pushed to the page, the last good build stays served.
    edit(&pledges, "category: economy", "category: nope");
    let broken = wait_event(&mut events, |d| d.contains("unknown category"));
    assert!(
        broken.contains("content/pledges/alpha-2024.yaml:"),
        "{broken}"
    );
    assert!(
        get(port, "/pledges/alpha-2024/gdp/")
            .1
            .contains("经济增速目标")
    );

    drop(server);
}

/// The private folder of a running `serve` in `tmp`: `duixian-serve-<pid>-<random>`.
fn private_folder(tmp: &Path, pid: u32) -> PathBuf {
    let prefix = format!("duixian-serve-{pid}-");
    let found: Vec<PathBuf> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    assert_eq!(found.len(), 1, "one private folder: {found:?}");
    found.into_iter().next().unwrap()
}

/// A copy of the fixture site, a temporary folder for `serve` (`tmp/` beside it) and the id of
/// a process that has ended, as a killed server's would be; the folder holding them first.
#[cfg(target_os = "linux")]
fn killed_setup() -> (tempfile::TempDir, PathBuf, PathBuf, u32) {
    let dir = tempfile::tempdir().unwrap();
    let site = site_copy(dir.path());
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    (dir, site, tmp, dead)
}

/// Regression (issue 17, follow-up 3): a server killed mid-build left its empty lock file
/// (`.duixian-lock-duixian-serve-<pid>…`) in the temporary folder for ever. The next server
/// removes those of ended servers: only empty regular files, never a link, a folder, a file
/// with content, another user's, or the lock of a server still running.
#[cfg(target_os = "linux")]
#[test]
fn serve_removes_the_lock_files_of_killed_servers() {
    use std::os::unix::fs::symlink;
    let (dir, site, tmp, dead) = killed_setup();
    let lock = |rest: &str| tmp.join(format!(".duixian-lock-duixian-serve-{rest}"));
    let removed = [lock(&dead.to_string()), lock(&format!("{dead}-Ab3dE6"))];
    for f in &removed {
        std::fs::write(f, "").unwrap();
    }
    let running = lock(&format!("{}-Zz9", std::process::id()));
    std::fs::write(&running, "").unwrap();
    let full = lock(&format!("{dead}-full"));
    std::fs::write(&full, "not a lock").unwrap();
    let folder = lock(&format!("{dead}-folder"));
    std::fs::create_dir(&folder).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "").unwrap();
    let link = lock(&format!("{dead}-link"));
    symlink(&victim, &link).unwrap();
    let build_lock = tmp.join(".duixian-lock-site");
    std::fs::write(&build_lock, "").unwrap();
    // Another user's (only root can give a file away).
    let foreign = lock(&format!("{dead}-foreign"));
    std::fs::write(&foreign, "").unwrap();
    let given = std::os::unix::fs::lchown(&foreign, Some(65534), Some(65534)).is_ok();

    let _server = Serve::start(&site, Some(&tmp), None);
    for f in &removed {
        assert!(!f.exists(), "{f:?}: an ended server's lock file is removed");
    }
    for kept in [&running, &full, &folder, &build_lock, &victim] {
        assert!(kept.exists(), "{kept:?} is kept");
    }
    assert!(std::fs::symlink_metadata(&link).is_ok(), "a link is kept");
    assert_eq!(foreign.exists(), given, "another user's lock file is kept");
}

/// Ctrl-C (SIGINT) stops `serve` cleanly: its private folder in the temporary directory goes
/// with it. Folders that killed servers left behind are removed when the next one starts, but
/// never a link planted under such a name, nor what it points to (issue 17 item 6: the folder
/// name was predictable and `duixian-serve-<pid>` could be planted).
#[cfg(target_os = "linux")]
#[test]
fn serve_cleans_up_its_folder_on_ctrl_c_and_after_killed_runs() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let (dir, site, tmp, dead) = killed_setup();
    let abandoned = tmp.join(format!("duixian-serve-{dead}-Ab3dE6"));
    std::fs::create_dir_all(abandoned.join("site")).unwrap();
    std::fs::write(abandoned.join(".duixian-serve"), "").unwrap();
    std::fs::write(abandoned.join("site/index.html"), "old").unwrap();
    // An older version's folders.
    let legacy = tmp.join(format!("duixian-serve-{dead}"));
    std::fs::create_dir(&legacy).unwrap();
    std::fs::write(legacy.join(".duixian-output"), "").unwrap();
    let staging = tmp.join(format!(".duixian-tmp-duixian-serve-{dead}-{dead}"));
    std::fs::create_dir(&staging).unwrap();
    // Not duixian's: left alone.
    let foreign = tmp.join(format!("duixian-serve-{dead}-unmarked"));
    std::fs::create_dir(&foreign).unwrap();
    // Links planted under serve's names, to folders that must survive with their files.
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join(".duixian-serve"), "").unwrap();
    std::fs::write(victim.join(".duixian-output"), "").unwrap();
    std::fs::write(victim.join("precious"), "keep me").unwrap();
    let planted = [
        tmp.join(format!("duixian-serve-{dead}-planted")),
        tmp.join(format!("duixian-serve-{}", dead + 1)),
        tmp.join(format!(".duixian-tmp-duixian-serve-{dead}-1")),
        tmp.join(format!(".duixian-old-duixian-serve-{dead}-1")),
    ];
    for link in &planted {
        symlink(&victim, link).unwrap();
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_duixian"))
        .args(["--root", site.to_str().unwrap(), "serve", "--port", "0"])
        .env("TMPDIR", &tmp)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve exited early");
        if line.contains("http://127.0.0.1:") {
            break;
        }
    }
    std::thread::spawn(move || for _ in err.lines() {});
    let own = private_folder(&tmp, child.id());
    let meta = std::fs::symlink_metadata(&own).unwrap();
    assert!(meta.is_dir(), "a real folder, not a link");
    assert_eq!(meta.permissions().mode() & 0o777, 0o700, "{own:?}");
    assert!(
        own.join("site/index.html").is_file(),
        "serve builds into {own:?}/site"
    );
    assert!(!abandoned.exists(), "a killed server's folder is removed");
    assert!(!legacy.exists(), "an older version's folder is removed");
    assert!(
        !staging.exists(),
        "a killed server's staging folder is removed"
    );
    assert!(foreign.exists(), "a folder without serve's mark is kept");
    for link in &planted {
        assert!(
            std::fs::symlink_metadata(link).is_ok(),
            "{link:?} is not ours: kept"
        );
    }
    assert_eq!(
        std::fs::read_to_string(victim.join("precious")).unwrap(),
        "keep me",
        "nothing is removed through a link"
    );

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    assert!(!own.exists(), "serve removes its folder on Ctrl-C");
}

/// Regression (issue 17, follow-up 2): `serve` printed no warnings after a build, and an error
/// found while rendering a rebuild lost them, in the terminal and over the page, where `build`
/// shows them with its errors.
#[test]
fn serve_shows_warnings_after_builds_and_with_rebuild_errors() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_copy(dir.path());
    std::fs::write(site.join("content/news/notes.txt"), "notes").unwrap();
    news_template_failing_on_boom(&site);
    let server = Serve::start(&site, None, None);
    let warning = "warning: content/news/notes.txt:1:1: skipped";
    let shown = || server.log.lock().unwrap().matches(warning).count();
    assert_eq!(shown(), 1, "{}", server.log.lock().unwrap());

    let mut events = reload_events(server.port);
    wait_event(&mut events, |_| true);
    let news = site.join("content/news/mid-year.md");
    edit(&news, "title: 上半年经济运行情况", "title: boom");
    let data = wait_event(&mut events, |d| d.contains("no_such_value"));
    assert!(
        data.contains("content/news/notes.txt:1:1: skipped"),
        "{data}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !server.log.lock().unwrap().contains("build failed") {
        assert!(Instant::now() < deadline, "{}", server.log.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(shown(), 2, "{}", server.log.lock().unwrap());
}

/// Regression (#16): `serve` watched only the folders that existed when it started, so a
/// `templates/`, `static/` or `themes/` folder made while it ran changed nothing until restart.
#[test]
fn serve_watches_override_folders_created_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    for sub in ["templates", "static", "themes"] {
        assert!(!site.join(sub).exists(), "the fixture has no {sub}/");
    }
    let server = Serve::start(&site, None, None);
    let port = server.port;
    let mut events = reload_events(port);
    let mut last = wait_event(&mut events, |_| true);

    // A site-level template override in a new `templates/` folder.
    std::fs::create_dir(site.join("templates")).unwrap();
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    std::fs::write(
        site.join("templates/page.html"),
        page.replacen(
            "{% block content %}",
            "{% block content %}<p>override-marker</p>",
            1,
        ),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, "/about/").1.contains("override-marker") {
        assert!(
            Instant::now() < deadline,
            "the new templates/ folder was not seen"
        );
        last = wait_event(&mut events, |d| d != last);
    }

    // A new `static/` folder: its file is served and extra.css is linked.
    std::fs::create_dir(site.join("static")).unwrap();
    std::fs::write(site.join("static/extra.css"), ":root { --accent: teal; }").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    // Pages link it by its content-hashed name (`extra.<hash>.css`).
    while get(port, "/extra.css").0 != 200 || !get(port, "/about/").1.contains("href=\"/extra.") {
        assert!(
            Instant::now() < deadline,
            "the new static/ folder was not seen"
        );
        last = wait_event(&mut events, |d| d != last);
    }

    // A theme named in site.yaml before its folder exists: an error, until `themes/` is made.
    let yaml = site.join("site.yaml");
    edit(&yaml, "theme: default", "theme: mine");
    wait_event(&mut events, |d| d.contains("theme `mine` not found"));
    let theme = site.join("themes/mine");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &theme,
    );
    let base = theme.join("templates/base.html");
    edit(&base, "<body>", "<body data-theme=\"mine\">");
    wait_event(&mut events, |d| d.contains("\"errors\":null"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, "/").1.contains("data-theme=\"mine\"") {
        assert!(
            Instant::now() < deadline,
            "the new themes/ folder was not seen"
        );
        wait_event(&mut events, |d| d.contains("\"errors\":null"));
    }
}

/// Issue 15: a URL with raw (unencoded) UTF-8, as some clients send it, was answered by closing
/// the connection. It is answered now, like its percent-encoded form.
#[test]
fn serve_answers_raw_utf8_urls() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serve::start(&site_copy(dir.path()), None, None);
    let port = server.port;
    for target in ["/search/?q=供热", "/search/?q=%E4%BE%9B%E7%83%AD"] {
        let req =
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        let resp = raw(port, req.as_bytes());
        assert_eq!(status(&resp), 200, "{target}: {resp}");
    }
    // A raw UTF-8 path names the file as its encoded form does (a 404 here, answered).
    let resp = raw(
        port,
        format!("GET /没有/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status(&resp), 404, "{resp}");
}

/// Issue 17 item 6: a page on another site whose name is made to point at 127.0.0.1 (DNS
/// rebinding) sends its own name as Host and is refused; loopback names are answered, with any
/// port (an SSH tunnel's). Only GET and HEAD are served; kept-alive connections answer several
/// requests.
#[test]
fn serve_refuses_foreign_hosts_and_other_methods() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serve::start(&site_copy(dir.path()), None, None);
    let port = server.port;
    let ask = |method: &str, host: &str| {
        raw(
            port,
            format!("{method} / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        // through an SSH tunnel, the browser names the tunnel's port
        "localhost:8080".to_string(),
    ] {
        assert_eq!(status(&ask("GET", &host)), 200, "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.2:{port}"),
    ] {
        let resp = ask("GET", &host);
        assert_eq!(status(&resp), 403, "{host}: {resp}");
        assert!(!resp.contains("<html"), "no page for {host}");
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"] {
        let resp = ask(method, &format!("127.0.0.1:{port}"));
        assert_eq!(status(&resp), 405, "{method}: {resp}");
        assert!(resp.contains("Allow: GET, HEAD"), "{resp}");
    }
    // A body is never read; the answer still arrives whole before the connection closes.
    let body = "x".repeat(100_000);
    for method in ["POST", "GET"] {
        let resp = raw(
            port,
            format!(
                "{method} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        let want = if method == "GET" { 200 } else { 405 };
        assert_eq!(status(&resp), want, "{method} with a body: {resp}");
    }
    let head = ask("HEAD", &format!("127.0.0.1:{port}"));
    assert_eq!(status(&head), 200, "{head}");
    assert!(head.contains("Content-Length: "), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "no body after HEAD: {head}");
    // Two requests on one connection, sent at once: two answers.
    let two = raw(
        port,
        format!(
            "GET /no/such/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(two.matches("HTTP/1.1 ").count(), 2, "{two}");
    assert!(two.starts_with("HTTP/1.1 404"), "{two}");
    assert!(two.contains("HTTP/1.1 200"), "{two}");
}

/// Issue 17 item 6: request heads are bounded in size and in time: a huge request line or
/// header is refused, and a client that sends its request a byte at a time (slowloris) or
/// nothing at all is cut off after 5 seconds instead of holding a thread for ever.
#[test]
fn serve_refuses_huge_and_slow_requests() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serve::start(&site_copy(dir.path()), None, None);
    let port = server.port;
    let long = "a".repeat(20_000);
    let resp = raw(
        port,
        format!("GET /{long} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status(&resp), 414, "{resp}");
    let resp = raw(
        port,
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: {long}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status(&resp), 431, "{resp}");

    // A byte every 200 ms: the head never completes.
    let start = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ").unwrap();
    let mut got = Vec::new();
    for _ in 0..100 {
        if s.write_all(b"a").is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if got.ends_with(b"\n") && got.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let took = start.elapsed();
    let got = String::from_utf8_lossy(&got).into_owned();
    assert_eq!(status(&got), 408, "{got:?}");
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(15),
        "cut off after {took:?}"
    );

    // Silent: closed without an answer.
    let start = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut buf = Vec::new();
    assert_eq!(s.read_to_end(&mut buf).unwrap(), 0);
    assert!(start.elapsed() < Duration::from_secs(15));
    // The server still answers.
    let ok = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&raw(port, ok.as_bytes())), 200);
}

/// Issue 17 item 6: with tiny_http, once the server ran out of file descriptors its accept
/// thread ended and the port was refused while the process lived on. Now it waits until
/// descriptors are free again and answers.
#[cfg(target_os = "linux")]
#[test]
fn serve_answers_again_after_running_out_of_file_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serve::start(&site_copy(dir.path()), None, Some(64));
    let port = server.port;
    let ok = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&raw(port, ok.as_bytes())), 200);
    // More connections than the server has descriptors; they send nothing.
    let held: Vec<TcpStream> = (0..150)
        .filter_map(|_| {
            TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)).ok()
        })
        .collect();
    assert!(held.len() > 100, "{} connections", held.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log
        .lock()
        .unwrap()
        .contains("cannot accept a connection")
    {
        assert!(
            Instant::now() < deadline,
            "the server never ran out of descriptors: {}",
            server.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the port is still open");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(ok.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let resp = String::from_utf8_lossy(&buf);
        if status(&resp) == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no answer after the connections closed: {resp}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .contains("accepting connections again")
    );
}

/// Issue 17 item 6: a symbolic link inside the served folder is never followed, whether it
/// leads to a file or a folder outside.
#[cfg(target_os = "linux")]
#[test]
fn serve_never_follows_links_out_of_its_folder() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let secret = dir.path().join("secret");
    std::fs::create_dir(&secret).unwrap();
    std::fs::write(secret.join("index.html"), "SECRET").unwrap();
    std::fs::write(secret.join("key.txt"), "SECRET").unwrap();
    let server = Serve::start(&site_copy(dir.path()), Some(&tmp), None);
    let port = server.port;
    let out = private_folder(&tmp, server.child.id()).join("site");
    symlink(&secret, out.join("leak")).unwrap();
    symlink(secret.join("key.txt"), out.join("key.txt")).unwrap();
    for target in ["/leak/", "/leak/key.txt", "/key.txt", "/leak/index.html"] {
        let req =
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        let resp = raw(port, req.as_bytes());
        assert_eq!(status(&resp), 404, "{target}: {resp}");
        assert!(!resp.contains("SECRET"), "{target}");
    }
}

/// The live reload in real headless Chromium (`tests/browser/serve-reload.mjs`), through
/// `serve`'s own HTTP server: the page's event stream, a reload after an edit, the error overlay
/// after a broken edit. Ignored by plain `cargo test` like `tests/suite/browser.rs`; when asked for,
/// a missing Chromium or node module fails it (`tests/suite/common/tools.rs`).
#[test]
#[ignore = "needs chromium, node and `npm ci --prefix tests/browser`; run by .ci/run with --include-ignored"]
fn serve_reloads_pages_in_chromium() {
    use crate::common::tools::{Tool, require};
    require(&[Tool::Chromium, Tool::Node, Tool::BrowserModules]);
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let dir = tempfile::tempdir().unwrap();
    let site = site_copy(dir.path());
    let server = Serve::start(&site, None, None);
    let pledges = site.join("content/pledges/alpha-2024.yaml");
    let o = Command::new("node")
        .current_dir(&browser_dir)
        .arg("serve-reload.mjs")
        .arg(format!(
            "http://127.0.0.1:{}/pledges/alpha-2024/gdp/",
            server.port
        ))
        .arg(&pledges)
        .args([
            "  - id: gdp\n",
            "  - id: gdp\n    title: 经济增速目标\n",
            "经济增速目标",
            "category: economy",
            "category: nope",
        ])
        .output()
        .expect("node runs");
    assert!(
        o.status.success(),
        "serve-reload.mjs failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("serve-reload.mjs prints JSON");
    assert_eq!(report["error"], serde_json::Value::Null, "{report}");
    assert_eq!(report["status"], 200, "{report}");
    assert_eq!(report["stream"], true, "{report}");
    assert_eq!(report["reloaded"], true, "{report}");
    assert_eq!(
        report["shows"], true,
        "the reloaded page shows the edit: {report}"
    );
    let overlay = report["overlay"].as_str().unwrap_or_default();
    assert!(
        overlay.contains("unknown category") && overlay.contains("alpha-2024.yaml"),
        "{report}"
    );
}
