"""Fuzzing the import: seeded mutants of the real files in ``../shared`` must never cost a batch.

Each mutant (see ``fuzz_mutators.py``) is imported in a batch between good files, through
:func:`zhagen.ingest.add_paths` (what ``zhagen add`` and the web upload call) or, for
REFI-QDA projects, :meth:`zhagen.Project.import_qdpx`. The oracle:

* no exception escapes but a bilingual :class:`zhagen.ZhagenError` where the API raises one
  (``import_qdpx``); ``add_paths`` raises nothing at all;
* the mutant is either imported (``ok``/``skipped``) or has a problem of severity
  ``error`` naming it, in Chinese and in English (``partial``/``failed``);
* the good files of the batch are all imported;
* the process's resident memory stays under a ceiling while it reads.

A few hundred mutants run in the normal test run; ``ZHAGEN_FUZZ=5000`` runs 5,000 (and
``ZHAGEN_FUZZ_SEED`` changes the seed). A failure names its seed and mutant number, which
reproduce it exactly (``reproduce()`` below).
"""

from __future__ import annotations

import io
import os
import random
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fuzz_mutators import mutate

import zhagen
from hostile_files import PeakRSS, simple_pdf
from zhagen.errors import ZhagenError

MUTANTS = int(os.environ.get("ZHAGEN_FUZZ", "400"))
SEED = int(os.environ.get("ZHAGEN_FUZZ_SEED", "10"))
BATCH = 30  # mutants per project file
RSS_CEILING = 700 * 2**20  # above the process's memory before the run
_HAN = re.compile(r"[\u4e00-\u9fff]")


# --- the real files, and documents made from their text ------------------------------------


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    lines = [line for line in text.splitlines() if line.strip()][:60]
    d.add_heading(lines[0][:40], level=1)
    for line in lines[1:]:
        d.add_paragraph(line)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = lines[1][:20], lines[-1][:20]
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx(records: list[zhagen.RawRecord] | list) -> bytes:  # type: ignore[name-defined]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Title-题名", "Author-作者", "Source-文献来源", "Year-年", "Keyword-关键词"])
    for r in records:
        sheet.append(
            [r.title, ";".join(r.authors), r.venue, r.year, ";".join(r.keywords.get("zh", []))]
        )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _pdf(lines: list[str]) -> bytes:
    """A small text PDF (Helvetica, so ASCII lines: WoS titles)."""
    pages = []
    for chunk in (lines[:20], lines[20:40]):
        safe = [re.sub(r"[()\\]", " ", t)[:90] for t in chunk]
        ops = "".join(
            f"BT /F1 10 Tf 40 {760 - 14 * i} Td ({t}) Tj ET\n" for i, t in enumerate(safe)
        )
        pages.append(ops.encode("latin-1", "replace"))
    return simple_pdf(pages)


@pytest.fixture(scope="module")
def seeds(shared: Path) -> list[tuple[str, bytes]]:
    """(file name, bytes): the real exports and documents, and documents made from them."""
    from zhagen.formats import read_records

    corpora = shared / "corpora"
    out: list[tuple[str, bytes]] = []
    for folder in ("cnki", "wos"):
        for path in sorted((corpora / folder).iterdir()):
            if path.stat().st_size < 300_000:
                out.append((path.name, path.read_bytes()))
    policy = (corpora / "policy" / "government_work_reports.jsonl").read_bytes()
    out.append(("reports.jsonl", b"".join(policy.splitlines(keepends=True)[:6])))
    texts = sorted((corpora / "seeds").iterdir())[:3]
    for path in texts:
        out.append((path.name, path.read_bytes()))
    seed_text = texts[0].read_text(encoding="utf-8")
    out.append(("seed.docx", _docx(seed_text)))
    out.append(
        (
            "seed.html",
            f"<html><head><title>新质生产力</title></head><body><p>{seed_text[:3000]}</p></body></html>".encode(),
        )
    )
    cnki = list(read_records(corpora / "cnki" / "refworks_2024_298.txt"))[:80]
    out.append(("cnki.xlsx", _xlsx(cnki)))
    csv = "题名,作者,文献来源,年\n" + "".join(
        f'"{r.title}",{";".join(r.authors)},{r.venue},{r.year}\n' for r in cnki
    )
    out.append(("cnki.csv", csv.encode("gb18030")))
    wos = [r.title for r in read_records(corpora / "wos" / "plaintext_10.txt")]
    out.append(("wos.pdf", _pdf(wos * 4)))
    for path in sorted((shared / "refi-qda" / "samples").iterdir()):
        out.append((path.name, path.read_bytes()))
    return out


# --- the oracle ------------------------------------------------------------------------------------


@dataclass
class Run:
    kinds: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    peak: int = 0


def _bilingual(zh: str, en: str) -> bool:
    return bool(_HAN.search(zh)) and bool(en.strip()) and en != zh


