"""Writes of the surveys app: questionnaires and versions, codes, submissions, reviews."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.surveys.models import (
    MAX_CHOICES,
    MAX_TEXT_ANSWER,
    SENSES,
    AccessCode,
    Answer,
    CodeBatch,
    Flag,
    Kind,
    Measure,
    Mode,
    Question,
    Response,
    Survey,
)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed easily
CODE_LENGTH = 8
MAX_CODES_PER_BATCH = 5000


class SurveyError(ValueError):
    """A submission or change that cannot be made; `code` says which, the message says why."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


# --- questionnaires ---------------------------------------------------------------------------
DEFAULT_TEMPLATE = [
    # kind, measure, text, choices, low, high, required
    (
        Kind.SCALE,
        Measure.GAIN,
        "这一年，社区的服务和变化让您有获得感吗？",
        [],
        "完全没有",
        "非常强",
        True,
    ),
    (
        Kind.SCALE,
        Measure.HAPPINESS,
        "在本社区生活，您感到幸福吗？",
        [],
        "很不幸福",
        "非常幸福",
        True,
    ),
    (
        Kind.SCALE,
        Measure.SECURITY,
        "在本社区生活，您感到安全吗？",
        [],
        "很不安全",
        "非常安全",
        True,
    ),
    (
        Kind.SINGLE,
        Measure.AWARENESS,
        "您是否知道本社区的品牌项目「{brand}」？",
        ["知道，也参加过", "知道，但没参加过", "不知道"],
        "",
        "",
        True,
    ),
    (
        Kind.SINGLE,
        Measure.PARTICIPATION,
        "最近6个月，您参加过社区组织的活动或议事吗？",
        ["参加过3次及以上", "参加过1–2次", "没有参加过"],
        "",
        "",
        True,
    ),
    (Kind.TEXT, Measure.IMPROVE, "您最希望社区改进哪件事？", [], "", "", False),
]


def add_default_questions(survey: Survey) -> list[Question]:
    """Add the default template's questions (获得感/幸福感/安全感, brand, participation, text)."""
    start = survey.questions.count()
    return [
        Question.objects.create(
            survey=survey,
            order=start + i,
            kind=kind,
            measure=measure,
            text=text,
            choices=choices,
            low_label=low,
            high_label=high,
            required=required,
        )
        for i, (kind, measure, text, choices, low, high, required) in enumerate(DEFAULT_TEMPLATE)
    ]


@transaction.atomic
def do_create_survey(
    *,
    title: str,
    territory,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    mode: str = Mode.OPEN,
    programme=None,
    intro: str = "",
    series: str = "",
    round: int = 1,  # noqa: A002 — the domain's word (轮次)
    with_template: bool = True,
    by=None,
) -> Survey:
    """Create a survey (with the default questions unless told otherwise)."""
    from qiangji.territories.models import Kind as TerritoryKind

    if closes_at <= opens_at:
        raise SurveyError(_("The survey must close after it opens."), code="dates")
    if territory.kind not in (TerritoryKind.COMMUNITY, TerritoryKind.SUBDISTRICT):
        raise SurveyError(_("A survey belongs to a community or a subdistrict."), code="territory")
    survey = Survey.objects.create(
        title=title.strip()[:200],
        intro=intro.strip()[:2000],
        territory=territory,
        covers_subdistrict=territory.kind == TerritoryKind.SUBDISTRICT,
        programme=programme,
        mode=mode,
        opens_at=opens_at,
        closes_at=closes_at,
        series=series.strip()[:80],
        round=round,
        created_by=by,
    )
    if with_template:
        add_default_questions(survey)
    return survey


def _refuse_if_frozen(survey: Survey) -> None:
    if survey.replaced_by_id:
        raise SurveyError(_("This version was replaced; change the newest version."), code="old")
    if survey.frozen:
        raise SurveyError(
            _(
                "Residents already answered this survey, so its questions cannot change. Make a new version."
            ),
            code="frozen",
        )


