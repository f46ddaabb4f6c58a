"""Pages of the surveys app: the residents' form (no account, no JavaScript), organisers' pages."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.permissions import Access, access_for, require
from qiangji.lib import tabular
from qiangji.lib.qr import qr_svg
from qiangji.programmes.models import Programme
from qiangji.surveys import actions, exports, freetext, limits
from qiangji.surveys.forms import CodesForm, ExclusionForm, QuestionForm, SurveyForm
from qiangji.surveys.models import (
    THRESHOLD,
    Answer,
    CodeBatch,
    Flag,
    Kind,
    Mode,
    Question,
    Response,
    Survey,
)
from qiangji.surveys.results import survey_results
from qiangji.territories.models import Kind as TerritoryKind
from qiangji.territories.models import Territory

RESPONDENT_COOKIE = "qj_respondent"
COOKIE_SALT = "qiangji.surveys.respondent"


# --- permission helpers -----------------------------------------------------------------------
def can_organise(access: Access, survey: Survey) -> bool:
    """Organisers edit the questions, hand out codes, review flags and export raw responses."""
    if survey.covers_subdistrict:
        return access.can_edit_territory(survey.territory)
    return access.can_work_in_community(survey.territory)


def can_read(access: Access, survey: Survey) -> bool:
    if access.can_view_territory(survey.territory):
        return True
    return survey.programme_id is not None and survey.programme_id in access.programme_ids


def _get_survey_for_user(request: HttpRequest, pk: int) -> tuple[Survey, bool]:
    """Return a survey the person may read (else 404) and whether they organise it."""
    survey = get_object_or_404(Survey.objects.select_related("territory", "programme"), pk=pk)
    access = access_for(request.user)
    if not can_read(access, survey):
        raise Http404
    return survey, can_organise(access, survey)


def _organised_survey(request: HttpRequest, pk: int) -> Survey:
    survey, organise = _get_survey_for_user(request, pk)
    require(organise)
    return survey


def _public_community(pk: int) -> Territory:
    return get_object_or_404(Territory, pk=pk, kind=TerritoryKind.COMMUNITY)


def brand_name(survey: Survey | None, community: Territory) -> str:
    """Return the community's brand name from its plan in the survey's programme, if any."""
    try:
        from qiangji.plans.models import Plan
    except ImportError:  # pragma: no cover
        return ""
    plans = Plan.objects.filter(community=community).exclude(brand_name="")
    if survey is not None and survey.programme_id:
        plans = plans.filter(programme_id=survey.programme_id)
    return plans.values_list("brand_name", flat=True).first() or ""


# --- organisers: list, create, questions ------------------------------------------------------
def _visible_surveys(access: Access):
    visible = access.visible_territories()
    return Survey.objects.filter(
        Q(territory__in=visible) | Q(programme_id__in=access.programme_ids)
    ).select_related("territory", "programme")


def _organisable_territories(access: Access):
    return (
        access.visible_territories()
        .filter(kind__in=[TerritoryKind.COMMUNITY, TerritoryKind.SUBDISTRICT])
        .order_by("path")
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(access.is_superuser or bool(access.grants))
    surveys = list(
        _visible_surveys(access)
        .filter(replaced_by__isnull=True)
        .annotate(n=Count("responses", filter=Q(responses__counted=True)))
        .order_by("-opens_at", "-pk")[:200]
    )
    for survey in surveys:
        survey.may_organise = can_organise(access, survey)
    may_create = any(
        access.can_edit_territory(t) or access.can_work_in_community(t)
        for t in _organisable_territories(access)[:50]
    )
    return render(request, "surveys/index.html", {"surveys": surveys, "may_create": may_create})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    territories = [
        t
        for t in _organisable_territories(access)
        if (t.kind == TerritoryKind.SUBDISTRICT and access.can_edit_territory(t))
        or (t.kind == TerritoryKind.COMMUNITY and access.can_work_in_community(t))
    ]
    require(bool(territories))
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    form = SurveyForm(
        request.POST or None,
        territories=Territory.objects.filter(pk__in=[t.pk for t in territories]),
        programmes=Programme.objects.filter(pk__in=access.programme_ids),
        initial={"opens_at": now, "closes_at": now + dt.timedelta(days=30), "with_template": True},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = actions.do_create_survey(
                    title=data["title"],
                    intro=data["intro"],
                    territory=data["territory"],
                    programme=data["programme"],
                    mode=data["mode"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    series=data["series"],
                    round=data["round"],
                    with_template=data["with_template"],
                    by=request.user,
                )
            except actions.SurveyError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Survey created."))
                return redirect("surveys:detail", pk=survey.pk)
        else:
            status = 400
    return render(request, "surveys/new.html", {"form": form}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey, organise = _get_survey_for_user(request, pk)
    questions = list(survey.questions.select_related("show_if").order_by("order", "pk"))
    counts = Response.objects.filter(survey=survey).aggregate(
        n_counted=Count("id", filter=Q(counted=True)), n_flagged=Count("id", filter=~Q(flag=""))
    )
    codes = (
        survey.codes.aggregate(total=Count("id"), used=Count("id", filter=Q(used=True)))
        if survey.mode == Mode.VERIFIED
        else None
    )
    access = access_for(request.user)
    communities = [c for c in survey.communities() if access.can_work_in_community(c)]
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "organise": organise,
            "questions": questions,
            "counts": counts,
            "codes": codes,
            "frozen": survey.frozen,
            "question_form": QuestionForm(survey=survey) if organise else None,
            "communities": communities,
        },
    )


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _organised_survey(request, pk)
    form = QuestionForm(request.POST, survey=survey)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
        return redirect("surveys:detail", pk=survey.pk)
    data = form.cleaned_data
    show_if = data.get("show_if")
    value = data.get("show_if_value")
    if show_if is not None and value is not None and show_if.kind == Kind.SINGLE:
        value -= 1  # people count choices from 1
    try:
        actions.do_add_question(
            survey=survey,
            kind=data["kind"],
            text=data["text"],
            help=data.get("help", ""),
            required=data.get("required", False),
            choices=data.get("choices", ""),
            low_label=data.get("low_label", ""),
            high_label=data.get("high_label", ""),
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            measure=data.get("measure") or "",
            show_if=show_if,
            show_if_value=value,
        )
    except actions.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Question added."))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _organised_survey(request, pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        actions.do_delete_question(question=question)
    except actions.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Question removed."))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _organised_survey(request, pk)
    try:
        new = actions.do_make_new_version(survey=survey, by=request.user)
    except actions.SurveyError as error:
        messages.error(request, str(error))
        return redirect("surveys:detail", pk=survey.pk)
    messages.success(
        request,
        _(
            "Version %(v)d made: change its questions; the earlier answers stay with version %(old)d."
        )
        % {"v": new.version, "old": survey.version},
    )
    return redirect("surveys:detail", pk=new.pk)


# --- codes ------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _organised_survey(request, pk)
    form = CodesForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = actions.do_generate_codes(
                    survey=survey,
                    count=form.cleaned_data["count"],
                    label=form.cleaned_data["label"],
                    by=request.user,
                )
            except actions.SurveyError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                return redirect("surveys:code_sheet", pk=survey.pk, batch_pk=batch.pk)
        else:
            status = 400
    batches = survey.code_batches.annotate(
        used=Count("codes", filter=Q(codes__used=True)), total=Count("codes")
    )
    return render(
        request,
        "surveys/codes.html",
        {"survey": survey, "form": form, "batches": batches},
        status=status,
    )


@login_required
@require_GET
def code_sheet(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """A printable sheet of slips: the code, the survey's link and its QR code on each."""
    survey = _organised_survey(request, pk)
    batch = get_object_or_404(CodeBatch, pk=batch_pk, survey=survey)
    community = survey.territory if not survey.covers_subdistrict else None
    if community is not None:
        url = request.build_absolute_uri(
            reverse("surveys:public_form", args=[community.pk, survey.pk])
        )
    else:
        url = request.build_absolute_uri(reverse("surveys:public_pick", args=[survey.pk]))
    slips = [
        actions.display_code(c)
        for c in batch.codes.filter(used=False).order_by("code").values_list("code", flat=True)
    ]
    return render(
        request,
        "surveys/code_sheet.html",
        {
            "survey": survey,
            "batch": batch,
            "slips": slips,
            "url": url,
            "qr": qr_svg(url, title=survey.title),
        },
    )


