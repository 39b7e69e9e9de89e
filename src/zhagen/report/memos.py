"""Memos written out: Markdown and DOCX, grouped by type (Kuckartz's code, theory, method
and reflection memos, then those without a type), each with what it is about.

Pure over plain data: ``memos`` is a list of dicts as ``project.memos()`` rows give them
(``id``, ``type``, ``title``, ``text``, ``target_type``, ``target_id``, ``target_name``,
``coder``, ``modified``).

>>> memos = [{"id": 1, "type": "theory", "title": "协同", "text": "联合体……", "coder": "甲",
...           "target_type": "code", "target_id": 3, "target_name": "协同创新",
...           "modified": "2026-12-07T09:00:00"}]
>>> print(memos_markdown(memos, "zh").splitlines()[2])
## 理论备忘录（1）
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["memos_markdown", "write_memos_markdown", "write_memos_docx", "TYPE_ORDER"]

#: The types in the order they are written ("" last: memos without a type).
TYPE_ORDER = ("code", "theory", "method", "reflection", "")
_TYPE_NAMES = {"code": ("编码备忘录", "Code memos"), "theory": ("理论备忘录", "Theory memos"),
               "method": ("方法备忘录", "Method memos"),
               "reflection": ("反思备忘录", "Reflection memos"), "": ("未分类备忘录", "Other memos")}  # fmt: skip
_TARGETS = {"project": ("项目", "project"), "document": ("文档", "document"),
            "code": ("编码", "code"), "coding": ("编码片段", "coding"),
            "relation": ("关系", "relation")}  # fmt: skip
_TEXT = {"title": ("备忘录", "Memos"), "about": ("关于", "about"), "coder": ("编码员", "coder"),
         "memo": ("备忘录", "memo")}  # fmt: skip


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _groups(memos: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for m in memos:
        by_type.setdefault(str(m.get("type") or ""), []).append(m)
    return [(t, by_type[t]) for t in TYPE_ORDER if t in by_type]


def _heading(m: Mapping[str, Any], lang: str) -> str:
    return str(m.get("title") or "").strip() or f"{_pick(_TEXT['memo'], lang)} #{m['id']}"


def _about(m: Mapping[str, Any], lang: str) -> str:
    """ "关于：编码「协同创新」 · 编码员 甲 · 2026-12-07" in ``lang``."""
    kind = str(m.get("target_type") or "project")
    what = _pick(_TARGETS.get(kind, (kind, kind)), lang)
    name = m.get("target_name")
    if kind != "project":
        ident = m.get("target_id")
        what += f" #{ident}" if ident is not None and ident == ident else ""
        if name:
            what += f"「{name}」" if lang != "en" else f" “{name}”"
    parts = [f"{_pick(_TEXT['about'], lang)}{'：' if lang != 'en' else ': '}{what}"]
    if m.get("coder"):
        parts.append(f"{_pick(_TEXT['coder'], lang)} {m['coder']}")
    if m.get("modified"):
        parts.append(str(m["modified"])[:10])
    return " · ".join(parts)


def memos_markdown(memos: Sequence[Mapping[str, Any]], lang: str = "zh") -> str:
    """The memos as one Markdown text: ``# 备忘录``, a ``##`` section per type, a ``###``
    heading per memo, a line saying what it is about, its text as written."""
    lines = [f"# {_pick(_TEXT['title'], lang)}", ""]
    for kind, group in _groups(memos):
        name = _pick(_TYPE_NAMES[kind], lang)
        lines += [
            f"## {name}{'（' if lang != 'en' else ' ('}{len(group)}{'）' if lang != 'en' else ')'}",
            "",
        ]
        for m in group:
            lines += [f"### {_heading(m, lang)}", "", f"*{_about(m, lang)}*", "",
                      str(m.get("text") or "").rstrip(), ""]  # fmt: skip
    return "\n".join(lines).rstrip() + "\n"


def write_memos_markdown(
    memos: Sequence[Mapping[str, Any]], path: str | Path, lang: str = "zh"
) -> Path:
    """Write :func:`memos_markdown` to ``path`` (UTF-8)."""
    out = Path(path)
    out.write_text(memos_markdown(memos, lang), encoding="utf-8")
    return out


def write_memos_docx(
    memos: Sequence[Mapping[str, Any]], path: str | Path, lang: str = "zh"
) -> Path:
    """The memos as a Word document: the same sections and headings as the Markdown, 宋体
    for Chinese and Times New Roman for Latin text, one paragraph per line of a memo."""
    from docx import Document

    from zhagen.report.docx_tables import _set_fonts

    doc = Document()
    _set_fonts(doc.styles["Normal"].element.get_or_add_rPr())
    for level in (0, 1, 2):
        _set_fonts(
            doc.styles["Title" if level == 0 else f"Heading {level}"].element.get_or_add_rPr()
        )
    doc.add_heading(_pick(_TEXT["title"], lang), level=0)
    for kind, group in _groups(memos):
        doc.add_heading(f"{_pick(_TYPE_NAMES[kind], lang)} ({len(group)})", level=1)
        for m in group:
            doc.add_heading(_heading(m, lang), level=2)
            doc.add_paragraph().add_run(_about(m, lang)).italic = True
            for line in str(m.get("text") or "").splitlines() or [""]:
                doc.add_paragraph(line)
    out = Path(path)
    doc.save(str(out))
    return out
