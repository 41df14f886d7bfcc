//! Finding listed names similar to a party name: candidate lookup in the embedded
//! index, then a similarity score per candidate.
//!
//! # Candidates
//!
//! Every listed name is indexed at build time under a few keys ([`name_keys`]): the
//! [`skeleton`] of each word, and the first and last four letters of each long word
//! (a typo rarely hits both). A query looks up the same keys, plus each pair of its
//! neighbouring words written as one and, for a word no listed name has, its splits
//! into two listed words. It does not look up every word: words are taken
//! from the rarest up, until the words found hold at least [`COVER`] of the query's
//! weight. A listed name sharing none of those words lacks most of the query's
//! weight, so it cannot reach a match score; skipping common words ("trading",
//! "technology") keeps the lookup to a few short postings lists instead of thousands
//! of names.
//!
//! # Score
//!
//! [`ListedName::similarity`] is a weighted soft Dice coefficient over words: each
//! query word is paired with its most similar unpaired listed word (1 for
//! equal words, [`SKELETON_SIMILARITY`] for transliteration variants with the same
//! skeleton, the Jaro-Winkler similarity from [`WORD_JW_MIN`] up for a small spelling
//! variant — at most [`max_edits`] Levenshtein edits — and at most
//! [`EXTENSION_SIMILARITY`] for a word that begins or ends with the other and is at
//! least two letters longer, such as `Sibavtoresursika` / `Sibavtoresurs`), and
//!
//! ```text
//! score = Σ similarity × (weight_query + weight_listed) / (Σ weights_query + Σ weights_listed)
//! ```
//!
//! Weights are inverse document frequencies over the listed names, so a shared rare
//! word counts for much, a shared "trading" for little, and every unpaired word on
//! either side pulls the score down. Word order does not matter. When the two names
//! split into a different number of words (`Intertraid` / `Inter-Traid`), the Indel
//! ratio of the names written as one word is used if it is higher ([`COMPACT_MIN`],
//! scaled by [`COMPACT_FACTOR`]); it makes the names the same name only when their
//! letters are as many, give or take one.
//!
//! # Same name
//!
//! A score says how alike two names are; [`Similarity::same_name`] says whether they
//! can be the same name: every distinctive word ([`DISTINCTIVE_WEIGHT`]) of the name
//! with fewer words pairs with a word of the other at [`SAME_WORD_MIN`] or more. A word
//! that merely begins with a listed word (`Mikroelement` / `Mikroem`,
//! `Alfakomponentnova` / `Alfakomponent`) never does, so such a name can be a possible
//! match (review), never a strong one.
//!
//! [`name_keys`]: crate::normalize::name_keys
//! [`skeleton`]: crate::normalize::skeleton

use crate::normalize;
use crate::table::{self, ListedWord};
use rapidfuzz::distance::jaro_winkler;

/// Share of a query's weight the looked-up words must hold (rarest words first).
pub const COVER: f32 = 0.6;
/// Postings lists up to this long are always read, however much weight is covered:
/// they are cheap and add recall for misspelt rare words.
pub const CHEAP_DF: u32 = 64;
/// A word in more listed names than this is not looked up (it is generic), unless no
/// rarer word of the query was.
pub const MAX_DF: u32 = 1500;
/// At most this many candidates are scored per query: those sharing the most
/// weight with it.
pub const MAX_CANDIDATES: usize = 64;
/// Candidates must share at least this share of the key weight the best candidate
/// shares with the query.
pub const RELATIVE_MIN: f32 = 0.35;
/// A word in more listed names than this is not also looked up by its affixes.
pub const AFFIX_WORD_MAX_DF: u32 = 8;
/// An affix key shared by more listed names than this (`-ein`, `-ort`) is not looked
/// up: it says too little about which name a misspelt word belongs to.
pub const AFFIX_MAX_DF: u32 = 300;

/// Similarity of two different words with the same skeleton, at least five letters
/// long each: transliteration variants such as `Treid` / `Trade`.
pub const SKELETON_SIMILARITY: f64 = 0.95;
/// Jaro-Winkler similarity below which two words do not pair at all.
pub const WORD_JW_MIN: f64 = 0.90;
/// Shortest words compared by Jaro-Winkler; shorter ones must be equal.
pub const WORD_JW_MIN_LEN: usize = 4;
/// A pair of different words counts as the same word (a spelling variant) from this
/// similarity; below it, at most as a related word.
pub const SAME_WORD_MIN: f64 = 0.90;
/// Similarity at most of a word that begins or ends with another and is two or more
/// letters longer (`Sibavtoresursika` / `Sibavtoresurs`): a different word with a
/// shared stem, perhaps an evasion, so worth a look, but below [`SAME_WORD_MIN`].
pub const EXTENSION_SIMILARITY: f64 = 0.88;
/// An extension pairs at all only when the shorter word has at least this share of
/// the longer one's letters (`Alfa` is not a form of `Alfakomponent`).
pub const EXTENSION_MIN_SHARE: f64 = 0.75;
/// Words of at least this weight (inverse document frequency; a word in fewer than
/// about 1,600 of the 53,000 listed names) are distinctive: each of them in the name
/// with fewer words must pair as the same word for a strong match.
pub const DISTINCTIVE_WEIGHT: f32 = 3.5;
/// Indel ratio of two names written as one word from which it counts.
pub const COMPACT_MIN: f64 = 0.92;
/// The compact ratio is scaled by this: it knows nothing of word weights.
pub const COMPACT_FACTOR: f64 = 0.97;

/// One word of a query.
struct QueryWord {
    text: String,
    skeleton: String,
    /// The hash of its [`normalize::word_key`].
    key: u32,
    weight: f32,
    df: u32,
    /// Jaro-Winkler against this word, its pattern table built once per query, and
    /// only for a word some listed word gets that far with (most never do).
    jw: std::cell::OnceCell<jaro_winkler::BatchComparator<u8>>,
    /// How often each byte value's class occurs, for [`jw_could_reach`].
    letters: [u8; 37],
}

impl std::fmt::Debug for QueryWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({:.2}, df {})", self.text, self.weight, self.df)
    }
}

/// A party name, normalised and weighted, ready to be looked up.
#[derive(Debug)]
pub struct Query {
    words: Vec<QueryWord>,
    total_weight: f32,
    compact: String,
    /// How often each letter class occurs in `compact`.
    compact_letters: [u16; 37],
}

impl Query {
    /// Prepares `name` for lookup. `None` if nothing of it is left to match (a name of
    /// punctuation only).
    pub fn new(name: &str) -> Option<Query> {
        Query::from_tokens(normalize::tokens(name))
    }

    /// The ways to read `name`: as written and, when a word of it is two words some
    /// listed name joins by punctuation (`gazoil` for `Gaz-Oil`, `alaqsa` for
    /// `Al-Aqsa`), with that word split. Both readings are searched and the better
    /// score counts.
    pub fn readings(name: &str) -> Vec<Query> {
        let Some(plain) = Query::from_tokens(normalize::tokens(name)) else {
            return Vec::new();
        };
        // The split reading is written out only once a word splits: most names have
        // none.
        let mut split: Option<Vec<String>> = None;
        for (k, word) in plain.words.iter().enumerate() {
            match split_joined(word) {
                Some(parts) => split
                    .get_or_insert_with(|| {
                        let before = plain.words.get(..k).unwrap_or_default();
                        let mut split = Vec::with_capacity(plain.words.len() + 1);
                        split.extend(before.iter().map(|w| w.text.clone()));
                        split
                    })
                    .extend(parts),
                None => {
                    if let Some(split) = &mut split {
                        split.push(word.text.clone());
                    }
                }
            }
        }
        let mut readings = vec![plain];
        readings.extend(split.and_then(Query::from_tokens));
        readings
    }

