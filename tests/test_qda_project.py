"""REFI-QDA into and out of a project (zhagen.qda): the real NVivo and ATLAS.ti samples,
NVivo's UTF-16 positions, round trips validated against the official schemas, a Chinese
project with astral characters, malformed files, rollback and repeated imports."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import zhagen
from zhagen.errors import InputError
from zhagen.formats.refi_qda import (
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    make_guid,
    read_qdpx,
    write_qdpx,
)
from zhagen.qda import export_qdc, export_qdpx, import_qdc, import_qdpx

NS = "{urn:QDA-XML:project:1.0}"
NVIVO, ATLAS84, ATLAS23 = (
    "nvivo12win_oltas.qdpx",
    "atlasti84_standard_project.qdpx",
    "atlasti23_three_codes.qdpx",
)


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def refi(shared: Path) -> Path:
    return shared / "refi-qda"


@pytest.fixture(scope="module")
def schemas(refi: Path):
    from lxml import etree

    return {
        kind: etree.XMLSchema(etree.parse(str(refi / f"{kind}.xsd")))
        for kind in ("Project", "Codebook")
    }


@pytest.fixture()
def new(tmp_path):
    """A factory of new, empty projects (closed at the end of the test)."""
    made: list[zhagen.Project] = []

    def make(name: str = "p") -> zhagen.Project:
        made.append(zhagen.Project.create(tmp_path / f"{name}.zhagen"))
        return made[-1]

    yield make
    for p in made:
        p.close()


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(next(n for n in zf.namelist() if n.lower().endswith(".qde")))


def _validate(schema, xml: bytes) -> None:
    from lxml import etree

    assert schema.validate(etree.fromstring(xml)), str(schema.error_log)


def _parent(value) -> int | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)


def _levels_ok(p: zhagen.Project) -> bool:
    codes = p.codes().set_index("id")
    return all(
        _parent(r.parent) is None or codes.at[_parent(r.parent), "level"] > r.level
        for r in codes.itertuples()
    )


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def snapshot(p: zhagen.Project) -> dict[str, object]:
    """Everything a round trip must keep, in terms that do not depend on row ids."""
    codes = p.codes()
    rows = {int(r.id): r for r in codes.itertuples()}

    def path(cid) -> str:
        parts, cur = [], rows[int(cid)]
        while True:
            parts.append(cur.name)
            if _parent(cur.parent) is None:
                return "/".join(reversed(parts))
            cur = rows[_parent(cur.parent)]

    doc = {d: _sha(p.text(d)) for d in p.documents()["id"]}
    codings = p.codings()
    coding_key = {
        int(c.id): (doc[c.document], c.start, c.end, path(c.code), c.coder)
        for c in codings.itertuples()
    }
    rels = p.relations()
    rel_key = {int(r.id): (path(r.source), path(r.target), r.type) for r in rels.itertuples()}
    target = {
        "project": lambda i: None,
        "document": lambda i: doc[i],
        "code": path,
        "coding": lambda i: coding_key[int(i)],
        "relation": lambda i: rel_key[int(i)],
    }
    memos = sorted(
        (
            m.target_type,
            str(target[m.target_type](m.target_id)),
            m.title,
            m.text,
            m.coder if isinstance(m.coder, str) else None,
            m.created,
            m.modified,
        )
        for m in p.memos().itertuples()
    )
    return {
        "codes": sorted(
            (path(r.id), int(r.level), r.color, r.description, int(r.position))
            for r in codes.itertuples()
        ),
        "codings": sorted(
            (*coding_key[int(c.id)], c.text, c.created) for c in codings.itertuples()
        ),
        "memos": memos,
        "relations": sorted((*rel_key[int(r.id)], r.description) for r in rels.itertuples()),
        "storyline": p.storyline(),
        "documents": sorted(doc.values()),
    }


# ---------------------------------------------------------------- the real samples


def test_nvivo_import(refi, new):
    p = new()
    report = import_qdpx(p, refi / "samples" / NVIVO)
    assert (len(report.documents), report.codes, report.codings) == (1, 60, 97)
    assert (len(p.documents()), len(p.codes()), len(p.codings())) == (1, 60, 97)
    assert report.not_imported == [] and report.levels == "height"
    # NVivo's Coding@creatingUser is the node's creator; the selection's creator coded
    assert report.coder_from == "selection"
    assert set(p.codings()["coder"]) == {"Gergo"}
    assert any("97" in w and "creatingUser" in w for w in report.warnings)
    assert sorted(p.coders()["name"]) == ["Gergo", "floriansipos"]
    doc = p.document(report.documents[0])
    assert doc["format"] == "refi-qda" and doc["frozen"] == 1 and doc["title"] == "videos_selection"
    assert doc["extra"]["refi_qda"]["guid"] == "56a79789-d535-4fb8-bedd-a915504c54ba"
    assert len(p.sentences(report.documents[0])) > 100
    # levels are heights: leaves are concepts, every parent is above its children
    assert p.codes()["level"].value_counts().to_dict() == {1: 43, 2: 14, 3: 3}
    assert _levels_ok(p)
    assert p.store.log_entries(1)[0]["action"] == "import.qdpx"


def test_nvivo_codings_land_on_utf16_slices(refi, new):
    """Every coding is the text NVivo meant: the UTF-16 slice of the original .txt, read
    here straight from the archive with lxml, not through the reader."""
    from lxml import etree

    path = refi / "samples" / NVIVO
    with zipfile.ZipFile(path) as zf:
        raw = zf.read(next(n for n in zf.namelist() if n.endswith(".txt")))
        root = etree.fromstring(zf.read("project.qde"))
    units = raw.decode("utf-8-sig").encode("utf-16-le")
    names = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    expected = []
    for sel in root.iter(f"{NS}PlainTextSelection"):
        s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
        meant = units[2 * s : 2 * e].decode("utf-16-le").replace("\r\n", "\n")
        for ref in sel.iter(f"{NS}CodeRef"):
            expected.append((names[ref.get("targetGUID")], meant))
    p = new()
    import_qdpx(p, path)
    got = p.codings()
    assert len(expected) == len(got) == 97
    assert sorted(expected) == sorted(zip(got["code_name"], got["text"], strict=True))
    text = p.text(int(got["document"].iloc[0]))
    after_emoji = sum(any(ord(ch) > 0xFFFF for ch in text[: int(s)]) for s in got["start"])
    assert after_emoji >= 50  # naive code-point positions would be wrong for these


def test_atlas84_import_lists_what_is_not_imported(refi, new):
    p = new()
    report = import_qdpx(p, refi / "samples" / ATLAS84)
    assert (report.codes, len(p.codes()), len(p.documents()), len(p.codings())) == (14, 14, 0, 0)
    sources = [n for n in report.not_imported if n.what == "source"]
    assert len(sources) == 12  # 6 text sources without their .txt, 6 media sources
    assert report.codings_not_imported == 16  # every coding of the file is accounted for
    assert {n.name for n in report.not_imported if n.what == "set"} >= {"Coke", "Feelings"}
    assert any(n.what == "Graphs" for n in report.not_imported)
    memos = p.memos()
    assert sorted(memos["title"]) == ["My favorite Coke ad", "Research Plan"]
    assert set(memos["target_type"]) == {"project"} and set(memos["coder"]) == {
        "Friedrich Markgraf"
    }
    codes = p.codes().set_index("name")
    assert codes.at["Coke", "color"] == "#966450" and codes.at["milk", "color"].startswith("#")
    assert "Simon.docx" in "\n".join(report.lines())


def test_atlas23_tree(refi, new):
    p = new()
    report = import_qdpx(p, refi / "samples" / ATLAS23)
    codes = p.codes()
    assert report.codes == 3 and len(codes) == 3
    parent = codes[codes["parent"].isna()].iloc[0]
    assert parent["level"] == 2
    children = codes[codes["parent"] == parent["id"]]
    assert len(children) == 2 and set(children["level"]) == {1}


@pytest.mark.parametrize("sample", [NVIVO, ATLAS84, ATLAS23])
def test_sample_round_trip(refi, schemas, new, tmp_path, sample):
    first = new("first")
    import_qdpx(first, refi / "samples" / sample)
    out = tmp_path / "out.qdpx"
    export_qdpx(first, out)
    _validate(schemas["Project"], _qde(out))
    second = new("second")
    report = import_qdpx(second, out)
    assert report.levels == ("zhagen" if len(first.codes()) else "height")
    assert snapshot(second) == snapshot(first)


def test_bad_coder_from(refi, new):
    with pytest.raises(zhagen.ZhagenError, match="coder_from"):
        import_qdpx(new(), refi / "samples" / NVIVO, coder_from="user")


def test_coder_map_and_coder_from(refi, new):
    p = new("a")
    import_qdpx(p, refi / "samples" / NVIVO, coder_map={"Gergo": "甲"})
    assert set(p.codings()["coder"]) == {"甲"}
    q = new("b")
    report = import_qdpx(q, refi / "samples" / NVIVO, coder_from="coding")
    assert report.coder_from == "coding" and set(q.codings()["coder"]) == {"floriansipos"}


# ---------------------------------------------------------------- a Chinese project

DOC_A = "😀开头的访谈：企业是创新主体。政府提供𠀀政策支持，😡但是审批太慢。\n第二段：高校开展基础研究🤣，企业参与协同创新。"
DOC_B = "𠀀𠀁访谈二：资金短缺制约了研发投入。😀政策补贴缓解了资金压力。"


def _chinese(p: zhagen.Project, tmp_path: Path) -> None:
    for name, text in (("访谈一.txt", DOC_A), ("访谈二.txt", DOC_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        p.add(tmp_path / name)
    a, b = (int(i) for i in p.documents()["id"])
    ta, tb = p.text(a), p.text(b)
    assert "😀" in ta and "𠀀" in tb  # cleaning keeps astral characters

    def span(text: str, part: str) -> tuple[int, int]:
        start = text.index(part)
        return start, start + len(part)

    core = p.add_code("创新生态", level=3, description="主范畴的内涵", color="#123abc")
    env = p.add_code("政策环境", parent=core, level=2, description="政策如何影响创新")
    support = p.add_code("政策支持", parent=env, color="#ff0000")
    permit = p.add_code("审批效率", parent=env)
    actors = p.add_code("主体协同", parent=core, level=2)
    joint = p.add_code("协同创新", parent=actors)
    money = p.add_code("资金短缺", parent=core, level=1)  # a concept right under a 主范畴
    p.add_code("研发投入")
    p.add_code("空范畴", level=2)  # a category without children keeps its level
    c1 = p.code_span(a, *span(ta, "政府提供𠀀政策支持"), support, coder="甲")
    p.code_span(a, *span(ta, "政府提供𠀀政策支持"), support, coder="乙")
    p.code_span(a, *span(ta, "😡但是审批太慢"), permit, coder="乙")
    p.code_span(a, *span(ta, "企业参与协同创新"), joint, coder="甲")
    p.code_span(b, *span(tb, "资金短缺制约了研发投入"), money, coder="甲")
    p.code_span(b, *span(tb, "😀政策补贴"), "研发投入", coder="乙")
    rel = p.add_relation(env, joint, "因果条件", description="政策环境推动协同创新")
    p.add_relation(money, "研发投入", "制约")
    p.add_memo("project", None, "整体印象：政策是关键。", title="总体", coder="甲")
    p.add_memo("document", b, "访谈二的受访者是财务总监", coder="乙")
    p.add_memo("code", support, "包括补贴与税收优惠", title="定义")
    p.add_memo("coding", c1, "这一句很典型 😀", coder="甲")
    p.add_memo("relation", rel, "见访谈一第二段", title="证据")
    p.set_storyline("政策环境通过主体协同推动创新生态的形成。")


def test_chinese_project_round_trip(schemas, new, tmp_path):
    first = new("first")
    _chinese(first, tmp_path)
    out, again = tmp_path / "研究.qdpx", tmp_path / "again.qdpx"
    report = export_qdpx(first, out)
    assert (report.documents, report.codes, report.codings, report.relations) == (2, 9, 6, 2)
    _validate(schemas["Project"], _qde(out))
    export_qdpx(first, again)
    assert _qde(out) == _qde(again)  # the same GUIDs (and everything else) every time
    second = new("second")
    imported = import_qdpx(second, out)
    assert imported.levels == "zhagen" and imported.not_imported == []
    assert imported.storyline and imported.coder_from == "selection"  # a zhagen file: its coder
    before, after = snapshot(first), snapshot(second)
    assert after == before
    assert [c[0] for c in after["codes"]][:3] == [
        "创新生态",
        "创新生态/主体协同",
        "创新生态/主体协同/协同创新",
    ]
    assert ("创新生态/资金短缺", 1) in [(c[0], c[1]) for c in after["codes"]]
    assert ("空范畴", 2) in [(c[0], c[1]) for c in after["codes"]]
    assert second.storyline() == "政策环境通过主体协同推动创新生态的形成。"
    texts = sorted(second.codings()["text"])
    assert "政府提供𠀀政策支持" in texts and "😀政策补贴" in texts and "😡但是审批太慢" in texts
    assert set(second.coders()["name"]) == {"甲", "乙"}


def test_export_one_coder_and_all_documents(schemas, new, tmp_path):
    p = new()
    _chinese(p, tmp_path)
    (tmp_path / "uncoded.txt").write_text("没有编码的文档。", encoding="utf-8")
    p.add(tmp_path / "uncoded.txt")
    assert export_qdpx(p, tmp_path / "a.qdpx").documents == 2
    everything = export_qdpx(p, tmp_path / "b.qdpx", all_documents=True)
    assert everything.documents == 3
    _validate(schemas["Project"], _qde(tmp_path / "b.qdpx"))
    mine = export_qdpx(p, tmp_path / "c.qdpx", coder="甲")
    _validate(schemas["Project"], _qde(tmp_path / "c.qdpx"))
    assert mine.codings == 3 and mine.users == 1
    q = new("q")
    import_qdpx(q, tmp_path / "c.qdpx")
    assert set(q.codings()["coder"]) == {"甲"}
    with pytest.raises(zhagen.ZhagenError, match="丙"):
        export_qdpx(p, tmp_path / "d.qdpx", coder="丙")


def test_codebook_round_trip(schemas, new, tmp_path):
    first = new("first")
    _chinese(first, tmp_path)
    n = export_qdc(first, tmp_path / "codes.qdc")
    assert n == 9
    _validate(schemas["Codebook"], (tmp_path / "codes.qdc").read_bytes())
    second = new("second")
    report = import_qdc(second, tmp_path / "codes.qdc")
    assert report.codes == 9
    keep = lambda codes: [(c[0], c[2], c[3]) for c in codes]  # noqa: E731 - path, colour, text
    assert keep(snapshot(second)["codes"]) == keep(snapshot(first)["codes"])
    # a codebook has no levels: they are the codes' heights in the tree
    levels = dict(zip(second.codes()["name"], second.codes()["level"], strict=True))
    assert (levels["创新生态"], levels["政策环境"], levels["空范畴"]) == (3, 2, 1)
    again = import_qdc(second, tmp_path / "codes.qdc")  # reused, not duplicated
    assert (again.codes, again.codes_reused, len(second.codes())) == (0, 9, 9)


def test_existing_codes_are_reused(refi, new, tmp_path):
    p = new()
    top = p.add_code("1. Perceived Susceptibility – Észlelt fogékonyság", level=3, color="#000000")
    report = import_qdpx(p, refi / "samples" / NVIVO)
    assert report.codes_reused == 1 and report.codes == 59 and len(p.codes()) == 60
    codes = p.codes().set_index("id")
    assert codes.at[top, "color"] == "#000000"
    assert (codes["parent"] == top).sum() == 3


# ---------------------------------------------------------------- odd and bad files


def test_deep_tree_imports_with_its_depth(new, tmp_path):
    """Issue 9: a code tree seven levels deep keeps its depth; nothing is moved."""
    chain = [QdaCode(make_guid("t", "c", i), f"层{i}") for i in range(7)]
    for parent, child in zip(chain, chain[1:], strict=False):
        parent.children.append(child)
    user = QdaUser(make_guid("t", "u"), "甲")
    coding = QdaCoding(make_guid("t", "k"), chain[-1].guid, user.guid)
    sel = QdaSelection(make_guid("t", "s"), None, 1, 3, [coding], creating_user=user.guid)
    src = QdaSource(make_guid("t", "d"), "深", text="😀深层编码", selections=[sel])
    write_qdpx(
        QdaProject("deep", users=[user], codes=[chain[0]], sources=[src]), tmp_path / "d.qdpx"
    )
    p = new()
    report = import_qdpx(p, tmp_path / "d.qdpx")
    codes = p.codes().set_index("name")
    assert len(codes) == 7 and report.codings == 1
    assert [codes.at[f"层{i}", "depth"] for i in range(7)] == list(range(7))
    assert [codes.at[f"层{i + 1}", "parent"] == codes.at[f"层{i}", "id"] for i in range(6)] == [
        True
    ] * 6
    # heights: the leaf is a concept, up to 4; the three codes above have no level
    levels = [codes.at[f"层{i}", "level"] for i in range(7)]
    assert [None if pd.isna(v) else int(v) for v in levels] == [None, None, None, 4, 3, 2, 1]
    assert not any("moved" in w for w in report.warnings)
    assert any("3 codes" in w and "no grounded-theory level" in w for w in report.warnings)
    assert p.codings()["text"].tolist() == ["深层"] and p.codings()["code_name"].tolist() == ["层6"]
    assert any("3 codes have no level" in line for line in p.reports.level_problems())


def _counts(p: zhagen.Project) -> tuple[int, ...]:
    return (len(p.documents()), len(p.codes()), len(p.codings()), len(p.memos()),
            len(p.sources()), len(p.coders()))  # fmt: skip


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


HEAD = '<?xml version="1.0" encoding="utf-8"?>'
BAD_FILES = {
    "not-a-zip": b"this is not a zip archive",
    "no-qde": _zip({"readme.txt": "hello"}),
    "truncated-xml": _zip({"project.qde": HEAD + f'<Project xmlns="{NS[1:-1]}" name="p"><Users>'}),
    "entity": _zip({"project.qde": HEAD + '<!DOCTYPE p [<!ENTITY x "y">]><Project name="&x;"/>'}),
    "bad-position": _zip({"project.qde": HEAD + (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
        '<TextSource guid="00000000-0000-0000-0000-000000000001" name="a">'
        "<PlainTextContent>文本</PlainTextContent>"
        '<PlainTextSelection guid="00000000-0000-0000-0000-000000000002" startPosition="x" '
        'endPosition="1"/></TextSource></Sources></Project>')}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_file_imports_nothing(new, tmp_path, case):
    p = new()
    path = tmp_path / f"{case}.qdpx"
    path.write_bytes(BAD_FILES[case])
    with pytest.raises(InputError) as info:
        import_qdpx(p, path)
    err = info.value
    assert err.zh and err.en and str(path) in err.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.zh)  # Chinese, then English
    assert sum(ch.isascii() and ch.isalpha() for ch in err.en) > 20
    assert _counts(p) == (0, 0, 0, 0, 0, 0)
    assert not [e for e in p.store.log_entries() if e["action"].startswith("import")]


def test_failure_half_way_rolls_everything_back(refi, new, monkeypatch):
    from zhagen.store import qda as sq

    real, calls = sq.insert_coding_at, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 50:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(sq, "insert_coding_at", failing)
    p = new()
    with pytest.raises(RuntimeError, match="disk full"):
        import_qdpx(p, refi / "samples" / NVIVO)
    assert _counts(p) == (0, 0, 0, 0, 0, 0)
    monkeypatch.setattr(sq, "insert_coding_at", real)
    assert import_qdpx(p, refi / "samples" / NVIVO).codings == 97  # and it can be retried


def test_importing_the_same_file_twice_is_refused(refi, new, tmp_path):
    p = new()
    import_qdpx(p, refi / "samples" / NVIVO)
    copy = tmp_path / "copy.qdpx"
    copy.write_bytes((refi / "samples" / NVIVO).read_bytes())
    with pytest.raises(InputError) as info:
        import_qdpx(p, copy)  # same content under another name: still the same file
    assert "#1" in info.value.message and NVIVO in info.value.message
    assert "new project" in info.value.en and "新建项目" in info.value.zh
    assert _counts(p)[:3] == (1, 60, 97)


def test_storyline_of_a_second_import_does_not_replace_the_first(new, tmp_path):
    first = new("first")
    _chinese(first, tmp_path)
    export_qdpx(first, tmp_path / "a.qdpx")
    second = new("second")
    second.set_storyline("已有的故事线")
    report = import_qdpx(second, tmp_path / "a.qdpx")
    assert second.storyline() == "已有的故事线" and not report.storyline
    titles = second.memos("project")["title"].tolist()
    assert any(t.startswith("故事线（导入") for t in titles)


def test_odd_parts_are_placed_or_listed(new, tmp_path):
    """Whole-source codings, quotation comments, note links, unnamed links, duplicate
    sibling names, folder codes and dangling codings: each is imported or reported."""
    from zhagen.formats.refi_qda import QdaLink, QdaNote

    g = lambda *k: make_guid("odd", *k)  # noqa: E731
    user = QdaUser(g("u"), "甲")
    a, b = QdaCode(g("a"), "同名"), QdaCode(g("b"), "同名")
    folder = QdaCode(g("f"), "文件夹", is_codable=False, children=[a, b], color="#ABC")
    coded = QdaSelection(g("s1"), None, 2, 4, [QdaCoding(g("c1"), g("a"), user.guid)],
                         description="引文的注释", creating_user=user.guid)  # fmt: skip
    empty = QdaSelection(g("s2"), None, 3, 3, [QdaCoding(g("c2"), g("a"), user.guid)])
    ghost = QdaSelection(g("s3"), None, 0, 1, [QdaCoding(g("c3"), g("nope"), user.guid)])
    src = QdaSource(g("d"), "文档", text="𠀀😀编码文本", selections=[coded, empty, ghost],
                    codings=[QdaCoding(g("c4"), g("b"), user.guid)])  # fmt: skip
    notes = [
        QdaNote(g("n1"), "链接备忘", "经由链接附在编码上", creating_user=user.guid),
        QdaNote(g("n2"), "编码记录备忘", "附在编码记录上", target_guids=[g("c1")]),
        QdaNote(g("n3"), "关系备忘", "附在关系上", target_guids=[g("l1")]),
    ]
    links = [QdaLink(g("l1"), None, g("a"), g("b"), "Associative"),
             QdaLink(g("l2"), "memo", g("n1"), g("b")),
             QdaLink(g("l3"), "自身", g("a"), g("a"))]  # fmt: skip
    qp = QdaProject("odd", users=[user], codes=[folder], sources=[src], notes=notes,
                    links=links, description="项目说明")  # fmt: skip
    write_qdpx(qp, tmp_path / "odd.qdpx")
    p = new()
    report = import_qdpx(p, tmp_path / "odd.qdpx")
    codes = p.codes()
    assert sorted(codes["name"]) == ["同名", "同名 (2)", "文件夹"]
    assert codes.set_index("name").at["文件夹", "color"] == "#aabbcc"
    texts = dict(zip(p.codings()["code_name"], p.codings()["text"], strict=True))
    assert texts == {"同名": "编码", "同名 (2)": "𠀀😀编码文本"}  # whole-source coding
    rel = p.relations()
    assert rel[["source_name", "target_name", "type"]].values.tolist() == [
        ["同名", "同名 (2)", "关联"]
    ]
    memos = {m.title: (m.target_type, m.text) for m in p.memos().itertuples()}
    assert memos["链接备忘"][0] == "code" and memos["编码记录备忘"][0] == "coding"
    assert (
        memos["关系备忘"][0] == "relation"
        and memos["项目描述 / project description"][0] == "project"
    )
    assert memos["引文注释 / quotation comment"] == ("coding", "引文的注释")
    skipped = [n for n in report.not_imported if n.what in ("selection", "link")]
    assert sum(n.codings for n in skipped) == 2 and any(n.name == "自身" for n in skipped)
    assert any("non-codable" in w for w in report.warnings)
    assert any("renamed" in w for w in report.warnings)


def test_export_keeps_the_guids_of_imported_sources(refi, schemas, new, tmp_path):
    """Issue 9: an export keeps what it read; here the sources' GUIDs (new GUIDs only for
    new documents), validated against Project.xsd."""
    from lxml import etree

    p = new()
    import_qdpx(p, refi / "samples" / NVIVO)
    src = tmp_path / "新.txt"
    src.write_text("新的文档。", encoding="utf-8")
    p.add([str(src)])
    out = tmp_path / "again.qdpx"
    export_qdpx(p, out, all_documents=True)
    with zipfile.ZipFile(refi / "samples" / NVIVO) as zf:
        original = etree.fromstring(zf.read(next(n for n in zf.namelist() if n.endswith(".qde"))))
    with zipfile.ZipFile(out) as zf:
        written = etree.fromstring(zf.read("project.qde"))
    assert schemas["Project"].validate(written), schemas["Project"].error_log
    read = {s.get("guid").lower() for s in original.iter(f"{NS}TextSource")}
    got = {s.get("guid").lower() for s in written.iter(f"{NS}TextSource")}
    kept = read & got
    assert kept and len(got - read) == 1  # every imported source kept its GUID; one new
    text_sources = [s for s in read_qdpx(refi / "samples" / NVIVO).sources
                    if s.kind == "text" and s.text is not None]  # fmt: skip
    assert kept == {s.guid.lower() for s in text_sources}
