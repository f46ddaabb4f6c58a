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
def refresh_hot_issues(territory_id: int) -> int:
    """Refit the hot issues of a territory (see `hotissues.fit_territories`); return how many."""
    from qiangji.concerns.hotissues import do_refresh_hot_issues, fit_territories
    from qiangji.territories.models import Territory

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:
        return 0
    return sum(len(do_refresh_hot_issues(territory=t)) for t in fit_territories(territory))


@task
def refresh_all_hot_issues() -> int:
    """Refit the hot issues of every subdistrict (or lone community) with open concerns."""
    from qiangji.concerns.hotissues import do_refresh_hot_issues, fit_territories
    from qiangji.concerns.models import Concern
    from qiangji.territories.models import Territory

    ids = set(Concern.objects.open().values_list("community_id", flat=True).distinct())
    targets = {}
    for community in Territory.objects.filter(pk__in=ids):
        for t in fit_territories(community):
            targets[t.pk] = t
    for territory in targets.values():
        do_refresh_hot_issues(territory=territory)
    return len(targets)


@task
def refresh_priorities(territory_id: int | None = None) -> int:
    """Recompute the priority of every open concern (recency decays daily); return how many.

    With a territory, only the concerns in it; without, every open concern (the nightly run).
    Rows are written back in batches, not one UPDATE per concern.
    """
    from qiangji.concerns.actions import refresh_priority
    from qiangji.concerns.models import Concern
    from qiangji.territories.models import Territory

    concerns = Concern.objects.open().roots()
    if territory_id is not None:
        territory = Territory.objects.filter(pk=territory_id).first()
        if territory is None:
            return 0
        concerns = concerns.in_territory(territory)
    fields = ["urgency_factors", "care_score", "urgency_score", "priority_score"]
    count = 0
    batch: list[Concern] = []
    for concern in concerns.select_related("ticket").iterator(chunk_size=PRIORITY_BATCH):
        batch.append(refresh_priority(concern, save=False))
        if len(batch) >= PRIORITY_BATCH:
            Concern.objects.bulk_update(batch, fields)
            count += len(batch)
            batch = []
    if batch:
        Concern.objects.bulk_update(batch, fields)
        count += len(batch)
    return count


PRIORITY_BATCH = 2000


@task
def retrain_routing() -> bool:
    """Retrain the routing model on staff-confirmed categories; False when too few examples."""
    from qiangji.concerns.actions import do_train_routing

    return do_train_routing() is not None


@task
def notify_overdue(window_minutes: int | None = None) -> int:
    """Post a notice about overdue tickets (grouped: one unread notice per ticket and person).

    With `window_minutes`, only tickets that became overdue within that many minutes (the
    scheduler runs this every 10 minutes with a window of 11, so none is missed between runs);
    without, every overdue ticket (the morning reminder).
    """
    import datetime as dt

    from django.utils import timezone

    from qiangji.concerns.actions import do_notify_overdue

    now = timezone.now()
    since = None if window_minutes is None else now - dt.timedelta(minutes=window_minutes)
    return do_notify_overdue(now=now, since=since)


@task
def refresh_all_topics() -> int:
    """Refit the hot topics of every territory that has them or has open concerns.

    That is each community with open concerns and each territory (a subdistrict, say) whose
    topics someone refreshed before. A territory whose concerns did not change since its last
    fit (none filed, none closed) keeps its topics: a fit of a few thousand concerns takes tens
    of seconds. Return how many territories were refitted.
    """
    from django.db.models import Q

    from qiangji.concerns.actions import do_refresh_topics
    from qiangji.concerns.models import Concern, TopicModelStore
    from qiangji.territories.models import Territory

    fitted = dict(TopicModelStore.objects.values_list("territory_id", "fitted_at"))
    ids = set(Concern.objects.open().values_list("community_id", flat=True).distinct())
    ids |= set(fitted)
    refitted = 0
    for territory in Territory.objects.filter(pk__in=ids).order_by("path"):
        since = fitted.get(territory.pk)
        if since is not None and not (
            Concern.objects.in_territory(territory)
            .filter(Q(created_at__gt=since) | Q(closed_at__gt=since))
            .exists()
        ):
            continue
        do_refresh_topics(territory=territory)
        refitted += 1
    return refitted


@task
def purge_personal_data() -> int:
    """Erase reporters' personal data past the retention period; return how many."""
    import datetime as dt

    from django.conf import settings

    from qiangji.concerns.actions import do_purge_personal_data

    days = getattr(settings, "CONCERNS_RETENTION_DAYS", 180)
    return do_purge_personal_data(older_than=dt.timedelta(days=days))


# --- what the actions announce (they never import this module) ------------------------------
def _on_retrain_due(sender, **kwargs) -> None:
    retrain_routing.enqueue()


def _on_imported(sender, *, community_id: int, labelled: bool = False, **kwargs) -> None:
    if labelled:
        retrain_routing.enqueue()
    refresh_topics.enqueue(community_id)
    refresh_hot_issues.enqueue(community_id)


def connect_signals() -> None:
    """Connect the receivers (called once from the app's ready())."""
    from qiangji.concerns.filing import concerns_imported, routing_retrain_due

    routing_retrain_due.connect(_on_retrain_due, dispatch_uid="concerns-retrain-due")
    concerns_imported.connect(_on_imported, dispatch_uid="concerns-imported")
