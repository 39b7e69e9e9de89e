"""One import pipeline: a file cut into chunks (read by worker processes) gives the tables a
one-process read of the same file gives, for every export in ../shared/corpora; numbers are
the file's; a NUL run in the middle of a chunked file is reported at its byte in the file."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

import zhagen
from zhagen.formats import chunk_spans, detect_format, read_records
from zhagen.ingest import ImportPlan

#: A one-process read: never cut, no worker process.
ONE_STREAM = ImportPlan(workers=1, parallel_min_bytes=1 << 62)


def _chunked(size: int, workers: int = 2) -> ImportPlan:
    return ImportPlan(workers=workers, parallel_min_bytes=1, chunk_bytes=size)


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Documents, sentences and problems, every column but the time a problem was written."""
    conn = sqlite3.connect(path)
    try:
        return {
            "documents": conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
            "sentences": conn.execute(
                "SELECT * FROM sentences ORDER BY document_id, idx"
            ).fetchall(),
            "problems": conn.execute(
                "SELECT id, source_id, path, record, line, severity, code, zh, en "
                "FROM problems ORDER BY id"
            ).fetchall(),
        }
    finally:
        conn.close()


def _import(folder: Path, name: str, path: Path, plan: ImportPlan) -> dict[str, list[tuple]]:
    proj = folder / f"{name}.zhagen"
    with zhagen.Project.create(proj) as p:
        p.add(path, plan=plan)
    return _tables(proj)


def _exports(corpora: Path) -> list[Path]:
    return sorted(p for p in corpora.rglob("*") if p.is_file() and p.suffix != ".md")


def test_every_corpus_export_imports_alike_in_chunks(corpora, tmp_path) -> None:
    """Every export of ../shared/corpora, cut into chunks of a few records (where its format
    can be cut) and read by two workers: the same documents, sentences and problems as one
    process reading it in one stream; and that read's documents are the reader's records."""
    cut: set[str] = set()
    for path in _exports(corpora):
        fmt = detect_format(path)
        size = max(2_000, path.stat().st_size // 12)
        spans = chunk_spans(path, fmt, size=size)
        if spans is not None and len(list(spans)) > 2:
            cut.add(fmt)
        one = _import(tmp_path, f"one_{path.stem}", path, ONE_STREAM)
        chunked = _import(tmp_path, f"chunked_{path.stem}", path, _chunked(size))
        assert chunked == one, path.name
        # independent of the pipeline: the records the reader gives, in file order
        records = [
            r for r in read_records(path) if not any(p.severity == "error" for p in r.problems)
        ]
        assert [d[2] for d in one["documents"]] == [r.record for r in records], path.name
    assert cut == {"cnki-endnote", "cnki-noteexpress", "cnki-refworks", "wos"}  # really cut


def _damaged_wos(corpora: Path, tmp_path: Path) -> Path:
    """The real 344-record export with PY dropped from some records, stray lines in others,
    and the file cut inside its last record: every kind of WoS problem, on many records."""
    out: list[bytes] = []
    n = 0
    for line in (corpora / "wos" / "plaintext_344_fullrecord.txt").read_bytes().split(b"\n"):
        n += line.startswith(b"PT ")
        if n % 7 == 3 and line.startswith(b"PY "):
            continue
        out.append(line)
        if n % 11 == 5 and line.startswith(b"TI "):
            out.append(b"stray text that belongs to no field")
    data = b"\n".join(out)
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[: data.rfind(b"\nAB ") + 200])
    return path


@pytest.mark.parametrize("size", [3_000, 50_000])
def test_wos_problems_keep_the_files_numbers_in_chunks(corpora, tmp_path, size) -> None:
    """Problems keep their record and line numbers of the whole file, however it is cut."""
    path = _damaged_wos(corpora, tmp_path)
    assert len(list(chunk_spans(path, "wos", size=size))) >= 5
    one = _import(tmp_path, "one", path, ONE_STREAM)
    codes = Counter(p[6] for p in one["problems"])
    assert codes["wos-no-year"] > 10 and codes["wos-stray-line"] > 10
    assert codes["wos-truncated"] == 1
    chunked = _import(tmp_path, "chunked", path, _chunked(size))
    assert chunked == one
    assert max(p[4] for p in chunked["problems"] if p[4] is not None) > 30_000


def test_wos_header_alone_in_the_first_chunk(tmp_path) -> None:
    """A chunk smaller than the first record holds only the ``FN``/``VR`` header: no
    "no record" error for it, and every record read."""
    records = [f"PT J\nAU Li, X\nTI Title {i} {'x' * 400}\nPY 2020\nER\n" for i in range(5)]
    path = tmp_path / "savedrecs.txt"
    path.write_text("FN Clarivate\nVR 1.0\n" + "\n".join(records) + "\nEF\n", "utf-8")
    assert next(iter(chunk_spans(path, "wos", size=100))) == (0, len("FN Clarivate\nVR 1.0\n"))
    one = _import(tmp_path, "one", path, ONE_STREAM)
    assert len(one["documents"]) == 5 and one["problems"] == []
    assert _import(tmp_path, "chunked", path, _chunked(100)) == one


