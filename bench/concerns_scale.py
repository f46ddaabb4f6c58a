"""Scale: N synthetic concerns across a city of 400 communities, built from real fragments.

Stages (each prints its figure beside its target):

1. clustering: the topic pipeline (segmentation, TF-IDF, LSA, mini-batch k-means, 50 topics)
   on all N texts — wall time and peak memory of this process (target: 5 min, 4 GB at 1 M);
2. arrivals: 1,000 new concerns routed (model trained on labelled_dev) and assigned to the
   fitted topics (target: 2 s);
3. lists: N concerns and tickets bulk-loaded into a fresh database; a community's top-10
   lists and the filtered concern list requested 200 times each — p95 server time and
   SQL queries per request (target: 50 ms p95, constant queries);
4. import: an XLSX of --import-rows rows through the platform's importer (target: 100,000
   rows in 60 s).

Texts are made of clauses cut from messages.jsonl and messages_with_replies.jsonl
(never stored). The database is a temporary SQLite file unless --database-url (or
QJ_BENCH_DATABASE_URL) names a PostgreSQL scratch database, which is dropped and created
afresh (its name must contain "bench").

The import stage prints its figure beside baselines from the same run: the bare read of the
same XLSX with python-calamine (a floor no importer beats), and with --baseline-commit the
previous importer — this benchmark run from `git archive COMMIT bench src` in a subprocess,
on its own fresh database, right before the current one. Each figure carries the machine's
load average (it is shared).

    .venv/bin/python bench/concerns_scale.py --n 100000 --import-rows 5000
    .venv/bin/python bench/concerns_scale.py --n 1000000 --stages clustering,arrivals
    .venv/bin/python bench/concerns_scale.py --n 4000 --stages import --import-rows 100000 \
        --baseline-commit 3a1dc10 [--database-url postgres://postgres@127.0.0.1:5432/qj_bench_import]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _concerns_common import DATA, ROOT, read_jsonl, require_data, write_result

COMMUNITIES = 400
COMPOUNDS_PER_COMMUNITY = 5


def fragments() -> list[str]:
    """Return clauses of 4–30 characters cut from the real messages."""
    pieces: set[str] = set()
    for name in ("messages.jsonl", "messages_with_replies.jsonl"):
        for row in read_jsonl(name):
            for piece in re.split(
                r"[，。！？；;,!?\s]+", f"{row.get('title') or ''}。{row.get('detail') or ''}"
            ):
                if 4 <= len(piece) <= 30:
                    pieces.add(piece)
    return sorted(pieces)


def generate(n: int, pieces: list[str], *, seed: int = 0) -> list[tuple[int, int, str]]:
    """Return n (community index, compound index, text) made of 2–3 real clauses."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        community = i % COMMUNITIES
        compound = rng.randrange(COMPOUNDS_PER_COMMUNITY)
        text = "，".join(rng.sample(pieces, rng.randint(2, 3))) + "。"
        out.append((community, compound, f"示例{compound + 1}区{text}"))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def stage_clustering(texts: list[str]) -> tuple[dict, object]:
    from qiangji.concerns.analysis.topics import TopicModel, topic_terms

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    terms = [topic_terms(t) for t in texts]
    segmented = time.perf_counter() - started
    model = TopicModel(50).fit(texts, terms=terms)
    seconds = time.perf_counter() - started
    del terms
    result = {
        "n": len(texts),
        "seconds": round(seconds, 1),
        "segmentation_seconds": round(segmented, 1),
        "peak_rss_mb": round(peak_rss_mb(), 0),
        "peak_rss_before_mb": round(rss_before, 0),
        "topics": len(model.topics),
        "target": "≤ 300 s and ≤ 4096 MB at 1,000,000",
    }
    print(
        f"clustering {len(texts):,} texts: {seconds:.1f} s (segmentation {segmented:.1f} s), "
        f"peak RSS {result['peak_rss_mb']:.0f} MB, {len(model.topics)} topics"
    )
    return result, model


