"""A real SMTP server for tests (aiosmtpd on a free loopback port) that records what it
receives, and can answer chosen recipients with chosen replies (``451 …`` then ``250``, a
``550 …``) to exercise retries and bounces.

Use the ``smtp_server`` fixture (registered in tests/conftest.py): it starts the server,
points Django's e-mail settings and ``ORETRACE_SMTP_URL`` at it, and stops it afterwards.
Processes started by a test reach it through ``smtp_server.url`` (``ORETRACE_SMTP_URL``).
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from oretrace.settings import email_from_url

_TOKEN_LINK = re.compile(r"/portal/access/([A-Za-z0-9_-]{43})/")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""  # type: ignore[no-any-return]

    @property
    def portal_tokens(self) -> list[str]:
        """The raw portal tokens in the message's links."""
        return _TOKEN_LINK.findall(self.body)


class RecordingHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.replies: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        with self.lock:
            queued = self.replies.get(address.lower())
            reply = queued.pop(0) if queued else "250 OK"
            if queued is not None and not queued and not reply.startswith("5"):
                self.replies.pop(address.lower(), None)
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, handler: RecordingHandler, host: str, port: int) -> None:
        self.handler, self.host, self.port = handler, host, port

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def answer(self, address: str, *replies: str) -> None:
        """Answer RCPT TO ``address`` with ``replies`` in turn (then 250; a 5xx stays)."""
        with self.handler.lock:
            self.handler.replies[address.lower()] = list(replies)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    server = SmtpServer(handler, "127.0.0.1", int(controller.port))
    settings.ORETRACE_SMTP_URL = server.url
    for name, value in email_from_url(server.url).items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()
