"""Text as the Rust SDK sees it, so that both SDKs give the same answer for the same input.

Python's `str.strip`, `str.upper` and `str.isdigit` are Unicode-aware in ways Rust's
`trim`, `to_ascii_uppercase` and `is_ascii_digit` are not (`"ß".upper()` is `"SS"`,
`"٣".isdigit()` is true, `"\\x1c"` is white space to Python only). The classifiers
(`HsCode.parse`, `ControlCode`, country codes, settings readers) use these instead.
"""

from __future__ import annotations

import string

# Rust's `char::is_whitespace`: the Unicode White_Space property.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def trim(text: str) -> str:
    """`text` without leading and trailing white space, as Rust's `str::trim`."""
    return text.strip(WHITE_SPACE)


def ascii_upper(text: str) -> str:
    """`text` with ASCII letters upper-cased and everything else kept, as Rust's
    `to_ascii_uppercase`."""
    return text.translate(_ASCII_UPPER)


def is_ascii_digits(text: str) -> bool:
    """Whether `text` is one or more of `0`–`9`."""
    return text.isascii() and text.isdigit()


def is_ascii_alnum(text: str) -> bool:
    """Whether `text` is one or more ASCII letters and digits."""
    return text.isascii() and text.isalnum()


def is_ascii_letters(text: str) -> bool:
    """Whether `text` is one or more ASCII letters."""
    return text.isascii() and text.isalpha()


_ESCAPES = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"', "\0": "\\0"}


def debug_quoted(text: str) -> str:
    """`text` quoted as Rust's `{:?}` shows a string (`"UAE"`, `"a\\"b"`), the form the
    Rust SDK's settings messages quote a bad entry in."""
    shown = []
    for ch in text:
        if ch in _ESCAPES:
            shown.append(_ESCAPES[ch])
        elif ch.isprintable():
            shown.append(ch)
        else:
            shown.append(f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(shown) + '"'
