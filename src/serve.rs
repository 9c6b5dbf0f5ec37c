//! `duixian serve`: build into a temporary folder, serve it on 127.0.0.1, rebuild when files
//! change, and tell open pages to reload (Server-Sent Events). While the content is broken the
//! last good build stays served and the errors show in the terminal and over the page.
#![allow(clippy::print_stderr)]

mod http;

use crate::incremental::{Rebuilt, Session};
use crate::model::BuildOptions;
use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

const EVENTS_PATH: &str = "/__duixian/events";

/// What open pages need to know: a build counter and the current errors, if any.
#[derive(Default)]
struct State {
    version: u64,
    errors: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

const RELOAD_SCRIPT: &str = r#"<script>(()=>{const s=new EventSource("/__duixian/events");let v=null;
s.addEventListener("build",e=>{const d=JSON.parse(e.data);if(v!==null&&d.version!==v&&!d.errors){location.reload();}v=d.version;
let o=document.getElementById("duixian-errors");if(d.errors){if(!o){o=document.createElement("pre");o.id="duixian-errors";
o.style.cssText="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1em;background:#3b0a0a;color:#fff;font:13px/1.4 monospace;white-space:pre-wrap;z-index:99999";
document.body.appendChild(o);}o.textContent="duixian: build failed — showing the last good build\n\n"+d.errors;}else if(o){o.remove();}});})();</script>"#;

/// How much a rebuild tells in the terminal (`--quiet`, `--verbose`).
#[derive(Clone, Copy)]
struct Say {
    quiet: bool,
    verbose: bool,
}

fn rebuild(session: &mut Session, changed: Option<&[PathBuf]>, shared: &Shared, say: Say) {
    let start = Instant::now();
    // The previous output of a full rebuild is removed after open pages are told to reload.
    let result = session.rebuild_changed(changed);
    let (lock, cvar) = &**shared;
    let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(done) => {
            if let Some(old) = done.summary.leftover.clone() {
                remove_in_background(old);
            }
            tell_rebuilt(&done, start, say);
            st.errors = None;
        }
        Err(e) => {
            let text = match e.downcast_ref::<crate::diag::ContentErrors>() {
                Some(c) => c.to_string(),
                None => format!("{e:#}"),
            };
            eprintln!("{text}\nbuild failed; still serving the last good build");
            st.errors = Some(text);
        }
    }
    st.version += 1;
    cvar.notify_all();
}

/// Remove the previous output of a full rebuild on a thread of its own.
fn remove_in_background(old: PathBuf) {
    std::thread::spawn(move || {
        if let Err(e) = crate::output::remove_tree(&old) {
            eprintln!(
                "warning: the previous build in `{}` could not be removed ({e}); \
                 it is removed when serve stops",
                old.display()
            );
        }
    });
}

/// What a rebuild did, in the terminal.
fn tell_rebuilt(done: &Rebuilt, start: Instant, say: Say) {
    // As `build` prints them: the content's warnings, then what the build could not
    // tidy up (a leftover folder it could not remove).
    if !say.quiet || say.verbose {
        for line in crate::cli::warning_lines(&done.summary) {
            eprintln!("{line}");
        }
    }
    if say.quiet {
        return;
    }
    let ms = start.elapsed().as_millis();
    if done.full {
        eprintln!(
            "built {} pages ({} files) in {ms} ms",
            done.summary.pages, done.written
        );
    } else {
        eprintln!(
            "rebuilt {} changed files ({} content files read) in {ms} ms",
            done.written, done.read
        );
    }
    if say.verbose {
        for (phase, ms) in &done.summary.phases {
            eprintln!("  {phase}: {ms} ms");
        }
    }
}

/// Run the development server until interrupted (or for `exit_after` seconds).
pub fn serve(
    root: &Path,
    port: u16,
    drafts: bool,
    exit_after: Option<u64>,
    quiet: bool,
    verbose: bool,
) -> Result<()> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let port = listener.local_addr().map_or(port, |a| a.port());
    let private = private_folder()?;
    remove_abandoned_folders(private.path());
    let out = private.path().join("site");
    let stop = stop_on_signal();
    let opts = BuildOptions {
        drafts,
        base_url: Some(format!("http://127.0.0.1:{port}/")),
    };
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let mut session = Session::new(root, &out, opts);
    let files = session.files_lock();
    let say = Say { quiet, verbose };
    rebuild(&mut session, None, &shared, say);
    eprintln!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        root.display()
    );
    let (watcher, events) = watch_site(root)?;
    let rebuilds = Rebuilds {
        root: root.to_path_buf(),
        session,
        shared: shared.clone(),
        watcher: watcher.clone(),
        say,
    };
    std::thread::spawn(move || rebuilds.run(events));
    {
        let (out, shared) = (out.clone(), shared.clone());
        let handler: Arc<http::Handler> = Arc::new(move |req| answer(req, &out, &shared, &files));
        http::spawn(listener, port, http::LIMITS, handler)
            .context("cannot start the HTTP server thread")?;
    }
    // The server and the watcher run in their threads; this one waits.
    wait_for_stop(&stop, exit_after);
    drop(watcher.lock().unwrap_or_else(|e| e.into_inner()).take());
    let _ = crate::output::remove_tree(private.path());
    Ok(())
}

