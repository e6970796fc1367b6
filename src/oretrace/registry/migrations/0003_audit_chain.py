"""Chain the audit log by hash and make it append-only; review decisions with rules;
corrections to declarations.

Existing audit entries (written before the chain) are chained here in id order, keeping
their times; then the triggers that refuse UPDATE and DELETE are installed for the database
in use (SQLite or PostgreSQL). Rows a person had rejected (decision "none" after a rejecting
review) become "rejected", so they leave the review queue.
"""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from oretrace.registry import append_only
from oretrace.registry.models.audit import GENESIS, entry_content, entry_hash


def chain_existing(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("registry", "AuditEntry")
    head_model = apps.get_model("registry", "AuditChainHead")
    prev, seq = GENESIS, 0
    for entry in entry_model.objects.order_by("id").iterator():
        seq += 1
        content = entry_content(
            seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.data,
        )
        digest = entry_hash(content, prev)
        entry_model.objects.filter(pk=entry.pk).update(seq=seq, prev_hash=prev, hash=digest)
        prev = digest
    head_model.objects.create(id=1, seq=seq, hash=prev)


def mark_rejected(apps: Any, schema_editor: Any) -> None:
    row_model = apps.get_model("registry", "DeclarationSmelter")
    decision_model = apps.get_model("registry", "ReviewDecision")
    latest: dict[int, bool] = {}
    for row_id, accepted in decision_model.objects.order_by("decided_at", "id").values_list(
        "row_id", "accepted"
    ):
        latest[row_id] = accepted
    rejected = [row_id for row_id, accepted in latest.items() if not accepted]
    row_model.objects.filter(pk__in=rejected, decision="none").update(decision="rejected")


def install_triggers(apps: Any, schema_editor: Any) -> None:
    append_only.install(schema_editor.connection)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_profile_and_review_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS, max_length=64)),
            ],
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-seq"], "verbose_name_plural": "audit entries"},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.CharField(
                help_text="'cli:<os user>@<host>', 'user:<name>', 'worker:<task>'.",
                max_length=150,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(help_text="1, 2, 3, … without gaps.", unique=True),
        ),
        migrations.AddField(
            model_name="reviewdecision",
            name="reason",
            field=models.TextField(
                blank=True, help_text="Why an already decided row was re-decided."
            ),
        ),
        migrations.AddField(
            model_name="learnedalias",
            name="taught_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The review decision that set this alias last.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.reviewdecision",
            ),
        ),
        migrations.AlterField(
            model_name="declarationsmelter",
            name="decision",
            field=models.CharField(
                choices=[
                    ("auto", "identified automatically"),
                    ("review", "needs review"),
                    ("none", "not identified"),
                    ("confirmed", "confirmed by a person"),
                    ("rejected", "rejected by a person"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("withdrawn", "withdrawn by the supplier"),
                            ("follow_up", "needs follow-up"),
                            ("reinstated", "as ingested (earlier correction undone)"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "previous_status",
                    models.CharField(
                        help_text="The declaration's effective status before this correction.",
                        max_length=12,
                    ),
                ),
                ("reason", models.TextField()),
                ("actor", models.CharField(max_length=150)),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "declaration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="registry.declaration",
                    ),
                ),
            ],
            options={"ordering": ["declaration", "at", "id"]},
        ),
        migrations.RunPython(mark_rejected, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
