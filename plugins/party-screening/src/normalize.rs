//! Index keys of names: how the screening index built by `build.rs` and the queries
//! made by the plugin turn a name's words into keys and weights.
//!
//! What a name *is* for matching (transliteration, case, punctuation, legal forms,
//! filler words, the transliteration-independent skeleton of a word) is the SDK's
//! [`exportctl_sdk::entity_name`], the one definition every policy shares. The build
//! script (`build.rs`, which includes this file by path and has the SDK as a
//! build-dependency) and the plugin use the same functions, so a listed name and a
//! party name are reduced in exactly the same way: the index built at compile time and
//! the query made at run time cannot drift apart.

pub use exportctl_sdk::entity_name::{
    JOIN_MIN_LEN, is_filler, is_legal_form, punctuation_joins, skeleton, tokens, within_one_edit,
    words,
};

/// Shortest word compared by its skeleton; shorter words must be equal to match
/// (pinyin syllables such as `xin` / `xun` or `hang` / `hong` differ by one vowel).
pub const SKELETON_MIN_LEN: usize = 5;

/// The index key text of a word: `~` and its [`skeleton`] from [`SKELETON_MIN_LEN`]
/// letters up, the word itself below. Short words would share skeletons with
/// unrelated words (`oil` and `ali` are both `al`) and get their weights; the `~`
/// keeps a skeleton from meeting a short word with the same letters (`banke` and
/// `bank`).
pub fn word_key(word: &str) -> String {
    if word.len() >= SKELETON_MIN_LEN {
        let mut key = String::with_capacity(word.len() + 1);
        key.push('~');
        key.push_str(&skeleton(word));
        key
    } else {
        word.to_owned()
    }
}

/// Families of index keys; the family is hashed in, so a word and an affix with the
/// same letters are different keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    /// The [`word_key`] of one word.
    Word = 1,
    /// The first [`AFFIX_LEN`] letters of a long word: finds a word with a typo after
    /// its start.
    Prefix = 2,
    /// The last [`AFFIX_LEN`] letters of a long word: finds a word with a typo near its
    /// start.
    Suffix = 3,
    /// Two words a listed name joins by punctuation, written as one
    /// ([`punctuation_joins`]).
    Joined = 4,
}

/// Length of the affix keys.
pub const AFFIX_LEN: usize = 4;
/// Words shorter than this get no affix keys.
pub const AFFIX_MIN_WORD: usize = 6;

/// The 32-bit FNV-1a hash of a key. Two different keys may share a hash: their
/// postings are then merged, which only adds candidates, never loses one.
pub fn key_hash(family: KeyFamily, key: &[u8]) -> u32 {
    fnv1a(fnv1a(FNV_OFFSET, &[family as u8]), key)
}

/// [`key_hash`] of the [`word_key`] of `word`, given its [`skeleton`], without writing
/// the key out.
pub fn word_key_hash(word: &str, word_skeleton: &str) -> u32 {
    if word.len() >= SKELETON_MIN_LEN {
        let h = fnv1a(FNV_OFFSET, &[KeyFamily::Word as u8, b'~']);
        fnv1a(h, word_skeleton.as_bytes())
    } else {
        key_hash(KeyFamily::Word, word.as_bytes())
    }
}

/// The FNV-1a offset basis.
const FNV_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1a over `bytes`, continuing from `h`.
fn fnv1a(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Every index key of a name with these words and their [`word_key`]s: the word key
/// of each word and the four-letter prefix and suffix of each word of six letters or
/// more. Keys may repeat; callers deduplicate.
/// Words written together or apart (`Intertraid` / `Inter Traid`) are bridged at query
/// time, by joining and splitting the query's words (`matcher::candidates`), so the
/// index needs no keys for word pairs.
pub fn name_keys(words: &[String], word_keys: &[String]) -> Vec<u32> {
    let mut keys = Vec::with_capacity(words.len() * 3);
    for (word, s) in words.iter().zip(word_keys) {
        keys.push(key_hash(KeyFamily::Word, s.as_bytes()));
        if let Some(affixes) = affix_keys(word) {
            keys.extend(affixes);
        }
    }
    keys
}

/// The prefix and suffix keys of a word long enough to have them.
pub fn affix_keys(word: &str) -> Option<[u32; 2]> {
    let b = word.as_bytes();
    (b.len() >= AFFIX_MIN_WORD).then(|| {
        [
            key_hash(KeyFamily::Prefix, &b[..AFFIX_LEN]),
            key_hash(KeyFamily::Suffix, &b[b.len() - AFFIX_LEN..]),
        ]
    })
}

/// The weight of a word that occurs in `df` of `n` listed names: its inverse document
/// frequency `ln(n / df)`, at least [`MIN_WEIGHT`]. A word no listed name has
/// (`df = 0`) weighs as much as one that occurs once: it is as distinctive as a name
/// word can be.
pub fn weight(df: u32, n: u32) -> f32 {
    let df = df.max(1) as f32;
    ((n.max(1) as f32) / df).ln().max(MIN_WEIGHT)
}

/// The smallest weight a word gets, so very common words still count a little.
pub const MIN_WEIGHT: f32 = 0.5;

/// Weights are stored in one byte: `weight * WEIGHT_SCALE`, rounded.
pub const WEIGHT_SCALE: f32 = 20.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_are_keyed_exactly_long_ones_by_skeleton() {
        assert_eq!(word_key("oil"), "oil");
        assert_eq!(word_key("bank"), "bank");
        assert_eq!(word_key("banke"), "~bank");
        assert_eq!(word_key("treid"), word_key("trade"));
    }

    #[test]
    fn keys_of_a_name() {
        let words: Vec<String> = ["rosoboronexport", "oao"].map(String::from).to_vec();
        let keys: Vec<String> = words.iter().map(|w| word_key(w)).collect();
        let hashes = name_keys(&words, &keys);
        // Word key and two affixes for the long word, the word key for the short one.
        assert_eq!(hashes.len(), 4);
        assert!(hashes.contains(&key_hash(KeyFamily::Prefix, b"roso")));
        assert!(hashes.contains(&key_hash(KeyFamily::Suffix, b"port")));
        assert_ne!(
            key_hash(KeyFamily::Word, b"abc"),
            key_hash(KeyFamily::Prefix, b"abc")
        );
    }

    #[test]
    fn a_word_key_hashes_as_written_out() {
        for word in ["oil", "bank", "banke", "treid", "rosoboronexport", "35th"] {
            assert_eq!(
                word_key_hash(word, &skeleton(word)),
                key_hash(KeyFamily::Word, word_key(word).as_bytes()),
                "{word}"
            );
        }
    }

    #[test]
    fn weights_fall_with_frequency() {
        assert!(weight(1, 50_000) > weight(100, 50_000));
        assert_eq!(weight(0, 50_000), weight(1, 50_000));
        assert_eq!(weight(50_000, 50_000), MIN_WEIGHT);
    }
}
