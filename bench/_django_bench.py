"""Django set-up shared by the page benchmarks: a throw-away var dir and a migrated database.

SQLite in the given folder by default; `QJ_BENCH_DATABASE_URL` names a PostgreSQL database
instead, which is flushed so every run starts empty.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: Path) -> None:
    """Configure qiangji for an in-process benchmark in var_dir and migrate its database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    os.environ["QIANGJI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["HTTPS"] = "0"
    # Plain static storage (no collectstatic in a temporary folder) and inline tasks.
    os.environ["QIANGJI_TESTING"] = "1"
    if os.environ.get("QJ_BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["QJ_BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("QJ_BENCH_DATABASE_URL"):
        call_command("flush", verbosity=0, interactive=False)
