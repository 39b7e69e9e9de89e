"""REFI-QDA project (``.qdpx``) and codebook (``.qdc``) exchange: plain data and entry points.

REFI-QDA is the exchange standard of NVivo, ATLAS.ti, MAXQDA and QualCoder (see
``../shared/refi-qda/`` and the standard, version 1.5). This package is one concept
with three layers, each a module with a public surface re-exported here:
:mod:`.model` (the plain dataclasses an import produces and an export consumes, GUIDs,
the position arithmetic), :mod:`.safety` (opening archives and parsing XML safely),
:mod:`.read` and :mod:`.write` (the XML of ``.qdpx`` / ``.qdc`` files).

Decisions that the rest of zhagen relies on:

- **Text.** ``QdaSource.text`` is the plain text of a text source with its BOM removed and
  every line end (CRLF or a lone CR) turned into ``"\\n"``, as zhagen stores documents
  (DESIGN.md §3). It is ``None`` when the ``.qdpx`` does not carry the text (ATLAS.ti's
  "standard project" refers to ``.txt`` files it does not include) and for media sources.
- **Positions.** ``QdaSelection.start`` / ``end`` are Unicode code points into
  ``QdaSource.text``, end exclusive. On import they are converted from what the file
  means: the standard says code points into the ``.txt`` file; NVivo (``Project@origin``
  starts with "NVivo") writes UTF-16 code units over the BOM-stripped file, CRLF counting
  two. Both are then mapped onto the LF-normalised text. A position that falls inside a
  surrogate pair or a CRLF is widened to the whole character (start rounds down, end
  rounds up) and counted in ``QdaProject.warnings``. Exports write code points into the
  UTF-8 ``.txt`` they include, which is exactly ``text``.
- **Media.** PDF, picture, audio and video sources are kept with ``kind`` and no text;
  their selections carry the raw XML attributes in ``attrs`` and their whole XML element
  is kept in ``QdaSource.raw`` so an export writes them back unchanged (the media files
  themselves are not carried over).
- **Memos.** ATLAS.ti writes memos on quotations as ``<Description>``; they are the
  ``description`` of the selection. ``<Note>`` elements become :class:`QdaNote` with the
  GUIDs of the elements that refer to them (``NoteRef``) in ``target_guids``.
- **Coders.** NVivo's ``Coding@creatingUser`` can disagree with the selection's creator;
  both are kept (``QdaCoding.creating_user``, ``QdaSelection.creating_user``). Do not use
  either for agreement statistics without saying which.
- **GUIDs** are kept from the file (ATLAS.ti re-mints them on each export, so they are not
  stable across exports from ATLAS.ti). For zhagen's own objects use :func:`make_guid`,
  a UUID-5 of the caller's ids, so repeated exports give the same GUIDs.

>>> from zhagen.formats.refi_qda import QdaCode, make_guid
>>> code = QdaCode(guid=make_guid("demo", "code", 1), name="新质生产力")
>>> code.guid == make_guid("demo", "code", 1)
True
"""

from zhagen.formats.refi_qda.model import (
    CODEBOOK_NS,
    MAX_QDPX_BYTES,
    PROJECT_NS,
    VARIABLE_TYPES,
    PositionMap,
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
    QdaValue,
    QdaVariable,
    SourceKind,
    Units,
    iter_codes,
    make_guid,
    newline_of,
    normalize_newlines,
)
from zhagen.formats.refi_qda.read import FORMAT_SPECS, read_qdc, read_qdpx, source_label
from zhagen.formats.refi_qda.safety import MAX_MEMBERS, MAX_RATIO, MAX_XML_BYTES, parse_xml
from zhagen.formats.refi_qda.write import (
    codebook_xml,
    file_offset,
    project_xml,
    utf16_offset,
    write_qdc,
    write_qdpx,
)

__all__ = [
    "QdaUser",
    "QdaCode",
    "QdaCoding",
    "QdaSelection",
    "QdaSource",
    "QdaNote",
    "QdaSet",
    "QdaVariable",
    "QdaValue",
    "QdaCase",
    "VARIABLE_TYPES",
    "QdaLink",
    "QdaProject",
    "SourceKind",
    "Units",
    "PositionMap",
    "normalize_newlines",
    "newline_of",
    "make_guid",
    "iter_codes",
    "read_qdpx",
    "read_qdc",
    "source_label",
    "write_qdpx",
    "write_qdc",
    "project_xml",
    "codebook_xml",
    "file_offset",
    "utf16_offset",
    "parse_xml",
    "PROJECT_NS",
    "CODEBOOK_NS",
    "MAX_QDPX_BYTES",
    "MAX_XML_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "FORMAT_SPECS",
]
