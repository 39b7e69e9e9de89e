"""Word lists, user dictionaries and thesauri: reading them, and the ones zhagen ships.

The shipped lists live in ``zhagen/text/data/`` as plain UTF-8 text (data, not code):

``domain_dict.txt``
    policy, science-and-technology, economics, management and grounded-theory method
    terms, in jieba's user-dictionary format (``word freq pos``).
``stopwords_zh.txt``, ``stopwords_en.txt``
    function words and a few generic academic words, one per line.
``thesaurus_example.txt``
    an example thesaurus in the CiteSpace / VOSviewer layout (``label<TAB>replace by``).

Every reader accepts UTF-8 with or without a byte-order mark, skips blank lines and lines
whose first non-blank character is ``#``, and raises :class:`zhagen.errors.InputError`
(in Chinese and English, naming the file and line) for what it cannot read.

>>> words = load_wordlist(package_data("stopwords_zh.txt"))
>>> "的" in words
True
>>> apply_thesaurus(["产学研合作", "数字经济", "的"], {"产学研合作": "产学研", "的": ""})
['产学研', '数字经济']
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from zhagen.errors import InputError

__all__ = [
    "DictEntry",
    "Source",
    "package_data",
    "load_wordlist",
    "load_user_dict",
    "load_thesaurus",
    "apply_thesaurus",
]

#: A file path, or the lines of a file already in memory.
Source = str | os.PathLike[str] | Iterable[str]

# jieba's user-dictionary line: the word, then an optional frequency, then an optional tag.
_USER_DICT_LINE = re.compile(r"^(?P<word>\S.*?)(?:\s+(?P<freq>\d+))?(?:\s+(?P<pos>[A-Za-z]+))?$")
_THESAURUS_HEADER = ("label", "replace by")


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One user-dictionary entry: a word, its frequency and part-of-speech tag (if given)."""

    word: str
    freq: int | None = None
    pos: str | None = None


def package_data(name: str) -> Path:
    """Path of a data file shipped in ``zhagen/text/data``.

    Parameters
    ----------
    name:
        File name, e.g. ``"domain_dict.txt"``.

    Returns
    -------
    pathlib.Path
        The file's path (it exists).

    Raises
    ------
    FileNotFoundError
        When zhagen ships no such file; the message lists the ones it ships.

    Examples
    --------
    >>> package_data("domain_dict.txt").name
    'domain_dict.txt'
    """
    folder = files("zhagen").joinpath("text").joinpath("data")
    path = Path(str(folder.joinpath(name)))
    if not path.is_file():
        shipped = sorted(p.name for p in Path(str(folder)).glob("*.txt"))
        raise FileNotFoundError(f"zhagen ships no data file {name!r}; it ships {shipped}")
    return path


def _numbered_lines(source: Source) -> tuple[str | None, Iterator[tuple[int, str]]]:
    """``(file name or None, iterator of (line number, line without newline))``.

    A ``str`` holding a newline or a tab is taken as the text itself, any other ``str`` or
    path-like as a file name, anything else as an iterable of lines.
    """
    if isinstance(source, str) and ("\n" in source or "\t" in source):
        lines: Iterable[str] = source.splitlines()
        name = None
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            raise InputError(
                f"无法读取文件：{exc.strerror or exc}，请检查路径",
                f"cannot read the file: {exc.strerror or exc}; check the path",
                file=name,
            ) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                "文件不是 UTF-8 编码，请另存为 UTF-8 后再试",
                "the file is not UTF-8; save it as UTF-8 and try again",
                file=name,
                line=line,
            ) from exc
        lines = text.splitlines()
    else:
        lines = source
        name = None

    def numbered() -> Iterator[tuple[int, str]]:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\r\n")
            if number == 1:
                line = line.removeprefix("\ufeff")
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, line

    return name, numbered()


