"""``Project`` as a set of nouns: ``project.documents.find`` (one query for the library, the
CLI and the web API), find-or-create of a code in one transaction, and the flat aliases."""

from __future__ import annotations

import inspect
import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.project import FLAT_ALIASES, Document, Documents, Project


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory: pytest.TempPathFactory, corpora: Path) -> Path:
    """CNKI RefWorks + WoS records and the four seed documents, some of them coded."""
    path = tmp_path_factory.mktemp("nouns") / "study.zhagen"
    with Project.create(path) as p:
        p.add([corpora / "cnki" / "refworks_2024_298.txt", corpora / "wos" / "plaintext_10.txt",
               corpora / "seeds"], workers=1)  # fmt: skip
        seeds = p.documents.ids(types=["document"])
        found = p.documents.find(q="创新", type="journal")
        assert seeds and found.total > 2  # the corpus has what the tests below filter for
        concept = p.codes.add("新质生产力")
        p.codings.add_sentence(seeds[0], 0, concept, coder="甲")
        p.codings.add_sentence(seeds[1], 1, concept, coder="乙")
        p.codings.add(found.items[0].id, 0, 2, concept, coder="甲")
    return path


def _python_filter(docs: list[Document], q: str) -> list[int]:
    """The web list's filter of before, in Python: the oracle for the SQL one."""

    def fold(text: str) -> str:  # the case of ASCII letters only, as documented
        return "".join(ch.lower() if ch.isascii() else ch for ch in text)

    needle = fold(q.strip())
    out = []
    for d in docs:
        fields = [d.title, d.venue, d.abstract, d.doi, *d.authors, *d.keywords]
        if any(needle in fold(str(f)) for f in fields):
            out.append(d.id)
    return out


