"""The kinds of notice; capabilities add theirs here so people can set preferences per kind."""

from django.utils.translation import gettext_lazy as _

KINDS: dict[str, object] = {
    "role_granted": _("A new role"),
    "review_assigned": _("Review assigned"),
    "ticket_dispatched": _("Ticket dispatched"),
    "suggestion_to_answer": _("Suggestion to answer"),
    "work_overdue": _("Work overdue"),
    "mention": _("Mentioned"),
    "remark": _("Leader remark"),
    "activity_scheduled": _("Activity scheduled"),
    "delivery_pressed": _("Delivery item pressed (督办)"),
}
