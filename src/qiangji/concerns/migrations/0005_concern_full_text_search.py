# Full-text search: segmented tokens, SQLite FTS5 table + triggers or a PostgreSQL GIN index.

from django.db import migrations, models


def backfill_and_index(apps, schema_editor):
    from qiangji.concerns import search

    Concern = apps.get_model("concerns", "Concern")
    batch = []
    for pk, text in Concern.objects.order_by("pk").values_list("pk", "search_text").iterator(
        chunk_size=2000
    ):
        batch.append(Concern(pk=pk, search_tokens=search.document_tokens(text)))
        if len(batch) >= 2000:
            Concern.objects.bulk_update(batch, ["search_tokens"])
            batch = []
    if batch:
        Concern.objects.bulk_update(batch, ["search_tokens"])
    search.install(schema_editor.connection)


def drop_index(apps, schema_editor):
    from qiangji.concerns import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('concerns', '0004_concern_last_reported_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='concern',
            name='search_tokens',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(backfill_and_index, drop_index, elidable=False),
    ]
