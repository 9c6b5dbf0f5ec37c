//! The HTTP/1.1 server under `serve`: GET and HEAD on loopback, with bounded request heads,
//! timeouts, a cap on open connections, Host names checked against loopback names, and an accept
//! loop that waits out running out of file descriptors instead of ending.
//!
//! It replaces tiny_http 0.12, whose accept thread ends on the first failed `accept` (the port
//! is then refused while the process lives on), which reads a request line of any length into
//! memory, and which drops a request whose line holds raw UTF-8 (`/search/?q=供热`).
#![allow(clippy::print_stderr)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Bounds on what clients may hold of the server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The request line and headers together, in bytes.
    pub head_bytes: usize,
    /// Header lines in one request.
    pub headers: usize,
    /// Time for a whole request head to arrive, counted from when the server starts waiting for
    /// it (after the connection opens, or after the previous answer on a kept-alive one). A
    /// connection silent that long is closed; one that sent part of a head gets 408.
    pub head_timeout: Duration,
    /// Time for any one write to a client (a reader that stopped reading is dropped).
    pub write_timeout: Duration,
    /// Connections open at once; more wait in the system's queue until one closes.
    pub connections: usize,
    /// Requests answered on one kept-alive connection before it is closed.
    pub requests_per_connection: usize,
}

/// The limits `serve` runs with.
pub const LIMITS: Limits = Limits {
    head_bytes: 16 * 1024,
    headers: 100,
    head_timeout: Duration::from_secs(5),
    write_timeout: Duration::from_secs(30),
    connections: 256,
    requests_per_connection: 1000,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// A request the server accepted: a GET or HEAD for a path, from a loopback Host.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The request target as sent: `/` and a path, maybe a query; raw UTF-8 is kept as it is.
    pub target: String,
    /// Whether the connection ends after the answer (asked for, HTTP/1.0, or a body we skip).
    pub close: bool,
}

/// A request refused before it reaches the site: its status and a line for the client.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

/// A complete answer.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The body written to the connection as it comes, for as long as the client reads;
/// the connection ends with it.
pub type StreamBody = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send>;

pub enum Reply {
    Full(Response),
    Stream {
        content_type: &'static str,
        body: StreamBody,
    },
}

/// What answers accepted requests.
pub type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// Answer connections on `listener` in a thread of their own, each connection in its own
/// thread, until the process ends. `port` is the one a refusal of a foreign Host names.
pub fn spawn(
    listener: TcpListener,
    port: u16,
    limits: Limits,
    handler: Arc<Handler>,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("duixian-accept".into())
        .spawn(move || accept_loop(&listener, port, limits, &handler))
        .map(|_| ())
}

