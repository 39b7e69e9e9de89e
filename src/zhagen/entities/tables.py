"""A project's entity tables: each document's keywords as integer links, derived once.

A map reads integer links (document id, entity id, the keyword's language side) from
``doc_entities`` and the distinct labels from ``entities`` (:mod:`zhagen.store.entities`)
instead of splitting every document's keyword JSON on every run. The links are derived

- during an import, by the worker processes: each unit of records comes back with its
  documents' keyword links (:func:`unit_keywords`), which the main process stores with the
  documents, in the same transaction (:class:`KeywordLinker`), while the kind is up to date
  up to the unit's first document; otherwise
- after an import, once for the documents it added (:func:`derive`, called by
  ``Project.add``);
- on first use, for a project made before the tables existed, or when the normalisation
  version (:data:`VERSIONS`) changed (that kind only is derived again from scratch);
- for documents whose fields changed or that were deleted since (``entity_stale``, filled by
  triggers on ``documents``): only those documents are derived again.

What is stored is the keyword as :func:`~zhagen.entities.keywords.normalise_keyword` counts
it, *before* any thesaurus: a thesaurus is applied to the distinct labels a map reads
(one dictionary look-up per distinct keyword), so changing a thesaurus re-derives nothing,
and ``entity_kinds.thesaurus`` stays ``''``.

Each chunk of documents is split at C speed (:func:`~zhagen.entities.keywords.split_keyword_sides`,
the reader the maps used before) and the links are inserted with one ``executemany`` per
chunk, in one transaction per derivation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from zhagen.entities.keywords import KEYWORD_SIDES, normalise_keyword, split_keyword_sides
from zhagen.store import entities as q
from zhagen.store.docs import insert_staged_links

if TYPE_CHECKING:
    import numpy as np

    from zhagen.store.db import Store

__all__ = [
    "VERSIONS",
    "IMPORT_KINDS",
    "KeywordLinker",
    "LINK_SIDES",
    "derive",
    "document_keywords",
    "kind_id",
    "keyword_kind",
    "unit_keywords",
]

#: Normalisation version of each kind: raise it when what an entity is changes, and the
#: kind is derived again from scratch on first use. ``keyword``: keywords normalised as
#: CiteSpace counts them (role: the language side); the others are the fields the
#: entity node types are read from, as stored (authors, affiliations, cited references:
#: one link per list item at its position; ``c1``, ``wc``: WoS addresses and categories).
#: ``cited-parts``: the parts of each distinct cited reference
#: (:func:`~zhagen.entities.references.reference_parts`), derived per entity of ``cited``;
#: ``author-parts`` (:func:`~zhagen.entities.names.author_parts`: spelling and key) and
#: ``affiliation-parts`` (:func:`~zhagen.entities.institutions.affiliation_parts`: the
#: institution at each level) likewise per distinct author and affiliation string.
VERSIONS = {
    "keyword": 1, "author": 1, "affiliation": 1, "cited": 1, "c1": 1, "wc": 1, "cited-parts": 1,
    "author-parts": 2, "affiliation-parts": 1,
}  # fmt: skip
#: Kinds derived once per distinct entity of another kind (``entity_parts``; their
#: ``upto`` is the highest entity id of that kind whose parts exist), and the function
#: giving an entity label's parts (role, value), as ``"module.function"`` of
#: ``zhagen.entities`` (imported when a derivation needs it, see :func:`_rule`).
PARTS: dict[str, tuple[str, str]] = {
    "cited-parts": ("cited", "references.reference_parts"),
    "author-parts": ("author", "names.author_parts"),
    "affiliation-parts": ("affiliation", "institutions.affiliation_parts"),
}
#: Derived at the end of every import; the others on first use (a map or ``zhagen
#: stats`` that reads them).
IMPORT_KINDS = ("keyword",)
#: Documents read per derivation chunk.
CHUNK = 65536
#: Up to this many documents are derived one by one in plain Python: an import of a few
#: thousand records then loads neither numpy nor pandas (~0.4 s of its time).
SMALL = 20_000


def derive(store: Store, kinds: tuple[str, ...] = IMPORT_KINDS) -> dict[str, int]:
    """Bring the links of ``kinds`` up to date; return, per kind, how many documents were
    derived now (0: nothing to do). Fails quietly (returns ``{}``) on a read-only file.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:  # its documents were added: the import derived them
    ...     done, state = derive(p.store), q.kind_state(p.store, "keyword")
    >>> done, state.upto == 3
    ({'keyword': 0}, True)
    """
    done: dict[str, int] = {}
    try:
        for kind in kinds:
            if kind in PARTS:
                done[PARTS[kind][0]] = _derive(store, PARTS[kind][0])
                done[kind] = _derive_parts(store, kind)
            else:
                done[kind] = _derive(store, kind)
    except sqlite3.OperationalError as exc:  # a read-only file or a locked database
        if "readonly" in str(exc) or "read-only" in str(exc) or "locked" in str(exc):
            return {}
        raise
    return done


def kind_id(store: Store, name: str) -> int | None:
    """The id of kind ``name`` once its links are complete (derived now if needed); None
    when they cannot be made (a read-only file)."""
    if not derive(store, (name,)):
        return None
    state = q.kind_state(store, name)
    return None if state is None else state.id


def keyword_kind(store: Store) -> int | None:
    """:func:`kind_id` of the keywords."""
    return kind_id(store, "keyword")


def _derive(store: Store, name: str) -> int:
    """Derive what kind ``name`` lacks: everything (new version), the stale documents,
    the documents added since."""
    version = VERSIONS[name]
    state = q.kind_state(store, name)
    top = q.max_document_id(store)
    stale = q.stale_documents(store, state.id) if state is not None else []
    if state is not None and state.version == version and state.upto >= top and not stale:
        return 0
    rows = _keyword_rows if name == "keyword" else _field_rows if name in _LISTS else _one_rows
    n = 0
    with store.transaction():
        if state is None or state.version != version:
            state = q.delete_kind(store, name, version)
            stale = []
            for part, (source, _fn) in PARTS.items():  # their entity ids may come again
                if source == name and q.kind_state(store, part) is not None:
                    q.delete_kind(store, part, VERSIONS[part])
        known = q.entity_ids(store, state.id)
        if stale:
            q.delete_stale(store, state.id, stale)
            again = q.field_of(store, name, [d for d in stale if d <= state.upto])
            n += rows(store, state.id, known, again)
        q.delete_links(store, state.id, state.upto)  # none unless an earlier run broke off
        if name == "keyword" and top - state.upto > SMALL:
            for count, _top, ids, joined in q.keyword_json_chunks(store, state.upto, CHUNK):
                n += _keyword_chunk(store, state.id, known, count, ids, joined)
        else:
            after = state.upto
            while chunk := q.field_after(store, name, after, CHUNK):
                n += rows(store, state.id, known, chunk)
                after = chunk[-1][0]
        q.set_upto(store, state.id, top)
    return n


def _derive_parts(store: Store, name: str) -> int:
    """Derive the parts of the entities of ``PARTS[name]`` that lack them (all of them
    after a new version); return how many entities were derived. Each distinct string is
    parsed once, whatever the number of documents linking to it."""
    source, rule = PARTS[name]
    parts_of = _rule(rule)
    version = VERSIONS[name]
    src = q.kind_state(store, source)
    top = 0 if src is None else q.max_entity_id(store, src.id)
    state = q.kind_state(store, name)
    fresh = state is not None and state.version == version and state.upto <= top
    if fresh and state is not None and state.upto == top and not q.stale_documents(store, state.id):
        return 0
    n = 0
    with store.transaction():
        if state is None or not fresh:
            state = q.delete_kind(store, name, version)
        q.delete_all_stale(store, state.id)  # document changes touch the source kind only
        known = q.entity_ids(store, state.id)
        after = state.upto
        while src is not None and (chunk := q.entities_after(store, src.id, after, CHUNK)):
            first = q.next_entity_id(store)
            new: dict[str, int] = {}
            rows: list[tuple[int, int, int]] = []
            for eid, label in chunk:
                for role, value in parts_of(label):
                    pid = known.get(value)
                    if pid is None:
                        pid = known[value] = new[value] = first + len(new)
                    rows.append((role, eid, pid))
            q.insert_entities(store, state.id, list(new), first)
            q.insert_parts(store, state.id, rows)
            n += len(chunk)
            after = chunk[-1][0]
        q.set_upto(store, state.id, top)
    return n


_ROLES = tuple(enumerate(KEYWORD_SIDES))


def _rule(name: str) -> Callable[[str], list[tuple[int, str]]]:
    """The function ``zhagen.entities.<module>.<function>`` named ``"module.function"``,
    imported on first use: an import (whose workers and main process import this module)
    needs none of the entity rules' regular expressions.

    >>> _rule("names.author_parts").__name__
    'author_parts'
    """
    import importlib

    module, _, function = name.partition(".")
    return getattr(importlib.import_module(f"zhagen.entities.{module}"), function)  # type: ignore[no-any-return]


#: Kinds stored as a JSON list of strings; the others are one string per document.
_LISTS = ("author", "affiliation", "cited")


def _field_rows(store: Store, kind: int, known: dict[str, int], rows: list[Any]) -> int:
    """Derive and insert the links of ``rows`` (document id, a stored JSON list of
    strings: authors, affiliations, cited references), each string at its position, empty
    ones and repeats too, so that the records read back are the records stored."""
    from zhagen.entities.collect import json_list

    return _insert_items(store, kind, known, [(d, json_list(v)) for d, v in rows])


def _one_rows(store: Store, kind: int, known: dict[str, int], rows: list[Any]) -> int:
    """As :func:`_field_rows` for a field of one string (WoS ``C1`` lines, ``WC``),
    absent when empty or not a string."""
    return _insert_items(
        store, kind, known, [(d, [v] if isinstance(v, str) and v else []) for d, v in rows]
    )


def _insert_items(
    store: Store, kind: int, known: dict[str, int], items: list[tuple[int, list[str]]]
) -> int:
    links: list[tuple[int, int, int, int]] = []
    new: dict[str, int] = {}
    first = q.next_entity_id(store)
    for doc_id, values in items:
        for pos, item in enumerate(values):
            eid = known.get(item)
            if eid is None:
                eid = known[item] = new[item] = first + len(new)
            links.append((doc_id, pos, 0, eid))
    q.insert_entities(store, kind, list(new), first)
    q.insert_links(store, kind, links)
    return len(items)


def _keyword_rows(store: Store, kind: int, known: dict[str, int], rows: list[Any]) -> int:
    """Derive and insert the keyword links of ``rows`` (document id, keywords JSON), each
    read with ``json.loads``; ``known``: label → id, updated with new entities."""
    norm: dict[str, str] = {}
    found: list[tuple[int, int, int, str]] = []  # document, position, side, label
    for doc_id, text in rows:
        for pos, (role, label) in enumerate(document_keywords(_json_object(text), norm)):
            found.append((doc_id, pos, role, label))
    new = [lab for lab in dict.fromkeys(f[3] for f in found) if lab not in known]
    known.update(zip(new, q.insert_entities(store, kind, new), strict=True))
    q.insert_links(store, kind, [(d, pos, role, known[lab]) for d, pos, role, lab in found])
    return len(rows)


def _keyword_chunk(
    store: Store, kind: int, known: dict[str, int], n: int, ids: str, joined: str
) -> int:
    """Derive and insert the keyword links of ``n`` documents (ids comma-separated, their
    keyword JSON one per line); ``known``: label → id, updated with new entities."""
    import numpy as np

    doc_ids = np.fromstring(ids, dtype=np.int64, sep=",")  # noqa: NPY201 - C-speed parse
    if doc_ids.size != n or joined.count("\n") != n - 1:  # a JSON text with a raw line break
        texts = [t.replace("\n", " ") for t in _split_lines(joined, n)]
        joined = "\n".join(texts)
    tokens, lines, roles = _keyword_occurrences(joined)
    if not tokens:
        return n
    # each distinct keyword normalised once, in the order of its first occurrence (a dict
    # keeps it; new entities are numbered in that order), then every occurrence looked up
    # in C (map over a dict): pandas' factorize did the same, but importing pandas cost
    # more than the whole lookup below 1M records
    distinct = dict.fromkeys(tokens)
    labels = [normalise_keyword(t) for t in distinct]
    new = [lab for lab in dict.fromkeys(labels) if lab and lab not in known]
    known.update(zip(new, q.insert_entities(store, kind, new), strict=True))
    ent_of = {t: known.get(lab, -1) if lab else -1 for t, lab in zip(distinct, labels, strict=True)}
    ents = np.fromiter(map(ent_of.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    keep = ents >= 0
    lines, roles, ents = lines[keep], roles[keep], ents[keep]
    if not ents.size:  # every keyword empty once normalised
        return n
    # one link per (document, side, keyword), the first occurrence kept, in document order
    order = np.argsort(lines, kind="stable")
    lines, roles, ents = lines[order], roles[order], ents[order]
    # (line, role, entity) as one integer (lines < CHUNK, roles < 3, entity ids far below
    # 2**63 / (3 * CHUNK)): a 1-D unique sorts integers, not rows
    key = (lines * len(KEYWORD_SIDES) + roles) * (int(ents.max()) + 1) + ents
    _, first = np.unique(key, return_index=True)
    first.sort()
    lines, roles, ents = lines[first], roles[first], ents[first]
    starts = np.flatnonzero(np.r_[True, lines[1:] != lines[:-1]])
    pos = np.arange(lines.size) - np.repeat(starts, np.diff(np.r_[starts, lines.size]))
    q.insert_links(
        store,
        kind,
        zip(
            doc_ids[lines].tolist(),
            pos.tolist(),
            roles.tolist(),
            ents.tolist(),
            strict=True,
        ),
    )
    return n


def _split_lines(joined: str, n: int) -> list[str]:
    """The ``n`` JSON texts of a chunk whose texts hold raw line breaks: each JSON text is
    read whole from the front (a raw line break is only whitespace between JSON tokens)."""
    out: list[str] = []
    dec = json.JSONDecoder()
    i = 0
    while i < len(joined) and len(out) < n:
        try:
            _, end = dec.raw_decode(joined, i)
        except ValueError:
            end = joined.find("\n", i)
            end = len(joined) if end < 0 else end
        out.append(joined[i:end])
        i = end + 1
    return out + ["{}"] * (n - len(out))


def _keyword_occurrences(joined: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Raw keywords of a chunk (one JSON object per line), with their line and side (role).

    Lines with a JSON escape (or a shape the fast split does not read) are read with
    ``json.loads``, the others split at C speed, as the maps read them.

    >>> t, lines, roles = _keyword_occurrences('{"zh":["甲","乙"],"en":["A b"]}\\n{"plus":["c"]}')
    >>> t, lines.tolist(), roles.tolist()
    (['甲', '乙', 'A b', 'c'], [0, 0, 0, 1], [0, 0, 1, 2])
    >>> sorted(_keyword_occurrences('{"zh":["a\\\\"b"]}\\n{"zh":"c"}')[0])
    ['a"b', 'c']
    """
    import numpy as np

    exact: list[tuple[str, int, int]] = []
    if "\\" in joined:
        texts = joined.split("\n")
        for k, text in enumerate(texts):
            if "\\" in text:
                exact.extend((t, k, r) for t, r in _json_keywords(text))
                texts[k] = "{}"
        joined = "\n".join(texts)
    tokens: list[str] = []
    lines, roles = [], []
    split = split_keyword_sides(joined, KEYWORD_SIDES)  # grouped by side, as read side by side
    if split is None:  # JSON of another shape: every line on its own
        for k, text in enumerate(joined.split("\n")):
            exact.extend((t, k, r) for t, r in _json_keywords(text))
    else:
        tokens, line_of, role_of = split
        lines.append(line_of)
        roles.append(role_of)
    tokens.extend(t for t, _, _ in exact)
    lines.append(np.asarray([k for _, k, _ in exact], dtype=np.int64))
    roles.append(np.asarray([r for _, _, r in exact], dtype=np.int64))
    return tokens, np.concatenate(lines), np.concatenate(roles)


