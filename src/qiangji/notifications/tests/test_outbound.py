"""Notices where people are: group robots (a fake webhook server on loopback) and SMS."""

import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from qiangji.lib.sealed import hint, seal, unseal
from qiangji.notifications import outbound
from qiangji.notifications.actions import do_notify
from qiangji.notifications.models import Channel, ChannelKind, Delivery, DeliveryState

pytestmark = pytest.mark.django_db


class FakeRobot(BaseHTTPRequestHandler):
    """A 企业微信/钉钉 robot on loopback: records each message, fails while told to."""

    received: list = []
    failures_left = 0

    def do_POST(self):  # noqa: N802 — http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRobot.received.append((self.path, body))
        if FakeRobot.failures_left:
            FakeRobot.failures_left -= 1
            self.send_response(502)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot(settings):
    FakeRobot.received, FakeRobot.failures_left = [], 0
    server = HTTPServer(("127.0.0.1", 0), FakeRobot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.QIANGJI_BASE_URL = "https://qiangji.example.org"
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    """do_notify, with the sends it schedules after commit run (as they are in production)."""

    def call(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return do_notify(**kwargs)

    return call


def _channel(world, kind, url="", *, territory=None, kinds=("ticket_dispatched",), secret=""):
    return Channel.objects.create(
        territory=territory or world.shiliuyuan,
        kind=kind,
        name="石榴园工作群",
        webhook_sealed=seal(url),
        webhook_hint=hint(url),
        secret_sealed=seal(secret),
        kinds=list(kinds),
    )


def test_a_notice_of_a_chosen_kind_reaches_the_communitys_wecom_robot(demo_world, robot, notify):
    _channel(demo_world, ChannelKind.WECOM, f"{robot}/cgi-bin/webhook/send?key=abc")
    notify(
        recipients=[demo_world.users["shiliuyuan"]],
        kind="ticket_dispatched",
        title="工单已派给你",
        url="/concerns/1/",
    )
    ((path, body),) = FakeRobot.received
    assert path == "/cgi-bin/webhook/send?key=abc"
    assert body["msgtype"] == "markdown"
    assert (
        body["markdown"]["content"]
        == "【强基】工单已派给你\nhttps://qiangji.example.org/concerns/1/"
    )
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_other_kinds_and_other_communities_do_not_reach_the_robot(demo_world, robot, notify):
    _channel(demo_world, ChannelKind.WECOM, f"{robot}/send?key=abc")
    notify(recipients=[demo_world.users["shiliuyuan"]], kind="mention", title="有人提到了你")
    notify(recipients=[demo_world.users["keershan"]], kind="ticket_dispatched", title="工单")
    assert FakeRobot.received == []
    assert not Delivery.objects.exists()


def test_a_subdistrict_robot_hears_about_every_community_below_it(demo_world, robot, notify):
    _channel(
        demo_world, ChannelKind.WECOM, f"{robot}/send?key=jd", territory=demo_world.subdistrict
    )
    notify(recipients=[demo_world.users["keershan"]], kind="ticket_dispatched", title="工单")
    assert len(FakeRobot.received) == 1


def test_dingtalk_messages_are_signed_with_the_robots_secret(demo_world, robot, notify):
    _channel(
        demo_world, ChannelKind.DINGTALK, f"{robot}/robot/send?access_token=t1", secret="SECabc"
    )
    notify(
        recipients=[demo_world.users["shiliuyuan"]], kind="ticket_dispatched", title="工单已派给你"
    )
    ((path, body),) = FakeRobot.received
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["t1"]
    stamp = int(query["timestamp"][0])
    expected = urllib.parse.parse_qs(
        urllib.parse.urlsplit(outbound.dingtalk_signed("x", "SECabc", now_ms=stamp)).query
    )
    assert query["sign"] == expected["sign"]
    assert body["markdown"]["title"] == "【强基】工单已派给你"


def test_a_failed_message_is_retried_with_backoff_then_shown_as_failed(demo_world, robot, notify):
    FakeRobot.failures_left = 99
    _channel(demo_world, ChannelKind.WECOM, f"{robot}/send?key=abc")
    notify(recipients=[demo_world.users["shiliuyuan"]], kind="ticket_dispatched", title="工单")
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 502")
    assert outbound.retry_due() == 0  # not yet: the first wait is a minute
    waits = []
    for _ in range(outbound.MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
        assert outbound.retry_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert waits == [1, 2, 4, 8]
    assert (delivery.state, delivery.attempts) == ("failed", outbound.MAX_ATTEMPTS)
    assert len(FakeRobot.received) == outbound.MAX_ATTEMPTS


def test_the_admin_sees_the_failure_and_a_retry_sends_it(
    demo_world, robot, client, notify, django_capture_on_commit_callbacks
):
    FakeRobot.failures_left = 99
    _channel(demo_world, ChannelKind.WECOM, f"{robot}/send?key=abc")
    notify(recipients=[demo_world.users["shiliuyuan"]], kind="ticket_dispatched", title="工单")
    Delivery.objects.update(state="failed", attempts=5)
    client.force_login(demo_world.users["jiedao"])
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "HTTP 502" in page and "…=abc" in page and "key=abc" not in page.replace("…=abc", "")
    FakeRobot.failures_left = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:delivery_retry", args=[Delivery.objects.get().pk])
        )
    assert response.status_code == 302
    assert Delivery.objects.get().state == "sent"


def test_an_admin_adds_a_robot_and_its_address_is_stored_sealed(demo_world, robot, client):
    client.force_login(demo_world.users["jiedao"])
    url = f"{robot}/cgi-bin/webhook/send?key=secret-key-123"
    response = client.post(
        reverse("notifications:channel_add"),
        {
            "territory": demo_world.shiliuyuan.pk,
            "kind": "wecom",
            "name": "石榴园群",
            "webhook_url": url,
            "kinds": ["ticket_dispatched", "work_overdue"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert "secret-key-123" not in channel.webhook_sealed
    assert unseal(channel.webhook_sealed) == url
    assert channel.webhook_hint == "…-123"
    response = client.post(reverse("notifications:channel_test", args=[channel.pk]))
    assert FakeRobot.received[-1][1]["markdown"]["content"].startswith("【强基】")


def test_a_robot_address_on_another_host_is_refused_clearly(demo_world, client):
    client.force_login(demo_world.users["jiedao"])
    response = client.post(
        reverse("notifications:channel_add"),
        {
            "territory": demo_world.shiliuyuan.pk,
            "kind": "wecom",
            "name": "x",
            "webhook_url": "https://evil.example/hook",
            "kinds": ["mention"],
        },
    )
    assert response.status_code == 400
    assert "qyapi.weixin.qq.com" in response.content.decode()
    assert not Channel.objects.exists()


def test_sms_goes_to_the_people_concerned_and_no_number_is_logged(demo_world, caplog, notify):
    secretary = demo_world.users["shiliuyuan"]
    secretary.mobile = "13812345678"
    secretary.save(update_fields=["mobile"])
    _channel(demo_world, ChannelKind.SMS, kinds=("work_overdue",))
    outbound.LoggingSms.sent.clear()
    with caplog.at_level(logging.DEBUG):
        notify(
            recipients=[secretary, demo_world.users["keershan"]],
            kind="work_overdue",
            title="工单已超期",
        )
    assert outbound.LoggingSms.sent == [("138****5678", "【强基】工单已超期")]
    assert Delivery.objects.get().recipient == secretary
    assert "13812345678" not in caplog.text
    assert "138****5678" in caplog.text


def test_the_aliyun_adapter_signs_its_request_as_the_provider_documents():
    gateway = outbound.AliyunSms()
    gateway.key_secret = "testsecret"
    # The worked example of Alibaba Cloud's RPC signature v1 documentation.
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert gateway.signed_query(params).startswith("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D&")


def test_an_unconfigured_sms_provider_fails_clearly():
    with pytest.raises(outbound.SendError, match="not configured"):
        outbound.AliyunSms().send(phone="13812345678", text="x", kind="x")
