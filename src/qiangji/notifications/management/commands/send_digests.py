"""`qiangji send_digests`: e-mail each person who asked for it their unread notices (run daily)."""

from django.core.management.base import BaseCommand

from qiangji.notifications.actions import do_send_digests


class Command(BaseCommand):
    help = "Send the daily e-mail digest of unread notices."

    def handle(self, *args, **options) -> None:
        sent = do_send_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
