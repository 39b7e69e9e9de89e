"""Set-based coding retrieval (issue 18) gives what the per-document retrieval gave.

``project.codings(code=…, with_descendants=True)`` reads a code subtree's codings in one
query and their documents' texts in one more; ``project.codes()`` builds the tree from plain
tuples. Each is compared here with a reference written the old way — the subtree walked in
Python, one ``documents.text`` call per document, the tree from dict rows — on a generated
project (raw texts with astral characters, a deep tree, two coders), on real CNKI records
(title + abstract, records without an abstract) and seed texts, and on the demo's coded
project.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from zhagen.coding.levels import level_name
from zhagen.coding.retrieve import CODE_COLUMNS, CODING_COLUMNS
from zhagen.demo_coding import run_coding
from zhagen.project import Project

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# -- the reference: the retrieval as it was, one document at a time ------------------------
def _rows(path: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _code_table(path: Path) -> list[sqlite3.Row]:
    return _rows(path, "SELECT * FROM codes ORDER BY coalesce(parent_id, 0), position, id")


def reference_codings(project: Project, **filters: object) -> pd.DataFrame:
    return pd.DataFrame(reference_tuples(project, **filters), columns=CODING_COLUMNS)


def reference_tuples(
    project: Project,
    *,
    code: int | list[int] | None = None,
    document: int | None = None,
    coder: str | None = None,
    with_descendants: bool = False,
) -> list[tuple]:
    path = Path(project.path)
    codes = {r["id"]: r for r in _code_table(path)}
    coders = {r["id"]: r["name"] for r in _rows(path, "SELECT id, name FROM coders")}
    wanted = None
    if code is not None:
        wanted = set()
        todo = [code] if isinstance(code, int) else list(code)
        while todo:
            cid = todo.pop()
            wanted.add(cid)
            if with_descendants:
                todo += [k for k, r in codes.items() if r["parent_id"] == cid]
    out = []
    texts: dict[int, str] = {}
    for r in _rows(path, 'SELECT * FROM codings ORDER BY document_id, start, "end", id'):
        if wanted is not None and r["code_id"] not in wanted:
            continue
        if document is not None and r["document_id"] != document:
            continue
        if coder is not None and coders[r["coder_id"]] != coder:
            continue
        doc = r["document_id"]
        if doc not in texts:
            texts[doc] = project.documents.text(doc)  # one document at a time
        k = codes[r["code_id"]]
        out.append((r["id"], doc, r["start"], r["end"], r["code_id"], k["name"],
                    coders[r["coder_id"]], r["created"], texts[doc][r["start"]:r["end"]],
                    k["level"]))  # fmt: skip
    return out


def reference_codes(project: Project, coder: str | None = None) -> pd.DataFrame:
    path = Path(project.path)
    rows = [dict(r) for r in _code_table(path)]
    who = "" if coder is None else " WHERE coder_id = (SELECT id FROM coders WHERE name = ?)"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = f"SELECT code_id FROM codings{who}"
        counts = Counter(r[0] for r in conn.execute(sql, () if coder is None else (coder,)))
    finally:
        conn.close()
    children: dict[int | None, list[dict]] = {}
    for r in rows:
        children.setdefault(r["parent_id"], []).append(r)

    def walk(r: dict, depth: int, path: str) -> list[tuple[dict, int, str]]:
        out = [(r, depth, path)]
        for c in children.get(r["id"], []):
            out += walk(c, depth + 1, f"{path}/{c['name']}")
        return out

    order = [x for r in children.get(None, []) for x in walk(r, 0, r["name"])]

    def total(r: dict) -> int:
        return counts[r["id"]] + sum(total(c) for c in children.get(r["id"], []))

    records = [(r["id"], r["name"], r["parent_id"], r["level"], level_name(r["level"]),
                r["description"], r["color"], counts[r["id"]], total(r), r["position"], depth,
                p, r["created"], r["modified"]) for r, depth, p in order]  # fmt: skip
    df = pd.DataFrame(records, columns=CODE_COLUMNS)
    df["parent"] = df["parent"].astype("Int64")
    df["level"] = df["level"].astype("Int64")
    return df


def same_as_reference(project: Project, rng: random.Random) -> int:
    """Compare every retrieval the nouns offer with the reference; how many codings were
    compared in the largest one."""
    codes = project.codes()
    pd.testing.assert_frame_equal(codes, reference_codes(project))
    for who in project.codings.coders()["name"]:
        pd.testing.assert_frame_equal(project.codes(coder=who), reference_codes(project, who))
    ids = [int(i) for i in codes["id"]]
    tops = [int(i) for i in codes.loc[codes["depth"] <= 1, "id"]]
    largest = 0
    for cid in tops + rng.sample(ids, min(10, len(ids))):
        for desc in (True, False):
            got = project.codings(code=cid, with_descendants=desc)
            pd.testing.assert_frame_equal(
                got, reference_codings(project, code=cid, with_descendants=desc)
            )
            largest = max(largest, len(got))
    several = rng.sample(ids, min(3, len(ids)))
    for who in [None, *project.codings.coders()["name"]]:
        pd.testing.assert_frame_equal(
            project.codings(code=several, coder=who, with_descendants=True),
            reference_codings(project, code=several, coder=who, with_descendants=True),
        )
    docs = sorted({int(d) for d in project.codings()["document"]})
    for doc in rng.sample(docs, min(5, len(docs))):
        pd.testing.assert_frame_equal(
            project.codings(document=doc), reference_codings(project, document=doc)
        )
        expected = [dict(zip(CODING_COLUMNS, t, strict=True))
                    for t in reference_tuples(project, document=doc)]  # fmt: skip
        assert project.codings.of_document(doc) == expected
    pd.testing.assert_frame_equal(project.codings(), reference_codings(project))
    return largest


def _code_randomly(project: Project, rng: random.Random, concepts: list[int], n: int) -> None:
    docs = project.documents.ids()
    for _ in range(n):
        doc = rng.choice(docs)
        length = len(project.documents.text(doc))
        start = rng.randrange(length - 1)
        end = rng.randrange(start + 1, min(length, start + 40) + 1)
        project.codings.add(doc, start, end, rng.choice(concepts), coder=rng.choice("甲乙"))


def _tree(project: Project, rng: random.Random) -> list[int]:
    """A core category, 3 main categories, 9 initial categories, 40 concepts, a code with
    no level and an extra fifth level under one concept; positions out of id order."""
    core = project.codes.add("核心", level=4)
    mains = [project.codes.add(f"主{i}", parent=core, level=3) for i in range(3)]
    initials = [project.codes.add(f"初{i}", parent=mains[i % 3], level=2) for i in range(9)]
    concepts = [project.codes.add(f"概念{i}", parent=rng.choice(initials)) for i in range(40)]
    below = project.codes.add("更细", parent=concepts[0], level="none")
    project.codes.move(initials[4], mains[0])  # moved: its position is now its parent's last
    project.codes.add("孤立", level="none")  # a second root, without a level
    return [*concepts, below, initials[2]]


@pytest.fixture(params=["rows", "columns"], autouse=True)
def frame_build(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every comparison twice: frames built from rows (small results) and by columns (large
    ones, here forced from the first coding on)."""
    from zhagen.coding import retrieve

    if request.param == "columns":
        monkeypatch.setattr(retrieve, "COLUMNS_FROM", 1)
    else:
        monkeypatch.setattr(retrieve, "COLUMNS_FROM", 10**9)
    return request.param


