//! Chart numbers computed at build time for the templates to draw: a pledge's progress against
//! its target, and year-by-year charts of targets and actuals with labelled axes (inline SVG,
//! no script).

use crate::model::{Pledge, Target, is_rate};
use crate::types::{Num, Qualifier};
use serde::Serialize;

/// The share of a pledge's target reached, in whole percent (at most 100), for pledges whose
/// target accumulates towards a number: not for caps (`at_most`), where less is better, nor for
/// rates (`%`, `个百分点`), which do not add up; `None` without a target or a value.
pub fn progress(p: &Pledge) -> Option<u32> {
    progress_of(p.target.as_ref()?, p.value?)
}

fn progress_of(t: &Target, v: Num) -> Option<u32> {
    (t.value.get() > 0.0 && v.get() >= 0.0 && !is_rate(&t.unit) && t.qualifier != Qualifier::AtMost)
        .then(|| ((v.get() / t.value.get()) * 100.0).round().min(100.0) as u32)
}

/// Where the current value of a capped pledge (`at_most`) stands: `within` the cap or `over`
/// it; `None` for other pledges and without a value.
pub fn cap_state(p: &Pledge) -> Option<&'static str> {
    cap_of(p.target.as_ref()?, p.value?)
}

fn cap_of(t: &Target, v: Num) -> Option<&'static str> {
    (t.qualifier == Qualifier::AtMost).then_some(if v.get() <= t.value.get() {
        "within"
    } else {
        "over"
    })
}

/// One year's numbers of a chart.
#[derive(Debug, Clone, Copy)]
pub struct YearValues {
    pub year: i32,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    /// An actual from before the end of its year: drawn hollow.
    pub provisional: bool,
}

/// A chart of targets (short bars) and actuals (dots joined by a line) by year, with a value
/// axis and a year axis, in SVG user units.
#[derive(Debug, Serialize)]
pub struct YearChart {
    pub width: u32,
    pub height: u32,
    /// The plot area: left, right, top and bottom edges.
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    /// The actuals as a polyline (`x,y x,y ...`), empty with fewer than two.
    pub line: String,
    pub actuals: Vec<ChartPoint>,
    pub targets: Vec<ChartPoint>,
}

