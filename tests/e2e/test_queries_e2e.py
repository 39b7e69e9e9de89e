"""The queries page in a real browser: word cloud, search and "code all hits", matrix drill-down."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TEXTS = {
    "a.txt": "企业是创新主体。政府提供政策支持，推动新质生产力发展。",
    "b.txt": "创新联合体由龙头企业牵头。政策支持帮助中小企业发展新质生产力。",
}


def _project(folder: Path) -> Path:
    from zhagen.project import Project

    paths = []
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    path = folder / "q.zhagen"
    with Project.create(path) as p:
        p.add(paths)
        p.queries.code_hits(p.codes.add("企业"), query="企业", coder="甲")
    return path


def _image_drawn(page, selector: str) -> bool:
    page.wait_for_function(
        f"() => {{ const i = document.querySelector('{selector}'); return i && i.complete; }}"
    )
    return page.eval_on_selector(selector, "i => i.naturalWidth > 0")


def test_queries_page(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_project(tmp_path))
    page.goto(server.url + "/queries")
    page.wait_for_selector("#q-form [name=top]")
    page.click("#q-form button[type=submit]")
    page.wait_for_selector("table.q-words tbody tr")
    words = page.eval_on_selector_all(
        "table.q-words tbody tr td:first-child", "t => t.map(n => n.textContent)"
    )
    assert "新质生产力" in words and "企业" in words
    assert _image_drawn(page, "img.q-cloud")
    page.screenshot(path=str(shots / "queries_words.png"), full_page=True)

    page.click("#q-tabs >> text=文本搜索")
    page.wait_for_selector("#q-form [name=query]")
    page.fill("#q-form [name=query]", "政策支持")
    page.select_option("#q-form [name=spread]", "sentence")
    page.click("#q-form button[type=submit]")
    page.wait_for_selector("table.q-hits tbody tr")
    assert page.locator("table.q-hits tbody tr").count() == 2
    page.fill("#q-code-name", "政策")
    page.click("#q-actions >> text=全部编码为")
    page.wait_for_selector(".toast >> text=已编码 2 处")

    page.click("#q-tabs >> text=矩阵编码")
    page.wait_for_selector("#q-form [name=columns]")
    page.fill("#q-form [name=columns]", "codes")
    page.click("#q-form button[type=submit]")
    page.wait_for_selector("table.q-matrix td.q-cell")
    rows = page.eval_on_selector_all("table.q-matrix tbody th", "t => t.map(n => n.textContent)")
    assert rows == ["企业", "政策"]
    page.click(
        "table.q-matrix tbody tr:nth-child(2) td.q-cell >> nth=0"
    )  # 政策 × 企业: 政策's codings in documents coded 企业
    page.wait_for_selector("#q-drill table tbody tr")
    drilled = page.inner_text("#q-drill")
    assert "政府提供政策支持，推动新质生产力发展。" in drilled
    assert _image_drawn(page, "img.q-heat")
    page.screenshot(path=str(shots / "queries_matrix.png"), full_page=True)
