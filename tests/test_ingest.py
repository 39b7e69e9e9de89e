"""The import pipeline's fast paths: parallel chunks, staged rows, duplicates, JSON, GC."""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

import zhagen
import zhagen.formats as formats
import zhagen.ingest as ingest
import zhagen.prepare as prepare
from zhagen.ingest import ImportPlan, pipeline
from zhagen.ingest.work import RecordBatch, work
from zhagen.store import docs as q
from zhagen.store.db import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _tables(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Documents and problems (every column but the time a problem was written)."""
    docs = _rows(path, "SELECT * FROM documents ORDER BY id")
    probs = _rows(
        path,
        "SELECT id, source_id, path, record, line, severity, code, zh, en FROM problems "
        "ORDER BY id",
    )
    return docs, probs


def _chunked(size: int) -> ImportPlan:
    """A plan that cuts every file into chunks of about ``size`` bytes."""
    return ImportPlan(parallel_min_bytes=1, chunk_bytes=size)


def _refworks(records: list[tuple[str, str, str]]) -> bytes:
    """A RefWorks export of (title, year, doi) records."""
    out = []
    for title, year, doi in records:
        lines = ["RT Journal Article", "A1 张三;李四;", f"T1 {title}", f"YR {year}"]
        if doi:
            lines.append(f"DO {doi}")
        out.append("\r\n".join(lines) + "\r\n\r\n")
    return "".join(out).encode("utf-8")


@pytest.mark.parametrize("name", ["refworks", "wos"])
def test_parallel_import_equals_serial_in_every_column(corpora, tmp_path, name):
    """Chunks read by two workers and staged as SQLite images: the same rows, ids, problems."""
    if name == "refworks":
        data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 2
    else:  # the records twice in one file (two files one after the other shift line numbers)
        text = (corpora / "wos" / "plaintext_344_fullrecord.txt").read_text("utf-8-sig")
        head, _, body = text.partition("\nPT ")
        body = "PT " + body[: body.rindex("\nEF")] + "\n"
        data = (head + "\n" + body + body + "EF\n").encode("utf-8")
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data[: len(data) - 200])  # the last record cut short
    serial = tmp_path / "serial.zhagen"
    with zhagen.Project.create(serial) as p:
        p.add(path, workers=1)
    plan = _chunked(150_000)
    parallel = tmp_path / "parallel.zhagen"
    with zhagen.Project.create(parallel) as p:
        report = p.add(path, workers=2, plan=plan)
    assert report.records > 400 and report.files[0].duplicates > 200
    assert _tables(parallel) == _tables(serial)


def _uneven_refworks() -> bytes:
    """Records with and without DS, the first without, and a last record cut short."""
    recs = []
    for i in range(40):
        lines = ["RT Journal Article", f"A1 作者{i};", f"T1 题名{i}", "JF 期刊", "YR 2020"]
        if i % 7 and i != 0:  # the first record and every seventh have no DS
            lines.append("DS CNKI")
        recs.append("\r\n".join(lines) + "\r\n\r\n")
    return ("".join(recs) + "RT Journal Article\r\nA1 乙;\r\nT1 半条").encode("utf-8")


@pytest.mark.parametrize("size", [300, 700, 1500])
def test_truncated_last_record_is_flagged_alike_in_chunks(tmp_path, size):
    """The fields a cut last record misses are those every earlier record of the file had,
    however the file is cut into chunks; and no record but the last is flagged."""
    path = tmp_path / "cut.txt"
    path.write_bytes(_uneven_refworks())
    serial = tmp_path / "serial.zhagen"
    with zhagen.Project.create(serial) as p:
        p.add(path, workers=1)
    plan = _chunked(size)
    for workers in (1, 2):  # chunks read here, or by worker processes
        parallel = tmp_path / f"parallel{workers}.zhagen"
        with zhagen.Project.create(parallel) as p:
            p.add(path, workers=workers, plan=plan)
        assert _tables(parallel) == _tables(serial)
    flagged = _rows(serial, "SELECT record, en FROM problems WHERE code = 'truncated'")
    assert [(r, "(missing JF, YR)" in en) for r, en in flagged] == [(41, True)]


def test_duplicates_are_marked_as_mark_duplicates_marks_them(tmp_path):
    first = _refworks(
        [("数字经济研究", "2020", ""), ("平台治理", "2021", "10.1/A"), ("数字经济研究", "2020", "")]
    )
    second = _refworks(
        [
            ("平台治理的新问题", "2022", "10.1/a"),  # same DOI as a record of the first file
            ("数字经济研究", "2020", "10.1/B"),  # same title and year as the first record
            ("另一个题目", "2019", "10.1/B"),  # same DOI as the record before, in the same batch
            ("数字经济研究", "2021", ""),  # another year: no duplicate
        ]
    )
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path, data in zip(paths, (first, second), strict=True):
        path.write_bytes(data)
    plan = _chunked(200)  # a record or two per chunk
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        reports = [p.add(path, workers=2, plan=plan).files[0] for path in paths]
    assert [r.duplicates for r in reports] == [1, 3]
    marked = _rows(proj, "SELECT id, dup_of FROM documents ORDER BY id")
    assert marked == [(1, None), (2, None), (3, 1), (4, 2), (5, 1), (6, 5), (7, None)]
    # the same as mark_duplicates decides, run source by source on the unmarked documents
    copy = tmp_path / "copy.zhagen"
    shutil.copy(proj, copy)
    store = Store.open(copy)
    try:
        with store.transaction():
            store.conn.execute("UPDATE documents SET dup_of = NULL")
            assert [q.mark_duplicates(store, sid) for sid in (1, 2)] == [1, 3]
    finally:
        store.close()
    assert _rows(copy, "SELECT id, dup_of FROM documents ORDER BY id") == marked


def test_citespace_records_keep_their_format_when_read_in_chunks(tmp_path):
    records = [
        f"PT J\nAU 张三\nTI 题名{i}\nPY 2020\n{'UT CNKI:X' + str(i) if i % 2 else 'UT X'}\nER\n"
        for i in range(6)
    ]
    path = tmp_path / "download_1.txt"
    path.write_text("FN CNKI\nVR 1.0\n" + "\n".join(records) + "\nEF\n", encoding="utf-8")
    plan = _chunked(120)  # the first chunk holds the header and a record
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        p.add(path, format="cnki-citespace", workers=2, plan=plan)
        assert set(p.documents()["format"]) == {"cnki-citespace"}


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        ["张三", "Li, X", 'quote " and \\ backslash', "tab\tnew\nline\x01", "𠀀😀"],
        {"zh": ["数字经济", "平台"], "en": ["digital economy"]},
        {"SR": "1", "cn": "11-1234/F", "database": "CNKI"},
        {"title": {"normalised": 2, "flags": [{"kind": "mojibake", "start": 0}]}},
        [1, 2.5, None, True],
        {"a": ["x", 1]},
        {1: "int key"},
    ],
)
def test_json_is_what_json_dumps_writes(value):
    assert prepare.to_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_dup_key_skips_the_regex_only_where_it_would_drop_nothing():
    everything = "".join(map(chr, range(0x110000)))
    kept = "".join(c for c in everything if c.isalnum())
    assert prepare._KEY_DROP.sub("", everything) == kept  # isalnum: exactly what [\W_] keeps
    assert ingest.dup_key("数字经济：理论_与 实践", 2024) == "数字经济理论与实践|2024"
    assert ingest.dup_key("数字经济理论与实践", None) == "数字经济理论与实践|"


def _keywords_each(keywords: dict[str, list[str]]) -> dict[str, list[str]]:
    """What keyword cleaning promises, keyword by keyword: normalised, simplified, stripped;
    empty ones and repeats (in a language) dropped."""
    from zhagen.text.clean import normalise, to_simplified

    out = {}
    for lang, words in keywords.items():
        cleaned = (to_simplified(normalise(w)[0])[0].strip() for w in words)
        out[lang] = list(dict.fromkeys(w for w in cleaned if w))
    return out


def test_keyword_cleaning_fast_paths_agree_with_cleaning_each_keyword():
    import random

    rng = random.Random(5)
    pieces = ["数字经济", "數字經濟", "AI", "ＡＩ", " 平台", "平台 ", "", " ", "治理"]
    pieces += ["x\t", "a\nb", "a\rb", "c\u2028", "數\n據", "\n", "\n\n\n"]
    cl = prepare.cleaner()
    cases = [{}, {"zh": [""]}, {"zh": ["数字经济", "数字经济"]}, {"zh": ["平台"], "en": ["平台"]}]
    for _ in range(3000):
        cases.append(
            {lang: [rng.choice(pieces) for _ in range(rng.randint(0, 4))] for lang in ("zh", "en")}
        )
    for keywords in cases:
        assert cl.keywords(keywords) == _keywords_each(keywords), keywords


def test_work_restores_the_garbage_collector():
    records = list(formats.read_records(EXAMPLES / "cnki" / "sample_refworks.txt"))
    assert gc.isenabled()
    unit = work(RecordBatch(records, image=True))
    assert gc.isenabled() and unit.kept == len(records) and isinstance(unit.staged, bytes)
    gc.disable()
    try:
        work(RecordBatch(records))
        assert not gc.isenabled()
    finally:
        gc.enable()


WORKER = """
import sys, zhagen
from zhagen.ingest import ImportPlan
plan = ImportPlan(workers=2, parallel_min_bytes=1, bulk_min_bytes=1, chunk_bytes=200_000)
with zhagen.open(sys.argv[1]) as project:
    project.add(sys.argv[2], plan=plan)
"""


def test_killed_bulk_import_leaves_whole_batches_and_is_replaced(corpora, tmp_path):
    """kill -9 in the middle of a parallel, bulk-tuned import: committed units survive,
    the source stays partial, and adding the file again replaces what it left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 20  # 5960 records
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    proj = tmp_path / "p.zhagen"
    zhagen.Project.create(proj).close()
    # its own process group, so that kill -9 takes the worker processes with it at once
    # (killed alone, the importer's workers exit too: see the test below)
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(proj), str(path)],
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # where the killed import spools
    )
    deadline = time.monotonic() + 60
    count = 0
    while count == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _rows(proj, "SELECT COUNT(*) FROM documents")[0][0]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _rows(proj, "PRAGMA integrity_check") == [("ok",)]
    ((status,),) = _rows(proj, "SELECT status FROM sources")
    kept = _rows(proj, "SELECT COUNT(*) FROM documents")[0][0]
    if status == "partial":  # (the import may have finished before the kill)
        records = _rows(proj, "SELECT record FROM documents ORDER BY id")
        assert [r for (r,) in records] == list(range(1, kept + 1))  # whole units, in order
    with zhagen.open(proj) as project:
        report = project.add(path)
        assert project.documents().shape[0] == 5960
    assert report.files[0].status in {"ok", "skipped"} and (status == "partial") == (
        report.files[0].status == "ok"
    )


