//! Prepares the embedded Consolidated Screening List from
//! `policies/data/screening/csl_compact_2026-07-31.json`.
//!
//! The plugin never parses the list at run time. This script reads the JSON once,
//! checks it (entry count, per-list counts, every source list known, every table index
//! in range), normalises every listed name with the same code the plugin uses for
//! party names (`src/normalize.rs`, included by path, over the SDK's `entity_name`), and writes a compact binary
//! layout into `OUT_DIR`, which `src/table.rs` embeds with `include_bytes!`. The bytes
//! land in the wasm data segment: a fresh plugin instance reads them in place and
//! builds nothing.
//!
//! Files written (all integers little-endian; `varint` is unsigned LEB128; `str` is a
//! varint byte length followed by UTF-8):
//!
//! - `entry_index.bin`: `u32` offset of each entry in `entry_data.bin`, plus the end.
//! - `entry_data.bin`: per entry: list `u8` (index into `SOURCE_LISTS`), type `u8`
//!   (index into `ENTRY_TYPES`), country count `u8` and two ASCII bytes each, entity
//!   number `str`, programmes / licence requirement / licence policy / URL as varint
//!   table index + 1 (0 = none), Federal Register notice `str`, name count varint and
//!   each name `str` (the list name first, then the alternative names).
//! - `word_data.bin`: the dictionary of normalised words that more than
//!   `INLINE_MAX_REFS` indexed names have, most frequent first (so the common ones share a few pages): per word
//!   the word and its skeleton, each as a length `u8` and bytes. A word is referred to
//!   by its byte offset here.
//! - `name_data.bin`: per indexed name: entry varint, which of the entry's names
//!   varint, the entry's list and type as `list | type << 4` (`u8`, so candidates are
//!   filtered without reading the entry), word count `u8`, the letters of all its
//!   words varint and each word's weight `u8` (idf × `WEIGHT_SCALE`) in name order (so
//!   a candidate is weighed without reading its words), then per word a varint `v`: even, `v / 2` is the
//!   word's dictionary offset; odd, the word is written here (a rare word, see
//!   `INLINE_MAX_REFS`): `v / 2` bytes of it, then its skeleton as a length `u8` and
//!   bytes. A name is referred to by its byte offset.
//! - `keys.bin`: `(hash u32, packed u32)` pairs sorted by hash, then a sentinel pair
//!   `(u32::MAX, end of postings)`. The packed word holds the key's postings offset in
//!   its low 20 bits and a value in the high 12: for the name keys of
//!   `normalize::name_keys` their document frequency (capped at 4,095), so weighting a
//!   word reads no postings; for `Joined` keys (neighbouring words a listed name joins
//!   by punctuation, `Gaz-Oil`, hashed as one word `gazoil`) the length of the first
//!   word, with no postings.
//! - `key_radix.bin`: `2^RADIX_BITS + 1` `u32`s: the index of the first pair whose
//!   hash has each value of its top `RADIX_BITS` bits. A lookup reads one directory
//!   entry and searches a handful of neighbouring pairs, touching two or three pages
//!   instead of the twenty a binary search over all keys would.
//! - `postings.bin`: per key: count varint, then the offsets of the names with that
//!   key, ascending, delta-coded as varints.
//! - `csl_tables.rs`: counts, the date, the small string tables and the
//!   `include_bytes!` of the files above.

#[path = "src/normalize.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the build script uses only part of the module"
)]
mod normalize;
#[path = "src/source_lists.rs"]
#[allow(dead_code, reason = "the build script uses only part of the module")]
mod source_lists;
#[path = "src/un_regimes.rs"]
#[allow(dead_code, reason = "the build script uses only part of the module")]
mod un_regimes;

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The list file, relative to this crate's manifest directory.
const LIST: &str = "../../policies/data/screening/csl_compact_2026-07-31.json";

/// The UN Security Council Consolidated List (XML), relative to the manifest directory.
const UN_LIST: &str = "../../policies/data/screening/un_consolidated_2026-02-27.xml";
/// Where the UN publishes that file.
const UN_URL: &str = "https://scsanctions.un.org/resources/xml/en/consolidated.xml";
/// The UN list's code in `source_lists::SOURCE_LISTS`.
const UN_CODE: &str = "UN";

