"""Documents get an identity (no longer their bare file name), and records get claims per document.

Existing documents keep their stored path as identity (the file name where no path was stored).
"""
import django.db.models.deletion
from django.db import migrations, models


def identity_from_path(apps, schema_editor):
    SourceDocument = apps.get_model("sources", "SourceDocument")
    for doc in SourceDocument.objects.all().only("pk", "name", "path"):
        doc.identity = doc.path or doc.name
        doc.save(update_fields=["identity"])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_deleted_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcedocument",
            name="identity",
            field=models.CharField(max_length=1024, null=True),
        ),
        migrations.RunPython(identity_from_path, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sourcedocument",
            name="identity",
            field=models.CharField(
                help_text="What makes this document itself: its canonical URL or wiki page name where the source "
                          "gives one, else its file path relative to the import root. Re-imports match on it (and "
                          "on the content hash, for a file that moved).",
                max_length=1024, unique=True),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="url",
            field=models.URLField(blank=True, help_text="The page's canonical URL, where known.", max_length=1024),
        ),
        migrations.AlterField(
            model_name="sourcedocument",
            name="name",
            field=models.CharField(help_text="File name of the source, for readers and editors.", max_length=255),
        ),
        migrations.AddField(
            model_name="deletedrecord",
            name="text",
            field=models.TextField(blank=True, help_text="The deleted event's sentence: the importer recognises it "
                                                         "after the source rewords it."),
        ),
        migrations.CreateModel(
            name="Claim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("key", models.CharField(help_text="The record's key within this document (its natural key, or for "
                                                   "a sentence its fingerprint).", max_length=500)),
                ("values", models.JSONField(blank=True, default=dict,
                                            help_text="The fields as this document states them.")),
                ("span_start", models.PositiveIntegerField(blank=True, null=True)),
                ("span_end", models.PositiveIntegerField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                   to="contenttypes.contenttype")),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="claims",
                                               to="sources.sourcedocument")),
            ],
            options={
                "indexes": [models.Index(fields=["content_type", "object_id"], name="claim_record_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("document", "content_type", "object_id"),
                                            name="claim_one_per_document"),
                    models.CheckConstraint(condition=models.Q(("span_start__isnull", True),
                                                              ("span_end__gte", models.F("span_start")),
                                                              _connector="OR"),
                                           name="claim_span_order"),
                ],
            },
        ),
    ]
