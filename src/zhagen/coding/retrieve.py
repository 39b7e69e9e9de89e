"""Retrieval: the code list and tree, codings with their text and context, co-occurrence,
the code × document matrix and text search. Everything is a pandas DataFrame.

Each function that reads codings takes ``coder=`` (a coder's name): with it a coder sees
only their own codings (blind coding); without it all coders' codings are pooled.
``texts_of(doc_ids)`` returns the cleaned texts (``Project.documents.text``) of many
documents at once, as ``{id: text}``.

>>> import tempfile, os
>>> from zhagen.store.db import Store
>>> from zhagen.coding.engine import add_code
>>> store = Store.create(os.path.join(tempfile.mkdtemp(), "p.zhagen"))
>>> cat = add_code(store, "政策环境", level=2)
>>> _ = add_code(store, "财政补贴", parent=cat)
>>> codes_frame(store)[["name", "level_name", "count", "total"]].to_dict("records")[1]
{'name': '财政补贴', 'level_name': '初始概念', 'count': 0, 'total': 0}
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import combinations
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from zhagen.coding.engine import CodeRef, code_refs, resolve_code
from zhagen.coding.levels import level_name
from zhagen.errors import ParameterError
from zhagen.store import coding as q
from zhagen.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CODE_COLUMNS",
    "CODING_COLUMNS",
    "coder_filter",
    "codes_frame",
    "code_tree",
    "codings_frame",
    "coding_tuples",
    "context_frame",
    "cooccurrence",
    "code_document_matrix",
    "search_text",
]

#: Columns of :func:`codes_frame` (``Project.codes()``), in tree order (pre-order).
CODE_COLUMNS = [
    "id",
    "name",
    "parent",
    "level",
    "level_name",
    "description",
    "color",
    "count",
    "total",
    "position",
    "depth",
    "path",
    "created",
    "modified",
]
#: Columns of :func:`codings_frame` (``Project.codings()``).
CODING_COLUMNS = [
    "id",
    "document",
    "start",
    "end",
    "code",
    "code_name",
    "coder",
    "created",
    "text",
    "level",
]

#: ``texts_of(document ids) -> {id: cleaned text}``: the texts of many documents at once.
TextsOf = Callable[[Collection[int]], Mapping[int, str]]


def coder_filter(store: Store, coder: str | None) -> int | None:
    """The id of coder ``coder`` (None for all coders); ParameterError if unknown."""
    if coder is None:
        return None
    found = q.coder_id(store, str(coder).strip())
    if found is None:
        known = "、".join(r["name"] for r in q.coder_rows(store)) or "-"
        raise ParameterError(
            f"没有名为「{coder}」的编码员（已有：{known}）；新编码员在第一次编码时自动创建",
            f"no coder named '{coder}' (known: {known}); a new coder is created on their "
            "first coding",
        )
    return found


# positions in a row of q.code_tuples
_ID, _NAME, _PARENT, _LEVEL, _DESC, _COLOR, _POS, _CREATED, _MODIFIED = range(9)


def _children(rows: list[tuple[Any, ...]]) -> dict[int | None, list[tuple[Any, ...]]]:
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for r in rows:  # in sibling order: the rows come ordered by parent, position, id
        kids = children.get(r[_PARENT])
        if kids is None:
            children[r[_PARENT]] = [r]
        else:
            kids.append(r)
    return children


def _preorder(
    children: dict[int | None, list[tuple[Any, ...]]],
) -> list[tuple[tuple[Any, ...], int, str]]:
    """(row, depth, path) of every code reachable from the top, parents before children,
    siblings in order."""
    out: list[tuple[tuple[Any, ...], int, str]] = []
    append = out.append
    stack = [(r, 0, r[_NAME]) for r in reversed(children.get(None, ()))]
    pop, extend = stack.pop, stack.extend
    while stack:
        row, depth, path = pop()
        append((row, depth, path))
        kids = children.get(row[_ID])
        if kids:
            below = depth + 1
            extend([(c, below, f"{path}/{c[_NAME]}") for c in reversed(kids)])
    return out


def _totals(
    order: list[tuple[tuple[Any, ...], int, str]], counts: dict[int, int]
) -> dict[int, int]:
    """Code id → its codings and its descendants' (children come after parents in
    pre-order, so one backward pass adds each code into its parent)."""
    total: dict[int, int] = {}
    get = total.get
    for row, _d, _p in reversed(order):
        cid, parent = row[_ID], row[_PARENT]
        own = get(cid, 0) + counts.get(cid, 0)
        total[cid] = own
        if parent is not None:
            total[parent] = get(parent, 0) + own
    return total


def _level_names() -> Callable[[int | None], str]:
    names: dict[int | None, str] = {}

    def name(level: int | None) -> str:
        found = names.get(level)
        if found is None:
            found = names[level] = level_name(level)
        return found

    return name


def codes_frame(store: Store, *, coder: str | None = None) -> pd.DataFrame:
    """Every code in tree order with its level, colour and counts.

    ``count`` is the number of codings of the code itself, ``total`` includes its
    descendants' codings; ``parent`` is the parent's id (``<NA>`` at the top). Built from
    one query of the codes and one of the counts, as plain tuples (10,000 codes: no dict
    per code), and by columns. The frame is kept on the store until the data changes
    (:meth:`Store.remembered`: any write, by this connection or another, in this process
    or another), so a page that asks again with nothing changed gets a copy at once.
    """
    coder_id = coder_filter(store, coder)
    frame = store.remembered(("codes_frame", coder_id), lambda: _codes_frame(store, coder_id))
    return frame.copy()


def _codes_frame(store: Store, coder_id: int | None) -> pd.DataFrame:
    """The code list with its counts: the tree's shape (kept until the code table
    changes) and the counts of the codes (``code_counts``, kept by triggers) summed up the
    tree by depth, so that a coding edit costs a read of the counts, not of the tree."""
    import numpy as np

    shape = store.remembered(("codes_shape",), lambda: _codes_shape(store), q.codes_version(store))
    frame = shape.frame.copy()
    if not len(frame):
        return frame
    counts = q.code_counts(store, coder_id)
    count = np.zeros(len(frame), dtype=np.int64)
    if counts:
        keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        at = np.minimum(np.searchsorted(shape.sorted_ids, keys), len(shape.sorted_ids) - 1)
        known = shape.sorted_ids[at] == keys  # (a count of a code not in the tree: none)
        count[shape.by_id[at[known]]] = values[known]
    total = count.copy()
    for rows, parents in shape.up:  # deepest first: a level's totals are whole when added up
        np.add.at(total, parents, total[rows])
    frame["count"] = count
    frame["total"] = total
    return frame


class _CodesShape:
    """The code list without its counts, and how to sum counts up the tree: ``sorted_ids``
    and ``by_id`` (row of each sorted id), ``up`` (per depth, deepest first: the rows at
    that depth and their parents' rows)."""

    __slots__ = ("frame", "sorted_ids", "by_id", "up")

    def __init__(self, frame: pd.DataFrame, parent_rows: list[int], depth: list[int]) -> None:
        import numpy as np

        self.frame = frame
        ids = frame["id"].to_numpy()
        self.by_id = np.argsort(ids, kind="stable")
        self.sorted_ids = ids[self.by_id]
        parents, depths = np.array(parent_rows, dtype=np.int64), np.array(depth, dtype=np.int64)
        self.up = [
            (rows, parents[rows])
            for d in range(int(depths.max(initial=0)), 0, -1)
            if len(rows := np.flatnonzero(depths == d))
        ]


def _codes_shape(store: Store) -> _CodesShape:
    import numpy as np
    import pandas as pd

    order = _preorder(_children(q.code_tuples(store)))
    if not order:
        empty = pd.DataFrame([], columns=CODE_COLUMNS).astype({"parent": "Int64", "level": "Int64"})
        return _CodesShape(empty, [], [])
    rows, depth, path = _columns(order, 3)
    ids, names, parents, levels, descs, colors, positions, created, modified = _columns(rows, 9)
    row_of = {cid: i for i, cid in enumerate(ids)}
    parent_rows = [row_of.get(p, -1) if p is not None else -1 for p in parents]
    level_names = {v: level_name(v) for v in set(levels)}  # a handful of levels
    zeros = np.zeros(len(ids), dtype=np.int64)
    columns = {
        "id": np.array(ids, dtype=np.int64),
        "name": np.array(names, dtype=object),
        "parent": pd.array(parents, dtype="Int64"),
        "level": pd.array(levels, dtype="Int64"),  # <NA>: a code without a level
        "level_name": np.array(list(map(level_names.__getitem__, levels)), dtype=object),
        "description": np.array(descs, dtype=object),
        "color": np.array(colors, dtype=object),
        "count": zeros,
        "total": zeros.copy(),
        "position": np.array(positions, dtype=np.int64),
        "depth": np.array(depth, dtype=np.int64),
        "path": np.array(path, dtype=object),
        "created": np.array(created, dtype=object),
        "modified": np.array(modified, dtype=object),
    }
    return _CodesShape(pd.DataFrame(columns, columns=CODE_COLUMNS), parent_rows, depth)


def code_tree(store: Store, *, coder: str | None = None) -> list[dict[str, Any]]:
    """The code tree as nested dicts: id, name, level, level_name, color, count, total,
    description, children."""
    counts = q.code_counts(store, coder_filter(store, coder))
    children = _children(q.code_tuples(store))
    total = _totals(_preorder(children), counts)
    name_of = _level_names()

    def node(r: tuple[Any, ...]) -> dict[str, Any]:
        return {
            "id": r[_ID],
            "name": r[_NAME],
            "level": r[_LEVEL],
            "level_name": name_of(r[_LEVEL]),
            "description": r[_DESC],
            "color": r[_COLOR],
            "count": counts.get(r[_ID], 0),
            "total": total[r[_ID]],
            "children": [],
        }

    roots: list[dict[str, Any]] = []
    stack = [(r, roots) for r in reversed(children.get(None, ()))]
    while stack:
        r, into = stack.pop()
        n = node(r)
        into.append(n)
        stack.extend((c, n["children"]) for c in reversed(children.get(r[_ID], ())))
    return roots


def _code_ids(store: Store, code: CodeRef | Sequence[CodeRef] | None) -> list[int] | None:
    if code is None:
        return None
    return [int(resolve_code(store, ref)["id"]) for ref in code_refs(code)]


def _coding_rows(
    store: Store,
    code: CodeRef | Sequence[CodeRef] | None,
    document: int | None,
    coder: str | None,
    with_descendants: bool,
    coding_ids: Iterable[int] | None,
    ordered: bool,
) -> list[tuple[Any, ...]]:
    """The rows of :func:`zhagen.store.coding.coding_tuples` for the filters a caller
    names (code references resolved, the coder's name to its id)."""
    return q.coding_tuples(
        store,
        code_ids=_code_ids(store, code),
        descendants=with_descendants,
        document_id=None if document is None else int(document),
        coder_id=coder_filter(store, coder),
        coding_ids=coding_ids,
        ordered=ordered,
    )


def coding_tuples(
    store: Store,
    texts_of: TextsOf,
    *,
    code: CodeRef | Sequence[CodeRef] | None = None,
    document: int | None = None,
    coder: str | None = None,
    with_descendants: bool = False,
    coding_ids: Iterable[int] | None = None,
) -> list[tuple[Any, ...]]:
    """Codings with the coded text as plain tuples in :data:`CODING_COLUMNS` order, in
    document order: what :func:`codings_frame` holds, without pandas (the web workbench
    reads one document's codings on every change, where a DataFrame costs ~4 ms).

    Set-based: one query for the codings (a code's descendants found in it) and one for
    the texts of the documents they are in (``texts_of(ids) -> {id: text}``), however many
    documents; the coded text is a slice of the document's text.
    """
    rows = _coding_rows(store, code, document, coder, with_descendants, coding_ids, True)
    return _named(store, texts_of, rows) if rows else []


def _named(store: Store, texts_of: TextsOf, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows (id, document, start, end, code, coder id, created) with names and text, in
    :data:`CODING_COLUMNS` order."""
    texts = texts_of({r[1] for r in rows})
    codes = q.code_names(store, {r[4] for r in rows})
    coders = q.coder_names(store)
    return [
        (i, doc, s, e, k, codes[k][0], coders[who], created, texts[doc][s:e], codes[k][1])
        for i, doc, s, e, k, who, created in rows
    ]


#: From this many codings on, :func:`codings_frame` is built by columns; below, from rows
#: (a document's few hundred codings: numpy's fixed costs outweigh what columns save).
COLUMNS_FROM = 2_000


def codings_frame(
    store: Store,
    texts_of: TextsOf,
    *,
    code: CodeRef | Sequence[CodeRef] | None = None,
    document: int | None = None,
    coder: str | None = None,
    with_descendants: bool = False,
    coding_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Codings with the coded text, in document order (see :data:`CODING_COLUMNS`).

    Built by columns: SQLite hands the codings over as one string per column
    (:func:`zhagen.store.coding.coding_columns`), numpy parses and sorts them, and each
    column of the frame is made once from an array — a main category's 22,000 codings cost
    no Python tuple or number per coding and no type guess per cell.
    """
    import numpy as np
    import pandas as pd

    found = None
    if document is None:  # (a document's few hundred codings: rows cost less)
        found = q.coding_columns(
            store,
            code_ids=_code_ids(store, code),
            descendants=with_descendants,
            coder_id=coder_filter(store, coder),
            coding_ids=coding_ids,
        )
    if found is None or found[0].shape[1] < COLUMNS_FROM:
        if found is None:
            rows = _coding_rows(store, code, document, coder, with_descendants, coding_ids, False)
        else:
            rows = list(zip(*found[0].tolist(), found[1], strict=True))
        rows.sort(key=itemgetter(1, 2, 3, 0))  # document order: document, start, end, id
        return pd.DataFrame(_named(store, texts_of, rows) if rows else [], columns=CODING_COLUMNS)
    numbers, created = found
    codes = np.unique(numbers[4]).tolist()
    order = _document_order(numbers)
    numbers = numbers[:, order]
    doc_list, start_list, end_list = (numbers[i].tolist() for i in (1, 2, 3))
    texts = texts_of(set(doc_list))
    text = [texts[d][s:e] for d, s, e in zip(doc_list, start_list, end_list, strict=True)]
    # names and levels of the few distinct codes and coders, spread by a look-up array
    names = q.code_names(store, set(codes))
    code_name = _spread({k: v[0] for k, v in names.items()}, numbers[4])
    if any(v[1] is None for v in names.values()):  # a code without a level: the column
        level: Any = [names[k][1] for k in numbers[4].tolist()]  # pandas makes of ints, None
    else:
        level = _spread({k: v[1] for k, v in names.items()}, numbers[4], np.int64)
    coder_name = _spread(q.coder_names(store), numbers[5])
    columns = {
        "id": numbers[0],
        "document": numbers[1],
        "start": numbers[2],
        "end": numbers[3],
        "code": numbers[4],
        "code_name": code_name,
        "coder": coder_name,
        "created": np.array(created, dtype=object)[order],
        "text": np.array(text, dtype=object),
        "level": level,
    }
    return pd.DataFrame(columns, columns=CODING_COLUMNS)


def _columns(rows: Sequence[Sequence[Any]], n: int) -> list[list[Any]]:
    """The first ``n`` columns of ``rows`` as lists. Not ``zip(*rows)``: that makes an
    iterator object per row, ~10,000 allocations the cyclic garbage collector counts, and
    measured 10–15 ms slower for the 10,000-code tree (the collections they set off).

    >>> _columns([(1, "a"), (2, "b")], 2)
    [[1, 2], ['a', 'b']]
    """
    return [list(map(itemgetter(i), rows)) for i in range(n)]


def _document_order(numbers: Any) -> Any:
    """The permutation that puts coding columns (id, document, start, end, …) in document
    order: by document, start, end, then id. Two packed int64 keys when the values fit
    (document and id < 2**31, offsets < 2**32: every real project), else four.

    >>> import numpy as np
    >>> small = np.array([[3, 1, 2], [1, 1, 1], [5, 5, 0], [9, 8, 4]])  # id, doc, start, end
    >>> large = small.copy(); large[0, 2] = 2**40
    >>> _document_order(small).tolist(), _document_order(large).tolist()
    ([2, 1, 0], [2, 1, 0])
    """
    import numpy as np

    ids, docs, starts, ends = numbers[0], numbers[1], numbers[2], numbers[3]
    if ids.max() < 2**31 and docs.max() < 2**31 and max(starts.max(), ends.max()) < 2**32:
        # (np.lexsort: the last key first)
        return np.lexsort(((ends << 31) | ids, (docs << 32) | starts))
    return np.lexsort((ids, ends, starts, docs))


def _spread(values: Mapping[int, Any], keys: Any, dtype: Any = object) -> Any:
    """``values[k]`` for each ``k`` of the int array ``keys``, as an array: a look-up
    array indexed by the keys, not a dict look-up per row."""
    import numpy as np

    lut = np.empty(max(values) + 1, dtype=dtype)
    for k, v in values.items():
        lut[k] = v
    return lut[keys]


def context_frame(
    store: Store,
    texts_of: TextsOf,
    *,
    coding: int | None = None,
    code: CodeRef | None = None,
    coder: str | None = None,
    chars: int = 40,
    with_descendants: bool = False,
) -> pd.DataFrame:
    """Codings (one by id, or all of a code) with ``chars`` characters of context each side.

    Adds columns ``before``, ``after`` and ``context`` (``before【text】after``).
    """
    if (coding is None) == (code is None):
        raise ParameterError("请给出编码记录编号或编码之一", "give either a coding id or a code")
    if chars < 0:
        raise ParameterError(
            f"上下文字数 {chars} 不能为负", f"context size {chars} cannot be negative"
        )
    if coding is not None:
        from zhagen.coding.spans import resolve_coding

        resolve_coding(store, coding)
    texts: dict[int, str] = {}

    def fetch(ids: Collection[int]) -> Mapping[int, str]:
        texts.update(texts_of(ids))  # kept for the context: each text is read once
        return texts

    df = codings_frame(
        store,
        fetch,
        code=code,
        coder=coder,
        with_descendants=with_descendants,
        coding_ids=None if coding is None else [int(coding)],
    )
    before, after = [], []
    for doc, start, end in zip(df["document"], df["start"], df["end"], strict=True):
        text = texts[int(doc)]
        before.append(text[max(0, start - chars) : start])
        after.append(text[end : end + chars])
    df["before"] = before
    df["after"] = after
    df["context"] = [f"{b}【{t}】{a}" for b, t, a in zip(before, df["text"], after, strict=True)]
    return df


def _labels(store: Store, ids: Iterable[int]) -> dict[int, str]:
    rows = {r["id"]: r["name"] for r in q.code_rows(store)}
    ids = sorted(set(ids))
    seen = Counter(rows[i] for i in ids)
    return {i: (rows[i] if seen[rows[i]] == 1 else f"{rows[i]}#{i}") for i in ids}


def _units(
    spans: list[tuple[int, int, int, int]],
    unit: str,
    sentences_of: Callable[[int], list[tuple[int, int]]],
) -> dict[Any, set[int]]:
    out: dict[Any, set[int]] = defaultdict(set)
    if unit == "document":
        for doc, _s, _e, code in spans:
            out[doc].add(code)
        return out
    cache: dict[int, tuple[list[int], list[int]]] = {}
    for doc, start, end, code in spans:
        if doc not in cache:
            sents = sentences_of(doc)
            cache[doc] = ([s for s, _e in sents], [e for _s, e in sents])
        starts, ends = cache[doc]
        # sentences overlapping [start, end): end_i > start and start_i < end
        for i in range(bisect_right(ends, start), bisect_left(starts, end)):
            out[(doc, i)].add(code)
    return out


def _overlap_pairs(
    spans: list[tuple[int, int, int, int]],
) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    diag: dict[int, int] = defaultdict(int)
    active: list[tuple[int, int]] = []  # (end, code) of codings still open
    doc_now = None
    for doc, start, end, code in spans:  # sorted by document, start
        if doc != doc_now:
            active, doc_now = [], doc
        active = [(e, c) for e, c in active if e > start]
        for _e, other in active:
            a, b = (code, other) if code <= other else (other, code)
            pairs[(a, b)] += 1
        active.append((end, code))
        diag[code] += 1
    return pairs, diag


def cooccurrence(
    store: Store,
    *,
    coder: str | None = None,
    unit: str = "overlap",
    sentences_of: Callable[[int], list[tuple[int, int]]] | None = None,
    doc_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Code × code co-occurrence counts over the codes that have codings (in ``doc_ids``,
    every document if None).

    ``unit="overlap"``: pairs of codings whose spans overlap in a document (diagonal: the
    code's number of codings). ``"sentence"`` / ``"document"``: the number of sentences /
    documents coded with both codes (diagonal: coded with the code). Labels are code names
    (``name#id`` when a name is not unique).
    """
    import pandas as pd

    if unit not in {"overlap", "sentence", "document"}:
        raise ParameterError(
            f"共现单位「{unit}」无效；可选 overlap、sentence、document",
            f"co-occurrence unit '{unit}' is not valid; use overlap, sentence or document",
        )
    spans = q.coding_spans(store, coder_filter(store, coder), doc_ids)
    if unit == "overlap":
        pairs, diag = _overlap_pairs(spans)
    else:
        if unit == "sentence" and sentences_of is None:
            raise ValueError("unit='sentence' needs sentences_of")
        pairs, diag = defaultdict(int), defaultdict(int)
        for codes in _units(spans, unit, sentences_of).values():  # type: ignore[arg-type]
            for c in codes:
                diag[c] += 1
            for a, b in combinations(sorted(codes), 2):
                pairs[(a, b)] += 1
    labels = _labels(store, diag)
    ids = sorted(diag)
    pos = {c: i for i, c in enumerate(ids)}
    matrix = [[0] * len(ids) for _ in ids]
    for c, n in diag.items():
        matrix[pos[c]][pos[c]] = n
    for (a, b), n in pairs.items():
        if a != b:
            matrix[pos[a]][pos[b]] += n
            matrix[pos[b]][pos[a]] += n
    names = [labels[c] for c in ids]
    return pd.DataFrame(
        matrix, index=pd.Index(names, name="code"), columns=pd.Index(names, name="code")
    )


def code_document_matrix(
    store: Store, *, coder: str | None = None, doc_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Codes (rows, those with codings) × documents (columns, by id): numbers of codings
    (in the documents ``doc_ids``; None: all)."""
    import pandas as pd

    rows = q.code_document_counts(store, coder_filter(store, coder))
    if doc_ids is not None:
        rows = [r for r in rows if r["document_id"] in doc_ids]
    labels = _labels(store, (r["code_id"] for r in rows))
    df = pd.DataFrame(
        [(labels[r["code_id"]], r["document_id"], r["n"]) for r in rows],
        columns=["code", "document", "n"],
    )
    if df.empty:
        return pd.DataFrame(index=pd.Index([], name="code"), columns=pd.Index([], name="document"))
    out = df.pivot_table(index="code", columns="document", values="n", aggfunc="sum", fill_value=0)
    return out.astype(int)


def search_text(
    texts: Iterable[tuple[int, str]], query: str, *, regex: bool = False, context: int = 20
) -> pd.DataFrame:
    """Find ``query`` (plain text, or a regular expression) in every document's cleaned text.

    Offsets are code points, ready for ``code_span``. Columns: document, start, end, text,
    context.

    >>> search_text([(1, "创新联合体与创新生态")], "创新")[["start", "end"]].values.tolist()
    [[0, 2], [6, 8]]
    """
    import pandas as pd

    from zhagen.text.find import Finder

    finder = Finder(query, regex=regex)
    records = []
    for doc, text in texts:
        for start, end in finder.spans(text):
            ctx = text[max(0, start - context) : end + context]
            records.append((doc, start, end, text[start:end], ctx))
    return pd.DataFrame(records, columns=["document", "start", "end", "text", "context"])
