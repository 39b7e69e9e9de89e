"""The tasks and prompts of the endpoint path as pure functions over plain data."""

from __future__ import annotations

import pytest

from zhagen.errors import InputError, ParameterError
from zhagen.suggest.llm.prompts import TASKS, load_prompt
from zhagen.suggest.llm.schema import parse_reply
from zhagen.suggest.llm.tasks import plan, read

SENTENCES = [
    {"document": 3, "sentence": i, "start": 10 * i, "end": 10 * i + 9, "text": text}
    for i, text in enumerate(["政府提供政策支持。", "企业是创新主体。", "高校培养人才。"])
]
BOOK = [
    {"id": 1, "name": "政策支持", "description": "政府的扶持", "examples": ["财政补贴"]},
    {"id": 2, "name": "创新主体", "description": "", "examples": []},
]


def test_every_shipped_prompt_loads_and_renders_with_its_task_values():
    for task in TASKS:
        prompt = load_prompt(task)
        assert prompt.version.startswith(task + "-") and "$schema" in prompt.user
    inputs = {"deductive": SENTENCES, "open": SENTENCES,
              "axial": [{"name": "政策支持", "description": "", "quotes": []}],
              "storyline": [{"name": "协同创新", "description": "", "members": ["政策支持"]}]}  # fmt: skip
    for task in TASKS:
        [planned] = plan(task, inputs[task], model="m", codebook=BOOK, batch_size=10)
        assert "$" not in planned.request.messages[1]["content"].replace("$ref", "")


def test_the_prompt_hash_names_model_messages_and_parameters():
    def key(**kw):
        options = {"model": "m", "codebook": BOOK, "batch_size": 10, **kw}
        return plan("deductive", SENTENCES, **options)[0].request.prompt_hash

    assert key() == key()  # stable: a re-run finds its cache
    assert len({key(), key(model="n"), key(temperature=0.7), key(seed=1), key(top=2)}) == 5


def test_batches_keep_order_and_number_from_one():
    planned = plan("open", SENTENCES, model="m", batch_size=2)
    assert [[s["sentence"] for s in p.items] for p in planned] == [[0, 1], [2]]
    assert "[1] 高校培养人才。" in planned[1].request.messages[1]["content"]
    assert (
        planned[1].request.schema["properties"]["concepts"]["items"]["properties"]["sentence"][
            "maximum"
        ]
        == 1
    )


def test_the_code_book_and_its_examples_are_in_the_prompt_and_the_schema():
    [planned] = plan("deductive", SENTENCES, model="m", codebook=BOOK)
    user = planned.request.messages[1]["content"]
    assert "- 政策支持：政府的扶持" in user and "「财政补贴」" in user
    code = planned.request.schema["properties"]["codings"]["items"]["properties"]["code"]
    assert code["enum"] == ["政策支持", "创新主体"]
    # a code outside the book does not fit the schema, so the client asks again
    bad = '{"codings": [{"sentence": 1, "code": "无关", "score": 1, "quote": "", "rationale": ""}]}'
    assert parse_reply(bad, planned.request.schema)[1]


def test_read_ranks_by_score_keeps_the_best_of_a_repeat_and_cuts_at_top():
    [planned] = plan("deductive", SENTENCES, model="m", codebook=BOOK, top=1)

    def coding(k, code, score):
        return {"sentence": k, "code": code, "score": score, "quote": "", "rationale": "r"}

    reply = {"codings": [coding(2, "政策支持", 0.3), coding(2, "创新主体", 0.7),
                         coding(2, "政策支持", 0.9), coding(1, "政策支持", 0.5)]}  # fmt: skip
    out = read(planned, reply)
    got = [(s["sentence"], s["code"], s["score"], s["rank"]) for s in out.suggestions]
    assert got == [(0, 1, 0.5, 1), (1, 1, 0.9, 1)]
    assert all(s["start"] == 10 * s["sentence"] for s in out.suggestions)


def test_a_deductive_run_needs_a_code_book():
    with pytest.raises(ParameterError) as err:
        plan("deductive", SENTENCES, model="m")
    assert "编码本" in err.value.zh and "--task open" in err.value.en


def test_a_prompt_file_that_is_not_toml_names_the_file(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("version = \n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_prompt("open", bad)
    assert err.value.file == str(bad) and "TOML" in err.value.en
    with pytest.raises(InputError) as err:
        load_prompt("open", tmp_path / "missing.toml")
    assert "cannot read" in err.value.en
