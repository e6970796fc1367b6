"""The organisation profile: the filer's facts and due-diligence texts reports are written from."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from oretrace.registry.models import OrganisationProfile
from oretrace.registry.services.audit import record
from oretrace.reporting.data import Organisation

FIELDS = {f.name: f for f in dataclasses.fields(Organisation)}


class ProfileError(ValueError):
    """A profile file with unknown keys or values of the wrong kind."""


def load_profile() -> Organisation:
    row = OrganisationProfile.objects.order_by("id").first()
    return organisation_from(row.data if row else {})


def organisation_from(values: dict[str, Any]) -> Organisation:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ProfileError(
            f"unknown profile field(s): {', '.join(unknown)}; known: {', '.join(FIELDS)}"
        )
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(Organisation(), name)
        if isinstance(default, tuple):
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise ProfileError(f"{name} must be a list of texts")
            kwargs[name] = tuple(str(v) for v in value)
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ProfileError(f"{name} must be a table of letter = text")
            kwargs[name] = {str(k): str(v) for k, v in value.items()}
        else:
            kwargs[name] = str(value)
    return Organisation(**kwargs)


def update_profile(values: dict[str, Any], actor: str) -> Organisation:
    """Merge ``values`` into the stored profile (validated), and audit the change."""
    with transaction.atomic():
        row = (
            OrganisationProfile.objects.select_for_update().order_by("id").first()
            or OrganisationProfile()
        )
        merged = {**row.data, **values}
        organisation = organisation_from(merged)
        row.data = merged
        row.updated_by = actor
        row.save()
        record(actor, "profile.updated", row, fields=sorted(values))
    return organisation


def read_profile_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path.name} is not valid TOML: {exc}") from exc
