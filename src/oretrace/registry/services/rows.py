"""Insert many rows of one table with a multi-row ``INSERT``, without model instances.

An ingest batch inserts a few thousand findings, products and smelter rows. Through
``bulk_create`` each costs a model instance and, per column, the compiler's preparation —
most of the writer's Python per file (docs/adr/0028-ingest-cpu-per-file.md). The rows here
are plain tuples in the order of ``columns``; each value goes through its field's
``get_db_prep_save`` exactly as ``bulk_create`` would send it, except the values of text,
integer and float columns that already have that exact type (or are None), which that
method returns unchanged. So the stored rows are the same; no primary keys come back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

#: Field types whose ``get_db_prep_save`` returns a value of this exact type unchanged.
_AS_IS: tuple[tuple[type[models.Field[Any, Any]], type], ...] = (
    (models.CharField, str),
    (models.TextField, str),
    (models.IntegerField, int),
    (models.FloatField, float),
    (models.ForeignKey, int),
)


#: Rows sent in one ``INSERT`` at most (fewer when the database takes fewer parameters).
ROWS_PER_STATEMENT = 500


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """``INSERT`` every row of ``rows`` (values in the order of ``columns``: field names, a
    foreign key by its ``attname``, e.g. ``declaration_id``) into ``model``'s table."""
    if not rows:
        return
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    missing = {f.attname for f in meta.concrete_fields if not f.primary_key} - set(columns)
    if missing:  # a default bulk_create would fill in: give it here, not silently skip it
        raise ValueError(f"insert_rows({meta.label}): no value for {sorted(missing)}")
    convert = [_converter(field) for field in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "
    # one statement per chunk, as bulk_create sends them (PostgreSQL's statement triggers
    # fire once per statement, not once per row)
    size = max(
        1, min(ROWS_PER_STATEMENT, (connection.features.max_query_params or 65535) // len(fields))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [c(v) for row in chunk for v, c in zip(row, convert, strict=True)]
            cursor.execute(head + ", ".join([marks] * len(chunk)), params)


def _converter(field: Any) -> Callable[[Any], Any]:
    """What ``bulk_create`` does to a value of ``field``, skipped where it changes nothing."""

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    kept = next((kind for base, kind in _AS_IS if isinstance(field, base)), None)
    if kept is None or isinstance(field, models.JSONField):
        return prepare

    def as_is(value: Any) -> Any:
        return value if value is None or type(value) is kept else prepare(value)

    return as_is
