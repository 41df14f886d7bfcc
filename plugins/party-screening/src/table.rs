//! The embedded Consolidated Screening List, read in place.
//!
//! `build.rs` turns the CSL JSON into a handful of byte tables (layout in its module
//! documentation) that are `include_bytes!`-ed here, so they sit in the plugin's data
//! segment. Nothing is decoded up front: [`entry`], [`name`] and [`postings`] read the
//! few bytes a lookup needs, with bounds-checked slices, so a fresh instance costs no
//! more than an old one. A corrupt table (impossible short of a build bug) reads as a
//! missing record, never a panic.
//!
//! Why not rkyv or static Rust arrays: rkyv's safe access validates the whole archive
//! first (about 1 ms for 20k records, on every fresh instance), and its unchecked
//! access needs `unsafe`, which the workspace denies; 26k-element Rust array literals
//! make `rustc` slow and the wasm larger than these varint-packed bytes.

use crate::lists::List;
use exportctl_sdk::Country;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/csl_tables.rs"));
}

pub use generated::{
    COUNTS, CSL_ENTRY_COUNT, ENTRY_COUNT, GENERATED_ON, KEY_COUNT, NAME_COUNT, SOURCE,
    UN_GENERATED_ON, UN_SOURCE, WORD_COUNT,
};
use generated::{
    ENTRY_DATA, ENTRY_INDEX, KEY_RADIX, KEYS, LICENCE_POLICIES, LICENCE_REQUIREMENTS, NAME_DATA,
    OFFSET_BITS, POSTINGS, PROGRAMMES, RADIX_BITS, URLS, WORD_DATA,
};

/// Total bytes of the embedded tables (for the README's size accounting and a test).
pub fn embedded_bytes() -> usize {
    [
        ENTRY_INDEX,
        ENTRY_DATA,
        WORD_DATA,
        NAME_DATA,
        KEYS,
        KEY_RADIX,
        POSTINGS,
    ]
    .iter()
    .map(|t| t.len())
    .sum()
}

/// What kind of thing an entry is (`type` in the CSL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The list gives no type (DPL, EL, UVL, MEU, ISN and DTC entries).
    Unspecified,
    /// A company or organisation.
    Entity,
    /// A natural person.
    Individual,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

impl EntryKind {
    fn from_index(i: u8) -> EntryKind {
        match i {
            1 => EntryKind::Entity,
            2 => EntryKind::Individual,
            3 => EntryKind::Vessel,
            4 => EntryKind::Aircraft,
            _ => EntryKind::Unspecified,
        }
    }
}

/// One entry of the list, borrowed from the embedded table.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Position in the CSL file (0-based), stable for one edition.
    pub index: u32,
    /// The list it is on.
    pub list: List,
    /// Entity, individual, vessel, aircraft or unspecified.
    pub kind: EntryKind,
    /// Countries of its addresses (ISO alpha-2), possibly none.
    pub countries: Vec<Country>,
    /// The list's entry number (`entity_number`), when it has one.
    pub entity_number: Option<&'static str>,
    /// Sanctions programmes (`programs`), e.g. `RUSSIA-EO14024`; for a UN entry its regime
    /// code (`DPRK`, see [`crate::un_regimes`]).
    pub programmes: Option<&'static str>,
    /// The Entity List's licence requirement for this entry.
    pub licence_requirement: Option<&'static str>,
    /// The Entity List's licence review policy for this entry.
    pub licence_policy: Option<&'static str>,
    /// The source list's URL.
    pub url: Option<&'static str>,
    /// The Federal Register notice(s) that listed it; for a UN entry its UN listing
    /// date (`LISTED_ON`, `YYYY-MM-DD`).
    pub federal_register: Option<&'static str>,
    /// Its names: the list name first, then alternative names.
    names: &'static [u8],
}

impl Entry {
    /// Name number `variant`: 0 is the list name, 1.. the alternative names.
    pub fn name(&self, variant: u32) -> Option<&'static str> {
        let mut r = Reader::new(self.names);
        let count = r.varint()?;
        if variant >= count {
            return None;
        }
        for _ in 0..variant {
            r.str()?;
        }
        r.str()
    }

    /// The list name.
    pub fn primary_name(&self) -> &'static str {
        self.name(0).unwrap_or("")
    }
}