# --- results ----------------------------------------------------------------------------------
def _chart_data(results) -> dict:
    names = {c.pk: c.name for c in results.communities}
    questions = []
    for qr in results.questions:
        q = qr.question
        if q.kind == Kind.TEXT or qr.insufficient:
            continue
        entry = {
            "id": q.pk,
            "labels": [d["label"] for d in qr.distribution()],
            "counts": [d["count"] for d in qr.distribution()],
        }
        if len(names) > 1 and (q.kind == Kind.SCALE or qr.satisfied is not None):
            rows = []
            for community_id, name in names.items():
                cell = qr.by_community.get(community_id)
                r = cell["rate"] if cell else None
                if r is not None and r.share is not None:
                    rows.append([name, r.share, r.ci_low, r.ci_high, r.n])
            entry["communities"] = rows
        questions.append(entry)
    trend = [
        [f"第{t['round']}轮", t["rate"].share, t["rate"].ci_low, t["rate"].ci_high, t["rate"].n]
        for t in results.trend
    ]
    return {"questions": questions, "trend": trend}


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey, organise = _get_survey_for_user(request, pk)
    data = survey_results(survey)
    names = {c.pk: c.name for c in data.communities}
    comparison = []
    for qr in data.questions:
        if qr.question.kind == Kind.TEXT or len(names) < 2 or not qr.by_community:
            continue
        if qr.satisfied is None and qr.question.kind != Kind.NUMBER:
            continue
        rows = []
        for community in data.communities:
            cell = qr.by_community.get(community.pk, {"n": 0, "rate": None, "mean": None})
            rows.append({"community": community, **cell, "insufficient": cell["n"] < THRESHOLD})
        comparison.append({"result": qr, "rows": rows})
    text_questions = [qr for qr in data.questions if qr.question.kind == Kind.TEXT]
    context = {
        "survey": survey,
        "organise": organise,
        "results": data,
        "comparison": comparison,
        "text_questions": text_questions,
        "chart": _chart_data(data),
        "threshold": THRESHOLD,
    }
    if request.htmx:
        return render(request, "surveys/results.html#figures", context)
    return render(request, "surveys/results.html", context)


