"""Sets, document attributes and the scope query language (issue 12).

Real project files throughout; the mixed project (seeds, government reports, a CNKI export)
is built once per module from ``../shared``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhagen.access import AccessDenied, Actor
from zhagen.errors import InputError, ParameterError
from zhagen.examples import tiny_project
from zhagen.project import Project
from zhagen.scope import And, Not, Or, ScopeError, Term, parse

EXPORT = "refworks_2024_298.txt"


@pytest.fixture(scope="module")
def mixed(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds, government reports and the CNKI export in one project (in that order)."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.zhagen"
    with Project.create(path) as p:
        p.add([corpora / "seeds", corpora / "policy" / "government_work_reports.jsonl",
               corpora / "cnki" / EXPORT])  # fmt: skip
    return path


# -- the query language ----------------------------------------------------------------------
def test_parse_precedence_quotes_and_columns() -> None:
    tree = parse('type:journal year:2015-2024 or not (set:"policy texts" text:"新 质")')
    assert isinstance(tree, Or) and isinstance(tree.items[0], And)
    neg = tree.items[1]
    assert isinstance(neg, Not) and isinstance(neg.item, And)
    assert neg.item.items[0] == Term("set", "policy texts", 37)
    assert neg.item.items[1].value == "新 质"
    assert parse("year:2020") == Term("year", (2020, 2020), 1)
    assert parse("attr:来源=人民日报") == Term("attr", ("来源", "人民日报"), 1)
    assert parse('attr:"出版 机构"="人民 日报"').value == ("出版 机构", "人民 日报")
    assert parse("attr:来源").value == ("来源", None)
    assert parse("coded:no").value is False
    assert parse("coder:b").value == "b"
    # whitespace is and; and/or/not in any case; full-width colon and parentheses
    same = parse("coded:yes AND coder：甲")
    assert isinstance(same, And)
    assert [(t.key, t.value) for t in same.items] == [("coded", True), ("coder", "甲")]
    assert isinstance(parse("（type:journal OR type:thesis）"), Or)


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("type:journal )", 14, "closing parenthesis"),
        ("(type:journal", 1, "not closed"),
        ("type:journal or", 16, "ends where a term"),
        ("新质生产力", 1, "text:新质生产力"),
        ("year:2015 colour:red", 11, "unknown key colour"),
        ('text:"unclosed', 6, "quote is not closed"),
        ("coded:maybe", 1, "yes or no"),
        ("year:2024-2015", 1, "after the last"),
        ("source:", 1, "needs a value"),
        ("and type:journal", 1, "needs a term on each side"),
    ],
)
def test_bad_query_names_the_column(query: str, column: int, words: str) -> None:
    with pytest.raises(ScopeError) as err:
        parse(query)
    assert f"column {column}:" in err.value.en and f"第 {column} 列" in err.value.zh
    assert words in err.value.en
    assert query in err.value.en  # the query is shown


# -- evaluation on a real mixed project ----------------------------------------------------------
def test_terms_select_the_right_documents(mixed: Path) -> None:
    with Project.open(mixed) as p:
        docs = p.documents.find()
        by_id = {d.id: d for d in docs.items}
        export = {d.id for d in docs.items if d.source.endswith(EXPORT)}
        assert len(export) == 298
        assert p.scope(f"source:{EXPORT}").doc_ids == export
        raw = {d.id for d in docs.items if d.type == "document"}
        assert p.scope("type:document").doc_ids == raw
        years = p.scope("year:2015-2024").doc_ids
        assert years == {
            i for i, d in by_id.items() if d.year is not None and 2015 <= d.year <= 2024
        }
        assert p.scope("year:2024-").doc_ids == {
            i for i, d in by_id.items() if (d.year or 0) >= 2024
        }
        both = p.scope(f"source:{EXPORT} year:2024").doc_ids
        assert both == export & p.scope("year:2024").doc_ids
        assert p.scope(f"not source:{EXPORT}").doc_ids == set(by_id) - export
        either = p.scope(f"source:{EXPORT} or type:document").doc_ids
        assert either == export | raw
        hit = p.scope("text:新质生产力").doc_ids
        assert hit and all("新质生产力" in p.documents.text(i) for i in hit)
        misses = set(by_id) - hit
        assert not any("新质生产力" in p.documents.text(i) for i in misses)
        scope = p.scope(f"source:{EXPORT}")
        assert scope.count == 298 and scope.total == len(by_id)
        assert "298" in scope.describe("en") and "298" in scope.describe("zh")
        assert p.scope().doc_ids is None and p.scope("  ").count == len(by_id)


def test_coded_coder_attr_and_sets() -> None:
    with tiny_project() as p:
        coded = set(p.documents.find(coded=True).ids)
        assert p.scope("coded:yes").doc_ids == coded
        assert p.scope("coded:no").doc_ids == set(p.documents.ids()) - coded
        p.codings.add(3, 0, 2, "政策支持", coder="乙")
        assert p.scope("coder:乙").doc_ids == {3}
        with pytest.raises(ScopeError, match="no coder '丙'"):
            p.scope("coder:丙")
        # coding blind, another coder's work is not there to be found
        blind = Actor("乙", "coder", blind=True)
        assert p.scope("coded:yes", actor=blind).doc_ids == {3}
        assert p.scope("coder:甲", actor=blind).doc_ids == set()
        p.attributes.define("来源", "choice")
        p.attributes.set(1, "来源", "人民日报")
        p.attributes.define("页数", "int")
        p.attributes.set(2, "页数", "12")
        assert p.scope("attr:来源=人民日报").doc_ids == {1}
        assert p.scope("attr:页数=12").doc_ids == {2}
        assert p.scope("attr:来源").doc_ids == {1}
        with pytest.raises(ScopeError, match="no attribute '地区'"):
            p.scope("attr:地区=江西")
        with pytest.raises(ScopeError, match="holds integers"):
            p.scope("attr:页数=十二")


def test_query_sets_are_evaluated_when_used_and_cycles_refused() -> None:
    with tiny_project() as p:
        p.sets.create("已编码", query="coded:yes")
        assert p.sets.members("已编码") == [1, 2]
        p.codings.add(3, 0, 2, "政策支持")
        assert p.sets.members("已编码") == [1, 2, 3]  # re-evaluated, not frozen
        p.sets.create("a", query="set:已编码")
        p.sets.create("b", query="set:a and coded:yes")
        with pytest.raises(ScopeError, match="cycle: a → b → a"):
            p.sets.redefine("a", "set:b")
        with pytest.raises(ScopeError, match="cycle"):
            p.sets.create("self", query="set:self or coded:yes")
        assert p.sets.members("a") == [1, 2, 3]
        assert p.scope("set:b").doc_ids == {1, 2, 3}


# -- sets: edits, undo, the change feed, access --------------------------------------------------
def test_static_sets_are_undoable_edits_in_the_change_feed() -> None:
    with tiny_project() as p:
        start = p.changes().version
        info = p.sets.create("精选", doc_ids=[1, 2])
        assert (info.kind, info.count) == ("static", 2)
        assert p.sets.add("精选", [2, 3]) == 1
        assert p.sets.remove("精选", [1]) == 1
        assert p.sets.members("精选") == [2, 3]
        p.sets.rename("精选", "挑选")
        assert [s.name for s in p.sets.list()] == ["挑选"]
        feed = p.changes(since=start)
        assert [c.kind for c in feed.changes] == ["sets"] * 4
        assert feed.changes[1].documents == (3,)  # the document added
        assert p.history(limit=1)["action"].tolist() == ["set.rename"]
        assert p.undo() and p.sets.members("精选") == [2, 3]
        assert p.undo() and p.sets.members("精选") == [1, 2, 3]
        assert p.redo() and p.sets.members("精选") == [2, 3]
        p.sets.delete("精选")
        assert p.sets.list() == []
        p.undo()
        assert p.sets.members("精选") == [2, 3]  # the set and its members are back
        with pytest.raises(ParameterError, match="defined by the query"):
            p.sets.create("q", query="coded:yes")
            p.sets.add("q", [3])
        with pytest.raises(ParameterError, match="no document with id 99"):
            p.sets.add("精选", [99])
        with pytest.raises(ParameterError, match="exists already"):
            p.sets.create("精选", doc_ids=[])
        p.sets.create("uses", query="set:精选")
        with pytest.raises(ParameterError, match="named in the query of set"):
            p.sets.delete("精选")


def test_access_policy_for_sets_and_attributes() -> None:
    with tiny_project() as p:
        viewer, coder = Actor("看", "viewer"), Actor("甲", "coder")
        with pytest.raises(AccessDenied):
            p.sets.create("v", doc_ids=[1], actor=viewer)
        with pytest.raises(AccessDenied):
            p.attributes.define("x", actor=viewer)
        p.sets.create("c", doc_ids=[1], actor=coder)
        p.attributes.define("地区", actor=coder)
        p.attributes.set(1, "地区", "江西", actor=coder)
        with pytest.raises(AccessDenied):
            p.sets.add("c", [2], actor=viewer)
        assert p.sets.members("c", actor=viewer) == [1]
        assert p.undo(actor=coder) and p.attributes.get(1, "地区") is None


# -- attributes -----------------------------------------------------------------------------------
def test_attribute_types_and_the_table() -> None:
    with tiny_project() as p:
        p.attributes.define("发布日期", "date")
        p.attributes.define("等级", "choice", choices=["国家级", "省级"])
        p.attributes.set(1, "发布日期", "2024年3月5日")
        p.attributes.set(2, "发布日期", "2023/7")
        assert p.attributes.get(1, "发布日期") == "2024-03-05"
        assert p.attributes.get(2) == {"发布日期": "2023-07"}
        with pytest.raises(ParameterError, match="not a date"):
            p.attributes.set(1, "发布日期", "2024-02-30")
        with pytest.raises(ParameterError, match="takes one of 国家级, 省级"):
            p.attributes.set(1, "等级", "市级")
        p.attributes.set(1, "等级", "国家级")
        table = p.attributes.table()
        assert table.columns.tolist() == ["id", "title", "发布日期", "等级"]
        assert table.set_index("id").loc[1, "等级"] == "国家级"
        p.attributes.set(1, "等级", None)  # clears it
        assert p.attributes.get(1, "等级") is None
        with pytest.raises(ParameterError, match="already of type date"):
            p.attributes.define("发布日期", "int")
        assert p.attributes.delete("发布日期") == 2
        assert [a["name"] for a in p.attributes.list()] == ["等级"]
        p.undo()
        assert p.attributes.get(2, "发布日期") == "2023-07"


def test_fill_from_fields_on_a_real_export(mixed: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "copy.zhagen"
    shutil.copy(mixed, path)
    with Project.open(path) as p:
        counts = p.attributes.fill_from_fields()
        docs = p.documents.find().items
        assert counts["type"] == len(docs)
        assert counts["year"] == sum(d.year is not None for d in docs)
        assert p.scope(f"attr:source={EXPORT}").doc_ids == p.scope(f"source:{EXPORT}").doc_ids
        some = next(d for d in docs if d.venue)
        assert p.attributes.get(some.id, "venue") == some.venue
        assert p.scope("attr:year=2024").doc_ids == p.scope("year:2024").doc_ids


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_import_table_reports_bad_rows_and_keeps_the_good(tmp_path: Path, suffix: str) -> None:
    rows = [["title", "来源", "篇幅"], ["专精特新", "人民日报", "3"], ["不存在的标题", "新华社", "1"],
            ["创新联合体", "光明日报", "5"]]  # fmt: skip
    path = tmp_path / f"attrs.{suffix}"
    if suffix == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="gb18030")
    else:
        from openpyxl import Workbook

        book = Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    with tiny_project(tmp_path / "p") as p:
        rep = p.attributes.import_table(path)
        assert rep.rows == 3 and rep.values == 4 and rep.defined == ["来源", "篇幅"]
        assert len(rep.problems) == 1
        assert "row 3" in rep.problems[0] and "第 3 行" in rep.problems[0]
        assert "不存在的标题" in rep.problems[0] and "use ids" in rep.problems[0]
        assert {a["name"]: a["type"] for a in p.attributes.list()} == {
            "来源": "text",
            "篇幅": "int",
        }
        assert p.scope("attr:篇幅=5").count == 1
        bad = tmp_path / "bad.csv"
        bad.write_text("名字,来源\n1,x\n", encoding="utf-8")
        with pytest.raises(InputError, match="first column's header must be id or title"):
            p.attributes.import_table(bad)
        by_id = tmp_path / "ids.csv"
        by_id.write_text("id,篇幅\n1,2\nx,3\n99,4\n2,多\n", encoding="utf-8")
        rep = p.attributes.import_table(by_id)
        assert rep.values == 1 and len(rep.problems) == 3
        assert ["row 3" in rep.problems[0], "row 4" in rep.problems[1],
                "row 5" in rep.problems[2]] == [True] * 3  # fmt: skip


# -- scope in every analysis ----------------------------------------------------------------------
def test_scope_in_the_coding_analyses() -> None:
    with tiny_project() as p:
        p.codings.add(3, 0, 2, "政策支持", coder="乙")
        p.codings.add(3, 0, 2, "产学研融合", coder="乙")
        matrix = p.codings.matrix(scope="text:新质")
        assert matrix.columns.tolist() == [3]
        co = p.codings.cooccurrence(unit="document", scope="not text:新质")
        assert co.loc["政策支持", "产学研融合"] == 0
        assert p.codings.cooccurrence(unit="document").loc["政策支持", "产学研融合"] == 1
        tables = p.reports.tables(scope="coder:乙")
        assert set(tables["开放式编码"]["文档"]) == {3}
        hits = p.documents.search("创新", scope="not text:新质")
        assert set(hits["document"]) <= {1, 2} and len(hits)
        p.sets.create("编码中", doc_ids=[1, 2])
        rep = p.reports.saturation(holdout="1/2", scope="set:编码中")
        assert set(rep.holdout_docs) <= {1, 2}
        run = p.runs("saturation").iloc[-1]
        assert run["params"]["scope"] == "set:编码中"
        terms = p.terms.discover(min_freq=2, scope="text:新质")
        assert terms.empty or set(terms.columns) >= {"term", "freq"}


def test_map_of_a_scope_equals_the_map_of_that_export_alone(mixed: Path, corpora: Path,
                                                          tmp_path: Path) -> None:  # fmt: skip
    """Done when (issue 12): the same nodes, links and clusters, same seed."""
    alone = tmp_path / "alone.zhagen"
    with Project.create(alone) as p:
        p.add([corpora / "cnki" / EXPORT])
        solo = p.maps.build(seed=3, record=False)
    with Project.open(mixed) as p:
        scoped = p.maps.build(seed=3, scope=f"source:{EXPORT}", record=False)
        unscoped = p.maps.build(seed=3, record=False)
    for km in (scoped, unscoped):
        assert km.nodes["label"].tolist() == solo.nodes["label"].tolist()
        assert km.nodes["cluster"].tolist() == solo.nodes["cluster"].tolist()
        assert km.nodes["frequency"].tolist() == solo.nodes["frequency"].tolist()
        assert km.edges[["source", "target", "count", "strength"]].values.tolist() == \
            solo.edges[["source", "target", "count", "strength"]].values.tolist()  # fmt: skip
        cols = ["id", "size", "label_llr", "members"]
        assert km.clusters[cols].values.tolist() == solo.clusters[cols].values.tolist()
    assert scoped.summary["scope"] == {"query": f"source:{EXPORT}", "count": 298,
                                       "total": scoped.summary["scope"]["total"]}  # fmt: skip
    assert scoped.summary["params"]["scope"] == f"source:{EXPORT}"
    assert "notes" not in scoped.summary
    # no scope on records and raw documents: the records' keywords, and it says so
    assert (
        "keywords" in unscoped.summary["notes"][0]
        and "--field terms" in unscoped.summary["notes"][0]
    )
    # the export's 298 records: those with a year are mapped, the undated ones reported
    assert unscoped.summary["records"] + unscoped.summary["records_without_year"] == 298
    assert unscoped.summary["records_without_year"] == 2


def test_the_cli_for_sets_attributes_and_scoped_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from zhagen.cli import main

    with tiny_project(tmp_path) as p:
        path = p.path
    assert main(["set", "create", path, "挑选", "--docs", "1", "2"]) == 0
    assert main(["set", "create", path, "新质", "--query", "text:新质"]) == 0
    assert main(["set", "add", path, "挑选", "--where", "text:新质"]) == 0
    assert main(["set", "remove", path, "挑选", "1"]) == 0
    capsys.readouterr()
    assert main(["set", "list", path, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["name"], s["kind"], s["count"]) for s in listed] == [("挑选", "static", 2),
                                                                  ("新质", "query", 1)]  # fmt: skip
    assert main(["attr", "define", path, "来源", "--type", "choice"]) == 0
    assert main(["attr", "set", path, "来源", "人民日报", "2", "3"]) == 0
    capsys.readouterr()
    assert main(["attr", "show", path, "--set", "挑选", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["来源"]) for r in shown] == [(2, "人民日报"), (3, "人民日报")]
    assert main(["coding", "matrix", path, "--set", "挑选", "--format", "json"]) == 0
    assert [r["code"] for r in json.loads(capsys.readouterr().out)] == ["产学研融合"]
    assert main(["search", path, "创新", "--where", "attr:来源=人民日报", "--format", "json"]) == 0
    assert {r["document"] for r in json.loads(capsys.readouterr().out)} <= {2, 3}
    assert main(["docs", path, "--set", "挑选", "--format", "json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [2, 3]
    assert main(["set", "show", path, "nope"]) == 1
    assert "no set 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a bad query is a usage error, with its column
        main(["search", path, "创新", "--where", "attr:来源=("])
    assert "column 10" in capsys.readouterr().err
    assert main(["set", "delete", path, "挑选"]) == 0


def test_a_project_of_before_gains_sets_and_attributes_on_open(tmp_path: Path) -> None:
    """A file made before migration 0009 opens with empty sets and attributes, its codings
    untouched, and a .bak copy of it as it was."""
    import sqlite3

    with tiny_project(tmp_path) as p:
        path = Path(p.path)
        codings = len(p.codings())
    conn = sqlite3.connect(path)
    for table in ("set_members", "sets", "attribute_values", "attributes"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM migrations WHERE name = '0009_sets_attributes'")
    conn.commit()
    conn.close()
    with Project.open(path) as p:
        assert "0009_sets_attributes" in p.store.applied_migrations()
        assert p.sets.list() == [] and p.attributes.list() == []
        assert len(p.codings()) == codings
        p.sets.create("s", doc_ids=[1])
        assert p.scope("set:s").doc_ids == {1}
    assert path.with_name(path.name + ".bak").exists()
