"""Web tests run against the real database (SQLite or PostgreSQL) on a small two-company
group (``world.py``). The group is built once per test module inside an outer transaction
that is rolled back at the end (what Django's ``TestCase.setUpTestData`` does); each test
runs in its own savepoint inside it. Stored files go to a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from tests.web.world import PASSWORD, World, build_world

FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only


def storage_in(folder: Path) -> dict[str, Any]:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder / "files")},
        },
    }


@pytest.fixture(scope="module")
def module_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("web")
    previous = os.environ.get("ORETRACE_REFERENCE_DIR")
    os.environ["ORETRACE_REFERENCE_DIR"] = str(folder / "reference")
    with override_settings(STORAGES=storage_in(folder), PASSWORD_HASHERS=FAST_HASHING):
        yield folder
    if previous is None:
        os.environ.pop("ORETRACE_REFERENCE_DIR", None)
    else:
        os.environ["ORETRACE_REFERENCE_DIR"] = previous


@pytest.fixture(scope="module")
def module_world(
    django_db_setup: None, django_db_blocker: Any, module_folder: Path
) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(module_folder)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(module_world: World, db: None) -> World:
    return module_world


@pytest.fixture
def login() -> Any:
    """``login("officer_a")`` → a client signed in as that person."""

    def sign_in(username: str) -> Client:
        fresh = Client()
        assert fresh.login(username=username, password=PASSWORD)
        return fresh

    return sign_in
