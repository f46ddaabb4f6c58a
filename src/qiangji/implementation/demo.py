"""Demo delivery: 石榴园 and 柯尔山 approved (立项) with items in every status, milestones with
photos, overdue items, linked concerns closed by completed items; a few other communities
approved at various stages, the rest not approved yet. Idempotent: a plan already being
delivered is left alone. Texts are samples (示例); photos are drawn, not taken.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from qiangji.audit.registry import acting_as
from qiangji.implementation.actions import (
    DeliveryError,
    approvable_version,
    do_add_milestone,
    do_add_spend,
    do_approve,
    do_link_concern,
    do_press,
    do_update_item,
    ensure_statuses,
)
from qiangji.implementation.evidence import check_photo
from qiangji.implementation.models import Delivery, Item, Kind

#: The status each task of a featured community takes, in turn (every status shows).
FEATURED_STATUSES = ["done", "in_progress", "done", "preparing", "delayed", "done", "not_started",
                     "in_progress", "cancelled", "done"]  # fmt: skip
PROGRESS_FOR = {"done": 100, "in_progress": 60, "preparing": 20, "delayed": 40, "not_started": 0}
MILESTONE_TEXTS = [
    ("站点挂牌开放（示例）", "社区党组织牵头，物业提供场地，志愿者参与首日服务。"),
    ("首批居民参与活动（示例）", "居民代表与志愿者一起完成了第一次服务，现场反响很好。"),
    ("阶段总结会（示例）", "对照方案的指标检查进度，调整下一步分工。"),
]
PHOTO_COLOURS = [(198, 40, 40), (46, 125, 50), (21, 101, 192), (239, 108, 0), (106, 27, 154)]


def _photo(n: int):
    """Return a drawn sample photo (a coloured scene), checked like any upload."""
    from PIL import Image, ImageDraw

    colour = PHOTO_COLOURS[n % len(PHOTO_COLOURS)]
    image = Image.new("RGB", (640, 480), (245, 240, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(200, 190, 170))
    draw.rectangle((80, 120, 560, 330), fill=colour)
    draw.rectangle((250, 200, 390, 330), fill=(250, 250, 250))
    for k in range(5):
        x = 60 + k * 120
        draw.ellipse((x, 360, x + 50, 410), fill=(60, 60, 60))
        draw.rectangle((x + 10, 410, x + 40, 470), fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    buffer.seek(0)
    buffer.name = f"示例照片{n}.jpg"
    return check_photo(buffer)


def _approve(plan, by) -> Delivery | None:
    if Delivery.objects.filter(plan=plan).exists():
        return None
    version = approvable_version(plan)
    if version is None:
        return None
    try:
        return do_approve(plan=plan, version=version, by=by, note="示例：街道审定立项").delivery
    except DeliveryError:
        return None


def _backdate(delivery: Delivery) -> None:
    """Date the approval to the programme's delivery phase start, as if it ran since July."""
    start = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))  # noqa: DTZ001
    if timezone.now() < start:
        start = timezone.now() - dt.timedelta(days=30)
    Delivery.objects.filter(pk=delivery.pk).update(approved_at=start)
    delivery.items.update(started_on=start.date(), last_update_at=start)
    delivery.approved_at = start


