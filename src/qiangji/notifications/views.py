"""The inbox: notices, marking them read, and per-kind preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.notifications.kinds import KINDS
from qiangji.notifications.models import Notice, NoticePreference


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    notices = request.user.notices.all()
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page, "kinds": KINDS})


@login_required
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, {request.get_host()}):
        return redirect(notice.url)
    return redirect("notifications:index")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    n = request.user.notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    if request.htmx:
        return render(request, "notifications/index.html#marked", {"n": n})
    messages.success(request, _("%(n)d notices marked as read.") % {"n": n})
    return redirect("notifications:index")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    existing = {p.kind: p for p in request.user.notice_preferences.all()}
    if request.method == "POST":
        for kind in KINDS:
            pref = existing.get(kind) or NoticePreference(user=request.user, kind=kind)
            pref.in_app = request.POST.get(f"{kind}-in_app") == "on"
            pref.email_digest = request.POST.get(f"{kind}-email") == "on"
            pref.save()
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": existing[kind].in_app if kind in existing else True,
            "email": existing[kind].email_digest if kind in existing else False,
        }
        for kind, label in KINDS.items()
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})
