"""Text on the figures' Agg canvas, measured and outlined once per process.

matplotlib measures a label with FreeType each time it lays it out, for every figure, at
each resolution and for every place tried when labels are kept from overlapping; a label
with a white halo (a path effect) is turned into glyph outlines each time it is drawn.
FreeType reads the font through matplotlib's Python file object, a ``seek`` and a
``read`` call for every piece of every glyph: with the 15 MB CJK collection that reading
is about half of the instructions of each measurement (callgrind). :class:`Renderer`, the renderer of
:func:`zhagen.report.drawing.new_figure`'s canvas, changes none of what is drawn:

- the font files are read from memory maps (:func:`mapped_font`; the same bytes, so the
  same glyphs; a read is a copy from memory rather than a system call, though still a
  call into Python: matplotlib gives FreeType no way to read memory directly; the pages
  are shared by the two drawing processes);
- a text's width, height and descent are kept per (text, font, size, dpi, hinting) for the
  whole process (:func:`text_extent`), so a label is measured once however many figures
  and placements use it;
- a text's outline (the halo's path) is kept per (text, font) (:func:`outlines`:
  matplotlib outlines at one fixed size and scales the path, so the size is not part of
  the key).

Each keeps matplotlib's own computation; the tests compare the pixels drawn with and
without it.

>>> import matplotlib
>>> from matplotlib.backends.backend_agg import RendererAgg
>>> from matplotlib.font_manager import FontProperties
>>> from zhagen.report.fonts import cjk_rc
>>> with matplotlib.rc_context(cjk_rc()):
...     prop = FontProperties(size=10)
...     ours = Renderer(100, 100, 300).get_text_width_height_descent("新质生产力", prop, False)
...     theirs = RendererAgg(100, 100, 300).get_text_width_height_descent("新质生产力", prop, False)
>>> ours == theirs
True
"""

from __future__ import annotations

import functools
import mmap
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties
    from matplotlib.ft2font import FT2Font

__all__ = ["Renderer", "outlines", "mapped_font", "agg_font", "text_extent"]

#: Distinct (text, font, size, dpi) extents and (text, font) outlines kept per process.
CACHE_SIZE = 8192


class MappedFont(mmap.mmap):
    """A font file mapped into memory, read by FreeType through ``read``/``seek`` like a
    file; ``os.fspath`` and ``name`` still give its path."""

    path: str

    def __fspath__(self) -> str:
        return self.path

    @property
    def name(self) -> str:
        return self.path