def test_generated_project_retrieval_equals_the_per_document_reference(tmp_path: Path) -> None:
    rng = random.Random(18)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(12):  # astral characters: offsets are code points, not UTF-16 units
        text = "".join(
            rng.choice(["创新", "政策", "𠀀𪚥", "企业。", "A b ", "\n"]) for _ in range(80)
        )
        (src / f"d{i}.txt").write_text(text, encoding="utf-8")
    with Project.create(tmp_path / "g.zhagen") as project:
        project.add(src)
        concepts = _tree(project, rng)
        _code_randomly(project, rng, concepts, 600)
        largest = same_as_reference(project, rng)
        assert largest > 100  # a category holds codings of many documents
        context = project.codings.context(code="主0", with_descendants=True, chars=3)
        for row in context.itertuples():
            text = project.documents.text(row.document)
            assert row.before == text[max(0, row.start - 3) : row.start]
            assert row.after == text[row.end : row.end + 3]


def test_records_and_texts_retrieval_equals_the_reference(tmp_path: Path, corpora: Path) -> None:
    """CNKI records (title and abstract; some without an abstract) and raw seed texts."""
    rng = random.Random(7)
    with Project.create(tmp_path / "r.zhagen") as project:
        project.add([corpora / "cnki" / "noteexpress_15_alltypes.net",
                     corpora / "cnki" / "estudy_20.txt", corpora / "seeds"])  # fmt: skip
        docs = project.documents.ids()
        no_abstract = [d for d in docs if not project.documents.get(d)["abstract"]]
        assert no_abstract and len(docs) > 30
        texts = project.codings._texts(docs)
        assert texts == {d: project.documents.text(d) for d in docs}
        concepts = _tree(project, rng)
        _code_randomly(project, rng, concepts, 400)
        same_as_reference(project, rng)


def test_the_demo_coding_retrieval_equals_the_reference(tmp_path: Path) -> None:
    with Project.create(tmp_path / "demo.zhagen") as project:
        project.add(EXAMPLES / "docs")
        run_coding(project)
        assert len(project.codings()) > 50
        same_as_reference(project, random.Random(3))


def test_an_unknown_document_is_the_same_clear_error(tmp_path: Path) -> None:
    with Project.create(tmp_path / "e.zhagen") as project:
        project.add(EXAMPLES / "docs")
        concept = project.codes.add("政策支持")
        for call in (
            lambda: project.codings.add(999, 0, 1, concept),
            lambda: project.codings.of_document(999),
            lambda: project.documents.text(999),
        ):
            with pytest.raises(Exception) as err:
                call()
            assert "没有编号为 999 的文档" in str(err.value)
            assert "no document with id 999" in str(err.value)