/// A flag that Ctrl-C and SIGTERM set. They end [`serve`]'s wait, after which it removes the
/// private folder; a second handler cannot be set (only if `serve` runs twice in one process),
/// and then the folder is left to `remove_abandoned_folders` of the next run.
fn stop_on_signal() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    stop
}

/// Wait for `stop` (Ctrl-C) or the end of `--exit-after`.
fn wait_for_stop(stop: &AtomicBool, exit_after: Option<u64>) {
    let deadline = exit_after.map(|s| Instant::now() + Duration::from_secs(s));
    let tick = Duration::from_millis(200);
    while !stop.load(Ordering::SeqCst) {
        let wait = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                left.min(tick)
            }
            None => tick,
        };
        std::thread::sleep(wait);
    }
}

/// The file watcher, shared with the rebuild thread (which watches folders that appear) and
/// taken by [`serve`] when it stops.
type SharedWatcher = Arc<Mutex<Option<notify::RecommendedWatcher>>>;

/// The events of a file system watch.
type WatchEvents = mpsc::Receiver<notify::Result<notify::Event>>;

/// Watch what [`WATCHED`] names in the site at `root`, and the site folder itself.
fn watch_site(root: &Path) -> Result<(SharedWatcher, WatchEvents)> {
    let (tx, rx) = mpsc::channel();
    let mut w = notify::recommended_watcher(tx).context("cannot watch files")?;
    for sub in WATCHED {
        let p = root.join(sub);
        if p.exists() {
            w.watch(&p, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch `{}`", p.display()))?;
        }
    }
    // The site folder itself, not its subfolders: a `templates/`, `static/` or `themes/`
    // folder created while serving is then seen, and watched from then on.
    w.watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch `{}`", root.display()))?;
    Ok((Arc::new(Mutex::new(Some(w))), rx))
}

/// The rebuild thread: one rebuild after each burst of events that can change the site.
struct Rebuilds {
    root: PathBuf,
    session: Session,
    shared: Shared,
    watcher: SharedWatcher,
    say: Say,
}

impl Rebuilds {
    fn run(mut self, events: WatchEvents) {
        while let Ok(first) = events.recv() {
            let (relevant, mut paths) = self.burst(&events, first);
            // A watched folder that appeared (or was replaced): watch it, and walk the
            // site folder, as files may have been written into it before it was watched.
            if self.watch_new_folders(paths.iter().flatten()) {
                paths = None;
            }
            if relevant {
                rebuild(&mut self.session, paths.as_deref(), &self.shared, self.say);
            }
        }
    }

    /// The events that follow `first` within the debounce time (editors write several events
    /// per save): whether one can change the site, and the paths of every event, or `None`
    /// once an event names none (then the rebuild walks the site folder rather than trusting
    /// the list).
    fn burst(
        &self,
        events: &WatchEvents,
        first: notify::Result<notify::Event>,
    ) -> (bool, Option<Vec<PathBuf>>) {
        let mut relevant = is_relevant(&self.root, &first);
        let mut paths = Some(Vec::new());
        let mut note = |ev: &notify::Result<notify::Event>| match ev {
            Ok(e) if !e.paths.is_empty() => {
                if let Some(p) = paths.as_mut() {
                    // Names starting with `.` (editors' swap files) are never read.
                    p.extend(e.paths.iter().filter(|p| !is_hidden(p)).cloned());
                }
            }
            _ => paths = None,
        };
        note(&first);
        while let Ok(more) = events.recv_timeout(Duration::from_millis(80)) {
            relevant |= is_relevant(&self.root, &more);
            note(&more);
        }
        (relevant, paths)
    }

    /// Watch the [`WATCHED`] folders among `paths` that are folders now; whether there was one.
    fn watch_new_folders<'p>(&self, paths: impl Iterator<Item = &'p PathBuf>) -> bool {
        let new_folders: Vec<&PathBuf> = paths
            .filter(|p| is_watched_folder(&self.root, p) && p.is_dir())
            .collect();
        if new_folders.is_empty() {
            return false;
        }
        let mut w = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = w.as_mut() {
            for p in &new_folders {
                if let Err(e) = w.watch(p, RecursiveMode::Recursive) {
                    eprintln!("cannot watch `{}`: {e}", p.display());
                }
            }
        }
        true
    }
}

