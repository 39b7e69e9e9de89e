"""Issue 18: the figures' PNG encoder writes the pixels matplotlib drew, and ``tables.xlsx``
(written row by row, never held as cells) reads back with the map's values and styles."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zhagen.report.png import encode_png


@pytest.fixture(scope="module")
def cnki_map(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    from zhagen.project import Project

    path = tmp_path_factory.mktemp("fig") / "cnki.zhagen"
    with Project.create(path) as p:
        p.add(corpora / "cnki" / "refworks_2024_298.txt")
        return p.maps.build()


def test_png_has_the_pixels_pillow_writes(cnki_map, tmp_path: Path) -> None:
    """The cluster view saved by zhagen's encoder decodes to exactly the pixels of the
    same figure saved by matplotlib through Pillow, at the same size and dpi."""
    import matplotlib

    from zhagen.report.drawing import save_figure, tight_bbox
    from zhagen.report.fonts import cjk_rc
    from zhagen.report.map_figures import draw_cluster_map

    with matplotlib.rc_context(cjk_rc()):
        fig = draw_cluster_map(cnki_map)
        bbox = tight_bbox(fig)
        ours = save_figure(fig, tmp_path / "ours.png", bbox=bbox)
        # pil_kwargs sends the figure down matplotlib's own Pillow path
        fig.savefig(tmp_path / "pillow.png", dpi=300, facecolor="white", bbox_inches=bbox,
                    pil_kwargs={"compress_level": 6})  # fmt: skip
    a, b = Image.open(ours), Image.open(tmp_path / "pillow.png")
    assert a.size == b.size and a.size[0] > 2000
    assert a.info["dpi"] == pytest.approx(b.info["dpi"], abs=0.01)
    assert a.info["Creator"] == "zhagen"
    assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA")))


def _small_pixels(fig) -> np.ndarray:
    fig.set_dpi(60)  # the placement was made at the figure's 100 dpi; drawn smaller: faster
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_a_figure_has_the_pixels_matplotlibs_renderer_draws(
    cnki_map, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole cluster view — labels placed by their measured boxes, haloed labels drawn
    as outlines — laid out and drawn by zhagen's renderer and by matplotlib's own."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    from zhagen.report import drawing
    from zhagen.report.fonts import cjk_rc
    from zhagen.report.map_figures import draw_cluster_map

    with matplotlib.rc_context(cjk_rc()):
        ours = draw_cluster_map(cnki_map)
        assert type(ours.canvas.get_renderer()).__name__ == "Renderer"
        a = _small_pixels(ours)
        monkeypatch.setattr(drawing, "_canvas_class", lambda: FigureCanvasAgg)
        theirs = draw_cluster_map(cnki_map)
        assert type(theirs.canvas.get_renderer()) is RendererAgg
        b = _small_pixels(theirs)
    assert a.shape == b.shape and (a[..., :3] < 128).any()
    assert np.array_equal(a, b)


def test_png_keeps_transparency_when_there_is_some() -> None:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    back = Image.open(io.BytesIO(encode_png(img, dpi=72, text={"Software": "t", "Title": "图谱"})))
    assert back.mode == "RGBA" and back.info["Software"] == "t" and back.info["Title"] == "图谱"
    assert np.array_equal(np.asarray(back), img)
    img[..., 3] = 255
    back = Image.open(io.BytesIO(encode_png(img)))
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), img[..., :3])


def test_png_without_isal_is_deflated_by_zlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same pixels whichever deflate wrote them: ISA-L (installed) or zlib (without it)."""
    import sys
    import zlib

    from zhagen.report.png import deflate

    rng = np.random.default_rng(2)
    img = np.full((40, 30, 4), 255, np.uint8)
    img[5:20, 3:25, :3] = rng.integers(0, 256, size=(15, 22, 3), dtype=np.uint8)
    fast = encode_png(img)
    data = bytes(range(256)) * 64
    assert zlib.decompress(deflate(data)) == data
    monkeypatch.setitem(sys.modules, "isal", None)  # import isal now raises ImportError
    plain = encode_png(img)
    assert deflate(data) == zlib.compress(data, 3) and deflate(data, 9) == zlib.compress(data, 9)
    for png in (fast, plain):
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), img[..., :3])


def test_streamed_workbook_reads_back_with_the_maps_values(cnki_map, tmp_path: Path) -> None:
    """Every sheet of the write-only workbook holds the map's rows (nodes, links, the
    表1 rows), a bold ruled frozen header, number formats on the formatted float columns,
    and text that looks like a formula stays text."""
    from openpyxl import load_workbook

    from zhagen.formats.network import edge_chunks, plain_nodes
    from zhagen.report import xlsx

    km = cnki_map
    first = int(km.nodes["id"].iloc[0])
    km.nodes.loc[km.nodes["id"] == first, "label"] = "=SUM(A1)"
    path = xlsx.write_tables_xlsx(km, tmp_path / "tables.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == xlsx.SHEETS
    nodes = plain_nodes(km)
    cols = list(km.nodes.columns)
    ws = wb["节点"]
    assert [c.value for c in ws[1]] == cols
    assert all(c.font.b and c.border.bottom.style == "thin" for c in ws[1])
    assert ws.freeze_panes == "A2"
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    want = [[xlsx._cell_value(n.get(c)) for c in cols] for n in nodes]
    assert len(got) == len(want) == len(nodes)
    for g, w in zip(got, want, strict=True):
        assert g == [pytest.approx(v, rel=1e-15) if isinstance(v, float) else v for v in w]
    label_col = cols.index("label") + 1
    cell = next(r[label_col - 1] for r in ws.iter_rows(min_row=2) if r[0].value == first)
    assert cell.value == "=SUM(A1)" and cell.data_type == "s"
    for row in ws.iter_rows(min_row=2):
        c = row[cols.index("betweenness")]
        if isinstance(c.value, float):
            assert c.number_format == "0.0000"
    links = [e for chunk in edge_chunks(km) for e in chunk]
    edges = list(wb["连线"].iter_rows(min_row=2, values_only=True))
    assert [e[:2] for e in edges] == [(s, t) for s, t, _, _ in links]
    assert [e[4:] for e in edges] == [(c, pytest.approx(w, rel=1e-15)) for _, _, c, w in links]
    for name, rows in xlsx.table1_rows(km, 20).items():
        sheet = [list(r) for r in wb[name].iter_rows(min_row=2, values_only=True)]
        assert sheet == [[pytest.approx(v) if isinstance(v, float) else v for v in r] for r in rows]
    widths = [wb["关键词频次"].column_dimensions[k].width for k in "ABCDE"]
    assert all(6 <= w <= 60 for w in widths)
