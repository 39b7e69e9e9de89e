"""Tests for zhagen.formats.wos: WoS plain text, CiteSpace-converted CNKI, tab-delimited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import detect_format, read_records
from zhagen.formats import wos as wos_module
from zhagen.formats.wos import read_wos, read_wos_tab
from zhagen.records import RawRecord

# --------------------------------------------------------------------------- helpers


def _wos(corpora: Path, name: str) -> Path:
    return corpora / "wos" / name


def _simple_scan(path: Path) -> list[dict[str, list[str]]]:
    """An independent, deliberately naive reading: tag -> list of raw lines, per record."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    tag = ""
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        if raw == "ER":
            records.append(current)
            current, tag = {}, ""
        elif raw.startswith("   ") and tag:
            current[tag].append(raw.strip())
        elif len(raw) > 2 and raw[2] == " " and raw[:2] not in ("FN", "VR"):
            tag = raw[:2]
            current[tag] = [raw[3:].strip()]
    return records


def _records(data: bytes | str, name: str = "inline.txt") -> list[RawRecord]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(read_wos(io.BytesIO(raw), name=name))


# --------------------------------------------------------------------------- real files


def test_plaintext_10_counts_and_first_record(corpora: Path) -> None:
    recs = list(read_wos(_wos(corpora, "plaintext_10.txt")))
    assert len(recs) == 10
    assert [r.record for r in recs] == list(range(1, 11))
    assert all(r.format == "wos" and r.problems == [] for r in recs)
    first = recs[0]
    assert first.title == (
        "Review of cyclin-dependent kinase 4/6 inhibitors in the treatment of "
        "advanced or metastatic breast cancer"
    )
    assert first.authors == [
        "Husinka, Lakyn",
        "Koerner, Pamela H.",
        "Miller, Rick T.",
        "Trombatt, William",
    ]
    assert first.extra["au"].split("\n") == [
        "Husinka, L",
        "Koerner, PH",
        "Miller, RT",
        "Trombatt, W",
    ]
    assert first.keywords["en"] == [
        "Palbociclib",
        "abemaciclib",
        "ribociclib",
        "breast cancer",
        "cancer",
        "side effects",  # wrapped over two lines in the file
        "safety",
        "adverse events",
    ]
    assert first.year == 2021
    assert first.doi == "10.1080/21556660.2020.1857103"
    assert first.venue == "JOURNAL OF DRUG ASSESSMENT"
    assert first.type == "journal" and first.extra["dt"] == "Review"
    assert first.lang == "en"
    assert first.affiliations == [
        "AllianceRx Walgreens Prime, Pittsburgh, PA USA.",
        "Duquesne Univ, Sch Pharm, Pittsburgh, PA 15219 USA.",
    ]
    assert first.extra["c1"].startswith("[Husinka, Lakyn; Miller, Rick T.; Trombatt, William]")
    assert len(first.cited_refs) == 18
    assert first.cited_refs[0] == "ACS, 2020, BREAST CANC COMM BRE"
    assert first.extra["ut"] == "WOS:000602649200001"
    # a structured abstract keeps its headed paragraphs
    assert first.abstract.startswith("Objective\nThe purpose of this study is to review CDK 4/6")
    assert "\nMethods\nThis retrospective cohort study" in first.abstract


def test_plaintext_10_last_record(corpora: Path) -> None:
    last = list(read_wos(_wos(corpora, "plaintext_10.txt")))[-1]
    assert last.record == 10
    assert last.title == (
        "Umbelliprenin Suppresses Angiogenesis Signaling in SKBR-3 Cell Line by "
        "Downregulation of EGF/CoCl2 -Mediated PI3K/AKT/MAPK"
    )
    assert last.authors[:2] == ["Atabakhshian, Roya", "Salami, Siamak"]
    assert len(last.authors) == 10
    assert last.keywords == {
        "en": ["angiogenesis", "breast cancer", "CoCl2", "EGF", "umbelliprenin"],
        "plus": [
            "CANCER",
            "VEGF",
            "HIF-1-ALPHA",
            "APOPTOSIS",
            "GROWTH",
            "EXPRESSION",
            "INCREASES",
            "COUMARINS",
            "TARGETS",
        ],
    }
    assert last.all_keywords()[:2] == ["angiogenesis", "breast cancer"]
    assert (last.year, last.volume, last.issue, last.pages) == (2021, "8", "1", "7-18")
    assert last.doi == "10.22127/rjp.2020.119314"
    assert (last.issn, last.extra["ei"]) == ("2345-4458", "2345-5977")
    assert last.extra["pd"] == "WIN" and last.extra["nr"] == "41"
    assert len(last.cited_refs) == 41
    assert last.extra["fx"].startswith("This research was funded by grant number 11214 from the")