/// The CSL file (compact field names, see its `fieldKey`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CslFile {
    source_generated_at: String,
    entry_count: usize,
    counts_by_source: BTreeMap<String, usize>,
    list_authority: BTreeMap<String, serde_json::Value>,
    field_key: BTreeMap<String, String>,
    tables: Tables,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Tables {
    sources: Vec<String>,
    licence_requirements: Vec<String>,
    licence_policies: Vec<String>,
    programmes: Vec<String>,
    urls: Vec<String>,
}

/// One entry; field names as in the file's `fieldKey`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// name
    n: String,
    /// alt_names
    #[serde(default)]
    a: Vec<String>,
    /// source (index into tables.sources)
    s: usize,
    /// type
    #[serde(default)]
    t: Option<String>,
    /// address countries (ISO-2)
    #[serde(default)]
    c: Vec<String>,
    /// entity_number
    #[serde(default)]
    e: Option<String>,
    /// license_requirement (index into tables.licenceRequirements)
    #[serde(default)]
    lr: Option<usize>,
    /// license_policy (index into tables.licencePolicies)
    #[serde(default)]
    lp: Option<usize>,
    /// programs (index into tables.programmes)
    #[serde(default)]
    pg: Option<usize>,
    /// federal_register_notice
    #[serde(default)]
    fr: Option<String>,
    /// source_list_url (index into tables.urls)
    u: usize,
}

/// Words in at most this many indexed names are written into each of them rather than
/// shared through the dictionary: the copies cost a little space, and a candidate's
/// rare words then sit in its own record instead of on random dictionary pages (each
/// a page fault in a fresh plugin instance).
const INLINE_MAX_REFS: u32 = 3;

/// Bits of a key's second word that hold its postings offset (postings stay under
/// 1 MiB); the other 12 hold its value.
const OFFSET_BITS: u32 = 20;
/// Largest value a key holds: document frequencies are capped here (a word in 4,095
/// of 53,000 names or more is generic whatever its exact count).
const MAX_VALUE: u32 = (1 << (32 - OFFSET_BITS)) - 1;

/// Bits of a key hash that select its bucket in `key_radix.bin`.
const RADIX_BITS: u32 = 12;
/// Buckets of the radix directory.
const RADIX_BUCKETS: usize = 1 << RADIX_BITS;

/// The field keys this script reads; a file with other keys is another format.
const FIELD_KEYS: [&str; 11] = ["n", "a", "s", "t", "c", "e", "lr", "lp", "pg", "fr", "u"];

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let path = manifest_dir.join(LIST);
    println!("cargo:rerun-if-changed={LIST}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/normalize.rs");
    println!("cargo:rerun-if-changed=../../sdk/src/entity_name.rs");
    println!("cargo:rerun-if-changed=src/source_lists.rs");
    println!("cargo:rerun-if-changed=src/un_regimes.rs");
    println!("cargo:rerun-if-changed={UN_LIST}");

    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut file: CslFile =
        serde_json::from_str(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    check(&file).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let csl_entries = file.entries.len();
    let un_path = manifest_dir.join(UN_LIST);
    let un_text = std::fs::read_to_string(&un_path)
        .map_err(|e| format!("cannot read `{}`: {e}", un_path.display()))?;
    let un_date =
        add_un_list(&mut file, &un_text).map_err(|e| format!("`{}`: {e}", un_path.display()))?;
    let lists = check(&file).map_err(|e| format!("`{}` with the UN list: {e}", path.display()))?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    write_table(&file, &lists, csl_entries, &un_date, &out)?;
    Ok(())
}

