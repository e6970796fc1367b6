"""The navigation: every page that wants a menu entry registers it with its own permission,
so the menu can never offer a page its view would refuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from oretrace.registry.services.scope import Permission, StaffScope


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission
    order: int


NAVIGATION: list[NavItem] = []


def add_to_navigation(label: str, url_name: str, permission: Permission, order: int) -> None:
    """Append a menu entry (pages call this through ``views.base.in_navigation``)."""
    item = NavItem(label, url_name, permission, order)
    if item not in NAVIGATION:
        NAVIGATION.append(item)
        NAVIGATION.sort(key=lambda i: (i.order, i.label))


def items_for(scope: StaffScope | None) -> list[dict[str, str]]:
    if scope is None:
        return []
    items = []
    for item in NAVIGATION:
        if not scope.can(item.permission):
            continue
        try:
            items.append(
                {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
            )
        except NoReverseMatch:
            continue
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``navigation`` (the menu) and ``staff_scope``."""
    scope = getattr(request, "staff_scope", None)
    return {"navigation": items_for(scope), "staff_scope": scope}
