"""Pages of insights: dashboards, the brand index, evidence, open data and the report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import access_for, require
from qiangji.lib.tabular import attachment_header, csv_response
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

from . import opendata, present
from .actions import (
    current_snapshot,
    current_version,
    do_add_media_report,
    do_publish_version,
    do_refresh_index,
)
from .forms import MediaReportForm, VersionForm
from .models import IndexSnapshot, IndexVersion, MediaReport, TraitRating
from .spec import INDICATOR_LABELS, INDICATORS, TRAIT_KEYS, TRAIT_LABELS, TRAIT_ZH
from .tasks import mark_changed

MAX_COMPARE = 6


@dataclass
class Rights:
    read_all: bool = False  # organisers, leaders, mentors: every community of the programme
    edit: bool = False  # organisers: publish weights, refresh, record media for any community
    own: set[int] = field(default_factory=set)  # communities this person works in

    def can_read(self, community_id: int) -> bool:
        return self.read_all or community_id in self.own


def _rights(access, programme: Programme) -> Rights:
    if not access.can_view_programme(programme):
        return Rights()
    edit = access.can_edit_programme(programme)
    read_all = edit or access.has_role(Role.LEADER) or access.is_mentor_of(programme)
    own = set()
    if not read_all:
        for pk, path in Territory.objects.filter(enrolments__programme=programme).values_list(
            "pk", "path"
        ):
            if access.can_work_in_community(Territory(pk=pk, path=path, kind=Kind.COMMUNITY)):
                own.add(pk)
    return Rights(read_all=read_all, edit=edit, own=own)


def _programme(request: HttpRequest, pk: int) -> tuple[Programme, Rights]:
    programme = get_object_or_404(Programme.objects.select_related("subdistrict"), pk=pk)
    rights = _rights(access_for(request.user), programme)
    if not (rights.read_all or rights.own):
        raise Http404
    return programme, rights


def _snapshot(programme: Programme, *, full: bool = True) -> IndexSnapshot:
    """Return the programme's current snapshot, computing the first one now if there is none.

    With ``full=False`` only the summary is loaded (``snapshot.data``): what the dashboards
    show, without every indicator's evidence. ``snapshot.data`` is the full result otherwise.
    """
    snapshot = current_snapshot(programme, full=full)
    if snapshot is None or (not full and not snapshot.summary):
        snapshot = do_refresh_index(programme=programme)
    snapshot.data = snapshot.result if full else snapshot.summary
    return snapshot


def _as_of(snapshot: IndexSnapshot) -> str:
    return timezone.localtime(snapshot.computed_at).strftime("%H:%M")


def _context(programme, rights, snapshot, **extra) -> dict:
    result = snapshot.data
    return {
        "programme": programme,
        "rights": rights,
        "snapshot": snapshot,
        "as_of": _as_of(snapshot),
        "as_of_date": timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d"),
        "result": result,
        "notices": _notices(result),
        "trait_heads": [(key, TRAIT_ZH[key], TRAIT_LABELS[key]) for key in TRAIT_KEYS],
        **extra,
    }


def _notices(result: dict) -> list[str]:
    out = []
    for notice in result.get("notices", []):
        code = notice.get("code")
        if code == "weights_rescaled":
            out.append(
                _(
                    "The weights of this version did not sum to one; they were rescaled to sum to one."
                )
            )
        elif code == "bad_goalposts":
            out.append(
                _(
                    "Indicator “%(name)s” has a goalpost equal to its opposite; it is left out until corrected."
                )
                % {"name": INDICATOR_LABELS.get(notice.get("indicator"), notice.get("indicator"))}
            )
        elif code == "no_communities":
            out.append(_("No community is enrolled in this programme yet."))
        elif code == "nothing_ranked":
            out.append(
                _(
                    "No community has enough data to be ranked yet (at least three traits are needed)."
                )
            )
    for source in ("implementation", "surveys"):
        if not result.get("sources", {}).get(source, True):
            out.append(
                _(
                    "The %(source)s figures are not available yet; the indicators that need them show 数据不足."
                )
                % {
                    "source": {"implementation": _("implementation"), "surveys": _("survey")}[
                        source
                    ]
                }
            )
    return out


# --- entry ---------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboards a person may open: programmes, their communities, the leader view."""
    access = access_for(request.user)
    entries = []
    for programme in access.visible_programmes().select_related("subdistrict"):
        rights = _rights(access, programme)
        if rights.read_all or rights.own:
            communities = list(
                Territory.objects.filter(pk__in=rights.own)
                .order_by("order", "name")
                .values("pk", "name")
            )
            entries.append({"programme": programme, "rights": rights, "communities": communities})
    leader_scope = _leader_roots(access)
    require(bool(entries or leader_scope))
    return render(request, "insights/home.html", {"entries": entries, "leader_scope": leader_scope})


