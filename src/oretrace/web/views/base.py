"""Page-type bases. They apply the signed-in person's scope, so concrete pages never filter
for permissions themselves:

- :class:`StaffPage`: signed in, has a staff role, has the page's ``permission``.
- :class:`ListPage`: a scoped queryset, a filter form, sorting, pagination; htmx requests get
  only the table partial (``partial_template``).
- :class:`DetailPage`: one object from a scoped queryset; out of scope answers 404.
- :class:`ActionPage`: POST only, needs ``Permission.ACT`` by default; auditors never get here.

Pages that want a menu entry use :func:`in_navigation`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views import View

from oretrace.registry.services.scope import Permission, StaffScope
from oretrace.web.navigation import add_to_navigation

M = TypeVar("M", bound=Model)
PageClass = TypeVar("PageClass", bound=type["StaffPage"])


def in_navigation(label: str, url_name: str, order: int) -> Callable[[PageClass], PageClass]:
    """Give a page a menu entry, shown to whoever has the page's permission."""

    def register(page: PageClass) -> PageClass:
        add_to_navigation(label, url_name, page.permission, order)
        return page

    return register


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class StaffPage(View):
    """A page for signed-in staff with the page's ``permission``."""

    permission: ClassVar[Permission] = Permission.VIEW
    template_name: ClassVar[str] = ""
    scope: StaffScope

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope: StaffScope | None = getattr(request, "staff_scope", None)
        if scope is None or not scope.can(self.permission):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "OPTIONS") and scope.read_only:
            raise PermissionDenied
        self.scope = scope
        return super().dispatch(request, *args, **kwargs)

    def render(self, context: dict[str, Any], template: str | None = None) -> HttpResponse:
        return TemplateResponse(self.request, template or self.template_name, context)


class FilterForm(forms.Form):
    """A list's filters. Subclasses add fields and narrow the queryset in :meth:`filter`;
    choices that name scoped things (group companies) come from the scope."""

    def __init__(self, data: Any, scope: StaffScope) -> None:
        super().__init__(data)
        self.scope = scope

    def filter(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows


class ListPage(StaffPage, Generic[M]):
    """A filtered, sorted, paginated table of scoped rows."""

    filter_form: ClassVar[type[FilterForm]] = FilterForm
    partial_template: ClassVar[str] = ""
    #: ``?sort=`` value → order_by fields; the first is the default.
    sorts: ClassVar[dict[str, tuple[str, ...]]] = {}
    per_page: ClassVar[int] = 50

    form: FilterForm

    def rows(self) -> QuerySet[M]:
        """The scoped rows; ``self.form`` (validated) is set when this is called."""
        raise ImproperlyConfigured(f"{type(self).__name__} must say which rows it lists")

    def filtered(self) -> tuple[FilterForm, QuerySet[M]]:
        self.form = form = self.filter_form(self.request.GET, self.scope)
        valid = form.is_valid()
        rows = self.rows()
        if valid:
            rows = form.filter(rows)
        return form, rows.order_by(*self.sorts.get(self.sort_key(), ("pk",)))

    def filter_value(self, name: str) -> Any:
        """A validated filter value (None when absent or invalid)."""
        return getattr(self.form, "cleaned_data", {}).get(name)

    def sort_key(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted in self.sorts else next(iter(self.sorts), "")

    def page(self, rows: QuerySet[M]) -> Page[M]:
        return Paginator(rows, self.per_page).get_page(self.request.GET.get("page"))

    def extra_context(self, page: Page[M]) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, rows = self.filtered()
        page = self.page(rows)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "sort": self.sort_key(),
            "query": query.urlencode(),
            **self.extra_context(page),
        }
        if is_htmx(request) and self.partial_template:
            return self.render(context, self.partial_template)
        return self.render(context)


class DetailPage(StaffPage, Generic[M]):
    """One object, looked up in the scoped queryset: anything out of scope is a 404."""

    def objects(self) -> QuerySet[M]:
        raise ImproperlyConfigured(f"{type(self).__name__} must say where its object is found")

    def get_object(self) -> M:
        return get_object_or_404(self.objects(), pk=self.kwargs["pk"])


class ActionPage(StaffPage):
    """A change someone makes (POST only). The service it calls writes the audit entry."""

    permission = Permission.ACT
    http_method_names = ["post"]
