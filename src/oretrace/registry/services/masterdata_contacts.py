"""Write supplier contacts (``oretrace import contacts``): who at a supplier campaigns write to.

A row names its supplier by unique ID or name (resolved once per file, like parts), and the
contact by e-mail address: a contact with the same supplier and address is updated (name,
role, phone), a new address is added. The address is checked before the database sees it.
"""

from __future__ import annotations

from oretrace.registry.models import Contact
from oretrace.registry.services.masterdata_checks import Problems, Rejections, Row
from oretrace.registry.services.masterdata_records import Counts, SupplierKeys


class ContactRows:
    def __init__(self, rejections: Rejections, counts: Counts) -> None:
        self.rejections, self.counts = rejections, counts
        self.keys = SupplierKeys.load()
        self.seen: dict[tuple[int, str], int] = {}

    def add(self, number: int, row: Row, problems: Problems) -> None:
        if problems:
            self.rejections.add(number, problems)
            return
        supplier_id, problem = self.keys.resolve(row["supplier"])
        if supplier_id is None:
            self.rejections.add(number, [("supplier", problem or "unknown supplier")])
            return
        email = row["email"].strip()
        key = (supplier_id, email.lower())
        if key in self.seen:
            self.rejections.add(
                number,
                [("email", f"{email!r} for this supplier is also on row {self.seen[key]}")],
            )
            return
        self.seen[key] = number
        contact = Contact.objects.filter(supplier_id=supplier_id, email__iexact=email).first()
        if contact is None:
            Contact.objects.create(
                supplier_id=supplier_id,
                email=email,
                name=row["name"],
                role=row["role"],
                phone=row["phone"],
            )
            self.counts.count("created")
            return
        wanted = (
            row["name"] or contact.name,
            row["role"] or contact.role,
            row["phone"] or contact.phone,
        )
        if wanted == (contact.name, contact.role, contact.phone):
            self.counts.count("unchanged")
            return
        contact.name, contact.role, contact.phone = wanted
        contact.save(update_fields=["name", "role", "phone"])
        self.counts.count("updated")

    def flush(self) -> None:
        return None
