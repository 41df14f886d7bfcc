//! The six spellings of a listed name the recall test and the threshold curve
//! (`examples/thresholds.rs`) try: as listed; lower case without punctuation; words
//! reversed; another legal form; a letter dropped from its longest word; English-style
//! transliteration swapped for another.

/// How many spellings [`variant`] knows.
pub const SPELLINGS: usize = 6;

/// Spelling `kind` (0 to 5) of `name`.
pub fn variant(kind: usize, name: &str) -> String {
    match kind {
        0 => name.to_owned(),
        1 => name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect(),
        2 => name.split_whitespace().rev().collect::<Vec<_>>().join(" "),
        3 => {
            let forms = [
                "llc",
                "ltd",
                "limited",
                "co",
                "co.,",
                "inc",
                "inc.",
                "corp",
                "corporation",
                "company",
                "jsc",
                "ooo",
                "oao",
                "ao",
                "pjsc",
                "gmbh",
                "llp",
                "too",
                "ltd.",
            ];
            let kept: Vec<&str> = name
                .split_whitespace()
                .filter(|w| !forms.contains(&w.to_lowercase().trim_matches(',')))
                .collect();
            format!("{} LLC", kept.join(" "))
        }
        4 => {
            let longest = name
                .split_whitespace()
                .max_by_key(|w| w.chars().count())
                .unwrap_or(name);
            let chars: Vec<char> = longest.chars().collect();
            if chars.len() < 6 {
                return name.to_owned();
            }
            let mut typo = chars.clone();
            typo.remove(chars.len() / 2);
            name.replacen(longest, &typo.into_iter().collect::<String>(), 1)
        }
        _ => {
            let mut s = name.to_owned();
            for (from, to) in [
                ("ks", "x"),
                ("KS", "X"),
                ("kh", "h"),
                ("KH", "H"),
                ("iy", "y"),
                ("IY", "Y"),
                ("yu", "iu"),
                ("YU", "IU"),
                ("ya", "ia"),
                ("YA", "IA"),
                ("ck", "k"),
                ("CK", "K"),
                ("ph", "f"),
                ("PH", "F"),
                ("tion", "tsion"),
                ("TION", "TSION"),
            ] {
                s = s.replace(from, to);
            }
            s
        }
    }
}
