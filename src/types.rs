//! Checked value types of the content model: ids, dates, numbers and the fixed vocabularies.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// Whether `s` is a valid id: `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn id_error(s: &str) -> String {
    format!(
        "invalid id `{s}`: ids are lowercase ASCII letters and digits joined by single hyphens, like `old-communities`"
    )
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, String> {
                if is_valid_id(s) { Ok($name(s.to_string())) } else { Err(id_error(s)) }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A jurisdiction id from `site.yaml`.
    JurisdictionId
);
id_type!(
    /// A category id from `site.yaml`.
    CategoryId
);
id_type!(
    /// A report id: the file stem of `content/reports/<id>.md`.
    ReportId
);
id_type!(
    /// A pledge id, unique within its report.
    PledgeLocalId
);
id_type!(
    /// A news slug: the file stem of `content/news/**/<slug>.md`.
    NewsSlug
);
id_type!(
    /// An indicator id, unique within its jurisdiction.
    IndicatorId
);
id_type!(
    /// A plain id used for anything else that becomes part of a URL (page path segments, sources).
    Slug
);

/// A full pledge id, `<report-id>/<pledge-id>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PledgeRef {
    pub report: ReportId,
    pub pledge: PledgeLocalId,
}

impl PledgeRef {
    pub fn parse(s: &str) -> Result<Self, String> {
        let err = || {
            format!(
                "invalid pledge reference `{s}`: write `<report-id>/<pledge-id>`, like `luohe-2024/old-communities`"
            )
        };
        let (r, p) = s.split_once('/').ok_or_else(err)?;
        match (ReportId::parse(r), PledgeLocalId::parse(p)) {
            (Ok(report), Ok(pledge)) => Ok(PledgeRef { report, pledge }),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for PledgeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.report, self.pledge)
    }
}

impl<'de> Deserialize<'de> for PledgeRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PledgeRef::parse(&s).map_err(de::Error::custom)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub chrono::NaiveDate);

impl Date {
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("no value: write a date as YYYY-MM-DD, like 2024-12-31".to_string());
        }
        if s == "YYYY-MM-DD" {
            return Err(
                "still the placeholder `YYYY-MM-DD`: fill in the real date, like 2024-12-31"
                    .to_string(),
            );
        }
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        let err =
            || format!("invalid date `{s}`: write a real date as YYYY-MM-DD, like 2024-12-31");
        if !shape {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| err());
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
            .map(Date)
            .ok_or_else(err)
    }

    pub fn end_of_year(year: i32) -> Option<Date> {
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).map(Date)
    }

    pub fn start_of_year(year: i32) -> Option<Date> {
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).map(Date)
    }

    pub fn year(&self) -> i32 {
        use chrono::Datelike;
        self.0.year()
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(&self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if (0..=9999).contains(&y) {
            // What `%Y-%m-%d` writes, without chrono's format-string interpreter (dates are
            // written on every page, and this is several times faster).
            write!(f, "{y:04}-{m:02}-{d:02}")
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A finite number as written by an editor; serialises integers without a fraction (`68`, not `68.0`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Num(pub f64);

/// By bits: equal numbers as written hash alike (used to notice what changed between builds).
impl std::hash::Hash for Num {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h);
    }
}

impl Num {
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if v.is_finite() {
            Ok(Num(v))
        } else {
            Err(de::Error::custom("expected a finite number"))
        }
    }
}

/// The fixed status vocabulary of §4, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Unrated,
    NotStarted,
    InProgress,
    Completed,
    PartiallyCompleted,
    NotCompleted,
    Dropped,
    CarriedOver,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Unrated,
        Status::NotStarted,
        Status::InProgress,
        Status::Completed,
        Status::PartiallyCompleted,
        Status::NotCompleted,
        Status::Dropped,
        Status::CarriedOver,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Unrated => "unrated",
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::PartiallyCompleted => "partially_completed",
            Status::NotCompleted => "not_completed",
            Status::Dropped => "dropped",
            Status::CarriedOver => "carried_over",
        }
    }

    /// The URL segment of `/status/<key>/`: the key as written in the contract.
    pub fn url_key(self) -> &'static str {
        self.key()
    }
}

/// How a target's number is to be read (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    #[default]
    Exact,
    About,
    AtLeast,
    AtMost,
}

impl Qualifier {
    pub fn key(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::About => "about",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
        }
    }
}

/// Which direction of an indicator is good (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// The interface language of the generated site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "zh-Hant")]
    ZhHant,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhHans => "zh-Hans",
            Language::ZhHant => "zh-Hant",
            Language::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_chrono_formats_them() {
        for s in [
            "2024-02-29",
            "0999-01-01",
            "1900-12-31",
            "2200-06-05",
            "9999-12-31",
        ] {
            let d = Date::parse(s).unwrap();
            assert_eq!(d.to_string(), s);
            assert_eq!(d.to_string(), d.0.format("%Y-%m-%d").to_string());
        }
        let far = Date(chrono::NaiveDate::from_ymd_opt(12345, 1, 2).unwrap());
        assert_eq!(far.to_string(), far.0.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn ids_follow_the_contract_pattern() {
        for ok in ["a", "luohe", "luohe-2024", "a1-b2-c3", "2024"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in [
            "", "-a", "a-", "a--b", "A", "a b", "../x", "中文", "a_b", "a/b",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn pledge_refs_need_two_valid_parts() {
        assert!(PledgeRef::parse("luohe-2024/old-communities").is_ok());
        for bad in ["luohe-2024", "a/b/c", "/x", "x/", "A/b", "../x"] {
            assert!(PledgeRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_strict_and_real() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-2-3",
            "2024/02/03",
            "20240203",
            "2024-13-01",
            "2024-00-10",
            " 2024-01-01",
            "２０２４-01-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_serialise_without_needless_fraction() {
        assert_eq!(serde_json::to_string(&Num(200.0)).unwrap(), "200");
        assert_eq!(serde_json::to_string(&Num(7.8)).unwrap(), "7.8");
        assert_eq!(Num(700.0).to_string(), "700");
        assert_eq!(Num(0.5).to_string(), "0.5");
    }
}