def test_plaintext_344_fullrecord(corpora: Path) -> None:
    recs = list(read_wos(_wos(corpora, "plaintext_344_fullrecord.txt")))
    assert len(recs) == 344
    # one record is a retracted article (DT "Article; Retracted Publication"): flagged, kept
    flagged = [(r.record, [p.code for p in r.problems]) for r in recs if r.problems]
    assert flagged == [(219, ["wos-retracted"])]
    retracted = recs[218]
    assert retracted.extra["dt"] == "Article; Retracted Publication"  # as given
    assert retracted.type == "journal" and retracted.title.startswith("RETRACTED: ")
    assert "retracted" in retracted.problems[0].en
    first, last = recs[0], recs[-1]
    assert first.title == (
        "Choice of treatments of the coronal shear fractures of the humerus. "
        "A national survey of Italian AO members"
    )
    assert len(first.authors) == 17
    assert (first.authors[0], first.authors[-1]) == ("Vicenti, Giovanni", "Moretti, Biagio")
    assert first.keywords["en"] == [
        "Distal humerus fractures",
        "Coronal shear fractures",
        "AO Trauma Italy survey",
    ]
    assert first.keywords["plus"][:3] == ["DISTAL HUMERUS", "OPEN REDUCTION", "INTERNAL-FIXATION"]
    assert (first.year, first.volume, first.pages) == (2023, "54", "S78-S84")
    assert first.extra["su"] == "1" and first.extra["ea"] == "APR 2023"
    assert first.doi == "10.1016/j.injury.2022.11.015"
    assert len(first.cited_refs) == 44
    assert first.cited_refs[-1] == (
        "Yari SS, 2015, WORLD J CLIN CASES, V3, P405, DOI 10.12998/wjcc.v3.i5.405"
    )
    assert first.extra["oi"] == (
        "Buono, Claudio/0000-0002-7597-6425; Zavattini, Giacomo/0000-0002-4931-1294"
    )
    assert last.title == (
        "Patient Characteristics, Treatment, and Presenting PROMIS Scores Associated with "
        "Number of Office Visits for Traumatic Hand and Wrist Conditions"
    )
    assert last.authors[0] == "Bernstein, David N." and len(last.authors) == 5
    assert last.year == 2019 and last.doi == "10.1097/CORR.0000000000000742"
    assert "en" not in last.keywords  # this record has no DE field
    assert len(last.cited_refs) == 27
    assert recs[1].authors[0] == "Bartonicek, Jan"  # AF; AU has the accented "Bartonícek, J"
    assert recs[1].extra["au"].startswith("Bartonícek, J")
    dts = {r.extra["dt"] for r in recs}
    assert dts == {"Article", "Article; Proceedings Paper", "Article; Retracted Publication"}
    assert {r.type for r in recs} == {"journal"}


@pytest.mark.parametrize("name", ["plaintext_10.txt", "plaintext_344_fullrecord.txt"])
def test_independent_scan_agrees(corpora: Path, name: str) -> None:
    path = _wos(corpora, name)
    recs = list(read_wos(path))
    text = path.read_text(encoding="utf-8-sig")
    er_lines = sum(1 for line in text.splitlines() if line == "ER")
    assert len(recs) == er_lines
    scanned = _simple_scan(path)
    assert [r.extra["ut"] for r in recs] == [s["UT"][0] for s in scanned]
    assert [len(r.cited_refs) for r in recs] == [len(s.get("CR", [])) for s in scanned]
    # DE keywords: join wrapped lines with a space and split on "; "
    de_counts = [len(" ".join(s["DE"]).split("; ")) if "DE" in s else 0 for s in scanned]
    assert [len(r.keywords.get("en", [])) for r in recs] == de_counts
    assert sum(de_counts) == (57 if name == "plaintext_10.txt" else 1506)
    assert [r.year for r in recs] == [int(s["PY"][0]) for s in scanned]
    assert [r.authors for r in recs] == [s["AF"] for s in scanned]


