"""Figures of insights on the workbench (工作台) of leaders and subdistrict admins.

Constant queries: one for the snapshots of the person's programmes, whatever their size.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Figure

from .models import IndexSnapshot


def figures(request, access) -> list[Figure]:
    if not access.has_role(Role.LEADER, Role.SUBDISTRICT_ADMIN):
        return []
    out = []
    snapshots = (
        IndexSnapshot.objects.filter(period="current", programme_id__in=access.programme_ids)
        .select_related("programme")
        .defer("result")[:5]
    )
    for snapshot in snapshots:
        rows = snapshot.summary.get("communities", [])
        ranked = [r for r in rows if r.get("rank_band")]
        lagging = [r for r in ranked if len(ranked) >= 4 and r["rank_band"][0] > len(ranked) / 2]
        url = reverse("insights:overview", kwargs={"pk": snapshot.programme_id})
        out.append(
            Figure(
                label=_("%(programme)s: communities ranked")
                % {"programme": snapshot.programme.name},
                value=f"{len(ranked)} / {len(rows)}",
                definition=_(
                    "Communities with at least three of the six traits scored, out of those enrolled."
                ),
                computed_at=snapshot.computed_at,
                url=url,
                kind="insights.ranked",
            )
        )
        out.append(
            Figure(
                label=_("Communities lagging on the brand index"),
                value=str(len(lagging)) if len(ranked) >= 4 else "—",
                definition=_(
                    "Ranked communities whose best plausible rank (5%) is in the bottom half (from four ranked on)."
                ),
                computed_at=snapshot.computed_at,
                url=reverse("insights:index", kwargs={"pk": snapshot.programme_id}),
                kind="insights.lagging",
            )
        )

    return out
