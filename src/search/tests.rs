use super::*;
use serde_json::Value;
use std::sync::Mutex;

fn doc(
    url: &str,
    title: &str,
    text: &str,
    kind: &'static str,
    status: Option<&'static str>,
) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        text: text.into(),
        facets: Facets {
            kind,
            status,
            category: status.map(|_| "urban".to_string()),
            years: vec![2024],
            jurisdictions: vec!["luohe".into()],
            kind_label: format!("{kind}-label"),
            status_label: status.map(|s| format!("{s}-label")),
        },
    }
}

fn sample() -> Vec<SearchDoc> {
    vec![
        doc(
            "reports/r/",
            "2024年政府工作报告",
            &"改造老旧小区68个，新建充电桩。".repeat(60),
            "report",
            None,
        ),
        doc(
            "pledges/r/a/",
            "改造68个老旧小区",
            "改造老旧小区68个",
            "pledge",
            Some("completed"),
        ),
        doc(
            "pledges/r/b/",
            "新建充电桩1000个",
            "新建充电桩1000个以上",
            "pledge",
            Some("in_progress"),
        ),
        doc(
            "news/x/",
            "老旧小区改造完成",
            "今年全市老旧小区改造全部完成，居民满意。",
            "news",
            None,
        ),
        doc(
            "news/y/",
            "Ｃｏｎｓｔｒｕｃｔｏｒ 与 GDP",
            "GDP增长7.8%，constructor",
            "news",
            None,
        ),
    ]
}

/// Build an index of `docs` with a memory budget; every file it wrote, by path.
fn build(docs: Vec<SearchDoc>, budget: usize) -> (BTreeMap<String, Vec<u8>>, Stats) {
    let dir = tempfile::tempdir().unwrap();
    let files = Mutex::new(BTreeMap::new());
    let sink = |f: OutputFile| -> Result<()> {
        let old = files.lock().unwrap().insert(f.path.clone(), f.bytes);
        anyhow::ensure!(old.is_none(), "{} written twice", f.path);
        Ok(())
    };
    let mut ix = Indexer::new(&sink, dir.path().join("spill"), budget);
    for d in docs {
        ix.add(prepare(d)).unwrap();
    }
    let stats = ix.finish().unwrap();
    assert!(
        !dir.path().join("spill").exists(),
        "the spill folder is removed"
    );
    (files.into_inner().unwrap(), stats)
}

