"""The import pipeline: files → readers → cleaning → the store.

``formats`` never imports ``text``; this package does the piping. The per-record work
(:func:`zhagen.prepare.prepare_one`) is a pure function over plain data, so the units of
work (:mod:`zhagen.ingest.work`: typed items) can run in worker processes
(:mod:`zhagen.run`); only the main process writes to the store
(:mod:`zhagen.ingest.pipeline`). Every threshold is a field of an :class:`ImportPlan`.
"""

from __future__ import annotations

from zhagen.ingest.pipeline import (
    FileReport,
    ImportReport,
    add_paths,
    expand_paths,
    import_file,
    same_title_problem,
)
from zhagen.ingest.plan import ImportPlan
from zhagen.prepare import dup_key, prepare_batch

__all__ = [
    "FileReport",
    "ImportPlan",
    "ImportReport",
    "add_paths",
    "dup_key",
    "expand_paths",
    "import_file",
    "prepare_batch",
    "same_title_problem",
]
