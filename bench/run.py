"""Benchmark of the main pages at national scale (issue 9, item 5).

    python -m bench.run [--sizes 15 1500] [--requests 100] [--warmup 10]

The scale data of the prefix is removed first; then for each size, in increasing order,
`demo.scale.seed_scale` brings the database to that number of CPTS and each page is
requested through Django's test client by the kind of user who opens it in real life: the
coordinator, the bureau member, the DD ARS reviewer of the project's département, the
regional and the national analyst. The project measured is always `scale-0001` (under
contract: 5 years of results, every record a project gathers), so that both sizes measure the
same page and only the rest of the database grows.

Per page and size: p50 and p95 over `--requests` timed requests after `--warmup` untimed
ones (with the median time spent in the database), and the SQL queries of one more request
(CaptureQueriesContext). Writes
bench/results.json (a list of {"page", "size", "p50_ms", "p95_ms", "queries"}) and
bench/details.json (seed times, URLs, the SQL of each page, the environment); bench.report
turns them into bench/RESULTS.md.

Run it on a database of its own (the Makefile's `bench` target uses cpts_bench), with DEBUG
off: it resets the scale data of the prefix.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
MEASURED = 1  # scale-0001: under contract, in the first département


def _environment() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # as in .env.example (production)
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("AXES_ENABLED", "true")
    import django

    django.setup()


# (page, URL, who opens it, note).
def _pages(project, fiche_number: int) -> list[tuple[str, str, str, str]]:
    from django.urls import reverse

    from bench.urls import FLOOR_PATH

    slug = project.slug
    return [
        ("floor", f"/{FLOOR_PATH}", "coordinator", "base layout only (bench URLconf)"),
        ("help", reverse("help"), "coordinator", "/aide/: base layout and static text"),
        ("workspace", reverse("lifecycle:project-detail", args=[slug]), "coordinator", ""),
        (
            "fiche",
            reverse("missions:fiche-detail", args=[slug, fiche_number]),
            "coordinator",
            "editable: every section and row as a form",
        ),
        ("missions", reverse("missions:mission-list", args=[slug]), "coordinator", ""),
        ("territory", reverse("diagnostics:territory-detail", args=[slug]), "coordinator", ""),
        ("budget", reverse("funding:budget-detail", args=[slug]), "coordinator", ""),
        (
            "review_queue",
            reverse("lifecycle:review-queue"),
            "reviewer",
            "DD ARS reviewer of the project's département",
        ),
        ("deadlines", reverse("lifecycle:deadlines", args=[slug]), "bureau", ""),
        (
            "analyst_region",
            reverse("lifecycle:analyst-overview"),
            "analyst_region",
            "analyst of the project's region",
        ),
        (
            "analyst_national",
            reverse("lifecycle:analyst-overview"),
            "analyst_national",
            "national analyst",
        ),
        ("followup", reverse("lifecycle:followup", args=[slug]), "coordinator", ""),
        (
            "fiche_history_2",
            reverse("missions:fiche-history", args=[slug, HISTORY_FICHES[2]]),
            "coordinator",
            "a fiche saved 2 times",
        ),
        (
            "fiche_history_200",
            reverse("missions:fiche-history", args=[slug, HISTORY_FICHES[200]]),
            "coordinator",
            "a fiche saved 200 times (text and needs)",
        ),
    ]


# The fiches of the measured project whose history is measured: {saves: fiche number}.
HISTORY_FICHES = {2: 2, 200: 3}


def prepare_history(project, user) -> None:
    """Save the fiches of HISTORY_FICHES until each has that many saves after its creation
    (a text every time, the diagnostic's needs every other time); idempotent."""
    from diagnostics.models import Need
    from missions.models import Fiche
    from missions.services import fiche_update

    needs = list(Need.objects.filter(project=project).order_by("number")[:4])
    for saves, number in HISTORY_FICHES.items():
        fiche = Fiche.objects.get(project=project, number=number)
        done = fiche.history.filter(history_type="~").count()
        for index in range(done, saves):
            fields = {"problems": f"Constat révisé n° {index + 1}"}
            if index % 2 and needs:
                fields["needs"] = needs[: 1 + index % len(needs)]
            fiche = fiche_update(fiche=fiche, by=user, version=fiche.version, fields=fields)


def vacuum_analyze() -> float | None:
    """VACUUM ANALYZE after the bulk load (and the reset's deletions), as autovacuum does on a
    live database: without it the planner reads no statistics and wades through dead index
    entries, and planning took more time than running the queries (deadlines page: 3.0 ms
    of planning before, 1.0 ms after). Seconds taken; None off PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


DEPOSITS = 5  # deposits timed per size, each on its own project


def measure_deposits(prefix: str, size: int, previous: int) -> dict:
    """The coordinator's deposit request (POST "deposit" with the confirmation), once on each
    of `DEPOSITS` projects in redaction among those this size added (a deposit changes the
    project: it is never repeated on one). Tasks are queued, not run: the render of the
    deposited PDF belongs to the worker (with eager tasks, the request would include it)."""
    from django.test import Client
    from django.urls import reverse

    from cpts_portal.celery import app as celery_app
    from demo import scale
    from projects.models import Project, State

    candidates = Project.objects.filter(
        slug__startswith=f"{prefix}-", state=State.REDACTION
    ).order_by("slug")
    projects = [p for p in candidates if previous < int(p.slug.rsplit("-", 1)[1]) <= size]
    timings, outcomes = [], []
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        for project in projects[:DEPOSITS]:
            client = Client()
            coordinator = scale.review_accounts(project, prefix=prefix)["coordinator"]
            client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
            url = reverse("lifecycle:project-transition", args=[project.slug])
            started = time.perf_counter()
            response = client.post(url, {"action": "deposit", "confirm_deposit": "on"})
            timings.append((time.perf_counter() - started) * 1000)
            project.refresh_from_db(fields=["state"])
            outcomes.append(
                {
                    "project": project.slug,
                    "status": response.status_code,
                    "state_after": project.state,
                }
            )
    finally:
        celery_app.conf.task_always_eager = eager
    return {
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 1) if timings else None,
        "max_ms": round(max(timings), 1) if timings else None,
        "deposited": sum(o["state_after"] == State.DEPOSITED for o in outcomes),
        "outcomes": outcomes,
    }


_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_CURSOR = re.compile(r"_django_curs_\d+_\w+?_\d+")


def normalise(sql: str) -> str:
    """The statement with its literal values (and server-side cursor names) replaced by '?',
    to compare and count statements."""
    sql = _LITERAL.sub("?", _CURSOR.sub("_django_curs_?", sql))
    return re.sub(r"\?(?:, \?)+", "?, …", sql)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def measure(targets: dict, *, requests: int, warmup: int) -> dict:
    """Time every page of `targets` ({page: (client, url)}) in rounds, each round requesting
    every page once, so that a passing load on the machine hits all pages alike, in an order
    shuffled at each round (seeded: the same at each run), so that no page always follows
    the heaviest one and pays for its garbage collection; then the queries of one more
    request of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = {page: [] for page in targets}
    sql_timings = {page: [] for page in targets}
    spent = [0.0]

    def sql_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(sql_timer):
        order = list(targets)
        shuffler = random.Random(19)  # noqa: S311 - an order of requests, not a secret
        for round_number in range(warmup + requests):
            shuffler.shuffle(order)
            for page in order:
                client, url = targets[page]
                spent[0] = 0.0
                elapsed = _get(client, url)
                if round_number >= warmup:
                    timings[page].append(elapsed)
                    sql_timings[page].append(spent[0])
    figures = {}
    for page, (client, url) in targets.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        statements = [q["sql"] for q in captured.captured_queries]
        patterns = Counter(normalise(sql) for sql in statements)
        values = timings[page]
        figures[page] = {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 95), 2),
            "mean_ms": round(statistics.fmean(values), 2),
            "sql_p50_ms": round(statistics.median(sql_timings[page]), 2),
            "max_ms": round(max(values), 2),
            "queries": len(statements),
            "bytes": len(response.content),
            "sql": statements,
            "repeated": {sql: n for sql, n in patterns.items() if n > 1},
        }
    return figures


