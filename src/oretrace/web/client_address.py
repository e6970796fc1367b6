"""The client's network address, honouring only the reverse proxies the operator trusts.

``X-Forwarded-For`` is written by whoever sends the request, so it is read only when the
direct peer (``REMOTE_ADDR``) is a trusted proxy (``ORETRACE_TRUSTED_PROXIES``). Each proxy
appends the address it received the request from, so the list is walked from the right:
trusted proxies are skipped and the first address that is not one is the client. Entries to
its left were written by the client itself and are never believed. A malformed entry stops
the walk at the last trusted hop, so a broken proxy pools its clients rather than letting
them pick an address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def trusted_networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    networks: list[Network] = []
    for entry in configured:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ORETRACE_TRUSTED_PROXIES: {entry!r} is not an address or network"
            ) from exc
    return tuple(networks)


def parsed(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = trusted_networks(tuple(getattr(settings, "ORETRACE_TRUSTED_PROXIES", ())))
    return any(address.version == n.version and address in n for n in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind trusted proxies the right-most
    untrusted ``X-Forwarded-For`` entry; ``"unknown"`` when there is none."""
    peer = parsed(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return UNKNOWN
    if not is_trusted(peer):
        return str(peer)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hop = peer
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = parsed(entry)
        if address is None:
            return str(hop)
        if not is_trusted(address):
            return str(address)
        hop = address
    return str(hop)