/// Counts an open connection while it lives.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(listener: &TcpListener, port: u16, limits: Limits, handler: &Arc<Handler>) {
    let open = Arc::new(AtomicUsize::new(0));
    // Whether the last accept failed, and whether that spell of failures was reported: at most
    // one report in 10 s, so that a client holding the server at its limit cannot flood the
    // terminal.
    let mut failing = false;
    let mut reported: Option<Instant> = None;
    let mut told = false;
    loop {
        if open.load(Ordering::SeqCst) >= limits.connections {
            // New connections wait in the system's queue.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                if failing && told {
                    eprintln!("serve: accepting connections again");
                }
                failing = false;
                open.fetch_add(1, Ordering::SeqCst);
                let slot = Slot(open.clone());
                let handler = handler.clone();
                let spawned = std::thread::Builder::new()
                    .name("duixian-http".into())
                    .stack_size(256 * 1024)
                    .spawn(move || {
                        let _slot = slot;
                        connection(stream, port, limits, &*handler);
                    });
                if spawned.is_err() {
                    // No thread to be had: the connection (and its slot) were dropped with the
                    // closure; give the system a moment.
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            Err(e) => {
                // Out of file descriptors (EMFILE, ENFILE), memory or buffers: the connection
                // stays queued and is taken once descriptors are free again. Never give up.
                if !failing {
                    failing = true;
                    told = reported.is_none_or(|t| t.elapsed() >= Duration::from_secs(10));
                    if told {
                        reported = Some(Instant::now());
                        eprintln!(
                            "serve: cannot accept a connection ({e}); new requests wait until it can. If it says \"Too many open files\", close some browser tabs or other programs, or raise the limit (`ulimit -n`)"
                        );
                    }
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Answer the requests of one connection in order until it closes, times out or breaks a rule.
fn connection(mut stream: TcpStream, port: u16, limits: Limits, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let mut buf = Vec::new();
    for n in 1..=limits.requests_per_connection {
        let head = match read_head(&mut stream, &mut buf, &limits) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(refusal) => return send_refusal(stream, &refusal),
        };
        let mut req = match parse_head(&head, port, &limits) {
            Ok(req) => req,
            Err(refusal) => return send_refusal(stream, &refusal),
        };
        req.close |= n == limits.requests_per_connection;
        match handler(&req) {
            Reply::Full(resp) => {
                if write_response(&mut stream, &req, &resp).is_err() {
                    return;
                }
                if req.close {
                    return linger(stream);
                }
            }
            Reply::Stream { content_type, body } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
                );
                if stream
                    .write_all(head.as_bytes())
                    .and_then(|()| stream.flush())
                    .is_ok()
                    && req.method == Method::Get
                {
                    let _ = body(&mut stream);
                }
                return;
            }
        }
    }
}

/// Read one request head: the bytes before its blank line, without the line ending. What
/// follows the head stays in `buf`. `Ok(None)` when the client closed or stayed silent.
fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, Refusal> {
    let deadline = Instant::now() + limits.head_timeout;
    let mut chunk = [0u8; 4096];
    loop {
        // Empty lines before a request line are allowed (RFC 9112 section 2.2).
        let blank = buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        buf.drain(..blank);
        let found = find_head_end(buf);
        let size = found.map_or(buf.len(), |(end, _)| end);
        if size > limits.head_bytes {
            let line = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
            return Err(if line > limits.head_bytes {
                refuse(414, "request line too long")
            } else {
                refuse(431, "request headers too large")
            });
        }
        if let Some((end, next)) = found {
            let head = buf[..end].to_vec();
            buf.drain(..next);
            return Ok(Some(head));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(refuse(408, "request not received in time"))
            };
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Ok(None);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Ok(None),
        }
    }
}

/// Where the head ends (its length without the last line ending) and where the next bytes
/// start: at the first empty line, ended by CRLF or LF.
fn find_head_end(buf: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(at) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + at;
        let end = if nl > 0 && buf[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        match buf.get(nl + 1..) {
            Some([b'\n', ..]) => return Some((end, nl + 2)),
            Some([b'\r', b'\n', ..]) => return Some((end, nl + 3)),
            _ => i = nl + 1,
        }
    }
    None
}

/// Check a request head (request line and headers) and keep what the server needs of it.
pub fn parse_head(head: &[u8], port: u16, limits: &Limits) -> Result<Request, Refusal> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let (method, target, http10) = request_line(lines.next().unwrap_or_default())?;
    let Headers { host, close } = headers(lines, http10, limits)?;
    check_host(host, http10, port)?;
    let method = match method {
        b"GET" => Method::Get,
        b"HEAD" => Method::Head,
        _ => return Err(refuse(405, "only GET and HEAD are served")),
    };
    if !target.starts_with('/') {
        return Err(refuse(400, "the request target must start with /"));
    }
    Ok(Request {
        method,
        target,
        close,
    })
}

/// The request line's method (not yet checked), its target and whether it is HTTP/1.0.
fn request_line(line: &[u8]) -> Result<(&[u8], String, bool), Refusal> {
    let mut parts = line
        .split(|&b| b == b' ')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .into_iter();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refuse(400, "malformed request line"));
    };
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => {
            return Err(refuse(505, "only HTTP/1.0 and HTTP/1.1 are served"));
        }
        _ => return Err(refuse(400, "malformed request line")),
    };
    // Raw UTF-8 is allowed in the target (clients send `/search/?q=供热` as it is); control
    // characters are not.
    let target = match std::str::from_utf8(target) {
        Ok(t) if !t.chars().any(char::is_control) => t.to_string(),
        _ => return Err(refuse(400, "the request target is not valid UTF-8 text")),
    };
    Ok((method, target, http10))
}