def load_wordlist(source: Source) -> list[str]:
    """Read a word list: one word (or phrase) per line, stripped, first occurrence kept.

    Parameters
    ----------
    source:
        A file path, or the lines themselves (see :data:`Source`).

    Returns
    -------
    list of str
        The words in file order, without duplicates.

    Examples
    --------
    >>> load_wordlist(["# 注释", "的", "", "  了 ", "的"])
    ['的', '了']
    """
    _, lines = _numbered_lines(source)
    seen: dict[str, None] = {}
    for _, line in lines:
        seen.setdefault(line.strip(), None)
    return list(seen)


def load_user_dict(source: Source) -> list[DictEntry]:
    """Read a jieba-style user dictionary: ``word [freq] [pos]`` per line.

    Parameters
    ----------
    source:
        A file path, or the lines themselves (see :data:`Source`).

    Returns
    -------
    list of DictEntry
        One entry per line; ``freq`` and ``pos`` are ``None`` where left out.

    Examples
    --------
    >>> load_user_dict(["新质生产力 20000 nz", "创新联合体", "揭榜挂帅 nz"])[0]
    DictEntry(word='新质生产力', freq=20000, pos='nz')
    """
    name, lines = _numbered_lines(source)
    entries = []
    for number, line in lines:
        match = _USER_DICT_LINE.match(line.strip())
        if match is None:  # pragma: no cover - the pattern accepts any non-blank line
            raise InputError(
                "无法识别的词典行，格式应为“词 [词频] [词性]”",
                "unreadable dictionary line; expected 'word [freq] [pos]'",
                file=name,
                line=number,
            )
        freq = match["freq"]
        entries.append(DictEntry(match["word"], int(freq) if freq else None, match["pos"]))
    return entries


def load_thesaurus(source: Source) -> dict[str, str]:
    """Read a thesaurus in the CiteSpace / VOSviewer layout: ``label<TAB>replace by``.

    An empty replacement deletes the label. A first line ``label<TAB>replace by`` (the
    VOSviewer header) is skipped. Replacements are applied once, not chained.

    Parameters
    ----------
    source:
        A file path, or the lines themselves (see :data:`Source`).

    Returns
    -------
    dict of str to str
        Label to replacement (``""`` to delete).

    Raises
    ------
    zhagen.errors.InputError
        For a line without exactly one tab, an empty label, or a label given two different
        replacements; the message names the file and line.

    Examples
    --------
    >>> load_thesaurus(["label\\treplace by", "产学研合作\\t产学研", "研究\\t"])
    {'产学研合作': '产学研', '研究': ''}
    """
    name, lines = _numbered_lines(source)
    mapping: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for index, (number, line) in enumerate(lines):
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip():
            raise InputError(
                "叙词表每行应为“原词<制表符>替换词”（替换词可为空，表示删除），"
                f"此行有 {len(fields) - 1} 个制表符",
                "each thesaurus line must be 'label<TAB>replace by' (an empty replacement "
                f"deletes the label); this line has {len(fields) - 1} tabs",
                file=name,
                line=number,
            )
        label, replacement = fields[0].strip(), fields[1].strip()
        if index == 0 and (label.lower(), replacement.lower()) == _THESAURUS_HEADER:
            continue
        if label in mapping and mapping[label] != replacement:
            raise InputError(
                f"“{label}”在第 {first_line[label]} 行已有不同的替换词，请只保留一行",
                f"{label!r} already has a different replacement on line "
                f"{first_line[label]}; keep one of the two lines",
                file=name,
                line=number,
            )
        mapping[label] = replacement
        first_line.setdefault(label, number)
    return mapping


def apply_thesaurus(terms: Iterable[str], mapping: Mapping[str, str]) -> list[str]:
    """Replace each term by its thesaurus replacement; drop those replaced by ``""``.

    Parameters
    ----------
    terms:
        Terms in order (repeats kept).
    mapping:
        Label to replacement, as from :func:`load_thesaurus`.

    Returns
    -------
    list of str
        The replaced terms, same order, deleted ones left out.

    Examples
    --------
    >>> apply_thesaurus(["大数据技术", "研究", "大数据"], {"大数据技术": "大数据", "研究": ""})
    ['大数据', '大数据']
    """
    out = []
    for term in terms:
        replaced = mapping.get(term, term)
        if replaced:
            out.append(replaced)
    return out
