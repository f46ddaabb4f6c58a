"""Writes of the workshops app that span rows: sign-in, boards, votes, promotion, briefings."""

from __future__ import annotations

import datetime as dt
import importlib
import time
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from qiangji.lib.text import quoted, without_repeats
from qiangji.workshops.models import (
    Activity,
    Attendance,
    Briefing,
    CardComment,
    FeedbackKind,
    Guest,
    IdeaCard,
    IdeaKind,
    StallFeedback,
    TableGroup,
    Vote,
)

DOTS_PER_PERSON = 5
# A scanned code stays good for this many windows after it left the screen: time enough to
# log in on a phone, short enough that a photo of the code forwarded later is useless.
GRACE_WINDOWS = 2


# --- the rotating QR token ---------------------------------------------------------------
class TokenError(ValueError):
    """A sign-in token that cannot be accepted; code is "expired" or "invalid"."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _signature_for(activity: Activity, window: int) -> str:
    # The per-activity secret is part of the key, so rotating it revokes every old code.
    return salted_hmac(
        "qiangji.workshops.signin." + activity.qr_secret,
        f"{activity.pk}:{window}",
        algorithm="sha256",
    ).hexdigest()[:20]


def current_window(activity: Activity, now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // activity.qr_window_seconds)


def make_signin_token(activity: Activity, now: float | None = None) -> str:
    """Return the sign-in token for the current window: "<window>-<signature>"."""
    window = current_window(activity, now)
    return f"{window}-{_signature_for(activity, window)}"


def check_signin_token(activity: Activity, token: str, now: float | None = None) -> None:
    """Raise TokenError unless token was made for this activity now or GRACE_WINDOWS before."""
    window_text, _sep, signature = (token or "").partition("-")
    if not window_text.isdigit() or len(window_text) > 12 or not signature:
        raise TokenError(_("This sign-in code is not valid."), "invalid")
    window = int(window_text)
    if not constant_time_compare(signature, _signature_for(activity, window)):
        raise TokenError(_("This sign-in code is not valid."), "invalid")
    now_window = current_window(activity, now)
    if window > now_window + 1:
        raise TokenError(_("This sign-in code is not valid."), "invalid")
    if window < now_window - GRACE_WINDOWS:
        raise TokenError(
            _("This sign-in code has expired. Please scan the code on the screen again."),
            "expired",
        )


# --- invitations ----------------------------------------------------------------------
def do_notify_activity_scheduled(*, activity: Activity, url: str) -> int:
    """Tell the participating communities' secretaries and staff, and the invitees."""
    from qiangji.accounts.models import Role, RoleGrant, User
    from qiangji.notifications.actions import do_notify

    community_people = RoleGrant.objects.filter(
        role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF],
        territory__in=activity.communities.all(),
    ).values("user_id")
    recipients = User.objects.filter(
        models.Q(pk__in=community_people) | models.Q(pk__in=activity.invitees.values("pk")),
        is_active=True,
    ).distinct()
    local = timezone.localtime(activity.starts_at)
    return do_notify(
        recipients=list(recipients),
        kind="activity_scheduled",
        title=f"{local:%m-%d %H:%M} {activity.get_kind_display()}：{activity.title}",
        url=url,
        group_key=f"activity-{activity.pk}",
    )


# --- attendance ---------------------------------------------------------------------------
@dataclass
class SignIn:
    attendance: Attendance
    created: bool


def do_sign_in(
    *, activity: Activity, person, method: str = Attendance.Method.QR, by=None
) -> SignIn:
    """Record that person attends activity; signing in twice returns the first record."""
    existing = Attendance.objects.filter(activity=activity, person=person).first()
    if existing:
        return SignIn(existing, created=False)
    late = timezone.now() > activity.starts_at + dt.timedelta(minutes=15)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity, person=person, method=method, late=late, added_by=by
            )
    except IntegrityError:
        # The same person scanned twice at the same instant: the first one counts.
        return SignIn(Attendance.objects.get(activity=activity, person=person), created=False)
    return SignIn(attendance, created=True)


