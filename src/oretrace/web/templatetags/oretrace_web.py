"""Small template helpers: links that exist only when their page does, numbers, cells."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def link(url_name: str, **query: Any) -> str:
    """``reverse(url_name)`` plus a query string; "" when no page has that name (yet), so a
    figure can link to a page another module adds later."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    shown = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(shown)}" if shown else url


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


@register.filter
def humanise(code: str) -> str:
    """``not_from_covered_countries`` → ``not from covered countries``."""
    return str(code).replace("_", " ")
