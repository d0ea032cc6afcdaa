"""Rendered HTML of an unchanged record, kept per process.

The fiche-action page shows every row (indicator, sub-action, working-group member) as its
own edit form; building and writing those forms was most of the page's time (issue 19). The
HTML of a row's form depends only on the row as saved (its version and last save time are in
the key: any save changes them), on the ids of the page and on the choices it offers (their
signature is in the key). It is kept in a bounded, least-recently-used table of the process:
a deploy (a new process) starts empty, so no markup of an older code ever outlives it, and a
form the user submitted (bound, possibly with errors) is never taken from here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

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
