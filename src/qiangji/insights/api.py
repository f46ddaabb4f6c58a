"""The brand index and dashboards' figures over the API (the same snapshot as the pages)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from qiangji.accounts.permissions import access_for
from qiangji.lib.apitypes import Id
from qiangji.programmes.models import Programme

from .views import _rights, _snapshot

router = Router(tags=["insights"])


class TraitOut(Schema):
    score: float | None
    status: str


class CommunityOut(Schema):
    id: int
    name: str
    traits: dict[str, TraitOut]
    composite: float | None
    rank_median: float | None
    rank_band: list[int] | None
    band: int | None


class IndexOut(Schema):
    programme: int
    version: int
    computed_at: str
    weights: dict[str, float]
    median: dict[str, float | None]
    communities: list[CommunityOut]


@router.get("/programmes/{programme_id}/index", response=IndexOut)
def programme_index(request, programme_id: Id):
    """The programme's brand index as last computed (traits keyed by their Chinese names)."""
    from .spec import TRAIT_KEYS, TRAIT_ZH

    programme = get_object_or_404(Programme.objects.select_related("subdistrict"), pk=programme_id)
    rights = _rights(access_for(request.user), programme)
    if not (rights.read_all or rights.own):
        raise HttpError(404, "Not found")
    snapshot = _snapshot(programme, full=False)
    result = snapshot.data
    communities = []
    for row in result["communities"]:
        if not rights.can_read(row["id"]):
            continue
        communities.append(
            {
                "id": row["id"], "name": row["name"],
                "traits": {TRAIT_ZH[k]: {"score": row["traits"][k]["score"], "status": row["traits"][k]["status"]} for k in TRAIT_KEYS},
                "composite": row.get("composite"), "rank_median": row.get("rank_median"),
                "rank_band": row.get("rank_band"), "band": row.get("band"),
            }
        )  # fmt: skip
    return {
        "programme": programme.pk,
        "version": result["version"],
        "computed_at": snapshot.computed_at.isoformat(),
        "weights": {TRAIT_ZH[k]: v for k, v in result["weights"].items()},
        "median": {TRAIT_ZH[k]: v for k, v in result["median"].items()},
        "communities": communities,
    }
