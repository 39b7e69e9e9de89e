"""The NVivo-style queries (``project.queries``): word frequency and its cloud, text search
and "code all hits", matrix coding, framework matrix, co-occurrence with drill-down.

Each result is checked against a count made here another way (str.count over the texts, a
Counter over the segmenter's words, sums over ``project.codings()``), on real project files.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from zhagen.errors import ParameterError
from zhagen.project import Project

GARBLED = "高??梢酝ㄟ^产教融合。"  # a sentence whose mojibake the cleaner flags
DOCS = {
    "a.txt": "企业是创新主体。政府提供政策支持，推动新质生产力发展。\n\n第二段讲创新联合体。",
    "b.txt": f"新质生产力是先进生产力。{GARBLED}政策支持创新联合体。创新𠀀𠀁创新。",
    "c.txt": "产学研合作推动创新。Digital economy and DIGITAL platforms。",
}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    p = Project.create(tmp_path / "q.zhagen")
    p.add(sorted(tmp_path.glob("*.txt")))
    yield p
    p.close()


def _coded(p: Project) -> dict[str, int]:
    """Codes and codings of a small study: two coders, overlapping spans."""
    policy = p.codes.add("政策支持")
    actor = p.codes.add("创新主体")
    for doc in p.documents.ids():
        text = p.documents.text(doc)
        for m in re.finditer("政策支持", text):
            p.codings.add(doc, m.start(), m.end(), policy, coder="甲")
        for m in re.finditer("创新", text):
            p.codings.add(doc, m.start(), min(len(text), m.end() + 2), actor, coder="乙")
    first = p.documents.text(1)
    p.codings.add(1, 0, first.index("。") + 1, policy, coder="乙")  # overlaps nothing of 甲
    return {"policy": policy, "actor": actor}


# -- word frequency -----------------------------------------------------------------------
def test_word_counts_are_a_recount_of_the_texts(project: Project) -> None:
    result = project.queries.words(top=1000, min_length=2)
    rows = {r.word: r for r in result.rows}
    texts = {d: project.documents.text(d) for d in project.documents.ids()}
    # dictionary words are cut whole wherever they stand: their count is a substring count
    for word in ("新质生产力", "创新联合体"):
        clean = {d: t.replace(GARBLED, "") for d, t in texts.items()}
        assert rows[word].count == sum(t.count(word) for t in clean.values()), word
        assert rows[word].documents == sum(word in t for t in clean.values()), word
    # the whole table against a Counter over the segmenter's words, sentence by sentence
    seg = project.terms.segmenter()
    count: Counter[str] = Counter()
    docs_of: dict[str, set[int]] = {}
    for d in project.documents.ids():
        sents = project.documents.sentences(d)
        for text in sents.loc[~sents["garbled"], "text"]:
            for w in seg.cut(text):
                key = w.lower() if re.search("[A-Za-z]", w) else w
                if len(w) >= 2 and re.search(r"[^\W\d_]", w) and w not in seg.stopwords:
                    count[key] += 1
                    docs_of.setdefault(key, set()).add(d)
    assert {r.word: r.count for r in result.rows} == dict(count)
    assert {r.word: r.documents for r in result.rows} == {k: len(v) for k, v in docs_of.items()}
    assert result.total == sum(count.values())
    assert sum(r.share for r in result.rows) == pytest.approx(100.0)
    assert rows["digital"].count == 2  # Latin words regardless of case
    assert result.definitions["share"][1].startswith("percent")


def test_garbled_sentences_are_left_out_unless_asked(project: Project) -> None:
    sents = project.documents.sentences(2)
    assert sents["garbled"].tolist().count(True) == 1
    left_out = {r.word for r in project.queries.words(top=1000).rows}
    with_garbled = {r.word for r in project.queries.words(top=1000, include_garbled=True).rows}
    assert "融合" not in left_out and "融合" in with_garbled


def test_min_length_stopwords_and_scope(project: Project) -> None:
    long_words = project.queries.words(top=1000, min_length=4).rows
    assert long_words and all(len(r.word) >= 4 for r in long_words)
    kept = {r.word for r in project.queries.words(top=1000, keep_stopwords=True).rows}
    dropped = {r.word for r in project.queries.words(top=1000).rows}
    assert "and" in kept and "and" not in dropped
    only_c = project.queries.words(top=1000, doc_ids=[3])
    assert only_c.n_documents == 1
    assert {r.word for r in only_c.rows} <= {"产学研", "合作", "推动", "创新", "digital",
                                            "economy", "platforms", "产学研合作"}  # fmt: skip


def test_thesaurus_groups_synonyms_and_drops_words(project: Project, tmp_path: Path) -> None:
    th = tmp_path / "thesaurus.txt"
    th.write_text(
        "label\treplace by\n产学研合作\t产学研\n创新联合体\t创新\n主体\t\n", encoding="utf-8"
    )
    rows = {r.word: r for r in project.queries.words(top=1000, thesaurus=str(th)).rows}
    plain = {r.word: r for r in project.queries.words(top=1000).rows}
    assert rows["创新"].count == plain["创新"].count + plain["创新联合体"].count
    assert rows["创新"].similar == ("创新联合体",)
    assert "创新联合体" not in rows and "主体" not in rows
    bad = tmp_path / "bad.txt"
    bad.write_text("只有一列\n", encoding="utf-8")
    with pytest.raises(Exception, match="bad.txt") as err:
        project.queries.words(thesaurus=str(bad))
    assert "叙词表" in str(err.value) and "thesaurus" in str(err.value)


def test_word_cloud_png_and_svg_draw_chinese(project: Project, tmp_path: Path) -> None:
    from PIL import Image

    from zhagen.report.cloud import single_face_font
    from zhagen.report.fonts import missing_glyphs

    png = project.queries.word_cloud(tmp_path / "cloud.png", width=600, height=400)
    with Image.open(png) as im:
        assert im.size == (600, 400)
        colours = im.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 20  # drawn, not a blank canvas
    words = "".join(project.queries.words().frequencies())
    # Noto Sans CJK covers the BMP's Han characters, not extension B (U+20000…): those
    # would be boxes, whatever draws them
    assert missing_glyphs(words) == [c for c in dict.fromkeys(words) if ord(c) >= 0x20000]
    from fontTools.ttLib import TTFont

    face = TTFont(str(single_face_font()))
    assert "SC" in face["name"].getDebugName(1)  # the Simplified-Chinese face, not JP
    svg = project.queries.word_cloud(tmp_path / "cloud.svg").read_text(encoding="utf-8")
    assert "@font-face" in svg and "新质生产力" in svg
    with pytest.raises(ParameterError, match="png"):
        project.queries.word_cloud(tmp_path / "cloud.gif")


# -- text search, code all hits -----------------------------------------------------------
def test_search_literal_by_code_points_with_context(project: Project) -> None:
    res = project.queries.search(query="创新", context=3)
    texts = {d: project.documents.text(d) for d in project.documents.ids()}
    assert res.total == sum(t.count("创新") for t in texts.values())
    assert res.documents == sum("创新" in t for t in texts.values())
    for h in res.hits:
        text = texts[h.document]
        assert text[h.start : h.end] == "创新" == h.text
        assert h.before == text[max(0, h.start - 3) : h.start]
        assert h.after == text[h.end : h.end + 3]
        sents = project.documents.sentences(h.document)
        row = sents.iloc[h.sentence - 1]  # numbered from 1 for people
        assert row["start"] <= h.start < row["end"] and row["text"] == h.sentence_text
    # after two astral characters the offsets are still code points
    astral = [h for h in res.hits if texts[h.document][h.start - 2 : h.start] == "𠀀𠀁"]
    assert astral and astral[0].start == texts[2].index("𠀀𠀁创新") + 2


def test_search_regex_limit_and_errors(project: Project) -> None:
    res = project.queries.search(query="创新(联合体|主体)", regex=True, limit=1)
    assert res.total == 3 and len(res.hits) == 1
    assert project.queries.search(query="(", regex=False).total == 0  # literal: no error
    with pytest.raises(ParameterError) as err:
        project.queries.search(query="(", regex=True)
    assert "正则表达式" in err.value.zh and "regular expression" in err.value.en
    with pytest.raises(ParameterError, match="query"):
        project.queries.search()
    assert project.queries.search(query="创新", doc_ids=[3]).documents == 1


@pytest.mark.parametrize("spread", ["hit", "sentence", "paragraph"])
def test_code_all_hits_is_one_undoable_edit(project: Project, spread: str) -> None:
    code = project.codes.add("创新")
    before = len(project.history(limit=None))
    done = project.queries.code_hits(code, query="创新", spread=spread, coder="甲")
    codings = project.codings(code=code)
    texts = {d: project.documents.text(d) for d in project.documents.ids()}
    assert done.documents == 3 and len(codings) == done.spans == len(set(done.coding_ids))
    for row in codings.itertuples():
        assert "创新" in row.text
        if spread == "hit":
            assert row.text == "创新"
        elif spread == "sentence":
            sents = project.documents.sentences(row.document)
            assert ((sents["start"] == row.start) & (sents["end"] == row.end)).any()
        else:
            text = texts[row.document]
            assert "\n" not in row.text
            assert row.start == 0 or text[row.start - 1] == "\n"
    assert len(project.history(limit=None)) == before + 1
    assert "创新" in (project.undo() or "")
    assert len(project.codings(code=code)) == 0
    with pytest.raises(ParameterError, match="没有命中"):
        project.queries.code_hits(code, query="不存在的词")


# -- matrix coding, framework, co-occurrence ---------------------------------------------
@pytest.mark.parametrize("measure", ["codings", "documents", "characters"])
def test_matrix_cells_recount_the_codings(project: Project, measure: str) -> None:
    codes = _coded(project)
    groups = {"前两篇": [1, 2], "第三篇": [3]}
    m = project.queries.matrix(groups=groups, measure=measure)
    df = project.codings()
    for i, label in enumerate(m.rows):
        for j, col in enumerate(m.columns):
            sub = df[(df["code_name"] == label) & df["document"].isin(groups[col])]
            if measure == "codings":
                expect = len(sub)
            elif measure == "documents":
                expect = sub["document"].nunique()
            else:  # characters covered, each once per document
                expect = sum(len({k for s, e in zip(g["start"], g["end"], strict=True)
                                  for k in range(s, e)}) for _d, g in sub.groupby("document"))  # fmt: skip
            assert m.values[i][j] == expect, (label, col)
    assert set(m.rows) == {"政策支持", "创新主体"} and codes
    drilled = project.queries.matrix_cell("政策支持", "前两篇", groups=groups)
    assert len(drilled) == len(df[(df["code_name"] == "政策支持") & df["document"].isin([1, 2])])
    assert all(project.documents.text(r["document"])[r["start"] : r["end"]] == r["text"]
               for r in drilled)  # fmt: skip


def test_matrix_groupings_scope_and_files(project: Project, tmp_path: Path) -> None:
    _coded(project)
    by_codes = project.queries.matrix(columns="codes", measure="documents")
    assert by_codes.columns == ["政策支持", "创新主体"]
    assert by_codes.values[0][0] == project.codings(code="政策支持")["document"].nunique()
    by_source = project.queries.matrix(columns="source", doc_ids=[1])
    assert by_source.columns == ["a.txt"]
    by_type = project.queries.matrix(columns="type", coder="甲")
    assert by_type.rows == ["政策支持"]  # only the codes 甲 used
    assert by_type.values == [[len(project.codings(code="政策支持", coder="甲"))]]
    with pytest.raises(ParameterError, match="columns"):
        project.queries.matrix(columns="colour")
    csv = project.queries.write_matrix(by_codes, tmp_path / "m.csv")
    assert csv.read_text(encoding="utf-8-sig").splitlines()[0] == "code,政策支持,创新主体"
    xlsx = project.queries.write_matrix(by_codes, tmp_path / "m.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert [c.value for c in ws[1]] == ["编码 / code", "政策支持", "创新主体"]
    assert ws.cell(2, 2).value == by_codes.values[0][0]
    png = project.queries.write_matrix(by_codes, tmp_path / "m.png")
    assert png.stat().st_size > 5000


def test_framework_cells_are_the_coded_text(project: Project, tmp_path: Path) -> None:
    _coded(project)
    fw = project.queries.framework()
    df = project.codings()
    assert fw.documents == sorted(df["document"].unique().tolist())
    for i, doc in enumerate(fw.documents):
        for j, code in enumerate(fw.columns):
            sub = df[(df["document"] == doc) & (df["code_name"] == code)]
            spans = sorted(set(zip(sub["start"], sub["end"], strict=True)))
            text = project.documents.text(doc)
            assert fw.cells[i][j] == [text[s:e] for s, e in spans]
    path = project.queries.write_framework(fw, tmp_path / "fw.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert [c.value for c in ws[1]][:3] == ["文档 / document", "标题 / title", fw.columns[0]]
    assert ws.cell(2, 3).value == "\n".join(fw.cells[0][0]) or ws.cell(2, 3).value is None


def test_cooccurrence_scope_and_drill_down(project: Project) -> None:
    _coded(project)
    whole = project.queries.cooccurrence(unit="document")
    only_c = project.queries.cooccurrence(unit="document", doc_ids=[3])
    assert whole.loc["政策支持", "创新主体"] >= only_c.values.sum() - only_c.values.trace()
    assert list(only_c.index) == ["创新主体"]  # 政策支持 is not coded in c.txt
    cells = project.queries.cooccurrence_cell("政策支持", "创新主体", unit="overlap")
    overlap = project.queries.cooccurrence(unit="overlap")
    assert len(cells) == overlap.loc["政策支持", "创新主体"]
    for c in cells:
        assert (
            c["text"] and project.documents.text(c["document"])[c["start"] : c["end"]] == c["text"]
        )
    sents = project.queries.cooccurrence_cell("政策支持", "创新主体", unit="sentence")
    assert len(sents) == project.queries.cooccurrence(unit="sentence").loc["政策支持", "创新主体"]


def test_query_parameters_are_declared_once() -> None:
    import zhagen
    from zhagen.params import spec

    names = {p.name for p in spec(zhagen.WordsParams)}
    assert {"top", "min_length", "thesaurus", "include_garbled"} <= names
    assert [p.name for p in spec(zhagen.SearchParams)][:2] == ["query", "regex"]
    assert {p.name for p in spec(zhagen.MatrixParams)} >= {"columns", "measure", "coder"}


def test_matrix_columns_of_sets_and_attribute_values(tmp_path: Path) -> None:
    """Codes × sets and codes × an attribute's values: each cell counts the codings of that
    code in that group's documents (recounted from the codings themselves)."""
    from zhagen.examples import tiny_project

    with tiny_project(tmp_path) as p:
        p.sets.create("甲组", doc_ids=[1])
        p.sets.create("已编码", query="coded:yes")
        p.attributes.define("地区", "text")
        p.attributes.set(1, "地区", "东部")
        p.attributes.set(2, "地区", "西部")
        codings = p.codings()
        for columns, groups in (("sets", {"甲组": {1}, "已编码": set(codings["document"])}),
                                ("attr:地区", {"东部": {1}, "西部": {2}})):  # fmt: skip
            assert {k: set(v) for k, v in p.queries.groups(columns).items()} == groups
            m = p.queries.matrix(columns=columns)  # measure: codings
            assert sorted(m.columns) == sorted(groups)
            for r, ids in enumerate(m.row_ids):
                for c, name in enumerate(m.columns):
                    want = int(codings["code"].isin(ids).mul(
                        codings["document"].isin(groups[name])).sum())  # fmt: skip
                    assert m.values[r][c] == want, (m.rows[r], name)
        with pytest.raises(ParameterError, match="地区X"):
            p.queries.groups("attr:地区X")


