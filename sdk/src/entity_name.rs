//! Entity names reduced for comparison: the one definition, for every policy, of which
//! words of a company's name say *which* company it is.
//!
//! Two policies compare names: restricted-party screening (a party against listed names)
//! and diversion red flags (is the end user the freight forwarder?). Both must agree on
//! what a name is, so `ТОО «Интер-Трейд Электро»`, `Inter-Treid Elektro LLP` and
//! `Inter Trade Electro, L.L.C.` reduce alike. The module needs only `std` and
//! `any_ascii`, so a build script can use it too (the screening lists are indexed at
//! build time with the same functions the plugin applies to party names).
//!
//! A name goes through these steps ([`tokens`]):
//!
//! 1. **Script and diacritics**: every non-ASCII character is transliterated with
//!    `any_ascii` (Cyrillic incl. Kazakh letters, Greek, Chinese, accented Latin, curly
//!    quotes and guillemets), so `ТОО «Интер-Трейд Электро»` becomes
//!    `TOO <<Inter-Treyd Elektro>>`.
//! 2. **Case and punctuation**: lower case; apostrophes (and the soft sign, which
//!    becomes one) are dropped inside words (`Xi'an` → `xian`); every other
//!    non-alphanumeric character separates words. Runs of one-letter words are joined,
//!    so `L.L.C.` and `LLC` are the same word.
//! 3. **Legal forms and filler words**: legal-form words and phrases in English,
//!    Russian, Kazakh, Kyrgyz, Uzbek, Ukrainian, German, Turkish and others (`LLC`,
//!    `LLP`, `TOO`, `OsOO`, `OOO`, `AO`, `JSC`, `GmbH`, `limited liability
//!    partnership`, `J Sh S`, `obshchestvo s ogranichennoy otvetstvennostyu`, …) and
//!    articles (`the`, `of`, `al`, …) are removed. They say nothing about *which*
//!    company a name denotes, and listings spell them inconsistently.
//!
//! [`comparison_key`] joins the tokens into one string, for comparing two names for
//! equality. [`skeleton`] reduces a word to a transliteration-independent consonant
//! key, so the variants one Cyrillic name gets in Latin script compare equal: `Treid`,
//! `Traid` and `Trade` are all `trd`; `Elektro` and `Electro` are both `elktr`.
//!
//! ```
//! use exportctl_sdk::entity_name::{comparison_key, tokens};
//!
//! assert_eq!(tokens("ТОО «Интер-Трейд Электро»"), ["inter", "treyd", "elektro"]);
//! assert_eq!(comparison_key("Rhein Logistik GmbH"), comparison_key("RHEIN LOGISTIK"));
//! assert_eq!(comparison_key("OOO"), None);
//! ```

use std::cell::OnceCell;
use std::sync::OnceLock;

/// Legal-form words removed wherever they stand in a name (compared exactly, after
/// one-letter words are joined: `O.O.O.` → `ooo`).
///
/// Sorted, for binary search. Words that are also ordinary name words in some
/// language (`ak` "white" in Turkic names, `ip`, `se`) are deliberately left out.
/// `joint` and `stock` are here, not only in the phrases, because listings break the
/// phrase up ("Joint Stock Scientific-Research Institute", "Stock Company").
const LEGAL_FORM_WORDS: &[&str] = &[
    "ab",
    "ag",
    "ao",
    "aps",
    "aq",
    "as",
    "asa",
    "bhd",
    "bsc",
    "bv",
    "cjsc",
    "co",
    "company",
    "corp",
    "corporation",
    "cv",
    "dd",
    "dmcc",
    "doo",
    "fgup",
    "fz",
    "fzc",
    "fzco",
    "fze",
    "fzllc",
    "gk",
    "gmbh",
    "gup",
    "inc",
    "incorporated",
    "joint",
    "jointstock",
    "jsc",
    "jshs",
    "kft",
    "kg",
    "kgaa",
    "kk",
    "lc",
    "lda",
    "liability",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "ltda",
    "mbh",
    "mchj",
    "mchzh",
    "mup",
    "nao",
    "nv",
    "nyrt",
    "oao",
    "ohg",
    "ojsc",
    "ooo",
    "osoo",
    "oy",
    "oyj",
    "pao",
    "pat",
    "pjsc",
    "plc",
    "pllc",
    "prat",
    "psc",
    "pt",
    "pte",
    "pty",
    "pvt",
    "sa",
    "sarl",
    "sas",
    "sasu",
    "sdn",
    "sl",
    "slu",
    "snc",
    "spa",
    "spol",
    "srl",
    "sro",
    "sti",
    "stock",
    "tbk",
    "too",
    "tov",
    "ug",
    "wll",
    "zao",
    "zhshs",
    "zhss",
    "zrt",
];

