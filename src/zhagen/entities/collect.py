"""Every record's entities of one node type, and what was merged to get them.

:func:`entity_terms` is the one function that turns records (:class:`EntityRecord`, plain
data read from a project) into the node labels of each record — for a map (co-authorship,
co-citation) and for descriptive statistics (``zhagen stats``: top authors, institutions,
cited references), so both count the same normalised entities. Its report lists the
spellings merged into each label and the ambiguous author names.

Node types (``ENTITY_TYPES``): ``author``, ``institution``, ``country`` (WoS ``C1``),
``reference``, ``cited-author``, ``cited-journal`` (WoS ``CR``), ``category`` (WoS ``WC``).
Each record holds each entity once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhagen.entities.institutions import country, institution
from zhagen.entities.names import (
    author_key,
    c1_authors,
    normalise_author,
    person_label,
    split_homonyms,
)
from zhagen.entities.references import cited_author, cited_source, group_references, parse_reference

__all__ = ["EntityRecord", "EntityReport", "entity_terms", "json_list", "ENTITY_TYPES"]

#: The node types read from record fields (keyword and term come from keywords and text).
ENTITY_TYPES = (
    "author", "institution", "country", "reference", "cited-author", "cited-journal", "category",
)  # fmt: skip
#: At most this many merged labels and ambiguous names are listed in a report.
REPORT_MAX = 1000


@dataclass
class EntityRecord:
    """The fields of one record that entities are read from (as stored by the readers)."""

    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    cited_refs: list[str] = field(default_factory=list)
    c1: str = ""  # WoS C1 lines as read, with their [authors] prefix
    categories: str = ""  # WoS WC
    format: str = ""


@dataclass
class EntityReport:
    """What :func:`entity_terms` merged: per label, the spellings it came from (with the
    number of records using each) when there were several; ambiguous author names."""

    node_type: str
    records_with_entities: int = 0
    merged: list[dict[str, Any]] = field(default_factory=list)
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    #: How many labels were merged when ``merged`` holds only the first of them (None:
    #: ``merged`` holds them all).
    merged_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_type": self.node_type,
            "records_with_entities": self.records_with_entities,
            "merged_labels": len(self.merged) if self.merged_count is None else self.merged_count,
            "merged": self.merged[:REPORT_MAX],
            "ambiguous_authors": self.ambiguous[:REPORT_MAX],
        }


class _Memo(dict):
    """A function of a string, computed once per distinct string (a million records
    repeat the same names and affiliations)."""

    def __init__(self, fn: Callable[[str], str]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> str:
        value = self[key] = self.fn(key)
        return value

    def __call__(self, key: str) -> str:
        return self[key]


def _unique(items: Sequence[str]) -> list[str]:
    return [t for t in dict.fromkeys(items) if t]


def _variants(pairs: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    """(label, spelling) record counts → the labels made of several spellings."""
    by_label: dict[str, list[tuple[str, int]]] = {}
    for (label, spelling), n in pairs.items():
        by_label.setdefault(label, []).append((spelling, n))
    out = []
    for label, spellings in by_label.items():
        if len(spellings) > 1:
            spellings.sort(key=lambda sn: (-sn[1], sn[0]))
            out.append(
                {"label": label, "variants": [{"text": s, "records": n} for s, n in spellings]}
            )
    out.sort(key=lambda d: (-sum(v["records"] for v in d["variants"]), d["label"]))
    return out


def _thesaurus(terms: list[list[str]], thesaurus: Mapping[str, str] | None) -> list[list[str]]:
    if not thesaurus:
        return terms
    return [_unique([thesaurus.get(t, t) for t in row]) for row in terms]


def entity_terms(
    kind: str,
    records: Sequence[EntityRecord],
    *,
    level: str = "top",
    disambiguate: bool = True,
    thesaurus: Mapping[str, str] | None = None,
) -> tuple[list[list[str]], EntityReport]:
    """The node labels of every record for node type ``kind``, and the merge report.

    Parameters
    ----------
    kind:
        One of :data:`ENTITY_TYPES`.
    records:
        The records, in order.
    level:
        Institutions: ``"top"`` (top-level institution) or ``"department"``.
    disambiguate:
        Authors: split a name shared by people of different institutions (see
        :mod:`zhagen.entities.names`).
    thesaurus:
        ``label → replacement``, applied to every label (institutions: also to the
        affiliation as written, see :func:`zhagen.entities.institutions.institution`).

    Examples
    --------
    >>> recs = [EntityRecord(["王 娜", "李明"], ["清华大学 经济管理学院"]),
    ...         EntityRecord(["王娜"], ["清华大学经济管理学院", "北京100084"])]
    >>> entity_terms("author", recs)[0]
    [['王娜', '李明'], ['王娜']]
    >>> terms, report = entity_terms("institution", recs)
    >>> terms, report.merged[0]["variants"][0]["text"]
    ([['清华大学'], ['清华大学']], '清华大学 经济管理学院')
    """
    report = EntityReport(kind)
    inst = _Memo(lambda a: institution(a, level, thesaurus))
    if kind == "author":
        terms = _authors(records, level, disambiguate, thesaurus, report)
    elif kind == "institution":
        pairs: Counter[tuple[str, str]] = Counter()
        terms = []
        for rec in records:
            row = {a: inst(a) for a in rec.affiliations}
            pairs.update({(v, k) for k, v in row.items() if v})
            terms.append(_unique(list(row.values())))
        report.merged = _variants(pairs)
    elif kind == "country":
        terms = _thesaurus([_unique([country(a) for a in r.affiliations]) for r in records],
                           thesaurus)  # fmt: skip
    elif kind == "category":
        terms = _thesaurus(
            [_unique([c.strip() for c in r.categories.split(";")]) for r in records], thesaurus
        )
    elif kind in ("reference", "cited-author", "cited-journal"):
        terms = _cited(kind, records, report)
        terms = _thesaurus(terms, thesaurus)
    else:
        raise ValueError(f"unknown node type {kind!r}")
    report.records_with_entities = sum(1 for row in terms if row)
    return terms, report


def _cited(kind: str, records: Sequence[EntityRecord], report: EntityReport) -> list[list[str]]:
    if kind == "reference":
        label = group_references(r for rec in records for r in rec.cited_refs)
        pairs = Counter((label[r], r) for rec in records for r in set(rec.cited_refs))
        merged = {k for k, n in Counter(lab for lab, _ in pairs).items() if n > 1}
        report.merged = _variants(Counter({p: n for p, n in pairs.items() if p[0] in merged}))
        return [_unique([label[r] for r in rec.cited_refs]) for rec in records]
    pick = cited_author if kind == "cited-author" else cited_source
    cache: dict[str, str] = {}
    out = []
    for rec in records:
        row = []
        for r in rec.cited_refs:
            value = cache.get(r)
            if value is None:
                value = cache[r] = pick(parse_reference(r))
            row.append(value)
        out.append(_unique(row))
    return out


def _authors(
    records: Sequence[EntityRecord],
    level: str,
    disambiguate: bool,
    thesaurus: Mapping[str, str] | None,
    report: EntityReport,
) -> list[list[str]]:
    """Author keys per record, split by institution, shown by their most frequent spelling."""
    key_of = _Memo(author_key)
    shown_as = _Memo(normalise_author)
    top = _Memo(lambda a: institution(a, "top"))
    spelled: Counter[tuple[str, str]] = Counter()
    keys: list[list[str]] = []
    insts: list[list[list[str]]] = []
    for rec in records:
        shown = {}
        for name in rec.authors:
            key = key_of(name)
            if key and key not in shown:
                shown[key] = shown_as(name)
        spelled.update((k, s) for k, s in shown.items())
        row = list(shown)
        keys.append(row)
        if not disambiguate:
            continue
        by_author = c1_authors(rec.c1) if rec.c1 and rec.c1.startswith("[") else {}
        everyone = _unique([top(a) for a in rec.affiliations])
        per = []
        for key in row:
            mine = by_author.get(key)
            per.append(_unique([top(a) for a in mine]) if mine else everyone)
        insts.append(per)
    label = {}
    for (key, spelling), n in spelled.items():
        best = label.get(key)
        if best is None or (-n, spelling) < (-best[1], best[0]):
            label[key] = (spelling, n)
    report.merged = _variants(Counter({(label[k][0], s): n for (k, s), n in spelled.items()}))
    if disambiguate:
        split, homonyms = split_homonyms(keys, insts)
        report.ambiguous = [
            {"name": label[h.name][0],
             "people": [dict(p, label=label[h.name][0] + p["label"][len(h.name):])
                        for p in h.people]}
            for h in homonyms
        ]  # fmt: skip
    else:
        split = keys
    shown_label = {k: s for k, (s, _) in label.items()}
    out = []
    for row in split:
        shown_row = [person_label(k, shown_label) for k in row]
        out.append(_unique([thesaurus.get(t, t) for t in shown_row] if thesaurus else shown_row))
    return out


def json_list(text: str | None) -> list[str]:
    """A stored JSON list of strings; one without escapes (``["a","b"]``, as zhagen writes
    them) is split as text, which is five times faster than ``json.loads``.

    Every quote must be one of the separators split at (JSON written with spaces is read
    with ``json.loads``); text that is not JSON is no list.

    >>> json_list('["王娜","李 明"]'), json_list("[]"), json_list('["a\\\\"b"]')
    (['王娜', '李 明'], [], ['a"b'])
    >>> json_list('["a", "b"]'), json_list('["a",'), json_list('[1, "x"]')
    (['a', 'b'], [], ['x'])
    """
    if not text or text == "[]":
        return []
    if text[:2] == '["' and text[-2:] == '"]' and "\\" not in text:
        items = text[2:-2].split('","')
        if text.count('"') == 2 * len(items):
            return items
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
