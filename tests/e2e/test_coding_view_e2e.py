"""End to end, the coding view an NVivo user expects (issue 14): coding stripes in a margin
(labelled, one column per code, click to highlight, filter by code, level and coder) on the
long seed 002, in-vivo coding as one undo step, code search and bulk actions in the tree,
two coders compared on one document, and the original beside the cleaned text.

Screenshots (zh and en) go to ``$ZHAGEN_SCREENSHOTS`` (see ``conftest.shots``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from web_support import make_project

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def no_console_errors(page):
    """Besides script errors (the ``page`` fixture), no error logged to the console."""
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    yield
    assert logged == [], logged


def _api(page, method: str, url: str, body: object = None) -> object:
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    r = page.request.fetch(url, method=method, data=None if body is None else json.dumps(body),
                           headers={"X-CSRF-Token": token, "Content-Type": "application/json"})  # fmt: skip
    assert r.ok, r.text()
    return r.json()


def _lang(page, url: str, lang: str) -> None:
    page.context.add_cookies([{"name": "zhagen_lang", "value": lang, "url": url}])


def coded_seed(folder: Path, text: str) -> Path:
    """Seed 002 coded by two coders with three codes on three levels, spread over the
    whole document (so that the end of it has stripes too)."""
    from zhagen.project import Project

    project = make_project(folder, {"seed002.txt": text})
    with Project.open(project) as p:
        core = p.codes.add("协同治理", level=3)
        cat = p.codes.add("政策工具", parent=core, level=2)
        a = p.codes.add("财政补贴", parent=cat, level=1)
        b = p.codes.add("人才引进", level=1)
        n = len(p.documents.sentences(1))
        for i in range(0, n, 7):
            p.codings.add_sentence(1, i, a, coder="甲")
            p.codings.add_sentence(1, i, a if i % 14 else b, coder="乙")
            if i % 21 == 0:
                p.codings.add_sentence(1, i + 1, cat, coder="甲")
    return project


def test_stripes_click_filter_and_long_document(
    page, serve, tmp_path: Path, seeds, shots: Path
) -> None:
    server = serve(coded_seed(tmp_path, seeds["002"]))
    for lang in ("zh", "en"):
        _lang(page, server.url, lang)
        page.goto(server.url + "/documents/1")
        page.wait_for_selector(".stripe .stripe-label")
        page.screenshot(path=str(shots / f"stripes_{lang}.png"))
    codings = _api(page, "GET", server.url + "/api/documents/1/codings")["codings"]
    text = _api(page, "GET", server.url + "/api/documents/1/text")["text"]
    # one column per code: bars of one code share their left edge, other codes' differ
    lefts = page.eval_on_selector_all(
        ".stripe", "ns => ns.map(n => [n.dataset.code, n.style.left])"
    )
    by_code: dict[str, set[str]] = {}
    for code, left in lefts:
        by_code.setdefault(code, set()).add(left)
    assert len(by_code) == 3 and all(len(v) == 1 for v in by_code.values())
    assert len({next(iter(v)) for v in by_code.values()}) == 3
    # the columns' names, in the code tree's order, above the text
    assert page.locator("#stripe-legend .chip-code").all_inner_texts() == [
        "政策工具",
        "财政补贴",
        "人才引进",
    ]
    labels = set(page.locator(".stripe-label").all_inner_texts())
    assert labels <= {"协同治理", "政策工具", "财政补贴", "人才引进"} and "财政补贴" in labels
    # a click on a stripe highlights exactly its span
    bar = page.locator(".stripe").nth(2)
    k = next(c for c in codings if str(c["id"]) == bar.get_attribute("data-id"))
    bar.click()
    lit = "".join(page.locator("#reader .seg.cur").all_inner_texts())
    assert lit == text[k["start"] : k["end"]]
    assert page.locator(".stripe.lit").count() >= 1
    # filters: coder 乙 only, then level 2 only
    page.select_option("#f-coder", "乙")
    titles = page.eval_on_selector_all(".stripe", "ns => ns.map(n => n.title)")
    assert titles and all(" · 乙 " in x for x in titles)
    page.select_option("#f-coder", "")
    page.select_option("#f-level", "2")
    codes = set(page.eval_on_selector_all(".stripe", "ns => ns.map(n => n.dataset.code)"))
    assert codes == {str(c["code"]) for c in codings if c["code_name"] == "政策工具"}
    page.select_option("#f-level", "")
    # the end of the long document is drawn when scrolled to, with its stripes
    page.eval_on_selector("#reader", "r => { r.scrollTop = r.scrollHeight; }")
    last = max(codings, key=lambda c: c["start"])
    page.wait_for_selector(f'.stripe[data-id="{last["id"]}"]')


def test_in_vivo_is_one_undo_step(page, serve, tmp_path: Path, shots: Path) -> None:
    from test_web_e2e import drag_select

    server = serve(make_project(tmp_path, {"a.txt": "政府搭台企业唱戏。高校参与产学研合作。"}))
    page.goto(server.url + "/documents/1")
    page.wait_for_selector('.seg[data-i="0"]')
    drag_select(page, '.seg[data-i="0"]', 0.5)
    assert page.is_visible("#pop-vivo")
    page.screenshot(path=str(shots / "in_vivo.png"))
    page.click("#pop-vivo")
    page.wait_for_selector("#coding-list li .code-name")
    codings = _api(page, "GET", server.url + "/api/documents/1/codings")["codings"]
    text = _api(page, "GET", server.url + "/api/documents/1/text")["text"]
    (k,) = codings
    assert k["code_name"] == text[k["start"] : k["end"]] and k["level"] == 1
    assert k["start"] == 0 and 1 < k["end"] < 9
    page.keyboard.press("Control+z")  # one step takes back the coding and the new concept
    page.wait_for_selector("#coding-list li.muted")
    assert _api(page, "GET", server.url + "/api/codes") == []


def test_tree_search_bulk_move_merge_and_promote(page, serve, tmp_path: Path) -> None:
    from zhagen.project import Project

    project = make_project(tmp_path)
    with Project.open(project) as p:
        cat = p.codes.add("政策环境", level=2)
        for name in ("财政补贴", "税收优惠", "人才引进", "平台建设"):
            p.codes.add(name, level=1)
        p.codes.add("补贴细则", parent=cat, level=1)
    server = serve(project)
    page.goto(server.url + "/codes")
    page.wait_for_selector(".node")
    page.fill("#tree-search", "补贴")
    shown = page.locator("#tree li:not(.hidden) > .node .name").all_inner_texts()
    assert shown == ["政策环境", "补贴细则", "财政补贴"]  # a match keeps the path to it
    assert page.locator("#tree .name mark").all_inner_texts() == ["补贴", "补贴"]
    page.fill("#tree-search", "")
    ids = {c["name"]: c["id"] for c in _api(page, "GET", server.url + "/api/codes")}

    def tick(name: str) -> None:
        page.click(f'.node[data-id="{ids[name]}"] input[type=checkbox]')

    tick("财政补贴")
    tick("税收优惠")
    page.select_option("#bulk select >> nth=0", str(ids["政策环境"]))
    page.click("#bulk button >> nth=0")
    page.wait_for_function("() => document.getElementById('bulk').hidden")
    codes = {c["name"]: c for c in _api(page, "GET", server.url + "/api/codes")}
    assert codes["财政补贴"]["parent"] == codes["税收优惠"]["parent"] == ids["政策环境"]
    page.click("#undo")  # one step puts both back
    page.wait_for_function(
        f"() => !!document.querySelector('#tree > li > .node[data-id=\"{ids['财政补贴']}\"]')"
    )
    codes = {c["name"]: c for c in _api(page, "GET", server.url + "/api/codes")}
    assert codes["财政补贴"]["parent"] is None and codes["税收优惠"]["parent"] is None
    # merge two ticked codes into a third
    tick("人才引进")
    tick("平台建设")
    page.select_option("#bulk select >> nth=1", str(ids["人才引进"]))
    page.click("#bulk button >> nth=1")
    page.wait_for_function(f"() => !document.querySelector('.node[data-id=\"{ids['平台建设']}\"]')")
    # promote a concept: a new category, named in the prompt, holds it
    page.evaluate(
        "() => { window.prompt = (msg, offered) => offered.replace('（范畴）', '政策'); }"
    )
    row = page.locator(f'.node[data-id="{ids["人才引进"]}"]')
    row.hover()
    row.locator("button", has_text="提升为范畴").click()
    page.wait_for_function(
        f"() => document.querySelector('.node[data-id=\"{ids['人才引进']}\"]').closest('ul').id !== 'tree'"
    )
    codes = _api(page, "GET", server.url + "/api/codes")
    concept = next(c for c in codes if c["id"] == ids["人才引进"])
    parent = next(c for c in codes if c["id"] == concept["parent"])
    assert (parent["name"], parent["level"], concept["level"]) == ("人才引进政策", 2, 1)


def test_comparison_view_shows_the_library_kappa(
    page, serve, tmp_path: Path, seeds, shots: Path
) -> None:
    from zhagen.coding.agreement import agreement
    from zhagen.project import Project

    project = coded_seed(tmp_path, seeds["002"])
    with Project.open(project) as p:
        lengths = {1: len(p.documents.text(1))}
        expect = agreement(p.codings.frame(document=1), lengths, ("甲", "乙")).by_code
    server = serve(project)
    for lang in ("zh", "en"):
        _lang(page, server.url, lang)
        page.goto(server.url + "/documents/1/compare?a=甲&b=乙")
        page.wait_for_selector("#kappa tr.code")
        page.wait_for_selector("#text-a .dis")
        page.screenshot(path=str(shots / f"compare_{lang}.png"))
    rows = page.eval_on_selector_all(
        "#kappa tr.code", "rs => rs.map(r => [r.cells[0].innerText, r.cells[1].innerText])"
    )
    shown = {name.strip(): value for name, value in rows}
    assert shown == {r["code_name"]: f"{r['kappa']:.3f}" for r in expect.to_dict("records")}
    # the disagreements are marked in both columns; one code alone on a click
    n_dis = page.locator("#dis-list li").count()
    assert n_dis > 0 and page.locator("#text-b .dis").count() > 0
    page.click("#kappa tr.code >> text=人才引进")
    names = set(page.locator("#dis-list .code-name").all_inner_texts())
    assert names == {"人才引进"} and page.locator("#dis-list li").count() < n_dis


def test_original_beside_cleaned(page, serve, tmp_path: Path, seeds, shots: Path) -> None:
    from zhagen.project import Project

    project = make_project(tmp_path, {"seed002.txt": seeds["002"]})
    with Project.open(project) as p:
        diff = p.documents.cleaning_diff(1)
    assert diff["changes"], "seed 002 is cleaned (traditional characters, layout)"
    server = serve(project)
    for lang in ("zh", "en"):
        _lang(page, server.url, lang)
        page.goto(server.url + "/documents/1")
        page.wait_for_selector(".seg")
        page.keyboard.press("o")
        page.wait_for_selector("#orig-b .chg")
        page.screenshot(path=str(shots / f"original_{lang}.png"))
    # every change is drawn on both sides with its text, as the library gives it
    for side in ("#orig-a", "#orig-b"):  # a garbled run may cut a change in pieces
        drawn = page.eval_on_selector_all(side + " .chg", "ns => ns.map(n => n.dataset.i)")
        assert set(drawn) == {str(n) for n in range(len(diff["changes"]))}
    assert "".join(page.locator("#orig-a").all_inner_texts()) == diff["original"]
    assert "".join(page.locator("#orig-b").all_inner_texts()) == diff["cleaned"]
    i = next(n for n, c in enumerate(diff["changes"]) if c["kind"] == "replace")
    change = diff["changes"][i]
    assert page.inner_text(f'#orig-a .chg[data-i="{i}"]') == change["before"]
    assert page.inner_text(f'#orig-b .chg[data-i="{i}"]') == change["after"]
    page.click(f'#orig-a .chg[data-i="{i}"]')  # a click shows the change on the other side
    assert page.locator(f'#orig-b .chg.on[data-i="{i}"]').count() == 1
    page.keyboard.press("o")
    assert page.is_visible("#reader") and not page.is_visible("#original")