/// Legal-form phrases of several words, removed as a whole. Words of five letters or
/// more are compared by [`skeleton`], so transliteration variants of the Russian,
/// Kazakh and Ukrainian long forms (`ogranichennoy` / `ogranichennoi`) are removed
/// too; shorter words are compared exactly.
const LEGAL_FORM_PHRASES: &[&[&str]] = &[
    &["aktsionerlik", "qogam"],
    &["aktsionernoe", "obshchestvo"],
    &["closed", "joint", "stock", "company"],
    &["federalnoe", "gosudarstvennoe", "unitarnoe", "predpriyatie"],
    &["gesellschaft", "mit", "beschrankter", "haftung"],
    &["gosudarstvennoe", "unitarnoe", "predpriyatie"],
    &["j", "sh", "s"],
    &["joint", "stock", "company"],
    &["kabushiki", "kaisha"],
    &["limited", "liability", "company"],
    &["limited", "liability", "partnership"],
    &["limited", "partnership"],
    &["nepublichnoe", "aktsionernoe", "obshchestvo"],
    &["non", "public", "joint", "stock", "company"],
    &["obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"],
    &["open", "joint", "stock", "company"],
    &["otkrytoe", "aktsionernoe", "obshchestvo"],
    &["private", "joint", "stock", "company"],
    &["private", "limited", "company"],
    &["public", "joint", "stock", "company"],
    &["public", "limited", "company"],
    &["publichnoe", "aktsionernoe", "obshchestvo"],
    &["societe", "a", "responsabilite", "limitee"],
    &["societe", "anonyme"],
    &["sp", "zoo"],
    &["tovarishchestvo", "s", "ogranichennoi", "otvetstvennostiu"],
    &["tovarystvo", "z", "obmezhenoiu", "vidpovidalnistiu"],
    &["zakrytoe", "aktsionernoe", "obshchestvo"],
    &["zh", "sh", "s"],
    &["zhauapkershiligi", "shekteuli", "seriktestik"],
];

/// Words that are part of a legal form only next to one (`Public` in `Public Joint
/// Stock Company`, `Otkrytoe` in `Otkrytoe Aktsionernoe Obshchestvo`): removed when a
/// neighbour is a removed legal-form word, in any order, so a reordered or broken-up
/// legal form (`Stock Company Kremny Public`) leaves nothing behind. Alone they stay
/// (`Open Systems`). Words of five letters or more also match by [`skeleton`] or one
/// edit. Sorted.
const LEGAL_FORM_QUALIFIERS: &[&str] = &[
    "aktsionernoe",
    "closed",
    "nepublichnoe",
    "non",
    "obshchestvo",
    "ogranichennoi",
    "ogranichennoy",
    "open",
    "otkrytoe",
    "otvetstvennostiu",
    "otvetstvennostyu",
    "private",
    "public",
    "publichnoe",
    "s",
    "tovarishchestvo",
    "zakrytoe",
];

/// Whether `word` (with its skeleton, computed if needed) is a legal-form qualifier.
fn is_qualifier(word: &str, skeleton_of_word: &OnceCell<String>) -> bool {
    // Equal or spelt alike, a qualifier starts with the word's first letter: the
    // qualifiers are sorted, so those are a run of them.
    let first = word.as_bytes().first();
    let from = LEGAL_FORM_QUALIFIERS.partition_point(|q| q.as_bytes().first() < first);
    let to = LEGAL_FORM_QUALIFIERS.partition_point(|q| q.as_bytes().first() <= first);
    LEGAL_FORM_QUALIFIERS
        .iter()
        .zip(qualifier_skeletons())
        .take(to)
        .skip(from)
        .any(|(q, q_skeleton)| {
            *q == word || (q.len() >= 5 && similar_spelling(q, q_skeleton, word, skeleton_of_word))
        })
}

