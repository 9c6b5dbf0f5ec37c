//! Determinism under reordering, and the rules of docs/content-model.md §5 and §7 on generated
//! inputs (proptest): how pledges are spread over files and how news is foldered change no output
//! byte; met/missed and history ordering hold for any values and dates.

use crate::common::*;
use duixian::build::load_site;
use duixian::model::BuildOptions;
use duixian::model::met::{indicator_met, is_provisional, meets, pledge_met};
use duixian::render::{Renderer, theme};
use duixian::types::{Better, Date, Num, Qualifier, Status};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every output file of the site at `root`, rendered in memory.
fn render_all(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (site, _) = load_site(root, &BuildOptions::default())
        .unwrap_or_else(|e| panic!("site at {} does not load:\n{e}", root.display()));
    let files = theme::load(root, &site.config.theme).expect("theme loads");
    let r = Renderer::new(&site, files).expect("templates load");
    r.jobs()
        .iter()
        .map(|j| {
            let f = r.render(j).expect("renders");
            (f.path, f.bytes)
        })
        .collect()
}

fn baseline() -> &'static BTreeMap<String, Vec<u8>> {
    static BASE: std::sync::OnceLock<BTreeMap<String, Vec<u8>>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| render_all(&fixture("full")))
}

fn first_difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    for (k, v) in a {
        match b.get(k) {
            None => return format!("{k} missing"),
            Some(w) if w != v => return format!("{k} differs"),
            _ => {}
        }
    }
    b.keys()
        .find(|k| !a.contains_key(*k))
        .map(|k| format!("{k} extra"))
        .unwrap_or_default()
}

/// The full fixture's pledges, by report: (report id, items as YAML values).
fn pledges_by_report() -> Vec<(String, Vec<serde_yaml::Value>)> {
    let mut out: BTreeMap<String, Vec<serde_yaml::Value>> = BTreeMap::new();
    for (_, bytes) in tree(&fixture("full").join("content/pledges")) {
        let v: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
        let report = v["report"].as_str().unwrap().to_string();
        let items = v["pledges"].as_sequence().unwrap().clone();
        out.entry(report).or_default().extend(items);
    }
    out.into_iter().collect()
}

