"""Authors: one spelling per person, and people of the same name told apart by institution.

A CNKI record gives full Chinese names (``王娜``); a Web of Science record full names in
``AF`` (``Ion, Raluca``), which the reader takes over the short ``AU`` (``Ion, R``).
:func:`author_key` is what two spellings of one name share: NFKC, spaces inside a Chinese
name removed, trailing markers (``1``, ``*``, ``,``) dropped; Latin names without dots,
initials run together and case folded (``Bagheri, Z. S.`` and ``BAGHERI, ZS`` share the key
``bagheri, zs``). A node's label is the spelling of its key found most often.

**Same name, different people.** :func:`split_homonyms` looks at every record of a name:
two records are the same person when they share an institution of that author (from the
WoS ``C1`` bracket ``[Name; Name] address``; a CNKI record lists institutions for all its
authors together, so each author gets all of them) or a co-author. A name whose records
fall into two or more such groups that each have an institution is *ambiguous*: each group
becomes its own node, labelled ``name (institution)``, and the name is reported. Records
without any institution cannot be placed and keep the bare name. When the data gives no
institutions at all nothing is split.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from zhagen.entities.institutions import has_han

__all__ = [
    "normalise_author", "author_key", "author_parts", "c1_authors", "split_homonyms", "Homonym",
    "AUTHOR_ROLES",
    "person_label",
]  # fmt: skip

_TRAIL = re.compile(r"[\s\d*＊,，;；.。†‡#]+$")
_NOTE = re.compile(r"[(（](?:通讯作者|通信作者|共同第一作者|corresponding author)[)）]", re.I)


def normalise_author(name: str) -> str:
    """An author's name as it is shown: NFKC, trailing markers dropped, spaces inside a
    Chinese name removed, runs of space made one.

    >>> normalise_author("王 娜1"), normalise_author(" Melancon,  D. "), normalise_author("谢昕(通讯作者)")
    ('王娜', 'Melancon, D.', '谢昕')
    """
    return _shown(name)[0]


def _shown(name: str) -> tuple[str, bool]:
    """:func:`normalise_author` and whether the name is Chinese (dropping the trailing
    markers and spaces keeps every Chinese character)."""
    text = _NOTE.sub("", unicodedata.normalize("NFKC", name)).strip()
    if has_han(text):
        return _TRAIL.sub("", "".join(text.split())), True
    return " ".join(text.split()).strip(" ,;"), False


def author_key(name: str) -> str:
    """What the spellings of one author's name share (see the module); ``""`` for none.

    >>> author_key("Bagheri, Z. S."), author_key("BAGHERI, ZS"), author_key("王 娜")
    ('bagheri, zs', 'bagheri, zs', '王娜')
    >>> author_key("Ion, Raluca")
    'ion, raluca'
    """
    return _key_of_shown(*_shown(name))


def _key_of_shown(text: str, han: bool) -> str:
    """:func:`author_key` of a name already :func:`normalise_author`-ed (``han``: it is
    Chinese)."""
    if not text or han:
        return text
    family, comma, given = text.replace(".", " ").partition(",")
    tokens = given.split()
    if tokens and all(len(t) <= 2 and t.isalpha() and t.isupper() for t in tokens):
        given = "".join(tokens)  # initials: "Z S" and "ZS" alike
    else:
        given = " ".join(tokens)
    out = " ".join(family.split()) + (", " + given if comma and given else "")
    return out.casefold()


#: The parts of one distinct author string (:func:`author_parts`): its spelling as shown
#: and its key when that differs from the spelling.
AUTHOR_ROLES = ("shown", "key")


def author_parts(name: str) -> list[tuple[int, str]]:
    """(role, value) of one stored author string (:data:`AUTHOR_ROLES`): what a map of
    authors reads of it, computed once per distinct string. A name with no key (empty once
    normalised) has no part; the key is stored only where it differs from the spelling.

    >>> author_parts("王 娜1"), author_parts("BAGHERI, Z. S."), author_parts(" ; ")
    ([(0, '王娜')], [(0, 'BAGHERI, Z. S.'), (1, 'bagheri, zs')], [])
    >>> author_parts("Li (Jr), X")
    [(0, 'Li (Jr), X'), (1, 'li (jr), x')]
    """
    shown, han = _shown(name)
    key = _key_of_shown(shown, han)
    if not key:
        return []
    out = [(0, shown)]
    if key != shown:
        out.append((1, key))
    return out


def person_label(key: str, label: Mapping[str, str]) -> str:
    """How a person's key is shown: the label of the longest part of ``key`` that is a
    name's key — the whole key, or the text before one of its `` (`` (a name split by
    institution is ``name (institution)``) followed by the rest; the key itself when no
    part of it is a name's key. A name that itself holds `` (`` keeps its own label.

    >>> person_label("li (jr), x", {"li (jr), x": "Li (Jr), X"})
    'Li (Jr), X'
    >>> person_label("wang, n (Tsinghua Univ (Beijing))", {"wang, n": "Wang, N."})
    'Wang, N. (Tsinghua Univ (Beijing))'
    >>> person_label("zhou, x (Fudan Univ)", {})
    'zhou, x (Fudan Univ)'
    """
    if key in label:
        return label[key]
    at = key.rfind(" (")
    while at > 0:
        if key[:at] in label:
            return label[key[:at]] + key[at:]
        at = key.rfind(" (", 0, at)
    return key


def c1_authors(lines: str) -> dict[str, list[str]]:
    """Each author's addresses from the raw WoS ``C1`` lines (``[A; B] address``), by
    :func:`author_key`; lines without a bracket are for every author (under ``""``).

    >>> c1_authors("[Ion, Raluca; Mitran, V.] Univ Bucharest, Bucharest, Romania.\\nINSA Rennes, France.")
    {'ion, raluca': ['Univ Bucharest, Bucharest, Romania.'], 'mitran, v': ['Univ Bucharest, Bucharest, Romania.'], '': ['INSA Rennes, France.']}
    """
    out: dict[str, list[str]] = {}
    for line in lines.split("\n"):
        line = line.strip()
        if not line:
            continue
        names = [""]
        if line.startswith("[") and (end := line.find("]")) > 0:
            names = [author_key(n) for n in line[1:end].split(";") if n.strip()]
            line = line[end + 1 :].strip()
        for key in names:
            out.setdefault(key, []).append(line)
    return out


@dataclass
class Homonym:
    """A name shared by several people: the labels it was split into and each one's
    institutions and record count."""

    name: str
    people: list[dict] = field(default_factory=list)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split_homonyms(
    authors: Sequence[Sequence[str]],
    institutions: Sequence[Sequence[Sequence[str]]],
) -> tuple[list[list[str]], list[Homonym]]:
    """Tell apart people of the same name by institution and co-authors (see the module).

    Parameters
    ----------
    authors:
        Per record, its author keys (unique within the record).
    institutions:
        Per record, per author, that author's institutions in the record.

    Returns
    -------
    (labels per record, ambiguous names)
        ``labels`` replaces each author key by the key of its person: the key itself, or
        ``key (institution)`` for a name split into several people.

    >>> names = [["王伟", "李明"], ["王伟", "李明"], ["王伟"], ["王伟"]]
    >>> insts = [[["清华大学"], ["清华大学"]], [[], []], [["北京大学"]], [[]]]
    >>> labels, amb = split_homonyms(names, insts)
    >>> labels
    [['王伟 (清华大学)', '李明'], ['王伟 (清华大学)', '李明'], ['王伟 (北京大学)'], ['王伟']]
    >>> amb[0].name, [p["label"] for p in amb[0].people]
    ('王伟', ['王伟 (北京大学)', '王伟 (清华大学)'])
    """
    labels = [list(names) for names in authors]
    found: list[Homonym] = []
    where = _ambiguous_places(authors, institutions)
    for name in sorted(where):
        occ = where[name]
        if len(occ) < 2:
            continue
        groups = _same_person(name, occ, authors, institutions)
        placed = {
            root: Counter(i for m in members for r, k in [occ[m]] for i in institutions[r][k])
            for root, members in groups.items()
        }
        placed = {root: c for root, c in placed.items() if c}
        if len(placed) < 2:
            continue
        people = []
        for root, counts in placed.items():
            top = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            label = f"{name} ({top})"
            for m in groups[root]:
                r, k = occ[m]
                labels[r][k] = label
            people.append({"label": label, "institutions": sorted(counts),
                           "records": len(groups[root])})  # fmt: skip
        # labels are distinct: a group's top institution is in no other group (a shared
        # institution would have joined them)
        people.sort(key=lambda p: p["label"])
        found.append(Homonym(name, people))
    return labels, found


def _ambiguous_places(
    authors: Sequence[Sequence[str]],
    institutions: Sequence[Sequence[Sequence[str]]],
) -> dict[str, list[tuple[int, int]]]:
    """Each name seen with two institutions or more: its places (record, position).

    Only such a name can be two people: the others are left alone without grouping their
    records (most names, and most of the time).

    >>> _ambiguous_places([["王伟", "李明"], ["王伟"]], [[["清华大学"], ["清华大学"]], [["北京大学"]]])
    {'王伟': [(0, 0), (1, 0)]}
    """
    seen: dict[str, set[str]] = {}
    for names, insts in zip(authors, institutions, strict=True):
        for name, mine in zip(names, insts, strict=True):
            if mine:
                got = seen.get(name)
                if got is None:
                    seen[name] = set(mine)
                elif len(got) < 2:
                    got.update(mine)
    candidates = {name for name, got in seen.items() if len(got) > 1}
    where: dict[str, list[tuple[int, int]]] = {}
    if candidates:
        for r, names in enumerate(authors):
            for k, name in enumerate(names):
                if name in candidates:
                    where.setdefault(name, []).append((r, k))
    return where


def _same_person(
    name: str,
    occ: Sequence[tuple[int, int]],
    authors: Sequence[Sequence[str]],
    institutions: Sequence[Sequence[Sequence[str]]],
) -> dict[int, list[int]]:
    """The places of ``name`` grouped into people: two places are one person when they
    share an institution or a co-author (transitively). Groups by root, members in order.

    >>> _same_person("王伟", [(0, 0), (1, 0), (2, 0)], [["王伟", "李明"], ["王伟", "李明"], ["王伟"]],
    ...              [[["清华大学"], []], [[], []], [["北京大学"]]])
    {0: [0, 1], 2: [2]}
    """
    uf = _Union(len(occ))
    first_by: dict[str, int] = {}
    for i, (r, k) in enumerate(occ):
        links = [("i", inst) for inst in institutions[r][k]]
        links += [("a", other) for other in authors[r] if other != name]
        for link in links:
            key = link[0] + "\x00" + link[1]
            if key in first_by:
                uf.join(first_by[key], i)
            else:
                first_by[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(occ)):
        groups.setdefault(uf.find(i), []).append(i)
    return groups
