"""Format detection from declarations: each reader module says what its format looks like.

Every reader module declares its formats once, as a module-level ``FORMAT_SPECS`` tuple of
:class:`FormatSpec`: the name, the reader, the extensions, a sniff function over the decoded
head of a file returning a :class:`Sniff` (a confidence in [0, 1] and the reason), and the
byte pattern that starts a record (for cutting large exports into chunks). :func:`choose`
weighs them all: the highest confidence wins, the extension breaks ties, and a file whose
content is clearly one format while its extension is another's is reported, not guessed.

A file that none claims but whose lines start with field tags is an export zhagen cannot
read (RIS, MEDLINE, a damaged one): it is reported too, never imported as prose.

>>> spec = FormatSpec("demo", "m", "read", (".demo",), lambda h: Sniff(0.9, "demo") if
...     h.first == "DEMO" else NO)
>>> choose(Head("DEMO\\nline", ".txt"), [spec], "x.txt").name
'demo'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from zhagen.errors import InputError

__all__ = ["NO", "STRONG", "FormatSpec", "Head", "Sniff", "choose", "looks_tagged"]

#: A sniff at least this sure decides against the extension; below it the extension wins.
STRONG = 0.5
#: Lines (and characters) of the head that line-based sniffs look at.
_LINES = 200
_LINE_CHARS = 16384


@dataclass(frozen=True)
class Sniff:
    """How sure a sniff is that a head is its format, and why (for messages)."""

    confidence: float
    reason: str = ""


#: "Not this format."
NO = Sniff(0.0)


class Head:
    """The decoded first kilobytes of a file, with what several sniffs need computed once.

    >>> h = Head("\\ufeff\\n\\nRT Journal\\r\\nA1 Li\\n", ".TXT")
    >>> h.first, h.ext, h.lines[:2]
    ('RT Journal', '.txt', ['RT Journal', 'A1 Li'])
    """

    def __init__(self, text: str, ext: str) -> None:
        self.text = text.lstrip("\ufeff \t\r\n")
        self.ext = ext.lower()

    @cached_property
    def lines(self) -> list[str]:
        """The first lines (without line ends) of the head, leading blank lines removed."""
        return [ln.rstrip("\r") for ln in self.text[:_LINE_CHARS].split("\n", _LINES)[:_LINES]]

    @cached_property
    def first(self) -> str:
        """The first non-blank line."""
        return self.lines[0] if self.lines else ""


@dataclass(frozen=True)
class FormatSpec:
    """One format as its reader module declares it.

    ``reader`` names the function in ``module`` (``None``: ``zhagen add`` cannot import such
    files and ``redirect`` says, in Chinese and English, what to do instead). ``prose``
    formats hold any text, so their extension never contradicts what the content is.
    ``record_start``: byte patterns (alternatives) with which a line starting a record
    begins, ``\\n`` included; empty if the format cannot be cut into chunks.
    """

    name: str
    module: str
    reader: str | None
    extensions: tuple[str, ...] = ()
    sniff: Callable[[Head], Sniff] | None = None
    record_start: tuple[bytes, ...] = ()
    prose: bool = False
    redirect: tuple[str, str] | None = None

    @property
    def chunkable(self) -> bool:
        """True if large files of this format can be read in parallel chunks."""
        return bool(self.record_start)


# A field tag at a line start: capitals (WoS ``PT J``, RIS ``TY  - JOUR``, MEDLINE
# ``PMID- 1``) or ``%X`` followed by blanks or a dash, never a colon (``S1：``, ``Q1:`` are a
# transcript's speakers and questions); or ``{Field}:`` and ``Label-标签:`` with a colon.
_TAG_LINE = re.compile(
    r"(?:(?P<tag>[A-Z][A-Z0-9]{1,3}|%[0-9A-Z@+])(?P<sep>[ \t]*-[ \t]+|[ \t]+)"
    r"|(?P<label>\{[^{}\n]{1,40}\}|[A-Za-z][A-Za-z ]{0,30}-[\u3400-\u9fff]{1,8})"
    r"(?P<colon>[ \t]*[:：][ \t]*))\S"
)


def looks_tagged(lines: Sequence[str]) -> tuple[bool, int]:
    """Whether lines look like a tagged export, and how many distinct tags start them.

    Tagged: most lines not starting with a blank start with a field tag, at least four
    kinds, and the tags recur (several records) or are all alike (one length, one
    separator), as a list of acronyms ("GDP 国内生产总值", "AI 人工智能") is not.

    >>> looks_tagged(["TY  - JOUR", "AU  - Li", "   more", "TI  - A title", "PY  - 2024"])
    (True, 4)
    >>> looks_tagged(["GDP 国内生产总值", "AI 人工智能", "CPI 居民消费价格指数", "PMI 采购经理指数"])
    (False, 4)
    """
    tags: Counter[str] = Counter()
    shapes: set[tuple[int, str]] = set()
    starts = 0
    for line in lines:
        if not line or line[0] in " \t":
            continue
        starts += 1
        m = _TAG_LINE.match(line)
        if m:
            tag = m["tag"] or m["label"]
            tags[tag] += 1
            shapes.add((len(tag), m["sep"] or m["colon"]))
    tagged = tags.total()
    if not starts or tagged < 0.6 * starts or len(tags) < 4:
        return False, len(tags)
    return tagged >= 2 * len(tags) or len(shapes) == 1, len(tags)


def choose(head: Head, specs: Sequence[FormatSpec], label: str) -> FormatSpec:
    """The format of a file from its head: the most confident sniff, ties to the extension.

    Raises :class:`InputError` when the content is confidently a format other than the
    one(s) its extension names, when the winner is a format ``zhagen add`` does not import
    (its ``redirect``), and when the file looks like a tagged export of no known format.
    """
    by_ext = [s for s in specs if head.ext in s.extensions]
    scored = [(s, s.sniff(head)) for s in specs if s.sniff is not None]
    best = max((sn.confidence for _, sn in scored), default=0.0)
    if best >= STRONG:
        top = [(s, sn) for s, sn in scored if sn.confidence == best]
        spec, sniff = next(((s, sn) for s, sn in top if s in by_ext), top[0])
        if by_ext and spec not in by_ext and not any(s.prose for s in by_ext):
            _contradiction(head, label, spec, sniff, by_ext)
    elif by_ext:  # no sniff is sure: prose if the extension allows, else the surest
        ranked = {s.name: sn.confidence for s, sn in scored}
        spec = max(by_ext, key=lambda s: (s.prose, ranked.get(s.name, 0.0)))
    else:
        spec = next(s for s in specs if s.name == "txt")
    if spec.reader is None:
        zh, en = spec.redirect or ("无法用 zhagen add 导入", "zhagen add cannot import it")
        raise InputError(zh, en, file=label)
    if spec.prose:
        _unknown_export(head, label)
    return spec


def _contradiction(
    head: Head, label: str, spec: FormatSpec, sniff: Sniff, by_ext: Sequence[FormatSpec]
) -> None:
    named = "、".join(s.name for s in by_ext)
    raise InputError(
        f"文件扩展名 {head.ext} 表示 {named}，但内容是 {spec.name}（{sniff.reason}）；"
        f"为避免误读，没有导入。请把文件改为正确的扩展名，或用 --format {spec.name} 指定格式",
        f"the extension {head.ext} says {named}, but the content is {spec.name} "
        f"({sniff.reason}); not imported to avoid misreading it. Rename the file with the "
        f"right extension, or give --format {spec.name}",
        file=label,
    )


_RIS_START = re.compile(r"TY  - \S")
_RIS_END = re.compile(r"ER  -")
_BIBTEX_ENTRY = re.compile(r"@[A-Za-z]+[ \t]*[{(]")
_BIBTEX_FIELD = re.compile(r"[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\d]")


def _unknown_export(head: Head, label: str) -> None:
    """Raise if the head looks like a bibliographic export of a format zhagen does not read:
    most lines start with field tags (RIS, MEDLINE …), or BibTeX entries."""
    tagged, tags = looks_tagged(head.lines)
    if tagged:
        what_zh, what_en = (
            f"带字段标记的文献导出（{tags} 种行首标记）",
            f"a tagged bibliographic export ({tags} kinds of field tag at line starts)",
        )
    elif _RIS_START.match(head.first) and any(_RIS_END.match(line) for line in head.lines):
        what_zh, what_en = "RIS 文献导出", "a RIS export"
    elif (
        _BIBTEX_ENTRY.match(head.first)
        and sum(1 for line in head.lines[:30] if _BIBTEX_FIELD.match(line)) >= 2
    ):
        what_zh, what_en = "BibTeX 文献导出", "a BibTeX export"
    else:
        return
    raise InputError(
        f"文件看起来是{what_zh}，但不是 zhagen 能读的格式，没有导入；请从知网导出 "
        "RefWorks/EndNote/NoteExpress，从 WoS 导出纯文本，或若它确是普通文本，用 --format txt 导入",
        f"the file looks like {what_en} but matches no format zhagen reads, so it was not "
        "imported; export RefWorks/EndNote/NoteExpress from CNKI or plain text from WoS, or, "
        "if it really is prose, add it with --format txt",
        file=label,
    )