def test_detect_format_on_real_files(corpora: Path) -> None:
    assert detect_format(_wos(corpora, "plaintext_10.txt")) == "wos"
    assert detect_format(_wos(corpora, "plaintext_344_fullrecord.txt")) == "wos"


def test_small_chunks_give_the_same_records(corpora: Path, monkeypatch) -> None:
    path = _wos(corpora, "plaintext_10.txt")
    expected = list(read_wos(path))
    for size in (1, 7, 64, 1000):
        monkeypatch.setattr(wos_module, "_CHUNK", size)
        assert list(read_wos(path)) == expected


def test_concatenated_exports_with_crlf(corpora: Path, tmp_path: Path) -> None:
    """Users often join several savedrecs.txt files into one; Windows tools add CRLF."""
    raw = _wos(corpora, "plaintext_10.txt").read_bytes()
    joined = tmp_path / "joined.txt"
    joined.write_bytes((raw + raw).replace(b"\n", b"\r\n"))
    recs = list(read_wos(joined))
    assert len(recs) == 20
    assert recs[10].title == recs[0].title and recs[10].record == 11
    assert recs[19].cited_refs == recs[9].cited_refs
    assert not any(r.problems for r in recs)
    assert all("\r" not in r.abstract for r in recs)


# --------------------------------------------------------------------------- tab-delimited

_TAB_TAGS = "PT AU AF TI SO LA DT DE ID AB C1 CR NR TC PY VL IS BP EP DI SN EI UT".split()


def _tab_line(rec: RawRecord) -> str:
    values = {
        "PT": rec.extra["pt"],
        "AU": "; ".join(rec.extra["au"].split("\n")),
        "AF": "; ".join(rec.authors),
        "TI": rec.title,
        "SO": rec.venue,
        "LA": rec.extra["la"],
        "DT": rec.extra["dt"],
        "DE": "; ".join(rec.keywords.get("en", [])),
        "ID": "; ".join(rec.keywords.get("plus", [])),
        "AB": rec.abstract.replace("\n", " "),
        "C1": "; ".join(rec.extra.get("c1", "").split("\n")),
        "CR": "; ".join(rec.cited_refs),
        "NR": rec.extra["nr"],
        "TC": rec.extra["tc"],
        "PY": str(rec.year),
        "VL": rec.volume,
        "IS": rec.issue,
        "BP": rec.extra.get("bp", ""),
        "EP": rec.extra.get("ep", ""),
        "DI": rec.doi,
        "SN": rec.extra.get("sn", rec.issn),
        "EI": rec.extra.get("ei", ""),
        "UT": rec.extra["ut"],
    }
    return "\t".join(values[t] for t in _TAB_TAGS)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
@pytest.mark.parametrize("name", ["plaintext_10.txt", "plaintext_344_fullrecord.txt"])
def test_tab_delimited_round_trip(corpora: Path, tmp_path: Path, encoding: str, name: str) -> None:
    plain = list(read_wos(_wos(corpora, name)))
    lines = ["\t".join(_TAB_TAGS)] + [_tab_line(r) for r in plain]
    path = tmp_path / "savedrecs.txt"
    # Python's "utf-16" writes a BOM and little-endian on this platform, as WoS does
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    if encoding == "utf-16":
        assert path.read_bytes()[:2] == b"\xff\xfe"
    assert detect_format(path) == "wos-tab"
    tab = list(read_wos_tab(path))
    assert len(tab) == len(plain)
    for p, t in zip(plain, tab, strict=True):
        assert t.format == "wos-tab"
        assert [x.code for x in t.problems] == [x.code for x in p.problems]  # a retraction
        assert (t.title, t.authors, t.year, t.doi, t.venue) == (
            p.title,
            p.authors,
            p.year,
            p.doi,
            p.venue,
        )
        assert (t.volume, t.issue, t.pages, t.type, t.lang) == (
            p.volume,
            p.issue,
            p.pages,
            p.type,
            p.lang,
        )
        assert t.keywords == p.keywords
        assert t.cited_refs == p.cited_refs
        assert t.affiliations == p.affiliations
        assert t.extra["ut"] == p.extra["ut"] and t.extra["au"] == p.extra["au"]
        assert t.abstract.split() == p.abstract.split()


