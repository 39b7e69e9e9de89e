"""End to end (issue 12): documents chosen in the list go into a set; the map page's scope
picker offers the set, counts its documents, is remembered, and the map says which scope
and how many documents it was made of."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _project(folder: Path) -> Path:
    from zhagen.project import Project

    path = folder / "sets.zhagen"
    with Project.create(path) as p:
        p.add(
            [ROOT / "examples" / "cnki", ROOT / "examples" / "docs" / "01_新质生产力政策解读.txt"]
        )
    return path


def test_select_into_a_set_and_map_that_set(page, serve, tmp_path: Path, shots: Path) -> None:
    from zhagen.project import Project

    path = _project(tmp_path)
    with Project.open(path) as p:
        records = p.scope("not type:document").doc_ids
    server = serve(path)
    page.add_init_script("window.prompt = () => '文献';")  # the set's name, as typed
    page.goto(server.url + "/documents")
    page.wait_for_selector("#doc-table tbody tr[data-id]")
    for doc in sorted(records):
        page.check(f"#doc-table tbody tr[data-id='{doc}'] input.pick")
    assert str(len(records)) in page.inner_text("#sel-count")
    page.click("#add-to-set")
    page.wait_for_selector(".toast >> text=文献")
    page.screenshot(path=str(shots / "documents_sets.png"))
    with Project.open(path) as p:
        assert set(p.sets.members("文献")) == records
    # the list filtered by a scope, remembered for the page
    page.fill("#f-scope", "type:document")
    page.wait_for_function(
        "() => document.querySelectorAll('#doc-table tbody tr[data-id]').length === 1"
    )
    page.reload()
    page.wait_for_selector("#doc-table tbody tr[data-id]")
    assert page.input_value("#f-scope") == "type:document"
    assert page.eval_on_selector_all("#doc-table tbody tr[data-id]", "rows => rows.length") == 1

    page.goto(server.url + "/map")
    page.wait_for_selector("#map-form [name=scope]")
    page.fill("#map-form [name=scope]", "set:文献")
    page.wait_for_function(
        "n => document.querySelector('.scope-count').textContent.startsWith(n + ' ')",
        arg=str(len(records)),
    )
    page.click("#map-form button[type=submit]")
    page.wait_for_selector(".map-scope", timeout=180_000)
    shown = page.inner_text(".map-scope")
    assert "set:文献" in shown and str(len(records)) in shown
    page.screenshot(path=str(shots / "map_scope.png"))
    page.reload()  # the scope is remembered for this page
    page.wait_for_selector("#map-form [name=scope]")
    assert page.input_value("#map-form [name=scope]") == "set:文献"