def clean_choices(raw: str | list) -> list[str]:
    """Return the choices, one a line, trimmed, without blanks; at most MAX_CHOICES."""
    lines = raw if isinstance(raw, list) else raw.splitlines()
    choices = [str(line).strip()[:60] for line in lines if str(line).strip()]
    if len(choices) > MAX_CHOICES:
        raise SurveyError(_("At most %(n)d choices.") % {"n": MAX_CHOICES}, code="choices")
    if len(set(choices)) != len(choices):
        raise SurveyError(_("Two choices are the same."), code="choices")
    return choices


@transaction.atomic
def do_add_question(
    *,
    survey: Survey,
    kind: str,
    text: str,
    required: bool = True,
    choices: list[str] | None = None,
    low_label: str = "",
    high_label: str = "",
    min_value: int | None = None,
    max_value: int | None = None,
    measure: str = "",
    show_if: Question | None = None,
    show_if_value: int | None = None,
    help: str = "",  # noqa: A002
) -> Question:
    """Add a question at the end; refused once the survey has responses."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _refuse_if_frozen(survey)
    choices = clean_choices(choices or [])
    if kind in (Kind.SINGLE, Kind.MULTIPLE) and len(choices) < 2:
        raise SurveyError(_("A choice question needs at least two choices."), code="choices")
    if kind not in (Kind.SINGLE, Kind.MULTIPLE):
        choices = []
    if min_value is not None and max_value is not None and min_value > max_value:
        raise SurveyError(_("The smallest number is larger than the largest."), code="range")
    if show_if is not None:
        if show_if.survey_id != survey.pk or show_if.kind not in (Kind.SCALE, Kind.SINGLE):
            raise SurveyError(
                _("A condition can only depend on an earlier scale or single-choice question."),
                code="condition",
            )
        valid = range(1, 6) if show_if.kind == Kind.SCALE else range(len(show_if.choices))
        if show_if_value not in valid:
            raise SurveyError(
                _("The condition's answer is not one of that question's."), code="condition"
            )
    else:
        show_if_value = None
    order = (survey.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    survey.save(update_fields=["updated_at"])  # moves the cache key of views.survey_questions
    return Question.objects.create(
        survey=survey,
        order=order,
        kind=kind,
        text=text.strip()[:300],
        help=help.strip()[:300],
        required=required,
        choices=choices,
        low_label=low_label.strip()[:30],
        high_label=high_label.strip()[:30],
        min_value=min_value,
        max_value=max_value,
        measure=measure,
        show_if=show_if,
        show_if_value=show_if_value,
    )


@transaction.atomic
def do_delete_question(*, question: Question) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _refuse_if_frozen(survey)
    question.delete()
    survey.save(update_fields=["updated_at"])


@transaction.atomic
def do_make_new_version(*, survey: Survey, by=None) -> Survey:
    """Copy a survey's questions into a new version that replaces it; unused codes move along.

    The old version keeps its responses and closes (it is replaced); results of the series
    count both versions' responses under the round.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.replaced_by_id:
        raise SurveyError(_("This version was already replaced."), code="old")
    new = Survey.objects.create(
        title=survey.title,
        intro=survey.intro,
        programme=survey.programme,
        territory=survey.territory,
        covers_subdistrict=survey.covers_subdistrict,
        mode=survey.mode,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        series=survey.series,
        round=survey.round,
        version=survey.version + 1,
        created_by=by,
    )
    copies: dict[int, Question] = {}
    for question in survey.questions.order_by("order", "pk"):
        old_pk = question.pk
        parent = copies.get(question.show_if_id) if question.show_if_id else None
        question.pk = None
        question.survey = new
        question.show_if = parent
        if parent is None:
            question.show_if_value = None
        question.save()
        copies[old_pk] = question
    for batch in survey.code_batches.all():
        unused = list(batch.codes.filter(used=False).values_list("code", flat=True))
        if unused:
            moved = CodeBatch.objects.create(
                survey=new, label=batch.label, count=len(unused), created_by=batch.created_by
            )
            AccessCode.objects.bulk_create(
                AccessCode(batch=moved, survey=new, code=code) for code in unused
            )
            batch.codes.filter(used=False).delete()
    survey.replaced_by = new
    survey.save(update_fields=["replaced_by", "updated_at"])
    return new


