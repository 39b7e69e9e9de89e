"""Opening REFI-QDA archives and parsing their XML safely (used by :mod:`.read`).

The archive is checked before anything is read: member count, declared total size and
per-member compression ratio (zip bombs), and member names (no absolute paths, no ``..``);
members are read up to their declared size. XML is parsed with :mod:`defusedxml` with
DTDs, entities and external references forbidden. Every refusal is an
:class:`~zhagen.errors.InputError` naming the file.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from typing import TYPE_CHECKING

from zhagen.errors import InputError
from zhagen.formats._io import Source, read_bytes
from zhagen.limits import current as current_limits

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: Largest ``.qde`` / ``.qdc`` / internal ``.txt`` read into memory.
MAX_XML_BYTES = current_limits().xml_bytes  # ZHAGEN_MAX_XML_BYTES
#: Most members a .qdpx may have.
MAX_MEMBERS = 100_000
#: Largest uncompressed/compressed ratio of a member over :data:`_RATIO_FLOOR` bytes.
#: Text and XML compress 3-20 times; zip bombs 1,000 times and more.
MAX_RATIO = 200
_RATIO_FLOOR = 1024**2

#: Errors: key -> (Chinese, English), formatted with the keyword arguments of ``_error``.
_ERRORS = {
    "not-zip": ("不是有效的 REFI-QDA 项目文件（.qdpx 应是 zip 压缩包；{why}）；请在 NVivo / "
                "ATLAS.ti / MAXQDA 中重新导出为 REFI-QDA 项目",
                "not a valid REFI-QDA project (.qdpx must be a zip archive; {why}); export it "
                "again from NVivo / ATLAS.ti / MAXQDA as a REFI-QDA project"),
    "folder": ("这是一个文件夹，不是 .qdpx 文件", "this is a folder, not a .qdpx file"),
    "unreadable": ("无法读取文件（{why}），请检查路径和权限",
                   "cannot read the file ({why}); check the path and its permissions"),
    "members": ("压缩包内文件过多（{n} 个，上限 {limit}），疑似恶意文件，已拒绝读取",
                "too many members in the archive ({n}; at most {limit}); refused as possibly "
                "malicious"),
    "unsafe-name": ("压缩包内含不安全的路径 {member!r}（绝对路径或 ..），已拒绝读取；请核实文件来源",
                    "the archive holds an unsafe member name {member!r} (absolute or with "
                    "'..'); refused: check where the file came from"),
    "bomb": ("{member} 的压缩比异常（{ratio:.0f} 倍），疑似压缩炸弹，已拒绝读取",
             "{member} expands {ratio:.0f} times; refused as a likely zip bomb"),
    "archive-size": ("压缩包解压后过大（{mb:.0f} MB，上限 {lim:.0f} MB），已拒绝读取；如确为正常文件，"
                     "请设置环境变量 ZHAGEN_MAX_QDPX_BYTES",
                     "the archive expands to {mb:.0f} MB (at most {lim:.0f} MB); refused: raise "
                     "ZHAGEN_MAX_QDPX_BYTES if the file is genuine"),
    "member-size": ("{member} 过大（{mb:.0f} MB，上限 {lim:.0f} MB）；如确为正常文件，请设置环境变量 "
                    "ZHAGEN_MAX_XML_BYTES",
                    "{member} is too large ({mb:.0f} MB; at most {lim:.0f} MB); raise "
                    "ZHAGEN_MAX_XML_BYTES if it is genuine"),
    "no-qde": ("压缩包中没有 .qde 项目文件（应为 project.qde）；这不是 REFI-QDA 项目，请在原软件中"
               "用“导出 REFI-QDA 项目”重新导出",
               "the archive holds no .qde project file (project.qde); this is not a REFI-QDA "
               "project: export it again with the original program's REFI-QDA project export"),
    "damaged": ("无法解压 {member}（{why}）；文件可能已损坏或加密，请重新导出",
                "cannot decompress {member} ({why}); the file may be damaged or encrypted: "
                "export it again"),
    "unsafe-xml": ("XML{part} 含有 DOCTYPE / 实体声明或外部引用，出于安全考虑拒绝读取（{why}）；"
                   "REFI-QDA 文件不应包含这些内容，请核实文件来源并重新导出",
                   "the XML{part} contains a DOCTYPE, entity declarations or external "
                   "references and is refused for safety ({why}); REFI-QDA files never need "
                   "them: check where the file came from and export it again"),
    "bad-xml": ("XML{part} 格式错误（第 {line} 行第 {col} 列：{why}）；文件可能已损坏或被截断，请重新导出",
                "the XML{part} is malformed (line {line}, column {col}: {why}); the file may "
                "be damaged or truncated: export it again"),
}  # fmt: skip


def _error(label: str, key: str, line: int | None = None, **kw: object) -> InputError:
    zh, en = (t.format(line=line, **kw) for t in _ERRORS[key])
    return InputError(zh, en, file=label, line=line)


# ---------------------------------------------------------------- XML


def parse_xml(data: bytes, label: str, member: str | None = None) -> Element:
    """Parse XML bytes safely (no DTD, no entities, no external references).

    Raises :class:`InputError` naming ``label`` (and ``member`` inside an archive) for
    unsafe or malformed XML.
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    part = f" ({member})" if member else ""
    try:
        return safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _error(label, "unsafe-xml", part=part, why=type(exc).__name__) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise _error(label, "bad-xml", line=line, part=part, col=col, why=exc) from None


