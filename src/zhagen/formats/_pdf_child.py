"""The process that extracts a PDF's text (run by :mod:`zhagen.formats.pdf`, never imported
by the importing process).

``python -m zhagen.formats._pdf_child PATH FIRST LAST MEMORY`` limits its own address space
to ``MEMORY`` bytes (POSIX), opens the PDF and writes one JSON object per line to stdout:
``{"pages": n, "title": ...}`` first (or ``{"open_error": code}``), then
``{"page": i, "text": ...}`` or ``{"page": i, "error": ...}`` for pages ``FIRST`` to
``LAST - 1``, each flushed as soon as it is read, so that the parent knows which page a
crash or a time-out stopped at. A page that exhausts the memory ends the process.
"""

from __future__ import annotations

import json
import sys


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the parent's time limit still holds
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _send(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    path, first, last, memory = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    import pypdfium2 as pdfium

    from zhagen.formats.pdf import meta_title, page_text

    _limit_memory(memory)  # after the imports: only the PDF's own work is limited
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        _send({"open_error": getattr(exc, "err_code", None), "message": str(exc)})
        return 0
    _send({"pages": len(doc), "title": meta_title(doc) if first == 0 else ""})
    for index in range(first, min(last, len(doc))):
        try:
            _send({"page": index, "text": page_text(doc, index)})
        except pdfium.PdfiumError as exc:
            _send({"page": index, "error": str(exc)})
    doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