def _run(delivery: Delivery, *, by, admin, rng: random.Random, featured: bool) -> None:
    statuses = ensure_statuses(delivery.programme)
    tasks = list(delivery.items.filter(kind=Kind.TASK).order_by("sort_index"))
    if not tasks:  # a plan without tasks: its projects carry the progress
        tasks = list(delivery.items.filter(kind=Kind.PROJECT).order_by("sort_index"))
    today = timezone.localdate()
    photo_number = 0
    for index, task in enumerate(tasks):
        if featured:
            key = FEATURED_STATUSES[index % len(FEATURED_STATUSES)]
        else:
            key = rng.choice(["done", "in_progress", "in_progress", "preparing", "not_started"])
        task = Item.objects.select_related("status", "delivery").get(pk=task.pk)
        if key == "cancelled":
            do_update_item(
                item=task,
                by=by,
                status=statuses["cancelled"],
                reason="经费调整，并入其他任务（示例）",
            )
            continue
        if key == "not_started":
            continue
        do_update_item(
            item=task,
            by=by,
            status=statuses[key],
            progress=PROGRESS_FOR[key],
            actual=task.target if key == "done" else "",
            note="按计划推进（示例）" if key != "delayed" else "场地协调未完成，申请延期（示例）",
            happened_on=min(
                today, timezone.localdate(delivery.approved_at) + dt.timedelta(days=20 + index * 9)
            ),
        )
        if featured and key in ("done", "in_progress") and photo_number < 6:
            title, text = MILESTONE_TEXTS[photo_number % len(MILESTONE_TEXTS)]
            do_add_milestone(
                item=task,
                by=by,
                title=title,
                text=text,
                happened_on=min(
                    today,
                    timezone.localdate(delivery.approved_at) + dt.timedelta(days=30 + index * 7),
                ),
                photos=[_photo(photo_number)],
            )
            photo_number += 1
        if task.budget and key in ("done", "in_progress"):
            share = Decimal("1.1") if index == 2 else Decimal("0.6")  # one over budget
            do_add_spend(
                item=task,
                by=by,
                amount=(task.budget * share).quantize(Decimal("0.01")),
                note="物资采购与场地布置（示例）",
                spent_on=min(
                    today, timezone.localdate(delivery.approved_at) + dt.timedelta(days=25)
                ),
            )
    # Overdue: a couple of open tasks with deadlines already past; one pressed (督办).
    open_tasks = [
        t
        for t in delivery.items.filter(kind=Kind.TASK).select_related("status")
        if not t.is_finished
    ]
    for n, task in enumerate(open_tasks[:2]):
        Item.objects.filter(pk=task.pk).update(deadline=today - dt.timedelta(days=10 + 5 * n))
    if featured and open_tasks:
        do_press(item=open_tasks[0], by=admin, note="请本周内报送进展（示例）")


def _link_concerns(delivery: Delivery, *, by) -> None:
    """Link the community's sample concerns to the items answering them; complete one."""
    try:
        concern_model = apps.get_model("concerns", "Concern")
    except LookupError:
        return
    pairs = [
        ("助餐", "助餐"),
        ("电梯", "电梯"),
        ("停车", "停车"),
        ("楼道", "楼道"),
        ("调解", "调解"),
    ]
    for word, item_word in pairs:
        concern = (
            concern_model.objects.filter(community=delivery.community, text__contains=word)
            .order_by("pk")
            .first()
        )
        item = (
            delivery.items.filter(title__contains=item_word)
            .exclude(status__meaning="cancelled")
            .order_by("-kind", "sort_index")
            .select_related("status")
            .first()
        )
        if concern is None or item is None:
            continue
        do_link_concern(item=item, delivery=delivery, concern_id=concern.pk, text=concern.summary)
    # Close the loop on the meal station: its tasks done, the station at 100%.
    station = delivery.items.filter(kind=Kind.PROJECT, title__contains="助餐").first()
    if station is not None:
        statuses = ensure_statuses(delivery.programme)
        for task in station.children.select_related("status").exclude(
            status__meaning__in=["done", "cancelled"]
        ):
            do_update_item(
                item=task, by=by, status=statuses["done"], progress=100, note="已完成（示例）"
            )
        from qiangji.implementation.actions import close_the_loop

        for task in station.children.filter(status__meaning="done"):
            close_the_loop(item_id=task.pk)


def load(world) -> None:
    """Approve and run the demo deliveries (idempotent)."""
    plan_model = apps.get_model("plans", "Plan")
    admin = world.users["jiedao"]
    rng = random.Random(20260701)  # noqa: S311 — reproducible demo data
    plans = list(
        plan_model.objects.filter(programme=world.programme).select_related(
            "community", "programme"
        )
    )
    featured = {world.shiliuyuan.pk, world.keershan.pk}
    # Others at various stages: every second community approved, the rest not yet.
    others = [p for p in plans if p.community_id not in featured]
    chosen = [p for p in plans if p.community_id in featured] + others[::2]
    with acting_as(admin):
        for plan in chosen:
            delivery = _approve(plan, admin)
            if delivery is None:
                continue
            _backdate(delivery)
            worker = (
                world.users["shiliuyuan"]
                if plan.community_id == world.shiliuyuan.pk
                else world.users["keershan"]
                if plan.community_id == world.keershan.pk
                else admin
            )
            _run(delivery, by=worker, admin=admin, rng=rng, featured=plan.community_id in featured)
            if plan.community_id in featured:
                _link_concerns(delivery, by=worker)
