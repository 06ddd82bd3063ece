"""Place coordinates with their origin (source, gazetteer, editor), the GeoNames id and the match score
(issue 17, maps). Coordinates already stored were entered by hand (admin or an import-export file): their
origin is "editor", so that the gazetteer never replaces them."""
from django.db import migrations, models


def mark_existing(apps, schema_editor):
    Place = apps.get_model("events", "Place")
    Place.objects.filter(latitude__isnull=False, longitude__isnull=False).update(coordinates_origin="editor")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_event_period_end'),
    ]

    operations = [
        migrations.AddField(
            model_name='place',
            name='coordinates_origin',
            field=models.CharField(blank=True, choices=[('', 'not known'), ('source', 'source document'), ('gazetteer', 'gazetteer (GeoNames)'), ('editor', 'editor')], default='', help_text='Where the coordinates come from. Coordinates an editor sets are never replaced by the gazetteer or a re-import.', max_length=9, verbose_name='coordinates from'),
        ),
        migrations.AddField(
            model_name='place',
            name='coordinates_score',
            field=models.FloatField(blank=True, help_text="How closely the gazetteer's name matched (0-100; 100 is the same name or one of its alternate names).", null=True, verbose_name='match score'),
        ),
        migrations.AddField(
            model_name='place',
            name='geonames_id',
            field=models.PositiveIntegerField(blank=True, help_text='The gazetteer entry the coordinates were taken from (geonames.org/<id>).', null=True, verbose_name='GeoNames id'),
        ),
        migrations.AddConstraint(
            model_name='place',
            constraint=models.CheckConstraint(condition=models.Q(('coordinates_origin__in', ['', 'source', 'gazetteer', 'editor'])), name='place_coordinates_origin_valid'),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
