"""End to end, suggestions in the document view (issue 15): the open suggestions on a
document are ghost stripes with the code and score; J focuses the first, Enter accepts it
as a coding (with the suggestion as its provenance). The queue page shows its scope
picker, the proposals tab and no bulk acceptance before an evaluation.

Screenshots of both pages go to ``$ZHAGEN_SCREENSHOTS`` (see ``conftest.shots``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_suggest_learner import _make

pytestmark = pytest.mark.e2e


def _api(page, url: str) -> dict:
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    r = page.request.fetch(url, headers={"X-CSRF-Token": token})
    assert r.ok, r.text()
    return r.json()


def test_ghost_stripes_j_then_enter_accepts(page, serve, tmp_path: Path, shots: Path) -> None:
    from playwright.sync_api import expect

    from zhagen.project import Project
    from zhagen.suggest.model import Suggestion

    with _make(tmp_path, docs=6, coded=4) as p:
        made = [s for s in p.suggestions.run(from_coder="甲", top=1) if s.document == 5]
        s, e = p.documents.sentence_spans(6)[0]
        quote = p.documents.text(6)[s:e]
        p.suggestions.add_many([Suggestion(document=6, start=s, end=e, sentence=0, code=None,
                                           new_code="创新生态", score=0.7, rank=1, quote=quote,
                                           source="model", source_version="test")])  # fmt: skip
        before = {int(c) for c in p.codings()["id"]}
    assert len(made) >= 3
    server = serve(tmp_path / "l.zhagen")
    page.goto(server.url + "/documents/5")
    ghosts = page.locator(".stripe.ghost")
    expect(ghosts).to_have_count(len(made))
    first = min(made, key=lambda x: x.start)
    label = page.locator(".seg[data-ghost]").first.get_attribute("data-ghost") or ""
    assert first.code_name in label and f"{first.score:.2f}" in label
    expect(page.locator("#ghost-bar")).to_be_visible()
    page.screenshot(path=str(shots / "document_ghost_stripes.png"))
    page.keyboard.press("j")
    expect(page.locator(".stripe.ghost.ghost-on")).to_have_count(1)
    assert page.locator(".stripe.ghost.ghost-on").get_attribute("data-ghost") == str(first.id)
    page.screenshot(path=str(shots / "document_ghost_focused.png"))
    page.keyboard.press("Enter")
    expect(ghosts).to_have_count(len(made) - 1)
    expect(page.locator("#coding-list li .code-name")).to_have_text([first.code_name])
    page.goto(server.url + "/suggestions")
    page.wait_for_selector("#sug-rows tr")
    expect(page.locator("#sug-eval .note")).to_be_visible()  # not evaluated yet
    expect(page.locator("#sug-bulk")).to_be_hidden()  # so no bulk acceptance offered
    expect(page.locator("#sug-form input[name=scope]")).to_be_visible()
    expect(page.locator("#tab-proposals")).to_contain_text("1")
    page.screenshot(path=str(shots / "suggestion_queue_scope.png"))
    page.locator("#tab-proposals").click()
    expect(page.locator("#prop-rows tr")).to_have_count(1)
    expect(page.locator("#prop-rows .prop-examples")).to_contain_text(quote)
    page.screenshot(path=str(shots / "suggestion_proposals.png"))
    # once an evaluation exists, the page shows it and offers bulk acceptance
    with Project.open(tmp_path / "l.zhagen") as p:
        kappa = p.suggestions.evaluate(from_coder="甲")["kappa"]
    page.reload()
    expect(page.locator("#sug-eval")).to_contain_text(f"κ = {kappa:.3f}")
    expect(page.locator("#sug-bulk")).to_be_visible()
    page.locator("#tab-queue").click()
    page.screenshot(path=str(shots / "suggestion_queue_evaluated.png"))
    page.fill("#sug-threshold", "0.99")
    rows = _api(page, server.url + "/api/suggestions")["suggestions"]
    bulk = {
        r["id"] for r in rows if r["rank"] == 1 and r["code"] is not None and r["score"] >= 0.99
    }
    assert bulk
    page.click("#sug-bulk-go")  # confirmed by the page fixture
    expect(page.locator("#sug-rows tr")).to_have_count(len(rows) - len(bulk))
    server.stop()
    with Project.open(tmp_path / "l.zhagen") as p:
        new = [int(c) for c in p.codings()["id"] if int(c) not in before]
        assert {p.suggestions.provenance(c).id for c in new} == {first.id} | bulk
