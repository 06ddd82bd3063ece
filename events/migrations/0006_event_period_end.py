"""Event.period_end: the last day an event may cover at its precision, so that a date filter keeps a
month- or year-precise event whose period overlaps it (issues 16 and 17). Existing rows are filled:
day-precise ones in one UPDATE, the (few) others in batches through ``sources.precision.period_end``."""
from django.db import migrations, models
from django.db.models.functions import Coalesce

from sources.precision import period_end


def fill(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Event.objects.filter(precision="day").update(period_end=Coalesce("end_date", "date"))
    batch = []
    for event in Event.objects.exclude(precision="day").only("date", "end_date", "precision").iterator(2000):
        event.period_end = period_end(event.date, event.precision, event.end_date)
        batch.append(event)
        if len(batch) == 2000:
            Event.objects.bulk_update(batch, ["period_end"])
            batch = []
    Event.objects.bulk_update(batch, ["period_end"])


class Migration(migrations.Migration):

    dependencies = [
        ('conflicts', '0007_sides_unresolved'),
        ('events', '0005_timeline_order_index'),
        ('people', '0003_name_trigram_indexes'),
        ('sources', '0005_wiki_sources'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='period_end',
            field=models.DateField(editable=False, help_text='The last day the event may cover at its precision (end date, end of month or year): a date filter keeps events whose period overlaps it. Derived on save.', null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['period_end', 'date'], name='event_period_end_idx'),
        ),
    ]