def run(
    sizes: list[int], *, requests: int, warmup: int, prefix: str, keep: bool = False
) -> tuple[list, dict]:
    from django.test import Client, override_settings

    from demo import scale
    from projects.models import Project

    results, details = [], {"sizes": {}, "pages": {}}
    if not keep:
        started = time.perf_counter()
        removed = scale.scale_reset(prefix, log=print)
        details["reset"] = {"projects": removed, "seconds": round(time.perf_counter() - started, 1)}
        sizes = sorted(sizes)
    previous = 0
    for size in sizes:
        if keep and scale.scale_projects(prefix).count() > size:
            scale.scale_reset(prefix, log=print)  # --keep, sizes in decreasing order
            previous = 0
        started = time.perf_counter()
        summary = scale.seed_scale(size, prefix=prefix, log=print)
        seconds = time.perf_counter() - started
        spread = scale.describe(prefix)
        print(f"== {size} CPTS: seeded in {seconds:.1f} s ({summary['created']} created)")
        project = Project.objects.get(slug=scale.project_slug(MEASURED, prefix))
        accounts = scale.review_accounts(project, prefix=prefix)
        prepare_history(project, accounts["coordinator"])
        vacuumed = vacuum_analyze()
        details["sizes"][str(size)] = {
            "vacuum_analyze_seconds": vacuumed,
            "seed_seconds": round(seconds, 1),
            "created": summary["created"],
            "projects": summary["total"],
            "departements": spread["departements"],
            "regions": spread["regions"],
            "states": spread["states"],
            "measured_project": project.slug,
            "measured_state": project.state,
        }
        clients, targets = {}, {}
        with override_settings(ROOT_URLCONF="bench.urls"):
            for page, url, who, note in _pages(project, fiche_number=1):
                details["pages"].setdefault(page, {"url": url, "user": who, "note": note})
                if who not in clients:
                    clients[who] = Client()
                    clients[who].force_login(
                        accounts[who], backend="django.contrib.auth.backends.ModelBackend"
                    )
                targets[page] = (clients[who], url)
            measured = measure(targets, requests=requests, warmup=warmup)
        for page, figures in measured.items():
            print(
                f"   {page:18} p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f}"
                f" ms  {figures['queries']:3} queries  {figures['bytes'] // 1024} KiB"
            )
            results.append(
                {
                    "page": page,
                    "size": size,
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "queries": figures["queries"],
                }
            )
            details["pages"][page][str(size)] = {
                k: figures[k]
                for k in ("mean_ms", "max_ms", "sql_p50_ms", "bytes", "sql", "repeated")
            }
        details["sizes"][str(size)]["load_average"] = [round(x, 1) for x in os.getloadavg()]
        deposits = measure_deposits(prefix, size, previous)
        previous = size
        print(
            f"   deposit            p50 {deposits['p50_ms']} ms  max {deposits['max_ms']} ms"
            f"  ({deposits['deposited']}/{deposits['requests']} deposited)"
        )
        details["sizes"][str(size)]["deposit"] = deposits
        results.append(
            {
                "page": "deposit",
                "size": size,
                **{k: deposits[k] for k in ("p50_ms", "max_ms", "requests", "deposited")},
            }
        )
    return results, details