/// Articles and connectives: removed, they carry no identity. Sorted.
///
/// `al` and `el` are the Arabic article (`Al-Rashid` and `Rashid` are the same name to
/// a list screener).
const FILLER_WORDS: &[&str] = &[
    "al", "and", "de", "der", "des", "du", "el", "for", "la", "le", "of", "the", "und",
];

/// Long legal-form words also removed when misspelt by one letter (`corpoation`) or
/// transliterated with one letter more (`corporatsion`, `kompany`): a misspelt legal
/// form would otherwise count as a rare, distinctive word.
const LONG_LEGAL_FORM_WORDS: &[&str] = &[
    "company",
    "corporation",
    "incorporated",
    "liability",
    "limited",
    "partnership",
];

/// Whether `word` is a legal-form word, or within one edit of a long one.
pub fn is_legal_form(word: &str) -> bool {
    contains(LEGAL_FORM_WORDS, word)
        || (word.len() >= 6
            && LONG_LEGAL_FORM_WORDS
                .iter()
                // One edit changes the length by one at most.
                .filter(|form| form.len().abs_diff(word.len()) <= 1)
                .any(|form| within_one_edit(word.as_bytes(), form.as_bytes())))
}

/// Whether `a` becomes `b` by at most one insertion, deletion, substitution or swap of
/// neighbouring letters.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let common = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if common == short.len() {
        return true;
    }
    let (s, l) = (&short[common..], &long[common..]);
    if short.len() == long.len() {
        // Substitution, or a swap of two neighbours.
        s[1..] == l[1..] || (s.len() >= 2 && s[0] == l[1] && s[1] == l[0] && s[2..] == l[2..])
    } else {
        // Insertion into the shorter one.
        s == &l[1..]
    }
}

/// Whether `word` is a filler word (article or connective).
pub fn is_filler(word: &str) -> bool {
    contains(FILLER_WORDS, word)
}

/// Whether the sorted `table` has `word`: a binary search comparing the short words
/// byte by byte in place (the order of `str`), where the library's comparison calls
/// `memcmp` for each.
fn contains(table: &[&str], word: &str) -> bool {
    let word = word.as_bytes();
    table
        .binary_search_by(|entry| {
            let entry = entry.as_bytes();
            entry
                .iter()
                .zip(word)
                .find(|(a, b)| a != b)
                .map_or_else(|| entry.len().cmp(&word.len()), |(a, b)| a.cmp(b))
        })
        .is_ok()
}

/// Transliterates, lower-cases and splits `name` into words, before legal forms are
/// removed (steps 1 and 2 of the module documentation).
pub fn words(name: &str) -> Vec<String> {
    let mut text = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if c.is_ascii() {
            push_ascii(&mut text, c as u8);
        } else {
            for b in any_ascii::any_ascii_char(c).bytes() {
                push_ascii(&mut text, b);
            }
            // A transliterated ideograph is a syllable of its own word in the source
            // script; any_ascii already separates words with spaces.
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut letters = String::new();
    for word in text.split_ascii_whitespace() {
        let single_letter = word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic();
        if single_letter {
            letters.push_str(word);
            continue;
        }
        if !letters.is_empty() {
            words.push(std::mem::take(&mut letters));
        }
        words.push(word.to_owned());
    }
    if !letters.is_empty() {
        words.push(letters);
    }
    words
}

/// Shortest word written from two joined by punctuation that is indexed (`gazoil`,
/// not `ab`).
pub const JOIN_MIN_LEN: usize = 5;

/// Words a name writes joined by punctuation without spaces (`Gaz-Oil`, `T-Komponent`,
/// `Al-Aqsa`, `Inter-Traid`): `(both words written as one, length of the first)` for
/// each neighbouring pair, normalised like [`words`]. A party name may drop the
/// punctuation (`gazoil`); the build script indexes these pairs so the plugin can split
/// such a word back (`matcher::Query::readings`).
pub fn punctuation_joins(name: &str) -> Vec<(String, usize)> {
    let mut text = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if c.is_ascii() {
            push_joinable(&mut text, c as u8);
        } else {
            for b in any_ascii::any_ascii_char(c).bytes() {
                push_joinable(&mut text, b);
            }
        }
    }
    let mut joins = Vec::new();
    for chunk in text.split_ascii_whitespace() {
        let parts: Vec<&str> = chunk.split('-').filter(|p| !p.is_empty()).collect();
        for pair in parts.windows(2) {
            joins.push((format!("{}{}", pair[0], pair[1]), pair[0].len()));
        }
    }
    joins
}