def stage_arrivals(new_texts: list[str], topic_model) -> dict:
    from qiangji.concerns.analysis.routing import RoutingModel

    rows = read_jsonl("labelled_dev.jsonl")
    router = RoutingModel().fit(
        [r["text"] for r in rows], [r["label"] for r in rows], calibrate=False
    )
    started = time.perf_counter()
    routes = router.predict(new_texts)
    assigned = topic_model.assign(new_texts)
    seconds = time.perf_counter() - started
    joined = sum(1 for number, _ in assigned if number is not None)
    print(
        f"arrivals: {len(new_texts)} routed and assigned in {seconds:.2f} s "
        f"({joined} joined a topic; first route {routes[0].category} {routes[0].confidence})"
    )
    return {
        "n": len(new_texts),
        "seconds": round(seconds, 3),
        "joined_topic": joined,
        "target_seconds": 2.0,
    }


def load_average() -> float:
    """Return the 1-minute load average (the machine is shared by several engineers)."""
    return round(os.getloadavg()[0], 2)


def fresh_postgres(url: str) -> str:
    """Drop and create the scratch database that url names; return url."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop {name!r}: a scratch database name must contain 'bench'")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def setup_database(var_dir: Path) -> None:
    os.environ["QIANGJI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    os.environ["DATABASE_URL"] = os.environ.get(
        "QJ_BENCH_DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}"
    )
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def load_city(rows: list[tuple[int, int, str]]):
    """Bulk-load a city of 400 communities and the concerns with their tickets."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from qiangji.concerns.analysis.priority import priority
    from qiangji.concerns.models import Category, Concern, Ticket
    from qiangji.concerns.search import document_tokens
    from qiangji.lib.text import normalise_for_search
    from qiangji.territories.models import Kind, Territory

    city = Territory.objects.create(kind=Kind.CITY, name="示例市")
    district = Territory.objects.create(kind=Kind.DISTRICT, name="示例区", parent=city)
    subdistricts = [
        Territory.objects.create(kind=Kind.SUBDISTRICT, name=f"示例街道{i:02d}", parent=district)
        for i in range(20)
    ]
    communities, compounds = [], []
    for i in range(COMMUNITIES):
        community = Territory.objects.create(
            kind=Kind.COMMUNITY, name=f"示例社区{i:03d}", parent=subdistricts[i % 20]
        )
        communities.append(community)
        compounds.append(
            [
                Territory.objects.create(
                    kind=Kind.COMPOUND, name=f"示例{j + 1}区", parent=community
                )
                for j in range(COMPOUNDS_PER_COMMUNITY)
            ]
        )
    categories = list(Category.objects.all())
    now = timezone.now()
    rng = random.Random(1)
    started = time.perf_counter()
    batch = 20_000
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        concerns = []
        for community, compound, text in chunk:
            age = rng.random() * 60
            p = priority(
                text=text, residents=rng.randint(1, 4), me_too=rng.randint(0, 5), age_days=age
            )
            concerns.append(
                Concern(
                    community=communities[community],
                    compound=compounds[community][compound],
                    channel="import",
                    text=text,
                    search_text=normalise_for_search(text),
                    search_tokens=document_tokens(text),
                    category=rng.choice(categories),
                    category_confidence=0.5,
                    residents=p.residents,
                    me_too_count=p.me_too,
                    urgency_factors=list(p.factors),
                    care_score=p.care,
                    urgency_score=p.urgency,
                    priority_score=p.score,
                    reported_at=now - dt.timedelta(days=age),
                    closed_at=(now if rng.random() < 0.6 else None),
                )
            )
        with transaction.atomic():
            Concern.objects.bulk_create(concerns, batch_size=2000)
            Ticket.objects.bulk_create(
                [
                    Ticket(
                        concern=c,
                        deadline_at=c.reported_at + dt.timedelta(days=7),
                        state="closed" if c.closed_at else "accepted",
                    )
                    for c in concerns
                ],
                batch_size=2000,
            )
    print(f"loaded {len(rows):,} concerns and tickets in {time.perf_counter() - started:.1f} s")
    return communities


