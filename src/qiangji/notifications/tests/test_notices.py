from django.core import mail
from django.urls import reverse

from qiangji.notifications.actions import do_notify, do_send_digests
from qiangji.notifications.models import Notice, NoticePreference


def test_notices_with_one_group_key_collapse_into_one_with_a_count(mentor):
    for _ in range(3):
        do_notify(
            recipients=[mentor],
            kind="review_assigned",
            title="3 份方案待评审",
            group_key="reviews-due",
        )
    notice = Notice.objects.get(recipient=mentor)
    assert notice.count == 3


def test_a_read_notice_starts_a_new_group(mentor):
    do_notify(recipients=[mentor], kind="review_assigned", title="a", group_key="g")
    Notice.objects.update(read_at="2026-01-01T00:00:00Z")
    do_notify(recipients=[mentor], kind="review_assigned", title="b", group_key="g")
    assert Notice.objects.filter(recipient=mentor).count() == 2


def test_a_muted_kind_posts_nothing(mentor):
    NoticePreference.objects.create(user=mentor, kind="mention", in_app=False, email_digest=False)
    assert do_notify(recipients=[mentor], kind="mention", title="x") == 0
    assert not Notice.objects.exists()


def test_the_unread_count_shows_in_the_header(client_for, mentor):
    do_notify(recipients=[mentor], kind="mention", title="有人@了您")
    text = client_for(mentor).get("/").content.decode()
    assert 'id="unread-count">1<' in text


def test_opening_a_notice_marks_it_read_and_follows_its_link(client_for, mentor):
    do_notify(recipients=[mentor], kind="mention", title="x", url="/programmes/")
    notice = Notice.objects.get()
    response = client_for(mentor).post(reverse("notifications:open", kwargs={"pk": notice.pk}))
    assert response["Location"] == "/programmes/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_nobody_opens_another_persons_notice(client_for, mentor, leader):
    do_notify(recipients=[mentor], kind="mention", title="x")
    notice = Notice.objects.get()
    assert (
        client_for(leader).post(reverse("notifications:open", kwargs={"pk": notice.pk})).status_code
        == 404
    )


def test_the_daily_digest_mails_unread_notices_once(mentor):
    mentor.email = "mentor@example.org"
    mentor.save()
    NoticePreference.objects.create(user=mentor, kind="review_assigned", email_digest=True)
    do_notify(recipients=[mentor], kind="review_assigned", title="评审任务", group_key="r")
    assert do_send_digests() == 1
    assert len(mail.outbox) == 1
    assert "评审任务" in mail.outbox[0].body
    assert do_send_digests() == 0


def test_preferences_are_saved_per_kind(client_for, mentor):
    client = client_for(mentor)
    response = client.post(reverse("notifications:preferences"), {"mention-email": "on"})
    assert response.status_code == 302
    pref = NoticePreference.objects.get(user=mentor, kind="mention")
    assert pref.email_digest and not pref.in_app
