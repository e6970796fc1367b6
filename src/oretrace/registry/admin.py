"""The Django admin for reference data and master data.

Every add, change and delete made here is audited as ``user:<username>`` in the same
transaction as the change (:class:`AuditedAdmin`). Evidence — declarations, stored files,
findings, reported rows, review decisions, corrections, the audit log — can be looked at but
not added, changed or deleted (:class:`EvidenceAdmin`); corrections go through services that
keep the original and record why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from oretrace.registry import models as m
from oretrace.registry.services.audit import record

admin.site.site_header = "oretrace administration"

_SECRET = ("password", "secret", "token")


def admin_actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return [_value(v) for v in value]
    return value


def _changes(form: ModelForm[Any], change: bool) -> dict[str, Any]:
    """Field → [before, after] for the fields the form changed; secrets masked."""
    changes: dict[str, Any] = {}
    for name in form.changed_data:
        if any(word in name for word in _SECRET):
            changes[name] = "(changed)"
            continue
        before = _value(form.initial.get(name)) if change else None
        changes[name] = [before, _value(form.cleaned_data.get(name))]
    return changes


class AuditedMixin:
    """Audit the admin's saves and deletes, inside the admin's transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            verb = "changed" if change else "added"
            record(
                admin_actor(request),
                f"admin.{obj._meta.model_name}.{verb}",
                obj,
                changes=_changes(form, change),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(admin_actor(request), f"admin.{obj._meta.model_name}.deleted", obj, was=str(obj))
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(
                    admin_actor(request), f"admin.{obj._meta.model_name}.deleted", obj, was=str(obj)
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]


class AuditedAdmin(AuditedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class EvidenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never edited: no add, change or delete, whoever asks."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ("name", "unique_id", "country", "unverified")
    list_filter = ("unverified",)
    search_fields = ("name", "unique_id")


@admin.register(m.ReferenceSmelter)
class ReferenceSmelterAdmin(AuditedAdmin):
    list_display = ("smelter_id", "standard_name", "metal", "country")
    search_fields = ("smelter_id", "standard_name", "names__name")
    list_filter = ("metal", "dropped")


@admin.register(m.AuditEntry)
class AuditEntryAdmin(EvidenceAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("actor", "action", "object_id")


@admin.register(m.Declaration)
class DeclarationAdmin(EvidenceAdmin):
    list_display = ("__str__", "status", "is_current", "effective_date", "ingested_at")
    list_filter = ("status", "is_current", "period")
    search_fields = ("company_name", "source_path")


@admin.register(m.StoredFile)
class StoredFileAdmin(EvidenceAdmin):
    list_display = ("original_name", "sha256", "size", "stored_at")
    search_fields = ("original_name", "sha256")


@admin.register(m.Correction)
class CorrectionAdmin(EvidenceAdmin):
    list_display = ("declaration", "previous_status", "status", "actor", "at")


for evidence in (
    m.Finding,
    m.DeclarationSmelter,
    m.DeclarationProduct,
    m.ReviewDecision,
    m.LearnedAlias,  # follows review decisions: change it with `oretrace review`
    m.LegalHold,  # set and lifted with `oretrace hold` (audited, lift by an administrator)
    m.Tombstone,  # left by `oretrace retention apply`
):
    admin.site.register(evidence, EvidenceAdmin)

for model in (
    m.GroupCompany,
    m.BusinessUnit,
    m.ProductCategory,
    m.ReportingPeriod,
    m.Part,
    m.Product,
    m.BomLine,
    m.PartSource,
    m.SupplierRelationship,
    m.Contact,
    m.ReferenceSnapshot,
    m.ReferenceName,
    m.SmelterStatus,
):
    admin.site.register(model, AuditedAdmin)


class UserAdmin(AuditedMixin, auth_admin.UserAdmin):  # type: ignore[type-arg]
    """Users and their passwords: audited like the rest (the hash never goes in the log)."""

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if request.path.rstrip("/").endswith("/password"):
            record(admin_actor(request), "admin.user.password_changed", obj)
        return super().log_change(request, obj, message)


class GroupAdmin(AuditedMixin, auth_admin.GroupAdmin):
    pass


admin.site.unregister(get_user_model())
admin.site.unregister(Group)
admin.site.register(get_user_model(), UserAdmin)
admin.site.register(Group, GroupAdmin)
