"""Issue 18: the figures' renderer (``zhagen.report.agg_text``) reads the font from memory
and measures and outlines each text once per process, and draws exactly what matplotlib's
own Agg renderer draws."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.textpath import TextToPath

from zhagen.report import agg_text
from zhagen.report.fonts import cjk_rc, find_cjk_font

TEXTS = ["新质生产力", "创新联合体", "数字经济 digital economy", "AI", "#3 关键核心技术", "…", ""]


@pytest.mark.parametrize("dpi", [72, 100, 300])
def test_extents_are_matplotlibs(dpi: int) -> None:
    with matplotlib.rc_context(cjk_rc()):
        theirs = RendererAgg(10, 10, dpi)
        ours = agg_text.Renderer(10, 10, dpi)
        for text in TEXTS:
            for size in (6.5, 7.5, 11.0, 13.97):
                prop = FontProperties(size=size)
                want = theirs.get_text_width_height_descent(text, prop, False)
                assert ours.get_text_width_height_descent(text, prop, False) == want
                assert agg_text.text_extent(text, prop, dpi) == want  # now from the cache


def test_an_extent_is_measured_once_per_process() -> None:
    with matplotlib.rc_context(cjk_rc()):
        prop = FontProperties(size=9.25)
        first = agg_text.text_extent("只量一次的标签", prop, 300)
        kept = [k for k in agg_text._EXTENTS if k[0] == "只量一次的标签"]
        assert len(kept) == 1 and agg_text._EXTENTS[kept[0]] == first
        assert agg_text.text_extent("只量一次的标签", FontProperties(size=9.25), 300) is first
        # another size or resolution is another measurement
        assert agg_text.text_extent("只量一次的标签", prop, 100) != first
        bigger = agg_text.text_extent("只量一次的标签", FontProperties(size=12), 300)
        assert bigger[0] > first[0]


def test_the_font_is_chosen_by_the_settings_of_the_moment() -> None:
    """A key holds the font files, not the family name: ``sans-serif`` under another
    rcParams setting is another font, measured again."""
    prop = FontProperties(family="sans-serif", size=10)
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
        latin = agg_text.text_extent("Wide Words", prop, 100)
        assert latin == RendererAgg(10, 10, 100).get_text_width_height_descent(
            "Wide Words", prop, False
        )
    with matplotlib.rc_context({"font.sans-serif": [find_cjk_font().family]}):
        cjk = agg_text.text_extent("Wide Words", prop, 100)
        assert cjk == RendererAgg(10, 10, 100).get_text_width_height_descent(
            "Wide Words", prop, False
        )
    assert cjk != latin


def test_outlines_are_matplotlibs_and_kept_across_sizes() -> None:
    with matplotlib.rc_context(cjk_rc()):
        kept = agg_text.outlines()
        for text in TEXTS:
            small, big = FontProperties(size=7), FontProperties(size=13)
            verts, codes = kept.get_text_path(small, text)
            want_verts, want_codes = TextToPath().get_text_path(small, text)
            assert np.array_equal(verts, np.asarray(want_verts, dtype=float).reshape(-1, 2))
            assert list(codes) == list(want_codes)
            again = kept.get_text_path(big, text)  # one outline, scaled when drawn
            assert again[0] is verts and again[1] is codes
            assert not verts.flags.writeable


def test_the_font_is_read_from_a_memory_map() -> None:
    font = find_cjk_font()
    mapped = agg_text.mapped_font(os.path.realpath(font.path))
    assert mapped is not None and mapped is agg_text.mapped_font(os.path.realpath(font.path))
    assert os.fspath(mapped) == os.path.realpath(font.path) and mapped.name == mapped.path
    assert mapped[:16] == Path(font.path).read_bytes()[:16]
    with matplotlib.rc_context(cjk_rc()):
        ft = agg_text.agg_font(fontManager._find_fonts_by_props(FontProperties()))
    assert ft.family_name == font.family and ft.get_char_index(ord("新")) != 0


def test_a_font_that_cannot_be_mapped_is_read_as_a_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttf"
    empty.write_bytes(b"")
    assert agg_text.mapped_font(str(empty)) is None
    assert agg_text.mapped_font(str(tmp_path / "missing.ttf")) is None
    dejavu = fontManager._find_fonts_by_props(FontProperties(family="DejaVu Sans"))
    agg_text.mapped_font.cache_clear()
    try:
        # a path that cannot be mapped: matplotlib's own font, from the file
        paths = [str(tmp_path / "missing.ttf")]
        with pytest.raises(FileNotFoundError):
            agg_text.agg_font(paths)
        assert agg_text.agg_font(dejavu).family_name == "DejaVu Sans"
    finally:
        agg_text.mapped_font.cache_clear()
