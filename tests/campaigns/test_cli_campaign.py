"""The command-line loop as real processes on a database of their own: import, create, send
(twice), ``worker --burst`` delivering to a real SMTP server, ``status --json``'s keys."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.registry.test_worker_process import ORETRACE, Registry, registry  # noqa: F401
from tests.smtp_server import SmtpServer

DUE = (dt.date.today() + dt.timedelta(days=60)).isoformat()  # not overdue, no reminder yet
KEYS = ["invited", "opened", "responded", "valid", "with_findings", "overdue", "bounced"]


def test_create_send_burst_and_status_json(
    registry: Registry,  # noqa: F811
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "name,unique_id,country,group_company\n"
        "Alpha Metals,U-ALPHA,JAPAN,GA\nBeta Tin,U-BETA,GERMANY,GA\nGamma Gold,U-GAMMA,CHINA,GB\n",
        "utf-8",
    )
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "supplier,name,email,role\nU-ALPHA,Aiko,aiko@alpha.test,compliance\n"
        "U-GAMMA,Wei,wei@gamma.test,\n",
        "utf-8",
    )
    listing = tmp_path / "asked.csv"
    listing.write_text("supplier\nU-ALPHA\nBeta Tin\nNobody Ltd\n", "utf-8")
    registry.oretrace("import", "suppliers", str(suppliers))
    registry.oretrace("import", "contacts", str(contacts))
    refused = registry.oretrace_may_fail(
        "campaign", "create", "Q1", "--period", "2025", "--due", DUE,
        "--suppliers", str(listing),
    )  # fmt: skip
    assert refused.returncode == 1
    assert "row 4: supplier 'Nobody Ltd' is not known" in refused.stderr
    listing.write_text("supplier\nU-ALPHA\nBeta Tin\n", "utf-8")
    registry.oretrace(
        "campaign", "create", "Q1", "--period", "2025", "--due", DUE,
        "--group-company", "GA", "--suppliers", str(listing),
    )  # fmt: skip
    first = json.loads(registry.oretrace("campaign", "send", "Q1", "--json").stdout)
    assert first == {"queued": 1, "already": 0, "without_email": ["Beta Tin (U-BETA)"]}
    again = json.loads(registry.oretrace("campaign", "send", "Q1", "--json").stdout)
    assert again["queued"] == 0 and again["already"] == 1
    waiting = json.loads(registry.oretrace("outbox", "list", "--json").stdout)
    assert [(m["status"], m["to"]) for m in waiting] == [("queued", ["aiko@alpha.test"])]
    registry.oretrace("worker", "--burst", ORETRACE_SMTP_URL=smtp_server.url)
    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ["aiko@alpha.test"] and len(received.portal_tokens) == 1
    status = json.loads(registry.oretrace("campaign", "status", "Q1", "--json").stdout)
    assert list(status) == KEYS
    assert status == {k: (1 if k == "invited" else 0) for k in KEYS}
    sent = json.loads(registry.oretrace("outbox", "list", "--status", "sent", "--json").stdout)
    assert len(sent) == 1
    listed = json.loads(registry.oretrace("campaign", "list", "--json").stdout)
    assert [(c["name"], c["status"], c["suppliers"]) for c in listed] == [("Q1", "sent", 2)]


_QUEUE = """
import sys
from oretrace.cli.database import open_registry
open_registry()
from oretrace.registry.services.outbox import queue_message
for n in range(int(sys.argv[1])):
    queue_message(dedupe_key=f"race:{n}", purpose="test", to=[f"r{n}@supplier.test"],
                  subject=f"race {n}", body_text="hello")
"""


def test_two_worker_processes_never_send_a_message_twice(
    registry: Registry,  # noqa: F811
    smtp_server: SmtpServer,
) -> None:
    count = 30
    subprocess.run(
        [sys.executable, "-c", _QUEUE, str(count)], env=registry.env, check=True, timeout=300
    )
    env = {**registry.env, "ORETRACE_SMTP_URL": smtp_server.url}
    workers = [
        subprocess.Popen(
            [*ORETRACE, "worker", "--burst"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output
    received = smtp_server.wait_for(count)
    keys = sorted(r.message["X-Oretrace-Key"] for r in received)
    assert keys == sorted(f"race:{n}" for n in range(count))
    assert registry.count("SELECT count(*) FROM registry_outboxmessage WHERE status = 'sent'") == (
        count
    )


def test_a_running_worker_sends_what_is_queued_later(
    registry: Registry,  # noqa: F811
    smtp_server: SmtpServer,
) -> None:
    subprocess.run([sys.executable, "-c", _QUEUE, "0"], env=registry.env, check=True, timeout=300)
    worker = registry.start_worker(
        "--interval", "0.2", ORETRACE_SMTP_URL=smtp_server.url, ORETRACE_MAIL_INTERVAL_SECONDS="1"
    )
    try:
        subprocess.run(
            [sys.executable, "-c", _QUEUE, "3"], env=registry.env, check=True, timeout=300
        )
        received = smtp_server.wait_for(3, timeout=60)
        assert worker.poll() is None, "the worker stopped"
        assert sorted(r.subject for r in received) == ["race 0", "race 1", "race 2"]
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
