"""The docs keep up with the code: every finding code and every command is documented."""

from __future__ import annotations

from pathlib import Path

import click

from oretrace.cli import main
from oretrace.cmrt.findings import CODES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(group: click.Group, prefix: str = "oretrace") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


def test_every_finding_code_is_documented() -> None:
    text = (DOCS / "findings.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"`{code}`" not in text]
    assert missing == []


def test_every_command_has_help_and_docs() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    for path, command in _commands(main):
        assert command.help, f"{path} has no help text"
        assert f"`{path}" in text, f"{path} is not documented in docs/"


def test_the_rule_coverage_table_matches_the_catalogues() -> None:
    from oretrace.cmrt.rule_coverage import coverage_table

    text = (DOCS / "checker.md").read_text(encoding="utf-8")
    assert coverage_table() in text
