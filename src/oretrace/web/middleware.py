"""Resolve the signed-in person's scope once per request; refuse every change by an auditor."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse

from oretrace.registry.services.scope import staff_scope_for

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class StaffScopeMiddleware:
    """Sets ``request.staff_scope`` (None when signed out or without a role).

    An auditor changes nothing: any request that could change state (POST, PUT, PATCH,
    DELETE) answers 403 here, before any view runs — signing out excepted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = staff_scope_for(getattr(request, "user", None))
        request.staff_scope = scope  # type: ignore[attr-defined]
        if (
            scope is not None
            and scope.read_only
            and request.method not in SAFE_METHODS
            and request.path != reverse("logout")
        ):
            return HttpResponseForbidden("Auditors read; they change nothing.")
        return self.get_response(request)
