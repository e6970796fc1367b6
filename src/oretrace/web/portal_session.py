"""The portal's session and the rules every portal answer follows.

A portal link is exchanged once for a session (:func:`open_session`): the old session is
flushed (a fresh key; a staff sign-in in the same browser ends), and the session keeps only
the link's id. :func:`portal_scope` resolves it again on every request through
:func:`oretrace.registry.services.portal.scope_for`, so a revoked or expired link ends the
session at once. A staff session never opens the portal (it has no link id), and a portal
session never opens a staff page (it has no signed-in user).

:class:`PortalMiddleware` gives every answer under ``/portal/`` the headers that keep it out
of search engines, referrers and caches, and refuses a too-large upload from its
Content-Length before anything reads the body (CSRF checking would read it otherwise).

``Referrer-Policy: no-referrer`` makes browsers send ``Origin: null`` with the portal's own
form posts, which Django's CSRF origin check refuses. Under ``/portal/`` only, and only when
the browser also says the request is same-origin (``Sec-Fetch-Site: same-origin``, a header
pages cannot set), the middleware reads ``Origin: null`` as this site's origin before
Django's unchanged ``CsrfViewMiddleware`` runs; the CSRF token is checked as always
(ADR 0016).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from oretrace.registry.models import SupplierAccess
from oretrace.registry.services.portal import PortalScope, scope_for, scope_of
from oretrace.web.client_address import client_address

SESSION_KEY = "oretrace_portal_access"
PORTAL_PREFIX = "/portal/"


def open_session(request: HttpRequest, access: SupplierAccess) -> PortalScope:
    """Exchange a live link for a fresh portal session; later URLs carry no token."""
    request.session.flush()
    request.session[SESSION_KEY] = access.pk
    request.session.set_expiry(int(settings.ORETRACE_PORTAL_SESSION_SECONDS))
    return scope_of(access)


def close_session(request: HttpRequest) -> None:
    request.session.flush()


def portal_scope(request: HttpRequest) -> PortalScope | None:
    """The portal scope of this request's session (None: no live link, or a staff user)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    return scope_for(request.session.get(SESSION_KEY))


def forget_dead_link(request: HttpRequest) -> bool:
    """When a session without a live scope still holds a link id (the link was revoked or
    expired since), drop the id and say so: that use of a dead link counts as one failed
    attempt, once, so a page left polling does not lock its address out."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    if SESSION_KEY not in request.session:
        return False
    del request.session[SESSION_KEY]
    return True


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind a trusted proxy the client it names
    (``ORETRACE_TRUSTED_PROXIES``, :mod:`oretrace.web.client_address`)."""
    return client_address(request)


def neutral_page(request: HttpRequest, status: int = 404) -> HttpResponse:
    """The one answer for every link that does not open (nothing to tell them apart)."""
    return TemplateResponse(request, "portal/unavailable.html", {}, status=status)


class FileTooLarge(SkipFile):
    """A file went past ORETRACE_UPLOAD_MAX_FILE_BYTES while streaming in."""


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and drops a file past the per-file limit
    (its name is kept in ``request.portal_too_large``), without holding it in memory."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = int(settings.ORETRACE_UPLOAD_MAX_FILE_BYTES)
        self.seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            if self.request is not None:
                too_large: list[str] = getattr(self.request, "portal_too_large", [])
                too_large.append(self.file_name or "file")
                self.request.portal_too_large = too_large  # type: ignore[attr-defined]
            raise FileTooLarge
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


PORTAL_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class PortalMiddleware:
    """Headers for every portal answer; early refusal of too-large uploads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PORTAL_PREFIX):
            return self.get_response(request)
        self.same_origin_null(request)
        response = self.refuse_large_body(request) or self.get_response(request)
        for header, value in PORTAL_HEADERS.items():
            response[header] = value
        return response

    @staticmethod
    def same_origin_null(request: HttpRequest) -> None:
        if (
            request.META.get("HTTP_ORIGIN") == "null"
            and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        ):
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"

    def refuse_large_body(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "POST":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > int(settings.ORETRACE_PORTAL_MAX_REQUEST_BYTES):
            return TemplateResponse(
                request,
                "portal/too_large.html",
                {"limit_mb": int(settings.ORETRACE_PORTAL_MAX_REQUEST_BYTES) // (1024 * 1024)},
                status=413,
            ).render()
        # the memory handler holds small files; larger ones spool to a temporary file
        request.upload_handlers.insert(0, SizeLimitedUploadHandler(request))
        return None
