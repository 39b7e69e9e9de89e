"""REFI-QDA import/export: the real samples, NVivo's UTF-16 positions, round trips through
the official schemas, a Chinese project with astral characters, and malformed files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from zhagen.errors import InputError, ParameterError
from zhagen.formats.refi_qda import (
    PositionMap,
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
    iter_codes,
    make_guid,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)

NS = "urn:QDA-XML:project:1.0"
NVIVO = "nvivo12win_oltas.qdpx"
ATLAS84 = "atlasti84_standard_project.qdpx"
ATLAS23 = "atlasti23_three_codes.qdpx"


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def refi(shared: Path) -> Path:
    return shared / "refi-qda"


@pytest.fixture(scope="module")
def project_schema(refi: Path):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refi / "Project.xsd")))


@pytest.fixture(scope="module")
def codebook_schema(refi: Path):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refi / "Codebook.xsd")))


def _zip(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    buf.seek(0)
    return buf


def _qde(body: str = "", origin: str = "test", name: str = "p") -> str:
    head = '<?xml version="1.0" encoding="utf-8"?>'
    return f'{head}<Project xmlns="{NS}" name="{name}" origin="{origin}">{body}</Project>'


def _qde_of(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("project.qde")


def _validate(schema, xml: bytes) -> None:
    from lxml import etree

    doc = etree.fromstring(xml)
    assert schema.validate(doc), str(schema.error_log)


def _codings(project: QdaProject) -> list[QdaCoding]:
    out = [c for s in project.sources for c in s.codings]
    return out + [c for s in project.sources for sel in s.selections for c in sel.codings]


def _depth(codes: list[QdaCode]) -> int:
    return 1 + max((_depth(c.children) for c in codes), default=0) if codes else 0


def _independent_counts(path: Path) -> dict[str, int]:
    """Counts taken straight from the .qde with lxml, not through the reader."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(zf.read(name))
    ns = {"q": NS}
    depths = [
        len(c.xpath("ancestor::q:Code", namespaces=ns)) + 1 for c in root.iterfind(".//q:Code", ns)
    ]
    return {
        "codes": len(root.findall(".//q:Code", ns)),
        "codings": len(root.findall(".//q:Coding", ns)),
        "text_sources": len(root.findall("./q:Sources/q:TextSource", ns)),
        "depth": max(depths, default=0),
    }


# ---------------------------------------------------------------- the real samples


@pytest.mark.parametrize(
    "sample, codes, codings, text_sources, depth",
    [(ATLAS84, 14, 16, 6, 1), (NVIVO, 60, 97, 1, 3), (ATLAS23, 3, 0, 0, 2)],
)
def test_sample_counts(refi, sample, codes, codings, text_sources, depth):
    path = refi / "samples" / sample
    counted = _independent_counts(path)
    assert counted == {"codes": codes, "codings": codings, "text_sources": text_sources,
                       "depth": depth}  # fmt: skip
    project = read_qdpx(path)
    assert len(project.all_codes()) == codes
    assert len(_codings(project)) == codings
    assert sum(s.kind == "text" for s in project.sources) == text_sources
    assert _depth(project.codes) == depth
    known = {c.guid for c in iter_codes(project.codes)}
    assert all(c.code_guid in known for c in _codings(project))


def test_atlas23_tree(refi):
    project = read_qdpx(refi / "samples" / ATLAS23)
    assert project.origin.startswith("ATLAS.ti for Windows 23")
    [parent] = project.codes
    assert parent.name == "Commits"
    assert [c.name for c in parent.children] == [
        "2022-05-10T02:05:59Z 19e4dce",
        "2022-02-11T10:39:25Z cdbfd92",
    ]
    assert [u.name for u in project.users] == ["Enric Llagostera", "ATLAS.ti"]
    assert project.warnings == []