def test_workers_exit_when_the_importer_is_killed(corpora, tmp_path, monkeypatch):
    """kill -9 of the importing process alone: its worker processes do not wait forever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    data = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 40  # 11920 records
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    proj = tmp_path / "p.zhagen"
    zhagen.Project.create(proj).close()
    # its own session, only so that a failing test can still clean up the whole group
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # where the killed import spools
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(proj), str(path)], start_new_session=True, env=env
    )
    try:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        workers: list[psutil.Process] = []
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            workers = parent.children()
        assert len(workers) == 2, "the import ended before its workers were seen"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 20  # generous: they exit at once
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_running(w) for w in workers)
        spools = [d for d in tmp_path.iterdir() if d.name.startswith("zhagen-import-")]
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        with zhagen.open(proj) as project:  # the next import removes the killed one's spool
            project.add(path, workers=2)
        assert spools and not any(d.exists() for d in spools)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _running(proc) -> bool:
    """Whether a process still runs (a zombie waiting for its new parent to reap it does not)."""
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("size", [50, 300, 1500])
def test_chunks_cover_the_file_and_start_at_records(tmp_path, size):
    """Chunk spans: consecutive, covering every byte, each but the first starting at a
    record; a record longer than the chunk size makes a longer chunk."""
    long_title = ("T1 " + "长" * 300 + "\r\n").encode()
    data = _uneven_refworks().replace("T1 题名7\r\n".encode(), long_title)
    assert long_title in data
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    spans = list(formats.chunk_spans(path, "cnki-refworks", size=size))
    assert [o for o, _ in spans] == [0] + [o + n for o, n in spans[:-1]]
    assert sum(n for _, n in spans) == len(data)
    assert all(data[o : o + 3] == b"RT " for o, _ in spans)
    chunks = list(formats.iter_chunks(path, "cnki-refworks", size=size))
    assert b"".join(chunks) == data and len(chunks) == len(spans)
    assert len(spans) > 1


def test_large_file_is_hashed_while_it_is_read(corpora, tmp_path, monkeypatch):
    """A large export's hash is computed while workers read its first chunks (no source of
    its size was imported whole): the same rows and hash as hashing first; adding it again
    hashes first and skips it; a partial import of it is replaced."""
    import hashlib

    path = tmp_path / "big.txt"
    path.write_bytes((corpora / "cnki" / "refworks_2024_298.txt").read_bytes() * 3)
    serial = tmp_path / "serial.zhagen"
    with zhagen.Project.create(serial) as p:
        p.add(path, workers=1)
    plan = _chunked(150_000)
    started = []
    real_start = pipeline._Source.start
    monkeypatch.setattr(
        pipeline._Source, "start", lambda *a: started.append(real_start(*a)) or started[-1]
    )
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        assert p.add(path, workers=2, plan=plan).files[0].status == "ok"
        assert p.add(path, workers=2, plan=plan).files[0].status == "skipped"
    assert started[0] is not None and started[1] is None  # hashed as it is read, then first
    assert _tables(proj) == _tables(serial)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert _rows(proj, "SELECT sha256, size, status FROM sources") == [
        (sha, path.stat().st_size, "ok")
    ]
    conn = sqlite3.connect(proj)
    conn.execute("UPDATE sources SET status = 'partial'")
    conn.commit()
    conn.close()
    with zhagen.open(proj) as p:
        assert p.add(path, workers=2, plan=plan).files[0].status == "ok"
    assert started[2] is not None
    assert _rows(proj, "SELECT COUNT(*) FROM documents") == [(894,)]
    # the cut-off import's source is replaced, not left beside the finished one
    assert [r[1:] for r in _rows(proj, "SELECT id, status FROM sources")] == [("ok",)]


def test_file_unreadable_while_hashed_late_fails_alone(corpora, tmp_path, monkeypatch):
    """An error hashing it as it is read is the file's failure (bilingual, no source left partial)."""
    path = tmp_path / "big.txt"
    path.write_bytes((corpora / "cnki" / "refworks_2024_298.txt").read_bytes())
    plan = _chunked(150_000)

    def denied(_path: str) -> tuple[str, int]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pipeline, "_sha256", denied)
    proj = tmp_path / "p.zhagen"
    with zhagen.Project.create(proj) as p:
        report = p.add(path, workers=2, plan=plan)
    (fr,) = report.files
    assert fr.status == "failed" and fr.records == 0
    assert "无法读取文件" in fr.problems[0].zh and "cannot read the file" in fr.problems[0].en
    assert _rows(proj, "SELECT sha256, status FROM sources") == [(None, "failed")]
    assert _rows(proj, "SELECT COUNT(*) FROM documents") == [(0,)]


