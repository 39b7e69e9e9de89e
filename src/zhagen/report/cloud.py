"""The word cloud of a word frequency query (PNG or SVG), with Chinese glyphs.

Drawn by the ``wordcloud`` package (MIT), which lays words out with Pillow. Pillow opens a
font collection (``.ttc``) at its first face, which in Noto Sans CJK is the Japanese one,
so the Simplified-Chinese face that :func:`zhagen.report.fonts.find_cjk_font` picks is
copied once into a font file of its own (``$XDG_CACHE_HOME/zhagen/fonts``, about 16 MB,
0.5 s) and the cloud is drawn with it: Chinese glyphs, in their mainland forms. The SVG
embeds the glyphs it uses (a subset of the font), so it shows the same without the font.

>>> import tempfile
>>> from pathlib import Path
>>> out = word_cloud({"新质生产力": 9, "创新": 5, "政策": 3}, Path(tempfile.mkdtemp()) / "c.png")
>>> out.suffix, out.stat().st_size > 1000
('.png', True)
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from zhagen.errors import ParameterError

__all__ = ["word_cloud", "single_face_font"]

_LOCK = threading.Lock()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zhagen" / "fonts"


def single_face_font() -> Path:
    """A font file holding only the CJK face that figures use (made once, then reused).

    >>> single_face_font().suffix in {".otf", ".ttf"}
    True
    """
    from zhagen.report.fonts import find_cjk_font

    font = find_cjk_font()
    if font.path.suffix.lower() not in {".ttc", ".otc"}:
        return font.path
    stat = font.path.stat()
    name = f"{font.path.stem}-{font.face_index}-{stat.st_size}.otf"
    with _LOCK:
        for folder in (_cache_dir(), Path(tempfile.gettempdir()) / "zhagen-fonts"):
            target = folder / name
            if target.exists():
                return target
            try:
                folder.mkdir(parents=True, exist_ok=True)
                from fontTools.ttLib import TTCollection

                collection = TTCollection(str(font.path), lazy=True)
                part = target.with_suffix(f".{os.getpid()}.part")
                collection.fonts[font.face_index].save(str(part))
                os.replace(part, target)  # whole or absent, even with two processes at once
                return target
            except OSError:
                continue  # a read-only cache: try the temporary folder
    return font.path  # nowhere to write: the collection's first face still has Han glyphs


def word_cloud(
    frequencies: Mapping[str, int],
    path: str | os.PathLike[str],
    *,
    width: int = 1200,
    height: int = 700,
    seed: int = 0,
) -> Path:
    """Draw ``frequencies`` (word → count) as a word cloud; ``.png`` or ``.svg`` by suffix.

    The same words and seed give the same layout.
    """
    from wordcloud import WordCloud

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".png", ".svg"}:
        raise ParameterError(
            f"词云只能保存为 .png 或 .svg，而不是「{path.name}」",
            f"a word cloud is saved as .png or .svg, not '{path.name}'",
        )
    words = {w: int(n) for w, n in frequencies.items() if n > 0 and w.strip()}
    if not words:
        raise ParameterError(
            "没有可画的词：所选文档中没有符合条件的词；请放宽最短词长或换一组文档",
            "there are no words to draw: the documents chosen hold no word that passes the "
            "rules; lower the minimum length or choose other documents",
        )
    cloud = WordCloud(
        font_path=str(single_face_font()), width=width, height=height, background_color="white",
        random_state=seed, colormap="viridis", prefer_horizontal=0.95, max_words=len(words),
        relative_scaling=0.5, margin=4, collocations=False,
    ).generate_from_frequencies(words)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        cloud.to_image().save(path, optimize=False, compress_level=3)
    else:
        path.write_text(cloud.to_svg(embed_font=True), encoding="utf-8")
    return path