/// A copy of the full fixture without its pledge files, in a fresh temporary folder.
fn fixture_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    copy_tree(&fixture("full"), &site);
    (d, site)
}

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,6}(-[a-z0-9]{1,4})?"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Pledges of one report may be written in any order, across any number of files with any
    /// names: the site is the same, byte for byte.
    #[test]
    fn spreading_pledges_over_files_changes_no_output_byte(
        seed in any::<u64>(),
        names in proptest::collection::vec(slug(), 12),
    ) {
        let (_d, site) = fixture_copy();
        let dir = site.join("content/pledges");
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        let mut rng = seed;
        let mut next = move || {
            // xorshift: a cheap deterministic stream from the proptest seed.
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut used = std::collections::BTreeSet::new();
        let mut name_i = 0;
        for (report, mut items) in pledges_by_report() {
            // Shuffle (Fisher–Yates), then cut into 1..=3 files.
            for i in (1..items.len()).rev() {
                items.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let files = 1 + (next() % 3) as usize;
            let per = items.len().div_ceil(files).max(1);
            for chunk in items.chunks(per) {
                let mut name = names[name_i % names.len()].clone();
                name_i += 1;
                while !used.insert(name.clone()) {
                    name.push('x');
                }
                let mut doc = serde_yaml::Mapping::new();
                doc.insert("report".into(), report.clone().into());
                doc.insert("pledges".into(), serde_yaml::Value::Sequence(chunk.to_vec()));
                let ext = if next() % 2 == 0 { "yaml" } else { "yml" };
                std::fs::write(
                    dir.join(format!("{name}.{ext}")),
                    serde_yaml::to_string(&doc).unwrap(),
                )
                .unwrap();
            }
        }
        let out = render_all(&site);
        prop_assert!(&out == baseline(), "{}", first_difference(baseline(), &out));
    }

    /// News folders carry no meaning: moving news files between folders changes nothing.
    #[test]
    fn refoldering_news_changes_no_output_byte(
        folders in proptest::collection::vec(proptest::collection::vec(slug(), 0..3), 2..6),
    ) {
        let (_d, site) = fixture_copy();
        let news = site.join("content/news");
        let items: Vec<(String, Vec<u8>)> = tree(&news).into_iter().collect();
        std::fs::remove_dir_all(&news).unwrap();
        for (i, (rel, bytes)) in items.iter().enumerate() {
            let file = rel.rsplit('/').next().unwrap();
            let mut p = news.clone();
            for seg in &folders[i % folders.len()] {
                p.push(seg);
            }
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(p.join(file), bytes).unwrap();
        }
        let out = render_all(&site);
        prop_assert!(&out == baseline(), "{}", first_difference(baseline(), &out));
    }
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    prop_oneof![
        Just(Qualifier::Exact),
        Just(Qualifier::About),
        Just(Qualifier::AtLeast),
        Just(Qualifier::AtMost),
    ]
}

fn better() -> impl Strategy<Value = Better> {
    prop_oneof![Just(Better::Higher), Just(Better::Lower)]
}

fn date() -> impl Strategy<Value = Date> {
    (2020i32..2027, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| Date::parse(&format!("{y:04}-{m:02}-{d:02}")).expect("a real date"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// §7, judged from the rules' own words rather than from the implementation's shape.
    #[test]
    fn met_follows_the_contract(
        t in -1e6f64..1e6,
        a in -1e6f64..1e6,
        tol in 0f64..0.5,
        q in qualifier(),
        b in better(),
    ) {
        let m = meets(t, q, a, b, tol);
        let expected = match (b, q) {
            (Better::Higher, Qualifier::Exact | Qualifier::AtLeast) => a >= t,
            (Better::Higher, Qualifier::About) => a >= t * (1.0 - tol),
            (Better::Higher, Qualifier::AtMost) => a <= t,
            (Better::Lower, Qualifier::Exact | Qualifier::AtMost) => a <= t,
            (Better::Lower, Qualifier::About) => a <= t * (1.0 + tol),
            (Better::Lower, Qualifier::AtLeast) => a >= t,
        };
        prop_assert_eq!(m, expected);
        // Monotone: a better actual never turns met into missed.
        let direction_up = match (b, q) {
            (_, Qualifier::AtLeast) => true,
            (_, Qualifier::AtMost) => false,
            (Better::Higher, _) => true,
            (Better::Lower, _) => false,
        };
        let better_actual = if direction_up { a + 1.0 } else { a - 1.0 };
        if m {
            prop_assert!(meets(t, q, better_actual, b, tol));
        }
        // With no tolerance, "about" is as strict as the bound in the better direction.
        let strict = if b == Better::Higher { Qualifier::AtLeast } else { Qualifier::AtMost };
        prop_assert_eq!(meets(t, Qualifier::About, a, b, 0.0), meets(t, strict, a, b, 0.0));
    }

    #[test]
    fn pledge_met_waits_for_the_deadline(
        t in 0f64..1e4,
        v in proptest::option::of(0f64..1e4),
        q in qualifier(),
        as_of in proptest::option::of(date()),
        deadline in date(),
        has_target in any::<bool>(),
    ) {
        let target = has_target.then_some((Num(t), q));
        let met = pledge_met(target, v.map(Num), as_of, deadline, 0.05);
        match (target, v) {
            (Some((t, q)), Some(v)) => {
                let ok = meets(t.get(), q, v, Better::Higher, 0.05);
                let due = as_of.is_some_and(|d| d >= deadline);
                prop_assert_eq!(met, if ok { Some(true) } else if due { Some(false) } else { None });
            }
            _ => prop_assert_eq!(met, None),
        }
    }

    #[test]
    fn provisional_actuals_are_never_judged(
        year in 2000i32..2100,
        as_of in proptest::option::of(date()),
        t in 0f64..100.0,
        a in 0f64..100.0,
        q in qualifier(),
        b in better(),
    ) {
        let provisional = is_provisional(year, as_of);
        let end = Date::end_of_year(year).unwrap();
        prop_assert_eq!(provisional, as_of.is_some_and(|d| d < end));
        let met = indicator_met(Some((Num(t), q)), Some(Num(a)), provisional, b, 0.05);
        if provisional {
            prop_assert_eq!(met, None);
        } else {
            prop_assert_eq!(met, Some(meets(t, q, a, b, 0.05)));
        }
    }
}

/// One generated update: (slug, news date, as_of, status, value).
type GenUpdate = (String, Date, Option<Date>, Status, Option<u32>);

fn status() -> impl Strategy<Value = Status> {
    proptest::sample::select(Status::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// §5: a pledge's history is its starting status, then every update ordered by as_of, news
    /// date and slug; the current status and value are the last entry's.
    #[test]
    fn history_is_ordered_and_the_last_entry_is_current(
        start in proptest::option::of(status()),
        updates in proptest::collection::btree_map(
            slug(),
            (date(), proptest::option::of(date()), status(), proptest::option::of(0u32..500)),
            1..8,
        ),
        folders in proptest::collection::vec(slug(), 1..4),
    ) {
        let d = tempfile::tempdir().unwrap();
        let site = d.path().join("site");
        let w = |rel: &str, text: String| {
            let p = site.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("site.yaml", "title: t\nbase_url: https://x.example/\nlanguage: zh-Hans\njurisdictions:\n  - id: j\n    name: J\ncategories:\n  - id: c\n    name: C\n".into());
        w("content/reports/r.md", "---\njurisdiction: j\nyear: 2024\ntitle: R\ndelivered: 2024-02-01\n---\n完成任务100个。\n".into());
        let start_line = start.map(|s| format!("    status: {}\n", s.key())).unwrap_or_default();
        w("content/pledges/r.yaml", format!("report: r\npledges:\n  - id: p\n    text: 完成任务100个\n    category: c\n    target: {{value: 100}}\n{start_line}"));
        let generated: Vec<GenUpdate> = updates
            .into_iter()
            // An as_of after its news date is an error (issue 17): the earlier of the two.
            .map(|(slug, (date, as_of, st, v))| (slug, date, as_of.map(|a| a.min(date)), st, v))
            .collect();
        for (i, (slug, date, as_of, st, v)) in generated.iter().enumerate() {
            let mut u = format!("  - pledge: r/p\n    status: {}\n", st.key());
            if let Some(a) = as_of {
                u.push_str(&format!("    as_of: {a}\n"));
            }
            if let Some(v) = v {
                u.push_str(&format!("    value: {v}\n"));
            }
            w(
                &format!("content/news/{}/{slug}.md", folders[i % folders.len()]),
                format!("---\ntitle: {slug}\ndate: {date}\nupdates:\n{u}---\n正文\n"),
            );
        }
        let (model, _) = load_site(&site, &BuildOptions::default())
            .unwrap_or_else(|e| panic!("generated site does not load:\n{e}"));
        let p = &model.pledges[0];

        let mut expected: Vec<(Date, Date, String, Status, Option<u32>)> = generated
            .iter()
            .map(|(slug, date, as_of, st, v)| (as_of.unwrap_or(*date), *date, slug.clone(), *st, *v))
            .collect();
        expected.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let mut want: Vec<(Date, Status, Option<f64>, Option<String>)> = Vec::new();
        if let Some(s) = start {
            want.push((model.reports[0].delivered, s, None, None));
        }
        for (as_of, _, slug, st, v) in &expected {
            want.push((*as_of, *st, v.map(f64::from), Some(slug.clone())));
        }
        let got: Vec<(Date, Status, Option<f64>, Option<String>)> = p
            .history
            .iter()
            .map(|h| (
                h.date,
                h.status,
                h.value.map(|n| n.get()),
                h.news.map(|n| model.news[n].slug.to_string()),
            ))
            .collect();
        prop_assert_eq!(&got, &want);
        let last = want.last().expect("at least one update");
        prop_assert_eq!(p.status, last.1);
        prop_assert_eq!(p.value.map(|n| n.get()), last.2);
        prop_assert_eq!(p.as_of, Some(last.0));
    }
}