RESUMED = """
import sys, time, zhagen
from zhagen.ingest import ImportPlan
proj, src, stop, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
address, shards = (sys.argv[5:7] + [None, None])[:2]  # a cluster's scheduler, its shards
plan = ImportPlan(workers=2 if address else 1, parallel_min_bytes=1, chunk_bytes=chunk)
state = {"marks": 0, "committed": False}

def traced(sql):  # once the unit with mark number `stop` is committed, wait to be killed
    if state["committed"]:
        print("merged", state["marks"], flush=True)
        time.sleep(600)
    if sql.startswith("INSERT OR REPLACE INTO merged_units"):
        state["marks"] += 1
    elif sql.strip() == "COMMIT" and state["marks"] >= stop:
        state["committed"] = True

with zhagen.Project.open(proj, cluster=address, shards=shards) as p:
    p.store.conn.set_trace_callback(traced)
    p.add(src, plan=plan)
"""


def killed_after(proj: Path, src: Path, units: int, chunk: int, *cluster: str) -> None:
    """Import ``src`` into a new project ``proj`` in a process killed (SIGKILL) once
    ``units`` of its chunks are stored; ``cluster``: a scheduler's address and a shards
    folder to import through."""
    import os
    import signal
    import subprocess
    import sys

    zhagen.Project.create(proj).close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    env.pop("ZHAGEN_CLUSTER", None)
    run = [sys.executable, "-c", RESUMED, str(proj), str(src), str(units), str(chunk), *cluster]
    child = subprocess.Popen(run, stdout=subprocess.PIPE, text=True, env=env)
    try:
        said = child.stdout.readline()  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert said.split() == ["merged", str(units)] and child.returncode == -signal.SIGKILL


