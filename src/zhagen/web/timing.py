"""Where a request's time goes, for the ``Server-Timing`` header, and the garbage collector.

Every response carries ``Server-Timing: app;dur=…, queue;dur=…, thread;dur=…, gc;dur=…``
(milliseconds): the whole time inside the app, the wait for a worker thread, the time the
endpoint ran in it (the library call: SQL, the engine) and the garbage collector's pauses
while the request was in the app. ``bench/web.py`` reports their percentiles; what is
left of ``app`` is routing, dependencies (session, CSRF, the pooled project) and JSON.

:func:`settle_heap` runs once before a server starts serving: a full collection, then
``gc.freeze()`` moves everything alive (the imported modules, FastAPI's routes and models,
pandas) out of the collector's reach, so that a later full collection walks only what the
requests made (measured: ~70–100 ms pauses before, none over 2 ms after).
"""

from __future__ import annotations

import gc
import time
from contextvars import ContextVar

__all__ = ["PHASES", "phases", "add", "gc_ms", "header", "install_gc_clock", "settle_heap"]

#: Phase name → milliseconds, for the request being served (None outside a request).
PHASES: ContextVar[dict[str, float] | None] = ContextVar("zhagen_phases", default=None)
_gc = {"ms": 0.0, "start": 0.0}


def _clock(phase: str, _info: dict) -> None:
    if phase == "start":
        _gc["start"] = time.perf_counter()
    else:
        _gc["ms"] += (time.perf_counter() - _gc["start"]) * 1000


def install_gc_clock() -> None:
    """Count the collector's pauses (once per process; cheap: two clock reads a pass)."""
    if _clock not in gc.callbacks:
        gc.callbacks.append(_clock)


def gc_ms() -> float:
    """Milliseconds of collector pauses since :func:`install_gc_clock` (all threads)."""
    return _gc["ms"]


def phases() -> dict[str, float]:
    """A fresh phase record for one request, made current."""
    record: dict[str, float] = {}
    PHASES.set(record)
    return record


def add(name: str, ms: float, record: dict[str, float] | None = None) -> None:
    """Add ``ms`` to phase ``name`` of the current request (no-op outside one), or of
    ``record`` (taken with ``PHASES.get()`` before a thread that does not share the
    request's context variables).

    >>> record = phases()
    >>> add("thread", 1.5); add("thread", 1.0, record); record
    {'thread': 2.5}
    """
    if record is None:
        record = PHASES.get()
    if record is not None:
        record[name] = record.get(name, 0.0) + ms


def header(total_ms: float, record: dict[str, float]) -> str:
    """The ``Server-Timing`` value: ``app`` first, then the phases measured.

    >>> header(2.5, {"thread": 1.25, "gc": 0.0})
    'app;dur=2.50, thread;dur=1.25, gc;dur=0.00'
    """
    parts = [f"app;dur={total_ms:.2f}"]
    parts += [f"{name};dur={ms:.2f}" for name, ms in record.items()]
    return ", ".join(parts)


def settle_heap() -> None:
    """Collect once and freeze what survives (call after start-up, before serving)."""
    gc.collect()
    gc.freeze()
