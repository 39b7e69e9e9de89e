"""Documents: the filtered list, one document's fields, text, sentences and codings, and
importing uploaded files (stored by sha256 beside the project, never outside it)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web.errors import WebError
from zhagen.web.services import document_or_404, not_found, plain, records

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.project import ImportReport, Project

__all__ = [
    "list_documents",
    "document_info",
    "document_text",
    "document_sentences",
    "document_cleaning",
    "document_codings",
    "safe_name",
    "store_upload",
    "import_report",
    "search",
]

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_LIMIT = 500
#: What the list shows of each document (its keywords cut to :data:`LIST_KEYWORDS`).
LIST_FIELDS = ("id", "title", "type", "year", "authors", "venue", "keywords", "doi",
               "duplicate_of", "codings")  # fmt: skip
LIST_KEYWORDS = 8


def list_documents(
    p: Project,
    *,
    q: str = "",
    doc_type: str | None = None,
    year: int | None = None,
    source: int | str | None = None,
    coded: bool | None = None,
    coder: str | None = None,
    offset: int = 0,
    limit: int = 100,
    scope: str | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """A page of the documents matching the filters (:meth:`zhagen.project.Documents.find`,
    the query the CLI's ``zhagen docs`` makes), how many match, and the values to filter by.

    ``coded`` and the counts use ``coder``'s codings only when it is given; ``scope``: only
    the documents of a scope query (as ``actor`` may see them).
    """
    page = p.documents.find(
        q,
        type=doc_type or None,
        year=year,
        source=source,
        coded=coded,
        coder=coder,
        offset=max(0, int(offset)),
        limit=max(1, min(int(limit), MAX_LIMIT)),
        scope=p.scope(scope, actor=actor) if scope else None,
    )
    items = []
    for doc in page.items:
        row = {k: getattr(doc, k) for k in LIST_FIELDS}
        row["keywords"] = row["keywords"][:LIST_KEYWORDS]
        items.append(row)
    facets = {**p.documents.facets(), "coders": [str(c) for c in p.codings.coders()["name"]]}
    return {"total": page.total, "items": items, "facets": facets}


def document_info(p: Project, doc_id: int) -> dict[str, Any]:
    """A document's bibliographic fields and what the viewer needs to know about it."""
    doc = document_or_404(p, doc_id)
    text = p.documents.text(doc_id)
    keep = ("id", "title", "authors", "year", "venue", "type", "keywords", "doi", "abstract",
            "lang", "frozen", "format")  # fmt: skip
    out = {k: plain(doc.get(k)) for k in keep if k in doc}
    out["length"] = len(text)
    out["has_original"] = bool(doc.get("original"))
    out["cleaning"] = doc.get("cleaning") or {}
    return out


def document_text(p: Project, doc_id: int, *, original: bool = False) -> dict[str, Any]:
    document_or_404(p, doc_id)
    text = p.documents.text(doc_id, original=original)
    return {"id": doc_id, "original": original, "text": text, "length": len(text)}


def document_cleaning(p: Project, doc_id: int) -> dict[str, Any]:
    """``project.documents.cleaning_diff``: the original, the cleaned text and the changes."""
    document_or_404(p, doc_id)
    return p.documents.cleaning_diff(doc_id)


def document_sentences(p: Project, doc_id: int) -> dict[str, Any]:
    """Sentence spans as ``[[start, end], ...]`` (code points, end exclusive) and, per
    sentence, whether it is garbled (holds mojibake: the coding view marks it)."""
    document_or_404(p, doc_id)
    df = p.documents.sentences(doc_id)
    spans = [[int(s), int(e)] for s, e in zip(df["start"], df["end"], strict=True)]
    return {"id": doc_id, "spans": spans, "garbled": [bool(g) for g in df["garbled"]]}


#: What the document view needs of each coding (its text it already has).
CODING_FIELDS = ["id", "start", "end", "code", "code_name", "coder", "created", "level"]


def document_codings(p: Project, doc_id: int, *, coder: str | None) -> dict[str, Any]:
    """The document's codings (only ``coder``'s when given)."""
    if not p.documents.exists(doc_id):
        raise not_found("文档", "document", doc_id)
    rows = p.codings.of_document(int(doc_id), coder=coder)
    return {"id": doc_id, "codings": [{k: r[k] for k in CODING_FIELDS} for r in rows]}


def search(
    p: Project,
    query: str,
    *,
    regex: bool = False,
    limit: int = 500,
    scope: str | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """Text found in every document (``project.documents.search``; ``scope``: in the
    documents of a scope query, evaluated as ``actor`` may see codings), the first
    ``limit`` hits."""
    df = p.documents.search(
        query, regex=regex, scope=p.scope(scope, actor=actor) if scope else None
    )
    return {"total": len(df), "hits": records(df.head(limit))}


# -- uploads -----------------------------------------------------------------------------
def safe_name(filename: str | None) -> str:
    """The last path component of an uploaded name, with nothing that could escape a folder.

    >>> safe_name("../../evil.txt"), safe_name("/etc/passwd"), safe_name("C:\\\\x\\\\论文.docx")
    ('evil.txt', 'passwd', '论文.docx')
    >>> safe_name(".."), safe_name("")
    ('upload', 'upload')
    """
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").split("/")[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 120 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:120]
    return name or "upload"


def store_upload(chunks: Iterator[bytes], filename: str | None, root: Path, limit: int) -> Path:
    """Write an uploaded file to ``root/<sha256>/<safe name>``; return its path.

    The bytes go to a temporary file inside ``root`` first (hashed on the way); more than
    ``limit`` bytes is a 413. The final path is checked to lie inside ``root``.
    """
    root = root.resolve()
    tmp_dir = root / ".incoming"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                digest.update(chunk)
                fh.write(chunk)
        folder = root / digest.hexdigest()
        dest = (folder / safe_name(filename)).resolve()
        if not dest.is_relative_to(root) or dest.parent != folder:
            raise WebError(400, "bad_name", "文件名无效", "the file name is not valid")
        folder.mkdir(exist_ok=True)
        if dest.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, dest)
        return dest
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def too_large(limit: int) -> WebError:
    size = f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit / 1024:.1f} KB"
    return WebError(
        413,
        "too_large",
        f"请求内容超过 {size} 的上限；大文件请用命令行 zhagen add 导入",
        f"the request exceeds the {size} limit; import large files with `zhagen add`",
    )


def import_report(report: ImportReport, names: dict[str, str]) -> dict[str, Any]:
    """An :class:`~zhagen.project.ImportReport` as JSON, files named as uploaded."""
    from zhagen.errors import where

    files = []
    for f in report.files:
        name = names.get(f.path, Path(f.path).name)
        problems = []
        for pr in f.problems:  # located as the CLI does, the file named as uploaded
            loc = where(name, pr.record, pr.line)
            problems.append({"severity": pr.severity, "code": pr.code, "record": pr.record,
                             "line": pr.line, "message_zh": f"{loc}: {pr.zh}",
                             "message_en": f"{loc}: {pr.en}"})  # fmt: skip
        d = asdict(f)
        d.update(name=name, problems=problems)
        d.pop("path", None)
        files.append(d)
    return {"records": report.records, "failed": len(report.failed), "files": files}
