"""Batch coding (``project.codings.add_batch``, ``zhagen coding add --from FILE.csv``): many
spans in one transaction and one undo step; a bad row is named by its line and left out."""

from __future__ import annotations

import pytest

import zhagen
from zhagen.cli import main
from zhagen.errors import InputError

BODIES = ["企业是创新主体。政府提供政策支持。高校培养人才。", "数字经济发展迅速。人才是第一资源。"]


@pytest.fixture()
def project(tmp_path):
    for i, body in enumerate(BODIES):
        (tmp_path / f"d{i}.txt").write_text(body, encoding="utf-8")
    path = tmp_path / "p.zhagen"
    with zhagen.Project.create(path) as p:
        p.add([tmp_path / "d0.txt", tmp_path / "d1.txt"])
        cat = p.codes.add("创新主体", level=2)
        p.codes.add("企业主体", parent=cat)
        other = p.codes.add("人才", level=2)
        p.codes.add("企业主体", parent=other, allow_duplicate=True)  # an ambiguous name
        p.codes.add("政策支持")
    return path


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_good_rows_coded_bad_rows_named_one_undo(project, tmp_path):
    with zhagen.open(project) as p:
        title = p.documents.get(2)["title"]
    csv_file = _write(tmp_path / "b.csv", (
        "document,start,end,sentence,code,coder,memo\n"
        "1,0,2,,创新主体/企业主体,甲,企业\n"          # 2: id, path, memo
        f"{title},,,2,政策支持,,\n"                     # 3: title, sentence from 1
        "1,,,3,#5,乙,\n"                                 # 4: code by id, another coder
        "9,0,2,,政策支持,,\n"                            # 5: no such document
        "1,5,2,,政策支持,,\n"                            # 6: bad span
        "2,,,7,政策支持,,\n"                             # 7: no sentence 7
        "1,0,2,,企业主体,,\n"                            # 8: ambiguous name
        "1,0,2,,没有这个,,\n"                            # 9: unknown code
        '1,0,3,,政策支持,甲,"两行\n备忘"\n'              # 10-11: memo with a line break
        "\n"
        "无此标题,0,2,,政策支持,,\n"                     # 13: unknown title
    ))  # fmt: skip
    with zhagen.open(project) as p:
        before = len(p.history(limit=None))
        r = p.codings.add_batch(csv_file, coder="丙")
        assert r.applied and r.rows == 10 and r.new == 4 and r.memos == 2
        assert [x.line for x in r.problems] == [5, 6, 7, 8, 9, 13]
        assert all(x.file == str(csv_file) and x.zh and x.en for x in r.problems)
        assert "no document with id 9" in r.problems[0].en
        assert "#2" in r.problems[3].zh and "#4" in r.problems[3].en  # both ambiguous ids
        assert "counted from 1" in r.problems[2].en
        rows = p.codings().sort_values("id")
        assert rows["text"].tolist() == ["企业", "人才是第一资源。", "高校培养人才。", "企业是"]
        assert rows["coder"].tolist() == ["甲", "丙", "乙", "甲"]
        assert sorted(p.memos()["text"]) == ["两行\n备忘", "企业"]
        assert len(p.history(limit=None)) == before + 1  # one undo step
        assert "batch-coded 4 spans" in p.undo()
        assert p.codings().empty and p.memos().empty
        p.redo()
        assert len(p.codings()) == 4
        again = p.codings.add_batch(csv_file, coder="丙")  # idempotent
        assert again.new == 0 and again.existing == 4 and len(p.codings()) == 4


def test_strict_codes_nothing_when_a_row_is_bad(project, tmp_path):
    csv_file = _write(tmp_path / "s.csv", "文档,起点,终点,编码\n1,0,2,政策支持\n1,0,99,政策支持\n")
    with zhagen.open(project) as p:
        r = p.codings.add_batch(csv_file, strict=True)
        assert not r.applied and r.new == 0 and [x.line for x in r.problems] == [3]
        assert p.codings().empty


def test_header_errors_and_encodings(project, tmp_path):
    bad = _write(tmp_path / "h.csv", "doc,code\n1,政策支持\n")
    with zhagen.open(project) as p, pytest.raises(InputError) as err:
        p.codings.add_batch(bad)
    assert err.value.file == str(bad) and err.value.line == 1
    assert "start+end / sentence" in err.value.en and "表头" in err.value.zh
    gbk = _write(tmp_path / "g.csv", "文档,句子,编码\r\n1,1,政策支持\r\n", encoding="gb18030")
    with zhagen.open(project) as p:
        r = p.codings.add_batch(gbk)
        assert r.new == 1 and not r.problems
        assert p.codings()["text"].tolist() == ["企业是创新主体。"]


def test_cli_batch(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZHAGEN_LANG", "en")
    csv_file = _write(tmp_path / "c.csv", "document,sentence,code\n1,1,政策支持\n1,9,政策支持\n")
    assert main(["coding", "add", str(project), "--from", str(csv_file)]) == 1
    out = capsys.readouterr()
    assert "read 2 rows: 1 new codings" in out.out and "1 bad row" in out.out
    assert f"{csv_file}: line 3: document #1 has no sentence 9" in out.err
    assert main(["--lang", "zh", "coding", "add", str(project), "--from", str(csv_file),
                 "--strict"]) == 1  # fmt: skip
    assert "没有编码任何一行" in capsys.readouterr().out
    assert main(["coding", "add", str(project), "1", "--from", str(csv_file)]) == 1
    assert "not both" in capsys.readouterr().err


def test_thousands_of_rows_are_one_edit(project, tmp_path):
    lines = ["document,start,end,code"]
    lines += [f"{1 + i % 2},{i % 10},{i % 10 + 1 + i // 10 % 5},政策支持" for i in range(3000)]
    csv_file = _write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    with zhagen.open(project) as p:
        r = p.codings.add_batch(csv_file, coder="甲")
        distinct = len({tuple(x.split(",")[:3]) for x in lines[1:]})
        assert r.new == distinct and r.existing == 3000 - distinct and not r.problems
        assert len(p.codings()) == distinct
        p.undo()
        assert p.codings().empty
