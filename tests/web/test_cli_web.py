"""``oretrace users add``, ``oretrace serve`` (a real gunicorn process serving pages and
static files) and ``check --deploy`` for serve's settings, in both HTTP modes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, StaffRole
from oretrace.registry.services.scope import staff_scope_for
from tests.web.world import World

OREtrace = [str(Path(sys.executable).parent / "oretrace")]  # the installed console script


@pytest.mark.django_db
def test_users_add_creates_scoped_people(world: World) -> None:
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["users", "add", "carol", "--role", "officer", "--group-company", "GA",
         "--group-company", "Group GB", "--email", "carol@group.test", "--password-stdin"],
        input="s3cret pass\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added carol: officer (GA, GB)" in added.output
    user = authenticate(username="carol", password="s3cret pass")
    assert user is not None
    scope = staff_scope_for(user)
    assert scope is not None and scope.group_company_ids == {c.pk for c in world.company.values()}
    entry = AuditEntry.objects.get(action="user.added", data__username="carol")
    assert entry.actor.startswith("cli") and entry.data["group_companies"] == ["GA", "GB"]
    changed = runner.invoke(
        main, ["users", "add", "carol", "--role", "auditor", "--password-stdin"], input="new\n"
    )
    assert changed.exit_code == 0 and "changed carol: auditor" in changed.output
    assert StaffRole.objects.get(user__username="carol").group_companies.count() == 0
    assert StaffRole.objects.get(user__username="carol").user.email == "carol@group.test"
    assert entry.data["email"] == "carol@group.test"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer"], "an officer needs at least one --group-company"),
        (["--role", "officer", "--group-company", "NOPE"], "no group company with code 'NOPE'"),
        (["--role", "auditor", "--group-company", "GA"], "--group-company is for officers"),
        (["--role", "auditor", "--email", "carol at group"], "is not an e-mail address"),
    ],
)
def test_users_add_refuses_what_cannot_be_scoped(
    world: World, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        main, ["users", "add", "dave", *args, "--password-stdin"], input="pw\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert not StaffRole.objects.filter(user__username="dave").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> Any:
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as answered:
        return answered


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Nothing of this test session's own settings (DJANGO_ALLOW_ASYNC_UNSAFE, set while the
    # browser tests run, would rightly fail the deploy check).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORETRACE_", "DJANGO_"))}
    # A fresh SQLite registry of its own: the suite's PostgreSQL database only exists as the
    # test database inside this process.
    env.update(ORETRACE_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def test_serve_runs_gunicorn_with_static_files(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*OREtrace, "serve", "--port", str(port), "--workers", "1"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                login = _get(f"{base}/accounts/login/")
                break
            except urllib.error.URLError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "serve did not answer within 90 s"
                time.sleep(0.5)
        assert login.status == 200
        page = login.read().decode()
        assert 'name="username"' in page and 'name="password"' in page
        assert "gunicorn" in login.headers.get("Server", "")
        htmx = _get(f"{base}/static/web/htmx.min.js")
        assert htmx.status == 200 and htmx.read(40).startswith(b"/*! htmx.org")
        assert _get(f"{base}/static/admin/css/base.css").status == 200
        assert _get(f"{base}/dashboard/").geturl().startswith(f"{base}/accounts/login/")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("https", ["", "1"])
def test_deploy_check_is_clean_for_serves_settings(tmp_path: Path, https: str) -> None:
    result = subprocess.run(
        [*OREtrace, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path, ORETRACE_HTTPS=https),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