/// What the server keeps of the header lines.
struct Headers<'a> {
    /// The Host header's value, if one was sent.
    host: Option<&'a [u8]>,
    /// Whether the connection ends after the answer.
    close: bool,
}

/// Check the header lines (after the request line) and keep the Host and whether to close.
fn headers<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
    http10: bool,
    limits: &Limits,
) -> Result<Headers<'a>, Refusal> {
    let mut host: Option<&[u8]> = None;
    let mut close = http10;
    for (count, line) in (1..).zip(lines) {
        if count > limits.headers {
            return Err(refuse(431, "too many request headers"));
        }
        let (name, value) = header_line(line)?;
        if name.eq_ignore_ascii_case(b"host") {
            if host.is_some() {
                return Err(refuse(400, "more than one Host header"));
            }
            host = Some(value);
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(|&b| b == b',').map(trim) {
                if token.eq_ignore_ascii_case(b"close") {
                    close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") && http10 {
                    close = false;
                }
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding")
            || (name.eq_ignore_ascii_case(b"content-length") && value != b"0")
        {
            // A body is never read: the connection ends after the answer instead.
            close = true;
        }
    }
    Ok(Headers { host, close })
}

/// A header line's name and its value without surrounding blanks.
fn header_line(line: &[u8]) -> Result<(&[u8], &[u8]), Refusal> {
    if line.first().is_some_and(|b| matches!(b, b' ' | b'\t')) {
        return Err(refuse(400, "folded header lines are not accepted"));
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(refuse(400, "malformed header line"));
    };
    let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
    if name.is_empty() || name.iter().any(|b| !is_token(*b)) {
        return Err(refuse(400, "malformed header name"));
    }
    Ok((name, value))
}

/// Only requests for this server on the loopback interface are answered.
fn check_host(host: Option<&[u8]>, http10: bool, port: u16) -> Result<(), Refusal> {
    match host {
        Some(h) if is_loopback_host(h) => Ok(()),
        // HTTP/1.0 clients may send no Host; browsers always send one.
        None if http10 => Ok(()),
        None => Err(refuse(400, "missing Host header")),
        Some(_) => Err(refuse(
            403,
            format!(
                "this server answers only requests for 127.0.0.1:{port}, localhost:{port} or [::1]:{port}"
            ),
        )),
    }
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let end = b.len()
        - b[start..]
            .iter()
            .rev()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
    &b[start..end]
}

/// A character of an HTTP token (RFC 9110 section 5.6.2), as header names are.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether a Host header names this server by a loopback name: `127.0.0.1`, `localhost` or
/// `[::1]`, with a port or none. Any other name is what a DNS-rebinding page would send; the port
/// is not checked, since a browser always sends the one it connected to, and through an SSH
/// tunnel (`ssh -L 8080:127.0.0.1:1111`) that is the tunnel's, not this server's.
fn is_loopback_host(host: &[u8]) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let (name, given) = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host.as_str(), None),
    };
    let port_ok = match given {
        None => true,
        Some(p) => p.parse::<u16>().is_ok() && !p.starts_with('+'),
    };
    port_ok && matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn write_response(stream: &mut TcpStream, req: &Request, resp: &Response) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
        if req.close { "close" } else { "keep-alive" }
    )
    .into_bytes();
    if req.method == Method::Get {
        out.extend_from_slice(&resp.body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// Answer a refused request and close the connection.
fn send_refusal(mut stream: TcpStream, refusal: &Refusal) {
    let body = format!("{}\n", refusal.message);
    let allow = if refusal.status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{allow}Connection: close\r\n\r\n",
        refusal.status,
        reason(refusal.status),
        body.len()
    );
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .is_ok()
    {
        linger(stream);
    }
}

/// Close a connection after an answer, reading what the client still sends (a body that was
/// not read, the rest of a refused request) for a moment: closing with unread bytes resets the
/// connection, and the client may then lose the answer.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 256 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &str) -> Result<Request, Refusal> {
        parse_head(head.as_bytes(), 8080, &LIMITS)
    }

    #[test]
    fn raw_utf8_targets_are_accepted() {
        let req = parse("GET /search/?q=供热 HTTP/1.1\r\nHost: 127.0.0.1:8080").unwrap();
        assert_eq!(req.target, "/search/?q=供热");
        assert_eq!(req.method, Method::Get);
        assert!(!req.close);
    }

    #[test]
    fn host_must_be_a_loopback_name_with_any_port() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
            "127.0.0.1",
            "localhost",
            "[::1]",
            // an SSH tunnel's own port
            "127.0.0.1:8081",
            "localhost:1",
        ] {
            assert!(
                parse(&format!("GET / HTTP/1.1\r\nHost: {ok}")).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "evil.example:8080",
            "localhost.evil.example:8080",
            "127.0.0.2:8080",
            "localhost:",
            "localhost:65536",
            "localhost:+8080",
            "[::1]:80800",
            "",
        ] {
            assert_eq!(
                parse(&format!("GET / HTTP/1.1\r\nHost: {bad}"))
                    .unwrap_err()
                    .status,
                403,
                "{bad}"
            );
        }
        assert_eq!(parse("GET / HTTP/1.1").unwrap_err().status, 400);
        assert!(parse("GET / HTTP/1.0").unwrap().close);
        assert_eq!(
            parse("GET / HTTP/1.1\r\nHost: localhost:8080\r\nHost: evil:8080")
                .unwrap_err()
                .status,
            400
        );
    }

    #[test]
    fn only_get_and_head_are_served() {
        assert_eq!(
            parse("HEAD / HTTP/1.1\r\nHost: localhost:8080")
                .unwrap()
                .method,
            Method::Head
        );
        for m in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "get"] {
            assert_eq!(
                parse(&format!("{m} / HTTP/1.1\r\nHost: localhost:8080"))
                    .unwrap_err()
                    .status,
                405,
                "{m}"
            );
        }
    }

    #[test]
    fn malformed_heads_are_refused() {
        for (head, status) in [
            ("GET /", 400),
            ("GET / HTTP/1.1 x", 400),
            ("GET / HTTP/2.0\r\nHost: localhost", 505),
            ("GET / FTP/1.0", 400),
            (
                "GET http://localhost:8080/ HTTP/1.1\r\nHost: localhost:8080",
                400,
            ),
            ("GET / HTTP/1.1\r\nHost: localhost\r\n folded", 400),
            ("GET / HTTP/1.1\r\nHost: localhost\r\nno colon", 400),
            ("GET / HTTP/1.1\r\nHost: localhost\r\nbad name: x", 400),
            ("GET /\u{7} HTTP/1.1\r\nHost: localhost", 400),
        ] {
            assert_eq!(parse(head).unwrap_err().status, status, "{head:?}");
        }
        let invalid = b"GET /\xff HTTP/1.1\r\nHost: localhost";
        assert_eq!(parse_head(invalid, 8080, &LIMITS).unwrap_err().status, 400);
        let many = format!(
            "GET / HTTP/1.1\r\nHost: localhost{}",
            "\r\nX: y".repeat(LIMITS.headers)
        );
        assert_eq!(parse(&many).unwrap_err().status, 431);
    }

    #[test]
    fn connection_ends_when_asked_or_when_a_body_is_sent() {
        let close = |h: &str| {
            parse(&format!("GET / HTTP/1.1\r\nHost: localhost\r\n{h}"))
                .unwrap()
                .close
        };
        assert!(close("Connection: close"));
        assert!(close("Connection: Keep-Alive, Close"));
        assert!(close("Content-Length: 5"));
        assert!(close("Transfer-Encoding: chunked"));
        assert!(!close("Content-Length: 0"));
        assert!(!close("Connection: keep-alive"));
        assert!(
            !parse("GET / HTTP/1.0\r\nConnection: keep-alive")
                .unwrap()
                .close
        );
    }

    #[test]
    fn head_ends_at_the_first_empty_line() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some((14, 18)));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\nrest"), Some((14, 16)));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\n"),
            Some((20, 24))
        );
    }
}
