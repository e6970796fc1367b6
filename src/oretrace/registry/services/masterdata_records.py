"""Write suppliers and products row by row (files of thousands of rows), with the keys of
every supplier loaded once so that a name match can never re-key another supplier."""

from __future__ import annotations

from dataclasses import dataclass, field

from oretrace.registry.models import (
    BusinessUnit,
    Contact,
    GroupCompany,
    Product,
    ProductCategory,
    Supplier,
    SupplierRelationship,
)
from oretrace.registry.services.masterdata_checks import Problems, Rejections, Row
from oretrace.registry.services.suppliers import normalise_company


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass(slots=True)
class SupplierKeys:
    """Every supplier's unique ID and normalised name, loaded once per import."""

    by_uid: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    uid_of: dict[int, str] = field(default_factory=dict)
    _resolved: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> SupplierKeys:
        keys = cls()
        rows = Supplier.objects.order_by("pk").values_list(
            "pk", "name", "normalised_name", "unique_id"
        )
        for pk, name, normalised, uid in rows.iterator(chunk_size=5000):
            keys.remember(pk, name, normalised, uid)
        return keys

    def remember(self, pk: int, name: str, normalised: str, uid: str) -> None:
        if uid:
            self.by_uid[uid] = pk
        owners = self.by_name.setdefault(normalised, [])
        if pk not in owners:
            owners.append(pk)
        self.uid_of[pk] = uid
        self.labels[pk] = f"{name!r} (unique ID {uid!r})" if uid else f"{name!r} (no unique ID)"
        self._resolved.clear()

    def forget_name(self, pk: int, normalised: str) -> None:
        owners = self.by_name.get(normalised, [])
        if pk in owners:
            owners.remove(pk)

    def resolve(self, text: str) -> tuple[int | None, str | None]:
        """(supplier pk, None) for a unique ID or name, or (None, why not)."""
        if text not in self._resolved:
            self._resolved[text] = self._resolve(text)
        return self._resolved[text]

    def _resolve(self, text: str) -> tuple[int | None, str | None]:
        if text in self.by_uid:
            return self.by_uid[text], None
        owners = self.by_name.get(normalise_company(text), [])
        if len(owners) == 1:
            return owners[0], None
        if not owners:
            return None, f"supplier {text!r} is not known; import suppliers first"
        named = ", ".join(self.labels[pk] for pk in owners[:3])
        return None, f"{text!r} matches {len(owners)} suppliers ({named}); give the unique ID"


