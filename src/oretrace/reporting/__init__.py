"""Reports from a frozen snapshot: Form SD, the Conflict Minerals Report, Excel exports,
charts and the roll-up CMRT. Pure Python: no Django, no registry."""