def test_tab_reads_open_file_and_reports_extra_columns() -> None:
    data = "PT\tAU\tTI\tPY\tUT\nJ\tLi, X; Wang, Y\tA title\t2024\tWOS:1\tstray\n"
    (rec,) = read_wos_tab(io.BytesIO(data.encode("utf-8")), name="tab.txt")
    assert rec.authors == ["Li, X", "Wang, Y"] and rec.year == 2024
    assert [p.code for p in rec.problems] == ["wos-tab-columns"]
    assert (rec.problems[0].record, rec.problems[0].line) == (1, 2)


def test_tab_c1_keeps_semicolons_inside_brackets() -> None:
    c1 = "[Li, X; Wang, Y] Peking Univ, Beijing, Peoples R China.; [Zhao, Z] Tsinghua Univ, China."
    data = f"PT\tAU\tTI\tC1\nJ\tLi, X\tT\t{c1}\n"
    (rec,) = read_wos_tab(io.BytesIO(data.encode()), name="tab.txt")
    assert rec.affiliations == ["Peking Univ, Beijing, Peoples R China.", "Tsinghua Univ, China."]


@pytest.mark.parametrize(
    "data",
    ["", "PT\tAU\tTI\n", "\n\n", "Title\tAuthors\nA\tB\n"],
    ids=["empty", "header-only", "blank", "not-wos"],
)
def test_tab_without_records_raises(data: str) -> None:
    with pytest.raises(InputError) as err:
        list(read_wos_tab(io.BytesIO(data.encode()), name="bad.txt"))
    assert err.value.file == "bad.txt" and err.value.zh and err.value.en


# --------------------------------------------------------------------------- inline fixtures

# Made up for these tests, in the layout CiteSpace writes when it converts a CNKI export
# (download_*.txt): WoS tags, Chinese content, UT CNKI:..., no FN/VR header.
CITESPACE_CNKI = """\
PT J
AU 张三
   李四
AF 张三
   李四
TI 新质生产力的理论内涵
   与实践路径
SO 经济研究
C1 北京大学经济学院;清华大学公共管理学院
DE 新质生产力;高质量发展; 科技创新；数字经济
AB 本文讨论新质生产力的理论内涵。
PY 2024
VL 59
IS 03
BP 4
EP 18
UT CNKI:JJYJ202403001
ER

PT J
AU 王五
TI 数字经济赋能乡村振兴：ChatGPT 时代的机遇
SO 中国软科学
DE 数字经济; ChatGPT; 乡村振兴
PY 2023
IS<SP>
VL
UT CNKI:ZGRK202312005
ER

""".replace("<SP>", " ")  # empty fields, one with a trailing blank as CiteSpace writes them


def test_citespace_converted_cnki() -> None:
    recs = _records(CITESPACE_CNKI.replace("\n", "\r\n"), "download_1.txt")
    assert len(recs) == 2
    first, second = recs
    assert first.format == "cnki-citespace"
    assert first.title == "新质生产力的理论内涵与实践路径"  # no space between Chinese lines
    assert first.authors == ["张三", "李四"]
    assert first.keywords == {"zh": ["新质生产力", "高质量发展", "科技创新", "数字经济"]}
    assert first.affiliations == ["北京大学经济学院", "清华大学公共管理学院"]
    assert (first.venue, first.year, first.volume, first.issue, first.pages) == (
        "经济研究",
        2024,
        "59",
        "03",
        "4-18",
    )
    assert first.lang == "zh" and first.type == "journal"
    assert first.extra["ut"] == "CNKI:JJYJ202403001"
    # as in the CNKI readers, a Latin keyword on the Chinese keyword line is Chinese-side
    assert second.keywords == {"zh": ["数字经济", "ChatGPT", "乡村振兴"]}
    assert second.title == "数字经济赋能乡村振兴：ChatGPT 时代的机遇"
    assert second.issue == second.volume == "" and "is" not in second.extra
    assert not first.problems and not second.problems


def test_citespace_cnki_through_registry(tmp_path: Path) -> None:
    path = tmp_path / "download_1.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\n" + CITESPACE_CNKI)
    assert detect_format(path) == "cnki-citespace"
    assert [r.format for r in read_records(path)] == ["cnki-citespace"] * 2


TRUNCATED = """\
FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Li, X
TI Complete record
PY 2020
ER

PT J
AU Wang, Y
TI Cut off
   in the middle"""


