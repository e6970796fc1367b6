"""The Django admin for reference data and master data."""

from __future__ import annotations

from django.contrib import admin

from oretrace.registry import models as m

admin.site.site_header = "oretrace administration"


@admin.register(m.Supplier)
class SupplierAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "unique_id", "country", "unverified")
    list_filter = ("unverified",)
    search_fields = ("name", "unique_id")


@admin.register(m.ReferenceSmelter)
class ReferenceSmelterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("smelter_id", "standard_name", "metal", "country")
    search_fields = ("smelter_id", "standard_name", "names__name")
    list_filter = ("metal", "dropped")


@admin.register(m.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = ("at", "actor", "action", "object_type", "object_id", "data")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit log is append-only

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


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
    m.LearnedAlias,
    m.ReviewDecision,
    m.Declaration,
):
    admin.site.register(model)