# --- subdistrict overview ------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    require(rights.read_all)
    snapshot = _snapshot(programme, full=False)
    rows = present.index_rows(snapshot.data, programme.pk)
    for row in rows:
        extras = row["extras"]
        row["plan_url"] = present.source_url(
            "plans", community_id=row["id"], programme_id=pk, extras=extras
        )
        row["review_url"] = present.source_url(
            "reviews", community_id=row["id"], programme_id=pk, extras=extras
        )
        row["concerns_url"] = present.source_url(
            "concerns", community_id=row["id"], programme_id=pk, extras=extras
        )
        row["delivery_url"] = present.source_url(
            "implementation", community_id=row["id"], programme_id=pk, extras=extras
        )
        row["review"] = (
            f"{extras['review_mean']:.0f}" if extras.get("review_mean") is not None else "—"
        )
        row["review_band"] = row["raw"].get("review_band")
        row["response"] = present.fmt_pct(extras.get("response_rate"))
        row["solve"] = present.fmt_pct(extras.get("solve_rate"))
        row["satisfaction"] = present.fmt_pct(extras.get("satisfaction_rate"))
        row["progress"] = (
            present.fmt_pct(extras["progress"])
            if extras.get("progress") is not None
            else "数据不足"
        )
    phase = programme.current_phase()
    return render(
        request,
        "insights/overview.html",
        _context(
            programme,
            rights,
            snapshot,
            rows=rows,
            phase=phase,
            hot=snapshot.data.get("hot_issues") or [],
        ),
    )


# --- brand index ---------------------------------------------------------------------------