/// Every record, from the chunks in order.
fn all_records(files: &BTreeMap<String, Vec<u8>>) -> Vec<Value> {
    let docs = json(files, "search/meta.json")["docs"].as_u64().unwrap() as usize;
    let mut out = Vec::new();
    for c in 0..docs.div_ceil(DOCS_PER_CHUNK) {
        out.extend(
            json(files, &format!("search/d/{c}.json"))
                .as_array()
                .unwrap()
                .clone(),
        );
    }
    out
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("{path} missing")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every token's postings `(doc, weight)`, decoded from the shards; checks each token sits in
/// the shard its hash names.
fn postings_of(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<(u64, u64)>> {
    let shards = json(files, "search/meta.json")["shards"].as_u64().unwrap();
    let mut out = BTreeMap::new();
    for s in 0..shards {
        let shard = json(files, &format!("search/t/{s}.json"));
        for (token, list) in shard.as_object().unwrap() {
            assert_eq!(u64::from(fnv1a(token.as_bytes())) % shards, s, "{token}");
            let list = decode(list.as_array().unwrap());
            assert!(out.insert(token.clone(), list).is_none());
        }
    }
    out
}

/// A posting list's numbers as the page decodes them.
fn decode(values: &[Value]) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for v in values {
        let v = v.as_i64().unwrap();
        if v < 0 {
            let &(doc, w) = out.last().expect("a run follows a posting");
            out.extend((1..=v.unsigned_abs()).map(|k| (doc + k, w)));
        } else {
            let doc = out.last().map_or(0, |p| p.0) + v as u64 / 16;
            out.push((doc, v as u64 % 16));
        }
    }
    out
}

#[test]
fn runs_of_consecutive_documents_are_one_number() {
    let enc = |list: &[(u32, u8)]| {
        let mut out = Vec::new();
        encode_list(list, |v| out.push(v));
        out
    };
    assert_eq!(enc(&[]), Vec::<i64>::new());
    assert_eq!(enc(&[(0, 0)]), [0]);
    assert_eq!(enc(&[(5, 3)]), [83]);
    assert_eq!(enc(&[(5, 3), (6, 3)]), [83, 19]);
    assert_eq!(enc(&[(5, 3), (6, 3), (7, 3), (8, 3)]), [83, -3]);
    assert_eq!(
        enc(&[(5, 3), (6, 3), (7, 4), (8, 4), (9, 4)]),
        [83, 19, 20, -2]
    );
    assert_eq!(
        enc(&[(0, 0), (1, 0), (2, 0), (10, 0), (11, 0)]),
        [0, -2, 128, 16]
    );
    // Decoding gives the list back, whatever its shape.
    let lists: Vec<Vec<(u32, u8)>> = vec![
        (0..1000).map(|d| (d, 0)).collect(),
        (0..1000).map(|d| (d * 3, (d % 2) as u8)).collect(),
        (0..1000)
            .map(|d| (d + d / 7 * 5, (d / 10 % 16) as u8))
            .collect(),
        vec![(u32::MAX - 2, 15), (u32::MAX - 1, 15), (u32::MAX, 15)],
    ];
    for list in lists {
        let values: Vec<Value> = enc(&list).into_iter().map(Value::from).collect();
        let back: Vec<(u32, u8)> = decode(&values)
            .into_iter()
            .map(|(d, w)| (d as u32, w as u8))
            .collect();
        assert_eq!(back, list);
    }
    assert_eq!(
        enc(&(0..1000).map(|d| (d, 0)).collect::<Vec<_>>()),
        [0, -999]
    );
}

/// The documents holding every token (AND), as the page computes them.
fn find(p: &BTreeMap<String, Vec<(u64, u64)>>, tokens: &[&str]) -> Vec<u64> {
    let mut docs: Option<Vec<u64>> = None;
    for t in tokens {
        let list: Vec<u64> = p
            .get(*t)
            .map_or(Vec::new(), |l| l.iter().map(|x| x.0).collect());
        docs = Some(match docs {
            None => list,
            Some(d) => d.into_iter().filter(|x| list.contains(x)).collect(),
        });
    }
    docs.unwrap_or_default()
}

#[test]
fn queries_find_documents_holding_every_token_and_filters_intersect() {
    let (files, stats) = build(sample(), usize::MAX);
    assert_eq!(stats.docs, 5);
    let p = postings_of(&files);
    let q = |text: &str| {
        let tokens = tokens::query_tokens(text);
        find(&p, &tokens.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(q("老旧小区"), [0, 1, 3]);
    assert_eq!(q("充电桩"), [0, 2]);
    assert_eq!(q("老旧小区 充电桩"), [0]);
    assert_eq!(q("小区充电"), Vec::<u64>::new());
    assert_eq!(q("ＧＤＰ"), [4]);
    assert_eq!(q("constructor"), [4]);
    assert_eq!(q("区"), [0, 1, 3]);
    assert_eq!(find(&p, &["kind:pledge"]), [1, 2]);
    assert_eq!(find(&p, &["status:completed"]), [1]);
    assert_eq!(
        find(&p, &["kind:news", "year:2024", "jurisdiction:luohe"]),
        [3, 4]
    );
    assert_eq!(find(&p, &["老旧", "旧小", "小区", "kind:pledge"]), [1]);
    assert_eq!(find(&p, &["category:urban"]), [1, 2]);
}

#[test]
fn weights_mark_title_hits_and_favour_short_texts() {
    let (files, _) = build(sample(), usize::MAX);
    let p = postings_of(&files);
    let w = |token: &str, doc: u64| p[token].iter().find(|x| x.0 == doc).unwrap().1 as u8;
    // 老旧 is in the titles of docs 1 and 3, not of the report (0).
    assert_eq!(w("老旧", 0) & TITLE_BIT, 0);
    assert_ne!(w("老旧", 1) & TITLE_BIT, 0);
    assert_ne!(w("老旧", 3) & TITLE_BIT, 0);
    // Once in a short text weighs more than once in a long one; repeats weigh more, less and less.
    assert!(weight(false, 1, 13) > weight(false, 1, 1320));
    assert!(weight(false, 60, 1320) > weight(false, 1, 1320));
    assert_eq!(w("老旧", 0), weight(false, 60, 1320));
    assert_eq!(w("老旧", 1), TITLE_BIT | weight(false, 1, 13));
    // Title only: no text level. Facets weigh nothing.
    assert_eq!(w("报告", 0), TITLE_BIT);
    assert!(p["kind:report"].iter().all(|x| x.1 == 0));
    assert_eq!(weight(false, 0, 10), 0);
    assert_eq!(weight(false, 1, 10_000_000), 1);
    assert_eq!(weight(true, 1000, 1), TITLE_BIT | 7);
}

#[test]
fn records_hold_url_title_labels_and_text_and_long_texts_are_written_whole() {
    let (files, stats) = build(sample(), usize::MAX);
    let meta = json(&files, "search/meta.json");
    assert_eq!(meta["version"], FORMAT_VERSION);
    assert_eq!(meta["docs"], 5);
    assert_eq!(meta["chunk"], DOCS_PER_CHUNK);
    assert_eq!(meta["kinds"]["pledge"], "pledge-label");
    assert_eq!(meta["statuses"]["in_progress"], "in_progress-label");
    assert_eq!(meta["build"].as_str().unwrap().len(), 16);
    let records = all_records(&files);
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[1],
        serde_json::json!([
            "pledges/r/a/",
            "改造68个老旧小区",
            "pledge",
            "completed",
            "改造老旧小区68个"
        ])
    );
    assert_eq!(records[3][3], Value::Null);
    // The report's text (900 characters) is cut in its record and written whole.
    let report = &records[0];
    assert_eq!(
        report[4].as_str().unwrap().chars().count(),
        INLINE_TEXT_CHARS
    );
    assert_eq!(report[5], 1);
    let whole = String::from_utf8(files["search/x/0.txt"].clone()).unwrap();
    assert_eq!(whole, "改造老旧小区68个，新建充电桩。".repeat(60));
    assert!(!files.contains_key("search/x/1.txt"));
    // Every file is counted.
    assert_eq!(stats.files, files.len());
    assert_eq!(
        stats.bytes,
        files.values().map(|b| b.len() as u64).sum::<u64>()
    );
    let shards = meta["shards"].as_u64().unwrap() as usize;
    assert_eq!(stats.shards, shards);
    assert!(shards.is_power_of_two());
}

#[test]
fn spilling_changes_no_byte_and_chunks_split_in_order() {
    let many: Vec<SearchDoc> = (0..3 * DOCS_PER_CHUNK + 1)
        .flat_map(|i| {
            sample().into_iter().map(move |mut d| {
                d.url = format!("{}{i}/", d.url);
                d.text = format!("{}第{i}号", d.text);
                d
            })
        })
        .collect();
    let n = many.len();
    let (in_memory, a) = build(many.clone(), usize::MAX);
    let (spilled, b) = build(many, 1);
    assert!(!a.spilled && b.spilled);
    assert_eq!(a.postings, b.postings);
    assert_eq!(
        in_memory.keys().collect::<Vec<_>>(),
        spilled.keys().collect::<Vec<_>>()
    );
    assert!(in_memory == spilled, "spilled postings give other bytes");
    let chunks = n.div_ceil(DOCS_PER_CHUNK);
    for c in 0..chunks {
        let records = json(&in_memory, &format!("search/d/{c}.json"));
        let expected = if c + 1 == chunks {
            n - c * DOCS_PER_CHUNK
        } else {
            DOCS_PER_CHUNK
        };
        assert_eq!(records.as_array().unwrap().len(), expected, "chunk {c}");
    }
    assert!(!in_memory.contains_key(&format!("search/d/{chunks}.json")));
    // Doc 7 (the third sample of the second copy) is where its chunk says.
    let r = &all_records(&in_memory)[7];
    assert_eq!(r[0], "pledges/r/b/1/");
}

#[test]
fn index_files_are_told_from_the_search_page() {
    let (files, _) = build(sample(), usize::MAX);
    assert!(files.keys().all(|k| is_index_file(k)), "{:?}", files.keys());
    for page in [
        "search/index.html",
        "search.js",
        "searches/t/0.json",
        "search",
        "x/0.txt",
    ] {
        assert!(!is_index_file(page), "{page}");
    }
}

#[test]
fn the_folding_table_is_in_the_shards_of_both_its_characters() {
    let (files, _) = build(sample(), usize::MAX);
    let meta = json(&files, "search/meta.json");
    let shards = meta["fold"].as_u64().unwrap() as u32;
    assert_eq!(shards, FOLD_SHARDS);
    let shard = |n: u32| -> Vec<(char, char)> {
        let text = String::from_utf8(files[&format!("search/f/{n}.txt")].clone()).unwrap();
        let chars: Vec<char> = text.trim_end().chars().collect();
        chars.chunks(2).map(|p| (p[0], p[1])).collect()
    };
    let all: Vec<Vec<(char, char)>> = (0..shards).map(shard).collect();
    let mut pairs = 0;
    for (from, to) in tokens::ts_pairs() {
        assert!(
            all[(from as u32 % shards) as usize].contains(&(from, to)),
            "{from}{to}"
        );
        assert!(
            all[(to as u32 % shards) as usize].contains(&(from, to)),
            "{from}{to}"
        );
        pairs += 1;
    }
    // No pair is anywhere else, nor twice in one shard.
    let stored: usize = all.iter().map(Vec::len).sum();
    let both_in_one = tokens::ts_pairs()
        .filter(|&(f, t)| f as u32 % shards == t as u32 % shards)
        .count();
    assert_eq!(stored, 2 * pairs - both_in_one);
}

#[test]
fn an_empty_index_is_valid() {
    let (files, stats) = build(Vec::new(), usize::MAX);
    assert_eq!(stats.docs, 0);
    assert_eq!(json(&files, "search/meta.json")["shards"], 1);
    assert_eq!(json(&files, "search/t/0.json"), serde_json::json!({}));
    assert!(!files.keys().any(|k| k.starts_with("search/d/")));
}

#[test]
fn the_shard_count_grows_in_powers_of_two() {
    assert_eq!(shard_count(0), 1);
    assert_eq!(shard_count(1), 1);
    let per = SHARD_TARGET_BYTES / BYTES_PER_POSTING;
    assert_eq!(shard_count(per), 1);
    assert_eq!(shard_count(per + 1), 2);
    assert_eq!(shard_count(per * 1000), 1024);
    assert_eq!(shard_count(u64::MAX / 8), MAX_SHARDS as usize);
}

#[test]
fn decimals_are_written_as_json_numbers() {
    for n in [0, 7, 10, 16, 99, 100, 123_456_789, u64::MAX] {
        let mut s = b"x".to_vec();
        push_decimal(&mut s, n);
        assert_eq!(s, format!("x{n}").into_bytes());
    }
}
