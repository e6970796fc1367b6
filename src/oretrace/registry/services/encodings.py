"""Tell which text encoding a CSV file is in, or say plainly that we cannot.

The policy (ADR 0007): a byte-order mark decides (UTF-8, UTF-16); NUL bytes mean UTF-16
without a mark when they sit in every other byte, otherwise a binary file; a file that is
valid UTF-8 is UTF-8. Otherwise each legacy candidate (Shift-JIS as Windows writes it, cp932;
GB18030; Windows Latin-1, cp1252) decodes the lines that hold non-ASCII bytes strictly, and
the text it gives is scored for plausibility: the share of non-ASCII characters that are what
real text in that encoding is made of. Exactly one plausible candidate wins; none or several
is a :class:`EncodingUnclear` naming them and showing how a line reads in each, so the user
can pass ``--encoding``. Nothing here guesses silently. Pure Python, no Django.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

LEGACY = ("cp932", "gb18030", "cp1252")
LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16 (BOM)",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "cp932": "Shift-JIS (cp932)",
    "gb18030": "GB18030",
    "cp1252": "Latin-1 (cp1252)",
}
PLAUSIBLE = 0.8  # share of non-ASCII characters that must look right for a candidate to count
_CHUNK = 1 << 20
_SAMPLE_LIMIT = 1 << 20  # bytes of non-ASCII lines kept for scoring
_SYMBOLS_1252 = set("\u00a0°€©®™–—‘’“”«»·²³µ×±§¼½¾")


class EncodingProblem(Exception):
    """The file's bytes are not text we can read (binary, or not valid in the encoding)."""


class EncodingUnclear(EncodingProblem):
    """Several encodings (or none) read the file plausibly; the user must choose."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class Detected:
    encoding: str  # a Python codec name
    reason: str  # "given", "bom", "utf-8", "ascii", "scored", "nul pattern"

    @property
    def label(self) -> str:
        return LABELS.get(self.encoding, self.encoding)


def check_encoding_name(name: str) -> str:
    """The codec name for ``--encoding`` (``shift_jis``, ``latin-1``…), or EncodingProblem."""
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise EncodingProblem(f"unknown encoding {name!r}") from exc


def detect(path: Path) -> Detected:
    """The encoding of a text file, read in chunks (memory stays bounded on any size)."""
    with path.open("rb") as handle:
        head = handle.read(_CHUNK)
        by_mark = _by_mark(head)
        if by_mark is not None:
            return by_mark
        if b"\x00" in head:
            return _nul_bytes(head)
        handle.seek(0)
        utf8_ok, ascii_only, sample = _scan(handle)
    if utf8_ok:
        return Detected("utf-8", "ascii" if ascii_only else "utf-8")
    return _choose_legacy(sample)


def _by_mark(head: bytes) -> Detected | None:
    if head.startswith(codecs.BOM_UTF8):
        return Detected("utf-8-sig", "bom")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if head.startswith(codecs.BOM_UTF32_LE):
            raise EncodingProblem("UTF-32 files are not supported; save the file as UTF-8")
        return Detected("utf-16", "bom")
    return None


def _nul_bytes(head: bytes) -> Detected:
    even, odd = head[0::2], head[1::2]
    usable = len(head) - len(head) % 2
    if usable >= 4:
        if odd.count(0) > len(odd) * 0.3 and 0 not in even:
            return Detected("utf-16-le", "nul pattern")
        if even.count(0) > len(even) * 0.3 and 0 not in odd[: len(even)]:
            return Detected("utf-16-be", "nul pattern")
    offset = head.index(0)
    raise EncodingProblem(
        f"binary content (a NUL byte at offset {offset}): not a CSV text file; "
        "save it as CSV (UTF-8) or XLSX"
    )


def _scan(handle: BinaryIO) -> tuple[bool, bool, list[bytes]]:
    """(valid UTF-8, pure ASCII, lines holding non-ASCII bytes up to a size limit)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok, ascii_only, kept = True, True, 0
    sample: list[bytes] = []
    carry = b""
    while True:
        chunk = handle.read(_CHUNK)
        if b"\x00" in chunk:
            raise EncodingProblem(
                f"binary content (a NUL byte near offset {handle.tell() - len(chunk)}): "
                "not a CSV text file"
            )
        data = carry + chunk
        if chunk:
            cut = data.rfind(b"\n") + 1
            data, carry = (data[:cut], data[cut:]) if cut else (b"", data)
        else:
            carry = b""
        if not data.isascii():
            ascii_only = False
            if utf8_ok:
                try:
                    decoder.decode(data, final=not chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if kept < _SAMPLE_LIMIT:
                for line in data.splitlines():
                    if not line.isascii():
                        sample.append(line)
                        kept += len(line)
        if not chunk:
            return utf8_ok, ascii_only, sample


def _choose_legacy(sample: list[bytes]) -> Detected:
    scores: dict[str, float] = {}
    readings: dict[str, str] = {}
    for encoding in LEGACY:
        try:
            texts = [line.decode(encoding) for line in sample]
        except UnicodeDecodeError:
            continue
        scores[encoding] = plausibility(encoding, texts)
        readings[encoding] = next((t for t in texts if not t.isascii()), "")
    plausible = [e for e, s in scores.items() if s >= PLAUSIBLE]
    if len(plausible) == 1:
        return Detected(plausible[0], "scored")
    names = plausible or list(scores)
    shown = "; ".join(f"{LABELS[e]} reads {_preview(readings[e])}" for e in names)
    if not names:
        message = "not valid UTF-8, Shift-JIS, GB18030 or Latin-1; pass --encoding"
    elif plausible:
        message = f"the encoding is unclear: {shown}. Pass --encoding with the right one"
    else:
        message = f"no encoding reads this file plausibly: {shown}. Pass --encoding"
    raise EncodingUnclear(message, names)


def _preview(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:57] + "…")


def plausibility(encoding: str, texts: list[str]) -> float:
    """Share of non-ASCII characters that look like real text in ``encoding`` (0–1)."""
    good = total = 0
    for text in texts:
        for index, char in enumerate(text):
            if char.isascii():
                continue
            total += 1
            good += _looks_right(encoding, text, index)
    return good / total if total else 1.0


def _looks_right(encoding: str, text: str, index: int) -> bool:
    char = text[index]
    category = unicodedata.category(char)
    if category[0] == "C":
        return False  # controls, private use, unassigned: mojibake
    if encoding == "cp1252":
        return _latin_plausible(text, index, category)
    if encoding == "gb18030":
        if _between_ascii_letters(text, index):
            return False  # "M黮ler": a Latin-1 byte read as half of a Chinese character
        try:
            char.encode("gb2312")  # the common simplified set real Chinese text uses
        except UnicodeEncodeError:
            return False
        return True
    # cp932: half-width katakana is what GB text read as Shift-JIS mostly turns into
    return not (encoding == "cp932" and "\uff61" <= char <= "\uff9f")


def _latin_plausible(text: str, index: int, category: str) -> bool:
    start = index
    while start > 0 and not text[start - 1].isascii():
        start -= 1
    end = index
    while end + 1 < len(text) and not text[end + 1].isascii():
        end += 1
    run = end - start + 1
    if run >= 3:
        return False  # "Š”Ž®‰ïŽÐ": two-byte Asian text read byte by byte
    if category[0] == "L":
        return True
    return run == 1 and text[index] in _SYMBOLS_1252


def _between_ascii_letters(text: str, index: int) -> bool:
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
