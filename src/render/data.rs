//! Open data (docs/content-model.md §9): `data/pledges.{json,csv}` and
//! `data/indicators.{json,csv}`.

use super::views::route;
use crate::model::ix::{self, PerIx};
use crate::model::{PledgeIx, Site};
use crate::types::{Date, Num, Status};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
pub struct TargetRow<'a> {
    pub metric: &'a str,
    pub value: Num,
    pub unit: &'a str,
    pub qualifier: &'static str,
}

#[derive(Serialize)]
pub struct HistoryRow<'a> {
    pub date: Date,
    pub status: Status,
    pub value: Option<Num>,
    pub news: Option<&'a str>,
    /// Extension: the evidence quote of this entry.
    pub quote: Option<&'a str>,
}

/// One element of `data/pledges.json`; every key is always present.
#[derive(Serialize)]
pub struct PledgeRow<'a> {
    pub id: &'a str,
    pub report: &'a str,
    pub jurisdiction: &'a str,
    pub year: i32,
    pub text: &'a str,
    pub title: &'a str,
    pub section: Option<&'a str>,
    pub category: &'a str,
    pub department: Option<&'a str>,
    pub tags: &'a [String],
    pub deadline: Date,
    pub status: Status,
    pub target: Option<TargetRow<'a>>,
    pub value: Option<Num>,
    pub as_of: Option<Date>,
    pub met: Option<bool>,
    pub history: Vec<HistoryRow<'a>>,
    pub news: Vec<&'a str>,
    pub carried_from: Option<&'a str>,
    pub carried_to: Option<&'a str>,
    pub url: String,
}

pub fn pledge_row(site: &Site, i: PledgeIx) -> PledgeRow<'_> {
    let p = &site.pledges[i];
    let r = &site.reports[p.report];
    PledgeRow {
        id: &p.full_id,
        report: r.id.as_str(),
        jurisdiction: site.jurisdictions[r.jurisdiction].id.as_str(),
        year: r.year,
        text: &p.text,
        title: &p.title,
        section: site.section(i).map(|h| h.text.as_str()),
        category: site.categories[p.category].id.as_str(),
        department: p.department.as_deref(),
        tags: &p.tags,
        deadline: p.deadline,
        status: p.status,
        target: p.target.as_ref().map(|t| TargetRow {
            metric: &t.metric,
            value: t.value,
            unit: &t.unit,
            qualifier: t.qualifier.key(),
        }),
        value: p.value,
        as_of: p.as_of,
        met: p.met,
        history: p
            .history
            .iter()
            .map(|h| HistoryRow {
                date: h.date,
                status: h.status,
                value: h.value,
                news: h.news.map(|n| site.news[n].slug.as_str()),
                quote: h.quote.as_deref(),
            })
            .collect(),
        news: p.news.iter().map(|&n| site.news[n].slug.as_str()).collect(),
        carried_from: p
            .carried_from
            .first()
            .map(|&c| site.pledges[c].full_id.as_str()),
        carried_to: p.carried_to.map(|c| site.pledges[c].full_id.as_str()),
        url: format!("/{}", route::pledge(site, i)),
    }
}

/// One element of `data/indicators.json`.
#[derive(Serialize)]
pub struct IndicatorRow<'a> {
    pub jurisdiction: &'a str,
    pub indicator: &'a str,
    pub name: &'a str,
    pub unit: &'a str,
    pub year: i32,
    pub target: Option<Num>,
    pub qualifier: Option<&'static str>,
    pub actual: Option<Num>,
    pub as_of: Option<Date>,
    pub provisional: bool,
    pub met: Option<bool>,
    /// Extensions: where the target and the actual come from (report id or news slug).
    pub better: &'static str,
    pub target_source: Option<&'a str>,
    pub actual_source: Option<&'a str>,
}

pub fn indicator_rows(site: &Site) -> Vec<IndicatorRow<'_>> {
    use crate::model::SourceRef;
    let src = |s: Option<SourceRef>| -> Option<&str> {
        Some(match s? {
            SourceRef::Report(r) => site.reports[r].id.as_str(),
            SourceRef::News(n) => site.news[n].slug.as_str(),
        })
    };
    let mut rows = Vec::new();
    for ind in &site.indicators {
        for y in &ind.years {
            rows.push(IndicatorRow {
                jurisdiction: site.jurisdictions[ind.jurisdiction].id.as_str(),
                indicator: ind.id.as_str(),
                name: &ind.name,
                unit: &ind.unit,
                year: y.year,
                target: y.target.as_ref().map(|t| t.value),
                qualifier: y.target.as_ref().map(|t| t.qualifier.key()),
                actual: y.actual.as_ref().map(|a| a.value),
                as_of: y.actual.as_ref().and_then(|a| a.as_of),
                provisional: y.provisional,
                met: y.met,
                better: match ind.better {
                    crate::types::Better::Higher => "higher",
                    crate::types::Better::Lower => "lower",
                },
                target_source: y.target.as_ref().and_then(|t| src(t.source)),
                actual_source: y.actual.as_ref().and_then(|a| src(a.source)),
            });
        }
    }
    rows
}

