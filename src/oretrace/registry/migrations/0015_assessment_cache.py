"""The data version and the assessment cache (docs/adr/0018-page-speed.md).

Creates the one-row data-version counter and the cache table, then installs the triggers
that bump the counter on every write to a counted registry table (SQLite or PostgreSQL).
"""

from typing import Any

from django.db import migrations, models

from oretrace.registry import data_version


def install_triggers(apps: Any, schema_editor: Any) -> None:
    apps.get_model("registry", "DataVersion").objects.get_or_create(id=1)
    data_version.install(schema_editor.connection)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    data_version.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_portal_attempts")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="AssessmentCache",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="sha256 of what was computed", max_length=64, unique=True
                    ),
                ),
                ("kind", models.CharField(max_length=40)),
                ("version", models.BigIntegerField()),
                ("value", models.BinaryField()),
                (
                    "token",
                    models.CharField(
                        help_text="random per stored value (process copies)", max_length=32
                    ),
                ),
                ("computed_at", models.DateTimeField(auto_now=True)),
                (
                    "seconds",
                    models.FloatField(default=0, help_text="how long the computation took"),
                ),
            ],
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
