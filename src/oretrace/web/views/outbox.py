"""The e-mail outbox: every campaign message and what became of it, filtered by status;
failed or bounced messages can be sent again, waiting or failed ones cancelled (audited).
Officers see the messages of their group companies' campaigns only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from oretrace.registry.models import OutboxMessage
from oretrace.registry.services import outbox
from oretrace.registry.services.campaigns import campaigns_for
from oretrace.registry.services.scope import Permission
from oretrace.web.views.base import ActionPage, StaffPage, in_navigation


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "any status"), *OutboxMessage.Status.choices], required=False
    )


def messages_in_scope(page: StaffPage) -> QuerySet[OutboxMessage]:
    return outbox.messages(campaigns_for(page.scope))


@in_navigation("Outbox", "outbox", order=64)
class OutboxPage(StaffPage):
    permission = Permission.CAMPAIGNS
    template_name = "web/outbox.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = StatusForm(request.GET)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        rows = messages_in_scope(self)
        if status:
            rows = rows.filter(status=status)
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        return self.render(
            {
                "form": form,
                "page": page,
                "query": f"status={status}" if status else "",
                "can_act": self.scope.can(Permission.ACT),
                "configured": outbox.delivery_configured(),
            }
        )


class MessageAction(ActionPage):
    def message(self, pk: int) -> OutboxMessage:
        return get_object_or_404(messages_in_scope(self), pk=pk)


class RetryPage(MessageAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            outbox.retry(self.message(pk), self.scope.actor)
        except outbox.OutboxError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "The message is queued again.")
        return redirect("outbox")


class CancelPage(MessageAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            outbox.cancel(self.message(pk), self.scope.actor)
        except outbox.OutboxError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "The message is cancelled.")
        return redirect("outbox")


urlpatterns = [
    path("outbox/", OutboxPage.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", RetryPage.as_view(), name="outbox-retry"),
    path("outbox/<int:pk>/cancel/", CancelPage.as_view(), name="outbox-cancel"),
]
