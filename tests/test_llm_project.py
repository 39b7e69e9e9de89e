"""``project.llm`` and ``zhagen suggest-llm`` against a real local chat-completions server:
suggestions as plain data, the cache, consent for endpoints off the machine, the API key."""

from __future__ import annotations

import json
import re

import pytest

from llm_server import ChatServer
from zhagen.cli import main
from zhagen.errors import InputError, ParameterError
from zhagen.examples import tiny_project
from zhagen.store.llm_cache import cache_rows

#: The fields of zhagen.suggest.model.Suggestion that a new suggestion carries.
FIELDS = {"document", "start", "end", "sentence", "code", "new_code", "score", "rank",
          "rationale", "quote", "source", "source_version", "parameters", "prompt_hash",
          "created"}  # fmt: skip


def numbered(body: dict) -> dict[int, str]:
    """The sentences ``[k] text`` of the request's user message."""
    user = body["messages"][1]["content"]
    return {int(k): t for k, t in re.findall(r"^\[(\d+)\] (.+)$", user, flags=re.M)}


def coder(body: dict) -> str:
    """A scripted model: 政策支持 for sentences about 企业, 产学研融合 (lower) for every one
    that mentions 创新, with the words it rests on; open coding proposes the sentence's
    first four characters."""
    sentences = numbered(body)
    if "codings" in body["response_format"]["json_schema"]["schema"]["properties"]:
        out = []
        for k, text in sentences.items():
            if "企业" in text:
                out.append({"sentence": k, "code": "政策支持", "score": 0.8, "quote": "企业",
                            "rationale": "提到企业"})  # fmt: skip
            if "创新" in text:
                out.append({"sentence": k, "code": "产学研融合", "score": 0.6,
                            "quote": "不在句中的引文", "rationale": "创新"})  # fmt: skip
        return json.dumps({"codings": out}, ensure_ascii=False)
    concepts = [{"sentence": k, "name": t[:4], "quote": t[:4], "rationale": "原文", "score": 0.5}
                for k, t in sentences.items()]  # fmt: skip
    return json.dumps({"concepts": concepts}, ensure_ascii=False)


@pytest.fixture
def project(tmp_path):
    with tiny_project(tmp_path) as p:
        yield p


def run(p, server, **params):
    params = {"endpoint": server.url, "model": "qwen-test", "backoff": 0, "timeout": 5,
              "task": "deductive", **params}  # fmt: skip
    return p.llm.run(**params)


def test_deductive_suggestions_are_plain_data_and_change_no_coding(project):
    codings = project.codings().to_dict("records")
    ids = dict(zip(project.codes()["name"], project.codes()["id"], strict=True))
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, batch_size=4)
    assert result.sent == result.requests == 2 and result.failed == 0
    assert result.suggestions and all(set(s) == FIELDS for s in result.suggestions)
    for s in result.suggestions:
        spans = project.documents.sentence_spans(s["document"])
        assert (s["start"], s["end"]) == spans[s["sentence"]]  # a sentence, like a human codes
        assert s["source"] == "model" and s["source_version"] == "qwen-test"
        assert s["new_code"] is None and len(s["prompt_hash"]) == 64
        assert s["parameters"]["prompt_version"] == "deductive-1"
        assert s["parameters"]["endpoint"].startswith("http://127.0.0.1:")
    # 企业 sentences: 政策支持 first (0.8), then 产学研融合 if they mention 创新 (0.6)
    first = [s for s in result.suggestions if s["rank"] == 1]
    text = project.documents.text
    for s in first:
        sentence = text(s["document"])[s["start"] : s["end"]]
        assert (s["code"] == ids["政策支持"]) == ("企业" in sentence)
        assert s["quote"] == ("企业" if "企业" in sentence else "")  # a made-up quote is dropped
    assert any(p["kind"] == "quote" for p in result.problems)
    # coded sentences are not sent: the two coded phrases' sentences are absent
    sent = "".join(m["messages"][1]["content"] for m in server.requests)
    assert "推动产学研深度融合" not in sent and "落实财政补贴和专项资金" not in sent
    assert "支持企业牵头组建创新联合体" in sent
    # the code book went with its examples
    assert "产学研深度融合" in server.requests[0]["messages"][1]["content"]
    assert project.codings().to_dict("records") == codings


def test_a_rerun_is_answered_from_the_cache_without_any_request(project):
    with ChatServer([{"reply": coder}]) as server:
        first = run(project, server, batch_size=3)
        asked = len(server.requests)
        again = run(project, server, batch_size=3)
    assert asked == first.sent > 0 and len(server.requests) == asked  # no new request
    assert again.sent == 0 and again.cached == again.requests == first.requests
    assert [dict(s) for s in again.suggestions] == [dict(s) for s in first.suggestions]
    rows = cache_rows(project.store)
    assert len(rows) == asked
    assert json.loads(rows[0]["request"])["messages"][0]["role"] == "system"


