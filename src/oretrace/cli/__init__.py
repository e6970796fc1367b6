"""The ``oretrace`` console command: a thin shell that parses arguments and calls services."""

from __future__ import annotations

import click

from oretrace import __version__
from oretrace.cli.audit import audit
from oretrace.cli.campaigns import campaign, outbox
from oretrace.cli.check import check
from oretrace.cli.corrections import correct
from oretrace.cli.demo_data import demo_data
from oretrace.cli.profile import profile
from oretrace.cli.records import backup, evidence, hold, restore, retention
from oretrace.cli.registry import import_, ingest, manage, status
from oretrace.cli.reports import report, rollup
from oretrace.cli.review import changes, review
from oretrace.cli.smelters import smelters
from oretrace.cli.templates import templates
from oretrace.cli.web import serve, users
from oretrace.cli.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oretrace")
def main() -> None:
    """oretrace — conflict-minerals information management (CMRT/EMRT/CRT/AMRT)."""


main.add_command(check)
main.add_command(smelters)
main.add_command(ingest)
main.add_command(import_)
main.add_command(manage)
main.add_command(demo_data)
main.add_command(status)
main.add_command(review)
main.add_command(changes)
main.add_command(profile)
main.add_command(report)
main.add_command(rollup)
main.add_command(audit)
main.add_command(correct)
main.add_command(templates)
main.add_command(worker)
main.add_command(serve)
main.add_command(users)
main.add_command(evidence)
main.add_command(backup)
main.add_command(restore)
main.add_command(hold)
main.add_command(retention)
main.add_command(campaign)
main.add_command(outbox)
