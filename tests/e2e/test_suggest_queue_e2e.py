"""End to end, the suggestion queue (issue 15): open suggestions best first; Enter accepts
the selected one (a coding by me), J moves down, Delete rejects; nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_suggest_learner import _make

pytestmark = pytest.mark.e2e


def test_queue_accept_reject_with_the_keyboard(page, serve, tmp_path: Path, shots: Path) -> None:
    from playwright.sync_api import expect

    from zhagen.project import Project

    with _make(tmp_path, docs=6, coded=4) as p:
        made = [s for s in p.suggestions.run(from_coder="甲", top=1)]
        n_codings = len(p.codings())
    assert len(made) >= 3
    server = serve(tmp_path / "l.zhagen")
    page.goto(server.url + "/suggestions")
    page.wait_for_selector("#sug-rows tr")
    rows = page.locator("#sug-rows tr")
    assert rows.count() == len(made)
    scores = [float(x) for x in page.locator("#sug-rows tr td:nth-child(5)").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    page.screenshot(path=str(shots / "suggestion_queue.png"))
    first = rows.nth(0).get_attribute("data-id")
    page.keyboard.press("Enter")  # accept the first
    expect(rows).to_have_count(len(made) - 1)
    page.keyboard.press("j")
    second = page.locator("#sug-rows tr.on").get_attribute("data-id")
    page.keyboard.press("Delete")  # reject the second of those left
    expect(rows).to_have_count(len(made) - 2)
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    r = page.request.fetch(server.url + "/api/suggestions", headers={"X-CSRF-Token": token})
    left = {s["id"] for s in json.loads(r.text())["suggestions"]}
    assert int(first) not in left and int(second) not in left
    server.stop()
    with Project.open(tmp_path / "l.zhagen") as p:
        assert p.suggestions.get(int(first)).status == "accepted"
        assert p.suggestions.get(int(second)).status == "rejected"
        assert len(p.codings()) == n_codings + 1
