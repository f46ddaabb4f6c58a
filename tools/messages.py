"""Extract and compile the translation catalogues (`make messages`).

The foundation (everything outside the capability apps) has one catalogue in
src/qiangji/locale; each capability app owns src/qiangji/<app>/locale, so engineers working
on different apps never edit the same .po file. Needs GNU gettext (xgettext, msgfmt).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "qiangji"
CAPABILITY_APPS = [
    "concerns",
    "workshops",
    "plans",
    "reviews",
    "implementation",
    "surveys",
    "insights",
]
ARGS = ["-l", "zh_Hans", "--no-location", "--no-obsolete", "--no-wrap", "-e", "html,txt,py"]


def run(cwd: Path, *args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiangji.settings"}
    command = [str(Path(sys.executable).parent / "django-admin"), *args]
    subprocess.run(command, cwd=cwd, env=env, check=True)  # noqa: S603


def main() -> None:
    ignore = []
    for app in CAPABILITY_APPS:
        ignore += ["--ignore", f"{app}/*"]
    (PACKAGE / "locale").mkdir(exist_ok=True)
    run(PACKAGE, "makemessages", *ARGS, *ignore, "--ignore", "static/*")
    run(PACKAGE, "compilemessages", "-l", "zh_Hans", *ignore)
    for app in CAPABILITY_APPS:
        app_dir = PACKAGE / app
        if (app_dir / "locale").is_dir():
            run(app_dir, "makemessages", *ARGS)
            run(app_dir, "compilemessages", "-l", "zh_Hans")


if __name__ == "__main__":
    main()
