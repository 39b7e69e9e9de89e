"""A CJK font for matplotlib figures, found once and registered once.

matplotlib's default font (DejaVu Sans) has no Han glyphs and draws every Chinese character
as a box. zhagen depends on ``noto-cjk-sans-otc`` (Noto Sans CJK, SIL OFL 1.1), which ships
``NotoSansCJK-Regular.ttc``; this module registers that file with matplotlib and picks its
Simplified-Chinese face ("Noto Sans CJK SC"), so that characters with regional glyph forms
are drawn the mainland way. When that package is missing it falls back to any installed
Noto CJK, Source Han or WenQuanYi font, and ``ZHAGEN_CJK_FONT=/path/to/font.ttf`` overrides
both.

>>> from zhagen.report.fonts import cjk_font, missing_glyphs
>>> missing_glyphs("新质生产力")
[]
>>> cjk_font().get_family()[0].startswith(("Noto", "Source", "WenQuanYi"))
True
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.errors import ZhagenError

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

__all__ = ["CJKFont", "SAMPLE", "find_cjk_font", "cjk_font", "cjk_rc", "missing_glyphs"]

#: Characters every candidate font must contain (the map's most quoted term).
SAMPLE = "新质生产力创新联合体专精特新数字经济"

#: File names of CJK fonts commonly installed on Linux, macOS and Windows.
_FILE_PATTERN = re.compile(
    r"(notosanscjk|notoserifcjk|notosanssc|notoserifsc|sourcehan|wqy|wenquanyi|"
    r"pingfang|msyh|simsun|simhei|droidsansfallback)",
    re.IGNORECASE,
)
#: Preferred face names inside a collection, Simplified Chinese first.
_FACE_PREFERENCE = ("SC", "CN", "GB", "Hei", "")


@dataclass(frozen=True)
class CJKFont:
    """A registered CJK font: file, matplotlib family name and face index in a collection."""

    path: Path
    family: str
    face_index: int = 0


def _ft2font(path: Path, face_index: int) -> Any:
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(str(path), face_index=face_index)
    except TypeError:  # matplotlib < 3.10 reads only the first face of a collection
        return FT2Font(str(path))


def _covers(path: Path, face_index: int, text: str = SAMPLE) -> bool:
    try:
        font = _ft2font(path, face_index)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text if not ch.isspace())


def _candidate_files() -> list[Path]:
    """Font files to try, best first: the environment override, the bundled package, then
    CJK fonts installed on the system."""
    files: list[Path] = []
    env = os.environ.get("ZHAGEN_CJK_FONT")
    if env:
        files.append(Path(env))
    try:
        import noto_cjk_sans_otc

        files.append(Path(str(noto_cjk_sans_otc.FONT_PATH)))
    except ImportError:
        pass
    from matplotlib import font_manager

    system = [Path(p) for p in font_manager.findSystemFonts()]
    files.extend(sorted(p for p in system if _FILE_PATTERN.search(p.name)))
    return files


def _register(path: Path) -> CJKFont | None:
    """Add ``path`` to matplotlib's font manager; return its best face that covers SAMPLE."""
    from matplotlib import font_manager

    if not path.is_file():
        return None
    try:
        font_manager.fontManager.addfont(str(path))
    except (OSError, RuntimeError, ValueError):
        return None
    entries = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == path]
    for marker in _FACE_PREFERENCE:
        for entry in entries:
            index = int(getattr(entry, "index", 0))
            mono_ok = marker == "" or "Mono" not in entry.name
            if marker in entry.name and mono_ok and _covers(path, index):
                return CJKFont(path, entry.name, index)
    return None


@functools.cache
def find_cjk_font() -> CJKFont:
    """Find and register a font with Chinese glyphs (once per process).

    Returns
    -------
    CJKFont
        The font file, its matplotlib family name and face index.

    Raises
    ------
    ZhagenError
        When no installed font has glyphs for common Chinese characters.
    """
    for path in _candidate_files():
        found = _register(path)
        if found is not None:
            return found
    raise ZhagenError(
        "找不到中文字体，图中的汉字会显示为方框。请安装 noto-cjk-sans-otc"
        "（pip install noto-cjk-sans-otc），或设置环境变量 ZHAGEN_CJK_FONT 指向一个中文字体文件"
        "（.ttf/.otf/.ttc）",
        "no Chinese font found, so figures would draw boxes instead of characters; install "
        "noto-cjk-sans-otc (pip install noto-cjk-sans-otc) or set ZHAGEN_CJK_FONT to the path "
        "of a Chinese .ttf/.otf/.ttc font",
    )


def cjk_font(size: float | None = None, weight: str = "normal") -> FontProperties:
    """matplotlib ``FontProperties`` for the CJK font (registered on first use).

    Parameters
    ----------
    size
        Font size in points; matplotlib's default when ``None``.
    weight
        ``"normal"`` or ``"bold"`` (a regular-only font is emboldened by matplotlib).

    Examples
    --------
    >>> cjk_font(12).get_size()
    12.0
    """
    from matplotlib.font_manager import FontProperties

    font = find_cjk_font()
    return FontProperties(family=[font.family, "DejaVu Sans"], size=size, weight=weight)


def cjk_rc() -> dict[str, Any]:
    """rcParams for ``matplotlib.rc_context`` that make every text element use the CJK font.

    SVG text is written as paths (``svg.fonttype='path'``) so that a browser without the
    font still shows the glyphs, with fixed element ids so that the file is reproducible;
    PDF embeds TrueType (Type 42) fonts.

    Examples
    --------
    >>> cjk_rc()["svg.fonttype"]
    'path'
    """
    font = find_cjk_font()
    return {
        "font.family": [font.family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "zhagen",  # fixed element ids: the same map gives the same SVG bytes
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
    }


def missing_glyphs(text: str, font: CJKFont | None = None) -> list[str]:
    """Characters of ``text`` that the font has no glyph for (glyph index 0, the box).

    Examples
    --------
    >>> missing_glyphs("新质生产力 AI")
    []
    """
    font = font or find_cjk_font()
    ft = _ft2font(font.path, font.face_index)
    return [
        ch for ch in dict.fromkeys(text) if not ch.isspace() and ft.get_char_index(ord(ch)) == 0
    ]
