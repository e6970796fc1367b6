"""The portal's security: one neutral answer for every link that does not open, failed
attempts rate-limited in the database, CSRF on every form, no open redirects, the portal's
headers, and a supplier that never reaches another supplier's data or a staff page."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import get_resolver
from django.utils import timezone

from oretrace.registry.models import PortalAttempt, SupplierAccess, SupplierRequest
from oretrace.registry.services import portal_attempts, portal_tokens
from tests.web.portal_world import Portal, build_portal, enter
from tests.web.world import World


@pytest.fixture
def portal(world: World) -> Portal:
    return build_portal(world)


def neutral_text(html: str) -> str:
    main = re.search(r"<main>(.*)</main>", html, re.S)
    assert main is not None
    return main.group(1)


def expired_token(portal: Portal) -> str:
    return portal_tokens.issue_access(
        portal.request["a"], "test", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )


def revoked_token(portal: Portal) -> str:
    raw = portal_tokens.issue_access(portal.request["a"], "test")
    access = portal_tokens.find_access(raw)
    assert access is not None
    portal_tokens.revoke_access(access, "test", "left the company")
    return raw


def test_every_link_that_does_not_open_gets_the_same_answer(portal: Portal) -> None:
    tokens = {
        "malformed": "not-a-token",
        "unknown": "A" * 43,
        "expired": expired_token(portal),
        "revoked": revoked_token(portal),
    }
    answers = {}
    for kind, token in tokens.items():
        response = Client().get(f"/portal/access/{token}/")
        answers[kind] = (response.status_code, neutral_text(response.content.decode()))
        assert "sessionid" not in response.cookies, kind
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values()))[0] == 404
    assert "does not open a request" in next(iter(answers.values()))[1]
    no_session = Client().get(f"/portal/requests/{portal.request['a'].pk}/")
    assert (no_session.status_code, neutral_text(no_session.content.decode())) == answers["unknown"]


@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=3, ORETRACE_PORTAL_FAILURES_GLOBAL=100)
def test_failed_attempts_are_limited_per_address(portal: Portal) -> None:
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        assert guesser.get(f"/portal/access/{'B' * 43}/").status_code == 404
    blocked = guesser.get(f"/portal/access/{'B' * 43}/")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    # even a good link waits: the answer must not tell a guessed token from a bad one
    assert guesser.get(f"/portal/access/{portal.token['a']}/").status_code == 429
    assert PortalAttempt.objects.filter(ip_address="198.51.100.9").count() == 3
    other = Client(REMOTE_ADDR="203.0.113.5")
    assert other.get(f"/portal/access/{portal.token['a']}/").status_code == 302


@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=100, ORETRACE_PORTAL_FAILURES_GLOBAL=4)
def test_failed_attempts_are_limited_overall(portal: Portal) -> None:
    for n in range(4):
        Client(REMOTE_ADDR=f"198.51.100.{n}").get(f"/portal/access/{'C' * 43}/")
    assert Client(REMOTE_ADDR="203.0.113.77").get("/portal/access/x/").status_code == 429


@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=2, ORETRACE_PORTAL_FAILURE_WINDOW_SECONDS=60)
def test_old_failures_are_forgotten_after_the_window(db: None) -> None:
    past = timezone.now() - dt.timedelta(seconds=120)
    portal_attempts.record_failure("192.0.2.1", now=past)
    portal_attempts.record_failure("192.0.2.1", now=past)
    assert portal_attempts.refused("192.0.2.1", now=past)
    assert not portal_attempts.refused("192.0.2.1")
    portal_attempts.record_failure("192.0.2.1")
    assert PortalAttempt.objects.count() == 1  # the old ones were pruned


def test_portal_answers_carry_noindex_no_referrer_and_no_store(portal: Portal) -> None:
    client = enter(portal, "a")
    for response in (
        client.get(f"/portal/requests/{portal.request['a'].pk}/"),
        Client().get("/portal/access/nothing/"),
        Client().get(f"/portal/access/{portal.token['b']}/"),
    ):
        assert response["X-Robots-Tag"].startswith("noindex")
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


def csrf_client(portal: Portal) -> tuple[Client, str]:
    client = enter(portal, "a", Client(enforce_csrf_checks=True))
    page = client.get(f"/portal/requests/{portal.request['a'].pk}/contacts/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client, token.group(1)


def test_every_portal_form_needs_the_csrf_token(portal: Portal) -> None:
    client, token = csrf_client(portal)
    pk = portal.request["a"].pk
    forms: dict[str, dict[str, str]] = {
        f"/portal/requests/{pk}/contacts/": {"name": "X", "email": "x@example.com"},
        f"/portal/requests/{pk}/policy/": {"name": "X", "email": "x@example.com", "agree": "on"},
        "/portal/language/": {"language": "ja", "next": "/portal/"},
        "/portal/leave/": {},
    }
    for url, data in forms.items():
        assert client.post(url, data).status_code == 403, url
    request = SupplierRequest.objects.get(pk=pk)
    assert request.contacts_confirmed_at is None and request.locale == ""
    contacts = f"/portal/requests/{pk}/contacts/"
    with_token = client.post(contacts, {**forms[contacts], "csrfmiddlewaretoken": token})
    assert with_token.status_code == 302


def test_origin_null_passes_only_when_the_browser_says_same_origin(portal: Portal) -> None:
    """no-referrer makes browsers send Origin: null with the portal's own posts."""
    client, token = csrf_client(portal)
    url = f"/portal/requests/{portal.request['a'].pk}/contacts/"
    data = {"name": "Taro", "email": "taro@alpha.example", "csrfmiddlewaretoken": token}
    null = {"HTTP_ORIGIN": "null"}
    assert client.post(url, data, **null, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert client.post(url, data, **null).status_code == 403
    assert (
        client.post(
            url, data, HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="same-origin"
        ).status_code
        == 403
    )
    without_token = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    assert (
        client.post(url, without_token, **null, HTTP_SEC_FETCH_SITE="same-origin").status_code
        == 403
    )
    assert client.post(url, data, **null, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "http:evil.example"]
)
def test_switching_language_never_redirects_off_site(portal: Portal, target: str) -> None:
    client = enter(portal, "a")
    response = client.post("/portal/language/", {"language": "ja", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert SupplierRequest.objects.get(pk=portal.request["a"].pk).locale == "ja"


def test_switching_language_keeps_a_same_site_next_and_stores_the_locale(
    portal: Portal,
) -> None:
    client = enter(portal, "a")
    here = f"/portal/requests/{portal.request['a'].pk}/"
    response = client.post("/portal/language/", {"language": "zh-hans", "next": here})
    assert response["Location"] == here
    for request in (portal.request["a"], portal.second):
        assert request is not None
        assert SupplierRequest.objects.get(pk=request.pk).locale == "zh-hans"
    assert SupplierRequest.objects.get(pk=portal.request["b"].pk).locale == ""
    assert client.post("/portal/language/", {"language": "xx", "next": here}).status_code == 302
    assert SupplierRequest.objects.get(pk=portal.request["a"].pk).locale == "zh-hans"


def portal_urls(pk: int) -> list[str]:
    return [
        f"/portal/requests/{pk}/",
        f"/portal/requests/{pk}/contacts/",
        f"/portal/requests/{pk}/policy/",
        f"/portal/requests/{pk}/template/",
        f"/portal/requests/{pk}/answers/",
    ]


def test_a_supplier_never_reaches_another_suppliers_request(portal: Portal) -> None:
    client = enter(portal, "a")
    theirs = portal.request["b"]
    for url in portal_urls(theirs.pk) + portal_urls(portal.draft.pk) + portal_urls(999999):  # type: ignore[union-attr]
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Beta Smelting" not in response.content.decode()
    posted = client.post(
        f"/portal/requests/{theirs.pk}/contacts/", {"name": "Mallory", "email": "m@evil.example"}
    )
    assert posted.status_code == 404
    theirs.refresh_from_db()
    assert theirs.contacts_confirmed_at is None and theirs.email != "m@evil.example"
    assert "Beta Smelting" not in client.get("/portal/").content.decode()


def test_another_link_replaces_the_session_instead_of_adding_to_it(portal: Portal) -> None:
    client = enter(portal, "a")
    enter(portal, "b", client)
    assert client.get(f"/portal/requests/{portal.request['b'].pk}/").status_code == 200
    assert client.get(f"/portal/requests/{portal.request['a'].pk}/").status_code == 404


def test_a_link_revoked_or_expired_during_a_session_ends_it(portal: Portal) -> None:
    client = enter(portal, "a")
    url = f"/portal/requests/{portal.request['a'].pk}/"
    assert client.get(url).status_code == 200
    access = SupplierAccess.objects.get(request=portal.request["a"])
    portal_tokens.revoke_access(access, "test")
    assert client.get(url).status_code == 404
    other = enter(portal, "b")
    SupplierAccess.objects.filter(request=portal.request["b"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert other.get(f"/portal/requests/{portal.request['b'].pk}/").status_code == 404


STAFF_URLS = ["/", "/dashboard/", "/suppliers/", "/declarations/", "/upload/", "/audit/"]


def test_a_portal_session_opens_no_staff_page(portal: Portal) -> None:
    client = enter(portal, "a")
    for url in STAFF_URLS:
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


def test_a_staff_session_opens_no_portal_page(portal: Portal, login: Any) -> None:
    admin = login("admin")
    for url in portal_urls(portal.request["a"].pk) + ["/portal/"]:
        assert admin.get(url).status_code == 404, url


def test_every_portal_route_is_covered_by_the_isolation_tests() -> None:
    covered = {
        "portal-home",
        "portal-access",
        "portal-request",
        "portal-contacts",
        "portal-policy",
        "portal-language",
        "portal-leave",
        *ANSWER_ROUTES,
    }
    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.startswith("portal-")
    }
    assert names == covered


#: routes of the answers module, covered in test_portal_answers.py
ANSWER_ROUTES = {"portal-template", "portal-upload", "portal-answers", "portal-sheet"}


@pytest.mark.django_db(transaction=True)
@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=3)
def test_failures_counted_by_another_process_block_this_one() -> None:
    """The count lives in the database, so every server process sees the others' failures."""
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("SQLite test databases live in this process's memory")
    url = (
        f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "import django; django.setup()\n"
        "from oretrace.registry.services import portal_attempts\n"
        "for _ in range(3): portal_attempts.record_failure('198.51.100.77')\n"
    )
    environment = {
        **os.environ,
        "ORETRACE_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "oretrace.settings",
    }
    subprocess.run([sys.executable, "-c", script], env=environment, check=True, timeout=120)
    assert portal_attempts.refused("198.51.100.77")
    blocked = Client(REMOTE_ADDR="198.51.100.77").get(f"/portal/access/{'D' * 43}/")
    assert blocked.status_code == 429
    assert not portal_attempts.refused("198.51.100.78")
