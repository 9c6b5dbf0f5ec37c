//! Locating errors costs one reading of each file, however many errors it has (issue 17,
//! item 3: 5,000 pledges with the same bad category once took 91 s to check, each error
//! reading its file again). The test counts the readings rather than timing them.
//!
//! The count is for the whole process, so the test runs in a process of its own
//! (`common::alone`): other tests of the suite load sites at the same time.

use crate::common::alone;
use crate::common::generate::{Size, generate_site};
use duixian::content::locate;
use duixian::model::BuildOptions;

/// The 1-based line of every line of `text` that contains `needle`.
fn lines_with(text: &str, needle: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn thousands_of_errors_in_one_file_read_it_once_to_locate_them() {
    if !alone(concat!(
        module_path!(),
        "::thousands_of_errors_in_one_file_read_it_once_to_locate_them"
    )) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    let n = 5_000;
    generate_site(
        &site,
        Size {
            reports: 1,
            pledges_per_report: n,
            news: 0,
        },
    );
    let path = site.join("content/pledges/r0.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Every category unknown (found by the model), and one pledge in ten with a target value
    // that is not a number (found while parsing: the item is dropped, the rest kept).
    let mut bad = String::new();
    for (i, item) in text.split("\n  - id: ").enumerate() {
        if i > 0 {
            bad.push_str("\n  - id: ");
        }
        let item = item
            .replace("category: economy", "category: nope")
            .replace("category: urban", "category: nope");
        if i % 10 == 1 {
            bad.push_str(&item.replacen("value: ", "value: many", 1));
        } else {
            bad.push_str(&item);
        }
    }
    std::fs::write(&path, &bad).unwrap();

    let before = locate::reads();
    let errors = match duixian::build::load_site(&site, &BuildOptions::default()) {
        Ok(_) => panic!("the site has errors"),
        Err(e) => e.0,
    };
    let reads = locate::reads() - before;

    let dropped = n / 10;
    assert_eq!(errors.len(), n, "one error per pledge");
    let category: Vec<usize> = errors
        .iter()
        .filter(|e| e.message.contains("unknown category `nope`"))
        .map(|e| e.line)
        .collect();
    let value: Vec<usize> = errors
        .iter()
        .filter(|e| !e.message.contains("unknown category"))
        .map(|e| e.line)
        .collect();
    assert_eq!((category.len(), value.len()), (n - dropped, dropped));
    // Each error points at its own line: the category of the kept pledges, the dropped ones'
    // first key (serde's own position for the first of them, which it points into).
    let category_lines = lines_with(&bad, "category: nope");
    let kept: Vec<usize> = category_lines
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(category, kept);
    let id_lines = lines_with(&bad, "  - id: ");
    let dropped_ids: Vec<usize> = id_lines.iter().step_by(10).copied().collect();
    assert_eq!(value[1..], dropped_ids[1..]);
    assert_eq!(
        reads, 1,
        "the pledge file was read {reads} times to locate {n} errors"
    );
}