    fn from_tokens(tokens: Vec<String>) -> Option<Query> {
        if tokens.is_empty() {
            return None;
        }
        let n = table::NAME_COUNT as u32;
        let words: Vec<QueryWord> = tokens
            .into_iter()
            .map(|text| {
                let skeleton = normalize::skeleton(&text);
                let key = normalize::word_key_hash(&text, &skeleton);
                let df = table::document_frequency(key);
                // Quantised like the stored weights, so equal words weigh the same on
                // both sides.
                let weight = (normalize::weight(df, n) * normalize::WEIGHT_SCALE)
                    .round()
                    .clamp(1.0, 255.0)
                    / normalize::WEIGHT_SCALE;
                QueryWord {
                    jw: std::cell::OnceCell::new(),
                    letters: letter_counts(&text),
                    text,
                    skeleton,
                    key,
                    weight,
                    df,
                }
            })
            .collect();
        let total_weight = words.iter().map(|w| w.weight).sum();
        let mut compact = String::with_capacity(words.iter().map(|w| w.text.len()).sum());
        compact.extend(words.iter().map(|w| w.text.as_str()));
        let mut compact_letters = [0u16; 37];
        for b in compact.bytes() {
            let c = &mut compact_letters[letter_class(b)];
            *c = c.saturating_add(1);
        }
        Some(Query {
            words,
            total_weight,
            compact,
            compact_letters,
        })
    }

    /// The normalised words, for messages and tests.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| w.text.as_str())
    }
}

/// A word some listed name writes as two words joined by punctuation (`Gaz-Oil`,
/// `T-Komponent`, `Al-Aqsa`), split back into them (`gazoil` → `gaz oil`); an article
/// or legal form among them is dropped as [`normalize::tokens`] would (`alaqsa` →
/// `aqsa`). `None` if no listed name joins such words.
fn split_joined(w: &QueryWord) -> Option<Vec<String>> {
    if w.text.len() < normalize::JOIN_MIN_LEN {
        return None;
    }
    let split = table::joined_split(&w.text)?;
    let (a, b) = (w.text.get(..split)?, w.text.get(split..)?);
    let parts: Vec<String> = [a, b]
        .into_iter()
        .filter(|p| !normalize::is_filler(p) && !normalize::is_legal_form(p))
        .map(str::to_owned)
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// A listed name scored against a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The entry the name belongs to.
    pub entry: u32,
    /// Which of the entry's names (0 = the list name).
    pub variant: u32,
    /// Name similarity, 0 to 1.
    pub score: f64,
    /// Whether the names can be the same name (see [`Similarity::same_name`]).
    pub same_name: bool,
}

/// How alike a query and a listed name are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// The weighted soft Dice coefficient (or compact ratio), 0 to 1.
    pub score: f64,
    /// Whether every distinctive word of the name with fewer words pairs with a word of
    /// the other as the same word (equal, a transliteration or a small spelling
    /// variant), or the names are the same letters split differently. Only such a
    /// match can be strong.
    pub same_name: bool,
}

/// Every listed name scoring at least `min_score` against `query`, best first, one per
/// entry (its best name). `keep` filters names before they are scored.
pub fn search(
    query: &Query,
    min_score: f64,
    keep: impl Fn(&table::IndexedName) -> bool,
) -> Vec<Scored> {
    Searcher::default().search(query, min_score, keep)
}

/// The ids of the listed names worth scoring against `query` (see the module
/// documentation), at most [`MAX_CANDIDATES`], ascending.
pub fn candidates(query: &Query) -> Vec<u32> {
    let mut searcher = Searcher::default();
    searcher.candidates(query);
    searcher.ids
}

/// [`search`] with its buffers kept between queries: screening a party runs one query
/// per name and alias, each scoring dozens of candidates, and allocating afresh for
/// each was a sizeable share of the time.
#[derive(Debug, Clone)]
pub struct Searcher {
    listed: ListedName,
    known: WordScores,
    /// (name id, weight of the query words it shares a key with)
    hits: Hits,
    merged: Vec<(u32, f32)>,
    /// Scratch for merging the runs of `hits`.
    heads: Vec<usize>,
    /// Query words by index, rarest first (the lookup order).
    order: Vec<usize>,
    /// Query words not looked up, by index.
    rest: Vec<usize>,
    /// The candidates of the last query, ascending.
    ids: Vec<u32>,
    joined: String,
}

impl Default for Searcher {
    /// A searcher with room for a typical query, so the buffers are not grown step by
    /// step on each shipment.
    fn default() -> Searcher {
        Searcher {
            listed: ListedName::default(),
            known: WordScores::default(),
            hits: Hits {
                list: Vec::with_capacity(1024),
                ends: Vec::with_capacity(32),
            },
            merged: Vec::with_capacity(512),
            heads: Vec::with_capacity(32),
            order: Vec::with_capacity(8),
            rest: Vec::with_capacity(8),
            ids: Vec::with_capacity(MAX_CANDIDATES),
            joined: String::with_capacity(64),
        }
    }
}

impl Searcher {
    /// [`search`], reusing this searcher's buffers.
    pub fn search(
        &mut self,
        query: &Query,
        min_score: f64,
        keep: impl Fn(&table::IndexedName) -> bool,
    ) -> Vec<Scored> {
        let mut found: Vec<Scored> = Vec::new();
        self.candidates(query);
        self.known.reset(query.words.len());
        for &id in &self.ids {
            let Some(name) = table::name(id) else {
                continue;
            };
            if !keep(&name) {
                continue;
            }
            let listed = &mut self.listed;
            listed.weigh(&name);
            if !listed.bound_reaches(query, min_score) {
                continue;
            }
            listed.read_words(&name);
            let Some(Similarity { score, same_name }) =
                listed.similarity_at_least(query, &mut self.known, min_score)
            else {
                continue;
            };
            match found.iter_mut().find(|s| s.entry == name.entry) {
                Some(s) if (s.same_name, s.score) >= (same_name, score) => {}
                Some(s) => {
                    s.variant = name.variant;
                    s.score = score;
                    s.same_name = same_name;
                }
                None => found.push(Scored {
                    entry: name.entry,
                    variant: name.variant,
                    score,
                    same_name,
                }),
            }
        }
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        found
    }

