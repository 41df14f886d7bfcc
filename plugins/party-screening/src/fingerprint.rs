//! The fingerprint of a list entry: a digest of its data as listed, so that an
//! exemption recorded against the entry lapses when a new list edition changes
//! it, and holds while the entry stays as it was.
//!
//! The digest covers everything the embedded table holds about the entry
//! ([`Entry`]): its list, kind, entry number, names (the list name and every
//! alternative name, in the list's order), address countries, programmes,
//! licence requirement and policy, and Federal Register notice (for a UN entry,
//! its listing date). Not its position in the list file, which moves whenever
//! an entry is added or removed before it, and not the source list's URL, which
//! is the list's, not the entry's. The canonical form is each field as a tag
//! byte, a `u32` little-endian byte length and its UTF-8 bytes, so no two
//! different entries share it; the fingerprint is the lower-case hex SHA-256
//! of it.
//!
//! It is computed for the matched entry of a finding only (a few hundred bytes
//! hashed per finding), rather than stored for every entry at build time,
//! which would add 32 bytes for each of the list's ~26,000 entries to the
//! plugin.

use crate::table::{Entry, EntryKind};
use sha2::{Digest, Sha256};

/// The fingerprint of `entry`: lower-case hex SHA-256 of its canonical form.
pub fn of(entry: &Entry) -> String {
    let mut hash = Sha256::new();
    let mut field = |tag: u8, text: &str| {
        // A string of more than 4 GiB cannot be in a wasm32 plugin's tables.
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        hash.update([tag]);
        hash.update(len.to_le_bytes());
        hash.update(text.as_bytes());
    };
    field(b'l', entry.list.code());
    field(b'k', kind(entry.kind));
    if let Some(number) = entry.entity_number {
        field(b'#', number);
    }
    let mut variant = 0;
    while let Some(name) = entry.name(variant) {
        field(b'n', name);
        variant += 1;
    }
    for country in &entry.countries {
        field(b'c', country.as_str());
    }
    for (tag, text) in [
        (b'p', entry.programmes),
        (b'r', entry.licence_requirement),
        (b'o', entry.licence_policy),
        (b'f', entry.federal_register),
    ] {
        if let Some(text) = text {
            field(tag, text);
        }
    }
    hex(&hash.finalize())
}

fn kind(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Unspecified => "unspecified",
        EntryKind::Entity => "entity",
        EntryKind::Individual => "individual",
        EntryKind::Vessel => "vessel",
        EntryKind::Aircraft => "aircraft",
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::List;
    use crate::table;
    use exportctl_sdk::Country;

    /// An entry as the table would read it from one edition, at `index`.
    fn entry(index: u32, names: &[&str], programmes: Option<&'static str>) -> Entry {
        table::Entry::for_test(
            index,
            List::Sdn,
            EntryKind::Entity,
            vec![Country::parse("RU").unwrap()],
            Some("12345"),
            programmes,
            names,
        )
    }

    #[test]
    fn the_same_entry_in_two_editions_has_the_same_fingerprint() {
        // Two editions place the entry at different positions in the file.
        let old = entry(
            10,
            &["Acme Trading", "Akme Treyding"],
            Some("RUSSIA-EO14024"),
        );
        let new = entry(
            4_711,
            &["Acme Trading", "Akme Treyding"],
            Some("RUSSIA-EO14024"),
        );
        assert_eq!(of(&old), of(&new));
        assert_eq!(of(&old).len(), 64);
        assert!(
            of(&old)
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn a_changed_entry_has_another_fingerprint() {
        let old = entry(
            10,
            &["Acme Trading", "Akme Treyding"],
            Some("RUSSIA-EO14024"),
        );
        for changed in [
            entry(10, &["Acme Trading"], Some("RUSSIA-EO14024")),
            entry(
                10,
                &["Acme Trading", "Akme Treyding", "Acme TD"],
                Some("RUSSIA-EO14024"),
            ),
            entry(
                10,
                &["Acme Trading", "Akme Treyding"],
                Some("RUSSIA-EO14024; CYBER2"),
            ),
            entry(10, &["Acme Trading", "Akme Treyding"], None),
            // Field boundaries count: the same letters split differently.
            entry(
                10,
                &["Acme Tradin", "gAkme Treyding"],
                Some("RUSSIA-EO14024"),
            ),
        ] {
            assert_ne!(of(&old), of(&changed), "{changed:?}");
        }
        let mut moved = old.clone();
        moved.countries = vec![Country::parse("KZ").unwrap()];
        assert_ne!(of(&old), of(&moved));
    }

    #[test]
    fn every_embedded_entry_has_a_fingerprint_of_its_own_data() {
        let first = table::entry(0).unwrap();
        assert_eq!(of(&first), of(&table::entry(0).unwrap()));
        let other = (1..)
            .map_while(table::entry)
            .find(|e| e.primary_name() != first.primary_name())
            .unwrap();
        assert_ne!(of(&first), of(&other));
    }
}
