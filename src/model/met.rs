//! Met / missed (docs/content-model.md §7): judging an actual value against a qualified target.

use crate::types::{Better, Date, Num, Qualifier};

/// Whether `actual` meets `target` read with `qualifier`, for the given direction and tolerance.
pub fn meets(
    target: f64,
    qualifier: Qualifier,
    actual: f64,
    better: Better,
    tolerance: f64,
) -> bool {
    match (better, qualifier) {
        (Better::Higher, Qualifier::Exact | Qualifier::AtLeast) => actual >= target,
        (Better::Higher, Qualifier::About) => actual >= target * (1.0 - tolerance),
        (Better::Higher, Qualifier::AtMost) => actual <= target,
        (Better::Lower, Qualifier::Exact | Qualifier::AtMost) => actual <= target,
        (Better::Lower, Qualifier::About) => actual <= target * (1.0 + tolerance),
        (Better::Lower, Qualifier::AtLeast) => actual >= target,
    }
}

/// An actual is provisional when it is dated before the end of its year: shown, never judged.
pub fn is_provisional(year: i32, as_of: Option<Date>) -> bool {
    match (as_of, Date::end_of_year(year)) {
        (Some(d), Some(end)) => d < end,
        _ => false,
    }
}

/// `met` of an indicator year: null when there is no target, no actual, or the actual is provisional.
pub fn indicator_met(
    target: Option<(Num, Qualifier)>,
    actual: Option<Num>,
    provisional: bool,
    better: Better,
    tolerance: f64,
) -> Option<bool> {
    let (t, q) = target?;
    let a = actual?;
    if provisional {
        return None;
    }
    Some(meets(t.get(), q, a.get(), better, tolerance))
}

/// `met` of a pledge: true once the current value meets the target; false when it does not and
/// its `as_of` is on or after the deadline; null otherwise.
pub fn pledge_met(
    target: Option<(Num, Qualifier)>,
    value: Option<Num>,
    as_of: Option<Date>,
    deadline: Date,
    tolerance: f64,
) -> Option<bool> {
    let (t, q) = target?;
    let v = value?;
    if meets(t.get(), q, v.get(), Better::Higher, tolerance) {
        Some(true)
    } else if as_of.is_some_and(|d| d >= deadline) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Qualifier::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn higher_is_better() {
        assert!(meets(200.0, AtLeast, 590.0, Better::Higher, 0.05));
        assert!(meets(200.0, AtLeast, 200.0, Better::Higher, 0.05));
        assert!(!meets(200.0, AtLeast, 199.0, Better::Higher, 0.05));
        assert!(meets(7.0, About, 6.65, Better::Higher, 0.05));
        assert!(!meets(7.0, About, 6.64, Better::Higher, 0.05));
        assert!(meets(68.0, Exact, 68.0, Better::Higher, 0.05));
        assert!(!meets(68.0, Exact, 67.0, Better::Higher, 0.05));
        assert!(meets(3.0, AtMost, 2.0, Better::Higher, 0.05));
        assert!(!meets(3.0, AtMost, 3.1, Better::Higher, 0.05));
    }

    #[test]
    fn lower_is_better() {
        assert!(meets(3.0, About, 3.15, Better::Lower, 0.05));
        assert!(!meets(3.0, About, 3.16, Better::Lower, 0.05));
        assert!(meets(5.5, AtMost, 5.5, Better::Lower, 0.05));
        assert!(!meets(5.5, Exact, 5.6, Better::Lower, 0.05));
        assert!(meets(1.0, AtLeast, 1.2, Better::Lower, 0.05));
        assert!(!meets(1.0, AtLeast, 0.9, Better::Lower, 0.05));
    }

    #[test]
    fn provisional_until_the_last_day_of_the_year() {
        assert!(is_provisional(2024, Some(d("2024-06-30"))));
        assert!(!is_provisional(2024, Some(d("2024-12-31"))));
        assert!(!is_provisional(2024, None));
        assert_eq!(
            indicator_met(
                Some((Num(7.0), About)),
                Some(Num(7.8)),
                true,
                Better::Higher,
                0.05
            ),
            None
        );
        assert_eq!(
            indicator_met(
                Some((Num(7.0), About)),
                Some(Num(7.8)),
                false,
                Better::Higher,
                0.05
            ),
            Some(true)
        );
        assert_eq!(
            indicator_met(None, Some(Num(7.8)), false, Better::Higher, 0.05),
            None
        );
    }

    #[test]
    fn pledge_rule_waits_for_the_deadline() {
        let t = Some((Num(200.0), AtLeast));
        let deadline = d("2024-12-31");
        assert_eq!(
            pledge_met(t, Some(Num(590.0)), Some(d("2024-06-30")), deadline, 0.05),
            Some(true)
        );
        assert_eq!(
            pledge_met(t, Some(Num(100.0)), Some(d("2024-06-30")), deadline, 0.05),
            None
        );
        assert_eq!(
            pledge_met(t, Some(Num(100.0)), Some(d("2024-12-31")), deadline, 0.05),
            Some(false)
        );
        assert_eq!(
            pledge_met(t, None, Some(d("2025-01-01")), deadline, 0.05),
            None
        );
        assert_eq!(
            pledge_met(None, Some(Num(1.0)), Some(d("2025-01-01")), deadline, 0.05),
            None
        );
    }
}