    /// Fills `ids` with the ids of the listed names worth scoring against `query` (see
    /// the module documentation), at most [`MAX_CANDIDATES`], ascending.
    fn candidates(&mut self, query: &Query) {
        let hits = &mut self.hits;
        hits.list.clear();
        hits.ends.clear();
        self.order.clear();
        self.order.extend(0..query.words.len());
        // Stable, as the sort of the words themselves was: equal frequencies keep
        // name order.
        self.order.sort_by_key(|&i| query.words[i].df);
        let mut covered = 0.0f32;
        self.rest.clear();
        for &i in &self.order {
            let w = &query.words[i];
            let enough = covered >= COVER * query.total_weight;
            if (enough && w.df > CHEAP_DF) || (w.df > MAX_DF && covered > 0.0) {
                self.rest.push(i);
                continue;
            }
            let mut found = hits.extend_key(w.key, w.weight, MAX_DF);
            // Affixes find a word with a typo, which few or no listed names have as such
            // (a typo may land on another word's skeleton: `interuest` ~ `interest`).
            if w.df <= AFFIX_WORD_MAX_DF
                && let Some(affixes) = normalize::affix_keys(&w.text)
            {
                for key in affixes {
                    found |= hits.extend_key(key, w.weight * 0.5, AFFIX_MAX_DF);
                }
            }
            // A word that found nothing covers nothing: names lacking it may still have
            // it misspelt, so the next word must be looked up too.
            if found {
                covered += w.weight;
            }
        }
        // A name written as one word in the list but apart in the query (`Inter Traid` /
        // `Intertraid`): look up each neighbouring pair joined.
        for pair in query.words.windows(2) {
            self.joined.clear();
            self.joined.push_str(&pair[0].text);
            self.joined.push_str(&pair[1].text);
            // Words shorter than a skeleton's minimum are keyed as written.
            let skeleton = if self.joined.len() >= normalize::SKELETON_MIN_LEN {
                normalize::skeleton(&self.joined)
            } else {
                String::new()
            };
            let key = normalize::word_key_hash(&self.joined, &skeleton);
            hits.extend_key(key, pair[0].weight + pair[1].weight, MAX_DF);
        }
        let merged = &mut self.merged;
        if !hits.merge_into(merged, &mut self.heads) {
            // Some name's sum depends on the order its weights are added in: add them in
            // the order sorting all hits leaves them, as the weights were always added.
            hits.list.sort_unstable_by_key(|(id, _)| *id);
            merged.clear();
            for &(id, w) in hits.list.iter() {
                match merged.last_mut() {
                    Some((last, sum)) if *last == id => *sum += w,
                    _ => merged.push((id, w)),
                }
            }
        }
        // Names sharing much less key weight with the query than the best one are
        // leftovers of generic keys and affixes: drop them.
        let best = merged.iter().map(|(_, w)| *w).fold(0.0f32, f32::max);
        merged.retain(|(_, w)| *w >= RELATIVE_MIN * best);
        if merged.len() > MAX_CANDIDATES {
            // Too many: rank by the weight shared with the whole query, so the words not
            // looked up now count for the candidates that have them.
            for w in self
                .rest
                .iter()
                .map(|&i| &query.words[i])
                .filter(|w| w.df <= MAX_DF)
            {
                let Some(postings) = table::postings(w.key) else {
                    continue;
                };
                // Both ascending: one walk through each instead of a binary search per
                // posting (a generic word has a thousand).
                let mut next = merged.iter_mut().peekable();
                for id in postings {
                    while next.next_if(|(m, _)| *m < id).is_some() {}
                    match next.peek_mut() {
                        Some((m, sum)) if *m == id => *sum += w.weight,
                        Some(_) => {}
                        None => break,
                    }
                }
            }
            merged.select_nth_unstable_by(MAX_CANDIDATES, |a, b| b.1.total_cmp(&a.1));
            merged.truncate(MAX_CANDIDATES);
            self.ids.clear();
            self.ids.extend(merged.iter().map(|(id, _)| *id));
            // Ids are distinct: sorting them alone gives the order sorting the pairs by
            // id gave.
            self.ids.sort_unstable();
            return;
        }
        self.ids.clear();
        self.ids.extend(merged.iter().map(|(id, _)| *id));
    }
}

/// The names found under the query's keys, one run per key: each run ascending by name
/// id, as the postings are.
#[derive(Debug, Clone)]
struct Hits {
    /// (name id, weight of the key), run after run.
    list: Vec<(u32, f32)>,
    /// Where each run ends in `list`.
    ends: Vec<usize>,
}

impl Hits {
    /// Appends the names under the key with this hash, each with `weight`; lists
    /// longer than `max_df` (generic keys) are skipped. Returns whether any name was
    /// appended.
    fn extend_key(&mut self, hash: u32, weight: f32, max_df: u32) -> bool {
        match table::postings(hash) {
            Some(postings) if postings.len() <= max_df => {
                postings.append_to(&mut self.list, weight);
                self.ends.push(self.list.len());
                true
            }
            _ => false,
        }
    }

    /// Fills `merged` with each name found and the sum of its hits' weights, ascending
    /// by id, merging the runs as they are summed instead of sorting all hits: a few
    /// sorted lists merge in one pass, while sorting a thousand hits was a tenth of a
    /// query's work. `heads` is scratch.
    ///
    /// Returns `false`, with `merged` unspecified, if the sum of some name's weights in
    /// `f32` could depend on the order they are added in (three or more different
    /// weights whose rounding differs by order): the caller then sums them in the order
    /// sorting leaves them, so every sum is the same to the bit either way.
    fn merge_into(&self, merged: &mut Vec<(u32, f32)>, heads: &mut Vec<usize>) -> bool {
        merged.clear();
        merged.reserve(self.list.len());
        let mut sums = Sums::new(merged);
        let mut start = 0;
        heads.clear();
        for &end in &self.ends {
            heads.push(start);
            start = end;
        }
        match self.ends.as_slice() {
            [] => {}
            [_] => {
                for &(id, w) in &self.list {
                    sums.add(id, w);
                }
            }
            [a_end, b_end] => {
                let mut a = self.list.get(..*a_end).unwrap_or_default();
                let mut b = self.list.get(*a_end..*b_end).unwrap_or_default();
                while let (Some(&x), Some(&y)) = (a.first(), b.first()) {
                    if y.0 < x.0 {
                        sums.add(y.0, y.1);
                        b = &b[1..];
                    } else {
                        sums.add(x.0, x.1);
                        a = &a[1..];
                    }
                }
                for &(id, w) in a.iter().chain(b) {
                    sums.add(id, w);
                }
            }
            _ => loop {
                // The smallest head of all runs (a query has a handful).
                let mut next: Option<(usize, (u32, f32))> = None;
                for (run, (&head, &end)) in heads.iter().zip(&self.ends).enumerate() {
                    if head < end
                        && let Some(&hit) = self.list.get(head)
                        && next.is_none_or(|(_, best)| hit.0 < best.0)
                    {
                        next = Some((run, hit));
                    }
                }
                let Some((run, (id, w))) = next else {
                    break;
                };
                if let Some(head) = heads.get_mut(run) {
                    *head += 1;
                }
                sums.add(id, w);
            },
        }
        sums.finish()
    }
}

/// Sums the weights of each name as hits arrive in ascending id order, checking that
/// each sum would be the same in any order of its weights.
struct Sums<'a> {
    out: &'a mut Vec<(u32, f32)>,
    /// The weights of the name being summed (its first [`ORDER_CHECK_MAX`]).
    weights: [f32; ORDER_CHECK_MAX],
    /// How many weights it has.
    count: usize,
    order_free: bool,
}

