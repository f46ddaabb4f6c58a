"""Shared helpers of the concerns benchmarks: where the data is, how results are written."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("QJ_LIUYAN_DIR", ROOT.parent / "shared" / "data" / "liuyan"))
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    """Make `qiangji` importable and configure Django (the analytics need no database)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    import django

    django.setup()


def require_data(*names: str) -> None:
    """Exit 0 with a clear message when the evaluation data is absent (it is never in the repo)."""
    missing = [name for name in names if not (DATA / name).is_file()]
    if missing:
        print(
            f"SKIP: {', '.join(missing)} not found in {DATA} (the liuyan data set lives outside the repo, "
            "in ../shared/data/liuyan/; set QJ_LIUYAN_DIR to point elsewhere)."
        )
        sys.exit(0)


def read_jsonl(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_result(name: str, payload: dict) -> Path:
    """Write the result JSON with the machine it ran on and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
