"""Write bench/RESULTS.md from bench/results.json, bench/details.json and bench/pdf.json.

    python -m bench.report

The acceptance of issue 9: for every page, the same number of SQL queries at the smallest
and the largest size, and a p95 at the largest size within 1.5 times the p95 at the smallest.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MAX_RATIO = 1.5
FLOOR = "floor"


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}"


def _query_growth(details: dict, page: str, small: int, large: int) -> list[str]:
    """Lines saying which statements the page runs more (or less) often at the large size."""
    from bench.run import normalise

    sizes = details["pages"].get(page, {})
    before = Counter(normalise(sql) for sql in sizes.get(str(small), {}).get("sql", []))
    after = Counter(normalise(sql) for sql in sizes.get(str(large), {}).get("sql", []))
    lines = []
    for sql in sorted(set(before) | set(after)):
        if before[sql] != after[sql]:
            lines.append(f"  - {before[sql]} → {after[sql]} × `{sql[:400]}`")
    return lines


def _sql(info: dict, size: int) -> str:
    value = info.get(str(size), {}).get("sql_p50_ms")
    return "—" if value is None else _ms(value)


def _content(details: dict, page: str, small: int, large: int) -> str:
    """What changed in the page besides its queries: its size and its time in the database."""
    a = details["pages"].get(page, {}).get(str(small), {})
    b = details["pages"].get(page, {}).get(str(large), {})
    text = f"HTML {a.get('bytes', 0) // 1024} KiB → {b.get('bytes', 0) // 1024} KiB"
    if "sql_p50_ms" in a and "sql_p50_ms" in b:
        text += f"; time in the database (p50) {_ms(a['sql_p50_ms'])} → {_ms(b['sql_p50_ms'])} ms"
    return text + "."


OUTSIDE = {"deposit"}  # timed once per project, not in rounds: its own section
MAX_FLOOR = 5  # issue 19: every page's p50 within 5× the floor's at the largest size


def _history_and_deposit(by: dict, details: dict, sizes: list[int]) -> list[str]:
    out = ["", "## Fiche history and deposit (issue 19)", ""]
    for size in sizes:
        two, many = by.get(("fiche_history_2", size)), by.get(("fiche_history_200", size))
        if two and many:
            verdict = "equal" if two["queries"] == many["queries"] else "**they differ**"
            out.append(
                f"- {size} CPTS: the fiche history page runs {two['queries']} queries for a "
                f"fiche saved 2 times and {many['queries']} for one saved 200 times ({verdict}); "
                f"p50 {_ms(two['p50_ms'])} and {_ms(many['p50_ms'])} ms."
            )
        deposit = by.get(("deposit", size))
        if deposit and deposit.get("requests"):
            verdict = "under" if deposit["max_ms"] < 1000 else "**over**"
            out.append(
                f"- {size} CPTS: the deposit request (POST, coordinator, PDF queued for the "
                f"worker) answered in {_ms(deposit['p50_ms'])} ms p50, {_ms(deposit['max_ms'])} "
                f"ms at most over {deposit['requests']} projects ({verdict} 1 s); "
                f"{deposit['deposited']} of them deposited (the others refused by the "
                "deposit checks on the scale data: the request is timed all the same)."
            )
    return out


def build(results: list[dict], details: dict, pdf: dict | None) -> str:
    sizes = sorted({r["size"] for r in results})
    small, large = sizes[0], sizes[-1]
    by = {(r["page"], r["size"]): r for r in results}
    pages = list(dict.fromkeys(r["page"] for r in results if r["page"] not in OUTSIDE))
    env = details.get("environment", {})
    out = [
        "# Benchmark: the main pages at 15 and 1 500 CPTS, and the projet de santé PDF",
        "",
        "Produced by `make bench` (bench/run.py, bench/pdf.py, bench/report.py). Figures of one "
        "run on a shared machine: they vary from run to run by a few milliseconds.",
        "",
        "## How it was measured",
        "",
        f"- Database: {env.get('database', '?')}, its own (`cpts_bench`); "
        f"data made by `manage.py seed_scale` (demo/scale/), then `VACUUM ANALYZE` (as "
        "autovacuum leaves a live database: statistics read, no dead index entries).",
        f"- Requests: {env.get('client', '?')}, DEBUG {env.get('debug')}, persistent "
        f"database connection (CONN_MAX_AGE {env.get('conn_max_age')}), static files "
        f"`{env.get('staticfiles', '?').rsplit('.', 1)[-1]}`.",
        f"- Per page and size: {env.get('warmup')} untimed requests, then "
        f"{env.get('requests')} timed ones, in rounds (each round requests every page once, "
        "in an order shuffled at each round: no page always follows the heaviest one); "
        "p50 and p95 by nearest rank; the queries of one more request "
        "(CaptureQueriesContext). With a load average above the number of cores (other work "
        "on the machine), absolute times say little: read the ×floor ratios (the floor is "
        "measured in the same rounds, under the same load) and the query counts.",
        f"- Machine: {env.get('cpus')} CPU cores shared with other work (load average "
        f"{env.get('load_average', '?')} over 1, 5, 15 min at the end of the run); Python "
        f"{env.get('python')}, Django {env.get('django')}.",
        *([f"- **Note**: {details['note']}"] if details.get("note") else []),
        "- The project measured is always `scale-0001` (ACI contract in its 5th year: 5 years "
        "of indicator results, dialogues, payments; about 25 fiches-actions, 50 members); "
        "each page is opened by the kind of user who opens it in real life.",
        "",
        "## Data",
        "",
        "| size | seeded in | projects | départements | regions | states |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for position, size in enumerate(sizes):
        info = details["sizes"].get(str(size), {})
        start = f" (from {sizes[position - 1]})" if position else " (from 0)"
        out.append(
            f"| {size} | {info.get('seed_seconds', '?')} s{start} | "
            f"{info.get('projects', '?')} | {info.get('departements', '?')} | "
            f"{info.get('regions', '?')} | {len(info.get('states', {}))} |"
        )
    reset = details.get("reset")
    if reset:
        out += [
            "",
            f"Before, `seed_scale --reset` removed the {reset['projects']} projects of a previous "
            f"run in {reset['seconds']} s. Each seed ends with an `ANALYZE`: straight after a bulk "
            "load PostgreSQL has no statistics on the new rows and plans whole-table scans (the "
            "missions overview was 2.8 times slower at 1 500 CPTS before the statistics).",
        ]
    out += [
        "",
        "## Pages",
        "",
        f"Times in milliseconds. *×floor*: p50 and p95 of the page over those of the floor "
        f"(the base layout alone) at the same size. *p95 {large}/{small}*: the acceptance "
        f"ratio (≤ {MAX_RATIO}).",
        "",
        f"| page | user | queries {small} | queries {large} | p50 {small} | p95 {small} | "
        f"p50 {large} | p95 {large} | p95 {large}/{small} | ×floor p50 {small} / {large} | "
        f"×floor p95 {small} / {large} | SQL p50 {small} / {large} | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    flagged = []
    for page in pages:
        a, b = by.get((page, small)), by.get((page, large))
        if not a or not b:
            continue
        floor_a, floor_b = by.get((FLOOR, small)), by.get((FLOOR, large))
        ratio = b["p95_ms"] / a["p95_ms"]
        problems = []
        if a["queries"] != b["queries"]:
            problems.append("queries grow")
        if ratio > MAX_RATIO:
            problems.append(f"p95 ×{ratio:.2f}")
        if b["p50_ms"] / floor_b["p50_ms"] > MAX_FLOOR:
            problems.append(f"p50 {b['p50_ms'] / floor_b['p50_ms']:.1f}× the floor")
        if problems:
            flagged.append((page, problems))
        info = details["pages"].get(page, {})
        out.append(
            f"| {page} | {info.get('user', '')} | {a['queries']} | {b['queries']} | "
            f"{_ms(a['p50_ms'])} | {_ms(a['p95_ms'])} | {_ms(b['p50_ms'])} | "
            f"{_ms(b['p95_ms'])} | {_ratio(ratio)} | "
            f"{_ratio(a['p50_ms'] / floor_a['p50_ms'])} / {_ratio(b['p50_ms'] / floor_b['p50_ms'])}"
            f" | {_ratio(a['p95_ms'] / floor_a['p95_ms'])} / "
            f"{_ratio(b['p95_ms'] / floor_b['p95_ms'])} | {_sql(info, small)} / "
            f"{_sql(info, large)} | {'; '.join(problems) or 'ok'} |"
        )
    out += ["", "Pages: " + ", ".join(f"`{p}` {details['pages'][p]['url']}" for p in pages) + "."]
    skipped = [p for p, info in details["pages"].items() if info.get("url") is None]
    for page in skipped:
        out.append(f"Skipped: `{page}` ({details['pages'][page]['note']}).")
    out += ["", "## Pages outside the acceptance", ""]
    if not flagged:
        out.append(
            f"None: every page runs the same number of queries at {small} and {large} CPTS, "
            f"and its p95 at {large} is within {MAX_RATIO}× its p95 at {small}."
        )
    for page, problems in flagged:
        out.append(f"- **{page}**: {'; '.join(problems)}. {_content(details, page, small, large)}")
        out.extend(_query_growth(details, page, small, large))
    repeated = [
        (page, details["pages"][page].get(str(large), {}).get("repeated", {})) for page in pages
    ]
    repeated = [(page, items) for page, items in repeated if items]
    if repeated:
        out += [
            "",
            "## Statements run more than once by one page (at the largest size)",
            "",
            "Not a growth with the data, but where a page could save queries.",
            "",
        ]
        for page, items in repeated:
            for sql, count in items.items():
                out.append(f"- `{page}`: {count} × `{sql[:300]}`")
    out += _history_and_deposit(by, details, sizes)
    if pdf:
        p, w = pdf["pipeline"], pdf["weasyprint"]
        out += [
            "",
            "## Projet de santé PDF (issue 8)",
            "",
            f"`{pdf['project']}`: {pdf['fiches']} fiches-actions, {p['pages']} pages, "
            f"{p['pdf_bytes'] // 1024} KiB of PDF from {p['html_bytes'] // 1024} KiB of HTML. "
            f"Each figure in a fresh process; times are the median of {pdf['runs']} runs.",
            "",
            "| | time (s) | of which HTML from the database (s) | peak RSS (MiB) | RSS growth "
            "during the render (MiB) | Python allocations peak, tracemalloc (MiB) |",
            "|---|---:|---:|---:|---:|---:|",
            f"| whole pipeline (`render_html` + `pdf.render`) | {p['seconds_median']} | "
            f"{p['html_seconds_median']} | {p['maxrss_mib']} | {p['maxrss_growth_mib']} | "
            f"{p['tracemalloc_peak_mib']} |",
            f"| WeasyPrint alone (`pdf.render` on the same HTML) | {w['seconds_median']} | — | "
            f"{w['maxrss_mib']} | {w['maxrss_growth_mib']} | {w['tracemalloc_peak_mib']} |",
            "",
            f"Ratio of the whole pipeline to WeasyPrint alone: "
            f"**{pdf['ratio_pipeline_to_weasyprint']}** (runs: pipeline {p['seconds_runs']} s, "
            f"WeasyPrint {w['seconds_runs']} s). Under tracemalloc the runs take "
            f"{p['seconds_with_tracemalloc']} s and {w['seconds_with_tracemalloc']} s.",
        ]
    return "\n".join(out) + "\n"


def load_section(load: dict) -> str:
    """The section of `make loadtest` (bench/loadtest.py, bench/load.json)."""
    env, runs = load["environment"], load["runs"]
    out = [
        "",
        "## Load test through a real server (`make loadtest`)",
        "",
        f"Locust (headless, bench/locustfile.py) against {env['server']}, {env['worker']}, "
        f"{env['database']} with {env['projects']} CPTS; Redis for the broker. Each simulated "
        f"person waits {env['think_time_s'][0]}–{env['think_time_s'][1]} s between two clicks; "
        f"mix (weights): {env['mix']}. Sessions: {env['people']}. Machine: {env['cpus']} cores "
        "shared with other work (load average before and after each run below): the figures "
        "are those of a busy machine, not of the portal alone."
        + (f" {env['note']}" if env.get("note") else ""),
        "",
        "| users | seconds | requests | errors | req/s | req/s per core | p50 ms | p95 ms | "
        "p99 ms | load avg before / after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs.values():
        out.append(
            f"| {run['users']} | {run['seconds']} | {run['requests']} | {run['errors']} | "
            f"{run['rps']} | {run['rps_per_core']} | {_ms(run['p50_ms'])} | "
            f"{_ms(run['p95_ms'])} | {_ms(run['p99_ms'])} | {run['load_average_before']} / "
            f"{run['load_average_after']} |"
        )
    ratio = load.get("p95_ratio", {})
    if ratio.get("value") is not None:
        low, high = ratio["between"]
        out += ["", f"Ratio of the p95 at {high} users to the p95 at {low} users: "
                f"**{ratio['value']}**."]  # fmt: skip
    out += ["", "Per page (p50 / p95 / p99 in ms, requests, errors):", ""]
    names = sorted({name for run in runs.values() for name in run["pages"]})
    header = " | ".join(f"{run['users']} users" for run in runs.values())
    out += [f"| page | {header} |", "|---|" + "---|" * len(runs)]
    for name in names:
        cells = []
        for run in runs.values():
            page = run["pages"].get(name)
            cells.append(
                f"{_ms(page['p50_ms'])} / {_ms(page['p95_ms'])} / {_ms(page['p99_ms'])} "
                f"({page['requests']}, {page['failures']})"
                if page
                else "—"
            )
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    failures = [(run["users"], f) for run in runs.values() for f in run["failures"]]
    if failures:
        out += ["", "Errors:", ""]
        out += [
            f"- {users} users, {f['page']}: {f['count']} × {f['error']}" for users, f in failures
        ]
    return "\n".join(out) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=BENCH_DIR)
    args = parser.parse_args(argv)
    results = json.loads((args.dir / "results.json").read_text())
    details = json.loads((args.dir / "details.json").read_text())
    pdf_path = args.dir / "pdf.json"
    pdf = json.loads(pdf_path.read_text()) if pdf_path.exists() else None
    load_path = args.dir / "load.json"
    text = build(results, details, pdf)
    if load_path.exists():
        text += load_section(json.loads(load_path.read_text()))
    (args.dir / "RESULTS.md").write_text(text)
    print(f"wrote {args.dir / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
