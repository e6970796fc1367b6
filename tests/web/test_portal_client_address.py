"""Whose address the portal counts failures against: REMOTE_ADDR, or behind a trusted proxy
(ORETRACE_TRUSTED_PROXIES) the right-most X-Forwarded-For entry that is not a trusted proxy;
and a revoked or expired link used again counts as a failed attempt too."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from oretrace.registry.models import PortalAttempt, SupplierAccess
from oretrace.registry.services import portal_tokens
from oretrace.web.client_address import client_address
from tests.web.portal_world import Portal, build_portal, enter
from tests.web.world import World

PROXIES = ("10.0.0.0/8", "192.0.2.1", "2001:db8::/32")


@pytest.fixture
def portal(world: World) -> Portal:
    return build_portal(world)


def seen(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get("/portal/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_without_trusted_proxies_forwarded_for_is_ignored() -> None:
    assert seen("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert seen("10.1.2.3", "198.51.100.1") == "10.1.2.3"
    assert seen("") == "unknown" and seen("not an address") == "unknown"


@override_settings(ORETRACE_TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # one proxy
        ("10.0.0.5", "198.51.100.7, 10.2.0.1", "198.51.100.7"),  # two proxies
        ("10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # spoofed entry ignored
        ("192.0.2.1", " 198.51.100.8 ", "198.51.100.8"),  # a single trusted address
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # peer not trusted: header ignored
        ("10.0.0.5", "", "10.0.0.5"),  # no header: the proxy itself
        ("10.0.0.5", "10.0.0.9, 10.0.0.8", "10.0.0.9"),  # all trusted: the left-most
        ("10.0.0.5", "198.51.100.7, garbage", "10.0.0.5"),  # malformed: the last trusted hop
        ("2001:db8::1", "2001:db8::2, 2a00:1450::1", "2a00:1450::1"),  # IPv6
    ],
)
def test_behind_trusted_proxies_the_right_most_untrusted_entry_is_the_client(
    remote: str, forwarded: str, client: str
) -> None:
    assert seen(remote, forwarded) == client


@override_settings(ORETRACE_TRUSTED_PROXIES=("10.0.0.0/33",))
def test_a_malformed_trusted_proxy_setting_is_refused_by_name() -> None:
    with pytest.raises(ImproperlyConfigured, match="ORETRACE_TRUSTED_PROXIES"):
        seen("10.0.0.5", "198.51.100.7")


def test_a_malformed_trusted_proxy_variable_stops_the_app_at_start(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ORETRACE_")}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment
        | {
            "DJANGO_SETTINGS_MODULE": "oretrace.settings",
            "ORETRACE_DATA_DIR": str(tmp_path),
            "ORETRACE_TRUSTED_PROXIES": "10.0.0.1, proxy.example",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "ORETRACE_TRUSTED_PROXIES: 'proxy.example' is not an address" in started.stderr


@override_settings(
    ORETRACE_TRUSTED_PROXIES=PROXIES,
    ORETRACE_PORTAL_FAILURES_PER_IP=2,
    ORETRACE_PORTAL_FAILURES_GLOBAL=100,
)
def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(portal: Portal) -> None:
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(2):
        proxy.get(f"/portal/access/{'D' * 43}/", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert set(PortalAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    blocked = proxy.get(f"/portal/access/{'D' * 43}/", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert blocked.status_code == 429
    # the guesser cannot escape by writing another address to the left
    spoofed = proxy.get(
        f"/portal/access/{portal.token['a']}/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )
    assert spoofed.status_code == 429
    # another client behind the same proxy is not pooled with it
    other = proxy.get(f"/portal/access/{portal.token['a']}/", HTTP_X_FORWARDED_FOR="203.0.113.3")
    assert other.status_code == 302


@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=2, ORETRACE_PORTAL_FAILURES_GLOBAL=100)
def test_without_the_setting_a_forged_header_does_not_escape_the_limit(portal: Portal) -> None:
    guesser = Client(REMOTE_ADDR="198.51.100.30")
    for n in range(3):
        guesser.get(f"/portal/access/{'E' * 43}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert set(PortalAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.30"}
    assert guesser.get(f"/portal/access/{portal.token['a']}/").status_code == 429


def test_a_revoked_or_expired_link_used_again_is_a_failed_attempt(portal: Portal) -> None:
    revoked = portal_tokens.issue_access(portal.request["a"], "test")
    access = portal_tokens.find_access(revoked)
    assert access is not None
    portal_tokens.revoke_access(access, "test", "replaced")
    expired = portal_tokens.issue_access(
        portal.request["b"], "test", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client = Client(REMOTE_ADDR="198.51.100.40")
    for token in (revoked, expired, revoked):
        assert client.get(f"/portal/access/{token}/").status_code == 404
    assert PortalAttempt.objects.filter(ip_address="198.51.100.40").count() == 3


def test_a_session_whose_link_died_counts_one_failure_not_one_per_poll(portal: Portal) -> None:
    client = enter(portal, "a", Client(REMOTE_ADDR="198.51.100.50"))
    pk = portal.request["a"].pk
    assert client.get(f"/portal/requests/{pk}/answers/").status_code == 200
    assert not PortalAttempt.objects.exists()
    SupplierAccess.objects.filter(request=portal.request["a"]).update(revoked_at=timezone.now())
    for _ in range(5):  # a page left open keeps polling
        assert client.get(f"/portal/requests/{pk}/answers/").status_code == 404
    assert PortalAttempt.objects.filter(ip_address="198.51.100.50").count() == 1


def test_a_staff_session_on_a_portal_page_is_no_failed_attempt(portal: Portal, login: Any) -> None:
    admin = login("admin")
    assert admin.get(f"/portal/requests/{portal.request['a'].pk}/").status_code == 404
    assert not PortalAttempt.objects.exists()


@override_settings(ORETRACE_PORTAL_FAILURES_PER_IP=1, ORETRACE_PORTAL_FAILURES_GLOBAL=100)
def test_a_dead_link_in_a_session_counts_toward_the_limit(portal: Portal) -> None:
    client = enter(portal, "a", Client(REMOTE_ADDR="198.51.100.60"))
    SupplierAccess.objects.filter(request=portal.request["a"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(f"/portal/requests/{portal.request['a'].pk}/").status_code == 404
    assert client.get(f"/portal/access/{portal.token['b']}/").status_code == 429