/// A JSON array with one element per line: small, streamable and diff-friendly.
pub fn json_lines<T: Serialize>(rows: impl Iterator<Item = T>) -> Vec<u8> {
    in_memory(|w| write_json_rows(w, rows.map(|r| json_row(&r))))
}

/// What a writer of this module writes, as bytes in memory.
pub fn in_memory(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out).expect("writing to memory cannot fail");
    out
}

/// One element of a [`json_lines`] array, without its separator.
fn json_row<T: Serialize>(row: &T) -> Vec<u8> {
    serde_json::to_vec(row).expect("serialising plain data to memory cannot fail")
}

/// The array of [`json_lines`] from its elements' bytes, into `w`.
fn write_json_rows<R: AsRef<[u8]>, W: Write + ?Sized>(
    w: &mut W,
    rows: impl Iterator<Item = R>,
) -> std::io::Result<()> {
    w.write_all(b"[")?;
    let mut first = true;
    for r in rows {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        w.write_all(r.as_ref())?;
    }
    w.write_all(if first { b"]\n" } else { b"\n]\n" })
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The first characters that make a spreadsheet read a cell as a formula, as OWASP lists them
/// ("CSV Injection"): `=`, `+`, `-`, `@`, tab and carriage return. Full-width `＝＋－＠` are
/// left as written: LibreOffice reads them as text (measured, docs/reliability.md), and a
/// quote in front would show in every such cell.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text cell of the CSV files, neutralised as OWASP advises: a cell that starts with one of
/// [`FORMULA_START`] gets a single quote in front, so that spreadsheets show it as text instead
/// of running it (`=HYPERLINK(...)`). Numbers are not text cells: `-3.5` stays a number.
fn text_cell(s: &str) -> String {
    if s.starts_with(FORMULA_START) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// [`text_cell`] of an optional value.
fn opt_text(v: Option<&str>) -> String {
    v.map(text_cell).unwrap_or_default()
}

/// One CSV record, CRLF-terminated: records are quoted field by field, so a file is its
/// records' bytes one after another.
fn csv_record<S: AsRef<[u8]>>(fields: &[S]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(fields)
            .expect("writing CSV to memory cannot fail");
        w.flush().expect("writing CSV to memory cannot fail");
    }
    out
}

/// A CSV file into `w`: the byte order mark, the header and the records.
fn write_csv<R: AsRef<[u8]>, W: Write + ?Sized>(
    w: &mut W,
    header: &[&str],
    rows: impl Iterator<Item = R>,
) -> std::io::Result<()> {
    w.write_all(&[0xEF, 0xBB, 0xBF])?;
    w.write_all(&csv_record(header))?;
    for r in rows {
        w.write_all(r.as_ref())?;
    }
    Ok(())
}

const PLEDGES_CSV_HEADER: [&str; 24] = [
    "id",
    "report",
    "jurisdiction",
    "year",
    "text",
    "title",
    "section",
    "category",
    "department",
    "tags",
    "deadline",
    "status",
    "target_metric",
    "target_value",
    "target_unit",
    "target_qualifier",
    "value",
    "as_of",
    "met",
    "history",
    "news",
    "carried_from",
    "carried_to",
    "url",
];

/// Pledge `i`'s line of `data/pledges.json`.
pub fn pledge_json_line(site: &Site, i: PledgeIx) -> Vec<u8> {
    json_row(&pledge_row(site, i))
}

/// Pledge `i`'s record of `data/pledges.csv`: its row of pledges.json, nested fields flattened.
pub fn pledge_csv_record(site: &Site, i: PledgeIx) -> Vec<u8> {
    let r = pledge_row(site, i);
    let history = r
        .history
        .iter()
        .map(|h| {
            let mut s = format!("{} {}", h.date, h.status.key());
            if let Some(v) = h.value {
                s.push_str(&format!(" {v}"));
            }
            if let Some(n) = h.news {
                s.push_str(&format!(" ({n})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    // Ids, dates, keys and numbers cannot start a formula (and numbers must stay numbers);
    // every text an editor wrote is a text cell.
    csv_record(&[
        r.id.to_string(),
        r.report.to_string(),
        r.jurisdiction.to_string(),
        r.year.to_string(),
        text_cell(r.text),
        text_cell(r.title),
        opt_text(r.section),
        r.category.to_string(),
        opt_text(r.department),
        text_cell(&r.tags.join("; ")),
        r.deadline.to_string(),
        r.status.key().to_string(),
        opt_text(r.target.as_ref().map(|t| t.metric)),
        opt(r.target.as_ref().map(|t| t.value)),
        opt_text(r.target.as_ref().map(|t| t.unit)),
        opt(r.target.as_ref().map(|t| t.qualifier)),
        opt(r.value),
        opt(r.as_of),
        opt(r.met),
        history,
        r.news.join("; "),
        opt(r.carried_from),
        opt(r.carried_to),
        r.url.clone(),
    ])
}

/// Where the rows of `data/pledges.{json,csv}` come from: made from the model while the file is
/// written, or the rows `serve` keeps ([`PledgeRows`]). Either way the file is written row by
/// row through the same functions, so both give the same bytes; a build never holds the whole
/// file (made at once in memory, it and the CSV file were the build's peak at 100k pledges:
/// benches/notes.md).
#[derive(Debug, Clone, Copy)]
pub enum PledgeLines<'a> {
    Made(&'a Site),
    Kept(&'a PledgeRows),
}

impl PledgeLines<'_> {
    /// `data/pledges.json` into `w`.
    pub fn write_json<W: Write + ?Sized>(self, w: &mut W) -> std::io::Result<()> {
        match self {
            PledgeLines::Made(site) => write_json_rows(
                w,
                ix::all(site.pledges.len()).map(|i| pledge_json_line(site, i)),
            ),
            PledgeLines::Kept(rows) => write_json_rows(w, rows.rows.iter().map(|r| &r.json)),
        }
    }

    /// `data/pledges.csv` into `w`.
    pub fn write_csv<W: Write + ?Sized>(self, w: &mut W) -> std::io::Result<()> {
        match self {
            PledgeLines::Made(site) => write_csv(
                w,
                &PLEDGES_CSV_HEADER,
                ix::all(site.pledges.len()).map(|i| pledge_csv_record(site, i)),
            ),
            PledgeLines::Kept(rows) => {
                write_csv(w, &PLEDGES_CSV_HEADER, rows.rows.iter().map(|r| &r.csv))
            }
        }
    }
}

/// What `serve` keeps of `data/pledges.{json,csv}` between rebuilds: each pledge's line and
/// record with the number of its inputs, so that an edit of one pledge serialises one row, not
/// all of them (the times measured at 10k pledges are in docs/serve.md, Measurements). They are
/// written through [`PledgeLines::Kept`].
#[derive(Debug, Default, Clone)]
pub struct PledgeRows {
    rows: Vec<CachedRow>,
}

/// One pledge's row: the number of its inputs, its JSON line and its CSV record.
#[derive(Debug, Clone)]
struct CachedRow {
    inputs: u64,
    json: Box<[u8]>,
    csv: Box<[u8]>,
}

impl PledgeRows {
    /// Bring the rows up to date: `inputs[i]` is the number of pledge `i`'s row; rows whose
    /// number changed, or all of them when the number of pledges did, are made again.
    pub fn update(&mut self, site: &Site, inputs: &PerIx<PledgeIx, u64>) {
        use rayon::prelude::*;
        let make = |i: PledgeIx| CachedRow {
            inputs: inputs[i],
            json: pledge_json_line(site, i).into_boxed_slice(),
            csv: pledge_csv_record(site, i).into_boxed_slice(),
        };
        if self.rows.len() != inputs.len() {
            self.rows = (0..inputs.len())
                .into_par_iter()
                .map(|i| make(PledgeIx::new(i)))
                .collect();
            return;
        }
        for ((i, &input), row) in inputs.iter().zip(&mut self.rows) {
            if row.inputs != input {
                *row = make(i);
            }
        }
    }
}

/// `data/indicators.csv`.
pub fn indicators_csv(site: &Site) -> Vec<u8> {
    let header = [
        "jurisdiction",
        "indicator",
        "name",
        "unit",
        "year",
        "target",
        "qualifier",
        "actual",
        "as_of",
        "provisional",
        "met",
        "better",
        "target_source",
        "actual_source",
    ];
    let rows = indicator_rows(site).into_iter().map(|r| {
        csv_record(&[
            r.jurisdiction.to_string(),
            r.indicator.to_string(),
            text_cell(r.name),
            text_cell(r.unit),
            r.year.to_string(),
            opt(r.target),
            opt(r.qualifier),
            opt(r.actual),
            opt(r.as_of),
            r.provisional.to_string(),
            opt(r.met),
            r.better.to_string(),
            opt(r.target_source),
            opt(r.actual_source),
        ])
    });
    in_memory(|w| write_csv(w, &header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 17, item 1): titles and other texts starting with `=`, `+`, `-`, `@`,
    /// tab or CR went into the CSV files unchanged, where spreadsheets run them as formulas.
    #[test]
    fn csv_text_cells_that_start_a_formula_get_a_quote() {
        for (written, cell) in [
            (
                "=HYPERLINK(\"https://evil.example\",\"点击\")",
                "'=HYPERLINK(\"https://evil.example\",\"点击\")",
            ),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝1+1", "＝1+1"),
            ("＋1", "＋1"),
            ("－1", "－1"),
            ("＠A1", "＠A1"),
            ("改造老旧小区68个", "改造老旧小区68个"),
            (" =1", " =1"),
            ("a=1", "a=1"),
            ("", ""),
        ] {
            assert_eq!(text_cell(written), cell, "{written:?}");
        }
        // A quoted cell is also a valid CSV field.
        assert_eq!(
            csv_record(&[text_cell("=1,\"2\""), "-3.5".to_string()]),
            b"\"'=1,\"\"2\"\"\",-3.5\r\n".to_vec()
        );
    }
}