impl Entry {
    /// An entry as the table would read it, for tests of what is computed from
    /// one (its names laid out as in `entry_data.bin`).
    #[cfg(test)]
    pub(crate) fn for_test(
        index: u32,
        list: List,
        kind: EntryKind,
        countries: Vec<Country>,
        entity_number: Option<&'static str>,
        programmes: Option<&'static str>,
        names: &[&str],
    ) -> Entry {
        fn varint(out: &mut Vec<u8>, mut n: usize) {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    return;
                }
                out.push(byte | 0x80);
            }
        }
        let mut bytes = Vec::new();
        varint(&mut bytes, names.len());
        for name in names {
            varint(&mut bytes, name.len());
            bytes.extend_from_slice(name.as_bytes());
        }
        Entry {
            index,
            list,
            kind,
            countries,
            entity_number,
            programmes,
            licence_requirement: None,
            licence_policy: None,
            url: None,
            federal_register: None,
            names: Vec::leak(bytes),
        }
    }
}

/// The entry at `index`, or `None` past the end.
pub fn entry(index: u32) -> Option<Entry> {
    let start = u32_at(ENTRY_INDEX, index as usize)? as usize;
    let end = u32_at(ENTRY_INDEX, index as usize + 1)? as usize;
    let mut r = Reader::new(ENTRY_DATA.get(start..end)?);
    let list = List::from_index(r.u8()?)?;
    let kind = EntryKind::from_index(r.u8()?);
    let n_countries = r.u8()?;
    let mut countries = Vec::with_capacity(n_countries as usize);
    for _ in 0..n_countries {
        let code = r.bytes(2)?;
        countries.push(Country::from_bytes([*code.first()?, *code.get(1)?]));
    }
    let entity_number = r.str().filter(|s| !s.is_empty());
    let programmes = table(PROGRAMMES, r.varint()?);
    let licence_requirement = table(LICENCE_REQUIREMENTS, r.varint()?);
    let licence_policy = table(LICENCE_POLICIES, r.varint()?);
    let url = table(URLS, r.varint()?);
    let federal_register = r.str().filter(|s| !s.is_empty());
    Some(Entry {
        index,
        list,
        kind,
        countries,
        entity_number,
        programmes,
        licence_requirement,
        licence_policy,
        url,
        federal_register,
        names: r.rest(),
    })
}

/// A string table entry by its stored number (index + 1; 0 means none).
fn table(t: &'static [&'static str], stored: u32) -> Option<&'static str> {
    stored
        .checked_sub(1)
        .and_then(|i| t.get(i as usize))
        .copied()
}

/// One indexed name: a distinct word list of an entry.
#[derive(Debug, Clone, Copy)]
pub struct IndexedName {
    /// The entry it belongs to.
    pub entry: u32,
    /// Which of the entry's names it is (0 = the list name).
    pub variant: u32,
    /// The entry's list.
    pub list: List,
    /// The entry's kind.
    pub kind: EntryKind,
    /// Its words' weights (`u8`, see [`crate::normalize::WEIGHT_SCALE`]), in name order.
    weights: &'static [u8],
    /// The letters of all its words.
    letters: usize,
    words: &'static [u8],
}

impl IndexedName {
    /// The name's words and their weights, in name order.
    pub fn words(&self) -> Words {
        Words {
            r: Reader::new(self.words),
            weights: self.weights.iter(),
        }
    }

    /// The weights of the name's words, in name order, read without its words.
    pub fn weights(&self) -> impl ExactSizeIterator<Item = f32> + Clone + use<> {
        self.weights.iter().map(|&w| weight(w))
    }

    /// [`IndexedName::weights`] as stored, one byte per word (see [`weight`]).
    pub fn stored_weights(&self) -> &'static [u8] {
        self.weights
    }

    /// How many letters the name's words have together.
    pub fn letters(&self) -> usize {
        self.letters
    }
}

/// A stored weight as a number: weights are stored as `weight × WEIGHT_SCALE`, rounded
/// to a byte ([`crate::normalize::WEIGHT_SCALE`]).
pub fn weight(stored: u8) -> f32 {
    f32::from(stored) / crate::normalize::WEIGHT_SCALE
}

