"""The model figure (issue 16): paradigm roles and moved boxes kept in the project (undoable,
logged, gone with their code and back with its undo), both layouts drawn by the library as
PNG, SVG and PDF at a fixed size with the CJK glyphs, the same bytes twice, the web routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from web_support import client, file_before, make_project, session

MAINS = {"政策与制度环境": "因果条件", "市场需求牵引": "因果条件", "组织数字化能力": "现象",
         "数据要素治理": "情境", "平台生态支撑": "中介条件", "产学研协同网络": "行动策略",
         "数字化转型绩效": "结果"}  # fmt: skip


def _project(folder: Path) -> tuple[Path, dict[str, int]]:
    from zhagen.project import Project

    path = make_project(folder)
    with Project.open(path) as p:
        core = p.codes.add("企业数字化转型的协同机制", level=4)
        ids = {n: p.codes.add(n, parent=core, level=3) for n in MAINS}
        for n in MAINS:
            p.codes.add(n[:2] + "子范畴", parent=ids[n], level=2)
        names = list(MAINS)
        for a, b in zip(names, names[1:], strict=False):
            p.relations.add(ids[a], ids[b], "因果条件")
        for n, role in MAINS.items():
            p.relations.set_role(ids[n], role)
    return path, ids


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
        a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]  # fmt: skip


def test_roles_and_moves_are_undoable_and_logged(tmp_path: Path) -> None:
    from zhagen.errors import ZhagenError
    from zhagen.project import Project

    path, ids = _project(tmp_path)
    cid = ids["数字化转型绩效"]
    with Project.open(path) as p:
        lay = p.relations.model("paradigm")
        assert {b["name"]: b["role"] for b in lay["boxes"]} == MAINS
        assert ("因果条件", "现象") in lay["flows"] and ("行动策略", "结果") in lay["flows"]
        placed = next(b for b in lay["boxes"] if b["id"] == cid)
        assert not placed["moved"]
        for a in lay["boxes"]:  # the layout itself never puts one box on another
            assert not any(_overlap(a, b) for b in lay["boxes"] if b is not a)
        p.relations.move_box(cid, "paradigm", 812.34, 455)
        moved = next(b for b in p.relations.model("paradigm")["boxes"] if b["id"] == cid)
        assert (moved["x"], moved["y"], moved["moved"]) == (812.3, 455.0, True)
        tree = next(b for b in p.relations.model("tree")["boxes"] if b["id"] == cid)
        assert not tree["moved"]  # each layout keeps its own positions
        assert p.history()["action"].iloc[0] == "model.move"
        p.undo()
        back = next(b for b in p.relations.model("paradigm")["boxes"] if b["id"] == cid)
        assert (back["x"], back["y"]) == (placed["x"], placed["y"])
        p.redo()
        p.relations.set_role(cid, "consequences")  # the English name is the same role
        p.relations.set_role(ids["现象" and "组织数字化能力"], "")
        assert "组织数字化能力" not in {b["name"] for b in p.relations.model("paradigm")["boxes"]}
        p.undo()
        assert "组织数字化能力" in {b["name"] for b in p.relations.model("paradigm")["boxes"]}
        with pytest.raises(ZhagenError) as bad:
            p.relations.set_role(cid, "原因")
        assert "原因" in str(bad.value) and "causal conditions" in str(bad.value)
        with pytest.raises(ZhagenError, match="layout"):
            p.relations.model("circle")
        with pytest.raises(ZhagenError, match="x"):
            p.relations.move_box(cid, "tree", 1.0, None)
        # a code deleted takes its box with it; undoing the deletion brings both back
        p.codes.delete(cid, force=True)
        assert cid not in {b["id"] for b in p.relations.model("paradigm")["boxes"]}
        p.undo()
        again = next(b for b in p.relations.model("paradigm")["boxes"] if b["id"] == cid)
        assert (again["x"], again["y"], again["role"]) == (812.3, 455.0, "结果")
        # merged into another code, its box goes (the target keeps its own)
        p.codes.merge(ids["市场需求牵引"], ids["政策与制度环境"])
        names = {b["name"] for b in p.relations.model("paradigm")["boxes"]}
        assert "市场需求牵引" not in names and "政策与制度环境" in names


def test_figures_fixed_size_glyphs_and_same_bytes(tmp_path: Path) -> None:
    from PIL import Image

    from zhagen.project import Project
    from zhagen.report.model_figure import DPI, PX_PER_INCH

    path, ids = _project(tmp_path)
    with Project.open(path) as p:
        p.relations.move_box(ids["数字化转型绩效"], "paradigm", 900, 420)
        out: dict[str, Path] = {}
        for layout in ("tree", "paradigm"):
            for suffix in ("png", "svg", "pdf"):
                out[f"{layout}.{suffix}"] = p.reports.model_figure(
                    tmp_path / f"a_{layout}.{suffix}", layout=layout
                )
                again = p.reports.model_figure(tmp_path / f"b_{layout}.{suffix}", layout=layout)
                assert again.read_bytes() == out[f"{layout}.{suffix}"].read_bytes(), (
                    layout,
                    suffix,
                )
        lay = p.relations.model("paradigm")
        with pytest.raises(Exception, match="pdf"):
            p.reports.model_figure(tmp_path / "m.gif")
    with Image.open(out["paradigm.png"]) as im:
        # the figure's size is the layout's, not a crop: 96 px of the web an inch, at 300 dpi
        want = (lay["width"] / PX_PER_INCH * DPI, lay["height"] / PX_PER_INCH * DPI)
        assert all(abs(got - w) <= 1 for got, w in zip(im.size, want, strict=True)), (im.size, want)
        assert lay["width"] >= 900 + 110  # the moved box is inside the figure
        assert len(im.convert("RGB").getcolors(maxcolors=1 << 20)) > 50
    svg = out["paradigm.svg"].read_text(encoding="utf-8")
    assert "<path" in svg and "<text" not in svg  # glyphs as paths: no font needed to view it
    pdf = out["tree.pdf"].read_bytes()
    assert b"/FontFile2" in pdf  # the TrueType font embedded (Type 42)
    assert b"CreationDate" not in pdf


def test_an_old_project_gains_the_table(tmp_path: Path) -> None:
    from zhagen.project import Project

    path = tmp_path / "old.zhagen"
    conn = file_before(path, "0012_model_layout")
    conn.execute("INSERT INTO codes (name, level, color, created, modified) "
                 "VALUES ('政策环境', 3, '#4e79a7', '2026-01-01', '2026-01-01')")  # fmt: skip
    conn.commit()
    conn.close()
    with Project.open(path) as p:
        p.relations.set_role("政策环境", "现象")
        assert [b["role"] for b in p.relations.model("paradigm")["boxes"]] == ["现象"]


def test_web_routes(tmp_path: Path) -> None:
    path, ids = _project(tmp_path)
    cid = ids["组织数字化能力"]
    with client(path) as cl:
        session(cl)
        body = cl.get("/api/model", params={"layout": "paradigm"}).json()
        assert ["现象", "phenomenon"] in body["roles"] and len(body["boxes"]) == len(MAINS)
        r = cl.put(f"/api/model/boxes/{cid}", json={"layout": "paradigm", "x": 300, "y": 200})
        assert r.status_code == 200, r.text
        box = next(
            b for b in cl.get("/api/model?layout=paradigm").json()["boxes"] if b["id"] == cid
        )
        assert (box["x"], box["y"]) == (300, 200)
        assert cl.put(f"/api/model/roles/{cid}", json={"role": "结果"}).status_code == 200
        assert cl.put(f"/api/model/roles/{cid}", json={"role": "无此角色"}).status_code == 400
        assert cl.put(f"/api/model/boxes/{cid}", json={"layout": "circle"}).status_code == 422
        r = cl.get("/api/model/figure", params={"layout": "paradigm", "format": "pdf"})
        assert r.status_code == 200 and r.content[:5] == b"%PDF-"
        r = cl.get("/api/model/figure", params={"layout": "tree", "format": "png"})
        assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
