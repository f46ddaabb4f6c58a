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


# --- outbound channels: group robots and SMS ---------------------------------------------
def _manageable_territories(request: HttpRequest):
    from qiangji.accounts.permissions import access_for
    from qiangji.territories.models import Kind, Territory

    access = access_for(request.user)
    candidates = access.visible_territories().filter(kind__in=[Kind.SUBDISTRICT, Kind.COMMUNITY])
    ids = [t.pk for t in candidates if access.can_manage_people(t)]
    return Territory.objects.filter(pk__in=ids).order_by("path")


def _require_channel_admin(request: HttpRequest):
    from qiangji.accounts.permissions import require

    territories = _manageable_territories(request)
    require(territories.exists())
    return territories


def _get_channel(request: HttpRequest, pk: int):
    from qiangji.notifications.models import Channel

    territories = _require_channel_admin(request)
    return get_object_or_404(
        Channel.objects.select_related("territory"), pk=pk, territory__in=territories
    )


@login_required
@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    from qiangji.notifications.forms import ChannelForm
    from qiangji.notifications.models import Channel, Delivery

    territories = _require_channel_admin(request)
    mine = Channel.objects.filter(territory__in=territories).select_related("territory")
    deliveries = (
        Delivery.objects.filter(channel__in=mine)
        .select_related("channel")
        .order_by("state", "-created_at")[:50]
    )
    return render(
        request,
        "notifications/channels.html",
        {
            "channels": mine,
            "deliveries": deliveries,
            "failed": Delivery.objects.filter(channel__in=mine, state="failed").count(),
            "form": ChannelForm(territories=territories),
            "kinds": KINDS,
        },
    )


@login_required
@require_POST
def channel_add(request: HttpRequest) -> HttpResponse:
    from qiangji.notifications.forms import ChannelForm
    from qiangji.notifications.models import Channel, Delivery

    territories = _require_channel_admin(request)
    form = ChannelForm(request.POST, territories=territories)
    if form.is_valid():
        channel = form.save(commit=False)
        channel.created_by = request.user
        channel.save()
        messages.success(request, _("Channel “%(name)s” added.") % {"name": channel.name})
        return redirect("notifications:channels")
    mine = Channel.objects.filter(territory__in=territories).select_related("territory")
    return render(
        request,
        "notifications/channels.html",
        {
            "channels": mine,
            "deliveries": Delivery.objects.filter(channel__in=mine).order_by(
                "state", "-created_at"
            )[:50],
            "failed": 0,
            "form": form,
            "kinds": KINDS,
        },
        status=400,
    )


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _get_channel(request, pk)
    channel.delete()
    messages.success(request, _("Channel “%(name)s” removed.") % {"name": channel.name})
    return redirect("notifications:channels")


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    from qiangji.notifications.models import ChannelKind, Delivery
    from qiangji.notifications.outbound import send

    channel = _get_channel(request, pk)
    recipient = request.user if channel.kind == ChannelKind.SMS else None
    delivery = Delivery.objects.create(
        channel=channel,
        recipient=recipient,
        kind="test",
        text=_("【强基】Test message from qiangji"),
    )
    if send(delivery.pk):
        messages.success(request, _("The test message was sent."))
    else:
        delivery.refresh_from_db()
        messages.error(
            request,
            _("The test message failed: %(error)s. It will be retried.")
            % {"error": delivery.last_error},
        )
    return redirect("notifications:channels")


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    from qiangji.notifications.models import Delivery
    from qiangji.notifications.outbound import do_retry

    territories = _require_channel_admin(request)
    delivery = get_object_or_404(Delivery, pk=pk, channel__territory__in=territories)
    do_retry(delivery=delivery)
    messages.success(request, _("The message is being sent again."))
    return redirect("notifications:channels")
