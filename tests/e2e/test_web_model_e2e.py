"""End to end, the model page and the workbench frame (issue 14): relations laid out in
their panel and edited in place; first-use coder name; code colours; an illegal drag without
a console error; memos; the hierarchy chart; no raw identifier on any page in either
language. Screenshots go to ``conftest.shots``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from web_support import make_project

pytestmark = pytest.mark.e2e

MAINS = ("政策与制度环境", "组织数字化能力", "产学研协同网络", "数字化转型绩效", "市场需求牵引",
         "技术创新投入", "数据要素治理", "平台生态支撑")  # fmt: skip
LONG = "政府通过专项资金和税收优惠降低企业数字化转型的初始成本，从而推动企业引入数字技术"


def _model_project(folder: Path) -> Path:
    """A core category, eight main categories (a wide diagram) and seven relations."""
    from zhagen.project import Project

    path = make_project(folder)
    with Project.open(path) as p:
        core = p.codes.add("企业数字化转型的协同机制", level=4)
        mains = [p.codes.add(n, parent=core, level=3) for n in MAINS]
        for i, (a, b) in enumerate(zip(mains, mains[1:], strict=False)):
            p.relations.add(a, b, ("因果条件", "情境", "中介条件", "行动策略", "结果")[i % 5],
                            description=LONG)  # fmt: skip
    return path


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_model_relations_fit_and_edit(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_model_project(tmp_path))
    errors = _console_errors(page)
    page.goto(server.url + "/model")
    page.wait_for_selector("#rel-list li[data-id] .rel-desc")
    panel = page.locator("#rel-list").bounding_box()
    # one line of ends and buttons plus a wrapped description: no column of single characters
    assert panel["height"] < 7 * 120, panel
    assert panel["width"] > 300, panel
    for box in page.locator("#rel-list button").evaluate_all(
        "ns => ns.map(n => n.getBoundingClientRect().right)"
    ):
        assert box <= panel["x"] + panel["width"] + 1
    page.screenshot(path=str(shots / "model_relations.png"))
    first = page.locator("#rel-list li[data-id]").first
    rid = first.get_attribute("data-id")
    first.locator("button", has_text="编辑").click()
    form = page.locator("#rel-list li.editing form")
    form.locator("[name=type]").fill("反馈")
    target = form.locator("[name=target] option", has_text=MAINS[4]).get_attribute("value")
    form.locator("[name=target]").select_option(target)
    form.locator("[name=description]").fill("新的关系内涵")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#rel-list li[data-id='{rid}'] .type:text('反馈')")
    item = page.inner_text(f"#rel-list li[data-id='{rid}']")
    assert MAINS[4] in item and "新的关系内涵" in item
    rels = json.loads(page.request.get(server.url + "/api/relations").text())
    edited = next(r for r in rels if str(r["id"]) == rid)
    assert (edited["type"], edited["target_name"]) == ("反馈", MAINS[4])
    assert errors == []


#: A raw identifier as the library names a column or value (``holsti_r``, ``reason_zh``).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: Everything a reader sees: the text, every option of every list, the table heads.
VISIBLE = """() => [document.body.innerText,
  ...Array.from(document.querySelectorAll("option, th, summary, label")).map((n) => n.textContent)].join("\\n")"""


def _demo_project(folder: Path) -> Path:
    from zhagen.demo_coding import run_coding
    from zhagen.project import Project

    root = Path(__file__).resolve().parents[2] / "examples"
    path = folder / "demo.zhagen"
    with Project.create(path) as p:
        p.add([root / "docs", root / "cnki"])
        run_coding(p)
    return path


def test_no_raw_identifier_in_either_language(page, serve, tmp_path: Path, shots: Path) -> None:
    """Every page of the workbench in Chinese and in English: no snake_case name of the
    library visible, and in Chinese no English value (document type, form choice, kind)."""
    from zhagen.web.i18n import STRINGS

    server = serve(_demo_project(tmp_path))
    page.goto(server.url + "/map")
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    r = page.request.post(server.url + "/api/maps", data=json.dumps({"top": 30}),
                          headers={"X-CSRF-Token": token, "Content-Type": "application/json"})  # fmt: skip
    assert r.ok, r.text()
    raw = {k.split(".")[-1] for k in STRINGS if k.startswith(("val.", "choice."))}
    ready = {"/documents": "#doc-table a", "/codes": ".node .name", "/model": "#diagram svg",
             "/tables": "#report table", "/saturation": ".verdict", "/agreement": "#report table",
             "/map": ".runs li.on", "/settings": "#history td", "/memos": "#memo-list li"}  # fmt: skip
    for lang in ("zh", "en"):
        page.context.add_cookies([{"name": "zhagen_lang", "value": lang, "url": server.url}])
        for path, selector in ready.items():
            page.goto(server.url + path)
            page.wait_for_selector(selector)
            if path == "/map":
                page.click("#map-tabs .tab[data-tab=nodes]")
                page.wait_for_selector(".map-nodes th")
                page.screenshot(path=str(shots / f"map_nodes_{lang}.png"))
            text = page.evaluate(VISIBLE)
            assert not SNAKE.findall(text), (lang, path, SNAKE.findall(text)[:5])
            if lang == "zh":
                words = {w.strip() for w in re.split(r"[\n\t·]", text)}
                assert not words & raw, (path, words & raw)
                assert "pooled" not in text  # the library's "合计 / pooled", halved


def test_first_use_asks_the_coders_name(page, serve, tmp_path: Path) -> None:
    """A new browser is asked whose coding it is before anything is coded as "default";
    the name is kept for the next page and the next session of that browser."""
    server = serve(make_project(tmp_path))
    page.goto(server.url + "/documents")
    page.wait_for_selector("#first-use")
    assert page.inner_text("#coder-name") == "default"
    page.fill("#first-coder", "王 W")
    page.click("#first-use button[type=submit]")
    page.wait_for_selector("#first-use", state="detached")
    assert page.inner_text("#coder-name") == "王 W"
    page.goto(server.url + "/documents/1")
    page.wait_for_selector(".seg")
    assert page.locator("#first-use").count() == 0
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    r = page.request.post(server.url + "/api/codings", headers={"X-CSRF-Token": token,
                          "Content-Type": "application/json"},
                          data=json.dumps({"document": 1, "sentences": [1], "new_code": {"name": "政策"}}))  # fmt: skip
    assert r.ok, r.text()
    assert json.loads(page.request.get(server.url + "/api/coders").text()) == ["王 W"]


def test_code_colour_pick_and_illegal_drag(page, serve, tmp_path: Path) -> None:
    """A colour picked in the tree is stored on the code and undone by Ctrl+Z; dragging a
    category under its own concept is refused with a toast and no console error."""
    from zhagen.project import Project

    path = make_project(tmp_path)
    with Project.open(path) as p:
        cat = p.codes.add("政府引导", level=2)
        concept = p.codes.add("政策支持", parent=cat, level=1)
    server = serve(path)
    errors = _console_errors(page)
    page.goto(server.url + "/codes")
    page.wait_for_selector("#tree ul .node .name")
    assert page.locator("#code-palette option").count() >= 30
    before = page.get_attribute(f".node[data-id='{cat}'] input.color", "value")
    page.locator(f".node[data-id='{cat}'] input.color").fill("#123456")
    page.wait_for_function(f"""async () => (await (await fetch('/api/codes')).json())
        .find((c) => c.id === {cat}).color === '#123456'""")
    page.click("#tree")
    page.keyboard.press("Control+z")
    page.wait_for_function(f"""async () => (await (await fetch('/api/codes')).json())
        .find((c) => c.id === {cat}).color === '{before}'""")
    page.locator(f".node[data-id='{cat}']").drag_to(page.locator(f".node[data-id='{concept}']"))
    page.wait_for_selector(".toast.error")
    assert "政府引导" in page.inner_text(".toast.error")
    page.wait_for_timeout(300)
    assert errors == [] and page.errors == []


def test_memos_typed_found_and_exported(page, serve, tmp_path: Path) -> None:
    """From a code to its memos; a theory memo written on it, found by search and type,
    linked back to the code, exported as Markdown; the relation's memos from the model."""
    path = _model_project(tmp_path)
    server = serve(path)
    page.goto(server.url + "/codes")
    page.click(f".node:has-text('{MAINS[0]}') .name")
    page.click("#detail .code-memos a")
    page.wait_for_selector("#memo-about:not([hidden])")
    page.fill("#new-title", "政策的理论意义")
    page.select_option("#new-type", "theory")
    page.fill("#new-text", "制度环境先于组织能力")
    page.click("#memo-new button[type=submit]")
    page.wait_for_selector("#memo-list li[data-id] .t-theory")
    assert MAINS[0] in page.inner_text("#memo-list li[data-id]")
    page.goto(server.url + "/memos")
    page.fill("#memo-q", "制度环境")
    page.wait_for_function("() => document.querySelectorAll('#memo-list li[data-id]').length === 1")
    page.select_option("#memo-type", "method")
    page.wait_for_selector("#memo-list li.muted")
    page.select_option("#memo-type", "theory")
    page.wait_for_selector("#memo-list li[data-id]")
    with page.expect_download() as info:
        page.click("#export-md")
    md = Path(info.value.path()).read_text(encoding="utf-8")
    assert "## 理论备忘录（1）" in md and "制度环境先于组织能力" in md
    page.click("#memo-list a.about")
    page.wait_for_selector(f"#detail h2:text('{MAINS[0]}')")
    page.wait_for_selector("#detail .code-memos .memo-text")
    assert "制度环境先于组织能力" in page.inner_text("#detail .code-memos")
    page.goto(server.url + "/model")
    page.click("#rel-list li[data-id] a[href*='relation']")
    page.wait_for_selector("#memo-about:not([hidden])")
    assert "关系" in page.inner_text("#memo-about")


