"""Conflict.country, derived from the place line (issue 17: the home page filters by country). The database
default ('') keeps writes that bypass the model (raw SQL, COPY, bench/pages.py generate) valid."""
from django.db import migrations, models

from sources.classify import country_of


def fill_country(apps, schema_editor):
    Conflict = apps.get_model("conflicts", "Conflict")
    changed = []
    for conflict in Conflict.objects.exclude(place="").only("pk", "place", "country").iterator(chunk_size=2000):
        country = country_of(conflict.place) or ""
        if country != conflict.country:
            conflict.country = country
            changed.append(conflict)
    Conflict.objects.bulk_update(changed, ["country"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("conflicts", "0007_sides_unresolved"),
    ]

    operations = [
        migrations.AddField(
            model_name="conflict",
            name="country",
            field=models.CharField(blank=True, default="", db_default="", editable=False, max_length=100,
                                   help_text="The country the place names (GeoNames' country names), derived from "
                                             "the place on save: the home page filters by it."),
        ),
        migrations.AddIndex(
            model_name="conflict",
            index=models.Index(fields=["country", "start_date"], name="conflict_country_idx"),
        ),
        migrations.RunPython(fill_country, migrations.RunPython.noop, elidable=True),
    ]