def test_atlas84_everything_kept(refi):
    project = read_qdpx(refi / "samples" / ATLAS84)
    kinds = [s.kind for s in project.sources]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "text": 6,
        "pdf": 2,
        "picture": 1,
        "audio": 1,
        "video": 2,
    }
    # the texts are not in this archive: no text, positions kept as in the file
    assert all(s.text is None for s in project.sources if s.kind == "text")
    simon = next(s for s in project.sources if s.name == "Simon.docx")
    assert [(s.start, s.end) for s in simon.selections] == [(688, 907), (215, 275), (513, 907)]
    assert simon.selections[0].description == "why does Simon feel the need to do this?"  # memo
    assert sum("not imported as text" in w for w in project.warnings) == 6
    assert sum("is not in the archive" in w for w in project.warnings) == 6
    pdf = next(s for s in project.sources if s.name.startswith("Pay de"))
    assert {s.kind for s in pdf.selections} == {"pdf", "representation"}
    assert pdf.selections[0].attrs["page"] == "0" and "PDFSource" in pdf.raw
    assert [n.name for n in project.notes] == ["Research Plan", "My favorite Coke ad"]
    assert project.notes[0].description == "day to day log about this amazing project"
    assert len(project.sets) == 16 and len(project.sets[-4].member_codes) == 4
    [link] = project.links
    assert (link.direction, link.origin_guid) == ("OneWay", project.notes[1].guid)
    assert "Graph" in project.extra["Graphs"]
    assert (
        next(c for c in project.codes if c.name == "Coke").description
        == "the breakfast of champions"
    )


# ---------------------------------------------------------------- NVivo positions


@pytest.fixture(scope="module")
def nvivo(refi):
    path = refi / "samples" / NVIVO
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".txt"))
        raw = zf.read(name)
        qde = zf.read("project.qde")
    return read_qdpx(path), raw, qde


def test_nvivo_text_is_bom_free_lf(nvivo):
    project, raw, _ = nvivo
    [src] = project.sources
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    expected = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert src.text == expected and "\r" not in src.text
    assert project.warnings == []  # no boundary fell inside a surrogate pair or CRLF


def test_nvivo_selections_equal_utf16_slices(nvivo):
    """Every converted selection is the text NVivo meant: a UTF-16 slice of the original."""
    from lxml import etree

    project, raw, qde = nvivo
    [src] = project.sources
    units = raw.decode("utf-8-sig").encode("utf-16-le")
    root = etree.fromstring(qde)
    file_pos = {
        el.get("guid"): (int(el.get("startPosition")), int(el.get("endPosition")))
        for el in root.iterfind(f".//{{{NS}}}PlainTextSelection")
    }
    assert len(src.selections) == len(file_pos) == 97
    after_emoji = 0
    for sel in src.selections:
        s, e = file_pos[sel.guid]
        meant = units[2 * s : 2 * e].decode("utf-16-le").replace("\r\n", "\n")
        assert src.text[sel.start : sel.end] == meant
        if any(ord(ch) > 0xFFFF for ch in src.text[: sel.start]):
            after_emoji += 1
            assert src.text[s:e] != meant  # naive code-point slicing would be wrong here
    assert after_emoji >= 50


def test_nvivo_selections_are_whole_comments(nvivo):
    """Each selection in this project is one whole comment line: word boundaries hold."""
    project, _, _ = nvivo
    [src] = project.sources
    text = src.text
    for sel in src.selections:
        assert sel.start == 0 or text[sel.start - 1] == "\n"
        assert text[sel.end - 1] == "\n" or sel.end == len(text) or text[sel.end] == "\n"
    spans = {text[s.start : s.end].rstrip("\n")[-3:] for s in src.selections}
    assert "🤣🤣🤣" in spans and "😡😡" in {x[-2:] for x in spans}


def test_positions_override(refi):
    project = read_qdpx(refi / "samples" / NVIVO, positions="codepoint")
    [src] = project.sources
    assert any(src.text[s.start - 1 : s.start] not in ("", "\n") for s in src.selections)
    with pytest.raises(ValueError):
        read_qdpx(refi / "samples" / NVIVO, positions="bytes")


# ---------------------------------------------------------------- position arithmetic


