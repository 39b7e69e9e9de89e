"""Live updates: what changed in the project since a browser last asked.

Browsers poll ``GET /api/changes?since=N`` about once a second; :class:`LiveChanges`
answers all of them from one cache that it refreshes with at most one cheap query a second
(:meth:`zhagen.Project.changes`: the newest log id, and the new entries only when it
moved), so the number of open tabs does not multiply the SQL. What each caller may see of
a change is the library's rule (:meth:`zhagen.coding.changes.Change.seen_by`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.coding.changes import Change
    from zhagen.project import Project

__all__ = ["LiveChanges", "KEEP"]

#: How many recent changes the cache keeps; a browser further behind reloads everything.
KEEP = 500


class LiveChanges:
    """The recent changes of one project, shared by every polling browser."""

    def __init__(
        self, borrow: Callable[[], AbstractContextManager[Project]], interval: float = 1.0
    ) -> None:
        self._borrow, self.interval = borrow, interval
        self._lock = threading.Lock()
        self._recent: deque[Change] = deque(maxlen=KEEP)
        self.version: int | None = None
        self._checked = float("-inf")
        self.queries = 0

    def _refresh(self) -> None:
        with self._borrow() as p:
            first = self.version is None
            feed = p.changes(since=self.version, limit=KEEP)
        self.queries += 1 if first or feed.version <= (self.version or 0) else 2
        if first or feed.version < (self.version or 0) or not feed.complete:
            self._recent.clear()  # first look, a new file, or too many: reload all
        if not first and feed.complete:
            self._recent.extend(feed.changes)
        self.version = feed.version

    def since(
        self, since: int | None, actor: Actor | None = None
    ) -> tuple[int, list[Change], bool]:
        """(version, changes after ``since`` that ``actor`` may see, whether some were
        forgotten: reload all)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.interval:
                self._refresh()
                self._checked = now
            version = int(self.version or 0)
            if since is None or since >= version:
                return version, [], False
            oldest = self._recent[0].id if self._recent else version + 1
            found = [c for c in self._recent if c.id > since]
        shown = [v for c in found if (v := c.seen_by(actor)) is not None]
        return version, shown, oldest > since + 1 and since < version