def _json_object(text: str | None) -> Any:
    """One stored keywords object read with ``json.loads`` (None: not JSON)."""
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return None


def _json_keywords(text: str) -> list[tuple[str, int]]:
    """(keyword, side) of one stored keywords object read with ``json.loads``."""
    return _sides(_json_object(text))


def _sides(by_side: Any) -> list[tuple[str, int]]:
    """(keyword, side) of one keywords object: a bare string is one keyword, anything
    else that is not a string is no keyword, and an object that is not a dict has none.
    (A tuple counts as the list it is stored as.)"""
    if not isinstance(by_side, dict):
        return []
    out = []
    for role, side in enumerate(KEYWORD_SIDES):
        value = by_side.get(side)
        items = (
            [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
        )
        out.extend((kw, role) for kw in items if isinstance(kw, str))
    return out


def document_keywords(by_side: Any, norm: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """The keyword links of one document, in position order: (side, label) of each
    distinct keyword of a side, normalised (:func:`normalise_keyword`), empty ones dropped.
    ``by_side``: its keywords object (as stored, read back; or as the import stores it);
    ``norm``: keyword → label, a cache shared by many documents.

    >>> document_keywords({"zh": ["数字经济", " 数字经济"], "en": ["Digital  Economy", ""]})
    [(0, '数字经济'), (1, 'digital economy')]
    """
    norm = {} if norm is None else norm
    seen: dict[tuple[int, str], None] = {}  # a dict keeps the first position of each
    for kw, role in _sides(by_side):
        label = norm.get(kw)
        if label is None:
            label = norm[kw] = normalise_keyword(kw)
        if label:
            seen[role, label] = None
    return list(seen)


#: How a link is coded in :func:`unit_keywords`: ``label index * LINK_SIDES + side``.
LINK_SIDES = len(KEYWORD_SIDES)


def unit_keywords(objects: Iterable[Any]) -> tuple[list[str], list[list[int]]]:
    """The keyword links of a unit of documents (their keywords objects, in order), as an
    import worker hands them back: the unit's distinct labels in the order of their first
    occurrence, and per document its links in position order, each coded as one integer
    (index of its label × :data:`LINK_SIDES` + side). The main process maps each distinct
    label to an entity id once (:class:`KeywordLinker`): the links are those
    :func:`derive` makes of the stored JSON.

    >>> unit_keywords([{"zh": ["甲", "乙"]}, {}, {"en": ["B"], "zh": ["乙"]}])
    (['甲', '乙', 'b'], [[0, 3], [], [3, 7]])
    """
    # the rule of document_keywords, written out (~1.3 µs a record against 3.7, in every
    # worker, for every record): each raw keyword maps straight to its label's index (-1:
    # empty once normalised), and a link is one integer, which is also what tells a (label,
    # side) seen twice in a document; no tuple per link (see zhagen.store.docs.stage_rows)
    norm: dict[str, int] = {}
    index: dict[str, int] = {}
    docs: list[list[int]] = []
    for by_side in objects:
        doc: list[int] = []
        docs.append(doc)
        if not by_side or not isinstance(by_side, dict):
            continue
        seen: set[int] = set()
        for role, side in _ROLES:
            value = by_side.get(side)
            if value is None:
                continue
            if isinstance(value, str):
                value = (value,)
            elif not isinstance(value, list | tuple):
                continue
            for kw in value:
                if not isinstance(kw, str):
                    continue
                k = norm.get(kw)
                if k is None:
                    label = normalise_keyword(kw)
                    k = norm[kw] = index.setdefault(label, len(index)) if label else -1
                if k < 0 or (code := LINK_SIDES * k + role) in seen:
                    continue
                seen.add(code)
                doc.append(code)
    return list(index), docs


class KeywordLinker:
    """Stores the keyword links an import's workers derived (:func:`unit_keywords`) with
    each unit's documents, in the unit's transaction, so that :func:`derive` has nothing
    left to do after the import: no second read of the documents, no JSON split here.

    One per import; it keeps label → entity id across the units. A unit is linked only
    while the kind is up to date up to the document before it (its version current, no
    stale document, ``upto`` its first id minus one); any other unit is left to
    :func:`derive`, the reference, which then derives exactly what it always did.

    >>> from zhagen.examples import tiny_project
    >>> with tiny_project() as p:
    ...     top = q.max_document_id(p.store)
    ...     KeywordLinker(p.store).link(top - 1, 1, (["x"], [[0]]))  # not at the top
    False
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._kind = -1
        self._known: dict[str, int] = {}
        self._top = -1  # the highest entity id ``_known`` was made with (-1: not made)

    def link(
        self,
        base: int,
        kept: int,
        keywords: tuple[list[str], list[list[int]] | None] | None,
    ) -> bool:
        """Insert the links of the ``kept`` documents after id ``base`` (``keywords``: the
        unit's labels and links as :func:`unit_keywords` gives them, or None for the links
        in the attached stage image, see
        :func:`~zhagen.store.docs.insert_staged_links`); False when left to derive."""
        store = self.store
        state = q.kind_state(store, "keyword")
        if (
            keywords is None
            or state is None
            or state.version != VERSIONS["keyword"]
            or state.upto != base
            or q.has_stale(store, state.id)
        ):
            return False
        top = q.next_entity_id(store) - 1
        if state.id != self._kind or top != self._top:  # first unit, or a unit rolled back
            self._kind, self._known, self._top = state.id, q.entity_ids(store, state.id), top
        known = self._known
        labels, links = keywords
        new = [lab for lab in labels if lab not in known]  # labels are distinct
        known.update(zip(new, q.insert_entities(store, state.id, new, top + 1), strict=True))
        self._top = top + len(new)
        ids = [known[lab] for lab in labels]
        if links is None:
            insert_staged_links(store, state.id, base, ids)
        else:
            q.insert_links(
                store,
                state.id,
                [
                    (base + r, pos, code % LINK_SIDES, ids[code // LINK_SIDES])
                    for r, doc in enumerate(links, 1)
                    for pos, code in enumerate(doc)
                ],
            )
        q.set_upto(store, state.id, base + kept)
        return True
