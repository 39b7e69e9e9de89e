"""REFI-QDA in and out of a project: ``.qdpx`` projects and ``.qdc`` codebooks.

The workflow layer between :mod:`zhagen.formats.refi_qda` (plain data, positions) and the
store, like :mod:`zhagen.ingest` for bibliographic files. This package holds the four entry
points; the work is done in :mod:`zhagen.qda.importer` and :mod:`zhagen.qda.exporter`,
the reports are in :mod:`zhagen.qda.report`. What an import does:

- **Documents.** Each text source with its text becomes one document whose text is the
  source's text exactly as exported (BOM removed, line ends ``"\\n"``), *not cleaned*, so
  every coding stays on the characters it was made on. ``format`` is ``"refi-qda"``; the
  QDA GUID, origin and path are kept in ``extra["refi_qda"]``; the source's description
  becomes the abstract. Sentences are split as for any document. Media sources (PDF,
  picture, audio, video) and text sources whose text the archive lacks are not imported;
  :attr:`ImportQdaReport.not_imported` lists each with its number of codings and why.
- **Codes.** The code tree with colours (a missing colour gets the palette's next one) and
  descriptions, at its depth in the file (any depth; nothing is moved). Levels: a zhagen
  export carries them in sets named ``zhagen:level:N`` (a code in none has no level);
  otherwise a code's level is its height in the tree (leaf concepts 1, their parents 2, …
  up to 4; codes higher up have no level, counted in the warnings). A code with the name and
  parent of a code already in the project is that code (reused, not duplicated).
- **Codings.** Every coding of a text selection, by coder: users become coders by name
  (``coder_map`` renames; a coding without a user goes to coder ``"default"``). Which user
  coded: the standard's ``Coding@creatingUser``, except for NVivo, whose
  ``Coding@creatingUser`` and date are those of the code (node), one per code, not of the
  coding; there the selection's creator and date are used, as for a zhagen export, which
  writes the coder as the selection's creator (``coder_from`` overrides). The
  report says which was used and how many codings the two disagree on. Whole-source codings
  code the whole text; duplicate codings collapse into one (the report counts them).
- **Notes** become memos on the project, a document, a code, a coding or a relation, as
  their ``NoteRef`` say; a note linked to one element by a ``Link`` (ATLAS.ti's memo links)
  goes there; a note whose target was not imported stays a project memo. A project note
  titled 故事线 is the storyline (if the project already has one, it is imported as a
  project memo with another title). ATLAS.ti quotation comments become memos on the
  quotation's first coding.
- **Links** between two codes become relations: their type is the link's name (因果条件,
  情境, 中介条件, 行动策略, 结果 or free text; 关联 when unnamed). Other links, sets,
  variables, cases and graphs are listed as not imported.

All of it is one transaction with one log entry ``import.qdpx``: a file that cannot be read
or a failure half-way imports nothing. It is not undoable with ``undo()``. Importing the
same file (same SHA-256) into a project twice is refused, naming the earlier import; to
import it again, use a new project.

Exports write documents that have codings or memos and every document a REFI-QDA import
made, coded or not (``all_documents=True``: every document), the code tree with colours,
descriptions and levels (as the ``zhagen:level:N`` sets), codings (code points, as the
standard says; ``nvivo=True``: UTF-16 code units, as NVivo reads them), memos (notes),
relations (links whose name is the type; a relation's description travels as a note named
``zhagen:relation-description``), coders as users and the storyline.

**An export keeps what an import read** (stored by the import, :mod:`zhagen.store.qda`):
the GUIDs of imported sources, codes, users, selections, codings, notes and links;
``isCodable``; the coding's own ``Coding@creatingUser`` (``Selection@creatingUser`` is the
zhagen coder); a code's colour only where the file had one; the text's line ends (NVivo's
CRLF, counted in positions as in the file); variable values; and, written back as read,
the sets, links other than relations, graphs, variables, cases, media sources and text
sources whose text the file did not carry (sets and links keep only the members and ends
that the export has). Objects made in zhagen get UUID-5s of the project's creation time,
the kind and the row id, so exporting again gives the same GUIDs. Codebooks (``.qdc``)
carry names, tree, colours and descriptions; levels are recomputed from the tree on import.

>>> import tempfile, os, zhagen
>>> tmp = tempfile.mkdtemp()
>>> with zhagen.Project.create(os.path.join(tmp, "a.zhagen")) as a:
...     _ = a.add_code("政策支持", level=2)
...     _ = export_qdc(a, os.path.join(tmp, "codes.qdc"))
>>> with zhagen.Project.create(os.path.join(tmp, "b.zhagen")) as b:
...     report = import_qdc(b, os.path.join(tmp, "codes.qdc"))
...     b.codes()["name"].tolist()
['政策支持']
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from zhagen.errors import InputError, ParameterError
from zhagen.formats.refi_qda import iter_codes, read_qdc, read_qdpx, write_qdc, write_qdpx
from zhagen.qda.exporter import Exporter
from zhagen.qda.importer import Importer, import_codes
from zhagen.qda.report import (
    DEFAULT_CODER,
    LEVEL_SET,
    RELATION_NOTE,
    ExportQdaReport,
    ImportQdaReport,
    NotImported,
)

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = [
    "NotImported",
    "ImportQdaReport",
    "ExportQdaReport",
    "import_qdpx",
    "export_qdpx",
    "import_qdc",
    "export_qdc",
    "LEVEL_SET",
    "RELATION_NOTE",
    "DEFAULT_CODER",
]

CoderFrom = Literal["auto", "coding", "selection"]
PathLike = str | os.PathLike[str]


# ---------------------------------------------------------------- import


def _sha256(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"无法读取文件（{getattr(exc, 'strerror', None) or exc}），请检查路径和权限",
            f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); check the path "
            "and its permissions",
            file=path,
        ) from None
    return h.hexdigest(), size


#: Reader warnings that :attr:`ImportQdaReport.not_imported` states better for an import.
_READER_NOTES = ("kept for re-export", "keep their positions as in the file", "no text imported")


def import_qdpx(
    project: Project,
    path: PathLike,
    *,
    coder_map: dict[str, str] | None = None,
    coder_from: CoderFrom = "auto",
) -> ImportQdaReport:
    """Import a REFI-QDA project (``.qdpx``) into ``project``, all or nothing.

    Parameters
    ----------
    project:
        An open :class:`zhagen.Project`.
    path:
        The ``.qdpx`` file (NVivo, ATLAS.ti, MAXQDA, QualCoder or zhagen).
    coder_map:
        ``{user name or GUID: coder name}`` to rename users as they become coders.
    coder_from:
        Where a coding's coder is read: ``"coding"`` (``Coding@creatingUser``),
        ``"selection"`` (the selection's creator) or ``"auto"`` (the selection for NVivo,
        whose ``Coding@creatingUser`` names the code's creator, and for zhagen, which
        writes its coder there; else the coding).

    Returns
    -------
    ImportQdaReport
        Counts, coders, and everything not imported with the reason.

    Raises
    ------
    zhagen.errors.InputError
        The file is unreadable, not REFI-QDA, malformed or unsafe, or was imported already.
        Nothing is imported.
    """
    if coder_from not in ("auto", "coding", "selection"):
        raise ParameterError(
            f"coder_from 应为 auto、coding 或 selection，而不是 {coder_from!r}",
            f"coder_from must be 'auto', 'coding' or 'selection', not {coder_from!r}",
        )
    name = os.fspath(path)
    sha, size = _sha256(name)
    qp = read_qdpx(name)
    report = ImportQdaReport(path=name, origin=qp.origin)
    # NVivo's Coding@creatingUser is the code's creator; zhagen writes its coder as the
    # selection's creator and keeps the Coding@creatingUser it read
    origin = (qp.origin or "").lower()
    by_selection = "nvivo" in origin or origin.startswith("zhagen")
    report.coder_from = (
        coder_from if coder_from != "auto" else ("selection" if by_selection else "coding")
    )
    report.warnings = [w for w in qp.warnings if not any(s in w for s in _READER_NOTES)]
    store = project.store
    with store.transaction():
        Importer(store, qp, report, dict(coder_map or {})).run(name, sha, size)
        store.log("import.qdpx", _payload(report, sha))
    return report


def _payload(report: ImportQdaReport, sha: str) -> dict[str, object]:
    return {
        "path": report.path, "sha256": sha, "source": report.source_id, "origin": report.origin,
        "documents": report.documents, "codes": report.codes, "codes_reused": report.codes_reused,
        "codings": report.codings, "memos": report.memos, "relations": report.relations,
        "coders": report.coders, "coder_from": report.coder_from, "levels": report.levels,
        "not_imported": [n.message for n in report.not_imported],
    }  # fmt: skip


def import_qdc(project: Project, path: PathLike) -> ImportQdaReport:
    """Import a REFI-QDA codebook (``.qdc``): codes with tree, colours and descriptions.

    Codes with the name and parent of an existing code are reused, so importing a codebook
    twice adds nothing. Levels are the codes' heights in the tree (leaves 1, up to 4; none above); the tree
    keeps its depth.
    One transaction, logged as ``import.qdc``.
    """
    name = os.fspath(path)
    roots = read_qdc(name)
    report = ImportQdaReport(path=name)
    store = project.store
    with store.transaction():
        import_codes(store, roots, None, report)
        store.log(
            "import.qdc", {"path": name, "codes": report.codes, "reused": report.codes_reused}
        )
    return report


# ---------------------------------------------------------------- export


def export_qdpx(
    project: Project,
    path: PathLike,
    *,
    coder: str | None = None,
    all_documents: bool = False,
    nvivo: bool = False,
) -> ExportQdaReport:
    """Export ``project`` as a REFI-QDA 1.0 project (``.qdpx``) that validates against
    ``Project.xsd``; re-exporting gives the same GUIDs.

    Parameters
    ----------
    project:
        An open :class:`zhagen.Project`.
    path:
        Where to write (atomically).
    coder:
        Only this coder's codings (and memos by nobody or by this coder), e.g. to hand one
        coder's work to another program; default everything.
    all_documents:
        Also documents without codings or memos.
    nvivo:
        Write selection positions as UTF-16 code units, which NVivo reads (it counts a
        character outside the BMP, such as 𠀀, as two); default Unicode code points, as
        the standard says and other programs read.
    """
    with project.store.transaction():  # one consistent state of the project
        exporter = Exporter(project, coder)
        qp = exporter.build(all_documents)
    positions = "utf16" if nvivo else "codepoint"
    _write(lambda data, out: write_qdpx(data, out, positions=positions), qp, os.fspath(path))
    return ExportQdaReport(
        path=os.fspath(path),
        documents=sum(1 for s in qp.sources if s.raw is None),
        codes=len(qp.all_codes()),
        codings=sum(
            len(s.codings) + sum(len(x.codings) for x in s.selections)
            for s in qp.sources
            if s.raw is None
        ),  # fmt: skip
        memos=sum(1 for n in qp.notes if n.name != RELATION_NOTE),
        relations=exporter.relations,
        users=len(qp.users),
        kept=exporter.written_back,
    )


def export_qdc(project: Project, path: PathLike) -> int:
    """Export the code tree as a REFI-QDA codebook (``.qdc``); return the number of codes.

    Raises :class:`zhagen.errors.ParameterError` when the project has no codes.
    """
    roots, _sets = Exporter(project, None).codes()
    _write(write_qdc, roots, os.fspath(path))
    return sum(1 for _ in iter_codes(roots))


def _write(writer: Callable[[Any, str], None], data: Any, path: str) -> None:
    """Run a REFI-QDA writer; an unwritable path becomes a clear ParameterError."""
    try:
        writer(data, path)
    except OSError as exc:
        raise ParameterError(
            f"无法写入 {path}（{exc.strerror or exc}）；请检查文件夹是否存在、是否有写权限",
            f"cannot write {path} ({exc.strerror or exc}); check that its folder exists and "
            "is writable",
        ) from None
