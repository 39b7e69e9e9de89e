"""Reading a large export with worker processes (formats.read_records_parallel) gives the
records a one-process read gives, equal in every field: the records cross the process
boundary as flat tuples (records.record_to_tuple) serialised with marshal."""

from __future__ import annotations

import gc
import marshal
from collections import Counter
from pathlib import Path

import pytest

from zhagen import formats
from zhagen.formats import chunk_spans, read_records, read_records_parallel
from zhagen.records import Problem, RawRecord, record_from_tuple, record_to_tuple


def _full_record() -> RawRecord:
    """A record with every field set to something other than its default."""
    return RawRecord(
        source="a/b.txt",
        record=7,
        format="cnki-citespace",
        type="thesis",
        title="数字经济 \x1e with a record separator\n",
        authors=["Li, X", "", "王五"],
        affiliations=["Peking Univ"],
        venue="V",
        year=2024,
        volume="3",
        issue="2",
        pages="1-9",
        keywords={"zh": ["平台"], "en": ["a; b", "c"], "plus": []},
        abstract="abs\r\nract",
        doi="10.1/x",
        issn="1234-5678",
        url="http://x",
        lang="zh",
        text="full text",
        cited_refs=["Ref 1, 2020", "Ref\x1e2"],
        extra={"ut": "WOS:1", "": "empty key"},
        problems=[
            Problem("a/b.txt", "中", "en", "error", "code", 7, 12),
            Problem("a/b.txt", "中", "en"),
        ],
    )


def test_record_tuple_round_trip_keeps_every_field() -> None:
    rec = _full_record()
    back = record_from_tuple(marshal.loads(marshal.dumps(record_to_tuple(rec))))
    assert back == rec and type(back) is RawRecord
    assert [type(p) for p in back.problems] == [Problem, Problem]
    assert back.problems[0].message == rec.problems[0].message
    empty = RawRecord("x", 1, "wos")
    assert record_from_tuple(record_to_tuple(empty)) == empty
    assert record_from_tuple(record_to_tuple(empty)).problems is not empty.problems


def test_record_tuple_covers_every_field() -> None:
    """A field added to RawRecord must travel too: each field changed alone changes the tuple."""
    from dataclasses import fields

    base = record_to_tuple(RawRecord("x", 1, "wos"))
    changed = {f.name: record_to_tuple(_with(f.name)) for f in fields(RawRecord)}
    assert all(t != base for t in changed.values()), [k for k, t in changed.items() if t == base]
    assert all(record_from_tuple(changed[name]) == _with(name) for name in changed)


def _with(name: str) -> RawRecord:
    rec = RawRecord("x", 1, "wos")
    setattr(rec, name, getattr(_full_record(), name))
    return rec


class _Tag(str):
    """A str subclass: marshal cannot carry it, pickle can."""


def test_chunk_job_falls_back_to_pickle_and_decode_restores_gc(tmp_path, monkeypatch) -> None:
    rec = RawRecord("x", 1, "wos", extra={"k": _Tag("v")})
    monkeypatch.setattr(formats, "read_chunk", lambda chunk, fmt, name: ([rec], None))
    path = tmp_path / "any.txt"
    path.write_bytes(b"PT J\nER\n")
    blob, marshalled, tail, n_lines, last = formats._read_chunk_job((str(path), 0, 8, "wos", True))
    assert (marshalled, tail, n_lines, last) == (False, None, 2, True)
    (back,) = formats._decode_chunk(blob, marshalled)
    assert back == rec and type(back.extra["k"]) is _Tag
    assert gc.isenabled()
    gc.disable()
    try:
        blob = marshal.dumps([record_to_tuple(_full_record())])
        assert formats._decode_chunk(blob, True) == [_full_record()]
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


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
def test_wos_with_problems_equal_in_chunks(corpora, tmp_path, size) -> None:
    """Problems keep their record and line numbers of the whole file, however it is cut."""
    path = _damaged_wos(corpora, tmp_path)
    assert len(list(chunk_spans(path, "wos", size=size))) >= 5
    serial = list(read_records(path))
    codes = Counter(p.code for r in serial for p in r.problems)
    assert codes["wos-no-year"] > 10 and codes["wos-stray-line"] > 10
    assert codes["wos-truncated"] == 1 and serial[-1].problems[-1].code == "wos-truncated"
    parallel = list(read_records_parallel(path, workers=2, chunk_size=size))
    assert parallel == serial
    lines = [(p.record, p.line) for r in parallel for p in r.problems]
    assert lines == [(p.record, p.line) for r in serial for p in r.problems]
    assert max(line for _, line in lines) > 30_000  # numbered in the whole file


@pytest.mark.parametrize(
    ("name", "fmt", "size"),
    [
        ("refworks_2024_298.txt", "cnki-refworks", 20_000),
        ("endnote_40.txt", "cnki-endnote", 8_000),
        ("noteexpress_12.net", "cnki-noteexpress", 2_000),
        ("noteexpress_15_alltypes.net", "cnki-noteexpress", 2_000),
    ],
)
def test_cnki_exports_equal_in_chunks(corpora, name, fmt, size) -> None:
    path = corpora / "cnki" / name
    assert formats.detect_format(path) == fmt
    assert len(list(chunk_spans(path, fmt, size=size))) >= 3
    serial = list(read_records(path))
    assert list(read_records_parallel(path, workers=2, chunk_size=size)) == serial


def test_cnki_truncated_last_record_equal_in_chunks(corpora, tmp_path) -> None:
    """A RefWorks export cut inside its last record: the chunked read flags it alike."""
    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes()
    path = tmp_path / "cut.txt"
    path.write_bytes(data[: data.rfind(b"\nRT ") + 40])
    serial = list(read_records(path))
    assert any(p.code == "truncated" for p in serial[-1].problems)
    assert list(read_records_parallel(path, workers=2, chunk_size=20_000)) == serial
