"""Staff accounts: create or change a person's sign-in, role and group companies (audited)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from oretrace.registry.models import GroupCompany, StaffRole
from oretrace.registry.services.audit import record
from oretrace.registry.services.contacts import is_email

Role = StaffRole.Role


class StaffAccountError(ValueError):
    """The request cannot become an account (unknown group company, officer without one…)."""


def group_companies_by_code(codes: Sequence[str]) -> list[GroupCompany]:
    """Group companies by code (or exact name); every code must name one."""
    found: list[GroupCompany] = []
    for code in codes:
        match = GroupCompany.objects.filter(Q(code=code) | Q(name=code)).order_by("id").first()
        if match is None:
            raise StaffAccountError(f"no group company with code {code!r}")
        found.append(match)
    return found


@transaction.atomic
def add_staff_user(
    username: str,
    role: str,
    group_company_codes: Sequence[str],
    password: str,
    actor: str,
    *,
    email: str | None = None,
) -> tuple[StaffRole, bool]:
    """Create the account (or update role, companies and password of an existing one).

    Officers need at least one group company; other roles see the whole group and take none.
    ``email`` (None: keep the stored one) is where officers get after-due reminders in copy.
    """
    if role not in Role.values:
        raise StaffAccountError(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    if not username.strip():
        raise StaffAccountError("a user name is required")
    if not password:
        raise StaffAccountError("an empty password is not accepted")
    companies = group_companies_by_code(group_company_codes)
    if role == Role.OFFICER and not companies:
        raise StaffAccountError("an officer needs at least one --group-company")
    if role != Role.OFFICER and companies:
        raise StaffAccountError(f"a {role} sees the whole group; --group-company is for officers")
    if email and not is_email(email):
        raise StaffAccountError(f"{email!r} is not an e-mail address")
    users = get_user_model()
    user, created = users.objects.get_or_create(username=username)
    if email is not None:
        user.email = email
    user.set_password(password)
    user.is_staff = role == Role.ADMIN  # Django's admin, for reference and master data
    user.is_superuser = role == Role.ADMIN
    user.save()
    staff, _ = StaffRole.objects.update_or_create(user=user, defaults={"role": role})
    staff.group_companies.set(companies)
    record(
        actor,
        "user.added" if created else "user.changed",
        staff,
        username=username,
        role=role,
        group_companies=[c.code or c.name for c in companies],
        email=user.email,
    )
    return staff, created