impl<'a> Sums<'a> {
    fn new(out: &'a mut Vec<(u32, f32)>) -> Sums<'a> {
        Sums {
            out,
            weights: [0.0; ORDER_CHECK_MAX],
            count: 0,
            order_free: true,
        }
    }

    #[inline]
    fn add(&mut self, id: u32, w: f32) {
        match self.out.last_mut() {
            Some((last, sum)) if *last == id => {
                *sum += w;
                if let Some(slot) = self.weights.get_mut(self.count) {
                    *slot = w;
                }
                self.count += 1;
            }
            _ => {
                self.close();
                self.out.push((id, w));
                self.weights[0] = w;
                self.count = 1;
            }
        }
    }

    /// Checks the name summed last. One or two weights sum the same in any order
    /// (addition commutes).
    fn close(&mut self) {
        if self.count > 2
            && let Some(&(_, sum)) = self.out.last()
        {
            let weights = self.weights.get_mut(..self.count);
            if !weights.is_some_and(|w| sum_is_order_free(w, sum)) {
                self.order_free = false;
            }
        }
    }

    /// Whether every sum is free of the order of its weights.
    fn finish(mut self) -> bool {
        self.close();
        self.order_free
    }
}

/// Most weights of one name whose every order of addition is tried; a name with more
/// (which no query has come near) is summed the old way.
const ORDER_CHECK_MAX: usize = 6;

/// Whether adding `weights` in any order gives `sum` (their sum in this order), to the
/// bit.
fn sum_is_order_free(weights: &mut [f32], sum: f32) -> bool {
    let Some(first) = weights.first().map(|w| w.to_bits()) else {
        return true;
    };
    if weights.iter().all(|w| w.to_bits() == first) {
        // Equal weights: every order adds the same numbers one after the other.
        return true;
    }
    every_order_sums_to(weights, 0, sum.to_bits())
}

/// Whether every order of `w` whose first `fixed` weights are as they are sums to
/// `want` (bits), adding from the first weight on.
fn every_order_sums_to(w: &mut [f32], fixed: usize, want: u32) -> bool {
    if fixed + 1 >= w.len() {
        let sum = w.iter().skip(1).fold(w[0], |sum, &x| sum + x);
        return sum.to_bits() == want;
    }
    for k in fixed..w.len() {
        w.swap(fixed, k);
        let same = every_order_sums_to(w, fixed + 1, want);
        w.swap(fixed, k);
        if !same {
            return false;
        }
    }
    true
}

/// Slots of [`WordScores`]' table (a power of two).
const WORD_SCORE_SLOTS: usize = 256;

/// The similarities of a query's words to the dictionary words of the candidates scored
/// so far. Candidates are found through shared keys, so they share words: almost half
/// the words of a query's candidates are met again, and a word's similarities depend on
/// the query and the word alone.
#[derive(Debug, Clone, Default)]
struct WordScores {
    /// Open addressing by dictionary offset: the query a slot was filled for (see
    /// `query`), the offset, and where the word's row starts in `rows`.
    slots: Vec<(u32, u32, u32)>,
    /// Rows of similarities, one per word, one value per query word.
    rows: Vec<f64>,
    /// Numbers the queries, so starting one clears no slot: a slot of an earlier query
    /// is free.
    query: u32,
    width: usize,
    used: usize,
}

impl WordScores {
    /// Forgets every word, for a query of `width` words.
    fn reset(&mut self, width: usize) {
        if self.slots.is_empty() {
            self.slots = vec![(0, 0, 0); WORD_SCORE_SLOTS];
        }
        self.query = self.query.wrapping_add(1);
        if self.query == 0 {
            // Numbers wrapped: slots of query 0 would look current.
            self.slots.fill((0, 0, 0));
            self.query = 1;
        }
        self.rows.clear();
        self.width = width;
        self.used = 0;
    }

    /// The similarities of `query`'s words to `l`, computed if not known; `None` for a
    /// word of one name only, or once the table is three quarters full.
    fn row(&mut self, query: &Query, l: &ListedWord<'_>) -> Option<&[f64]> {
        let offset = l.dictionary?;
        let mask = WORD_SCORE_SLOTS - 1;
        // Fibonacci hashing: dictionary offsets are clustered.
        let mut slot = (offset.wrapping_mul(0x9e37_79b9) >> 24) as usize & mask;
        let start = loop {
            match self.slots.get(slot) {
                Some(&(q, o, start)) if q == self.query && o == offset => break start as usize,
                Some(&(q, _, _)) if q == self.query => slot = (slot + 1) & mask,
                Some(_) if 4 * self.used < 3 * WORD_SCORE_SLOTS => {
                    let start = self.rows.len();
                    self.rows
                        .extend(query.words.iter().map(|q| word_similarity(q, l)));
                    self.slots[slot] = (self.query, offset, u32::try_from(start).ok()?);
                    self.used += 1;
                    break start;
                }
                _ => return None,
            }
        };
        self.rows.get(start..start + self.width)
    }
}

/// A listed name's words, loaded for scoring (buffers reused across candidates).
#[derive(Debug, Clone)]
pub struct ListedName {
    words: Vec<ListedWord<'static>>,
    /// The words' weights as stored ([`table::weight`]), in name order.
    weights: &'static [u8],
    total_weight: f32,
    compact_len: usize,
    /// Word pairings with a positive similarity: `(similarity, query word, listed word)`.
    pairs: Vec<(f64, usize, usize)>,
    /// Scratch for [`ListedName::bound`].
    heaviest: Vec<u8>,
    compact: Vec<u8>,
}

impl Default for ListedName {
    fn default() -> ListedName {
        ListedName {
            words: Vec::with_capacity(16),
            weights: &[],
            total_weight: 0.0,
            compact_len: 0,
            pairs: Vec::with_capacity(64),
            heaviest: Vec::with_capacity(16),
            compact: Vec::with_capacity(64),
        }
    }
}

impl ListedName {
    /// Loads `name`'s words (text, skeleton and weight, all stored in the table).
    pub fn load(&mut self, name: table::IndexedName) {
        self.weigh(&name);
        self.read_words(&name);
    }

    /// Loads what [`ListedName::bound`] needs, the weights and the length, which the
    /// name's record gives before its words: most candidates go no further.
    pub fn weigh(&mut self, name: &table::IndexedName) {
        self.weights = name.stored_weights();
        self.total_weight = self.weights.iter().map(|&w| table::weight(w)).sum();
        self.compact_len = name.letters();
    }

    /// Loads the words of a name [`ListedName::weigh`] has loaded.
    pub fn read_words(&mut self, name: &table::IndexedName) {
        self.words.clear();
        self.words.extend(name.words());
    }

    /// Builds a listed name from raw text, normalised like the build script does, with
    /// every word weighted 1 (for tests of the scoring alone).
    #[cfg(test)]
    pub fn from_text(text: &str) -> ListedName {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let words: Vec<ListedWord<'static>> = normalize::tokens(text)
            .into_iter()
            .map(|w| ListedWord {
                skeleton: leak(normalize::skeleton(&w)).as_bytes(),
                text: leak(w).as_bytes(),
                weight: 1.0,
                dictionary: None,
            })
            .collect();
        let total_weight = words.len() as f32;
        let compact_len = words.iter().map(|w| w.text.len()).sum();
        // Weight 1, as stored.
        let stored = normalize::WEIGHT_SCALE as u8;
        ListedName {
            weights: Vec::leak(vec![stored; words.len()]),
            words,
            total_weight,
            compact_len,
            ..ListedName::default()
        }
    }

    /// An upper bound of [`ListedName::similarity`] from weights and lengths alone, to
    /// skip a candidate without comparing any letters: at best every query word pairs
    /// perfectly with one of the heaviest listed words; and the compact ratio can reach
    /// at most `2 min / (a + b)` of the two lengths.
    pub fn bound(&mut self, query: &Query) -> f64 {
        let paired = query.words.len().min(self.weights.len());
        let listed_best: f32 = if paired >= self.weights.len() {
            self.total_weight
        } else {
            heaviest_sum(self.weights, paired, &mut self.heaviest)
        };
        let total = f64::from(query.total_weight + self.total_weight);
        let dice = if total > 0.0 {
            f64::from(query.total_weight + listed_best) / total
        } else {
            0.0
        };
        if query.words.len() == self.weights.len() {
            return dice.min(1.0);
        }
        let (a, b) = (query.compact.len(), self.compact_len);
        let compact = 2.0 * a.min(b) as f64 / (a + b).max(1) as f64 * COMPACT_FACTOR;
        dice.max(compact).min(1.0)
    }

    /// Whether [`ListedName::bound`] reaches `min_score`, its weights summed only when
    /// the lengths alone do not tell: a name the query has fewer words than, of about
    /// its letters, has a compact ratio bound as high.
    pub fn bound_reaches(&mut self, query: &Query, min_score: f64) -> bool {
        if query.words.len() >= self.weights.len() {
            // Every listed word can pair: `bound` is the total weight over itself, 1.
            if query.total_weight + self.total_weight > 0.0 {
                return min_score <= 1.0;
            }
        } else if min_score <= 1.0 {
            // `bound` is then at least this (capped at 1).
            let (a, b) = (query.compact.len(), self.compact_len);
            let compact = 2.0 * a.min(b) as f64 / (a + b).max(1) as f64 * COMPACT_FACTOR;
            if compact >= min_score {
                return true;
            }
        }
        self.bound(query) >= min_score
    }

