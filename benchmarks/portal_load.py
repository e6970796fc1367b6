"""A bounded burst of concurrent portal uploads against a real server and real workers.

    .venv/bin/python benchmarks/portal_load.py [--uploads 200] [--concurrency 50]
        [--workers 1,2] [--database-url postgres://…] [--serve-workers 2]

Starts ``oretrace serve`` on 127.0.0.1 (a free port) over a fresh data folder and PostgreSQL
(``--database-url``, ``ORETRACE_DATABASE_URL``, or a throwaway server through
``scripts/with-postgres.sh``; set ``ORETRACE_PG_PORT`` on a shared machine). For each worker
count it creates and sends a campaign with one supplier per upload through the campaign
services (each portal link read back from its invitation in the outbox), opens every link
as a supplier would (token landing → session → the request page with its CSRF token),
starts that many ``oretrace worker`` processes, then sends the uploads ``--concurrency`` at
a time through the portal's upload form and waits until every file is
processed. The files are the real templates in ../shared/corpus/cmrt (CMRT .xlsx), each made
distinct by writing the supplier's name into its company-name cell; without the corpus,
workbooks of oretrace's own writer. It prints uploads per second, p50/p95 upload response
time, the time until every file is processed, and checks that none was lost or stored twice
(PortalSubmission ↔ StoredFile ↔ Declaration). The baseline, measured in the same run: a
bare ``oretrace ingest`` of the same files (another period), so the figures read as ratios.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "cmrt"
BIN = Path(sys.executable).parent
#: Server and worker logs of the last run (outside the repository).
OUT = Path(tempfile.gettempdir()) / "oretrace-portal-load"
_LINK = re.compile(r"/portal/access/([A-Za-z0-9_-]{43})/")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- files ---------------------------------------------------------------------------


@functools.cache
def corpus_templates() -> list[tuple[str, bytes, str]]:
    """(name, bytes, company-name cell) of the corpus's readable, unencrypted CMRT .xlsx."""
    from oretrace.cmrt.check import check_bytes

    found = []
    for path in sorted(CORPUS.glob("*.xlsx")) if CORPUS.is_dir() else []:
        data = path.read_bytes()
        if not data.startswith(b"PK"):
            continue
        result = check_bytes(data, path.name)
        read = result.declaration
        if result.error is not None or read is None or read.template != "CMRT":
            continue
        cell = read.company.get("company_name")
        if cell is not None and cell.address:
            found.append((path.name, data, cell.address))
    return found


def with_company(data: bytes, address: str, company: str) -> bytes:
    """The workbook with ``company`` typed into its company-name cell (zip/XML patch)."""
    from oretrace.reporting.xlsx_patch import SheetPatch, rewrite_zip, sheet_parts

    sheet, _, ref = address.rpartition("!")
    sheet = sheet.strip("'").replace("''", "'")
    archive = zipfile.ZipFile(io.BytesIO(data))
    part = sheet_parts(archive)[sheet].path
    patch = SheetPatch.parse(archive.read(part))
    patch.write(ref.replace("$", ""), company)
    return rewrite_zip(archive, {part: patch.to_bytes()})


def upload_files(names: list[str]) -> tuple[list[tuple[str, bytes]], str]:
    """One distinct workbook per supplier name, and where they came from."""
    templates = corpus_templates()
    if templates:
        files = []
        for number, company in enumerate(names):
            name, data, cell = templates[number % len(templates)]
            files.append((f"{number:04d}-{name}", with_company(data, cell, company)))
        return files, f"{len(templates)} real CMRT templates from {CORPUS}"
    from oretrace.cmrt.writer import draft_bytes
    from oretrace.demo import cmrt_draft

    files = [
        (f"{n:04d}-generated.xlsx", draft_bytes(cmrt_draft(company, "6.5", ("Tin", "Gold"))))
        for n, company in enumerate(names)
    ]
    return files, "generated workbooks (no corpus)"


# --- processes -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oretrace(*args: str) -> list[str]:
    return [str(BIN / "oretrace"), *args]


@dataclass
class Started:
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("wb")
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)


def wait_for_server(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/portal/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"oretrace serve did not answer on port {port} within {timeout:.0f} s")


# --- the portal, as a supplier's browser uses it ----------------------------------------


