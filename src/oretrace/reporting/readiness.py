"""Whether a snapshot may become a final report or roll-up, and exactly what is missing if not.

A final document must not carry a placeholder, a default company name or a date the registry
could not vouch for. ``missing_for_report`` and ``missing_for_rollup`` list every gap, one
line each, naming the profile field to fill (``oretrace profile load``) or the fact about
the period; a draft (``--draft``) is built anyway and stamped DRAFT on every page.
"""

from __future__ import annotations

import datetime as dt

from oretrace.reporting.data import Organisation, ReportData

DEFAULT_NAME = Organisation().legal_name

#: Filer facts Form SD's cover and signature need (field → what it is).
FILER_FACTS = (
    ("legal_name", "exact name of the registrant as in its charter"),
    ("state_of_incorporation", "state or other jurisdiction of incorporation"),
    ("commission_file_number", "Commission file number"),
    ("irs_employer_id", "IRS Employer Identification No."),
    ("address", "address of principal executive offices"),
    ("contact_name", "person to contact about the report"),
    ("contact_phone", "telephone number of that person"),
    ("authorizer", "the officer who signs"),
    ("authorizer_title", "title of the officer who signs"),
    ("website", "website where the report is published"),
)
#: Texts the Conflict Minerals Report prints (mode ``cmr``).
REPORT_TEXTS = (
    ("company_overview", "company description (section 2)"),
    ("products_overview", "products description (section 2)"),
    ("policy_summary", "conflict minerals policy (step 1)"),
    ("team", "internal team (step 1)"),
    ("supplier_engagement", "supplier engagement (step 1)"),
    ("grievance_mechanism", "grievance mechanism (step 1)"),
    ("memberships", "industry memberships (step 1)"),
    ("record_keeping", "record keeping (step 1)"),
    ("independent_audit", "audit statement (step 4)"),
)
#: The roll-up CMRT's company block (Declaration rows 8–20) as customers expect it filled.
ROLLUP_FACTS = (
    ("legal_name", "company name"),
    ("address", "address"),
    ("contact_name", "contact name"),
    ("contact_email", "contact e-mail"),
    ("contact_phone", "contact telephone"),
    ("authorizer", "authorizer"),
    ("authorizer_title", "authorizer title"),
    ("authorizer_email", "authorizer e-mail"),
)


class NotReady(ValueError):
    """A final document was asked for but the snapshot lacks something; ``missing`` lists it."""

    def __init__(self, what: str, missing: list[str]) -> None:
        self.missing = missing
        lines = "\n".join(f"  - {item}" for item in missing)
        super().__init__(
            f"the {what} is not ready to be final; missing:\n{lines}\n"
            "Fill these in (oretrace profile load FILE) or build a draft with --draft."
        )


def _missing_fields(org: Organisation, fields: tuple[tuple[str, str], ...]) -> list[str]:
    missing = []
    for name, meaning in fields:
        value = getattr(org, name)
        empty = not value if isinstance(value, tuple | dict) else not str(value).strip()
        if empty or (name == "legal_name" and value == DEFAULT_NAME):
            missing.append(f"profile field {name}: {meaning}")
    return missing


def period_gaps(data: ReportData, today: dt.date | None = None) -> list[str]:
    """What about the period itself stops a final document: no data, or a dishonest date."""
    gaps = []
    period_end = dt.date(data.period, 12, 31)
    if data.as_of <= period_end:
        gaps.append(
            f"as-of date {data.as_of.isoformat()} is not after the end of the reporting period "
            f"({period_end.isoformat()}); a final report is as of a date after the period"
        )
    if today is not None and data.as_of > today:
        gaps.append(f"as-of date {data.as_of.isoformat()} is in the future")
    if data.suppliers_surveyed == 0:
        gaps.append(f"no suppliers were surveyed for {data.period} (import suppliers first)")
    if sum(data.declarations.values()) == 0:
        gaps.append(f"no supplier declarations were received for {data.period} (ingest them)")
    if not data.rcoi:
        gaps.append(f"no RCOI conclusion could be drawn for {data.period}")
    return gaps


def missing_for_report(data: ReportData, mode: str, today: dt.date | None = None) -> list[str]:
    """Every gap that stops ``data`` from becoming a final Form SD (and report in ``cmr``)."""
    org = data.organisation
    missing = _missing_fields(org, FILER_FACTS)
    if mode == "cmr":
        missing += _missing_fields(org, REPORT_TEXTS)
        if not org.risk_mitigation and not data.corrective_actions:
            missing.append("profile field risk_mitigation: steps planned (section 7)")
    return missing + period_gaps(data, today)


def missing_for_rollup(data: ReportData, today: dt.date | None = None) -> list[str]:
    """Every gap that stops ``data`` from becoming a final roll-up CMRT."""
    return _missing_fields(data.organisation, ROLLUP_FACTS) + period_gaps(data, today)
