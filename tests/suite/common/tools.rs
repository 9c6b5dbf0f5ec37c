//! Programs some tests need besides Rust (Chromium, Node, nginx, Caddy, check-jsonschema): those
//! tests are
//! `#[ignore = "needs …"]`, so plain `cargo test` reports them as ignored, and when they are asked
//! for (`cargo test -- --include-ignored`, as `.ci/run` does) a missing program fails the test,
//! naming it and how to install it, instead of letting it pass without checking anything.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A program a test needs.
#[derive(Clone, Copy, Debug)]
pub enum Tool {
    /// Debian's `chromium` (or the browser named by `$CHROMIUM`).
    Chromium,
    /// `node`, to run the scripts of `tests/browser/`.
    Node,
    /// The npm packages of `tests/browser/` (playwright-core, axe-core).
    BrowserModules,
    /// Debian's `nginx` (or `nginx-light`).
    Nginx,
    /// Debian's nginx module that sends `.br` files as they are (`brotli_static`).
    NginxBrotli,
    /// Debian's `caddy`.
    Caddy,
    /// `check-jsonschema` (PyPI), with the GitHub Actions and GitLab CI schemas it ships.
    CheckJsonschema,
    /// `git`, to see what a new portal's `.gitignore` leaves out.
    Git,
}

impl Tool {
    fn install_hint(self) -> &'static str {
        match self {
            Tool::Chromium => "apt-get install chromium fonts-noto-cjk",
            Tool::Node => "apt-get install nodejs npm",
            Tool::BrowserModules => "npm ci --prefix tests/browser",
            Tool::Nginx => "apt-get install nginx-light",
            Tool::NginxBrotli => "apt-get install libnginx-mod-http-brotli-static",
            Tool::Caddy => "apt-get install caddy",
            Tool::CheckJsonschema => "pip install check-jsonschema",
            Tool::Git => "apt-get install git",
        }
    }

    /// Where the program is, if it is installed.
    pub fn find(self) -> Option<PathBuf> {
        match self {
            Tool::Chromium => std::env::var_os("CHROMIUM")
                .map(PathBuf::from)
                .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
                .filter(|p| p.exists()),
            Tool::Node => on_path("node"),
            Tool::BrowserModules => {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules");
                dir.join("playwright-core").is_dir().then_some(dir)
            }
            // Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH.
            Tool::Nginx => on_path("nginx").or_else(|| {
                let p = PathBuf::from("/usr/sbin/nginx");
                p.exists().then_some(p)
            }),
            Tool::NginxBrotli => {
                let p = PathBuf::from(NGINX_BROTLI_MODULE);
                p.exists().then_some(p)
            }
            Tool::Caddy => on_path("caddy"),
            Tool::CheckJsonschema => on_path("check-jsonschema"),
            Tool::Git => on_path("git"),
        }
    }
}

/// Where Debian's libnginx-mod-http-brotli-static puts its module.
pub const NGINX_BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

fn on_path(name: &str) -> Option<PathBuf> {
    let ok = Command::new(name)
        .arg(match name {
            "nginx" => "-v",
            "caddy" => "version",
            _ => "--version",
        })
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from(name))
}

/// Fail the test, naming every missing program and how to install it, unless all are there.
pub fn require(tools: &[Tool]) {
    let missing: Vec<String> = tools
        .iter()
        .filter(|t| t.find().is_none())
        .map(|t| format!("  {t:?}: {}", t.install_hint()))
        .collect();
    assert!(
        missing.is_empty(),
        "this test needs programs that are not installed:\n{}\n(.ci/run installs all of them)",
        missing.join("\n")
    );
}