/// Like [`push_ascii`], but inner punctuation other than spaces becomes `-`.
fn push_joinable(text: &mut String, b: u8) {
    match b {
        b'a'..=b'z' | b'0'..=b'9' => text.push(b as char),
        b'A'..=b'Z' => text.push(b.to_ascii_lowercase() as char),
        b'\'' | b'`' => {}
        b'-' | b'/' | b'.' | b'&' | b'+' => text.push('-'),
        _ => text.push(' '),
    }
}

/// Appends one ASCII byte of a name: letters and digits lower-cased, apostrophes
/// dropped, anything else a word separator.
fn push_ascii(text: &mut String, b: u8) {
    match b {
        b'a'..=b'z' | b'0'..=b'9' => text.push(b as char),
        b'A'..=b'Z' => text.push(b.to_ascii_lowercase() as char),
        // Apostrophes join: `Xi'an` → `xian`, `Int'l` → `intl`, `Il'ich` → `ilich`.
        b'\'' | b'`' => {}
        _ => text.push(' '),
    }
}

/// The words of `name` that identify it: [`words`] without legal forms and filler
/// words (step 3). If that would leave nothing (a name that *is* a legal form or an
/// article), the words are kept, so no name becomes empty.
pub fn tokens(name: &str) -> Vec<String> {
    let all = words(name);
    let keep = identifying(&all);
    if !keep.contains(&true) {
        return all;
    }
    // The kept words moved, not copied.
    all.into_iter()
        .zip(keep)
        .filter_map(|(w, k)| k.then_some(w))
        .collect()
}