    /// Similarity of `query` and this name (see the module documentation).
    pub fn similarity(&mut self, query: &Query) -> Similarity {
        self.pairs.clear();
        for (j, l) in self.words.iter().enumerate() {
            for (i, q) in query.words.iter().enumerate() {
                let s = word_similarity(q, l);
                if s > 0.0 {
                    self.pairs.push((s, i, j));
                }
            }
        }
        self.score(query)
    }

    /// [`ListedName::similarity`], taking the similarities of dictionary words from
    /// `known` (and adding those it lacks).
    #[cfg(test)]
    fn similarity_with(&mut self, query: &Query, known: &mut WordScores) -> Similarity {
        self.pair_up(query, known);
        self.score(query)
    }

    /// [`ListedName::similarity_with`] if its score reaches `min_score`, else `None`,
    /// found without ranking the pairings when even each query word's best pairing
    /// could not reach it: so it is for almost every candidate.
    fn similarity_at_least(
        &mut self,
        query: &Query,
        known: &mut WordScores,
        min_score: f64,
    ) -> Option<Similarity> {
        self.pair_up(query, known);
        let compact_tried = self.compact_may_count(query);
        let total = f64::from(query.total_weight + self.total_weight);
        if !compact_tried
            && total > 0.0
            && let Some(most) = self.most_paired_weight(query)
            // Without the compact ratio the score is the paired weight over `total`.
            // The margin covers the rounding of summing in another order, many times
            // over.
            && most * (1.0 + 1e-9) / total < min_score
        {
            return None;
        }
        let similarity = self.score_with(query, compact_tried);
        (similarity.score >= min_score).then_some(similarity)
    }