# --- codes ------------------------------------------------------------------------------------
def normalise_code(raw: str) -> str:
    """Return a typed code in stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


@transaction.atomic
def do_generate_codes(*, survey: Survey, count: int, label: str = "", by=None) -> CodeBatch:
    """Create `count` new one-time codes for a verified survey; return their batch."""
    if survey.mode != Mode.VERIFIED:
        raise SurveyError(_("Only a survey answered with one-time codes has codes."), code="mode")
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise SurveyError(
            _("Make between 1 and %(n)d codes at a time.") % {"n": MAX_CODES_PER_BATCH},
            code="count",
        )
    batch = CodeBatch.objects.create(
        survey=survey, label=label.strip()[:100], count=count, created_by=by
    )
    existing = set(AccessCode.objects.filter(survey=survey).values_list("code", flat=True))
    codes: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in existing:
            codes.add(code)
    AccessCode.objects.bulk_create(
        [AccessCode(batch=batch, survey=survey, code=code) for code in sorted(codes)],
        batch_size=1000,
    )
    return batch


# --- answers ----------------------------------------------------------------------------------
@dataclass
class Parsed:
    values: dict[int, int | list[int] | str]  # question id → value
    errors: dict[int, str]
    blank: bool  # nothing at all was answered


def _visible(question: Question, values: dict) -> bool:
    if not question.show_if_id:
        return True
    return values.get(question.show_if_id) == question.show_if_value


def parse_answers(questions: list[Question], get, getlist) -> Parsed:
    """Check raw answers (from a form or the API) against the questions; collect every error.

    `get(key)` returns one raw value (str or None), `getlist(key)` a list (multiple choice);
    keys are "q<question id>". A question whose condition is not met is dropped silently
    (without JavaScript the page shows every question and says when to skip one).
    """
    values: dict[int, int | list[int] | str] = {}
    errors: dict[int, str] = {}
    for q in questions:
        key = f"q{q.pk}"
        if q.kind == Kind.MULTIPLE:
            raw_list = [str(v).strip() for v in getlist(key) if str(v).strip()]
            if not raw_list:
                continue
            picked = []
            for raw in raw_list[: MAX_CHOICES + 1]:
                if not raw.lstrip("-").isdigit() or not 0 <= int(raw) < len(q.choices):
                    errors[q.pk] = _("That choice is not offered.")
                    break
                picked.append(int(raw))
            else:
                values[q.pk] = sorted(set(picked))
            continue
        raw = get(key)
        raw = "" if raw is None else str(raw)
        if q.kind == Kind.TEXT:
            text = raw.replace("\x00", "").strip()
            if not text:
                continue
            if len(text) > MAX_TEXT_ANSWER:
                errors[q.pk] = _(
                    "Please keep this answer under %(n)d characters (it has %(len)d)."
                ) % {
                    "n": MAX_TEXT_ANSWER,
                    "len": len(text),
                }
                continue
            values[q.pk] = text
            continue
        raw = raw.strip()
        if not raw:
            continue
        if len(raw) > 12 or not raw.lstrip("-").isdigit():
            errors[q.pk] = (
                _("Please enter a whole number.")
                if q.kind == Kind.NUMBER
                else _("That choice is not offered.")
            )
            continue
        value = int(raw)
        if q.kind == Kind.SCALE and not 1 <= value <= 5:
            errors[q.pk] = _("Please choose a value from 1 to 5.")
        elif q.kind == Kind.SINGLE and not 0 <= value < len(q.choices):
            errors[q.pk] = _("That choice is not offered.")
        elif q.kind == Kind.NUMBER and (
            (q.min_value is not None and value < q.min_value)
            or (q.max_value is not None and value > q.max_value)
            or abs(value) > 1_000_000_000
        ):
            errors[q.pk] = _("Please enter a number from %(low)s to %(high)s.") % {
                "low": q.min_value if q.min_value is not None else "-1000000000",
                "high": q.max_value if q.max_value is not None else "1000000000",
            }
        else:
            values[q.pk] = value
    blank = not values and not errors
    # Conditions: drop the answers of hidden questions, then ask for the required visible ones.
    for q in questions:
        if not _visible(q, values):
            values.pop(q.pk, None)
            errors.pop(q.pk, None)
        elif q.required and q.pk not in values and q.pk not in errors and not blank:
            errors[q.pk] = _("Please answer this question.")
    return Parsed(values=values, errors=errors, blank=blank)


def _content_hash(community_id: int, values: dict) -> str:
    canonical = json.dumps(
        {"c": community_id, "a": {str(k): values[k] for k in sorted(values)}},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def keyed_hash(*parts: object, length: int = 32) -> str:
    """Return a keyed (HMAC) hash: without the server's secret it cannot be reversed or matched."""
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:length]


