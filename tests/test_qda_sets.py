"""Sets and attributes through REFI-QDA (issue 12): exported as ``<Sets>``, ``<Variables>``
and ``<Cases>``, valid against the official Project.xsd, read back into the same sets and
attributes, and imported from a real ATLAS.ti export that has sets."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from zhagen.examples import tiny_project
from zhagen.project import Project

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def schema(shared: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared / "refi-qda" / "Project.xsd")))


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        return etree.fromstring(zf.read(name))


def _table(p: Project) -> list[dict]:
    df = p.attributes.table().drop(columns=["id"]).astype(object)
    return df.where(df.notna(), None).to_dict("records")


def _studied(folder: Path) -> Project:
    p = tiny_project(folder)
    p.sets.create("精选", doc_ids=[1, 2], description="挑出来的")
    p.sets.create("新质", query="text:新质")
    p.attributes.define("来源", "choice", choices=["人民日报", "新华社"])
    p.attributes.set(1, "来源", "人民日报")
    p.attributes.define("页数", "int")
    p.attributes.set(2, "页数", 12)
    p.attributes.define("时期", "date")  # a year, a month: no xsd:date, written as Text
    p.attributes.set(1, "时期", "2024")
    p.attributes.set(2, "时期", "2024-03")
    p.attributes.define("发布", "date")
    p.attributes.set(3, "发布", "2024-03-05")
    p.attributes.define("备注")
    p.attributes.set(3, "备注", "<含 & 特殊字符>")
    return p


def test_sets_and_attributes_round_trip_and_validate(tmp_path: Path, schema) -> None:
    out = tmp_path / "study.qdpx"
    with _studied(tmp_path / "a") as p:
        p.export_qdpx(out, all_documents=True)
        before_sets = [s.as_dict() for s in p.sets.list()]
        before_attrs = p.attributes.list()
        before_table = _table(p)
    root = _qde(out)
    assert schema.validate(root), schema.error_log
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{NS}Variable")}
    assert variables == {"来源": "Text", "页数": "Integer", "时期": "Text", "发布": "Date",
                         "备注": "Text"}  # fmt: skip
    cases = list(root.iter(f"{NS}Case"))
    assert len(cases) == 3 and all(c.find(f"{NS}SourceRef") is not None for c in cases)
    assert root.find(f".//{NS}DateValue").text == "2024-03-05"
    sets = {s.get("name"): s for s in root.iter(f"{NS}Set")}
    assert len(sets["精选"].findall(f"{NS}MemberSource")) == 2
    assert "zhagen:query: text:新质" in sets["新质"].find(f"{NS}Description").text

    with Project.create(tmp_path / "b.zhagen") as b:
        report = b.import_qdpx(out)
        assert report.sets == ["精选", "新质"] and len(report.attributes) == 5
        assert not any(n.what in ("set", "Variables", "Cases") for n in report.not_imported)
        assert [s.as_dict() for s in b.sets.list()] == before_sets
        assert b.attributes.list() == before_attrs
        assert _table(b) == before_table
        again = tmp_path / "again.qdpx"
        b.export_qdpx(again)
    root2 = _qde(again)
    assert schema.validate(root2), schema.error_log

    # the GUIDs of sets and variables survive the second trip
    def ours(r):  # the code-level sets are zhagen's own, remade on each export
        return {s.get("name"): s.get("guid") for s in r.iter(f"{NS}Set")
                if not s.get("name").startswith("zhagen:level")}  # fmt: skip

    assert ours(root2) == ours(root) and len(ours(root)) == 2
    vars1 = {v.get("name"): v.get("guid") for v in root.iter(f"{NS}Variable")}
    assert {v.get("name"): v.get("guid") for v in root2.iter(f"{NS}Variable")} == vars1


def test_sets_import_from_a_real_atlas_ti_export(shared: Path, tmp_path: Path, schema) -> None:
    """ATLAS.ti 8.4's "standard project" has 16 sets but ships without its texts: the real
    Project.qde is put in a new archive with text files written here for its text sources."""
    real = shared / "refi-qda" / "samples" / "atlasti84_standard_project.qdpx"
    root = _qde(real)
    sample = tmp_path / "with_texts.qdpx"
    with zipfile.ZipFile(real) as zin, zipfile.ZipFile(sample, "w") as zout:
        zout.writestr("Project.qde", zin.read("Project.qde"))
        for src in root.iter(f"{NS}TextSource"):
            path = src.get("plainTextPath").split("://", 1)[-1]
            zout.writestr(f"Sources/{path}", ("可乐广告的文字稿。" * 800).encode("utf-8"))
    with Project.create(tmp_path / "a.zhagen") as p:
        report = p.import_qdpx(sample)
        docs = set(report.documents)
        by_guid = {}
        for d in docs:
            by_guid[p.documents.get(d)["extra"]["refi_qda"]["guid"].lower()] = d
        expected = {}
        for s in root.iter(f"{NS}Set"):
            members = {by_guid[m.get("targetGUID").lower()] for m in s.iter(f"{NS}MemberSource")
                       if m.get("targetGUID").lower() in by_guid}  # fmt: skip
            if members:
                expected[s.get("name")] = sorted(members)
        assert expected, "the sample has sets of text sources"
        assert sorted(report.sets) == sorted(expected)
        for name, members in expected.items():
            assert p.sets.members(name) == members
        assert p.scope('set:"Text files"').count == len(expected["Text files"])
        # sets of media or codes only are kept as read, and said so
        kept = {n.name for n in report.not_imported if n.what == "set"}
        all_sets = {s.get("name") for s in root.iter(f"{NS}Set")}
        assert kept == all_sets - set(expected)
        out = tmp_path / "again.qdpx"
        p.export_qdpx(out)
    again = _qde(out)
    assert schema.validate(again), schema.error_log
    assert {s.get("guid").lower() for s in again.iter(f"{NS}Set")} >= {
        s.get("guid").lower() for s in root.iter(f"{NS}Set") if s.get("name") in expected
    }


def _variables_project(tmp_path: Path) -> Path:
    """A .qdpx as another program writes cases: five variable types, a case on two
    sources, a value that does not fit its type, a case of a source without text."""
    g = [f"00000000-0000-4000-8000-{i:012d}" for i in range(20)]
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="cases" origin="handmade">
  <Variables>
    <Variable guid="{g[1]}" name="Region" typeOfVariable="Text"/>
    <Variable guid="{g[2]}" name="Age" typeOfVariable="Integer"/>
    <Variable guid="{g[3]}" name="Urban" typeOfVariable="Boolean"/>
    <Variable guid="{g[4]}" name="Interviewed" typeOfVariable="DateTime"/>
    <Variable guid="{g[5]}" name="Score" typeOfVariable="Float"/>
  </Variables>
  <Cases>
    <Case guid="{g[6]}" name="Household A">
      <VariableValue><VariableRef targetGUID="{g[1]}"/><TextValue>江西</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{g[2]}"/><IntegerValue>67</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{g[3]}"/><BooleanValue>true</BooleanValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{g[4]}"/><DateTimeValue>2024-03-05T10:00:00</DateTimeValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{g[5]}"/><FloatValue>2.5</FloatValue></VariableValue>
      <SourceRef targetGUID="{g[10]}"/>
      <SourceRef targetGUID="{g[11]}"/>
    </Case>
    <Case guid="{g[7]}" name="Household B">
      <VariableValue><VariableRef targetGUID="{g[2]}"/><TextValue>unknown</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{g[1]}"/><TextValue>广东</TextValue></VariableValue>
      <SourceRef targetGUID="{g[12]}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{g[10]}" name="a" plainTextPath="internal://a.txt"/>
    <TextSource guid="{g[11]}" name="b" plainTextPath="internal://b.txt"/>
    <TextSource guid="{g[12]}" name="c" plainTextPath="internal://c.txt"/>
  </Sources>
</Project>"""
    path = tmp_path / "cases.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
        z.writestr("sources/a.txt", "第一户的访谈。")
        z.writestr("sources/b.txt", "第一户的第二次访谈。")
        z.writestr("sources/c.txt", "第二户的访谈。")
    return path


def test_variables_and_cases_of_another_program(tmp_path: Path, schema) -> None:
    path = _variables_project(tmp_path)
    assert schema.validate(_qde(path)), schema.error_log
    with Project.create(tmp_path / "p.zhagen") as p:
        report = p.import_qdpx(path)
        assert report.attributes == ["Region", "Age", "Urban", "Interviewed", "Score"]
        types = {a["name"]: a["type"] for a in p.attributes.list()}
        assert types == {"Region": "text", "Age": "int", "Urban": "choice",
                         "Interviewed": "date", "Score": "text"}  # fmt: skip
        a, b, c = report.documents
        assert p.attributes.get(a) == p.attributes.get(b) == {
            "Region": "江西", "Age": 67, "Urban": "true", "Interviewed": "2024-03-05",
            "Score": "2.5",
        }  # fmt: skip
        assert p.attributes.get(c) == {"Region": "广东"}  # "unknown" is no integer
        assert any("1 variable values did not fit" in w for w in report.warnings)
        assert p.scope("attr:Region=江西 attr:Age=67").doc_ids == {a, b}
