"""Backup and restore: a round trip of every table and file, and a guard for new models.

Like Sentry's backup tests: the demo seeds every capability, `make_backup` writes it out,
`restore_backup` reads it into a new empty database, and every table and file is compared.
`test_every_model_is_covered_by_the_round_trip` fails when a model is added whose table the
round trip leaves empty: seed it in the app's demo.py (or say here why it cannot be).
"""

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from qiangji.core import backup
from qiangji.core.demo import load_capabilities, load_foundation

pytestmark = pytest.mark.django_db(transaction=True)

# Tables the seed leaves empty on purpose, with the reason. Keep this list short.
NOT_SEEDED = {
    "django_admin_log": "written by the Django admin only",
    "django_session": "sessions of logged-in people; none in a seeded database",
    "auth_group_permissions": "Django's permissions are not used: roles are (accounts.RoleGrant)",
    "accounts_user_user_permissions": "Django's permissions are not used: roles are",
    "core_ratecounter": "rate-limit counters, transient by design",
}


def _value_for(field, n: int):
    """Return a plausible value for a required field of a model being filled in."""
    from django.db import models
    from django.utils import timezone

    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.FileField):
        from django.core.files.storage import default_storage

        return default_storage.save(
            f"seeded/{field.model._meta.label_lower}-{n}.png", ContentFile(b"\x89PNG seeded")
        )
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return timezone.localtime().time()
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return 1
    if isinstance(field, models.IntegerField):
        return 1
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b"seeded"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"示例{n}"[: field.max_length or 20]
    return None


def seed_the_rest() -> dict[str, str]:
    """Put one row into every model table the demo left empty; return {table: why it failed}.

    Like Sentry's backup tests, which create one of every model: a model added later is
    covered without anyone remembering to, unless its rules need a hand-made row.
    """
    failed: dict[str, str] = {}
    # Several passes: a model may refer to another that only a later one fills.
    for _pass in range(3):
        failed = _fill_pass()
        if not failed:
            break
    return failed


def _fill_pass() -> dict[str, str]:
    from django.db import IntegrityError, transaction

    failed: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if not model._meta.managed or table in NOT_SEEDED or model.objects.exists():
            continue
        values, optional = {}, []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.is_relation:
                related = field.related_model.objects.order_by("pk").first()
                if related is None and not field.null:
                    failed[table] = f"no row of {field.related_model._meta.label} to refer to"
                    break
                values[field.attname] = related.pk if related is not None else None
                if field.null:
                    optional.append(field.attname)
            elif not field.has_default() and not field.null:
                values[field.attname] = _value_for(field, len(failed))
        else:
            # All optional links set, none, or one at a time (e.g. a photo of an activity OR a case).
            attempts = [values, {**values, **dict.fromkeys(optional)}]
            attempts += [
                {**values, **dict.fromkeys(o for o in optional if o != keep)} for keep in optional
            ]
            for attempt in attempts:
                try:
                    with transaction.atomic():
                        model.objects.bulk_create([model(**attempt)])
                    failed.pop(table, None)
                    break
                except (IntegrityError, ValueError, TypeError) as exc:
                    failed[table] = str(exc)[:200]
    return failed


