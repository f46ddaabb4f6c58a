"""Background work of the concerns app: imports, topics, priorities, routing model."""

from __future__ import annotations

from django.tasks import task


@task
def run_import(batch_id: int) -> bool:
    """Run a confirmed import; return False when the batch is gone."""
    from qiangji.concerns.actions import do_run_import
    from qiangji.concerns.models import ImportBatch

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return False
    do_run_import(batch=batch)
    return True


@task
def refresh_topics(territory_id: int) -> int:
    """Refit a territory's hot topics; return how many topics it has now."""
    from qiangji.concerns.actions import do_refresh_topics
    from qiangji.territories.models import Territory

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:
        return 0
    return len(do_refresh_topics(territory=territory))


@task
def refresh_priorities(territory_id: int) -> int:
    """Recompute the priority of every open concern in a territory (recency decays daily)."""
    from qiangji.concerns.actions import refresh_priority
    from qiangji.concerns.models import Concern
    from qiangji.territories.models import Territory

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:
        return 0
    count = 0
    for concern in (
        Concern.objects.in_territory(territory).open().roots().select_related("ticket").iterator()
    ):
        refresh_priority(concern)
        count += 1
    return count


@task
def retrain_routing() -> bool:
    """Retrain the routing model on staff-confirmed categories; False when too few examples."""
    from qiangji.concerns.actions import do_train_routing

    return do_train_routing() is not None


@task
def notify_overdue() -> int:
    """Post a notice about every overdue ticket (grouped: one notice per ticket and person)."""
    from qiangji.concerns.actions import do_notify_overdue

    return do_notify_overdue()
