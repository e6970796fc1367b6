"""Role × URL matrix over two group companies. Every named route of the web app must be
listed here (walked from the URL resolver), so a new page cannot skip these checks.

- signed out: every page redirects to the sign-in page;
- an officer of group company A asking for an object of company B gets 404 (GET and POST);
- an auditor's POST is refused with 403 everywhere; pages state their permission;
- every change a person makes is in the audit log as ``user:<name>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from oretrace.registry.models import (
    AuditEntry,
    BomLine,
    Campaign,
    CorrectiveAction,
    Job,
    OutboxMessage,
    Part,
    PartSource,
    Product,
    ReportingPeriod,
    SupplierRequest,
)
from oretrace.registry.services.report_jobs import reports_dir
from oretrace.registry.services.scope import (
    ScopeError,
    StaffScope,
    declarations_for,
    suppliers_for,
)
from tests.web.world import World

pytestmark = pytest.mark.django_db

Kwargs = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    method: str = "get"
    kwargs: Kwargs | None = None  # per side ("a"/"b"); None: a page without an object
    data: dict[str, str] = field(default_factory=dict)
    query: str = ""
    #: roles that may use it (the rest get 403); officers only within their companies
    roles: frozenset[str] = frozenset({"admin", "officer", "reviewer", "auditor"})
    #: False for reference data (smelters): not owned by a group company, never a 404
    scoped: bool = True


def _supplier(w: World, side: str) -> dict[str, Any]:
    return {"pk": w.supplier[side].pk}


def _declaration(w: World, side: str) -> dict[str, Any]:
    return {"pk": w.declaration[side].pk}


def _action(w: World, side: str) -> dict[str, Any]:
    return {"pk": w.supplier[side].pk, "action": w.action[side].pk}


def _job(w: World, side: str) -> dict[str, Any]:
    job, _ = Job.objects.get_or_create(
        key=f"ingest:upload:matrix-{side}",
        defaults={"kind": "ingest", "owner": "user:someone", "group_company": w.company[side]},
    )
    return {"pk": job.pk}


def _row(w: World, side: str) -> dict[str, Any]:
    row = w.declaration[side].smelters.exclude(smelter=None).first()
    assert row is not None
    return {"pk": row.pk}


def _smelter(w: World, side: str) -> dict[str, Any]:
    row = w.declaration[side].smelters.exclude(smelter=None).first()
    assert row is not None and row.smelter is not None
    return {"pk": row.smelter.pk}


def _product(w: World, side: str) -> dict[str, Any]:
    part, _ = Part.objects.get_or_create(number=f"MATRIX-{side}")
    PartSource.objects.get_or_create(part=part, supplier=w.supplier[side])
    product, _ = Product.objects.get_or_create(number=f"PRD-MATRIX-{side}")
    BomLine.objects.get_or_create(product=product, part=part)
    return {"pk": product.pk}


def _report(w: World, side: str) -> dict[str, Any]:
    job = Job.objects.filter(kind="report").first()
    if job is None:
        job = Job.objects.create(
            kind="report", key="report:matrix", owner="user:someone", params={"year": 2025}
        )
        folder = reports_dir() / str(job.pk)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "snapshot.json").write_text("{}")
        Job.objects.filter(pk=job.pk).update(
            status="done", result={"files": {"snapshot.json": "0" * 64}}
        )
    return {"pk": job.pk}


def _document(w: World, side: str) -> dict[str, Any]:
    return {**_report(w, side), "name": "snapshot.json"}


def _sent_request(w: World, side: str) -> SupplierRequest:
    """A sent campaign of side's group company asking side's supplier (no audit entries)."""
    campaign, _ = Campaign.objects.get_or_create(
        name=f"matrix-{side}",
        defaults={
            "period": ReportingPeriod.for_year(2025),
            "group_company": w.company[side],
            "due_on": dt.date(2030, 3, 31),
            "created_by": "test",
            "status": "sent",
            "sent_at": timezone.now(),
        },
    )
    request, _ = SupplierRequest.objects.get_or_create(
        campaign=campaign,
        supplier=w.supplier[side],
        defaults={"email": f"{side}@supplier.test", "invited_at": timezone.now()},
    )
    return request


def _campaign(w: World, side: str) -> dict[str, Any]:
    return {"pk": _sent_request(w, side).campaign_id}


def _campaign_request(w: World, side: str) -> dict[str, Any]:
    request = _sent_request(w, side)
    return {"pk": request.campaign_id, "request_pk": request.pk}


def _message(w: World, side: str) -> dict[str, Any]:
    request = _sent_request(w, side)
    message, _ = OutboxMessage.objects.get_or_create(
        dedupe_key=f"matrix:{side}",
        defaults={
            "purpose": "invitation",
            "campaign": request.campaign,
            "request": request,
            "sender": "oretrace@localhost",
            "to": [request.email],
            "subject": "matrix",
            "body_text": "matrix",
            "status": "failed",
        },
    )
    return {"pk": message.pk}


ACTORS = frozenset({"admin", "officer"})
CAMPAIGN_READERS = frozenset({"admin", "officer", "auditor"})
REVIEWERS = frozenset({"admin", "reviewer"})
RECORD_READERS = frozenset({"admin", "auditor"})
ROUTES: dict[str, Route] = {
    "home": Route(),
    "dashboard": Route(),
    "suppliers": Route(),
    "suppliers-export-xlsx": Route(),
    "suppliers-export-csv": Route(),
    "supplier": Route(kwargs=_supplier),
    "supplier-action-open": Route("post", _supplier, {"title": "Send a new CMRT"}, roles=ACTORS),
    "supplier-action-close": Route("post", _action, {"note": "done"}, roles=ACTORS),
    "declarations": Route(),
    "declaration": Route(kwargs=_declaration),
    "declaration-sheet": Route(kwargs=_declaration, query="?cell='Declaration'!D8"),
    "declaration-original": Route(kwargs=_declaration),
    "audit-log": Route(roles=frozenset({"admin", "auditor"})),
    "upload": Route(roles=ACTORS),
    "job": Route(kwargs=_job),
    "review": Route(roles=REVIEWERS),
    "review-row": Route(kwargs=_row, roles=REVIEWERS),
    "review-accept": Route("post", _row, {"smelter_id": "CID001182"}, roles=REVIEWERS),
    "review-reject": Route("post", _row, {"reason": "matrix"}, roles=REVIEWERS),
    "review-undo": Route("post", _row, roles=REVIEWERS),
    "review-bulk-accept": Route("post", None, {"period": "2025"}, roles=REVIEWERS),
    "smelters": Route(),
    "smelter": Route(kwargs=_smelter, scoped=False),
    "products": Route(),
    "product": Route(kwargs=_product),
    "reports": Route(roles=RECORD_READERS),
    "report": Route(kwargs=_report, roles=RECORD_READERS),
    "report-document": Route(kwargs=_document, roles=RECORD_READERS),
    "campaigns": Route(roles=CAMPAIGN_READERS),
    "campaign-create": Route(roles=ACTORS),
    "campaign": Route(kwargs=_campaign, roles=CAMPAIGN_READERS),
    "campaign-send": Route("post", _campaign, roles=ACTORS),
    "campaign-close": Route("post", _campaign, roles=ACTORS),
    "campaign-extend": Route("post", _campaign, {"due_on": "2030-06-30"}, roles=ACTORS),
    "campaign-request-extend": Route(
        "post", _campaign_request, {"due_on": "2030-06-30"}, roles=ACTORS
    ),
    "campaign-request-resend": Route("post", _campaign_request, roles=ACTORS),
    "campaign-request-revoke": Route("post", _campaign_request, {"reason": "x"}, roles=ACTORS),
    "campaign-request-upload": Route("post", _campaign_request, roles=ACTORS),
    "outbox": Route(roles=CAMPAIGN_READERS),
    "outbox-retry": Route("post", _message, roles=ACTORS),
    "outbox-cancel": Route("post", _message, roles=ACTORS),
}
PUBLIC = {"login", "logout"}
#: the supplier portal has no staff roles: its own matrix is tests/web/test_portal_security.py
PORTAL_PREFIX = "portal-"


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":  # Django's own admin, staff-only by itself
                continue
            yield from _names(entry.url_patterns, entry.namespace or namespace)
        elif entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def url(name: str, world: World, side: str = "a") -> str:
    route = ROUTES[name]
    kwargs = route.kwargs(world, side) if route.kwargs else {}
    return reverse(name, kwargs=kwargs) + route.query


def call(client: Client, name: str, world: World, side: str = "a") -> Any:
    route = ROUTES[name]
    target = url(name, world, side)
    return client.post(target, route.data) if route.method == "post" else client.get(target)


def test_every_route_is_in_the_matrix() -> None:
    listed = set(ROUTES) | PUBLIC
    routed = {n for n in _names(get_resolver().url_patterns) if not n.startswith(PORTAL_PREFIX)}
    assert routed - listed == set(), "add new routes to ROUTES with their expected access"
    assert listed - routed == set()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_signed_out_goes_to_sign_in(client: Client, world: World, name: str) -> None:
    response = call(client, name, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kwargs))
def test_officer_gets_404_for_another_companys_objects(login: Any, world: World, name: str) -> None:
    officer = login("officer_a")
    if "officer" not in ROUTES[name].roles:
        assert call(officer, name, world, side="b").status_code == 403
        return
    if not ROUTES[name].scoped:
        other = call(officer, name, world, side="b")
        assert other.status_code == 200
        assert world.supplier["b"].name.encode() not in other.content
        return
    assert call(officer, name, world, side="b").status_code == 404
    own = call(officer, name, world, side="a")
    assert own.status_code in (200, 302), own.status_code


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if not r.kwargs))
def test_officer_lists_show_only_own_companies(login: Any, world: World, name: str) -> None:
    response = login("officer_a").get(url(name, world), follow=True)
    if "officer" not in ROUTES[name].roles:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = response.content
    assert world.supplier["b"].name.encode() not in body
    assert world.silent["b"].name.encode() not in body


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_auditor_post_is_refused_everywhere(login: Any, world: World, name: str) -> None:
    auditor = login("auditor")
    before = (AuditEntry.objects.count(), CorrectiveAction.objects.filter(closed_at=None).count())
    response = auditor.post(url(name, world), ROUTES[name].data)
    assert response.status_code == 403
    after = (AuditEntry.objects.count(), CorrectiveAction.objects.filter(closed_at=None).count())
    assert after == before


@pytest.mark.parametrize("username", ["admin", "officer_a", "reviewer", "auditor"])
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_role_gets_what_its_permissions_allow(
    login: Any, world: World, name: str, username: str
) -> None:
    role = username.removesuffix("_a")
    response = call(login(username), name, world, side="a")
    if role in ROUTES[name].roles:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


def test_staff_changes_are_audited_with_the_user(login: Any, world: World) -> None:
    officer = login("officer_a")
    officer.post(url("supplier-action-open", world), {"title": "Replace placeholder IDs"})
    officer.post(url("supplier-action-close", world), {"note": "new file received"})
    actions = list(
        AuditEntry.objects.filter(action__startswith="corrective_action.").values_list(
            "actor", "action"
        )
    )
    assert sorted(actions) == [
        ("user:officer_a", "corrective_action.closed"),
        ("user:officer_a", "corrective_action.opened"),
    ]
    opened = CorrectiveAction.objects.get(title="Replace placeholder IDs")
    assert (opened.opened_by, opened.owner, opened.is_open) == ("user:officer_a", "officer_a", True)
    assert not CorrectiveAction.objects.get(pk=world.action["a"].pk).is_open


def test_a_user_without_a_role_sees_nothing(world: World, django_user_model: Any) -> None:
    django_user_model.objects.create_user("nobody", password="x")
    client = Client()
    client.login(username="nobody", password="x")
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("supplier", kwargs=_supplier(world, "a"))).status_code == 403


def test_scoped_queries_fail_closed(world: World) -> None:
    with pytest.raises(ScopeError):
        suppliers_for(None)  # type: ignore[arg-type]
    with pytest.raises(ScopeError):
        declarations_for("admin")  # type: ignore[arg-type]
    only_a = StaffScope.for_group_companies(frozenset({world.company["a"].pk}))
    assert set(suppliers_for(only_a)) == {world.supplier["a"], world.silent["a"]}
    assert list(declarations_for(only_a)) == [world.declaration["a"]]
