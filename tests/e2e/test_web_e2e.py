"""End to end: a real Chromium against a real ``zhagen serve`` on 127.0.0.1.

Import by drag and drop, code a clicked sentence and a mouse-selected span, reload and see
them kept; build a category and drag a concept into it; download the tables; a document
full of HTML runs nothing; the login; the map page. Screenshots of the main pages are
saved (see ``conftest.shots``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from web_support import XSS_TEXT, make_project

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
# The first sentence starts with U+20000 (two UTF-16 units, one code point): offsets sent by
# the page must be code points.
FIRST = "𠀀企业是创新主体。"
TEXT = FIRST + "政府提供政策支持。高校参与产学研合作。"


def _headers(page) -> dict[str, str]:
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    return {"X-CSRF-Token": token or "", "Content-Type": "application/json"}


def _api(page, method: str, url: str, body: object = None) -> object:
    r = page.request.fetch(url, method=method, headers=_headers(page),
                           data=None if body is None else json.dumps(body))  # fmt: skip
    assert r.ok, r.text()
    return r.json()


def _drop(page, name: str, text: str) -> None:
    """Drop a file on the drop zone as a browser does (a DataTransfer with a File)."""
    page.evaluate(
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: "text/plain" }));
            const zone = document.getElementById("dropzone");
            for (const type of ["dragenter", "dragover", "drop"]) {
              zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
        }""",
        [name, text],
    )


def _empty_project(folder: Path) -> Path:
    from zhagen.project import Project

    path = folder / "empty.zhagen"
    Project.create(path).close()
    return path


def drag_select(pg, selector: str, fraction: float) -> None:
    """Select the first ``fraction`` of an element's width with the mouse, as a reader
    does, and wait for the coding pop-up."""
    box = pg.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    pg.mouse.move(box["x"] + 1, y)
    pg.mouse.down()
    pg.mouse.move(box["x"] + box["width"] * fraction, y, steps=5)
    pg.mouse.up()
    pg.wait_for_selector("#code-pop:not([hidden])")


def test_import_code_reload(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_empty_project(tmp_path))
    page.goto(server.url + "/documents")
    _drop(page, "政策文本.txt", TEXT)
    page.wait_for_selector("#import-report .file.ok")
    assert "政策文本.txt" in page.inner_text("#import-report")
    page.screenshot(path=str(shots / "documents.png"))
    page.click("#doc-table a")
    page.wait_for_selector('.seg[data-i="1"]')
    # 1. click a sentence, type a new code, Enter
    page.click('.seg[data-i="1"]')
    page.wait_for_selector("#code-pop:not([hidden])")
    page.fill("#code-input", "政策支持")
    page.keyboard.press("Enter")
    page.wait_for_selector("#coding-list li .code-name")
    # 2. select a span with the mouse, type another code
    page.evaluate(
        "() => document.addEventListener('mouseup', () => { window.__sel = getSelection().toString(); }, true)"
    )
    drag_select(page, '.seg[data-i="0"]', 0.6)
    selected = page.evaluate("() => window.__sel")
    page.fill("#code-input", "企业主体")
    page.screenshot(path=str(shots / "document_coding.png"))
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#coding-list li .code-name').length === 2"
    )
    # 3. reload: both codings are still there, drawn as stripes
    page.reload()
    page.wait_for_function(
        "() => document.querySelectorAll('#coding-list li .code-name').length === 2"
    )
    assert page.locator(".seg.coded").count() >= 2
    names = page.locator("#coding-list .code-name").all_inner_texts()
    assert sorted(names) == ["企业主体", "政策支持"]
    page.screenshot(path=str(shots / "document.png"))
    codings = _api(page, "GET", server.url + "/api/documents/1/codings")["codings"]
    spans = _api(page, "GET", server.url + "/api/documents/1/sentences")["spans"]
    by_name = {k["code_name"]: k for k in codings}
    assert (
        [by_name["政策支持"]["start"], by_name["政策支持"]["end"]]
        == spans[1]
        == [len(FIRST), len(FIRST) + 9]
    )
    span = by_name["企业主体"]
    assert span["start"] == 0 and 1 < span["end"] <= len(FIRST)
    assert TEXT[span["start"] : span["end"]] == selected.strip()


def _coded_project(folder: Path) -> Path:
    project = make_project(
        folder, {"a.txt": TEXT, "b.txt": "龙头企业牵头组建创新联合体。政策支持中小企业。"}
    )
    from zhagen.project import Project

    with Project.open(project) as p:
        p.code_sentence(1, 1, p.add_code("政策支持"), coder="甲")
        p.code_sentence(2, 1, "政策支持", coder="甲")
    return project


