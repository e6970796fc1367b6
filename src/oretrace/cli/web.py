"""Web commands: ``serve`` (gunicorn + whitenoise) and ``users add``."""

from __future__ import annotations

import sys
from typing import Any

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor

ROLES = ("admin", "officer", "reviewer", "auditor")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True, help="gunicorn processes.")
@click.option("--timeout", type=int, default=120, show_default=True, help="Seconds per request.")
def serve(host: str, port: int, workers: int, timeout: int) -> None:
    """Serve the web app with gunicorn (static files included, through whitenoise).

    Applies pending migrations first. Behind an HTTPS proxy set ORETRACE_HTTPS=1 (secure
    cookies, HSTS, X-Forwarded-Proto trusted) and ORETRACE_ALLOWED_HOSTS to its host name.
    """
    open_registry()
    from gunicorn.app.base import BaseApplication

    from oretrace.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "timeout": timeout,
                "accesslog": "-",
                "proc_name": "oretrace",
            }
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 24+: a socket per
                options["control_socket_disable"] = True  # $HOME would clash between serves
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    click.echo(f"oretrace serving on http://{host}:{port}/ ({workers} workers)", err=True)
    Server().run()


@click.group()
def users() -> None:
    """Staff accounts: administrators, compliance officers, reviewers, auditors."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--group-company",
    "group_companies",
    multiple=True,
    metavar="CODE",
    help="An officer's group company (code or name); repeat for several.",
)
@click.option(
    "--email",
    default=None,
    help="The person's e-mail address (officers get the after-due campaign reminders in copy).",
)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
def add(
    name: str,
    role: str,
    group_companies: tuple[str, ...],
    email: str | None,
    password_stdin: bool,
) -> None:
    """Add a person (or change an existing one's role, group companies and password).

    Officers see and act on the suppliers of their group companies only; administrators,
    reviewers and auditors see the whole group; auditors change nothing.
    """
    password = sys.stdin.readline().rstrip("\r\n")
    open_registry()
    from oretrace.registry.services.people import StaffAccountError, add_staff_user

    try:
        staff, created = add_staff_user(
            name, role, group_companies, password, default_actor(), email=email
        )
    except StaffAccountError as problem:
        raise click.ClickException(str(problem)) from problem
    scope = ", ".join(c.code or c.name for c in staff.group_companies.all()) or "whole group"
    click.echo(f"{'added' if created else 'changed'} {name}: {role} ({scope})")
