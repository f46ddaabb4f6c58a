"""Plan versions are immutable in the database: a trigger rejects every UPDATE.

Deleting is refused by the models, their QuerySets and PROTECT foreign keys; it is not a
trigger because test databases are flushed with DELETE on SQLite.
"""

from django.db import migrations

TABLES = ["plans_planversion", "plans_planversionnode"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION plans_reject_version_change() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'plan versions are immutable' "
                "USING ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION plans_reject_version_change();"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS plans_reject_version_change();")


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_plans_nodes_versions")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
