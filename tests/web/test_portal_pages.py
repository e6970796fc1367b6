"""The supplier portal's pages: a link opens a session, the supplier sees what is asked,
confirms its contact and acknowledges the sourcing policy; all of it audited."""

from __future__ import annotations

import pytest
from django.test import Client

from oretrace.registry.models import AuditEntry, PolicyAcknowledgement, SupplierRequest
from tests.web.portal_world import POLICY, Portal, build_portal, enter
from tests.web.world import World


@pytest.fixture
def portal(world: World) -> Portal:
    return build_portal(world)


def test_a_link_opens_a_session_and_later_urls_carry_no_token(portal: Portal) -> None:
    client = Client()
    before = client.session.session_key
    response = client.get(f"/portal/access/{portal.token['a']}/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/requests/{portal.request['a'].pk}/"
    assert portal.token["a"] not in response["Location"]
    assert client.session.session_key != before
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025 conflict minerals inquiry" in html
    assert "revision 6.4 or newer" in html and "2026-03-31" in html
    assert "Please send your CMRT for 2025." in html
    opened = SupplierRequest.objects.get(pk=portal.request["a"].pk)
    assert opened.first_opened_at is not None and opened.last_opened_at is not None


def test_the_overview_lists_only_the_suppliers_open_requests(portal: Portal) -> None:
    client = enter(portal, "a")
    html = client.get("/portal/").content.decode()
    assert "2025 conflict minerals inquiry" in html and "2025 cobalt inquiry" in html
    assert "2026 draft" not in html
    assert client.get(f"/portal/requests/{portal.second.pk}/").status_code == 200  # type: ignore[union-attr]
    assert client.get(f"/portal/requests/{portal.draft.pk}/").status_code == 404  # type: ignore[union-attr]


def test_confirming_contacts_is_recorded_and_audited_as_the_supplier(portal: Portal) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    url = f"/portal/requests/{request.pk}/contacts/"
    assert "Hanako Sato" in client.get(url).content.decode()
    refused = client.post(url, {"name": "Taro", "email": "not an address", "role": ""})
    assert refused.status_code == 200 and "Enter a valid email address" in refused.content.decode()
    done = client.post(url, {"name": "Taro Yamada", "email": "taro@alpha.example", "role": "QA"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.contacts_confirmed_at is not None
    assert (request.contact_name, request.email) == ("Taro Yamada", "taro@alpha.example")
    assert request.contact is not None and request.contact.role == "QA"
    assert request.contact.supplier_id == request.supplier_id
    entry = AuditEntry.objects.get(action="portal.contacts_confirmed")
    assert entry.actor == f"supplier:{request.pk}"
    assert entry.data["after"]["email"] == "taro@alpha.example"
    assert "Confirmed" in client.get(f"/portal/requests/{request.pk}/").content.decode()


def test_acknowledging_the_policy_records_who_when_and_from_where(portal: Portal) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    url = f"/portal/requests/{request.pk}/policy/"
    assert POLICY in client.get(url).content.decode()
    unticked = client.post(url, {"name": "Taro", "email": "taro@alpha.example"})
    assert unticked.status_code == 200
    assert not PolicyAcknowledgement.objects.exists()
    done = client.post(
        url,
        {"name": "Taro Yamada", "email": "taro@alpha.example", "agree": "on"},
        HTTP_USER_AGENT="Test Browser/1.0",
        REMOTE_ADDR="192.0.2.7",
    )
    assert done.status_code == 302
    ack = PolicyAcknowledgement.objects.get()
    assert (ack.name, ack.email, ack.ip_address) == (
        "Taro Yamada",
        "taro@alpha.example",
        "192.0.2.7",
    )
    assert ack.user_agent == "Test Browser/1.0"
    assert ack.supplier_id == request.supplier_id and ack.document == "policy"
    assert ack.document_version
    entry = AuditEntry.objects.get(action="portal.policy_acknowledged")
    assert entry.actor == f"supplier:{request.pk}" and entry.data["ip"] == "192.0.2.7"
    assert "Acknowledged" in client.get(f"/portal/requests/{request.pk}/").content.decode()


def test_leaving_ends_the_session(portal: Portal) -> None:
    client = enter(portal, "a")
    assert client.post("/portal/leave/").status_code == 200
    assert client.get(f"/portal/requests/{portal.request['a'].pk}/").status_code == 404
