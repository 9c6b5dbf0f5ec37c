//! Checked value types of the content model: ids, dates, numbers and the fixed vocabularies.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The longest id, in characters (ids are ASCII, so also in bytes). Every id becomes a folder
/// name of the output (`pledges/<report>/<pledge>/`), and file systems refuse names over 255
/// bytes: 100 leaves room for anything added to an id, and no real id comes near it.
pub const MAX_ID_LEN: usize = 100;

/// Whether `s` is a valid id: `[a-z0-9]+(-[a-z0-9]+)*`, at most [`MAX_ID_LEN`] characters.
pub fn is_valid_id(s: &str) -> bool {
    id_problem(s).is_none()
}

/// Whether `s` has the shape of an id, whatever its length.
pub fn has_id_shape(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What is wrong with `s` as an id, said for an editor (`None` for a valid id): its shape, or
/// its length.
pub fn id_problem(s: &str) -> Option<String> {
    let n = s.chars().count();
    if !has_id_shape(s) {
        let shown = if n > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s.to_string()
        };
        return Some(format!(
            "invalid id `{shown}`: ids are lowercase ASCII letters and digits joined by single hyphens, like `old-communities`"
        ));
    }
    (n > MAX_ID_LEN).then(|| {
        format!(
            "id `{}…` is {n} characters long: ids may have at most {MAX_ID_LEN} (each becomes a folder name of the site); shorten it",
            &s[..40]
        )
    })
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, String> {
                match id_problem(s) {
                    None => Ok($name(s.to_string())),
                    Some(msg) => Err(msg),
                }
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
                d.deserialize_str(ParseVisitor($name::parse))
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
        // A part too long is said so; a part of the wrong shape gets the example above.
        if has_id_shape(r) && has_id_shape(p) {
            for part in [r, p] {
                if let Some(msg) = id_problem(part) {
                    return Err(format!("in pledge reference: {msg}"));
                }
            }
        }
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
        d.deserialize_str(ParseVisitor(PledgeRef::parse))
    }
}

/// Deserialises a string with a parse function. Through a visitor, so that serde_yaml reports
/// an error at the value and names its field (`pledges[3].id`), not at the enclosing item.
struct ParseVisitor<T>(fn(&str) -> Result<T, String>);

impl<T> Visitor<'_> for ParseVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}

/// The earliest date content may carry: the founding of the People's Republic, before any
/// government work report a portal tracks. Anything earlier is a typo (`0001-01-01`).
pub const FIRST_DATE: (i32, u32, u32) = (1949, 10, 1);
/// The latest date content may carry. A later one (`9999-12-31`) would move the data date
/// and make every open pledge overdue.
pub const LAST_DATE: (i32, u32, u32) = (2100, 12, 31);
/// The years content may name (a report's `year`, an indicator's years): those of the dates.
pub const YEARS: std::ops::RangeInclusive<i32> = FIRST_DATE.0..=LAST_DATE.0;

/// A calendar date written `YYYY-MM-DD` (content must keep to [`Date::plausible`] dates).
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

    /// `self` if it lies from [`FIRST_DATE`] to [`LAST_DATE`], or why not. Checked by the
    /// validation (so that one implausible date does not hide the rest of its file) and by
    /// the commands that take a date.
    pub fn plausible(self) -> Result<Date, String> {
        use chrono::Datelike;
        let ymd = (self.0.year(), self.0.month(), self.0.day());
        if ymd < FIRST_DATE || ymd > LAST_DATE {
            let f = |(y, m, d): (i32, u32, u32)| format!("{y:04}-{m:02}-{d:02}");
            return Err(format!(
                "date {self} is outside the dates a portal can hold ({} to {}): check the year",
                f(FIRST_DATE),
                f(LAST_DATE)
            ));
        }
        Ok(self)
    }

    /// [`Date::parse`], then [`Date::plausible`]: for dates given on the command line.
    pub fn parse_plausible(s: &str) -> Result<Date, String> {
        Date::parse(s)?.plausible()
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
            // What `%Y-%m-%d` writes, without chrono's format-string interpreter: dates are
            // written on every page (the interpreter's share of a build is in BENCHMARKS.md,
            // "What the profile said").
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

/// A finite number as written by an editor (content must keep to [`Num::exact`] numbers);
/// serialises integers without a fraction (`68`, not `68.0`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Num(pub f64);

/// By bits: equal numbers as written hash alike (used to notice what changed between builds).
impl std::hash::Hash for Num {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h);
    }
}

impl Num {
    /// Numbers must be smaller in size than 2^53: up to there every integer is held exactly,
    /// beyond it `100000000000000000000001` would silently become `1e23`.
    pub const LIMIT: f64 = 9_007_199_254_740_992.0;

