//! What officers' work looks like in a report: the holds still open at the end of the range
//! by age, and how long held decisions took to be let go (released, or licensed) — with the
//! median — counted from the hold action records beside the decisions.

use std::collections::HashMap;

use jiff::Timestamp;

use super::aggregate::{Counts, Outcome};

/// Age buckets of open holds and of times to release, in order: (label, upper bound in hours).
pub const BUCKETS: [(&str, Option<i64>); 5] = [
    ("under 1 day", Some(24)),
    ("1 to 3 days", Some(72)),
    ("3 to 7 days", Some(168)),
    ("7 to 30 days", Some(720)),
    ("30 days or more", None),
];

/// The bucket label of a duration in seconds.
pub fn bucket(seconds: i64) -> &'static str {
    BUCKETS
        .iter()
        .find(|(_, upper)| upper.is_none_or(|h| seconds < h * 3600))
        .map_or(BUCKETS[4].0, |(label, _)| label)
}

/// The holds' figures of one report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HoldFigures {
    /// Holds opened in the range and still open (or approved) at its end, by age then.
    pub open_by_age: Vec<(String, Counts)>,
    /// Holds let go (released or licensed) in the range, by the time it took.
    pub time_to_release: Vec<(String, Counts)>,
    /// The median of those times, in minutes (`None`: none let go).
    pub median_minutes_to_release: Option<i64>,
}

/// Follows holds through the log: opened by held decisions, closed by final actions.
#[derive(Default)]
pub(crate) struct HoldTracker {
    /// Open holds: id → (opened at, held outcome, opened in the range).
    open: HashMap<String, (Timestamp, Outcome, bool)>,
    /// Times to release in the range: (seconds, outcome held for at opening).
    released: Vec<(i64, Outcome)>,
}

impl HoldTracker {
    /// A decision that is not allow, at `time`, opens its hold.
    pub(crate) fn opened(&mut self, id: String, time: Timestamp, held: Outcome, in_range: bool) {
        if held != Outcome::Allow {
            self.open.insert(id, (time, held, in_range));
        }
    }

    /// An action on hold `id` at `time` that left it in state `to`.
    pub(crate) fn acted(&mut self, id: &str, time: Timestamp, to: &str, in_range: bool) {
        let finished = matches!(to, "released" | "licensed" | "rejected" | "cancelled");
        if !finished {
            return;
        }
        if let Some((opened, held, _)) = self.open.remove(id)
            && in_range
            && matches!(to, "released" | "licensed")
        {
            self.released.push(((time - opened).as_secs().max(0), held));
        }
    }

    /// The figures, with open holds aged as of `now`.
    pub(crate) fn figures(&self, now: Timestamp) -> HoldFigures {
        let mut open: HashMap<&str, Counts> = HashMap::new();
        for (opened, held, in_range) in self.open.values() {
            if *in_range {
                open.entry(bucket((now - *opened).as_secs().max(0)))
                    .or_default()
                    .add(*held);
            }
        }
        let mut released: HashMap<&str, Counts> = HashMap::new();
        for (seconds, held) in &self.released {
            released.entry(bucket(*seconds)).or_default().add(*held);
        }
        let ordered = |map: &HashMap<&str, Counts>| {
            BUCKETS
                .iter()
                .filter_map(|(label, _)| map.get(label).map(|c| ((*label).to_owned(), *c)))
                .collect()
        };
        let mut seconds: Vec<i64> = self.released.iter().map(|(s, _)| *s).collect();
        seconds.sort_unstable();
        let median = match seconds.len() {
            0 => None,
            n if n % 2 == 1 => Some(seconds[n / 2]),
            n => Some((seconds[n / 2 - 1] + seconds[n / 2]) / 2),
        };
        HoldFigures {
            open_by_age: ordered(&open),
            time_to_release: ordered(&released),
            median_minutes_to_release: median.map(|s| s / 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn ages_and_times_to_release_fall_in_their_buckets() {
        assert_eq!(bucket(0), "under 1 day");
        assert_eq!(bucket(24 * 3600), "1 to 3 days");
        assert_eq!(bucket(30 * 24 * 3600), "30 days or more");
        let mut t = HoldTracker::default();
        t.opened(
            "a".into(),
            at("2026-12-01T00:00:00Z"),
            Outcome::Review,
            true,
        );
        t.opened("b".into(), at("2026-12-01T00:00:00Z"), Outcome::Deny, true);
        t.opened(
            "c".into(),
            at("2026-12-02T00:00:00Z"),
            Outcome::LicenceRequired,
            true,
        );
        t.opened("d".into(), at("2026-12-02T00:00:00Z"), Outcome::Allow, true);
        t.acted("a", at("2026-12-01T02:00:00Z"), "approved", true);
        t.acted("a", at("2026-12-01T04:00:00Z"), "released", true);
        t.acted("c", at("2026-12-04T00:00:00Z"), "licensed", true);
        let f = t.figures(at("2026-12-10T00:00:00Z"));
        // b is still open after 9 days; a took 4 hours, c 2 days.
        assert_eq!(f.open_by_age.len(), 1);
        assert_eq!(f.open_by_age[0].0, "7 to 30 days");
        assert_eq!(f.open_by_age[0].1.get(Outcome::Deny), 1);
        let buckets: Vec<&str> = f.time_to_release.iter().map(|(b, _)| b.as_str()).collect();
        assert_eq!(buckets, ["under 1 day", "1 to 3 days"]);
        assert_eq!(f.median_minutes_to_release, Some((4 * 60 + 48 * 60) / 2));
        t.acted("b", at("2026-12-11T00:00:00Z"), "rejected", true);
        assert!(t.figures(at("2026-12-12T00:00:00Z")).open_by_age.is_empty());
    }
}