def test_truncated_record_is_kept_with_a_warning() -> None:
    recs = _records(TRUNCATED, "cut.txt")
    assert [r.title for r in recs] == ["Complete record", "Cut off in the middle"]
    assert recs[0].problems == []
    (problem,) = [p for p in recs[1].problems if p.code == "wos-truncated"]
    assert (problem.file, problem.record, problem.line, problem.severity) == (
        "cut.txt",
        2,
        9,
        "warning",
    )
    assert "ER" in problem.zh and "ER" in problem.en
    # no PY either: reported, not fatal
    assert "wos-no-year" in [p.code for p in recs[1].problems]


def test_missing_er_between_records_and_stray_line() -> None:
    data = (
        "PT J\nTI First\nPY 2020\n"  # no ER
        "PT J\nTI Second\nthis line has no tag\nPY 2021\nER\n"
        "PT J\nTI Third\nPY 2022\nER  \nEF\n"  # ER with trailing blanks
    )
    recs = _records(data, "odd.txt")
    assert [r.title for r in recs] == ["First", "Second this line has no tag", "Third"]
    assert [r.year for r in recs] == [2020, 2021, 2022]
    assert [p.code for p in recs[0].problems] == ["wos-truncated"]
    assert [(p.code, p.line) for p in recs[1].problems] == [("wos-stray-line", 6)]
    assert recs[2].problems == []


def test_unknown_tags_are_kept_and_year_repaired() -> None:
    data = "PT J\nTI T\nPY 2019a\nXX something new\n   more\nZZ\nDT Proceedings Paper\nER\n"
    (rec,) = _records(data)
    assert rec.extra["xx"] == "something new more"
    assert "zz" not in rec.extra  # empty values are dropped
    assert rec.year == 2019 and rec.extra["py"] == "2019a"
    assert [p.code for p in rec.problems] == ["wos-year-repaired"]
    assert rec.problems[0].line == 1
    assert rec.type == "conference"


@pytest.mark.parametrize(
    ("dt", "pt", "expected"),
    [
        ("Article", "J", "journal"),
        ("Review; Early Access", "J", "journal"),
        ("Proceedings Paper", "S", "conference"),
        ("Book Chapter", "B", "book"),
        ("", "P", "patent"),
        ("Editorial Material", "J", "journal"),
        ("", "", "other"),
    ],
)
def test_document_types(dt: str, pt: str, expected: str) -> None:
    lines = [f"PT {pt}" if pt else "", "TI T", "PY 2020", f"DT {dt}" if dt else "", "ER"]
    (rec,) = _records("\n".join(x for x in lines if x) + "\n")
    assert rec.type == expected


@pytest.mark.parametrize(
    "data",
    ["", "\ufeff", "FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n", "just some prose\n"],
    ids=["empty", "bom-only", "header-only", "prose"],
)
def test_no_records_raises_input_error(data: str) -> None:
    with pytest.raises(InputError) as err:
        _records(data, "empty.txt")
    assert err.value.file == "empty.txt"
    assert "Web of Science" in err.value.zh and "Web of Science" in err.value.en


def test_utf16_plain_text() -> None:
    data = "FN Clarivate\nVR 1.0\nPT J\nAU Müller, K\nTI Über Ökonomie\nPY 2022\nER\nEF\n"
    (rec,) = _records(data.encode("utf-16"))
    assert rec.authors == ["Müller, K"] and rec.title == "Über Ökonomie"


@pytest.mark.parametrize("name", ["plaintext_10.txt", "plaintext_344_fullrecord.txt"])
def test_chunked_import_equals_one_stream(corpora, tmp_path, name) -> None:
    """The import, on the real exports cut into chunks of ~8 records read by two workers:
    documents and problems equal in every column to one process reading the file whole."""
    import sqlite3

    import zhagen
    from zhagen.formats import chunk_spans
    from zhagen.ingest import ImportPlan

    path = _wos(corpora, name)
    size = 40_000 if "344" in name else 5_000
    assert len(list(chunk_spans(path, "wos", size=size))) >= 3
    tables = []
    for i, plan in enumerate(
        [
            ImportPlan(workers=1, parallel_min_bytes=1 << 62),
            ImportPlan(workers=2, parallel_min_bytes=1, chunk_bytes=size),
        ]
    ):
        proj = tmp_path / f"{i}.zhagen"
        with zhagen.Project.create(proj) as p:
            p.add(path, plan=plan)
        with sqlite3.connect(proj) as conn:
            tables.append(
                (
                    conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
                    conn.execute("SELECT record, line, code, en FROM problems").fetchall(),
                )
            )
        conn.close()
    assert tables[1] == tables[0]
    assert [d[2] for d in tables[0][0]] == [r.record for r in read_records(path)]
    assert len(tables[0][0]) == (344 if "344" in name else 10)