def _database(connection) -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.vendor


def _merged(out: Path, results: list, details: dict) -> tuple[list, dict]:
    """--merge: the figures of the sizes measured now replace theirs in the files of `out`;
    the other sizes' stay (e.g. 1 500 measured, then the load test on its data, then 15)."""
    measured = {r["size"] for r in results}
    old = json.loads((out / "results.json").read_text())
    old_details = json.loads((out / "details.json").read_text())
    merged = [r for r in old if r["size"] not in measured] + results
    for size, info in old_details.get("sizes", {}).items():
        details["sizes"].setdefault(size, info)
    for page, info in old_details.get("pages", {}).items():
        for key, value in info.items():
            details["pages"].setdefault(page, {}).setdefault(key, value)
    details["note"] = (
        f"Sizes {sorted(measured)} measured in this run, the others in an earlier one "
        "(--merge): under another load of the machine, so that the ratios between sizes "
        "compare two moments as much as two sizes; the ×floor ratios and query counts of "
        "each size stand."
    )
    return sorted(merged, key=lambda r: r["size"]), details


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 1500])
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first")
    parser.add_argument("--prefix", default="scale")
    parser.add_argument("--out", type=Path, default=BENCH_DIR)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other sizes' figures already in --out (see --keep)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the scale data already seeded (no reset first) and measure the sizes in "
        "the order given, e.g. --sizes 1500 15: 1 500 on the data there, then reset and 15",
    )
    args = parser.parse_args(argv)
    if args.requests < 30:
        parser.error("--requests: at least 30")
    _environment()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        parser.error("run with DEBUG off (DJANGO_DEBUG=false)")
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; the figures say little about production", file=sys.stderr)
    started = time.perf_counter()
    results, details = run(
        args.sizes, requests=args.requests, warmup=args.warmup, prefix=args.prefix, keep=args.keep
    )
    details["environment"] = {
        "database": _database(connection),
        "python": platform.python_version(),
        "django": __import__("django").get_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],  # 1, 5, 15 min, at the end
        "debug": settings.DEBUG,
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
        "client": "django.test.Client (in process, no network, no gunicorn)",
        "requests": args.requests,
        "warmup": args.warmup,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    if args.merge and (args.out / "results.json").exists():
        results, details = _merged(args.out, results, details)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "details.json").write_text(json.dumps(details, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out / 'results.json'} and {args.out / 'details.json'}")


if __name__ == "__main__":
    main()
