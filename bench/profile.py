"""Profile one page of the bench with pyinstrument (the `bench` extra of pyproject.toml).

    python -m bench.profile fiche [--requests 20] [--html out.html]

The page is one of bench.run's (same URL, same kind of user, scale data of `--prefix` already
seeded, e.g. by a `make bench`); it is requested `--requests` times after two untimed ones
and the profile of the timed ones is printed (call tree, the slowest first).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.run import MEASURED, _environment


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--prefix", default="scale")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report")
    args = parser.parse_args(argv)
    _environment()
    from django.test import Client, override_settings
    from pyinstrument import Profiler

    from bench.run import _pages
    from demo import scale
    from projects.models import Project

    project = Project.objects.get(slug=scale.project_slug(MEASURED, args.prefix))
    accounts = scale.review_accounts(project, prefix=args.prefix)
    pages = {page: (url, who) for page, url, who, _ in _pages(project, fiche_number=1)}
    url, who = pages[args.page]
    client = Client()
    client.force_login(accounts[who], backend="django.contrib.auth.backends.ModelBackend")
    with override_settings(ROOT_URLCONF="bench.urls"):
        for _ in range(2):
            client.get(url)
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.requests):
                client.get(url)
    session = profiler.last_session
    print(f"{args.requests} requests of {url}: {session.duration:.2f} s", flush=True)
    print(profiler.output_text(unicode=True, color=False, show_all=False), flush=True)
    if args.html:
        args.html.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
