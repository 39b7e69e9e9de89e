"""Code colours: 30+ codes stay distinguishable, and a picked colour is kept on the code
and undoable."""

from __future__ import annotations

import itertools
from pathlib import Path

from web_support import make_project


def _lab(color: str) -> tuple[float, float, float]:
    """CIELAB (D65, 2°) of ``#rrggbb``, written here from the CIE definitions so the test
    does not measure the palette with the palette module's own arithmetic."""
    lin = []
    for i in (1, 3, 5):
        c = int(color[i : i + 2], 16) / 255
        lin.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = lin
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505,
           0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.0890)  # fmt: skip
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _min_delta_e(colors: list[str]) -> float:
    return min(
        sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5
        for a, b in itertools.combinations(colors, 2)
    )


TABLEAU_10 = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
              "#ff9da7", "#9c755f", "#bab0ac"]  # fmt: skip


def test_thirty_codes_get_pairwise_distinct_colours(tmp_path: Path) -> None:
    """The threshold: 80 % of the smallest ΔE*ab within Tableau 10, a palette made to be
    told apart (and five times the just-noticeable difference of ~2.3)."""
    from zhagen.project import Project

    threshold = 0.8 * _min_delta_e(TABLEAU_10)
    assert threshold > 5 * 2.3
    with Project.open(make_project(tmp_path)) as p:
        ids = [p.codes.add(f"概念{i}") for i in range(40)]
        colors = p.codes().set_index("id").loc[ids, "color"].tolist()
        assert colors[:10] == TABLEAU_10  # the colours of codes made before stay
        assert _min_delta_e(colors[:30]) >= threshold, _min_delta_e(colors[:30])
        assert len(set(colors)) == 40
        assert _min_delta_e(TABLEAU_10 * 3) < threshold  # the old cycle of ten would fail
        # a picked colour is stored on the code and undoable
        p.codes.color(ids[3], "#123456")
        assert p.codes.get(ids[3])["color"] == "#123456"
        p.undo()
        assert p.codes.get(ids[3])["color"] == colors[3]
