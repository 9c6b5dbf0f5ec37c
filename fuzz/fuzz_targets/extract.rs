//! `duixian extract`: proposed pledges quote the report text where they say, and the draft file
//! written for them is a pledge file duixian reads.
#![no_main]
use duixian::content::{Kind, parse_bytes};
use duixian::editor::extract::{Category, propose, to_yaml};
use duixian::editor::quantity;
use duixian::markdown::text_index;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let index = text_index(md);
    let categories = [
        Category {
            id: "economy".into(),
            name: "经济发展".into(),
            description: Some("生产总值 投资 消费".into()),
        },
        Category {
            id: "urban".into(),
            name: "城市建设".into(),
            description: None,
        },
    ];
    let taken: BTreeSet<String> = ["p1".to_string()].into();
    let proposals = propose(&index, &categories, &taken);
    let mut ids = BTreeSet::new();
    for p in &proposals {
        assert_eq!(
            &index.text[p.span.clone()],
            p.text,
            "span does not hold the text"
        );
        assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
        assert!(!taken.contains(&p.id));
        let _ = &index.text[p.quantity_span.clone()];
    }
    let yaml = to_yaml("r-2024", "content/reports/r-2024.md", &proposals);
    let (_, diags, parsed) = parse_bytes(Kind::Pledges, "p.yaml", yaml.into_bytes());
    assert!(
        parsed && diags.is_empty(),
        "draft file does not read back: {diags:?}"
    );
    for block in index.text.split('\n').take(64) {
        let _ = quantity::find(block);
    }
});