/// Appends the entries of the UN Security Council Consolidated List to the CSL file's
/// entries, as entries of the source list `UN` (names, type, reference number as entry
/// number, regime as programme, listing date in the notice field). Returns the day the
/// UN list was generated.
///
/// Aliases of low quality (the UN's own grading: too vague to identify a person) are not
/// indexed. Address countries are not taken: the list names countries in words, and a
/// UN match is not lowered by a country the data cannot state reliably.
fn add_un_list(file: &mut CslFile, xml: &str) -> Result<String, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    if root.tag_name().name() != "CONSOLIDATED_LIST" {
        return Err(format!(
            "root element `{}`, not CONSOLIDATED_LIST",
            root.tag_name().name()
        ));
    }
    let generated = root
        .attribute("dateGenerated")
        .and_then(|d| d.get(..10))
        .ok_or("no dateGenerated")?
        .to_owned();
    let source_name = source_lists::SOURCE_LISTS
        .iter()
        .find(|(code, _)| *code == UN_CODE)
        .map(|(_, name)| (*name).to_owned())
        .ok_or("the UN list is not in src/source_lists.rs")?;
    let source = file.tables.sources.len();
    file.tables.sources.push(source_name.clone());
    let url = file.tables.urls.len();
    file.tables.urls.push(UN_URL.to_owned());
    file.list_authority.insert(
        source_name.clone(),
        serde_json::Value::String("United Nations Security Council".to_owned()),
    );
    let text_of = |node: roxmltree::Node<'_, '_>, tag: &str| -> Option<String> {
        node.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
    };
    let mut count = 0usize;
    for record in root
        .descendants()
        .filter(|n| n.has_tag_name("INDIVIDUAL") || n.has_tag_name("ENTITY"))
    {
        let individual = record.has_tag_name("INDIVIDUAL");
        let reference =
            text_of(record, "REFERENCE_NUMBER").ok_or("an entry without REFERENCE_NUMBER")?;
        let at = |what: &str| format!("UN entry {reference}: {what}");
        let name = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .filter_map(|tag| text_of(record, tag))
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(at("no name"));
        }
        let code = text_of(record, "UN_LIST_TYPE").ok_or_else(|| at("no UN_LIST_TYPE"))?;
        let regime = un_regimes::regime(&code).ok_or_else(|| {
            at(&format!(
                "unknown regime `{code}`: add its resolutions and measures to src/un_regimes.rs"
            ))
        })?;
        // A date, a few with a time-zone offset (`2015-04-07-04:00`): the day counts.
        let listed_on = text_of(record, "LISTED_ON")
            .and_then(|d| d.get(..10).map(str::to_owned))
            .ok_or_else(|| at("no LISTED_ON"))?;
        let is_date = listed_on.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if !is_date || listed_on > generated {
            return Err(at(&format!(
                "LISTED_ON `{listed_on}` is not a date before the edition"
            )));
        }
        let alias_tag = if individual {
            "INDIVIDUAL_ALIAS"
        } else {
            "ENTITY_ALIAS"
        };
        let mut aliases: Vec<String> = record
            .children()
            .filter(|c| c.has_tag_name(alias_tag))
            .filter(|a| text_of(*a, "QUALITY").as_deref() != Some("Low"))
            .filter_map(|a| text_of(a, "ALIAS_NAME"))
            .collect();
        // `KHATIBA AL-TAWHID WAL-JIHAD (KTJ)`: the name is also written without its
        // bracketed acronym, which a document rarely repeats.
        if let Some((before, _)) = name.split_once('(') {
            let plain = before.trim();
            if !plain.is_empty() && !aliases.iter().any(|a| a == plain) {
                aliases.push(plain.to_owned());
            }
        }
        let programme = match file.tables.programmes.iter().position(|p| p == regime.code) {
            Some(i) => i,
            None => {
                file.tables.programmes.push(regime.code.to_owned());
                file.tables.programmes.len() - 1
            }
        };
        file.entries.push(Entry {
            n: name,
            a: aliases,
            s: source,
            t: Some(if individual { "Individual" } else { "Entity" }.to_owned()),
            c: Vec::new(),
            e: Some(reference),
            lr: None,
            lp: None,
            pg: Some(programme),
            fr: Some(listed_on),
            u: url,
        });
        count += 1;
    }
    if count < 900 {
        return Err(format!(
            "only {count} entries: not the full Consolidated List"
        ));
    }
    file.counts_by_source.insert(source_name, count);
    file.entry_count += count;
    Ok(generated)
}