def _derived(questions: list[Question], values: dict) -> dict:
    derived: dict = {}
    senses = []
    for q in questions:
        value = values.get(q.pk)
        if value is None:
            continue
        if q.measure in SENSES and q.kind == Kind.SCALE:
            derived[q.measure] = value
            senses.append(value)
        elif q.measure == Measure.AWARENESS and q.kind == Kind.SINGLE and len(q.choices) >= 2:
            derived["aware"] = value < len(q.choices) - 1
        elif q.measure == Measure.PARTICIPATION and q.kind == Kind.SINGLE and len(q.choices) >= 2:
            derived["participated"] = value < len(q.choices) - 1
    if senses:
        derived["senses_satisfied"] = sum(senses) / len(senses) >= 4
    return derived


def _same_submission(survey: Survey, client_id: uuid.UUID, digest: str) -> Response | None:
    """Return the stored response of this client id if its answers are the same; raise if not."""
    existing = Response.objects.filter(survey=survey, client_id=client_id).first()
    if existing is None or existing.content_hash == digest:
        return existing
    raise SurveyError(
        _("This form was already sent with other answers. Your first answers are kept."),
        code="conflict",
    )


@dataclass
class Submission:
    response: Response
    created: bool  # False: the same form was sent again and is stored once


def do_submit_response(
    *,
    survey: Survey,
    community,
    client_id: uuid.UUID | str,
    values: dict,
    code: str = "",
    respondent_key: str = "",
    address_key: str = "",
    flag: str = "",
    questions: list[Question] | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Store one response once; raise SurveyError (code says why) when it cannot be taken.

    The same client id with the same answers is the same submission (a double tap or a retry
    on a bad connection): the stored response is returned with created False. The same id
    with other answers is a conflict. In verified mode the code is spent in the same
    transaction and nothing links it to the response.
    """
    now = now or timezone.now()
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError:
        raise SurveyError(
            _("The form is damaged; please reload the page."), code="client_id"
        ) from None
    if not survey.covers(community):
        raise SurveyError(_("This survey is not for this community."), code="community")
    if questions is None:
        questions = list(survey.questions.order_by("order", "pk"))
    if not values:
        raise SurveyError(
            _("Every answer is blank; please answer at least one question."), code="blank"
        )
    digest = _content_hash(community.pk, values)
    if not survey.is_open(now):
        # A form stored before the survey closed and sent again is still the same submission.
        existing = _same_submission(survey, client_id, digest)
        if existing is not None:
            return Submission(existing, created=False)
        raise SurveyError(_("This survey is closed; thank you for your interest."), code="closed")
    if survey.mode == Mode.OPEN:
        code = ""
    else:
        respondent_key = address_key = ""
    code = normalise_code(code)
    derived = _derived(questions, values)
    submitted_at = (
        now if survey.mode == Mode.OPEN else now.replace(minute=0, second=0, microsecond=0)
    )
    counted = flag != Flag.HONEYPOT
    try:
        with transaction.atomic():
            if survey.mode == Mode.VERIFIED:
                spent = AccessCode.objects.filter(survey=survey, code=code, used=False).update(
                    used=True
                )
                if not spent:
                    # The same form sent again after its code was spent: stored once.
                    existing = _same_submission(survey, client_id, digest)
                    if existing is not None:
                        return Submission(existing, created=False)
                    if code and AccessCode.objects.filter(survey=survey, code=code).exists():
                        raise SurveyError(
                            _(
                                "This code was already used. Each code answers the survey once; ask the community for a new code if you have not answered yet."
                            ),
                            code="code_used",
                        )
                    raise SurveyError(
                        _("This code is not valid for this survey. Please check it and try again."),
                        code="code_invalid",
                    )
            response = Response.objects.create(
                survey=survey,
                community=community,
                client_id=client_id,
                content_hash=digest,
                respondent_key=respondent_key,
                address_key=address_key,
                submitted_at=submitted_at,
                flag=flag,
                counted=counted,
                exclusion_reason=_("Hidden robot field filled (excluded automatically)")
                if not counted
                else "",
                **derived,
            )
            rows = []
            for question_id, value in values.items():
                if isinstance(value, list):
                    rows.extend(
                        Answer(
                            response=response,
                            question_id=question_id,
                            survey=survey,
                            community=community,
                            value=v,
                            counted=counted,
                        )
                        for v in value
                    )
                elif isinstance(value, str):
                    rows.append(
                        Answer(
                            response=response,
                            question_id=question_id,
                            survey=survey,
                            community=community,
                            text=value,
                            counted=counted,
                        )
                    )
                else:
                    rows.append(
                        Answer(
                            response=response,
                            question_id=question_id,
                            survey=survey,
                            community=community,
                            value=value,
                            counted=counted,
                        )
                    )
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        # A parallel copy of the same form won the race, or this browser already answered.
        existing = Response.objects.filter(survey=survey, client_id=client_id).first()
        if existing is not None:
            if existing.content_hash == digest:
                return Submission(existing, created=False)
            raise SurveyError(
                _("This form was already sent with other answers. Your first answers are kept."),
                code="conflict",
            ) from None
        raise SurveyError(
            _("You already answered this survey on this phone. Thank you!"), code="already"
        ) from None
    return Submission(response, created=True)


def flag_burst(*, survey: Survey, address_key: str, since: dt.datetime) -> int:
    """Flag the recent responses from one hashed address as a burst; return how many."""
    if not address_key:
        return 0
    return Response.objects.filter(
        survey=survey, address_key=address_key, submitted_at__gte=since, flag=""
    ).update(flag=Flag.BURST)


# --- review -----------------------------------------------------------------------------------
@transaction.atomic
def do_exclude_response(*, response: Response, reason: str, by) -> Response:
    """Exclude a response from every figure, keeping it and the reason (never dropped)."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise SurveyError(_("Say why this response is excluded."), code="reason")
    Response.objects.filter(pk=response.pk).update(
        counted=False, exclusion_reason=reason, reviewed_by=by, reviewed_at=timezone.now()
    )
    Answer.objects.filter(response_id=response.pk).update(counted=False)
    _record(response, gettext_lazy("Response excluded from the results"), by, reason)
    response.refresh_from_db()
    return response


@transaction.atomic
def do_include_response(*, response: Response, by) -> Response:
    """Count a flagged or excluded response again; the flag stays, marked as reviewed."""
    Response.objects.filter(pk=response.pk).update(
        counted=True, exclusion_reason="", reviewed_by=by, reviewed_at=timezone.now()
    )
    Answer.objects.filter(response_id=response.pk).update(counted=True)
    _record(response, gettext_lazy("Response counted again"), by, "")
    response.refresh_from_db()
    return response


def _record(response: Response, action, by, reason: str) -> None:
    from qiangji.audit import registry

    registry.record_event(
        instance=response,
        note=action,
        changes={"counted": [not response.counted, response.counted], "reason": reason},
    )


@transaction.atomic
def do_turn_answer_into_concern(*, answer: Answer, by):
    """File a free-text answer as a concern of its community (the text only, no identity)."""
    from qiangji.concerns.actions import ConcernError, do_file_concern
    from qiangji.concerns.models import Channel

    answer = (
        Answer.objects.select_for_update().select_related("community", "question").get(pk=answer.pk)
    )
    if answer.question.kind != Kind.TEXT or not answer.text:
        raise SurveyError(_("Only a free-text answer can become a concern."), code="kind")
    if answer.concern_id:
        raise SurveyError(_("This answer is already a concern."), code="done")
    try:
        concern = do_file_concern(
            community=answer.community,
            text=answer.text,
            channel=Channel.FORM,
            by=by,
            source="survey",
            external_id=f"answer-{answer.pk}",
        )
    except ConcernError as error:
        raise SurveyError(str(error), code="concern") from None
    Answer.objects.filter(pk=answer.pk).update(concern_id=concern.pk)
    return concern