/// One word of an indexed name, as the bytes the table holds: normalised words are
/// ASCII, and the matcher compares bytes, so nothing is decoded as UTF-8 per candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListedWord<'a> {
    /// The normalised word.
    pub text: &'a [u8],
    /// Its [`crate::normalize::skeleton`].
    pub skeleton: &'a [u8],
    /// Its weight (inverse document frequency).
    pub weight: f32,
    /// Its offset in the dictionary of shared words, which names the word across all
    /// names; `None` for a word written in place (a word of one name only).
    pub dictionary: Option<u32>,
}

/// Iterator over an indexed name's words.
pub struct Words {
    r: Reader,
    /// The weights of the words not yet read (one per word).
    weights: std::slice::Iter<'static, u8>,
}

impl Iterator for Words {
    type Item = ListedWord<'static>;

    #[inline]
    fn next(&mut self) -> Option<ListedWord<'static>> {
        let weight = weight(*self.weights.next()?);
        let v = self.r.varint()?;
        let (text, skeleton, dictionary) = if v & 1 == 0 {
            let (text, skeleton) = word(v >> 1)?;
            (text, skeleton, Some(v >> 1))
        } else {
            // A word of this name only, written in place.
            let text = self.r.bytes((v >> 1) as usize)?;
            let len = self.r.u8()?;
            (text, self.r.bytes(len as usize)?, None)
        };
        Some(ListedWord {
            text,
            skeleton,
            weight,
            dictionary,
        })
    }
}

/// The dictionary word at byte `offset`: its letters and skeleton.
#[inline]
fn word(offset: u32) -> Option<(&'static [u8], &'static [u8])> {
    let mut r = Reader::new(WORD_DATA.get(offset as usize..)?);
    let len = r.u8()?;
    let text = r.bytes(len as usize)?;
    let len = r.u8()?;
    Some((text, r.bytes(len as usize)?))
}

/// The indexed name at byte `offset` of the name table (as postings give them), or
/// `None` for an offset that is not one.
#[inline]
pub fn name(offset: u32) -> Option<IndexedName> {
    let mut r = Reader::new(NAME_DATA.get(offset as usize..)?);
    let entry = r.varint()?;
    let variant = r.varint()?;
    let list_kind = r.u8()?;
    let count = r.u8()?;
    let letters = r.varint()? as usize;
    let weights = r.bytes(usize::from(count))?;
    Some(IndexedName {
        entry,
        variant,
        list: List::from_index(list_kind & 0x0f)?,
        kind: EntryKind::from_index(list_kind >> 4),
        weights,
        letters,
        words: r.rest(),
    })
}

/// Every indexed name with its offset, in table order (for tests and statistics).
pub fn names() -> impl Iterator<Item = (u32, IndexedName)> {
    let mut offset = 0u32;
    std::iter::from_fn(move || {
        let n = name(offset)?;
        let here = offset;
        let mut words = n.words();
        while words.next().is_some() {}
        let len = n.words.len() - words.r.rest().len();
        let header = NAME_DATA.len() - offset as usize - n.words.len();
        offset = offset.checked_add(u32::try_from(header + len).ok()?)?;
        Some((here, n))
    })
}

/// Where to split `word` if some listed name writes it as two words joined by
/// punctuation (`gazoil` → 3, from `Gaz-Oil`): the length of the first word.
pub fn joined_split(word: &str) -> Option<usize> {
    let hash = crate::normalize::key_hash(crate::normalize::KeyFamily::Joined, word.as_bytes());
    let key = key(hash)?;
    let split = key.value as usize;
    (key.start == key.end && split > 0 && split < word.len()).then_some(split)
}

/// In how many listed names a key occurs (capped at 4,095), read from the key table
/// alone; 0 for a key no listed name has.
pub fn document_frequency(hash: u32) -> u32 {
    key(hash).map_or(0, |k| if k.start < k.end { k.value } else { 0 })
}

/// The names that have key `hash` (ascending offsets), or `None` for a key no listed
/// name has.
pub fn postings(hash: u32) -> Option<Postings> {
    let key = key(hash)?;
    let mut r = Reader::new(POSTINGS.get(key.start..key.end)?);
    let len = r.varint()?;
    Some(Postings { r, len, last: 0 })
}

/// One entry of the key table.
struct Key {
    start: usize,
    end: usize,
    value: u32,
}

