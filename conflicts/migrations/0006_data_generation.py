"""The data generation's one row (conflicts.models.DataGeneration, conflicts.cache; issue 16)."""
from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("conflicts", "DataGeneration").objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ('conflicts', '0005_name_trigram_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.PositiveBigIntegerField(default=0)),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
