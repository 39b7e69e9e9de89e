"""Tests for zhagen.formats.scopus (Scopus CSV export).

No real Scopus export ships with the project, so the fixture below is MADE UP for these
tests: invented people, papers and identifiers, written in the layout of a Scopus
"Export > CSV" file (every cell quoted, UTF-8 with BOM, CRLF, ``; `` inside cells).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import detect_format, read_records
from zhagen.formats.scopus import read_scopus
from zhagen.records import RawRecord

HEADER = [
    "Authors",
    "Author full names",
    "Author(s) ID",
    "Title",
    "Year",
    "Source title",
    "Volume",
    "Issue",
    "Art. No.",
    "Page start",
    "Page end",
    "Page count",
    "Cited by",
    "DOI",
    "Link",
    "Affiliations",
    "Authors with affiliations",
    "Abstract",
    "Author Keywords",
    "Index Keywords",
    "References",
    "Correspondence Address",
    "Publisher",
    "ISSN",
    "Language of Original Document",
    "Abbreviated Source Title",
    "Document Type",
    "Publication Stage",
    "Open Access",
    "Source",
    "EID",
]

# MADE-UP records (not real publications).
ROWS = [
    {
        "Authors": "Zhang, W.; Li, M.; Chen, Y.",
        "Author full names": "Zhang, Wei (57000000001); Li, Min (57000000002); Chen, Yu (57000000003)",
        "Author(s) ID": "57000000001; 57000000002; 57000000003",
        "Title": 'New quality productive forces and "green" innovation: evidence from Chinese cities',
        "Year": "2024",
        "Source title": "Journal of Invented Economics",
        "Volume": "12",
        "Issue": "3",
        "Page start": "101",
        "Page end": "118",
        "Page count": "18",
        "Cited by": "7",
        "DOI": "10.9999/jie.2024.0301",
        "Link": "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001&partnerID=40",
        "Affiliations": "School of Economics, Example University, Beijing, China; "
        "Institute of Innovation, Sample University, Shanghai, China",
        "Authors with affiliations": "Zhang, W., School of Economics, Example University, "
        "Beijing, China; Li, M., Institute of Innovation, Sample University, Shanghai, China",
        "Abstract": "This study examines how new quality productive forces shape green "
        "innovation, using a panel of 280 cities. © 2024 Example Publisher",
        "Author Keywords": "new quality productive forces; green innovation; digital economy; "
        "panel data",
        "Index Keywords": "innovation; productivity; China",
        "References": "Solow, R.M., A contribution to the theory of economic growth, (1956) "
        "Q J Econ, 70 (1), pp. 65-94; Romer, P.M., Endogenous technological change, (1990) "
        "J Polit Econ, 98 (5), pp. S71-S102; Invented, A., A made-up reference, (2020) "
        "Imaginary Review, 1, pp. 1-10",
        "Correspondence Address": "W. Zhang; School of Economics, Example University, Beijing",
        "Publisher": "Example Publisher",
        "ISSN": "12345678",
        "Language of Original Document": "English",
        "Abbreviated Source Title": "J. Invent. Econ.",
        "Document Type": "Article",
        "Publication Stage": "Final",
        "Open Access": "All Open Access; Gold Open Access",
        "Source": "Scopus",
        "EID": "2-s2.0-85000000001",
    },
    {
        "Authors": "Wang, L.",
        "Author full names": "Wang, Lei (57000000004)",
        "Author(s) ID": "57000000004",
        "Title": "A toy model of knowledge maps",
        "Year": "2023",
        "Source title": "Proceedings of the Invented Conference on Scientometrics",
        "Art. No.": "e1234",
        "Cited by": "",
        "Abstract": "[No abstract available]",
        "Index Keywords": "Bibliometrics; Co-word analysis",
        "Language of Original Document": "English",
        "Document Type": "Conference paper",
        "Source": "Scopus",
        "EID": "2-s2.0-85000000002",
    },
    {
        "Authors": "Liu, Q.; Zhao, H.",
        "Author full names": "Liu, Qiang (57000000005); Zhao, Hong (57000000006)",
        "Title": "Rural revitalisation and the digital economy",
        "Year": "2022",
        "Source title": "Invented Chinese Journal",
        "Volume": "40",
        "Issue": "6",
        "Page start": "55",
        "Page end": "63",
        "Abstract": "第一段摘要。\r\n第二段摘要。",
        "Author Keywords": "乡村振兴; 数字经济；新质生产力",
        "Language of Original Document": "Chinese",
        "Document Type": "Article",
        "Source": "Scopus",
        "EID": "2-s2.0-85000000003",
    },
    {
        "Authors": "[No author name available]",
        "Author full names": "",
        "Title": "Methods for grounded theory: a chapter",
        "Year": "",
        "Source title": "An Invented Handbook",
        "Page start": "1",
        "Document Type": "Book chapter",
        "Source": "Scopus",
        "EID": "2-s2.0-85000000004",
    },
]


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(col, "") for col in header])
    return buf.getvalue().encode("utf-8-sig")


def _read(data: bytes, name: str = "scopus.csv") -> list[RawRecord]:
    return list(read_scopus(io.BytesIO(data), name=name))


@pytest.fixture
def scopus_file(tmp_path: Path) -> Path:
    path = tmp_path / "scopus.csv"
    path.write_bytes(_csv(HEADER, ROWS))
    return path


def test_record_count_and_numbers(scopus_file: Path) -> None:
    recs = list(read_scopus(scopus_file))
    assert len(recs) == 4
    assert [r.record for r in recs] == [1, 2, 3, 4]
    assert {r.format for r in recs} == {"scopus"}
    assert {r.source for r in recs} == {str(scopus_file)}


def test_journal_article_fields(scopus_file: Path) -> None:
    rec = next(read_scopus(scopus_file))
    assert rec.authors == ["Zhang, Wei", "Li, Min", "Chen, Yu"]
    assert rec.title.startswith('New quality productive forces and "green" innovation')
    assert (rec.year, rec.venue, rec.volume, rec.issue, rec.pages) == (
        2024,
        "Journal of Invented Economics",
        "12",
        "3",
        "101-118",
    )
    assert rec.doi == "10.9999/jie.2024.0301"
    assert rec.url.startswith("https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001")
    assert rec.issn == "12345678"
    assert rec.affiliations == [
        "School of Economics, Example University, Beijing, China",
        "Institute of Innovation, Sample University, Shanghai, China",
    ]
    assert rec.keywords == {
        "en": [
            "new quality productive forces",
            "green innovation",
            "digital economy",
            "panel data",
        ],
        "plus": ["innovation", "productivity", "China"],
    }
    assert len(rec.cited_refs) == 3
    assert rec.cited_refs[1].startswith("Romer, P.M., Endogenous technological change")
    assert rec.abstract.endswith("© 2024 Example Publisher")
    assert (rec.type, rec.lang) == ("journal", "en")
    assert rec.extra["eid"] == "2-s2.0-85000000001"
    assert rec.extra["cited_by"] == "7"
    assert rec.extra["author_s_id"] == "57000000001; 57000000002; 57000000003"
    assert rec.extra["authors"] == "Zhang, W.; Li, M.; Chen, Y."
    assert rec.extra["document_type"] == "Article"
    assert rec.extra["open_access"] == "All Open Access; Gold Open Access"
    assert "title" not in rec.extra and "references" not in rec.extra
    assert rec.problems == []


def test_conference_paper_placeholders(scopus_file: Path) -> None:
    rec = list(read_scopus(scopus_file))[1]
    assert rec.type == "conference"
    assert rec.abstract == ""  # "[No abstract available]"
    assert rec.pages == "" and rec.extra["art_no"] == "e1234"
    assert rec.keywords == {"plus": ["Bibliometrics", "Co-word analysis"]}
    assert "cited_by" not in rec.extra  # empty cells are not kept
    assert "abstract" not in rec.extra


def test_chinese_record(scopus_file: Path) -> None:
    rec = list(read_scopus(scopus_file))[2]
    assert rec.keywords == {"zh": ["乡村振兴", "数字经济", "新质生产力"]}
    assert rec.lang == "zh"
    assert rec.abstract == "第一段摘要。\n第二段摘要。"
    assert rec.authors == ["Liu, Qiang", "Zhao, Hong"]


def test_missing_author_and_year_warn(scopus_file: Path) -> None:
    rec = list(read_scopus(scopus_file))[3]
    assert rec.authors == []
    assert rec.year is None
    assert rec.type == "book"
    assert rec.pages == "1"
    (problem,) = rec.problems
    assert problem.code == "scopus-no-year"
    # line 6: the header, two one-line rows, then row 3 whose abstract spans two lines
    assert (problem.file, problem.record, problem.line) == (str(rec.source), 4, 6)
    assert problem.zh and problem.en


def test_old_style_authors_and_few_columns() -> None:
    header = ["Authors", "Title", "Year", "Source title", "Cited by", "Link", "EID"]
    rows = [
        {
            "Authors": "Smith J., Doe A.B., Lee C.",
            "Title": "An older export",
            "Year": "2015",
            "Source title": "Some Journal",
            "EID": "2-s2.0-1",
        }
    ]
    (rec,) = _read(_csv(header, rows))
    assert rec.authors == ["Smith J.", "Doe A.B.", "Lee C."]
    assert rec.type == "journal" and rec.year == 2015
    assert rec.lang == "en"  # no language column: guessed from the title


def test_detect_format_and_registry(scopus_file: Path) -> None:
    assert detect_format(scopus_file) == "scopus"
    assert [r.title for r in read_records(scopus_file)] == [r["Title"] for r in ROWS]


def test_long_reference_cell() -> None:
    refs = "; ".join(
        f"Author{i}, A., Invented title {i}, (2000) J Imag, 1, pp. 1-2" for i in range(4000)
    )
    assert len(refs) > 131072  # larger than the csv module's default field limit
    (rec,) = _read(_csv(HEADER, [{**ROWS[0], "References": refs}]))
    assert len(rec.cited_refs) == 4000


def test_bad_year_and_column_count() -> None:
    data = _csv(HEADER, [{**ROWS[0], "Year": "in press"}])
    data += b'"only","three","cells"\r\n'
    first, second = _read(data)
    assert first.year is None and first.extra["year"] == "in press"
    assert [p.code for p in first.problems] == ["scopus-bad-year"]
    assert second.record == 2 and second.authors == ["three"]  # "Author full names"
    assert second.title == ""
    assert [p.code for p in second.problems] == [
        "scopus-no-year",
        "scopus-no-title",
        "scopus-columns",
    ]
    assert {p.line for p in second.problems} == {3}


@pytest.mark.parametrize(
    "data",
    [b"", "\ufeff".encode(), _csv(HEADER, []), b"Title,Author,Year\nA,B,2020\n"],
    ids=["empty", "bom-only", "header-only", "not-scopus"],
)
def test_no_records_raises_input_error(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        _read(data, "bad.csv")
    assert err.value.file == "bad.csv"
    assert err.value.zh and err.value.en
