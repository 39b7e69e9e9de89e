"""REFI-QDA export keeps what it read (issue 9): real NVivo and ATLAS.ti exports are
imported, exported again, and both files are parsed with lxml and compared: GUIDs of
sources, codes, users; the code tree with isCodable and colours; codings; sets; links;
graphs; line ends. Both validate against the official Project.xsd."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import zhagen
from zhagen.qda import export_qdpx, import_qdpx

NS = "{urn:QDA-XML:project:1.0}"
NVIVO = "nvivo12win_oltas.qdpx"
ATLAS84 = "atlasti84_standard_project.qdpx"
ATLAS23 = "atlasti23_three_codes.qdpx"


@pytest.fixture(scope="module")
def refi(shared: Path) -> Path:
    return shared / "refi-qda"


@pytest.fixture(scope="module")
def schema(refi: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(refi / "Project.xsd")))


def _open(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        qde = next(n for n in names if n.lower().endswith(".qde"))
        files = {Path(n).name.lower(): zf.read(n) for n in names if n.lower().endswith(".txt")}
        return etree.fromstring(zf.read(qde)), files


def _round_trip(refi: Path, tmp_path: Path, sample: str, **options) -> tuple:
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        import_qdpx(p, refi / "samples" / sample)
        out = tmp_path / "again.qdpx"
        report = export_qdpx(p, out, **options)
    return _open(refi / "samples" / sample), _open(out), report


def _guids(root, tag: str) -> set[str]:
    return {el.get("guid").lower() for el in root.iter(f"{NS}{tag}")}


def _codes(root) -> dict[str, tuple]:
    out = {}
    for el in root.iter(f"{NS}Code"):
        parent = el.getparent()
        pguid = parent.get("guid").lower() if parent.tag == f"{NS}Code" else None
        color = (el.get("color") or "").lower() or None  # zhagen stores #rrggbb in lower case
        out[el.get("guid").lower()] = (el.get("name"), pguid, el.get("isCodable"), color)
    return out


def _codings(root) -> set[tuple]:
    out = set()
    for src in root.iter(f"{NS}TextSource"):
        for sel in src.iter(f"{NS}PlainTextSelection"):
            for coding in sel.iter(f"{NS}Coding"):
                ref = coding.find(f"{NS}CodeRef").get("targetGUID").lower()
                out.add((
                    src.get("guid").lower(), sel.get("guid").lower(), sel.get("startPosition"),
                    sel.get("endPosition"), coding.get("guid").lower(), ref,
                    (coding.get("creatingUser") or "").lower(),
                    (sel.get("creatingUser") or "").lower(),
                ))  # fmt: skip
    return out


def _sets(root) -> dict[str, tuple]:
    def members(el, tag):
        return sorted(m.get("targetGUID").lower() for m in el.iter(f"{NS}{tag}"))

    return {
        el.get("guid").lower(): (el.get("name"), members(el, "MemberCode"),
                                 members(el, "MemberSource"), members(el, "MemberNote"))
        for el in root.iter(f"{NS}Set")
        if not (el.get("name") or "").startswith("zhagen:level:")
    }  # fmt: skip


def test_nvivo_round_trip_keeps_everything(refi, schema, tmp_path) -> None:
    (a, a_files), (b, b_files), report = _round_trip(refi, tmp_path, NVIVO, nvivo=True)
    assert (report.documents, report.codings, report.kept) == (1, len(_codings(a)), 0)
    assert schema.validate(b), schema.error_log
    assert _guids(b, "TextSource") == _guids(a, "TextSource")
    assert _guids(b, "User") == _guids(a, "User")
    assert _codes(b) == _codes(a)  # names, tree, isCodable, colours where there were some
    # same selections, positions (UTF-16 units over CRLF text, as NVivo wrote them),
    # coding GUIDs, codes, and both creatingUsers
    assert _codings(b) == _codings(a) and len(_codings(a)) > 90
    assert _sets(b) == _sets(a)
    # the text file keeps its CRLF line ends (NVivo's BOM is not written back)
    [orig] = a_files.values()
    [again] = b_files.values()
    assert again.decode("utf-8") == orig.decode("utf-8-sig")


def test_nvivo_round_trip_in_code_points_counts_the_same_text(refi, tmp_path) -> None:
    (a, a_files), (b, b_files), _ = _round_trip(refi, tmp_path, NVIVO)
    text_a = next(iter(a_files.values())).decode("utf-8-sig").encode("utf-16-le")
    text_b = next(iter(b_files.values())).decode("utf-8")
    spans_a = {s.get("guid"): text_a[2 * int(s.get("startPosition")) : 2 * int(s.get("endPosition"))]
               .decode("utf-16-le") for s in a.iter(f"{NS}PlainTextSelection")}  # fmt: skip
    spans_b = {s.get("guid"): text_b[int(s.get("startPosition")) : int(s.get("endPosition"))]
               for s in b.iter(f"{NS}PlainTextSelection")}  # fmt: skip
    assert spans_b == spans_a


def test_atlas_round_trip_keeps_sets_links_graphs_and_textless_sources(
    refi, schema, tmp_path
) -> None:
    (a, _), (b, _), report = _round_trip(refi, tmp_path, ATLAS84)
    # nothing of its text sources is in the archive: every source, set, link and graph
    # is written back as read
    parts = [*a.find(f"{NS}Sources"), *a.iter(f"{NS}Set"), *a.iter(f"{NS}Link")]
    assert report.documents == 0 and report.kept == len(parts) + 1  # + the Graphs
    assert schema.validate(b), schema.error_log
    sources = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
    assert set().union(*(_guids(b, t) for t in sources)) == set().union(
        *(_guids(a, t) for t in sources)
    )
    assert _guids(b, "User") == _guids(a, "User")
    assert _codes(b) == _codes(a)
    assert _sets(b) == _sets(a) and len(_sets(a)) == 16
    assert _guids(b, "Link") == _guids(a, "Link") and _guids(a, "Link")
    assert len(list(b.iter(f"{NS}Graph"))) == len(list(a.iter(f"{NS}Graph"))) > 0
    # text sources whose text ATLAS.ti left out are written back as read, codings and all
    assert _codings(b) == _codings(a)


def test_atlas23_colours_only_where_there_were_some(refi, schema, tmp_path) -> None:
    (a, _), (b, _), _ = _round_trip(refi, tmp_path, ATLAS23)
    assert schema.validate(b), schema.error_log
    assert _codes(b) == _codes(a)


def test_new_objects_get_new_guids_and_colourless_codes_stay_colourless(refi, tmp_path) -> None:
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        import_qdpx(p, refi / "samples" / ATLAS23)
        p.codes.add("新编码", color="#112233")
        out = tmp_path / "x.qdpx"
        export_qdpx(p, out)
    a, _ = _open(refi / "samples" / ATLAS23)
    b, _ = _open(out)
    new = set(_codes(b)) - set(_codes(a))
    assert len(new) == 1 and _codes(b)[new.pop()] == ("新编码", None, "true", "#112233")


def test_uncoded_documents_and_non_codable_codes_come_back(tmp_path, schema) -> None:
    from zhagen.formats.refi_qda import (
        QdaCode,
        QdaCoding,
        QdaProject,
        QdaSelection,
        QdaSource,
        QdaUser,
        make_guid,
        write_qdpx,
    )

    g = lambda *parts: make_guid("keeps", *parts)  # noqa: E731
    folder = QdaCode(g("folder"), "文件夹", is_codable=False)
    code = QdaCode(g("code"), "编码")
    folder.children.append(code)
    user = QdaUser(g("user"), "甲")
    sel = QdaSelection(g("sel"), "片段", 0, 2, [QdaCoding(g("k"), code.guid, user.guid)],
                       creating_user=user.guid)  # fmt: skip
    coded = QdaSource(g("a"), "已编码", text="扎根\r\n理论", selections=[sel])
    uncoded = QdaSource(g("b"), "未编码", text="没有编码的文档")
    src_file = tmp_path / "in.qdpx"
    write_qdpx(QdaProject("k", users=[user], codes=[folder], sources=[coded, uncoded]), src_file)
    with zhagen.Project.create(tmp_path / "p.zhagen") as p:
        import_qdpx(p, src_file)
        out = tmp_path / "out.qdpx"
        report = export_qdpx(p, out)
    assert report.documents == 2
    a, _ = _open(src_file)
    b, _ = _open(out)
    assert schema.validate(b), schema.error_log
    assert _guids(b, "TextSource") == {g("a"), g("b")}
    assert _codes(b) == _codes(a) and _codes(b)[g("folder")][2] == "false"
    assert _codings(b) == _codings(a)