# --- round-table groups -------------------------------------------------------------------
@transaction.atomic
def do_make_default_groups(*, activity: Activity, mentors: list | None = None) -> list[TableGroup]:
    """Create one group per participating community that has none yet, mentors in turn."""
    existing = set(activity.groups.values_list("community_id", flat=True))
    number = (max(activity.groups.values_list("number", flat=True), default=0)) + 1
    mentors = list(mentors or [])
    created = []
    for index, community in enumerate(activity.communities.order_by("order", "name")):
        if community.pk in existing:
            continue
        group = TableGroup.objects.create(
            activity=activity,
            number=number,
            name=community.name,
            community=community,
            mentor=mentors[index % len(mentors)] if mentors else None,
        )
        number += 1
        created.append(group)
    return created


# --- brainstorm boards --------------------------------------------------------------------
@transaction.atomic
def do_add_card(
    *, group: TableGroup, author, kind: str, text: str, cites_concern: str = "", cites_case=None
) -> IdeaCard:
    card = IdeaCard.objects.create(
        group=group,
        author=author,
        kind=kind,
        text=text.strip(),
        cites_concern=cites_concern.strip(),
        cites_case=cites_case,
    )
    group.bump()
    return card


class VoteRefused(ValueError):
    pass


def do_toggle_vote(*, card: IdeaCard, voter) -> bool:
    """Add the person's dot to the card, or take it back; return whether it now counts.

    The unique constraint on (card, voter) makes a double click or two tabs count once.
    """
    with transaction.atomic():
        # Lock the board's row so one person's dots are counted one request at a time.
        group = TableGroup.objects.select_for_update().get(pk=card.group_id)
        deleted, _rows = Vote.objects.filter(card=card, voter=voter).delete()
        if deleted:
            group.bump()
            return False
        used = Vote.objects.filter(card__group=group, voter=voter).count()
        if used >= DOTS_PER_PERSON:
            raise VoteRefused(
                _("You have used all your %(n)d dots on this board. Take one back first.")
                % {"n": DOTS_PER_PERSON}
            )
        try:
            with transaction.atomic():
                Vote.objects.create(card=card, voter=voter)
        except IntegrityError:
            return True
        group.bump()
        return True


@transaction.atomic
def do_comment_card(*, card: IdeaCard, author, text: str, by_mentor: bool) -> CardComment:
    comment = CardComment.objects.create(
        card=card, author=author, text=text.strip(), by_mentor=by_mentor
    )
    card.group.bump()
    return comment


@transaction.atomic
def do_mark_card(*, card: IdeaCard, marked: bool) -> IdeaCard:
    card.marked = marked
    card.save(update_fields=["marked"])
    card.group.bump()
    return card


def plans_promotion():
    """Return plans.actions.do_add_idea_to_draft when the plans app provides it, else None."""
    try:
        module = importlib.import_module("qiangji.plans.actions")
    except ImportError:
        return None
    return getattr(module, "do_add_idea_to_draft", None)


@transaction.atomic
def do_promote_card(*, card: IdeaCard, by) -> str:
    """Put the card on the community's "to plan" list, and into its plan draft if possible.

    Returns "plan" when the plans app took the idea, "list" when it waits on the list.
    """
    card.to_plan = True
    card.promoted_at = timezone.now()
    outcome = "list"
    promote = plans_promotion()
    group = card.group
    if promote is not None and group.community_id:
        text = (
            card.text
            if card.kind in (IdeaKind.MAIN_LINE, IdeaKind.STATION)
            else f"{card.get_kind_display()}：{card.text}"
        )
        try:
            with transaction.atomic():
                node = promote(
                    community=group.community,
                    programme=group.activity.programme,
                    text=text,
                    kind="line" if card.kind == IdeaKind.MAIN_LINE else "project",
                    by=by,
                    source=f"头脑风暴·{group.activity.title}·{group.name}"[:200],
                )
            card.promoted_ref = str(node)[:200] if node is not None else "plan"
            outcome = "plan"
        except (TypeError, ValueError):
            # The plans app refused (e.g. its draft is locked for review) or has another
            # interface: the card stays on the "to plan" list for the secretary.
            outcome = "list"
    card.save(update_fields=["to_plan", "promoted_at", "promoted_ref"])
    card.group.bump()
    return outcome