/// Checks the file's shape and counts; returns each entry's list index.
fn check(file: &CslFile) -> Result<Vec<u8>, String> {
    let keys: BTreeSet<&str> = file.field_key.keys().map(String::as_str).collect();
    if keys != FIELD_KEYS.into_iter().collect() {
        return Err(format!("unexpected fieldKey {keys:?}"));
    }
    if file.entries.len() != file.entry_count {
        return Err(format!(
            "entryCount is {} but the file has {} entries",
            file.entry_count,
            file.entries.len()
        ));
    }
    // Source table index → our list index.
    let mut list_of_source = Vec::new();
    for source in &file.tables.sources {
        let Some(i) = source_lists::SOURCE_LISTS
            .iter()
            .position(|(_, name)| name == source)
        else {
            return Err(format!(
                "unknown source list `{source}`: decide its outcome and legal basis in src/lists.rs and add it to src/source_lists.rs"
            ));
        };
        list_of_source.push(i as u8);
        if !file.list_authority.contains_key(source) {
            return Err(format!("no listAuthority for `{source}`"));
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lists = Vec::with_capacity(file.entries.len());
    for (i, e) in file.entries.iter().enumerate() {
        let at = |what: &str| format!("entry {i} (`{}`): {what}", e.n);
        let source = file
            .tables
            .sources
            .get(e.s)
            .ok_or_else(|| at("source index out of range"))?;
        *counts.entry(source).or_default() += 1;
        lists.push(list_of_source[e.s]);
        if e.n.trim().is_empty() {
            return Err(at("empty name"));
        }
        for (index, len, what) in [
            (
                e.lr,
                file.tables.licence_requirements.len(),
                "licence requirement",
            ),
            (e.lp, file.tables.licence_policies.len(), "licence policy"),
            (e.pg, file.tables.programmes.len(), "programmes"),
            (Some(e.u), file.tables.urls.len(), "url"),
        ] {
            if index.is_some_and(|x| x >= len) {
                return Err(at(&format!("{what} index out of range")));
            }
        }
        if let Some(t) = &e.t
            && (t.is_empty() || !source_lists::ENTRY_TYPES.contains(&t.as_str()))
        {
            return Err(at(&format!("unknown type `{t}`")));
        }
        for c in &e.c {
            country_code(c).map_err(|e| at(&e))?;
        }
        if e.c.len() > 255 || e.a.len() > 10_000 {
            return Err(at("too many countries or names"));
        }
    }
    let expected: BTreeMap<&str, usize> = file
        .counts_by_source
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    if counts != expected {
        return Err(format!(
            "countsBySource {expected:?} does not match the entries {counts:?}"
        ));
    }
    Ok(lists)
}

/// One indexed name: a distinct word list of an entry.
struct IndexedName {
    entry: u32,
    variant: u32,
    /// The entry's list index and type index, as `list | type << 4`.
    list_kind: u8,
    tokens: Vec<String>,
}

fn write_table(
    file: &CslFile,
    lists: &[u8],
    csl_entries: usize,
    un_date: &str,
    out: &Path,
) -> Result<(), Box<dyn Error>> {
    // Entries.
    let mut entry_index = Vec::new();
    let mut entry_data = Vec::new();
    let mut names: Vec<IndexedName> = Vec::new();
    // hash of two words written as one → length of the first (the last one seen wins
    // on a hash collision, which at worst offers a wrong split to score).
    let mut joins: BTreeMap<u32, u8> = BTreeMap::new();
    for (i, e) in file.entries.iter().enumerate() {
        put_u32(&mut entry_index, u32::try_from(entry_data.len())?);
        entry_data.push(lists[i]);
        let t = e.t.as_deref().unwrap_or("");
        let type_index = source_lists::ENTRY_TYPES
            .iter()
            .position(|x| *x == t)
            .unwrap_or(0);
        entry_data.push(u8::try_from(type_index)?);
        let mut countries: Vec<&str> =
            e.c.iter()
                .filter_map(|c| country_code(c).ok().flatten())
                .collect();
        countries.sort_unstable();
        countries.dedup();
        entry_data.push(u8::try_from(countries.len())?);
        for c in countries {
            entry_data.extend_from_slice(c.as_bytes());
        }
        put_str(&mut entry_data, e.e.as_deref().unwrap_or(""));
        for index in [e.pg, e.lr, e.lp, Some(e.u)] {
            put_varint(&mut entry_data, index.map_or(0, |x| x as u32 + 1));
        }
        put_str(&mut entry_data, e.fr.as_deref().unwrap_or(""));
        let all_names: Vec<&String> = std::iter::once(&e.n).chain(&e.a).collect();
        put_varint(&mut entry_data, u32::try_from(all_names.len())?);
        let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
        for (variant, name) in all_names.iter().enumerate() {
            put_str(&mut entry_data, name);
            for (joined, split) in normalize::punctuation_joins(name) {
                if joined.len() >= normalize::JOIN_MIN_LEN && split < 256 {
                    joins.insert(
                        normalize::key_hash(normalize::KeyFamily::Joined, joined.as_bytes()),
                        split as u8,
                    );
                }
            }
            let tokens = normalize::tokens(name);
            if tokens.is_empty() || tokens.len() > 255 || tokens.iter().any(|t| t.len() > 255) {
                continue;
            }
            // Variants that normalise alike (`China Mobile Ltd`, `China Mobile
            // Limited`) are indexed once, under the first of them.
            if seen.insert(tokens.clone()) {
                names.push(IndexedName {
                    entry: u32::try_from(i)?,
                    variant: u32::try_from(variant)?,
                    list_kind: lists[i] | u8::try_from(type_index)? << 4,
                    tokens,
                });
            }
        }
    }
    put_u32(&mut entry_index, u32::try_from(entry_data.len())?);

    // Keys and postings.
    let mut postings: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut word_df: BTreeMap<String, u32> = BTreeMap::new();
    let mut word_refs: BTreeMap<&str, u32> = BTreeMap::new();
    for (id, name) in names.iter().enumerate() {
        let skeletons: Vec<String> = name.tokens.iter().map(|t| normalize::word_key(t)).collect();
        let mut keys = normalize::name_keys(&name.tokens, &skeletons);
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            postings.entry(key).or_default().push(u32::try_from(id)?);
        }
        let distinct: BTreeSet<&String> = skeletons.iter().collect();
        for s in distinct {
            *word_df.entry(s.clone()).or_default() += 1;
        }
        for t in &name.tokens {
            *word_refs.entry(t).or_default() += 1;
        }
    }
    let n_names = u32::try_from(names.len())?;

    // The word dictionary, most frequent first. A rare word (`INLINE_MAX_REFS`) is
    // written into its names instead. Weights are written with the names.
    let weight_of = |w: &str| -> u8 {
        let df = word_df
            .get(&normalize::word_key(w))
            .copied()
            .unwrap_or(1)
            .min(MAX_VALUE);
        (normalize::weight(df, n_names) * normalize::WEIGHT_SCALE)
            .round()
            .clamp(1.0, 255.0) as u8
    };
    let mut words: Vec<(&str, u32)> = word_refs
        .into_iter()
        .filter(|(_, n)| *n > INLINE_MAX_REFS)
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut word_data = Vec::new();
    let mut word_offset: BTreeMap<&str, u32> = BTreeMap::new();
    for (w, _) in &words {
        word_offset.insert(w, u32::try_from(word_data.len())?);
        put_str8(&mut word_data, w)?;
        put_str8(&mut word_data, &normalize::skeleton(w))?;
    }

    // Names, each word as its dictionary offset.
    let mut name_data = Vec::new();
    let mut name_offset: Vec<u32> = Vec::with_capacity(names.len());
    for name in &names {
        name_offset.push(u32::try_from(name_data.len())?);
        put_varint(&mut name_data, name.entry);
        put_varint(&mut name_data, name.variant);
        name_data.push(name.list_kind);
        name_data.push(u8::try_from(name.tokens.len())?);
        let letters: usize = name.tokens.iter().map(String::len).sum();
        put_varint(&mut name_data, u32::try_from(letters)?);
        for t in &name.tokens {
            name_data.push(weight_of(t));
        }
        for t in &name.tokens {
            match word_offset.get(t.as_str()) {
                Some(offset) => put_varint(&mut name_data, offset << 1),
                None => {
                    put_varint(&mut name_data, u32::try_from(t.len())? << 1 | 1);
                    name_data.extend_from_slice(t.as_bytes());
                    put_str8(&mut name_data, &normalize::skeleton(t))?;
                }
            }
        }
    }

    // Keys: (hash, offset and value) pairs sorted by hash, a radix directory over the
    // top bits of the hash, and the postings as delta-coded name offsets. Name keys
    // carry their document frequency, join keys their split and no postings.
    let mut entries: BTreeMap<u32, (Option<&Vec<u32>>, u32)> = BTreeMap::new();
    for (key, ids) in &postings {
        entries.insert(*key, (Some(ids), u32::try_from(ids.len())?.min(MAX_VALUE)));
    }
    for (key, split) in &joins {
        // A join whose hash meets a name key's is dropped: it would only cost a split.
        entries.entry(*key).or_insert((None, u32::from(*split)));
    }
    let mut keys = Vec::new();
    let mut posting_data = Vec::new();
    let mut per_bucket = vec![0u32; RADIX_BUCKETS];
    for (key, (ids, value)) in &entries {
        put_u32(&mut keys, *key);
        put_u32(&mut keys, pack(posting_data.len(), *value)?);
        if let Some(ids) = ids {
            put_varint(&mut posting_data, u32::try_from(ids.len())?);
            let mut last = 0;
            for &id in *ids {
                let offset = name_offset[id as usize];
                put_varint(&mut posting_data, offset - last);
                last = offset;
            }
        }
        per_bucket[(*key >> (32 - RADIX_BITS)) as usize] += 1;
    }
    // The end of the last postings list, as a sentinel pair.
    put_u32(&mut keys, u32::MAX);
    put_u32(&mut keys, pack(posting_data.len(), 0)?);
    let mut key_radix = Vec::new();
    let mut first = 0u32;
    put_u32(&mut key_radix, first);
    for count in per_bucket {
        first += count;
        put_u32(&mut key_radix, first);
    }

    let files: [(&str, &[u8]); 6] = [
        ("entry_index.bin", &entry_index),
        ("entry_data.bin", &entry_data),
        ("word_data.bin", &word_data),
        ("name_data.bin", &name_data),
        ("keys.bin", &keys),
        ("key_radix.bin", &key_radix),
    ];
    let files: Vec<(&str, &[u8])> = files
        .into_iter()
        .chain(std::iter::once(("postings.bin", posting_data.as_slice())))
        .collect();
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes)?;
    }

    // Counts per list, in SOURCE_LISTS order.
    let mut counts = [0usize; source_lists::SOURCE_LISTS.len()];
    for &l in lists {
        counts[l as usize] += 1;
    }
    let date = file
        .source_generated_at
        .get(..10)
        .ok_or("sourceGeneratedAt is not a date")?;
    let mut rs = String::new();
    writeln!(rs, "// Generated by build.rs from `{LIST}`; do not edit.")?;
    writeln!(
        rs,
        "/// Day the CSL edition was generated (`sourceGeneratedAt`)."
    )?;
    writeln!(rs, "pub const GENERATED_ON: &str = {date:?};")?;
    writeln!(rs, "/// Entries in the embedded list.")?;
    writeln!(rs, "pub const ENTRY_COUNT: usize = {};", file.entries.len())?;
    writeln!(
        rs,
        "/// Distinct names indexed (list names and alternative names)."
    )?;
    writeln!(rs, "pub const NAME_COUNT: usize = {};", names.len())?;
    writeln!(rs, "/// Distinct normalised words of the indexed names.")?;
    writeln!(rs, "pub const WORD_COUNT: usize = {};", words.len())?;
    writeln!(rs, "/// Index keys.")?;
    writeln!(rs, "pub const KEY_COUNT: usize = {};", entries.len())?;
    writeln!(rs, "/// Entries per list, in `SOURCE_LISTS` order.")?;
    writeln!(
        rs,
        "pub const COUNTS: [usize; {}] = {counts:?};",
        counts.len()
    )?;
    writeln!(
        rs,
        "/// The embedded edition, as the policy metadata cites it."
    )?;
    let per_list: Vec<String> = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| source_lists::SOURCE_LISTS[*i].0 != UN_CODE)
        .map(|(i, n)| format!("{} {}", source_lists::SOURCE_LISTS[i].0, thousands(*n)))
        .collect();
    let source = format!(
        "U.S. Consolidated Screening List (Departments of Commerce, State and the Treasury), trade.gov bulk download, generated {date} ({}), {} entries: {}; embedded from policies/data/screening/csl_compact_{date}.json",
        file.source_generated_at,
        thousands(csl_entries),
        per_list.join(", ")
    );
    writeln!(rs, "pub const SOURCE: &str = {source:?};")?;
    let un_count = file.entries.len() - csl_entries;
    writeln!(
        rs,
        "/// Day the UN Security Council Consolidated List was generated (`dateGenerated`)."
    )?;
    writeln!(rs, "pub const UN_GENERATED_ON: &str = {un_date:?};")?;
    writeln!(rs, "/// Entries of the CSL; the UN entries follow them.")?;
    writeln!(rs, "pub const CSL_ENTRY_COUNT: usize = {csl_entries};")?;
    let un_source = format!(
        "UN Security Council Consolidated List ({UN_URL}), generated {un_date}, {} entries; embedded from policies/data/screening/un_consolidated_{un_date}.xml",
        thousands(un_count)
    );
    writeln!(
        rs,
        "/// The embedded UN list, as the policy metadata cites it."
    )?;
    writeln!(rs, "pub const UN_SOURCE: &str = {un_source:?};")?;
    for (name, table) in [
        ("PROGRAMMES", &file.tables.programmes),
        ("LICENCE_REQUIREMENTS", &file.tables.licence_requirements),
        ("LICENCE_POLICIES", &file.tables.licence_policies),
        ("URLS", &file.tables.urls),
    ] {
        writeln!(rs, "/// The CSL file's `tables` entry of the same name.")?;
        writeln!(rs, "pub const {name}: &[&str] = &{table:?};")?;
    }
    writeln!(rs, "/// Bits of a key hash that pick its radix bucket.")?;
    writeln!(rs, "pub const RADIX_BITS: u32 = {RADIX_BITS};")?;
    writeln!(
        rs,
        "/// Bits of a key's packed word that hold its postings offset."
    )?;
    writeln!(rs, "pub const OFFSET_BITS: u32 = {OFFSET_BITS};")?;
    for (name, _) in &files {
        let ident = name.trim_end_matches(".bin").to_uppercase();
        writeln!(rs, "/// `{name}` (layout: build.rs).")?;
        writeln!(
            rs,
            "pub static {ident}: &[u8] = include_bytes!({:?});",
            out.join(name).display().to_string()
        )?;
    }
    std::fs::write(out.join("csl_tables.rs"), rs)?;
    Ok(())
}

