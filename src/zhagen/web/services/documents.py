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
    from zhagen.ingest import ImportReport
    from zhagen.project import Project

__all__ = [
    "list_documents",
    "document_info",
    "document_text",
    "document_sentences",
    "document_codings",
    "safe_name",
    "store_upload",
    "import_report",
    "search",
]

_SEARCH_FIELDS = ("title", "authors", "venue", "keywords", "abstract", "doi")
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_LIMIT = 500


def _coded_counts(p: Project, coder: str | None) -> dict[int, int]:
    matrix = p.code_document_matrix(coder=coder)
    if matrix.empty:
        return {}
    sums = matrix.sum(axis=0)
    return {int(k): int(v) for k, v in sums.items()}


def _matches(row: dict[str, Any], needle: str) -> bool:
    for key in _SEARCH_FIELDS:
        value = row.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value is not None and needle in str(value).lower():
            return True
    return False


def list_documents(
    p: Project,
    *,
    q: str = "",
    doc_type: str | None = None,
    year: int | None = None,
    coded: bool | None = None,
    coder: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> dict[str, Any]:
    """Documents matching the filters, a page of them, and the values to filter by.

    ``coded`` and the counts use ``coder``'s codings only when it is given.
    """
    df = p.documents()
    counts = _coded_counts(p, coder)
    facets = {
        "types": sorted({str(t) for t in df["type"].dropna()}),
        "years": sorted({int(y) for y in df["year"].dropna()}),
        "coders": [str(c) for c in p.coders()["name"]],
    }
    needle = q.strip().lower()
    items = []
    for row in records(df, ["id", "title", "type", "year", "authors", "venue", "keywords",
                            "abstract", "doi", "duplicate_of"]):  # fmt: skip
        if doc_type and row["type"] != doc_type:
            continue
        if year is not None and row["year"] != year:
            continue
        n = counts.get(int(row["id"]), 0)
        if coded is not None and (n > 0) != coded:
            continue
        if needle and not _matches(row, needle):
            continue
        row.pop("abstract", None)
        row["keywords"] = (row.get("keywords") or [])[:8]
        row["codings"] = n
        items.append(row)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    return {"total": len(items), "items": items[offset : offset + limit], "facets": facets}


def document_info(p: Project, doc_id: int) -> dict[str, Any]:
    """A document's bibliographic fields and what the viewer needs to know about it."""
    doc = document_or_404(p, doc_id)
    text = p.text(doc_id)
    keep = ("id", "title", "authors", "year", "venue", "type", "keywords", "doi", "abstract",
            "lang", "frozen", "format")  # fmt: skip
    out = {k: plain(doc.get(k)) for k in keep if k in doc}
    out["length"] = len(text)
    out["has_original"] = bool(doc.get("original"))
    out["cleaning"] = doc.get("cleaning") or {}
    return out


def document_text(p: Project, doc_id: int, *, original: bool = False) -> dict[str, Any]:
    document_or_404(p, doc_id)
    text = p.text(doc_id, original=original)
    return {"id": doc_id, "original": original, "text": text, "length": len(text)}


def document_sentences(p: Project, doc_id: int) -> dict[str, Any]:
    """Sentence spans as ``[[start, end], ...]`` (code points, end exclusive)."""
    document_or_404(p, doc_id)
    df = p.sentences(doc_id)
    spans = [[int(s), int(e)] for s, e in zip(df["start"], df["end"], strict=True)]
    return {"id": doc_id, "spans": spans}


#: What the document view needs of each coding (its text it already has).
CODING_FIELDS = ["id", "start", "end", "code", "code_name", "coder", "created", "level"]


def document_codings(p: Project, doc_id: int, *, coder: str | None) -> dict[str, Any]:
    """The document's codings (only ``coder``'s when given)."""
    from zhagen.coding.retrieve import CODING_COLUMNS, coding_tuples
    from zhagen.store.coding import document_exists

    if not document_exists(p.store, int(doc_id)):
        raise not_found("文档", "document", doc_id)
    at = [CODING_COLUMNS.index(c) for c in CODING_FIELDS]
    rows = coding_tuples(p.store, p.text, document=int(doc_id), coder=coder)
    return {"id": doc_id, "codings": [dict(zip(CODING_FIELDS, [r[i] for i in at], strict=True))
                                      for r in rows]}  # fmt: skip


def search(p: Project, query: str, *, regex: bool = False, limit: int = 500) -> dict[str, Any]:
    """Text found in every document (``Project.search_text``), the first ``limit`` hits."""
    df = p.search_text(query, regex=regex)
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
    """An :class:`~zhagen.ingest.ImportReport` as JSON, files named as uploaded."""
    files = []
    for f in report.files:
        problems = [
            {
                "severity": pr.severity,
                "code": pr.code,
                "record": pr.record,
                "line": pr.line,
                "message_zh": pr.zh,
                "message_en": pr.en,
            }
            for pr in f.problems
        ]
        d = asdict(f)
        d.update(name=names.get(f.path, Path(f.path).name), problems=problems)
        d.pop("path", None)
        files.append(d)
    return {"records": report.records, "failed": len(report.failed), "files": files}
