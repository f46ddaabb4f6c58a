from django.core.management.base import BaseCommand

from qiangji.reviews.actions import do_remind_overdue_reviews


class Command(BaseCommand):
    help = "Remind reviewers of their overdue reviews (run daily)."

    def handle(self, *args, **options) -> None:
        posted = do_remind_overdue_reviews()
        self.stdout.write(f"{posted} reminders posted")