/// The ISO alpha-2 code of an address country as the CSL writes it. A few entries use
/// names or regions instead of codes; those with one country are mapped, disputed or
/// multi-country regions (Kashmir, Kafia Kingi, "Commonwealth of Independent States")
/// give no country (`Ok(None)`), so they neither raise nor lower a match. Anything else
/// unexpected fails the build.
fn country_code(c: &str) -> Result<Option<&str>, String> {
    let mapped = match c {
        "TURKIYE" => "TR",
        "PRC" | "REGION: CHINA" => "CN",
        "MACAU" => "MO",
        "MAN, ISLE OF" => "IM",
        "UK" => "GB",
        // The Crimea region of Ukraine (ISO 3166-2 UA-43).
        "CRIMEA (OCCUPIED)" => "UA",
        "REGION: IRAN" => "IR",
        "REGION: RUSSIA" => "RU",
        "REGION: WEST BANK" | "REGION: NORTHERN GAZA" | "REGION: NORTH GAZA" => "PS",
        "REGION: NORTHERN MALI" => "ML",
        "REGION: KASHMIR"
        | "REGION: JAMMU AND KASHMIR"
        | "REGION: KAFIA KINGI"
        | "REGION: COMMONWEALTH OF INDEPENDENT STATES" => return Ok(None),
        code if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) => code,
        other => return Err(format!("unknown address country `{other}`")),
    };
    Ok(Some(mapped))
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A key's second word: the postings offset in the low [`OFFSET_BITS`] bits, the
/// value (document frequency, capped, or join split) above.
fn pack(offset: usize, value: u32) -> Result<u32, String> {
    let offset = u32::try_from(offset).map_err(|e| e.to_string())?;
    if offset >= 1 << OFFSET_BITS || value > MAX_VALUE {
        return Err(format!(
            "key table overflow: postings offset {offset} or value {value} too large"
        ));
    }
    Ok(offset | value << OFFSET_BITS)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str8(out: &mut Vec<u8>, s: &str) -> Result<(), Box<dyn Error>> {
    out.push(u8::try_from(s.len())?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}