@login_required
@require_GET
def texts(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Free-text answers of one question grouped into themes; staff may file one as a concern."""
    survey, organise = _get_survey_for_user(request, pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey, kind=Kind.TEXT)
    access = access_for(request.user)
    answers = Answer.objects.filter(question=question, counted=True).exclude(text="")
    if not organise:
        allowed = [c.pk for c in survey.communities() if access.can_work_in_community(c)]
        answers = answers.filter(community_id__in=allowed)
    total = answers.count()
    rows = list(
        answers.order_by("-pk").values_list("pk", "text", "community_id", "concern_id")[
            : freetext.MAX_TEXTS
        ]
    )
    meta = {pk: (community_id, concern_id) for pk, _t, community_id, concern_id in rows}
    themes = freetext.group_texts([(pk, text) for pk, text, _c, _k in rows])
    names = dict(
        Territory.objects.filter(pk__in={m[0] for m in meta.values()}).values_list("pk", "name")
    )
    may_file = {
        t.pk: access.can_work_in_community(t) for t in Territory.objects.filter(pk__in=names)
    }
    return render(
        request,
        "surveys/texts.html",
        {
            "survey": survey,
            "question": question,
            "themes": themes,
            "total": total,
            "shown": len(rows),
            "meta": meta,
            "names": names,
            "may_file": may_file,
        },
    )


@login_required
@require_POST
def answer_concern(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    survey, _organise = _get_survey_for_user(request, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("community", "question"), pk=answer_pk, survey=survey
    )
    require(access_for(request.user).can_work_in_community(answer.community))
    try:
        concern = actions.do_turn_answer_into_concern(answer=answer, by=request.user)
    except actions.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Filed as concern #%(n)d of %(c)s (the text only, nothing about the resident).")
            % {"n": concern.pk, "c": answer.community.name},
        )
    return redirect("surveys:texts", pk=survey.pk, question_pk=answer.question_id)


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Flagged and excluded responses: what each flag means, and exclude or count again."""
    survey = _organised_survey(request, pk)
    responses = (
        Response.objects.filter(survey=survey)
        .filter(~Q(flag="") | Q(counted=False))
        .select_related("community", "reviewed_by")
        .order_by("-submitted_at", "-pk")
    )
    total = responses.count()
    return render(
        request,
        "surveys/review.html",
        {"survey": survey, "responses": responses[:200], "total": total, "form": ExclusionForm()},
    )


@login_required
@require_POST
def review_response(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = _organised_survey(request, pk)
    response = get_object_or_404(Response, pk=response_pk, survey=survey)
    form = ExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to exclude the response or count it again."))
        return redirect("surveys:review", pk=survey.pk)
    try:
        if form.cleaned_data["action"] == "exclude":
            actions.do_exclude_response(
                response=response, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(
                request, _("Response excluded from the figures; the reason is recorded.")
            )
        else:
            actions.do_include_response(response=response, by=request.user)
            messages.success(request, _("Response counted again."))
    except actions.SurveyError as error:
        messages.error(request, str(error))
    return redirect("surveys:review", pk=survey.pk)


# --- exports ----------------------------------------------------------------------------------
@login_required
@require_GET
def export_responses(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every response, one row each (organisers only): CSV streamed, XLSX written row by row."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = _organised_survey(request, pk)
    questions = list(survey.questions.order_by("order", "pk"))
    headers = exports.response_headers(questions)
    rows = exports.response_rows(survey, questions)
    name = f"测评答卷-{survey.pk}-v{survey.version}"
    if fmt == "csv":
        return tabular.csv_response(f"{name}.csv", headers, rows)
    widths = [10, 14, 18, 10, 8, 20] + [24] * len(questions)
    data = tabular.write_xlsx(
        [tabular.Sheet(title="答卷", headers=headers, rows=rows, widths=widths, freeze_header=True)]
    )
    return tabular.xlsx_response(f"{name}.xlsx", data)


@login_required
@require_GET
def export_aggregates(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey, _organise = _get_survey_for_user(request, pk)
    rows = exports.aggregate_rows(survey_results(survey))
    name = f"测评结果-{survey.pk}"
    if fmt == "csv":
        return tabular.csv_response(f"{name}.csv", exports.AGGREGATE_HEADERS, rows)
    data = tabular.write_xlsx(
        [
            tabular.Sheet(
                title="结果", headers=exports.AGGREGATE_HEADERS, rows=rows, freeze_header=True
            )
        ]
    )
    return tabular.xlsx_response(f"{name}.xlsx", data)


@login_required
@require_GET
def summary_docx(request: HttpRequest, pk: int) -> HttpResponse:
    survey, _organise = _get_survey_for_user(request, pk)
    data = exports.summary_docx(survey_results(survey))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = tabular.attachment_header(f"{survey.title}结果摘要.docx")
    return response


# --- posters and the residents' pages ---------------------------------------------------------
@login_required
@require_GET
def poster(request: HttpRequest, community_pk: int) -> HttpResponse:
    """A printable A4 poster with the QR code of the community's survey entrance."""
    community = _public_community(community_pk)
    require(access_for(request.user).can_work_in_community(community))
    url = request.build_absolute_uri(reverse("surveys:public_entry", args=[community.pk]))
    return render(
        request,
        "surveys/poster.html",
        {"community": community, "url": url, "qr": qr_svg(url, title=community.name)},
    )


_QUESTIONS: dict[tuple[int, object], list[Question]] = {}


def survey_questions(survey: Survey) -> list[Question]:
    """Return the survey's questions, kept per process while the survey is unchanged.

    Every question change touches the survey's `updated_at` (actions), so the key moves on;
    a frozen survey never changes. Saves a query and six model instances per submission.
    """
    key = (survey.pk, survey.updated_at)
    questions = _QUESTIONS.get(key)
    if questions is None:
        questions = list(survey.questions.select_related("show_if").order_by("order", "pk"))
        if len(_QUESTIONS) > 200:
            _QUESTIONS.clear()
        _QUESTIONS[key] = questions
    return questions


def _open_surveys(community: Territory):
    return Survey.objects.open_now().for_community(community).order_by("closes_at", "pk")


@require_GET
def public_entry(request: HttpRequest, community_pk: int) -> HttpResponse:
    """What the poster's QR code opens: the community's open survey (or a short list)."""
    community = _public_community(community_pk)
    surveys = list(_open_surveys(community)[:10])
    if len(surveys) == 1:
        return redirect("surveys:public_form", community_pk=community.pk, pk=surveys[0].pk)
    return render(
        request, "surveys/public_entry.html", {"community": community, "surveys": surveys}
    )


@require_GET
def public_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """For a subdistrict-wide survey: the resident picks their community first."""
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request, "surveys/public_pick.html", {"survey": survey, "communities": survey.communities()}
    )


def _respondent_token(request: HttpRequest) -> tuple[str, bool]:
    token = request.get_signed_cookie(RESPONDENT_COOKIE, default="", salt=COOKIE_SALT)
    if token and len(token) <= 64:
        return token, False
    return secrets.token_urlsafe(18), True


def _with_token(
    request: HttpRequest,
    response: HttpResponse,
    token: str,
    new: bool,  # noqa: FBT001
) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            RESPONDENT_COOKIE,
            token,
            salt=COOKIE_SALT,
            max_age=400 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


STATUS_FOR = {
    "closed": 410,
    "conflict": 409,
    "already": 409,
    "code_used": 409,
    "code_invalid": 400,
    "blank": 400,
    "community": 400,
    "client_id": 400,
}


@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, community_pk: int, pk: int) -> HttpResponse:
    community = _public_community(community_pk)
    survey = get_object_or_404(Survey.objects.select_related("territory"), pk=pk)
    if not survey.covers(community):
        raise Http404
    if survey.replaced_by_id:
        return redirect("surveys:public_form", community_pk=community.pk, pk=survey.replaced_by_id)
    questions = survey_questions(survey)
    token, new_token = _respondent_token(request)
    context = {
        "community": community,
        "survey": survey,
        "is_open": survey.is_open(),
        "client_id": uuid.uuid4(),
        "values": {},
        "errors": {},
        "error": "",
        "code": "",
    }
    status = 200
    if request.method == "POST" and context["is_open"]:
        outcome = _submit(request, survey, community, questions, token)
        if isinstance(outcome, HttpResponse):
            return _with_token(request, outcome, token, new_token)
        context.update(outcome)
        status = outcome.get("status", 400)
    elif request.method == "POST":
        context["error"] = _("This survey is closed; thank you for your interest.")
        status = 410
    brand = context["brand"] = brand_name(survey, community)
    context["questions"] = [
        {
            "q": q,
            "text": q.text_for(brand),
            "value": context["values"].get(q.pk),
            "error": context["errors"].get(q.pk, ""),
            "condition": q.condition_label(),
            "condition_text": q.show_if.text_for(brand) if q.show_if_id else "",
        }
        for q in questions
    ]
    response = render(request, "surveys/public_form.html", context, status=status)
    return _with_token(request, response, token, new_token)


def _submit(request, survey: Survey, community: Territory, questions: list[Question], token: str):
    """Handle the resident's POST: a redirect on success, else the context for the page."""
    post = request.POST
    address = limits.client_address(request)
    address_key = actions.keyed_hash("address", survey.pk, address)
    limited = {"community": community, "survey": survey}
    client_id = post.get("client_id", "")[:64]
    code = post.get("code", "")[:40]
    if (
        survey.mode == Mode.OPEN
        and limits.submissions(survey.pk, address_key) >= limits.hard_limit()
    ):
        return render(
            request, "surveys/public_limited.html", {**limited, "why": "burst"}, status=429
        )
    if (
        survey.mode == Mode.VERIFIED
        and limits.code_failures(survey.pk, address_key) >= limits.code_failure_limit()
    ):
        return render(
            request, "surveys/public_limited.html", {**limited, "why": "codes"}, status=429
        )
    parsed = actions.parse_answers(questions, post.get, post.getlist)
    base = {"values": _echo(questions, post), "client_id": client_id or uuid.uuid4(), "code": code}
    honeypot = bool(post.get("website", "").strip())
    if parsed.blank:
        return {
            **base,
            "error": _("Every answer is blank; please answer at least one question."),
            "status": 400,
        }
    if parsed.errors:
        if honeypot:  # a robot: nothing worth keeping
            return redirect("surveys:public_thanks", community_pk=community.pk, pk=survey.pk)
        return {
            **base,
            "errors": parsed.errors,
            "error": _("Please check the answers marked below."),
            "status": 400,
        }
    try:
        submission = actions.do_submit_response(
            survey=survey,
            community=community,
            client_id=client_id,
            values=parsed.values,
            code=code,
            respondent_key=actions.keyed_hash("respondent", survey.pk, token, length=64)
            if survey.mode == Mode.OPEN
            else "",
            address_key=address_key if survey.mode == Mode.OPEN else "",
            flag=Flag.HONEYPOT if honeypot else "",
            questions=questions,
        )
    except OperationalError:
        # The database stayed busy past its timeout (SQLite under a flood of submissions).
        # Nothing was stored; the same form (same client id) may safely be sent again.
        response = render(
            request, "surveys/public_limited.html", {**limited, "why": "busy"}, status=503
        )
        response["Retry-After"] = "10"
        return response
    except actions.SurveyError as error:
        if error.code in ("code_invalid", "code_used"):
            limits.code_failures(survey.pk, address_key, increment=True)
        if error.code == "already":
            return render(
                request, "surveys/public_thanks.html", {**limited, "already": True}, status=409
            )
        return {
            **base,
            "error": str(error),
            "error_code": error.code,
            "status": STATUS_FOR.get(error.code, 400),
        }
    if submission.created and survey.mode == Mode.OPEN:
        count = limits.submissions(survey.pk, address_key, increment=True)
        if count > limits.soft_limit():
            actions.flag_burst(
                survey=survey,
                address_key=address_key,
                since=timezone.now() - dt.timedelta(seconds=limits.WINDOW_SECONDS),
            )
    return redirect("surveys:public_thanks", community_pk=community.pk, pk=survey.pk)


def _echo(questions: list[Question], post) -> dict:
    """The resident's raw answers, to fill the form again after an error."""
    echo = {}
    for q in questions:
        key = f"q{q.pk}"
        if q.kind == Kind.MULTIPLE:
            echo[q.pk] = [v[:4] for v in post.getlist(key)[:20]]
        else:
            echo[q.pk] = post.get(key, "")[: 1000 if q.kind == Kind.TEXT else 12]
    return echo


@require_GET
def public_thanks(request: HttpRequest, community_pk: int, pk: int) -> HttpResponse:
    community = _public_community(community_pk)
    survey = get_object_or_404(Survey, pk=pk)
    return render(request, "surveys/public_thanks.html", {"community": community, "survey": survey})


@require_GET
def public_summary(request: HttpRequest, community_pk: int) -> HttpResponse:
    """The community's figures for residents: no free text, nothing under the threshold."""
    community = _public_community(community_pk)
    surveys = list(
        Survey.objects.for_community(community)
        .filter(replaced_by__isnull=True, opens_at__lte=timezone.now())
        .order_by("-opens_at", "-pk")[:3]
    )
    summaries = []
    for survey in surveys:
        data = survey_results(survey, community_ids=[community.pk])
        summaries.append(
            {
                "survey": survey,
                "results": data,
                "questions": [
                    qr
                    for qr in data.questions
                    if qr.question.kind in (Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE)
                ],
            }
        )
    return render(
        request,
        "surveys/public_summary.html",
        {"community": community, "summaries": summaries, "threshold": THRESHOLD},
    )