def test_other_parameters_are_a_new_question(project):
    with ChatServer([{"reply": coder}]) as server:
        run(project, server, batch_size=3)
        asked = len(server.requests)
        run(project, server, batch_size=3, temperature=0.5)
    assert len(server.requests) == 2 * asked


def test_a_failed_request_is_a_problem_and_is_not_cached(project):
    with ChatServer([{"status": 500, "message": "GPU out of memory"}]) as server:
        result = run(project, server, batch_size=100, retries=1)
        assert result.failed == result.requests == 1 and result.suggestions == []
        error = [p for p in result.problems if p["severity"] == "error"][0]
        assert "GPU out of memory" in error["en"] and "HTTP 500" in error["zh"]
        assert error["sentences"] and "第 1 句" in error["zh"]
        assert cache_rows(project.store) == []
        server.script = [{"reply": coder}]
        fixed = run(project, server, batch_size=100, retries=1)
    assert fixed.sent == 1 and fixed.suggestions


def test_open_coding_proposes_new_codes_on_the_quoted_words(project):
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, task="open")
    assert result.suggestions and all(s["code"] is None for s in result.suggestions)
    for s in result.suggestions:
        words = project.documents.text(s["document"])[s["start"] : s["end"]]
        assert words == s["quote"] == s["new_code"]
    assert server.requests[0]["response_format"]["json_schema"]["schema"]["required"] == [
        "concepts"
    ]


def test_axial_and_storyline_give_proposals(project):
    axial = {"categories": [{"name": "协同机制", "concepts": ["产学研融合", "政策支持", "无此概念"],
                             "reason": "都关于协同"}]}  # fmt: skip
    story = {"core_category": "协同创新", "storyline": "政策支持推动产学研融合。",
             "links": [{"from": "政策支持", "to": "产学研融合", "relation": "推动"}]}  # fmt: skip
    with ChatServer([{"json": axial}, {"json": story}]) as server:
        grouped = run(project, server, task="axial")
        drafted = run(project, server, task="storyline")
    [category] = grouped.proposals
    assert category["concepts"] == ["产学研融合", "政策支持"] and category["reason"] == "都关于协同"
    assert any("无此概念" in p["zh"] for p in grouped.problems)
    sent = server.requests[0]["messages"][1]["content"]
    assert "产学研融合" in sent and "政策支持" in sent and "协同创新" not in sent  # concepts only
    assert drafted.proposals[0]["core_category"] == "协同创新"
    assert "协同创新" in server.requests[1]["messages"][1]["content"]  # the main category


def test_a_remote_endpoint_is_refused_until_confirmed_once(project, monkeypatch):
    # The test server doubles as the HTTP proxy: a request to the remote name would reach
    # it, so an empty request log shows that nothing was sent.
    with ChatServer([{"reply": coder}]) as server:
        monkeypatch.setenv("http_proxy", server.url.removesuffix("/v1"))
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        remote = "http://llm.example.com/v1"
        with pytest.raises(ParameterError) as err:
            project.llm.run(endpoint=remote, model="m", task="open", backoff=0)
        assert server.requests == []
        assert "不在本机" in err.value.zh and "not on this machine" in err.value.en
        assert "--yes-send-to-remote" in err.value.en and "nothing was sent" in err.value.en
        assert not project.llm.remote_confirmed(remote)

        result = project.llm.run(endpoint=remote, model="m", task="open", backoff=0,
                                 confirm_remote=True)  # fmt: skip
        assert result.sent == 1 and server.requests[0]["_path"] == remote + "/chat/completions"
        assert project.llm.remote_confirmed("http://llm.example.com:80/other")  # same origin
        assert not project.llm.remote_confirmed("https://llm.example.com/v1")  # another one
        # confirmed once: the next run needs no flag
        again = project.llm.run(endpoint=remote, model="m", task="open", batch_size=5, backoff=0)
    assert again.sent >= 1
    assert any(e["action"] == "llm.consent" for e in project.store.log_entries())


def test_a_local_endpoint_never_goes_through_a_proxy(project, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, task="open", retries=0)
    assert result.failed == 0 and result.sent == len(server.requests) == 1


