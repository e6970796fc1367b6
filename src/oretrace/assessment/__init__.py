"""Assessment: RCOI conclusions, red flags, supplier/product risk, smelter status, changes.

Pure Python over plain frozen records (:mod:`oretrace.assessment.inputs`); the registry
fills them from its tables. Start at :func:`oretrace.assessment.overview.assess_period`.
Rules are written in each module's docstring and in docs/assessment.md.
"""
