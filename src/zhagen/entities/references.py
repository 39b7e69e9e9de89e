"""Cited references of Web of Science records (``CR``): parsed, and one node per cited work.

A ``CR`` line is ``First author, year, source, V volume, P page, DOI doi`` with parts left
out when unknown (``Siebert WE, 2001, LASERS IN THE MUSCULOSKELETAL SYSTEM, P75``); the
same work is written differently by different citing records (``MCKEE MD, 2005, J BONE
JOINT SURG AM, V87, P22`` and ``McKee Michael D, 2005, J Bone Joint Surg Am, V87 Suppl
1, P22, DOI 10.2106/JBJS.D.02933``). :func:`parse_reference` reads the parts;
:func:`reference_ids` gives the identifiers a work is known by — every DOI (case folded)
and, when volume and page are known, first author's family name + year + volume + page
(the source is left out: journal abbreviations differ between styles); a reference with
neither is known by its author, year and source. :func:`group_references` joins the
references that share any identifier into one node, labelled by the most frequent
spelling of its members (without the DOI).

CNKI exports carry no cited references; a co-citation map of CNKI records says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CitedRef",
    "parse_reference",
    "reference_ids",
    "group_references",
    "cited_author",
    "cited_source",
    "PART_ROLES",
    "reference_parts",
]

_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_DOI = re.compile(r"10\.\d{3,9}/[^\s,\]]+", re.IGNORECASE)
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "dos"}


@dataclass(frozen=True)
class CitedRef:
    """The parts of one cited reference (empty strings where a part is not given)."""

    author: str
    year: str
    source: str
    volume: str
    page: str
    dois: tuple[str, ...]
    text: str  # the reference without its DOI, as written


def parse_reference(text: str) -> CitedRef:
    """Read one ``CR`` line.

    >>> r = parse_reference("McKee Michael D, 2005, J Bone Joint Surg Am, V87 Suppl 1, P22, "
    ...                     "DOI 10.2106/JBJS.D.02933")
    >>> r.author, r.year, r.source, r.volume, r.page, r.dois
    ('McKee Michael D', '2005', 'J Bone Joint Surg Am', '87', '22', ('10.2106/jbjs.d.02933',))
    >>> parse_reference("Wang J, 2020, FIGSHARE, DOI [10.6084/m9.figshare.1, DOI 10.6084/M9.FIGSHARE.1]").dois
    ('10.6084/m9.figshare.1',)
    >>> parse_reference("[Anonymous], 2016, STAND TEST METH TENS").text
    '[Anonymous], 2016, STAND TEST METH TENS'
    """
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    head, _sep, doi_part = text.partition(", DOI ")
    dois = tuple(dict.fromkeys(d.rstrip(".").casefold() for d in _DOI.findall(doi_part)))
    parts = [p.strip() for p in head.split(",")]
    author = year = source = volume = page = ""
    rest = parts
    if rest and not _YEAR.match(rest[0]):
        author, rest = rest[0], rest[1:]
    if rest and _YEAR.match(rest[0]):
        year, rest = rest[0], rest[1:]
    others = []
    for part in rest:
        if not volume and re.fullmatch(r"V\s*\S.*", part):
            volume = _alnum(part[1:].split()[0]) if part[1:].split() else ""
        elif not page and re.fullmatch(r"[Pp]\s*\S+", part):
            page = _alnum(part[1:]).upper()
        else:
            others.append(part)
    source = ", ".join(others)
    return CitedRef(author, year, source, volume.upper(), page, dois, head)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _family(author: str) -> str:
    """The family name's first word, upper case, letters only (``van Aaken Jan`` → AAKEN).

    >>> _family("van Aaken Jan"), _family("O'Toole RV"), _family("McKee Michael D")
    ('AAKEN', 'OTOOLE', 'MCKEE')
    """
    words = author.replace(",", " ").split()
    while len(words) > 1 and words[0].lower() in _PARTICLES:
        words = words[1:]
    return "".join(ch for ch in (words[0] if words else "") if ch.isalpha()).upper()


def cited_author(ref: CitedRef) -> str:
    """The first author as a cited-author node: upper case, dots dropped, ``""`` for an
    anonymous work.

    >>> cited_author(parse_reference("McKee M.D., 2005, X")), cited_author(parse_reference("[Anonymous], 2016, X"))
    ('MCKEE MD', '')
    """
    name = ref.author
    if not name or name.startswith("[") or name.lower() == "anonymous":
        return ""
    return " ".join(name.replace(".", "").upper().split())


def cited_source(ref: CitedRef) -> str:
    """The source (journal, book) as a cited-journal node: upper case, dots dropped.

    >>> cited_source(parse_reference("McKee MD, 2005, J. Bone Joint Surg. Am., V87, P22"))
    'J BONE JOINT SURG AM'
    """
    return " ".join(ref.source.replace(".", " ").upper().split())


def reference_ids(ref: CitedRef) -> tuple[str, ...]:
    """The identifiers of the work a reference cites (see the module).

    >>> reference_ids(parse_reference("MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22"))
    ('vp:MCKEE|2005|87|22',)
    >>> reference_ids(parse_reference("Smith J, 2010, SOME BOOK, P7"))
    ('as:SMITH J|2010|SOME BOOK||7',)
    """
    ids = ["doi:" + d for d in ref.dois]
    if ref.volume and ref.page and ref.year:
        ids.append(f"vp:{_family(ref.author)}|{ref.year}|{ref.volume}|{ref.page}")
    if not ids:
        author = " ".join(ref.author.replace(".", "").upper().split())
        ids.append(f"as:{author}|{ref.year}|{cited_source(ref)}|{ref.volume}|{ref.page}")
    return tuple(ids)


#: The parts of a cited reference a project stores once per distinct ``CR`` string
#: (:func:`reference_parts`), by role number: its spelling without DOI, cited author,
#: cited journal and the identifiers of :func:`reference_ids` by their prefix.
PART_ROLES = ("text", "author", "journal", "doi", "vp", "as")
_ID_ROLE = {"doi": 3, "vp": 4, "as": 5}


def reference_parts(text: str) -> list[tuple[int, str]]:
    """(role, value) of every part of one ``CR`` string (:data:`PART_ROLES`): what
    :func:`group_references`, :func:`cited_author` and :func:`cited_source` read of it.
    An empty cited author or journal is no part; identifiers keep their prefix.

    >>> reference_parts("McKee M.D., 2005, J Bone Joint Surg Am, V87, P22, DOI 10.2106/X")
    [(0, 'McKee M.D., 2005, J Bone Joint Surg Am, V87, P22'), (1, 'MCKEE MD'), (2, 'J BONE JOINT SURG AM'), (3, 'doi:10.2106/x'), (4, 'vp:MCKEE|2005|87|22')]
    >>> reference_parts("[Anonymous], 2016")
    [(0, '[Anonymous], 2016'), (5, 'as:[ANONYMOUS]|2016|||')]
    """
    ref = parse_reference(text)
    out = [(0, ref.text)]
    for role, value in ((1, cited_author(ref)), (2, cited_source(ref))):
        if value:
            out.append((role, value))
    out.extend((_ID_ROLE[i.partition(":")[0]], i) for i in reference_ids(ref))
    return out


def group_references(refs: Iterable[str]) -> dict[str, str]:
    """Each distinct reference string → the label of the cited work it belongs to.

    References sharing a DOI or a family name + year + volume + page are one work (a DOI
    that references of different volume/page or authors share is not used); its
    label is the spelling (without DOI) most of its citations use, ties broken by code
    point; two works that would get the same label have their DOI added to it.

    >>> g = group_references(["MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22",
    ...     "McKee Michael D, 2005, J Bone Joint Surg Am, V87 Suppl 1, P22, DOI 10.2106/X",
    ...     "McKee MD, 2005, J BONE JOINT SURG AM, V87, P22, DOI 10.2106/x"])
    >>> sorted(set(g.values()))
    ['MCKEE MD, 2005, J BONE JOINT SURG AM, V87, P22']
    >>> len(set(group_references(["Jones KB, 2005, J BJS, V87B, P489, DOI 10.1302/X",
    ...                           "Little CP, 2005, J BJS, V87B, P437, DOI 10.1302/X"]).values()))
    2
    """
    counts = Counter(refs)
    texts = sorted(counts)
    parsed = [parse_reference(t) for t in texts]
    parent = list(range(len(texts)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    ids = [reference_ids(ref) for ref in parsed]
    # A DOI written for works of different pages or authors (WoS cuts some DOIs short:
    # "10.1302/0301-620X.87B4" for three papers of one issue) identifies none of them.
    seen_with: dict[str, set[str]] = {}
    for own in ids:
        vp = [i for i in own if i.startswith("vp:")]
        for ident in own:
            if ident.startswith("doi:") and vp:
                seen_with.setdefault(ident, set()).update(vp)
    bad = {d for d, vps in seen_with.items() if len(vps) > 1}
    owner: dict[str, int] = {}
    for k, own in enumerate(ids):
        for ident in own:
            if ident in bad:
                continue
            j = owner.setdefault(ident, k)
            if j != k:
                ra, rb = find(j), find(k)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    spellings: dict[int, Counter[str]] = {}
    dois: dict[int, set[str]] = {}
    for k, ref in enumerate(parsed):
        root = find(k)
        spellings.setdefault(root, Counter())[ref.text] += counts[texts[k]]
        dois.setdefault(root, set()).update(ref.dois)
    label_of = {
        root: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for root, c in spellings.items()
    }
    taken = Counter(label_of.values())
    for root, label in label_of.items():
        if taken[label] > 1 and dois[root]:
            label_of[root] = f"{label}, DOI {min(dois[root])}"
    return {t: label_of[find(k)] for k, t in enumerate(texts)}
