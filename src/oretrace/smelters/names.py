"""Name normalisation for comparing smelter names.

Three levels, each a pure function of the text:

* :func:`clean` — what a person would call the same text: mojibake repaired (ftfy), NFKC,
  whitespace collapsed. Used for the "exact look-up name" step (compared case-insensitively).
* :func:`fold` — for comparison only: accents folded, case folded, ``&``/``+`` → ``and``,
  dotted abbreviations joined (``S.p.A.`` → ``spa``), all other punctuation → space.
* :func:`core` — :func:`fold` minus legal forms and filler tokens (Co., Ltd., GmbH, PT,
  JSC, Tbk, Group …), the key of the "normalised alias" step and the fuzzy matcher.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad

_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d",
    "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d", "’": "'", "‘": "'",
    "`": "'", "´": "'", "“": '"', "”": '"', "–": "-", "—": "-", "＆": "&",
})  # fmt: skip
_UNKNOWN_CHAR = re.compile(r"(?<=\w)[?\ufffd]+(?=\w)")
#: The dot after a one-letter token ("S.p.A." → "SpA"); deleting it by look-behind avoids
#: the slow group substitution of ``\b(\w)\.`` → ``\1`` and deletes the same dots.
_INITIAL_DOT = re.compile(r"(?<=\b\w)\.")
_NOT_WORD = re.compile(r"[^\w]+|_")
#: ASCII punctuation → space as a byte table: bytes.translate is several times faster than
#: str.translate with a dict.
_ASCII_NOT_WORD = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))

#: Legal forms and filler words that say nothing about which plant is meant.
_FILLER = """
    co coltd company companies corp corporation inc incorporated ltd ltda limited llc lc llp lp
    plc gmbh mbh ag kg gmbhcokg cokg sa sas sarl spa srl sro sl bv nv ab oy oyj as asa se pte
    pty pvt private public jsc ojsc pjsc cjsc oao zao pao ooo ao tbk persero pt cv ud
    bhd sdn berhad kk kabushiki kaisha yk dmcc fze fzco llc sal saic sac sab cv de rl
    group holding holdings the and of intl international industries industry industrial
"""
FILLER_TOKENS: frozenset[str] = frozenset(_FILLER.split())
#: Abbreviations written out, so "Metalor HK" meets "Metalor Technologies (Hong Kong)".
_EXPANSIONS = {"hk": "hong kong", "mfg": "manufacturing", "natl": "national", "tech": "technology"}


def clean(text: object) -> str:
    """Repair and tidy a cell value as text; non-text becomes ``""`` (numbers keep digits)."""
    if type(text) is str:  # most cells: the steps below, less the checks that cannot apply
        return " ".join(text.split()) if text.isascii() else _repaired(text)
    if text is None or isinstance(text, bool):
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    value = str(text)
    if not value.isascii():
        return _repaired(value)
    return " ".join(value.split())


#: Text ftfy provably returns unchanged unless its mojibake detector (``is_bad``) fires:
#: printable ASCII but ``&`` (HTML entities), and the letters of Latin-1 and Latin
#: Extended-A but the ligatures ftfy splits (Ĳ ĳ ŉ). None of ftfy's other fixers (C1
#: controls, ligatures, width, curly quotes, line breaks, surrogates, escapes, control
#: characters) touches these characters, and they are already NFC. Checked against ftfy on
#: generated text by tests/smelters/test_normalise.py.
_FTFY_PLAIN = frozenset(
    [chr(c) for c in range(0x20, 0x7F) if chr(c) != "&"]
    + [chr(c) for c in range(0xC0, 0x180) if chr(c) not in "×÷Ĳĳŉ"]
)


@lru_cache(maxsize=65536)
def _repaired(value: str) -> str:
    """Non-ASCII text repaired once per distinct string: ftfy is the costly step, and a name
    is cleaned again by ``fold`` and the look-up keys. Most accented names are plain Latin
    letters without mojibake: ftfy would return them as they are, so it is not asked."""
    if not ftfy_leaves_alone(value):
        value = ftfy.fix_text(value)
    return " ".join(unicodedata.normalize("NFKC", value).split())


def ftfy_leaves_alone(value: str) -> bool:
    """Whether ftfy would return ``value`` unchanged, known without running it: only plain
    Latin characters and nothing its mojibake detector flags (tests hold ftfy to it)."""
    return _FTFY_PLAIN.issuperset(value) and not is_bad(value)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Comparison form: ``"Cendres + Métaux SA"`` → ``"cendres and metaux sa"``."""
    if text.isascii():
        return _fold_ascii(text)
    value = clean(text).casefold()
    if not value.isascii():
        value = value.translate(_SPECIAL)
        value = unicodedata.normalize("NFKD", value)
        value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
        value = value.translate(_SPECIAL)  # letters that only appear after NFKD (Ǽ → Æ)
    if "?" in value or "\ufffd" in value:
        value = _UNKNOWN_CHAR.sub("", value)
    value = value.replace("&", " and ").replace("+", " and ").replace("'", "")
    if "." in value:
        value = _INITIAL_DOT.sub("", value)
    if value.isascii():  # the same as the regular expression, several times faster
        return " ".join(value.encode("ascii").translate(_ASCII_NOT_WORD).decode("ascii").split())
    return " ".join(_NOT_WORD.sub(" ", value).split())


def _fold_ascii(text: str) -> str:
    """:func:`fold` of ASCII text, step for step, leaving out what cannot apply: ``clean``
    only collapses whitespace (every whitespace character ends as a space below, and none
    is a word character for the two expressions), ``casefold`` is ``lower``, and there is
    nothing to fold."""
    value = text.lower()
    if "?" in value:
        value = _UNKNOWN_CHAR.sub("", value)
    if "&" in value:
        value = value.replace("&", " and ")
    if "+" in value:
        value = value.replace("+", " and ")
    if "'" in value:
        value = value.replace("'", "")
    if "." in value:
        value = _INITIAL_DOT.sub("", value)
    return " ".join(value.encode("ascii").translate(_ASCII_NOT_WORD).decode("ascii").split())


@lru_cache(maxsize=65536)
def core(text: str) -> str:
    """:func:`fold` without legal forms and fillers; the folded text if nothing else is left."""
    folded = fold(text)
    tokens = folded.split()
    # _EXPANSIONS.get(token, token) per token, mapped in C
    kept = [token for token in map(_EXPANSIONS.get, tokens, tokens) if token not in FILLER_TOKENS]
    return " ".join(kept) if kept else folded


def is_filler_only(text: str) -> bool:
    """True when a text is nothing but legal forms and fillers (``"Ltd."``, ``"Co., Ltd"``)."""
    tokens = fold(text).split()
    return bool(tokens) and all(token in FILLER_TOKENS for token in tokens)


def split_aliases(text: str) -> list[str]:
    """Split a CMRT 2.x comma-joined "Known alias" cell without cutting ``Co.,Ltd`` apart."""
    parts: list[str] = []
    for piece in clean(text).split(","):
        piece = piece.strip()
        if not piece:
            continue
        if parts and is_filler_only(piece):
            parts[-1] = f"{parts[-1]},{piece}"
        else:
            parts.append(piece)
    return parts


def clear_caches() -> None:
    """Forget every normalised string (benchmarks measure identification from cold)."""
    for cached in (_repaired, fold, core):
        cached.cache_clear()
