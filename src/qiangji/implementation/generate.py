"""Generated delivery (`qiangji generate`): approved plans with items, milestones and spends.

Runs after the plans part: each generated plan's latest version is approved (立项) until
``ctx.scale.count("implementation_items")`` items exist; every item gets a status, a
progress consistent with the roll-up rule (parents are the normalised weighted mean of their
children), a few milestones (``implementation_milestones``, default five per item) and,
for some tasks, spending. Rows go through ``ctx.bulk``/``ctx.raw``: no audit, no notices.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qiangji.implementation.actions import weighted_progress
from qiangji.implementation.models import (
    DEFAULT_STATUSES,
    Delivery,
    Item,
    Kind,
    Meaning,
    Milestone,
    Status,
)
from qiangji.plans.models import Plan, PlanVersion, PlanVersionNode

CHUNK = 100  # deliveries per transaction
NOTES = ["完成场地布置", "召开居民议事会", "志愿者上门走访", "开展月度服务活动", "公示办理结果",
         "对接驻区单位资源", "整理服务台账", "回访居民满意度"]  # fmt: skip
WEIGHTS = {
    "not_started": 2,
    "preparing": 2,
    "in_progress": 4,
    "done": 5,
    "delayed": 1,
    "cancelled": 1,
}


def _statuses(programmes) -> dict[int, dict[str, Status]]:
    existing = {(s.programme_id, s.key): s for s in Status.objects.filter(programme__in=programmes)}
    missing = [
        Status(programme=p, key=key, name=name, default_progress=progress, meaning=meaning, order=n)
        for p in programmes
        for n, (key, name, progress, meaning) in enumerate(DEFAULT_STATUSES)
        if (p.pk, key) not in existing
    ]
    Status.objects.bulk_create(missing)
    out: dict[int, dict[str, Status]] = {}
    for s in Status.objects.filter(programme__in=programmes):
        out.setdefault(s.programme_id, {})[s.key] = s
    return out


def generate(ctx) -> dict[str, int]:
    """Approve the generated plans' latest versions and track them; return row counts."""
    rng = ctx.rng("implementation")
    target = ctx.scale.count("implementation_items", 0)
    per_item = ctx.scale.count("implementation_milestones", target * 5) / max(target, 1)
    plans = list(
        Plan.objects.filter(programme__in=ctx.programmes).exclude(delivery__isnull=False)
        .order_by("pk").values_list("pk", "programme_id", "community_id")
    )  # fmt: skip
    statuses = _statuses(ctx.programmes)
    keys = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    made = {"deliveries": 0, "items": 0, "milestones": 0}
    today = ctx.today
    approved_at = ctx.now - dt.timedelta(days=150)
    for start in range(0, len(plans), CHUNK):
        if made["items"] >= target:
            break
        chunk = plans[start : start + CHUNK]
        versions = {
            v.plan_id: v
            for v in PlanVersion.objects.filter(plan_id__in=[p[0] for p in chunk]).order_by(
                "number"
            )
        }  # the last number wins
        nodes_by_version: dict[int, list] = {}
        for node in PlanVersionNode.objects.filter(
            version_id__in=[v.pk for v in versions.values()]
        ).order_by("version_id", "sort_index"):
            nodes_by_version.setdefault(node.version_id, []).append(node)
        with transaction.atomic():
            deliveries = []
            for plan_id, programme_id, community_id in chunk:
                version = versions.get(plan_id)
                if version is None:
                    continue
                deliveries.append(
                    Delivery(
                        plan_id=plan_id,
                        programme_id=programme_id,
                        community_id=community_id,
                        version=version,
                        brand_name=version.fields.get("brand_name", "")[:80],
                        slogan=version.fields.get("slogan", "")[:120],
                        approved_at=approved_at,
                        last_update_at=ctx.now,
                    )
                )
            ctx.bulk(Delivery, deliveries)
            for level in (Kind.LINE, Kind.PROJECT, Kind.TASK):
                items = []
                for delivery in deliveries:
                    by_key = getattr(delivery, "_by_key", {})
                    delivery._by_key = by_key
                    programme_statuses = statuses[delivery.programme_id]
                    for node in nodes_by_version.get(delivery.version_id, []):
                        if node.kind != level:
                            continue
                        parent = by_key.get(node.parent_key)
                        key = rng.choices(keys, weights)[0] if level == Kind.TASK else "not_started"
                        status = programme_statuses[key]
                        progress = {"done": 100, "not_started": 0, "preparing": 20}.get(
                            key, rng.choice([30, 40, 50, 60, 70, 80])
                        )
                        deadline = node.deadline or (
                            today + dt.timedelta(days=rng.randint(-60, 200))
                        )
                        item = Item(
                            delivery=delivery,
                            community_id=delivery.community_id,
                            programme_id=delivery.programme_id,
                            kind=node.kind,
                            parent=parent,
                            line=(parent.line or parent) if parent is not None else None,
                            node_key=node.key,
                            version_node=node,
                            reference=f"G{made['items'] + len(items):09d}",
                            label=node.label[:40],
                            sort_index=node.sort_index,
                            title=node.title,
                            owner=node.owner,
                            started_on=timezone.localdate(approved_at),
                            deadline=deadline,
                            budget=node.budget,
                            spent=(
                                node.budget * Decimal(rng.choice(["0.3", "0.6", "1.0", "1.2"]))
                            ).quantize(Decimal("0.01"))
                            if node.budget and key in ("in_progress", "done")
                            else Decimal(0),
                            indicator=node.indicator,
                            target=node.target,
                            status=status,
                            progress=Decimal(progress),
                            completed_at=ctx.now if key == "done" else None,
                            last_update_at=ctx.now - dt.timedelta(days=rng.randint(0, 40)),
                            cancel_reason="合并到其他任务（生成）" if key == "cancelled" else "",
                        )
                        by_key[node.key] = item
                        items.append(item)
                ctx.bulk(Item, items, batch_size=2000)
                made["items"] += len(items)
            # Parents roll up from their children (bottom-up), lines into the delivery.
            for delivery in deliveries:
                _roll_up(delivery, statuses[delivery.programme_id])
            milestones = []
            for delivery in deliveries:
                for item in delivery._by_key.values():
                    n = int(per_item) + (1 if rng.random() < per_item % 1 else 0)
                    for k in range(n):
                        day = timezone.localdate(approved_at) + dt.timedelta(
                            days=rng.randint(1, 149)
                        )
                        milestones.append(
                            Milestone(
                                item=item,
                                source=Milestone.Source.MANUAL if k else Milestone.Source.STATUS,
                                happened_on=min(day, today),
                                title=ctx.pick(rng, NOTES),
                                text="（生成数据）",
                                created_at=ctx.now,
                            )
                        )
            ctx.bulk(Milestone, milestones, batch_size=5000)
            made["milestones"] += len(milestones)
            made["deliveries"] += len(deliveries)
        ctx.progress("implementation items", made["items"], target)
    return made


def _roll_up(delivery: Delivery, statuses: dict[str, Status]) -> None:
    items = list(delivery._by_key.values())
    children: dict[int, list[Item]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    changed = []
    for level in (Kind.PROJECT, Kind.LINE):
        for item in items:
            if item.kind != level or item.pk not in children:
                continue
            live = [c for c in children[item.pk] if c.status.meaning != Meaning.CANCELLED]
            value = weighted_progress([(c.progress, c.weight) for c in live])
            if value is not None:
                item.progress = value
                item.status = statuses[
                    "done" if value >= 100 else "in_progress" if value > 0 else "not_started"
                ]
                changed.append(item)
    Item.objects.bulk_update(changed, ["progress", "status"], batch_size=2000)
    lines = [(i.progress, i.weight) for i in items if i.parent_id is None]
    Delivery.objects.filter(pk=delivery.pk).update(progress=weighted_progress(lines))