    /// Whether the compact ratio may count for this name: the word counts differ, and
    /// the letter counts are close enough and enough letters are shared for the ratio
    /// to reach [`COMPACT_MIN`]. The ratio is twice the longest common subsequence
    /// over the letters of both, and that subsequence has at most the letters the
    /// names have in common (by letter class); the margin covers the rounding of the
    /// ratio.
    fn compact_may_count(&self, query: &Query) -> bool {
        let (a, b) = (query.compact.len(), self.compact_len);
        if query.words.len() == self.words.len()
            || (2.0 * a.min(b) as f64 / (a + b).max(1) as f64) < COMPACT_MIN
        {
            return false;
        }
        let mut left = query.compact_letters;
        let mut common = 0usize;
        for &byte in self.words.iter().flat_map(|w| w.text) {
            let c = &mut left[letter_class(byte)];
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
        2.0 * common as f64 / (a + b).max(1) as f64 >= COMPACT_MIN - 1e-9
    }

    /// An upper bound of the weight [`ListedName::score`] pairs: each query word pairs
    /// once at most, so at most with its largest term `s × (weight + listed weight)`
    /// (the same products the score sums). `None` for a query of more than sixteen
    /// words.
    fn most_paired_weight(&self, query: &Query) -> Option<f64> {
        let mut best = [0.0f64; 16];
        for &(s, i, j) in &self.pairs {
            let term = s * f64::from(query.words.get(i)?.weight + self.words.get(j)?.weight);
            let b = best.get_mut(i)?;
            *b = b.max(term);
        }
        Some(best.iter().sum())
    }

    /// Collects the word pairings with a positive similarity into `pairs`, the
    /// similarities of dictionary words taken from `known`.
    fn pair_up(&mut self, query: &Query, known: &mut WordScores) {
        self.pairs.clear();
        for (j, l) in self.words.iter().enumerate() {
            match known.row(query, l) {
                Some(row) => {
                    for (i, &s) in row.iter().enumerate() {
                        if s > 0.0 {
                            self.pairs.push((s, i, j));
                        }
                    }
                }
                None => {
                    for (i, q) in query.words.iter().enumerate() {
                        let s = word_similarity(q, l);
                        if s > 0.0 {
                            self.pairs.push((s, i, j));
                        }
                    }
                }
            }
        }
    }

    /// The similarity from the word pairings in `pairs`.
    fn score(&mut self, query: &Query) -> Similarity {
        let compact = self.compact_may_count(query);
        self.score_with(query, compact)
    }

    /// [`ListedName::score`], the compact ratio computed only if `compact` (see
    /// [`ListedName::compact_may_count`]).
    fn score_with(&mut self, query: &Query, compact: bool) -> Similarity {
        // Most similar first; of equally similar pairings, by query word, then listed
        // word (the order a stable sort of the pairings by query word gave).
        self.pairs
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut query_used = 0u64;
        let mut listed_used = 0u64;
        let mut query_same = 0u64;
        let mut listed_same = 0u64;
        let mut matched = 0.0f64;
        for &(s, i, j) in &self.pairs {
            let (qi, lj) = (1u64 << i.min(63), 1u64 << j.min(63));
            if query_used & qi != 0 || listed_used & lj != 0 {
                continue;
            }
            query_used |= qi;
            listed_used |= lj;
            if s >= SAME_WORD_MIN {
                query_same |= qi;
                listed_same |= lj;
            }
            matched += s * f64::from(query.words[i].weight + self.words[j].weight);
        }
        let total = f64::from(query.total_weight + self.total_weight);
        let dice = if total > 0.0 {
            (matched / total).min(1.0)
        } else {
            0.0
        };
        let query_complete =
            || all_distinctive_paired(query.words.iter().map(|w| w.weight), query_same);
        let listed_complete =
            || all_distinctive_paired(self.words.iter().map(|w| w.weight), listed_same);
        let same_name = match query.words.len().cmp(&self.words.len()) {
            std::cmp::Ordering::Less => query_complete(),
            std::cmp::Ordering::Greater => listed_complete(),
            std::cmp::Ordering::Equal => query_complete() && listed_complete(),
        };
        let words = Similarity {
            score: dice,
            same_name,
        };
        // Different word counts: perhaps the same letters split differently. The
        // names are then the same name if their letters are as many, give or take
        // one; a longer name (one more word, or a word extended) keeps the answer of
        // its words.
        if !compact {
            return words;
        }
        let (a, b) = (query.compact.len(), self.compact_len);
        self.compact.clear();
        for w in &self.words {
            self.compact.extend_from_slice(w.text);
        }
        let compact = rapidfuzz::fuzz::ratio(query.compact.bytes(), self.compact.iter().copied());
        if compact >= COMPACT_MIN && compact * COMPACT_FACTOR > dice {
            Similarity {
                score: compact * COMPACT_FACTOR,
                same_name: same_name || a.abs_diff(b) <= 1,
            }
        } else {
            words
        }
    }
}

/// The sum of the `k` heaviest of the stored `weights`, heaviest first (`k` below their
/// number), kept while reading them rather than sorting all: `k` is a query's few
/// words, held on the stack unless there are more than eight (then in `scratch`). They
/// are chosen by their stored bytes, which order them as their values do (equal bytes,
/// equal values).
fn heaviest_sum(weights: &[u8], k: usize, scratch: &mut Vec<u8>) -> f32 {
    let mut small = [0u8; 8];
    let top: &mut [u8] = match small.get_mut(..k) {
        Some(top) => top,
        None => {
            scratch.clear();
            scratch.resize(k, 0);
            scratch
        }
    };
    let mut filled = 0;
    for &w in weights {
        let mut at = if filled < top.len() {
            filled += 1;
            filled - 1
        } else {
            match top.last() {
                Some(&last) if w > last => top.len() - 1,
                _ => continue,
            }
        };
        top[at] = w;
        while at > 0 && top[at] > top[at - 1] {
            top.swap(at, at - 1);
            at -= 1;
        }
    }
    top.iter().take(filled).map(|&w| table::weight(w)).sum()
}

/// Whether every distinctive word (by weight, in name order) is among the `paired`
/// bits; a name with no distinctive word needs every word paired.
fn all_distinctive_paired(weights: impl Iterator<Item = f32> + Clone, paired: u64) -> bool {
    let distinctive = weights.clone().any(|w| w >= DISTINCTIVE_WEIGHT);
    weights
        .enumerate()
        .filter(|(_, w)| !distinctive || *w >= DISTINCTIVE_WEIGHT)
        .all(|(i, _)| paired & (1u64 << i.min(63)) != 0)
}

/// Most Levenshtein edits two words may differ by and still be spelling variants of
/// one word, by the longer word's length: one up to nine letters, two up to fourteen,
/// three from fifteen.
pub fn max_edits(longer: usize) -> usize {
    match longer {
        0..=9 => 1,
        10..=14 => 2,
        _ => 3,
    }
}

/// By how many letters two words with the same skeleton may differ in length and
/// still be transliteration variants: one (`Tekhnologiya` / `Tehnologiia`), two from
/// nine letters (`Khodorkovskiy` / `Hodorkovsky`).
pub fn skeleton_length_slack(shorter: usize) -> usize {
    if shorter >= 9 { 2 } else { 1 }
}

/// Similarity of a query word and a listed word, 0 to 1 (see the module
/// documentation).
fn word_similarity(q: &QueryWord, l: &ListedWord<'_>) -> f64 {
    let text = q.text.as_bytes();
    if same_bytes(text, l.text) {
        return 1.0;
    }
    let shorter = q.text.len().min(l.text.len());
    if shorter < WORD_JW_MIN_LEN {
        return 0.0;
    }
    let longer = q.text.len().max(l.text.len());
    // Words further apart in length than a few edits pair only as an extension, which
    // needs the shorter to have three quarters of the longer's letters: most pairs of
    // unrelated words end here. (Equal skeletons are never that far apart: their slack
    // is within the edits.)
    if longer - shorter > max_edits(longer)
        && (shorter as f64) < EXTENSION_MIN_SHARE * longer as f64
    {
        return 0.0;
    }
    let skeleton = q.skeleton.as_bytes();
    let (short, long, short_skeleton, long_skeleton) = if text.len() <= l.text.len() {
        (text, l.text, skeleton, l.skeleton)
    } else {
        (l.text, text, l.skeleton, skeleton)
    };
    // A longer word built on the other, as written or as pronounced
    // (`Pskovnefteproduktex` / `Pskovnefteproduct`): a related word, never the same.
    let extends =
        |long: &[u8], short: &[u8]| begins_with(long, short) || finishes_with(long, short);
    if longer - shorter >= 2
        && (extends(long, short)
            || (long_skeleton.len() >= short_skeleton.len() + 2
                && extends(long_skeleton, short_skeleton)))
    {
        return if shorter as f64 >= EXTENSION_MIN_SHARE * longer as f64 {
            EXTENSION_SIMILARITY
        } else {
            0.0
        };
    }
    let edits = |max: usize| {
        let args = rapidfuzz::distance::levenshtein::Args::default().score_cutoff(max);
        rapidfuzz::distance::levenshtein::distance_with_args(
            text.iter().copied(),
            l.text.iter().copied(),
            &args,
        )
        .is_some()
    };
    // The same skeleton is a transliteration variant when the lengths agree: a
    // skeleton keeps where vowels are, not which or how many, so `Interrouse` and
    // `Antares`, `Saidaika` and `Sidiki` share one.
    if shorter >= normalize::SKELETON_MIN_LEN
        && same_bytes(skeleton, l.skeleton)
        && longer - shorter <= skeleton_length_slack(shorter)
    {
        return SKELETON_SIMILARITY;
    }
    // Jaro-Winkler rewards a shared beginning however the words go on; only words a
    // few edits apart are spelling variants.
    // Both bounds below come from the letters the words have in common: Jaro counts at
    // most that many matches, and `k` edits leave at least `longer - k` letters in place.
    let max = max_edits(longer);
    if longer - shorter > max {
        return 0.0;
    }
    // At least `longer - max` letters in common, or the words are more edits apart.
    let Some(common) = common_letters(q, l.text, longer - max) else {
        return 0.0;
    };
    if !jw_could_reach(q, l.text, common, WORD_JW_MIN) || !edits(max) {
        return 0.0;
    }
    let args = jaro_winkler::Args::default().score_cutoff(WORD_JW_MIN);
    q.jw.get_or_init(|| jaro_winkler::BatchComparator::new(q.text.bytes()))
        .normalized_similarity_with_args(l.text.iter().copied(), &args)
        .unwrap_or(0.0)
}

/// The letter class of a byte of a normalised word: `a`–`z`, `0`–`9`, anything else.
fn letter_class(b: u8) -> usize {
    match b {
        b'a'..=b'z' => usize::from(b - b'a'),
        b'0'..=b'9' => 26 + usize::from(b - b'0'),
        _ => 36,
    }
}

/// How often each letter class occurs in `word` (saturating).
fn letter_counts(word: &str) -> [u8; 37] {
    let mut counts = [0u8; 37];
    for b in word.bytes() {
        let c = &mut counts[letter_class(b)];
        *c = c.saturating_add(1);
    }
    counts
}

/// How many letters `q` and `listed` have in common, counted with repetition (by
/// letter class), if at least `needed`; `None` as soon as too many letters of `listed`
/// have found no partner for that.
fn common_letters(q: &QueryWord, listed: &[u8], needed: usize) -> Option<usize> {
    let mut left = q.letters;
    let mut common = 0usize;
    let mut spare = listed.len().checked_sub(needed)?;
    for &b in listed {
        let c = &mut left[letter_class(b)];
        if *c > 0 {
            *c -= 1;
            common += 1;
        } else {
            spare = spare.checked_sub(1)?;
        }
    }
    Some(common)
}

/// Whether two byte strings are equal; the first bytes are compared before the rest,
/// as most words compared differ there.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// `long.starts_with(short)`, the first byte compared first.
fn begins_with(long: &[u8], short: &[u8]) -> bool {
    match short.first() {
        None => true,
        Some(first) => long.first() == Some(first) && long.starts_with(short),
    }
}

/// `long.ends_with(short)`, the last byte compared first.
fn finishes_with(long: &[u8], short: &[u8]) -> bool {
    match short.last() {
        None => true,
        Some(last) => long.last() == Some(last) && long.ends_with(short),
    }
}

/// Whether the Jaro-Winkler similarity of `q` and `listed` could reach `min`: an upper
/// bound from the `common` letters they have in common (Jaro counts at most that many
/// matches, with no transpositions) and their common prefix. Spares the full
/// computation for most pairs of unrelated words.
fn jw_could_reach(q: &QueryWord, listed: &[u8], common: usize, min: f64) -> bool {
    if common == 0 {
        return false;
    }
    let (a, b, m) = (q.text.len() as f64, listed.len() as f64, common as f64);
    let jaro = (m / a + m / b + 1.0) / 3.0;
    let prefix = q
        .text
        .bytes()
        .zip(listed.iter().copied())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count() as f64;
    jaro + 0.1 * prefix * (1.0 - jaro) >= min
}

/// Similarity of two normalised words given as text, 0 to 1: [`word_similarity`] for
/// callers without a query (tests, diagnostics).
pub fn text_similarity(a: &str, b: &str) -> f64 {
    let Some(q) = Query::from_tokens(vec![a.to_owned()]) else {
        return 0.0;
    };
    let skeleton = normalize::skeleton(b);
    let l = ListedWord {
        text: b.as_bytes(),
        skeleton: skeleton.as_bytes(),
        weight: 1.0,
        dictionary: None,
    };
    q.words.first().map_or(0.0, |q| word_similarity(q, &l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(query: &str, listed: &str) -> f64 {
        similarity(query, listed).score
    }

    fn similarity(query: &str, listed: &str) -> Similarity {
        let q = Query::new(query).unwrap();
        ListedName::from_text(listed).similarity(&q)
    }

    fn best(query: &str) -> Vec<(String, f64)> {
        let q = Query::new(query).unwrap();
        search(&q, 0.8, |_| true)
            .into_iter()
            .map(|s| {
                let e = table::entry(s.entry).unwrap();
                (e.name(s.variant).unwrap().to_owned(), s.score)
            })
            .collect()
    }

    #[test]
    fn equal_words_and_transliteration_variants() {
        let sim = text_similarity;
        assert_eq!(sim("trade", "trade"), 1.0);
        assert_eq!(sim("treid", "trade"), SKELETON_SIMILARITY);
        assert_eq!(sim("elektro", "electro"), SKELETON_SIMILARITY);
        let jw = sim("electronics", "electronic");
        assert!(jw > 0.95 && jw < 1.0, "{jw}");
        // Short words must be equal: pinyin syllables differ by a vowel.
        assert_eq!(sim("xin", "xun"), 0.0);
        assert_eq!(sim("almaty", "bishkek"), 0.0);
        assert_eq!(sim("trade", "tired"), 0.0);
    }

    #[test]
    fn word_order_and_legal_forms_do_not_matter() {
        assert!(sim("Electro Inter Trade LLP", "TOO Inter-Trade Electro") > 0.999);
        assert!(sim("Inter-Trade Electro, L.L.P.", "Inter-Trade Electro") > 0.999);
    }

    #[test]
    fn unpaired_words_pull_the_score_down() {
        let full = sim("Inter Trade Electro", "Inter Trade Electro");
        let extra = sim("Inter Trade Electro Almaty", "Inter Trade Electro");
        let missing = sim("Inter Electro", "Inter Trade Electro");
        assert!(extra < full && missing < full, "{full} {extra} {missing}");
    }

    #[test]
    fn joined_words_match_through_the_compact_form() {
        let s = sim("Intertraid Electro", "Inter-Traid Electro");
        assert!(s >= 0.95, "{s}");
    }

    #[test]
    fn the_inter_traid_variants_find_each_other_in_the_index() {
        // The four Unverified List spellings of one Kazakh company, plus its Cyrillic
        // name: each finds all four as strong matches on the name alone (before the
        // country raises the score).
        let listed = [
            "Inter-Traid Electro",
            "Inter-Trade Electro LLP",
            "TOO “Inter-Treid Elektro”",
            "“Inter-Treid Elektro” J Sh S",
        ];
        for query in listed.iter().copied().chain(["ТОО «Интер-Трейд Электро»"])
        {
            let found = best(query);
            for name in listed {
                let score = found.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
                assert!(
                    score.is_some_and(|s| s >= crate::settings::DEFAULT_STRONG),
                    "{query} ~ {name}: {score:?} in {found:?}"
                );
            }
        }
    }

    #[test]
    fn candidates_are_few_for_a_distinctive_name() {
        let q = Query::new("Rosoboronexport").unwrap();
        let c = candidates(&q);
        assert!(!c.is_empty() && c.len() < 50, "{}", c.len());
    }

    #[test]
    fn candidates_are_bounded_for_a_generic_name() {
        let q = Query::new("International Trading Company Limited").unwrap();
        assert!(candidates(&q).len() <= MAX_CANDIDATES);
    }

    /// The sums sorting all hits gives, as the candidates were always summed.
    fn sorted_sums(hits: &Hits) -> Vec<(u32, u32)> {
        let mut list = hits.list.clone();
        list.sort_unstable_by_key(|(id, _)| *id);
        let mut merged: Vec<(u32, f32)> = Vec::new();
        for (id, w) in list {
            match merged.last_mut() {
                Some((last, sum)) if *last == id => *sum += w,
                _ => merged.push((id, w)),
            }
        }
        merged
            .into_iter()
            .map(|(id, w)| (id, w.to_bits()))
            .collect()
    }

    #[test]
    fn merging_the_runs_sums_as_sorting_the_hits_does() {
        // Runs like a query's: word weights (twentieths), halves for affixes, sums for
        // joined pairs, over overlapping ascending ids.
        let mut seed = 0x2545_f491_u32;
        let mut next = move |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed % n
        };
        let (mut merged, mut heads) = (Vec::new(), Vec::new());
        let mut order_free = 0;
        for _ in 0..2000 {
            let mut hits = Hits {
                list: Vec::new(),
                ends: Vec::new(),
            };
            for _ in 0..1 + next(7) {
                let base = (next(255) + 1) as f32 / normalize::WEIGHT_SCALE;
                let weight = match next(3) {
                    0 => base,
                    1 => base * 0.5,
                    _ => base + (next(255) + 1) as f32 / normalize::WEIGHT_SCALE,
                };
                let mut id = 0;
                for _ in 0..next(40) {
                    id += next(6);
                    hits.list.push((id, weight));
                }
                hits.ends.push(hits.list.len());
            }
            if hits.merge_into(&mut merged, &mut heads) {
                order_free += 1;
                let got: Vec<(u32, u32)> =
                    merged.iter().map(|&(id, w)| (id, w.to_bits())).collect();
                assert_eq!(got, sorted_sums(&hits));
            }
        }
        assert!(order_free > 500, "{order_free}");
    }

    #[test]
    fn a_sum_that_depends_on_the_order_is_left_to_the_sort() {
        let a = 101.0f32 / normalize::WEIGHT_SCALE;
        let b = 102.0f32 / normalize::WEIGHT_SCALE;
        let c = a * 0.5;
        assert_ne!((a + b + c).to_bits(), (a + c + b).to_bits());
        let hits = Hits {
            list: vec![(7, a), (7, b), (7, c)],
            ends: vec![1, 2, 3],
        };
        let (mut merged, mut heads) = (Vec::new(), Vec::new());
        assert!(!hits.merge_into(&mut merged, &mut heads));
        // Three equal weights, or two, add alike in any order.
        let hits = Hits {
            list: vec![(7, a), (7, a), (7, a), (9, b), (9, c)],
            ends: vec![1, 2, 4, 5],
        };
        assert!(hits.merge_into(&mut merged, &mut heads));
        assert_eq!(merged, [(7, a + a + a), (9, b + c)]);
    }

    #[test]
    fn remembered_word_similarities_score_as_fresh_ones() {
        let mut known = WordScores::default();
        let mut listed = ListedName::default();
        for text in [
            "Inter Treid Elektro",
            "Global Trading Company",
            "Rosoboronesport",
            "Shenzhen Technology",
        ] {
            let q = Query::new(text).unwrap();
            known.reset(q.words.len());
            for id in candidates(&q) {
                listed.load(table::name(id).unwrap());
                let remembered = listed.similarity_with(&q, &mut known);
                let fresh = listed.similarity(&q);
                assert_eq!(remembered, fresh, "{text} ~ {id}");
                for min in [0.0, 0.3, 0.5, 0.72, 0.8, 0.9, 1.0] {
                    assert_eq!(
                        listed.similarity_at_least(&q, &mut known, min),
                        (fresh.score >= min).then_some(fresh),
                        "{text} ~ {id} at {min}"
                    );
                }
            }
            assert!(known.used > 0, "{text}");
        }
    }

    #[test]
    fn the_bound_test_decides_as_the_bound_does() {
        let mut listed = ListedName::default();
        let mut checked = 0;
        for text in [
            "Inter Treid Elektro",
            "Global Trading Company",
            "Rosoboronesport",
            "Shenzhen Technology Import Export",
            "Bank",
        ] {
            let q = Query::new(text).unwrap();
            for id in candidates(&q) {
                listed.weigh(&table::name(id).unwrap());
                let bound = listed.bound(&q);
                for min in [0.0, 0.3, 0.5, 0.72, 0.8, 0.9, 0.97, 1.0, 1.01] {
                    assert_eq!(listed.bound_reaches(&q, min), bound >= min, "{text} {id}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn the_shared_letters_bound_the_compact_ratio() {
        // Queries against names of about their letters: whenever the bound rules the
        // compact ratio out, the ratio is below its minimum.
        let names: Vec<table::IndexedName> = table::names()
            .step_by(53)
            .take(600)
            .map(|(_, n)| n)
            .collect();
        let mut listed = ListedName::default();
        let (mut ruled_out, mut checked) = (0, 0);
        for q in names.iter().step_by(7) {
            let text: Vec<String> = q
                .words()
                .map(|w| String::from_utf8(w.text.to_vec()).unwrap())
                .collect();
            let Some(query) = Query::from_tokens(text) else {
                continue;
            };
            for n in &names {
                listed.load(*n);
                let (a, b) = (query.compact.len(), listed.compact_len);
                if query.words.len() == listed.words.len()
                    || (2.0 * a.min(b) as f64 / (a + b).max(1) as f64) < COMPACT_MIN
                {
                    continue;
                }
                checked += 1;
                if !listed.compact_may_count(&query) {
                    ruled_out += 1;
                    let compact: Vec<u8> =
                        listed.words.iter().flat_map(|w| w.text.to_vec()).collect();
                    let ratio = rapidfuzz::fuzz::ratio(query.compact.bytes(), compact);
                    assert!(ratio < COMPACT_MIN, "{ratio}");
                }
            }
        }
        assert!(checked > 100 && ruled_out > 10, "{checked} {ruled_out}");
    }

    /// [`word_similarity`] as first written, before its shortcuts: what it must agree
    /// with, to the bit.
    fn first_word_similarity(q: &QueryWord, l: &ListedWord<'_>) -> f64 {
        let text = q.text.as_bytes();
        if same_bytes(text, l.text) {
            return 1.0;
        }
        let shorter = q.text.len().min(l.text.len());
        if shorter < WORD_JW_MIN_LEN {
            return 0.0;
        }
        let longer = q.text.len().max(l.text.len());
        let skeleton = q.skeleton.as_bytes();
        let (short, long, short_skeleton, long_skeleton) = if text.len() <= l.text.len() {
            (text, l.text, skeleton, l.skeleton)
        } else {
            (l.text, text, l.skeleton, skeleton)
        };
        // A longer word built on the other, as written or as pronounced
        // (`Pskovnefteproduktex` / `Pskovnefteproduct`): a related word, never the same.
        let extends =
            |long: &[u8], short: &[u8]| begins_with(long, short) || finishes_with(long, short);
        if longer - shorter >= 2
            && (extends(long, short)
                || (long_skeleton.len() >= short_skeleton.len() + 2
                    && extends(long_skeleton, short_skeleton)))
        {
            return if shorter as f64 >= EXTENSION_MIN_SHARE * longer as f64 {
                EXTENSION_SIMILARITY
            } else {
                0.0
            };
        }
        let edits = |max: usize| {
            let args = rapidfuzz::distance::levenshtein::Args::default().score_cutoff(max);
            rapidfuzz::distance::levenshtein::distance_with_args(
                text.iter().copied(),
                l.text.iter().copied(),
                &args,
            )
            .is_some()
        };
        // The same skeleton is a transliteration variant when the lengths agree: a
        // skeleton keeps where vowels are, not which or how many, so `Interrouse` and
        // `Antares`, `Saidaika` and `Sidiki` share one.
        if shorter >= normalize::SKELETON_MIN_LEN
            && same_bytes(skeleton, l.skeleton)
            && longer - shorter <= skeleton_length_slack(shorter)
        {
            return SKELETON_SIMILARITY;
        }
        // Jaro-Winkler rewards a shared beginning however the words go on; only words a
        // few edits apart are spelling variants.
        // Both bounds below come from the letters the words have in common: Jaro counts at
        // most that many matches, and `k` edits leave at least `longer - k` letters in place.
        let max = max_edits(longer);
        if longer - shorter > max {
            return 0.0;
        }
        let common = first_common_letters(q, l.text);
        if !jw_could_reach(q, l.text, common, WORD_JW_MIN) || common + max < longer || !edits(max) {
            return 0.0;
        }
        let args = jaro_winkler::Args::default().score_cutoff(WORD_JW_MIN);
        q.jw.get_or_init(|| jaro_winkler::BatchComparator::new(q.text.bytes()))
            .normalized_similarity_with_args(l.text.iter().copied(), &args)
            .unwrap_or(0.0)
    }

    /// `common_letters` as first written, counting every letter.
    fn first_common_letters(q: &QueryWord, listed: &[u8]) -> usize {
        let mut left = q.letters;
        let mut common = 0usize;
        for &b in listed {
            let c = &mut left[letter_class(b)];
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
        common
    }

    #[test]
    fn word_similarity_agrees_with_its_first_version() {
        // Listed words against words of other names and spellings of them a letter
        // or two away, cut, extended and transliterated.
        let listed: Vec<ListedWord<'static>> = table::names()
            .step_by(11)
            .take(2500)
            .flat_map(|(_, n)| n.words().collect::<Vec<_>>())
            .collect();
        let mut queries: Vec<String> = Vec::new();
        for w in listed.iter().step_by(23) {
            let t = String::from_utf8(w.text.to_vec()).unwrap();
            queries.push(t.clone());
            if t.len() > 3 {
                queries.push(format!("{}{}", &t[..2], &t[3..]));
                queries.push(format!("{}{}{}", &t[..1], &t[2..3], &t[1..2]) + &t[3..]);
                queries.push(t[..t.len() - 2].to_owned());
                queries.push(t[2..].to_owned());
            }
            queries.push(format!("{t}ika"));
            queries.push(t.replace('k', "kh").replace('y', "i").replace("c", "ts"));
        }
        let mut paths = [0usize; 5];
        for text in &queries {
            let Some(q) = Query::from_tokens(vec![text.clone()]) else {
                continue;
            };
            let Some(q) = q.words.first() else {
                continue;
            };
            for l in &listed {
                let (fast, first) = (word_similarity(q, l), first_word_similarity(q, l));
                assert_eq!(fast.to_bits(), first.to_bits(), "{text} ~ {:?}", l.text);
                let path = match first {
                    0.0 => 0,
                    1.0 => 1,
                    SKELETON_SIMILARITY => 2,
                    EXTENSION_SIMILARITY => 3,
                    _ => 4,
                };
                paths[path] += 1;
            }
        }
        assert!(paths.iter().all(|&n| n > 20), "{paths:?}");
    }

    #[test]
    fn a_misspelt_rare_word_is_still_found() {
        // `Rosoboroneksport` without its `k`: another skeleton, found by its prefix key.
        let found = best("Rosoboronesport");
        assert!(
            found
                .iter()
                .any(|(n, s)| n == "ROSOBORONEKSPORT OAO" && *s > 0.9),
            "{found:?}"
        );
    }
}