    pub fn get(self) -> f64 {
        self.0
    }

    /// `self` if it is smaller in size than [`Num::LIMIT`], or why not. Checked by the
    /// validation, at the number's position (serde_yaml gives `1e23` for a larger integer).
    pub fn exact(self) -> Result<Num, String> {
        if self.0.abs() >= Num::LIMIT {
            Err("this number is too large to be kept exactly: numbers must lie between -9007199254740991 and 9007199254740991 (write large amounts in a larger unit, like 万 or 亿)".into())
        } else {
            Ok(self)
        }
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

/// The fixed status vocabulary of docs/content-model.md §4, in display order.
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

    /// Its position in [`Status::ALL`].
    pub fn pos(self) -> usize {
        self as usize
    }

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

/// How a target's number is to be read (docs/content-model.md §4).
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

/// Which direction of an indicator is good (docs/content-model.md §6).
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
    fn a_status_position_is_its_place_in_all() {
        for (i, s) in Status::ALL.into_iter().enumerate() {
            assert_eq!(s.pos(), i, "{s:?}");
        }
    }

    #[test]
    fn dates_display_as_chrono_formats_them() {
        for s in [
            "2024-02-29",
            "0999-01-01",
            "1900-12-31",
            "2200-06-05",
            "9999-12-31",
        ] {
            // Outside the dates content may hold, but still displayed right.
            let d = Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
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

    /// Regression (issue 17, item 5): `9999-12-31` and `0001-01-01` were accepted and moved
    /// the data date.
    #[test]
    fn implausible_dates_are_refused() {
        for ok in ["1949-10-01", "2100-12-31", "2024-02-29"] {
            assert!(Date::parse_plausible(ok).is_ok(), "{ok}");
        }
        for bad in [
            "9999-12-31",
            "0001-01-01",
            "1949-09-30",
            "2101-01-01",
            "0000-01-01",
        ] {
            let msg = Date::parse_plausible(bad).unwrap_err();
            assert!(
                msg.contains("outside the dates") && msg.contains("1949-10-01 to 2100-12-31"),
                "{bad}: {msg}"
            );
        }
        // An impossible date keeps its own message.
        assert!(
            Date::parse_plausible("9999-02-30")
                .unwrap_err()
                .contains("real date")
        );
        assert_eq!(YEARS, 1949..=2100);
    }

    /// Regression (issue 17, item 4): `check` accepted ids of 256+ characters that `build`
    /// could not write as folder names.
    #[test]
    fn ids_longer_than_the_limit_are_refused() {
        let long = "a".repeat(MAX_ID_LEN);
        assert!(is_valid_id(&long));
        let longer = "a-".repeat(150) + "b";
        let msg = PledgeLocalId::parse(&longer).unwrap_err();
        assert!(
            msg.contains("301 characters long") && msg.contains("at most 100"),
            "{msg}"
        );
        assert!(
            msg.chars().count() < 200,
            "the message does not repeat the id: {msg}"
        );
        let r = PledgeRef::parse(&format!("luohe-2024/{longer}")).unwrap_err();
        assert!(r.contains("at most 100"), "{r}");
        assert!(ReportId::parse(&format!("{long}b")).is_err());
        assert!(NewsSlug::parse(&format!("{long}b")).is_err());
    }

    /// Regression (issue 17, item 9): a huge integer target silently became 1e23.
    #[test]
    fn numbers_beyond_exact_integers_are_refused() {
        let yaml = |v: &str| {
            serde_yaml::from_str::<Num>(v)
                .map_err(|e| e.to_string())
                .and_then(Num::exact)
        };
        assert_eq!(yaml("68").unwrap().get(), 68.0);
        assert_eq!(yaml("-3.5").unwrap().get(), -3.5);
        assert_eq!(yaml("9007199254740991").unwrap().get(), 9007199254740991.0);
        for bad in [
            "100000000000000000000001",
            "9007199254740993",
            "18446744073709551615",
            "-1e300",
            ".inf",
            ".nan",
        ] {
            assert!(yaml(bad).is_err(), "{bad}");
        }
        assert!(
            yaml("100000000000000000000001")
                .unwrap_err()
                .contains("too large to be kept exactly")
        );
    }

    #[test]
    fn numbers_serialise_without_needless_fraction() {
        assert_eq!(serde_json::to_string(&Num(200.0)).unwrap(), "200");
        assert_eq!(serde_json::to_string(&Num(7.8)).unwrap(), "7.8");
        assert_eq!(Num(700.0).to_string(), "700");
        assert_eq!(Num(0.5).to_string(), "0.5");
    }
}
