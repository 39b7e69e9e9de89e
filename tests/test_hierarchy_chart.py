"""The hierarchy chart: a nested squarified treemap whose areas are the codings of each
code with its descendants', written as PNG and SVG by the library and served to the web."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from web_support import client, make_project, session


def _tree() -> list[dict]:
    """A core category over three main categories; one code without codings."""
    rows = [(1, "核心", None, 0), (2, "政策环境", 1, 2), (3, "组织能力", 1, 0),
            (4, "财政补贴", 2, 9), (5, "税收优惠", 2, 3), (6, "数字人才", 3, 5),
            (7, "研发投入", 3, 1), (8, "空概念", 3, 0), (9, "市场需求", 1, 4)]  # fmt: skip
    codes = {i: {"id": i, "name": n, "parent": p, "count": c, "color": "#4e79a7"}
             for i, n, p, c in rows}  # fmt: skip
    for c in codes.values():  # total: own codings and every descendant's
        c["total"] = c["count"]
    for c in sorted(codes.values(), key=lambda c: -c["id"]):
        if c["parent"] is not None:
            codes[c["parent"]]["total"] += c["total"]
    return list(codes.values())


def _inside(a, b, eps=1e-9) -> bool:
    return (a.x >= b.x - eps and a.y >= b.y - eps and a.x + a.w <= b.x + b.w + eps
            and a.y + a.h <= b.y + b.h + eps)  # fmt: skip


def _overlap(a, b) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(w, 0) * max(h, 0)


def test_treemap_areas_nesting_and_no_overlap() -> None:
    from zhagen.report.hierarchy_chart import squarify, treemap_layout

    rects = squarify([6, 6, 4, 3, 2, 2, 1], 0, 0, 6, 4)  # the paper's example
    assert sum(w * h for _x, _y, w, h in rects) == pytest.approx(24)
    assert [w * h for _x, _y, w, h in rects] == pytest.approx([6, 6, 4, 3, 2, 2, 1])
    assert max(max(w / h, h / w) for _x, _y, w, h in rects) < 3  # squarified, not slices

    codes = _tree()
    boxes = {b.id: b for b in treemap_layout(codes, 12, 8)}
    assert 8 not in boxes and set(boxes) == {1, 2, 3, 4, 5, 6, 7, 9}  # no codings, no room
    by_parent: dict = {}
    for c in codes:
        if c["id"] in boxes and c["parent"] in boxes:
            assert _inside(boxes[c["id"]], boxes[c["parent"]])
            by_parent.setdefault(c["parent"], []).append(boxes[c["id"]])
    for siblings in by_parent.values():
        for a, b in itertools.combinations(siblings, 2):
            assert _overlap(a, b) == pytest.approx(0, abs=1e-9)
        # siblings' areas in proportion to their totals
        ratio = [b.w * b.h / b.value for b in siblings]
        assert max(ratio) == pytest.approx(min(ratio))
    assert boxes[1].w * boxes[1].h == pytest.approx(12 * 8)


def test_chart_files_and_route(tmp_path: Path) -> None:
    from PIL import Image

    from zhagen.project import Project

    path = make_project(tmp_path)
    with Project.open(path) as p:
        cat = p.codes.add("政府引导", level=2)
        concept = p.codes.add("政策支持", parent=cat, level=1)
        p.codings.add_sentences(1, [0, 1], concept, coder="甲")
        png = p.reports.hierarchy_chart(tmp_path / "h.png")
        svg = p.reports.hierarchy_chart(tmp_path / "h.svg", lang="en")
        with pytest.raises(Exception, match="png"):
            p.reports.hierarchy_chart(tmp_path / "h.pdf")
    with Image.open(png) as im:
        assert im.size[0] > 1000 and im.size[1] > 600
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) > 20  # boxes and glyphs drawn, not a blank page
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<path" in text and "<text" not in text
    with client(path) as cl:
        session(cl)
        r = cl.get("/api/hierarchy", params={"format": "svg"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        r = cl.get("/api/hierarchy", params={"format": "png"})
        assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert cl.get("/api/hierarchy", params={"format": "gif"}).status_code == 422