@pytest.mark.parametrize(
    "raw, units, pos, end, expected",
    [
        ("a\r\nb", "codepoint", 3, False, (2, None)),
        ("a\r\nb", "codepoint", 2, False, (1, "crlf")),  # between CR and LF: round down
        ("a\r\nb", "codepoint", 2, True, (2, "crlf")),  # … or up, for an end
        ("😀a\r\nb", "utf16", 5, False, (3, None)),
        ("😀a", "utf16", 1, False, (0, "surrogate")),
        ("😀a", "utf16", 1, True, (1, "surrogate")),
        ("𠀀国😀家\r\n", "utf16", 6, False, (4, None)),
        ("abc", "codepoint", 9, True, (3, "range")),
        ("a\rb", "codepoint", 2, False, (2, None)),  # a lone CR becomes LF, same length
    ],
)
def test_position_map(raw, units, pos, end, expected):
    assert PositionMap(raw, units).convert(pos, end=end) == expected


def test_position_map_sequences():
    pm = PositionMap("e\u0301x👍🏽y", "codepoint")
    assert pm.splits_sequence(1, 3) and pm.splits_sequence(3, 4)
    assert not pm.splits_sequence(0, 2) and not pm.splits_sequence(3, 5)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("sample", [ATLAS84, NVIVO, ATLAS23])
def test_round_trip_samples(refi, project_schema, tmp_path, sample):
    first = read_qdpx(refi / "samples" / sample)
    out = tmp_path / "out.qdpx"
    write_qdpx(first, out)
    assert [p.name for p in tmp_path.iterdir()] == ["out.qdpx"]  # atomic: no temp file left
    data = out.read_bytes()
    _validate(project_schema, _qde_of(data))
    again = read_qdpx(out)
    assert again.origin.startswith("zhagen")
    assert replace(again, origin=first.origin, warnings=first.warnings) == first
    for src in again.sources:
        for sel in src.selections if src.text is not None else []:
            before = next(s for s in first.sources if s.guid == src.guid)
            old = next(x for x in before.selections if x.guid == sel.guid)
            assert src.text[sel.start : sel.end] == before.text[old.start : old.end]


