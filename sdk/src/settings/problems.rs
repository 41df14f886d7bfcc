//! [`Problems`]: every problem of a policy's settings, each naming its setting.

/// The problems found in a policy's settings, in the order they were found.
///
/// Each problem names its setting; none contains `; ` itself, so the joined message
/// splits back into problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<String>);

impl Problems {
    /// No problems yet.
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Adds a problem that names its setting itself
    /// (`` `deny_at_red_flags` must be at least 1 ``).
    pub fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    /// Adds a problem with the setting at `path` (`review_destinations[0]`,
    /// `end_use_statement_threshold.currency`): `path: message`.
    pub fn at(&mut self, path: &str, message: impl AsRef<str>) {
        self.0.push(format!("{path}: {}", message.as_ref()));
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems found so far.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// `Ok(value)` when no problem was found, else every problem joined by `; `: the
    /// error [`Policy::new`](crate::Policy::new) returns.
    pub fn into_result_with<T>(self, value: T) -> Result<T, String> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0.join("; "))
        }
    }

    /// `Ok(())` when no problem was found, else every problem joined by `; `.
    pub fn into_result(self) -> Result<(), String> {
        self.into_result_with(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_problems_is_ok() {
        assert_eq!(Problems::new().into_result(), Ok(()));
        assert_eq!(Problems::new().into_result_with(7), Ok(7));
    }

    #[test]
    fn every_problem_is_reported_in_order() {
        let mut problems = Problems::new();
        problems.push("`a` is wrong");
        problems.at("b[2]", "is not a country");
        problems.at("c.amount", format!("{} is negative", -1));
        assert!(!problems.is_empty());
        assert_eq!(problems.as_slice().len(), 3);
        assert_eq!(
            problems.into_result_with(()),
            Err("`a` is wrong; b[2]: is not a country; c.amount: -1 is negative".to_owned())
        );
    }
}
