"""Raw bulk writes shared by the concerns importer and the data generator.

Django's `bulk_create` compiles every value of every row through the ORM; for hundreds of
thousands of rows that is most of the time. These helpers write plain tuples instead:
multi-row INSERTs on SQLite, `COPY` on PostgreSQL, with primary keys allocated up front so
related rows can be written without reading anything back. Values must already be in the
database's form: `moment()` turns an aware datetime into what the connection stores.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid

from django.conf import settings
from django.db import connection


def allocate_ids(cursor, vendor: str, table: str, n: int) -> list[int]:
    """Return n fresh primary keys of table (the caller is inside the writing transaction)."""
    if n <= 0:
        return []
    if vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return sorted(row[0] for row in cursor.fetchall())
    # SQLite: AUTOINCREMENT continues after the larger of the sequence and the largest id.
    # Only a model's table name is formatted in; the value is a bound parameter.
    largest = f"coalesce((SELECT max(id) FROM {table}), 0)"  # noqa: S608
    sql = f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), {largest})"  # noqa: S608
    cursor.execute(sql, [table])
    first = cursor.fetchone()[0] + 1
    return list(range(first, first + n))


def write_rows(cursor, vendor: str, table: str, columns: tuple[str, ...], rows: list) -> None:
    """Insert rows with as few statements as possible: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if not rows:
        return
    names = ", ".join(columns)
    if vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # Many rows per statement, not `executemany`: on SQLite a statement that fires a trigger
    # runs in a statement transaction, and FTS5 flushes its pending terms at each one, so a
    # full-text index costs one flush per statement instead of one per row.
    raw = cursor.db.connection
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if vendor == "sqlite" else 999
    per_statement = max(1, min(limit // len(columns), 2000))
    mark = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        values = ", ".join([mark] * len(part))
        params = [value for row in part for value in row]
        cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)  # noqa: S608


class Adapter:
    """Turns Python values into what the current connection stores, for `write_rows`."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self._zone = connection.timezone if self.vendor != "postgresql" else None

    def moment(self, value: dt.datetime | None):
        """Return an aware datetime as the connection stores it (SQLite: naive text)."""
        if value is None or self.vendor == "postgresql":
            return value
        if settings.USE_TZ and value.utcoffset() is not None:
            return str(value.astimezone(self._zone).replace(tzinfo=None))
        return str(value)

    def day(self, value: dt.date | None):
        if value is None or self.vendor == "postgresql":
            return value
        return value.isoformat()

    def uuid(self, value: uuid.UUID | None):
        if value is None or self.vendor == "postgresql":
            return value
        return value.hex

    def json(self, value) -> str:
        return json.dumps(value, ensure_ascii=False)
