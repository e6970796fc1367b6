"""Suppliers, their contacts and group-company relationships; parts, products, bill of materials."""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.organisation import GroupCompany, ProductCategory


class Supplier(models.Model):
    name = models.CharField(max_length=255)
    normalised_name = models.CharField(max_length=255, db_index=True)
    unique_id = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="DUNS or other ID the supplier reports (Declaration D12).",
    )
    country = models.CharField(max_length=100, blank=True)
    unverified = models.BooleanField(
        default=False, help_text="Created by ingest from a declaration; check it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unique_id"],
                condition=~models.Q(unique_id=""),
                name="unique_supplier_unique_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupplierRelationship(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="relationships")
    group_company = models.ForeignKey(
        GroupCompany, on_delete=models.PROTECT, related_name="supplier_relationships"
    )
    vendor_code = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "group_company"], name="unique_supplier_relationship"
            )
        ]


class Contact(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=100, blank=True)


class Part(models.Model):
    number = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class PartSource(models.Model):
    """A part bought from a supplier (optionally for one group company)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sources")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="parts")
    supplier_part_number = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "supplier"], name="unique_part_source")
        ]


class Product(models.Model):
    number = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255, blank=True)
    category = models.ForeignKey(
        ProductCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class BomLine(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="bom")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="used_in")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "part"], name="unique_bom_line")]
