"""The answer lists of each template revision, and matching a typed answer to them.

Lists are the English constants the templates' drop-downs use in every UI language.
Matching ignores case and spacing (``"No, but greater than 75% "`` has a trailing
space in the template itself) and reads Q6's ``100%`` whether stored as the number 1
(6.01–6.22, EMRT 1.x, CRT, AMRT) or as text (6.31+).
"""

from __future__ import annotations

YES_NO = ("Yes", "No")
YES_NO_UNKNOWN = ("Yes", "No", "Unknown")
YES_NO_UNCERTAIN = ("Yes", "No", "Uncertain or Unknown")

SCOPES_2X = (
    "A. Company Level",
    "B. Division Level [Specify in 'Description of scope']",
    "C. Product Category Level [Specify in 'Description of scope']",
    "D. Product Level",
)
SCOPES = (
    "A. Company",
    "B. Product (or List of Products)",
    "C. User defined [Specify in 'Description of scope']",
)

RECEIVED_2X = ("Yes", "No but > 75%", "No but > 50%", "No but > 25%", "No but < 25%", "No - none")
ALL_SMELTERS_2X = ("Yes all smelters have been provided", "No")
CONTRACT_2X = ("Yes", "Yes included in standard contract language", "No")
PLANNED_2X = ("Yes", "No", "Planned once lists become available")
VERIFY_2X = (
    "Yes (3rd party audit)",
    "Yes (documentation review only)",
    "Yes (internal audit)",
    "Yes (all methods apply)",
    "No",
)
RECEIVED_3X = (
    "Yes, 100%",
    "No, but greater than 75%",
    "No, but greater than 50%",
    "No, but greater than 25%",
    "No, but less than 25%",
    "None",
)
PERCENT_6X = (
    "100%",
    "Greater than 90%",
    "Greater than 75%",
    "Greater than 50%",
    "50% or less",
    "None",
)
PERCENT_EMRT2 = (*PERCENT_6X, "Did not survey")
PERCENT_AMRT = (*PERCENT_6X, "Unknown", "Did not survey")
SURVEY_6X = (
    "Yes, in conformance with IPC1755 (e.g., CMRT)",
    "Yes, using other format (describe)",
    "No",
)
DISCLOSURE_6X = ("Yes, with the SEC", "Yes, with the EU", "Yes, with the SEC and the EU", "No")

EMRT1_Q1 = ("Yes", "No", "Unknown", "Not applicable for this declaration")
EMRT2_Q1 = ("Yes", "No", "Unknown", "Not declaring")
AMRT_Q1 = EMRT2_Q1
EMRT_ORIGIN = ("Yes", "No", "Unknown", "DRC only", "India and/or Madagascar only")
CRT_ORIGIN = ("Yes", "No", "Unknown", "DRC or adjoining countries only")
EMRT_C = ("Yes", "Yes, when more processors are validated", "No")
EMRT_SURVEY = (
    "Yes, in conformance with IPC1755 (e.g. EMRT)",
    "Yes, Using Other Format (Describe)",
    "No",
    "Yes, cobalt only",
    "Yes, natural mica only",
    "Yes, both cobalt and natural mica",
)
CRT_SURVEY = ("Yes, CRT", "Yes, Using Other Format (Describe)", "No")

_HUNDRED = "100%"


def answer_key(text: str) -> str:
    """Case-, space- and punctuation-spacing-insensitive comparison key."""
    return "".join(text.casefold().split())


def match_answer(raw: object, allowed: tuple[str, ...]) -> str | None:
    """The allowed answer ``raw`` stands for, or ``None`` when it is none of them."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if raw == 1 and _HUNDRED in allowed:
            return _HUNDRED
        return None
    key = answer_key(str(raw))
    if not key:
        return None
    for option in allowed:
        if answer_key(option) == key:
            return option
    if key in ("1", "1.0", "100", "100.0") and _HUNDRED in allowed:
        return _HUNDRED
    return None
