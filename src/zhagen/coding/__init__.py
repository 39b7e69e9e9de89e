"""Grounded-theory coding: the code tree, codings, memos, relations, retrieval, undo/redo.

- :mod:`~zhagen.coding.levels` — levels (初始概念 → 核心范畴), relation types, memo targets
- :mod:`~zhagen.coding.engine` — the code tree: add, rename, move, merge, split, delete
- :mod:`~zhagen.coding.spans` — codings: code a span or sentences, uncode, recode
- :mod:`~zhagen.coding.notes` — memos, relations, the storyline
- :mod:`~zhagen.coding.retrieve` — DataFrames: codes, codings, context, co-occurrence, search
- :mod:`~zhagen.coding.history` — undo/redo by row snapshots in the append-only log
- :mod:`~zhagen.coding.api` — ``project.codes``, ``.codings``, ``.memos``, ``.relations``
- :mod:`~zhagen.reports` — ``project.reports``: tables, saturation, agreement

>>> from zhagen.coding import LEVELS
>>> LEVELS[3]
('主范畴', 'main category')
"""

from zhagen.coding.levels import LEVELS, MEMO_TARGETS, RELATION_TYPES, level_name

__all__ = ["LEVELS", "MEMO_TARGETS", "RELATION_TYPES", "level_name"]