def test_hierarchy_chart_page(page, serve, tmp_path: Path, shots: Path) -> None:
    """From the code tree to the hierarchy chart, drawn by the library, in both languages."""
    from zhagen.project import Project

    path = _model_project(tmp_path)
    with Project.open(path) as p:
        for i, name in enumerate(MAINS[:4]):
            p.codings.add_sentences(1, list(range(1 + i % 3)), name, coder="甲")
    server = serve(path)
    errors = _console_errors(page)
    page.goto(server.url + "/codes")
    page.click("#to-hierarchy")
    for lang in ("zh", "en"):
        if lang == "en":
            page.click("#lang")
        page.wait_for_function("() => { const i = document.querySelector('#chart img');"
                               " return i && i.complete && i.naturalWidth > 1000; }")  # fmt: skip
        page.screenshot(path=str(shots / f"hierarchy_{lang}.png"))
    assert errors == []  # the PNG download is tested on the API (test_hierarchy_chart.py)


def _box_at(page, cid: int) -> tuple[float, float]:
    return tuple(page.evaluate(f"""() => {{ const r = document.querySelector('#diagram g.box[data-id="{cid}"]')
        .getBoundingClientRect(); return [r.x, r.y]; }}"""))  # fmt: skip


def test_model_box_dragged_stays_after_reload(page, serve, tmp_path: Path, shots: Path) -> None:
    """In the paradigm layout a box dragged with the mouse is where it was left after a
    reload, the kept position is what the library's figure uses, and Ctrl+Z-style undo
    (the API) puts it back."""
    from zhagen.project import Project

    path = _model_project(tmp_path)
    with Project.open(path) as p:
        ids = {r["name"]: int(r["id"]) for r in p.codes().to_dict("records")}
        for name, role in zip(
            MAINS[:5], ("因果条件", "现象", "情境", "行动策略", "结果"), strict=True
        ):
            p.relations.set_role(ids[name], role)
    server = serve(path)
    errors = _console_errors(page)
    page.goto(server.url + "/model")
    page.select_option("#model-layout", "paradigm")
    cid = ids[MAINS[1]]  # the phenomenon: in view without scrolling the diagram
    # the paradigm drawn, not the first layout's box still on the page (the switch reloads)
    box = f'#diagram[data-layout="paradigm"] g.box[data-id="{cid}"]'
    page.wait_for_selector(box)
    x0, y0 = _box_at(page, cid)
    with page.expect_response(lambda r: "/api/model/boxes/" in r.url and r.ok):
        page.mouse.move(x0 + 20, y0 + 15)
        page.mouse.down()
        page.mouse.move(x0 + 60, y0 + 90, steps=6)
        page.mouse.up()
    page.reload()
    page.wait_for_selector(box)
    x1, y1 = _box_at(page, cid)
    assert (round(x1 - x0), round(y1 - y0)) == (40, 75), (x0, y0, x1, y1)
    page.screenshot(path=str(shots / "model_paradigm_dragged.png"))
    with Project.open(path) as p:
        moved = next(b for b in p.relations.model("paradigm")["boxes"] if b["id"] == cid)
        assert moved["moved"] and p.history()["action"].iloc[0] == "model.move"
    assert errors == [] and page.errors == []
