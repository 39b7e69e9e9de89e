"""Format detection from the reader modules' declarations (issue 9).

Each case is a file written here with the shape of a real-world file that the old ``if``
chain misread; the real corpora in ``../shared/corpora`` must be detected as before.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

import zhagen
from zhagen.errors import InputError
from zhagen.formats import (
    CHUNK_STARTS,
    FORMATS,
    SPECS,
    chunk_spans,
    detect_format,
    read_records,
    reader_for,
)
from zhagen.formats.detect import STRONG, Head
from zhagen.ingest import ImportPlan, ImportReport

NS = "urn:QDA-XML:project:1.0"


def _add(tmp_path: Path, *files: Path, plan: ImportPlan | None = None) -> ImportReport:
    with zhagen.Project.create(tmp_path / "p.zhagen") as project:
        return project.add([str(f) for f in files], plan=plan)


# ------------------------------------------------------------ the declarations


def test_tables_are_derived_from_the_declarations() -> None:
    names = [s.name for s in SPECS]
    assert len(names) == len(set(names)), "a format declared twice"
    for spec in SPECS:
        module = importlib.import_module(spec.module)
        assert spec in module.FORMAT_SPECS  # declared once, in its reader's module
        if spec.reader:
            assert FORMATS[spec.name] == (spec.module, spec.reader)
            assert callable(reader_for(spec.name))
        else:
            assert spec.name not in FORMATS and spec.redirect
        assert (spec.name in CHUNK_STARTS) == spec.chunkable
        for ext in spec.extensions:
            assert ext.startswith(".") and ext == ext.lower()


def test_every_sniff_returns_a_confidence_in_range() -> None:
    texts = ("", "x", "RT a\nA1 b", '{"a": 1}', "<html>", "题名,作者,来源\n")
    heads = [Head(t, e) for t in texts for e in (".txt", ".csv", ".xls")]
    for spec in SPECS:
        if spec.sniff is None:
            continue
        for head in heads:
            sniff = spec.sniff(head)
            assert 0.0 <= sniff.confidence <= 1.0
            assert sniff.reason or sniff.confidence == 0.0


# ------------------------------------------------------------ the cases


def _chinese_docs(n: int) -> list[dict[str, object]]:
    return [
        {
            "title": f"第{i}号文件：关于推进新质生产力发展的意见",
            "content": f"作者，研究者，编者，审校者，各方面，（第{i}篇）正文。" * 3,
            "author": "作者：张三，李四，王五",
            "year": 2000 + i,
        }
        for i in range(1, n + 1)
    ]


def test_jsonl_whose_first_line_has_zuozhe_and_commas_is_jsonl(tmp_path: Path) -> None:
    docs = _chinese_docs(16)
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", "utf-8")
    first = path.read_text("utf-8").split("\n", 1)[0]
    assert "作者" in first and first.count(",") + first.count("，") >= 3  # the trap
    assert detect_format(path) == "jsonl"
    records = list(read_records(path))
    assert [r.title for r in records] == [d["title"] for d in docs]
    report = _add(tmp_path, path)
    assert report.files[0].records == len(docs) and report.files[0].format == "jsonl"


def test_jsonl_cut_off_by_the_head_is_still_jsonl(tmp_path: Path) -> None:
    body = "正文，" * 40_000  # the first line is longer than the 64 KB detection reads
    path = tmp_path / "long"  # no extension to help
    path.write_text(json.dumps({"title": "长文", "content": body}, ensure_ascii=False) + "\n")
    assert detect_format(path) == "jsonl"


def _tabbed(text: str) -> str:
    """A WoS plain-text export with a TAB after each field tag, as some tool chains write."""
    return re.sub(r"(?m)^([A-Z][A-Z0-9]) ", "\\1\t", text)


def test_wos_with_tabs_after_tags_is_read_as_wos_with_every_record(
    tmp_path: Path, corpora: Path
) -> None:
    original = corpora / "wos" / "plaintext_344_fullrecord.txt"
    path = tmp_path / "savedrecs.txt"
    path.write_text(_tabbed(original.read_text("utf-8-sig")), "utf-8")
    assert "\t" in path.read_text("utf-8")[:20] and "PT\tJ" in path.read_text("utf-8")
    assert detect_format(path) == "wos"
    want = list(read_records(original))
    got = list(read_records(path))
    assert len(got) == len(want) == 344
    for a, b in zip(got, want, strict=True):
        assert (a.title, a.authors, a.year, a.doi, a.cited_refs, a.keywords, a.abstract) == (
            b.title, b.authors, b.year, b.doi, b.cited_refs, b.keywords, b.abstract,
        )  # fmt: skip
        assert a.extra == b.extra
        assert [p.code for p in a.problems] == [p.code for p in b.problems]
    # cut into chunks at the TAB variant of the record start, in parallel
    assert len(list(chunk_spans(path, "wos", size=64 << 10))) > 3
    plan = ImportPlan(workers=2, parallel_min_bytes=1, chunk_bytes=64 << 10)
    report = _add(tmp_path, path, plan=plan)
    assert report.files[0].format == "wos" and report.files[0].records == 344
    with zhagen.open(tmp_path / "p.zhagen") as p:
        assert list(p.documents()["record"]) == [r.record for r in want]


def test_small_wos_with_tabs_written_here(tmp_path: Path) -> None:
    text = (
        "FN\tClarivate Analytics Web of Science\nVR\t1.0\n"
        "PT\tJ\nAU\tLi, X\n\tWang, Y\nTI\tA title that wraps\n   onto a second line\nPY\t2024\nER\n\n"
        "PT\tJ\nAU\tZhao, Z\nTI\tAnother\nPY\t2023\nER\n\nEF\n"
    )
    path = tmp_path / "tabs.txt"
    path.write_text(text)
    assert detect_format(path) == "wos"
    records = list(read_records(path))
    assert [(r.title, r.year) for r in records] == [
        ("A title that wraps onto a second line", 2024),
        ("Another", 2023),
    ]
    assert [r.authors for r in records] == [["Li, X", "Wang, Y"], ["Zhao, Z"]]
    assert not [p for r in records for p in r.problems if p.code == "wos-stray-line"]


@pytest.mark.parametrize("ext, fmt", [(".md", "md"), (".txt", "txt")])
def test_prose_mentioning_an_estudy_label_is_prose(tmp_path: Path, ext: str, fmt: str) -> None:
    text = (
        "# 知网研学导出说明\n\n"
        "知网研学（E-Study）导出的每条记录以 `DataType: 1` 开头，字段形如 Title-题名、"
        "Author-作者。本文讨论如何把这些字段映射到 zhagen 的记录。\n\n"
        "例如 Title-题名 对应标题，Keyword-关键词 对应关键词。\n"
    )
    path = tmp_path / f"notes{ext}"
    path.write_text(text)
    assert detect_format(path) == fmt
    [rec] = read_records(path)
    assert rec.format == fmt and "Title-题名" in rec.text


def _qde_text(*, path: str = "interview_1.txt", name: str | None = None) -> str:
    named = f' name="{name}"' if name else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="qc" origin="qc">'
        '<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="信任" '
        'isCodable="true"/></Codes></CodeBook><Sources>'
        f'<TextSource guid="22222222-2222-2222-2222-222222222222"{named} plainTextPath="{path}">'
        '<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="0" '
        'endPosition="4"><Coding guid="44444444-4444-4444-4444-444444444444">'
        '<CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )


def _qdpx(path: Path, members: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("kind", ["qdpx", "qde", "qde-renamed"])
def test_refi_qda_given_to_add_says_use_import_qdpx(tmp_path: Path, kind: str) -> None:
    if kind == "qdpx":
        path = _qdpx(tmp_path / "p.qdpx", {"project.qde": _qde_text()})
    else:
        path = tmp_path / ("p.qde" if kind == "qde" else "p.xml")
        path.write_text(_qde_text())
    with pytest.raises(InputError) as err:
        detect_format(path)
    message = err.value.message
    assert "zhagen import-qdpx" in message and str(path) in message
    assert "REFI-QDA" in message and "项目" in message  # bilingual
    report = _add(tmp_path, path)
    assert report.files[0].status == "failed" and report.files[0].records == 0
    assert "import-qdpx" in report.files[0].problems[0].message


RIS = "".join(
    f"TY  - JOUR\nAU  - Li, {i}\nTI  - Title {i}\nPY  - 2024\nJO  - Journal\nER  - \n\n"
    for i in range(5)
)
BIBTEX = "".join(
    f"@article{{li{i},\n  title = {{标题{i}}},\n  author = {{Li, Ming}},\n  year = {2020 + i}\n}}\n\n"
    for i in range(3)
)


@pytest.mark.parametrize(
    "name, text, words",
    [("export.txt", RIS, ["导出", "field tag"]), ("refs.bib", BIBTEX, ["BibTeX"])],
)
def test_an_export_of_no_known_format_is_a_problem_not_prose(
    tmp_path: Path, name: str, text: str, words: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as err:
        detect_format(path)
    message = err.value.message
    assert str(path) in message and "--format txt" in message
    assert all(w in message for w in words), message
    report = _add(tmp_path, path)
    assert report.files[0].status == "failed" and report.files[0].records == 0
    # forced, it is prose (the user said so)
    assert [r.format for r in read_records(path, "txt")] == ["txt"]


def test_tagged_lookalike_of_a_known_format_without_records_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n")
    assert detect_format(path) == "wos"
    report = _add(tmp_path, path)
    assert report.files[0].status == "failed" and report.files[0].records == 0
    assert "Web of Science" in report.files[0].problems[0].message


def test_content_contradicting_its_extension_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("RT Journal Article\nA1 李明\nT1 标题\nYR 2024\n\nRT Journal Article\nT1 二\n")
    with pytest.raises(InputError) as err:
        detect_format(path)
    message = err.value.message
    assert ".jsonl" in message and "cnki-refworks" in message and "--format" in message
    assert str(path) in message
    # the same content in a .txt (which holds anything) is simply RefWorks
    txt = tmp_path / "records.txt"
    txt.write_bytes(path.read_bytes())
    assert detect_format(txt) == "cnki-refworks"


def test_weak_evidence_leaves_the_extension_in_charge(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("作者,年份,备注,其他\n张三,2020,无,无\n")  # 作者 but no title column
    assert detect_format(path) in {"cnki-table", "scopus"}
    head = Head(path.read_text(), ".csv")
    assert all(s.sniff(head).confidence < STRONG for s in SPECS if s.sniff)


# ------------------------------------------------------------ the real files


#: From ../shared/corpora/README.md: what each file is.
CORPORA = {
    "cnki/refworks_2024_298.txt": "cnki-refworks",
    "cnki/endnote_40.txt": "cnki-endnote",
    "cnki/noteexpress_15_alltypes.net": "cnki-noteexpress",
    "cnki/noteexpress_12.net": "cnki-noteexpress",
    "cnki/noteexpress_1_linebreak.net": "cnki-noteexpress",
    "cnki/estudy_20.txt": "cnki-estudy",
    "wos/plaintext_10.txt": "wos",
    "wos/plaintext_344_fullrecord.txt": "wos",
    "policy/government_work_reports.jsonl": "jsonl",
}


def test_every_real_corpus_file_is_detected_as_what_it_is(corpora: Path) -> None:
    seen = set()
    for path in sorted(corpora.rglob("*")):
        if not path.is_file() or path.name == "README.md":
            continue
        rel = path.relative_to(corpora).as_posix()
        want = "txt" if rel.startswith("seeds/") else CORPORA[rel]  # seeds: prose documents
        assert detect_format(path) == want, rel
        seen.add(rel)
    assert set(CORPORA) <= seen


def test_a_glossary_of_acronyms_is_prose(tmp_path: Path) -> None:
    lines = ["GDP 国内生产总值", "AI 人工智能", "CPI 居民消费价格指数", "PMI 采购经理指数"]
    lines += ["R&D 研究与试验发展", "ICT 信息通信技术", "IPO 首次公开募股", "5G 第五代移动通信"]
    path = tmp_path / "术语表.txt"
    path.write_text("\n".join(lines) + "\n")
    assert detect_format(path) == "txt"
    [rec] = read_records(path)
    assert all(line in rec.text for line in lines)


def test_a_qde_without_the_namespace_is_still_sent_to_import_qdpx(tmp_path: Path) -> None:
    path = tmp_path / "maxqda.qde"
    path.write_text('<?xml version="1.0"?>\n<Project name="x"><Sources/></Project>\n')
    with pytest.raises(InputError) as err:
        detect_format(path)
    assert "zhagen import-qdpx" in err.value.message


def test_zhagen_add_of_a_qdpx_says_use_import_qdpx(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ZHAGEN_LANG", "both")  # this test reads both languages
    from zhagen.cli import main

    qdpx = _qdpx(tmp_path / "nvivo.qdpx", {"project.qde": _qde_text()})
    text = tmp_path / "note.txt"
    text.write_text("一段普通的文字。\n")
    project = tmp_path / "p.zhagen"
    assert main(["new", str(project)]) == 0
    assert main(["add", str(project), str(qdpx)]) == 1  # nothing imported
    out = capsys.readouterr()
    assert "zhagen import-qdpx" in out.err and str(qdpx) in out.err
    assert main(["add", str(project), str(qdpx), str(text)]) == 0  # the batch goes on
    out = capsys.readouterr()
    assert "zhagen import-qdpx" in out.err and f"{text}: 1 条 / 1 records" in out.out


@pytest.mark.parametrize(
    "speaker",
    [
        lambda i: f"S{i % 3 + 1}：我觉得第{i}个问题要从实际出发。",
        lambda i: f"{'Q' if i % 2 else 'A'}{i // 2 + 1}: 关于合作的第{i}点看法。",
    ],
)
def test_an_interview_transcript_with_speaker_labels_is_prose(tmp_path: Path, speaker) -> None:
    lines = [speaker(i) for i in range(30)]
    path = tmp_path / "访谈记录.txt"
    path.write_text("\n".join(lines) + "\n")
    assert detect_format(path) == "txt"
    [rec] = read_records(path)
    assert lines[-1] in rec.text


@pytest.mark.parametrize(
    "text, fmt",
    [("PT J\nER\n\nPT J\nER\n\nEF\n", "wos"),  # record skeletons: tags, no fields
     ("TY  - JOUR\nER  - \n", None)],  # one RIS record with nothing in it
)  # fmt: skip
def test_skeleton_exports_are_problems_never_prose(tmp_path: Path, text: str, fmt) -> None:
    """Found by the audit: these were imported as one 'txt' document with a ✓."""
    path = tmp_path / "skeleton.txt"
    path.write_text(text)
    if fmt is None:
        with pytest.raises(InputError) as err:
            detect_format(path)
        assert "RIS" in err.value.message and str(path) in err.value.message
    else:
        assert detect_format(path) == fmt
    report = _add(tmp_path, path)
    assert report.files[0].status == "failed" and report.files[0].records == 0
    assert report.files[0].problems and report.files[0].problems[0].severity == "error"


def test_a_file_whose_every_record_was_dropped_with_an_error_failed(tmp_path: Path) -> None:
    """A reader that raised nothing but dropped every record with an error problem gave
    status 'ok' with 0 records; nothing was imported, so the file failed."""
    path = tmp_path / "norecords.txt"
    path.write_text("RT Journal Article\nSR 1\n\nRT Journal Article\nSR 1\n")
    report = _add(tmp_path, path)
    f = report.files[0]
    assert f.records == 0 and any(p.severity == "error" for p in f.problems)
    assert f.status == "failed" and report.failed == [f]