def test_import_killed_resumes_after_the_units_it_stored(corpora, tmp_path):
    """kill -9 once 4 chunks of an export are stored (no cluster): run again with the same
    cut, the import reads and stores only the chunks after them — with the numbers,
    duplicates and problems of an import nothing interrupted, the file's cut-short last
    record checked with what every chunk's reader saw (the stored chunks' from their
    marks) —; run with another cut, what it stored is replaced instead."""
    text = (corpora / "cnki" / "refworks_2024_298.txt").read_bytes()
    src = tmp_path / "cut.txt"
    src.write_bytes((text + b"\r\n" + text)[:-400])  # copy 2 duplicates copy 1; cut short
    chunk = 40_000
    expected = tmp_path / "expected.zhagen"
    with zhagen.Project.create(expected) as p:
        whole = p.add(src, plan=ImportPlan(workers=1, parallel_min_bytes=1, chunk_bytes=chunk))
    docs, probs = _tables(expected)
    assert len(docs) == 596 and sum(d[-2] is not None for d in docs) >= 290
    assert "truncated" in {p[6] for p in probs}
    proj = tmp_path / "p.zhagen"
    killed_after(proj, src, 4, chunk)
    assert _rows(proj, "SELECT unit FROM merged_units") == [(0,), (1,), (2,), (3,)]
    other = tmp_path / "other.zhagen"  # the same cut-off file, to resume with another cut
    for name in ("", "-wal"):
        if Path(f"{proj}{name}").exists():
            shutil.copyfile(f"{proj}{name}", f"{other}{name}")
    from test_import_links import assert_links_derived, keyword_links

    upto, top, _ = keyword_links(proj)
    assert upto == top > 0  # each unit stored with its keyword links
    with zhagen.open(proj) as p:
        report = p.add(src, plan=ImportPlan(workers=1, parallel_min_bytes=1, chunk_bytes=chunk))
    assert _tables(proj) == (docs, probs)
    assert_links_derived(proj, tmp_path)
    assert (report.records, len(report.problems)) == (whole.records, len(whole.problems))
    assert report.files[0].resumed == 4 and whole.files[0].resumed == 0
    ((payload,),) = _rows(proj, "SELECT payload FROM log WHERE action = 'import'")
    units = json.loads(payload)["resumed"]
    assert units["units"] == 4 and units["merged_now"] > 5
    assert _rows(proj, "SELECT COUNT(*), status FROM sources") == [(1, "ok")]
    assert _rows(proj, "SELECT COUNT(*) FROM merged_units") == [(0,)]
    with zhagen.open(other) as p:
        p.add(src, plan=ImportPlan(workers=1, parallel_min_bytes=1, chunk_bytes=chunk // 2))
    ((payload,),) = _rows(other, "SELECT payload FROM log WHERE action = 'import'")
    assert "resumed" not in json.loads(payload)
    assert _tables(other) == (docs, probs)
    assert_links_derived(other, tmp_path)
