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
