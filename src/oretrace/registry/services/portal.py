"""The supplier's side of the portal: what one portal session may see and change.

A supplier reaches the portal through a link (:mod:`portal_tokens`); the web app exchanges
the link for a session that remembers only the link's id. :func:`scope_for` turns that id
back into a :class:`PortalScope` on every request, checking the link again (a link revoked
or expired mid-session ends the session). The scope sees the supplier's own requests only:
the request of its link and the other open requests (sent campaigns) of the same supplier
(:func:`requests_for`); anything else answers as not found. What a supplier changes is
audited as ``supplier:<request id>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from oretrace.registry.models import (
    Campaign,
    Contact,
    Declaration,
    PolicyAcknowledgement,
    PortalSubmission,
    SupplierAccess,
    SupplierRequest,
)
from oretrace.registry.services import audit
from oretrace.registry.services.profile import load_letter_fields, load_profile


@dataclass(frozen=True, slots=True)
class PortalScope:
    """What one portal session may see: one supplier, entered through one link."""

    access_id: int
    request_id: int
    supplier_id: int


def supplier_actor(request: SupplierRequest) -> str:
    return f"supplier:{request.pk}"


def scope_of(access: SupplierAccess) -> PortalScope:
    return PortalScope(access.pk, access.request_id, access.request.supplier_id)


def scope_for(access_id: object, now: dt.datetime | None = None) -> PortalScope | None:
    """The scope of a session's link, or None when the link is gone, revoked or expired."""
    if not isinstance(access_id, int) or isinstance(access_id, bool):
        return None
    now = now or timezone.now()
    access = (
        SupplierAccess.objects.select_related("request")
        .filter(pk=access_id, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    return scope_of(access) if access is not None else None


def requests_for(scope: PortalScope) -> QuerySet[SupplierRequest]:
    """The supplier's own requests: its link's, and its other requests of sent campaigns."""
    return (
        SupplierRequest.objects.select_related("campaign", "campaign__period", "supplier")
        .filter(supplier_id=scope.supplier_id)
        .filter(Q(pk=scope.request_id) | Q(campaign__status=Campaign.Status.SENT))
        .order_by("-campaign__due_on", "-pk")
    )


def remember_locale(scope: PortalScope, locale: str) -> None:
    """The language the supplier chose on the portal; its e-mails follow it."""
    requests_for(scope).update(locale=locale[:10])


# --- contacts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactDetails:
    name: str
    email: str
    role: str


def contact_details(request: SupplierRequest) -> ContactDetails:
    """The contact the request goes to, as the supplier sees it before confirming."""
    contact = request.contact
    return ContactDetails(
        name=request.contact_name or (contact.name if contact else ""),
        email=request.email or (contact.email if contact else ""),
        role=contact.role if contact else "",
    )


def confirm_contacts(
    request: SupplierRequest, details: ContactDetails, actor: str
) -> SupplierRequest:
    """Record the supplier's confirmed (or corrected) contact for ``request``; audited."""
    with transaction.atomic():
        locked = SupplierRequest.objects.select_for_update().get(pk=request.pk)
        before = contact_details(locked)
        contact = locked.contact
        if contact is None or contact.supplier_id != locked.supplier_id:
            contact = Contact(supplier_id=locked.supplier_id)
        contact.name, contact.email, contact.role = details.name, details.email, details.role
        contact.save()
        locked.contact = contact
        locked.contact_name = details.name
        locked.email = details.email
        locked.contacts_confirmed_at = timezone.now()
        locked.save(update_fields=["contact", "contact_name", "email", "contacts_confirmed_at"])
        audit.record(
            actor,
            "portal.contacts_confirmed",
            locked,
            supplier=locked.supplier_id,
            changed=before != details,
            before={"name": before.name, "email": before.email, "role": before.role},
            after={"name": details.name, "email": details.email, "role": details.role},
        )
    return locked


# --- sourcing policy and letter of agreement -------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A document suppliers acknowledge, as the organisation profile states it: the
    sourcing policy or the letter of agreement."""

    document: str
    text: str
    url: str
    version: str

    @property
    def stated(self) -> bool:
        return bool(self.text or self.url)


def policy_document() -> PolicyDocument:
    """The policy to acknowledge; its version is a digest of the text and address, so a
    changed policy asks for a new acknowledgement."""
    profile = load_profile()
    text, url = profile.policy_summary.strip(), profile.policy_url.strip()
    return PolicyDocument(PolicyAcknowledgement.Document.POLICY, text, url, digest(text, url))


def letter_document() -> PolicyDocument:
    """The letter of agreement to acknowledge; its version is the one the profile gives
    (``letter_of_agreement_version``), else a digest of the text and address."""
    letter = load_letter_fields()
    text = letter["letter_of_agreement"].strip()
    url = letter["letter_of_agreement_url"].strip()
    version = letter["letter_of_agreement_version"].strip()[:50] or digest(text, url)
    return PolicyDocument(PolicyAcknowledgement.Document.LETTER, text, url, version)


def document_to_acknowledge(kind: str) -> PolicyDocument:
    """The policy (``"policy"``) or the letter of agreement (``"letter"``)."""
    if kind == PolicyAcknowledgement.Document.LETTER:
        return letter_document()
    return policy_document()


def digest(text: str, url: str) -> str:
    return hashlib.sha256(f"{text}\n{url}".encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class AcknowledgementSummary:
    """The latest acknowledgement of one document by one supplier, for staff pages."""

    document: str
    version: str
    name: str
    acknowledged_at: dt.datetime


def acknowledgements_by_supplier(
    supplier_ids: Iterable[int],
) -> dict[int, list[AcknowledgementSummary]]:
    """Per supplier, its latest acknowledgement of each document (policy first), in one
    query; staff campaign rows and the supplier page show them."""
    latest: dict[int, dict[str, AcknowledgementSummary]] = {}
    rows = PolicyAcknowledgement.objects.filter(supplier_id__in=list(supplier_ids)).order_by(
        "acknowledged_at", "pk"
    )
    for ack in rows:
        latest.setdefault(ack.supplier_id, {})[ack.document] = AcknowledgementSummary(
            ack.document, ack.document_version, ack.name, ack.acknowledged_at
        )
    order = [choice.value for choice in PolicyAcknowledgement.Document]
    return {
        supplier: [documents[kind] for kind in order if kind in documents]
        for supplier, documents in latest.items()
    }


def acknowledgement_of(
    request: SupplierRequest, policy: PolicyDocument
) -> PolicyAcknowledgement | None:
    """The supplier's acknowledgement of this version of the policy, if any."""
    return (
        PolicyAcknowledgement.objects.filter(
            supplier_id=request.supplier_id,
            document=policy.document,
            document_version=policy.version,
        )
        .order_by("-acknowledged_at", "-pk")
        .first()
    )


def acknowledge_policy(
    request: SupplierRequest,
    policy: PolicyDocument,
    *,
    name: str,
    email: str,
    ip: str | None,
    user_agent: str,
    actor: str,
) -> PolicyAcknowledgement:
    """Record who acknowledged the policy or letter, when and from where; audited."""
    with transaction.atomic():
        acknowledgement = PolicyAcknowledgement.objects.create(
            request=request,
            supplier_id=request.supplier_id,
            document=policy.document,
            document_version=policy.version,
            name=name,
            email=email,
            ip_address=ip,
            user_agent=user_agent[:500],
        )
        audit.record(
            actor,
            f"portal.{policy.document}_acknowledged",
            acknowledgement,
            request=request.pk,
            supplier=request.supplier_id,
            document=policy.document,
            version=policy.version,
            name=name,
            email=email,
            ip=ip,
        )
    return acknowledgement


# --- submitted files ------------------------------------------------------------------


def submitted_declaration(request: SupplierRequest, submission_id: int) -> Declaration | None:
    """The declaration a file submitted for ``request`` became (None: not that request's
    file, or not read yet)."""
    submission = (
        PortalSubmission.objects.select_related("declaration__stored_file")
        .filter(request_id=request.pk, pk=submission_id)
        .first()
    )
    return submission.declaration if submission is not None else None
