"""Who may see what: a staff person's scope, and the querysets every page reads through.

A :class:`StaffScope` is resolved once per request (the web app's middleware) or built by a
command. Every function here takes one and **fails closed**: without a scope it raises
:class:`ScopeError` instead of returning every row. Compliance officers see the suppliers of
their group companies (through :class:`SupplierRelationship`) and the declarations, products
and corrective actions that hang off those suppliers; administrators, reviewers and auditors
see the whole group. What a role may *do* is :meth:`StaffScope.can`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from oretrace.registry.models import (
    AuditEntry,
    CorrectiveAction,
    Declaration,
    DeclarationSmelter,
    GroupCompany,
    Product,
    StaffRole,
    Supplier,
    SupplierRelationship,
)

Role = StaffRole.Role


class ScopeError(RuntimeError):
    """A scoped query was asked for without a scope (a bug: never answer with every row)."""


class Permission(StrEnum):
    """What a page or an action needs. Pages declare one; the navigation follows it."""

    VIEW = "view"  # read suppliers, declarations, products, smelters, the dashboard
    ACT = "act"  # change supplier work: corrective actions, uploads, campaigns
    CAMPAIGNS = "campaigns"  # read campaigns, their progress and the e-mail outbox
    REVIEW = "review"  # decide smelter matches
    AUDIT_LOG = "audit_log"  # read the audit log
    ADMINISTER = "administer"  # reports, reference data, people


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICER: frozenset({Permission.VIEW, Permission.ACT, Permission.CAMPAIGNS}),
    Role.REVIEWER: frozenset({Permission.VIEW, Permission.REVIEW}),
    Role.AUDITOR: frozenset({Permission.VIEW, Permission.AUDIT_LOG, Permission.CAMPAIGNS}),
}


@dataclass(frozen=True, slots=True)
class StaffScope:
    """One person's reach: their role and, when limited, the group companies they cover."""

    username: str
    role: str
    group_company_ids: frozenset[int] | None  # None: the whole group

    @property
    def actor(self) -> str:
        """The audit log's name for this person."""
        return f"user:{self.username}"

    @property
    def whole_group(self) -> bool:
        return self.group_company_ids is None

    @property
    def read_only(self) -> bool:
        return self.role == Role.AUDITOR

    def can(self, permission: Permission | str) -> bool:
        return Permission(permission) in ROLE_PERMISSIONS.get(self.role, frozenset())

    @classmethod
    def for_group_companies(cls, ids: frozenset[int], username: str = "") -> StaffScope:
        """A read scope limited to ``ids`` (e.g. ``oretrace status --group-company``)."""
        return cls(username, Role.OFFICER, frozenset(ids))

    @classmethod
    def everything(cls, username: str = "") -> StaffScope:
        return cls(username, Role.ADMIN, None)


def staff_scope_for(user: Any) -> StaffScope | None:
    """The scope of a signed-in Django user; None when the user has no staff role.

    A superuser without a role row is an administrator (``oretrace manage createsuperuser``).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    role = StaffRole.objects.filter(user=user).first()
    if role is None:
        return StaffScope.everything(user.get_username()) if user.is_superuser else None
    if role.role == Role.OFFICER:
        ids = frozenset(role.group_companies.values_list("id", flat=True))
        return StaffScope(user.get_username(), role.role, ids)
    return StaffScope(user.get_username(), role.role, None)


def _checked(scope: object) -> StaffScope:
    if not isinstance(scope, StaffScope):
        raise ScopeError(f"a scoped query needs a StaffScope, got {scope!r}")
    return scope


def group_companies_for(scope: StaffScope) -> QuerySet[GroupCompany]:
    scope = _checked(scope)
    companies = GroupCompany.objects.all()
    if scope.group_company_ids is None:
        return companies
    return companies.filter(pk__in=scope.group_company_ids)


def supplier_ids_for(scope: StaffScope) -> QuerySet[SupplierRelationship, int] | None:
    """A subquery of the supplier ids in scope; None for the whole group."""
    scope = _checked(scope)
    if scope.group_company_ids is None:
        return None
    return SupplierRelationship.objects.filter(
        group_company_id__in=scope.group_company_ids
    ).values_list("supplier_id", flat=True)


def suppliers_for(scope: StaffScope) -> QuerySet[Supplier]:
    ids = supplier_ids_for(scope)
    return Supplier.objects.all() if ids is None else Supplier.objects.filter(pk__in=ids)


def declarations_for(scope: StaffScope) -> QuerySet[Declaration]:
    """Declarations of suppliers in scope. Files no supplier could be found for (unreadable
    ones, mostly) belong to the whole group only."""
    ids = supplier_ids_for(scope)
    every = Declaration.objects.all()
    return every if ids is None else every.filter(supplier_id__in=ids)


def smelter_rows_for(scope: StaffScope) -> QuerySet[DeclarationSmelter]:
    ids = supplier_ids_for(scope)
    every = DeclarationSmelter.objects.all()
    return every if ids is None else every.filter(declaration__supplier_id__in=ids)


def products_for(scope: StaffScope) -> QuerySet[Product]:
    """Products whose bill of materials holds a part bought from a supplier in scope."""
    ids = supplier_ids_for(scope)
    every = Product.objects.all()
    if ids is None:
        return every
    return every.filter(bom__part__sources__supplier_id__in=ids).distinct()


def corrective_actions_for(scope: StaffScope) -> QuerySet[CorrectiveAction]:
    ids = supplier_ids_for(scope)
    every = CorrectiveAction.objects.all()
    return every if ids is None else every.filter(supplier_id__in=ids)


def audit_entries_for(scope: StaffScope) -> QuerySet[AuditEntry]:
    """The audit log, for those who may read it (auditors, administrators)."""
    scope = _checked(scope)
    if not scope.can(Permission.AUDIT_LOG):
        raise ScopeError(f"{scope.role} may not read the audit log")
    return AuditEntry.objects.all()