/// `serve`'s private folders are `<temp>/duixian-serve-<process id>-<random>`, mode 0700 and
/// made by `mkdir` (which fails on anything already there, a planted link included); the site is
/// built into `site/` inside, and a full rebuild's staging folder sits beside it, so no other
/// user can see the output or plant a file or link into it.
const SERVE_PREFIX: &str = "duixian-serve-";

/// The file that marks a private folder as `serve`'s, written as soon as it is made.
const SERVE_MARK: &str = ".duixian-serve";

fn private_folder() -> Result<tempfile::TempDir> {
    let temp = std::env::temp_dir();
    let prefix = format!("{SERVE_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(12);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let dir = builder.tempdir_in(&temp).with_context(|| {
        format!(
            "cannot make a private folder for the served site in `{}` (set TMPDIR to a folder you can write to)",
            temp.display()
        )
    })?;
    let mark = dir.path().join(SERVE_MARK);
    std::fs::write(
        &mark,
        "duixian serve builds the site here; the folder is removed when it stops\n",
    )
    .with_context(|| format!("cannot write `{}`", mark.display()))?;
    Ok(dir)
}

/// Remove the private folders of `serve` processes that no longer run (killed before they
/// could clean up), found beside `own`, this run's folder. Only real folders (not links) owned
/// by this user and holding `serve`'s mark are removed; links inside are removed, never
/// followed. The folders of older versions (`duixian-serve-<pid>` holding duixian's output
/// marker, and their `.duixian-tmp-`/`.duixian-old-` siblings) go by the same rules, and so do
/// the empty lock files (`.duixian-lock-duixian-serve-<pid>…`) that builds into such folders
/// left. Linux only: elsewhere there is no cheap way to ask whether a process id is alive.
fn remove_abandoned_folders(own: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Some(temp) = own.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for e in entries.flatten() {
        if let Some(name) = e.file_name().to_str() {
            remove_if_abandoned(name, &e.path(), own);
        }
    }
}

/// [`remove_abandoned_folders`] for one entry `dir` named `name` beside `own`.
fn remove_if_abandoned(name: &str, dir: &Path, own: &Path) {
    let ours = |dir: &Path| {
        std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && same_owner(&m, own))
    };
    let has_file = |p: PathBuf| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    if let Some(rest) = name.strip_prefix(SERVE_PREFIX) {
        let (pid, current) = match rest.split_once('-') {
            Some((pid, _)) => (pid, true),
            None => (rest, false),
        };
        let mark = if current {
            SERVE_MARK
        } else {
            crate::output::MARKER
        };
        if ended(pid) && ours(dir) && has_file(dir.join(mark)) {
            let _ = crate::output::remove_tree(dir);
        }
    } else if let Some(rest) = name
        .strip_prefix(".duixian-lock-")
        .and_then(|r| r.strip_prefix(SERVE_PREFIX))
    {
        // The empty lock file a build takes beside its output (`output::Staging`), left by
        // a server killed mid-build when its output folder sat here:
        // `.duixian-lock-duixian-serve-<pid>[-<random>]`. Only a regular file (a link is
        // neither followed nor removed) owned by this user, still empty.
        let file = std::fs::symlink_metadata(dir)
            .is_ok_and(|m| m.is_file() && m.len() == 0 && same_owner(&m, own));
        if rest.split('-').next().is_some_and(ended) && file {
            let _ = std::fs::remove_file(dir);
        }
    } else if let Some(rest) = name
        .strip_prefix(".duixian-tmp-")
        .or_else(|| name.strip_prefix(".duixian-old-"))
        .and_then(|r| r.strip_prefix(SERVE_PREFIX))
    {
        // An older version's staging folder or previous output: `<pid>-<pid>`.
        if rest.split('-').next().is_some_and(ended) && ours(dir) {
            crate::output::remove_leftover(dir);
        }
    }
}

/// Whether `pid` names a process that has ended (and not this one).
fn ended(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|pid| pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists())
}

/// Whether `meta` belongs to the owner of `own` (this process made `own`).
#[cfg(unix)]
fn same_owner(meta: &std::fs::Metadata, own: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(own).is_ok_and(|m| m.uid() == meta.uid())
}

