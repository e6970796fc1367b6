"""The texts of campaign e-mails: invitation, reminder, resent link.

Each is rendered once, when it is queued, in the recipient's language
(``translation.override``); the outbox stores the result, so what was sent is what is shown.
The strings are marked for translation (the portal's message catalogues carry them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from oretrace.registry.models import SupplierRequest
from oretrace.registry.services.portal_tokens import portal_url

#: The language a supplier's e-mails start in, by the country it gives (CMRT country names);
#: English otherwise. The portal lets the supplier switch.
LANGUAGE_BY_COUNTRY = {
    "JAPAN": "ja",
    "CHINA": "zh-hans",
    "HONG KONG": "zh-hans",
    "MACAO": "zh-hans",
}


def locale_for(country: str) -> str:
    return LANGUAGE_BY_COUNTRY.get(country.strip().upper(), "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body_text: str


def invitation(request: SupplierRequest, raw_token: str) -> Rendered:
    return _render(request, raw_token, "invitation")


def resend(request: SupplierRequest, raw_token: str) -> Rendered:
    return _render(request, raw_token, "resend")


def reminder(request: SupplierRequest, raw_token: str | None, days_left: int) -> Rendered:
    return _render(request, raw_token, "reminder", days_left)


def _render(
    request: SupplierRequest, raw_token: str | None, kind: str, days_left: int = 0
) -> Rendered:
    campaign = request.campaign
    with translation.override(request.locale or "en"):
        due = request.effective_due_on.isoformat()
        template = campaign.template_family or "CMRT"
        revision = campaign.minimum_revision
        asked = (
            _("a %(template)s, revision %(revision)s or newer,")
            % {"template": template, "revision": revision}
            if revision
            else _("a %(template)s") % {"template": template}
        )
        greeting = (
            _("Dear %(name)s,") % {"name": request.contact_name}
            if request.contact_name
            else _("Dear supplier,")
        )
        if kind == "reminder":
            subject = (
                _("Reminder: your %(template)s for %(year)s is due on %(due)s")
                if days_left >= 0
                else _("Overdue: your %(template)s for %(year)s was due on %(due)s")
            ) % {"template": template, "year": campaign.period.year, "due": due}
            opening = _("we have not yet received %(asked)s from %(supplier)s for %(year)s.") % {
                "asked": asked,
                "supplier": request.supplier.name,
                "year": campaign.period.year,
            }
        else:
            subject = _("Request for your %(template)s for %(year)s, due %(due)s") % {
                "template": template,
                "year": campaign.period.year,
                "due": due,
            }
            opening = _(
                "please send us %(asked)s for %(supplier)s for the reporting year %(year)s."
            ) % {"asked": asked, "supplier": request.supplier.name, "year": campaign.period.year}
        lines = [greeting, "", opening]
        if campaign.message and kind != "reminder":
            lines += ["", campaign.message.strip()]
        lines += ["", _("Due date: %(due)s") % {"due": due}, ""]
        if raw_token:
            lines += [
                _(
                    "Upload your file through your personal link (no account needed; do not "
                    "forward it):"
                ),
                portal_url(raw_token),
                "",
                _(
                    "After the upload you see at once what is missing or wrong, and can send a "
                    "corrected file."
                ),
            ]
        else:
            lines += [_("Please use the personal link from our first e-mail to upload your file.")]
        if kind == "resend":
            lines += ["", _("This link replaces the one we sent before.")]
        lines += ["", _("Thank you."), ""]
        return Rendered(subject, "\n".join(lines))
