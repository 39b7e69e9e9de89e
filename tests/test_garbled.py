"""Garbled text is flagged, never passed on as data (issue 9): an import reports each
mojibake run as a warning naming file, record and offset, marks the sentences that hold one,
and the coding tables never print a marked sentence as a statement."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import zhagen

#: Independent of zhagen's detector: an ASCII "?" inside Chinese text, that is after a
#: non-ASCII character with more text following it in the sentence, or just before a Han
#: character. (A "?" ending a sentence, as in seed 003's "新质生产力?", is punctuation.)
_ORACLE = re.compile(r"[^\x00-\x7f]\?\S|\?[\u4e00-\u9fff]")


def test_seed_002_runs_are_reported_and_their_sentences_marked(corpora, tmp_path) -> None:
    path = corpora / "seeds" / "002_5578165eb778e554.txt"
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        report = p.add(path)
        text = p.documents.text(1)
        sents = p.documents.sentences(1)
    runs = [pr for pr in report.problems if pr.code == "mojibake"]
    assert len(runs) == 9
    assert all(pr.severity == "warning" and pr.record == 1 and pr.file == str(path) for pr in runs)
    assert all("乱码" in pr.zh and "garbled text (mojibake)" in pr.en for pr in runs)
    offsets = [int(re.search(r"character (\d+) of the body", pr.en)[1]) for pr in runs]
    assert offsets == sorted(offsets) and all(text[o] == "?" for o in offsets)
    snippets = [re.search(r"“(.+?)”", pr.en)[1] for pr in runs]
    assert all(text[o : o + len(s)] == s for o, s in zip(offsets, snippets, strict=True))
    marked = set(sents.index[sents["garbled"]])
    assert len(marked) == 9
    assert marked == set(sents.index[sents["text"].map(lambda t: bool(_ORACLE.search(t)))])
    # each run lies in a marked sentence
    for o in offsets:
        (row,) = sents[(sents["start"] <= o) & (sents["end"] > o)].index
        assert row in marked
    # stored as such: the column the migration added
    with sqlite3.connect(tmp_path / "p.zhagen") as conn:
        stored = conn.execute("SELECT SUM(garbled), COUNT(*) FROM sentences").fetchone()
    conn.close()
    assert stored == (9, len(sents))


def test_no_seed_sentence_is_marked_that_the_oracle_finds_clean(corpora, tmp_path) -> None:
    seeds = sorted((corpora / "seeds").glob("*.txt"))
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        report = p.add(seeds)
        assert report.records == len(seeds)
        for doc in p.documents.find().items:
            sents = p.documents.sentences(doc.id)
            oracle = sents["text"].map(lambda t: bool(_ORACLE.search(t)))
            assert list(sents["garbled"]) == list(oracle), doc.source
    assert sum(pr.code == "mojibake" for pr in report.problems) == 9  # all of seed 002


def test_a_garbled_title_is_reported_with_its_record(tmp_path) -> None:
    records = [("数字经济研究", "2020"), ("高??梢酝ㄟ^产教融合", "2021"), ("平台治理", "2022")]
    data = "".join(
        f"RT Journal Article\r\nA1 张三;\r\nT1 {t}\r\nJF 期刊\r\nYR {y}\r\n\r\n" for t, y in records
    )
    path = tmp_path / "CNKI.txt"
    path.write_bytes(data.encode("utf-8"))
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        report = p.add(path)
        (pr,) = [x for x in report.problems if x.code == "mojibake"]
        assert pr.record == 2 and pr.file == str(path) and "of the title" in pr.en
        assert "题名第 1 字起有乱码" in pr.zh
        # the record's sentences (title and abstract) are marked where they are garbled
        assert list(p.documents.sentences(2)["garbled"]) == [True]
        assert not p.documents.sentences(1)["garbled"].any()
        assert "mojibake" in set(p.documents.problems()["code"])


def _coded_project(tmp_path: Path, corpora: Path) -> tuple[zhagen.Project, Any, int, int]:
    """Seed 002 with two sentences coded at one concept: a clean one and a garbled one."""
    p = zhagen.Project.create(tmp_path / "p.zhagen")
    p.add(corpora / "seeds" / "002_5578165eb778e554.txt")
    sents = p.documents.sentences(1)
    garbled = int(sents.index[sents["garbled"]][0])
    clean = int(sents.index[~sents["garbled"]][5])
    cat = p.codes.add("协同创新", level=2)
    concept = p.codes.add("产教融合", parent=cat, level=1)
    other = p.codes.add("科技创新", parent=cat, level=1)
    for idx in (clean, garbled):
        p.codings.add_sentence(1, idx, concept)
        p.codings.add_sentence(1, idx, other)
    p.relations.add(concept, other, "因果条件")
    return p, sents, clean, garbled


def test_coding_tables_leave_garbled_sentences_out(corpora, tmp_path) -> None:
    p, sents, clean, garbled = _coded_project(tmp_path, corpora)
    with p:
        tables = p.reports.tables()
    open_rows = tables["开放式编码"]
    starts = set(open_rows["起"])
    assert int(sents.loc[clean, "start"]) in starts
    assert int(sents.loc[garbled, "start"]) not in starts  # never printed as a statement
    assert not open_rows["原始语句"].map(lambda t: bool(_ORACLE.search(t))).any()
    (rel,) = tables["典型关系结构"].to_dict("records")
    assert rel["起"] == int(sents.loc[clean, "start"]) and rel["共现语句数"] == 1
    # the coding is still counted: the researcher made it
    counts = dict(zip(tables["编码数量"].iloc[:, 0], tables["编码数量"].iloc[:, 1], strict=True))
    assert counts["原始语句"] == 2


def test_web_coding_view_gets_the_garbled_mark(corpora, tmp_path) -> None:
    """The sentences the coding view loads say which are garbled (it marks them with the
    ``garbled`` class and a tooltip: static/js/viewer.js)."""
    from web_support import client, session

    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        p.add(corpora / "seeds" / "002_5578165eb778e554.txt")
        want = list(p.documents.sentences(1)["garbled"])
    with client(tmp_path / "p.zhagen") as c:
        session(c)
        body = c.get("/api/documents/1/sentences").json()
    assert body["garbled"] == want and sum(want) == 9
    assert len(body["garbled"]) == len(body["spans"])
    js = (Path(zhagen.__file__).parent / "web" / "static" / "js" / "viewer.js").read_text("utf-8")
    assert "S.garbled[si]" in js and 'classList.add("garbled")' in js
