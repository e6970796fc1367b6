"""Limits that protect the reader from hostile or broken files. All are settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds applied before and while a workbook is opened.

    Real CMRT files are 0.4–2.5 MB on disk, up to ~11 MB unzipped, with per-member
    compression ratios below 25; the defaults leave a wide margin above that.
    """

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    max_compression_ratio: float = 200.0
    max_rows: int = 100_000


DEFAULT_LIMITS = Limits()