class SupplierRows:
    """Suppliers keyed by unique ID, else by normalised name; a conflict names both records."""

    def __init__(self, rejections: Rejections, counts: Counts) -> None:
        self.rejections, self.counts = rejections, counts
        self.keys = SupplierKeys.load()
        self.seen_uid: dict[str, int] = {}
        self.seen_name: dict[str, int] = {}
        self.companies: dict[str, GroupCompany] = {}

    def add(self, number: int, row: Row, problems: Problems) -> None:
        if problems:
            self.rejections.add(number, problems)
            return
        name, uid = row["name"], row["unique_id"]
        normalised = normalise_company(name)
        problems = self._duplicates(uid, normalised)
        target: int | None = None
        if not problems:
            target, problem = self._target(name, uid, normalised)
            if problem:
                problems.append(("unique_id" if uid else "name", problem))
        if problems:
            self.rejections.add(number, problems)
            return
        if uid:
            self.seen_uid[uid] = number
        self.seen_name[normalised] = number
        self.counts.count(self._write(target, row, normalised))

    def flush(self) -> None:
        return None

    def _duplicates(self, uid: str, normalised: str) -> list[tuple[str, str]]:
        if uid and uid in self.seen_uid:
            return [("unique_id", f"unique ID {uid!r} is also on row {self.seen_uid[uid]}")]
        if normalised in self.seen_name:
            return [("name", f"the same company name is also on row {self.seen_name[normalised]}")]
        return []

    def _target(self, name: str, uid: str, normalised: str) -> tuple[int | None, str | None]:
        """The supplier this row updates (None: a new one), or the conflict that stops it."""
        by_uid = self.keys.by_uid.get(uid) if uid else None
        by_name = self.keys.by_name.get(normalised, [])
        if by_uid is not None:
            others = [pk for pk in by_name if pk != by_uid]
            if others:
                return None, (
                    f"unique ID {uid!r} belongs to supplier {self.keys.labels[by_uid]} but the "
                    f"name {name!r} matches supplier {self.keys.labels[others[0]]}; "
                    "fix the ID or the name"
                )
            return by_uid, None
        keyed = [pk for pk in by_name if self.keys.uid_of[pk]]
        if uid and keyed:
            return None, (
                f"unique ID {uid!r} is new but the name {name!r} matches supplier "
                f"{self.keys.labels[keyed[0]]}; an ID typo? fix the file or that supplier"
            )
        if len(by_name) > 1:
            named = ", ".join(self.keys.labels[pk] for pk in by_name[:3])
            return (
                None,
                f"the name {name!r} matches {len(by_name)} suppliers ({named}); give the unique ID",
            )
        return (by_name[0] if by_name else None), None

    def _write(self, target: int | None, row: Row, normalised: str) -> str:
        if target is None:
            supplier = Supplier(unverified=False)
            outcome = "created"
        else:
            supplier = Supplier.objects.get(pk=target)
            outcome = "unchanged"
        before = (supplier.name, supplier.unique_id, supplier.country, supplier.unverified)
        if supplier.normalised_name and supplier.normalised_name != normalised:
            self.keys.forget_name(supplier.pk, supplier.normalised_name)
        supplier.name, supplier.normalised_name = row["name"], normalised
        supplier.unique_id = row["unique_id"] or supplier.unique_id
        supplier.country = row["country"] or supplier.country
        supplier.unverified = False
        if outcome == "created" or before != (
            supplier.name,
            supplier.unique_id,
            supplier.country,
            supplier.unverified,
        ):
            supplier.save()
            outcome = outcome if outcome == "created" else "updated"
        self.keys.remember(supplier.pk, supplier.name, normalised, supplier.unique_id)
        if self._relationship(supplier, row) or self._contact(supplier, row):
            outcome = "updated" if outcome == "unchanged" else outcome
        return outcome

    def _relationship(self, supplier: Supplier, row: Row) -> bool:
        if not row["group_company"]:
            return False
        company = group_company(self.companies, row["group_company"])
        link, created = SupplierRelationship.objects.get_or_create(
            supplier=supplier, group_company=company, defaults={"vendor_code": row["vendor_code"]}
        )
        if not created and row["vendor_code"] and link.vendor_code != row["vendor_code"]:
            link.vendor_code = row["vendor_code"]
            link.save(update_fields=["vendor_code"])
            return True
        return created

    def _contact(self, supplier: Supplier, row: Row) -> bool:
        if not (row["contact_email"] or row["contact_name"]):
            return False
        contact, created = Contact.objects.get_or_create(
            supplier=supplier,
            email=row["contact_email"],
            defaults={"name": row["contact_name"], "phone": row["contact_phone"]},
        )
        wanted = (row["contact_name"] or contact.name, row["contact_phone"] or contact.phone)
        if not created and wanted != (contact.name, contact.phone):
            contact.name, contact.phone = wanted
            contact.save(update_fields=["name", "phone"])
            return True
        return created


def group_company(cache: dict[str, GroupCompany], name: str) -> GroupCompany:
    if name not in cache:
        cache[name] = GroupCompany.objects.get_or_create(name=name)[0]
    return cache[name]


class ProductRows:
    """Products keyed by number; category, business unit and group company created on need."""

    def __init__(self, rejections: Rejections, counts: Counts) -> None:
        self.rejections, self.counts = rejections, counts
        self.seen: dict[str, int] = {}
        self.companies: dict[str, GroupCompany] = {}
        self.categories: dict[str, ProductCategory] = {}

    def add(self, number: int, row: Row, problems: Problems) -> None:
        if problems:
            self.rejections.add(number, problems)
            return
        key = row["number"]
        if key in self.seen:
            self.rejections.add(
                number, [("number", f"product {key!r} is also on row {self.seen[key]}")]
            )
            return
        if row["business_unit"] and not row["group_company"]:
            self.rejections.add(
                number, [("group_company", "a business unit needs its group company")]
            )
            return
        self.seen[key] = number
        category = self._category(row)
        product = Product.objects.filter(number=key).first()
        if product is None:
            Product.objects.create(number=key, name=row["name"], category=category)
            self.counts.count("created")
            return
        wanted = (row["name"] or product.name, category or product.category)
        if wanted == (product.name, product.category):
            self.counts.count("unchanged")
            return
        product.name, product.category = wanted
        product.save(update_fields=["name", "category"])
        self.counts.count("updated")

    def flush(self) -> None:
        return None

    def _category(self, row: Row) -> ProductCategory | None:
        name = row["category"]
        if not name:
            return None
        if name not in self.categories:
            self.categories[name] = ProductCategory.objects.get_or_create(name=name)[0]
        category = self.categories[name]
        if row["business_unit"] and category.business_unit_id is None:
            company = group_company(self.companies, row["group_company"])
            unit = BusinessUnit.objects.get_or_create(
                name=row["business_unit"], group_company=company
            )[0]
            category.business_unit = unit
            category.save(update_fields=["business_unit"])
        return category