# ---------------------------------------------------------------- the archive


def open_zip(source: Source, label: str, limit: int) -> zipfile.ZipFile:
    try:
        if isinstance(source, str | os.PathLike):
            if os.path.isdir(source):
                raise _error(label, "folder")
            return zipfile.ZipFile(source)
        seekable = getattr(source, "seekable", None)
        if not (seekable and seekable()):
            source = io.BytesIO(read_bytes(source, name=label, limit=limit))
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise _error(label, "not-zip", why=str(exc) or type(exc).__name__) from None
    except OSError as exc:
        raise _error(label, "unreadable", why=exc.strerror or exc) from None


def unsafe_name(name: str) -> bool:
    path = name.replace("\\", "/")
    return (
        path.startswith("/")
        or re.match(r"^[A-Za-z]:", path) is not None
        or "\x00" in path
        or any(part == ".." for part in path.split("/"))
    )


def check_members(zf: zipfile.ZipFile, label: str, limit: int) -> dict[str, zipfile.ZipInfo]:
    """Refuse unsafe archives; return the file members by lower-cased ``/`` path."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _error(label, "members", n=len(infos), limit=MAX_MEMBERS)
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if unsafe_name(info.filename):
            raise _error(label, "unsafe-name", member=info.filename)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise _error(label, "bomb", member=info.filename, ratio=ratio)
        if not info.is_dir():
            members[info.filename.replace("\\", "/").lower()] = info
    if total > limit:
        raise _error(label, "archive-size", mb=total / 2**20, lim=limit / 2**20)
    return members


def find_qde(members: dict[str, zipfile.ZipInfo], label: str) -> zipfile.ZipInfo:
    """The .qde: the shallowest, ``project.qde`` (any case) before other names."""
    found = sorted((k.count("/"), k.rsplit("/", 1)[-1] != "project.qde", k) for k in members)
    found = [f for f in found if f[2].endswith(".qde")]
    if not found:
        raise _error(label, "no-qde")
    return members[found[0][2]]


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, limit: int) -> bytes:
    if info.file_size > limit:
        raise _error(
            label, "member-size", member=info.filename, mb=info.file_size / 2**20, lim=limit / 2**20
        )
    try:
        with zf.open(info) as fh:
            return fh.read(info.file_size)  # the declared size bounds the read (CRC checked)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError, ValueError) as exc:
        raise _error(label, "damaged", member=info.filename, why=exc) from None
