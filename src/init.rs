//! `duixian init`: a new portal folder that builds at once, with one example of every file kind.

use anyhow::{Context, Result, bail};
use std::path::Path;

/// The starter files, relative to the new site folder.
pub const STARTER: &[(&str, &str)] = &[
    (
        "site.yaml",
        r#"title: 政府工作报告履约追踪
base_url: https://example.org/          # where the site will be published; may carry a path
language: zh-Hans                      # zh-Hans | zh-Hant | en
theme: default                         # built into duixian; `duixian theme eject` copies it to themes/default/ to change it
description: 逐条追踪政府工作报告中的承诺及其落实情况
jurisdictions:
  - id: sample-city
    name: 示例市
categories:
  - id: economy
    name: 经济发展
  - id: urban
    name: 城市建设
"#,
    ),
    (
        "content/reports/sample-city-2025.md",
        r#"---
jurisdiction: sample-city
year: 2025
title: 2025年示例市人民政府工作报告
delivered: 2025-02-20
speaker: 市长 某某
---
## 一、2025年主要预期目标

地区生产总值增长6%左右。

## 二、2025年重点工作安排

### (一) 提升城市品质

改造老旧小区50个，新建供热管网15公里。
"#,
    ),
    (
        "content/pledges/sample-city-2025.yaml",
        r#"report: sample-city-2025
pledges:
  - id: gdp-growth
    text: 地区生产总值增长6%左右          # verbatim from the report
    title: 生产总值增长6%左右
    category: economy
    target: {metric: 地区生产总值增长, value: 6, unit: "%", qualifier: about}
  - id: old-communities
    text: 改造老旧小区50个
    category: urban
    target: {metric: 老旧小区改造, value: 50, unit: 个, qualifier: exact}
  - id: heating-pipes
    text: 新建供热管网15公里
    category: urban
    target: {metric: 供热管网, value: 15, unit: 公里}
"#,
    ),
    (
        "content/news/sample-mid-year.md",
        r#"---
title: 上半年老旧小区改造过半
date: 2025-07-10
source: 示例日报
jurisdictions: [sample-city]
updates:
  - pledge: sample-city-2025/old-communities
    status: in_progress
    value: 28
    as_of: 2025-06-30
    quote: 已完成老旧小区改造28个
---
截至6月底，全市已完成老旧小区改造28个，其余项目正在施工。
"#,
    ),
    (
        "content/indicators/sample-city.yaml",
        r#"jurisdiction: sample-city
indicators:
  - id: gdp-growth
    name: 地区生产总值增长
    unit: "%"
    better: higher
    years:
      2025:
        target: {value: 6, qualifier: about, source: sample-city-2025}
"#,
    ),
    (
        "content/pages/about.md",
        r#"---
title: 关于本站
weight: 1
---
本站逐条追踪政府工作报告中的承诺：每条承诺链接到报告原文，每次状态变化都有新闻原文为证。
"#,
    ),
    (
        "seeds/README.md",
        "Raw source documents (newspaper text) that the content was taken from.\n",
    ),
    (
        ".gitignore",
        // the manifest beside any output folder (`.output.duixian-manifest` for output/)
        "/output\n/.*.duixian-manifest\n/.duixian-*\n",
    ),
];

/// CI workflows that build and publish the new portal on GitHub Pages and GitLab Pages, written
/// with the starter files; the same files are shown in docs/publishing.md.
pub const PUBLISHING: &[(&str, &str)] = &[
    (
        ".github/workflows/pages.yml",
        include_str!("../docs/hosting/github-pages.yml"),
    ),
    (
        ".gitlab-ci.yml",
        include_str!("../docs/hosting/gitlab-ci.yml"),
    ),
];

/// The starter files that are sample content rather than settings: one report of a made-up
/// city, its pledges, a news item and an indicator file, to show each file kind. A real portal
/// deletes them before its own content goes in: their 2025 dates would set the portal's data
/// date, and real pledges with earlier deadlines would be listed as overdue. `init --empty`
/// leaves them out.
pub const SAMPLE: &[&str] = &[
    "content/reports/sample-city-2025.md",
    "content/pledges/sample-city-2025.yaml",
    "content/news/sample-mid-year.md",
    "content/indicators/sample-city.yaml",
];

/// The categories of the starter site.yaml, `(id, name)`: examples, to be replaced by the
/// portal's own before pledges are drafted.
pub const SAMPLE_CATEGORIES: &[(&str, &str)] = &[("economy", "经济发展"), ("urban", "城市建设")];

/// Write the starter site into `dir`, which must not exist or be empty. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<String>> {
    init_with(dir, false)
}

/// [`init`]; with `empty`, without the [`SAMPLE`] content.
pub fn init_with(dir: &Path, empty: bool) -> Result<Vec<String>> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "`{}` is not empty: `duixian init` only writes into a new or empty folder",
                dir.display()
            );
        }
    }
    let mut written = Vec::new();
    for (rel, text) in STARTER.iter().chain(PUBLISHING) {
        if empty && SAMPLE.contains(rel) {
            continue;
        }
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        written.push(rel.to_string());
    }
    if empty {
        // The folders the sample files would have been in, for the editor's own.
        let mut dirs: Vec<&str> = SAMPLE
            .iter()
            .filter_map(|r| r.rsplit_once('/'))
            .map(|(d, _)| d)
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        for d in dirs {
            let path = dir.join(d);
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create `{}`", path.display()))?;
            written.push(format!("{d}/"));
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_lists_name_starter_files_and_categories() {
        for rel in SAMPLE {
            assert!(STARTER.iter().any(|(r, _)| r == rel), "{rel}");
        }
        let site = STARTER.iter().find(|(r, _)| *r == "site.yaml").unwrap().1;
        for (id, name) in SAMPLE_CATEGORIES {
            assert!(
                site.contains(&format!("  - id: {id}\n    name: {name}\n")),
                "{id}"
            );
        }
    }
}