/// The key table entry for `hash`: its radix bucket, then a binary search among the
/// few keys in it.
fn key(hash: u32) -> Option<Key> {
    let bucket = (hash >> (32 - RADIX_BITS)) as usize;
    let (mut lo, mut hi) = (
        u32_at(KEY_RADIX, bucket)? as usize,
        u32_at(KEY_RADIX, bucket + 1)? as usize,
    );
    let offset_mask = (1u32 << OFFSET_BITS) - 1;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let h = u32_at(KEYS, 2 * mid)?;
        if h < hash {
            lo = mid + 1;
        } else if h > hash {
            hi = mid;
        } else {
            let packed = u32_at(KEYS, 2 * mid + 1)?;
            let next = u32_at(KEYS, 2 * mid + 3)?;
            return Some(Key {
                start: (packed & offset_mask) as usize,
                end: (next & offset_mask) as usize,
                value: packed >> OFFSET_BITS,
            });
        }
    }
    None
}

/// The offsets of the names with one key; [`Postings::len`] is known before decoding.
pub struct Postings {
    r: Reader,
    len: u32,
    last: u32,
}

impl Postings {
    /// How many names have the key (its document frequency).
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether no name has the key (never true for a stored key).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `(id, weight)` for each of the names, as collecting the iterator would,
    /// in one tight loop: a query reads hundreds of postings.
    pub fn append_to(self, out: &mut Vec<(u32, f32)>, weight: f32) {
        out.reserve(self.len as usize);
        // Through an iterator, so the vector's length stays in a register.
        out.extend(self.map(|id| (id, weight)));
    }
}

impl Iterator for Postings {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let delta = self.r.varint()?;
        self.last = self.last.checked_add(delta)?;
        Some(self.last)
    }
}

