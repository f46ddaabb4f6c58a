"""`qiangji demo`: load or refresh the demo data, then print the accounts."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from qiangji.core.demo import DEMO_ACCOUNTS, load_capabilities, load_foundation


class Command(BaseCommand):
    help = "Load or refresh the demo (黄石市 → 下陆区 → 团城山街道, 11 communities, one account per role)."

    def handle(self, *args, **options) -> None:
        password = settings.QIANGJI_DEMO_PASSWORD
        source = "QIANGJI_DEMO_PASSWORD"
        if not password:
            stored = settings.VAR_DIR / "demo-password"
            if stored.exists():
                password = stored.read_text(encoding="utf-8").strip()
                source = str(stored)
            else:
                password = secrets.token_urlsafe(9)
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_text(password, encoding="utf-8")
                stored.chmod(0o600)
                source = f"{stored} (generated)"
        world = load_foundation(password=password)
        loaded = load_capabilities(world)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: 黄石市 → 下陆区 → 团城山街道, {len(world.communities)} communities."
            )
        )
        if loaded:
            self.stdout.write("Capability demo data: " + ", ".join(loaded))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password from {source}):")
        self.stdout.write(f"  {'admin':<18} superuser")
        for username, _name, _title, role, scope in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {username:<18} {role.label} · {scope if scope != 'programme' else world.programme.name}"
            )
        self.stdout.write(f"  password: {password}")