def test_written_text_files_are_utf8_code_points(refi, tmp_path):
    from lxml import etree

    first = read_qdpx(refi / "samples" / NVIVO)
    buf = io.BytesIO()
    write_qdpx(first, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        [ts] = root.iterfind(f".//{{{NS}}}TextSource")
        member = "sources/" + ts.get("plainTextPath").removeprefix("internal://")
        raw = zf.read(member)
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    # NVivo's CRLF line ends are written back, and positions count them (code points)
    assert first.sources[0].newline == "\r\n" and text.count("\r\n") == text.count("\n") > 0
    for el in ts.iterfind(f"{{{NS}}}PlainTextSelection"):
        sel = next(s for s in first.sources[0].selections if s.guid == el.get("guid"))
        span = text[int(el.get("startPosition")) : int(el.get("endPosition"))]
        assert span.replace("\r\n", "\n") == first.sources[0].text[sel.start : sel.end]


def _chinese_project() -> tuple[QdaProject, dict[str, str]]:
    g = lambda *parts: make_guid("测试项目", *parts)  # noqa: E731
    text = (
        "一、引言\n𠀀𠀁😀 新质生产力是创新起主导作用的先进生产力。🚀🇨🇳\n"
        "创新联合体推动关键核心技术攻关，𪚥字与👍🏽并存。\n专精特新企业是重要力量。"
    )
    spans = {"c1": "新质生产力", "c2": "关键核心技术攻关", "c3": "专精特新企业"}
    users = [QdaUser(g("user", 1), "张三"), QdaUser(g("user", 2), "李四")]
    concept = [QdaCode(g("code", i), name, color="#1f77b4", description=f"{name}的内涵")
               for i, name in ((3, "新质生产力"), (4, "技术攻关"), (5, "企业主体"))]  # fmt: skip
    category = QdaCode(g("code", 2), "初始范畴：创新驱动", children=concept, is_codable=False)
    core = QdaCode(g("code", 1), "核心范畴", color="#F00", children=[category], is_codable=False)
    selections = []
    for i, (key, phrase) in enumerate(spans.items(), start=1):
        start = text.index(phrase)
        coder = users[i % 2].guid
        codings = [QdaCoding(g("coding", i), concept[i - 1].guid, coder, "2024-05-01T08:00:00Z")]
        selections.append(QdaSelection(g("sel", key), phrase, start, start + len(phrase),
                                       codings=codings, creating_user=coder,
                                       creation_date_time="2024-05-01T08:00:00Z"))  # fmt: skip
    selections[0].description = "原始语句：备忘"
    source = QdaSource(g("doc", 1), "政策文本一", text=text, selections=selections,
                       description="人民日报 2024")  # fmt: skip
    project = QdaProject(
        "扎根测试", users=users, codes=[core], sources=[source],
        notes=[QdaNote(g("memo", 1), "备忘录", "故事线：创新驱动。\n第二行",
                       target_guids=[core.guid, selections[0].guid])],
        sets=[QdaSet(g("set", 1), "主范畴集合", member_codes=[category.guid])],
        links=[QdaLink(g("rel", 1), "因果条件", concept[0].guid, concept[1].guid, "OneWay")],
        description="中文项目", creating_user=users[0].guid, creation_date_time="2024-05-01T08:00:00Z",
        note_guids=[g("memo", 1)],
    )  # fmt: skip
    return project, spans


def test_chinese_project_round_trip(project_schema):
    project, spans = _chinese_project()
    buf = io.BytesIO()
    write_qdpx(project, buf, origin="zhagen test")
    xml = _qde_of(buf.getvalue())
    _validate(project_schema, xml)
    again = read_qdpx(io.BytesIO(buf.getvalue()), name="中文.qdpx")
    assert again.warnings == []
    src = again.sources[0]
    assert src.path == f"internal://{src.guid}.txt"
    assert replace(again, origin=None, sources=[replace(src, path=None)]) == project
    src = again.sources[0]
    assert [src.text[s.start : s.end] for s in src.selections] == list(spans.values())
    # offsets are code points: 𠀀, 𠀁 and 😀 come before the first span
    first = project.sources[0].selections[0]
    assert first.start == src.text.index("新质生产力") and src.text[: first.start].count("😀") == 1
    assert b'startPosition="9"' in xml  # "一、引言\n" = 5, "𠀀𠀁😀 " = 4 code points


def test_chinese_nvivo_style_export_is_converted():
    """A hand-made NVivo-style export (BOM, CRLF, UTF-16 units) lands on the same phrases."""
    project, spans = _chinese_project()
    lf = project.sources[0].text
    crlf = lf.replace("\n", "\r\n")
    sel_xml = ""
    for i, phrase in enumerate(spans.values()):
        cp = crlf.index(phrase)
        unit = len(crlf[:cp].encode("utf-16-le")) // 2
        end = unit + len(phrase.encode("utf-16-le")) // 2
        guid = make_guid("nv", i)
        sel_xml += (f'<PlainTextSelection guid="{guid}" startPosition="{unit}" endPosition="{end}">'
                    f'<Coding guid="{make_guid("nvc", i)}"><CodeRef targetGUID="{guid}"/></Coding>'
                    "</PlainTextSelection>")  # fmt: skip
    src_guid = make_guid("nvs", 1)
    codes = "".join(
        f'<Code guid="{make_guid("nv", i)}" name="c{i}" isCodable="true"/>' for i in range(3)
    )
    body = (f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources><TextSource guid='{src_guid}' "
            f"name='doc' plainTextPath='internal://{src_guid}.txt'>{sel_xml}"
            "</TextSource></Sources>")  # fmt: skip
    data = _zip({"Export.qde": _qde(body, origin="NVivo for Windows 12.6"),
                 f"Sources/{src_guid}.txt": b"\xef\xbb\xbf" + crlf.encode("utf-8")})  # fmt: skip
    again = read_qdpx(data)
    src = again.sources[0]
    assert src.text == lf and again.warnings == []
    assert [src.text[s.start : s.end] for s in src.selections] == list(spans.values())


def test_text_variants_utf16_inline_and_missing():
    guid = make_guid("v", 1)
    body = (f"<Sources><TextSource guid='{guid}' name='u16' plainTextPath='internal://{guid}.txt'>"
            f"<PlainTextSelection guid='{make_guid('v', 2)}' startPosition='0' endPosition='2'/>"
            f"<PlainTextSelection guid='{make_guid('v', 3)}' startPosition='5' endPosition='99'/>"
            f"</TextSource><TextSource guid='{make_guid('v', 4)}' name='inline'>"
            "<PlainTextContent>扎根理论</PlainTextContent></TextSource></Sources>")  # fmt: skip
    data = _zip(
        {
            "sub/MyProject.qde": _qde(body),
            f"sub/sources/{guid.upper()}.TXT": "扎根\r\n".encode("utf-16"),
        }
    )
    project = read_qdpx(data)
    u16, inline = project.sources
    assert u16.text == "扎根\n" and inline.text == "扎根理论"
    assert [(s.start, s.end) for s in u16.selections] == [(0, 2)]
    assert any("outside the text" in w and "skipped" in w for w in project.warnings)


# ---------------------------------------------------------------- codebooks


def test_qdc_round_trip(codebook_schema, refi, tmp_path):
    project, _ = _chinese_project()
    nvivo_codes = read_qdpx(refi / "samples" / NVIVO).codes
    for codes in (project.codes, nvivo_codes):
        out = tmp_path / "codes.qdc"
        write_qdc(codes, out)
        _validate(codebook_schema, out.read_bytes())
        assert read_qdc(out) == codes
    with pytest.raises(ParameterError):
        write_qdc([], io.BytesIO())


# ---------------------------------------------------------------- writer checks


def test_writer_refuses_bad_data():
    good, _ = _chinese_project()
    bad_guid = replace(good, codes=[QdaCode("not-a-guid", "x")])
    with pytest.raises(ValueError, match="GUID"):
        write_qdpx(bad_guid, io.BytesIO())
    src = good.sources[0]
    outside = replace(src, selections=[QdaSelection(make_guid("x"), None, 0, len(src.text) + 1)])
    with pytest.raises(ValueError, match="outside"):
        write_qdpx(replace(good, sources=[outside]), io.BytesIO())
    with pytest.raises(ValueError, match="colour"):
        write_qdpx(replace(good, codes=[QdaCode(make_guid("c"), "x", color="red")]), io.BytesIO())


def test_media_source_without_raw_validates(project_schema):
    sel = QdaSelection(make_guid("m", 2), "区域", 0, 0, kind="picture",
                       attrs={"firstX": "1", "firstY": "2", "secondX": "3", "secondY": "4"},
                       codings=[QdaCoding(make_guid("m", 3), make_guid("m", 4))])  # fmt: skip
    media = QdaSource(
        make_guid("m", 1), "图.png", kind="picture", path="internal://x.png", selections=[sel]
    )
    project = QdaProject("m", codes=[QdaCode(make_guid("m", 4), "图像")], sources=[media])
    buf = io.BytesIO()
    write_qdpx(project, buf)
    _validate(project_schema, _qde_of(buf.getvalue()))
    again = read_qdpx(io.BytesIO(buf.getvalue()))
    assert again.sources[0].selections[0].attrs["secondY"] == "4"


# ---------------------------------------------------------------- malformed files


_SRC = f"<Sources><TextSource guid='{make_guid(1)}'><PlainTextContent>x</PlainTextContent>"
_NO_INT = f"<PlainTextSelection guid='{make_guid(2)}' startPosition='a' endPosition='1'/>"
_NO_REF = f"<Coding guid='{make_guid(2)}'/>"
_ENTITIES = '<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
_XXE = '<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

#: case -> (archive members, or raw bytes; words the message must contain)
MALFORMED: dict[str, tuple[dict[str, str | bytes] | bytes, tuple[str, ...]]] = {
    "zip-bomb": (
        {"project.qde": _qde(), "sources/x.txt": b"\0" * (20 * 1024**2)},
        ("压缩炸弹", "zip bomb"),
    ),
    "entities": (
        {"project.qde": f'{_ENTITIES}<Project xmlns="{NS}" name="&b;"/>'},
        ("DOCTYPE", "实体", "refused for safety"),
    ),
    "xxe": (
        {"project.qde": f'{_XXE}<Project xmlns="{NS}" name="&e;"/>'},
        ("DOCTYPE", "external references"),
    ),
    "bare-doctype": (
        {"project.qde": f'<!DOCTYPE Project><Project xmlns="{NS}" name="p"/>'},
        ("DOCTYPE", "DTDForbidden"),
    ),
    "no-qde": ({"sources/a.txt": "x", "readme.md": "y"}, ("没有 .qde", "no .qde")),
    "not-zip": (b"this is not a zip file at all", ("zip 压缩包", "not a valid REFI-QDA")),
    "dot-dot": ({"project.qde": _qde(), "../../evil.txt": "x"}, ("不安全的路径", "unsafe member")),
    "absolute": ({"project.qde": _qde(), "/etc/evil": "x"}, ("不安全的路径", "unsafe member")),
    "bad-xml": ({"project.qde": "<Project xmlns='x' name='p'><Users>"}, ("格式错误", "malformed")),
    "wrong-root": (
        {"project.qde": f"<CodeBook xmlns='{NS}'/>"},
        ("不是 <Project>", "not <Project>"),
    ),
    "no-guid": (
        {
            "project.qde": _qde(
                "<CodeBook><Codes><Code name='x' isCodable='true'/></Codes></CodeBook>"
            )
        },
        ("缺少必需的属性 guid", "lacks the required attribute 'guid'"),
    ),
    "position": (
        {"project.qde": _qde(f"{_SRC}{_NO_INT}</TextSource></Sources>")},
        ("不是整数", "not an integer"),
    ),
    "coderef": (
        {"project.qde": _qde(f"{_SRC}{_NO_REF}</TextSource></Sources>")},
        ("缺少 CodeRef", "no CodeRef"),
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_raise_input_error(case):
    members, words = MALFORMED[case]
    data = io.BytesIO(members) if isinstance(members, bytes) else _zip(members)
    with pytest.raises(InputError) as err:
        read_qdpx(data, name="坏文件.qdpx")
    message = err.value.message
    assert message.startswith("坏文件.qdpx: ")
    assert all(w in message for w in words), message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.zh)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in err.value.en)


def test_size_limits(tmp_path):
    data = _zip(
        {"project.qde": _qde(), "sources/a.txt": "x" * 5000}, compression=zipfile.ZIP_STORED
    )
    with pytest.raises(InputError, match="ZHAGEN_MAX_QDPX_BYTES"):
        read_qdpx(data, max_bytes=1000)
    folder = tmp_path / "dir.qdpx"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        read_qdpx(folder)
    with pytest.raises(InputError, match="cannot read"):
        read_qdpx(tmp_path / "missing.qdpx")


def test_malformed_codebooks():
    with pytest.raises(InputError, match="DOCTYPE"):
        read_qdc(io.BytesIO(b'<!DOCTYPE x [<!ENTITY a "b">]><CodeBook/>'), name="c.qdc")
    with pytest.raises(InputError, match="not <CodeBook>"):
        read_qdc(io.BytesIO(f'<Project xmlns="{NS}" name="p"/>'.encode()), name="c.qdc")
    with pytest.raises(InputError, match="no Codes"):
        read_qdc(io.BytesIO(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'), name="c.qdc")


def test_warnings_for_dangling_references():
    code = make_guid("d", 1)
    body = (f"<CodeBook><Codes><Code guid='{code}' name='a' isCodable='true'>"
            f"<NoteRef targetGUID='{make_guid('n')}'/>"
            f"</Code></Codes></CodeBook><Sources><TextSource guid='{make_guid('d', 2)}' name='t'>"
            "<PlainTextContent>abc</PlainTextContent>"
            f"<Coding guid='{make_guid('d', 3)}'>"
            f"<CodeRef targetGUID='{make_guid('d', 9)}'/></Coding>"
            "</TextSource><Oddity/></Sources>")  # fmt: skip
    project = read_qdpx(_zip({"project.qde": _qde(body)}))
    text = "\n".join(project.warnings)
    assert "NoteRefs point to no note" in text and "missing from the codebook" in text
    assert "ignored 1 <Sources/Oddity>" in text
