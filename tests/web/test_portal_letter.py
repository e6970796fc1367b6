"""The letter of agreement: set in the organisation profile (CLI and service), asked on the
portal as a second acknowledgement when the profile has one, recorded with who, when, from
where and which version, audited as the supplier, and shown on the staff campaign page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, PolicyAcknowledgement
from oretrace.registry.services.campaign_progress import campaign_progress
from oretrace.registry.services.portal import letter_document, policy_document
from oretrace.registry.services.profile import ProfileError, load_profile, update_profile
from tests.web.portal_world import Portal, build_portal, enter
from tests.web.world import World

LETTER = "The supplier agrees to trace every 3TG mineral to the smelter and to share its CMRT."


@pytest.fixture
def portal(world: World) -> Portal:
    return build_portal(world)


def set_letter(version: str = "2026-1", text: str = LETTER) -> None:
    update_profile(
        {
            "letter_of_agreement": text,
            "letter_of_agreement_url": "https://group.example/letter.pdf",
            "letter_of_agreement_version": version,
        },
        "test",
    )


def accept(client: Client, pk: int, **extra: Any) -> Any:
    return client.post(
        f"/portal/requests/{pk}/letter/",
        {"name": "Taro Yamada", "email": "taro@alpha.example", "agree": "on"},
        **extra,
    )


def test_without_a_letter_the_portal_asks_for_none(portal: Portal) -> None:
    client = enter(portal, "a")
    pk = portal.request["a"].pk
    page = client.get(f"/portal/requests/{pk}/").content.decode()
    assert 'id="letter"' not in page and 'id="acknowledge-policy-link"' in page
    assert not letter_document().stated
    assert accept(client, pk).status_code == 200  # the form again, nothing recorded
    assert not PolicyAcknowledgement.objects.exists()


def test_accepting_the_letter_records_who_when_where_and_which_version(portal: Portal) -> None:
    set_letter()
    client = enter(portal, "a")
    request = portal.request["a"]
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert 'id="acknowledge-letter-link"' in page and 'id="acknowledge-policy-link"' in page
    letter_page = client.get(f"/portal/requests/{request.pk}/letter/").content.decode()
    assert LETTER in letter_page and "https://group.example/letter.pdf" in letter_page
    assert "2026-1" in letter_page
    unticked = client.post(
        f"/portal/requests/{request.pk}/letter/", {"name": "Taro", "email": "t@alpha.example"}
    )
    assert unticked.status_code == 200 and not PolicyAcknowledgement.objects.exists()
    done = accept(client, request.pk, HTTP_USER_AGENT="Test Browser/2.0", REMOTE_ADDR="192.0.2.8")
    assert done.status_code == 302 and done["Location"].endswith("#letter")
    ack = PolicyAcknowledgement.objects.get()
    assert ack.document == PolicyAcknowledgement.Document.LETTER
    assert (ack.name, ack.email, ack.ip_address, ack.user_agent, ack.document_version) == (
        "Taro Yamada",
        "taro@alpha.example",
        "192.0.2.8",
        "Test Browser/2.0",
        "2026-1",
    )
    assert ack.request_id == request.pk and ack.acknowledged_at is not None
    entry = AuditEntry.objects.get(action="portal.letter_acknowledged")
    assert entry.actor == f"supplier:{request.pk}"
    assert (entry.data["document"], entry.data["version"], entry.data["ip"]) == (
        "letter",
        "2026-1",
        "192.0.2.8",
    )
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert 'id="letter-acknowledged"' in page
    # the policy is a separate acknowledgement, still asked for
    assert 'id="acknowledge-policy-link"' in page and 'id="policy-acknowledged"' not in page


def test_a_new_letter_version_is_asked_again(portal: Portal) -> None:
    set_letter("2026-1")
    client = enter(portal, "a")
    pk = portal.request["a"].pk
    accept(client, pk)
    set_letter("2026-2")
    page = client.get(f"/portal/requests/{pk}/").content.decode()
    assert 'id="acknowledge-letter-link"' in page and 'id="letter-acknowledged"' not in page
    accept(client, pk)
    versions = sorted(PolicyAcknowledgement.objects.values_list("document_version", flat=True))
    assert versions == ["2026-1", "2026-2"]


def test_without_a_version_a_changed_letter_text_is_a_new_version(db: None) -> None:
    set_letter("")
    first = letter_document().version
    set_letter("", text=LETTER + " It is renewed every year.")
    assert first and letter_document().version != first


def test_the_staff_campaign_page_shows_what_was_acknowledged_and_when(
    portal: Portal, login: Any
) -> None:
    set_letter()
    client = enter(portal, "a")
    request = portal.request["a"]
    accept(client, request.pk)
    client.post(
        f"/portal/requests/{request.pk}/policy/",
        {"name": "Taro Yamada", "email": "taro@alpha.example", "agree": "on"},
    )
    rows = {r.request.pk: r for r in campaign_progress(request.campaign).rows}
    documents = {a.document: a for a in rows[request.pk].acknowledgements}
    assert set(documents) == {"policy", "letter"}
    assert documents["letter"].version == "2026-1"
    assert documents["policy"].version == policy_document().version
    assert rows[portal.request["b"].pk].acknowledgements == ()
    page = login("admin").get(reverse("campaign", args=[request.campaign_id])).content.decode()
    day = documents["letter"].acknowledged_at.strftime("%Y-%m-%d")
    assert 'data-document="letter"' in page and f"letter of agreement {day}" in page
    assert f"policy {day}" in page


def test_the_letter_is_set_and_shown_through_the_profile_cli(db: None, tmp_path: Path) -> None:
    toml = tmp_path / "profile.toml"
    toml.write_text(
        'letter_of_agreement = "We agree."\n'
        'letter_of_agreement_url = "https://group.example/loa"\n'
        'letter_of_agreement_version = "v3"\n',
        encoding="utf-8",
    )
    loaded = CliRunner().invoke(main, ["profile", "load", str(toml)])
    assert loaded.exit_code == 0, loaded.output
    shown = json.loads(CliRunner().invoke(main, ["profile", "show", "--json"]).output)
    assert shown["letter_of_agreement"] == "We agree."
    assert shown["letter_of_agreement_version"] == "v3"
    assert letter_document().version == "v3" and letter_document().url.endswith("/loa")
    # report snapshots do not carry the letter (their fingerprints stay as they were)
    assert not hasattr(load_profile(), "letter_of_agreement")
    with pytest.raises(ProfileError, match="letter_of_agreement must be a text"):
        update_profile({"letter_of_agreement": ["a", "b"]}, "test")


def test_the_letter_is_asked_in_the_suppliers_language(portal: Portal) -> None:
    set_letter()
    client = enter(portal, "a")
    pk = portal.request["a"].pk
    japanese = client.get(f"/portal/requests/{pk}/letter/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "当社の合意書" in japanese.content.decode()
    chinese = client.get(f"/portal/requests/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "阅读并接受协议书" in chinese.content.decode()
