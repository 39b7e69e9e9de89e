"""The example fixture the docstrings run on (``zhagen.examples``), and the docstrings'
examples being real: collected by the suite, none commented out or skipped."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from zhagen.examples import RECORDS, TEXTS, tiny_map, tiny_project

SRC = Path(__file__).resolve().parents[1] / "src" / "zhagen"


def test_tiny_map_counts_the_records_keywords() -> None:
    km = tiny_map()
    counts = Counter(k for _year, keywords, _title in RECORDS for k in keywords)
    assert dict(zip(km.nodes["label"], km.nodes["frequency"], strict=True)) == dict(counts)
    assert km.year_span == (min(r[0] for r in RECORDS), max(r[0] for r in RECORDS))
    pairs = Counter(
        tuple(sorted((a, b))) for _y, kw, _t in RECORDS for a in kw for b in kw if a < b
    )
    label = km.nodes["label"].tolist()
    got = {tuple(sorted((label[s], label[t]))): c for s, t, c in
           km.edges[["source", "target", "count"]].itertuples(index=False)}  # fmt: skip
    assert got == dict(pairs)


def test_tiny_project_holds_the_texts_and_codings(tmp_path: Path) -> None:
    with tiny_project(tmp_path) as p:
        assert sorted(p.documents()["title"]) == sorted(n.removesuffix(".txt") for n in TEXTS)
        for row in p.codings().itertuples(index=False):
            assert p.text(row.document)[row.start : row.end] == row.text
            assert row.text in TEXTS[p.document(row.document)["title"] + ".txt"]
    assert (tmp_path / "tiny.zhagen").is_file()


def test_no_docstring_example_is_commented_out_or_skipped() -> None:
    bad = []
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r">>> #|doctest: \+SKIP", line):
                bad.append(f"{path.relative_to(SRC)}:{n}")
    assert bad == []


def test_the_suite_collects_the_docstring_examples() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         str(SRC / "examples.py"), str(SRC / "formats" / "network.py")],
        capture_output=True, text=True, cwd=SRC.parents[1], timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "zhagen.examples.tiny_map" in out.stdout
    assert "zhagen.formats.network.write_graphml" in out.stdout
