"""``zhagen report``: the study's method and results sections as DOCX and offline HTML.

The study is written by the tests (tests/test_study.py's texts and two coders' coding, and a
three-record RefWorks export from tests/test_study_kinds.py as the literature set); it is
run once per module, then reported.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import pytest

import zhagen
from test_study import _fix_titles, _study
from test_study_kinds import REFWORKS
from zhagen.cli import main
from zhagen.errors import InputError
from zhagen.report.docx_tables import RULE_THICK, RULE_THIN
from zhagen.study import build_report, run_study, write_report
from zhagen.study.tomlw import dumps

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "s"
    path = _study(folder, with_map=False)
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    (folder / "data" / "lit.txt").write_text(REFWORKS.replace("\n", "\r\n"), encoding="utf-8")
    doc["inputs"].append({"path": "data/lit.txt"})
    coding = doc.pop("coding")
    doc["steps"] = {}
    path.write_text(dumps(doc), encoding="utf-8")
    run_study(path)  # the documents first, so that the coding CSV can name their titles
    _fix_titles(path)  # the RefWorks records share the stem "lit", which no row names
    doc["coding"] = coding
    doc["steps"] = {
        "sets": {"kind": "sets", "params": {"literature": {"query": "source:lit.txt"},
                                            "coding": {"query": "not set:literature"}}},
        "stats": {"kind": "stats", "scope": "set:literature", "params": {"top": 5}},
        "keywords": {"kind": "map", "scope": "set:literature",
                     "params": {"nodes": "keyword", "top": 10, "min_freq": 1}},
        "tables": {"kind": "tables", "scope": "set:coding", "params": {"coder": "甲"}},
        "saturation": {"kind": "saturation", "scope": "set:coding",
                       "params": {"holdout": "1/4", "seed": 3, "coder": "甲"}},
        "agreement": {"kind": "agreement", "scope": "set:coding", "coders": ["甲", "乙"],
                      "params": {"unit": "sentence"}},
    }  # fmt: skip
    path.write_text(dumps(doc), encoding="utf-8")
    run_study(path)
    return path


def test_docx_has_numbered_captions_and_three_line_tables(study: Path, tmp_path: Path) -> None:
    from docx import Document

    report, files = write_report(study, tmp_path / "report")
    docx = Document(str(files[0]))
    captions = [p.text for p in docx.paragraphs if p.style.name == "表题"]
    figures = [c for c in captions if c.startswith("图")]
    tables = [c for c in captions if c.startswith("表")]
    assert [c.split()[0] for c in figures] == [f"图{k}" for k in range(1, report.figures + 1)]
    assert [c.split()[0] for c in tables] == [f"表{k}" for k in range(1, report.tables + 1)]
    assert report.figures >= 3 and report.tables >= 5  # flow, annual output, map; sets … agreement
    assert any("开放式编码结果" in c for c in tables) and any("编码一致性" in c for c in tables)
    assert len(docx.tables) == report.tables
    for table in docx.tables:
        borders = table._tbl.tblPr.find(f"{W}tblBorders")
        edge = {e.tag[len(W) :]: (e.get(f"{W}val"), e.get(f"{W}sz")) for e in borders}
        assert edge["top"] == edge["bottom"] == ("single", str(RULE_THICK))
        assert {edge[k][0] for k in ("left", "right", "insideH", "insideV")} == {"nil"}
        head = table.rows[0].cells[0]._tc.tcPr.find(f"{W}tcBorders")
        assert head.find(f"{W}bottom").get(f"{W}sz") == str(RULE_THIN)
    with zipfile.ZipFile(files[0]) as z:  # the figures are in the file, not linked
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == report.figures
        assert b"SimSun" in z.read("word/styles.xml")


def test_html_is_self_contained(study: Path, tmp_path: Path) -> None:
    report, files = write_report(study, tmp_path / "report")
    page = files[1].read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", page, re.I)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    images = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert len(images) == report.figures and all(i.startswith("data:image/") for i in images)
    assert "图1 文献检索与筛选流程" in page and "表1 " in page
    assert '<html lang="zh-CN">' in page


def test_counts_in_the_report_are_the_projects(study: Path) -> None:
    report = build_report(study, examples=1)
    with zhagen.open(str(study.parent / "coding.zhagen")) as p:
        literature = p.scope("set:literature")
        counts = p.reports.tables(coder="甲", scope="set:coding")["编码数量"]
        open_rows = p.reports.tables(scope="set:coding")["开放式编码"]
    screen = report.counts["screening"]
    assert screen == {"exported": 3, "duplicates": 0, "screened": 3, "kept": literature.count,
                      "excluded": 0}  # fmt: skip
    assert report.counts["stats_records"] == 3
    assert report.counts["chain"] == [int(v) for v in counts["数量"]]
    text = "\n".join(b.text for b in report.blocks)
    assert " → ".join(str(v) for v in report.counts["chain"]) in text
    assert f"共导出 {screen['exported']} 条记录" in text
    # one example per concept; the sentence 甲 and 乙 coded differently is two rows
    table = next(b.frame for b in report.blocks if "开放式编码" in b.caption)
    assert list(table.columns) == ["原始语句", "初始概念", "初始范畴", "编码者"]
    assert table["初始概念"].nunique() == open_rows["初始概念"].nunique()
    disputed = table[table.duplicated("原始语句", keep=False)]
    assert len(disputed) == 2 and set(disputed["编码者"]) == {"甲", "乙"}
    assert disputed["初始概念"].nunique() == 2
    # the code book leaves some 内涵 empty: the report says which
    assert any("没有内涵" in zh and "技术攻关" in en for zh, en in report.warnings)
    kappa = next(b.frame for b in report.blocks if "编码一致性" in b.caption)
    assert "Cohen's κ" in set(kappa["指标"]) and "(p_o − p_e)" in " ".join(kappa["定义"])


def test_report_needs_a_run_and_cli(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    lonely = tmp_path / "lonely" / "study.toml"
    lonely.parent.mkdir()
    lonely.write_text('[study]\nproject = "p.zhagen"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_report(lonely)
    assert "zhagen run" in caught.value.en and "manifest.json" in caught.value.zh
    with pytest.raises(zhagen.ZhagenError):
        build_report(study, examples=0)
    out = tmp_path / "cli"
    assert main(["--lang", "en", "report", str(study), "--out", str(out), "--examples", "3"]) == 0
    assert "report.docx" in capsys.readouterr().out
    assert (out / "report.docx").is_file() and (out / "figures" / "screening_flow.png").is_file()
    after = tmp_path / "after_run"
    assert main(["--lang", "en", "run", str(study), "--report", str(after)]) == 0
    assert "steps ran" in capsys.readouterr().out and (after / "report.html").is_file()


def test_report_is_the_same_bytes_twice(study: Path, tmp_path: Path) -> None:
    _, first = write_report(study, tmp_path / "a")
    _, second = write_report(study, tmp_path / "b")
    assert [f.name for f in first] == [f.name for f in second]
    assert [f.read_bytes() for f in first] == [f.read_bytes() for f in second]
    assert {f.suffix for f in first} >= {".docx", ".html", ".png", ".svg"}