#[derive(Debug, Serialize)]
pub struct Tick {
    pub pos: f64,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct ChartPoint {
    pub x: f64,
    pub y: f64,
    pub provisional: bool,
    /// The value as the axis shows numbers.
    pub label: String,
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 176.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 28.0;

/// A chart of `years` (ascending) when at least two of them have a number; `None` otherwise
/// (one year reads better as the table's cell).
pub fn year_chart(years: &[YearValues]) -> Option<YearChart> {
    let with_data = years
        .iter()
        .filter(|y| y.target.is_some() || y.actual.is_some())
        .count();
    let values: Vec<f64> = years
        .iter()
        .flat_map(|y| y.target.into_iter().chain(y.actual))
        .filter(|v| v.is_finite())
        .collect();
    if with_data < 2 || values.is_empty() {
        return None;
    }
    // The value axis always includes zero, so that the marks' heights compare as the numbers
    // do (2.76 against 2.78 looks like a small difference, not a fall to the bottom).
    let (lo, hi) = values
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let (axis_lo, axis_hi, step) = nice_axis(lo, hi);
    let (right, bottom) = (WIDTH - RIGHT, HEIGHT - BOTTOM);
    let scale = Scale {
        slot: (right - LEFT) / years.len() as f64,
        bottom,
        axis_lo,
        axis_hi,
    };
    let (actuals, targets) = points(years, &scale);
    let line = if actuals.len() > 1 {
        actuals
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        String::new()
    };
    Some(YearChart {
        width: WIDTH as u32,
        height: HEIGHT as u32,
        left: LEFT,
        right,
        top: TOP,
        bottom,
        x_ticks: years
            .iter()
            .enumerate()
            .map(|(k, y)| Tick {
                pos: scale.x(k),
                label: y.year.to_string(),
            })
            .collect(),
        y_ticks: y_ticks(&scale, step),
        line,
        actuals,
        targets,
    })
}

/// Where a chart's years and values go: year `k` in the middle of its slot, values on an axis
/// from `axis_lo` (at `bottom`) to `axis_hi` (at [`TOP`]).
struct Scale {
    slot: f64,
    bottom: f64,
    axis_lo: f64,
    axis_hi: f64,
}

impl Scale {
    fn x(&self, k: usize) -> f64 {
        round1(LEFT + (k as f64 + 0.5) * self.slot)
    }

    fn y(&self, v: f64) -> f64 {
        round1(
            self.bottom - (v - self.axis_lo) / (self.axis_hi - self.axis_lo) * (self.bottom - TOP),
        )
    }
}

/// A tick every `step` from the bottom of the value axis to its top.
fn y_ticks(scale: &Scale, step: f64) -> Vec<Tick> {
    let mut ticks = Vec::new();
    let mut k = 0.0;
    while scale.axis_lo + k * step <= scale.axis_hi + step / 1e6 {
        let v = scale.axis_lo + k * step;
        ticks.push(Tick {
            pos: scale.y(v),
            label: label(v, step),
        });
        k += 1.0;
    }
    ticks
}

/// The marks of the years' finite values: (actuals, targets).
fn points(years: &[YearValues], scale: &Scale) -> (Vec<ChartPoint>, Vec<ChartPoint>) {
    let mut actuals = Vec::new();
    let mut targets = Vec::new();
    for (k, yv) in years.iter().enumerate() {
        if let Some(t) = yv.target.filter(|v| v.is_finite()) {
            targets.push(ChartPoint {
                x: scale.x(k),
                y: scale.y(t),
                provisional: false,
                label: number(t),
            });
        }
        if let Some(a) = yv.actual.filter(|v| v.is_finite()) {
            actuals.push(ChartPoint {
                x: scale.x(k),
                y: scale.y(a),
                provisional: yv.provisional,
                label: number(a),
            });
        }
    }
    (actuals, targets)
}

/// An axis from a round number at or below `lo` to one at or above `hi`, in 2 to 6 steps of 1,
/// 2 or 5 times a power of ten; a flat series gets a step around its value.
fn nice_axis(lo: f64, hi: f64) -> (f64, f64, f64) {
    let span = if hi > lo {
        hi - lo
    } else {
        lo.abs().max(1.0) * 0.2
    };
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    // Whole steps, with a little slack for binary fractions (7.8 / 0.2 is 38.99...).
    let clean = |v: f64| (v * 1e9).round() / 1e9;
    let mut axis_lo = clean((lo / step + 1e-9).floor() * step);
    let mut axis_hi = clean((hi / step - 1e-9).ceil() * step);
    if axis_hi <= axis_lo {
        axis_lo = clean(axis_lo - step);
        axis_hi = clean(axis_hi + step);
    }
    (axis_lo, axis_hi, step)
}

/// A tick value with as many decimals as the step needs.
fn label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// A value as written in content: no trailing zeros.
fn number(v: f64) -> String {
    Num(v).to_string()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yv(year: i32, target: Option<f64>, actual: Option<f64>) -> YearValues {
        YearValues {
            year,
            target,
            actual,
            provisional: false,
        }
    }

    fn target(value: f64, unit: &str, qualifier: Qualifier) -> Target {
        Target {
            metric: String::new(),
            value: Num(value),
            unit: unit.into(),
            qualifier,
        }
    }

    #[test]
    fn progress_is_shown_for_amounts_and_caps_say_where_the_value_stands() {
        let count = target(68.0, "个", Qualifier::AtLeast);
        assert_eq!(progress_of(&count, Num(17.0)), Some(25));
        assert_eq!(progress_of(&count, Num(90.0)), Some(100));
        assert_eq!(cap_of(&count, Num(17.0)), None);
        // A rate does not accumulate; a cap is not a distance to cover.
        assert_eq!(
            progress_of(&target(7.0, "%", Qualifier::About), Num(7.8)),
            None
        );
        let cap = target(3.0, "%", Qualifier::AtMost);
        assert_eq!(progress_of(&cap, Num(2.0)), None);
        assert_eq!(cap_of(&cap, Num(2.0)), Some("within"));
        assert_eq!(cap_of(&cap, Num(3.0)), Some("within"));
        assert_eq!(cap_of(&cap, Num(3.4)), Some("over"));
        assert_eq!(
            progress_of(&target(0.0, "个", Qualifier::Exact), Num(1.0)),
            None
        );
    }

    #[test]
    fn axes_are_round_and_cover_every_value() {
        assert_eq!(nice_axis(7.0, 7.8), (7.0, 7.8, 0.2));
        assert_eq!(nice_axis(3.0, 6.8), (3.0, 7.0, 1.0));
        assert_eq!(nice_axis(0.0, 68.0), (0.0, 80.0, 20.0));
        let (lo, hi, step) = nice_axis(5.0, 5.0);
        assert!(lo < 5.0 && hi > 5.0 && step > 0.0);
        assert_eq!(label(6.8, 0.2), "6.8");
        assert_eq!(label(40.0, 20.0), "40");
        assert_eq!(label(-0.0, 0.5), "0.0");
    }

    /// Regression: `two_years_drew_a_stray_dash` — the old sparkline of a two-year indicator was
    /// a short line with no axis; the chart has a labelled axis for each year and the values.
    #[test]
    fn two_years_give_a_chart_with_labelled_axes() {
        let c = year_chart(&[yv(2023, None, Some(7.1)), yv(2024, Some(7.0), Some(7.8))])
            .expect("two years with numbers");
        let years: Vec<&str> = c.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(years, ["2023", "2024"]);
        assert!(c.y_ticks.len() >= 2);
        let first = c.y_ticks.first().unwrap().label.parse::<f64>().unwrap();
        let last = c.y_ticks.last().unwrap().label.parse::<f64>().unwrap();
        assert!(first == 0.0 && last >= 7.8, "{first}..{last}");
        assert_eq!(c.actuals.len(), 2);
        assert_eq!(c.targets.len(), 1);
        // Higher values are drawn higher, everything inside the plot area.
        assert!(c.actuals[1].y < c.actuals[0].y);
        for p in c.actuals.iter().chain(&c.targets) {
            assert!(
                p.x > c.left && p.x < c.right && p.y >= c.top && p.y <= c.bottom,
                "{p:?}"
            );
        }
        assert_eq!(c.line.split(' ').count(), 2);
        assert_eq!(c.actuals[1].label, "7.8");
    }

    /// Regression: `small_differences_looked_like_falls` — an axis from the smallest value made
    /// 2.78 against 2.76 fill the chart's height.
    #[test]
    fn the_value_axis_starts_at_zero() {
        let c = year_chart(&[yv(2025, None, Some(2.78)), yv(2026, Some(2.76), None)]).unwrap();
        assert_eq!(c.y_ticks.first().unwrap().label, "0");
        let (a, t) = (c.actuals[0].y, c.targets[0].y);
        assert!((a - t).abs() < 2.0, "2.78 at {a}, 2.76 at {t}");
        let c = year_chart(&[yv(2023, None, Some(-1.5)), yv(2024, Some(3.0), None)]).unwrap();
        let labels: Vec<f64> = c.y_ticks.iter().map(|t| t.label.parse().unwrap()).collect();
        assert!(labels.contains(&0.0) && labels[0] <= -1.5, "{labels:?}");
    }

    #[test]
    fn one_year_or_no_number_gives_no_chart() {
        assert!(year_chart(&[yv(2024, Some(7.0), Some(7.8))]).is_none());
        assert!(year_chart(&[yv(2023, None, None), yv(2024, None, None)]).is_none());
        assert!(year_chart(&[]).is_none());
    }
}
