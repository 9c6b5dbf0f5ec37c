//! `duixian serve` over real HTTP on loopback: pages are served, an edit triggers a rebuild and a
//! reload event, and broken content keeps the last good build served while reporting the errors.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let mut child = Command::new(env!("CARGO_BIN_EXE_duixian"))
        .args([
            "--root",
            site.to_str().unwrap(),
            "serve",
            "--port",
            "0",
            "--exit-after",
            "60",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let port: u16 = loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve exited early");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in err.lines() {});

    let (status, body) = get(port, "/pledges/alpha-2024/gdp/");
    assert_eq!(status, 200);
    assert!(body.contains("生产总值增长7%左右"), "{body}");
    assert!(
        body.contains("/__duixian/events"),
        "the reload script is injected"
    );
    assert_eq!(get(port, "/no/such/page/").0, 404);
    assert_eq!(get(port, "/../../etc/passwd").0, 404);

    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        sse,
        "GET /__duixian/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(sse);
    let first = wait_event(&mut events, |_| true);
    assert!(first.contains("\"errors\":null"), "{first}");

    // An edit: the page changes and open pages are told to reload.
    let pledges = site.join("content/pledges/alpha-2024.yaml");
    let text = std::fs::read_to_string(&pledges).unwrap();
    std::fs::write(
        &pledges,
        text.replace("  - id: gdp\n", "  - id: gdp\n    title: 经济增速目标\n"),
    )
    .unwrap();
    wait_event(&mut events, |d| d != first && d.contains("\"errors\":null"));
    assert!(
        get(port, "/pledges/alpha-2024/gdp/")
            .1
            .contains("经济增速目标")
    );

    // Broken content: errors are pushed to the page, the last good build stays served.
    std::fs::write(
        &pledges,
        text.replace("category: economy", "category: nope"),
    )
    .unwrap();
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

    let _ = child.kill();
    let _ = child.wait();
}

/// Ctrl-C (SIGINT) stops `serve` cleanly: its output folder in the temporary directory goes with
/// it. Folders that killed servers left behind are removed when the next one starts.
#[cfg(target_os = "linux")]
#[test]
fn serve_cleans_up_its_folder_on_ctrl_c_and_after_killed_runs() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("full"), &site);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // A process id that has ended.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let abandoned = tmp.join(format!("duixian-serve-{dead}"));
    std::fs::create_dir(&abandoned).unwrap();
    std::fs::write(abandoned.join(".duixian-output"), "").unwrap();
    std::fs::write(abandoned.join("index.html"), "old").unwrap();
    let staging = tmp.join(format!(".duixian-tmp-duixian-serve-{dead}-{dead}"));
    std::fs::create_dir(&staging).unwrap();
    // Not duixian's: left alone.
    let foreign = tmp.join(format!("duixian-serve-{dead}0"));
    std::fs::create_dir(&foreign).unwrap();

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
    let own = tmp.join(format!("duixian-serve-{}", child.id()));
    assert!(
        own.join("index.html").is_file(),
        "serve builds into {own:?}"
    );
    assert!(!abandoned.exists(), "a killed server's folder is removed");
    assert!(
        !staging.exists(),
        "a killed server's staging folder is removed"
    );
    assert!(
        foreign.exists(),
        "a folder without duixian's marker is kept"
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

/// Start `serve` on `site` (any free port, stopped after 60 s); the child and its port.
fn start_serve(site: &std::path::Path) -> (std::process::Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duixian"))
        .args([
            "--root",
            site.to_str().unwrap(),
            "serve",
            "--port",
            "0",
            "--exit-after",
            "60",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let port: u16 = loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve exited early");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in err.lines() {});
    (child, port)
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
    let (mut child, port) = start_serve(&site);
    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        sse,
        "GET /__duixian/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(sse);
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
    while get(port, "/extra.css").0 != 200 || !get(port, "/about/").1.contains("extra.css") {
        assert!(
            Instant::now() < deadline,
            "the new static/ folder was not seen"
        );
        last = wait_event(&mut events, |d| d != last);
    }

    // A theme named in site.yaml before its folder exists: an error, until `themes/` is made.
    let yaml = site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("theme: default", "theme: mine")).unwrap();
    wait_event(&mut events, |d| d.contains("theme `mine` not found"));
    let theme = site.join("themes/mine");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &theme,
    );
    let base = theme.join("templates/base.html");
    let html = std::fs::read_to_string(&base).unwrap();
    std::fs::write(
        &base,
        html.replacen("<body>", "<body data-theme=\"mine\">", 1),
    )
    .unwrap();
    wait_event(&mut events, |d| d.contains("\"errors\":null"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, "/").1.contains("data-theme=\"mine\"") {
        assert!(
            Instant::now() < deadline,
            "the new themes/ folder was not seen"
        );
        wait_event(&mut events, |d| d.contains("\"errors\":null"));
    }

    let _ = child.kill();
    let _ = child.wait();
}
