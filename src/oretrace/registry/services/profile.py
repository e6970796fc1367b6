"""The organisation profile: the filer's facts and due-diligence texts reports are written from.

Besides the report fields (:class:`~oretrace.reporting.data.Organisation`), the profile
keeps the supplier-facing letter of agreement (:data:`LETTER_FIELDS`) that the portal asks
suppliers to acknowledge. Those are kept out of ``Organisation`` on purpose: no report uses
them, and adding them there would change the fingerprint of every report snapshot
(docs/portal.md).
"""

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

#: The letter of agreement suppliers acknowledge on the portal: its text, the address of the
#: full letter, and the version the organisation gives it (when empty, a digest of the text
#: and address stands for it).
LETTER_FIELDS = ("letter_of_agreement", "letter_of_agreement_url", "letter_of_agreement_version")


class ProfileError(ValueError):
    """A profile file with unknown keys or values of the wrong kind."""


def load_profile() -> Organisation:
    row = OrganisationProfile.objects.order_by("id").first()
    return organisation_from(row.data if row else {})


def load_letter_fields() -> dict[str, str]:
    """The letter-of-agreement fields of the stored profile (empty texts when unset)."""
    row = OrganisationProfile.objects.order_by("id").first()
    return letter_fields_from(row.data if row else {})


def letter_fields_from(values: dict[str, Any]) -> dict[str, str]:
    letter: dict[str, str] = {}
    for name in LETTER_FIELDS:
        value = values.get(name, "")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ProfileError(f"{name} must be a text")
        letter[name] = str(value)
    return letter


def organisation_from(values: dict[str, Any]) -> Organisation:
    known = [*FIELDS, *LETTER_FIELDS]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ProfileError(
            f"unknown profile field(s): {', '.join(unknown)}; known: {', '.join(known)}"
        )
    letter_fields_from(values)
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name in LETTER_FIELDS:
            continue
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