def test_find_matches_a_python_filter_of_every_document(corpus_project: Path) -> None:
    with Project.open(corpus_project) as p:
        every = p.documents.find()
        assert every.total == len(every.items) == len(p.documents) > 300
        for q in ("新质", "Innovation", "  创新 ", "10.", "李", "zzz-no-such"):
            assert p.documents.find(q=q).ids == _python_filter(every.items, q), q
        years = {d.year for d in every.items if d.year is not None}
        year = sorted(years)[len(years) // 2]
        assert p.documents.find(year=year).ids == [d.id for d in every.items if d.year == year]
        kinds = {d.type for d in every.items}
        assert p.documents.facets() == {"types": sorted(kinds), "years": sorted(years)}
        for kind in kinds:
            want = [d.id for d in every.items if d.type == kind]
            assert p.documents.find(type=kind).ids == want


def test_find_by_source_coded_coder_and_pages(corpus_project: Path) -> None:
    with Project.open(corpus_project) as p:
        every = p.documents.find()
        wos = [d.id for d in every.items if d.source.endswith("plaintext_10.txt")]
        assert len(wos) == 10
        assert p.documents.find(source="plaintext_10.txt").ids == wos
        source_id = int(p.documents.sources()["id"].iloc[1])
        assert p.documents.find(source=source_id).ids == wos
        coded = sorted({int(d) for d in p.codings.frame()["document"]})
        assert p.documents.find(coded=True).ids == coded
        assert p.documents.find(coded=False).total == every.total - len(coded)
        mine = sorted({int(d) for d in p.codings.frame(coder="甲")["document"]})
        page = p.documents.find(coded=True, coder="甲")
        assert page.ids == mine and [d.codings for d in page.items] == [1] * len(mine)
        with pytest.raises(ParameterError, match="nobody"):
            p.documents.find(coder="nobody")
        first, second = p.documents.find(limit=7), p.documents.find(offset=7, limit=7)
        assert first.total == second.total == every.total
        assert first.ids + second.ids == every.ids[:14]
        with pytest.raises(ParameterError, match="offset"):
            p.documents.find(offset=-1)


def test_frame_is_the_found_documents(corpus_project: Path) -> None:
    with Project.open(corpus_project) as p:
        df = p.documents()
        assert df["id"].tolist() == p.documents.find().ids
        row = df.iloc[0]
        doc = p.documents.find(limit=1).items[0]
        assert (row["title"], row["authors"], row["keywords"]) == (
            doc.title,
            doc.authors,
            doc.keywords,
        )
        assert str(df["year"].dtype) == "Int64" and "keywords_by_lang" in df.columns


def test_cli_api_and_library_find_the_same_documents_through_one_function(
    corpus_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from web_support import client, session
    from zhagen.cli import main

    calls: list[dict] = []
    real = Documents.find

    def find(self, *args, **kwargs):  # the real query, counted
        calls.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Documents, "find", find)
    with Project.open(corpus_project) as p:
        library = p.documents.find(q="新质", coded=True).ids
    assert library and len(calls) == 1

    assert main(["docs", str(corpus_project), "--q", "新质", "--coded", "--format", "json"]) == 0
    cli = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert len(calls) == 2

    with client(corpus_project) as c:
        session(c)
        body = c.get("/api/documents", params={"q": "新质", "coded": 1}).json()
    api = [row["id"] for row in body["items"]]
    assert len(calls) == 3 and body["total"] == len(library)
    assert cli == api == library
    assert all(call["coded"] is True for call in calls)


# -- find-or-create of a code ------------------------------------------------------------------
def test_find_or_add_reuses_and_creates(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.zhagen") as p:
        cat, created = p.codes.find_or_add("政策环境", level=2)
        assert created and p.codes.get(cat)["level"] == 2
        assert p.codes.find_or_add("政策环境") == (cat, False)
        child, created = p.codes.find_or_add("财政补贴", parent=cat)
        assert created and p.codes.get(child)["parent_id"] == cat
        assert p.codes.find_or_add("财政补贴") != (child, False)  # another place, another code
        n_log = len(p.history(None))
        p.codes.find_or_add("政策环境")
        assert len(p.history(None)) == n_log  # finding is no edit


def test_find_or_add_from_threads_makes_one_code(tmp_path: Path) -> None:
    path = tmp_path / "p.zhagen"
    Project.create(path).close()
    start = threading.Barrier(6)
    results: list[tuple[int, bool]] = []

    def worker() -> None:
        with Project.open(path) as p:
            start.wait()
            results.append(p.codes.find_or_add("同时新建"))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({cid for cid, _ in results}) == 1 and [c for _, c in results].count(True) == 1
    with Project.open(path) as p:
        assert p.codes.frame()["name"].tolist() == ["同时新建"]


def _process_worker(path: str, start: object, out: object) -> None:
    with Project.open(path) as p:
        start.wait()  # type: ignore[attr-defined]
        out.put(p.codes.find_or_add("两个进程"))  # type: ignore[attr-defined]


def test_find_or_add_from_processes_makes_one_code(tmp_path: Path) -> None:
    path = tmp_path / "p.zhagen"
    Project.create(path).close()
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_process_worker, args=(str(path), start, out)) for _ in range(3)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert len({cid for cid, _ in results}) == 1 and [c for _, c in results].count(True) == 1
    with Project.open(path) as p:
        assert p.codes.frame()["name"].tolist() == ["两个进程"]


# -- the flat names of before --------------------------------------------------------------------
def test_every_flat_alias_calls_its_noun(tmp_path: Path) -> None:
    assert len(FLAT_ALIASES) == 44
    with Project.create(tmp_path / "p.zhagen") as p:
        for flat, target in FLAT_ALIASES.items():
            noun, member = target.split(".")
            method = getattr(Project, flat)
            assert f"project.{target}" in method.__doc__
            noun_class = type(getattr(p, noun))
            assert inspect.signature(method) == inspect.signature(getattr(noun_class, member))


def test_flat_aliases_give_what_the_nouns_give(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("企业是创新主体。政府提供政策支持。", encoding="utf-8")
    with Project.create(tmp_path / "p.zhagen") as p:
        p.add(src)
        code = p.add_code("政策支持")
        assert p.codes.get(code)["name"] == "政策支持"
        assert p.code_sentence(1, 1, code, coder="甲") == int(p.codings()["id"].iloc[0])
        assert p.text(1) == p.documents.text(1)
        assert p.sentences(1).equals(p.documents.sentences(1))
        assert p.codes().equals(p.codes.frame())
        assert p.coding_tables()["编码数量"].equals(p.reports.tables()["编码数量"])


def test_find_looks_into_authors_and_keywords_that_json_escapes(tmp_path: Path) -> None:
    export = tmp_path / "refworks.txt"
    export.write_text(
        'RT Journal Article\nA1 O"Brien;王娜\nT1 第一篇\nJF 期刊\nYR 2024\nK1 C\\D;数字经济\n'
        "AB 摘要一\nDS CNKI\n\n"
        "RT Journal Article\nA1 李雷\nT1 第二篇\nJF 期刊\nYR 2023\nK1 新质生产力\n"
        "AB 摘要二\nDS CNKI\n",
        encoding="utf-8",
    )
    with Project.create(tmp_path / "p.zhagen") as p:
        assert p.add(export).records == 2
        every = p.documents.find().items
        assert [d.authors for d in every] == [['O"Brien', "王娜"], ["李雷"]]
        for q in ('o"brien', 'O"', "c\\d", "\\", "数字", "新质生产力", "王娜", "lei", "Ｏ"):
            assert p.documents.find(q=q).ids == _python_filter(every, q), q
        assert p.documents.find(q='o"brien').total == 1


# -- CLI commands are one call ---------------------------------------------------------------
def test_tables_and_saturation_commands_compute_once(
    corpus_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from zhagen.cli import main
    from zhagen.project import Reports

    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    calls: list[str] = []
    real_tables, real_runs = Reports.tables, Project.runs

    def tables(self, **kwargs):  # the real tables, counted
        calls.append("tables")
        return real_tables(self, **kwargs)

    def runs(self, kind=None):  # the runs table, counted
        calls.append("runs")
        return real_runs(self, kind)

    monkeypatch.setattr(Reports, "tables", tables)
    monkeypatch.setattr(Project, "runs", runs)
    assert main(["tables", str(corpus_project), "--out", str(tmp_path)]) == 0
    assert calls == ["tables"] and "编码过程 / coding: " in capsys.readouterr().out
    assert main(["saturation", str(corpus_project), "--holdout", "1/2", "--seed", "2"]) == 0
    printed = capsys.readouterr().out.splitlines()[0]
    assert calls == ["tables"]  # the held-out documents come with the report
    with Project.open(corpus_project) as p:
        held = real_runs(p, "saturation")["summary"].iloc[-1]["holdout_documents"]
    listed = ", ".join(map(str, held))
    assert printed == f"预留文档：{listed} / held-out documents: {listed}"