@login_required
@require_GET
def brand_index(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    require(rights.read_all)
    snapshot = _snapshot(programme, full=False)
    result = snapshot.data
    rows = present.index_rows(result, programme.pk)
    correlations = [
        {"a": TRAIT_ZH[a], "b": TRAIT_ZH[b], "r": r, "n": n, "high": abs(r) >= 0.9}
        for a, b, r, n in result.get("correlations", [])
    ]
    return render(
        request,
        "insights/index.html",
        _context(
            programme, rights, snapshot, rows=rows, correlations=correlations,
            radar=present.radar_data(result, [], with_median=True),
            bands=max((r["band"] or 0 for r in rows), default=0),
        ),
    )  # fmt: skip


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    require(rights.read_all)
    snapshot = _snapshot(programme, full=False)
    result = snapshot.data
    chosen = [int(v) for v in request.GET.getlist("c") if v.isdigit()][:MAX_COMPARE]
    if not chosen:
        chosen = [r["id"] for r in present.index_rows(result, pk)[:3]]
    rows = present.index_rows(result, pk, only=set(chosen))
    choices = [
        {"id": r["id"], "name": r["name"], "checked": r["id"] in chosen}
        for r in result["communities"]
    ]
    too_many = len(request.GET.getlist("c")) > MAX_COMPARE
    return render(
        request,
        "insights/compare.html",
        _context(
            programme, rights, snapshot, rows=rows, choices=choices, too_many=too_many,
            radar=present.radar_data(result, [r["raw"] for r in rows]), max_compare=MAX_COMPARE,
        ),
    )  # fmt: skip


def _community_row(result: dict, community_id: int) -> dict:
    for row in result.get("communities", []):
        if row["id"] == community_id:
            return row
    raise Http404


def _trend(programme: Programme, community_id: int) -> dict:
    """Return each month's trait scores of the community (from the month snapshots)."""
    months, series = [], {key: [] for key in TRAIT_KEYS}
    for period, result in (
        IndexSnapshot.objects.filter(programme=programme).exclude(period="current").order_by("period")
        .values_list("period", "result")
    ):  # fmt: skip
        row = next((r for r in result.get("communities", []) if r["id"] == community_id), None)
        if row is None:
            continue
        months.append(period)
        for key in TRAIT_KEYS:
            series[key].append(row["traits"][key]["score"])
    return {
        "periods": months,
        "series": [{"name": TRAIT_ZH[k], "values": series[k]} for k in TRAIT_KEYS],
    }


@login_required
@require_GET
def community(request: HttpRequest, pk: int, community_id: int) -> HttpResponse:
    """The community dashboard: radar against the median, figures, what to do next, trend."""
    programme, rights = _programme(request, pk)
    if not rights.can_read(community_id):
        raise Http404
    snapshot = _snapshot(programme)
    result = snapshot.data
    row = _community_row(result, community_id)
    rows = present.index_rows(result, pk, only={community_id})
    extras = row.get("extras", {})
    others = [r.get("extras", {}) for r in result["communities"]]
    figures = []
    for key, label, fmt in (
        ("response_rate", _("Response rate"), present.fmt_pct),
        ("solve_rate", _("Solve rate"), present.fmt_pct),
        ("satisfaction_rate", _("Satisfaction at follow-up"), present.fmt_pct),
        ("review_mean", _("Mentors' mean score"), lambda v: "—" if v is None else f"{v:.0f}"),
        ("progress", _("Implementation progress"), present.fmt_pct),
    ):
        figures.append(
            {
                "label": label,
                "value": fmt(extras.get(key)),
                "median": fmt(present.median(o.get(key) for o in others)),
            }
        )
    todo = []
    if extras.get("items_overdue"):
        todo.append((_("Overdue implementation items"), extras["items_overdue"],
                     present.source_url("implementation", community_id=community_id, programme_id=pk, extras=extras)))  # fmt: skip
    if extras.get("open_suggestions"):
        todo.append((_("Mentors' suggestions not answered yet"), extras["open_suggestions"],
                     present.source_url("reviews", community_id=community_id, programme_id=pk, extras=extras)))  # fmt: skip
    if extras.get("unanswered"):
        base = reverse("concerns:index")
        todo.append(
            (
                _("Concerns waiting for a first response"),
                extras["unanswered"],
                f"{base}?territory={community_id}",
            )
        )
    if extras.get("overdue"):
        base = reverse("concerns:index")
        todo.append((_("Overdue tickets"), extras["overdue"], f"{base}?territory={community_id}"))
    weakest = sorted(
        (c for c in present.trait_cells(row, pk) if c["score"] is not None
         and result["median"].get(c["key"]) is not None and c["score"] < result["median"][c["key"]]),
        key=lambda c: c["score"] - result["median"][c["key"]],
    )[:2]  # fmt: skip
    insufficient = [c for c in present.trait_cells(row, pk) if c["score"] is None]
    traits = present.trait_cells(row, pk)
    for cell in traits:
        cell["median"] = present.fmt_score(result["median"].get(cell["key"]))
    media = MediaReport.objects.filter(programme=programme, community_id=community_id)[:10]
    my_ratings = None
    if access_for(request.user).is_mentor_of(programme):
        mine = dict(
            TraitRating.objects.filter(programme=programme, community_id=community_id, mentor=request.user)
            .values_list("trait", "score")
        )  # fmt: skip
        my_ratings = [(key, TRAIT_ZH[key], mine.get(key, "")) for key in TRAIT_KEYS]
    return render(
        request,
        "insights/community.html",
        _context(
            programme, rights, snapshot, row=row, index_row=rows[0] if rows else None, traits=traits,
            figures=figures, todo=todo, weakest=weakest, insufficient=insufficient, media=media,
            radar=present.radar_data(result, [row]), trend=_trend(programme, community_id), my_ratings=my_ratings,
        ),
    )  # fmt: skip


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int, community_id: int, trait: str) -> HttpResponse:
    programme, rights = _programme(request, pk)
    if not rights.can_read(community_id) or trait not in TRAIT_KEYS:
        raise Http404
    snapshot = _snapshot(programme)
    result = snapshot.data
    row = _community_row(result, community_id)
    data = row["traits"][trait]
    weights = result.get("weights", {})
    return render(
        request,
        "insights/evidence.html",
        _context(
            programme, rights, snapshot, row=row, trait=trait, trait_zh=TRAIT_ZH[trait],
            trait_label=TRAIT_LABELS[trait], data=data, score=present.fmt_score(data["score"]),
            css=present.score_class(data["score"]), median=present.fmt_score(result["median"].get(trait)),
            indicators=present.evidence_rows(row, trait, pk), weight=weights.get(trait),
            neighbours=(data["indicators"].get("plan_distinctness", {}).get("detail", {}) or {}).get("nearest", []),
            other_traits=present.trait_cells(row, pk),
        ),
    )  # fmt: skip


