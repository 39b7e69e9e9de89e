"""SQL of the model figure's boxes (migration 0012): a code's paradigm role and the position
its box was moved to in each layout. The rows are snapshotted by the undo log like every
coding table (:data:`zhagen.store.coding.TABLE_COLUMNS`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhagen.store.db import Store, id_list_json, rows

__all__ = ["LAYOUTS", "box_rows", "box_id", "insert_box", "update_box", "box_ids_of_codes"]

#: The layouts a box has a position in (the column prefixes of ``model_boxes``).
LAYOUTS = ("tree", "paradigm")


def box_rows(store: Store) -> list[dict[str, Any]]:
    """Every box row (code_id, role, tree_x, tree_y, paradigm_x, paradigm_y), by code."""
    return rows(
        store.conn.execute(
            "SELECT code_id, role, tree_x, tree_y, paradigm_x, paradigm_y FROM model_boxes "
            "ORDER BY code_id"
        )
    )


def box_id(store: Store, code_id: int) -> int | None:
    """The id of a code's box row, or None when it has none yet."""
    row = store.conn.execute("SELECT id FROM model_boxes WHERE code_id = ?", (code_id,)).fetchone()
    return None if row is None else int(row[0])


def insert_box(store: Store, code_id: int) -> int:
    """A code's box row with no role and no position; return its id."""
    cur = store.conn.execute("INSERT INTO model_boxes (code_id) VALUES (?)", (code_id,))
    return int(cur.lastrowid or 0)


def update_box(store: Store, row_id: int, **fields: Any) -> None:
    """Set ``role`` and/or ``<layout>_x`` / ``<layout>_y`` of a box row."""
    allowed = {"role"} | {f"{lay}_{a}" for lay in LAYOUTS for a in "xy"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"not a model_boxes column: {sorted(set(fields) - allowed)}")
    sets = ", ".join(f"{k} = ?" for k in fields)  # names checked against ``allowed`` above
    store.conn.execute(f"UPDATE model_boxes SET {sets} WHERE id = ?", (*fields.values(), row_id))


def box_ids_of_codes(store: Store, code_ids: Iterable[int]) -> list[int]:
    """The box rows of ``code_ids``."""
    return [
        int(r[0])
        for r in store.conn.execute(
            "SELECT id FROM model_boxes WHERE code_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id",
            (id_list_json(code_ids),),
        )
    ]
