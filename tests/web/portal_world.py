"""Campaign requests and portal links on top of the web tests' two-company world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.test import Client

from oretrace.registry.models import Campaign, ReportingPeriod, Supplier, SupplierRequest
from oretrace.registry.services import portal_tokens
from oretrace.registry.services.profile import update_profile
from tests.web.world import World

POLICY = "We source tin, tantalum, tungsten and gold only from conformant smelters."


@dataclass
class Portal:
    """Per side ("a", "b"): a sent request with a live link; plus one request of a draft
    campaign for supplier a (not open, so not shown) and a second open request for a."""

    request: dict[str, SupplierRequest] = field(default_factory=dict)
    token: dict[str, str] = field(default_factory=dict)
    second: SupplierRequest | None = None
    draft: SupplierRequest | None = None


def campaign(name: str, status: str = Campaign.Status.SENT) -> Campaign:
    return Campaign.objects.create(
        name=name,
        period=ReportingPeriod.for_year(2025),
        due_on=dt.date(2026, 3, 31),
        message="Please send your CMRT for 2025.",
        minimum_revision="6.4",
        status=status,
        created_by="test",
    )


def request_for(supplier: Supplier, in_campaign: Campaign) -> SupplierRequest:
    return SupplierRequest.objects.create(
        campaign=in_campaign,
        supplier=supplier,
        email=f"{supplier.pk}@supplier.example",
        contact_name="Hanako Sato",
    )


def build_portal(world: World) -> Portal:
    update_profile({"legal_name": "Example Group", "policy_summary": POLICY}, "test")
    portal = Portal()
    main = campaign("2025 conflict minerals inquiry")
    for side in ("a", "b"):
        portal.request[side] = request_for(world.supplier[side], main)
        portal.token[side] = portal_tokens.issue_access(portal.request[side], "test")
    portal.second = request_for(world.supplier["a"], campaign("2025 cobalt inquiry"))
    portal.draft = request_for(
        world.supplier["a"], campaign("2026 draft", status=Campaign.Status.DRAFT)
    )
    return portal


def enter(portal: Portal, side: str, client: Client | None = None) -> Client:
    """A client that opened side's link (and so holds a portal session)."""
    client = client or Client()
    response = client.get(f"/portal/access/{portal.token[side]}/")
    assert response.status_code == 302, response.status_code
    return client
