"""The smelter review queue: candidates with scores and reasons; accept, reject, pick another
candidate, bulk-accept single candidates, keyboard shortcuts; history and undo per row."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from oretrace.registry.services.periods import chosen_year
from oretrace.registry.services.review import ReviewError, accept, history, reject
from oretrace.registry.services.review_desk import (
    accept_single_candidates,
    queue_for,
    row_for,
    undo,
)
from oretrace.registry.services.scope import Permission
from oretrace.registry.services.warming import warm_later, years_of_rows
from oretrace.web.views.base import ActionPage, StaffPage, in_navigation, is_htmx


@in_navigation("Review", "review", order=40)
class ReviewQueuePage(StaffPage):
    permission = Permission.REVIEW
    template_name = "web/review.html"
    per_page = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        year = chosen_year(request.GET.get("period"))
        rows = queue_for(self.scope, year).select_related(
            "declaration", "declaration__supplier", "smelter"
        )
        page = Paginator(rows, self.per_page).get_page(request.GET.get("page"))
        single = [r.pk for r in page if len(r.candidates) == 1]
        return self.render(
            {"year": year, "page": page, "single": single, "query": f"period={year}"}
        )


class RowPage(StaffPage):
    """One row: what the supplier wrote, the candidates, every decision taken, undo."""

    permission = Permission.REVIEW
    template_name = "web/review_history.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = row_for(self.scope, pk)
        if row is None:
            raise Http404
        return self.render({"row": row, "decisions": history(row.pk)})


class DecidePage(ActionPage):
    """accept / reject / undo one row; htmx gets the row back, others a redirect."""

    permission = Permission.REVIEW
    verb = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = row_for(self.scope, pk)
        if row is None:
            raise Http404
        note = request.POST.get("note", "").strip()
        reason = request.POST.get("reason", "").strip()
        error = ""
        try:
            if self.verb == "accept":
                accept(pk, request.POST.get("smelter_id", ""), self.scope.actor, note, reason)
            elif self.verb == "reject":
                reject(pk, self.scope.actor, note, reason)
            else:
                undo(pk, self.scope.actor)
        except ReviewError as refused:
            error = str(refused)
        else:  # the figures are computed again by the worker, not in this request
            warm_later(years_of_rows([pk]), self.scope.actor)
        row.refresh_from_db()
        if is_htmx(request):
            return self.render(
                {"row": row, "error": error, "decided": not error}, "web/review_row.html"
            )
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Row {pk}: {row.get_decision_display()}.")
        return redirect("review-row", pk=pk)


class AcceptPage(DecidePage):
    verb = "accept"


class RejectPage(DecidePage):
    verb = "reject"


class UndoPage(DecidePage):
    verb = "undo"


class BulkAcceptPage(ActionPage):
    permission = Permission.REVIEW

    def post(self, request: HttpRequest) -> HttpResponse:
        year = chosen_year(request.POST.get("period"))
        ids = [int(i) for i in request.POST.getlist("row") if i.isdigit()]
        result = accept_single_candidates(self.scope, year, ids, self.scope.actor)
        if result.accepted:
            warm_later([year], self.scope.actor)
        messages.success(
            request,
            f"{len(result.accepted)} row(s) accepted; {len(result.skipped)} left for a person.",
        )
        return redirect(f"{reverse('review')}?period={year}")


urlpatterns = [
    path("review/", ReviewQueuePage.as_view(), name="review"),
    path("review/bulk-accept/", BulkAcceptPage.as_view(), name="review-bulk-accept"),
    path("review/<int:pk>/", RowPage.as_view(), name="review-row"),
    path("review/<int:pk>/accept/", AcceptPage.as_view(), name="review-accept"),
    path("review/<int:pk>/reject/", RejectPage.as_view(), name="review-reject"),
    path("review/<int:pk>/undo/", UndoPage.as_view(), name="review-undo"),
]