/// Which words of `all` to keep: not legal forms or filler words. All `false` when
/// nothing else is left.
fn identifying(all: &[String]) -> Vec<bool> {
    let mut keep = vec![true; all.len()];
    // A word's skeleton is needed only when it is compared with a long legal form
    // starting with the same letter and more than one edit from it: computed then.
    let skeletons: Vec<OnceCell<String>> = all.iter().map(|_| OnceCell::new()).collect();
    let mut i = 0;
    while i < all.len() {
        // A phrase can match only from a word with its first letter (spelt alike or
        // not, `similar_spelling` wants the first letters equal): the phrases are
        // sorted, so those are a run of them.
        let first = all[i].as_bytes().first().copied();
        let first_of =
            |phrase: &&[&str]| phrase.first().and_then(|p| p.as_bytes().first()).copied();
        let from = LEGAL_FORM_PHRASES.partition_point(|p| first_of(p) < first);
        let to = LEGAL_FORM_PHRASES.partition_point(|p| first_of(p) <= first);
        let matched = LEGAL_FORM_PHRASES
            .iter()
            .zip(phrase_skeletons())
            .take(to)
            .skip(from)
            .filter(|(phrase, p_skeletons)| {
                phrase_matches(phrase, p_skeletons, &all[i..], &skeletons[i..])
            })
            .map(|(phrase, _)| phrase.len())
            .max();
        match matched {
            Some(len) => {
                keep[i..i + len].iter_mut().for_each(|k| *k = false);
                i += len;
            }
            None => {
                if is_legal_form(&all[i]) || is_filler(&all[i]) {
                    keep[i] = false;
                }
                i += 1;
            }
        }
    }
    // Two or more qualifiers in a row are a legal form in any order
    // (`Obshchestvo Aktsionernoe Otkrytoe`).
    let qualifier: Vec<bool> = all
        .iter()
        .zip(&skeletons)
        .map(|(w, s)| is_qualifier(w, s))
        .collect();
    for i in 0..all.len() {
        let run = (i > 0 && qualifier[i - 1]) || (i + 1 < all.len() && qualifier[i + 1]);
        if qualifier[i] && run && all[i].len() > 1 {
            keep[i] = false;
        }
    }
    // Qualifiers next to a removed legal-form word go too, repeatedly, so a chain
    // (`closed joint stock`) is removed from either end.
    loop {
        let mut changed = false;
        for i in 0..all.len() {
            let next_to_removed = (i > 0 && !keep[i - 1]) || (i + 1 < all.len() && !keep[i + 1]);
            if keep[i] && next_to_removed && qualifier[i] {
                keep[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    keep
}

/// Whether `phrase` stands at the start of `words`.
fn phrase_matches(
    phrase: &[&str],
    phrase_skeletons: &[String],
    words: &[String],
    skeletons: &[OnceCell<String>],
) -> bool {
    phrase.len() <= words.len()
        && phrase
            .iter()
            .zip(words.iter().zip(skeletons))
            .zip(phrase_skeletons)
            .all(|((p, (w, s)), p_skeleton)| {
                w == p || (p.len() >= 5 && similar_spelling(p, p_skeleton, w, s))
            })
}

/// Whether `word` (with its skeleton, computed if needed) is `form` spelt another way:
/// the same skeleton or one edit away. The first letters must agree, which spares
/// computing most skeletons.
fn similar_spelling(
    form: &str,
    form_skeleton: &str,
    word: &str,
    word_skeleton: &OnceCell<String>,
) -> bool {
    word.len() >= 5
        && form.as_bytes().first() == word.as_bytes().first()
        && (within_one_edit(form.as_bytes(), word.as_bytes())
            || form_skeleton == word_skeleton.get_or_init(|| skeleton(word)))
}

/// The [`skeleton`] of each legal-form qualifier, in table order: computed once, not
/// for every word compared with them.
fn qualifier_skeletons() -> &'static [String] {
    static SKELETONS: OnceLock<Vec<String>> = OnceLock::new();
    SKELETONS.get_or_init(|| LEGAL_FORM_QUALIFIERS.iter().map(|q| skeleton(q)).collect())
}

/// The [`skeleton`] of each word of each legal-form phrase, in table order.
fn phrase_skeletons() -> &'static [Vec<String>] {
    static SKELETONS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    SKELETONS.get_or_init(|| {
        LEGAL_FORM_PHRASES
            .iter()
            .map(|phrase| phrase.iter().map(|w| skeleton(w)).collect())
            .collect()
    })
}

/// The skeleton of a word: a key independent of how a Cyrillic (or other) name was
/// written in Latin letters.
///
/// Digraphs become one sound (`shch`/`sch`/`sh` → `S`, `zh` → `Z`, `ch`/`tch` → `C`,
/// `kh` → `h`, `gh` → `g`, `ph` → `f`, `ck` → `k`); `c` and `q` → `k`, `x` → `ks`,
/// `w` → `v`, `y` and `j` → `i`. Then every run of vowels becomes one `a`, a final run
/// of vowels is dropped, and doubled letters are collapsed. Keeping *where* vowels are
/// but not *which* ones absorbs transliteration (`ei`/`ai`/`a`, `iy`/`ii`/`y`) while
/// still telling `trade` from `tired`. Words with digits are kept as they are: numbers
/// must match exactly.
///
/// ```text
/// treid, traid, trade → trad       elektro, electro → alaktr
/// eksport, export     → akspart    yuriy, iurii, jurij → ar
/// ```
pub fn skeleton(word: &str) -> String {
    let b = word.as_bytes();
    if b.iter().any(u8::is_ascii_digit) {
        return word.to_owned();
    }
    // One pass: each sound goes straight to the vowel and doubling rules, and the
    // digraphs are told apart by their first letter.
    let mut out = String::with_capacity(b.len() + 2);
    let mut vowel_pending = false;
    let mut i = 0;
    while let Some(&first) = b.get(i) {
        let rest = &b[i..];
        let (sound, used): (&[u8], usize) = match first {
            b's' if rest.starts_with(b"shch") => (b"S", 4),
            b's' if rest.starts_with(b"sch") => (b"S", 3),
            b's' if rest.starts_with(b"sh") => (b"S", 2),
            b't' if rest.starts_with(b"tch") => (b"C", 3),
            b'z' if rest.starts_with(b"zh") => (b"Z", 2),
            b'c' if rest.starts_with(b"ch") => (b"C", 2),
            b'k' if rest.starts_with(b"kh") => (b"h", 2),
            b'g' if rest.starts_with(b"gh") => (b"g", 2),
            b'p' if rest.starts_with(b"ph") => (b"f", 2),
            b'c' if rest.starts_with(b"ck") => (b"k", 2),
            b'c' | b'q' => (b"k", 1),
            b'x' => (b"ks", 1),
            b'w' => (b"v", 1),
            b'y' | b'j' => (b"i", 1),
            _ => (&rest[..1], 1),
        };
        for &s in sound {
            push_sound(&mut out, &mut vowel_pending, s);
        }
        i += used;
    }
    if out.is_empty() && vowel_pending {
        out.push('a');
    }
    out
}

/// Appends one sound of a [`skeleton`]: a vowel only marks that one is pending (a run
/// of them becomes one `a` before the next consonant), a consonant is written unless it
/// repeats the last one written.
fn push_sound(out: &mut String, vowel_pending: &mut bool, s: u8) {
    if matches!(s, b'a' | b'e' | b'i' | b'o' | b'u') {
        *vowel_pending = true;
        return;
    }
    if *vowel_pending {
        out.push('a');
        *vowel_pending = false;
    }
    if out.as_bytes().last() != Some(&s) {
        out.push(s as char);
    }
}

/// A name reduced for equality comparison: its [`tokens`] joined by one space. Two
/// names with the same key denote the same company as far as the name can tell
/// (`Rhein Logistik GmbH` and `RHEIN-LOGISTIK`). `None` for a name with no word that
/// identifies a company (`LLP`, `The Company`, `--`): two such names say nothing about
/// being the same company.
pub fn comparison_key(name: &str) -> Option<String> {
    let all = words(name);
    let keep = identifying(&all);
    let kept: Vec<&str> = all
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(w, _)| w.as_str())
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        for table in [LEGAL_FORM_WORDS, LEGAL_FORM_QUALIFIERS, FILLER_WORDS] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "{table:?}");
        }
        // Phrases are looked up by their first letter.
        assert!(LEGAL_FORM_PHRASES.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            LEGAL_FORM_PHRASES
                .iter()
                .all(|p| p.iter().all(|w| !w.is_empty()))
        );
    }

    #[test]
    fn table_lookups_agree_with_the_library_search() {
        let probes = LEGAL_FORM_WORDS
            .iter()
            .chain(FILLER_WORDS)
            .flat_map(|w| {
                [
                    w.to_string(),
                    format!("{w}a"),
                    w[1..].to_string(),
                    w[..1].to_string(),
                ]
            })
            .chain(["", "zz", "aaa", "zzzzzz", "a"].map(String::from));
        for probe in probes {
            for table in [LEGAL_FORM_WORDS, FILLER_WORDS] {
                assert_eq!(
                    contains(table, &probe),
                    table.binary_search(&probe.as_str()).is_ok(),
                    "{probe}"
                );
            }
        }
    }

    #[test]
    fn case_punctuation_quotes_and_diacritics_go() {
        assert_eq!(
            words("“Inter-Treid Elektro”"),
            ["inter", "treid", "elektro"]
        );
        assert_eq!(words("Müller & Söhne"), ["muller", "sohne"]);
        assert_eq!(words("Xi’an Like Int'l"), ["xian", "like", "intl"]);
        assert_eq!(words("Łódź «Zakład»"), ["lodz", "zaklad"]);
        assert_eq!(words("A.Ş."), ["as"]);
    }

    #[test]
    fn one_letter_runs_are_joined() {
        assert_eq!(words("L.L.C."), ["llc"]);
        assert_eq!(words("O O O Vektor"), ["ooo", "vektor"]);
        // A single letter between words stays (`j sh s` is matched as a phrase).
        assert_eq!(words("J Sh S"), ["j", "sh", "s"]);
    }

    #[test]
    fn cyrillic_and_kazakh_are_transliterated() {
        assert_eq!(
            tokens("ТОО «Интер-Трейд Электро»"),
            ["inter", "treyd", "elektro"]
        );
        assert_eq!(tokens("АҚ Қазақстан Ғылым"), ["qazaqstan", "ghylym"]);
        assert_eq!(tokens("ОсОО «Ак-Суу»"), ["ak", "suu"]);
        assert_eq!(tokens("Ильич Щёлково"), ["ilich", "shchelkovo"]);
        assert_eq!(tokens("ТОВ «Укрнафта»"), ["ukrnafta"]);
    }

    #[test]
    fn legal_forms_go_wherever_they_stand() {
        for name in [
            "Inter-Trade Electro LLP",
            "TOO Inter-Trade Electro",
            "Inter-Trade Electro Limited Liability Partnership",
            "“Inter-Trade Electro” J Sh S",
            "ЖШС «Inter-Trade Electro»",
            "Inter-Trade Electro, L.L.C.",
            "Inter-Trade Electro GmbH & Co. KG",
            "OsOO Inter-Trade Electro",
            "Inter-Trade Electro OOO",
            "AO Inter-Trade Electro",
            "JSC Inter-Trade Electro",
            "Inter-Trade Electro Co., Ltd.",
            "Obshchestvo s Ogranichennoy Otvetstvennostyu Inter-Trade Electro",
            "Tovarishchestvo s ogranichennoi otvetstvennostiu Inter-Trade Electro",
            "Public Joint Stock Company Inter-Trade Electro",
            "Inter-Trade Electro Stock Company Joint Public",
        ] {
            assert_eq!(tokens(name), ["inter", "trade", "electro"], "{name}");
        }
    }

    #[test]
    fn misspelt_long_legal_forms_go_too() {
        assert_eq!(tokens("Cheerway Corpoation"), ["cheerway"]);
        assert_eq!(tokens("Cheerway Corporatsion"), ["cheerway"]);
        assert_eq!(tokens("Onefactor Limited Liablity Company"), ["onefactor"]);
        assert!(within_one_edit(b"comany", b"company"));
        assert!(within_one_edit(b"cmopany", b"company"));
        assert!(!within_one_edit(b"cooperation", b"corporation"));
    }

    #[test]
    fn qualifiers_stay_when_alone() {
        assert_eq!(tokens("Open Systems"), ["open", "systems"]);
        assert_eq!(tokens("Public Bank"), ["public", "bank"]);
        assert_eq!(tokens("Public Joint Stock Bank"), ["bank"]);
    }

    #[test]
    fn a_name_that_is_only_a_legal_form_keeps_its_words() {
        assert_eq!(tokens("The Company"), ["the", "company"]);
        assert_eq!(tokens("Al-Aqsa"), ["aqsa"]);
    }

    #[test]
    fn transliteration_variants_share_a_skeleton() {
        for group in [
            &["treid", "traid", "trade", "treyd"][..],
            &["elektro", "electro"],
            &["eksport", "export"],
            &["yuriy", "iurii", "jurij", "yurij"],
            &["shchelkovo", "schelkovo"],
            &["ogranichennoy", "ogranichennoi"],
            &["muhammad", "mohammad", "mohammed"],
            &["kazakhstan", "kazahstan"],
        ] {
            let s = skeleton(group[0]);
            for w in group {
                assert_eq!(skeleton(w), s, "{w} in {group:?}");
            }
        }
        assert_ne!(skeleton("trade"), skeleton("tired"));
        assert_eq!(skeleton("35th"), "35th");
    }

    /// [`skeleton`] as first written: the sounds of the whole word, then the vowel and
    /// doubling rules over them.
    fn two_step_skeleton(word: &str) -> String {
        let b = word.as_bytes();
        if b.iter().any(u8::is_ascii_digit) {
            return word.to_owned();
        }
        let mut sounds: Vec<u8> = Vec::with_capacity(b.len() + 2);
        let mut i = 0;
        while i < b.len() {
            let rest = &b[i..];
            let (sound, used): (&[u8], usize) = if rest.starts_with(b"shch") {
                (b"S", 4)
            } else if rest.starts_with(b"sch") {
                (b"S", 3)
            } else if rest.starts_with(b"tch") {
                (b"C", 3)
            } else if rest.starts_with(b"sh") {
                (b"S", 2)
            } else if rest.starts_with(b"zh") {
                (b"Z", 2)
            } else if rest.starts_with(b"ch") {
                (b"C", 2)
            } else if rest.starts_with(b"kh") {
                (b"h", 2)
            } else if rest.starts_with(b"gh") {
                (b"g", 2)
            } else if rest.starts_with(b"ph") {
                (b"f", 2)
            } else if rest.starts_with(b"ck") {
                (b"k", 2)
            } else {
                match rest[0] {
                    b'c' | b'q' => (b"k", 1),
                    b'x' => (b"ks", 1),
                    b'w' => (b"v", 1),
                    b'y' | b'j' => (b"i", 1),
                    _ => (&rest[..1], 1),
                }
            };
            sounds.extend_from_slice(sound);
            i += used;
        }
        let mut out = String::with_capacity(sounds.len());
        let mut vowel_pending = false;
        for &s in &sounds {
            if matches!(s, b'a' | b'e' | b'i' | b'o' | b'u') {
                vowel_pending = true;
                continue;
            }
            if vowel_pending {
                out.push('a');
                vowel_pending = false;
            }
            if out.as_bytes().last() != Some(&s) {
                out.push(s as char);
            }
        }
        if out.is_empty() && vowel_pending {
            out.push('a');
        }
        out
    }

    #[test]
    fn the_one_pass_skeleton_is_the_two_step_one() {
        // Every word of up to four letters from those the digraphs, vowels and
        // replacements involve, and some with digits and other scripts.
        let letters = b"acseghkpqtzxwyjohu";
        let mut word = Vec::new();
        let mut todo = vec![Vec::new()];
        while let Some(w) = todo.pop() {
            let text = String::from_utf8(w.clone()).unwrap();
            assert_eq!(skeleton(&text), two_step_skeleton(&text), "{text}");
            if w.len() < 4 {
                for &c in letters {
                    word.clone_from(&w);
                    word.push(c);
                    todo.push(word.clone());
                }
            }
        }
        for text in [
            "shchelkovo",
            "tchaikovsky",
            "35th",
            "Ã\u{83}ã",
            "öö",
            "",
            "e",
        ] {
            assert_eq!(skeleton(text), two_step_skeleton(text), "{text}");
        }
    }

    #[test]
    fn punctuation_joins_are_found() {
        assert_eq!(
            punctuation_joins("Gaz-Oil, OOO"),
            [("gazoil".to_owned(), 3)]
        );
        assert_eq!(
            punctuation_joins("TOO «Inter-Treid Elektro»"),
            [("intertreid".to_owned(), 5)]
        );
        assert!(punctuation_joins("Inter Trade").is_empty());
    }

    #[test]
    fn comparison_keys_ignore_case_punctuation_script_and_legal_form() {
        let key = |name| comparison_key(name).unwrap_or_default();
        assert_eq!(key("Rhein Logistik GmbH"), "rhein logistik");
        assert_eq!(key("RHEIN-LOGISTIK"), "rhein logistik");
        assert_eq!(key("ТОО «Астана Логистик»"), key("Astana Logistik LLP"));
        assert_eq!(key("TOO «Silk-Route Logistics»"), "silk route logistics");
        assert_ne!(key("Rhein Logistik"), key("Main Logistik"));
    }

    #[test]
    fn a_name_of_legal_forms_only_has_no_comparison_key() {
        assert_eq!(comparison_key("LLP"), None);
        assert_eq!(comparison_key("The Company"), None);
        assert_eq!(comparison_key("--"), None);
    }
}
