"""Byte-level helpers every reader shares: naming a source, sniffing its encoding, opening it.

Readers accept a path or an open binary file. Line-based exports are streamed (a CNKI export
of a million records is over a gigabyte); whole-file readers go through ``read_bytes`` with
a size limit so that a 2 GB file gets a clear error, not an out-of-memory kill.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from zhagen.errors import InputError
from zhagen.limits import Limits
from zhagen.limits import current as current_limits

__all__ = [
    "Source",
    "source_name",
    "read_head",
    "read_bytes",
    "detect_encoding",
    "decode",
    "open_text",
    "iter_lines",
    "ChunkSource",
    "before_padding",
    "damaged_at",
    "zip_bomb",
    "MAX_DOCUMENT_BYTES",
]

Source = str | os.PathLike[str] | BinaryIO

#: Largest raw document (txt, docx, pdf, html, md) read whole into memory, as it was when
#: this module was imported (``read_bytes`` asks :mod:`zhagen.limits` at each call).
MAX_DOCUMENT_BYTES = current_limits().document_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ChunkSource(io.BytesIO):
    """A chunk of a larger export (see :func:`zhagen.formats.iter_chunks`), as a source.

    A reader whose check of a file's last record needs all the records before it (CNKI
    tagged exports: fields every earlier record had) does not check a chunk's last record:
    it leaves in :attr:`tail` what the caller needs to check the file's last record once
    every chunk has been read. Other readers read it as any binary file.
    """

    tail: object = None


def source_name(source: Source, name: str | None = None) -> str:
    """The name to report for a source: ``name`` if given, else the path as given."""
    if name:
        return name
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


#: errno -> the reason in Chinese (the English one is the system's ``strerror``)
_REASONS_ZH = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "磁盘读取错误",
}


def _unreadable(name: str, exc: OSError) -> InputError:
    reason_zh = _REASONS_ZH.get(exc.errno or 0, exc.strerror or str(exc))
    return InputError(
        f"无法读取文件（{reason_zh}），请检查路径和权限",
        f"cannot read the file ({exc.strerror or exc}); check the path and its permissions",
        file=name,
    )


def _open_binary(source: Source, name: str) -> BinaryIO:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            raise InputError("这是一个文件夹，不是文件", "this is a folder, not a file", file=name)
        try:
            return open(path, "rb")  # noqa: SIM115 - caller closes
        except OSError as exc:
            raise _unreadable(name, exc) from exc
    return source


def read_head(source: Source, n: int = 65536, *, name: str | None = None) -> bytes:
    """The first ``n`` bytes of a source, leaving an open file where it was."""
    label = source_name(source, name)
    if isinstance(source, str | os.PathLike):
        with _open_binary(source, label) as fh:
            try:
                return fh.read(n)
            except OSError as exc:
                raise _unreadable(label, exc) from exc
    pos = source.tell()
    data = source.read(n)
    source.seek(pos)
    return data


def read_bytes(source: Source, *, name: str | None = None, limit: int | None = None) -> bytes:
    """Read a whole source, refusing more than ``limit`` bytes with a clear error."""
    label = source_name(source, name)
    limit = current_limits().document_bytes if limit is None else limit
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
        except OSError as exc:
            raise _unreadable(label, exc) from exc
        if size > limit:
            raise _too_large(label, size, limit)
        with _open_binary(source, label) as fh:
            try:
                return fh.read()
            except OSError as exc:
                raise _unreadable(label, exc) from exc
    data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_large(label, len(data), limit)
    return data


def _too_large(name: str, size: int, limit: int) -> InputError:
    mb, lim = size / 2**20, limit / 2**20
    return InputError(
        f"文件过大（{mb:.0f} MB，单个文档上限 {lim:.0f} MB），请拆分后再导入，"
        "或设置环境变量 ZHAGEN_MAX_DOCUMENT_BYTES",
        f"file too large ({mb:.0f} MB; a single document may have at most {lim:.0f} MB); "
        "split it, or raise ZHAGEN_MAX_DOCUMENT_BYTES",
        file=name,
    )


#: Zip members smaller than this are not ratio-checked (small XML parts compress very well).
_RATIO_FLOOR = 1024 * 1024
_MAX_MEMBERS = 20000


def zip_bomb(infos: list[zipfile.ZipInfo], limits: Limits) -> tuple[str, str] | None:
    """Why an archive's directory looks like a zip bomb (Chinese, English), or ``None``.

    Too many members, a declared total over ``unzipped_bytes``, or a member over 1 MB
    that expands more than ``compression_ratio`` times. Readers still cap what they inflate:
    the directory may lie.

    >>> from zhagen.limits import Limits
    >>> info = zipfile.ZipInfo("x.xml")
    >>> info.file_size, info.compress_size = 50 * 2**20, 1000
    >>> zip_bomb([info], Limits())[1]
    'a compression ratio of 52429:1 in x.xml (limit 100:1)'
    """
    if len(infos) > _MAX_MEMBERS:
        return f"有 {len(infos)} 个文件", f"{len(infos)} files"
    total = sum(info.file_size for info in infos)
    if total > limits.unzipped_bytes:
        mb, lim = total / 2**20, limits.unzipped_bytes / 2**20
        return f"共 {mb:.0f} MB（上限 {lim:.0f} MB）", f"{mb:.0f} MB (limit {lim:.0f} MB)"
    cap = limits.compression_ratio
    for info in infos:
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > cap:
                return (
                    f"其中 {info.filename} 的压缩比为 {ratio:.0f}:1（上限 {cap}:1）",
                    f"a compression ratio of {ratio:.0f}:1 in {info.filename} (limit {cap}:1)",
                )
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: many NUL bytes on one parity, or (pure Chinese, no NULs) code
    units that decode to Han characters and CJK punctuation in one byte order only."""
    return _nul_utf16(data) or _han_utf16(data)


