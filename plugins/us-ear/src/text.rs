//! Bounded message text.
//!
//! The host refuses a finding whose message is over 4,096 bytes, and a shipment may have
//! 10,000 lines. Findings therefore list lines and items only up to a count and say how
//! many more there are; the finding's `lines` field always names every line.

/// The longest message the host accepts, in bytes (the SDK's limit).
pub use exportctl_sdk::MAX_MESSAGE_BYTES;

/// How many items (line descriptions) a message spells out.
pub const MAX_ITEMS: usize = 10;

/// How many line numbers a message spells out.
const MAX_NUMBERS: usize = 20;

/// `line 3`, `lines 1, 2, 4`, or `lines 1, 2, …, 20 and 980 more`.
pub fn lines(numbers: &[u32]) -> String {
    match numbers {
        [one] => format!("line {one}"),
        _ => {
            let shown: Vec<String> = numbers
                .iter()
                .take(MAX_NUMBERS)
                .map(u32::to_string)
                .collect();
            let more = numbers.len().saturating_sub(MAX_NUMBERS);
            if more == 0 {
                format!("lines {}", shown.join(", "))
            } else {
                format!("lines {} and {more} more", shown.join(", "))
            }
        }
    }
}

/// The first [`MAX_ITEMS`] of `total` items, joined by `, `, with `and N more` when some
/// are left out.
pub fn items(shown: impl IntoIterator<Item = String>, total: usize) -> String {
    items_with(shown, total, ", ")
}

/// [`items`] joined by `separator`.
pub fn items_with(
    shown: impl IntoIterator<Item = String>,
    total: usize,
    separator: &str,
) -> String {
    let shown: Vec<String> = shown.into_iter().take(MAX_ITEMS).collect();
    let more = total.saturating_sub(shown.len());
    let joined = shown.join(separator);
    if more == 0 {
        joined
    } else {
        format!("{joined} and {more} more")
    }
}

/// `message`, cut at a character boundary with `…` if it would exceed
/// [`MAX_MESSAGE_BYTES`]: a safety net; the rules keep their messages well below.
pub fn fit(mut message: String) -> String {
    if message.len() > MAX_MESSAGE_BYTES {
        let mut end = MAX_MESSAGE_BYTES - '…'.len_utf8();
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_listed_up_to_twenty() {
        assert_eq!(lines(&[3]), "line 3");
        assert_eq!(lines(&[1, 2, 4]), "lines 1, 2, 4");
        let many: Vec<u32> = (1..=1000).collect();
        let text = lines(&many);
        assert!(text.starts_with("lines 1, 2, 3,"), "{text}");
        assert!(text.ends_with(", 20 and 980 more"), "{text}");
    }

    #[test]
    fn items_say_how_many_are_left_out() {
        let all = (1..=12).map(|n| format!("line {n}"));
        assert_eq!(
            items(all, 12),
            "line 1, line 2, line 3, line 4, line 5, line 6, line 7, line 8, line 9, line 10 and 2 more"
        );
        assert_eq!(items(["line 1".to_owned()], 1), "line 1");
    }

    #[test]
    fn overlong_messages_are_cut_at_a_character_boundary() {
        let text = fit("é".repeat(3000));
        assert!(text.len() <= MAX_MESSAGE_BYTES);
        assert!(text.ends_with('…'));
        assert_eq!(fit("short".to_owned()), "short");
    }
}