@functools.cache
def mapped_font(path: str) -> MappedFont | None:
    """The font file ``path`` mapped read-only into memory, once per process (a forked
    process keeps its parent's map); None when it cannot be mapped (then it is read as a
    file).

    >>> from zhagen.report.fonts import find_cjk_font
    >>> font = mapped_font(str(find_cjk_font().path))
    >>> font[:4] in (b"ttcf", b"OTTO", b"\\x00\\x01\\x00\\x00"), os.fspath(font).endswith("c")
    (True, True)
    """
    try:
        with open(path, "rb") as fh:
            mapped = MappedFont(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # no such file, an empty file, a system without mmap
        return None
    mapped.path = path
    return mapped


def agg_font(paths: Sequence[Any]) -> FT2Font:
    """matplotlib's ``FT2Font`` for the font files ``paths`` (what
    ``fontManager._find_fonts_by_props`` gives: the first font, then those it falls back
    to), each read from its memory map. The font objects are matplotlib's own, made and
    kept by its font cache (which forgets them in a forked process, since FreeType's
    objects cannot cross a fork); a matplotlib whose cache takes other arguments gets
    ``font_manager.get_font(paths)``, reading the files.

    >>> from matplotlib.font_manager import fontManager, FontProperties
    >>> from zhagen.report.fonts import find_cjk_font
    >>> font = agg_font(fontManager._find_fonts_by_props(FontProperties(find_cjk_font().family)))
    >>> font.family_name
    'Noto Sans CJK SC'
    """
    import matplotlib
    from matplotlib import font_manager

    files = []
    for p in paths:
        mapped = mapped_font(os.path.realpath(p))
        if mapped is None:
            return font_manager.get_font(paths)
        files.append((mapped, int(getattr(p, "face_index", 0))))
    try:
        font = font_manager._get_font(
            tuple(files),
            _kerning_factor=matplotlib.rcParams["text.kerning_factor"],
            thread_id=threading.get_ident(),
            enable_last_resort=matplotlib.rcParams["font.enable_last_resort"],
        )
    except (TypeError, KeyError, AttributeError):  # another matplotlib's font cache
        return font_manager.get_font(paths)
    font._set_transform([[0x10000, 0], [0, 0x10000]], [0, 0])  # as get_font leaves it
    return font


def _files(prop: FontProperties) -> tuple[Any, ...]:
    """The font files (path, face) matplotlib draws ``prop`` with, the first one first,
    and the settings that change what FreeType makes of them."""
    import matplotlib
    from matplotlib.font_manager import fontManager

    paths = fontManager._find_fonts_by_props(prop)
    return (tuple((str(p), getattr(p, "face_index", 0)) for p in paths),
            matplotlib.rcParams["text.kerning_factor"],
            matplotlib.rcParams["font.enable_last_resort"])  # fmt: skip


class _Kept(dict):  # type: ignore[type-arg]
    """A dict that forgets its oldest entry beyond :data:`CACHE_SIZE`."""

    def keep(self, key: Any, value: Any) -> Any:
        if len(self) >= CACHE_SIZE:
            del self[next(iter(self))]
        self[key] = value
        return value


_EXTENTS = _Kept()


def text_extent(text: str, prop: FontProperties, dpi: float) -> tuple[float, float, float]:
    """Width, height and descent in pixels of ``text`` (no mathtext) at ``dpi``, as
    matplotlib's Agg renderer measures it, kept for the whole process.

    >>> from matplotlib.font_manager import FontProperties
    >>> a = text_extent("AI", FontProperties(size=10), 100)
    >>> a == text_extent("AI", FontProperties(size=10), 100), a[0] < a[1] * 2
    (True, True)
    """
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import fontManager

    size = prop.get_size_in_points()
    flags = get_hinting_flag()
    key = (text, _files(prop), size, float(dpi), flags)
    found = _EXTENTS.get(key)
    if found is not None:
        return found
    font = agg_font(fontManager._find_fonts_by_props(prop))
    font.clear()
    font.set_size(size, dpi)
    font.set_text(text, 0.0, flags=flags)
    w, h = font.get_width_height()  # in 1/64 pixel
    return _EXTENTS.keep(key, (w / 64.0, h / 64.0, font.get_descent() / 64.0))


@functools.cache
def outlines() -> Any:
    """The process's one outline cache, a ``matplotlib.textpath.TextToPath`` keeping each
    text's outline (made on first use)."""
    return _outline_class()()


@functools.cache
def _outline_class() -> type:
    from matplotlib.textpath import TextToPath

    class OutlineCache(TextToPath):
        """matplotlib's ``TextToPath`` with the fonts read from memory and each text's
        outline kept (as read-only arrays). matplotlib outlines a text at one size and
        scales the path, so the key is the text and the font files, not the size."""

        def __init__(self) -> None:
            super().__init__()
            self._kept = _Kept()

        def _get_font(self, prop: FontProperties) -> FT2Font:
            from matplotlib.font_manager import fontManager

            font = agg_font(fontManager._find_fonts_by_props(prop))
            font.set_size(self.FONT_SCALE, self.DPI)
            return font

        def get_text_path(self, prop: FontProperties, s: str, ismath: Any = False,
                          **kwargs: Any) -> tuple[Any, Any]:  # fmt: skip
            if ismath:  # mathtext and TeX as matplotlib draws them, not kept
                return super().get_text_path(prop, s, ismath=ismath, **kwargs)
            key = (s, _files(prop), tuple(sorted(kwargs.items(), key=repr)))
            found = self._kept.get(key)
            if found is None:
                found = self._kept.keep(key, _frozen(*super().get_text_path(prop, s, **kwargs)))
            return found

    return OutlineCache


def _frozen(verts: Any, codes: Any) -> tuple[Any, Any]:
    import numpy as np

    v = np.array(verts, dtype=float).reshape(-1, 2)
    c = np.array(codes, dtype=np.uint8)
    v.flags.writeable = False
    c.flags.writeable = False
    return v, c


@functools.cache
def renderer_class() -> type:
    """:class:`Renderer`, made on first use (matplotlib is imported inside)."""
    from matplotlib.backends.backend_agg import RendererAgg

    class Renderer(RendererAgg):
        """matplotlib's Agg renderer with the fonts read from memory and every text
        measured and outlined once per process."""

        def __init__(self, width: float, height: float, dpi: float) -> None:
            super().__init__(width, height, dpi)
            self._text2path = outlines()

        def _prepare_font(self, font_prop: FontProperties) -> FT2Font:
            from matplotlib.font_manager import fontManager

            font = agg_font(fontManager._find_fonts_by_props(font_prop))
            font.clear()
            font.set_size(font_prop.get_size_in_points(), self.dpi)
            return font

        def get_text_width_height_descent(
            self, s: str, prop: FontProperties, ismath: Any
        ) -> tuple[float, float, float]:
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            return text_extent(s, prop, self.dpi)

    return Renderer


def Renderer(width: float, height: float, dpi: float) -> Any:  # noqa: N802 - the class is made late
    """A new Agg renderer of ``width`` × ``height`` pixels at ``dpi`` (see the module)."""
    return renderer_class()(width, height, dpi)
