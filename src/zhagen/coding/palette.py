"""Colours for codes: a palette that stays distinguishable for dozens of codes.

The first ten are Tableau 10 (readable on white and in print, and the colours of codes made
before this palette); each next colour is the candidate farthest (CIELAB ΔE*ab) from all
colours chosen before it, among readable colours spread evenly over OKLCH lightness,
chroma and hue and inside the sRGB gamut. The choice is greedy, so ``palette(n)`` begins
with ``palette(k)`` for every ``k < n``: a code keeps its colour when more are made.

>>> palette(12)[:2], len(set(palette(40)))
(('#4e79a7', '#f28e2b'), 40)
>>> code_color(0) == palette(1)[0]
True
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["SEEDS", "palette", "code_color", "hex_to_lab", "delta_e"]

#: Tableau 10: the first colours, in this order.
SEEDS: tuple[str, ...] = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                          "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")  # fmt: skip
#: Readable on white as a swatch and as a stripe: not too light, not too dark.
_LIGHTNESS = (0.50, 0.60, 0.70, 0.80)
_CHROMA = (0.07, 0.11, 0.15)
_HUE_STEP = 8  # degrees


def _linear_to_srgb(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _oklch_hex(lightness: float, chroma: float, hue: float) -> str | None:
    """An OKLCH colour as ``#rrggbb``, or None outside the sRGB gamut (Björn Ottosson's
    published OKLab matrices)."""
    a, b = chroma * math.cos(math.radians(hue)), chroma * math.sin(math.radians(hue))
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    rgb = (4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
           -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
           -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_)  # fmt: skip
    if any(c < -1e-4 or c > 1 + 1e-4 for c in rgb):
        return None
    return "#" + "".join(f"{round(255 * _linear_to_srgb(min(max(c, 0.0), 1.0))):02x}" for c in rgb)


def hex_to_lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB ``#rrggbb`` colour.

    >>> [round(v) for v in hex_to_lab("#ffffff")]
    [100, 0, 0]
    """
    r, g, b = (_srgb_to_linear(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(c1: str, c2: str) -> float:
    """CIE76 colour difference ΔE*ab of two ``#rrggbb`` colours.

    >>> round(delta_e("#000000", "#ffffff"))
    100
    """
    return math.dist(hex_to_lab(c1), hex_to_lab(c2))


@lru_cache(maxsize=1)
def _candidates() -> tuple[tuple[str, tuple[float, float, float]], ...]:
    found = []
    for lightness in _LIGHTNESS:
        for chroma in _CHROMA:
            for hue in range(0, 360, _HUE_STEP):
                color = _oklch_hex(lightness, chroma, hue)
                if color is not None and color not in SEEDS:
                    found.append((color, hex_to_lab(color)))
    return tuple(found)


@lru_cache(maxsize=8)
def palette(n: int = 48) -> tuple[str, ...]:
    """``n`` colours, each as far as can be from those before it (see the module)."""
    chosen = list(SEEDS[:n])
    cands = list(_candidates())
    labs = [hex_to_lab(c) for c in chosen]
    far = [min(math.dist(lab, s) for s in labs) for _c, lab in cands]
    while len(chosen) < n and cands:
        i = max(range(len(cands)), key=far.__getitem__)  # the first of equals: stable
        color, lab = cands.pop(i)
        far.pop(i)
        chosen.append(color)
        far = [min(d, math.dist(lab, other)) for d, (_c, other) in zip(far, cands, strict=True)]
    return tuple(chosen)


def code_color(index: int) -> str:
    """The colour of the ``index``-th code (0-based); after 64 the colours come round."""
    return palette(64)[index % 64]
