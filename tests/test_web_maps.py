"""The map page's API: a map with an uploaded thesaurus (read as ``zhagen map --thesaurus``
reads one), its bilingual errors, and the limits on what a request may name or send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from web_support import assert_error, client, session


@pytest.fixture(scope="module")
def project(cnki_example_project: Path) -> Path:
    return cnki_example_project


def _labels(c, run: int) -> list[str]:
    nodes = c.get(f"/api/maps/{run}").json()["nodes"]
    col = nodes["columns"].index("label")
    return [row[col] for row in nodes["rows"]]


def _map(c, params: dict, thesaurus: tuple[str, bytes] | None = None):
    if thesaurus is None:
        return c.post("/api/maps", json=params)
    files = {"thesaurus": (thesaurus[0], thesaurus[1], "text/plain")}
    return c.post("/api/maps", data={"params": json.dumps(params)}, files=files)


def test_uploaded_thesaurus_merges_and_deletes_terms(project: Path) -> None:
    with client(project) as c:
        session(c)
        r = _map(c, {"top": 50})
        assert r.status_code == 200, r.text
        plain = _labels(c, r.json()["run"])
        assert "专精特新" in plain and "单项冠军" in plain and "制造业单项冠军" not in plain
        text = "label\treplace by\n专精特新\t\n单项冠军\t制造业单项冠军\n".encode()
        r = _map(c, {"top": 50}, ("叙词表.txt", text))
        assert r.status_code == 200, r.text
        run = r.json()["run"]
        merged = _labels(c, run)
        assert "专精特新" not in merged and "单项冠军" not in merged
        assert "制造业单项冠军" in merged
        stored = list((project.parent / "study.zhagen.files" / "thesauri").glob("*/叙词表.txt"))
        assert len(stored) == 1 and stored[0].read_bytes() == text
        recorded = [x for x in c.get("/api/maps").json() if x["id"] == run][0]
        assert str(stored[0]) in json.dumps(recorded["params"], ensure_ascii=False)


def test_bad_thesaurus_is_refused_with_file_and_line(project: Path) -> None:
    with client(project) as c:
        session(c)
        before = len(c.get("/api/maps").json())
        bad = "专精特新\t专精特新企业\n没有制表符的一行\n".encode()
        err = assert_error(_map(c, {}, ("词表.txt", bad)), 400, "input")
        for message in (err["message_zh"], err["message_en"]):
            assert message.startswith("词表.txt") and "2" in message
            assert "thesauri" not in message  # the server's folder is not shown
        assert "制表符" in err["message_zh"] and "tab" in err["message_en"]
        not_utf8 = "专精特新\t专精\n".encode("gbk")
        err = assert_error(_map(c, {}, ("gbk.txt", not_utf8)), 400, "input")
        assert "UTF-8" in err["message_zh"] and "UTF-8" in err["message_en"]
        assert len(c.get("/api/maps").json()) == before  # no run was recorded


def test_a_request_cannot_name_a_server_file_or_send_too_much(project: Path) -> None:
    with client(project) as c:
        session(c)
        assert_error(_map(c, {"thesaurus": "/etc/passwd"}), 400, "parameter")
        r = c.post("/api/maps", data={"params": "not json"}, files={"x": ("a", b"1")})
        assert_error(r, 400, "parameter")
        huge = b"a\tb\n" * (5 * 2**20 // 4 + 1)
        assert_error(_map(c, {}, ("big.txt", huge)), 413, "too_large")


def test_viewer_cannot_run_a_map(project: Path, tmp_path: Path) -> None:
    with client(project, auth=True, token="t0k") as c:
        c.post("/api/login", json={"token": "t0k"})
        info = c.get("/api/session").json()
        c.headers["X-CSRF-Token"] = info["csrf"]
        c.post("/api/users", json={"name": "v", "password": "password1", "role": "viewer"})
        c.post("/api/logout")
        c.cookies.clear()
        r = c.post("/api/login", json={"username": "v", "password": "password1"})
        c.headers["X-CSRF-Token"] = r.json()["csrf"]
        assert_error(_map(c, {}, ("t.txt", b"a\tb\n")), 403, "forbidden")


def test_web_maps_of_institutions_and_a_clear_refusal_of_cocitation_on_cnki(project: Path) -> None:
    with client(project) as c:
        session(c)
        form = c.get("/api/params/maps").json()
        assert "institution" in json.dumps(form, ensure_ascii=False)
        r = _map(c, {"nodes": "institution", "min_freq": 1})
        assert r.status_code == 200, r.text
        labels = _labels(c, r.json()["run"])
        assert labels and not any("学院" in x and "大学" in x for x in labels)  # top level
        r = _map(c, {"nodes": "reference"})
        err = assert_error(r, 400, "input")
        assert "CNKI" in err["message_zh"] and "cited references" in err["message_en"]
