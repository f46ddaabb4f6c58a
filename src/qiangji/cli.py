"""The `qiangji` command: every Django management command, plus serve, worker and demo."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command named on the command line (`qiangji migrate`, …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qiangji", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
