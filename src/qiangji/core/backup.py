"""Backup and restore of a whole installation: database, uploaded files, the key to read them.

A backup is a folder (make it a tarball or copy it elsewhere as you like):

    manifest.json        qiangji version, migrations applied, database kind, rows per table,
                         sha256 of every other file in the folder
    database.sqlite3     SQLite: an online backup (sqlite3's backup API; the site keeps running)
    database.pgdump/     PostgreSQL: `pg_dump --format=directory` (pg_dump ≥ the server's major)
    media/               the uploaded files (MEDIA_ROOT)
    secret_key           SECRET_KEY (mode 0600): residents' one-way keys, signed links and
                         sessions depend on it; webhook secrets are stored under it

Restore refuses a backup of another qiangji version or with migrations this code does not
know, refuses a database of another kind, and writes only into an empty database (no tables)
and an empty MEDIA_ROOT; afterwards it compares the rows per table with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DIR = "database.pgdump"
MEDIA_DIR = "media"
SECRET_FILE = "secret_key"  # noqa: S105 — a file name, not a secret
# Tables that are not data: SQLite's own and the FTS5 index's shadow tables (rebuilt by triggers
# and restored with the file), which we count through their parent.
_SKIP_TABLE_RE = re.compile(r"^(sqlite_.*|.*_fts(_.*)?)$")


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why and what to do."""


def qiangji_version() -> str:
    try:
        return version("qiangji")
    except PackageNotFoundError:  # pragma: no cover — running from a source tree
        return "0+unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def data_tables(conn=None) -> list[str]:
    """Return the names of the database's data tables (every table but SQLite's and FTS shadows)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        names = conn.introspection.table_names(cursor, include_views=False)
    return sorted(n for n in names if not _SKIP_TABLE_RE.match(n))


def table_counts(conn=None) -> dict[str, int]:
    """Return rows per data table."""
    conn = conn or connection
    counts = {}
    with conn.cursor() as cursor:
        for table in data_tables(conn):
            cursor.execute(f"SELECT count(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(conn=None) -> list[list[str]]:
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# --- PostgreSQL client tools -----------------------------------------------------------------
def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Return connection arguments and environment for pg_dump/pg_restore/psql."""
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _tool_major(tool: str) -> int:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client (postgresql-client)."
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if match is None:  # pragma: no cover
        raise BackupError(f"cannot read the version of {tool}: {out!r}")
    return int(match.group(1))


def _server_major(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def check_pg_client(tool: str, conn) -> None:
    """Refuse a client older than the server (pg_dump cannot dump a newer server)."""
    client, server = _tool_major(tool), _server_major(conn)
    if client < server:
        raise BackupError(
            f"{tool} is version {client} but the server is PostgreSQL {server}: install the "
            f"PostgreSQL {server} client tools (a client older than the server cannot read it)."
        )


# --- backup ----------------------------------------------------------------------------------
@dataclass
class Result:
    path: Path
    manifest: dict


def make_backup(out: Path, *, using: str = "default") -> Result:
    """Write a backup of the database named `using`, the uploads and the secret key into out."""
    conn = connections[using]
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    conn.ensure_connection()
    vendor = conn.vendor
    counts = table_counts(conn)
    migrations = applied_migrations(conn)
    if vendor == "sqlite":
        target = sqlite3.connect(out / SQLITE_FILE)
        try:
            with conn.cursor():  # make sure the raw connection is open
                conn.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        check_pg_client("pg_dump", conn)
        args, env = _pg_env(conn.settings_dict)
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=directory",
                "--no-owner",
                "--no-privileges",
                "--jobs=2",
                "--file",
                str(out / PG_DIR),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-2000:]}")
    else:
        raise BackupError(
            f"backing up a {vendor} database is not supported (SQLite and PostgreSQL are)."
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, out / MEDIA_DIR, dirs_exist_ok=True)
    else:
        (out / MEDIA_DIR).mkdir()
    secret = out / SECRET_FILE
    secret.write_text(settings.SECRET_KEY, encoding="utf-8")
    secret.chmod(0o600)
    manifest = {
        "format": FORMAT,
        "qiangji_version": qiangji_version(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "migrations": migrations,
        "tables": counts,
        "settings": {"TIME_ZONE": settings.TIME_ZONE, "LANGUAGE_CODE": settings.LANGUAGE_CODE},
        "files": {str(p.relative_to(out)): _sha256(p) for p in _files(out)},
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return Result(out, manifest)


# --- restore ---------------------------------------------------------------------------------
def read_manifest(src: Path) -> dict:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} is not a qiangji backup: {MANIFEST} is missing.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} cannot be read: {exc}") from None