def test_build_category_and_move_concept(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_coded_project(tmp_path))
    page.goto(server.url + "/codes")
    page.wait_for_selector(".node .name")
    page.fill("#new-name", "政府引导")
    page.select_option("#new-level", "2")
    page.click("#new-code button[type=submit]")
    category = page.locator(".node", has_text="政府引导")
    category.wait_for()
    concept = page.locator(".node", has_text="政策支持")
    concept.drag_to(category)
    page.wait_for_selector("#tree ul .node:has-text('政策支持')")
    codes = {c["name"]: c for c in _api(page, "GET", server.url + "/api/codes")}
    assert codes["政策支持"]["parent"] == codes["政府引导"]["id"]
    assert codes["政府引导"]["total"] == 2 and codes["政府引导"]["level_name"] == "初始范畴"
    page.click(".node:has-text('政府引导') .name")
    page.check("#detail input[type=checkbox]")
    page.wait_for_selector("#detail .context-list li mark")
    assert "政策支持" in page.inner_text("#detail .context-list")
    page.screenshot(path=str(shots / "codes.png"))
    # undo (Ctrl+Z) puts the concept back at the top level
    page.click("#tree")
    page.keyboard.press("Control+z")
    page.wait_for_function("() => !document.querySelector('#tree ul .node')")


def test_export_tables(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_coded_project(tmp_path))
    page.goto(server.url + "/tables")
    page.wait_for_selector("#report table")
    page.screenshot(path=str(shots / "tables.png"))
    for label, name in (
        ("XLSX", "coding_tables.xlsx"),
        ("DOCX", "coding_tables.docx"),
        ("QDPX", "project.qdpx"),
    ):
        with page.expect_download() as info:
            page.click(f"#report-actions button:has-text('{label}')")
        download = info.value
        assert download.suggested_filename == name
        path = tmp_path / name
        download.save_as(str(path))
        assert path.read_bytes()[:2] == b"PK" and path.stat().st_size > 1000