def test_a_backtracking_regex_stops_with_a_bilingual_error(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (a|aa)+$ on a long run of a's ending in b backtracks exponentially: Python's re would
    # run for hours; the search stops at ZHAGEN_MAX_REGEX_SECONDS and says how to fix it.
    (tmp_path / "d.txt").write_text("a" * 60 + "b", encoding="utf-8")
    project.add([tmp_path / "d.txt"])
    monkeypatch.setenv("ZHAGEN_MAX_REGEX_SECONDS", "0.2")
    with pytest.raises(ParameterError) as err:
        project.queries.search(query="(a|aa)+$", regex=True)
    assert "ZHAGEN_MAX_REGEX_SECONDS" in err.value.zh and "backtrack" in err.value.en
    with pytest.raises(ParameterError):
        project.documents.search("(a|aa)+$", regex=True)
    assert project.queries.search(query="a+b", regex=True).total == 1  # an ordinary one finishes


@pytest.mark.parametrize(
    "pattern", [r"创新\w{0,3}", r"(?i)digital", r"[。，]", r"新质?生产力", r"\d+|创新", r"(?m)^第"]
)
def test_regex_search_finds_what_pythons_re_finds(project: Project, pattern: str) -> None:
    # zhagen compiles with the regex package (for its timeout); hits must be re's, non-empty.
    texts = {d: project.documents.text(d) for d in project.documents.ids()}
    expected = sorted(
        (d, m.start(), m.end())
        for d, t in texts.items()
        for m in re.finditer(pattern, t)
        if m.end() > m.start()
    )
    res = project.queries.search(query=pattern, regex=True, limit=None)
    assert sorted((h.document, h.start, h.end) for h in res.hits) == expected
    frame = project.documents.search(pattern, regex=True)
    assert sorted(zip(frame.document, frame.start, frame.end, strict=True)) == expected
