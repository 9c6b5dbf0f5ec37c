//! A generator of valid sites of any size: reports with numbered pledges quoted from their
//! bodies, news items that update them, and indicators, for tests that need volume.

use std::fmt::Write as _;
use std::path::Path;

/// How big a generated site is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub reports: usize,
    pub pledges_per_report: usize,
    pub news: usize,
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The sentence pledge `p` of report `r` quotes.
fn pledge_text(r: usize, p: usize) -> String {
    format!("第{r}号报告提出完成第{p}项任务{}个", p * 3 + 1)
}

/// Write a valid site of `size` into `root`.
pub fn generate_site(root: &Path, size: Size) {
    let jurisdictions = ["north", "south", "east"];
    let mut site = String::from(
        "title: 生成的门户\nbase_url: https://gen.example/p/\nlanguage: zh-Hans\ntheme: default\njurisdictions:\n",
    );
    for j in jurisdictions {
        writeln!(site, "  - id: {j}\n    name: {j}区").unwrap();
    }
    site.push_str("categories:\n  - id: economy\n    name: 经济\n  - id: urban\n    name: 城建\n");
    write(&root.join("site.yaml"), &site);

    for r in 0..size.reports {
        let jur = jurisdictions[r % jurisdictions.len()];
        let year = 2020 + r / jurisdictions.len();
        let id = format!("r{r}");
        let mut body = format!(
            "---\njurisdiction: {jur}\nyear: {year}\ntitle: 第{r}号政府工作报告\ndelivered: {year}-02-01\n---\n"
        );
        for p in 0..size.pledges_per_report {
            if p % 10 == 0 {
                writeln!(body, "\n## 第{}部分\n", p / 10 + 1).unwrap();
            }
            writeln!(
                body,
                "今年，{}。这是一段说明文字，**加粗的要点**和[链接](/about/)。\n",
                pledge_text(r, p)
            )
            .unwrap();
        }
        write(&root.join(format!("content/reports/{id}.md")), &body);

        let mut pledges = format!("report: {id}\npledges:\n");
        for p in 0..size.pledges_per_report {
            writeln!(
                pledges,
                "  - id: p{p}\n    text: {}\n    category: {}\n    target:\n      value: {}\n      unit: 个\n      qualifier: at_least",
                pledge_text(r, p),
                if p % 2 == 0 { "economy" } else { "urban" },
                p * 3 + 1
            )
            .unwrap();
        }
        write(&root.join(format!("content/pledges/{id}.yaml")), &pledges);
    }

    let statuses = ["in_progress", "completed", "partially_completed"];
    for n in 0..size.news {
        let r = n % size.reports.max(1);
        let p = (n / size.reports.max(1)) % size.pledges_per_report.max(1);
        let year = 2020 + r / jurisdictions.len();
        let quote = format!("第{n}条消息：任务进展顺利");
        let mut text = format!(
            "---\ntitle: 第{n}条跟进消息\ndate: {year}-{:02}-{:02}\n",
            n % 12 + 1,
            n % 28 + 1
        );
        if size.reports > 0 && size.pledges_per_report > 0 {
            writeln!(
                text,
                "pledges: [r{r}/p{p}]\nupdates:\n  - pledge: r{r}/p{p}\n    status: {}\n    value: {}\n    quote: {quote}",
                statuses[n % statuses.len()],
                n % 50
            )
            .unwrap();
        }
        writeln!(text, "---\n{quote}。\n\n正文第二段，记录具体做法。").unwrap();
        write(
            &root.join(format!("content/news/{}/n{n}.md", 2020 + n % 4)),
            &text,
        );
    }
    write(
        &root.join("content/pages/about.md"),
        "---\ntitle: 关于\n---\n生成的测试站点。\n",
    );
}