def test_document_html_is_shown_as_text(page, serve, tmp_path: Path, shots: Path) -> None:
    project = make_project(tmp_path, {"x.txt": XSS_TEXT})
    from zhagen.project import Project

    with Project.open(project) as p:
        code = p.add_code('<img src=x onerror="window.__xss=2">')
        p.code_sentence(1, 1, code, coder="<script>window.__xss=3</script>")
        p.add_memo("document", 1, "<script>window.__xss=4</script><b>粗</b>")
    server = serve(project)
    page.goto(server.url + "/documents/1")
    page.wait_for_selector("#coding-list li .code-name")
    page.click(".side .tab[data-tab=memos]")
    page.wait_for_selector("#memo-list li")
    page.click('.seg[data-i="1"]')
    page.wait_for_selector("#code-pop:not([hidden])")
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "xss.png"))
    text = page.inner_text("#reader")
    assert "<script>alert(1)</script>" in text and '<img src=x onerror="window.__xss=1">' in text
    assert page.locator("#main img, #main script").count() == 0
    assert page.locator("#memo-list b").count() == 0
    assert "<b>粗</b>" in page.inner_text("#memo-list")
    for path in ("/codes", "/documents", "/tables"):
        page.goto(server.url + path)
        page.wait_for_timeout(800)
        assert page.locator("#main img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []


def test_login_required_beyond_loopback(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(make_project(tmp_path), "--auth")
    assert server.token
    page.goto(server.url + "/documents")
    assert "/login" in page.url
    page.fill("#token", "wrong-token")
    page.click("#token-form button")
    page.wait_for_selector("#login-error:not([hidden])")
    page.screenshot(path=str(shots / "login.png"))
    r = page.request.get(server.url + "/api/documents")
    assert r.status == 401 and r.json()["error"]["code"] == "unauthorized"
    page.fill("#token", server.token)
    page.click("#token-form button")
    page.wait_for_url("**/documents")
    page.wait_for_selector("#doc-table a")
    assert page.request.get(server.url + "/api/documents").ok
    page.click("#logout")
    page.wait_for_url("**/login*")
    assert page.request.get(server.url + "/api/documents").status == 401


def _demo_project(folder: Path) -> Path:
    from zhagen.project import Project

    path = folder / "demo.zhagen"
    with Project.create(path) as p:
        p.add([ROOT / "examples" / "docs", ROOT / "examples" / "cnki"])
        try:
            from zhagen.demo_coding import run_coding
        except ImportError:  # the demo's coding script is optional here
            p.code_sentence(1, 0, p.add_code("政策支持"), coder="甲")
        else:
            run_coding(p)
    return path


def test_model_map_and_page_screenshots(page, serve, tmp_path: Path, shots: Path) -> None:
    server = serve(_demo_project(tmp_path))
    page.goto(server.url + "/model")
    page.wait_for_selector("#diagram svg text")
    page.screenshot(path=str(shots / "model.png"))
    with page.expect_download() as info:
        page.click("#dl-png")
    # drawn by the library, with the boxes where they were moved (issue 16)
    assert info.value.suggested_filename == "model_tree.png"
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as info:
        page.click("#dl-svg")
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    with page.expect_download() as info:
        page.click("#dl-pdf")
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
    page.goto(server.url + "/map")
    page.wait_for_selector("#map-form button[type=submit]")
    # a thesaurus with a bad line is refused, naming the file and the line
    bad = {"name": "坏词表.txt", "mimeType": "text/plain", "buffer": "专精特新\n".encode()}
    page.set_input_files("#thesaurus", files=[bad])
    page.click("#map-form button[type=submit]")
    page.wait_for_selector(".toast.error")
    toast = page.inner_text(".toast.error")
    assert "坏词表.txt" in toast and "1" in toast
    page.screenshot(path=str(shots / "map_thesaurus_error.png"))
    # a good one (the CLI's layout) deletes a term from the map
    good = "label\treplace by\n专精特新\t\n".encode()
    page.set_input_files("#thesaurus", files=[{"name": "叙词表.txt", "mimeType": "text/plain",
                                               "buffer": good}])  # fmt: skip
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("iframe.map-frame", timeout=180_000)
    frame = page.frame_locator("iframe.map-frame")
    frame.locator("canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "map.png"))
    page.click("#map-tabs .tab[data-tab=nodes]")
    labels = page.inner_text(".map-nodes table")
    assert "单项冠军" in labels and "专精特新" not in labels  # the thesaurus was applied
    page.click(".map-nodes tbody tr >> nth=0")
    page.wait_for_selector(".records li a")
    page.screenshot(path=str(shots / "map_nodes.png"))
    for path, ready, name in (("/documents", "#doc-table a", "documents_demo.png"),
                              ("/documents/1", "#coding-list li", "document_demo.png"),
                              ("/saturation", ".verdict", "saturation.png"),
                              ("/agreement", "#report table", "agreement.png"),
                              ("/settings", "#history td", "settings.png")):  # fmt: skip
        page.goto(server.url + path)
        page.wait_for_selector(ready)
        page.screenshot(path=str(shots / name))
    page.click("#lang")
    page.wait_for_selector("text=Settings")
    page.goto(server.url + "/codes")
    page.wait_for_selector(".node .name")
    page.screenshot(path=str(shots / "codes_en.png"))


def test_large_document_renders_in_chunks(page, serve, tmp_path: Path, shots: Path) -> None:
    """A 300-page report: only the chunks near the viewport exist in the page."""
    n = 12_000
    text = "".join(f"第{i}句：创新联合体推动关键核心技术攻关，政策支持企业发展。" for i in range(n))
    server = serve(make_project(tmp_path, {"report.txt": text}))
    page.goto(server.url + "/documents/1")
    page.wait_for_selector('.seg[data-i="0"]')
    assert page.locator(".chunk").count() > 100
    assert page.locator(".seg").count() < 3000
    page.evaluate(
        "() => { const r = document.getElementById('reader'); r.scrollTop = r.scrollHeight; }"
    )
    page.wait_for_selector(f'.seg[data-i="{n - 1}"]')
    assert page.locator('.seg[data-i="0"]').count() == 0  # the first chunk was emptied
    assert page.locator(".seg").count() < 3000
    page.click(f'.seg[data-i="{n - 2}"]')
    page.fill("#code-input", "关键技术")
    page.keyboard.press("Enter")
    page.wait_for_selector("#coding-list li .code-name")
    codings = _api(page, "GET", server.url + "/api/documents/1/codings")["codings"]
    spans = _api(page, "GET", server.url + "/api/documents/1/sentences")["spans"]
    assert [codings[0]["start"], codings[0]["end"]] == spans[n - 2]
    page.screenshot(path=str(shots / "large_document.png"))


def test_live_updates_between_browsers(page, browser, serve, tmp_path: Path, shots: Path) -> None:
    """One browser codes; the other, viewing the same document, sees the stripe appear
    without reloading, and a span it is about to code (pop-up open, code half typed)
    survives the update."""
    server = serve(make_project(tmp_path, {"a.txt": TEXT}))
    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    other.on("pageerror", lambda e: page.errors.append("other: " + str(e)))
    for pg in (page, other):
        pg.goto(server.url + "/documents/1")
        pg.wait_for_selector('.seg[data-i="1"]')
    # 1. A codes sentence 1; B, idle, sees it within a few seconds
    page.click('.seg[data-i="1"]')
    page.fill("#code-input", "政策支持")
    page.keyboard.press("Enter")
    other.wait_for_selector('.seg.coded[data-i="1"]', timeout=5_000)
    assert other.locator("#coding-list .code-name").all_inner_texts() == ["政策支持"]
    other.screenshot(path=str(shots / "live_update.png"))
    # 2. B selects part of sentence 2 and starts typing a code; meanwhile A codes sentence 0
    drag_select(other, '.seg[data-i="2"]', 0.5)
    other.fill("#code-input", "产学研")
    page.click('.seg[data-i="0"]')
    page.fill("#code-input", "创新主体")
    page.keyboard.press("Enter")
    other.wait_for_function(
        "() => document.querySelectorAll('#coding-list li .code-name').length === 2",
        timeout=5_000,
    )
    assert other.is_visible("#code-pop") and other.input_value("#code-input") == "产学研"
    assert other.locator(".seg.cur").count() > 0  # the chosen span is still marked
    other.screenshot(path=str(shots / "live_update_selection.png"))
    other.keyboard.press("Enter")
    other.wait_for_function(
        "() => document.querySelectorAll('#coding-list li .code-name').length === 3"
    )
    codings = _api(page, "GET", server.url + "/api/documents/1/codings")["codings"]
    spans = _api(page, "GET", server.url + "/api/documents/1/sentences")["spans"]
    mine = [k for k in codings if k["code_name"] == "产学研"]
    assert len(mine) == 1 and spans[2][0] <= mine[0]["start"] < mine[0]["end"] < spans[2][1]
    other.context.close()


def test_analysis_forms_are_their_declarations(page, serve, tmp_path: Path, shots: Path) -> None:
    """Each analysis page's fields are its declared parameters, labelled in the page's
    language; a bad value is refused by the server in that language."""
    import zhagen
    from zhagen.params import spec

    server = serve(_demo_project(tmp_path))
    pages = {"/tables": "TablesParams", "/saturation": "SaturationParams",
             "/agreement": "AgreementParams"}  # fmt: skip
    for lang in ("zh", "en"):
        for path, cls in pages.items():
            page.goto(server.url + path)
            page.wait_for_selector("#report-form button")
            declared = [p for p in spec(getattr(zhagen, cls)) if p.web]
            names = page.eval_on_selector_all(
                "#report-form [name]", "nodes => nodes.map(n => n.name)"
            )
            assert names == [p.name for p in declared]
            labels = page.inner_text("#report-form")
            for p in declared:
                assert (p.label_en if lang == "en" else p.label_zh) in labels
            page.screenshot(path=str(shots / f"form{path.replace('/', '_')}_{lang}.png"))
        page.goto(server.url + "/saturation")
        page.wait_for_selector("#report .verdict")
        page.fill("#report-form [name=seed]", "")
        page.fill("#report-form [name=holdout]", "3/2")
        page.click("#report-form button")
        page.wait_for_selector(".toast.error")
        toast = page.inner_text(".toast.error")
        assert "3/2" in toast and ("between" in toast if lang == "en" else "之间" in toast)
        page.screenshot(path=str(shots / f"form_saturation_error_{lang}.png"))
        page.goto(server.url + "/map")
        page.wait_for_selector("#map-form button[type=submit]")
        names = page.eval_on_selector_all("#map-form [name]", "nodes => nodes.map(n => n.name)")
        map_params = spec(zhagen.MapParams) + tuple(zhagen.MAP_RUN_OPTIONS)
        assert names == [p.name for p in map_params if p.web and p.main] + [
            p.name for p in map_params if p.web and not p.main
        ]
        page.screenshot(path=str(shots / f"form_map_{lang}.png"))
        if lang == "zh":
            page.click("#lang")
            page.wait_for_selector("nav >> text=Code tree")