def test_the_api_key_comes_from_the_environment_and_is_never_stored(project, monkeypatch):
    monkeypatch.setenv("MY_LLM_KEY", "sk-secret-123")
    with ChatServer([{"reply": coder}]) as server:
        run(project, server, task="open", api_key_env="MY_LLM_KEY")
    assert server.requests[0]["_auth"] == "Bearer sk-secret-123"
    folder = project.store.path.parent
    data = b"".join(f.read_bytes() for f in folder.glob(project.store.path.name + "*"))
    assert b"qwen-test" in data  # the run and its cached reply are in the file …
    assert b"sk-secret-123" not in data  # … the key is not


def test_a_prompt_can_be_overridden_by_a_file(project, tmp_path):
    mine = tmp_path / "open.toml"
    mine.write_text('version = "mine-1"\nsystem = "只输出 JSON。"\n'
                    'user = """请为以下句子编码：\n$sentences\n$schema"""\n', encoding="utf-8")  # fmt: skip
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, task="open", prompt=str(mine))
    assert server.requests[0]["messages"][0]["content"] == "只输出 JSON。"
    assert {s["parameters"]["prompt_version"] for s in result.suggestions} == {"mine-1"}
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\nsystem = "s"\nuser = "$sentences $nonsense"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        run(project, server, task="open", prompt=str(bad))
    assert str(bad) in err.value.message and "$nonsense" in err.value.en


def test_a_run_is_recorded(project):
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, task="open")
    runs = project.store.conn.execute(
        "SELECT params, summary FROM runs WHERE kind = 'suggest-llm'"
    ).fetchall()
    assert len(runs) == 1 and result.run_id is not None
    params, summary = (json.loads(x) for x in runs[0])
    assert params["model"] == "qwen-test" and "api_key" not in json.dumps(params)
    assert summary["suggestions"] == len(result.suggestions)


def test_cli_suggest_llm_json_and_table(project, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "both")
    path = str(project.store.path)
    with ChatServer([{"reply": coder}]) as server:
        base = ["suggest-llm", path, "--endpoint", server.url, "--model", "m", "--backoff", "0"]
        assert main([*base, "--task", "open", "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["suggestions"] and set(data["suggestions"][0]) == FIELDS
        assert main([*base, "--task", "deductive"]) == 0
        out = capsys.readouterr().out
    assert "政策支持" in out and "not codings until accepted" in out and "尚未成为编码" in out


def test_cli_refuses_a_remote_endpoint_without_the_flag(project, capsys):
    code = main(["suggest-llm", str(project.store.path), "--endpoint", "https://api.deepseek.com",
                 "--model", "deepseek-chat"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "--yes-send-to-remote" in err


def test_cli_needs_an_endpoint_and_a_model(project, capsys):
    assert main(["suggest-llm", str(project.store.path), "--model", "m"]) == 1
    assert "endpoint" in capsys.readouterr().err


def test_preview_shows_what_would_be_sent_and_sends_nothing(project, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "both")
    with ChatServer([{"reply": coder}]) as server:
        before = project.llm.preview(endpoint=server.url, model="m", task="open", batch_size=4)
        assert server.requests == [] and not any(r["cached"] for r in before)
        result = run(project, server, model="m", task="open", batch_size=4)
        assert {r["prompt_hash"] for r in before} == {s["prompt_hash"] for s in result.suggestions}
        # batches are sent concurrently, so the server may receive them in any order
        sent = sorted(json.dumps(m["messages"], ensure_ascii=False) for m in server.requests)
        assert sent == sorted(json.dumps(r["messages"], ensure_ascii=False) for r in before)
        after = project.llm.preview(endpoint=server.url, model="m", task="open", batch_size=4)
        assert all(r["cached"] for r in after)
        asked = len(server.requests)
        remote = ["suggest-llm", str(project.store.path), "--endpoint", "https://api.deepseek.com",
                  "--model", "m", "--task", "open", "--dry-run"]  # fmt: skip
        assert main(remote) == 0  # no consent needed: nothing is sent
        assert len(server.requests) == asked
    out = capsys.readouterr().out
    assert "--- user" in out and "nothing was sent" in out and "未发送任何内容" in out
    assert not project.llm.remote_confirmed("https://api.deepseek.com")


def test_the_scope_limits_the_documents_sent(project):
    uncoded = project.scope("coded:no").doc_ids
    assert uncoded and len(uncoded) == 1
    with ChatServer([{"reply": coder}]) as server:
        result = run(project, server, task="open", scope="coded:no")
        assert {s["document"] for s in result.suggestions} == set(uncoded)
        assert result.suggestions[0]["parameters"]["scope"] == "coded:no"
        with pytest.raises(ParameterError) as err:
            run(project, server, task="open", scope="coded:no and coded:yes")
    assert "selects no documents" in err.value.en and len(server.requests) == 1