#[cfg(not(unix))]
fn same_owner(_meta: &std::fs::Metadata, _own: &Path) -> bool {
    false
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// What `serve` watches in the site folder (each recursively, once it exists).
const WATCHED: [&str; 6] = [
    "site.yaml",
    "content",
    "themes",
    "templates",
    "static",
    "seeds",
];

/// Whether `p` is one of the [`WATCHED`] folders of the site at `root`.
fn is_watched_folder(root: &Path, p: &Path) -> bool {
    p.parent() == Some(root)
        && p.file_name()
            .is_some_and(|n| WATCHED[1..].iter().any(|w| n == *w))
}

/// Whether an event can change the site: not a read, not an editor's backup or swap file, and
/// in the site folder itself only for what [`WATCHED`] names (not the output folder, `.git`).
fn is_relevant(root: &Path, ev: &notify::Result<notify::Event>) -> bool {
    match ev {
        Ok(e) => {
            !matches!(e.kind, notify::EventKind::Access(_))
                && e.paths.iter().any(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let at_top = p.parent() == Some(root);
                    !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp"))
                        && (!at_top || WATCHED.contains(&name.as_str()))
                })
        }
        Err(_) => true,
    }
}

/// An endless SSE body: one `build` event now and one after every rebuild.
struct Events {
    shared: Shared,
    seen: Option<u64>,
    pending: Vec<u8>,
}

impl Read for Events {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let (lock, cvar) = &*self.shared;
            let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
            while self.seen == Some(st.version) {
                let (g, timeout) = cvar
                    .wait_timeout(st, Duration::from_secs(15))
                    .unwrap_or_else(|e| e.into_inner());
                st = g;
                if timeout.timed_out() && self.seen == Some(st.version) {
                    self.pending = b": keep-alive\n\n".to_vec();
                    break;
                }
            }
            if self.pending.is_empty() {
                self.seen = Some(st.version);
                let data = serde_json::json!({ "version": st.version, "errors": st.errors });
                self.pending = format!("event: build\ndata: {data}\n\n").into_bytes();
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Map a request target to a file of the output, refusing anything that climbs out of it or
/// passes through a symbolic link (a build writes none; one would lead out of the folder).
fn resolve(out: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut p = out.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg == ".." || seg.contains(['\\', '\0']) {
            return None;
        }
        p.push(seg);
        if std::fs::symlink_metadata(&p).ok()?.file_type().is_symlink() {
            return None;
        }
    }
    if std::fs::symlink_metadata(&p).ok()?.is_dir() {
        p.push("index.html");
    }
    std::fs::symlink_metadata(&p)
        .is_ok_and(|m| m.is_file())
        .then_some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The answer to one request: the event stream, a file of the output (pages with the reload
/// script), or the site's 404 page.
fn answer(req: &http::Request, out: &Path, shared: &Shared, files: &RwLock<()>) -> http::Reply {
    let path = req.target.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS_PATH {
        let mut events = Events {
            shared: shared.clone(),
            seen: None,
            pending: Vec::new(),
        };
        return http::Reply::Stream {
            content_type: "text/event-stream",
            body: Box::new(move |w| {
                let mut buf = [0u8; 4096];
                loop {
                    let n = events.read(&mut buf)?;
                    w.write_all(&buf[..n])?;
                    w.flush()?;
                }
            }),
        };
    }
    // Not while a rebuild writes files over (`Session::files_lock`).
    let reading = files.read().unwrap_or_else(|e| e.into_inner());
    let (status, path) = match resolve(out, &req.target) {
        Some(p) => (200, Some(p)),
        None => (404, Some(out.join("404.html")).filter(|p| p.is_file())),
    };
    let read = path.as_deref().map(std::fs::read).transpose();
    drop(reading);
    let (status, ctype, mut bytes) = match read {
        Ok(Some(bytes)) => (status, path.as_deref().map_or("", content_type), bytes),
        Ok(None) => (404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        // Out of file descriptors, most likely: the next request may well succeed.
        Err(e) => (
            503,
            "text/plain; charset=utf-8",
            format!(
                "duixian serve cannot read this file now ({e}); reload the page to try again\n"
            )
            .into_bytes(),
        ),
    };
    if ctype.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        let injected = match html.rfind("</body>") {
            Some(i) => format!("{}{RELOAD_SCRIPT}{}", &html[..i], &html[i..]),
            None => format!("{html}{RELOAD_SCRIPT}"),
        };
        bytes = injected.into_bytes();
    }
    http::Reply::Full(http::Response {
        status,
        content_type: ctype,
        body: bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_cannot_climb_out() {
        let dir = std::env::temp_dir().join(format!("duixian-resolve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/index.html"), "x").unwrap();
        assert_eq!(resolve(&dir, "/a/"), Some(dir.join("a/index.html")));
        assert_eq!(resolve(&dir, "/a/?x=1"), Some(dir.join("a/index.html")));
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/%2e%2e/etc/passwd"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