def _nul_utf16(data: bytes) -> str | None:
    """UTF-16 with some ASCII in it: many NUL bytes on one parity (never so in UTF-8 text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _plausible_unit(o: int) -> bool:
    """A code point that Chinese prose in UTF-16 is made of (Han, CJK/fullwidth punctuation,
    ASCII, Latin with tone marks, general punctuation, number forms, circled numbers)."""
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x30FF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20 <= o < 0x7F
        or o in (9, 10, 13)
        or 0xA0 <= o <= 0x24F
        or 0x2000 <= o <= 0x206F
        or 0x2150 <= o <= 0x27BF
    )


def _han_utf16(data: bytes) -> str | None:
    # Pure Chinese UTF-16 has no NUL bytes and chardet calls it binary. GB18030 and Big5
    # read as UTF-16 give mostly Hangul, private-use or surrogate units, so demanding 95 %
    # plausible units and 20 % Han, over at least 8 units, tells them apart (no false
    # positive on 45,600 GB18030/Big5 fragments of the seeds and government reports).
    sample = data[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 16:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            units = [ord(ch) for ch in sample.decode(enc)]
        except UnicodeDecodeError:
            continue
        han = sum(1 for o in units if 0x4E00 <= o <= 0x9FFF)
        ok = sum(1 for o in units if _plausible_unit(o))
        if ok >= 0.95 * len(units) and han >= 0.2 * len(units):
            return enc
    return None


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # a sample cut in the middle of a character is still UTF-8
        return exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a damaged or spliced file), not a legacy encoding.

    GB18030 and Big5 bytes seldom form valid multi-byte UTF-8 sequences, so many valid
    non-ASCII characters and at most 1 % bad bytes point to UTF-8.
    """
    sample = data[:65536]
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return 0 < bad <= 0.01 * len(sample) and good >= 10 * bad


