"""Company names reduced for comparison: the Rust SDK's `entity_name` (the normaliser
`chpl-diversion` and party screening use), so a Python policy and a Rust one agree on
which parties are the same company. A name goes through three steps:

1. every non-ASCII character is transliterated (`transliteration`, the `any_ascii`
   tables: Cyrillic incl. Kazakh and Kyrgyz letters, Armenian, Greek, accented Latin,
   quotes and guillemets), so `ТОО «Шёлковый Путь»` becomes `TOO <<Shelkovyy Put'>>`;
2. lower case; apostrophes are dropped inside words, every other non-alphanumeric
   character separates words, and runs of one-letter words are joined (`L.L.C.` is
   `llc`);
3. legal-form words and phrases (`LLC`, `LLP`, `TOO`, `OsOO`, `OOO`, `GmbH`, `limited
   liability partnership`, ...) and articles are removed: they do not say *which*
   company a name denotes.

Only names written in the scripts of `transliteration` reduce exactly as in Rust; a
character of another script (Chinese, Arabic, ...) is dropped here.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from . import transliteration

# Legal-form words removed wherever they stand (compared exactly, after one-letter words
# are joined). Sorted, for binary search. The same table as the Rust SDK.
LEGAL_FORM_WORDS = (
    "ab", "ag", "ao", "aps", "aq", "as", "asa", "bhd", "bsc", "bv", "cjsc", "co", "company",
    "corp", "corporation", "cv", "dd", "dmcc", "doo", "fgup", "fz", "fzc", "fzco", "fze",
    "fzllc", "gk", "gmbh", "gup", "inc", "incorporated", "joint", "jointstock", "jsc", "jshs",
    "kft", "kg", "kgaa", "kk", "lc", "lda", "liability", "limited", "llc", "llp", "lp", "ltd",
    "ltda", "mbh", "mchj", "mchzh", "mup", "nao", "nv", "nyrt", "oao", "ohg", "ojsc", "ooo",
    "osoo", "oy", "oyj", "pao", "pat", "pjsc", "plc", "pllc", "prat", "psc", "pt", "pte",
    "pty", "pvt", "sa", "sarl", "sas", "sasu", "sdn", "sl", "slu", "snc", "spa", "spol",
    "srl", "sro", "sti", "stock", "tbk", "too", "tov", "ug", "wll", "zao", "zhshs", "zhss",
    "zrt",
)

# Legal-form phrases of several words, removed as a whole; words of five letters or more
# also match a transliteration variant (same skeleton) or a one-letter misspelling.
LEGAL_FORM_PHRASES = (
    ("aktsionerlik", "qogam"),
    ("aktsionernoe", "obshchestvo"),
    ("closed", "joint", "stock", "company"),
    ("federalnoe", "gosudarstvennoe", "unitarnoe", "predpriyatie"),
    ("gesellschaft", "mit", "beschrankter", "haftung"),
    ("gosudarstvennoe", "unitarnoe", "predpriyatie"),
    ("j", "sh", "s"),
    ("joint", "stock", "company"),
    ("kabushiki", "kaisha"),
    ("limited", "liability", "company"),
    ("limited", "liability", "partnership"),
    ("limited", "partnership"),
    ("nepublichnoe", "aktsionernoe", "obshchestvo"),
    ("non", "public", "joint", "stock", "company"),
    ("obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"),
    ("open", "joint", "stock", "company"),
    ("otkrytoe", "aktsionernoe", "obshchestvo"),
    ("private", "joint", "stock", "company"),
    ("private", "limited", "company"),
    ("public", "joint", "stock", "company"),
    ("public", "limited", "company"),
    ("publichnoe", "aktsionernoe", "obshchestvo"),
    ("societe", "a", "responsabilite", "limitee"),
    ("societe", "anonyme"),
    ("sp", "zoo"),
    ("tovarishchestvo", "s", "ogranichennoi", "otvetstvennostiu"),
    ("tovarystvo", "z", "obmezhenoiu", "vidpovidalnistiu"),
    ("zakrytoe", "aktsionernoe", "obshchestvo"),
    ("zh", "sh", "s"),
    ("zhauapkershiligi", "shekteuli", "seriktestik"),
)

# Words that are part of a legal form only next to one (`Public` in `Public Joint Stock
# Company`); alone they stay (`Open Systems`).
LEGAL_FORM_QUALIFIERS = (
    "aktsionernoe", "closed", "nepublichnoe", "non", "obshchestvo", "ogranichennoi",
    "ogranichennoy", "open", "otkrytoe", "otvetstvennostiu", "otvetstvennostyu", "private",
    "public", "publichnoe", "s", "tovarishchestvo", "zakrytoe",
)

# Articles and connectives: they carry no identity.
FILLER_WORDS = ("al", "and", "de", "der", "des", "du", "el", "for", "la", "le", "of", "the", "und")

# Long legal-form words also removed when misspelt by one letter (`corpoation`).
LONG_LEGAL_FORM_WORDS = ("company", "corporation", "incorporated", "liability", "limited", "partnership")


def _in_sorted(table: tuple[str, ...], word: str) -> bool:
    i = bisect_left(table, word)
    return i < len(table) and table[i] == word


def within_one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by at most one insertion, deletion, substitution or swap of
    neighbouring letters."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(long_) - len(short) > 1:
        return False
    common = 0
    while common < len(short) and short[common] == long_[common]:
        common += 1
    if common == len(short):
        return True
    s, l = short[common:], long_[common:]
    if len(short) == len(long_):
        return s[1:] == l[1:] or (len(s) >= 2 and s[0] == l[1] and s[1] == l[0] and s[2:] == l[2:])
    return s == l[1:]


def is_legal_form(word: str) -> bool:
    """Whether `word` is a legal-form word, or within one edit of a long one."""
    return _in_sorted(LEGAL_FORM_WORDS, word) or (
        len(word) >= 6 and any(within_one_edit(word, form) for form in LONG_LEGAL_FORM_WORDS)
    )


def _ascii_name_char(text: list[str], c: str) -> None:
    # Letters and digits lower-cased, apostrophes dropped (`Xi'an` is `xian`), anything
    # else separates words.
    if "a" <= c <= "z" or "0" <= c <= "9":
        text.append(c)
    elif "A" <= c <= "Z":
        text.append(c.lower())
    elif c in "'`":
        pass
    else:
        text.append(" ")


def words(name: str) -> list[str]:
    """The transliterated, lower-case words of `name`, before legal forms are removed;
    runs of one-letter words are joined."""
    text: list[str] = []
    for c in name:
        for b in transliteration.char(c):
            _ascii_name_char(text, b)
    out: list[str] = []
    letters = ""
    for word in "".join(text).split():
        if len(word) == 1 and word.isalpha():
            letters += word
            continue
        if letters:
            out.append(letters)
            letters = ""
        out.append(word)
    if letters:
        out.append(letters)
    return out


def skeleton(word: str) -> str:
    """A key independent of how a Cyrillic name was written in Latin letters: digraphs
    become one sound, vowel runs one `a` (a final run dropped), doubled letters one."""
    if any(c.isdigit() for c in word):
        return word
    digraphs = (
        ("shch", "S"), ("sch", "S"), ("tch", "C"), ("sh", "S"), ("zh", "Z"), ("ch", "C"),
        ("kh", "h"), ("gh", "g"), ("ph", "f"), ("ck", "k"),
    )
    singles = {"c": "k", "q": "k", "x": "ks", "w": "v", "y": "i", "j": "i"}
    sounds: list[str] = []
    i = 0
    while i < len(word):
        for written, sound in digraphs:
            if word.startswith(written, i):
                sounds.append(sound)
                i += len(written)
                break
        else:
            sounds.append(singles.get(word[i], word[i]))
            i += 1
    out = ""
    vowel_pending = False
    for s in "".join(sounds):
        if s in "aeiou":
            vowel_pending = True
            continue
        if vowel_pending:
            out += "a"
            vowel_pending = False
        if not out.endswith(s):
            out += s
    if not out and vowel_pending:
        out = "a"
    return out


def _similar_spelling(form: str, form_skeleton: str, word: str, word_skeleton: str) -> bool:
    return (
        len(word) >= 5
        and form[:1] == word[:1]
        and (within_one_edit(form, word) or form_skeleton == word_skeleton)
    )


# The skeletons of the table words, computed once (when the component is built).
_QUALIFIERS = tuple((q, skeleton(q)) for q in LEGAL_FORM_QUALIFIERS)
_PHRASES = tuple(tuple((p, skeleton(p)) for p in phrase) for phrase in LEGAL_FORM_PHRASES)


def _is_qualifier(word: str, word_skeleton: str) -> bool:
    return any(
        q == word or (len(q) >= 5 and _similar_spelling(q, q_skeleton, word, word_skeleton))
        for q, q_skeleton in _QUALIFIERS
    )


def _phrase_matches(phrase: tuple[tuple[str, str], ...], rest: list[str], skeletons: list[str]) -> bool:
    return len(phrase) <= len(rest) and all(
        w == p or (len(p) >= 5 and _similar_spelling(p, p_skeleton, w, s))
        for (p, p_skeleton), w, s in zip(phrase, rest, skeletons)
    )


def identifying(all_words: list[str]) -> list[str]:
    """`all_words` without legal forms and filler words; empty when nothing else is left."""
    n = len(all_words)
    keep = [True] * n
    skeletons = [skeleton(w) for w in all_words]
    i = 0
    while i < n:
        lengths = [
            len(p) for p in _PHRASES if _phrase_matches(p, all_words[i:], skeletons[i:])
        ]
        if lengths:
            length = max(lengths)
            for j in range(i, i + length):
                keep[j] = False
            i += length
        else:
            if is_legal_form(all_words[i]) or _in_sorted(FILLER_WORDS, all_words[i]):
                keep[i] = False
            i += 1
    qualifier = [_is_qualifier(w, s) for w, s in zip(all_words, skeletons)]
    # Two or more qualifiers in a row are a legal form in any order.
    for i in range(n):
        run = (i > 0 and qualifier[i - 1]) or (i + 1 < n and qualifier[i + 1])
        if qualifier[i] and run and len(all_words[i]) > 1:
            keep[i] = False
    # Qualifiers next to a removed legal-form word go too, repeatedly.
    changed = True
    while changed:
        changed = False
        for i in range(n):
            next_to_removed = (i > 0 and not keep[i - 1]) or (i + 1 < n and not keep[i + 1])
            if keep[i] and next_to_removed and qualifier[i]:
                keep[i] = False
                changed = True
    return [w for w, k in zip(all_words, keep) if k]


# A pure function of the name: a party's name is reduced once, however many forwarder
# parties it is compared with.
@lru_cache(maxsize=1024)
def comparison_key(name: str) -> str | None:
    """`name` reduced for equality: its identifying words joined by one space; `None` for
    a name of legal forms only (`LLP`), which says nothing about which company it is."""
    kept = identifying(words(name))
    return " ".join(kept) if kept else None