@login_required
@require_POST
def rate(request: HttpRequest, pk: int, community_id: int) -> HttpResponse:
    """A mentor of the programme rates the six traits of a community (0–100; empty: no rating)."""
    programme, rights = _programme(request, pk)
    access = access_for(request.user)
    require(access.is_mentor_of(programme))
    community = get_object_or_404(Territory, pk=community_id, enrolments__programme=programme)
    errors = []
    for key in TRAIT_KEYS:
        raw = request.POST.get(key, "").strip()
        if not raw:
            TraitRating.objects.filter(
                programme=programme, community=community, mentor=request.user, trait=key
            ).delete()
            continue
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            errors.append(TRAIT_ZH[key])
            continue
        TraitRating.objects.update_or_create(
            programme=programme, community=community, mentor=request.user, trait=key,
            defaults={"score": int(raw)},
        )  # fmt: skip
    if errors:
        messages.error(
            request,
            _("Ratings must be whole numbers from 0 to 100: %(traits)s.")
            % {"traits": "、".join(errors)},
        )
    else:
        messages.success(
            request,
            _(
                "Your ratings are saved; they show apart and count only if the programme chooses so."
            ),
        )
        mark_changed()
    return redirect("insights:community", pk=pk, community_id=community_id)


# --- the index specification ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def spec(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    require(rights.read_all)
    version = current_version(programme)
    initial = {f"w_{k}": round(v * 6, 3) for k, v in (version.weights or {}).items()}
    initial.update(aggregation=version.aggregation, mentor_share=version.mentor_share)
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(rights.edit)
        if form.is_valid():
            new = do_publish_version(
                programme=programme, weights=form.weights(), aggregation=form.cleaned_data["aggregation"],
                mentor_share=form.cleaned_data["mentor_share"], note=form.cleaned_data["note"], by=request.user,
            )  # fmt: skip
            if new.weights_rescaled:
                messages.info(
                    request, _("The weights did not sum to one; they were rescaled to sum to one.")
                )
            messages.success(
                request,
                _("Version %(n)d published; the index is being recomputed.") % {"n": new.number},
            )
            do_refresh_index(programme=programme)
            return redirect("insights:spec", pk=pk)
    versions = list(IndexVersion.objects.filter(programme=programme).select_related("published_by"))
    for v in versions:
        v.weight_rows = [
            (TRAIT_ZH[k], f"{100 * (v.weights or {}).get(k, 0):.1f}%") for k in TRAIT_KEYS
        ]
    indicators = [
        {
            "key": i.key, "trait": TRAIT_ZH[i.trait], "label": INDICATOR_LABELS[i.key], "source": i.source,
            "direction": "↑" if i.direction > 0 else "↓", "low": present.fmt_value(i.low, i.unit),
            "high": present.fmt_value(i.high, i.unit), "min_n": i.min_n or "",
        }
        for i in INDICATORS
    ]  # fmt: skip
    return render(
        request,
        "insights/spec.html",
        {"programme": programme, "rights": rights, "form": form, "versions": versions, "indicators": indicators,
         "trait_fields": [form[f"w_{k}"] for k in TRAIT_KEYS]},
    )  # fmt: skip


@login_required
@require_POST
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute the programme's index now (organisers; the schedule does it by itself too)."""
    programme, rights = _programme(request, pk)
    require(rights.edit)
    snapshot = do_refresh_index(programme=programme)
    messages.success(request, _("Recomputed at %(t)s.") % {"t": _as_of(snapshot)})
    return redirect("insights:index", pk=pk)


