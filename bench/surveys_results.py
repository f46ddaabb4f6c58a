"""Benchmark: a survey's results page with 20,000 responses per community in 400 communities.

Builds, in a throw-away database, `--communities` communities (default 400) each with its own
survey of the default questions and `--per-community` responses (default 20,000; about 5.6
answers each). One community's responses are made in Python; the others are copied in SQL
(`INSERT … SELECT` with shifted ids), which is how 8 million responses fit in minutes.

Then, in the same process and the same run, with Django's test client (server time, no
network): `/healthz` as the baseline, and the organiser's results page of randomly chosen
surveys; p50/p95 of each, the SQL queries per results page, and `results_by_community` for
every community at once. Writes bench/results/surveys_results_<vendor>.json.

    python bench/surveys_results.py [--communities 400] [--per-community 20000] [--requests 200]
    QJ_BENCH_DATABASE_URL=postgres://…/qj_surveys_bench python bench/surveys_results.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "results"


def build(communities: int, per_community: int, out) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from qiangji.lib.bulk import Adapter, allocate_ids, write_rows
    from qiangji.surveys import actions
    from qiangji.surveys.generate import ANSWER_COLUMNS, RESPONSE_COLUMNS
    from qiangji.surveys.models import Answer, Kind, Mode, Response
    from qiangji.territories.models import Kind as TKind
    from qiangji.territories.models import Territory

    started = time.perf_counter()
    rng = random.Random(7)  # noqa: S311 — sample data
    now = timezone.now()
    with transaction.atomic():
        city = Territory.objects.create(kind=TKind.CITY, name="压测市")
        district = Territory.objects.create(kind=TKind.DISTRICT, name="压测区", parent=city)
        subdistricts = [
            Territory.objects.create(
                kind=TKind.SUBDISTRICT, name=f"压测街道{i:02d}", parent=district
            )
            for i in range(max(1, communities // 10))
        ]
        places = [
            Territory.objects.create(
                kind=TKind.COMMUNITY,
                name=f"压测社区{i:03d}",
                parent=subdistricts[i % len(subdistricts)],
            )
            for i in range(communities)
        ]
        surveys = []
        for place in places:
            survey = actions.do_create_survey(
                title=f"{place.name}满意度测评",
                territory=place,
                mode=Mode.OPEN,
                opens_at=now - dt.timedelta(days=30),
                closes_at=now + dt.timedelta(days=30),
            )
            surveys.append((survey, list(survey.questions.order_by("order", "pk"))))
    out(f"territories and surveys: {time.perf_counter() - started:.1f} s")

    db = Adapter()
    first_survey, questions = surveys[0]
    first_place = places[0]
    texts = ["希望加装电梯", "停车位太少", "楼道灯经常坏", "多组织活动", "垃圾站气味大"]
    with transaction.atomic(), connection.cursor() as cursor:
        response_ids = allocate_ids(cursor, db.vendor, Response._meta.db_table, per_community)
        responses, answers, pending = [], [], []
        for rid in response_ids:
            values = {}
            for q in questions:
                if q.kind == Kind.SCALE:
                    values[q.pk] = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5))
                elif q.kind == Kind.SINGLE:
                    values[q.pk] = rng.choice((0, 1, 2))
                elif rng.random() < 0.3:
                    values[q.pk] = rng.choice(texts)
            derived = actions._derived(questions, values)
            responses.append(
                (
                    rid, first_survey.pk, first_place.pk, db.uuid(uuid.uuid4()), "x" * 64, "", "",
                    db.moment(now - dt.timedelta(seconds=rng.randrange(2_000_000))), "", True, "",
                    derived.get("gain"), derived.get("happiness"), derived.get("security"),
                    derived.get("senses_satisfied"), derived.get("aware"), derived.get("participated"),
                )
            )  # fmt: skip
            pending.append((rid, values))
        answer_ids = iter(
            allocate_ids(cursor, db.vendor, Answer._meta.db_table, sum(len(v) for _r, v in pending))
        )
        for rid, values in pending:
            for qid, value in values.items():
                text = value if isinstance(value, str) else ""
                answers.append(
                    (
                        next(answer_ids),
                        rid,
                        qid,
                        first_survey.pk,
                        first_place.pk,
                        True,
                        None if text else value,
                        text,
                    )
                )
        write_rows(cursor, db.vendor, Response._meta.db_table, RESPONSE_COLUMNS, responses)
        write_rows(cursor, db.vendor, Answer._meta.db_table, ANSWER_COLUMNS, answers)
    out(
        f"first community: {per_community:,} responses, {len(answers):,} answers, {time.perf_counter() - started:.1f} s"
    )

    # Copy the first community's rows to every other community's survey, shifting ids.
    rt, at = Response._meta.db_table, Answer._meta.db_table
    base_response = response_ids[0]
    answer_base = answers[0][0]
    span_r = per_community
    span_a = len(answers)
    first_qids = [q.pk for q in questions]
    rcols = ", ".join(RESPONSE_COLUMNS)
    for k, ((survey, qs), place) in enumerate(zip(surveys[1:], places[1:], strict=True), start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            r_off = allocate_ids(cursor, db.vendor, rt, span_r)[0] - base_response
            a_off = allocate_ids(cursor, db.vendor, at, span_a)[0] - answer_base
            select_r = rcols.replace(
                "id, survey_id, community_id, client_id",
                f"id + {r_off}, {survey.pk}, {place.pk}, client_id",
                1,
            )
            cursor.execute(
                f"INSERT INTO {rt} ({rcols}) SELECT {select_r} FROM {rt} WHERE survey_id = %s",  # noqa: S608
                [first_survey.pk],
            )
            case = " ".join(
                f"WHEN {old} THEN {new.pk}" for old, new in zip(first_qids, qs, strict=True)
            )
            cursor.execute(
                f"INSERT INTO {at} (id, response_id, question_id, survey_id, community_id, counted, value, text) "  # noqa: S608
                f"SELECT id + {a_off}, response_id + {r_off}, CASE question_id {case} END, {survey.pk}, {place.pk}, counted, value, text "
                f"FROM {at} WHERE survey_id = %s",
                [first_survey.pk],
            )
        if k % 20 == 0:
            out(f"copied {k + 1}/{communities} communities, {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "surveys": [s.pk for s, _q in surveys],
        "communities": [p.pk for p in places],
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def measure(client, path: str, n: int) -> dict:
    """Wall time and CPU time of this process (SQLite runs in it) per request, p50/p95/max.

    On a machine shared with other work, wall time includes waiting for a CPU; CPU time is
    what the request itself cost (for PostgreSQL it leaves out the database server's part).
    """
    times, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(path() if callable(path) else path)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert response.status_code == 200, response.status_code
    times.sort()
    cpu.sort()
    return {
        "requests": n,
        "p50_ms": round(times[n // 2] * 1000, 1),
        "p95_ms": round(times[int(0.95 * (n - 1))] * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
        "cpu_p50_ms": round(cpu[n // 2] * 1000, 1),
        "cpu_p95_ms": round(cpu[int(0.95 * (n - 1))] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=400)
    parser.add_argument("--per-community", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from _django_bench import setup_django

    with tempfile.TemporaryDirectory(prefix="qj-bench-surveys-results-") as tmp:
        os.environ["ALLOWED_HOSTS"] = "testserver"
        setup_django(Path(tmp))
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from qiangji.accounts.models import User
        from qiangji.surveys.interface import results_by_community

        built = build(args.communities, args.per_community, lambda line: print(line, flush=True))
        admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
        client = Client()
        client.force_login(admin)
        rng = random.Random(3)  # noqa: S311
        surveys = built["surveys"]

        def results_path():
            return f"/surveys/{rng.choice(surveys)}/results/"

        client.get("/healthz")
        client.get(results_path())
        load_before = os.getloadavg()
        baseline = measure(client, "/healthz", args.requests)
        page = measure(client, results_path, args.requests)
        load_after = os.getloadavg()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(results_path())
        started = time.perf_counter()
        figures = results_by_community(built["communities"])
        interface_seconds = time.perf_counter() - started
        assert len(figures) == args.communities
        report = {
            "benchmark": "surveys_results",
            "database": connection.vendor,
            "communities": args.communities,
            "responses_per_community": args.per_community,
            "responses": built["responses"],
            "answers": built["answers"],
            "build_seconds": built["build_seconds"],
            "baseline_healthz": baseline,
            "results_page": page,
            "results_page_queries": len(queries),
            "ratio_p95": round(page["p95_ms"] / max(baseline["p95_ms"], 0.01), 1),
            "results_by_community_all_seconds": round(interface_seconds, 2),
            "load_average_before_after": [round(x, 2) for x in (*load_before, *load_after)],
            "cpus": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        }
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"surveys_results_{connection.vendor}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(
            f"{connection.vendor}: {built['responses']:,} responses ({args.communities} × {args.per_community:,}), "
            f"{built['answers']:,} answers, built in {built['build_seconds']} s; load {report['load_average_before_after']}"
        )
        for name, figures in (("baseline /healthz", baseline), ("survey results page", page)):
            print(
                f"{name:22} wall p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms · "
                f"CPU p50 {figures['cpu_p50_ms']} ms  p95 {figures['cpu_p95_ms']} ms"
            )
        print(f"results page: {len(queries)} queries; target p95 < 150 ms")
        print(
            f"results_by_community({args.communities} communities): {interface_seconds * 1000:.0f} ms"
        )
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