class SupplierBrowser:
    """One supplier's browser: cookies, and the request it answers."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.cookies: dict[str, str] = {}
        self.request_path = ""
        self.csrf = ""

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        connection.close()
        return response.status, dict(response.headers.items()), data

    def open_link(self) -> None:
        """Token landing → session → the request page and its CSRF token."""
        status, headers, _ = self._send("GET", f"/portal/access/{self.token}/")
        if status != 302:
            raise RuntimeError(f"portal link answered {status}")
        self.request_path = headers["Location"]
        status, _, page = self._send("GET", self.request_path)
        found = _CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or found is None:
            raise RuntimeError(f"request page answered {status} without a form")
        self.csrf = found.group(1)

    def upload(self, name: str, data: bytes) -> tuple[float, int]:
        """POST one file through the upload form; (seconds, status)."""
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                f"\r\n\r\n{self.csrf}\r\n".encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: application/vnd.openxmlformats-'
                "officedocument.spreadsheetml.sheet\r\n\r\n".encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"http://127.0.0.1:{self.port}{self.request_path}",
        }
        started = time.perf_counter()
        status, _, _ = self._send("POST", f"{self.request_path}upload/", body, headers)
        return time.perf_counter() - started, status


def in_parallel(work: list[Callable[[], Any]], concurrency: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda job: job(), work))


# --- one round -----------------------------------------------------------------------


@dataclass
class Round:
    workers: int
    uploads: int
    seconds_links: float = 0.0
    seconds_burst: float = 0.0
    seconds_processed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    refused: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def uploads_per_second(self) -> float:
        return self.uploads / self.seconds_burst if self.seconds_burst else 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def make_campaign(year: int, names: list[str]) -> tuple[Any, list[str]]:
    """A campaign asking ``names`` (new suppliers, each with a contact), created and sent
    through the campaign services; each supplier's portal link read back from its invitation
    in the outbox, as the supplier would read it in the e-mail."""
    import datetime as dt

    from oretrace.registry.models import Contact, OutboxMessage, Supplier
    from oretrace.registry.services import campaigns
    from oretrace.registry.services.scope import StaffScope
    from oretrace.registry.services.suppliers import normalise_company

    ids = []
    for number, name in enumerate(names):
        supplier = Supplier.objects.create(name=name, normalised_name=normalise_company(name))
        Contact.objects.create(
            supplier=supplier, name="Load Test", email=f"s{year}-{number}@load.test", role="CMRT"
        )
        ids.append(supplier.pk)
    campaign = campaigns.create_campaign(
        f"portal load {year} {uuid.uuid4().hex[:6]}",
        period=year,
        due_on=dt.date(year + 1, 3, 31),
        actor="bench:portal_load",
        scope=StaffScope.everything("bench"),
        supplier_ids=ids,
    )
    campaigns.send_campaign(campaign, "bench:portal_load")
    bodies = (
        OutboxMessage.objects.filter(campaign=campaign, purpose="invitation")
        .order_by("request_id")
        .values_list("body_text", flat=True)
    )
    tokens = [found.group(1) for body in bodies if (found := _LINK.search(body))]
    if len(tokens) != len(names):
        raise SystemExit(f"{len(tokens)} portal links in {len(names)} invitations")
    return campaign, tokens


def wait_processed(campaign: Any, uploads: int, timeout: float) -> bool:
    from oretrace.registry.models import Job, PortalSubmission

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submitted = PortalSubmission.objects.filter(request__campaign=campaign)
        if submitted.count() >= uploads:
            open_jobs = (
                Job.objects.filter(portal_submissions__request__campaign=campaign)
                .exclude(status__in=Job.TERMINAL)
                .distinct()
                .count()
            )
            linked = submitted.exclude(declaration=None).count()
            if open_jobs == 0 and linked >= uploads:
                return True
            if open_jobs == 0:  # every job finished, some file never linked: stop waiting
                return False
        time.sleep(0.25)
    return False


def count_checks(campaign: Any, expected: int) -> tuple[dict[str, int], list[str]]:
    from oretrace.registry.models import Declaration, Job, PortalSubmission
    from oretrace.registry.services.submissions import answer_states

    submitted = PortalSubmission.objects.filter(request__campaign=campaign)
    files = set(submitted.values_list("stored_file_id", flat=True))
    declarations = Declaration.objects.filter(period=campaign.period, stored_file_id__in=files)
    jobs = Job.objects.filter(portal_submissions__request__campaign=campaign).distinct()
    states = answer_states(campaign.requests.all())
    checks = {
        "submissions": submitted.count(),
        "stored_files": len(files),
        "declarations": declarations.count(),
        "linked": submitted.exclude(declaration=None).count(),
        "jobs_failed": jobs.filter(status=Job.Status.FAILED).count(),
        "answered": sum(1 for s in states.values() if s.responded),
    }
    problems = [
        f"{key} = {checks[key]}, expected {expected}"
        for key in ("submissions", "stored_files", "declarations", "linked", "answered")
        if checks[key] != expected
    ]
    if checks["jobs_failed"]:
        problems.append(f"{checks['jobs_failed']} jobs failed")
    return checks, problems


def run_round(
    workers: int, year: int, args: argparse.Namespace, port: int, env: dict[str, str]
) -> Round:
    result = Round(workers, args.uploads)
    names = [f"Portal Load {year} Supplier {n:04d}" for n in range(args.uploads)]
    files, _ = upload_files(names)
    campaign, tokens = make_campaign(year, names)
    suppliers = [SupplierBrowser(port, token) for token in tokens]
    started = time.perf_counter()
    in_parallel([s.open_link for s in suppliers], args.concurrency)
    result.seconds_links = time.perf_counter() - started
    processes = Started()
    for number in range(workers):
        processes.start(
            oretrace("worker", "--interval", "0.2", "--id", f"bench-{year}-{number}"),
            OUT / f"worker-{year}-{number}.log",
            env,
        )
    try:
        burst = time.perf_counter()
        outcomes = in_parallel(
            [
                (lambda s=s, f=f: s.upload(*f))  # type: ignore[misc]
                for s, f in zip(suppliers, files, strict=True)
            ],
            args.concurrency,
        )
        result.seconds_burst = time.perf_counter() - burst
        result.latencies = [seconds for seconds, _ in outcomes]
        result.refused = sum(1 for _, status in outcomes if status != 302)
        done = wait_processed(campaign, args.uploads - result.refused, args.timeout)
        result.seconds_processed = time.perf_counter() - burst
        if not done:
            result.problems.append("not every file was processed before the timeout")
    finally:
        processes.stop_all()
    result.checks, problems = count_checks(campaign, args.uploads)
    result.problems += problems
    return result


def baseline(files: list[tuple[str, bytes]], year: int, env: dict[str, str]) -> float:
    """Seconds for a bare ``oretrace ingest`` of the same files (period ``year``)."""
    folder = Path(tempfile.mkdtemp(prefix="portal-load-baseline-"))
    try:
        for name, data in files:
            (folder / name).write_bytes(data)
        started = time.perf_counter()
        subprocess.run(
            oretrace("ingest", str(folder), "--period", str(year), "--no-warm"),
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- main ----------------------------------------------------------------------------


def fresh_database(url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of ``url``: its URL, and how to drop it."""
    import psycopg

    name = f"oretrace_portal_load_{os.getpid()}_{int(time.time())}"
    server, _, _ = url.rpartition("/")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--serve-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a throwaway server)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait per round")
    args = parser.parse_args()
    url = args.database_url or os.environ.get("ORETRACE_DATABASE_URL")
    if not url:
        script = REPO / "scripts" / "with-postgres.sh"
        return subprocess.call([str(script), sys.executable, *sys.argv])
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the portal load benchmark runs on PostgreSQL (--database-url)")
    url, drop_database = fresh_database(url)
    data = Path(tempfile.mkdtemp(prefix="portal-load-"))
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "ORETRACE_DATABASE_URL": url,
        "ORETRACE_DATA_DIR": str(data / "data"),
        "ORETRACE_BASE_URL": "http://127.0.0.1",
        "ORETRACE_JOB_HEARTBEAT_SECONDS": "5",
    }
    os.environ.update(env)
    from oretrace.cli.database import open_registry

    open_registry(migrate=True)
    port = free_port()
    env["ORETRACE_BASE_URL"] = f"http://127.0.0.1:{port}"
    server = Started()
    server.start(
        oretrace("serve", "--port", str(port), "--workers", str(args.serve_workers)),
        OUT / "serve.log",
        env,
    )
    rounds: list[Round] = []
    try:
        wait_for_server(port)
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
        base_files, source = upload_files(
            [f"Portal Load Baseline Supplier {n:04d}" for n in range(args.uploads)]
        )
        print(f"files: {source}; {args.uploads} uploads, {args.concurrency} at a time")
        print(f"server: oretrace serve, {args.serve_workers} gunicorn processes, port {port}")
        seconds_base = baseline(base_files, 2040, env)
        print(
            f"baseline: oretrace ingest of {len(base_files)} files: {seconds_base:.1f} s "
            f"({len(base_files) / seconds_base:.1f} files/s)"
        )
        for number, workers in enumerate(counts):
            result = run_round(workers, 2030 + number, args, port, env)
            rounds.append(result)
            _report(result, seconds_base)
    finally:
        server.stop_all()
        shutil.rmtree(data, ignore_errors=True)
        drop_database()
    return 1 if any(r.problems for r in rounds) else 0


def _report(result: Round, seconds_base: float) -> None:
    print(f"\n{result.workers} worker(s):")
    print(f"  portal links opened (landing → session → CSRF): {result.seconds_links:.1f} s")
    print(
        f"  upload burst: {result.uploads} in {result.seconds_burst:.1f} s = "
        f"{result.uploads_per_second:.1f} uploads/s; response p50 "
        f"{statistics.median(result.latencies) * 1000:.0f} ms, p95 "
        f"{percentile(result.latencies, 0.95) * 1000:.0f} ms; refused {result.refused}"
    )
    print(
        f"  every file processed after {result.seconds_processed:.1f} s "
        f"({result.uploads / result.seconds_processed:.1f} files/s; "
        f"{result.seconds_processed / seconds_base:.2f}× the bare ingest)"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in result.checks.items()))
    for problem in result.problems:
        print(f"  PROBLEM: {problem}")
    if not result.problems:
        print("  none lost, none stored twice")


if __name__ == "__main__":
    threading.current_thread().name = "portal-load"
    sys.exit(main())
