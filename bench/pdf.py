"""Benchmark of the projet de santé PDF (issue 8): a project of 40 fiches-actions.

    python -m bench.pdf [--fiches 40] [--runs 3]

The project (`scale-pdf`, shaped like the scale data: territory, diagnostic, fiches with their
rows, governance, budget, under contract) is created once by `demo.scale.seed_project`.
Two ways of producing the same PDF are measured, each in fresh processes (so that the memory
peak of one run is not the leftover of another):

- pipeline: `lifecycle.documents.render_html` (reading the database and rendering the
  templates) then `cpts_portal.lib.pdf.render` (WeasyPrint), as the Celery task does;
- weasyprint: `cpts_portal.lib.pdf.render` alone on the HTML the pipeline built.

For each: the median time of `--runs` runs, the peak resident memory (getrusage maxrss, and
its growth over the process's baseline after Django and WeasyPrint are imported), and in one
more run the peak of Python allocations (tracemalloc, which slows the run down, so it is
timed apart). Writes bench/pdf.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SLUG = "scale-pdf"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(mode: str, html_path: Path, trace: bool) -> dict:
    """One run in this process; prints what it measured as JSON."""
    import tracemalloc

    _setup()
    import weasyprint  # noqa: F401 - imported before the clock, in both modes

    from cpts_portal.lib import pdf
    from lifecycle.documents import render_html
    from projects.models import Document, Project

    project = Project.objects.select_related("organisation").get(slug=SLUG)
    html = html_path.read_text(encoding="utf-8") if mode == "weasyprint" else None
    baseline = _maxrss_mib()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    html_seconds = 0.0
    if mode == "pipeline":
        html = render_html(project, Document.Kind.PROJET_DE_SANTE)
        html_seconds = time.perf_counter() - started
    content, pages = pdf.render(html)
    seconds = time.perf_counter() - started
    figures = {
        "mode": mode,
        "seconds": round(seconds, 3),
        "html_seconds": round(html_seconds, 3),
        "pages": pages,
        "pdf_bytes": len(content),
        "html_bytes": len(html.encode()),
        "maxrss_mib": round(_maxrss_mib(), 1),
        "maxrss_growth_mib": round(_maxrss_mib() - baseline, 1),
    }
    if trace:
        figures["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return figures


def _spawn(mode: str, html_path: Path, *, trace: bool = False) -> dict:
    command = [sys.executable, "-m", "bench.pdf", "--child", mode, "--html", str(html_path)]
    if trace:
        command.append("--trace")
    # Our own interpreter and module, with arguments built here.
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def run(*, fiches: int, runs: int) -> dict:
    _setup()
    from demo import scale
    from lifecycle.documents import render_html
    from projects.models import Document

    project = scale.seed_project(SLUG, fiches=fiches)
    count = project.fiches.count()
    with tempfile.TemporaryDirectory() as folder:
        html_path = Path(folder) / "projet-de-sante.html"
        html_path.write_text(render_html(project, Document.Kind.PROJET_DE_SANTE), encoding="utf-8")
        measured = {}
        for mode in ("pipeline", "weasyprint"):
            timed = [_spawn(mode, html_path) for _ in range(runs)]
            traced = _spawn(mode, html_path, trace=True)
            seconds = [r["seconds"] for r in timed]
            measured[mode] = {
                "seconds_median": round(statistics.median(seconds), 3),
                "seconds_runs": seconds,
                "html_seconds_median": round(
                    statistics.median(r["html_seconds"] for r in timed), 3
                ),
                "pages": timed[0]["pages"],
                "pdf_bytes": timed[0]["pdf_bytes"],
                "html_bytes": timed[0]["html_bytes"],
                "maxrss_mib": max(r["maxrss_mib"] for r in timed),
                "maxrss_growth_mib": max(r["maxrss_growth_mib"] for r in timed),
                "tracemalloc_peak_mib": traced["tracemalloc_peak_mib"],
                "seconds_with_tracemalloc": traced["seconds"],
            }
            print(f"{mode:10} {measured[mode]}")
    pipeline, alone = measured["pipeline"], measured["weasyprint"]
    return {
        "page": "pdf:projet_de_sante",
        "project": SLUG,
        "fiches": count,
        "runs": runs,
        "pipeline": pipeline,
        "weasyprint": alone,
        "ratio_pipeline_to_weasyprint": round(
            pipeline["seconds_median"] / alone["seconds_median"], 2
        ),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "pdf.json")
    parser.add_argument("--child", choices=["pipeline", "weasyprint"], help=argparse.SUPPRESS)
    parser.add_argument("--html", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.html, args.trace)))
        return
    figures = run(fiches=args.fiches, runs=args.runs)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"{figures['fiches']} fiches, {figures['pipeline']['pages']} pages: pipeline "
        f"{figures['pipeline']['seconds_median']} s, WeasyPrint alone "
        f"{figures['weasyprint']['seconds_median']} s (ratio "
        f"{figures['ratio_pipeline_to_weasyprint']}); wrote {args.out}"
    )


if __name__ == "__main__":
    main()
