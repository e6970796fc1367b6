"""Who at a supplier a campaign writes to.

A supplier's contact is the latest one imported with an e-mail address (``oretrace import
contacts`` or the contact columns of ``oretrace import suppliers``). A supplier without one
takes the contact its latest declaration names (the Declaration sheet's contact name and
e-mail), so the people who already answered are asked again. :func:`recipients_for` answers
for many suppliers with two queries, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from oretrace.registry.models import Contact, Declaration


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a supplier's e-mail goes; ``email`` is empty when nobody is known."""

    name: str
    email: str
    contact: Contact | None
    source: str  # "contact", "declaration" or "none"


NOBODY = Recipient("", "", None, "none")


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def recipients_for(supplier_ids: Iterable[int]) -> dict[int, Recipient]:
    """Each supplier's recipient (``NOBODY`` when none is known)."""
    ids = list(set(supplier_ids))
    found: dict[int, Recipient] = {}
    contacts = Contact.objects.filter(supplier_id__in=ids).exclude(email="").order_by("-pk")
    for contact in contacts:
        if contact.supplier_id not in found and is_email(contact.email):
            found[contact.supplier_id] = Recipient(contact.name, contact.email, contact, "contact")
    missing = [pk for pk in ids if pk not in found]
    if missing:
        declarations = (
            Declaration.objects.filter(supplier_id__in=missing)
            .exclude(status=Declaration.Status.UNREADABLE)
            .order_by("-period__year", "-effective_date", "-ingested_at", "-pk")
            .values_list("supplier_id", "content")
        )
        for supplier_id, content in declarations.iterator(chunk_size=500):
            if supplier_id is None or supplier_id in found:
                continue
            name, email = declared_contact(content)
            if email:
                found[supplier_id] = Recipient(name, email, None, "declaration")
    return {pk: found.get(pk, NOBODY) for pk in ids}


def declared_contact(content: object) -> tuple[str, str]:
    """(name, e-mail) of the contact a declaration's Declaration sheet names; the e-mail is
    empty when it is missing or not an address."""
    company = content.get("company", {}) if isinstance(content, dict) else {}

    def value(key: str) -> str:
        field = company.get(key) if isinstance(company, dict) else None
        raw = field.get("value") if isinstance(field, dict) else None
        return str(raw).strip() if raw not in (None, "") else ""

    email = value("contact_email")
    return value("contact_name"), email if is_email(email) else ""