def _rows_digest(conn, table: str) -> tuple[int, str]:
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
        rows = sorted(
            repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
            for row in cursor.fetchall()
        )
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def target(tmp_path):
    """A second, empty database of the same kind under the alias "restored"."""
    base = dict(connections["default"].settings_dict)
    created = None
    if base["ENGINE"].endswith("sqlite3"):
        base["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        import psycopg

        created = f"{base['NAME']}_restored"[:63]
        admin = connections["default"]
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{created}"')
        assert psycopg  # the driver the URL names
        base["NAME"] = created
    # Not registered in `connections`: a wrapper made here is a "dynamically created
    # connection", which Django's test isolation allows.
    wrapper = load_backend(base["ENGINE"]).DatabaseWrapper(base, alias="restored")
    yield wrapper
    wrapper.close()
    if created:
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@pytest.fixture
def seeded(settings, tmp_path):
    """The whole demo (every capability), one row of every other model and an uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = load_foundation(password=None)
    load_capabilities(world)
    from django.core.files.storage import default_storage

    default_storage.save("concerns/2026/02/sample.txt", ContentFile("示例附件".encode()))
    world.unseeded = seed_the_rest()
    return world


@pytest.fixture
def small(settings, tmp_path):
    """The demo's foundation only: enough for the refusals."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return load_foundation(password=None)


@pytest.fixture
def round_trip(seeded, settings, tmp_path, target):
    made = backup.make_backup(tmp_path / "backup")
    restored_media = tmp_path / "restored-media"
    report = backup.restore_backup(tmp_path / "backup", conn=target, media_root=restored_media)
    return made, report, restored_media, target


def test_a_backup_of_every_model_restores_every_table_and_file_into_an_empty_database(
    round_trip, seeded, settings
):
    made, report, restored_media, _target = round_trip
    source, restored = connections["default"], round_trip[3]
    tables = backup.data_tables(source)
    assert backup.data_tables(restored) == tables
    for table in tables:
        assert _rows_digest(restored, table) == _rows_digest(source, table), table
    assert _tree(restored_media) == _tree(Path(settings.MEDIA_ROOT))
    assert "concerns/2026/02/sample.txt" in _tree(restored_media)
    assert report["rows"] == sum(made.manifest["tables"].values())
    assert report["secret_key_matches"]
    assert report["pending_migrations"] == []

    # Coverage (as Sentry's backup tests): every model's table was filled and went through.
    counts = made.manifest["tables"]
    assert not seeded.unseeded, f"models the seed cannot fill in by itself: {seeded.unseeded}"
    tables = {
        m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed
    }
    missing = sorted(t for t in tables if t not in counts)
    assert not missing, f"tables of models not in the backup: {missing}"
    empty = sorted(t for t in tables if counts[t] == 0 and t not in NOT_SEEDED)
    assert not empty, (
        f"the round trip does not cover {empty}: seed them in the app's demo.py (or in "
        "seed_the_rest), or add them to NOT_SEEDED in core/tests/test_backup.py with a reason"
    )
    stale = sorted(t for t in NOT_SEEDED if t in counts and counts[t] > 0)
    assert not stale, f"remove {stale} from NOT_SEEDED: the demo seeds them now"


def test_the_manifest_says_what_the_backup_holds(small, tmp_path):
    from django.core.files.storage import default_storage

    default_storage.save("concerns/2026/02/sample.txt", ContentFile("示例附件".encode()))
    made = backup.make_backup(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest == made.manifest
    assert manifest["qiangji_version"] == backup.qiangji_version()
    assert manifest["database"] == connections["default"].vendor
    assert any(app == "concerns" for app, _name in manifest["migrations"])
    assert manifest["tables"]["territories_territory"] > 0
    assert (
        "secret_key" in manifest["files"]
        and "media/concerns/2026/02/sample.txt" in manifest["files"]
    )
    assert (tmp_path / "backup" / "secret_key").stat().st_mode & 0o077 == 0


def test_restore_refuses_a_backup_of_another_version(small, tmp_path, target):
    backup.make_backup(tmp_path / "backup")
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["qiangji_version"] = "0.0.1"
    path.write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match=r"made by qiangji 0\.0\.1; this is qiangji"):
        backup.restore_backup(tmp_path / "backup", conn=target, media_root=tmp_path / "m")
    assert backup.data_tables(target) == []


def test_restore_refuses_a_damaged_backup(small, tmp_path, target):
    backup.make_backup(tmp_path / "backup")
    damaged = tmp_path / "backup" / "secret_key"
    damaged.write_text("changed")
    with pytest.raises(backup.BackupError, match="secret_key is damaged"):
        backup.restore_backup(tmp_path / "backup", conn=target, media_root=tmp_path / "m")


def test_restore_refuses_a_database_that_is_not_empty(small, tmp_path):
    backup.make_backup(tmp_path / "backup")
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(tmp_path / "backup"))


def test_backup_refuses_a_folder_that_is_not_empty(small, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", "--out", str(tmp_path / "busy"))


def test_the_backup_command_reports_what_it_wrote(small, tmp_path, capsys):
    call_command("backup", "--out", str(tmp_path / "b"))
    out = capsys.readouterr().out
    assert re.search(r"Backed up \w+ \(\d+ tables, [\d,]+ rows", out)
    shutil.rmtree(tmp_path / "b")
