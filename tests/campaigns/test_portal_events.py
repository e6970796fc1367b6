"""Opening a portal link stamps the request's first and last opening and the link's last use."""

from __future__ import annotations

import datetime as dt

import pytest

from oretrace.registry.models import (
    Campaign,
    ReportingPeriod,
    Supplier,
    SupplierAccess,
    SupplierRequest,
)
from oretrace.registry.services import portal_events, portal_tokens

pytestmark = pytest.mark.django_db


def test_first_opening_is_kept_and_last_opening_moves_forward() -> None:
    campaign = Campaign.objects.create(
        name="c", period=ReportingPeriod.for_year(2025), due_on=dt.date(2026, 3, 31), created_by="t"
    )
    supplier = Supplier.objects.create(name="Acme", normalised_name="acme")
    request = SupplierRequest.objects.create(campaign=campaign, supplier=supplier)
    access = portal_tokens.find_access(portal_tokens.issue_access(request, "test"))
    assert access is not None
    first = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    later = first + dt.timedelta(days=2)
    portal_events.record_open(access, now=first)
    portal_events.record_open(access, now=later)
    portal_events.record_open(access, now=first + dt.timedelta(hours=1))  # out of order
    request.refresh_from_db()
    assert request.first_opened_at == first
    assert request.last_opened_at == later
    assert SupplierAccess.objects.get(pk=access.pk).last_used_at == later