def stage_lists(communities) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qiangji.accounts.models import User
    from qiangji.concerns.views import top_lists

    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    rng = random.Random(2)
    results = {}
    for name, call in (
        ("baseline_home_page", lambda c: client.get("/")),
        ("top_lists_function", lambda c: top_lists(c)),
        ("top_page", lambda c: client.get(f"/concerns/top/?territory={c.pk}")),
        (
            "list_page_filtered",
            lambda c: client.get(f"/concerns/?territory={c.pk}&state=open&order=priority"),
        ),
        ("list_page_search", lambda c: client.get(f"/concerns/?territory={c.pk}&q=噪音")),
        # The whole city (the administrator's home scope): what the full-text index is for.
        ("list_page_search_city", lambda c: client.get("/concerns/?q=噪音")),
    ):
        times, queries = [], set()
        for _ in range(200):
            community = rng.choice(communities)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = call(community)
                times.append((time.perf_counter() - started) * 1000)
            if hasattr(response, "status_code") and response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
            queries.add(len(ctx.captured_queries))
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95(times), 1),
            "queries": sorted(queries),
            "target_p95_ms": 50,
        }
        print(
            f"{name:<20} p50 {results[name]['p50_ms']:6.1f} ms  p95 {results[name]['p95_ms']:6.1f} ms  "
            f"queries per request {sorted(queries)}"
        )
    return results


def import_file(pieces: list[str], rows_n: int) -> bytes:
    """Return the XLSX the import stage reads (the same file for every importer measured)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["留言编号", "留言主题", "留言时间", "留言详情", "点赞数"])
    rng = random.Random(3)
    for i in range(rows_n):
        sheet.append(
            [
                f"x{i}",
                rng.choice(pieces),
                "2026/3/1 10:00:00",
                "，".join(rng.sample(pieces, 2)),
                rng.randint(0, 9),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_floor(content: bytes) -> float:
    """Return the seconds python-calamine takes to read the file's first sheet (no checks)."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - started
    assert len(rows) > 1
    return seconds


def stage_import(communities, pieces: list[str], rows_n: int) -> dict:
    from qiangji.concerns import importing
    from qiangji.concerns.actions import do_run_import
    from qiangji.concerns.models import ImportBatch

    content = import_file(pieces, rows_n)
    floor = read_floor(content)
    community = communities[0]
    batch = ImportBatch.objects.create(
        community=community,
        source="bench",
        filename="bench.xlsx",
        content=content,
        mapping={
            "external_id": "留言编号",
            "title": "留言主题",
            "reported_at": "留言时间",
            "text": "留言详情",
            "likes": "点赞数",
        },
    )
    load_before = load_average()
    started = time.perf_counter()
    do_run_import(batch=batch)
    seconds = time.perf_counter() - started
    load_after = load_average()
    batch.refresh_from_db()
    rate = rows_n / seconds
    steps = getattr(importing, "TIMER", None)
    steps = {k: round(v, 1) for k, v in steps.seconds.items()} if steps is not None else {}
    if steps:
        print("  steps: " + ", ".join(f"{k} {v} s" for k, v in steps.items()))
    print(f"baseline: python-calamine alone reads the same file in {floor:.1f} s")
    print(
        f"import {rows_n:,} XLSX rows: {seconds:.1f} s ({rate:.0f} rows/s, {batch.created_rows} added); "
        f"100,000 rows would take ≈ {100_000 / rate:.0f} s (target 60 s); "
        f"load average {load_before} before, {load_after} after"
    )
    return {
        "rows": rows_n,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rate),
        "created": batch.created_rows,
        "duplicates": batch.duplicate_rows,
        "rejected": len(batch.rejects),
        "extrapolated_100k_seconds": round(100_000 / rate),
        "target_100k_seconds": 60,
        "steps_seconds": steps,
        "baseline_calamine_read_seconds": round(floor, 2),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


_IMPORT_LINE = re.compile(r"import ([\d,]+) XLSX rows: ([\d.]+) s \((\d+) rows/s, (\d+) added\)")