@pytest.mark.parametrize("workers", [1, 2])
def test_nul_run_in_the_middle_of_a_chunked_file(corpora, tmp_path, workers) -> None:
    """Zero padding in the middle of an export that is cut into chunks (a small chunk size
    stands for a file of 16 MB or more): the records before it are kept, the error names the
    byte of the file where the padding starts, as a one-stream read does."""
    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 2
    at = data.index(b"\nRT ", len(data) // 2) + 1  # at a record start, half way
    pad = 10_000  # longer than the limit (4096), shorter than a chunk
    path = tmp_path / "padded.txt"
    path.write_bytes(data[:at] + bytes(pad) + data[at:])
    plan = _chunked(40_000, workers)
    spans = list(chunk_spans(path, "cnki-refworks", size=plan.chunk_bytes))
    (holder,) = [(o, n) for o, n in spans if o < at < o + n]
    assert holder[0] > 0 and spans.index(holder) < len(spans) - 1  # mid-file, not the start
    one = _import(tmp_path, "one", path, ONE_STREAM)
    chunked = _import(tmp_path, f"chunked{workers}", path, plan)
    assert chunked == one
    head = tmp_path / "head.txt"
    head.write_bytes(data[:at])
    before = len(list(read_records(head)))
    assert before > 290 and len(chunked["documents"]) == before  # every record before it
    (error,) = [p for p in chunked["problems"] if p[5] == "error"]
    assert f"damaged at byte {at} " in error[8] and f"第 {at} 字节" in error[7]
    assert error[2] == str(path)


def test_chunked_import_report_is_the_files(corpora, tmp_path) -> None:
    """The report of a chunked import counts the file's records and names it in each problem."""
    path = _damaged_wos(corpora, tmp_path)
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        report = p.add(path, plan=_chunked(20_000))
    (fr,) = report.files
    assert fr.records == 344 and fr.format == "wos"
    assert fr.problems and all(pr.file == str(path) for pr in fr.problems)
    assert [pr.record for pr in fr.problems] == sorted(pr.record for pr in fr.problems)


def test_long_padding_in_the_middle_is_not_read_whole(corpora, tmp_path) -> None:
    """Padding longer than a chunk, followed by more records: the chunk holding it runs
    over all of it (no record starts there), but its worker stops reading in the block
    where the padding starts; the import equals a one-stream read."""
    from zhagen.ingest.work import Chunk

    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes()
    at = data.index(b"\nRT ", len(data) // 2) + 1
    pad = 1 << 20
    path = tmp_path / "padded.txt"
    path.write_bytes(data[:at] + bytes(pad) + data[at:])
    plan = _chunked(20_000)
    spans = list(chunk_spans(path, "cnki-refworks", size=plan.chunk_bytes))
    (offset, length) = next((o, n) for o, n in spans if o < at < o + n)
    assert length > pad
    read = Chunk(str(path), offset, length, "cnki-refworks", False, block=20_000)._read()
    assert len(read) <= at - offset + 2 * 20_000  # not the megabyte of zeros
    one = _import(tmp_path, "one", path, ONE_STREAM)
    assert _import(tmp_path, "chunked", path, plan) == one
    (error,) = [p for p in one["problems"] if p[5] == "error"]
    assert f"damaged at byte {at} " in error[8]


def _twice(src: Path, dest: Path) -> Path:
    """The export's records, then all of them again (another file: every record of the second
    half duplicates one of the first, across batches)."""
    data = src.read_bytes()
    body = data.removeprefix(b"\xef\xbb\xbf")
    if body.startswith(b"FN "):  # WoS: one header, the records twice, one EF
        head, _, records = body.partition(b"\nPT ")
        records = b"PT " + records.rsplit(b"\nEF", 1)[0].rstrip(b"\n") + b"\n\n"
        dest.write_bytes(head + b"\n" + records + records + b"EF\n")
    else:
        dest.write_bytes(data + b"\r\n" + data)
    return dest


@pytest.mark.parametrize(
    "name",
    ["cnki/refworks_2024_298.txt", "cnki/endnote_40.txt", "wos/plaintext_344_fullrecord.txt"],
)
def test_rows_written_once_equal_images(corpora, tmp_path, name) -> None:
    """The real CNKI and WoS exports, and a file holding their records twice: rows written
    straight into the project by this process (one pass, no staging table) give the same
    documents, duplicates (``dup_of``), sentences and problems as the same batches staged as
    SQLite images by two worker processes and copied in with ``INSERT … SELECT``."""
    src = corpora / name
    doubled = _twice(src, tmp_path / f"twice{src.suffix}")
    tables = {}
    for how, workers in (("rows", 1), ("images", 2)):
        proj = tmp_path / f"{how}.zhagen"
        plan = ImportPlan(workers=workers, parallel_min_bytes=1 << 62, batch=37)
        with zhagen.Project.create(proj) as p:
            report = p.add([src, doubled], plan=plan)
        assert [f.status for f in report.files] == ["ok", "ok"]
        tables[how] = _tables(proj)
    assert tables["rows"] == tables["images"]
    with sqlite3.connect(tmp_path / "rows.zhagen") as conn:
        dup_of = [r[0] for r in conn.execute("SELECT dup_of FROM documents ORDER BY id")]
    n = len(dup_of) // 2
    assert n > 0 and len(dup_of) == 2 * n
    # every record of the second copy is a duplicate of a document of the first
    assert all(first is not None and first <= n for first in dup_of[n:])
    assert sum(first is not None for first in dup_of[:n]) < n