# --- media reports -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def media(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    allowed = Territory.objects.filter(enrolments__programme=programme)
    if not rights.edit:
        allowed = allowed.filter(pk__in=rights.own)
    form = MediaReportForm(request.POST or None, communities=allowed.order_by("order", "name"))
    may_add = rights.edit or bool(rights.own)
    if request.method == "POST":
        require(may_add)
        if form.is_valid():
            data = form.cleaned_data
            do_add_media_report(
                programme=programme, community=data["community"], outlet=data["outlet"],
                published_on=data["published_on"], title=data["title"], link=data["link"], by=request.user,
            )  # fmt: skip
            messages.success(request, _("Media report recorded."))
            return redirect("insights:media", pk=pk)
    reports = MediaReport.objects.filter(programme=programme).select_related("community")
    if not rights.read_all:
        reports = reports.filter(community_id__in=rights.own)
    community = request.GET.get("community", "")
    if community.isdigit():
        reports = reports.filter(community_id=int(community))
    return render(
        request,
        "insights/media.html",
        {
            "programme": programme,
            "rights": rights,
            "form": form,
            "reports": reports[:200],
            "may_add": may_add,
        },
    )


# --- programme report ------------------------------------------------------------------------


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _programme(request, pk)
    require(rights.read_all)
    from .report import programme_report

    data = programme_report(programme, _snapshot(programme).data)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = attachment_header(f"{programme.name}-工作总结.docx")
    return response


# --- leader view ------------------------------------------------------------------------------


def _leader_roots(access) -> list[Territory]:
    if access.is_superuser:
        return list(
            Territory.objects.filter(kind__in=[Kind.CITY, Kind.DISTRICT]).order_by("depth", "name")[
                :20
            ]
        )
    if not access.has_role(Role.LEADER, Role.SUBDISTRICT_ADMIN):
        return []
    return [
        t for t in access.root_territories()
        if t.kind in (Kind.PROVINCE, Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT)
    ]  # fmt: skip


@login_required
@require_GET
def leader(request: HttpRequest) -> HttpResponse:
    """Across the subdistricts of a district (or districts of a city): rolled up, lagging, heat."""
    access = access_for(request.user)
    roots = _leader_roots(access)
    require(bool(roots))
    raw = request.GET.get("territory", "")
    territory = roots[0]
    if raw.isdigit():
        territory = get_object_or_404(Territory, pk=int(raw))
        require(
            territory.kind in (Kind.PROVINCE, Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT)
            and any(territory.is_within(root) for root in roots)
        )
    by = "compound" if request.GET.get("by") == "compound" else "community"
    from .leader import leader_view

    data = leader_view(territory, by=by)
    return render(
        request,
        "insights/leader.html",
        {"territory": territory, "roots": roots, "by": by, **data,
         "trait_heads": [(key, TRAIT_ZH[key], TRAIT_LABELS[key]) for key in TRAIT_KEYS]},
    )  # fmt: skip


# --- open data ---------------------------------------------------------------------------------


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Public: the aggregates of every programme, with a README per file."""
    snapshots = (
        IndexSnapshot.objects.filter(period="current")
        .select_related("programme__subdistrict")
        .only("programme__name", "programme__subdistrict__name", "computed_at", "version_id")
        .order_by("programme__subdistrict__name", "programme__name")
    )
    return render(
        request,
        "insights/open_data.html",
        {
            "snapshots": snapshots,
            "files": {name: opendata.file_title(name) for name in opendata.FILES},
        },
    )


@require_GET
def open_data_file(request: HttpRequest, pk: int, name: str, ext: str) -> HttpResponse:
    if name not in opendata.FILES or ext not in ("csv", "json", "md"):
        raise Http404
    snapshot = get_object_or_404(
        IndexSnapshot.objects.select_related("programme__subdistrict"),
        programme_id=pk,
        period="current",
    )
    if ext == "md":
        return HttpResponse(opendata.readme(name), content_type="text/markdown; charset=utf-8")
    headers, rows = opendata.table(name, snapshot)
    filename = f"qiangji-{pk}-{name}.{ext}"
    if ext == "csv":
        return csv_response(filename, headers, rows)
    response = JsonResponse(
        {"file": name, "programme": snapshot.programme.name, "computed_at": snapshot.computed_at.isoformat(),
         "readme": reverse("insights:open_data_file", kwargs={"pk": pk, "name": name, "ext": "md"}),
         "rows": [dict(zip(headers, row, strict=True)) for row in rows]},
        json_dumps_params={"ensure_ascii": False},
    )  # fmt: skip
    response["Content-Disposition"] = attachment_header(filename)
    return response
