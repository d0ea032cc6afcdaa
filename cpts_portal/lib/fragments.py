"""Rendered HTML of an unchanged record, kept per process.

The fiche-action page shows every row (indicator, sub-action, working-group member) as its
own edit form; building and writing those forms was most of the page's time (issue 19). The
HTML of a row's form depends only on the row as saved (its version and last save time are in
the key: any save changes them), on the ids of the page and on the choices it offers (their
signature is in the key). It is kept in a bounded, least-recently-used table of the process:
a deploy (a new process) starts empty, so no markup of an older code ever outlives it, and a
form the user submitted (bound, possibly with errors) is never taken from here. The budget
page keeps its tables the same way (render_kept): their forms get the CSRF token of the
request that shows them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


class Fragments:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, SafeString] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], SafeString]) -> SafeString:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def record_key(instance) -> tuple:
    """What identifies one saved state of a versioned record."""
    return (instance._meta.label, instance.pk, instance.version, instance.updated_at)


# A form inside a kept fragment must carry the CSRF token of the request that shows it: the
# fragment is written with this placeholder, replaced at each use (render_kept).
CSRF_PLACEHOLDER = "csrf-placeholder-7d1f3b9e"


def render_kept(
    fragments: Fragments, key: Hashable, request, template: str, context: dict
) -> SafeString:
    """`template` rendered with `context` alone (no context processors), kept in `fragments`
    under `key` — which must name everything the template shows — with the CSRF token of
    `request` in its forms."""

    def render() -> SafeString:
        return render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER})

    html = fragments.get_or_render(key, render)
    return SafeString(html.replace(CSRF_PLACEHOLDER, get_token(request)))