# --------------------------------------------------------------------------- the reader against
# an independent reference, and its fast path (whole records split by one regex in C)
# against its careful line-by-line parser

_CJK_CHAR = ("\u3000", "\u303f"), ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uff00", "\uffef")


def _is_cjk(ch: str) -> bool:
    return any(lo <= ch <= hi for lo, hi in _CJK_CHAR) or "\uf900" <= ch <= "\ufaff"


def _ref_join(lines: list[str]) -> str:
    """A soft-wrapped field: lines joined by a space (none between CJK characters), or by
    line ends when a line before the last is longer than 80 characters."""
    if any(len(x) > 80 for x in lines[:-1]):
        return "\n".join(lines)
    out = lines[0] if lines else ""
    for nxt in lines[1:]:
        out += nxt if _is_cjk(out[-1]) and _is_cjk(nxt[0]) else " " + nxt
    return out


def _ref_records(path: Path) -> list[dict[str, list[str]]]:
    """Deliberately plain reading, one line at a time: per record, tag -> its lines."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    tag = ""
    for raw in path.read_text(encoding="utf-8-sig").split("\n"):
        line = raw.rstrip("\r")
        if line == "ER":
            records.append(current)
            current, tag = {}, ""
        elif line.startswith(" "):
            if line.strip():
                current[tag].append(line.strip())
        elif line[:2] not in ("FN", "VR", "EF", ""):
            tag = line[:2]
            current[tag] = [line[3:].strip()] if line[3:].strip() else []
    return records


def _ref_keywords(lines: list[str]) -> list[str]:
    return [k.strip() for k in " ".join(lines).split(";") if k.strip()]


_LIST = {"AU", "AF", "BA", "BF", "BE", "CA", "GP", "C1", "CR"}
_STORED = {"TI", "SO", "VL", "IS", "AB", "DI", "SN", "CR", "DE", "ID", "AF", "PY"}


def _ref_expected(f: dict[str, list[str]]) -> dict[str, object]:
    """The RawRecord fields the module docstring promises, computed from plain lines."""
    text = {t: _ref_join(v) for t, v in f.items()}
    keywords = {}
    if _ref_keywords(f.get("DE", [])):
        keywords["en"] = _ref_keywords(f["DE"])
    if _ref_keywords(f.get("ID", [])):
        keywords["plus"] = _ref_keywords(f["ID"])
    stored = _STORED if f.get("AF") else _STORED - {"AF"} | {"AU"}
    extra = {
        t.lower(): "\n".join(v) if t in _LIST else _ref_join(v)
        for t, v in f.items()
        if t not in stored and v
    }
    bp, ep = text.get("BP", ""), text.get("EP", "")
    first_dt = text.get("DT", "").split(";")[0].strip().lower()
    return {
        "authors": f.get("AF") or f.get("AU", []),
        "title": text.get("TI", ""),
        "venue": text.get("SO", ""),
        "year": int(text["PY"]),
        "volume": text.get("VL", ""),
        "issue": text.get("IS", ""),
        "pages": f"{bp}-{ep}" if bp and ep else bp or ep,
        "abstract": text.get("AB", ""),
        "doi": text.get("DI", ""),
        "issn": text.get("SN", "") or text.get("EI", ""),
        "cited_refs": f.get("CR", []),
        "affiliations": [
            c.split("]", 1)[1].strip() if c.startswith("[") else c for c in f.get("C1", [])
        ],
        "keywords": keywords,
        "type": "conference" if first_dt == "proceedings paper" else "journal",
        "lang": {"English": "en"}[text["LA"]],
        "extra": extra,
    }


@pytest.mark.parametrize("name", ["plaintext_10.txt", "plaintext_344_fullrecord.txt"])
def test_every_field_matches_a_reference_reading(corpora: Path, name: str) -> None:
    path = _wos(corpora, name)
    recs = list(read_wos(path))
    refs = _ref_records(path)
    assert len(recs) == len(refs) == (10 if name == "plaintext_10.txt" else 344)
    for rec, ref in zip(recs, refs, strict=True):
        expected = _ref_expected(ref)
        got = {k: getattr(rec, k) for k in expected}
        assert got == expected, rec.record
        assert list(rec.extra) == list(expected["extra"]), "extra keeps the file's order"
        retracted = "Retracted Publication" in expected["extra"].get("dt", "")
        assert [p.code for p in rec.problems] == (["wos-retracted"] if retracted else [])
        assert rec.format == "wos"


def _mutations(text: str) -> list[tuple[str, str]]:
    """Damaged variants of an export, each as (what was done, text)."""
    lines = text.split("\n")
    er = [i for i, x in enumerate(lines) if x == "ER"]
    # in the second record: the first is read by the careful parser anyway (FN, VR lines)
    at = {
        t: next(i for i, x in enumerate(lines) if x.startswith(t) and i > er[0])
        for t in ("AB", "CR", "TI", "PY", "UT")
    }

    def edit(i: int, new: list[str], drop: int = 0) -> str:
        return "\n".join(lines[:i] + new + lines[i + drop :])

    cr = at["CR"]
    return [
        ("blank line in a record", edit(cr + 1, [""])),
        ("two blank lines between records", edit(er[0] + 1, ["", ""])),
        ("stray line", edit(cr + 1, ["no tag here"])),
        ("trailing blanks", edit(cr, [lines[cr] + " \t"], 1)),
        ("trailing blanks, one line", edit(at["UT"], [lines[at["UT"]] + "  "], 1)),
        ("two-space continuation", edit(cr + 1, ["  " + lines[cr + 1].lstrip()], 1)),
        ("five-space continuation", edit(cr + 1, ["     " + lines[cr + 1].lstrip()], 1)),
        ("blank continuation", edit(cr + 1, ["   "])),
        ("tab line", edit(cr + 1, ["\tx"])),
        ("empty tag", edit(at["TI"], ["ZZ"])),
        ("empty tag with a blank", edit(at["TI"], ["ZZ "])),
        ("value after two blanks", edit(at["TI"], ["ZZ  x"])),
        ("value starting with a no-break space", edit(at["TI"], ["ZZ \u00a0x"])),
        ("ideographic space at the end", edit(at["AB"], [lines[at["AB"]] + "\u3000"], 1)),
        ("repeated tag", edit(at["TI"], [lines[at["TI"]]])),
        ("missing ER", edit(er[0], [], 1)),
        ("two ER lines", edit(er[0], ["ER"])),
        ("ER with blanks", edit(er[0], ["ER  "], 1)),
        ("PT inside a record", edit(at["TI"], ["PT J"])),
        ("a field before PT", edit(er[0] + 2, ["XX before PT"])),
        ("unknown tags", edit(at["TI"], ["Q7 new tag", "   continued"])),
        ("lower-case tag", edit(at["TI"], ["ti lower"])),
        ("Chinese lines", edit(at["TI"], ["TI 新质生产力的", "   理论内涵", "C3 北京大学"], 1)),
        ("no year", edit(at["PY"], [], 1)),
        ("file header in the middle", edit(er[1] + 1, ["EF", "FN Clarivate", "VR 1.0"])),
        ("CRLF", text.replace("\n", "\r\n")),
        ("no blank line after ER", "\n".join(x for x in lines if x)),
    ]


def test_fast_path_equals_careful_parser_on_damaged_files(corpora: Path, monkeypatch) -> None:
    """The fast path reads what it accepts exactly as the line-by-line parser does (and
    leaves the rest to it): records, every field, problems with their lines."""
    text = _wos(corpora, "plaintext_10.txt").read_text(encoding="utf-8-sig")
    cases = [("as exported", text), *_mutations(text)]
    fast = {what: _records(data, "damaged.txt") for what, data in cases}
    er_line = text.split("\n").index("ER") + 1  # the first ER; a blank line, then PT
    monkeypatch.setattr(wos_module, "_fast_fields", lambda block: None)
    for what, data in cases:
        careful = _records(data, "damaged.txt")
        assert fast[what] == careful, what
        extra_order = [list(r.extra) for r in careful]
        assert [list(r.extra) for r in fast[what]] == extra_order, what
    assert len(fast["as exported"]) == 10
    assert len(fast["PT inside a record"]) == 11  # PT starts a record wherever it is
    (problem,) = fast["no year"][1].problems
    assert problem.code == "wos-no-year" and problem.line == er_line + 2


def test_fast_path_equals_careful_parser_on_the_344_records(corpora: Path, monkeypatch) -> None:
    path = _wos(corpora, "plaintext_344_fullrecord.txt")
    fast = list(read_wos(path))
    monkeypatch.setattr(wos_module, "_fast_fields", lambda block: None)
    assert list(read_wos(path)) == fast


def test_other_encodings_read_as_utf8(tmp_path: Path) -> None:
    """GB18030 (CiteSpace on a Chinese Windows) and UTF-16 give the records UTF-8 gives."""
    utf8 = _records(CITESPACE_CNKI, "download_1.txt")
    for enc in ("gb18030", "utf-16"):
        got = _records(CITESPACE_CNKI.encode(enc), "download_1.txt")
        assert got == utf8, enc


def test_broken_utf8_bytes_become_replacement_characters() -> None:
    names = "AU Müller, Jörg; Gößmann, Zoë; Brontë, Émile; Núñez, Iñaki\n".encode()
    data = b"PT J\n" + names + b"TI Broken \xff byte\nPY 2020\nER\nPT J\nTI Next\nPY 2021\nER\n"
    recs = _records(data)
    assert [r.title for r in recs] == ["Broken \ufffd byte", "Next"]
    assert recs[0].authors == ["Müller, Jörg; Gößmann, Zoë; Brontë, Émile; Núñez, Iñaki"]


def test_record_lines_after_several_blank_lines() -> None:
    data = "PT J\nTI A\nER\n\n\n\nPT J\nTI B\nER\n"  # no PY: a warning on the record's line
    recs = _records(data)
    assert [(r.title, r.problems[0].line) for r in recs] == [("A", 1), ("B", 7)]


@pytest.mark.parametrize(
    ("dt", "title", "kind", "flag"),
    [
        ("Review", "A review", "journal", None),
        ("Article; Proceedings Paper", "A paper", "journal", None),
        ("Proceedings Paper", "A paper", "conference", None),
        ("Editorial Material", "An editorial", "journal", None),
        ("Article; Retracted Publication", "RETRACTED: A study", "journal", "wos-retracted"),
        ("Retraction", "Retraction note", "journal", "wos-retraction-notice"),
        ("Article", "RETRACTED: A study", "journal", "wos-retracted"),
        ("Article", "Retracted or not: on retraction", "journal", None),
    ],
)
def test_document_types_kept_as_given_with_a_normalised_type(tmp_path, dt, title, kind, flag):
    """DT stays in extra as written; ``type`` is its normalised form; retractions are flagged."""
    path = tmp_path / "savedrecs.txt"
    path.write_text(
        f"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Li, X\nTI {title}\n"
        f"SO J\nDT {dt}\nPY 2020\nER\n\nEF\n",
        encoding="utf-8",
    )
    (rec,) = read_wos(path)
    assert (rec.extra["dt"], rec.type) == (dt, kind)
    assert [p.code for p in rec.problems] == ([flag] if flag else [])
    if flag:
        assert rec.problems[0].severity == "warning" and "/" not in rec.problems[0].zh


def test_citespace_cnki_authors_without_trailing_commas_and_affiliations_once(tmp_path):
    """CiteSpace's CNKI converter writes ``AU 梁玖,`` (even ``喻仲文,,``) and repeats an
    institution once per author: the names lose the commas, each institution comes once."""
    path = tmp_path / "download_3.txt"
    path.write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU 梁玖,\nAU 喻仲文,,\n"
        "AF 梁玖,\nAF 喻仲文,,\nTI 艺术学的学科逻辑\nSO 艺术百家\n"
        "C1 [梁玖] 北京师范大学艺术与传媒学院;\nC1 [喻仲文] 北京师范大学艺术与传媒学院;\n"
        "C1 武汉理工大学艺术与设计学院\nDE 艺术学; 学科\nPY 2019\nUT CNKI:YSBJ201901001\n"
        "ER\n\nEF\n",
        encoding="utf-8",
    )
    (rec,) = read_wos(path)
    assert rec.format == "cnki-citespace"
    assert rec.authors == ["梁玖", "喻仲文"]
    assert rec.affiliations == ["北京师范大学艺术与传媒学院", "武汉理工大学艺术与设计学院"]
    assert rec.problems == []
