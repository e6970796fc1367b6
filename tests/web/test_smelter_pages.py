"""The smelters list and a smelter's page: the rows naming each smelter are counted once per
data version (remembered), and sorting, the "named this period" filter and pagination work on
those counts — with the same result as counting the rows directly, within each person's scope."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oretrace.registry.models import (
    AssessmentCache,
    DeclarationSmelter,
    ReferenceSmelter,
    SupplierRelationship,
)
from tests.web.world import YEAR, World

pytestmark = pytest.mark.django_db


def _named(group_company_ids: set[int] | None = None) -> Counter[int]:
    """Rows of current declarations of YEAR naming each smelter, counted directly."""
    rows = DeclarationSmelter.objects.filter(
        declaration__period__year=YEAR, declaration__is_current=True
    ).exclude(smelter=None)
    if group_company_ids is not None:
        suppliers = SupplierRelationship.objects.filter(group_company_id__in=group_company_ids)
        rows = rows.filter(declaration__supplier_id__in=suppliers.values("supplier_id"))
    return Counter(rows.values_list("smelter_id", flat=True))


def _listed(client: Client, **params: Any) -> list[tuple[int, int]]:
    """(pk, rows) of every smelter on every page of the list."""
    listed: list[tuple[int, int]] = []
    number = 1
    while True:
        response = client.get(reverse("smelters"), {"period": YEAR, "page": number, **params})
        assert response.status_code == 200
        page = response.context["page"]
        listed += [(s.pk, s.rows) for s in page]
        if not page.has_next():
            return listed
        number += 1


def test_most_named_first_equals_a_direct_count(login: Any, world: World) -> None:
    named = _named()
    assert named, "the world's declarations name reference smelters"
    smelters = {s.pk: s for s in ReferenceSmelter.objects.all()}
    expected = sorted(
        smelters, key=lambda pk: (-named[pk], smelters[pk].metal, smelters[pk].standard_name, pk)
    )
    listed = _listed(login("admin"))
    assert listed == [(pk, named[pk]) for pk in expected]
    assert len({pk for pk, _ in listed}) == len(smelters)  # pages neither overlap nor skip


def test_named_this_period_and_sort_by_name(login: Any, world: World) -> None:
    named = _named()
    listed = _listed(login("admin"), reported="on", sort="name")
    by_name = ReferenceSmelter.objects.filter(pk__in=named).order_by("standard_name", "pk")
    assert listed == [(s.pk, named[s.pk]) for s in by_name]
    assert all(rows > 0 for _, rows in listed)


def test_an_officer_counts_only_the_rows_of_its_group_companies(login: Any, world: World) -> None:
    mine = _named({world.company["a"].pk})
    assert mine != _named(), "the other group company names smelters too"
    _listed(login("admin"), reported="on")  # the whole group's counts are remembered first
    listed = dict(_listed(login("officer_a"), reported="on"))
    assert listed == dict(mine)


def test_a_new_row_shows_on_the_next_request(login: Any, world: World) -> None:
    admin = login("admin")
    _listed(admin)  # remembered now
    assert AssessmentCache.objects.filter(kind="smelter_rows").exists()
    unnamed = ReferenceSmelter.objects.exclude(pk__in=_named()).order_by("pk").first()
    assert unnamed is not None
    DeclarationSmelter.objects.create(
        declaration=world.declaration["a"],
        row=999,
        metal=unnamed.metal,
        name=unnamed.standard_name,
        smelter=unnamed,
        decision="auto",
    )
    listed = _listed(admin, q=unnamed.smelter_id)
    assert listed == [(unnamed.pk, 1)]


def test_smelter_page_lists_the_suppliers_naming_it_within_scope(login: Any, world: World) -> None:
    both = set(_named({world.company["a"].pk})) & set(_named({world.company["b"].pk}))
    smelter = ReferenceSmelter.objects.filter(pk__in=both).order_by("pk").first()
    assert smelter is not None, "the two suppliers name a smelter in common"
    url = reverse("smelter", args=[smelter.pk])

    def naming(username: str) -> list[tuple[str, int]]:
        response = login(username).get(url, {"period": YEAR})
        assert response.status_code == 200
        return [(s.name, s.rows) for s in response.context["reach"].suppliers]

    rows = {
        side: DeclarationSmelter.objects.filter(
            declaration=world.declaration[side], smelter=smelter
        ).count()
        for side in ("a", "b")
    }
    supplier = {side: world.supplier[side].name for side in ("a", "b")}
    assert naming("admin") == sorted([(supplier["a"], rows["a"]), (supplier["b"], rows["b"])])
    assert naming("officer_a") == [(supplier["a"], rows["a"])]
    assert naming("officer_b") == [(supplier["b"], rows["b"])]