# --- stall sharing ------------------------------------------------------------------------
def stall_visits(groups: list[TableGroup], rotation: int) -> dict[int, TableGroup]:
    """Return, for rotation r (1, 2, …), which stall each group visits: group i → i + r."""
    n = len(groups)
    if n < 2:
        return {}
    shift = ((rotation - 1) % (n - 1)) + 1
    return {groups[i].pk: groups[(i + shift) % n] for i in range(n)}


@transaction.atomic
def do_leave_feedback(
    *, stall: TableGroup, author, from_group: TableGroup | None, kind: str, text: str
) -> StallFeedback:
    if kind not in FeedbackKind.values:
        raise ValueError(kind)
    return StallFeedback.objects.create(
        stall=stall,
        author=author,
        from_group=from_group,
        kind=kind,
        text=text.strip(),
        rotation=stall.activity.current_stall_rotation(),
    )


# --- briefing -----------------------------------------------------------------------------
def _names(guests: list[Guest]) -> str:
    return "、".join(f"{g.title}{g.name}" if g.title else g.name for g in guests)


def draft_briefing_text(activity: Activity) -> str:
    """Return the first draft of an activity's briefing, one paragraph per line."""
    local_start = timezone.localtime(activity.starts_at)
    date_text = f"{local_start.month}月{local_start.day}日"
    experts = [g for g in activity.guests.all() if g.role == Guest.Role.EXPERT]
    leaders = [g for g in activity.guests.all() if g.role == Guest.Role.LEADER]
    communities = list(activity.communities.order_by("order", "name"))
    lines = []
    kind = str(activity.get_kind_display())
    kind = "" if kind in activity.title else kind  # 社区书记沙龙 is already a 书记沙龙
    opening = f"{date_text}，{activity.organiser}在{activity.venue or '活动现场'}组织开展{quoted(activity.title)}{kind}活动"
    if communities:
        opening += f"，{len(communities)}个社区（{'、'.join(c.name for c in communities)}）参加"
    opening += f"，活动历时{activity.duration_label()}。"
    lines.append(opening)
    if experts:
        lines.append(f"活动邀请{_names(experts)}授课指导。")
    if leaders:
        lines.append(f"{_names(leaders)}出席活动并作点评。")
    agenda = list(activity.agenda.all())
    if agenda:
        lines.append("活动议程：" + "；".join(item.title for item in agenda) + "。")
    said = [activity.summary, activity.outcomes]  # the organiser's own words win over ours
    if activity.summary.strip():
        lines.extend(line for line in activity.summary.splitlines() if line.strip())
    groups = list(activity.groups.select_related("community"))
    if groups:
        lines.extend(
            without_repeats(
                [f"与会人员分为{len(groups)}个小组开展圆桌会谈和“头脑风暴”。"], known=said
            )
        )
        for group in groups:
            top = list(group.cards.with_votes().order_by("-marked", "-vote_count", "pk")[:3])
            if top:
                lines.append(f"{group.name}提出：" + "；".join(card.text for card in top) + "。")
    attendance = activity.attendances.count()
    if attendance:
        lines.append(f"本次活动签到{attendance}人。")
    if activity.outcomes.strip():
        lines.extend(line for line in activity.outcomes.splitlines() if line.strip())
    return "\n".join(without_repeats(lines))


@transaction.atomic
def do_draft_briefing(*, activity: Activity, by) -> Briefing:
    """Create the briefing draft from the activity's record (or return the existing one)."""
    briefing = Briefing.objects.filter(activity=activity).first()
    if briefing:
        return briefing
    return Briefing.objects.create(
        activity=activity,
        issuer=activity.organiser,
        title=f"{activity.title}工作简报",
        body=draft_briefing_text(activity),
        updated_by=by,
    )


class StaleBriefing(ValueError):
    pass


@transaction.atomic
def do_update_briefing(*, briefing: Briefing, by, version: int, **fields) -> Briefing:
    """Save an edit of the briefing unless someone saved another edit since it was loaded."""
    updated = Briefing.objects.filter(pk=briefing.pk, version=version).update(
        version=version + 1, updated_by=by, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleBriefing(_("Someone else saved this briefing meanwhile. Reload and edit again."))
    briefing.refresh_from_db()
    return briefing
