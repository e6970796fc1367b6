"""The reporting organisation: periods, group companies, business units, product categories."""

from __future__ import annotations

import datetime as dt

from django.db import models


class ReportingPeriod(models.Model):
    """A calendar reporting year (SEC Form SD covers the calendar year)."""

    year = models.PositiveIntegerField(unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def for_year(cls, year: int) -> ReportingPeriod:
        period, _ = cls.objects.get_or_create(
            year=year, defaults={"starts_on": dt.date(year, 1, 1), "ends_on": dt.date(year, 12, 31)}
        )
        return period


class GroupCompany(models.Model):
    name = models.CharField(max_length=255, unique=True)
    code = models.CharField(max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subsidiaries"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "group companies"

    def __str__(self) -> str:
        return self.name


class BusinessUnit(models.Model):
    name = models.CharField(max_length=255)
    group_company = models.ForeignKey(
        GroupCompany, on_delete=models.PROTECT, related_name="business_units"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["group_company", "name"], name="unique_business_unit")
        ]

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.Model):
    name = models.CharField(max_length=255, unique=True)
    business_unit = models.ForeignKey(
        BusinessUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="categories"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product categories"

    def __str__(self) -> str:
        return self.name
