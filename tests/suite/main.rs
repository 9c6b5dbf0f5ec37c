//! The integration tests, one module per feature in one test binary, so the crate and its
//! dependencies are linked once for all of them (as ripgrep's `tests/tests.rs` and mdBook's
//! `tests/testsuite/main.rs` do). Run one module with `cargo test --test suite site::`.
//!
//! Every file of this folder is declared below: `every_test_file_is_a_module_of_the_suite`
//! fails on a file that would otherwise silently never run. A test that reads process-wide
//! state runs in a process of its own through `common::alone`.

mod common;

// The benchmark corpus generator, an example of its own (`gen-corpus`), shared by the tests
// that need a large portal.
#[path = "../../benches/gen_corpus.rs"]
mod gen_corpus;

mod bounded;
mod browser;
mod cli;
mod corpus;
mod crash;
mod demo;
mod determinism;
mod error_location;
mod errors;
mod extract;
mod host;
mod hostile;
mod import;
mod incremental;
mod new;
mod output_safety;
#[cfg(unix)]
mod publish;
mod search;
mod serve;
mod site;
mod themes;
mod validate;

/// Every `.rs` file and folder of `tests/suite/` (but `main.rs` and `common/`) is a module
/// declared in this file, and `tests/` itself holds no `.rs` file: Cargo builds only this binary
/// (`autotests = false`), so an undeclared file never runs.
#[test]
fn every_test_file_is_a_module_of_the_suite() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite");
    let main = std::fs::read_to_string(dir.join("main.rs")).expect("tests/suite/main.rs reads");
    let declared: std::collections::BTreeSet<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/suite/ lists") {
        let path = entry.expect("tests/suite/ lists").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = if path.is_dir() {
            name != "common"
        } else {
            path.extension().is_some_and(|e| e == "rs") && name != "main"
        };
        if module {
            files.push(name);
        }
    }
    assert!(files.len() > 20, "the test files are found: {files:?}");
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| !declared.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/suite/ files that are no module of main.rs, so never run: {missing:?}"
    );
    let outside: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .expect("tests/ lists")
        .map(|e| e.expect("tests/ lists").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "test files outside tests/suite/ never run (move them there and declare them in \
         tests/suite/main.rs): {outside:?}"
    );
}
