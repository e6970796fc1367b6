"""Portal links: only the hash is stored; expired, revoked and malformed tokens open nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oretrace.registry.models import (
    AuditEntry,
    Campaign,
    ReportingPeriod,
    Supplier,
    SupplierAccess,
    SupplierRequest,
)
from oretrace.registry.services import portal_tokens

pytestmark = pytest.mark.django_db


def _request(name: str = "Acme") -> SupplierRequest:
    campaign = Campaign.objects.get_or_create(
        name="2025 inquiry",
        defaults={
            "period": ReportingPeriod.for_year(2025),
            "due_on": dt.date(2026, 3, 31),
            "created_by": "test",
        },
    )[0]
    supplier = Supplier.objects.create(name=name, normalised_name=name.lower())
    return SupplierRequest.objects.create(campaign=campaign, supplier=supplier)


def test_a_token_opens_its_own_request_and_only_its_hash_is_stored() -> None:
    request = _request()
    raw = portal_tokens.issue_access(request, "test")
    access = portal_tokens.find_access(raw)
    assert access is not None and access.request == request
    assert len(raw) == 43
    assert not SupplierAccess.objects.filter(token_hash=raw).exists()
    assert access.token_hash == portal_tokens.token_hash(raw)
    assert AuditEntry.objects.filter(action="portal.link_issued").count() == 1
    assert portal_tokens.portal_url(raw).endswith(f"/portal/access/{raw}/")


def test_two_requests_get_different_tokens_and_each_opens_only_its_own() -> None:
    first, second = _request("A"), _request("B")
    raw_first = portal_tokens.issue_access(first, "test")
    raw_second = portal_tokens.issue_access(second, "test")
    assert raw_first != raw_second
    found_first = portal_tokens.find_access(raw_first)
    found_second = portal_tokens.find_access(raw_second)
    assert found_first is not None and found_first.request == first
    assert found_second is not None and found_second.request == second


@pytest.mark.parametrize(
    "raw",
    ["", "short", "x" * 43, "../../etc/passwd" + "a" * 27, "a" * 44, None],
)
def test_malformed_or_unknown_tokens_open_nothing(raw: str) -> None:
    portal_tokens.issue_access(_request(), "test")
    assert portal_tokens.find_access(raw) is None


def test_expired_and_revoked_links_open_nothing() -> None:
    request = _request()
    expired = portal_tokens.issue_access(
        request, "test", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert portal_tokens.find_access(expired) is None

    live = portal_tokens.issue_access(request, "test")
    other = portal_tokens.issue_access(request, "test")
    access = portal_tokens.find_access(live)
    assert access is not None
    assert portal_tokens.revoke_access(access, "user:admin", reason="sent to wrong address")
    assert not portal_tokens.revoke_access(access, "user:admin")
    assert portal_tokens.find_access(live) is None
    assert portal_tokens.find_access(other) is not None, "revoking one link keeps the others"
    assert AuditEntry.objects.filter(action="portal.link_revoked").count() == 1


def test_default_expiry_runs_past_the_due_date() -> None:
    request = _request()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    expiry = portal_tokens.default_expiry(request, now=now)
    assert expiry > dt.datetime(2026, 3, 31, 23, 59, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert portal_tokens.default_expiry(request, now=late) > late
