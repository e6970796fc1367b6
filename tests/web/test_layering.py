"""The web app reads the registry only through the scoped querysets of
``oretrace.registry.services.scope`` (or related managers of objects fetched through them):
no ``Model.objects`` in ``oretrace.web``, so no page can forget a person's scope."""

from __future__ import annotations

import re
from pathlib import Path

import oretrace.web

WEB = Path(oretrace.web.__file__).parent
MANAGER = re.compile(r"\b[A-Z]\w*\.objects\b")


def test_web_code_never_queries_a_model_manager_directly() -> None:
    offenders = [
        f"{path.relative_to(WEB)}:{number}: {line.strip()}"
        for path in sorted(WEB.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MANAGER.search(line)
    ]
    assert offenders == []
