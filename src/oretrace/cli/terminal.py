"""Text for the terminal: what suppliers wrote is shown, never obeyed.

A company name or smelter name can hold ESC sequences (clear the screen, retitle the
window, fake a line of output) or other control characters; :func:`printable` shows them as
``\\x1b``-style escapes instead. Newline and tab pass through; so does everything else.
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 controls except tab and newline, DEL, C1 controls; plus the Unicode line and paragraph
# separators and bidirectional overrides, which also rearrange what a terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\u202e``)."""
    return _CONTROL.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def markup_safe(text: object) -> str:
    """:func:`printable`, also escaped for rich markup (a supplier's ``[red]`` stays text)."""
    return escape(printable(text))