def baseline_import(commit: str, args, database_url: str | None) -> dict:
    """Run this benchmark's import stage as it was at commit, in a subprocess; return its figure."""
    folder = Path(tempfile.mkdtemp(prefix="qj-import-before-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "bench", "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    env = {**os.environ, "QJ_LIUYAN_DIR": str(DATA)}
    env.pop("QJ_BENCH_DATABASE_URL", None)
    if database_url:
        env["QJ_BENCH_DATABASE_URL"] = fresh_postgres(database_url)
    command = [
        sys.executable,
        str(folder / "bench" / "concerns_scale.py"),
        "--n",
        str(args.n),
        "--stages",
        "import",
        "--import-rows",
        str(args.import_rows),
    ]
    load_before = load_average()
    print(f"baseline: the importer of {commit} (load average {load_before}) …", flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    load_after = load_average()
    shutil.rmtree(folder, ignore_errors=True)
    match = _IMPORT_LINE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"the baseline run failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    seconds = float(match.group(2))
    print(
        f"baseline: the importer of {commit}: {seconds:.1f} s for {args.import_rows:,} rows "
        f"({match.group(3)} rows/s, {match.group(4)} added); "
        f"load average {load_before} before, {load_after} after"
    )
    return {
        "commit": commit,
        "seconds": seconds,
        "rows_per_second": int(match.group(3)),
        "created": int(match.group(4)),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=5_000)
    parser.add_argument("--stages", default="clustering,arrivals,lists,import")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("QJ_BENCH_DATABASE_URL", ""),
        help="a PostgreSQL scratch database (dropped and created; its name must contain 'bench')",
    )
    parser.add_argument(
        "--baseline-commit",
        default="",
        help="also run the import stage of this commit first (git archive), on a fresh database",
    )
    args = parser.parse_args()
    stages = set(args.stages.split(","))
    require_data("messages.jsonl", "messages_with_replies.jsonl", "labelled_dev.jsonl")
    baseline = None
    if args.baseline_commit and "import" in stages:
        before_url = ""
        if args.database_url:
            parts = urlsplit(args.database_url)
            before_url = urlunsplit(parts._replace(path=parts.path + "_before"))
        baseline = baseline_import(args.baseline_commit, args, before_url or None)
    if args.database_url:
        os.environ["QJ_BENCH_DATABASE_URL"] = fresh_postgres(args.database_url)
    var_dir = Path(tempfile.mkdtemp(prefix="qj-concerns-scale-"))
    setup_database(var_dir)
    pieces = fragments()
    rows = generate(args.n, pieces)
    print(
        f"{len(pieces):,} real fragments; {args.n:,} synthetic concerns over {COMMUNITIES} communities (data: {DATA})"
    )
    result: dict = {"n": args.n}
    model = None
    if stages & {"clustering", "arrivals"}:
        result["clustering"], model = stage_clustering([r[2] for r in rows])
    if "arrivals" in stages:
        result["arrivals"] = stage_arrivals(
            [t for _, _, t in generate(1000, pieces, seed=99)], model
        )
    if stages & {"lists", "import"}:
        communities = load_city(rows)
        if "lists" in stages:
            result["lists"] = stage_lists(communities)
        if "import" in stages:
            result["import"] = stage_import(communities, pieces, args.import_rows)
            result["import"]["database"] = connection_vendor()
            if baseline is not None:
                result["import"]["baseline_previous_importer"] = baseline
                print(
                    f"import {args.import_rows:,} rows ({connection_vendor()}): "
                    f"{result['import']['seconds']:.1f} s beside {baseline['seconds']:.1f} s "
                    f"with the importer of {baseline['commit']} "
                    f"(×{baseline['seconds'] / result['import']['seconds']:.2f})"
                )
    name = f"concerns_scale_{args.n}_" + "_".join(
        s for s in ("clustering", "arrivals", "lists", "import") if s in stages
    )
    if args.database_url:
        name += "_postgresql"
    print(f"written {write_result(name, result)}")
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
