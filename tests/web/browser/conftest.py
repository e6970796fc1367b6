"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's
live server. Playwright's own browser download is impossible here, so the browser is the
system one (``ORETRACE_CHROMIUM``, default ``/usr/bin/chromium``; ``scripts/ensure-chromium.sh``
installs it). Screenshots of failures land under pytest-playwright's ``--output`` folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.conftest import FAST_HASHING, storage_in
from tests.web.world import PASSWORD, World, build_world

CHROMIUM = os.environ.get("ORETRACE_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/ensure-chromium.sh installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe_for_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in this thread for the session;
    # Django's ORM then refuses to run unless told it is safe. Requested only by the browser
    # tests (this conftest), set while they run, removed at the end of the session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_world(
    transactional_db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> World:
    monkeypatch.setenv("ORETRACE_REFERENCE_DIR", str(tmp_path / "reference"))
    settings.STORAGES = storage_in(tmp_path)
    settings.PASSWORD_HASHERS = FAST_HASHING
    return build_world(tmp_path)


@pytest.fixture
def sign_in(page: Page, live_server: Any) -> Iterator[Any]:
    """``sign_in("auditor")``: through the sign-in form, as a person would."""

    def as_user(username: str) -> Page:
        page.goto(f"{live_server.url}/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard/**")
        return page

    yield as_user
