"""Country names as every template revision spells them ↔ ISO 3166-1 alpha-2 codes.

pycountry knows the ISO names; the templates add their own spellings (``KOREA, REPUBLIC
OF``, ``TAIWAN``, ``CROATIA (local name: Hrvatska)``, ``EAST TIMOR``, ``ZAIRE`` …) and
suppliers add theirs (``USA``, ``P.R. China``). Comparison is on the folded text.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

from oretrace.smelters.names import fold

#: Spellings pycountry does not resolve, seen in template country lists and supplier files.
_EXTRA: dict[str, str] = {
    "BOLIVIA (PLURINATIONAL STATE OF)": "BO", "CAPE VERDE": "CV",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "CD", "DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "DR CONGO": "CD", "DRC": "CD", "ZAIRE": "CD", "COTE D'IVOIRE": "CI", "IVORY COAST": "CI",
    "CROATIA (LOCAL NAME: HRVATSKA)": "HR", "EAST TIMOR": "TL", "FRANCE, METROPOLITAN": "FR",
    "HEARD AND MC DONALD ISLANDS": "HM", "HOLY SEE": "VA", "VATICAN CITY STATE (HOLY SEE)": "VA",
    "IRAN (ISLAMIC REPUBLIC OF)": "IR", "IRAN": "IR",
    "KOREA (DEMOCRATIC PEOPLE'S REPUBLIC OF)": "KP", "NORTH KOREA": "KP",
    "KOREA, REPUBLIC OF": "KR", "SOUTH KOREA": "KR", "KOREA": "KR", "REPUBLIC OF KOREA": "KR",
    "LAOS PEOPLE'S DEMOCRATIC REPUBLIC": "LA", "LAOS": "LA", "LIBYAN ARAB JAMAHIRIYA": "LY",
    "MACAU": "MO", "MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF": "MK", "MACEDONIA": "MK",
    "NORTH MACEDONIA, REPUBLIC OF": "MK", "MICRONESIA (FEDERATED STATES OF)": "FM",
    "NETHERLANDS ANTILLES": "AN", "REUNION": "RE", "SLOVAKIA (SLOVAK REPUBLIC)": "SK",
    "ST. HELENA": "SH", "ST. PIERRE AND MIQUELON": "PM", "SVALBARD AND JAN MAYEN ISLANDS": "SJ",
    "SWAZILAND": "SZ", "TURKEY": "TR", "TURKIYE": "TR", "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VE",
    "VENEZUELA": "VE", "VIRGIN ISLANDS (BRITISH)": "VG", "VIRGIN ISLANDS (U.S.)": "VI",
    "WALLIS AND FUTUNA ISLANDS": "WF", "WESTERN SAHARA *": "EH", "YUGOSLAVIA": "YU",
    "UNITED STATES": "US", "USA": "US", "U.S.A.": "US", "U.S.": "US", "US": "US",
    "AMERICA": "US", "UNITED STATES OF AMERICA": "US", "UK": "GB", "U.K.": "GB",
    "GREAT BRITAIN": "GB", "ENGLAND": "GB", "UNITED KINGDOM": "GB",
    "P.R. CHINA": "CN", "P.R.C.": "CN", "PRC": "CN", "PEOPLE'S REPUBLIC OF CHINA": "CN",
    "CHINA (PRC)": "CN", "MAINLAND CHINA": "CN", "中国": "CN", "TAIWAN": "TW",
    "TAIWAN, PROVINCE OF CHINA": "TW", "REPUBLIC OF CHINA": "TW", "HONG KONG SAR": "HK",
    "VIETNAM": "VN", "VIET NAM": "VN", "RUSSIA": "RU", "RUSSIAN FEDERATION": "RU",
    "BURMA": "MM", "CZECH REPUBLIC": "CZ", "HOLLAND": "NL", "THE NETHERLANDS": "NL",
    "UAE": "AE", "U.A.E.": "AE", "日本": "JP", "韩国": "KR", "한국": "KR", "大韩民国": "KR",
}  # fmt: skip
_UNKNOWN = {"", "unknown", "n a", "na", "none", "various", "tbd", "zz", "0"}


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            name = getattr(country, attr, None)
            if name:
                table.setdefault(fold(name), country.alpha_2)
        table[fold(country.alpha_2)] = country.alpha_2
    for country in pycountry.historic_countries:
        table.setdefault(fold(country.name), getattr(country, "alpha_2", "") or "")
    for name, code in _EXTRA.items():
        table[fold(name)] = code
    return {key: code for key, code in table.items() if code}


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a country as written, or None when unknown or empty."""
    key = fold(text)
    if key in _UNKNOWN:
        return None
    return _table().get(key)


def country_of(value: object) -> str | None:
    """:func:`country_code` for any cell value (numbers and None give None)."""
    return country_code(value) if isinstance(value, str) else None


_GREATER_CHINA = frozenset({"CN", "HK", "MO"})


def same_country(a: str | None, b: str | None) -> bool:
    """Codes that name the same place for smelter lists (RMI files Hong Kong under China)."""
    return a == b or (a in _GREATER_CHINA and b in _GREATER_CHINA)


def same_place(code: str) -> frozenset[str]:
    """Every code ``c`` with ``same_country(c, code)``."""
    return _GREATER_CHINA if code in _GREATER_CHINA else frozenset((code,))
