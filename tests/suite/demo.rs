//! The demo portal in the repository root: it validates, builds, and every link resolves.

use crate::common::*;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn demo_portal_checks_and_builds_with_working_links() {
    let o = duixian(&["--root", root().to_str().unwrap(), "check"]);
    assert!(
        o.status.success(),
        "duixian check on the demo portal:\n{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_ok(
        root(),
        &out,
        &["--base-url", "https://demo.example/portal/"],
    );
    let broken = broken_links(&out, "/portal/", "https://demo.example/portal/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The contract's worked example: Luohe's 200+ illegal buildings, 590 demolished, judged met.
    let all: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/pledges.json")).unwrap()).unwrap();
    let ib = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "luohe-2024/illegal-buildings")
        .expect("pledge exists");
    assert_eq!(ib["value"], 590);
    assert_eq!(ib["met"], true);

    // Budget: a pledge page's HTML plus the CSS it links stays under 50 KB uncompressed.
    let mut worst = (0, String::new());
    for e in walkdir::WalkDir::new(out.join("pledges")) {
        let e = e.unwrap();
        if e.file_name() != "index.html"
            || e.path().parent().unwrap().parent().unwrap() == out.join("pledges")
        {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        let css: usize = attr_values(&html, "href")
            .into_iter()
            .filter(|h| h.ends_with(".css"))
            .map(|h| {
                std::fs::metadata(out.join(h.trim_start_matches("/portal/")))
                    .unwrap()
                    .len() as usize
            })
            .sum();
        if html.len() + css > worst.0 {
            worst = (html.len() + css, e.path().display().to_string());
        }
    }
    assert!(
        worst.0 > 0 && worst.0 < 50_000,
        "heaviest pledge page: {} bytes ({})",
        worst.0,
        worst.1
    );
}