/// The `i`-th little-endian `u32` of `bytes`.
fn u32_at(bytes: &[u8], i: usize) -> Option<u32> {
    let b = bytes.get(i.checked_mul(4)?..i.checked_mul(4)?.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

/// A cursor over an embedded byte table.
struct Reader {
    bytes: &'static [u8],
    pos: usize,
}

impl Reader {
    fn new(bytes: &'static [u8]) -> Reader {
        Reader { bytes, pos: 0 }
    }

    fn u8(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// An unsigned LEB128 of at most five bytes (bits past 32 dropped). On a truncated
    /// or overlong one, `None`, past the bytes read.
    #[inline]
    fn varint(&mut self) -> Option<u32> {
        let rest = self.bytes.get(self.pos..)?;
        let mut v: u32 = 0;
        for (k, &b) in rest.iter().take(5).enumerate() {
            v |= u32::from(b & 0x7f) << (7 * k);
            if b & 0x80 == 0 {
                self.pos += k + 1;
                return Some(v);
            }
        }
        self.pos += rest.len().min(5);
        None
    }

    fn bytes(&mut self, len: usize) -> Option<&'static [u8]> {
        let b = self.bytes.get(self.pos..self.pos.checked_add(len)?)?;
        self.pos += len;
        Some(b)
    }

    fn str(&mut self) -> Option<&'static str> {
        let len = self.varint()? as usize;
        std::str::from_utf8(self.bytes(len)?).ok()
    }

    fn rest(&self) -> &'static [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_csl_and_un_files() {
        assert_eq!(CSL_ENTRY_COUNT, 25_921);
        assert_eq!(ENTRY_COUNT, 25_921 + 1_003);
        assert_eq!(COUNTS.iter().sum::<usize>(), ENTRY_COUNT);
        // SOURCE_LISTS order: SDN, EL, DPL, DTC, SSI, UVL, ISN, PLC, MEU, CMIC, NS-MBS, CAP, UN.
        assert_eq!(
            COUNTS,
            [
                19_181, 3_420, 1_596, 787, 286, 222, 161, 78, 70, 68, 51, 1, 1_003
            ]
        );
        assert_eq!(GENERATED_ON, "2026-07-31");
        assert!(SOURCE.contains("25,921 entries"), "{SOURCE}");
        assert!(SOURCE.contains("SDN 19,181"), "{SOURCE}");
        assert!(!SOURCE.contains("UN "), "{SOURCE}");
        assert_eq!(UN_GENERATED_ON, "2026-02-27");
        assert!(UN_SOURCE.contains("1,003 entries"), "{UN_SOURCE}");
    }

    #[test]
    fn un_entries_follow_the_csl_with_regime_and_listing_date() {
        let e = entry(CSL_ENTRY_COUNT as u32).unwrap();
        assert_eq!(e.list, List::Un);
        assert_eq!(e.primary_name(), "ERIC BADEGE");
        assert_eq!(e.entity_number, Some("CDi.001"));
        assert_eq!(e.programmes, Some("DRC"));
        assert_eq!(e.federal_register, Some("2012-12-31"));
        assert!(e.countries.is_empty());
    }

    #[test]
    fn every_entry_reads_back() {
        for i in 0..ENTRY_COUNT as u32 {
            let e = entry(i).unwrap_or_else(|| panic!("entry {i}"));
            assert!(!e.primary_name().is_empty(), "entry {i}");
        }
        assert!(entry(ENTRY_COUNT as u32).is_none());
    }

    #[test]
    fn first_entry_is_the_bank_of_kunlun() {
        let e = entry(0).unwrap();
        assert_eq!(e.primary_name(), "BANK OF KUNLUN CO LTD");
        assert_eq!(e.name(1), Some("KARAMAY URBAN CREDIT COOPERATIVES"));
        assert_eq!(e.name(2), Some("KARAMAY CITY COMMERCIAL BANK CO LTD."));
        assert_eq!(e.name(3), None);
        assert_eq!(e.list, List::Capta);
        assert_eq!(e.kind, EntryKind::Entity);
        assert_eq!(e.countries, vec![Country::from_bytes(*b"CN")]);
        assert_eq!(e.entity_number, Some("15268"));
    }

    #[test]
    fn every_name_reads_back_with_weighted_words() {
        let all: Vec<(u32, IndexedName)> = names().collect();
        assert_eq!(all.len(), NAME_COUNT);
        for (id, n) in all {
            let e = entry(n.entry).unwrap();
            assert_eq!((n.list, n.kind), (e.list, e.kind), "name {id}");
            assert!(entry(n.entry).and_then(|e| e.name(n.variant)).is_some());
            let words: Vec<_> = n.words().collect();
            assert!(!words.is_empty(), "name {id}");
            // The record's letter count, read before its words, is theirs.
            assert_eq!(n.weights().len(), words.len(), "name {id}");
            let letters: usize = words.iter().map(|w| w.text.len()).sum();
            assert_eq!(n.letters(), letters, "name {id}");
            for w in words {
                assert!(!w.text.is_empty() && w.weight > 0.0, "name {id}");
                assert!(w.text.is_ascii(), "name {id}");
                let text = std::str::from_utf8(w.text).unwrap();
                assert_eq!(w.skeleton, crate::normalize::skeleton(text).as_bytes());
            }
        }
    }

    #[test]
    fn postings_are_sorted_and_point_at_names() {
        let hash = crate::normalize::key_hash(crate::normalize::KeyFamily::Word, b"bank");
        let p = postings(hash).unwrap();
        let len = p.len();
        let offsets: Vec<u32> = p.collect();
        assert_eq!(offsets.len() as u32, len);
        assert!(offsets.windows(2).all(|w| w[0] < w[1]));
        let starts: std::collections::BTreeSet<u32> = names().map(|(o, _)| o).collect();
        assert!(offsets.iter().all(|o| starts.contains(o)));
        assert!(
            offsets
                .iter()
                .all(|&o| name(o).unwrap().words().any(|w| w.text == b"bank"))
        );
    }

    #[test]
    fn words_joined_by_punctuation_split_back() {
        assert_eq!(joined_split("gazoil"), Some(3));
        assert_eq!(joined_split("tkomponent"), Some(1));
        assert_eq!(joined_split("intertraid"), Some(5));
        assert_eq!(joined_split("gazprom"), None);
    }

    #[test]
    fn every_key_is_found_through_the_radix_directory() {
        let n = KEYS.len() / 8 - 1;
        assert_eq!(n, KEY_COUNT);
        for i in 0..n {
            let hash = u32_at(KEYS, 2 * i).unwrap();
            let k = key(hash).unwrap_or_else(|| panic!("key {i}"));
            if k.start < k.end {
                let p = postings(hash).unwrap();
                assert_eq!(p.len().min(4095), k.value, "key {i}");
                assert_eq!(document_frequency(hash), k.value);
            } else {
                assert!(k.value > 0, "join key {i} without a split");
            }
        }
    }
}