def _mutant(index: int, seeds: list[tuple[str, bytes]]) -> tuple[str, str, bytes]:
    """Mutant ``index`` of the run: (seed file name, kind, bytes); deterministic."""
    rng = random.Random(f"{SEED}-{index}")
    name, data = seeds[rng.randrange(len(seeds))]
    kind, mutated = mutate(rng, data, Path(name).suffix.lower())
    return name, kind, mutated


def reproduce(index: int, seeds: list[tuple[str, bytes]], folder: Path) -> Path:
    """Write mutant ``index`` to ``folder`` (to debug a failure by hand)."""
    name, _kind, data = _mutant(index, seeds)
    path = folder / f"m{index:05d}_{name}"
    path.write_bytes(data)
    return path


def _check_batch(folder: Path, first: int, count: int, seeds: list, run: Run) -> None:
    from zhagen.ingest import add_paths
    from zhagen.store.db import Store

    paths: list[Path] = []
    meta: dict[str, tuple[int, str, str]] = {}
    qdpx: list[Path] = []
    for index in range(first, first + count):
        name, kind, data = _mutant(index, seeds)
        run.kinds[kind] += 1
        path = folder / f"m{index:05d}_{name}"
        path.write_bytes(data)
        meta[str(path)] = (index, name, kind)
        if name.endswith(".qdpx"):
            qdpx.append(path)
            continue
        good = folder / f"good{index:05d}.txt"
        good.write_text(f"第 {index} 份完好的文件。数字经济推动高质量发展。\n", encoding="utf-8")
        paths += [path, good]
    store = Store.create(folder / f"batch{first}.zhagen")
    try:
        with PeakRSS() as peak:
            try:
                report = add_paths(store, paths)
            except Exception:  # noqa: BLE001 - the oracle: nothing may escape
                run.failures.append(f"batch from mutant {first}: {traceback.format_exc()}")
                return
        run.peak = max(run.peak, peak.peak)
    finally:
        store.close()
    for fr in report.files:
        if fr.path not in meta:
            if fr.status not in {"ok", "skipped"}:
                run.failures.append(f"good file {fr.path} not imported: {fr.status} {fr.problems}")
            continue
        index, name, kind = meta[fr.path]
        run.outcomes[fr.status] += 1
        where = f"mutant {index} ({kind} of {name}, ZHAGEN_FUZZ_SEED={SEED})"
        if fr.status in {"failed", "partial"}:
            errors = [p for p in fr.problems if p.severity == "error"]
            if not errors:
                run.failures.append(f"{where}: {fr.status} without an error problem")
            for p in errors:
                if p.file != fr.path or not _bilingual(p.zh, p.en):
                    run.failures.append(f"{where}: unclear problem {p}")
        elif fr.status not in {"ok", "skipped"}:
            run.failures.append(f"{where}: status {fr.status}")
    for path in qdpx:
        _check_qdpx(folder, path, meta[str(path)], run)


def _check_qdpx(folder: Path, path: Path, meta: tuple[int, str, str], run: Run) -> None:
    index, name, kind = meta
    where = f"mutant {index} ({kind} of {name}, ZHAGEN_FUZZ_SEED={SEED})"
    project = folder / f"qdpx{index}.zhagen"
    with zhagen.Project.create(project) as p, PeakRSS() as peak:
        try:
            p.import_qdpx(path)
            run.outcomes["ok"] += 1
        except ZhagenError as exc:
            run.outcomes["failed"] += 1
            if not _bilingual(exc.zh, exc.en) or str(path) not in exc.message:
                run.failures.append(f"{where}: unclear error {exc.message}")
        except Exception:  # noqa: BLE001 - the oracle
            run.failures.append(f"{where}: {traceback.format_exc()}")
    run.peak = max(run.peak, peak.peak)


def test_fuzz_import(seeds: list[tuple[str, bytes]], tmp_path: Path) -> None:
    import psutil

    base = psutil.Process().memory_info().rss
    run = Run()
    for first in range(0, MUTANTS, BATCH):
        folder = tmp_path / f"b{first}"
        folder.mkdir()
        _check_batch(folder, first, min(BATCH, MUTANTS - first), seeds, run)
        for f in folder.iterdir():  # keep the disk use of a long run bounded
            f.unlink()
    summary = (
        f"{MUTANTS} mutants (seed {SEED}): kinds {dict(run.kinds)}, outcomes "
        f"{dict(run.outcomes)}, peak RSS {run.peak / 2**20:.0f} MB (base {base / 2**20:.0f} MB)"
    )
    print(summary)
    assert not run.failures, summary + "\n" + "\n".join(run.failures[:20])
    assert run.peak - base < RSS_CEILING, summary
    assert sum(run.outcomes.values()) == MUTANTS
    if MUTANTS >= 200:  # every kind of mutation was made, and both outcomes seen
        assert len(run.kinds) >= 10, run.kinds
        assert run.outcomes["ok"] and run.outcomes["failed"], run.outcomes
