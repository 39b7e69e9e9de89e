"""Output files made reproducible, and compared.

Office files and REFI-QDA projects are zip archives whose entries carry the time they were
written, and whose ``docProps/core.xml`` holds created/modified dates (openpyxl and
python-docx set them to now); a REFI-QDA project states when it was exported. :func:`normalise` rewrites such an archive with a fixed entry
time and fixed dates, so that the same content gives the same bytes.

:func:`same_output` compares a new output with a recorded one: equal bytes; else PNG images
pixel by pixel within a tolerance (another font renders a few pixels differently); SVG, PDF
and HTML as text with ids and dates normalised; zip archives member by member.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["normalise", "same_output", "FIXED_DATE", "ZIP_SUFFIXES"]

#: The date written into archives (the earliest a zip entry can hold).
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_ISO = "1980-01-01T00:00:00Z"
ZIP_SUFFIXES = frozenset({".xlsx", ".docx", ".qdpx", ".pptx"})
_EXPORTED_AT = re.compile(rb'(<Project\b[^>]*?\bcreationDateTime=")[^"]*(")')
_CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalise(path: Path) -> bool:
    """Rewrite a zip-based output (xlsx, docx, qdpx) with fixed entry times and fixed
    document dates; return whether the file was rewritten (other files are left alone).

    >>> import tempfile, zipfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.docx"
    >>> with zipfile.ZipFile(p, "w") as z:
    ...     z.writestr("docProps/core.xml", "<dcterms:created x='1'>2026-01-02T03:04:05Z"
    ...                "</dcterms:created>")
    >>> normalise(p), zipfile.ZipFile(p).read("docProps/core.xml")
    (True, b"<dcterms:created x='1'>1980-01-01T00:00:00Z</dcterms:created>")
    """
    path = Path(path)
    if path.suffix.lower() not in ZIP_SUFFIXES or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + _ISO.encode() + rb"\g<2>", data)
            elif info.filename == "project.qde":  # the time of the export, not of the data
                data = _EXPORTED_AT.sub(rb"\g<1>" + _ISO.encode() + rb"\g<2>", data, count=1)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            z.writestr(fixed, data)
    tmp.replace(path)
    return True


_SVG_IDS = re.compile(rb'(id="|href="#|url\(#)[A-Za-z0-9_\-]+')
_DATES = re.compile(
    rb"(<dc:date>[^<]*</dc:date>|/(?:CreationDate|ModDate) \([^)]*\)|"
    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)"
)


def _text_key(data: bytes) -> bytes:
    return _DATES.sub(b"<date>", _SVG_IDS.sub(rb"\g<1>ID", data))


def _png_same(a: Path, b: Path, tolerance: float) -> bool:
    import numpy as np
    from PIL import Image

    with Image.open(a) as ia, Image.open(b) as ib:
        if ia.size != ib.size:
            return False
        pa = np.asarray(ia.convert("RGBA"), dtype=np.int16)
        pb = np.asarray(ib.convert("RGBA"), dtype=np.int16)
    # pixels that differ by more than a faint anti-aliasing step, as a share of all pixels
    differing = (np.abs(pa - pb).max(axis=2) > 16).mean()
    return bool(differing <= tolerance)


def same_output(new: Path, old: Path, *, tolerance: float = 0.001) -> bool:
    """Whether ``new`` is the same output as ``old`` (see the module's notes);
    ``tolerance``: the share of a PNG's pixels that may differ.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.svg").write_text('<svg><dc:date>2026-01-01</dc:date><g id="p1a"/></svg>')
    >>> _ = (d / "b.svg").write_text('<svg><dc:date>2027-02-02</dc:date><g id="q9z"/></svg>')
    >>> same_output(d / "a.svg", d / "b.svg")
    True
    """
    a, b = Path(new).read_bytes(), Path(old).read_bytes()
    if a == b:
        return True
    suffix = Path(new).suffix.lower()
    if suffix == ".png":
        return _png_same(Path(new), Path(old), tolerance)
    if suffix in (".svg", ".pdf", ".html", ".htm", ".xml", ".json"):
        return _text_key(a) == _text_key(b)
    if suffix in ZIP_SUFFIXES and zipfile.is_zipfile(new) and zipfile.is_zipfile(old):
        with zipfile.ZipFile(new) as za, zipfile.ZipFile(old) as zb:
            if sorted(za.namelist()) != sorted(zb.namelist()):
                return False
            return all(_text_key(za.read(n)) == _text_key(zb.read(n)) for n in za.namelist())
    return False