def detect_encoding(data: bytes) -> str:
    """Guess the encoding of some bytes of text.

    BOM first, then UTF-16 without BOM that has NUL bytes (some ASCII), then strict UTF-8,
    then pure-Chinese UTF-16 without BOM, then UTF-8 with a few broken bytes, then chardet (which tells
    GB18030/GBK and Big5 apart on short Chinese samples; see DESIGN.md §7). GBK and GB2312
    are reported as ``gb18030``, their superset.

    >>> detect_encoding("新质生产力".encode("gb18030"))
    'gb18030'
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    # NUL bytes first: ASCII-only UTF-16 is also valid UTF-8 (full of NULs)
    utf16 = _nul_utf16(data)
    if utf16:
        return utf16
    if _valid_utf8(data):
        return "utf-8"
    utf16 = _han_utf16(data)
    if utf16:
        return utf16
    if _mostly_utf8(data):
        return "utf-8"
    import chardet

    guess = (chardet.detect(data[:65536]).get("encoding") or "").lower()
    if guess in {"gb2312", "gbk", "gb18030", "hz-gb-2312"}:
        return "gb18030"
    if guess in {"big5", "big5hkscs", "cp950"}:
        return "big5hkscs"
    if guess:
        try:
            codecs.lookup(guess)
            return guess
        except LookupError:
            pass
    return "gb18030"


def decode(data: bytes, encoding: str | None = None, *, final: bool = True) -> tuple[str, str, int]:
    """Decode bytes; return ``(text, encoding, number of undecodable bytes replaced)``.

    Line endings are left as they are (``\\r\\n`` and lone ``\\r`` are meaningful in CNKI
    exports); a BOM is removed. ``final=False`` decodes the head of a longer file: a
    multi-byte character cut by its end is left out rather than replaced (in every
    encoding :func:`detect_encoding` reports).

    >>> data = "\ufeff知网".encode("utf-8")
    >>> decode(data[:7], final=False)
    ('知', 'utf-8-sig', 0)
    >>> decode(data[:7])[0]
    '知\ufffd'
    """
    enc = encoding or detect_encoding(data)
    text = _decode(data, enc, final)
    bad = text.count("\ufffd")
    if bad and enc != "utf-8" and encoding is None and _valid_utf8(data):
        text, enc = _decode(data, "utf-8", final), "utf-8"
        bad = text.count("\ufffd")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc, bad


def _decode(data: bytes, enc: str, final: bool) -> str:
    # an incremental decoder keeps a character cut by the end of ``data`` back when not
    # ``final`` (a head of 64 KB cuts one in most Chinese files): never an exception
    return codecs.getincrementaldecoder(enc)(errors="replace").decode(data, final=final)


def open_text(source: Source, *, name: str | None = None, encoding: str | None = None) -> TextIO:
    """Open a source as text for streaming, splitting lines on ``\\n`` only.

    A lone ``\\r`` stays inside its line (CNKI puts them inside fields); the caller strips
    the trailing ``\\r`` of CRLF line ends. A long run of NUL bytes (zero padding after an
    interrupted copy, see :class:`zhagen.limits.Limits`) ends the text there, and closing
    the file raises an :class:`InputError` naming the byte where it starts.
    """
    label = source_name(source, name)
    enc = encoding or detect_encoding(read_head(source, name=label))
    raw = _open_binary(source, label)
    if enc in {"utf-8", "utf-8-sig"}:
        enc = "utf-8-sig"
    guarded = io.BufferedReader(_NulGuard(raw, label, current_limits().nul_run), 1 << 20)
    return io.TextIOWrapper(guarded, encoding=enc, errors="replace", newline="\n")


def before_padding(data: bytes) -> bytes:
    """``data`` up to a run of NUL padding (see :class:`zhagen.limits.Limits`), if any.

    >>> before_padding(b"PT J" + bytes(5000) + b"ER")
    b'PT J'
    """
    at = data.find(b"\x00" * current_limits().nul_run)
    return data if at < 0 else data[:at]


def damaged_at(label: str, offset: int) -> InputError:
    """The error for text that ends in a long run of NUL bytes at byte ``offset``.

    >>> damaged_at("a.txt", 120).en.split(";")[0]
    'not text: file damaged at byte 120 (a long run of NUL bytes starts there)'
    """
    return InputError(
        f"不是文本：文件在第 {offset} 字节处损坏（从这里起是一长串空字节 NUL，可能是复制或"
        "下载中断）；此前的记录已导入，请重新导出或重新下载这个文件",
        f"not text: file damaged at byte {offset} (a long run of NUL bytes starts there); "
        "perhaps an interrupted copy or download; the records before it were imported; "
        "export or download the file again",
        file=label,
    )


class _NulGuard(io.RawIOBase):
    """A binary file that ends, with :func:`damaged_at`, where a run of ``run`` NULs starts.

    The text ends where the run starts: a reader reads every record before it (the last
    one too, as at the end of a file) and the error is raised when the file is closed
    (readers close it in a ``with`` block as they finish). Memory stays bounded: a 2 GB file of zero
    padding is never read further than its first ``run`` NULs.
    """

    def __init__(self, raw: BinaryIO, label: str, run: int) -> None:
        super().__init__()
        self._raw, self._label = raw, label
        self._probe = b"\x00" * run
        self._tail = b""  # the last run - 1 bytes delivered (a run may straddle reads)
        try:
            self._pos = raw.tell()
        except (OSError, ValueError, AttributeError):
            self._pos = 0
        self._damaged: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._damaged is not None:
            return 0  # the end of the text: the error is raised when the file is closed
        data = self._raw.read(len(buffer))
        if not data:
            return 0
        keep = len(self._probe) - 1
        at = (self._tail + data[:keep]).find(self._probe) if self._tail else -1
        if at < 0:
            at = data.find(self._probe)
            at = at + len(self._tail) if at >= 0 else -1
        if at >= 0:
            self._damaged = self._pos - len(self._tail) + at
            data = data[: max(0, at - len(self._tail))]
            if not data:
                return 0
        n = len(data)
        buffer[:n] = data
        self._pos += n
        self._tail = (self._tail + data[-keep:])[-keep:] if keep else b""
        return n

    def close(self) -> None:
        damaged, self._damaged = self._damaged, None
        try:
            if not self.closed:
                self._raw.close()
        finally:
            super().close()
        if damaged is not None:
            raise damaged_at(self._label, damaged)


def iter_lines(source: Source, *, name: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line number from 1, line without its line end)`` for a text source."""
    with open_text(source, name=name) as fh:
        for number, line in enumerate(fh, 1):
            if line.endswith("\n"):
                line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
            yield number, line