def verify(src: Path, manifest: dict) -> None:
    """Refuse a backup whose files are missing, extra or changed, or of another version."""
    src = Path(src)
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"unknown backup format {manifest.get('format')!r} (this qiangji reads {FORMAT})."
        )
    made_by, running = manifest.get("qiangji_version"), qiangji_version()
    if made_by != running:
        raise BackupError(
            f"this backup was made by qiangji {made_by}; this is qiangji {running}. Restore it "
            f"with qiangji {made_by} into an empty database, then upgrade and run `qiangji migrate`."
        )
    unknown = {tuple(m) for m in manifest.get("migrations", [])} - known_migrations()
    if unknown:
        listed = ", ".join(f"{a}.{n}" for a, n in sorted(unknown)[:5])
        raise BackupError(
            f"the backup's database has migrations this code does not know ({listed}): "
            "it was made by a newer qiangji; restore it with that version."
        )
    files = manifest.get("files", {})
    present = {str(p.relative_to(src)) for p in _files(src)}
    missing, extra = set(files) - present, present - set(files)
    if missing or extra:
        raise BackupError(
            f"the backup folder does not match its manifest (missing: {sorted(missing)[:5]}, "
            f"unexpected: {sorted(extra)[:5]})."
        )
    for name, digest in files.items():
        if _sha256(src / name) != digest:
            raise BackupError(f"{name} is damaged (its checksum differs from the manifest).")


def restore_backup(
    src: Path, *, using: str = "default", conn=None, media_root: Path | None = None
) -> dict:
    """Restore the backup in src into the (empty) database `using` (or the wrapper conn) and
    MEDIA_ROOT; return a report."""
    src = Path(src)
    manifest = read_manifest(src)
    verify(src, manifest)
    conn = conn or connections[using]
    conn.ensure_connection()
    if manifest["database"] != conn.vendor:
        raise BackupError(
            f"this is a backup of a {manifest['database']} database; DATABASE_URL names a "
            f"{conn.vendor} database. Restore into a database of the same kind."
        )
    existing = data_tables(conn)
    if existing:
        raise BackupError(
            f"the database is not empty ({len(existing)} tables, e.g. {existing[0]}): restore "
            "only into a new, empty database (no `qiangji migrate` before the restore)."
        )
    media = Path(media_root or settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"MEDIA_ROOT {media} is not empty: restore into an empty folder.")
    if conn.vendor == "sqlite":
        source = sqlite3.connect(f"file:{src / SQLITE_FILE}?mode=ro", uri=True)
        try:
            with conn.cursor():
                source.backup(conn.connection)
        finally:
            source.close()
    else:
        check_pg_client("pg_restore", conn)
        conn.close()
        args, env = _pg_env(conn.settings_dict)
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--jobs=2",
                *args,
                str(src / PG_DIR),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")
        conn.ensure_connection()
    if (src / MEDIA_DIR).is_dir():
        shutil.copytree(src / MEDIA_DIR, media, dirs_exist_ok=True)
    counts = table_counts(conn)
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        raise BackupError(f"after the restore, rows differ from the manifest: {differ}")
    known = known_migrations()
    applied = {tuple(m) for m in manifest["migrations"]}
    pending = sorted(known - applied)
    secret_matches = (src / SECRET_FILE).read_text(encoding="utf-8") == settings.SECRET_KEY
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "pending_migrations": [f"{a}.{n}" for a, n in pending],
        "secret_key_matches": secret_matches,
        "secret_key_file": str(src / SECRET_FILE),
    }
