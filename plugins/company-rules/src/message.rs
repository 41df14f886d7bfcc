//! Wording shared by the rules' messages.

/// How many items a message lists before it says "and N more". The host refuses a
/// finding whose message is longer than 4096 bytes, and a shipment may have 10,000
/// lines; the finding's `lines` still names every line.
pub(crate) const MAX_LISTED: usize = 20;

/// `a, b and c`, or `a, b, … and 7 more` after [`MAX_LISTED`] items. Only the items
/// shown are formatted (with `show`): a rule may match thousands.
pub(crate) fn list<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let shown: Vec<String> = items.iter().take(MAX_LISTED).map(show).collect();
    let rest = items.len() - shown.len();
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([only], 0) => only.clone(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (_, rest) => format!("{} and {rest} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: usize) -> String {
        let items: Vec<usize> = (1..=n).collect();
        list(&items, ToString::to_string)
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(numbers(0), "");
        assert_eq!(numbers(1), "1");
        assert_eq!(numbers(2), "1 and 2");
        assert_eq!(numbers(3), "1, 2 and 3");
    }

    #[test]
    fn long_lists_are_cut_after_max_listed() {
        let text = numbers(MAX_LISTED + 7);
        assert!(text.starts_with("1, 2, 3"), "{text}");
        assert!(
            text.ends_with(&format!("{MAX_LISTED} and 7 more")),
            "{text}"
        );
    }
}
