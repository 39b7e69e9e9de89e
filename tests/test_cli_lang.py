"""The CLI in one language (``--lang``, ``ZHAGEN_LANG``, the locale), sentence numbers from 1,
duplicate code names, and the saturation verdict of the normal workflow (draw, code the model
documents, then the held-out ones) as the command line prints it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import zhagen
from test_cli_coding import run
from zhagen.cli import build_parser, main
from zhagen.console import default_lang

TEXT = "企业是创新主体。政府提供政策支持。高校培养人才。"


@pytest.fixture()
def proj(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "both")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = str(tmp_path / "s.zhagen")
    assert main(["new", path]) == 0 and main(["add", path, str(tmp_path / "a.txt")]) == 0
    capsys.readouterr()
    return path


# -- language --------------------------------------------------------------------------------
def test_lang_option_before_or_after_the_command(proj, capsys):
    code, out, _ = run(capsys, "--lang", "zh", "code", "add", proj, "政策支持")
    assert code == 0 and out.strip() == "已创建编码 #1「政策支持」"
    code, out, _ = run(capsys, "code", "add", proj, "人才", "--lang", "en")
    assert code == 0 and out.strip() == "created code #2 '人才'"
    code, out, _ = run(capsys, "code", "add", proj, "高校", "--lang", "both")
    assert out.strip() == "已创建编码 #3「高校」 / created code #3 '高校'"


def test_errors_in_the_chosen_language(proj, capsys):
    code, _, err = run(capsys, "coding", "add", proj, "9", "0", "2", "无此编码", "--lang", "en")
    assert code == 1 and err == "zhagen: no document with id 9; list ids with `zhagen docs`\n"
    code, _, err = run(capsys, "--lang", "zh", "coding", "add", proj, "1", "0", "2", "无此编码")
    assert code == 1 and "没有名为「无此编码」的编码" in err and "no code" not in err


def test_environment_and_locale_decide_when_no_option(proj, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "en")
    assert run(capsys, "code", "add", proj, "甲")[1].strip() == "created code #1 '甲'"
    assert run(capsys, "--lang", "zh", "code", "add", proj, "乙")[1].strip().startswith("已创建")
    monkeypatch.delenv("ZHAGEN_LANG")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run(capsys, "code", "add", proj, "丙")[1].strip() == "已创建编码 #3「丙」"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL wins over LANG
    assert run(capsys, "code", "add", proj, "丁")[1].strip() == "created code #4 '丁'"


def test_default_language_rule():
    assert default_lang({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert default_lang({"LANG": "en_GB.UTF-8"}) == "en"
    assert default_lang({"LC_MESSAGES": "zh_CN", "LANG": "en_US"}) == "zh"
    assert default_lang({"ZHAGEN_LANG": "ZH", "LANG": "en_US"}) == "zh"
    assert default_lang({"ZHAGEN_LANG": "klingon", "LANG": "zh_CN"}) == "zh"  # ignored


def test_argparse_errors_and_a_fresh_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LANG": "zh_CN.UTF-8"}
    env.pop("ZHAGEN_LANG", None)
    env.pop("LC_ALL", None)
    r = subprocess.run([sys.executable, "-m", "zhagen", "show", str(tmp_path / "x.zhagen"), "1"],
                       capture_output=True, text=True, env=env, check=False)  # fmt: skip
    assert r.returncode == 1 and "找不到项目文件" in r.stderr and "not found" not in r.stderr


def test_map_keeps_its_keyword_language():
    parser = build_parser()
    args = parser.parse_args(["--lang", "en", "map", "p", "--lang", "zh", "--out", "o"])
    assert args.ui_lang == "en" and args.lang == "zh"


# -- sentence numbers from 1 -----------------------------------------------------------------
def test_sentence_numbers_count_from_one(proj, capsys):
    code, out, _ = run(capsys, "show", proj, "1", "--sentences")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("[1] 0-8") and lines[2].startswith("[3] ")
    run(capsys, "code", "add", proj, "人才培养")
    assert run(capsys, "coding", "sentences", proj, "1", "人才培养", "3")[0] == 0
    with zhagen.open(proj) as p:
        row = p.codings().iloc[0]
    assert row["text"] == "高校培养人才。"  # the line printed as [3]
    code, _, err = run(capsys, "--lang", "en", "coding", "sentences", proj, "1", "人才培养", "0")
    assert code == 1 and "no sentence 0" in err and "numbered from 1" in err
    code, _, err = run(capsys, "--lang", "zh", "coding", "sentences", proj, "1", "人才培养", "4")
    assert code == 1 and "没有第 4 句（共 3 句，编号从 1 开始）" in err


# -- duplicate code names --------------------------------------------------------------------
def test_code_add_refuses_a_name_in_use_unless_asked(proj, capsys):
    run(capsys, "code", "add", proj, "政策环境", "--level", "2")
    run(capsys, "code", "add", proj, "财政补贴")
    code, out, err = run(capsys, "code", "add", proj, "财政补贴", "--parent", "政策环境")
    assert code == 1 and out == ""
    assert "已有名为「财政补贴」的编码（#2）" in err and "already exists (#2)" in err
    assert "--allow-duplicate" in err
    code, _, err = run(capsys, "code", "add", proj, "财政补贴")  # same place: never
    assert code == 1 and "#2" in err
    assert run(capsys, "code", "add", proj, "财政补贴", "--parent", "政策环境",
               "--allow-duplicate")[0] == 0  # fmt: skip
    with zhagen.open(proj) as p:
        assert p.codes()["name"].tolist().count("财政补贴") == 2


# -- saturation, the normal workflow, through the command line ------------------------------
def test_saturation_draw_first_then_code(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "en")
    path = tmp_path / "s.zhagen"
    bodies = ["企业牵头攻关。高校培养人才。", "政府出台政策。企业牵头攻关。",
              "高校培养人才。政府出台政策。", "企业牵头攻关。政府出台政策。",
              "高校培养人才。企业牵头攻关。", "政府出台政策。高校培养人才。"]  # fmt: skip
    for i, body in enumerate(bodies):
        (tmp_path / f"{i}.txt").write_text(body, encoding="utf-8")
    with zhagen.Project.create(path) as p:
        p.add([tmp_path / f"{i}.txt" for i in range(len(bodies))])
    sat = ["saturation", str(path), "--holdout", "1/3", "--seed", "5"]
    # 1. draw before any coding: a warning, and the verdict cannot judge yet
    code, out, err = run(capsys, *sat)
    assert code == 0 and "drawn from uncoded documents" in err
    assert "Cannot judge yet: 2 held-out documents uncoded" in out
    doc = json.loads(run(capsys, *sat, "--format", "json")[1])
    held, model = doc["holdout"], doc["model"]
    assert len(held) == 2 and len(model) == 4
    # 2. code the model documents, creating the codes as one does
    with zhagen.open(path) as p:
        cat = p.codes.add("创新主体", level=2)
        for name in ("企业牵头", "高校育人", "政府政策"):
            p.codes.add(name, parent=cat)
        for d in model:
            for s, e, name in _spans(p.documents.text(d)):
                p.codings.add(d, s, e, name, coder="甲")
    out = run(capsys, *sat)[1]
    assert "Cannot judge yet: 2 held-out documents uncoded" in out  # same draw, reused
    assert json.loads(run(capsys, *sat, "--format", "json")[1])["holdout"] == held
    # 3. one held-out document coded: still one to go
    with zhagen.open(path) as p:
        for s, e, name in _spans(p.documents.text(held[0])):
            p.codings.add(held[0], s, e, name, coder="甲")
    out = run(capsys, *sat, "--lang", "zh")[1]
    assert "尚无法判断：1 份预留文档未编码" in out and f"尚未编码的预留文档：{held[1]}" in out
    # 4. both coded with the model's codes: saturated (the codes made after the draw for
    # the model documents are not new)
    with zhagen.open(path) as p:
        for s, e, name in _spans(p.documents.text(held[1])):
            p.codings.add(held[1], s, e, name, coder="甲")
    doc = json.loads(run(capsys, *sat, "--format", "json")[1])
    assert doc["saturated"] is True and doc["new"] == [], doc["new"]
    # 5. a concept the held-out documents alone bring
    with zhagen.open(path) as p:
        p.codes.add("攻关任务", parent="创新主体")
        p.codings.add(held[0], 0, 4, "攻关任务", coder="甲")
    code, out, _ = run(capsys, *sat)
    assert "Not saturated" in out and "攻关任务" in out and "reason_zh" not in out


def _spans(text):
    names = {"企业": "企业牵头", "高校": "高校育人", "政府": "政府政策"}
    start = 0
    for sentence in text.split("。"):
        if sentence:
            yield start, start + len(sentence) + 1, names[sentence[:2]]
        start += len(sentence) + 1
