"""Load test through a real server (issue 19, item 3): `make loadtest`.

    python -m bench.loadtest [--users 10 50] [--duration 60] [--workers 4] [--port 8017]

On the scale data already seeded in DATABASE_URL (`make bench`, or `manage.py seed_scale
--cpts 1500`), it starts gunicorn (loopback only) and a Celery worker on REDIS_URL, makes a
session for each simulated person (coordinators, DD ARS reviewers, bureau members, analysts,
each on a project of their own) and checks each one's pages once, then runs Locust headless
(bench/locustfile.py) once per number of concurrent users, bounded in time. Writes
bench/load.json (requests/s, per CPU core, p50/p95/p99 per page, errors, the ratio of the p95
at the most users to the p95 at the fewest) and rewrites bench/RESULTS.md (bench.report).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.run import BENCH_DIR, ROOT, _environment

# Sessions made per role (more simulated users of a role share them, each on their own
# requests): about the share of each role in 50 users (bench/locustfile.py's weights).
PEOPLE = {"coordinator": 25, "reviewer": 10, "bureau": 10, "analyst": 5}


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _person(client, urls: dict, must_contain: dict) -> dict | None:
    """The session of `client` and its URLs if each page answers 200 (and holds the form
    it will post), else None."""
    from django.conf import settings

    for key, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            return None
        if key in must_contain and must_contain[key] not in response.content.decode():
            return None
    return {
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrf": client.cookies[settings.CSRF_COOKIE_NAME].value
        if settings.CSRF_COOKIE_NAME in client.cookies
        else "",
        **urls,
    }


def make_plan(prefix: str) -> dict:
    from django.conf import settings
    from django.urls import reverse

    from demo import scale
    from funding.models import BudgetLine
    from projects.models import AvisBody, State

    roles = {"coordinator": [], "reviewer": [], "bureau": [], "analyst": []}
    projects = list(
        scale.scale_projects(prefix)
        .filter(state=State.CONTRACTED)
        .order_by("slug")[: PEOPLE["coordinator"] * 2]
    )
    for project in projects:
        accounts = scale.review_accounts(project, prefix=prefix)
        line = BudgetLine.objects.filter(budget__project=project).order_by("number").first()
        if (
            len(roles["coordinator"]) < PEOPLE["coordinator"]
            and line is not None
            and "coordinator" in accounts
        ):
            person = _person(
                _client(accounts["coordinator"]),
                {
                    "fiche": reverse("missions:fiche-detail", args=[project.slug, 1]),
                    "budget": reverse("funding:budget-detail", args=[project.slug]),
                    "budget_line": reverse("funding:line-update", args=[project.slug, line.number]),
                },
                {"fiche": "/sections/constats/", "budget_line": 'name="amount"'},
            )
            if person:
                roles["coordinator"].append(person)
        if len(roles["bureau"]) < PEOPLE["bureau"] and "bureau" in accounts:
            person = _person(
                _client(accounts["bureau"]),
                {"deadlines": reverse("lifecycle:deadlines", args=[project.slug])},
                {},
            )
            if person:
                roles["bureau"].append(person)
        if len(roles["analyst"]) < PEOPLE["analyst"] and "analyst_region" in accounts:
            person = _person(
                _client(accounts["analyst_region"]),
                {"overview": reverse("lifecycle:analyst-overview")},
                {},
            )
            if person:
                roles["analyst"].append(person)
    reviewed = scale.scale_projects(prefix).filter(state=State.DEPOSITED).order_by("slug")
    for project in reviewed[: PEOPLE["reviewer"] * 3]:
        if len(roles["reviewer"]) >= PEOPLE["reviewer"]:
            break
        reviewer = scale.review_accounts(project, prefix=prefix).get("reviewer")
        if reviewer is None:
            continue
        client = _client(reviewer)
        for body in AvisBody.values:  # the body this reviewer answers for
            person = _person(
                client,
                {
                    "queue": reverse("lifecycle:review-queue"),
                    "avis": reverse("lifecycle:avis-detail", args=[project.slug, body]),
                },
                {"avis": 'name="operation"'},
            )
            if person:
                roles["reviewer"].append(person)
                break
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "roles": roles,
    }


def _wait_for(url: str, seconds: float = 300) -> None:
    """Until the server answers (its workers boot slowly on a busy machine)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=30)  # noqa: S310 - loopback URL we built
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _stats(path: Path) -> dict:
    """Locust's _stats.csv → {page: {requests, failures, rps, p50, p95, p99}}."""
    pages = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = "all" if row["Name"] == "Aggregated" else row["Name"]
            pages[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    return pages


def _failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [
            {"page": r["Name"], "error": r["Error"][:300], "count": int(r["Occurrences"])}
            for r in csv.DictReader(handle)
        ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=8017)
    parser.add_argument("--prefix", default="scale")
    parser.add_argument("--out", type=Path, default=BENCH_DIR)
    parser.add_argument("--plan", type=Path, help="the sessions of a previous run (plan.json)")
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        parser.error("REDIS_URL is needed: the worker and the outbox go through Redis")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    _environment()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        parser.error("run with DEBUG off (DJANGO_DEBUG=false)")
    from demo import scale

    plan = json.loads(args.plan.read_text()) if args.plan else make_plan(args.prefix)
    projects = scale.scale_projects(args.prefix).count()
    counts = {role: len(people) for role, people in plan["roles"].items()}
    print(f"sessions: {counts}")
    if not all(counts.values()):
        sys.exit(f"no usable person for a role ({counts}): seed the scale data first")
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    env = dict(os.environ, LOADTEST_PLAN=str(plan_file), CELERY_TASK_ALWAYS_EAGER="false")
    bin_dir = Path(sys.executable).parent
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603 - our own executables, our arguments
        [str(bin_dir / "gunicorn"), "cpts_portal.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=(work / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603 - our own executables, our arguments
        [str(bin_dir / "celery"), "-A", "cpts_portal", "worker", "--concurrency", "1",
         "--loglevel", "WARNING", "-n", f"loadtest-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=(work / "worker.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    runs = {}
    try:
        _wait_for(f"{host}/aide/")
        for users in args.users:
            prefix = work / f"u{users}"
            load_before = os.getloadavg()[0]
            subprocess.run(  # noqa: S603 - our own executables, our arguments
                [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                 "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
                 "--run-time", f"{args.duration}s", "--stop-timeout", "10", "--host", host,
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=env, check=False,
            )  # fmt: skip
            pages = _stats(Path(f"{prefix}_stats.csv"))
            total = pages.pop("all")
            runs[str(users)] = {
                "users": users,
                "seconds": args.duration,
                "requests": total["requests"],
                "errors": total["failures"],
                "rps": total["rps"],
                "rps_per_core": round(total["rps"] / (os.cpu_count() or 1), 2),
                "p50_ms": total["p50_ms"],
                "p95_ms": total["p95_ms"],
                "p99_ms": total["p99_ms"],
                "load_average_before": round(load_before, 1),
                "load_average_after": round(os.getloadavg()[0], 1),
                "pages": pages,
                "failures": _failures(Path(f"{prefix}_failures.csv")),
            }
            print(f"{users} users: {runs[str(users)]['rps']} req/s, p95 "
                  f"{total['p95_ms']} ms, {total['failures']} errors")  # fmt: skip
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    low, high = str(min(args.users)), str(max(args.users))
    result = {
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "server": f"gunicorn, {args.workers} sync workers, 127.0.0.1:{args.port}",
            "worker": "one Celery worker (concurrency 1) on REDIS_URL",
            "database": "PostgreSQL (DATABASE_URL), scale data of bench/run.py",
            "projects": projects,
            "people": counts,
            "think_time_s": [1, 3],
            "mix": "coordinator 5 (fiche read 4, fiche save 1, budget read 2, budget line save "
            "1), reviewer 2 (queue 3, avis save 1), bureau 2 (deadlines), analyst 1 (overview)",
        },
        "runs": runs,
        "p95_ratio": {
            "between": [int(low), int(high)],
            "value": round(runs[high]["p95_ms"] / runs[low]["p95_ms"], 2)
            if runs.get(low) and runs.get(high) and runs[low]["p95_ms"]
            else None,
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out / 'load.json'} (work files in {work})")


if __name__ == "__main__":
    main()
