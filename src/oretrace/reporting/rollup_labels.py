"""Labels for the roll-up in oretrace's own layout, so a customer can read it without RMI's
template: what each company field is, each question (in oretrace's words, after the CMRT
6.x questions), the metal of each answer row, and column widths that show every date.

Only cells the template leaves to labels are written (columns B and C); the input cells stay
where the CMRT 6.x layout has them, so any CMRT reader reads the file back unchanged. The
official template, when given (``rollup --template``), carries RMI's own wording instead.
"""

from __future__ import annotations

from oretrace.cmrt.layouts import Layout

DECLARATION = "Declaration"
SMELTER_LIST = "Smelter List"
PRODUCT_LIST = "Product List"

COMPANY_LABELS = {
    "company_name": "Company name (legal name)",
    "scope": "Declaration scope",
    "scope_description": "Description of scope",
    "unique_id": "Company unique ID",
    "unique_id_authority": "Unique ID authority",
    "address": "Address",
    "contact_name": "Contact name",
    "contact_email": "Contact e-mail",
    "contact_phone": "Contact telephone",
    "authorizer": "Authorizer",
    "authorizer_title": "Authorizer title",
    "authorizer_email": "Authorizer e-mail",
    "authorizer_phone": "Authorizer telephone",
    "effective_date": "Effective date",
}
QUESTIONS = {
    "Q1": "1) Is the metal intentionally added or used in the product(s) or in their production?",
    "Q2": "2) Does the metal remain in the product(s)?",
    "Q3": "3) Do any smelters in the supply chain source the metal from the Covered Countries?",
    "Q4": "4) Do any smelters in the supply chain source the metal from conflict-affected and "
    "high-risk areas (CAHRAs)?",
    "Q5": "5) Does 100 percent of the metal come from recycled or scrap sources?",
    "Q6": "6) What percentage of relevant suppliers have responded to the supply chain survey?",
    "Q7": "7) Have all smelters supplying the metal to the supply chain been identified?",
    "Q8": "8) Has all smelter information received been reported in this declaration?",
}
COMPANY_QUESTIONS = {
    "A": "A. Is there a policy addressing conflict minerals sourcing?",
    "B": "B. Is the policy publicly available on the website? (URL in the comment)",
    "C": "C. Are direct suppliers required to source from smelters validated by an "
    "independent third-party audit programme?",
    "D": "D. Have due diligence measures for responsible sourcing been implemented?",
    "E": "E. Are conflict minerals surveys of relevant suppliers conducted?",
    "F": "F. Is the due diligence information received from suppliers reviewed against the "
    "company's expectations?",
    "G": "G. Does the review process include corrective action management?",
    "H": "H. Is the company required to file an annual conflict minerals disclosure?",
}


def own_layout_labels(layout: Layout) -> dict[tuple[str, str], str]:
    """(sheet, cell) → label for the Declaration sheet of ``layout``."""
    labels: dict[tuple[str, str], str] = {
        (DECLARATION, "B5"): "Company information",
        (DECLARATION, f"{layout.answer_col}5"): "Answer",
        (DECLARATION, f"{layout.comment_col}5"): "Comment",
    }
    for key, cell in layout.company.items():
        if key in COMPANY_LABELS:
            labels[DECLARATION, f"B{cell[1:]}"] = COMPANY_LABELS[key]
    for question in layout.questions:
        labels[DECLARATION, f"B{question.header_row}"] = QUESTIONS.get(question.key, question.key)
        for row, metal in question.rows:
            if metal:
                labels[DECLARATION, f"C{row}"] = metal
    for item in layout.company_questions:
        for row, _mineral in item.rows:
            labels[DECLARATION, f"B{row}"] = COMPANY_QUESTIONS.get(item.key, item.key)
    return labels


def own_layout_widths(layout: Layout) -> dict[tuple[str, str], float]:
    """Column widths: labels wide enough to read, answers wide enough for a date."""
    widths = {
        (DECLARATION, "B"): 60.0,
        (DECLARATION, "C"): 12.0,
        (DECLARATION, layout.answer_col): 40.0,
        (DECLARATION, layout.comment_col): 40.0,
    }
    for column in layout.smelters.columns.values():
        widths[SMELTER_LIST, column] = 22.0
    if layout.products is not None:
        for column in layout.products.columns.values():
            widths[PRODUCT_LIST, column] = 30.0
    return widths
