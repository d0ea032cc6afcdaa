"""The sections of a project's workspace (territory, diagnostic, fiches, budget, governance…).

Each domain app registers its sections in its AppConfig.ready(); the workspace navigation
lists them, so the root never imports a domain app.
"""

from dataclasses import dataclass
from functools import lru_cache

import rules
from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str  # takes the project's slug as its only argument
    order: int = 50
    perm: str = "projects.view_project"


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


@lru_cache(maxsize=20_000)
def _section_url(url_name: str, slug: str, prefix: str) -> str:
    """The tab's URL, reversed once per process (each page writes a dozen of them)."""
    return reverse(url_name, args=[slug])


def sections_for(project, user) -> list[dict]:
    items = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.label)):
        if rules.has_perm(section.perm, user, project):
            items.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "url": _section_url(section.url_name, project.slug, get_script_prefix()),
                }
            )
    return items
