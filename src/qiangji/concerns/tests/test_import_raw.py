"""The import's raw-SQL path (`importing.store_items`) against the ORM path it replaced.

`_orm_bulk_file` is `actions.do_bulk_file_concerns` as it was before the raw path (commit
fd62778): Django model instances and `bulk_create`. Both run on the same database state (each
inside a transaction that is rolled back) and must leave exactly the same rows: concerns with
every column, near-duplicate links, tickets, first events, the full-text index.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.concerns import actions, importing
from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.analysis import dedup
from qiangji.concerns.models import (
    Category,
    Channel,
    Concern,
    DeadlineRule,
    ImportBatch,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketKind,
    TicketState,
    person_key,
)
from qiangji.concerns.search import document_tokens
from qiangji.concerns.tests.synthetic import labelled_set
from qiangji.lib.text import has_meaningful_text, normalise, normalise_for_search


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


@transaction.atomic
def _orm_bulk_file(*, community, items, source, by=None):
    """The previous `do_bulk_file_concerns` (ORM, bulk_create), kept as the reference."""
    refused, valid = [], []
    for item in items:
        try:
            item["text"] = actions.validate_text(item["text"] or item["title"])
        except actions.ConcernError as exc:
            refused.append({"line": item["line"], "error": str(exc), "raw": item["raw"]})
            continue
        item["title"] = (item["title"] or "").replace("\x00", "").strip()[:200]
        valid.append(item)
    if not valid:
        return 0, refused
    texts = [f"{it['title']} {it['text']}" for it in valid]
    to_route = [i for i, it in enumerate(valid) if it["category"] is None]
    for i, route in zip(to_route, actions.route_texts([texts[i] for i in to_route]), strict=True):
        valid[i]["route"] = route
    candidates = list(
        Concern.objects.filter(community=community)
        .open()
        .roots()
        .order_by("-reported_at")
        .values_list("pk", "title", "text")[: actions.DUPLICATE_WINDOW]
    )
    groups = dedup.group_near_duplicates(
        [f"{title} {text}" for _pk, title, text in candidates] + texts
    )
    group_root: dict[int, Concern] = {}
    for (pk, _title, _text), group in zip(candidates, groups, strict=False):
        group_root.setdefault(group, Concern(pk=pk))
    now = timezone.now()
    roots, followers = [], []
    for index, item in enumerate(valid):
        category, confidence, by_staff = item["category"], 1.0, True
        if category is None:
            (category, confidence), by_staff = item["route"], False
        concern = Concern(
            community=community,
            compound=item["compound"],
            channel=Channel.IMPORT,
            title=item["title"],
            text=item["text"],
            reporter_key=person_key(f"import:{source}:{item['external_id']}"),
            likes=min(max(int(item["likes"] or 0), 0), actions.MAX_LIKES),
            source=source,
            external_id=item["external_id"],
            created_by=by if getattr(by, "is_authenticated", False) else None,
            reported_at=item["reported_at"] or now,
            category=category,
            category_confidence=confidence,
            category_by_staff=by_staff,
        )
        concern.search_text = normalise_for_search(texts[index])
        concern.search_tokens = document_tokens(concern.search_text, normalised=True)
        actions.refresh_priority(concern, save=False)
        group = groups[len(candidates) + index]
        if group in group_root:
            followers.append((concern, group))
        else:
            group_root[group] = concern
            roots.append(concern)
    Concern.objects.bulk_create(roots, batch_size=500)
    for concern, group in followers:
        concern.duplicate_of = group_root[group]
    Concern.objects.bulk_create([c for c, _ in followers], batch_size=500)
    stored = roots + [c for c, _ in followers]
    hours = {kind: DeadlineRule.hours_for(kind) for kind in TicketKind.values}
    tickets = []
    for concern in stored:
        kind = actions._ticket_kind(f"{concern.title} {concern.text}")
        tickets.append(
            Ticket(
                concern=concern,
                kind=kind,
                deadline_at=concern.reported_at + dt.timedelta(hours=hours[kind]),
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=500)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=t,
                action=TicketAction.ACCEPT,
                to_state=TicketState.ACCEPTED,
                by=t.concern.created_by,
                note=_("Filed via %(channel)s") % {"channel": Channel.IMPORT.label},
                at=now,
            )
            for t in tickets
        ],
        batch_size=500,
    )
    actions._regroup_many(group_root[g].pk for _concern, g in followers)
    return len(stored), refused


class _Rollback(Exception):
    pass


SKIPPED = {"id", "created_at", "updated_at"}
QUERIES = ("电梯", "電梯 坏", "车位", "噪音", "ｋ２３", "垃圾桶", "水管", "楼道灯")


def _snapshot(community) -> dict:
    """Every row the import touched, keyed by external id (or text), without ids or clocks."""
    key = {
        pk: ext or text
        for pk, ext, text in Concern.objects.filter(community=community).values_list(
            "pk", "external_id", "text"
        )
    }
    concerns, tickets = {}, {}
    fields = [f for f in Concern._meta.concrete_fields if f.name not in SKIPPED]
    for concern in Concern.objects.filter(community=community).select_related("ticket"):
        row = {f.attname: getattr(concern, f.attname) for f in fields}
        row["duplicate_of_id"] = key.get(concern.duplicate_of_id)
        concerns[key[concern.pk]] = row
        ticket = concern.ticket
        tickets[key[concern.pk]] = {
            **{
                f.attname: getattr(ticket, f.attname)
                for f in Ticket._meta.concrete_fields
                if f.name not in SKIPPED | {"concern"}
            },
            "events": [
                (e.action, e.from_state, e.to_state, e.note, e.by_id)
                for e in ticket.events.order_by("pk")
            ],
        }
    found = {
        q: sorted(
            key[pk]
            for pk in Concern.objects.filter(community=community)
            .search(q)
            .values_list("pk", flat=True)
        )
        for q in QUERIES
    }
    return {"concerns": concerns, "tickets": tickets, "search": found}


def _run(store, community, items, source="12345", by=None):
    """Return (stored, refused, snapshot) of one store function; its writes are rolled back."""
    result = {}
    try:
        with transaction.atomic():
            copies = [dict(item) for item in items]
            result["stored"], result["refused"] = store(
                community=community, items=copies, source=source, by=by
            )
            result["snapshot"] = _snapshot(community)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _items(community, n: int = 60, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    compound = community.children.filter(kind="compound").first()
    categories = list(Category.objects.all()[:3])
    texts, _labels = labelled_set(max(1, n // 13) + 1, seed=seed)
    base = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    items = []
    for i, text in enumerate(texts[:n]):
        items.append(
            {
                "line": i + 2,
                "raw": [str(i), text],
                "title": rng.choice(["", "标题", "電梯問題", "ＡＢＣ物业"]),
                "text": text,
                "compound": compound if i % 3 == 0 else None,
                "reported_at": base + dt.timedelta(hours=i),
                "likes": rng.choice([0, 1, 7, 10**9]),
                "category": categories[i % 3] if i % 7 == 0 else None,
                "external_id": f"r{i}",
            }
        )
    special = [
        ("", "石榴园示例一区3栋電梯又壞了，老人下不了樓！", None),  # joins the existing one
        ("", "广场舞声音太大，晚上睡不着觉", None),
        ("", "广场舞声音太大了，晚上睡不着觉啊", None),  # near-duplicate within the file
        ("", "😡😡", None),  # refused: no words
        ("", "电" * 5001, None),  # refused: too long
        ("只有标题的诉求", "", None),  # the title stands in for the text
        ("", "地下室水管\x00爆裂漏水，K23小区", None),  # NUL removed
        ("", "楼道灯不亮，\u200b请物业修理", "now"),  # reported now
        ("", "ＡＢＣ小区垃圾桶满了没人清运", None),
    ]
    for j, (title, text, when) in enumerate(special):
        items.append(
            {
                "line": 100 + j,
                "raw": [title, text[:20]],
                "title": title,
                "text": text,
                "compound": None,
                "reported_at": None if when else base - dt.timedelta(days=j),
                "likes": j,
                "category": None,
                "external_id": f"s{j}",
            }
        )
    return items


def _same(a: dict, b: dict) -> None:
    assert a["stored"] == b["stored"] and a["refused"] == b["refused"]
    sa, sb = a["snapshot"], b["snapshot"]
    assert sa["search"] == sb["search"]
    assert sa["tickets"].keys() == sb["tickets"].keys()
    for key, ticket in sa["tickets"].items():
        other = sb["tickets"][key]
        if key == "s7":  # reported "now": the clocks of the two runs differ
            ticket, other = dict(ticket), dict(other)
            assert abs(ticket.pop("deadline_at") - other.pop("deadline_at")).total_seconds() < 60
        assert ticket == other, key
    assert sa["concerns"].keys() == sb["concerns"].keys()
    for key, row in sa["concerns"].items():
        other = sb["concerns"][key]
        if key == "s7":
            row, other = dict(row), dict(other)
            for name in ("reported_at", "last_reported_at"):
                first, second = row.pop(name), other.pop(name)
                assert (first is None) == (second is None)
                assert first is None or abs(first - second).total_seconds() < 60
        assert row == other, key


def test_the_raw_path_stores_exactly_the_rows_of_the_orm_path(community, shiliuyuan_secretary):
    do_file_concern(
        community=community, text="石榴园示例一区3栋电梯又坏了，老人下不了楼", person="a"
    )
    do_file_concern(community=community, text="晚上停车位太少，乱停车严重", person="b")
    actions.route_texts(["预热"])  # the taxonomy exists before either run
    items = _items(community)
    before = _run(_orm_bulk_file, community, items, by=shiliuyuan_secretary)
    after = _run(actions.do_bulk_file_concerns, community, items, by=shiliuyuan_secretary)
    assert after["stored"] == len(items) - 2 and len(after["refused"]) == 2
    _same(before, after)
    # The imported concerns are found, and grouped with the concern filed before.
    snapshot = after["snapshot"]
    assert (
        snapshot["concerns"]["s0"]["duplicate_of_id"] == "石榴园示例一区3栋电梯又坏了，老人下不了楼"
    )
    assert snapshot["concerns"]["s2"]["duplicate_of_id"] == "s1"
    assert "s6" in snapshot["search"]["水管"] and "s8" in snapshot["search"]["垃圾桶"]
    assert snapshot["concerns"]["s0"]["reporter_id"] is None  # no personal data on import


def _chunked(store, size: int = 9):
    """A store function that files the items in chunks, as `do_run_import` does."""

    def run(*, community, items, source, by=None):
        stored, refused, compact_of = 0, [], {}
        for start in range(0, len(items), size):
            extra = {"compact_of": compact_of} if store is actions.do_bulk_file_concerns else {}
            added, bad = store(
                community=community,
                items=items[start : start + size],
                source=source,
                by=by,
                **extra,
            )
            stored += added
            refused += bad
        return stored, refused

    return run


def test_the_raw_path_matches_the_orm_path_chunk_by_chunk(community):
    do_file_concern(community=community, text="广场舞声音太大，晚上睡不着觉", person="a")
    actions.route_texts(["预热"])
    items = _items(community, n=50, seed=8)
    items += [dict(item, external_id=f"again-{item['external_id']}") for item in items[::4]]
    _same(
        _run(_chunked(_orm_bulk_file), community, items),
        _run(_chunked(actions.do_bulk_file_concerns), community, items),
    )


def test_the_raw_path_matches_with_a_trained_routing_model(community):
    texts, labels = labelled_set(4, seed=3)
    for text, label in zip(texts, labels, strict=True):
        concern = do_file_concern(community=community, text=text)
        Concern.objects.filter(pk=concern.pk).update(
            category=Category.objects.get(name=label), category_by_staff=True
        )
    Concern.objects.update(closed_at=timezone.now())  # no open candidates from these
    assert actions.do_train_routing() is not None
    items = _items(community, n=40, seed=9)
    _same(
        _run(_orm_bulk_file, community, items),
        _run(actions.do_bulk_file_concerns, community, items),
    )


def test_the_helpers_equal_the_library_functions():
    rng = random.Random(1)
    texts, _ = labelled_set(8, seed=2)
    tricky = [
        "",
        " ",
        "😡😡",
        "\u200b\u200b",
        "ＡＢＣ",
        "_",
        "__init__ 电梯",
        "電梯壞了",
        "\x00\x01",
        "①②",
        "١٢٣",
        "ǅ",
        "K23幸福家园停車位不夠，ＡＢＣ物業",
        "\ue000私用区",
        "a\u0301",
        "İstanbul",
    ]
    for text in tricky + texts:
        assert importing.is_meaningful(text) == has_meaningful_text(text), text
        lower = normalise_for_search(text)
        assert importing.search_tokens(lower) == document_tokens(lower, normalised=True), text
        assert importing.compact(lower) == dedup._compact(text), text
    pool = texts + [t + "！谢谢" for t in rng.sample(texts, 30)] + tricky
    rng.shuffle(pool)
    assert importing.group_compact(
        [importing.compact(normalise_for_search(t)) for t in pool]
    ) == dedup.group_near_duplicates(pool)
    docs = [importing.compact(normalise_for_search(t)) for t in pool if len(t) > 3]
    ours, theirs = importing.tfidf_rows(docs), dedup._vectorizer().fit_transform(docs)
    difference = abs((ours @ ours.T).toarray() - (theirs @ theirs.T).toarray()).max()
    assert difference < 1e-5
    assert importing.tfidf_rows(["", "a"]) is None
    assert importing.group_compact(["", "a", "b"]) == [0, 1, 2]


def test_every_column_is_written():
    assert set(importing.CONCERN_COLUMNS) == {f.column for f in Concern._meta.concrete_fields}
    assert set(importing.TICKET_COLUMNS) == {f.column for f in Ticket._meta.concrete_fields}
    assert set(importing.EVENT_COLUMNS) == {
        f.column for f in TicketEvent._meta.concrete_fields if f.name != "id"
    }


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reimport_is_idempotent_and_ids_stay_consistent(community, monkeypatch):
    monkeypatch.setattr(actions, "IMPORT_CHUNK", 7)
    texts, _ = labelled_set(3, seed=4)
    header = ["留言编号", "留言主题", "留言时间", "留言详情", "点赞数"]
    body = [[f"m{i}", "", "2026/3/1 10:00:00", t, i] for i, t in enumerate(texts)]
    body.append(["bad", "", "not a date", "路灯坏了", 0])
    mapping = {
        "external_id": "留言编号",
        "title": "留言主题",
        "reported_at": "留言时间",
        "text": "留言详情",
        "likes": "点赞数",
    }
    progress = []
    store = importing.store_items

    def watched(**kwargs):
        progress.append(
            ImportBatch.objects.order_by("-pk").values_list("processed_rows", flat=True).first()
        )
        return store(**kwargs)

    monkeypatch.setattr(importing, "store_items", watched)

    def run() -> ImportBatch:
        batch = ImportBatch.objects.create(
            community=community,
            source="board",
            filename="b.xlsx",
            content=_xlsx([header, *body]),
            mapping=mapping,
        )
        actions.do_run_import(batch=batch)
        batch.refresh_from_db()
        return batch

    first = run()
    assert first.state == "done" and first.created_rows == len(texts)
    assert [r["line"] for r in first.rejects] == [len(texts) + 2]
    # The progress bar moved chunk by chunk (7 rows a chunk, the rejected row counted first).
    assert progress[:3] == [1, 8, 15]
    assert Concern.objects.filter(source="board").count() == len(texts)
    assert Ticket.objects.filter(concern__source="board").count() == len(texts)
    assert TicketEvent.objects.filter(ticket__concern__source="board").count() == len(texts)
    second = run()
    assert second.created_rows == 0 and second.duplicate_rows == len(texts)
    assert Concern.objects.filter(source="board").count() == len(texts)
    # An interrupted import: the last rows are gone, a re-run adds exactly those.
    last = Concern.objects.filter(source="board").order_by("-pk")[:5]
    gone = set(Concern.objects.filter(pk__in=last).values_list("external_id", flat=True))
    Concern.objects.filter(external_id__in=gone).delete()
    third = run()
    assert third.created_rows == 5 and third.duplicate_rows == len(texts) - 5
    assert set(Concern.objects.filter(source="board").values_list("external_id", flat=True)) == {
        f"m{i}" for i in range(len(texts))
    }
    # Ids allocated by the import never clash with later inserts through the ORM.
    later = do_file_concern(community=community, text="新的诉求：楼道灯坏了")
    assert later.pk > Concern.objects.filter(source="board").order_by("-pk").first().pk
    assert later.ticket.pk > Ticket.objects.exclude(pk=later.ticket.pk).order_by("-pk").first().pk
    # Search finds imported rows, on both databases' indexes.
    assert Concern.objects.filter(source="board").search("电梯").exists() == any(
        "电梯" in t for t in texts
    )
    assert connection.vendor in ("sqlite", "postgresql")


def test_keyword_routing_matches_route_texts(db):
    texts, _ = labelled_set(6, seed=12)
    texts += ["", "电梯电梯停车", "停車位不夠，電梯壞了", "噪音 噪音 电梯", "😡"]
    Category.objects.create(name="重复词", keywords="电梯 电梯 噪音", order=99)
    expected = actions.route_texts(texts)
    assert actions.active_routing_model() is None
    assert importing.route(texts, [normalise(t) for t in texts]) == expected
